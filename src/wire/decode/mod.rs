//! Frames to TCP: [`decode`] walks a captured frame from its link layer through
//! every tag, label, tunnel and IP header to the innermost TCP segment.
//!
//! The answer is a [`Decoded`]: a [`DecodedSegment`] (addresses, checked header view,
//! captured payload, the payload length the IP header declares, the
//! pseudo-header, the IP datagram's length, and the checksum checked on
//! demand), an ICMP error quoting a TCP
//! header ([`IcmpQuotedTcp`] — not a segment of the connection), a frame that
//! is [`NotTcp`] (saying what it was: an EtherType, an IP protocol, UDP ports,
//! an ICMP type…), or a [`DecodeError`] (an IP fragment that needs
//! reassembly, bytes cut by the snapshot length, a malformed header with its
//! layer and byte offset, encryption, an unsupported link type). Nothing here
//! panics, reads out of bounds or allocates, whatever the bytes.
//!
//! # How the decoder is laid out
//!
//! As Zeek's packet analyzers and etherparse's slicing suggest:
//!
//! * this file is the **driver**: it alone walks the frame, dispatches on the
//!   next protocol's identifier (an EtherType, an IP protocol number, or the
//!   layer a parser names directly) to the parser of that layer, keeps the byte
//!   range the enclosing length fields allow (IP total length, UDP length, PPPoE
//!   length, 802.3 length, A-MSDU subframe length), records the path as an
//!   [`Encapsulation`], and turns a parser's error into a [`DecodeError`] with
//!   its layer and absolute frame offset — in one place;
//! * **leaf modules** name no parser: `layer` ([`Layer`], [`Encapsulation`]),
//!   `numbers` (the identifiers: [`LinkType`], [`EtherType`], [`IpNumber`]),
//!   `error` (the frame errors and the parsers' relative `Fault`), `outcome`
//!   (what a frame turned out to be), `step` (what a parser hands the driver)
//!   and `bytes` (the one byte reader every parser uses);
//! * **one file per layer family**: `null`, `ethernet` (with VLAN, VN-Tag and
//!   PBB tags), `llc`, `fddi`, `sll`, `nflog`, `pflog`, `cisco_hdlc`, `ppp`
//!   (with PPPoE), `mpls`, `ieee80211` (radiotap, 802.11, A-MSDU), `ip`,
//!   `ipv4`, `ipv6`, `ah`, `icmp`, `udp`, `gre` (with ERSPAN), `etherip`,
//!   `vxlan`, `geneve`, `gtp`, `ayiya`, `teredo`. A parser sees the bytes from
//!   the first byte of its header to the end the enclosing layers allow; it
//!   checks its header, measures it and names what follows; its lengths and
//!   errors count from its own first byte.
//!
//! Adding a protocol is one new file and one line in the dispatch of
//! `Walk::run` (plus its identifier in `ethertype_next` or `ip_protocol_next`
//! when an EtherType or IP protocol number announces it).
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
//! assert_eq!(packet.source().to_string(), "10.0.0.1:1025");
//! assert_eq!(packet.destination().to_string(), "10.0.0.2:80");
//! assert_eq!((packet.payload.len(), packet.payload_len), (0, 0));
//! assert_eq!(packet.ip_len, 40);
//! assert_eq!(packet.verify_checksum(), ChecksumStatus::Good);
//! assert_eq!(packet.encapsulation.to_string(), "Ethernet / IPv4 / TCP");
//! ```

mod ah;
mod ayiya;
mod bytes;
mod cisco_hdlc;
mod error;
mod etherip;
mod ethernet;
mod fddi;
mod geneve;
mod gre;
mod gtp;
mod icmp;
mod ieee80211;
mod ip;
mod ipv4;
mod ipv6;
mod layer;
mod llc;
mod mpls;
mod nflog;
mod null;
mod numbers;
mod outcome;
mod pflog;
mod ppp;
mod sll;
mod step;
mod teredo;
mod udp;
mod vxlan;

#[cfg(test)]
mod test_layers;
#[cfg(test)]
mod tests;

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::flags::TcpFlags;
use crate::seq::SeqNum;

