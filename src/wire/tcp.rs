//! A checked, zero-copy view of a TCP header ([`TcpHeaderSlice`]) and of a whole
//! segment ([`TcpSlice`]).

use nom::Parser;

use crate::flags::TcpFlags;
use crate::seq::SeqNum;
use crate::wire::options::{TcpOptionsIter, take};
use crate::wire::{TcpHeader, TcpOptionsBuf};

/// Length of a TCP header without options.
pub const TCP_MIN_HEADER_LEN: usize = 20;
/// Longest possible TCP header (data offset 15).
pub const TCP_MAX_HEADER_LEN: usize = 60;

/// Byte ranges of the fixed header (RFC 9293 §3.1), shared with the builder.
pub(crate) mod field {
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
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
    /// The whole header, `header_len()` bytes.
    bytes: &'a [u8],
    /// Its fixed part: the accessors read this array, so they have no bounds
    /// to check.
    fixed: &'a [u8; TCP_MIN_HEADER_LEN],
    /// Its options (the bytes after the fixed part).
    options: &'a [u8],
}

/// A big-endian `u16` field of the fixed header.
#[inline(always)]
fn be16(fixed: &[u8; TCP_MIN_HEADER_LEN], r: core::ops::Range<usize>) -> u16 {
    let mut a = [0u8; 2];
    a.copy_from_slice(&fixed[r]);
    u16::from_be_bytes(a)
}

/// A big-endian `u32` field of the fixed header.
#[inline(always)]
fn be32(fixed: &[u8; TCP_MIN_HEADER_LEN], r: core::ops::Range<usize>) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&fixed[r]);
    u32::from_be_bytes(a)
}

impl<'a> TcpHeaderSlice<'a> {
    /// Checks `bytes` (starting at the TCP header, possibly followed by payload)
    /// and returns a view of the header alone.
    #[inline]
    pub fn from_slice(bytes: &'a [u8]) -> Result<Self, TcpHeaderError> {
        // nom frames the header: the fixed 20 bytes, then as many as the data
        // offset (their byte 12's high nibble, in words) says. (`take` is nom's
        // `take` written to inline across crates; see `options::byte`.)
        let Ok((_, fixed)) = take(TCP_MIN_HEADER_LEN).parse_complete(bytes) else {
            return Err(TcpHeaderError::Truncated {
                available: bytes.len(),
            });
        };
        let Ok(fixed) = <&[u8; TCP_MIN_HEADER_LEN]>::try_from(fixed) else {
            // `take` gave exactly 20 bytes.
            return Err(TcpHeaderError::Truncated {
                available: bytes.len(),
            });
        };
        let data_offset = fixed[field::DATA_OFFSET_FLAGS.start] >> 4;
        if data_offset < 5 {
            return Err(TcpHeaderError::DataOffsetTooSmall { data_offset });
        }
        let header_len = data_offset as usize * 4;
        let Ok((_, header)) = take(header_len).parse_complete(bytes) else {
            return Err(TcpHeaderError::DataOffsetPastEnd {
                header_len,
                available: bytes.len(),
            });
        };
        let Ok((options, _)) = take(TCP_MIN_HEADER_LEN).parse_complete(header) else {
            // `header` is at least 20 bytes.
            return Err(TcpHeaderError::Truncated {
                available: bytes.len(),
            });
        };
        Ok(Self {
            bytes: header,
            fixed,
            options,
        })
    }

