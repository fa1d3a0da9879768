//! IP headers and the tunnels IP carries, walked just far enough to find TCP.
//!
//! * IPv4 (RFC 791): header length, total length (which bounds the payload and so
//!   drops Ethernet padding; a total length of 0 is taken as "segmentation
//!   offload, use what was captured", as Wireshark does), fragments.
//! * IPv6 (RFC 8200): the extension header chain — hop-by-hop (with the jumbo
//!   payload option, RFC 2675), routing (the final destination of a type 0, 2 or
//!   segment routing header is what the TCP pseudo-header uses, RFC 8200 §8.1),
//!   fragment (an atomic fragment, offset 0 and M = 0, RFC 6946, is decoded),
//!   destination options, authentication header; ESP stops the walk (encrypted).
//! * ICMP and ICMPv6 errors that quote a TCP header ([`IcmpQuotedTcp`]).
//! * Tunnels: IP-in-IP (4in4, 6in4, 4in6, 6in6), GRE (RFC 2784/2890, PPTP's
//!   enhanced GRE, RFC 1701 routing), ERSPAN types I–III, Aruba's GRE to 802.11,
//!   EtherIP, MPLS-in-IP; and over UDP: VXLAN (4789), Geneve (6081), GTP-U (2152,
//!   with extension headers), AYIYA (5072), GRE-in-UDP (4754), MPLS-in-UDP (6635),
//!   Teredo (3544). A UDP tunnel is recognised by its port *and* a plausible
//!   header; otherwise the datagram is reported as plain UDP.
//!
//! ```
//! use synack::wire::{decode, Decoded, LinkType, IpNumber, NotTcp};
//!
//! // A raw IPv4 datagram carrying UDP from port 53 to port 4242, no payload.
//! let datagram = [
//!     0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
//!     0, 53, 0x10, 0x92, 0, 8, 0, 0,
//! ];
//! assert_eq!(IpNumber(17), IpNumber::UDP);
//! assert!(matches!(
//!     decode(LinkType::IPV4, &datagram),
//!     Decoded::NotTcp(NotTcp::Udp { source_port: 53, destination_port: 4242 })
//! ));
//! ```

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::link::{EtherType, ethertype_next};
use super::packet::{
    DecodeError, Decoded, IcmpQuotedTcp, Layer, LayerError, Malformed, Next, NotTcp, Step, be16,
    be32, fixed, slice,
};
use crate::seq::SeqNum;

/// An IP protocol number / IPv6 next header value (IANA "Assigned Internet
/// Protocol Numbers").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IpNumber(pub u8);

impl IpNumber {
    /// IPv6 hop-by-hop options.
    pub const HOP_BY_HOP: IpNumber = IpNumber(0);
    /// ICMP.
    pub const ICMP: IpNumber = IpNumber(1);
    /// IGMP.
    pub const IGMP: IpNumber = IpNumber(2);
    /// IPv4 encapsulated in IP.
    pub const IPV4: IpNumber = IpNumber(4);
    /// TCP.
    pub const TCP: IpNumber = IpNumber(6);
    /// UDP.
    pub const UDP: IpNumber = IpNumber(17);
    /// IPv6 encapsulated in IP.
    pub const IPV6: IpNumber = IpNumber(41);
    /// IPv6 routing header.
    pub const IPV6_ROUTING: IpNumber = IpNumber(43);
    /// IPv6 fragment header.
    pub const IPV6_FRAGMENT: IpNumber = IpNumber(44);
    /// GRE.
    pub const GRE: IpNumber = IpNumber(47);
    /// Encapsulating security payload.
    pub const ESP: IpNumber = IpNumber(50);
    /// Authentication header.
    pub const AH: IpNumber = IpNumber(51);
    /// ICMPv6.
    pub const ICMPV6: IpNumber = IpNumber(58);
    /// IPv6 "no next header".
    pub const IPV6_NO_NEXT_HEADER: IpNumber = IpNumber(59);
    /// IPv6 destination options.
    pub const IPV6_DESTINATION_OPTIONS: IpNumber = IpNumber(60);
    /// EtherIP (RFC 3378).
    pub const ETHERIP: IpNumber = IpNumber(97);
    /// SCTP.
    pub const SCTP: IpNumber = IpNumber(132);
    /// Mobility header (RFC 6275).
    pub const MOBILITY: IpNumber = IpNumber(135);
    /// MPLS in IP (RFC 4023).
    pub const MPLS_IN_IP: IpNumber = IpNumber(137);
    /// Host identity protocol (RFC 7401).
    pub const HIP: IpNumber = IpNumber(139);
    /// Shim6 (RFC 5533).
    pub const SHIM6: IpNumber = IpNumber(140);

    /// The protocol's keyword for the numbers this crate knows, or `None`.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "HOPOPT",
            1 => "ICMP",
            2 => "IGMP",
            4 => "IPv4",
            6 => "TCP",
            17 => "UDP",
            41 => "IPv6",
            43 => "IPv6-Route",
            44 => "IPv6-Frag",
            47 => "GRE",
            50 => "ESP",
            51 => "AH",
            58 => "IPv6-ICMP",
            59 => "IPv6-NoNxt",
            60 => "IPv6-Opts",
            97 => "ETHERIP",
            132 => "SCTP",
            135 => "Mobility Header",
            137 => "MPLS-in-IP",
            139 => "HIP",
            140 => "Shim6",
            _ => return None,
        })
    }
}

impl fmt::Display for IpNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n} ({})", self.0),
            None => write!(f, "IP protocol {}", self.0),
        }
    }
}

/// How an IP, ICMP or UDP header contradicts itself. The byte offset is
/// carried by the enclosing [`Malformed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum IpError {
    /// The version nibble is neither 4 nor 6 where either could be.
    #[error("IP version {version} is neither 4 nor 6")]
    UnknownVersion {
        /// The version nibble.
        version: u8,
    },
    /// The version nibble differs from what the layer below announced.
    #[error("IP version {found}, expected {expected}")]
    VersionMismatch {
        /// The version the enclosing layer announced.
        expected: u8,
        /// The version nibble found.
        found: u8,
    },
    /// IPv4 internet header length below 5 words.
    #[error("IPv4 header length {ihl} words is below 5")]
    Ipv4HeaderLengthTooSmall {
        /// The IHL field, in 32-bit words.
        ihl: u8,
    },
    /// IPv4 total length shorter than the header itself (and not 0).
    #[error("IPv4 total length {total_length} is below the header length {header_len}")]
    Ipv4TotalLengthTooSmall {
        /// The total length field.
        total_length: u16,
        /// The header length in bytes.
        header_len: usize,
    },
    /// UDP length below its own 8-byte header (and not 0).
    #[error("UDP length {length} is below 8")]
    UdpLengthTooSmall {
        /// The length field.
        length: u16,
    },
}

impl IpError {
    fn at(self, layer: Layer, offset: usize) -> DecodeError {
        DecodeError::Malformed(Malformed {
            layer,
            offset,
            error: LayerError::Ip(self),
        })
    }
}

/// How a tunnel header contradicts itself. The byte offset is carried by the
/// enclosing [`Malformed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum TunnelError {
    /// GRE version other than 0 (RFC 2784) or 1 (PPTP, RFC 2637).
    #[error("GRE version {version} is neither 0 nor 1")]
    GreVersion {
        /// The version bits.
        version: u8,
    },
    /// Enhanced GRE (version 1) without its key field.
    #[error("GRE version 1 without the key field")]
    GreVersion1WithoutKey,
    /// ERSPAN header version not the one its GRE protocol type announces.
    #[error("ERSPAN version {found}, expected {expected}")]
    ErspanVersion {
        /// The version the GRE protocol type announces (1 = type II, 2 = type III).
        expected: u8,
        /// The version bits found.
        found: u8,
    },
    /// A GTP-U extension header of length 0.
    #[error("GTP-U extension header of length 0")]
    GtpExtensionLength,
    /// EtherIP version other than 3 (RFC 3378).
    #[error("EtherIP version {version}, expected 3")]
    EtherIpVersion {
        /// The version nibble.
        version: u8,
    },
}

impl TunnelError {
    fn at(self, layer: Layer, offset: usize) -> DecodeError {
        DecodeError::Malformed(Malformed {
            layer,
            offset,
            error: LayerError::Tunnel(self),
        })
    }
}

