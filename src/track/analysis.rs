//! Wireshark's per-segment TCP analysis (`tcp.analysis.*`), as tshark 4.0.17
//! computes it in one pass.
//!
//! The rules mirror `tcp_analyze_sequence_number()` and its neighbours in
//! Wireshark's `epan/dissectors/packet-tcp.c`; each rule below names the
//! Wireshark condition it reproduces. Like Wireshark, the analysis works on the
//! raw 32-bit numbers with serial comparisons (`GT_SEQ`, `LT_SEQ`, ...), treats
//! a zero `nextseq`, `lastack` or `maxseqtobeacked` as "not known yet", and
//! compares raw (unscaled) windows.
//!
//! The rules are listed on [`Analysis`].

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use super::unwrap::SeqUnwrapper;
use crate::flags::TcpFlags;
use crate::seq::SeqNum;

bitflags::bitflags! {
    /// The fifteen analysis flags Wireshark can put on a segment.
    ///
    /// As in tshark's output, a fast or spurious retransmission also carries
    /// [`AnalysisFlags::RETRANSMISSION`] (Wireshark adds the generic
    /// `tcp.analysis.retransmission` item to both).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize))]
    pub struct AnalysisFlags: u16 {
        /// `tcp.analysis.retransmission`: "[TCP Retransmission]".
        const RETRANSMISSION = 1 << 0;
        /// `tcp.analysis.fast_retransmission`: "[TCP Fast Retransmission]".
        const FAST_RETRANSMISSION = 1 << 1;
        /// `tcp.analysis.spurious_retransmission`: "[TCP Spurious Retransmission]".
        const SPURIOUS_RETRANSMISSION = 1 << 2;
        /// `tcp.analysis.out_of_order`: "[TCP Out-Of-Order]".
        const OUT_OF_ORDER = 1 << 3;
        /// `tcp.analysis.lost_segment`: "[TCP Previous segment not captured]".
        const LOST_SEGMENT = 1 << 4;
        /// `tcp.analysis.ack_lost_segment`: "[TCP ACKed unseen segment]".
        const ACK_LOST_SEGMENT = 1 << 5;
        /// `tcp.analysis.duplicate_ack`: "[TCP Dup ACK F#N]".
        const DUPLICATE_ACK = 1 << 6;
        /// `tcp.analysis.zero_window`: "[TCP ZeroWindow]".
        const ZERO_WINDOW = 1 << 7;
        /// `tcp.analysis.zero_window_probe`: "[TCP ZeroWindowProbe]".
        const ZERO_WINDOW_PROBE = 1 << 8;
        /// `tcp.analysis.zero_window_probe_ack`: "[TCP ZeroWindowProbeAck]".
        const ZERO_WINDOW_PROBE_ACK = 1 << 9;
        /// `tcp.analysis.window_full`: "[TCP Window Full]".
        const WINDOW_FULL = 1 << 10;
        /// `tcp.analysis.window_update`: "[TCP Window Update]".
        const WINDOW_UPDATE = 1 << 11;
        /// `tcp.analysis.keep_alive`: "[TCP Keep-Alive]".
        const KEEP_ALIVE = 1 << 12;
        /// `tcp.analysis.keep_alive_ack`: "[TCP Keep-Alive ACK]".
        const KEEP_ALIVE_ACK = 1 << 13;
        /// `tcp.analysis.reused_ports`: "[TCP Port numbers reused]".
        const REUSED_PORTS = 1 << 14;
    }
}

/// Each flag with its Wireshark field name (after `tcp.analysis.`) and its
/// Info-column tag, in the order DESIGN.md lists them.
const NAMES: [(AnalysisFlags, &str, &str); 15] = [
    (
        AnalysisFlags::RETRANSMISSION,
        "retransmission",
        "TCP Retransmission",
    ),
    (
        AnalysisFlags::FAST_RETRANSMISSION,
        "fast_retransmission",
        "TCP Fast Retransmission",
    ),
    (
        AnalysisFlags::SPURIOUS_RETRANSMISSION,
        "spurious_retransmission",
        "TCP Spurious Retransmission",
    ),
    (
        AnalysisFlags::OUT_OF_ORDER,
        "out_of_order",
        "TCP Out-Of-Order",
    ),
    (
        AnalysisFlags::LOST_SEGMENT,
        "lost_segment",
        "TCP Previous segment not captured",
    ),
    (
        AnalysisFlags::ACK_LOST_SEGMENT,
        "ack_lost_segment",
        "TCP ACKed unseen segment",
    ),
    (AnalysisFlags::DUPLICATE_ACK, "duplicate_ack", "TCP Dup ACK"),
    (AnalysisFlags::ZERO_WINDOW, "zero_window", "TCP ZeroWindow"),
    (
        AnalysisFlags::ZERO_WINDOW_PROBE,
        "zero_window_probe",
        "TCP ZeroWindowProbe",
    ),
    (
        AnalysisFlags::ZERO_WINDOW_PROBE_ACK,
        "zero_window_probe_ack",
        "TCP ZeroWindowProbeAck",
    ),
    (AnalysisFlags::WINDOW_FULL, "window_full", "TCP Window Full"),
    (
        AnalysisFlags::WINDOW_UPDATE,
        "window_update",
        "TCP Window Update",
    ),
    (AnalysisFlags::KEEP_ALIVE, "keep_alive", "TCP Keep-Alive"),
    (
        AnalysisFlags::KEEP_ALIVE_ACK,
        "keep_alive_ack",
        "TCP Keep-Alive ACK",
    ),
    (
        AnalysisFlags::REUSED_PORTS,
        "reused_ports",
        "TCP Port numbers reused",
    ),
];

impl AnalysisFlags {
    /// The Wireshark field names (`retransmission`, `duplicate_ack`, ...) of the
    /// flags set, in DESIGN.md's order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        NAMES
            .iter()
            .filter(move |(f, _, _)| self.contains(*f))
            .map(|(_, n, _)| *n)
    }

    /// The Wireshark field name of a single flag.
    pub fn wireshark_name(self) -> Option<&'static str> {
        NAMES
            .iter()
            .find(|(f, _, _)| *f == self)
            .map(|(_, n, _)| *n)
    }

    /// A single flag from its Wireshark field name.
    pub fn from_wireshark_name(name: &str) -> Option<Self> {
        NAMES
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(f, _, _)| *f)
    }

    /// The Info-column tag of a single flag without brackets
    /// (`TCP Retransmission`); the duplicate ACK's frame and number are added by
    /// [`Analysis::tags`].
    pub fn tag(self) -> Option<&'static str> {
        NAMES
            .iter()
            .find(|(f, _, _)| *f == self)
            .map(|(_, _, t)| *t)
    }
}

/// Which earlier ACK a duplicate ACK repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DuplicateAck {
    /// `tcp.analysis.duplicate_ack_num`: this is the n-th duplicate (1-based).
    pub number: u32,
    /// `tcp.analysis.duplicate_ack_frame`: the frame of the original ACK.
    pub frame: u64,
}

