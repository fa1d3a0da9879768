//! RFC 793 §3.4–3.5 figures 7–14 (RFC 9293 figures 6–13) as conformance vectors.
//!
//! Two endpoints, A and B, exchange segments through the crate's [`Pair`], which
//! holds segments in flight (the figures' "..."), so that crossing segments arrive
//! in the figure's order. Every test follows one figure line by line: each segment on
//! the wire must equal the figure's `<SEQ><ACK><CTL>` exactly (the endpoints send no
//! SYN options and a fixed window of 65535, which the figures leave out), and both
//! endpoints' states after each line must be the figure's.
//!
//! Where RFC 9293 corrected a figure (errata), the test follows RFC 9293 and says so.

use core::time::Duration;

use synack::state::{
    Arrival, Cause, Config, Disposition, DropReason, Endpoint, Opening, Pair, Reply, Side, State,
    Transition,
};
use synack::{Segment, SeqNum, TcpFlags};

use State::*;

/// The window every endpoint here announces.
const WINDOW: u16 = 65535;

const SYN: TcpFlags = TcpFlags::SYN;
const ACK: TcpFlags = TcpFlags::ACK;
const FIN: TcpFlags = TcpFlags::FIN;
const RST: TcpFlags = TcpFlags::RST;

/// An endpoint whose ISS at time zero is `isn`, without SYN options.
fn config(isn: u32) -> Config {
    Config {
        isn_offset: isn,
        window: u32::from(WINDOW),
        window_scale: None,
        mss: None,
        ..Config::default()
    }
}

/// A figure's segment: `<SEQ=seq><ACK=ack><CTL=ctl>`. The acknowledgment field is
/// zero when ACK is not set; a RST announces window 0, every other segment 65535.
fn seg(seq: u32, ack: u32, ctl: TcpFlags) -> Segment {
    let window = if ctl.contains(RST) { 0 } else { WINDOW };
    Segment::new(SeqNum(seq), SeqNum(ack), ctl).with_window(window)
}

/// The figures' A and B: the client and the server of a [`Pair`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Peer {
    A,
    B,
}

impl Peer {
    fn side(self) -> Side {
        match self {
            Peer::A => Side::Client,
            Peer::B => Side::Server,
        }
    }
}

/// The shared two-endpoint harness ([`Pair`]) and the figures' clock.
struct Net {
    pair: Pair,
    now: Duration,
}

impl Net {
    fn new(a: Config, b: Config) -> Self {
        Net {
            pair: Pair::new(a, b),
            now: Duration::ZERO,
        }
    }

    fn states(&self) -> (State, State) {
        let [a, b] = self.pair.states();
        (a, b)
    }

    fn listen(&mut self, p: Peer) {
        self.pair.listen(p.side()).unwrap();
    }

    fn connect(&mut self, p: Peer) {
        self.pair.connect(p.side(), self.now).unwrap();
    }

    fn close(&mut self, p: Peer) {
        self.pair.close(p.side(), self.now).unwrap();
    }

    fn send(&mut self, p: Peer, len: u32) {
        self.pair.send(p.side(), len, self.now).unwrap();
    }

    fn position(&self, to: Peer, expected: Segment) -> Option<usize> {
        self.pair
            .in_flight()
            .position(|f| f.from == to.side().peer() && f.segment == expected)
    }

    /// Whether `expected` is in flight toward `to`.
    fn in_flight(&self, to: Peer, expected: Segment) -> bool {
        self.position(to, expected).is_some()
    }

    /// Delivers `expected`, which must be in flight toward `to`; the receiver's reply,
    /// if any, goes in flight back.
    #[track_caller]
    fn deliver(&mut self, to: Peer, expected: Segment) -> Arrival {
        let Some(i) = self.position(to, expected) else {
            panic!(
                "{expected:?} is not in flight to {to:?}; in flight: {:#?}",
                self.pair.in_flight().collect::<Vec<_>>()
            );
        };
        self.pair.deliver_at(i, self.now).unwrap().arrival
    }

