//! What IPv4 and IPv6 share: the header as the walker needs it, the version
//! nibble, and the step to the protocol the header names.

use super::bytes::{byte, header};
use super::error::{Fault, Fragment, IpError};
use super::numbers::IpNumber;
use super::step::{IpContext, Next, Step};

/// An IP header (with IPv6 extension headers) as the walker needs it.
pub(crate) struct IpHeader {
    pub context: IpContext,
    /// The protocol after the header (and after the extension headers).
    pub protocol: IpNumber,
    /// Header length including options and extension headers.
    pub len: usize,
    /// End of the datagram per its length fields, counted from the first
    /// byte of the header.
    pub end: usize,
    /// Set when the datagram is a fragment that is not atomic.
    pub fragment: Option<Fragment>,
}

/// The layer an IP version nibble announces (raw IP links, NFLOG, MPLS, tunnels).
pub(crate) fn by_version(bytes: &[u8]) -> Result<Next, Fault> {
    match byte(header::<1>(bytes, 0)?, 0) >> 4 {
        4 => Ok(Next::Ipv4),
        6 => Ok(Next::Ipv6),
        v => Err(IpError::UnknownVersion { version: v }.at(0)),
    }
}

/// The step past an IP header, its addresses written to `context` (the
/// walk's own, so that they are stored once, where they are read): a fragment
/// stops the walk, anything else goes on to the protocol it names, bounded by
/// the datagram's length.
#[inline]
pub(crate) fn ip_step(header: IpHeader, context: &mut IpContext) -> Result<Step, Fault> {
    if let Some(fragment) = header.fragment {
        return Err(Fault::Fragment(fragment));
    }
    *context = header.context;
    Ok(Step {
        len: header.len,
        next: Next::IpProtocol(header.protocol),
        end: Some(header.end),
    })
}