/// Wireshark's SEQ/ACK analysis of one segment.
///
/// The rules, in Wireshark's order (`fwd` = the sender's direction, `rev` = the
/// other one; "no SYN/FIN/RST" means none of the three bits is set):
///
/// | flag | Wireshark's condition |
/// |---|---|
/// | zero_window_probe | `seglen == 1 && seq == fwd.nextseq && rev.window == 0`; skips the next seven tests |
/// | zero_window | `window == 0`, no SYN/FIN/RST |
/// | lost_segment | `fwd.nextseq && GT_SEQ(seq, fwd.nextseq)`, no RST |
/// | keep_alive | `seglen <= 1 && seq == fwd.nextseq - 1`, no SYN/FIN/RST |
/// | window_update | `seglen == 0 && window && window != fwd.window && seq == fwd.nextseq && ack == fwd.lastack`, no SYN/FIN/RST |
/// | window_full | `seglen > 0 && rev.win_scale != -1 && seq + seglen == rev.lastack + (rev.window << scale)`, no SYN/FIN/RST |
/// | keep_alive_ack | no payload, same non-zero window, `seq == fwd.nextseq && ack == fwd.lastack`, `rev.lastsegmentflags` has keep_alive; skips the next two |
/// | zero_window_probe_ack | no payload, `window == 0 == fwd.window`, same seq/ack, `rev.lastsegmentflags` has zero_window_probe; skips the next one |
/// | duplicate_ack | no payload, same non-zero window, `seq == fwd.nextseq && ack == fwd.lastack`, no SYN/FIN/RST; number = `++fwd.dupacknum` (1 after −1), frame = `fwd.lastnondupack` |
/// | ack_lost_segment | ACK bit, `rev.maxseqtobeacked && GT_SEQ(ack, rev.maxseqtobeacked)`; set when `LT_SEQ(maxseqtobeacked, rev.nextseq)` (which is then raised to `rev.nextseq`), otherwise only when `rev.dupacknum == 0` (which then becomes −1) — tshark 4.0.17's `packet-tcp.c` |
/// | spurious_retransmission | payload, `rev.lastack && LE_SEQ(seq + seglen, rev.lastack)` |
/// | fast_retransmission | `seq_not_advanced && rev.dupacknum >= 2 && rev.lastack == seq` within 20 ms of the peer's last segment |
/// | out_of_order | `seq_not_advanced`, within the initial RTT (3 ms before it is known) of `fwd.nextseqtime`, `fwd.nextseq != seq + seglen (+1 SYN/FIN)` |
/// | retransmission | `seq_not_advanced` otherwise; also set with fast and spurious, as tshark's field is |
/// | reused_ports | a SYN on a known pair with another ISN than its sender's base (new stream), or such a SYN,ACK (same stream) — decided by the tracker |
///
/// `seq_not_advanced` is `fwd.nextseq && LT_SEQ(seq, fwd.nextseq)`, except for data
/// starting one byte below `nextseq` (after a one-byte probe); the retransmission
/// family is tested only for segments with payload, SYN or FIN, and not for
/// keep-alives. A dup-ACK count resets whenever the acknowledgment number changes.
/// `acks_frame`/`ack_rtt` come from the oldest unacknowledged peer segment whose
/// end equals `ack` exactly; bytes in flight are the span of the sender's
/// unacknowledged segments less the peer's SACKed bytes (less one for SYN/FIN),
/// reported only between 0 and 2·10^9 and not after a lost segment until the peer
/// ACKs again. The SACK-driven fast-retransmission tests and the
/// window-update-to-dup-ACK rule of later Wireshark versions are not in tshark
/// 4.0.17 and not here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Analysis {
    /// The analysis flags.
    pub flags: AnalysisFlags,
    /// Set on a duplicate ACK.
    pub duplicate_ack: Option<DuplicateAck>,
    /// `tcp.analysis.acks_frame`: the frame of the (oldest) segment this segment's
    /// acknowledgment number covers.
    pub acks_frame: Option<u64>,
    /// `tcp.analysis.ack_rtt`: time from `acks_frame` to this segment (only when
    /// not zero, as tshark prints it).
    pub ack_rtt: Option<Duration>,
    /// `tcp.analysis.initial_rtt`: time from the (most recent) SYN to the first
    /// ACK of the handshake, once known.
    pub initial_rtt: Option<Duration>,
    /// `tcp.analysis.bytes_in_flight`: bytes sent in this direction and not yet
    /// acknowledged, after this segment.
    pub bytes_in_flight: Option<u32>,
}

impl Analysis {
    /// The Info-column tags, `[TCP Retransmission]`, `[TCP Dup ACK 12#1]`, ...
    /// A fast or spurious retransmission shows only its own tag, as Wireshark's
    /// Info column does.
    pub fn tags(&self) -> Tags<'_> {
        Tags(self)
    }
}

/// Display adapter for [`Analysis::tags`]: the tags separated by spaces.
#[derive(Clone, Copy, Debug)]
pub struct Tags<'a>(&'a Analysis);

impl fmt::Display for Tags<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut flags = self.0.flags;
        if flags
            .intersects(AnalysisFlags::FAST_RETRANSMISSION | AnalysisFlags::SPURIOUS_RETRANSMISSION)
        {
            flags.remove(AnalysisFlags::RETRANSMISSION);
        }
        let mut first = true;
        for (flag, _, tag) in NAMES {
            if !flags.contains(flag) {
                continue;
            }
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            match (flag, self.0.duplicate_ack) {
                (AnalysisFlags::DUPLICATE_ACK, Some(d)) => {
                    write!(f, "[{tag} {}#{}]", d.frame, d.number)?
                }
                _ => write!(f, "[{tag}]")?,
            }
        }
        Ok(())
    }
}

/// The time below which a retransmission following duplicate ACKs is "fast"
/// (Wireshark: `t < 20 ms` in the fast-retransmission test).
const FAST_RETRANSMISSION_WINDOW: u64 = 20_000_000;
/// The out-of-order threshold before the initial RTT is known (Wireshark: 3 ms).
const DEFAULT_OOO_THRESHOLD: u64 = 3_000_000;
/// Window scale not known yet (Wireshark's `-1`).
const SCALE_UNKNOWN: i8 = -1;
/// Window scaling not used by this connection (Wireshark's `-2`).
const SCALE_NOT_USED: i8 = -2;

/// One segment sent and not yet acknowledged (Wireshark's `tcp_unacked_t`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Unacked {
    frame: u64,
    time: u64,
    seq: u32,
    nextseq: u32,
}

/// Where one direction's unacknowledged segments lie, in numbers relative to its
/// base: from `first`, the lowest relative `seq`, to `last`, the highest
/// relative `nextseq`. Known only while every segment ends after it starts (none
/// wraps past 2^32 relative) and the base stays; `first >= last` means not
/// known. What bytes in flight need of a list out of order, and what tells an
/// ACK that reaches none of the segments, without a walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    first: u32,
    last: u32,
}

impl Span {
    /// Not known.
    const UNKNOWN: Span = Span { first: 1, last: 0 };

    /// The span from `first` to `last` (one segment's relative `seq` and
    /// `nextseq`); unknown unless `first < last`.
    #[inline]
    fn of(first: u32, last: u32) -> Span {
        Span { first, last }
    }

    /// `(first, last)` if known.
    #[inline]
    fn get(self) -> Option<(u32, u32)> {
        (self.first < self.last).then_some((self.first, self.last))
    }

    /// The span with one more segment, relative `seq` to `nextseq`: unknown if
    /// this one was not known or the segment wraps.
    #[inline]
    fn with(self, seq: u32, nextseq: u32) -> Span {
        match self.get() {
            Some((first, last)) if seq < nextseq => Span::of(first.min(seq), last.max(nextseq)),
            _ => Span::UNKNOWN,
        }
    }
}

