//! [`Tracker`]: the connection table.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::hash::Hasher;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use core::time::Duration;

use hashbrown::HashTable;

use super::analysis::{Analysis, AnalysisFlags, ConnAnalysis, SegInfo};
use super::summary::{ConnectionSummary, StateSet, TrackEvent};
use super::zeek::{ZeekConfig, ZeekConn, ZeekSegment};
use crate::flags::TcpFlags;
use crate::segment::{Segment, SynOptions};
use crate::seq::SeqNum;
use crate::state::{Observation, Observer, Side, State};
use crate::wire::option_kind::{NOP, SACK, TIMESTAMPS};
use crate::wire::{CutTcp, DecodedSegment};
use crate::wire::{MAX_SACK_BLOCKS, SackBlocks, TcpOption, TcpOptionsIter};

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
    /// `ZeekConn` (464 bytes, 560 with its heap blocks) to every connection
    /// and Zeek's per-segment work (its checksum test included) to every segment. For Zeek's own
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

/// A connection's handle: a slot of the table and the connection's stream, so a
/// handle to a connection that left the table never reaches its successor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ConnId {
    slot: u32,
    /// The connection's stream: a slot's next connection has another.
    stream: u64,
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

/// The addresses of a connection the packets do not fit in [`Connection`]
/// itself, and its rare or optional parts: allocated only for an IPv6
/// connection, a counter past 2^32, or with Zeek's bookkeeping on.
#[derive(Clone, Debug, Default)]
pub(crate) struct Extra {
    /// IPv6 addresses, client then server.
    v6: Option<[Ipv6Addr; 2]>,
    /// The high 32 bits of [`Connection::counts`].
    carry: [u32; 6],
    zeek: Option<Box<ZeekConn>>,
}

/// The size of a connection's [`Extra`] block (tests count it).
#[cfg(all(test, feature = "std"))]
pub(crate) const EXTRA_SIZE: usize = core::mem::size_of::<Extra>();

/// One tracked connection: 200 bytes on x86-64 besides its [`Observer`], for
/// IPv4 (see the `per_connection_memory` test; [`Tracker`] has the figures).
#[derive(Clone, Debug)]
pub struct Connection {
    pub(super) analysis: ConnAnalysis,
    observer: Observer,
    stream: u64,
    /// Capture time of the first segment (ns).
    start: u64,
    /// Low 32 bits of the packets, payload bytes and IP bytes sent by the client
    /// (even indices) and the server (odd ones); the high bits in [`Extra`].
    counts: [u32; 6],
    /// IPv4 addresses, client then server (zero for IPv6: in [`Extra`]).
    ips: [u32; 2],
    /// Ports, client then server.
    ports: [u16; 2],
    /// The states each side passed ([`StateSet`] bits), with the table's
    /// [`TAG_CLOSING`] and [`TAG_V6`] bits in the first one's spare high bits.
    states: [u16; 2],
    /// Links of the table's activity lists.
    prev: u32,
    next: u32,
    extra: Option<Box<Extra>>,
}

/// [`Connection::states`]`[0]`: the connection is on the closing list.
const TAG_CLOSING: u16 = 1 << 15;
/// [`Connection::states`]`[0]`: IPv6 (addresses in [`Extra`]).
const TAG_V6: u16 = 1 << 14;
/// [`Connection::states`]: the state bits.
const STATE_BITS: u16 = (1 << 11) - 1;

/// Counter indices in [`Connection::counts`] (plus the side's index).
const PACKETS: usize = 0;
const PAYLOAD: usize = 2;
const IP_BYTES: usize = 4;

impl Connection {
    /// Wireshark's `tcp.stream` index.
    pub fn stream(&self) -> u64 {
        self.stream
    }

    fn is_v6(&self) -> bool {
        self.states[0] & TAG_V6 != 0
    }

    fn addr(&self, i: usize) -> SocketAddr {
        let port = self.ports.get(i).copied().unwrap_or(0);
        match self.extra.as_ref().and_then(|e| e.v6) {
            Some(v6) if self.is_v6() => SocketAddr::new(
                IpAddr::V6(v6.get(i).copied().unwrap_or(Ipv6Addr::UNSPECIFIED)),
                port,
            ),
            _ => SocketAddr::new(
                IpAddr::V4(Ipv4Addr::from(self.ips.get(i).copied().unwrap_or(0))),
                port,
            ),
        }
    }

