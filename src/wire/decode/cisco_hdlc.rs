//! Cisco HDLC (`LINKTYPE_C_HDLC`): address, control and an EtherType.

use super::bytes::{be16, header};
use super::error::Fault;
use super::numbers::EtherType;
use super::step::{Next, Step};

/// Cisco HDLC: address, control, EtherType.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod c_hdlc {
    use core::ops::Range;
    pub const ADDRESS: usize = 0;
    pub const CONTROL: usize = 1;
    pub const PROTOCOL: Range<usize> = 2..4;
    pub const HEADER_LEN: usize = 4;
}

/// A Cisco HDLC header.
pub(crate) fn cisco_hdlc(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ c_hdlc::HEADER_LEN }>(bytes, 0)?;
    let next = Next::EtherType(EtherType(be16(h, c_hdlc::PROTOCOL)));
    Ok(Step::new(c_hdlc::HEADER_LEN, next))
}