    /// A segment that reaches `to` from elsewhere (an old duplicate).
    fn inject(&mut self, to: Peer, s: Segment) -> Arrival {
        self.pair.inject(to.side().peer(), s).unwrap();
        let last = self.pair.len() - 1;
        self.pair.deliver_at(last, self.now).unwrap().arrival
    }

    fn advance(&mut self, d: Duration) {
        self.now += d;
        self.pair.on_time(self.now);
    }
}

/// A and B ESTABLISHED, A with `SND.NXT = a_nxt` and B with `SND.NXT = b_nxt` (so
/// A's `RCV.NXT` is `b_nxt` and B's is `a_nxt`), after a three-way handshake.
fn established(a_nxt: u32, b_nxt: u32) -> Net {
    let mut net = Net::new(config(a_nxt.wrapping_sub(1)), config(b_nxt.wrapping_sub(1)));
    net.listen(Peer::B);
    net.connect(Peer::A);
    net.deliver(Peer::B, seg(a_nxt - 1, 0, SYN));
    net.deliver(Peer::A, seg(b_nxt - 1, a_nxt, SYN | ACK));
    net.deliver(Peer::B, seg(a_nxt, b_nxt, ACK));
    assert_eq!(net.states(), (Established, Established));
    assert!(net.pair.is_empty());
    net
}

/// A transition, whoever's it is.
fn change(from: State, to: State, cause: Cause) -> (State, State, Cause) {
    (from, to, cause)
}

/// `t` without its side.
fn strip(t: Option<Transition>) -> Option<(State, State, Cause)> {
    t.map(|t| (t.from, t.to, t.cause))
}

/// RFC 793 figure 7, RFC 9293 figure 6: the basic three-way handshake.
#[test]
fn figure_7_three_way_handshake() {
    let mut net = Net::new(config(100), config(300));
    // 1.  CLOSED                                               LISTEN
    net.listen(Peer::B);
    assert_eq!(net.states(), (Closed, Listen));
    // 2.  SYN-SENT    --> <SEQ=100><CTL=SYN>               --> SYN-RECEIVED
    net.connect(Peer::A);
    let b = net.deliver(Peer::B, seg(100, 0, SYN));
    assert_eq!(net.states(), (SynSent, SynReceived));
    assert_eq!(
        strip(b.transitions.first()),
        Some(change(Listen, SynReceived, Cause::Syn))
    );
    // 3.  ESTABLISHED <-- <SEQ=300><ACK=101><CTL=SYN,ACK>  <-- SYN-RECEIVED
    assert_eq!(b.reply, Reply::SynAck(seg(300, 101, SYN | ACK)));
    let a = net.deliver(Peer::A, seg(300, 101, SYN | ACK));
    assert_eq!(net.states(), (Established, SynReceived));
    assert_eq!(
        strip(a.transitions.first()),
        Some(change(SynSent, Established, Cause::SynAck))
    );
    // 4.  ESTABLISHED --> <SEQ=101><ACK=301><CTL=ACK>       --> ESTABLISHED
    assert_eq!(a.reply, Reply::Ack(seg(101, 301, ACK)));
    let b = net.deliver(Peer::B, seg(101, 301, ACK));
    assert_eq!(net.states(), (Established, Established));
    assert_eq!(b.reply, Reply::None);
    // 5.  ESTABLISHED --> <SEQ=101><ACK=301><CTL=ACK><DATA> --> ESTABLISHED
    net.send(Peer::A, 10);
    let b = net.deliver(Peer::B, seg(101, 301, ACK).with_len(10));
    assert_eq!(net.states(), (Established, Established));
    assert_eq!(b.disposition, Disposition::Accepted { delivered: 10 });
    // B acknowledges the ten bytes (not drawn in the figure): ACK = 101 + 10.
    assert_eq!(b.reply, Reply::Ack(seg(301, 111, ACK)));
    let flight: Vec<_> = net.pair.in_flight().map(|f| (f.from, f.segment)).collect();
    assert_eq!(flight, vec![(Side::Server, seg(301, 111, ACK))]);
}

