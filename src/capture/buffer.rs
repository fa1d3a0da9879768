//! The reader's bounded window on the input stream.

use std::io::{self, Read};

/// Smallest buffer the reader works with.
const MIN_CAPACITY: usize = 64;

/// A window of the input: `bytes[start..end]` are read but not consumed.
///
/// It starts at `initial` bytes and doubles only when a single record needs more
/// than it holds, never past `max`, so memory stays bounded whatever the input size.
/// It is never shrunk: once grown, its capacity stays at most `max`.
pub(crate) struct RecordBuffer {
    bytes: Vec<u8>,
    start: usize,
    end: usize,
    max: usize,
    eof: bool,
}

impl RecordBuffer {
    pub(crate) fn new(initial: usize, max: usize) -> Self {
        let initial = initial.max(MIN_CAPACITY);
        RecordBuffer {
            bytes: vec![0; initial],
            start: 0,
            end: 0,
            max: max.max(initial),
            eof: false,
        }
    }

    /// The bytes read and not yet consumed.
    pub(crate) fn data(&self) -> &[u8] {
        self.bytes.get(self.start..self.end).unwrap_or(&[])
    }

    pub(crate) fn capacity(&self) -> usize {
        self.bytes.len()
    }

    /// Forgets the first `n` available bytes.
    pub(crate) fn consume(&mut self, n: usize) {
        self.start = self.start.saturating_add(n).min(self.end);
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Reads until at least `needed` bytes are available or the input ends, and
    /// returns how many are available. The caller keeps `needed <= max`.
    pub(crate) fn fill<R: Read>(&mut self, source: &mut R, needed: usize) -> io::Result<usize> {
        let needed = needed.min(self.max);
        while self.end - self.start < needed && !self.eof {
            if self.start > 0 {
                self.bytes.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if self.end == self.bytes.len() {
                let grown = self.bytes.len().saturating_mul(2).min(self.max);
                if grown <= self.bytes.len() {
                    break; // unreachable while needed <= max, but never spin
                }
                self.bytes.resize(grown, 0);
            }
            let space = self.bytes.get_mut(self.end..).unwrap_or_default();
            match source.read(space) {
                Ok(0) => self.eof = true,
                // A reader claiming more than it was given cannot move `end` past the buffer.
                Ok(n) => self.end = self.end.saturating_add(n).min(self.bytes.len()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.end - self.start)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    /// Hands out at most `step` bytes per read.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            let (now, later) = self.data.split_at(n);
            buf[..n].copy_from_slice(now);
            self.data = later;
            Ok(n)
        }
    }

    #[test]
    fn fills_across_short_reads_and_grows_to_the_cap() {
        let input: Vec<u8> = (0..=255).cycle().take(1000).collect();
        let mut source = Trickle {
            data: &input,
            step: 3,
        };
        let mut buffer = RecordBuffer::new(64, 512);
        assert_eq!(buffer.fill(&mut source, 10).unwrap(), 10 + 2); // reads whole 3-byte steps
        buffer.consume(5);
        assert_eq!(buffer.data()[0], 5);
        assert!(buffer.fill(&mut source, 300).unwrap() >= 300);
        assert_eq!(buffer.capacity(), 512);
        assert_eq!(buffer.data()[0], 5);
        assert_eq!(buffer.data()[299], (304 % 256) as u8);
        // Asking for more than the cap stops at the cap.
        assert_eq!(buffer.fill(&mut source, 10_000).unwrap(), 512);
        buffer.consume(512);
        // The input ends: what is left is all there is.
        assert_eq!(buffer.fill(&mut source, 10_000).unwrap(), 1000 - 5 - 512);
        assert_eq!(buffer.data()[0], ((5 + 512) % 256) as u8);
    }

    #[test]
    fn available_counts_from_the_first_byte_not_consumed() {
        let input: Vec<u8> = (0..10).collect();
        let mut source = &input[..];
        let mut buffer = RecordBuffer::new(64, 64);
        assert_eq!(buffer.fill(&mut source, 4).unwrap(), 10); // one read takes all ten
        buffer.consume(3);
        // Enough is buffered: no read, seven bytes from the fourth on.
        assert_eq!(buffer.fill(&mut source, 5).unwrap(), 7);
        assert_eq!(buffer.data()[0], 3);
        // More than the input holds: it ends, and seven are still there.
        assert_eq!(buffer.fill(&mut source, 20).unwrap(), 7);
        buffer.consume(2);
        // After the end no read is tried: five are left.
        assert_eq!(buffer.fill(&mut source, 20).unwrap(), 5);
        assert_eq!(buffer.data(), &[5, 6, 7, 8, 9]);
    }

    #[test]
    fn lying_reader_cannot_overrun() {
        struct Liar;
        impl Read for Liar {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                Ok(buf.len() + 100)
            }
        }
        let mut buffer = RecordBuffer::new(64, 64);
        assert_eq!(buffer.fill(&mut Liar, 64).unwrap(), 64);
    }

    #[test]
    fn interrupted_reads_are_retried_and_errors_returned() {
        struct Flaky(u8);
        impl Read for Flaky {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                self.0 += 1;
                match self.0 {
                    1 => Err(io::ErrorKind::Interrupted.into()),
                    2 => {
                        buf[0] = 7;
                        Ok(1)
                    }
                    _ => Err(io::ErrorKind::ConnectionReset.into()),
                }
            }
        }
        let mut buffer = RecordBuffer::new(64, 64);
        let mut source = Flaky(0);
        assert_eq!(buffer.fill(&mut source, 1).unwrap(), 1);
        assert_eq!(
            buffer.fill(&mut source, 2).unwrap_err().kind(),
            io::ErrorKind::ConnectionReset
        );
    }
}
