//! Unit tests of the endpoint, named `test_<state>_<event>` as in smoltcp.
//!
//! The endpoint under test has ISS 1000 and a receive window of 1000 bytes; its peer
//! has IRS 5000 and offers a window of 2000 bytes. Expected segments are computed by
//! hand from RFC 9293 §3.10 and RFC 5961.

extern crate std;

use super::*;
use core::fmt;

const ISS: u32 = 1000;
const IRS: u32 = 5000;
const RCV_WND: u32 = 1000;
const PEER_WND: u16 = 2000;
const T0: Duration = Duration::ZERO;
const MSL2: Duration = Duration::from_secs(240);

const SYN: TcpFlags = TcpFlags::SYN;
const ACK: TcpFlags = TcpFlags::ACK;
const FIN: TcpFlags = TcpFlags::FIN;
const RST: TcpFlags = TcpFlags::RST;

fn cfg() -> Config {
    Config {
        isn_offset: ISS,
        window: RCV_WND,
        window_scale: None,
        mss: None,
        ..Config::default()
    }
}

/// A segment from the peer (window 2000).
fn peer(seq: u32, ack: u32, flags: TcpFlags) -> Segment {
    Segment::new(SeqNum(seq), SeqNum(ack), flags).with_window(PEER_WND)
}

/// A segment the endpoint sends (window 1000, or 0 on a RST).
fn ours(seq: u32, ack: u32, flags: TcpFlags) -> Segment {
    let window = if flags.contains(RST) {
        0
    } else {
        RCV_WND as u16
    };
    Segment::new(SeqNum(seq), SeqNum(ack), flags).with_window(window)
}

fn change(from: State, to: State, cause: Cause) -> Option<Transition> {
    Some(Transition {
        side: Side::Client,
        from,
        to,
        cause,
    })
}

fn closed() -> Endpoint {
    Endpoint::new(cfg())
}

fn listen() -> Endpoint {
    let mut e = closed();
    e.listen().unwrap();
    e
}

fn syn_sent() -> Endpoint {
    let mut e = closed();
    e.connect(T0).unwrap();
    e
}

fn syn_received_passive() -> Endpoint {
    let mut e = listen();
    e.on_segment(&peer(IRS, 0, SYN), T0);
    assert_eq!(e.state(), State::SynReceived);
    e
}

fn syn_received_active() -> Endpoint {
    let mut e = syn_sent();
    e.on_segment(&peer(IRS, 0, SYN), T0);
    assert_eq!(e.state(), State::SynReceived);
    e
}

/// ESTABLISHED with SND.UNA = SND.NXT = 1001, RCV.NXT = 5001, SND.WND = 2000.
fn established() -> Endpoint {
    let mut e = syn_sent();
    e.on_segment(&peer(IRS, ISS + 1, SYN | ACK), T0);
    assert_eq!(e.state(), State::Established);
    e
}

/// FIN-WAIT-1: our FIN is 1001, SND.NXT = 1002.
fn fin_wait_1() -> Endpoint {
    let mut e = established();
    e.close(T0).unwrap();
    e
}

fn fin_wait_2() -> Endpoint {
    let mut e = fin_wait_1();
    e.on_segment(&peer(IRS + 1, ISS + 2, ACK), T0);
    assert_eq!(e.state(), State::FinWait2);
    e
}

/// CLOSE-WAIT: the peer's FIN was 5001, RCV.NXT = 5002.
fn close_wait() -> Endpoint {
    let mut e = established();
    e.on_segment(&peer(IRS + 1, ISS + 1, FIN | ACK), T0);
    assert_eq!(e.state(), State::CloseWait);
    e
}

fn closing() -> Endpoint {
    let mut e = fin_wait_1();
    e.on_segment(&peer(IRS + 1, ISS + 1, FIN | ACK), T0);
    assert_eq!(e.state(), State::Closing);
    e
}

fn last_ack() -> Endpoint {
    let mut e = close_wait();
    e.close(T0).unwrap();
    e
}

/// TIME-WAIT entered at T0 from FIN-WAIT-2: RCV.NXT = 5002, SND.NXT = 1002.
fn time_wait() -> Endpoint {
    let mut e = fin_wait_2();
    e.on_segment(&peer(IRS + 1, ISS + 2, FIN | ACK), T0);
    assert_eq!(e.state(), State::TimeWait);
    e
}

fn tcb(e: &Endpoint) -> Tcb {
    *e.tcb().unwrap()
}

/// A call that must fail with `violation` and leave the endpoint unchanged.
#[track_caller]
fn assert_violation<T: fmt::Debug>(
    e: &mut Endpoint,
    call: impl FnOnce(&mut Endpoint) -> Result<T, Violation>,
    violation: Violation,
) {
    let before = *e;
    assert_eq!(call(e).unwrap_err(), violation);
    assert_eq!(*e, before);
}

// ------------------------------------------------------------------------- CLOSED

#[test]
fn test_closed_listen() {
    let mut e = closed();
    let out = e.listen().unwrap();
    assert_eq!(
        Some(out.transition),
        change(State::Closed, State::Listen, Cause::PassiveOpen)
    );
    assert_eq!(out.segment, None);
    assert_eq!(e.state(), State::Listen);
    assert_eq!(e.tcb(), None);
}

#[test]
fn test_closed_connect_sends_syn_with_options() {
    let mut e = Endpoint::new(Config {
        window_scale: Some(7),
        mss: Some(1460),
        ..cfg()
    });
    let out = e.connect(T0).unwrap();
    let syn = out.segment.unwrap();
    assert_eq!((syn.seq, syn.flags, syn.payload_len), (SeqNum(ISS), SYN, 0));
    assert_eq!(syn.window, 1000);
    assert_eq!(syn.options.mss, Some(1460));
    assert_eq!(syn.options.window_scale, Some(7));
    assert_eq!(
        Some(out.transition),
        change(State::Closed, State::SynSent, Cause::ActiveOpen)
    );
    assert_eq!(e.snd_una(), Some(SeqNum(ISS)));
    assert_eq!(e.snd_nxt(), Some(SeqNum(ISS + 1)));
    assert_eq!(e.rcv_nxt(), None);
}

#[test]
fn test_closed_iss_follows_the_4us_clock() {
    let mut e = closed();
    let syn = e
        .connect(Duration::from_millis(4))
        .unwrap()
        .segment
        .unwrap();
    assert_eq!(syn.seq, SeqNum(ISS + 1000));
    // The clock wraps modulo 2^32.
    let c = Config {
        isn_offset: u32::MAX,
        ..cfg()
    };
    assert_eq!(c.isn(Duration::from_micros(8)), SeqNum(1));
}

#[test]
fn test_closed_segment_without_ack_gets_rst_ack() {
    let mut e = closed();
    let a = e.on_segment(&peer(IRS, 0, SYN), T0);
    assert_eq!(a.reply, Reply::Reset(ours(0, IRS + 1, RST | ACK)));
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::NoConnection)
    );
    // <SEQ=0><ACK=SEG.SEQ+SEG.LEN>: 3 bytes and a FIN count 4.
    let a = e.on_segment(&peer(IRS, 0, FIN).with_len(3), T0);
    assert_eq!(a.reply, Reply::Reset(ours(0, IRS + 4, RST | ACK)));
    assert_eq!(e.state(), State::Closed);
}

#[test]
fn test_closed_segment_with_ack_gets_rst() {
    let mut e = closed();
    let a = e.on_segment(&peer(IRS, 77, ACK).with_len(10), T0);
    assert_eq!(a.reply, Reply::Reset(ours(77, 0, RST)));
}

#[test]
fn test_closed_rst_is_dropped_silently() {
    let mut e = closed();
    let a = e.on_segment(&peer(IRS, 77, RST | ACK), T0);
    assert_eq!(a.reply, Reply::None);
    assert!(a.transitions.is_empty());
}

#[test]
fn test_closed_calls_are_violations() {
    let mut e = closed();
    assert_violation(&mut e, |e| e.send(1, T0), Violation::ConnectionDoesNotExist);
    assert_violation(&mut e, |e| e.close(T0), Violation::ConnectionDoesNotExist);
    assert_violation(&mut e, |e| e.abort(), Violation::ConnectionDoesNotExist);
    assert_violation(
        &mut e,
        |e| e.retransmit(),
        Violation::ConnectionDoesNotExist,
    );
    assert_eq!(e.on_time(Duration::from_secs(1_000_000)).first(), None);
}

// ------------------------------------------------------------------------- LISTEN

#[test]
fn test_listen_rst_is_ignored() {
    let mut e = listen();
    let a = e.on_segment(&peer(IRS, 0, RST), T0);
    assert_eq!(a.reply, Reply::None);
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::ResetIgnored)
    );
    assert_eq!(e.state(), State::Listen);
}

#[test]
fn test_listen_ack_gets_reset() {
    let mut e = listen();
    let a = e.on_segment(&peer(IRS, 4242, ACK), T0);
    assert_eq!(a.reply, Reply::Reset(ours(4242, 0, RST)));
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::UnacceptableAck)
    );
    // A SYN,ACK too: the ACK is checked before the SYN.
    let a = e.on_segment(&peer(IRS, 4242, SYN | ACK), T0);
    assert_eq!(a.reply, Reply::Reset(ours(4242, 0, RST)));
    assert_eq!(e.state(), State::Listen);
}

#[test]
fn test_listen_syn() {
    let mut e = listen();
    let a = e.on_segment(&peer(IRS, 0, SYN), T0);
    assert_eq!(a.reply, Reply::SynAck(ours(ISS, IRS + 1, SYN | ACK)));
    assert_eq!(
        a.transitions.first(),
        change(State::Listen, State::SynReceived, Cause::Syn)
    );
    let Connection::SynReceived(s) = e.connection() else {
        panic!("{:?}", e.connection())
    };
    assert_eq!(s.opening(), Opening::Passive);
    let t = s.tcb();
    assert_eq!((t.iss(), t.irs()), (SeqNum(ISS), SeqNum(IRS)));
    assert_eq!((t.snd_una(), t.snd_nxt()), (SeqNum(ISS), SeqNum(ISS + 1)));
    assert_eq!((t.rcv_nxt(), t.rcv_wnd()), (SeqNum(IRS + 1), RCV_WND));
    assert_eq!((t.snd_wnd(), t.max_snd_wnd()), (2000, 2000));
    assert_eq!(t.peer_mss(), DEFAULT_PEER_MSS);
}