/// RFC 793 figure 8, RFC 9293 figure 7: simultaneous connection synchronization.
///
/// Line 7 follows RFC 9293 (errata): what reaches B is A's delayed SYN,ACK of
/// line 5, `<SEQ=100><ACK=301><CTL=SYN,ACK>`, not RFC 793's `<SEQ=101><ACK=301>
/// <CTL=ACK>`. Its SYN repeats the one B already has, so only its ACK is new.
#[test]
fn figure_8_simultaneous_connection_synchronization() {
    let mut net = Net::new(config(100), config(300));
    // 1.  CLOSED                                           CLOSED
    assert_eq!(net.states(), (Closed, Closed));
    // 2.  SYN-SENT     --> <SEQ=100><CTL=SYN>              ...
    net.connect(Peer::A);
    assert!(net.in_flight(Peer::B, seg(100, 0, SYN)));
    assert_eq!(net.states(), (SynSent, Closed));
    // 3.  SYN-RECEIVED <-- <SEQ=300><CTL=SYN>              <-- SYN-SENT
    net.connect(Peer::B);
    let a = net.deliver(Peer::A, seg(300, 0, SYN));
    assert_eq!(net.states(), (SynReceived, SynSent));
    assert_eq!(
        strip(a.transitions.first()),
        Some(change(SynSent, SynReceived, Cause::Syn))
    );
    assert!(
        matches!(net.pair.endpoint(Side::Client).connection(), synack::state::Connection::SynReceived(s) if s.opening() == Opening::Active)
    );
    // 4.               ... <SEQ=100><CTL=SYN>              --> SYN-RECEIVED
    let b = net.deliver(Peer::B, seg(100, 0, SYN));
    assert_eq!(net.states(), (SynReceived, SynReceived));
    // 5.  SYN-RECEIVED --> <SEQ=100><ACK=301><CTL=SYN,ACK> ...
    assert_eq!(a.reply, Reply::SynAck(seg(100, 301, SYN | ACK)));
    assert!(net.in_flight(Peer::B, seg(100, 301, SYN | ACK)));
    // 6.  ESTABLISHED  <-- <SEQ=300><ACK=101><CTL=SYN,ACK> <-- SYN-RECEIVED
    assert_eq!(b.reply, Reply::SynAck(seg(300, 101, SYN | ACK)));
    let a = net.deliver(Peer::A, seg(300, 101, SYN | ACK));
    assert_eq!(net.states(), (Established, SynReceived));
    assert_eq!(
        strip(a.transitions.first()),
        Some(change(SynReceived, Established, Cause::AckOfSyn))
    );
    assert_eq!(a.reply, Reply::None);
    // 7.               ... <SEQ=100><ACK=301><CTL=SYN,ACK> --> ESTABLISHED
    let b = net.deliver(Peer::B, seg(100, 301, SYN | ACK));
    assert_eq!(net.states(), (Established, Established));
    assert_eq!(b.reply, Reply::None);
    assert!(net.pair.is_empty());
}

