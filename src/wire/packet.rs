//! Frames to TCP: [`decode`] walks a captured frame from its link layer through
//! every tag, label, tunnel and IP header to the innermost TCP segment.
//!
//! The answer is a [`Decoded`]: a [`DecodedSegment`] (addresses, checked header view,
//! captured payload, the payload length the IP header declares, the
//! pseudo-header and the verified checksum), an ICMP error quoting a TCP
//! header ([`IcmpQuotedTcp`] — not a segment of the connection), a frame that
//! is [`NotTcp`] (saying what it was: an EtherType, an IP protocol, UDP ports,
//! an ICMP type…), or a frame that is [`DecodeError`] (an IP fragment that needs
//! reassembly, bytes cut by the snapshot length, a malformed header with its
//! layer and byte offset, encryption, an unsupported link type). Nothing here
//! panics, reads out of bounds or allocates, whatever the bytes.
//!
//! Each layer is one small function (in [`link`] and [`ip`]) that checks its header and names the next layer; the
//! walker here chains them, keeps the byte range the enclosing length fields
//! allow (IP total length, UDP length, PPPoE length, 802.3 length, A-MSDU
//! subframe length) and records the path as an [`Encapsulation`].
//!
//! A frame holds one TCP segment, except an 802.11 A-MSDU, which aggregates
//! several packets: [`decode_all`] yields one [`Decoded`] per packet of the
//! frame, and [`decode`] returns the first of them.
//!
//! ```
//! use synack::wire::{decode, ChecksumStatus, Decoded, LinkType};
//!
//! // Ethernet, IPv4 10.0.0.1 -> 10.0.0.2, TCP 1025 -> 80 SYN with a correct
//! // checksum, then two bytes of Ethernet padding.
//! let frame: &[u8] = &[
//!     0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x08, 0x00,
//!     0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
//!     0x04, 0x01, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xFF, 0xFF, 0x97, 0x8E, 0, 0,
//!     0xAA, 0xAA,
//! ];
//! let Decoded::Tcp(packet) = decode(LinkType::ETHERNET, frame) else { panic!() };
//! assert_eq!(packet.source.to_string(), "10.0.0.1:1025");
//! assert_eq!(packet.destination.to_string(), "10.0.0.2:80");
//! assert_eq!((packet.payload.len(), packet.payload_len), (0, 0));
//! assert_eq!(packet.checksum, ChecksumStatus::Good);
//! assert_eq!(packet.encapsulation.to_string(), "Ethernet / IPv4 / TCP");
//! ```

use core::fmt;
use core::net::SocketAddr;
use core::ops::Range;

use super::checksum::PseudoHeader;
use super::ip::{self, Fragment, IcmpMessage, IpContext, IpError, IpNumber, TunnelError};
use super::link::{self, EtherType, LinkError, LinkType};
use super::tcp::{TCP_MIN_HEADER_LEN, TcpHeaderError, TcpHeaderSlice};
use crate::seq::SeqNum;

/// The most layers [`decode`] walks through (and an [`Encapsulation`] holds);
/// a frame nested deeper is [`DecodeError::TooManyLayers`].
pub const MAX_LAYERS: usize = 24;

/// Decodes a captured frame of the given link type down to its innermost TCP
/// segment. For an 802.11 A-MSDU holding several packets this is the first;
/// [`decode_all`] gives them all.
pub fn decode(link_type: LinkType, frame: &[u8]) -> Decoded<'_> {
    let mut resume = None;
    start(link_type, frame, &mut resume)
}

/// Decodes every packet of a captured frame: one [`Decoded`] for almost every
/// frame, one per subframe for an 802.11 A-MSDU (whose subframes may each hold
/// a TCP segment). The iterator yields at least one item.
pub fn decode_all(link_type: LinkType, frame: &[u8]) -> DecodeAll<'_> {
    DecodeAll {
        link_type,
        frame,
        state: State::Start,
    }
}

/// Iterator of the packets of one frame, from [`decode_all`].
#[derive(Clone, Debug)]
pub struct DecodeAll<'a> {
    link_type: LinkType,
    frame: &'a [u8],
    state: State,
}

#[derive(Clone, Copy, Debug)]
enum State {
    Start,
    Resume(Resume),
    Done,
}

impl<'a> Iterator for DecodeAll<'a> {
    type Item = Decoded<'a>;

    fn next(&mut self) -> Option<Decoded<'a>> {
        let mut resume = None;
        let decoded = match self.state {
            State::Start => start(self.link_type, self.frame, &mut resume),
            State::Resume(r) => {
                let mut walk = Walk {
                    frame: self.frame,
                    at: r.at,
                    end: r.end,
                    declared_end: r.declared_end,
                    path: r.path,
                };
                walk.run(Next::AmsduSubframe, &mut resume)
            }
            State::Done => return None,
        };
        self.state = resume.map_or(State::Done, State::Resume);
        Some(decoded)
    }
}

impl core::iter::FusedIterator for DecodeAll<'_> {}

/// What a frame turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decoded<'a> {
    /// A TCP segment.
    Tcp(DecodedSegment<'a>),
    /// An ICMP or ICMPv6 error quoting the start of a TCP segment: not a
    /// segment of the connection, but tells which one it is about.
    IcmpQuotedTcp(IcmpQuotedTcp<'a>),
    /// A well-formed frame that does not carry TCP.
    NotTcp(NotTcp),
    /// A frame whose TCP segment, if any, cannot be read from this frame alone.
    Error(DecodeError),
}

impl<'a> Decoded<'a> {
    /// The TCP segment, if this is one.
    pub fn tcp(&self) -> Option<&DecodedSegment<'a>> {
        match self {
            Decoded::Tcp(p) => Some(p),
            _ => None,
        }
    }

    /// The TCP segment, if this is one.
    pub fn into_tcp(self) -> Option<DecodedSegment<'a>> {
        match self {
            Decoded::Tcp(p) => Some(p),
            _ => None,
        }
    }
}

/// A TCP segment found in a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodedSegment<'a> {
    /// Source address (of the innermost IP header) and port.
    pub source: SocketAddr,
    /// Destination address (of the innermost IP header, as written there) and port.
    pub destination: SocketAddr,
    /// The TCP header, checked: every accessor is safe.
    pub header: TcpHeaderSlice<'a>,
    /// The captured payload bytes, bounded by the IP length (so no Ethernet
    /// padding or trailer); shorter than `payload_len` when the snapshot length cut it.
    pub payload: &'a [u8],
    /// The payload length the IP header declares (IP length minus IP and TCP
    /// headers): Wireshark's `tcp.len`.
    pub payload_len: u32,
    /// The pseudo-header the checksum covers (with an IPv6 routing header, the
    /// final destination).
    pub pseudo_header: PseudoHeader,
    /// Whether the checksum is right (Wireshark's `tcp.checksum.status`).
    pub checksum: ChecksumStatus,
    /// The layers walked to reach this segment, outermost first, TCP last.
    pub encapsulation: Encapsulation,
    /// Byte offset of the TCP header in the frame.
    pub offset: usize,
}

impl DecodedSegment<'_> {
    /// Whether the snapshot length cut the payload (`payload.len() < payload_len`).
    pub fn is_truncated(&self) -> bool {
        (self.payload.len() as u64) < u64::from(self.payload_len)
    }
}

/// Result of checking a TCP checksum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChecksumStatus {
    /// The checksum is right.
    Good,
    /// The checksum is wrong (often: captured on the sending host before
    /// checksum offload filled it in).
    Bad,
    /// The checksum could not be checked.
    Unverified(UnverifiedReason),
}

impl ChecksumStatus {
    /// Wireshark's `tcp.checksum.status` value: 1 good, 0 bad, 2 unverified.
    pub const fn tshark_status(self) -> u8 {
        match self {
            ChecksumStatus::Good => 1,
            ChecksumStatus::Bad => 0,
            ChecksumStatus::Unverified(_) => 2,
        }
    }
}

/// Why a TCP checksum could not be checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnverifiedReason {
    /// The snapshot length cut the segment: the bytes summed are not all there.
    Truncated,
    /// An IPv6 routing header of unknown type has segments left, so the final
    /// destination the pseudo-header needs is unknown.
    UnknownFinalDestination,
}

/// An ICMP or ICMPv6 error message quoting the first bytes of a TCP segment
/// (RFC 792: the IP header and at least 8 bytes of the datagram).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IcmpQuotedTcp<'a> {
    /// The ICMP message type and code.
    pub message: IcmpMessage,
    /// Who sent the error (source of the ICMP packet).
    pub reporter: core::net::IpAddr,
    /// Source of the quoted segment.
    pub source: SocketAddr,
    /// Destination of the quoted segment.
    pub destination: SocketAddr,
    /// Sequence number of the quoted segment.
    pub sequence_number: SeqNum,
    /// The quoted TCP bytes (at least 8; rarely a whole header).
    pub quoted_tcp: &'a [u8],
}

/// A well-formed frame that does not carry TCP, and what it carries instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NotTcp {
    /// A link-layer payload that is not IP (ARP, LLDP, PPPoE discovery, …).
    EtherType(EtherType),
    /// An 802.2 LLC frame that is not SNAP (spanning tree, NetBIOS, IPX, …).
    Llc {
        /// Destination service access point.
        dsap: u8,
        /// Source service access point.
        ssap: u8,
    },
    /// A SNAP frame of an organisation's own protocol (CDP, …).
    Snap {
        /// Organisationally unique identifier.
        oui: u32,
        /// Protocol id.
        protocol_id: u16,
    },
    /// A BSD loopback frame of another address family.
    AddressFamily(u32),
    /// A Linux cooked frame whose protocol is not an EtherType (netlink, CAN, …).
    LinuxCooked {
        /// `ARPHRD_*` type of the interface.
        arphrd_type: u16,
        /// Protocol field.
        protocol: u16,
    },
    /// An FDDI frame that is not LLC (SMT, MAC frames).
    FddiFrameControl(u8),
    /// An 802.11 frame without data (management, control, null data).
    Ieee80211 {
        /// Type (0 management, 1 control, 2 data, 3 extension).
        frame_type: u8,
        /// Subtype.
        subtype: u8,
    },
    /// A PPP frame of another protocol (LCP, IPCP, …).
    PppProtocol(u16),
    /// An MPLS associated channel (OAM), not a pseudowire payload.
    MplsAssociatedChannel,
    /// An IP datagram of another protocol (SCTP, IGMP, OSPF, ESP-less IPsec…).
    IpProtocol(IpNumber),
    /// A UDP datagram that is not a known tunnel.
    Udp {
        /// Source port.
        source_port: u16,
        /// Destination port.
        destination_port: u16,
    },
    /// An ICMP or ICMPv6 message that does not quote a TCP header.
    Icmp(IcmpMessage),
    /// A tunnel's own signalling (GTP-U echo, AYIYA heartbeat, …).
    TunnelControl {
        /// The tunnel.
        layer: Layer,
        /// Its message type or opcode.
        message_type: u8,
    },
    /// A frame of the layer carries no packet (NFLOG without a payload attribute).
    NoPayload(Layer),
}