#[test]
fn test_listen_syn_negotiates_window_scale_and_mss() {
    let mut e = Endpoint::new(Config {
        window: 1 << 20,
        window_scale: Some(5),
        ..cfg()
    });
    e.listen().unwrap();
    let syn = peer(IRS, 0, SYN).with_options(SynOptions {
        mss: Some(1400),
        window_scale: Some(20), // clamped to 14
        sack_permitted: true,
        timestamps: None,
    });
    let a = e.on_segment(&syn, T0);
    let Reply::SynAck(syn_ack) = a.reply else {
        panic!("{a:?}")
    };
    assert_eq!(syn_ack.options.window_scale, Some(5));
    assert_eq!(syn_ack.window, 65535); // SYN windows are never scaled
    let t = tcb(&e);
    assert_eq!((t.snd_shift(), t.rcv_shift(), t.peer_mss()), (14, 5, 1400));
    assert_eq!(t.rcv_wnd(), 1 << 20);
    // The first non-SYN segment's window is scaled: 3 << 14.
    e.on_segment(&peer(IRS + 1, ISS + 1, ACK).with_window(3), T0);
    assert_eq!(tcb(&e).snd_wnd(), 3 << 14);
    assert_eq!(tcb(&e).max_snd_wnd(), 3 << 14);
    // Our windows are announced scaled: 2^20 >> 5.
    assert_eq!(e.send(0, T0).unwrap().window, 1 << 15);
}

#[test]
fn test_listen_syn_without_scale_offer_gets_none() {
    let mut e = Endpoint::new(Config {
        window_scale: Some(5),
        ..cfg()
    });
    e.listen().unwrap();
    let Reply::SynAck(syn_ack) = e.on_segment(&peer(IRS, 0, SYN), T0).reply else {
        panic!()
    };
    assert_eq!(syn_ack.options.window_scale, None);
    assert_eq!((tcb(&e).snd_shift(), tcb(&e).rcv_shift()), (0, 0));
}

#[test]
fn test_listen_syn_iss_follows_the_clock() {
    let mut e = listen();
    let a = e.on_segment(&peer(IRS, 0, SYN), Duration::from_micros(400));
    assert_eq!(a.reply.segment().unwrap().seq, SeqNum(ISS + 100));
}

#[test]
fn test_listen_segment_without_syn_is_dropped() {
    let mut e = listen();
    let a = e.on_segment(&peer(IRS, 0, FIN).with_len(5), T0);
    assert_eq!(a.disposition, Disposition::Dropped(DropReason::NoSyn));
    assert_eq!(a.reply, Reply::None);
}

#[test]
fn test_listen_calls() {
    let mut e = listen();
    assert_violation(&mut e, |e| e.listen(), Violation::ConnectionExists);
    assert_violation(&mut e, |e| e.send(1, T0), Violation::NotEstablished);
    assert_violation(&mut e, |e| e.retransmit(), Violation::NothingToRetransmit);
    let mut c = e;
    let out = c.close(T0).unwrap();
    assert_eq!(
        Some(out.transition),
        change(State::Listen, State::Closed, Cause::Close)
    );
    let mut a = e;
    let out = a.abort().unwrap();
    assert_eq!((a.state(), out.segment), (State::Closed, None));
    // An active OPEN turns the listener into an active opener.
    let out = e.connect(T0).unwrap();
    assert_eq!(
        Some(out.transition),
        change(State::Listen, State::SynSent, Cause::ActiveOpen)
    );
}

// ----------------------------------------------------------------------- SYN-SENT

#[test]
fn test_syn_sent_syn_ack() {
    let mut e = syn_sent();
    let a = e.on_segment(&peer(IRS, ISS + 1, SYN | ACK), T0);
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 1, ACK)));
    assert_eq!(
        a.transitions.first(),
        change(State::SynSent, State::Established, Cause::SynAck)
    );
    assert_eq!(a.transitions.len(), 1);
    let t = tcb(&e);
    assert_eq!(
        (t.snd_una(), t.snd_nxt(), t.rcv_nxt()),
        (SeqNum(ISS + 1), SeqNum(ISS + 1), SeqNum(IRS + 1))
    );
    assert_eq!(
        (t.snd_wnd(), t.snd_wl1(), t.snd_wl2()),
        (2000, SeqNum(IRS), SeqNum(ISS + 1))
    );
    assert_eq!(t.unacked_since(), None);
}

#[test]
fn test_syn_sent_syn_ack_with_data_and_fin() {
    let mut e = syn_sent();
    let a = e.on_segment(&peer(IRS, ISS + 1, SYN | ACK | FIN).with_len(20), T0);
    // SYN 5000, data 5001..5020, FIN 5021: RCV.NXT = 5022.
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 22, ACK)));
    assert_eq!(a.disposition, Disposition::Accepted { delivered: 20 });
    let v = a.transitions.as_slice();
    assert_eq!(
        v,
        [
            Transition {
                side: Side::Client,
                from: State::SynSent,
                to: State::Established,
                cause: Cause::SynAck
            },
            Transition {
                side: Side::Client,
                from: State::Established,
                to: State::CloseWait,
                cause: Cause::Fin
            },
        ]
    );
    assert_eq!(e.state(), State::CloseWait);
}

#[test]
fn test_syn_sent_syn_is_simultaneous_open() {
    let mut e = syn_sent();
    let a = e.on_segment(&peer(IRS, 0, SYN), T0);
    assert_eq!(a.reply, Reply::SynAck(ours(ISS, IRS + 1, SYN | ACK)));
    assert_eq!(
        a.transitions.first(),
        change(State::SynSent, State::SynReceived, Cause::Syn)
    );
    let Connection::SynReceived(s) = e.connection() else {
        panic!()
    };
    assert_eq!(s.opening(), Opening::Active);
}

#[test]
fn test_syn_sent_unacceptable_ack_gets_reset() {
    for ack in [ISS, ISS + 2, ISS - 100, ISS.wrapping_add(1 << 31)] {
        let mut e = syn_sent();
        let before = e;
        let a = e.on_segment(&peer(IRS, ack, SYN | ACK), T0);
        assert_eq!(a.reply, Reply::Reset(ours(ack, 0, RST)), "ack {ack}");
        assert_eq!(
            a.disposition,
            Disposition::Dropped(DropReason::UnacceptableAck)
        );
        assert_eq!(e, before);
    }
}

#[test]
fn test_syn_sent_rst_with_acceptable_ack() {
    let mut e = syn_sent();
    let a = e.on_segment(&peer(0, ISS + 1, RST | ACK), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::SynSent, State::Closed, Cause::Reset)
    );
    assert_eq!(a.reply, Reply::None);
}

#[test]
fn test_syn_sent_rst_without_ack_is_ignored() {
    let mut e = syn_sent();
    let a = e.on_segment(&peer(0, 0, RST), T0);
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::ResetIgnored)
    );
    assert_eq!(e.state(), State::SynSent);
}

#[test]
fn test_syn_sent_rst_with_unacceptable_ack_is_dropped_without_reply() {
    let mut e = syn_sent();
    let a = e.on_segment(&peer(0, ISS + 7, RST | ACK), T0);
    assert_eq!(a.reply, Reply::None);
    assert_eq!(e.state(), State::SynSent);
}

#[test]
fn test_syn_sent_ack_without_syn_is_dropped() {
    let mut e = syn_sent();
    let a = e.on_segment(&peer(IRS, ISS + 1, ACK), T0);
    assert_eq!(a.disposition, Disposition::Dropped(DropReason::NoSyn));
    assert_eq!(e.state(), State::SynSent);
}

#[test]
fn test_syn_sent_calls() {
    let mut e = syn_sent();
    assert_violation(&mut e, |e| e.connect(T0), Violation::ConnectionExists);
    assert_violation(&mut e, |e| e.send(1, T0), Violation::NotEstablished);
    assert_eq!(e.retransmit(), Ok(ours(ISS, 0, SYN)));
    let mut c = e;
    assert_eq!(c.close(T0).unwrap().segment, None);
    assert_eq!(c.state(), State::Closed);
    let out = e.abort().unwrap();
    assert_eq!((e.state(), out.segment), (State::Closed, None));
}

#[test]
fn test_syn_sent_user_timeout() {
    let mut e = closed();
    e.connect(Duration::from_secs(10)).unwrap();
    assert_eq!(e.next_deadline(), Some(Duration::from_secs(310)));
    assert_eq!(
        e.on_time(Duration::from_secs(310) - Duration::from_nanos(1))
            .first(),
        None
    );
    assert_eq!(
        e.on_time(Duration::from_secs(310)).first(),
        change(State::SynSent, State::Closed, Cause::UserTimeout)
    );
    // Without a user timeout, nothing fires.
    let mut e = Endpoint::new(Config {
        user_timeout: None,
        ..cfg()
    });
    e.connect(T0).unwrap();
    assert_eq!(e.on_time(Duration::from_secs(1 << 40)).first(), None);
}

// ------------------------------------------------------------------- SYN-RECEIVED

#[test]
fn test_syn_received_ack() {
    let mut e = syn_received_passive();
    let a = e.on_segment(&peer(IRS + 1, ISS + 1, ACK).with_window(300), T0);
    assert_eq!(a.reply, Reply::None);
    assert_eq!(
        a.transitions.first(),
        change(State::SynReceived, State::Established, Cause::AckOfSyn)
    );
    let t = tcb(&e);
    assert_eq!(
        (t.snd_una(), t.snd_wnd(), t.snd_wl1(), t.snd_wl2()),
        (SeqNum(ISS + 1), 300, SeqNum(IRS + 1), SeqNum(ISS + 1))
    );
    assert_eq!(t.max_snd_wnd(), 2000); // from the SYN
}

#[test]
fn test_syn_received_ack_with_data_and_fin() {
    let mut e = syn_received_passive();
    let a = e.on_segment(&peer(IRS + 1, ISS + 1, ACK | FIN).with_len(5), T0);
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 7, ACK)));
    assert_eq!(a.transitions.len(), 2);
    assert_eq!(
        a.transitions.last(),
        change(State::Established, State::CloseWait, Cause::Fin)
    );
    assert_eq!(e.state(), State::CloseWait);
}

#[test]
fn test_syn_received_unacceptable_ack_gets_reset() {
    for ack in [ISS, ISS + 2] {
        let mut e = syn_received_passive();
        let before = e;
        let a = e.on_segment(&peer(IRS + 1, ack, ACK), T0);
        assert_eq!(a.reply, Reply::Reset(ours(ack, 0, RST)));
        assert_eq!(
            a.disposition,
            Disposition::Dropped(DropReason::UnacceptableAck)
        );
        assert_eq!(e, before);
    }
}

