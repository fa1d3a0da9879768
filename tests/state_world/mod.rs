//! The world `tests/state_hostile.rs` and `fuzz/fuzz_targets/state.rs` share: two
//! endpoints in the crate's [`Pair`], an [`Observer`] at a capture point between
//! them, and the rule for what a passive observer can know, so that the property
//! test and the fuzzer check the same thing with the same code (the fuzz target
//! includes this file with `#[path]`).
//!
//! The capture point: a segment passes it when it is delivered (so losses,
//! duplications and reorderings happen *before* it, and the observer sees exactly
//! what each receiver receives, in that order), or — with [`Op::Capture`] and
//! [`Op::DropCaptured`] — a segment may pass it earlier, and then be overtaken or
//! lost.
//!
//! Checked after every operation:
//! * nothing panics; every transition an endpoint reports, and every transition the
//!   observer reports as `Sent`, `Received` or `Delivered`, is one RFC 9293 allows,
//!   and an endpoint's transitions of one event chain from its state before to its
//!   state after; `SND.UNA` is never after `SND.NXT`; a refused call (a
//!   `Violation`) leaves the endpoint unchanged; a RST is never answered with a RST;
//!   a segment dropped without a transition leaves the TCB as it was (but for the
//!   TSval clock); every reply
//!   carries the control bits its kind promises;
//! * whenever nothing is in flight, the observer's state of a side equals the
//!   endpoint's — CLOSED and LISTEN counting as equal, since no segment tells them
//!   apart — for every side a passive observer can know. It cannot know, and the
//!   test does not compare ([`World::knowable`]):
//!   - a side that sent a SYN, FIN or RST the capture point has not seen yet, and
//!     a side one of whose SYNs, FINs or RSTs was lost before the capture point
//!     (or never put in flight, the network being full): it changed state unseen,
//!     and its retransmission, which carries the numbers of the moment it is
//!     resent, cannot show when the original was sent;
//!   - a side whose SYN, FIN or RST passed the capture point first in a
//!     retransmission, its earlier copy (with an earlier acknowledgment) still in
//!     flight behind it: the retransmission carries the numbers of the moment it
//!     was resent, so the observer cannot tell when the first copy was sent (a FIN
//!     sent before the peer's FIN arrived looks, in its retransmission, like one
//!     sent after: LAST-ACK where the side is in CLOSING)
//!     (`regression_fin_retransmission_captured_before_the_original`, fuzz find
//!     `crash-0d7c5c26`);
//!   - both sides once a segment was injected: the observer cannot tell an injected
//!     RST or SYN from one the side sent, and what the injection provokes (challenge
//!     ACKs, resets, a reopened TIME-WAIT) reaches both sides. The receiver too: a
//!     forged RST need not follow its nominal sender's data, so the observer can
//!     judge it against an ACK of the receiver that crossed that data, accept it,
//!     and then, its sender believed CLOSED, ignore what the receiver is sent next
//!     (`regression_forged_rst_at_a_crossed_ack`);
//!   - a side whose RST its receiver did not accept (in the window but not exact,
//!     RFC 5961 §3, or outside it): it may have aborted, or the RST may not be its
//!     own, and with reordering no later segment proves either;
//!   - a side that became CLOSED without a segment: ABORT from LISTEN, SYN-SENT,
//!     CLOSING, LAST-ACK or TIME-WAIT, CLOSE from LISTEN or SYN-SENT (RFC 9293
//!     §3.10.4–5), or its user timeout;
//!   - a side whose SYN the observer took as reopening the connection
//!     (`Note::Reopened`): a new attempt, or a retransmission that crossed the RST
//!     that ended the old one; no segment tells which;
//!   - a side the observer revised back from a RST it had accepted, because the
//!     side then sent a pure ACK not at the RST's sequence number (taken for
//!     RFC 5961's challenge ACK): an ACK sent before the RST arrived, crossing it,
//!     looks the same, and then the RST did reset the side (fuzz find
//!     `crash-0593c3ba`: the client's ACK of the SYN,ACK crossed the server's
//!     FIN and RST);
//!   - the receiver of a SYN the observer took for an old duplicate
//!     (`Note::OldDuplicate`: an ISN earlier in sequence space than its sender's
//!     last one): ISNs follow a clock that wraps (RFC 6528: 2^32 ticks of 4 µs,
//!     about 4.8 hours), so after a long silence (a user timeout, then a new
//!     OPEN) a side's newer SYN can carry an ISN that looks older, and both SYNs
//!     can pass the capture point together; which one the receiver took shows only
//!     in its answer, and a receiver in LISTEN takes even a genuine old duplicate
//!     (RFC 9293 figure 9) (`regression_syn_after_isn_clock_wrap`, fuzz find
//!     `crash-d2205116`); and its sender too, unless the observer has it in
//!     SYN_SENT (where a new attempt leaves it as well): one past SYN_SENT may
//!     have ended its connection unseen and opened anew with the wrapped ISN
//!     (fuzz find `crash-f1c24edf`: 17 hours of silence);
//!   - the receiver of a retransmission that ends exactly at its `RCV.NXT`
//!     (`Note::AcceptedAtEdge`): RFC 9293's acceptability test drops it with its
//!     ACK, which `Endpoint` follows; Linux processes the ACK, and the observer
//!     follows Linux because real captures do (`tls__certificate-with-sct.pcap`
//!     frames 16–19, a simultaneous close that ends in TIME_WAIT on both sides);
//!   - the receiver of a segment the observer accepted beyond the smallest window
//!     the receiver's SYN allowed, that SYN's window being the last it showed with
//!     scaling in effect (`Note::AcceptedInUnknownWindow`): the SYN's field does not
//!     tell the window in use (a full field stands for anything up to the field
//!     shifted), so the capture cannot show whether the segment was acceptable
//!     (fuzz find `crash-c2401abb`: a FIN 60 million bytes ahead of a client whose
//!     SYN,ACK showed 65,535 with shift 14 and whose window was 6 million);
//!   - both sides once a RST was seen on a network that had reordered segments:
//!     the receiver's last ACK *seen* need not be the last it *sent*, so the
//!     observer's estimate of its `RCV.NXT`, against which the RST is judged, can be
//!     stale (`regression_9`);
//!   - the receiver of a segment that overtook, after the capture point, one of the
//!     same sender's that had already passed it, whatever their sequence numbers:
//!     the observer saw them in one order, the receiver got them in the other, and
//!     `Endpoint` keeps no out-of-order queue (a FIN arriving ahead of its data is
//!     dropped; data overtaking its sender's RST makes the RST exact where the
//!     observer judged it a challenge), so what the receiver accepted is invisible
//!     at the capture point (`regression_fin_overtakes_captured_data`,
//!     `regression_data_overtakes_captured_rst`, `regression_8`,
//!     `regression_fin_captured_before_its_syn`);
//!   - a side in TIME-WAIT that entered it (or restarted its 2·MSL timer) on a
//!     segment that passed the capture point while capture time passed before it
//!     arrived: the observer starts the timer when it sees the FIN, the endpoint
//!     when the FIN arrives, and no segment shows the time in between, so the
//!     observer's TIME-WAIT can run out first (`regression_fin_delayed_after_capture`,
//!     fuzz finds `crash-978989c9`, `0a212b74`, `0d7c5c26`); compared again once the
//!     endpoint has left TIME-WAIT — unless a SYN reached it in that late TIME-WAIT
//!     and its answer was lost before the capture point: whether the SYN met
//!     TIME-WAIT (RFC 6191) or a closed TCB only that answer shows
//!     (`syn_into_a_late_time_wait_whose_answer_is_lost_ends_the_comparison`, fuzz
//!     find `51d8737c`);
//!   - a side a FIN or RST of whose earlier incarnation (in flight when the side
//!     opened a new TCB: SYN-SENT from CLOSED or LISTEN, SYN-RECEIVED from LISTEN
//!     or TIME-WAIT) passed the capture point when its numbers fit the current
//!     incarnation (sequence number in the side's `(ISS, SND.NXT]`, ACK in the
//!     peer's, or any ACK when the peer lost its TCB without a segment, which the
//!     capture cannot show: fuzz find `crash-c353ddaf`), and the observer took it
//!     as sent now: both sides opened again at
//!     the same instant of their ISN clocks, so with the same ISNs, and the old
//!     segment is bit for bit the one the side would send now (a FIN from
//!     SYN-RECEIVED is `<SEQ=ISS+1><ACK=IRS+1>` in every incarnation); no segment
//!     tells the two apart, and the side is ESTABLISHED in one schedule, FIN-WAIT-1
//!     in the other (`regression_fin_of_an_earlier_incarnation_with_the_same_isns`,
//!     fuzz finds `crash-718d6d0e`, `17c68bd1`, `00305607`, `03579e96`,
//!     `66dd310c`);
//!     likewise such a FIN or RST beyond the side's `SND.NXT`, or acknowledging
//!     beyond the peer's, when both sides' ISNs are those of the incarnation that
//!     sent it: it is bit for bit the one the side would send after data the
//!     capture missed (its own, or the peer's), and, if it lies beyond the
//!     receiver's `RCV.NXT` or acknowledges what the receiver has not sent, the
//!     observer's view of the receiver is void as well ([`Fit`];
//!     `regression_old_fin_beyond_snd_nxt_with_the_same_isns`, fuzz finds
//!     `crash-307d0797`, `1e094046`, `31d85350`); and a FIN that passed the
//!     capture point while its sender had no TCB (an earlier incarnation's) and
//!     fits the TCB the sender opens next, e.g. on the peer's SYN, which the
//!     observer saw before it arrived (`regression_fin_captured_before_its_tcb`,
//!     fuzz find `crash-c8af284d`);
//!   - a side that opened a new TCB with the ISN its peer's TCB, still open, had taken
//!     from the side's earlier incarnation (a half-open connection whose incarnations
//!     share the ISN: the side's ISN clock did not tick in between), once a FIN of
//!     that peer passed the capture point acknowledging beyond the side's `SND.NXT`:
//!     it acknowledges what the earlier incarnation sent (its FIN), the new TCB drops
//!     it for acknowledging unsent data (RFC 9293 §3.10.7.4, fifth check), and the
//!     capture shows exactly a FIN sent after a FIN of the side that the capture
//!     missed (Wireshark's "ACKed unseen segment"), which the receiver takes
//!     ([`World::half_open_same_isn`], `acked_earlier_incarnation`;
//!     `fin_acknowledging_an_earlier_incarnation_with_the_same_isn_ends_the_comparison`,
//!     fuzz find `c0433b5b`);
//!   - the receiver of a RST the observer accepted at exactly that receiver's last
//!     ACK seen, when that ACK did not cover what the RST's sender had sent before
//!     it (the ACK crossed the sender's data or FIN; a side without a TCB answers a
//!     segment with `<SEQ=SEG.ACK><CTL=RST>`, RFC 9293 §3.10.7.1, so its RST
//!     carries the stale number): if that data reached the receiver first, its
//!     `RCV.NXT` had moved on and the RST lies below the window; if it reached it
//!     only after the RST (overtaken, or lost after the capture point and sent
//!     again), the RST was exact. The segments at the capture point are the same;
//!     the observer takes the RST as exact, as a real capture shows it
//!     (`postgresql__psql-aws-ssl-require-15432` frames 25–30, see notes/h9f.md)
//!     (`regression_rst_at_an_ack_that_crossed_the_senders_data`, fuzz find
//!     `crash-a975f7e8`);
//!   - anything after a segment passed the capture point having been in flight
//!     before it for longer than the maximum segment lifetime (the observer's MSL,
//!     [`DEFAULT_MSL`]): RFC 9293 assumes no segment lives longer (§3.4.1, which the
//!     IP TTL enforces), and so does the observer — after that, an ISN that lies
//!     before its sender's last one is an old duplicate, not a clock that wrapped,
//!     and a segment at an earlier incarnation's numbers can only be that
//!     incarnation's while it lives; a segment older than that can be taken for
//!     anything (fuzz finds `104b8559`: a SYN held 240 s; `fc3e3a86`: an ACK held
//!     13 hours, then a SYN whose ISN clock had wrapped);
//!   - anything after a segment passed the capture point and was lost after it (the
//!     observer saw it delivered): only the first property is checked.

