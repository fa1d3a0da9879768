//! IPv4 (RFC 791 §3.1): header length, total length (which bounds the payload
//! and so drops Ethernet padding; 0 is taken as "segmentation offload, use what
//! was captured", as Wireshark does) and fragments.

use core::net::Ipv4Addr;

use super::bytes::{be16, be32, byte, header, span};
use super::error::{Fault, Fragment, IpError};
use super::ip::{IpHeader, ip_step};
use super::numbers::IpNumber;
use super::step::{IpContext, Step};

/// IPv4 header (RFC 791 §3.1).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod field {
    use core::ops::Range;
    pub const VERSION_IHL: usize = 0;
    pub const DSCP_ECN: usize = 1;
    pub const TOTAL_LENGTH: Range<usize> = 2..4;
    pub const IDENTIFICATION: Range<usize> = 4..6;
    pub const FLAGS_FRAGMENT_OFFSET: Range<usize> = 6..8;
    pub const TTL: usize = 8;
    pub const PROTOCOL: usize = 9;
    pub const HEADER_CHECKSUM: Range<usize> = 10..12;
    pub const SOURCE: Range<usize> = 12..16;
    pub const DESTINATION: Range<usize> = 16..20;
    pub const MIN_HEADER_LEN: usize = 20;
    pub const MIN_IHL: u8 = 5;
    pub const IHL_MASK: u8 = 0x0F;
    pub const FLAG_MORE_FRAGMENTS: u16 = 0x2000;
    pub const FRAGMENT_OFFSET_MASK: u16 = 0x1FFF;
    /// Fragment offsets count 8-byte units.
    pub const FRAGMENT_UNIT: u16 = 8;
}

/// Reads an IPv4 header. With `quoted` (inside an ICMP error) the total
/// length is not checked: the quote is shorter than the datagram was.
#[inline]
pub(crate) fn parse_ipv4(bytes: &[u8], quoted: bool) -> Result<IpHeader, Fault> {
    let h = header::<{ field::MIN_HEADER_LEN }>(bytes, 0)?;
    let found = byte(h, field::VERSION_IHL) >> 4;
    if found != 4 {
        return Err(IpError::VersionMismatch { expected: 4, found }.at(0));
    }
    let ihl = byte(h, field::VERSION_IHL) & field::IHL_MASK;
    if ihl < field::MIN_IHL {
        return Err(IpError::Ipv4HeaderLengthTooSmall { ihl }.at(0));
    }
    let header_len = usize::from(ihl) * 4;
    span(bytes, 0, header_len)?;
    let total_length = be16(h, field::TOTAL_LENGTH);
    let end = if total_length == 0 {
        // Captured before segmentation offload filled the length in.
        bytes.len()
    } else if usize::from(total_length) < header_len && !quoted {
        return Err(IpError::Ipv4TotalLengthTooSmall {
            total_length,
            header_len,
        }
        .at(field::TOTAL_LENGTH.start));
    } else {
        usize::from(total_length)
    };
    let source = Ipv4Addr::from(be32(h, field::SOURCE));
    let destination = Ipv4Addr::from(be32(h, field::DESTINATION));
    let protocol = IpNumber(byte(h, field::PROTOCOL));
    let flags_offset = be16(h, field::FLAGS_FRAGMENT_OFFSET);
    let more_fragments = flags_offset & field::FLAG_MORE_FRAGMENTS != 0;
    let offset = (flags_offset & field::FRAGMENT_OFFSET_MASK) * field::FRAGMENT_UNIT;
    let fragment = (more_fragments || offset != 0).then_some(Fragment {
        source: source.into(),
        destination: destination.into(),
        identification: u32::from(be16(h, field::IDENTIFICATION)),
        offset,
        more_fragments,
        protocol,
        // Relative to this header until `Fault::in_frame` makes it absolute.
        payload_offset: header_len,
        payload_len: end.min(bytes.len()).saturating_sub(header_len),
    });
    Ok(IpHeader {
        context: IpContext::V4 {
            source,
            destination,
        },
        protocol,
        len: header_len,
        end,
        fragment,
    })
}

/// An IPv4 header; its total length bounds what follows.
pub(crate) fn ipv4(bytes: &[u8], context: &mut IpContext) -> Result<Step, Fault> {
    ip_step(parse_ipv4(bytes, false)?, context)
}
