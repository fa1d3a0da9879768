//! OpenBSD / FreeBSD packet filter logging (`LINKTYPE_PFLOG`).

use super::bytes::{byte, header};
use super::error::{Fault, LinkError};
use super::step::{Next, Step};

/// PFLOG header (`struct pfloghdr`): its own length in the first byte, padded
/// to 4 bytes; the address family in the second.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod field {
    pub const LENGTH: usize = 0;
    pub const ADDRESS_FAMILY: usize = 1;
    pub const MIN_LEN: usize = 4;
    pub const ALIGN: usize = 4;
}

/// A PFLOG header; the packet behind it starts at its IP header.
pub(crate) fn pflog(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ field::MIN_LEN }>(bytes, 0)?;
    let length = byte(h, field::LENGTH);
    if usize::from(length) < field::MIN_LEN {
        return Err(LinkError::PflogLength { length }.at(field::LENGTH));
    }
    Ok(Step::new(
        usize::from(length).next_multiple_of(field::ALIGN),
        Next::Ip,
    ))
}
