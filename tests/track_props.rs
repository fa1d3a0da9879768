//! Property tests of the tracker on conversations generated with the crate's own
//! header builder, with loss before and after the capture point, duplication and
//! reordering, and on hostile segment soups.
//!
//! What must hold, whatever the perturbation (expected values come from the
//! generator, never from the tracker):
//! * relative seq/ack/nxtseq equal the generator's (sequence number minus the
//!   sender's ISN, acknowledgment minus the receiver's ISN);
//! * SYN and FIN consume one sequence number, the first data byte is 1;
//! * every resent segment (a copy of bytes the capture already holds, or the
//!   resend of bytes lost before the capture point) is flagged retransmission
//!   (fast and spurious retransmissions carry the flag too), never taken as new —
//!   except a one-byte resend of the highest byte, which is a keep-alive on the
//!   wire;
//! * segments sent once and in order are never flagged retransmission or
//!   out-of-order;
//! * after FIN, FIN, ACK the client is in TIME_WAIT and the server CLOSED;
//! * on arbitrary segments, nothing panics, the table never exceeds its limit,
//!   and stream numbers only grow.
#![cfg(feature = "pcap")]

use std::net::SocketAddr;
use std::time::Duration;

use proptest::prelude::*;
use synack::state::{Side, State};
use synack::track::{AnalysisFlags, TrackedSegment, Tracker, TrackerConfig};
use synack::wire::TcpHeader;
use synack::wire::{LinkType, decode};
use synack::{flags::TcpFlags, seq::SeqNum};

const CLIENT: ([u8; 4], u16) = ([10, 1, 0, 1], 40000);
const SERVER: ([u8; 4], u16) = ([10, 1, 0, 2], 80);

/// A raw IPv4 datagram with one TCP segment and `len` zero bytes of payload.
fn datagram(
    from_client: bool,
    seq: u32,
    ack: u32,
    flags: TcpFlags,
    len: usize,
    window: u16,
) -> Vec<u8> {
    let (src, dst) = if from_client {
        (CLIENT, SERVER)
    } else {
        (SERVER, CLIENT)
    };
    let mut h = TcpHeader::new(src.1, dst.1, SeqNum(seq), flags);
    h.acknowledgment_number = SeqNum(ack);
    h.window_size = window;
    let mut tcp = [0u8; 60];
    let hl = h.write(&mut tcp).expect("fits");
    let total = 20 + hl + len;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&[
        0x45,
        0,
        (total >> 8) as u8,
        total as u8,
        0,
        0,
        0x40,
        0,
        64,
        6,
        0,
        0,
    ]);
    out.extend_from_slice(&src.0);
    out.extend_from_slice(&dst.0);
    out.extend_from_slice(&tcp[..hl]);
    out.resize(total, 0);
    out
}

/// What the generator knows about one captured segment.
#[derive(Clone, Debug)]
struct Sent {
    from_client: bool,
    seq: u32,
    ack: u32,
    flags: TcpFlags,
    len: u32,
    /// Time in microseconds.
    time: u64,
    kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Handshake, ACK or FIN: checked for numbers only.
    Control,
    /// Data sent once, in order.
    InOrder,
    /// Data arriving before an earlier segment (reordered): numbers only.
    Reordered,
    /// A copy of bytes sent before, or the resend of bytes lost before capture.
    Resent,
}

/// What happens to one data segment.
#[derive(Clone, Copy, Debug)]
enum Fate {
    Delivered,
    /// Lost before the capture point: only the resend is captured.
    LostBefore,
    /// Captured, lost after the capture point: captured again when resent.
    LostAfter,
    /// Duplicated by the network: captured twice at once.
    Duplicated,
    /// Swapped with the next segment.
    SwappedWithNext,
}

fn fate() -> impl Strategy<Value = Fate> {
    prop_oneof![
        6 => Just(Fate::Delivered),
        1 => Just(Fate::LostBefore),
        1 => Just(Fate::LostAfter),
        1 => Just(Fate::Duplicated),
        1 => Just(Fate::SwappedWithNext),
    ]
}

