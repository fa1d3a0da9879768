//! Building whole IPv4/IPv6 packets from a [`Segment`]: [`IpTcpBuilder`].

use core::net::{IpAddr, SocketAddr};

use crate::segment::Segment;
use crate::wire::{BuildError, TcpHeader};
use crate::wire::{PseudoHeader, internet_checksum};

/// Length of an IPv4 header without options.
pub const IPV4_HEADER_LEN: usize = 20;
/// Length of the IPv6 fixed header.
pub const IPV6_HEADER_LEN: usize = 40;
/// IP protocol number of TCP.
const PROTOCOL_TCP: u8 = 6;

/// Byte ranges of the IPv4 header fields written (RFC 791 §3.1).
mod ipv4 {
    use core::ops::Range;
    pub const VERSION_IHL: usize = 0;
    pub const TOS: usize = 1;
    pub const TOTAL_LEN: Range<usize> = 2..4;
    pub const IDENTIFICATION: Range<usize> = 4..6;
    pub const FLAGS_FRAGMENT: Range<usize> = 6..8;
    pub const TTL: usize = 8;
    pub const PROTOCOL: usize = 9;
    pub const CHECKSUM: Range<usize> = 10..12;
    pub const SOURCE: Range<usize> = 12..16;
    pub const DESTINATION: Range<usize> = 16..20;
    /// The Don't Fragment bit of the flags and fragment offset word.
    pub const DONT_FRAGMENT: u16 = 0x4000;
}

/// Byte ranges of the IPv6 fixed header (RFC 8200 §3).
mod ipv6 {
    use core::ops::Range;
    pub const VERSION_CLASS_FLOW: Range<usize> = 0..4;
    pub const PAYLOAD_LEN: Range<usize> = 4..6;
    pub const NEXT_HEADER: usize = 6;
    pub const HOP_LIMIT: usize = 7;
    pub const SOURCE: Range<usize> = 8..24;
    pub const DESTINATION: Range<usize> = 24..40;
}

/// From state to bytes: [`IpTcpBuilder`] turns a [`Segment`] — what an
/// [`Endpoint`](crate::state::Endpoint) replies, or any segment made by hand —
/// plus its addresses and payload into a TCP segment with a correct checksum, or
/// into a whole IPv4 or IPv6 packet, in one call and without allocating.
///
/// A `Segment` has no ports or addresses; the builder holds them (two
/// [`SocketAddr`]s of the same IP version) and the few IP header fields a sender
/// chooses: TTL / hop limit, the IPv4 identification and Don't Fragment bit, the
/// DSCP/ECN byte and the IPv6 flow label. The TCP header is
/// [`TcpHeader::from_segment`]: the segment's numbers, flags and window, and its
/// options (MSS, SACK-permitted, timestamps, window scale) laid out as Linux
/// lays them out.
///
/// ```
/// use core::net::SocketAddr;
/// use synack::{flags::TcpFlags, segment::Segment, seq::SeqNum};
/// use synack::segment::SynOptions;
/// use synack::wire::{IpTcpBuilder, LinkType, Decoded, ChecksumStatus, decode};
///
/// let builder = IpTcpBuilder::new(
///     "10.77.0.1:46882".parse::<SocketAddr>().unwrap(),
///     "10.77.0.2:80".parse::<SocketAddr>().unwrap(),
/// );
/// let syn = Segment::new(SeqNum(179603736), SeqNum(0), TcpFlags::SYN)
///     .with_window(64240)
///     .with_options(SynOptions { mss: Some(1460), window_scale: Some(10), ..SynOptions::default() });
/// let mut buf = [0u8; 128];
/// let n = builder.write_ip_packet(&syn, &[], &mut buf).unwrap();
/// assert_eq!(n, 20 + 28);                       // IPv4 header, TCP header with 8 option bytes
///
/// let Decoded::Tcp(packet) = decode(LinkType::RAW, &buf[..n]) else { panic!() };
/// assert_eq!(packet.verify_checksum(), ChecksumStatus::Good);
/// assert_eq!(Segment::from_packet(&packet), syn);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IpTcpBuilder {
    /// Source address and port.
    pub source: SocketAddr,
    /// Destination address and port (same IP version as `source`).
    pub destination: SocketAddr,
    /// IPv4 TTL or IPv6 hop limit (default 64).
    pub hop_limit: u8,
    /// IPv4 identification (default 0; with Don't Fragment set, RFC 6864 lets it be anything).
    pub identification: u16,
    /// IPv4 Don't Fragment bit (default set, as TCP stacks send).
    pub dont_fragment: bool,
    /// The IPv4 type-of-service / IPv6 traffic class byte: DSCP and ECN (default 0).
    pub dscp_ecn: u8,
    /// IPv6 flow label; only its low 20 bits are written (default 0).
    pub flow_label: u32,
}