/// The unacknowledged segments of both directions: a boxed slice whose entry 0
/// holds how many each direction has and both directions' [`Span`]s (once
/// anything was remembered; no slice, no segment), the entries after it the
/// segments, direction 0's first, the rest room to grow. 16 bytes where a `Vec`
/// takes 24, and the counts are where the segments are. Indices in the methods
/// count the segments only.
#[derive(Clone, Debug, Default)]
struct UnackedList(Box<[Unacked]>);

impl UnackedList {
    /// Entry `i`.
    #[inline]
    fn get(&self, i: usize) -> Option<&Unacked> {
        self.0.get(i.checked_add(1)?)
    }

    /// Entry `i`, to change.
    #[inline]
    fn get_mut(&mut self, i: usize) -> Option<&mut Unacked> {
        self.0.get_mut(i.checked_add(1)?)
    }

    /// The entries in `range`, empty when it lies outside.
    #[inline]
    fn slice(&self, range: core::ops::Range<usize>) -> &[Unacked] {
        let (Some(start), Some(end)) = (range.start.checked_add(1), range.end.checked_add(1))
        else {
            return &[];
        };
        self.0.get(start..end).unwrap_or(&[])
    }

    /// How many segments each direction has (none without a slice).
    #[inline]
    fn counts(&self) -> [u32; 2] {
        self.0
            .first()
            .map_or([0; 2], |h| [h.frame as u32, (h.frame >> 32) as u32])
    }

    /// Sets how many segments each direction has (nothing without a slice).
    #[inline]
    fn set_counts(&mut self, counts: [u32; 2]) {
        if let Some(h) = self.0.first_mut() {
            h.frame = u64::from(counts[0]) | u64::from(counts[1]) << 32;
        }
    }

    /// Direction `dir`'s span (unknown without a slice).
    #[inline]
    fn span(&self, dir: usize) -> Span {
        match self.0.first() {
            Some(h) if dir == 0 => Span::of(h.seq, h.nextseq),
            Some(h) => Span::of(h.time as u32, (h.time >> 32) as u32),
            None => Span::UNKNOWN,
        }
    }

    /// Sets direction `dir`'s span (nothing without a slice).
    #[inline]
    fn set_span(&mut self, dir: usize, span: Span) {
        if let Some(h) = self.0.first_mut() {
            if dir == 0 {
                h.seq = span.first;
                h.nextseq = span.last;
            } else {
                h.time = u64::from(span.first) | u64::from(span.last) << 32;
            }
        }
    }

    /// Inserts `u` at `at` among the first `used` entries (`at` ≤ `used`), moving
    /// those from `at` up by one, and makes room (twice as much, at least 4) when
    /// the slice is full.
    fn insert(&mut self, used: usize, at: usize, u: Unacked) {
        let room = self.0.len().saturating_sub(1);
        if used >= room {
            let room = (room * 2).max(4);
            let mut grown = Vec::with_capacity(room + 1);
            match self.0.first() {
                Some(_) => grown.extend_from_slice(self.0.get(..=used).unwrap_or(&[])),
                None => grown.push(Unacked::default()),
            }
            grown.resize(room + 1, Unacked::default());
            // (A new header, all zeros, counts nothing and knows neither span.)
            self.0 = grown.into_boxed_slice();
        }
        // The entries from `at` move up over the spare one at `used`, and `u`
        // takes the place of the first.
        if let Some(moved) = self.0.get_mut(at + 1..=used + 1) {
            moved.copy_within(0..used - at, 1);
            if let Some(first) = moved.first_mut() {
                *first = u;
            }
        }
    }

    /// Removes the entries in `range` from the first `used`, moving those after
    /// it down.
    fn remove(&mut self, used: usize, range: core::ops::Range<usize>) {
        if range.start <= range.end && range.end <= used && used < self.0.len() {
            self.0.copy_within(range.end + 1..used + 1, range.start + 1);
        }
    }
}

/// What the analysis keeps about one direction (Wireshark's `tcp_flow_t` and
/// `tcp_analyze_seq_flow_info_t`), packed: 52 bytes, no padding. Times are kept
/// as ages behind the connection's latest capture time ([`ConnAnalysis::last`]).
#[derive(Clone, Debug)]
pub(crate) struct Flow {
    /// `lastnondupack`, a frame number: its low 32 bits, the rest taken from the
    /// frame that reads it ([`Flow::lastnondupack`]; Wireshark's frame numbers are
    /// 32-bit throughout).
    lastnondupack: u32,
    /// The highest 64-bit offset of a sequence number so far (the direction's
    /// [`SeqUnwrapper`]; its base is [`Flow::base`]), as two halves.
    high: [u32; 2],
    /// The first sequence number this direction's relative numbers count from.
    pub(crate) base: u32,
    nextseq: u32,
    maxseqtobeacked: u32,
    lastack: u32,
    /// Duplicate ACKs in a row; −1 after an "ACKed unseen segment" (Wireshark's
    /// way of flagging one hole once).
    dupacknum: i32,
    /// The bytes the SACK blocks of this direction's last segment cover (all that
    /// bytes in flight need of them), saturating.
    sacked: u32,
    /// Nanoseconds from this direction's last segment (`lastacktime`) to the
    /// connection's latest time; [`u32::MAX`] = that long or longer.
    last_age: u32,
    /// The same for the time `nextseq` last advanced (`nextseqtime`).
    nextseq_age: u32,
    /// The last raw window (see [`WINDOW_KNOWN`]: Wireshark starts at `u32::MAX`).
    window: u16,
    pub(crate) win_scale: i8,
    /// [`BASE_SET`], [`BASE_FROM_SYN`], [`FIRST_ACK`], [`VALID_BIF`], [`ORDERED`],
    /// [`LAST_KEEP_ALIVE`], [`LAST_ZWP`], [`WINDOW_KNOWN`].
    bits: u8,
}

/// [`Flow::bits`]: bytes in flight can be computed (Wireshark's `valid_bif`).
const VALID_BIF: u8 = 1;
/// [`Flow::bits`]: the direction's unacknowledged segments are known to be in
/// non-decreasing order of relative `seq` and of relative `nextseq`, each ending
/// after it starts (none wraps past 2^32 relative), so their span is the first
/// `seq` to the last `nextseq` without a walk, and an ACK's walk can stop at the
/// first segment it does not reach; clear when unknown.
const ORDERED: u8 = 2;
/// [`Flow::bits`]: the base is set.
const BASE_SET: u8 = 4;
/// [`Flow::bits`]: the base came from this direction's SYN (`TCP_S_SAW_SYN`).
const BASE_FROM_SYN: u8 = 8;
/// [`Flow::bits`]: Wireshark's `is_first_ack`.
const FIRST_ACK: u8 = 16;
/// [`Flow::bits`]: the last segment was a keep-alive (`lastsegmentflags`).
const LAST_KEEP_ALIVE: u8 = 32;
/// [`Flow::bits`]: the last segment was a zero-window probe (`lastsegmentflags`).
const LAST_ZWP: u8 = 64;
/// [`Flow::bits`]: a window was seen (before it, Wireshark's window is `u32::MAX`).
const WINDOW_KNOWN: u8 = 128;

