//! ICMP (RFC 792) and ICMPv6 (RFC 4443 §2.1): an error message that quotes the
//! start of a TCP segment names the connection it is about.

use core::net::SocketAddr;

use super::bytes::{be16, be32, byte, header};
use super::error::Fault;
use super::ipv4::parse_ipv4;
use super::ipv6::parse_ipv6;
use super::numbers::IpNumber;
use super::outcome::{Decoded, IcmpMessage, IcmpQuotedTcp, NotTcp};
use super::step::IpContext;
use crate::seq::SeqNum;

/// ICMP / ICMPv6 header (RFC 792, RFC 4443 §2.1).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod field {
    use core::ops::Range;
    pub const TYPE: usize = 0;
    pub const CODE: usize = 1;
    pub const CHECKSUM: Range<usize> = 2..4;
    pub const REST: Range<usize> = 4..8;
    pub const HEADER_LEN: usize = 8;
    /// Ports and sequence number: what every ICMP error quotes of TCP (RFC 792).
    pub const QUOTED_TCP_LEN: usize = 8;
    pub const QUOTED_SOURCE_PORT: Range<usize> = 0..2;
    pub const QUOTED_DESTINATION_PORT: Range<usize> = 2..4;
    pub const QUOTED_SEQUENCE_NUMBER: Range<usize> = 4..8;
}

/// An ICMP or ICMPv6 message: an error quoting the start of a TCP segment is
/// [`Decoded::IcmpQuotedTcp`], anything else is not TCP.
pub(crate) fn icmp(bytes: &[u8], context: IpContext) -> Result<Decoded<'_>, Fault> {
    let v6 = matches!(context, IpContext::V6 { .. });
    let h = header::<{ field::HEADER_LEN }>(bytes, 0)?;
    let (icmp_type, code) = (byte(h, field::TYPE), byte(h, field::CODE));
    let message = if v6 {
        IcmpMessage::V6 { icmp_type, code }
    } else {
        IcmpMessage::V4 { icmp_type, code }
    };
    let other = Decoded::NotTcp(NotTcp::Icmp(message));
    if !message.is_error() {
        return Ok(other);
    }
    let quote_at = field::HEADER_LEN;
    let quote = bytes.get(quote_at..).unwrap_or(&[]);
    let quoted = if v6 {
        parse_ipv6(quote, true)
    } else {
        parse_ipv4(quote, true)
    };
    let Ok(quoted) = quoted else { return Ok(other) };
    let first_fragment = quoted.fragment.is_none_or(|f| f.offset == 0);
    let tcp_at = quote_at + quoted.len;
    let (true, IpNumber::TCP, Some(tcp)) = (
        first_fragment,
        quoted.fragment.map_or(quoted.protocol, |f| f.protocol),
        bytes
            .get(tcp_at..)
            .and_then(|b| b.first_chunk::<{ field::QUOTED_TCP_LEN }>()),
    ) else {
        return Ok(other);
    };
    Ok(Decoded::IcmpQuotedTcp(IcmpQuotedTcp {
        message,
        reporter: context.source(),
        source: SocketAddr::new(
            quoted.context.source(),
            be16(tcp, field::QUOTED_SOURCE_PORT),
        ),
        destination: SocketAddr::new(
            quoted.context.destination(),
            be16(tcp, field::QUOTED_DESTINATION_PORT),
        ),
        sequence_number: SeqNum(be32(tcp, field::QUOTED_SEQUENCE_NUMBER)),
        quoted_tcp: bytes.get(tcp_at..).unwrap_or(&[]),
    }))
}