/// An IP fragment: the datagram must be reassembled before its TCP segment
/// can be read (the first fragment may hold the TCP header, but its payload is
/// incomplete and its checksum covers bytes not in this frame).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fragment {
    /// Source address of the fragmented datagram.
    pub source: IpAddr,
    /// Destination address of the fragmented datagram.
    pub destination: IpAddr,
    /// Identification (16 bits in IPv4, 32 in the IPv6 fragment header).
    pub identification: u32,
    /// Offset of this fragment's data in the datagram, in bytes.
    pub offset: u16,
    /// More fragments follow.
    pub more_fragments: bool,
    /// Protocol of the reassembled payload.
    pub protocol: IpNumber,
}

impl fmt::Display for Fragment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} fragment {} -> {} id 0x{:x} offset {}{}",
            self.protocol,
            self.source,
            self.destination,
            self.identification,
            self.offset,
            if self.more_fragments {
                " (more follow)"
            } else {
                " (last)"
            }
        )
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

/// The addresses of the innermost IP header so far: what a TCP segment's
/// socket addresses and pseudo-header are made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IpContext {
    /// IPv4 source and destination.
    V4 {
        source: Ipv4Addr,
        destination: Ipv4Addr,
    },
    /// IPv6 source, destination, and the final destination a routing header
    /// names (`None` when the routing type is unknown and segments are left).
    V6 {
        source: Ipv6Addr,
        destination: Ipv6Addr,
        final_destination: Option<Ipv6Addr>,
    },
}

impl IpContext {
    /// Source address.
    pub(crate) fn source(&self) -> IpAddr {
        match *self {
            IpContext::V4 { source, .. } => source.into(),
            IpContext::V6 { source, .. } => source.into(),
        }
    }

    /// Destination address, as in the header.
    pub(crate) fn destination(&self) -> IpAddr {
        match *self {
            IpContext::V4 { destination, .. } => destination.into(),
            IpContext::V6 { destination, .. } => destination.into(),
        }
    }
}

/// An IP header (with IPv6 extension headers) as the walker needs it.
struct IpHeader {
    context: IpContext,
    /// The protocol after the header (and after the extension headers).
    protocol: IpNumber,
    /// Header length including options and extension headers.
    len: usize,
    /// Absolute end of the datagram per its length fields.
    end: usize,
    /// Set when the datagram is a fragment that is not atomic.
    fragment: Option<Fragment>,
}

/// IPv4 header (RFC 791 §3.1).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod ipv4 {
    use core::ops::Range;
    pub const VERSION_IHL: usize = 0;
    pub const DSCP_ECN: usize = 1;
    pub const TOTAL_LENGTH: Range<usize> = 2..4;
    pub const IDENTIFICATION: Range<usize> = 4..6;
    pub const FLAGS_FRAGMENT_OFFSET: Range<usize> = 6..8;
    pub const TTL: usize = 8;
    pub const PROTOCOL: usize = 9;
    pub const HEADER_CHECKSUM: Range<usize> = 10..12;
    pub const SOURCE: Range<usize> = 12..16;
    pub const DESTINATION: Range<usize> = 16..20;
    pub const MIN_HEADER_LEN: usize = 20;
    pub const MIN_IHL: u8 = 5;
    pub const IHL_MASK: u8 = 0x0F;
    pub const FLAG_MORE_FRAGMENTS: u16 = 0x2000;
    pub const FRAGMENT_OFFSET_MASK: u16 = 0x1FFF;
    /// Fragment offsets count 8-byte units.
    pub const FRAGMENT_UNIT: u16 = 8;
}

/// IPv6 header (RFC 8200 §3) and extension headers (§4).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod ipv6 {
    use core::ops::Range;
    pub const VERSION_CLASS_FLOW: Range<usize> = 0..4;
    pub const PAYLOAD_LENGTH: Range<usize> = 4..6;
    pub const NEXT_HEADER: usize = 6;
    pub const HOP_LIMIT: usize = 7;
    pub const SOURCE: Range<usize> = 8..24;
    pub const DESTINATION: Range<usize> = 24..40;
    pub const HEADER_LEN: usize = 40;
    // Every extension header starts with these two bytes.
    pub const EXT_NEXT_HEADER: usize = 0;
    pub const EXT_LENGTH: usize = 1;
    pub const EXT_MIN_LEN: usize = 8;
    /// Generic extension headers count 8-byte units beyond the first 8 bytes.
    pub const EXT_UNIT: usize = 8;
    /// The authentication header counts 4-byte units beyond the first 8 bytes.
    pub const AH_UNIT: usize = 4;
    // Routing header.
    pub const ROUTING_TYPE: usize = 2;
    pub const ROUTING_SEGMENTS_LEFT: usize = 3;
    pub const ROUTING_ADDRESSES: usize = 8;
    pub const ROUTING_TYPE_SOURCE_ROUTE: u8 = 0;
    pub const ROUTING_TYPE_2: u8 = 2;
    pub const ROUTING_TYPE_SEGMENT: u8 = 4;
    pub const ADDRESS_LEN: usize = 16;
    // Fragment header.
    pub const FRAGMENT_OFFSET_FLAGS: Range<usize> = 2..4;
    pub const FRAGMENT_IDENTIFICATION: Range<usize> = 4..8;
    pub const FRAGMENT_MORE: u16 = 0x0001;
    pub const FRAGMENT_OFFSET_SHIFT: u16 = 3;
    // Hop-by-hop options.
    pub const OPTIONS_START: usize = 2;
    pub const OPTION_PAD1: u8 = 0;
    pub const OPTION_JUMBO_PAYLOAD: u8 = 0xC2;
    pub const JUMBO_PAYLOAD_LEN: usize = 4;
}

/// The version nibble of the byte at `at`.
pub(crate) fn version(frame: &[u8], at: usize, layer: Layer) -> Result<u8, DecodeError> {
    Ok(fixed::<1>(frame, at, layer)?[0] >> 4)
}

/// The layer an IP version nibble announces (raw IP links, NFLOG, MPLS, tunnels).
pub(crate) fn by_version(frame: &[u8], at: usize) -> Result<Next, DecodeError> {
    match version(frame, at, Layer::Ipv4)? {
        4 => Ok(Next::Ipv4),
        6 => Ok(Next::Ipv6),
        v => Err(IpError::UnknownVersion { version: v }.at(Layer::Ipv4, at)),
    }
}

/// Reads an IPv4 header. With `quoted` (inside an ICMP error) the total
/// length is not checked: the quote is shorter than the datagram was.
fn parse_ipv4(frame: &[u8], at: usize, quoted: bool) -> Result<IpHeader, DecodeError> {
    let h = fixed::<{ ipv4::MIN_HEADER_LEN }>(frame, at, Layer::Ipv4)?;
    let found = h[ipv4::VERSION_IHL] >> 4;
    if found != 4 {
        return Err(IpError::VersionMismatch { expected: 4, found }.at(Layer::Ipv4, at));
    }
    let ihl = h[ipv4::VERSION_IHL] & ipv4::IHL_MASK;
    if ihl < ipv4::MIN_IHL {
        return Err(IpError::Ipv4HeaderLengthTooSmall { ihl }.at(Layer::Ipv4, at));
    }
    let header_len = usize::from(ihl) * 4;
    slice(frame, at, header_len, Layer::Ipv4)?;
    let total_length = be16(h, ipv4::TOTAL_LENGTH);
    let end = if total_length == 0 {
        // Captured before segmentation offload filled the length in.
        frame.len()
    } else if usize::from(total_length) < header_len && !quoted {
        return Err(IpError::Ipv4TotalLengthTooSmall {
            total_length,
            header_len,
        }
        .at(Layer::Ipv4, at + ipv4::TOTAL_LENGTH.start));
    } else {
        at + usize::from(total_length)
    };
    let source = Ipv4Addr::from(be32(h, ipv4::SOURCE));
    let destination = Ipv4Addr::from(be32(h, ipv4::DESTINATION));
    let protocol = IpNumber(h[ipv4::PROTOCOL]);
    let flags_offset = be16(h, ipv4::FLAGS_FRAGMENT_OFFSET);
    let more_fragments = flags_offset & ipv4::FLAG_MORE_FRAGMENTS != 0;
    let offset = (flags_offset & ipv4::FRAGMENT_OFFSET_MASK) * ipv4::FRAGMENT_UNIT;
    let fragment = (more_fragments || offset != 0).then_some(Fragment {
        source: source.into(),
        destination: destination.into(),
        identification: u32::from(be16(h, ipv4::IDENTIFICATION)),
        offset,
        more_fragments,
        protocol,
    });
    Ok(IpHeader {
        context: IpContext::V4 {
            source,
            destination,
        },
        protocol,
        len: header_len,
        end,
        fragment,
    })
}

