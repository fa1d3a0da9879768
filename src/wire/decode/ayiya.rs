//! AYIYA (draft-massar-v6ops-ayiya): IPv6 or IPv4 over UDP port 5072.

use super::bytes::{byte, header, span};
use super::error::Fault;
use super::layer::Layer;
use super::numbers::IpNumber;
use super::outcome::NotTcp;
use super::step::{Next, Step};

/// AYIYA header (draft-massar-v6ops-ayiya §5).
#[allow(dead_code)] // the whole header is laid out, not every field is read
pub(crate) mod field {
    use core::ops::Range;
    pub const ID_LENGTH_TYPE: usize = 0;
    pub const SIGNATURE_LENGTH_HASH: usize = 1;
    pub const AUTHENTICATION_OPCODE: usize = 2;
    pub const OPCODE: usize = 2;
    pub const NEXT_HEADER: usize = 3;
    pub const EPOCH: Range<usize> = 4..8;
    pub const BASE_LEN: usize = 8;
    pub const OPCODE_FORWARD: u8 = 1;
    pub const SIGNATURE_UNIT: usize = 4;
}

/// An AYIYA header: identity of `2^idlen` bytes and a signature of `siglen`
/// 4-byte words follow the fixed part; forwarded packets carry IPv4 or IPv6.
pub(crate) fn ayiya(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ field::BASE_LEN }>(bytes, 0)?;
    let identity_len = 1usize << (byte(h, field::ID_LENGTH_TYPE) >> 4);
    let signature_len =
        usize::from(byte(h, field::SIGNATURE_LENGTH_HASH) >> 4) * field::SIGNATURE_UNIT;
    let len = field::BASE_LEN + identity_len + signature_len;
    span(bytes, 0, len)?;
    let opcode = byte(h, field::AUTHENTICATION_OPCODE) & 0x0F;
    let next = match (opcode, IpNumber(byte(h, field::NEXT_HEADER))) {
        (field::OPCODE_FORWARD, IpNumber::IPV6) => Next::Ipv6,
        (field::OPCODE_FORWARD, IpNumber::IPV4) => Next::Ipv4,
        (field::OPCODE_FORWARD, other) => Next::NotTcp(NotTcp::IpProtocol(other)),
        (_, _) => Next::NotTcp(NotTcp::TunnelControl {
            layer: Layer::Ayiya,
            message_type: opcode,
        }),
    };
    Ok(Step::new(len, next))
}
