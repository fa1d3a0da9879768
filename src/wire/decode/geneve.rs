//! Geneve (RFC 8926): an EtherType-tagged payload over UDP port 6081.

use super::bytes::{be16, byte, header, span};
use super::error::Fault;
use super::numbers::EtherType;
use super::step::{Next, Step};

/// Geneve header (RFC 8926 §3.4).
pub(crate) mod field {
    use core::ops::Range;
    pub const VERSION_OPTIONS_LENGTH: usize = 0;
    pub const PROTOCOL: Range<usize> = 2..4;
    pub const BASE_LEN: usize = 8;
    pub const OPTIONS_LENGTH_MASK: u8 = 0x3F;
    pub const VERSION_SHIFT: u8 = 6;
    pub const OPTIONS_UNIT: usize = 4;
}

/// A Geneve header and its options; the protocol type is an EtherType.
pub(crate) fn geneve(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ field::BASE_LEN }>(bytes, 0)?;
    let options = usize::from(byte(h, field::VERSION_OPTIONS_LENGTH) & field::OPTIONS_LENGTH_MASK);
    let len = field::BASE_LEN + options * field::OPTIONS_UNIT;
    span(bytes, 0, len)?;
    Ok(Step::new(
        len,
        Next::EtherType(EtherType(be16(h, field::PROTOCOL))),
    ))
}
