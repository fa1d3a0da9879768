//! [`Observer`]: both endpoints of one connection, inferred from a single capture point.
//!
//! A passive analyzer sees the segments of a connection at one place on the path and
//! never the endpoints themselves. From those segments alone the observer infers, for
//! every segment, the RFC 9293 state of the side that sent it (after sending it) and
//! of the side that receives it (after receiving it), the way a textbook draws the
//! two columns of RFC 793's figures 7, 8, 13 and 14.
//!
//! The rules the observer follows, and an example, are on [`Observer`].

use core::fmt;
use core::time::Duration;

use super::{Cause, DEFAULT_MSL, Side, State, Transition, Transitions};
use crate::flags::TcpFlags;
use crate::segment::Segment;
use crate::seq::SeqNum;

/// Something worth telling about one observed segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Note {
    /// The capture starts after the handshake: the first segment is not a SYN, and
    /// both sides are assumed ESTABLISHED (no handshake is invented).
    Midstream,
    /// A segment the capture does not hold was inferred from this one's numbers
    /// (e.g. a SYN before the first captured SYN,ACK, or a SYN,ACK before an ACK).
    Inferred,
    /// This segment crossed an earlier one in flight (simultaneous open or close);
    /// see [`Observer`].
    Crossed,
    /// It repeats sequence space the sender had already sent: data, SYN, SYN,ACK or FIN.
    Retransmission,
    /// A keep-alive: no SYN/FIN/RST, zero or one byte, `SEG.SEQ = SND.NXT − 1`.
    KeepAlive,
    /// A RST the receiver accepts: the connection is over.
    RstAccepted,
    /// A RST the receiver would drop (out of window, or in SYN_SENT without an ACK of
    /// the SYN): nothing changes.
    RstIgnored,
    /// The receiver would not accept the segment (an ACK that does not acknowledge
    /// its SYN, a segment without ACK in a synchronized state, a SYN in a synchronized
    /// state per RFC 5961 §4, a segment at or beyond the right edge of its window or,
    /// into a zero window, not at its `RCV.NXT`): nothing changes.
    Unacceptable,
    /// A segment from or to a side that is already CLOSED: nothing changes.
    AfterClose,
    /// A SYN with a new ISN after the connection ended (or a later ISN while the first
    /// SYN is unanswered): the observer started over. Trackers usually start a new
    /// stream instead. A side reset to CLOSED that sends its SYN again, with the ISN
    /// its receiver has taken since (in SYN_RECEIVED or a synchronized state), opens
    /// again alone: the receiver answers a duplicate and keeps its state.
    Reopened,
    /// A SYN whose ISN precedes the unanswered SYN of the same side: an old duplicate
    /// of an earlier incarnation (RFC 793 figure 9); nothing changes. Also a SYN
    /// whose ISN precedes the last of a side in a passive SYN_RECEIVED, taken as an
    /// old duplicate too (its sender stays): ISNs follow a clock that wraps in 4.8
    /// hours (RFC 6528), so after a long silence it may be a new connection's.
    OldDuplicate,
    /// A RST in the receiver's window but not exactly at its `RCV.NXT` (RFC 5961 §3):
    /// the receiver answers with a challenge ACK and stays. Also set on the segment
    /// that shows a RST the observer had accepted was only challenged (the receiver
    /// speaks again): the receiver's state is then revised back.
    Challenged,
    /// The connection was refused: the SYN was answered by a RST from a side that
    /// was never listening (the observer's LISTEN assumption is revised to CLOSED).
    Refused,
    /// A retransmission that ends exactly at the receiver's `RCV.NXT` (the last
    /// segment it took, sent again): RFC 9293's acceptability test drops it with
    /// its ACK, Linux accepts it (`tcp_sequence`: a segment is old only when it
    /// ends before `rcv_wup`) and processes the ACK. The observer follows Linux,
    /// as real captures show (the ACK of a crossed FIN that closes a simultaneous
    /// close); an RFC-strict receiver ignores that ACK.
    AcceptedAtEdge,
    /// The receiver's window is known only from its SYN (or SYN,ACK), with window
    /// scaling in effect, so only within bounds (RFC 7323 §2.2: a SYN's window is
    /// never scaled, and a full field stands for any window up to the field
    /// shifted), and this segment lies beyond the smallest window those bounds
    /// allow: the observer takes it as acceptable, as Wireshark does, while a
    /// receiver with the smaller window drops it (RFC 9293 §3.10.7.4, first check).
    AcceptedInUnknownWindow,
}

impl Note {
    /// Every note, in declaration order.
    pub const ALL: [Note; 15] = [
        Note::Midstream,
        Note::Inferred,
        Note::Crossed,
        Note::Retransmission,
        Note::KeepAlive,
        Note::RstAccepted,
        Note::RstIgnored,
        Note::Unacceptable,
        Note::AfterClose,
        Note::Reopened,
        Note::OldDuplicate,
        Note::Challenged,
        Note::Refused,
        Note::AcceptedAtEdge,
        Note::AcceptedInUnknownWindow,
    ];

    /// A short lower-case name, e.g. `midstream`, `rst_ignored`.
    pub const fn name(self) -> &'static str {
        match self {
            Note::Midstream => "midstream",
            Note::Inferred => "inferred",
            Note::Crossed => "crossed",
            Note::Retransmission => "retransmission",
            Note::KeepAlive => "keep_alive",
            Note::RstAccepted => "rst_accepted",
            Note::RstIgnored => "rst_ignored",
            Note::Unacceptable => "unacceptable",
            Note::AfterClose => "after_close",
            Note::Reopened => "reopened",
            Note::OldDuplicate => "old_duplicate",
            Note::Challenged => "challenged",
            Note::Refused => "refused",
            Note::AcceptedAtEdge => "accepted_at_edge",
            Note::AcceptedInUnknownWindow => "accepted_in_unknown_window",
        }
    }

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of [`Note`]s.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Notes(u16);

impl Notes {
    /// The empty set.
    pub const fn new() -> Self {
        Notes(0)
    }

    /// Whether `note` is in the set.
    pub const fn contains(self, note: Note) -> bool {
        self.0 & note.bit() != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Adds `note`.
    pub fn insert(&mut self, note: Note) {
        self.0 |= note.bit();
    }

    /// The notes in the set, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = Note> {
        Note::ALL.into_iter().filter(move |n| self.contains(*n))
    }
}

/// Serialized as a sequence of note names' variants.
#[cfg(feature = "serde")]
impl serde::Serialize for Notes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl fmt::Debug for Notes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// What the observer inferred from one segment.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Observation {
    /// The side that sent the segment.
    pub from: Side,
    /// The sender's state after sending it.
    pub sender: State,
    /// The receiver's state after receiving it.
    pub receiver: State,
    /// Every state change, in order (expiries of TIME_WAIT first, then revisions, the
    /// sender's, the receiver's, and deliveries of crossed segments).
    pub transitions: Transitions,
    /// What is remarkable about the segment.
    pub notes: Notes,
    /// `SEG.SEQ` relative to the sender's base, Wireshark style: 0 for the SYN,
    /// 1 for the first byte after it; mid-stream the first segment seen is 1.
    pub relative_seq: u32,
    /// `SEG.ACK` relative to the receiver's base; `None` when the ACK bit is clear.
    pub relative_ack: Option<u32>,
}

impl Observation {
    /// The state of `side` after this segment.
    pub const fn state(&self, side: Side) -> State {
        if matches!(
            (side, self.from),
            (Side::Client, Side::Client) | (Side::Server, Side::Server)
        ) {
            self.sender
        } else {
            self.receiver
        }
    }
}

/// The numbers the observer has seen from one side.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SideNumbers {
    /// Initial sequence number: the sequence number of its SYN (seen, or inferred from
    /// the peer's acknowledgment of it).
    pub isn: Option<SeqNum>,
    /// Wireshark's `base_seq`: the ISN when a SYN was seen first, otherwise the first
    /// sequence number seen minus one, or the peer's first ACK minus one if the peer
    /// spoke first. Relative numbers are `n − base`.
    pub base: Option<SeqNum>,
    /// The highest `SEG.SEQ + SEG.LEN` sent (the side's `SND.NXT` as far as seen).
    pub next_seq: Option<SeqNum>,
    /// The highest acknowledgment number sent (the side's `RCV.NXT` as last
    /// announced); a SYN,ACK with a new ISN that acknowledges the peer's SYN starts
    /// it over (the acknowledgments of an earlier incarnation say nothing of this one).
    pub highest_ack: Option<SeqNum>,
    /// The sequence number of its FIN.
    pub fin_seq: Option<SeqNum>,
    /// The last window field it sent (raw, unscaled); a RST's is not taken.
    pub window: Option<u16>,
    /// The window-scale shift its SYN offered (RFC 7323).
    pub window_scale: Option<u8>,
}

/// One side as the observer keeps it, packed into 48 bytes (x86-64): the optional sequence
/// numbers (those of [`SideNumbers`] and the observer's own) as `u32` slots with a
/// presence bit each, the flags as bits. An absent slot holds 0, so two sides that
/// know the same compare equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Half {
    /// The slots, indexed by [`ISN`] … [`LAST_TSVAL`]; meaningful where `present`
    /// has the slot's bit.
    slots: [u32; 8],
    /// When it entered TIME_WAIT (restarted by a retransmitted FIN), in
    /// nanoseconds, [`NOT_IN_TIME_WAIT`] when not: 8 bytes where an
    /// `Option<Duration>` takes 16 (see [`Half::time_wait_since`]).
    time_wait_since_nanos: u64,
    /// The last window field it sent (raw, unscaled), if [`WINDOW`] is present.
    window: u16,
    /// Presence bits: one per slot, then [`WINDOW`] and [`WINDOW_SCALE`]; above them
    /// the two bits of [`SPARE_SYNS`].
    present: u16,
    state: State,
    /// The window-scale shift its SYN offered, if [`WINDOW_SCALE`] is present.
    window_scale: u8,
    /// [`SENT_SYN`] … [`SPOKE`].
    flags: u8,
    /// The observer's marks on the side: [`RESET_IN_SYN_RECEIVED`] …
    /// [`REFUSED`]. [`FIRST_CLOSER`] and the marks after it are on one side at a
    /// time (see [`Observer::mark`]).
    marks: u8,
}

/// [`Half::slots`]: initial sequence number ([`SideNumbers::isn`]).
const ISN: usize = 0;
/// [`Half::slots`]: Wireshark's base ([`SideNumbers::base`]).
const BASE: usize = 1;
/// [`Half::slots`]: the highest `SEG.SEQ + SEG.LEN` sent ([`SideNumbers::next_seq`]).
const NEXT_SEQ: usize = 2;
/// [`Half::slots`]: the highest acknowledgment sent ([`SideNumbers::highest_ack`]).
const HIGHEST_ACK: usize = 3;
/// [`Half::slots`]: the sequence number of its FIN ([`SideNumbers::fin_seq`]).
const FIN_SEQ: usize = 4;
/// [`Half::slots`]: everything it sent before this sequence number was seen without
/// a gap: the peer's `RCV.NXT` as far as the capture can tell.
const CONTIGUOUS: usize = 5;
/// [`Half::slots`]: the peer's `contiguous` when this side's last ACK was seen: if
/// the peer has sent in order since, that ACK no longer names this side's `RCV.NXT`.
const PEER_CONTIGUOUS_AT_ACK: usize = 6;
/// [`Half::slots`]: the last TSval it sent (RFC 7323), for RFC 6191's TIME-WAIT rule.
const LAST_TSVAL: usize = 7;
/// [`Half::present`]: the window is known.
const WINDOW: u16 = 1 << 8;
/// [`Half::present`]: the window-scale offer is known.
const WINDOW_SCALE: u16 = 1 << 9;
/// [`Half::present`]: where [`SPARE_SYNS`] begins.
const SPARE_SYNS_SHIFT: u16 = 10;
/// [`Half::present`]: two bits counting the copies of the side's bare SYN with its
/// current ISN that passed the capture point and that no segment of the peer has
/// shown consumed ([`Half::spare_syns`]).
const SPARE_SYNS: u16 = 3 << SPARE_SYNS_SHIFT;
/// [`Half::spare_syns`] at its most: three or more copies, how many consumed no
/// longer counted.
const SPARE_SYNS_MANY: u8 = 3;

/// What [`Observer::count_spare_syns`] needs of the moment before a SYN or RST.
#[derive(Clone, Copy)]
struct SpareSyns {
    /// Both sides' [`Half::spare_syns`].
    counts: [u8; 2],
    /// The sender's ISN.
    isn: Option<SeqNum>,
    /// The segment is the sender's first SYN,ACK (of the TCB the observer knows),
    /// acknowledging the peer's ISN.
    first_syn_ack: bool,
}

/// [`Half::flags`]: it sent a SYN without ACK (active open).
const SENT_SYN: u8 = 1;
/// [`Half::flags`]: it sent a SYN,ACK.
const SENT_SYN_ACK: u8 = 2;
/// [`Half::flags`]: its SYN was seen (bare or with ACK), so its window-scale offer
/// is known.
const SYN_SEEN: u8 = 4;
/// [`Half::flags`]: it reached SYN_RECEIVED from LISTEN (RFC 9293 MUST-11).
const PASSIVE: u8 = 8;
/// [`Half::flags`]: its relative-number base was taken from its own SYN.
const BASE_FROM_SYN: u8 = 16;
/// [`Half::flags`]: its last window field came with a SYN (and is therefore
/// unscaled, RFC 7323 §2.2).
const WINDOW_FROM_SYN: u8 = 32;
/// [`Half::flags`]: its FIN was seen after a gap: the peer cannot have processed it
/// yet.
const FIN_PENDING: u8 = 64;
/// [`Half::flags`]: it sent a segment.
const SPOKE: u8 = 128;

/// [`Half::marks`]: a RST reset it from SYN_RECEIVED, where it had taken the peer's
/// SYN, and it has taken no SYN since: a SYN,ACK of it answering that SYN was sent
/// before the RST arrived.
const RESET_IN_SYN_RECEIVED: u8 = 1;
/// [`Half::marks`]: the observer closed it when 2·MSL ran out in TIME_WAIT (timed
/// from the capture of the FIN that put it there; both sides can run out at once),
/// until the side sends a SYN: its TIME-WAIT may have begun later (the FIN, or the
/// ACK of its own FIN, held up after the capture point), and an answer of its old
/// connection (at its `RCV.NXT` then, which [`Observer::old_syn_ack`] keeps) shows it
/// is still there.
const TIME_WAIT_RAN_OUT: u8 = 2;
/// [`Half::marks`], of one side at most: its FIN was seen first
/// ([`Observer::first_closer`]).
const FIRST_CLOSER: u8 = 4;
/// [`Half::marks`], of one side at most: a RST had closed both sides, and this one
/// sent a SYN,ACK since, answering the peer's last SYN (taken as sent before the RST
/// arrived): if the peer acknowledges it, the RST closed neither (see `on_other`).
const SYN_ACK_AFTER_RESET: u8 = 8;
/// [`Half::marks`], of one side at most: the observer took it as not closed by a RST
/// after all (its SYN,ACK seen after the RST was acknowledged: see `on_other`),
/// until its next segment: a bare SYN of it then, with its ISN, comes from a TCB it
/// opened actively again with the same ISN, the RST having closed it (its SYN,ACK
/// crossed the RST), and the peer's ACK reached that TCB in SYN-SENT, which drops it
/// (RFC 9293 §3.10.7.3).
const REVIVED: u8 = 16;
/// [`Half::marks`], of one side at most: the observer had it refuse the peer's SYN
/// (`Note::Refused`, revised to CLOSED), and then take the peer's next SYN (a
/// reopening): its SYN,ACK answering an earlier SYN shows the RST answered an earlier
/// copy.
const REFUSED_THEN_REOPENED: u8 = 32;
/// [`Half::marks`], of one side at most: the observer last had it refuse the peer's
/// SYN (see [`REFUSED_THEN_REOPENED`]).
const REFUSED: u8 = 64;

/// A getter and a setter for each sequence-number slot of [`Half`].
macro_rules! seq_slots {
    ($($get:ident, $set:ident, $slot:expr;)*) => {
        $(
            #[doc = concat!("The `", stringify!($slot), "` slot.")]
            const fn $get(&self) -> Option<SeqNum> {
                match self.slot($slot) {
                    Some(v) => Some(SeqNum(v)),
                    None => None,
                }
            }

            #[doc = concat!("Sets (or clears) the `", stringify!($slot), "` slot.")]
            fn $set(&mut self, value: Option<SeqNum>) {
                self.set_slot($slot, value.map(|n| n.0));
            }
        )*
    };
}

/// A getter and a setter for each bit of a flags field of [`Half`].
macro_rules! half_flags {
    ($field:ident: $($get:ident, $set:ident, $bit:expr;)*) => {
        $(
            #[doc = concat!("The `", stringify!($bit), "` flag.")]
            const fn $get(&self) -> bool {
                self.$field & $bit != 0
            }

            #[doc = concat!("Sets the `", stringify!($bit), "` flag.")]
            fn $set(&mut self, on: bool) {
                if on {
                    self.$field |= $bit;
                } else {
                    self.$field &= !$bit;
                }
            }
        )*
    };
}

/// [`Half::time_wait_since_nanos`] of a side not in TIME_WAIT.
const NOT_IN_TIME_WAIT: u64 = u64::MAX;

impl Half {
    /// When the side entered TIME_WAIT, if it did.
    const fn time_wait_since(&self) -> Option<Duration> {
        if self.time_wait_since_nanos == NOT_IN_TIME_WAIT {
            None
        } else {
            Some(Duration::from_nanos(self.time_wait_since_nanos))
        }
    }

    /// Sets (or clears) when the side entered TIME_WAIT; a capture time of 2^64 − 1
    /// ns (584 years) or more is taken as 2^64 − 2 ns.
    fn set_time_wait_since(&mut self, since: Option<Duration>) {
        self.time_wait_since_nanos = match since {
            Some(t) => saturating_nanos(t).min(NOT_IN_TIME_WAIT - 1),
            None => NOT_IN_TIME_WAIT,
        };
    }

    const fn new(state: State) -> Self {
        Half {
            slots: [0; 8],
            time_wait_since_nanos: NOT_IN_TIME_WAIT,
            window: 0,
            present: 0,
            state,
            window_scale: 0,
            flags: 0,
            marks: 0,
        }
    }

    /// Slot `i`, if present.
    #[inline]
    const fn slot(&self, i: usize) -> Option<u32> {
        if self.present & (1 << i) != 0 {
            Some(self.slots[i])
        } else {
            None
        }
    }

    /// Sets (or clears, to 0) slot `i`.
    #[inline]
    fn set_slot(&mut self, i: usize, value: Option<u32>) {
        self.slots[i] = value.unwrap_or(0);
        self.set_present(1 << i, value.is_some());
    }

    /// How many copies of the side's bare SYN with its current ISN passed the
    /// capture point beyond those the peer was seen to consume (a SYN,ACK from a
    /// TCB that had sent none, or a refusal): 0, 1, 2, or [`SPARE_SYNS_MANY`] for
    /// three or more (never counted down). A copy not shown consumed may still be
    /// on its way to the peer, or may have reached it without a visible answer.
    #[inline]
    const fn spare_syns(&self) -> u8 {
        ((self.present & SPARE_SYNS) >> SPARE_SYNS_SHIFT) as u8
    }

    /// Sets [`Half::spare_syns`] (above [`SPARE_SYNS_MANY`] is taken as it).
    #[inline]
    fn set_spare_syns(&mut self, n: u8) {
        let n = u16::from(n.min(SPARE_SYNS_MANY));
        self.present = (self.present & !SPARE_SYNS) | (n << SPARE_SYNS_SHIFT);
    }

    /// Sets or clears `bit` of [`Half::present`].
    #[inline]
    fn set_present(&mut self, bit: u16, on: bool) {
        if on {
            self.present |= bit;
        } else {
            self.present &= !bit;
        }
    }

    seq_slots! {
        isn, set_isn, ISN;
        base, set_base, BASE;
        next_seq, set_next_seq, NEXT_SEQ;
        highest_ack, set_highest_ack, HIGHEST_ACK;
        fin_seq, set_fin_seq, FIN_SEQ;
        contiguous, set_contiguous, CONTIGUOUS;
        peer_contiguous_at_ack, set_peer_contiguous_at_ack, PEER_CONTIGUOUS_AT_ACK;
    }

    half_flags! {
        flags:
        sent_syn, set_sent_syn, SENT_SYN;
        sent_syn_ack, set_sent_syn_ack, SENT_SYN_ACK;
        syn_seen, set_syn_seen, SYN_SEEN;
        passive, set_passive, PASSIVE;
        base_from_syn, set_base_from_syn, BASE_FROM_SYN;
        window_from_syn, set_window_from_syn, WINDOW_FROM_SYN;
        fin_pending, set_fin_pending, FIN_PENDING;
        spoke, set_spoke, SPOKE;
    }

    half_flags! {
        marks:
        reset_in_syn_received, set_reset_in_syn_received, RESET_IN_SYN_RECEIVED;
        time_wait_ran_out, set_time_wait_ran_out, TIME_WAIT_RAN_OUT;
    }

    /// The last TSval it sent.
    const fn last_tsval(&self) -> Option<u32> {
        self.slot(LAST_TSVAL)
    }

    fn set_last_tsval(&mut self, value: Option<u32>) {
        self.set_slot(LAST_TSVAL, value);
    }

    /// The last window field it sent (raw); a RST's is not taken.
    const fn window(&self) -> Option<u16> {
        if self.present & WINDOW != 0 {
            Some(self.window)
        } else {
            None
        }
    }

    fn set_window(&mut self, value: Option<u16>) {
        self.window = value.unwrap_or(0);
        self.set_present(WINDOW, value.is_some());
    }

    /// The window-scale shift its SYN offered.
    const fn window_scale(&self) -> Option<u8> {
        if self.present & WINDOW_SCALE != 0 {
            Some(self.window_scale)
        } else {
            None
        }
    }

    fn set_window_scale(&mut self, value: Option<u8>) {
        self.window_scale = value.unwrap_or(0);
        self.set_present(WINDOW_SCALE, value.is_some());
    }

    /// What [`Observer::numbers`] reports.
    const fn numbers(&self) -> SideNumbers {
        SideNumbers {
            isn: self.isn(),
            base: self.base(),
            next_seq: self.next_seq(),
            highest_ack: self.highest_ack(),
            fin_seq: self.fin_seq(),
            window: self.window(),
            window_scale: self.window_scale(),
        }
    }

    /// Whether `ack` acknowledges this side's SYN: `ISN < ack <= SND.NXT`.
    fn acks_syn(&self, ack: SeqNum) -> bool {
        match self.isn() {
            Some(isn) => {
                let nxt = self.next_seq().unwrap_or(isn + 1);
                isn.before(ack) && ack.before_or_eq(nxt.max_seq(isn + 1))
            }
            None => false,
        }
    }

    /// Whether `ack` acknowledges this side's FIN.
    fn acks_fin(&self, ack: SeqNum) -> bool {
        match self.fin_seq() {
            Some(fin) => ack.after_or_eq(fin + 1),
            None => false,
        }
    }
}

/// Both endpoints of one TCP connection, inferred from the segments seen at one
/// capture point: for every segment, the sender's state after sending it and the
/// receiver's state after receiving it.
///
/// # What the observer assumes
///
/// * **A segment seen at the capture point reaches its receiver**, in the order in
///   which it was seen, unless its numbers later prove otherwise. States are therefore
///   "after the segment has been delivered": the receiver of a SYN is in
///   SYN_RECEIVED as soon as the SYN is seen.
/// * **Crossing segments are recognised from their numbers.** When a side sends a
///   bare SYN although the observer already delivered the peer's SYN to it (a SYN that
///   does not acknowledge the other side's SYN), or sends a FIN whose ACK does not
///   cover the peer's FIN although the observer had it in CLOSE_WAIT, the two segments
///   crossed in flight (RFC 793 figures 8 and 14, simultaneous open and close). The
///   observer then revises its earlier inference (a [`Cause::Revised`] transition),
///   lets the side send its segment from the state it really was in, delivers the
///   segment to the peer, and finally delivers the earlier, crossed segment to the
///   side ([`Cause::Delivered`]). Both sides thus pass SYN_RECEIVED, respectively
///   CLOSING, exactly as in the RFC figures. A first SYN,ACK from a side that the
///   observer already had in ESTABLISHED (the second half of a simultaneous open)
///   is resolved the same way.
/// * **A capture that starts mid-connection** (the first segment is not a SYN) puts
///   both sides in ESTABLISHED, with [`Note::Midstream`] on that first observation and
///   [`Cause::Inferred`] transitions; no handshake is invented. A capture that starts
///   at the SYN,ACK infers the SYN it missed (the client's ISN is the SYN,ACK's ACK
///   minus one), and a side that ACKs a SYN,ACK the capture never held is moved to
///   ESTABLISHED the same way ([`Note::Inferred`]).
/// * **RST** ends the connection only when the receiver would accept it: in
///   SYN_SENT iff it carries an ACK that acknowledges the SYN; in the other states iff
///   its sequence number lies in the receiver's window (RFC 9293 §3.10.7.4), where the
///   receiver's `RCV.NXT` is estimated from what it acknowledged and from what the
///   sender has sent. A RST at the sender's FIN's own sequence number, once the
///   receiver processed that FIN, is at `RCV.NXT − 1` whatever the receiver's last
///   ACK seen: as Linux and [`Endpoint`] do, a receiver in CLOSE_WAIT, CLOSING or
///   LAST_ACK accepts it, one in TIME_WAIT drops it (see
///   [`Endpoint::on_segment`]). Otherwise the RST is [`Note::RstIgnored`] and
///   changes nothing.
///   A passive opener reset in SYN_RECEIVED returns to LISTEN (RFC 9293 MUST-11);
///   every other reset side, and the side that sent the RST, is CLOSED.
/// * **Acceptability** (RFC 9293 §3.10.7.4, first check) is judged where the capture
///   shows the receiver's window exactly: a segment at or beyond `RCV.NXT +
///   RCV.WND` (`RCV.NXT` estimated as for RSTs, `RCV.WND` the last advertised window,
///   scaled, or a SYN's when scaling is not in effect), or one not at `RCV.NXT` into
///   a zero window, is [`Note::Unacceptable`], in SYN_RECEIVED as in the
///   synchronized states: its ACK and FIN are not processed. So is, in the
///   synchronized states, text or a FIN that ends before `RCV.NXT` (a
///   retransmission, or a segment of another sequence space than the receiver's). (Linux also accepts a
///   zero-length segment exactly at the right edge; the RFC does not.) A SYN with
///   another ISN into a synchronized receiver moves nothing (RFC 5961 §4), and a
///   segment of a side in SYN_SENT or SYN_RECEIVED lying before its SYN is an
///   earlier incarnation's: unacceptable, it shows nothing of its sender.
/// * **A FIN is its sender's own act**: it moves its sender (to FIN_WAIT_1, or
///   LAST_ACK from CLOSE_WAIT) even when the observer has the receiver in CLOSED or
///   LISTEN (e.g. the receiver's new SYN is still in flight behind it); such a
///   receiver processes the FIN only once it acknowledges it.
/// * **A passive SYN_RECEIVED whose window the capture has not shown** (or shown
///   only by its SYN,ACK with window scaling in effect, RFC 7323 §2.2; a RST's
///   window shows nothing) is taken to hold a SYN of its peer with another ISN in
///   that window, and so to return to LISTEN (RFC 9293 §3.10.7.4, fourth check);
///   when the side then shows that it kept the IRS it had taken (its ACK of it,
///   which no LISTEN side sends, or its SYN,ACK whose window excludes that SYN),
///   it is revised back to SYN_RECEIVED ([`Cause::Revised`]), or to that IRS if
///   it had since taken a later SYN of the peer. A SYN of the peer outside a
///   window it has shown only draws an ACK: it keeps its IRS.
/// * **TIME_WAIT** is entered by the side that closed first when it receives the
///   peer's FIN (RFC 793 figure 13, line 4) — the ACK it then sends is the last
///   segment of the connection. [`Observer::on_time`] (or any later segment) moves it
///   to CLOSED once 2·MSL of capture time have passed; MSL defaults to
///   [`DEFAULT_MSL`], two minutes (RFC 9293 MUST-13). A retransmitted FIN restarts
///   the timer.
/// * Retransmissions (a sequence range already seen), keep-alives (`SEG.SEQ =
///   SND.NXT − 1`, zero or one byte), duplicate SYNs and retransmitted SYN,ACKs are
///   noted and change no state.
///
/// Time is capture time, a [`Duration`] since any origin the caller chooses. The
/// observer allocates nothing and works in `no_std`.
///
/// # Example: RFC 793 figure 7, the three-way handshake
///
/// ```
/// use core::time::Duration;
/// use synack::{flags::TcpFlags, segment::Segment, seq::SeqNum};
/// use synack::state::{Observer, Side, State};
///
/// let mut obs = Observer::new();
/// let t = Duration::ZERO;
/// let o = obs.on_segment(Side::Client, &Segment::new(SeqNum(100), SeqNum(0), TcpFlags::SYN), t);
/// assert_eq!((o.sender, o.receiver), (State::SynSent, State::SynReceived));
/// let o = obs.on_segment(Side::Server, &Segment::new(SeqNum(300), SeqNum(101), TcpFlags::SYN | TcpFlags::ACK), t);
/// assert_eq!((o.sender, o.receiver), (State::SynReceived, State::Established));
/// let o = obs.on_segment(Side::Client, &Segment::new(SeqNum(101), SeqNum(301), TcpFlags::ACK), t);
/// assert_eq!((o.sender, o.receiver), (State::Established, State::Established));
/// assert_eq!(obs.isn(Side::Server), Some(SeqNum(300)));
/// assert_eq!((o.relative_seq, o.relative_ack), (1, Some(1)));
/// ```
///
/// [`Endpoint`]: super::Endpoint
/// [`Endpoint::on_segment`]: super::Endpoint::on_segment
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Observer {
    halves: [Half; 2],
    /// The maximum segment lifetime in nanoseconds (8 bytes where a `Duration`
    /// takes 16; one above 584 years is taken as 584 years).
    msl_nanos: u64,
    started: bool,
    midstream: bool,
    /// The guesses' sequence numbers, indexed by [`RESET_GUESS`] … [`OLD_SYN_ACK`]
    /// (the last has two), 0 where the guess is not held.
    guess_seqs: [u32; 5],
    /// The side each guess is about, two bits per guess at its index × 2 (0 none, 1
    /// the client, 2 the server).
    guess_sides: u8,
    /// The state [`RESET_GUESS`]'s receiver was in before the RST (`Closed` where
    /// the guess is not held).
    reset_before: State,
}