impl IpTcpBuilder {
    /// A builder from `source` to `destination` with the default IP fields.
    pub const fn new(source: SocketAddr, destination: SocketAddr) -> Self {
        IpTcpBuilder {
            source,
            destination,
            hop_limit: 64,
            identification: 0,
            dont_fragment: true,
            dscp_ecn: 0,
            flow_label: 0,
        }
    }

    /// The same builder for the other direction (addresses swapped, IP fields kept).
    pub const fn reversed(self) -> Self {
        IpTcpBuilder {
            source: self.destination,
            destination: self.source,
            ..self
        }
    }

    /// The pseudo-header the TCP checksum covers, or
    /// [`BuildError::AddressFamilyMismatch`] when one address is IPv4 and the other IPv6.
    pub fn pseudo_header(&self) -> Result<PseudoHeader, BuildError> {
        match (self.source.ip(), self.destination.ip()) {
            (IpAddr::V4(source), IpAddr::V4(destination)) => Ok(PseudoHeader::V4 {
                source,
                destination,
            }),
            (IpAddr::V6(source), IpAddr::V6(destination)) => Ok(PseudoHeader::V6 {
                source,
                destination,
            }),
            _ => Err(BuildError::AddressFamilyMismatch),
        }
    }

    /// The TCP header of `segment` between these ports (checksum field 0).
    pub fn tcp_header(&self, segment: &Segment) -> TcpHeader {
        TcpHeader::from_segment(segment, self.source.port(), self.destination.port())
    }

    /// Length of the IP header this builder writes (20 for IPv4, 40 for IPv6).
    pub fn ip_header_len(&self) -> usize {
        match self.source {
            SocketAddr::V4(_) => IPV4_HEADER_LEN,
            SocketAddr::V6(_) => IPV6_HEADER_LEN,
        }
    }

    /// Writes `segment`'s TCP header and `payload` into `buf`, with the checksum
    /// over the pseudo-header, and returns the segment's length.
    ///
    /// `payload` must be `segment.payload_len` bytes
    /// ([`BuildError::PayloadLenMismatch`] otherwise).
    pub fn write_tcp_segment(
        &self,
        segment: &Segment,
        payload: &[u8],
        buf: &mut [u8],
    ) -> Result<usize, BuildError> {
        check_payload(segment, payload)?;
        let pseudo = self.pseudo_header()?;
        self.tcp_header(segment)
            .write_with_checksum(buf, &pseudo, payload)
    }