/// RFC 793 figure 9, RFC 9293 figure 8: recovery from an old duplicate SYN.
///
/// B chooses its ISS from a 4 µs clock (RFC 6528): 300 at time 0, 400 when the
/// delayed SYN arrives 400 µs later. Line 7 follows RFC 9293: A, whose SYN the
/// SYN,ACK acknowledges, is ESTABLISHED (RFC 793 printed SYN-SENT there).
#[test]
fn figure_9_recovery_from_old_duplicate_syn() {
    let mut net = Net::new(config(100), config(300));
    // 1.  CLOSED                                               LISTEN
    net.listen(Peer::B);
    assert_eq!(net.states(), (Closed, Listen));
    // 2.  SYN-SENT    --> <SEQ=100><CTL=SYN>               ...
    net.connect(Peer::A);
    assert!(net.in_flight(Peer::B, seg(100, 0, SYN)));
    assert_eq!(net.states(), (SynSent, Listen));
    // 3.  (duplicate) ... <SEQ=90><CTL=SYN>               --> SYN-RECEIVED
    let b = net.inject(Peer::B, seg(90, 0, SYN));
    assert_eq!(net.states(), (SynSent, SynReceived));
    // 4.  SYN-SENT    <-- <SEQ=300><ACK=91><CTL=SYN,ACK>  <-- SYN-RECEIVED
    assert_eq!(b.reply, Reply::SynAck(seg(300, 91, SYN | ACK)));
    let a = net.deliver(Peer::A, seg(300, 91, SYN | ACK));
    assert_eq!(net.states(), (SynSent, SynReceived));
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::UnacceptableAck)
    );
    // 5.  SYN-SENT    --> <SEQ=91><CTL=RST>               --> LISTEN
    assert_eq!(a.reply, Reply::Reset(seg(91, 0, RST)));
    let b = net.deliver(Peer::B, seg(91, 0, RST));
    assert_eq!(net.states(), (SynSent, Listen));
    assert_eq!(
        strip(b.transitions.first()),
        Some(change(SynReceived, Listen, Cause::Reset))
    );
    // 6.              ... <SEQ=100><CTL=SYN>               --> SYN-RECEIVED
    net.advance(Duration::from_micros(400));
    net.deliver(Peer::B, seg(100, 0, SYN));
    assert_eq!(net.states(), (SynSent, SynReceived));
    // 7.  ESTABLISHED <-- <SEQ=400><ACK=101><CTL=SYN,ACK>  <-- SYN-RECEIVED
    let a = net.deliver(Peer::A, seg(400, 101, SYN | ACK));
    assert_eq!(net.states(), (Established, SynReceived));
    // 8.  ESTABLISHED --> <SEQ=101><ACK=401><CTL=ACK>      --> ESTABLISHED
    assert_eq!(a.reply, Reply::Ack(seg(101, 401, ACK)));
    net.deliver(Peer::B, seg(101, 401, ACK));
    assert_eq!(net.states(), (Established, Established));
    assert!(net.pair.is_empty());
}

/// RFC 793 figure 10, RFC 9293 figure 9: half-open connection discovery.
///
/// With RFC 5961, B answers the SYN of line 3 (in its window) with a challenge ACK;
/// the segment on the wire is the one the figure shows.
#[test]
fn figure_10_half_open_connection_discovery() {
    // 1.  (CRASH)                               (send 300,receive 100)
    let mut net = established(100, 300);
    // A reboots and forgets the connection.
    *net.pair.endpoint_mut(Side::Client) = Endpoint::new(config(400)).with_side(Side::Client);
    // 2.  CLOSED                                           ESTABLISHED
    assert_eq!(net.states(), (Closed, Established));
    // 3.  SYN-SENT --> <SEQ=400><CTL=SYN>              --> (??)
    net.connect(Peer::A);
    let b = net.deliver(Peer::B, seg(400, 0, SYN));
    assert_eq!(net.states(), (SynSent, Established));
    assert_eq!(
        b.disposition,
        Disposition::Dropped(DropReason::SynInSynchronizedState)
    );
    // 4.  (!!)     <-- <SEQ=300><ACK=100><CTL=ACK>     <-- ESTABLISHED
    assert_eq!(b.reply, Reply::ChallengeAck(seg(300, 100, ACK)));
    let a = net.deliver(Peer::A, seg(300, 100, ACK));
    assert_eq!(net.states(), (SynSent, Established));
    // 5.  SYN-SENT --> <SEQ=100><CTL=RST>              --> (Abort!!)
    assert_eq!(a.reply, Reply::Reset(seg(100, 0, RST)));
    let b = net.deliver(Peer::B, seg(100, 0, RST));
    assert_eq!(
        strip(b.transitions.first()),
        Some(change(Established, Closed, Cause::Reset))
    );
    // 6.  SYN-SENT                                         CLOSED
    assert_eq!(net.states(), (SynSent, Closed));
    // 7.  SYN-SENT --> <SEQ=400><CTL=SYN>              -->
    assert_eq!(
        net.pair.endpoint(Side::Client).retransmit(),
        Ok(seg(400, 0, SYN))
    );
    assert_eq!(net.states(), (SynSent, Closed));
    assert!(net.pair.is_empty());
}

