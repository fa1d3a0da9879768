//! Hostile input for stream reassembly and defragmentation: the caps hold,
//! what is not kept is reported, nothing panics.

#![cfg(feature = "alloc")]

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use synack::reassembly::{
    Budget, CHUNK_OVERHEAD, DATAGRAM_OVERHEAD, DefragConfig, DefragEvent, Defragmenter, DropReason,
    OverlapPolicy, StreamConfig, StreamEvent, StreamReassembler, StreamSegment,
};
use synack::wire::{Fragment, IpNumber};
use synack::{flags::TcpFlags, seq::SeqNum};

fn seg(seq: u32, payload: &[u8]) -> StreamSegment<'_> {
    StreamSegment {
        seq: SeqNum(seq),
        flags: TcpFlags::ACK,
        ack: SeqNum(0),
        payload,
        cut: 0,
    }
}

#[derive(Default, Debug)]
struct Count {
    delivered: u64,
    dropped: u64,
    conflicts: u64,
    gaps: u64,
}

fn counter(c: &mut Count) -> impl FnMut(StreamEvent<'_>) + '_ {
    |e| match e {
        StreamEvent::Data { bytes, .. } => c.delivered += bytes.len() as u64,
        StreamEvent::Dropped { len, .. } => c.dropped += len,
        StreamEvent::Conflict { .. } => c.conflicts += 1,
        StreamEvent::Gap { len, .. } => c.gaps += len,
        _ => {}
    }
}

#[test]
fn one_byte_out_of_order_flood_stays_under_the_cap() {
    let cap = 1 << 20;
    let mut r = StreamReassembler::new(StreamConfig {
        overlap: OverlapPolicy::First,
        max_buffered: cap,
    });
    let mut budget = Budget::unlimited();
    let mut c = Count::default();
    let mut on = counter(&mut c);
    r.push(seg(0, b"x"), &mut budget, &mut on);
    // 500,000 one-byte segments, every other byte, never the next one.
    for i in 0..500_000u32 {
        r.push(seg(2 + 2 * i, b"y"), &mut budget, &mut on);
        assert!(r.buffered_cost() <= cap);
    }
    let held = cap / (1 + CHUNK_OVERHEAD);
    assert_eq!(r.buffered_bytes(), held);
    assert_eq!(budget.used(), r.buffered_cost());
    drop(on);
    assert_eq!(c.dropped, 500_000 - held as u64);
    assert_eq!(r.stats().peak_buffered, r.buffered_cost());
}

#[test]
fn overlap_attack_reports_conflicts_and_keeps_the_first_bytes() {
    let mut r = StreamReassembler::new(StreamConfig::default());
    let mut budget = Budget::unlimited();
    let mut c = Count::default();
    let mut out = Vec::new();
    r.push(seg(0, b"a"), &mut budget, &mut |_| {});
    r.push(seg(10, b"GOOD"), &mut budget, &mut counter(&mut c));
    for i in 0..10_000u32 {
        // Shifted, differing copies around the held bytes.
        let evil = [b'E'; 8];
        r.push(seg(7 + i % 6, &evil), &mut budget, &mut counter(&mut c));
        // At most the 13 bytes 7..20, however often they are sent.
        assert!(r.buffered_bytes() <= 13);
        assert!(r.buffered_cost() <= 13 * (1 + CHUNK_OVERHEAD));
    }
    assert!(c.conflicts >= 10_000);
    r.push(seg(1, b"bcdefghij"), &mut budget, &mut |e| {
        if let StreamEvent::Data { bytes, .. } = e {
            out.extend_from_slice(bytes)
        }
    });
    // Bytes 1..7 from the first copy that filled them, "GOOD" kept at 10..14.
    assert_eq!(&out[9..13], b"GOOD");
}

#[test]
fn huge_sequence_jumps_do_not_break_anything() {
    let mut r = StreamReassembler::new(StreamConfig::default());
    let mut budget = Budget::new(1 << 16);
    let mut c = Count::default();
    let mut on = counter(&mut c);
    r.push(seg(1000, b"start"), &mut budget, &mut on);
    for jump in [1u32 << 31, (1 << 31) - 1, 1 << 30, u32::MAX, 3 << 30, 12345] {
        r.push(
            seg(1000u32.wrapping_add(jump), &[7; 1000]),
            &mut budget,
            &mut on,
        );
        assert!(budget.used() <= 1 << 16);
    }
    // A jump forward of 2^31 - 1 is held at a 64-bit offset; flushing reports
    // the hole before it instead of splicing.
    r.flush(&mut budget, &mut on);
    drop(on);
    assert_eq!(budget.used(), 0);
    assert!(c.gaps >= (1 << 30));
    assert!(c.delivered <= 5 + 6 * 1000);
}

fn frag(id: u32, offset: u16, more: bool) -> Fragment {
    Fragment {
        source: IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
        destination: IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2)),
        identification: id,
        offset,
        more_fragments: more,
        protocol: IpNumber::TCP,
        payload_offset: 0,
        payload_len: 0,
    }
}

#[test]
fn teardrop_overlaps_are_dropped() {
    let mut d = Defragmenter::new(DefragConfig::default());
    let mut dropped = 0;
    for id in 0..1000 {
        let mut on = |e: DefragEvent| {
            if let DefragEvent::Dropped {
                reason: DropReason::Overlap,
                ..
            } = e
            {
                dropped += 1
            }
        };
        // The classic: the second fragment starts inside the first and ends
        // before its end (negative length in old stacks).
        d.push(&frag(id, 0, true), &[0; 48], Duration::ZERO, &mut on);
        d.push(&frag(id, 24, false), &[1; 30], Duration::ZERO, &mut on);
    }
    assert_eq!(dropped, 1000);
    assert_eq!((d.in_progress(), d.held_cost()), (0, 0));
}

#[test]
fn never_completed_datagrams_are_capped_then_expire() {
    let cap = 1 << 20;
    let mut d = Defragmenter::new(DefragConfig {
        max_total: cap,
        ..DefragConfig::default()
    });
    let mut cap_drops = 0u64;
    for id in 0..60_000u32 {
        d.push(&frag(id, 0, true), &[0; 16], Duration::ZERO, &mut |e| {
            if let DefragEvent::Dropped {
                reason: DropReason::MemoryCap,
                ..
            } = e
            {
                cap_drops += 1
            }
        });
        assert!(d.held_cost() <= cap);
    }
    let per = DATAGRAM_OVERHEAD + 16 + CHUNK_OVERHEAD;
    assert_eq!(d.in_progress(), cap / per);
    assert_eq!(cap_drops, 60_000 - (cap / per) as u64);
    let mut timeouts = 0;
    d.expire(Duration::from_secs(31), &mut |e| {
        if let DefragEvent::Dropped {
            reason: DropReason::Timeout,
            ..
        } = e
        {
            timeouts += 1
        }
    });
    assert_eq!(timeouts, cap / per);
    assert_eq!((d.in_progress(), d.held_cost()), (0, 0));
}
