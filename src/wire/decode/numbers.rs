//! The identifiers one layer uses to name the next: pcap link types,
//! EtherTypes and IP protocol numbers. Plain newtypes over the registry values,
//! so that every value a frame can carry is representable.
//!
//! ```
//! use synack::wire::{EtherType, IpNumber, LinkType};
//!
//! assert_eq!(LinkType::LINUX_SLL2.to_string(), "LINUX_SLL2 (276)");
//! assert_eq!(LinkType(4242).name(), None);
//! assert_eq!(EtherType::VLAN.name(), Some("802.1Q"));
//! assert_eq!(IpNumber(17), IpNumber::UDP);
//! ```

use core::fmt;

/// A pcap/pcapng link type: the `LINKTYPE_*` value from the tcpdump.org registry.
///
/// It is a newtype rather than an enum so that every value a capture file can
/// carry is representable; the constants name the ones [`decode`](fn@crate::wire::decode) understands.
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

    /// Whether [`decode`](fn@crate::wire::decode) walks frames of this link type.
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
