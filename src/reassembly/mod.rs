//! Reassembly: IP fragments back into datagrams ([`Defragmenter`]) and each TCP
//! direction back into the byte stream its sender wrote ([`StreamReassembler`], [`Reassembler`]),
//! for protocol analyzers and Follow TCP Stream.
//!
//! * [`StreamReassembler`] — one direction: in-order data handed out without
//!   a copy, out-of-order data held, holes the capture missed reported as
//!   [`StreamEvent::Gap`]s with their offset and length (never spliced), overlaps
//!   resolved by an [`OverlapPolicy`], SYN/FIN/RST boundaries, 64-bit stream
//!   offsets that survive the 32-bit sequence wrap.
//! * [`Reassembler`] — both directions of many connections, keyed by the
//!   caller's connection id, with one memory cap over all ([`Event`]).
//! * [`Defragmenter`] — IPv4 (RFC 791/815) and IPv6 (RFC 8200) fragment
//!   reassembly with a capture-time timeout, Linux's overlap rule (RFC 5722) and
//!   a memory cap; [`DefragEvent`] reports completions and drops.
//!
//! Nothing here reads the wall clock: times are capture times. Every cap is
//! enforced when data arrives, and whatever is not kept is reported by an
//! event ([`StreamEvent::Dropped`], [`DefragEvent::Dropped`]).
//!
//! The input of the stream layer is deliberately small — direction, sequence
//! number, control bits, acknowledgment number, payload — so that it can be
//! fed by a tracker's answer, by [`wire::decode`](crate::wire::decode)'s
//! packets directly, or by hand.

mod conn;
mod defrag;
mod stream;

pub use conn::{CloseReason, Event, Reassembler, ReassemblyConfig};
pub use defrag::{
    DATAGRAM_OVERHEAD, DefragConfig, DefragEvent, DefragKey, DefragStats, Defragmenter, DropReason,
    IgnoreReason, decode_datagram,
};
pub use stream::{
    Budget, CHUNK_OVERHEAD, OverlapPolicy, StreamConfig, StreamEvent, StreamReassembler,
    StreamSegment, StreamStats,
};