#![allow(dead_code)] // each includer uses a different part

#[path = "../common/fuzz_bytes.rs"]
pub mod fuzz_bytes;
pub mod fuzz_input;

use core::time::Duration;

use synack::segment::SynOptions;
use synack::state::{
    Cause, Config, DEFAULT_MSL, Disposition, DropReason, Endpoint, Note, Observer, Pair, PairError,
    Reply, Side, State, Tcb, Transition, is_rfc_transition,
};
use synack::{flags::TcpFlags, segment::Segment, seq::SeqNum};

/// How a segment of an earlier incarnation fits the current one
/// ([`World::fits_current_incarnation`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// Its sequence number lies in its sender's `(ISS, SND.NXT]`: the observer's
    /// view of the sender is void.
    InSpace,
    /// Beyond its sender's `SND.NXT`, or its ACK beyond the peer's, the two
    /// incarnations having the same ISNs: the observer's view of the sender is
    /// void, and of the receiver if the segment misleads it too.
    BeyondWithTheSameIsns {
        /// Whether the receiver finds it beyond its `RCV.NXT` (a FIN the observer
        /// takes as closing data the capture missed) or acknowledging what it has
        /// not sent (it drops the segment, RFC 9293 §3.10.7.4, fifth check).
        misleads_receiver: bool,
    },
}