impl fmt::Display for NotTcp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            NotTcp::EtherType(t) => write!(f, "EtherType {t}"),
            NotTcp::Llc { dsap, ssap } => write!(f, "LLC DSAP 0x{dsap:02x} SSAP 0x{ssap:02x}"),
            NotTcp::Snap { oui, protocol_id } => {
                write!(f, "SNAP OUI {oui:06x} protocol 0x{protocol_id:04x}")
            }
            NotTcp::AddressFamily(af) => write!(f, "loopback address family {af}"),
            NotTcp::LinuxCooked {
                arphrd_type,
                protocol,
            } => {
                write!(
                    f,
                    "Linux cooked ARPHRD {arphrd_type} protocol 0x{protocol:04x}"
                )
            }
            NotTcp::FddiFrameControl(fc) => write!(f, "FDDI frame control 0x{fc:02x}"),
            NotTcp::Ieee80211 {
                frame_type,
                subtype,
            } => {
                write!(f, "802.11 type {frame_type} subtype {subtype}")
            }
            NotTcp::PppProtocol(p) => write!(f, "PPP protocol 0x{p:04x}"),
            NotTcp::MplsAssociatedChannel => f.write_str("MPLS associated channel"),
            NotTcp::IpProtocol(p) => write!(f, "{p}"),
            NotTcp::Udp {
                source_port,
                destination_port,
            } => {
                write!(f, "UDP {source_port} -> {destination_port}")
            }
            NotTcp::Icmp(m) => write!(f, "{m}"),
            NotTcp::TunnelControl {
                layer,
                message_type,
            } => {
                write!(f, "{layer} message {message_type}")
            }
            NotTcp::NoPayload(layer) => write!(f, "{layer} without payload"),
        }
    }
}

