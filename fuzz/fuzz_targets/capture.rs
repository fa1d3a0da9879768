#![no_main]
//! Fuzz target for `synack::capture::CaptureReader`.
//!
//! The input is read as a capture file three ways: from a `&[u8]`, through a
//! reader that hands out 1 to 7 bytes per `read` call (sizes taken from the input
//! itself, to exercise every refill path), and with a tiny 64-byte buffer that may
//! grow to 4 KiB only. Every record is touched. The target checks that nothing
//! panics, that the first two ways give the same records and the same final error,
//! that no more records come out than `input.len() / 16` (the smallest pcap record
//! and pcapng packet block are 16 bytes), that the buffer stays within its limit,
//! and that `next_record` returns `None` after the end or an error.
//!
//! Seed corpus (kept out of git, `fuzz/corpus` is ignored), from the repository root:
//!
//! ```sh
//! mkdir -p fuzz/corpus/capture
//! cp tests/data/http-image.pcap tests/data/http-image.pcapng fuzz/corpus/capture/
//! # small pcapng files with several interfaces, sections and block types:
//! cp $SYNACK_CORPUS/captures-wild/*.pcapng fuzz/corpus/capture/
//! cp $SYNACK_CORPUS/captures/keepalive.pcap $SYNACK_CORPUS/captures/rst-refused.pcap fuzz/corpus/capture/
//! cargo +nightly fuzz run capture -- -max_total_time=600 -jobs=1
//! ```

use std::io::{self, Read};

use libfuzzer_sys::fuzz_target;
use synack::capture::{CaptureError, CaptureReader, Timestamp};
use synack::wire::LinkType;

/// Returns 1 to 7 bytes per call, the sizes read from `sizes` in turn.
struct Chunked<'a> {
    data: &'a [u8],
    sizes: &'a [u8],
    turn: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let size = match self.sizes.get(self.turn % self.sizes.len().max(1)) {
            Some(b) => usize::from(b % 7) + 1,
            None => 1,
        };
        self.turn += 1;
        let n = size.min(buf.len()).min(self.data.len());
        let (now, later) = self.data.split_at(n);
        buf[..n].copy_from_slice(now);
        self.data = later;
        Ok(n)
    }
}

type Seen = (u64, Timestamp, LinkType, Vec<u8>, u32, u32, u64);

fn drain<R: Read>(
    reader: Result<CaptureReader<R>, CaptureError>,
    input_len: usize,
    buffer_limit: usize,
) -> Result<(Vec<Seen>, Option<CaptureError>), CaptureError> {
    let mut reader = reader?;
    let mut seen = Vec::new();
    let mut error = None;
    while let Some(result) = reader.next_record() {
        match result {
            Ok(r) => {
                assert!(error.is_none());
                assert_eq!(r.index, seen.len() as u64);
                assert!(r.data.len() <= input_len);
                assert!(r.timestamp.nanos < 1_000_000_000);
                assert!(r.offset < input_len as u64);
                seen.push((
                    r.index,
                    r.timestamp,
                    r.link_type,
                    r.data.to_vec(),
                    r.original_len,
                    r.interface,
                    r.offset,
                ));
            }
            Err(e) => {
                assert!(error.is_none());
                let _ = e.to_string();
                error = Some(e);
            }
        }
        assert!(reader.buffer_capacity() <= buffer_limit);
    }
    assert!(reader.next_record().is_none());
    assert!(seen.len() <= input_len / 16);
    Ok((seen, error))
}

fuzz_target!(|input: &[u8]| {
    let whole = drain(
        CaptureReader::new(input),
        input.len(),
        synack::capture::DEFAULT_MAX_RECORD_LEN,
    );
    let chunked = drain(
        CaptureReader::new(Chunked {
            data: input,
            sizes: input,
            turn: input.len(),
        }),
        input.len(),
        synack::capture::DEFAULT_MAX_RECORD_LEN,
    );
    assert_eq!(whole, chunked);
    let _ = drain(
        CaptureReader::with_limits(input, 64, 4096),
        input.len(),
        4096,
    );
});
