//! TCP header parsing and checksum verification, synack beside etherparse and smoltcp.
//!
//! The TCP headers of `tests/data/http-image.pcap` — and, when `SYNACK_CORPUS` names
//! the corpus directory, of `captures/bulk-loss.pcap` (SACK), `captures/ipv6-http.pcap`
//! and `captures-wild/tcp__tcp-fast-open.pcap` (Fast Open cookies) — are decoded once,
//! outside the timed loop, into a list of header byte strings. Then:
//!
//! * `tcp_header_parse/{synack,etherparse,smoltcp}` — for every header: check it,
//!   read ports, sequence and acknowledgment numbers, flags and window, and walk
//!   every option, each value through `black_box`. Throughput in headers.
//! * `checksum/{synack_verify,etherparse_calc}/{1460,65535}` — verify (resp. compute)
//!   the checksum of a segment of that many bytes over an IPv4 pseudo-header.
//!   Throughput in bytes.
//!
//! `cargo bench --bench parse -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use synack::capture::CaptureReader;
use synack::wire::{Decoded, PseudoHeader, TcpHeader, TcpHeaderSlice, decode};
use synack::{flags::TcpFlags, seq::SeqNum};

/// The TCP header bytes of every TCP segment in `path`.
fn headers_of(path: &Path) -> Vec<Vec<u8>> {
    let mut reader =
        CaptureReader::open(path).unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let mut headers = Vec::new();
    while let Some(record) = reader.next_record() {
        let Ok(record) = record else { break };
        if let Decoded::Tcp(packet) = decode(record.link_type, record.data) {
            headers.push(packet.header.slice().to_vec());
        }
    }
    headers
}

fn inputs() -> Vec<Vec<u8>> {
    let mut paths = vec![PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/http-image.pcap"
    ))];
    if let Some(corpus) = std::env::var_os("SYNACK_CORPUS") {
        let corpus = PathBuf::from(corpus);
        for name in [
            "captures/bulk-loss.pcap",
            "captures/ipv6-http.pcap",
            "captures-wild/tcp__tcp-fast-open.pcap",
        ] {
            paths.push(corpus.join(name));
        }
    }
    let mut all = Vec::new();
    for path in &paths {
        let headers = headers_of(path);
        let option_bytes: usize = headers.iter().map(|h| h.len() - 20).sum();
        eprintln!(
            "{}: {} TCP headers, {} option bytes",
            path.display(),
            headers.len(),
            option_bytes
        );
        all.extend(headers);
    }
    all
}

fn synack_parse(headers: &[Vec<u8>]) {
    for bytes in headers {
        let Ok(h) = TcpHeaderSlice::from_slice(bytes) else {
            continue;
        };
        black_box(h.source_port());
        black_box(h.destination_port());
        black_box(h.sequence_number());
        black_box(h.acknowledgment_number());
        black_box(h.flags());
        black_box(h.window_size());
        for option in h.options() {
            let _ = black_box(option);
        }
    }
}

fn etherparse_parse(headers: &[Vec<u8>]) {
    for bytes in headers {
        let Ok(h) = etherparse::TcpHeaderSlice::from_slice(bytes) else {
            continue;
        };
        black_box(h.source_port());
        black_box(h.destination_port());
        black_box(h.sequence_number());
        black_box(h.acknowledgment_number());
        black_box((
            h.ns(),
            h.cwr(),
            h.ece(),
            h.urg(),
            h.ack(),
            h.psh(),
            h.rst(),
            h.syn(),
            h.fin(),
        ));
        black_box(h.window_size());
        for option in h.options_iterator() {
            let _ = black_box(option);
        }
    }
}

fn smoltcp_parse(headers: &[Vec<u8>]) {
    use smoltcp::wire::{TcpOption, TcpPacket};
    for bytes in headers {
        let Ok(p) = TcpPacket::new_checked(&bytes[..]) else {
            continue;
        };
        black_box(p.src_port());
        black_box(p.dst_port());
        black_box(p.seq_number());
        black_box(p.ack_number());
        black_box((
            p.ns(),
            p.cwr(),
            p.ece(),
            p.urg(),
            p.ack(),
            p.psh(),
            p.rst(),
            p.syn(),
            p.fin(),
        ));
        black_box(p.window_len());
        let mut options = p.options();
        while !options.is_empty() {
            match TcpOption::parse(options) {
                Ok((rest, option)) => {
                    black_box(option);
                    if option == TcpOption::EndOfList {
                        break;
                    }
                    options = rest;
                }
                Err(e) => {
                    black_box(e);
                    break;
                }
            }
        }
    }
}

fn parse(c: &mut Criterion) {
    let headers = inputs();
    let mut group = c.benchmark_group("tcp_header_parse");
    group.throughput(Throughput::Elements(headers.len() as u64));
    group.bench_function("synack", |b| b.iter(|| synack_parse(black_box(&headers))));
    group.bench_function("etherparse", |b| {
        b.iter(|| etherparse_parse(black_box(&headers)))
    });
    group.bench_function("smoltcp", |b| b.iter(|| smoltcp_parse(black_box(&headers))));
    group.finish();
}

/// A segment of `len` bytes (ACK with timestamps, patterned payload) with a
/// correct checksum over `pseudo`.
fn segment(len: usize, pseudo: &PseudoHeader) -> Vec<u8> {
    let mut h = TcpHeader::new(
        443,
        51000,
        SeqNum(0x1234_5678),
        TcpFlags::ACK | TcpFlags::PSH,
    );
    h.acknowledgment_number = SeqNum(0x9abc_def0);
    h.window_size = 501;
    h.options
        .push(&synack::wire::TcpOption::Timestamps {
            value: 1,
            echo_reply: 2,
        })
        .expect("fits");
    let payload: Vec<u8> = (0..len - h.header_len())
        .map(|i| (i * 131 + 7) as u8)
        .collect();
    let mut buf = vec![0u8; len];
    let n = h
        .write_with_checksum(&mut buf, pseudo, &payload)
        .expect("fits");
    assert_eq!(n, len);
    assert!(pseudo.verify_tcp(&buf));
    buf
}

fn checksum(c: &mut Criterion) {
    let source = Ipv4Addr::new(192, 0, 2, 1);
    let destination = Ipv4Addr::new(198, 51, 100, 2);
    let pseudo = PseudoHeader::V4 {
        source,
        destination,
    };
    let mut group = c.benchmark_group("checksum");
    for len in [1460usize, 65535] {
        let seg = segment(len, &pseudo);
        let theirs = etherparse::TcpHeaderSlice::from_slice(&seg).expect("valid header");
        let payload = &seg[theirs.slice().len()..];
        assert_eq!(
            theirs.calc_checksum_ipv4_raw(source.octets(), destination.octets(), payload),
            Ok(theirs.checksum())
        );
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_with_input(BenchmarkId::new("synack_verify", len), &seg, |b, seg| {
            b.iter(|| black_box(&pseudo).verify_tcp(black_box(seg)))
        });
        group.bench_with_input(BenchmarkId::new("synack_compute", len), &seg, |b, seg| {
            b.iter(|| black_box(&pseudo).tcp_checksum(black_box(seg)))
        });
        group.bench_with_input(BenchmarkId::new("etherparse_calc", len), &seg, |b, seg| {
            b.iter(|| {
                let h = etherparse::TcpHeaderSlice::from_slice(black_box(seg)).expect("valid");
                h.calc_checksum_ipv4_raw(
                    black_box(source.octets()),
                    black_box(destination.octets()),
                    &seg[h.slice().len()..],
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse, checksum);
criterion_main!(benches);
