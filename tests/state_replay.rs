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
//!
//! `REPLAY` may name a directory (a fuzz corpus): every file in it is played, and
//! the test lists the inputs that fail — how a mutant of the observer is tried
//! against everything the fuzzer has found so far.

mod state_world;

#[test]
#[ignore = "a tool: set REPLAY to a fuzz input"]
fn replay_a_state_fuzz_input() {
    let path = std::env::var("REPLAY").expect("REPLAY names a `state` fuzz input");
    let path = std::path::Path::new(&path);
    if !path.is_dir() {
        let data = std::fs::read(path).expect("REPLAY is a readable file");
        state_world::fuzz_input::run(&data);
        return;
    }
    let mut files: Vec<_> = std::fs::read_dir(path)
        .expect("REPLAY is a readable directory")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    files.sort();
    let mut failed = Vec::new();
    for file in &files {
        let data = std::fs::read(file).expect("a readable input");
        if std::panic::catch_unwind(|| state_world::fuzz_input::run(&data)).is_err() {
            failed.push(file.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} inputs fail:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}
