//! TCP header parsing as an analyzer uses it, and checksum verification: synack
//! beside etherparse, smoltcp and a hand-written safe parser (the floor).
//!
//! The TCP headers of a capture are decoded once, outside the timed loop, into a
//! list of header byte strings:
//!
//! * `tcp_header_parse/bulk-loss` — `captures/bulk-loss.pcap` of the corpus
//!   (`SYNACK_CORPUS`; 2,109 headers from Linux, timestamps on every segment,
//!   SACK blocks on 197): skipped when the corpus is not there;
//! * `tcp_header_parse/http-image` — `tests/data/http-image.pcap` (64 headers, no SACK).
//!
//! Each row does, for every header, what a consumer does: check it, read ports,
//! sequence and acknowledgment numbers, flags and window, walk every option and
//! *use every value* (match on each option; read the MSS, the window scale, both
//! edges of each SACK block, both timestamps), folding everything into one
//! accumulator that goes through `black_box` once per header list. Rows:
//! `synack`, `etherparse`, `smoltcp` and `handwritten` (plain safe Rust with
//! Linux's NOP,NOP,TS fast path: the floor). Throughput in headers.
//!
//! * `checksum/{synack_verify,synack_compute,etherparse_calc}/{1460,65535}` —
//!   verify (resp. compute) the checksum of a segment of that many bytes over an
//!   IPv4 pseudo-header. Throughput in bytes.
//!
//! `cargo bench --bench parse -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use synack::capture::CaptureReader;
use synack::wire::{Decoded, PseudoHeader, TcpHeader, TcpHeaderSlice, TcpOption, decode};
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

/// The header sets: `(name, headers)`.
fn inputs() -> Vec<(&'static str, Vec<Vec<u8>>)> {
    let mut sets = Vec::new();
    if let Some(corpus) = std::env::var_os("SYNACK_CORPUS") {
        let path = PathBuf::from(corpus).join("captures/bulk-loss.pcap");
        if path.exists() {
            sets.push(("bulk-loss", headers_of(&path)));
        }
    }
    let local = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/http-image.pcap");
    sets.push(("http-image", headers_of(Path::new(local))));
    for (name, headers) in &sets {
        let option_bytes: usize = headers.iter().map(|h| h.len() - 20).sum();
        eprintln!(
            "{name}: {} TCP headers, {option_bytes} option bytes",
            headers.len()
        );
    }
    sets
}

/// Folds a value into the accumulator (the same fold for every row).
#[inline(always)]
fn fold(acc: u64, v: u64) -> u64 {
    acc.rotate_left(5) ^ v
}

/// The fixed-header values every row reads, folded in the same order.
#[inline(always)]
fn fold_fixed(acc: u64, ports: (u16, u16), seq: u32, ack: u32, flags: u16, window: u16) -> u64 {
    let acc = fold(acc, ports.0 as u64);
    let acc = fold(acc, ports.1 as u64);
    let acc = fold(acc, seq as u64);
    let acc = fold(acc, ack as u64);
    let acc = fold(acc, flags as u64);
    fold(acc, window as u64)
}

fn synack_parse(headers: &[Vec<u8>]) -> u64 {
    let mut acc = 0u64;
    for bytes in headers {
        let Ok(h) = TcpHeaderSlice::from_slice(bytes) else {
            acc = fold(acc, 0xbad);
            continue;
        };
        acc = fold_fixed(
            acc,
            (h.source_port(), h.destination_port()),
            h.sequence_number().0,
            h.acknowledgment_number().0,
            h.flags().bits(),
            h.window_size(),
        );
        for option in h.options() {
            acc = match option {
                Ok(TcpOption::Nop) => fold(acc, 1),
                Ok(TcpOption::EndOfOptionList) => fold(acc, 0),
                Ok(TcpOption::Mss(mss)) => fold(acc, mss as u64),
                Ok(TcpOption::WindowScale(shift)) => fold(acc, shift as u64),
                Ok(TcpOption::SackPermitted) => fold(acc, 4),
                Ok(TcpOption::Timestamps { value, echo_reply }) => {
                    fold(fold(acc, value as u64), echo_reply as u64)
                }
                Ok(TcpOption::Sack(blocks)) => {
                    for (left, right) in blocks.iter() {
                        acc = fold(fold(acc, left.0 as u64), right.0 as u64);
                    }
                    acc
                }
                Ok(other) => fold(acc, other.kind() as u64),
                Err(_) => fold(acc, 0xbad),
            };
        }
    }
    acc
}