#[test]
fn test_syn_received_rst_exact_returns_passive_to_listen() {
    let mut e = syn_received_passive();
    let a = e.on_segment(&peer(IRS + 1, 0, RST), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::SynReceived, State::Listen, Cause::Reset)
    );
    assert_eq!(e.state(), State::Listen);
    assert_eq!(e.tcb(), None);
}

#[test]
fn test_syn_received_rst_exact_closes_active() {
    let mut e = syn_received_active();
    let a = e.on_segment(&peer(IRS + 1, 0, RST), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::SynReceived, State::Closed, Cause::Reset)
    );
}

#[test]
fn test_syn_received_rst_inexact_gets_challenge_ack() {
    let mut e = syn_received_passive();
    let before = e;
    let a = e.on_segment(&peer(IRS + 2, 0, RST), T0);
    assert_eq!(a.reply, Reply::ChallengeAck(ours(ISS + 1, IRS + 1, ACK)));
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::ResetNotExact)
    );
    assert_eq!(e, before);
}

#[test]
fn test_syn_received_rst_outside_window_is_dropped() {
    let mut e = syn_received_passive();
    let a = e.on_segment(&peer(IRS + 1 + RCV_WND, 0, RST), T0);
    assert_eq!(a.reply, Reply::None);
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::ResetOutsideWindow)
    );
    assert_eq!(e.state(), State::SynReceived);
}

#[test]
fn test_syn_received_syn_returns_passive_to_listen() {
    let mut e = syn_received_passive();
    let a = e.on_segment(&peer(IRS + 10, 0, SYN), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::SynReceived, State::Listen, Cause::Syn)
    );
    assert_eq!(a.reply, Reply::None);
}

#[test]
fn test_syn_received_syn_gets_challenge_ack_when_active() {
    let mut e = syn_received_active();
    let a = e.on_segment(&peer(IRS + 10, 0, SYN), T0);
    assert_eq!(a.reply, Reply::ChallengeAck(ours(ISS + 1, IRS + 1, ACK)));
    assert_eq!(e.state(), State::SynReceived);
}

#[test]
fn test_syn_received_retransmitted_syn_gets_syn_ack_again() {
    // Linux/BSD behaviour (see Endpoint::on_segment): <SEQ=ISS><ACK=IRS+1><CTL=SYN,ACK>,
    // not the RFC's bare ACK, which a peer in SYN-SENT would drop.
    for mut e in [syn_received_passive(), syn_received_active()] {
        let before = e;
        let a = e.on_segment(&peer(IRS, 0, SYN), Duration::from_secs(1));
        assert_eq!(a.reply, Reply::SynAck(ours(ISS, IRS + 1, SYN | ACK)));
        assert_eq!(
            a.disposition,
            Disposition::Dropped(DropReason::RetransmittedSyn)
        );
        assert_eq!(e, before);
    }
    // Another ISN is no retransmission: the passive side goes back to LISTEN (MUST-11).
    let mut e = syn_received_passive();
    let a = e.on_segment(&peer(IRS + 1, 0, SYN), T0);
    assert_eq!(a.reply, Reply::None);
    assert_eq!(e.state(), State::Listen);
}

#[test]
fn test_syn_received_crossed_syn_ack() {
    // The peer's SYN,ACK repeats its SYN (simultaneous open): only the ACK is new.
    let mut e = syn_received_active();
    let a = e.on_segment(&peer(IRS, ISS + 1, SYN | ACK), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::SynReceived, State::Established, Cause::AckOfSyn)
    );
    assert_eq!(a.reply, Reply::None);
}

#[test]
fn test_syn_received_without_ack_is_dropped() {
    let mut e = syn_received_passive();
    let a = e.on_segment(&peer(IRS + 1, 0, TcpFlags::PSH).with_len(3), T0);
    assert_eq!(a.disposition, Disposition::Dropped(DropReason::NoAck));
    assert_eq!(tcb(&e).rcv_nxt(), SeqNum(IRS + 1));
}

#[test]
fn test_syn_received_close_sends_fin() {
    let mut e = syn_received_passive();
    let out = e.close(T0).unwrap();
    assert_eq!(out.segment, Some(ours(ISS + 1, IRS + 1, FIN | ACK)));
    assert_eq!(
        Some(out.transition),
        change(State::SynReceived, State::FinWait1, Cause::Close)
    );
    // Retransmission still starts with the unacknowledged SYN.
    assert_eq!(e.retransmit(), Ok(ours(ISS, IRS + 1, SYN | ACK)));
    // One ACK covering SYN and FIN: FIN-WAIT-2.
    let a = e.on_segment(&peer(IRS + 1, ISS + 2, ACK), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::FinWait1, State::FinWait2, Cause::AckOfFin)
    );
}

#[test]
fn test_syn_received_calls() {
    let mut e = syn_received_passive();
    assert_violation(&mut e, |e| e.send(1, T0), Violation::NotEstablished);
    assert_violation(&mut e, |e| e.connect(T0), Violation::ConnectionExists);
    assert_eq!(e.retransmit(), Ok(ours(ISS, IRS + 1, SYN | ACK)));
    let out = e.abort().unwrap();
    assert_eq!(out.segment, Some(ours(ISS + 1, 0, RST)));
}

#[test]
fn test_syn_received_user_timeout() {
    let mut e = listen();
    e.on_segment(&peer(IRS, 0, SYN), Duration::from_secs(1));
    assert_eq!(
        e.on_time(Duration::from_secs(301)).first(),
        change(State::SynReceived, State::Closed, Cause::UserTimeout)
    );
}

// -------------------------------------------------------------------- ESTABLISHED

#[test]
fn test_established_rst_exact() {
    let mut e = established();
    let a = e.on_segment(&peer(IRS + 1, 0, RST), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::Established, State::Closed, Cause::Reset)
    );
    assert_eq!(a.reply, Reply::None);
}

#[test]
fn test_established_rst_inexact_gets_challenge_ack() {
    for seq in [IRS + 2, IRS + RCV_WND] {
        let mut e = established();
        let before = e;
        let a = e.on_segment(&peer(seq, ISS + 1, RST | ACK), T0);
        assert_eq!(
            a.reply,
            Reply::ChallengeAck(ours(ISS + 1, IRS + 1, ACK)),
            "seq {seq}"
        );
        assert_eq!(
            a.disposition,
            Disposition::Dropped(DropReason::ResetNotExact)
        );
        assert_eq!(e, before);
    }
}

#[test]
fn test_established_rst_outside_window_is_dropped() {
    // RCV.NXT = 5001, RCV.WND = 1000: the window is 5001..=6000.
    for seq in [IRS + 1 + RCV_WND, IRS, IRS.wrapping_add(1 << 31)] {
        let mut e = established();
        let before = e;
        let a = e.on_segment(&peer(seq, 0, RST), T0);
        assert_eq!(a.reply, Reply::None, "seq {seq}");
        assert_eq!(
            a.disposition,
            Disposition::Dropped(DropReason::ResetOutsideWindow)
        );
        assert_eq!(e, before);
    }
}

#[test]
fn test_established_rst_with_zero_window() {
    let zero = || {
        let mut e = Endpoint::new(Config { window: 0, ..cfg() });
        e.connect(T0).unwrap();
        e.on_segment(&peer(IRS, ISS + 1, SYN | ACK), T0);
        e
    };
    let mut e = zero();
    let a = e.on_segment(&peer(IRS + 2, 0, RST), T0);
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::ResetOutsideWindow)
    );
    let a = e.on_segment(&peer(IRS + 1, 0, RST), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::Established, State::Closed, Cause::Reset)
    );
}

#[test]
fn test_established_syn_gets_challenge_ack() {
    // In the window: RFC 5961 §4 challenge ACK.
    let mut e = established();
    let before = e;
    let a = e.on_segment(&peer(IRS + 100, 0, SYN), T0);
    assert_eq!(a.reply, Reply::ChallengeAck(ours(ISS + 1, IRS + 1, ACK)));
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::SynInSynchronizedState)
    );
    assert_eq!(e, before);
    // Outside the window the sequence test answers first, with the same segment.
    let a = e.on_segment(&peer(IRS + 5000, 0, SYN), T0);
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 1, ACK)));
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::NotAcceptable)
    );
    // A retransmitted SYN,ACK (our ACK was lost) is old: answered with an ACK.
    let a = e.on_segment(&peer(IRS, ISS + 1, SYN | ACK), T0);
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 1, ACK)));
    assert_eq!(e, before);
}

#[test]
fn test_established_ack_advances_snd_una() {
    let mut e = established();
    e.send(300, Duration::from_secs(1)).unwrap();
    assert_eq!(tcb(&e).unacked_since(), Some(Duration::from_secs(1)));
    let a = e.on_segment(&peer(IRS + 1, ISS + 101, ACK), Duration::from_secs(2));
    assert_eq!(a.reply, Reply::None);
    assert_eq!(a.disposition, Disposition::Accepted { delivered: 0 });
    assert_eq!(tcb(&e).snd_una(), SeqNum(ISS + 101));
    assert_eq!(tcb(&e).unacked_since(), Some(Duration::from_secs(2)));
    e.on_segment(&peer(IRS + 1, ISS + 301, ACK), Duration::from_secs(3));
    assert_eq!(tcb(&e).snd_una(), SeqNum(ISS + 301));
    assert_eq!(tcb(&e).unacked_since(), None);
}

#[test]
fn test_established_old_ack_is_ignored() {
    // SND.UNA = 1301 after 300 bytes; an ACK of 1101 is old but within MAX.SND.WND.
    let mut e = established();
    e.send(300, T0).unwrap();
    e.on_segment(&peer(IRS + 1, ISS + 301, ACK), T0);
    let before = e;
    let a = e.on_segment(&peer(IRS + 1, ISS + 101, ACK), T0);
    assert_eq!(a.reply, Reply::None);
    assert_eq!(a.disposition, Disposition::Accepted { delivered: 0 });
    assert_eq!(e, before);
}

#[test]
fn test_established_ack_too_old_gets_ack() {
    // RFC 5961 §5: SEG.ACK < SND.UNA - MAX.SND.WND (1001 - 2000) is answered and dropped.
    let mut e = established();
    let before = e;
    let a = e.on_segment(
        &peer(IRS + 1, (ISS + 1).wrapping_sub(2001), ACK).with_len(5),
        T0,
    );
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 1, ACK)));
    assert_eq!(a.disposition, Disposition::Dropped(DropReason::AckTooOld));
    assert_eq!(e, before);
    // Exactly SND.UNA - MAX.SND.WND is still acceptable.
    let a = e.on_segment(&peer(IRS + 1, (ISS + 1).wrapping_sub(2000), ACK), T0);
    assert_eq!(a.disposition, Disposition::Accepted { delivered: 0 });
}

