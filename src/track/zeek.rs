//! Zeek's summary of a TCP connection: the `conn_state`, `history`, sizes and
//! durations that Zeek writes to `conn.log`, computed the way Zeek computes them.
//!
//! Zeek keeps, per connection, two endpoint records whose states
//! ([`EndpointState`]) follow a small state machine of their own (not RFC 9293's),
//! a `history` string of one letter per notable packet ([`History`]), byte counts
//! taken from the sequence space rather than from the payloads, and a handful of
//! timers that end a connection early (an unanswered SYN after 5 s, a closed
//! connection 5 s after its last packet, an idle one after 1 or 5 minutes). This
//! module reproduces those rules packet by packet, allocation-free, in
//! [`ZeekConn`]. The facts come from Zeek's sources (commit `a13de64f`):
//! `scripts/base/protocols/conn/main.zeek` (`conn_state`),
//! `src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc` (`Process`,
//! `update_history`, the `Update*State` functions, the timers, `IsReuse`),
//! `src/packet_analysis/protocol/tcp/TCP.cc` (`WantConnection`, checksums),
//! `src/analyzer/protocol/tcp/TCP_Endpoint.cc` (`Size`, `CheckHistory`) and
//! `src/analyzer/protocol/tcp/TCP_Reassembler.cc` and `src/Reassem.cc` (content
//! gaps, the reassembly limits).
//!
//! # Originator and responder
//!
//! Zeek's originator is not always tshark's client:
//!
//! 1. A connection that starts with a SYN without ACK: its sender is the
//!    originator.
//! 2. A connection that starts with anything else (mid-stream traffic or a
//!    SYN+ACK): the sender of the first packet is the originator, unless its
//!    source port is a *likely server port* ([`ZeekConfig::likely_server_port`]).
//!    Then the roles are flipped at once when the destination port is not a likely
//!    server port, or when both are, the packet is not a SYN+ACK and the source port
//!    is the smaller one. A flip writes `^` into the history.
//! 3. If the history is exactly `H` (a SYN+ACK, not flipped by rule 2) when the
//!    first pure ACK or data packet arrives from either side, Zeek decides the
//!    SYN+ACK was a real handshake answer: it flips the roles and rewrites the
//!    history to `^h`.
//! 4. A SYN without ACK as the responder's first packet, when the originator's
//!    first packet was a SYN+ACK, is taken for a handshake captured in reverse
//!    order (two capture interfaces): the roles are flipped (`^`) and both
//!    endpoints are established.
//!
//! # Example
//!
//! ```
//! use core::time::Duration;
//! use synack::track::zeek::{ConnState, ZeekConfig, ZeekConn, ZeekSegment};
//! use synack::{flags::TcpFlags, seq::SeqNum};
//!
//! let seg = |flags, seq: u32, ack: u32, len: u32, sport, dport| ZeekSegment {
//!     flags, seq: SeqNum(seq), ack: SeqNum(ack), payload_len: len, window: 1000,
//!     ip_len: 40 + len, checksum_ok: true, payload_captured: true, source_port: sport, destination_port: dport,
//! };
//! let config = ZeekConfig::default();
//! let t = Duration::from_secs;
//! let syn = seg(TcpFlags::SYN, 100, 0, 0, 40000, 80);
//! let mut conn = ZeekConn::new();
//! conn.on_segment(true, &syn, t(1), &config);
//! conn.on_segment(false, &seg(TcpFlags::SYN | TcpFlags::ACK, 500, 101, 0, 80, 40000), t(1), &config);
//! conn.on_segment(true, &seg(TcpFlags::ACK, 101, 501, 0, 40000, 80), t(1), &config);
//! conn.on_segment(true, &seg(TcpFlags::ACK | TcpFlags::PSH, 101, 501, 10, 40000, 80), t(2), &config);
//! conn.on_segment(false, &seg(TcpFlags::ACK | TcpFlags::FIN, 501, 111, 0, 80, 40000), t(3), &config);
//! conn.on_segment(true, &seg(TcpFlags::ACK | TcpFlags::FIN, 111, 502, 0, 40000, 80), t(3), &config);
//! let summary = conn.summary();
//! assert_eq!(summary.conn_state, ConnState::SF);
//! assert_eq!(summary.history.as_str(), "ShADfF");
//! assert_eq!((summary.orig_bytes, summary.resp_bytes), (10, 0));
//! assert_eq!(summary.duration, Duration::from_secs(2));
//! ```

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use core::fmt;
use core::net::SocketAddr;
use core::ops::Range;
use core::time::Duration;

use super::RangeSet;
use crate::flags::TcpFlags;
use crate::seq::SeqNum;
use crate::wire::CutTcp;

/// Zeek's `conn_state` of a TCP connection, with the meanings Zeek documents
/// (`scripts/base/protocols/conn/main.zeek`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum ConnState {
    /// Connection attempt seen, no reply.
    S0,
    /// Connection established, not terminated.
    S1,
    /// Normal establishment and termination.
    SF,
    /// Connection attempt rejected.
    REJ,
    /// Connection established and close attempt by originator seen (but no reply from responder).
    S2,
    /// Connection established and close attempt by responder seen (but no reply from originator).
    S3,
    /// Connection established, originator aborted (sent a RST).
    RSTO,
    /// Responder sent a RST.
    RSTR,
    /// Originator sent a SYN followed by a RST, we never saw a SYN-ACK from the responder.
    RSTOS0,
    /// Responder sent a SYN ACK followed by a RST, we never saw a SYN from the (purported) originator.
    RSTRH,
    /// Originator sent a SYN followed by a FIN, we never saw a SYN ACK from the responder (hence the connection was "half" open).
    SH,
    /// Responder sent a SYN ACK followed by a FIN, we never saw a SYN from the originator.
    SHR,
    /// No SYN seen, just midstream traffic (one example of this is a "partial connection" that was not later closed).
    OTH,
}

impl ConnState {
    /// Every state, in Zeek's documentation order.
    pub const ALL: [ConnState; 13] = [
        ConnState::S0,
        ConnState::S1,
        ConnState::SF,
        ConnState::REJ,
        ConnState::S2,
        ConnState::S3,
        ConnState::RSTO,
        ConnState::RSTR,
        ConnState::RSTOS0,
        ConnState::RSTRH,
        ConnState::SH,
        ConnState::SHR,
        ConnState::OTH,
    ];

    /// The name as Zeek writes it (`"S0"`, `"RSTOS0"`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            ConnState::S0 => "S0",
            ConnState::S1 => "S1",
            ConnState::SF => "SF",
            ConnState::REJ => "REJ",
            ConnState::S2 => "S2",
            ConnState::S3 => "S3",
            ConnState::RSTO => "RSTO",
            ConnState::RSTR => "RSTR",
            ConnState::RSTOS0 => "RSTOS0",
            ConnState::RSTRH => "RSTRH",
            ConnState::SH => "SH",
            ConnState::SHR => "SHR",
            ConnState::OTH => "OTH",
        }
    }

    /// The state named `name` as Zeek writes it, if there is one.
    pub fn from_name(name: &str) -> Option<ConnState> {
        ConnState::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for ConnState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The state of one endpoint in Zeek's TCP analyzer (`TCP_ENDPOINT_*` in
/// `TCP_Endpoint.h`). Not RFC 9293's states: Zeek only records what it saw the
/// endpoint send.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum EndpointState {
    /// Nothing seen from this endpoint yet.
    #[default]
    Inactive,
    /// It sent a SYN without ACK.
    SynSent,
    /// It sent a SYN+ACK as the first packet of the connection.
    SynAckSent,
    /// It sent data or an ACK without a SYN first (a partial connection).
    Partial,
    /// The handshake completed as far as this endpoint is concerned.
    Established,
    /// It sent a FIN.
    Closed,
    /// It sent a RST.
    Reset,
}

impl EndpointState {
    /// A state of the handshake (`is_handshake` in `TCP_Endpoint.cc`).
    const fn is_handshake(self) -> bool {
        matches!(
            self,
            EndpointState::Inactive | EndpointState::SynSent | EndpointState::SynAckSent
        )
    }

    /// Zeek's `o_inactive`/`r_inactive` in `conn_state`: nothing but partial traffic.
    const fn is_inactive_or_partial(self) -> bool {
        matches!(self, EndpointState::Inactive | EndpointState::Partial)
    }
}

/// How many letters a [`History`] holds; Zeek's own string is unbounded, but
/// only repeated FINs, SYNs or RSTs with new sequence numbers make it long (the
/// repeated letters `C T W G` are logarithmic, the others appear once).
pub const HISTORY_CAPACITY: usize = 24;

/// Zeek's `history` string: one letter per notable event, upper case for the
/// originator and lower case for the responder.
///
/// | letter | meaning |
/// |---|---|
/// | `S` | a SYN without ACK |
/// | `H` | a SYN+ACK ("handshake") |
/// | `A` | a pure ACK (first one only) |
/// | `D` | a packet with payload (first one only) |
/// | `F` | a FIN (again when the FIN's sequence number changes) |
/// | `R` | a RST (again when the RST's sequence number changes) |
/// | `C` | a bad checksum (1st, 10th, 100th, …) |
/// | `T` | retransmitted payload (1st, 10th, 100th, …) |
/// | `W` | a zero window (1st, 10th, 100th, …) |
/// | `G` | a content gap (1st, 10th, 100th, …) |
/// | `I` | a packet with FIN and RST |
/// | `Q` | a packet with SYN and FIN or RST |
/// | `^` | the roles were flipped (see the [module docs](self)) |
///
/// A history longer than [`HISTORY_CAPACITY`] keeps its first letters and
/// reports [`History::is_truncated`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct History {
    letters: [u8; HISTORY_CAPACITY],
    len: u8,
    truncated: bool,
}

impl Default for History {
    fn default() -> Self {
        History::new()
    }
}

impl History {
    /// An empty history.
    pub const fn new() -> Self {
        History {
            letters: [0; HISTORY_CAPACITY],
            len: 0,
            truncated: false,
        }
    }

    /// The letters, as Zeek writes them.
    pub fn as_str(&self) -> &str {
        let letters = self.letters.get(..usize::from(self.len)).unwrap_or(&[]);
        // Only ASCII letters are ever pushed.
        core::str::from_utf8(letters).unwrap_or("")
    }

    /// Whether no letter was written.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether letters were dropped because the history was full.
    pub const fn is_truncated(&self) -> bool {
        self.truncated
    }

    fn push(&mut self, letter: u8) {
        match self.letters.get_mut(usize::from(self.len)) {
            Some(slot) => {
                *slot = letter;
                self.len += 1;
            }
            None => self.truncated = true,
        }
    }

    fn replace(&mut self, text: &[u8]) {
        *self = History::new();
        for &b in text {
            self.push(b);
        }
    }
}

impl fmt::Display for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "History({:?})", self.as_str())
    }
}

/// What Zeek needs to know about one TCP segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZeekSegment {
    /// The control bits.
    pub flags: TcpFlags,
    /// The sequence number.
    pub seq: SeqNum,
    /// The acknowledgment number (read only when ACK is set).
    pub ack: SeqNum,
    /// The payload length the IP header declares (Wireshark's `tcp.len`).
    pub payload_len: u32,
    /// The raw window field.
    pub window: u16,
    /// The IP packet's total length (IPv4 total length; IPv6 payload length + 40),
    /// what Zeek adds to `orig_ip_bytes` / `resp_ip_bytes`.
    pub ip_len: u32,
    /// Whether the TCP checksum is right or could not be checked (a truncated
    /// segment). A bad one makes Zeek drop the packet unless run with `-C`.
    pub checksum_ok: bool,
    /// Whether the whole payload was captured. Zeek's reassembler only takes
    /// whole payloads (`TCP_Endpoint::DataSent`: `caplen >= len`); the bytes of
    /// a cut one count as missed when acknowledged.
    pub payload_captured: bool,
    /// The source port.
    pub source_port: u16,
    /// The destination port.
    pub destination_port: u16,
}

impl ZeekSegment {
    /// What Zeek reads of a frame whose TCP header the snapshot length cut
    /// ([`CutTcp`]), given the IP datagram's declared length `ip_len`, or
    /// `None` where Zeek opens no connection for it: `TCPAnalyzer` (in
    /// `src/packet_analysis/protocol/tcp/TCP.cc`) wants the 20 bytes of a
    /// `struct tcphdr` both declared by the IP header ("truncated_header"
    /// otherwise) and captured ("internally_truncated_header"). The payload is
    /// not captured; see [`ZeekConn::on_cut_header`] for what Zeek does with
    /// the rest.
    pub fn from_cut(cut: &CutTcp, ip_len: u32) -> Option<Self> {
        const TCPHDR: usize = 20;
        if cut.captured < TCPHDR || cut.declared_len < TCPHDR {
            return None;
        }
        let payload_len = cut.declared_len.saturating_sub(cut.header_len?);
        Some(ZeekSegment {
            flags: cut.flags?,
            seq: cut.seq?,
            ack: cut.ack?,
            payload_len: u32::try_from(payload_len).unwrap_or(u32::MAX),
            window: cut.window?,
            ip_len,
            checksum_ok: true,
            payload_captured: false,
            source_port: cut.source.port(),
            destination_port: cut.destination.port(),
        })
    }

    /// The segment of a decoded packet whose IP total length the caller knows
    /// (`ip_len`); the payload length is the packet's, and a checksum is only
    /// held against it when the whole segment was captured.
    pub fn new(packet: &crate::wire::DecodedSegment<'_>, ip_len: u32) -> Self {
        use crate::wire::ChecksumStatus;
        let header = &packet.header;
        ZeekSegment {
            flags: header.flags(),
            seq: header.sequence_number(),
            ack: header.acknowledgment_number(),
            payload_len: packet.payload_len,
            window: header.window_size(),
            ip_len,
            checksum_ok: !matches!(packet.verify_checksum(), ChecksumStatus::Bad)
                || packet.is_truncated(),
            payload_captured: !packet.is_truncated(),
            source_port: packet.source().port(),
            destination_port: packet.destination().port(),
        }
    }

    /// The segment of a decoded packet; `frame` is the captured frame it came
    /// from, read again for the IP header's own length fields, which Zeek uses
    /// as they are: the payload length is the IP-declared one, and a segment
    /// whose IP length runs past the captured bytes is not checksum-checked.
    pub fn from_packet(packet: &crate::wire::DecodedSegment<'_>, frame: &[u8]) -> Self {
        use crate::wire::ChecksumStatus;
        let header = &packet.header;
        let tcp_header_len = header.header_len() as u32;
        let ip = ip_lengths(packet, frame);
        let (ip_len, payload_len, cut) = match ip {
            Some((ip_header_len, total, captured)) => (
                total,
                total
                    .saturating_sub(ip_header_len)
                    .saturating_sub(tcp_header_len),
                total > captured,
            ),
            None => (
                20 + tcp_header_len + packet.payload_len,
                packet.payload_len,
                false,
            ),
        };
        ZeekSegment {
            flags: header.flags(),
            seq: header.sequence_number(),
            ack: header.acknowledgment_number(),
            payload_len,
            window: header.window_size(),
            ip_len,
            // Zeek checks only segments captured whole (`caplen >= len`).
            checksum_ok: !matches!(packet.verify_checksum(), ChecksumStatus::Bad)
                || packet.is_truncated()
                || cut,
            payload_captured: !packet.is_truncated() && !cut,
            source_port: packet.source().port(),
            destination_port: packet.destination().port(),
        }
    }
}

/// The innermost IP header before the TCP header at `packet.offset`: its length,
/// the total length it declares (IPv6: payload length + 40, as Zeek counts it)
/// and the bytes captured from its start. Found by looking back from the TCP
/// header for a version byte whose length fields agree.
fn ip_lengths(packet: &crate::wire::DecodedSegment<'_>, frame: &[u8]) -> Option<(u32, u32, u32)> {
    let be16 = |at: usize| match frame.get(at..at + 2) {
        Some(&[hi, lo]) => Some(u32::from(u16::from_be_bytes([hi, lo]))),
        _ => None,
    };
    // What the decoder found within the enclosing lengths (a PPPoE or UDP length
    // may end the packet before the IP length does).
    let captured = |back: usize| {
        (back + packet.header.header_len() + packet.payload.len()).min(u32::MAX as usize) as u32
    };
    if packet.source().is_ipv6() {
        let mut back = 40;
        while back <= packet.offset.min(400) {
            let start = packet.offset - back;
            if frame.get(start).is_some_and(|b| b >> 4 == 6) && frame.get(start + 6).is_some() {
                if let Some(plen) = be16(start + 4) {
                    let captured = captured(back);
                    let total = plen + 40;
                    if total >= back as u32 + packet.header.header_len() as u32 {
                        return Some((back as u32, total, captured));
                    }
                }
            }
            back += 8;
        }
        return None;
    }
    for ihl in 5..=15usize {
        let back = ihl * 4;
        let start = packet.offset.checked_sub(back)?;
        if frame.get(start) == Some(&(0x40 | ihl as u8)) && frame.get(start + 9) == Some(&6) {
            let total = be16(start + 2)?;
            if total == 0 {
                // Segmentation offload: Zeek takes the captured length then.
                return None;
            }
            let captured = captured(back);
            return Some((back as u32, total, captured));
        }
    }
    None
}