pub use error::{
    CutTcp, DecodeError, Fragment, IpError, LayerError, LinkError, Malformed, Truncated,
    TunnelError,
};
use layer::Path;
pub use layer::{Encapsulation, Layer, MAX_LAYERS};
pub use numbers::{EtherType, IpNumber, LinkType};
use outcome::Addresses;
pub use outcome::{
    ChecksumStatus, Decoded, DecodedSegment, IcmpMessage, IcmpQuotedTcp, NotTcp, UnverifiedReason,
};

use crate::wire::{TCP_MIN_HEADER_LEN, TcpHeaderError, TcpHeaderSlice};
use error::Fault;
use step::{IpContext, Next, Step};

/// Decodes a captured frame of the given link type down to its innermost TCP
/// segment. For an 802.11 A-MSDU holding several packets this is the first;
/// [`decode_all`] gives them all.
#[inline]
pub fn decode(link_type: LinkType, frame: &[u8]) -> Decoded<'_> {
    start_one(link_type, frame)
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
                    context: IpContext::NONE,
                    ip_len: 0,
                };
                walk.run(Next::AmsduSubframe, &mut resume)
            }
            State::Done => return None,
        };
        self.state = resume.map_or(State::Done, State::Resume);
        Some(decoded)
    }
}

/// Where to pick up an A-MSDU's next subframe.
#[derive(Clone, Copy, Debug)]
struct Resume {
    at: usize,
    end: usize,
    declared_end: usize,
    path: Path,
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
    path: Path,
    /// The addresses of the innermost IP header so far.
    context: IpContext,
    /// The length the innermost IP header so far declares for its datagram.
    ip_len: usize,
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

/// The layer an EtherType names (Ethernet, VLAN tags, SNAP, Linux cooked
/// captures, Cisco HDLC, GRE, Geneve).
fn ethertype_next(ether_type: EtherType) -> Next {
    match ether_type {
        EtherType::IPV4 => Next::Ipv4,
        EtherType::IPV6 => Next::Ipv6,
        EtherType::VLAN
        | EtherType::QINQ
        | EtherType::QINQ_9100
        | EtherType::QINQ_9200
        | EtherType::QINQ_9300 => Next::Vlan,
        EtherType::VN_TAG => Next::VnTag,
        EtherType::PBB => Next::Pbb,
        EtherType::MPLS | EtherType::MPLS_MULTICAST => Next::Mpls,
        EtherType::PPPOE_SESSION => Next::Pppoe,
        EtherType::TRANSPARENT_ETHERNET => Next::Ethernet,
        EtherType::PPP => Next::Ppp,
        other => Next::NotTcp(NotTcp::EtherType(other)),
    }
}

/// The layer an IP protocol number names after an IP header (or an IPv4
/// authentication header) with these addresses.
fn ip_protocol_next(protocol: IpNumber, v6: bool) -> Next {
    match protocol {
        IpNumber::TCP => Next::Tcp,
        IpNumber::UDP => Next::Udp,
        IpNumber::ICMP if !v6 => Next::Icmp,
        IpNumber::ICMPV6 if v6 => Next::Icmp,
        IpNumber::IPV4 => Next::Ipv4,
        IpNumber::IPV6 => Next::Ipv6,
        IpNumber::GRE => Next::Gre,
        IpNumber::AH => Next::Ah,
        IpNumber::ESP => Next::Esp,
        IpNumber::ETHERIP => Next::EtherIp,
        IpNumber::MPLS_IN_IP => Next::Mpls,
        other => Next::NotTcp(NotTcp::IpProtocol(other)),
    }
}

/// Decodes a frame from its first layer.
///
/// The common path first: Ethernet (with up to two VLAN tags), Linux cooked
/// (v1, v2) or raw IP, then IPv4 or IPv6 straight to TCP — the frames nearly
/// every capture is made of — walked without the general dispatch. It is
/// taken only when every layer is well formed and plain (no 802.3 length, no
/// IP fragment, no IPv6 extension header, no IPv6 payload length of 0, a
/// whole TCP header); then it builds the segment `Walk::tcp` would. Any
/// other frame goes the general way from its first byte, so every answer,
/// error or not, is the general walk's (the tests check both on mutated and
/// cut frames).
fn start<'a>(link_type: LinkType, frame: &'a [u8], resume: &mut Option<Resume>) -> Decoded<'a> {
    match common(link_type, frame) {
        Some(segment) => Decoded::Tcp(segment),
        None => general_walk(link_type, frame, resume),
    }
}

