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
use synack::segment::Segment;
use synack::state::{Config, Endpoint, Observer, Side, State};

const SEGMENTS: u32 = 1000;
const MSS: u32 = 1460;

/// Runs the conversation; calls `wire` with every segment put on the wire.
fn converse(mut wire: impl FnMut(Side, &Segment)) -> (State, State) {
    let now = Duration::ZERO;
    let config = |isn| Config {
        isn_offset: isn,
        window: 1 << 20,
        window_scale: Some(7),
        ..Config::default()
    };
    let mut client = Endpoint::new(config(u32::MAX - 100));
    let mut server = Endpoint::new(config(7));
    server.listen().expect("CLOSED -> LISTEN");
    let syn = client.connect(now).expect("CLOSED -> SYN_SENT").segment;
    let syn = syn.expect("a SYN");
    wire(Side::Client, &syn);
    let syn_ack = *server
        .on_segment(&syn, now)
        .reply
        .segment()
        .expect("a SYN,ACK");
    wire(Side::Server, &syn_ack);
    let ack = *client
        .on_segment(&syn_ack, now)
        .reply
        .segment()
        .expect("an ACK");
    wire(Side::Client, &ack);
    server.on_segment(&ack, now);
    for _ in 0..SEGMENTS {
        let data = client.send(MSS, now).expect("the window has room");
        wire(Side::Client, &data);
        if let Some(ack) = server.on_segment(&data, now).reply.segment() {
            wire(Side::Server, ack);
            client.on_segment(ack, now);
        }
    }
    for (closer, other) in [(Side::Client, Side::Server), (Side::Server, Side::Client)] {
        let (a, b) = match closer {
            Side::Client => (&mut client, &mut server),
            Side::Server => (&mut server, &mut client),
        };
        if let Ok(out) = a.close(now)
            && let Some(fin) = out.segment
        {
            wire(closer, &fin);
            if let Some(ack) = b.on_segment(&fin, now).reply.segment() {
                wire(other, ack);
                a.on_segment(ack, now);
            }
        }
    }
    let later = Duration::from_secs(600);
    client.on_time(later);
    server.on_time(later);
    (client.state(), server.state())
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