    /// The client (see [`Tracker`] for the rule).
    pub fn client(&self) -> SocketAddr {
        self.addr(0)
    }

    /// The server.
    pub fn server(&self) -> SocketAddr {
        self.addr(1)
    }

    /// Both sides' states, inferred at the capture point.
    pub fn observer(&self) -> &Observer {
        &self.observer
    }

    /// Zeek's bookkeeping of the connection, when [`TrackerConfig::zeek`] is on.
    pub fn zeek(&self) -> Option<&ZeekConn> {
        self.extra.as_ref().and_then(|e| e.zeek.as_deref())
    }

    /// `side`'s first sequence number as Wireshark counts relative numbers from it
    /// (`base_seq`), once known.
    pub fn base(&self, side: Side) -> Option<SeqNum> {
        self.analysis.base(side.index()).map(SeqNum)
    }

    /// How many unacknowledged segments the analysis remembers for `side`.
    pub fn unacked_segments(&self, side: Side) -> usize {
        self.analysis.unacked(side.index())
    }

    /// Counter `i` of [`Connection::counts`], carry included.
    fn count(&self, i: usize) -> u64 {
        let low = self.counts.get(i).copied().unwrap_or(0);
        let high = self
            .extra
            .as_ref()
            .and_then(|e| e.carry.get(i).copied())
            .unwrap_or(0);
        u64::from(high) << 32 | u64::from(low)
    }

    fn add(&mut self, i: usize, n: u32) {
        let Some(c) = self.counts.get_mut(i) else {
            return;
        };
        let (sum, carry) = c.overflowing_add(n);
        *c = sum;
        if carry {
            if let Some(h) = self.extra.get_or_insert_with(Box::default).carry.get_mut(i) {
                *h = h.wrapping_add(1);
            }
        }
    }

    fn both(&self, i: usize) -> [u64; 2] {
        [self.count(i), self.count(i + 1)]
    }

    fn list(&self) -> u8 {
        if self.states[0] & TAG_CLOSING != 0 {
            CLOSING
        } else {
            LIVE
        }
    }

    /// The summary so far.
    pub fn summary(&self) -> ConnectionSummary {
        ConnectionSummary {
            stream: self.stream,
            client: self.client(),
            server: self.server(),
            start: Duration::from_nanos(self.start),
            last: Duration::from_nanos(self.analysis.last),
            packets: self.both(PACKETS),
            payload_bytes: self.both(PAYLOAD),
            ip_bytes: self.both(IP_BYTES),
            states: self.states.map(|s| StateSet::from_bits(s & STATE_BITS)),
            final_states: [
                self.observer.state(Side::Client),
                self.observer.state(Side::Server),
            ],
            zeek: self.zeek().map(|z| z.summary()),
        }
    }

    /// Whether both sides are closed (CLOSED, TIME_WAIT or back in LISTEN) once a
    /// segment was seen: called after counting one.
    fn is_over(&self) -> bool {
        let over = |s: State| matches!(s, State::Closed | State::TimeWait | State::Listen);
        over(self.observer.state(Side::Client)) && over(self.observer.state(Side::Server))
    }
}

