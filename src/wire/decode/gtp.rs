//! GTP-U (3GPP TS 29.281): user packets of mobile networks over UDP port 2152.

use super::bytes::{be16, byte, header, span};
use super::error::{Fault, TunnelError};
use super::layer::Layer;
use super::outcome::NotTcp;
use super::step::{Next, Step};

/// GTP-U header (3GPP TS 29.281 §5).
#[allow(dead_code)] // the whole header is laid out, not every field is read
pub(crate) mod field {
    use core::ops::Range;
    pub const FLAGS: usize = 0;
    pub const MESSAGE_TYPE: usize = 1;
    pub const LENGTH: Range<usize> = 2..4;
    pub const TEID: Range<usize> = 4..8;
    pub const BASE_LEN: usize = 8;
    /// Sequence number, N-PDU number, next extension header type.
    pub const OPTIONAL_LEN: usize = 4;
    pub const NEXT_EXTENSION_TYPE: usize = 11;
    pub const VERSION_SHIFT: u8 = 5;
    pub const FLAG_PROTOCOL_TYPE: u8 = 0x10;
    pub const FLAG_EXTENSION: u8 = 0x04;
    /// Any of E, S, PN: the optional fields are present.
    pub const FLAGS_OPTIONAL: u8 = 0x07;
    /// G-PDU: a user packet follows.
    pub const MESSAGE_G_PDU: u8 = 0xFF;
    pub const EXTENSION_UNIT: usize = 4;
}

/// A GTP-U header with its extension headers. A G-PDU carries an IP packet;
/// other messages (echo, error indication, end marker) are signalling.
pub(crate) fn gtp_u(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ field::BASE_LEN }>(bytes, 0)?;
    let flags = byte(h, field::FLAGS);
    let message_type = byte(h, field::MESSAGE_TYPE);
    let end = field::BASE_LEN + usize::from(be16(h, field::LENGTH));
    let mut len = field::BASE_LEN;
    if flags & field::FLAGS_OPTIONAL != 0 {
        let o = header::<{ field::BASE_LEN + field::OPTIONAL_LEN }>(bytes, 0)?;
        len += field::OPTIONAL_LEN;
        if flags & field::FLAG_EXTENSION != 0 {
            let mut next_type = byte(o, field::NEXT_EXTENSION_TYPE);
            while next_type != 0 {
                let units = header::<1>(bytes, len)?[0];
                if units == 0 {
                    return Err(TunnelError::GtpExtensionLength.at(len));
                }
                let ext_len = usize::from(units) * field::EXTENSION_UNIT;
                let ext = span(bytes, len, ext_len)?;
                next_type = ext.last().copied().unwrap_or(0);
                len += ext_len;
            }
        }
    }
    let next = if message_type == field::MESSAGE_G_PDU {
        Next::Ip
    } else {
        Next::NotTcp(NotTcp::TunnelControl {
            layer: Layer::GtpU,
            message_type,
        })
    };
    Ok(Step {
        len,
        next,
        end: Some(end),
    })
}
