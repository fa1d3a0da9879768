#![no_main]
//! Fuzzes [`Tracker`] with arbitrary frames in arbitrary order at arbitrary times
//! (the clock may step back), with a small connection limit.
//!
//! The input is read as a script: a header (limit of 1 to 8 connections, idle
//! timeout, MSL), then operations: a raw frame of one of several link types
//! (decoded with `wire::decode_all`, so A-MSDU frames may hold several segments;
//! a TCP header the snapshot length cut goes to `Tracker::track_cut` and
//! `ZeekSessions::on_cut_header`),
//! a synthesized IPv4/IPv6 TCP segment between a few hosts and ports (so that
//! connections collide, reuse ports and get evicted; a quarter of them cut inside
//! the TCP header, as a snapshot length would), time passing, and
//! `advance_time`.
//!
//! Checked after every call: nothing panics; `len() <= max_connections`; every
//! connection that leaves the table yields exactly one event, and at the end
//! (`finish`) every stream ever seen has yielded exactly one; a tracked
//! segment's relative seq/ack are its raw numbers minus the connection's bases,
//! and `next_seq` is `seq + len` (+1 for SYN, +1 for FIN).
//!
//! The same segments go to a [`ZeekSessions`] (Zeek's connection table): no
//! panic, and after `finish` it is empty and its records hold no more packets
//! than were fed.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use synack::flags::TcpFlags;
use synack::track::zeek::{ZeekConfig, ZeekSegment, ZeekSessions};
use synack::track::{Tracker, TrackerConfig};
use synack::wire::{DecodeError, Decoded, LinkType, decode_all};

#[path = "../../tests/common/fuzz_bytes.rs"]
mod fuzz_bytes;
use fuzz_bytes::FuzzBytes as Input;

const LINKS: [LinkType; 6] = [
    LinkType::ETHERNET,
    LinkType::RAW,
    LinkType::IPV4,
    LinkType::IPV6,
    LinkType::LINUX_SLL,
    LinkType::NULL,
];

