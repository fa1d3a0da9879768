//! [`CaptureReader`]: pcap and pcapng records from any `Read`, in bounded memory.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use pcap_parser::parse_pcap_header;
use pcap_parser::pcapng::{
    InterfaceDescriptionBlock, OptionCode, parse_enhancedpacketblock_be,
    parse_enhancedpacketblock_le, parse_interfacedescriptionblock_be,
    parse_interfacedescriptionblock_le, parse_sectionheaderblock, parse_simplepacketblock_be,
    parse_simplepacketblock_le,
};

use super::buffer::RecordBuffer;
use super::{
    ByteOrder, CaptureError, CaptureFormat, FileFormat, MalformedReason, Record, Timestamp,
    TimestampPrecision,
};
use crate::wire::LinkType;

/// Initial size of the reader's buffer: 64 KiB.
pub const DEFAULT_BUFFER_CAPACITY: usize = 64 * 1024;

/// Default largest record (pcap record or pcapng block, headers included) the
/// buffer grows to hold: 16 MiB. A longer one is [`CaptureError::RecordTooLarge`].
///
/// Real captures stay far below it: libpcap's largest snapshot length is 256 KiB.
pub const DEFAULT_MAX_RECORD_LEN: usize = 16 * 1024 * 1024;

/// The most Interface Description Blocks one pcapng section may hold
/// (the obsolete Packet Block's 16-bit interface field addresses this many).
pub const MAX_INTERFACES: u32 = 65_536;

// File magics as they appear on disk.
const PCAP_MICRO_LE: [u8; 4] = [0xd4, 0xc3, 0xb2, 0xa1];
const PCAP_NANO_LE: [u8; 4] = [0x4d, 0x3c, 0xb2, 0xa1];
const PCAP_MODIFIED_LE: [u8; 4] = [0x34, 0xcd, 0xb2, 0xa1];
const PCAP_MICRO_BE: [u8; 4] = [0xa1, 0xb2, 0xc3, 0xd4];
const PCAP_NANO_BE: [u8; 4] = [0xa1, 0xb2, 0x3c, 0x4d];
const PCAPNG_SHB: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];
const BOM_LE: [u8; 4] = [0x4d, 0x3c, 0x2b, 0x1a];
const BOM_BE: [u8; 4] = [0x1a, 0x2b, 0x3c, 0x4d];

const PCAP_HEADER_LEN: usize = 24;
/// libpcap's `LT_LINKTYPE`: the upper bits of the pcap link type field carry FCS information.
const PCAP_LINKTYPE_MASK: u32 = 0x03ff_ffff;

mod block {
    pub const SECTION_HEADER: u32 = 0x0a0d_0d0a;
    pub const INTERFACE_DESCRIPTION: u32 = 1;
    pub const PACKET: u32 = 2;
    pub const SIMPLE_PACKET: u32 = 3;
    pub const ENHANCED_PACKET: u32 = 6;
    /// Type, total length and the trailing total length.
    pub const MIN_LEN: u32 = 12;
    /// Enough to read the type, the length and an SHB's byte-order magic.
    pub const PEEK_LEN: usize = 12;
}

/// A streaming reader of pcap and pcapng captures.
///
/// It reads from any [`Read`] through one buffer of bounded size (see
/// [`with_limits`](Self::with_limits)), so a capture of any size — or an endless
/// pipe — is read in constant memory. The format is recognised from the magic
/// number: classic pcap in either byte order with micro- or nanosecond timestamps
/// (and the "modified" variant), or pcapng with any number of sections and
/// interfaces, each with its own link type, `if_tsresol` and `if_tsoffset`.
///
/// [`next_record`](Self::next_record) lends out one [`Record`] at a time; it
/// borrows the buffer, so read it in a `while let` loop:
///
/// ```
/// use synack::capture::CaptureReader;
///
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/http-image.pcap");
/// let mut reader = CaptureReader::open(path)?;
/// let mut bytes = 0;
/// while let Some(record) = reader.next_record() {
///     let record = record?; // a cut-short or corrupt file ends with one error
///     bytes += record.data.len();
/// }
/// assert_eq!(reader.records_read(), 64);
/// # let _ = bytes;
/// # Ok::<(), synack::capture::CaptureError>(())
/// ```
pub struct CaptureReader<R> {
    source: R,
    buffer: RecordBuffer,
    /// File offset of the first byte in the buffer.
    offset: u64,
    /// Length of the record lent out last, consumed at the next call.
    pending: usize,
    next_index: u64,
    file: FileState,
    max_record_len: usize,
    finished: bool,
}