/// How many segments may be in flight.
pub const FLIGHT: usize = 64;

/// One thing that happens.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    /// Passive OPEN.
    Listen(Side),
    /// Active OPEN.
    Connect(Side),
    Send(Side, u32),
    Close(Side),
    Abort(Side),
    Retransmit(Side),
    /// Delivers the segment at this index (modulo what is in flight).
    Deliver(usize),
    /// Delivers everything in order.
    DeliverAll,
    /// Loses the segment at this index before the capture point.
    Drop(usize),
    /// Duplicates a (non-SYN) segment before the capture point.
    Duplicate(usize),
    /// Moves a segment behind the others.
    Delay(usize),
    /// The segment passes the capture point now (it may be lost afterwards).
    Capture(usize),
    /// Loses a segment after it passed the capture point.
    DropCaptured(usize),
    /// A RST in `side`'s name: 0 exact (at the peer's RCV.NXT), 1 in the window, 2 outside.
    InjectRst(Side, u8),
    /// A SYN in `side`'s name: 0 beyond the peer's RCV.NXT, 1 in the window, 2 old.
    InjectSyn(Side, u8),
    /// Any segment, in `side`'s name.
    Forge(Side, Segment),
    /// Capture time passes (seconds).
    Tick(u64),
    /// Capture time passes.
    Wait(Duration),
}

const CTL: [TcpFlags; 3] = [TcpFlags::SYN, TcpFlags::FIN, TcpFlags::RST];

/// The sequence number each control bit of `s` occupies.
pub fn controls(s: &Segment) -> impl Iterator<Item = (TcpFlags, SeqNum)> + '_ {
    CTL.into_iter().filter(|f| s.flags.contains(*f)).map(|f| {
        let at = if f == TcpFlags::FIN {
            s.seq + s.payload_len + u32::from(s.flags.contains(TcpFlags::SYN))
        } else {
            s.seq
        };
        (f, at)
    })
}

fn trace() -> bool {
    std::env::var_os("TRACE").is_some()
}

fn check_endpoint(e: &Endpoint) {
    if let (Some(una), Some(nxt)) = (e.snd_una(), e.snd_nxt()) {
        assert!(
            una.before_or_eq(nxt),
            "SND.UNA {una} after SND.NXT {nxt}: {e:?}"
        );
        if let Some(iss) = e.iss() {
            assert!(iss.before(nxt), "SND.NXT {nxt} not after ISS {iss}");
        }
    }
    if let Some(t) = e.tcb() {
        assert!(t.max_snd_wnd() >= t.snd_wnd());
    }
    assert_eq!(
        e.tcb().is_some(),
        !matches!(e.state(), State::Closed | State::Listen | State::SynSent)
    );
}

/// The transitions of one event chain from `before` to `after`, each an RFC one.
fn check_chain<'a>(before: State, changes: impl Iterator<Item = &'a Transition>, after: State) {
    let mut at = before;
    for c in changes {
        assert_eq!(c.from, at, "{c} does not start at {at}");
        assert!(is_rfc_transition(c.from, c.to), "endpoint: {c}");
        at = c.to;
    }
    assert_eq!(at, after);
}

/// A TCB's connection state: every variable but the TSval clock (the time the
/// endpoint stamps on what it sends, which moves with any reply).
fn tcb_state(t: &Tcb) -> impl PartialEq + core::fmt::Debug {
    (
        (
            t.iss(),
            t.irs(),
            t.snd_una(),
            t.snd_nxt(),
            t.snd_wnd(),
            t.snd_wl1(),
        ),
        (
            t.snd_wl2(),
            t.max_snd_wnd(),
            t.rcv_nxt(),
            t.rcv_wnd(),
            t.peer_mss(),
        ),
        (
            t.peer_window_scale(),
            t.snd_shift(),
            t.rcv_shift(),
            t.unacked_since(),
        ),
        (
            t.sack_permitted(),
            t.timestamps(),
            t.ts_recent(),
            t.rcv_up(),
        ),
        t.received(),
    )
}

/// CLOSED and LISTEN: no segment tells them apart.
fn same(a: State, b: State) -> bool {
    a == b
        || matches!(
            (a, b),
            (State::Closed, State::Listen) | (State::Listen, State::Closed)
        )
}