/// [`start`] for a single packet (what [`decode`] returns): the common path,
/// else the general walk — out of line and with its own A-MSDU bookkeeping,
/// so that the common path needs no stack frame for it.
#[inline(always)]
fn start_one(link_type: LinkType, frame: &[u8]) -> Decoded<'_> {
    // Untagged Ethernet first, the most common frame of all.
    if link_type == LinkType::ETHERNET {
        if let Some(&[.., hi, lo]) = frame.first_chunk::<ETHERNET_LEN>() {
            let [v4, v6] = &COMMON_ENCAPSULATIONS[COMMON_ETHERNET][0];
            match EtherType(u16::from_be_bytes([hi, lo])) {
                EtherType::IPV4 => return common_v4(link_type, frame, ETHERNET_LEN, v4),
                EtherType::IPV6 => return common_v6(link_type, frame, ETHERNET_LEN, v6),
                _ => {}
            }
        }
    }
    let Some((link, vlans, at, ether_type)) = common_link(link_type, frame) else {
        return general_one(link_type, frame);
    };
    match COMMON_ENCAPSULATIONS.get(link).and_then(|l| l.get(vlans)) {
        Some([v4, _]) if ether_type == EtherType::IPV4 => common_v4(link_type, frame, at, v4),
        Some([_, v6]) => common_v6(link_type, frame, at, v6),
        None => general_one(link_type, frame),
    }
}

/// [`start_one`] past the link layers of a common frame, at an IPv4 header
/// (`at`). One function per IP version, each writing its own kind of
/// addresses straight into the answer (no join of the two kinds); inlined
/// with [`decode`] into the caller, whose reads of the segment then mostly
/// come from registers.
#[inline(always)]
fn common_v4<'a>(
    link_type: LinkType,
    frame: &'a [u8],
    at: usize,
    encapsulation: &Encapsulation,
) -> Decoded<'a> {
    match frame
        .get(at..)
        .and_then(|bytes| common_ipv4_tcp(bytes, at, encapsulation))
    {
        Some(segment) => Decoded::Tcp(segment),
        None => general_one(link_type, frame),
    }
}

/// [`common_v4`] for an IPv6 header.
#[inline(always)]
fn common_v6<'a>(
    link_type: LinkType,
    frame: &'a [u8],
    at: usize,
    encapsulation: &Encapsulation,
) -> Decoded<'a> {
    match frame
        .get(at..)
        .and_then(|bytes| common_ipv6_tcp(bytes, at, encapsulation))
    {
        Some(segment) => Decoded::Tcp(segment),
        None => general_one(link_type, frame),
    }
}

/// The general walk of a frame's first packet.
#[cold]
#[inline(never)]
fn general_one(link_type: LinkType, frame: &[u8]) -> Decoded<'_> {
    general_walk(link_type, frame, &mut None)
}

/// The common path: a plain, well-formed, uncut-header TCP segment in the
/// common frames, or `None` (the general walk then answers, errors included).
#[inline(always)]
fn common(link_type: LinkType, frame: &[u8]) -> Option<DecodedSegment<'_>> {
    let (link, vlans, at, ether_type) = common_link(link_type, frame)?;
    let bytes = frame.get(at..)?;
    let [v4, v6] = COMMON_ENCAPSULATIONS.get(link)?.get(vlans)?;
    if ether_type == EtherType::IPV4 {
        common_ipv4_tcp(bytes, at, v4)
    } else {
        common_ipv6_tcp(bytes, at, v6)
    }
}

