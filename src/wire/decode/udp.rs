//! UDP (RFC 768) and the well-known ports of the tunnels UDP carries: VXLAN
//! (4789), Geneve (6081), GTP-U (2152), AYIYA (5072), GRE-in-UDP (4754),
//! MPLS-in-UDP (6635), Teredo (3544). A tunnel is recognised by its port *and*
//! a plausible header; otherwise the datagram is reported as plain UDP.
//!
//! ```
//! use synack::wire::{decode, Decoded, LinkType, NotTcp};
//!
//! // A raw IPv4 datagram carrying UDP from port 53 to port 4242, no payload.
//! let datagram = [
//!     0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
//!     0, 53, 0x10, 0x92, 0, 8, 0, 0,
//! ];
//! assert!(matches!(
//!     decode(LinkType::IPV4, &datagram),
//!     Decoded::NotTcp(NotTcp::Udp { source_port: 53, destination_port: 4242 })
//! ));
//! ```

use super::ayiya::field as ayiya;
use super::bytes::{be16, header};
use super::error::{Fault, IpError};
use super::geneve::field as geneve;
use super::gre::field as gre;
use super::gtp::field as gtp;
use super::outcome::NotTcp;
use super::step::{Next, Step};
use super::teredo::teredo_ipv6_at;
use super::vxlan::field as vxlan;

/// UDP header (RFC 768) and the well-known ports of UDP tunnels.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod field {
    use core::ops::Range;
    pub const SOURCE_PORT: Range<usize> = 0..2;
    pub const DESTINATION_PORT: Range<usize> = 2..4;
    pub const LENGTH: Range<usize> = 4..6;
    pub const CHECKSUM: Range<usize> = 6..8;
    pub const HEADER_LEN: usize = 8;
    pub const PORT_GTP_U: u16 = 2152;
    pub const PORT_TEREDO: u16 = 3544;
    pub const PORT_GRE_IN_UDP: u16 = 4754;
    pub const PORT_VXLAN: u16 = 4789;
    pub const PORT_AYIYA: u16 = 5072;
    pub const PORT_GENEVE: u16 = 6081;
    pub const PORT_MPLS_IN_UDP: u16 = 6635;
}

/// Which tunnel a UDP port names, if its header looks right in `payload`
/// (a header too short to judge is given the benefit of the doubt, so that
/// the tunnel's own step reports the truncation).
fn udp_tunnel(port: u16, payload: &[u8]) -> Option<Next> {
    let first = payload.first().copied();
    let plausible = |ok: bool| ok || payload.is_empty();
    match port {
        field::PORT_VXLAN if plausible(first.is_some_and(|f| f & vxlan::FLAG_VNI != 0)) => {
            Some(Next::Vxlan)
        }
        field::PORT_GENEVE if plausible(first.is_some_and(|f| f >> geneve::VERSION_SHIFT == 0)) => {
            Some(Next::Geneve)
        }
        field::PORT_GTP_U
            if plausible(first.is_some_and(|f| {
                f >> gtp::VERSION_SHIFT == 1 && f & gtp::FLAG_PROTOCOL_TYPE != 0
            })) =>
        {
            Some(Next::GtpU)
        }
        field::PORT_AYIYA
            if plausible(
                payload
                    .get(ayiya::OPCODE)
                    .is_some_and(|o| o & 0x0F == ayiya::OPCODE_FORWARD),
            ) =>
        {
            Some(Next::Ayiya)
        }
        field::PORT_GRE_IN_UDP
            if plausible(
                payload
                    .get(gre::FLAGS_VERSION.end - 1)
                    .is_some_and(|v| v & gre::VERSION_MASK <= 1),
            ) =>
        {
            Some(Next::Gre)
        }
        field::PORT_MPLS_IN_UDP => Some(Next::Mpls),
        field::PORT_TEREDO if teredo_ipv6_at(payload).is_some() => Some(Next::Teredo),
        _ => None,
    }
}

/// A UDP header; its length bounds the datagram. Tunnels on well-known ports
/// go on, anything else is reported as UDP with its ports.
pub(crate) fn udp(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ field::HEADER_LEN }>(bytes, 0)?;
    let length = be16(h, field::LENGTH);
    if length != 0 && usize::from(length) < field::HEADER_LEN {
        return Err(IpError::UdpLengthTooSmall { length }.at(field::LENGTH.start));
    }
    let end = (length != 0).then_some(usize::from(length));
    let source_port = be16(h, field::SOURCE_PORT);
    let destination_port = be16(h, field::DESTINATION_PORT);
    let payload_end = end.unwrap_or(bytes.len()).min(bytes.len());
    let payload = bytes.get(field::HEADER_LEN..payload_end).unwrap_or(&[]);
    let next = udp_tunnel(destination_port, payload)
        .or_else(|| udp_tunnel(source_port, payload))
        .unwrap_or(Next::NotTcp(NotTcp::Udp {
            source_port,
            destination_port,
        }));
    Ok(Step {
        len: field::HEADER_LEN,
        next,
        end,
    })
}
