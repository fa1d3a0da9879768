//! PPP (RFC 1661, with RFC 1662 framing) and the PPPoE session header that
//! carries it over Ethernet (RFC 2516).

use super::bytes::{be16, byte, header};
use super::error::{Fault, LinkError};
use super::outcome::NotTcp;
use super::step::{Next, Step};

/// PPP (RFC 1661, RFC 1662 framing).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod field {
    /// HDLC all-stations address and unnumbered-information control.
    pub const ADDRESS_CONTROL: [u8; 2] = [0xFF, 0x03];
    pub const PROTOCOL_IPV4: u16 = 0x0021;
    pub const PROTOCOL_IPV6: u16 = 0x0057;
    pub const PROTOCOL_MPLS: u16 = 0x0281;
    pub const PROTOCOL_MPLS_MULTICAST: u16 = 0x0283;
    /// Van Jacobson compressed / uncompressed TCP/IP (RFC 1144).
    pub const PROTOCOL_VJ_COMPRESSED: u16 = 0x002D;
    pub const PROTOCOL_VJ_UNCOMPRESSED: u16 = 0x002F;
}

/// A PPP header: optional address/control bytes, then a 1- or 2-byte protocol
/// (a 1-byte one under protocol field compression: its low bit is set).
pub(crate) fn ppp(bytes: &[u8]) -> Result<Step, Fault> {
    let mut len = 0;
    if bytes.get(..2) == Some(&field::ADDRESS_CONTROL[..]) {
        len = field::ADDRESS_CONTROL.len();
    }
    let first = byte(header::<1>(bytes, len)?, 0);
    let protocol = if first & 1 == 1 {
        len += 1;
        u16::from(first)
    } else {
        let p = header::<2>(bytes, len)?;
        len += 2;
        be16(p, 0..2)
    };
    let next = match protocol {
        field::PROTOCOL_IPV4 => Next::Ipv4,
        field::PROTOCOL_IPV6 => Next::Ipv6,
        field::PROTOCOL_MPLS | field::PROTOCOL_MPLS_MULTICAST => Next::Mpls,
        field::PROTOCOL_VJ_COMPRESSED | field::PROTOCOL_VJ_UNCOMPRESSED => {
            return Err(Fault::Unsupported {
                offset: len,
                value: u32::from(protocol),
            });
        }
        other => Next::NotTcp(NotTcp::PppProtocol(other)),
    };
    Ok(Step::new(len, next))
}

/// PPPoE header (RFC 2516 §4).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod pppoe {
    use core::ops::Range;
    pub const VERSION_TYPE: usize = 0;
    pub const CODE: usize = 1;
    pub const SESSION_ID: Range<usize> = 2..4;
    pub const LENGTH: Range<usize> = 4..6;
    pub const HEADER_LEN: usize = 6;
    pub const VERSION_TYPE_1_1: u8 = 0x11;
    pub const CODE_SESSION_DATA: u8 = 0x00;
}

/// A PPPoE session header; its length bounds the PPP frame.
pub(crate) fn pppoe(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ pppoe::HEADER_LEN }>(bytes, 0)?;
    let version_type = byte(h, pppoe::VERSION_TYPE);
    if version_type != pppoe::VERSION_TYPE_1_1 {
        return Err(LinkError::PppoeVersionType { version_type }.at(pppoe::VERSION_TYPE));
    }
    let code = byte(h, pppoe::CODE);
    if code != pppoe::CODE_SESSION_DATA {
        return Err(LinkError::PppoeCode { code }.at(pppoe::CODE));
    }
    let payload_at = pppoe::HEADER_LEN;
    let end = payload_at + usize::from(be16(h, pppoe::LENGTH));
    Ok(Step {
        len: pppoe::HEADER_LEN,
        next: Next::Ppp,
        end: Some(end),
    })
}
