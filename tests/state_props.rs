//! Property tests: two [`Endpoint`]s in the crate's [`Pair`] hold a generated
//! conversation — a handshake, data both ways in arbitrary segmentations, then one
//! side closing first, both closing at once, or an abort — while an [`Observer`]
//! watches every segment as it is put on the wire. ISNs are arbitrary, including
//! within a few bytes of 2^32.
//!
//! Checked, against values computed here from the RFC rules (never from the
//! endpoints' own output):
//! * the observer's states equal the endpoints' whenever nothing is in flight, and
//!   for each segment its sender's state after sending it and its receiver's state
//!   after receiving it (unless a segment the other way crossed it in flight);
//! * every state change is one [`is_rfc_transition`] allows;
//! * each side's segments follow one another in sequence space, SYN and FIN taking
//!   exactly one sequence number each;
//! * every acknowledgment answering a segment equals that segment's
//!   `SEQ + payload + SYN + FIN`;
//! * at the end, each side's sequence numbers relative to its ISN are
//!   `1 + bytes sent + 1`, for the endpoint and for the observer;
//! * the side that closes first passes TIME_WAIT and the other LAST_ACK, both pass
//!   CLOSING when the FINs cross, and everybody ends CLOSED.

use core::time::Duration;
use std::collections::VecDeque;

use proptest::collection::vec;
use proptest::prelude::*;
use synack::state::{Config, Observer, Pair, Reply, Side, State, Transition, is_rfc_transition};
use synack::{flags::TcpFlags, segment::Segment, seq::SeqNum};

const MSS: u16 = 1460;

/// How the conversation ends.
#[derive(Clone, Debug)]
enum Ending {
    /// `first` closes; the other then sends `later` bursts and closes. With
    /// `fin_in_burst`, the first FIN leaves right behind the last burst, before any of
    /// it is acknowledged.
    Close {
        first: Side,
        later: Vec<Vec<u32>>,
        fin_in_burst: bool,
    },
    /// Both close before either FIN arrives: the FINs cross.
    Simultaneous,
    /// `side` aborts: its RST closes both.
    Abort { side: Side },
}

/// One conversation.
#[derive(Clone, Debug)]
struct Script {
    client_isn: u32,
    server_isn: u32,
    /// Bursts of segments (payload lengths), each sent back to back by one side.
    bursts: Vec<(Side, Vec<u32>)>,
    ending: Ending,
}

fn isn() -> impl Strategy<Value = u32> {
    prop_oneof![(0u32..8).prop_map(|d| u32::MAX - d), 0u32..8, any::<u32>(),]
}

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Client), Just(Side::Server)]
}

fn burst() -> impl Strategy<Value = Vec<u32>> {
    vec(prop_oneof![1u32..=16, 1u32..=u32::from(MSS)], 1..5)
}

fn ending() -> impl Strategy<Value = Ending> {
    prop_oneof![
        3 => (side(), vec(burst(), 0..3), any::<bool>()).prop_map(|(first, later, fin_in_burst)| {
            Ending::Close { first, later, fin_in_burst }
        }),
        1 => Just(Ending::Simultaneous),
        1 => side().prop_map(|side| Ending::Abort { side }),
    ]
}

fn script() -> impl Strategy<Value = Script> {
    (isn(), isn(), vec((side(), burst()), 0..6), ending()).prop_map(
        |(client_isn, server_isn, bursts, ending)| Script {
            client_isn,
            server_isn,
            bursts,
            ending,
        },
    )
}

/// The two endpoints and the network between them (the crate's [`Pair`], delivered
/// in order), and the observer, whose capture point is at the senders: it sees each
/// segment as it is put in flight.
struct World {
    pair: Pair<64>,
    observer: Observer,
    now: Duration,
    /// Per segment in flight, in the pair's order: the observer's receiver state
    /// for it, and how many segments the destination had emitted when it was sent.
    meta: VecDeque<(State, usize)>,
    /// How many segments each side has emitted.
    emitted: [usize; 2],
    /// Every state change of each side, in order.
    changes: [Vec<Transition>; 2],
    /// Payload bytes each side sent.
    sent: [u64; 2],
    /// Where each side's next new segment must start (after its SYN).
    next: [Option<SeqNum>; 2],
}

