//! The RFC 793/9293 connection states.
//!
//! [`State`] names the eleven states of RFC 9293 §3.3.2. [`Observer`] infers
//! both endpoints' states from the segments seen at one capture point — the
//! view a passive analyzer has — resolving segments that crossed in flight
//! (simultaneous open and close) so that both sides follow RFC 793 Figures 8
//! and 14. Everything here is `no_std` and allocation-free; time is capture
//! time, a [`core::time::Duration`] since an epoch the caller chooses.

use core::fmt;

/// The eleven states of a TCP connection (RFC 9293 §3.3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum State {
    /// No connection.
    Closed,
    /// Waiting for a connection request (passive open).
    Listen,
    /// SYN sent, waiting for a matching SYN.
    SynSent,
    /// SYN received and SYN sent, waiting for the ACK of our SYN.
    SynReceived,
    /// Open; data flows both ways.
    Established,
    /// We closed; waiting for our FIN to be acknowledged or for the peer's FIN.
    FinWait1,
    /// Our FIN was acknowledged; waiting for the peer's FIN.
    FinWait2,
    /// The peer closed; waiting for our user to close.
    CloseWait,
    /// Both sides closed at once; waiting for the ACK of our FIN.
    Closing,
    /// The peer closed first and we then closed; waiting for the ACK of our FIN.
    LastAck,
    /// Waiting 2·MSL so that the peer surely received the ACK of its FIN.
    TimeWait,
}

impl State {
    /// Every state, in RFC order.
    pub const ALL: [State; 11] = [
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

    /// The name used in output contracts: `SYN_SENT`, `FIN_WAIT_1`, ...
    pub const fn name(self) -> &'static str {
        match self {
            State::Closed => "CLOSED",
            State::Listen => "LISTEN",
            State::SynSent => "SYN_SENT",
            State::SynReceived => "SYN_RECEIVED",
            State::Established => "ESTABLISHED",
            State::FinWait1 => "FIN_WAIT_1",
            State::FinWait2 => "FIN_WAIT_2",
            State::CloseWait => "CLOSE_WAIT",
            State::Closing => "CLOSING",
            State::LastAck => "LAST_ACK",
            State::TimeWait => "TIME_WAIT",
        }
    }

    /// Synchronized states (RFC 9293 §3.5.2): ESTABLISHED and later, before CLOSED.
    pub const fn is_synchronized(self) -> bool {
        !matches!(
            self,
            State::Closed | State::Listen | State::SynSent | State::SynReceived
        )
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

mod observer;
pub use observer::{
    Cause, DEFAULT_MSL, MAX_TRANSITIONS, Note, Notes, Observation, Observer, Side, SideNumbers,
    Transition, Transitions,
};