/// Zeek's TCP timers (`scripts/base/init-bare.zeek`), in seconds of capture time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZeekTimeouts {
    /// `tcp_attempt_delay` (5 s): an originator's SYN unanswered this long ends the connection.
    pub attempt_delay: Duration,
    /// `tcp_SYN_timeout` (5 s): when the first expiry check runs.
    pub syn_timeout: Duration,
    /// `tcp_session_timer` (6 s): the period of the expiry checks.
    pub session_timer: Duration,
    /// `tcp_connection_linger` (5 s): idle time after which a half-closed or reset connection expires.
    pub connection_linger: Duration,
    /// `tcp_close_delay` (5 s): a closed connection is removed this long after its last packet.
    pub close_delay: Duration,
    /// `udp_inactivity_timeout` (1 min): the idle timeout while both sides are in the handshake.
    pub handshake_inactivity: Duration,
    /// `tcp_inactivity_timeout` (5 min): the idle timeout once past the handshake.
    pub inactivity: Duration,
}

impl Default for ZeekTimeouts {
    fn default() -> Self {
        ZeekTimeouts::DEFAULT
    }
}

impl ZeekTimeouts {
    /// Zeek's default values.
    pub const DEFAULT: ZeekTimeouts = ZeekTimeouts {
        attempt_delay: Duration::from_secs(5),
        syn_timeout: Duration::from_secs(5),
        session_timer: Duration::from_secs(6),
        connection_linger: Duration::from_secs(5),
        close_delay: Duration::from_secs(5),
        handshake_inactivity: Duration::from_secs(60),
        inactivity: Duration::from_secs(300),
    };
}

/// The ports Zeek's default scripts register for their analyzers, which Zeek
/// adds to `likely_server_ports` (the heuristic that picks the originator of a
/// connection seen without its SYN).
pub const ZEEK_LIKELY_SERVER_PORTS: &[u16] = &[
    21, 22, 23, 25, 53, 80, 81, 88, 110, 111, 135, 137, 139, 143, 389, 443, 445, 502, 563, 587,
    593, 631, 636, 989, 990, 992, 993, 994, 995, 1080, 1194, 1433, 1521, 1812, 2049, 2811, 3128,
    3306, 3389, 5060, 5061, 5222, 5223, 5269, 5432, 5672, 6379, 6666, 6667, 6668, 6669, 8000, 8080,
    8443, 8888, 9042, 11211, 20000, 27017,
];

fn default_likely_server_port(port: u16) -> bool {
    ZEEK_LIKELY_SERVER_PORTS.contains(&port)
}

/// How Zeek runs: checksum checking and timers.
#[derive(Clone, Copy, Debug)]
pub struct ZeekConfig {
    /// Zeek's `-C` (`ignore_checksums`): keep packets with bad TCP checksums.
    /// Off by default, as in Zeek: such packets only add `C`/`c` to the history.
    pub ignore_checksums: bool,
    /// The timers.
    pub timeouts: ZeekTimeouts,
    /// `likely_server_ports`; by default [`ZEEK_LIKELY_SERVER_PORTS`].
    pub likely_server_port: fn(u16) -> bool,
    /// `tcp_max_initial_window` (16 384): when data fills the leading hole while
    /// none of the side's data is acknowledged and its size exceeds this, what
    /// was delivered is forgotten (`TCP_Reassembler::BlockInserted`); 0 turns
    /// it off.
    pub max_initial_window: u64,
    /// `tcp_max_above_hole_without_any_acks` (16 384): with none of the side's
    /// data acknowledged, a span from the hole to the end of the highest block
    /// above it longer than this stops the side's reassembly, and with it the
    /// side's gap count (`NumUndeliveredBytes`); 0 turns it off.
    pub max_above_hole_without_any_acks: u64,
    /// `tcp_excessive_data_without_further_acks` (10 MiB): more bytes held
    /// (delivered but unacknowledged, plus those above a hole) stops the side's
    /// reassembly; 0 turns the check off.
    pub excessive_data_without_further_acks: u64,
}

impl Default for ZeekConfig {
    fn default() -> Self {
        ZeekConfig::DEFAULT
    }
}

impl ZeekConfig {
    /// Zeek's defaults: checksums checked, default timers and likely server ports.
    pub const DEFAULT: ZeekConfig = ZeekConfig {
        ignore_checksums: false,
        timeouts: ZeekTimeouts::DEFAULT,
        likely_server_port: default_likely_server_port,
        max_initial_window: 16384,
        max_above_hole_without_any_acks: 16384,
        excessive_data_without_further_acks: 10 * 1024 * 1024,
    };
}

/// The `conn.log` fields of one connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZeekSummary {
    /// `conn_state`.
    pub conn_state: ConnState,
    /// `history`.
    pub history: History,
    /// Whether the originator is endpoint A of [`ZeekConn::on_segment`].
    pub orig_is_a: bool,
    /// `orig_pkts`: packets from the originator (bad checksums excluded unless `-C`).
    pub orig_pkts: u64,
    /// `resp_pkts`.
    pub resp_pkts: u64,
    /// `orig_bytes`: the originator's sequence-space extent (highest sequence
    /// number seen or acknowledged, minus the initial one, SYN and FIN excluded),
    /// not a sum of payloads: lost or uncaptured data counts, retransmissions do not.
    pub orig_bytes: u64,
    /// `resp_bytes`.
    pub resp_bytes: u64,
    /// `orig_ip_bytes`: IP total lengths summed.
    pub orig_ip_bytes: u64,
    /// `resp_ip_bytes`.
    pub resp_ip_bytes: u64,
    /// `missed_bytes`: bytes acknowledged but never seen (content gaps).
    pub missed_bytes: u64,
    /// `duration`: first packet to last "productive" packet (packets after both
    /// sides closed do not extend it). Zeek leaves `duration`, `orig_bytes` and
    /// `resp_bytes` unset (`-`) when it is zero.
    pub duration: Duration,
    /// The capture time of the first packet (`ts`).
    pub start: Duration,
    /// The originator's endpoint state.
    pub orig_state: EndpointState,
    /// The responder's endpoint state.
    pub resp_state: EndpointState,
}

impl ZeekSummary {
    /// Whether Zeek writes `duration`, `orig_bytes` and `resp_bytes` (it does
    /// when the duration is above zero).
    pub fn has_duration(&self) -> bool {
        !self.duration.is_zero()
    }
}

/// Why Zeek would have removed a connection before the next packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ZeekRemoval {
    /// `AttemptTimer`: a SYN with no answer for `tcp_attempt_delay`.
    Attempt,
    /// `ExpireTimer`: closed or reset on one side and idle for `tcp_connection_linger`.
    Expire,
    /// `ConnDeleteTimer`: closed, `tcp_close_delay` after the last packet.
    Closed,
    /// The session's inactivity timeout.
    Inactivity,
}

// History mask bits (`TCP_Endpoint::HIST_*`), responder's shifted by 16.
const HIST_SYN_PKT: u32 = 0x1;
const HIST_FIN_PKT: u32 = 0x2;
const HIST_RST_PKT: u32 = 0x4;
const HIST_FIN_RST_PKT: u32 = 0x8;
const HIST_DATA_PKT: u32 = 0x10;
const HIST_ACK_PKT: u32 = 0x20;
const HIST_MULTI_FLAG_PKT: u32 = 0x40;

const TOO_LARGE_SEQ_DELTA: i32 = 1_048_576;

/// Zeek's logarithmic history counter (`Session::ScaledHistoryEntry` with
/// base 10): true on the 1st, 10th, 100th, … call, i.e. when the count reaches
/// a power of ten.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Scaled(u32);

impl Scaled {
    const NEW: Scaled = Scaled(0);

    fn hit(&mut self) -> bool {
        if self.0 == u32::MAX {
            return false;
        }
        self.0 += 1;
        let mut p = 1u32;
        while p < self.0 {
            match p.checked_mul(10) {
                Some(next) => p = next,
                None => return false,
            }
        }
        p == self.0
    }
}

/// The content-gap part of Zeek's `TCP_Reassembler`, on sequence ranges only.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Gaps {
    /// `last_reassem_seq`: everything below is delivered (or given up on).
    last_reassem: u64,
    /// `trim_seq`: everything below is acknowledged and forgotten.
    trim: u64,
    /// The blocks above the hole at `last_reassem` (Zeek's block list, as ranges:
    /// the bytes are not kept). The first few live inline; more allocate.
    blocks: RangeSet,
    skip: bool,
}

impl Default for Gaps {
    fn default() -> Self {
        Gaps::NEW
    }
}

impl Gaps {
    const NEW: Gaps = Gaps {
        last_reassem: 1,
        trim: 1,
        blocks: RangeSet::new(),
        skip: false,
    };

    /// The lowest block above the hole.
    fn first(&self) -> Option<Range<u64>> {
        self.blocks.iter().next()
    }

    /// Forgets the lowest block (it ends at `end`: the next one starts above).
    fn remove_first(&mut self, end: u64) {
        self.blocks.remove_below(end);
    }

    /// The bytes held above the hole (the sum of the blocks' lengths).
    fn above_hole_bytes(&self) -> u64 {
        self.blocks.total_len()
    }

    /// `TCP_Reassembler::NumUndeliveredBytes`: from the hole to the end of the
    /// highest block, the hole and any holes between blocks included (0
    /// without a hole).
    fn undelivered_span(&self) -> u64 {
        self.blocks
            .end()
            .map_or(0, |end| end.saturating_sub(self.last_reassem))
    }

    /// Pulls blocks that now touch `last_reassem` into the delivered prefix.
    fn absorb(&mut self) {
        while let Some(block) = self.first() {
            if block.start > self.last_reassem {
                return;
            }
            self.last_reassem = self.last_reassem.max(block.end);
            self.remove_first(block.end);
        }
    }

    /// `Reassembler::NewBlock` + `BlockInserted` on ranges; true if the block
    /// filled the leading hole, delivering data (`BlockInserted` goes on past
    /// its first test only then).
    fn new_block(&mut self, seq: u64, len: u64) -> bool {
        if len == 0 {
            return false;
        }
        let upper = seq.saturating_add(len);
        if upper <= self.trim {
            return false;
        }
        let seq = seq.max(self.trim);
        if seq <= self.last_reassem {
            if upper > self.last_reassem {
                self.last_reassem = upper;
                self.absorb();
                return true;
            }
            false
        } else {
            self.blocks.insert(seq..upper);
            false
        }
    }

    /// Zeek stops reassembling the direction (`SetSkip`): its blocks are dropped.
    fn give_up(&mut self) {
        self.blocks.clear();
        self.skip = true;
    }
}

/// One endpoint as Zeek's `TCP_Endpoint` records it (the fields conn.log needs).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Ep {
    state: EndpointState,
    prev_state: EndpointState,
    start_seq: u32,
    last_seq: u32,
    ack_seq: u32,
    seq_wraps: u32,
    ack_wraps: u32,
    fin_cnt: u32,
    rst_cnt: u32,
    fin_seq: u64,
    did_close: bool,
    /// The relative sequence numbers of the last SYN, FIN and RST (their low 32
    /// bits: Zeek compares 64-bit numbers, which differ from these only for
    /// control packets exactly 4 GiB apart).
    hist_last_syn: u32,
    hist_last_fin: u32,
    hist_last_rst: u32,
    rxmt: Scaled,
    win0: Scaled,
    gap: Scaled,
    chk: Scaled,
    pkts: u64,
    ip_bytes: u64,
    gaps: Gaps,
}

fn seq_delta(a: u32, b: u32) -> i32 {
    a.wrapping_sub(b) as i32
}

impl Ep {
    const NEW: Ep = Ep {
        state: EndpointState::Inactive,
        prev_state: EndpointState::Inactive,
        start_seq: 0,
        last_seq: 0,
        ack_seq: 0,
        seq_wraps: 0,
        ack_wraps: 0,
        fin_cnt: 0,
        rst_cnt: 0,
        fin_seq: 0,
        did_close: false,
        hist_last_syn: 0,
        hist_last_fin: 0,
        hist_last_rst: 0,
        rxmt: Scaled::NEW,
        win0: Scaled::NEW,
        gap: Scaled::NEW,
        chk: Scaled::NEW,
        pkts: 0,
        ip_bytes: 0,
        gaps: Gaps::NEW,
    };

    fn set_state(&mut self, new: EndpointState) -> bool {
        if new != self.state {
            self.prev_state = self.state;
            self.state = new;
            true
        } else {
            false
        }
    }

    fn init_seqs(&mut self, start: u32, last: u32) {
        self.start_seq = start;
        self.ack_seq = start;
        self.last_seq = last;
    }

    fn update_last_seq(&mut self, seq: u32) {
        if seq < self.last_seq {
            self.seq_wraps = self.seq_wraps.wrapping_add(1);
        }
        self.last_seq = seq;
    }

    fn update_ack_seq(&mut self, seq: u32) {
        if seq < self.ack_seq {
            self.ack_wraps = self.ack_wraps.wrapping_add(1);
        }
        self.ack_seq = seq;
    }

    fn full(seq: u32, wraps: u32) -> u64 {
        (u64::from(wraps) << 32) + u64::from(seq)
    }

    fn relative_to_start(&self, seq: u32, wraps: u32) -> u64 {
        Ep::full(seq, wraps).wrapping_sub(u64::from(self.start_seq))
    }

    /// `get_relative_seq`, with Zeek's conversion of a negative delta to a huge
    /// unsigned number kept.
    fn relative(&self, cur: u32, last: u32, wraps: u32, underflow: &mut bool) -> u64 {
        let mut wraps = wraps;
        let delta = seq_delta(cur, last);
        if delta < 0 {
            if wraps > 0 && cur > last {
                wraps -= 1;
            }
        } else if delta > 0 && cur < last {
            wraps = wraps.wrapping_add(1);
        }
        if wraps == 0 {
            let d = seq_delta(cur, self.start_seq);
            if d < 0 {
                *underflow = true;
            }
            return i64::from(d) as u64;
        }
        self.relative_to_start(cur, wraps)
    }

    fn no_data_acked(&self) -> bool {
        let ack = Ep::full(self.ack_seq, self.ack_wraps);
        let start = u64::from(self.start_seq);
        ack == start || ack == start + 1
    }

    /// `TCP_Endpoint::Size`.
    fn size(&self, peer_state: EndpointState) -> u64 {
        if self.prev_state == EndpointState::SynSent
            && self.state == EndpointState::Reset
            && peer_state == EndpointState::Inactive
            && !self.no_data_acked()
        {
            return 0;
        }
        let last = Ep::full(self.last_seq, self.seq_wraps);
        let ack = Ep::full(self.ack_seq, self.ack_wraps);
        let mut size = last.max(ack).wrapping_sub(u64::from(self.start_seq));
        // The SYN's octet, then the FIN's.
        size = size.saturating_sub(1);
        if self.fin_cnt > 0 && size != 0 {
            size -= 1;
        }
        size
    }

    fn is_clean(&self) -> bool {
        self.state == EndpointState::Established
            || (self.state == EndpointState::Closed
                && self.prev_state == EndpointState::Established)
    }
}

/// Zeek's view of one TCP connection, fed one segment at a time.
///
/// The caller names the two endpoints A and B (the tracker: client and server)
/// and says with each segment whether A sent it. Zeek's originator is the
/// sender of the first segment unless Zeek flips the roles (module docs);
/// [`ZeekConn::orig_is_a`] says which endpoint it is, so callers never need to
/// follow Zeek's flips. Zeek's timers run only when asked
/// ([`ZeekConn::expire`]); [`ZeekSessions`] does that for a whole capture.
///
/// Not modelled: Zeek's deferral of a close while reassembled data is pending;
/// its reset and partial-close timers, which Zeek sets only when a script
/// handles `connection_reset` or `connection_partial_close` (its default
/// scripts do not); and the initial-window trim for blocks delivered while an
/// acknowledgment reveals a gap (it needs an ACK riding on a RST, before any of
/// the side's data was acknowledged).
/// The content-gap model keeps every out-of-order block as Zeek does (as
/// ranges, in a [`RangeSet`]: four inline, more on the heap).
#[derive(Clone, Debug)]
pub struct ZeekConn {
    /// Endpoints: `[A, B]`, as the caller names them.
    ep: [Ep; 2],
    orig_is_a: bool,
    started: bool,
    history: History,
    hist_seen: u32,
    /// Capture times in nanoseconds.
    start: u64,
    last: u64,
    is_partial: bool,
    first_packet_seen: u8,
    is_active: bool,
    long_inactivity: bool,
    missed_bytes: u64,
    /// Timer deadlines in nanoseconds, [`NEVER`] when not armed.
    attempt_at: u64,
    expire_at: [u64; 2],
    delete_at: u64,
}

/// An unarmed timer.
const NEVER: u64 = u64::MAX;

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX - 1)
}

impl Default for ZeekConn {
    fn default() -> Self {
        ZeekConn::new()
    }
}

const ORIG: u8 = 1;
const RESP: u8 = 2;

impl ZeekConn {
    /// A connection of which nothing has been seen. Zeek's choice of
    /// originator is made at the first segment ([`ZeekConn::on_segment`]).
    pub const fn new() -> Self {
        ZeekConn {
            ep: [Ep::NEW; 2],
            orig_is_a: true,
            started: false,
            history: History::new(),
            hist_seen: 0,
            start: 0,
            last: 0,
            is_partial: false,
            first_packet_seen: 0,
            is_active: true,
            long_inactivity: false,
            missed_bytes: 0,
            attempt_at: NEVER,
            expire_at: [NEVER; 2],
            delete_at: NEVER,
        }
    }

