//! The IPsec authentication header (RFC 4302 §2) after an IPv4 header (after
//! IPv6 it is walked with the extension headers).

use super::bytes::{byte, header, span};
use super::error::Fault;
use super::numbers::IpNumber;
use super::step::{Next, Step};

/// Authentication header (RFC 4302 §2.2).
mod field {
    pub const NEXT_HEADER: usize = 0;
    pub const PAYLOAD_LENGTH: usize = 1;
    pub const MIN_LEN: usize = 8;
    /// The payload length counts 4-byte words, minus 2.
    pub const UNIT: usize = 4;
}

/// An IPv4 authentication header (RFC 4302 §2); in IPv6 it is walked with the
/// extension headers.
pub(crate) fn auth_header(bytes: &[u8]) -> Result<Step, Fault> {
    let e = header::<{ field::MIN_LEN }>(bytes, 0)?;
    let len = (usize::from(byte(e, field::PAYLOAD_LENGTH)) + 2) * field::UNIT;
    span(bytes, 0, len)?;
    let next = Next::IpProtocol(IpNumber(byte(e, field::NEXT_HEADER)));
    Ok(Step::new(len, next))
}