fn ipv6_address(bytes: &[u8]) -> Ipv6Addr {
    let mut a = [0u8; 16];
    if let Some(b) = bytes.first_chunk::<16>() {
        a = *b;
    }
    Ipv6Addr::from(a)
}

/// The jumbo payload length in a hop-by-hop header (RFC 2675), if any.
fn jumbo_payload_len(options: &[u8]) -> Option<u32> {
    let mut i = ipv6::OPTIONS_START;
    while let Some(&kind) = options.get(i) {
        if kind == ipv6::OPTION_PAD1 {
            i += 1;
            continue;
        }
        let len = usize::from(*options.get(i + 1)?);
        let data = options.get(i + 2..i + 2 + len)?;
        if kind == ipv6::OPTION_JUMBO_PAYLOAD && len == ipv6::JUMBO_PAYLOAD_LEN {
            return data.first_chunk::<4>().map(|b| u32::from_be_bytes(*b));
        }
        i += 2 + len;
    }
    None
}

/// The final destination a routing header names when segments are left:
/// `Ok(None)` when none are left (the header's destination is final),
/// `Err(())` when the routing type is not one whose layout is known.
fn routing_final_destination(header: &[u8]) -> Result<Option<Ipv6Addr>, ()> {
    let (Some(&routing_type), Some(&segments_left)) = (
        header.get(ipv6::ROUTING_TYPE),
        header.get(ipv6::ROUTING_SEGMENTS_LEFT),
    ) else {
        return Err(());
    };
    if segments_left == 0 {
        return Ok(None);
    }
    let addresses = header.get(ipv6::ROUTING_ADDRESSES..).unwrap_or(&[]);
    let count = addresses.len() / ipv6::ADDRESS_LEN;
    let index = match routing_type {
        // Type 0: the last address of the list is the final destination.
        ipv6::ROUTING_TYPE_SOURCE_ROUTE => count.checked_sub(1).ok_or(())?,
        // Type 2 (mobile home address) and segment routing (list in reverse order).
        ipv6::ROUTING_TYPE_2 | ipv6::ROUTING_TYPE_SEGMENT if count > 0 => 0,
        _ => return Err(()),
    };
    let start = index * ipv6::ADDRESS_LEN;
    Ok(Some(ipv6_address(
        addresses.get(start..start + ipv6::ADDRESS_LEN).ok_or(())?,
    )))
}

/// Reads an IPv6 header and walks its extension headers up to the upper-layer
/// protocol (or ESP, or a fragment that is not atomic).
fn parse_ipv6(frame: &[u8], at: usize, quoted: bool) -> Result<IpHeader, DecodeError> {
    let h = fixed::<{ ipv6::HEADER_LEN }>(frame, at, Layer::Ipv6)?;
    let found = h[0] >> 4;
    if found != 6 {
        return Err(IpError::VersionMismatch { expected: 6, found }.at(Layer::Ipv6, at));
    }
    let source = ipv6_address(&h[ipv6::SOURCE]);
    let destination = ipv6_address(&h[ipv6::DESTINATION]);
    let payload_length = be16(h, ipv6::PAYLOAD_LENGTH);
    let mut end = at + ipv6::HEADER_LEN + usize::from(payload_length);
    let mut final_destination = Some(destination);
    let mut protocol = IpNumber(h[ipv6::NEXT_HEADER]);
    let mut len = ipv6::HEADER_LEN;
    let mut fragment = None;
    let mut jumbo = None;
    // Extension headers lie within the payload; a quote only has what it has.
    // (A payload length of 0 — jumbogram or offload — bounds nothing yet.)
    let within = if quoted || payload_length == 0 {
        frame
    } else {
        frame.get(..end).unwrap_or(frame)
    };
    loop {
        let ext_at = at + len;
        let ext_len = match protocol {
            IpNumber::HOP_BY_HOP
            | IpNumber::IPV6_ROUTING
            | IpNumber::IPV6_DESTINATION_OPTIONS
            | IpNumber::MOBILITY
            | IpNumber::HIP
            | IpNumber::SHIM6 => {
                let e = fixed::<{ ipv6::EXT_MIN_LEN }>(within, ext_at, Layer::Ipv6)?;
                ipv6::EXT_MIN_LEN + usize::from(e[ipv6::EXT_LENGTH]) * ipv6::EXT_UNIT
            }
            IpNumber::AH => {
                let e = fixed::<{ ipv6::EXT_MIN_LEN }>(within, ext_at, Layer::Ipv6)?;
                (usize::from(e[ipv6::EXT_LENGTH]) + 2) * ipv6::AH_UNIT
            }
            IpNumber::IPV6_FRAGMENT => ipv6::EXT_MIN_LEN,
            _ => break,
        };
        let ext = slice(within, ext_at, ext_len, Layer::Ipv6)?;
        let next = IpNumber(ext[ipv6::EXT_NEXT_HEADER]);
        match protocol {
            IpNumber::HOP_BY_HOP if len == ipv6::HEADER_LEN => {
                jumbo = jumbo_payload_len(ext);
            }
            IpNumber::IPV6_ROUTING => match routing_final_destination(ext) {
                Ok(Some(address)) => final_destination = Some(address),
                Ok(None) => {}
                Err(()) => final_destination = None,
            },
            IpNumber::IPV6_FRAGMENT => {
                let offset_flags = be16(ext, ipv6::FRAGMENT_OFFSET_FLAGS);
                let more_fragments = offset_flags & ipv6::FRAGMENT_MORE != 0;
                let offset = (offset_flags >> ipv6::FRAGMENT_OFFSET_SHIFT) * 8;
                if more_fragments || offset != 0 {
                    fragment = Some(Fragment {
                        source: source.into(),
                        destination: destination.into(),
                        identification: be32(ext, ipv6::FRAGMENT_IDENTIFICATION),
                        offset,
                        more_fragments,
                        protocol: next,
                    });
                }
            }
            _ => {}
        }
        len += ext_len;
        protocol = next;
        if fragment.is_some() {
            break;
        }
    }
    if payload_length == 0 {
        end = match jumbo {
            Some(j) => (at + ipv6::HEADER_LEN).saturating_add(j as usize),
            // No length at all: segmentation offload; or nothing follows.
            None if protocol == IpNumber::IPV6_NO_NEXT_HEADER => at + len,
            None => frame.len(),
        };
    }
    Ok(IpHeader {
        context: IpContext::V6 {
            source,
            destination,
            final_destination,
        },
        protocol,
        len,
        end,
        fragment,
    })
}

/// The layer an IP protocol number announces, with the addresses TCP and ICMP need.
pub(crate) fn protocol_next(protocol: IpNumber, context: IpContext) -> Next {
    let v6 = matches!(context, IpContext::V6 { .. });
    match protocol {
        IpNumber::TCP => Next::Tcp(context),
        IpNumber::UDP => Next::Udp,
        IpNumber::ICMP if !v6 => Next::Icmp(context),
        IpNumber::ICMPV6 if v6 => Next::Icmp(context),
        IpNumber::IPV4 => Next::Ipv4,
        IpNumber::IPV6 => Next::Ipv6,
        IpNumber::GRE => Next::Gre,
        IpNumber::AH => Next::Ah(context),
        IpNumber::ESP => Next::Esp,
        IpNumber::ETHERIP => Next::EtherIp,
        IpNumber::MPLS_IN_IP => Next::Mpls,
        other => Next::NotTcp(NotTcp::IpProtocol(other)),
    }
}

fn ip_step(header: IpHeader) -> Result<Step, DecodeError> {
    if let Some(fragment) = header.fragment {
        return Err(DecodeError::Fragment(fragment));
    }
    Ok(Step {
        len: header.len,
        next: protocol_next(header.protocol, header.context),
        end: Some(header.end),
    })
}

/// An IPv4 header; its total length bounds what follows.
pub(crate) fn ipv4(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    ip_step(parse_ipv4(frame, at, false)?)
}

/// An IPv6 header and its extension headers; the payload length bounds what follows.
pub(crate) fn ipv6(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    ip_step(parse_ipv6(frame, at, false)?)
}

