//! [`ConnectionSummary`] and [`TrackEvent`]: what the tracker reports when a
//! connection leaves its table.

use core::net::SocketAddr;
use core::time::Duration;

use super::zeek::ZeekSummary;
use crate::state::State;

/// The states one side passed through, as a set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct StateSet(u16);

impl StateSet {
    /// Every state, in RFC order.
    const ALL: [State; 11] = [
        State::Closed,
        State::Listen,
        State::SynSent,
        State::SynReceived,
        State::Established,
        State::FinWait1,
        State::FinWait2,
        State::CloseWait,
        State::Closing,
        State::LastAck,
        State::TimeWait,
    ];

    fn bit(state: State) -> u16 {
        // `State`'s variants are declared in RFC order, like `ALL`.
        1 << (state as u16)
    }

    /// The set of a bit mask (bit `n` = the `n`-th state in RFC order).
    pub(crate) const fn from_bits(bits: u16) -> Self {
        StateSet(bits)
    }

    /// The bit mask.
    pub(crate) const fn bits(self) -> u16 {
        self.0
    }

    /// Adds a state.
    pub fn insert(&mut self, state: State) {
        self.0 |= Self::bit(state);
    }

    /// Whether `state` was passed.
    pub fn contains(self, state: State) -> bool {
        self.0 & Self::bit(state) != 0
    }

    /// The states passed, in RFC order.
    pub fn iter(self) -> impl Iterator<Item = State> {
        Self::ALL.into_iter().filter(move |&s| self.contains(s))
    }
}

/// Everything the tracker knows about a connection when it is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionSummary {
    /// Wireshark's `tcp.stream` index.
    pub stream: u64,
    /// The client: sender of the first SYN (see [`super::Tracker`] for the rule).
    pub client: SocketAddr,
    /// The server.
    pub server: SocketAddr,
    /// Capture time of the first segment (since the Unix epoch).
    pub start: Duration,
    /// Capture time of the last segment.
    pub last: Duration,
    /// Segments sent by the client and by the server.
    pub packets: [u64; 2],
    /// TCP payload bytes sent by the client and by the server (retransmissions
    /// included).
    pub payload_bytes: [u64; 2],
    /// IP bytes (IP header + TCP header + payload) each way.
    pub ip_bytes: [u64; 2],
    /// The states each side passed (client, server), as the observer inferred them.
    pub states: [StateSet; 2],
    /// Each side's state at the end.
    pub final_states: [State; 2],
    /// Zeek's `conn_state` and `history`, when the tracker keeps them
    /// ([`TrackerConfig::zeek`](super::TrackerConfig::zeek)).
    pub zeek: Option<ZeekSummary>,
}

impl ConnectionSummary {
    /// `last − start`.
    pub fn duration(&self) -> Duration {
        self.last.saturating_sub(self.start)
    }
}

/// A connection left the tracker's table, with its summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrackEvent {
    /// Both sides had closed (CLOSED or TIME_WAIT) and 2·MSL of capture time
    /// passed without a segment.
    Closed(ConnectionSummary),
    /// No segment for [`super::TrackerConfig::idle_timeout`] of capture time.
    Expired(ConnectionSummary),
    /// The table was full: the least recently active connection made room.
    Evicted(ConnectionSummary),
    /// A new connection on the same ports (port reuse) replaced it.
    Replaced(ConnectionSummary),
    /// [`super::Tracker::finish`] was called while it was still in the table.
    Finished(ConnectionSummary),
}

impl TrackEvent {
    /// The summary, whatever the reason.
    pub fn summary(&self) -> &ConnectionSummary {
        match self {
            TrackEvent::Closed(s)
            | TrackEvent::Expired(s)
            | TrackEvent::Evicted(s)
            | TrackEvent::Replaced(s)
            | TrackEvent::Finished(s) => s,
        }
    }
}