/// The pair, the observer and what the test knows about them.
pub struct World {
    pub pair: Pair<FLIGHT>,
    pub observer: Observer,
    pub now: Duration,
    /// A segment passed the capture point and was then lost.
    pub lost_after_capture: bool,
    /// Sides in whose name a segment was injected.
    pub injected: [bool; 2],
    /// Sides that became CLOSED without a segment.
    pub silent: [bool; 2],
    /// Sides a SYN, FIN or RST of which was lost before the capture point.
    pub lost_control: [bool; 2],
    /// The network reordered segments at some point.
    pub reordered: bool,
    /// A RST was seen on a reordered network.
    pub rst_after_reordering: bool,
    /// Per receiving side: a segment overtook, after the capture point, one of the
    /// same sender's that had already passed it.
    pub reordered_after_capture: [bool; 2],
    /// Sides a RST of which was seen and not accepted by its receiver.
    pub challenged: [bool; 2],
    /// Sides a SYN of which the observer took as reopening the connection.
    pub reopened: [bool; 2],
    /// Sides the observer revised back from a RST it had accepted, on a pure ACK
    /// it took for a challenge ACK.
    pub revised: [bool; 2],
    /// Per receiving side: a SYN sent to it that the observer took for an old
    /// duplicate (`Note::OldDuplicate`).
    pub old_duplicate: [bool; 2],
    /// Per receiving side: a retransmission ending exactly at its `RCV.NXT` that
    /// the observer accepted as Linux does (`Note::AcceptedAtEdge`); the RFC-strict
    /// `Endpoint` drops it with its ACK.
    pub at_edge: [bool; 2],
    /// Per receiving side: a segment the observer accepted beyond the smallest
    /// window the receiver's SYN allowed (`Note::AcceptedInUnknownWindow`).
    pub unknown_window: [bool; 2],
    /// Per side: control segments (SYN, FIN, RST: their flag and sequence number)
    /// sent but never seen at the capture point.
    pub unseen: [Vec<(TcpFlags, SeqNum)>; 2],
    /// Segments (and their senders) that were in flight past the capture point while
    /// capture time passed.
    pub aged: Vec<(Side, Segment)>,
    /// Per side: in TIME-WAIT since (or restarted by) a segment of `aged`.
    pub late_time_wait: [bool; 2],
    /// Per side: its endpoint's answer to a SYN that reached it in such a late
    /// TIME-WAIT, one the observer had already ended, until it passes the capture
    /// point.
    pub time_wait_answer: [Option<Segment>; 2],
    /// Per side: that answer was lost before the capture point.
    pub lost_time_wait_answer: [bool; 2],
    /// Per side: a SYN, FIN or RST of it passed the capture point in a copy sent
    /// after another copy still in flight (one without ACK, or with an earlier
    /// acknowledgment).
    pub retransmission_first: [bool; 2],
    /// Segments (and their senders) still in flight when their sender began a new
    /// incarnation (a new TCB: SYN-SENT from CLOSED or LISTEN, SYN-RECEIVED from
    /// LISTEN or TIME-WAIT), with the ISNs (client's, server's) of the incarnation
    /// they belong to.
    pub stale: Vec<(Side, Segment, [Option<SeqNum>; 2])>,
    /// Per side: its ISS when it last opened a TCB.
    pub last_iss: [Option<SeqNum>; 2],
    /// Per side: it opened its current TCB with the ISN its peer's TCB, still open,
    /// had taken from its earlier incarnation (a half-open connection whose
    /// incarnations share the ISN).
    pub half_open_same_isn: [bool; 2],
    /// Per receiving side: a FIN of a peer in `half_open_same_isn` acknowledging
    /// beyond its `SND.NXT` (what its earlier incarnation had sent) passed the
    /// capture point.
    pub acked_earlier_incarnation: [bool; 2],
    /// FINs (and their senders) that passed the capture point while their sender
    /// had no TCB, which the observer took as sent now.
    pub fin_before_tcb: Vec<(Side, Segment)>,
    /// Per side: a FIN or RST of an earlier incarnation of it, whose numbers fit
    /// its current one, passed the capture point and the observer took it as sent
    /// now.
    pub old_incarnation: [bool; 2],
    /// Per side: the highest `SEG.SEQ + SEG.LEN` seen from it since its last SYN
    /// seen.
    pub sent_high: [Option<SeqNum>; 2],
    /// Per side: its last ACK seen, when it did not cover everything the peer had
    /// sent before it (`sent_high`).
    pub crossed_ack: [Option<SeqNum>; 2],
    /// Per receiving side: a RST the observer accepted at exactly its
    /// `crossed_ack`.
    pub rst_at_crossed_ack: [bool; 2],
    /// Segments (and their senders) in flight before the capture point while capture
    /// time passed, and for how long (copies bit for bit alike share one entry: the
    /// oldest copy's).
    pub held: Vec<(Side, Segment, Duration)>,
    /// A segment passed the capture point after more than the MSL in flight before
    /// it (`held`): neither side is compared from then on.
    pub outlived: bool,
    /// Compare the sides all the same after `outlived` (the finds kept before the
    /// MSL rule: the observer holds them, and their tests keep it so).
    pub compare_past_the_msl: bool,
}

impl World {
    /// Endpoints with these configurations, labelled client and server; nothing
    /// opened yet.
    pub fn new(client: Config, server: Config) -> Self {
        World {
            pair: Pair::new(client, server),
            observer: Observer::new(),
            now: Duration::ZERO,
            lost_after_capture: false,
            injected: [false; 2],
            silent: [false; 2],
            lost_control: [false; 2],
            reordered: false,
            rst_after_reordering: false,
            reordered_after_capture: [false; 2],
            challenged: [false; 2],
            reopened: [false; 2],
            revised: [false; 2],
            old_duplicate: [false; 2],
            at_edge: [false; 2],
            unknown_window: [false; 2],
            unseen: [Vec::new(), Vec::new()],
            aged: Vec::new(),
            late_time_wait: [false; 2],
            time_wait_answer: [None; 2],
            lost_time_wait_answer: [false; 2],
            retransmission_first: [false; 2],
            stale: Vec::new(),
            last_iss: [None; 2],
            half_open_same_isn: [false; 2],
            acked_earlier_incarnation: [false; 2],
            fin_before_tcb: Vec::new(),
            old_incarnation: [false; 2],
            sent_high: [None; 2],
            crossed_ack: [None; 2],
            rst_at_crossed_ack: [false; 2],
            held: Vec::new(),
            outlived: false,
            compare_past_the_msl: false,
        }
    }

