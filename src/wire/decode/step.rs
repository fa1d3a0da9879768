//! The vocabulary between a layer parser and the driver: what a parser found
//! ([`Step`]: its header's length, what comes next, where its length field ends
//! the content) and the addresses an IP header hands on ([`IpContext`]).

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::numbers::{EtherType, IpNumber};
use super::outcome::NotTcp;

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
    Ah,
    Esp,
    Tcp,
    Icmp,
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
    /// The protocol an EtherType names; the driver's dispatch table says
    /// which layer that is.
    EtherType(EtherType),
    /// The protocol an IP protocol number names after an IP header (whose
    /// addresses the driver keeps); the driver's dispatch table says which
    /// layer that is.
    IpProtocol(IpNumber),
    /// The walk ends: the frame is not TCP.
    NotTcp(NotTcp),
}

/// One layer's header, measured: its length, what follows, and where the
/// layer's length field says its content ends (counted, like `len`, from the
/// first byte of the header), if it has one.
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
    /// Before any IP header (never read: TCP and ICMP only follow IP).
    pub(crate) const NONE: IpContext = IpContext::V4 {
        source: Ipv4Addr::UNSPECIFIED,
        destination: Ipv4Addr::UNSPECIFIED,
    };

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
