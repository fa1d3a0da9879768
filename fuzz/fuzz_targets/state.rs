#![no_main]
//! Fuzzes two [`Endpoint`]s and an [`Observer`] with arbitrary sequences of events
//! decoded from the input bytes: user calls (passive and active OPEN, SEND, CLOSE,
//! ABORT, RETRANSMIT), deliveries of segments in flight (in order, reordered,
//! dropped, duplicated), injected segments with arbitrary numbers, flags and options,
//! and time passing.
//!
//! The observer sits at a capture point right before the receivers: it sees each
//! segment when it is delivered, so losses, duplications and reorderings happen
//! before it. Whenever nothing is in flight, its state of each side must equal the
//! endpoint's, under the rule `tests/state_hostile.rs` states for what a passive
//! observer can know: not after an injected segment; not for a side that lost a
//! SYN, FIN or RST before the capture point, aborted, closed (from LISTEN or
//! SYN-SENT) or timed out without a segment,
//! sent a RST its receiver did not accept, or sent a SYN the observer took as
//! reopening (a new attempt, or a retransmission that crossed the RST that ended
//! the connection: no segment tells which); and CLOSED and LISTEN, which no
//! segment tells apart, count as equal.
//!
//! Checked after every event: nothing panics; `SND.UNA` is never after `SND.NXT`;
//! every state change is one `is_rfc_transition` allows and the changes of one event
//! chain from the state before to the state after; a call answered with a
//! `Violation` leaves the endpoint unchanged; a RST is never answered with a RST;
//! a dropped segment that changes no state leaves the TCB as it was; every reply
//! carries the control bits its kind promises.

use core::time::Duration;

use libfuzzer_sys::fuzz_target;
use synack::segment::SynOptions;
use synack::state::{
    Cause, Config, Disposition, DropReason, Endpoint, Note, Observer, Reply, Side, State,
    Transition, Violation, is_rfc_transition,
};
use synack::{Segment, SeqNum, TcpFlags};

/// Reads the input a byte at a time; zeros once it runs out.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

const MAX_FLIGHT: usize = 64;

struct World {
    ends: [Endpoint; 2],
    observer: Observer,
    now: Duration,
    /// (destination, segment).
    flight: Vec<(Side, Segment)>,
    /// A segment was injected: the comparison is off.
    injected: bool,
    /// Per side: the observer cannot know its state (see the module's rule).
    unknowable: [bool; 2],
}

const CONTROLS: TcpFlags = TcpFlags::SYN.union(TcpFlags::FIN).union(TcpFlags::RST);

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
    let has_tcb = e.tcb().is_some();
    assert_eq!(
        has_tcb,
        !matches!(e.state(), State::Closed | State::Listen | State::SynSent)
    );
}

/// The changes of one event chain from `before` to `after`, each an RFC transition.
fn check_changes(before: State, changes: impl Iterator<Item = Transition>, after: State) {
    let mut at = before;
    for c in changes {
        assert_eq!(c.from, at, "{c} does not start at {at}");
        assert!(
            is_rfc_transition(c.from, c.to),
            "not an RFC transition: {c}"
        );
        at = c.to;
    }
    assert_eq!(at, after);
}

fn check_violation<T>(before: Endpoint, after: &Endpoint, result: &Result<T, Violation>) {
    if result.is_err() {
        assert_eq!(before, *after, "a violation changed the endpoint");
    }
}

impl World {
    fn push(&mut self, to: Side, seg: Segment) {
        if self.flight.len() < MAX_FLIGHT {
            self.flight.push((to, seg));
        } else if seg.flags.intersects(CONTROLS) {
            self.unknowable[to.peer().index()] = true; // lost before the capture point
        }
    }

    /// With nothing in flight, the observer agrees with every side it can know.
    fn compare(&self) {
        if !self.flight.is_empty() || self.injected {
            return;
        }
        let same = |a: State, b: State| {
            a == b
                || matches!(
                    (a, b),
                    (State::Closed, State::Listen) | (State::Listen, State::Closed)
                )
        };
        for side in Side::BOTH {
            if !self.unknowable[side.index()] {
                let (o, e) = (self.observer.state(side), self.ends[side.index()].state());
                assert!(same(o, e), "{side}: observer {o}, endpoint {e}");
            }
        }
    }

