//! EtherIP (RFC 3378): Ethernet frames in IP.

use super::bytes::{byte, header};
use super::error::{Fault, TunnelError};
use super::step::{Next, Step};

/// EtherIP header (RFC 3378 §3): version 3 in the high nibble, then reserved bits.
mod field {
    pub const LEN: usize = 2;
    pub const VERSION: u8 = 3;
}

/// An EtherIP header; an Ethernet frame follows.
pub(crate) fn etherip(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ field::LEN }>(bytes, 0)?;
    let version = byte(h, 0) >> 4;
    if version != field::VERSION {
        return Err(TunnelError::EtherIpVersion { version }.at(0));
    }
    Ok(Step::new(field::LEN, Next::Ethernet))
}
