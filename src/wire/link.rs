//! Link-layer types (the pcap `LINKTYPE_*` registry) and the link-layer headers
//! walked to reach IP.
//!
//! Each header has one small function here that checks it, measures it and
//! names the protocol that follows ([`decode`](super::decode) chains them): BSD
//! null/loopback, Ethernet II and IEEE 802.3 with 802.1Q/802.1ad/QinQ tags,
//! VN-Tag and 802.1ah (PBB), 802.2 LLC/SNAP, FDDI, Linux cooked captures v1 and
//! v2, NFLOG, PFLOG, Cisco HDLC, PPP and PPPoE, MPLS label stacks (with an
//! Ethernet pseudowire behind them), radiotap, and IEEE 802.11 data frames
//! including A-MSDU aggregates. They read only what they need, never past the
//! bytes they are given, and report a short frame as
//! [`Truncated`](super::Truncated) and a contradictory header as a
//! [`LinkError`].
//!
//! ```
//! use synack::wire::{LinkType, EtherType};
//!
//! assert_eq!(LinkType::LINUX_SLL2.to_string(), "LINUX_SLL2 (276)");
//! assert_eq!(LinkType(4242).name(), None);
//! assert_eq!(EtherType::VLAN.name(), Some("802.1Q"));
//! ```

use super::packet::{
    DecodeError, Layer, LayerError, Malformed, Next, NotTcp, Step, be16, fixed, slice,
};
use core::fmt;

/// A pcap/pcapng link type: the `LINKTYPE_*` value from the tcpdump.org registry.
///
/// It is a newtype rather than an enum so that every value a capture file can
/// carry is representable; the constants name the ones [`decode`](super::decode) understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LinkType(pub u32);

impl LinkType {
    /// BSD loopback: a 4-byte address family in the capturing host's byte order.
    pub const NULL: LinkType = LinkType(0);
    /// Ethernet II / IEEE 802.3, with 802.1Q, 802.1ad and QinQ tags.
    pub const ETHERNET: LinkType = LinkType(1);
    /// PPP, with or without the HDLC address and control bytes (RFC 1661).
    pub const PPP: LinkType = LinkType(9);
    /// FDDI, with an 802.2 LLC/SNAP header.
    pub const FDDI: LinkType = LinkType(10);
    /// Raw IP (the value some systems write for `DLT_RAW`).
    pub const RAW_LEGACY: LinkType = LinkType(12);
    /// Raw IP on OpenBSD (`DLT_RAW` = 14 there).
    pub const RAW_OPENBSD: LinkType = LinkType(14);
    /// PPP in HDLC-like framing (RFC 1662).
    pub const PPP_HDLC: LinkType = LinkType(50);
    /// PPPoE session frames without their Ethernet header (RFC 2516).
    pub const PPP_ETHER: LinkType = LinkType(51);
    /// Raw IPv4 or IPv6, told apart by the version nibble.
    pub const RAW: LinkType = LinkType(101);
    /// Cisco HDLC: address, control and an EtherType.
    pub const C_HDLC: LinkType = LinkType(104);
    /// IEEE 802.11 wireless frames.
    pub const IEEE802_11: LinkType = LinkType(105);
    /// OpenBSD loopback: like [`LinkType::NULL`] but the family is big-endian.
    pub const LOOP: LinkType = LinkType(108);
    /// Linux "cooked" capture, version 1 (16-byte pseudo-header).
    pub const LINUX_SLL: LinkType = LinkType(113);
    /// OpenBSD/FreeBSD packet filter log (`pfloghdr`, then IP).
    pub const PFLOG: LinkType = LinkType(117);
    /// IEEE 802.11 frames behind a radiotap header.
    pub const IEEE802_11_RADIOTAP: LinkType = LinkType(127);
    /// Raw IPv4.
    pub const IPV4: LinkType = LinkType(228);
    /// Raw IPv6.
    pub const IPV6: LinkType = LinkType(229);
    /// Linux netfilter NFLOG messages.
    pub const NFLOG: LinkType = LinkType(239);
    /// Linux "cooked" capture, version 2 (20-byte pseudo-header).
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// The registry name of a known link type (`"ETHERNET"`), or `None`.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "NULL",
            1 => "ETHERNET",
            9 => "PPP",
            10 => "FDDI",
            12 | 14 | 101 => "RAW",
            50 => "PPP_HDLC",
            51 => "PPP_ETHER",
            104 => "C_HDLC",
            105 => "IEEE802_11",
            108 => "LOOP",
            113 => "LINUX_SLL",
            117 => "PFLOG",
            127 => "IEEE802_11_RADIOTAP",
            228 => "IPV4",
            229 => "IPV6",
            239 => "NFLOG",
            276 => "LINUX_SLL2",
            _ => return None,
        })
    }

    /// Whether [`decode`](super::decode) walks frames of this link type.
    pub const fn is_supported(self) -> bool {
        self.name().is_some()
    }
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n} ({})", self.0),
            None => write!(f, "link type {}", self.0),
        }
    }
}

/// An EtherType: the 16-bit protocol identifier of Ethernet II, 802.1Q tags,
/// SNAP, Linux cooked captures, GRE and Geneve (IEEE registry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EtherType(pub u16);

impl EtherType {
    /// IPv4.
    pub const IPV4: EtherType = EtherType(0x0800);
    /// ARP.
    pub const ARP: EtherType = EtherType(0x0806);
    /// ERSPAN type III (in GRE).
    pub const ERSPAN_III: EtherType = EtherType(0x22EB);
    /// Transparent Ethernet bridging: an Ethernet frame follows (GRE, Geneve).
    pub const TRANSPARENT_ETHERNET: EtherType = EtherType(0x6558);
    /// IEEE 802.1Q VLAN tag (C-tag).
    pub const VLAN: EtherType = EtherType(0x8100);
    /// IPv6.
    pub const IPV6: EtherType = EtherType(0x86DD);
    /// PPP (in GRE version 1, PPTP).
    pub const PPP: EtherType = EtherType(0x880B);
    /// MPLS unicast.
    pub const MPLS: EtherType = EtherType(0x8847);
    /// MPLS multicast.
    pub const MPLS_MULTICAST: EtherType = EtherType(0x8848);
    /// PPPoE discovery stage.
    pub const PPPOE_DISCOVERY: EtherType = EtherType(0x8863);
    /// PPPoE session stage.
    pub const PPPOE_SESSION: EtherType = EtherType(0x8864);
    /// IEEE 802.1ad service tag (S-tag, QinQ).
    pub const QINQ: EtherType = EtherType(0x88A8);
    /// ERSPAN type I and II (in GRE).
    pub const ERSPAN: EtherType = EtherType(0x88BE);
    /// LLDP.
    pub const LLDP: EtherType = EtherType(0x88CC);
    /// IEEE 802.1ah backbone service instance tag (PBB, MAC-in-MAC).
    pub const PBB: EtherType = EtherType(0x88E7);
    /// Cisco VN-Tag.
    pub const VN_TAG: EtherType = EtherType(0x8926);
    /// Pre-standard QinQ tags.
    pub const QINQ_9100: EtherType = EtherType(0x9100);
    /// Pre-standard QinQ tags.
    pub const QINQ_9200: EtherType = EtherType(0x9200);
    /// Pre-standard QinQ tags.
    pub const QINQ_9300: EtherType = EtherType(0x9300);