/// RFC 793 figure 11, RFC 9293 figure 10: the active side causes half-open
/// connection discovery.
#[test]
fn figure_11_active_side_causes_half_open_discovery() {
    // 1.  (CRASH)                                  (send 300,receive 100)
    let mut net = established(100, 300);
    *net.pair.endpoint_mut(Side::Client) = Endpoint::new(config(0)).with_side(Side::Client);
    // 2.  (??)    <-- <SEQ=300><ACK=100><DATA=10><CTL=ACK> <-- ESTABLISHED
    net.send(Peer::B, 10);
    let a = net.deliver(Peer::A, seg(300, 100, ACK).with_len(10));
    assert_eq!(net.states(), (Closed, Established));
    assert_eq!(
        a.disposition,
        Disposition::Dropped(DropReason::NoConnection)
    );
    // 3.          --> <SEQ=100><CTL=RST>                   --> (ABORT!!)
    assert_eq!(a.reply, Reply::Reset(seg(100, 0, RST)));
    let b = net.deliver(Peer::B, seg(100, 0, RST));
    assert_eq!(net.states(), (Closed, Closed));
    assert_eq!(
        strip(b.transitions.first()),
        Some(change(Established, Closed, Cause::Reset))
    );
    assert!(net.pair.is_empty());
}

/// RFC 793 figure 12, RFC 9293 figure 11: an old duplicate SYN initiates a reset on
/// two passive sockets. Z is chosen so that Z + 1 wraps to 0; B's ISS X is 7000.
#[test]
fn figure_12_old_duplicate_syn_resets_two_passive_sockets() {
    const Z: u32 = u32::MAX;
    const X: u32 = 7000;
    let mut net = Net::new(config(1), config(X));
    // 1.  LISTEN                                        LISTEN
    net.listen(Peer::A);
    net.listen(Peer::B);
    assert_eq!(net.states(), (Listen, Listen));
    // 2.       ... <SEQ=Z><CTL=SYN>                -->  SYN-RECEIVED
    let b = net.inject(Peer::B, seg(Z, 0, SYN));
    assert_eq!(net.states(), (Listen, SynReceived));
    // 3.  (??) <-- <SEQ=X><ACK=Z+1><CTL=SYN,ACK>   <--  SYN-RECEIVED
    assert_eq!(b.reply, Reply::SynAck(seg(X, Z.wrapping_add(1), SYN | ACK)));
    let a = net.deliver(Peer::A, seg(X, Z.wrapping_add(1), SYN | ACK));
    assert_eq!(net.states(), (Listen, SynReceived));
    // 4.       --> <SEQ=Z+1><CTL=RST>              -->  (return to LISTEN!)
    assert_eq!(a.reply, Reply::Reset(seg(Z.wrapping_add(1), 0, RST)));
    let b = net.deliver(Peer::B, seg(Z.wrapping_add(1), 0, RST));
    assert_eq!(
        strip(b.transitions.first()),
        Some(change(SynReceived, Listen, Cause::Reset))
    );
    // 5.  LISTEN                                        LISTEN
    assert_eq!(net.states(), (Listen, Listen));
    assert!(net.pair.is_empty());
}

