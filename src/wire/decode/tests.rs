//! Tests of the whole walk, through [`decode`](super::decode) and
//! [`decode_all`](super::decode_all).

use super::*;
use crate::flags::TcpFlags;
use crate::seq::SeqNum;
use crate::wire::{IpNumber, PseudoHeader, TcpHeaderError};
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
    assert_eq!(p.source(), SocketAddr::new(SRC4.into(), 1025));
    assert_eq!(p.destination(), SocketAddr::new(DST4.into(), 80));
    assert_eq!((p.payload, p.payload_len), (&b"hi"[..], 2));
    // IPv4 total length 20 + 20 + 2, without the 4 bytes of padding.
    assert_eq!(p.ip_len, 42);
    assert_eq!(p.header.sequence_number(), SeqNum(1000));
    assert_eq!(p.verify_checksum(), ChecksumStatus::Good);
    assert_eq!(p.verify_checksum().tshark_status(), 1);
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
        (p.verify_checksum(), p.verify_checksum().tshark_status()),
        (ChecksumStatus::Bad, 0)
    );
    // Cut 5 payload bytes: the IP length still says 11.
    let p = tcp(decode(LinkType::ETHERNET, &f.as_slice()[..n - 5]));
    assert_eq!((p.payload, p.payload_len), (&b"hello "[..], 11));
    assert_eq!(
        p.verify_checksum(),
        ChecksumStatus::Unverified(UnverifiedReason::Truncated)
    );
    assert!(p.is_truncated());
    // Cut inside the TCP header after the ports: the fixed fields that are
    // there (15 bytes: ports, seq, ack, data offset and flags; tcp_segment
    // writes seq 1000, ack 7, data offset 5, ACK|PSH).
    let d = decode(LinkType::ETHERNET, &f.as_slice()[..34 + 15]);
    assert_eq!(
        d,
        Decoded::Error(DecodeError::TcpCut(CutTcp {
            source: SocketAddr::new(SRC4.into(), 1025),
            destination: SocketAddr::new(DST4.into(), 80),
            seq: Some(SeqNum(1000)),
            ack: Some(SeqNum(7)),
            flags: Some(TcpFlags::ACK | TcpFlags::PSH),
            header_len: Some(20),
            window: None,
            // The IP length still declares the 11-byte payload.
            declared_len: 31,
            offset: 34,
            captured: 15,
        }))
    );
    // 10 bytes: ports and seq only.
    let Decoded::Error(DecodeError::TcpCut(c)) = decode(LinkType::ETHERNET, &f.as_slice()[..44])
    else {
        panic!("cut TCP")
    };
    assert_eq!(
        (c.seq, c.ack, c.flags, c.header_len, c.captured),
        (Some(SeqNum(1000)), None, None, None, 10)
    );
    assert_eq!(
        std::format!("{}", DecodeError::TcpCut(c)),
        "TCP header 192.0.2.1:1025 -> 198.51.100.2:80 at byte 34 cut by the snapshot length: 10 bytes captured"
    );
    // 3 bytes: not even the ports, a plain truncation.
    assert_eq!(
        decode(LinkType::ETHERNET, &f.as_slice()[..37]),
        Decoded::Error(DecodeError::Truncated(Truncated {
            layer: Layer::Tcp,
            offset: 34,
            required: 20,
            available: 3
        }))
    );
    // Cut inside the options (data offset 10 = 40 bytes, 22 captured): the
    // whole fixed header.
    let mut g = Buf::new();
    g.put(&MAC_HEADER).put(&[0x08, 0x00]);
    ipv4_header(40, 6, &mut g);
    g.put(&443u16.to_be_bytes()).put(&56960u16.to_be_bytes());
    g.put(&652014209u32.to_be_bytes())
        .put(&2070381375u32.to_be_bytes());
    g.put(&[0xA0, 0x12, 0xFF, 0xFF, 0, 0, 0, 0, 2, 4]);
    let Decoded::Error(DecodeError::TcpCut(c)) = decode(LinkType::ETHERNET, g.as_slice()) else {
        panic!("cut TCP")
    };
    assert_eq!(
        (c.seq, c.ack, c.flags, c.header_len, c.captured),
        (
            Some(SeqNum(652014209)),
            Some(SeqNum(2070381375)),
            Some(TcpFlags::SYN | TcpFlags::ACK),
            Some(40),
            22
        )
    );
    // The window (16 bytes captured) and the TCP length the IP header
    // declares (total length 60 minus its 20-byte header).
    assert_eq!((c.window, c.declared_len), (Some(0xFFFF), 40));
    // Cut at 15 bytes: no window yet.
    let Decoded::Error(DecodeError::TcpCut(c)) =
        decode(LinkType::ETHERNET, &g.as_slice()[..34 + 15])
    else {
        panic!("cut TCP")
    };
    assert_eq!((c.window, c.declared_len, c.captured), (None, 40, 15));
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
    // Data offset 15 (60 bytes) but the IP payload holds 20: the data
    // offset's byte, 12 into the TCP header at 20, is at fault.
    g.bytes[32] = 0xF0;
    assert!(matches!(
        decode(LinkType::RAW, g.as_slice()),
        Decoded::Error(DecodeError::Malformed(Malformed {
            layer: Layer::Tcp,
            offset: 32,
            error: LayerError::Tcp(TcpHeaderError::DataOffsetPastEnd {
                header_len: 60,
                available: 20
            }),
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
    assert_eq!(p.verify_checksum(), ChecksumStatus::Bad);
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
    assert_eq!(p.verify_checksum(), ChecksumStatus::Good);
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
        assert_eq!(p.verify_checksum(), ChecksumStatus::Good, "{link_type}");
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
            tcp(decode(LinkType::NULL, f.as_slice())).verify_checksum(),
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
        assert_eq!(p.verify_checksum(), ChecksumStatus::Good, "{expected}");
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
fn fragment_payload_ranges() {
    // Ethernet (14) + IPv4 (20, total length 30, MF) + 10 data bytes + 4 of
    // padding: the data is bytes 34..44.
    let mut f = Buf::new();
    f.put(&MAC_HEADER).put(&[0x08, 0x00]);
    ipv4_header(10, 6, &mut f);
    f.bytes[14 + 6] = 0x20;
    f.put(b"0123456789").put(&[0xEE; 4]);
    let Decoded::Error(DecodeError::Fragment(frag)) = decode(LinkType::ETHERNET, f.as_slice())
    else {
        panic!("fragment")
    };
    assert_eq!((frag.payload_offset, frag.payload_len), (34, 10));
    assert_eq!(frag.payload(f.as_slice()), Some(&b"0123456789"[..]));
    // Cut by the snapshot length after 6 data bytes: 6 bytes are there.
    let cut = &f.as_slice()[..40];
    let Decoded::Error(DecodeError::Fragment(frag)) = decode(LinkType::ETHERNET, cut) else {
        panic!("fragment")
    };
    assert_eq!((frag.payload_offset, frag.payload_len), (34, 6));
    assert_eq!(frag.payload(cut), Some(&b"012345"[..]));
    assert_eq!(frag.payload(&cut[..39]), None);

    // IPv6 (40) + hop-by-hop (8) + fragment header (8, offset 16, last) + 12
    // data bytes: the data is bytes 56..68.
    let mut g = Buf::new();
    ipv6_header(28, 0, &mut g);
    g.put(&[44, 0, 1, 4, 0, 0, 0, 0]);
    g.put(&[6, 0, 0, 16, 0, 0, 0, 9]);
    g.put(b"abcdefghijkl");
    let Decoded::Error(DecodeError::Fragment(frag)) = decode(LinkType::RAW, g.as_slice()) else {
        panic!("fragment")
    };
    assert_eq!(
        (frag.offset, frag.more_fragments, frag.identification),
        (16, false, 9)
    );
    assert_eq!((frag.payload_offset, frag.payload_len), (56, 12));

    // Nested: Ethernet (14) + outer IPv4 (20) + GRE (4) + inner IPv4 (20,
    // offset 8 bytes, MF) + 8 data bytes: the inner data is bytes 58..66.
    let mut h = Buf::new();
    h.put(&MAC_HEADER).put(&[0x08, 0x00]);
    ipv4_header(4 + 20 + 8, 47, &mut h);
    h.put(&[0, 0, 0x08, 0x00]);
    ipv4_header(8, 6, &mut h);
    h.bytes[38 + 6] = 0x20;
    h.bytes[38 + 7] = 1;
    h.put(b"ABCDEFGH");
    let Decoded::Error(DecodeError::Fragment(frag)) = decode(LinkType::ETHERNET, h.as_slice())
    else {
        panic!("fragment")
    };
    assert_eq!((frag.offset, frag.more_fragments), (8, true));
    assert_eq!((frag.payload_offset, frag.payload_len), (58, 8));
    // An outer length shorter than the inner one bounds the data: 2 bytes
    // fewer in the outer total length leave 6 of the 8.
    h.bytes[14 + 3] -= 2;
    let Decoded::Error(DecodeError::Fragment(frag)) = decode(LinkType::ETHERNET, h.as_slice())
    else {
        panic!("fragment")
    };
    assert_eq!((frag.payload_offset, frag.payload_len), (58, 6));
}

#[test]
fn fragments_need_reassembly() {
    let mut f = Buf::new();
    ipv4_tcp(b"0123456789", &mut f);
    f.bytes[6] = 0x20; // MF: a first fragment whose TCP header is all there
    let Decoded::Error(DecodeError::Fragment(frag)) = decode(LinkType::RAW, f.as_slice()) else {
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
    assert_eq!(p.verify_checksum(), ChecksumStatus::Good);
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
    assert_eq!(p.pseudo_header(), pseudo);
    // 40 + payload length (24 of routing header + 20 of TCP).
    assert_eq!(p.ip_len, 84);
    assert_eq!(p.destination().ip(), core::net::IpAddr::V6(DST6));
    assert_eq!(p.verify_checksum(), ChecksumStatus::Good);
    // The same segment summed with the destination as written: wrong.
    let mut g = Buf::new();
    ipv6_header(24 + 20, 43, &mut g);
    g.put(&[6, 2, 0, 1, 0, 0, 0, 0]).put(&last.octets());
    tcp_segment(V6, b"", &mut g);
    let q = tcp(decode(LinkType::IPV6, g.as_slice()));
    assert_eq!(q.pseudo_header(), pseudo);
    assert_eq!(q.verify_checksum(), ChecksumStatus::Bad);
    // Cut by the snapshot length: unverified, the pseudo-header still the
    // final destination's.
    let mut h = Buf::new();
    ipv6_header(24 + 20 + 10, 43, &mut h);
    h.put(&[6, 2, 0, 1, 0, 0, 0, 0]).put(&last.octets());
    tcp_segment(pseudo, b"0123456789", &mut h);
    assert_eq!(
        tcp(decode(LinkType::IPV6, h.as_slice())).verify_checksum(),
        ChecksumStatus::Good
    );
    let cut = tcp(decode(LinkType::IPV6, &h.as_slice()[..h.len - 4]));
    assert_eq!(cut.pseudo_header(), pseudo);
    assert_eq!(
        cut.verify_checksum(),
        ChecksumStatus::Unverified(UnverifiedReason::Truncated)
    );
    // Unknown routing type with segments left.
    let mut bytes = [0u8; 512];
    bytes[..f.len].copy_from_slice(f.as_slice());
    bytes[42] = 200;
    assert_eq!(
        tcp(decode(LinkType::IPV6, &bytes[..f.len])).verify_checksum(),
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
        assert_eq!((p.source().port(), p.destination().port()), (443, 49392));
        assert_eq!(
            (p.header.sequence_number(), p.payload_len),
            (SeqNum(seq), len)
        );
        assert_eq!(p.payload.len() as u32, len);
        assert_eq!(p.verify_checksum(), ChecksumStatus::Good);
        assert_eq!(
            path(p),
            "Ethernet / 802.1Q / IPv4 / GRE / 802.11 / A-MSDU / LLC / IPv4 / TCP"
        );
    }
    assert_eq!(decode(LinkType::ETHERNET, &frame), all[0]);
    // Cut 30 bytes into the second subframe's TCP header (at 414, data
    // offset 8): the first segment is still whole, the second a cut header
    // with the fixed fields of the bytes above (seq 0x931264fb, ack
    // 0xaeadcb28, flags 0x010).
    let cut: std::vec::Vec<_> =
        decode_all(LinkType::ETHERNET, &frame[..0x19c + 14 + 8 + 10]).collect();
    assert!(cut[0].tcp().is_some());
    let Decoded::Error(DecodeError::TcpCut(c)) = cut[1] else {
        panic!("cut TCP")
    };
    assert_eq!((c.source.port(), c.destination.port()), (443, 49392));
    assert_eq!(
        (c.seq, c.ack, c.flags, c.header_len, c.offset, c.captured),
        (
            Some(SeqNum(0x931264fb)),
            Some(SeqNum(0xaeadcb28)),
            Some(TcpFlags::ACK),
            Some(32),
            414,
            30
        )
    );
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
                proptest::prop_assert_eq!(p.verify_checksum() == ChecksumStatus::Good, whole);
            }
            Decoded::Error(DecodeError::Truncated(t)) => {
                proptest::prop_assert!(n < payload_at);
                proptest::prop_assert_eq!(t.available, n.saturating_sub(t.offset));
                // With the ports there, the answer is a cut TCP header.
                proptest::prop_assert!(t.layer != Layer::Tcp || t.available < 4);
            }
            Decoded::Error(DecodeError::TcpCut(c)) => {
                // Ethernet 18, IPv4 20, GRE 4, IPv4 20: TCP at 62.
                proptest::prop_assert!(n < payload_at);
                proptest::prop_assert_eq!((c.offset, c.captured), (62, n - 62));
                proptest::prop_assert_eq!((c.source.port(), c.destination.port()), (1025, 80));
                proptest::prop_assert_eq!(c.seq.is_some(), n >= 62 + 8);
                proptest::prop_assert_eq!(c.flags.is_some(), n >= 62 + 14);
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

/// A template frame for the common path: `link` 0 Ethernet, 1 Linux SLL,
/// 2 Linux SLL2, 3 raw; `vlans` tags (Ethernet and SLL); IPv4 or IPv6; a TCP
/// segment with `payload`.
fn common_frame(link: u8, vlans: u8, v6: bool, payload: &[u8]) -> (LinkType, Buf) {
    let mut f = Buf::new();
    let ether_type: [u8; 2] = if v6 { [0x86, 0xDD] } else { [0x08, 0x00] };
    let first_type = if vlans > 0 { [0x81, 0x00] } else { ether_type };
    let link_type = match link {
        0 => {
            f.put(&MAC_HEADER).put(&first_type);
            LinkType::ETHERNET
        }
        1 => {
            f.put(&[0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0])
                .put(&first_type);
            LinkType::LINUX_SLL
        }
        2 => {
            f.put(&first_type)
                .put(&[0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]);
            LinkType::LINUX_SLL2
        }
        _ => LinkType::RAW,
    };
    if link < 3 {
        for i in 0..vlans {
            let next = if i + 1 == vlans {
                ether_type
            } else {
                [0x88, 0xA8]
            };
            f.put(&[0, i + 1]).put(&next);
        }
    }
    if v6 {
        ipv6_header(20 + payload.len(), 6, &mut f);
        tcp_segment(V6, payload, &mut f);
    } else {
        ipv4_tcp(payload, &mut f);
    }
    (link_type, f)
}

#[test]
fn common_path_takes_the_common_frames() {
    for link in 0..4 {
        for vlans in 0..3 {
            for v6 in [false, true] {
                let (link_type, f) = common_frame(link, vlans, v6, b"abc");
                let fast = common(link_type, f.as_slice()).map(Decoded::Tcp);
                assert!(fast.is_some(), "{link} {vlans} {v6}");
                assert_eq!(fast, Some(general_walk(link_type, f.as_slice(), &mut None)));
                let p = tcp(decode(link_type, f.as_slice()));
                assert_eq!(p.payload, b"abc");
                assert_eq!(p.verify_checksum(), ChecksumStatus::Good);
            }
        }
    }
}

proptest::proptest! {
    /// Whenever the common path answers, it answers what the general walk
    /// does: on common frames with bytes changed and the capture cut anywhere.
    #[test]
    fn common_path_agrees_with_the_general_walk(
        link in 0u8..4,
        vlans in 0u8..3,
        v6 in proptest::bool::ANY,
        payload_len in 0usize..40,
        edits in proptest::collection::vec((0usize..120, proptest::arbitrary::any::<u8>()), 0..4),
        cut in 0usize..200,
    ) {
        let payload = [0x5Au8; 40];
        let (link_type, mut f) = common_frame(link, vlans, v6, &payload[..payload_len]);
        for (at, value) in edits {
            if at < f.len {
                f.bytes[at] = value;
            }
        }
        let frame = &f.as_slice()[..cut.min(f.len)];
        // `decode` (common path first) answers what the general walk answers.
        proptest::prop_assert_eq!(decode(link_type, frame), general_walk(link_type, frame, &mut None));
        if let Some(segment) = common(link_type, frame) {
            let fast = Decoded::Tcp(segment);
            let mut resume = None;
            proptest::prop_assert_eq!(fast, general_walk(link_type, frame, &mut resume));
            proptest::prop_assert!(resume.is_none());
        }
    }
}

/// The segment `decode` writes per frame stays small (addresses held once,
/// without ports: the socket addresses and the pseudo-header are computed
/// from them on demand).
#[test]
#[cfg(target_pointer_width = "64")]
fn decoded_segment_size() {
    assert_eq!(core::mem::size_of::<DecodedSegment<'_>>(), 152);
}

// Tests for the survivors of `cargo mutants` on the common path (H10d):
// each names the mutant it kills. Expected values from the formats' specs,
// checked with tshark 4.0.17 on the same bytes (notes/h10d.md).

/// Link type 105 (LINKTYPE_IEEE802_11): an 802.11 data frame (frame control
/// 0x08 0x01: type data, subtype 0, To DS; IEEE 802.11-2020 §9.2.4.1) of 24
/// header bytes, then LLC/SNAP (AA AA 03, OUI 0, EtherType 0x0800) and IPv4.
/// Kills `first_layer`'s arm for IEEE802_11 deleted (the link type would be
/// unsupported).
#[test]
fn ieee80211_link_type_is_decoded() {
    let mut f = Buf::new();
    f.put(&[0x08, 0x01]).put(&[0; 22]);
    f.put(&[0xAA, 0xAA, 3, 0, 0, 0, 0x08, 0x00]);
    ipv4_tcp(b"wlan", &mut f);
    let p = tcp(decode(LinkType::IEEE802_11, f.as_slice()));
    assert_eq!(path(&p), "802.11 / LLC / IPv4 / TCP");
    // TCP after 24 (802.11) + 8 (LLC/SNAP) + 20 (IPv4) bytes.
    assert_eq!(p.offset, 52);
    assert_eq!((p.payload, p.payload_len), (&b"wlan"[..], 4));
    assert_eq!(p.source(), SocketAddr::new(SRC4.into(), 1025));
    assert_eq!(p.verify_checksum(), ChecksumStatus::Good);
}

/// IP protocol 1 is ICMP for IPv4 (RFC 792) and 58 is ICMPv6 for IPv6
/// (RFC 4443 §1); each under the other IP version is just an IP protocol
/// the decoder does not follow. Kills the guards `!v6` and `v6` of
/// `ip_protocol_next` replaced with `true` (the message would be read as
/// an ICMP message of the other version).
#[test]
fn icmp_protocol_numbers_belong_to_their_ip_version() {
    let echo_v4 = [8, 0, 0, 0, 0, 1, 0, 1];
    let echo_v6 = [128, 0, 0, 0, 0, 1, 0, 1];
    // Protocol 1 after IPv6.
    let mut f = Buf::new();
    ipv6_header(8, 1, &mut f);
    f.put(&echo_v4);
    assert_eq!(
        decode(LinkType::RAW, f.as_slice()),
        Decoded::NotTcp(NotTcp::IpProtocol(IpNumber::ICMP))
    );
    // Protocol 58 after IPv4.
    let mut f = Buf::new();
    ipv4_header(8, 58, &mut f);
    f.put(&echo_v6);
    assert_eq!(
        decode(LinkType::RAW, f.as_slice()),
        Decoded::NotTcp(NotTcp::IpProtocol(IpNumber::ICMPV6))
    );
    // Each under its own version is ICMP of that version.
    let mut f = Buf::new();
    ipv6_header(8, 58, &mut f);
    f.put(&echo_v6);
    assert_eq!(
        decode(LinkType::RAW, f.as_slice()),
        Decoded::NotTcp(NotTcp::Icmp(IcmpMessage::V6 {
            icmp_type: 128,
            code: 0
        }))
    );
}

/// A link type the decoder does not support is unsupported whatever its
/// bytes, even those of a whole Ethernet / IPv4 / TCP frame (EtherType
/// 0x0800 at bytes 12..14). Kills `start_one`'s `link_type == ETHERNET`
/// replaced with `!=` (it would read such a frame as Ethernet).
#[test]
fn unsupported_link_type_with_ethernet_bytes() {
    let mut f = Buf::new();
    f.put(&MAC_HEADER).put(&[0x08, 0x00]);
    ipv4_tcp(b"x", &mut f);
    // LINKTYPE_USER0 (147): private use, no format the decoder knows.
    for link_type in [LinkType(147), LinkType(148)] {
        assert_eq!(
            decode(link_type, f.as_slice()),
            Decoded::Error(DecodeError::UnsupportedLinkType(link_type))
        );
        assert_eq!(
            decode_all(link_type, f.as_slice()).collect::<std::vec::Vec<_>>(),
            [Decoded::Error(DecodeError::UnsupportedLinkType(link_type))]
        );
    }
    // The same bytes as Ethernet are a TCP segment.
    assert!(decode(LinkType::ETHERNET, f.as_slice()).tcp().is_some());
}

/// A layer that announces IPv6 (EtherType 0x86DD after a VLAN tag or in a
/// Linux cooked header, or link type 229) but carries an IPv4 header is a
/// malformed IPv6 header: version 4 where 6 is required (RFC 8200 §3;
/// tshark: "Bogus IPv6 version"). Kills `start_one`'s guard `ether_type ==
/// EtherType::IPV4` replaced with `true` and `common`'s `==` replaced with
/// `!=` (either reads the header as the IPv4 header it is).
#[test]
fn ipv6_announced_ipv4_found() {
    let mut ip = Buf::new();
    ipv4_tcp(b"v4", &mut ip);
    let mut vlan = Buf::new();
    vlan.put(&MAC_HEADER)
        .put(&[0x81, 0x00, 0, 1, 0x86, 0xDD])
        .put(ip.as_slice());
    let mut sll = Buf::new();
    sll.put(&[0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x86, 0xDD])
        .put(ip.as_slice());
    let mut sll2 = Buf::new();
    sll2.put(&[
        0x86, 0xDD, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0,
    ])
    .put(ip.as_slice());
    let cases = [
        (LinkType::ETHERNET, vlan.as_slice(), 18),
        (LinkType::LINUX_SLL, sll.as_slice(), 16),
        (LinkType::LINUX_SLL2, sll2.as_slice(), 20),
        (LinkType::IPV6, ip.as_slice(), 0),
    ];
    for (link_type, frame, offset) in cases {
        let expected = Decoded::Error(DecodeError::Malformed(Malformed {
            layer: Layer::Ipv6,
            offset,
            error: LayerError::Ip(IpError::VersionMismatch {
                expected: 6,
                found: 4,
            }),
        }));
        assert_eq!(decode(link_type, frame), expected, "{link_type}");
        assert_eq!(
            decode_all(link_type, frame).collect::<std::vec::Vec<_>>(),
            [expected],
            "{link_type}"
        );
    }
}

/// An EtherType that is neither IP nor a VLAN tag ends the walk, whatever
/// follows it: 0x88B5 (IEEE 802 local experimental EtherType 1) followed by
/// bytes that read like a VLAN tag announcing IPv4, and an IPv4 / TCP
/// packet (tshark: `eth:ethertype:data`). Kills `is_vlan` replaced with
/// `true` and the common path's `||` of its VLAN check replaced with `&&`
/// (either steps over the 4 bytes as a tag and finds the TCP segment).
#[test]
fn non_vlan_ethertype_is_not_stepped_over() {
    let mut ip = Buf::new();
    ipv4_tcp(b"exp", &mut ip);
    let mut eth = Buf::new();
    eth.put(&MAC_HEADER)
        .put(&[0x88, 0xB5, 0, 1, 0x08, 0x00])
        .put(ip.as_slice());
    let mut sll = Buf::new();
    sll.put(&[0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x88, 0xB5])
        .put(&[0, 1, 0x08, 0x00])
        .put(ip.as_slice());
    // After one real 802.1Q tag too.
    let mut tagged = Buf::new();
    tagged
        .put(&MAC_HEADER)
        .put(&[0x81, 0x00, 0, 1, 0x88, 0xB5, 0, 1, 0x08, 0x00])
        .put(ip.as_slice());
    for (link_type, frame) in [
        (LinkType::ETHERNET, eth.as_slice()),
        (LinkType::LINUX_SLL, sll.as_slice()),
        (LinkType::ETHERNET, tagged.as_slice()),
    ] {
        let expected = Decoded::NotTcp(NotTcp::EtherType(EtherType(0x88B5)));
        assert_eq!(decode(link_type, frame), expected, "{link_type}");
        assert_eq!(
            decode_all(link_type, frame).collect::<std::vec::Vec<_>>(),
            [expected]
        );
    }
}

/// An IPv4 header with `options` (a multiple of 4 bytes, RFC 791 §3.1) and
/// the given total length field, then TCP with `payload`.
fn ipv4_options_tcp(options: &[u8], total_length: Option<u16>, payload: &[u8], out: &mut Buf) {
    let ihl = 5 + options.len() / 4;
    let total = total_length.unwrap_or((ihl * 4 + 20 + payload.len()) as u16);
    out.put(&[0x40 | ihl as u8, 0])
        .put(&total.to_be_bytes())
        .put(&[0, 1, 0x40, 0, 64, 6, 0, 0]);
    out.put(&SRC4.octets()).put(&DST4.octets()).put(options);
    tcp_segment(V4, payload, out);
}

/// The common path takes raw IPv4 and IPv6 link types (228, 229, and the
/// raw IP types 12, 14, 101), IPv4 headers with options up to the largest
/// (IHL 5 to 15) and a total length of 0 (segmentation offload: the
/// captured bytes count, as Wireshark reads it); its answer is the general
/// walk's, and the TCP header starts after IHL × 4 bytes (RFC 791 §3.1).
/// Kills: `common_link`'s arms for LinkType::IPV4 and IPV6 deleted, the IHL
/// check `> 0x0A` replaced with `>=`, `* 4` of the header length replaced
/// with `/`, and `ip_end < header_len` replaced with `==` (each sends such
/// frames to the general walk: same answer, but not the common path).
#[test]
fn common_path_takes_raw_links_options_and_zero_length() {
    let mut ip6 = Buf::new();
    ipv6_header(20 + 2, 6, &mut ip6);
    tcp_segment(V6, b"v6", &mut ip6);
    let mut ip4 = Buf::new();
    ipv4_tcp(b"v4", &mut ip4);
    let raw = [
        (LinkType::IPV4, ip4.as_slice()),
        (LinkType::IPV6, ip6.as_slice()),
        (LinkType::RAW, ip4.as_slice()),
        (LinkType::RAW_LEGACY, ip6.as_slice()),
        (LinkType::RAW_OPENBSD, ip4.as_slice()),
    ];
    for (link_type, frame) in raw {
        let fast = common(link_type, frame).map(Decoded::Tcp);
        assert!(fast.is_some(), "{link_type}");
        assert_eq!(fast, Some(general_walk(link_type, frame, &mut None)));
        let p = tcp(decode(link_type, frame));
        assert_eq!(p.payload.len(), 2);
        assert_eq!(p.offset, if frame[0] >> 4 == 4 { 20 } else { 40 });
        assert_eq!(p.verify_checksum(), ChecksumStatus::Good);
    }
    // IPv4 options: 4 (IHL 6) and 40 (IHL 15) bytes of NOP (option 1),
    // and a total length of 0 (the datagram then ends with the capture).
    let nops = [1u8; 40];
    let cases: [(&[u8], Option<u16>, usize); 4] = [
        (&nops[..4], None, 14 + 24),
        (&nops[..], None, 14 + 60),
        (&[], Some(0), 14 + 20),
        (&nops[..8], Some(0), 14 + 28),
    ];
    for (options, total_length, tcp_at) in cases {
        let mut f = Buf::new();
        f.put(&MAC_HEADER).put(&[0x08, 0x00]);
        ipv4_options_tcp(options, total_length, b"opt", &mut f);
        let fast = common(LinkType::ETHERNET, f.as_slice()).map(Decoded::Tcp);
        assert!(fast.is_some(), "{} {total_length:?}", options.len());
        assert_eq!(
            fast,
            Some(general_walk(LinkType::ETHERNET, f.as_slice(), &mut None))
        );
        let p = tcp(decode(LinkType::ETHERNET, f.as_slice()));
        assert_eq!(p.offset, tcp_at);
        assert_eq!((p.payload, p.payload_len), (&b"opt"[..], 3));
        assert_eq!(p.ip_len as usize, tcp_at - 14 + 20 + 3);
        assert_eq!(p.verify_checksum(), ChecksumStatus::Good);
    }
}

/// IPv4 header fields the common path must not accept: a total length below
/// the header's (RFC 791 §3.1; tshark "Bogus IP length"), and a version
/// nibble of 5 in a header whose bytes would otherwise make an 84-byte
/// header followed by TCP (tshark "Bogus IPv4 version"). Kills `ip_end != 0`
/// replaced with `==` and the IHL check `> 0x0A` replaced with `==`.
#[test]
fn ipv4_header_faults_on_the_common_path() {
    let mut f = Buf::new();
    f.put(&MAC_HEADER).put(&[0x08, 0x00]);
    ipv4_options_tcp(&[], Some(19), b"", &mut f);
    assert_eq!(
        decode(LinkType::ETHERNET, f.as_slice()),
        Decoded::Error(DecodeError::Malformed(Malformed {
            layer: Layer::Ipv4,
            offset: 14 + 2,
            error: LayerError::Ip(IpError::Ipv4TotalLengthTooSmall {
                total_length: 19,
                header_len: 20,
            }),
        }))
    );
    // Version 5 with 64 bytes of "options" (0x55 - 0x45 = 16 words beyond 5).
    let mut f = Buf::new();
    f.put(&MAC_HEADER).put(&[0x08, 0x00]);
    ipv4_options_tcp(&[1; 64], None, b"", &mut f);
    f.bytes[14] = 0x55;
    assert_eq!(
        decode(LinkType::ETHERNET, f.as_slice()),
        Decoded::Error(DecodeError::Malformed(Malformed {
            layer: Layer::Ipv4,
            offset: 14,
            error: LayerError::Ip(IpError::VersionMismatch {
                expected: 4,
                found: 5,
            }),
        }))
    );
}

/// An IPv6 header with a version nibble of 5 (RFC 8200 §3 requires 6;
/// tshark "Bogus IPv6 version") and otherwise a TCP next header is
/// malformed. Kills `common_ipv6`'s first `||` replaced with `&&`.
#[test]
fn ipv6_version_nibble_on_the_common_path() {
    let mut f = Buf::new();
    f.put(&MAC_HEADER).put(&[0x86, 0xDD]);
    ipv6_header(20, 6, &mut f);
    tcp_segment(V6, b"", &mut f);
    f.bytes[14] = 0x50;
    assert_eq!(
        decode(LinkType::ETHERNET, f.as_slice()),
        Decoded::Error(DecodeError::Malformed(Malformed {
            layer: Layer::Ipv6,
            offset: 14,
            error: LayerError::Ip(IpError::VersionMismatch {
                expected: 6,
                found: 5,
            }),
        }))
    );
}

/// UDP (protocol 17) with a datagram long enough to be read as a TCP
/// header is UDP, over IPv4 and IPv6 (tshark: `ip:udp`, `ipv6:udp`). Kills
/// the `||`s of the common path's protocol checks replaced with `&&`.
#[test]
fn long_udp_is_not_read_as_tcp() {
    let udp = |out: &mut Buf| {
        out.put(&[0, 53, 0, 54, 0, 40, 0, 0]).put(&[0x50; 32]);
    };
    let mut f4 = Buf::new();
    f4.put(&MAC_HEADER).put(&[0x08, 0x00]);
    ipv4_header(40, 17, &mut f4);
    udp(&mut f4);
    let mut f6 = Buf::new();
    f6.put(&MAC_HEADER).put(&[0x86, 0xDD]);
    ipv6_header(40, 17, &mut f6);
    udp(&mut f6);
    for f in [&f4, &f6] {
        assert_eq!(
            decode(LinkType::ETHERNET, f.as_slice()),
            Decoded::NotTcp(NotTcp::Udp {
                source_port: 53,
                destination_port: 54
            })
        );
    }
}

/// A TCP header that the IP length holds exactly (20 bytes: IPv4 total
/// length 40) but the capture cut after 15 of them was whole on the wire:
/// a cut header, not a malformed one (RFC 9293 §3.1: the data offset is at
/// least 5 words, and the datagram has room for them). Kills `Walk::tcp`'s
/// `declared < TCP_MIN_HEADER_LEN` replaced with `<=`.
#[test]
fn tcp_header_cut_where_the_ip_length_just_holds_it() {
    let mut f = Buf::new();
    f.put(&MAC_HEADER).put(&[0x08, 0x00]);
    ipv4_tcp(b"", &mut f);
    assert_eq!(
        decode(LinkType::ETHERNET, &f.as_slice()[..34 + 15]),
        Decoded::Error(DecodeError::TcpCut(CutTcp {
            source: SocketAddr::new(SRC4.into(), 1025),
            destination: SocketAddr::new(DST4.into(), 80),
            seq: Some(SeqNum(1000)),
            ack: Some(SeqNum(7)),
            flags: Some(TcpFlags::ACK | TcpFlags::PSH),
            header_len: Some(20),
            window: None,
            declared_len: 20,
            offset: 34,
            captured: 15,
        }))
    );
}

/// What a segment and an ICMP message print: the segment's `Debug` names
/// both addresses of its IP header, an ICMP message's `Display` its
/// version, type and code (ICMP type 8 is an echo request, RFC 792; ICMPv6
/// type 1 code 4 "port unreachable", RFC 4443 §3.1). Kills `Addresses`'
/// `Debug` and `IcmpMessage`'s `Display` replaced with `Ok(Default::default())`,
/// and `Decoded::into_tcp` replaced with `None` or its `Tcp` arm deleted
/// (also caught by the corpus tests, which use it).
#[test]
fn segment_debug_and_icmp_display() {
    let mut f = Buf::new();
    ipv4_tcp(b"", &mut f);
    let p = tcp(decode(LinkType::RAW, f.as_slice()));
    // (`into_tcp` gives the same segment, and none for other answers.)
    assert_eq!(decode(LinkType::RAW, f.as_slice()).into_tcp(), Some(p));
    assert_eq!(decode(LinkType(147), f.as_slice()).into_tcp(), None);
    let debug = std::format!("{p:?}");
    assert!(
        debug.contains("source: 192.0.2.1") && debug.contains("destination: 198.51.100.2"),
        "{debug}"
    );
    assert_eq!(
        std::format!(
            "{}",
            NotTcp::Icmp(IcmpMessage::V4 {
                icmp_type: 8,
                code: 0
            })
        ),
        "ICMP type 8 code 0"
    );
    assert_eq!(
        std::format!(
            "{}",
            IcmpMessage::V6 {
                icmp_type: 1,
                code: 4
            }
        ),
        "ICMPv6 type 1 code 4"
    );
}
