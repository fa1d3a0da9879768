//! A checked, zero-copy view of a TCP header ([`TcpHeaderSlice`]) and of a whole
//! segment ([`TcpSlice`]).

use nom::Parser;
use nom::bytes::complete::take;
use nom::number::complete::be_u8;

use crate::flags::TcpFlags;
use crate::seq::SeqNum;
use crate::wire::build::{TcpHeader, TcpOptionsBuf};
use crate::wire::options::TcpOptionsIter;

/// Length of a TCP header without options.
pub const TCP_MIN_HEADER_LEN: usize = 20;
/// Longest possible TCP header (data offset 15).
pub const TCP_MAX_HEADER_LEN: usize = 60;

/// Byte ranges of the fixed header (RFC 9293 §3.1).
mod field {
    use core::ops::Range;
    pub const SRC_PORT: Range<usize> = 0..2;
    pub const DST_PORT: Range<usize> = 2..4;
    pub const SEQ_NUM: Range<usize> = 4..8;
    pub const ACK_NUM: Range<usize> = 8..12;
    pub const DATA_OFFSET_FLAGS: Range<usize> = 12..14;
    pub const WINDOW: Range<usize> = 14..16;
    pub const CHECKSUM: Range<usize> = 16..18;
    pub const URGENT: Range<usize> = 18..20;
}

/// Why bytes are not a TCP header. Offsets count from the first byte of the TCP header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum TcpHeaderError {
    /// Fewer than 20 bytes: not even the fixed header is there.
    #[error("TCP header truncated: {available} bytes, at least 20 needed")]
    Truncated {
        /// Bytes available.
        available: usize,
    },
    /// Data offset below 5 words (the header cannot be shorter than its fixed part).
    #[error("TCP data offset {data_offset} is below 5 (at byte 12)")]
    DataOffsetTooSmall {
        /// The data offset field, in 32-bit words.
        data_offset: u8,
    },
    /// The data offset points past the end of the bytes.
    #[error("TCP data offset says {header_len} header bytes but only {available} are there")]
    DataOffsetPastEnd {
        /// Header length the data offset announces, in bytes.
        header_len: usize,
        /// Bytes available.
        available: usize,
    },
}

/// A TCP header, checked once and then read in place.
///
/// `from_slice` validates that the fixed header is present and that the data
/// offset is 5..=15 words and within the bytes; after that no accessor can
/// panic. The view covers exactly `header_len()` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TcpHeaderSlice<'a> {
    bytes: &'a [u8],
}

#[inline]
fn be16(b: &[u8], r: core::ops::Range<usize>) -> u16 {
    let mut a = [0u8; 2];
    a.copy_from_slice(&b[r]);
    u16::from_be_bytes(a)
}

#[inline]
fn be32(b: &[u8], r: core::ops::Range<usize>) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[r]);
    u32::from_be_bytes(a)
}

impl<'a> TcpHeaderSlice<'a> {
    /// Checks `bytes` (starting at the TCP header, possibly followed by payload)
    /// and returns a view of the header alone.
    pub fn from_slice(bytes: &'a [u8]) -> Result<Self, TcpHeaderError> {
        // nom frames the header: 12 bytes of ports and numbers, the data offset
        // byte, then the rest of the fixed header.
        let mut fixed = (
            take::<_, _, nom::error::Error<&[u8]>>(field::DATA_OFFSET_FLAGS.start),
            be_u8,
            take(TCP_MIN_HEADER_LEN - field::DATA_OFFSET_FLAGS.start - 1),
        );
        let Ok((_, (_, offset_byte, _))) = fixed.parse_complete(bytes) else {
            return Err(TcpHeaderError::Truncated {
                available: bytes.len(),
            });
        };
        let data_offset = offset_byte >> 4;
        if data_offset < 5 {
            return Err(TcpHeaderError::DataOffsetTooSmall { data_offset });
        }
        let header_len = data_offset as usize * 4;
        match take::<_, _, nom::error::Error<&[u8]>>(header_len).parse_complete(bytes) {
            Ok((_, header)) => Ok(Self { bytes: header }),
            Err(_) => Err(TcpHeaderError::DataOffsetPastEnd {
                header_len,
                available: bytes.len(),
            }),
        }
    }

