//! [`Endpoint`]: one side's transmission control block (TCB), driven by the events
//! of RFC 9293 §3.10. The design is explained on [`Endpoint`] itself, which is
//! re-exported from [`crate::state`].

use core::time::Duration;

use super::{Cause, DEFAULT_MSL, Side, State, Transition, Transitions};
use crate::flags::TcpFlags;
use crate::segment::{Segment, SynOptions};
use crate::seq::SeqNum;

/// The MSS assumed when the peer's SYN carries no MSS option (RFC 9293 MUST-15, IPv4).
pub const DEFAULT_PEER_MSS: u16 = 536;

/// The user timeout unless configured otherwise: five minutes, RFC 793's global default.
pub const DEFAULT_USER_TIMEOUT: Duration = Duration::from_secs(300);

/// The largest window-scale shift (RFC 7323 §2.3).
pub const MAX_WINDOW_SHIFT: u8 = 14;

/// Bytes the timestamps option takes on every segment once negotiated: kind,
/// length, TSval, TSecr (10) and the two NOPs that align it (RFC 7323 appendix A).
const TIMESTAMPS_OPTION_LEN: u16 = 12;

/// How an endpoint behaves: its ISN generator, receive window, SYN options and timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Config {
    /// The ISN generator's offset, RFC 6528's `F(...)`: the ISS chosen at capture time
    /// `now` is `isn_offset + M`, where `M` counts 4 µs ticks of `now` (RFC 9293
    /// §3.4.1). At time zero the ISS is `isn_offset` itself.
    pub isn_offset: u32,
    /// The receive window, `RCV.WND`, in bytes (clamped to what the window field and
    /// scale can announce, at most 2^30).
    pub window: u32,
    /// The window-scale shift this endpoint offers in its SYN (RFC 7323); `None` sends
    /// no window-scale option. Clamped to 14.
    pub window_scale: Option<u8>,
    /// The MSS option this endpoint sends in its SYN; `None` sends none.
    pub mss: Option<u16>,
    /// Whether its SYN offers SACK-permitted (RFC 2018). A SYN,ACK offers it only in
    /// answer to a SYN that did. The endpoint keeps no reassembly queue, so it never
    /// sends SACK blocks; the option only tells the peer it may.
    pub sack_permitted: bool,
    /// Whether its SYN offers timestamps (RFC 7323 §3). When both SYNs carry the
    /// option, every segment this endpoint sends carries `TSval` (capture time in
    /// milliseconds, modulo 2^32) and `TSecr` (`TS.Recent`), and a SYN arriving in
    /// TIME-WAIT is judged by its timestamp (RFC 6191).
    pub timestamps: bool,
    /// Maximum segment lifetime; TIME-WAIT lasts 2·MSL (RFC 9293 MUST-13).
    pub msl: Duration,
    /// How long sent data (or a SYN or FIN) may stay unacknowledged before the
    /// connection is aborted (RFC 9293 §3.10.8); `None` disables the user timeout.
    pub user_timeout: Option<Duration>,
}

impl Config {
    /// ISN offset 0, window 65535 without scaling, MSS 1460, no SACK-permitted, no
    /// timestamps, MSL 2 minutes, user timeout 5 minutes.
    pub const DEFAULT: Config = Config {
        isn_offset: 0,
        window: 65535,
        window_scale: None,
        mss: Some(1460),
        sack_permitted: false,
        timestamps: false,
        msl: DEFAULT_MSL,
        user_timeout: Some(DEFAULT_USER_TIMEOUT),
    };

    /// The ISS chosen at capture time `now`: `isn_offset` plus `now` in 4 µs ticks,
    /// modulo 2^32 (RFC 6528's `M + F(...)`).
    pub fn isn(&self, now: Duration) -> SeqNum {
        let ticks = (now.as_micros() / 4) as u32; // modulo 2^32: truncation intended
        SeqNum(self.isn_offset.wrapping_add(ticks))
    }

    fn offered_shift(&self) -> Option<u8> {
        self.window_scale.map(|s| s.min(MAX_WINDOW_SHIFT))
    }

    /// The window field of a SYN or SYN,ACK (never scaled, RFC 7323 §2.2).
    fn syn_window(&self) -> u16 {
        self.window.min(u32::from(u16::MAX)) as u16
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Whether a connection in SYN-RECEIVED came from a passive or an active OPEN
/// (RFC 9293 MUST-11): a reset returns the first to LISTEN and the second to CLOSED.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Opening {
    /// From LISTEN: the peer's SYN arrived first.
    Passive,
    /// From SYN-SENT: both sides sent a SYN (simultaneous open).
    Active,
    /// From TIME-WAIT: a new SYN reopened the connection (RFC 9293 MAY-2, RFC 6191).
    /// There is no listener behind it, so a reset returns it to CLOSED.
    Reopened,
}

/// The synchronized TCB: everything an endpoint knows once it has seen the peer's SYN.
///
/// Sequence variables follow RFC 9293 §3.3.1; windows are in bytes (scaled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tcb {
    iss: SeqNum,
    irs: SeqNum,
    snd_una: SeqNum,
    snd_nxt: SeqNum,
    snd_wnd: u32,
    snd_wl1: SeqNum,
    snd_wl2: SeqNum,
    max_snd_wnd: u32,
    rcv_nxt: SeqNum,
    rcv_wnd: u32,
    peer_mss: u16,
    peer_window_scale: Option<u8>,
    snd_shift: u8,
    rcv_shift: u8,
    unacked_since: Option<Duration>,
    sack_ok: bool,
    ts_ok: bool,
    ts_recent: Option<u32>,
    ts_val: u32,
    rcv_up: SeqNum,
    received: u64,
}

/// Capture time in milliseconds, modulo 2^32: the endpoint's timestamp clock.
fn ts_clock(now: Duration) -> u32 {
    now.as_millis() as u32 // modulo 2^32: truncation intended
}

impl Tcb {
    /// ISS: the initial send sequence number (the sequence number of our SYN).
    pub const fn iss(&self) -> SeqNum {
        self.iss
    }
    /// IRS: the initial receive sequence number (the sequence number of the peer's SYN).
    pub const fn irs(&self) -> SeqNum {
        self.irs
    }
    /// `SND.UNA`: the oldest unacknowledged sequence number.
    pub const fn snd_una(&self) -> SeqNum {
        self.snd_una
    }
    /// `SND.NXT`: the next sequence number to send.
    pub const fn snd_nxt(&self) -> SeqNum {
        self.snd_nxt
    }
    /// `SND.WND`: the send window the peer offered, in bytes (scaled).
    pub const fn snd_wnd(&self) -> u32 {
        self.snd_wnd
    }
    /// `SND.WL1`: the sequence number of the segment last used to update `SND.WND`.
    pub const fn snd_wl1(&self) -> SeqNum {
        self.snd_wl1
    }
    /// `SND.WL2`: the acknowledgment number of the segment last used to update `SND.WND`.
    pub const fn snd_wl2(&self) -> SeqNum {
        self.snd_wl2
    }
    /// `MAX.SND.WND`: the largest window the peer ever offered (RFC 5961 §5), in bytes.
    pub const fn max_snd_wnd(&self) -> u32 {
        self.max_snd_wnd
    }
    /// `RCV.NXT`: the next sequence number expected from the peer.
    pub const fn rcv_nxt(&self) -> SeqNum {
        self.rcv_nxt
    }
    /// `RCV.WND`: the receive window, in bytes.
    pub const fn rcv_wnd(&self) -> u32 {
        self.rcv_wnd
    }
    /// The MSS the peer announced in its SYN ([`DEFAULT_PEER_MSS`] if it announced none).
    pub const fn peer_mss(&self) -> u16 {
        self.peer_mss
    }
    /// The most data one segment may carry: the peer's MSS less the TCP options
    /// every segment carries (RFC 9293 §3.7.1: `Eff.snd.MSS` counts the options in
    /// `TCPhdrsize`; the peer's MSS assumes a bare 20-byte header). With timestamps
    /// in use (RFC 7323) that is 12 bytes less: 1448 for an MSS of 1460, as Linux
    /// sends.
    pub const fn send_mss(&self) -> u16 {
        if self.ts_ok {
            self.peer_mss.saturating_sub(TIMESTAMPS_OPTION_LEN)
        } else {
            self.peer_mss
        }
    }
    /// The window-scale shift the peer offered in its SYN, if any.
    pub const fn peer_window_scale(&self) -> Option<u8> {
        self.peer_window_scale
    }
    /// The shift applied to the windows the peer sends (0 unless both SYNs offered scaling).
    pub const fn snd_shift(&self) -> u8 {
        self.snd_shift
    }
    /// The shift applied to the windows this endpoint sends.
    pub const fn rcv_shift(&self) -> u8 {
        self.rcv_shift
    }
    /// Since when sent sequence space has been waiting for an acknowledgment (restarted
    /// whenever `SND.UNA` advances); `None` when everything sent is acknowledged.
    pub const fn unacked_since(&self) -> Option<Duration> {
        self.unacked_since
    }
    /// Whether both SYNs offered SACK-permitted.
    pub const fn sack_permitted(&self) -> bool {
        self.sack_ok
    }
    /// Whether both SYNs offered timestamps, so every segment carries them (RFC 7323).
    pub const fn timestamps(&self) -> bool {
        self.ts_ok
    }
    /// `TS.Recent`: the latest `TSval` received from the peer (RFC 7323 §4.3), when
    /// timestamps are in use.
    pub const fn ts_recent(&self) -> Option<u32> {
        self.ts_recent
    }
    /// `RCV.UP`: the receive urgent pointer, the sequence number after the last urgent
    /// octet the peer announced (RFC 9293 §3.10.7.4, sixth step); `RCV.NXT` after the
    /// SYN until a segment with URG raises it.
    pub const fn rcv_up(&self) -> SeqNum {
        self.rcv_up
    }
    /// How many payload bytes were delivered in order so far: the stream offset of the
    /// next byte to arrive.
    pub const fn received(&self) -> u64 {
        self.received
    }

