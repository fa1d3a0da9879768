//! The vocabulary of state changes shared by [`Endpoint`](super::Endpoint) and
//! [`Observer`](super::Observer): which [`Side`], from which [`State`] to which, and
//! why ([`Cause`]); [`Transitions`] is a fixed-capacity list of them.

use core::fmt;

use super::State;

/// One of the two endpoints of a connection.
///
/// The labels are the caller's. The [`Observer`](super::Observer) is not symmetric:
/// it assumes the client CLOSED and the server LISTEN before anything is seen, so
/// the labels should follow the rule the tracker uses, which makes its inferences
/// the RFC's:
///
/// * the client is the side that sent the first SYN (without ACK) seen;
/// * a capture that starts at a SYN,ACK makes the SYN,ACK's receiver the client;
/// * with no SYN at all (a capture starting mid-connection) the client is the side
///   that sent the first segment seen.
///
/// Labelled otherwise, the observer still reports only transitions RFC 9293 allows
/// (a side labelled client that receives a SYN is inferred to have listened:
/// CLOSED → LISTEN, [`Cause::Inferred`]). An [`Endpoint`](super::Endpoint) carries
/// a side too ([`Endpoint::with_side`](super::Endpoint::with_side)), so that its
/// transitions read like the observer's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Side {
    /// The active opener (or the sender of the first segment seen).
    Client,
    /// The passive opener (or the other side).
    Server,
}

impl Side {
    /// Both sides, client first.
    pub const BOTH: [Side; 2] = [Side::Client, Side::Server];

    /// The other side.
    #[inline]
    pub const fn peer(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }

    /// `"client"` or `"server"`.
    pub const fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }

    /// 0 for the client, 1 for the server: an index into per-side arrays.
    #[inline]
    pub const fn index(self) -> usize {
        match self {
            Side::Client => 0,
            Side::Server => 1,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a side changed state.
///
/// One vocabulary for both the [`Endpoint`](super::Endpoint), which knows the event
/// (a user call, the kind of segment, a timer), and the
/// [`Observer`](super::Observer), which knows whether the side sent or received the
/// segment it saw, and how sure it is:
///
/// * endpoint causes: [`PassiveOpen`](Cause::PassiveOpen) … [`UserTimeout`](Cause::UserTimeout);
/// * observer causes: [`Sent`](Cause::Sent) … [`Inferred`](Cause::Inferred);
/// * both: [`Expired`](Cause::Expired), 2·MSL passed in TIME_WAIT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Cause {
    /// The user's passive OPEN (CLOSED → LISTEN).
    PassiveOpen,
    /// The user's active OPEN (CLOSED or LISTEN → SYN-SENT).
    ActiveOpen,
    /// The user's CLOSE.
    Close,
    /// The user's ABORT.
    Abort,
    /// A SYN arrived (LISTEN, SYN-SENT or TIME-WAIT → SYN-RECEIVED; SYN-RECEIVED of a
    /// passive OPEN → LISTEN).
    Syn,
    /// A SYN,ACK acknowledging our SYN arrived (SYN-SENT → ESTABLISHED).
    SynAck,
    /// The acknowledgment of our SYN arrived (SYN-RECEIVED → ESTABLISHED).
    AckOfSyn,
    /// The peer's FIN arrived.
    Fin,
    /// The acknowledgment of our FIN arrived.
    AckOfFin,
    /// An acceptable RST arrived.
    Reset,
    /// Sent sequence space stayed unacknowledged longer than the user timeout.
    UserTimeout,
    /// The side sent the segment being observed.
    Sent,
    /// The side received the segment being observed.
    Received,
    /// An earlier segment, which crossed the observed one in flight, reached the side
    /// only after it had sent the observed one (the "…" lines of RFC 793 figures 8 and 14).
    Delivered,
    /// The observer corrects what it reported earlier: `from` is what it had inferred,
    /// `to` what the side must really have been in before the observed segment.
    Revised,
    /// A segment the capture does not hold must have been exchanged (e.g. a SYN,ACK
    /// that is acknowledged but was never seen), or the capture began mid-connection.
    Inferred,
    /// 2·MSL of capture time passed in TIME_WAIT.
    Expired,
}

impl Cause {
    /// A short lower-case name: `passive_open`, `ack_of_fin`, `user_timeout`, `sent`,
    /// `revised`, `expired`, ...
    pub const fn name(self) -> &'static str {
        match self {
            Cause::PassiveOpen => "passive_open",
            Cause::ActiveOpen => "active_open",
            Cause::Close => "close",
            Cause::Abort => "abort",
            Cause::Syn => "syn",
            Cause::SynAck => "syn_ack",
            Cause::AckOfSyn => "ack_of_syn",
            Cause::Fin => "fin",
            Cause::AckOfFin => "ack_of_fin",
            Cause::Reset => "reset",
            Cause::UserTimeout => "user_timeout",
            Cause::Sent => "sent",
            Cause::Received => "received",
            Cause::Delivered => "delivered",
            Cause::Revised => "revised",
            Cause::Inferred => "inferred",
            Cause::Expired => "expired",
        }
    }
}

