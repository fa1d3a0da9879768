//! Linux cooked capture headers, versions 1 and 2 (`LINKTYPE_LINUX_SLL`,
//! `LINKTYPE_LINUX_SLL2`).

use super::bytes::{be16, header};
use super::error::Fault;
use super::ethernet::MAX_8023_LENGTH;
use super::numbers::EtherType;
use super::outcome::NotTcp;
use super::step::{Next, Step};

/// Linux cooked capture headers (`LINKTYPE_LINUX_SLL`, `LINKTYPE_LINUX_SLL2`).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod field {
    use core::ops::Range;
    // Version 1.
    pub const PACKET_TYPE: Range<usize> = 0..2;
    pub const ARPHRD_TYPE: Range<usize> = 2..4;
    pub const ADDRESS_LEN: Range<usize> = 4..6;
    pub const ADDRESS: Range<usize> = 6..14;
    pub const PROTOCOL: Range<usize> = 14..16;
    pub const HEADER_LEN: usize = 16;
    // Version 2.
    pub const V2_PROTOCOL: Range<usize> = 0..2;
    pub const V2_RESERVED: Range<usize> = 2..4;
    pub const V2_INTERFACE_INDEX: Range<usize> = 4..8;
    pub const V2_ARPHRD_TYPE: Range<usize> = 8..10;
    pub const V2_PACKET_TYPE: usize = 10;
    pub const V2_ADDRESS_LEN: usize = 11;
    pub const V2_ADDRESS: Range<usize> = 12..20;
    pub const V2_HEADER_LEN: usize = 20;
    /// `ARPHRD_NETLINK`: the payload is a netlink message.
    pub const ARPHRD_NETLINK: u16 = 824;
    /// `ETH_P_802_2`: an 802.2 LLC frame follows.
    pub const ETH_P_802_2: u16 = 0x0004;
}

/// What follows a cooked header, given its ARPHRD type and protocol field.
fn sll_next(arphrd_type: u16, protocol: u16) -> Next {
    if arphrd_type == field::ARPHRD_NETLINK {
        return Next::NotTcp(NotTcp::LinuxCooked {
            arphrd_type,
            protocol,
        });
    }
    match protocol {
        field::ETH_P_802_2 => Next::Llc,
        p if p <= MAX_8023_LENGTH => Next::NotTcp(NotTcp::LinuxCooked {
            arphrd_type,
            protocol,
        }),
        p => Next::EtherType(EtherType(p)),
    }
}

/// A Linux cooked capture v1 header.
pub(crate) fn linux_sll(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ field::HEADER_LEN }>(bytes, 0)?;
    let next = sll_next(be16(h, field::ARPHRD_TYPE), be16(h, field::PROTOCOL));
    Ok(Step::new(field::HEADER_LEN, next))
}

/// A Linux cooked capture v2 header.
pub(crate) fn linux_sll2(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ field::V2_HEADER_LEN }>(bytes, 0)?;
    let next = sll_next(be16(h, field::V2_ARPHRD_TYPE), be16(h, field::V2_PROTOCOL));
    Ok(Step::new(field::V2_HEADER_LEN, next))
}