enum FileState {
    Pcap {
        byte_order: ByteOrder,
        precision: TimestampPrecision,
        modified: bool,
        link_type: LinkType,
    },
    PcapNg {
        byte_order: ByteOrder,
        interfaces: Vec<Interface>,
    },
}

/// What a pcapng IDB says that packets need.
#[derive(Clone, Copy, Debug)]
struct Interface {
    link_type: LinkType,
    snaplen: u32,
    /// Timestamp units per second (`if_tsresol`).
    units_per_second: u64,
    /// Seconds added to every timestamp (`if_tsoffset`).
    offset_secs: i64,
}

/// A packet record found at the start of the buffer, before it is lent out.
struct Found {
    data_start: usize,
    data_len: usize,
    record_len: usize,
    timestamp: Timestamp,
    link_type: LinkType,
    original_len: u32,
    interface: u32,
}

/// What one pcapng block turned out to be.
enum Step {
    Packet(Found),
    Other,
    End,
}

impl CaptureReader<BufReader<File>> {
    /// Opens a capture file and reads its header.
    ///
    /// A file that cannot be opened is [`CaptureError::Io`] at offset 0.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, CaptureError> {
        let file = File::open(path).map_err(|e| CaptureError::Io {
            index: 0,
            offset: 0,
            kind: e.kind(),
        })?;
        Self::new(BufReader::new(file))
    }
}

impl<R: Read> CaptureReader<R> {
    /// Reads the file header (pcap) or first Section Header Block (pcapng) from
    /// `source`, with a [`DEFAULT_BUFFER_CAPACITY`] buffer that may grow to
    /// [`DEFAULT_MAX_RECORD_LEN`].
    ///
    /// `source` need not be buffered: the reader reads in large chunks.
    ///
    /// ```
    /// use synack::capture::{CaptureError, CaptureReader};
    ///
    /// // A little-endian microsecond pcap header (Ethernet) and one 2-byte record.
    /// let mut file = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
    /// file.extend([0; 8]);
    /// file.extend([0xff, 0xff, 0, 0, 1, 0, 0, 0]);
    /// file.extend([1, 0, 0, 0, 7, 0, 0, 0, 2, 0, 0, 0, 60, 0, 0, 0, 0xaa, 0xbb]);
    ///
    /// let mut reader = CaptureReader::new(&file[..])?;
    /// let record = reader.next_record().unwrap()?;
    /// assert_eq!((record.timestamp.secs, record.timestamp.nanos), (1, 7000));
    /// assert_eq!((record.data, record.original_len), (&[0xaa, 0xbb][..], 60));
    /// assert!(reader.next_record().is_none());
    ///
    /// assert!(matches!(CaptureReader::new(&b"GIF89a"[..]), Err(CaptureError::NotACapture { .. })));
    /// # Ok::<(), CaptureError>(())
    /// ```
    pub fn new(source: R) -> Result<Self, CaptureError> {
        Self::with_limits(source, DEFAULT_BUFFER_CAPACITY, DEFAULT_MAX_RECORD_LEN)
    }

    /// Like [`new`](Self::new), with a buffer of `initial_capacity` bytes that
    /// doubles only when one record does not fit, up to `max_record_len` bytes
    /// (both at least 64). A longer record is [`CaptureError::RecordTooLarge`].
    pub fn with_limits(
        source: R,
        initial_capacity: usize,
        max_record_len: usize,
    ) -> Result<Self, CaptureError> {
        let buffer = RecordBuffer::new(initial_capacity, max_record_len);
        let mut reader = CaptureReader {
            source,
            max_record_len: max_record_len.max(buffer.capacity()),
            buffer,
            offset: 0,
            pending: 0,
            next_index: 0,
            // Replaced below, once the magic is known.
            file: FileState::PcapNg {
                byte_order: ByteOrder::LittleEndian,
                interfaces: Vec::new(),
            },
            finished: false,
        };
        let available = reader.fill(4)?;
        let mut magic = [0; 4];
        for (to, from) in magic.iter_mut().zip(reader.buffer.data()) {
            *to = *from;
        }
        if available < 4 {
            return Err(CaptureError::NotACapture { magic });
        }
        match magic {
            PCAPNG_SHB => reader.read_section_header()?,
            PCAP_MICRO_LE | PCAP_NANO_LE | PCAP_MODIFIED_LE | PCAP_MICRO_BE | PCAP_NANO_BE => {
                reader.read_pcap_header()?
            }
            _ => return Err(CaptureError::NotACapture { magic }),
        }
        Ok(reader)
    }