/// An IPv4 authentication header (RFC 4302 §2); in IPv6 it is walked with the
/// extension headers.
pub(crate) fn auth_header(
    frame: &[u8],
    at: usize,
    context: IpContext,
) -> Result<Step, DecodeError> {
    let e = fixed::<{ ipv6::EXT_MIN_LEN }>(frame, at, Layer::Ah)?;
    let len = (usize::from(e[ipv6::EXT_LENGTH]) + 2) * ipv6::AH_UNIT;
    slice(frame, at, len, Layer::Ah)?;
    let next = protocol_next(IpNumber(e[ipv6::EXT_NEXT_HEADER]), context);
    Ok(Step::new(len, next))
}

/// ICMP / ICMPv6 header (RFC 792, RFC 4443 §2.1).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod icmp {
    use core::ops::Range;
    pub const TYPE: usize = 0;
    pub const CODE: usize = 1;
    pub const CHECKSUM: Range<usize> = 2..4;
    pub const REST: Range<usize> = 4..8;
    pub const HEADER_LEN: usize = 8;
    /// Ports and sequence number: what every ICMP error quotes of TCP (RFC 792).
    pub const QUOTED_TCP_LEN: usize = 8;
    pub const QUOTED_SOURCE_PORT: Range<usize> = 0..2;
    pub const QUOTED_DESTINATION_PORT: Range<usize> = 2..4;
    pub const QUOTED_SEQUENCE_NUMBER: Range<usize> = 4..8;
}

/// An ICMP or ICMPv6 message: an error quoting the start of a TCP segment is
/// [`Decoded::IcmpQuotedTcp`], anything else is not TCP.
pub(crate) fn icmp(
    frame: &[u8],
    at: usize,
    context: IpContext,
) -> Result<Decoded<'_>, DecodeError> {
    let v6 = matches!(context, IpContext::V6 { .. });
    let layer = if v6 { Layer::Icmpv6 } else { Layer::Icmp };
    let h = fixed::<{ icmp::HEADER_LEN }>(frame, at, layer)?;
    let (icmp_type, code) = (h[icmp::TYPE], h[icmp::CODE]);
    let message = if v6 {
        IcmpMessage::V6 { icmp_type, code }
    } else {
        IcmpMessage::V4 { icmp_type, code }
    };
    let other = Decoded::NotTcp(NotTcp::Icmp(message));
    if !message.is_error() {
        return Ok(other);
    }
    let quote_at = at + icmp::HEADER_LEN;
    let quoted = if v6 {
        parse_ipv6(frame, quote_at, true)
    } else {
        parse_ipv4(frame, quote_at, true)
    };
    let Ok(quoted) = quoted else { return Ok(other) };
    let first_fragment = quoted.fragment.is_none_or(|f| f.offset == 0);
    let tcp_at = quote_at + quoted.len;
    let (true, IpNumber::TCP, Some(tcp)) = (
        first_fragment,
        quoted.fragment.map_or(quoted.protocol, |f| f.protocol),
        frame
            .get(tcp_at..)
            .and_then(|b| b.first_chunk::<{ icmp::QUOTED_TCP_LEN }>()),
    ) else {
        return Ok(other);
    };
    Ok(Decoded::IcmpQuotedTcp(IcmpQuotedTcp {
        message,
        reporter: context.source(),
        source: SocketAddr::new(quoted.context.source(), be16(tcp, icmp::QUOTED_SOURCE_PORT)),
        destination: SocketAddr::new(
            quoted.context.destination(),
            be16(tcp, icmp::QUOTED_DESTINATION_PORT),
        ),
        sequence_number: SeqNum(be32(tcp, icmp::QUOTED_SEQUENCE_NUMBER)),
        quoted_tcp: frame.get(tcp_at..).unwrap_or(&[]),
    }))
}

/// UDP header (RFC 768) and the well-known ports of UDP tunnels.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod udp {
    use core::ops::Range;
    pub const SOURCE_PORT: Range<usize> = 0..2;
    pub const DESTINATION_PORT: Range<usize> = 2..4;
    pub const LENGTH: Range<usize> = 4..6;
    pub const CHECKSUM: Range<usize> = 6..8;
    pub const HEADER_LEN: usize = 8;
    pub const PORT_GTP_U: u16 = 2152;
    pub const PORT_TEREDO: u16 = 3544;
    pub const PORT_GRE_IN_UDP: u16 = 4754;
    pub const PORT_VXLAN: u16 = 4789;
    pub const PORT_AYIYA: u16 = 5072;
    pub const PORT_GENEVE: u16 = 6081;
    pub const PORT_MPLS_IN_UDP: u16 = 6635;
}

/// Which tunnel a UDP port names, if its header looks right in `payload`
/// (a header too short to judge is given the benefit of the doubt, so that
/// the tunnel's own step reports the truncation).
fn udp_tunnel(port: u16, payload: &[u8]) -> Option<Next> {
    let first = payload.first().copied();
    let plausible = |ok: bool| ok || payload.is_empty();
    match port {
        udp::PORT_VXLAN if plausible(first.is_some_and(|f| f & vxlan::FLAG_VNI != 0)) => {
            Some(Next::Vxlan)
        }
        udp::PORT_GENEVE if plausible(first.is_some_and(|f| f >> geneve::VERSION_SHIFT == 0)) => {
            Some(Next::Geneve)
        }
        udp::PORT_GTP_U
            if plausible(first.is_some_and(|f| {
                f >> gtp::VERSION_SHIFT == 1 && f & gtp::FLAG_PROTOCOL_TYPE != 0
            })) =>
        {
            Some(Next::GtpU)
        }
        udp::PORT_AYIYA
            if plausible(
                payload
                    .get(ayiya::OPCODE)
                    .is_some_and(|o| o & 0x0F == ayiya::OPCODE_FORWARD),
            ) =>
        {
            Some(Next::Ayiya)
        }
        udp::PORT_GRE_IN_UDP
            if plausible(
                payload
                    .get(gre::FLAGS_VERSION.end - 1)
                    .is_some_and(|v| v & gre::VERSION_MASK <= 1),
            ) =>
        {
            Some(Next::Gre)
        }
        udp::PORT_MPLS_IN_UDP => Some(Next::Mpls),
        udp::PORT_TEREDO if teredo_ipv6_at(payload).is_some() => Some(Next::Teredo),
        _ => None,
    }
}

/// A UDP header; its length bounds the datagram. Tunnels on well-known ports
/// go on, anything else is reported as UDP with its ports.
pub(crate) fn udp(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ udp::HEADER_LEN }>(frame, at, Layer::Udp)?;
    let length = be16(h, udp::LENGTH);
    if length != 0 && usize::from(length) < udp::HEADER_LEN {
        return Err(IpError::UdpLengthTooSmall { length }.at(Layer::Udp, at + udp::LENGTH.start));
    }
    let end = (length != 0).then_some(at + usize::from(length));
    let source_port = be16(h, udp::SOURCE_PORT);
    let destination_port = be16(h, udp::DESTINATION_PORT);
    let payload_end = end.unwrap_or(frame.len()).min(frame.len());
    let payload = frame.get(at + udp::HEADER_LEN..payload_end).unwrap_or(&[]);
    let next = udp_tunnel(destination_port, payload)
        .or_else(|| udp_tunnel(source_port, payload))
        .unwrap_or(Next::NotTcp(NotTcp::Udp {
            source_port,
            destination_port,
        }));
    Ok(Step {
        len: udp::HEADER_LEN,
        next,
        end,
    })
}

/// GRE header (RFC 2784, RFC 2890 key and sequence number, RFC 1701 routing,
/// RFC 2637 enhanced GRE) and the protocol types that are not EtherTypes.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod gre {
    use core::ops::Range;
    pub const FLAGS_VERSION: Range<usize> = 0..2;
    pub const PROTOCOL: Range<usize> = 2..4;
    pub const BASE_LEN: usize = 4;
    pub const FLAG_CHECKSUM: u16 = 0x8000;
    pub const FLAG_ROUTING: u16 = 0x4000;
    pub const FLAG_KEY: u16 = 0x2000;
    pub const FLAG_SEQUENCE: u16 = 0x1000;
    /// Enhanced GRE: an acknowledgment number follows.
    pub const FLAG_ACK: u16 = 0x0080;
    pub const VERSION_MASK: u8 = 0x07;
    pub const FIELD_LEN: usize = 4;
    /// Enhanced GRE key field: payload length, then call id.
    pub const KEY_PAYLOAD_LENGTH: Range<usize> = 0..2;
    /// Source route entry: address family, offset, length (RFC 1701).
    pub const SRE_HEADER_LEN: usize = 4;
    pub const SRE_LENGTH: usize = 3;
    /// Aruba's GRE carries 802.11 frames under 0x8200..=0x8370 (every 0x10) and 0x9000.
    pub const ARUBA_FIRST: u16 = 0x8200;
    pub const ARUBA_LAST: u16 = 0x8370;
    pub const ARUBA_STEP: u16 = 0x10;
    pub const ARUBA_9000: u16 = 0x9000;
}