/// A guess of the observer's ([`Observer::reset_guess`]), held packed in
/// [`Observer::guess_seqs`] and [`Observer::guess_sides`]:
///
/// The receiver of the last accepted RST, its state before it and the RST's
/// sequence number, until the receiver's next segment: if that is a challenge
/// ACK, the RST was only challenged. (The RST's sender may speak in between: its
/// segments reach the receiver after the RST.)
const RESET_GUESS: usize = 0;
/// A guess of the observer's ([`Observer::kept_irs`]), held packed in
/// [`Observer::guess_seqs`] and [`Observer::guess_sides`]:
///
/// A side in SYN_RECEIVED and the peer's ISN it took, kept when the peer opens
/// again with another ISN that it does not take: an active SYN_RECEIVED
/// challenges that SYN or SYN,ACK (RFC 5961 §4), a passive one drops it when it
/// lies outside the window (RFC 9293 §3.10.7.4). One side at a time: the
/// observer's size matters more than two such reopenings at once.
const KEPT_IRS: usize = 1;
/// A guess of the observer's ([`Observer::listen_guess`]), held packed in
/// [`Observer::guess_seqs`] and [`Observer::guess_sides`]:
///
/// A side returned to LISTEN from a passive SYN_RECEIVED by a SYN of the peer
/// with another ISN, taken to lie in its window because the capture had not
/// shown that window, and the IRS it had taken: while it stays in LISTEN, a
/// segment showing that it kept that IRS (one only SYN_RECEIVED sends: its ACK,
/// or its SYN,ACK whose window puts that SYN outside) revises it back.
const LISTEN_GUESS: usize = 2;
/// A guess of the observer's ([`Observer::old_syn_ack`]), held packed in
/// [`Observer::guess_seqs`] and [`Observer::guess_sides`]:
///
/// A side in LISTEN (back from SYN_RECEIVED, by a RST or a SYN of the peer) or
/// CLOSED when the peer's new SYN reopened the connection, with the ISN and ACK
/// of the SYN,ACK it had sent before: a copy of that SYN,ACK seen after the
/// reopen answers an older SYN and names no `RCV.NXT` of the side now, and a
/// SYN,ACK of the peer acknowledging that ISN answers a SYN of the side's
/// earlier incarnation.
const OLD_SYN_ACK: usize = 3;

/// `d` in nanoseconds, `u64::MAX` (584 years) for anything longer.
const fn saturating_nanos(d: Duration) -> u64 {
    let nanos = d.as_nanos();
    if nanos > u64::MAX as u128 {
        u64::MAX
    } else {
        nanos as u64
    }
}

impl Default for Observer {
    fn default() -> Self {
        Self::new()
    }
}

/// The largest window-scale shift (RFC 7323 §2.3).
const MAX_SHIFT: u32 = 14;

/// The smallest and largest receive window a SYN's (unscaled) window field `field`
/// allows, its sender offering the scale `shift` (taken as in effect). Without
/// scaling, or a zero field, the field is the window. With scaling the window in use
/// may differ from the field: Linux keeps the field's value, `Endpoint` rounds it to a
/// whole number of scale units (down, but at least one unit), and a full field
/// (65 535) stands for any window up to the field shifted, the largest the scale can
/// announce.
fn syn_window_bounds(field: u16, shift: Option<u8>) -> (u32, u32) {
    let w = u32::from(field);
    match shift {
        _ if w == 0 => (0, 0),
        None => (w, w),
        Some(shift) => {
            let shift = u32::from(shift).min(MAX_SHIFT);
            let unit = 1u32 << shift;
            let rounded = (w / unit * unit).max(unit);
            let largest = if field == u16::MAX {
                w << shift
            } else {
                w.max(rounded)
            };
            (w.min(rounded), largest)
        }
    }
}

/// Where a SYN falls in its receiver's window, as far as the capture bounds it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SynWindow {
    /// Inside the smallest window the capture allows.
    Inside,
    /// Outside the largest.
    Outside,
    /// Between, or no window seen.
    Unsure,
}

/// Where a segment lies against its receiver's window, as far as the capture shows it
/// ([`Observer::against_window`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum WindowEdge {
    /// Inside, or not known to be beyond.
    Within,
    /// At or beyond its right edge, known exactly.
    Beyond,
    /// Beyond the smallest window the receiver's SYN allows (scaling in effect),
    /// perhaps inside the largest: see [`Note::AcceptedInUnknownWindow`].
    BeyondSmallestSyn,
}

/// Where a RST falls in its receiver's window (RFC 5961 §3).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Window {
    /// At an estimate of `RCV.NXT`: accepted.
    Exact,
    /// In the window, not exact: challenged.
    Inside,
    /// Outside: dropped.
    Outside,
}

/// The parts of a segment the rules look at.
#[derive(Clone, Copy)]
struct Seg {
    seq: SeqNum,
    ack: Option<SeqNum>,
    flags: TcpFlags,
    len: u32,
    seg_len: u32,
}

impl Observer {
    /// A connection of which nothing has been seen yet: the client CLOSED, the server
    /// LISTEN (RFC 793 figure 7, line 1), MSL [`DEFAULT_MSL`].
    pub const fn new() -> Self {
        Observer {
            halves: [Half::new(State::Closed), Half::new(State::Listen)],
            msl_nanos: saturating_nanos(DEFAULT_MSL),
            started: false,
            midstream: false,
            guess_seqs: [0; 5],
            guess_sides: 0,
            reset_before: State::Closed,
        }
    }

    /// The same observer with another maximum segment lifetime (TIME_WAIT lasts 2·`msl`).
    pub const fn with_msl(mut self, msl: Duration) -> Self {
        self.msl_nanos = saturating_nanos(msl);
        self
    }

    /// The side guess `g` is about, if the guess is held.
    #[inline]
    const fn guess_side(&self, g: usize) -> Option<Side> {
        match (self.guess_sides >> (2 * g)) & 3 {
            0 => None,
            1 => Some(Side::Client),
            _ => Some(Side::Server),
        }
    }

    /// Holds guess `g` about `side` with its sequence numbers (the second only for
    /// [`OLD_SYN_ACK`]), or drops it (zeroing its numbers).
    fn set_guess(&mut self, g: usize, held: Option<(Side, SeqNum, SeqNum)>) {
        let (code, a, b) = match held {
            Some((Side::Client, a, b)) => (1, a.0, b.0),
            Some((Side::Server, a, b)) => (2, a.0, b.0),
            None => (0, 0, 0),
        };
        self.guess_sides = (self.guess_sides & !(3 << (2 * g))) | code << (2 * g);
        if let Some(slot) = self.guess_seqs.get_mut(g) {
            *slot = a;
        }
        if g == OLD_SYN_ACK {
            if let Some(slot) = self.guess_seqs.get_mut(OLD_SYN_ACK + 1) {
                *slot = b;
            }
        }
    }

    /// Guess `g`'s side and first sequence number.
    #[inline]
    fn guess(&self, g: usize) -> Option<(Side, SeqNum)> {
        if self.guess_sides == 0 {
            return None;
        }
        match (self.guess_side(g), self.guess_seqs.get(g)) {
            (Some(side), Some(&n)) => Some((side, SeqNum(n))),
            _ => None,
        }
    }

    /// [`RESET_GUESS`]: the RST's receiver, its state before the RST and the RST's
    /// sequence number.
    fn reset_guess(&self) -> Option<(Side, State, SeqNum)> {
        self.guess(RESET_GUESS)
            .map(|(side, seq)| (side, self.reset_before, seq))
    }

    fn set_reset_guess(&mut self, held: Option<(Side, State, SeqNum)>) {
        self.reset_before = held.map_or(State::Closed, |(_, before, _)| before);
        self.set_guess(
            RESET_GUESS,
            held.map(|(side, _, seq)| (side, seq, SeqNum(0))),
        );
    }

    /// [`KEPT_IRS`]: the side and the IRS it kept.
    fn kept_irs(&self) -> Option<(Side, SeqNum)> {
        self.guess(KEPT_IRS)
    }

    fn set_kept_irs(&mut self, held: Option<(Side, SeqNum)>) {
        self.set_guess(KEPT_IRS, held.map(|(side, irs)| (side, irs, SeqNum(0))));
    }

    /// [`LISTEN_GUESS`]: the side and the IRS it had taken.
    fn listen_guess(&self) -> Option<(Side, SeqNum)> {
        self.guess(LISTEN_GUESS)
    }

    fn set_listen_guess(&mut self, held: Option<(Side, SeqNum)>) {
        self.set_guess(LISTEN_GUESS, held.map(|(side, irs)| (side, irs, SeqNum(0))));
    }

    /// [`OLD_SYN_ACK`]: the side, and the ISN and ACK of its earlier SYN,ACK.
    fn old_syn_ack(&self) -> Option<(Side, SeqNum, SeqNum)> {
        match (
            self.guess(OLD_SYN_ACK),
            self.guess_seqs.get(OLD_SYN_ACK + 1),
        ) {
            (Some((side, isn)), Some(&ack)) => Some((side, isn, SeqNum(ack))),
            _ => None,
        }
    }

    fn set_old_syn_ack(&mut self, held: Option<(Side, SeqNum, SeqNum)>) {
        self.set_guess(OLD_SYN_ACK, held);
    }

    /// The side whose `bit` of [`Half::marks`] is set (one at most: [`Observer::mark`]).
    #[inline]
    const fn marked(&self, bit: u8) -> Option<Side> {
        if self.halves[0].marks & bit != 0 {
            Some(Side::Client)
        } else if self.halves[1].marks & bit != 0 {
            Some(Side::Server)
        } else {
            None
        }
    }

    /// Sets `bit` of [`Half::marks`] on `side` and clears it on the other (on both
    /// for `None`).
    fn mark(&mut self, bit: u8, side: Option<Side>) {
        for s in Side::BOTH {
            let h = &mut self.halves[s.index()];
            if side == Some(s) {
                h.marks |= bit;
            } else {
                h.marks &= !bit;
            }
        }
    }

    /// The maximum segment lifetime in use.
    pub const fn msl(&self) -> Duration {
        Duration::from_nanos(self.msl_nanos)
    }

    /// The current state of `side`.
    pub const fn state(&self, side: Side) -> State {
        self.halves[side.index()].state
    }

    /// Everything seen from `side`.
    pub const fn numbers(&self, side: Side) -> SideNumbers {
        self.halves[side.index()].numbers()
    }

    /// The initial sequence number of `side`, once its SYN was seen or inferred.
    pub const fn isn(&self, side: Side) -> Option<SeqNum> {
        self.halves[side.index()].isn()
    }

    /// Wireshark's base for `side`'s relative numbers (see [`SideNumbers::base`]).
    pub const fn base(&self, side: Side) -> Option<SeqNum> {
        self.halves[side.index()].base()
    }

    /// `n`, a sequence number of `side` (or an acknowledgment of it), relative to
    /// `side`'s base; `None` before anything of `side` is known.
    pub fn relative(&self, side: Side, n: SeqNum) -> Option<u32> {
        self.base(side).map(|b| n.0.wrapping_sub(b.0))
    }

    /// The side whose FIN was seen first (the one that ends in TIME_WAIT); `None`
    /// before any FIN, and for a simultaneous close the side whose FIN was seen first.
    pub const fn first_closer(&self) -> Option<Side> {
        self.marked(FIRST_CLOSER)
    }

    /// Whether the capture started mid-connection (no SYN before the first segment).
    pub const fn is_midstream(&self) -> bool {
        self.midstream
    }

    /// When `side` leaves TIME_WAIT, if it is in it.
    pub fn time_wait_deadline(&self, side: Side) -> Option<Duration> {
        let h = &self.halves[side.index()];
        match (h.state, h.time_wait_since()) {
            (State::TimeWait, Some(since)) => since.checked_add(self.msl().saturating_mul(2)),
            _ => None,
        }
    }

    /// The window-scale shift in use for `side`'s windows: `Some(0)` when both SYNs
    /// were seen but not both offered scaling, `None` when a SYN was not seen.
    pub fn window_shift(&self, side: Side) -> Option<u8> {
        let (me, peer) = (
            &self.halves[side.index()],
            &self.halves[side.peer().index()],
        );
        if !(me.syn_seen() && peer.syn_seen()) {
            return None;
        }
        match (me.window_scale(), peer.window_scale()) {
            (Some(s), Some(_)) => Some(s.min(14)),
            _ => Some(0),
        }
    }

    /// Lets capture time pass: a side in TIME_WAIT for 2·MSL becomes CLOSED. Returns
    /// the transitions this caused (none, one or two), as [`Endpoint::on_time`]
    /// does for one endpoint.
    ///
    /// [`Endpoint::on_time`]: super::Endpoint::on_time
    pub fn on_time(&mut self, now: Duration) -> Transitions {
        let mut t = Transitions::new();
        self.expire(now, &mut t);
        t
    }

    fn expire(&mut self, now: Duration, t: &mut Transitions) {
        for side in Side::BOTH {
            if let Some(deadline) = self.time_wait_deadline(side) {
                if now >= deadline {
                    self.set(side, State::Closed, Cause::Expired, t);
                    self.halves[side.index()].set_time_wait_since(None);
                    self.half_mut(side).set_time_wait_ran_out(true);
                }
            }
        }
    }

    fn half(&self, side: Side) -> &Half {
        &self.halves[side.index()]
    }

    fn half_mut(&mut self, side: Side) -> &mut Half {
        &mut self.halves[side.index()]
    }

    fn set(&mut self, side: Side, to: State, cause: Cause, t: &mut Transitions) {
        let mut from = self.half(side).state;
        if from == State::Closed && to == State::SynReceived && cause != Cause::Revised {
            // Only a listener receives a SYN: the side must have been listening (the
            // caller labelled it the client, or it closed and listened again).
            t.push(Transition {
                side,
                from,
                to: State::Listen,
                cause: Cause::Inferred,
            });
            from = State::Listen;
        }
        if to == State::SynSent
            && !matches!(from, State::Closed | State::Listen | State::SynSent)
            && cause != Cause::Revised
        {
            // A side sends a fresh SYN only from CLOSED or LISTEN: its connection
            // ended unseen (a RST or a timer the capture cannot show).
            t.push(Transition {
                side,
                from,
                to: State::Closed,
                cause: Cause::Inferred,
            });
            from = State::Closed;
        }
        t.push(Transition {
            side,
            from,
            to,
            cause,
        });
        self.half_mut(side).state = to;
        if to == State::SynReceived {
            self.half_mut(side).set_reset_in_syn_received(false);
        }
        if to != State::SynReceived && self.kept_irs().is_some_and(|(s, _)| s == side) {
            // It synchronized on the IRS it kept: that is the peer's ISN in use,
            // whatever SYN of the peer was seen last — unless the peer has sent a
            // SYN,ACK from that SYN's ISN: then it opened again and took another
            // SYN, and the two TCBs disagree (each drops the other's segments).
            if let (true, Some((_, irs))) = (
                to.is_synchronized() && !self.half(side.peer()).sent_syn_ack(),
                self.kept_irs(),
            ) {
                self.half_mut(side.peer()).set_isn(Some(irs));
            }
            self.set_kept_irs(None);
        }
        // The guess that a side still holds an IRS in SYN_RECEIVED lives on while
        // the observer has both sides in LISTEN, SYN_SENT or SYN_RECEIVED (the side
        // having taken a later SYN of the peer: if it held that IRS, it dropped that
        // SYN too). Either side leaving them ends it: the guessed side by its own
        // segments; the peer only when the side acknowledged the peer's new SYN
        // (which ends the guess in `on_segment`) or a RST closed it.
        if !matches!(to, State::Listen | State::SynSent | State::SynReceived) {
            self.set_listen_guess(None);
        }
    }

    /// Whether `s`, a segment from `from`, acknowledges the SYN its receiver sent
    /// before the peer's SYN reopened the connection (`old_syn_ack`), while the
    /// receiver is in a passive SYN_RECEIVED whose ISN the capture has not shown.
    fn answers_an_earlier_syn(&self, from: Side, s: &Seg) -> bool {
        let to = from.peer();
        let p = self.half(to);
        p.state == State::SynReceived
            && p.passive()
            && p.isn().is_none()
            && matches!((self.old_syn_ack(), s.ack), (Some((side, isn, _)), Some(a)) if side == to && a == isn + 1)
    }

    /// Whether `side` holds `isn` as the peer's ISN it took, in SYN_RECEIVED or a
    /// synchronized state other than TIME_WAIT (where RFC 6191 may let a SYN reopen).
    fn holds_irs(&self, side: Side, isn: SeqNum) -> bool {
        let state = self.state(side);
        (state == State::SynReceived || (state.is_synchronized() && state != State::TimeWait))
            && self.irs_of(side).or(self.half(side.peer()).isn()) == Some(isn)
    }

    /// The IRS kept for `side` (see `kept_irs`).
    fn irs_of(&self, side: Side) -> Option<SeqNum> {
        self.kept_irs()
            .filter(|(s, _)| *s == side)
            .map(|(_, irs)| irs)
    }

    /// Whether `side` was seen sending its FIN (the observer has it in FIN_WAIT_1 or
    /// after, or LAST_ACK) and `ack` acknowledges nothing past that FIN: an ACK within
    /// the sequence space of the connection `side` still holds.
    fn sent_fin_up_to(&self, side: Side, ack: SeqNum) -> bool {
        matches!(
            self.state(side),
            State::FinWait1 | State::FinWait2 | State::Closing | State::TimeWait | State::LastAck
        ) && self
            .half(side)
            .fin_seq()
            .is_some_and(|f| ack.before_or_eq(f + 1))
    }

    fn enter_time_wait(&mut self, side: Side, now: Duration, cause: Cause, t: &mut Transitions) {
        self.set(side, State::TimeWait, cause, t);
        self.half_mut(side).set_time_wait_since(Some(now));
    }

    /// Observes one segment sent by `from` at capture time `now`, and returns both
    /// sides' states after it, what changed and what is remarkable about it.
    ///
    /// The common segment (an ACK, neither SYN, FIN nor RST, between two
    /// ESTABLISHED sides about which the observer holds nothing unusual) takes a
    /// short path, as TCP implementations' header prediction does; the result is
    /// the same, and debug builds check that it is.
    pub fn on_segment(&mut self, from: Side, seg: &Segment, now: Duration) -> Observation {
        // In debug builds (tests, fuzzing) every predicted segment is observed the
        // full way too, from the same starting point, and both must agree.
        #[cfg(debug_assertions)]
        let before = *self;
        if let Some(observation) = self.on_predicted_segment(from, seg) {
            #[cfg(debug_assertions)]
            {
                let mut full = before;
                let expected = full.on_any_segment(from, seg, now);
                assert_eq!(
                    (expected, full),
                    (observation, *self),
                    "header prediction disagrees with the full observer on {seg:?} from {from:?} after {before:?}"
                );
            }
            return observation;
        }
        self.on_any_segment(from, seg, now)
    }

    /// Header prediction (as BSD's and Linux's TCP have it for their fast path):
    /// the common segment — an ACK, with or without text, neither SYN, FIN nor RST,
    /// between two ESTABLISHED sides of which the observer holds no guess, mark,
    /// FIN or zero window — observed with only the rules that can apply to it.
    /// `None` for any other segment, before anything changes. The result is
    /// exactly [`Observer::on_segment`]'s full path's (debug builds check it).
    #[inline]
    fn on_predicted_segment(&mut self, from: Side, seg: &Segment) -> Option<Observation> {
        // The slots the fast path reads, present on the sender (its FIN absent) and
        // on the receiver.
        const SENDER: u16 = 1 << BASE | 1 << NEXT_SEQ | 1 << CONTIGUOUS | 1 << HIGHEST_ACK;
        const RECEIVER: u16 = 1 << BASE | 1 << CONTIGUOUS;
        const FIN: u16 = 1 << FIN_SEQ;
        let to = from.peer();
        let (me, peer) = (self.half(from), self.half(to));
        let flags = seg.flags;
        if !self.started
            || self.guess_sides != 0
            || flags.intersects(TcpFlags::SYN | TcpFlags::FIN | TcpFlags::RST)
            || !flags.contains(TcpFlags::ACK)
            || me.state != State::Established
            || peer.state != State::Established
            || me.marks | peer.marks != 0
            || (me.flags | peer.flags) & FIN_PENDING != 0
            || me.present & (SENDER | FIN) != SENDER
            || peer.present & (RECEIVER | FIN) != RECEIVER
            || me.time_wait_since_nanos != NOT_IN_TIME_WAIT
            || peer.time_wait_since_nanos != NOT_IN_TIME_WAIT
            || peer.window() == Some(0)
        {
            return None;
        }
        let (seq, ack, len) = (seg.seq, seg.ack, seg.payload_len);
        let base = me.slots[BASE];
        let peer_base = peer.slots[BASE];
        let nxt = SeqNum(me.slots[NEXT_SEQ]);
        let rcv_nxt = SeqNum(me.slots[CONTIGUOUS]);
        let window_from_syn = peer.window_from_syn();
        let in_order = !seq.after(rcv_nxt);

        // `on_other`'s rules for this segment: the notes, then the receiver's
        // acceptability test.
        let s = Seg {
            seq,
            ack: Some(ack),
            flags,
            len,
            seg_len: len,
        };
        let mut notes = Notes::new();
        resend_notes(Some(nxt), &s, false, &mut notes);
        match self.against_window(from, seq) {
            WindowEdge::Beyond => notes.insert(Note::Unacceptable),
            edge => {
                if edge == WindowEdge::BeyondSmallestSyn {
                    notes.insert(Note::AcceptedInUnknownWindow);
                }
                if len > 0
                    && window_from_syn
                    && self.against_window(from, seq + (len - 1)) == WindowEdge::BeyondSmallestSyn
                {
                    notes.insert(Note::AcceptedInUnknownWindow);
                }
                // The keep-alive's own test, else `old_text`.
                if notes.contains(Note::KeepAlive) && len == 0 && seq.before(rcv_nxt) {
                    notes.insert(Note::Unacceptable);
                } else {
                    self.old_text(from, &s, &mut notes);
                }
            }
        }

        // The numbers the sender showed, and what its ACK says of the receiver.
        let end = seq + len;
        let p = &mut self.halves[to.index()];
        let peer_contiguous = SeqNum(p.slots[CONTIGUOUS]).max_seq(ack);
        p.slots[CONTIGUOUS] = peer_contiguous.0;
        let h = &mut self.halves[from.index()];
        h.flags = (h.flags | SPOKE) & !WINDOW_FROM_SYN;
        h.window = seg.window;
        h.present |= WINDOW;
        if let Some((value, _)) = seg.options.timestamps {
            h.slots[LAST_TSVAL] = value;
            h.present |= 1 << LAST_TSVAL;
        }
        if in_order {
            h.slots[CONTIGUOUS] = rcv_nxt.max_seq(end).0;
        }
        h.slots[PEER_CONTIGUOUS_AT_ACK] = peer_contiguous.0;
        h.present |= 1 << PEER_CONTIGUOUS_AT_ACK;
        h.slots[NEXT_SEQ] = nxt.max_seq(end).0;
        h.slots[HIGHEST_ACK] = SeqNum(h.slots[HIGHEST_ACK]).max_seq(ack).0;
        Some(Observation {
            from,
            sender: State::Established,
            receiver: State::Established,
            transitions: Transitions::new(),
            notes,
            relative_seq: seq.0.wrapping_sub(base),
            relative_ack: Some(ack.0.wrapping_sub(peer_base)),
        })
    }

