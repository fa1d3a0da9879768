//! Unit tests of the tracker: memory per connection, bounds, expiry and events.

use alloc::vec::Vec;
use core::mem::size_of;
use core::net::{SocketAddr, SocketAddrV4};
use core::time::Duration;

use super::*;
use crate::flags::TcpFlags;
use crate::seq::SeqNum;
use crate::state::{Side, State};
use crate::wire::TcpHeader;
use crate::wire::{LinkType, decode};

/// A raw IPv4 datagram carrying one TCP segment with `len` zero bytes of payload.
fn datagram(
    src: SocketAddr,
    dst: SocketAddr,
    seq: u32,
    ack: u32,
    flags: TcpFlags,
    len: usize,
) -> Vec<u8> {
    let (SocketAddr::V4(s), SocketAddr::V4(d)) = (src, dst) else {
        panic!("IPv4 only");
    };
    let mut h = TcpHeader::new(s.port(), d.port(), SeqNum(seq), flags);
    h.acknowledgment_number = SeqNum(ack);
    h.window_size = 1000;
    ipv4(s, d, &h, len)
}

/// A raw IPv4 datagram from `s` to `d` carrying `h` and `len` zero bytes of payload.
fn ipv4(s: SocketAddrV4, d: SocketAddrV4, h: &TcpHeader, len: usize) -> Vec<u8> {
    let mut tcp = [0u8; 60];
    let hl = h.write(&mut tcp).expect("fits");
    let total = 20 + hl + len;
    let mut out = Vec::with_capacity(total);
    let length = [(total >> 8) as u8, total as u8];
    out.extend_from_slice(&[0x45, 0, length[0], length[1], 0, 0, 0x40, 0, 64, 6, 0, 0]);
    out.extend_from_slice(&s.ip().octets());
    out.extend_from_slice(&d.ip().octets());
    out.extend_from_slice(&tcp[..hl]);
    out.resize(total, 0);
    out
}

fn addr(host: u8, port: u16) -> SocketAddr {
    SocketAddr::from(([10, 0, 0, host], port))
}

fn track(t: &mut Tracker, frame: u64, secs: u64, bytes: &[u8]) -> TrackedSegment {
    let d = decode(LinkType::RAW, bytes);
    let p = d.tcp().expect("a TCP segment");
    t.track(frame, Duration::from_secs(secs), p)
}

/// A three-way handshake on client port `port` at time `secs`.
fn handshake(t: &mut Tracker, frame: &mut u64, secs: u64, port: u16) -> ConnId {
    let (c, s) = (addr(1, port), addr(2, 80));
    let syn = datagram(c, s, 100, 0, TcpFlags::SYN, 0);
    let synack = datagram(s, c, 500, 101, TcpFlags::SYN | TcpFlags::ACK, 0);
    let ack = datagram(c, s, 101, 501, TcpFlags::ACK, 0);
    let mut id = None;
    for b in [syn, synack, ack] {
        *frame += 1;
        id = Some(track(t, *frame, secs, &b).conn);
    }
    id.expect("three segments")
}

/// The per-connection memory: the slab slot (the connection with its activity
/// links) plus one entry of the hash index (a `u32` slot number and hashbrown's
/// control byte, at its 7/8 maximum load, rounded up). An IPv6 connection adds
/// a heap block with its addresses (and room for counter carries), counted here
/// as glibc's malloc allocates it. The unacknowledged-segment list lives on the
/// heap and is not counted: 24 bytes per remembered segment, capped per
/// direction by `max_unacked_segments`, after a 24-byte header (the directions' counts and
/// spans), room for four at least; a connection that is over holds none once
/// nothing is left unacknowledged. Zeek's bookkeeping (opt-in) is counted
/// apart.
#[test]
fn per_connection_memory() {
    let slot = size_of::<Option<super::tracker::Connection>>();
    let observer = size_of::<crate::state::Observer>();
    // hashbrown's table: a u32 slot number and a control byte per bucket, at
    // most 7/8 full.
    let index = ((size_of::<u32>() + 1) * 8).div_ceil(7);
    let total = slot + index;
    // glibc: the request plus an 8-byte header, in 16-byte steps.
    let malloc = |n: usize| (n + 8).div_ceil(16) * 16;
    let extra = malloc(super::tracker::EXTRA_SIZE);
    let zeek = size_of::<super::zeek::ZeekConn>();
    std::eprintln!(
        "per connection: slot {slot} B + index {index} B = {total} B for IPv4, \
         {} B for IPv6 (+{extra} B heap); the observer is {observer} B of it, the \
         rest {} B (analysis {} B); Zeek's bookkeeping (TrackerConfig::zeek) \
         {} B more",
        total + extra,
        total - observer,
        size_of::<super::analysis::ConnAnalysis>(),
        malloc(zeek) + extra,
    );
    // Measured 2026-12-05 (x86-64): everything besides the observer 206 B (was
    // 214 B: each direction's count of unacknowledged segments moved into the
    // header of their list, which holds none without segments). Measured
    // 2026-12-04: the observer 128 B (was 248 B: each side's
    // optional sequence numbers now `u32` slots with presence bits, its flags and
    // the observer's per-side marks bits, its guesses packed), everything else
    // 214 B for IPv4 (was 230 B: the unacknowledged segments' list 8 B smaller,
    // each flow's last non-duplicate ACK frame 4 B), IPv6 80 B more. The issue's
    // 256 B is not met; these bounds keep the figures from growing. Zeek's
    // bookkeeping 464 B (was 384 B: its gap model keeps every out-of-order block,
    // four inline in a `RangeSet`, where it kept two and merged the rest).
    #[cfg(target_pointer_width = "64")]
    {
        assert!(observer <= 128, "{observer} bytes of observer");
        assert!(
            total - observer <= 206,
            "{} bytes besides the observer",
            total - observer
        );
        assert!(extra <= 80, "{extra} bytes more for IPv6");
        assert!(total <= 334, "{total} bytes per connection");
        assert!(zeek <= 464, "{zeek} bytes of Zeek bookkeeping");
    }
}

#[test]
fn streams_sides_and_relative_numbers() {
    let mut t = Tracker::new(TrackerConfig::default());
    let mut frame = 0;
    let id = handshake(&mut t, &mut frame, 1, 40000);
    let data = datagram(
        addr(1, 40000),
        addr(2, 80),
        101,
        501,
        TcpFlags::ACK | TcpFlags::PSH,
        10,
    );
    let seg = track(&mut t, 4, 1, &data);
    assert_eq!(
        (seg.stream, seg.side, seg.seq, seg.ack, seg.next_seq),
        (0, Side::Client, 1, Some(1), 11)
    );
    assert_eq!(seg.conn, id);
    let c = t.connection(id).expect("tracked");
    assert_eq!((c.client(), c.server()), (addr(1, 40000), addr(2, 80)));
    assert_eq!(c.base(Side::Server), Some(SeqNum(500)));
    // The same data again: a retransmission.
    let again = track(&mut t, 5, 2, &data);
    assert!(again.analysis.flags.contains(AnalysisFlags::RETRANSMISSION));
    // A second connection gets stream 1.
    let id2 = handshake(&mut t, &mut frame, 3, 40001);
    assert_eq!(t.connection(id2).map(Connection::stream), Some(1));
    assert_eq!(t.len(), 2);
}

#[test]
fn capture_starting_at_the_syn_ack_makes_its_receiver_the_client() {
    let mut t = Tracker::new(TrackerConfig::default());
    let synack = datagram(
        addr(2, 80),
        addr(1, 40000),
        500,
        101,
        TcpFlags::SYN | TcpFlags::ACK,
        0,
    );
    let s = track(&mut t, 1, 0, &synack);
    assert_eq!(s.side, Side::Server);
    assert_eq!(
        t.connection(s.conn).map(Connection::client),
        Some(addr(1, 40000))
    );
}

#[test]
fn port_reuse_starts_a_new_stream_and_reports_the_old_one() {
    let mut t = Tracker::new(TrackerConfig::default());
    let mut frame = 0;
    let old = handshake(&mut t, &mut frame, 1, 40000);
    let syn = datagram(addr(1, 40000), addr(2, 80), 9000, 0, TcpFlags::SYN, 0);
    let s = track(&mut t, 10, 2, &syn);
    assert_eq!(s.stream, 1);
    assert!(s.analysis.flags.contains(AnalysisFlags::REUSED_PORTS));
    assert!(t.connection(old).is_none(), "the old handle is stale");
    assert!(matches!(t.poll_event(), Some(TrackEvent::Replaced(sum)) if sum.stream == 0));
    // The same SYN again (same ISN) stays in stream 1.
    assert_eq!(track(&mut t, 11, 3, &syn).stream, 1);
}

