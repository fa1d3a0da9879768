//! The FDDI MAC header (ANSI X3.139).

use super::bytes::{byte, header};
use super::error::Fault;
use super::outcome::NotTcp;
use super::step::{Next, Step};

/// FDDI MAC header (ANSI X3.139): frame control and two addresses, then LLC.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod field {
    use core::ops::Range;
    pub const FRAME_CONTROL: usize = 0;
    pub const ADDRESSES: Range<usize> = 1..13;
    pub const HEADER_LEN: usize = 13;
    /// The format bits of the frame control (`CLFFZZZZ`: the `FF`).
    pub const FORMAT_MASK: u8 = 0x30;
    /// Format `01`: an LLC frame.
    pub const FORMAT_LLC: u8 = 0x10;
}

/// An FDDI header; only LLC frames go on.
pub(crate) fn fddi(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ field::HEADER_LEN }>(bytes, 0)?;
    let frame_control = byte(h, field::FRAME_CONTROL);
    let next = if frame_control & field::FORMAT_MASK == field::FORMAT_LLC {
        Next::Llc
    } else {
        Next::NotTcp(NotTcp::FddiFrameControl(frame_control))
    };
    Ok(Step::new(field::HEADER_LEN, next))
}