fn checksum(data: &[u8]) -> u16 {
    let mut sum = 0u32;
    for pair in data.chunks(2) {
        let word = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
        sum += u32::from(word);
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An IP packet holding a TCP segment between hosts of a small pool, sometimes cut
/// inside the TCP header.
fn synthesize(input: &mut Input<'_>) -> Vec<u8> {
    let pick = input.u8();
    let (src, dst) = (pick & 3, (pick >> 2) & 3);
    let v6 = pick & 0x10 != 0;
    let ports = [80u16, 443, 40000, 40001];
    let sport = ports[usize::from((pick >> 5) & 3)];
    let dport = ports[usize::from(input.u8() & 3)];
    let seq = input.u32();
    let ack = input.u32();
    let flags = input.u16() & 0x0fff;
    let window = input.u16();
    let payload_len = usize::from(input.u8() % 64);
    let mut tcp = Vec::with_capacity(20 + payload_len);
    tcp.extend_from_slice(&sport.to_be_bytes());
    tcp.extend_from_slice(&dport.to_be_bytes());
    tcp.extend_from_slice(&seq.to_be_bytes());
    tcp.extend_from_slice(&ack.to_be_bytes());
    tcp.extend_from_slice(&((5u16 << 12) | flags).to_be_bytes());
    tcp.extend_from_slice(&window.to_be_bytes());
    tcp.extend_from_slice(&[0, 0, 0, 0]);
    tcp.extend(std::iter::repeat_n(0xab, payload_len));
    let host = |n: u8| -> IpAddr {
        if v6 {
            IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, u16::from(n) + 1))
        } else {
            IpAddr::V4(Ipv4Addr::new(10, 0, 0, n + 1))
        }
    };
    let (s, d) = (host(src), host(dst));
    // A right checksum most of the time, a wrong one sometimes.
    let mut pseudo = Vec::new();
    match (s, d) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            pseudo.extend_from_slice(&a.octets());
            pseudo.extend_from_slice(&b.octets());
            pseudo.extend_from_slice(&[0, 6]);
            pseudo.extend_from_slice(&(tcp.len() as u16).to_be_bytes());
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            pseudo.extend_from_slice(&a.octets());
            pseudo.extend_from_slice(&b.octets());
            pseudo.extend_from_slice(&(tcp.len() as u32).to_be_bytes());
            pseudo.extend_from_slice(&[0, 0, 0, 6]);
        }
        _ => {}
    }
    pseudo.extend_from_slice(&tcp);
    let mut sum = checksum(&pseudo);
    if pick & 0x80 != 0 && flags & 0x800 != 0 {
        sum ^= 1;
    }
    tcp[16..18].copy_from_slice(&sum.to_be_bytes());
    let mut packet = Vec::new();
    match (s, d) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let total = (20 + tcp.len()) as u16;
            let mut h = [0u8; 20];
            h[0] = 0x45;
            h[2..4].copy_from_slice(&total.to_be_bytes());
            h[8] = 64;
            h[9] = 6;
            h[12..16].copy_from_slice(&a.octets());
            h[16..20].copy_from_slice(&b.octets());
            let c = checksum(&h);
            h[10..12].copy_from_slice(&c.to_be_bytes());
            packet.extend_from_slice(&h);
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            let mut h = [0u8; 40];
            h[0] = 0x60;
            h[4..6].copy_from_slice(&(tcp.len() as u16).to_be_bytes());
            h[6] = 6;
            h[7] = 64;
            h[8..24].copy_from_slice(&a.octets());
            h[24..40].copy_from_slice(&b.octets());
            packet.extend_from_slice(&h);
        }
        _ => {}
    }
    packet.extend_from_slice(&tcp);
    // A quarter of the packets cut by a snapshot length inside the TCP header (the
    // IP header still declares the whole segment): `Tracker::track_cut`'s input.
    let cut = input.u8();
    if cut & 0xc0 == 0xc0 {
        let ip_len = if v6 { 40 } else { 20 };
        packet.truncate(ip_len + usize::from(cut % 20));
    }
    packet
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let max_connections = usize::from(input.u8() % 8) + 1;
    let config = TrackerConfig {
        max_connections,
        idle_timeout: Duration::from_millis(u64::from(input.u16()) * 10),
        msl: Duration::from_millis(u64::from(input.u16()) * 10),
        ..TrackerConfig::default()
    };
    let mut tracker = Tracker::new(config);
    let mut now = Duration::from_secs(1_000_000);
    let mut frame = 0u64;
    // Streams seen in tracked segments, and streams reported by an event.
    let mut seen: HashSet<u64> = HashSet::new();
    let mut reported: HashMap<u64, u32> = HashMap::new();
    let mut zeek = ZeekSessions::new(ZeekConfig {
        ignore_checksums: data.first().is_some_and(|b| b & 0x80 != 0),
        ..ZeekConfig::default()
    });
    let mut fed = 0u64;
    let mut zeek_packets = 0u64;

    let drain = |tracker: &mut Tracker, reported: &mut HashMap<u64, u32>| {
        while let Some(event) = tracker.poll_event() {
            let n = reported.entry(event.summary().stream).or_default();
            *n += 1;
            assert_eq!(*n, 1, "stream {} reported twice", event.summary().stream);
        }
    };

    while !input.is_empty() {
        let op = input.u8();
        // Time: forward mostly, sometimes backward, by up to ~65 s.
        let step = Duration::from_millis(u64::from(input.u16()));
        if op & 0x40 != 0 {
            now = now.saturating_sub(step);
        } else {
            now = now.saturating_add(step);
        }
        let (link, bytes) = match op % 4 {
            0 => {
                tracker.advance_time(now);
                assert!(tracker.len() <= max_connections);
                drain(&mut tracker, &mut reported);
                continue;
            }
            1 => {
                let link = LINKS[usize::from(input.u8()) % LINKS.len()];
                let len = usize::from(input.u8());
                (link, input.bytes(len).to_vec())
            }
            _ => {
                let packet = synthesize(&mut input);
                let link = if packet.first().is_some_and(|b| b >> 4 == 6) {
                    LinkType::IPV6
                } else {
                    LinkType::RAW
                };
                (link, packet)
            }
        };
        frame += 1;
        for decoded in decode_all(link, &bytes) {
            if let Decoded::Error(DecodeError::TcpCut(cut)) = &decoded {
                // A header the snapshot length cut: Zeek may open a connection for
                // it, the tracker may give it a stream (tshark's rules).
                zeek.on_cut_header(cut, now);
                if let Some(t) = tracker.track_cut(frame, now, cut) {
                    assert!(tracker.len() <= max_connections);
                    assert!(!reported.contains_key(&t.stream), "cut: stream reported");
                    seen.insert(t.stream);
                    let flags = cut.flags.unwrap_or_default();
                    let extra = u32::from(flags.contains(TcpFlags::SYN))
                        + u32::from(flags.contains(TcpFlags::FIN));
                    assert_eq!(
                        t.next_seq,
                        t.seq.wrapping_add(t.len).wrapping_add(extra),
                        "cut: next_seq"
                    );
                }
                drain(&mut tracker, &mut reported);
                continue;
            }
            let Some(packet) = decoded.tcp() else {
                continue;
            };
            fed += 1;
            let zseg = ZeekSegment::from_packet(packet, &bytes);
            zeek.on_segment(packet.source(), packet.destination(), &zseg, now);
            while let Some(r) = zeek.pop_finished() {
                zeek_packets += r.summary.orig_pkts + r.summary.resp_pkts;
                let _ = r.summary.history.as_str();
            }
            let t = tracker.track(frame, now, packet);
            assert!(
                tracker.len() <= max_connections,
                "{} > {max_connections}",
                tracker.len()
            );
            assert!(
                !reported.contains_key(&t.stream),
                "stream {} reported before its end",
                t.stream
            );
            seen.insert(t.stream);
            let flags = packet.header.flags();
            let raw_seq = packet.header.sequence_number().0;
            let raw_ack = packet.header.acknowledgment_number().0;
            let extra =
                u32::from(flags.contains(TcpFlags::SYN)) + u32::from(flags.contains(TcpFlags::FIN));
            assert_eq!(
                t.next_seq,
                t.seq.wrapping_add(t.len).wrapping_add(extra),
                "next_seq"
            );
            if let Some(conn) = tracker.connection(t.conn) {
                if let Some(base) = conn.base(t.side) {
                    assert_eq!(t.seq, raw_seq.wrapping_sub(base.0), "relative seq");
                }
                if let (Some(ack), Some(base)) = (t.ack, conn.base(t.side.peer())) {
                    assert_eq!(ack, raw_ack.wrapping_sub(base.0), "relative ack");
                }
            }
            drain(&mut tracker, &mut reported);
        }
    }
    tracker.finish();
    drain(&mut tracker, &mut reported);
    zeek.finish();
    while let Some(r) = zeek.pop_finished() {
        zeek_packets += r.summary.orig_pkts + r.summary.resp_pkts;
    }
    assert!(zeek.is_empty());
    assert!(zeek_packets <= fed, "{zeek_packets} > {fed}");
    assert_eq!(tracker.len(), 0);
    for stream in &seen {
        assert_eq!(
            reported.get(stream),
            Some(&1),
            "stream {stream} without its event"
        );
    }
});
