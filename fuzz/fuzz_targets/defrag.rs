#![no_main]
//! Fuzzes the [`Defragmenter`] with arbitrary fragment sequences: a few keys
//! (IPv4 and IPv6), arbitrary offsets, lengths, more-fragments bits and capture
//! times, and a small memory cap.
//!
//! Checked: nothing panics; the cap holds after every fragment; a completed
//! datagram is never longer than its header plus the bytes pushed for its key
//! since the previous completion or drop of that key, its payload is made
//! only of pushed bytes (every fragment carries its key's marker byte), and
//! `decode_datagram` does not panic on it.

use core::time::Duration;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use libfuzzer_sys::fuzz_target;
use synack::reassembly::{DefragConfig, DefragEvent, DefragKey, Defragmenter, decode_datagram};
use synack::wire::{Fragment, IpNumber};

fn handle(pushed: &mut HashMap<DefragKey, usize>, e: DefragEvent) {
    match e {
        DefragEvent::Complete { key, datagram, .. } => {
            let header = if matches!(key, DefragKey::V4 { .. }) {
                20
            } else {
                40
            };
            let got = pushed.get(&key).copied().unwrap_or(0);
            assert!(datagram.len() <= header + got, "more delivered than sent");
            let k = match key {
                DefragKey::V4 { identification, .. } => identification as u8,
                DefragKey::V6 { identification, .. } => identification as u8,
            };
            assert!(datagram[header..].iter().all(|&b| b == 0x40 + k));
            let _ = decode_datagram(&datagram);
            pushed.remove(&key);
        }
        DefragEvent::Dropped { key, .. } => {
            pushed.remove(&key);
        }
        DefragEvent::Ignored { .. } => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let mut it = data.iter().copied();
    let mut next = || it.next();
    let cap = usize::from(next().unwrap_or(0)) * 256;
    let mut d = Defragmenter::new(DefragConfig {
        max_total: cap,
        ..DefragConfig::default()
    });
    let mut pushed: HashMap<DefragKey, usize> = HashMap::new();
    let mut time = 0u64;
    while let (Some(op), Some(hi), Some(lo), Some(len)) = (next(), next(), next(), next()) {
        let key = op & 3;
        let v6 = op & 4 != 0;
        let more = op & 8 != 0;
        if op & 0x10 != 0 {
            time += u64::from(op >> 5);
        }
        let raw = u16::from_be_bytes([hi, lo]);
        let offset = if op & 0x80 != 0 {
            raw & !7
        } else {
            (raw >> 4) & !7
        };
        let (source, destination) = if v6 {
            (
                IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 1)),
                IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 2)),
            )
        } else {
            (
                IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
                IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
            )
        };
        let fragment = Fragment {
            source,
            destination,
            identification: u32::from(key),
            offset,
            more_fragments: more,
            protocol: IpNumber::TCP,
            payload_offset: 0,
            payload_len: 0,
        };
        let marker = 0x40 + key;
        let payload = vec![marker; usize::from(len) * 4];
        let k = DefragKey::of(&fragment).unwrap();
        let now = Duration::from_secs(time);
        // Expiry first, so that the bytes counted below belong to the
        // datagram this fragment joins.
        d.expire(now, &mut |e| handle(&mut pushed, e));
        *pushed.entry(k).or_default() += payload.len();
        d.push(&fragment, &payload, now, &mut |e| handle(&mut pushed, e));
        assert!(d.held_cost() <= cap);
    }
});
