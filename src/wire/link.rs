//! Link-layer types (the pcap `LINKTYPE_*` registry) and the link-layer headers
//! walked to reach IP.

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
    /// FDDI, with an 802.2 LLC/SNAP header.
    pub const FDDI: LinkType = LinkType(10);
    /// Raw IP (the value some systems write for `DLT_RAW`).
    pub const RAW_LEGACY: LinkType = LinkType(12);
    /// Raw IP on OpenBSD (`DLT_RAW` = 14 there).
    pub const RAW_OPENBSD: LinkType = LinkType(14);
    /// Raw IPv4 or IPv6, told apart by the version nibble.
    pub const RAW: LinkType = LinkType(101);
    /// IEEE 802.11 wireless frames.
    pub const IEEE802_11: LinkType = LinkType(105);
    /// OpenBSD loopback: like [`LinkType::NULL`] but the family is big-endian.
    pub const LOOP: LinkType = LinkType(108);
    /// Linux "cooked" capture, version 1 (16-byte pseudo-header).
    pub const LINUX_SLL: LinkType = LinkType(113);
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
            10 => "FDDI",
            12 | 14 | 101 => "RAW",
            105 => "IEEE802_11",
            108 => "LOOP",
            113 => "LINUX_SLL",
            228 => "IPV4",
            229 => "IPV6",
            239 => "NFLOG",
            276 => "LINUX_SLL2",
            _ => return None,
        })
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
