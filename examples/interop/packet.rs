//! Segments to IPv4 packets and back. [`ip_packet`] is the ONE place that turns a
//! [`Segment`] from the state machine into bytes for the TUN device: it adds the
//! ports, the payload, the TCP options the segment names, the IPv4 header and both
//! checksums — nothing else. (When the wire layer gains an owned segment + 4-tuple →
//! IP packet builder, this function becomes a call to it.)

use std::net::Ipv4Addr;
use std::time::Duration;

use synack::segment::Segment;
use synack::track::{AnalysisFlags, Tracker};
use synack::wire::{self, Decoded, LinkType, PseudoHeader, TcpHeader, TcpOption};

/// Addresses and ports of one direction.
#[derive(Clone, Copy, Debug)]
pub struct Flow {
    /// Source address.
    pub src: Ipv4Addr,
    /// Source port.
    pub sport: u16,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// Destination port.
    pub dport: u16,
}

/// The IPv4 packet carrying `seg` with `payload` (which must be `seg.payload_len`
/// bytes) from `flow.src:sport` to `flow.dst:dport`; `id` is the IP identification.
pub fn ip_packet(flow: Flow, seg: &Segment, payload: &[u8], id: u16) -> Result<Vec<u8>, String> {
    let mut tcp = TcpHeader::new(flow.sport, flow.dport, seg.seq, seg.flags);
    tcp.acknowledgment_number = seg.ack;
    tcp.window_size = seg.window;
    let o = &seg.options;
    let mut push = |opt: TcpOption<'_>| tcp.options.push(&opt).map_err(|e| e.to_string());
    if let Some(mss) = o.mss {
        push(TcpOption::Mss(mss))?;
    }
    if let Some(shift) = o.window_scale {
        push(TcpOption::WindowScale(shift))?;
    }
    if o.sack_permitted {
        push(TcpOption::SackPermitted)?;
    }
    if let Some((value, echo_reply)) = o.timestamps {
        push(TcpOption::Timestamps { value, echo_reply })?;
    }
    let pseudo = PseudoHeader::V4 {
        source: flow.src,
        destination: flow.dst,
    };
    let mut buf = vec![0u8; 20 + tcp.header_len() + payload.len()];
    let tcp_len = tcp
        .write_with_checksum(&mut buf[20..], &pseudo, payload)
        .map_err(|e| e.to_string())?;
    let total = u16::try_from(20 + tcp_len).map_err(|_| "packet too long".to_string())?;
    let ip = &mut buf[..20];
    ip[0] = 0x45; // version 4, header length 5 words
    ip[2..4].copy_from_slice(&total.to_be_bytes());
    ip[4..6].copy_from_slice(&id.to_be_bytes());
    ip[6] = 0x40; // don't fragment
    ip[8] = 64; // TTL
    ip[9] = 6; // TCP
    ip[12..16].copy_from_slice(&flow.src.octets());
    ip[16..20].copy_from_slice(&flow.dst.octets());
    let checksum = wire::internet_checksum(ip);
    ip[10..12].copy_from_slice(&checksum.to_be_bytes());
    Ok(buf)
}

/// A TCP segment read from the TUN device: its flow, the segment and its payload.
pub struct Received {
    /// Addresses and ports.
    pub flow: Flow,
    /// The numbers the state machine reads.
    pub seg: Segment,
    /// The payload bytes.
    pub payload: Vec<u8>,
    /// How many SACK blocks (RFC 2018) the segment carries.
    pub sack_blocks: usize,
}

/// Decodes a raw IP packet from the TUN device; `None` for anything but an IPv4
/// TCP segment.
pub fn decode(packet: &[u8]) -> Option<Received> {
    let Decoded::Tcp(p) = wire::decode(LinkType::RAW, packet) else {
        return None;
    };
    let (std::net::SocketAddr::V4(src), std::net::SocketAddr::V4(dst)) =
        (p.source(), p.destination())
    else {
        return None;
    };
    Some(Received {
        flow: Flow {
            src: *src.ip(),
            sport: src.port(),
            dst: *dst.ip(),
            dport: dst.port(),
        },
        seg: Segment::from_packet(&p),
        payload: p.payload.to_vec(),
        sack_blocks: p
            .header
            .options()
            .map_while(Result::ok)
            .map(|o| match o {
                TcpOption::Sack(blocks) => blocks.len(),
                _ => 0,
            })
            .sum(),
    })
}

/// Tracks a raw IP packet with the crate's connection tracker (`frame` is its
/// 1-based number on the TUN device, `now` its capture time); the analysis
/// Wireshark's rules give it, or `None` for anything but a TCP segment.
pub fn track(
    tracker: &mut Tracker,
    frame: u64,
    now: Duration,
    packet: &[u8],
) -> Option<AnalysisFlags> {
    let Decoded::Tcp(p) = wire::decode(LinkType::RAW, packet) else {
        return None;
    };
    Some(tracker.track(frame, now, &p).analysis.flags)
}
