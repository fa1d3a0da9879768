//! Replay: streaming pcap and pcapng reading, in constant memory.
//!
//! [`CaptureReader`] reads classic pcap (either byte order, micro- or nanosecond
//! timestamps) and pcapng (any number of sections and interfaces, each interface
//! with its own link type, snapshot length and timestamp resolution) from any
//! [`std::io::Read`], through one buffer of bounded size: a multi-gigabyte file or
//! an endless pipe is read in the same memory as a small one. The blocks and
//! headers are decoded with the [`pcap_parser`] crate.
//!
//! Each packet record comes out as a [`Record`]: its 0-based `index` (Wireshark's
//! frame number minus one), [`Timestamp`], [`LinkType`](crate::wire::LinkType),
//! captured bytes and original length, borrowed from the reader until the next
//! call. A file that is cut short or corrupt yields every good record, then one
//! typed [`CaptureError`] naming the record's index and byte offset, then `None`;
//! no input makes the reader panic.
//!
//! ```
//! use synack::capture::{CaptureReader, CaptureFormat};
//! use synack::wire::LinkType;
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/http-image.pcap");
//! let mut reader = CaptureReader::open(path)?;
//! assert!(matches!(reader.format(), CaptureFormat::Pcap { .. }));
//! while let Some(record) = reader.next_record() {
//!     let record = record?;
//!     if record.index == 0 {
//!         // tshark: frame.time_epoch 1795465490.743429000, an Ethernet frame of 74 bytes
//!         assert_eq!(record.timestamp.to_string(), "1795465490.743429000");
//!         assert_eq!((record.link_type, record.data.len()), (LinkType::ETHERNET, 74));
//!     }
//! }
//! # Ok::<(), synack::capture::CaptureError>(())
//! ```

mod buffer;
mod error;
mod format;
mod reader;
mod record;
mod timestamp;
mod writer;

pub use error::{CaptureError, MalformedReason};
pub use format::{ByteOrder, CaptureFormat, FileFormat, TimestampPrecision};
pub use reader::{CaptureReader, DEFAULT_BUFFER_CAPACITY, DEFAULT_MAX_RECORD_LEN, MAX_INTERFACES};
pub use record::Record;
pub use timestamp::Timestamp;
pub use writer::{PcapNgWriter, PcapWriter, WriteError};