#[test]
fn test_established_ack_of_unsent_data_gets_ack() {
    let mut e = established();
    let before = e;
    let a = e.on_segment(&peer(IRS + 1, ISS + 2, ACK).with_len(10), T0);
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 1, ACK)));
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::AckOfUnsentData)
    );
    assert_eq!(e, before); // the data is not accepted either
}

#[test]
fn test_established_data_in_order() {
    let mut e = established();
    let a = e.on_segment(
        &peer(IRS + 1, ISS + 1, ACK | TcpFlags::PSH).with_len(100),
        T0,
    );
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 101, ACK)));
    assert_eq!(a.disposition, Disposition::Accepted { delivered: 100 });
    assert_eq!(e.rcv_nxt(), Some(SeqNum(IRS + 101)));
}

#[test]
fn test_established_data_out_of_order() {
    let mut e = established();
    let a = e.on_segment(&peer(IRS + 51, ISS + 1, ACK).with_len(100), T0);
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 1, ACK)));
    assert_eq!(a.disposition, Disposition::OutOfOrder);
    assert_eq!(e.rcv_nxt(), Some(SeqNum(IRS + 1)));
}

#[test]
fn test_established_data_overlapping() {
    let mut e = established();
    e.on_segment(&peer(IRS + 1, ISS + 1, ACK).with_len(100), T0);
    // 5051..5150 overlaps the 50 bytes 5051..5100 already received.
    let a = e.on_segment(&peer(IRS + 51, ISS + 1, ACK).with_len(100), T0);
    assert_eq!(a.disposition, Disposition::Accepted { delivered: 50 });
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 151, ACK)));
}

#[test]
fn test_established_data_beyond_window_is_trimmed() {
    let mut e = established();
    let a = e.on_segment(&peer(IRS + 1, ISS + 1, ACK | FIN).with_len(1200), T0);
    assert_eq!(a.disposition, Disposition::Accepted { delivered: RCV_WND });
    assert!(a.transitions.is_empty()); // the FIN lies beyond the window
    assert_eq!(e.rcv_nxt(), Some(SeqNum(IRS + 1 + RCV_WND)));
}

#[test]
fn test_established_old_duplicate_is_unacceptable() {
    let mut e = established();
    e.on_segment(&peer(IRS + 1, ISS + 1, ACK).with_len(100), T0);
    let before = e;
    let a = e.on_segment(&peer(IRS + 1, ISS + 1, ACK).with_len(100), T0);
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 101, ACK)));
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::NotAcceptable)
    );
    assert_eq!(e, before);
}

#[test]
fn test_established_zero_window_acceptability() {
    let mut e = Endpoint::new(Config { window: 0, ..cfg() });
    e.connect(T0).unwrap();
    e.on_segment(&peer(IRS, ISS + 1, SYN | ACK), T0);
    e.send(10, T0).unwrap();
    // Length 0, window 0: acceptable iff SEG.SEQ = RCV.NXT; its ACK is processed.
    let a = e.on_segment(&peer(IRS + 1, ISS + 11, ACK), T0);
    assert_eq!(a.disposition, Disposition::Accepted { delivered: 0 });
    assert_eq!(tcb(&e).snd_una(), SeqNum(ISS + 11));
    let a = e.on_segment(&peer(IRS + 2, ISS + 11, ACK), T0);
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::NotAcceptable)
    );
    assert_eq!(
        a.reply,
        Reply::Ack(Segment::new(SeqNum(ISS + 11), SeqNum(IRS + 1), ACK))
    );
    // Length > 0, window 0: never acceptable.
    let a = e.on_segment(&peer(IRS + 1, ISS + 11, ACK).with_len(1), T0);
    assert_eq!(a.disposition, Disposition::Dropped(DropReason::ZeroWindow));
    assert_eq!(e.rcv_nxt(), Some(SeqNum(IRS + 1)));
    let a = e.on_segment(&peer(IRS + 5, ISS + 11, ACK).with_len(1), T0);
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::NotAcceptable)
    );
}

// RFC 9293 §3.10.7.4: "If the RCV.WND is zero, no segments will be acceptable, but
// special allowance should be made to accept valid ACKs, URGs, and RSTs."
#[test]
fn test_established_zero_window_still_processes_ack_and_urg() {
    let mut e = Endpoint::new(Config { window: 0, ..cfg() });
    e.connect(T0).unwrap();
    e.on_segment(&peer(IRS, ISS + 1, SYN | ACK), T0);
    e.send(10, T0).unwrap();
    // Data at RCV.NXT acknowledging our 10 bytes, with URG pointing 3 bytes in.
    let a = e.on_segment(
        &peer(IRS + 1, ISS + 11, ACK | TcpFlags::URG | FIN)
            .with_len(5)
            .with_urgent(3),
        T0,
    );
    assert_eq!(a.disposition, Disposition::Dropped(DropReason::ZeroWindow));
    assert_eq!(tcb(&e).snd_una(), SeqNum(ISS + 11)); // the ACK was processed
    assert_eq!(a.acked, 10);
    assert_eq!(a.urgent, Some(SeqNum(IRS + 4))); // RCV.UP = SEG.SEQ + SEG.UP
    assert_eq!(a.transitions.len(), 0); // the FIN was refused with the text
    assert_eq!(e.rcv_nxt(), Some(SeqNum(IRS + 1)));
    assert_eq!(
        a.reply,
        Reply::Ack(Segment::new(SeqNum(ISS + 11), SeqNum(IRS + 1), ACK))
    );
    assert_eq!(e.state(), State::Established);
    // The exact RST is accepted.
    let a = e.on_segment(&peer(IRS + 1, 0, RST), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::Established, State::Closed, Cause::Reset)
    );
}

#[test]
fn test_established_without_ack_is_dropped() {
    let mut e = established();
    let a = e.on_segment(&peer(IRS + 1, 0, TcpFlags::PSH).with_len(10), T0);
    assert_eq!(a.disposition, Disposition::Dropped(DropReason::NoAck));
    assert_eq!(e.rcv_nxt(), Some(SeqNum(IRS + 1)));
}

#[test]
fn test_established_fin() {
    let mut e = established();
    let a = e.on_segment(&peer(IRS + 1, ISS + 1, FIN | ACK), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::Established, State::CloseWait, Cause::Fin)
    );
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 2, ACK)));
    assert_eq!(a.disposition, Disposition::Accepted { delivered: 0 });
}

#[test]
fn test_established_fin_with_data() {
    let mut e = established();
    let a = e.on_segment(&peer(IRS + 1, ISS + 1, FIN | ACK).with_len(10), T0);
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 12, ACK)));
    assert_eq!(e.state(), State::CloseWait);
}

#[test]
fn test_established_fin_out_of_order_is_not_processed() {
    let mut e = established();
    let a = e.on_segment(&peer(IRS + 11, ISS + 1, FIN | ACK), T0);
    assert_eq!(a.disposition, Disposition::OutOfOrder);
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 1, ACK)));
    assert_eq!(e.state(), State::Established);
}

#[test]
fn test_established_window_update_follows_wl1_wl2() {
    let mut e = established();
    // A newer segment (SEG.SEQ > SND.WL1) updates the window, even to zero.
    e.on_segment(&peer(IRS + 1, ISS + 1, ACK).with_len(10).with_window(0), T0);
    assert_eq!((tcb(&e).snd_wnd(), tcb(&e).snd_wl1()), (0, SeqNum(IRS + 1)));
    assert_eq!(tcb(&e).max_snd_wnd(), 2000);
    // Same SEG.SEQ as SND.WL1 and SND.WL2 =< SEG.ACK: updates.
    e.on_segment(&peer(IRS + 11, ISS + 1, ACK).with_window(700), T0);
    assert_eq!(tcb(&e).snd_wnd(), 700);
    // An older segment (SEG.SEQ < SND.WL1) arriving late does not, although it
    // passes the acceptability test: it overlaps RCV.NXT = 5011 (5006..=5015).
    let late = peer(IRS + 6, ISS + 1, ACK).with_len(10).with_window(1500);
    let a = e.on_segment(&late, T0);
    assert_eq!(a.disposition, Disposition::Accepted { delivered: 5 });
    assert_eq!(
        (tcb(&e).snd_wnd(), tcb(&e).snd_wl1()),
        (700, SeqNum(IRS + 11))
    );
    // Same SEG.SEQ as SND.WL1 but an older SEG.ACK (SND.WL2 > SEG.ACK) does not either.
    e.send(100, T0).unwrap();
    e.on_segment(&peer(IRS + 16, ISS + 101, ACK).with_window(600), T0);
    assert_eq!(
        (tcb(&e).snd_wnd(), tcb(&e).snd_wl2()),
        (600, SeqNum(ISS + 101))
    );
    e.on_segment(&peer(IRS + 16, ISS + 51, ACK).with_window(900), T0);
    assert_eq!(tcb(&e).snd_wnd(), 600);
    // Same SEG.SEQ and the same SEG.ACK (SND.WL2 = SEG.ACK) does.
    e.on_segment(&peer(IRS + 16, ISS + 101, ACK).with_window(800), T0);
    assert_eq!(tcb(&e).snd_wnd(), 800);
}

#[test]
fn test_established_send() {
    let mut e = established();
    let s = e.send(536, Duration::from_secs(1)).unwrap();
    assert_eq!(s, ours(ISS + 1, IRS + 1, ACK).with_len(536));
    assert_eq!(e.snd_nxt(), Some(SeqNum(ISS + 537)));
    assert_eq!(e.snd_una(), Some(SeqNum(ISS + 1)));
    // More than the peer's MSS (536 by default).
    assert_violation(
        &mut e,
        |e| e.send(537, T0),
        Violation::MssExceeded { len: 537, mss: 536 },
    );
    // The usable window is 2000 - 536 - 536 - 536 = 392 after three segments.
    e.send(536, T0).unwrap();
    e.send(536, T0).unwrap();
    assert_violation(
        &mut e,
        |e| e.send(393, T0),
        Violation::WindowExceeded {
            len: 393,
            usable: 392,
        },
    );
    e.send(392, T0).unwrap();
    assert_violation(
        &mut e,
        |e| e.send(1, T0),
        Violation::WindowExceeded { len: 1, usable: 0 },
    );
    // An empty ACK is always possible.
    assert_eq!(e.send(0, T0).unwrap(), ours(ISS + 2001, IRS + 1, ACK));
}