    /// A short name for the EtherTypes this crate knows, or `None`.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x0800 => "IPv4",
            0x0806 => "ARP",
            0x22EB => "ERSPAN III",
            0x6558 => "Transparent Ethernet bridging",
            0x8100 => "802.1Q",
            0x86DD => "IPv6",
            0x880B => "PPP",
            0x8847 => "MPLS",
            0x8848 => "MPLS multicast",
            0x8863 => "PPPoE discovery",
            0x8864 => "PPPoE session",
            0x88A8 => "802.1ad",
            0x88BE => "ERSPAN",
            0x88CC => "LLDP",
            0x88E7 => "802.1ah",
            0x8926 => "VN-Tag",
            0x9100 | 0x9200 | 0x9300 => "QinQ",
            _ => return None,
        })
    }
}

impl fmt::Display for EtherType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n} (0x{:04x})", self.0),
            None => write!(f, "0x{:04x}", self.0),
        }
    }
}

/// How a link-layer header contradicts itself. The byte offset is carried by
/// the enclosing [`Malformed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum LinkError {
    /// 802.11 protocol version other than 0.
    #[error("802.11 protocol version {version}, expected 0")]
    Ieee80211Version {
        /// The version bits of the frame control field.
        version: u8,
    },
    /// Radiotap version other than 0.
    #[error("radiotap version {version}, expected 0")]
    RadiotapVersion {
        /// The version byte.
        version: u8,
    },
    /// Radiotap length shorter than its own fixed header.
    #[error("radiotap length {length} is below 8")]
    RadiotapLength {
        /// The length field.
        length: u16,
    },
    /// PPPoE version/type byte other than 0x11 (RFC 2516 §4).
    #[error("PPPoE version/type 0x{version_type:02x}, expected 0x11")]
    PppoeVersionType {
        /// The version (high nibble) and type (low nibble).
        version_type: u8,
    },
    /// PPPoE session frame whose code is not 0.
    #[error("PPPoE session code 0x{code:02x}, expected 0")]
    PppoeCode {
        /// The code byte.
        code: u8,
    },
    /// NFLOG version other than 0.
    #[error("NFLOG version {version}, expected 0")]
    NflogVersion {
        /// The version byte.
        version: u8,
    },
    /// NFLOG TLV shorter than its own 4-byte header.
    #[error("NFLOG TLV length {length} is below 4")]
    NflogTlvLength {
        /// The TLV length field.
        length: u16,
    },
    /// PFLOG header length shorter than the fields read from it.
    #[error("PFLOG header length {length} is below 4")]
    PflogLength {
        /// The length byte.
        length: u8,
    },
}

impl LinkError {
    /// Wraps the error with the layer and absolute byte offset it refers to.
    pub(crate) fn at(self, layer: Layer, offset: usize) -> DecodeError {
        DecodeError::Malformed(Malformed {
            layer,
            offset,
            error: LayerError::Link(self),
        })
    }
}

/// The IEEE 802.3 length / Ethernet II type boundary: values up to 1500 are lengths.
const MAX_8023_LENGTH: u16 = 1500;

/// What follows a type-or-length field at `payload_at`: an 802.2 LLC header
/// bounded by the length, or the protocol the EtherType names.
fn type_or_length(value: u16, payload_at: usize) -> (Next, Option<usize>) {
    if value <= MAX_8023_LENGTH {
        (Next::Llc, Some(payload_at + usize::from(value)))
    } else {
        (ethertype_next(EtherType(value)), None)
    }
}

/// The layer an EtherType announces.
pub(crate) fn ethertype_next(ether_type: EtherType) -> Next {
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

/// BSD address families that mean IPv4 or IPv6 on a loopback / null link.
mod family {
    /// `AF_INET` everywhere.
    pub const INET: u32 = 2;
    /// `AF_INET6` on NetBSD, OpenBSD and BSD/OS.
    pub const INET6_BSD: u32 = 24;
    /// `AF_INET6` on FreeBSD and DragonFly.
    pub const INET6_FREEBSD: u32 = 28;
    /// `AF_INET6` on macOS / Darwin.
    pub const INET6_DARWIN: u32 = 30;
}

/// Header of `LINKTYPE_NULL` and `LINKTYPE_LOOP`.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod null {
    pub const FAMILY: core::ops::Range<usize> = 0..4;
    pub const HEADER_LEN: usize = 4;
}

/// BSD null (`big_endian` false: the capturing host's byte order, guessed) or
/// OpenBSD loop (`big_endian` true) header.
pub(crate) fn null(frame: &[u8], at: usize, big_endian: bool) -> Result<Step, DecodeError> {
    let layer = if big_endian { Layer::Loop } else { Layer::Null };
    let h = fixed::<{ null::HEADER_LEN }>(frame, at, layer)?;
    let mut word = [0u8; 4];
    word.copy_from_slice(&h[null::FAMILY]);
    let mut family = u32::from_be_bytes(word);
    // A family is a small number: if its high half is set, it was written little-endian.
    if !big_endian && family > 0xFFFF {
        family = family.swap_bytes();
    }
    let next = match family {
        family::INET => Next::Ipv4,
        family::INET6_BSD | family::INET6_FREEBSD | family::INET6_DARWIN => Next::Ipv6,
        other => Next::NotTcp(NotTcp::AddressFamily(other)),
    };
    Ok(Step::new(null::HEADER_LEN, next))
}

/// Ethernet II / IEEE 802.3 header (IEEE 802.3 §3.2).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod ethernet {
    use core::ops::Range;
    pub const DESTINATION: Range<usize> = 0..6;
    pub const SOURCE: Range<usize> = 6..12;
    pub const TYPE_OR_LENGTH: Range<usize> = 12..14;
    pub const HEADER_LEN: usize = 14;
}

/// An Ethernet II or 802.3 header; an 802.3 length bounds the LLC frame behind it.
pub(crate) fn ethernet(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ ethernet::HEADER_LEN }>(frame, at, Layer::Ethernet)?;
    let (next, end) = type_or_length(be16(h, ethernet::TYPE_OR_LENGTH), at + ethernet::HEADER_LEN);
    Ok(Step {
        len: ethernet::HEADER_LEN,
        next,
        end,
    })
}

/// The body of an 802.1Q / 802.1ad tag, after its TPID (IEEE 802.1Q §9.6).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod vlan {
    use core::ops::Range;
    pub const TCI: Range<usize> = 0..2;
    pub const TYPE_OR_LENGTH: Range<usize> = 2..4;
    pub const LEN: usize = 4;
}