impl Flow {
    fn new(age: u32) -> Self {
        Flow {
            lastnondupack: 0,
            high: [0; 2],
            base: 0,
            nextseq: 0,
            maxseqtobeacked: 0,
            lastack: 0,
            dupacknum: 0,
            sacked: 0,
            last_age: age,
            nextseq_age: age,
            window: 0,
            win_scale: SCALE_UNKNOWN,
            bits: VALID_BIF | ORDERED | FIRST_ACK,
        }
    }

    #[inline]
    fn has(&self, bit: u8) -> bool {
        self.bits & bit != 0
    }

    #[inline]
    fn set(&mut self, bit: u8, on: bool) {
        self.bits = (self.bits & !bit) | (bit & 0u8.wrapping_sub(u8::from(on)));
    }

    #[inline]
    fn valid_bif(&self) -> bool {
        self.has(VALID_BIF)
    }

    #[inline]
    fn ordered(&self) -> bool {
        self.has(ORDERED)
    }

    #[inline]
    fn set_bif(&mut self, bit: u8, on: bool) {
        self.set(bit, on);
    }

    /// The last raw window, `u32::MAX` before the first segment (as Wireshark).
    #[inline]
    fn window(&self) -> u32 {
        if self.has(WINDOW_KNOWN) {
            u32::from(self.window)
        } else {
            u32::MAX
        }
    }

    /// `lastnondupack` read at frame `now`: the frame nearest to `now` whose low 32
    /// bits are the stored ones, exact while fewer than 2^31 frames lie between
    /// the two.
    #[inline]
    fn lastnondupack(&self, now: u64) -> u64 {
        let d = self.lastnondupack.wrapping_sub(now as u32) as i32;
        now.checked_add_signed(i64::from(d))
            .unwrap_or(u64::from(self.lastnondupack))
    }

    #[inline]
    fn set_lastnondupack(&mut self, frame: u64) {
        self.lastnondupack = frame as u32;
    }

    #[inline]
    fn high(&self) -> u64 {
        u64::from(self.high[0]) | u64::from(self.high[1]) << 32
    }

    /// Sets the base; a different base restarts the 64-bit offsets.
    #[inline]
    fn set_base(&mut self, base: u32) {
        if !self.has(BASE_SET) || base != self.base {
            self.high = [0; 2];
        }
        self.base = base;
        self.bits |= BASE_SET;
    }
}

/// Time from the instant `age` ns before `last` to `now`, as Wireshark's
/// `nstime_delta` gives it, an earlier `now` (or an age that saturated) counting
/// as very long.
#[inline]
fn since(last: u64, age: u32, now: u64) -> u64 {
    if age == u32::MAX {
        return u64::MAX;
    }
    now.checked_sub(last.saturating_sub(u64::from(age)))
        .unwrap_or(u64::MAX)
}

/// `GT_SEQ(a, b)`: `a` after `b` in serial arithmetic.
#[inline]
fn gt(a: u32, b: u32) -> bool {
    (b.wrapping_sub(a) as i32) < 0
}
/// `LT_SEQ(a, b)`.
#[inline]
fn lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}
/// `LE_SEQ(a, b)`.
#[inline]
fn le(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) <= 0
}
/// The parts of a segment the analysis reads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SegInfo<'a> {
    pub frame: u64,
    pub time: u64,
    pub seq: u32,
    pub ack: u32,
    pub len: u32,
    pub flags: TcpFlags,
    pub window: u16,
    pub window_scale: Option<u8>,
    pub sack: &'a [(SeqNum, SeqNum)],
    /// The most unacknowledged segments to remember per direction.
    pub max_unacked: u32,
}

/// Relative numbers and the scaled window of a segment.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Numbers {
    pub seq: u32,
    /// 64-bit offset of `seq` from the sender's base (no wrap at 2^32).
    pub offset: Option<u64>,
    pub ack: Option<u32>,
    pub next_seq: u32,
    pub window_scaled: Option<u32>,
}

/// Both directions' analysis state plus the per-connection RTT times: 136 bytes.
#[derive(Clone, Debug)]
pub(crate) struct ConnAnalysis {
    /// Both directions' unacknowledged segments, each oldest first (Wireshark
    /// keeps them newest first): direction 0's, then direction 1's (one list
    /// for both saves 16 bytes; appending to direction 0 moves direction 1's).
    segments: UnackedList,
    /// The connection's latest capture time (ns); the flows' times are ages
    /// behind it.
    pub(crate) last: u64,
    /// Before the initial RTT is known: the time of the most recent pure SYN
    /// (`ts_mru_syn`, 0 = none); then [`RTT_KNOWN`] plus the initial RTT
    /// (`ts_first_rtt`; as in Wireshark a zero RTT stays unknown).
    syn_rtt: u64,
    pub(crate) flows: [Flow; 2],
}

/// [`ConnAnalysis::syn_rtt`] holds the initial RTT.
const RTT_KNOWN: u64 = 1 << 63;

impl ConnAnalysis {
    /// A connection whose first segment is at `now` (ns); Wireshark's times
    /// start at zero.
    pub(crate) fn new(now: u64) -> Self {
        let age = u32::try_from(now).unwrap_or(u32::MAX);
        ConnAnalysis {
            segments: UnackedList::default(),
            last: now,
            syn_rtt: 0,
            flows: [Flow::new(age), Flow::new(age)],
        }
    }

    /// Entries the unacknowledged segments' list holds on the heap (its header
    /// included), for tests.
    #[cfg(test)]
    pub(crate) fn unacked_room(&self) -> usize {
        self.segments.0.len()
    }

    /// Gives the unacknowledged segments' list's memory back if it holds none
    /// (the tracker's call, once a connection is over: it may still see
    /// segments, but seldom new data).
    pub(crate) fn release_unacked(&mut self) {
        if self.segments.counts() == [0; 2] {
            self.segments = UnackedList::default();
        }
    }

    /// How many unacknowledged segments direction `dir` (0 or 1) has remembered.
    pub(crate) fn unacked(&self, dir: usize) -> usize {
        self.segments.counts().get(dir).map_or(0, |&n| n as usize)
    }

    /// The raw base of direction `dir` (0 or 1), if set.
    pub(crate) fn base(&self, dir: usize) -> Option<u32> {
        self.flows
            .get(dir)
            .filter(|f| f.has(BASE_SET))
            .map(|f| f.base)
    }

    /// The initial RTT in ns, 0 while unknown.
    #[inline]
    fn first_rtt(&self) -> u64 {
        if self.syn_rtt & RTT_KNOWN != 0 {
            self.syn_rtt & !RTT_KNOWN
        } else {
            0
        }
    }

    /// Debug builds (tests, fuzzing): each direction's span, where known, is
    /// exactly what a walk over its segments finds.
    #[cfg(debug_assertions)]
    fn check_spans(&self) {
        let [n0, n1] = self.segments.counts().map(|n| n as usize);
        for (dir, range) in [(0, 0..n0), (1, n0..n0 + n1)] {
            let base = self.flows[dir].base;
            if let Some(span) = self.segments.span(dir).get() {
                let segments = self.segments.slice(range);
                let rel = |u: &Unacked| (u.seq.wrapping_sub(base), u.nextseq.wrapping_sub(base));
                assert!(
                    segments.iter().map(rel).all(|(s, n)| s < n),
                    "direction {dir}: a span known with a wrapping segment"
                );
                let first = segments.iter().map(|u| rel(u).0).min();
                let last = segments.iter().map(|u| rel(u).1).max();
                assert_eq!(first.zip(last), Some(span), "direction {dir}'s span");
            }
        }
    }

