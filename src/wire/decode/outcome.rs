//! What a frame turned out to be: [`Decoded`], with the [`DecodedSegment`] it
//! holds, an ICMP error quoting TCP, or what it carries instead of TCP.

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::error::DecodeError;
use super::layer::{Encapsulation, Layer};
use super::numbers::{EtherType, IpNumber};
use crate::seq::SeqNum;
use crate::wire::{PseudoHeader, TcpHeaderSlice, ones_complement_sum};

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
    /// The innermost IP header's addresses ([`source`](Self::source),
    /// [`destination`](Self::destination) add the ports).
    pub(crate) addresses: Addresses,
    /// The TCP header, checked: every accessor is safe.
    pub header: TcpHeaderSlice<'a>,
    /// The captured payload bytes, bounded by the IP length (so no Ethernet
    /// padding or trailer); shorter than `payload_len` when the snapshot length cut it.
    pub payload: &'a [u8],
    /// The payload length the IP header declares (IP length minus IP and TCP
    /// headers): Wireshark's `tcp.len`.
    pub payload_len: u32,
    /// The total length the innermost IP header declares for its datagram
    /// (Wireshark's `ip.len`; what Zeek adds up as `ip_bytes`): the IPv4 total
    /// length, or 40 plus the IPv6 payload length (extension headers included;
    /// a jumbo payload length when the payload length is 0). A length field of
    /// 0 (segmentation offload) counts the captured bytes instead.
    pub ip_len: u32,
    /// The layers walked to reach this segment, outermost first, TCP last.
    pub encapsulation: Encapsulation,
    /// Byte offset of the TCP header in the frame.
    pub offset: usize,
    /// The final IPv6 destination a routing header names, only when it
    /// differs from `destination` (RFC 8200 §8.1: the pseudo-header uses it).
    pub(crate) routed_to: Option<Ipv6Addr>,
    /// Why the checksum cannot be checked, known while decoding.
    pub(crate) unverified: Option<UnverifiedReason>,
}

/// The two addresses of a segment's innermost IP header, as written there:
/// two 16-byte fields (an IPv4 address in the first 4 bytes, the rest zero)
/// rather than an enum of two layouts, so that the optimizer keeps them in
/// registers when `decode` is inlined.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Addresses {
    source: [u8; 16],
    destination: [u8; 16],
    v6: bool,
}

impl Addresses {
    /// IPv4 addresses.
    #[inline(always)]
    pub(crate) fn v4(source: Ipv4Addr, destination: Ipv4Addr) -> Self {
        let widen = |a: Ipv4Addr| {
            let [a, b, c, d] = a.octets();
            [a, b, c, d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        };
        Self {
            source: widen(source),
            destination: widen(destination),
            v6: false,
        }
    }

    /// IPv6 addresses.
    #[inline(always)]
    pub(crate) fn v6(source: Ipv6Addr, destination: Ipv6Addr) -> Self {
        Self {
            source: source.octets(),
            destination: destination.octets(),
            v6: true,
        }
    }

    /// An address of this version from its field.
    #[inline(always)]
    fn ip(&self, bytes: &[u8; 16]) -> IpAddr {
        if self.v6 {
            IpAddr::V6(Ipv6Addr::from(*bytes))
        } else {
            let [a, b, c, d, ..] = *bytes;
            IpAddr::V4(Ipv4Addr::new(a, b, c, d))
        }
    }

    /// Source address.
    #[inline(always)]
    fn source(&self) -> IpAddr {
        self.ip(&self.source)
    }

    /// Destination address.
    #[inline(always)]
    fn destination(&self) -> IpAddr {
        self.ip(&self.destination)
    }
}

impl fmt::Debug for Addresses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Addresses")
            .field("source", &self.source())
            .field("destination", &self.destination())
            .finish()
    }
}