#[derive(Clone, Debug)]
struct Conversation {
    isn_c: u32,
    isn_s: u32,
    segments: Vec<(u32, Fate)>,
}

fn conversation() -> impl Strategy<Value = Conversation> {
    (
        any::<u32>(),
        any::<u32>(),
        prop::collection::vec((1u32..1400, fate()), 1..40),
    )
        .prop_map(|(isn_c, isn_s, segments)| Conversation {
            isn_c,
            isn_s,
            segments,
        })
}

/// The captured segments, in capture order, with what the generator knows.
fn capture(c: &Conversation) -> Vec<Sent> {
    let (ic, is) = (c.isn_c, c.isn_s);
    let mut out = Vec::new();
    let mut t = 1_000_000u64;
    let push = |out: &mut Vec<Sent>, t: &mut u64, from_client, seq, ack, flags, len, kind| {
        out.push(Sent {
            from_client,
            seq,
            ack,
            flags,
            len,
            time: *t,
            kind,
        });
        *t += 1_000;
    };
    push(
        &mut out,
        &mut t,
        true,
        ic,
        0,
        TcpFlags::SYN,
        0,
        Kind::Control,
    );
    push(
        &mut out,
        &mut t,
        false,
        is,
        ic.wrapping_add(1),
        TcpFlags::SYN | TcpFlags::ACK,
        0,
        Kind::Control,
    );
    push(
        &mut out,
        &mut t,
        true,
        ic.wrapping_add(1),
        is.wrapping_add(1),
        TcpFlags::ACK,
        0,
        Kind::Control,
    );
    // Phase 1: the client sends every segment once (as perturbed).
    let mut offsets = Vec::new();
    let mut off = 1u32;
    for &(len, _) in &c.segments {
        offsets.push(off);
        off += len;
    }
    let total = off - 1;
    let ack_s = is.wrapping_add(1);
    let data = TcpFlags::ACK | TcpFlags::PSH;
    let mut resend = Vec::new();
    let mut i = 0;
    while i < c.segments.len() {
        let (len, f) = c.segments[i];
        let seq = ic.wrapping_add(offsets[i]);
        match f {
            Fate::Delivered => push(&mut out, &mut t, true, seq, ack_s, data, len, Kind::InOrder),
            Fate::LostBefore => resend.push(i),
            Fate::LostAfter => {
                push(&mut out, &mut t, true, seq, ack_s, data, len, Kind::InOrder);
                resend.push(i);
            }
            Fate::Duplicated => {
                push(&mut out, &mut t, true, seq, ack_s, data, len, Kind::InOrder);
                push(&mut out, &mut t, true, seq, ack_s, data, len, Kind::Resent);
            }
            Fate::SwappedWithNext if i + 1 < c.segments.len() => {
                let (len2, _) = c.segments[i + 1];
                let seq2 = ic.wrapping_add(offsets[i + 1]);
                push(
                    &mut out,
                    &mut t,
                    true,
                    seq2,
                    ack_s,
                    data,
                    len2,
                    Kind::Reordered,
                );
                push(
                    &mut out,
                    &mut t,
                    true,
                    seq,
                    ack_s,
                    data,
                    len,
                    Kind::Reordered,
                );
                i += 1;
            }
            Fate::SwappedWithNext => {
                push(&mut out, &mut t, true, seq, ack_s, data, len, Kind::InOrder)
            }
        }
        i += 1;
    }
    // Phase 2, 100 ms later: the resends. The resend of bytes lost before the
    // capture point is recognisable only below the highest byte captured so far;
    // above it, it is the first sight of those bytes, in order.
    let mut high = out
        .iter()
        .filter(|s| s.from_client && s.len > 0)
        .map(|s| s.seq.wrapping_sub(ic) + s.len)
        .max()
        .unwrap_or(1);
    t += 100_000;
    for i in resend {
        let (len, _) = c.segments[i];
        let kind = if offsets[i] < high {
            Kind::Resent
        } else {
            Kind::InOrder
        };
        high = high.max(offsets[i] + len);
        push(
            &mut out,
            &mut t,
            true,
            ic.wrapping_add(offsets[i]),
            ack_s,
            data,
            len,
            kind,
        );
    }
    // Phase 3: the server acknowledges everything, then both close.
    let fin_c = ic.wrapping_add(1).wrapping_add(total);
    push(
        &mut out,
        &mut t,
        false,
        ack_s,
        fin_c,
        TcpFlags::ACK,
        0,
        Kind::Control,
    );
    push(
        &mut out,
        &mut t,
        true,
        fin_c,
        ack_s,
        TcpFlags::FIN | TcpFlags::ACK,
        0,
        Kind::Control,
    );
    push(
        &mut out,
        &mut t,
        false,
        ack_s,
        fin_c.wrapping_add(1),
        TcpFlags::FIN | TcpFlags::ACK,
        0,
        Kind::Control,
    );
    push(
        &mut out,
        &mut t,
        true,
        fin_c.wrapping_add(1),
        ack_s.wrapping_add(1),
        TcpFlags::ACK,
        0,
        Kind::Control,
    );
    out
}