    /// Analyses one segment sent in direction `dir` (0 or 1) and updates the
    /// state, in the order of Wireshark's `dissect_tcp()` first pass.
    pub(crate) fn on_segment(&mut self, dir: usize, s: &SegInfo<'_>) -> (Numbers, Analysis) {
        let syn = s.flags.contains(TcpFlags::SYN);
        let fin = s.flags.contains(TcpFlags::FIN);
        let rst = s.flags.contains(TcpFlags::RST);
        let ackf = s.flags.contains(TcpFlags::ACK);
        let synfin = u32::from(syn) + u32::from(fin);
        let sfr = syn || fin || rst;
        let (seq, ack, len, now) = (s.seq, s.ack, s.len, s.time);
        let window = u32::from(s.window);

        // Capture time moves on: every age grows by the step (none when the time
        // stands still or goes back; without a branch, which segments sharing
        // a timestamp would make hard to predict).
        let step = u32::try_from(now.saturating_sub(self.last)).unwrap_or(u32::MAX);
        for f in &mut self.flows {
            f.last_age = f.last_age.saturating_add(step);
            f.nextseq_age = f.nextseq_age.saturating_add(step);
        }
        self.last = self.last.max(now);
        let age_now = u32::try_from(self.last - now).unwrap_or(u32::MAX);
        let first_rtt = self.first_rtt();
        let last = self.last;
        // Where each direction's segments are in the shared list: direction 0's
        // first, so direction 1's start at direction 0's count.
        // How many segments each direction has: this one's (`nf`) and the
        // peer's (`nr`), kept here as the list changes and written back to it.
        let rev_dir = 1 - dir;
        let [n0, n1] = self.segments.counts();
        let (mut nf, mut nr) = if dir == 0 { (n0, n1) } else { (n1, n0) };
        let in_order = |nf: u32, nr: u32| if dir == 0 { [nf, nr] } else { [nr, nf] };
        let ranges = |nf: u32, nr: u32| {
            let (nf, nr) = (nf as usize, nr as usize);
            let at = if dir == 0 { 0 } else { nr };
            let rat = if dir == 0 { nf } else { 0 };
            (at..at + nf, rat..rat + nr)
        };
        let [f0, f1] = &mut self.flows;
        let (fwd, rev) = if dir == 0 { (f0, f1) } else { (f1, f0) };

        // Relative numbers (Wireshark: base_seq set from the first segment of a
        // direction — the SYN's seq, otherwise seq − 1 — and the other direction's
        // from the first ACK-flagged segment: ack − 1).
        if !fwd.has(BASE_SET) {
            fwd.set_base(if syn { seq } else { seq.wrapping_sub(1) });
            fwd.set(BASE_FROM_SYN, syn);
            fwd.set_bif(ORDERED, false);
            self.segments.set_span(dir, Span::UNKNOWN);
        } else if syn && !fwd.has(BASE_FROM_SYN) {
            // A SYN after segments that only let the base be guessed: its
            // sequence number is the real base (tshark 4.0.17 renumbers from it).
            // The relative numbers move: the span is no longer known.
            fwd.set_base(seq);
            fwd.set(BASE_FROM_SYN, true);
            fwd.set_bif(ORDERED, false);
            self.segments.set_span(dir, Span::UNKNOWN);
        }
        if ackf && !rev.has(BASE_SET) {
            rev.set_base(ack.wrapping_sub(1));
            rev.set_bif(ORDERED, false);
            self.segments.set_span(rev_dir, Span::UNKNOWN);
        }
        let rel_seq = seq.wrapping_sub(fwd.base);
        // The 64-bit offset: the direction's unwrapper, restarted whenever the
        // base changes (`set_base`).
        let mut unwrapper = SeqUnwrapper::from_parts(SeqNum(fwd.base), fwd.high());
        let offset = unwrapper.unwrap(SeqNum(seq));
        let high = unwrapper.highest();
        fwd.high = [high as u32, (high >> 32) as u32];
        let numbers_ack = ackf.then(|| ack.wrapping_sub(rev.base));

        let mut a = Analysis::default();
        let mut flags = AnalysisFlags::empty();

        // Wireshark: an ACK from this side re-validates the peer's bytes in flight.
        if ackf {
            rev.set_bif(VALID_BIF, true);
        }

        // A1 ZERO_WINDOW_PROBE: `seglen == 1 && seq == fwd->nextseq && rev->window == 0`;
        // then jump to `finished_fwd`.
        let mut finished = false;
        if len == 1 && seq == fwd.nextseq && rev.window() == 0 {
            flags |= AnalysisFlags::ZERO_WINDOW_PROBE;
            finished = true;
        }
        if !finished {
            // A2 ZERO_WINDOW: `window == 0` and none of SYN/FIN/RST.
            if window == 0 && !sfr {
                flags |= AnalysisFlags::ZERO_WINDOW;
            }
            // A3 LOST_PACKET: `fwd->nextseq && GT_SEQ(seq, fwd->nextseq)` and no RST;
            // bytes in flight are suspended until the peer ACKs again.
            if fwd.nextseq != 0 && gt(seq, fwd.nextseq) && !rst {
                flags |= AnalysisFlags::LOST_SEGMENT;
                fwd.set_bif(VALID_BIF, false);
            }
            // A4 KEEP_ALIVE: `seglen <= 1 && seq == fwd->nextseq - 1`, no SYN/FIN/RST.
            // (The rare condition first: `len <= 1` alone, true of every ACK,
            // would be a branch hard to predict.)
            if seq == fwd.nextseq.wrapping_sub(1) && len <= 1 && !sfr {
                flags |= AnalysisFlags::KEEP_ALIVE;
            }
            // A5 WINDOW_UPDATE: no payload, a non-zero window that differs from the
            // last one, `seq == fwd->nextseq`, `ack == fwd->lastack`, no SYN/FIN/RST.
            if len == 0
                && window != 0
                && window != fwd.window()
                && seq == fwd.nextseq
                && ack == fwd.lastack
                && !sfr
            {
                flags |= AnalysisFlags::WINDOW_UPDATE;
            }
            // A6 WINDOW_FULL: payload reaching exactly the right edge of the peer's
            // window, `seq + seglen == rev->lastack + (rev->window << scale)`, the
            // scale taken as 0 before the peer's first ACK or when scaling is off.
            if len > 0 && rev.win_scale != SCALE_UNKNOWN && !sfr {
                let shift = if rev.has(FIRST_ACK) || rev.win_scale == SCALE_NOT_USED {
                    0
                } else {
                    rev.win_scale as u32
                };
                let edge = rev.lastack.wrapping_add(rev.window().wrapping_shl(shift));
                if seq.wrapping_add(len) == edge {
                    flags |= AnalysisFlags::WINDOW_FULL;
                }
            }
            let same_ack = len == 0 && seq == fwd.nextseq && !sfr;
            // A7 KEEP_ALIVE_ACK: a repeat of the last ACK and window answering a
            // keep-alive (`rev->lastsegmentflags & TCP_A_KEEP_ALIVE`); then `finished_fwd`.
            if same_ack
                && window != 0
                && window == fwd.window()
                && ack == fwd.lastack
                && rev.has(LAST_KEEP_ALIVE)
            {
                flags |= AnalysisFlags::KEEP_ALIVE_ACK;
                finished = true;
            }
            // A8 ZERO_WINDOW_PROBE_ACK: the same zero window and ACK repeated right
            // after a zero-window probe (`rev->lastsegmentflags &
            // TCP_A_ZERO_WINDOW_PROBE`); then `finished_fwd`.
            if !finished
                && same_ack
                && window == 0
                && fwd.window() == 0
                && ack == fwd.lastack
                && rev.has(LAST_ZWP)
            {
                flags |= AnalysisFlags::ZERO_WINDOW_PROBE_ACK;
                finished = true;
            }
            // A9 DUPLICATE_ACK: no payload, same non-zero window, `seq == fwd->nextseq`,
            // `ack == fwd->lastack`, no SYN/FIN/RST. After an "ACKed unseen segment"
            // (count −1) the count restarts at 1.
            if !finished && same_ack && window != 0 && window == fwd.window() && ack == fwd.lastack
            {
                fwd.dupacknum = if fwd.dupacknum == -1 {
                    1
                } else {
                    fwd.dupacknum.saturating_add(1)
                };
                flags |= AnalysisFlags::DUPLICATE_ACK;
                a.duplicate_ack = Some(DuplicateAck {
                    number: fwd.dupacknum.unsigned_abs(),
                    frame: fwd.lastnondupack(s.frame),
                });
            }
        }
        // finished_fwd, B1: a new acknowledgment number resets the dup-ACK count.
        if ack != fwd.lastack {
            fwd.set_lastnondupack(s.frame);
            fwd.dupacknum = 0;
        }
        // B2 ACK_LOST_PACKET: `rev->maxseqtobeacked && GT_SEQ(ack, rev->maxseqtobeacked)`
        // with the ACK bit: the peer's data it acknowledges was never seen. When
        // `maxseqtobeacked` lies before the peer's `nextseq` (`LT_SEQ`, as in
        // tshark 4.0.17) it is raised to it and the flag set; otherwise the flag
        // is set only if the peer sent no duplicate ACK since its last new ACK, and
        // the peer's dup-ACK count becomes −1 so that one hole is flagged once.
        if ackf && rev.maxseqtobeacked != 0 && gt(ack, rev.maxseqtobeacked) {
            if lt(rev.maxseqtobeacked, rev.nextseq) {
                rev.maxseqtobeacked = rev.nextseq;
                flags |= AnalysisFlags::ACK_LOST_SEGMENT;
            } else {
                if rev.dupacknum == 0 {
                    flags |= AnalysisFlags::ACK_LOST_SEGMENT;
                }
                rev.dupacknum = -1;
            }
        }

        // C: the retransmission family, only for segments that occupy sequence
        // space, and not for keep-alives.
        if (len > 0 || syn || fin) && !flags.contains(AnalysisFlags::KEEP_ALIVE) {
            // C1 `seq_not_advanced`: `fwd->nextseq && LT_SEQ(seq, fwd->nextseq)`,
            // except data right after a one-byte probe.
            let mut not_advanced = fwd.nextseq != 0 && lt(seq, fwd.nextseq);
            if len > 1 && seq == fwd.nextseq.wrapping_sub(1) {
                not_advanced = false;
            }
            // Times as Wireshark computes them: an earlier "now" wraps to a huge value.
            // (An age that saturated, 4.29 s or more, counts as very long: it
            // differs from Wireshark only for an initial RTT over 4.29 s or a
            // capture time going back that far.)
            let since_peer = since(last, rev.last_age, now);
            let since_highest = since(last, fwd.nextseq_age, now);
            let thres = if first_rtt == 0 {
                DEFAULT_OOO_THRESHOLD
            } else {
                first_rtt
            };
            if len > 0 && rev.lastack != 0 && le(seq.wrapping_add(len), rev.lastack) {
                // C2 SPURIOUS: `seglen > 0 && rev->lastack && LE_SEQ(seq + seglen,
                // rev->lastack)`: the receiver had acknowledged all of it already.
                flags |= AnalysisFlags::SPURIOUS_RETRANSMISSION | AnalysisFlags::RETRANSMISSION;
            } else if not_advanced
                && rev.dupacknum >= 2
                && rev.lastack == seq
                && since_peer < FAST_RETRANSMISSION_WINDOW
            {
                // C5 FAST_RETRANSMISSION (tested first, `tcp_fastrt_precedence`): at
                // least two duplicate ACKs from the peer for exactly this sequence
                // number, within 20 ms of the peer's last segment.
                flags |= AnalysisFlags::FAST_RETRANSMISSION | AnalysisFlags::RETRANSMISSION;
            } else if not_advanced
                && since_highest < thres
                && fwd.nextseq != seq.wrapping_add(len).wrapping_add(synfin)
            {
                // C6 OUT_OF_ORDER: within the initial RTT (3 ms before it is known) of
                // the segment that last advanced `nextseq`, and not ending exactly at
                // `nextseq`.
                flags |= AnalysisFlags::OUT_OF_ORDER;
            } else if not_advanced {
                // C7 RETRANSMISSION: any other segment that does not advance.
                flags |= AnalysisFlags::RETRANSMISSION;
            }
        }

        // State updates, Wireshark's order.
        let nextseq = seq.wrapping_add(len).wrapping_add(synfin);
        let zwp = flags.contains(AnalysisFlags::ZERO_WINDOW_PROBE);
        if (len > 0 || syn || fin) && nf < s.max_unacked {
            let (fwd_range, _) = ranges(nf, nr);
            let base = fwd.base;
            let previous = fwd_range
                .end
                .checked_sub(1)
                .filter(|&i| i >= fwd_range.start)
                .and_then(|i| self.segments.get(i));
            let (rel_seq, rel_nextseq) = (seq.wrapping_sub(base), nextseq.wrapping_sub(base));
            let ordered = rel_seq < rel_nextseq
                && match previous {
                    None => true,
                    Some(l) => {
                        fwd.ordered()
                            && rel_seq >= l.seq.wrapping_sub(base)
                            && rel_nextseq >= l.nextseq.wrapping_sub(base)
                    }
                };
            fwd.set_bif(ORDERED, ordered);
            let u = Unacked {
                frame: s.frame,
                time: now,
                seq,
                nextseq,
            };
            let span = if nf == 0 {
                Span::of(rel_seq, rel_nextseq)
            } else {
                self.segments.span(dir).with(rel_seq, rel_nextseq)
            };
            let used = nf as usize + nr as usize;
            let at = if dir == 0 { fwd_range.end } else { used };
            self.segments.insert(used, at, u);
            self.segments.set_span(dir, span);
            nf += 1;
            self.segments.set_counts(in_order(nf, nr));
        }
        // `nextseq` (and its time) only moves forward; a zero-window probe does not
        // move it.
        if (fwd.nextseq == 0 || gt(nextseq, fwd.nextseq)) && !zwp {
            fwd.nextseq = nextseq;
            fwd.nextseq_age = age_now;
        }
        if (seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == 0) && !zwp {
            fwd.maxseqtobeacked = fwd.nextseq;
        }
        fwd.window = s.window;
        fwd.bits |= WINDOW_KNOWN;
        fwd.lastack = ack;
        fwd.last_age = age_now;
        fwd.set(LAST_KEEP_ALIVE, flags.contains(AnalysisFlags::KEEP_ALIVE));
        fwd.set(LAST_ZWP, flags.contains(AnalysisFlags::ZERO_WINDOW_PROBE));

        // ACK processing over the peer's unacknowledged segments (the ACK bit is not
        // tested, as in Wireshark): a segment ending exactly at `ack` gives
        // acks_frame and the RTT (the oldest such segment wins) and is removed; a
        // partly acknowledged one is trimmed; older ones are removed.
        let mut acked: Option<(u64, u64)> = None;
        let mut trimmed = false;
        let (_, rev_range) = ranges(nf, nr);
        // An ACK that reaches none of the peer's segments (each starts at or after
        // `ack` and ends less than 2^31 after it, so that each comparison below
        // keeps it as it is) leaves them alone: no walk.
        let rel_ack = ack.wrapping_sub(rev.base);
        let reaches_none = self
            .segments
            .span(rev_dir)
            .get()
            .is_some_and(|(first, last)| rel_ack <= first && last - rel_ack < 1 << 31);
        if !rev_range.is_empty() && !reaches_none {
            // The peer's segments move down over the removed ones; the gap left
            // at the end of its range closes once.
            let mut kept = rev_range.start;
            // Where the walk can stop: in a list known to be in order, from the
            // first segment at or after `ack` on, every segment is kept as it is,
            // if the list ends less than 2^31 after `ack` (so that the sequence
            // comparisons above agree with the relative order).
            let base = rev.base;
            let rel_last = rev_range
                .end
                .checked_sub(1)
                .and_then(|i| self.segments.get(i))
                .map_or(0, |u| u.nextseq.wrapping_sub(base));
            // (In order, `rel_ack <= seq < nextseq <= rel_last < rel_ack + 2^31`
            // holds for each of them: not reached, not trimmed, kept.)
            let can_stop = rev.ordered() && rel_last >= rel_ack && rel_last - rel_ack < 1 << 31;
            let mut stop = rev_range.end;
            // The span of the segments kept, worked out on the way.
            // (Nothing kept leaves `first >= last`: not known.)
            let (mut first, mut last, mut wraps) = (u32::MAX, 0u32, false);
            // (Direction 0's segments are already in place when direction 1 is
            // walked; direction 1's move after direction 0's walk.)
            for i in rev_range.clone() {
                let Some(mut u) = self.segments.get(i).copied() else {
                    break;
                };
                if can_stop && u.seq.wrapping_sub(base) >= rel_ack {
                    stop = i;
                    break;
                }
                // (Written back only when it moves or changes.)
                let (keep, write) = if ack == u.nextseq {
                    if acked.is_none() {
                        acked = Some((u.frame, u.time));
                    }
                    (false, false)
                } else if gt(ack, u.seq) && le(ack, u.nextseq) {
                    u.seq = ack;
                    trimmed = true;
                    (true, true)
                } else {
                    let keep = gt(u.nextseq, ack);
                    (keep, keep && kept != i)
                };
                if write {
                    if let Some(slot) = self.segments.get_mut(kept) {
                        *slot = u;
                    }
                }
                if keep {
                    let (s, n) = (u.seq.wrapping_sub(base), u.nextseq.wrapping_sub(base));
                    first = first.min(s);
                    last = last.max(n);
                    wraps |= s >= n;
                }
                kept += usize::from(keep);
            }
            // The segments from `stop` on, in order: the first starts lowest, the
            // last ends highest.
            if stop < rev_range.end {
                let ends = self
                    .segments
                    .get(stop)
                    .zip(self.segments.get(rev_range.end - 1));
                if let Some((f, l)) = ends {
                    first = first.min(f.seq.wrapping_sub(base));
                    last = last.max(l.nextseq.wrapping_sub(base));
                }
            }
            // The segments from `stop` on stay, moved down over the removed ones.
            let used = nf as usize + nr as usize;
            if kept < stop {
                self.segments.remove(used, kept..stop);
            }
            nr = (kept - rev_range.start + (rev_range.end - stop)) as u32;
            self.segments.set_counts(in_order(nf, nr));
            let span = if wraps {
                Span::UNKNOWN
            } else {
                Span::of(first, last)
            };
            self.segments.set_span(rev_dir, span);
        }
        // Removing segments keeps the order; moving a start may not.
        if trimmed {
            rev.set_bif(ORDERED, false);
        }
        if let Some((frame, t)) = acked {
            a.acks_frame = Some(frame);
            let rtt = now.saturating_sub(t);
            if rtt != 0 {
                a.ack_rtt = Some(Duration::from_nanos(rtt));
            }
        }

        // Bytes in flight (payload-based): the span of the unacknowledged segments,
        // less the peer's SACKed bytes, less one for SYN/FIN.
        if len != 0 && fwd.valid_bif() && nf != 0 {
            let base = fwd.base;
            let mut first = u32::MAX;
            let mut last = 0u32;
            // (After the walk above: direction 1's segments may have moved.)
            let (range, _) = ranges(nf, nr);
            let mine = self.segments.slice(range);
            let ends = if fwd.ordered() {
                // In order: the span is the first start to the last end.
                mine.first()
                    .zip(mine.last())
                    .map(|(f, l)| (f.seq.wrapping_sub(base), l.nextseq.wrapping_sub(base)))
            } else {
                self.segments.span(dir).get()
            };
            match ends {
                Some(ends) => (first, last) = ends,
                None => {
                    // The walk, which also finds out whether the list is in order
                    // and keeps the span for the next segments.
                    let mut ordered = true;
                    let mut wraps = false;
                    let mut previous = (0u32, 0u32);
                    for u in mine {
                        let (s, n) = (u.seq.wrapping_sub(base), u.nextseq.wrapping_sub(base));
                        ordered &= s >= previous.0 && n >= previous.1 && s < n;
                        wraps |= s >= n;
                        previous = (s, n);
                        first = first.min(s);
                        last = last.max(n);
                    }
                    fwd.set_bif(ORDERED, ordered);
                    let span = if wraps {
                        Span::UNKNOWN
                    } else {
                        Span::of(first, last)
                    };
                    self.segments.set_span(dir, span);
                }
            }
            let mut in_flight = last.wrapping_sub(first) as i64;
            in_flight -= i64::from(rev.sacked);
            in_flight -= i64::from(synfin);
            if in_flight > 0 && in_flight < 2_000_000_000 {
                a.bytes_in_flight = Some(in_flight as u32);
            }
        }

        // SYN bookkeeping and the initial RTT (from the most recent pure SYN to the
        // first ACK without SYN).
        // (Times from 2^63 ns on, year 2262, are taken as 2^63 − 1 here.)
        if syn {
            if !ackf && first_rtt == 0 {
                self.syn_rtt = now.min(!RTT_KNOWN);
            }
            fwd.set(FIRST_ACK, true);
        }
        if ackf && !syn {
            if first_rtt == 0 && self.syn_rtt != 0 {
                let rtt = now.saturating_sub(self.syn_rtt).min(!RTT_KNOWN);
                if rtt != 0 {
                    self.syn_rtt = RTT_KNOWN | rtt;
                }
            }
            fwd.set(FIRST_ACK, false);
        }

        // The window as displayed (`tcp.window_size`): SYNs unscaled, otherwise
        // shifted by the sender's scale when known.
        let window_scaled = if syn {
            Some(window)
        } else if fwd.win_scale >= 0 {
            Some(window << (fwd.win_scale as u32).min(14))
        } else if fwd.win_scale == SCALE_NOT_USED {
            Some(window)
        } else {
            None
        };

        // Options: window scale, SACK.
        if let Some(ws) = s.window_scale {
            fwd.win_scale = ws.min(14) as i8;
        }
        fwd.sacked = s.sack.iter().take(4).fold(0u32, |sum, &(l, r)| {
            sum.saturating_add(r.0.wrapping_sub(l.0))
        });
        // `verify_tcp_window_scaling()`: a SYN without the option turns scaling off
        // both ways; a SYN,ACK after a SYN without it turns it off for its sender.
        if syn {
            if fwd.win_scale == SCALE_UNKNOWN {
                fwd.win_scale = SCALE_NOT_USED;
                rev.win_scale = SCALE_NOT_USED;
            } else if ackf && rev.win_scale == SCALE_NOT_USED {
                fwd.win_scale = SCALE_NOT_USED;
            }
        }

        #[cfg(debug_assertions)]
        self.check_spans();
        a.flags = flags;
        let first_rtt = self.first_rtt();
        a.initial_rtt = (first_rtt != 0).then(|| Duration::from_nanos(first_rtt));
        let numbers = Numbers {
            seq: rel_seq,
            offset,
            ack: numbers_ack,
            next_seq: rel_seq.wrapping_add(len).wrapping_add(synfin),
            window_scaled,
        };
        (numbers, a)
    }
}