    /// Records what the last `n` segments put in flight carry.
    fn sent_last(&mut self, n: usize) {
        let len = self.pair.len();
        for i in len.saturating_sub(n)..len {
            if let Some(f) = self.pair.get(i) {
                let ctl: Vec<_> = controls(&f.segment).collect();
                self.unseen[f.from.index()].extend(ctl);
            }
        }
    }

    fn check_observed(t: &Transition) {
        if matches!(t.cause, Cause::Sent | Cause::Received | Cause::Delivered) {
            assert!(is_rfc_transition(t.from, t.to), "observer: {t}");
        }
    }

    /// The segment at `i` passes the capture point.
    fn capture(&mut self, i: usize) {
        if let Some(f) = self.pair.get(i).copied().filter(|f| !f.captured) {
            let ctl: Vec<_> = controls(&f.segment).collect();
            let earlier_copy = (0..self.pair.len()).any(|j| {
                self.pair.get(j).is_some_and(|e| {
                    j != i
                        && !e.captured
                        && e.from == f.from
                        && f.segment.flags.contains(TcpFlags::ACK)
                        && (!e.segment.flags.contains(TcpFlags::ACK)
                            || e.segment.ack.before(f.segment.ack))
                        && controls(&e.segment).any(|c| ctl.contains(&c))
                })
            });
            if earlier_copy {
                self.retransmission_first[f.from.index()] = true;
            }
        }
        if let Some(f) = self.pair.capture(i) {
            if self
                .held
                .iter()
                .any(|&(s, seg, age)| s == f.from && seg == f.segment && age > DEFAULT_MSL)
            {
                self.outlived = true;
                if trace() {
                    eprintln!("   outlived the MSL before the capture point");
                }
            }
            let to = f.from.peer();
            if self.time_wait_answer[f.from.index()] == Some(f.segment) {
                self.time_wait_answer[f.from.index()] = None;
            }
            let rst_at_crossed = f.segment.flags.contains(TcpFlags::RST)
                && self.crossed_ack[to.index()] == Some(f.segment.seq);
            let peer_sent = self.sent_high[to.index()];
            let no_tcb = self.pair.endpoint(f.from).iss().is_none();
            let o = self.observer.on_segment(f.from, &f.segment, self.now);
            if no_tcb
                && f.segment.flags.contains(TcpFlags::FIN)
                && o.transitions
                    .iter()
                    .any(|t| t.side == f.from && t.cause == Cause::Sent)
            {
                self.fin_before_tcb.push((f.from, f.segment));
            }
            if rst_at_crossed && o.notes.contains(Note::RstAccepted) {
                self.rst_at_crossed_ack[to.index()] = true;
            }
            if !f.segment.flags.contains(TcpFlags::RST) {
                let end = f.segment.seq + f.segment.seg_len();
                let high = &mut self.sent_high[f.from.index()];
                *high = match *high {
                    Some(h) if !f.segment.flags.contains(TcpFlags::SYN) => Some(h.max_seq(end)),
                    _ => Some(end),
                };
                if f.segment.flags.contains(TcpFlags::ACK) {
                    let ack = f.segment.ack;
                    self.crossed_ack[f.from.index()] =
                        peer_sent.filter(|n| n.after(ack)).map(|_| ack);
                }
            }
            if trace() {
                eprintln!(
                    "seen {} {:?}\n   -> {:?} {:?}",
                    f.from, f.segment, o.transitions, o.notes
                );
            }
            for t in o.transitions.iter() {
                Self::check_observed(t);
            }
            if f.segment.flags.contains(TcpFlags::RST) && self.reordered {
                self.rst_after_reordering = true;
            }
            // Once challenged, for good: even a later data segment may have been
            // sent before the RST (reordered), so nothing seen proves the side alive.
            if f.segment.flags.contains(TcpFlags::RST) && !o.notes.contains(Note::RstAccepted) {
                self.challenged[f.from.index()] = true;
            }
            if o.notes.contains(Note::Reopened) {
                self.reopened[f.from.index()] = true;
            }
            if o.notes.contains(Note::OldDuplicate) {
                self.old_duplicate[f.from.peer().index()] = true;
                // A side the observer keeps past SYN_SENT may have opened anew.
                if self.observer.state(f.from) != State::SynSent {
                    self.old_duplicate[f.from.index()] = true;
                }
            }
            if o.notes.contains(Note::AcceptedAtEdge) {
                self.at_edge[f.from.peer().index()] = true;
            }
            if o.notes.contains(Note::AcceptedInUnknownWindow) {
                self.unknown_window[f.from.peer().index()] = true;
            }
            if o.notes.contains(Note::Challenged) && !f.segment.flags.contains(TcpFlags::RST) {
                self.revised[f.from.index()] = true;
            }
            if let Some(fit) = self.fits_current_incarnation(f.from, &f.segment)
                && o.transitions
                    .iter()
                    .any(|t| t.side == f.from && t.cause == Cause::Sent)
            {
                self.old_incarnation[f.from.index()] = true;
                if trace() {
                    eprintln!("   old incarnation ({fit:?})");
                }
                if fit
                    == (Fit::BeyondWithTheSameIsns {
                        misleads_receiver: true,
                    })
                {
                    self.old_incarnation[to.index()] = true;
                }
            }
            if self.half_open_same_isn[to.index()]
                && f.segment.flags.contains(TcpFlags::FIN | TcpFlags::ACK)
                && (self.pair.endpoint(to).snd_nxt()).is_some_and(|n| f.segment.ack.after(n))
            {
                self.acked_earlier_incarnation[to.index()] = true;
                if trace() {
                    eprintln!("   a FIN acknowledging the receiver's earlier incarnation");
                }
            }
            let seen: Vec<_> = controls(&f.segment).collect();
            self.unseen[f.from.index()].retain(|c| !seen.contains(c));
        }
    }