/// The TCP segment after an IPv4 header at `at` (`bytes` from there on).
#[inline(always)]
fn common_ipv4_tcp<'a>(
    bytes: &'a [u8],
    at: usize,
    encapsulation: &Encapsulation,
) -> Option<DecodedSegment<'a>> {
    let (source, destination, header_len, ip_end) = common_ipv4(bytes)?;
    let addresses = Addresses::v4(source, destination);
    common_tcp(bytes, at, header_len, ip_end, *encapsulation, addresses)
}

/// The TCP segment after an IPv6 header at `at` (`bytes` from there on).
#[inline(always)]
fn common_ipv6_tcp<'a>(
    bytes: &'a [u8],
    at: usize,
    encapsulation: &Encapsulation,
) -> Option<DecodedSegment<'a>> {
    let (source, destination, ip_end) = common_ipv6(bytes)?;
    let addresses = Addresses::v6(source, destination);
    common_tcp(
        bytes,
        at,
        IPV6_HEADER_LEN,
        ip_end,
        *encapsulation,
        addresses,
    )
}

/// The TCP segment after a common IP header: `bytes` from the IP header on
/// (to the end of the capture), `header_len` its length, `ip_end` the
/// datagram's declared end (≥ `header_len`), `at` its offset in the frame.
/// `None` unless the TCP header is whole and well formed (what `Walk::tcp`
/// then answers, it answers here).
#[inline(always)]
fn common_tcp<'a>(
    bytes: &'a [u8],
    at: usize,
    header_len: usize,
    ip_end: usize,
    encapsulation: Encapsulation,
    addresses: Addresses,
) -> Option<DecodedSegment<'a>> {
    let captured = bytes.get(header_len..ip_end.min(bytes.len()))?;
    let declared = ip_end.saturating_sub(header_len);
    let header = TcpHeaderSlice::from_slice(captured).ok()?;
    let tcp_len = header.header_len();
    let payload = captured.get(tcp_len..)?;
    Some(DecodedSegment {
        addresses,
        header,
        payload,
        // An IP length is at most 65,535 (+ 40 for IPv6).
        // (`tcp_len` ≤ `captured.len()` ≤ `declared`.)
        payload_len: declared.wrapping_sub(tcp_len) as u32,
        ip_len: ip_end as u32,
        encapsulation,
        offset: at + header_len,
        routed_to: None,
        unverified: if captured.len() < declared {
            Some(UnverifiedReason::Truncated)
        } else {
            None
        },
    })
}

/// The general walk from a link type's first layer (what [`common`]
/// short-cuts for common frames). Out of line, so that the common path's
/// function stays small.
#[inline(never)]
fn general_walk<'a>(
    link_type: LinkType,
    frame: &'a [u8],
    resume: &mut Option<Resume>,
) -> Decoded<'a> {
    let Some(first) = first_layer(link_type) else {
        return Decoded::Error(DecodeError::UnsupportedLinkType(link_type));
    };
    let mut walk = Walk {
        frame,
        at: 0,
        end: frame.len(),
        declared_end: usize::MAX,
        path: Path::EMPTY,
        context: IpContext::NONE,
        ip_len: 0,
    };
    walk.run(first, resume)
}

/// The EtherTypes of the VLAN tags the common path steps over (as
/// `ethertype_next` names [`Next::Vlan`] for them).
fn is_vlan(ether_type: EtherType) -> bool {
    matches!(
        ether_type,
        EtherType::VLAN
            | EtherType::QINQ
            | EtherType::QINQ_9100
            | EtherType::QINQ_9200
            | EtherType::QINQ_9300
    )
}

/// An Ethernet header's length (without tags).
const ETHERNET_LEN: usize = 14;

/// The common path's link layers, as indices of [`COMMON_ENCAPSULATIONS`].
const COMMON_ETHERNET: usize = 0;
const COMMON_SLL: usize = 1;
const COMMON_SLL2: usize = 2;
/// Raw IP: no link layer of its own, and no VLAN tag.
const COMMON_RAW: usize = 3;
/// VLAN tags the common path steps over (more go the general way).
const COMMON_MAX_VLANS: usize = 2;