#[cfg(test)]
mod flow_tests {
    use super::Flow;

    /// The last non-duplicate ACK's frame reads back exactly on either side of
    /// 2^32 frames, from a later frame and from an earlier one.
    #[test]
    fn lastnondupack_across_the_32_bit_frame_boundary() {
        let mut f = Flow::new(0);
        for (stored, now) in [
            (7, 9),
            ((1 << 32) - 2, (1 << 32) + 5),
            ((1 << 32) + 3, (1 << 32) - 4),
            ((5 << 32) + 11, (5 << 32) + 11),
            (u64::MAX - 1, u64::MAX),
            (3, (1 << 31) + 2),
        ] {
            f.set_lastnondupack(stored);
            assert_eq!(
                f.lastnondupack(now),
                stored,
                "stored {stored} read at {now}"
            );
        }
        // 2^31 frames apart is the last distance read back exactly; beyond, the
        // nearest candidate is read, not the stored frame.
        f.set_lastnondupack(1);
        assert_eq!(f.lastnondupack((1 << 31) + 1), 1);
        assert_eq!(f.lastnondupack((1 << 31) + 2), 1 << 32 | 1);
    }
}

#[cfg(test)]
mod unacked_list_tests {
    use super::{Span, Unacked, UnackedList};
    use alloc::vec::Vec;