/// RFC 793 figure 13, RFC 9293 figure 12: the normal close sequence.
#[test]
fn figure_13_normal_close_sequence() {
    // 1.  ESTABLISHED                                          ESTABLISHED
    let mut net = established(100, 300);
    // 2.  (Close)
    //     FIN-WAIT-1  --> <SEQ=100><ACK=300><CTL=FIN,ACK>  --> CLOSE-WAIT
    net.close(Peer::A);
    let b = net.deliver(Peer::B, seg(100, 300, FIN | ACK));
    assert_eq!(net.states(), (FinWait1, CloseWait));
    assert_eq!(
        strip(b.transitions.first()),
        Some(change(Established, CloseWait, Cause::Fin))
    );
    // 3.  FIN-WAIT-2  <-- <SEQ=300><ACK=101><CTL=ACK>      <-- CLOSE-WAIT
    assert_eq!(b.reply, Reply::Ack(seg(300, 101, ACK)));
    let a = net.deliver(Peer::A, seg(300, 101, ACK));
    assert_eq!(net.states(), (FinWait2, CloseWait));
    assert_eq!(
        strip(a.transitions.first()),
        Some(change(FinWait1, FinWait2, Cause::AckOfFin))
    );
    // 4.                                                       (Close)
    //     TIME-WAIT   <-- <SEQ=300><ACK=101><CTL=FIN,ACK>  <-- LAST-ACK
    net.close(Peer::B);
    let a = net.deliver(Peer::A, seg(300, 101, FIN | ACK));
    assert_eq!(net.states(), (TimeWait, LastAck));
    // 5.  TIME-WAIT   --> <SEQ=101><ACK=301><CTL=ACK>      --> CLOSED
    assert_eq!(a.reply, Reply::Ack(seg(101, 301, ACK)));
    let b = net.deliver(Peer::B, seg(101, 301, ACK));
    assert_eq!(net.states(), (TimeWait, Closed));
    assert_eq!(
        strip(b.transitions.first()),
        Some(change(LastAck, Closed, Cause::AckOfFin))
    );
    // 6.  (2 MSL)
    //     CLOSED
    net.advance(Duration::from_secs(239));
    assert_eq!(net.states(), (TimeWait, Closed));
    net.advance(Duration::from_secs(1));
    assert_eq!(net.states(), (Closed, Closed));
    assert!(net.pair.is_empty());
}

/// RFC 793 figure 14, RFC 9293 figure 13: the simultaneous close sequence.
#[test]
fn figure_14_simultaneous_close_sequence() {
    // 1.  ESTABLISHED                                          ESTABLISHED
    let mut net = established(100, 300);
    // 2.  (Close)                                              (Close)
    //     FIN-WAIT-1  --> <SEQ=100><ACK=300><CTL=FIN,ACK>  ... FIN-WAIT-1
    //                 <-- <SEQ=300><ACK=100><CTL=FIN,ACK>  <--
    //                 ... <SEQ=100><ACK=300><CTL=FIN,ACK>  -->
    net.close(Peer::A);
    net.close(Peer::B);
    assert_eq!(net.states(), (FinWait1, FinWait1));
    let a = net.deliver(Peer::A, seg(300, 100, FIN | ACK));
    assert_eq!(
        strip(a.transitions.first()),
        Some(change(FinWait1, Closing, Cause::Fin))
    );
    let b = net.deliver(Peer::B, seg(100, 300, FIN | ACK));
    // 3.  CLOSING     --> <SEQ=101><ACK=301><CTL=ACK>      ... CLOSING
    //                 <-- <SEQ=301><ACK=101><CTL=ACK>      <--
    //                 ... <SEQ=101><ACK=301><CTL=ACK>      -->
    assert_eq!(net.states(), (Closing, Closing));
    assert_eq!(a.reply, Reply::Ack(seg(101, 301, ACK)));
    assert_eq!(b.reply, Reply::Ack(seg(301, 101, ACK)));
    let a = net.deliver(Peer::A, seg(301, 101, ACK));
    assert_eq!(
        strip(a.transitions.first()),
        Some(change(Closing, TimeWait, Cause::AckOfFin))
    );
    net.deliver(Peer::B, seg(101, 301, ACK));
    // 4.  TIME-WAIT                                            TIME-WAIT
    //     (2 MSL)                                              (2 MSL)
    //     CLOSED                                               CLOSED
    assert_eq!(net.states(), (TimeWait, TimeWait));
    net.advance(Duration::from_secs(240));
    assert_eq!(net.states(), (Closed, Closed));
    assert!(net.pair.is_empty());
}
