//! Replays one input of the `state` fuzz target without the nightly toolchain or
//! cargo-fuzz, through the same world and decoding (`tests/state_world`): a tool for
//! analysing a find, run by hand and ignored otherwise.
//!
//! ```text
//! REPLAY=fuzz/open/state/crash-… TRACE=1 \
//!     cargo test --all-features --test state_replay -- --ignored --nocapture
//! ```
//!
//! With `TRACE` set, the world prints every operation, every segment the capture
//! point sees with the observer's transitions and notes, and the endpoints' answers;
//! the test fails where the fuzz target would.

mod state_world;

#[test]
#[ignore = "a tool: set REPLAY to a fuzz input"]
fn replay_a_state_fuzz_input() {
    let path = std::env::var("REPLAY").expect("REPLAY names a `state` fuzz input");
    let data = std::fs::read(&path).expect("REPLAY is a readable file");
    state_world::fuzz_input::run(&data);
}
