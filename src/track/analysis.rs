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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Unacked {
    frame: u64,
    time: u64,
    seq: u32,
    nextseq: u32,
}

/// What the analysis keeps about one direction (Wireshark's `tcp_flow_t` and
/// `tcp_analyze_seq_flow_info_t`). Times are nanoseconds of capture time.
#[derive(Clone, Debug)]
pub(crate) struct Flow {
    /// Unacknowledged segments, oldest first (Wireshark keeps them newest first).
    segments: Vec<Unacked>,
    lastacktime: u64,
    lastnondupack: u64,
    /// The first sequence number this direction's relative numbers count from.
    pub(crate) base: u32,
    nextseq: u32,
    maxseqtobeacked: u32,
    lastack: u32,
    /// Duplicate ACKs in a row; −1 after an "ACKed unseen segment" (Wireshark's
    /// way of flagging one hole once).
    dupacknum: i32,
    /// When `nextseq` last advanced (`nextseqtime`).
    nextseqtime: u64,
    /// The last raw window (u32::MAX before the first segment, as Wireshark).
    window: u32,
    sack: [(u32, u32); 4],
    pub(crate) win_scale: i8,
    num_sack: u8,
    lastsegmentflags: AnalysisFlags,
    base_set: bool,
    /// The base came from this direction's SYN (Wireshark's `TCP_S_SAW_SYN`).
    base_from_syn: bool,
    is_first_ack: bool,
    /// Bytes-in-flight bits, one byte so the flow stays 112 bytes: [`VALID_BIF`]
    /// (Wireshark's `valid_bif`) and [`ORDERED`].
    bif: u8,
}

/// [`Flow::bif`]: bytes in flight can be computed (Wireshark's `valid_bif`).
const VALID_BIF: u8 = 1;
/// [`Flow::bif`]: `segments` is known to be in non-decreasing order of relative `seq`
/// and of relative `nextseq`, so its span is the first `seq` to the last `nextseq`
/// without a walk; clear when unknown.
const ORDERED: u8 = 2;

impl Flow {
    fn new() -> Self {
        Flow {
            segments: Vec::new(),
            lastacktime: 0,
            lastnondupack: 0,
            base: 0,
            nextseq: 0,
            maxseqtobeacked: 0,
            lastack: 0,
            dupacknum: 0,
            nextseqtime: 0,
            window: u32::MAX,
            sack: [(0, 0); 4],
            win_scale: SCALE_UNKNOWN,
            num_sack: 0,
            lastsegmentflags: AnalysisFlags::empty(),
            base_set: false,
            base_from_syn: false,
            is_first_ack: true,
            bif: VALID_BIF | ORDERED,
        }
    }

    fn valid_bif(&self) -> bool {
        self.bif & VALID_BIF != 0
    }

    fn ordered(&self) -> bool {
        self.bif & ORDERED != 0
    }

    fn set_bif(&mut self, bit: u8, on: bool) {
        if on {
            self.bif |= bit;
        } else {
            self.bif &= !bit;
        }
    }

    fn sacks(&self) -> &[(u32, u32)] {
        self.sack.get(..usize::from(self.num_sack)).unwrap_or(&[])
    }

    /// How many unacknowledged segments are remembered.
    pub(crate) fn unacked(&self) -> usize {
        self.segments.len()
    }
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

/// Both directions' analysis state plus the per-connection RTT times.
#[derive(Clone, Debug)]
pub(crate) struct ConnAnalysis {
    pub(crate) flows: [Flow; 2],
    /// Each direction's sequence numbers as 64-bit offsets from its base.
    unwrap: [SeqUnwrapper; 2],
    /// Time of the most recent pure SYN (`ts_mru_syn`); 0 = none.
    mru_syn: u64,
    /// `ts_first_rtt`; 0 = not known (as in Wireshark, a zero RTT stays unknown).
    first_rtt: u64,
}

impl ConnAnalysis {
    pub(crate) fn new() -> Self {
        ConnAnalysis {
            flows: [Flow::new(), Flow::new()],
            unwrap: [SeqUnwrapper::new(SeqNum(0)); 2],
            mru_syn: 0,
            first_rtt: 0,
        }
    }

    /// The raw base of direction `dir` (0 or 1), if set.
    pub(crate) fn base(&self, dir: usize) -> Option<u32> {
        self.flows.get(dir).filter(|f| f.base_set).map(|f| f.base)
    }