/// Whether a GRE protocol type is one of Aruba's 802.11 encapsulations.
fn is_aruba(protocol: u16) -> bool {
    protocol == gre::ARUBA_9000
        || ((gre::ARUBA_FIRST..=gre::ARUBA_LAST).contains(&protocol)
            && protocol % gre::ARUBA_STEP == 0)
}

/// A GRE header with its optional fields.
pub(crate) fn gre(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ gre::BASE_LEN }>(frame, at, Layer::Gre)?;
    let flags = be16(h, gre::FLAGS_VERSION);
    let version = (flags as u8) & gre::VERSION_MASK;
    let protocol = be16(h, gre::PROTOCOL);
    let has = |flag: u16| flags & flag != 0;
    let mut len = gre::BASE_LEN;
    let mut end = None;
    match version {
        0 => {
            if has(gre::FLAG_CHECKSUM) || has(gre::FLAG_ROUTING) {
                len += gre::FIELD_LEN; // checksum and offset (reserved)
            }
            if has(gre::FLAG_KEY) {
                len += gre::FIELD_LEN;
            }
        }
        1 => {
            if !has(gre::FLAG_KEY) {
                return Err(TunnelError::GreVersion1WithoutKey.at(Layer::Gre, at));
            }
            let key = fixed::<{ gre::FIELD_LEN }>(frame, at + len, Layer::Gre)?;
            let payload_length = usize::from(be16(key, gre::KEY_PAYLOAD_LENGTH));
            len += gre::FIELD_LEN;
            if has(gre::FLAG_SEQUENCE) {
                len += gre::FIELD_LEN;
            }
            if has(gre::FLAG_ACK) {
                len += gre::FIELD_LEN;
            }
            end = Some(at + len + payload_length);
        }
        _ => return Err(TunnelError::GreVersion { version }.at(Layer::Gre, at + 1)),
    }
    if version == 0 && has(gre::FLAG_SEQUENCE) {
        len += gre::FIELD_LEN;
    }
    if version == 0 && has(gre::FLAG_ROUTING) {
        // Source route entries up to the null one (address family 0, length 0).
        loop {
            let sre = fixed::<{ gre::SRE_HEADER_LEN }>(frame, at + len, Layer::Gre)?;
            let sre_len = usize::from(sre[gre::SRE_LENGTH]);
            len += gre::SRE_HEADER_LEN + sre_len;
            if sre_len == 0 {
                break;
            }
        }
    }
    slice(frame, at, len, Layer::Gre)?;
    let next = match EtherType(protocol) {
        EtherType::ERSPAN if has(gre::FLAG_SEQUENCE) => Next::Erspan2,
        // ERSPAN type I: no sequence number, no ERSPAN header.
        EtherType::ERSPAN => Next::Ethernet,
        EtherType::ERSPAN_III => Next::Erspan3,
        _ if is_aruba(protocol) => Next::Ieee80211,
        other => ethertype_next(other),
    };
    Ok(Step { len, next, end })
}

/// ERSPAN type II and III headers (draft-foschiano-erspan).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod erspan {
    use core::ops::Range;
    pub const VERSION_VLAN: Range<usize> = 0..2;
    pub const TYPE_II_LEN: usize = 8;
    pub const TYPE_III_LEN: usize = 12;
    pub const VERSION_TYPE_II: u8 = 1;
    pub const VERSION_TYPE_III: u8 = 2;
    /// Type III: P, frame type (5 bits), hardware id (6), D, granularity (2), O.
    pub const TYPE_III_FLAGS: Range<usize> = 10..12;
    pub const FRAME_TYPE_SHIFT: u16 = 10;
    pub const FRAME_TYPE_MASK: u16 = 0x1F;
    pub const FRAME_TYPE_ETHERNET: u16 = 0;
    pub const FRAME_TYPE_IP: u16 = 2;
    pub const OPTIONAL_SUBHEADER: u16 = 0x0001;
    pub const OPTIONAL_SUBHEADER_LEN: usize = 8;
}

/// An ERSPAN type II header; an Ethernet frame follows.
pub(crate) fn erspan2(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ erspan::TYPE_II_LEN }>(frame, at, Layer::Erspan)?;
    let found = h[erspan::VERSION_VLAN.start] >> 4;
    if found != erspan::VERSION_TYPE_II {
        return Err(TunnelError::ErspanVersion {
            expected: erspan::VERSION_TYPE_II,
            found,
        }
        .at(Layer::Erspan, at));
    }
    Ok(Step::new(erspan::TYPE_II_LEN, Next::Ethernet))
}

/// An ERSPAN type III header and its optional platform subheader.
pub(crate) fn erspan3(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ erspan::TYPE_III_LEN }>(frame, at, Layer::Erspan)?;
    let found = h[erspan::VERSION_VLAN.start] >> 4;
    if found != erspan::VERSION_TYPE_III {
        return Err(TunnelError::ErspanVersion {
            expected: erspan::VERSION_TYPE_III,
            found,
        }
        .at(Layer::Erspan, at));
    }
    let flags = be16(h, erspan::TYPE_III_FLAGS);
    let mut len = erspan::TYPE_III_LEN;
    if flags & erspan::OPTIONAL_SUBHEADER != 0 {
        len += erspan::OPTIONAL_SUBHEADER_LEN;
    }
    let next = match (flags >> erspan::FRAME_TYPE_SHIFT) & erspan::FRAME_TYPE_MASK {
        erspan::FRAME_TYPE_ETHERNET => Next::Ethernet,
        erspan::FRAME_TYPE_IP => Next::Ip,
        other => {
            return Err(DecodeError::Unsupported {
                layer: Layer::Erspan,
                offset: at + erspan::TYPE_III_FLAGS.start,
                value: u32::from(other),
            });
        }
    };
    Ok(Step::new(len, next))
}

/// EtherIP header (RFC 3378 §3): version 3 in the high nibble, then reserved bits.
mod etherip {
    pub const LEN: usize = 2;
    pub const VERSION: u8 = 3;
}

/// An EtherIP header; an Ethernet frame follows.
pub(crate) fn etherip(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ etherip::LEN }>(frame, at, Layer::EtherIp)?;
    let version = h[0] >> 4;
    if version != etherip::VERSION {
        return Err(TunnelError::EtherIpVersion { version }.at(Layer::EtherIp, at));
    }
    Ok(Step::new(etherip::LEN, Next::Ethernet))
}

/// VXLAN header (RFC 7348 §5).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod vxlan {
    pub const FLAGS: usize = 0;
    pub const LEN: usize = 8;
    /// The I flag: the VNI is valid.
    pub const FLAG_VNI: u8 = 0x08;
}

/// A VXLAN header; an Ethernet frame follows.
pub(crate) fn vxlan(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    fixed::<{ vxlan::LEN }>(frame, at, Layer::Vxlan)?;
    Ok(Step::new(vxlan::LEN, Next::Ethernet))
}

/// Geneve header (RFC 8926 §3.4).
mod geneve {
    use core::ops::Range;
    pub const VERSION_OPTIONS_LENGTH: usize = 0;
    pub const PROTOCOL: Range<usize> = 2..4;
    pub const BASE_LEN: usize = 8;
    pub const OPTIONS_LENGTH_MASK: u8 = 0x3F;
    pub const VERSION_SHIFT: u8 = 6;
    pub const OPTIONS_UNIT: usize = 4;
}

/// A Geneve header and its options; the protocol type is an EtherType.
pub(crate) fn geneve(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ geneve::BASE_LEN }>(frame, at, Layer::Geneve)?;
    let options = usize::from(h[geneve::VERSION_OPTIONS_LENGTH] & geneve::OPTIONS_LENGTH_MASK);
    let len = geneve::BASE_LEN + options * geneve::OPTIONS_UNIT;
    slice(frame, at, len, Layer::Geneve)?;
    Ok(Step::new(
        len,
        ethertype_next(EtherType(be16(h, geneve::PROTOCOL))),
    ))
}