/// What the tracker reads of a segment's options: the window scale and
/// timestamps (the observer's; MSS and SACK-permitted left unset) and the last
/// SACK option's blocks, as many as the array's first `len` entries.
pub(super) fn read_options(raw: &[u8]) -> (SynOptions, [(SeqNum, SeqNum); MAX_SACK_BLOCKS], usize) {
    let mut options = SynOptions::default();
    let mut sack_blocks = None;
    // Linux's layouts are read at once: every segment after the handshake
    // carries NOP, NOP, timestamps (`tcp_parse_aligned_timestamp`), then perhaps
    // NOP, NOP and SACK blocks to the end; so is no option at all. Anything else
    // is walked.
    let walk = match *raw {
        [] => false,
        [
            NOP,
            NOP,
            TIMESTAMPS,
            10,
            a,
            b,
            c,
            d,
            e,
            f,
            g,
            h,
            ref rest @ ..,
        ] => {
            options.timestamps = Some((
                u32::from_be_bytes([a, b, c, d]),
                u32::from_be_bytes([e, f, g, h]),
            ));
            match *rest {
                [] => false,
                [NOP, NOP, SACK, len, ref blocks @ ..] if usize::from(len) == blocks.len() + 2 => {
                    sack_blocks = SackBlocks::from_bytes(blocks);
                    sack_blocks.is_none()
                }
                _ => true,
            }
        }
        _ => true,
    };
    if walk {
        for option in TcpOptionsIter::new(raw).map_while(Result::ok) {
            match option {
                TcpOption::WindowScale(shift) => options.window_scale = Some(shift),
                TcpOption::Timestamps { value, echo_reply } => {
                    options.timestamps = Some((value, echo_reply))
                }
                TcpOption::Sack(blocks) => sack_blocks = Some(blocks),
                _ => {}
            }
        }
    }
    let mut sack = [(SeqNum(0), SeqNum(0)); MAX_SACK_BLOCKS];
    let mut len = 0;
    if let Some(blocks) = sack_blocks {
        for (d, b) in sack.iter_mut().zip(blocks.iter()) {
            *d = b;
        }
        len = blocks.len();
    }
    (options, sack, len)
}

const NIL: u32 = u32::MAX;
const LIVE: u8 = 0;
const CLOSING: u8 = 1;

/// A doubly linked list of slots, least recently active at the head.
#[derive(Clone, Copy, Debug)]
struct List {
    head: u32,
    tail: u32,
}

/// A packet's endpoints, as the table stores and hashes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pair {
    V4 { ips: [u32; 2], ports: [u16; 2] },
    V6 { ips: [Ipv6Addr; 2], ports: [u16; 2] },
}

/// What Zeek's bookkeeping gets of a segment.
enum Delivery<'p> {
    /// A whole header: the packet, read only when Zeek's bookkeeping is on (its
    /// checksum costs a pass over the payload).
    Full(&'p DecodedSegment<'p>),
    /// A cut header: what opens Zeek's connection, if Zeek would open one.
    Cut(Option<ZeekSegment>),
}

impl Pair {
    /// The length of a plain IP header of the pair's family.
    fn ip_header_len(&self) -> u32 {
        match self {
            Pair::V4 { .. } => 20,
            Pair::V6 { .. } => 40,
        }
    }

    /// Source then destination. (An IPv4 address paired with an IPv6 one, which
    /// no decoded packet has, is taken as IPv4-mapped.)
    #[inline]
    fn new(src: SocketAddr, dst: SocketAddr) -> Self {
        match (src, dst) {
            (SocketAddr::V4(a), SocketAddr::V4(b)) => Pair::V4 {
                ips: [u32::from(*a.ip()), u32::from(*b.ip())],
                ports: [a.port(), b.port()],
            },
            (a, b) => Pair::V6 {
                ips: [v6(a.ip()), v6(b.ip())],
                ports: [a.port(), b.port()],
            },
        }
    }

    fn swapped(self) -> Self {
        match self {
            Pair::V4 {
                ips: [a, b],
                ports: [p, q],
            } => Pair::V4 {
                ips: [b, a],
                ports: [q, p],
            },
            Pair::V6 {
                ips: [a, b],
                ports: [p, q],
            } => Pair::V6 {
                ips: [b, a],
                ports: [q, p],
            },
        }
    }

    /// The hash of the unordered pair: both orders give the same.
    #[inline]
    fn hash(&self) -> u64 {
        let mut h = FxHasher::default();
        match *self {
            Pair::V4 { ips, ports } => {
                let a = u64::from(ips[0]) << 16 | u64::from(ports[0]);
                let b = u64::from(ips[1]) << 16 | u64::from(ports[1]);
                let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                h.write_u64(lo);
                h.write_u64(hi);
            }
            Pair::V6 { ips, ports } => {
                let a = (u128::from(ips[0]), ports[0]);
                let b = (u128::from(ips[1]), ports[1]);
                let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                for (ip, port) in [lo, hi] {
                    h.write_u64(ip as u64);
                    h.write_u64((ip >> 64) as u64);
                    h.write_u64(u64::from(port));
                }
            }
        }
        h.finish()
    }
}

