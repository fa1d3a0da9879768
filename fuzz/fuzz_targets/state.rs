#![no_main]
//! Fuzzes the passive `Observer` with arbitrary segment sequences and timer ticks.
//!
//! Each 16-byte chunk of the input is one event: a segment from the client or the
//! server (seq, ack, flags, payload length, window, all chosen by the bytes and
//! biased towards the numbers the observer expects so that real state changes
//! happen), or a jump in capture time. Invariants checked after every event:
//! nothing panics; each reported transition starts from the side's state before
//! it (the list chains); the observation's sender/receiver states and
//! `Observer::state` agree with the end of that chain.
//!
//! (The drivable `Endpoint` pair of issue 3 is not written yet; this target
//! covers the observer until it is.)

use core::time::Duration;

use libfuzzer_sys::fuzz_target;
use synack::state::{Observer, Side, State};
use synack::{Segment, SeqNum, TcpFlags};

fn word(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fuzz_target!(|data: &[u8]| {
    let mut observer = Observer::new();
    let mut now = Duration::ZERO;
    let mut states = [State::Closed, State::Closed];
    let mut initialised = false;
    // The last seq/ack each side was seen to use, for "plausible" numbers.
    let mut next = [SeqNum(0), SeqNum(0)];
    for ev in data.chunks_exact(16) {
        let side = if ev[0] & 1 == 0 {
            Side::Client
        } else {
            Side::Server
        };
        let idx = (ev[0] & 1) as usize;
        now += Duration::from_millis(u64::from(ev[1]) * u64::from(ev[2] & 0x0f).pow(3));
        if ev[0] & 0x80 != 0 {
            observer.on_time(now);
        } else {
            let seq = match ev[0] >> 1 & 3 {
                0 => next[idx],
                1 => next[idx] + u32::from(ev[3]),
                2 => next[idx] - u32::from(ev[3]),
                _ => SeqNum(word(&ev[4..8])),
            };
            let ack = match ev[0] >> 3 & 3 {
                0 => next[1 - idx],
                1 => next[1 - idx] + 1,
                2 => next[1 - idx] - u32::from(ev[3]),
                _ => SeqNum(word(&ev[8..12])),
            };
            let flags = TcpFlags::from_bits_retain(u16::from_le_bytes([ev[12], ev[13]]) & 0x0fff);
            let len = u32::from(ev[14]) * u32::from(ev[15] & 0x7);
            let seg = Segment::new(seq, ack, flags)
                .with_len(len)
                .with_window(u16::from_le_bytes([ev[3], ev[15]]));
            next[idx] = seg.next_seq();
            let obs = observer.on_segment(side, &seg, now);
            if !initialised {
                // The first segment tells the observer where the capture started
                // (e.g. a SYN implies a listening server): take the states before
                // its transitions, by undoing them from the states after.
                states = [observer.state(Side::Client), observer.state(Side::Server)];
                for t in obs.transitions.iter().rev() {
                    states[t.side as usize] = t.from;
                }
                initialised = true;
            }
            for t in obs.transitions.iter() {
                assert_eq!(
                    t.from, states[t.side as usize],
                    "transition {t} does not chain"
                );
                states[t.side as usize] = t.to;
            }
            assert_eq!(obs.state(side), observer.state(side));
            assert_eq!(obs.state(side.peer()), observer.state(side.peer()));
        }
        if ev[0] & 0x80 != 0 {
            states = [observer.state(Side::Client), observer.state(Side::Server)];
        }
        assert_eq!(
            states[0],
            observer.state(Side::Client),
            "client state drifted"
        );
        assert_eq!(
            states[1],
            observer.state(Side::Server),
            "server state drifted"
        );
    }
});
