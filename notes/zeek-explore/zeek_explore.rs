//! Temporary differential explorer for zeek.rs mutants (not committed).
use core::time::Duration;
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;
use synack::track::zeek::{ZeekConfig, ZeekConn, ZeekSegment, ZeekSessions, ZeekTimeouts};
use synack::{flags::TcpFlags, seq::SeqNum};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn chance(&mut self, n: u64) -> bool {
        self.next() % n == 0
    }
}

fn config(r: &mut Rng) -> ZeekConfig {
    let mut c = ZeekConfig::default();
    if r.chance(3) {
        c.max_initial_window = r.pick(&[0, 5, 15, 30]);
        c.max_above_hole_without_any_acks = r.pick(&[0, 5, 15, 30]);
        c.excessive_data_without_further_acks = r.pick(&[0, 10, 25, 60]);
        c.ignore_checksums = r.chance(2);
    }
    if r.chance(3) {
        let s = |x: u64| Duration::from_secs(x);
        c.timeouts = ZeekTimeouts {
            attempt_delay: s(r.pick(&[1, 5, 7])),
            syn_timeout: s(r.pick(&[1, 5, 7])),
            session_timer: s(r.pick(&[1, 6])),
            connection_linger: s(r.pick(&[1, 5])),
            close_delay: s(r.pick(&[1, 5])),
            handshake_inactivity: s(r.pick(&[1, 5, 60])),
            inactivity: s(r.pick(&[1, 5, 300])),
        };
    }
    c
}

fn scenario(idx: u64, show: bool) -> u64 {
    let mut r = Rng(idx.wrapping_mul(0x9E3779B97F4A7C15) | 1);
    for _ in 0..4 {
        r.next();
    }
    let cfg = config(&mut r);
    let ports = [80u16, 22, 40000, 50000];
    let pa = r.pick(&ports);
    let pb = if r.chance(8) { pa } else { r.pick(&ports) };
    let isns = [0u32, 1000, 0xFFFF_FFF0, 0x7FFF_FFF8, 5000];
    let (ia, ib) = (r.pick(&isns), r.pick(&isns));
    let n = 1 + r.next() % 9;
    let mut t = Duration::ZERO;
    let mut conn = ZeekConn::new();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut log = String::new();
    let flagsets = [
        TcpFlags::SYN,
        TcpFlags::SYN | TcpFlags::ACK,
        TcpFlags::ACK,
        TcpFlags::ACK,
        TcpFlags::ACK,
        TcpFlags::FIN | TcpFlags::ACK,
        TcpFlags::FIN,
        TcpFlags::RST,
        TcpFlags::RST | TcpFlags::ACK,
        TcpFlags::SYN | TcpFlags::FIN,
        TcpFlags::FIN | TcpFlags::RST,
        TcpFlags::empty(),
    ];
    let offs = [
        0u32,
        1,
        1,
        1,
        2,
        6,
        11,
        11,
        16,
        21,
        21,
        31,
        41,
        0xFFFF_FFFF,
        0x8000_0000,
    ];
    for _ in 0..n {
        let from_a = r.chance(2) || r.chance(2);
        let (sp, dp, own, peer) = if from_a {
            (pa, pb, ia, ib)
        } else {
            (pb, pa, ib, ia)
        };
        let flags = r.pick(&flagsets);
        let seq = own.wrapping_add(r.pick(&offs));
        let ack = if r.chance(8) {
            0
        } else {
            peer.wrapping_add(r.pick(&offs))
        };
        let len = r.pick(&[0u32, 0, 0, 1, 5, 10, 10, 20]);
        let s = ZeekSegment {
            flags,
            seq: SeqNum(seq),
            ack: SeqNum(ack),
            payload_len: len,
            window: if r.chance(6) { 0 } else { 100 },
            ip_len: 40 + len,
            checksum_ok: !r.chance(12),
            payload_captured: !r.chance(12),
            source_port: sp,
            destination_port: dp,
        };
        t += r.pick(&[
            Duration::ZERO,
            Duration::from_millis(1),
            Duration::from_secs(1),
            Duration::from_secs(4),
            Duration::from_secs(7),
            Duration::from_secs(70),
            Duration::from_secs(400),
        ]);
        if r.chance(2) {
            let e = conn.expire(t, &cfg);
            if show {
                log += &format!("  expire({t:?}) -> {e:?}\n");
            }
            e.hash(&mut h);
            if e.is_some() {
                break;
            }
        }
        let reuse = conn.is_reuse(&s);
        reuse.hash(&mut h);
        if show {
            log += &format!(
                "  t={t:?} from_a={from_a} {:?} seq={seq} ack={ack} len={len} win={} ck={} cap={} {sp}->{dp} reuse={reuse}\n",
                flags, s.window, s.checksum_ok, s.payload_captured
            );
        }
        conn.on_segment(from_a, &s, t, &cfg);
        let sum = conn.summary();
        format!("{sum:?}").hash(&mut h);
    }
    let e = conn.expire(t + Duration::from_secs(100_000), &cfg);
    e.hash(&mut h);
    if show {
        println!(
            "cfg {:?}\n{log}  end expire -> {e:?}\n  summary {:?}",
            cfg.timeouts,
            conn.summary()
        );
        println!(
            "  cfg max_iw={} above={} excess={} ign={}",
            cfg.max_initial_window,
            cfg.max_above_hole_without_any_acks,
            cfg.excessive_data_without_further_acks,
            cfg.ignore_checksums
        );
    }
    h.finish()
}

