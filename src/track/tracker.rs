//! [`Tracker`]: the connection table.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::hash::Hasher;
use core::net::SocketAddr;
use core::time::Duration;

use hashbrown::HashTable;

use super::analysis::{Analysis, AnalysisFlags, ConnAnalysis, SegInfo};
use super::summary::{ConnectionSummary, StateSet, TrackEvent};
use super::zeek::{ZeekConfig, ZeekConn, ZeekSegment};
use crate::flags::TcpFlags;
use crate::segment::{Segment, SynOptions};
use crate::seq::SeqNum;
use crate::state::{Observation, Observer, Side, State};
use crate::wire::DecodedSegment;
use crate::wire::{MAX_SACK_BLOCKS, TcpOption};

/// How the tracker bounds its memory and when connections expire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TrackerConfig {
    /// The most connections the table holds; a new connection beyond it evicts the
    /// least recently active one (closed connections first). At least 1.
    pub max_connections: usize,
    /// A connection without a segment for this long (capture time) expires.
    pub idle_timeout: Duration,
    /// Maximum segment lifetime: a connection whose sides are both closed (or in
    /// TIME_WAIT) leaves the table 2·MSL after its last segment, and the observer's
    /// TIME_WAIT lasts 2·MSL.
    pub msl: Duration,
    /// The most unacknowledged segments remembered per direction (Wireshark's
    /// `TCP_MAX_UNACKED_SEGMENTS`, 10,000); beyond it new segments are not
    /// remembered, which only affects `acks_frame`, `ack_rtt`, bytes in flight and
    /// the out-of-order test.
    pub max_unacked_segments: u32,
    /// Keep Zeek's bookkeeping per connection ([`ZeekConn`]: `conn_state` and
    /// `history` in each [`ConnectionSummary`]). Off by default: it adds a boxed
    /// `ZeekConn` (about 390 bytes) to every connection and Zeek's per-segment
    /// work (its checksum test included) to every segment. For Zeek's own
    /// session keying and timeouts, use [`ZeekSessions`](super::zeek::ZeekSessions).
    pub zeek: bool,
}

impl Default for TrackerConfig {
    /// 1,000,000 connections, 5 minutes idle timeout (Zeek's
    /// `tcp_inactivity_timeout`), MSL 2 minutes (RFC 9293), 10,000 unacked
    /// segments, no Zeek bookkeeping.
    fn default() -> Self {
        TrackerConfig {
            max_connections: 1_000_000,
            idle_timeout: Duration::from_secs(300),
            msl: crate::state::DEFAULT_MSL,
            max_unacked_segments: 10_000,
            zeek: false,
        }
    }
}

impl TrackerConfig {
    /// tshark's behaviour: nothing expires and nothing is evicted (memory grows
    /// with the number of connections). Use it to compare with tshark.
    pub fn unbounded() -> Self {
        TrackerConfig {
            max_connections: usize::MAX,
            idle_timeout: Duration::MAX,
            msl: crate::state::DEFAULT_MSL,
            max_unacked_segments: 10_000,
            zeek: false,
        }
    }

    /// The same configuration with Zeek's bookkeeping on or off (see
    /// [`TrackerConfig::zeek`]).
    pub fn with_zeek(mut self, zeek: bool) -> Self {
        self.zeek = zeek;
        self
    }
}

/// A connection's handle: a slot of the table and the slot's generation, so a
/// handle to a connection that left the table never reaches its successor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ConnId {
    slot: u32,
    generation: u32,
}

/// What the tracker says about one segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrackedSegment {
    /// The connection.
    pub conn: ConnId,
    /// Wireshark's `tcp.stream`: 0-based, in order of first segment, a new one on
    /// port reuse.
    pub stream: u64,
    /// The side that sent the segment.
    pub side: Side,
    /// `tcp.seq`: sequence number relative to the sender's base.
    pub seq: u32,
    /// The same as a 64-bit offset that does not wrap after 4 GiB (a
    /// [`super::SeqUnwrapper`] per direction, restarted when the base is); `None`
    /// for a segment that starts before the base (an old retransmission). What a
    /// reassembler keys the direction's bytes by.
    pub offset: Option<u64>,
    /// `tcp.ack`: acknowledgment number relative to the receiver's base; `None`
    /// without the ACK bit.
    pub ack: Option<u32>,
    /// `tcp.nxtseq`: `seq` + payload length (+1 for SYN, +1 for FIN).
    pub next_seq: u32,
    /// Payload length (`tcp.len`).
    pub len: u32,
    /// The raw window field.
    pub window: u16,
    /// `tcp.window_size`: the window after scaling; `None` while the sender's
    /// scale is unknown (no handshake seen). SYNs are never scaled.
    pub window_scaled: Option<u32>,
    /// The observer's verdict: both sides' states after the segment.
    pub observation: Observation,
    /// Wireshark's analysis of the segment.
    pub analysis: Analysis,
}

