#![no_main]
//! Fuzzes [`Defragmenter::push_frame`], the entry point that takes whole frames:
//! arbitrary frames (raw IP or Ethernet, chosen by the first byte of each) at
//! arbitrary capture times, under a small memory cap.
//!
//! Checked: nothing panics; the held cost never exceeds the cap after a frame;
//! a returned datagram is never longer than the frame bytes pushed so far (it is
//! made of pushed fragment payloads plus one rebuilt IP header, which is no
//! longer than a header pushed); and `decode_datagram` does not panic on it.

use core::time::Duration;

use libfuzzer_sys::fuzz_target;
use synack::reassembly::{DefragConfig, Defragmenter, decode_datagram};
use synack::wire::LinkType;

fuzz_target!(|data: &[u8]| {
    let Some((&cap, mut rest)) = data.split_first() else {
        return;
    };
    let cap = usize::from(cap) * 64;
    let mut defrag = Defragmenter::new(DefragConfig {
        max_total: cap,
        ..DefragConfig::default()
    });
    let mut pushed = 0usize;
    let mut time = 0u64;
    // Each frame: one control byte (link type, time step) and one length byte.
    while let [control, len, tail @ ..] = rest {
        let len = usize::from(*len).min(tail.len());
        let (frame, after) = tail.split_at(len);
        rest = after;
        time += u64::from(control >> 1);
        let link = if control & 1 == 0 {
            LinkType::RAW
        } else {
            LinkType::ETHERNET
        };
        pushed += frame.len();
        let done = defrag.push_frame(link, frame, Duration::from_millis(time * 100), &mut |_| {});
        assert!(defrag.held_cost() <= cap, "cap exceeded");
        for datagram in done {
            assert!(datagram.len() <= pushed, "more delivered than pushed");
            let _ = decode_datagram(&datagram);
        }
    }
});