/// One change of one side's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Transition {
    /// Whose state changed.
    pub side: Side,
    /// The state before.
    pub from: State,
    /// The state after.
    pub to: State,
    /// Why.
    pub cause: Cause,
}

impl fmt::Display for Transition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} -> {} ({})",
            self.side,
            self.from,
            self.to,
            self.cause.name()
        )
    }
}

/// How many transitions one observation or arrival can hold. The observer's rules
/// never produce more than eight for one segment (a crossing with a TIME_WAIT
/// expiry before it); an endpoint's at most two.
pub const MAX_TRANSITIONS: usize = 10;

/// The transitions caused by one segment (or one timer check), in the order they
/// happened. A fixed-capacity list: no allocation.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Transitions {
    items: [Transition; MAX_TRANSITIONS],
    len: u8,
}

impl Transitions {
    const PLACEHOLDER: Transition = Transition {
        side: Side::Client,
        from: State::Closed,
        to: State::Closed,
        cause: Cause::Sent,
    };

    /// No transitions.
    pub const fn new() -> Self {
        Transitions {
            items: [Self::PLACEHOLDER; MAX_TRANSITIONS],
            len: 0,
        }
    }

    /// The transitions as a slice.
    pub fn as_slice(&self) -> &[Transition] {
        self.items.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Iterates over the transitions in order.
    pub fn iter(&self) -> core::slice::Iter<'_, Transition> {
        self.as_slice().iter()
    }

    /// How many transitions there are.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// The first transition.
    pub fn first(&self) -> Option<Transition> {
        self.as_slice().first().copied()
    }

    /// The last transition.
    pub fn last(&self) -> Option<Transition> {
        self.as_slice().last().copied()
    }

    /// Exactly one transition.
    pub(crate) fn one(t: Transition) -> Self {
        let mut ts = Self::new();
        ts.push(t);
        ts
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `side` was in `state` during these transitions: as the target of any
    /// transition, or as the origin of one that is not a revision (a revision's
    /// origin is the observer's earlier, mistaken inference).
    pub fn passed(&self, side: Side, state: State) -> bool {
        self.iter().any(|t| {
            t.side == side && ((t.to == state) || (t.from == state && t.cause != Cause::Revised))
        })
    }

    pub(crate) fn push(&mut self, t: Transition) {
        if t.from == t.to && t.cause != Cause::Revised {
            return;
        }
        if let Some(slot) = self.items.get_mut(usize::from(self.len)) {
            *slot = t;
            self.len += 1;
        }
    }
}

impl Default for Transitions {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Transitions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Transitions {
    type Item = &'a Transition;
    type IntoIter = core::slice::Iter<'a, Transition>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Serialized as a sequence of its transitions.
#[cfg(feature = "serde")]
impl serde::Serialize for Transitions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod test {
    extern crate std;
    use std::format;

    use super::*;

    fn tr(side: Side, from: State, to: State, cause: Cause) -> Transition {
        Transition {
            side,
            from,
            to,
            cause,
        }
    }

