//! Wireless LAN: the radiotap header, IEEE 802.11 data frames and their
//! A-MSDU subframes.

use super::bytes::{be16, byte, header, le16};
use super::error::{Fault, LinkError};
use super::outcome::NotTcp;
use super::step::{Next, Step};

/// Radiotap header (radiotap.org): version, pad, little-endian length.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod radiotap {
    use core::ops::Range;
    pub const VERSION: usize = 0;
    pub const LENGTH: Range<usize> = 2..4;
    pub const PRESENT: Range<usize> = 4..8;
    pub const MIN_LEN: usize = 8;
}

/// A radiotap header, skipped by its length.
pub(crate) fn radiotap(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ radiotap::MIN_LEN }>(bytes, 0)?;
    let version = byte(h, radiotap::VERSION);
    if version != 0 {
        return Err(LinkError::RadiotapVersion { version }.at(0));
    }
    let length = le16(h, radiotap::LENGTH);
    if usize::from(length) < radiotap::MIN_LEN {
        return Err(LinkError::RadiotapLength { length }.at(radiotap::LENGTH.start));
    }
    Ok(Step::new(usize::from(length), Next::Ieee80211))
}

/// IEEE 802.11 MAC header (IEEE 802.11-2020 §9.2).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod field {
    pub const FRAME_CONTROL_0: usize = 0;
    pub const FRAME_CONTROL_1: usize = 1;
    pub const SEQUENCE_CONTROL: core::ops::Range<usize> = 22..24;
    /// Frame control, duration, three addresses, sequence control.
    pub const BASE_LEN: usize = 24;
    pub const ADDRESS4_LEN: usize = 6;
    pub const QOS_CONTROL_LEN: usize = 2;
    pub const HT_CONTROL_LEN: usize = 4;
    pub const VERSION_MASK: u8 = 0x03;
    pub const TYPE_SHIFT: u8 = 2;
    pub const TYPE_MASK: u8 = 0x03;
    pub const SUBTYPE_SHIFT: u8 = 4;
    pub const TYPE_DATA: u8 = 2;
    /// Subtype bit: QoS data (a QoS control field follows the addresses).
    pub const SUBTYPE_QOS: u8 = 0x08;
    /// Subtype bit: no data (null frames).
    pub const SUBTYPE_NO_DATA: u8 = 0x04;
    pub const FLAG_TO_DS: u8 = 0x01;
    pub const FLAG_FROM_DS: u8 = 0x02;
    pub const FLAG_MORE_FRAGMENTS: u8 = 0x04;
    pub const FLAG_PROTECTED: u8 = 0x40;
    /// `+HTC` / order: an HT control field follows the QoS control field.
    pub const FLAG_ORDER: u8 = 0x80;
    /// QoS control, first byte: an A-MSDU follows.
    pub const QOS_AMSDU_PRESENT: u8 = 0x80;
    /// Fragment number bits of the (little-endian) sequence control field.
    pub const FRAGMENT_NUMBER_MASK: u16 = 0x000F;
}

/// An 802.11 frame header. Data frames go on to LLC (or to their A-MSDU
/// subframes); management, control and null frames are not TCP; protected
/// frames are encrypted and fragments are not reassembled.
pub(crate) fn ieee80211(bytes: &[u8]) -> Result<Step, Fault> {
    use field as f;
    let h = header::<{ f::BASE_LEN }>(bytes, 0)?;
    let (fc0, flags) = (byte(h, f::FRAME_CONTROL_0), byte(h, f::FRAME_CONTROL_1));
    let version = fc0 & f::VERSION_MASK;
    if version != 0 {
        return Err(LinkError::Ieee80211Version { version }.at(0));
    }
    let frame_type = (fc0 >> f::TYPE_SHIFT) & f::TYPE_MASK;
    let subtype = fc0 >> f::SUBTYPE_SHIFT;
    let not_tcp = Next::NotTcp(NotTcp::Ieee80211 {
        frame_type,
        subtype,
    });
    if frame_type != f::TYPE_DATA || subtype & f::SUBTYPE_NO_DATA != 0 {
        return Ok(Step::new(f::BASE_LEN, not_tcp));
    }
    let mut len = f::BASE_LEN;
    if flags & (f::FLAG_TO_DS | f::FLAG_FROM_DS) == f::FLAG_TO_DS | f::FLAG_FROM_DS {
        len += f::ADDRESS4_LEN;
    }
    let mut amsdu = false;
    if subtype & f::SUBTYPE_QOS != 0 {
        let qos = header::<{ f::QOS_CONTROL_LEN }>(bytes, len)?;
        amsdu = byte(qos, 0) & f::QOS_AMSDU_PRESENT != 0;
        len += f::QOS_CONTROL_LEN;
        if flags & f::FLAG_ORDER != 0 {
            len += f::HT_CONTROL_LEN;
        }
    }
    if flags & f::FLAG_PROTECTED != 0 {
        return Err(Fault::Encrypted { offset: len });
    }
    let sequence_control = le16(h, f::SEQUENCE_CONTROL);
    if flags & f::FLAG_MORE_FRAGMENTS != 0 || sequence_control & f::FRAGMENT_NUMBER_MASK != 0 {
        return Err(Fault::Unsupported {
            offset: f::SEQUENCE_CONTROL.start,
            value: u32::from(sequence_control),
        });
    }
    Ok(Step::new(
        len,
        if amsdu {
            Next::AmsduSubframe
        } else {
            Next::Llc
        },
    ))
}

/// A-MSDU subframe header (IEEE 802.11-2020 §9.3.2.2.2): DA, SA, big-endian length.
#[allow(dead_code)] // the whole header is laid out, not every field is read
pub(crate) mod amsdu {
    use core::ops::Range;
    pub const DESTINATION: Range<usize> = 0..6;
    pub const SOURCE: Range<usize> = 6..12;
    pub const LENGTH: Range<usize> = 12..14;
    pub const HEADER_LEN: usize = 14;
    /// Every subframe but the last is padded to a multiple of 4 bytes.
    pub const ALIGN: usize = 4;
}

/// One A-MSDU subframe header: an LLC frame of `length` bytes follows. The
/// next subframe starts at `at + (14 + length)` rounded up to 4, which the
/// walker uses to resume ([`amsdu_next_subframe`]).
pub(crate) fn amsdu_subframe(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ amsdu::HEADER_LEN }>(bytes, 0)?;
    let payload_at = amsdu::HEADER_LEN;
    let end = payload_at + usize::from(be16(h, amsdu::LENGTH));
    Ok(Step {
        len: amsdu::HEADER_LEN,
        next: Next::Llc,
        end: Some(end),
    })
}

/// Where the subframe after the one starting `bytes` starts (counted from
/// its first byte), if the next subframe's header fits.
pub(crate) fn amsdu_next_subframe(bytes: &[u8]) -> Option<usize> {
    let h = header::<{ amsdu::HEADER_LEN }>(bytes, 0).ok()?;
    let subframe_len = amsdu::HEADER_LEN + usize::from(be16(h, amsdu::LENGTH));
    let next = subframe_len.next_multiple_of(amsdu::ALIGN);
    let remaining = bytes.len().checked_sub(next)?;
    // Fewer bytes than a subframe header are padding or a frame check sequence.
    (remaining >= amsdu::HEADER_LEN).then_some(next)
}
