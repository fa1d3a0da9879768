//! 100,000 connections, each holding out-of-order data in both directions,
//! under a [`Reassembler`] with a total cap: the buffered bytes never pass the
//! cap, what is refused is reported, and the process's peak resident memory
//! (VmHWM, Linux) stays bounded. Alone in its binary so that VmHWM is its own.

#![cfg(feature = "alloc")]

use synack::reassembly::{
    CHUNK_OVERHEAD, Event, OverlapPolicy, Reassembler, ReassemblyConfig, StreamConfig, StreamEvent,
    StreamSegment,
};
use synack::state::Side;
use synack::{flags::TcpFlags, seq::SeqNum};

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn hundred_thousand_connections_with_held_data_stay_under_the_cap() {
    const CONNS: u32 = 100_000;
    const CAP: usize = 32 << 20;
    let config = ReassemblyConfig {
        stream: StreamConfig {
            overlap: OverlapPolicy::First,
            max_buffered: 64 << 10,
        },
        max_total: CAP,
    };
    let mut r: Reassembler<u32> = Reassembler::new(config);
    let payload = [0x5a_u8; 400];
    let mut dropped = 0u64;
    let mut delivered = 0u64;
    let mut on = |_: &u32, e: Event<'_>| match e {
        Event::Stream {
            event: StreamEvent::Dropped { len, .. },
            ..
        } => dropped += len,
        Event::Stream {
            event: StreamEvent::Data { bytes, .. },
            ..
        } => delivered += bytes.len() as u64,
        _ => {}
    };
    let before = vm_hwm_kib();
    for conn in 0..CONNS {
        for side in Side::BOTH {
            let isn = conn.wrapping_mul(2_654_435_761);
            let seg = |seq: u32, payload| StreamSegment {
                seq: SeqNum(seq),
                flags: TcpFlags::ACK,
                // Acknowledges nothing new of the peer (same ISN both ways), so
                // no hole is declared a gap.
                ack: SeqNum(isn),
                payload,
                cut: 0,
            };
            r.segment(&conn, side, seg(isn, &payload[..1]), &mut on);
            // Two segments beyond a hole: held.
            r.segment(&conn, side, seg(isn.wrapping_add(1000), &payload), &mut on);
            r.segment(&conn, side, seg(isn.wrapping_add(2000), &payload), &mut on);
        }
        assert!(r.buffered_cost() <= CAP);
    }
    let held_per_conn = 4 * (payload.len() + CHUNK_OVERHEAD);
    let held: usize = (0..CONNS)
        .flat_map(|c| Side::BOTH.map(|s| (c, s)))
        .filter_map(|(c, s)| r.stream(&c, s))
        .map(|s| s.buffered_bytes())
        .sum();
    let fits = CAP / (payload.len() + CHUNK_OVERHEAD);
    assert_eq!(held, fits * payload.len());
    assert_eq!(r.buffered_cost(), fits * (payload.len() + CHUNK_OVERHEAD));
    assert_eq!(
        dropped,
        (u64::from(CONNS) * 4 - fits as u64) * payload.len() as u64
    );
    assert_eq!(delivered, u64::from(CONNS) * 2);
    let after = vm_hwm_kib();
    eprintln!(
        "{CONNS} connections, {} held of {} offered ({} per connection offered), cap {CAP}; VmHWM {:?} KiB before, {:?} KiB after",
        r.buffered_cost(),
        u64::from(CONNS) * held_per_conn as u64,
        held_per_conn,
        before,
        after
    );
    if let (Some(_), Some(after)) = (before, after) {
        // The cap (32 MiB) + per-connection state (two directions, ~0.5 KiB)
        // + the test harness: well under 160 MiB.
        assert!(after < 160 * 1024, "peak RSS {after} KiB");
    }
    // Closing everything releases everything.
    r.close_all(&mut |_, _| {});
    assert_eq!(r.buffered_cost(), 0);
}
