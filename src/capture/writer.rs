//! Writing capture files: classic pcap ([`PcapWriter`]) and pcapng ([`PcapNgWriter`]).

use std::io::Write;

use super::{Timestamp, TimestampPrecision};
use crate::wire::LinkType;

/// Magic number of a pcap file with microsecond timestamps.
const MAGIC_MICROS: u32 = 0xa1b2_c3d4;
/// Magic number of a pcap file with nanosecond timestamps.
const MAGIC_NANOS: u32 = 0xa1b2_3c4d;
/// The file format version written (2.4, the only one in use).
const VERSION: (u16, u16) = (2, 4);

/// Why a packet or the file header could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The underlying writer failed.
    #[error("cannot write the capture: {0}")]
    Io(#[from] std::io::Error),
    /// The timestamp is before 1970 or after 2106: a pcap record holds an
    /// unsigned 32-bit count of seconds.
    #[error("timestamp {secs} s does not fit a pcap record's 32-bit seconds")]
    TimestampOutOfRange {
        /// The timestamp's seconds.
        secs: i64,
    },
    /// The packet is longer than a pcap record can describe (4 GiB).
    #[error("packet of {len} bytes is too long for a pcap record")]
    PacketTooLong {
        /// The packet's length.
        len: usize,
    },
}