fn sessions(idx: u64) -> u64 {
    let mut r = Rng(idx.wrapping_mul(0x2545F4914F6CDD1D) | 1);
    let mut z = ZeekSessions::new(ZeekConfig::default());
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut t = Duration::ZERO;
    for _ in 0..(1 + r.next() % 12) {
        let a: SocketAddr = SocketAddr::from((
            [10, 0, 0, r.pick(&[1u8, 2])],
            r.pick(&[80u16, 40000, 40001]),
        ));
        let b: SocketAddr =
            SocketAddr::from(([10, 0, 0, r.pick(&[1u8, 2])], r.pick(&[80u16, 40000])));
        t += r.pick(&[
            Duration::ZERO,
            Duration::from_millis(500),
            Duration::from_secs(1),
            Duration::from_secs(6),
            Duration::from_secs(400),
        ]);
        let flags = r.pick(&[
            TcpFlags::SYN,
            TcpFlags::SYN | TcpFlags::ACK,
            TcpFlags::ACK,
            TcpFlags::FIN | TcpFlags::ACK,
            TcpFlags::RST,
        ]);
        let s = ZeekSegment {
            flags,
            seq: SeqNum(r.pick(&[0u32, 1, 100])),
            ack: SeqNum(r.pick(&[0u32, 1, 101])),
            payload_len: r.pick(&[0u32, 10]),
            window: 100,
            ip_len: 40,
            checksum_ok: true,
            payload_captured: true,
            source_port: a.port(),
            destination_port: b.port(),
        };
        z.on_segment(a, b, &s, t);
        z.len().hash(&mut h);
        while let Some(rec) = z.pop_finished() {
            format!("{rec:?}").hash(&mut h);
        }
    }
    z.finish();
    while let Some(rec) = z.pop_finished() {
        format!("{rec:?}").hash(&mut h);
    }
    h.finish()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() > 2 && args[1] == "--show" {
        scenario(args[2].parse().unwrap(), true);
        return;
    }
    let n: u64 = args.get(1).map_or(300_000, |s| s.parse().unwrap());
    let mut out = String::new();
    for i in 0..n {
        out += &format!("{:x}\n", scenario(i, false));
    }
    for i in 0..20_000 {
        out += &format!("s{:x}\n", sessions(i));
    }
    print!("{out}");
}