fn run(sent: &[Sent]) -> (Vec<TrackedSegment>, Tracker) {
    let mut tracker = Tracker::new(TrackerConfig::default());
    let mut out = Vec::new();
    for (i, s) in sent.iter().enumerate() {
        let bytes = datagram(s.from_client, s.seq, s.ack, s.flags, s.len as usize, 1000);
        let d = decode(LinkType::RAW, &bytes);
        let p = d.tcp().expect("a TCP segment");
        out.push(tracker.track(i as u64 + 1, Duration::from_micros(s.time), p));
    }
    (out, tracker)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn numbers_and_retransmissions_follow_the_generator(c in conversation()) {
        let sent = capture(&c);
        let (tracked, tracker) = run(&sent);
        for (s, t) in sent.iter().zip(&tracked) {
            let (mine, theirs) = if s.from_client { (c.isn_c, c.isn_s) } else { (c.isn_s, c.isn_c) };
            let syn_fin = u32::from(s.flags.contains(TcpFlags::SYN)) + u32::from(s.flags.contains(TcpFlags::FIN));
            prop_assert_eq!(t.stream, 0);
            prop_assert_eq!(t.side, if s.from_client { Side::Client } else { Side::Server });
            prop_assert_eq!(t.seq, s.seq.wrapping_sub(mine), "seq of {:?}", s);
            prop_assert_eq!(t.offset, Some(u64::from(t.seq)), "offset of {:?}", s);
            let ack = s.flags.contains(TcpFlags::ACK).then(|| s.ack.wrapping_sub(theirs));
            prop_assert_eq!(t.ack, ack, "ack of {:?}", s);
            prop_assert_eq!(t.next_seq, t.seq + s.len + syn_fin, "nxtseq of {:?}", s);
            if s.flags.contains(TcpFlags::SYN) {
                prop_assert_eq!((t.seq, t.next_seq), (0, 1));
            }
            if s.len > 0 {
                prop_assert!(t.seq >= 1, "data starts at 1: {:?}", s);
            }
            let retrans = t.analysis.flags.contains(AnalysisFlags::RETRANSMISSION);
            match s.kind {
                // A one-byte resend of the highest byte is, on the wire, exactly a
                // keep-alive (RFC 9293 §3.8.4: SEG.SEQ = SND.NXT − 1, one octet).
                Kind::Resent => prop_assert!(
                    retrans || (s.len == 1 && t.analysis.flags.contains(AnalysisFlags::KEEP_ALIVE)),
                    "resent but {:?}: {:?}", t.analysis.flags, s
                ),
                Kind::InOrder => prop_assert!(
                    !t.analysis.flags.intersects(AnalysisFlags::RETRANSMISSION | AnalysisFlags::OUT_OF_ORDER),
                    "new data flagged {:?}: {:?}", t.analysis.flags, s
                ),
                Kind::Reordered | Kind::Control => {}
            }
        }
        let last = tracked.last().expect("segments");
        let conn = tracker.connection(last.conn).expect("still tracked");
        prop_assert_eq!(conn.observer().state(Side::Client), State::TimeWait);
        prop_assert_eq!(conn.observer().state(Side::Server), State::Closed);
    }

    #[test]
    fn hostile_segments_stay_bounded(
        segs in prop::collection::vec(
            (0u8..4, 0u8..4, any::<u32>(), any::<u32>(), any::<u16>(), 0usize..64, 0u64..10_000_000),
            1..300,
        ),
        limit in 1usize..8,
    ) {
        let mut tracker = Tracker::new(TrackerConfig {
            max_connections: limit,
            idle_timeout: Duration::from_secs(2),
            msl: Duration::from_millis(500),
            ..TrackerConfig::default()
        });
        let mut highest = 0u64;
        for (i, (a, b, seq, ack, flags, len, time)) in segs.into_iter().enumerate() {
            let mut h = TcpHeader::new(40000 + u16::from(a), 80 + u16::from(b), SeqNum(seq), TcpFlags::from_bits_truncate(flags & 0x0fff));
            h.acknowledgment_number = SeqNum(ack);
            let mut tcp = [0u8; 60];
            let hl = h.write(&mut tcp).expect("fits");
            let total = 20 + hl + len;
            let mut bytes = vec![0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, a, 10, 0, 0, b];
            bytes.extend_from_slice(&tcp[..hl]);
            bytes.resize(total, 0);
            let d = decode(LinkType::RAW, &bytes);
            let Some(p) = d.tcp() else { continue };
            let t = tracker.track(i as u64 + 1, Duration::from_micros(time), p);
            prop_assert!(tracker.len() <= limit);
            prop_assert!(t.stream < tracker.streams());
            prop_assert!(tracker.streams() >= highest);
            highest = tracker.streams();
            prop_assert!(tracker.connection(t.conn).is_some());
            while tracker.poll_event().is_some() {}
        }
        tracker.finish();
        prop_assert!(tracker.is_empty());
    }
}