/// GTP-U header (3GPP TS 29.281 §5).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod gtp {
    use core::ops::Range;
    pub const FLAGS: usize = 0;
    pub const MESSAGE_TYPE: usize = 1;
    pub const LENGTH: Range<usize> = 2..4;
    pub const TEID: Range<usize> = 4..8;
    pub const BASE_LEN: usize = 8;
    /// Sequence number, N-PDU number, next extension header type.
    pub const OPTIONAL_LEN: usize = 4;
    pub const NEXT_EXTENSION_TYPE: usize = 11;
    pub const VERSION_SHIFT: u8 = 5;
    pub const FLAG_PROTOCOL_TYPE: u8 = 0x10;
    pub const FLAG_EXTENSION: u8 = 0x04;
    /// Any of E, S, PN: the optional fields are present.
    pub const FLAGS_OPTIONAL: u8 = 0x07;
    /// G-PDU: a user packet follows.
    pub const MESSAGE_G_PDU: u8 = 0xFF;
    pub const EXTENSION_UNIT: usize = 4;
}

/// A GTP-U header with its extension headers. A G-PDU carries an IP packet;
/// other messages (echo, error indication, end marker) are signalling.
pub(crate) fn gtp_u(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ gtp::BASE_LEN }>(frame, at, Layer::GtpU)?;
    let flags = h[gtp::FLAGS];
    let message_type = h[gtp::MESSAGE_TYPE];
    let end = at + gtp::BASE_LEN + usize::from(be16(h, gtp::LENGTH));
    let mut len = gtp::BASE_LEN;
    if flags & gtp::FLAGS_OPTIONAL != 0 {
        let o = fixed::<{ gtp::BASE_LEN + gtp::OPTIONAL_LEN }>(frame, at, Layer::GtpU)?;
        len += gtp::OPTIONAL_LEN;
        if flags & gtp::FLAG_EXTENSION != 0 {
            let mut next_type = o[gtp::NEXT_EXTENSION_TYPE];
            while next_type != 0 {
                let units = fixed::<1>(frame, at + len, Layer::GtpU)?[0];
                if units == 0 {
                    return Err(TunnelError::GtpExtensionLength.at(Layer::GtpU, at + len));
                }
                let ext_len = usize::from(units) * gtp::EXTENSION_UNIT;
                let ext = slice(frame, at + len, ext_len, Layer::GtpU)?;
                next_type = ext.last().copied().unwrap_or(0);
                len += ext_len;
            }
        }
    }
    let next = if message_type == gtp::MESSAGE_G_PDU {
        Next::Ip
    } else {
        Next::NotTcp(NotTcp::TunnelControl {
            layer: Layer::GtpU,
            message_type,
        })
    };
    Ok(Step {
        len,
        next,
        end: Some(end),
    })
}

/// AYIYA header (draft-massar-v6ops-ayiya §5).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod ayiya {
    use core::ops::Range;
    pub const ID_LENGTH_TYPE: usize = 0;
    pub const SIGNATURE_LENGTH_HASH: usize = 1;
    pub const AUTHENTICATION_OPCODE: usize = 2;
    pub const OPCODE: usize = 2;
    pub const NEXT_HEADER: usize = 3;
    pub const EPOCH: Range<usize> = 4..8;
    pub const BASE_LEN: usize = 8;
    pub const OPCODE_FORWARD: u8 = 1;
    pub const SIGNATURE_UNIT: usize = 4;
}

/// An AYIYA header: identity of `2^idlen` bytes and a signature of `siglen`
/// 4-byte words follow the fixed part; forwarded packets carry IPv4 or IPv6.
pub(crate) fn ayiya(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ ayiya::BASE_LEN }>(frame, at, Layer::Ayiya)?;
    let identity_len = 1usize << (h[ayiya::ID_LENGTH_TYPE] >> 4);
    let signature_len = usize::from(h[ayiya::SIGNATURE_LENGTH_HASH] >> 4) * ayiya::SIGNATURE_UNIT;
    let len = ayiya::BASE_LEN + identity_len + signature_len;
    slice(frame, at, len, Layer::Ayiya)?;
    let opcode = h[ayiya::AUTHENTICATION_OPCODE] & 0x0F;
    let next = match (opcode, IpNumber(h[ayiya::NEXT_HEADER])) {
        (ayiya::OPCODE_FORWARD, IpNumber::IPV6) => Next::Ipv6,
        (ayiya::OPCODE_FORWARD, IpNumber::IPV4) => Next::Ipv4,
        (ayiya::OPCODE_FORWARD, other) => Next::NotTcp(NotTcp::IpProtocol(other)),
        (_, _) => Next::NotTcp(NotTcp::TunnelControl {
            layer: Layer::Ayiya,
            message_type: opcode,
        }),
    };
    Ok(Step::new(len, next))
}

/// Teredo (RFC 4380 §5.1.1): optional authentication and origin indication
/// headers before an IPv6 packet.
mod teredo {
    use core::ops::Range;
    pub const INDICATOR: Range<usize> = 0..2;
    pub const INDICATOR_AUTHENTICATION: u16 = 0x0001;
    pub const INDICATOR_ORIGIN: u16 = 0x0000;
    pub const AUTH_ID_LEN: usize = 2;
    pub const AUTH_AU_LEN: usize = 3;
    /// Indicator, two lengths, nonce (8) and confirmation (1), without id and value.
    pub const AUTH_FIXED_LEN: usize = 13;
    pub const ORIGIN_LEN: usize = 8;
}

/// Where the IPv6 packet starts in a Teredo payload, if there is one.
fn teredo_ipv6_at(payload: &[u8]) -> Option<usize> {
    let mut at = 0;
    for _ in 0..2 {
        let rest = payload.get(at..)?;
        match rest
            .get(teredo::INDICATOR)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
        {
            Some(teredo::INDICATOR_AUTHENTICATION) => {
                let id = usize::from(*rest.get(teredo::AUTH_ID_LEN)?);
                let au = usize::from(*rest.get(teredo::AUTH_AU_LEN)?);
                at += teredo::AUTH_FIXED_LEN + id + au;
            }
            Some(teredo::INDICATOR_ORIGIN) => at += teredo::ORIGIN_LEN,
            _ => break,
        }
    }
    (payload.get(at)? >> 4 == 6).then_some(at)
}

/// Teredo's optional headers; an IPv6 packet follows.
pub(crate) fn teredo(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let payload = frame.get(at..).unwrap_or(&[]);
    match teredo_ipv6_at(payload) {
        Some(len) => Ok(Step::new(len, Next::Ipv6)),
        None => Err(DecodeError::Unsupported {
            layer: Layer::Teredo,
            offset: at,
            value: 0,
        }),
    }
}

#[cfg(test)]
mod test {
    extern crate std;

    use super::*;
    use std::string::ToString;

    fn step(r: Result<Step, DecodeError>) -> (usize, Next, Option<usize>) {
        let s = r.expect("step");
        (s.len, s.next, s.end)
    }

    /// A 20-byte IPv4 header: total length, protocol, MF flag and offset (in 8-byte units).
    fn ipv4_header(total_length: u16, protocol: u8, more: bool, offset: u16) -> [u8; 20] {
        let mut h = [0u8; 20];
        h[0] = 0x45;
        h[2..4].copy_from_slice(&total_length.to_be_bytes());
        h[4..6].copy_from_slice(&0x1234u16.to_be_bytes());
        let flags = if more { 0x2000 } else { 0 } | offset;
        h[6..8].copy_from_slice(&flags.to_be_bytes());
        h[8] = 64;
        h[9] = protocol;
        h[12..16].copy_from_slice(&[192, 0, 2, 1]);
        h[16..20].copy_from_slice(&[198, 51, 100, 2]);
        h
    }

    fn v4_context() -> IpContext {
        IpContext::V4 {
            source: Ipv4Addr::new(192, 0, 2, 1),
            destination: Ipv4Addr::new(198, 51, 100, 2),
        }
    }