    /// The header's bytes (exactly `header_len()` of them).
    #[inline]
    pub fn slice(&self) -> &'a [u8] {
        self.bytes
    }

    /// Source port.
    #[inline]
    pub fn source_port(&self) -> u16 {
        be16(self.bytes, field::SRC_PORT)
    }

    /// Destination port.
    #[inline]
    pub fn destination_port(&self) -> u16 {
        be16(self.bytes, field::DST_PORT)
    }

    /// Sequence number: of the first data octet, or the ISN when SYN is set (RFC 9293 §3.1).
    #[inline]
    pub fn sequence_number(&self) -> SeqNum {
        SeqNum(be32(self.bytes, field::SEQ_NUM))
    }

    /// Acknowledgment number: the next sequence number the sender expects to
    /// receive; significant only when ACK is set.
    #[inline]
    pub fn acknowledgment_number(&self) -> SeqNum {
        SeqNum(be32(self.bytes, field::ACK_NUM))
    }

    /// Data offset in 32-bit words (5..=15).
    #[inline]
    pub fn data_offset(&self) -> u8 {
        self.bytes[field::DATA_OFFSET_FLAGS.start] >> 4
    }

    /// Header length in bytes (20..=60).
    #[inline]
    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    /// All twelve flag bits, reserved bits included.
    #[inline]
    pub fn flags(&self) -> TcpFlags {
        let r = field::DATA_OFFSET_FLAGS;
        TcpFlags::from_header_bytes(self.bytes[r.start], self.bytes[r.start + 1])
    }

    /// Window field, unscaled.
    #[inline]
    pub fn window_size(&self) -> u16 {
        be16(self.bytes, field::WINDOW)
    }

    /// Checksum field as transmitted.
    #[inline]
    pub fn checksum(&self) -> u16 {
        be16(self.bytes, field::CHECKSUM)
    }

    /// Urgent pointer field.
    #[inline]
    pub fn urgent_pointer(&self) -> u16 {
        be16(self.bytes, field::URGENT)
    }

    /// The raw option bytes (between the fixed header and the data offset).
    #[inline]
    pub fn options_slice(&self) -> &'a [u8] {
        &self.bytes[TCP_MIN_HEADER_LEN..]
    }

    /// A lazy iterator over the options.
    #[inline]
    pub fn options(&self) -> TcpOptionsIter<'a> {
        TcpOptionsIter::new(self.options_slice())
    }

    /// An owned copy of the header; its options keep the raw bytes, so writing it
    /// reproduces this header byte for byte.
    pub fn to_header(&self) -> TcpHeader {
        let mut options = TcpOptionsBuf::new();
        // At most 40 option bytes exist after a successful `from_slice`.
        let _ = options.push_raw(self.options_slice());
        TcpHeader {
            source_port: self.source_port(),
            destination_port: self.destination_port(),
            sequence_number: self.sequence_number(),
            acknowledgment_number: self.acknowledgment_number(),
            flags: self.flags(),
            window_size: self.window_size(),
            checksum: self.checksum(),
            urgent_pointer: self.urgent_pointer(),
            options,
        }
    }
}

/// A TCP segment: a checked header and the payload bytes after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TcpSlice<'a> {
    header: TcpHeaderSlice<'a>,
    payload: &'a [u8],
}

impl<'a> TcpSlice<'a> {
    /// Checks the header at the start of `segment`; the rest is payload.
    pub fn from_slice(segment: &'a [u8]) -> Result<Self, TcpHeaderError> {
        let header = TcpHeaderSlice::from_slice(segment)?;
        Ok(Self {
            header,
            payload: &segment[header.header_len()..],
        })
    }

    /// The header.
    #[inline]
    pub fn header(&self) -> TcpHeaderSlice<'a> {
        self.header
    }

    /// The payload (everything after the header).
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }
}