    /// Writes a whole IP packet into `buf` — the IPv4 header (total length,
    /// identification, flags, TTL, protocol 6, header checksum) or the IPv6 fixed
    /// header (payload length, next header 6, hop limit), then the TCP segment as
    /// [`write_tcp_segment`](Self::write_tcp_segment) writes it — and returns its length.
    pub fn write_ip_packet(
        &self,
        segment: &Segment,
        payload: &[u8],
        buf: &mut [u8],
    ) -> Result<usize, BuildError> {
        check_payload(segment, payload)?;
        let pseudo = self.pseudo_header()?;
        let header = self.tcp_header(segment);
        let ip_len = self.ip_header_len();
        let tcp_len = header.header_len() + payload.len();
        let total = ip_len + tcp_len;
        let available = buf.len();
        let (ip, tcp) = buf
            .get_mut(..total)
            .ok_or(BuildError::BufferTooSmall {
                required: total,
                available,
            })?
            .split_at_mut(ip_len);
        header.write_with_checksum(tcp, &pseudo, payload)?;
        match pseudo {
            PseudoHeader::V4 {
                source,
                destination,
            } => {
                let total_len =
                    u16::try_from(total).map_err(|_| BuildError::PacketTooLong { len: total })?;
                let flags = if self.dont_fragment {
                    ipv4::DONT_FRAGMENT
                } else {
                    0
                };
                ip[ipv4::VERSION_IHL] = 0x40 | (IPV4_HEADER_LEN / 4) as u8;
                ip[ipv4::TOS] = self.dscp_ecn;
                ip[ipv4::TOTAL_LEN].copy_from_slice(&total_len.to_be_bytes());
                ip[ipv4::IDENTIFICATION].copy_from_slice(&self.identification.to_be_bytes());
                ip[ipv4::FLAGS_FRAGMENT].copy_from_slice(&flags.to_be_bytes());
                ip[ipv4::TTL] = self.hop_limit;
                ip[ipv4::PROTOCOL] = PROTOCOL_TCP;
                ip[ipv4::CHECKSUM].fill(0);
                ip[ipv4::SOURCE].copy_from_slice(&source.octets());
                ip[ipv4::DESTINATION].copy_from_slice(&destination.octets());
                let checksum = internet_checksum(ip);
                ip[ipv4::CHECKSUM].copy_from_slice(&checksum.to_be_bytes());
            }
            PseudoHeader::V6 {
                source,
                destination,
            } => {
                // `write_with_checksum` refused segments over 65535 bytes.
                let payload_len =
                    u16::try_from(tcp_len).map_err(|_| BuildError::PacketTooLong { len: total })?;
                let first = 6 << 28 | (self.dscp_ecn as u32) << 20 | (self.flow_label & 0xf_ffff);
                ip[ipv6::VERSION_CLASS_FLOW].copy_from_slice(&first.to_be_bytes());
                ip[ipv6::PAYLOAD_LEN].copy_from_slice(&payload_len.to_be_bytes());
                ip[ipv6::NEXT_HEADER] = PROTOCOL_TCP;
                ip[ipv6::HOP_LIMIT] = self.hop_limit;
                ip[ipv6::SOURCE].copy_from_slice(&source.octets());
                ip[ipv6::DESTINATION].copy_from_slice(&destination.octets());
            }
        }
        Ok(total)
    }
}