    fn entry(n: u32) -> Unacked {
        Unacked {
            frame: u64::from(n),
            time: u64::from(n) * 10,
            seq: n,
            nextseq: n + 1,
        }
    }

    /// Inserts and removals at every position agree with a `Vec` doing the same,
    /// through several rounds of growth.
    #[test]
    fn agrees_with_a_vec() {
        let mut list = UnackedList::default();
        let mut model: Vec<Unacked> = Vec::new();
        let mut n = 0u32;
        // A fixed, position-covering sequence: insert at the front, the middle
        // and the end in turn; every seventh step remove a run of up to three.
        for step in 0..200usize {
            if step % 7 == 6 && !model.is_empty() {
                let from = step % model.len();
                let to = (from + 1 + step % 3).min(model.len());
                list.remove(model.len(), from..to);
                model.drain(from..to);
            } else {
                let at = match step % 3 {
                    0 => 0,
                    1 => model.len() / 2,
                    _ => model.len(),
                };
                n += 1;
                list.insert(model.len(), at, entry(n));
                model.insert(at, entry(n));
            }
            assert_eq!(list.slice(0..model.len()), model.as_slice(), "step {step}");
            assert!(list.0.len() > model.len());
            // The header (entry 0) is left alone by every insert and removal.
            if step == 0 {
                list.set_span(0, SPAN_0);
                list.set_span(1, SPAN_1);
                list.set_counts(COUNTS);
            }
            assert_eq!(list.span(0), SPAN_0, "step {step}");
            assert_eq!(list.span(1), SPAN_1, "step {step}");
            assert_eq!(list.counts(), COUNTS, "step {step}");
        }
        assert!(model.len() > 100, "the test grew the list");
        // Room doubles from 4: 4, 8, …, the first power of two past the most used,
        // after the header.
        let room = list.0.len() - 1;
        assert!(room.is_power_of_two() && room >= 4);
    }

