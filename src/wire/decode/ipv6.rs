//! IPv6 (RFC 8200) and its extension header chain: hop-by-hop (with the jumbo
//! payload option, RFC 2675), routing (the final destination of a type 0, 2 or
//! segment routing header is what the TCP pseudo-header uses, RFC 8200 §8.1),
//! fragment (an atomic fragment, offset 0 and M = 0, RFC 6946, is decoded),
//! destination options, mobility, HIP, shim6 and the authentication header.

use core::net::Ipv6Addr;

use super::bytes::{be16, be32, byte, field, header, span};
use super::error::{Fault, Fragment, IpError};
use super::ip::{IpHeader, ip_step};
use super::numbers::IpNumber;
use super::step::{IpContext, Step};

/// IPv6 header (RFC 8200 §3) and extension headers (§4).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod field {
    use core::ops::Range;
    pub const VERSION_CLASS_FLOW: Range<usize> = 0..4;
    pub const PAYLOAD_LENGTH: Range<usize> = 4..6;
    pub const NEXT_HEADER: usize = 6;
    pub const HOP_LIMIT: usize = 7;
    pub const SOURCE: Range<usize> = 8..24;
    pub const DESTINATION: Range<usize> = 24..40;
    pub const HEADER_LEN: usize = 40;
    // Every extension header starts with these two bytes.
    pub const EXT_NEXT_HEADER: usize = 0;
    pub const EXT_LENGTH: usize = 1;
    pub const EXT_MIN_LEN: usize = 8;
    /// Generic extension headers count 8-byte units beyond the first 8 bytes.
    pub const EXT_UNIT: usize = 8;
    /// The authentication header counts 4-byte units beyond the first 8 bytes.
    pub const AH_UNIT: usize = 4;
    // Routing header.
    pub const ROUTING_TYPE: usize = 2;
    pub const ROUTING_SEGMENTS_LEFT: usize = 3;
    pub const ROUTING_ADDRESSES: usize = 8;
    pub const ROUTING_TYPE_SOURCE_ROUTE: u8 = 0;
    pub const ROUTING_TYPE_2: u8 = 2;
    pub const ROUTING_TYPE_SEGMENT: u8 = 4;
    pub const ADDRESS_LEN: usize = 16;
    // Fragment header.
    pub const FRAGMENT_OFFSET_FLAGS: Range<usize> = 2..4;
    pub const FRAGMENT_IDENTIFICATION: Range<usize> = 4..8;
    pub const FRAGMENT_MORE: u16 = 0x0001;
    pub const FRAGMENT_OFFSET_SHIFT: u16 = 3;
    // Hop-by-hop options.
    pub const OPTIONS_START: usize = 2;
    pub const OPTION_PAD1: u8 = 0;
    pub const OPTION_JUMBO_PAYLOAD: u8 = 0xC2;
    pub const JUMBO_PAYLOAD_LEN: usize = 4;
}

fn ipv6_address(bytes: &[u8]) -> Ipv6Addr {
    let mut a = [0u8; 16];
    if let Some(b) = bytes.first_chunk::<16>() {
        a = *b;
    }
    Ipv6Addr::from(a)
}

/// The jumbo payload length in a hop-by-hop header (RFC 2675), if any.
fn jumbo_payload_len(options: &[u8]) -> Option<u32> {
    let mut i = field::OPTIONS_START;
    while let Some(&kind) = options.get(i) {
        if kind == field::OPTION_PAD1 {
            i += 1;
            continue;
        }
        let len = usize::from(*options.get(i + 1)?);
        let data = options.get(i + 2..i + 2 + len)?;
        if kind == field::OPTION_JUMBO_PAYLOAD && len == field::JUMBO_PAYLOAD_LEN {
            return data.first_chunk::<4>().map(|b| u32::from_be_bytes(*b));
        }
        i += 2 + len;
    }
    None
}

/// The final destination a routing header names when segments are left:
/// `Ok(None)` when none are left (the header's destination is final),
/// `Err(())` when the routing type is not one whose layout is known.
fn routing_final_destination(header: &[u8]) -> Result<Option<Ipv6Addr>, ()> {
    let (Some(&routing_type), Some(&segments_left)) = (
        header.get(field::ROUTING_TYPE),
        header.get(field::ROUTING_SEGMENTS_LEFT),
    ) else {
        return Err(());
    };
    if segments_left == 0 {
        return Ok(None);
    }
    let addresses = header.get(field::ROUTING_ADDRESSES..).unwrap_or(&[]);
    let count = addresses.len() / field::ADDRESS_LEN;
    let index = match routing_type {
        // Type 0: the last address of the list is the final destination.
        field::ROUTING_TYPE_SOURCE_ROUTE => count.checked_sub(1).ok_or(())?,
        // Type 2 (mobile home address) and segment routing (list in reverse order).
        field::ROUTING_TYPE_2 | field::ROUTING_TYPE_SEGMENT if count > 0 => 0,
        _ => return Err(()),
    };
    let start = index * field::ADDRESS_LEN;
    Ok(Some(ipv6_address(
        addresses.get(start..start + field::ADDRESS_LEN).ok_or(())?,
    )))
}