    /// Whether `seg`, from `side`, is a FIN or RST of an earlier incarnation of
    /// `side` (in flight when it began its current one) whose numbers fit the
    /// current one, and how: its sequence number in `(ISS, SND.NXT]` of `side` and
    /// its ACK (if any) in `(ISS, SND.NXT]` of the peer ([`Fit::InSpace`]), or
    /// either beyond (but after the ISS) when that incarnation had the current
    /// ISNs, both sides' ([`Fit::BeyondWithTheSameIsns`]). The same ISNs again (the
    /// ISN clocks did not tick between the incarnations; RFC 9293 §3.4.1 chooses
    /// ISNs so that old segments cannot fall in a new incarnation's space) make
    /// such a segment look exactly like one sent now, or, beyond `SND.NXT`, like
    /// one sent after data the capture missed (of its sender, or, for its ACK, of
    /// the peer).
    fn fits_current_incarnation(&self, side: Side, seg: &Segment) -> Option<Fit> {
        let in_space = |e: &Endpoint, n: SeqNum| matches!((e.iss(), e.snd_nxt()), (Some(iss), Some(nxt)) if n.after(iss) && n.before_or_eq(nxt));
        let after_iss = |e: &Endpoint, n: SeqNum| e.iss().is_some_and(|iss| n.after(iss));
        let me = self.pair.endpoint(side);
        let peer = self.pair.endpoint(side.peer());
        let isns_now = [
            self.pair.endpoint(Side::Client).iss(),
            self.pair.endpoint(Side::Server).iss(),
        ];
        let (_, _, isns) = *self
            .stale
            .iter()
            .find(|&&(s, old, _)| s == side && old == *seg)?;
        if !seg.flags.intersects(TcpFlags::FIN | TcpFlags::RST) {
            return None;
        }
        let seq_in = in_space(me, seg.seq);
        let ack_in = !seg.flags.contains(TcpFlags::ACK)
            || in_space(peer, seg.ack)
            // A peer that lost its TCB without a segment (ABORT, CLOSE from
            // SYN-SENT, a user timeout) still has it as far as the capture shows.
            || (peer.iss().is_none() && self.silent[side.peer().index()]);
        if seq_in && ack_in {
            Some(Fit::InSpace)
        } else if isns == isns_now
            && (seq_in || after_iss(me, seg.seq))
            && (ack_in || after_iss(peer, seg.ack))
        {
            Some(Fit::BeyondWithTheSameIsns {
                misleads_receiver: !ack_in || peer.rcv_nxt().is_some_and(|n| seg.seq.after(n)),
            })
        } else {
            None
        }
    }