    /// [`Observer::on_segment`], every rule considered.
    fn on_any_segment(&mut self, from: Side, seg: &Segment, now: Duration) -> Observation {
        let to = from.peer();
        let s = Seg {
            seq: seg.seq,
            ack: if seg.flags.contains(TcpFlags::ACK) {
                Some(seg.ack)
            } else {
                None
            },
            flags: seg.flags,
            len: seg.payload_len,
            seg_len: seg.seg_len(),
        };
        let mut t = Transitions::new();
        let mut notes = Notes::new();
        self.expire(now, &mut t);

        let syn = s.flags.contains(TcpFlags::SYN);
        let rst = s.flags.contains(TcpFlags::RST);
        // Copies of each side's SYN not shown consumed (`Half::spare_syns`), counted
        // across any starting over below: only a SYN or a RST changes them.
        let spare_before = (syn || rst).then(|| SpareSyns {
            counts: Side::BOTH.map(|side| self.half(side).spare_syns()),
            isn: self.half(from).isn(),
            first_syn_ack: syn
                && !rst
                && !self.half(from).sent_syn_ack()
                && matches!((self.half(to).isn(), s.ack), (Some(isn), Some(ack)) if ack == isn + 1),
        });

        // The side taken as not closed by a RST sends a bare SYN with its ISN: the RST
        // did close it, and this SYN opens its next TCB with the same ISN (a copy of
        // its first SYN would have to have been held up before the capture point while
        // everything since passed it). Its state is revised to CLOSED; the SYN then
        // reopens it (SYN_SENT, `Note::Reopened`, below).
        let revived = self.marked(REVIVED) == Some(from);
        if revived {
            self.mark(REVIVED, None);
        }
        if revived
            && syn
            && s.ack.is_none()
            && self.half(from).isn() == Some(s.seq)
            && self.state(from).is_synchronized()
        {
            self.set(from, State::Closed, Cause::Revised, &mut t);
        }

        // A side the observer believed reset speaks again (its challenge ACK, RFC 5961
        // §3): the RST was only challenged. Its state is revised back. (Whatever the
        // RST's sender sent since, e.g. its SYN,ACK of a reopened connection the
        // receiver answers with that ACK: a receiver the RST had closed would answer
        // with a RST.)
        let reset_guess = self.reset_guess().filter(|(side, _, _)| *side == from);
        if reset_guess.is_some() {
            self.set_reset_guess(None);
        }
        if let Some((_, before, rst_seq)) = reset_guess {
            let challenge_ack = !rst
                && !syn
                && s.len == 0
                && !s.flags.contains(TcpFlags::FIN)
                && s.ack.is_some_and(|a| a != rst_seq);
            if challenge_ack && self.state(from) == State::Closed {
                notes.insert(Note::Challenged);
                self.set(from, before, Cause::Revised, &mut t);
            }
        }

        // A side the observer returned to LISTEN on the peer's SYN with another ISN
        // (`listen_guess`) shows it kept the IRS it had taken: the SYN lay outside its
        // window, was dropped with an ACK (RFC 9293 §3.10.7.4, first check), and the
        // side stayed in SYN_RECEIVED. A LISTEN side sends no ACK; its SYN,ACK
        // answering that IRS, sent before the SYN arrived, proves it only when its
        // window puts the SYN outside. A side that sent a bare SYN since (seen as an
        // active open from LISTEN) and then answers that IRS from its SYN's ISN had
        // sent that SYN before the peer's first one arrived (they crossed): it was in
        // an active SYN_RECEIVED, which drops any SYN with another ISN (RFC 9293
        // §3.10.7.4, first or fourth check).
        if let Some((side, irs)) = self.listen_guess() {
            let own = self.half(from).isn();
            let kept = side == from
                && !rst
                && s.ack == Some(irs + 1)
                && match self.state(from) {
                    State::Listen => {
                        !syn || self.syn_ack_window_excludes(seg, irs + 1, self.half(to).isn())
                    }
                    State::SynSent => {
                        own.is_some_and(|isn| s.seq == if syn { isn } else { isn + 1 })
                    }
                    // It took a later SYN of the peer in the observer's eyes (or the
                    // new SYN's retransmission, which it would drop with the first):
                    // its ACK of the IRS of the guess, or its SYN,ACK answering it
                    // whose window puts the last SYN outside, shows it dropped them.
                    State::SynReceived => {
                        self.irs_of(from).or(self.half(to).isn()) != Some(irs)
                            && (!syn
                                || self.syn_ack_window_excludes(seg, irs + 1, self.half(to).isn()))
                    }
                    _ => false,
                };
            if kept {
                let crossed = self.state(from) == State::SynSent;
                self.set_listen_guess(None);
                if self.state(from) != State::SynReceived {
                    self.set(from, State::SynReceived, Cause::Revised, &mut t);
                    self.half_mut(from).set_passive(!crossed);
                }
                self.set_kept_irs(Some((from, irs)));
                self.half_mut(to).set_contiguous(Some(irs + 1));
            } else if side == from && !rst && s.ack.is_some_and(|a| a != irs + 1) {
                // It acknowledges another SYN than the IRS of the guess — the new SYN
                // it took, from SYN_RECEIVED or with its SYN,ACK from LISTEN: it went
                // back to LISTEN as guessed, and holds that IRS no more.
                self.set_listen_guess(None);
            }
        }

        // A side the peer's SYN found CLOSED after the observer's 2·MSL for it ran
        // out, and took (passive SYN_RECEIVED, no SYN,ACK yet), answers with a bare
        // ACK naming exactly its `RCV.NXT` in its old connection (past the peer's
        // FIN, even where its own ACK of that FIN was not seen): that is
        // TIME-WAIT's answer to a SYN it does not take (RFC 9293 §3.10.7.4, RFC
        // 6191), not SYN-RECEIVED's (a SYN,ACK). Its TIME-WAIT began later than the
        // capture showed (the peer's FIN, or the ACK of its own FIN, was held up
        // after the capture point): it is there still, and the SYN's sender stays
        // in SYN_SENT, where the ACK is unacceptable (it answers with a RST at it).
        if !syn
            && !rst
            && s.len == 0
            && self.state(from) == State::SynReceived
            && self.half(from).passive()
            && self.half(from).isn().is_none()
            && self.half(from).time_wait_ran_out()
            && matches!((self.old_syn_ack(), s.ack), (Some((side, _, old)), Some(a)) if side == from && a == old)
        {
            self.half_mut(from).set_time_wait_ran_out(false);
            self.set(from, State::Closed, Cause::Revised, &mut t);
            self.enter_time_wait(from, now, Cause::Revised, &mut t);
            let h = self.half_mut(from);
            h.set_passive(false);
            h.set_highest_ack(s.ack);
            h.set_peer_contiguous_at_ack(None);
        }

        let (me, peer) = (*self.half(from), *self.half(to));
        if syn
            && !rst
            && me.sent_syn_ack()
            && !me.syn_seen()
            && me.state == State::Established
            && peer.state == State::Established
            && me
                .isn()
                .is_some_and(|isn| isn != s.seq && me.next_seq() == Some(isn + 1))
            && peer
                .isn()
                .zip(s.ack)
                .is_some_and(|(isn, ack)| ack == isn + 1)
        {
            // A side's first SYN,ACK seen, after the observer inferred an unseen one from
            // the peer's ACK (ISN = that ACK − 1) and had both sides ESTABLISHED: it
            // answers the peer's SYN from another ISN, and the side has sent nothing
            // since. The peer's ACK did not acknowledge this SYN,ACK (an earlier
            // incarnation's, still in flight, which acknowledged more than this side
            // has sent now): the side is in SYN_RECEIVED, the peer in SYN_SENT, and
            // what that ACK named is neither the peer's `RCV.NXT` nor what reached it.
            self.set(from, State::SynReceived, Cause::Revised, &mut t);
            self.set(to, State::SynSent, Cause::Revised, &mut t);
            let h = self.half_mut(from);
            h.set_sent_syn_ack(false);
            h.set_isn(None);
            h.set_next_seq(None);
            h.set_contiguous(None);
            let p = self.half_mut(to);
            p.set_highest_ack(None);
            p.set_peer_contiguous_at_ack(None);
        }

        // A bare SYN with a new ISN after the connection ended starts it over.
        if syn && s.ack.is_none() && !rst {
            let me = *self.half(from);
            let peer = *self.half(to);
            let new_isn = matches!(me.isn(), Some(isn) if isn != s.seq);
            // In SYN_SENT only a later ISN is a new attempt; an earlier one is an old
            // duplicate (on_syn).
            let later = matches!(me.isn(), Some(isn) if s.seq.after(isn));
            // Whether the receiver would take the SYN as a new connection: not in a
            // synchronized state (RFC 5961 §4: a challenge ACK), except TIME_WAIT
            // when the SYN is newer than the old connection (RFC 6191).
            let ended = match peer.state {
                State::TimeWait => self.reopens_time_wait(from, seg),
                State::Closed | State::Listen => true,
                s if s.is_synchronized() => false,
                _ => {
                    matches!(me.state, State::Closed | State::TimeWait)
                        || (me.state == State::SynSent && later)
                }
            };
            // The same ISN again after a reset: the opener tries again (e.g. a SYN
            // retransmitted after a RST that refused it), or a side reset back to
            // LISTEN opens actively with the ISN of its SYN,ACK (the same clock
            // tick): a bare SYN from LISTEN repeats nothing.
            // (Not into a receiver that holds that ISN as its IRS: see `on_syn`.)
            let retry = me.isn() == Some(s.seq)
                && matches!(me.state, State::Closed | State::Listen)
                && (peer.state != State::TimeWait || self.reopens_time_wait(from, seg))
                && !self.holds_irs(to, s.seq);
            // The first SYN of a side after a connection that ended with both sides
            // CLOSED (or the peer back in LISTEN), e.g. refused: nothing of the old
            // connection applies to the new one.
            let after_end = me.isn().is_none()
                && me.state == State::Closed
                && matches!(peer.state, State::Closed | State::Listen)
                && (me.spoke() || peer.spoke());
            // Its SYN again, into a peer that has since closed or gone back to
            // LISTEN after a connection: whatever the numbers, a new connection
            // (e.g. the same ISNs again, the clocks not having ticked).
            let again = me.isn() == Some(s.seq)
                && matches!(peer.state, State::Closed | State::Listen)
                && peer.spoke();
            if (new_isn && ended) || retry || after_end || again {
                let (old_from, old_to) = (me.state, peer.state);
                let passive = peer.passive() && old_to == State::SynReceived;
                // Outside a passive SYN-RECEIVED's window the SYN only draws an ACK
                // (RFC 9293 §3.10.7.4, first check): the receiver keeps the IRS it
                // took, this side's ISN until now (or the one it kept), and stays
                // passive (MUST-11). An active SYN-RECEIVED keeps it whatever the
                // window (fourth check: a challenge ACK, RFC 5961 §4).
                let took = self.irs_of(to).or(me.isn());
                let active = !peer.passive() && old_to == State::SynReceived;
                let syn_window = self.syn_window(from, s.seq);
                let kept = (active || (passive && syn_window == SynWindow::Outside))
                    .then_some(took)
                    .flatten();
                // Inside a window the capture has not shown it returns the receiver
                // to LISTEN (below), a guess later segments of the receiver may
                // refute.
                // A guess made earlier on this receiver stays (the IRS it took first:
                // a window that excluded one SYN of the peer excludes the next).
                let earlier_guess = self
                    .listen_guess()
                    .filter(|(s, _)| *s == to)
                    .map(|(_, irs)| irs);
                let guess = earlier_guess.or((passive
                    && kept.is_none()
                    && syn_window == SynWindow::Unsure)
                    .then_some(me.isn())
                    .flatten());
                // A receiver that last advertised a zero window is taken to still
                // have it (the same buffer) until it shows another: text and FIN
                // into it are refused (RFC 9293 §3.10.7.4).
                let zero_window = peer.window() == Some(0);
                // A receiver whose TIME-WAIT the observer ended acknowledges past
                // the sender's FIN, even where its own ACK of that FIN was not seen.
                let past_fin = me
                    .fin_seq()
                    .filter(|_| self.half(to).time_wait_ran_out())
                    .map(|fin| fin + 1);
                let old_syn_ack = matches!(old_to, State::Listen | State::Closed)
                    .then(|| peer.isn().zip(peer.highest_ack()))
                    .flatten()
                    .map(|(isn, ack)| (to, isn, past_fin.map_or(ack, |f| ack.max_seq(f))));
                // (Also through further reopenings, while the side has shown no
                // SYN,ACK: it may still hold the refused SYN's later copy.)
                let refused = (self.marked(REFUSED) == Some(to) && old_to == State::Closed)
                    || (self.marked(REFUSED_THEN_REOPENED) == Some(to) && peer.isn().is_none());
                // A FIN the receiver was seen to send after it refused, with no SYN,ACK
                // seen and acknowledging exactly this SYN, came from a TCB that took
                // an earlier copy of it (one whose SYN,ACK was not seen) and closed
                // from SYN-RECEIVED: it stays, for the receiver's SYN,ACK to claim
                // (`fin_before_syn_ack`) — if such a copy was seen. A TCB takes only a
                // copy that passed the capture point, so with every copy seen
                // answered (a SYN,ACK of the receiver, its refusal:
                // `Half::spare_syns`) the FIN came from a TCB before them, and is
                // dropped.
                let refused_fin = peer
                    .fin_seq()
                    .filter(|_| refused && peer.isn().is_none())
                    .filter(|_| peer.highest_ack() == Some(s.seq + 1))
                    .filter(|_| me.spare_syns() > 0 && me.isn() == Some(s.seq));
                let time_wait_ran_out =
                    self.half(to).time_wait_ran_out() && old_to == State::Closed;
                let msl_nanos = self.msl_nanos;
                *self = Observer {
                    msl_nanos,
                    ..Observer::new()
                };
                self.half_mut(to).set_time_wait_ran_out(time_wait_ran_out);
                self.mark(REFUSED_THEN_REOPENED, refused.then_some(to));
                self.half_mut(to).set_fin_seq(refused_fin);
                self.half_mut(from).state = old_from;
                if zero_window {
                    self.half_mut(to).set_window(Some(0));
                }
                // A passive SYN_RECEIVED stays passive (RFC 9293 §3.10.7.4).
                self.half_mut(to).set_passive(passive);
                self.set_kept_irs(kept.map(|isn| (to, isn)));
                if let Some(irs) = kept {
                    // The receiver's RCV.NXT is still IRS + 1 (SYN-RECEIVED processes
                    // no text): this side's text or FIN beyond it is out of order.
                    self.half_mut(from).set_contiguous(Some(irs + 1));
                    // It keeps its TCB, and the window it showed: the next SYN of
                    // this side is judged against it too.
                    let h = self.half_mut(to);
                    h.set_window(peer.window());
                    h.set_window_scale(peer.window_scale());
                    h.set_window_from_syn(peer.window_from_syn());
                }
                self.set_listen_guess(guess.map(|isn| (to, isn)));
                self.set_old_syn_ack(old_syn_ack);
                if !matches!(old_from, State::Closed | State::Listen | State::SynSent) {
                    // A new SYN from a side the observer had in LAST_ACK, TIME_WAIT, ...:
                    // its old connection ended unseen (an ACK or a timer the capture
                    // cannot show), and it opens from CLOSED.
                    self.set(from, State::Closed, Cause::Inferred, &mut t);
                }
                self.half_mut(to).state = if old_to == State::Closed {
                    State::Listen
                } else {
                    old_to
                };
                if old_to != self.half(to).state {
                    t.push(Transition {
                        side: to,
                        from: old_to,
                        to: State::Listen,
                        cause: Cause::Inferred,
                    });
                }
                notes.insert(Note::Reopened);
            }
        }

        // A SYN,ACK answering the peer's new SYN from a side the observer had in
        // TIME_WAIT or CLOSED: its old connection ended unseen (TIME_WAIT cut short,
        // it listened again), and this is a new one, whatever its numbers. (Such a
        // side has always sent something: the receiver of a SYN is taken to
        // SYN_RECEIVED and goes back to LISTEN, not CLOSED, on a RST, and TIME_WAIT
        // needs its own FIN.)
        if let (true, false, Some(ack)) = (syn, rst, s.ack) {
            let me = *self.half(from);
            let peer = *self.half(to);
            if matches!(me.state, State::TimeWait | State::Closed)
                && peer.state == State::SynSent
                && peer.isn().is_some_and(|isn| ack == isn + 1)
            {
                let msl_nanos = self.msl_nanos;
                *self = Observer {
                    msl_nanos,
                    ..Observer::new()
                };
                let p = self.half_mut(to);
                p.state = State::SynSent;
                p.set_isn(peer.isn());
                p.set_next_seq(Some(ack));
                p.set_window_scale(peer.window_scale());
                p.set_sent_syn(true);
                p.set_syn_seen(true);
                // A FIN it was seen to send again after the peer's SYN, just past
                // this ISN, was this TCB's (it overtook the SYN,ACK), or bit for
                // bit its earlier incarnation's with the same ISNs: taken as this
                // TCB's (see `on_syn_ack`).
                let h = self.half_mut(from);
                h.state = me.state;
                h.set_fin_seq(me.fin_seq().filter(|f| me.fin_pending() && *f == s.seq + 1));
                self.set(from, State::Closed, Cause::Inferred, &mut t);
                self.set(from, State::Listen, Cause::Inferred, &mut t);
                notes.insert(Note::Reopened);
            }
        }

        // Wireshark's base_seq for relative numbers (packet-tcp.c, bug 1542 rule). A SYN
        // from a side whose base came from another segment rebases it on the SYN, as
        // tshark 4.0 does (tcp__rst-inject-rae.pcap: RST first, then the SYN,ACK).
        let h = self.half_mut(from);
        if syn && !h.base_from_syn() {
            h.set_base(Some(s.seq));
            h.set_base_from_syn(true);
        } else if h.base().is_none() {
            h.set_base(Some(s.seq - 1));
        }
        if let Some(ack) = s.ack {
            if self.half(to).base().is_none() {
                self.half_mut(to).set_base(Some(ack - 1));
            }
        }
        let relative_seq = self.relative(from, s.seq).unwrap_or(0);
        let relative_ack = s.ack.map(|a| self.relative(to, a).unwrap_or(0));

        if !self.started {
            self.started = true;
            self.start(from, &s, &mut t, &mut notes);
        }
        // Whether the receiver can have everything the sender sent before this segment.
        // A receiver whose last advertised window is zero refuses text and FIN
        // (RFC 9293 §3.10.7.4): for it they are as good as out of order.
        let refused = !syn
            && (s.len > 0 || s.flags.contains(TcpFlags::FIN))
            && self.half(to).window() == Some(0);
        // A FIN into a receiver the observer has in CLOSED or LISTEN is not processed
        // there (see `on_other`): it waits, as after a gap.
        let refused = refused
            || (!syn
                && !rst
                && s.flags.contains(TcpFlags::FIN)
                && matches!(self.state(to), State::Closed | State::Listen));
        let in_order = !refused && self.half(from).contiguous().is_none_or(|c| !s.seq.after(c));

        // A receiver in SYN_SENT drops anything but a SYN or a RST (RFC 9293
        // §3.10.7.3): it does not move the sender's sequence space either.
        let dropped_in_syn_sent = !syn && !rst && self.half(to).state == State::SynSent;
        // A SYN,ACK whose ACK does not acknowledge the receiver's SYN answers another
        // SYN than the receiver's current one (e.g. sent before a reset, seen after a
        // reopen): it says nothing of what the receiver's data reached. One that
        // does, with a new ISN, starts the sender's numbers of this incarnation: its
        // ACK is the sender's RCV.NXT, whatever it acknowledged before.
        let foreign_ack = syn
            && s.ack.is_some_and(|a| {
                let p = self.half(to);
                p.isn().is_some() && !p.acks_syn(a)
            });
        let first_ack =
            syn && s.ack.is_some() && !foreign_ack && self.half(from).isn() != Some(s.seq);
        // A copy of a foreign SYN,ACK its sender sent before a RST and a reopening
        // (`old_syn_ack`): it answers an older SYN than the one the side took since,
        // and names no RCV.NXT of now.
        let old_foreign_copy = foreign_ack
            && s.ack
                .is_some_and(|a| self.old_syn_ack() == Some((from, s.seq, a)));
        // A SYN,ACK into a passive SYN_RECEIVED whose ISN the capture has not shown
        // answers a SYN of an earlier incarnation of it (see `on_syn_ack`): its ACK
        // names no RCV.NXT of its sender, and it moves nothing of the receiver's.
        let answers_an_earlier_syn = syn && self.answers_an_earlier_syn(from, &s);
        // A segment sent before the sender's SYN (see `on_other`): its numbers are an
        // earlier incarnation's.
        let before_syn = !syn
            && !rst
            && matches!(self.state(from), State::SynSent | State::SynReceived)
            && self
                .irs_of(to)
                .or(self.half(from).isn())
                .is_some_and(|isn| s.seq.before(isn + 1));
        // A SYN with another ISN than the one a synchronized receiver took: a
        // challenge ACK, nothing processed (RFC 5961 §4, RFC 9293 §3.10.7.4 fourth
        // check), so it moves nothing in either sequence space. (A TIME_WAIT that a
        // new bare SYN reopens takes it, RFC 6191, but the observer has started over
        // above, and the receiver is no longer in TIME_WAIT here; a SYN,ACK never
        // reopens TIME-WAIT, see `Endpoint::on_segment`.)
        let rcv_state = self.state(to);
        // A SYN,ACK from a side not yet synchronized names its RCV.NXT exactly (IRS
        // + 1): what it acknowledged before (an earlier incarnation's ACKs) says
        // nothing of it now.
        let syn_ack_names_rcv_nxt =
            syn && s.ack.is_some() && !rst && !self.state(from).is_synchronized();
        let into_synchronized = syn
            && !rst
            && rcv_state.is_synchronized()
            && self.half(from).isn().is_some_and(|isn| isn != s.seq);
        if !syn
            && !rst
            && self.state(from) == State::SynReceived
            && self.irs_of(from).is_none()
            && !self.half(from).sent_syn_ack()
            && self.half(from).isn().is_some_and(|isn| s.seq == isn + 1)
            && s.ack
                .is_some_and(|a| self.half(to).isn().is_some_and(|i| (a - 1).before(i)))
        {
            // A side in SYN_RECEIVED, its SYN,ACK not seen yet, sends from its own ISN
            // + 1 — this incarnation — acknowledging an earlier SYN of the peer than the
            // last seen: every segment of a SYN-RECEIVED side acknowledges IRS + 1, so
            // that is the SYN it took (e.g. a later copy of one a RST answered, the RST
            // taken as refusing), and it holds that IRS. (Once its SYN,ACK has shown
            // the IRS it holds, such a segment was sent before it took that SYN.) An
            // ACK of a later ISN than the last seen names no SYN the side can have
            // taken (it would have passed the capture point first): it is an earlier
            // incarnation's, e.g. the ACK of a FIN at ISN + 1 when both sides opened
            // again with the same ISNs, and is judged below.
            self.set_kept_irs(s.ack.map(|a| (from, a - 1)));
            self.half_mut(to).set_contiguous(s.ack);
        }
        // A segment (neither SYN nor RST) from a side in SYN_RECEIVED whose ACK does
        // not acknowledge the SYN that side took (its RCV.NXT is IRS + 1 until it is
        // ESTABLISHED, so every segment it sends acknowledges at least that): sent
        // by an earlier incarnation of the side, e.g. a FIN still in flight when the
        // connection was reset and opened again. It is not this incarnation's
        // segment: nothing of it is processed (the receiver drops it for its ACK,
        // RFC 9293 §3.10.7.3–4, or for its sequence number).
        let irs_taken = self.irs_of(from).or(self.half(to).isn());
        // Likewise an ACK beyond everything the peer has sent since that SYN (its
        // sequence space starts over at the SYN, so the ACK names an older one).
        // (What it sent as seen, or what reached its receiver, whichever is later: a
        // FIN the observer had its receiver drop in SYN_SENT was still sent.)
        let peer_sent = match (self.half(to).contiguous(), self.half(to).next_seq()) {
            (Some(c), Some(n)) => Some(c.max_seq(n)),
            (c, n) => c.or(n),
        };
        let old_incarnation = !syn
            && !rst
            && self.state(from) == State::SynReceived
            && s.ack.zip(irs_taken).is_some_and(|(a, irs)| {
                !a.after(irs) || (a.after(irs + 1) && peer_sent.is_some_and(|c| a.after(c)))
            });
        // Likewise a segment with ACK from a side in SYN_SENT that neither starts at
        // its SYN's ISN + 1 nor acknowledges the peer's current SYN: a side in
        // SYN-SENT sends nothing with ACK (RFC 9293 §3.10.7.3), and one that left it
        // on a SYN,ACK the capture missed would send from ISN + 1 and acknowledge
        // the peer's ISN + 1 (a peer's new ISN would show in that SYN,ACK, and the
        // next segments start at ISN + 1). An earlier incarnation's segment still in
        // flight, e.g. its FIN, sent before the side opened again.
        let from_syn_sent_of_old_space = !syn
            && !rst
            && self.state(from) == State::SynSent
            && s.ack.is_some_and(|a| {
                // Not the peer's current SYN, or beyond all it has sent (its ISN
                // unseen).
                let p = self.half(to);
                match p.isn() {
                    Some(_) => !p.acks_syn(a),
                    None => p.next_seq().is_some_and(|n| a.after(n)),
                }
            })
            && self.half(from).isn().is_some_and(|isn| s.seq != isn + 1);
        let old_incarnation = old_incarnation || from_syn_sent_of_old_space;
        // Such an ACK beyond what the peer has sent names no RCV.NXT of the side
        // now either (a RST at it would be judged against it).
        let ack_of_old_space = from_syn_sent_of_old_space
            || old_incarnation
                && s.ack
                    .zip(irs_taken)
                    .is_some_and(|(a, irs)| a.after(irs + 1));
        if rst {
            self.on_rst(from, &s, &mut t, &mut notes);
        } else if syn {
            self.on_syn(from, &s, seg, &mut t, &mut notes);
        } else if old_incarnation {
            notes.insert(Note::Unacceptable);
        } else {
            self.on_other(from, &s, in_order, now, &mut t, &mut notes);
        }

        // Numbers the sender showed.
        let h = self.half_mut(from);
        h.set_spoke(true);
        if !before_syn && !rst {
            // A RST's window field shows nothing of a receive window: the side it
            // resets has none, and one that listens again opens a new one.
            h.set_window(Some(seg.window));
            h.set_window_from_syn(syn);
        }
        if !before_syn {
            if let Some((value, _)) = seg.options.timestamps {
                h.set_last_tsval(Some(value));
            }
        }
        // A SYN the receiver challenges (another ISN than the IRS it keeps) moves
        // nothing in its sequence space.
        let challenged =
            into_synchronized || (syn && self.irs_of(to).is_some_and(|irs| irs != s.seq));
        let h = self.half_mut(from);
        if !rst
            && !challenged
            && !dropped_in_syn_sent
            && !foreign_ack
            && !before_syn
            && !old_incarnation
            && !answers_an_earlier_syn
        {
            let end = s.seq + s.seg_len;
            // A receiver without an IRS (CLOSED, LISTEN, SYN-SENT) takes the SYN:
            // its RCV.NXT is the SYN's end, whatever an earlier connection left.
            let takes_syn =
                syn && matches!(rcv_state, State::Closed | State::Listen | State::SynSent);
            match h.contiguous() {
                _ if takes_syn => h.set_contiguous(Some(end)),
                Some(c) if in_order => h.set_contiguous(Some(c.max_seq(end))),
                None => h.set_contiguous(Some(end)),
                _ => {}
            }
            if let Some(ack) = s.ack {
                // The peer's data up to what this side acknowledges has arrived.
                let p = self.half_mut(to);
                p.set_contiguous(Some(p.contiguous().map_or(ack, |c| c.max_seq(ack))));
                // A segment that crossed the peer's was sent before the peer's
                // arrived: its ACK is stale at once (the peer's RCV.NXT estimate is
                // not taken from it).
                let at = if notes.contains(Note::Crossed) {
                    Some(ack)
                } else {
                    p.contiguous()
                };
                self.half_mut(from).set_peer_contiguous_at_ack(at);
            }
            // Text at a pending FIN's number comes from a connection that had not sent
            // that FIN there: a FIN takes the last number its connection uses (RFC
            // 9293 §3.4), no text follows it. The FIN was another incarnation's (seen
            // again after the peer's new SYN, both with the same ISNs): forgotten.
            let h = self.half(from);
            if h.fin_pending()
                && h.fin_seq()
                    .is_some_and(|f| !f.before(s.seq) && f.before(s.seq + s.len))
            {
                let h = self.half_mut(from);
                h.set_fin_pending(false);
                h.set_fin_seq(None);
            }
            // A FIN seen after a gap reaches the peer once the gap is filled.
            self.deliver_pending_fin(from, now, Cause::Received, &mut t);
        }
        let h = self.half_mut(from);
        if !rst && !before_syn {
            let end = s.seq + s.seg_len;
            if !old_incarnation {
                h.set_next_seq(Some(match h.next_seq() {
                    Some(n) => n.max_seq(end),
                    None => end,
                }));
            }
            if let Some(ack) = s
                .ack
                .filter(|_| !old_foreign_copy && !answers_an_earlier_syn && !ack_of_old_space)
            {
                h.set_highest_ack(Some(match h.highest_ack() {
                    Some(a) if !first_ack && !syn_ack_names_rcv_nxt => a.max_seq(ack),
                    _ => ack,
                }));
            }
        }

        if let Some(before) = spare_before {
            self.count_spare_syns(from, &s, before, notes.contains(Note::Refused));
        }

        Observation {
            from,
            sender: self.state(from),
            receiver: self.state(to),
            transitions: t,
            notes,
            relative_seq,
            relative_ack,
        }
    }

    /// Updates [`Half::spare_syns`] of both sides after a SYN or RST from `from`:
    /// a bare SYN the side now holds as its ISN is one more copy of it (the first,
    /// under a new ISN); the peer's first SYN,ACK of a TCB, or its refusal
    /// (`refused`), consumed one of the side's. `before` is what the counts were
    /// before the segment (the observer may have started over since).
    fn count_spare_syns(&mut self, from: Side, s: &Seg, before: SpareSyns, refused: bool) {
        let to = from.peer();
        let mut spare = before.counts;
        // (A SYN not taken as the side's, an old duplicate, counts for no ISN it holds.)
        let isn_after = self.half(from).isn();
        let bare_syn =
            s.flags.contains(TcpFlags::SYN) && s.ack.is_none() && !s.flags.contains(TcpFlags::RST);
        if let Some(n) = spare
            .get_mut(from.index())
            .filter(|_| bare_syn && isn_after == Some(s.seq))
        {
            *n = if before.isn == Some(s.seq) {
                n.saturating_add(1)
            } else {
                1
            };
        }
        if let Some(n) = spare
            .get_mut(to.index())
            .filter(|_| before.first_syn_ack || refused)
            .filter(|n| **n < SPARE_SYNS_MANY)
        {
            *n = n.saturating_sub(1);
        }
        for side in Side::BOTH {
            let n = spare.get(side.index()).copied().unwrap_or(0);
            self.half_mut(side).set_spare_syns(n);
        }
    }

    /// RFC 6191 as Linux applies it (see `Endpoint::on_segment`): a SYN from `from`
    /// reopens the peer's TIME_WAIT if its timestamp is newer than the last one
    /// `from` sent, or, timestamps not deciding, its sequence number lies beyond the
    /// peer's `RCV.NXT` (what the peer acknowledged, else what `from` sent).
    fn reopens_time_wait(&self, from: Side, seg: &Segment) -> bool {
        let me = self.half(from);
        let peer = self.half(from.peer());
        if let (Some(old), Some((new, _))) = (me.last_tsval(), seg.options.timestamps) {
            if old != new {
                return SeqNum(new).after(SeqNum(old));
            }
        }
        match peer.highest_ack().or(me.contiguous()) {
            Some(rcv_nxt) => seg.seq.after(rcv_nxt),
            None => true,
        }
    }

    /// Delivers `from`'s FIN, seen after a gap, to the peer once everything before
    /// it has arrived (the gap was filled, or the peer acknowledged past it).
    fn deliver_pending_fin(
        &mut self,
        from: Side,
        now: Duration,
        cause: Cause,
        t: &mut Transitions,
    ) {
        let me = *self.half(from);
        let (true, Some(fin), Some(c)) = (me.fin_pending(), me.fin_seq(), me.contiguous()) else {
            return;
        };
        // A receiver in SYN-SENT takes nothing but a SYN or RST (RFC 9293
        // §3.10.7.3): the FIN stays pending.
        if c.before_or_eq(fin) || self.state(from.peer()) == State::SynSent {
            return;
        }
        self.half_mut(from).set_fin_pending(false);
        self.receive_fin(from.peer(), now, cause, t);
    }

    /// A side inferred in SYN_RECEIVED from its SYN,ACK (ISN `isn`): a FIN of it seen
    /// before, while the observer had it closed (or, again, in TIME_WAIT after the
    /// peer's new SYN), at exactly `isn + 1` was this TCB's, closing from
    /// SYN-RECEIVED; it overtook the SYN,ACK before the capture point. Its receiver,
    /// without the SYN,ACK, could not take it yet: it is pending.
    fn fin_before_syn_ack(&mut self, side: Side, isn: SeqNum, t: &mut Transitions) {
        if self.state(side) == State::SynReceived && self.half(side).fin_seq() == Some(isn + 1) {
            self.closed_from_syn_received(side, t);
        }
    }

    /// `side`, which the observer took for SYN_RECEIVED or closed, had closed from
    /// SYN-RECEIVED: FIN_WAIT_1, its FIN (kept, at its ISN + 1) pending until the peer
    /// can take it.
    fn closed_from_syn_received(&mut self, side: Side, t: &mut Transitions) {
        self.set(side, State::FinWait1, Cause::Revised, t);
        self.half_mut(side).set_fin_pending(true);
        if self.marked(FIRST_CLOSER).is_none() {
            self.mark(FIRST_CLOSER, Some(side));
        }
    }