/// A VLAN tag (its TPID was the previous layer's type field).
pub(crate) fn vlan(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ vlan::LEN }>(frame, at, Layer::Vlan)?;
    let (next, end) = type_or_length(be16(h, vlan::TYPE_OR_LENGTH), at + vlan::LEN);
    Ok(Step {
        len: vlan::LEN,
        next,
        end,
    })
}

/// The body of a Cisco VN-Tag after its 0x8926 TPID: 4 bytes of tag, then a type.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod vn_tag {
    use core::ops::Range;
    pub const TAG: Range<usize> = 0..4;
    pub const TYPE_OR_LENGTH: Range<usize> = 4..6;
    pub const LEN: usize = 6;
}

/// A VN-Tag (802.1Qbh port extender tag).
pub(crate) fn vn_tag(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ vn_tag::LEN }>(frame, at, Layer::VnTag)?;
    let (next, end) = type_or_length(be16(h, vn_tag::TYPE_OR_LENGTH), at + vn_tag::LEN);
    Ok(Step {
        len: vn_tag::LEN,
        next,
        end,
    })
}

/// The body of an 802.1ah I-TAG after its 0x88E7 TPID: the tag, then the
/// customer's addresses and type.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod pbb {
    use core::ops::Range;
    pub const I_TAG: Range<usize> = 0..4;
    pub const CUSTOMER_ADDRESSES: Range<usize> = 4..16;
    pub const TYPE_OR_LENGTH: Range<usize> = 16..18;
    pub const LEN: usize = 18;
}

/// An 802.1ah backbone service instance tag and the customer frame's header.
pub(crate) fn pbb(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ pbb::LEN }>(frame, at, Layer::Pbb)?;
    let (next, end) = type_or_length(be16(h, pbb::TYPE_OR_LENGTH), at + pbb::LEN);
    Ok(Step {
        len: pbb::LEN,
        next,
        end,
    })
}

/// IEEE 802.2 LLC and the SNAP extension (RFC 1042).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod llc {
    use core::ops::Range;
    pub const DSAP: usize = 0;
    pub const SSAP: usize = 1;
    pub const CONTROL: usize = 2;
    pub const HEADER_LEN: usize = 3;
    pub const SNAP_OUI: Range<usize> = 3..6;
    pub const SNAP_PROTOCOL_ID: Range<usize> = 6..8;
    pub const SNAP_HEADER_LEN: usize = 8;
    /// The SNAP SAP.
    pub const SAP_SNAP: u8 = 0xAA;
    /// The IP SAP (RFC 948 era; rare).
    pub const SAP_IP: u8 = 0x06;
    /// Unnumbered information, the only control value that carries SNAP.
    pub const CONTROL_UI: u8 = 0x03;
    /// Low bits of an unnumbered-format (1-byte) control field.
    pub const U_FORMAT_MASK: u8 = 0x03;
    /// The C/R bit of the SSAP.
    pub const SSAP_COMMAND_RESPONSE: u8 = 0x01;
    /// OUIs whose protocol id is an EtherType (RFC 1042, 802.1H bridge tunnel).
    pub const OUI_ENCAPSULATED_ETHERNET: u32 = 0x00_0000;
    pub const OUI_BRIDGE_TUNNEL: u32 = 0x00_00F8;
    /// IEEE 802.1 bridged frames (RFC 2427 §5.1).
    pub const OUI_IEEE_8021: u32 = 0x00_80C2;
    pub const PID_BRIDGED_8023_FCS: u16 = 0x0001;
    pub const PID_BRIDGED_8023: u16 = 0x0007;
}

/// An 802.2 LLC header and, for SAP 0xAA, its SNAP extension.
pub(crate) fn llc(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ llc::HEADER_LEN }>(frame, at, Layer::Llc)?;
    let (dsap, ssap, control) = (h[llc::DSAP], h[llc::SSAP], h[llc::CONTROL]);
    let ssap_address = ssap & !llc::SSAP_COMMAND_RESPONSE;
    let unnumbered_info = control == llc::CONTROL_UI;
    let not_tcp = Next::NotTcp(NotTcp::Llc { dsap, ssap });
    if control & llc::U_FORMAT_MASK != llc::U_FORMAT_MASK || !unnumbered_info {
        // Information / supervisory / other unnumbered frames never carry IP.
        return Ok(Step::new(llc::HEADER_LEN, not_tcp));
    }
    if dsap == llc::SAP_IP && ssap_address == llc::SAP_IP {
        return Ok(Step::new(llc::HEADER_LEN, Next::Ipv4));
    }
    if dsap != llc::SAP_SNAP || ssap_address != llc::SAP_SNAP {
        return Ok(Step::new(llc::HEADER_LEN, not_tcp));
    }
    let h = fixed::<{ llc::SNAP_HEADER_LEN }>(frame, at, Layer::Llc)?;
    let o = &h[llc::SNAP_OUI];
    let oui = u32::from_be_bytes([0, o[0], o[1], o[2]]);
    let protocol_id = be16(h, llc::SNAP_PROTOCOL_ID);
    let next = match (oui, protocol_id) {
        (llc::OUI_ENCAPSULATED_ETHERNET | llc::OUI_BRIDGE_TUNNEL, _) => {
            ethertype_next(EtherType(protocol_id))
        }
        (llc::OUI_IEEE_8021, llc::PID_BRIDGED_8023 | llc::PID_BRIDGED_8023_FCS) => Next::Ethernet,
        _ => Next::NotTcp(NotTcp::Snap { oui, protocol_id }),
    };
    Ok(Step::new(llc::SNAP_HEADER_LEN, next))
}

/// FDDI MAC header (ANSI X3.139): frame control and two addresses, then LLC.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod fddi {
    use core::ops::Range;
    pub const FRAME_CONTROL: usize = 0;
    pub const ADDRESSES: Range<usize> = 1..13;
    pub const HEADER_LEN: usize = 13;
    /// The format bits of the frame control (`CLFFZZZZ`: the `FF`).
    pub const FORMAT_MASK: u8 = 0x30;
    /// Format `01`: an LLC frame.
    pub const FORMAT_LLC: u8 = 0x10;
}

/// An FDDI header; only LLC frames go on.
pub(crate) fn fddi(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ fddi::HEADER_LEN }>(frame, at, Layer::Fddi)?;
    let frame_control = h[fddi::FRAME_CONTROL];
    let next = if frame_control & fddi::FORMAT_MASK == fddi::FORMAT_LLC {
        Next::Llc
    } else {
        Next::NotTcp(NotTcp::FddiFrameControl(frame_control))
    };
    Ok(Step::new(fddi::HEADER_LEN, next))
}