    /// The window field this endpoint announces outside SYNs.
    fn window_field(&self) -> u16 {
        (self.rcv_wnd >> self.rcv_shift).min(u32::from(u16::MAX)) as u16
    }

    /// The timestamps option this endpoint puts on a segment: `(TSval, TSecr)` once
    /// both SYNs offered timestamps.
    fn stamp(&self, seg: Segment) -> Segment {
        if !self.ts_ok {
            return seg;
        }
        let mut seg = seg;
        seg.options.timestamps = Some((self.ts_val, self.ts_recent.unwrap_or(0)));
        seg
    }

    /// `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>`.
    fn ack(&self) -> Segment {
        self.stamp(
            Segment::new(self.snd_nxt, self.rcv_nxt, TcpFlags::ACK)
                .with_window(self.window_field()),
        )
    }

    /// `<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>` with our SYN options, each offered only
    /// in answer to a SYN that offered it (RFC 7323 §1.3, RFC 2018 §2).
    fn syn_ack(&self, config: &Config) -> Segment {
        let window_scale = match self.peer_window_scale {
            Some(_) => config.offered_shift(),
            None => None,
        };
        Segment::new(self.iss, self.rcv_nxt, TcpFlags::SYN | TcpFlags::ACK)
            .with_window(config.syn_window())
            .with_options(SynOptions {
                mss: config.mss,
                window_scale,
                sack_permitted: self.sack_ok,
                timestamps: if self.ts_ok {
                    Some((self.ts_val, self.ts_recent.unwrap_or(0)))
                } else {
                    None
                },
            })
    }

    /// Whether `SND.UNA < ack =< SND.NXT`.
    fn acks_new(&self, ack: SeqNum) -> bool {
        ack != self.snd_una && in_range(ack, self.snd_una, self.snd_nxt)
    }

    /// Whether everything sent, our FIN included, is acknowledged.
    fn all_acked(&self) -> bool {
        self.snd_una == self.snd_nxt
    }

    /// A TCB from the peer's SYN: `IRS = SEG.SEQ`, `RCV.NXT = SEG.SEQ + 1`, the peer's
    /// MSS and window scale, and the SYN's (unscaled) window as the first `SND.WND`.
    fn from_syn(config: &Config, iss: SeqNum, syn: &Segment, now: Duration) -> Tcb {
        let ts_ok = config.timestamps && syn.options.timestamps.is_some();
        let peer_window_scale = syn.options.window_scale.map(|s| s.min(MAX_WINDOW_SHIFT));
        // Scaling is in effect only when both SYNs carry the option (RFC 7323 §2.2).
        let (snd_shift, rcv_shift) = match (peer_window_scale, config.offered_shift()) {
            (Some(peer), Some(ours)) => (peer, ours),
            _ => (0, 0),
        };
        let rcv_wnd = config
            .window
            .min(u32::from(u16::MAX) << rcv_shift)
            .min(1 << 30);
        // A whole number of scale units, and at least one when the window is not
        // zero: rounding a window the SYN announced down to nothing would refuse
        // everything while the peer was told it may send.
        let unit = 1u32 << rcv_shift;
        let rcv_wnd = match rcv_wnd & !(unit - 1) {
            0 if rcv_wnd > 0 => unit,
            w => w,
        };
        let snd_wnd = u32::from(syn.window);
        Tcb {
            iss,
            irs: syn.seq,
            snd_una: iss,
            snd_nxt: iss + 1,
            snd_wnd,
            snd_wl1: syn.seq,
            snd_wl2: iss,
            max_snd_wnd: snd_wnd,
            rcv_nxt: syn.seq + 1,
            rcv_wnd,
            peer_mss: syn.options.mss.unwrap_or(DEFAULT_PEER_MSS),
            peer_window_scale,
            snd_shift,
            rcv_shift,
            unacked_since: None,
            sack_ok: config.sack_permitted && syn.options.sack_permitted,
            ts_ok,
            ts_recent: if ts_ok {
                syn.options.timestamps.map(|(value, _)| value)
            } else {
                None
            },
            ts_val: ts_clock(now),
            rcv_up: syn.seq + 1,
            received: 0,
        }
    }

    /// Sets `SND.WND` from `seg` and records it in `MAX.SND.WND`. The window of a
    /// segment that carries (or carried, before trimming) a SYN is never scaled
    /// (RFC 7323 §2.2); every other window is shifted by `snd_shift`.
    fn set_snd_wnd(&mut self, seg: &Segment, had_syn: bool) {
        let shift = if had_syn { 0 } else { self.snd_shift };
        self.snd_wnd = u32::from(seg.window) << shift;
        self.snd_wl1 = seg.seq;
        self.snd_wl2 = seg.ack;
        self.max_snd_wnd = self.max_snd_wnd.max(self.snd_wnd);
    }

    /// Records `n` more sequence numbers sent at `now`.
    fn advance_snd_nxt(&mut self, n: u32, now: Duration) {
        if n > 0 && self.all_acked() {
            self.unacked_since = Some(now);
        }
        self.snd_nxt += n;
    }
}

/// `lo =< x =< hi` in sequence space, for `hi` at or after `lo`.
fn in_range(x: SeqNum, lo: SeqNum, hi: SeqNum) -> bool {
    x.0.wrapping_sub(lo.0) <= hi.0.wrapping_sub(lo.0)
}

/// SYN-SENT: our SYN is out, the peer's SYN has not arrived (no IRS, no `RCV.NXT` yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SynSent {
    iss: SeqNum,
    since: Duration,
}

impl SynSent {
    /// ISS: the sequence number of our SYN.
    pub const fn iss(&self) -> SeqNum {
        self.iss
    }
    /// `SND.UNA`, which is the ISS until the SYN is acknowledged.
    pub const fn snd_una(&self) -> SeqNum {
        self.iss
    }
    /// `SND.NXT`: ISS + 1.
    pub const fn snd_nxt(&self) -> SeqNum {
        self.iss.wrapping_add(1)
    }
    /// When the SYN was sent (the user timeout runs from here).
    pub const fn since(&self) -> Duration {
        self.since
    }

    fn syn(&self, config: &Config) -> Segment {
        Segment::new(self.iss, SeqNum(0), TcpFlags::SYN)
            .with_window(config.syn_window())
            .with_options(SynOptions {
                mss: config.mss,
                window_scale: config.offered_shift(),
                sack_permitted: config.sack_permitted,
                timestamps: if config.timestamps {
                    Some((ts_clock(self.since), 0))
                } else {
                    None
                },
            })
    }
}

/// SYN-RECEIVED: the TCB, and whether it came from a passive or an active OPEN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SynReceived {
    tcb: Tcb,
    opening: Opening,
}

impl SynReceived {
    /// The TCB.
    pub const fn tcb(&self) -> &Tcb {
        &self.tcb
    }
    /// Passive (from LISTEN) or active (from SYN-SENT).
    pub const fn opening(&self) -> Opening {
        self.opening
    }
}

