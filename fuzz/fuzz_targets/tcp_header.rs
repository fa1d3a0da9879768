#![no_main]
//! Fuzzes the TCP header view, the option iterator, header rebuilding and the
//! checksum functions with arbitrary bytes.
//!
//! Checked: nothing panics; the option walk ends within `options.len() + 1`
//! items; a parsed header rebuilt with `to_header()` and written out gives the
//! same bytes and parses back to the same header; `write_with_checksum` output
//! verifies; every option displays, and a SACK option's blocks account for
//! its bytes; each option pushed back into a `TcpOptionsBuf` parses to itself.

use core::net::{Ipv4Addr, Ipv6Addr};

use libfuzzer_sys::fuzz_target;
use std::fmt::Write as _;
use synack::wire::{PseudoHeader, internet_checksum, update_checksum};

use synack::wire::{
    TcpHeaderSlice, TcpOption, TcpOptionError, TcpOptionsBuf, TcpOptionsIter, TcpSlice,
};

fuzz_target!(|data: &[u8]| {
    // The option iterator over raw bytes (as if they were all options).
    let mut steps = 0usize;
    let mut it = TcpOptionsIter::new(data);
    let mut offset = 0usize;
    while let Some(item) = it.next() {
        steps += 1;
        assert!(steps <= data.len() + 1, "option walk does not end");
        // The offset and the unread bytes always account for the whole input.
        assert_eq!(it.offset() + it.rest().len(), data.len());
        match item {
            Ok(option) => {
                let _ = option.kind();
                let mut shown = String::new();
                write!(shown, "{option}").expect("display never fails");
                assert!(!shown.is_empty());
                if let TcpOption::Sack(blocks) = option {
                    assert_eq!(blocks.iter().count(), blocks.len());
                    assert_eq!(blocks.as_bytes().len(), 8 * blocks.len());
                }
                // A typed option written back parses to itself (EOL ends a list,
                // and unknown kinds may shadow known ones, so both are skipped).
                if !matches!(
                    option,
                    TcpOption::EndOfOptionList | TcpOption::Unknown { .. }
                ) {
                    let mut buf = TcpOptionsBuf::new();
                    if buf.push(&option).is_ok() {
                        assert_eq!(buf.iter().next(), Some(Ok(option)));
                    }
                }
                // Each option moves the walk on by exactly its wire length.
                assert_eq!(it.offset(), offset + option.wire_len());
                offset = it.offset();
            }
            Err(
                TcpOptionError::Truncated { offset: at, .. }
                | TcpOptionError::BadLength { offset: at, .. }
                | TcpOptionError::PastHeaderEnd { offset: at, .. },
            ) => {
                // The error names the option where the walk stopped.
                assert_eq!(at, offset);
                assert_eq!(it.offset(), offset);
            }
        }
    }
    assert!(it.next().is_none());

    let v4 = PseudoHeader::V4 {
        source: Ipv4Addr::new(192, 0, 2, 1),
        destination: Ipv4Addr::new(198, 51, 100, 2),
    };
    let v6 = PseudoHeader::V6 {
        source: Ipv6Addr::LOCALHOST,
        destination: Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
    };
    // Checksums on any bytes.
    let _ = internet_checksum(data);
    for pseudo in [&v4, &v6] {
        let c = pseudo.tcp_checksum(data);
        let ok = pseudo.verify_tcp(data);
        if data.len() >= 18 {
            // The field holds exactly the computed value iff it verifies (modulo the
            // 0x0000/0xffff equivalence of ones'-complement zero).
            let field = u16::from_be_bytes([data[16], data[17]]);
            if field == c {
                assert!(ok, "the computed checksum does not verify");
            }
        }
    }
    if data.len() >= 2 {
        let _ = update_checksum(
            u16::from_be_bytes([data[0], data[1]]),
            data.len() as u16,
            0xbeef,
        );
    }

    let Ok(header) = TcpHeaderSlice::from_slice(data) else {
        assert!(TcpSlice::from_slice(data).is_err());
        return;
    };
    let segment = TcpSlice::from_slice(data).expect("same check as the header");
    assert_eq!(segment.header(), header);
    assert_eq!(header.header_len() + segment.payload().len(), data.len());
    assert_eq!(header.header_len(), header.data_offset() as usize * 4);

    // Every field accessor.
    let _ = (
        header.source_port(),
        header.destination_port(),
        header.sequence_number(),
        header.acknowledgment_number(),
        header.flags(),
        header.window_size(),
        header.checksum(),
        header.urgent_pointer(),
    );
    let options = header.options_slice();
    let walked = header.options().take(options.len() + 2).count();
    assert!(walked <= options.len() + 1);

    // Rebuild, write, re-parse: identical bytes and header.
    let owned = header.to_header();
    assert_eq!(owned.header_len(), header.header_len());
    let mut buf = [0u8; 60];
    let n = owned.write(&mut buf).expect("60 bytes fit any header");
    assert_eq!(&buf[..n], header.slice());
    let reparsed = TcpHeaderSlice::from_slice(&buf[..n]).expect("written header parses");
    assert_eq!(reparsed.to_header(), owned);
    assert!(reparsed.options().eq(header.options()));

    // Re-checksummed segment verifies.
    if data.len() <= u16::MAX as usize {
        let mut seg = vec![0u8; data.len()];
        for pseudo in [&v4, &v6] {
            let n = owned
                .write_with_checksum(&mut seg, pseudo, segment.payload())
                .expect("buffer is the segment's size");
            assert_eq!(n, data.len());
            assert!(pseudo.verify_tcp(&seg));
        }
    }
});
