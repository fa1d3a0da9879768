//! Decode speed, like for like: every frame of a capture decoded to its TCP
//! segment by `synack::wire::decode` (which does not verify the checksum, like
//! tshark by default) and sliced by etherparse's `SlicedPacket::from_ethernet`,
//! in the same criterion group, counted in frames per second.
//!
//! Each side reads what a consumer reads — the connection's 4-tuple (both IP
//! addresses and both ports: what a tracker keys on), sequence and
//! acknowledgment numbers, the flags, the window and the payload length — and
//! adds them into one sum that goes to `black_box`; no struct is black-boxed
//! unread. (etherparse hands the addresses over as header slices read on
//! demand, synack keeps them in the segment and makes `SocketAddr`s on demand
//! with `source()`/`destination()`: reading them on both sides makes the work
//! the same.) The frames are read from the capture into memory first, so the
//! group times decoding only.
//!
//! Captures (all Ethernet): `tests/data/http-image.pcap` (bundled) and, from
//! `$SYNACK_CORPUS/captures` (or `../shared` beside the repository) when
//! present, `bulk-loss.pcap`, `bulk-loss-heavy.pcap`, `many-conns.pcap`,
//! `ipv6-http.pcap`.
//!
//! Groups:
//! * `decode` — `synack`: `decode`; `etherparse`: `SlicedPacket::from_ethernet`;
//!   `synack+checksum`: `decode` then `DecodedSegment::verify_checksum` (what
//!   checking every checksum costs on top);
//! * `replay` — `CaptureReader` over the in-memory file with and without
//!   `decode`, in bytes of the file per second.
//!
//! `cargo bench --bench replay -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use synack::capture::CaptureReader;
use synack::wire::{Decoded, LinkType, decode};

/// The captures to replay: (name, file bytes).
fn captures() -> Vec<(&'static str, Vec<u8>)> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![(
        "http-image",
        std::fs::read(manifest.join("tests/data/http-image.pcap")).expect("bundled capture"),
    )];
    let corpus = std::env::var_os("SYNACK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../shared"));
    for name in ["bulk-loss", "bulk-loss-heavy", "many-conns", "ipv6-http"] {
        match std::fs::read(corpus.join(format!("captures/{name}.pcap"))) {
            Ok(bytes) => out.push((name, bytes)),
            Err(e) => eprintln!(
                "note: {name}.pcap not benchmarked ({}: {e}); set SYNACK_CORPUS",
                corpus.display()
            ),
        }
    }
    out
}

/// The Ethernet frames of a capture, in memory.
fn frames(file: &[u8]) -> Vec<Vec<u8>> {
    let mut reader = CaptureReader::new(file).expect("capture header");
    let mut out = Vec::new();
    while let Some(record) = reader.next_record() {
        let record = record.expect("record");
        assert_eq!(
            record.link_type,
            LinkType::ETHERNET,
            "Ethernet captures only"
        );
        out.push(record.data.to_vec());
    }
    out
}

/// An address folded to 64 bits (an IPv6 address's two halves).
#[inline(always)]
fn address_bits(address: IpAddr) -> u64 {
    match address {
        IpAddr::V4(a) => u64::from(a.to_bits()),
        IpAddr::V6(a) => {
            let bits = a.to_bits();
            (bits as u64) ^ ((bits >> 64) as u64)
        }
    }
}

/// The values a consumer reads, added up.
#[inline(always)]
fn sum(
    addresses: (IpAddr, IpAddr),
    ports: (u16, u16),
    seq: u32,
    ack: u32,
    flags: u16,
    window: u16,
    payload: usize,
) -> u64 {
    address_bits(addresses.0)
        .wrapping_add(address_bits(addresses.1))
        .wrapping_add(u64::from(ports.0))
        .wrapping_add(u64::from(ports.1))
        .wrapping_add(u64::from(seq))
        .wrapping_add(u64::from(ack))
        .wrapping_add(u64::from(flags))
        .wrapping_add(u64::from(window))
        .wrapping_add(payload as u64)
}

/// synack: `decode` of every frame, without checksum verification.
fn synack_decode(frames: &[Vec<u8>]) -> u64 {
    let mut total = 0u64;
    for frame in frames {
        if let Decoded::Tcp(p) = decode(LinkType::ETHERNET, frame) {
            let h = &p.header;
            total = total.wrapping_add(sum(
                (p.source().ip(), p.destination().ip()),
                (h.source_port(), h.destination_port()),
                h.sequence_number().0,
                h.acknowledgment_number().0,
                h.flags().bits(),
                h.window_size(),
                p.payload.len(),
            ));
        }
    }
    total
}