/// Why a frame's TCP segment cannot be read from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The link type is not one [`decode`] walks.
    #[error("unsupported {0}")]
    UnsupportedLinkType(LinkType),
    /// The frame ends (snapshot length, or an enclosing length field) before a
    /// header that is needed.
    #[error(transparent)]
    Truncated(#[from] Truncated),
    /// A header contradicts itself.
    #[error(transparent)]
    Malformed(#[from] Malformed),
    /// An IP fragment (not an atomic one): the datagram needs reassembly.
    #[error("{0}: IP reassembly needed")]
    Fragment(Fragment),
    /// Encrypted (IPsec ESP, protected 802.11 data).
    #[error("{layer} encrypted payload at byte {offset}")]
    Encrypted {
        /// The layer that encrypts.
        layer: Layer,
        /// Byte offset of the encrypted part.
        offset: usize,
    },
    /// Recognised but not walked: PPP Van Jacobson compression (value = PPP
    /// protocol), an ERSPAN III frame type other than Ethernet or IP (value =
    /// frame type), an 802.11 fragment (value = sequence control), a Teredo
    /// payload without IPv6.
    #[error("unsupported {layer} variant {value} at byte {offset}")]
    Unsupported {
        /// The layer.
        layer: Layer,
        /// Byte offset of the field that decides.
        offset: usize,
        /// The field's value.
        value: u32,
    },
    /// More than [`MAX_LAYERS`] nested layers.
    #[error("more than {} nested layers at byte {offset}", MAX_LAYERS)]
    TooManyLayers {
        /// Byte offset where the walk stopped.
        offset: usize,
    },
}

/// A header that the frame's bytes end before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{layer} header at byte {offset} truncated: {required} bytes needed, {available} there")]
pub struct Truncated {
    /// The layer whose header is cut.
    pub layer: Layer,
    /// Byte offset in the frame where the bytes needed start.
    pub offset: usize,
    /// Bytes needed from `offset`.
    pub required: usize,
    /// Bytes there from `offset` (within the enclosing length).
    pub available: usize,
}

/// A header whose fields contradict themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("malformed {layer} header at byte {offset}: {error}")]
pub struct Malformed {
    /// The layer.
    pub layer: Layer,
    /// Byte offset in the frame of the offending field (or header).
    pub offset: usize,
    /// What is wrong.
    #[source]
    pub error: LayerError,
}

/// What is wrong with a malformed header, by family of layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum LayerError {
    /// A link-layer header.
    #[error(transparent)]
    Link(#[from] LinkError),
    /// An IP, ICMP or UDP header.
    #[error(transparent)]
    Ip(#[from] IpError),
    /// A tunnel header.
    #[error(transparent)]
    Tunnel(#[from] TunnelError),
    /// The TCP header (offsets in it count from the TCP header; the data offset
    /// is checked against the length the IP header gives the segment).
    #[error(transparent)]
    Tcp(#[from] TcpHeaderError),
}

/// A protocol layer on the way to TCP: the elements of an [`Encapsulation`] and
/// the layer a [`DecodeError`] reason refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Layer {
    /// BSD null / loopback header.
    Null,
    /// OpenBSD loop header.
    Loop,
    /// Ethernet II or IEEE 802.3 header.
    Ethernet,
    /// An 802.1Q / 802.1ad / QinQ tag.
    Vlan,
    /// Cisco VN-Tag.
    VnTag,
    /// 802.1ah backbone service instance tag.
    Pbb,
    /// 802.2 LLC (with SNAP).
    Llc,
    /// FDDI MAC header.
    Fddi,
    /// Linux cooked capture v1.
    LinuxSll,
    /// Linux cooked capture v2.
    LinuxSll2,
    /// Netfilter NFLOG.
    Nflog,
    /// Packet filter log.
    Pflog,
    /// Cisco HDLC.
    CiscoHdlc,
    /// Radiotap.
    Radiotap,
    /// IEEE 802.11 MAC header.
    Ieee80211,
    /// One A-MSDU subframe.
    AmsduSubframe,
    /// PPP.
    Ppp,
    /// PPPoE session.
    Pppoe,
    /// MPLS label stack.
    Mpls,
    /// IPv4.
    Ipv4,
    /// IPv6 and its extension headers.
    Ipv6,
    /// IPsec authentication header (in IPv4).
    Ah,
    /// IPsec encapsulating security payload.
    Esp,
    /// GRE.
    Gre,
    /// ERSPAN type II/III header.
    Erspan,
    /// EtherIP.
    EtherIp,
    /// UDP.
    Udp,
    /// VXLAN.
    Vxlan,
    /// Geneve.
    Geneve,
    /// GTP-U.
    GtpU,
    /// AYIYA.
    Ayiya,
    /// Teredo.
    Teredo,
    /// ICMP.
    Icmp,
    /// ICMPv6.
    Icmpv6,
    /// TCP.
    Tcp,
}

impl Layer {
    /// A short human name ("802.1Q", "GTP-U").
    pub const fn name(self) -> &'static str {
        match self {
            Layer::Null => "BSD loopback",
            Layer::Loop => "OpenBSD loop",
            Layer::Ethernet => "Ethernet",
            Layer::Vlan => "802.1Q",
            Layer::VnTag => "VN-Tag",
            Layer::Pbb => "802.1ah",
            Layer::Llc => "LLC",
            Layer::Fddi => "FDDI",
            Layer::LinuxSll => "Linux SLL",
            Layer::LinuxSll2 => "Linux SLL2",
            Layer::Nflog => "NFLOG",
            Layer::Pflog => "PFLOG",
            Layer::CiscoHdlc => "Cisco HDLC",
            Layer::Radiotap => "Radiotap",
            Layer::Ieee80211 => "802.11",
            Layer::AmsduSubframe => "A-MSDU",
            Layer::Ppp => "PPP",
            Layer::Pppoe => "PPPoE",
            Layer::Mpls => "MPLS",
            Layer::Ipv4 => "IPv4",
            Layer::Ipv6 => "IPv6",
            Layer::Ah => "AH",
            Layer::Esp => "ESP",
            Layer::Gre => "GRE",
            Layer::Erspan => "ERSPAN",
            Layer::EtherIp => "EtherIP",
            Layer::Udp => "UDP",
            Layer::Vxlan => "VXLAN",
            Layer::Geneve => "Geneve",
            Layer::GtpU => "GTP-U",
            Layer::Ayiya => "AYIYA",
            Layer::Teredo => "Teredo",
            Layer::Icmp => "ICMP",
            Layer::Icmpv6 => "ICMPv6",
            Layer::Tcp => "TCP",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The layers walked to reach a segment, outermost first: a fixed array, no
/// allocation. `Display` writes them like `Ethernet / 802.1Q / IPv4 / TCP`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Encapsulation {
    layers: [Layer; MAX_LAYERS],
    len: u8,
}

impl Encapsulation {
    const fn new() -> Self {
        Self {
            layers: [Layer::Ethernet; MAX_LAYERS],
            len: 0,
        }
    }

    /// Appends a layer; `false` when full.
    fn push(&mut self, layer: Layer) -> bool {
        match self.layers.get_mut(usize::from(self.len)) {
            Some(slot) => {
                *slot = layer;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// The layers, outermost first.
    pub fn as_slice(&self) -> &[Layer] {
        self.layers.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Number of layers.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether no layer was walked.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the path went through `layer`.
    pub fn contains(&self, layer: Layer) -> bool {
        self.as_slice().contains(&layer)
    }

    /// How many IP headers the path holds (2 or more: a tunnel).
    pub fn ip_headers(&self) -> usize {
        self.as_slice()
            .iter()
            .filter(|l| matches!(l, Layer::Ipv4 | Layer::Ipv6))
            .count()
    }
}

impl fmt::Debug for Encapsulation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl fmt::Display for Encapsulation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, layer) in self.as_slice().iter().enumerate() {
            if i > 0 {
                f.write_str(" / ")?;
            }
            f.write_str(layer.name())?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// The walker and the plumbing the layer functions share.

/// The layer that comes next, as a layer function names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Next {
    Null,
    Loop,
    Ethernet,
    Vlan,
    VnTag,
    Pbb,
    Llc,
    Fddi,
    LinuxSll,
    LinuxSll2,
    Nflog,
    Pflog,
    CiscoHdlc,
    Radiotap,
    Ieee80211,
    AmsduSubframe,
    Ppp,
    Pppoe,
    Mpls,
    /// IPv4 or IPv6 by the version nibble.
    Ip,
    Ipv4,
    Ipv6,
    Ah(IpContext),
    Esp,
    Tcp(IpContext),
    Icmp(IpContext),
    Udp,
    Gre,
    Erspan2,
    Erspan3,
    EtherIp,
    Vxlan,
    Geneve,
    GtpU,
    Ayiya,
    Teredo,
    /// The walk ends: the frame is not TCP.
    NotTcp(NotTcp),
}

/// One layer's header, measured: its length, what follows, and where the
/// layer's length field says its content ends (absolute offset), if it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Step {
    pub len: usize,
    pub next: Next,
    pub end: Option<usize>,
}

impl Step {
    pub(crate) const fn new(len: usize, next: Next) -> Self {
        Self {
            len,
            next,
            end: None,
        }
    }
}

/// The `N` bytes at `at`, or the truncation of `layer`'s header.
pub(crate) fn fixed<const N: usize>(
    frame: &[u8],
    at: usize,
    layer: Layer,
) -> Result<&[u8; N], DecodeError> {
    frame
        .get(at..)
        .and_then(|b| b.first_chunk::<N>())
        .ok_or_else(|| truncated(frame, at, N, layer))
}

/// The `len` bytes at `at`, or the truncation of `layer`'s header.
pub(crate) fn slice(
    frame: &[u8],
    at: usize,
    len: usize,
    layer: Layer,
) -> Result<&[u8], DecodeError> {
    at.checked_add(len)
        .and_then(|end| frame.get(at..end))
        .ok_or_else(|| truncated(frame, at, len, layer))
}

fn truncated(frame: &[u8], offset: usize, required: usize, layer: Layer) -> DecodeError {
    let available = frame.len().saturating_sub(offset);
    DecodeError::Truncated(Truncated {
        layer,
        offset,
        required,
        available,
    })
}

/// A big-endian 16-bit field of a checked header.
pub(crate) fn be16(header: &[u8], field: Range<usize>) -> u16 {
    match header.get(field) {
        Some(&[a, b]) => u16::from_be_bytes([a, b]),
        _ => {
            debug_assert!(false, "16-bit field outside its checked header");
            0
        }
    }
}

/// A big-endian 32-bit field of a checked header.
pub(crate) fn be32(header: &[u8], field: Range<usize>) -> u32 {
    match header.get(field) {
        Some(&[a, b, c, d]) => u32::from_be_bytes([a, b, c, d]),
        _ => {
            debug_assert!(false, "32-bit field outside its checked header");
            0
        }
    }
}

/// Where to pick up an A-MSDU's next subframe.
#[derive(Clone, Copy, Debug)]
struct Resume {
    at: usize,
    end: usize,
    declared_end: usize,
    path: Encapsulation,
}

/// The walk's position in a frame.
struct Walk<'a> {
    frame: &'a [u8],
    /// Start of the next layer.
    at: usize,
    /// End of the bytes the current layer may use: the captured end, or an
    /// enclosing length field's end if that comes first. Never above `frame.len()`.
    end: usize,
    /// Where the enclosing length fields say the content ends (≥ `end`; beyond
    /// it when the capture was cut; `usize::MAX` before any length field).
    declared_end: usize,
    path: Encapsulation,
}

/// The first layer of a link type.
fn first_layer(link_type: LinkType) -> Option<Next> {
    Some(match link_type {
        LinkType::NULL => Next::Null,
        LinkType::ETHERNET => Next::Ethernet,
        LinkType::PPP | LinkType::PPP_HDLC => Next::Ppp,
        LinkType::FDDI => Next::Fddi,
        LinkType::RAW_LEGACY | LinkType::RAW_OPENBSD | LinkType::RAW => Next::Ip,
        LinkType::PPP_ETHER => Next::Pppoe,
        LinkType::C_HDLC => Next::CiscoHdlc,
        LinkType::IEEE802_11 => Next::Ieee80211,
        LinkType::LOOP => Next::Loop,
        LinkType::LINUX_SLL => Next::LinuxSll,
        LinkType::PFLOG => Next::Pflog,
        LinkType::IEEE802_11_RADIOTAP => Next::Radiotap,
        LinkType::IPV4 => Next::Ipv4,
        LinkType::IPV6 => Next::Ipv6,
        LinkType::NFLOG => Next::Nflog,
        LinkType::LINUX_SLL2 => Next::LinuxSll2,
        _ => return None,
    })
}

fn start<'a>(link_type: LinkType, frame: &'a [u8], resume: &mut Option<Resume>) -> Decoded<'a> {
    let Some(first) = first_layer(link_type) else {
        return Decoded::Error(DecodeError::UnsupportedLinkType(link_type));
    };
    let mut walk = Walk {
        frame,
        at: 0,
        end: frame.len(),
        declared_end: usize::MAX,
        path: Encapsulation::new(),
    };
    walk.run(first, resume)
}

impl<'a> Walk<'a> {
    /// Narrows the bytes to a layer's declared end. A declared end beyond the
    /// captured bytes means the capture was cut; one beyond an enclosing
    /// layer's end is held to it (as Wireshark does).
    fn limit(&mut self, end: usize) {
        if end <= self.end {
            self.end = end;
            self.declared_end = end;
        } else {
            self.declared_end = self.declared_end.min(end);
        }
    }

    /// Walks from `next` to a final answer. When it passes an A-MSDU subframe
    /// with another one after it, `resume` says where.
    fn run(&mut self, mut next: Next, resume: &mut Option<Resume>) -> Decoded<'a> {
        loop {
            let frame = self.frame.get(..self.end).unwrap_or(self.frame);
            let at = self.at;
            let (layer, result) = match next {
                Next::NotTcp(not_tcp) => return Decoded::NotTcp(not_tcp),
                Next::Ip => match ip::by_version(frame, at) {
                    Ok(n) => {
                        next = n;
                        continue;
                    }
                    Err(e) => return Decoded::Error(e),
                },
                Next::Esp => {
                    return Decoded::Error(DecodeError::Encrypted {
                        layer: Layer::Esp,
                        offset: at,
                    });
                }
                Next::Tcp(context) => {
                    if !self.path.push(Layer::Tcp) {
                        return Decoded::Error(DecodeError::TooManyLayers { offset: at });
                    }
                    return self.tcp(context);
                }
                Next::Icmp(context) => {
                    let layer = match context {
                        IpContext::V4 { .. } => Layer::Icmp,
                        IpContext::V6 { .. } => Layer::Icmpv6,
                    };
                    if !self.path.push(layer) {
                        return Decoded::Error(DecodeError::TooManyLayers { offset: at });
                    }
                    return ip::icmp(frame, at, context).unwrap_or_else(Decoded::Error);
                }
                Next::AmsduSubframe => {
                    if let Some(next_at) = link::amsdu_next_subframe(frame, at) {
                        *resume = Some(Resume {
                            at: next_at,
                            end: self.end,
                            declared_end: self.declared_end,
                            path: self.path,
                        });
                    }
                    (Layer::AmsduSubframe, link::amsdu_subframe(frame, at))
                }
                Next::Null => (Layer::Null, link::null(frame, at, false)),
                Next::Loop => (Layer::Loop, link::null(frame, at, true)),
                Next::Ethernet => (Layer::Ethernet, link::ethernet(frame, at)),
                Next::Vlan => (Layer::Vlan, link::vlan(frame, at)),
                Next::VnTag => (Layer::VnTag, link::vn_tag(frame, at)),
                Next::Pbb => (Layer::Pbb, link::pbb(frame, at)),
                Next::Llc => (Layer::Llc, link::llc(frame, at)),
                Next::Fddi => (Layer::Fddi, link::fddi(frame, at)),
                Next::LinuxSll => (Layer::LinuxSll, link::linux_sll(frame, at)),
                Next::LinuxSll2 => (Layer::LinuxSll2, link::linux_sll2(frame, at)),
                Next::Nflog => (Layer::Nflog, link::nflog(frame, at)),
                Next::Pflog => (Layer::Pflog, link::pflog(frame, at)),
                Next::CiscoHdlc => (Layer::CiscoHdlc, link::cisco_hdlc(frame, at)),
                Next::Radiotap => (Layer::Radiotap, link::radiotap(frame, at)),
                Next::Ieee80211 => (Layer::Ieee80211, link::ieee80211(frame, at)),
                Next::Ppp => (Layer::Ppp, link::ppp(frame, at)),
                Next::Pppoe => (Layer::Pppoe, link::pppoe(frame, at)),
                Next::Mpls => (Layer::Mpls, link::mpls(frame, at)),
                Next::Ipv4 => (Layer::Ipv4, ip::ipv4(frame, at)),
                Next::Ipv6 => (Layer::Ipv6, ip::ipv6(frame, at)),
                Next::Ah(context) => (Layer::Ah, ip::auth_header(frame, at, context)),
                Next::Udp => (Layer::Udp, ip::udp(frame, at)),
                Next::Gre => (Layer::Gre, ip::gre(frame, at)),
                Next::Erspan2 => (Layer::Erspan, ip::erspan2(frame, at)),
                Next::Erspan3 => (Layer::Erspan, ip::erspan3(frame, at)),
                Next::EtherIp => (Layer::EtherIp, ip::etherip(frame, at)),
                Next::Vxlan => (Layer::Vxlan, ip::vxlan(frame, at)),
                Next::Geneve => (Layer::Geneve, ip::geneve(frame, at)),
                Next::GtpU => (Layer::GtpU, ip::gtp_u(frame, at)),
                Next::Ayiya => (Layer::Ayiya, ip::ayiya(frame, at)),
                Next::Teredo => (Layer::Teredo, ip::teredo(frame, at)),
            };
            if !self.path.push(layer) {
                return Decoded::Error(DecodeError::TooManyLayers { offset: at });
            }
            match result {
                Ok(step) => {
                    if let Some(end) = step.end {
                        self.limit(end);
                    }
                    self.at = at.saturating_add(step.len);
                    next = step.next;
                }
                Err(e) => return Decoded::Error(e),
            }
        }
    }

    /// The TCP segment at `self.at`, addressed by `context`.
    fn tcp(&self, context: IpContext) -> Decoded<'a> {
        let at = self.at;
        let captured = self.frame.get(at..self.end).unwrap_or(&[]);
        // The TCP length the IP header gives (≥ what was captured).
        let declared_end = if self.declared_end == usize::MAX {
            self.end
        } else {
            self.declared_end
        };
        let declared = declared_end.saturating_sub(at);
        let malformed = |offset: usize, error: TcpHeaderError| {
            Decoded::Error(DecodeError::Malformed(Malformed {
                layer: Layer::Tcp,
                offset,
                error: LayerError::Tcp(error),
            }))
        };
        let cut = |required: usize| {
            Decoded::Error(DecodeError::Truncated(Truncated {
                layer: Layer::Tcp,
                offset: at,
                required,
                available: captured.len(),
            }))
        };
        const DATA_OFFSET_BYTE: usize = 12;
        let header = match TcpHeaderSlice::from_slice(captured) {
            Ok(header) if header.header_len() <= declared => header,
            Ok(header) => {
                let header_len = header.header_len();
                return malformed(
                    at + DATA_OFFSET_BYTE,
                    TcpHeaderError::DataOffsetPastEnd {
                        header_len,
                        available: declared,
                    },
                );
            }
            Err(TcpHeaderError::Truncated { .. }) if declared < TCP_MIN_HEADER_LEN => {
                return malformed(
                    at,
                    TcpHeaderError::Truncated {
                        available: declared,
                    },
                );
            }
            Err(TcpHeaderError::Truncated { .. }) => return cut(TCP_MIN_HEADER_LEN),
            Err(TcpHeaderError::DataOffsetPastEnd { header_len, .. }) if header_len > declared => {
                return malformed(
                    at + DATA_OFFSET_BYTE,
                    TcpHeaderError::DataOffsetPastEnd {
                        header_len,
                        available: declared,
                    },
                );
            }
            Err(TcpHeaderError::DataOffsetPastEnd { header_len, .. }) => return cut(header_len),
            Err(e @ TcpHeaderError::DataOffsetTooSmall { .. }) => {
                return malformed(at + DATA_OFFSET_BYTE, e);
            }
        };
        let header_len = header.header_len();
        let payload = captured.get(header_len..).unwrap_or(&[]);
        let payload_len = u32::try_from(declared - header_len).unwrap_or(u32::MAX);
        let (pseudo_header, final_known) = match context {
            IpContext::V4 {
                source,
                destination,
            } => (
                PseudoHeader::V4 {
                    source,
                    destination,
                },
                true,
            ),
            IpContext::V6 {
                source,
                destination,
                final_destination,
            } => (
                PseudoHeader::V6 {
                    source,
                    destination: final_destination.unwrap_or(destination),
                },
                final_destination.is_some(),
            ),
        };
        let checksum = if captured.len() < declared {
            ChecksumStatus::Unverified(UnverifiedReason::Truncated)
        } else if !final_known {
            ChecksumStatus::Unverified(UnverifiedReason::UnknownFinalDestination)
        } else if pseudo_header.verify_tcp(captured) {
            ChecksumStatus::Good
        } else {
            ChecksumStatus::Bad
        };
        Decoded::Tcp(DecodedSegment {
            source: SocketAddr::new(context.source(), header.source_port()),
            destination: SocketAddr::new(context.destination(), header.destination_port()),
            header,
            payload,
            payload_len,
            pseudo_header,
            checksum,
            encapsulation: self.path,
            offset: at,
        })
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::wire::IpNumber;
    use core::net::{Ipv4Addr, Ipv6Addr};

    const MAC_HEADER: [u8; 12] = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
    const SRC4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
    const DST4: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);
    const SRC6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
    const DST6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);

    /// Writes bytes into a fixed buffer; tests build frames layer by layer.
    struct Buf {
        bytes: [u8; 1024],
        len: usize,
    }

    impl Buf {
        fn new() -> Self {
            Self {
                bytes: [0; 1024],
                len: 0,
            }
        }
        fn put(&mut self, b: &[u8]) -> &mut Self {
            self.bytes[self.len..self.len + b.len()].copy_from_slice(b);
            self.len += b.len();
            self
        }
        fn as_slice(&self) -> &[u8] {
            &self.bytes[..self.len]
        }
    }

    /// A TCP segment 1025 -> 80, seq 1000, ACK|PSH, with `payload`, its
    /// checksum computed for `pseudo`.
    fn tcp_segment(pseudo: PseudoHeader, payload: &[u8], out: &mut Buf) {
        let mut s = Buf::new();
        s.put(&1025u16.to_be_bytes()).put(&80u16.to_be_bytes());
        s.put(&1000u32.to_be_bytes()).put(&7u32.to_be_bytes());
        s.put(&[0x50, 0x18, 0x10, 0x00, 0, 0, 0, 0]).put(payload);
        let c = pseudo.tcp_checksum(s.as_slice());
        s.bytes[16..18].copy_from_slice(&c.to_be_bytes());
        out.put(s.as_slice());
    }

    fn ipv4_header(payload_len: usize, protocol: u8, out: &mut Buf) {
        let total = (20 + payload_len) as u16;
        out.put(&[0x45, 0])
            .put(&total.to_be_bytes())
            .put(&[0, 1, 0x40, 0, 64, protocol, 0, 0]);
        out.put(&SRC4.octets()).put(&DST4.octets());
    }

    fn ipv6_header(payload_len: usize, next_header: u8, out: &mut Buf) {
        out.put(&[0x60, 0, 0, 0])
            .put(&(payload_len as u16).to_be_bytes())
            .put(&[next_header, 64]);
        out.put(&SRC6.octets()).put(&DST6.octets());
    }

    const V4: PseudoHeader = PseudoHeader::V4 {
        source: SRC4,
        destination: DST4,
    };
    const V6: PseudoHeader = PseudoHeader::V6 {
        source: SRC6,
        destination: DST6,
    };

    /// IPv4 + TCP with `payload`.
    fn ipv4_tcp(payload: &[u8], out: &mut Buf) {
        ipv4_header(20 + payload.len(), 6, out);
        tcp_segment(V4, payload, out);
    }

    fn tcp(d: Decoded<'_>) -> DecodedSegment<'_> {
        match d {
            Decoded::Tcp(p) => p,
            other => panic!("expected TCP, got {other:?}"),
        }
    }

    fn path(p: &DecodedSegment<'_>) -> std::string::String {
        std::format!("{}", p.encapsulation)
    }

    extern crate std;

    #[test]
    fn ethernet_ipv4_tcp_excludes_padding() {
        let mut f = Buf::new();
        f.put(&MAC_HEADER).put(&[0x08, 0x00]);
        ipv4_tcp(b"hi", &mut f);
        f.put(&[0xEE; 4]); // padding / FCS
        let p = tcp(decode(LinkType::ETHERNET, f.as_slice()));
        assert_eq!(p.source, SocketAddr::new(SRC4.into(), 1025));
        assert_eq!(p.destination, SocketAddr::new(DST4.into(), 80));
        assert_eq!((p.payload, p.payload_len), (&b"hi"[..], 2));
        assert_eq!(p.header.sequence_number(), SeqNum(1000));
        assert_eq!(p.checksum, ChecksumStatus::Good);
        assert_eq!(p.checksum.tshark_status(), 1);
        assert_eq!(p.offset, 34);
        assert!(!p.is_truncated());
        assert_eq!(path(&p), "Ethernet / IPv4 / TCP");
        assert_eq!(p.encapsulation.ip_headers(), 1);
    }

    #[test]
    fn bad_checksum_and_snaplen_cut() {
        let mut f = Buf::new();
        f.put(&MAC_HEADER).put(&[0x08, 0x00]);
        ipv4_tcp(b"hello world", &mut f);
        let mut bytes = [0u8; 512];
        let n = f.len;
        bytes[..n].copy_from_slice(f.as_slice());
        bytes[n - 1] ^= 0xFF;
        let p = tcp(decode(LinkType::ETHERNET, &bytes[..n]));
        assert_eq!(
            (p.checksum, p.checksum.tshark_status()),
            (ChecksumStatus::Bad, 0)
        );
        // Cut 5 payload bytes: the IP length still says 11.
        let p = tcp(decode(LinkType::ETHERNET, &f.as_slice()[..n - 5]));
        assert_eq!((p.payload, p.payload_len), (&b"hello "[..], 11));
        assert_eq!(
            p.checksum,
            ChecksumStatus::Unverified(UnverifiedReason::Truncated)
        );
        assert!(p.is_truncated());
        // Cut inside the TCP header: a typed answer, not a segment.
        let d = decode(LinkType::ETHERNET, &f.as_slice()[..34 + 15]);
        assert_eq!(
            d,
            Decoded::Error(DecodeError::Truncated(Truncated {
                layer: Layer::Tcp,
                offset: 34,
                required: 20,
                available: 15
            }))
        );
    }

    #[test]
    fn tcp_header_against_ip_length() {
        // The IP length leaves 12 bytes for TCP: malformed, not truncated.
        let mut f = Buf::new();
        ipv4_header(12, 6, &mut f);
        tcp_segment(V4, b"", &mut f);
        assert!(matches!(
            decode(LinkType::IPV4, f.as_slice()),
            Decoded::Error(DecodeError::Malformed(Malformed {
                layer: Layer::Tcp,
                offset: 20,
                error: LayerError::Tcp(TcpHeaderError::Truncated { available: 12 })
            }))
        ));
        // Data offset 4.
        let mut g = Buf::new();
        ipv4_tcp(b"", &mut g);
        g.bytes[32] = 0x40;
        assert!(matches!(
            decode(LinkType::RAW, g.as_slice()),
            Decoded::Error(DecodeError::Malformed(Malformed { offset: 32, .. }))
        ));
        // Data offset 15 (60 bytes) but the IP payload holds 20.
        g.bytes[32] = 0xF0;
        assert!(matches!(
            decode(LinkType::RAW, g.as_slice()),
            Decoded::Error(DecodeError::Malformed(Malformed {
                error: LayerError::Tcp(TcpHeaderError::DataOffsetPastEnd {
                    header_len: 60,
                    available: 20
                }),
                ..
            }))
        ));
    }

    #[test]
    fn length_field_of_enclosing_layer_wins() {
        // PPPoE length 42 while the IP header says 46 (pppoe-over-qinq.pcap frame 19):
        // like Wireshark, the segment is held to the PPPoE payload, so TCP gets 20 bytes.
        let mut f = Buf::new();
        f.put(&MAC_HEADER)
            .put(&[0x88, 0x64, 0x11, 0x00, 0x00, 0x0F, 0x00, 42, 0x00, 0x21]);
        ipv4_header(26, 6, &mut f);
        tcp_segment(V4, b"abcdef", &mut f);
        let p = tcp(decode(LinkType::ETHERNET, f.as_slice()));
        assert_eq!((p.payload_len, p.payload.len()), (0, 0));
        assert_eq!(p.checksum, ChecksumStatus::Bad);
        assert_eq!(path(&p), "Ethernet / PPPoE / PPP / IPv4 / TCP");
    }

    #[test]
    fn vlan_stacks_vntag_and_mpls() {
        let mut f = Buf::new();
        // 802.1Q, VN-Tag, 802.1Q (vntag_vlan_sandwich_clean.pcap), then IPv4.
        f.put(&MAC_HEADER)
            .put(&[0x81, 0x00, 0x00, 0xFA, 0x89, 0x26, 0, 0, 0, 0x33]);
        f.put(&[0x81, 0x00, 0x00, 0xFA, 0x08, 0x00]);
        ipv4_tcp(b"x", &mut f);
        let p = tcp(decode(LinkType::ETHERNET, f.as_slice()));
        assert_eq!(path(&p), "Ethernet / 802.1Q / VN-Tag / 802.1Q / IPv4 / TCP");
        // QinQ then MPLS with two labels.
        let mut g = Buf::new();
        g.put(&MAC_HEADER)
            .put(&[0x88, 0xA8, 0, 10, 0x81, 0x00, 0, 20, 0x88, 0x47]);
        g.put(&[0, 1, 0x20, 64, 0, 2, 0x11, 64]);
        ipv4_tcp(b"", &mut g);
        let p = tcp(decode(LinkType::ETHERNET, g.as_slice()));
        assert_eq!(path(&p), "Ethernet / 802.1Q / 802.1Q / MPLS / IPv4 / TCP");
        // Ethernet pseudowire with a control word behind MPLS.
        let mut h = Buf::new();
        h.put(&MAC_HEADER)
            .put(&[0x88, 0x47, 0, 1, 0x21, 64, 0, 0, 0, 0]);
        h.put(&MAC_HEADER).put(&[0x86, 0xDD]);
        ipv6_header(20, 6, &mut h);
        tcp_segment(V6, b"", &mut h);
        let p = tcp(decode(LinkType::ETHERNET, h.as_slice()));
        assert_eq!(path(&p), "Ethernet / MPLS / Ethernet / IPv6 / TCP");
        assert_eq!(p.checksum, ChecksumStatus::Good);
    }

    #[test]
    fn other_link_types() {
        let mut ip = Buf::new();
        ipv4_tcp(b"data", &mut ip);
        let cases: [(LinkType, &[u8], &str); 11] = [
            (LinkType::NULL, &[2, 0, 0, 0], "BSD loopback"),
            (LinkType::LOOP, &[0, 0, 0, 2], "OpenBSD loop"),
            (LinkType::RAW, &[], "IPv4"),
            (LinkType::RAW_LEGACY, &[], "IPv4"),
            (LinkType::IPV4, &[], "IPv4"),
            (
                LinkType::LINUX_SLL,
                &[0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 8, 0],
                "Linux SLL",
            ),
            (
                LinkType::LINUX_SLL2,
                &[8, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0],
                "Linux SLL2",
            ),
            (
                LinkType::FDDI,
                &[
                    0x50, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 0xAA, 0xAA, 3, 0, 0, 0, 8, 0,
                ],
                "FDDI / LLC",
            ),
            (LinkType::PPP, &[0xFF, 0x03, 0x00, 0x21], "PPP"),
            (LinkType::C_HDLC, &[0x0F, 0, 8, 0], "Cisco HDLC"),
            (
                LinkType::PPP_ETHER,
                &[0x11, 0, 0, 1, 0, 46, 0, 0x21],
                "PPPoE / PPP",
            ),
        ];
        for (link_type, header, expected) in cases {
            let mut f = Buf::new();
            f.put(header).put(ip.as_slice());
            let p = tcp(decode(link_type, f.as_slice()));
            assert_eq!(p.payload, b"data", "{link_type}");
            assert_eq!(p.checksum, ChecksumStatus::Good, "{link_type}");
            let expected = if expected == "IPv4" {
                std::string::String::from("IPv4 / TCP")
            } else {
                std::format!("{expected} / IPv4 / TCP")
            };
            assert_eq!(path(&p), expected);
        }
        // IPv6 over the BSD loopback families of three systems and raw IPv6.
        let mut ip6 = Buf::new();
        ipv6_header(20, 6, &mut ip6);
        tcp_segment(V6, b"", &mut ip6);
        for family in [24u8, 28, 30] {
            let mut f = Buf::new();
            f.put(&[family, 0, 0, 0]).put(ip6.as_slice());
            assert_eq!(
                tcp(decode(LinkType::NULL, f.as_slice())).checksum,
                ChecksumStatus::Good
            );
        }
        assert!(decode(LinkType::IPV6, ip6.as_slice()).tcp().is_some());
        assert!(decode(LinkType::RAW, ip6.as_slice()).tcp().is_some());
        assert!(matches!(
            decode(LinkType::IPV4, ip6.as_slice()),
            Decoded::Error(DecodeError::Malformed(Malformed {
                layer: Layer::Ipv4,
                ..
            }))
        ));
        assert_eq!(
            decode(LinkType(147), ip.as_slice()),
            Decoded::Error(DecodeError::UnsupportedLinkType(LinkType(147)))
        );
    }

    #[test]
    fn nflog_radiotap_pflog() {
        let mut ip = Buf::new();
        ipv4_tcp(b"", &mut ip);
        // NFLOG: header, a hardware-protocol TLV, then the payload TLV (type 9).
        let mut f = Buf::new();
        f.put(&[2, 0, 0, 0, 8, 0, 1, 0, 8, 0, 0, 0]);
        f.put(&(4 + ip.len as u16).to_le_bytes())
            .put(&9u16.to_le_bytes())
            .put(ip.as_slice());
        let p = tcp(decode(LinkType::NFLOG, f.as_slice()));
        assert_eq!(path(&p), "NFLOG / IPv4 / TCP");
        // Radiotap + 802.11 data (ToDS) + LLC/SNAP.
        let mut g = Buf::new();
        g.put(&[0, 0, 8, 0, 0, 0, 0, 0])
            .put(&[0x08, 0x01])
            .put(&[0; 22]);
        g.put(&[0xAA, 0xAA, 3, 0, 0, 0, 8, 0]).put(ip.as_slice());
        let p = tcp(decode(LinkType::IEEE802_11_RADIOTAP, g.as_slice()));
        assert_eq!(path(&p), "Radiotap / 802.11 / LLC / IPv4 / TCP");
        let mut h = Buf::new();
        h.put(&[61, 2]).put(&[0; 62]).put(ip.as_slice());
        assert_eq!(
            path(&tcp(decode(LinkType::PFLOG, h.as_slice()))),
            "PFLOG / IPv4 / TCP"
        );
    }

    #[test]
    fn tunnels() {
        let mut inner = Buf::new();
        ipv4_tcp(b"tunnelled", &mut inner);
        let mut inner6 = Buf::new();
        ipv6_header(20, 6, &mut inner6);
        tcp_segment(V6, b"", &mut inner6);
        let mut ether_inner = Buf::new();
        ether_inner
            .put(&MAC_HEADER)
            .put(&[0x08, 0x00])
            .put(inner.as_slice());
        let udp = |port: u16, header: &[u8], body: &[u8], out: &mut Buf| {
            let len = 8 + header.len() + body.len();
            ipv4_header(len, 17, out);
            out.put(&40000u16.to_be_bytes()).put(&port.to_be_bytes());
            out.put(&(len as u16).to_be_bytes())
                .put(&[0, 0])
                .put(header)
                .put(body);
        };
        let mut cases: std::vec::Vec<(Buf, &str)> = std::vec::Vec::new();
        let mut b = Buf::new();
        ipv4_header(inner.len, 4, &mut b);
        b.put(inner.as_slice());
        cases.push((b, "IPv4 / IPv4 / TCP"));
        let mut b = Buf::new();
        ipv4_header(inner6.len, 41, &mut b);
        b.put(inner6.as_slice());
        cases.push((b, "IPv4 / IPv6 / TCP"));
        let mut b = Buf::new();
        ipv6_header(inner.len, 4, &mut b);
        b.put(inner.as_slice());
        cases.push((b, "IPv6 / IPv4 / TCP"));
        let mut b = Buf::new();
        ipv6_header(inner6.len, 41, &mut b);
        b.put(inner6.as_slice());
        cases.push((b, "IPv6 / IPv6 / TCP"));
        let mut b = Buf::new();
        ipv4_header(4 + inner.len, 47, &mut b);
        b.put(&[0, 0, 8, 0]).put(inner.as_slice());
        cases.push((b, "IPv4 / GRE / IPv4 / TCP"));
        let mut b = Buf::new();
        ipv4_header(16 + ether_inner.len, 47, &mut b);
        b.put(&[0x10, 0, 0x88, 0xBE, 0, 0, 0, 1, 0x10, 0, 0, 1, 0, 0, 0, 0]);
        b.put(ether_inner.as_slice());
        cases.push((b, "IPv4 / GRE / ERSPAN / Ethernet / IPv4 / TCP"));
        let mut b = Buf::new();
        ipv4_header(2 + ether_inner.len, 97, &mut b);
        b.put(&[0x30, 0]).put(ether_inner.as_slice());
        cases.push((b, "IPv4 / EtherIP / Ethernet / IPv4 / TCP"));
        let mut b = Buf::new();
        udp(
            4789,
            &[8, 0, 0, 0, 0, 0, 1, 0],
            ether_inner.as_slice(),
            &mut b,
        );
        cases.push((b, "IPv4 / UDP / VXLAN / Ethernet / IPv4 / TCP"));
        let mut b = Buf::new();
        udp(
            6081,
            &[0, 0, 0x65, 0x58, 0, 0, 1, 0],
            ether_inner.as_slice(),
            &mut b,
        );
        cases.push((b, "IPv4 / UDP / Geneve / Ethernet / IPv4 / TCP"));
        let mut b = Buf::new();
        let gtp_len = (inner.len as u16).to_be_bytes();
        udp(
            2152,
            &[0x30, 0xFF, gtp_len[0], gtp_len[1], 0, 0, 0, 1],
            inner.as_slice(),
            &mut b,
        );
        cases.push((b, "IPv4 / UDP / GTP-U / IPv4 / TCP"));
        let mut b = Buf::new();
        let mut ayiya = [0u8; 8 + 16 + 20];
        ayiya[..4].copy_from_slice(&[0x41, 0x52, 0x11, 41]);
        udp(5072, &ayiya, inner6.as_slice(), &mut b);
        cases.push((b, "IPv4 / UDP / AYIYA / IPv6 / TCP"));
        let mut b = Buf::new();
        udp(4754, &[0, 0, 8, 0], inner.as_slice(), &mut b);
        cases.push((b, "IPv4 / UDP / GRE / IPv4 / TCP"));
        let mut b = Buf::new();
        udp(6635, &[0, 1, 0x01, 64], inner.as_slice(), &mut b);
        cases.push((b, "IPv4 / UDP / MPLS / IPv4 / TCP"));
        let mut b = Buf::new();
        udp(3544, &[0, 0, 1, 2, 3, 4, 5, 6], inner6.as_slice(), &mut b);
        cases.push((b, "IPv4 / UDP / Teredo / IPv6 / TCP"));
        let mut b = Buf::new();
        ipv4_header(12 + inner.len, 51, &mut b);
        b.put(&[4, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1])
            .put(inner.as_slice());
        cases.push((b, "IPv4 / AH / IPv4 / TCP"));
        for (frame, expected) in &cases {
            let p = tcp(decode(LinkType::RAW, frame.as_slice()));
            assert_eq!(path(&p), *expected);
            assert_eq!(p.checksum, ChecksumStatus::Good, "{expected}");
            assert!(p.encapsulation.ip_headers() >= 2 || expected.contains("AH"));
        }
        // ESP: encrypted.
        let mut b = Buf::new();
        ipv4_header(16, 50, &mut b);
        b.put(&[0; 16]);
        assert_eq!(
            decode(LinkType::RAW, b.as_slice()),
            Decoded::Error(DecodeError::Encrypted {
                layer: Layer::Esp,
                offset: 20
            })
        );
    }

    #[test]
    fn not_tcp_answers() {
        let mut arp = Buf::new();
        arp.put(&MAC_HEADER).put(&[0x08, 0x06]).put(&[0; 28]);
        assert_eq!(
            decode(LinkType::ETHERNET, arp.as_slice()),
            Decoded::NotTcp(NotTcp::EtherType(EtherType::ARP))
        );
        let mut udp = Buf::new();
        ipv4_header(8, 17, &mut udp);
        udp.put(&[0, 53, 0, 54, 0, 8, 0, 0]);
        assert_eq!(
            decode(LinkType::RAW, udp.as_slice()),
            Decoded::NotTcp(NotTcp::Udp {
                source_port: 53,
                destination_port: 54
            })
        );
        let mut sctp = Buf::new();
        ipv6_header(0, 59, &mut sctp);
        assert_eq!(
            decode(LinkType::RAW, sctp.as_slice()),
            Decoded::NotTcp(NotTcp::IpProtocol(IpNumber::IPV6_NO_NEXT_HEADER))
        );
        let mut echo = Buf::new();
        ipv4_header(8, 1, &mut echo);
        echo.put(&[8, 0, 0, 0, 0, 1, 0, 1]);
        assert_eq!(
            decode(LinkType::RAW, echo.as_slice()),
            Decoded::NotTcp(NotTcp::Icmp(IcmpMessage::V4 {
                icmp_type: 8,
                code: 0
            }))
        );
        assert_eq!(
            std::format!("{}", NotTcp::EtherType(EtherType::ARP)),
            "EtherType ARP (0x0806)"
        );
    }

    #[test]
    fn fragments_need_reassembly() {
        let mut f = Buf::new();
        ipv4_tcp(b"0123456789", &mut f);
        f.bytes[6] = 0x20; // MF: a first fragment whose TCP header is all there
        let Decoded::Error(DecodeError::Fragment(frag)) = decode(LinkType::RAW, f.as_slice())
        else {
            panic!("fragment")
        };
        assert_eq!(
            (frag.offset, frag.more_fragments, frag.protocol),
            (0, true, IpNumber::TCP)
        );
        assert!(std::format!("{}", DecodeError::Fragment(frag)).ends_with("IP reassembly needed"));
        // IPv6 atomic fragment: decoded.
        let mut g = Buf::new();
        ipv6_header(28, 44, &mut g);
        g.put(&[6, 0, 0, 0, 0, 0, 0, 1]);
        tcp_segment(V6, b"", &mut g);
        let p = tcp(decode(LinkType::RAW, g.as_slice()));
        assert_eq!(p.checksum, ChecksumStatus::Good);
    }

    #[test]
    fn routing_header_final_destination_in_pseudo_header() {
        // Type 0 routing header with one segment left: the pseudo-header uses the
        // last address of the list, the socket address keeps the header's.
        let last = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x99);
        let pseudo = PseudoHeader::V6 {
            source: SRC6,
            destination: last,
        };
        let mut f = Buf::new();
        ipv6_header(24 + 20, 43, &mut f);
        f.put(&[6, 2, 0, 1, 0, 0, 0, 0]).put(&last.octets());
        tcp_segment(pseudo, b"", &mut f);
        let p = tcp(decode(LinkType::IPV6, f.as_slice()));
        assert_eq!(p.pseudo_header, pseudo);
        assert_eq!(p.destination.ip(), core::net::IpAddr::V6(DST6));
        assert_eq!(p.checksum, ChecksumStatus::Good);
        // Unknown routing type with segments left.
        let mut bytes = [0u8; 512];
        bytes[..f.len].copy_from_slice(f.as_slice());
        bytes[42] = 200;
        assert_eq!(
            tcp(decode(LinkType::IPV6, &bytes[..f.len])).checksum,
            ChecksumStatus::Unverified(UnverifiedReason::UnknownFinalDestination)
        );
    }

    /// tunnels__gre-aruba-amsdu.pcap, frame 1: Ethernet / 802.1Q / IPv4 / GRE
    /// (Aruba 0x8240) / 802.11 QoS data with an A-MSDU of two subframes, each an
    /// LLC/SNAP IPv4 TCP segment. tshark: ports 443 -> 49392, seq_raw
    /// 2467456022 and 2467456251, tcp.len 229 and 23, checksum status 1 and 1.
    #[test]
    fn amsdu_yields_both_segments() {
        let frame = amsdu_frame();
        let all: std::vec::Vec<_> = decode_all(LinkType::ETHERNET, &frame).collect();
        assert_eq!(all.len(), 2);
        let expect = [(2467456022u32, 229u32), (2467456251, 23)];
        for (d, (seq, len)) in all.iter().zip(expect) {
            let p = d.tcp().expect("tcp");
            assert_eq!((p.source.port(), p.destination.port()), (443, 49392));
            assert_eq!(
                (p.header.sequence_number(), p.payload_len),
                (SeqNum(seq), len)
            );
            assert_eq!(p.payload.len() as u32, len);
            assert_eq!(p.checksum, ChecksumStatus::Good);
            assert_eq!(
                path(p),
                "Ethernet / 802.1Q / IPv4 / GRE / 802.11 / A-MSDU / LLC / IPv4 / TCP"
            );
        }
        assert_eq!(decode(LinkType::ETHERNET, &frame), all[0]);
        // Cut inside the second subframe's IP header: the first segment is
        // still whole, the second is a typed truncation.
        let cut: std::vec::Vec<_> =
            decode_all(LinkType::ETHERNET, &frame[..0x19c + 14 + 8 + 10]).collect();
        assert!(cut[0].tcp().is_some());
        assert!(matches!(cut[1], Decoded::Error(DecodeError::Truncated(_))));
    }

    fn amsdu_frame() -> std::vec::Vec<u8> {
        const HEX: &str = concat!(
            "00005e000101001a1e02feb0810000160800450001c300000000fe2f7f000ae216090a6610bb0000",
            "8240880200006615483c47e740e3d664f49488e0f37faec0000080006615483c47e788e0f37faec0",
            "0121aaaa03000000080045000119c377400054069a0f9df01210959f82b801bbc0f093126416aead",
            "cb28801802c825a700000101080ab5be23e28937c41317030300e0fb674fb24bcbd8efac578914bf",
            "be0c2a6871c98501ec0a7a0b6e10ac2752b3833cddcb1f0031d5026d0c77eadbf9796829c69c9390",
            "025406e7a19bdd1cd1aee7a5b5223e700aaccbf379c04f495d3bbd9e3bc3959c5b8396df7fbc0bf6",
            "4d7cdf1554b94e5c1d6bf754962ea8b763013b3a18667e45158a6662d868cc6a22642cfdd9ebfc64",
            "c21eeeb29f5c362af68c5bff96700a922bb30bd58737bdaeb713b1dc13762ed8ad32b6aa7b9bc006",
            "fa5c6ed7a94640a2eb163e7b796a7494740aded830e16810065716730d18652b02b50fc8a9c8a9d8",
            "817b7814a3a3e91671cf72776615483c47e788e0f37faec00053aaaa0300000008004500004bc378",
            "400054069adc9df01210959f82b801bbc0f0931264fbaeadcb28801002c864be00000101080ab5be",
            "23e38937c4131703030012c6a3b707eee8188563f7a8dce754c7480734",
        );
        let digits: std::vec::Vec<u8> = HEX.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
        digits
            .chunks(2)
            .map(|p| u8::from_str_radix(core::str::from_utf8(p).unwrap(), 16).unwrap())
            .collect()
    }

    const ALL_LINK_TYPES: [u32; 21] = [
        0, 1, 9, 10, 12, 14, 50, 51, 101, 104, 105, 108, 113, 117, 127, 228, 229, 239, 276, 8, 192,
    ];

    proptest::proptest! {
        /// Any bytes under any link type: an answer, and a TCP segment only
        /// inside the frame with its payload bounded by the declared length.
        #[test]
        fn arbitrary_frames(
            link in 0usize..ALL_LINK_TYPES.len(),
            bytes in proptest::collection::vec(proptest::arbitrary::any::<u8>(), 0..300),
        ) {
            let link_type = LinkType(ALL_LINK_TYPES[link]);
            let mut n = 0;
            for d in decode_all(link_type, &bytes) {
                n += 1;
                if let Decoded::Tcp(p) = d {
                    proptest::prop_assert!(p.offset + p.header.header_len() + p.payload.len() <= bytes.len());
                    proptest::prop_assert!(p.payload.len() as u64 <= u64::from(p.payload_len));
                }
            }
            proptest::prop_assert!(n >= 1);
        }

        /// A valid tunnelled segment cut anywhere is either the same segment with
        /// a shorter payload (cut in the payload) or a typed answer, never another segment.
        #[test]
        fn cut_tunnelled_segment(cut in 0usize..200) {
            let mut inner = Buf::new();
            ipv4_tcp(b"0123456789abcdefghij", &mut inner);
            let mut f = Buf::new();
            f.put(&MAC_HEADER).put(&[0x81, 0x00, 0, 5, 0x08, 0x00]);
            ipv4_header(4 + inner.len, 47, &mut f);
            f.put(&[0, 0, 8, 0]).put(inner.as_slice());
            let n = cut.min(f.len);
            let payload_at = f.len - 20;
            match decode(LinkType::ETHERNET, &f.as_slice()[..n]) {
                Decoded::Tcp(p) => {
                    proptest::prop_assert!(n >= payload_at);
                    proptest::prop_assert_eq!(p.payload, &b"0123456789abcdefghij"[..n - payload_at]);
                    proptest::prop_assert_eq!(p.payload_len, 20);
                    let whole = n == f.len;
                    proptest::prop_assert_eq!(p.checksum == ChecksumStatus::Good, whole);
                }
                Decoded::Error(DecodeError::Truncated(t)) => {
                    proptest::prop_assert!(n < payload_at);
                    proptest::prop_assert_eq!(t.available, n.saturating_sub(t.offset));
                }
                other => proptest::prop_assert!(false, "{:?}", other),
            }
        }
    }

    #[test]
    fn too_many_layers() {
        // 30 nested IPv4-in-IPv4 headers.
        let mut f = Buf::new();
        for i in 0..30usize {
            ipv4_header((29 - i) * 20, 4, &mut f);
        }
        assert!(matches!(
            decode(LinkType::RAW, f.as_slice()),
            Decoded::Error(DecodeError::TooManyLayers { offset: 480 })
        ));
    }

    #[test]
    fn every_prefix_of_a_frame_is_answered() {
        let frame = amsdu_frame();
        for n in 0..=frame.len() {
            for d in decode_all(LinkType::ETHERNET, &frame[..n]) {
                if let Decoded::Tcp(p) = d {
                    assert!(p.offset + p.header.header_len() + p.payload.len() <= n);
                }
            }
        }
    }
}