fn etherparse_parse(headers: &[Vec<u8>]) -> u64 {
    use etherparse::TcpOptionElement as E;
    let mut acc = 0u64;
    for bytes in headers {
        let Ok(h) = etherparse::TcpHeaderSlice::from_slice(bytes) else {
            acc = fold(acc, 0xbad);
            continue;
        };
        // etherparse has one accessor per flag; the bits are assembled as TCP lays them out.
        let flags = (h.ns() as u16) << 8
            | (h.cwr() as u16) << 7
            | (h.ece() as u16) << 6
            | (h.urg() as u16) << 5
            | (h.ack() as u16) << 4
            | (h.psh() as u16) << 3
            | (h.rst() as u16) << 2
            | (h.syn() as u16) << 1
            | h.fin() as u16;
        acc = fold_fixed(
            acc,
            (h.source_port(), h.destination_port()),
            h.sequence_number(),
            h.acknowledgment_number(),
            flags,
            h.window_size(),
        );
        for option in h.options_iterator() {
            acc = match option {
                Ok(E::Noop) => fold(acc, 1),
                Ok(E::MaximumSegmentSize(mss)) => fold(acc, mss as u64),
                Ok(E::WindowScale(shift)) => fold(acc, shift as u64),
                Ok(E::SelectiveAcknowledgementPermitted) => fold(acc, 4),
                Ok(E::Timestamp(value, echo_reply)) => {
                    fold(fold(acc, value as u64), echo_reply as u64)
                }
                Ok(E::SelectiveAcknowledgement(first, rest)) => {
                    acc = fold(fold(acc, first.0 as u64), first.1 as u64);
                    for (left, right) in rest.into_iter().flatten() {
                        acc = fold(fold(acc, left as u64), right as u64);
                    }
                    acc
                }
                Err(_) => fold(acc, 0xbad),
            };
        }
    }
    acc
}

fn smoltcp_parse(headers: &[Vec<u8>]) -> u64 {
    use smoltcp::wire::{TcpOption as O, TcpPacket};
    let mut acc = 0u64;
    for bytes in headers {
        let Ok(p) = TcpPacket::new_checked(&bytes[..]) else {
            acc = fold(acc, 0xbad);
            continue;
        };
        let flags = (p.ns() as u16) << 8
            | (p.cwr() as u16) << 7
            | (p.ece() as u16) << 6
            | (p.urg() as u16) << 5
            | (p.ack() as u16) << 4
            | (p.psh() as u16) << 3
            | (p.rst() as u16) << 2
            | (p.syn() as u16) << 1
            | p.fin() as u16;
        acc = fold_fixed(
            acc,
            (p.src_port(), p.dst_port()),
            p.seq_number().0 as u32,
            p.ack_number().0 as u32,
            flags,
            p.window_len(),
        );
        let mut options = p.options();
        while !options.is_empty() {
            let Ok((rest, option)) = O::parse(options) else {
                acc = fold(acc, 0xbad);
                break;
            };
            acc = match option {
                O::NoOperation => fold(acc, 1),
                O::EndOfList => {
                    acc = fold(acc, 0);
                    break;
                }
                O::MaxSegmentSize(mss) => fold(acc, mss as u64),
                O::WindowScale(shift) => fold(acc, shift as u64),
                O::SackPermitted => fold(acc, 4),
                O::TimeStamp { tsval, tsecr } => fold(fold(acc, tsval as u64), tsecr as u64),
                O::SackRange(blocks) => {
                    for (left, right) in blocks.into_iter().flatten() {
                        acc = fold(fold(acc, left as u64), right as u64);
                    }
                    acc
                }
                O::Unknown { kind, .. } => fold(acc, kind as u64),
            };
            options = rest;
        }
    }
    acc
}