    /// `side` processes the peer's FIN (RFC 9293 §3.10.7.4, eighth step).
    fn receive_fin(&mut self, side: Side, now: Duration, cause: Cause, t: &mut Transitions) {
        match self.state(side) {
            State::SynReceived | State::Established => self.set(side, State::CloseWait, cause, t),
            State::FinWait1 => self.set(side, State::Closing, cause, t),
            State::FinWait2 => self.enter_time_wait(side, now, cause, t),
            _ => {}
        }
    }

    /// The first segment of the capture: decides between a handshake seen from its
    /// start, one seen from the SYN,ACK, and a mid-stream start.
    fn start(&mut self, from: Side, s: &Seg, t: &mut Transitions, notes: &mut Notes) {
        let to = from.peer();
        let syn = s.flags.contains(TcpFlags::SYN);
        if syn && s.ack.is_none() {
            return; // the ordinary beginning: handled by on_syn
        }
        if syn {
            // SYN,ACK first: the SYN it answers was not captured.
            if let Some(ack) = s.ack {
                self.set(to, State::SynSent, Cause::Inferred, t);
                let peer = self.half_mut(to);
                peer.set_isn(Some(ack - 1));
                peer.set_next_seq(Some(ack));
                peer.set_sent_syn(true);
                self.set(from, State::SynReceived, Cause::Inferred, t);
                self.half_mut(from).set_passive(true);
                notes.insert(Note::Inferred);
            }
            return;
        }
        // Mid-stream: the connection is assumed open.
        self.midstream = true;
        notes.insert(Note::Midstream);
        self.set(from, State::Established, Cause::Inferred, t);
        self.set(to, State::Established, Cause::Inferred, t);
        self.half_mut(from).set_next_seq(Some(s.seq));
        if let Some(ack) = s.ack {
            self.half_mut(to).set_next_seq(Some(ack));
        }
    }

    fn on_syn(
        &mut self,
        from: Side,
        s: &Seg,
        seg: &Segment,
        t: &mut Transitions,
        notes: &mut Notes,
    ) {
        let to = from.peer();
        let me = *self.half(from);
        if let Some(ack) = s.ack {
            self.on_syn_ack(from, s, seg, ack, t, notes);
            if self.half(from).sent_syn_ack() {
                self.half_mut(from)
                    .set_window_scale(seg.options.window_scale);
            }
        } else {
            // Bare SYN.
            if let (State::SynSent, Some(isn)) = (me.state, me.isn()) {
                if s.seq.before(isn) {
                    // ISNs follow a clock (RFC 6528): an earlier one is an old
                    // duplicate from a previous incarnation (RFC 793 figure 9).
                    notes.insert(Note::OldDuplicate);
                    return;
                }
            }
            if me.state == State::SynReceived
                && me.passive()
                && me.isn().is_some_and(|isn| s.seq.before(isn))
            {
                // Likewise from a side in a passive SYN_RECEIVED (which sends
                // SYN,ACKs, never a bare SYN): an old duplicate, taken as such (its
                // sender stays), though after a long silence the ISN clock may have
                // wrapped and the SYN be a new TCB's (RFC 6528: 2^32 ticks of 4 µs);
                // what follows is judged as usual.
                notes.insert(Note::OldDuplicate);
            }
            if me.isn() != Some(s.seq) {
                // A side that sends a SYN with a new ISN opens a new TCB (from
                // CLOSED or LISTEN; in any other state the observer had, its
                // connection ended unseen): it has no RCV.NXT until it takes a SYN
                // (RFC 9293 §3.10.1), and what it acknowledged in an earlier
                // connection says nothing of its receive side now, whatever the
                // peer's state (a RST of the peer is judged against what it
                // acknowledges next).
                let h = self.half_mut(from);
                h.set_highest_ack(None);
                h.set_peer_contiguous_at_ack(None);
            }
            let peer = *self.half(to);
            if me.isn() == Some(s.seq)
                && matches!(me.state, State::Closed | State::Listen)
                && peer.state == State::TimeWait
            {
                // A closed side opens again with its old ISN (the same tick of its
                // ISN clock): the peer's TIME_WAIT does not take it (RFC 6191: not
                // beyond RCV.NXT, no newer timestamp) and answers with an ACK.
                self.forget_earlier_connection(from);
                self.set(from, State::SynSent, Cause::Sent, t);
                self.half_mut(from).set_sent_syn(true);
                notes.insert(Note::Unacceptable);
                return;
            }
            // A side the observer has in TIME_WAIT whose ISN it saw only in its
            // SYN,ACK (a passive open) never sent a bare SYN with it: one now, into a
            // peer in SYN_SENT, comes from a new TCB that opened actively with the
            // same ISN (its TIME-WAIT ended unseen, e.g. by an abort), crossing the
            // peer's SYN.
            let new_tcb_same_isn = me.state == State::TimeWait
                && me.sent_syn_ack()
                && !me.sent_syn()
                && peer.state == State::SynSent;
            if me.isn() == Some(s.seq) && !new_tcb_same_isn {
                notes.insert(Note::Retransmission);
                if matches!(me.state, State::Closed | State::Listen) && self.holds_irs(to, s.seq) {
                    // Its SYN again after a reset, into a receiver that has taken
                    // that ISN since (SYN_RECEIVED or synchronized: its SYN,ACK or
                    // ACKs acknowledged it): the receiver answers a duplicate (the
                    // SYN,ACK again, or a challenge ACK, RFC 5961 §4) and keeps its
                    // state. Only the sender opens again: a new attempt with the
                    // same ISN, or a retransmission that crossed the RST.
                    self.set(from, State::SynSent, Cause::Sent, t);
                    self.half_mut(from).set_sent_syn(true);
                    notes.insert(Note::Reopened);
                    return;
                }
                // It still reaches the receiver: one back in LISTEN (reset since the
                // first copy) takes it as any SYN. One the observer returned to
                // LISTEN on the first copy (`listen_guess`) may have dropped both
                // copies outside its window: the guess stands until the receiver
                // shows which IRS it holds.
                // (Entering SYN_RECEIVED leaves `listen_guess` as it is.)
                match peer.state {
                    State::Closed | State::Listen => {
                        self.set(to, State::SynReceived, Cause::Received, t);
                        self.half_mut(to).set_passive(true);
                    }
                    // One in SYN-SENT takes any SYN (RFC 9293 §3.10.7.3), a copy of
                    // an earlier incarnation's as well.
                    State::SynSent => self.set(to, State::SynReceived, Cause::Received, t),
                    _ => {}
                }
                return;
            }
            if me.isn().is_none()
                && !matches!(me.state, State::Closed | State::Listen | State::SynSent)
                && me.next_seq().is_some_and(|n| s.seq.before(n))
            {
                // Its SYN, seen after later segments of its own (they overtook it
                // before the capture point): not a new open. Its state stays; the
                // receiver processes the SYN (RFC 9293 §3.10.7.2–4).
                match peer.state {
                    State::Closed | State::Listen => {
                        self.set(to, State::SynReceived, Cause::Received, t);
                        self.half_mut(to).set_passive(true);
                    }
                    State::SynSent => self.set(to, State::SynReceived, Cause::Received, t),
                    // RFC 5961 §4: a challenge ACK.
                    _ => notes.insert(Note::Unacceptable),
                }
                let h = self.half_mut(from);
                h.set_sent_syn(true);
                h.set_syn_seen(true);
                h.set_isn(Some(s.seq));
                h.set_window_scale(seg.options.window_scale);
                return;
            }
            // A side sends a bare SYN only from a new TCB: one the observer has in
            // a synchronized state or a passive SYN_RECEIVED (which sends SYN,ACKs,
            // never a bare SYN), seen with a later ISN (an earlier one may be an
            // old duplicate, RFC 6528) not before everything it has sent (else it
            // is its current SYN, overtaken by its later segments), has ended that
            // connection unseen (a user timeout, an abort whose RST is still
            // behind) and opened again, whatever the receiver does with the SYN;
            // so has one in SYN_SENT with a later ISN (a new attempt, as in the
            // reopening above).
            let opens = matches!(me.state, State::Closed | State::Listen)
                || ((me.state.is_synchronized()
                    || (me.state == State::SynReceived && me.passive()))
                    && me.isn().is_some_and(|isn| s.seq.after(isn))
                    && me.next_seq().is_none_or(|n| !s.seq.before(n)))
                || (me.state == State::SynSent && me.isn().is_some_and(|isn| s.seq.after(isn)));
            if peer.state.is_synchronized()
                && !(peer.state == State::TimeWait && self.reopens_time_wait(from, seg))
            {
                // RFC 5961 §4: a SYN in a synchronized state only draws a challenge ACK
                // — in TIME_WAIT too, an old duplicate or a new SYN that RFC 6191 does
                // not let reopen it. Its sender, if closed, has opened all the same.
                if opens {
                    if self.kept_irs().is_none() {
                        // The receiver keeps the IRS it took, the sender's old ISN
                        // (from its SYN or SYN,ACK, whatever state the observer has
                        // the sender in now): copies of the new SYN and the sender's
                        // SYN,ACK from its new ISN are challenged too and move nothing
                        // of its sequence space, and a segment at the old numbers —
                        // the SYN an old duplicate after all, or a closed sender's
                        // last ACK still in flight — is judged against the old IRS.
                        self.set_kept_irs(me.isn().map(|isn| (to, isn)));
                    }
                    self.forget_earlier_connection(from);
                    self.set(from, State::SynSent, Cause::Sent, t);
                    let h = self.half_mut(from);
                    h.set_sent_syn(true);
                    h.set_isn(Some(s.seq));
                }
                notes.insert(Note::Unacceptable);
                return;
            }
            if peer.sent_syn() && me.state == State::SynReceived && !me.spoke() {
                // Our SYN crossed the peer's SYN (RFC 793 figure 8). An IRS this
                // side kept (it dropped a later SYN of the peer) is still the one it
                // took.
                notes.insert(Note::Crossed);
                let kept = self.irs_of(from);
                self.set(from, State::Closed, Cause::Revised, t);
                self.set(from, State::SynSent, Cause::Sent, t);
                self.set(to, State::SynReceived, Cause::Received, t);
                self.set(from, State::SynReceived, Cause::Delivered, t);
                self.set_kept_irs(kept.map(|irs| (from, irs)).or(self.kept_irs()));
                self.half_mut(to).set_passive(false);
            } else {
                if !matches!(me.state, State::Closed | State::Listen | State::SynSent)
                    && matches!(peer.state, State::Closed | State::Listen | State::SynSent)
                {
                    // A fresh SYN from a side of an earlier connection (ended
                    // unseen), which its receiver takes: nothing of that
                    // connection's sequence space, e.g. a FIN still waiting for a gap
                    // to fill, applies to this one. (A SYN_RECEIVED receiver keeps
                    // its IRS, and its RCV.NXT in the old space.)
                    let h = self.half_mut(from);
                    h.set_contiguous(None);
                    h.set_fin_pending(false);
                    h.set_fin_seq(None);
                }
                self.set(from, State::SynSent, Cause::Sent, t);
                match peer.state {
                    State::Closed | State::Listen => {
                        self.set(to, State::SynReceived, Cause::Received, t);
                        self.half_mut(to).set_passive(true);
                    }
                    State::TimeWait => {
                        // Reopened: no listener behind it, a reset closes it.
                        self.set(to, State::SynReceived, Cause::Received, t);
                        self.half_mut(to).set_passive(false);
                        self.half_mut(to).set_time_wait_since(None);
                    }
                    State::SynSent => {
                        // The peer's SYN was seen earlier but did not reach us before we
                        // sent ours: it is now delivered.
                        self.set(to, State::SynReceived, Cause::Received, t);
                    }
                    State::SynReceived
                        if peer.passive()
                            && self.irs_of(to).is_none()
                            && self.syn_window(from, s.seq) != SynWindow::Outside =>
                    {
                        // A SYN with another ISN, in the window, in a passive
                        // SYN-RECEIVED: back to LISTEN, the SYN not processed further
                        // (RFC 9293 §3.10.7.4, fourth check); its retransmission then
                        // opens. (Outside the window it only draws an ACK: the
                        // receiver keeps its IRS, judged before a reopen.) A window
                        // the capture has not shown exactly is a guess, which the
                        // receiver's later segments may refute (`listen_guess`).
                        // (After a reopening the guess was made there.)
                        let guess = me
                            .isn()
                            .filter(|_| self.syn_window(from, s.seq) == SynWindow::Unsure);
                        self.set(to, State::Listen, Cause::Received, t);
                        if let Some(isn) = guess {
                            self.set_listen_guess(Some((to, isn)));
                        }
                    }
                    State::SynReceived if peer.passive() && self.irs_of(to).is_none() => {
                        // Outside a passive SYN-RECEIVED's window: an ACK, nothing
                        // else (RFC 9293 §3.10.7.4, first check). It keeps the ISN it
                        // took, the one this side sent before, as a reopening does
                        // (above): segments of this side acknowledging its SYN,ACK
                        // are judged against that IRS.
                        self.set_kept_irs(me.isn().map(|isn| (to, isn)));
                    }
                    State::SynReceived if !peer.passive() && self.irs_of(to).is_none() => {
                        // An active SYN-RECEIVED challenges a SYN (RFC 9293
                        // §3.10.7.4 fourth check, RFC 5961 §4): it keeps the ISN it
                        // took, the one this side sent before.
                        self.set_kept_irs(me.isn().map(|isn| (to, isn)));
                    }
                    _ => {}
                }
            }
            let h = self.half_mut(from);
            h.set_sent_syn(true);
            h.set_passive(false);
            h.set_syn_seen(true);
            if me.isn() != Some(s.seq) {
                // A SYN,ACK it sent before was from another ISN.
                h.set_sent_syn_ack(false);
            }
            h.set_isn(Some(s.seq));
            h.set_window_scale(seg.options.window_scale);
            if !matches!(me.state, State::Closed | State::Listen | State::SynSent) {
                // A fresh SYN from a side of an earlier connection (ended unseen):
                // what it acknowledged there says nothing of the peer's RCV.NXT
                // estimate here (a RST is judged against it), and what it sent
                // there nothing of its SND.NXT (an ACK of its SYN is judged
                // against it).
                h.set_highest_ack(None);
                h.set_peer_contiguous_at_ack(None);
                h.set_next_seq(None);
            }
        }
    }

    /// `side`, CLOSED or LISTEN, sends a bare SYN that its receiver only challenges
    /// (still synchronized in an earlier connection as far as the capture shows):
    /// the side has opened a new connection all the same, and nothing of its
    /// earlier one's sequence spaces applies to it — neither what it sent
    /// (`SND.NXT`, a FIN, a SYN,ACK) nor what it acknowledged (the peer's `RCV.NXT`
    /// estimate a RST is judged against). The receiver's `RCV.NXT` (`contiguous`)
    /// stays: it is still the earlier connection's, until the receiver takes a SYN.
    fn forget_earlier_connection(&mut self, side: Side) {
        let h = self.half_mut(side);
        h.set_fin_pending(false);
        h.set_fin_seq(None);
        h.set_next_seq(None);
        h.set_highest_ack(None);
        h.set_peer_contiguous_at_ack(None);
        h.set_sent_syn_ack(false);
    }

    fn on_syn_ack(
        &mut self,
        from: Side,
        s: &Seg,
        seg: &Segment,
        ack: SeqNum,
        t: &mut Transitions,
        notes: &mut Notes,
    ) {
        let to = from.peer();
        let me = *self.half(from);
        if me.isn() == Some(s.seq)
            && self.half(to).isn().is_some_and(|isn| {
                ack == isn + 1 && self.irs_of(from).is_some_and(|irs| irs != isn)
            })
        {
            // A TCB's SYN,ACKs all name the one IRS it took (`ACK = IRS + 1`): after
            // one naming the IRS the observer kept for the side, one from the same
            // ISN naming the peer's current SYN comes from another TCB — the side
            // was reset unseen and took that SYN anew (LISTEN, or its own SYN
            // crossing it), in the same tick of its ISN clock. It holds that SYN
            // now; the peer's `RCV.NXT` is the ACK, not the kept IRS + 1.
            self.set_kept_irs(None);
            self.half_mut(to).set_contiguous(Some(ack));
        }
        if me.state == State::FinWait1
            && me.passive()
            && me.isn().is_none()
            && !me.sent_syn_ack()
            && self.state(to) == State::SynSent
            && me
                .fin_seq()
                .is_some_and(|f| f != s.seq + 1 && me.next_seq() == Some(f + 1))
        {
            // Its first SYN,ACK, after a FIN the observer took as its close from
            // SYN_RECEIVED: a side in SYN-RECEIVED sends no data, so its FIN lies at
            // ISS + 1; this one does not, and the peer, still in SYN_SENT, has not
            // acknowledged the SYN,ACK that could have let it send any. The FIN was
            // an earlier incarnation's (a copy still in flight): the side is in
            // SYN_RECEIVED.
            self.set(from, State::SynReceived, Cause::Revised, t);
            let h = self.half_mut(from);
            h.set_fin_seq(None);
            h.set_next_seq(None);
            h.set_fin_pending(false);
            if self.marked(FIRST_CLOSER) == Some(from) {
                self.mark(FIRST_CLOSER, None);
            }
        }
        let me = *self.half(from);
        let last_syn = self.half(to).isn().filter(|_| !self.half(to).acks_syn(ack));
        // (Or in LISTEN, where the observer put it by a guess, or by a RST it judged
        // against the IRS it believed the side held: a SYN,ACK answering the
        // refused SYN whose window puts the new SYN outside shows the side kept
        // that IRS, and neither the new SYN nor a RST at its end reached it.)
        let in_listen = me.state == State::Listen;
        if let (true, Some(isn)) = (
            // (A SYN_RECEIVED side whose ISN the capture has not shown is a passive
            // one: an active one sent a SYN.)
            (me.state == State::SynReceived || in_listen)
                && me.isn().is_none()
                && self.irs_of(from).is_none()
                && self.marked(REFUSED_THEN_REOPENED) == Some(from),
            last_syn,
        ) {
            // A side the observer took as refusing the peer's SYN (its RST,ACK
            // answering it from CLOSED) and then as taking the peer's next SYN, with
            // another ISN, in a passive SYN-RECEIVED: its first SYN,ACK answers an
            // earlier SYN of the peer (a SYN,ACK acknowledges exactly IRS + 1). The
            // RST answered an earlier copy of that SYN, and the side, listening
            // since, took a later copy: it was in SYN-RECEIVED on that IRS when the
            // new SYN came.
            self.mark(REFUSED_THEN_REOPENED, None);
            let (smallest, _) = syn_window_bounds(seg.window, seg.options.window_scale);
            if self.syn_ack_window_excludes(seg, ack, Some(isn)) {
                // Outside the window this SYN,ACK shows: it dropped the new SYN
                // with an ACK (RFC 9293 §3.10.7.4, first check). It keeps that
                // IRS; its RCV.NXT is the ACK. (A guess that it went back to
                // LISTEN on that SYN is refuted.)
                if in_listen {
                    self.set_listen_guess(None);
                    self.set(from, State::SynReceived, Cause::Revised, t);
                    self.half_mut(from).set_passive(true);
                }
                self.set_kept_irs(Some((from, ack - 1)));
                self.half_mut(to).set_contiguous(Some(ack));
            } else if !in_listen {
                // Inside it (or, the scale unknown, perhaps inside): a SYN in a
                // passive SYN-RECEIVED returns it to LISTEN, silently (RFC 9293
                // §3.10.7.4, MUST-11, as `Endpoint` does). This SYN,ACK was sent
                // before, and answers nothing of now. Where the window's scale
                // leaves it open, a guess its later segments may refute.
                self.set(from, State::Listen, Cause::Revised, t);
                if !isn.in_window(ack, smallest) {
                    self.set_listen_guess(Some((from, ack - 1)));
                }
            }
        }
        let me = *self.half(from);
        if me.state == State::SynReceived
            && !me.passive()
            && me.sent_syn()
            && !me.sent_syn_ack()
            && me.isn() == Some(s.seq)
            && self.half(to).isn().is_some_and(|isn| ack != isn + 1)
            && self.irs_of(from).is_none()
            && self.kept_irs().is_none()
        {
            // The first SYN,ACK of an active SYN-RECEIVED (its SYN crossed one of the
            // peer's), from the ISN of that SYN — so sent in this incarnation —
            // acknowledging another SYN of the peer than the one the observer gave
            // it: it took that one (ISN = ACK − 1, e.g. a copy of an earlier SYN
            // seen before a RST the observer took as refusing it), and challenges
            // any other (RFC 9293 §3.10.7.4 fourth check, RFC 5961 §4). Its IRS is
            // kept, its RCV.NXT is the ACK.
            self.set_kept_irs(Some((from, ack - 1)));
            self.half_mut(to).set_contiguous(Some(ack));
        }
        let same_isn = me.isn() == Some(s.seq);
        let peer = *self.half(to);
        if peer.state == State::SynReceived
            && !peer.passive()
            && me.sent_syn()
            && self.irs_of(to).is_none()
            && me.isn().is_some_and(|isn| isn != s.seq)
        {
            // A SYN with another ISN than the one the receiver took, into an active
            // SYN-RECEIVED: a challenge ACK (RFC 9293 §3.10.7.4 fourth check, RFC
            // 5961 §4); its ACK is not processed. (A receiver that kept its IRS
            // while the sender's later SYN was challenged judges the SYN,ACK against
            // that IRS, below: the sender's ISN as last seen is not the one it took.)
            // The receiver keeps that IRS: the SYN,ACK moves nothing in its
            // sequence space.
            self.set_kept_irs(me.isn().map(|isn| (to, isn)));
            notes.insert(Note::Unacceptable);
            return;
        }
        if me.sent_syn_ack() && same_isn {
            notes.insert(Note::Retransmission);
        } else if me.sent_syn() && same_isn && me.state == State::Established {
            // First SYN,ACK of a simultaneous open, sent before the peer's SYN,ACK
            // (already seen and delivered) reached this side.
            notes.insert(Note::Crossed);
            self.set(from, State::SynReceived, Cause::Revised, t);
            let peer = *self.half(to);
            // Only a side still waiting for the ACK of its SYN becomes ESTABLISHED;
            // one that already closed (FIN_WAIT_1 from SYN_RECEIVED) stays where it is.
            if matches!(peer.state, State::SynSent | State::SynReceived) && peer.acks_syn_of(ack) {
                self.set(to, State::Established, Cause::Received, t);
            }
            self.set(from, State::Established, Cause::Delivered, t);
            self.half_mut(from).set_sent_syn_ack(true);
            return;
        } else {
            match me.state {
                State::SynReceived => {}
                State::SynSent
                    if same_isn
                        && self.half(from).reset_in_syn_received()
                        && self.half(to).isn().is_some_and(|isn| ack == isn + 1) =>
                {
                    // It answers the SYN it had taken before a RST reset it, from the
                    // ISN of its bare SYN seen since: the SYN,ACK was sent before the
                    // RST arrived, and the bare SYN before it. That SYN had crossed
                    // the peer's: the side was in an active SYN_RECEIVED, which a RST
                    // closes (RFC 9293 §3.10.7.4, MUST-11 returns only a passive one
                    // to LISTEN). Its receiver processes the SYN,ACK as usual.
                    self.set(from, State::Closed, Cause::Revised, t);
                    self.half_mut(from).set_reset_in_syn_received(false);
                }
                State::SynSent => {
                    // It answers a SYN of the peer that the capture did not hold.
                    notes.insert(Note::Inferred);
                    self.set(from, State::SynReceived, Cause::Inferred, t);
                }
                State::Closed | State::Listen
                    if !me.sent_syn_ack()
                        && self.half(from).reset_in_syn_received()
                        && self.half(to).isn().is_some_and(|isn| ack == isn + 1) =>
                {
                    // Its first SYN,ACK seen, answering the SYN it had taken before
                    // a RST reset it: sent before the RST arrived (they crossed), it
                    // reopens nothing. It was sent all the same: if the peer
                    // acknowledges it, the RST was not the one that closed them (see
                    // `on_other`), and a peer its own RST left in SYN_SENT (a RST
                    // answering an unacceptable segment) takes it as any SYN,ACK of
                    // its SYN (RFC 9293 §3.10.7.3). (After a SYN,ACK of the side seen
                    // before the RST, the same is a retransmission, above, and another
                    // ISN a new TCB's, answering a copy of that SYN: below.)
                    notes.insert(Note::AfterClose);
                    self.mark(SYN_ACK_AFTER_RESET, Some(from));
                    let peer = *self.half(to);
                    if peer.state == State::SynSent && peer.acks_syn(ack) {
                        self.set(to, State::Established, Cause::Received, t);
                    }
                    return;
                }
                State::Closed if same_isn && me.sent_syn() => {
                    // A simultaneous open's SYN,ACK, sent before a RST closed its
                    // sender (they crossed): nothing reopens.
                    notes.insert(Note::AfterClose);
                    return;
                }
                State::Closed | State::Listen
                    if self.half(to).isn().is_some_and(|isn| ack != isn + 1) =>
                {
                    // It answers an earlier SYN of the peer (sent before it went back
                    // to LISTEN, crossing the peer's new SYN): nothing opens, and the
                    // peer finds the ACK unacceptable.
                    notes.insert(Note::Unacceptable);
                    return;
                }
                State::Closed | State::Listen => {
                    notes.insert(Note::Inferred);
                    // Into a peer the observer has closed (e.g. by this side's
                    // refusal): if the peer acknowledges it, the peer was open to
                    // take it (see `on_other`).
                    if self.state(to) == State::Closed {
                        self.mark(SYN_ACK_AFTER_RESET, Some(from));
                    }
                    self.set(from, State::SynReceived, Cause::Inferred, t);
                    self.half_mut(from).set_passive(true);
                }
                _ if me.sent_syn() && same_isn => {
                    // A SYN,ACK repeating our SYN after the handshake: a retransmission.
                    notes.insert(Note::Retransmission);
                }
                _ if me.isn().is_none() && me.next_seq().is_some_and(|n| s.seq.before(n)) => {
                    // Its first SYN,ACK, seen after later segments of its own (they
                    // overtook it before the capture point): its state stays, and
                    // its receiver processes it as usual.
                }
                _ if peer.state == State::SynSent
                    && peer.acks_syn(ack)
                    && me.next_seq().is_some_and(|n| {
                        s.seq.after(n) || me.isn().is_some_and(|isn| s.seq.before(isn))
                    }) =>
                {
                    // It answers the receiver's SYN, which a SYN_SENT receiver
                    // accepts (RFC 9293 §3.10.7.3), with an ISN outside everything
                    // it sent (beyond it, or — its ISN clock having wrapped during a
                    // long silence, RFC 6528 — before its last ISN): its earlier
                    // connection ended unseen (a close or a timer the capture cannot
                    // show) and it listened again. Nothing of that connection's
                    // sequence space applies.
                    notes.insert(Note::Inferred);
                    self.set(from, State::Closed, Cause::Inferred, t);
                    self.set(from, State::SynReceived, Cause::Inferred, t);
                    let h = self.half_mut(from);
                    h.set_passive(true);
                    h.set_contiguous(None);
                    h.set_fin_pending(false);
                    h.set_fin_seq(None);
                }
                _ => {
                    notes.insert(Note::Unacceptable);
                    return;
                }
            }
            // Its first SYN,ACK seen, from SYN_RECEIVED (inferred from it here, or
            // at the capture's start or a reopening).
            self.fin_before_syn_ack(from, s.seq, t);
            let h = self.half_mut(from);
            h.set_sent_syn_ack(true);
            h.set_syn_seen(true);
            h.set_isn(Some(s.seq));
        }
        // The receiver.
        let peer = *self.half(to);
        if peer.state == State::SynReceived && self.irs_of(to).is_some_and(|irs| irs != s.seq) {
            // Not the SYN it took: a challenge ACK (RFC 5961 §4), the ACK unprocessed.
            notes.insert(Note::Unacceptable);
            return;
        }
        if self.answers_an_earlier_syn(from, s) {
            // A passive SYN_RECEIVED sent no bare SYN in this incarnation (its ISN
            // shows first in its SYN,ACK, not seen yet), and the ACK names the ISN
            // of its SYN before the reopening: its ISS equals that only by chance
            // (the same tick of its ISN clock). It finds the ACK unacceptable (RFC
            // 9293 §3.10.7.4, SYN-RECEIVED: a RST `<SEQ=SEG.ACK>`, and it stays).
            notes.insert(Note::Unacceptable);
            return;
        }
        // A receiver seen sending its FIN, the ACK within that FIN's sequence space, is
        // past the handshake in the connection it holds (its ISN forgotten at a
        // reopening): it challenges the SYN,ACK (RFC 5961 §4, RFC 9293 §3.10.7.4
        // fourth check), whichever TCB of the sender it comes from.
        if peer.isn().is_none() && self.sent_fin_up_to(to, ack) {
            notes.insert(Note::Unacceptable);
            return;
        }
        if peer.isn().is_none()
            && matches!(
                peer.state,
                State::SynReceived | State::Listen | State::Closed
            )
            && peer.fin_seq() == Some(ack)
        {
            // The receiver's FIN, kept from when the observer had it closed or carried
            // across a reopening, lies at exactly the ISN + 1 this SYN,ACK
            // acknowledges: the receiver had sent a SYN from that ISN (unseen), took
            // this side's (the open crossed) and closed from SYN-RECEIVED (crash8's
            // rule from the other side). It is in FIN_WAIT_1 and challenges the
            // SYN,ACK (RFC 5961 §4).
            let p = self.half_mut(to);
            p.set_isn(Some(ack - 1));
            p.set_sent_syn(true);
            self.closed_from_syn_received(to, t);
            notes.insert(Note::Unacceptable);
            return;
        }
        if peer.isn().is_none() {
            // The SYN being answered was not captured.
            notes.insert(Note::Inferred);
            let p = self.half_mut(to);
            p.set_isn(Some(ack - 1));
            p.set_next_seq(Some(ack));
            p.set_sent_syn(true);
            self.set(to, State::SynSent, Cause::Inferred, t);
        }
        let peer = *self.half(to);
        match peer.state {
            State::SynSent | State::SynReceived => {
                if peer.acks_syn(ack) {
                    self.set(to, State::Established, Cause::Received, t);
                } else {
                    notes.insert(Note::Unacceptable);
                }
            }
            State::Closed | State::Listen => {
                notes.insert(Note::AfterClose);
            }
            _ => {}
        }
    }