    /// `seg` passes the capture point and reaches `to`.
    fn arrive(&mut self, to: Side, seg: Segment) {
        let o = self.observer.on_segment(to.peer(), &seg, self.now);
        if std::env::var_os("TRACE").is_some() {
            eprintln!(
                "{} -> {to}: {:?} {:?} len {}\n  obs {:?} {:?}",
                to.peer(),
                seg.flags,
                (seg.seq, seg.ack),
                seg.payload_len,
                o.transitions,
                o.notes
            );
        }
        for t in o.transitions.iter() {
            if matches!(t.cause, Cause::Sent | Cause::Received | Cause::Delivered) {
                assert!(is_rfc_transition(t.from, t.to), "observer: {t}");
            }
        }
        if seg.flags.contains(TcpFlags::RST) && !o.notes.contains(Note::RstAccepted) {
            self.unknowable[to.peer().index()] = true;
        }
        if o.notes.contains(Note::Reopened) {
            // A SYN after the side was reset or closed: a new attempt, or a
            // retransmission that crossed the RST; no segment tells which.
            self.unknowable[to.peer().index()] = true;
        }
        let e = &mut self.ends[to.index()];
        let before = *e;
        let arrival = e.on_segment(&seg, self.now);
        check_changes(
            before.state(),
            arrival.transitions.iter().copied(),
            e.state(),
        );
        check_endpoint(e);
        if matches!(arrival.disposition, Disposition::Dropped(d) if d != DropReason::ZeroWindow)
            && arrival.transitions.is_empty()
        {
            // A dropped segment changes nothing but, in TIME-WAIT, the 2·MSL deadline
            // (a segment refused by a zero window still has its ACK processed).
            assert_eq!(before.state(), e.state());
            assert_eq!(before.tcb(), e.tcb(), "a dropped segment changed the TCB");
        }
        match arrival.reply {
            Reply::None => {}
            Reply::Ack(r) | Reply::ChallengeAck(r) => {
                assert_eq!(r.flags, TcpFlags::ACK);
                assert_eq!(r.payload_len, 0);
            }
            Reply::SynAck(r) => assert_eq!(r.flags, TcpFlags::SYN | TcpFlags::ACK),
            Reply::Reset(r) => {
                assert!(r.flags.contains(TcpFlags::RST));
                assert!(!seg.flags.contains(TcpFlags::RST), "RST answered with RST");
            }
        }
        if let Some(r) = arrival.reply.segment() {
            self.push(to.peer(), *r);
        }
    }

    fn call(&mut self, side: Side, op: u8, input: &mut Input<'_>) {
        let now = self.now;
        let e = &mut self.ends[side.index()];
        let before = *e;
        let (segment, change) = match op % 6 {
            0 => {
                let r = e.listen();
                check_violation(before, e, &r);
                (None, r.ok().map(|o| o.transition))
            }
            1 => {
                let r = e.connect(now);
                check_violation(before, e, &r);
                let o = r.ok();
                (o.and_then(|o| o.segment), o.map(|o| o.transition))
            }
            2 => {
                let len = u32::from(input.u16() % 1600);
                let r = e.send(len, now);
                check_violation(before, e, &r);
                if let Ok(s) = &r {
                    assert_eq!(s.payload_len, len);
                    assert_eq!(e.state(), before.state());
                }
                (r.ok(), None)
            }
            3 => {
                let r = e.close(now);
                check_violation(before, e, &r);
                if let Ok(o) = &r
                    && o.segment.is_none()
                {
                    // CLOSE in LISTEN or SYN-SENT: CLOSED without a segment.
                    self.unknowable[side.index()] = true;
                }
                let o = r.ok();
                (o.and_then(|o| o.segment), o.map(|o| o.transition))
            }
            4 => {
                let r = e.abort();
                check_violation(before, e, &r);
                if let Ok(o) = &r {
                    assert_eq!(e.state(), State::Closed);
                    if o.segment.is_none() {
                        self.unknowable[side.index()] = true; // aborted silently
                    }
                }
                let o = r.ok();
                (o.and_then(|o| o.segment), o.map(|o| o.transition))
            }
            _ => (e.retransmit().ok(), None),
        };
        check_changes(before.state(), change.into_iter(), e.state());
        check_endpoint(e);
        if std::env::var_os("TRACE").is_some() {
            eprintln!(
                "call {} op {}: {} -> {} sends {:?}",
                side,
                op % 6,
                before.state(),
                e.state(),
                segment.map(|s| (s.flags, s.seq))
            );
        }
        if let Some(s) = segment {
            self.push(side.peer(), s);
        }
    }