#[test]
fn test_established_send_zero_window_probe() {
    let mut e = established();
    e.on_segment(&peer(IRS + 1, ISS + 1, ACK).with_window(0), T0);
    assert_eq!(tcb(&e).snd_wnd(), 0);
    assert_violation(
        &mut e,
        |e| e.send(2, T0),
        Violation::WindowExceeded { len: 2, usable: 0 },
    );
    assert_eq!(e.send(1, T0).unwrap().payload_len, 1);
    // Only one byte may be outstanding as a probe.
    assert_violation(
        &mut e,
        |e| e.send(1, T0),
        Violation::WindowExceeded { len: 1, usable: 0 },
    );
}

#[test]
fn test_established_close() {
    let mut e = established();
    let out = e.close(T0).unwrap();
    assert_eq!(out.segment, Some(ours(ISS + 1, IRS + 1, FIN | ACK)));
    assert_eq!(
        Some(out.transition),
        change(State::Established, State::FinWait1, Cause::Close)
    );
    assert_eq!(e.snd_nxt(), Some(SeqNum(ISS + 2)));
}

#[test]
fn test_established_abort() {
    let mut e = established();
    e.send(10, T0).unwrap();
    let out = e.abort().unwrap();
    assert_eq!(out.segment, Some(ours(ISS + 11, 0, RST)));
    assert_eq!(
        Some(out.transition),
        change(State::Established, State::Closed, Cause::Abort)
    );
}

#[test]
fn test_established_user_timeout() {
    let mut e = established();
    assert_eq!(e.next_deadline(), None);
    e.send(10, Duration::from_secs(100)).unwrap();
    assert_eq!(e.next_deadline(), Some(Duration::from_secs(400)));
    // A partial acknowledgment restarts it.
    e.send(10, Duration::from_secs(110)).unwrap();
    e.on_segment(&peer(IRS + 1, ISS + 11, ACK), Duration::from_secs(200));
    assert_eq!(e.on_time(Duration::from_secs(400)).first(), None);
    assert_eq!(
        e.on_time(Duration::from_secs(500)).first(),
        change(State::Established, State::Closed, Cause::UserTimeout)
    );
}

#[test]
fn test_established_retransmit() {
    let mut e = established();
    assert_violation(&mut e, |e| e.retransmit(), Violation::NothingToRetransmit);
    e.send(300, T0).unwrap();
    e.send(200, T0).unwrap();
    e.send(100, T0).unwrap();
    // Up to one MSS (536) from SND.UNA.
    assert_eq!(
        e.retransmit(),
        Ok(ours(ISS + 1, IRS + 1, ACK).with_len(536))
    );
    e.on_segment(&peer(IRS + 1, ISS + 301, ACK), T0);
    assert_eq!(
        e.retransmit(),
        Ok(ours(ISS + 301, IRS + 1, ACK).with_len(300))
    );
}

#[test]
fn test_established_calls() {
    let mut e = established();
    assert_violation(&mut e, |e| e.listen(), Violation::ConnectionExists);
    assert_violation(&mut e, |e| e.connect(T0), Violation::ConnectionExists);
}

// --------------------------------------------------------------------- FIN-WAIT-1

#[test]
fn test_fin_wait_1_ack_of_fin() {
    let mut e = fin_wait_1();
    let a = e.on_segment(&peer(IRS + 1, ISS + 2, ACK), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::FinWait1, State::FinWait2, Cause::AckOfFin)
    );
    assert_eq!(a.reply, Reply::None);
}

#[test]
fn test_fin_wait_1_ack_short_of_fin() {
    let mut e = fin_wait_1();
    e.on_segment(&peer(IRS + 1, ISS + 1, ACK), T0);
    assert_eq!(e.state(), State::FinWait1);
}

#[test]
fn test_fin_wait_1_fin() {
    let mut e = fin_wait_1();
    let a = e.on_segment(&peer(IRS + 1, ISS + 1, FIN | ACK), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::FinWait1, State::Closing, Cause::Fin)
    );
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 2, IRS + 2, ACK)));
}

#[test]
fn test_fin_wait_1_fin_acking_our_fin() {
    let mut e = fin_wait_1();
    let a = e.on_segment(&peer(IRS + 1, ISS + 2, FIN | ACK), Duration::from_secs(5));
    let v = a.transitions.as_slice();
    assert_eq!(
        v,
        [
            Transition {
                side: Side::Client,
                from: State::FinWait1,
                to: State::FinWait2,
                cause: Cause::AckOfFin
            },
            Transition {
                side: Side::Client,
                from: State::FinWait2,
                to: State::TimeWait,
                cause: Cause::Fin
            },
        ]
    );
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 2, IRS + 2, ACK)));
    assert_eq!(e.next_deadline(), Some(Duration::from_secs(245)));
}

#[test]
fn test_fin_wait_1_data_is_accepted() {
    let mut e = fin_wait_1();
    let a = e.on_segment(&peer(IRS + 1, ISS + 1, ACK).with_len(40), T0);
    assert_eq!(a.disposition, Disposition::Accepted { delivered: 40 });
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 2, IRS + 41, ACK)));
}

#[test]
fn test_fin_wait_1_calls() {
    let mut e = fin_wait_1();
    assert_violation(&mut e, |e| e.send(1, T0), Violation::ConnectionClosing);
    assert_violation(&mut e, |e| e.close(T0), Violation::ConnectionClosing);
    assert_eq!(e.retransmit(), Ok(ours(ISS + 1, IRS + 1, FIN | ACK)));
    let out = e.abort().unwrap();
    assert_eq!(out.segment, Some(ours(ISS + 2, 0, RST)));
}

#[test]
fn test_fin_wait_1_retransmit_data_and_fin() {
    let mut e = established();
    e.send(100, T0).unwrap();
    e.close(T0).unwrap();
    assert_eq!(
        e.retransmit(),
        Ok(ours(ISS + 1, IRS + 1, FIN | ACK).with_len(100))
    );
}

#[test]
fn test_fin_wait_1_rst_exact() {
    let mut e = fin_wait_1();
    let a = e.on_segment(&peer(IRS + 1, 0, RST), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::FinWait1, State::Closed, Cause::Reset)
    );
}

// --------------------------------------------------------------------- FIN-WAIT-2

#[test]
fn test_fin_wait_2_fin() {
    let mut e = fin_wait_2();
    let a = e.on_segment(&peer(IRS + 1, ISS + 2, FIN | ACK), Duration::from_secs(7));
    assert_eq!(
        a.transitions.first(),
        change(State::FinWait2, State::TimeWait, Cause::Fin)
    );
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 2, IRS + 2, ACK)));
    let Connection::TimeWait(tw) = e.connection() else {
        panic!()
    };
    assert_eq!(tw.deadline(), Duration::from_secs(247));
}

#[test]
fn test_fin_wait_2_data_is_accepted() {
    let mut e = fin_wait_2();
    let a = e.on_segment(&peer(IRS + 1, ISS + 2, ACK).with_len(5), T0);
    assert_eq!(a.disposition, Disposition::Accepted { delivered: 5 });
    assert_eq!(e.state(), State::FinWait2);
}

#[test]
fn test_fin_wait_2_calls() {
    let mut e = fin_wait_2();
    assert_violation(&mut e, |e| e.close(T0), Violation::ConnectionClosing);
    assert_violation(&mut e, |e| e.send(0, T0), Violation::ConnectionClosing);
    assert_violation(&mut e, |e| e.retransmit(), Violation::NothingToRetransmit);
    assert_eq!(e.next_deadline(), None);
}

// --------------------------------------------------------------------- CLOSE-WAIT

#[test]
fn test_close_wait_close() {
    let mut e = close_wait();
    let out = e.close(T0).unwrap();
    assert_eq!(out.segment, Some(ours(ISS + 1, IRS + 2, FIN | ACK)));
    assert_eq!(
        Some(out.transition),
        change(State::CloseWait, State::LastAck, Cause::Close)
    );
}

#[test]
fn test_close_wait_send() {
    let mut e = close_wait();
    assert_eq!(
        e.send(10, T0).unwrap(),
        ours(ISS + 1, IRS + 2, ACK).with_len(10)
    );
}

#[test]
fn test_close_wait_fin_retransmission_gets_ack() {
    let mut e = close_wait();
    let before = e;
    let a = e.on_segment(&peer(IRS + 1, ISS + 1, FIN | ACK), T0);
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 2, ACK)));
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::NotAcceptable)
    );
    assert_eq!(e, before);
}

#[test]
fn test_close_wait_data_after_fin_is_ignored() {
    let mut e = close_wait();
    let a = e.on_segment(&peer(IRS + 2, ISS + 1, ACK).with_len(10), T0);
    assert_eq!(a.reply, Reply::None);
    assert_eq!(e.rcv_nxt(), Some(SeqNum(IRS + 2)));
}

#[test]
fn test_close_wait_rst() {
    let mut e = close_wait();
    let a = e.on_segment(&peer(IRS + 2, 0, RST), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::CloseWait, State::Closed, Cause::Reset)
    );
}

// ------------------------------------------------------------------------ CLOSING

#[test]
fn test_closing_ack_of_fin() {
    let mut e = closing();
    let a = e.on_segment(&peer(IRS + 2, ISS + 2, ACK), Duration::from_secs(1));
    assert_eq!(
        a.transitions.first(),
        change(State::Closing, State::TimeWait, Cause::AckOfFin)
    );
    assert_eq!(a.reply, Reply::None);
    assert_eq!(e.next_deadline(), Some(Duration::from_secs(241)));
}

#[test]
fn test_closing_rst() {
    let mut e = closing();
    let a = e.on_segment(&peer(IRS + 2, 0, RST), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::Closing, State::Closed, Cause::Reset)
    );
}

#[test]
fn test_closing_calls() {
    let mut e = closing();
    assert_violation(&mut e, |e| e.close(T0), Violation::ConnectionClosing);
    assert_eq!(e.retransmit(), Ok(ours(ISS + 1, IRS + 2, FIN | ACK)));
    let out = e.abort().unwrap();
    assert_eq!((out.segment, e.state()), (None, State::Closed));
}

// ----------------------------------------------------------------------- LAST-ACK

#[test]
fn test_last_ack_ack_of_fin() {
    let mut e = last_ack();
    let a = e.on_segment(&peer(IRS + 2, ISS + 2, ACK), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::LastAck, State::Closed, Cause::AckOfFin)
    );
    assert_eq!(e.tcb(), None);
}