    #[test]
    fn test_side() {
        assert_eq!(Side::Client.peer(), Side::Server);
        assert_eq!(Side::Server.peer(), Side::Client);
        assert_eq!((Side::Client.index(), Side::Server.index()), (0, 1));
        assert_eq!(
            format!("{} {}", Side::Client, Side::Server),
            "client server"
        );
        assert_eq!(Side::BOTH, [Side::Client, Side::Server]);
    }

    #[test]
    fn test_cause_names_and_display() {
        // The names the docs give (snake case of the variant).
        assert_eq!(Cause::PassiveOpen.name(), "passive_open");
        assert_eq!(Cause::AckOfFin.name(), "ack_of_fin");
        assert_eq!(Cause::UserTimeout.name(), "user_timeout");
        assert_eq!(Cause::Expired.name(), "expired");
        let t = tr(Side::Client, State::FinWait1, State::Closing, Cause::Fin);
        assert_eq!(format!("{t}"), "client FIN_WAIT_1 -> CLOSING (fin)");
    }

    #[test]
    fn test_transitions_list() {
        let mut ts = Transitions::new();
        assert!(ts.is_empty());
        assert_eq!((ts.len(), ts.first(), ts.last()), (0, None, None));
        assert_eq!(format!("{ts:?}"), "[]");
        let a = tr(Side::Client, State::Closed, State::SynSent, Cause::Sent);
        let b = tr(
            Side::Server,
            State::Listen,
            State::SynReceived,
            Cause::Received,
        );
        ts.push(a);
        // A change to the same state is no change, unless it is a revision.
        ts.push(tr(
            Side::Server,
            State::Listen,
            State::Listen,
            Cause::Inferred,
        ));
        ts.push(b);
        assert!(!ts.is_empty());
        assert_eq!(ts.len(), 2);
        assert_eq!(ts.as_slice(), &[a, b]);
        assert_eq!((ts.first(), ts.last()), (Some(a), Some(b)));
        assert_eq!(ts.iter().copied().collect::<std::vec::Vec<_>>(), [a, b]);
        assert_eq!((&ts).into_iter().count(), 2);
        assert_eq!(format!("{ts:?}"), format!("[{a:?}, {b:?}]"));
        let r = tr(Side::Server, State::Closed, State::Closed, Cause::Revised);
        ts.push(r);
        assert_eq!(ts.len(), 3);
        assert_eq!(Transitions::one(a).as_slice(), &[a]);
        // Full: more are ignored.
        let mut full = Transitions::default();
        for _ in 0..MAX_TRANSITIONS + 3 {
            full.push(a);
        }
        assert_eq!(full.len(), MAX_TRANSITIONS);
    }

    #[test]
    fn test_transitions_passed() {
        let mut ts = Transitions::new();
        ts.push(tr(
            Side::Client,
            State::Established,
            State::FinWait1,
            Cause::Sent,
        ));
        ts.push(tr(
            Side::Server,
            State::Closed,
            State::Listen,
            Cause::Revised,
        ));
        // Targets, and origins of ordinary transitions.
        assert!(ts.passed(Side::Client, State::FinWait1));
        assert!(ts.passed(Side::Client, State::Established));
        assert!(ts.passed(Side::Server, State::Listen));
        // A revision's origin was a mistaken inference.
        assert!(!ts.passed(Side::Server, State::Closed));
        // Per side.
        assert!(!ts.passed(Side::Server, State::FinWait1));
        assert!(!ts.passed(Side::Client, State::Listen));
        assert!(!ts.passed(Side::Client, State::TimeWait));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn test_transitions_serialize_as_a_sequence() {
        use serde::Serialize;
        let mut ts = Transitions::new();
        ts.push(tr(Side::Client, State::Closed, State::SynSent, Cause::Sent));
        ts.push(tr(
            Side::Server,
            State::Listen,
            State::SynReceived,
            Cause::Received,
        ));
        assert_eq!(ts.serialize(crate::test_serde::Count).ok(), Some(2));
        assert_eq!(
            Transitions::new().serialize(crate::test_serde::Count).ok(),
            Some(0)
        );
    }
}