    /// `side` begins a new incarnation if `changes` open a TCB: what it has in
    /// flight now belongs to the earlier one, but for the last `new` segments in
    /// flight (put there by the event itself).
    fn note_incarnation<'a>(
        &mut self,
        side: Side,
        changes: impl Iterator<Item = &'a Transition>,
        new: usize,
    ) {
        let opened = changes.into_iter().any(|c| {
            matches!(
                (c.from, c.to),
                (State::Closed | State::Listen, State::SynSent)
                    | (State::Listen | State::TimeWait, State::SynReceived)
            )
        });
        if opened {
            // What is in flight was sent by the incarnation before (or one earlier,
            // already recorded).
            let isns = self.last_iss;
            for i in 0..self.pair.len().saturating_sub(new) {
                if let Some(f) = self.pair.get(i).filter(|f| f.from == side) {
                    if !self
                        .stale
                        .iter()
                        .any(|&(s, seg, _)| s == side && seg == f.segment)
                    {
                        self.stale.push((f.from, f.segment, isns));
                    }
                }
            }
            self.last_iss[side.index()] = self.pair.endpoint(side).iss();
            // The peer's TCB now holds no earlier incarnation of `side` but its own.
            self.half_open_same_isn[side.peer().index()] = false;
            let peer = self.pair.endpoint(side.peer());
            self.half_open_same_isn[side.index()] = peer.state().is_synchronized()
                && peer.tcb().map(|t| t.irs()) == self.pair.endpoint(side).iss();
            // A FIN of an earlier incarnation that passed the capture point before
            // this TCB opened, taken by the observer as sent by a connection it
            // believed open (e.g. on the peer's SYN, seen before it arrived): if its
            // numbers fit this incarnation, it is bit for bit one this TCB can send.
            let e = *self.pair.endpoint(side);
            let peer = *self.pair.endpoint(side.peer());
            let in_space = |e: &Endpoint, n: SeqNum| matches!((e.iss(), e.snd_nxt()), (Some(iss), Some(nxt)) if n.after(iss) && n.before_or_eq(nxt));
            let fits = self.fin_before_tcb.iter().any(|&(s, seg)| {
                s == side
                    && in_space(&e, seg.seq)
                    && (!seg.flags.contains(TcpFlags::ACK) || in_space(&peer, seg.ack))
            });
            if fits {
                self.old_incarnation[side.index()] = true;
            }
            self.fin_before_tcb.retain(|&(s, _)| s != side);
        }
    }

    fn deliver(&mut self, i: usize) {
        if self.pair.is_empty() {
            return;
        }
        let i = i % self.pair.len();
        if i != 0 {
            self.reordered = true;
        }
        let Some(f) = self.pair.get(i).copied() else {
            return;
        };
        // Does this segment overtake one of its sender's that the capture point
        // has already seen (still in flight, whatever its sequence number)?
        let overtakes_captured = (0..self.pair.len()).any(|j| {
            j != i
                && self
                    .pair
                    .get(j)
                    .is_some_and(|e| e.captured && e.from == f.from)
        });
        if overtakes_captured {
            self.reordered_after_capture[f.from.peer().index()] = true;
        }
        self.capture(i);
        let to = f.from.peer();
        let before = *self.pair.endpoint(to);
        // The observer's 2·MSL for the receiver has run out, its endpoint's has not:
        // whether a SYN opens a connection (RFC 9293 §3.10.7.4 in CLOSED or LISTEN,
        // RFC 6191 in TIME-WAIT) depends on a state the observer no longer gives it,
        // and only the receiver's answer shows which it met.
        let syn_into_late_time_wait = self.late_time_wait[to.index()]
            && before.state() == State::TimeWait
            && self.observer.state(to) != State::TimeWait
            && f.segment.flags.contains(TcpFlags::SYN);
        let len = self.pair.len();
        let Ok(d) = self.pair.deliver_at(i, self.now) else {
            return;
        };
        if trace() {
            eprintln!(
                "   endpoint: {:?} {:?} reply {:?}",
                d.arrival.transitions, d.arrival.disposition, d.arrival.reply
            );
        }
        if syn_into_late_time_wait {
            self.time_wait_answer[to.index()] = d.arrival.reply.segment().copied();
            if trace() {
                eprintln!("   a SYN reaches a TIME-WAIT the observer has ended");
            }
        }
        let e = self.pair.endpoint(to);
        if e.state() == State::TimeWait && self.aged.contains(&(f.from, f.segment)) {
            self.late_time_wait[to.index()] = true;
        }
        check_chain(before.state(), d.arrival.transitions.iter(), e.state());
        check_endpoint(e);
        let changes = d.arrival.transitions;
        let replied = usize::from(d.arrival.reply.segment().is_some() && self.pair.len() == len);
        self.note_incarnation(to, changes.iter(), replied);
        let e = self.pair.endpoint(to);
        if matches!(d.arrival.disposition, Disposition::Dropped(r) if r != DropReason::ZeroWindow)
            && d.arrival.transitions.is_empty()
        {
            // A dropped segment changes nothing but, in TIME-WAIT, the 2·MSL deadline
            // (a segment refused by a zero window still has its ACK processed).
            assert_eq!(before.state(), e.state());
            assert_eq!(
                before.tcb().map(tcb_state),
                e.tcb().map(tcb_state),
                "a dropped segment changed the TCB"
            );
        }
        match d.arrival.reply {
            Reply::None => {}
            Reply::Ack(r) | Reply::ChallengeAck(r) => {
                assert_eq!(r.flags, TcpFlags::ACK);
                assert_eq!(r.payload_len, 0);
            }
            Reply::SynAck(r) => assert_eq!(r.flags, TcpFlags::SYN | TcpFlags::ACK),
            Reply::Reset(r) => {
                assert!(r.flags.contains(TcpFlags::RST));
                assert!(
                    !f.segment.flags.contains(TcpFlags::RST),
                    "RST answered with RST"
                );
            }
        }
        if let Some(r) = d.arrival.reply.segment() {
            if self.pair.len() == len {
                // The reply is now last in flight.
                self.sent_last(1);
            } else if controls(r).next().is_some() {
                // The network was full: the reply was lost before the capture point.
                self.lost_control[to.index()] = true;
            }
        }
    }

    fn tick(&mut self, by: Duration) {
        if !by.is_zero() {
            let mut waiting: Vec<(Side, Segment)> = Vec::new();
            for i in 0..self.pair.len() {
                if let Some(f) = self.pair.get(i).copied() {
                    if f.captured {
                        self.aged.push((f.from, f.segment));
                    } else if !waiting.contains(&(f.from, f.segment)) {
                        waiting.push((f.from, f.segment));
                    }
                }
            }
            // Only what is still waiting keeps an age (a later copy bit for bit
            // alike, sent after the last one passed, starts anew).
            self.held.retain(|&(s, seg, _)| waiting.contains(&(s, seg)));
            for (from, segment) in waiting {
                if let Some(h) = self
                    .held
                    .iter_mut()
                    .find(|(s, seg, _)| *s == from && *seg == segment)
                {
                    h.2 = h.2.saturating_add(by);
                } else {
                    self.held.push((from, segment, by));
                }
            }
        }
        self.now = self.now.saturating_add(by);
        let before = self.pair.states();
        let ts = self.pair.on_time(self.now);
        for side in Side::BOTH {
            let mine = ts.iter().filter(|t| t.side == side);
            check_chain(
                before[side.index()],
                mine.clone(),
                self.pair.endpoint(side).state(),
            );
            if mine.clone().any(|t| t.cause == Cause::UserTimeout) {
                self.silent[side.index()] = true; // closed without a segment
            }
            check_endpoint(self.pair.endpoint(side));
        }
        for t in self.observer.on_time(self.now).iter() {
            Self::check_observed(t);
        }
    }

    /// Whether the observer can know `side`'s state (the module's rule).
    pub fn knowable(&self, side: Side) -> bool {
        !self.lost_after_capture
            && (!self.outlived || self.compare_past_the_msl)
            && !self.rst_after_reordering
            && !self.reordered_after_capture[side.index()]
            && self.injected == [false; 2]
            && !self.silent[side.index()]
            && !self.lost_control[side.index()]
            && !self.challenged[side.index()]
            && !self.reopened[side.index()]
            && !self.revised[side.index()]
            && !self.old_duplicate[side.index()]
            && !self.at_edge[side.index()]
            && !self.unknown_window[side.index()]
            && self.unseen[side.index()].is_empty()
            && !self.retransmission_first[side.index()]
            && !self.old_incarnation[side.index()]
            && !self.acked_earlier_incarnation[side.index()]
            && !self.rst_at_crossed_ack[side.index()]
            && !self.lost_time_wait_answer[side.index()]
            && !(self.late_time_wait[side.index()]
                && self.pair.endpoint(side).state() == State::TimeWait)
    }

    /// With nothing in flight, the observer agrees with every knowable side.
    pub fn check_agreement(&self, when: &str) {
        if trace() {
            // One line per operation, for comparing the states of two builds
            // (e.g. a mutant's) step by step.
            eprintln!(
                "states observer {} {} endpoint {} {} knowable {} {} settled {}",
                self.observer.state(Side::Client),
                self.observer.state(Side::Server),
                self.pair.endpoint(Side::Client).state(),
                self.pair.endpoint(Side::Server).state(),
                self.knowable(Side::Client),
                self.knowable(Side::Server),
                self.pair.is_empty(),
            );
        }
        if !self.pair.is_empty() {
            return;
        }
        for side in Side::BOTH {
            if self.knowable(side) {
                let (o, e) = (self.observer.state(side), self.pair.endpoint(side).state());
                assert!(
                    same(o, e),
                    "{side} {when}: observer {o} vs endpoint {e}; unseen {:?}",
                    self.unseen
                );
            }
        }
    }

    /// A user call on `side`: checks that a refused one changed nothing, and the
    /// transition reported; returns whether a segment was put in flight.
    fn call(
        &mut self,
        side: Side,
        f: impl FnOnce(&mut Pair<FLIGHT>) -> Result<Option<Segment>, PairError>,
    ) -> bool {
        let before = *self.pair.endpoint(side);
        let r = f(&mut self.pair);
        let after = self.pair.endpoint(side);
        check_endpoint(after);
        match r {
            Err(_) => {
                assert_eq!(before, *after, "a refused call changed the endpoint");
                false
            }
            Ok(Some(_)) => {
                self.sent_last(1);
                true
            }
            Ok(None) => false,
        }
    }

    fn call_outcome(
        &mut self,
        side: Side,
        f: impl FnOnce(&mut Pair<FLIGHT>) -> Result<synack::state::CallOutcome, PairError>,
    ) {
        let before = self.pair.endpoint(side).state();
        let mut change = None;
        let sent = self.call(side, |p| {
            f(p).map(|o| {
                change = Some(o.transition);
                o.segment
            })
        });
        let after = self.pair.endpoint(side).state();
        check_chain(before, change.iter(), after);
        self.note_incarnation(side, change.iter(), usize::from(sent));
        // CLOSED without a segment (ABORT or CLOSE).
        if change.is_some() && !sent && after == State::Closed {
            self.silent[side.index()] = true;
        }
    }

    /// Does `op`, then compares the observer with the endpoints.
    pub fn apply(&mut self, op: Op) {
        let now = self.now;
        if trace() {
            eprintln!("op {op:?}");
        }
        match op {
            Op::Listen(s) => self.call_outcome(s, |p| p.listen(s)),
            Op::Connect(s) => self.call_outcome(s, |p| p.connect(s, now)),
            Op::Send(s, n) => {
                let len = n.min(1460);
                let state = self.pair.endpoint(s).state();
                self.call(s, |p| {
                    p.send(s, len, now).map(|seg| {
                        assert_eq!(seg.payload_len, len);
                        Some(seg)
                    })
                });
                assert_eq!(state, self.pair.endpoint(s).state());
            }
            Op::Close(s) => self.call_outcome(s, |p| p.close(s, now)),
            Op::Abort(s) => self.call_outcome(s, |p| p.abort(s)),
            Op::Retransmit(s) => {
                self.call(s, |p| p.retransmit(s).map(Some));
            }
            Op::Deliver(i) => self.deliver(i),
            Op::DeliverAll => {
                for _ in 0..FLIGHT {
                    if self.pair.is_empty() {
                        break;
                    }
                    self.deliver(0);
                }
            }
            Op::Drop(i) if !self.pair.is_empty() => {
                let i = i % self.pair.len();
                if let Ok(f) = self.pair.drop_at(i) {
                    if !f.captured && self.time_wait_answer[f.from.index()] == Some(f.segment) {
                        self.lost_time_wait_answer[f.from.index()] = true;
                    }
                    if f.captured {
                        self.lost_after_capture = true;
                    } else if controls(&f.segment).next().is_some() {
                        self.lost_control[f.from.index()] = true;
                    }
                }
            }
            Op::Duplicate(i) if !self.pair.is_empty() => {
                let i = i % self.pair.len();
                if let Some(f) = self.pair.get(i).copied() {
                    // A duplicated SYN after the connection ended looks exactly like
                    // the opener trying again: not generated.
                    if !f.segment.flags.contains(TcpFlags::SYN) {
                        let _ = self.pair.duplicate(i);
                    }
                }
            }
            Op::Delay(i) if !self.pair.is_empty() => {
                self.reordered = true;
                let _ = self.pair.delay(i % self.pair.len());
            }
            Op::Capture(i) if !self.pair.is_empty() => {
                let i = i % self.pair.len();
                self.capture(i);
            }
            Op::DropCaptured(i) if !self.pair.is_empty() => {
                let i = i % self.pair.len();
                self.capture(i);
                let _ = self.pair.drop_at(i);
                self.lost_after_capture = true;
            }
            Op::InjectRst(s, kind) | Op::InjectSyn(s, kind) => {
                let peer = self.pair.endpoint(s.peer());
                let Some(tcb) = peer.tcb() else { return };
                let rcv_nxt = tcb.rcv_nxt();
                let seq = match kind {
                    0 => rcv_nxt,
                    1 => rcv_nxt + tcb.rcv_wnd().max(2) / 2,
                    _ => rcv_nxt - 1_000_000,
                };
                let seq = match (op, kind) {
                    (Op::InjectSyn(..), 0) => rcv_nxt + 10_000_000,
                    _ => seq,
                };
                let flags = match op {
                    Op::InjectRst(..) => TcpFlags::RST,
                    _ => TcpFlags::SYN,
                };
                let seg = Segment::new(seq, SeqNum(0), flags).with_options(SynOptions::default());
                if self.pair.inject(s, seg).is_ok() {
                    self.injected[s.index()] = true;
                }
            }
            Op::Forge(s, seg) if self.pair.inject(s, seg).is_ok() => {
                self.injected[s.index()] = true;
            }
            Op::Tick(secs) => self.tick(Duration::from_secs(secs)),
            Op::Wait(d) => self.tick(d),
            _ => {}
        }
        for side in Side::BOTH {
            if self.pair.endpoint(side).state() != State::TimeWait {
                self.late_time_wait[side.index()] = false;
            }
        }
        self.check_agreement("after an operation");
    }

    /// Drains the network, repairing losses by retransmission, until quiet.
    pub fn settle(&mut self) {
        for _ in 0..40 {
            self.apply(Op::DeliverAll);
            let mut sent = false;
            for side in Side::BOTH {
                if self.pair.retransmit(side).is_ok() {
                    self.sent_last(1);
                    sent = true;
                }
            }
            if !sent && self.pair.is_empty() {
                break;
            }
            self.now += Duration::from_millis(200);
        }
    }
}