/// One tracked connection.
#[derive(Clone, Debug)]
pub struct Connection {
    stream: u64,
    client: SocketAddr,
    server: SocketAddr,
    observer: Observer,
    analysis: ConnAnalysis,
    zeek: Option<Box<ZeekConn>>,
    start: u64,
    last: u64,
    packets: [u64; 2],
    payload_bytes: [u64; 2],
    ip_bytes: [u64; 2],
    states: [StateSet; 2],
}

impl Connection {
    /// Wireshark's `tcp.stream` index.
    pub fn stream(&self) -> u64 {
        self.stream
    }

    /// The client (see [`Tracker`] for the rule).
    pub fn client(&self) -> SocketAddr {
        self.client
    }

    /// The server.
    pub fn server(&self) -> SocketAddr {
        self.server
    }

    /// Both sides' states, inferred at the capture point.
    pub fn observer(&self) -> &Observer {
        &self.observer
    }

    /// Zeek's bookkeeping of the connection, when [`TrackerConfig::zeek`] is on.
    pub fn zeek(&self) -> Option<&ZeekConn> {
        self.zeek.as_deref()
    }

    /// `side`'s first sequence number as Wireshark counts relative numbers from it
    /// (`base_seq`), once known.
    pub fn base(&self, side: Side) -> Option<SeqNum> {
        self.analysis.base(side.index()).map(SeqNum)
    }

    /// How many unacknowledged segments the analysis remembers for `side`.
    pub fn unacked_segments(&self, side: Side) -> usize {
        self.analysis
            .flows
            .get(side.index())
            .map_or(0, |f| f.unacked())
    }

    /// The summary so far.
    pub fn summary(&self) -> ConnectionSummary {
        ConnectionSummary {
            stream: self.stream,
            client: self.client,
            server: self.server,
            start: Duration::from_nanos(self.start),
            last: Duration::from_nanos(self.last),
            packets: self.packets,
            payload_bytes: self.payload_bytes,
            ip_bytes: self.ip_bytes,
            states: self.states,
            final_states: [
                self.observer.state(Side::Client),
                self.observer.state(Side::Server),
            ],
            zeek: self.zeek.as_ref().map(|z| z.summary()),
        }
    }

    fn is_over(&self) -> bool {
        let over = |s: State| matches!(s, State::Closed | State::TimeWait | State::Listen);
        self.packets != [0, 0]
            && over(self.observer.state(Side::Client))
            && over(self.observer.state(Side::Server))
    }
}

const NIL: u32 = u32::MAX;
const LIVE: u8 = 0;
const CLOSING: u8 = 1;
const FREE: u8 = 2;

/// A slot of the table: the connection and its links in the activity list.
#[derive(Clone, Debug)]
pub(crate) struct Slot {
    conn: Option<Connection>,
    generation: u32,
    prev: u32,
    next: u32,
    list: u8,
}

/// A doubly linked list of slots, least recently active at the head.
#[derive(Clone, Copy, Debug)]
struct List {
    head: u32,
    tail: u32,
}

/// The unordered pair of endpoints that names a conversation.
type Key = (SocketAddr, SocketAddr);

fn key(a: SocketAddr, b: SocketAddr) -> Key {
    if a <= b { (a, b) } else { (b, a) }
}

/// The hash of a key: the addresses and ports fed as whole words.
fn hash_key(k: &Key) -> u64 {
    let mut h = FxHasher::default();
    for a in [k.0, k.1] {
        match a {
            SocketAddr::V4(v4) => {
                h.write_u64(u64::from(u32::from(*v4.ip())) << 16 | u64::from(v4.port()));
            }
            SocketAddr::V6(v6) => {
                let bits = u128::from(*v6.ip());
                h.write_u64(bits as u64);
                h.write_u64((bits >> 64) as u64);
                h.write_u64(u64::from(v6.port()));
            }
        }
    }
    h.finish()
}

