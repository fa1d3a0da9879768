//! Teredo (RFC 4380 §5.1.1): IPv6 over UDP port 3544, after optional
//! authentication and origin indication headers.

use super::error::Fault;
use super::step::{Next, Step};

/// Teredo (RFC 4380 §5.1.1): optional authentication and origin indication
/// headers before an IPv6 packet.
mod field {
    use core::ops::Range;
    pub const INDICATOR: Range<usize> = 0..2;
    pub const INDICATOR_AUTHENTICATION: u16 = 0x0001;
    pub const INDICATOR_ORIGIN: u16 = 0x0000;
    pub const AUTH_ID_LEN: usize = 2;
    pub const AUTH_AU_LEN: usize = 3;
    /// Indicator, two lengths, nonce (8) and confirmation (1), without id and value.
    pub const AUTH_FIXED_LEN: usize = 13;
    pub const ORIGIN_LEN: usize = 8;
}

/// Where the IPv6 packet starts in a Teredo payload, if there is one.
pub(crate) fn teredo_ipv6_at(payload: &[u8]) -> Option<usize> {
    let mut at = 0;
    for _ in 0..2 {
        let rest = payload.get(at..)?;
        match rest
            .get(field::INDICATOR)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
        {
            Some(field::INDICATOR_AUTHENTICATION) => {
                let id = usize::from(*rest.get(field::AUTH_ID_LEN)?);
                let au = usize::from(*rest.get(field::AUTH_AU_LEN)?);
                at += field::AUTH_FIXED_LEN + id + au;
            }
            Some(field::INDICATOR_ORIGIN) => at += field::ORIGIN_LEN,
            _ => break,
        }
    }
    (payload.get(at)? >> 4 == 6).then_some(at)
}

/// Teredo's optional headers; an IPv6 packet follows.
pub(crate) fn teredo(bytes: &[u8]) -> Result<Step, Fault> {
    match teredo_ipv6_at(bytes) {
        Some(len) => Ok(Step::new(len, Next::Ipv6)),
        None => Err(Fault::Unsupported {
            offset: 0,
            value: 0,
        }),
    }
}