/// [`PcapWriter`]: writing classic pcap files, so that generated traffic opens in
/// Wireshark, tcpdump — and in [`CaptureReader`](super::CaptureReader).
///
/// The file is the classic libpcap format: a 24-byte file header (magic number,
/// version 2.4, snapshot length, link type) and, per packet, a 16-byte record
/// header (seconds, fraction, captured length, original length) followed by the
/// captured bytes. Headers are written little-endian; the magic number tells
/// readers so. The fraction is in microseconds (magic `0xa1b2c3d4`) or
/// nanoseconds (magic `0xa1b23c4d`), as chosen with [`TimestampPrecision`].
///
/// ```
/// use synack::capture::{CaptureReader, PcapWriter, Timestamp};
/// use synack::wire::LinkType;
///
/// let mut writer = PcapWriter::new(Vec::new(), LinkType::RAW, 65535)?;
/// writer.write_packet(Timestamp::new(1, 500_000_000), &[0x45, 0, 0, 20])?;
/// let file = writer.into_inner();
/// assert_eq!(file.len(), 24 + 16 + 4);
///
/// let mut reader = CaptureReader::new(&file[..])?;
/// let record = reader.next_record().unwrap()?;
/// assert_eq!(record.timestamp, Timestamp::new(1, 500_000_000));
/// assert_eq!((record.link_type, record.data), (LinkType::RAW, &[0x45, 0, 0, 20][..]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Each [`write_packet`](Self::write_packet) writes one record at once, so
/// wrapping a file in a [`std::io::BufWriter`] is worthwhile for many small packets.
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: W,
    snaplen: u32,
    precision: TimestampPrecision,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the file header (microsecond timestamps) and returns the writer.
    /// Packets longer than `snaplen` are cut to it, their original length kept.
    pub fn new(out: W, link_type: LinkType, snaplen: u32) -> Result<Self, WriteError> {
        Self::with_precision(out, link_type, snaplen, TimestampPrecision::Microsecond)
    }

    /// Writes the file header with timestamps in `precision` and returns the writer.
    pub fn with_precision(
        mut out: W,
        link_type: LinkType,
        snaplen: u32,
        precision: TimestampPrecision,
    ) -> Result<Self, WriteError> {
        let magic = match precision {
            TimestampPrecision::Microsecond => MAGIC_MICROS,
            TimestampPrecision::Nanosecond => MAGIC_NANOS,
        };
        let mut header = [0u8; 24];
        header[0..4].copy_from_slice(&magic.to_le_bytes());
        header[4..6].copy_from_slice(&VERSION.0.to_le_bytes());
        header[6..8].copy_from_slice(&VERSION.1.to_le_bytes());
        // 8..16: time zone offset and timestamp accuracy, both 0 as everyone writes them.
        header[16..20].copy_from_slice(&snaplen.to_le_bytes());
        header[20..24].copy_from_slice(&link_type.0.to_le_bytes());
        out.write_all(&header)?;
        Ok(PcapWriter {
            out,
            snaplen,
            precision,
        })
    }

    /// The timestamp unit of the file.
    pub fn precision(&self) -> TimestampPrecision {
        self.precision
    }

    /// Writes one packet captured at `timestamp`: all of `packet`, or its first
    /// `snaplen` bytes with its whole length recorded as the original length.
    /// A microsecond file cuts the nanoseconds (as libpcap does).
    pub fn write_packet(&mut self, timestamp: Timestamp, packet: &[u8]) -> Result<(), WriteError> {
        let original_len = u32::try_from(packet.len())
            .map_err(|_| WriteError::PacketTooLong { len: packet.len() })?;
        self.write_cut_packet(timestamp, packet, original_len)
    }

    /// Writes a packet whose bytes were already cut: `captured` holds the first
    /// bytes of a packet that was `original_len` long on the wire (a record
    /// replayed from another capture, say). `captured` is cut further to the
    /// snapshot length; an `original_len` below the captured length is raised to it.
    pub fn write_cut_packet(
        &mut self,
        timestamp: Timestamp,
        captured: &[u8],
        original_len: u32,
    ) -> Result<(), WriteError> {
        let secs = u32::try_from(timestamp.secs).map_err(|_| WriteError::TimestampOutOfRange {
            secs: timestamp.secs,
        })?;
        let fraction = match self.precision {
            TimestampPrecision::Microsecond => timestamp.nanos / 1000,
            TimestampPrecision::Nanosecond => timestamp.nanos,
        };
        let kept = captured.get(..self.snaplen as usize).unwrap_or(captured);
        // `kept` is at most `snaplen` (a u32) long, or `captured` when shorter.
        let kept_len =
            u32::try_from(kept.len()).map_err(|_| WriteError::PacketTooLong { len: kept.len() })?;
        let mut header = [0u8; 16];
        header[0..4].copy_from_slice(&secs.to_le_bytes());
        header[4..8].copy_from_slice(&fraction.to_le_bytes());
        header[8..12].copy_from_slice(&kept_len.to_le_bytes());
        header[12..16].copy_from_slice(&original_len.max(kept_len).to_le_bytes());
        self.out.write_all(&header)?;
        self.out.write_all(kept)?;
        Ok(())
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> Result<(), WriteError> {
        self.out.flush()?;
        Ok(())
    }

    /// The underlying writer (not flushed).
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// pcapng block types and magic numbers (draft-ietf-opsawg-pcapng).
mod pcapng {
    pub const SECTION_HEADER: u32 = 0x0A0D_0D0A;
    pub const INTERFACE_DESCRIPTION: u32 = 1;
    pub const ENHANCED_PACKET: u32 = 6;
    pub const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
    /// Option `if_tsresol` (code 9): timestamp resolution, 10^-value seconds.
    pub const IF_TSRESOL: u16 = 9;
}

/// Writes a pcapng file — one section, one interface — to any [`Write`]; the
/// pcapng twin of [`PcapWriter`], with the same methods.
///
/// Timestamps are written in microseconds (the pcapng default) or, with
/// [`TimestampPrecision::Nanosecond`], in nanoseconds (an `if_tsresol` option of 9).
///
/// ```
/// use synack::capture::{CaptureReader, PcapNgWriter, Timestamp, TimestampPrecision};
/// use synack::wire::LinkType;
///
/// let mut writer = PcapNgWriter::with_precision(Vec::new(), LinkType::RAW, 65535, TimestampPrecision::Nanosecond)?;
/// writer.write_packet(Timestamp::new(1, 5), &[0x45, 0, 0, 20, 1])?;
/// let file = writer.into_inner();
/// let mut reader = CaptureReader::new(&file[..])?;
/// let record = reader.next_record().unwrap()?;
/// assert_eq!((record.timestamp, record.data), (Timestamp::new(1, 5), &[0x45, 0, 0, 20, 1][..]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct PcapNgWriter<W: Write> {
    out: W,
    snaplen: u32,
    precision: TimestampPrecision,
}

