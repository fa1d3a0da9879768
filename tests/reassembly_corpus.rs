//! Stream reassembly against tshark over `$SYNACK_CORPUS` (`captures/` and
//! `captures-wild/`):
//!
//! 1. For every `NAME.follow.N.txt` (`tshark -z follow,tcp,raw,N`), the bytes
//!    of node 0 (the sender of the stream's first packet) and node 1 equal ours
//!    exactly, our gaps written as tshark writes them
//!    (`[N bytes missing in capture file]` and a NUL).
//! 2. For every stream of every capture, each direction's bytes equal the
//!    payloads of the segments tshark does not flag as retransmissions
//!    (`tcp.analysis.retransmission`, `fast_retransmission`,
//!    `spurious_retransmission`), laid out by their sequence number.
//!
//! The test prints its counts. Without the corpus it says so and passes.

#![cfg(feature = "pcap")]

#[path = "../examples/follow.rs"]
#[allow(dead_code)]
mod follow;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use follow::{Conversation, Piece, collect, missing};
use synack::capture::CaptureReader;
use synack::state::Side;
use synack::wire::decode_all;

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("SYNACK_CORPUS")?);
    dir.is_dir().then_some(dir)
}

/// Verified differences, with the reason: (capture, stream, what).
const ALLOWED: &[(&str, &str)] = &[];

/// tshark's follow output: node 0's and node 1's bytes.
fn read_follow(path: &Path) -> Option<[Vec<u8>; 2]> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut nodes = [Vec::new(), Vec::new()];
    let mut body = false;
    for line in text.lines() {
        if line.starts_with("Node 1:") {
            body = true;
            continue;
        }
        if !body || line.starts_with("=====") {
            continue;
        }
        let (node, hex) = match line.strip_prefix('\t') {
            Some(h) => (1, h),
            None => (0, line),
        };
        let bytes: Option<Vec<u8>> = (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
            .collect();
        nodes[node].extend(bytes?);
    }
    Some(nodes)
}

/// Our bytes of one side, gaps as tshark writes them.
fn with_gaps(conv: &Conversation, side: Side) -> Vec<u8> {
    let mut out = Vec::new();
    for p in &conv.pieces {
        match p {
            Piece::Data(s, d) if *s == side => out.extend_from_slice(d),
            Piece::Gap(s, _, len) if *s == side => {
                out.extend_from_slice(missing(*len).as_bytes());
                out.push(0);
            }
            _ => {}
        }
    }
    out
}

fn captures(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| {
        matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("pcap" | "pcapng")
        )
    });
    out.sort();
    // A pcapng copy of a pcap (same stem) adds nothing.
    out.dedup_by(|b, a| a.file_stem() == b.file_stem());
    out
}