/// `SEQ + payload + SYN + FIN`, computed from the flags here.
fn end_of(s: &Segment) -> SeqNum {
    let syn = u32::from(s.flags.contains(TcpFlags::SYN));
    let fin = u32::from(s.flags.contains(TcpFlags::FIN));
    s.seq + s.payload_len + syn + fin
}

impl World {
    fn new(script: &Script) -> Self {
        let config = |isn| Config {
            isn_offset: isn,
            window: 65535,
            window_scale: None,
            mss: Some(MSS),
            ..Config::default()
        };
        World {
            pair: Pair::new(config(script.client_isn), config(script.server_isn)),
            observer: Observer::new(),
            now: Duration::ZERO,
            meta: VecDeque::new(),
            emitted: [0, 0],
            changes: [Vec::new(), Vec::new()],
            sent: [0, 0],
            next: [None, None],
        }
    }

    fn state(&self, side: Side) -> State {
        self.pair.endpoint(side).state()
    }

    fn record(&mut self, side: Side, change: Transition) {
        assert!(
            is_rfc_transition(change.from, change.to),
            "{side}: {change}"
        );
        self.changes[side.index()].push(change);
    }

    /// `from` has just put a segment in flight (the last one); the observer sees it.
    fn emit(&mut self, from: Side) {
        let f = self.pair.capture(self.pair.len() - 1).unwrap();
        assert_eq!(f.from, from);
        let seg = f.segment;
        if !seg.flags.contains(TcpFlags::RST) {
            let i = from.index();
            if seg.flags.contains(TcpFlags::SYN) {
                // A SYN starts the side's sequence space (ISN = SEG.SEQ).
                if let Some(n) = self.next[i] {
                    assert_eq!(seg.seq + 1, n, "{from} SYN,ACK after its SYN");
                }
            } else if let Some(n) = self.next[i] {
                assert_eq!(seg.seq, n, "{from} segment does not follow its predecessor");
            }
            self.next[i] = Some(end_of(&seg));
            self.sent[i] += u64::from(seg.payload_len);
        }
        let seen = self.observer.on_segment(from, &seg, self.now);
        // The sender's state after sending, per observer, is the endpoint's — unless
        // segments toward the sender are still in flight (they crossed this one).
        if !self.pair.in_flight().any(|f| f.from == from.peer()) {
            assert_eq!(
                seen.sender,
                self.state(from),
                "{from} after sending {seg:?}"
            );
        }
        self.emitted[from.index()] += 1;
        let to = from.peer();
        self.meta
            .push_back((seen.receiver, self.emitted[to.index()]));
    }

    /// Delivers everything in flight, in order, with the receivers' replies.
    fn run(&mut self) {
        while let Some(d) = self.pair.deliver(self.now) {
            let (observed, emitted) = self.meta.pop_front().unwrap();
            let (seg, to) = (d.segment.segment, d.segment.from.peer());
            for c in d.arrival.transitions.iter() {
                self.record(to, *c);
            }
            // The receiver's state after receiving, per observer, is the endpoint's —
            // unless the receiver sent something while the segment was in flight (the
            // two crossed, and the observer could not yet know how they would meet).
            if self.emitted[to.index()] == emitted {
                assert_eq!(observed, self.state(to), "{to} after receiving {seg:?}");
            }
            match d.arrival.reply {
                Reply::None => {}
                Reply::Ack(r) | Reply::SynAck(r) => {
                    assert!(r.flags.contains(TcpFlags::ACK));
                    assert_eq!(r.ack, end_of(&seg), "{to} acknowledges {seg:?} with {r:?}");
                    // The pair put the reply in flight.
                    self.emit(to);
                }
                other => panic!("unexpected reply {other:?} to {seg:?}"),
            }
            self.now += Duration::from_millis(1);
        }
        assert!(self.meta.is_empty());
        self.check_observer();
    }

    fn check_observer(&self) {
        for side in Side::BOTH {
            assert_eq!(
                self.observer.state(side),
                self.state(side),
                "{side} per observer"
            );
        }
    }

    fn send(&mut self, side: Side, lens: &[u32]) {
        for &len in lens {
            self.pair.send(side, len, self.now).unwrap();
            self.emit(side);
        }
    }

    fn close(&mut self, side: Side) {
        let out = self.pair.close(side, self.now).unwrap();
        self.record(side, out.transition);
        assert!(out.segment.is_some());
        self.emit(side);
    }

