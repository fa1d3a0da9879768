#![no_main]
//! Fuzzes two [`Endpoint`](synack::state::Endpoint)s in a
//! [`Pair`](synack::state::Pair) and an [`Observer`](synack::state::Observer) at a
//! capture point between them, with arbitrary sequences of events decoded from the
//! input bytes: user calls (passive and active OPEN, SEND, CLOSE, ABORT,
//! RETRANSMIT) at any time, deliveries of segments in flight (in order, reordered,
//! delayed, dropped, duplicated), segments passing the capture point early and then
//! overtaken or lost, injected segments (RSTs and SYNs at the receiver's numbers,
//! or anything with arbitrary numbers, flags and options), time passing, and
//! arbitrary configurations (windows, scales, MSS, user timeouts).
//!
//! The world, every check, the rule for what a passive observer can know and the
//! decoding of the input are those of `tests/state_hostile.rs` and
//! `tests/state_schedules.rs`, in the same code: `tests/state_world/`, included
//! here, so that a find can be kept as a test byte for byte. Whenever nothing is
//! in flight, the observer's state of each side it can know must equal the
//! endpoint's.

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/state_world/mod.rs"]
mod state_world;

fuzz_target!(|data: &[u8]| {
    state_world::fuzz_input::run(data);
});
