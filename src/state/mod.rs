//! The RFC 793/9293 connection states, one endpoint's TCB, and a passive observer.
//!
//! * [`State`] names the eleven states of RFC 9293 §3.3.2, and
//!   [`is_rfc_transition`] says which changes between them the RFC allows
//!   (RFC 793 figure 6 plus the transitions RFC 9293's event processing adds).
//! * [`Endpoint`] is one side's transmission control block, driven by user calls,
//!   by the segments it sends and receives and by timers, exactly as RFC 9293 §3.10
//!   describes (with RFC 5961's RST, SYN and ACK validation). Each call returns a
//!   typed result — the [`Transition`]s, the [`Reply`] to send — or a typed
//!   [`Violation`] that leaves the endpoint unchanged.
//! * [`Pair`] holds two endpoints and the segments in flight between them, and
//!   lets a test deliver, delay, drop, duplicate or inject segments (the harness
//!   of the tests, the `endpoints` example, the benchmark and the fuzzer).
//! * [`Transition`], [`Cause`] and [`Side`] are the one vocabulary in which both
//!   report state changes.
//! * [`Observer`] infers both endpoints' states from the segments seen at one
//!   capture point — the view a passive analyzer has — resolving segments that
//!   crossed in flight (simultaneous open and close) so that both sides follow
//!   RFC 793 Figures 8 and 14.
//!
//! Everything here is `no_std` and allocation-free; time is capture time, a
//! [`core::time::Duration`] since an epoch the caller chooses.
//!
//! # Typed states: an enum of per-state data, not a typestate
//!
//! What state an endpoint is in next is decided at run time by the segment that
//! arrives, so a typestate (`Endpoint<Listen>` → `Endpoint<SynReceived>`) would type
//! only the first call and leave every caller matching on a sum of endpoint types.
//! Instead an [`Endpoint`] holds a [`Connection`], an enum with one variant per
//! state, each carrying only the data that exists in that state: nothing in CLOSED
//! and LISTEN (there is no TCB to misuse), the ISS but no IRS in SYN_SENT
//! ([`SynSent`]), the passive-or-active [`Opening`] only in SYN_RECEIVED
//! ([`SynReceived`]), a [`Tcb`] in the synchronized states, and the 2·MSL deadline
//! only in TIME_WAIT ([`TimeWait`]). A call that makes no sense in the current state
//! (SEND before the handshake or after CLOSE, OPEN twice) is a typed [`Violation`];
//! the fields are private, so the TCB's invariants (`SND.UNA =< SND.NXT`, ...) hold
//! by construction. [`Endpoint`]'s own documentation lists every event.
//!
//! ```
//! use synack::state::{is_rfc_transition, State};
//! assert!(is_rfc_transition(State::FinWait1, State::Closing));
//! assert!(!is_rfc_transition(State::Listen, State::Established));
//! ```

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