#[test]
fn table_limit_evicts_the_least_recently_active() {
    let mut t = Tracker::new(TrackerConfig {
        max_connections: 2,
        ..TrackerConfig::default()
    });
    let mut frame = 0;
    let a = handshake(&mut t, &mut frame, 1, 40000);
    let b = handshake(&mut t, &mut frame, 2, 40001);
    // `a` becomes the most recently active.
    let data = datagram(addr(1, 40000), addr(2, 80), 101, 501, TcpFlags::ACK, 5);
    frame += 1;
    track(&mut t, frame, 3, &data);
    let c = handshake(&mut t, &mut frame, 4, 40002);
    assert_eq!(t.len(), 2);
    assert!(t.connection(a).is_some() && t.connection(c).is_some());
    assert!(t.connection(b).is_none());
    match t.poll_event() {
        Some(TrackEvent::Evicted(sum)) => {
            assert_eq!(
                (sum.stream, sum.packets, sum.client),
                (1, [2, 1], addr(1, 40001))
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(t.poll_event().is_none());
}

#[test]
fn idle_and_closed_connections_expire_by_capture_time() {
    let mut t = Tracker::new(TrackerConfig {
        idle_timeout: Duration::from_secs(60),
        msl: Duration::from_secs(10),
        ..TrackerConfig::default()
    });
    let mut frame = 0;
    handshake(&mut t, &mut frame, 0, 40000);
    let closed = handshake(&mut t, &mut frame, 0, 40001);
    let (c, s) = (addr(1, 40001), addr(2, 80));
    for (i, b) in [
        datagram(c, s, 101, 501, TcpFlags::FIN | TcpFlags::ACK, 0),
        datagram(s, c, 501, 102, TcpFlags::FIN | TcpFlags::ACK, 0),
        datagram(c, s, 102, 502, TcpFlags::ACK, 0),
    ]
    .iter()
    .enumerate()
    {
        track(&mut t, 100 + i as u64, 1, b);
    }
    let obs = t
        .connection(closed)
        .map(|c| *c.observer())
        .expect("tracked");
    assert_eq!(
        (obs.state(Side::Client), obs.state(Side::Server)),
        (State::TimeWait, State::Closed)
    );
    // 2·MSL after the last segment the closed one leaves; the idle one stays.
    t.advance_time(Duration::from_secs(20));
    assert!(t.poll_event().is_none());
    t.advance_time(Duration::from_secs(21));
    match t.poll_event() {
        Some(TrackEvent::Closed(sum)) => {
            assert_eq!(sum.stream, 1);
            assert!(
                sum.states[0].contains(State::TimeWait) && sum.states[0].contains(State::FinWait2)
            );
            assert_eq!(sum.final_states, [State::TimeWait, State::Closed]);
        }
        other => panic!("{other:?}"),
    }
    t.advance_time(Duration::from_secs(60));
    assert!(matches!(t.poll_event(), Some(TrackEvent::Expired(sum)) if sum.stream == 0));
    assert!(t.is_empty());
}

#[test]
fn finish_reports_every_connection_in_stream_order() {
    let mut t = Tracker::new(TrackerConfig::default());
    let mut frame = 0;
    for p in [40005, 40001, 40003] {
        handshake(&mut t, &mut frame, 1, p);
    }
    t.finish();
    let streams: Vec<u64> = t
        .drain_events()
        .map(|e| match e {
            TrackEvent::Finished(s) => s.stream,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(streams, [0, 1, 2]);
    assert!(t.is_empty());
}

#[test]
fn analysis_tags_read_like_wireshark() {
    let a = Analysis {
        flags: AnalysisFlags::DUPLICATE_ACK,
        duplicate_ack: Some(DuplicateAck {
            number: 1,
            frame: 12,
        }),
        ..Analysis::default()
    };
    assert_eq!(std::format!("{}", a.tags()), "[TCP Dup ACK 12#1]");
    let r = Analysis {
        flags: AnalysisFlags::RETRANSMISSION | AnalysisFlags::FAST_RETRANSMISSION,
        ..Analysis::default()
    };
    assert_eq!(std::format!("{}", r.tags()), "[TCP Fast Retransmission]");
    assert_eq!(
        AnalysisFlags::from_wireshark_name("zero_window_probe_ack"),
        Some(AnalysisFlags::ZERO_WINDOW_PROBE_ACK)
    );
    assert_eq!(AnalysisFlags::all().names().count(), 15);
}

/// Each flag's field name (`tcp.analysis.<name>`) and Info-column text, as
/// Wireshark's `packet-tcp.c` registers and prints them, written out here by
/// hand; a set of several flags has neither, and several tags print in
/// DESIGN.md's order with one space between.
#[test]
fn every_flag_has_wireshark_name_and_tag() {
    let table = [
        (
            AnalysisFlags::RETRANSMISSION,
            "retransmission",
            "TCP Retransmission",
        ),
        (
            AnalysisFlags::FAST_RETRANSMISSION,
            "fast_retransmission",
            "TCP Fast Retransmission",
        ),
        (
            AnalysisFlags::SPURIOUS_RETRANSMISSION,
            "spurious_retransmission",
            "TCP Spurious Retransmission",
        ),
        (
            AnalysisFlags::OUT_OF_ORDER,
            "out_of_order",
            "TCP Out-Of-Order",
        ),
        (
            AnalysisFlags::LOST_SEGMENT,
            "lost_segment",
            "TCP Previous segment not captured",
        ),
        (
            AnalysisFlags::ACK_LOST_SEGMENT,
            "ack_lost_segment",
            "TCP ACKed unseen segment",
        ),
        (AnalysisFlags::DUPLICATE_ACK, "duplicate_ack", "TCP Dup ACK"),
        (AnalysisFlags::ZERO_WINDOW, "zero_window", "TCP ZeroWindow"),
        (
            AnalysisFlags::ZERO_WINDOW_PROBE,
            "zero_window_probe",
            "TCP ZeroWindowProbe",
        ),
        (
            AnalysisFlags::ZERO_WINDOW_PROBE_ACK,
            "zero_window_probe_ack",
            "TCP ZeroWindowProbeAck",
        ),
        (AnalysisFlags::WINDOW_FULL, "window_full", "TCP Window Full"),
        (
            AnalysisFlags::WINDOW_UPDATE,
            "window_update",
            "TCP Window Update",
        ),
        (AnalysisFlags::KEEP_ALIVE, "keep_alive", "TCP Keep-Alive"),
        (
            AnalysisFlags::KEEP_ALIVE_ACK,
            "keep_alive_ack",
            "TCP Keep-Alive ACK",
        ),
        (
            AnalysisFlags::REUSED_PORTS,
            "reused_ports",
            "TCP Port numbers reused",
        ),
    ];
    for (flag, name, tag) in table {
        assert_eq!(flag.wireshark_name(), Some(name));
        assert_eq!(AnalysisFlags::from_wireshark_name(name), Some(flag));
        assert_eq!(flag.tag(), Some(tag));
        assert_eq!(flag.names().collect::<Vec<_>>(), [name]);
        if flag != AnalysisFlags::DUPLICATE_ACK {
            let a = Analysis {
                flags: flag,
                ..Analysis::default()
            };
            assert_eq!(std::format!("{}", a.tags()), std::format!("[{tag}]"));
        }
    }
    let two = AnalysisFlags::LOST_SEGMENT | AnalysisFlags::ZERO_WINDOW;
    assert_eq!(two.wireshark_name(), None);
    assert_eq!(two.tag(), None);
    assert_eq!(AnalysisFlags::empty().tag(), None);
    assert_eq!(
        AnalysisFlags::from_wireshark_name("TCP Retransmission"),
        None
    );
    let a = Analysis {
        flags: two | AnalysisFlags::RETRANSMISSION | AnalysisFlags::SPURIOUS_RETRANSMISSION,
        ..Analysis::default()
    };
    assert_eq!(
        std::format!("{}", a.tags()),
        "[TCP Spurious Retransmission] [TCP Previous segment not captured] [TCP ZeroWindow]"
    );
    assert_eq!(std::format!("{}", Analysis::default().tags()), "");
}

#[test]
fn offsets_keep_counting_past_four_gibibytes() {
    let mut t = Tracker::new(TrackerConfig::default());
    let mut frame = 0;
    handshake(&mut t, &mut frame, 1, 40000);
    let (c, s) = (addr(1, 40000), addr(2, 80));
    let len: u32 = 60_000;
    let n = (1u64 << 32) / u64::from(len) + 10;
    let mut last = None;
    for i in 0..n {
        let seq = 101u32.wrapping_add((i as u32).wrapping_mul(len));
        frame += 1;
        // Only the headers are captured (as with a short snap length): the IP
        // length still says `len` payload bytes.
        let mut bytes = datagram(c, s, seq, 501, TcpFlags::ACK, 0);
        let total = (bytes.len() as u16 + len as u16).to_be_bytes();
        bytes[2..4].copy_from_slice(&total);
        let seg = track(&mut t, frame, 2, &bytes);
        assert_eq!(seg.offset, Some(1 + i * u64::from(len)), "segment {i}");
        assert!(!seg.analysis.flags.contains(AnalysisFlags::RETRANSMISSION));
        if i % 64 == 63 {
            frame += 1;
            let ack = seq.wrapping_add(len);
            track(
                &mut t,
                frame,
                2,
                &datagram(s, c, 501, ack, TcpFlags::ACK, 0),
            );
        }
        last = seg.offset;
    }
    assert!(last.is_some_and(|o| o > 1 << 32));
    // The client's payload counter passed 2^32 (its high half is carried apart):
    // every byte counted, by hand: n segments of `len` bytes.
    t.finish();
    let summary = t.poll_event().map(|e| *e.summary()).expect("finished");
    assert_eq!(summary.payload_bytes, [n * u64::from(len), 0]);
    assert_eq!(summary.packets, [2 + n, 1 + n / 64]);
    assert_eq!(
        summary.ip_bytes[0],
        2 * 40 + n * (40 + u64::from(len)),
        "IP + TCP headers (20 + 20) and the payload, each segment"
    );
}

/// A raw IPv6 datagram carrying one TCP segment without payload.
fn datagram6(src: SocketAddr, dst: SocketAddr, seq: u32, ack: u32, flags: TcpFlags) -> Vec<u8> {
    let (SocketAddr::V6(s), SocketAddr::V6(d)) = (src, dst) else {
        panic!("IPv6 only");
    };
    let mut h = TcpHeader::new(s.port(), d.port(), SeqNum(seq), flags);
    h.acknowledgment_number = SeqNum(ack);
    h.window_size = 1000;
    let mut tcp = [0u8; 60];
    let hl = h.write(&mut tcp).expect("fits");
    let mut out = Vec::with_capacity(40 + hl);
    out.extend_from_slice(&[0x60, 0, 0, 0, 0, hl as u8, 6, 64]);
    out.extend_from_slice(&s.ip().octets());
    out.extend_from_slice(&d.ip().octets());
    out.extend_from_slice(&tcp[..hl]);
    out
}

/// IPv6 endpoints live outside the connection's slot: they must come back the
/// same, sides and streams as for IPv4, and a v4 pair with the same low bits
/// must not be taken for it.
#[test]
fn ipv6_connections_keep_their_endpoints() {
    let mut t = Tracker::new(TrackerConfig::default());
    let c: SocketAddr = "[2001:db8::1]:40000".parse().expect("address");
    let s: SocketAddr = "[2001:db8::2]:443".parse().expect("address");
    let syn = track(&mut t, 1, 1, &datagram6(c, s, 100, 0, TcpFlags::SYN));
    let synack = track(
        &mut t,
        2,
        1,
        &datagram6(s, c, 500, 101, TcpFlags::SYN | TcpFlags::ACK),
    );
    assert_eq!((syn.stream, synack.stream), (0, 0));
    assert_eq!((syn.side, synack.side), (Side::Client, Side::Server));
    assert_eq!(synack.ack, Some(1));
    let conn = t.connection(syn.conn).expect("tracked");
    assert_eq!((conn.client(), conn.server()), (c, s));
    // An IPv4 connection on the same ports is another stream.
    let v4 = track(
        &mut t,
        3,
        1,
        &datagram(addr(1, 40000), addr(2, 443), 7, 0, TcpFlags::SYN, 0),
    );
    assert_eq!(v4.stream, 1);
    t.finish();
    let summaries: Vec<ConnectionSummary> = t.drain_events().map(|e| *e.summary()).collect();
    assert_eq!(summaries.len(), 2);
    assert_eq!((summaries[0].client, summaries[0].server), (c, s));
    assert_eq!(summaries[0].packets, [1, 1]);
    assert_eq!(summaries[0].ip_bytes, [60, 60], "40 + 20 bytes each");
}

/// The analysis keeps its times as ages behind the connection's latest time,
/// saturating at 2^32 − 1 ns (4.29 s): a peer segment that long ago counts as
/// long ago, which is what Wireshark's 20 ms fast-retransmission test gives too.
/// Here two duplicate ACKs come 5 s after the data; the retransmission right
/// after them is fast, one 5 s later is not (tshark: `t < 20 ms` on the peer's
/// last segment).
#[test]
fn fast_retransmission_window_survives_long_gaps() {
    let mut t = Tracker::new(TrackerConfig::default());
    let mut frame = 0;
    handshake(&mut t, &mut frame, 1, 40000);
    let (c, s) = (addr(1, 40000), addr(2, 80));
    let ms = |t: &mut Tracker, frame: u64, ms: u64, bytes: &[u8]| {
        let d = decode(LinkType::RAW, bytes);
        let p = d.tcp().expect("a TCP segment");
        t.track(frame, Duration::from_millis(ms), p)
    };
    let data = |seq| datagram(c, s, seq, 501, TcpFlags::ACK, 100);
    ms(&mut t, 4, 1_000, &data(101));
    ms(&mut t, 5, 1_001, &data(201)); // lost at the receiver
    ms(&mut t, 6, 1_002, &data(301));
    let dup = datagram(s, c, 501, 201, TcpFlags::ACK, 0);
    ms(&mut t, 7, 6_000, &dup);
    ms(&mut t, 8, 6_001, &dup);
    let d2 = ms(&mut t, 9, 6_002, &dup);
    assert!(d2.analysis.flags.contains(AnalysisFlags::DUPLICATE_ACK));
    let fast = ms(&mut t, 10, 6_010, &data(201));
    assert!(
        fast.analysis
            .flags
            .contains(AnalysisFlags::FAST_RETRANSMISSION),
        "{:?}",
        fast.analysis.flags
    );
    let late = ms(&mut t, 11, 11_010, &data(201));
    assert!(late.analysis.flags.contains(AnalysisFlags::RETRANSMISSION));
    assert!(
        !late
            .analysis
            .flags
            .contains(AnalysisFlags::FAST_RETRANSMISSION)
    );
}

/// REFERENCE.md §3.16: a synthetic conversation whose every analysis result was
/// read from tshark 4.0.17 (client 10.0.0.1:40000, server 10.0.0.2:80, window
/// scale 7 both ways, 100-byte segments). Times in milliseconds are chosen to give
/// the RTTs tshark printed. Expected values are tshark's, as recorded there.
#[test]
fn reference_scenario_matches_tshark_4_0_17() {
    use crate::wire::{SackBlocks, TcpOption};

    struct F {
        c2s: bool,
        port: u16,
        seq: u32,
        ack: u32,
        flags: TcpFlags,
        len: usize,
        win: u16,
        ms: u64,
        ws: bool,
        sack: Option<(u32, u32)>,
    }
    let f = |c2s, seq, ack, flags, len, win, ms| F {
        c2s,
        port: 40000,
        seq,
        ack,
        flags,
        len,
        win,
        ms,
        ws: false,
        sack: None,
    };
    let (a, pa, s, sa, fa) = (
        TcpFlags::ACK,
        TcpFlags::PSH | TcpFlags::ACK,
        TcpFlags::SYN,
        TcpFlags::SYN | TcpFlags::ACK,
        TcpFlags::FIN | TcpFlags::ACK,
    );
    let (c, sv) = (1000u32, 5000u32); // ISNs
    let mut frames = vec![
        F {
            ws: true,
            ..f(true, c, 0, s, 0, 64240, 0)
        }, // 1
        F {
            ws: true,
            ..f(false, sv, c + 1, sa, 0, 65160, 10)
        }, // 2
        f(true, c + 1, sv + 1, a, 0, 502, 20),      // 3
        f(true, c + 1, sv + 1, pa, 100, 502, 30),   // 4
        f(false, sv + 1, c + 101, a, 0, 500, 40),   // 5
        f(true, c + 101, sv + 1, pa, 100, 502, 50), // 6
        f(true, c + 201, sv + 1, pa, 100, 502, 51), // 7
        f(false, sv + 1, c + 101, a, 0, 500, 60),   // 8
        f(false, sv + 1, c + 101, a, 0, 500, 61),   // 9
        f(false, sv + 1, c + 101, a, 0, 500, 62),   // 10
        F {
            ms: 62,
            ..f(true, c + 101, sv + 1, pa, 100, 502, 62)
        }, // 11 (0.5 ms later, below)
        f(false, sv + 1, c + 301, a, 0, 500, 74),   // 12
        f(true, c + 401, sv + 1, pa, 100, 502, 80), // 13
        f(false, sv + 1, c + 501, a, 0, 500, 90),   // 14
        f(false, sv + 1, c + 501, a, 0, 1000, 91),  // 15
        f(true, c + 500, sv + 1, a, 0, 502, 100),   // 16
        f(false, sv + 1, c + 501, a, 0, 1000, 101), // 17
        f(false, sv + 1, c + 501, a, 0, 0, 102),    // 18
        f(true, c + 501, sv + 1, pa, 1, 502, 110),  // 19
        f(false, sv + 1, c + 501, a, 0, 0, 111),    // 20
        f(false, sv + 1, c + 501, a, 0, 509, 112),  // 21
        f(true, c + 1, sv + 1, pa, 100, 502, 120),  // 22
        f(true, c + 401, sv + 1, pa, 100, 502, 121), // 23
        f(true, c + 501, sv + 1, fa, 0, 502, 130),  // 24
        f(false, sv + 1, c + 502, fa, 0, 509, 131), // 25
        f(true, c + 502, sv + 2, a, 0, 502, 132),   // 26
        F {
            ws: true,
            ..f(true, 77_000, 0, s, 0, 64240, 140)
        }, // 27
    ];
    let g = |c2s, seq, ack, flags, len, win, ms| F {
        port: 40001,
        ..f(c2s, seq, ack, flags, len, win, ms)
    };
    let (c2, s2) = (9000u32, 20000u32);
    frames.extend([
        F {
            ws: true,
            ..g(true, c2, 0, s, 0, 64240, 200)
        }, // 28
        F {
            ws: true,
            ..g(false, s2, c2 + 1, sa, 0, 65160, 250)
        }, // 29
        g(true, c2 + 1, s2 + 1, a, 0, 502, 300),      // 30
        g(true, c2 + 1, s2 + 1, pa, 100, 502, 301),   // 31
        g(true, c2 + 201, s2 + 1, pa, 100, 502, 302), // 32
        g(true, c2 + 101, s2 + 1, pa, 100, 502, 303), // 33
        F {
            sack: Some((c2 + 201, c2 + 301)),
            ..g(false, s2 + 1, c2 + 101, a, 0, 500, 304)
        }, // 34
        F {
            sack: Some((c2 + 201, c2 + 301)),
            ..g(false, s2 + 1, c2 + 101, a, 0, 500, 305)
        }, // 35
    ]);
    let mut t = Tracker::new(TrackerConfig::default());
    let mut out = Vec::new();
    for (i, fr) in frames.iter().enumerate() {
        let (cl, sv_addr) = (addr(1, fr.port), addr(2, 80));
        let (src, dst) = if fr.c2s { (cl, sv_addr) } else { (sv_addr, cl) };
        let (SocketAddr::V4(s4), SocketAddr::V4(d4)) = (src, dst) else {
            unreachable!()
        };
        let mut h = TcpHeader::new(s4.port(), d4.port(), SeqNum(fr.seq), fr.flags);
        h.acknowledgment_number = SeqNum(fr.ack);
        h.window_size = fr.win;
        if fr.ws {
            h.options.push(&TcpOption::WindowScale(7)).expect("fits");
        }
        if let Some((l, r)) = fr.sack {
            let mut storage = [0u8; 32];
            let blocks =
                SackBlocks::encode(&[(SeqNum(l), SeqNum(r))], &mut storage).expect("one block");
            h.options.push(&TcpOption::Sack(blocks)).expect("fits");
        }
        let mut tcp = [0u8; 60];
        let hl = h.write(&mut tcp).expect("fits");
        let total = 20 + hl + fr.len;
        let mut bytes = vec![
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
        ];
        bytes.extend_from_slice(&s4.ip().octets());
        bytes.extend_from_slice(&d4.ip().octets());
        bytes.extend_from_slice(&tcp[..hl]);
        bytes.resize(total, 0);
        // Frame 11 comes half a millisecond after frame 10.
        let us = 1_000_000 + fr.ms * 1000 + if i == 10 { 500 } else { 0 };
        let d = decode(LinkType::RAW, &bytes);
        out.push(t.track(
            i as u64 + 1,
            Duration::from_micros(us),
            d.tcp().expect("TCP"),
        ));
    }
    use AnalysisFlags as A;
    let flags = |n: usize| out[n - 1].analysis.flags;
    let ms = |x: u64| Some(Duration::from_millis(x));
    assert_eq!(out[0].stream, 0);
    assert_eq!(
        (out[1].analysis.acks_frame, out[1].analysis.ack_rtt),
        (Some(1), ms(10))
    );
    assert_eq!(out[2].analysis.initial_rtt, ms(20));
    assert_eq!(out[2].window_scaled, Some(502 << 7));
    assert_eq!(out[3].analysis.bytes_in_flight, Some(100));
    assert_eq!(out[4].analysis.ack_rtt, ms(10));
    assert_eq!(
        (
            out[5].analysis.bytes_in_flight,
            out[6].analysis.bytes_in_flight
        ),
        (Some(100), Some(200))
    );
    for (n, num) in [(8, 1), (9, 2), (10, 3)] {
        assert_eq!(flags(n), A::DUPLICATE_ACK, "frame {n}");
        assert_eq!(
            out[n - 1].analysis.duplicate_ack,
            Some(DuplicateAck {
                number: num,
                frame: 5
            })
        );
    }
    assert_eq!(flags(11), A::FAST_RETRANSMISSION | A::RETRANSMISSION);
    assert_eq!(out[10].analysis.bytes_in_flight, Some(200));
    assert_eq!(
        (out[11].analysis.acks_frame, out[11].analysis.ack_rtt),
        (Some(7), ms(23))
    );
    assert_eq!(flags(13), A::LOST_SEGMENT);
    assert_eq!(out[12].analysis.bytes_in_flight, None);
    assert_eq!(flags(14), A::ACK_LOST_SEGMENT);
    assert_eq!(out[13].analysis.ack_rtt, ms(10));
    assert_eq!(flags(15), A::WINDOW_UPDATE);
    assert_eq!(flags(16), A::KEEP_ALIVE);
    assert_eq!(flags(17), A::KEEP_ALIVE_ACK);
    assert_eq!(flags(18), A::ZERO_WINDOW);
    assert_eq!(flags(19), A::ZERO_WINDOW_PROBE);
    assert_eq!(out[18].analysis.bytes_in_flight, Some(1));
    assert_eq!(flags(20), A::ZERO_WINDOW | A::ZERO_WINDOW_PROBE_ACK);
    assert_eq!(flags(21), A::WINDOW_UPDATE);
    assert_eq!(flags(22), A::SPURIOUS_RETRANSMISSION | A::RETRANSMISSION);
    assert_eq!(out[21].analysis.bytes_in_flight, Some(501));
    assert_eq!(flags(23), A::SPURIOUS_RETRANSMISSION | A::RETRANSMISSION);
    for n in 24..=26 {
        assert_eq!(flags(n), A::empty(), "frame {n}");
    }
    assert_eq!((out[26].stream, flags(27)), (1, A::REUSED_PORTS));
    assert_eq!((out[27].stream, out[29].analysis.initial_rtt), (2, ms(100)));
    assert_eq!(flags(32), A::LOST_SEGMENT);
    assert_eq!(flags(33), A::OUT_OF_ORDER);
    assert_eq!(flags(34), A::empty());
    assert_eq!(flags(35), A::DUPLICATE_ACK);
    assert_eq!(out[34].analysis.duplicate_ack.map(|d| d.number), Some(1));
}

/// An ACK of data never seen when the capture lost the sender's last segment
/// (`maxseqtobeacked` is not before `nextseq`): "ACKed unseen segment", and the
/// sender's duplicate-ACK count restarts at #1. Expected values from tshark 4.0.17
/// on the same seven frames written as a pcap (frame 5: `ack_lost_segment`;
/// frames 6 and 7: `duplicate_ack_num` 1 and 2, `duplicate_ack_frame` 3).
#[test]
fn acked_unseen_at_the_end_restarts_the_dup_ack_count() {
    let mut t = Tracker::new(TrackerConfig::default());
    let (c, s) = (addr(1, 40000), addr(2, 80));
    let frames = [
        datagram(c, s, 100, 0, TcpFlags::SYN, 0),
        datagram(s, c, 500, 101, TcpFlags::SYN | TcpFlags::ACK, 0),
        datagram(c, s, 101, 501, TcpFlags::ACK, 0),
        datagram(c, s, 101, 501, TcpFlags::ACK | TcpFlags::PSH, 100),
        // 201..301 from the client is not in the capture.
        datagram(s, c, 501, 301, TcpFlags::ACK, 0),
        datagram(c, s, 201, 501, TcpFlags::ACK, 0),
        datagram(c, s, 201, 501, TcpFlags::ACK, 0),
    ];
    let out: Vec<_> = frames
        .iter()
        .enumerate()
        .map(|(i, b)| track(&mut t, i as u64 + 1, 1000 + i as u64, b))
        .collect();
    assert_eq!(out[4].analysis.flags, AnalysisFlags::ACK_LOST_SEGMENT);
    for (i, number) in [(5, 1), (6, 2)] {
        assert_eq!(out[i].analysis.flags, AnalysisFlags::DUPLICATE_ACK);
        assert_eq!(
            out[i].analysis.duplicate_ack,
            Some(DuplicateAck { number, frame: 3 }),
            "frame {}",
            i + 1
        );
    }
}

/// Zeek's bookkeeping exists only when asked for, and is the connection's own.
/// The test frames carry a zero TCP checksum, which Zeek counts as bad before
/// anything else: its history is `Cc` (a bad checksum from the originator, one
/// from the responder, each letter once), not the `ShA` of a clean handshake.
#[test]
fn zeek_bookkeeping_only_when_asked() {
    let mut frame = 0;
    let mut t = Tracker::new(TrackerConfig::default());
    let id = handshake(&mut t, &mut frame, 1, 40000);
    let c = t.connection(id).expect("tracked");
    assert!(c.zeek().is_none() && c.summary().zeek.is_none());

    let mut frame = 0;
    let mut t = Tracker::new(TrackerConfig::default().with_zeek(true));
    let id = handshake(&mut t, &mut frame, 1, 40000);
    let c = t.connection(id).expect("tracked");
    let zeek = c.zeek().expect("kept").summary();
    assert_eq!(zeek.history.as_str(), "Cc");
    assert_eq!(c.summary().zeek.map(|z| z.history), Some(zeek.history));
}

// ---- Tests killing surviving mutants of the packed flows (H7e's rewrite) ----

/// Frame numbers are the caller's (`Tracker::track`'s `frame`); past 2^32 the
/// frames an analysis names (`acks_frame`, the duplicated ACK's frame) keep their
/// high 32 bits. Expected values: the frames fed in.
#[test]
fn frames_past_2_to_32_are_reported_whole() {
    let mut t = Tracker::new(TrackerConfig::default());
    let base: u64 = 5 * (1 << 32) + 7; // high half 5, low half 7
    let mut frame = base;
    handshake(&mut t, &mut frame, 1, 4000);
    let (c, s) = (addr(1, 4000), addr(2, 80));
    // Client data, 10 bytes at relative seq 1 (frame base + 4).
    frame += 1;
    let data_frame = frame;
    track(
        &mut t,
        frame,
        1,
        &datagram(c, s, 101, 501, TcpFlags::ACK | TcpFlags::PSH, 10),
    );
    // The server's ACK of it names that frame.
    frame += 1;
    let ack_frame = frame;
    let r = track(
        &mut t,
        frame,
        1,
        &datagram(s, c, 501, 111, TcpFlags::ACK, 0),
    );
    assert_eq!(r.analysis.acks_frame, Some(data_frame));
    // The same ACK again: duplicate #1 of the ACK's frame.
    frame += 1;
    let r = track(
        &mut t,
        frame,
        1,
        &datagram(s, c, 501, 111, TcpFlags::ACK, 0),
    );
    assert_eq!(
        r.analysis.duplicate_ack,
        Some(DuplicateAck {
            number: 1,
            frame: ack_frame
        })
    );
}

/// `Connection::unacked_segments` counts each side's segments that carry
/// sequence space (data, SYN, FIN) until an ACK covers them.
#[test]
fn unacked_segments_count_what_is_not_yet_acknowledged() {
    let mut t = Tracker::new(TrackerConfig::default());
    let mut frame = 0;
    let id = handshake(&mut t, &mut frame, 1, 4001);
    let (c, s) = (addr(1, 4001), addr(2, 80));
    let unacked = |t: &Tracker, side| t.connection(id).expect("tracked").unacked_segments(side);
    for i in 0..3u32 {
        frame += 1;
        track(
            &mut t,
            frame,
            1,
            &datagram(c, s, 101 + 10 * i, 501, TcpFlags::ACK, 10),
        );
    }
    assert_eq!(unacked(&t, Side::Client), 3);
    assert_eq!(unacked(&t, Side::Server), 0);
    let room = |t: &Tracker| t.connection(id).expect("tracked").analysis.unacked_room();
    // The SYN was acknowledged by the SYN,ACK: the list had gone and came back
    // for the data, with room for four after its header.
    assert_eq!(room(&t), 5);
    // ACKs of the first two, then of the third.
    for (ack, left) in [(121, 1), (131, 0)] {
        frame += 1;
        track(
            &mut t,
            frame,
            1,
            &datagram(s, c, 501, ack, TcpFlags::ACK, 0),
        );
        assert_eq!(unacked(&t, Side::Client), left, "after ACK {ack}");
        assert_eq!(room(&t), 5, "after ACK {ack}");
    }
    // The close: the list keeps its memory until the connection is over with
    // nothing left unacknowledged.
    let fin = TcpFlags::FIN | TcpFlags::ACK;
    for (from, to, seq, ack, flags, held) in [
        (c, s, 131, 501, fin, 5),
        (s, c, 501, 132, fin, 5),
        (c, s, 132, 502, TcpFlags::ACK, 0),
    ] {
        frame += 1;
        track(&mut t, frame, 1, &datagram(from, to, seq, ack, flags, 0));
        assert_eq!(room(&t), held, "after frame {frame}");
    }
    assert_eq!(unacked(&t, Side::Client) + unacked(&t, Side::Server), 0);
}

/// Feeds the server's side of a connection whose capture starts mid-stream
/// (the server's base guessed from the client's ACK: 4999), advancing the
/// server's offsets past 2^32 with three forward jumps of 0x7000_0000, then a
/// SYN,ACK of the server with sequence number `syn_seq`; returns its offset.
fn offset_of_a_late_syn_ack(syn_seq: u32) -> Option<u64> {
    let mut t = Tracker::new(TrackerConfig::default());
    let (c, s) = (addr(1, 4002), addr(2, 80));
    let mut frame = 1;
    // The client's ACK sets the server's base to 5000 - 1.
    track(
        &mut t,
        frame,
        1,
        &datagram(c, s, 1000, 5000, TcpFlags::ACK, 0),
    );
    let mut seq = 5000u32;
    let mut expected = 1u64;
    for _ in 0..4 {
        frame += 1;
        let r = track(
            &mut t,
            frame,
            1,
            &datagram(s, c, seq, 1000, TcpFlags::ACK, 10),
        );
        assert_eq!(r.offset, Some(expected), "offset of server seq {seq:#x}");
        seq = seq.wrapping_add(0x7000_0000);
        expected += 0x7000_0000;
    }
    frame += 1;
    let r = track(
        &mut t,
        frame,
        1,
        &datagram(s, c, syn_seq, 1000, TcpFlags::SYN | TcpFlags::ACK, 0),
    );
    r.offset
}

/// A SYN,ACK with a new sequence number is the server's real base (tshark
/// renumbers from it): its offset is 0, the 64-bit count restarted.
#[test]
fn a_late_syn_with_a_new_base_restarts_the_offsets() {
    assert_eq!(offset_of_a_late_syn_ack(77_777), Some(0));
}

/// A SYN,ACK at the guessed base itself (4999) keeps the base, so the offsets
/// keep counting: 4999 is offset 0 modulo 2^32, and the nearest such offset to
/// the highest so far (1 + 3 * 0x7000_0000 = 0x1_5000_0001) is 2^32.
#[test]
fn a_late_syn_at_the_guessed_base_keeps_the_offsets() {
    assert_eq!(offset_of_a_late_syn_ack(4999), Some(1 << 32));
}

/// [`datagram`] with the TCP window field set to `window`.
fn datagram_window(
    src: SocketAddr,
    dst: SocketAddr,
    seq: u32,
    ack: u32,
    flags: TcpFlags,
    len: usize,
    window: u16,
) -> Vec<u8> {
    let mut d = datagram(src, dst, seq, ack, flags, len);
    d[34..36].copy_from_slice(&window.to_be_bytes());
    d
}

/// Wireshark's WINDOW_FULL needs payload (`seglen > 0`) reaching exactly the
/// right edge of the peer's window; a bare ACK at that edge is not one.
/// (tshark 4.0.17 on the same eight packets: window full on frames 5 and 7, a
/// duplicate ACK on frame 8.)
#[test]
fn window_full_needs_payload_at_the_edge() {
    let mut t = Tracker::new(TrackerConfig::default());
    let mut frame = 0;
    handshake(&mut t, &mut frame, 1, 4003);
    let (c, s) = (addr(1, 4003), addr(2, 80));
    let ack = TcpFlags::ACK;
    // (segment, WINDOW_FULL expected)
    let steps = [
        // The server acknowledges the client's SYN with a 10-byte window: edge 111.
        (datagram_window(s, c, 501, 101, ack, 0, 10), false),
        // 10 bytes from 101 reach the edge.
        (datagram(c, s, 101, 501, ack, 10), true),
        // The server acknowledges them, the window still 10: edge 121.
        (datagram_window(s, c, 501, 111, ack, 0, 10), false),
        // 10 more bytes reach the new edge.
        (datagram(c, s, 111, 501, ack, 10), true),
        // A bare ACK at that edge is no WINDOW_FULL.
        (datagram(c, s, 121, 501, ack, 0), false),
    ];
    for (bytes, full) in steps {
        frame += 1;
        let r = track(&mut t, frame, 1, &bytes);
        let flags = r.analysis.flags;
        assert_eq!(
            flags.contains(AnalysisFlags::WINDOW_FULL),
            full,
            "frame {frame}: {flags:?}"
        );
    }
}

/// `TrackerConfig::max_unacked_segments` bounds the remembered segments per
/// direction exactly: with a bound of 2, five unacknowledged segments leave 2.
#[test]
fn unacked_segments_stop_at_the_configured_bound() {
    let mut t = Tracker::new(TrackerConfig {
        max_unacked_segments: 2,
        ..TrackerConfig::default()
    });
    let mut frame = 0;
    let id = handshake(&mut t, &mut frame, 1, 4004);
    let (c, s) = (addr(1, 4004), addr(2, 80));
    for i in 0..5u32 {
        frame += 1;
        track(
            &mut t,
            frame,
            1,
            &datagram(c, s, 101 + 10 * i, 501, TcpFlags::ACK, 10),
        );
    }
    let conn = t.connection(id).expect("tracked");
    assert_eq!(conn.unacked_segments(Side::Client), 2);
}

/// Wireshark's `tcp.analysis.initial_rtt`: from the (last) pure SYN to the first
/// ACK without SYN, here 1.000 s → 1.300 s = 300 ms; the SYN,ACK in between
/// (1.100 s) neither starts nor ends it. (tshark 4.0.17 on the same four packets:
/// none, none, 0.300000000, 0.300000000.)
#[test]
fn initial_rtt_runs_from_the_syn_to_the_first_ack() {
    let mut t = Tracker::new(TrackerConfig::default());
    let (c, s) = (addr(1, 4005), addr(2, 80));
    let at = |ms: u64| Duration::from_millis(ms);
    let seg = |t: &mut Tracker, frame: u64, time: Duration, bytes: Vec<u8>| {
        let d = decode(LinkType::RAW, &bytes);
        t.track(frame, time, d.tcp().expect("a TCP segment"))
    };
    let r = seg(
        &mut t,
        1,
        at(1000),
        datagram(c, s, 100, 0, TcpFlags::SYN, 0),
    );
    assert_eq!(r.analysis.initial_rtt, None);
    let r = seg(
        &mut t,
        2,
        at(1100),
        datagram(s, c, 500, 101, TcpFlags::SYN | TcpFlags::ACK, 0),
    );
    assert_eq!(r.analysis.initial_rtt, None);
    let r = seg(
        &mut t,
        3,
        at(1300),
        datagram(c, s, 101, 501, TcpFlags::ACK, 0),
    );
    assert_eq!(r.analysis.initial_rtt, Some(at(300)));
    // Later segments keep reporting it.
    let r = seg(
        &mut t,
        4,
        at(1400),
        datagram(c, s, 101, 501, TcpFlags::ACK, 5),
    );
    assert_eq!(r.analysis.initial_rtt, Some(at(300)));
}

/// With no SYN seen (a capture starting mid-stream) there is no initial RTT,
/// however many ACKs follow.
#[test]
fn no_initial_rtt_without_a_syn() {
    let mut t = Tracker::new(TrackerConfig::default());
    let (c, s) = (addr(1, 4006), addr(2, 80));
    let mut frame = 0;
    for (secs, b) in [
        (5, datagram(c, s, 1000, 7000, TcpFlags::ACK, 10)),
        (6, datagram(s, c, 7000, 1010, TcpFlags::ACK, 0)),
        (7, datagram(c, s, 1010, 7000, TcpFlags::ACK, 0)),
    ] {
        frame += 1;
        let r = track(&mut t, frame, secs, &b);
        assert_eq!(r.analysis.initial_rtt, None, "frame {frame}");
    }
}

/// A connection closing in the usual order, the final ACK not captured.
fn closing_without_the_last_ack(t: &mut Tracker, port: u16) -> ConnId {
    let mut frame = 0;
    let id = handshake(t, &mut frame, 1, port);
    let (c, s) = (addr(1, port), addr(2, 80));
    track(
        t,
        10,
        1,
        &datagram(c, s, 101, 501, TcpFlags::FIN | TcpFlags::ACK, 0),
    );
    track(
        t,
        11,
        1,
        &datagram(s, c, 501, 102, TcpFlags::FIN | TcpFlags::ACK, 0),
    );
    id
}

/// The summary's state sets are exactly the states each side passed (RFC 9293
/// Figure 5 for a client closing first, its FIN acknowledged with the server's
/// FIN): nothing else. The client starts CLOSED (an active OPEN), the server
/// in LISTEN (a passive OPEN), as the observer assumes.
#[test]
fn summary_states_are_exactly_the_states_passed() {
    let mut t = Tracker::new(TrackerConfig::default());
    let id = closing_without_the_last_ack(&mut t, 4008);
    let sum = t.connection(id).expect("tracked").summary();
    let client: Vec<State> = sum.states[0].iter().collect();
    let server: Vec<State> = sum.states[1].iter().collect();
    assert_eq!(
        client,
        [
            State::Closed,
            State::SynSent,
            State::Established,
            State::FinWait1,
            State::FinWait2,
            State::TimeWait
        ]
    );
    assert_eq!(
        server,
        [
            State::Listen,
            State::SynReceived,
            State::Established,
            State::CloseWait,
            State::LastAck
        ]
    );
    assert_eq!(sum.final_states, [State::TimeWait, State::LastAck]);
}

/// A connection is closed (expires 2·MSL after its last segment, reported as
/// `Closed`) only when both sides are; with the server still in LAST_ACK it is
/// live, and expires after the idle timeout, reported as `Expired`.
#[test]
fn one_side_closed_is_not_a_closed_connection() {
    let mut t = Tracker::new(TrackerConfig {
        idle_timeout: Duration::from_secs(60),
        msl: Duration::from_secs(10),
        ..TrackerConfig::default()
    });
    closing_without_the_last_ack(&mut t, 4009);
    t.advance_time(Duration::from_secs(30));
    assert!(t.poll_event().is_none());
    t.advance_time(Duration::from_secs(62));
    assert!(matches!(t.poll_event(), Some(TrackEvent::Expired(sum)) if sum.stream == 0));
}

/// An IPv4 segment never joins an IPv6 connection, even with the same ports and
/// right after it (the tracker remembers the last connection it matched).
#[test]
fn ipv4_segment_with_an_ipv6_connections_ports_is_another_connection() {
    let mut t = Tracker::new(TrackerConfig::default());
    let c6 = SocketAddr::from(([0u16, 0, 0, 0, 0, 0, 0, 1], 4010));
    let s6 = SocketAddr::from(([0u16, 0, 0, 0, 0, 0, 0, 2], 80));
    let d = datagram6(c6, s6, 100, 0, TcpFlags::SYN);
    let r6 = t.track(
        1,
        Duration::from_secs(1),
        decode(LinkType::RAW, &d).tcp().expect("TCP"),
    );
    let (c4, s4) = (
        SocketAddr::from(([0, 0, 0, 0], 4010)),
        SocketAddr::from(([0, 0, 0, 0], 80)),
    );
    let r4 = track(&mut t, 2, 1, &datagram(c4, s4, 100, 0, TcpFlags::SYN, 0));
    assert_eq!((r6.stream, r4.stream), (0, 1));
    assert_eq!(t.len(), 2);
}

/// [`datagram`] with a correct TCP checksum.
fn datagram_checked(
    src: SocketAddr,
    dst: SocketAddr,
    seq: u32,
    ack: u32,
    flags: TcpFlags,
    len: usize,
) -> Vec<u8> {
    let mut d = datagram(src, dst, seq, ack, flags, len);
    let (SocketAddr::V4(s), SocketAddr::V4(t)) = (src, dst) else {
        panic!("IPv4 only");
    };
    let pseudo = crate::wire::PseudoHeader::V4 {
        source: *s.ip(),
        destination: *t.ip(),
    };
    let sum = pseudo.tcp_checksum(&d[20..]);
    d[36..38].copy_from_slice(&sum.to_be_bytes());
    d
}

/// A whole conversation: handshake, 10 bytes from the client and 25 from the
/// server, each acknowledged, the client closing first.
fn whole_conversation(t: &mut Tracker, port: u16) -> ConnId {
    let (c, s) = (addr(1, port), addr(2, 80));
    let segments = [
        datagram_checked(c, s, 100, 0, TcpFlags::SYN, 0),
        datagram_checked(s, c, 500, 101, TcpFlags::SYN | TcpFlags::ACK, 0),
        datagram_checked(c, s, 101, 501, TcpFlags::ACK, 0),
        datagram_checked(c, s, 101, 501, TcpFlags::ACK | TcpFlags::PSH, 10),
        datagram_checked(s, c, 501, 111, TcpFlags::ACK | TcpFlags::PSH, 25),
        datagram_checked(c, s, 111, 526, TcpFlags::ACK, 0),
        datagram_checked(c, s, 111, 526, TcpFlags::FIN | TcpFlags::ACK, 0),
        datagram_checked(s, c, 526, 112, TcpFlags::FIN | TcpFlags::ACK, 0),
        datagram_checked(c, s, 112, 527, TcpFlags::ACK, 0),
    ];
    let mut id = None;
    for (i, b) in segments.iter().enumerate() {
        id = Some(track(t, i as u64 + 1, 1, b).conn);
    }
    id.expect("segments")
}

/// The summary's counters per direction: packets (the client's SYN, ACK, data,
/// ACK, FIN, ACK; the server's SYN-ACK, data, FIN), payload and IP bytes (20 +
/// 20 + payload per segment), hand-counted from [`whole_conversation`].
#[test]
fn summary_counts_each_direction_apart() {
    let mut t = Tracker::new(TrackerConfig::default());
    let id = whole_conversation(&mut t, 4012);
    let sum = t.connection(id).expect("tracked").summary();
    assert_eq!(sum.packets, [6, 3]);
    assert_eq!(sum.payload_bytes, [10, 25]);
    assert_eq!(sum.ip_bytes, [6 * 40 + 10, 3 * 40 + 25]);
}

/// Zeek's bookkeeping sees the client as the originator: history `ShADdFf`
/// (Zeek's letters: S orig SYN, h resp SYN-ACK, A orig pure ACK, D orig data,
/// d resp data, F orig FIN, f resp FIN; each letter once per direction; the
/// responder sends no pure ACK, so no `a`),
/// conn_state SF, 10 bytes from the originator and 25 from the responder.
#[test]
fn zeek_bookkeeping_takes_the_client_as_originator() {
    let mut t = Tracker::new(TrackerConfig::default().with_zeek(true));
    let id = whole_conversation(&mut t, 4013);
    let z = t
        .connection(id)
        .expect("tracked")
        .summary()
        .zeek
        .expect("kept");
    assert!(z.orig_is_a, "the originator is endpoint A, the client");
    assert_eq!(z.history.as_str(), "ShADdFf");
    assert_eq!(z.conn_state.to_string(), "SF");
    assert_eq!((z.orig_pkts, z.resp_pkts), (6, 3));
    assert_eq!((z.orig_bytes, z.resp_bytes), (10, 25));
}

/// Port reuse with the roles reversed: after a connection from A:4014 to B:80
/// ends with the client's RST, a SYN from B:80 to A:4014 opens a new stream
/// whose client is B (the sender of its first SYN), not the old connection's
/// server. (tshark 4.0.17 on the same five packets: stream 0, 0, 0, 0, 1.)
#[test]
fn port_reuse_with_roles_reversed_makes_the_new_syns_sender_the_client() {
    let mut t = Tracker::new(TrackerConfig::default());
    let mut frame = 0;
    handshake(&mut t, &mut frame, 1, 4014);
    let (a, b) = (addr(1, 4014), addr(2, 80));
    track(
        &mut t,
        4,
        1,
        &datagram(a, b, 101, 501, TcpFlags::RST | TcpFlags::ACK, 0),
    );
    let r = track(&mut t, 5, 2, &datagram(b, a, 9000, 0, TcpFlags::SYN, 0));
    assert_eq!((r.stream, r.side), (1, Side::Client));
    let conn = t.connection(r.conn).expect("tracked");
    assert_eq!((conn.client(), conn.server()), (b, a));
}

/// Capture time may go backwards: a connection last seen at an earlier time
/// that becomes the oldest of the table expires on its own deadline, not on the
/// deadline of the connection that was oldest before. A seen at 100 s, B at 50 s
/// (time went back), A again at 101 s: with an idle timeout of 60 s, B expires
/// at 110 s (its last segment + 60 s), A at 161 s.
#[test]
fn a_connection_seen_at_an_earlier_time_expires_on_its_own_deadline() {
    let mut t = Tracker::new(TrackerConfig {
        idle_timeout: Duration::from_secs(60),
        ..TrackerConfig::default()
    });
    let (a, b, s) = (addr(1, 4015), addr(3, 4016), addr(2, 80));
    let ra = track(&mut t, 1, 100, &datagram(a, s, 100, 0, TcpFlags::SYN, 0));
    let rb = track(&mut t, 2, 50, &datagram(b, s, 100, 0, TcpFlags::SYN, 0));
    track(&mut t, 3, 101, &datagram(a, s, 100, 0, TcpFlags::SYN, 0));
    t.advance_time(Duration::from_secs(111));
    assert!(
        matches!(t.poll_event(), Some(TrackEvent::Expired(sum)) if sum.stream == rb.stream),
        "B expires at 110 s"
    );
    assert!(t.poll_event().is_none(), "A stays until 161 s");
    t.advance_time(Duration::from_secs(162));
    assert!(matches!(t.poll_event(), Some(TrackEvent::Expired(sum)) if sum.stream == ra.stream));
}

/// An IPv4 datagram whose TCP options carry timestamps `(value, echo)`: laid out
/// as Linux's SYN (MSS, SACK-permitted, timestamps) when `syn_layout`, else as
/// its other segments (NOP, NOP, timestamps).
fn datagram_ts(
    src: SocketAddr,
    dst: SocketAddr,
    (seq, ack, flags): (u32, u32, TcpFlags),
    syn_layout: bool,
    (value, echo_reply): (u32, u32),
) -> Vec<u8> {
    let (SocketAddr::V4(s), SocketAddr::V4(d)) = (src, dst) else {
        panic!("IPv4 only");
    };
    let mut h = TcpHeader::new(s.port(), d.port(), SeqNum(seq), flags);
    h.acknowledgment_number = SeqNum(ack);
    h.window_size = 1000;
    let ts = crate::wire::TcpOption::Timestamps { value, echo_reply };
    let options: &[crate::wire::TcpOption<'_>] = if syn_layout {
        &[
            crate::wire::TcpOption::Mss(1460),
            crate::wire::TcpOption::SackPermitted,
            ts,
        ]
    } else {
        &[crate::wire::TcpOption::Nop, crate::wire::TcpOption::Nop, ts]
    };
    for o in options {
        h.options.push(o).expect("fits");
    }
    ipv4(s, d, &h, 0)
}

/// RFC 6191 through the tracker: the server closed first and is in TIME-WAIT;
/// the client's new SYN reuses its old ISN (so tshark keeps the stream) and is
/// below the server's RCV.NXT, but its timestamp (2000, in a SYN's option layout,
/// which the tracker walks) is newer than the client's last (1002): it reopens
/// the server's TIME-WAIT (SYN-RECEIVED). (tshark 4.0.17 on the same seven
/// packets: stream 0 throughout.)
#[test]
fn syn_timestamps_reopen_time_wait_through_the_tracker() {
    let mut t = Tracker::new(TrackerConfig::unbounded());
    let (c, s) = (addr(1, 4017), addr(2, 80));
    let (syn, ack, fin) = (TcpFlags::SYN, TcpFlags::ACK, TcpFlags::FIN | TcpFlags::ACK);
    let segments = [
        datagram_ts(c, s, (100, 0, syn), true, (1000, 0)),
        datagram_ts(s, c, (500, 101, syn | ack), true, (5000, 1000)),
        datagram_ts(c, s, (101, 501, ack), false, (1001, 5000)),
        datagram_ts(s, c, (501, 101, fin), false, (5001, 1001)),
        datagram_ts(c, s, (101, 502, fin), false, (1002, 5001)),
        datagram_ts(s, c, (502, 102, ack), false, (5002, 1002)),
    ];
    let mut last = None;
    for (i, b) in segments.iter().enumerate() {
        last = Some(track(&mut t, i as u64 + 1, 1, b));
    }
    let last = last.expect("segments");
    assert_eq!(
        (last.observation.sender, last.observation.receiver),
        (State::TimeWait, State::Closed)
    );
    let r = track(
        &mut t,
        7,
        2,
        &datagram_ts(c, s, (100, 0, syn), true, (2000, 0)),
    );
    assert_eq!(r.stream, last.stream);
    assert_eq!(r.observation.receiver, State::SynReceived);
}

/// A raw IPv4 datagram with a 40-byte TCP header (MSS 1460, SACK permitted,
/// timestamps, NOP, window scale `shift`) and `len` zero bytes of payload,
/// window 1000.
fn datagram_40(
    src: SocketAddr,
    dst: SocketAddr,
    seq: u32,
    ack: u32,
    flags: TcpFlags,
    shift: u8,
    len: usize,
) -> Vec<u8> {
    let (SocketAddr::V4(s), SocketAddr::V4(d)) = (src, dst) else {
        panic!("IPv4 only");
    };
    let total = 20 + 40 + len;
    let mut out = Vec::with_capacity(total);
    let length = [(total >> 8) as u8, total as u8];
    out.extend_from_slice(&[0x45, 0, length[0], length[1], 0, 0, 0x40, 0, 64, 6, 0, 0]);
    out.extend_from_slice(&s.ip().octets());
    out.extend_from_slice(&d.ip().octets());
    out.extend_from_slice(&s.port().to_be_bytes());
    out.extend_from_slice(&d.port().to_be_bytes());
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&ack.to_be_bytes());
    let [hi, lo] = flags.bits().to_be_bytes();
    out.extend_from_slice(&[0xA0 | (hi & 0x0F), lo]);
    out.extend_from_slice(&1000u16.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]); // checksum, urgent pointer
    out.extend_from_slice(&[2, 4, 0x05, 0xB4, 4, 2, 8, 10]);
    out.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, shift]);
    out.resize(total, 0);
    out
}

/// The first `tcp_bytes` bytes of `datagram`'s TCP header, decoded: the cut
/// header.
fn cut_at(datagram: &[u8], tcp_bytes: usize) -> crate::wire::CutTcp {
    match decode(LinkType::RAW, &datagram[..20 + tcp_bytes]) {
        crate::wire::Decoded::Error(crate::wire::DecodeError::TcpCut(c)) => c,
        other => panic!("expected a cut TCP header, got {other:?}"),
    }
}

// tshark reads ports, seq, ack, data offset, flags and window (16 bytes)
// before it looks up the conversation: with fewer, no stream and nothing
// changes.
#[test]
fn cut_header_before_the_window_is_not_tracked() {
    let (c, s) = (addr(1, 40000), addr(2, 50000));
    let syn = datagram_40(c, s, 100, 0, TcpFlags::SYN, 7, 0);
    let mut t = Tracker::new(TrackerConfig::default());
    for n in [4, 8, 12, 13, 14, 15] {
        assert_eq!(
            t.track_cut(1, Duration::from_secs(1), &cut_at(&syn, n)),
            None,
            "{n} bytes"
        );
    }
    assert_eq!((t.len(), t.streams()), (0, 0));
    // A whole SYN then still opens stream 0.
    assert_eq!(track(&mut t, 2, 1, &syn).stream, 0);
}

// Cut inside the fixed header (16 to 19 bytes: the checksum or urgent pointer
// missing) and inside the options: the stream, relative numbers, `tcp.len`
// (IP-declared length less the data offset's 40 bytes) and `tcp.nxtseq` as
// for a whole header, and no analysis.
#[test]
fn cut_header_from_the_window_on_is_tracked_without_analysis() {
    let (c, s) = (addr(1, 40000), addr(2, 50000));
    for n in [16, 18, 19, 20, 22, 39] {
        let mut t = Tracker::new(TrackerConfig::default());
        // A SYN with 3 bytes of data (a TFO-like SYN): len 3, nxtseq 4.
        let syn = datagram_40(c, s, 100, 0, TcpFlags::SYN, 7, 3);
        let got = t
            .track_cut(1, Duration::from_secs(1), &cut_at(&syn, n))
            .expect("tracked");
        assert_eq!(
            (
                got.stream,
                got.side,
                got.seq,
                got.ack,
                got.len,
                got.next_seq
            ),
            (0, Side::Client, 0, None, 3, 4),
            "{n} bytes"
        );
        // SYNs are never scaled.
        assert_eq!((got.window, got.window_scaled), (1000, Some(1000)));
        assert_eq!(got.analysis, Analysis::default());
        // The same SYN again, cut: a retransmission tshark does not print.
        let again = t
            .track_cut(2, Duration::from_secs(2), &cut_at(&syn, n))
            .expect("tracked");
        assert_eq!((again.stream, again.seq), (0, 0));
        assert!(again.analysis.flags.is_empty(), "{n} bytes");
        // Whole, it is flagged: the cut one moved the state.
        let whole = track(&mut t, 3, 3, &syn);
        assert!(whole.analysis.flags.contains(AnalysisFlags::RETRANSMISSION));
        assert_eq!((t.len(), t.streams()), (1, 1));
    }
}

// The IP length shorter than the header the data offset gives: tshark's
// "short segment" has a stream but no length or analysis; we report nothing
// but open the connection, so the next one is stream 1.
#[test]
fn cut_header_longer_than_the_ip_length_takes_a_stream_only() {
    let (c, s) = (addr(1, 40000), addr(2, 50000));
    let mut syn = datagram_40(c, s, 100, 0, TcpFlags::SYN, 7, 0);
    // IP total length 20 + 30: 30 TCP bytes declared, 40 in the header.
    syn[2..4].copy_from_slice(&50u16.to_be_bytes());
    let cut = cut_at(&syn, 16);
    assert_eq!((cut.declared_len, cut.header_len), (30, Some(40)));
    let mut t = Tracker::new(TrackerConfig::default());
    assert_eq!(t.track_cut(1, Duration::from_secs(1), &cut), None);
    assert_eq!(t.track_cut(2, Duration::from_secs(1), &cut), None);
    assert_eq!((t.len(), t.streams()), (1, 1));
    // The same connection's whole SYN: stream 0, analysed from scratch.
    let whole = datagram_40(c, s, 100, 0, TcpFlags::SYN, 7, 0);
    let got = track(&mut t, 3, 2, &whole);
    assert_eq!((got.stream, got.side, got.seq), (0, Side::Client, 0));
    assert!(got.analysis.flags.is_empty());
    let other = datagram_40(addr(3, 40001), s, 7, 0, TcpFlags::SYN, 7, 0);
    assert_eq!(track(&mut t, 4, 3, &other).stream, 1);
}

// A SYN,ACK cut inside its options: its window scale (5) is unseen, and
// `verify_tcp_window_scaling()` does not run, so the client keeps its own
// scale (7) and the server's stays unknown. (Whole and without the option,
// the SYN,ACK would turn scaling off both ways.) Its analysis runs: the
// client's ACK of a cut data segment acknowledges that segment's frame.
#[test]
fn cut_syn_ack_leaves_the_window_scales_and_moves_the_analysis() {
    let (c, s) = (addr(1, 40000), addr(2, 50000));
    let mut t = Tracker::new(TrackerConfig::default());
    let syn = datagram_40(c, s, 100, 0, TcpFlags::SYN, 7, 0);
    let synack = datagram_40(s, c, 500, 101, TcpFlags::SYN | TcpFlags::ACK, 5, 0);
    assert_eq!(track(&mut t, 1, 1, &syn).stream, 0);
    let got = t
        .track_cut(2, Duration::from_secs(1), &cut_at(&synack, 22))
        .expect("tracked");
    assert_eq!(
        (
            got.stream,
            got.side,
            got.seq,
            got.ack,
            got.len,
            got.next_seq
        ),
        (0, Side::Server, 0, Some(1), 0, 1)
    );
    assert_eq!(got.window_scaled, Some(1000));
    let ack = datagram(c, s, 101, 501, TcpFlags::ACK, 0);
    let a = track(&mut t, 3, 2, &ack);
    assert_eq!(a.window_scaled, Some(1000 << 7));
    // Server data, cut 16 bytes in, 100 bytes declared: unscaled, unknown.
    let data = datagram_40(s, c, 501, 101, TcpFlags::ACK | TcpFlags::PSH, 0, 100);
    let d = t
        .track_cut(4, Duration::from_secs(3), &cut_at(&data, 16))
        .expect("tracked");
    assert_eq!((d.seq, d.ack, d.len, d.next_seq), (1, Some(1), 100, 101));
    assert_eq!(d.window_scaled, None);
    assert_eq!(d.analysis.bytes_in_flight, None);
    let ack2 = datagram(c, s, 101, 601, TcpFlags::ACK, 0);
    let a2 = track(&mut t, 5, 4, &ack2);
    assert_eq!(a2.analysis.acks_frame, Some(4));
    assert_eq!(a2.analysis.ack_rtt, Some(Duration::from_secs(1)));
}

// Zeek opens the connection from a cut header once the 20 bytes of a
// `struct tcphdr` are declared and captured, with the sender as originator
// (no likely server port here), and drops the packet: no packet, byte or
// history letter. With 19 bytes it opens nothing.
#[test]
fn zeek_opens_a_connection_from_a_cut_header_and_counts_nothing() {
    use super::zeek::{ConnState, ZeekConfig, ZeekSessions};
    let (c, s) = (addr(1, 40000), addr(2, 50000));
    let synack = datagram_40(s, c, 500, 101, TcpFlags::SYN | TcpFlags::ACK, 5, 0);
    let mut z = ZeekSessions::new(ZeekConfig::default());
    assert!(!z.on_cut_header(&cut_at(&synack, 19), Duration::from_secs(1)));
    assert!(z.is_empty());
    for n in [20, 22, 39] {
        let mut z = ZeekSessions::new(ZeekConfig::default());
        assert!(z.on_cut_header(&cut_at(&synack, n), Duration::from_secs(1)));
        z.finish();
        let r = z.pop_finished().expect("one connection");
        assert_eq!((r.orig, r.resp), (s, c), "{n} bytes");
        let sum = r.summary;
        assert_eq!(sum.conn_state, ConnState::OTH);
        assert!(sum.history.is_empty());
        assert_eq!((sum.orig_pkts, sum.resp_pkts, sum.orig_ip_bytes), (0, 0, 0));
        assert!(!sum.has_duration());
        assert!(z.pop_finished().is_none());
    }
    // A later whole segment joins the connection in the roles the cut one
    // chose: the client's ACK is the responder's first packet. (`-C`: the
    // test datagrams carry no checksum.)
    let mut z = ZeekSessions::new(ZeekConfig {
        ignore_checksums: true,
        ..ZeekConfig::default()
    });
    z.on_cut_header(&cut_at(&synack, 22), Duration::from_secs(1));
    let ack = datagram(c, s, 101, 501, TcpFlags::ACK, 0);
    let p = decode(LinkType::RAW, &ack);
    let p = p.tcp().expect("TCP");
    let seg = super::zeek::ZeekSegment::from_packet(p, &ack);
    z.on_segment(c, s, &seg, Duration::from_secs(2));
    z.finish();
    let r = z.pop_finished().expect("one connection");
    assert_eq!((r.orig, r.resp), (s, c));
    assert_eq!((r.summary.orig_pkts, r.summary.resp_pkts), (0, 1));
    assert_eq!(r.summary.duration, Duration::from_secs(1));
}

// The tracker's own Zeek bookkeeping: a cut SYN,ACK (22 bytes) opens it with
// its sender as originator and no packet.
#[test]
fn tracker_zeek_bookkeeping_of_a_cut_header() {
    let (c, s) = (addr(1, 40000), addr(2, 50000));
    let mut t = Tracker::new(TrackerConfig::default().with_zeek(true));
    let synack = datagram_40(s, c, 500, 101, TcpFlags::SYN | TcpFlags::ACK, 5, 0);
    let got = t
        .track_cut(1, Duration::from_secs(1), &cut_at(&synack, 22))
        .expect("tracked");
    let conn = t.connection(got.conn).expect("connection");
    let z = conn.zeek().expect("zeek on").summary();
    assert!(z.history.is_empty());
    assert_eq!((z.orig_pkts, z.resp_pkts), (0, 0));
    // The tracker's client is the receiver of a first SYN,ACK; Zeek's
    // originator is its sender.
    assert_eq!((got.side, z.orig_is_a), (Side::Server, false));
    assert_eq!(z.start, Duration::from_secs(1));
}

// Neither tshark's `tcp` tap (conversation table) nor Zeek counts a cut
// header: the connection's packets and bytes are the whole segments'.
#[test]
fn cut_headers_are_not_counted_in_the_summary() {
    let (c, s) = (addr(1, 40000), addr(2, 50000));
    let mut t = Tracker::new(TrackerConfig::default());
    let syn = datagram_40(c, s, 100, 0, TcpFlags::SYN, 7, 0);
    let synack = datagram_40(s, c, 500, 101, TcpFlags::SYN | TcpFlags::ACK, 5, 0);
    let id = track(&mut t, 1, 1, &syn).conn;
    t.track_cut(2, Duration::from_secs(1), &cut_at(&synack, 22))
        .expect("tracked");
    let data = datagram_40(c, s, 101, 501, TcpFlags::ACK | TcpFlags::PSH, 0, 100);
    t.track_cut(3, Duration::from_secs(2), &cut_at(&data, 30))
        .expect("tracked");
    let sum = t.connection(id).expect("connection").summary();
    assert_eq!(sum.packets, [1, 0]);
    assert_eq!(sum.payload_bytes, [0, 0]);
    assert_eq!(sum.ip_bytes, [60, 0]);
    // The observer saw both: the server answered, the client sent data.
    assert_eq!(
        (sum.final_states[0], sum.final_states[1]),
        (State::Established, State::Established)
    );
}

/// Zeek's `TCPAnalyzer` wants the 20 bytes of a `struct tcphdr` declared and
/// captured: an IP length of exactly 20 TCP bytes with a longer data offset (a
/// "short segment" for tshark) still opens Zeek's connection.
#[test]
fn zeek_opens_for_exactly_twenty_declared_bytes() {
    let addr = |a: u8, p: u16| SocketAddr::V4(SocketAddrV4::new([10, 0, 0, a].into(), p));
    let cut = crate::wire::CutTcp {
        source: addr(1, 40000),
        destination: addr(2, 80),
        seq: Some(SeqNum(100)),
        ack: Some(SeqNum(0)),
        flags: Some(TcpFlags::SYN),
        header_len: Some(40),
        window: Some(1000),
        declared_len: 20,
        offset: 34,
        captured: 20,
    };
    assert!(zeek::ZeekSegment::from_cut(&cut, 40).is_some());
    let shorter = crate::wire::CutTcp {
        declared_len: 19,
        captured: 19,
        ..cut
    };
    assert!(zeek::ZeekSegment::from_cut(&shorter, 39).is_none());
}

/// Feeds `bytes` at capture time `ns` nanoseconds.
fn track_ns(t: &mut Tracker, frame: u64, ns: u64, bytes: &[u8]) -> TrackedSegment {
    let d = decode(LinkType::RAW, bytes);
    let p = d.tcp().expect("a TCP segment");
    t.track(frame, Duration::from_nanos(ns), p)
}

/// A three-way handshake on client port `port` (client ISN 100, server ISN
/// 500): the SYN at `syn_ns`, the SYN,ACK and the ACK `rtt_ns` later, so the
/// initial RTT is `rtt_ns` (unknown when 0, as in Wireshark).
fn handshake_ns(t: &mut Tracker, port: u16, syn_ns: u64, rtt_ns: u64) {
    let (c, s) = (addr(1, port), addr(2, 80));
    track_ns(t, 1, syn_ns, &datagram(c, s, 100, 0, TcpFlags::SYN, 0));
    let synack = datagram(s, c, 500, 101, TcpFlags::SYN | TcpFlags::ACK, 0);
    track_ns(t, 2, syn_ns + rtt_ns, &synack);
    track_ns(
        t,
        3,
        syn_ns + rtt_ns,
        &datagram(c, s, 101, 501, TcpFlags::ACK, 0),
    );
}

/// Wireshark's fast-retransmission test is `t < 20000000` ns from the peer's
/// last segment: a retransmission of the twice duplicate-ACKed sequence number
/// 20 ms less a nanosecond after the last duplicate ACK is fast, one exactly
/// 20 ms after it is a plain retransmission.
#[test]
fn fast_retransmission_ends_at_20_ms_exclusive() {
    const MS: u64 = 1_000_000;
    for (port, delay, fast) in [(4101, 20 * MS - 1, true), (4102, 20 * MS, false)] {
        let mut t = Tracker::new(TrackerConfig::default());
        handshake_ns(&mut t, port, 0, 0);
        let (c, s) = (addr(1, port), addr(2, 80));
        let data = |seq| datagram(c, s, seq, 501, TcpFlags::ACK, 100);
        track_ns(&mut t, 4, 1000 * MS, &data(101));
        track_ns(&mut t, 5, 1001 * MS, &data(201));
        track_ns(&mut t, 6, 1002 * MS, &data(301));
        let ack = datagram(s, c, 501, 201, TcpFlags::ACK, 0);
        track_ns(&mut t, 7, 1100 * MS, &ack);
        track_ns(&mut t, 8, 1101 * MS, &ack);
        let dup2 = track_ns(&mut t, 9, 1102 * MS, &ack);
        assert_eq!(dup2.analysis.duplicate_ack.map(|d| d.number), Some(2));
        let r = track_ns(&mut t, 10, 1102 * MS + delay, &data(201));
        let expected = if fast {
            AnalysisFlags::FAST_RETRANSMISSION | AnalysisFlags::RETRANSMISSION
        } else {
            AnalysisFlags::RETRANSMISSION
        };
        assert_eq!(r.analysis.flags, expected, "{delay} ns after the dup ACK");
    }
}

/// Wireshark's out-of-order test is `t < ooo_thres`, the initial RTT once
/// known: an earlier segment sent again one nanosecond less than the initial
/// RTT (7 ms) after `nextseq` last advanced is out of order; exactly the RTT
/// after it, a retransmission.
#[test]
fn out_of_order_ends_at_the_initial_rtt_exclusive() {
    const RTT: u64 = 7_000_000;
    for (port, delay, expected) in [
        (4103, RTT - 1, AnalysisFlags::OUT_OF_ORDER),
        (4104, RTT, AnalysisFlags::RETRANSMISSION),
    ] {
        let mut t = Tracker::new(TrackerConfig::default());
        handshake_ns(&mut t, port, 100_000_000, RTT);
        let (c, s) = (addr(1, port), addr(2, 80));
        let data = |seq| datagram(c, s, seq, 501, TcpFlags::ACK, 100);
        let first = track_ns(&mut t, 4, 1_000_000_000, &data(101));
        assert_eq!(first.analysis.initial_rtt, Some(Duration::from_nanos(RTT)));
        track_ns(&mut t, 5, 1_000_000_000, &data(201));
        let r = track_ns(&mut t, 6, 1_000_000_000 + delay, &data(101));
        assert_eq!(r.analysis.flags, expected, "{delay} ns after nextseq moved");
    }
}

/// Wireshark's `seglen > 1 && nextseq - 1 == seq` exception: data of more
/// than one byte starting one byte below `nextseq` (after a one-byte probe)
/// is new data, not a retransmission; a single byte there that is not a
/// keep-alive (it carries FIN) is a retransmission.
#[test]
fn data_one_below_nextseq_is_new_only_when_longer_than_a_byte() {
    let mut t = Tracker::new(TrackerConfig::default());
    handshake_ns(&mut t, 4105, 0, 0);
    let (c, s) = (addr(1, 4105), addr(2, 80));
    const S: u64 = 1_000_000_000;
    let r = track_ns(&mut t, 4, S, &datagram(c, s, 101, 501, TcpFlags::ACK, 100));
    assert_eq!((r.seq, r.next_seq), (1, 101));
    let r = track_ns(
        &mut t,
        5,
        2 * S,
        &datagram(c, s, 200, 501, TcpFlags::ACK, 10),
    );
    assert_eq!(r.analysis.flags, AnalysisFlags::empty());
    assert_eq!(r.next_seq, 110);
    let fin = datagram(c, s, 209, 501, TcpFlags::FIN | TcpFlags::ACK, 1);
    let r = track_ns(&mut t, 6, 3 * S, &fin);
    assert_eq!(r.analysis.flags, AnalysisFlags::RETRANSMISSION);
}

/// Bytes in flight are Wireshark's span of the sender's unacknowledged
/// segments: the lowest start to the highest end, whatever their order in the
/// list (worked out by hand from `tcp_analyze_sequence_number`'s walk).
#[test]
fn bytes_in_flight_span_segments_out_of_order() {
    const S: u64 = 1_000_000_000;
    let bif = |r: TrackedSegment| r.analysis.bytes_in_flight;
    // A segment inside the first one, then one inside it ending before the
    // first's end: the span stays 1..301.
    let mut t = Tracker::new(TrackerConfig::default());
    handshake_ns(&mut t, 4106, 0, 0);
    let (c, s) = (addr(1, 4106), addr(2, 80));
    let data = |seq, len| datagram(c, s, seq, 501, TcpFlags::ACK, len);
    assert_eq!(bif(track_ns(&mut t, 4, S, &data(101, 200))), Some(200));
    assert_eq!(bif(track_ns(&mut t, 5, 2 * S, &data(151, 50))), Some(200));
    assert_eq!(bif(track_ns(&mut t, 6, 3 * S, &data(201, 50))), Some(200));
    // After the first segment is acknowledged, one starting below the one left:
    // the span is its start to its end, 1..351.
    let mut t = Tracker::new(TrackerConfig::default());
    handshake_ns(&mut t, 4107, 0, 0);
    let (c, s) = (addr(1, 4107), addr(2, 80));
    let data = |seq, len| datagram(c, s, seq, 501, TcpFlags::ACK, len);
    assert_eq!(bif(track_ns(&mut t, 4, S, &data(101, 100))), Some(100));
    assert_eq!(bif(track_ns(&mut t, 5, S, &data(201, 100))), Some(200));
    track_ns(
        &mut t,
        6,
        2 * S,
        &datagram(s, c, 501, 201, TcpFlags::ACK, 0),
    );
    assert_eq!(bif(track_ns(&mut t, 7, 3 * S, &data(101, 250))), Some(250));
}

/// Wireshark reports bytes in flight only when `in_flight < 2000000000`: a span
/// of 2·10^9 − 1 bytes is reported, one of exactly 2·10^9 is not.
#[test]
fn bytes_in_flight_stop_below_two_billion() {
    const S: u64 = 1_000_000_000;
    for (port, span, expected) in [
        (4108, 1_999_999_999u32, Some(1_999_999_999)),
        (4109, 2_000_000_000, None),
    ] {
        let mut t = Tracker::new(TrackerConfig::default());
        handshake_ns(&mut t, port, 0, 0);
        let (c, s) = (addr(1, port), addr(2, 80));
        let data = |seq, len| datagram(c, s, seq, 501, TcpFlags::ACK, len);
        // Relative 1..101, then a segment ending at 1 + span: a jump, so bytes
        // in flight wait for the peer's next ACK.
        track_ns(&mut t, 4, S, &data(101, 100));
        let far = track_ns(&mut t, 5, S, &data(101 + span - 100, 100));
        assert!(far.analysis.flags.contains(AnalysisFlags::LOST_SEGMENT));
        assert_eq!(far.analysis.bytes_in_flight, None);
        track_ns(
            &mut t,
            6,
            2 * S,
            &datagram(s, c, 501, 101, TcpFlags::ACK, 0),
        );
        let again = track_ns(&mut t, 7, 3 * S, &data(101, 100));
        assert_eq!(again.analysis.bytes_in_flight, expected, "span {span}");
    }
}

/// The accessors read what was set: the configuration given, each
/// connection's stream index as its segments report it, and a table that is
/// not empty once a connection is held.
#[test]
fn accessors_read_the_table() {
    let config = TrackerConfig {
        max_connections: 7,
        ..TrackerConfig::default()
    };
    let mut t = Tracker::new(config);
    assert_eq!(t.config().max_connections, 7);
    assert!(t.is_empty());
    let mut frame = 0;
    for (i, port) in [40010u16, 40011, 40012].into_iter().enumerate() {
        let id = handshake(&mut t, &mut frame, 1, port);
        assert_eq!(t.connection(id).expect("held").stream(), i as u64);
        assert!(!t.is_empty());
    }
    assert_eq!(t.len(), 3);
}

/// Evictions and expiries take each connection's entry out of the hash index:
/// over many connections through a small table, the index holds exactly one
/// entry per connection held.
#[test]
fn the_index_holds_one_entry_per_connection() {
    let mut t = Tracker::new(TrackerConfig {
        max_connections: 4,
        ..TrackerConfig::default()
    });
    let mut frame = 0;
    for round in 0..3u64 {
        for port in 41000..41040u16 {
            handshake(&mut t, &mut frame, 1 + round, port);
            assert_eq!(t.index_len(), t.len(), "port {port}, round {round}");
        }
    }
    assert_eq!(t.len(), 4);
    t.finish();
    assert_eq!((t.len(), t.index_len()), (0, 0));
}

/// After a handshake (client ISN 100, server ISN 500), the client's segments
/// `(relative seq, length)`, then the server's ACK of relative `ack`: how many of
/// the client's segments are unacknowledged before and after the ACK, the frame of
/// the client's first segment, and the ACK's analysis.
fn ack_walk(segments: &[(u32, usize)], ack: u32) -> (usize, usize, u64, Analysis) {
    let mut t = Tracker::new(TrackerConfig::unbounded());
    let mut frame = 0;
    let id = handshake(&mut t, &mut frame, 1, 40000);
    let (c, s) = (addr(1, 40000), addr(2, 80));
    let raw = |relative: u32| 100u32.wrapping_add(relative);
    let first = frame + 1;
    for &(seq, len) in segments {
        frame += 1;
        track(
            &mut t,
            frame,
            2,
            &datagram(c, s, raw(seq), 501, TcpFlags::ACK, len),
        );
    }
    let unacked = |t: &Tracker| {
        t.connection(id)
            .expect("tracked")
            .unacked_segments(Side::Client)
    };
    let before = unacked(&t);
    let answer = track(
        &mut t,
        frame + 1,
        3,
        &datagram(s, c, 501, raw(ack), TcpFlags::ACK, 0),
    );
    (before, unacked(&t), first, answer.analysis)
}

/// An ACK's walk over the peer's unacknowledged segments stops early only where
/// Wireshark's full walk would keep every segment left. Here the client's first
/// segment after the handshake runs past 2^32 relative (relative seq 2^32 − 10, 20
/// bytes: it ends at relative 10) and its second ends at 2^32 − 1; the server
/// then acknowledges relative 2^31 + 1. Wireshark's comparisons (32-bit serial)
/// find the first segment neither acknowledged exactly nor partly (ack − seq is
/// negative) and not ending after the ACK (nextseq − ack is negative): removed.
/// The second ends after it (2^31 − 2): kept. One segment is left.
#[test]
fn ack_walk_over_segments_that_wrap() {
    let segments = [(u32::MAX - 9, 20), (u32::MAX - 4, 4)];
    let (before, after, _, _) = ack_walk(&segments, (1 << 31) + 1);
    assert_eq!((before, after), (2, 1));
}

/// The walk may stop early only over a list that ends less than 2^31 after the
/// ACK. Here the client's two segments after the handshake lie at relative 10 and
/// 2^31 + 100 (10 bytes each, in order), and the server acknowledges relative 5.
/// Wireshark's 32-bit comparisons keep the first (it ends after the ACK) and drop
/// the second: seen from the ACK it lies more than 2^31 ahead, so "behind" (neither
/// partly acknowledged nor ending after it). One segment is left.
#[test]
fn ack_walk_over_a_list_longer_than_half_the_space() {
    let (before, after, _, _) = ack_walk(&[(10, 10), ((1 << 31) + 100, 10)], 5);
    assert_eq!((before, after), (2, 1));
}

/// A lone segment that wraps past 2^32 relative (relative seq 2^32 − 10, 20 bytes)
/// is not "in order" for the walk's early stop: the ACK of exactly its end
/// (relative 10) acknowledges it, as Wireshark's walk finds (`ack == nextseq`),
/// and nothing is left.
#[test]
fn ack_of_a_lone_segment_that_wraps() {
    let (before, after, sent, analysis) = ack_walk(&[(u32::MAX - 9, 20)], 10);
    assert_eq!((before, after), (1, 0));
    assert_eq!(analysis.acks_frame, Some(sent));
}

/// A list holding a segment that wraps past 2^32 relative keeps no span, even
/// after a full walk of an ACK that keeps it (the debug check would find the
/// span wrong): the client's segment from relative 2^32 − 10 to 10, then one
/// from 50 to 60; the server acknowledges relative 2^32 − 20, before both, and
/// Wireshark's comparisons keep both.
#[test]
fn ack_walk_keeps_a_wrapping_segment_and_no_span() {
    let segments = [(u32::MAX - 9, 20), (50, 10)];
    let (before, after, _, analysis) = ack_walk(&segments, u32::MAX - 19);
    assert_eq!((before, after, analysis.acks_frame), (2, 2, None));
}

/// The options as a plain walk reads them: the last window scale, timestamps
/// and SACK option of the well-formed ones before the first error.
fn options_walked(raw: &[u8]) -> (crate::segment::SynOptions, Vec<(SeqNum, SeqNum)>) {
    use crate::wire::{TcpOption, TcpOptionsIter};
    let mut options = crate::segment::SynOptions::default();
    let mut sack = Vec::new();
    for option in TcpOptionsIter::new(raw).map_while(Result::ok) {
        match option {
            TcpOption::WindowScale(shift) => options.window_scale = Some(shift),
            TcpOption::Timestamps { value, echo_reply } => {
                options.timestamps = Some((value, echo_reply))
            }
            TcpOption::Sack(blocks) => sack = blocks.iter().collect(),
            _ => {}
        }
    }
    (options, sack)
}

/// The tracker reads Linux's two layouts at once (NOP, NOP, timestamps, then
/// perhaps NOP, NOP, SACK to the end) and walks anything else: both readings
/// agree with a plain walk on those layouts, on their near misses (a SACK
/// length that disagrees with the bytes, 0 or 5 blocks, bytes after the SACK,
/// a length-12 timestamps option) and on other orders.
#[test]
fn options_read_at_once_agree_with_a_walk() {
    let ts = [1, 1, 8, 10, 0, 0, 0, 7, 0x80, 0, 0, 9];
    let block = |l: u32, r: u32| {
        let mut b = Vec::from(l.to_be_bytes());
        b.extend_from_slice(&r.to_be_bytes());
        b
    };
    let blocks: Vec<u8> = [(100, 200), (300, 400), (u32::MAX - 5, 10), (7, 8)]
        .iter()
        .flat_map(|&(l, r)| block(l, r))
        .collect();
    let mut layouts: Vec<Vec<u8>> = vec![
        vec![],
        ts.to_vec(),
        vec![1, 1, 8, 12, 0, 0, 0, 7, 0, 0, 0, 9],
        vec![8, 10, 0, 0, 0, 7, 0, 0, 0, 9, 1, 1],
        vec![
            2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 7, 0, 0, 0, 0, 1, 3, 3, 7,
        ],
        vec![1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2],
    ];
    for n in 0..=4usize {
        // (The length right, 8 off, 1 off, and twice the blocks' bytes.)
        for len_delta in [0i32, -8, 8, -1, 1, 8 * n as i32 - 2] {
            let data = &blocks[..8 * n];
            let len = (2 + data.len() as i32 + len_delta).clamp(0, 255) as u8;
            let mut raw = ts.to_vec();
            raw.extend_from_slice(&[1, 1, 5, len]);
            raw.extend_from_slice(data);
            layouts.push(raw.clone());
            // Something after the SACK.
            raw.extend_from_slice(&[1, 3, 3, 2]);
            layouts.push(raw);
        }
    }
    // The SACK first, the timestamps after it.
    let mut other = vec![1, 1, 5, 18];
    other.extend_from_slice(&blocks[..16]);
    other.extend_from_slice(&ts);
    layouts.push(other);
    let mut sacks = 0;
    for raw in &layouts {
        let (options, sack, len) = super::tracker::read_options(raw);
        let (walked, walked_sack) = options_walked(raw);
        assert_eq!(options, walked, "{raw:?}");
        assert_eq!(&sack[..len], walked_sack.as_slice(), "{raw:?}");
        sacks += usize::from(len > 0);
    }
    // The layouts include well-formed SACKs of one to four blocks.
    assert!(sacks >= 8, "{sacks} layouts with SACK blocks");
}