/// The encapsulations the common path ends in, by link layer, number of VLAN
/// tags and IP version (IPv4, IPv6), TCP included: what the general walk
/// pushes one layer at a time, built at compile time.
static COMMON_ENCAPSULATIONS: [[[Encapsulation; 2]; COMMON_MAX_VLANS + 1]; 4] = {
    let links = [
        Some(Layer::Ethernet),
        Some(Layer::LinuxSll),
        Some(Layer::LinuxSll2),
        None,
    ];
    let mut table = [[[Encapsulation::new(); 2]; COMMON_MAX_VLANS + 1]; 4];
    let mut link = 0;
    while link < 4 {
        let mut vlans = 0;
        while vlans <= COMMON_MAX_VLANS {
            let mut version = 0;
            while version < 2 {
                let mut e = Encapsulation::new();
                if let Some(layer) = links[link] {
                    e = e.with(layer);
                }
                let mut i = 0;
                while i < vlans {
                    e = e.with(Layer::Vlan);
                    i += 1;
                }
                let ip = if version == 0 {
                    Layer::Ipv4
                } else {
                    Layer::Ipv6
                };
                table[link][vlans][version] = e.with(ip).with(Layer::Tcp);
                version += 1;
            }
            vlans += 1;
        }
        link += 1;
    }
    table
};

/// The common path's link layers: where the IP header starts, its EtherType
/// (IPv4 or IPv6 only), and the indices of the encapsulation in
/// [`COMMON_ENCAPSULATIONS`] (link, VLAN tags).
#[inline(always)]
fn common_link(link_type: LinkType, frame: &[u8]) -> Option<(usize, usize, usize, EtherType)> {
    const SLL_LEN: usize = 16;
    const SLL2_LEN: usize = 20;
    const VLAN_LEN: usize = 4;
    const ARPHRD_NETLINK: u16 = 824;
    let mut vlans = 0;
    // The link layer: where the IP header starts and its EtherType (a raw IP
    // link gives the version's EtherType without a layer of its own).
    let (link, mut at, mut ether_type) = match link_type {
        LinkType::ETHERNET => {
            let h = frame.first_chunk::<ETHERNET_LEN>()?;
            (
                COMMON_ETHERNET,
                ETHERNET_LEN,
                EtherType(common_be16(h, 12)?),
            )
        }
        LinkType::LINUX_SLL => {
            let h = frame.first_chunk::<SLL_LEN>()?;
            if common_be16(h, 2)? == ARPHRD_NETLINK {
                return None;
            }
            (COMMON_SLL, SLL_LEN, EtherType(common_be16(h, 14)?))
        }
        LinkType::LINUX_SLL2 => {
            let h = frame.first_chunk::<SLL2_LEN>()?;
            if common_be16(h, 8)? == ARPHRD_NETLINK {
                return None;
            }
            (COMMON_SLL2, SLL2_LEN, EtherType(common_be16(h, 0)?))
        }
        LinkType::RAW_LEGACY | LinkType::RAW_OPENBSD | LinkType::RAW => match frame.first()? >> 4 {
            4 => (COMMON_RAW, 0, EtherType::IPV4),
            6 => (COMMON_RAW, 0, EtherType::IPV6),
            _ => return None,
        },
        LinkType::IPV4 => (COMMON_RAW, 0, EtherType::IPV4),
        LinkType::IPV6 => (COMMON_RAW, 0, EtherType::IPV6),
        _ => return None,
    };
    // VLAN tags until the IP header (IP tested first: most frames have no tag).
    while ether_type != EtherType::IPV4 && ether_type != EtherType::IPV6 {
        if !is_vlan(ether_type) || vlans == COMMON_MAX_VLANS {
            return None;
        }
        let tag = frame.get(at..)?.first_chunk::<VLAN_LEN>()?;
        vlans += 1;
        ether_type = EtherType(common_be16(tag, 2)?);
        at += VLAN_LEN;
    }
    Some((link, vlans, at, ether_type))
}