/// Reads an IPv6 header and walks its extension headers up to the upper-layer
/// protocol (or ESP, or a fragment that is not atomic).
#[inline]
pub(crate) fn parse_ipv6(bytes: &[u8], quoted: bool) -> Result<IpHeader, Fault> {
    let h = header::<{ field::HEADER_LEN }>(bytes, 0)?;
    let found = byte(h, 0) >> 4;
    if found != 6 {
        return Err(IpError::VersionMismatch { expected: 6, found }.at(0));
    }
    let source = ipv6_address(field(h, field::SOURCE));
    let destination = ipv6_address(field(h, field::DESTINATION));
    let payload_length = be16(h, field::PAYLOAD_LENGTH);
    let mut end = field::HEADER_LEN + usize::from(payload_length);
    let mut final_destination = Some(destination);
    let mut protocol = IpNumber(byte(h, field::NEXT_HEADER));
    let mut len = field::HEADER_LEN;
    let mut fragment = None;
    let mut jumbo = None;
    // Extension headers lie within the payload; a quote only has what it has.
    // (A payload length of 0 — jumbogram or offload — bounds nothing yet.)
    let within = if quoted || payload_length == 0 {
        bytes
    } else {
        bytes.get(..end).unwrap_or(bytes)
    };
    loop {
        let ext_at = len;
        let ext_len = match protocol {
            IpNumber::HOP_BY_HOP
            | IpNumber::IPV6_ROUTING
            | IpNumber::IPV6_DESTINATION_OPTIONS
            | IpNumber::MOBILITY
            | IpNumber::HIP
            | IpNumber::SHIM6 => {
                let e = header::<{ field::EXT_MIN_LEN }>(within, ext_at)?;
                field::EXT_MIN_LEN + usize::from(byte(e, field::EXT_LENGTH)) * field::EXT_UNIT
            }
            IpNumber::AH => {
                let e = header::<{ field::EXT_MIN_LEN }>(within, ext_at)?;
                (usize::from(byte(e, field::EXT_LENGTH)) + 2) * field::AH_UNIT
            }
            IpNumber::IPV6_FRAGMENT => field::EXT_MIN_LEN,
            _ => break,
        };
        let ext = span(within, ext_at, ext_len)?;
        let next = IpNumber(byte(ext, field::EXT_NEXT_HEADER));
        match protocol {
            IpNumber::HOP_BY_HOP if len == field::HEADER_LEN => {
                jumbo = jumbo_payload_len(ext);
            }
            IpNumber::IPV6_ROUTING => match routing_final_destination(ext) {
                Ok(Some(address)) => final_destination = Some(address),
                Ok(None) => {}
                Err(()) => final_destination = None,
            },
            IpNumber::IPV6_FRAGMENT => {
                let offset_flags = be16(ext, field::FRAGMENT_OFFSET_FLAGS);
                let more_fragments = offset_flags & field::FRAGMENT_MORE != 0;
                let offset = (offset_flags >> field::FRAGMENT_OFFSET_SHIFT) * 8;
                if more_fragments || offset != 0 {
                    fragment = Some(Fragment {
                        source: source.into(),
                        destination: destination.into(),
                        identification: be32(ext, field::FRAGMENT_IDENTIFICATION),
                        offset,
                        more_fragments,
                        protocol: next,
                        // Relative to the IPv6 header until `Fault::in_frame`
                        // makes it absolute; the length is set below, once
                        // the datagram's end is known.
                        payload_offset: ext_at + ext_len,
                        payload_len: 0,
                    });
                }
            }
            _ => {}
        }
        len += ext_len;
        protocol = next;
        if fragment.is_some() {
            break;
        }
    }
    if payload_length == 0 {
        end = match jumbo {
            Some(j) => field::HEADER_LEN.saturating_add(j as usize),
            // No length at all: segmentation offload; or nothing follows.
            None if protocol == IpNumber::IPV6_NO_NEXT_HEADER => len,
            None => bytes.len(),
        };
    }
    if let Some(f) = fragment.as_mut() {
        f.payload_len = end.min(bytes.len()).saturating_sub(f.payload_offset);
    }
    Ok(IpHeader {
        context: IpContext::V6 {
            source,
            destination,
            final_destination,
        },
        protocol,
        len,
        end,
        fragment,
    })
}

/// An IPv6 header and its extension headers; the payload length bounds what follows.
pub(crate) fn ipv6(bytes: &[u8], context: &mut IpContext) -> Result<Step, Fault> {
    ip_step(parse_ipv6(bytes, false)?, context)
}
