//! [`CaptureFormat`]: what kind of file is being read.

use core::fmt;

/// The two capture file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum FileFormat {
    /// libpcap's classic format (one global header, then records).
    Pcap,
    /// pcapng (sections of blocks; IETF draft-ietf-opsawg-pcapng).
    PcapNg,
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileFormat::Pcap => "pcap",
            FileFormat::PcapNg => "pcapng",
        })
    }
}

/// The byte order the file (or pcapng section) was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum ByteOrder {
    /// Least significant byte first.
    LittleEndian,
    /// Most significant byte first.
    BigEndian,
}

impl ByteOrder {
    pub(crate) fn u16(self, bytes: [u8; 2]) -> u16 {
        match self {
            ByteOrder::LittleEndian => u16::from_le_bytes(bytes),
            ByteOrder::BigEndian => u16::from_be_bytes(bytes),
        }
    }

    pub(crate) fn u32(self, bytes: [u8; 4]) -> u32 {
        match self {
            ByteOrder::LittleEndian => u32::from_le_bytes(bytes),
            ByteOrder::BigEndian => u32::from_be_bytes(bytes),
        }
    }

    pub(crate) fn i64(self, bytes: [u8; 8]) -> i64 {
        match self {
            ByteOrder::LittleEndian => i64::from_le_bytes(bytes),
            ByteOrder::BigEndian => i64::from_be_bytes(bytes),
        }
    }
}

/// The unit of a classic pcap file's fractional timestamps, given by its magic number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum TimestampPrecision {
    /// Magic `0xa1b2c3d4`: microseconds.
    Microsecond,
    /// Magic `0xa1b23c4d`: nanoseconds.
    Nanosecond,
}

/// What [`CaptureReader::format`](super::CaptureReader::format) reports about the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum CaptureFormat {
    /// A classic pcap file.
    Pcap {
        /// The byte order of the headers.
        byte_order: ByteOrder,
        /// The unit of the fractional timestamps.
        precision: TimestampPrecision,
        /// Alexey Kuznetzov's "modified" pcap (magic `0xa1b2cd34`, 24-byte record headers).
        modified: bool,
    },
    /// A pcapng file. Each interface has its own timestamp resolution.
    PcapNg {
        /// The byte order of the section being read (each section has its own).
        byte_order: ByteOrder,
    },
}

impl CaptureFormat {
    /// pcap or pcapng.
    pub fn file_format(&self) -> FileFormat {
        match self {
            CaptureFormat::Pcap { .. } => FileFormat::Pcap,
            CaptureFormat::PcapNg { .. } => FileFormat::PcapNg,
        }
    }

    /// The byte order of the file, or of the pcapng section being read.
    pub fn byte_order(&self) -> ByteOrder {
        match *self {
            CaptureFormat::Pcap { byte_order, .. } | CaptureFormat::PcapNg { byte_order } => {
                byte_order
            }
        }
    }
}
