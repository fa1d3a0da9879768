//! Linux netfilter NFLOG (`LINKTYPE_NFLOG`): a header and host-order TLVs, one
//! of which holds the packet.

use super::bytes::{be16, byte, header, le16, span};
use super::error::{Fault, LinkError};
use super::layer::Layer;
use super::outcome::NotTcp;
use super::step::{Next, Step};

/// NFLOG (`LINKTYPE_NFLOG`): a 4-byte header, then TLVs whose length and type
/// are in the capturing host's byte order, each padded to 4 bytes.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod field {
    pub const FAMILY: usize = 0;
    pub const VERSION: usize = 1;
    pub const RESOURCE_ID: core::ops::Range<usize> = 2..4;
    pub const HEADER_LEN: usize = 4;
    pub const TLV_HEADER_LEN: usize = 4;
    pub const TLV_LENGTH: core::ops::Range<usize> = 0..2;
    pub const TLV_TYPE: core::ops::Range<usize> = 2..4;
    /// `NFULA_PAYLOAD`: the packet, starting at its network header.
    pub const TYPE_PAYLOAD: u16 = 9;
    /// Netlink attribute type bits (without `NLA_F_NESTED`, `NLA_F_NET_BYTEORDER`).
    pub const TYPE_MASK: u16 = 0x3FFF;
    pub const ALIGN: usize = 4;
}

/// The NFLOG header and TLVs, up to the payload TLV.
pub(crate) fn nflog(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ field::HEADER_LEN }>(bytes, 0)?;
    let version = byte(h, field::VERSION);
    if version != 0 {
        return Err(LinkError::NflogVersion { version }.at(field::VERSION));
    }
    let first = field::HEADER_LEN;
    // Host byte order: take little-endian unless that makes the first TLV impossible.
    let little_endian = match bytes.get(first..).and_then(|b| b.get(field::TLV_LENGTH)) {
        Some(&[a, b]) => {
            let le = usize::from(u16::from_le_bytes([a, b]));
            let be = usize::from(u16::from_be_bytes([a, b]));
            let remaining = bytes.len() - first;
            let fits = |len: usize| (field::TLV_HEADER_LEN..=remaining).contains(&len);
            fits(le) || !fits(be)
        }
        _ => true,
    };
    let word = |t: &[u8; field::TLV_HEADER_LEN], field: core::ops::Range<usize>| {
        if little_endian {
            le16(t, field)
        } else {
            be16(t, field)
        }
    };
    let mut tlv = first;
    while tlv < bytes.len() {
        let t = header::<{ field::TLV_HEADER_LEN }>(bytes, tlv)?;
        let length = word(t, field::TLV_LENGTH);
        let tlv_type = word(t, field::TLV_TYPE) & field::TYPE_MASK;
        if usize::from(length) < field::TLV_HEADER_LEN {
            return Err(LinkError::NflogTlvLength { length }.at(tlv));
        }
        let value_at = tlv + field::TLV_HEADER_LEN;
        let value_end = tlv + usize::from(length);
        if tlv_type == field::TYPE_PAYLOAD {
            return Ok(Step {
                len: value_at,
                next: Next::Ip,
                end: Some(value_end),
            });
        }
        span(bytes, value_at, value_end - value_at)?;
        // Attributes are aligned relative to the first one.
        tlv = first + (value_end - first).next_multiple_of(field::ALIGN);
    }
    Ok(Step::new(
        tlv.min(bytes.len()),
        Next::NotTcp(NotTcp::NoPayload(Layer::Nflog)),
    ))
}