/// Checks against tshark's dumps of the corpus (`SYNACK_CORPUS` = the shared
/// directory holding `captures/` and `captures-wild/`); skipped without it.
#[cfg(all(test, feature = "pcap"))]
mod corpus {
    extern crate std;

    use super::*;
    use crate::capture::CaptureReader;
    use crate::wire::IpNumber;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::string::{String, ToString};
    use std::vec::Vec;
    use std::{eprintln, format, fs, println};

    fn corpus() -> Option<PathBuf> {
        let dir = PathBuf::from(std::env::var_os("SYNACK_CORPUS")?);
        dir.join("captures-wild").is_dir().then_some(dir)
    }

    /// The TCP columns of one tshark row (several values when a frame holds
    /// several TCP headers).
    #[derive(Debug, Default)]
    struct Row {
        source_ports: Vec<u16>,
        seqs_raw: Vec<u32>,
        /// `tcp.seq`: relative, except in ICMP quotes where it is the absolute one.
        seqs: Vec<u32>,
        lens: Vec<u32>,
        statuses: Vec<u8>,
    }

    impl Row {
        /// A quoted TCP header inside an ICMP error: TCP columns without `tcp.len`.
        fn is_icmp_quote(&self) -> bool {
            !self.source_ports.is_empty() && self.lens.is_empty()
        }
    }