/// TIME-WAIT: the TCB and when the 2·MSL timer expires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeWait {
    tcb: Tcb,
    deadline: Duration,
}

impl TimeWait {
    /// The TCB.
    pub const fn tcb(&self) -> &Tcb {
        &self.tcb
    }
    /// When the endpoint becomes CLOSED (restarted by a retransmitted FIN).
    pub const fn deadline(&self) -> Duration {
        self.deadline
    }
}

/// One endpoint's connection, one variant per state, each holding exactly the data
/// that exists in that state (see [`Endpoint`] for why).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Connection {
    /// No TCB.
    Closed,
    /// Waiting for a SYN; no TCB yet.
    Listen,
    /// Our SYN is out.
    SynSent(SynSent),
    /// The peer's SYN arrived and our SYN,ACK is out.
    SynReceived(SynReceived),
    /// Open.
    Established(Tcb),
    /// We sent our FIN; it is not acknowledged and the peer's FIN has not arrived.
    FinWait1(Tcb),
    /// Our FIN is acknowledged; waiting for the peer's FIN.
    FinWait2(Tcb),
    /// The peer's FIN arrived; waiting for our user to close.
    CloseWait(Tcb),
    /// Both FINs crossed; waiting for the acknowledgment of ours.
    Closing(Tcb),
    /// The peer closed first, then we did; waiting for the acknowledgment of our FIN.
    LastAck(Tcb),
    /// Both FINs are acknowledged; lingering 2·MSL.
    TimeWait(TimeWait),
}

impl Connection {
    /// The state this variant stands for.
    pub const fn state(&self) -> State {
        match self {
            Connection::Closed => State::Closed,
            Connection::Listen => State::Listen,
            Connection::SynSent(_) => State::SynSent,
            Connection::SynReceived(_) => State::SynReceived,
            Connection::Established(_) => State::Established,
            Connection::FinWait1(_) => State::FinWait1,
            Connection::FinWait2(_) => State::FinWait2,
            Connection::CloseWait(_) => State::CloseWait,
            Connection::Closing(_) => State::Closing,
            Connection::LastAck(_) => State::LastAck,
            Connection::TimeWait(_) => State::TimeWait,
        }
    }

    /// The TCB, in SYN-RECEIVED and every synchronized state.
    pub const fn tcb(&self) -> Option<&Tcb> {
        match self {
            Connection::Closed | Connection::Listen | Connection::SynSent(_) => None,
            Connection::SynReceived(s) => Some(&s.tcb),
            Connection::TimeWait(t) => Some(&t.tcb),
            Connection::Established(t)
            | Connection::FinWait1(t)
            | Connection::FinWait2(t)
            | Connection::CloseWait(t)
            | Connection::Closing(t)
            | Connection::LastAck(t) => Some(t),
        }
    }
}

/// What the endpoint must send in answer to a segment.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reply {
    /// Nothing.
    None,
    /// `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>`: acknowledges text or a FIN, or answers an
    /// unacceptable segment or an acknowledgment outside the RFC 5961 §5 range.
    Ack(Segment),
    /// `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>` sent as RFC 5961's challenge ACK, in
    /// answer to an in-window RST that is not exactly at `RCV.NXT` (§3) or to a SYN in
    /// a synchronized state (§4). RFC 5961 §7 says to rate-limit these; the caller can.
    ChallengeAck(Segment),
    /// `<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>`, in answer to a SYN in LISTEN or SYN-SENT.
    SynAck(Segment),
    /// A reset: `<SEQ=SEG.ACK><CTL=RST>`, or `<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>`
    /// when the offending segment has no ACK (RFC 9293 §3.5.2).
    Reset(Segment),
}

impl Reply {
    /// The segment to send, if any.
    pub const fn segment(&self) -> Option<&Segment> {
        match self {
            Reply::None => None,
            Reply::Ack(s) | Reply::ChallengeAck(s) | Reply::SynAck(s) | Reply::Reset(s) => Some(s),
        }
    }
}

/// Why a segment was dropped (RFC 9293 §3.10.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum DropReason {
    /// There is no connection (CLOSED): answered with a RST unless it is one.
    NoConnection,
    /// A RST that cannot be valid here: in LISTEN, or in SYN-SENT without an
    /// acceptable ACK.
    ResetIgnored,
    /// A RST whose sequence number is outside the receive window (RFC 5961 §3).
    ResetOutsideWindow,
    /// A RST in the window but not at `RCV.NXT`: answered with a challenge ACK.
    ResetNotExact,
    /// An ACK of something never sent in a non-synchronized state (LISTEN, SYN-SENT,
    /// SYN-RECEIVED): answered with a RST.
    UnacceptableAck,
    /// Neither SYN nor RST in LISTEN or SYN-SENT.
    NoSyn,
    /// It fails the acceptability test (RFC 9293 §3.10.7.4, table 6): answered with an ACK.
    NotAcceptable,
    /// A SYN in a synchronized state (RFC 5961 §4): answered with a challenge ACK.
    SynInSynchronizedState,
    /// The ACK bit is off.
    NoAck,
    /// `SEG.ACK > SND.NXT`: it acknowledges data not yet sent. Answered with an ACK.
    AckOfUnsentData,
    /// `SEG.ACK < SND.UNA - MAX.SND.WND` (RFC 5961 §5): answered with an ACK.
    AckTooOld,
    /// The peer's SYN again (`SEG.SEQ = IRS`) in SYN-RECEIVED: answered with our
    /// SYN,ACK again, as Linux and the BSDs do (see [`Endpoint::on_segment`]).
    RetransmittedSyn,
    /// At `RCV.NXT` but the receive window is zero: its text and FIN were refused,
    /// its ACK and URG fields processed (RFC 9293 §3.10.7.4); answered with an ACK.
    ZeroWindow,
}

/// What became of a received segment.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Disposition {
    /// Processed; `delivered` payload bytes were new and are now acknowledged.
    Accepted {
        /// Payload bytes accepted in order (`RCV.NXT` advanced by this much, plus one
        /// for a FIN).
        delivered: u32,
    },
    /// Acceptable, but its text starts after `RCV.NXT`: its ACK field was processed,
    /// its text and FIN were not (an endpoint has no reassembly queue), and a
    /// duplicate ACK answers it (RFC 9293 MAY-13).
    OutOfOrder,
    /// Dropped.
    Dropped(DropReason),
}

/// Everything a received segment caused.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Arrival {
    /// The segment to send in answer.
    pub reply: Reply,
    /// The state changes, in order: none, one, or two (a SYN,ACK or ACK that also
    /// carries a FIN: ESTABLISHED then CLOSE-WAIT; an ACK of our FIN with the peer's
    /// FIN: FIN-WAIT-2 then TIME-WAIT).
    pub transitions: Transitions,
    /// What became of the segment.
    pub disposition: Disposition,
    /// How many sequence numbers the segment newly acknowledged: how far `SND.UNA`
    /// advanced (our SYN and FIN count one each); 0 when it did not advance.
    pub acked: u32,
    /// The stream offset of the first payload byte delivered (0 for the byte after
    /// the peer's SYN), when the segment delivered any.
    pub data_offset: Option<u64>,
    /// `RCV.UP` when the segment carried URG and the urgent pointer lies ahead of
    /// the data received before it: the user is to be told that urgent data
    /// ends before this sequence number (RFC 9293 §3.10.7.4 sixth step, MUST-31).
    pub urgent: Option<SeqNum>,
}

impl Arrival {
    const fn new(reply: Reply, transitions: Transitions, disposition: Disposition) -> Self {
        Arrival {
            reply,
            transitions,
            disposition,
            acked: 0,
            data_offset: None,
            urgent: None,
        }
    }

    const fn dropped(reason: DropReason, reply: Reply) -> Self {
        Self::new(reply, Transitions::new(), Disposition::Dropped(reason))
    }
}

/// What a user call did: the state change and the segment to send, if any.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CallOutcome {
    /// The state change (every successful OPEN, CLOSE and ABORT changes the state).
    pub transition: Transition,
    /// The segment to send: the SYN of an active OPEN, the FIN of a CLOSE, the RST of
    /// an ABORT; `None` when the call sends nothing.
    pub segment: Option<Segment>,
}