/// Linux cooked capture headers (`LINKTYPE_LINUX_SLL`, `LINKTYPE_LINUX_SLL2`).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod sll {
    use core::ops::Range;
    // Version 1.
    pub const PACKET_TYPE: Range<usize> = 0..2;
    pub const ARPHRD_TYPE: Range<usize> = 2..4;
    pub const ADDRESS_LEN: Range<usize> = 4..6;
    pub const ADDRESS: Range<usize> = 6..14;
    pub const PROTOCOL: Range<usize> = 14..16;
    pub const HEADER_LEN: usize = 16;
    // Version 2.
    pub const V2_PROTOCOL: Range<usize> = 0..2;
    pub const V2_RESERVED: Range<usize> = 2..4;
    pub const V2_INTERFACE_INDEX: Range<usize> = 4..8;
    pub const V2_ARPHRD_TYPE: Range<usize> = 8..10;
    pub const V2_PACKET_TYPE: usize = 10;
    pub const V2_ADDRESS_LEN: usize = 11;
    pub const V2_ADDRESS: Range<usize> = 12..20;
    pub const V2_HEADER_LEN: usize = 20;
    /// `ARPHRD_NETLINK`: the payload is a netlink message.
    pub const ARPHRD_NETLINK: u16 = 824;
    /// `ETH_P_802_2`: an 802.2 LLC frame follows.
    pub const ETH_P_802_2: u16 = 0x0004;
}

/// What follows a cooked header, given its ARPHRD type and protocol field.
fn sll_next(arphrd_type: u16, protocol: u16) -> Next {
    if arphrd_type == sll::ARPHRD_NETLINK {
        return Next::NotTcp(NotTcp::LinuxCooked {
            arphrd_type,
            protocol,
        });
    }
    match protocol {
        sll::ETH_P_802_2 => Next::Llc,
        p if p <= MAX_8023_LENGTH => Next::NotTcp(NotTcp::LinuxCooked {
            arphrd_type,
            protocol,
        }),
        p => ethertype_next(EtherType(p)),
    }
}

/// A Linux cooked capture v1 header.
pub(crate) fn linux_sll(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ sll::HEADER_LEN }>(frame, at, Layer::LinuxSll)?;
    let next = sll_next(be16(h, sll::ARPHRD_TYPE), be16(h, sll::PROTOCOL));
    Ok(Step::new(sll::HEADER_LEN, next))
}

/// A Linux cooked capture v2 header.
pub(crate) fn linux_sll2(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ sll::V2_HEADER_LEN }>(frame, at, Layer::LinuxSll2)?;
    let next = sll_next(be16(h, sll::V2_ARPHRD_TYPE), be16(h, sll::V2_PROTOCOL));
    Ok(Step::new(sll::V2_HEADER_LEN, next))
}

/// NFLOG (`LINKTYPE_NFLOG`): a 4-byte header, then TLVs whose length and type
/// are in the capturing host's byte order, each padded to 4 bytes.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod nflog {
    pub const FAMILY: usize = 0;
    pub const VERSION: usize = 1;
    pub const RESOURCE_ID: core::ops::Range<usize> = 2..4;
    pub const HEADER_LEN: usize = 4;
    pub const TLV_HEADER_LEN: usize = 4;
    pub const TLV_LENGTH: core::ops::Range<usize> = 0..2;
    pub const TLV_TYPE: core::ops::Range<usize> = 2..4;
    /// `NFULA_PAYLOAD`: the packet, starting at its network header.
    pub const TYPE_PAYLOAD: u16 = 9;
    /// Netlink attribute type bits (without `NLA_F_NESTED`, `NLA_F_NET_BYTEORDER`).
    pub const TYPE_MASK: u16 = 0x3FFF;
    pub const ALIGN: usize = 4;
}

/// The NFLOG header and TLVs, up to the payload TLV.
pub(crate) fn nflog(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ nflog::HEADER_LEN }>(frame, at, Layer::Nflog)?;
    let version = h[nflog::VERSION];
    if version != 0 {
        return Err(LinkError::NflogVersion { version }.at(Layer::Nflog, at + nflog::VERSION));
    }
    let first = at + nflog::HEADER_LEN;
    // Host byte order: take little-endian unless that makes the first TLV impossible.
    let little_endian = match frame.get(first..).and_then(|b| b.get(nflog::TLV_LENGTH)) {
        Some(&[a, b]) => {
            let le = usize::from(u16::from_le_bytes([a, b]));
            let be = usize::from(u16::from_be_bytes([a, b]));
            let remaining = frame.len() - first;
            let fits = |len: usize| (nflog::TLV_HEADER_LEN..=remaining).contains(&len);
            fits(le) || !fits(be)
        }
        _ => true,
    };
    let word = |t: &[u8; nflog::TLV_HEADER_LEN], field: core::ops::Range<usize>| {
        let b = [t[field.start], t[field.start + 1]];
        if little_endian {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        }
    };
    let mut tlv = first;
    while tlv < frame.len() {
        let t = fixed::<{ nflog::TLV_HEADER_LEN }>(frame, tlv, Layer::Nflog)?;
        let length = word(t, nflog::TLV_LENGTH);
        let tlv_type = word(t, nflog::TLV_TYPE) & nflog::TYPE_MASK;
        if usize::from(length) < nflog::TLV_HEADER_LEN {
            return Err(LinkError::NflogTlvLength { length }.at(Layer::Nflog, tlv));
        }
        let value_at = tlv + nflog::TLV_HEADER_LEN;
        let value_end = tlv + usize::from(length);
        if tlv_type == nflog::TYPE_PAYLOAD {
            return Ok(Step {
                len: value_at - at,
                next: Next::Ip,
                end: Some(value_end),
            });
        }
        slice(frame, value_at, value_end - value_at, Layer::Nflog)?;
        // Attributes are aligned relative to the first one.
        tlv = first + (value_end - first).next_multiple_of(nflog::ALIGN);
    }
    Ok(Step::new(
        tlv.min(frame.len()) - at,
        Next::NotTcp(NotTcp::NoPayload(Layer::Nflog)),
    ))
}

/// PFLOG header (`struct pfloghdr`): its own length in the first byte, padded
/// to 4 bytes; the address family in the second.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod pflog {
    pub const LENGTH: usize = 0;
    pub const ADDRESS_FAMILY: usize = 1;
    pub const MIN_LEN: usize = 4;
    pub const ALIGN: usize = 4;
}

/// A PFLOG header; the packet behind it starts at its IP header.
pub(crate) fn pflog(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ pflog::MIN_LEN }>(frame, at, Layer::Pflog)?;
    let length = h[pflog::LENGTH];
    if usize::from(length) < pflog::MIN_LEN {
        return Err(LinkError::PflogLength { length }.at(Layer::Pflog, at + pflog::LENGTH));
    }
    Ok(Step::new(
        usize::from(length).next_multiple_of(pflog::ALIGN),
        Next::Ip,
    ))
}

/// Cisco HDLC: address, control, EtherType.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod c_hdlc {
    use core::ops::Range;
    pub const ADDRESS: usize = 0;
    pub const CONTROL: usize = 1;
    pub const PROTOCOL: Range<usize> = 2..4;
    pub const HEADER_LEN: usize = 4;
}