    fn values<T: core::str::FromStr>(cell: Option<&&str>) -> Vec<T> {
        cell.map(|c| c.split(',').filter_map(|v| v.parse().ok()).collect())
            .unwrap_or_default()
    }

    /// frame number -> row.
    fn tshark_rows(tsv: &Path) -> BTreeMap<u64, Row> {
        let text = fs::read_to_string(tsv).expect("tsv");
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
        let (frame, port, seq_relative, seq, len, status) = (
            col("frame.number"),
            col("tcp.srcport"),
            col("tcp.seq"),
            col("tcp.seq_raw"),
            col("tcp.len"),
            col("tcp.checksum.status"),
        );
        lines
            .map(|line| {
                let cells: Vec<&str> = line.split('\t').collect();
                let row = Row {
                    source_ports: values(cells.get(port)),
                    seqs_raw: values(cells.get(seq)),
                    seqs: values(cells.get(seq_relative)),
                    lens: values(cells.get(len)),
                    statuses: values(cells.get(status)),
                };
                (cells[frame].parse().expect("frame number"), row)
            })
            .collect()
    }

    fn captures(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
        let mut out = Vec::new();
        for sub in ["captures", "captures-wild"] {
            let mut entries: Vec<PathBuf> = fs::read_dir(dir.join(sub))
                .expect("corpus dir")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
                .collect();
            entries.sort();
            for capture in entries {
                let stem = capture.file_stem().unwrap().to_string_lossy().to_string();
                let tsv = capture.with_file_name(format!("{stem}.tshark.tsv"));
                if tsv.exists() {
                    out.push((capture, tsv));
                }
            }
        }
        out
    }

