//! The `state` fuzz target's decoding of its input bytes into two endpoint
//! configurations and a schedule of [`Op`]s, shared with the tests so that a
//! fuzz input can be kept as a regression test byte for byte
//! (`tests/state_schedules.rs`): [`run`] plays an input in a [`World`], which
//! checks the observer against the endpoints after every operation and panics at
//! the first disagreement, exactly as the fuzz target does.

use core::time::Duration;

use synack::segment::SynOptions;
use synack::state::{Config, Side};
use synack::{flags::TcpFlags, segment::Segment, seq::SeqNum};

use super::fuzz_bytes::FuzzBytes as Input;
use super::{Op, World};

/// A segment in `from`'s name, with numbers near the receiver's own or arbitrary.
fn forge(w: &World, from: Side, input: &mut Input<'_>) -> Segment {
    let e = w.pair.endpoint(from.peer());
    let near = |base: Option<SeqNum>, mode: u8, delta: u32| -> SeqNum {
        match (mode % 3, base) {
            (0, Some(b)) => b + (delta % 64) - 32,
            (1, Some(b)) => b + delta % 70_000,
            _ => SeqNum(delta),
        }
    };
    let (seq_mode, ack_mode) = (input.u8(), input.u8());
    let seq = near(e.rcv_nxt(), seq_mode, input.u32());
    let ack = near(e.snd_nxt(), ack_mode, input.u32());
    let flags = TcpFlags::from_bits_truncate(input.u16() & 0x0fff);
    let len = u32::from(input.u16() % 2000);
    let window = input.u16();
    let o = input.u8();
    let options = SynOptions {
        mss: (o & 1 != 0).then(|| input.u16()),
        window_scale: (o & 2 != 0).then(|| input.u8()),
        sack_permitted: o & 4 != 0,
        timestamps: None,
    };
    Segment::new(seq, ack, flags)
        .with_len(len)
        .with_window(window)
        .with_options(options)
}

/// An endpoint's configuration from the input: ISN offset, window and its shift,
/// window scale, MSS, user timeout.
fn config(input: &mut Input<'_>) -> Config {
    let d = Config::default();
    Config {
        isn_offset: input.u32(),
        window: u32::from(input.u16()) << (input.u8() % 8),
        window_scale: {
            let b = input.u8();
            (b & 0x80 != 0).then_some(b & 0x1f)
        },
        mss: Some(input.u16() | 1),
        user_timeout: match input.u8() % 4 {
            0 => None,
            1 => Some(Duration::from_secs(u64::from(input.u8()))),
            _ => d.user_timeout,
        },
        ..d
    }
}

/// Plays `data` as the fuzz target does: the client's and the server's
/// configuration, then one operation per step (at most 4,096), each checked by
/// [`World::apply`]. Returns the world at the end.
pub fn run(data: &[u8]) -> World {
    run_steps(data, 4096)
}

/// [`run`], stopped after `max_steps` operations (at most 4,096), so that a test
/// can look at the world at a given point of the schedule.
pub fn run_steps(data: &[u8], max_steps: usize) -> World {
    play(data, max_steps, false)
}

/// [`run`], but the sides stay compared after a segment outlived the MSL before the
/// capture point ([`World::compare_past_the_msl`]): how the finds kept before that
/// rule (2026-12-04) are played, the observer holding them all the same.
pub fn run_past_the_msl(data: &[u8]) -> World {
    play(data, 4096, true)
}

fn play(data: &[u8], max_steps: usize, compare_past_the_msl: bool) -> World {
    let max_steps = max_steps.min(4096);
    let mut input = Input(data);
    let client = config(&mut input);
    let server = config(&mut input);
    let mut w = World::new(client, server);
    w.compare_past_the_msl = compare_past_the_msl;
    let mut steps = 0;
    while !input.is_empty() && steps < max_steps {
        steps += 1;
        let b = input.u8();
        let side = if b & 0x80 != 0 {
            Side::Server
        } else {
            Side::Client
        };
        let op = match (b & 0x7f) % 12 {
            0 | 1 => Op::Deliver(0),
            2 => Op::Deliver(usize::from(input.u8())),
            3 => Op::Drop(usize::from(input.u8())),
            4 => Op::Duplicate(usize::from(input.u8())),
            5 => Op::Delay(usize::from(input.u8())),
            6 => match input.u8() % 2 {
                0 => Op::Capture(usize::from(input.u8())),
                _ => Op::DropCaptured(usize::from(input.u8())),
            },
            7 => match input.u8() % 6 {
                0 => Op::Listen(side),
                1 => Op::Connect(side),
                2 => Op::Send(side, u32::from(input.u16() % 1600)),
                3 => Op::Close(side),
                4 => Op::Abort(side),
                _ => Op::Retransmit(side),
            },
            8 => match input.u8() % 3 {
                0 => Op::InjectRst(side, input.u8() % 3),
                1 => Op::InjectSyn(side, input.u8() % 3),
                _ => Op::Forge(side, forge(&w, side, &mut input)),
            },
            9 => Op::DeliverAll,
            _ => Op::Wait(match input.u8() % 4 {
                0 => Duration::from_micros(u64::from(input.u16())),
                1 => Duration::from_millis(u64::from(input.u16())),
                2 => Duration::from_secs(u64::from(input.u16())),
                _ => Duration::from_secs(240),
            }),
        };
        w.apply(op);
        if super::trace() {
            eprintln!("step {steps} done");
        }
    }
    w
}