    /// The next packet record, `None` at the end of the capture, or the error
    /// that ends it.
    ///
    /// The record borrows the reader's buffer until the next call. Non-packet
    /// pcapng blocks (interface descriptions, statistics, name resolution,
    /// secrets, custom and unknown blocks) are read and skipped. An error is
    /// returned once, after every good record before it; then the reader returns
    /// `None`.
    pub fn next_record(&mut self) -> Option<Result<Record<'_>, CaptureError>> {
        if self.finished {
            return None;
        }
        self.consume(self.pending);
        self.pending = 0;
        let found = match self.find_packet() {
            Ok(Some(found)) => found,
            Ok(None) => {
                self.finished = true;
                return None;
            }
            Err(error) => {
                self.finished = true;
                return Some(Err(error));
            }
        };
        self.pending = found.record_len;
        let index = self.next_index;
        self.next_index += 1;
        let end = found.data_start.saturating_add(found.data_len);
        Some(Ok(Record {
            index,
            timestamp: found.timestamp,
            link_type: found.link_type,
            data: self.buffer.data().get(found.data_start..end).unwrap_or(&[]),
            original_len: found.original_len,
            interface: found.interface,
            offset: self.offset,
        }))
    }

    /// The format of the file, and for pcapng the byte order of the section being read.
    pub fn format(&self) -> CaptureFormat {
        match self.file {
            FileState::Pcap {
                byte_order,
                precision,
                modified,
                ..
            } => CaptureFormat::Pcap {
                byte_order,
                precision,
                modified,
            },
            FileState::PcapNg { byte_order, .. } => CaptureFormat::PcapNg { byte_order },
        }
    }

    /// How many packet records have been delivered so far.
    pub fn records_read(&self) -> u64 {
        self.next_index
    }

    /// The current size of the read buffer in bytes: it starts at the initial
    /// capacity and never exceeds the `max_record_len` limit.
    pub fn buffer_capacity(&self) -> usize {
        self.buffer.capacity()
    }

    /// Gives back the underlying reader; bytes already buffered are lost.
    pub fn into_inner(self) -> R {
        self.source
    }

    fn consume(&mut self, n: usize) {
        self.buffer.consume(n);
        self.offset = self
            .offset
            .saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
    }

    fn fill(&mut self, needed: usize) -> Result<usize, CaptureError> {
        self.buffer
            .fill(&mut self.source, needed)
            .map_err(|e| CaptureError::Io {
                index: self.next_index,
                offset: self.offset,
                kind: e.kind(),
            })
    }

    /// Makes sure `needed` bytes of the record at the start of the buffer are
    /// there; `Ok(false)` if the input ends cleanly before any byte of it.
    /// Every caller asks for a header's length or more, never zero.
    #[inline]
    fn require(&mut self, needed: usize) -> Result<bool, CaptureError> {
        // Usually the record is in the buffer already: no call to `fill`.
        if self.buffer.data().len() >= needed {
            return Ok(true);
        }
        let available = self.fill(needed)?;
        if available == 0 {
            return Ok(false);
        }
        if available < needed {
            return Err(CaptureError::Truncated {
                index: self.next_index,
                offset: self.offset,
                needed: to_u64(needed),
                available: to_u64(available),
            });
        }
        Ok(true)
    }

    fn malformed(&self, reason: MalformedReason) -> CaptureError {
        CaptureError::Malformed {
            index: self.next_index,
            offset: self.offset,
            reason,
        }
    }

    fn check_length(&self, length: u64) -> Result<usize, CaptureError> {
        match usize::try_from(length) {
            Ok(len) if len <= self.max_record_len => Ok(len),
            _ => Err(CaptureError::RecordTooLarge {
                index: self.next_index,
                offset: self.offset,
                length,
                limit: to_u64(self.max_record_len),
            }),
        }
    }

    fn find_packet(&mut self) -> Result<Option<Found>, CaptureError> {
        if let FileState::Pcap { .. } = self.file {
            return self.read_pcap_record();
        }
        loop {
            match self.read_block()? {
                Step::Packet(found) => return Ok(Some(found)),
                Step::Other => continue,
                Step::End => return Ok(None),
            }
        }
    }

    // ---- classic pcap ----

    fn read_pcap_header(&mut self) -> Result<(), CaptureError> {
        self.require(PCAP_HEADER_LEN)?;
        let data = self.buffer.data();
        let magic = data.get(..4).unwrap_or_default();
        let header = match parse_pcap_header(data.get(..PCAP_HEADER_LEN).unwrap_or_default()) {
            Ok((_, header)) => header,
            Err(_) => {
                return Err(CaptureError::NotACapture {
                    magic: array(magic, 0).unwrap_or_default(),
                });
            }
        };
        if header.version_major != 2 {
            return Err(CaptureError::UnsupportedVersion {
                format: FileFormat::Pcap,
                major: header.version_major,
                minor: header.version_minor,
                offset: 0,
            });
        }
        let (byte_order, precision, modified) = match array(magic, 0).unwrap_or_default() {
            PCAP_NANO_LE => (
                ByteOrder::LittleEndian,
                TimestampPrecision::Nanosecond,
                false,
            ),
            PCAP_MODIFIED_LE => (
                ByteOrder::LittleEndian,
                TimestampPrecision::Microsecond,
                true,
            ),
            PCAP_MICRO_BE => (ByteOrder::BigEndian, TimestampPrecision::Microsecond, false),
            PCAP_NANO_BE => (ByteOrder::BigEndian, TimestampPrecision::Nanosecond, false),
            _ => (
                ByteOrder::LittleEndian,
                TimestampPrecision::Microsecond,
                false,
            ),
        };
        // pcap-parser reads the field as i32; the registry value is its bit pattern.
        let link_type = LinkType(header.network.0 as u32 & PCAP_LINKTYPE_MASK);
        self.file = FileState::Pcap {
            byte_order,
            precision,
            modified,
            link_type,
        };
        self.consume(PCAP_HEADER_LEN);
        Ok(())
    }

    fn read_pcap_record(&mut self) -> Result<Option<Found>, CaptureError> {
        let FileState::Pcap {
            byte_order,
            precision,
            modified,
            link_type,
        } = self.file
        else {
            return Ok(None);
        };
        let header_len: usize = if modified { 24 } else { 16 };
        if !self.require(header_len)? {
            return Ok(None);
        }
        let captured_len = read_u32(self.buffer.data(), 8, byte_order).unwrap_or_default();
        let record_len = self.check_length(to_u64(header_len) + u64::from(captured_len))?;
        self.require(record_len)?;
        // The record header read by hand (what pcap-parser's `parse_pcap_frame*`
        // read; they cannot fail here, where the record is whole): seconds,
        // fraction, captured length (read above), original length; the
        // "modified" format's are little-endian, as the magic says.
        let record = self.buffer.data().get(..record_len).unwrap_or_default();
        let ts_sec = read_u32(record, 0, byte_order).unwrap_or_default();
        let fraction = read_u32(record, 4, byte_order).unwrap_or_default();
        let original_len = read_u32(record, 12, byte_order).unwrap_or_default();
        let timestamp = match precision {
            // The usual fraction, below a second: no carry.
            TimestampPrecision::Microsecond if fraction < 1_000_000 => Timestamp {
                secs: i64::from(ts_sec),
                nanos: fraction * 1000,
            },
            TimestampPrecision::Nanosecond if fraction < 1_000_000_000 => Timestamp {
                secs: i64::from(ts_sec),
                nanos: fraction,
            },
            // A fraction of a second or more (invalid, but seen) carries into the seconds.
            TimestampPrecision::Microsecond => Timestamp::new(
                i64::from(ts_sec) + i64::from(fraction / 1_000_000),
                (fraction % 1_000_000) * 1000,
            ),
            TimestampPrecision::Nanosecond => Timestamp::new(
                i64::from(ts_sec) + i64::from(fraction / 1_000_000_000),
                fraction % 1_000_000_000,
            ),
        };
        Ok(Some(Found {
            data_start: header_len,
            data_len: record_len.saturating_sub(header_len),
            record_len,
            timestamp,
            link_type,
            original_len,
            interface: 0,
        }))
    }

    // ---- pcapng ----

    fn read_section_header(&mut self) -> Result<(), CaptureError> {
        if !self.require(block::PEEK_LEN)? {
            return Err(CaptureError::NotACapture { magic: PCAPNG_SHB });
        }
        let bom = array(self.buffer.data(), 8).unwrap_or_default();
        if bom != BOM_LE && bom != BOM_BE {
            return Err(CaptureError::NotACapture { magic: PCAPNG_SHB });
        }
        match self.read_block()? {
            Step::Other => Ok(()),
            // The first block is an SHB, so read_block never reports a packet or the end here.
            Step::Packet(_) | Step::End => Err(self.malformed(MalformedReason::BlockContent {
                block_type: block::SECTION_HEADER,
            })),
        }
    }

    /// Reads one pcapng block at the start of the buffer. Non-packet blocks are consumed.
    fn read_block(&mut self) -> Result<Step, CaptureError> {
        if !self.require(block::PEEK_LEN)? {
            return Ok(Step::End);
        }
        let FileState::PcapNg { byte_order, .. } = self.file else {
            return Ok(Step::End);
        };
        let head = self.buffer.data();
        let mut order = byte_order;
        if array(head, 0) == Some(PCAPNG_SHB) {
            order = match array(head, 8).unwrap_or_default() {
                BOM_LE => ByteOrder::LittleEndian,
                BOM_BE => ByteOrder::BigEndian,
                other => {
                    return Err(self.malformed(MalformedReason::ByteOrderMagic {
                        magic: u32::from_le_bytes(other),
                    }));
                }
            };
        }
        let block_type = read_u32(head, 0, order).unwrap_or_default();
        let length = read_u32(head, 4, order).unwrap_or_default();
        let minimum = match block_type {
            block::SECTION_HEADER => 28,
            block::INTERFACE_DESCRIPTION => 20,
            block::SIMPLE_PACKET => 16,
            block::PACKET | block::ENHANCED_PACKET => 32,
            _ => block::MIN_LEN,
        };
        if length < minimum {
            return Err(self.malformed(MalformedReason::BlockTooShort {
                block_type,
                length,
                minimum,
            }));
        }
        if length % 4 != 0 {
            return Err(self.malformed(MalformedReason::BlockLengthUnaligned { length }));
        }
        let block_len = self.check_length(u64::from(length))?;
        self.require(block_len)?;
        let data = self.buffer.data().get(..block_len).unwrap_or_default();
        let trailing = read_u32(data, block_len - 4, order).unwrap_or_default();
        if trailing != length {
            return Err(self.malformed(MalformedReason::BlockLengthMismatch {
                leading: length,
                trailing,
            }));
        }
        let step = match block_type {
            block::SECTION_HEADER => {
                self.section_header(block_len, order)?;
                Step::Other
            }
            block::INTERFACE_DESCRIPTION => {
                self.interface_description(block_len, order)?;
                Step::Other
            }
            block::ENHANCED_PACKET => Step::Packet(self.enhanced_packet(block_len, order)?),
            block::SIMPLE_PACKET => Step::Packet(self.simple_packet(block_len, order)?),
            block::PACKET => Step::Packet(self.obsolete_packet(block_len, order)?),
            _ => Step::Other,
        };
        if let Step::Other = step {
            self.consume(block_len);
        }
        Ok(step)
    }

    fn section_header(&mut self, block_len: usize, order: ByteOrder) -> Result<(), CaptureError> {
        let data = self.buffer.data().get(..block_len).unwrap_or_default();
        let Ok((_, shb)) = parse_sectionheaderblock(data) else {
            return Err(self.malformed(MalformedReason::BlockContent {
                block_type: block::SECTION_HEADER,
            }));
        };
        if shb.major_version != 1 {
            return Err(CaptureError::UnsupportedVersion {
                format: FileFormat::PcapNg,
                major: shb.major_version,
                minor: shb.minor_version,
                offset: self.offset,
            });
        }
        self.file = FileState::PcapNg {
            byte_order: order,
            interfaces: Vec::new(),
        };
        Ok(())
    }

    fn interface_description(
        &mut self,
        block_len: usize,
        order: ByteOrder,
    ) -> Result<(), CaptureError> {
        let data = self.buffer.data().get(..block_len).unwrap_or_default();
        let parsed = match order {
            ByteOrder::LittleEndian => parse_interfacedescriptionblock_le(data),
            ByteOrder::BigEndian => parse_interfacedescriptionblock_be(data),
        };
        let Ok((_, idb)) = parsed else {
            return Err(self.malformed(MalformedReason::BlockContent {
                block_type: block::INTERFACE_DESCRIPTION,
            }));
        };
        let interface = match interface_from(&idb, order) {
            Ok(interface) => interface,
            Err(reason) => return Err(self.malformed(reason)),
        };
        let too_many = self.malformed(MalformedReason::TooManyInterfaces {
            limit: MAX_INTERFACES,
        });
        if let FileState::PcapNg { interfaces, .. } = &mut self.file {
            if interfaces.len() >= MAX_INTERFACES as usize {
                return Err(too_many);
            }
            interfaces.push(interface);
        }
        Ok(())
    }

    fn interface(&self, id: u32) -> Result<Interface, CaptureError> {
        let interfaces: &[Interface] = match &self.file {
            FileState::PcapNg { interfaces, .. } => interfaces,
            FileState::Pcap { .. } => &[],
        };
        usize::try_from(id)
            .ok()
            .and_then(|i| interfaces.get(i))
            .copied()
            .ok_or(CaptureError::UnknownInterface {
                index: self.next_index,
                offset: self.offset,
                interface: id,
                interfaces: u32::try_from(interfaces.len()).unwrap_or(u32::MAX),
            })
    }

    fn enhanced_packet(&self, block_len: usize, order: ByteOrder) -> Result<Found, CaptureError> {
        let data = self.buffer.data().get(..block_len).unwrap_or_default();
        // Checked here so that pcap-parser's streaming `take` never sees a short block.
        let captured_len = read_u32(data, 20, order).unwrap_or_default();
        self.check_captured(captured_len, 32, block_len)?;
        let parsed = match order {
            ByteOrder::LittleEndian => parse_enhancedpacketblock_le(data),
            ByteOrder::BigEndian => parse_enhancedpacketblock_be(data),
        };
        let Ok((_, epb)) = parsed else {
            return Err(self.malformed(MalformedReason::BlockContent {
                block_type: block::ENHANCED_PACKET,
            }));
        };
        let interface = self.interface(epb.if_id)?;
        Ok(Found {
            data_start: 28,
            data_len: usize::try_from(epb.caplen).unwrap_or(usize::MAX),
            record_len: block_len,
            timestamp: interface.timestamp(epb.ts_high, epb.ts_low),
            link_type: interface.link_type,
            original_len: epb.origlen,
            interface: epb.if_id,
        })
    }

    fn simple_packet(&self, block_len: usize, order: ByteOrder) -> Result<Found, CaptureError> {
        let data = self.buffer.data().get(..block_len).unwrap_or_default();
        let parsed = match order {
            ByteOrder::LittleEndian => parse_simplepacketblock_le(data),
            ByteOrder::BigEndian => parse_simplepacketblock_be(data),
        };
        let Ok((_, spb)) = parsed else {
            return Err(self.malformed(MalformedReason::BlockContent {
                block_type: block::SIMPLE_PACKET,
            }));
        };
        let interface = self.interface(0)?;
        // The captured length is implied: the original length, cut by the block and the snaplen.
        let mut data_len = usize::try_from(spb.origlen)
            .unwrap_or(usize::MAX)
            .min(block_len - 16);
        if interface.snaplen != 0 {
            data_len = data_len.min(usize::try_from(interface.snaplen).unwrap_or(usize::MAX));
        }
        Ok(Found {
            data_start: 12,
            data_len,
            record_len: block_len,
            timestamp: Timestamp::EPOCH,
            link_type: interface.link_type,
            original_len: spb.origlen,
            interface: 0,
        })
    }

    /// The obsolete Packet Block (type 2), which pcap-parser does not decode:
    /// interface (16 bits), drops count (16 bits), timestamp, captured and
    /// original lengths, then the data — the EPB layout with a 16-bit interface.
    fn obsolete_packet(&self, block_len: usize, order: ByteOrder) -> Result<Found, CaptureError> {
        let data = self.buffer.data().get(..block_len).unwrap_or_default();
        let field = |at| read_u32(data, at, order).unwrap_or_default();
        let interface_id = array(data, 8)
            .map(|b| order.u16([b[0], b[1]]))
            .unwrap_or_default();
        let (ts_high, ts_low, captured_len, original_len) =
            (field(12), field(16), field(20), field(24));
        self.check_captured(captured_len, 32, block_len)?;
        let interface = self.interface(u32::from(interface_id))?;
        Ok(Found {
            data_start: 28,
            data_len: usize::try_from(captured_len).unwrap_or(usize::MAX),
            record_len: block_len,
            timestamp: interface.timestamp(ts_high, ts_low),
            link_type: interface.link_type,
            original_len,
            interface: u32::from(interface_id),
        })
    }

    fn check_captured(
        &self,
        captured_len: u32,
        overhead: u64,
        block_len: usize,
    ) -> Result<(), CaptureError> {
        if overhead + u64::from(captured_len) > to_u64(block_len) {
            return Err(self.malformed(MalformedReason::CapturedLengthExceedsBlock {
                captured_len,
                block_len: u32::try_from(block_len).unwrap_or(u32::MAX),
            }));
        }
        Ok(())
    }
}