    /// The header's bytes (exactly `header_len()` of them).
    #[inline]
    pub fn slice(&self) -> &'a [u8] {
        self.bytes
    }

    /// Source port.
    #[inline]
    pub fn source_port(&self) -> u16 {
        be16(self.fixed, field::SRC_PORT)
    }

    /// Destination port.
    #[inline]
    pub fn destination_port(&self) -> u16 {
        be16(self.fixed, field::DST_PORT)
    }

    /// Sequence number: of the first data octet, or the ISN when SYN is set (RFC 9293 §3.1).
    #[inline]
    pub fn sequence_number(&self) -> SeqNum {
        SeqNum(be32(self.fixed, field::SEQ_NUM))
    }

    /// Acknowledgment number: the next sequence number the sender expects to
    /// receive; significant only when ACK is set.
    #[inline]
    pub fn acknowledgment_number(&self) -> SeqNum {
        SeqNum(be32(self.fixed, field::ACK_NUM))
    }

    /// Data offset in 32-bit words (5..=15).
    #[inline]
    pub fn data_offset(&self) -> u8 {
        self.fixed[field::DATA_OFFSET_FLAGS.start] >> 4
    }

    /// Header length in bytes (20..=60).
    #[inline]
    pub fn header_len(&self) -> usize {
        self.bytes.len()
    }

    /// All twelve flag bits, reserved bits included.
    #[inline]
    pub fn flags(&self) -> TcpFlags {
        // Bytes 12–13 read as one big-endian word, the data offset masked off
        // (what `TcpFlags::from_header_bytes` computes, in one load).
        const FLAG_BITS: u16 = 0x0FFF;
        TcpFlags::from_bits_retain(be16(self.fixed, field::DATA_OFFSET_FLAGS) & FLAG_BITS)
    }

    /// Window field, unscaled.
    #[inline]
    pub fn window_size(&self) -> u16 {
        be16(self.fixed, field::WINDOW)
    }

    /// Checksum field as transmitted.
    #[inline]
    pub fn checksum(&self) -> u16 {
        be16(self.fixed, field::CHECKSUM)
    }

    /// Urgent pointer field.
    #[inline]
    pub fn urgent_pointer(&self) -> u16 {
        be16(self.fixed, field::URGENT)
    }

    /// The raw option bytes (between the fixed header and the data offset).
    #[inline]
    pub fn options_slice(&self) -> &'a [u8] {
        self.options
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

#[cfg(test)]
mod test {
    extern crate std;

    use super::*;
    use crate::wire::{TcpOption, TcpOptionError};

    /// Frame 2 of tests/data/http-image.pcap, the SYN-ACK (TCP header only). tshark:
    /// 80 → 46882, seq_raw 2839942476, ack_raw 179603737, flags 0x012, hdr_len 40,
    /// window 65160, MSS 1460, SACK_PERM, TSval 3900289685, TSecr 4006145894, WS 10.
    const SYN_ACK: [u8; 40] = [
        0x00, 0x50, 0xb7, 0x22, 0xa9, 0x46, 0x15, 0x4c, 0x0a, 0xb4, 0x89, 0x19, 0xa0, 0x12, 0xfe,
        0x88, 0xb1, 0xb5, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0xe8, 0x79,
        0xb2, 0x95, 0xee, 0xc8, 0xef, 0x66, 0x01, 0x03, 0x03, 0x0a,
    ];

    /// Frame 4 of the same capture: the client's GET (header of 32 bytes, flags
    /// 0x018, window 63), cut after the first four payload bytes.
    const GET: [u8; 36] = [
        0xb7, 0x22, 0x00, 0x50, 0x0a, 0xb4, 0x89, 0x19, 0xa9, 0x46, 0x15, 0x4d, 0x80, 0x18, 0x00,
        0x3f, 0xdc, 0x46, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0xee, 0xc8, 0xef, 0x66, 0xe8, 0x79,
        0xb2, 0x95, b'G', b'E', b'T', b' ',
    ];

    #[test]
    fn syn_ack_fields_as_tshark_reads_them() {
        let h = TcpHeaderSlice::from_slice(&SYN_ACK).unwrap();
        assert_eq!(h.source_port(), 80);
        assert_eq!(h.destination_port(), 46882);
        assert_eq!(h.sequence_number(), SeqNum(2839942476));
        assert_eq!(h.acknowledgment_number(), SeqNum(179603737));
        assert_eq!(h.data_offset(), 10);
        assert_eq!(h.header_len(), 40);
        assert_eq!(h.flags(), TcpFlags::SYN | TcpFlags::ACK);
        assert_eq!(h.window_size(), 65160);
        assert_eq!(h.checksum(), 0xb1b5);
        assert_eq!(h.urgent_pointer(), 0);
        assert_eq!(h.options_slice(), &SYN_ACK[20..]);
        let options: Result<std::vec::Vec<_>, _> = h.options().collect();
        assert_eq!(
            options.unwrap(),
            [
                TcpOption::Mss(1460),
                TcpOption::SackPermitted,
                TcpOption::Timestamps {
                    value: 3900289685,
                    echo_reply: 4006145894
                },
                TcpOption::Nop,
                TcpOption::WindowScale(10),
            ]
        );
    }

