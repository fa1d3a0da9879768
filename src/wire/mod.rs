//! The wire layer: bytes to headers, headers to bytes.
//!
//! Everything here is `no_std`, allocation-free and zero-copy:
//!
//! * [`TcpHeaderSlice`], a checked view of a TCP header, and [`TcpSlice`]
//!   (header + payload);
//! * [`TcpOptionsIter`], a lazy iterator of typed [`TcpOption`]s;
//! * [`TcpHeader`], an owned header that writes itself (options included) into a
//!   caller's `&mut [u8]`;
//! * [`PseudoHeader`] and [`internet_checksum`] — the Internet checksum over
//!   IPv4/IPv6 pseudo-headers, with RFC 1624 incremental update
//!   ([`update_checksum`]);
//! * [`decode`] — link layers, tunnels and IP headers walked just far enough to
//!   find the innermost TCP segment, a [`DecodedSegment`]. Decoding does not sum
//!   the segment: [`DecodedSegment::verify_checksum`] checks the checksum when
//!   the caller wants it (tshark does not check by default either).
//!
//! Every item has one path, `synack::wire::Name`: the files of this module are
//! private and re-exported here.
//!
//! A view is checked once, by its `from_slice` constructor; after that no
//! accessor can panic or read out of bounds.

mod build;
mod checksum;
mod decode;
mod ip_build;
mod options;
mod summary;
mod tcp;

pub use build::{BuildError, MAX_OPTIONS_LEN, TcpHeader, TcpOptionsBuf};
pub use checksum::{
    PseudoHeader, internet_checksum, sum_bytes as ones_complement_sum, update as update_checksum,
};
pub use decode::{
    ChecksumStatus, CutTcp, DecodeAll, DecodeError, Decoded, DecodedSegment, Encapsulation,
    EtherType, Fragment, IcmpMessage, IcmpQuotedTcp, IpError, IpNumber, Layer, LayerError,
    LinkError, LinkType, MAX_LAYERS, Malformed, NotTcp, Truncated, TunnelError, UnverifiedReason,
    decode, decode_all,
};
pub use ip_build::{IPV4_HEADER_LEN, IPV6_HEADER_LEN, IpTcpBuilder};
pub use options::{
    FAST_OPEN_EXPERIMENT_MAGIC, MAX_SACK_BLOCKS, SackBlocks, SackBlocksIter, TcpOption,
    TcpOptionError, TcpOptionsIter, kind as option_kind,
};
pub use tcp::{TCP_MAX_HEADER_LEN, TCP_MIN_HEADER_LEN, TcpHeaderError, TcpHeaderSlice, TcpSlice};