/// A Cisco HDLC header.
pub(crate) fn cisco_hdlc(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ c_hdlc::HEADER_LEN }>(frame, at, Layer::CiscoHdlc)?;
    let next = ethertype_next(EtherType(be16(h, c_hdlc::PROTOCOL)));
    Ok(Step::new(c_hdlc::HEADER_LEN, next))
}

/// PPP (RFC 1661, RFC 1662 framing).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod ppp {
    /// HDLC all-stations address and unnumbered-information control.
    pub const ADDRESS_CONTROL: [u8; 2] = [0xFF, 0x03];
    pub const PROTOCOL_IPV4: u16 = 0x0021;
    pub const PROTOCOL_IPV6: u16 = 0x0057;
    pub const PROTOCOL_MPLS: u16 = 0x0281;
    pub const PROTOCOL_MPLS_MULTICAST: u16 = 0x0283;
    /// Van Jacobson compressed / uncompressed TCP/IP (RFC 1144).
    pub const PROTOCOL_VJ_COMPRESSED: u16 = 0x002D;
    pub const PROTOCOL_VJ_UNCOMPRESSED: u16 = 0x002F;
}

/// A PPP header: optional address/control bytes, then a 1- or 2-byte protocol
/// (a 1-byte one under protocol field compression: its low bit is set).
pub(crate) fn ppp(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let mut len = 0;
    if frame.get(at..at + 2) == Some(&ppp::ADDRESS_CONTROL[..]) {
        len = ppp::ADDRESS_CONTROL.len();
    }
    let first = *fixed::<1>(frame, at + len, Layer::Ppp)?;
    let protocol = if first[0] & 1 == 1 {
        len += 1;
        u16::from(first[0])
    } else {
        let p = fixed::<2>(frame, at + len, Layer::Ppp)?;
        len += 2;
        u16::from_be_bytes(*p)
    };
    let next = match protocol {
        ppp::PROTOCOL_IPV4 => Next::Ipv4,
        ppp::PROTOCOL_IPV6 => Next::Ipv6,
        ppp::PROTOCOL_MPLS | ppp::PROTOCOL_MPLS_MULTICAST => Next::Mpls,
        ppp::PROTOCOL_VJ_COMPRESSED | ppp::PROTOCOL_VJ_UNCOMPRESSED => {
            return Err(DecodeError::Unsupported {
                layer: Layer::Ppp,
                offset: at + len,
                value: u32::from(protocol),
            });
        }
        other => Next::NotTcp(NotTcp::PppProtocol(other)),
    };
    Ok(Step::new(len, next))
}

/// PPPoE header (RFC 2516 §4).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod pppoe {
    use core::ops::Range;
    pub const VERSION_TYPE: usize = 0;
    pub const CODE: usize = 1;
    pub const SESSION_ID: Range<usize> = 2..4;
    pub const LENGTH: Range<usize> = 4..6;
    pub const HEADER_LEN: usize = 6;
    pub const VERSION_TYPE_1_1: u8 = 0x11;
    pub const CODE_SESSION_DATA: u8 = 0x00;
}

/// A PPPoE session header; its length bounds the PPP frame.
pub(crate) fn pppoe(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ pppoe::HEADER_LEN }>(frame, at, Layer::Pppoe)?;
    let version_type = h[pppoe::VERSION_TYPE];
    if version_type != pppoe::VERSION_TYPE_1_1 {
        return Err(
            LinkError::PppoeVersionType { version_type }.at(Layer::Pppoe, at + pppoe::VERSION_TYPE)
        );
    }
    let code = h[pppoe::CODE];
    if code != pppoe::CODE_SESSION_DATA {
        return Err(LinkError::PppoeCode { code }.at(Layer::Pppoe, at + pppoe::CODE));
    }
    let payload_at = at + pppoe::HEADER_LEN;
    let end = payload_at + usize::from(be16(h, pppoe::LENGTH));
    Ok(Step {
        len: pppoe::HEADER_LEN,
        next: Next::Ppp,
        end: Some(end),
    })
}

/// MPLS label stack entries (RFC 3032) and what follows the bottom one.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod mpls {
    use core::ops::Range;
    pub const ENTRY_LEN: usize = 4;
    /// Byte holding the bottom-of-stack bit (its lowest bit).
    pub const BOTTOM_OF_STACK_BYTE: usize = 2;
    pub const LABEL: Range<usize> = 0..3;
    /// Labels that fix the payload: IPv4 / IPv6 explicit null (RFC 3032 §2.1).
    pub const LABEL_IPV4_EXPLICIT_NULL: u32 = 0;
    pub const LABEL_IPV6_EXPLICIT_NULL: u32 = 2;
    /// First nibble of a pseudowire control word (RFC 4385) / an associated channel.
    pub const NIBBLE_CONTROL_WORD: u8 = 0;
    pub const NIBBLE_ASSOCIATED_CHANNEL: u8 = 1;
    pub const CONTROL_WORD_LEN: usize = 4;
}

/// The whole label stack. The payload is told by the bottom label (explicit
/// null) or else by its first nibble: 4 or 6 is IP, 0 a pseudowire control
/// word before an Ethernet frame, 1 an associated channel, anything else an
/// Ethernet frame without a control word.
pub(crate) fn mpls(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let mut len = 0;
    let label = loop {
        let entry = fixed::<{ mpls::ENTRY_LEN }>(frame, at + len, Layer::Mpls)?;
        len += mpls::ENTRY_LEN;
        if entry[mpls::BOTTOM_OF_STACK_BYTE] & 1 == 1 {
            let l = &entry[mpls::LABEL];
            break u32::from_be_bytes([0, l[0], l[1], l[2]]) >> 4;
        }
    };
    let next = match label {
        mpls::LABEL_IPV4_EXPLICIT_NULL => Next::Ipv4,
        mpls::LABEL_IPV6_EXPLICIT_NULL => Next::Ipv6,
        _ => match fixed::<1>(frame, at + len, Layer::Mpls)?[0] >> 4 {
            4 | 6 => Next::Ip,
            mpls::NIBBLE_CONTROL_WORD => {
                len += mpls::CONTROL_WORD_LEN;
                Next::Ethernet
            }
            mpls::NIBBLE_ASSOCIATED_CHANNEL => Next::NotTcp(NotTcp::MplsAssociatedChannel),
            _ => Next::Ethernet,
        },
    };
    Ok(Step::new(len, next))
}

/// Radiotap header (radiotap.org): version, pad, little-endian length.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod radiotap {
    use core::ops::Range;
    pub const VERSION: usize = 0;
    pub const LENGTH: Range<usize> = 2..4;
    pub const PRESENT: Range<usize> = 4..8;
    pub const MIN_LEN: usize = 8;
}