/// A user call the RFC answers with an error; the endpoint is left unchanged.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum Violation {
    /// OPEN on an endpoint that already has a connection.
    #[error("error: connection already exists")]
    ConnectionExists,
    /// SEND, CLOSE or ABORT without a connection (CLOSED).
    #[error("error: connection does not exist")]
    ConnectionDoesNotExist,
    /// SEND after our CLOSE, or CLOSE after CLOSE.
    #[error("error: connection closing")]
    ConnectionClosing,
    /// SEND in LISTEN, SYN-SENT or SYN-RECEIVED: the RFC queues the data until
    /// ESTABLISHED, and an endpoint keeps no send queue.
    #[error("error: connection not yet established (no send queue)")]
    NotEstablished,
    /// SEND of more bytes than the usable send window (`SND.UNA + SND.WND - SND.NXT`).
    #[error("error: {len} bytes exceed the usable send window of {usable}")]
    WindowExceeded {
        /// The bytes asked for.
        len: u32,
        /// The usable window.
        usable: u32,
    },
    /// SEND of more bytes than one segment may carry ([`Tcb::send_mss`]: the
    /// peer's MSS less the options every segment carries).
    #[error("error: {len} bytes exceed the {mss} bytes one segment may carry")]
    MssExceeded {
        /// The bytes asked for.
        len: u32,
        /// What one segment may carry ([`Tcb::send_mss`]).
        mss: u16,
    },
    /// RETRANSMIT with nothing unacknowledged.
    #[error("error: nothing to retransmit")]
    NothingToRetransmit,
}

/// The states that hold a [`Tcb`] directly, with their extra data; how the segment
/// processing sees a [`Connection`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    SynReceived(Opening),
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait(Duration),
}

impl Phase {
    const fn state(self) -> State {
        match self {
            Phase::SynReceived(_) => State::SynReceived,
            Phase::Established => State::Established,
            Phase::FinWait1 => State::FinWait1,
            Phase::FinWait2 => State::FinWait2,
            Phase::CloseWait => State::CloseWait,
            Phase::Closing => State::Closing,
            Phase::LastAck => State::LastAck,
            Phase::TimeWait(_) => State::TimeWait,
        }
    }

    const fn join(self, tcb: Tcb) -> Connection {
        match self {
            Phase::SynReceived(opening) => Connection::SynReceived(SynReceived { tcb, opening }),
            Phase::Established => Connection::Established(tcb),
            Phase::FinWait1 => Connection::FinWait1(tcb),
            Phase::FinWait2 => Connection::FinWait2(tcb),
            Phase::CloseWait => Connection::CloseWait(tcb),
            Phase::Closing => Connection::Closing(tcb),
            Phase::LastAck => Connection::LastAck(tcb),
            Phase::TimeWait(deadline) => Connection::TimeWait(TimeWait { tcb, deadline }),
        }
    }

    const fn split(conn: &Connection) -> Option<(Phase, Tcb)> {
        match *conn {
            Connection::Closed | Connection::Listen | Connection::SynSent(_) => None,
            Connection::SynReceived(s) => Some((Phase::SynReceived(s.opening), s.tcb)),
            Connection::Established(t) => Some((Phase::Established, t)),
            Connection::FinWait1(t) => Some((Phase::FinWait1, t)),
            Connection::FinWait2(t) => Some((Phase::FinWait2, t)),
            Connection::CloseWait(t) => Some((Phase::CloseWait, t)),
            Connection::Closing(t) => Some((Phase::Closing, t)),
            Connection::LastAck(t) => Some((Phase::LastAck, t)),
            Connection::TimeWait(t) => Some((Phase::TimeWait(t.deadline), t.tcb)),
        }
    }

    /// Whether our FIN has been sent (it is then the last sequence number sent).
    const fn fin_sent(self) -> bool {
        matches!(
            self,
            Phase::FinWait1
                | Phase::FinWait2
                | Phase::Closing
                | Phase::LastAck
                | Phase::TimeWait(_)
        )
    }
}

/// One TCP endpoint: its configuration and its [`Connection`].
///
/// An endpoint is what one TCP peer knows about its connection: the initial sequence
/// numbers (ISS, IRS), the send variables (`SND.UNA`, `SND.NXT`, `SND.WND`,
/// `SND.WL1`, `SND.WL2`, `MAX.SND.WND`), the receive variables (`RCV.NXT`,
/// `RCV.WND`), the peer's MSS and window scale, and which of the eleven states it
/// is in. Four kinds of event drive it:
///
/// * **user calls**: [`listen`](Endpoint::listen) (passive OPEN),
///   [`connect`](Endpoint::connect) (active OPEN), [`send`](Endpoint::send),
///   [`close`](Endpoint::close), [`abort`](Endpoint::abort) and
///   [`retransmit`](Endpoint::retransmit). A call the RFC answers with an error
///   ("error: connection closing", ...) returns a [`Violation`] and leaves the
///   endpoint exactly as it was;
/// * **segments it sends**: every call that puts something on the wire returns the
///   [`Segment`] to send, with `SEQ`, `ACK`, control bits, window and SYN options
///   computed from the TCB;
/// * **segments it receives**: [`on_segment`](Endpoint::on_segment) follows
///   RFC 9293 §3.10.7 — the acceptability test, RST validation with RFC 5961's
///   challenge ACK, SYN in a synchronized state, the RFC 5961 §5 ACK acceptability
///   test with `MAX.SND.WND`, text and FIN — and returns an [`Arrival`]: the state
///   changes, what became of the segment, and the [`Reply`] to send;
/// * **timers**: [`on_time`](Endpoint::on_time) fires the 2·MSL TIME-WAIT timeout
///   and the user timeout. Time is capture time, a [`Duration`] since an epoch the
///   caller chooses; nothing here reads a clock.
///
/// # Why an enum of per-state structs
///
/// A segment's arrival decides the next state at run time, so the state cannot be a
/// type parameter (a typestate `Endpoint<Closed>` would only type the first call and
/// force every caller to match on the result anyway). Instead, [`Connection`] has one
/// variant per state, and each variant holds exactly the data that exists in that
/// state:
///
/// * CLOSED and LISTEN hold nothing — there is no TCB to misuse;
/// * SYN-SENT holds a [`SynSent`]: the ISS, but no IRS or `RCV.NXT`, which do not
///   exist before the peer's SYN;
/// * SYN-RECEIVED holds a [`SynReceived`]: a [`Tcb`] and whether the connection came
///   from a passive or an active OPEN ([`Opening`], RFC 9293 MUST-11), which exists in
///   no other state;
/// * ESTABLISHED … LAST-ACK hold a [`Tcb`];
/// * TIME-WAIT holds a [`TimeWait`]: the [`Tcb`] and the 2·MSL deadline, which
///   exists in no other state.
///
/// The fields are private: a TCB can only be reached through the events above, so
/// its invariants (`SND.UNA =< SND.NXT`, `ISS < SND.NXT`, ...) hold by construction.
/// Everything is `Copy`, allocation-free and `no_std`; the endpoint never panics,
/// whatever it is fed (the `state` fuzz target checks this).
///
/// # Example: RFC 9293 figure 6, the three-way handshake
///
/// ```
/// use core::time::Duration;
/// use synack::{flags::TcpFlags, segment::Segment, seq::SeqNum};
/// use synack::state::{Config, Endpoint, Reply, State};
///
/// let t = Duration::ZERO;
/// let mut a = Endpoint::new(Config { isn_offset: 100, ..Config::default() });
/// let mut b = Endpoint::new(Config { isn_offset: 300, ..Config::default() });
/// b.listen().unwrap();
/// let syn = a.connect(t).unwrap().segment.unwrap();
/// assert_eq!((syn.seq, syn.flags), (SeqNum(100), TcpFlags::SYN));
/// let Reply::SynAck(syn_ack) = b.on_segment(&syn, t).reply else { panic!() };
/// assert_eq!((syn_ack.seq, syn_ack.ack), (SeqNum(300), SeqNum(101)));
/// let Reply::Ack(ack) = a.on_segment(&syn_ack, t).reply else { panic!() };
/// assert_eq!((ack.seq, ack.ack, ack.flags), (SeqNum(101), SeqNum(301), TcpFlags::ACK));
/// assert_eq!(b.on_segment(&ack, t).reply, Reply::None);
/// assert_eq!((a.state(), b.state()), (State::Established, State::Established));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    config: Config,
    conn: Connection,
    side: Side,
}

impl Default for Endpoint {
    fn default() -> Self {
        Self::new(Config::DEFAULT)
    }
}

