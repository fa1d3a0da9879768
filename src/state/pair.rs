//! [`Pair`]: two [`Endpoint`]s and the network between them, for tests, examples,
//! benchmarks and fuzzing. Segments in flight can be delivered in order or out of
//! order, delayed, dropped, duplicated, and marked as having passed a capture point.

use core::time::Duration;

use super::{Arrival, CallOutcome, Config, Endpoint, Side, Transitions, Violation};
use crate::segment::Segment;

/// How many segments a [`Pair`] holds in flight unless told otherwise.
pub const PAIR_CAPACITY: usize = 32;

/// A segment on its way from one endpoint of a [`Pair`] to the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InFlight {
    /// The side that sent it (or in whose name it was injected).
    pub from: Side,
    /// The segment.
    pub segment: Segment,
    /// Whether it has passed the capture point ([`Pair::capture`]).
    pub captured: bool,
}

/// What [`Pair::deliver`] did: the segment, its sender, and what its receiver made
/// of it. The receiver's reply, if any, is already in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Delivery {
    /// The segment delivered, as it was in flight.
    pub segment: InFlight,
    /// The receiver's answer.
    pub arrival: Arrival,
}

/// Why a [`Pair`] could not do what it was asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum PairError {
    /// The network is full: `N` segments are in flight already.
    #[error("{0} segments in flight already: the pair is full")]
    Full(usize),
    /// There is no segment at this index in flight.
    #[error("no segment in flight at index {0}")]
    NoSuchSegment(usize),
    /// The endpoint refused the user call.
    #[error(transparent)]
    Violation(#[from] Violation),
}

/// Two [`Endpoint`]s — the client and the server, labelled so with
/// [`Endpoint::with_side`] — and up to `N` segments in flight between them, in the
/// order they were sent. Allocation-free and `no_std`.
///
/// User calls (`listen`, `connect`, `send`, `close`, `abort`, `retransmit`) put what
/// the endpoint sends in flight; [`deliver`](Pair::deliver) hands the oldest segment
/// to its receiver and puts the receiver's reply in flight. The network can be made
/// hostile one segment at a time: [`deliver_at`](Pair::deliver_at) (reordering),
/// [`delay`](Pair::delay), [`drop_at`](Pair::drop_at),
/// [`duplicate`](Pair::duplicate) and [`inject`](Pair::inject) (a segment no endpoint
/// sent, e.g. an attacker's RST). [`capture`](Pair::capture) marks the moment a
/// segment passes a capture point, so that a test can feed an
/// [`Observer`](super::Observer) there and place losses before or after it.
///
/// ```
/// use core::time::Duration;
/// use synack::state::{Config, Pair, Side, State};
///
/// let t = Duration::ZERO;
/// let mut pair: Pair = Pair::new(Config::default(), Config { isn_offset: 5000, ..Config::default() });
/// pair.listen(Side::Server)?;
/// pair.connect(Side::Client, t)?;
/// pair.run(t, 10); // SYN, SYN,ACK, ACK
/// assert_eq!(pair.states(), [State::Established, State::Established]);
/// pair.send(Side::Client, 100, t)?;
/// pair.drop_at(0)?; // lost
/// assert_eq!(pair.endpoint(Side::Server).tcb().unwrap().received(), 0);
/// pair.retransmit(Side::Client)?;
/// pair.run(t, 10);
/// assert_eq!(pair.endpoint(Side::Server).tcb().unwrap().received(), 100);
/// # Ok::<(), synack::state::PairError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pair<const N: usize = PAIR_CAPACITY> {
    endpoints: [Endpoint; 2],
    flight: [Option<InFlight>; N],
    len: usize,
}

impl<const N: usize> Pair<N> {
    /// A client and a server endpoint, both CLOSED, nothing in flight.
    pub const fn new(client: Config, server: Config) -> Self {
        Pair {
            endpoints: [
                Endpoint::new(client).with_side(Side::Client),
                Endpoint::new(server).with_side(Side::Server),
            ],
            flight: [None; N],
            len: 0,
        }
    }

    /// The endpoint of `side`.
    pub const fn endpoint(&self, side: Side) -> &Endpoint {
        &self.endpoints[side.index()]
    }

    /// The endpoint of `side`, to drive it directly (what it sends is not put in
    /// flight; use [`inject`](Pair::inject) for that).
    pub fn endpoint_mut(&mut self, side: Side) -> &mut Endpoint {
        &mut self.endpoints[side.index()]
    }

    /// Both endpoints' states, client first.
    pub const fn states(&self) -> [super::State; 2] {
        [self.endpoints[0].state(), self.endpoints[1].state()]
    }

