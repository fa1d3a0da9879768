//! The wire layer: bytes to headers, headers to bytes.
//!
//! Everything here is `no_std`, allocation-free and zero-copy:
//!
//! * [`tcp`] — [`TcpHeaderSlice`], a checked view of a TCP header, and [`TcpSlice`]
//!   (header + payload);
//! * [`options`] — [`TcpOptionsIter`], a lazy iterator of typed [`TcpOption`]s;
//! * [`build`] — [`TcpHeader`], an owned header that writes itself (options
//!   included) into a caller's `&mut [u8]`;
//! * [`checksum`] — the Internet checksum over IPv4/IPv6 pseudo-headers, with
//!   RFC 1624 incremental update;
//! * [`link`], [`ip`] and [`packet`] — link layers, tunnels and IP headers walked
//!   just far enough to find the innermost TCP segment: [`decode`].
//!
//! A view is checked once, by its `from_slice` constructor; after that no
//! accessor can panic or read out of bounds.

pub mod build;
pub mod checksum;
pub mod ip;
mod ip_build;
pub mod link;
pub mod options;
pub mod packet;
mod summary;
pub mod tcp;

pub use build::{BuildError, TcpHeader, TcpOptionsBuf};
pub use checksum::PseudoHeader;
pub use ip::{Fragment, IcmpMessage, IpNumber};
pub use ip_build::{IPV4_HEADER_LEN, IPV6_HEADER_LEN, IpTcpBuilder};
pub use link::{EtherType, LinkType};
pub use options::{SackBlocks, SackBlocksIter, TcpOption, TcpOptionError, TcpOptionsIter};
pub use packet::{
    ChecksumStatus, DecodeAll, Decoded, Encapsulation, HeaderError, IcmpQuotedTcp, Layer,
    MAX_LAYERS, Malformed, NotDecoded, NotTcp, TcpPacket, Truncated, UnverifiedReason, decode,
    decode_all,
};
pub use tcp::{TcpHeaderError, TcpHeaderSlice, TcpSlice};