impl<W: Write> PcapNgWriter<W> {
    /// Writes the section header and the interface description (microsecond
    /// timestamps) and returns the writer.
    pub fn new(out: W, link_type: LinkType, snaplen: u32) -> Result<Self, WriteError> {
        Self::with_precision(out, link_type, snaplen, TimestampPrecision::Microsecond)
    }

    /// Writes the section header and the interface description with timestamps
    /// in `precision` and returns the writer.
    ///
    /// A link type above 65535 cannot be described in pcapng and is written as
    /// its low 16 bits.
    pub fn with_precision(
        mut out: W,
        link_type: LinkType,
        snaplen: u32,
        precision: TimestampPrecision,
    ) -> Result<Self, WriteError> {
        // Section header: type, length 28, byte-order magic, version 1.0,
        // section length unknown (-1), length again.
        let mut shb = [0u8; 28];
        shb[0..4].copy_from_slice(&pcapng::SECTION_HEADER.to_le_bytes());
        shb[4..8].copy_from_slice(&28u32.to_le_bytes());
        shb[8..12].copy_from_slice(&pcapng::BYTE_ORDER_MAGIC.to_le_bytes());
        shb[12..14].copy_from_slice(&1u16.to_le_bytes());
        shb[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
        shb[24..28].copy_from_slice(&28u32.to_le_bytes());
        out.write_all(&shb)?;
        // Interface description: type, length, link type, reserved, snaplen,
        // then for nanoseconds `if_tsresol` = 9 (padded) and the end of options.
        let nanos = precision == TimestampPrecision::Nanosecond;
        let len: u32 = if nanos { 20 + 8 + 4 } else { 20 };
        let mut idb = [0u8; 32];
        idb[0..4].copy_from_slice(&pcapng::INTERFACE_DESCRIPTION.to_le_bytes());
        idb[4..8].copy_from_slice(&len.to_le_bytes());
        idb[8..10].copy_from_slice(&(link_type.0 as u16).to_le_bytes());
        idb[12..16].copy_from_slice(&snaplen.to_le_bytes());
        if nanos {
            idb[16..18].copy_from_slice(&pcapng::IF_TSRESOL.to_le_bytes());
            idb[18..20].copy_from_slice(&1u16.to_le_bytes());
            idb[20] = 9;
            // 21..24 padding, 24..28 opt_endofopt (zeros).
        }
        let end = len as usize;
        idb[end - 4..end].copy_from_slice(&len.to_le_bytes());
        out.write_all(&idb[..end])?;
        Ok(PcapNgWriter {
            out,
            snaplen,
            precision,
        })
    }

    /// The timestamp unit of the interface.
    pub fn precision(&self) -> TimestampPrecision {
        self.precision
    }

    /// Writes one packet as an Enhanced Packet Block; see [`PcapWriter::write_packet`].
    pub fn write_packet(&mut self, timestamp: Timestamp, packet: &[u8]) -> Result<(), WriteError> {
        let original_len = u32::try_from(packet.len())
            .map_err(|_| WriteError::PacketTooLong { len: packet.len() })?;
        self.write_cut_packet(timestamp, packet, original_len)
    }

    /// Writes a packet whose bytes were already cut; see [`PcapWriter::write_cut_packet`].
    pub fn write_cut_packet(
        &mut self,
        timestamp: Timestamp,
        captured: &[u8],
        original_len: u32,
    ) -> Result<(), WriteError> {
        let out_of_range = WriteError::TimestampOutOfRange {
            secs: timestamp.secs,
        };
        let secs = u64::try_from(timestamp.secs).map_err(|_| out_of_range)?;
        let units = match self.precision {
            TimestampPrecision::Microsecond => secs
                .checked_mul(1_000_000)
                .and_then(|t| t.checked_add(u64::from(timestamp.nanos / 1000))),
            TimestampPrecision::Nanosecond => secs
                .checked_mul(1_000_000_000)
                .and_then(|t| t.checked_add(u64::from(timestamp.nanos))),
        }
        .ok_or(WriteError::TimestampOutOfRange {
            secs: timestamp.secs,
        })?;
        let kept = captured.get(..self.snaplen as usize).unwrap_or(captured);
        let kept_len =
            u32::try_from(kept.len()).map_err(|_| WriteError::PacketTooLong { len: kept.len() })?;
        let padded = kept.len().div_ceil(4) * 4;
        let block_len = u32::try_from(32 + padded)
            .map_err(|_| WriteError::PacketTooLong { len: kept.len() })?;
        let mut header = [0u8; 28];
        header[0..4].copy_from_slice(&pcapng::ENHANCED_PACKET.to_le_bytes());
        header[4..8].copy_from_slice(&block_len.to_le_bytes());
        // 8..12: interface 0.
        header[12..16].copy_from_slice(&((units >> 32) as u32).to_le_bytes());
        header[16..20].copy_from_slice(&(units as u32).to_le_bytes());
        header[20..24].copy_from_slice(&kept_len.to_le_bytes());
        header[24..28].copy_from_slice(&original_len.max(kept_len).to_le_bytes());
        self.out.write_all(&header)?;
        self.out.write_all(kept)?;
        self.out.write_all(&[0u8; 3][..padded - kept.len()])?;
        self.out.write_all(&block_len.to_le_bytes())?;
        Ok(())
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> Result<(), WriteError> {
        self.out.flush()?;
        Ok(())
    }

    /// The underlying writer (not flushed).
    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::capture::{CaptureFormat, CaptureReader};
    use std::vec::Vec;

    /// The file header bytes libpcap writes for a little-endian microsecond file,
    /// snaplen 65535, Ethernet: `d4 c3 b2 a1 02 00 04 00`, eight zeros, `ff ff 00 00`,
    /// `01 00 00 00` (pcap-savefile(5)).
    #[test]
    fn file_header_is_libpcaps() {
        let w = PcapWriter::new(Vec::new(), LinkType::ETHERNET, 65535).unwrap();
        assert_eq!(
            w.into_inner(),
            [
                0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0,
                0, 0
            ]
        );
        let w = PcapWriter::with_precision(
            Vec::new(),
            LinkType::RAW,
            96,
            TimestampPrecision::Nanosecond,
        )
        .unwrap();
        assert_eq!(w.precision(), TimestampPrecision::Nanosecond);
        assert_eq!(w.into_inner()[..4], [0x4d, 0x3c, 0xb2, 0xa1]);
    }

    #[test]
    fn records_cut_to_snaplen_and_read_back() {
        for precision in [
            TimestampPrecision::Microsecond,
            TimestampPrecision::Nanosecond,
        ] {
            let mut w =
                PcapWriter::with_precision(Vec::new(), LinkType::RAW, 6, precision).unwrap();
            w.write_packet(Timestamp::new(1_795_465_490, 743_429_123), &[1, 2, 3])
                .unwrap();
            w.write_packet(Timestamp::new(7, 0), &[9; 10]).unwrap();
            w.write_cut_packet(Timestamp::new(8, 1), &[5; 4], 1000)
                .unwrap();
            w.flush().unwrap();
            let file = w.into_inner();
            assert_eq!(file.len(), 24 + 16 + 3 + 16 + 6 + 16 + 4);
            let mut r = CaptureReader::new(&file[..]).unwrap();
            let CaptureFormat::Pcap { precision: p, .. } = r.format() else {
                panic!("{:?}", r.format())
            };
            assert_eq!(p, precision);
            let first = r.next_record().unwrap().unwrap();
            let nanos = match precision {
                TimestampPrecision::Microsecond => 743_429_000,
                TimestampPrecision::Nanosecond => 743_429_123,
            };
            assert_eq!(first.timestamp, Timestamp::new(1_795_465_490, nanos));
            assert_eq!((first.data, first.original_len), (&[1, 2, 3][..], 3));
            let second = r.next_record().unwrap().unwrap();
            assert_eq!((second.data, second.original_len), (&[9; 6][..], 10));
            assert!(second.is_truncated());
            let third = r.next_record().unwrap().unwrap();
            assert_eq!((third.data, third.original_len), (&[5; 4][..], 1000));
            assert!(r.next_record().is_none());
        }
    }

    #[test]
    fn pcapng_records_read_back() {
        for precision in [
            TimestampPrecision::Microsecond,
            TimestampPrecision::Nanosecond,
        ] {
            let mut w =
                PcapNgWriter::with_precision(Vec::new(), LinkType::ETHERNET, 6, precision).unwrap();
            assert_eq!(w.precision(), precision);
            w.write_packet(Timestamp::new(1_795_465_490, 743_429_123), &[1, 2, 3])
                .unwrap();
            w.write_packet(Timestamp::new(7, 0), &[9; 10]).unwrap();
            w.write_cut_packet(Timestamp::new(8, 1), &[5; 4], 1000)
                .unwrap();
            w.flush().unwrap();
            let file = w.into_inner();
            // SHB 28, IDB 20 (+12 with if_tsresol), EPBs 32 + data padded to 4.
            let idb = match precision {
                TimestampPrecision::Microsecond => 20,
                TimestampPrecision::Nanosecond => 32,
            };
            assert_eq!(file.len(), 28 + idb + (32 + 4) + (32 + 8) + (32 + 4));
            let mut r = CaptureReader::new(&file[..]).unwrap();
            assert!(matches!(r.format(), CaptureFormat::PcapNg { .. }));
            let first = r.next_record().unwrap().unwrap();
            let nanos = match precision {
                TimestampPrecision::Microsecond => 743_429_000,
                TimestampPrecision::Nanosecond => 743_429_123,
            };
            assert_eq!(first.timestamp, Timestamp::new(1_795_465_490, nanos));
            assert_eq!(first.link_type, LinkType::ETHERNET);
            assert_eq!((first.data, first.original_len), (&[1, 2, 3][..], 3));
            let second = r.next_record().unwrap().unwrap();
            assert_eq!((second.data, second.original_len), (&[9; 6][..], 10));
            let third = r.next_record().unwrap().unwrap();
            assert_eq!(
                third.timestamp,
                Timestamp::new(
                    8,
                    if precision == TimestampPrecision::Nanosecond {
                        1
                    } else {
                        0
                    }
                )
            );
            assert_eq!((third.data, third.original_len), (&[5; 4][..], 1000));
            assert!(r.next_record().is_none());
        }
        let mut w = PcapNgWriter::new(Vec::new(), LinkType::RAW, 100).unwrap();
        assert!(matches!(
            w.write_packet(Timestamp::new(-1, 0), &[]),
            Err(WriteError::TimestampOutOfRange { secs: -1 })
        ));
    }

    #[test]
    fn flush_reaches_the_underlying_writer() {
        // A buffered writer keeps what it was given until flushed.
        let w = PcapWriter::new(std::io::BufWriter::new(Vec::new()), LinkType::RAW, 100).unwrap();
        assert!(w.into_inner().get_ref().is_empty());
        let mut w =
            PcapWriter::new(std::io::BufWriter::new(Vec::new()), LinkType::RAW, 100).unwrap();
        w.flush().unwrap();
        assert_eq!(w.into_inner().get_ref().len(), 24);
        let mut w =
            PcapNgWriter::new(std::io::BufWriter::new(Vec::new()), LinkType::RAW, 100).unwrap();
        w.flush().unwrap();
        assert!(!w.into_inner().get_ref().is_empty());
    }

    #[test]
    fn timestamps_outside_u32_seconds_are_errors() {
        let mut w = PcapWriter::new(Vec::new(), LinkType::RAW, 100).unwrap();
        for secs in [-1, 1 << 32] {
            assert!(matches!(
                w.write_packet(Timestamp::new(secs, 0), &[]),
                Err(WriteError::TimestampOutOfRange { secs: s }) if s == secs
            ));
        }
        assert_eq!(w.into_inner().len(), 24);
    }
}
