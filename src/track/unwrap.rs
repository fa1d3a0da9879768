//! [`SeqUnwrapper`]: 32-bit sequence numbers to 64-bit stream offsets.

use crate::seq::SeqNum;

/// Turns the 32-bit sequence numbers of one direction into 64-bit offsets from a
/// base, so that a stream longer than 4 GiB keeps counting instead of wrapping.
///
/// Each number is placed at the offset nearest to the highest offset seen so far
/// (serial-number arithmetic, RFC 1982 / RFC 9293 §3.4): a number up to 2^31 − 1
/// ahead of it is ahead, one up to 2^31 behind it is behind. A number that would
/// fall before the base gives `None`. Nothing is allocated.
///
/// ```
/// use synack::seq::SeqNum;
/// use synack::track::SeqUnwrapper;
///
/// let mut u = SeqUnwrapper::new(SeqNum(u32::MAX - 9));
/// assert_eq!(u.unwrap(SeqNum(u32::MAX - 9)), Some(0));
/// assert_eq!(u.unwrap(SeqNum(5)), Some(15)); // past the wrap
/// assert_eq!(u.unwrap(SeqNum(u32::MAX)), Some(9)); // behind, still after the base
/// assert_eq!(u.unwrap(SeqNum(u32::MAX - 20)), None); // before the base
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SeqUnwrapper {
    base: SeqNum,
    /// The highest offset returned so far, and its sequence number.
    high: u64,
}

impl SeqUnwrapper {
    /// An unwrapper whose offset 0 is `base`.
    pub const fn new(base: SeqNum) -> Self {
        SeqUnwrapper { base, high: 0 }
    }

    /// An unwrapper whose offset 0 is `base` and whose highest offset so far is
    /// `high` (what [`SeqUnwrapper::highest`] returned): the tracker keeps only
    /// the offset, its base being the direction's.
    pub(crate) const fn from_parts(base: SeqNum, high: u64) -> Self {
        SeqUnwrapper { base, high }
    }

    /// The sequence number of offset 0.
    pub const fn base(&self) -> SeqNum {
        self.base
    }

    /// The highest offset returned so far.
    pub const fn highest(&self) -> u64 {
        self.high
    }

    /// The sequence number at `offset` (the inverse of [`SeqUnwrapper::unwrap`]).
    pub const fn wrap(&self, offset: u64) -> SeqNum {
        SeqNum(self.base.0.wrapping_add(offset as u32))
    }

    /// The offset of `n`, nearest to the highest offset so far; `None` when it
    /// would lie before the base. Moves the highest offset forward.
    pub fn unwrap(&mut self, n: SeqNum) -> Option<u64> {
        let off = self.peek(n)?;
        if off > self.high {
            self.high = off;
        }
        Some(off)
    }

    /// Like [`SeqUnwrapper::unwrap`] without moving the highest offset.
    pub fn peek(&self, n: SeqNum) -> Option<u64> {
        let high_seq = self.wrap(self.high);
        let d = n.0.wrapping_sub(high_seq.0) as i32;
        if d >= 0 {
            self.high.checked_add(d as u64)
        } else {
            self.high.checked_sub(u64::from(d.unsigned_abs()))
        }
    }
}