    /// The first segment: Zeek's `NewConn` and `WantConnection`. Its sender is
    /// the originator unless the segment is not a bare SYN and its source port is
    /// a likely server port, and then the destination port is not, or both are,
    /// the segment is not a SYN+ACK and the source port is the smaller.
    fn begin(&mut self, from_a: bool, first: &ZeekSegment, time: Duration, config: &ZeekConfig) {
        self.started = true;
        self.orig_is_a = from_a;
        self.start = nanos(time);
        self.last = self.start;
        self.expire_at[0] = nanos(time.saturating_add(config.timeouts.syn_timeout));
        let flags = first.flags;
        if !flags.contains(TcpFlags::SYN) || flags.contains(TcpFlags::ACK) {
            let likely = config.likely_server_port;
            if likely(first.source_port) {
                let flip = if likely(first.destination_port) {
                    !flags.contains(TcpFlags::SYN) && first.source_port < first.destination_port
                } else {
                    true
                };
                if flip {
                    self.flip_roles();
                }
            }
        }
    }

    /// A segment whose TCP header the snapshot length cut, sent by endpoint A
    /// (`from_a`) or B at `time` ([`ZeekSegment::from_cut`]). Zeek makes the
    /// connection from it (`NewConn`, `WantConnection`: start time, the
    /// originator chosen from its flags and ports as for a whole header, a
    /// flip's `^`), then drops the packet in `TCPAnalyzer::DeliverPacket`,
    /// whose `ExtractTCP_Header` finds the header longer than the bytes
    /// captured (weird "truncated_header"): no packet, byte, history letter or
    /// state is counted. On a connection already started it does nothing; a
    /// later whole segment is then the connection's first packet, in the roles
    /// the cut one chose.
    pub fn on_cut_header(
        &mut self,
        from_a: bool,
        seg: &ZeekSegment,
        time: Duration,
        config: &ZeekConfig,
    ) {
        if !self.started {
            self.begin(from_a, seg, time, config);
        }
    }

    /// Whether Zeek's originator is endpoint A (see [`ZeekConn::on_segment`]).
    pub fn orig_is_a(&self) -> bool {
        self.orig_is_a
    }

    /// The history so far.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The capture time of the first packet.
    pub fn start(&self) -> Duration {
        Duration::from_nanos(self.start)
    }

    /// The capture time of the last packet that counted for the duration.
    pub fn last_time(&self) -> Duration {
        Duration::from_nanos(self.last)
    }

    fn orig_index(&self) -> usize {
        if self.orig_is_a { 0 } else { 1 }
    }

    fn orig(&self) -> &Ep {
        &self.ep[self.orig_index()]
    }

    fn resp(&self) -> &Ep {
        &self.ep[1 - self.orig_index()]
    }

    /// `Connection::FlipRoles`: swap the roles and write `^`.
    fn flip_roles(&mut self) {
        self.swap_roles();
        self.history.push(b'^');
    }

    /// The role swap of `TCPSessionAdapter::FlipRoles`: the originator becomes
    /// the responder, the first-packet marks change sides with the roles, and
    /// the connection is no longer taken as partial (until a side's first
    /// packet says so again).
    fn swap_roles(&mut self) {
        self.orig_is_a = !self.orig_is_a;
        let fps = self.first_packet_seen;
        self.first_packet_seen =
            (if fps & ORIG != 0 { RESP } else { 0 }) | (if fps & RESP != 0 { ORIG } else { 0 });
        self.is_partial = false;
    }

    /// `Session::CheckHistory` with `TCP_Endpoint::CheckHistory`'s flip; true if
    /// the letter had been seen before.
    fn check_history(&mut self, is_orig: &mut bool, mask: u32, code: u8) -> bool {
        if (code == b'A' || code == b'D') && self.history.as_str() == "H" {
            self.swap_roles();
            *is_orig = !*is_orig;
            self.history.replace(b"^h");
            self.first_packet_seen |= ORIG;
        }
        let (mask, code) = if *is_orig {
            (mask, code)
        } else {
            (mask << 16, code.to_ascii_lowercase())
        };
        if self.hist_seen & mask == 0 {
            self.hist_seen |= mask;
            self.history.push(code);
            false
        } else {
            true
        }
    }

    fn add_history(&mut self, is_orig: bool, code: u8) {
        self.history.push(if is_orig {
            code
        } else {
            code.to_ascii_lowercase()
        });
    }

    fn scaled(&mut self, i: usize, is_orig: bool, code: u8, pick: fn(&mut Ep) -> &mut Scaled) {
        if pick(&mut self.ep[i]).hit() {
            self.add_history(is_orig, code);
        }
    }

    /// `TCPSessionAdapter::IsReuse`: whether this segment, arriving on the
    /// existing connection, starts a new one instead (a SYN — or a SYN+ACK on a
    /// half-seen connection — with a new initial sequence number, or any such
    /// SYN once a side has closed).
    pub fn is_reuse(&self, seg: &ZeekSegment) -> bool {
        let flags = seg.flags;
        if !flags.contains(TcpFlags::SYN) {
            return false;
        }
        let mut conn_orig = self.orig();
        if flags.contains(TcpFlags::ACK) {
            if self.orig().state != EndpointState::Inactive {
                return false;
            }
            conn_orig = self.resp();
        }
        let closed = self.orig().did_close || self.resp().did_close;
        if !closed {
            let base = seg.seq.0;
            if base == conn_orig.start_seq {
                return false;
            }
            if !flags.contains(TcpFlags::ACK)
                && conn_orig.state == EndpointState::SynAckSent
                && self.resp().state == EndpointState::Inactive
                && base == self.resp().start_seq
            {
                return false;
            }
        }
        true
    }

    /// Runs Zeek's timers up to `now` (the time of the next packet, or the end
    /// of the capture) and tells whether and when one of them removed the
    /// connection. Timers fire in time order before a packet at `now` is
    /// processed; a removed connection must not be fed again (start a new
    /// [`ZeekConn`] for the packet).
    pub fn expire(
        &mut self,
        now: Duration,
        config: &ZeekConfig,
    ) -> Option<(Duration, ZeekRemoval)> {
        if !self.started {
            return None;
        }
        let t = config.timeouts;
        let now = nanos(now);
        let (linger, period) = (nanos(t.connection_linger), nanos(t.session_timer).max(1));
        loop {
            let idle = nanos(if self.long_inactivity {
                t.inactivity
            } else {
                t.handshake_inactivity
            });
            let inactivity = self.last.saturating_add(idle);
            // (time, which): 0 attempt, 1/2 expire chains, 3 delete, 4 inactivity.
            let mut next: Option<(u64, u8)> = None;
            for (at, which) in [
                (self.attempt_at, 0),
                (self.expire_at[0], 1),
                (self.expire_at[1], 2),
                (self.delete_at, 3),
                (inactivity, 4),
            ] {
                if at != NEVER && at <= now && next.is_none_or(|(b, _)| at < b) {
                    next = Some((at, which));
                }
            }
            let (at, which) = next?;
            let when = Duration::from_nanos(at);
            match which {
                0 => {
                    self.attempt_at = NEVER;
                    if self.is_active
                        && matches!(
                            self.orig().state,
                            EndpointState::SynSent | EndpointState::SynAckSent
                        )
                        && self.resp().state == EndpointState::Inactive
                    {
                        self.is_active = false;
                        return Some((when, ZeekRemoval::Attempt));
                    }
                }
                1 | 2 => {
                    let chain = usize::from(which - 1);
                    if !self.is_active {
                        self.expire_at[chain] = NEVER;
                        continue;
                    }
                    if self.last.saturating_add(linger) < at {
                        let (o, r) = (self.orig(), self.resp());
                        if (o.did_close || r.did_close)
                            && ((o.did_close && r.did_close)
                                || o.state == EndpointState::Reset
                                || r.state == EndpointState::Reset
                                || o.state == EndpointState::Inactive
                                || r.state == EndpointState::Inactive)
                        {
                            return Some((when, ZeekRemoval::Expire));
                        }
                        if o.state == EndpointState::Inactive && r.state == EndpointState::Inactive
                        {
                            return Some((when, ZeekRemoval::Expire));
                        }
                        // Nothing changes until the next packet: skip the futile
                        // checks up to `now`.
                        let steps = (now - at) / period + 1;
                        self.expire_at[chain] = at.saturating_add(steps.saturating_mul(period));
                    } else {
                        self.expire_at[chain] = at.saturating_add(period);
                    }
                }
                3 => return Some((when, ZeekRemoval::Closed)),
                _ => return Some((when, ZeekRemoval::Inactivity)),
            }
        }
    }