    fn on_rst(&mut self, from: Side, s: &Seg, t: &mut Transitions, notes: &mut Notes) {
        let to = from.peer();
        let peer = *self.half(to);
        let acceptable = match peer.state {
            State::Closed | State::Listen => {
                notes.insert(Note::AfterClose);
                notes.insert(Note::RstIgnored);
                return;
            }
            State::SynSent => s.ack.is_some_and(|a| peer.acks_syn(a)),
            _ => match self.rst_in_window(from, s.seq) {
                Window::Exact => true,
                Window::Inside => {
                    // RFC 5961 §3: a challenge ACK, not a reset.
                    notes.insert(Note::Challenged);
                    false
                }
                Window::Outside => false,
            },
        };
        if !acceptable {
            notes.insert(Note::RstIgnored);
            return;
        }
        notes.insert(Note::RstAccepted);
        let me = *self.half(from);
        if peer.state == State::SynSent && me.state == State::SynReceived && !me.spoke() {
            // The SYN was refused: the side was never listening (a CLOSED endpoint
            // answers a SYN with <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>, RFC 9293 §3.10.7.1).
            notes.insert(Note::Refused);
            self.set(from, State::Closed, Cause::Revised, t);
            self.mark(REFUSED, Some(from));
        } else if me.state != State::SynSent
            && !(me.state == State::SynReceived
                && (self.irs_of(to).is_some_and(|irs| me.isn() != Some(irs))
                    || (s.ack.is_none() && me.isn().is_some_and(|isn| s.seq != isn + 1))))
        {
            // A side in SYN_SENT resets an unacceptable segment and stays in SYN_SENT
            // (RFC 9293 §3.10.7.3, figure 9 line 5). So does one in SYN_RECEIVED
            // (§3.10.7.4, fifth check) whose peer keeps an IRS of it that is not its
            // ISN now: the peer's segments acknowledge that IRS + 1, and the side
            // answers `<SEQ=SEG.ACK><CTL=RST>` — this RST, accepted only at the
            // peer's `RCV.NXT`, that IRS + 1 (the side's own abort, at its ISN + 1,
            // lies elsewhere in the peer's window: a challenge, above). So does any
            // side in SYN_RECEIVED whose RST, without ACK, is not at its ISN + 1: its
            // abort would carry its `SND.NXT`, ISN + 1 (SYN-RECEIVED sends no text),
            // so this is `<SEQ=SEG.ACK><CTL=RST>` answering an unacceptable segment —
            // sent perhaps from SYN-SENT, before the peer's SYN the capture showed
            // first. (A RST,ACK elsewhere is a closed TCP's answer to a segment
            // without ACK, `<SEQ=0><ACK=SEG.SEQ+SEG.LEN>`, RFC 9293 §3.10.7.1: its
            // sender has no TCB.) Any other sender is done.
            self.set(from, State::Closed, Cause::Sent, t);
        }
        if peer.state.is_synchronized() || peer.state == State::SynReceived {
            self.set_reset_guess(Some((to, peer.state, s.seq)));
        }
        let back_to = if peer.state == State::SynReceived && peer.passive() {
            State::Listen
        } else {
            State::Closed
        };
        self.set(to, back_to, Cause::Received, t);
        // It had taken the sender's SYN, unless its own ACKs named another (an old
        // duplicate, RFC 9293 figure 9).
        let took_syn = me
            .isn()
            .is_some_and(|isn| peer.highest_ack().is_none_or(|a| a == isn + 1));
        self.half_mut(to)
            .set_reset_in_syn_received(peer.state == State::SynReceived && took_syn);
        self.half_mut(from).set_time_wait_since(None);
        self.half_mut(to).set_time_wait_since(None);
    }

    /// RFC 9293 §3.10.7.4 with RFC 5961 §3 for a RST from `from`: is `seq` the
    /// receiver's `RCV.NXT`, elsewhere in its window, or outside? `RCV.NXT` is the
    /// receiver's last acknowledgment, unless the sender has sent in order since,
    /// or what the sender sent without a gap; the window is the receiver's last advertised one, scaled
    /// unless it came with a SYN (when the scale is unknown, the raw field is used).
    fn rst_in_window(&self, from: Side, seq: SeqNum) -> Window {
        self.in_window(from, seq, None)
    }

    /// [`Observer::rst_in_window`] with the receiver's window given (`Some`), or the
    /// one its last window field shows (`None`).
    fn in_window(&self, from: Side, seq: SeqNum, window: Option<u32>) -> Window {
        let to = from.peer();
        let me = self.half(from);
        let peer = self.half(to);
        // The receiver's last ACK names its RCV.NXT, unless the sender has sent in
        // order since (then what the sender sent does).
        let fresh_ack =
            peer.highest_ack()
                .filter(|_| match (me.contiguous(), peer.peer_contiguous_at_ack()) {
                    (Some(c), Some(at)) => !c.after(at),
                    _ => true,
                });
        // A RST at the sender's FIN's own sequence number into a receiver that
        // processed that FIN: `RCV.NXT - 1`, whatever the receiver's last ACK seen
        // (one sent before the FIN arrived can be seen after it). Linux
        // (`tcp_reset_check`) takes it in CLOSE-WAIT, CLOSING and LAST-ACK, as
        // `Endpoint` does (see `Endpoint::on_segment`); in TIME-WAIT, where only
        // `RCV.NXT` resets, it lies below the window.
        let after_fin = !me.fin_pending()
            && matches!(
                peer.state,
                State::CloseWait | State::Closing | State::LastAck | State::TimeWait
            );
        // (A sender that has opened again since forgot its FIN's number, but the
        // receiver still has `RCV.NXT` just past it: a RST of its new TCB, at
        // `SEG.ACK` of the receiver's segment, can fall there.)
        let fin_seq = me
            .fin_seq()
            .or_else(|| me.contiguous().map(|rcv_nxt| rcv_nxt - 1));
        if after_fin && fin_seq == Some(seq) {
            return if peer.state == State::TimeWait {
                Window::Outside
            } else {
                Window::Exact
            };
        }
        let rcv_nxt = match (fresh_ack, me.contiguous()) {
            (Some(a), _) if seq == a => return Window::Exact,
            (Some(a), Some(c)) => a.max_seq(c),
            (Some(n), None) | (None, Some(n)) => n,
            // Nothing known of the receiver: no evidence against the RST.
            (None, None) => return Window::Exact,
        };
        let window = match peer.window() {
            _ if window.is_some() => window.unwrap_or(0),
            Some(w) if peer.window_from_syn() => u32::from(w),
            Some(w) => u32::from(w) << self.window_shift(to).unwrap_or(0),
            None => 0,
        };
        if seq == rcv_nxt {
            Window::Exact
        } else if seq.in_window(rcv_nxt, window) {
            Window::Inside
        } else {
            Window::Outside
        }
    }

    /// Where `seq`, sent by `from`, lies against its receiver's window,
    /// `RCV.NXT + RCV.WND`, where `RCV.NXT` is the later of what the receiver
    /// acknowledged and what the sender sent without a gap, and `RCV.WND` its last
    /// advertised window. The capture shows the window exactly when it is scaled by
    /// a known shift, or a SYN's when scaling is not in effect; a SYN's window with
    /// scaling in effect is known only within bounds (RFC 7323 §2.2, see
    /// [`syn_window_bounds`]). A zero window is judged elsewhere.
    #[inline]
    fn against_window(&self, from: Side, seq: SeqNum) -> WindowEdge {
        let to = from.peer();
        let peer = self.half(to);
        let (Some(w), Some(shift), Some(rcv_nxt)) =
            (peer.window(), self.window_shift(to), self.rcv_nxt_of(to))
        else {
            return WindowEdge::Within;
        };
        let (wnd, edge) = match (peer.window_from_syn(), shift) {
            (true, 0) => (u32::from(w), WindowEdge::Beyond),
            (true, _) => (
                syn_window_bounds(w, Some(shift)).0,
                WindowEdge::BeyondSmallestSyn,
            ),
            (false, s) => (u32::from(w) << s, WindowEdge::Beyond),
        };
        if wnd > 0 && seq.after_or_eq(rcv_nxt + wnd) {
            edge
        } else {
            WindowEdge::Within
        }
    }

    /// The observer's estimate of `side`'s `RCV.NXT`: the later of what it
    /// acknowledged and what its peer sent without a gap.
    fn rcv_nxt_of(&self, side: Side) -> Option<SeqNum> {
        let (me, peer) = (self.half(side), self.half(side.peer()));
        match (peer.contiguous(), me.highest_ack()) {
            (Some(c), Some(a)) => Some(c.max_seq(a)),
            (c, a) => c.or(a),
        }
    }

    /// Whether the window of `syn_ack`, a SYN,ACK whose sender's `RCV.NXT` is
    /// `rcv_nxt`, proves that a SYN at `seq` lay outside that window (RFC 9293
    /// §3.10.7.4, first check): outside the largest window its field allows (see
    /// [`syn_window_bounds`]; the SYN,ACK's own offer of scaling taken as in effect).
    fn syn_ack_window_excludes(
        &self,
        syn_ack: &Segment,
        rcv_nxt: SeqNum,
        seq: Option<SeqNum>,
    ) -> bool {
        let Some(seq) = seq else { return false };
        let (_, largest) = syn_window_bounds(syn_ack.window, syn_ack.options.window_scale);
        !seq.in_window(rcv_nxt, largest)
    }

    /// Where a SYN from `from` at `seq` falls in its receiver's window (RFC 9293
    /// §3.10.7.4, first check), as far as the capture bounds that window: inside the
    /// smallest window the receiver's last field allows, outside the largest, or
    /// between (then only the receiver's later segments tell). A receiver whose window
    /// the capture has not shown at all is taken to have one wide enough (any window
    /// of 64 KiB, the default of most stacks, holds a new ISN of a quick retry), a
    /// guess.
    fn syn_window(&self, from: Side, seq: SeqNum) -> SynWindow {
        let Some((smallest, largest)) = self.window_bounds(from.peer()) else {
            return SynWindow::Unsure;
        };
        if self.in_window(from, seq, Some(largest)) == Window::Outside {
            SynWindow::Outside
        } else if self.in_window(from, seq, Some(smallest)) != Window::Outside {
            SynWindow::Inside
        } else {
            SynWindow::Unsure
        }
    }

    /// The smallest and largest receive window `side`'s last window field allows:
    /// exact for a field seen after its SYN (shifted by a known scale), or a SYN's
    /// with no scaling in effect; a SYN's field is unscaled (RFC 7323 §2.2) and,
    /// where scaling is in effect, bounds the window as [`syn_window_bounds`] says.
    /// `None` before any field.
    fn window_bounds(&self, side: Side) -> Option<(u32, u32)> {
        let (me, peer) = (self.half(side), self.half(side.peer()));
        let w = me.window()?;
        if !me.window_from_syn() {
            let n = u32::from(w);
            return Some(match self.window_shift(side) {
                Some(shift) => (n << shift, n << shift),
                None => (n, n << MAX_SHIFT),
            });
        }
        let shift = if peer.syn_seen() && peer.window_scale().is_none() {
            None
        } else {
            me.window_scale()
        };
        Some(syn_window_bounds(w, shift))
    }

    fn on_other(
        &mut self,
        from: Side,
        s: &Seg,
        in_order: bool,
        now: Duration,
        t: &mut Transitions,
        notes: &mut Notes,
    ) {
        let to = from.peer();
        let fin = s.flags.contains(TcpFlags::FIN);
        let me = *self.half(from);

        // Retransmission and keep-alive notes (numbers only, no state).
        let fin_seq = s.seq + s.len;
        let mut fin_again = fin && me.fin_seq() == Some(fin_seq);
        resend_notes(me.next_seq(), s, fin_again, notes);

        let mut state_from = self.state(from);
        let state_to = self.state(to);
        let peer = *self.half(to);
        if fin_again && state_to == State::SynSent {
            // Its FIN again, after the peer's new SYN: a copy still in flight, a
            // retransmission, or (from TIME-WAIT, which sends no FIN: its own was
            // acknowledged) the FIN of a new TCB the side opened unseen with the same
            // ISN. Its receiver, in SYN-SENT, cannot take it now. Marked pending: a
            // SYN,ACK of that TCB takes it as its own (see `on_segment`), and the
            // receiver's ACK of it shows it arrived (RFC 9293 §3.10.7.4 after the
            // receiver's handshake: a retransmission of it reached it).
            self.half_mut(from).set_fin_pending(true);
        }
        let acks_syn_ack_after_reset = state_from == State::Closed
            && self.marked(SYN_ACK_AFTER_RESET) == Some(to)
            && peer.isn().zip(s.ack).is_some_and(|(isn, a)| a == isn + 1)
            && me.isn().is_some_and(|isn| s.seq == isn + 1);
        if acks_syn_ack_after_reset && state_to != State::Closed {
            // The RST closed this side, and the peer's SYN,ACK seen after it reached
            // it after the RST: only a TCB in SYN-SENT (opened again with the same
            // ISN, its SYN unseen) answers it with this ACK (a closed TCP answers
            // with a RST, RFC 9293 §3.10.7.1). It is ESTABLISHED; the segment is
            // processed as any of it (the peer, its SYN,ACK acknowledged, as
            // usual; a FIN of the peer's seen since stays the peer's).
            self.mark(SYN_ACK_AFTER_RESET, None);
            self.set(from, State::Established, Cause::Revised, t);
            state_from = State::Established;
        }
        if acks_syn_ack_after_reset && state_to == State::Closed && !fin {
            // Both sides closed by a RST, and then a SYN,ACK of the peer answering
            // this side's SYN, sent after the RST or crossing it: this side
            // acknowledges it. A closed TCP sends nothing but RSTs (RFC 9293
            // §3.10.7.1), and one that opened again would have sent a SYN: the RST
            // closed neither of them (it was an earlier incarnation's, e.g. the
            // refusal of a SYN sent before), and this is the handshake's last ACK.
            self.mark(SYN_ACK_AFTER_RESET, None);
            self.set(from, State::Established, Cause::Revised, t);
            self.set(to, State::SynReceived, Cause::Revised, t);
            self.set(to, State::Established, Cause::Received, t);
            self.mark(REVIVED, Some(to));
            return;
        }
        if fin && state_from == State::Closed {
            // A FIN from a side taken for closed is kept: if a SYN,ACK of the side's
            // next TCB shows up with its ISN just before it, the FIN was that TCB's
            // (see `on_syn_ack`).
            self.half_mut(from).set_fin_seq(Some(fin_seq));
        }
        if state_to == State::Closed || state_to == State::Listen {
            notes.insert(Note::AfterClose);
            // A FIN is its sender's own act: it leaves SYN_RECEIVED or ESTABLISHED
            // for FIN_WAIT_1 (CLOSE_WAIT for LAST_ACK) whatever the observer believes
            // of the receiver, whose SYN may still be in flight behind (a new attempt
            // with the ISN the sender took, seen after the sender's SYN,ACK). The
            // receiver processes nothing of it now: it is pending, delivered when the
            // receiver acknowledges it (a closed receiver answers with a RST).
            let before_its_syn = matches!(state_from, State::SynReceived)
                && self
                    .irs_of(to)
                    .or(me.isn())
                    .is_some_and(|isn| s.seq.before(isn + 1));
            if fin
                && !fin_again
                && s.ack.is_some()
                && !before_its_syn
                && matches!(
                    state_from,
                    State::SynReceived | State::Established | State::CloseWait
                )
            {
                let next = if state_from == State::CloseWait {
                    State::LastAck
                } else {
                    State::FinWait1
                };
                self.set(from, next, Cause::Sent, t);
                let h = self.half_mut(from);
                h.set_fin_seq(Some(fin_seq));
                h.set_fin_pending(true);
                if self.marked(FIRST_CLOSER).is_none() {
                    self.mark(FIRST_CLOSER, Some(from));
                }
            }
            return;
        }
        if state_from == State::Closed
            && fin
            && matches!(
                state_to,
                State::Established | State::FinWait1 | State::FinWait2
            )
            && in_order
            && me.contiguous().is_some_and(|c| !c.after(fin_seq))
        {
            // A FIN from a side taken for closed, reaching its receiver's `RCV.NXT`
            // as far as the capture shows, into a state that has taken no FIN: the
            // receiver takes it whatever the observer believed of the sender
            // (§3.10.7.4), and a closed TCP sends no FIN (RFC 9293 §3.10.7.1). The
            // sender opened again unseen — e.g. with the ISNs of a connection seen
            // before, so that its SYN passed for a copy of that one's — and is
            // processed as open: ESTABLISHED, or CLOSE_WAIT if it acknowledges the
            // receiver's FIN; the FIN is its own (one seen at this number before was
            // that connection's).
            let open = if s.ack.is_some_and(|a| peer.acks_fin(a)) {
                State::CloseWait
            } else {
                State::Established
            };
            self.set(from, open, Cause::Revised, t);
            state_from = open;
            fin_again = false;
        }
        if state_from == State::Closed {
            notes.insert(Note::AfterClose);
            // Sent before its sender closed — e.g. its last ACK, in flight while its
            // TIME_WAIT ran out: the receiver still processes the acknowledgment of
            // its FIN (RFC 9293 §3.10.7.4, fifth check), once the segment passes the
            // acceptability test (a retransmitted FIN the receiver has already
            // taken does not, but at the edge, as Linux).
            if self.old_text(from, s, notes) {
                return;
            }
            let peer = *self.half(to);
            // Likewise a receiver in SYN_RECEIVED processes the ACK of its SYN,ACK
            // from a sender the observer believes closed (the ACK was in flight when
            // it closed, or it opened again unseen with the same ISN): it does not
            // know, and becomes ESTABLISHED (RFC 9293 §3.10.7.4, fifth check).
            let irs = self.irs_of(to).or(me.isn());
            if peer.state == State::SynReceived
                && irs.is_some_and(|irs| s.seq == irs + 1)
                && s.ack.is_some_and(|a| peer.acks_syn(a))
            {
                self.set(to, State::Established, Cause::Received, t);
                return;
            }
            if s.ack.is_some_and(|a| peer.acks_fin(a)) {
                match peer.state {
                    State::FinWait1 => self.set(to, State::FinWait2, Cause::Received, t),
                    State::Closing => self.enter_time_wait(to, now, Cause::Received, t),
                    State::LastAck => self.set(to, State::Closed, Cause::Received, t),
                    _ => {}
                }
            }
            return;
        }

        // A segment of a side in SYN_SENT or SYN_RECEIVED that lies before its SYN's
        // ISN + 1 (the one its receiver took: an IRS it kept, else the last seen) was
        // sent before that SYN (an earlier incarnation's, still in flight): it shows
        // nothing of the side's state (no SYN,ACK received, no FIN sent), and its
        // receiver finds it outside the window (RFC 9293 §3.10.7.4, first check).
        let irs = self.irs_of(to).or(me.isn());
        if matches!(state_from, State::SynSent | State::SynReceived)
            && irs.is_some_and(|isn| s.seq.before(isn + 1))
        {
            notes.insert(Note::Unacceptable);
            return;
        }

        // The sender: an ACK from SYN_SENT means it got a SYN,ACK the capture missed —
        // unless it lies before the side's own ISN + 1 while the receiver is
        // synchronized, holding an older IRS of the side against which the segment
        // is in order: the receiver challenged the side's new SYN (RFC 5961 §4) and
        // sent no SYN,ACK for it, so the segment was sent before that SYN, by the
        // earlier incarnation, and shows nothing of the side now. (Into a
        // SYN-RECEIVED receiver that kept an older IRS, the newer SYN may have been
        // an old duplicate it dropped, and the ACK the side's current one.)
        let before_own_syn =
            state_to.is_synchronized() && me.isn().is_some_and(|isn| s.seq.before(isn + 1));
        if let Some(ack) = s.ack {
            if state_from == State::SynSent && !before_own_syn {
                notes.insert(Note::Inferred);
                let peer = self.half_mut(to);
                if peer.isn().is_none() {
                    peer.set_isn(Some(ack - 1));
                    peer.set_next_seq(Some(ack));
                    peer.set_sent_syn_ack(true);
                    peer.set_syn_seen(false);
                }
                // The peer sent that SYN,ACK from SYN_RECEIVED, whatever the
                // observer believed of it (an earlier connection's state), unless it
                // is synchronized in this very connection: it has acknowledged the
                // sender's current SYN, so its later data or FIN passed the capture
                // point before this ACK, and no arrow of RFC 9293's diagram leads back.
                let answered_this_syn = self
                    .half(to)
                    .highest_ack()
                    .zip(self.half(from).isn())
                    .is_some_and(|(acked, isn)| acked.after(isn));
                // Nor does one for a peer seen sending its FIN (FIN_WAIT_1 and
                // after, LAST_ACK) when the ACK lies within that FIN's sequence space:
                // the FIN was sent past SYN_RECEIVED in the connection the peer still
                // holds, whichever TCB of the sender the ACK comes from. (An ACK past
                // it answers a new TCB of the peer, opened after an unseen end.)
                let sent_fin = self.sent_fin_up_to(to, ack);
                if self.state(to) != State::SynReceived
                    && !(self.state(to).is_synchronized() && (answered_this_syn || sent_fin))
                {
                    self.set(to, State::SynReceived, Cause::Inferred, t);
                }
                self.set(from, State::Established, Cause::Inferred, t);
            } else if state_from == State::SynReceived && s.len > 0 {
                // It sends data, which a side in SYN_RECEIVED only queues: the ACK of
                // its SYN,ACK must have reached it although the capture missed it.
                self.set(from, State::Established, Cause::Inferred, t);
                notes.insert(Note::Inferred);
            }
            // It acknowledges a FIN of the peer seen after a gap: the FIN reached it.
            if self.half(to).fin_pending() {
                let p = self.half_mut(to);
                p.set_contiguous(Some(p.contiguous().map_or(ack, |c| c.max_seq(ack))));
                self.deliver_pending_fin(to, now, Cause::Delivered, t);
            }
        }

        // Segments without ACK are dropped in SYN_RECEIVED and later (§3.10.7.4, fifth check).
        let Some(ack) = s.ack else {
            notes.insert(Note::Unacceptable);
            return;
        };

        // The sender's FIN.
        let mut crossed_fin = false;
        if fin && !fin_again {
            let peer = *self.half(to);
            // The peer's FIN, which this side processed (CLOSE_WAIT): at its
            // `RCV.NXT − 1` if the peer, opened again since, forgot it.
            let peer_fin = peer
                .fin_seq()
                .or_else(|| peer.contiguous().map(|rcv_nxt| rcv_nxt - 1));
            if self.state(from) == State::CloseWait && peer_fin.is_some_and(|f| !ack.after(f)) {
                // Our FIN crossed the peer's FIN (RFC 793 figure 14).
                crossed_fin = true;
                notes.insert(Note::Crossed);
                self.set(from, State::Established, Cause::Revised, t);
            }
            let next = match self.state(from) {
                State::CloseWait => State::LastAck,
                State::SynReceived | State::Established => State::FinWait1,
                other => other,
            };
            self.set(from, next, Cause::Sent, t);
            self.half_mut(from).set_fin_seq(Some(fin_seq));
            // After a gap the receiver cannot process the FIN (it is out of order,
            // RFC 9293 §3.10.7.4): it is delivered once the gap is filled. One
            // refused by a zero window that ends before the receiver's RCV.NXT
            // (another sequence space than the receiver's) waits for nothing: it is
            // unacceptable, and no gap of the receiver's can fill up to it.
            self.half_mut(from).set_fin_pending(
                !in_order
                    && !me
                        .contiguous()
                        .is_some_and(|rcv_nxt| (s.seq + s.seg_len).before(rcv_nxt)),
            );
            if self.marked(FIRST_CLOSER).is_none() {
                self.mark(FIRST_CLOSER, Some(from));
            }
        }

        // The receiver: first the acceptability test where the capture can make it —
        // with a zero window only a segment at RCV.NXT is acceptable, and only its
        // ACK is processed (RFC 9293 §3.10.7.4) — then the ACK, then the FIN (fifth
        // then eighth check).
        let peer = *self.half(to);
        if peer.window() == Some(0)
            && (peer.state.is_synchronized() || peer.state == State::SynReceived)
            && me.contiguous().is_some_and(|rcv_nxt| s.seq != rcv_nxt)
        {
            notes.insert(Note::Unacceptable);
            return self.deliver_crossed_fin(crossed_fin, from, now, t);
        }
        if peer.state.is_synchronized() || peer.state == State::SynReceived {
            match self.against_window(from, s.seq) {
                WindowEdge::Beyond => {
                    // At or beyond the right edge of the receiver's window: not
                    // acceptable (RFC 9293 §3.10.7.4, first check), its ACK and FIN
                    // not processed.
                    notes.insert(Note::Unacceptable);
                    return self.deliver_crossed_fin(crossed_fin, from, now, t);
                }
                WindowEdge::BeyondSmallestSyn => notes.insert(Note::AcceptedInUnknownWindow),
                WindowEdge::Within => {}
            }
            // A segment whose text runs past the smallest window the receiver's
            // SYN allows is trimmed there or not, as the window in use decides
            // (RFC 9293 §3.10.7.4, first check): the capture cannot show how much
            // of it, or its FIN, the receiver took.
            // (Only a SYN's window field leaves the window in doubt.)
            if s.len > 0
                && peer.window_from_syn()
                && self.against_window(from, s.seq + (s.len - 1)) == WindowEdge::BeyondSmallestSyn
            {
                notes.insert(Note::AcceptedInUnknownWindow);
            }
        }
        if (peer.state.is_synchronized() || peer.state == State::SynReceived)
            && s.seg_len == 0
            && notes.contains(Note::KeepAlive)
            && me.contiguous().is_some_and(|rcv_nxt| s.seq.before(rcv_nxt))
        {
            // A zero-length keep-alive, below the receiver's RCV.NXT: not acceptable
            // (RFC 9293 §3.10.7.4, first check; Linux too: it ends before
            // `rcv_wup`), its ACK not processed — the receiver answers with an ACK.
            notes.insert(Note::Unacceptable);
            return self.deliver_crossed_fin(crossed_fin, from, now, t);
        }
        if self.old_text(from, s, notes) {
            return self.deliver_crossed_fin(crossed_fin, from, now, t);
        }
        if peer.state == State::SynSent {
            // Neither SYN nor RST in SYN_SENT: dropped, with a RST if the ACK is
            // unacceptable (RFC 9293 §3.10.7.3).
            if !peer.acks_syn(ack) {
                notes.insert(Note::Unacceptable);
            }
            return self.deliver_crossed_fin(crossed_fin, from, now, t);
        }
        if peer.state == State::SynReceived {
            if peer.isn().is_none() || peer.acks_syn(ack) {
                if peer.isn().is_none() {
                    // Its SYN,ACK was not captured.
                    notes.insert(Note::Inferred);
                    let p = self.half_mut(to);
                    p.set_isn(Some(ack - 1));
                    p.set_sent_syn_ack(true);
                }
                self.set(to, State::Established, Cause::Received, t);
            } else {
                notes.insert(Note::Unacceptable);
                return self.deliver_crossed_fin(crossed_fin, from, now, t);
            }
        }
        let peer = *self.half(to);
        if peer.acks_fin(ack) {
            match peer.state {
                State::FinWait1 => self.set(to, State::FinWait2, Cause::Received, t),
                State::Closing => self.enter_time_wait(to, now, Cause::Received, t),
                State::LastAck => self.set(to, State::Closed, Cause::Received, t),
                _ => {}
            }
        }
        if fin && in_order && !self.half(from).fin_pending() {
            let peer = *self.half(to);
            match peer.state {
                State::Established | State::FinWait1 | State::FinWait2 => {
                    self.receive_fin(to, now, Cause::Received, t)
                }
                State::TimeWait if fin_again => {
                    // A retransmitted FIN restarts the 2·MSL timer.
                    self.half_mut(to).set_time_wait_since(Some(now));
                }
                _ => {}
            }
        }
        self.deliver_crossed_fin(crossed_fin, from, now, t);
    }

    /// Whether `s`, text or FIN from `from` into a synchronized receiver (but
    /// TIME_WAIT, judged elsewhere), ends before the receiver's `RCV.NXT`: then it is
    /// not acceptable, its ACK and FIN not processed (RFC 9293 §3.10.7.4, first
    /// check; Linux too: it ends before `rcv_wup`), and [`Note::Unacceptable`] is
    /// noted. A retransmission (the receiver has it), or a segment of another
    /// sequence space than the one the receiver is synchronized in — e.g. a FIN of
    /// its peer's new connection, whose SYN it challenged, looks new to its sender's
    /// numbers but not to the receiver. A retransmission ending exactly at
    /// `RCV.NXT` is noted [`Note::AcceptedAtEdge`]: Linux takes its ACK, the RFC's
    /// test would not.
    fn old_text(&self, from: Side, s: &Seg, notes: &mut Notes) -> bool {
        let peer = self.half(from.peer());
        let Some(rcv_nxt) = self.half(from).contiguous().filter(|_| {
            peer.state.is_synchronized() && peer.state != State::TimeWait && s.seg_len > 0
        }) else {
            return false;
        };
        let end = s.seq + s.seg_len;
        if end.before(rcv_nxt) {
            notes.insert(Note::Unacceptable);
            return true;
        }
        if end == rcv_nxt && notes.contains(Note::Retransmission) {
            notes.insert(Note::AcceptedAtEdge);
        }
        false
    }