/// The floor: plain safe Rust, no framework, with the NOP,NOP,TS fast path Linux
/// uses (`tcp_parse_aligned_timestamp`) before the general option walk.
mod handwritten {
    use super::{fold, fold_fixed};

    #[inline(always)]
    fn be16(b: &[u8], at: usize) -> Option<u16> {
        Some(u16::from_be_bytes(*b.get(at..)?.first_chunk::<2>()?))
    }

    #[inline(always)]
    fn be32(b: &[u8], at: usize) -> Option<u32> {
        Some(u32::from_be_bytes(*b.get(at..)?.first_chunk::<4>()?))
    }

    /// Folds one header's values; `None` when the header or an option is malformed.
    #[inline(always)]
    fn one(mut acc: u64, b: &[u8]) -> Option<u64> {
        let fixed = b.first_chunk::<20>()?;
        let header_len = (fixed[12] >> 4) as usize * 4;
        if header_len < 20 {
            return None;
        }
        let mut options = b.get(20..header_len)?;
        let flags = u16::from_be_bytes([fixed[12], fixed[13]]) & 0x0fff;
        acc = fold_fixed(
            acc,
            (be16(fixed, 0)?, be16(fixed, 2)?),
            be32(fixed, 4)?,
            be32(fixed, 8)?,
            flags,
            be16(fixed, 14)?,
        );
        // Linux's fast path: exactly NOP, NOP, timestamps.
        if options.len() == 12 && options[..4] == [1, 1, 8, 10] {
            acc = fold(fold(acc, 1), 1);
            return Some(fold(
                fold(acc, be32(options, 4)? as u64),
                be32(options, 8)? as u64,
            ));
        }
        while let Some((&kind, rest)) = options.split_first() {
            match kind {
                0 => return Some(fold(acc, 0)),
                1 => {
                    acc = fold(acc, 1);
                    options = rest;
                    continue;
                }
                _ => {}
            }
            let len = *rest.first()? as usize;
            let data = options.get(2..len)?;
            acc = match (kind, len) {
                (2, 4) => fold(acc, be16(data, 0)? as u64),
                (3, 3) => fold(acc, data[0] as u64),
                (4, 2) => fold(acc, 4),
                (8, 10) => fold(fold(acc, be32(data, 0)? as u64), be32(data, 4)? as u64),
                (5, 10 | 18 | 26 | 34) => {
                    for block in data.chunks_exact(8) {
                        acc = fold(fold(acc, be32(block, 0)? as u64), be32(block, 4)? as u64);
                    }
                    acc
                }
                (2..=5 | 8, _) => return None,
                _ => fold(acc, kind as u64),
            };
            options = &options[len..];
        }
        Some(acc)
    }

    pub fn parse(headers: &[Vec<u8>]) -> u64 {
        let mut acc = 0u64;
        for bytes in headers {
            acc = one(acc, bytes).unwrap_or_else(|| fold(acc, 0xbad));
        }
        acc
    }
}

fn parse(c: &mut Criterion) {
    for (name, headers) in inputs() {
        // Every row reads the same values: the folds must agree.
        let expected = handwritten::parse(&headers);
        assert_eq!(synack_parse(&headers), expected, "synack on {name}");
        assert_eq!(etherparse_parse(&headers), expected, "etherparse on {name}");
        assert_eq!(smoltcp_parse(&headers), expected, "smoltcp on {name}");
        let mut group = c.benchmark_group(format!("tcp_header_parse/{name}"));
        group.throughput(Throughput::Elements(headers.len() as u64));
        group.bench_function("synack", |b| b.iter(|| synack_parse(black_box(&headers))));
        group.bench_function("etherparse", |b| {
            b.iter(|| etherparse_parse(black_box(&headers)))
        });
        group.bench_function("smoltcp", |b| b.iter(|| smoltcp_parse(black_box(&headers))));
        group.bench_function("handwritten", |b| {
            b.iter(|| handwritten::parse(black_box(&headers)))
        });
        group.finish();
    }
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
