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
///
/// Two sets are equal (and hash the same) when they hold the same offsets,
/// whatever their history.
#[derive(Clone)]
pub struct RangeSet(Repr);

/// Where a [`RangeSet`]'s ranges live (72 bytes: the tag shares a word with the
/// inline count).
#[derive(Clone)]
enum Repr {
    /// At most [`RangeSet::INLINE`] ranges, the first `len` slots in use.
    Inline {
        len: u8,
        ranges: [(u64, u64); RangeSet::INLINE],
    },
    /// On the heap: more than [`RangeSet::INLINE`] ranges, or fewer after
    /// inserts that merged ranges or a clear (a removal leaving
    /// [`RangeSet::INLINE`] or fewer moves them back inline).
    Spill(Vec<(u64, u64)>),
}

impl Default for RangeSet {
    fn default() -> Self {
        RangeSet::new()
    }
}

impl RangeSet {
    /// How many ranges fit without allocating.
    pub const INLINE: usize = 4;

    /// The empty set.
    pub const fn new() -> Self {
        RangeSet(Repr::Inline {
            len: 0,
            ranges: [(0, 0); RangeSet::INLINE],
        })
    }

    /// The inline form of `ranges`: callers pass at most [`RangeSet::INLINE`]
    /// (more would not be kept).
    fn inline(ranges: impl IntoIterator<Item = (u64, u64)>) -> Repr {
        let mut out = [(0u64, 0u64); Self::INLINE];
        let mut len = 0u8;
        for (slot, r) in out.iter_mut().zip(ranges) {
            *slot = r;
            len += 1;
        }
        Repr::Inline { len, ranges: out }
    }

    fn as_slice(&self) -> &[(u64, u64)] {
        match &self.0 {
            Repr::Inline { len, ranges } => ranges.get(..usize::from(*len)).unwrap_or(&[]),
            Repr::Spill(v) => v,
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
        if matches!(self.0, Repr::Inline { .. }) {
            let before = s.get(..lo).unwrap_or(&[]);
            let after = s.get(hi..).unwrap_or(&[]);
            let joined = before
                .iter()
                .copied()
                .chain([(start, end)])
                .chain(after.iter().copied());
            if new_len <= Self::INLINE {
                self.0 = Self::inline(joined);
            } else {
                let mut all: Vec<(u64, u64)> = Vec::with_capacity(new_len);
                all.extend(joined);
                self.0 = Repr::Spill(all);
            }
        } else if let Repr::Spill(v) = &mut self.0 {
            v.splice(lo..hi, [(start, end)]);
        }
        (range.end - range.start) - covered
    }

    /// Removes every offset below `offset` (what has been acknowledged, say).
    /// A set left with few enough ranges moves back inline.
    pub fn remove_below(&mut self, offset: u64) {
        let s = self.as_slice();
        let i = s.partition_point(|r| r.1 <= offset);
        let kept = s.get(i..).unwrap_or(&[]);
        if kept.len() <= Self::INLINE {
            self.0 = Self::inline(kept.iter().copied());
        } else if let Repr::Spill(v) = &mut self.0 {
            v.drain(..i);
        }
        let first = match &mut self.0 {
            Repr::Inline { len: 1.., ranges } => ranges.first_mut(),
            Repr::Inline { .. } => None,
            Repr::Spill(v) => v.first_mut(),
        };
        if let Some(r) = first {
            r.0 = r.0.max(offset);
        }
    }

    /// Empties the set (keeping any allocation).
    pub fn clear(&mut self) {
        match &mut self.0 {
            Repr::Inline { len, .. } => *len = 0,
            Repr::Spill(v) => v.clear(),
        }
    }
}

// By the ranges held: the inline slots past `len` keep stale values that must
// not count, and the same ranges may be inline in one set and spilled in another.
impl PartialEq for RangeSet {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for RangeSet {}

impl core::hash::Hash for RangeSet {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl core::fmt::Debug for RangeSet {
    /// The ranges, as a list: `[0..150, 200..300]`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use alloc::format;

    use super::RangeSet;

    /// Equality and `Debug` look at the ranges held, not at the stale slots a
    /// clear, a removal or a spill leaves behind (the derived ones did).
    #[test]
    fn equal_sets_whatever_their_history() {
        let mut cleared = RangeSet::new();
        cleared.insert(0..10);
        cleared.clear();
        assert_eq!(cleared, RangeSet::new());

        // Five ranges spill out of the four inline slots; removing the lowest
        // two leaves three, as a set built from them directly.
        let mut spilled = RangeSet::new();
        for start in [0, 20, 40, 60, 80] {
            spilled.insert(start..start + 10);
        }
        let mut direct = RangeSet::new();
        for start in [40, 60, 80] {
            direct.insert(start..start + 10);
        }
        assert_ne!(spilled, direct);
        spilled.remove_below(30);
        assert_eq!(spilled, direct);
        assert_eq!(format!("{spilled:?}"), "[40..50, 60..70, 80..90]");

        // Spilled on both sides, with different stale inline slots.
        let mut a = RangeSet::new();
        let mut b = RangeSet::new();
        for start in [0, 20, 40, 60, 80] {
            a.insert(start..start + 10);
        }
        for start in [80, 60, 40, 20, 0] {
            b.insert(start..start + 10);
        }
        assert_eq!(a, b);
        assert_ne!(a, direct);
    }
}