    fn passed(&self, side: Side, state: State) -> bool {
        self.changes[side.index()].iter().any(|c| c.to == state)
    }

    /// Lets 2·MSL pass: TIME_WAIT ends.
    fn expire(&mut self) {
        self.now += Duration::from_secs(240);
        let now = self.now;
        self.observer.on_time(now);
        for c in self.pair.on_time(now).iter() {
            self.record(c.side, *c);
        }
        self.check_observer();
    }

    /// Each side's sequence numbers relative to its ISN: `1 + bytes + 1`.
    fn check_final_numbers(&self) {
        for side in Side::BOTH {
            let i = side.index();
            let expected = 1 + self.sent[i] as u32 + 1;
            let isn = self.observer.isn(side).unwrap();
            let next = self.observer.numbers(side).next_seq.unwrap();
            assert_eq!(next.0.wrapping_sub(isn.0), expected, "{side} per observer");
            assert_eq!(
                self.next[i].unwrap().0.wrapping_sub(isn.0),
                expected,
                "{side} on the wire"
            );
        }
    }
}

fn converse(script: &Script) {
    let mut w = World::new(script);
    // Handshake.
    let out = w.pair.listen(Side::Server).unwrap();
    w.record(Side::Server, out.transition);
    let out = w.pair.connect(Side::Client, w.now).unwrap();
    w.record(Side::Client, out.transition);
    w.emit(Side::Client);
    w.run();
    assert_eq!(w.state(Side::Client), State::Established);
    assert_eq!(w.state(Side::Server), State::Established);
    assert_eq!(
        w.pair.endpoint(Side::Client).iss(),
        Some(SeqNum(script.client_isn))
    );
    assert_eq!(
        w.pair.endpoint(Side::Server).iss(),
        Some(SeqNum(script.server_isn))
    );

    // Data both ways.
    let last = script.bursts.len();
    for (n, (side, lens)) in script.bursts.iter().enumerate() {
        w.send(*side, lens);
        let keep_in_flight = n + 1 == last
            && matches!(script.ending, Ending::Close { first, fin_in_burst: true, .. } if first == *side);
        if !keep_in_flight {
            w.run();
        }
    }

    match &script.ending {
        Ending::Close { first, later, .. } => {
            let other = first.peer();
            w.close(*first);
            w.run();
            assert_eq!(w.state(*first), State::FinWait2);
            assert_eq!(w.state(other), State::CloseWait);
            for lens in later {
                w.send(other, lens);
                w.run();
            }
            w.close(other);
            w.run();
            assert_eq!(w.state(*first), State::TimeWait);
            assert_eq!(w.state(other), State::Closed);
            w.check_final_numbers();
            assert!(w.passed(*first, State::TimeWait));
            assert!(w.passed(other, State::LastAck));
            assert!(!w.passed(*first, State::Closing) && !w.passed(other, State::Closing));
            w.expire();
        }
        Ending::Simultaneous => {
            w.close(Side::Client);
            w.close(Side::Server);
            w.run();
            assert_eq!(w.state(Side::Client), State::TimeWait);
            assert_eq!(w.state(Side::Server), State::TimeWait);
            w.check_final_numbers();
            for side in Side::BOTH {
                assert!(w.passed(side, State::Closing), "{side}");
                assert!(w.passed(side, State::TimeWait), "{side}");
            }
            w.expire();
        }
        Ending::Abort { side } => {
            let out = w.pair.abort(*side).unwrap();
            w.record(*side, out.transition);
            let rst = out.segment.unwrap();
            assert_eq!(rst.flags, TcpFlags::RST);
            w.emit(*side);
            w.run();
        }
    }
    for side in Side::BOTH {
        assert_eq!(w.state(side), State::Closed, "{side}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn endpoints_and_observer_agree(script in script()) {
        converse(&script);
    }
}

/// A fixed conversation across the 2^32 wrap, by hand.
#[test]
fn conversation_across_the_wrap() {
    converse(&Script {
        client_isn: u32::MAX - 2,
        server_isn: u32::MAX,
        bursts: vec![(Side::Client, vec![1, 2, 3]), (Side::Server, vec![1460])],
        ending: Ending::Close {
            first: Side::Server,
            later: vec![vec![5]],
            fin_in_burst: false,
        },
    });
}