    /// Why a frame gave no TCP segment, for the report.
    fn reason(d: &Decoded<'_>) -> String {
        match d {
            Decoded::Error(DecodeError::Fragment(_)) => "IP fragment (reassembly)".into(),
            Decoded::Error(DecodeError::Truncated(t)) => {
                format!("{} header cut by snaplen", t.layer)
            }
            other => format!("{other:?}"),
        }
    }

    #[derive(Default)]
    struct Tally {
        tshark: usize,
        decoded: usize,
        mismatched: usize,
        extra: usize,
        checksum_mismatches: usize,
        quotes: usize,
        quotes_matched: usize,
        missing: BTreeMap<String, usize>,
        /// Encapsulation -> (segments, first capture and frame).
        paths: BTreeMap<String, (usize, String)>,
    }

    fn compare(capture: &Path, rows: &BTreeMap<u64, Row>) -> Tally {
        let mut t = Tally::default();
        let mut reader = CaptureReader::open(capture).expect("open");
        while let Some(record) = reader.next_record() {
            let record = record.expect("record");
            let row = rows.get(&record.frame_number()).expect("row per frame");
            let all: Vec<Decoded<'_>> = decode_all(record.link_type, record.data).collect();
            let ours: Vec<&DecodedSegment<'_>> = all.iter().filter_map(Decoded::tcp).collect();
            if row.is_icmp_quote() {
                t.quotes += 1;
                let quoted = all.iter().any(|d| {
                    matches!(d, Decoded::IcmpQuotedTcp(q)
                        if Some(&q.source.port()) == row.source_ports.last()
                        && Some(&q.sequence_number.0) == row.seqs.last())
                });
                t.quotes_matched += usize::from(quoted);
                assert!(
                    ours.is_empty(),
                    "{}: frame {} quoted",
                    capture.display(),
                    record.frame_number()
                );
                continue;
            }
            t.tshark += row.source_ports.len();
            if row.source_ports.is_empty() {
                t.extra += ours.len();
                for p in &ours {
                    eprintln!(
                        "{}: frame {}: TCP tshark does not see: {:?}",
                        capture.display(),
                        record.frame_number(),
                        p
                    );
                }
                continue;
            }
            if ours.len() < row.source_ports.len() {
                let why = all
                    .iter()
                    .find(|d| d.tcp().is_none())
                    .map(reason)
                    .unwrap_or_default();
                *t.missing.entry(why).or_default() += row.source_ports.len() - ours.len();
            }
            for (i, p) in ours.iter().enumerate() {
                // The payload is bounded by the IP length: all of it unless cut.
                let whole = p.checksum != ChecksumStatus::Unverified(UnverifiedReason::Truncated);
                assert_eq!(whole, p.payload.len() as u64 == u64::from(p.payload_len));
                let first = format!(
                    "{} frame {}",
                    capture.file_name().unwrap().to_string_lossy(),
                    record.frame_number()
                );
                t.paths
                    .entry(p.encapsulation.to_string())
                    .or_insert((0, first))
                    .0 += 1;
                let expected = (
                    row.source_ports.get(i).copied(),
                    row.seqs_raw.get(i).copied(),
                    row.lens.get(i).copied(),
                );
                let got = (
                    Some(p.source.port()),
                    Some(p.header.sequence_number().0),
                    Some(p.payload_len),
                );
                if expected == got {
                    t.decoded += 1;
                } else {
                    t.mismatched += 1;
                    eprintln!(
                        "{}: frame {}: tshark {expected:?}, ours {got:?}",
                        capture.display(),
                        record.frame_number()
                    );
                }
                if row.statuses.get(i).copied() != Some(p.checksum.tshark_status()) {
                    t.checksum_mismatches += 1;
                    eprintln!(
                        "{}: frame {}: checksum status tshark {:?}, ours {:?}",
                        capture.display(),
                        record.frame_number(),
                        row.statuses.get(i),
                        p.checksum
                    );
                }
            }
        }
        t
    }