/// synack: `decode` of every frame, then the checksum verified.
fn synack_decode_checksum(frames: &[Vec<u8>]) -> u64 {
    let mut total = 0u64;
    for frame in frames {
        if let Decoded::Tcp(p) = decode(LinkType::ETHERNET, frame) {
            let h = &p.header;
            total = total.wrapping_add(sum(
                (p.source().ip(), p.destination().ip()),
                (h.source_port(), h.destination_port()),
                h.sequence_number().0,
                h.acknowledgment_number().0,
                h.flags().bits(),
                h.window_size(),
                p.payload.len(),
            ));
            total = total.wrapping_add(u64::from(p.verify_checksum().tshark_status()));
        }
    }
    total
}

/// etherparse: `SlicedPacket::from_ethernet` of every frame (it does not
/// verify checksums either).
fn etherparse_slice(frames: &[Vec<u8>]) -> u64 {
    let mut total = 0u64;
    for frame in frames {
        if let Ok(packet) = etherparse::SlicedPacket::from_ethernet(frame) {
            if let Some(etherparse::TransportSlice::Tcp(t)) = packet.transport {
                let addresses: (IpAddr, IpAddr) = match &packet.net {
                    Some(etherparse::NetSlice::Ipv4(ip)) => (
                        ip.header().source_addr().into(),
                        ip.header().destination_addr().into(),
                    ),
                    Some(etherparse::NetSlice::Ipv6(ip)) => (
                        ip.header().source_addr().into(),
                        ip.header().destination_addr().into(),
                    ),
                    _ => continue,
                };
                let flags = u16::from(t.fin())
                    | u16::from(t.syn()) << 1
                    | u16::from(t.rst()) << 2
                    | u16::from(t.psh()) << 3
                    | u16::from(t.ack()) << 4
                    | u16::from(t.urg()) << 5
                    | u16::from(t.ece()) << 6
                    | u16::from(t.cwr()) << 7
                    | u16::from(t.ns()) << 8;
                total = total.wrapping_add(sum(
                    addresses,
                    (t.source_port(), t.destination_port()),
                    t.sequence_number(),
                    t.acknowledgment_number(),
                    flags,
                    t.window_size(),
                    t.payload().len(),
                ));
            }
        }
    }
    total
}

/// Iterates the records without decoding them.
fn records_only(bytes: &[u8]) -> u64 {
    let mut reader = CaptureReader::new(bytes).expect("capture header");
    let mut total = 0u64;
    while let Some(record) = reader.next_record() {
        let record = record.expect("record");
        total += record.data.len() as u64 + u64::from(record.original_len);
    }
    total
}

/// Replays and decodes every record, reading what a consumer reads.
fn replay_decode(bytes: &[u8]) -> u64 {
    let mut reader = CaptureReader::new(bytes).expect("capture header");
    let mut total = 0u64;
    while let Some(record) = reader.next_record() {
        let record = record.expect("record");
        if let Decoded::Tcp(p) = decode(record.link_type, record.data) {
            let h = &p.header;
            total = total.wrapping_add(sum(
                (p.source().ip(), p.destination().ip()),
                (h.source_port(), h.destination_port()),
                h.sequence_number().0,
                h.acknowledgment_number().0,
                h.flags().bits(),
                h.window_size(),
                p.payload.len(),
            ));
        }
    }
    total
}

fn bench(c: &mut Criterion) {
    let captures = captures();
    let decoded: Vec<_> = captures
        .iter()
        .map(|(name, bytes)| (*name, frames(bytes)))
        .collect();
    // Both sides see the same segments (a check, not a timing).
    for (name, frames) in &decoded {
        assert_eq!(
            synack_decode(frames),
            etherparse_slice(frames),
            "{name}: synack and etherparse read different values"
        );
    }

    let mut group = c.benchmark_group("decode");
    for (name, frames) in &decoded {
        group.throughput(Throughput::Elements(frames.len() as u64));
        group.bench_function(format!("synack/{name}"), |b| {
            b.iter(|| synack_decode(black_box(frames)))
        });
        group.bench_function(format!("etherparse/{name}"), |b| {
            b.iter(|| etherparse_slice(black_box(frames)))
        });
        group.bench_function(format!("synack+checksum/{name}"), |b| {
            b.iter(|| synack_decode_checksum(black_box(frames)))
        });
    }
    group.finish();

    let mut replay = c.benchmark_group("replay");
    for (name, bytes) in &captures {
        replay.throughput(Throughput::Bytes(bytes.len() as u64));
        replay.bench_function(format!("records only/{name}"), |b| {
            b.iter(|| records_only(black_box(bytes)))
        });
        replay.bench_function(format!("records+decode/{name}"), |b| {
            b.iter(|| replay_decode(black_box(bytes)))
        });
    }
    replay.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
