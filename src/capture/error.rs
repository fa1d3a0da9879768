//! [`CaptureError`]: every way reading a capture file can fail.

use std::io;

use super::FileFormat;

/// Why a capture could not be read further.
///
/// Every variant met while reading records names the record: `index` is the
/// number of packet records delivered before it (so the 0-based index of the packet
/// record that was being read, when it is one) and `offset` is the byte offset in
/// the file where the failing record or block starts.
///
/// All errors are final: once [`CaptureReader::next_record`](super::CaptureReader::next_record)
/// has returned one, it returns `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum CaptureError {
    /// The underlying reader failed (`std::io::Error` is neither `Clone` nor `Eq`,
    /// so its kind is kept).
    #[error("I/O error ({kind}) reading record {index} at byte {offset}")]
    Io {
        /// Packet records delivered before the failure.
        index: u64,
        /// Where the record being read starts in the file.
        offset: u64,
        /// What went wrong.
        kind: io::ErrorKind,
    },
    /// The first four bytes are no pcap or pcapng magic number (or the file is
    /// shorter than four bytes; missing bytes are shown as zero).
    #[error("not a pcap or pcapng capture (the file starts with {magic:02x?})")]
    NotACapture {
        /// The first four bytes of the file.
        magic: [u8; 4],
    },
    /// A pcap file header or a pcapng section header has a major version this
    /// reader does not know (pcap 2.x and pcapng 1.x are read).
    #[error("unsupported {format} version {major}.{minor} at byte {offset}")]
    UnsupportedVersion {
        /// Which format the header belongs to.
        format: FileFormat,
        /// Major version number.
        major: u16,
        /// Minor version number.
        minor: u16,
        /// Where the header starts in the file.
        offset: u64,
    },
    /// The file ends in the middle of a record (or of a header): the capture was
    /// cut short. Every complete record before it has been delivered.
    #[error(
        "capture cut short in record {index} at byte {offset}: {available} of {needed} bytes present"
    )]
    Truncated {
        /// Packet records delivered before the cut record.
        index: u64,
        /// Where the cut record starts in the file.
        offset: u64,
        /// Bytes the record (or, if its header is cut, the header) needs.
        needed: u64,
        /// Bytes present before the end of the file.
        available: u64,
    },
    /// A record or block contradicts itself or the format.
    #[error("malformed record {index} at byte {offset}: {reason}")]
    Malformed {
        /// Packet records delivered before the malformed one.
        index: u64,
        /// Where the malformed record or block starts in the file.
        offset: u64,
        /// What is wrong with it.
        reason: MalformedReason,
    },
    /// A pcapng packet block names an interface that no Interface Description Block
    /// of its section has described.
    #[error(
        "record {index} at byte {offset} is on interface {interface}, but its section describes {interfaces}"
    )]
    UnknownInterface {
        /// Packet records delivered before this one (its index).
        index: u64,
        /// Where the packet block starts in the file.
        offset: u64,
        /// The interface the block names.
        interface: u32,
        /// How many interfaces the section has described so far.
        interfaces: u32,
    },
    /// One record is larger than the reader's buffer may grow
    /// ([`CaptureReader::with_limits`](super::CaptureReader::with_limits)).
    #[error("record {index} at byte {offset} is {length} bytes long, over the limit of {limit}")]
    RecordTooLarge {
        /// Packet records delivered before this record.
        index: u64,
        /// Where the record starts in the file.
        offset: u64,
        /// The length its header declares, headers included.
        length: u64,
        /// The largest record the reader accepts.
        limit: u64,
    },
}

impl CaptureError {
    /// The byte offset the error names, if it names one.
    pub fn offset(&self) -> Option<u64> {
        match *self {
            CaptureError::NotACapture { .. } => None,
            CaptureError::Io { offset, .. }
            | CaptureError::UnsupportedVersion { offset, .. }
            | CaptureError::Truncated { offset, .. }
            | CaptureError::Malformed { offset, .. }
            | CaptureError::UnknownInterface { offset, .. }
            | CaptureError::RecordTooLarge { offset, .. } => Some(offset),
        }
    }
}

/// What makes a record or block malformed ([`CaptureError::Malformed`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum MalformedReason {
    /// A pcapng block's total length is below the minimum for its type.
    #[error(
        "block of type {block_type:#x} is {length} bytes long, less than its minimum of {minimum}"
    )]
    BlockTooShort {
        /// The block type.
        block_type: u32,
        /// Its declared total length.
        length: u32,
        /// The smallest valid length for that type.
        minimum: u32,
    },
    /// A pcapng block's total length is not a multiple of 4.
    #[error("block length {length} is not a multiple of 4")]
    BlockLengthUnaligned {
        /// The declared total length.
        length: u32,
    },
    /// The total length at the end of a pcapng block differs from the one at its start.
    #[error("block length {leading} at its start but {trailing} at its end")]
    BlockLengthMismatch {
        /// The length at the start of the block.
        leading: u32,
        /// The length at the end of the block.
        trailing: u32,
    },
    /// A packet block claims more captured bytes than it holds.
    #[error("{captured_len} captured bytes claimed in a {block_len}-byte block")]
    CapturedLengthExceedsBlock {
        /// The captured length field.
        captured_len: u32,
        /// The block's total length.
        block_len: u32,
    },
    /// A later Section Header Block has no valid byte-order magic.
    #[error("section header byte-order magic {magic:#010x} is neither 0x1a2b3c4d nor 0x4d3c2b1a")]
    ByteOrderMagic {
        /// The four bytes read as little-endian.
        magic: u32,
    },
    /// An interface's `if_tsresol` is beyond 10^-19 or 2^-63 seconds.
    #[error("interface time resolution if_tsresol = {if_tsresol:#04x} is out of range")]
    TimestampResolution {
        /// The option's value.
        if_tsresol: u8,
    },
    /// A section describes more interfaces than the reader keeps
    /// ([`MAX_INTERFACES`](super::MAX_INTERFACES)).
    #[error("more than {limit} interfaces in one section")]
    TooManyInterfaces {
        /// The limit.
        limit: u32,
    },
    /// pcap-parser rejected the contents of a block whose framing was valid.
    #[error("invalid contents in a block of type {block_type:#x}")]
    BlockContent {
        /// The block type.
        block_type: u32,
    },
}