impl Endpoint {
    /// A CLOSED endpoint, labelled [`Side::Client`].
    pub const fn new(config: Config) -> Self {
        Endpoint {
            config,
            conn: Connection::Closed,
            side: Side::Client,
        }
    }

    /// The same endpoint labelled `side`: the label its [`Transition`]s carry
    /// ([`Side::Client`] unless set), so that two endpoints' transitions read like an
    /// [`Observer`](super::Observer)'s. It changes nothing else.
    pub const fn with_side(mut self, side: Side) -> Self {
        self.side = side;
        self
    }

    /// The label this endpoint's transitions carry.
    pub const fn side(&self) -> Side {
        self.side
    }

    /// The configuration.
    pub const fn config(&self) -> &Config {
        &self.config
    }

    /// The connection and its per-state data.
    pub const fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The current state.
    pub const fn state(&self) -> State {
        self.conn.state()
    }

    /// The TCB, in SYN-RECEIVED and every synchronized state.
    pub const fn tcb(&self) -> Option<&Tcb> {
        self.conn.tcb()
    }

    /// ISS, once a SYN has been sent or chosen.
    pub fn iss(&self) -> Option<SeqNum> {
        match &self.conn {
            Connection::SynSent(s) => Some(s.iss),
            c => c.tcb().map(|t| t.iss),
        }
    }

    /// `SND.UNA`, once a SYN has been sent.
    pub fn snd_una(&self) -> Option<SeqNum> {
        match &self.conn {
            Connection::SynSent(s) => Some(s.snd_una()),
            c => c.tcb().map(|t| t.snd_una),
        }
    }

    /// `SND.NXT`, once a SYN has been sent.
    pub fn snd_nxt(&self) -> Option<SeqNum> {
        match &self.conn {
            Connection::SynSent(s) => Some(s.snd_nxt()),
            c => c.tcb().map(|t| t.snd_nxt),
        }
    }

    /// `RCV.NXT`, once the peer's SYN has arrived.
    pub fn rcv_nxt(&self) -> Option<SeqNum> {
        self.conn.tcb().map(|t| t.rcv_nxt)
    }

    /// When [`on_time`](Self::on_time) will next change something: the TIME-WAIT
    /// deadline, or when the user timeout fires.
    pub fn next_deadline(&self) -> Option<Duration> {
        match &self.conn {
            Connection::TimeWait(t) => Some(t.deadline),
            Connection::SynSent(s) => self.user_deadline(Some(s.since)),
            c => self.user_deadline(c.tcb().and_then(|t| t.unacked_since)),
        }
    }

    fn user_deadline(&self, since: Option<Duration>) -> Option<Duration> {
        since?.checked_add(self.config.user_timeout?)
    }

    fn time_wait_deadline(&self, now: Duration) -> Duration {
        now.saturating_add(self.config.msl.saturating_mul(2))
    }

    fn change(&self, to: State, cause: Cause) -> Transition {
        Transition {
            side: self.side,
            from: self.state(),
            to,
            cause,
        }
    }

    // ----------------------------------------------------------------- user calls

    /// Passive OPEN (RFC 9293 §3.10.1): CLOSED → LISTEN. The ISS is chosen when a SYN
    /// arrives, from [`Config::isn`] at that time.
    pub fn listen(&mut self) -> Result<CallOutcome, Violation> {
        match self.conn {
            Connection::Closed => {
                let change = self.change(State::Listen, Cause::PassiveOpen);
                self.conn = Connection::Listen;
                Ok(CallOutcome {
                    transition: change,
                    segment: None,
                })
            }
            _ => Err(Violation::ConnectionExists),
        }
    }

    /// Active OPEN (RFC 9293 §3.10.1): from CLOSED or LISTEN, choose the ISS from
    /// [`Config::isn`] at `now`, send `<SEQ=ISS><CTL=SYN>` and enter SYN-SENT.
    pub fn connect(&mut self, now: Duration) -> Result<CallOutcome, Violation> {
        match self.conn {
            Connection::Closed | Connection::Listen => {
                let syn_sent = SynSent {
                    iss: self.config.isn(now),
                    since: now,
                };
                let change = self.change(State::SynSent, Cause::ActiveOpen);
                self.conn = Connection::SynSent(syn_sent);
                Ok(CallOutcome {
                    transition: change,
                    segment: Some(syn_sent.syn(&self.config)),
                })
            }
            _ => Err(Violation::ConnectionExists),
        }
    }

    /// SEND (RFC 9293 §3.10.2) of `len` bytes in one segment, in ESTABLISHED or
    /// CLOSE-WAIT: returns `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>` carrying `len` bytes
    /// and advances `SND.NXT`. `len` may be 0 (an empty ACK, e.g. a window update).
    ///
    /// The segment must fit the peer's MSS and the usable window `SND.UNA + SND.WND −
    /// SND.NXT`; with a zero window and nothing in flight, one byte may be sent (a
    /// zero-window probe, RFC 9293 §3.8.6.1).
    pub fn send(&mut self, len: u32, now: Duration) -> Result<Segment, Violation> {
        let tcb = match &mut self.conn {
            Connection::Established(t) | Connection::CloseWait(t) => t,
            Connection::Closed => return Err(Violation::ConnectionDoesNotExist),
            Connection::Listen | Connection::SynSent(_) | Connection::SynReceived(_) => {
                return Err(Violation::NotEstablished);
            }
            Connection::FinWait1(_)
            | Connection::FinWait2(_)
            | Connection::Closing(_)
            | Connection::LastAck(_)
            | Connection::TimeWait(_) => return Err(Violation::ConnectionClosing),
        };
        if len > u32::from(tcb.send_mss()) {
            return Err(Violation::MssExceeded {
                len,
                mss: tcb.send_mss(),
            });
        }
        let in_flight = tcb.snd_nxt.0.wrapping_sub(tcb.snd_una.0);
        let usable = tcb.snd_wnd.saturating_sub(in_flight);
        let probe = tcb.snd_wnd == 0 && in_flight == 0 && len <= 1;
        if len > usable && !probe {
            return Err(Violation::WindowExceeded { len, usable });
        }
        tcb.ts_val = ts_clock(now);
        let segment = tcb.ack().with_len(len);
        tcb.advance_snd_nxt(len, now);
        Ok(segment)
    }

    /// CLOSE (RFC 9293 §3.10.4). LISTEN and SYN-SENT → CLOSED; SYN-RECEIVED and
    /// ESTABLISHED send `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=FIN,ACK>` and enter FIN-WAIT-1;
    /// CLOSE-WAIT sends it and enters LAST-ACK.
    pub fn close(&mut self, now: Duration) -> Result<CallOutcome, Violation> {
        match self.conn {
            Connection::Closed => Err(Violation::ConnectionDoesNotExist),
            Connection::Listen | Connection::SynSent(_) => {
                let change = self.change(State::Closed, Cause::Close);
                self.conn = Connection::Closed;
                Ok(CallOutcome {
                    transition: change,
                    segment: None,
                })
            }
            Connection::SynReceived(SynReceived { tcb, .. }) | Connection::Established(tcb) => {
                Ok(self.send_fin(tcb, Phase::FinWait1, now))
            }
            Connection::CloseWait(tcb) => Ok(self.send_fin(tcb, Phase::LastAck, now)),
            Connection::FinWait1(_)
            | Connection::FinWait2(_)
            | Connection::Closing(_)
            | Connection::LastAck(_)
            | Connection::TimeWait(_) => Err(Violation::ConnectionClosing),
        }
    }

    fn send_fin(&mut self, mut tcb: Tcb, to: Phase, now: Duration) -> CallOutcome {
        tcb.ts_val = ts_clock(now);
        let fin = tcb.stamp(
            Segment::new(tcb.snd_nxt, tcb.rcv_nxt, TcpFlags::FIN | TcpFlags::ACK)
                .with_window(tcb.window_field()),
        );
        tcb.advance_snd_nxt(1, now);
        let change = self.change(to.state(), Cause::Close);
        self.conn = to.join(tcb);
        CallOutcome {
            transition: change,
            segment: Some(fin),
        }
    }