    /// Feeds one segment sent by endpoint A (`from_a`) or B, captured at `time`
    /// (`TCPAnalyzer::DeliverPacket` and `TCPSessionAdapter::Process`). A and B
    /// are the caller's names for the two endpoints (the tracker: client and
    /// server); Zeek's roles are decided at the first segment and may flip later.
    pub fn on_segment(
        &mut self,
        from_a: bool,
        seg: &ZeekSegment,
        time: Duration,
        config: &ZeekConfig,
    ) {
        if !self.started {
            self.begin(from_a, seg, time, config);
        }
        // `is_orig` follows the roles as Zeek's endpoints do (its history
        // letters); `arrived_as_orig` is the direction the packet came in with
        // (the `is_orig` argument of `TCPSessionAdapter::Process`).
        let arrived_as_orig = from_a == self.orig_is_a;
        let mut is_orig = arrived_as_orig;
        let i = if from_a { 0 } else { 1 };
        let p = 1 - i;

        if !seg.checksum_ok && !config.ignore_checksums {
            // `ValidateChecksum`: history only; the packet goes no further.
            self.scaled(i, is_orig, b'C', |e| &mut e.chk);
            return;
        }
        // The tap (`ConnSize`) counts every packet that passed the checksum.
        self.ep[i].pkts += 1;
        self.ep[i].ip_bytes += u64::from(seg.ip_len);

        let flags = seg.flags;
        let syn = flags.contains(TcpFlags::SYN);
        let fin = flags.contains(TcpFlags::FIN);
        let rst = flags.contains(TcpFlags::RST);
        let ackf = flags.contains(TcpFlags::ACK);
        let base_seq = seg.seq.0;
        let ack_seq = seg.ack.0;
        let len = seg.payload_len;

        // SetPartialStatus.
        if is_orig {
            if self.first_packet_seen & ORIG == 0 {
                self.is_partial = !syn || ackf;
            }
        } else if self.first_packet_seen & RESP == 0 && !self.is_partial {
            self.is_partial = !syn;
        }

        // get_segment_len.
        let mut seg_len = i64::from(len) + i64::from(syn) + i64::from(fin);
        if rst {
            seg_len -= i64::from(len);
        }
        let seg_len = seg_len as u32;
        let seq_end = base_seq.wrapping_add(seg_len);

        // init_endpoint.
        {
            let e = &mut self.ep[i];
            match e.state {
                EndpointState::Inactive => {
                    if syn {
                        e.init_seqs(base_seq, seq_end);
                    } else {
                        e.init_seqs(base_seq.wrapping_sub(1), base_seq);
                    }
                }
                EndpointState::SynSent | EndpointState::SynAckSent => {
                    if syn && base_seq != e.start_seq {
                        e.init_seqs(base_seq, seq_end);
                    }
                }
                EndpointState::Established | EndpointState::Partial => {
                    if syn {
                        e.init_seqs(base_seq, seq_end);
                    }
                }
                EndpointState::Reset => {
                    if syn && e.prev_state == EndpointState::Inactive {
                        e.init_seqs(base_seq, seq_end);
                    }
                }
                EndpointState::Closed => {}
            }
        }

        let mut seq_underflow = false;
        let rel_seq = {
            let e = &self.ep[i];
            e.relative(base_seq, e.last_seq, e.seq_wraps, &mut seq_underflow)
        };

        // update_history.
        let bits = u8::from(syn) + u8::from(fin) + u8::from(rst);
        if bits > 1 {
            if fin && rst {
                self.check_history(&mut is_orig, HIST_FIN_RST_PKT, b'I');
            } else {
                self.check_history(&mut is_orig, HIST_MULTI_FLAG_PKT, b'Q');
            }
        } else if bits == 1 {
            if syn {
                let code = if ackf { b'H' } else { b'S' };
                let again = self.check_history(&mut is_orig, HIST_SYN_PKT, code);
                if again && rel_seq as u32 != self.ep[i].hist_last_syn {
                    self.add_history(is_orig, code);
                }
                self.ep[i].hist_last_syn = rel_seq as u32;
            }
            if fin {
                let again = self.check_history(&mut is_orig, HIST_FIN_PKT, b'F');
                let at = rel_seq.wrapping_add(u64::from(len));
                if again && at as u32 != self.ep[i].hist_last_fin {
                    self.add_history(is_orig, b'F');
                }
                self.ep[i].hist_last_fin = at as u32;
            }
            if rst {
                let again = self.check_history(&mut is_orig, HIST_RST_PKT, b'R');
                if again && rel_seq as u32 != self.ep[i].hist_last_rst {
                    self.add_history(is_orig, b'R');
                }
                self.ep[i].hist_last_rst = rel_seq as u32;
            }
        } else if len > 0 {
            self.check_history(&mut is_orig, HIST_DATA_PKT, b'D');
        } else if ackf {
            self.check_history(&mut is_orig, HIST_ACK_PKT, b'A');
        }

        // update_window: only the zero-window history matters here.
        if seg.window == 0
            && !rst
            && self.ep[p].state != EndpointState::Closed
            && self.ep[i].state != EndpointState::Reset
        {
            self.scaled(i, is_orig, b'W', |e| &mut e.win0);
        }

        if !self.ep[0].did_close || !self.ep[1].did_close {
            self.last = nanos(time);
        }

        if fin {
            let e = &mut self.ep[i];
            e.fin_cnt = e.fin_cnt.saturating_add(1);
            e.fin_seq = rel_seq.wrapping_add(u64::from(seg_len));
        }
        if rst {
            let e = &mut self.ep[i];
            e.rst_cnt = e.rst_cnt.saturating_add(1);
        }

        let mut rel_ack = 0u64;
        if ackf {
            if self.ep[p].state == EndpointState::Inactive {
                rel_ack = 1;
                let a = ack_seq.wrapping_sub(1);
                let peer = &mut self.ep[p];
                peer.start_seq = a;
                peer.ack_seq = a;
                peer.last_seq = a;
            } else {
                let mut ack_underflow = false;
                let peer = &self.ep[p];
                rel_ack = peer.relative(ack_seq, peer.ack_seq, peer.ack_wraps, &mut ack_underflow);
                if ack_underflow {
                    rel_ack = 0;
                } else if !rst {
                    // update_ack_seq.
                    let peer = &mut self.ep[p];
                    let delta = seq_delta(ack_seq, peer.ack_seq);
                    if ack_seq == 0 && delta > TOO_LARGE_SEQ_DELTA {
                    } else if delta > 0 {
                        peer.update_ack_seq(ack_seq);
                    }
                }
            }
        }

        // update_last_seq.
        {
            let e = &mut self.ep[i];
            let delta = seq_delta(seq_end, e.last_seq);
            let mut rxmit = false;
            if (syn || rst) && !(-TOO_LARGE_SEQ_DELTA..=TOO_LARGE_SEQ_DELTA).contains(&delta) {
            } else if fin && e.last_seq == e.start_seq.wrapping_add(1) {
                e.update_last_seq(seq_end);
            } else if e.state == EndpointState::Reset {
            } else if delta > 0 {
                e.update_last_seq(seq_end);
            } else if len > 0 {
                rxmit = true;
            }
            if rxmit {
                self.scaled(i, is_orig, b'T', |e| &mut e.rxmt);
            }
        }

        let (do_close, gen_event) =
            self.update_state_machine(time, config, i, base_seq, len, arrived_as_orig, flags);

        if ackf {
            self.ack_received(p, rel_ack);
        }

        // `CheckPIA_FirstPacket`: each direction's first packet is marked, so
        // `SetPartialStatus` looks at that packet only.
        self.first_packet_seen |= if arrived_as_orig { ORIG } else { RESP };

        // DataSent.
        let rel_data_seq = if syn {
            rel_seq.wrapping_add(1)
        } else {
            rel_seq
        };
        if len > 0 && !rst && !seq_underflow && seg.payload_captured {
            self.data_sent(i, rel_data_seq, u64::from(len), config);
        }

        if do_close {
            self.connection_closed(i, gen_event, config);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn update_state_machine(
        &mut self,
        time: Duration,
        config: &ZeekConfig,
        i: usize,
        base_seq: u32,
        len: u32,
        is_orig: bool,
        flags: TcpFlags,
    ) -> (bool, bool) {
        let p = 1 - i;
        let syn = flags.contains(TcpFlags::SYN);
        let fin = flags.contains(TcpFlags::FIN);
        let rst = flags.contains(TcpFlags::RST);
        let ackf = flags.contains(TcpFlags::ACK);
        let mut do_close = false;
        let mut gen_event = false;
        use EndpointState as S;
        match self.ep[i].state {
            S::Inactive => {
                if syn {
                    if is_orig {
                        self.set_state(i, if ackf { S::SynAckSent } else { S::SynSent });
                        self.attempt_at = nanos(time.saturating_add(config.timeouts.attempt_delay));
                    } else {
                        if ackf {
                        } else if self.ep[p].state == S::SynAckSent
                            && base_seq == self.ep[i].start_seq
                        {
                            self.flip_roles();
                            self.set_state(p, S::Established);
                            self.first_packet_seen |= ORIG;
                        }
                        if self.ep[p].state == S::SynSent {
                            self.set_state(p, S::Established);
                        }
                        self.set_state(i, S::Established);
                    }
                }
                if fin {
                    self.set_state(i, S::Closed);
                    do_close = true;
                    gen_event = true;
                }
                if rst {
                    self.set_state(i, S::Reset);
                    let is_reject = if is_orig {
                        self.ep[p].state == S::Established
                    } else {
                        matches!(self.ep[p].state, S::SynSent | S::SynAckSent)
                    };
                    do_close = true;
                    gen_event = !is_reject;
                }
                if self.ep[i].state == S::Inactive {
                    let orig_syn_sent = self.orig().state == S::SynSent;
                    if !is_orig && len == 0 && orig_syn_sent {
                    } else if ackf && self.ep[p].state == S::Established {
                        self.set_state(i, S::Established);
                        self.is_partial = false;
                        self.first_packet_seen |= if is_orig { ORIG } else { RESP };
                    } else {
                        self.set_state(i, S::Partial);
                    }
                }
            }
            S::SynSent | S::SynAckSent => {
                if fin {
                    self.set_state(i, S::Closed);
                    do_close = true;
                    gen_event = true;
                }
                if rst {
                    self.set_state(i, S::Reset);
                    self.is_active = false; // ConnectionReset
                    do_close = true;
                }
            }
            S::Established | S::Partial => {
                if syn && self.ep[i].state == S::Partial && self.ep[p].state == S::Inactive && !ackf
                {
                    self.set_state(i, S::SynSent);
                }
                if fin && !rst {
                    self.set_state(i, S::Closed);
                    if self.ep[p].state == S::Reset && self.ep[p].prev_state == S::Closed {
                        self.set_state(p, S::Closed);
                    }
                    do_close = true;
                    gen_event = true;
                }
                if rst {
                    self.set_state(i, S::Reset);
                    do_close = true;
                    if self.ep[p].state != S::Reset || self.ep[p].prev_state != S::Established {
                        self.is_active = false; // ConnectionReset
                    }
                }
            }
            S::Closed => {
                if rst && self.ep[p].state != S::Closed {
                    self.set_state(i, S::Reset);
                    if !self.ep[i].did_close {
                        do_close = true;
                    }
                }
            }
            S::Reset => {}
        }
        (do_close, gen_event)
    }

    /// `TCP_Endpoint::SetState` with its switch to the long inactivity timeout.
    fn set_state(&mut self, i: usize, new: EndpointState) {
        let p = 1 - i;
        let old = self.ep[i].state;
        let peer = self.ep[p].state;
        if self.ep[i].set_state(new)
            && !new.is_handshake()
            && old.is_handshake()
            && peer.is_handshake()
        {
            self.long_inactivity = true;
        }
    }

    /// `TCP_Reassembler::DataSent` on ranges.
    fn data_sent(&mut self, i: usize, seq: u64, len: u64, config: &ZeekConfig) {
        let peer_state = self.ep[1 - i].state;
        let e = &mut self.ep[i];
        if e.gaps.skip {
            return;
        }
        let ack = e.relative_to_start(e.ack_seq, e.ack_wraps);
        let mut seq = seq;
        let mut len = len;
        let upper = seq.saturating_add(len);
        if seq < ack {
            if upper <= ack {
                return;
            }
            len -= ack - seq;
            seq = ack;
        }
        let delivered = e.gaps.new_block(seq, len);
        // BlockInserted, when the block delivered data: trim what was delivered
        // when nothing has been acked after a large initial window.
        if delivered
            && config.max_initial_window != 0
            && e.no_data_acked()
            && e.size(peer_state) > config.max_initial_window
            && e.gaps.last_reassem > e.gaps.trim
        {
            e.gaps.trim = e.gaps.last_reassem;
        }
        if e.no_data_acked()
            && config.max_above_hole_without_any_acks != 0
            && e.gaps.undelivered_span() > config.max_above_hole_without_any_acks
        {
            e.gaps.give_up();
        }
        let buffered = e.gaps.last_reassem.saturating_sub(e.gaps.trim) + e.gaps.above_hole_bytes();
        if config.excessive_data_without_further_acks != 0
            && buffered > config.excessive_data_without_further_acks
        {
            e.gaps.give_up();
        }
    }

    /// `TCP_Reassembler::AckReceived` → `TrimToSeq` → `Undelivered` → `Gap`.
    fn ack_received(&mut self, i: usize, seq: u64) {
        let mut seq = seq;
        {
            let e = &self.ep[i];
            if e.fin_cnt > 0 && seq >= e.fin_seq {
                seq = e.fin_seq.wrapping_sub(1);
            }
            if seq <= e.gaps.trim {
                return;
            }
        }
        if seq > self.ep[i].gaps.last_reassem {
            self.undelivered(i, seq);
        }
        let g = &mut self.ep[i].gaps;
        g.trim = seq;
        while let Some(block) = g.first() {
            if block.end > seq {
                break;
            }
            g.remove_first(block.end);
        }
        // `DataBlockList::Trim`: a block that now starts where delivery
        // reached is delivered.
        g.absorb();
    }

    fn undelivered(&mut self, i: usize, up_to: u64) {
        if up_to <= 2 && self.is_partial {
            return;
        }
        if !self.ep[i].gaps.skip {
            loop {
                let g = &self.ep[i].gaps;
                let Some(Range { start, end }) = g.first() else {
                    break;
                };
                if start >= up_to {
                    break;
                }
                let gap_at = g.last_reassem;
                if start > gap_at {
                    self.gap(i, start - gap_at);
                }
                let g = &mut self.ep[i].gaps;
                g.last_reassem = g.last_reassem.max(end);
                g.remove_first(end);
                g.absorb();
            }
            let last = self.ep[i].gaps.last_reassem;
            if up_to > last {
                self.gap(i, up_to - last);
            }
        }
        let g = &mut self.ep[i].gaps;
        if up_to > g.last_reassem {
            g.last_reassem = up_to;
        }
    }

    fn gap(&mut self, i: usize, len: u64) {
        if self.ep[i].is_clean() && self.ep[1 - i].is_clean() {
            let is_orig = (i == 0) == self.orig_is_a;
            self.scaled(i, is_orig, b'G', |e| &mut e.gap);
            self.missed_bytes = self.missed_bytes.saturating_add(len);
        }
    }

    /// `TCPSessionAdapter::ConnectionClosed`, without the deferral for pending data.
    fn connection_closed(&mut self, i: usize, gen_event: bool, config: &ZeekConfig) {
        let p = 1 - i;
        if self.ep[i].did_close {
            return;
        }
        self.ep[i].did_close = true;
        let (e, peer) = (&self.ep[i], &self.ep[p]);
        let complete = e.state == EndpointState::Reset
            || peer.did_close
            || peer.state == EndpointState::Inactive;
        let t = config.timeouts;
        if complete {
            if (e.prev_state != EndpointState::Inactive || peer.state != EndpointState::Inactive)
                && gen_event
            {
                self.is_active = false; // ConnectionFinished
            }
            self.attempt_at = NEVER;
            self.expire_at = [NEVER; 2];
            let at = self.last.saturating_add(nanos(t.close_delay));
            self.delete_at = self.delete_at.min(at);
        } else if e.prev_state != EndpointState::Inactive {
            let at = self.last.saturating_add(nanos(t.session_timer));
            self.expire_at[1] = self.expire_at[1].min(at);
        }
    }

    /// Zeek's `conn_state` now (`conn_state` in `main.zeek`).
    pub fn conn_state(&self) -> ConnState {
        use EndpointState as S;
        let (o, r) = (self.orig(), self.resp());
        let (os, rs) = (o.state, r.state);
        let o_inactive = os.is_inactive_or_partial();
        let r_inactive = rs.is_inactive_or_partial();
        if rs == S::Reset {
            if matches!(os, S::SynSent | S::SynAckSent)
                || (os == S::Reset && o.size(rs) == 0 && r.size(os) == 0)
            {
                ConnState::REJ
            } else if o_inactive {
                ConnState::RSTRH
            } else {
                ConnState::RSTR
            }
        } else if os == S::Reset {
            if r_inactive {
                if history_is_rstos0(self.history.as_str()) {
                    ConnState::RSTOS0
                } else {
                    ConnState::OTH
                }
            } else {
                ConnState::RSTO
            }
        } else if rs == S::Closed && os == S::Closed {
            ConnState::SF
        } else if os == S::Closed {
            if r_inactive {
                ConnState::SH
            } else {
                ConnState::S2
            }
        } else if rs == S::Closed {
            if o_inactive {
                ConnState::SHR
            } else {
                ConnState::S3
            }
        } else if os == S::SynSent && rs == S::Inactive {
            ConnState::S0
        } else if os == S::Established && rs == S::Established {
            ConnState::S1
        } else {
            ConnState::OTH
        }
    }

    /// Everything `conn.log` says about the connection now.
    pub fn summary(&self) -> ZeekSummary {
        let (o, r) = (self.orig(), self.resp());
        ZeekSummary {
            conn_state: self.conn_state(),
            history: self.history,
            orig_is_a: self.orig_is_a,
            orig_pkts: o.pkts,
            resp_pkts: r.pkts,
            orig_bytes: o.size(r.state),
            resp_bytes: r.size(o.state),
            orig_ip_bytes: o.ip_bytes,
            resp_ip_bytes: r.ip_bytes,
            missed_bytes: self.missed_bytes,
            duration: Duration::from_nanos(self.last.saturating_sub(self.start)),
            start: Duration::from_nanos(self.start),
            orig_state: o.state,
            resp_state: r.state,
        }
    }
}

/// One connection as Zeek logs it: endpoints in Zeek's roles and the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZeekRecord {
    /// 0-based number of the connection in the order connections started.
    pub index: u64,
    /// The originator's address and port (`id.orig_h`, `id.orig_p`).
    pub orig: SocketAddr,
    /// The responder's address and port (`id.resp_h`, `id.resp_p`).
    pub resp: SocketAddr,
    /// The `conn.log` fields.
    pub summary: ZeekSummary,
    /// What ended it: one of Zeek's timers, or `None` for the end of the capture.
    pub removal: Option<ZeekRemoval>,
    /// When it was removed (the timer's time), or the capture's last time.
    pub end: Duration,
}

#[derive(Clone, Debug)]
struct Session {
    index: u64,
    initiator: SocketAddr,
    other: SocketAddr,
    conn: ZeekConn,
}

/// Zeek's connection table: segments in, one [`ZeekRecord`] out per connection
/// as Zeek would log it, split the way Zeek splits a 4-tuple (its timers,
/// `IsReuse`), in the order Zeek's timers remove them.
///
/// This is the grouping `conn.log` reflects, which is not tshark's: a SYN left
/// unanswered for 5 s ends a connection even if the same 4-tuple goes on, and a
/// new SYN on a closed connection starts a new one at once. The table is swept
/// at most once per second of capture time, so finished connections stream out
/// while the capture is read.
///
/// ```
/// use core::time::Duration;
/// use synack::track::zeek::{ConnState, ZeekConfig, ZeekSegment, ZeekSessions};
/// use synack::{flags::TcpFlags, seq::SeqNum};
///
/// let (a, b) = ("10.0.0.1:40000".parse().unwrap(), "10.0.0.2:80".parse().unwrap());
/// let syn = ZeekSegment { flags: TcpFlags::SYN, seq: SeqNum(7), ack: SeqNum(0), payload_len: 0,
///     window: 1000, ip_len: 60, checksum_ok: true, payload_captured: true, source_port: 40000, destination_port: 80 };
/// let mut sessions = ZeekSessions::new(ZeekConfig::default());
/// sessions.on_segment(a, b, &syn, Duration::from_secs(100));
/// // Ten seconds later, with no answer, Zeek's attempt timer has ended it.
/// sessions.sweep(Duration::from_secs(110));
/// let record = sessions.pop_finished().unwrap();
/// assert_eq!(record.summary.conn_state, ConnState::S0);
/// assert_eq!(record.end, Duration::from_secs(105));
/// ```
#[derive(Clone, Debug)]
pub struct ZeekSessions {
    config: ZeekConfig,
    table: BTreeMap<(SocketAddr, SocketAddr), Session>,
    finished: VecDeque<ZeekRecord>,
    next_index: u64,
    last_sweep: Option<Duration>,
    latest: Duration,
}

impl ZeekSessions {
    /// An empty table.
    pub fn new(config: ZeekConfig) -> Self {
        ZeekSessions {
            config,
            table: BTreeMap::new(),
            finished: VecDeque::new(),
            next_index: 0,
            last_sweep: None,
            latest: Duration::ZERO,
        }
    }

    /// Connections being tracked.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether no connection is being tracked.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    fn record(session: &Session, removal: Option<ZeekRemoval>, end: Duration) -> ZeekRecord {
        let (orig, resp) = if session.conn.orig_is_a() {
            (session.initiator, session.other)
        } else {
            (session.other, session.initiator)
        };
        ZeekRecord {
            index: session.index,
            orig,
            resp,
            summary: session.conn.summary(),
            removal,
            end,
        }
    }

    /// Feeds one TCP segment from `source` to `destination` captured at `time`.
    pub fn on_segment(
        &mut self,
        source: SocketAddr,
        destination: SocketAddr,
        seg: &ZeekSegment,
        time: Duration,
    ) {
        self.deliver(source, destination, seg, time, true);
    }

    /// Feeds one frame whose TCP header the snapshot length cut
    /// ([`DecodeError::TcpCut`](crate::wire::DecodeError::TcpCut)), captured
    /// at `time`: as Zeek, the connection's timers and port reuse are checked
    /// and the connection is opened ([`ZeekConn::on_cut_header`]) when 20 TCP
    /// bytes were declared and captured ([`ZeekSegment::from_cut`]), but the
    /// packet itself is dropped. Returns whether Zeek looked the connection up.
    pub fn on_cut_header(&mut self, cut: &CutTcp, time: Duration) -> bool {
        let ip_header = if cut.source.is_ipv4() { 20 } else { 40 };
        let ip_len = u32::try_from(cut.declared_len)
            .unwrap_or(u32::MAX)
            .saturating_add(ip_header);
        match ZeekSegment::from_cut(cut, ip_len) {
            Some(seg) => {
                self.deliver(cut.source, cut.destination, &seg, time, false);
                true
            }
            None => false,
        }
    }

    /// [`ZeekSessions::on_segment`] (`full`) or [`ZeekSessions::on_cut_header`].
    fn deliver(
        &mut self,
        source: SocketAddr,
        destination: SocketAddr,
        seg: &ZeekSegment,
        time: Duration,
        full: bool,
    ) {
        self.latest = self.latest.max(time);
        if self
            .last_sweep
            .is_none_or(|last| time >= last.saturating_add(Duration::from_secs(1)))
        {
            self.sweep(time);
        }
        let key = if source <= destination {
            (source, destination)
        } else {
            (destination, source)
        };
        if let Some(session) = self.table.get_mut(&key) {
            let ended = match session.conn.expire(time, &self.config) {
                Some((at, why)) => Some((Some(why), at)),
                None if session.conn.is_reuse(seg) => Some((None, time)),
                None => None,
            };
            if let Some((why, at)) = ended {
                let record = ZeekSessions::record(session, why, at);
                self.finished.push_back(record);
                self.table.remove(&key);
            }
        }
        let session = self.table.entry(key).or_insert_with(|| {
            let index = self.next_index;
            self.next_index += 1;
            Session {
                index,
                initiator: source,
                other: destination,
                conn: ZeekConn::new(),
            }
        });
        let from_a = source == session.initiator;
        if full {
            session.conn.on_segment(from_a, seg, time, &self.config);
        } else {
            session.conn.on_cut_header(from_a, seg, time, &self.config);
        }
    }

    /// Runs every connection's timers up to `now`, moving the ones Zeek would
    /// have removed to the finished queue (in removal-time order).
    pub fn sweep(&mut self, now: Duration) {
        self.last_sweep = Some(now);
        let mut ended: Vec<ZeekRecord> = Vec::new();
        let config = self.config;
        self.table
            .retain(|_, session| match session.conn.expire(now, &config) {
                Some((at, why)) => {
                    ended.push(ZeekSessions::record(session, Some(why), at));
                    false
                }
                None => true,
            });
        ended.sort_by_key(|r| (r.end, r.index));
        self.finished.extend(ended);
    }

    /// The next connection Zeek has finished with, if any.
    pub fn pop_finished(&mut self) -> Option<ZeekRecord> {
        self.finished.pop_front()
    }

    /// Ends the capture: every connection still tracked is finished. Zeek, on
    /// exit, runs all its pending timers: connections come out in the order
    /// their timers would remove them (a closed one 5 s after its last packet,
    /// an idle one after its inactivity timeout, ...).
    pub fn finish(&mut self) {
        let latest = self.latest;
        self.sweep(latest);
        let config = self.config;
        let mut rest: Vec<(Duration, ZeekRecord)> = self
            .table
            .values_mut()
            .map(|s| {
                let at = s
                    .conn
                    .expire(Duration::MAX, &config)
                    .map_or(Duration::MAX, |(at, _)| at);
                (at, ZeekSessions::record(s, None, latest))
            })
            .collect();
        self.table.clear();
        rest.sort_by_key(|(at, r)| (*at, r.index));
        self.finished.extend(rest.into_iter().map(|(_, r)| r));
    }
}