fn first_diff(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

#[derive(Default)]
struct Tally {
    follow_files: usize,
    follow_ok: usize,
    streams: usize,
    directions_ok: usize,
    directions: usize,
    bytes: u64,
    skipped_frames: usize,
    failures: Vec<String>,
}

/// Column indices of tshark's field dump.
struct Cols {
    frame: usize,
    stream: usize,
    seq: usize,
    len: usize,
    retrans: [usize; 3],
}

fn check_follow(name: &str, pcap: &Path, convs: &[Conversation], t: &mut Tally) {
    let dir = pcap.parent().unwrap_or(Path::new("."));
    let stem = pcap.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    for n in 0..16u64 {
        let file = dir.join(format!("{stem}.follow.{n}.txt"));
        let Some(expected) = read_follow(&file) else {
            continue;
        };
        t.follow_files += 1;
        let conv = convs.iter().find(|c| c.stream == n);
        let ours = match conv {
            Some(c) => {
                let first = c.first.unwrap_or(Side::Client);
                [with_gaps(c, first), with_gaps(c, first.peer())]
            }
            None => [Vec::new(), Vec::new()],
        };
        let mut ok = true;
        for node in 0..2 {
            if ours[node] != expected[node] {
                ok = false;
                let at = first_diff(&ours[node], &expected[node]);
                let what = format!(
                    "{name} follow.{n} node {node}: ours {} bytes, tshark {} bytes, first difference at {at}",
                    ours[node].len(),
                    expected[node].len()
                );
                if !ALLOWED.iter().any(|(c, w)| *c == name && what.contains(w)) {
                    t.failures.push(what);
                }
            }
        }
        if ok {
            t.follow_ok += 1;
        }
    }
}

fn check_streams(name: &str, pcap: &Path, convs: &[Conversation], t: &mut Tally) {
    let tsv = pcap.with_extension("tshark.tsv");
    let Ok(text) = std::fs::read_to_string(&tsv) else {
        return;
    };
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    let col = |n: &str| header.iter().position(|h| *h == n);
    let (Some(frame), Some(stream), Some(seq), Some(len), Some(r0), Some(r1), Some(r2)) = (
        col("frame.number"),
        col("tcp.stream"),
        col("tcp.seq"),
        col("tcp.len"),
        col("tcp.analysis.retransmission"),
        col("tcp.analysis.fast_retransmission"),
        col("tcp.analysis.spurious_retransmission"),
    ) else {
        return;
    };
    let c = Cols {
        frame,
        stream,
        seq,
        len,
        retrans: [r0, r1, r2],
    };
    // Frames tshark gives one TCP segment with payload, not a retransmission.
    let mut wanted: HashMap<u64, (u64, u64)> = HashMap::new();
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        let get = |i: usize| cells.get(i).copied().unwrap_or("");
        let (Ok(f), Ok(s), Ok(q), Ok(l)) = (
            get(c.frame).parse::<u64>(),
            get(c.stream).parse::<u64>(),
            get(c.seq).parse::<u64>(),
            get(c.len).parse::<u64>(),
        ) else {
            continue;
        };
        if l == 0 || c.retrans.iter().any(|&i| !get(i).is_empty()) {
            continue;
        }
        wanted.insert(f, (s, q));
    }
    // Their payloads, from our decoder, per (stream, sender): seq -> bytes.
    let mut expected: BTreeMap<(u64, SocketAddr), BTreeMap<u64, Vec<u8>>> = BTreeMap::new();
    let Ok(mut reader) = CaptureReader::open(pcap) else {
        return;
    };
    while let Some(Ok(record)) = reader.next_record() {
        let Some(&(stream, seq)) = wanted.get(&record.frame_number()) else {
            continue;
        };
        let mut it = decode_all(record.link_type, record.data).filter_map(|d| d.into_tcp());
        match (it.next(), it.next()) {
            (Some(p), None) if p.payload.len() as u64 == u64::from(p.payload_len) => {
                expected
                    .entry((stream, p.source))
                    .or_default()
                    .entry(seq)
                    .or_insert_with(|| p.payload.to_vec());
            }
            _ => t.skipped_frames += 1,
        }
    }
    for conv in convs {
        t.streams += 1;
        for side in Side::BOTH {
            let Some(addr) = conv.addr.get(side.index()).copied().flatten() else {
                continue;
            };
            // Lay the segments out by sequence number, first one wins.
            let mut want = Vec::new();
            let mut end: Option<u64> = None;
            if let Some(segs) = expected.get(&(conv.stream, addr)) {
                for (&seq, bytes) in segs {
                    let skip = end.map_or(0, |e| e.saturating_sub(seq)) as usize;
                    if let Some(rest) = bytes.get(skip..) {
                        want.extend_from_slice(rest);
                    }
                    let e = seq + bytes.len() as u64;
                    end = Some(end.map_or(e, |x| x.max(e)));
                }
            }
            let ours = conv.bytes(side);
            t.directions += 1;
            if ours == want {
                t.directions_ok += 1;
                t.bytes += ours.len() as u64;
            } else {
                let what = format!(
                    "{name} stream {} {}: ours {} bytes, tshark's non-retransmitted segments {} bytes, first difference at {}",
                    conv.stream,
                    side.name(),
                    ours.len(),
                    want.len(),
                    first_diff(&ours, &want)
                );
                if !ALLOWED.iter().any(|(c, w)| *c == name && what.contains(w)) {
                    t.failures.push(what);
                }
            }
        }
    }
}

#[test]
fn reassembly_matches_tshark() {
    let Some(root) = corpus() else {
        eprintln!("SYNACK_CORPUS not set or not a directory: skipped");
        return;
    };
    let mut t = Tally::default();
    for sub in ["captures", "captures-wild"] {
        for pcap in captures(&root.join(sub)) {
            let name = pcap
                .file_name()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string();
            let convs = match collect(&pcap, None) {
                Ok(c) => c,
                Err(e) => {
                    t.failures.push(format!("{name}: {e}"));
                    continue;
                }
            };
            check_follow(&name, &pcap, &convs, &mut t);
            check_streams(&name, &pcap, &convs, &mut t);
        }
    }
    eprintln!(
        "follow files: {}/{} identical; stream directions: {}/{} identical over {} streams ({} bytes); frames skipped (not one whole TCP segment to us): {}",
        t.follow_ok,
        t.follow_files,
        t.directions_ok,
        t.directions,
        t.streams,
        t.bytes,
        t.skipped_frames
    );
    for f in &t.failures {
        eprintln!("MISMATCH {f}");
    }
    assert!(t.failures.is_empty(), "{} mismatches", t.failures.len());
}