impl Interface {
    /// Units per second divide the 64-bit count into seconds; the remainder is
    /// scaled to nanoseconds (finer digits are dropped, not rounded); `if_tsoffset`
    /// is added to the seconds.
    fn timestamp(&self, high: u32, low: u32) -> Timestamp {
        let ticks = (u64::from(high) << 32) | u64::from(low);
        let units = self.units_per_second.max(1);
        let secs = i64::try_from(ticks / units).unwrap_or(i64::MAX);
        let nanos = u128::from(ticks % units) * 1_000_000_000 / u128::from(units);
        Timestamp::new(
            secs.saturating_add(self.offset_secs),
            u32::try_from(nanos).unwrap_or(999_999_999),
        )
    }
}

/// Reads the IDB's link type, snaplen, `if_tsresol` (option 9) and `if_tsoffset`
/// (option 14). The options are read here in the section's byte order:
/// pcap-parser 0.17 reads `if_tsoffset` as little-endian whatever the section.
fn interface_from(
    idb: &InterfaceDescriptionBlock<'_>,
    order: ByteOrder,
) -> Result<Interface, MalformedReason> {
    let mut tsresol = 6; // microseconds when the option is absent
    let mut offset_secs = 0;
    // In reverse, so that the first occurrence of an option wins.
    for option in idb.options.iter().rev() {
        let Ok(value) = option.as_bytes() else {
            continue;
        };
        if option.code == OptionCode::IfTsresol {
            if let Some(&v) = value.first() {
                tsresol = v;
            }
        } else if option.code == OptionCode::IfTsoffset {
            if let Some(bytes) = value.get(..8).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
                offset_secs = order.i64(bytes);
            }
        }
    }
    let units_per_second = if tsresol & 0x80 == 0 {
        10u64.checked_pow(u32::from(tsresol))
    } else {
        1u64.checked_shl(u32::from(tsresol & 0x7f))
    }
    .ok_or(MalformedReason::TimestampResolution {
        if_tsresol: tsresol,
    })?;
    Ok(Interface {
        link_type: LinkType(u32::try_from(idb.linktype.0).unwrap_or_default()),
        snaplen: idb.snaplen,
        units_per_second,
        offset_secs,
    })
}

