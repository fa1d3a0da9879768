//! Ethernet II / IEEE 802.3 (IEEE 802.3 §3.2) and the tags that can follow its
//! addresses: 802.1Q / 802.1ad / QinQ, Cisco VN-Tag and 802.1ah (PBB).

use super::bytes::{be16, header};
use super::error::Fault;
use super::numbers::EtherType;
use super::step::{Next, Step};

/// The IEEE 802.3 length / Ethernet II type boundary: values up to 1500 are lengths.
pub(crate) const MAX_8023_LENGTH: u16 = 1500;

/// What follows a type-or-length field at `payload_at`: an 802.2 LLC header
/// bounded by the length, or the protocol the EtherType names.
fn type_or_length(value: u16, payload_at: usize) -> (Next, Option<usize>) {
    if value <= MAX_8023_LENGTH {
        (Next::Llc, Some(payload_at + usize::from(value)))
    } else {
        (Next::EtherType(EtherType(value)), None)
    }
}

/// Ethernet II / IEEE 802.3 header (IEEE 802.3 §3.2).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod field {
    use core::ops::Range;
    pub const DESTINATION: Range<usize> = 0..6;
    pub const SOURCE: Range<usize> = 6..12;
    pub const TYPE_OR_LENGTH: Range<usize> = 12..14;
    pub const HEADER_LEN: usize = 14;
}

/// An Ethernet II or 802.3 header; an 802.3 length bounds the LLC frame behind it.
pub(crate) fn ethernet(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ field::HEADER_LEN }>(bytes, 0)?;
    let (next, end) = type_or_length(be16(h, field::TYPE_OR_LENGTH), field::HEADER_LEN);
    Ok(Step {
        len: field::HEADER_LEN,
        next,
        end,
    })
}

/// The body of an 802.1Q / 802.1ad tag, after its TPID (IEEE 802.1Q §9.6).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod vlan {
    use core::ops::Range;
    pub const TCI: Range<usize> = 0..2;
    pub const TYPE_OR_LENGTH: Range<usize> = 2..4;
    pub const LEN: usize = 4;
}

/// A VLAN tag (its TPID was the previous layer's type field).
pub(crate) fn vlan(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ vlan::LEN }>(bytes, 0)?;
    let (next, end) = type_or_length(be16(h, vlan::TYPE_OR_LENGTH), vlan::LEN);
    Ok(Step {
        len: vlan::LEN,
        next,
        end,
    })
}

/// The body of a Cisco VN-Tag after its 0x8926 TPID: 4 bytes of tag, then a type.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod vn_tag {
    use core::ops::Range;
    pub const TAG: Range<usize> = 0..4;
    pub const TYPE_OR_LENGTH: Range<usize> = 4..6;
    pub const LEN: usize = 6;
}

/// A VN-Tag (802.1Qbh port extender tag).
pub(crate) fn vn_tag(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ vn_tag::LEN }>(bytes, 0)?;
    let (next, end) = type_or_length(be16(h, vn_tag::TYPE_OR_LENGTH), vn_tag::LEN);
    Ok(Step {
        len: vn_tag::LEN,
        next,
        end,
    })
}

/// The body of an 802.1ah I-TAG after its 0x88E7 TPID: the tag, then the
/// customer's addresses and type.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod pbb {
    use core::ops::Range;
    pub const I_TAG: Range<usize> = 0..4;
    pub const CUSTOMER_ADDRESSES: Range<usize> = 4..16;
    pub const TYPE_OR_LENGTH: Range<usize> = 16..18;
    pub const LEN: usize = 18;
}

/// An 802.1ah backbone service instance tag and the customer frame's header.
pub(crate) fn pbb(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ pbb::LEN }>(bytes, 0)?;
    let (next, end) = type_or_length(be16(h, pbb::TYPE_OR_LENGTH), pbb::LEN);
    Ok(Step {
        len: pbb::LEN,
        next,
        end,
    })
}