    /// ABORT (RFC 9293 §3.10.5): → CLOSED. From SYN-RECEIVED, ESTABLISHED,
    /// FIN-WAIT-1, FIN-WAIT-2 and CLOSE-WAIT it sends `<SEQ=SND.NXT><CTL=RST>`.
    pub fn abort(&mut self) -> Result<CallOutcome, Violation> {
        let segment = match &self.conn {
            Connection::Closed => return Err(Violation::ConnectionDoesNotExist),
            Connection::Listen
            | Connection::SynSent(_)
            | Connection::Closing(_)
            | Connection::LastAck(_)
            | Connection::TimeWait(_) => None,
            Connection::SynReceived(SynReceived { tcb, .. })
            | Connection::Established(tcb)
            | Connection::FinWait1(tcb)
            | Connection::FinWait2(tcb)
            | Connection::CloseWait(tcb) => {
                Some(Segment::new(tcb.snd_nxt, SeqNum(0), TcpFlags::RST))
            }
        };
        let change = self.change(State::Closed, Cause::Abort);
        self.conn = Connection::Closed;
        Ok(CallOutcome {
            transition: change,
            segment,
        })
    }

    /// The segment at the front of the retransmission queue (RFC 9293 §3.10.8,
    /// RETRANSMISSION TIMEOUT): the SYN in SYN-SENT, the SYN,ACK while our SYN is
    /// unacknowledged, then up to one MSS of unacknowledged data from `SND.UNA`
    /// (with the FIN if it fits), or the FIN alone. Changes nothing.
    pub fn retransmit(&self) -> Result<Segment, Violation> {
        let (phase, tcb) = match &self.conn {
            Connection::Closed => return Err(Violation::ConnectionDoesNotExist),
            Connection::Listen => return Err(Violation::NothingToRetransmit),
            Connection::SynSent(s) => return Ok(s.syn(&self.config)),
            c => match Phase::split(c) {
                Some(split) => split,
                None => return Err(Violation::NothingToRetransmit),
            },
        };
        if tcb.snd_una == tcb.iss {
            return Ok(tcb.syn_ack(&self.config));
        }
        let outstanding = tcb.snd_nxt.0.wrapping_sub(tcb.snd_una.0);
        let fin_unacked = phase.fin_sent() && outstanding > 0;
        let data = outstanding - u32::from(fin_unacked);
        if outstanding == 0 {
            return Err(Violation::NothingToRetransmit);
        }
        let len = data.min(u32::from(tcb.send_mss()));
        let mut flags = TcpFlags::ACK;
        if fin_unacked && len == data {
            flags |= TcpFlags::FIN;
        }
        Ok(tcb.stamp(
            Segment::new(tcb.snd_una, tcb.rcv_nxt, flags)
                .with_len(len)
                .with_window(tcb.window_field()),
        ))
    }

    // ---------------------------------------------------------------------- timers

    /// Lets capture time pass (RFC 9293 §3.10.8): in TIME-WAIT, 2·MSL after entering it
    /// (or after the last retransmitted FIN) → CLOSED; in any other state, when sent
    /// sequence space stayed unacknowledged for the user timeout → CLOSED.
    pub fn on_time(&mut self, now: Duration) -> Transitions {
        let Some(deadline) = self.next_deadline() else {
            return Transitions::new();
        };
        if now < deadline {
            return Transitions::new();
        }
        let cause = match self.conn {
            Connection::TimeWait(_) => Cause::Expired,
            _ => Cause::UserTimeout,
        };
        let change = self.change(State::Closed, cause);
        self.conn = Connection::Closed;
        Transitions::one(change)
    }

    // ------------------------------------------------------------ segment arrives

    /// SEGMENT ARRIVES (RFC 9293 §3.10.7) at capture time `now`.
    ///
    /// Where this departs from the RFC's text, on purpose:
    ///
    /// * a SYN retransmitted by the peer in SYN-RECEIVED (`SEG.SEQ = IRS`) is answered
    ///   with our SYN,ACK again ([`DropReason::RetransmittedSyn`]), as Linux and the
    ///   BSDs do: the bare ACK the acceptability test would send is dropped by a peer
    ///   in SYN-SENT, which then waits for its retransmission timer;
    /// * a SYN in TIME-WAIT reopens the connection (SYN-RECEIVED, [`Opening::Reopened`])
    ///   when its timestamp is newer than `TS.Recent` or, timestamps not deciding, its
    ///   sequence number lies beyond `RCV.NXT` (RFC 9293 MAY-2, RFC 6191, RFC 1122
    ///   §4.2.2.13). The RFC 5961 challenge ACK it met before drew a RST from Linux,
    ///   which then lost the new connection;
    /// * in CLOSE-WAIT, CLOSING and LAST-ACK (the peer's FIN processed, nothing after
    ///   it), a RST whose sequence number is that FIN's, `RCV.NXT - 1`, resets the
    ///   connection, as Linux's `tcp_reset_check` does: a peer that closed (its FIN
    ///   out) and then aborts, or that answers a segment acknowledging only up to its
    ///   FIN, often sends its RST at the FIN's own number (`<SEQ=SEG.ACK><CTL=RST>`
    ///   from a CLOSED side, RFC 9293 §3.10.7.1, when the segment it answers was sent
    ///   before that FIN arrived), and wild captures show such RSTs ending
    ///   connections. By RFC 9293 and RFC 5961 §3 the RST lies below the window and
    ///   is silently dropped, leaving the endpoint to time out; one sequence number
    ///   more that a blind attacker must guess, only once the peer has closed, costs
    ///   little. Not in TIME-WAIT, where Linux too takes only `RCV.NXT`.
    pub fn on_segment(&mut self, seg: &Segment, now: Duration) -> Arrival {
        match self.conn {
            Connection::Closed => closed_arrives(seg),
            Connection::Listen => self.listen_arrives(seg, now),
            Connection::SynSent(s) => self.syn_sent_arrives(s, seg, now),
            _ => match Phase::split(&self.conn) {
                Some((phase, tcb)) => self.tcb_arrives(phase, tcb, seg, now),
                None => Arrival::dropped(DropReason::NoConnection, Reply::None),
            },
        }
    }

    /// §3.10.7.2.
    fn listen_arrives(&mut self, seg: &Segment, now: Duration) -> Arrival {
        if seg.has(TcpFlags::RST) {
            return Arrival::dropped(DropReason::ResetIgnored, Reply::None);
        }
        if seg.has(TcpFlags::ACK) {
            return Arrival::dropped(DropReason::UnacceptableAck, Reply::Reset(reset_for(seg)));
        }
        if !seg.has(TcpFlags::SYN) {
            return Arrival::dropped(DropReason::NoSyn, Reply::None);
        }
        let iss = self.config.isn(now);
        self.accept_syn(seg, iss, Opening::Passive, now)
    }

    /// A SYN accepted in LISTEN or TIME-WAIT: SYN-RECEIVED with ISS `iss`, answered
    /// with our SYN,ACK. Text and FIN on the SYN are not queued: `RCV.NXT` covers the
    /// SYN only, so the peer retransmits them.
    fn accept_syn(
        &mut self,
        seg: &Segment,
        iss: SeqNum,
        opening: Opening,
        now: Duration,
    ) -> Arrival {
        let mut tcb = Tcb::from_syn(&self.config, iss, seg, now);
        tcb.unacked_since = Some(now);
        let change = self.change(State::SynReceived, Cause::Syn);
        self.conn = Connection::SynReceived(SynReceived { tcb, opening });
        Arrival::new(
            Reply::SynAck(tcb.syn_ack(&self.config)),
            Transitions::one(change),
            Disposition::Accepted { delivered: 0 },
        )
    }