    /// After `from`'s FIN that crossed the peer's (if `crossed`): the peer's FIN,
    /// which `from` had not received when it sent its own, arrives now — whether or
    /// not the peer accepts `from`'s segment (its ACK and FIN may be unacceptable,
    /// e.g. into a zero window: that changes nothing of what `from` received).
    fn deliver_crossed_fin(
        &mut self,
        crossed: bool,
        from: Side,
        now: Duration,
        t: &mut Transitions,
    ) {
        if !crossed {
            return;
        }
        let to = from.peer();
        let next = if self.half(to).acks_fin_of(self.half(from)) {
            State::TimeWait
        } else {
            State::Closing
        };
        if next == State::TimeWait {
            self.enter_time_wait(from, now, Cause::Delivered, t);
        } else {
            self.set(from, State::Closing, Cause::Delivered, t);
        }
    }
}

/// The notes of a segment `s` whose sender has sent up to `next_seq`: a keep-alive
/// (at most one byte, one below `SND.NXT`, no FIN), else a retransmission (text
/// below `SND.NXT`, or the sender's FIN again: `fin_again`).
fn resend_notes(next_seq: Option<SeqNum>, s: &Seg, fin_again: bool, notes: &mut Notes) {
    let fin = s.flags.contains(TcpFlags::FIN);
    if let Some(nxt) = next_seq {
        // (The rare conditions first: a test of the length alone would be a
        // branch hard to predict, data and ACKs taking turns.)
        if s.seq == nxt - 1 && s.len <= 1 && !fin {
            notes.insert(Note::KeepAlive);
        } else if (s.seq.before(nxt) && s.len > 0) || fin_again {
            notes.insert(Note::Retransmission);
        }
    } else if fin_again {
        notes.insert(Note::Retransmission);
    }
}

impl Half {
    /// Whether `ack`, sent by the peer of `self`, acknowledges `self`'s SYN.
    fn acks_syn_of(&self, ack: SeqNum) -> bool {
        self.acks_syn(ack)
    }

    /// Whether this side has acknowledged `other`'s FIN.
    fn acks_fin_of(&self, other: &Half) -> bool {
        self.highest_ack().is_some_and(|a| other.acks_fin(a))
    }
}

#[cfg(test)]
mod test {
    extern crate std;

    use super::*;
    use crate::state::is_rfc_transition;
    use std::vec::Vec;

    const T0: Duration = Duration::ZERO;
    const A: Side = Side::Client;
    const B: Side = Side::Server;
    use State::*;

    fn seg(seq: u32, ack: u32, flags: TcpFlags) -> Segment {
        Segment::new(SeqNum(seq), SeqNum(ack), flags).with_window(1000)
    }
    fn syn(seq: u32) -> Segment {
        seg(seq, 0, TcpFlags::SYN)
    }
    fn syn_ack(seq: u32, ack: u32) -> Segment {
        seg(seq, ack, TcpFlags::SYN | TcpFlags::ACK)
    }
    fn ack(seq: u32, ack: u32) -> Segment {
        seg(seq, ack, TcpFlags::ACK)
    }
    fn fin_ack(seq: u32, ack: u32) -> Segment {
        seg(seq, ack, TcpFlags::FIN | TcpFlags::ACK)
    }
    fn rst(seq: u32) -> Segment {
        seg(seq, 0, TcpFlags::RST)
    }
    fn rst_ack(seq: u32, ack: u32) -> Segment {
        seg(seq, ack, TcpFlags::RST | TcpFlags::ACK)
    }

    /// Feeds `from, segment` and asserts (A, B) afterwards.
    #[track_caller]
    fn step(obs: &mut Observer, from: Side, s: Segment, a: State, b: State) -> Observation {
        let o = obs.on_segment(from, &s, T0);
        assert_eq!((obs.state(A), obs.state(B)), (a, b), "after {s:?}: {o:?}");
        assert_eq!(o.state(A), a);
        assert_eq!(o.state(B), b);
        o
    }

    fn path(o: &Observation, side: Side) -> Vec<State> {
        let mut v = Vec::new();
        for t in o
            .transitions
            .iter()
            .filter(|t| t.side == side && t.cause != Cause::Revised)
        {
            if v.last() != Some(&t.from) {
                v.push(t.from);
            }
            v.push(t.to);
        }
        v
    }

    #[test]
    fn test_spare_syn_copies_counted() {
        let spare = |o: &Observer| (o.half(A).spare_syns(), o.half(B).spare_syns());
        let mut o = Observer::new();
        o.on_segment(A, &syn(100), T0);
        o.on_segment(A, &syn(100), T0);
        assert_eq!(spare(&o), (2, 0));
        // The first SYN,ACK of the peer's TCB consumed one; a SYN,ACK is no copy of
        // its sender's SYN.
        o.on_segment(B, &syn_ack(300, 101), T0);
        assert_eq!(spare(&o), (1, 0));
        // Its retransmission shows nothing more consumed.
        o.on_segment(B, &syn_ack(300, 101), T0);
        assert_eq!(spare(&o), (1, 0));
        // An old duplicate (an earlier ISN, in SYN_SENT) is no copy of the ISN held,
        // and leaves the count alone.
        let mut o = Observer::new();
        o.on_segment(A, &syn(100), T0);
        o.on_segment(A, &syn(100), T0);
        let d = o.on_segment(A, &syn(50), T0);
        assert!(d.notes.contains(Note::OldDuplicate), "{d:?}");
        assert_eq!((o.isn(A), spare(&o)), (Some(SeqNum(100)), (2, 0)));
        // Three or more copies: how many are left is no longer known, and stays so.
        let mut o = Observer::new();
        for _ in 0..4 {
            o.on_segment(A, &syn(100), T0);
        }
        assert_eq!(spare(&o), (SPARE_SYNS_MANY, 0));
        o.on_segment(B, &syn_ack(300, 101), T0);
        assert_eq!(spare(&o), (SPARE_SYNS_MANY, 0));
        // A SYN with another ISN starts the count over.
        o.on_segment(A, &syn(5000), T0);
        assert_eq!(spare(&o), (1, 0));
    }

    #[test]
    fn test_syn_window_bounds() {
        // No scaling, or a zero field: the field is the window.
        assert_eq!(syn_window_bounds(1000, None), (1000, 1000));
        assert_eq!(syn_window_bounds(0, Some(5)), (0, 0));
        // Below one unit: Endpoint announces one unit (16,384), Linux the field.
        assert_eq!(syn_window_bounds(2, Some(14)), (2, 16_384));
        // Above: Endpoint rounds down to whole units (2 × 16,384).
        assert_eq!(syn_window_bounds(40_000, Some(14)), (32_768, 40_000));
        // A full field: anything up to the field shifted (65,535 << 3), and at
        // least the field rounded down to units.
        assert_eq!(syn_window_bounds(u16::MAX, Some(3)), (65_528, 524_280));
        // Shifts above 14 count as 14 (RFC 7323 §2.3).
        assert_eq!(
            syn_window_bounds(u16::MAX, Some(20)),
            (49_152, 65_535 << 14)
        );
    }

    #[test]
    fn test_msl_kept_to_the_nanosecond_and_saturated() {
        let msl = Duration::new(1, 500_000_001);
        assert_eq!(Observer::new().with_msl(msl).msl(), msl);
        assert_eq!(
            Observer::new().with_msl(Duration::MAX).msl(),
            Duration::from_nanos(u64::MAX)
        );
        let limit = Duration::from_nanos(u64::MAX);
        assert_eq!(
            Observer::new()
                .with_msl(limit + Duration::from_nanos(1))
                .msl(),
            limit
        );
    }

    #[test]
    fn test_new_is_closed_and_listen() {
        let obs = Observer::new();
        assert_eq!((obs.state(A), obs.state(B)), (Closed, Listen));
        assert_eq!(obs.msl(), DEFAULT_MSL);
        assert_eq!(obs.isn(A), None);
    }

    // RFC 793 figure 7 [RFC 9293 figure 6], REFERENCE.md §5.2.
    #[test]
    fn test_figure_7_three_way_handshake() {
        let mut obs = Observer::new();
        let o = step(&mut obs, A, syn(100), SynSent, SynReceived); // line 2
        assert!(o.notes.is_empty());
        assert_eq!(path(&o, B), [Listen, SynReceived]);
        let o = step(&mut obs, B, syn_ack(300, 101), Established, SynReceived); // line 3
        assert_eq!((o.relative_seq, o.relative_ack), (0, Some(1)));
        step(&mut obs, A, ack(101, 301), Established, Established); // line 4
        let o = step(
            &mut obs,
            A,
            ack(101, 301).with_len(10),
            Established,
            Established,
        ); // line 5
        assert!(o.notes.is_empty(), "{o:?}");
        assert_eq!(
            (obs.isn(A), obs.isn(B)),
            (Some(SeqNum(100)), Some(SeqNum(300)))
        );
        assert_eq!(obs.numbers(A).next_seq, Some(SeqNum(111)));
        assert_eq!(obs.numbers(A).highest_ack, Some(SeqNum(301)));
    }

