//! The BSD null / loopback header (`LINKTYPE_NULL`) and OpenBSD's loop header
//! (`LINKTYPE_LOOP`): a 4-byte address family.

use super::bytes::{be32, header};
use super::error::Fault;
use super::outcome::NotTcp;
use super::step::{Next, Step};

/// BSD address families that mean IPv4 or IPv6 on a loopback / null link.
mod family {
    /// `AF_INET` everywhere.
    pub const INET: u32 = 2;
    /// `AF_INET6` on NetBSD, OpenBSD and BSD/OS.
    pub const INET6_BSD: u32 = 24;
    /// `AF_INET6` on FreeBSD and DragonFly.
    pub const INET6_FREEBSD: u32 = 28;
    /// `AF_INET6` on macOS / Darwin.
    pub const INET6_DARWIN: u32 = 30;
}

/// Header of `LINKTYPE_NULL` and `LINKTYPE_LOOP`.
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod field {
    pub const FAMILY: core::ops::Range<usize> = 0..4;
    pub const HEADER_LEN: usize = 4;
}

/// BSD null (`big_endian` false: the capturing host's byte order, guessed) or
/// OpenBSD loop (`big_endian` true) header.
pub(crate) fn null(bytes: &[u8], big_endian: bool) -> Result<Step, Fault> {
    let h = header::<{ field::HEADER_LEN }>(bytes, 0)?;
    let mut family = be32(h, field::FAMILY);
    // A family is a small number: if its high half is set, it was written little-endian.
    if !big_endian && family > 0xFFFF {
        family = family.swap_bytes();
    }
    let next = match family {
        family::INET => Next::Ipv4,
        family::INET6_BSD | family::INET6_FREEBSD | family::INET6_DARWIN => Next::Ipv6,
        other => Next::NotTcp(NotTcp::AddressFamily(other)),
    };
    Ok(Step::new(field::HEADER_LEN, next))
}