    /// Analyses one segment sent in direction `dir` (0 or 1) and updates the
    /// state, in the order of Wireshark's `dissect_tcp()` first pass.
    pub(crate) fn on_segment(&mut self, dir: usize, s: &SegInfo<'_>) -> (Numbers, Analysis) {
        let [f0, f1] = &mut self.flows;
        let (fwd, rev) = if dir == 0 { (f0, f1) } else { (f1, f0) };
        let syn = s.flags.contains(TcpFlags::SYN);
        let fin = s.flags.contains(TcpFlags::FIN);
        let rst = s.flags.contains(TcpFlags::RST);
        let ackf = s.flags.contains(TcpFlags::ACK);
        let synfin = u32::from(syn) + u32::from(fin);
        let sfr = syn || fin || rst;
        let (seq, ack, len, now) = (s.seq, s.ack, s.len, s.time);
        let window = u32::from(s.window);

        // Relative numbers (Wireshark: base_seq set from the first segment of a
        // direction — the SYN's seq, otherwise seq − 1 — and the other direction's
        // from the first ACK-flagged segment: ack − 1).
        if !fwd.base_set {
            fwd.base = if syn { seq } else { seq.wrapping_sub(1) };
            fwd.base_set = true;
            fwd.base_from_syn = syn;
            fwd.set_bif(ORDERED, false);
        } else if syn && !fwd.base_from_syn {
            // A SYN after segments that only let the base be guessed: its
            // sequence number is the real base (tshark 4.0.17 renumbers from it).
            fwd.base = seq;
            fwd.base_from_syn = true;
            fwd.set_bif(ORDERED, false);
        }
        if ackf && !rev.base_set {
            rev.base = ack.wrapping_sub(1);
            rev.base_set = true;
            rev.set_bif(ORDERED, false);
        }
        let rel_seq = seq.wrapping_sub(fwd.base);
        // The 64-bit offset: a new unwrapper whenever the base is (re)set.
        let offset = match self.unwrap.get_mut(dir) {
            Some(u) => {
                if u.base() != SeqNum(fwd.base) {
                    *u = SeqUnwrapper::new(SeqNum(fwd.base));
                }
                u.unwrap(SeqNum(seq))
            }
            None => None,
        };
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
        if len == 1 && seq == fwd.nextseq && rev.window == 0 {
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
            if len <= 1 && seq == fwd.nextseq.wrapping_sub(1) && !sfr {
                flags |= AnalysisFlags::KEEP_ALIVE;
            }
            // A5 WINDOW_UPDATE: no payload, a non-zero window that differs from the
            // last one, `seq == fwd->nextseq`, `ack == fwd->lastack`, no SYN/FIN/RST.
            if len == 0
                && window != 0
                && window != fwd.window
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
                let shift = if rev.is_first_ack || rev.win_scale == SCALE_NOT_USED {
                    0
                } else {
                    rev.win_scale as u32
                };
                let edge = rev.lastack.wrapping_add(rev.window.wrapping_shl(shift));
                if seq.wrapping_add(len) == edge {
                    flags |= AnalysisFlags::WINDOW_FULL;
                }
            }
            let same_ack = len == 0 && seq == fwd.nextseq && !sfr;
            // A7 KEEP_ALIVE_ACK: a repeat of the last ACK and window answering a
            // keep-alive (`rev->lastsegmentflags & TCP_A_KEEP_ALIVE`); then `finished_fwd`.
            if same_ack
                && window != 0
                && window == fwd.window
                && ack == fwd.lastack
                && rev.lastsegmentflags.contains(AnalysisFlags::KEEP_ALIVE)
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
                && fwd.window == 0
                && ack == fwd.lastack
                && rev
                    .lastsegmentflags
                    .contains(AnalysisFlags::ZERO_WINDOW_PROBE)
            {
                flags |= AnalysisFlags::ZERO_WINDOW_PROBE_ACK;
                finished = true;
            }
            // A9 DUPLICATE_ACK: no payload, same non-zero window, `seq == fwd->nextseq`,
            // `ack == fwd->lastack`, no SYN/FIN/RST. After an "ACKed unseen segment"
            // (count −1) the count restarts at 1.
            if !finished && same_ack && window != 0 && window == fwd.window && ack == fwd.lastack {
                fwd.dupacknum = if fwd.dupacknum == -1 {
                    1
                } else {
                    fwd.dupacknum.saturating_add(1)
                };
                flags |= AnalysisFlags::DUPLICATE_ACK;
                a.duplicate_ack = Some(DuplicateAck {
                    number: fwd.dupacknum.unsigned_abs(),
                    frame: fwd.lastnondupack,
                });
            }
        }
        // finished_fwd, B1: a new acknowledgment number resets the dup-ACK count.
        if ack != fwd.lastack {
            fwd.lastnondupack = s.frame;
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
            let since_peer = now.checked_sub(rev.lastacktime).unwrap_or(u64::MAX);
            let since_highest = now.checked_sub(fwd.nextseqtime).unwrap_or(u64::MAX);
            let thres = if self.first_rtt == 0 {
                DEFAULT_OOO_THRESHOLD
            } else {
                self.first_rtt
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
        if (len > 0 || syn || fin) && (fwd.segments.len() as u32) < s.max_unacked {
            let base = fwd.base;
            let ordered = match fwd.segments.last() {
                None => true,
                Some(l) => {
                    fwd.ordered()
                        && seq.wrapping_sub(base) >= l.seq.wrapping_sub(base)
                        && nextseq.wrapping_sub(base) >= l.nextseq.wrapping_sub(base)
                }
            };
            fwd.set_bif(ORDERED, ordered);
            fwd.segments.push(Unacked {
                frame: s.frame,
                time: now,
                seq,
                nextseq,
            });
        }
        // `nextseq` (and its time) only moves forward; a zero-window probe does not
        // move it.
        if (fwd.nextseq == 0 || gt(nextseq, fwd.nextseq)) && !zwp {
            fwd.nextseq = nextseq;
            fwd.nextseqtime = now;
        }
        if (seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == 0) && !zwp {
            fwd.maxseqtobeacked = fwd.nextseq;
        }
        fwd.window = window;
        fwd.lastack = ack;
        fwd.lastacktime = now;
        fwd.lastsegmentflags = flags;

        // ACK processing over the peer's unacknowledged segments (the ACK bit is not
        // tested, as in Wireshark): a segment ending exactly at `ack` gives
        // acks_frame and the RTT (the oldest such segment wins) and is removed; a
        // partly acknowledged one is trimmed; older ones are removed.
        let mut acked: Option<(u64, u64)> = None;
        let mut trimmed = false;
        rev.segments.retain_mut(|u| {
            if ack == u.nextseq {
                if acked.is_none() {
                    acked = Some((u.frame, u.time));
                }
                false
            } else if gt(ack, u.seq) && le(ack, u.nextseq) {
                u.seq = ack;
                trimmed = true;
                true
            } else {
                gt(u.nextseq, ack)
            }
        });
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
        if len != 0 && fwd.valid_bif() && !fwd.segments.is_empty() {
            let base = fwd.base;
            let mut first = u32::MAX;
            let mut last = 0u32;
            match (fwd.ordered(), fwd.segments.first(), fwd.segments.last()) {
                // In order: the span is the first start to the last end.
                (true, Some(f), Some(l)) => {
                    first = f.seq.wrapping_sub(base);
                    last = l.nextseq.wrapping_sub(base);
                }
                _ => {
                    // The walk, which also finds out whether the list is in order.
                    let mut ordered = true;
                    let mut previous = (0u32, 0u32);
                    for u in &fwd.segments {
                        let (s, n) = (u.seq.wrapping_sub(base), u.nextseq.wrapping_sub(base));
                        ordered &= s >= previous.0 && n >= previous.1;
                        previous = (s, n);
                        first = first.min(s);
                        last = last.max(n);
                    }
                    fwd.set_bif(ORDERED, ordered);
                }
            }
            let mut in_flight = last.wrapping_sub(first) as i64;
            for &(l, r) in rev.sacks() {
                in_flight -= i64::from(r.wrapping_sub(l));
            }
            in_flight -= i64::from(synfin);
            if in_flight > 0 && in_flight < 2_000_000_000 {
                a.bytes_in_flight = Some(in_flight as u32);
            }
        }

        // SYN bookkeeping and the initial RTT (from the most recent pure SYN to the
        // first ACK without SYN).
        if syn {
            if !ackf {
                self.mru_syn = now;
            }
            fwd.is_first_ack = true;
        }
        if ackf && !syn {
            if self.first_rtt == 0 && self.mru_syn != 0 {
                self.first_rtt = now.saturating_sub(self.mru_syn);
            }
            fwd.is_first_ack = false;
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
        fwd.num_sack = 0;
        if !s.sack.is_empty() {
            for (slot, &(l, r)) in fwd.sack.iter_mut().zip(s.sack) {
                *slot = (l.0.wrapping_sub(rev.base), r.0.wrapping_sub(rev.base));
            }
            fwd.num_sack = s.sack.len().min(4) as u8;
        }
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

        a.flags = flags;
        a.initial_rtt = (self.first_rtt != 0).then(|| Duration::from_nanos(self.first_rtt));
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