/// The generator's own sanity: a conversation without perturbation has every
/// data segment in order and nothing flagged.
#[test]
fn clean_conversation_has_no_flags() {
    let c = Conversation {
        isn_c: u32::MAX - 100,
        isn_s: 7,
        segments: vec![
            (100, Fate::Delivered),
            (200, Fate::Delivered),
            (50, Fate::Delivered),
        ],
    };
    let (tracked, _) = run(&capture(&c));
    let seqs: Vec<u32> = tracked.iter().map(|t| t.seq).collect();
    assert_eq!(seqs, [0, 0, 1, 1, 101, 301, 1, 351, 1, 352]);
    assert!(
        tracked.iter().all(|t| t.analysis.flags.is_empty()),
        "{tracked:?}"
    );
}

/// A SocketAddr helper kept for readers: the two endpoints of the conversations.
#[test]
fn endpoints() {
    let c: SocketAddr = (CLIENT.0, CLIENT.1).into();
    let s: SocketAddr = (SERVER.0, SERVER.1).into();
    assert_ne!(c, s);
}

mod sequence_tools {
    use std::collections::BTreeSet;

    use proptest::prelude::*;
    use synack::seq::SeqNum;
    use synack::track::{RangeSet, SeqUnwrapper};

    fn hash_of(set: &RangeSet) -> u64 {
        use std::hash::{BuildHasher, RandomState};
        // One `RandomState` for every call: its keys are fixed per instance.
        static STATE: std::sync::OnceLock<RandomState> = std::sync::OnceLock::new();
        STATE.get_or_init(RandomState::new).hash_one(set)
    }

