//! [`Timestamp`]: when a packet was captured.

use core::fmt;
use core::time::Duration;

const NANOS_PER_SEC: u32 = 1_000_000_000;

/// The capture time of a packet: seconds and nanoseconds since the Unix epoch
/// (1970-01-01 00:00:00 UTC), as written in the capture file.
///
/// `nanos` is always below 1 000 000 000 in a timestamp made by this crate, so the
/// derived order (seconds, then nanoseconds) is the order in time. `secs` may be
/// negative when a pcapng `if_tsoffset` moves a packet before 1970.
///
/// `Display` prints `secs.nnnnnnnnn` like tshark's `frame.time_epoch`; a precision
/// keeps that many digits of the fraction, cut rather than rounded, like tcpdump:
///
/// ```
/// use synack::capture::Timestamp;
/// let t = Timestamp::new(1795465490, 743_429_000);
/// assert_eq!(t.to_string(), "1795465490.743429000");
/// assert_eq!(format!("{t:.6}"), "1795465490.743429");
/// assert_eq!(format!("{:.3}", Timestamp::new(-5, 250_000_000)), "-4.750");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Timestamp {
    /// Whole seconds since the Unix epoch (floor: `-0.25 s` is `secs = -1`, `nanos = 750_000_000`).
    pub secs: i64,
    /// Nanoseconds past `secs`, below 1 000 000 000.
    pub nanos: u32,
}

impl Timestamp {
    /// The Unix epoch itself; also the time given to pcapng Simple Packet Blocks,
    /// which carry none.
    pub const EPOCH: Timestamp = Timestamp { secs: 0, nanos: 0 };

    /// A timestamp from seconds and nanoseconds; nanoseconds of a second or more
    /// carry into `secs` (saturating at `i64::MAX`).
    pub const fn new(secs: i64, nanos: u32) -> Self {
        let carry = (nanos / NANOS_PER_SEC) as i64;
        Timestamp {
            secs: secs.saturating_add(carry),
            nanos: nanos % NANOS_PER_SEC,
        }
    }

    /// The time since the Unix epoch as a [`Duration`], or `None` before 1970.
    ///
    /// This is the form the state machine and trackers take capture time in.
    pub fn to_duration(self) -> Option<Duration> {
        let secs = u64::try_from(self.secs).ok()?;
        Some(Duration::new(secs, self.nanos))
    }

    /// A timestamp `since_epoch` after the Unix epoch (saturating at `i64::MAX` seconds).
    pub fn from_duration(since_epoch: Duration) -> Self {
        Timestamp {
            secs: i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX),
            nanos: since_epoch.subsec_nanos(),
        }
    }

    /// How long after `earlier` this timestamp is, or `None` if it is before it
    /// (capture files do step backwards).
    pub fn duration_since(self, earlier: Timestamp) -> Option<Duration> {
        let (secs, nanos) = if self.nanos >= earlier.nanos {
            (
                self.secs.checked_sub(earlier.secs)?,
                self.nanos - earlier.nanos,
            )
        } else {
            (
                self.secs.checked_sub(earlier.secs)?.checked_sub(1)?,
                self.nanos + NANOS_PER_SEC - earlier.nanos,
            )
        };
        Some(Duration::new(u64::try_from(secs).ok()?, nanos))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = self.nanos % NANOS_PER_SEC;
        let (negative, whole, fraction) = if self.secs >= 0 {
            (false, self.secs.unsigned_abs(), nanos)
        } else if nanos == 0 {
            (true, self.secs.unsigned_abs(), 0)
        } else {
            // secs + nanos/1e9 = -(|secs| - 1 + (1e9 - nanos)/1e9)
            (true, self.secs.unsigned_abs() - 1, NANOS_PER_SEC - nanos)
        };
        let digits = f.precision().unwrap_or(9).min(9);
        let sign = if negative { "-" } else { "" };
        if digits == 0 {
            return write!(f, "{sign}{whole}");
        }
        let cut = fraction / 10u32.pow(9 - digits as u32);
        write!(f, "{sign}{whole}.{cut:0digits$}")
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn display_matches_tshark_time_epoch() {
        // tshark frame.time_epoch of http-image.pcap frame 1.
        assert_eq!(
            Timestamp::new(1795465490, 743_429_000).to_string(),
            "1795465490.743429000"
        );
        assert_eq!(Timestamp::new(0, 1).to_string(), "0.000000001");
        assert_eq!(Timestamp::new(-1, 999_999_999).to_string(), "-0.000000001");
        assert_eq!(Timestamp::new(-2, 0).to_string(), "-2.000000000");
        assert_eq!(format!("{:.0}", Timestamp::new(7, 999_999_999)), "7");
        assert_eq!(format!("{:.12}", Timestamp::new(7, 5)), "7.000000005");
        // Fewer digits cut the fraction (tshark's -t e with a precision).
        assert_eq!(format!("{:.3}", Timestamp::new(1, 234_567_890)), "1.234");
        assert_eq!(
            format!("{:.6}", Timestamp::new(-1, 999_999_000)),
            "-0.000001"
        );
        assert_eq!(
            Timestamp::new(i64::MIN, 1).to_string(),
            "-9223372036854775807.999999999"
        );
    }

    #[test]
    fn new_carries_nanoseconds() {
        assert_eq!(
            Timestamp::new(1, 2_500_000_000),
            Timestamp {
                secs: 3,
                nanos: 500_000_000
            }
        );
        assert_eq!(Timestamp::new(i64::MAX, u32::MAX).secs, i64::MAX);
    }

    #[test]
    fn durations() {
        let a = Timestamp::new(10, 900_000_000);
        let b = Timestamp::new(12, 100_000_000);
        assert_eq!(b.duration_since(a), Some(Duration::from_millis(1200)));
        assert_eq!(a.duration_since(b), None);
        // No borrow: the later fraction is the larger one.
        assert_eq!(
            Timestamp::new(12, 950_000_000).duration_since(a),
            Some(Duration::from_millis(2050))
        );
        assert_eq!(a.to_duration(), Some(Duration::new(10, 900_000_000)));
        assert_eq!(Timestamp::new(-1, 0).to_duration(), None);
        assert_eq!(Timestamp::from_duration(Duration::new(10, 900_000_000)), a);
        assert_eq!(
            Timestamp::new(i64::MIN, 0).duration_since(Timestamp::new(1, 0)),
            None
        );
        assert!(a < b && Timestamp::new(-1, 5) < Timestamp::EPOCH);
    }
}