    /// The frame `frame` (1-based) of a corpus capture.
    fn frame_of(capture: &Path, frame: u64) -> (LinkType, Vec<u8>) {
        let mut reader = CaptureReader::open(capture).expect("open");
        while let Some(record) = reader.next_record() {
            let record = record.expect("record");
            if record.frame_number() == frame {
                return (record.link_type, record.data.to_vec());
            }
        }
        panic!("{}: no frame {frame}", capture.display());
    }

    /// One frame per link type and encapsulation of the corpus: the path walked,
    /// and ports, raw sequence number, length and checksum status as tshark has them.
    #[test]
    fn corpus_frame_per_encapsulation() {
        let Some(dir) = corpus() else {
            println!("SYNACK_CORPUS not set: skipped");
            return;
        };
        let cases: &[(&str, u64, &str)] = &[
            ("captures-wild/conn-size.pcap", 1, "Ethernet / IPv4 / TCP"),
            (
                "captures-wild/smb__dssetup_DsRoleGetPrimaryDomainInformation_standalone_workstation.pcap",
                1,
                "Ethernet / IPv4 / TCP",
            ),
            (
                "captures-wild/ftp__ipv6-violation.pcap",
                1,
                "Ethernet / IPv6 / TCP",
            ),
            // Destination options, atomic fragment, hop-by-hop, routing header.
            (
                "captures-wild/ipv6-http-atomic-frag.pcap",
                4,
                "Ethernet / IPv6 / TCP",
            ),
            (
                "captures-wild/ipv6-http-atomic-frag.pcap",
                13,
                "Ethernet / IPv6 / TCP",
            ),
            (
                "captures-wild/ipv6-http-atomic-frag.pcap",
                23,
                "Ethernet / IPv6 / TCP",
            ),
            (
                "captures-wild/ipv6-http-atomic-frag.pcap",
                33,
                "Ethernet / IPv6 / TCP",
            ),
            (
                "captures-wild/contentline__contentline-irc-5k-line.pcap",
                1,
                "BSD loopback / IPv4 / TCP",
            ),
            ("captures-wild/irc-353.pcap", 1, "BSD loopback / IPv6 / TCP"),
            (
                "captures-wild/redis__pipelining-example.pcap",
                1,
                "BSD loopback / IPv6 / TCP",
            ),
            (
                "captures-wild/dns-inverse-query.pcap",
                1,
                "FDDI / LLC / IPv4 / TCP",
            ),
            (
                "captures-wild/http__261__variant-04-te_cl_desync.pcap",
                1,
                "IPv4 / TCP",
            ),
            ("captures-wild/tcp__payload-syn.pcap", 1, "IPv4 / TCP"),
            ("captures-wild/tls__ml-dsa-44-cert.pcap", 1, "IPv4 / TCP"),
            (
                "captures-wild/ldap__issue-32.pcapng",
                1,
                "Linux SLL / IPv4 / TCP",
            ),
            (
                "captures-wild/tls__openjdk-25.0.2-zeek.org.pcap",
                1,
                "Linux SLL2 / IPv4 / TCP",
            ),
            ("captures/sll2-any.pcap", 1, "Linux SLL2 / IPv4 / TCP"),
            ("captures-wild/nflog-http.pcap", 1, "NFLOG / IPv4 / TCP"),
            ("captures/vlan.pcap", 1, "Ethernet / 802.1Q / IPv4 / TCP"),
            (
                "captures-wild/ldap__gap-data-missing.pcapng",
                1,
                "Ethernet / 802.1Q / IPv6 / TCP",
            ),
            (
                "captures-wild/vlan-pcp-dei.pcapng",
                1,
                "Ethernet / 802.1Q / 802.1Q / IPv4 / TCP",
            ),
            (
                "captures-wild/mixed-vlan-mpls.pcap",
                1,
                "Ethernet / MPLS / IPv4 / TCP",
            ),
            (
                "captures-wild/mixed-vlan-mpls.pcap",
                34,
                "Ethernet / 802.1Q / IPv4 / TCP",
            ),
            (
                "captures-wild/pppoe-over-qinq.pcap",
                1,
                "Ethernet / 802.1Q / 802.1Q / PPPoE / PPP / IPv4 / TCP",
            ),
            (
                "captures-wild/erspan.pcap",
                97,
                "Ethernet / IPv4 / GRE / Ethernet / IPv4 / TCP",
            ),
            (
                "captures-wild/tunnels__ayiya3.pcap",
                12,
                "Ethernet / IPv4 / UDP / AYIYA / IPv6 / TCP",
            ),
            (
                "captures-wild/tunnels__gre-over-udp-4754.pcap",
                5,
                "Ethernet / IPv4 / UDP / GRE / IPv4 / TCP",
            ),
            (
                "captures-wild/tunnels__gre-aruba-amsdu.pcap",
                1,
                "Ethernet / 802.1Q / IPv4 / GRE / 802.11 / A-MSDU / LLC / IPv4 / TCP",
            ),
        ];
        for &(file, frame, expected_path) in cases {
            let capture = dir.join(file);
            let stem = capture.file_stem().unwrap().to_string_lossy().to_string();
            let rows = tshark_rows(&capture.with_file_name(format!("{stem}.tshark.tsv")));
            let row = &rows[&frame];
            let (link_type, data) = frame_of(&capture, frame);
            let p = decode(link_type, &data)
                .into_tcp()
                .unwrap_or_else(|| panic!("{file} {frame}"));
            assert_eq!(p.encapsulation.to_string(), expected_path, "{file} {frame}");
            assert_eq!(
                (
                    p.source.port(),
                    p.header.sequence_number().0,
                    p.payload_len,
                    p.checksum.tshark_status()
                ),
                (
                    row.source_ports[0],
                    row.seqs_raw[0],
                    row.lens[0],
                    row.statuses[0]
                ),
                "{file} {frame}"
            );
        }
    }

