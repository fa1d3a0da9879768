//! [`RangeSet`]: a compact set of byte ranges (seen, acknowledged, ...).

use alloc::vec::Vec;
use core::ops::Range;

/// A set of `u64` offsets kept as sorted, disjoint, non-adjacent half-open
/// ranges: what a direction has sent, what has been acknowledged, where the holes
/// are. Inserting merges overlapping and touching ranges, so a stream received in
/// order is one range whatever its length.
///
/// Up to [`RangeSet::INLINE`] ranges live inside the value; only a set with more
/// holes than that allocates. Operations cost O(log n + merged ranges).
///
/// ```
/// use synack::track::RangeSet;
///
/// let mut seen = RangeSet::new();
/// seen.insert(0..100);
/// seen.insert(200..300);
/// seen.insert(100..150);
/// assert_eq!(seen.iter().collect::<Vec<_>>(), [0..150, 200..300]);
/// assert!(seen.contains_range(10..150));
/// assert_eq!(seen.first_gap_after(0), Some(150..200));
/// assert_eq!(seen.total_len(), 250);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RangeSet {
    inline: [(u64, u64); RangeSet::INLINE],
    inline_len: u8,
    spill: Vec<(u64, u64)>,
}

impl RangeSet {
    /// How many ranges fit without allocating.
    pub const INLINE: usize = 4;

    /// The empty set.
    pub const fn new() -> Self {
        RangeSet {
            inline: [(0, 0); RangeSet::INLINE],
            inline_len: 0,
            spill: Vec::new(),
        }
    }

    fn as_slice(&self) -> &[(u64, u64)] {
        if self.spill.is_empty() {
            self.inline
                .get(..usize::from(self.inline_len))
                .unwrap_or(&[])
        } else {
            &self.spill
        }
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// How many disjoint ranges the set holds.
    pub fn range_count(&self) -> usize {
        self.as_slice().len()
    }

    /// The ranges in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = Range<u64>> + '_ {
        self.as_slice().iter().map(|&(s, e)| s..e)
    }

    /// The number of offsets in the set.
    pub fn total_len(&self) -> u64 {
        self.as_slice().iter().map(|&(s, e)| e - s).sum()
    }

    /// The lowest offset in the set.
    pub fn min(&self) -> Option<u64> {
        self.as_slice().first().map(|r| r.0)
    }

    /// One past the highest offset in the set.
    pub fn end(&self) -> Option<u64> {
        self.as_slice().last().map(|r| r.1)
    }

    /// Whether `offset` is in the set.
    pub fn contains(&self, offset: u64) -> bool {
        let s = self.as_slice();
        let i = s.partition_point(|r| r.1 <= offset);
        s.get(i).is_some_and(|r| r.0 <= offset)
    }

    /// Whether every offset of `range` is in the set (an empty range always is).
    pub fn contains_range(&self, range: Range<u64>) -> bool {
        if range.start >= range.end {
            return true;
        }
        let s = self.as_slice();
        let i = s.partition_point(|r| r.1 <= range.start);
        s.get(i)
            .is_some_and(|r| r.0 <= range.start && range.end <= r.1)
    }

    /// Whether some offset of `range` is in the set.
    pub fn intersects(&self, range: Range<u64>) -> bool {
        if range.start >= range.end {
            return false;
        }
        let s = self.as_slice();
        let i = s.partition_point(|r| r.1 <= range.start);
        s.get(i).is_some_and(|r| r.0 < range.end)
    }

    /// The first hole at or after `offset` that has set members after it.
    pub fn first_gap_after(&self, offset: u64) -> Option<Range<u64>> {
        let s = self.as_slice();
        let i = s.partition_point(|r| r.1 <= offset);
        let r = s.get(i)?;
        if r.0 > offset {
            return Some(offset..r.0);
        }
        let next = s.get(i + 1)?;
        Some(r.1..next.0)
    }

    /// Adds `range`; returns how many of its offsets were new.
    pub fn insert(&mut self, range: Range<u64>) -> u64 {
        if range.start >= range.end {
            return 0;
        }
        let mut v: Vec<(u64, u64)> = Vec::new();
        let s = self.as_slice();
        // Ranges strictly before (not touching) and strictly after.
        let lo = s.partition_point(|r| r.1 < range.start);
        let hi = s.partition_point(|r| r.0 <= range.end);
        let merged = s.get(lo..hi).unwrap_or(&[]);
        let covered: u64 = merged
            .iter()
            .map(|&(a, b)| b.min(range.end).saturating_sub(a.max(range.start)))
            .sum();
        let start = merged.first().map_or(range.start, |r| r.0.min(range.start));
        let end = merged.last().map_or(range.end, |r| r.1.max(range.end));
        let new_len = s.len() - merged.len() + 1;
        if self.spill.is_empty() && new_len <= Self::INLINE {
            let mut out = [(0u64, 0u64); Self::INLINE];
            let mut n = 0;
            for &r in s.get(..lo).unwrap_or(&[]).iter() {
                if let Some(slot) = out.get_mut(n) {
                    *slot = r;
                }
                n += 1;
            }
            if let Some(slot) = out.get_mut(n) {
                *slot = (start, end);
            }
            n += 1;
            for &r in s.get(hi..).unwrap_or(&[]).iter() {
                if let Some(slot) = out.get_mut(n) {
                    *slot = r;
                }
                n += 1;
            }
            self.inline = out;
            self.inline_len = n as u8;
        } else {
            v.reserve(new_len);
            v.extend_from_slice(s.get(..lo).unwrap_or(&[]));
            v.push((start, end));
            v.extend_from_slice(s.get(hi..).unwrap_or(&[]));
            self.spill = v;
            self.inline_len = 0;
        }
        (range.end - range.start) - covered
    }

    /// Removes every offset below `offset` (what has been acknowledged, say).
    pub fn remove_below(&mut self, offset: u64) {
        let s = self.as_slice();
        let i = s.partition_point(|r| r.1 <= offset);
        let mut rest: Vec<(u64, u64)> = Vec::new();
        let kept: &[(u64, u64)] = s.get(i..).unwrap_or(&[]);
        if kept.len() <= Self::INLINE {
            let mut out = [(0u64, 0u64); Self::INLINE];
            for (slot, &(a, b)) in out.iter_mut().zip(kept) {
                *slot = (a.max(offset), b);
            }
            self.inline_len = kept.len() as u8;
            self.inline = out;
            self.spill = Vec::new();
        } else {
            rest.extend(kept.iter().map(|&(a, b)| (a.max(offset), b)));
            self.spill = rest;
        }
    }

    /// Empties the set (keeping any allocation).
    pub fn clear(&mut self) {
        self.inline_len = 0;
        self.spill.clear();
    }
}
