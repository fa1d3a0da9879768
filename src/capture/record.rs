//! [`Record`]: one captured packet, borrowed from the reader's buffer.

use crate::wire::LinkType;

use super::Timestamp;

/// One packet record of a capture file: a classic pcap record, or a pcapng
/// Enhanced, Simple or (obsolete) Packet Block.
///
/// It borrows the reader's buffer, so it lives until the next call to
/// [`CaptureReader::next_record`](super::CaptureReader::next_record).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Record<'a> {
    /// 0-based number of this packet record in the file; non-packet pcapng blocks
    /// are not counted. Wireshark's `frame.number` is `index + 1`.
    pub index: u64,
    /// When the packet was captured.
    pub timestamp: Timestamp,
    /// The link type of the interface it was captured on: how `data` starts.
    pub link_type: LinkType,
    /// The captured bytes (at most the snapshot length, without pcapng padding).
    pub data: &'a [u8],
    /// The length of the packet on the wire; more than `data.len()` when the
    /// snapshot length cut it.
    pub original_len: u32,
    /// The pcapng interface (index of its Interface Description Block in the
    /// section); 0 in a pcap file.
    pub interface: u32,
    /// Byte offset of the record (its header included) in the file.
    pub offset: u64,
}

impl Record<'_> {
    /// Wireshark's frame number: `index + 1`.
    pub fn frame_number(&self) -> u64 {
        self.index + 1
    }

    /// Whether the snapshot length cut the packet (fewer bytes captured than sent).
    pub fn is_truncated(&self) -> bool {
        u64::try_from(self.data.len()).unwrap_or(u64::MAX) < u64::from(self.original_len)
    }
}
