//! `Observer` throughput: segments per second through [`Observer::on_segment`],
//! beside the cost of getting those segments out of the frames (decode → `Segment`).
//!
//! Every TCP segment of `tests/data/http-image.pcap` — and, when `SYNACK_CORPUS`
//! names the corpus directory, of `captures/bulk-loss.pcap`, `captures/many-conns.pcap`
//! and `captures-wild/ssh__ssh.pcap` — is decoded once, outside the timed loop, into
//! per-stream lists of `(Side, Segment, time)` using the `handshake` example's stream
//! grouping. The timed loops then:
//!
//! * `observer/on_segment` — run one fresh `Observer` per stream over its segments;
//! * `decode/frame_to_segment` — decode every frame of the same captures to a `Segment`
//!   (link layer, IP, TCP header, SYN options): the parsing cost the observer sits on.
//!
//! Throughput is counted in segments (resp. frames).
//! `cargo bench --bench observer -- --warm-up-time 1 --measurement-time 3`

#[allow(dead_code)]
#[path = "../examples/handshake.rs"]
mod handshake;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use synack::capture::CaptureReader;
use synack::segment::Segment;
use synack::state::{Observer, Side};
use synack::wire::LinkType;

struct Input {
    name: String,
    /// Raw frames, for the decode loop.
    frames: Vec<(LinkType, Vec<u8>)>,
    /// Per stream, its segments in order.
    streams: Vec<Vec<(Side, Segment, Duration)>>,
}

fn load(path: &Path) -> Option<Input> {
    let analysis = match handshake::analyze(path) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("note: {e}");
            return None;
        }
    };
    let streams = analysis
        .streams
        .iter()
        .map(|s| {
            s.rows
                .iter()
                .filter_map(|&i| analysis.rows.get(i))
                .map(|r| (r.from, r.segment, r.time))
                .collect()
        })
        .collect();
    let mut frames = Vec::new();
    let mut reader = CaptureReader::open(path).ok()?;
    while let Some(Ok(record)) = reader.next_record() {
        frames.push((record.link_type, record.data.to_vec()));
    }
    let name = path
        .file_stem()
        .and_then(|n| n.to_str())
        .unwrap_or("capture")
        .to_string();
    Some(Input {
        name,
        frames,
        streams,
    })
}

fn inputs() -> Vec<Input> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = vec![manifest.join("tests/data/http-image.pcap")];
    match std::env::var_os("SYNACK_CORPUS").map(PathBuf::from) {
        Some(dir) => {
            for p in [
                "captures/bulk-loss.pcap",
                "captures/many-conns.pcap",
                "captures-wild/ssh__ssh.pcap",
            ] {
                paths.push(dir.join(p));
            }
        }
        None => eprintln!("note: SYNACK_CORPUS not set; only http-image.pcap is benchmarked"),
    }
    paths.iter().filter_map(|p| load(p)).collect()
}

fn bench(c: &mut Criterion) {
    for input in inputs() {
        let segments: usize = input.streams.iter().map(Vec::len).sum();
        let mut group = c.benchmark_group(format!("observer/{}", input.name));
        group.throughput(Throughput::Elements(segments as u64));
        group.bench_function("on_segment", |b| {
            b.iter(|| {
                let mut established = 0usize;
                for stream in &input.streams {
                    let mut obs = Observer::new();
                    for (side, seg, time) in stream {
                        let o = obs.on_segment(*side, black_box(seg), *time);
                        established += usize::from(o.sender == synack::state::State::Established);
                    }
                }
                black_box(established)
            })
        });
        group.finish();

        let mut group = c.benchmark_group(format!("decode/{}", input.name));
        group.throughput(Throughput::Elements(input.frames.len() as u64));
        group.bench_function("frame_to_segment", |b| {
            b.iter(|| {
                let mut n = 0u64;
                for (link, frame) in &input.frames {
                    for tcp in handshake::decode_tcp(*link, black_box(frame)) {
                        n = n.wrapping_add(u64::from(tcp.segment.seq.0));
                    }
                }
                black_box(n)
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