/// A radiotap header, skipped by its length.
pub(crate) fn radiotap(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ radiotap::MIN_LEN }>(frame, at, Layer::Radiotap)?;
    let version = h[radiotap::VERSION];
    if version != 0 {
        return Err(LinkError::RadiotapVersion { version }.at(Layer::Radiotap, at));
    }
    let l = &h[radiotap::LENGTH];
    let length = u16::from_le_bytes([l[0], l[1]]);
    if usize::from(length) < radiotap::MIN_LEN {
        return Err(
            LinkError::RadiotapLength { length }.at(Layer::Radiotap, at + radiotap::LENGTH.start)
        );
    }
    Ok(Step::new(usize::from(length), Next::Ieee80211))
}

/// IEEE 802.11 MAC header (IEEE 802.11-2020 §9.2).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod ieee80211 {
    pub const FRAME_CONTROL_0: usize = 0;
    pub const FRAME_CONTROL_1: usize = 1;
    pub const SEQUENCE_CONTROL: core::ops::Range<usize> = 22..24;
    /// Frame control, duration, three addresses, sequence control.
    pub const BASE_LEN: usize = 24;
    pub const ADDRESS4_LEN: usize = 6;
    pub const QOS_CONTROL_LEN: usize = 2;
    pub const HT_CONTROL_LEN: usize = 4;
    pub const VERSION_MASK: u8 = 0x03;
    pub const TYPE_SHIFT: u8 = 2;
    pub const TYPE_MASK: u8 = 0x03;
    pub const SUBTYPE_SHIFT: u8 = 4;
    pub const TYPE_DATA: u8 = 2;
    /// Subtype bit: QoS data (a QoS control field follows the addresses).
    pub const SUBTYPE_QOS: u8 = 0x08;
    /// Subtype bit: no data (null frames).
    pub const SUBTYPE_NO_DATA: u8 = 0x04;
    pub const FLAG_TO_DS: u8 = 0x01;
    pub const FLAG_FROM_DS: u8 = 0x02;
    pub const FLAG_MORE_FRAGMENTS: u8 = 0x04;
    pub const FLAG_PROTECTED: u8 = 0x40;
    /// `+HTC` / order: an HT control field follows the QoS control field.
    pub const FLAG_ORDER: u8 = 0x80;
    /// QoS control, first byte: an A-MSDU follows.
    pub const QOS_AMSDU_PRESENT: u8 = 0x80;
    /// Fragment number bits of the (little-endian) sequence control field.
    pub const FRAGMENT_NUMBER_MASK: u16 = 0x000F;
}

/// An 802.11 frame header. Data frames go on to LLC (or to their A-MSDU
/// subframes); management, control and null frames are not TCP; protected
/// frames are encrypted and fragments are not reassembled.
pub(crate) fn ieee80211(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    use ieee80211 as f;
    let h = fixed::<{ f::BASE_LEN }>(frame, at, Layer::Ieee80211)?;
    let (fc0, flags) = (h[f::FRAME_CONTROL_0], h[f::FRAME_CONTROL_1]);
    let version = fc0 & f::VERSION_MASK;
    if version != 0 {
        return Err(LinkError::Ieee80211Version { version }.at(Layer::Ieee80211, at));
    }
    let frame_type = (fc0 >> f::TYPE_SHIFT) & f::TYPE_MASK;
    let subtype = fc0 >> f::SUBTYPE_SHIFT;
    let not_tcp = Next::NotTcp(NotTcp::Ieee80211 {
        frame_type,
        subtype,
    });
    if frame_type != f::TYPE_DATA || subtype & f::SUBTYPE_NO_DATA != 0 {
        return Ok(Step::new(f::BASE_LEN, not_tcp));
    }
    let mut len = f::BASE_LEN;
    if flags & (f::FLAG_TO_DS | f::FLAG_FROM_DS) == f::FLAG_TO_DS | f::FLAG_FROM_DS {
        len += f::ADDRESS4_LEN;
    }
    let mut amsdu = false;
    if subtype & f::SUBTYPE_QOS != 0 {
        let qos = fixed::<{ f::QOS_CONTROL_LEN }>(frame, at + len, Layer::Ieee80211)?;
        amsdu = qos[0] & f::QOS_AMSDU_PRESENT != 0;
        len += f::QOS_CONTROL_LEN;
        if flags & f::FLAG_ORDER != 0 {
            len += f::HT_CONTROL_LEN;
        }
    }
    if flags & f::FLAG_PROTECTED != 0 {
        return Err(DecodeError::Encrypted {
            layer: Layer::Ieee80211,
            offset: at + len,
        });
    }
    let s = &h[f::SEQUENCE_CONTROL];
    let sequence_control = u16::from_le_bytes([s[0], s[1]]);
    if flags & f::FLAG_MORE_FRAGMENTS != 0 || sequence_control & f::FRAGMENT_NUMBER_MASK != 0 {
        return Err(DecodeError::Unsupported {
            layer: Layer::Ieee80211,
            offset: at + f::SEQUENCE_CONTROL.start,
            value: u32::from(sequence_control),
        });
    }
    Ok(Step::new(
        len,
        if amsdu {
            Next::AmsduSubframe
        } else {
            Next::Llc
        },
    ))
}

/// A-MSDU subframe header (IEEE 802.11-2020 §9.3.2.2.2): DA, SA, big-endian length.
#[allow(dead_code)] // the whole header is laid out, not every field is read
pub(crate) mod amsdu {
    use core::ops::Range;
    pub const DESTINATION: Range<usize> = 0..6;
    pub const SOURCE: Range<usize> = 6..12;
    pub const LENGTH: Range<usize> = 12..14;
    pub const HEADER_LEN: usize = 14;
    /// Every subframe but the last is padded to a multiple of 4 bytes.
    pub const ALIGN: usize = 4;
}

/// One A-MSDU subframe header: an LLC frame of `length` bytes follows. The
/// next subframe starts at `at + (14 + length)` rounded up to 4, which the
/// walker uses to resume ([`amsdu_next_subframe`]).
pub(crate) fn amsdu_subframe(frame: &[u8], at: usize) -> Result<Step, DecodeError> {
    let h = fixed::<{ amsdu::HEADER_LEN }>(frame, at, Layer::AmsduSubframe)?;
    let payload_at = at + amsdu::HEADER_LEN;
    let end = payload_at + usize::from(be16(h, amsdu::LENGTH));
    Ok(Step {
        len: amsdu::HEADER_LEN,
        next: Next::Llc,
        end: Some(end),
    })
}