    #[test]
    fn segment_splits_header_and_payload() {
        let s = TcpSlice::from_slice(&GET).unwrap();
        let h = s.header();
        assert_eq!(h.header_len(), 32);
        assert_eq!(h.flags(), TcpFlags::PSH | TcpFlags::ACK);
        assert_eq!(h.window_size(), 63);
        assert_eq!(h.slice(), &GET[..32]);
        assert_eq!(s.payload(), b"GET ");
        // A header with no payload after it.
        assert_eq!(TcpSlice::from_slice(&GET[..32]).unwrap().payload(), b"");
    }

    #[test]
    fn each_way_the_fixed_header_can_be_wrong() {
        assert_eq!(
            TcpHeaderSlice::from_slice(&[]),
            Err(TcpHeaderError::Truncated { available: 0 })
        );
        assert_eq!(
            TcpHeaderSlice::from_slice(&SYN_ACK[..19]),
            Err(TcpHeaderError::Truncated { available: 19 })
        );
        for data_offset in 0..5u8 {
            let mut b = SYN_ACK;
            b[12] = data_offset << 4 | (b[12] & 0x0f);
            assert_eq!(
                TcpHeaderSlice::from_slice(&b),
                Err(TcpHeaderError::DataOffsetTooSmall { data_offset })
            );
        }
        // Data offset 10 (40 bytes) with 39 bytes.
        assert_eq!(
            TcpHeaderSlice::from_slice(&SYN_ACK[..39]),
            Err(TcpHeaderError::DataOffsetPastEnd {
                header_len: 40,
                available: 39
            })
        );
        // Data offset 15 (60 bytes) with 40.
        let mut b = SYN_ACK;
        b[12] = 0xf0 | (b[12] & 0x0f);
        assert_eq!(
            TcpHeaderSlice::from_slice(&b),
            Err(TcpHeaderError::DataOffsetPastEnd {
                header_len: 60,
                available: 40
            })
        );
        // Data offset 5 on the same bytes: a 20-byte header, the rest is payload.
        let mut b = SYN_ACK;
        b[12] = 0x50 | (b[12] & 0x0f);
        let s = TcpSlice::from_slice(&b).unwrap();
        assert_eq!(s.header().header_len(), 20);
        assert_eq!(s.header().options().next(), None);
        assert_eq!(s.payload(), &SYN_ACK[20..]);
    }

    #[test]
    fn all_twelve_flag_bits_are_kept() {
        let mut b = SYN_ACK;
        b[12] = 0xaf; // data offset 10, reserved bits 0b111, AE
        b[13] = 0xff; // CWR ECE URG ACK PSH RST SYN FIN
        let h = TcpHeaderSlice::from_slice(&b).unwrap();
        assert_eq!(h.flags().bits(), 0x0fff);
        assert_eq!(h.data_offset(), 10);
        let mut out = [0u8; 60];
        assert_eq!(h.to_header().write(&mut out), Ok(40));
        assert_eq!(out[..40], b);
    }

    #[test]
    fn to_header_keeps_malformed_options_byte_for_byte() {
        // NOP, unknown kind 99 with 2 data bytes, then an MSS whose length says 5.
        let mut b = [0u8; 32];
        b[..20].copy_from_slice(&SYN_ACK[..20]);
        b[12] = 0x80 | (b[12] & 0x0f);
        b[20..29].copy_from_slice(&[1, 99, 4, 0xab, 0xcd, 2, 5, 0x05, 0xb4]);
        let h = TcpHeaderSlice::from_slice(&b).unwrap();
        let walked: std::vec::Vec<_> = h.options().collect();
        assert_eq!(
            walked,
            [
                Ok(TcpOption::Nop),
                Ok(TcpOption::Unknown {
                    kind: 99,
                    data: &[0xab, 0xcd]
                }),
                Err(TcpOptionError::BadLength {
                    offset: 5,
                    kind: 2,
                    len: 5
                }),
            ]
        );
        let owned = h.to_header();
        assert_eq!(owned.header_len(), 32);
        let mut out = [0u8; 32];
        assert_eq!(owned.write(&mut out), Ok(32));
        assert_eq!(out, b);
    }
}