/// The payload must be the length the segment declares.
fn check_payload(segment: &Segment, payload: &[u8]) -> Result<(), BuildError> {
    if u32::try_from(payload.len()) == Ok(segment.payload_len) {
        Ok(())
    } else {
        Err(BuildError::PayloadLenMismatch {
            declared: segment.payload_len,
            given: payload.len(),
        })
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::flags::TcpFlags;
    use crate::segment::SynOptions;
    use crate::seq::SeqNum;
    use crate::wire::TcpHeaderSlice;

    fn v4() -> IpTcpBuilder {
        IpTcpBuilder::new(
            "10.77.0.1:46882".parse().unwrap(),
            "10.77.0.2:80".parse().unwrap(),
        )
    }

    /// Frame 1 of tests/data/http-image.pcap, the SYN, from its `Segment`: the TCP
    /// bytes are the captured ones (checksum 0x0f01 included). The IPv4 header is
    /// the captured one except identification (tshark: ip.id 0x41f7) and its
    /// checksum; with that id set, it matches too (ip.checksum 0xe428).
    #[test]
    fn the_real_syn_from_its_segment() {
        let syn = Segment::new(SeqNum(179603736), SeqNum(0), TcpFlags::SYN)
            .with_window(64240)
            .with_options(SynOptions {
                mss: Some(1460),
                window_scale: Some(10),
                sack_permitted: true,
                timestamps: Some((4006145894, 0)),
            });
        let mut b = v4();
        let mut buf = [0u8; 100];
        assert_eq!(b.write_tcp_segment(&syn, &[], &mut buf), Ok(40));
        assert_eq!(buf[..40], crate::testdata::HTTP_IMAGE_SYN);
        b.identification = 0x41f7;
        assert_eq!(b.write_ip_packet(&syn, &[], &mut buf), Ok(60));
        assert_eq!(
            buf[..20],
            [
                0x45, 0, 0, 60, 0x41, 0xf7, 0x40, 0, 64, 6, 0xe4, 0x28, 10, 77, 0, 1, 10, 77, 0, 2
            ]
        );
        assert_eq!(buf[20..60], crate::testdata::HTTP_IMAGE_SYN);
        assert_eq!(internet_checksum(&buf[..20]), 0);
    }

    #[test]
    fn ipv6_header_fields() {
        let mut b = IpTcpBuilder::new(
            "[2001:db8::1]:1025".parse().unwrap(),
            "[2001:db8::2]:80".parse().unwrap(),
        );
        b.hop_limit = 255;
        b.dscp_ecn = 0xb8;
        b.flow_label = 0xfff_12345; // only the low 20 bits go out
        let seg = Segment::new(SeqNum(1), SeqNum(2), TcpFlags::ACK | TcpFlags::PSH).with_len(3);
        let mut buf = [0u8; 100];
        let n = b.write_ip_packet(&seg, b"abc", &mut buf).unwrap();
        assert_eq!(n, 40 + 20 + 3);
        assert_eq!(buf[..8], [0x6b, 0x81, 0x23, 0x45, 0, 23, 6, 255]);
        assert_eq!(
            buf[8..24],
            "2001:db8::1"
                .parse::<core::net::Ipv6Addr>()
                .unwrap()
                .octets()
        );
        assert_eq!(
            buf[24..40],
            "2001:db8::2"
                .parse::<core::net::Ipv6Addr>()
                .unwrap()
                .octets()
        );
        let tcp = TcpHeaderSlice::from_slice(&buf[40..n]).unwrap();
        assert_eq!((tcp.source_port(), tcp.destination_port()), (1025, 80));
        assert!(b.pseudo_header().unwrap().verify_tcp(&buf[40..n]));
        assert_eq!(b.reversed().source, b.destination);
    }

    #[test]
    fn each_build_error() {
        let seg = Segment::new(SeqNum(1), SeqNum(2), TcpFlags::ACK).with_len(2);
        let mut buf = [0u8; 100];
        assert_eq!(
            v4().write_ip_packet(&seg, b"a", &mut buf),
            Err(BuildError::PayloadLenMismatch {
                declared: 2,
                given: 1
            })
        );
        let mixed = IpTcpBuilder::new("10.0.0.1:1".parse().unwrap(), "[::1]:2".parse().unwrap());
        assert_eq!(
            mixed.write_tcp_segment(&seg, b"ab", &mut buf),
            Err(BuildError::AddressFamilyMismatch)
        );
        assert_eq!(
            v4().write_ip_packet(&seg, b"ab", &mut buf[..41]),
            Err(BuildError::BufferTooSmall {
                required: 42,
                available: 41
            })
        );
        extern crate std;
        let payload = std::vec![0u8; 65535 - 20];
        let big = Segment::new(SeqNum(1), SeqNum(2), TcpFlags::ACK).with_len(65535 - 20);
        let mut out = std::vec![0u8; 70000];
        // The TCP segment fits 65535 bytes, the IPv4 packet does not.
        assert_eq!(v4().write_tcp_segment(&big, &payload, &mut out), Ok(65535));
        assert_eq!(
            v4().write_ip_packet(&big, &payload, &mut out),
            Err(BuildError::PacketTooLong { len: 65555 })
        );
    }
}