/// Where the subframe after the one at `at` starts, if its header fits in `frame`.
pub(crate) fn amsdu_next_subframe(frame: &[u8], at: usize) -> Option<usize> {
    let h = frame.get(at..)?.first_chunk::<{ amsdu::HEADER_LEN }>()?;
    let subframe_len = amsdu::HEADER_LEN + usize::from(be16(h, amsdu::LENGTH));
    let next = at + subframe_len.next_multiple_of(amsdu::ALIGN);
    let remaining = frame.len().checked_sub(next)?;
    // Fewer bytes than a subframe header are padding or a frame check sequence.
    (remaining >= amsdu::HEADER_LEN).then_some(next)
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

    #[test]
    fn link_type_names_and_display() {
        assert_eq!(LinkType::ETHERNET.to_string(), "ETHERNET (1)");
        assert_eq!(LinkType(147).to_string(), "link type 147");
        assert_eq!(LinkType::RAW_LEGACY.name(), Some("RAW"));
        assert!(LinkType::NFLOG.is_supported());
        assert!(!LinkType(147).is_supported());
        assert_eq!(EtherType(0x1234).to_string(), "0x1234");
        assert_eq!(EtherType::IPV6.to_string(), "IPv6 (0x86dd)");
    }

    #[test]
    fn null_family_in_either_byte_order() {
        // AF_INET written little-endian (x86 host) and big-endian (SPARC host).
        assert_eq!(step(null(&[2, 0, 0, 0], 0, false)).1, Next::Ipv4);
        assert_eq!(step(null(&[0, 0, 0, 2], 0, false)).1, Next::Ipv4);
        // AF_INET6 of NetBSD/OpenBSD (24), FreeBSD (28), Darwin (30).
        for family in [24u8, 28, 30] {
            assert_eq!(step(null(&[family, 0, 0, 0], 0, false)).1, Next::Ipv6);
            assert_eq!(step(null(&[0, 0, 0, family], 0, true)).1, Next::Ipv6);
        }
        // LOOP is always big-endian: 0x02000000 is not a family.
        assert_eq!(
            step(null(&[2, 0, 0, 0], 0, true)).1,
            Next::NotTcp(NotTcp::AddressFamily(0x0200_0000))
        );
        assert_eq!(
            step(null(&[7, 0, 0, 0], 0, false)).1,
            Next::NotTcp(NotTcp::AddressFamily(7))
        );
        assert!(matches!(
            null(&[2, 0, 0], 0, false),
            Err(DecodeError::Truncated(t)) if t.layer == Layer::Null && t.required == 4 && t.available == 3
        ));
    }

    #[test]
    fn ethernet_type_and_8023_length() {
        let mut f = [0u8; 14];
        f[12..14].copy_from_slice(&[0x08, 0x00]);
        assert_eq!(step(ethernet(&f, 0)), (14, Next::Ipv4, None));
        f[12..14].copy_from_slice(&[0x86, 0xDD]);
        assert_eq!(step(ethernet(&f, 0)).1, Next::Ipv6);
        f[12..14].copy_from_slice(&[0x08, 0x06]);
        assert_eq!(
            step(ethernet(&f, 0)).1,
            Next::NotTcp(NotTcp::EtherType(EtherType::ARP))
        );
        // 802.3: a length of 38 bounds the LLC frame to bytes 14..52.
        f[12..14].copy_from_slice(&[0x00, 38]);
        assert_eq!(step(ethernet(&f, 0)), (14, Next::Llc, Some(52)));
        for tpid in [0x8100u16, 0x88A8, 0x9100] {
            f[12..14].copy_from_slice(&tpid.to_be_bytes());
            assert_eq!(step(ethernet(&f, 0)).1, Next::Vlan);
        }
        assert!(matches!(
            ethernet(&f[..13], 0),
            Err(DecodeError::Truncated(_))
        ));
    }

    #[test]
    fn vlan_vntag_pbb() {
        // TCI 0x00fa (VLAN 250), then IPv4.
        assert_eq!(
            step(vlan(&[0x00, 0xFA, 0x08, 0x00], 0)),
            (4, Next::Ipv4, None)
        );
        // Stacked: the inner type is another tag.
        assert_eq!(step(vlan(&[0xE0, 0x01, 0x81, 0x00], 0)).1, Next::Vlan);
        // VN-Tag body of vntag_vlan_sandwich_clean.pcap: 0000 0033, then 802.1Q.
        assert_eq!(
            step(vn_tag(&[0, 0, 0, 0x33, 0x81, 0x00], 0)),
            (6, Next::Vlan, None)
        );
        let mut p = [0u8; 18];
        p[16..18].copy_from_slice(&[0x86, 0xDD]);
        assert_eq!(step(pbb(&p, 0)), (18, Next::Ipv6, None));
    }

    #[test]
    fn llc_snap() {
        // RFC 1042: AA AA 03 00 00 00 08 00.
        let snap_ip = [0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00];
        assert_eq!(step(llc(&snap_ip, 0)), (8, Next::Ipv4, None));
        // Spanning tree: DSAP/SSAP 0x42.
        assert_eq!(
            step(llc(&[0x42, 0x42, 0x03, 0, 0], 0)).1,
            Next::NotTcp(NotTcp::Llc {
                dsap: 0x42,
                ssap: 0x42
            })
        );
        // CDP: SNAP with Cisco OUI 00000C, PID 0x2000.
        assert_eq!(
            step(llc(&[0xAA, 0xAA, 0x03, 0, 0, 0x0C, 0x20, 0x00], 0)).1,
            Next::NotTcp(NotTcp::Snap {
                oui: 0x0C,
                protocol_id: 0x2000
            })
        );
        // 802.1 bridged Ethernet (RFC 2427).
        assert_eq!(
            step(llc(&[0xAA, 0xAA, 0x03, 0, 0x80, 0xC2, 0, 0x07], 0)).1,
            Next::Ethernet
        );
        // An I-format frame (2-byte control) never carries SNAP.
        assert!(matches!(
            step(llc(&[0xAA, 0xAA, 0x00, 0x00], 0)).1,
            Next::NotTcp(_)
        ));
        assert!(matches!(llc(&snap_ip[..5], 0), Err(DecodeError::Truncated(t)) if t.required == 8));
    }

    #[test]
    fn fddi_llc_only() {
        let mut f = [0u8; 13];
        f[0] = 0x50;
        assert_eq!(step(fddi(&f, 0)), (13, Next::Llc, None));
        f[0] = 0x41; // SMT frame
        assert_eq!(
            step(fddi(&f, 0)).1,
            Next::NotTcp(NotTcp::FddiFrameControl(0x41))
        );
    }

    #[test]
    fn linux_cooked() {
        let mut v1 = [0u8; 16];
        v1[2..4].copy_from_slice(&1u16.to_be_bytes());
        v1[14..16].copy_from_slice(&[0x86, 0xDD]);
        assert_eq!(step(linux_sll(&v1, 0)), (16, Next::Ipv6, None));
        v1[14..16].copy_from_slice(&[0x00, 0x04]);
        assert_eq!(step(linux_sll(&v1, 0)).1, Next::Llc);
        v1[2..4].copy_from_slice(&824u16.to_be_bytes());
        assert!(matches!(
            step(linux_sll(&v1, 0)).1,
            Next::NotTcp(NotTcp::LinuxCooked { .. })
        ));
        let mut v2 = [0u8; 20];
        v2[0..2].copy_from_slice(&[0x08, 0x00]);
        assert_eq!(step(linux_sll2(&v2, 0)), (20, Next::Ipv4, None));
        assert!(matches!(
            linux_sll2(&v2[..19], 0),
            Err(DecodeError::Truncated(_))
        ));
    }

    #[test]
    fn nflog_tlvs_either_byte_order() {
        // Header (AF_INET, v0, resource 42), a prefix TLV of 5 bytes padded to 8,
        // then the payload TLV (type 9) of 4 + 2 bytes.
        let le = [
            2, 0, 0, 42, 5, 0, 10, 0, b'x', 0, 0, 0, 6, 0, 9, 0, 0x45, 0x00,
        ];
        assert_eq!(step(nflog(&le, 0)), (16, Next::Ip, Some(18)));
        let be = [
            2, 0, 0, 42, 0, 5, 0, 10, b'x', 0, 0, 0, 0, 6, 0, 9, 0x45, 0x00,
        ];
        assert_eq!(step(nflog(&be, 0)), (16, Next::Ip, Some(18)));
        assert_eq!(
            step(nflog(&[2, 0, 0, 0, 8, 0, 1, 0, 0, 0, 0, 0], 0)).1,
            Next::NotTcp(NotTcp::NoPayload(Layer::Nflog))
        );
        assert!(matches!(
            nflog(&[2, 1, 0, 0], 0),
            Err(DecodeError::Malformed(m)) if m.offset == 1
        ));
        assert!(matches!(
            nflog(&[2, 0, 0, 0, 2, 0, 9, 0], 0),
            Err(DecodeError::Malformed(m))
                if m.error == LayerError::Link(LinkError::NflogTlvLength { length: 2 })
        ));
    }

    #[test]
    fn ppp_and_pppoe() {
        assert_eq!(step(ppp(&[0x00, 0x21], 0)), (2, Next::Ipv4, None));
        assert_eq!(
            step(ppp(&[0xFF, 0x03, 0x00, 0x57], 0)),
            (4, Next::Ipv6, None)
        );
        assert_eq!(step(ppp(&[0x21], 0)), (1, Next::Ipv4, None));
        assert_eq!(
            step(ppp(&[0xC0, 0x21], 0)).1,
            Next::NotTcp(NotTcp::PppProtocol(0xC021))
        );
        assert!(matches!(
            ppp(&[0x00, 0x2D], 0),
            Err(DecodeError::Unsupported { .. })
        ));
        // pppoe-over-qinq.pcap frame 1: 11 00 000f 0042.
        let mut h = [0u8; 16];
        h[10..].copy_from_slice(&[0x11, 0x00, 0x00, 0x0F, 0x00, 0x42]);
        assert_eq!(step(pppoe(&h, 10)), (6, Next::Ppp, Some(16 + 0x42)));
        assert!(matches!(
            pppoe(&[0x12, 0, 0, 0, 0, 0], 0),
            Err(DecodeError::Malformed(m)) if m.layer == Layer::Pppoe && m.offset == 0
        ));
        assert!(matches!(
            pppoe(&[0x11, 0x09, 0, 0, 0, 0], 0),
            Err(DecodeError::Malformed(m)) if m.offset == 1
        ));
    }

    #[test]
    fn mpls_stack() {
        // mixed-vlan-mpls.pcap: label 29, bottom of stack, TTL 255, then IPv4.
        assert_eq!(
            step(mpls(&[0x00, 0x01, 0xDD, 0xFF, 0x45], 0)),
            (4, Next::Ip, None)
        );
        // Two entries; the second is the bottom.
        assert_eq!(step(mpls(&[0, 1, 0x20, 64, 0, 1, 0x31, 64, 0x60], 0)).0, 8);
        // IPv6 explicit null decides without looking at the payload.
        assert_eq!(step(mpls(&[0, 0, 0x21, 64], 0)), (4, Next::Ipv6, None));
        // Control word then Ethernet.
        assert_eq!(
            step(mpls(&[0, 1, 0x01, 64, 0, 0, 0, 0], 0)),
            (8, Next::Ethernet, None)
        );
        assert_eq!(
            step(mpls(&[0, 1, 0x01, 64, 0x00, 0x1B], 0)).1,
            Next::Ethernet
        );
        assert_eq!(
            step(mpls(&[0, 1, 0x01, 64, 0x10], 0)).1,
            Next::NotTcp(NotTcp::MplsAssociatedChannel)
        );
        // No bottom of stack before the end.
        assert!(
            matches!(mpls(&[0, 1, 0x00, 64], 0), Err(DecodeError::Truncated(t)) if t.offset == 4)
        );
    }

    #[test]
    fn ieee80211_data_and_amsdu() {
        // QoS data, FromDS, A-MSDU present (tunnels__gre-aruba-amsdu.pcap).
        let mut f = [0u8; 26];
        f[0] = 0x88;
        f[1] = 0x02;
        f[24] = 0x80;
        assert_eq!(step(ieee80211(&f, 0)), (26, Next::AmsduSubframe, None));
        f[24] = 0x00;
        assert_eq!(step(ieee80211(&f, 0)), (26, Next::Llc, None));
        // Plain data frame, WDS (four addresses).
        let mut g = [0u8; 30];
        g[0] = 0x08;
        g[1] = 0x03;
        assert_eq!(step(ieee80211(&g, 0)).0, 30);
        // Beacon.
        g[0] = 0x80;
        assert_eq!(
            step(ieee80211(&g, 0)).1,
            Next::NotTcp(NotTcp::Ieee80211 {
                frame_type: 0,
                subtype: 8
            })
        );
        // Protected data.
        g[0] = 0x08;
        g[1] = 0x41;
        assert!(matches!(
            ieee80211(&g, 0),
            Err(DecodeError::Encrypted { .. })
        ));
        g[0] = 0x09;
        assert!(matches!(ieee80211(&g, 0), Err(DecodeError::Malformed(_))));
        // Subframe of 0x121 bytes at 0: next one at 14 + 289 = 303, padded to 304.
        let mut s = [0u8; 400];
        s[12..14].copy_from_slice(&0x121u16.to_be_bytes());
        assert_eq!(step(amsdu_subframe(&s, 0)), (14, Next::Llc, Some(303)));
        assert_eq!(amsdu_next_subframe(&s, 0), Some(304));
        assert_eq!(amsdu_next_subframe(&s[..310], 0), None);
    }

    #[test]
    fn radiotap_cisco_pflog() {
        assert_eq!(step(radiotap(&[0, 0, 12, 0, 0, 0, 0, 0], 0)).0, 12);
        assert!(matches!(
            radiotap(&[0, 0, 4, 0, 0, 0, 0, 0], 0),
            Err(DecodeError::Malformed(_))
        ));
        assert_eq!(
            step(cisco_hdlc(&[0x0F, 0x00, 0x08, 0x00], 0)),
            (4, Next::Ipv4, None)
        );
        // pfloghdr of 61 bytes is padded to 64.
        assert_eq!(step(pflog(&[61, 2, 0, 0], 0)), (64, Next::Ip, None));
        assert!(matches!(
            pflog(&[3, 2, 0, 0], 0),
            Err(DecodeError::Malformed(_))
        ));
    }
}
