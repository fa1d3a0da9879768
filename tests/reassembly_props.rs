//! Properties of stream reassembly and IP defragmentation, against simple
//! per-byte reference models written here (not against our own output):
//!
//! * a payload cut into arbitrary segments, reordered, duplicated and with
//!   overlapping retransmissions of the same bytes comes out exactly, with no
//!   gap and no conflict, whatever the ISN (wrap included);
//! * with differing overlaps, the bytes delivered are those a per-byte model of
//!   the policy keeps (first or last received, delivered bytes never change);
//! * with lost segments, the gaps are exactly the holes, offsets and lengths;
//! * the counters add up in every run: delivered bytes and gap bytes cover the
//!   stream to where it reached, and every payload byte pushed is delivered,
//!   a duplicate or dropped (under a cap too);
//! * the same for IP fragments: any order and exact duplicates reassemble the
//!   datagram, a missing fragment never completes it, a partial overlap drops it.

#![cfg(feature = "alloc")]

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use proptest::collection::vec;
use proptest::prelude::*;
use synack::reassembly::{
    Budget, DefragConfig, DefragEvent, Defragmenter, DropReason, OverlapPolicy, StreamConfig,
    StreamEvent, StreamReassembler, StreamSegment,
};
use synack::wire::{Fragment, IpNumber};
use synack::{flags::TcpFlags, seq::SeqNum};

/// What came out of a direction.
#[derive(Debug, Default, PartialEq, Eq)]
struct Out {
    /// offset -> byte, from Data events.
    bytes: BTreeMap<u64, u8>,
    gaps: Vec<(u64, u64)>,
    conflicts: usize,
    fin: Option<u64>,
    /// Every event's start offset continued the previous one.
    contiguous: bool,
}

/// Feeds `(offset, bytes, fin)` segments after a SYN at `isn`, then flushes.
fn run(isn: u32, policy: OverlapPolicy, segs: &[(u64, Vec<u8>, bool)]) -> Out {
    run_capped(isn, policy, usize::MAX, segs)
}

/// [`run`] with the direction holding at most `cap` (as `buffered_cost`).
fn run_capped(isn: u32, policy: OverlapPolicy, cap: usize, segs: &[(u64, Vec<u8>, bool)]) -> Out {
    let mut r = StreamReassembler::new(StreamConfig {
        overlap: policy,
        max_buffered: cap,
    });
    let mut budget = Budget::unlimited();
    let mut out = Out {
        contiguous: true,
        ..Out::default()
    };
    let mut next = 0u64;
    let mut on = |e: StreamEvent<'_>| match e {
        StreamEvent::Data { offset, bytes } => {
            out.contiguous &= offset == next;
            for (i, &b) in bytes.iter().enumerate() {
                out.bytes.insert(offset + i as u64, b);
            }
            next = offset + bytes.len() as u64;
        }
        StreamEvent::Gap { offset, len } => {
            out.contiguous &= offset == next;
            out.gaps.push((offset, len));
            next = offset + len;
        }
        StreamEvent::Conflict { .. } => out.conflicts += 1,
        StreamEvent::Fin { offset } => out.fin = Some(offset),
        _ => {}
    };
    let syn = StreamSegment {
        seq: SeqNum(isn),
        flags: TcpFlags::SYN,
        ack: SeqNum(0),
        payload: &[],
        cut: 0,
    };
    r.push(syn, &mut budget, &mut on);
    for (off, bytes, fin) in segs {
        let mut flags = TcpFlags::ACK;
        if *fin {
            flags |= TcpFlags::FIN;
        }
        let seg = StreamSegment {
            seq: SeqNum(isn.wrapping_add(1).wrapping_add(*off as u32)),
            flags,
            ack: SeqNum(0),
            payload: bytes,
            cut: 0,
        };
        r.push(seg, &mut budget, &mut on);
    }
    r.flush(&mut budget, &mut on);
    assert_eq!(budget.used(), 0, "everything held is released");
    let stats = *r.stats();
    // The counters add up: every offset up to where the stream reached was
    // delivered or reported missing, once; every payload byte pushed was
    // delivered, a duplicate or dropped (nothing is dropped without a cap).
    let gap_bytes: u64 = out.gaps.iter().map(|g| g.1).sum();
    assert_eq!(stats.delivered, out.bytes.len() as u64);
    assert_eq!(
        (stats.gaps, stats.gap_bytes),
        (out.gaps.len() as u64, gap_bytes)
    );
    assert_eq!(stats.delivered + stats.gap_bytes, r.next_offset());
    let pushed: u64 = segs.iter().map(|s| s.1.len() as u64).sum();
    if cap == usize::MAX {
        assert_eq!(stats.dropped_bytes, 0);
    }
    assert_eq!(
        pushed,
        stats.delivered + stats.duplicate_bytes + stats.dropped_bytes
    );
    assert!(stats.peak_buffered <= cap);
    assert!(stats.conflict_bytes <= stats.duplicate_bytes);
    assert_eq!(stats.conflict_bytes > 0, out.conflicts > 0);
    out
}

