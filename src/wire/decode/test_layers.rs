//! Unit tests of the layer parsers, each called as the driver calls it (through
//! [`at`]: the parser sees the bytes from its header on, and its lengths and
//! errors are made absolute the way the driver makes them).
// `DecodeError` is 128 bytes (clippy's limit) since `CutTcp` carries the window and the
// declared length; `decode` returns it inside `Decoded`, whose size the
// 152-byte `DecodedSegment` sets, and only these test shims return it in a
// `Result`.
#![allow(clippy::result_large_err)]

extern crate std;

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::string::ToString;

use super::error::{DecodeError, Fault, Fragment, IpError, LayerError, LinkError, TunnelError};
use super::ip::IpHeader;
use super::layer::Layer;
use super::numbers::{EtherType, IpNumber, LinkType};
use super::outcome::{Decoded, IcmpMessage, NotTcp};
use super::step::{IpContext, Next, Step};
use super::{ethertype_next, ip_protocol_next};

/// Runs `parse` on the bytes of `frame` from `at` as the driver does: the step's
/// end made absolute, an identifier resolved through the dispatch tables, a
/// fault made a frame error of `layer`.
fn at(
    layer: Layer,
    frame: &[u8],
    at: usize,
    parse: impl FnOnce(&[u8]) -> Result<Step, Fault>,
) -> Result<Step, DecodeError> {
    at_v6(layer, frame, at, parse, false)
}

/// [`at`] for a layer after IPv6 (`v6`) or IPv4.
fn at_v6(
    layer: Layer,
    frame: &[u8],
    at: usize,
    parse: impl FnOnce(&[u8]) -> Result<Step, Fault>,
    v6: bool,
) -> Result<Step, DecodeError> {
    let bytes = frame.get(at..).unwrap_or(&[]);
    match parse(bytes) {
        Ok(s) => Ok(Step {
            len: s.len,
            next: resolve(s.next, v6),
            end: s.end.map(|e| e + at),
        }),
        Err(fault) => Err(fault.in_frame(layer, at)),
    }
}

fn resolve(next: Next, v6: bool) -> Next {
    match next {
        Next::EtherType(t) => ethertype_next(t),
        Next::IpProtocol(p) => ip_protocol_next(p, v6),
        n => n,
    }
}

fn step(r: Result<Step, DecodeError>) -> (usize, Next, Option<usize>) {
    let s = r.expect("step");
    (s.len, s.next, s.end)
}

macro_rules! shim {
    ($($name:ident => $layer:expr, $parse:path;)*) => {
        $(fn $name(frame: &[u8], offset: usize) -> Result<Step, DecodeError> {
            at($layer, frame, offset, $parse)
        })*
    };
}

shim! {
    ethernet => Layer::Ethernet, super::ethernet::ethernet;
    vlan => Layer::Vlan, super::ethernet::vlan;
    vn_tag => Layer::VnTag, super::ethernet::vn_tag;
    pbb => Layer::Pbb, super::ethernet::pbb;
    cisco_hdlc => Layer::CiscoHdlc, super::cisco_hdlc::cisco_hdlc;
    llc => Layer::Llc, super::llc::llc;
    fddi => Layer::Fddi, super::fddi::fddi;
    linux_sll => Layer::LinuxSll, super::sll::linux_sll;
    linux_sll2 => Layer::LinuxSll2, super::sll::linux_sll2;
    nflog => Layer::Nflog, super::nflog::nflog;
    pflog => Layer::Pflog, super::pflog::pflog;
    ppp => Layer::Ppp, super::ppp::ppp;
    pppoe => Layer::Pppoe, super::ppp::pppoe;
    mpls => Layer::Mpls, super::mpls::mpls;
    radiotap => Layer::Radiotap, super::ieee80211::radiotap;
    ieee80211 => Layer::Ieee80211, super::ieee80211::ieee80211;
    amsdu_subframe => Layer::AmsduSubframe, super::ieee80211::amsdu_subframe;
    udp => Layer::Udp, super::udp::udp;
    gre => Layer::Gre, super::gre::gre;
    erspan2 => Layer::Erspan, super::gre::erspan2;
    erspan3 => Layer::Erspan, super::gre::erspan3;
    etherip => Layer::EtherIp, super::etherip::etherip;
    geneve => Layer::Geneve, super::geneve::geneve;
    gtp_u => Layer::GtpU, super::gtp::gtp_u;
    ayiya => Layer::Ayiya, super::ayiya::ayiya;
    teredo => Layer::Teredo, super::teredo::teredo;
}

fn null(frame: &[u8], offset: usize, big_endian: bool) -> Result<Step, DecodeError> {
    let layer = if big_endian { Layer::Loop } else { Layer::Null };
    at(layer, frame, offset, |b| super::null::null(b, big_endian))
}

fn ipv4(frame: &[u8], offset: usize) -> Result<Step, DecodeError> {
    at(Layer::Ipv4, frame, offset, |b| {
        let mut context = IpContext::NONE;
        super::ipv4::ipv4(b, &mut context)
    })
}

fn ipv6(frame: &[u8], offset: usize) -> Result<Step, DecodeError> {
    at_v6(
        Layer::Ipv6,
        frame,
        offset,
        |b| {
            let mut context = IpContext::NONE;
            super::ipv6::ipv6(b, &mut context)
        },
        true,
    )
}

/// The addresses an IP header hands on.
fn context(frame: &[u8], v6: bool) -> IpContext {
    let mut context = IpContext::NONE;
    let ip = if v6 {
        super::ipv6::ipv6(frame, &mut context)
    } else {
        super::ipv4::ipv4(frame, &mut context)
    };
    ip.expect("IP header");
    context
}

fn amsdu_next_subframe(frame: &[u8], offset: usize) -> Option<usize> {
    super::ieee80211::amsdu_next_subframe(frame.get(offset..)?).map(|n| n + offset)
}

fn icmp(frame: &[u8], offset: usize, context: IpContext) -> Result<Decoded<'_>, DecodeError> {
    let layer = match context {
        IpContext::V4 { .. } => Layer::Icmp,
        IpContext::V6 { .. } => Layer::Icmpv6,
    };
    super::icmp::icmp(frame.get(offset..).unwrap_or(&[]), context)
        .map_err(|fault| fault.in_frame(layer, offset))
}

fn parse_ipv6(frame: &[u8], offset: usize, quoted: bool) -> Result<IpHeader, DecodeError> {
    super::ipv6::parse_ipv6(frame.get(offset..).unwrap_or(&[]), quoted)
        .map_err(|fault| fault.in_frame(Layer::Ipv6, offset))
}

use super::gre::is_aruba;
use super::teredo::teredo_ipv6_at;
use crate::seq::SeqNum;

mod link {
    use super::*;

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

mod ip {
    use super::*;

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
        assert_eq!(step(ipv4(&f, 0)), (20, Next::Tcp, Some(40)));
        assert_eq!(context(&f, false), v4_context());
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
        assert_eq!(step(ipv6(&f, 0)), (72, Next::Tcp, Some(100)));
        assert_eq!(context(&f, true), v6_context(dst));
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
        assert_eq!(step(ipv6(&f, 0)).1, Next::Tcp);
        assert_eq!(context(&f, true), v6_context(Some(dst)));
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
            payload_offset: 0,
            payload_len: 0,
        };
        assert_eq!(
            f.to_string(),
            "TCP (6) fragment 127.0.0.1 -> 127.0.0.1 id 0x1 offset 8 (last)"
        );
    }
}
