//! GRE (RFC 2784, RFC 2890 key and sequence number, RFC 1701 routing, RFC 2637
//! enhanced GRE), Aruba's GRE to 802.11, and the ERSPAN headers GRE carries
//! (types I–III, draft-foschiano-erspan).

use super::bytes::{be16, byte, header, span};
use super::error::{Fault, TunnelError};
use super::numbers::EtherType;
use super::step::{Next, Step};

/// GRE header (RFC 2784, RFC 2890 key and sequence number, RFC 1701 routing,
/// RFC 2637 enhanced GRE) and the protocol types that are not EtherTypes.
#[allow(dead_code)] // the whole header is laid out, not every field is read
pub(crate) mod field {
    use core::ops::Range;
    pub const FLAGS_VERSION: Range<usize> = 0..2;
    pub const PROTOCOL: Range<usize> = 2..4;
    pub const BASE_LEN: usize = 4;
    pub const FLAG_CHECKSUM: u16 = 0x8000;
    pub const FLAG_ROUTING: u16 = 0x4000;
    pub const FLAG_KEY: u16 = 0x2000;
    pub const FLAG_SEQUENCE: u16 = 0x1000;
    /// Enhanced GRE: an acknowledgment number follows.
    pub const FLAG_ACK: u16 = 0x0080;
    pub const VERSION_MASK: u8 = 0x07;
    pub const FIELD_LEN: usize = 4;
    /// Enhanced GRE key field: payload length, then call id.
    pub const KEY_PAYLOAD_LENGTH: Range<usize> = 0..2;
    /// Source route entry: address family, offset, length (RFC 1701).
    pub const SRE_HEADER_LEN: usize = 4;
    pub const SRE_LENGTH: usize = 3;
    /// Aruba's GRE carries 802.11 frames under 0x8200..=0x8370 (every 0x10) and 0x9000.
    pub const ARUBA_FIRST: u16 = 0x8200;
    pub const ARUBA_LAST: u16 = 0x8370;
    pub const ARUBA_STEP: u16 = 0x10;
    pub const ARUBA_9000: u16 = 0x9000;
}

/// Whether a GRE protocol type is one of Aruba's 802.11 encapsulations.
pub(crate) fn is_aruba(protocol: u16) -> bool {
    protocol == field::ARUBA_9000
        || ((field::ARUBA_FIRST..=field::ARUBA_LAST).contains(&protocol)
            && protocol % field::ARUBA_STEP == 0)
}

/// A GRE header with its optional fields.
pub(crate) fn gre(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ field::BASE_LEN }>(bytes, 0)?;
    let flags = be16(h, field::FLAGS_VERSION);
    let version = (flags as u8) & field::VERSION_MASK;
    let protocol = be16(h, field::PROTOCOL);
    let has = |flag: u16| flags & flag != 0;
    let mut len = field::BASE_LEN;
    let mut end = None;
    match version {
        0 => {
            if has(field::FLAG_CHECKSUM) || has(field::FLAG_ROUTING) {
                len += field::FIELD_LEN; // checksum and offset (reserved)
            }
            if has(field::FLAG_KEY) {
                len += field::FIELD_LEN;
            }
        }
        1 => {
            if !has(field::FLAG_KEY) {
                return Err(TunnelError::GreVersion1WithoutKey.at(0));
            }
            let key = header::<{ field::FIELD_LEN }>(bytes, len)?;
            let payload_length = usize::from(be16(key, field::KEY_PAYLOAD_LENGTH));
            len += field::FIELD_LEN;
            if has(field::FLAG_SEQUENCE) {
                len += field::FIELD_LEN;
            }
            if has(field::FLAG_ACK) {
                len += field::FIELD_LEN;
            }
            end = Some(len + payload_length);
        }
        _ => return Err(TunnelError::GreVersion { version }.at(1)),
    }
    if version == 0 && has(field::FLAG_SEQUENCE) {
        len += field::FIELD_LEN;
    }
    if version == 0 && has(field::FLAG_ROUTING) {
        // Source route entries up to the null one (address family 0, length 0).
        loop {
            let sre = header::<{ field::SRE_HEADER_LEN }>(bytes, len)?;
            let sre_len = usize::from(byte(sre, field::SRE_LENGTH));
            len += field::SRE_HEADER_LEN + sre_len;
            if sre_len == 0 {
                break;
            }
        }
    }
    span(bytes, 0, len)?;
    let next = match EtherType(protocol) {
        EtherType::ERSPAN if has(field::FLAG_SEQUENCE) => Next::Erspan2,
        // ERSPAN type I: no sequence number, no ERSPAN header.
        EtherType::ERSPAN => Next::Ethernet,
        EtherType::ERSPAN_III => Next::Erspan3,
        _ if is_aruba(protocol) => Next::Ieee80211,
        other => Next::EtherType(other),
    };
    Ok(Step { len, next, end })
}

/// ERSPAN type II and III headers (draft-foschiano-erspan).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod erspan {
    use core::ops::Range;
    pub const VERSION_VLAN: Range<usize> = 0..2;
    pub const TYPE_II_LEN: usize = 8;
    pub const TYPE_III_LEN: usize = 12;
    pub const VERSION_TYPE_II: u8 = 1;
    pub const VERSION_TYPE_III: u8 = 2;
    /// Type III: P, frame type (5 bits), hardware id (6), D, granularity (2), O.
    pub const TYPE_III_FLAGS: Range<usize> = 10..12;
    pub const FRAME_TYPE_SHIFT: u16 = 10;
    pub const FRAME_TYPE_MASK: u16 = 0x1F;
    pub const FRAME_TYPE_ETHERNET: u16 = 0;
    pub const FRAME_TYPE_IP: u16 = 2;
    pub const OPTIONAL_SUBHEADER: u16 = 0x0001;
    pub const OPTIONAL_SUBHEADER_LEN: usize = 8;
}

/// An ERSPAN type II header; an Ethernet frame follows.
pub(crate) fn erspan2(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ erspan::TYPE_II_LEN }>(bytes, 0)?;
    let found = byte(h, erspan::VERSION_VLAN.start) >> 4;
    if found != erspan::VERSION_TYPE_II {
        return Err(TunnelError::ErspanVersion {
            expected: erspan::VERSION_TYPE_II,
            found,
        }
        .at(0));
    }
    Ok(Step::new(erspan::TYPE_II_LEN, Next::Ethernet))
}

/// An ERSPAN type III header and its optional platform subheader.
pub(crate) fn erspan3(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ erspan::TYPE_III_LEN }>(bytes, 0)?;
    let found = byte(h, erspan::VERSION_VLAN.start) >> 4;
    if found != erspan::VERSION_TYPE_III {
        return Err(TunnelError::ErspanVersion {
            expected: erspan::VERSION_TYPE_III,
            found,
        }
        .at(0));
    }
    let flags = be16(h, erspan::TYPE_III_FLAGS);
    let mut len = erspan::TYPE_III_LEN;
    if flags & erspan::OPTIONAL_SUBHEADER != 0 {
        len += erspan::OPTIONAL_SUBHEADER_LEN;
    }
    let next = match (flags >> erspan::FRAME_TYPE_SHIFT) & erspan::FRAME_TYPE_MASK {
        erspan::FRAME_TYPE_ETHERNET => Next::Ethernet,
        erspan::FRAME_TYPE_IP => Next::Ip,
        other => {
            return Err(Fault::Unsupported {
                offset: erspan::TYPE_III_FLAGS.start,
                value: u32::from(other),
            });
        }
    };
    Ok(Step::new(len, next))
}