    proptest! {
        /// Walking a 64-bit offset by steps smaller than 2^31, the unwrapper gives
        /// back every offset from its 32-bit sequence number, across any number of
        /// wraps.
        #[test]
        fn unwrapper_recovers_offsets(base in any::<u32>(), steps in prop::collection::vec(-(1i64 << 30)..(1i64 << 30), 1..200)) {
            let mut u = SeqUnwrapper::new(SeqNum(base));
            let mut off: i64 = 0;
            let mut high: i64 = 0;
            for step in steps {
                // Stay within 2^31 - 1 of the highest offset seen, and not before 0.
                off = (off + step).max(0).max(high - (1 << 30));
                high = high.max(off);
                let seq = SeqNum(base.wrapping_add(off as u32));
                prop_assert_eq!(u.unwrap(seq), Some(off as u64));
                prop_assert_eq!(u.wrap(off as u64), seq);
            }
            prop_assert_eq!(u.highest(), high as u64);
        }

        /// A RangeSet holds exactly the offsets of a model set, as few disjoint,
        /// non-touching ranges as possible, and answers every query like the model.
        #[test]
        fn range_set_matches_a_model(
            ops in prop::collection::vec((0u64..200, 0u64..40, any::<bool>()), 1..60),
            probe in prop::collection::vec((0u64..260, 0u64..30), 1..20),
        ) {
            let mut set = RangeSet::new();
            let mut model = BTreeSet::new();
            for (start, len, remove) in ops {
                if remove {
                    set.remove_below(start);
                    model.retain(|&x| x >= start);
                } else {
                    let new = (start..start + len).filter(|x| !model.contains(x)).count() as u64;
                    prop_assert_eq!(set.insert(start..start + len), new);
                    model.extend(start..start + len);
                }
                prop_assert_eq!(set.total_len(), model.len() as u64);
                let ranges: Vec<_> = set.iter().collect();
                for w in ranges.windows(2) {
                    prop_assert!(w[0].end < w[1].start, "touching or overlapping: {:?}", ranges);
                }
                for r in &ranges {
                    prop_assert!(r.start < r.end);
                }
                prop_assert_eq!(set.range_count(), ranges.len());
                prop_assert_eq!(set.is_empty(), model.is_empty());
                prop_assert_eq!(set.min(), model.iter().next().copied());
                prop_assert_eq!(set.end(), model.iter().next_back().map(|x| x + 1));
            }
            for x in 0..260 {
                prop_assert_eq!(set.contains(x), model.contains(&x));
            }
            // Equal to (and hashed like) a set built straight from its ranges, and
            // empty like a new set once cleared, whatever the history.
            let mut rebuilt = RangeSet::new();
            for r in set.iter() {
                rebuilt.insert(r);
            }
            prop_assert_eq!(&rebuilt, &set);
            prop_assert_eq!(hash_of(&rebuilt), hash_of(&set));
            let mut cleared = set.clone();
            cleared.clear();
            prop_assert_eq!(&cleared, &RangeSet::new());
            prop_assert_eq!(hash_of(&cleared), hash_of(&RangeSet::new()));
            prop_assert_eq!(cleared.is_empty(), true);
            prop_assert_eq!(set == RangeSet::new(), model.is_empty());
            // Different sets hash differently (but for a 2^-64 chance).
            prop_assert_eq!(hash_of(&set) == hash_of(&RangeSet::new()), model.is_empty());
            for (start, len) in probe {
                let r = start..start + len;
                prop_assert_eq!(set.contains_range(r.clone()), r.clone().all(|x| model.contains(&x)));
                prop_assert_eq!(set.intersects(r.clone()), r.clone().any(|x| model.contains(&x)));
                let gap = set.first_gap_after(start);
                let expected = (start..260)
                    .find(|x| !model.contains(x))
                    .filter(|&g| model.range(g..).next().is_some())
                    .map(|g| g..model.range(g..).next().copied().unwrap_or(g));
                prop_assert_eq!(gap, expected);
            }
        }
    }
}