    #[test]
    fn ipv4_header_and_length() {
        let mut f = [0u8; 64];
        f[..20].copy_from_slice(&ipv4_header(40, 6, false, 0));
        // Total length 40 ends the datagram at byte 40 (the rest is padding).
        assert_eq!(step(ipv4(&f, 0)), (20, Next::Tcp(v4_context()), Some(40)));
        // Total length 0: offload; the captured bytes are the datagram.
        f[2..4].copy_from_slice(&[0, 0]);
        assert_eq!(step(ipv4(&f, 0)).2, Some(64));
        // IHL 6 with 4 option bytes.
        f[0] = 0x46;
        f[2..4].copy_from_slice(&[0, 44]);
        assert_eq!(step(ipv4(&f, 0)).0, 24);
        f[0] = 0x44;
        assert!(matches!(
            ipv4(&f, 0),
            Err(DecodeError::Malformed(m))
                if m.error == LayerError::Ip(IpError::Ipv4HeaderLengthTooSmall { ihl: 4 })
        ));
        f[0] = 0x45;
        f[2..4].copy_from_slice(&[0, 19]);
        assert!(matches!(ipv4(&f, 0), Err(DecodeError::Malformed(m)) if m.offset == 2));
        f[0] = 0x65;
        assert!(matches!(
            ipv4(&f, 0),
            Err(DecodeError::Malformed(m))
                if m.error == LayerError::Ip(IpError::VersionMismatch { expected: 4, found: 6 })
        ));
        assert!(matches!(ipv4(&f[..19], 0), Err(DecodeError::Truncated(t)) if t.required == 20));
    }

    #[test]
    fn ipv4_fragments() {
        // First fragment (MF, offset 0), a middle one and the last one.
        for (more, offset) in [(true, 0u16), (true, 185), (false, 370)] {
            let h = ipv4_header(100, 6, more, offset);
            let Err(DecodeError::Fragment(frag)) = ipv4(&h, 0) else {
                panic!("fragment")
            };
            assert_eq!(
                (
                    frag.identification,
                    frag.offset,
                    frag.more_fragments,
                    frag.protocol
                ),
                (0x1234, offset * 8, more, IpNumber::TCP)
            );
        }
        // The DF bit alone is not a fragment.
        let mut h = ipv4_header(20, 17, false, 0);
        h[6] = 0x40;
        assert_eq!(step(ipv4(&h, 0)).1, Next::Udp);
    }

