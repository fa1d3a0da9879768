//! Sequence numbers: serial-number arithmetic modulo 2^32.
//!
//! TCP numbers every byte (and SYN and FIN) with a 32-bit sequence number that
//! wraps around (RFC 9293 §3.4). Comparing two of them is only meaningful when
//! they are less than 2^31 apart: then the one you reach by adding a positive
//! distance smaller than 2^31 is "after" the other (RFC 1982 serial-number
//! arithmetic). [`SeqNum`] implements exactly that:
//!
//! * `+ u32`, `- u32`: wrapping moves;
//! * [`SeqNum::distance`]: the signed distance `b - a` as an `i32`, never panicking;
//! * [`SeqNum::before`], [`SeqNum::after`] and friends (`SEG.SEQ < RCV.NXT` in the RFC);
//! * [`SeqNum::in_window`] and [`SeqNum::segment_acceptable`]: RFC 9293 §3.10.7.4's
//!   receive-window tests, zero-window cases included.
//!
//! # Why `SeqNum` has no `Ord`
//!
//! Serial order is not a total order: it is not transitive (`0 < 2^30 < 2^31 <
//! 3·2^30 < 0` all hold) and two numbers exactly 2^31 apart are neither before
//! nor after each other. A `BTreeMap<SeqNum, _>` or `sort()` built on such an
//! `Ord` would silently corrupt itself after a wrap, so the trait is not
//! implemented. Nor is `PartialOrd`: its contract requires a transitive order,
//! and generic code (`sort`, `min`, `max`, `<` in someone else's algorithm)
//! relies on it. The serial order is spelled out instead — [`SeqNum::before`],
//! [`SeqNum::after`], [`SeqNum::serial_cmp`] — and code that needs a total order
//! orders by distance from a base it chooses, e.g. `base.distance(x)`.
//!
//! ```
//! use synack::seq::SeqNum;
//! let isn = SeqNum(0xffff_fffe);
//! let next = isn + 5;              // wraps past 2^32
//! assert_eq!(next, SeqNum(3));
//! assert!(isn.before(next));
//! assert_eq!(isn.distance(next), 5);
//! assert_eq!(next - isn, 5);       // the signed distance
//! ```

use core::cmp::Ordering;
use core::fmt;
use core::ops::{Add, AddAssign, Sub, SubAssign};

/// A TCP sequence or acknowledgment number, compared with serial-number arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SeqNum(pub u32);

impl SeqNum {
    /// The raw 32-bit value.
    #[inline]
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The signed distance from `self` to `other`, `other - self` modulo 2^32
    /// read as an `i32`: positive when `other` is after `self`.
    /// Numbers exactly 2^31 apart give `i32::MIN`.
    #[inline]
    pub const fn distance(self, other: SeqNum) -> i32 {
        other.0.wrapping_sub(self.0) as i32
    }

    /// `self < other` in sequence space (RFC 9293's `<`). False for numbers
    /// exactly 2^31 apart, whose order RFC 1982 leaves undefined.
    #[inline]
    pub const fn before(self, other: SeqNum) -> bool {
        let d = self.0.wrapping_sub(other.0) as i32;
        d < 0 && d != i32::MIN
    }

    /// `self <= other` in sequence space (RFC 9293's `=<`).
    #[inline]
    pub const fn before_or_eq(self, other: SeqNum) -> bool {
        self.0 == other.0 || self.before(other)
    }

    /// `self > other` in sequence space.
    #[inline]
    pub const fn after(self, other: SeqNum) -> bool {
        other.before(self)
    }

    /// `self >= other` in sequence space.
    #[inline]
    pub const fn after_or_eq(self, other: SeqNum) -> bool {
        other.before_or_eq(self)
    }

    /// The later of two numbers in sequence space (`self` when they are exactly 2^31 apart).
    #[inline]
    pub const fn max_seq(self, other: SeqNum) -> SeqNum {
        if other.after(self) { other } else { self }
    }

    /// The earlier of two numbers in sequence space (`self` when they are exactly 2^31 apart).
    #[inline]
    pub const fn min_seq(self, other: SeqNum) -> SeqNum {
        if other.before(self) { other } else { self }
    }

    /// The serial order of `self` against `other` (RFC 1982): `Less` when `self`
    /// is before `other`, `None` for numbers exactly 2^31 apart. Not a
    /// `PartialOrd` impl on purpose: this order is not transitive.
    #[inline]
    pub const fn serial_cmp(self, other: SeqNum) -> Option<Ordering> {
        match self.distance(other) {
            0 => Some(Ordering::Equal),
            i32::MIN => None,
            d if d > 0 => Some(Ordering::Less),
            _ => Some(Ordering::Greater),
        }
    }

    /// Wrapping addition of a byte count.
    #[inline]
    pub const fn wrapping_add(self, n: u32) -> SeqNum {
        SeqNum(self.0.wrapping_add(n))
    }

    /// Wrapping subtraction of a byte count.
    #[inline]
    pub const fn wrapping_sub(self, n: u32) -> SeqNum {
        SeqNum(self.0.wrapping_sub(n))
    }

