//! Replay throughput: an in-memory pcap read with `CaptureReader` and every
//! record decoded to its TCP segment, against the raw speed of reading the bytes
//! and against etherparse slicing the same records.
//!
//! Captures: `tests/data/http-image.pcap` (bundled), and `captures/bulk-loss.pcap`
//! from `$SYNACK_CORPUS` (or `../shared` beside the repository) when present.
//! Throughput is counted in bytes of the capture file. Budget: replay + decode at
//! 1 GB/s or more.
//!
//! Groups:
//! * `raw read` — `sum bytes`: add up the file as 64-bit words (the speed of touching
//!   every byte at all); `records only`: `CaptureReader` without decoding;
//! * `replay+decode` — `synack`: `CaptureReader` + `wire::decode` of every record,
//!   reading seq, flags and payload length; `etherparse`: the same reader, each
//!   record sliced by `etherparse::LaxSlicedPacket` (Ethernet captures only).
//!
//! `cargo bench --bench replay -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
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
    match std::fs::read(corpus.join("captures/bulk-loss.pcap")) {
        Ok(bytes) => out.push(("bulk-loss", bytes)),
        Err(e) => eprintln!(
            "note: bulk-loss.pcap not benchmarked ({}: {e}); set SYNACK_CORPUS",
            corpus.display()
        ),
    }
    out
}

/// Adds up the file as 64-bit words: the floor for any reader of the file.
fn sum_bytes(bytes: &[u8]) -> u64 {
    // Four independent lanes of whole words, so the loop runs at memory speed.
    let mut lanes = [0u64; 4];
    let mut chunks = bytes.chunks_exact(32);
    for chunk in &mut chunks {
        for (lane, word) in lanes.iter_mut().zip(chunk.chunks_exact(8)) {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            *lane = lane.wrapping_add(u64::from_le_bytes(w));
        }
    }
    let tail: u64 = chunks.remainder().iter().map(|&b| u64::from(b)).sum();
    lanes.iter().fold(tail, |a, &l| a.wrapping_add(l))
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

/// Replays and decodes every record, touching seq, flags and payload length.
fn replay_decode(bytes: &[u8]) -> u64 {
    let mut reader = CaptureReader::new(bytes).expect("capture header");
    let mut total = 0u64;
    while let Some(record) = reader.next_record() {
        let record = record.expect("record");
        if let Decoded::Tcp(packet) = decode(record.link_type, record.data) {
            total = total
                .wrapping_add(u64::from(packet.header.sequence_number().0))
                .wrapping_add(u64::from(packet.header.flags().bits()))
                .wrapping_add(u64::from(packet.payload_len));
        }
    }
    total
}

/// The same replay, each record sliced by etherparse (Ethernet only).
fn replay_etherparse(bytes: &[u8]) -> u64 {
    let mut reader = CaptureReader::new(bytes).expect("capture header");
    let mut total = 0u64;
    while let Some(record) = reader.next_record() {
        let record = record.expect("record");
        if record.link_type != LinkType::ETHERNET {
            continue;
        }
        if let Ok(packet) = etherparse::LaxSlicedPacket::from_ethernet(record.data) {
            if let Some(etherparse::TransportSlice::Tcp(tcp)) = packet.transport {
                total = total
                    .wrapping_add(u64::from(tcp.sequence_number()))
                    .wrapping_add(u64::from(tcp.syn()) | (u64::from(tcp.ack()) << 4))
                    .wrapping_add(tcp.payload().len() as u64);
            }
        }
    }
    total
}

fn bench(c: &mut Criterion) {
    let captures = captures();

    let mut raw = c.benchmark_group("raw read");
    for (name, bytes) in &captures {
        raw.throughput(Throughput::Bytes(bytes.len() as u64));
        raw.bench_function(format!("sum bytes/{name}"), |b| {
            b.iter(|| sum_bytes(black_box(bytes)))
        });
        raw.bench_function(format!("records only/{name}"), |b| {
            b.iter(|| records_only(black_box(bytes)))
        });
    }
    raw.finish();

    let mut replay = c.benchmark_group("replay+decode");
    for (name, bytes) in &captures {
        replay.throughput(Throughput::Bytes(bytes.len() as u64));
        replay.bench_function(format!("synack/{name}"), |b| {
            b.iter(|| replay_decode(black_box(bytes)))
        });
        replay.bench_function(format!("etherparse/{name}"), |b| {
            b.iter(|| replay_etherparse(black_box(bytes)))
        });
    }
    replay.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
