//! `Endpoint` throughput: two endpoints hold a whole conversation with each other —
//! handshake, 1000 full-MSS segments from the client each acknowledged by the server,
//! then the close and TIME_WAIT's expiry — and the segments carried per second are
//! counted (every segment is built by one endpoint and processed by the other).
//!
//! Beside it, the same segments fed to an `Observer`, so that the cost of the active
//! state machine can be read against the passive one in the same run.
//!
//! `cargo bench --bench endpoint -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use synack::Segment;
use synack::state::{Config, Observer, Pair, Side, State};

const SEGMENTS: u32 = 1000;
const MSS: u32 = 1460;

/// Runs the conversation in the crate's two-endpoint harness ([`Pair`]); calls
/// `wire` with every segment as it is delivered.
fn converse(mut wire: impl FnMut(Side, &Segment)) -> (State, State) {
    let now = Duration::ZERO;
    let config = |isn| Config {
        isn_offset: isn,
        window: 1 << 20,
        window_scale: Some(7),
        ..Config::default()
    };
    let mut pair: Pair<4> = Pair::new(config(u32::MAX - 100), config(7));
    let mut run = |pair: &mut Pair<4>| {
        while let Some(d) = pair.deliver(now) {
            wire(d.segment.from, &d.segment.segment);
        }
    };
    pair.listen(Side::Server).expect("CLOSED -> LISTEN");
    pair.connect(Side::Client, now).expect("CLOSED -> SYN_SENT");
    run(&mut pair);
    for _ in 0..SEGMENTS {
        pair.send(Side::Client, MSS, now)
            .expect("the window has room");
        run(&mut pair);
    }
    for closer in [Side::Client, Side::Server] {
        pair.close(closer, now).expect("CLOSE");
        run(&mut pair);
    }
    pair.on_time(Duration::from_secs(600));
    let [client, server] = pair.states();
    (client, server)
}

fn bench(c: &mut Criterion) {
    // The conversation once, to count its segments and keep them for the observer.
    let mut segments = Vec::new();
    let end = converse(|side, seg| segments.push((side, *seg)));
    assert_eq!(end, (State::Closed, State::Closed), "the conversation ends");

    let mut group = c.benchmark_group("endpoint/conversation");
    group.throughput(Throughput::Elements(segments.len() as u64));
    group.bench_function("two_endpoints", |b| {
        b.iter(|| {
            let mut n = 0u32;
            let end = converse(|_, seg| n = n.wrapping_add(black_box(seg).seq.0));
            black_box((n, end))
        })
    });
    group.bench_function("observer", |b| {
        b.iter(|| {
            let mut obs = Observer::new();
            let mut established = 0usize;
            for (side, seg) in &segments {
                let o = obs.on_segment(*side, black_box(seg), Duration::ZERO);
                established += usize::from(o.sender == State::Established);
            }
            black_box(established)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
