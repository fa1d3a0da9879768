//! Stream reassembly throughput: 4 MiB in 1448-byte segments (a Linux full
//! segment with timestamps) pushed through a [`StreamReassembler`], the
//! consumer copying every delivered byte into an output buffer, as an analyzer
//! that keeps the stream would. Beside it, in the same run, the physical
//! bound: the same segments copied into the same buffer with nothing else.
//!
//! * `copy` — `extend_from_slice` of each segment;
//! * `in_order` — every segment in order (the zero-copy path);
//! * `loss_1pct` — one segment in 100 arrives 10 segments late (a capture
//!   with 1% loss and fast retransmission): the 10 following segments are
//!   held (copied) and delivered when the hole is filled.
//!
//! `cargo bench --bench reassembly -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use synack::reassembly::{Budget, StreamConfig, StreamEvent, StreamReassembler, StreamSegment};
use synack::{flags::TcpFlags, seq::SeqNum};

const MSS: usize = 1448;
const TOTAL: usize = 4 << 20;
const ISN: u32 = u32::MAX - 1_000_000; // the stream wraps

fn data() -> Vec<u8> {
    (0..TOTAL).map(|i| (i * 31 % 251) as u8).collect()
}

/// (seq, payload range) in the order they arrive.
fn order(loss: bool) -> Vec<(u32, std::ops::Range<usize>)> {
    let segs: Vec<(u32, std::ops::Range<usize>)> = (0..TOTAL)
        .step_by(MSS)
        .map(|o| (ISN.wrapping_add(1 + o as u32), o..(o + MSS).min(TOTAL)))
        .collect();
    if !loss {
        return segs;
    }
    let mut out = Vec::with_capacity(segs.len());
    let mut late: Vec<(usize, (u32, std::ops::Range<usize>))> = Vec::new();
    for (i, s) in segs.into_iter().enumerate() {
        if i % 100 == 50 {
            late.push((i + 10, s));
            continue;
        }
        out.push(s);
        if let Some(pos) = late.iter().position(|(due, _)| *due == i) {
            out.push(late.remove(pos).1);
        }
    }
    out.extend(late.into_iter().map(|(_, s)| s));
    out
}

fn run(data: &[u8], segs: &[(u32, std::ops::Range<usize>)], out: &mut Vec<u8>) {
    out.clear();
    let mut r = StreamReassembler::new(StreamConfig::default());
    let mut budget = Budget::unlimited();
    let syn = StreamSegment {
        seq: SeqNum(ISN),
        flags: TcpFlags::SYN,
        ack: SeqNum(0),
        payload: &[],
        cut: 0,
    };
    let mut sink = |e: StreamEvent<'_>| {
        if let StreamEvent::Data { bytes, .. } = e {
            out.extend_from_slice(bytes);
        }
    };
    r.push(syn, &mut budget, &mut sink);
    for (seq, range) in segs {
        let segment = StreamSegment {
            seq: SeqNum(*seq),
            flags: TcpFlags::ACK,
            ack: SeqNum(0),
            payload: &data[range.clone()],
            cut: 0,
        };
        r.push(segment, &mut budget, &mut sink);
    }
}

fn bench(c: &mut Criterion) {
    let data = data();
    let in_order = order(false);
    let lossy = order(true);
    let mut out = Vec::with_capacity(TOTAL);
    // The benches below must reassemble the stream exactly.
    run(&data, &in_order, &mut out);
    assert_eq!(out, data);
    run(&data, &lossy, &mut out);
    assert_eq!(out, data);

    let mut g = c.benchmark_group("reassembly");
    g.throughput(Throughput::Bytes(TOTAL as u64));
    g.bench_function("copy", |b| {
        b.iter(|| {
            out.clear();
            for (_, range) in &in_order {
                out.extend_from_slice(&data[range.clone()]);
            }
            black_box(out.len())
        })
    });
    g.bench_function("in_order", |b| {
        b.iter(|| {
            run(&data, &in_order, &mut out);
            black_box(out.len())
        })
    });
    g.bench_function("loss_1pct", |b| {
        b.iter(|| {
            run(&data, &lossy, &mut out);
            black_box(out.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