/// The key of the connection in `slot`.
fn slot_key(slots: &[Slot], slot: u32) -> Option<Key> {
    slots
        .get(slot as usize)
        .and_then(|s| s.conn.as_ref())
        .map(|c| key(c.client, c.server))
}

/// A small multiplicative hasher (FxHash's mixing) for the table's index: the
/// keys are endpoint addresses, and SipHash would cost a large part of the
/// per-segment budget. (A capture crafted to collide slows the lookups down; it
/// cannot make them wrong.)
#[derive(Clone, Copy, Debug, Default)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            for (d, s) in b.iter_mut().zip(chunk) {
                *d = *s;
            }
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.write_u64(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The connection table: fed one decoded segment at a time with its capture
/// time, it answers at once with the connection, the direction, Wireshark's
/// relative numbers and analysis, and the observer's states.
///
/// # Streams (Wireshark's `tcp.stream`, tshark 4.0.17)
///
/// * A segment on a pair of endpoints not in the table starts a new stream; streams
///   are numbered 0, 1, 2, ... in order of their first segment.
/// * **Port reuse**: a SYN without ACK on a known pair starts a new stream, flagged
///   [`AnalysisFlags::REUSED_PORTS`], when its sender's base sequence number is
///   known and the SYN's sequence number differs from it. A SYN repeating the base
///   — even after a FIN or RST, which newer Wireshark versions treat as a new
///   stream — stays in its stream, and so does a SYN,ACK with a new ISN (tshark
///   4.0.17, `conversation_new` in `dissect_tcp()`).
/// * A connection that left the table (expired, evicted) and is seen again starts
///   a new stream: tshark never forgets one, so with the default bounds numbering
///   can differ from tshark's on very long captures. [`TrackerConfig::unbounded`]
///   never forgets.
///
/// # Sides
///
/// The client is the sender of the stream's first segment, unless that segment
/// is a SYN,ACK: then it is its receiver (a capture starting at the SYN,ACK).
/// Without any SYN the first sender is the client, as in Wireshark's Follow
/// TCP Stream.
///
/// # Memory and time
///
/// A hash index maps the endpoint pair to a slot of a slab; the slots form two
/// intrusive lists in order of last activity (open connections; connections
/// whose sides are both closed), so expiry and eviction look only at the heads:
/// O(1) amortised per segment, one hash lookup per segment (the analysis then
/// walks the peer's unacknowledged segments, as Wireshark does). Events for
/// connections that leave the table queue up until [`Tracker::poll_event`]
/// takes them; poll after every call to keep that queue short.
///
/// A connection costs one slab slot plus 5 bytes of index (a `u32` slot number
/// and hashbrown's control byte, at its 7/8 maximum load) — 629 bytes in all on
/// x86-64, measured by the `per_connection_memory` unit test; the observer is
/// 184 of them. The unacknowledged segments each direction remembers for the
/// analysis live on the heap, 24 bytes each, at most
/// [`TrackerConfig::max_unacked_segments`] per direction.
///
/// ```
/// use std::time::Duration;
/// use synack::track::{Tracker, TrackerConfig};
/// use synack::wire::{decode, LinkType};
/// # use synack::wire::TcpHeader;
/// let mut tracker = Tracker::new(TrackerConfig::default());
/// # let frames: Vec<Vec<u8>> = Vec::new();
/// for (i, frame) in frames.iter().enumerate() {
///     if let Some(p) = decode(LinkType::ETHERNET, frame).tcp() {
///         let t = tracker.track(i as u64 + 1, Duration::ZERO, p);
///         println!("stream {} seq {} {}", t.stream, t.seq, t.analysis.tags());
///     }
///     while let Some(event) = tracker.poll_event() {
///         println!("done: stream {}", event.summary().stream);
///     }
/// }
/// tracker.finish();
/// ```
#[derive(Debug)]
pub struct Tracker {
    config: TrackerConfig,
    slots: Vec<Slot>,
    free: Vec<u32>,
    /// Slot numbers, hashed by their connection's endpoint pair (the key is not
    /// stored twice: the table holds 4 bytes per connection plus a control byte).
    index: HashTable<u32>,
    lists: [List; 2],
    events: VecDeque<TrackEvent>,
    next_stream: u64,
    len: usize,
}

/// Nanoseconds of a capture time (saturating).
fn nanos(t: Duration) -> u64 {
    u64::try_from(t.as_nanos()).unwrap_or(u64::MAX)
}

impl Tracker {
    /// An empty table.
    pub fn new(config: TrackerConfig) -> Self {
        Tracker {
            config,
            slots: Vec::new(),
            free: Vec::new(),
            index: HashTable::new(),
            lists: [List {
                head: NIL,
                tail: NIL,
            }; 2],
            events: VecDeque::new(),
            next_stream: 0,
            len: 0,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &TrackerConfig {
        &self.config
    }

    /// How many connections the table holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many streams have been numbered (the next stream's index).
    pub fn streams(&self) -> u64 {
        self.next_stream
    }

    /// The connection `id` names, if it is still in the table.
    pub fn connection(&self, id: ConnId) -> Option<&Connection> {
        self.slots
            .get(id.slot as usize)
            .filter(|s| s.generation == id.generation)
            .and_then(|s| s.conn.as_ref())
    }

    /// The next event (a connection that left the table), oldest first.
    pub fn poll_event(&mut self) -> Option<TrackEvent> {
        self.events.pop_front()
    }

    /// Every pending event.
    pub fn drain_events(&mut self) -> impl Iterator<Item = TrackEvent> + '_ {
        self.events.drain(..)
    }

    /// Lets capture time pass: connections idle for longer than the idle timeout
    /// expire, closed ones 2·MSL after their last segment.
    pub fn advance_time(&mut self, now: Duration) {
        self.expire(nanos(now));
    }

    /// Reports every connection still in the table as [`TrackEvent::Finished`],
    /// in stream order, and empties the table.
    pub fn finish(&mut self) {
        let mut live: Vec<(u64, u32)> = self
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.conn.as_ref().map(|c| (c.stream, i as u32)))
            .collect();
        live.sort_unstable();
        for (_, slot) in live {
            if let Some(c) = self.remove(slot) {
                self.events.push_back(TrackEvent::Finished(c.summary()));
            }
        }
    }

    fn unlink(&mut self, slot: u32) {
        let Some(s) = self.slots.get(slot as usize) else {
            return;
        };
        let (prev, next, list) = (s.prev, s.next, s.list);
        let Some(l) = self.lists.get_mut(usize::from(list)) else {
            return;
        };
        if prev == NIL {
            l.head = next;
        } else if let Some(p) = self.slots.get_mut(prev as usize) {
            p.next = next;
        }
        let Some(l) = self.lists.get_mut(usize::from(list)) else {
            return;
        };
        if next == NIL {
            l.tail = prev;
        } else if let Some(n) = self.slots.get_mut(next as usize) {
            n.prev = prev;
        }
        if let Some(s) = self.slots.get_mut(slot as usize) {
            s.prev = NIL;
            s.next = NIL;
            s.list = FREE;
        }
    }

    fn push_tail(&mut self, slot: u32, list: u8) {
        let Some(l) = self.lists.get(usize::from(list)).copied() else {
            return;
        };
        if let Some(s) = self.slots.get_mut(slot as usize) {
            s.prev = l.tail;
            s.next = NIL;
            s.list = list;
        }
        if l.tail == NIL {
            if let Some(l) = self.lists.get_mut(usize::from(list)) {
                l.head = slot;
            }
        } else if let Some(t) = self.slots.get_mut(l.tail as usize) {
            t.next = slot;
        }
        if let Some(l) = self.lists.get_mut(usize::from(list)) {
            l.tail = slot;
        }
    }

    /// Takes a connection out of the table.
    fn remove(&mut self, slot: u32) -> Option<Connection> {
        self.unlink(slot);
        let s = self.slots.get_mut(slot as usize)?;
        let conn = s.conn.take()?;
        s.generation = s.generation.wrapping_add(1);
        self.free.push(slot);
        let hash = hash_key(&key(conn.client, conn.server));
        if let Ok(entry) = self.index.find_entry(hash, |&s| s == slot) {
            entry.remove();
        }
        self.len -= 1;
        Some(conn)
    }

    fn expire(&mut self, now: u64) {
        let timeouts = [
            nanos(self.config.idle_timeout),
            nanos(self.config.msl).saturating_mul(2),
        ];
        for (list, timeout) in timeouts.into_iter().enumerate() {
            loop {
                let head = self.lists.get(list).map_or(NIL, |l| l.head);
                let Some(last) = self
                    .slots
                    .get(head as usize)
                    .and_then(|s| s.conn.as_ref())
                    .map(|c| c.last)
                else {
                    break;
                };
                if last.saturating_add(timeout) > now {
                    break;
                }
                if let Some(c) = self.remove(head) {
                    let summary = c.summary();
                    self.events.push_back(if list == usize::from(LIVE) {
                        TrackEvent::Expired(summary)
                    } else {
                        TrackEvent::Closed(summary)
                    });
                }
            }
        }
    }

    /// Makes room for one more connection, evicting the least recently active
    /// (closed connections first).
    fn make_room(&mut self) {
        let max = self.config.max_connections.max(1);
        while self.len >= max {
            let victim = [CLOSING, LIVE]
                .into_iter()
                .map(|l| self.lists.get(usize::from(l)).map_or(NIL, |l| l.head))
                .find(|&h| h != NIL);
            let Some(slot) = victim else { break };
            match self.remove(slot) {
                Some(c) => self.events.push_back(TrackEvent::Evicted(c.summary())),
                None => break,
            }
        }
    }

    fn insert(&mut self, client: SocketAddr, server: SocketAddr, now: u64) -> u32 {
        self.make_room();
        let conn = Connection {
            stream: self.next_stream,
            client,
            server,
            observer: Observer::new().with_msl(self.config.msl),
            analysis: ConnAnalysis::new(),
            zeek: self.config.zeek.then(|| Box::new(ZeekConn::new())),
            start: now,
            last: now,
            packets: [0; 2],
            payload_bytes: [0; 2],
            ip_bytes: [0; 2],
            states: [StateSet::default(); 2],
        };
        self.next_stream += 1;
        let slot = match self.free.pop() {
            Some(i) => {
                if let Some(s) = self.slots.get_mut(i as usize) {
                    s.conn = Some(conn);
                }
                i
            }
            None => {
                self.slots.push(Slot {
                    conn: Some(conn),
                    generation: 0,
                    prev: NIL,
                    next: NIL,
                    list: FREE,
                });
                (self.slots.len() - 1) as u32
            }
        };
        let slots = &self.slots;
        self.index
            .insert_unique(hash_key(&key(client, server)), slot, |&s| {
                slot_key(slots, s).as_ref().map_or(0, hash_key)
            });
        self.push_tail(slot, LIVE);
        self.len += 1;
        slot
    }

    /// Tracks one segment: `frame` is its 1-based record number, `time` its
    /// capture time (since the Unix epoch, or any fixed origin).
    pub fn track(
        &mut self,
        frame: u64,
        time: Duration,
        packet: &DecodedSegment<'_>,
    ) -> TrackedSegment {
        let now = nanos(time);
        self.expire(now);

        // One walk over the options.
        let header = &packet.header;
        let mut options = SynOptions::default();
        let mut sack = [(SeqNum(0), SeqNum(0)); MAX_SACK_BLOCKS];
        let mut sack_len = 0;
        for option in header.options().map_while(Result::ok) {
            match option {
                TcpOption::Mss(mss) => options.mss = Some(mss),
                TcpOption::WindowScale(shift) => options.window_scale = Some(shift),
                TcpOption::SackPermitted => options.sack_permitted = true,
                TcpOption::Timestamps { value, echo_reply } => {
                    options.timestamps = Some((value, echo_reply))
                }
                TcpOption::Sack(blocks) => {
                    for (d, b) in sack.iter_mut().zip(blocks.iter()) {
                        *d = b;
                    }
                    sack_len = blocks.len();
                }
                _ => {}
            }
        }
        let segment = Segment {
            seq: header.sequence_number(),
            ack: header.acknowledgment_number(),
            payload_len: packet.payload_len,
            flags: header.flags(),
            window: header.window_size(),
            urgent: header.urgent_pointer(),
            options,
        };
        let (src, dst) = (packet.source(), packet.destination());
        let flags = segment.flags;
        let bare_syn = flags.contains(TcpFlags::SYN) && !flags.contains(TcpFlags::ACK);

        let k = key(src, dst);
        let mut reused = false;
        let slots = &self.slots;
        let found = self
            .index
            .find(hash_key(&k), |&s| {
                slots
                    .get(s as usize)
                    .and_then(|s| s.conn.as_ref())
                    .is_some_and(|c| {
                        (c.client == src && c.server == dst) || (c.client == dst && c.server == src)
                    })
            })
            .copied();
        let slot = match found {
            Some(slot) => {
                let reuse = bare_syn
                    && self
                        .slots
                        .get(slot as usize)
                        .and_then(|s| s.conn.as_ref())
                        .is_some_and(|c| {
                            let dir = usize::from(src != c.client);
                            c.analysis.base(dir).is_some_and(|b| b != segment.seq.0)
                        });
                // A SYN,ACK with another ISN than its sender's known base: flagged
                // as port reuse, in the same stream (tshark 4.0.17).
                let synack = flags.contains(TcpFlags::SYN | TcpFlags::ACK)
                    && self
                        .slots
                        .get(slot as usize)
                        .and_then(|s| s.conn.as_ref())
                        .is_some_and(|c| {
                            let dir = usize::from(src != c.client);
                            c.analysis.base(dir).is_some_and(|b| b != segment.seq.0)
                        });
                reused = synack;
                if reuse {
                    if let Some(old) = self.remove(slot) {
                        self.events.push_back(TrackEvent::Replaced(old.summary()));
                    }
                    reused = true;
                    self.insert(src, dst, now)
                } else {
                    slot
                }
            }
            None => {
                let synack = flags.contains(TcpFlags::SYN | TcpFlags::ACK);
                let (client, server) = if synack { (dst, src) } else { (src, dst) };
                self.insert(client, server, now)
            }
        };

        let ip_header = if src.is_ipv6() { 40 } else { 20 };
        let ip_len = ip_header + header.header_len() as u32 + packet.payload_len;
        let generation = self.slots.get(slot as usize).map_or(0, |s| s.generation);
        let Some(conn) = self
            .slots
            .get_mut(slot as usize)
            .and_then(|s| s.conn.as_mut())
        else {
            // Unreachable: the slot was just looked up or filled.
            return TrackedSegment {
                conn: ConnId { slot, generation },
                stream: 0,
                side: Side::Client,
                seq: 0,
                offset: None,
                ack: None,
                next_seq: 0,
                len: segment.payload_len,
                window: segment.window,
                window_scaled: None,
                observation: Observer::new().on_segment(Side::Client, &segment, time),
                analysis: Analysis::default(),
            };
        };
        let side = if src == conn.client {
            Side::Client
        } else {
            Side::Server
        };
        let dir = side.index();
        let observation = conn.observer.on_segment(side, &segment, time);
        let info = SegInfo {
            frame,
            time: now,
            seq: segment.seq.0,
            ack: segment.ack.0,
            len: segment.payload_len,
            flags,
            window: segment.window,
            window_scale: options.window_scale,
            sack: sack.get(..sack_len).unwrap_or(&[]),
            max_unacked: self.config.max_unacked_segments,
        };
        let (numbers, mut analysis) = conn.analysis.on_segment(dir, &info);
        if reused {
            analysis.flags |= AnalysisFlags::REUSED_PORTS;
        }
        if let Some(zeek) = conn.zeek.as_mut() {
            zeek.on_segment(
                side == Side::Client,
                &ZeekSegment::new(packet, ip_len),
                time,
                &ZeekConfig::DEFAULT,
            );
        }
        if let Some(n) = conn.packets.get_mut(dir) {
            *n += 1;
        }
        if let Some(n) = conn.payload_bytes.get_mut(dir) {
            *n += u64::from(segment.payload_len);
        }
        if let Some(n) = conn.ip_bytes.get_mut(dir) {
            *n += u64::from(ip_len);
        }
        for t in observation.transitions.iter() {
            if let Some(s) = conn.states.get_mut(t.side.index()) {
                s.insert(t.from);
                s.insert(t.to);
            }
        }
        for sd in Side::BOTH {
            if let Some(s) = conn.states.get_mut(sd.index()) {
                s.insert(observation.state(sd));
            }
        }
        conn.last = conn.last.max(now);
        let stream = conn.stream;
        let list = if conn.is_over() { CLOSING } else { LIVE };
        let at_tail = self
            .lists
            .get(usize::from(list))
            .is_some_and(|l| l.tail == slot);
        if !at_tail {
            self.unlink(slot);
            self.push_tail(slot, list);
        }

        TrackedSegment {
            conn: ConnId { slot, generation },
            stream,
            side,
            seq: numbers.seq,
            offset: numbers.offset,
            ack: numbers.ack,
            next_seq: numbers.next_seq,
            len: segment.payload_len,
            window: segment.window,
            window_scaled: numbers.window_scaled,
            observation,
            analysis,
        }
    }
}
