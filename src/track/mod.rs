//! Connection tracking and Wireshark's TCP analysis (feature `alloc`).
//!
//! A [`Tracker`] is fed one decoded segment at a time ([`crate::wire::DecodedSegment`])
//! with its capture time and answers at once, in one pass, with what a user needs
//! about that segment ([`TrackedSegment`]): the connection and its
//! Wireshark-compatible `tcp.stream` index, the direction, relative
//! seq/ack/nxtseq, the window after scaling, both sides' RFC 9293 states as the
//! [`crate::state::Observer`] infers them, and the analysis tshark 4.0.17 gives
//! the segment ([`Analysis`]: retransmissions, duplicate ACKs, lost segments,
//! windows, RTT, bytes in flight). Connections leaving the table — closed,
//! expired, evicted, replaced by port reuse, or at the end — come out as
//! [`TrackEvent`]s carrying a [`ConnectionSummary`].
//!
//! [`SeqUnwrapper`] and [`RangeSet`] are the sequence-space tools the layer is
//! built with (the analysis unwraps each direction's sequence numbers to 64-bit
//! offsets; Zeek's content-gap model keeps its out-of-order blocks in a
//! `RangeSet`), public for analyzers of their own.

mod analysis;
mod ranges;
mod summary;
mod tracker;
mod unwrap;
pub mod zeek;

#[cfg(all(test, feature = "std"))]
mod tests;

pub use analysis::{Analysis, AnalysisFlags, DuplicateAck, Tags};
pub use ranges::RangeSet;
pub use summary::{ConnectionSummary, StateSet, TrackEvent};
pub use tracker::{ConnId, Connection, FxHasher, TrackedSegment, Tracker, TrackerConfig};
pub use unwrap::SeqUnwrapper;