/// A big-endian `u16` at `i` of `b`.
#[inline(always)]
fn common_be16(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes(*b.get(i..)?.first_chunk::<2>()?))
}

/// An IPv4 header followed by TCP, not a fragment: its addresses, header
/// length and the datagram's end (as `ipv4::parse_ipv4` reads them).
#[inline(always)]
fn common_ipv4(bytes: &[u8]) -> Option<(Ipv4Addr, Ipv4Addr, usize, usize)> {
    const MORE_FRAGMENTS_AND_OFFSET: u16 = 0x3FFF;
    let h = bytes.first_chunk::<20>()?;
    // Version 4 and a header length of 5 to 15 words: 0x45..=0x4F.
    let ihl_above_5 = h[0].wrapping_sub(0x45);
    if ihl_above_5 > 0x0A {
        return None;
    }
    // (Whether `header_len` bytes are there, `common_tcp` checks.)
    let header_len = usize::from(ihl_above_5) * 4 + 20;
    // A total length of 0: captured before segmentation offload filled it in.
    let mut ip_end = usize::from(common_be16(h, 2)?);
    if ip_end < header_len {
        if ip_end != 0 {
            return None;
        }
        ip_end = bytes.len();
    }
    if common_be16(h, 6)? & MORE_FRAGMENTS_AND_OFFSET != 0 || h[9] != IpNumber::TCP.0 {
        return None;
    }
    let source = *h.get(12..)?.first_chunk::<4>()?;
    let destination = *h.get(16..)?.first_chunk::<4>()?;
    Some((source.into(), destination.into(), header_len, ip_end))
}

/// The fixed IPv6 header's length.
const IPV6_HEADER_LEN: usize = 40;