/// Whether RFC 793/9293 allows a connection to go from `from` to `to` in one event.
///
/// The table is RFC 793 figure 6 (the state diagram):
///
/// | from | to | event |
/// |---|---|---|
/// | CLOSED | LISTEN, SYN_SENT | passive / active OPEN |
/// | LISTEN | SYN_RECEIVED, SYN_SENT, CLOSED | rcv SYN / SEND / CLOSE |
/// | SYN_SENT | SYN_RECEIVED, ESTABLISHED, CLOSED | rcv SYN / rcv SYN,ACK / CLOSE |
/// | SYN_RECEIVED | ESTABLISHED, FIN_WAIT_1 | rcv ACK of SYN / CLOSE |
/// | ESTABLISHED | FIN_WAIT_1, CLOSE_WAIT | CLOSE / rcv FIN |
/// | FIN_WAIT_1 | FIN_WAIT_2, CLOSING | rcv ACK of FIN / rcv FIN |
/// | FIN_WAIT_2 | TIME_WAIT | rcv FIN |
/// | CLOSE_WAIT | LAST_ACK | CLOSE |
/// | CLOSING | TIME_WAIT | rcv ACK of FIN |
/// | LAST_ACK | CLOSED | rcv ACK of FIN |
/// | TIME_WAIT | CLOSED | 2·MSL timeout |
///
/// plus what RFC 9293's event processing (§3.10) adds to the diagram, which "omits
/// error conditions and actions not connected with state changes":
///
/// * every state but CLOSED → CLOSED: ABORT, an acceptable RST, the user timeout;
/// * SYN_RECEIVED → LISTEN: a RST or SYN on a connection from a passive OPEN
///   (MUST-11, §3.10.7.4);
/// * SYN_RECEIVED → CLOSE_WAIT: a FIN in SYN-RECEIVED (§3.10.7.4, eighth step);
/// * FIN_WAIT_1 → TIME_WAIT: a FIN that also acknowledges ours ("perhaps in this
///   segment", §3.10.7.4);
/// * TIME_WAIT → SYN_RECEIVED: a new SYN reopening the connection (RFC 1122
///   §4.2.2.13, RFC 9293 MAY-2, RFC 6191).
///
/// A state never "changes" to itself: `is_rfc_transition(s, s)` is false.
pub const fn is_rfc_transition(from: State, to: State) -> bool {
    use State::*;
    if matches!(to, Closed) {
        return !matches!(from, Closed);
    }
    matches!(
        (from, to),
        (Closed, Listen | SynSent)
            | (Listen, SynReceived | SynSent)
            | (SynSent, SynReceived | Established)
            | (SynReceived, Established | FinWait1 | Listen | CloseWait)
            | (Established, FinWait1 | CloseWait)
            | (FinWait1, FinWait2 | Closing | TimeWait)
            | (FinWait2, TimeWait)
            | (CloseWait, LastAck)
            | (Closing, TimeWait)
            | (TimeWait, SynReceived)
    )
}

/// The maximum segment lifetime assumed unless configured otherwise: two minutes,
/// the value RFC 9293 gives it. TIME_WAIT lasts twice this (MUST-13).
pub const DEFAULT_MSL: core::time::Duration = core::time::Duration::from_secs(120);

mod transition;
pub use transition::{Cause, MAX_TRANSITIONS, Side, Transition, Transitions};

mod endpoint;
pub use endpoint::{
    Arrival, CallOutcome, Config, Connection, DEFAULT_PEER_MSS, DEFAULT_USER_TIMEOUT, Disposition,
    DropReason, Endpoint, MAX_WINDOW_SHIFT, Opening, Reply, SynReceived, SynSent, Tcb, TimeWait,
    Violation,
};

#[cfg(test)]
mod test {
    use super::*;

    /// RFC 793 figure 6, edge by edge, and nothing else between the non-CLOSED states.
    #[test]
    fn rfc_transition_table() {
        use State::*;
        let allowed = [
            (Closed, Listen),
            (Closed, SynSent),
            (Listen, SynReceived),
            (Listen, SynSent),
            (Listen, Closed),
            (SynSent, SynReceived),
            (SynSent, Established),
            (SynSent, Closed),
            (SynReceived, Established),
            (SynReceived, FinWait1),
            (SynReceived, Listen),
            (SynReceived, CloseWait),
            (SynReceived, Closed),
            (Established, FinWait1),
            (Established, CloseWait),
            (Established, Closed),
            (FinWait1, FinWait2),
            (FinWait1, Closing),
            (FinWait1, TimeWait),
            (FinWait1, Closed),
            (FinWait2, TimeWait),
            (FinWait2, Closed),
            (CloseWait, LastAck),
            (CloseWait, Closed),
            (Closing, TimeWait),
            (Closing, Closed),
            (LastAck, Closed),
            (TimeWait, Closed),
            (TimeWait, SynReceived),
        ];
        for from in State::ALL {
            for to in State::ALL {
                assert_eq!(
                    is_rfc_transition(from, to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
        assert_eq!(allowed.len(), 29);
    }
}

mod observer;
pub use observer::{Note, Notes, Observation, Observer, SideNumbers};

mod pair;
pub use pair::{Delivery, InFlight, PAIR_CAPACITY, Pair, PairError};