    /// The segments in flight, oldest first.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> + '_ {
        self.flight.iter().take(self.len).flatten()
    }

    /// How many segments are in flight.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is in flight.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The segment in flight at `index` (0 is the oldest).
    pub fn get(&self, index: usize) -> Option<&InFlight> {
        self.flight.get(..self.len)?.get(index)?.as_ref()
    }

    /// Puts a segment in flight as if `from` had sent it: it is delivered to the
    /// other side like any other. Nothing in the sender changes.
    pub fn inject(&mut self, from: Side, segment: Segment) -> Result<(), PairError> {
        let slot = self.flight.get_mut(self.len).ok_or(PairError::Full(N))?;
        *slot = Some(InFlight {
            from,
            segment,
            captured: false,
        });
        self.len += 1;
        Ok(())
    }

    /// Takes the segment at `index` out of flight.
    fn take(&mut self, index: usize) -> Result<InFlight, PairError> {
        if index >= self.len {
            return Err(PairError::NoSuchSegment(index));
        }
        let taken = self
            .flight
            .get_mut(index)
            .and_then(Option::take)
            .ok_or(PairError::NoSuchSegment(index))?;
        if let Some(rest) = self.flight.get_mut(index..self.len) {
            rest.rotate_left(1);
        }
        self.len -= 1;
        Ok(taken)
    }

    fn sent(&mut self, from: Side, segment: Option<Segment>) -> Result<(), PairError> {
        match segment {
            Some(s) => self.inject(from, s),
            None => Ok(()),
        }
    }

    /// Passive OPEN on `side`.
    pub fn listen(&mut self, side: Side) -> Result<CallOutcome, PairError> {
        Ok(self.endpoint_mut(side).listen()?)
    }

    /// Active OPEN on `side`: its SYN goes in flight.
    pub fn connect(&mut self, side: Side, now: Duration) -> Result<CallOutcome, PairError> {
        self.room()?;
        let out = self.endpoint_mut(side).connect(now)?;
        self.sent(side, out.segment)?;
        Ok(out)
    }

    /// SEND of `len` bytes on `side`: the segment goes in flight.
    pub fn send(&mut self, side: Side, len: u32, now: Duration) -> Result<Segment, PairError> {
        self.room()?;
        let segment = self.endpoint_mut(side).send(len, now)?;
        self.sent(side, Some(segment))?;
        Ok(segment)
    }

    /// CLOSE on `side`: its FIN, if any, goes in flight.
    pub fn close(&mut self, side: Side, now: Duration) -> Result<CallOutcome, PairError> {
        self.room()?;
        let out = self.endpoint_mut(side).close(now)?;
        self.sent(side, out.segment)?;
        Ok(out)
    }

    /// ABORT on `side`: its RST, if any, goes in flight.
    pub fn abort(&mut self, side: Side) -> Result<CallOutcome, PairError> {
        self.room()?;
        let out = self.endpoint_mut(side).abort()?;
        self.sent(side, out.segment)?;
        Ok(out)
    }

    /// RETRANSMISSION TIMEOUT on `side`: the front of its retransmission queue goes
    /// in flight again.
    pub fn retransmit(&mut self, side: Side) -> Result<Segment, PairError> {
        self.room()?;
        let segment = self.endpoint(side).retransmit()?;
        self.sent(side, Some(segment))?;
        Ok(segment)
    }

    fn room(&self) -> Result<(), PairError> {
        if self.len < N {
            Ok(())
        } else {
            Err(PairError::Full(N))
        }
    }

    /// Marks the segment at `index` as having passed the capture point and returns
    /// it (to be shown to an [`Observer`](super::Observer)); `None` when there is no
    /// such segment or it was captured already.
    pub fn capture(&mut self, index: usize) -> Option<InFlight> {
        let s = self.flight.get_mut(..self.len)?.get_mut(index)?.as_mut()?;
        if s.captured {
            return None;
        }
        s.captured = true;
        Some(*s)
    }

    /// Delivers the oldest segment in flight at capture time `now`; `None` when
    /// nothing is in flight. The receiver's reply goes in flight (it is lost if the
    /// pair is full).
    pub fn deliver(&mut self, now: Duration) -> Option<Delivery> {
        self.deliver_at(0, now).ok()
    }

    /// Delivers the segment at `index` — a later one overtakes the older ones.
    pub fn deliver_at(&mut self, index: usize, now: Duration) -> Result<Delivery, PairError> {
        let segment = self.take(index)?;
        let to = segment.from.peer();
        let arrival = self.endpoints[to.index()].on_segment(&segment.segment, now);
        if let Some(reply) = arrival.reply.segment() {
            // A full network loses the reply, as a full queue would.
            let _ = self.inject(to, *reply);
        }
        Ok(Delivery { segment, arrival })
    }

    /// Moves the segment at `index` behind every other segment in flight.
    pub fn delay(&mut self, index: usize) -> Result<(), PairError> {
        let s = self.take(index)?;
        self.inject(s.from, s.segment)?;
        if let Some(Some(last)) = self.flight.get_mut(self.len - 1) {
            last.captured = s.captured;
        }
        Ok(())
    }

    /// Loses the segment at `index`; returns it.
    pub fn drop_at(&mut self, index: usize) -> Result<InFlight, PairError> {
        self.take(index)
    }

    /// Puts a copy of the segment at `index` behind every segment in flight (not
    /// yet captured).
    pub fn duplicate(&mut self, index: usize) -> Result<(), PairError> {
        let s = *self.get(index).ok_or(PairError::NoSuchSegment(index))?;
        self.inject(s.from, s.segment)
    }

    /// Delivers oldest-first until nothing is in flight or `max` segments were
    /// delivered; returns how many were.
    pub fn run(&mut self, now: Duration, max: usize) -> usize {
        let mut n = 0;
        while n < max && self.deliver(now).is_some() {
            n += 1;
        }
        n
    }

    /// Lets time pass on both endpoints (TIME-WAIT and user timeouts): the client's
    /// transitions, then the server's.
    pub fn on_time(&mut self, now: Duration) -> Transitions {
        let mut all = Transitions::new();
        for e in &mut self.endpoints {
            for t in e.on_time(now).iter() {
                all.push(*t);
            }
        }
        all
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::flags::TcpFlags;
    use crate::seq::SeqNum;
    use crate::state::{Disposition, State};

    const T: Duration = Duration::ZERO;

    fn config(isn: u32) -> Config {
        Config {
            isn_offset: isn,
            ..Config::default()
        }
    }

    /// Client ISS 100, server ISS 500, handshake done.
    fn established() -> Pair<4> {
        let mut p: Pair<4> = Pair::new(config(100), config(500));
        p.listen(Side::Server).unwrap();
        p.connect(Side::Client, T).unwrap();
        // SYN, SYN,ACK, ACK.
        assert_eq!(p.run(T, 10), 3);
        assert_eq!(p.states(), [State::Established, State::Established]);
        p
    }

    #[test]
    fn test_new_and_handshake() {
        let mut p: Pair<4> = Pair::new(config(100), config(500));
        assert_eq!(p.states(), [State::Closed, State::Closed]);
        assert_eq!(p.endpoint(Side::Client).side(), Side::Client);
        assert_eq!(p.endpoint(Side::Server).side(), Side::Server);
        assert_eq!((p.len(), p.is_empty(), p.get(0)), (0, true, None));
        assert!(p.deliver(T).is_none());
        p.listen(Side::Server).unwrap();
        assert!(p.is_empty(), "LISTEN sends nothing");
        p.connect(Side::Client, T).unwrap();
        assert_eq!((p.len(), p.is_empty()), (1, false));
        let syn = *p.get(0).unwrap();
        assert_eq!(syn.from, Side::Client);
        assert!(!syn.captured);
        assert_eq!(
            (syn.segment.flags, syn.segment.seq),
            (TcpFlags::SYN, SeqNum(100))
        );
        assert_eq!(p.in_flight().count(), 1);
        let d = p.deliver(T).unwrap();
        assert_eq!(d.segment, syn);
        assert_eq!(p.states(), [State::SynSent, State::SynReceived]);
        // The SYN,ACK is in flight, from the server.
        let f = *p.get(0).unwrap();
        assert_eq!(f.from, Side::Server);
        assert_eq!(f.segment.flags, TcpFlags::SYN | TcpFlags::ACK);
        assert_eq!((f.segment.seq, f.segment.ack), (SeqNum(500), SeqNum(101)));
        assert_eq!(p.run(T, 1), 1);
        assert_eq!(p.states(), [State::Established, State::SynReceived]);
        assert_eq!(p.run(T, 10), 1);
        assert_eq!(p.states(), [State::Established, State::Established]);
        assert!(p.is_empty());
    }

    #[test]
    fn test_drop_retransmit_reorder() {
        let mut p = established();
        let a = p.send(Side::Client, 10, T).unwrap();
        let b = p.send(Side::Client, 20, T).unwrap();
        assert_eq!((a.seq, b.seq), (SeqNum(101), SeqNum(111)));
        assert_eq!(p.len(), 2);
        assert_eq!(p.drop_at(2), Err(PairError::NoSuchSegment(2)));
        assert_eq!(p.deliver_at(5, T), Err(PairError::NoSuchSegment(5)));
        // The second overtakes the first: out of order, not taken.
        let d = p.deliver_at(1, T).unwrap();
        assert_eq!(d.segment.segment, b);
        assert!(!matches!(
            d.arrival.disposition,
            Disposition::Accepted { delivered: 20 }
        ));
        let server = |p: &Pair<4>| p.endpoint(Side::Server).tcb().unwrap().received();
        assert_eq!(server(&p), 0);
        // The first is lost; retransmission repairs it.
        assert_eq!(p.get(0).unwrap().segment, a);
        assert_eq!(p.drop_at(0).unwrap().segment, a);
        let ack = p.get(0).unwrap().segment; // the server's ACK of 101
        assert_eq!(ack.ack, SeqNum(101));
        p.run(T, 10);
        let r = p.retransmit(Side::Client).unwrap();
        assert_eq!(r.seq, SeqNum(101));
        p.run(T, 10);
        assert_eq!(server(&p), u64::from(r.payload_len));
    }

    #[test]
    fn test_capture_delay_duplicate_inject_full() {
        let mut p = established();
        let a = p.send(Side::Client, 1, T).unwrap();
        let b = p.send(Side::Server, 2, T).unwrap();
        assert!(p.capture(9).is_none());
        assert_eq!(p.capture(0).map(|f| f.segment), Some(a));
        assert!(p.capture(0).is_none(), "captured once");
        assert!(p.get(0).unwrap().captured);
        // Delay keeps the capture mark and moves the segment behind the others.
        p.delay(0).unwrap();
        assert_eq!(p.get(0).unwrap().segment, b);
        assert_eq!(
            *p.get(1).unwrap(),
            InFlight {
                from: Side::Client,
                segment: a,
                captured: true
            }
        );
        assert_eq!(p.delay(7), Err(PairError::NoSuchSegment(7)));
        // A duplicate is not captured.
        p.duplicate(1).unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(
            *p.get(2).unwrap(),
            InFlight {
                from: Side::Client,
                segment: a,
                captured: false
            }
        );
        assert_eq!(p.duplicate(3), Err(PairError::NoSuchSegment(3)));
        let rst = Segment::new(SeqNum(1), SeqNum(0), TcpFlags::RST);
        p.inject(Side::Server, rst).unwrap();
        assert_eq!(p.len(), 4);
        assert_eq!(
            *p.get(3).unwrap(),
            InFlight {
                from: Side::Server,
                segment: rst,
                captured: false
            }
        );
        // Full.
        assert_eq!(p.inject(Side::Server, rst), Err(PairError::Full(4)));
        assert_eq!(p.send(Side::Client, 1, T), Err(PairError::Full(4)));
        assert_eq!(p.close(Side::Client, T).unwrap_err(), PairError::Full(4));
        assert_eq!(p.abort(Side::Client).unwrap_err(), PairError::Full(4));
        assert_eq!(p.retransmit(Side::Client), Err(PairError::Full(4)));
        assert_eq!(p.connect(Side::Client, T).unwrap_err(), PairError::Full(4));
        assert_eq!(p.duplicate(0), Err(PairError::Full(4)));
        assert_eq!(p.states(), [State::Established, State::Established]);
    }

    #[test]
    fn test_close_abort_and_time() {
        let mut p = established();
        let out = p.close(Side::Client, T).unwrap();
        assert_eq!(out.transition.to, State::FinWait1);
        let fin = p.get(0).unwrap().segment;
        assert_eq!(
            (fin.flags, fin.seq),
            (TcpFlags::FIN | TcpFlags::ACK, SeqNum(101))
        );
        p.run(T, 10);
        p.close(Side::Server, T).unwrap();
        p.run(T, 10);
        assert_eq!(p.states(), [State::TimeWait, State::Closed]);
        assert!(p.on_time(T).is_empty());
        let ts = p.on_time(Duration::from_secs(240));
        assert_eq!(ts.len(), 1);
        let t = ts.first().unwrap();
        assert_eq!(
            (t.side, t.from, t.to),
            (Side::Client, State::TimeWait, State::Closed)
        );
        // ABORT: a RST in flight; the other side resets.
        let mut p = established();
        p.abort(Side::Server).unwrap();
        let rst = *p.get(0).unwrap();
        assert_eq!((rst.from, rst.segment.flags), (Side::Server, TcpFlags::RST));
        p.run(T, 10);
        assert_eq!(p.states(), [State::Closed, State::Closed]);
        // Driving an endpoint directly puts nothing in flight.
        let mut p = established();
        p.endpoint_mut(Side::Client).send(5, T).unwrap();
        assert!(p.is_empty());
        assert_eq!(
            p.listen(Side::Client).unwrap_err(),
            PairError::Violation(Violation::ConnectionExists)
        );
    }
}
