#![no_main]
//! Fuzzes the connection-level [`Reassembler`] with arbitrary segment
//! sequences decoded from the input: side, sequence number (near the previous
//! ones or anywhere), flags, ACK, payload length, overlap policy, small caps.
//!
//! Checked: nothing panics; every direction's data events are contiguous
//! (each starts where the previous data or gap ended) and never deliver more
//! bytes than were pushed; the per-direction and total caps hold after every
//! segment; closing releases everything; after every segment each direction's
//! counters account for every payload byte pushed to it (delivered, duplicate,
//! dropped or held).

use libfuzzer_sys::fuzz_target;
use synack::reassembly::{
    Event, OverlapPolicy, Reassembler, ReassemblyConfig, StreamConfig, StreamEvent, StreamSegment,
};
use synack::state::Side;
use synack::{flags::TcpFlags, seq::SeqNum};

#[path = "../../tests/common/fuzz_bytes.rs"]
mod fuzz_bytes;
use fuzz_bytes::FuzzBytes as Input;

#[derive(Default)]
struct Dir {
    next: Option<u64>,
    delivered: u64,
}

/// Checks one event against what the direction reported before.
fn check(dirs: &mut [[Dir; 2]; 4], key: &u8, e: Event<'_>) {
    if let Event::Stream { side, event } = e {
        let d = &mut dirs[usize::from(*key)][side.index()];
        match event {
            StreamEvent::Data { offset, bytes } => {
                assert!(d.next.is_none_or(|n| n == offset), "data not contiguous");
                d.next = Some(offset + bytes.len() as u64);
                d.delivered += bytes.len() as u64;
            }
            StreamEvent::Gap { offset, len } => {
                assert!(d.next.is_none_or(|n| n == offset), "gap not contiguous");
                assert!(len > 0);
                d.next = Some(offset + len);
            }
            _ => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let policy = if input.u8() & 1 == 0 {
        OverlapPolicy::First
    } else {
        OverlapPolicy::Last
    };
    let per_dir = usize::from(input.u16()) * 16;
    let total = usize::from(input.u16()) * 16;
    let config = ReassemblyConfig {
        stream: StreamConfig {
            overlap: policy,
            max_buffered: per_dir,
        },
        max_total: total,
    };
    let mut r: Reassembler<u8> = Reassembler::new(config);
    let mut dirs: [[Dir; 2]; 4] = Default::default();
    let mut pushed = [[0u64; 2]; 4];
    // Pushed to the connection now open under each key.
    let mut pushed_now = [[0u64; 2]; 4];
    let mut delivered_before = [[0u64; 2]; 4];
    let mut base = [input.u32(), input.u32()];
    let payload = [0xa5u8; 2048];
    while !input.0.is_empty() {
        let op = input.u8();
        let key = op & 3;
        let side = if op & 4 == 0 {
            Side::Client
        } else {
            Side::Server
        };
        if op & 0xf8 == 0xf8 {
            r.close(&key, &mut |k, e| check(&mut dirs, k, e));
            // A later segment of this key starts a new connection, whose
            // offsets start again at 0.
            for (total, d) in delivered_before[usize::from(key)]
                .iter_mut()
                .zip(&dirs[usize::from(key)])
            {
                *total += d.delivered;
            }
            dirs[usize::from(key)] = Default::default();
            pushed_now[usize::from(key)] = [0; 2];
            continue;
        }
        let b = &mut base[side.index()];
        let seq = match input.u8() % 4 {
            0 => input.u32(),
            _ => {
                let d = i32::from(input.u16() as i16);
                b.wrapping_add_signed(d)
            }
        };
        *b = b.wrapping_add(u32::from(input.u8()));
        let flags = TcpFlags::from_bits_truncate(u16::from(input.u8()) & 0x1f | 0x10);
        let ack = base[side.peer().index()].wrapping_add(u32::from(input.u16()));
        let len = usize::from(input.u16()) % payload.len();
        // Sometimes a payload cut by the snapshot length.
        let cut = match input.u8() {
            c if c < 0xf0 => 0,
            c => u32::from(c & 0x0f) * 97,
        };
        let segment = StreamSegment {
            seq: SeqNum(seq),
            flags,
            ack: SeqNum(ack),
            payload: &payload[..len],
            cut,
        };
        pushed[usize::from(key)][side.index()] += len as u64;
        pushed_now[usize::from(key)][side.index()] += len as u64;
        r.segment(&key, side, segment, &mut |k, e| check(&mut dirs, k, e));
        assert!(r.buffered_cost() <= total);
        for k in 0..4u8 {
            for s in Side::BOTH {
                if let Some(st) = r.stream(&k, s) {
                    assert!(st.buffered_cost() <= per_dir);
                    let c = st.stats();
                    let counted = c.delivered
                        + c.duplicate_bytes
                        + c.dropped_bytes
                        + st.buffered_bytes() as u64;
                    assert_eq!(
                        counted,
                        pushed_now[usize::from(k)][s.index()],
                        "payload bytes not accounted for"
                    );
                }
            }
        }
    }
    r.close_all(&mut |k, e| check(&mut dirs, k, e));
    assert_eq!(r.buffered_cost(), 0);
    for (k, dir) in dirs.iter().enumerate() {
        for s in 0..2 {
            let delivered = dir[s].delivered + delivered_before[k][s];
            assert!(delivered <= pushed[k][s], "more delivered than sent");
        }
    }
});
