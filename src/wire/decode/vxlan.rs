//! VXLAN (RFC 7348): Ethernet frames over UDP port 4789.

use super::bytes::header;
use super::error::Fault;
use super::step::{Next, Step};

/// VXLAN header (RFC 7348 §5).
#[allow(dead_code)] // the whole header is laid out, not every field is read
pub(crate) mod field {
    pub const FLAGS: usize = 0;
    pub const LEN: usize = 8;
    /// The I flag: the VNI is valid.
    pub const FLAG_VNI: u8 = 0x08;
}

/// A VXLAN header; an Ethernet frame follows.
pub(crate) fn vxlan(bytes: &[u8]) -> Result<Step, Fault> {
    header::<{ field::LEN }>(bytes, 0)?;
    Ok(Step::new(field::LEN, Next::Ethernet))
}