/// An IPv6 header followed directly by TCP, with a payload length: its
/// addresses and the datagram's end (as `ipv6::parse_ipv6` reads them).
#[inline(always)]
fn common_ipv6(bytes: &[u8]) -> Option<(Ipv6Addr, Ipv6Addr, usize)> {
    let h = bytes.first_chunk::<IPV6_HEADER_LEN>()?;
    let payload_length = usize::from(common_be16(h, 4)?);
    if h[0] >> 4 != 6 || h[6] != IpNumber::TCP.0 || payload_length == 0 {
        return None;
    }
    let source = *h.get(8..)?.first_chunk::<16>()?;
    let destination = *h.get(24..)?.first_chunk::<16>()?;
    Some((
        source.into(),
        destination.into(),
        IPV6_HEADER_LEN + payload_length,
    ))
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

    /// Keeps the declared length of an IP header just walked (the innermost
    /// so far; its parser wrote its addresses to `self.context`) and hands on
    /// its step.
    #[inline]
    fn enter_ip(&mut self, ip: Result<Step, Fault>) -> Result<Step, Fault> {
        let step = ip?;
        if let Some(end) = step.end {
            self.ip_len = end;
        }
        Ok(step)
    }

    /// Walks from `next` to a final answer. When it passes an A-MSDU subframe
    /// with another one after it, `resume` says where.
    ///
    /// This is the only place that knows where a layer sits in the frame: each
    /// parser gets the bytes from its first header byte to the end the
    /// enclosing length fields allow, and its lengths and errors count from
    /// there.
    fn run(&mut self, mut next: Next, resume: &mut Option<Resume>) -> Decoded<'a> {
        loop {
            let at = self.at;
            let bytes = self.frame.get(at..self.end).unwrap_or(&[]);
            let (layer, result) = match next {
                Next::NotTcp(not_tcp) => return Decoded::NotTcp(not_tcp),
                Next::EtherType(ether_type) => {
                    next = ethertype_next(ether_type);
                    continue;
                }
                Next::IpProtocol(protocol) => {
                    let v6 = matches!(self.context, IpContext::V6 { .. });
                    next = ip_protocol_next(protocol, v6);
                    continue;
                }
                Next::Ip => match ip::by_version(bytes) {
                    Ok(n) => {
                        next = n;
                        continue;
                    }
                    Err(fault) => return Decoded::Error(fault.in_frame(Layer::Ipv4, at)),
                },
                Next::Esp => {
                    return Decoded::Error(DecodeError::Encrypted {
                        layer: Layer::Esp,
                        offset: at,
                    });
                }
                Next::Tcp => {
                    // `tcp` appends the layer to the segment's own copy of the path.
                    if self.path.is_full() {
                        return Decoded::Error(DecodeError::TooManyLayers { offset: at });
                    }
                    let mut path = self.path;
                    path.push(Layer::Tcp);
                    return self.tcp(path.to_encapsulation());
                }
                Next::Icmp => {
                    let context = self.context;
                    let layer = match context {
                        IpContext::V4 { .. } => Layer::Icmp,
                        IpContext::V6 { .. } => Layer::Icmpv6,
                    };
                    if !self.path.push(layer) {
                        return Decoded::Error(DecodeError::TooManyLayers { offset: at });
                    }
                    return icmp::icmp(bytes, context)
                        .unwrap_or_else(|fault| Decoded::Error(fault.in_frame(layer, at)));
                }
                Next::AmsduSubframe => {
                    if let Some(len) = ieee80211::amsdu_next_subframe(bytes) {
                        *resume = Some(Resume {
                            at: at + len,
                            end: self.end,
                            declared_end: self.declared_end,
                            path: self.path,
                        });
                    }
                    (Layer::AmsduSubframe, ieee80211::amsdu_subframe(bytes))
                }
                // The dispatch table: one line per layer.
                Next::Null => (Layer::Null, null::null(bytes, false)),
                Next::Loop => (Layer::Loop, null::null(bytes, true)),
                Next::Ethernet => (Layer::Ethernet, ethernet::ethernet(bytes)),
                Next::Vlan => (Layer::Vlan, ethernet::vlan(bytes)),
                Next::VnTag => (Layer::VnTag, ethernet::vn_tag(bytes)),
                Next::Pbb => (Layer::Pbb, ethernet::pbb(bytes)),
                Next::Llc => (Layer::Llc, llc::llc(bytes)),
                Next::Fddi => (Layer::Fddi, fddi::fddi(bytes)),
                Next::LinuxSll => (Layer::LinuxSll, sll::linux_sll(bytes)),
                Next::LinuxSll2 => (Layer::LinuxSll2, sll::linux_sll2(bytes)),
                Next::Nflog => (Layer::Nflog, nflog::nflog(bytes)),
                Next::Pflog => (Layer::Pflog, pflog::pflog(bytes)),
                Next::CiscoHdlc => (Layer::CiscoHdlc, cisco_hdlc::cisco_hdlc(bytes)),
                Next::Radiotap => (Layer::Radiotap, ieee80211::radiotap(bytes)),
                Next::Ieee80211 => (Layer::Ieee80211, ieee80211::ieee80211(bytes)),
                Next::Ppp => (Layer::Ppp, ppp::ppp(bytes)),
                Next::Pppoe => (Layer::Pppoe, ppp::pppoe(bytes)),
                Next::Mpls => (Layer::Mpls, mpls::mpls(bytes)),
                Next::Ipv4 => (Layer::Ipv4, {
                    let ip = ipv4::ipv4(bytes, &mut self.context);
                    self.enter_ip(ip)
                }),
                Next::Ipv6 => (Layer::Ipv6, {
                    let ip = ipv6::ipv6(bytes, &mut self.context);
                    self.enter_ip(ip)
                }),
                Next::Ah => (Layer::Ah, ah::auth_header(bytes)),
                Next::Udp => (Layer::Udp, udp::udp(bytes)),
                Next::Gre => (Layer::Gre, gre::gre(bytes)),
                Next::Erspan2 => (Layer::Erspan, gre::erspan2(bytes)),
                Next::Erspan3 => (Layer::Erspan, gre::erspan3(bytes)),
                Next::EtherIp => (Layer::EtherIp, etherip::etherip(bytes)),
                Next::Vxlan => (Layer::Vxlan, vxlan::vxlan(bytes)),
                Next::Geneve => (Layer::Geneve, geneve::geneve(bytes)),
                Next::GtpU => (Layer::GtpU, gtp::gtp_u(bytes)),
                Next::Ayiya => (Layer::Ayiya, ayiya::ayiya(bytes)),
                Next::Teredo => (Layer::Teredo, teredo::teredo(bytes)),
            };
            if !self.path.push(layer) {
                return Decoded::Error(DecodeError::TooManyLayers { offset: at });
            }
            match result {
                Ok(step) => {
                    if let Some(end) = step.end {
                        self.limit(at.saturating_add(end));
                    }
                    self.at = at.saturating_add(step.len);
                    next = step.next;
                }
                Err(fault) => return Decoded::Error(fault.in_frame(layer, at)),
            }
        }
    }

    /// What the captured prefix `captured` of the TCP header at `at`,
    /// addressed by `context`, holds (RFC 9293 §3.1 layout), or `None`
    /// without its two ports. (Takes values, not the walk: the common path's
    /// walk then never needs to be in memory.)
    fn cut_tcp(context: IpContext, at: usize, captured: &[u8], declared: usize) -> Option<CutTcp> {
        let be16 = |i: usize| Some(u16::from_be_bytes(*captured.get(i..)?.first_chunk::<2>()?));
        let be32 = |i: usize| Some(u32::from_be_bytes(*captured.get(i..)?.first_chunk::<4>()?));
        let (source, destination) = match context {
            IpContext::V4 {
                source,
                destination,
            } => (IpAddr::V4(source), IpAddr::V4(destination)),
            IpContext::V6 {
                source,
                destination,
                ..
            } => (IpAddr::V6(source), IpAddr::V6(destination)),
        };
        const SEQ: usize = 4;
        const ACK: usize = 8;
        const DATA_OFFSET_FLAGS: usize = 12;
        const WINDOW: usize = 14;
        Some(CutTcp {
            source: SocketAddr::new(source, be16(0)?),
            destination: SocketAddr::new(destination, be16(2)?),
            seq: be32(SEQ).map(SeqNum),
            ack: be32(ACK).map(SeqNum),
            flags: be16(DATA_OFFSET_FLAGS).map(|f| {
                let [hi, lo] = f.to_be_bytes();
                TcpFlags::from_header_bytes(hi, lo)
            }),
            header_len: captured
                .get(DATA_OFFSET_FLAGS)
                .map(|b| usize::from(b >> 4) * 4),
            window: be16(WINDOW),
            declared_len: declared.max(captured.len()),
            offset: at,
            captured: captured.len(),
        })
    }

    /// The TCP segment at `self.at`, addressed by `context`, reached
    /// through `encapsulation` (TCP included).
    #[inline(always)]
    fn tcp(&self, encapsulation: Encapsulation) -> Decoded<'a> {
        let at = self.at;
        let context = self.context;
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
            Decoded::Error(match Self::cut_tcp(context, at, captured, declared) {
                Some(c) => DecodeError::TcpCut(c),
                None => DecodeError::Truncated(Truncated {
                    layer: Layer::Tcp,
                    offset: at,
                    required,
                    available: captured.len(),
                }),
            })
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
        // Read field by field from the walk (not copied whole): the fields
        // were just written one by one, and a wider read of them would wait.
        let (final_known, routed_to, addresses) = match context {
            IpContext::V4 {
                source,
                destination,
            } => (true, None, Addresses::v4(source, destination)),
            IpContext::V6 {
                source,
                destination,
                final_destination,
            } => (
                final_destination.is_some(),
                final_destination.filter(|&d| d != destination),
                Addresses::v6(source, destination),
            ),
        };
        let unverified = if captured.len() < declared {
            Some(UnverifiedReason::Truncated)
        } else if !final_known {
            Some(UnverifiedReason::UnknownFinalDestination)
        } else {
            None
        };
        Decoded::Tcp(DecodedSegment {
            addresses,
            routed_to,
            header,
            payload,
            payload_len,
            ip_len: u32::try_from(self.ip_len).unwrap_or(u32::MAX),
            unverified,
            encapsulation,
            offset: at,
        })
    }
}