impl DecodedSegment<'_> {
    /// Source address (of the innermost IP header) and port.
    #[inline]
    pub fn source(&self) -> SocketAddr {
        SocketAddr::new(self.addresses.source(), self.header.source_port())
    }

    /// Destination address (of the innermost IP header, as written there)
    /// and port.
    #[inline]
    pub fn destination(&self) -> SocketAddr {
        SocketAddr::new(self.addresses.destination(), self.header.destination_port())
    }

    /// Checks the TCP checksum over the pseudo-header, header and payload:
    /// Wireshark's `tcp.checksum.status`. [`decode`](fn@crate::wire::decode)
    /// does not check it (neither does tshark by default): this sums the whole
    /// segment, so call it when the answer matters. A segment cut by the
    /// snapshot length, or whose final IPv6 destination is unknown, is
    /// [`ChecksumStatus::Unverified`].
    #[inline]
    pub fn verify_checksum(&self) -> ChecksumStatus {
        match self.unverified {
            Some(reason) => ChecksumStatus::Unverified(reason),
            None if self.checksum_sums_right() => ChecksumStatus::Good,
            None => ChecksumStatus::Bad,
        }
    }

    /// The pseudo-header the TCP checksum covers (RFC 9293 §3.1, RFC 8200
    /// §8.1): the innermost IP header's source and destination addresses —
    /// with an IPv6 routing header, the final destination it names. (When
    /// that final destination is unknown, the destination as written, and
    /// [`verify_checksum`](Self::verify_checksum) answers
    /// [`UnverifiedReason::UnknownFinalDestination`].) Protocol 6 and the TCP
    /// length (header length plus `payload_len`) are added by
    /// [`PseudoHeader::sum`].
    #[inline]
    pub fn pseudo_header(&self) -> PseudoHeader {
        match (self.addresses.source(), self.addresses.destination()) {
            (IpAddr::V4(source), IpAddr::V4(destination)) => PseudoHeader::V4 {
                source,
                destination,
            },
            (IpAddr::V6(source), IpAddr::V6(destination)) => PseudoHeader::V6 {
                source,
                destination: self.routed_to.unwrap_or(destination),
            },
            // `Addresses` holds two addresses of one version.
            (source, destination) => PseudoHeader::V6 {
                source: to_v6(source),
                destination: self.routed_to.unwrap_or(to_v6(destination)),
            },
        }
    }

    /// Whether the pseudo-header, the header and the captured payload (the
    /// whole segment, checksum field included) sum to `0xffff`. The header
    /// and the payload are contiguous in the frame and the header's length
    /// is even, so their two sums add up to the segment's.
    fn checksum_sums_right(&self) -> bool {
        let header = self.header.slice();
        let tcp_len = header.len() as u64 + self.payload.len() as u64;
        let mut sum = u64::from(self.pseudo_header().sum(tcp_len as u32))
            + ones_complement_sum(header)
            + ones_complement_sum(self.payload);
        while sum >> 16 != 0 {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        sum == 0xffff
    }

    /// Whether the snapshot length cut the payload (`payload.len() < payload_len`).
    pub fn is_truncated(&self) -> bool {
        (self.payload.len() as u64) < u64::from(self.payload_len)
    }
}

/// An address as IPv6 (IPv4-mapped for IPv4); never needed: both addresses
/// of a segment have one version.
fn to_v6(ip: IpAddr) -> Ipv6Addr {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped(),
        IpAddr::V6(v6) => v6,
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

/// An ICMP or ICMPv6 message type and code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IcmpMessage {
    /// ICMP for IPv4 (RFC 792).
    V4 {
        /// Type.
        icmp_type: u8,
        /// Code.
        code: u8,
    },
    /// ICMPv6 (RFC 4443).
    V6 {
        /// Type.
        icmp_type: u8,
        /// Code.
        code: u8,
    },
}

impl IcmpMessage {
    /// Whether this is an error message, which quotes the packet that caused it
    /// (ICMP types 3, 4, 5, 11, 12; ICMPv6 types 1–4).
    pub const fn is_error(self) -> bool {
        match self {
            IcmpMessage::V4 { icmp_type, .. } => matches!(icmp_type, 3 | 4 | 5 | 11 | 12),
            IcmpMessage::V6 { icmp_type, .. } => matches!(icmp_type, 1..=4),
        }
    }
}

impl fmt::Display for IcmpMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IcmpMessage::V4 { icmp_type, code } => write!(f, "ICMP type {icmp_type} code {code}"),
            IcmpMessage::V6 { icmp_type, code } => {
                write!(f, "ICMPv6 type {icmp_type} code {code}")
            }
        }
    }
}
