#![no_main]
//! Fuzzes the frame walker: the first byte picks a link type (every supported
//! one and a few unsupported ones), the rest is the captured frame. Every
//! answer of `decode_all` is taken apart field by field, and the invariants
//! the documentation promises are checked: `decode` is the first item, a TCP
//! segment's header and payload lie inside the frame, the payload never
//! exceeds the length the IP header declares, and it falls short only when
//! the checksum is unverified for truncation.

use libfuzzer_sys::fuzz_target;
use std::fmt::Write;
use synack::wire::{ChecksumStatus, Decoded, LinkType, decode, decode_all};
use synack::wire::{Encapsulation, UnverifiedReason};

/// Link types the first byte chooses from: all those `decode` walks, then
/// some it does not (which must come back as unsupported).
const LINK_TYPES: [u32; 24] = [
    0,
    1,
    9,
    10,
    12,
    14,
    50,
    51,
    101,
    104,
    105,
    108,
    113,
    117,
    127,
    228,
    229,
    239,
    276,
    // Unsupported: SLIP, PPI, MPLS, LINKTYPE_ETHERNET_MPACKET, the largest value.
    8,
    192,
    219,
    274,
    u32::MAX,
];

fn touch_path(path: &Encapsulation, out: &mut String) {
    for layer in path.as_slice() {
        let _ = write!(out, "{layer}");
    }
    let _ = write!(out, "{path} {path:?} {}", path.ip_headers());
    assert_eq!(path.len(), path.as_slice().len());
}

fn touch(decoded: &Decoded<'_>, frame: &[u8], out: &mut String) {
    let _ = write!(out, "{decoded:?}");
    match decoded {
        Decoded::Tcp(p) => {
            let h = p.header;
            let end = p.offset + h.header_len() + p.payload.len();
            assert!(end <= frame.len(), "segment past the frame");
            assert_eq!(h.slice(), &frame[p.offset..p.offset + h.header_len()]);
            assert!(p.payload.len() as u64 <= u64::from(p.payload_len));
            let cut = (p.payload.len() as u64) < u64::from(p.payload_len);
            assert_eq!(
                cut,
                p.verify_checksum() == ChecksumStatus::Unverified(UnverifiedReason::Truncated)
            );
            assert_eq!(cut, p.is_truncated());
            let _ = write!(
                out,
                "{} {} {} {} {:?} {:?} {} {} {} {} {} {:?} {:?} {}",
                p.source(),
                p.destination(),
                h.source_port(),
                h.destination_port(),
                h.sequence_number(),
                h.acknowledgment_number(),
                h.data_offset(),
                h.flags().tcpdump(),
                h.window_size(),
                h.checksum(),
                h.urgent_pointer(),
                h.options_slice(),
                p.pseudo_header(),
                p.verify_checksum().tshark_status(),
            );
            let _ = p.pseudo_header().sum(p.payload_len);
            for option in h.options() {
                let _ = write!(out, "{option:?}");
            }
            assert_eq!(
                p.encapsulation.as_slice().last(),
                Some(&synack::wire::Layer::Tcp)
            );
            touch_path(&p.encapsulation, out);
        }
        Decoded::IcmpQuotedTcp(q) => {
            assert!(q.quoted_tcp.len() >= 8);
            let _ = write!(
                out,
                "{} {} {} {} {:?} {}",
                q.message,
                q.reporter,
                q.source,
                q.destination,
                q.sequence_number,
                q.message.is_error()
            );
        }
        Decoded::NotTcp(n) => {
            let _ = write!(out, "{n}");
        }
        Decoded::Error(e) => {
            let _ = write!(out, "{e}");
            if let Some(source) = std::error::Error::source(e) {
                let _ = write!(out, "{source}");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, frame)) = data.split_first() else {
        return;
    };
    let link_type = LinkType(LINK_TYPES[usize::from(selector) % LINK_TYPES.len()]);
    let first = decode(link_type, frame);
    let mut out = String::new();
    let mut count = 0usize;
    for decoded in decode_all(link_type, frame) {
        if count == 0 {
            assert_eq!(decoded, first);
        }
        count += 1;
        touch(&decoded, frame, &mut out);
        out.clear();
    }
    assert!(count >= 1);
    // Each A-MSDU subframe takes at least 16 bytes.
    assert!(count <= 1 + frame.len() / 16);
    if !link_type.is_supported() {
        assert!(matches!(first, Decoded::Error(_)));
    }
});