    const SPAN_0: Span = Span {
        first: 7,
        last: u32::MAX,
    };
    const SPAN_1: Span = Span {
        first: 0x8000_0000,
        last: 0x8000_0001,
    };
    const COUNTS: [u32; 2] = [0x8765_4321, 0x1234_5678];

    /// Each direction's span and both counts read back as set, whatever the
    /// others; an empty list counts nothing and knows no span (setting them
    /// changes nothing there).
    #[test]
    fn header_reads_back_apart() {
        let mut list = UnackedList::default();
        list.set_span(0, SPAN_0);
        list.set_counts(COUNTS);
        assert_eq!((list.span(0), list.counts()), (Span::UNKNOWN, [0; 2]));
        list.insert(0, 0, entry(1));
        assert_eq!(list.span(0).get(), None);
        assert_eq!(list.span(1).get(), None);
        assert_eq!(list.counts(), [0; 2]);
        list.set_span(1, SPAN_1);
        list.set_counts(COUNTS);
        list.set_span(0, SPAN_0);
        assert_eq!((list.span(0), list.span(1)), (SPAN_0, SPAN_1));
        assert_eq!(list.counts(), COUNTS);
        list.set_span(1, Span::UNKNOWN);
        assert_eq!((list.span(0), list.span(1)), (SPAN_0, Span::UNKNOWN));
        list.set_counts([COUNTS[1], COUNTS[0]]);
        list.set_span(0, SPAN_1);
        list.set_span(1, SPAN_0);
        assert_eq!((list.span(0), list.span(1)), (SPAN_1, SPAN_0));
        assert_eq!(list.counts(), [COUNTS[1], COUNTS[0]]);
        assert_eq!(list.slice(0..1), &[entry(1)]);
    }

    /// A span is known only while it starts before it ends; a segment widens
    /// it, one that wraps makes it unknown.
    #[test]
    fn span_known_while_it_starts_before_it_ends() {
        let span = Span::of(10, 20);
        assert_eq!(span.get(), Some((10, 20)));
        assert_eq!(Span::of(20, 20).get(), None);
        assert_eq!(Span::UNKNOWN.get(), None);
        assert_eq!(span.with(5, 15).get(), Some((5, 20)));
        assert_eq!(span.with(12, 30).get(), Some((10, 30)));
        assert_eq!(span.with(30, 5).get(), None);
        assert_eq!(Span::UNKNOWN.with(12, 30).get(), None);
    }

    /// Out-of-range requests change nothing and do not panic.
    #[test]
    fn out_of_range_is_ignored() {
        let mut list = UnackedList::default();
        list.insert(0, 0, entry(1));
        list.insert(1, 1, entry(2));
        list.remove(2, 5..9);
        list.remove(9, 0..1);
        // As many in use as the slice holds, the header included: one too many.
        list.remove(list.0.len(), 0..1);
        assert_eq!(list.slice(0..2), &[entry(1), entry(2)]);
        assert!(list.slice(3..9).is_empty());
        assert_eq!(list.get(7), None);
    }
}