/// `/\^?S[^HAFGIQ]*R.*/ == history`: an optional `^`, an `S`, then anything but
/// `H A F G I Q` up to an `R` (Zeek's patterns match the whole string).
fn history_is_rstos0(history: &str) -> bool {
    let h = history.strip_prefix('^').unwrap_or(history);
    let Some(rest) = h.strip_prefix('S') else {
        return false;
    };
    for c in rest.chars() {
        if c == 'R' {
            return true;
        }
        if "HAFGIQ".contains(c) {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod test {
    extern crate std;

    use super::*;
    use alloc::vec;

    fn seg(flags: TcpFlags, seq: u32, ack: u32, len: u32, sport: u16, dport: u16) -> ZeekSegment {
        ZeekSegment {
            flags,
            seq: SeqNum(seq),
            ack: SeqNum(ack),
            payload_len: len,
            window: 100,
            ip_len: 40 + len,
            checksum_ok: true,
            payload_captured: true,
            source_port: sport,
            destination_port: dport,
        }
    }

    const SYN: TcpFlags = TcpFlags::SYN;
    const SA: TcpFlags = TcpFlags::SYN.union(TcpFlags::ACK);
    const A: TcpFlags = TcpFlags::ACK;
    const FA: TcpFlags = TcpFlags::FIN.union(TcpFlags::ACK);
    const R: TcpFlags = TcpFlags::RST;
    const RA: TcpFlags = TcpFlags::RST.union(TcpFlags::ACK);

    /// 5555 → 80: the handshake (ISNs 0 and 1000), then 10 bytes from the
    /// originator.
    fn opened_with_ten_bytes() -> Vec<(bool, ZeekSegment)> {
        vec![
            (true, seg(SYN, 0, 0, 0, 5555, 80)),
            (false, seg(SA, 1000, 1, 0, 80, 5555)),
            (true, seg(A, 1, 1001, 0, 5555, 80)),
            (true, seg(A, 1, 1001, 10, 5555, 80)),
        ]
    }

    fn run(segs: &[(bool, ZeekSegment)]) -> ZeekConn {
        let cfg = ZeekConfig::default();
        let mut c = ZeekConn::new();
        for (k, (from, s)) in segs.iter().enumerate() {
            c.on_segment(*from, s, Duration::from_millis(k as u64), &cfg);
        }
        c
    }

    #[test]
    fn test_rej_syn_then_rst_ack() {
        // Zeek: REJ "Sr" (pop3 trace rows).
        let c = run(&[
            (true, seg(SYN, 10, 0, 0, 26242, 110)),
            (false, seg(RA, 0, 11, 0, 110, 26242)),
        ]);
        assert_eq!(c.conn_state(), ConnState::REJ);
        assert_eq!(c.history().as_str(), "Sr");
    }

    #[test]
    fn test_s0_unanswered_syn() {
        let c = run(&[(true, seg(SYN, 10, 0, 0, 5555, 80))]);
        assert_eq!(c.conn_state(), ConnState::S0);
        assert_eq!(c.history().as_str(), "S");
    }

    #[test]
    fn test_rstos0_syn_then_rst() {
        // main.zeek: RSTOS0 when the originator's RST follows its SYN, no SYN-ACK.
        let c = run(&[
            (true, seg(SYN, 10, 0, 0, 5555, 80)),
            (true, seg(R, 11, 0, 0, 5555, 80)),
        ]);
        assert_eq!(c.conn_state(), ConnState::RSTOS0);
        assert_eq!(c.history().as_str(), "SR");
    }

    #[test]
    fn test_shr_synack_first_from_server_port() {
        // ssh server-side half duplex: SHR "^hdaf", flipped at once by port 22.
        let c = run(&[
            (true, seg(SA, 500, 101, 0, 22, 51880)),
            (true, seg(A | TcpFlags::PSH, 501, 101, 20, 22, 51880)),
            (true, seg(A, 521, 150, 0, 22, 51880)),
            (true, seg(FA, 521, 150, 0, 22, 51880)),
        ]);
        assert!(!c.orig_is_a());
        assert_eq!(c.conn_state(), ConnState::SHR);
        assert_eq!(c.history().as_str(), "^hdaf");
        let s = c.summary();
        assert_eq!((s.orig_pkts, s.resp_pkts), (0, 4));
        assert_eq!(s.resp_bytes, 20);
    }

    #[test]
    fn test_synack_then_ack_flips_history() {
        // CheckHistory: history "H" and then an ACK: "^h" then the ACK's letter.
        let c = run(&[
            (true, seg(SA, 500, 101, 0, 888, 64702)),
            (false, seg(A, 101, 501, 0, 64702, 888)),
        ]);
        assert!(!c.orig_is_a());
        assert_eq!(c.history().as_str(), "^hA");
    }

    #[test]
    fn test_history_logarithmic_retransmissions() {
        let mut segs = opened_with_ten_bytes();
        for _ in 0..10 {
            segs.push((true, seg(A, 1, 1001, 10, 5555, 80)));
        }
        let c = run(&segs);
        // Retransmissions 1 and 10 are written.
        assert_eq!(c.history().as_str(), "ShADTT");
    }

    #[test]
    fn test_gap_and_missed_bytes() {
        // 10 bytes seen, the peer acknowledges 30: a 20-byte gap.
        let mut segs = opened_with_ten_bytes();
        segs.push((false, seg(A, 1001, 31, 0, 80, 5555)));
        let c = run(&segs);
        // The gap is in the originator's data: `G` (TCP_Reassembler::Gap → endp->Gap on the sender).
        assert_eq!(c.history().as_str(), "ShADaG");
        let s = c.summary();
        assert_eq!(s.missed_bytes, 20);
        assert_eq!(s.orig_bytes, 30);
    }

    #[test]
    fn test_every_block_above_a_hole_counts_its_own_gap() {
        // 10 bytes in order, then six 10-byte blocks each 10 bytes apart (more
        // than the set holds inline); the peer acknowledges them all. Zeek's
        // `Undelivered` walks its block list and reports the hole before each
        // block: 6 × 10 = 60 bytes missed. (A model keeping two blocks and
        // merging the rest into the last saw 20.)
        let mut segs = opened_with_ten_bytes();
        for block in 0..6 {
            segs.push((true, seg(A, 21 + 20 * block, 1001, 10, 5555, 80)));
        }
        segs.push((false, seg(A, 1001, 131, 0, 80, 5555)));
        let s = run(&segs).summary();
        assert_eq!(s.missed_bytes, 60);
        assert_eq!(s.orig_bytes, 130);
        // Blocks 21..31 and 41..51 above the hole at 11; 31..41 fills the hole
        // between them. Acknowledged to 51, only 11..21 is missed.
        let mut segs = opened_with_ten_bytes();
        for start in [21, 41, 31] {
            segs.push((true, seg(A, start, 1001, 10, 5555, 80)));
        }
        segs.push((false, seg(A, 1001, 51, 0, 80, 5555)));
        assert_eq!(run(&segs).summary().missed_bytes, 10);
    }

    #[test]
    fn test_a_filled_hole_takes_the_blocks_above_it_out_of_the_count() {
        // A 10,000-byte block above the hole at 11, then the hole filled: the
        // block joins the delivered prefix (Zeek's `BlockInserted`). A second
        // 10,000-byte block above a new hole is then all that lies above a
        // hole, under the 16,384 bytes Zeek allows while nothing is
        // acknowledged, so the hole is still reported: 5,000 bytes missed.
        // (Counting the first block too, 20,000 bytes, Zeek would stop
        // reassembling and report nothing.)
        let mut segs = opened_with_ten_bytes();
        for (seq, len) in [(5011, 10_000), (11, 5000), (20_011, 10_000)] {
            segs.push((true, seg(A, seq, 1001, len, 5555, 80)));
        }
        segs.push((false, seg(A, 1001, 30_011, 0, 80, 5555)));
        assert_eq!(run(&segs).summary().missed_bytes, 5000);
    }

    #[test]
    fn test_too_much_above_a_hole_without_acks_stops_the_gap_count() {
        // A 5,000-byte hole, then 20,000 bytes, while the peer has
        // acknowledged no data: from the hole to the end, 25,000 bytes, more
        // than `tcp_max_above_hole_without_any_acks` (16,384; Zeek's
        // `NumUndeliveredBytes` counts the hole too), so Zeek clears its
        // blocks and skips the direction's deliveries; the hole is never
        // reported. With 11,000 bytes after the hole (16,000 from the hole on)
        // it stays under the limit and the hole is counted.
        let mut segs = opened_with_ten_bytes();
        segs.push((true, seg(A, 5011, 1001, 20_000, 5555, 80)));
        segs.push((false, seg(A, 1001, 25_011, 0, 80, 5555)));
        assert_eq!(run(&segs).summary().missed_bytes, 0);
        let mut segs = opened_with_ten_bytes();
        segs.push((true, seg(A, 5011, 1001, 11_000, 5555, 80)));
        segs.push((false, seg(A, 1001, 16_011, 0, 80, 5555)));
        assert_eq!(run(&segs).summary().missed_bytes, 5000);
        // 12,000 bytes: 17,000 from the hole on, over the limit.
        let mut segs = opened_with_ten_bytes();
        segs.push((true, seg(A, 5011, 1001, 12_000, 5555, 80)));
        segs.push((false, seg(A, 1001, 17_011, 0, 80, 5555)));
        assert_eq!(run(&segs).summary().missed_bytes, 0);
    }

    #[test]
    fn test_attempt_timer_removes_unanswered_syn() {
        let cfg = ZeekConfig::default();
        let s = seg(SYN, 0, 0, 0, 5555, 80);
        let mut c = ZeekConn::new();
        c.on_segment(true, &s, Duration::ZERO, &cfg);
        assert_eq!(c.expire(Duration::from_secs(4), &cfg), None);
        assert_eq!(
            c.expire(Duration::from_secs(6), &cfg),
            Some((Duration::from_secs(5), ZeekRemoval::Attempt))
        );
    }

    #[test]
    fn test_reuse_on_new_syn() {
        let c = run(&[
            (true, seg(SYN, 10, 0, 0, 5555, 80)),
            (false, seg(RA, 0, 11, 0, 80, 5555)),
        ]);
        assert!(c.is_reuse(&seg(SYN, 99, 0, 0, 5555, 80)));
        assert!(!c.is_reuse(&seg(A, 11, 0, 0, 5555, 80)));
    }

    /// SYN, SYN-ACK, ACK between 5555 and 80.
    fn handshake() -> Vec<(bool, ZeekSegment)> {
        vec![
            (true, seg(SYN, 0, 0, 0, 5555, 80)),
            (false, seg(SA, 1000, 1, 0, 80, 5555)),
            (true, seg(A, 1, 1001, 0, 5555, 80)),
        ]
    }

    fn with(mut segs: Vec<(bool, ZeekSegment)>, more: &[(bool, ZeekSegment)]) -> ZeekConn {
        segs.extend_from_slice(more);
        run(&segs)
    }

    #[test]
    fn test_conn_states_from_zeek_docs() {
        // Each case: Zeek's documented meaning, worked out by hand.
        let c = with(handshake(), &[]);
        assert_eq!(
            (c.conn_state(), c.history().as_str()),
            (ConnState::S1, "ShA")
        );
        let c = with(handshake(), &[(true, seg(FA, 1, 1001, 0, 5555, 80))]);
        assert_eq!(
            (c.conn_state(), c.history().as_str()),
            (ConnState::S2, "ShAF")
        );
        let c = with(handshake(), &[(false, seg(FA, 1001, 1, 0, 80, 5555))]);
        assert_eq!(
            (c.conn_state(), c.history().as_str()),
            (ConnState::S3, "ShAf")
        );
        let c = with(handshake(), &[(true, seg(R, 1, 0, 0, 5555, 80))]);
        assert_eq!(
            (c.conn_state(), c.history().as_str()),
            (ConnState::RSTO, "ShAR")
        );
        let c = with(handshake(), &[(false, seg(R, 1001, 0, 0, 80, 5555))]);
        assert_eq!(
            (c.conn_state(), c.history().as_str()),
            (ConnState::RSTR, "ShAr")
        );
        // SYN then FIN, no answer: half open.
        let c = run(&[
            (true, seg(SYN, 0, 0, 0, 5555, 80)),
            (true, seg(TcpFlags::FIN, 1, 0, 0, 5555, 80)),
        ]);
        assert_eq!(
            (c.conn_state(), c.history().as_str()),
            (ConnState::SH, "SF")
        );
        // A SYN-ACK from port 80 (flipped at once: the server is the responder),
        // then its RST: the responder's SYN-ACK and RST, no SYN seen.
        let c = run(&[
            (true, seg(SA, 1000, 1, 0, 80, 5555)),
            (true, seg(R, 1001, 0, 0, 80, 5555)),
        ]);
        assert_eq!(
            (c.conn_state(), c.history().as_str()),
            (ConnState::RSTRH, "^hr")
        );
        // Mid-stream data between two unremarkable ports.
        let c = run(&[(true, seg(A, 7, 9, 10, 40000, 40001))]);
        assert_eq!(
            (c.conn_state(), c.history().as_str()),
            (ConnState::OTH, "D")
        );
    }

    #[test]
    fn test_checksum_errors_only_write_history() {
        let cfg = ZeekConfig::default();
        let mut bad = seg(SYN, 0, 0, 0, 5555, 80);
        bad.checksum_ok = false;
        let mut c = ZeekConn::new();
        for k in 0..10 {
            c.on_segment(true, &bad, Duration::from_millis(k), &cfg);
        }
        let s = c.summary();
        assert_eq!(s.history.as_str(), "CC");
        assert_eq!(s.orig_pkts, 0);
        // With -C the packets count.
        let cfg = ZeekConfig {
            ignore_checksums: true,
            ..ZeekConfig::default()
        };
        let mut c = ZeekConn::new();
        c.on_segment(true, &bad, Duration::ZERO, &cfg);
        assert_eq!((c.summary().orig_pkts, c.history().as_str()), (1, "S"));
    }

    #[test]
    fn test_scaled_counts_powers_of_ten() {
        let mut s = Scaled::NEW;
        let hits: Vec<u32> = (1..=1000).filter(|_| s.hit()).collect();
        assert_eq!(hits, [1, 10, 100, 1000]);
    }

    #[test]
    fn test_size_of_conn() {
        std::println!("ZeekConn: {} bytes", core::mem::size_of::<ZeekConn>());
        // The per-connection cost the tracker pays for Zeek's summary.
        assert!(
            core::mem::size_of::<ZeekConn>() <= 464,
            "{}",
            core::mem::size_of::<ZeekConn>()
        );
    }

    /// The thirteen states, named as Zeek's `conn.log` writes them (its conn
    /// script's documentation), read back by name.
    #[test]
    fn test_conn_state_names_read_back() {
        let names = [
            "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR",
            "OTH",
        ];
        for (state, name) in ConnState::ALL.into_iter().zip(names) {
            assert_eq!(state.as_str(), name);
            assert_eq!(std::format!("{state}"), name);
            assert_eq!(ConnState::from_name(name), Some(state));
        }
        assert_eq!(ConnState::from_name("sf"), None);
        assert_eq!(ConnState::from_name(""), None);
    }

    /// A history takes `HISTORY_CAPACITY` letters; more are dropped and marked.
    #[test]
    fn test_history_truncates_at_capacity() {
        let mut h = History::new();
        for _ in 0..HISTORY_CAPACITY {
            h.push(b'd');
        }
        assert!(!h.is_truncated());
        assert_eq!(h.as_str().len(), HISTORY_CAPACITY);
        h.push(b'D');
        assert!(h.is_truncated());
        assert_eq!(h.as_str().len(), HISTORY_CAPACITY);
        h.replace(b"ShAD");
        assert!(!h.is_truncated());
        assert_eq!(std::format!("{h:?}"), "History(\"ShAD\")");
    }

    /// `ZeekSegment::from_packet` takes the IP lengths as Zeek does: an IPv4
    /// total length, an IPv6 payload length plus 40, and for a total length of
    /// 0 (captured before segmentation offload) a 20-byte IP header over what
    /// was captured.
    #[test]
    fn test_from_packet_reads_the_ip_lengths() {
        use crate::segment::Segment;
        use crate::wire::{Decoded, IpTcpBuilder, LinkType, decode};
        let data = Segment::new(SeqNum(7), SeqNum(9), A).with_len(100);
        let payload = [0x5au8; 100];
        let mut buf = [0u8; 256];
        for (from, to, ip_len) in [
            ("10.0.0.1:5555", "10.0.0.2:80", 140),
            ("[2001:db8::1]:5555", "[2001:db8::2]:80", 160),
        ] {
            let b = IpTcpBuilder::new(from.parse().unwrap(), to.parse().unwrap());
            let n = b.write_ip_packet(&data, &payload, &mut buf).unwrap();
            let Decoded::Tcp(p) = decode(LinkType::RAW, &buf[..n]) else {
                panic!("{from}");
            };
            let z = ZeekSegment::from_packet(&p, &buf[..n]);
            assert_eq!((z.ip_len, z.payload_len), (ip_len, 100), "{from}");
            assert!(z.payload_captured && z.checksum_ok, "{from}");
        }
        // IPv4 with a total length of 0.
        let b = IpTcpBuilder::new(
            "10.0.0.1:5555".parse().unwrap(),
            "10.0.0.2:80".parse().unwrap(),
        );
        let n = b.write_ip_packet(&data, &payload, &mut buf).unwrap();
        buf[2] = 0;
        buf[3] = 0;
        let Decoded::Tcp(p) = decode(LinkType::RAW, &buf[..n]) else {
            panic!("offload");
        };
        let z = ZeekSegment::from_packet(&p, &buf[..n]);
        assert_eq!((z.ip_len, z.payload_len), (140, 100));
        // PPPoE whose length ends the datagram 10 bytes before its IP total
        // length: Zeek still takes the IP lengths, so the payload was not
        // captured whole, and the checksum is not held against it.
        let n = b.write_ip_packet(&data, &payload, &mut buf).unwrap();
        let mut frame = alloc::vec::Vec::new();
        frame.extend_from_slice(&[2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x64]);
        let pppoe_len = (2 + n - 10) as u16;
        frame.extend_from_slice(&[0x11, 0, 0, 1]);
        frame.extend_from_slice(&pppoe_len.to_be_bytes());
        frame.extend_from_slice(&[0, 0x21]);
        frame.extend_from_slice(&buf[..n]);
        let Decoded::Tcp(p) = decode(LinkType::ETHERNET, &frame) else {
            panic!("PPPoE");
        };
        assert!(!p.is_truncated());
        let z = ZeekSegment::from_packet(&p, &frame);
        assert_eq!((z.ip_len, z.payload_len), (140, 100));
        assert!(!z.payload_captured && z.checksum_ok);
        // IPv4 with one word of options (IHL 6), from 10.6.0.1: the header is
        // found at 24 bytes back, not at 20 (where byte 9 would be the second
        // byte of the source address, a 6).
        let b4 = IpTcpBuilder::new(
            "10.6.0.1:5555".parse().unwrap(),
            "10.0.0.2:80".parse().unwrap(),
        );
        let n = b4.write_ip_packet(&data, &payload, &mut buf).unwrap();
        let mut v4 = alloc::vec::Vec::new();
        v4.extend_from_slice(&buf[..20]);
        v4.extend_from_slice(&[1, 1, 1, 0]);
        v4.extend_from_slice(&buf[20..n]);
        v4[0] = 0x46;
        v4[2..4].copy_from_slice(&((n + 4) as u16).to_be_bytes());
        let Decoded::Tcp(p) = decode(LinkType::RAW, &v4) else {
            panic!("IHL 6");
        };
        let z = ZeekSegment::from_packet(&p, &v4);
        assert_eq!((z.ip_len, z.payload_len), (144, 100));
        // IPv6 with an 8-byte hop-by-hop header: the payload length counts it.
        // The source address's bytes 4 and 5 (0xffff), 40 bytes before the TCP
        // header, would read as a payload length long enough; its first byte
        // (0x20) is not version 6, so that is not the header.
        let b6 = IpTcpBuilder::new(
            "[2001:db8:ffff::1]:5555".parse().unwrap(),
            "[2001:db8::2]:80".parse().unwrap(),
        );
        let n = b6.write_ip_packet(&data, &payload, &mut buf).unwrap();
        let mut v6 = alloc::vec::Vec::new();
        v6.extend_from_slice(&buf[..40]);
        v6.extend_from_slice(&[6, 0, 1, 4, 0, 0, 0, 0]);
        v6.extend_from_slice(&buf[40..n]);
        v6[6] = 0;
        v6[4..6].copy_from_slice(&((n - 40 + 8) as u16).to_be_bytes());
        let Decoded::Tcp(p) = decode(LinkType::RAW, &v6) else {
            panic!("hop-by-hop");
        };
        let z = ZeekSegment::from_packet(&p, &v6);
        assert_eq!((z.ip_len, z.payload_len), (168, 100));
        // IPv6 behind Ethernet, a bare ACK: the header 40 bytes back, its
        // length 40 + 20.
        let ack = Segment::new(SeqNum(7), SeqNum(9), A);
        let n = b6.write_ip_packet(&ack, &[], &mut buf).unwrap();
        let mut eth = alloc::vec::Vec::new();
        eth.extend_from_slice(&[2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd]);
        eth.extend_from_slice(&buf[..n]);
        let Decoded::Tcp(p) = decode(LinkType::ETHERNET, &eth) else {
            panic!("Ethernet IPv6");
        };
        let z = ZeekSegment::from_packet(&p, &eth);
        assert_eq!((z.ip_len, z.payload_len), (60, 0));
    }

    /// One conversation from originator ISN `isn` (responder ISN 5000): 600
    /// bytes in three segments, the first sent again, 100 bytes past a
    /// 100-byte hole, the hole filled, then the close; ACKs at each step.
    fn conversation_from(isn: u32) -> ZeekSummary {
        let cfg = ZeekConfig::default();
        let mut c = ZeekConn::new();
        let (o, r) = (isn, 5000u32);
        let at = |o: u32, n: u32| o.wrapping_add(n);
        let steps = [
            (true, seg(SYN, o, 0, 0, 5555, 80)),
            (false, seg(SA, r, at(o, 1), 0, 80, 5555)),
            (true, seg(A, at(o, 1), r + 1, 0, 5555, 80)),
            (true, seg(A, at(o, 1), r + 1, 200, 5555, 80)),
            (true, seg(A, at(o, 201), r + 1, 200, 5555, 80)),
            (true, seg(A, at(o, 401), r + 1, 200, 5555, 80)),
            (true, seg(A, at(o, 1), r + 1, 200, 5555, 80)),
            (false, seg(A, r + 1, at(o, 601), 0, 80, 5555)),
            (true, seg(A, at(o, 701), r + 1, 100, 5555, 80)),
            (false, seg(A, r + 1, at(o, 601), 0, 80, 5555)),
            (true, seg(A, at(o, 601), r + 1, 100, 5555, 80)),
            (false, seg(A, r + 1, at(o, 801), 0, 80, 5555)),
            (true, seg(FA, at(o, 801), r + 1, 0, 5555, 80)),
            (false, seg(FA, r + 1, at(o, 802), 0, 80, 5555)),
            (true, seg(A, at(o, 802), r + 2, 0, 5555, 80)),
        ];
        for (k, (from_a, s)) in steps.iter().enumerate() {
            c.on_segment(*from_a, s, Duration::from_millis(k as u64), &cfg);
        }
        c.summary()
    }

    /// Zeek's 64-bit sequence bookkeeping (`seq_wraps`, `ack_wraps`,
    /// `get_relative_seq`) makes a stream that crosses 2^32 read as one that
    /// does not: the same conversation from ISNs whose data wraps at each
    /// point gives the summary it gives from ISN 1000 (800 bytes, nothing
    /// missed).
    #[test]
    fn test_summary_is_the_same_across_the_wrap() {
        let plain = conversation_from(1000);
        assert_eq!((plain.orig_bytes, plain.missed_bytes), (800, 0));
        assert_eq!(plain.conn_state, ConnState::SF);
        for isn in [
            u32::MAX,
            u32::MAX - 100,
            u32::MAX - 300,
            u32::MAX - 650,
            u32::MAX - 750,
        ] {
            assert_eq!(conversation_from(isn), plain, "ISN {isn:#x}");
        }
    }

    /// A FIN carrying the originator's ISN itself, right after the handshake
    /// (a hostile segment): `seq_end` (ISN + 1) equals `last_seq`, which Zeek's
    /// `UpdateLastSeq` counts as no wrap, so the originator sent 0 bytes.
    #[test]
    fn test_fin_at_the_isn_is_not_a_wrap() {
        let cfg = ZeekConfig::default();
        let mut c = ZeekConn::new();
        c.on_segment(true, &seg(SYN, 1000, 0, 0, 5555, 80), Duration::ZERO, &cfg);
        c.on_segment(
            false,
            &seg(SA, 5000, 1001, 0, 80, 5555),
            Duration::ZERO,
            &cfg,
        );
        c.on_segment(
            true,
            &seg(FA, 1000, 5001, 0, 5555, 80),
            Duration::ZERO,
            &cfg,
        );
        assert_eq!(c.summary().orig_bytes, 0);
    }

    /// Who Zeek makes the originator from the first packet (`begin`'s rule):
    /// its sender, unless the packet is not a pure SYN and comes from a likely
    /// server port to one that is not, or between two such ports from the
    /// smaller (not for a SYN,ACK).
    #[test]
    fn test_first_packet_picks_the_originator() {
        let cfg = ZeekConfig::default();
        for (flags, sport, dport, orig_is_sender) in [
            (SYN, 40000, 80, true),
            (SYN, 80, 40000, true),
            (A, 80, 40000, false),
            (A, 40000, 80, true),
            (A, 443, 80, true),
            (A, 80, 443, false),
            (SA, 80, 443, true),
            (SA, 80, 40000, false),
        ] {
            let mut c = ZeekConn::new();
            c.on_segment(
                true,
                &seg(flags, 7, 9, 0, sport, dport),
                Duration::from_secs(3),
                &cfg,
            );
            assert_eq!(
                c.orig_is_a(),
                orig_is_sender,
                "{flags:?} {sport} -> {dport}"
            );
        }
    }

    /// The first packet's time starts the connection; the last one ends it.
    #[test]
    fn test_start_and_last_time() {
        let cfg = ZeekConfig::default();
        let mut c = ZeekConn::new();
        c.on_segment(
            true,
            &seg(SYN, 1000, 0, 0, 5555, 80),
            Duration::from_millis(1500),
            &cfg,
        );
        c.on_segment(
            false,
            &seg(SA, 5000, 1001, 0, 80, 5555),
            Duration::from_millis(1700),
            &cfg,
        );
        assert_eq!(c.start(), Duration::from_millis(1500));
        assert_eq!(c.last_time(), Duration::from_millis(1700));
    }

    /// A connection after the handshake 5555 → 80 (ISNs 1000 and 5000), all
    /// three packets at `t`.
    fn opened(t: Duration, cfg: &ZeekConfig) -> ZeekConn {
        let mut c = ZeekConn::new();
        c.on_segment(true, &seg(SYN, 1000, 0, 0, 5555, 80), t, cfg);
        c.on_segment(false, &seg(SA, 5000, 1001, 0, 80, 5555), t, cfg);
        c.on_segment(true, &seg(A, 1001, 5001, 0, 5555, 80), t, cfg);
        c
    }

    /// `IsReuse`: a SYN with the originator's ISN is not a new connection, one
    /// with another ISN is, and once a side has closed any SYN is; a SYN,ACK
    /// is one only while the originator is inactive; and on a connection seen
    /// from a SYN,ACK only, a SYN with the ISN that SYN,ACK acknowledged is not.
    #[test]
    fn test_is_reuse() {
        let cfg = ZeekConfig::default();
        let t = Duration::ZERO;
        let mut c = opened(t, &cfg);
        assert!(!c.is_reuse(&seg(SYN, 1000, 0, 0, 5555, 80)));
        assert!(c.is_reuse(&seg(SYN, 2000, 0, 0, 5555, 80)));
        assert!(!c.is_reuse(&seg(A, 2000, 0, 0, 5555, 80)));
        assert!(!c.is_reuse(&seg(SA, 7000, 1001, 0, 80, 5555)));
        c.on_segment(true, &seg(FA, 1001, 5001, 0, 5555, 80), t, &cfg);
        assert!(c.is_reuse(&seg(SYN, 1000, 0, 0, 5555, 80)));
        // Only a SYN,ACK seen (ports no likely server's: no flip).
        let mut h = ZeekConn::new();
        h.on_segment(true, &seg(SA, 5000, 1001, 0, 40000, 50000), t, &cfg);
        assert!(h.orig_is_a());
        assert!(!h.is_reuse(&seg(SYN, 1000, 0, 0, 50000, 40000)));
        assert!(h.is_reuse(&seg(SYN, 3000, 0, 0, 50000, 40000)));
        assert!(!h.is_reuse(&seg(SYN, 5000, 0, 0, 40000, 50000)));
    }

    /// `TCP_Endpoint::Size` reports 0 for a side reset from SYN_SENT only when
    /// its peer is inactive and data was acknowledged; otherwise its bytes
    /// count: data after a SYN that no one answered, and data on a SYN that
    /// the SYN,ACK acknowledged, then a RST.
    #[test]
    fn test_size_of_a_side_reset_from_syn_sent() {
        let cfg = ZeekConfig::default();
        let t = Duration::ZERO;
        let mut c = ZeekConn::new();
        c.on_segment(true, &seg(SYN, 1000, 0, 0, 5555, 80), t, &cfg);
        c.on_segment(true, &seg(A, 1001, 0, 10, 5555, 80), t, &cfg);
        c.on_segment(true, &seg(R, 1011, 0, 0, 5555, 80), t, &cfg);
        assert_eq!(c.summary().orig_bytes, 10);
        let mut c = ZeekConn::new();
        c.on_segment(true, &seg(SYN, 1000, 0, 10, 5555, 80), t, &cfg);
        c.on_segment(false, &seg(SA, 5000, 1011, 0, 80, 5555), t, &cfg);
        c.on_segment(true, &seg(R, 1011, 0, 0, 5555, 80), t, &cfg);
        assert_eq!(c.summary().orig_bytes, 10);
    }

    /// Zeek's timers, earliest first, with the default timeouts: an
    /// unanswered SYN goes at its attempt timer (5 s) though later ones are
    /// due too; an established connection left idle goes at the TCP
    /// inactivity timeout (300 s), not at the attempt timer; a closed one
    /// goes at its delete timer, 5 s after its last packet.
    #[test]
    fn test_timers_fire_earliest_first() {
        let cfg = ZeekConfig::default();
        let s = Duration::from_secs;
        let mut c = ZeekConn::new();
        c.on_segment(true, &seg(SYN, 1000, 0, 0, 5555, 80), s(0), &cfg);
        assert_eq!(c.expire(s(1000), &cfg), Some((s(5), ZeekRemoval::Attempt)));
        let mut c = opened(s(0), &cfg);
        assert_eq!(c.expire(s(100), &cfg), None);
        assert_eq!(
            c.expire(s(1000), &cfg),
            Some((s(300), ZeekRemoval::Inactivity))
        );
        let mut c = opened(s(0), &cfg);
        c.on_segment(true, &seg(FA, 1001, 5001, 0, 5555, 80), s(1), &cfg);
        c.on_segment(false, &seg(FA, 5001, 1002, 0, 80, 5555), s(1), &cfg);
        c.on_segment(true, &seg(A, 1002, 5002, 0, 5555, 80), s(1), &cfg);
        assert_eq!(c.expire(s(1000), &cfg), Some((s(6), ZeekRemoval::Closed)));
        // Opened by a cut header only (both endpoints inactive): the expire
        // timer (every 6 s from 5 s) removes it at its first run past the 5 s
        // of linger, 11 s.
        let mut c = ZeekConn::new();
        c.on_cut_header(true, &seg(SYN, 1000, 0, 0, 5555, 80), s(0), &cfg);
        assert_eq!(c.expire(s(1000), &cfg), Some((s(11), ZeekRemoval::Expire)));
    }

    /// `ConnSize` counts each side's packets and their IP lengths
    /// (`orig_ip_bytes`, `resp_ip_bytes`), headers included.
    #[test]
    fn test_ip_bytes_add_each_packets_ip_length() {
        let cfg = ZeekConfig::default();
        let t = Duration::ZERO;
        let mut c = opened(t, &cfg);
        c.on_segment(true, &seg(A, 1001, 5001, 100, 5555, 80), t, &cfg);
        let s = c.summary();
        assert_eq!((s.orig_pkts, s.orig_ip_bytes), (3, 40 + 40 + 140));
        assert_eq!((s.resp_pkts, s.resp_ip_bytes), (1, 40));
    }

    /// `ZeekSessions` holds one session per connection, numbers them in the
    /// order they started, and `sweep` hands over those Zeek's timers removed,
    /// by removal time: two unanswered SYNs go at their attempt timers (5 s).
    #[test]
    fn test_sessions_count_and_sweep() {
        let mut z = ZeekSessions::new(ZeekConfig::default());
        assert!(z.is_empty());
        let server: SocketAddr = "10.0.0.2:80".parse().unwrap();
        for (k, port) in [1000u16, 1001].into_iter().enumerate() {
            let client = SocketAddr::from(([10, 0, 0, 1], port));
            let t = Duration::from_millis(10 * k as u64);
            z.on_segment(client, server, &seg(SYN, 1000, 0, 0, port, 80), t);
            assert_eq!(z.len(), k + 1);
            assert!(!z.is_empty());
        }
        z.sweep(Duration::from_secs(100));
        assert!(z.is_empty());
        let ended: Vec<(u64, u16, Option<ZeekRemoval>, Duration)> =
            core::iter::from_fn(|| z.pop_finished())
                .map(|r| (r.index, r.orig.port(), r.removal, r.end))
                .collect();
        let attempt = Some(ZeekRemoval::Attempt);
        assert_eq!(
            ended,
            [
                (0, 1000, attempt, Duration::from_secs(5)),
                (1, 1001, attempt, Duration::from_millis(5010)),
            ]
        );
    }

    /// Zeek's defaults (`scripts/base/init-bare.zeek`), written out here.
    #[test]
    fn test_defaults_are_zeeks() {
        let c = ZeekConfig::default();
        assert!(!c.ignore_checksums);
        assert_eq!(c.max_initial_window, 16_384);
        assert_eq!(c.max_above_hole_without_any_acks, 16_384);
        assert_eq!(c.excessive_data_without_further_acks, 10_485_760);
        let t = ZeekTimeouts::default();
        let secs = |d: Duration| d.as_secs();
        assert_eq!(
            [
                secs(t.attempt_delay),
                secs(t.syn_timeout),
                secs(t.session_timer),
                secs(t.connection_linger),
                secs(t.close_delay),
                secs(t.handshake_inactivity),
                secs(t.inactivity),
            ],
            [5, 5, 6, 5, 5, 60, 300]
        );
        assert!((c.likely_server_port)(80) && (c.likely_server_port)(443));
        assert!(!(c.likely_server_port)(40000));
    }

    #[test]
    fn test_rstos0_pattern() {
        assert!(history_is_rstos0("SR"));
        assert!(history_is_rstos0("^SdR"));
        assert!(!history_is_rstos0("SaFR"));
        assert!(!history_is_rstos0("SAR"));
        assert!(!history_is_rstos0("R"));
    }

    /// `TCP_Endpoint::Size`'s special case: a side reset from SYN_SENT whose
    /// peer is still inactive, when data of it was acknowledged, has size 0.
    /// The responder's bare ACK (acknowledging 50 bytes never seen) leaves it
    /// inactive, as the originator is in SYN_SENT; without the special case the
    /// originator's size would be 1050 − 1000 − 1 = 49.
    #[test]
    fn test_size_is_zero_after_reset_from_syn_sent_with_data_acked() {
        let c = run(&[
            (true, seg(SYN, 1000, 0, 0, 5555, 80)),
            (false, seg(A, 7000, 1050, 0, 80, 5555)),
            (true, seg(R, 1001, 0, 0, 5555, 80)),
        ]);
        let s = c.summary();
        assert_eq!(
            (s.orig_state, s.resp_state),
            (EndpointState::Reset, EndpointState::Inactive)
        );
        assert_eq!(s.orig_bytes, 0);
    }

    /// Zeek counts a content gap only when both endpoints are "clean"
    /// (`IsClean`: established, or closed from established). Ten bytes, a
    /// ten-byte hole, ten more; the responder's ACK past them reveals the hole
    /// (a gap in the originator's data, `G`, 10 missed bytes), but not when
    /// that ACK rides on its RST: the responder is then reset, not clean.
    #[test]
    fn test_gap_counts_only_between_clean_endpoints() {
        let cfg = ZeekConfig::default();
        let t = Duration::ZERO;
        for (flags, missed, history) in [(A, 10, "ShADaG"), (RA, 0, "ShADr")] {
            let mut c = opened(t, &cfg);
            c.on_segment(true, &seg(A, 1001, 5001, 10, 5555, 80), t, &cfg);
            c.on_segment(true, &seg(A, 1021, 5001, 10, 5555, 80), t, &cfg);
            c.on_segment(false, &seg(flags, 5001, 1031, 0, 80, 5555), t, &cfg);
            let s = c.summary();
            assert_eq!(s.missed_bytes, missed, "{flags:?}");
            assert_eq!(s.history.as_str(), history, "{flags:?}");
        }
    }

    /// Data on the SYN starts at the ISN + 1 and is delivered: the SYN,ACK
    /// acknowledging it and the ACK after the next ten bytes find no gap.
    /// Zeek's `update_last_seq` also calls that first SYN a retransmission
    /// (`T`): `init_endpoint` already set its last sequence number to the
    /// segment's end, so the segment does not advance it and carries data.
    #[test]
    fn test_data_on_the_syn_is_delivered() {
        let c = run(&[
            (true, seg(SYN, 1000, 0, 10, 5555, 80)),
            (false, seg(SA, 5000, 1011, 0, 80, 5555)),
            (true, seg(A, 1011, 5001, 10, 5555, 80)),
            (false, seg(A, 5001, 1021, 0, 80, 5555)),
        ]);
        let s = c.summary();
        assert_eq!((s.orig_bytes, s.missed_bytes), (20, 0));
        assert_eq!(s.history.as_str(), "SThDa");
    }

    /// A time past what 64 bits of nanoseconds hold is kept one below the
    /// mark of an unarmed timer, so it is never taken for one.
    #[test]
    fn test_nanos_saturate_below_never() {
        assert_eq!(nanos(Duration::MAX), NEVER - 1);
        assert_eq!(nanos(Duration::from_nanos(NEVER - 1)), NEVER - 1);
    }

    /// The first segment from a likely server port to the same port (not a
    /// bare SYN): the source port is not the smaller one, so no flip.
    #[test]
    fn test_first_packet_between_equal_server_ports_keeps_the_roles() {
        let c = run(&[(true, seg(A, 1, 1, 0, 80, 80))]);
        assert!(c.orig_is_a());
        assert_eq!(c.history().as_str(), "A");
    }

    /// The earliest due timer fires first whatever its kind, and of two due
    /// at the same time, the one Zeek set first: with a 1 s handshake
    /// inactivity, an unanswered SYN goes at 1 s (inactivity) before its
    /// attempt timer (5 s); a connection closed at 1 s with 5 s for both the
    /// close delay and the inactivity timeout goes at 6 s by its close
    /// (delete) timer.
    #[test]
    fn test_timer_order_and_ties() {
        let s = Duration::from_secs;
        let mut cfg = ZeekConfig::default();
        cfg.timeouts.handshake_inactivity = s(1);
        let mut c = ZeekConn::new();
        c.on_segment(true, &seg(SYN, 1000, 0, 0, 5555, 80), s(0), &cfg);
        assert_eq!(
            c.expire(s(1000), &cfg),
            Some((s(1), ZeekRemoval::Inactivity))
        );
        let mut cfg = ZeekConfig::default();
        cfg.timeouts.inactivity = s(5);
        let mut c = opened(s(0), &cfg);
        c.on_segment(true, &seg(FA, 1001, 5001, 0, 5555, 80), s(1), &cfg);
        c.on_segment(false, &seg(FA, 5001, 1002, 0, 80, 5555), s(1), &cfg);
        assert_eq!(c.expire(s(1000), &cfg), Some((s(6), ZeekRemoval::Closed)));
    }

    /// The expire timers (every 6 s from 5 s after the start and from 6 s
    /// after a half close) remove a connection past its 5 s of linger once one
    /// side closed and a side is reset (or inactive): here the side that sent
    /// the FIN at 1 s resets at 2 s, so the first run after 7 s, at 11 s,
    /// removes it; the same when the responder closes and resets. Without the
    /// RST it would stay until the inactivity timeout.
    #[test]
    fn test_expire_after_a_close_then_a_reset() {
        let cfg = ZeekConfig::default();
        let s = Duration::from_secs;
        let mut c = opened(s(0), &cfg);
        c.on_segment(true, &seg(FA, 1001, 5001, 0, 5555, 80), s(1), &cfg);
        c.on_segment(true, &seg(R, 1002, 0, 0, 5555, 80), s(2), &cfg);
        assert_eq!(c.expire(s(1000), &cfg), Some((s(11), ZeekRemoval::Expire)));
        // The same from the responder: its FIN, then its RST.
        let mut c = opened(s(0), &cfg);
        c.on_segment(false, &seg(FA, 5001, 1001, 0, 80, 5555), s(1), &cfg);
        c.on_segment(false, &seg(R, 5002, 0, 0, 80, 5555), s(2), &cfg);
        assert_eq!(c.expire(s(1000), &cfg), Some((s(11), ZeekRemoval::Expire)));
        let mut c = opened(s(0), &cfg);
        c.on_segment(true, &seg(FA, 1001, 5001, 0, 5555, 80), s(1), &cfg);
        assert_eq!(
            c.expire(s(1000), &cfg),
            Some((s(301), ZeekRemoval::Inactivity))
        );
    }

    /// The expire checks that find nothing to do are skipped up to the time
    /// asked for, but stay on their 6 s grid: a connection half closed at 1 s
    /// and asked at 100 s stays; when the closer resets at 150 s, it goes at
    /// the first run of either chain past 155 s (the chains run at 7 + 6k and
    /// 11 + 6k: 157 s).
    #[test]
    fn test_expire_skips_futile_runs_on_the_grid() {
        let cfg = ZeekConfig::default();
        let s = Duration::from_secs;
        let mut c = opened(s(0), &cfg);
        c.on_segment(true, &seg(FA, 1001, 5001, 0, 5555, 80), s(1), &cfg);
        assert_eq!(c.expire(s(100), &cfg), None);
        c.on_segment(true, &seg(R, 1002, 0, 0, 5555, 80), s(150), &cfg);
        assert_eq!(c.expire(s(1000), &cfg), Some((s(157), ZeekRemoval::Expire)));
    }

    /// One side sending data with no handshake and no answer is partial, not
    /// inactive: the expire timer leaves it (it removes a connection only when
    /// both sides are inactive, or after a close), and the inactivity timeout
    /// (300 s) removes it.
    #[test]
    fn test_one_sided_partial_connection_goes_at_inactivity() {
        let cfg = ZeekConfig::default();
        let mut c = ZeekConn::new();
        c.on_segment(true, &seg(A, 1, 1, 10, 5555, 80), Duration::ZERO, &cfg);
        let s = c.summary();
        assert_eq!(
            (s.orig_state, s.resp_state),
            (EndpointState::Partial, EndpointState::Inactive)
        );
        assert_eq!(
            c.expire(Duration::from_secs(1000), &cfg),
            Some((Duration::from_secs(300), ZeekRemoval::Inactivity))
        );
    }

    /// `ZeekSessions` runs the timers of every connection at most once a
    /// second of capture time, at the first packet a second or more after the
    /// last run: a packet at 10 s ends the SYN left unanswered at 0 (at 5 s).
    #[test]
    fn test_sessions_sweep_on_a_later_packet() {
        let mut z = ZeekSessions::new(ZeekConfig::default());
        let server: SocketAddr = "10.0.0.2:80".parse().unwrap();
        for (port, secs) in [(1000u16, 0u64), (1001, 10)] {
            let client = SocketAddr::from(([10, 0, 0, 1], port));
            let syn = seg(SYN, 1000, 0, 0, port, 80);
            z.on_segment(client, server, &syn, Duration::from_secs(secs));
        }
        assert_eq!(z.len(), 1);
        let r = z.pop_finished().expect("the first SYN ended");
        assert_eq!((r.orig.port(), r.end), (1000, Duration::from_secs(5)));
        assert!(z.pop_finished().is_none());
    }

    /// Feeds `segs` (A's or B's, as marked) at 0, 1, 2, … s with `cfg`.
    fn run_with(cfg: &ZeekConfig, segs: &[(bool, ZeekSegment)]) -> ZeekConn {
        let mut c = ZeekConn::new();
        for (k, (from_a, s)) in segs.iter().enumerate() {
            c.on_segment(*from_a, s, Duration::from_secs(k as u64), cfg);
        }
        c
    }

    /// The handshake 5555 → 80 with ISNs 1000 and 5000 (as [`opened`]), each
    /// segment with whether A sent it.
    fn opening() -> Vec<(bool, ZeekSegment)> {
        vec![
            (true, seg(SYN, 1000, 0, 0, 5555, 80)),
            (false, seg(SA, 5000, 1001, 0, 80, 5555)),
            (true, seg(A, 1001, 5001, 0, 5555, 80)),
        ]
    }

    /// `SetPartialStatus` looks at each direction's first packet only
    /// (`CheckPIA_FirstPacket` marks it), so after a whole handshake the
    /// connection is not partial and an ACK of one byte never seen is a gap
    /// (`Undelivered` skips `up_to <= 2` only on partial connections). When
    /// the responder's first packet is a bare ACK (it acknowledged the SYN
    /// before its SYN,ACK), the connection is partial: the same ACK is no gap.
    #[test]
    fn test_partial_status_comes_from_each_sides_first_packet() {
        let mut segs = opening();
        segs.push((false, seg(A, 5001, 1002, 0, 80, 5555)));
        let s = run(&segs).summary();
        assert_eq!((s.missed_bytes, s.history.as_str()), (1, "ShAaG"));
        let s = run(&[
            (true, seg(SYN, 1000, 0, 0, 5555, 80)),
            (false, seg(A, 7000, 1001, 0, 80, 5555)),
            (false, seg(SA, 5000, 1001, 0, 80, 5555)),
            (true, seg(A, 1001, 5001, 0, 5555, 80)),
            (false, seg(A, 5001, 1002, 0, 80, 5555)),
        ])
        .summary();
        assert_eq!((s.missed_bytes, s.history.as_str()), (0, "SahA"));
        assert_eq!(s.conn_state, ConnState::S1);
    }

    /// `get_segment_len`: a RST's payload takes no sequence space, so ten
    /// bytes on a RST at the next sequence number do not advance the sender
    /// (`update_last_seq` calls them a retransmission, `T`).
    #[test]
    fn test_payload_on_a_rst_takes_no_sequence_space() {
        let mut segs = opening();
        segs.push((true, seg(R, 1001, 0, 10, 5555, 80)));
        let s = run(&segs).summary();
        assert_eq!((s.orig_bytes, s.history.as_str()), (0, "ShART"));
        assert_eq!(s.conn_state, ConnState::RSTO);
    }

    /// `update_last_seq` ignores a SYN or RST more than `TOO_LARGE_SEQ_DELTA`
    /// (2^20) from the sender's last sequence number, but takes a nearer one:
    /// a RST 50 past the handshake makes the originator's size 50.
    #[test]
    fn test_far_rst_is_ignored_near_one_counts() {
        for (ahead, bytes) in [(50u32, 50u64), (2_000_000, 0)] {
            let mut segs = opening();
            segs.push((true, seg(R, 1001 + ahead, 0, 0, 5555, 80)));
            let s = run(&segs).summary();
            assert_eq!(s.orig_bytes, bytes, "{ahead}");
        }
    }

    /// A keep-alive right after the handshake (sequence number one below the
    /// next, no data) does not move the sender's last sequence number: its
    /// size stays 0 (only a FIN there, `last_seq == start_seq + 1`, would).
    /// Nor does a FIN below data already sent: ten bytes and a FIN at byte 6
    /// leave ten bytes, less the FIN's octet (`Size`).
    #[test]
    fn test_segments_behind_the_last_sequence_number_do_not_move_it() {
        let mut segs = opening();
        segs.push((true, seg(A, 1000, 5001, 0, 5555, 80)));
        let s = run(&segs).summary();
        assert_eq!((s.orig_bytes, s.history.as_str()), (0, "ShA"));
        let mut segs = opening();
        segs.push((true, seg(A, 1001, 5001, 10, 5555, 80)));
        segs.push((true, seg(FA, 1006, 5001, 0, 5555, 80)));
        let s = run(&segs).summary();
        assert_eq!((s.orig_bytes, s.history.as_str()), (9, "ShADF"));
    }

    /// `conn_state`: both sides reset with no data is REJ (main.zeek's
    /// "orig reset, resp reset, no data"); with data from the originator it
    /// is RSTR.
    #[test]
    fn test_both_reset_without_data_is_rej() {
        let s = run(&[
            (true, seg(SYN, 1000, 0, 0, 5555, 80)),
            (true, seg(R, 1001, 0, 0, 5555, 80)),
            (false, seg(R, 5000, 0, 0, 80, 5555)),
        ])
        .summary();
        assert_eq!((s.orig_bytes, s.resp_bytes), (0, 0));
        assert_eq!(s.conn_state, ConnState::REJ);
        let mut segs = opening();
        segs.push((true, seg(A, 1001, 5001, 10, 5555, 80)));
        segs.push((true, seg(R, 1011, 0, 0, 5555, 80)));
        segs.push((false, seg(R, 5001, 0, 0, 80, 5555)));
        let s = run(&segs).summary();
        assert_eq!(s.orig_bytes, 10);
        assert_eq!(s.conn_state, ConnState::RSTR);
    }

    /// A partial originator (data first) that then sends a bare SYN while the
    /// responder is silent goes to SYN_SENT (S0); a SYN,ACK, or a responder
    /// that spoke, or more data, leave it partial.
    #[test]
    fn test_partial_side_sending_a_bare_syn_goes_to_syn_sent() {
        let data = (true, seg(A, 2000, 1, 10, 5555, 80));
        let c = run(&[data, (true, seg(SYN, 3000, 0, 0, 5555, 80))]);
        assert_eq!(c.summary().orig_state, EndpointState::SynSent);
        assert_eq!(c.conn_state(), ConnState::S0);
        for second in [
            (true, seg(SA, 3000, 1, 0, 5555, 80)),
            (true, seg(A, 2010, 1, 10, 5555, 80)),
        ] {
            let c = run(&[data, second]);
            assert_eq!(c.summary().orig_state, EndpointState::Partial);
            assert_eq!(c.conn_state(), ConnState::OTH);
        }
        let c = run(&[
            data,
            (false, seg(A, 1, 2010, 0, 80, 5555)),
            (true, seg(SYN, 3000, 0, 0, 5555, 80)),
        ]);
        assert_eq!(c.summary().orig_state, EndpointState::Partial);
    }

    /// The responder's data before its SYN,ACK makes it partial; only a bare
    /// ACK leaves it inactive (Zeek's "eccentric TCPs" that ack a SYN before
    /// replying).
    #[test]
    fn test_responder_data_before_its_syn_ack_is_partial() {
        let c = run(&[
            (true, seg(SYN, 1000, 0, 0, 5555, 80)),
            (false, seg(A, 7000, 1001, 10, 80, 5555)),
        ]);
        assert_eq!(c.summary().resp_state, EndpointState::Partial);
    }

    /// The inactivity timeout is the handshake one (60 s) until a side first
    /// leaves the handshake states: a SYN answered by nothing, with the
    /// attempt timer set far off, goes at 60 s.
    #[test]
    fn test_handshake_inactivity_until_the_handshake_ends() {
        let mut cfg = ZeekConfig::default();
        cfg.timeouts.attempt_delay = Duration::from_secs(1000);
        let mut c = ZeekConn::new();
        c.on_segment(true, &seg(SYN, 1000, 0, 0, 5555, 80), Duration::ZERO, &cfg);
        assert_eq!(
            c.expire(Duration::from_secs(2000), &cfg),
            Some((Duration::from_secs(60), ZeekRemoval::Inactivity))
        );
    }

    /// A side reset by its first packet that then sends a SYN starts its
    /// sequence space again at that SYN (`init_endpoint`); what the peer
    /// acknowledges of it counts from there: 10 bytes.
    #[test]
    fn test_syn_after_a_first_rst_restarts_the_sequence_space() {
        let c = run(&[
            (true, seg(R, 1000, 0, 0, 40000, 80)),
            (true, seg(SYN, 5000, 0, 0, 40000, 80)),
            (true, seg(A, 5001, 1, 10, 40000, 80)),
            (false, seg(A, 1, 5011, 0, 80, 40000)),
        ]);
        assert!(c.orig_is_a());
        assert_eq!(c.summary().orig_bytes, 10);
    }

    /// A SYN sent again with another ISN, still in SYN_SENT, replaces the
    /// ISN (`init_endpoint`): 10 bytes after it, not 2,010.
    #[test]
    fn test_syn_with_a_new_isn_restarts_the_sequence_space() {
        let s = run(&[
            (true, seg(SYN, 1000, 0, 0, 5555, 80)),
            (true, seg(SYN, 3000, 0, 0, 5555, 80)),
            (false, seg(SA, 5000, 3001, 0, 80, 5555)),
            (true, seg(A, 3001, 5001, 10, 5555, 80)),
            (false, seg(A, 5001, 3011, 0, 80, 5555)),
        ])
        .summary();
        assert_eq!((s.orig_bytes, s.missed_bytes), (10, 0));
    }

    /// A zero window writes `W` (`w` from the responder) unless the peer has
    /// closed or the sender is reset (`update_window`).
    #[test]
    fn test_zero_window_history() {
        let zero = |mut s: ZeekSegment| {
            s.window = 0;
            s
        };
        let mut segs = opening();
        segs.push((false, zero(seg(A, 5001, 1001, 0, 80, 5555))));
        assert_eq!(run(&segs).history().as_str(), "ShAaw");
        let mut segs = opening();
        segs.push((true, seg(FA, 1001, 5001, 0, 5555, 80)));
        segs.push((false, zero(seg(A, 5001, 1002, 0, 80, 5555))));
        assert_eq!(run(&segs).history().as_str(), "ShAFa");
        let mut segs = opening();
        segs.push((false, seg(R, 5001, 0, 0, 80, 5555)));
        segs.push((false, zero(seg(A, 5001, 1001, 0, 80, 5555))));
        assert_eq!(run(&segs).history().as_str(), "ShAra");
    }

    /// The attempt timer removes a connection only while the responder is
    /// inactive: a responder that answered a SYN with a FIN keeps it until
    /// the inactivity timeout (300 s after its FIN at 1 s).
    #[test]
    fn test_attempt_timer_spares_a_responder_that_spoke() {
        let cfg = ZeekConfig::default();
        let s = Duration::from_secs;
        let mut c = ZeekConn::new();
        c.on_segment(true, &seg(SYN, 1000, 0, 0, 5555, 80), s(0), &cfg);
        c.on_segment(false, &seg(FA, 5000, 1001, 0, 80, 5555), s(1), &cfg);
        assert_eq!(
            c.expire(s(1000), &cfg),
            Some((s(301), ZeekRemoval::Inactivity))
        );
    }

    /// A RST on an established connection completes it: removed by its close
    /// timer, 5 s after.
    #[test]
    fn test_rst_completes_the_connection() {
        let cfg = ZeekConfig::default();
        let s = Duration::from_secs;
        let mut c = opened(s(0), &cfg);
        c.on_segment(true, &seg(R, 1001, 0, 0, 5555, 80), s(1), &cfg);
        assert_eq!(c.expire(s(1000), &cfg), Some((s(6), ZeekRemoval::Closed)));
    }

    /// A packet with SYN and FIN writes `Q` (several control flags), one with
    /// FIN and RST `I`.
    #[test]
    fn test_multi_flag_history_letters() {
        let c = run(&[(true, seg(SYN | TcpFlags::FIN, 1000, 0, 0, 5555, 80))]);
        assert_eq!(c.history().as_str(), "Q");
        let c = run(&[(true, seg(SYN | R, 1000, 0, 0, 5555, 80))]);
        assert_eq!(c.history().as_str(), "Q");
        let c = run(&[(true, seg(FA | R, 1000, 0, 0, 5555, 80))]);
        assert_eq!(c.history().as_str(), "I");
    }

    /// A SYN,ACK first, then a bare SYN from the other side: Zeek's
    /// SYN/SYN-ACK reversal flips the roles (`^`) and establishes both (S1).
    /// Two bare SYNs (simultaneous open) establish both without a flip.
    #[test]
    fn test_syn_ack_then_syn_reverses_roles_simultaneous_open_does_not() {
        let c = run(&[
            (true, seg(SA, 1000, 7000, 0, 40000, 50000)),
            (false, seg(SYN, 5000, 0, 0, 50000, 40000)),
        ]);
        assert!(!c.orig_is_a());
        assert_eq!(c.history().as_str(), "Hs^");
        assert_eq!(c.conn_state(), ConnState::S1);
        let c = run(&[
            (true, seg(SYN, 1000, 0, 0, 40000, 50000)),
            (false, seg(SYN, 5000, 0, 0, 50000, 40000)),
        ]);
        assert!(c.orig_is_a());
        assert_eq!(c.history().as_str(), "Ss");
        assert_eq!(c.conn_state(), ConnState::S1);
    }

    /// Two SYN,ACKs and nothing else: the first sender stays in SYN_ACK_SENT,
    /// so the connection is OTH, not S1 (which needs both established).
    #[test]
    fn test_two_syn_acks_are_oth() {
        let c = run(&[
            (true, seg(SA, 1000, 7000, 0, 40000, 50000)),
            (false, seg(SA, 5000, 1001, 0, 50000, 40000)),
        ]);
        assert_eq!(c.history().as_str(), "Hh");
        assert_eq!(c.conn_state(), ConnState::OTH);
    }

    /// A side closed then reset goes back to closed when its peer's FIN
    /// arrives (SF); a side reset from established stays reset (RSTR).
    #[test]
    fn test_fin_after_peers_close_and_reset() {
        let mut segs = opening();
        segs.push((false, seg(FA, 5001, 1001, 0, 80, 5555)));
        segs.push((false, seg(R, 5002, 0, 0, 80, 5555)));
        segs.push((true, seg(FA, 1001, 5002, 0, 5555, 80)));
        let s = run(&segs).summary();
        assert_eq!(
            (s.orig_state, s.resp_state),
            (EndpointState::Closed, EndpointState::Closed)
        );
        assert_eq!(s.conn_state, ConnState::SF);
        let mut segs = opening();
        segs.push((false, seg(R, 5001, 0, 0, 80, 5555)));
        segs.push((true, seg(FA, 1001, 5001, 0, 5555, 80)));
        let s = run(&segs).summary();
        assert_eq!(s.resp_state, EndpointState::Reset);
        assert_eq!(s.conn_state, ConnState::RSTR);
    }

    /// `update_ack_seq` ignores an acknowledgment number of 0 only when it
    /// lies more than 2^20 ahead (a bogus zero); at exactly 2^20 ahead, or
    /// nearer, it counts: from ISN 2^32 − 2^20 an ACK of 0 acknowledges
    /// 2^20 − 1 bytes after the SYN; from ISN 2^32 − 16, 15.
    #[test]
    fn test_ack_of_zero_counts_unless_too_far_ahead() {
        for (isn, bytes) in [
            (0xFFF0_0000u32, 1_048_575u64),
            (0xFFFF_FFF0, 15),
            (0xFFEF_FFFF, 0),
        ] {
            let s = run(&[
                (true, seg(SYN, isn, 0, 0, 5555, 80)),
                (false, seg(SA, 5000, 0, 0, 80, 5555)),
            ])
            .summary();
            assert_eq!(s.orig_bytes, bytes, "{isn:#x}");
        }
    }

    /// Zeek's limits on what it buffers (`BlockInserted`), with ten bytes, a
    /// ten-byte hole, ten more bytes, then an ACK past them:
    /// - more than `excessive_data_without_further_acks` buffered (delivered
    ///   but unacknowledged, plus above the hole) stops reassembly: 20 is not
    ///   more than 20, so the gap counts; 20 is more than 19, so it does not;
    /// - more than `max_above_hole_without_any_acks` from the hole to the end
    ///   of the highest block (`NumUndeliveredBytes`: 31 − 11 = 20, the hole
    ///   included) with nothing acknowledged stops it too;
    /// - data beyond `max_initial_window` with nothing acknowledged is taken
    ///   as delivered and forgotten, so it no longer counts as buffered.
    #[test]
    fn test_reassembly_limits() {
        let run_limits = |iw: u64, above: u64, excessive: u64, ack_first: bool| {
            let cfg = ZeekConfig {
                max_initial_window: iw,
                max_above_hole_without_any_acks: above,
                excessive_data_without_further_acks: excessive,
                ..ZeekConfig::default()
            };
            let mut segs = opening();
            segs.push((true, seg(A, 1001, 5001, 10, 5555, 80)));
            if ack_first {
                segs.push((false, seg(A, 5001, 1011, 0, 80, 5555)));
                segs.push((true, seg(A, 1011, 5001, 10, 5555, 80)));
                segs.push((true, seg(A, 1031, 5001, 10, 5555, 80)));
                segs.push((false, seg(A, 5001, 1041, 0, 80, 5555)));
            } else {
                segs.push((true, seg(A, 1021, 5001, 10, 5555, 80)));
                segs.push((false, seg(A, 5001, 1031, 0, 80, 5555)));
            }
            run_with(&cfg, &segs).summary().missed_bytes
        };
        // Excessive data.
        assert_eq!(run_limits(0, 0, 20, false), 10);
        assert_eq!(run_limits(0, 0, 19, false), 0);
        // Above a hole with nothing acknowledged: 20 from the hole on.
        assert_eq!(run_limits(0, 20, 0, false), 10);
        assert_eq!(run_limits(0, 19, 0, false), 0);
        assert_eq!(run_limits(0, 10, 0, false), 0);
        // The initial window: the first ten bytes (more than 5) are
        // forgotten, leaving 10 buffered, not more than 15.
        assert_eq!(run_limits(5, 0, 15, false), 10);
        assert_eq!(run_limits(0, 0, 15, false), 0);
        // Exactly the window (10 bytes, not more than 10) is not trimmed: 20
        // held, more than 15.
        assert_eq!(run_limits(10, 0, 15, false), 0);
        assert_eq!(run_limits(9, 0, 15, false), 10);
        // Once data is acknowledged the initial window no longer applies:
        // 10 delivered and 10 above the hole are 20, more than 15.
        assert_eq!(run_limits(15, 0, 15, true), 0);
        assert_eq!(run_limits(0, 0, 20, true), 10);
    }

    /// The SYN/SYN-ACK reversal's `FlipRoles` clears the partial status the
    /// SYN,ACK's sender set by its first packet (a SYN,ACK first is partial):
    /// the connection is then whole, and an ACK of one byte of the new
    /// originator never seen is a gap.
    #[test]
    fn test_reversal_clears_the_partial_status() {
        let c = run(&[
            (true, seg(SA, 1000, 7000, 0, 40000, 50000)),
            (false, seg(SYN, 5000, 0, 0, 50000, 40000)),
            (true, seg(A, 1001, 5002, 0, 40000, 50000)),
        ]);
        let s = c.summary();
        assert!(!c.orig_is_a());
        assert_eq!((s.missed_bytes, s.history.as_str()), (1, "Hs^aG"));
        // The new originator's next packet is not its first
        // (`SetFirstPacketSeen(true)` after the flip): it leaves the status.
        let c = run(&[
            (true, seg(SA, 1000, 7000, 0, 40000, 50000)),
            (false, seg(SYN, 5000, 0, 0, 50000, 40000)),
            (false, seg(A, 5001, 1001, 0, 50000, 40000)),
            (true, seg(A, 1001, 5002, 0, 40000, 50000)),
        ]);
        let s = c.summary();
        assert_eq!((s.missed_bytes, s.history.as_str()), (1, "Hs^AaG"));
    }

    /// A first packet that is not a bare SYN makes the connection partial
    /// (`!SYN || ACK`), here one with no flags at all, and it stays partial
    /// when that side then opens properly (a bare SYN from PARTIAL goes to
    /// SYN_SENT, the SYN,ACK establishes both): the ACK of one byte never seen
    /// is then no gap. The responder's SYN,ACK, its first packet, does not
    /// change the status (`SetPartialStatus` looks at the responder's first
    /// packet only while the connection is not partial).
    #[test]
    fn test_partial_from_the_originators_first_packet_survives_the_handshake() {
        let c = run(&[
            (true, seg(TcpFlags::empty(), 1000, 0, 0, 5555, 80)),
            (true, seg(SYN, 5000, 0, 0, 5555, 80)),
            (false, seg(SA, 7000, 5001, 0, 80, 5555)),
            (false, seg(A, 7001, 5002, 0, 80, 5555)),
        ]);
        let s = c.summary();
        assert_eq!(s.conn_state, ConnState::S1);
        assert_eq!((s.missed_bytes, s.history.as_str()), (0, "Sha"));
    }

    /// Ten bytes, then two ten-byte blocks above holes ([21, 31) and
    /// [41, 51)), then an ACK of everything, with one reassembly limit set.
    fn two_blocks_above_holes(cfg: &ZeekConfig) -> u64 {
        let mut segs = opening();
        for at in [1001, 1021, 1041] {
            segs.push((true, seg(A, at, 5001, 10, 5555, 80)));
        }
        segs.push((false, seg(A, 5001, 1051, 0, 80, 5555)));
        run_with(cfg, &segs).summary().missed_bytes
    }

    /// `max_above_hole_without_any_acks` is held against the span from the
    /// hole to the end of the highest block (`NumUndeliveredBytes`), not the
    /// bytes held: 51 − 11 = 40 is more than 35 though only 20 bytes are held.
    #[test]
    fn test_above_hole_limit_counts_from_the_hole_to_the_last_block() {
        let above = |limit: u64| ZeekConfig {
            max_above_hole_without_any_acks: limit,
            ..ZeekConfig::default()
        };
        assert_eq!(two_blocks_above_holes(&above(35)), 0);
        assert_eq!(two_blocks_above_holes(&above(40)), 20);
    }

    /// `BlockInserted` trims to the initial window only when the block it was
    /// given filled the leading hole: blocks above a hole are not delivered,
    /// so they trim nothing. With a 15-byte initial window and a 25-byte
    /// excessive-data limit: the first ten bytes (not more than 15) stay held,
    /// the blocks above the holes add to them, and 30 > 25 stops reassembly
    /// (no gap is counted).
    #[test]
    fn test_initial_window_trims_only_when_data_is_delivered() {
        let cfg = ZeekConfig {
            max_initial_window: 15,
            max_above_hole_without_any_acks: 0,
            excessive_data_without_further_acks: 25,
            ..ZeekConfig::default()
        };
        assert_eq!(two_blocks_above_holes(&cfg), 0);
        // The first ten bytes sent again after the first block above the hole
        // (when the size, 30, is over the window) deliver nothing either: no
        // trim, the same outcome.
        let mut segs = opening();
        for at in [1001, 1021, 1001, 1041] {
            segs.push((true, seg(A, at, 5001, 10, 5555, 80)));
        }
        segs.push((false, seg(A, 5001, 1051, 0, 80, 5555)));
        assert_eq!(run_with(&cfg, &segs).summary().missed_bytes, 0);
        let cfg = ZeekConfig {
            excessive_data_without_further_acks: 30,
            ..cfg
        };
        assert_eq!(two_blocks_above_holes(&cfg), 20);
    }

    /// `DataSent` keeps only the part of a segment above what the peer has
    /// acknowledged: ten bytes, acknowledged, then five of them again with
    /// five new ones (no `T`: they advance the sequence number), then an ACK
    /// 10 bytes past them all: a gap of 10 (bytes 16 to 26), not less.
    #[test]
    fn test_data_partly_acknowledged_is_cut_to_the_new_part() {
        let mut segs = opening();
        segs.push((true, seg(A, 1001, 5001, 10, 5555, 80)));
        segs.push((false, seg(A, 5001, 1011, 0, 80, 5555)));
        segs.push((true, seg(A, 1006, 5001, 10, 5555, 80)));
        segs.push((false, seg(A, 5001, 1026, 0, 80, 5555)));
        let s = run(&segs).summary();
        assert_eq!((s.orig_bytes, s.missed_bytes), (25, 10));
        assert_eq!(s.history.as_str(), "ShADaG");
    }

    /// A SYN,ACK from a server port (the roles flip at once, `^`), then the
    /// client's bare ACK: Zeek takes the missed SYN as seen and establishes
    /// the client (`is_partial` cleared, its first packet marked), so the
    /// server's next packet is not a first packet and the connection stays
    /// whole: an ACK of one byte never seen is a gap.
    #[test]
    fn test_ack_after_a_lone_syn_ack_establishes_a_whole_connection() {
        let c = run(&[
            (true, seg(SA, 7000, 1001, 0, 80, 40000)),
            (false, seg(A, 1001, 7001, 0, 40000, 80)),
            (true, seg(A, 7001, 1002, 0, 80, 40000)),
        ]);
        let s = c.summary();
        assert!(!c.orig_is_a());
        assert_eq!(s.conn_state, ConnState::S1);
        assert_eq!((s.missed_bytes, s.history.as_str()), (1, "^hAaG"));
    }

    /// Each hole an ACK reveals is one content gap (`TCP_Endpoint::Gap`, its
    /// letter at the 1st, 10th, 100th … gap): five holes, each ACK reaching
    /// exactly the end of the block above its hole, are five gaps, so `G`
    /// once, not twice.
    #[test]
    fn test_each_revealed_hole_is_one_gap() {
        let mut segs = opening();
        for k in 0..5u32 {
            segs.push((true, seg(A, 1011 + 20 * k, 5001, 10, 5555, 80)));
            segs.push((false, seg(A, 5001, 1021 + 20 * k, 0, 80, 5555)));
        }
        let s = run(&segs).summary();
        assert_eq!((s.missed_bytes, s.history.as_str()), (50, "ShADaG"));
    }
}