#[test]
fn test_last_ack_ack_short_of_fin() {
    let mut e = last_ack();
    e.on_segment(&peer(IRS + 2, ISS + 1, ACK), T0);
    assert_eq!(e.state(), State::LastAck);
}

#[test]
fn test_last_ack_rst() {
    let mut e = last_ack();
    let a = e.on_segment(&peer(IRS + 2, 0, RST), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::LastAck, State::Closed, Cause::Reset)
    );
}

#[test]
fn test_last_ack_calls() {
    let mut e = last_ack();
    assert_violation(&mut e, |e| e.close(T0), Violation::ConnectionClosing);
    assert_violation(&mut e, |e| e.send(1, T0), Violation::ConnectionClosing);
}

#[test]
fn test_last_ack_user_timeout() {
    let mut e = close_wait();
    e.close(Duration::from_secs(1)).unwrap();
    assert_eq!(
        e.on_time(Duration::from_secs(301)).first(),
        change(State::LastAck, State::Closed, Cause::UserTimeout)
    );
}

// ---------------------------------------------------------------------- TIME-WAIT

#[test]
fn test_time_wait_expiry() {
    let mut e = time_wait();
    assert_eq!(e.next_deadline(), Some(MSL2));
    assert_eq!(e.on_time(MSL2 - Duration::from_nanos(1)).first(), None);
    assert_eq!(
        e.on_time(MSL2).first(),
        change(State::TimeWait, State::Closed, Cause::Expired)
    );
    assert_eq!(e.state(), State::Closed);
}

#[test]
fn test_time_wait_msl_is_configurable() {
    let mut e = Endpoint::new(Config {
        msl: Duration::from_secs(30),
        ..cfg()
    });
    e.connect(T0).unwrap();
    e.on_segment(&peer(IRS, ISS + 1, SYN | ACK), T0);
    e.close(T0).unwrap();
    e.on_segment(&peer(IRS + 1, ISS + 2, FIN | ACK), T0);
    assert_eq!(e.next_deadline(), Some(Duration::from_secs(60)));
}

#[test]
fn test_time_wait_fin_retransmission_restarts_timer() {
    let mut e = time_wait();
    let a = e.on_segment(&peer(IRS + 1, ISS + 2, FIN | ACK), Duration::from_secs(100));
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 2, IRS + 2, ACK)));
    assert_eq!(e.next_deadline(), Some(Duration::from_secs(340)));
    assert_eq!(e.on_time(MSL2).first(), None);
}

#[test]
fn test_time_wait_rst() {
    let mut e = time_wait();
    let a = e.on_segment(&peer(IRS + 2, 0, RST), T0);
    assert_eq!(
        a.transitions.first(),
        change(State::TimeWait, State::Closed, Cause::Reset)
    );
}

#[test]
fn test_time_wait_old_syn_gets_challenge_ack() {
    // SEG.SEQ =< RCV.NXT (5002): not a new incarnation (RFC 6191 without timestamps).
    // At RCV.NXT it passes the acceptability test and meets RFC 5961 §4's challenge
    // ACK; before it, the acceptability test's ACK (the same segment).
    let mut e = time_wait();
    let before = e;
    let a = e.on_segment(&peer(IRS + 2, 0, SYN), T0);
    assert_eq!(a.reply, Reply::ChallengeAck(ours(ISS + 2, IRS + 2, ACK)));
    assert_eq!(e, before);
    let a = e.on_segment(&peer(IRS, 0, SYN), T0);
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 2, IRS + 2, ACK)));
    assert_eq!(e, before);
    // A SYN,ACK never reopens.
    let mut e = time_wait();
    let a = e.on_segment(&peer(IRS + 100, ISS + 2, SYN | ACK), T0);
    assert_eq!(e.state(), State::TimeWait);
    assert_eq!(a.reply, Reply::ChallengeAck(ours(ISS + 2, IRS + 2, ACK)));
}

#[test]
fn test_time_wait_new_syn_reopens() {
    // RFC 9293 MAY-2, RFC 6191: SEG.SEQ = 5100 > RCV.NXT = 5002 reopens. The clock's
    // ISS at T0 (1000) is not beyond SND.NXT = 1002, so ISS = 1002 + 65537.
    let mut e = time_wait();
    let a = e.on_segment(&peer(IRS + 100, 0, SYN), T0);
    let iss = ISS + 2 + 65537;
    assert_eq!(a.reply, Reply::SynAck(ours(iss, IRS + 101, SYN | ACK)));
    assert_eq!(
        a.transitions.first(),
        change(State::TimeWait, State::SynReceived, Cause::Syn)
    );
    let Connection::SynReceived(s) = *e.connection() else {
        panic!("{e:?}")
    };
    assert_eq!(s.opening(), Opening::Reopened);
    assert_eq!(
        (s.tcb().irs(), s.tcb().iss()),
        (SeqNum(IRS + 100), SeqNum(iss))
    );
    // Later the clock's ISS is beyond SND.NXT and is used: 1000 + 10 s / 4 µs.
    let mut e = time_wait();
    let now = Duration::from_secs(10);
    let a = e.on_segment(&peer(IRS + 100, 0, SYN), now);
    assert_eq!(a.reply.segment().unwrap().seq, SeqNum(ISS + 2_500_000));
    // A reset of the reopened connection closes it: there is no listener behind it.
    let a = e.on_segment(&peer(IRS + 101, 0, RST), now);
    assert_eq!(
        a.transitions.first(),
        change(State::SynReceived, State::Closed, Cause::Reset)
    );
}

#[test]
fn test_time_wait_syn_judged_by_timestamps() {
    let ts = |value: u32| SynOptions {
        timestamps: Some((value, 0)),
        ..SynOptions::default()
    };
    let tw = || {
        let mut e = Endpoint::new(Config {
            timestamps: true,
            ..cfg()
        });
        e.connect(T0).unwrap();
        e.on_segment(&peer(IRS, ISS + 1, SYN | ACK).with_options(ts(700)), T0);
        e.close(T0).unwrap();
        e.on_segment(&peer(IRS + 1, ISS + 2, FIN | ACK).with_options(ts(800)), T0);
        assert_eq!(
            (e.state(), tcb(&e).ts_recent()),
            (State::TimeWait, Some(800))
        );
        e
    };
    // A newer timestamp reopens even with an old sequence number.
    let mut e = tw();
    e.on_segment(&peer(IRS, 0, SYN).with_options(ts(801)), T0);
    assert_eq!(e.state(), State::SynReceived);
    // An older timestamp does not, even with a newer sequence number.
    let mut e = tw();
    let a = e.on_segment(&peer(IRS + 100, 0, SYN).with_options(ts(799)), T0);
    assert_eq!(e.state(), State::TimeWait);
    assert!(matches!(a.reply, Reply::ChallengeAck(_)));
    // An equal timestamp leaves it to the sequence number.
    let mut e = tw();
    e.on_segment(&peer(IRS + 100, 0, SYN).with_options(ts(800)), T0);
    assert_eq!(e.state(), State::SynReceived);
}

#[test]
fn test_time_wait_text_does_not_restart_timer() {
    // Text in TIME-WAIT "should not occur": ignored; only a retransmitted FIN
    // restarts the 2·MSL timer.
    let mut e = time_wait();
    let a = e.on_segment(
        &peer(IRS + 2, ISS + 2, ACK).with_len(10),
        Duration::from_secs(100),
    );
    assert_eq!(a.disposition, Disposition::Accepted { delivered: 0 });
    assert_eq!(e.next_deadline(), Some(MSL2));
    assert_eq!(e.rcv_nxt(), Some(SeqNum(IRS + 2)));
}

#[test]
fn test_syn_received_crossed_syn_ack_window_is_not_scaled() {
    // RFC 7323 §2.2: "The window field in a segment where the SYN bit is set (i.e., a
    // <SYN> or <SYN,ACK>) MUST NOT be scaled", also in a simultaneous open.
    let mut e = Endpoint::new(Config {
        window_scale: Some(2),
        ..cfg()
    });
    e.connect(T0).unwrap();
    let scaled = SynOptions {
        window_scale: Some(3),
        ..SynOptions::default()
    };
    e.on_segment(&peer(IRS, 0, SYN).with_options(scaled), T0);
    assert_eq!(tcb(&e).snd_shift(), 3);
    e.on_segment(&peer(IRS, ISS + 1, SYN | ACK).with_options(scaled), T0);
    assert_eq!(e.state(), State::Established);
    assert_eq!(tcb(&e).snd_wnd(), u32::from(PEER_WND));
    assert_eq!(tcb(&e).max_snd_wnd(), u32::from(PEER_WND));
    // The next window is scaled.
    e.on_segment(&peer(IRS + 1, ISS + 1, ACK).with_window(100), T0);
    assert_eq!(tcb(&e).snd_wnd(), 800);
}

#[test]
fn test_established_arrival_reports_acked_and_offset() {
    let mut e = established();
    e.send(100, T0).unwrap();
    let a = e.on_segment(&peer(IRS + 1, ISS + 41, ACK).with_len(30), T0);
    assert_eq!((a.acked, a.data_offset), (40, Some(0)));
    let a = e.on_segment(&peer(IRS + 31, ISS + 41, ACK).with_len(20), T0);
    assert_eq!((a.acked, a.data_offset), (0, Some(30)));
    // Overlapping: 10 old bytes, 10 new from offset 50.
    let a = e.on_segment(&peer(IRS + 41, ISS + 101, ACK).with_len(20), T0);
    assert_eq!((a.acked, a.data_offset), (60, Some(50)));
    assert_eq!(tcb(&e).received(), 60);
    // Nothing new: no offset.
    let a = e.on_segment(&peer(IRS + 61, ISS + 101, ACK), T0);
    assert_eq!((a.acked, a.data_offset), (0, None));
}