fn v6(ip: IpAddr) -> Ipv6Addr {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped(),
        IpAddr::V6(v6) => v6,
    }
}

impl Connection {
    /// The stored endpoints, client then server.
    #[inline]
    fn pair(&self) -> Pair {
        match self.extra.as_ref().and_then(|e| e.v6) {
            Some(ips) if self.is_v6() => Pair::V6 {
                ips,
                ports: self.ports,
            },
            _ => Pair::V4 {
                ips: self.ips,
                ports: self.ports,
            },
        }
    }

    /// Whether `p` (source, destination) is this connection's pair, and if so
    /// whether the source is the client.
    #[inline]
    fn matches(&self, p: &Pair) -> Option<Side> {
        match *p {
            Pair::V4 { ips, ports } if !self.is_v6() => {
                if self.ips == ips && self.ports == ports {
                    Some(Side::Client)
                } else if self.ips == [ips[1], ips[0]] && self.ports == [ports[1], ports[0]] {
                    Some(Side::Server)
                } else {
                    None
                }
            }
            Pair::V6 { .. } if self.is_v6() => {
                let mine = self.pair();
                if mine == *p {
                    Some(Side::Client)
                } else if mine == p.swapped() {
                    Some(Side::Server)
                } else {
                    None
                }
            }
            _ => None,
        }
    }
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
/// A connection costs one slab slot plus 6 bytes of index (a `u32` slot number
/// and hashbrown's control byte, at its 7/8 maximum load) — 334 bytes in all on
/// x86-64 for IPv4, measured by the `per_connection_memory` unit test; the
/// observer is 128 of them, the rest 206. An IPv6 connection costs 80 bytes
/// more: its addresses live in a small heap block (with room for the carries
/// of counters past 2^32, which an IPv4 connection allocates only then). The
/// unacknowledged segments the analysis remembers live on the heap, 24 bytes
/// each, at most [`TrackerConfig::max_unacked_segments`] per direction, after a
/// 24-byte header (how many each direction has, and where they lie); a
/// connection that is over gives that block back once it is empty.
///
/// The analysis keeps the times of each direction's last segment and of its
/// last advance as ages behind the connection's latest time, in 32 bits of
/// nanoseconds: an age of 4.29 s or more counts as "very long ago". Wireshark's
/// tests on them (fast retransmission within 20 ms of the peer's last segment,
/// out of order within the initial RTT of the last advance) give the same
/// answer, except for an initial RTT over 4.29 s or capture time going back
/// more than that.
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
    /// The idle timeout and 2·MSL in ns: how long a connection of the live list
    /// and one of the closing list stay without a segment.
    timeouts: [u64; 2],
    /// No connection expires before this capture time (ns): at most the
    /// earliest deadline of the lists' heads, so most segments skip expiry.
    next_check: u64,
    slots: Vec<Option<Connection>>,
    free: Vec<u32>,
    /// Slot numbers, hashed by their connection's endpoint pair (the key is not
    /// stored twice: the table holds 4 bytes per connection plus a control byte).
    index: HashTable<u32>,
    lists: [List; 2],
    events: VecDeque<TrackEvent>,
    next_stream: u64,
    len: usize,
    /// The slot of the last segment's connection: consecutive segments of one
    /// connection skip the hash lookup.
    recent: u32,
}

/// Nanoseconds of a capture time (saturating).
#[inline]
fn nanos(t: Duration) -> u64 {
    // (Without `as_nanos`'s 128-bit product.)
    t.as_secs()
        .checked_mul(1_000_000_000)
        .and_then(|n| n.checked_add(u64::from(t.subsec_nanos())))
        .unwrap_or(u64::MAX)
}