    // RFC 793 figure 8 [RFC 9293 figure 7]: simultaneous open, segments in wire order.
    #[test]
    fn test_figure_8_simultaneous_open() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived); // line 2 (assumed delivered)
        let o = step(&mut obs, B, syn(300), SynReceived, SynReceived); // lines 3-4
        assert!(o.notes.contains(Note::Crossed));
        assert_eq!(path(&o, B), [Closed, SynSent, SynReceived]);
        assert_eq!(path(&o, A), [SynSent, SynReceived]);
        let o = step(&mut obs, A, syn_ack(100, 301), SynReceived, Established); // line 5 (+7)
        assert!(!o.notes.contains(Note::Retransmission));
        let o = step(&mut obs, B, syn_ack(300, 101), Established, Established); // line 6
        assert!(o.notes.contains(Note::Crossed));
        assert_eq!(path(&o, B), [SynReceived, Established]);
        assert_eq!(path(&o, A), [SynReceived, Established]);
    }

    // The same segments, the two SYN,ACKs in the other order: both still pass SYN_RECEIVED.
    #[test]
    fn test_figure_8_other_order() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn(300), SynReceived, SynReceived);
        step(&mut obs, B, syn_ack(300, 101), Established, SynReceived);
        let o = step(&mut obs, A, syn_ack(100, 301), Established, Established);
        assert!(o.notes.contains(Note::Crossed));
        step(&mut obs, A, ack(101, 301), Established, Established);
        step(&mut obs, B, ack(301, 101), Established, Established);
    }

    // RFC 793 figure 13 [RFC 9293 figure 12]: normal close.
    #[test]
    fn test_figure_13_normal_close() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(99), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(299, 100), Established, SynReceived);
        step(&mut obs, A, ack(100, 300), Established, Established); // line 1
        let o = step(&mut obs, A, fin_ack(100, 300), FinWait1, CloseWait); // line 2
        assert_eq!(obs.first_closer(), Some(A));
        assert_eq!(obs.numbers(A).fin_seq, Some(SeqNum(100)));
        assert!(o.notes.is_empty());
        step(&mut obs, B, ack(300, 101), FinWait2, CloseWait); // line 3
        let t4 = Duration::from_secs(10);
        let o = obs.on_segment(B, &fin_ack(300, 101), t4); // line 4
        assert_eq!((o.state(A), o.state(B)), (TimeWait, LastAck));
        assert_eq!(obs.time_wait_deadline(A), Some(t4 + 2 * DEFAULT_MSL));
        step(&mut obs, A, ack(101, 301), TimeWait, Closed); // line 5
        obs.on_time(t4 + 2 * DEFAULT_MSL - Duration::from_nanos(1));
        assert_eq!(obs.state(A), TimeWait);
        obs.on_time(t4 + 2 * DEFAULT_MSL); // line 6
        assert_eq!((obs.state(A), obs.state(B)), (Closed, Closed));
    }

    // RFC 793 figure 14 [RFC 9293 figure 13]: simultaneous close, wire order.
    #[test]
    fn test_figure_14_simultaneous_close() {
        let mut obs = Observer::new().with_msl(Duration::from_secs(30));
        step(&mut obs, A, syn(99), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(299, 100), Established, SynReceived);
        step(&mut obs, A, ack(100, 300), Established, Established); // line 1
        step(&mut obs, A, fin_ack(100, 300), FinWait1, CloseWait); // line 2, A's FIN
        let o = step(&mut obs, B, fin_ack(300, 100), Closing, Closing); // line 2, B's FIN
        assert!(o.notes.contains(Note::Crossed));
        assert_eq!(path(&o, B), [Established, FinWait1, Closing]);
        assert_eq!(path(&o, A), [FinWait1, Closing]);
        step(&mut obs, A, ack(101, 301), Closing, TimeWait); // line 3
        step(&mut obs, B, ack(301, 101), TimeWait, TimeWait); // line 3
        obs.on_time(Duration::from_secs(60)); // line 4: 2·MSL
        assert_eq!((obs.state(A), obs.state(B)), (Closed, Closed));
    }

    // Fuzz find: in a simultaneous close A's ACK of B's FIN is in flight while A's
    // TIME_WAIT runs out. It still reaches B, in CLOSING, which enters TIME_WAIT
    // (RFC 9293 §3.10.7.4: CLOSING, an ACK of our FIN).
    #[test]
    fn test_last_ack_arrives_after_its_sender_time_wait_expired() {
        let mut obs = Observer::new().with_msl(Duration::from_secs(30));
        step(&mut obs, A, syn(99), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(299, 100), Established, SynReceived);
        step(&mut obs, A, ack(100, 300), Established, Established);
        step(&mut obs, A, fin_ack(100, 300), FinWait1, CloseWait);
        step(&mut obs, B, fin_ack(300, 100), Closing, Closing);
        step(&mut obs, B, ack(301, 101), TimeWait, Closing);
        obs.on_time(Duration::from_secs(60));
        assert_eq!((obs.state(A), obs.state(B)), (Closed, Closing));
        let o = obs.on_segment(A, &ack(101, 301), Duration::from_secs(61));
        assert_eq!((obs.state(A), obs.state(B)), (Closed, TimeWait));
        assert!(o.notes.contains(Note::AfterClose));
        // Data or an ACK of nothing new changes nothing.
        let o = obs.on_segment(A, &ack(101, 301), Duration::from_secs(62));
        assert!(o.transitions.is_empty());
    }

    // RFC 793 figure 9 [RFC 9293 figure 8]: recovery from an old duplicate SYN, as
    // seen next to A (the duplicate never passes there) and in the middle (it does).
    #[test]
    fn test_figure_9_old_duplicate_syn() {
        for with_duplicate in [false, true] {
            let mut obs = Observer::new();
            step(&mut obs, A, syn(100), SynSent, SynReceived); // line 2
            if with_duplicate {
                let o = step(&mut obs, A, syn(90), SynSent, SynReceived); // line 3
                assert!(o.notes.contains(Note::OldDuplicate));
            }
            let o = step(&mut obs, B, syn_ack(300, 91), SynSent, SynReceived); // line 4
            assert!(o.notes.contains(Note::Unacceptable));
            let o = step(&mut obs, A, rst(91), SynSent, Listen); // line 5
            assert!(o.notes.contains(Note::RstAccepted));
            // line 6: the delayed SYN 100 reaches B (seen already); line 7 (RFC 9293):
            step(&mut obs, B, syn_ack(400, 101), Established, SynReceived);
            step(&mut obs, A, ack(101, 401), Established, Established); // line 8
        }
    }

    // Fuzz find: in a simultaneous open B closes from SYN_RECEIVED, and its FIN
    // overtakes its SYN,ACK and its SYN before the capture point. A, in SYN_SENT,
    // drops the FIN (no SYN, RFC 9293 §3.10.7.3), then the SYN,ACK acknowledging
    // its SYN takes it to ESTABLISHED; B's SYN, late, draws only an ACK (§3.10.7.4,
    // RFC 5961 §4). B stays in FIN_WAIT_1 throughout.
    #[test]
    fn test_syn_ack_seen_after_its_senders_fin() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, fin_ack(501, 101), SynSent, FinWait1);
        let o = step(&mut obs, B, syn_ack(500, 101), Established, FinWait1);
        assert!(!o.notes.contains(Note::Unacceptable));
        step(&mut obs, B, syn(500), Established, FinWait1);
        // A's ACK of B's SYN and FIN: B reaches FIN_WAIT_2.
        step(&mut obs, A, ack(101, 502), Established, FinWait2);
    }

    // Fuzz find: the same, with B's SYN right after its FIN: A, in SYN_SENT, drops
    // the FIN, and the SYN takes it to SYN_RECEIVED (simultaneous open, RFC 9293
    // §3.10.7.3); B stays in FIN_WAIT_1. A's SYN,ACK (acknowledging B's SYN, not
    // its FIN) leaves B there; B's SYN,ACK takes A to ESTABLISHED.
    #[test]
    fn test_syn_seen_after_its_senders_fin() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, fin_ack(501, 101), SynSent, FinWait1);
        let o = step(&mut obs, B, syn(500), SynReceived, FinWait1);
        assert!(o.notes.is_empty(), "{o:?}");
        step(&mut obs, B, syn_ack(500, 101), Established, FinWait1);
        step(&mut obs, A, syn_ack(100, 501), Established, FinWait1);
        step(&mut obs, A, ack(101, 502), Established, FinWait2);
    }

    // Fuzz find: A, reset back to LISTEN after its SYN,ACK, opens actively with the
    // same ISN (the same tick of its ISN clock). A bare SYN from LISTEN is a new
    // open (RFC 9293 §3.10.2, SEND in LISTEN), not a retransmission of the SYN,ACK.
    #[test]
    fn test_listen_reset_then_active_open_same_isn() {
        let mut obs = Observer::new();
        step(&mut obs, B, syn(500), SynReceived, SynSent);
        step(&mut obs, A, syn_ack(100, 501), SynReceived, Established);
        step(&mut obs, B, rst(501), Listen, Closed);
        let o = step(&mut obs, A, syn(100), SynSent, SynReceived);
        assert!(o.notes.contains(Note::Reopened));
        step(&mut obs, B, syn_ack(700, 101), Established, SynReceived);
        step(&mut obs, A, ack(101, 701), Established, Established);
    }

    // Fuzz find: B's SYN is refused (A answers with a RST,ACK); then A opens, and
    // B, now SYN_RECEIVED, closes, and its FIN overtakes its SYN before the capture
    // point. A's SYN starts a new connection: B's old ISN does not make B's late SYN
    // a new open.
    #[test]
    fn test_refused_then_reverse_open_with_late_syn() {
        let mut obs = Observer::new();
        step(&mut obs, B, syn(900), SynReceived, SynSent);
        let o = step(&mut obs, A, rst_ack(0, 901), Closed, Closed);
        assert!(o.notes.contains(Note::Refused));
        let o = step(&mut obs, A, syn(100), SynSent, SynReceived);
        assert!(o.notes.contains(Note::Reopened));
        assert_eq!(obs.isn(B), None);
        step(&mut obs, B, fin_ack(501, 101), SynSent, FinWait1);
        step(&mut obs, B, syn(500), SynReceived, FinWait1);
    }

    // Fuzz find: a simultaneous open; B aborts, and its RST reaches A (now
    // ESTABLISHED) before A's SYN,ACK, sent from SYN_RECEIVED, reaches B. That
    // SYN,ACK (A's ISN again) belongs to the connection that ended: A stays CLOSED,
    // and B, CLOSED, answers it with a RST (RFC 9293 §3.10.7.1).
    #[test]
    fn test_crossed_syn_ack_after_reset() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn(500), SynReceived, SynReceived);
        step(&mut obs, B, syn_ack(500, 101), Established, SynReceived);
        step(&mut obs, B, rst(501), Closed, Closed);
        let o = step(&mut obs, A, syn_ack(100, 501), Closed, Closed);
        assert!(o.notes.contains(Note::AfterClose));
    }

    // Fuzz find: the FINs cross (figure 14); then B, closed unseen (user timeout),
    // answers A's FIN with <SEQ=SEG.ACK><CTL=RST> — the ACK of A's FIN, which
    // crossed B's FIN and so is one short of A's RCV.NXT: B's FIN's own sequence
    // number. A has B's FIN: by RFC 9293 §3.10.7.4 and RFC 5961 §3 the RST is
    // outside its window; Linux (`tcp_reset_check`) and `Endpoint` take it in
    // CLOSING, and so does the observer. In TIME_WAIT they do not.
    #[test]
    fn test_rst_at_a_crossed_ack_is_outside() {
        let crossed = || {
            let mut obs = Observer::new();
            step(&mut obs, A, syn(99), SynSent, SynReceived);
            step(&mut obs, B, syn_ack(299, 100), Established, SynReceived);
            step(&mut obs, A, ack(100, 300), Established, Established);
            step(&mut obs, B, fin_ack(300, 100), CloseWait, FinWait1);
            let o = step(&mut obs, A, fin_ack(100, 300), Closing, Closing);
            assert!(o.notes.contains(Note::Crossed));
            obs
        };
        let mut obs = crossed();
        let o = step(&mut obs, B, rst(300), Closed, Closed);
        assert!(o.notes.contains(Note::RstAccepted));
        // At A's RCV.NXT (after B's FIN) it resets A too.
        let mut obs = crossed();
        let o = step(&mut obs, B, rst(301), Closed, Closed);
        assert!(o.notes.contains(Note::RstAccepted));
        // In TIME_WAIT (B's ACK of A's FIN seen), B's FIN's number is below the window.
        let mut obs = crossed();
        step(&mut obs, B, ack(301, 101), TimeWait, Closing);
        let o = step(&mut obs, B, rst(300), TimeWait, Closing);
        assert!(o.notes.contains(Note::RstIgnored));
    }

    // Fuzz find `crash-96132b84` (and five like it): the FINs cross; A's receive
    // window is zero, so B's crossed FIN is refused (RFC 9293 §3.10.7.4) — but B
    // got A's FIN before it, and is in CLOSING whatever A does with B's FIN. The
    // observer returned early on the unacceptable FIN and left B in FIN_WAIT_1.
    #[test]
    fn test_crossed_fin_into_a_zero_window_still_delivers_the_peers_fin() {
        let mut obs = Observer::new();
        let zero = |s: Segment| s.with_window(0);
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(300, 101), Established, SynReceived);
        step(&mut obs, A, zero(ack(101, 301)), Established, Established);
        // One byte into the zero window: refused, A's RCV.NXT stays 301.
        step(
            &mut obs,
            B,
            ack(301, 101).with_len(1),
            Established,
            Established,
        );
        step(&mut obs, A, zero(fin_ack(101, 301)), FinWait1, CloseWait);
        let o = step(&mut obs, B, fin_ack(302, 101), FinWait1, Closing);
        assert!(o.notes.contains(Note::Crossed), "{o:?}");
        assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
        assert_eq!(path(&o, B), [Established, FinWait1, Closing]);
    }

    // Fuzz finds `crash-8a0bab36`, `bab73c0a`, `397e45ec`: B, in SYN_RECEIVED with
    // A's SYN 100, is seen sending a FIN whose ACK (51) does not acknowledge that
    // SYN: an earlier incarnation's FIN, still in flight. Nothing of it is
    // processed; B's SYN,ACK and A's ACK then open the connection.
    #[test]
    fn test_fin_acking_another_syn_from_syn_received_is_an_old_incarnations() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        let o = step(&mut obs, B, fin_ack(9, 51), SynSent, SynReceived);
        assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
        assert!(o.transitions.is_empty(), "{o:?}");
        assert_eq!(obs.numbers(B).fin_seq, None);
        step(&mut obs, B, syn_ack(500, 101), Established, SynReceived);
        step(&mut obs, A, ack(101, 501), Established, Established);
    }

    // Fuzz find `crash-7d8b9b90`: the FINs cross; a zero-length segment of B at
    // its FIN's sequence number (SND.NXT − 1, a keep-alive's place: here another
    // incarnation's ACK with the same ISN) lies below A's RCV.NXT: unacceptable
    // (RFC 9293 §3.10.7.4; Linux too), its ACK of A's FIN not processed. A stays in
    // CLOSING until B's real ACK.
    #[test]
    fn test_keep_alive_below_rcv_nxt_processes_no_ack() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(300, 101), Established, SynReceived);
        step(&mut obs, A, ack(101, 301), Established, Established);
        step(&mut obs, A, fin_ack(101, 301), FinWait1, CloseWait);
        step(&mut obs, B, fin_ack(301, 101), Closing, Closing);
        let o = step(&mut obs, B, ack(301, 102), Closing, Closing);
        assert!(o.notes.contains(Note::KeepAlive), "{o:?}");
        assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
        step(&mut obs, B, ack(302, 102), TimeWait, Closing);
    }

    // Fuzz find: after a normal close (B in TIME_WAIT, A CLOSED), A opens again with
    // its old ISN. B's TIME_WAIT does not reopen (RFC 6191: the SYN is not beyond
    // RCV.NXT) and answers with an ACK; A is in SYN_SENT.
    #[test]
    fn test_old_isn_into_time_wait_does_not_reopen() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(99), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(299, 100), Established, SynReceived);
        step(&mut obs, A, ack(100, 300), Established, Established);
        step(&mut obs, B, fin_ack(300, 100), CloseWait, FinWait1);
        step(&mut obs, A, ack(100, 301), CloseWait, FinWait2);
        step(&mut obs, A, fin_ack(100, 301), LastAck, TimeWait);
        step(&mut obs, B, ack(301, 101), Closed, TimeWait);
        let o = step(&mut obs, A, syn(99), SynSent, TimeWait);
        assert!(o.notes.contains(Note::Unacceptable) && !o.notes.contains(Note::Reopened));
        // B's ACK does not acknowledge A's SYN: A resets it and stays in SYN_SENT.
        step(&mut obs, B, ack(301, 101), SynSent, TimeWait);
    }

    // Fuzz find: the same, then A's RST (answering B's ACK) kills B's TIME_WAIT
    // (RFC 9293 §3.10.7.4; RFC 1337's hazard), B listens again, and A's SYN is
    // retransmitted: it reaches B, which takes it (SYN_RECEIVED).
    #[test]
    fn test_retransmitted_syn_reaches_a_listener() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(99), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(299, 100), Established, SynReceived);
        step(&mut obs, A, ack(100, 300), Established, Established);
        step(&mut obs, B, fin_ack(300, 100), CloseWait, FinWait1);
        step(&mut obs, A, fin_ack(100, 301), LastAck, TimeWait);
        step(&mut obs, B, ack(301, 101), Closed, TimeWait);
        step(&mut obs, A, syn(99), SynSent, TimeWait);
        step(&mut obs, A, rst(101), SynSent, Closed);
        let o = step(&mut obs, A, syn(99), SynSent, SynReceived);
        assert!(o.notes.contains(Note::Reopened));
        // The same connection again, the same numbers: not retransmissions.
        step(&mut obs, B, syn_ack(299, 100), Established, SynReceived);
        step(&mut obs, A, ack(100, 300), Established, Established);
        step(&mut obs, B, fin_ack(300, 100), CloseWait, FinWait1);
    }

    // Fuzz find: A's SYN reaches B, listening (SYN_RECEIVED); A aborts silently and
    // opens again with a later ISN. B, passive, returns to LISTEN on that SYN (RFC
    // 9293 §3.10.7.4, fourth check); its retransmission opens B again.
    #[test]
    fn test_new_syn_returns_passive_syn_received_to_listen() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        // B's SYN,ACK (window 1000): A had aborted, its RST is not captured.
        step(&mut obs, B, syn_ack(700, 101), Established, SynReceived);
        step(&mut obs, A, syn(600), SynSent, Listen);
        step(&mut obs, A, syn(600), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(900, 601), Established, SynReceived);
    }

    // Fuzz find: after a normal close B aborts silently in TIME_WAIT and listens
    // again; A opens with its old ISN and B, listening, answers with a SYN,ACK. The
    // SYN,ACK shows B's TIME_WAIT is over: a new connection, even with the old
    // numbers (A's FIN then takes it to LAST_ACK, not a retransmission).
    #[test]
    fn test_syn_ack_from_time_wait_starts_over() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(99), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(299, 100), Established, SynReceived);
        step(&mut obs, A, ack(100, 300), Established, Established);
        step(&mut obs, B, fin_ack(300, 100), CloseWait, FinWait1);
        step(&mut obs, A, fin_ack(100, 301), LastAck, TimeWait);
        step(&mut obs, B, ack(301, 101), Closed, TimeWait);
        step(&mut obs, A, syn(99), SynSent, TimeWait);
        let o = step(&mut obs, B, syn_ack(299, 100), Established, SynReceived);
        assert!(o.notes.contains(Note::Reopened));
        step(&mut obs, A, ack(100, 300), Established, Established);
        step(&mut obs, B, fin_ack(300, 100), CloseWait, FinWait1);
        step(&mut obs, A, fin_ack(100, 301), LastAck, TimeWait);
    }

    // Fuzz find: B answers A's SYN (100) with a SYN,ACK, which crosses A's new SYN
    // (600, in B's window): B goes back to LISTEN (RFC 9293 §3.10.7.4), and its
    // SYN,ACK, acknowledging the old SYN, opens nothing; A, in SYN_SENT, finds its
    // ACK unacceptable.
    #[test]
    fn test_syn_ack_crossing_a_new_syn_opens_nothing() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, A, syn(600), SynSent, Listen);
        let o = step(&mut obs, B, syn_ack(700, 101), SynSent, Listen);
        assert!(o.notes.contains(Note::Unacceptable));
    }

    // Fuzz find: the FINs cross; A's ACK takes B to TIME_WAIT, B's ACK is not seen,
    // so A stays in CLOSING; B's 2·MSL runs out and B opens again. A answers the
    // SYN with a challenge ACK (RFC 5961 §4); B is in SYN_SENT all the same.
    #[test]
    fn test_syn_into_a_synchronized_peer_opens_its_sender() {
        let mut obs = Observer::new().with_msl(Duration::from_secs(30));
        step(&mut obs, A, syn(99), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(299, 100), Established, SynReceived);
        step(&mut obs, A, ack(100, 300), Established, Established);
        step(&mut obs, A, fin_ack(100, 300), FinWait1, CloseWait);
        step(&mut obs, B, fin_ack(300, 100), Closing, Closing);
        step(&mut obs, A, ack(101, 301), Closing, TimeWait);
        obs.on_time(Duration::from_secs(60));
        assert_eq!((obs.state(A), obs.state(B)), (Closing, Closed));
        let o = obs.on_segment(B, &syn(5000), Duration::from_secs(61));
        // A synchronized receiver does not take it as a new connection.
        assert!(o.notes.contains(Note::Unacceptable) && !o.notes.contains(Note::Reopened));
        assert_eq!((obs.state(A), obs.state(B)), (Closing, SynSent));
    }

    // Fuzz find: a simultaneous open; A has taken B's SYN (500) and is in
    // SYN_RECEIVED; a SYN,ACK from B with another ISN (900) acknowledging A's SYN
    // draws a challenge ACK (RFC 9293 §3.10.7.4 fourth check, RFC 5961 §4): A stays.
    #[test]
    fn test_syn_ack_with_another_isn_into_active_syn_received() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn(500), SynReceived, SynReceived);
        let o = step(&mut obs, B, syn_ack(900, 101), SynReceived, SynReceived);
        assert!(o.notes.contains(Note::Unacceptable));
        step(&mut obs, B, syn_ack(500, 101), Established, SynReceived);
    }

    // Fuzz find ab873a5b: B's SYN (ISN 100) reaches A in SYN_SENT (simultaneous
    // open: A takes IRS 100); B, aborted and reopened with ISN 101, sends its SYN and
    // SYN,ACK: A, in an active SYN-RECEIVED, challenges both (RFC 9293 §3.10.7.4
    // fourth check, RFC 5961 §4) and keeps IRS 100, so the SYN,ACK's ACK is not
    // processed: A stays in SYN_RECEIVED.
    #[test]
    fn test_new_isn_into_active_syn_received_keeps_its_irs() {
        let mut obs = Observer::new();
        step(&mut obs, B, syn(100), SynReceived, SynSent);
        step(&mut obs, A, syn(500), SynReceived, SynReceived);
        let o = step(&mut obs, B, syn(101), SynReceived, SynSent);
        // A fresh SYN is sent from CLOSED: B's first connection ended unseen.
        assert_eq!(path(&o, B), [SynReceived, Closed, SynSent]);
        let o = step(&mut obs, B, syn_ack(101, 501), SynReceived, SynReceived);
        assert!(o.notes.contains(Note::Unacceptable));
        // Its retransmission too.
        step(&mut obs, B, syn_ack(101, 501), SynReceived, SynReceived);
        // B's FIN (SEQ 102) acknowledges A's SYN, but A's RCV.NXT is 101 (IRS 100):
        // out of order, the FIN waits (RFC 9293 §3.10.7.4, eighth step).
        step(&mut obs, B, fin_ack(102, 501), Established, FinWait1);
    }

    // Fuzz find 7366aa62: A advertises a zero window (RFC 9293 §3.10.7.4: it
    // refuses text and FIN); B aborts and opens again with the same ISN; A's
    // SYN,ACK for the new connection comes after B's FIN: A, its buffer still full,
    // drops the FIN and stays ESTABLISHED.
    #[test]
    fn test_zero_window_survives_a_reopen() {
        let mut obs = Observer::new();
        let mut a_syn = syn(500);
        a_syn.window = 0;
        step(&mut obs, A, a_syn, SynSent, SynReceived);
        step(&mut obs, B, syn_ack(100, 501), Established, SynReceived);
        step(&mut obs, B, rst(101), Closed, Closed);
        let o = step(&mut obs, B, syn(100), SynReceived, SynSent);
        assert!(o.notes.contains(Note::Reopened));
        step(&mut obs, B, ack(101, 501), Established, Established);
        step(&mut obs, B, fin_ack(101, 501), Established, FinWait1);
    }

    // Observer mutants (cargo mutants over src/state), each pinned by hand below.

    // Data into a zero window is refused (RFC 9293 §3.10.7.4): the receiver's
    // RCV.NXT stays, and a FIN after that data is after a gap once the window opens.
    #[test]
    fn test_data_into_a_zero_window_leaves_a_gap() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(500, 101), Established, SynReceived);
        step(
            &mut obs,
            A,
            ack(101, 501).with_window(0),
            Established,
            Established,
        );
        step(
            &mut obs,
            B,
            ack(501, 101).with_len(10),
            Established,
            Established,
        );
        step(&mut obs, A, ack(101, 501), Established, Established);
        // B's FIN at 511: A still waits for 501..511.
        step(&mut obs, B, fin_ack(511, 101), Established, FinWait1);
    }

    // A side in SYN_SENT that reset an unacceptable ACK (and stays in SYN_SENT,
    // RFC 9293 §3.10.7.3) sends a SYN with another ISN: the peer, back in LISTEN,
    // takes any SYN (§3.10.7.2): SYN_RECEIVED.
    #[test]
    fn test_listener_takes_a_syn_from_a_side_still_in_syn_sent() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, ack(0, 0), SynSent, SynReceived);
        step(&mut obs, A, rst(0), SynSent, Listen);
        // Anything but a SYN from A reaches a listener: ignored (it answers a RST).
        let o = step(&mut obs, A, ack(101, 7), SynSent, Listen);
        assert!(o.notes.contains(Note::AfterClose));
        step(&mut obs, A, syn(50), SynSent, SynReceived);
    }

    // A SYN_SENT side seen sending a later ISN: a new attempt, its path stays in
    // SYN_SENT (no CLOSED in between: SYN_SENT → CLOSED → SYN_SENT is not what
    // happened, RFC 9293 §3.10.4 lets it retry from SYN_SENT).
    #[test]
    fn test_syn_sent_later_isn_path_stays_in_syn_sent() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        let o = step(&mut obs, A, syn(5000), SynSent, Listen);
        assert!(path(&o, A).iter().all(|s| *s == SynSent));
    }

    // The capture starts with a segment that has neither SYN nor ACK: mid-stream.
    #[test]
    fn test_first_segment_without_syn_or_ack_is_midstream() {
        let mut obs = Observer::new();
        let o = step(
            &mut obs,
            A,
            seg(100, 0, TcpFlags::PSH).with_len(5),
            Established,
            Established,
        );
        assert!(o.notes.contains(Note::Midstream));
    }

    // An established active opener sends a SYN,ACK with another ISN: unacceptable,
    // not a retransmission (its SYN was 100).
    #[test]
    fn test_established_syn_ack_with_another_isn_is_unacceptable() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(500, 101), Established, SynReceived);
        step(&mut obs, A, ack(101, 501), Established, Established);
        let o = step(&mut obs, A, syn_ack(300, 501), Established, Established);
        assert!(o.notes.contains(Note::Unacceptable));
        assert!(!o.notes.contains(Note::Retransmission));
    }

    // A simultaneous open whose A SYN was lost before the capture: B's SYN takes A
    // to SYN_RECEIVED, B's SYN,ACK acknowledges A's SYN (ISN 99 = 100 - 1): A is
    // ESTABLISHED (RFC 9293 §3.10.7.4 fifth check).
    #[test]
    fn test_syn_ack_acknowledging_an_unseen_syn_establishes() {
        let mut obs = Observer::new();
        step(&mut obs, B, syn(500), SynReceived, SynSent);
        let o = step(&mut obs, B, syn_ack(500, 100), Established, SynReceived);
        assert_eq!(o.relative_ack, Some(1));
    }

    // A SYN,ACK (crossing the RST that returned its receiver to CLOSED) reaches a
    // closed side: after close.
    #[test]
    fn test_syn_ack_into_a_closed_side_is_after_close() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(500, 101), Established, SynReceived);
        step(&mut obs, A, rst(101), Closed, Listen);
        let o = obs.on_segment(B, &syn_ack(500, 101), T0);
        assert_eq!(obs.state(A), Closed);
        assert!(o.notes.contains(Note::AfterClose));
    }

    // A second RST into a side already closed: ignored, after close.
    #[test]
    fn test_rst_into_a_closed_side_is_ignored() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, rst_ack(0, 101), Closed, Closed);
        let o = step(&mut obs, B, rst_ack(0, 101), Closed, Closed);
        assert!(o.notes.contains(Note::AfterClose) && o.notes.contains(Note::RstIgnored));
        assert!(!o.notes.contains(Note::RstAccepted));
    }

    // A RST from a side that already sent (its SYN,ACK) is an abort, not a refusal;
    // so is a side's first segment, a RST, when the peer is not in SYN_SENT.
    #[test]
    fn test_rst_after_a_syn_ack_is_not_a_refusal() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(500, 7), SynSent, SynReceived);
        let o = step(&mut obs, B, rst_ack(501, 101), Closed, Closed);
        assert!(o.notes.contains(Note::RstAccepted) && !o.notes.contains(Note::Refused));

        let mut obs = Observer::new();
        step(&mut obs, A, ack(100, 500), Established, Established);
        let o = step(&mut obs, B, rst(500), Closed, Closed);
        assert!(o.notes.contains(Note::RstAccepted) && !o.notes.contains(Note::Refused));
        assert_eq!(path(&o, B), [Established, Closed]);
    }

    // A RST into an active SYN_RECEIVED side (simultaneous open), then a pure ACK
    // from that side acknowledging more than the RST's number (B had sent more than
    // the capture shows): the RST was in the window, not exact, and drew RFC 5961
    // §3's challenge ACK: A did not reset.
    #[test]
    fn test_rst_into_syn_received_revised_by_its_ack() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn(500), SynReceived, SynReceived);
        step(&mut obs, B, rst(501), Closed, Closed);
        let o = step(&mut obs, A, ack(101, 600), SynReceived, Closed);
        assert!(o.notes.contains(Note::Challenged));
    }

    // A pure ACK with an old sequence number (sent before data, reordered) is not a
    // retransmission: only segments that carry text, SYN or FIN are.
    #[test]
    fn test_old_pure_ack_is_not_a_retransmission() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(500, 101), Established, SynReceived);
        step(
            &mut obs,
            A,
            ack(101, 501).with_len(10),
            Established,
            Established,
        );
        let o = step(&mut obs, A, ack(101, 501), Established, Established);
        assert!(!o.notes.contains(Note::Retransmission));
        let o = step(
            &mut obs,
            A,
            ack(101, 501).with_len(10),
            Established,
            Established,
        );
        assert!(o.notes.contains(Note::Retransmission));
    }

    // A side in SYN_SENT (it reset an unacceptable ACK, RFC 9293 §3.10.7.3) gets
    // the peer's SYN: SYN_RECEIVED (simultaneous open, §3.10.7.3 fourth step).
    #[test]
    fn test_syn_into_a_side_still_in_syn_sent() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, ack(0, 0), SynSent, SynReceived);
        step(&mut obs, A, rst(0), SynSent, Listen);
        step(&mut obs, B, syn(500), SynReceived, SynSent);
    }

    // A SYN_SENT side sends an ACK only after a SYN,ACK (RFC 9293 §3.10.7.3): its
    // peer, whatever the observer believed (here CLOSING), answered from
    // SYN_RECEIVED, and the ACK of its SYN makes it ESTABLISHED.
    #[test]
    fn test_ack_from_syn_sent_puts_the_peer_through_syn_received() {
        let mut obs = Observer::new().with_msl(Duration::from_secs(30));
        step(&mut obs, A, syn(99), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(299, 100), Established, SynReceived);
        step(&mut obs, A, ack(100, 300), Established, Established);
        step(&mut obs, A, fin_ack(100, 300), FinWait1, CloseWait);
        step(&mut obs, B, fin_ack(300, 100), Closing, Closing);
        step(&mut obs, A, ack(101, 301), Closing, TimeWait);
        obs.on_time(Duration::from_secs(60));
        obs.on_segment(B, &syn(5000), Duration::from_secs(61));
        let o = obs.on_segment(B, &ack(5001, 300), Duration::from_secs(61));
        assert!(path(&o, A).contains(&SynReceived), "{o:?}");
        assert_eq!(obs.state(B), Established);
    }

    // Fuzz find 5907b00a: B's FIN (sent from SYN_RECEIVED) overtakes its SYN and
    // reaches A in SYN_SENT, which drops it (RFC 9293 §3.10.7.3); A's window is
    // zero, so B's FIN is refused later too. B's ACK at SEQ 1002 (after its FIN) is
    // not at A's RCV.NXT (1001): with a zero window unacceptable (§3.10.7.4), its
    // ACK of A's FIN not processed.
    #[test]
    fn test_fin_dropped_in_syn_sent_moves_no_rcv_nxt() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(0).with_window(0), SynSent, SynReceived);
        step(&mut obs, B, fin_ack(1001, 1), SynSent, FinWait1);
        step(&mut obs, B, syn(1000), SynReceived, FinWait1);
        step(&mut obs, B, syn_ack(1000, 1), Established, FinWait1);
        step(
            &mut obs,
            A,
            fin_ack(1, 1001).with_window(0),
            FinWait1,
            Closing,
        );
        let o = step(&mut obs, B, ack(1002, 2), FinWait1, Closing);
        assert!(o.notes.contains(Note::Unacceptable));
    }

    // A FIN into TIME_WAIT that is not the peer's FIN again (an old segment at an
    // earlier sequence number) does not restart 2·MSL: only a retransmitted FIN
    // does (RFC 9293 §3.10.7.4, TIME-WAIT).
    #[test]
    fn test_time_wait_restarts_only_for_the_same_fin() {
        let msl = Duration::from_secs(30);
        let mut obs = Observer::new().with_msl(msl);
        step(&mut obs, A, syn(99), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(299, 100), Established, SynReceived);
        step(
            &mut obs,
            A,
            ack(100, 300).with_len(10),
            Established,
            Established,
        );
        step(&mut obs, B, fin_ack(300, 110), CloseWait, FinWait1);
        step(&mut obs, A, fin_ack(110, 301), LastAck, TimeWait);
        obs.on_segment(A, &fin_ack(105, 301), Duration::from_secs(50));
        obs.on_time(Duration::from_secs(61));
        assert_eq!(obs.state(B), Closed);
        // A retransmitted FIN does restart it.
        let mut obs2 = Observer::new().with_msl(msl);
        step(&mut obs2, A, syn(99), SynSent, SynReceived);
        step(&mut obs2, B, syn_ack(299, 100), Established, SynReceived);
        step(
            &mut obs2,
            A,
            ack(100, 300).with_len(10),
            Established,
            Established,
        );
        step(&mut obs2, B, fin_ack(300, 110), CloseWait, FinWait1);
        step(&mut obs2, A, fin_ack(110, 301), LastAck, TimeWait);
        obs2.on_segment(A, &fin_ack(110, 301), Duration::from_secs(50));
        obs2.on_time(Duration::from_secs(61));
        assert_eq!(obs2.state(B), TimeWait);
    }

    // A simultaneous open: B's first SYN,ACK, crossing A's, whose ACK does not
    // acknowledge A's SYN: A, in SYN_RECEIVED, stays there (RFC 9293 §3.10.7.4
    // fifth check: an unacceptable ACK).
    #[test]
    fn test_crossed_syn_ack_with_a_bad_ack_leaves_syn_received() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn(500), SynReceived, SynReceived);
        step(&mut obs, A, syn_ack(100, 501), SynReceived, Established);
        step(&mut obs, B, syn_ack(500, 7), SynReceived, Established);
    }

    // Crossed FINs where the capture shows A's ACK of B's FIN before B's FIN: B
    // gets A's FIN (CLOSING) and then that ACK: TIME_WAIT (RFC 793 figure 14).
    #[test]
    fn test_crossed_fin_already_acknowledged_goes_to_time_wait() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(300, 101), Established, SynReceived);
        step(&mut obs, A, ack(101, 301), Established, Established);
        step(&mut obs, A, fin_ack(101, 301), FinWait1, CloseWait);
        obs.on_segment(A, &ack(102, 302), T0);
        let o = obs.on_segment(B, &fin_ack(301, 101), T0);
        assert!(o.notes.contains(Note::Crossed), "{o:?}");
        assert_eq!(obs.state(B), TimeWait, "{o:?}");
    }

    // Fuzz find f5e9e9a3, and tls__certificate-with-sct.pcap frames 16-19:
    // simultaneous close; B's ACK of A's FIN is lost, B retransmits its FIN, now
    // acknowledging A's FIN. A has B's FIN already, so the segment ends exactly at
    // A's RCV.NXT (302): RFC 9293's test (§3.10.7.4, first check) would drop it
    // with its ACK, Linux accepts it (it is old only if it ends before `rcv_wup`)
    // and its ACK of A's FIN takes A from CLOSING to TIME_WAIT, as the capture
    // shows (A's last ACK, then silence). One byte earlier it is old for both.
    #[test]
    fn test_fin_again_at_rcv_nxt_carries_its_acknowledgment() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(300, 101), Established, SynReceived);
        step(&mut obs, A, ack(101, 301), Established, Established);
        step(&mut obs, A, fin_ack(101, 301), FinWait1, CloseWait);
        step(&mut obs, B, fin_ack(301, 101), Closing, Closing);
        let o = step(&mut obs, B, fin_ack(301, 102), TimeWait, Closing);
        assert!(o.notes.contains(Note::AcceptedAtEdge), "{o:?}");
        assert!(!o.notes.contains(Note::Unacceptable), "{o:?}");
    }

    // Text wholly before the receiver's RCV.NXT (it ends one byte short of it) is
    // old for RFC 9293 and for Linux alike: its ACK is not processed.
    #[test]
    fn test_old_text_before_rcv_nxt_carries_no_acknowledgment() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(300, 101), Established, SynReceived);
        step(&mut obs, A, ack(101, 301), Established, Established);
        // B sends 10 bytes (301..311) and then 5 more (311..316); A has all 15.
        step(
            &mut obs,
            B,
            ack(301, 101).with_len(10),
            Established,
            Established,
        );
        step(
            &mut obs,
            B,
            ack(311, 101).with_len(5),
            Established,
            Established,
        );
        step(&mut obs, A, fin_ack(101, 316), FinWait1, CloseWait);
        // The first 10 bytes again, now acknowledging A's FIN: they end at 311,
        // before A's RCV.NXT 316, so A stays in FIN_WAIT_1.
        let o = step(&mut obs, B, ack(301, 102).with_len(10), FinWait1, CloseWait);
        assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    }

    // A later ISN while the first SYN is unanswered is a new attempt.
    #[test]
    fn test_syn_sent_later_isn_reopens() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        // B, passive, in SYN_RECEIVED, its window unknown (taken as wide enough):
        // back to LISTEN (RFC 9293 §3.10.7.4, fourth check).
        let o = step(&mut obs, A, syn(5000), SynSent, Listen);
        assert!(o.notes.contains(Note::Reopened));
        step(&mut obs, B, syn_ack(7, 5001), Established, SynReceived);
    }

    // A bare ACK that does not acknowledge the SYN (tcp__syn-then-ack-then-rst.pcap):
    // SYN_SENT drops it and answers with a RST, and stays in SYN_SENT.
    #[test]
    fn test_syn_sent_unacceptable_ack_then_rst() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        let o = step(&mut obs, B, ack(0, 0), SynSent, SynReceived);
        assert!(o.notes.contains(Note::Unacceptable));
        let o = step(&mut obs, A, rst(0), SynSent, Listen);
        assert!(o.notes.contains(Note::RstAccepted));
    }

    // A FIN that does ACK the peer's FIN did not cross: ordinary LAST_ACK.
    #[test]
    fn test_close_wait_fin_is_last_ack() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        step(&mut obs, A, ack(1, 1001), Established, Established);
        step(&mut obs, A, fin_ack(1, 1001), FinWait1, CloseWait);
        let o = step(&mut obs, B, fin_ack(1001, 2), TimeWait, LastAck);
        assert!(!o.notes.contains(Note::Crossed));
        assert_eq!(path(&o, A), [FinWait1, FinWait2, TimeWait]);
        step(&mut obs, A, ack(2, 1002), TimeWait, Closed);
    }

    // rst-refused: SYN, then RST,ACK acknowledging it.
    #[test]
    fn test_syn_sent_rst_ack_refused() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(5000), SynSent, SynReceived);
        let o = step(&mut obs, B, rst_ack(0, 5001), Closed, Closed);
        assert!(o.notes.contains(Note::RstAccepted));
        assert_eq!((o.relative_seq, o.relative_ack), (1, Some(1)));
    }

    // RFC 9293 §3.10.7.3: in SYN_SENT a RST without an acceptable ACK is dropped.
    #[test]
    fn test_syn_sent_rst_bad_ack_ignored() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(5000), SynSent, SynReceived);
        let o = step(&mut obs, B, rst_ack(0, 5000), SynSent, SynReceived);
        assert!(o.notes.contains(Note::RstIgnored));
        let o = step(&mut obs, B, rst(0), SynSent, SynReceived);
        assert!(o.notes.contains(Note::RstIgnored));
        step(&mut obs, B, syn_ack(9000, 5001), Established, SynReceived);
    }

    #[test]
    fn test_midstream_start() {
        let mut obs = Observer::new();
        let o = step(
            &mut obs,
            A,
            ack(7000, 9000).with_len(100),
            Established,
            Established,
        );
        assert!(o.notes.contains(Note::Midstream));
        assert!(obs.is_midstream());
        assert_eq!((o.relative_seq, o.relative_ack), (1, Some(1)));
        assert_eq!(obs.isn(A), None);
        assert_eq!(obs.base(A), Some(SeqNum(6999)));
        let o = step(&mut obs, B, ack(9000, 7100), Established, Established);
        assert!(o.notes.is_empty(), "{o:?}");
        assert_eq!((o.relative_seq, o.relative_ack), (1, Some(101)));
        step(&mut obs, B, fin_ack(9000, 7100), CloseWait, FinWait1);
    }

    #[test]
    fn test_established_rst_out_of_window_ignored() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        step(&mut obs, A, ack(1, 1001), Established, Established);
        // B's window is 1000 (unscaled): RCV.NXT = 1, so 5000 is outside.
        let o = step(&mut obs, A, rst(5000), Established, Established);
        assert!(o.notes.contains(Note::RstIgnored));
        let o = step(&mut obs, B, rst(1001 + 2000), Established, Established);
        assert!(o.notes.contains(Note::RstIgnored));
        // In the window, not exact: RFC 5961 §3, a challenge ACK, no reset.
        let o = step(&mut obs, A, rst(500), Established, Established);
        assert!(o.notes.contains(Note::Challenged));
        // Exact (RCV.NXT = 1): accepted.
        let o = step(&mut obs, A, rst(1), Closed, Closed);
        assert!(o.notes.contains(Note::RstAccepted));
        let o = step(&mut obs, A, ack(1, 1001), Closed, Closed);
        assert!(o.notes.contains(Note::AfterClose));
    }

    // An aborting side's RST carries its SND.NXT; if its last data was lost after the
    // capture point, the receiver's RCV.NXT is lower and it answers with a challenge
    // ACK (RFC 5961 §3): the observer revises its guess, and the RST that answers the
    // challenge ACK (at its ACK number) resets the receiver.
    #[test]
    fn test_established_rst_challenge_revises_the_guess() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        step(&mut obs, A, ack(1, 1001), Established, Established);
        step(
            &mut obs,
            A,
            ack(1, 1001).with_len(10),
            Established,
            Established,
        );
        let o = step(&mut obs, A, rst(11), Closed, Closed);
        assert!(o.notes.contains(Note::RstAccepted));
        // B's challenge ACK: it still expects 1.
        let o = step(&mut obs, B, ack(1001, 1), Closed, Established);
        assert!(o.notes.contains(Note::Challenged));
        assert!(
            o.transitions
                .iter()
                .any(|t| t.side == B && t.cause == Cause::Revised && t.to == Established)
        );
        let o = step(&mut obs, A, rst(1), Closed, Closed);
        assert!(o.notes.contains(Note::RstAccepted));
        // A data segment B sent before the RST arrived (ACK = the RST's seq) is no
        // evidence: nothing is revised.
        let mut obs = Observer::new();
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        step(&mut obs, A, ack(1, 1001), Established, Established);
        step(&mut obs, A, rst(1), Closed, Closed);
        let o = step(&mut obs, B, ack(1001, 1), Closed, Closed);
        assert!(!o.notes.contains(Note::Challenged));
    }

    // A FIN after a gap is out of order for its receiver (RFC 9293 §3.10.7.4): it
    // does not close; it is processed when the gap is filled.
    #[test]
    fn test_established_fin_after_gap_waits_for_the_gap() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        step(&mut obs, A, ack(1, 1001), Established, Established);
        // 1..=10 never seen (lost before the capture point); the FIN at 11.
        step(&mut obs, A, fin_ack(11, 1001), FinWait1, Established);
        step(&mut obs, B, ack(1001, 1), FinWait1, Established); // duplicate ACK
        // The retransmission of 1..=10 alone fills the gap, but the FIN itself was
        // out of order: an endpoint without a reassembly queue dropped it.
        step(
            &mut obs,
            A,
            ack(1, 1001).with_len(10),
            FinWait1,
            Established,
        );
        // The retransmission of 1..=10 with the FIN: processed now.
        let o = step(
            &mut obs,
            A,
            fin_ack(1, 1001).with_len(10),
            FinWait1,
            CloseWait,
        );
        assert!(o.notes.contains(Note::Retransmission));
        assert_eq!(path(&o, B), [Established, CloseWait]);
        step(&mut obs, B, ack(1001, 12), FinWait2, CloseWait);
    }

    // The same, but the gap is filled beyond the capture point: B's ACK of the FIN is
    // the evidence, and the FIN is delivered before B's segment.
    #[test]
    fn test_established_fin_after_gap_acknowledged() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        step(&mut obs, A, ack(1, 1001), Established, Established);
        step(&mut obs, A, fin_ack(11, 1001), FinWait1, Established);
        let o = step(&mut obs, B, fin_ack(1001, 12), TimeWait, LastAck);
        assert_eq!(path(&o, B), [Established, CloseWait, LastAck]);
        assert_eq!(o.transitions.as_slice()[0].cause, Cause::Delivered);
    }

    // A side in SYN_RECEIVED leaves it only by the ACK of its SYN,ACK (or a CLOSE,
    // a RST): its own FIN takes it to FIN_WAIT_1 directly.
    #[test]
    fn test_syn_received_close_is_fin_wait_1() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        let o = step(&mut obs, B, fin_ack(1001, 1), CloseWait, FinWait1);
        assert_eq!(path(&o, B), [SynReceived, FinWait1]);
        let o = step(&mut obs, A, ack(1, 1002), CloseWait, FinWait2);
        assert_eq!(path(&o, B), [FinWait1, FinWait2]);
        // A data segment sent from SYN_RECEIVED proves the ACK arrived unseen.
        let mut obs = Observer::new();
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        let o = step(
            &mut obs,
            B,
            ack(1001, 1).with_len(5),
            Established,
            Established,
        );
        assert!(o.notes.contains(Note::Inferred));
    }

    // RFC 7323 §2.2: the window of a SYN or SYN,ACK is never scaled; each side's
    // scale comes from its own SYN (or SYN,ACK).
    #[test]
    fn test_window_scale_from_both_syns() {
        let ws = |shift| crate::segment::SynOptions {
            window_scale: Some(shift),
            ..Default::default()
        };
        let mut obs = Observer::new();
        step(
            &mut obs,
            A,
            syn(0).with_options(ws(2)),
            SynSent,
            SynReceived,
        );
        // One SYN seen: no shift known for either side; a capture from a SYN is not
        // mid-stream.
        assert_eq!((obs.window_shift(A), obs.window_shift(B)), (None, None));
        assert!(!obs.is_midstream());
        step(
            &mut obs,
            B,
            syn_ack(1000, 1).with_options(ws(3)).with_window(100),
            Established,
            SynReceived,
        );
        assert_eq!(
            (obs.window_shift(A), obs.window_shift(B)),
            (Some(2), Some(3))
        );
        // B's last window (100) came with its SYN,ACK: unscaled, RCV.NXT = 1, so 150
        // is outside (it would be inside 100 << 3).
        let o = step(&mut obs, A, rst(150), Established, SynReceived);
        assert!(o.notes.contains(Note::RstIgnored) && !o.notes.contains(Note::Challenged));
        step(
            &mut obs,
            B,
            ack(1001, 1).with_window(100),
            Established,
            SynReceived,
        );
        let o = step(&mut obs, A, rst(150), Established, SynReceived);
        assert!(o.notes.contains(Note::Challenged));
    }

    // RFC 7323 §1.3: scaling is in effect only when both SYNs offer it. A side that
    // offered none has no scale in its numbers (not a scale of 0), and the peer's
    // offer then shifts nothing either.
    #[test]
    fn test_window_scale_offered_by_one_side_only() {
        let ws = |shift| crate::segment::SynOptions {
            window_scale: Some(shift),
            ..Default::default()
        };
        let mut obs = Observer::new();
        // Nothing seen: no numbers at all.
        assert_eq!(obs.numbers(A), SideNumbers::default());
        step(
            &mut obs,
            A,
            syn(0).with_options(ws(7)),
            SynSent,
            SynReceived,
        );
        step(
            &mut obs,
            B,
            syn_ack(1000, 1).with_window(100),
            Established,
            SynReceived,
        );
        assert_eq!(
            (obs.numbers(A).window_scale, obs.numbers(B).window_scale),
            (Some(7), None)
        );
        assert_eq!(
            (obs.window_shift(A), obs.window_shift(B)),
            (Some(0), Some(0))
        );
        // Each side's numbers, present exactly where seen.
        assert_eq!(
            obs.numbers(B),
            SideNumbers {
                isn: Some(SeqNum(1000)),
                base: Some(SeqNum(1000)),
                next_seq: Some(SeqNum(1001)),
                highest_ack: Some(SeqNum(1)),
                fin_seq: None,
                window: Some(100),
                window_scale: None,
            }
        );
        step(
            &mut obs,
            A,
            ack(1, 1001).with_window(20),
            Established,
            Established,
        );
        assert_eq!(obs.numbers(A).window, Some(20));
        // A's window is 20, not scaled (B offered no scale): a RST of B at 1030 lies
        // beyond 1001 + 20 and is ignored. (Shifted by A's offer, 7, the window would
        // hold it, and A would challenge it.)
        let o = step(&mut obs, B, rst(1030), Established, Established);
        assert!(o.notes.contains(Note::RstIgnored), "{o:?}");
    }

    // A capture starting at the SYN,ACK, labelled with the SYN,ACK's sender as the
    // client: every transition is one the RFC allows (CLOSED -> LISTEN inferred).
    #[test]
    fn test_syn_ack_first_from_the_client_label() {
        let mut obs = Observer::new();
        let o = obs.on_segment(A, &syn_ack(300, 101), T0);
        assert_eq!((obs.state(A), obs.state(B)), (SynReceived, Established));
        assert_eq!(path(&o, A), [Closed, Listen, SynReceived]);
        for t in o.transitions.iter() {
            assert!(is_rfc_transition(t.from, t.to), "{t}");
        }
        // A bare SYN from the server label: the client label must have listened.
        let mut obs = Observer::new();
        let o = obs.on_segment(B, &syn(100), T0);
        assert_eq!(path(&o, A), [Closed, Listen, SynReceived]);
        assert_eq!(path(&o, B), [Listen, SynSent]);
    }

    // A refused connection: the side that answers with RST,ACK never listened.
    #[test]
    fn test_syn_sent_refused() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(5000), SynSent, SynReceived);
        let o = step(&mut obs, B, rst_ack(0, 5001), Closed, Closed);
        assert!(o.notes.contains(Note::Refused));
        let revised = o.transitions.as_slice()[0];
        assert_eq!(
            (revised.side, revised.from, revised.to, revised.cause),
            (B, SynReceived, Closed, Cause::Revised)
        );
    }

    // RFC 9293 MAY-2, RFC 6191: a SYN newer than the old connection reopens TIME_WAIT.
    #[test]
    fn test_time_wait_since_held_in_nanoseconds() {
        let mut h = Half::new(Closed);
        assert_eq!(h.time_wait_since(), None);
        let t = Duration::new(7, 1);
        h.set_time_wait_since(Some(t));
        assert_eq!(h.time_wait_since(), Some(t));
        // The sentinel stays free: the latest time kept is 2^64 - 2 ns.
        h.set_time_wait_since(Some(Duration::MAX));
        assert_eq!(
            h.time_wait_since(),
            Some(Duration::from_nanos(u64::MAX - 1))
        );
        h.set_time_wait_since(None);
        assert_eq!(h.time_wait_since(), None);
    }

    #[test]
    fn test_msl_survives_the_observer_starting_over() {
        let msl = Duration::from_secs(30);
        // A new SYN into TIME_WAIT (RFC 6191) starts the observer over.
        let mut obs = Observer::new().with_msl(msl);
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        step(&mut obs, A, ack(1, 1001), Established, Established);
        step(&mut obs, B, fin_ack(1001, 1), CloseWait, FinWait1);
        step(&mut obs, A, fin_ack(1, 1002), LastAck, TimeWait);
        step(&mut obs, B, ack(1002, 2), Closed, TimeWait);
        let o = step(&mut obs, A, syn(100), SynSent, SynReceived);
        assert!(o.notes.contains(Note::Reopened));
        assert_eq!(obs.msl(), msl);
        // So does a SYN,ACK from TIME_WAIT answering a SYN that did not reopen it
        // (its old connection ended unseen).
        let mut obs = Observer::new().with_msl(msl);
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        step(&mut obs, A, ack(1, 1001), Established, Established);
        step(&mut obs, B, fin_ack(1001, 1), CloseWait, FinWait1);
        step(&mut obs, A, fin_ack(1, 1002), LastAck, TimeWait);
        step(&mut obs, B, ack(1002, 2), Closed, TimeWait);
        step(&mut obs, A, syn(1), SynSent, TimeWait);
        obs.on_segment(B, &syn_ack(9000, 2), T0);
        assert_eq!(obs.state(B), SynReceived);
        assert_eq!(obs.msl(), msl);
        // A SYN with another ISN into a passive SYN_RECEIVED starts it over too.
        let mut obs = Observer::new().with_msl(msl);
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        obs.on_segment(A, &syn(5000), T0);
        assert_eq!(obs.msl(), msl);
    }

    #[test]
    fn test_time_wait_new_syn_reopens() {
        let setup = || {
            let mut obs = Observer::new();
            step(&mut obs, A, syn(0), SynSent, SynReceived);
            step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
            step(&mut obs, A, ack(1, 1001), Established, Established);
            step(&mut obs, B, fin_ack(1001, 1), CloseWait, FinWait1);
            step(&mut obs, A, fin_ack(1, 1002), LastAck, TimeWait);
            step(&mut obs, B, ack(1002, 2), Closed, TimeWait);
            obs
        };
        let mut obs = setup();
        let o = step(&mut obs, A, syn(100), SynSent, SynReceived);
        assert!(o.notes.contains(Note::Reopened));
        assert_eq!(path(&o, B), [TimeWait, SynReceived]);
        // No listener behind a reopened TIME_WAIT: a reset closes it (the sender, in
        // SYN_SENT, stays there: RFC 9293 figure 9, line 5).
        step(&mut obs, A, rst(101), SynSent, Closed);
        // An older sequence number does not reopen TIME_WAIT (RFC 6191): a challenge
        // ACK, the peer stays. Its closed sender has opened all the same (an old
        // duplicate would look alike; a closed side trying again is the common case,
        // RFC 1337).
        let mut obs = setup();
        let o = step(&mut obs, A, syn(1), SynSent, TimeWait);
        assert!(o.notes.contains(Note::Unacceptable));
        // Timestamps decide first.
        let ts = |v| crate::segment::SynOptions {
            timestamps: Some((v, 0)),
            ..Default::default()
        };
        let mut obs = setup();
        obs.on_segment(A, &ack(2, 1002).with_options(ts(50)), T0);
        let o = step(
            &mut obs,
            A,
            syn(100).with_options(ts(40)),
            SynSent,
            TimeWait,
        );
        assert!(o.notes.contains(Note::Unacceptable));
        let o = step(
            &mut obs,
            A,
            syn(0).with_options(ts(60)),
            SynSent,
            SynReceived,
        );
        assert!(o.notes.contains(Note::Reopened));
    }

    // Fuzz find: a simultaneous open where one side closes from SYN_RECEIVED before
    // the crossed SYN,ACK is seen; that SYN,ACK must not take it back to ESTABLISHED.
    #[test]
    fn test_syn_received_fin_then_crossed_syn_ack() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        step(&mut obs, B, syn(300), SynReceived, SynReceived);
        step(&mut obs, A, syn_ack(100, 301), SynReceived, Established);
        let o = step(&mut obs, A, fin_ack(101, 301), FinWait1, CloseWait);
        assert!(
            o.transitions
                .iter()
                .all(|t| is_rfc_transition(t.from, t.to))
        );
        let o = obs.on_segment(B, &syn_ack(300, 101), T0);
        for t in o.transitions.iter().filter(|t| t.cause != Cause::Revised) {
            assert!(is_rfc_transition(t.from, t.to), "{t}");
        }
        assert_eq!(obs.state(A), FinWait1);
    }

    #[test]
    fn test_on_time_returns_the_expiries() {
        let mut obs = Observer::new().with_msl(Duration::from_secs(1));
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        step(&mut obs, A, fin_ack(1, 1001), FinWait1, CloseWait);
        step(&mut obs, B, fin_ack(1001, 2), TimeWait, LastAck);
        assert!(obs.on_time(Duration::from_millis(1999)).is_empty());
        let t = obs.on_time(Duration::from_secs(2));
        assert_eq!(
            t.as_slice(),
            [Transition {
                side: A,
                from: TimeWait,
                to: Closed,
                cause: Cause::Expired
            }]
        );
    }

    #[test]
    fn test_established_rst_exact_accepted() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        step(
            &mut obs,
            A,
            ack(1, 1001).with_len(50),
            Established,
            Established,
        );
        let o = step(
            &mut obs,
            A,
            rst_ack(51, 1001).with_window(0),
            Closed,
            Closed,
        );
        assert!(o.notes.contains(Note::RstAccepted));
    }

    // A passive opener reset in SYN_RECEIVED goes back to LISTEN (RFC 9293 MUST-11, figure 9 line 5).
    #[test]
    fn test_syn_received_rst_returns_to_listen() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(90), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(300, 91), Established, SynReceived);
        step(&mut obs, A, rst(91), Closed, Listen);
    }

    // half-close: client FIN after its request, server keeps sending, then closes.
    #[test]
    fn test_half_close() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        step(&mut obs, A, ack(1, 1001), Established, Established);
        step(
            &mut obs,
            A,
            ack(1, 1001).with_len(20),
            Established,
            Established,
        );
        step(&mut obs, A, fin_ack(21, 1001), FinWait1, CloseWait);
        step(&mut obs, B, ack(1001, 22), FinWait2, CloseWait);
        step(
            &mut obs,
            B,
            ack(1001, 22).with_len(300),
            FinWait2,
            CloseWait,
        );
        step(&mut obs, A, ack(22, 1301), FinWait2, CloseWait);
        step(
            &mut obs,
            B,
            ack(1301, 22).with_len(6000),
            FinWait2,
            CloseWait,
        );
        step(&mut obs, A, ack(22, 7301), FinWait2, CloseWait);
        step(&mut obs, B, fin_ack(7301, 22), TimeWait, LastAck);
        step(&mut obs, A, ack(22, 7302), TimeWait, Closed);
        assert_eq!(obs.first_closer(), Some(A));
    }

    #[test]
    fn test_retransmissions_and_keepalives_change_nothing() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        let o = step(&mut obs, A, syn(0), SynSent, SynReceived);
        assert!(o.notes.contains(Note::Retransmission));
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        let o = step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        assert!(o.notes.contains(Note::Retransmission));
        step(&mut obs, A, ack(1, 1001), Established, Established);
        // SYN,ACK retransmitted after the handshake (the ACK was lost beyond the capture point).
        let o = step(&mut obs, B, syn_ack(1000, 1), Established, Established);
        assert!(o.notes.contains(Note::Retransmission));
        step(
            &mut obs,
            A,
            ack(1, 1001).with_len(10),
            Established,
            Established,
        );
        let o = step(
            &mut obs,
            A,
            ack(1, 1001).with_len(10),
            Established,
            Established,
        );
        assert!(o.notes.contains(Note::Retransmission));
        let o = step(&mut obs, A, ack(10, 1001), Established, Established);
        assert!(o.notes.contains(Note::KeepAlive));
        let o = step(
            &mut obs,
            A,
            ack(10, 1001).with_len(1),
            Established,
            Established,
        );
        assert!(o.notes.contains(Note::KeepAlive));
        step(&mut obs, A, fin_ack(11, 1001), FinWait1, CloseWait);
        let o = step(&mut obs, A, fin_ack(11, 1001), FinWait1, CloseWait);
        assert!(o.notes.contains(Note::Retransmission));
        step(&mut obs, B, fin_ack(1001, 12), TimeWait, LastAck);
        // A retransmitted FIN restarts TIME_WAIT.
        let later = Duration::from_secs(100);
        obs.on_segment(B, &fin_ack(1001, 12), later);
        assert_eq!(obs.time_wait_deadline(A), Some(later + 2 * DEFAULT_MSL));
    }

    #[test]
    fn test_syn_ack_first_infers_syn() {
        let mut obs = Observer::new();
        let o = obs.on_segment(B, &syn_ack(300, 101), T0);
        assert!(o.notes.contains(Note::Inferred));
        assert_eq!((obs.state(A), obs.state(B)), (Established, SynReceived));
        assert_eq!(obs.isn(A), Some(SeqNum(100)));
        assert_eq!((o.relative_seq, o.relative_ack), (0, Some(1)));
        step(&mut obs, A, ack(101, 301), Established, Established);
    }

    #[test]
    fn test_syn_ack_not_captured_inferred_from_ack() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        let o = step(&mut obs, A, ack(101, 301), Established, Established);
        assert!(o.notes.contains(Note::Inferred));
        assert_eq!(obs.isn(B), Some(SeqNum(300)));
    }

    #[test]
    fn test_time_wait_expires_before_next_segment() {
        let mut obs = Observer::new().with_msl(Duration::from_secs(1));
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        step(&mut obs, A, fin_ack(1, 1001), FinWait1, CloseWait);
        step(&mut obs, B, fin_ack(1001, 2), TimeWait, LastAck);
        // A's ACK of B's FIN, seen after A's 2·MSL ran out: sent before (a CLOSED
        // side answers a FIN with a RST, not an ACK), and it still closes B.
        let o = obs.on_segment(A, &ack(2, 1002), Duration::from_secs(5));
        assert_eq!(o.transitions.as_slice()[0].cause, Cause::Expired);
        assert!(o.notes.contains(Note::AfterClose));
        assert_eq!((obs.state(A), obs.state(B)), (Closed, Closed));
    }

    #[test]
    fn test_new_isn_after_close_reopens() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, rst_ack(0, 1), Closed, Closed);
        let o = step(&mut obs, A, syn(77777), SynSent, SynReceived);
        assert!(o.notes.contains(Note::Reopened));
        assert_eq!(obs.isn(A), Some(SeqNum(77777)));
        assert_eq!(o.relative_seq, 0);
    }

    #[test]
    fn test_syn_in_established_is_unacceptable() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(0), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(1000, 1), Established, SynReceived);
        step(&mut obs, A, ack(1, 1001), Established, Established);
        let o = step(&mut obs, B, syn(5), Established, Established);
        assert!(o.notes.contains(Note::Unacceptable));
    }

    #[test]
    fn test_sequence_wrap() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(u32::MAX), SynSent, SynReceived);
        step(
            &mut obs,
            B,
            syn_ack(u32::MAX - 1, 0),
            Established,
            SynReceived,
        );
        step(&mut obs, A, ack(0, u32::MAX), Established, Established);
        let o = step(
            &mut obs,
            A,
            fin_ack(0, u32::MAX).with_len(5),
            FinWait1,
            CloseWait,
        );
        assert_eq!(o.relative_seq, 1);
        assert_eq!(obs.numbers(A).fin_seq, Some(SeqNum(5)));
        step(&mut obs, B, fin_ack(u32::MAX, 6), TimeWait, LastAck);
    }

    proptest::proptest! {
        // Whatever the segments, the observer never panics, its observations agree with
        // its states, each side's transitions chain, and a Midstream note comes only first.
        #[test]
        fn prop_any_segments_are_safe(
            base_a in proptest::prelude::any::<u32>(),
            base_b in proptest::prelude::any::<u32>(),
            segs in proptest::collection::vec(
                (proptest::prelude::any::<bool>(), 0u32..40, 0u32..40, 0u16..0x1000, 0u32..20, proptest::prelude::any::<u16>(), 0u64..600),
                1..40,
            ),
        ) {
            let mut obs = Observer::new().with_msl(Duration::from_secs(60));
            let mut now = Duration::ZERO;
            for (i, (from_a, ds, da, flags, len, window, dt)) in segs.into_iter().enumerate() {
                let from = if from_a { A } else { B };
                let (mine, theirs) = if from_a { (base_a, base_b) } else { (base_b, base_a) };
                now += Duration::from_secs(dt);
                let seg = Segment::new(SeqNum(mine.wrapping_add(ds)), SeqNum(theirs.wrapping_add(da)), TcpFlags::from_bits_retain(flags))
                    .with_len(len)
                    .with_window(window);
                let before = (obs.state(A), obs.state(B));
                let o = obs.on_segment(from, &seg, now);
                proptest::prop_assert_eq!(o.state(A), obs.state(A));
                proptest::prop_assert_eq!(o.state(B), obs.state(B));
                proptest::prop_assert!(i == 0 || !o.notes.contains(Note::Midstream));
                for side in Side::BOTH {
                    let mut cur = if side == A { before.0 } else { before.1 };
                    for t in o.transitions.iter().filter(|t| t.side == side) {
                        proptest::prop_assert_eq!(t.from, cur, "{:?}", o);
                        cur = t.to;
                    }
                    proptest::prop_assert_eq!(cur, obs.state(side));
                }
            }
        }
    }

    #[test]
    fn test_notes_and_transitions_render() {
        let mut n = Notes::new();
        assert!(n.is_empty());
        n.insert(Note::Crossed);
        n.insert(Note::Midstream);
        assert!(!n.is_empty());
        assert_eq!(
            n.iter().collect::<Vec<_>>(),
            [Note::Midstream, Note::Crossed]
        );
        assert_eq!(std::format!("{n:?}"), "{Midstream, Crossed}");
        let t = Transition {
            side: A,
            from: SynSent,
            to: Established,
            cause: Cause::Received,
        };
        assert_eq!(
            std::format!("{t}"),
            "client SYN_SENT -> ESTABLISHED (received)"
        );
        // The names the docs give: lower case, words joined by `_`.
        assert_eq!(Note::Midstream.name(), "midstream");
        assert_eq!(Note::RstIgnored.name(), "rst_ignored");
        assert_eq!(Note::KeepAlive.name(), "keep_alive");
        assert_eq!(Note::OldDuplicate.name(), "old_duplicate");
    }

    // A side returned to LISTEN on a guess (the peer's new SYN inside a window not
    // yet seen) takes the new SYN's retransmission; its SYN,ACK answering that new
    // SYN confirms the guess, so a later segment of it acknowledging the old IRS
    // (a copy in flight) revises nothing: the peer's ISN in use stays the new one.
    #[test]
    fn test_listen_guess_ends_when_the_new_syn_is_answered() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        let o = step(&mut obs, A, syn(5000), SynSent, Listen);
        assert!(o.notes.contains(Note::Reopened));
        step(&mut obs, A, syn(5000), SynSent, SynReceived);
        step(&mut obs, B, syn_ack(300, 5001), Established, SynReceived);
        step(&mut obs, B, ack(301, 101), Established, SynReceived);
        step(&mut obs, A, ack(5001, 301), Established, Established);
        assert_eq!(obs.isn(A), Some(SeqNum(5000)));
    }

    // A refused SYN, the server's SYN,ACK to the same ISN after the RST (it listened
    // and took a retransmission), then its FIN: the FIN moves the server whatever
    // the observer believes of the client, and waits for the client. The client's
    // SYN with the ISN the server holds reopens only the client; its ACK of the FIN
    // delivers it.
    #[test]
    fn test_fin_to_a_closed_receiver_moves_its_sender_and_waits() {
        let mut obs = Observer::new();
        step(&mut obs, A, syn(100), SynSent, SynReceived);
        let o = step(&mut obs, B, rst_ack(0, 101), Closed, Closed);
        assert!(o.notes.contains(Note::Refused));
        step(&mut obs, B, syn_ack(300, 101), Closed, SynReceived);
        // A FIN before its sender's ISN + 1 is an earlier incarnation's: nothing.
        step(&mut obs, B, fin_ack(300, 101), Closed, SynReceived);
        let o = step(&mut obs, B, fin_ack(301, 101), Closed, FinWait1);
        assert!(o.notes.contains(Note::AfterClose));
        assert_eq!(obs.numbers(B).fin_seq, Some(SeqNum(301)));
        let o = step(&mut obs, A, syn(100), SynSent, FinWait1);
        assert!(o.notes.contains(Note::Reopened));
        assert_eq!(obs.isn(A), Some(SeqNum(100)));
        step(&mut obs, A, ack(101, 301), Established, FinWait1);
        step(&mut obs, A, ack(101, 302), CloseWait, FinWait2);
    }

    /// An observer after the handshake 100 → 500 (client A, server B), both
    /// ESTABLISHED.
    fn established() -> Observer {
        let mut obs = Observer::new();
        obs.on_segment(A, &syn(100), T0);
        obs.on_segment(B, &syn_ack(500, 101), T0);
        obs.on_segment(A, &ack(101, 501), T0);
        obs
    }

    /// Whether header prediction takes `seg` from `from` (leaving `obs` as it was).
    fn predicted(obs: &Observer, from: Side, seg: &Segment) -> Option<Observation> {
        let mut copy = *obs;
        copy.on_predicted_segment(from, seg)
    }

    #[test]
    fn header_prediction_takes_the_common_segments() {
        let mut obs = established();
        let cases = [
            (A, ack(101, 501).with_len(100), Notes::new()),
            (B, ack(501, 201), Notes::new()),
            // The same text again: it ends at RCV.NXT (Linux takes its ACK).
            (A, ack(101, 501).with_len(100), {
                let mut n = Notes::new();
                n.insert(Note::Retransmission);
                n.insert(Note::AcceptedAtEdge);
                n
            }),
            // Its first half again: it ends before RCV.NXT.
            (A, ack(101, 501).with_len(50), {
                let mut n = Notes::new();
                n.insert(Note::Retransmission);
                n.insert(Note::Unacceptable);
                n
            }),
            // A keep-alive (one below SND.NXT, empty): below RCV.NXT.
            (A, ack(200, 501), {
                let mut n = Notes::new();
                n.insert(Note::KeepAlive);
                n.insert(Note::Unacceptable);
                n
            }),
            // Text after a gap, then a window update.
            (A, ack(301, 501).with_len(100), Notes::new()),
            (B, ack(501, 201).with_window(2000), Notes::new()),
            // Beyond the receiver's window (RCV.NXT 201 + 2,000).
            (A, ack(2201, 501).with_len(10), {
                let mut n = Notes::new();
                n.insert(Note::Unacceptable);
                n
            }),
        ];
        for (from, seg, notes) in cases {
            let fast = predicted(&obs, from, &seg);
            let full = obs.on_segment(from, &seg, T0);
            assert_eq!(fast, Some(full), "{seg:?} from {from:?}");
            assert_eq!(full.notes, notes, "{seg:?} from {from:?}");
            assert_eq!((full.sender, full.receiver), (Established, Established));
        }
        assert_eq!(obs.relative(A, SeqNum(2211)), Some(2111));
    }

    #[test]
    fn header_prediction_leaves_every_other_segment_to_the_full_rules() {
        let data = ack(101, 501).with_len(10);
        // Nothing seen yet, then the handshake's states.
        assert_eq!(predicted(&Observer::new(), A, &data), None);
        let mut obs = Observer::new();
        obs.on_segment(A, &syn(100), T0);
        obs.on_segment(B, &syn_ack(500, 101), T0);
        assert_eq!(predicted(&obs, A, &data), None, "SYN_SENT, SYN_RECEIVED");
        let obs = established();
        assert!(predicted(&obs, A, &data).is_some());
        // Flags the fast path does not handle.
        for flags in [
            TcpFlags::SYN | TcpFlags::ACK,
            TcpFlags::FIN | TcpFlags::ACK,
            TcpFlags::RST | TcpFlags::ACK,
            TcpFlags::PSH,
        ] {
            let seg = seg(101, 501, flags);
            assert_eq!(predicted(&obs, A, &seg), None, "{flags:?}");
        }
        // A receiver that advertised a zero window.
        let mut zero = obs;
        zero.on_segment(B, &ack(501, 101).with_window(0), T0);
        assert_eq!(predicted(&zero, A, &data), None, "zero window");
        assert!(predicted(&zero, B, &ack(501, 101)).is_some());
        // A FIN seen after a gap, pending: the side is in FIN_WAIT_1 anyway; and
        // its receiver's next segment.
        let mut fin = obs;
        fin.on_segment(A, &fin_ack(111, 501), T0);
        assert_eq!(predicted(&fin, B, &ack(501, 101)), None, "pending FIN");
        // The peer's FIN taken (CLOSE_WAIT).
        let mut closing = obs;
        closing.on_segment(A, &fin_ack(101, 501), T0);
        assert_eq!(predicted(&closing, B, &ack(501, 102)), None, "after a FIN");
    }

    /// Each condition of the fast path's gate, alone, sends the segment the full
    /// way (the observer's fields set directly: most of these situations need long
    /// scenarios to arise).
    #[test]
    fn header_prediction_gate_checks_each_condition() {
        let data = ack(101, 501).with_len(10);
        let obs = established();
        assert!(predicted(&obs, A, &data).is_some());
        // The sender A is half 0, the receiver B half 1.
        /// A change to the observer that should turn the fast path away.
        type Change = fn(&mut Observer);
        let cases: [(&str, Change); 22] = [
            ("not started", |o| o.started = false),
            ("a guess held", |o| o.guess_sides = 1),
            ("sender not ESTABLISHED", |o| o.halves[0].state = CloseWait),
            ("receiver not ESTABLISHED", |o| o.halves[1].state = FinWait2),
            ("a mark on the sender", |o| o.halves[0].marks = 1),
            ("a mark on the receiver", |o| o.halves[1].marks = 1),
            ("the same mark on both", |o| {
                o.halves[0].marks = 1;
                o.halves[1].marks = 1;
            }),
            ("the sender's FIN pending", |o| {
                o.halves[0].flags |= FIN_PENDING
            }),
            ("the receiver's FIN pending", |o| {
                o.halves[1].flags |= FIN_PENDING
            }),
            ("both FINs pending", |o| {
                o.halves[0].flags |= FIN_PENDING;
                o.halves[1].flags |= FIN_PENDING;
            }),
            ("no base of the sender", |o| o.halves[0].set_base(None)),
            ("no SND.NXT of the sender", |o| {
                o.halves[0].set_next_seq(None)
            }),
            ("no RCV.NXT of the receiver", |o| {
                o.halves[0].set_contiguous(None)
            }),
            ("no ACK of the sender", |o| {
                o.halves[0].set_highest_ack(None)
            }),
            ("a FIN of the sender", |o| {
                o.halves[0].set_fin_seq(Some(SeqNum(500)))
            }),
            ("no base of the receiver", |o| o.halves[1].set_base(None)),
            ("no RCV.NXT of the sender", |o| {
                o.halves[1].set_contiguous(None)
            }),
            ("a FIN of the receiver", |o| {
                o.halves[1].set_fin_seq(Some(SeqNum(900)))
            }),
            ("the sender in TIME-WAIT's time", |o| {
                o.halves[0].set_time_wait_since(Some(Duration::from_secs(1)))
            }),
            ("the receiver in TIME-WAIT's time", |o| {
                o.halves[1].set_time_wait_since(Some(Duration::from_secs(1)))
            }),
            ("the receiver's zero window", |o| {
                o.halves[1].set_window(Some(0))
            }),
            ("the receiver's window unknown is fine: control", |o| {
                o.halves[1].set_window(None)
            }),
        ];
        for (what, change) in cases {
            let mut o = obs;
            change(&mut o);
            let control = what.ends_with("control");
            assert_eq!(predicted(&o, A, &data).is_some(), control, "{what}");
        }
    }

    /// Text into a receiver whose window the capture knows only from its SYN,ACK
    /// (field 1,001, scaling by 2 offered by both: the smallest window it allows is
    /// 1,000 bytes), on the fast path: 1,000 bytes from `RCV.NXT` lie inside it,
    /// 1,001 reach past it, which only the scaling in use decides.
    #[test]
    fn header_prediction_judges_text_against_the_smallest_syn_window() {
        let scale = crate::segment::SynOptions {
            window_scale: Some(2),
            ..crate::segment::SynOptions::default()
        };
        let mut obs = Observer::new();
        obs.on_segment(A, &syn(100).with_options(scale), T0);
        let syn_ack = syn_ack(500, 101).with_window(1001).with_options(scale);
        obs.on_segment(B, &syn_ack, T0);
        obs.on_segment(A, &ack(101, 501), T0);
        for (len, beyond) in [(1000, false), (1001, true)] {
            let data = ack(101, 501).with_len(len);
            assert!(predicted(&obs, A, &data).is_some());
            let notes = obs.clone().on_segment(A, &data, T0).notes;
            assert_eq!(
                notes.contains(Note::AcceptedInUnknownWindow),
                beyond,
                "{len}"
            );
        }
    }
}