#[test]
fn test_established_urgent_pointer() {
    let mut e = established();
    let urg = ACK | TcpFlags::URG;
    // SEG.UP = 10 on a 4-byte segment: urgent data ends before 5011, ahead of RCV.NXT.
    let a = e.on_segment(&peer(IRS + 1, ISS + 1, urg).with_len(4).with_urgent(10), T0);
    assert_eq!(a.urgent, Some(SeqNum(IRS + 11)));
    assert_eq!(tcb(&e).rcv_up(), SeqNum(IRS + 11));
    // A smaller pointer does not move RCV.UP back; it is still ahead of RCV.NXT = 5005.
    let a = e.on_segment(&peer(IRS + 5, ISS + 1, urg).with_len(2).with_urgent(1), T0);
    assert_eq!(a.urgent, Some(SeqNum(IRS + 11)));
    // The segment carrying the rest of the urgent data still signals it ...
    let a = e.on_segment(&peer(IRS + 7, ISS + 1, urg).with_len(8).with_urgent(1), T0);
    assert_eq!(a.urgent, Some(SeqNum(IRS + 11)));
    // ... once the data up to RCV.UP has arrived, nothing is (SEG.SEQ + SEG.UP =
    // 5015 = RCV.NXT).
    let a = e.on_segment(&peer(IRS + 15, ISS + 1, urg).with_len(1).with_urgent(0), T0);
    assert_eq!(a.urgent, None);
    // Without URG: nothing.
    let a = e.on_segment(
        &peer(IRS + 16, ISS + 1, ACK).with_len(1).with_urgent(50),
        T0,
    );
    assert_eq!(a.urgent, None);
    // In CLOSE-WAIT URG is ignored.
    let mut e = close_wait();
    let a = e.on_segment(&peer(IRS + 2, ISS + 1, urg).with_urgent(5), T0);
    assert_eq!(a.urgent, None);
}

#[test]
fn test_closed_connect_offers_sack_and_timestamps() {
    let mut e = Endpoint::new(Config {
        sack_permitted: true,
        timestamps: true,
        ..cfg()
    });
    let syn = e
        .connect(Duration::from_millis(1234))
        .unwrap()
        .segment
        .unwrap();
    assert!(syn.options.sack_permitted);
    assert_eq!(syn.options.timestamps, Some((1234, 0)));
    // The peer accepts both: every later segment carries TSval (ms) and TSecr = TS.Recent.
    let opts = SynOptions {
        sack_permitted: true,
        timestamps: Some((99, 1234)),
        ..SynOptions::default()
    };
    let a = e.on_segment(
        &peer(IRS, syn.seq.0 + 1, SYN | ACK).with_options(opts),
        Duration::from_millis(1300),
    );
    let t = tcb(&e);
    assert!(t.sack_permitted() && t.timestamps());
    assert_eq!(
        a.reply.segment().unwrap().options.timestamps,
        Some((1300, 99))
    );
    let s = e.send(1, Duration::from_millis(2000)).unwrap();
    assert_eq!(s.options.timestamps, Some((2000, 99)));
}

/// RFC 9293 §3.7.1: the options every segment carries come out of the peer's MSS.
/// With timestamps negotiated and an MSS of 1460, a segment carries at most 1448
/// bytes, new or retransmitted (Linux's figure; 1460 + 12 overflows a 1500-byte link).
#[test]
fn test_established_timestamps_take_twelve_bytes_of_the_mss() {
    let cfg = Config {
        timestamps: true,
        window: 65_535,
        ..cfg()
    };
    let mut e = Endpoint::new(cfg);
    e.listen().unwrap();
    let opts = SynOptions {
        mss: Some(1460),
        timestamps: Some((77, 0)),
        ..SynOptions::default()
    };
    let a = e.on_segment(
        &peer(IRS, 0, SYN).with_options(opts).with_window(65_535),
        T0,
    );
    let syn_ack = a.reply.segment().unwrap();
    let mut ack = peer(IRS + 1, syn_ack.seq.0 + 1, ACK).with_window(65_535);
    ack.options.timestamps = Some((78, syn_ack.options.timestamps.unwrap().0));
    e.on_segment(&ack, T0);
    assert_eq!(e.state(), State::Established);
    assert_eq!(tcb(&e).send_mss(), 1448);
    assert_violation(
        &mut e,
        |e| e.send(1449, T0),
        Violation::MssExceeded {
            len: 1449,
            mss: 1448,
        },
    );
    e.send(1000, T0).unwrap();
    e.send(1000, T0).unwrap();
    assert_eq!(e.retransmit().unwrap().payload_len, 1448);
    // Without timestamps the whole MSS is data.
    let mut e = established();
    let mss = tcb(&e).peer_mss();
    assert_eq!(tcb(&e).send_mss(), mss);
    e.send(u32::from(mss), T0).unwrap();
}

#[test]
fn test_listen_syn_answers_only_offered_options() {
    let cfg = Config {
        sack_permitted: true,
        timestamps: true,
        ..cfg()
    };
    // A SYN offering neither gets neither.
    let mut e = Endpoint::new(cfg);
    e.listen().unwrap();
    let a = e.on_segment(&peer(IRS, 0, SYN), T0);
    let o = a.reply.segment().unwrap().options;
    assert_eq!((o.sack_permitted, o.timestamps), (false, None));
    assert!(!tcb(&e).timestamps());
    // A SYN offering both gets both; TSecr echoes its TSval.
    let mut e = Endpoint::new(cfg);
    e.listen().unwrap();
    let opts = SynOptions {
        sack_permitted: true,
        timestamps: Some((77, 0)),
        ..SynOptions::default()
    };
    let a = e.on_segment(
        &peer(IRS, 0, SYN).with_options(opts),
        Duration::from_millis(5),
    );
    let o = a.reply.segment().unwrap().options;
    assert_eq!((o.sack_permitted, o.timestamps), (true, Some((5, 77))));
    // Without the configuration, an offer is not answered.
    let mut e = listen();
    let a = e.on_segment(&peer(IRS, 0, SYN).with_options(opts), T0);
    let o = a.reply.segment().unwrap().options;
    assert_eq!((o.sack_permitted, o.timestamps), (false, None));
}

#[test]
fn test_time_wait_calls() {
    let mut e = time_wait();
    assert_violation(&mut e, |e| e.close(T0), Violation::ConnectionClosing);
    assert_violation(&mut e, |e| e.send(1, T0), Violation::ConnectionClosing);
    assert_violation(&mut e, |e| e.connect(T0), Violation::ConnectionExists);
    assert_violation(&mut e, |e| e.retransmit(), Violation::NothingToRetransmit);
    let out = e.abort().unwrap();
    assert_eq!((out.segment, e.state()), (None, State::Closed));
}

// --------------------------------------------------------------------- wrap-around

#[test]
fn test_established_across_the_wrap() {
    // ISS 2^32 - 2: SYN at 4294967294, data from 4294967295, wrapping to 0.
    let mut e = Endpoint::new(Config {
        isn_offset: u32::MAX - 1,
        ..cfg()
    });
    e.connect(T0).unwrap();
    e.on_segment(&peer(u32::MAX, u32::MAX, SYN | ACK), T0);
    assert_eq!(e.state(), State::Established);
    assert_eq!(e.rcv_nxt(), Some(SeqNum(0)));
    let s = e.send(10, T0).unwrap();
    assert_eq!(s.seq, SeqNum(u32::MAX));
    let a = e.on_segment(&peer(0, 9, ACK).with_len(5), T0);
    assert_eq!(a.disposition, Disposition::Accepted { delivered: 5 });
    assert_eq!(tcb(&e).snd_una(), SeqNum(9));
    assert_eq!(a.reply, Reply::Ack(ours(9, 5, ACK)));
}

#[test]
fn test_display_of_a_change() {
    extern crate std;
    use std::string::ToString;
    let c = Transition {
        side: Side::Client,
        from: State::FinWait1,
        to: State::Closing,
        cause: Cause::Fin,
    };
    assert_eq!(c.to_string(), "client FIN_WAIT_1 -> CLOSING (fin)");
    assert_eq!(
        Violation::ConnectionClosing.to_string(),
        "error: connection closing"
    );
}

/// Every TCB variable after a handshake between two differently configured
/// endpoints, from RFC 9293 §3.10.7.3–4 and RFC 7323 by hand: the client (ISS 100,
/// window 65535, scale 5, MSS 1460, SACK and timestamps offered) and the server
/// (ISS 500, window 20000, scale 2, MSS 1000, timestamps only).
#[test]
fn test_tcb_variables_after_handshake() {
    use crate::state::{Pair, Side};
    let client = Config {
        isn_offset: 100,
        window: 65535,
        window_scale: Some(5),
        mss: Some(1460),
        sack_permitted: true,
        timestamps: true,
        ..Config::default()
    };
    let server = Config {
        isn_offset: 500,
        window: 20000,
        window_scale: Some(2),
        mss: Some(1000),
        sack_permitted: false,
        timestamps: true,
        ..Config::default()
    };
    let mut p: Pair = Pair::new(client, server);
    p.listen(Side::Server).unwrap();
    p.connect(Side::Client, T0).unwrap();
    assert_eq!(p.run(T0, 10), 3);
    // The client: SYN,ACK <SEQ=500><ACK=101><WND=20000 (a SYN's, unscaled)>.
    let c = *p.endpoint(Side::Client).tcb().unwrap();
    assert_eq!((c.iss(), c.irs()), (SeqNum(100), SeqNum(500)));
    assert_eq!(
        (c.snd_una(), c.snd_nxt(), c.rcv_nxt()),
        (SeqNum(101), SeqNum(101), SeqNum(501))
    );
    // RCV.WND: what the scaled window field can announce, (65535 >> 5) << 5.
    assert_eq!(
        (c.snd_wnd(), c.max_snd_wnd(), c.rcv_wnd()),
        (20000, 20000, 65504)
    );
    assert_eq!((c.snd_wl1(), c.snd_wl2()), (SeqNum(500), SeqNum(101)));
    assert_eq!((c.peer_mss(), c.send_mss()), (1000, 1000 - 12));
    assert_eq!(c.peer_window_scale(), Some(2));
    assert_eq!((c.snd_shift(), c.rcv_shift()), (2, 5));
    assert!(!c.sack_permitted() && c.timestamps());
    assert_eq!(
        (c.unacked_since(), c.received(), c.rcv_up()),
        (None, 0, SeqNum(501))
    );
    // The server: the client's ACK <SEQ=101><ACK=501><WND=65535 >> 5 = 2047>, scaled
    // by the client's shift: 2047 << 5.
    let s = *p.endpoint(Side::Server).tcb().unwrap();
    assert_eq!((s.iss(), s.irs()), (SeqNum(500), SeqNum(100)));
    assert_eq!(
        (s.snd_una(), s.snd_nxt(), s.rcv_nxt()),
        (SeqNum(501), SeqNum(501), SeqNum(101))
    );
    assert_eq!((s.snd_wnd(), s.rcv_wnd()), (2047 << 5, 20000));
    assert_eq!(s.max_snd_wnd(), 65535);
    assert_eq!((s.snd_wl1(), s.snd_wl2()), (SeqNum(101), SeqNum(501)));
    assert_eq!((s.peer_mss(), s.send_mss()), (1460, 1460 - 12));
    assert_eq!(s.peer_window_scale(), Some(5));
    assert_eq!((s.snd_shift(), s.rcv_shift()), (5, 2));
    assert!(!s.sack_permitted() && s.timestamps());
    // Without scaling or timestamps on one side: none in effect.
    let mut p: Pair = Pair::new(
        Config {
            window_scale: None,
            timestamps: false,
            ..client
        },
        server,
    );
    p.listen(Side::Server).unwrap();
    p.connect(Side::Client, T0).unwrap();
    p.run(T0, 10);
    let s = *p.endpoint(Side::Server).tcb().unwrap();
    assert_eq!(s.peer_window_scale(), None);
    assert_eq!((s.snd_shift(), s.rcv_shift()), (0, 0));
    assert!(!s.timestamps());
    assert_eq!(s.send_mss(), 1460);
}