/// A payload and cut points making segments of it.
fn cut(data: &[u8], cuts: &[usize]) -> Vec<(u64, Vec<u8>)> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (data.len() + 1)).collect();
    points.push(0);
    points.push(data.len());
    points.sort_unstable();
    points.dedup();
    points
        .windows(2)
        .map(|w| (w[0] as u64, data[w[0]..w[1]].to_vec()))
        .collect()
}

/// Reorders `items` by the keys.
fn shuffle<T: Clone>(items: &[T], keys: &[u32]) -> Vec<T> {
    let mut keyed: Vec<(u32, usize)> = (0..items.len())
        .map(|i| (keys.get(i).copied().unwrap_or(0), i))
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| items[i].clone()).collect()
}

fn isn() -> impl Strategy<Value = u32> {
    prop_oneof![any::<u32>(), (0u32..4096).prop_map(|d| u32::MAX - d)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn reordered_duplicated_overlapping_copies_give_the_original(
        isn in isn(),
        data in vec(any::<u8>(), 1..3000),
        cuts in vec(any::<usize>(), 0..40),
        keys in vec(any::<u32>(), 0..120),
        dups in vec(any::<usize>(), 0..20),
        overlaps in vec((any::<usize>(), 1usize..600), 0..20),
        policy in prop_oneof![Just(OverlapPolicy::First), Just(OverlapPolicy::Last)],
    ) {
        let mut segs: Vec<(u64, Vec<u8>, bool)> =
            cut(&data, &cuts).into_iter().map(|(o, b)| (o, b, false)).collect();
        if let Some(last) = segs.last_mut() {
            last.2 = true;
        }
        for d in &dups {
            let s = segs[d % segs.len()].clone();
            segs.push(s);
        }
        // Retransmissions of arbitrary ranges with the same bytes.
        for (start, len) in &overlaps {
            let a = start % data.len();
            let b = (a + len).min(data.len());
            segs.push((a as u64, data[a..b].to_vec(), false));
        }
        let segs = shuffle(&segs, &keys);
        let out = run(isn, policy, &segs);
        let got: Vec<u8> = out.bytes.values().copied().collect();
        prop_assert_eq!(got, data.clone());
        prop_assert_eq!(out.bytes.keys().next_back().copied(), Some(data.len() as u64 - 1));
        prop_assert!(out.gaps.is_empty());
        prop_assert_eq!(out.conflicts, 0);
        prop_assert_eq!(out.fin, Some(data.len() as u64));
        prop_assert!(out.contiguous);
    }

    #[test]
    fn differing_overlaps_follow_the_policy(
        isn in isn(),
        segs in vec((0u64..200, vec(any::<u8>(), 1..40)), 1..40),
        policy in prop_oneof![Just(OverlapPolicy::First), Just(OverlapPolicy::Last)],
    ) {
        let fed: Vec<(u64, Vec<u8>, bool)> =
            segs.iter().map(|(o, b)| (*o, b.clone(), false)).collect();
        let out = run(isn, policy, &fed);
        // Per-byte model: bytes before the delivery frontier are final; held
        // bytes are replaced by later ones only under Last.
        let mut next = 0u64;
        let mut held: BTreeMap<u64, u8> = BTreeMap::new();
        let mut delivered: BTreeMap<u64, u8> = BTreeMap::new();
        for (off, bytes) in &segs {
            for (i, &b) in bytes.iter().enumerate() {
                let at = off + i as u64;
                if at < next {
                    continue;
                }
                match policy {
                    OverlapPolicy::First => {
                        held.entry(at).or_insert(b);
                    }
                    OverlapPolicy::Last => {
                        held.insert(at, b);
                    }
                }
            }
            while let Some(b) = held.remove(&next) {
                delivered.insert(next, b);
                next += 1;
            }
        }
        // The flush delivers what is left, skipping holes.
        delivered.extend(held);
        prop_assert_eq!(out.bytes, delivered);
    }

    /// Under a small cap out-of-order data is dropped, and the counters still
    /// account for every byte (checked in `run_capped`): here with arbitrary,
    /// differing, overlapping segments in any order.
    #[test]
    fn counters_account_for_every_byte_under_a_cap(
        isn in isn(),
        segs in vec((0u64..400, vec(any::<u8>(), 1..60)), 1..60),
        cap in 0usize..600,
        policy in prop_oneof![Just(OverlapPolicy::First), Just(OverlapPolicy::Last)],
    ) {
        let fed: Vec<(u64, Vec<u8>, bool)> =
            segs.iter().map(|(o, b)| (*o, b.clone(), false)).collect();
        let out = run_capped(isn, policy, cap, &fed);
        prop_assert!(out.contiguous);
    }

    #[test]
    fn lost_segments_are_gaps_with_exact_offsets(
        isn in isn(),
        data in vec(any::<u8>(), 1..3000),
        cuts in vec(any::<usize>(), 1..40),
        lost in vec(any::<bool>(), 1..60),
        keys in vec(any::<u32>(), 0..60),
    ) {
        let all = cut(&data, &cuts);
        let n = all.len();
        let mut kept: Vec<(u64, Vec<u8>, bool)> = Vec::new();
        for (i, (o, b)) in all.iter().enumerate() {
            let fin = i + 1 == n;
            if !lost.get(i).copied().unwrap_or(false) {
                kept.push((*o, b.clone(), fin));
            }
        }
        let fin_seen = kept.iter().any(|s| s.2);
        let out = run(isn, OverlapPolicy::First, &shuffle(&kept, &keys));
        // Expected holes: the lost ranges below the last byte received (or
        // below the FIN when it was received), merged when adjacent.
        let end = if fin_seen {
            data.len() as u64
        } else {
            kept.iter().map(|(o, b, _)| o + b.len() as u64).max().unwrap_or(0)
        };
        let mut holes: Vec<(u64, u64)> = Vec::new();
        for (i, (o, b)) in all.iter().enumerate() {
            if lost.get(i).copied().unwrap_or(false) && *o < end {
                let len = b.len() as u64;
                match holes.last_mut() {
                    Some((ho, hl)) if *ho + *hl == *o => *hl += len,
                    _ => holes.push((*o, len)),
                }
            }
        }
        prop_assert_eq!(&out.gaps, &holes);
        for (o, b, _) in &kept {
            for (i, &x) in b.iter().enumerate() {
                prop_assert_eq!(out.bytes.get(&(o + i as u64)), Some(&x));
            }
        }
        prop_assert_eq!(out.fin, fin_seen.then_some(data.len() as u64));
        prop_assert!(out.contiguous);
    }
}

fn fragment(v6: bool, offset: u16, more: bool) -> Fragment {
    let (source, destination) = if v6 {
        (
            IpAddr::V6(Ipv6Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 2)),
        )
    } else {
        (
            IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
            IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
        )
    };
    Fragment {
        source,
        destination,
        identification: 0x1234,
        offset,
        more_fragments: more,
        protocol: IpNumber::TCP,
        payload_offset: 0,
        payload_len: 0,
    }
}