fn array(bytes: &[u8], at: usize) -> Option<[u8; 4]> {
    bytes.get(at..at.checked_add(4)?)?.try_into().ok()
}

fn read_u32(bytes: &[u8], at: usize, order: ByteOrder) -> Option<u32> {
    array(bytes, at).map(|b| order.u32(b))
}

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod test {
    use super::*;

    fn interface(units_per_second: u64, offset_secs: i64) -> Interface {
        Interface {
            link_type: LinkType::ETHERNET,
            snaplen: 0,
            units_per_second,
            offset_secs,
        }
    }

    #[test]
    fn timestamps_in_every_resolution() {
        // 2^-10 s units: 3.5 s.
        assert_eq!(
            interface(1024, 0).timestamp(0, 3 * 1024 + 512),
            Timestamp::new(3, 500_000_000)
        );
        // Microseconds, high word set: 2^32 us = 4294.967296 s.
        assert_eq!(
            interface(1_000_000, 0).timestamp(1, 0),
            Timestamp::new(4294, 967_296_000)
        );
        // 10^-19 s: the largest count, 2^64 - 1 units, is 1.8446744073709551615 s.
        assert_eq!(
            interface(10_000_000_000_000_000_000, 0).timestamp(u32::MAX, u32::MAX),
            Timestamp::new(1, 844_674_407)
        );
        // 2^-63 s: 2^64 - 1 units is 1.99999999999999999989 s, cut to nanoseconds.
        assert_eq!(
            interface(1 << 63, 0).timestamp(u32::MAX, u32::MAX),
            Timestamp::new(1, 999_999_999)
        );
        // Whole seconds, with offsets that saturate rather than overflow.
        assert_eq!(
            interface(1, i64::MAX).timestamp(0, 5),
            Timestamp::new(i64::MAX, 0)
        );
        assert_eq!(interface(1, -100).timestamp(0, 5), Timestamp::new(-95, 0));
    }

    /// An IDB in `order` with the given options (code, value).
    fn idb(order: ByteOrder, options: &[(u16, &[u8])]) -> Vec<u8> {
        let u16b = |v: u16| match order {
            ByteOrder::LittleEndian => v.to_le_bytes(),
            ByteOrder::BigEndian => v.to_be_bytes(),
        };
        let u32b = |v: u32| match order {
            ByteOrder::LittleEndian => v.to_le_bytes(),
            ByteOrder::BigEndian => v.to_be_bytes(),
        };
        let mut body = Vec::new();
        body.extend(u16b(113));
        body.extend([0, 0]);
        body.extend(u32b(262_144));
        for (code, value) in options {
            body.extend(u16b(*code));
            body.extend(u16b(value.len() as u16));
            body.extend(*value);
            while body.len() % 4 != 0 {
                body.push(0);
            }
        }
        body.extend([0; 4]);
        let len = 12 + body.len() as u32;
        let mut block = u32b(1).to_vec();
        block.extend(u32b(len));
        block.extend(body);
        block.extend(u32b(len));
        block
    }

    fn read_idb(order: ByteOrder, options: &[(u16, &[u8])]) -> Result<Interface, MalformedReason> {
        let bytes = idb(order, options);
        let (_, block) = match order {
            ByteOrder::LittleEndian => parse_interfacedescriptionblock_le(&bytes),
            ByteOrder::BigEndian => parse_interfacedescriptionblock_be(&bytes),
        }
        .unwrap();
        interface_from(&block, order)
    }

    #[test]
    fn interface_options_in_both_byte_orders() {
        for order in [ByteOrder::LittleEndian, ByteOrder::BigEndian] {
            let offset = match order {
                ByteOrder::LittleEndian => (-3600i64).to_le_bytes(),
                ByteOrder::BigEndian => (-3600i64).to_be_bytes(),
            };
            let i = read_idb(order, &[(9, &[0x80 | 20]), (14, &offset)]).unwrap();
            assert_eq!(i.link_type, LinkType::LINUX_SLL);
            assert_eq!(i.snaplen, 262_144);
            assert_eq!(i.units_per_second, 1 << 20);
            assert_eq!(i.offset_secs, -3600);
            // Defaults: microseconds, no offset.
            let i = read_idb(order, &[(2, b"eth0")]).unwrap();
            assert_eq!((i.units_per_second, i.offset_secs), (1_000_000, 0));
            // The first if_tsresol wins.
            let i = read_idb(order, &[(9, &[3]), (9, &[9])]).unwrap();
            assert_eq!(i.units_per_second, 1000);
        }
    }

    #[test]
    fn out_of_range_resolutions_are_malformed() {
        let order = ByteOrder::LittleEndian;
        assert_eq!(
            read_idb(order, &[(9, &[19])]).unwrap().units_per_second,
            10_000_000_000_000_000_000
        );
        assert_eq!(
            read_idb(order, &[(9, &[20])]).unwrap_err(),
            MalformedReason::TimestampResolution { if_tsresol: 20 }
        );
        assert_eq!(
            read_idb(order, &[(9, &[0x80 | 63])])
                .unwrap()
                .units_per_second,
            1 << 63
        );
        assert_eq!(
            read_idb(order, &[(9, &[0x80 | 64])]).unwrap_err(),
            MalformedReason::TimestampResolution { if_tsresol: 0xc0 }
        );
    }
}