/// `RCV.WND` in whole scale units (RFC 7323 §2.3: the field carries
/// `RCV.WND >> Rcv.Wind.Shift`), and at least one unit when the configured window
/// is not zero; `unacked_since` starts with the first unacknowledged octet and only
/// then (RFC 6298 §5.1 starts the timer at the first unacknowledged segment).
#[test]
fn test_scaled_window_units_and_unacked_since() {
    use crate::state::{Pair, Side};
    let handshake = |window: u32| {
        let c = Config {
            isn_offset: 100,
            window,
            window_scale: Some(7),
            ..Config::default()
        };
        let s = Config {
            isn_offset: 500,
            window_scale: Some(0),
            ..Config::default()
        };
        let mut p: Pair = Pair::new(c, s);
        p.listen(Side::Server).unwrap();
        p.connect(Side::Client, T0).unwrap();
        p.run(T0, 10);
        p
    };
    // 100 bytes with a 128-byte unit: one unit, not zero.
    let p = handshake(100);
    assert_eq!(p.endpoint(Side::Client).tcb().unwrap().rcv_wnd(), 128);
    // 1000 bytes: 7 units (896); 0 stays 0.
    let p = handshake(1000);
    assert_eq!(p.endpoint(Side::Client).tcb().unwrap().rcv_wnd(), 896);
    let p = handshake(0);
    assert_eq!(p.endpoint(Side::Client).tcb().unwrap().rcv_wnd(), 0);

    let mut p = handshake(1000);
    let t = |s| Duration::from_secs(s);
    let since = |p: &Pair| p.endpoint(Side::Server).tcb().unwrap().unacked_since();
    assert_eq!(since(&p), None);
    // Nothing sent: the timer stays off.
    p.send(Side::Server, 0, t(1)).unwrap();
    assert_eq!(since(&p), None);
    p.run(t(1), 10);
    p.send(Side::Server, 10, t(2)).unwrap();
    assert_eq!(since(&p), Some(t(2)));
    // More while the first is unacknowledged: the timer is not restarted.
    p.send(Side::Server, 10, t(3)).unwrap();
    assert_eq!(since(&p), Some(t(2)));
    p.run(t(4), 10);
    assert_eq!(since(&p), None);
}

/// `Endpoint`'s own accessors through the states: nothing before the SYN; ISS,
/// SND.UNA = ISS, SND.NXT = ISS+1 in SYN-SENT (no RCV.NXT yet); the TCB's once
/// synchronized (client ISS 100, server ISS 500).
#[test]
fn test_endpoint_numbers_through_the_handshake() {
    use crate::state::{Pair, Side};
    let mut p: Pair = Pair::new(
        Config {
            isn_offset: 100,
            ..Config::default()
        },
        Config {
            isn_offset: 500,
            ..Config::default()
        },
    );
    let c = |p: &Pair| {
        let e = p.endpoint(Side::Client);
        (e.iss(), e.snd_una(), e.snd_nxt(), e.rcv_nxt())
    };
    assert_eq!(c(&p), (None, None, None, None));
    p.listen(Side::Server).unwrap();
    p.connect(Side::Client, T0).unwrap();
    let s = Some;
    assert_eq!(
        c(&p),
        (s(SeqNum(100)), s(SeqNum(100)), s(SeqNum(101)), None)
    );
    p.run(T0, 10);
    assert_eq!(
        c(&p),
        (
            s(SeqNum(100)),
            s(SeqNum(101)),
            s(SeqNum(101)),
            s(SeqNum(501))
        )
    );
    let e = p.endpoint(Side::Server);
    assert_eq!(
        (e.iss(), e.snd_una(), e.snd_nxt(), e.rcv_nxt()),
        (
            s(SeqNum(500)),
            s(SeqNum(501)),
            s(SeqNum(501)),
            s(SeqNum(101))
        )
    );
}

/// What an arrival in SYN-SENT reports (RFC 9293 §3.10.7.3): a RST acknowledging
/// our SYN closes and acknowledges its one sequence number; a SYN,ACK carrying text
/// and URG acknowledges the SYN, delivers the text at stream offset 0 and reports
/// `RCV.UP = SEG.SEQ + 1 + SEG.UP` (the first text octet follows the SYN).
#[test]
fn test_syn_sent_arrival_reports() {
    let mut e = Endpoint::new(cfg());
    e.connect(T0).unwrap();
    let a = e.on_segment(&peer(0, ISS + 1, RST | ACK), T0);
    assert_eq!((e.state(), a.acked), (State::Closed, 1));

    let mut e = Endpoint::new(cfg());
    e.connect(T0).unwrap();
    let syn_ack = peer(IRS, ISS + 1, SYN | ACK | TcpFlags::URG)
        .with_len(10)
        .with_urgent(20);
    let a = e.on_segment(&syn_ack, T0);
    assert_eq!(e.state(), State::Established);
    assert_eq!(a.disposition, Disposition::Accepted { delivered: 10 });
    assert_eq!((a.acked, a.data_offset), (1, Some(0)));
    assert_eq!(a.urgent, Some(SeqNum(IRS + 1 + 20)));
}

/// SYN-RECEIVED: a segment at IRS without SYN (one octet, ACK of our SYN) lies
/// wholly before RCV.NXT = IRS+1: unacceptable (RFC 9293 §3.10.7.4, first check),
/// answered with an ACK; only a SYN,ACK at IRS has its SYN trimmed off.
#[test]
fn test_syn_received_octet_at_irs_without_syn_is_unacceptable() {
    let mut e = syn_received_passive();
    let a = e.on_segment(&peer(IRS, ISS + 1, ACK).with_len(1), T0);
    assert_eq!(e.state(), State::SynReceived);
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::NotAcceptable)
    );
    assert_eq!(a.reply, Reply::Ack(ours(ISS + 1, IRS + 1, ACK)));
}

/// TIME-WAIT: only a retransmitted FIN (ending at RCV.NXT) restarts 2·MSL; an old
/// data segment ending at RCV.NXT does not (RFC 9293 §3.10.7.4, TIME-WAIT).
#[test]
fn test_time_wait_old_data_ending_at_rcv_nxt_keeps_the_deadline() {
    let mut e = time_wait();
    assert_eq!(e.next_deadline(), Some(MSL2));
    let later = Duration::from_secs(100);
    // 5001 is the FIN's sequence number: one octet there, no FIN, ends at 5002.
    let a = e.on_segment(&peer(IRS + 1, ISS + 2, ACK).with_len(1), later);
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::NotAcceptable)
    );
    assert_eq!(e.next_deadline(), Some(MSL2));
    // The FIN again: restarted.
    e.on_segment(&peer(IRS + 1, ISS + 2, FIN | ACK), later);
    assert_eq!(e.next_deadline(), Some(later + MSL2));
}

/// RFC 5961 §5: an ACK of unsent data (up to 2^30 beyond SND.NXT, the crate's
/// bound) and one far away (2^31 from SND.NXT) are told apart.
#[test]
fn test_established_ack_far_beyond_snd_nxt_is_too_old() {
    let mut e = established();
    let a = e.on_segment(&peer(IRS + 1, ISS + 1 + 100, ACK), T0);
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::AckOfUnsentData)
    );
    let a = e.on_segment(&peer(IRS + 1, (ISS + 1).wrapping_add(1 << 31), ACK), T0);
    assert_eq!(a.disposition, Disposition::Dropped(DropReason::AckTooOld));
}

/// An ACK outside RFC 5961 §5's range is dropped with an ACK and changes nothing in
/// the TCB — not even the TSval clock, so a later retransmission carries the TSval
/// of the original send (RFC 7323 §3.2 stamps segments when sent, not when an
/// unrelated segment arrives).
#[test]
fn test_established_out_of_range_ack_leaves_the_tcb() {
    let mut e = Endpoint::new(Config {
        timestamps: true,
        ..cfg()
    });
    e.connect(T0).unwrap();
    let stamp = |s: Segment| {
        s.with_options(SynOptions {
            timestamps: Some((7, 0)),
            ..SynOptions::default()
        })
    };
    e.on_segment(&stamp(peer(IRS, ISS + 1, SYN | ACK)), T0);
    assert!(tcb(&e).timestamps());
    e.send(10, T0).unwrap();
    let before = tcb(&e);
    let later = Duration::from_secs(5);
    let a = e.on_segment(&stamp(peer(IRS + 1, ISS + 1000, ACK)), later);
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::AckOfUnsentData)
    );
    assert_eq!(tcb(&e), before);
    let r = e.retransmit().unwrap();
    assert_eq!(r.options.timestamps.map(|t| t.0), Some(0));
}

/// `Arrival::acked` and `Arrival::data_offset` on the way out: the ACK of our FIN
/// in LAST-ACK acknowledges its one sequence number and closes; a segment that
/// delivers nothing has no stream offset, the next text starts at offset 0.
#[test]
fn test_arrival_acked_and_offset_reports() {
    let mut e = last_ack();
    let a = e.on_segment(&peer(IRS + 2, ISS + 2, ACK), T0);
    assert_eq!((e.state(), a.acked), (State::Closed, 1));

    let mut e = established();
    let a = e.on_segment(&peer(IRS + 1, ISS + 1, ACK), T0);
    assert_eq!((a.acked, a.data_offset), (0, None));
    let a = e.on_segment(&peer(IRS + 1, ISS + 1, ACK).with_len(5), T0);
    assert_eq!(a.data_offset, Some(0));
    let a = e.on_segment(&peer(IRS + 6, ISS + 1, ACK).with_len(5), T0);
    assert_eq!(a.data_offset, Some(5));
    // A bare FIN delivers no text: no offset.
    let a = e.on_segment(&peer(IRS + 11, ISS + 1, FIN | ACK), T0);
    assert_eq!((e.state(), a.data_offset), (State::CloseWait, None));
}