impl Tracker {
    /// An empty table.
    pub fn new(config: TrackerConfig) -> Self {
        Tracker {
            config,
            timeouts: [
                nanos(config.idle_timeout),
                nanos(config.msl).saturating_mul(2),
            ],
            next_check: u64::MAX,
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
            recent: NIL,
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

    /// How many entries the hash index holds (one per connection held).
    #[cfg(test)]
    pub(crate) fn index_len(&self) -> usize {
        self.index.len()
    }

    /// How many streams have been numbered (the next stream's index).
    pub fn streams(&self) -> u64 {
        self.next_stream
    }

    /// The connection `id` names, if it is still in the table.
    pub fn connection(&self, id: ConnId) -> Option<&Connection> {
        self.conn(id.slot).filter(|c| c.stream == id.stream)
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
            .filter_map(|(i, s)| s.as_ref().map(|c| (c.stream, i as u32)))
            .collect();
        live.sort_unstable();
        for (_, slot) in live {
            if let Some(c) = self.remove(slot) {
                self.events.push_back(TrackEvent::Finished(c.summary()));
            }
        }
    }

    #[inline]
    fn conn(&self, slot: u32) -> Option<&Connection> {
        self.slots.get(slot as usize).and_then(Option::as_ref)
    }

    #[inline]
    fn conn_mut(&mut self, slot: u32) -> Option<&mut Connection> {
        self.slots.get_mut(slot as usize).and_then(Option::as_mut)
    }

    /// When the connection in `slot` expires if nothing more is seen.
    fn deadline(&self, slot: u32) -> u64 {
        self.conn(slot).map_or(u64::MAX, |c| {
            let timeout = self.timeouts.get(usize::from(c.list())).copied();
            c.analysis.last.saturating_add(timeout.unwrap_or(u64::MAX))
        })
    }

    fn unlink(&mut self, slot: u32) {
        let Some(c) = self.conn(slot) else {
            return;
        };
        let (prev, next, list) = (c.prev, c.next, usize::from(c.list()));
        if prev == NIL {
            if let Some(l) = self.lists.get_mut(list) {
                l.head = next;
            }
            // A new head may expire earlier than the old one (capture time can
            // go backwards).
            if next != NIL {
                self.next_check = self.next_check.min(self.deadline(next));
            }
        } else if let Some(p) = self.conn_mut(prev) {
            p.next = next;
        }
        if next == NIL {
            if let Some(l) = self.lists.get_mut(list) {
                l.tail = prev;
            }
        } else if let Some(n) = self.conn_mut(next) {
            n.prev = prev;
        }
        if let Some(c) = self.conn_mut(slot) {
            c.prev = NIL;
            c.next = NIL;
        }
    }

    fn push_tail(&mut self, slot: u32, list: u8) {
        let Some(l) = self.lists.get(usize::from(list)).copied() else {
            return;
        };
        if let Some(c) = self.conn_mut(slot) {
            c.prev = l.tail;
            c.next = NIL;
            if list == CLOSING {
                c.states[0] |= TAG_CLOSING;
            } else {
                c.states[0] &= !TAG_CLOSING;
            }
        }
        if l.tail == NIL {
            if let Some(l) = self.lists.get_mut(usize::from(list)) {
                l.head = slot;
            }
            self.next_check = self.next_check.min(self.deadline(slot));
        } else if let Some(t) = self.conn_mut(l.tail) {
            t.next = slot;
        }
        if let Some(l) = self.lists.get_mut(usize::from(list)) {
            l.tail = slot;
        }
    }

    /// Takes a connection out of the table.
    fn remove(&mut self, slot: u32) -> Option<Connection> {
        self.unlink(slot);
        let conn = self.slots.get_mut(slot as usize)?.take()?;
        self.free.push(slot);
        let hash = conn.pair().hash();
        if let Ok(entry) = self.index.find_entry(hash, |&s| s == slot) {
            entry.remove();
        }
        self.len -= 1;
        Some(conn)
    }

    fn expire(&mut self, now: u64) {
        if now < self.next_check {
            return;
        }
        let mut next_check = u64::MAX;
        for list in [LIVE, CLOSING] {
            let timeout = self
                .timeouts
                .get(usize::from(list))
                .copied()
                .unwrap_or(u64::MAX);
            loop {
                let head = self.lists.get(usize::from(list)).map_or(NIL, |l| l.head);
                let Some(last) = self.conn(head).map(|c| c.analysis.last) else {
                    break;
                };
                if last.saturating_add(timeout) > now {
                    next_check = next_check.min(last.saturating_add(timeout));
                    break;
                }
                if let Some(c) = self.remove(head) {
                    let summary = c.summary();
                    self.events.push_back(if list == LIVE {
                        TrackEvent::Expired(summary)
                    } else {
                        TrackEvent::Closed(summary)
                    });
                }
            }
        }
        self.next_check = next_check;
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

    /// A new connection whose client sent `pair`'s source (`swap`: its
    /// destination).
    fn insert(&mut self, pair: Pair, swap: bool, now: u64) -> u32 {
        self.make_room();
        let pair = if swap { pair.swapped() } else { pair };
        let (ips, ports, tag, v6) = match pair {
            Pair::V4 { ips, ports } => (ips, ports, 0, None),
            Pair::V6 { ips, ports } => ([0; 2], ports, TAG_V6, Some(ips)),
        };
        let zeek = self.config.zeek.then(|| Box::new(ZeekConn::new()));
        let extra = (v6.is_some() || zeek.is_some()).then(|| {
            Box::new(Extra {
                v6,
                carry: [0; 6],
                zeek,
            })
        });
        let conn = Connection {
            analysis: ConnAnalysis::new(now),
            observer: Observer::new().with_msl(self.config.msl),
            stream: self.next_stream,
            start: now,
            counts: [0; 6],
            ips,
            ports,
            states: [tag, 0],
            prev: NIL,
            next: NIL,
            extra,
        };
        self.next_stream += 1;
        let slot = match self.free.pop() {
            Some(i) => {
                if let Some(s) = self.slots.get_mut(i as usize) {
                    *s = Some(conn);
                }
                i
            }
            None => {
                self.slots.push(Some(conn));
                (self.slots.len() - 1) as u32
            }
        };
        let slots = &self.slots;
        self.index.insert_unique(pair.hash(), slot, |&s| {
            slots
                .get(s as usize)
                .and_then(Option::as_ref)
                .map_or(0, |c| c.pair().hash())
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
        let header = &packet.header;
        let (options, sack, sack_len) = read_options(header.options_slice());
        let segment = Segment {
            seq: header.sequence_number(),
            ack: header.acknowledgment_number(),
            payload_len: packet.payload_len,
            flags: header.flags(),
            window: header.window_size(),
            urgent: header.urgent_pointer(),
            options,
        };
        let pair = Pair::new(packet.source(), packet.destination());
        let ip_len = pair.ip_header_len() + header.header_len() as u32 + packet.payload_len;
        let zeek = Delivery::Full(packet);
        self.track_segment(
            frame,
            time,
            pair,
            &segment,
            sack.get(..sack_len).unwrap_or(&[]),
            ip_len,
            zeek,
        )
    }

    /// Tracks a frame whose TCP header the snapshot length cut
    /// ([`DecodeError::TcpCut`](crate::wire::DecodeError::TcpCut)) the way
    /// tshark 4.0 does: `Some` with the stream, side, relative numbers,
    /// `tcp.len` and `tcp.nxtseq` of the segment, or `None` where tshark
    /// assigns no stream (the tracker left untouched) or no length (below).
    ///
    /// Wireshark's `dissect_tcp()` (epan/dissectors/packet-tcp.c) reads the
    /// ports, sequence and acknowledgment numbers, data offset, flags and window
    /// (the first 16 bytes) before it looks up the conversation; a missing byte
    /// throws and the frame gets no `tcp.stream`. So: `None` unless `cut` holds
    /// `seq`, `ack`, `flags`, `header_len` and `window`. Then, as for a whole
    /// header, a SYN with a new ISN reuses the ports and the stream is assigned.
    /// `tcp.len` is the IP-declared TCP length less the header length
    /// (`reported_len - th_hlen`, [`CutTcp::declared_len`]); when the IP
    /// length is shorter than the header (`reported_len < th_hlen`, "Short
    /// segment") tshark gives the frame its stream but no length, no relative
    /// numbers and no sequence analysis: this method then opens the connection
    /// if it is new (so that later streams are numbered as tshark numbers
    /// them; port reuse is not checked) and returns `None`, there being no
    /// length to report.
    ///
    /// `tcp_analyze_sequence_number()` runs on the segment (so later segments
    /// are analysed as tshark does, and the window is scaled as for a whole
    /// header), but the options are not read: a cut SYN's window scale is not
    /// learnt and `verify_tcp_window_scaling()`, which follows the options,
    /// does not run, so the scale stays as it was. The analysis is printed by
    /// `tcp_print_sequence_number_analysis()` only after the options and the
    /// checksum (bytes 16 to 18), where the cut header throws: the returned
    /// [`TrackedSegment::analysis`] is empty (no flags, RTT or bytes in
    /// flight), though the state behind it moved.
    ///
    /// The observer sees the segment without options. The connection's packet
    /// and byte counters ([`Connection::summary`]) leave it out: tshark queues
    /// its `tcp` tap (conversation table, TCP flow graph) after the options,
    /// which a cut header never reaches, and Zeek drops the packet. Zeek's
    /// bookkeeping (on with [`TrackerConfig::zeek`]) is started by the frame,
    /// as Zeek opens a connection when 20 TCP bytes were captured and
    /// declared, but counts nothing of the packet (no packet, byte or history
    /// letter; see [`ZeekConn::on_cut_header`]).
    ///
    /// Not modelled: with a data offset below 5 words (possible only when
    /// fewer than 20 bytes were captured) tshark prints `tcp.len` but no
    /// `tcp.nxtseq`; this method reports both.
    pub fn track_cut(
        &mut self,
        frame: u64,
        time: Duration,
        cut: &CutTcp,
    ) -> Option<TrackedSegment> {
        let (Some(seq), Some(ack), Some(flags), Some(header_len), Some(window)) =
            (cut.seq, cut.ack, cut.flags, cut.header_len, cut.window)
        else {
            return None;
        };
        let pair = Pair::new(cut.source, cut.destination);
        let Some(payload_len) = cut.declared_len.checked_sub(header_len) else {
            // "Short segment": the stream only.
            let now = nanos(time);
            self.expire(now);
            if self.find(&pair).is_none() {
                let syn_ack = flags.contains(TcpFlags::SYN | TcpFlags::ACK);
                self.insert(pair, syn_ack, now);
            }
            return None;
        };
        let payload_len = u32::try_from(payload_len).unwrap_or(u32::MAX);
        let segment = Segment {
            seq,
            ack,
            payload_len,
            flags,
            window,
            urgent: 0,
            options: SynOptions::default(),
        };
        let ip_len = pair
            .ip_header_len()
            .saturating_add(u32::try_from(cut.declared_len).unwrap_or(u32::MAX));
        let zeek = Delivery::Cut(ZeekSegment::from_cut(cut, ip_len));
        Some(self.track_segment(frame, time, pair, &segment, &[], ip_len, zeek))
    }

    /// The slot of `pair`'s connection and the side of `pair`'s source, the last
    /// connection tracked tried first (consecutive segments of one connection skip
    /// the hash lookup).
    #[inline(always)]
    fn find(&self, pair: &Pair) -> Option<(u32, Side)> {
        let side_of = |s: u32| {
            self.slots
                .get(s as usize)
                .and_then(Option::as_ref)
                .and_then(|c| c.matches(pair))
        };
        if let Some(side) = side_of(self.recent) {
            return Some((self.recent, side));
        }
        let mut side = None;
        let slot = *self.index.find(pair.hash(), |&s| {
            side = side_of(s);
            side.is_some()
        })?;
        Some((slot, side?))
    }

    /// The common part of [`Tracker::track`] and [`Tracker::track_cut`]: the
    /// segment's connection found or made, and everything updated. `ip_len` is
    /// the IP datagram's declared length.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn track_segment(
        &mut self,
        frame: u64,
        time: Duration,
        pair: Pair,
        segment: &Segment,
        sack: &[(SeqNum, SeqNum)],
        ip_len: u32,
        zeek: Delivery<'_>,
    ) -> TrackedSegment {
        let now = nanos(time);
        self.expire(now);
        let cut = !matches!(zeek, Delivery::Full(_));
        let flags = segment.flags;
        let bare_syn = flags.contains(TcpFlags::SYN) && !flags.contains(TcpFlags::ACK);
        let syn_ack = flags.contains(TcpFlags::SYN | TcpFlags::ACK);
        // The side the segment's sender is on, found with the connection.
        let (found, side) = match self.find(&pair) {
            Some((slot, side)) => (Some(slot), Some(side)),
            None => (None, None),
        };
        let mut reused = false;
        let mut new_conn = found.is_none();
        let slot = match found {
            Some(slot) => {
                // A SYN (or SYN,ACK) with another ISN than its sender's known base.
                let new_isn = (bare_syn || syn_ack)
                    && self.conn(slot).is_some_and(|c| {
                        let dir = c.matches(&pair).map_or(0, Side::index);
                        c.analysis.base(dir).is_some_and(|b| b != segment.seq.0)
                    });
                // A bare SYN starts a new stream; such a SYN,ACK is flagged as port
                // reuse in the same stream (tshark 4.0.17).
                reused = new_isn;
                if new_isn && bare_syn {
                    if let Some(old) = self.remove(slot) {
                        self.events.push_back(TrackEvent::Replaced(old.summary()));
                    }
                    new_conn = true;
                    self.insert(pair, false, now)
                } else {
                    slot
                }
            }
            None => self.insert(pair, syn_ack, now),
        };

        let max_unacked = self.config.max_unacked_segments;
        self.recent = slot;
        let Some(conn) = self.conn_mut(slot) else {
            // Unreachable: the slot was just looked up or filled.
            return TrackedSegment {
                conn: ConnId { slot, stream: 0 },
                stream: 0,
                side: Side::Client,
                seq: 0,
                offset: None,
                ack: None,
                next_seq: 0,
                len: segment.payload_len,
                window: segment.window,
                window_scaled: None,
                observation: Observer::new().on_segment(Side::Client, segment, time),
                analysis: Analysis::default(),
            };
        };
        let side = match side {
            Some(side) if !new_conn => side,
            _ => conn.matches(&pair).unwrap_or(Side::Client),
        };
        let dir = side.index();
        let observation = conn.observer.on_segment(side, segment, time);
        let info = SegInfo {
            frame,
            time: now,
            seq: segment.seq.0,
            ack: segment.ack.0,
            len: segment.payload_len,
            flags,
            window: segment.window,
            window_scale: segment.options.window_scale,
            sack,
            max_unacked,
        };
        // A cut header's options were not read: the scales stay as they were
        // (no `verify_tcp_window_scaling()`), and tshark prints no analysis.
        let scales = cut.then(|| conn.analysis.flows.each_ref().map(|f| f.win_scale));
        let (numbers, mut analysis) = conn.analysis.on_segment(dir, &info);
        if let Some(scales) = scales {
            for (f, scale) in conn.analysis.flows.iter_mut().zip(scales) {
                f.win_scale = scale;
            }
            analysis = Analysis::default();
        } else if reused {
            analysis.flags |= AnalysisFlags::REUSED_PORTS;
        }
        if let Some(z) = conn.extra.as_mut().and_then(|e| e.zeek.as_mut()) {
            match &zeek {
                Delivery::Full(packet) => z.on_segment(
                    side == Side::Client,
                    &ZeekSegment::new(packet, ip_len),
                    time,
                    &ZeekConfig::DEFAULT,
                ),
                Delivery::Cut(Some(seg)) => {
                    z.on_cut_header(side == Side::Client, seg, time, &ZeekConfig::DEFAULT)
                }
                Delivery::Cut(None) => {}
            }
        }
        // A cut header reaches neither tshark's `tcp` tap (queued after the
        // options) nor Zeek's counters: it is not counted.
        if !cut {
            conn.add(PACKETS + dir, 1);
            conn.add(PAYLOAD + dir, segment.payload_len);
            conn.add(IP_BYTES + dir, ip_len);
        }
        let mut states = [StateSet::default(); 2];
        for t in observation.transitions.iter() {
            if let Some(s) = states.get_mut(t.side.index()) {
                s.insert(t.from);
                s.insert(t.to);
            }
        }
        for sd in Side::BOTH {
            if let Some(s) = states.get_mut(sd.index()) {
                s.insert(observation.state(sd));
            }
        }
        conn.states[0] |= states[0].bits();
        conn.states[1] |= states[1].bits();
        let stream = conn.stream;
        let list = if conn.is_over() {
            // A connection over holds no memory for an empty list.
            conn.analysis.release_unacked();
            CLOSING
        } else {
            LIVE
        };
        let at_tail = self
            .lists
            .get(usize::from(list))
            .is_some_and(|l| l.tail == slot);
        if !at_tail {
            self.unlink(slot);
            self.push_tail(slot, list);
        }

        TrackedSegment {
            conn: ConnId { slot, stream },
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