    /// §3.10.7.3.
    fn syn_sent_arrives(&mut self, s: SynSent, seg: &Segment, now: Duration) -> Arrival {
        let rst = seg.has(TcpFlags::RST);
        // First, the ACK: acceptable iff ISS < SEG.ACK =< SND.NXT.
        let ack_ok = if seg.has(TcpFlags::ACK) {
            if seg.ack != s.snd_nxt() {
                return if rst {
                    Arrival::dropped(DropReason::ResetIgnored, Reply::None)
                } else {
                    Arrival::dropped(DropReason::UnacceptableAck, Reply::Reset(reset_for(seg)))
                };
            }
            true
        } else {
            false
        };
        // Second, the RST. RCV.NXT does not exist yet, so there is no RFC 5961
        // sequence check to make: a RST is acceptable iff it acknowledges our SYN.
        if rst {
            if !ack_ok {
                return Arrival::dropped(DropReason::ResetIgnored, Reply::None);
            }
            let change = self.change(State::Closed, Cause::Reset);
            self.conn = Connection::Closed;
            return Arrival {
                acked: 1,
                ..Arrival::new(
                    Reply::None,
                    Transitions::one(change),
                    Disposition::Accepted { delivered: 0 },
                )
            };
        }
        // Fourth, the SYN.
        if !seg.has(TcpFlags::SYN) {
            return Arrival::dropped(DropReason::NoSyn, Reply::None);
        }
        let mut tcb = Tcb::from_syn(&self.config, s.iss, seg, now);
        tcb.unacked_since = Some(s.since);
        if !ack_ok {
            // Simultaneous open: SYN-RECEIVED; text and FIN are not queued.
            tcb.snd_wl2 = s.iss;
            let change = self.change(State::SynReceived, Cause::Syn);
            self.conn = Connection::SynReceived(SynReceived {
                tcb,
                opening: Opening::Active,
            });
            return Arrival::new(
                Reply::SynAck(tcb.syn_ack(&self.config)),
                Transitions::one(change),
                Disposition::Accepted { delivered: 0 },
            );
        }
        // Our SYN is acknowledged: ESTABLISHED, then the URG, text and FIN of the
        // SYN,ACK (RFC 9293: "continue processing at the sixth step").
        tcb.snd_una = seg.ack;
        tcb.snd_wl2 = seg.ack;
        tcb.unacked_since = None;
        let mut changes = Transitions::one(self.change(State::Established, Cause::SynAck));
        let mut phase = Phase::Established;
        let urgent = receive_urgent(phase, &mut tcb, seg.seq + 1, seg);
        let text = receive_text(
            self.side,
            &mut phase,
            &mut tcb,
            seg.seq + 1,
            seg,
            self.time_wait_deadline(now),
            &mut changes,
        );
        self.conn = phase.join(tcb);
        Arrival {
            acked: 1,
            data_offset: text.offset,
            urgent,
            ..Arrival::new(Reply::Ack(tcb.ack()), changes, text.disposition())
        }
    }

    /// RFC 9293 MAY-2 with RFC 6191, as Linux applies them: a SYN (no ACK, no RST)
    /// arriving in TIME-WAIT reopens the connection if its timestamp is newer than
    /// `TS.Recent`, or, when timestamps do not decide (not both in use, or equal),
    /// if its sequence number lies beyond `RCV.NXT`. An older timestamp or sequence
    /// number marks an old duplicate: it meets the RFC 5961 challenge ACK.
    fn reopens(tcb: &Tcb, seg: &Segment) -> bool {
        if !seg.has(TcpFlags::SYN) || seg.has(TcpFlags::ACK) || seg.has(TcpFlags::RST) {
            return false;
        }
        if let (Some(recent), Some((value, _))) = (tcb.ts_recent, seg.options.timestamps) {
            let (value, recent) = (SeqNum(value), SeqNum(recent));
            if value != recent {
                return value.after(recent);
            }
        }
        seg.seq.after(tcb.rcv_nxt)
    }

    /// §3.10.7.4: SYN-RECEIVED and the synchronized states.
    fn tcb_arrives(&mut self, phase: Phase, tcb: Tcb, seg: &Segment, now: Duration) -> Arrival {
        let mut seg = *seg;
        let mut tcb = tcb;
        let mut phase = phase;
        let mut changes = Transitions::new();
        tcb.ts_val = ts_clock(now);

        // A SYN reopening a connection in TIME-WAIT (RFC 9293 MAY-2, RFC 6191). The new
        // ISS lies beyond every sequence number the old incarnation used (RFC 1122
        // §4.2.2.13): the clock's, or SND.NXT + 65537 as Linux picks when the clock's
        // is not larger.
        if let Phase::TimeWait(_) = phase {
            if Self::reopens(&tcb, &seg) {
                let clock = self.config.isn(now);
                let iss = if clock.after(tcb.snd_nxt) {
                    clock
                } else {
                    tcb.snd_nxt + 65537
                };
                return self.accept_syn(&seg, iss, Opening::Reopened, now);
            }
        }

        // A SYN retransmitted by the peer while we are in SYN-RECEIVED (our SYN,ACK or
        // its ACK was lost): answered with our SYN,ACK again, as Linux and the BSDs
        // do. The RFC's acceptability test would answer with a bare ACK, which a
        // peer in SYN-SENT drops, leaving it to wait for its retransmission timer.
        if matches!(phase, Phase::SynReceived(_))
            && seg.has(TcpFlags::SYN)
            && !seg.has(TcpFlags::ACK)
            && !seg.has(TcpFlags::RST)
            && seg.seq == tcb.irs
        {
            return Arrival::dropped(
                DropReason::RetransmittedSyn,
                Reply::SynAck(tcb.syn_ack(&self.config)),
            );
        }

        // A SYN,ACK repeating the peer's SYN in SYN-RECEIVED: the second half of a
        // simultaneous open (RFC 9293 figure 7, lines 6 and 7). Its SYN lies before
        // RCV.NXT, so it is trimmed off ("only the new parts are processed"), and
        // what remains is the ACK of our SYN; its window is still a SYN's, unscaled.
        let mut had_syn = false;
        if matches!(phase, Phase::SynReceived(_))
            && seg.has(TcpFlags::SYN | TcpFlags::ACK)
            && !seg.has(TcpFlags::RST)
            && seg.seq == tcb.irs
        {
            seg.seq += 1;
            seg.flags.remove(TcpFlags::SYN);
            had_syn = true;
        }

        // Second step first for RSTs (RFC 5961 §3): they are never answered with an
        // ACK by the sequence test, so the three RST checks cover the first step.
        // With a zero window only the exact RST is acceptable (§3.10.7.4: "special
        // allowance should be made to accept valid ACKs, URGs, and RSTs").
        if seg.has(TcpFlags::RST) {
            // Linux's exception (`tcp_reset_check`): after the peer's FIN, a RST at
            // that FIN's sequence number, `RCV.NXT - 1`, is taken as exact in
            // CLOSE-WAIT, CLOSING and LAST-ACK (see `on_segment`).
            let at_peer_fin = matches!(phase, Phase::CloseWait | Phase::Closing | Phase::LastAck)
                && seg.seq == tcb.rcv_nxt - 1;
            if seg.seq != tcb.rcv_nxt && !at_peer_fin {
                return if seg.seq.in_window(tcb.rcv_nxt, tcb.rcv_wnd) {
                    Arrival::dropped(DropReason::ResetNotExact, Reply::ChallengeAck(tcb.ack()))
                } else {
                    Arrival::dropped(DropReason::ResetOutsideWindow, Reply::None)
                };
            }
            let to = match phase {
                Phase::SynReceived(Opening::Passive) => State::Listen,
                _ => State::Closed,
            };
            let change = self.change(to, Cause::Reset);
            self.conn = if to == State::Listen {
                Connection::Listen
            } else {
                Connection::Closed
            };
            return Arrival::new(
                Reply::None,
                Transitions::one(change),
                Disposition::Accepted { delivered: 0 },
            );
        }

        // First, the acceptability test (table 6).
        let mut window_closed = false;
        if !SeqNum::segment_acceptable(seg.seq, seg.seg_len(), tcb.rcv_nxt, tcb.rcv_wnd) {
            if tcb.rcv_wnd == 0 && seg.seq == tcb.rcv_nxt && !seg.has(TcpFlags::SYN) {
                // A zero window refuses the text and FIN, but the ACK and URG fields
                // are still processed (the RST was above).
                seg.payload_len = 0;
                seg.flags.remove(TcpFlags::FIN);
                window_closed = true;
            } else {
                if let Phase::TimeWait(_) = phase {
                    // "The only thing that can arrive in this state is a retransmission
                    // of the remote FIN. Acknowledge it, and restart the 2 MSL timeout."
                    if seg.has(TcpFlags::FIN) && seg.next_seq() == tcb.rcv_nxt {
                        self.conn = Phase::TimeWait(self.time_wait_deadline(now)).join(tcb);
                    }
                }
                return Arrival::dropped(DropReason::NotAcceptable, Reply::Ack(tcb.ack()));
            }
        }

        // Fourth, the SYN.
        if seg.has(TcpFlags::SYN) {
            if phase == Phase::SynReceived(Opening::Passive) {
                let change = self.change(State::Listen, Cause::Syn);
                self.conn = Connection::Listen;
                return Arrival::new(
                    Reply::None,
                    Transitions::one(change),
                    Disposition::Dropped(DropReason::SynInSynchronizedState),
                );
            }
            return Arrival::dropped(
                DropReason::SynInSynchronizedState,
                Reply::ChallengeAck(tcb.ack()),
            );
        }

        // Fifth, the ACK field.
        if !seg.has(TcpFlags::ACK) {
            return Arrival::dropped(DropReason::NoAck, Reply::None);
        }
        if let Phase::SynReceived(_) = phase {
            if !tcb.acks_new(seg.ack) {
                return Arrival::dropped(
                    DropReason::UnacceptableAck,
                    Reply::Reset(reset_for(&seg)),
                );
            }
            tcb.set_snd_wnd(&seg, had_syn);
            changes.push(self.change(State::Established, Cause::AckOfSyn));
            phase = Phase::Established;
        }
        // RFC 5961 §5: SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT.
        let oldest = tcb.snd_una - tcb.max_snd_wnd;
        if !in_range(seg.ack, oldest, tcb.snd_nxt) {
            let reason = if in_range(seg.ack, tcb.snd_nxt, tcb.snd_nxt + (1 << 30)) {
                DropReason::AckOfUnsentData
            } else {
                DropReason::AckTooOld
            };
            if !changes.is_empty() {
                self.conn = phase.join(tcb);
            }
            return Arrival::new(Reply::Ack(tcb.ack()), changes, Disposition::Dropped(reason));
        }
        if tcb.ts_ok {
            if let Some((value, _)) = seg.options.timestamps {
                tcb.ts_recent = Some(value);
            }
        }
        let mut acked = 0;
        if tcb.acks_new(seg.ack) {
            acked = seg.ack.0.wrapping_sub(tcb.snd_una.0);
            tcb.snd_una = seg.ack;
            tcb.unacked_since = if tcb.all_acked() { None } else { Some(now) };
        }
        // SND.UNA =< SEG.ACK: update the window unless the segment is older than the
        // one that last did (SND.WL1 < SEG.SEQ, or SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK).
        if in_range(seg.ack, tcb.snd_una, tcb.snd_nxt)
            && (tcb.snd_wl1.before(seg.seq)
                || (tcb.snd_wl1 == seg.seq && tcb.snd_wl2.before_or_eq(seg.ack)))
        {
            tcb.set_snd_wnd(&seg, had_syn);
        }
        if tcb.all_acked() {
            match phase {
                Phase::FinWait1 => {
                    changes.push(self.change_from(&changes, State::FinWait2, Cause::AckOfFin));
                    phase = Phase::FinWait2;
                }
                Phase::Closing => {
                    changes.push(self.change_from(&changes, State::TimeWait, Cause::AckOfFin));
                    phase = Phase::TimeWait(self.time_wait_deadline(now));
                }
                Phase::LastAck => {
                    changes.push(self.change_from(&changes, State::Closed, Cause::AckOfFin));
                    self.conn = Connection::Closed;
                    return Arrival {
                        acked,
                        ..Arrival::new(Reply::None, changes, Disposition::Accepted { delivered: 0 })
                    };
                }
                _ => {}
            }
        }

        // Sixth, the URG bit; seventh and eighth: text and FIN.
        let urgent = receive_urgent(phase, &mut tcb, seg.seq, &seg);
        let text = receive_text(
            self.side,
            &mut phase,
            &mut tcb,
            seg.seq,
            &seg,
            self.time_wait_deadline(now),
            &mut changes,
        );
        self.conn = phase.join(tcb);
        let reply = if text.needs_ack() || window_closed {
            Reply::Ack(tcb.ack())
        } else {
            Reply::None
        };
        let disposition = if window_closed {
            Disposition::Dropped(DropReason::ZeroWindow)
        } else {
            text.disposition()
        };
        Arrival {
            acked,
            data_offset: text.offset,
            urgent,
            ..Arrival::new(reply, changes, disposition)
        }
    }