    fn tick(&mut self, input: &mut Input<'_>) {
        let step = match input.u8() % 4 {
            0 => Duration::from_micros(u64::from(input.u16())),
            1 => Duration::from_millis(u64::from(input.u16())),
            2 => Duration::from_secs(u64::from(input.u16())),
            _ => Duration::from_secs(240),
        };
        self.now = self.now.saturating_add(step);
        self.observer.on_time(self.now);
        for (i, e) in self.ends.iter_mut().enumerate() {
            let before = e.state();
            let change = e.on_time(self.now);
            if change.iter().any(|t| t.cause == Cause::UserTimeout) {
                self.unknowable[i] = true; // closed without a segment
            }
            check_changes(before, change.iter().copied(), e.state());
            check_endpoint(e);
        }
    }

    /// A segment from nowhere, with numbers near the receiver's own or arbitrary.
    fn forge(&mut self, to: Side, input: &mut Input<'_>) -> Segment {
        let e = &self.ends[to.index()];
        let near = |base: Option<SeqNum>, mode: u8, delta: u32| -> SeqNum {
            match (mode % 3, base) {
                (0, Some(b)) => b + (delta % 64) - 32,
                (1, Some(b)) => b + delta % 70_000,
                _ => SeqNum(delta),
            }
        };
        let (seq_mode, ack_mode) = (input.u8(), input.u8());
        let seq = near(e.rcv_nxt(), seq_mode, input.u32());
        let ack = near(e.snd_nxt(), ack_mode, input.u32());
        let flags = TcpFlags::from_bits_truncate(input.u16() & 0x0fff);
        let len = u32::from(input.u16() % 2000);
        let window = input.u16();
        let o = input.u8();
        let options = SynOptions {
            mss: (o & 1 != 0).then(|| input.u16()),
            window_scale: (o & 2 != 0).then(|| input.u8()),
            sack_permitted: o & 4 != 0,
            timestamps: None,
        };
        Segment::new(seq, ack, flags)
            .with_len(len)
            .with_window(window)
            .with_options(options)
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let config = |input: &mut Input<'_>| Config {
        isn_offset: input.u32(),
        window: u32::from(input.u16()) << (input.u8() % 8),
        window_scale: {
            let b = input.u8();
            (b & 0x80 != 0).then_some(b & 0x1f)
        },
        mss: Some(input.u16() | 1),
        ..Config::default()
    };
    let ends = [
        Endpoint::new(config(&mut input)),
        Endpoint::new(config(&mut input)),
    ];
    let mut w = World {
        ends,
        observer: Observer::new(),
        now: Duration::ZERO,
        flight: Vec::new(),
        injected: false,
        unknowable: [false; 2],
    };
    w.ends[1] = w.ends[1].with_side(Side::Server);
    let mut steps = 0;
    while !input.is_empty() && steps < 4096 {
        steps += 1;
        let op = input.u8();
        let side = if op & 0x80 != 0 {
            Side::Server
        } else {
            Side::Client
        };
        match (op & 0x7f) % 8 {
            // Deliver the oldest segment in flight.
            0 | 1 => {
                if !w.flight.is_empty() {
                    let (to, seg) = w.flight.remove(0);
                    w.arrive(to, seg);
                }
            }
            // Deliver a segment out of order.
            2 => {
                if !w.flight.is_empty() {
                    let i = usize::from(input.u8()) % w.flight.len();
                    let (to, seg) = w.flight.remove(i);
                    w.arrive(to, seg);
                }
            }
            // Lose one (before the capture point).
            3 => {
                if !w.flight.is_empty() {
                    let i = usize::from(input.u8()) % w.flight.len();
                    let (to, seg) = w.flight.remove(i);
                    if seg.flags.intersects(CONTROLS) {
                        w.unknowable[to.peer().index()] = true;
                    }
                }
            }
            // Duplicate one (not a SYN: a duplicated SYN looks exactly like a new
            // attempt).
            4 => {
                if !w.flight.is_empty() && w.flight.len() < MAX_FLIGHT {
                    let i = usize::from(input.u8()) % w.flight.len();
                    let f = w.flight[i];
                    if !f.1.flags.contains(TcpFlags::SYN) {
                        w.flight.push(f);
                    }
                }
            }
            5 => {
                let call = input.u8();
                w.call(side, call, &mut input);
            }
            6 => {
                let seg = w.forge(side, &mut input);
                w.injected = true;
                w.arrive(side, seg);
            }
            _ => w.tick(&mut input),
        }
        w.compare();
    }
});