    /// Frames of the corpus that are not TCP segments get typed answers.
    #[test]
    fn corpus_typed_answers() {
        let Some(dir) = corpus() else {
            println!("SYNACK_CORPUS not set: skipped");
            return;
        };
        let get = |file: &str, frame: u64| frame_of(&dir.join("captures-wild").join(file), frame);
        let (l, d) = get("http__cooper-grill-dvwa.pcapng", 6);
        assert_eq!(
            decode(l, &d),
            Decoded::NotTcp(NotTcp::EtherType(EtherType::ARP))
        );
        let (l, d) = get("erspan.pcap", 96); // ARP inside GRE
        assert_eq!(
            decode(l, &d),
            Decoded::NotTcp(NotTcp::EtherType(EtherType::ARP))
        );
        let (l, d) = get("dce-rpc__mapi.pcap", 45);
        assert_eq!(
            decode(l, &d),
            Decoded::NotTcp(NotTcp::Udp {
                source_port: 0xE2E3,
                destination_port: 0xE2E1
            })
        );
        let (l, d) = get("dce-rpc__mapi.pcap", 154); // 802.3 + LLC, SAP 0xF8
        assert_eq!(
            decode(l, &d),
            Decoded::NotTcp(NotTcp::Llc {
                dsap: 0xF8,
                ssap: 0xF8
            })
        );
        let (l, d) = get("dce-rpc__mapi.pcap", 327); // spanning tree
        assert_eq!(
            decode(l, &d),
            Decoded::NotTcp(NotTcp::Llc {
                dsap: 0x42,
                ssap: 0x42
            })
        );
        let (l, d) = get("ipv6-http-atomic-frag.pcap", 1); // neighbour advertisement
        assert_eq!(
            decode(l, &d),
            Decoded::NotTcp(NotTcp::Icmp(IcmpMessage::V6 {
                icmp_type: 136,
                code: 0
            }))
        );
        let (l, d) = get("tunnels__ayiya3.pcap", 1); // echo request inside AYIYA
        assert_eq!(
            decode(l, &d),
            Decoded::NotTcp(NotTcp::Icmp(IcmpMessage::V6 {
                icmp_type: 128,
                code: 0
            }))
        );
        // GTP-U over a fragmented outer IPv4 datagram: first and last fragment.
        for frame in [1, 2] {
            let (l, d) = get("tunnels__gtp__gtp_ext_header.pcap", frame);
            assert!(matches!(
                decode(l, &d),
                Decoded::Error(DecodeError::Fragment(f)) if f.protocol == IpNumber::UDP
            ));
        }
        // The snapshot length cut the TCP header (data offset 10, 22 bytes captured).
        let (l, d) = get("vntag_vlan_sandwich_clean.pcap", 1);
        assert_eq!(
            decode(l, &d),
            Decoded::Error(DecodeError::Truncated(Truncated {
                layer: Layer::Tcp,
                offset: 48,
                required: 40,
                available: 22
            }))
        );
        // ICMP fragmentation needed, quoting 10.10.1.4:1470 -> 74.53.140.153:25
        // (tshark: tcp.seq 2126795847).
        let (l, d) = get("smtp.pcap", 26);
        let Decoded::IcmpQuotedTcp(q) = decode(l, &d) else {
            panic!("quote")
        };
        assert_eq!(
            q.message,
            IcmpMessage::V4 {
                icmp_type: 3,
                code: 4
            }
        );
        assert_eq!(q.reporter.to_string(), "192.168.1.1");
        assert_eq!(q.source.to_string(), "10.10.1.4:1470");
        assert_eq!(q.destination.to_string(), "74.53.140.153:25");
        assert_eq!(q.sequence_number, SeqNum(2126795847));
    }

    /// Every TCP segment tshark shows in the corpus, decoded with the same
    /// ports, raw sequence number, length and checksum status; prints the
    /// shortfall per capture with its reasons.
    #[test]
    fn corpus_coverage_against_tshark() {
        let Some(dir) = corpus() else {
            println!("SYNACK_CORPUS not set: skipped");
            return;
        };
        let mut total = Tally::default();
        let mut missing_all: BTreeMap<String, usize> = BTreeMap::new();
        for (capture, tsv) in captures(&dir) {
            let t = compare(&capture, &tshark_rows(&tsv));
            let name = capture.file_name().unwrap().to_string_lossy().to_string();
            if t.decoded != t.tshark || t.extra > 0 || t.checksum_mismatches > 0 || t.quotes > 0 {
                println!(
                    "{name}: decoded {}/{} tshark segments, mismatched {}, extra {}, checksum status differs {}, ICMP quotes {}/{}, missing {:?}",
                    t.decoded,
                    t.tshark,
                    t.mismatched,
                    t.extra,
                    t.checksum_mismatches,
                    t.quotes_matched,
                    t.quotes,
                    t.missing
                );
            }
            total.tshark += t.tshark;
            total.decoded += t.decoded;
            total.mismatched += t.mismatched;
            total.extra += t.extra;
            total.checksum_mismatches += t.checksum_mismatches;
            total.quotes += t.quotes;
            total.quotes_matched += t.quotes_matched;
            for (k, v) in t.missing {
                *missing_all.entry(k).or_default() += v;
            }
            for (k, (n, first)) in t.paths {
                total.paths.entry(k).or_insert((0, first)).0 += n;
            }
        }
        println!(
            "TOTAL: decoded {}/{} ({:.3}%), mismatched {}, extra {}, checksum status differs {}, ICMP quotes {}/{}, missing {:?}",
            total.decoded,
            total.tshark,
            100.0 * total.decoded as f64 / total.tshark as f64,
            total.mismatched,
            total.extra,
            total.checksum_mismatches,
            total.quotes_matched,
            total.quotes,
            missing_all
        );
        for (path, (n, first)) in &total.paths {
            println!("{n:>6}  {path}  (first: {first})");
        }
        assert!(total.decoded * 100 >= total.tshark * 99);
        assert_eq!((total.mismatched, total.extra), (0, 0));
        assert_eq!(total.quotes_matched, total.quotes);
    }
}