    /// `start =< self < start + len` (RFC 9293 §3.3: `RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND`).
    ///
    /// An empty window (`len == 0`) contains nothing. Windows longer than 2^31
    /// cannot be expressed in serial arithmetic; `len` is clamped to 2^31 − 1.
    #[inline]
    pub const fn in_window(self, start: SeqNum, len: u32) -> bool {
        let len = if len > i32::MAX as u32 {
            i32::MAX as u32
        } else {
            len
        };
        let off = self.0.wrapping_sub(start.0);
        (off as i32) >= 0 && off < len
    }

    /// RFC 9293 §3.10.7.4's segment acceptability test for a segment starting at
    /// `seg_seq` that occupies `seg_len` sequence numbers (payload + SYN + FIN),
    /// against a receive window starting at `rcv_nxt` of `rcv_wnd` bytes:
    ///
    /// | `seg_len` | `rcv_wnd` | acceptable when |
    /// |---|---|---|
    /// | 0 | 0 | `SEG.SEQ = RCV.NXT` |
    /// | 0 | >0 | `RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND` |
    /// | >0 | 0 | never (the segment's ACK, URG and RST must still be processed) |
    /// | >0 | >0 | its first or its last sequence number lies in the window |
    #[inline]
    pub const fn segment_acceptable(
        seg_seq: SeqNum,
        seg_len: u32,
        rcv_nxt: SeqNum,
        rcv_wnd: u32,
    ) -> bool {
        match (seg_len, rcv_wnd) {
            (0, 0) => seg_seq.0 == rcv_nxt.0,
            (0, _) => seg_seq.in_window(rcv_nxt, rcv_wnd),
            (_, 0) => false,
            (_, _) => {
                seg_seq.in_window(rcv_nxt, rcv_wnd)
                    || seg_seq
                        .wrapping_add(seg_len - 1)
                        .in_window(rcv_nxt, rcv_wnd)
            }
        }
    }
}

impl Add<u32> for SeqNum {
    type Output = SeqNum;
    #[inline]
    fn add(self, rhs: u32) -> SeqNum {
        self.wrapping_add(rhs)
    }
}

impl AddAssign<u32> for SeqNum {
    #[inline]
    fn add_assign(&mut self, rhs: u32) {
        *self = self.wrapping_add(rhs);
    }
}

impl Sub<u32> for SeqNum {
    type Output = SeqNum;
    #[inline]
    fn sub(self, rhs: u32) -> SeqNum {
        self.wrapping_sub(rhs)
    }
}

impl SubAssign<u32> for SeqNum {
    #[inline]
    fn sub_assign(&mut self, rhs: u32) {
        *self = self.wrapping_sub(rhs);
    }
}

impl Sub<SeqNum> for SeqNum {
    type Output = i32;
    /// The signed distance `self - rhs` (never panics, unlike smoltcp's).
    #[inline]
    fn sub(self, rhs: SeqNum) -> i32 {
        rhs.distance(self)
    }
}

impl From<u32> for SeqNum {
    fn from(v: u32) -> Self {
        SeqNum(v)
    }
}

impl From<SeqNum> for u32 {
    fn from(v: SeqNum) -> Self {
        v.0
    }
}