    /// A change from the state after the changes so far.
    fn change_from(&self, changes: &Transitions, to: State, cause: Cause) -> Transition {
        Transition {
            side: self.side,
            from: changes.last().map_or(self.state(), |c| c.to),
            to,
            cause,
        }
    }
}

/// The sixth step of §3.10.7.4: in ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2, a segment
/// with URG moves `RCV.UP` to `max(RCV.UP, SEG.SEQ + SEG.UP)` (the urgent pointer
/// points at the octet after the urgent data, MUST-31); the user is told (the
/// returned `RCV.UP`) when it lies ahead of the data received so far. In the other
/// states URG "should not occur" and is ignored.
fn receive_urgent(phase: Phase, tcb: &mut Tcb, data_seq: SeqNum, seg: &Segment) -> Option<SeqNum> {
    if !seg.has(TcpFlags::URG)
        || !matches!(
            phase,
            Phase::Established | Phase::FinWait1 | Phase::FinWait2
        )
    {
        return None;
    }
    let up = data_seq + u32::from(seg.urgent);
    tcb.rcv_up = tcb.rcv_up.max_seq(up);
    tcb.rcv_up.after(tcb.rcv_nxt).then_some(tcb.rcv_up)
}

/// What the text and FIN steps did.
#[derive(Clone, Copy)]
struct Text {
    delivered: u32,
    offset: Option<u64>,
    fin: bool,
    out_of_order: bool,
}

impl Text {
    fn needs_ack(&self) -> bool {
        self.delivered > 0 || self.fin || self.out_of_order
    }

    fn disposition(&self) -> Disposition {
        if self.out_of_order {
            Disposition::OutOfOrder
        } else {
            Disposition::Accepted {
                delivered: self.delivered,
            }
        }
    }
}

/// The seventh and eighth steps of §3.10.7.4: accept the text that starts at or
/// before `RCV.NXT` (up to the receive window), then the FIN if everything before it
/// was accepted. `data_seq` is the sequence number of the first payload byte.
fn receive_text(
    side: Side,
    phase: &mut Phase,
    tcb: &mut Tcb,
    data_seq: SeqNum,
    seg: &Segment,
    time_wait_deadline: Duration,
    changes: &mut Transitions,
) -> Text {
    let fin = seg.has(TcpFlags::FIN);
    let mut text = Text {
        delivered: 0,
        offset: None,
        fin: false,
        out_of_order: false,
    };
    if seg.payload_len == 0 && !fin {
        return text;
    }
    // Text and FIN after the peer's FIN "should not occur": ignored.
    let open = matches!(
        phase,
        Phase::Established | Phase::FinWait1 | Phase::FinWait2
    );
    let behind = data_seq.distance(tcb.rcv_nxt); // bytes already received
    if behind < 0 {
        text.out_of_order = open;
        return text;
    }
    if !open {
        // Text is ignored; a FIN is acknowledged. In TIME-WAIT only a retransmitted
        // FIN restarts the 2·MSL timer, and that one fails the acceptability test
        // (it lies before RCV.NXT), so nothing here restarts it.
        text.fin = fin;
        return text;
    }
    let fresh = seg.payload_len.saturating_sub(behind as u32);
    let delivered = fresh.min(tcb.rcv_wnd);
    if delivered > 0 {
        text.offset = Some(tcb.received);
        tcb.received += u64::from(delivered);
    }
    tcb.rcv_nxt += delivered;
    text.delivered = delivered;
    if fin && delivered == fresh {
        tcb.rcv_nxt += 1;
        text.fin = true;
        let from = changes.last().map_or(phase.state(), |c| c.to);
        let next = match *phase {
            Phase::Established => Phase::CloseWait,
            Phase::FinWait1 if tcb.all_acked() => Phase::TimeWait(time_wait_deadline),
            Phase::FinWait1 => Phase::Closing,
            Phase::FinWait2 => Phase::TimeWait(time_wait_deadline),
            other => other,
        };
        changes.push(Transition {
            side,
            from,
            to: next.state(),
            cause: Cause::Fin,
        });
        *phase = next;
    }
    text
}

/// §3.10.7.1: no TCB. Anything but a RST is answered with a RST.
fn closed_arrives(seg: &Segment) -> Arrival {
    let reply = if seg.has(TcpFlags::RST) {
        Reply::None
    } else {
        Reply::Reset(reset_for(seg))
    };
    Arrival::dropped(DropReason::NoConnection, reply)
}

/// The reset RFC 9293 §3.5.2 makes acceptable to the sender of `seg`:
/// `<SEQ=SEG.ACK><CTL=RST>` if it has an ACK, else
/// `<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>`.
fn reset_for(seg: &Segment) -> Segment {
    if seg.has(TcpFlags::ACK) {
        Segment::new(seg.ack, SeqNum(0), TcpFlags::RST)
    } else {
        Segment::new(SeqNum(0), seg.next_seq(), TcpFlags::RST | TcpFlags::ACK)
    }
}

#[cfg(test)]
mod test;