    fn ipv6_header(payload_length: u16, next_header: u8) -> [u8; 40] {
        let mut h = [0u8; 40];
        h[0] = 0x60;
        h[4..6].copy_from_slice(&payload_length.to_be_bytes());
        h[6] = next_header;
        h[7] = 64;
        h[8..24].copy_from_slice(&Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1).octets());
        h[24..40].copy_from_slice(&Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2).octets());
        h
    }

    fn v6_context(final_destination: Option<Ipv6Addr>) -> IpContext {
        IpContext::V6 {
            source: Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
            destination: Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2),
            final_destination,
        }
    }

    #[test]
    fn ipv6_extension_headers() {
        let dst = Some(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2));
        let mut f = [0u8; 120];
        // Hop-by-hop (8) -> destination options (16) -> atomic fragment (8) -> TCP.
        f[..40].copy_from_slice(&ipv6_header(60, 0));
        f[40] = 60;
        f[41] = 0;
        f[48] = 44;
        f[49] = 1;
        f[64] = 6;
        assert_eq!(
            step(ipv6(&f, 0)),
            (72, Next::Tcp(v6_context(dst)), Some(100))
        );
        // The same fragment header with M set is a fragment.
        f[67] = 1;
        f[68..72].copy_from_slice(&7u32.to_be_bytes());
        let Err(DecodeError::Fragment(frag)) = ipv6(&f, 0) else {
            panic!("fragment")
        };
        assert_eq!(
            (frag.identification, frag.offset, frag.protocol),
            (7, 0, IpNumber::TCP)
        );
        // Authentication header: length 4 means (4 + 2) * 4 = 24 bytes.
        let mut g = [0u8; 80];
        g[..40].copy_from_slice(&ipv6_header(40, 51));
        g[40] = 6;
        g[41] = 4;
        assert_eq!(step(ipv6(&g, 0)).0, 64);
        // ESP stops the walk.
        g[6] = 50;
        assert_eq!(step(ipv6(&g, 0)).1, Next::Esp);
        // An extension header running past the payload length is cut.
        g[6] = 0;
        g[41] = 9;
        assert!(matches!(ipv6(&g, 0), Err(DecodeError::Truncated(t)) if t.offset == 40));
    }

    #[test]
    fn ipv6_routing_header_final_destination() {
        // ipv6-http-atomic-frag.pcap: routing type 0, no segments left.
        let mut f = [0u8; 80];
        f[..40].copy_from_slice(&ipv6_header(40, 43));
        f[40] = 6;
        let dst = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);
        assert_eq!(step(ipv6(&f, 0)).1, Next::Tcp(v6_context(Some(dst))));
        // Type 0 with two addresses and a segment left: the last one is final.
        let last = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x99);
        let mut g = [0u8; 120];
        g[..40].copy_from_slice(&ipv6_header(40 + 40, 43));
        g[40] = 59;
        g[41] = 4;
        g[43] = 1;
        g[64..80].copy_from_slice(&last.octets());
        assert!(matches!(
            parse_ipv6(&g, 0, false),
            Ok(IpHeader { context: IpContext::V6 { final_destination: Some(a), .. }, .. }) if a == last
        ));
        // An unknown routing type with segments left: the final destination is unknown.
        g[42] = 253;
        assert!(matches!(
            parse_ipv6(&g, 0, false),
            Ok(IpHeader {
                context: IpContext::V6 {
                    final_destination: None,
                    ..
                },
                ..
            })
        ));
    }

    #[test]
    fn ipv6_jumbo_and_zero_length() {
        // Payload length 0 with a jumbo payload option of 70000.
        let mut f = [0u8; 56];
        f[..40].copy_from_slice(&ipv6_header(0, 0));
        f[40] = 6;
        f[42] = 0xC2;
        f[43] = 4;
        f[44..48].copy_from_slice(&70000u32.to_be_bytes());
        assert_eq!(step(ipv6(&f, 0)).2, Some(40 + 70000));
        // Payload length 0, no jumbo option: take the captured bytes.
        let g = ipv6_header(0, 6);
        let mut h = [0u8; 60];
        h[..40].copy_from_slice(&g);
        assert_eq!(step(ipv6(&h, 0)).2, Some(60));
    }

    #[test]
    fn icmp_error_quoting_tcp() {
        // Port unreachable from 203.0.113.9 quoting 192.0.2.1:1025 -> 198.51.100.2:25, seq 0x01020304.
        let mut f = [0u8; 36];
        f[0] = 3;
        f[1] = 3;
        f[8..28].copy_from_slice(&ipv4_header(60, 6, false, 0));
        f[28..36].copy_from_slice(&[0x04, 0x01, 0, 25, 1, 2, 3, 4]);
        let reporter = Ipv4Addr::new(203, 0, 113, 9);
        let ctx = IpContext::V4 {
            source: reporter,
            destination: Ipv4Addr::new(192, 0, 2, 1),
        };
        let Ok(Decoded::IcmpQuotedTcp(q)) = icmp(&f, 0, ctx) else {
            panic!("quoted")
        };
        assert_eq!(q.source, "192.0.2.1:1025".parse().unwrap());
        assert_eq!(q.destination, "198.51.100.2:25".parse().unwrap());
        assert_eq!(
            (q.sequence_number, q.reporter),
            (SeqNum(0x01020304), IpAddr::V4(reporter))
        );
        assert_eq!(
            q.message,
            IcmpMessage::V4 {
                icmp_type: 3,
                code: 3
            }
        );
        // Fewer than 8 quoted TCP bytes, or an echo request: just ICMP.
        assert!(matches!(
            icmp(&f[..35], 0, ctx),
            Ok(Decoded::NotTcp(NotTcp::Icmp(_)))
        ));
        f[0] = 8;
        f[1] = 0;
        assert!(matches!(
            icmp(&f, 0, ctx),
            Ok(Decoded::NotTcp(NotTcp::Icmp(IcmpMessage::V4 {
                icmp_type: 8,
                code: 0
            })))
        ));
        // A quoted non-first fragment holds no TCP header.
        f[0] = 11;
        f[8..28].copy_from_slice(&ipv4_header(60, 6, false, 10));
        assert!(matches!(
            icmp(&f, 0, ctx),
            Ok(Decoded::NotTcp(NotTcp::Icmp(_)))
        ));
    }

    #[test]
    fn icmpv6_error_quoting_tcp() {
        let mut f = [0u8; 56];
        f[0] = 1; // destination unreachable
        f[8..48].copy_from_slice(&ipv6_header(20, 6));
        f[48..56].copy_from_slice(&[0, 80, 0xC0, 0x00, 0, 0, 0, 9]);
        let Ok(Decoded::IcmpQuotedTcp(q)) = icmp(&f, 0, v6_context(None)) else {
            panic!()
        };
        assert_eq!((q.source.port(), q.destination.port()), (80, 0xC000));
        assert_eq!(q.sequence_number, SeqNum(9));
        assert_eq!(
            q.message,
            IcmpMessage::V6 {
                icmp_type: 1,
                code: 0
            }
        );
    }

    #[test]
    fn udp_and_its_tunnels() {
        let mut f = [0u8; 24];
        f[0..2].copy_from_slice(&53u16.to_be_bytes());
        f[2..4].copy_from_slice(&1024u16.to_be_bytes());
        f[4..6].copy_from_slice(&16u16.to_be_bytes());
        assert_eq!(
            step(udp(&f, 0)),
            (
                8,
                Next::NotTcp(NotTcp::Udp {
                    source_port: 53,
                    destination_port: 1024
                }),
                Some(16)
            )
        );
        // VXLAN needs the I flag.
        f[2..4].copy_from_slice(&4789u16.to_be_bytes());
        assert!(matches!(
            step(udp(&f, 0)).1,
            Next::NotTcp(NotTcp::Udp { .. })
        ));
        f[8] = 0x08;
        assert_eq!(step(udp(&f, 0)).1, Next::Vxlan);
        // GTP-U needs version 1 and PT.
        f[2..4].copy_from_slice(&2152u16.to_be_bytes());
        f[8] = 0x30;
        assert_eq!(step(udp(&f, 0)).1, Next::GtpU);
        // The tunnel port may be the source port.
        f[0..2].copy_from_slice(&4754u16.to_be_bytes());
        f[2..4].copy_from_slice(&50000u16.to_be_bytes());
        f[8] = 0;
        assert_eq!(step(udp(&f, 0)).1, Next::Gre);
        // Length 0 (jumbogram) leaves the bound to IP; 1..7 is wrong.
        f[4..6].copy_from_slice(&0u16.to_be_bytes());
        assert_eq!(step(udp(&f, 0)).2, None);
        f[4..6].copy_from_slice(&7u16.to_be_bytes());
        assert!(matches!(udp(&f, 0), Err(DecodeError::Malformed(m)) if m.offset == 4));
    }

    #[test]
    fn gre_variants() {
        // tunnels__gre-over-udp-4754.pcap: no flags, IPv4.
        assert_eq!(step(gre(&[0, 0, 0x08, 0x00], 0)), (4, Next::Ipv4, None));
        // erspan.pcap: key present, transparent Ethernet bridging.
        assert_eq!(
            step(gre(&[0x20, 0, 0x65, 0x58, 0, 0, 0, 0], 0)),
            (8, Next::Ethernet, None)
        );
        // Checksum + key + sequence, ERSPAN type II.
        let mut g = [0u8; 16];
        g[0] = 0xB0;
        g[2..4].copy_from_slice(&[0x88, 0xBE]);
        assert_eq!(step(gre(&g, 0)), (16, Next::Erspan2, None));
        // ERSPAN without the sequence number is type I: Ethernet directly.
        g[0] = 0x00;
        assert_eq!(step(gre(&g, 0)).1, Next::Ethernet);
        // Aruba: 0x8240 carries 802.11.
        assert_eq!(step(gre(&[0, 0, 0x82, 0x40], 0)).1, Next::Ieee80211);
        assert!(is_aruba(0x9000) && is_aruba(0x8370) && !is_aruba(0x8241) && !is_aruba(0x8380));
        // PPTP: version 1 with key (payload length 3, call id), PPP follows.
        assert_eq!(
            step(gre(&[0x20, 0x01, 0x88, 0x0B, 0, 3, 0, 7, 0xFF], 0)),
            (8, Next::Ppp, Some(11))
        );
        assert!(matches!(
            gre(&[0x00, 0x01, 0x88, 0x0B], 0),
            Err(DecodeError::Malformed(_))
        ));
        assert!(matches!(
            gre(&[0x00, 0x02, 0x08, 0x00], 0),
            Err(DecodeError::Malformed(m))
                if m.error == LayerError::Tunnel(TunnelError::GreVersion { version: 2 })
        ));
        // RFC 1701 routing: checksum/offset, one SRE of 4 bytes, then the null SRE.
        let r = [
            0x40, 0, 0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4, 0, 0, 0, 0,
        ];
        assert_eq!(step(gre(&r, 0)).0, 20);
        assert!(matches!(gre(&r[..12], 0), Err(DecodeError::Truncated(_))));
    }

    #[test]
    fn erspan_headers() {
        let mut two = [0u8; 8];
        two[0] = 0x10;
        assert_eq!(step(erspan2(&two, 0)), (8, Next::Ethernet, None));
        two[0] = 0x20;
        assert!(matches!(erspan2(&two, 0), Err(DecodeError::Malformed(_))));
        let mut three = [0u8; 20];
        three[0] = 0x20;
        assert_eq!(step(erspan3(&three, 0)), (12, Next::Ethernet, None));
        three[11] = 0x01; // optional subheader
        assert_eq!(step(erspan3(&three, 0)).0, 20);
        three[10] = 2 << 2; // frame type 2: IP
        assert_eq!(step(erspan3(&three, 0)).1, Next::Ip);
    }

    #[test]
    fn gtp_u_with_extension_headers() {
        // tunnels__gtp__gtp_ext_header.pcap: 34 ff 05c4 ..., E set; one
        // extension of 1 unit (4 bytes) ending in next type 0.
        let f = [
            0x34, 0xFF, 0x00, 0x10, 0, 0, 0, 1, 0, 0, 0, 0x85, 0x01, 0x00, 0x09, 0x00, 0x45,
        ];
        assert_eq!(step(gtp_u(&f, 0)), (16, Next::Ip, Some(24)));
        let mut e = f;
        e[12] = 0;
        assert!(matches!(gtp_u(&e, 0), Err(DecodeError::Malformed(m)) if m.offset == 12));
        let mut echo = f;
        echo[1] = 1;
        assert_eq!(
            step(gtp_u(&echo, 0)).1,
            Next::NotTcp(NotTcp::TunnelControl {
                layer: Layer::GtpU,
                message_type: 1
            })
        );
    }

    #[test]
    fn ayiya_teredo_geneve_etherip() {
        // tunnels__ayiya3.pcap: 41 52 11 29: 16-byte identity, 20-byte signature, IPv6.
        let mut a = [0u8; 45];
        a[..4].copy_from_slice(&[0x41, 0x52, 0x11, 0x29]);
        assert_eq!(step(ayiya(&a, 0)), (44, Next::Ipv6, None));
        assert!(matches!(ayiya(&a[..40], 0), Err(DecodeError::Truncated(_))));
        // Teredo with an origin indication before IPv6.
        let t = [0, 0, 1, 2, 3, 4, 5, 6, 0x60];
        assert_eq!(teredo_ipv6_at(&t), Some(8));
        assert_eq!(step(teredo(&t, 0)), (8, Next::Ipv6, None));
        assert_eq!(teredo_ipv6_at(&[0x45]), None);
        // Geneve with one 4-byte option word, transparent Ethernet bridging.
        let g = [0x01, 0, 0x65, 0x58, 0, 0, 1, 0, 0, 0, 0, 0];
        assert_eq!(step(geneve(&g, 0)), (12, Next::Ethernet, None));
        assert_eq!(step(etherip(&[0x30, 0], 0)), (2, Next::Ethernet, None));
        assert!(matches!(
            etherip(&[0x20, 0], 0),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn names() {
        assert_eq!(IpNumber::TCP.to_string(), "TCP (6)");
        assert_eq!(IpNumber(253).to_string(), "IP protocol 253");
        let f = Fragment {
            source: Ipv4Addr::LOCALHOST.into(),
            destination: Ipv4Addr::LOCALHOST.into(),
            identification: 1,
            offset: 8,
            more_fragments: false,
            protocol: IpNumber::TCP,
        };
        assert_eq!(
            f.to_string(),
            "TCP (6) fragment 127.0.0.1 -> 127.0.0.1 id 0x1 offset 8 (last)"
        );
    }
}
