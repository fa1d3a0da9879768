//! MPLS label stacks (RFC 3032) and what follows the bottom label: IP, or an
//! Ethernet pseudowire with or without its control word (RFC 4385).

use super::bytes::{be24, byte, header};
use super::error::Fault;
use super::outcome::NotTcp;
use super::step::{Next, Step};

/// MPLS label stack entries (RFC 3032) and what follows the bottom one.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod field {
    use core::ops::Range;
    pub const ENTRY_LEN: usize = 4;
    /// Byte holding the bottom-of-stack bit (its lowest bit).
    pub const BOTTOM_OF_STACK_BYTE: usize = 2;
    pub const LABEL: Range<usize> = 0..3;
    /// Labels that fix the payload: IPv4 / IPv6 explicit null (RFC 3032 §2.1).
    pub const LABEL_IPV4_EXPLICIT_NULL: u32 = 0;
    pub const LABEL_IPV6_EXPLICIT_NULL: u32 = 2;
    /// First nibble of a pseudowire control word (RFC 4385) / an associated channel.
    pub const NIBBLE_CONTROL_WORD: u8 = 0;
    pub const NIBBLE_ASSOCIATED_CHANNEL: u8 = 1;
    pub const CONTROL_WORD_LEN: usize = 4;
}

/// The whole label stack. The payload is told by the bottom label (explicit
/// null) or else by its first nibble: 4 or 6 is IP, 0 a pseudowire control
/// word before an Ethernet frame, 1 an associated channel, anything else an
/// Ethernet frame without a control word.
pub(crate) fn mpls(bytes: &[u8]) -> Result<Step, Fault> {
    let mut len = 0;
    let label = loop {
        let entry = header::<{ field::ENTRY_LEN }>(bytes, len)?;
        len += field::ENTRY_LEN;
        if byte(entry, field::BOTTOM_OF_STACK_BYTE) & 1 == 1 {
            break be24(entry, field::LABEL) >> 4;
        }
    };
    let next = match label {
        field::LABEL_IPV4_EXPLICIT_NULL => Next::Ipv4,
        field::LABEL_IPV6_EXPLICIT_NULL => Next::Ipv6,
        _ => match header::<1>(bytes, len)?[0] >> 4 {
            4 | 6 => Next::Ip,
            field::NIBBLE_CONTROL_WORD => {
                len += field::CONTROL_WORD_LEN;
                Next::Ethernet
            }
            field::NIBBLE_ASSOCIATED_CHANNEL => Next::NotTcp(NotTcp::MplsAssociatedChannel),
            _ => Next::Ethernet,
        },
    };
    Ok(Step::new(len, next))
}