impl fmt::Display for SeqNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use proptest::prelude::*;

    /// Values within a few bytes of the 2^32 wrap, or anywhere.
    fn near_wrap() -> impl Strategy<Value = u32> {
        prop_oneof![
            (0u32..16).prop_map(|d| u32::MAX - d),
            0u32..16,
            (0u32..16).prop_map(|d| (1u32 << 31).wrapping_add(d).wrapping_sub(8)),
            any::<u32>(),
        ]
    }

    #[test]
    fn wraps_at_two_to_the_32() {
        assert_eq!(SeqNum(u32::MAX) + 1, SeqNum(0));
        assert_eq!(SeqNum(0) - 1, SeqNum(u32::MAX));
        assert!(SeqNum(u32::MAX).before(SeqNum(0)));
        assert!(SeqNum(0).after(SeqNum(u32::MAX)));
        assert_eq!(SeqNum(u32::MAX).distance(SeqNum(2)), 3);
        assert_eq!(SeqNum(2) - SeqNum(u32::MAX), 3);
        assert_eq!(SeqNum(u32::MAX) - SeqNum(2), -3);
    }

    #[test]
    fn half_space_apart_is_unordered() {
        let a = SeqNum(0);
        let b = SeqNum(1 << 31);
        assert_eq!(a.serial_cmp(b), None);
        assert!(!a.before(b) && !b.before(a) && !a.after(b) && !b.after(a));
        assert_eq!(a.distance(b), i32::MIN);
    }

    #[test]
    fn serial_order_is_not_transitive() {
        let q = 1u32 << 30;
        let (a, b, c, d) = (SeqNum(0), SeqNum(q), SeqNum(2 * q + 1), SeqNum(3 * q));
        assert!(a.before(b) && b.before(c) && c.before(d) && d.before(a));
    }

    /// The small conversions and operators, each pinned to a value.
    #[test]
    fn conversions_and_assigning_operators() {
        extern crate std;
        use std::string::ToString;
        assert_eq!(SeqNum(0xdead_beef).get(), 0xdead_beef);
        assert_eq!(SeqNum::from(7u32), SeqNum(7));
        assert_eq!(u32::from(SeqNum(9)), 9);
        assert_eq!(SeqNum(4_000_000_000).to_string(), "4000000000");
        let mut s = SeqNum(u32::MAX);
        s += 3;
        assert_eq!(s, SeqNum(2));
        s -= 5;
        assert_eq!(s, SeqNum(u32::MAX - 2));
        assert_eq!(s.wrapping_sub(1), SeqNum(u32::MAX - 3));
        assert_eq!(SeqNum(5).max_seq(SeqNum(3)), SeqNum(5));
        assert_eq!(SeqNum(5).min_seq(SeqNum(3)), SeqNum(3));
        // 2^31 apart: neither is after the other, so `self` is kept.
        assert_eq!(SeqNum(0).max_seq(SeqNum(1 << 31)), SeqNum(0));
        assert_eq!(SeqNum(0).min_seq(SeqNum(1 << 31)), SeqNum(0));
        assert_eq!(SeqNum(3).serial_cmp(SeqNum(3)), Some(Ordering::Equal));
        assert_eq!(SeqNum(3).serial_cmp(SeqNum(2)), Some(Ordering::Greater));
        assert_eq!(SeqNum(3).serial_cmp(SeqNum(4)), Some(Ordering::Less));
        assert!(SeqNum(3).after_or_eq(SeqNum(3)) && !SeqNum(3).after_or_eq(SeqNum(4)));
    }

    /// A window longer than 2^31 is clamped to 2^31 - 1 numbers: the number
    /// 2^31 - 1 past the start is outside, the one before it inside.
    #[test]
    fn huge_windows_are_clamped() {
        let s = SeqNum(10);
        assert!((s + ((1 << 31) - 2)).in_window(s, u32::MAX));
        assert!(!(s + ((1 << 31) - 1)).in_window(s, u32::MAX));
        assert!(!(s + ((1 << 31) - 1)).in_window(s, 1 << 31));
        assert!((s + ((1 << 31) - 2)).in_window(s, (1 << 31) - 1));
    }

    #[test]
    fn window_membership_and_zero_windows() {
        let nxt = SeqNum(u32::MAX - 1);
        assert!(nxt.in_window(nxt, 10));
        assert!((nxt + 9).in_window(nxt, 10));
        assert!(!(nxt + 10).in_window(nxt, 10));
        assert!(!(nxt - 1).in_window(nxt, 10));
        assert!(!nxt.in_window(nxt, 0));
        // §3.10.7.4 table.
        assert!(SeqNum::segment_acceptable(nxt, 0, nxt, 0));
        assert!(!SeqNum::segment_acceptable(nxt + 1, 0, nxt, 0));
        assert!(SeqNum::segment_acceptable(nxt + 3, 0, nxt, 5));
        assert!(!SeqNum::segment_acceptable(nxt + 5, 0, nxt, 5));
        assert!(!SeqNum::segment_acceptable(nxt, 1, nxt, 0));
        // Starts before the window but ends inside it.
        assert!(SeqNum::segment_acceptable(nxt - 3, 5, nxt, 5));
        assert!(!SeqNum::segment_acceptable(nxt - 5, 5, nxt, 5));
    }

    proptest! {
        #[test]
        fn add_then_distance_is_identity(a in near_wrap(), n in 0u32..(1 << 31)) {
            let a = SeqNum(a);
            prop_assert_eq!(a.distance(a + n), n as i32);
            prop_assert_eq!((a + n) - n, a);
            prop_assert_eq!((a + n) - a, n as i32);
        }

        #[test]
        fn order_agrees_with_i64_reference_within_half_space(a in near_wrap(), d in -(1i64 << 31) + 1..(1i64 << 31)) {
            let x = SeqNum(a);
            let y = SeqNum((a as i64 + d).rem_euclid(1 << 32) as u32);
            prop_assert_eq!(x.before(y), d > 0);
            prop_assert_eq!(x.after(y), d < 0);
            prop_assert_eq!(x.before_or_eq(y), d >= 0);
            prop_assert_eq!(x.distance(y) as i64, d);
            prop_assert_eq!(x.serial_cmp(y), Some(0.cmp(&d)));
        }

        #[test]
        fn window_membership_matches_offsets(start in near_wrap(), len in 0u32..100_000, off in 0u32..200_000) {
            let s = SeqNum(start);
            prop_assert_eq!((s + off).in_window(s, len), off < len);
            prop_assert!(!(s - 1).in_window(s, len));
        }

        #[test]
        fn max_and_min_are_consistent(a in near_wrap(), d in 1u32..(1 << 31)) {
            let x = SeqNum(a);
            let y = x + d;
            prop_assert_eq!(x.max_seq(y), y);
            prop_assert_eq!(y.max_seq(x), y);
            prop_assert_eq!(x.min_seq(y), x);
        }
    }
}