/// Cuts a datagram payload into 8-aligned fragments: (offset, bytes, more).
fn fragments(data: &[u8], cuts: &[usize]) -> Vec<(u16, Vec<u8>, bool)> {
    let mut points: Vec<usize> = cuts.iter().map(|c| (c % (data.len() + 1)) & !7).collect();
    points.push(0);
    points.push(data.len());
    points.sort_unstable();
    points.dedup();
    let n = points.len() - 1;
    points
        .windows(2)
        .enumerate()
        .map(|(i, w)| (w[0] as u16, data[w[0]..w[1]].to_vec(), i + 1 < n))
        .collect()
}

fn feed(v6: bool, frags: &[(u16, Vec<u8>, bool)]) -> (Vec<DefragEvent>, Defragmenter) {
    let mut d = Defragmenter::new(DefragConfig::default());
    let mut ev = Vec::new();
    for (o, b, m) in frags {
        d.push(&fragment(v6, *o, *m), b, Duration::ZERO, &mut |e| {
            ev.push(e)
        });
    }
    (ev, d)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn fragments_in_any_order_with_duplicates_reassemble(
        v6 in any::<bool>(),
        data in vec(any::<u8>(), 1..4000),
        cuts in vec(any::<usize>(), 0..30),
        dups in vec(any::<usize>(), 0..10),
        keys in vec(any::<u32>(), 0..50),
    ) {
        let mut frags = fragments(&data, &cuts);
        for d in &dups {
            let f = frags[d % frags.len()].clone();
            frags.push(f);
        }
        let (ev, d) = feed(v6, &shuffle(&frags, &keys));
        let complete: Vec<&Vec<u8>> = ev
            .iter()
            .filter_map(|e| match e {
                DefragEvent::Complete { datagram, .. } => Some(datagram),
                _ => None,
            })
            .collect();
        // Exactly one datagram; after it, more duplicates may start a new one.
        prop_assert!(!complete.is_empty());
        let header = if v6 { 40 } else { 20 };
        prop_assert_eq!(&complete[0][header..], &data[..]);
        prop_assert!(d.held_cost() <= DefragConfig::default().max_total);
    }

    #[test]
    fn a_missing_fragment_never_completes(
        v6 in any::<bool>(),
        data in vec(any::<u8>(), 16..4000),
        cuts in vec(any::<usize>(), 1..30),
        missing in any::<usize>(),
        keys in vec(any::<u32>(), 0..50),
    ) {
        let mut frags = fragments(&data, &cuts);
        prop_assume!(frags.len() > 1);
        frags.remove(missing % frags.len());
        let (ev, d) = feed(v6, &shuffle(&frags, &keys));
        let completed = ev.iter().any(|e| matches!(e, DefragEvent::Complete { .. }));
        prop_assert!(!completed);
        prop_assert_eq!(d.in_progress(), 1);
    }

    #[test]
    fn a_partial_overlap_drops_the_datagram(
        v6 in any::<bool>(),
        data in vec(any::<u8>(), 64..2000),
        at in 1usize..7,
    ) {
        // Two fragments: [0, 8k) and one starting 8*at bytes before its end.
        let first_len = (data.len() / 2) & !7;
        prop_assume!(first_len > 8 * at);
        let start = first_len - 8 * at;
        let frags = vec![
            (0u16, data[..first_len].to_vec(), true),
            (start as u16, data[start..].to_vec(), false),
        ];
        let (ev, d) = feed(v6, &frags);
        let dropped = ev.iter().any(|e| matches!(e, DefragEvent::Dropped { reason: DropReason::Overlap, .. }));
        prop_assert!(dropped);
        prop_assert_eq!((d.in_progress(), d.held_cost()), (0, 0));
    }
}
