//! Tests that pin down `Observer` behaviours which `cargo mutants` showed were not
//! checked by any other test (issue 9, point 4). Each test names the behaviour it
//! checks; a comment names the mutant(s) of `src/state/observer.rs` it kills (line
//! numbers as of the commit this file was written against). Expected values come from
//! RFC 9293 / RFC 5961 reasoning, worked out by hand in the comments.

use core::time::Duration;
use synack::flags::TcpFlags;
use synack::segment::Segment;
use synack::seq::SeqNum;
use synack::state::{Cause, Note, Observation, Observer, Side, State};

const C: Side = Side::Client;
const S: Side = Side::Server;
const T0: Duration = Duration::ZERO;

const SYN: TcpFlags = TcpFlags::SYN;
const ACK: TcpFlags = TcpFlags::ACK;
const RST: TcpFlags = TcpFlags::RST;
const FIN: TcpFlags = TcpFlags::FIN;

fn seg(seq: u32, ack: u32, flags: TcpFlags) -> Segment {
    Segment::new(SeqNum(seq), SeqNum(ack), flags).with_window(1000)
}

/// Asserts the sender's and the receiver's states after a segment.
#[track_caller]
fn assert_states(o: &Observation, sender: State, receiver: State) {
    assert_eq!((o.sender, o.receiver), (sender, receiver), "{o:?}");
}

fn send(obs: &mut Observer, from: Side, seg: Segment) -> Observation {
    obs.on_segment(from, &seg, T0)
}

/// No transition of `o` goes from a state to itself.
fn no_self_transition(o: &Observation) -> bool {
    o.transitions.iter().all(|t| t.from != t.to)
}

/// Client ISN 100, server ISN 300: SYN, SYN,ACK, ACK; both ESTABLISHED.
fn handshake() -> Observer {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(300, 101, SYN | ACK));
    let o = send(&mut obs, C, seg(101, 301, ACK));
    assert_states(&o, State::Established, State::Established);
    obs
}

/// The same handshake opened by the server: server SYN 300, client SYN,ACK 100, ACK.
/// (The server's ISN has been seen in a bare SYN: a later bare SYN with it may be a
/// copy of that one.)
fn handshake_opened_by_the_server() -> Observer {
    let mut obs = Observer::new();
    send(&mut obs, S, seg(300, 0, SYN));
    send(&mut obs, C, seg(100, 301, SYN | ACK));
    let o = send(&mut obs, S, seg(301, 101, ACK));
    assert_states(&o, State::Established, State::Established);
    obs
}

/// Client SYN 100 is refused by the server: `<SEQ=0><ACK=101><CTL=RST,ACK>`
/// (RFC 9293 §3.10.7.1); both sides CLOSED.
fn refused() -> Observer {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, S, seg(0, 101, RST | ACK));
    assert!(o.notes.contains(Note::Refused));
    assert_eq!((obs.state(C), obs.state(S)), (State::Closed, State::Closed));
    obs
}

// Kills 602:17 "delete match arm State::Closed | State::Listen" (the `ended` test of
// the restart rule) and 638:20 "delete !" (which would first move a side reopening
// from LISTEN to CLOSED, an inferred close that did not happen). The client resets the handshake: the passive server goes back to
// LISTEN (RFC 9293 MUST-11), the client is CLOSED. The server then opens actively
// from LISTEN with a new ISN (500, not its old 300): nothing of the old connection is
// left on either side, so the observer starts over (Note::Reopened).
#[test]
fn new_syn_from_listen_after_reset_starts_over() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(300, 101, SYN | ACK));
    // RST at the server's RCV.NXT (101): accepted.
    let o = send(&mut obs, C, seg(101, 0, RST));
    assert!(o.notes.contains(Note::RstAccepted));
    assert_eq!((obs.state(C), obs.state(S)), (State::Closed, State::Listen));
    let o = send(&mut obs, S, seg(500, 0, SYN));
    assert!(o.notes.contains(Note::Reopened), "{o:?}");
    assert_states(&o, State::SynSent, State::SynReceived);
    assert_eq!(obs.isn(S), Some(SeqNum(500)));
    // LISTEN -> SYN_SENT on an active OPEN (RFC 9293 figure 5), nothing in between.
    let server: Vec<_> = o.transitions.iter().filter(|t| t.side == S).collect();
    assert_eq!(server.len(), 1, "{:?}", o.transitions);
    assert_eq!(
        (server[0].from, server[0].to, server[0].cause),
        (State::Listen, State::SynSent, Cause::Sent)
    );
}

/// Client FIN first; the server's FIN,ACK puts the client in TIME_WAIT and the server
/// in LAST_ACK (RFC 793 figure 13 without the last ACK).
fn client_time_wait_server_last_ack() -> Observer {
    let mut obs = handshake();
    send(&mut obs, C, seg(101, 301, FIN | ACK));
    let o = send(&mut obs, S, seg(301, 102, FIN | ACK));
    assert_states(&o, State::LastAck, State::TimeWait);
    obs
}

// Kills 603:22 "replace match guard s.is_synchronized() with false". The server is
// in LAST_ACK, a synchronized state: a SYN there only draws a challenge ACK (RFC 5961
// §4, RFC 9293 §3.10.7.4 fourth check), whatever state its sender is in. The
// observer must not start over.
#[test]
fn syn_into_last_ack_is_challenged_not_reopened() {
    let mut obs = client_time_wait_server_last_ack();
    let o = send(&mut obs, C, seg(9000, 0, SYN));
    assert!(!o.notes.contains(Note::Reopened), "{o:?}");
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(obs.state(S), State::LastAck);
    assert_eq!(obs.isn(S), Some(SeqNum(300)));
}

// Coverage for the restart rule (no listed mutant; 638:20 is killed by
// `new_syn_from_listen_after_reset_starts_over`). After a refused connection the client opens again with a
// new ISN: it goes CLOSED -> SYN_SENT, the server LISTEN -> SYN_RECEIVED; no side
// "changes" from a state to itself.
#[test]
fn reopening_after_refusal_has_no_self_transition() {
    let mut obs = refused();
    let o = send(&mut obs, C, seg(200, 0, SYN));
    assert!(o.notes.contains(Note::Reopened));
    assert!(no_self_transition(&o), "{:?}", o.transitions);
    assert_states(&o, State::SynSent, State::SynReceived);
}

// Kills 714:23 "replace > with <" and "replace > with ==" (text into a zero window).
// The server advertises a zero window; the client's 10 bytes at RCV.NXT are not
// accepted (RFC 9293 §3.10.7.4: with RCV.WND = 0 no text is), so the server's
// RCV.NXT stays 101. The window opens (the ACK still says 101) and the client's FIN
// comes at 111, after the bytes the server never took: it is out of order and
// cannot close the server's side.
#[test]
fn data_refused_by_zero_window_leaves_a_gap_before_the_fin() {
    let mut obs = handshake();
    send(&mut obs, S, seg(301, 101, ACK).with_window(0));
    send(&mut obs, C, seg(101, 301, ACK).with_len(10));
    send(&mut obs, S, seg(301, 101, ACK).with_window(1000));
    let o = send(&mut obs, C, seg(111, 301, FIN | ACK));
    assert_eq!(o.sender, State::FinWait1);
    assert_eq!(o.receiver, State::Established, "{o:?}");
}

// Kills 738:17 "delete match arm None" (the first segment of a side starts its run
// of contiguous sequence space). Mid-stream, the client sends 10 bytes at 1000, then
// a FIN at 1020: bytes 1010..1020 never passed, so the FIN is out of order and the
// server stays ESTABLISHED (RFC 9293 §3.10.7.4: a FIN is processed in order).
#[test]
fn midstream_fin_after_a_gap_does_not_close() {
    let mut obs = Observer::new();
    let o = send(&mut obs, C, seg(1000, 5000, ACK).with_len(10));
    assert!(o.notes.contains(Note::Midstream));
    let o = send(&mut obs, C, seg(1020, 5000, FIN | ACK));
    assert_eq!(o.sender, State::FinWait1);
    assert_eq!(o.receiver, State::Established, "{o:?}");
}

// Kills 837:16 "replace && with ||" in `start` (a first segment without ACK is then
// taken for the start of a handshake). A capture that starts with a bare RST is
// mid-stream: both sides are taken as ESTABLISHED, and the RST (nothing known of the
// receiver's window) ends the connection.
#[test]
fn capture_starting_with_bare_rst_is_midstream() {
    let mut obs = Observer::new();
    let o = send(&mut obs, C, seg(1000, 0, RST));
    assert!(obs.is_midstream());
    assert!(o.notes.contains(Note::Midstream), "{o:?}");
    assert!(o.notes.contains(Note::RstAccepted), "{o:?}");
    assert_states(&o, State::Closed, State::Closed);
}

// Kills 953:30 "replace && with ||" in `on_syn` (the crossed-SYN test) and 974:21
// "delete match arm State::SynSent" (a SYN delivered to a peer in SYN_SENT). The client's
// SYN 100 reaches the server; the client then resets it (RST at 101): the passive
// server returns to LISTEN, the client stays in SYN_SENT (RFC 9293 §3.10.7.3). The
// server then opens actively (SYN 300): the client in SYN_SENT receives a SYN and
// goes to SYN_RECEIVED, the server is in SYN_SENT. Nothing crossed: the server was
// never in SYN_RECEIVED when it sent its SYN.
#[test]
fn active_open_from_listen_into_syn_sent_is_not_crossed() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, C, seg(101, 0, RST));
    assert!(o.notes.contains(Note::RstAccepted));
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::SynSent, State::Listen)
    );
    let o = send(&mut obs, S, seg(300, 0, SYN));
    assert!(!o.notes.contains(Note::Crossed), "{o:?}");
    assert_states(&o, State::SynSent, State::SynReceived);
}

// Coverage for a SYN overtaken by later segments of its own sender (no listed
// mutant; 974:21 is killed by `active_open_from_listen_into_syn_sent_is_not_crossed`). The server answers the client's SYN with a pure ACK first, then
// its own bare SYN 300 is seen (it was overtaken): the client in SYN_SENT receives
// a SYN and goes to SYN_RECEIVED (simultaneous open, RFC 793 figure 8); this is no
// SYN in a synchronized state, so nothing is unacceptable.
#[test]
fn overtaken_syn_reaches_a_syn_sent_peer() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(301, 101, ACK));
    let o = send(&mut obs, S, seg(300, 0, SYN));
    assert!(!o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(o.receiver, State::SynReceived, "{o:?}");
    assert_eq!(obs.isn(S), Some(SeqNum(300)));
}

// Kills 1040:17 "delete match arm State::SynSent" in `on_syn_ack`, and 1092:38
// "replace - with +" (the ISN of a SYN the capture missed). The client's SYN 100 is
// seen; then the client sends a SYN,ACK 100 acknowledging 301: it answered a SYN 300
// of the server that the capture does not hold (simultaneous open). The client went
// SYN_SENT -> SYN_RECEIVED on that SYN (inferred), the server's ISN is 301 - 1 = 300,
// and the server, whose SYN is acknowledged, is ESTABLISHED.
#[test]
fn syn_ack_from_syn_sent_infers_the_missed_syn() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, C, seg(100, 301, SYN | ACK));
    assert!(o.notes.contains(Note::Inferred), "{o:?}");
    assert!(!o.notes.contains(Note::Retransmission), "{o:?}");
    assert!(
        o.transitions.iter().any(|t| t.side == C
            && t.from == State::SynSent
            && t.to == State::SynReceived
            && t.cause == Cause::Inferred),
        "{:?}",
        o.transitions
    );
    assert_eq!(o.sender, State::SynReceived);
    assert_eq!(obs.isn(S), Some(SeqNum(300)));
    assert_eq!(o.receiver, State::Established, "{o:?}");
}

// Kills 1065:22 "replace match guard me.sent_syn && same_isn with true" and 1065:34
// "replace && with ||". After the handshake the client (the active opener) sends a
// SYN,ACK with another ISN (555): not a retransmission of anything it sent; a SYN in
// a synchronized state is unacceptable (RFC 5961 §4), and the client's ISN stays 100.
#[test]
fn syn_ack_with_new_isn_after_handshake_is_unacceptable() {
    let mut obs = handshake();
    let o = send(&mut obs, C, seg(555, 301, SYN | ACK));
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert!(!o.notes.contains(Note::Retransmission), "{o:?}");
    assert_eq!(obs.isn(C), Some(SeqNum(100)));
    assert_states(&o, State::Established, State::Established);
}

// Kills 1106:13 "delete match arm State::Closed | State::Listen" in `on_syn_ack`.
// After the refusal, a late SYN,ACK from the server reaches a client that is CLOSED:
// nothing opens there (Note::AfterClose).
#[test]
fn late_syn_ack_to_a_closed_client_is_after_close() {
    let mut obs = refused();
    let o = send(&mut obs, S, seg(300, 101, SYN | ACK));
    assert!(o.notes.contains(Note::AfterClose), "{o:?}");
    assert_eq!(o.receiver, State::Closed);
}

// Kills 1117:13 "delete match arm State::Closed | State::Listen" in `on_rst`. After
// the refusal both sides are CLOSED; another RST changes nothing (AfterClose,
// RstIgnored, not accepted).
#[test]
fn rst_to_a_closed_side_is_ignored() {
    let mut obs = refused();
    let o = send(&mut obs, S, seg(0, 101, RST | ACK));
    assert!(o.notes.contains(Note::AfterClose), "{o:?}");
    assert!(o.notes.contains(Note::RstIgnored), "{o:?}");
    assert!(!o.notes.contains(Note::RstAccepted), "{o:?}");
    assert!(o.transitions.is_empty(), "{:?}", o.transitions);
}

// Kills 1140:13 "replace && with ||" in `on_rst`. The server answers the SYN, its
// SYN,ACK is not captured, but it sends data (so it is ESTABLISHED) and then resets
// the connection: the client in SYN_SENT accepts the RST (its ACK covers the SYN).
// This is an abort by a side that was in the connection, not a refusal: no
// Note::Refused, and the server's move to CLOSED is caused by sending the RST.
#[test]
fn rst_from_an_established_server_into_syn_sent_is_no_refusal() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, S, seg(301, 101, ACK).with_len(10));
    assert_eq!(o.sender, State::Established);
    let o = send(&mut obs, S, seg(311, 101, RST | ACK));
    assert!(o.notes.contains(Note::RstAccepted), "{o:?}");
    assert!(!o.notes.contains(Note::Refused), "{o:?}");
    assert!(
        o.transitions
            .iter()
            .any(|t| t.side == S && t.to == State::Closed && t.cause == Cause::Sent),
        "{:?}",
        o.transitions
    );
}

// Kills 1141:13 "replace && with ||" in `on_rst`. Mid-stream, the server's first
// segment is a RST at the client's RCV.NXT: it aborts an established connection, it
// refuses nothing.
#[test]
fn midstream_rst_as_first_segment_of_a_side_is_no_refusal() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(1000, 5000, ACK).with_len(10));
    let o = send(&mut obs, S, seg(5000, 0, RST));
    assert!(o.notes.contains(Note::RstAccepted), "{o:?}");
    assert!(!o.notes.contains(Note::Refused), "{o:?}");
    assert!(
        o.transitions
            .iter()
            .any(|t| t.side == S && t.to == State::Closed && t.cause == Cause::Sent),
        "{:?}",
        o.transitions
    );
}

// Kills 1152:55 "replace == with !=" in `on_rst` (which receivers' resets may later
// be taken back as challenged). RFC 5961 §3's challenge ACK applies to synchronized
// states; in SYN_SENT an acceptable RST closes the connection (RFC 9293 §3.10.7.3).
// After the refusal, a later pure ACK from the client does not revive its SYN_SENT.
#[test]
fn refused_client_speaking_again_is_not_challenged() {
    let mut obs = refused();
    let o = send(&mut obs, C, seg(101, 1, ACK));
    assert!(!o.notes.contains(Note::Challenged), "{o:?}");
    assert_eq!(obs.state(C), State::Closed);
}

// Kills 1231:30 "replace > with >=" (a pure ACK is no retransmission). The client
// sends 10 bytes at 101, then a pure ACK carrying SEG.SEQ = 101 (sent before the
// data, reordered): it repeats no sequence space, so it is not a retransmission
// (Wireshark's rule needs a segment length).
#[test]
fn old_pure_ack_is_not_a_retransmission() {
    let mut obs = handshake();
    send(&mut obs, C, seg(101, 301, ACK).with_len(10));
    let o = send(&mut obs, C, seg(101, 301, ACK));
    assert!(!o.notes.contains(Note::Retransmission), "{o:?}");
    assert!(!o.notes.contains(Note::KeepAlive), "{o:?}");
}

// Coverage for the ACK from SYN_SENT that infers a missed SYN,ACK. It does NOT kill
// 1272:35 "replace != with ==" (see notes/h9c.md: that mutant is more right than the
// code). The client's SYN reaches the server (SYN_RECEIVED); the server's SYN,ACK is not
// captured, the client's ACK of it is: the client goes SYN_SENT -> ESTABLISHED, the
// server SYN_RECEIVED -> ESTABLISHED, and no side "changes" to the state it was in.
#[test]
fn ack_after_missed_syn_ack_has_no_self_transition() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, C, seg(101, 301, ACK));
    assert!(o.notes.contains(Note::Inferred));
    assert!(no_self_transition(&o), "{:?}", o.transitions);
    assert_states(&o, State::Established, State::Established);
    assert_eq!(obs.isn(S), Some(SeqNum(300)));
}

// Kills 1374:36 "replace match guard fin_again with true". Only a retransmitted FIN
// restarts TIME_WAIT's 2·MSL (RFC 9293 §3.10.7.4, TIME-WAIT: "restart the 2 MSL
// timeout" on a retransmission of the FIN). A FIN at another sequence number (here
// with 5 bytes of text before it, at 306) is not one: the client's deadline stays
// 0 + 2·MSL.
#[test]
fn new_fin_into_time_wait_does_not_restart_the_timer() {
    let mut obs = client_time_wait_server_last_ack();
    let deadline = obs.time_wait_deadline(C);
    assert_eq!(deadline, Some(obs.msl() * 2));
    let o = obs.on_segment(
        S,
        &seg(301, 102, FIN | ACK).with_len(5),
        Duration::from_secs(10),
    );
    assert_eq!(o.receiver, State::TimeWait);
    assert_eq!(obs.time_wait_deadline(C), deadline);
}

// Kills 1400:9 "replace Half::acks_syn_of -> bool with true". Simultaneous open: SYNs
// 100 and 300 cross, both sides SYN_RECEIVED; the server's SYN,ACK (ACK 101) makes
// the client ESTABLISHED. The client's own first SYN,ACK then arrives with an ACK
// (999) that does not acknowledge the server's SYN 300: unacceptable in SYN_RECEIVED
// (RFC 9293 §3.10.7.4 fifth check), the server stays SYN_RECEIVED.
#[test]
fn crossed_syn_ack_that_misses_the_syn_does_not_establish() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(300, 0, SYN));
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::SynReceived, State::SynReceived)
    );
    let o = send(&mut obs, S, seg(300, 101, SYN | ACK));
    assert_eq!(o.receiver, State::Established);
    let o = send(&mut obs, C, seg(100, 999, SYN | ACK));
    assert_eq!(obs.state(S), State::SynReceived, "{o:?}");
}

// Kills 1405:9 "replace Half::acks_fin_of -> bool with false". Simultaneous close
// where the capture sees the server's ACK of the client's FIN before that FIN: the
// server's FIN (301) reaches the client, then the server acknowledges 102 (the
// client's FIN at 101), then the client's FIN 101 (ACK 301, not covering the
// server's FIN) is seen: it crossed. When the server's FIN is delivered to it, the
// client's own FIN is already acknowledged: FIN_WAIT_1 with its FIN ACKed receiving
// a FIN goes to TIME_WAIT (RFC 9293 §3.10.7.4, eighth step), not CLOSING.
#[test]
fn crossed_fin_already_acknowledged_goes_to_time_wait() {
    let mut obs = handshake();
    let o = send(&mut obs, S, seg(301, 101, FIN | ACK));
    assert_states(&o, State::FinWait1, State::CloseWait);
    send(&mut obs, S, seg(302, 102, ACK));
    let o = send(&mut obs, C, seg(101, 301, FIN | ACK));
    assert!(o.notes.contains(Note::Crossed), "{o:?}");
    assert_eq!(o.sender, State::TimeWait, "{o:?}");
}

// Kills 1350:46 "replace - with +" (the ISN of a SYN,ACK the capture missed, inferred
// from the ACK of it). A mid-stream capture: the client closes first, the server's
// FIN,ACK puts the client in TIME_WAIT, which runs out (2·MSL). A bare SYN of the
// server, older than its data (it was overtaken), then reaches the CLOSED client,
// which goes to SYN_RECEIVED; its SYN,ACK is not captured, but the server's ACK 1002
// of it is: the client's ISN is 1002 − 1 = 1001 (an ACK names ISN + 1), and the client
// is ESTABLISHED.
#[test]
fn ack_of_a_missed_syn_ack_names_its_isn_plus_one() {
    let mut obs = Observer::new();
    let o = send(&mut obs, C, seg(1000, 5000, FIN | ACK));
    assert!(o.notes.contains(Note::Midstream));
    let o = send(&mut obs, S, seg(5000, 1001, FIN | ACK));
    assert_eq!(o.receiver, State::TimeWait);
    let later = obs.msl() * 2;
    obs.on_time(later);
    assert_eq!(obs.state(C), State::Closed);
    let o = obs.on_segment(S, &seg(4000, 0, SYN), later);
    assert_eq!(o.receiver, State::SynReceived, "{o:?}");
    let o = obs.on_segment(S, &seg(5001, 1002, ACK), later);
    assert!(o.notes.contains(Note::Inferred), "{o:?}");
    assert_eq!(o.receiver, State::Established, "{o:?}");
    assert_eq!(obs.isn(C), Some(SeqNum(1001)));
}

// Kills `!=` → `==` in the inference "an ACK from SYN_SENT means a SYN,ACK the capture
// missed" (once a survivor because the code was wrong there: it put a receiver that
// had gone past SYN_RECEIVED back into it). The client sends SYN 100; the server's
// SYN,ACK (300, ack 101) is not captured; the server sends 10 bytes at 301 and a FIN
// at 311, so it is ESTABLISHED and then FIN_WAIT_1 (RFC 9293 §3.10.4). The client's
// `<SEQ=101><ACK=301><CTL=ACK>` (sent from SYN_SENT on the missed SYN,ACK) shows it
// ESTABLISHED; it acknowledges neither the data nor the FIN, so the server stays in
// FIN_WAIT_1 — never back to SYN_RECEIVED, a transition RFC 9293's diagram has no arrow for.
#[test]
fn ack_from_syn_sent_does_not_pull_a_closing_peer_back() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(301, 101, ACK).with_len(10));
    let o = send(&mut obs, S, seg(311, 101, FIN | ACK));
    assert_eq!(o.sender, State::FinWait1, "{o:?}");
    let o = send(&mut obs, C, seg(101, 301, ACK));
    assert_states(&o, State::Established, State::FinWait1);
    assert!(
        o.transitions.iter().all(|t| t.side == C),
        "the server does not move: {:?}",
        o.transitions
    );
}

// Fuzz find `crash-881e8f3c` as a plain observer case (the world replay is
// `state_hostile::regression_zero_window_ack_into_active_syn_received`). Client ISN
// 100, server ISN 300; the server answers with a zero window. Its RCV.NXT is 101; a
// zero-length segment into a zero window is acceptable only at RCV.NXT (RFC 9293
// §3.10.7.4, table 6), in SYN-RECEIVED as in the synchronized states. The client's
// ACK at 102 (after a FIN at 101 the capture did not hold) is dropped: the server
// stays SYN_RECEIVED; the ACK at 101 then establishes it.
#[test]
fn regression_zero_window_pure_ack_off_rcv_nxt_into_syn_received() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(300, 101, SYN | ACK).with_window(0));
    assert_eq!(obs.state(S), State::SynReceived);
    let o = send(&mut obs, C, seg(102, 301, ACK));
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(obs.state(S), State::SynReceived);
    let o = send(&mut obs, C, seg(101, 301, ACK));
    assert_eq!(o.receiver, State::Established);
}

// Fuzz find `crash-78d3e21c` as a plain observer case (the world replay is
// `state_hostile::regression_ack_at_the_right_edge_of_the_window`). The client
// advertises a one-octet window (no scaling: neither SYN offered it, RFC 7323
// §2.2). After the handshake the client's RCV.NXT is 301; it closes (FIN at 101).
// The server's FIN at 301 is not captured; its ACK of the client's FIN comes at
// SEQ 302 = RCV.NXT + RCV.WND: outside [301, 302) (RFC 9293 §3.10.7.4, first
// check), dropped, its ACK unprocessed: the client stays FIN_WAIT_1. With a
// two-octet window the same ACK is in the window (out of order, but its ACK is
// processed): FIN_WAIT_2.
#[test]
fn regression_ack_at_the_right_edge_is_unacceptable() {
    for (window, after) in [(1, State::FinWait1), (2, State::FinWait2)] {
        let mut obs = Observer::new();
        send(&mut obs, C, seg(100, 0, SYN).with_window(window));
        send(&mut obs, S, seg(300, 101, SYN | ACK));
        send(&mut obs, C, seg(101, 301, ACK).with_window(window));
        send(&mut obs, C, seg(101, 301, FIN | ACK).with_window(window));
        assert_eq!(obs.state(C), State::FinWait1);
        let o = send(&mut obs, S, seg(302, 102, ACK));
        assert_eq!(obs.state(C), after, "window {window}: {o:?}");
        assert_eq!(o.notes.contains(Note::Unacceptable), window == 1);
    }
}

// The window the right-edge test uses is one the capture shows exactly. A SYN's
// window field is never scaled (RFC 7323 §2.2): without scaling it is RCV.WND, but
// with scaling in effect (both SYNs offered it) it says nothing exact about RCV.WND
// (the endpoint rounds its buffer to whole units of 2^shift), so nothing is judged
// against it. The client's SYN has a window field of 1; the server's ACK at
// 302 = 301 + 1 (after one octet the capture did not hold) is unacceptable without
// scaling, and not judged with shift 7 on both SYNs.
#[test]
fn right_edge_not_judged_against_a_scaled_syn_window() {
    for scale in [None, Some(7)] {
        let mut obs = Observer::new();
        let mut syn = seg(100, 0, SYN).with_window(1);
        syn.options.window_scale = scale;
        send(&mut obs, C, syn);
        let mut syn_ack = seg(300, 101, SYN | ACK);
        syn_ack.options.window_scale = scale;
        send(&mut obs, S, syn_ack);
        assert_eq!(obs.window_shift(C), Some(scale.unwrap_or(0)));
        let o = send(&mut obs, S, seg(302, 101, ACK));
        assert_eq!(
            o.notes.contains(Note::Unacceptable),
            scale.is_none(),
            "{scale:?}: {o:?}"
        );
    }
}

// Fuzz find `crash-298c9ee2` as a plain observer case (the world replay is
// `state_hostile::regression_syn_ack_at_the_kept_irs`). Simultaneous open: client
// SYN 100, server SYN 300 cross; both are in SYN-RECEIVED. A stale SYN of the
// server with ISN 200 reaches the client, which keeps IRS 300 (a SYN with another
// ISN in SYN-RECEIVED draws only an ACK, RFC 9293 §3.10.7.4, RFC 5961 §4). The
// server's SYN,ACK <SEQ=300><ACK=101> repeats the SYN the client took and
// acknowledges the client's SYN: ESTABLISHED (RFC 9293 figure 7, line 6).
#[test]
fn regression_syn_ack_at_the_kept_irs_establishes() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(300, 0, SYN));
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::SynReceived, State::SynReceived)
    );
    send(&mut obs, S, seg(200, 0, SYN));
    assert_eq!(obs.state(C), State::SynReceived);
    let o = send(&mut obs, S, seg(300, 101, SYN | ACK));
    assert!(!o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(obs.state(C), State::Established);
    assert_eq!(obs.isn(S), Some(SeqNum(300)));
}

// Kills on_segment `again` (main ef51356 observer.rs:653:42) `peer.numbers.segments
// > 0` → `>= 0`. The client's SYN 100 makes the server SYN_RECEIVED; a RST in the
// client's name at 101 (its SYN_SENT does not close on it, RFC 9293 §3.10.7.3; the
// passive server returns to LISTEN, MUST-11). The client's SYN 100 again is its
// retransmission, not a new connection: the server, which has sent nothing, never
// had a connection to end. It reaches the listener (SYN_RECEIVED again), noted as a
// retransmission, without `Reopened`.
#[test]
fn retransmitted_syn_into_a_silent_listener_is_no_reopening() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, C, seg(101, 0, RST));
    assert!(o.notes.contains(Note::RstAccepted));
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::SynSent, State::Listen)
    );
    let o = send(&mut obs, C, seg(100, 0, SYN));
    assert!(o.notes.contains(Note::Retransmission), "{o:?}");
    assert!(!o.notes.contains(Note::Reopened), "{o:?}");
    assert_states(&o, State::SynSent, State::SynReceived);
}

// Kills on_syn's kept-IRS guard (main ef51356 observer.rs:1025:43)
// `!peer.passive && self.irs_of(to).is_none()` → `true`, and its `&&` → `||`
// (1025:57). Only an active SYN-RECEIVED keeps its IRS against a new SYN here. The
// server, in a passive SYN-RECEIVED with a 10-octet window (its SYN,ACK's,
// unscaled), gets a SYN with another ISN (5000) from the client, which the observer
// had in ESTABLISHED: the client aborted and opened again unseen (SYN_SENT). The
// SYN lies outside [101, 111), so the server only answers with an ACK (RFC 9293
// §3.10.7.4, first check). The server's retransmitted SYN,ACK <SEQ=300><ACK=101>
// then reaches a client in SYN_SENT with ISS 5000: its ACK is unacceptable (RFC
// 9293 §3.10.7.3, a RST): the client stays SYN_SENT.
#[test]
fn passive_syn_received_keeps_no_irs_for_its_peers_new_syn() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(300, 101, SYN | ACK).with_window(10));
    let o = send(&mut obs, C, seg(5000, 0, SYN));
    assert_states(&o, State::SynSent, State::SynReceived);
    let o = send(&mut obs, S, seg(300, 101, SYN | ACK).with_window(10));
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_states(&o, State::SynReceived, State::SynSent);
    assert_eq!(obs.isn(C), Some(SeqNum(5000)));
}

// Kills on_syn_ack's arm for a first SYN,ACK seen after its sender's later segments
// (main ef51356 observer.rs:1115:21) `&&` → `||`. After the handshake (server ISN
// 300) the server sends a SYN,ACK with another, earlier ISN (250): in ESTABLISHED
// a SYN only draws a challenge ACK (RFC 5961 §4, RFC 9293 §3.10.7.4 fourth check);
// it is not the server's SYN seen late (its ISN is known), so nothing changes and
// the ISN stays 300.
#[test]
fn syn_ack_with_an_earlier_isn_after_handshake_is_unacceptable() {
    let mut obs = handshake();
    let o = send(&mut obs, S, seg(250, 101, SYN | ACK));
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(obs.isn(S), Some(SeqNum(300)));
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::Established, State::Established)
    );
}

// Kills on_syn_ack's guard for a CLOSED sender (main ef51356 observer.rs:1090:34)
// `same_isn && me.sent_syn` → `true`. After a refused connection (both CLOSED) the
// server sends a SYN,ACK whose ACK (51) answers no SYN of the client's (ISN 100):
// it answers an earlier SYN, crossing (RFC 9293 §3.10.7.3: the client would reset
// it); the observer calls it unacceptable, not a segment after close.
#[test]
fn syn_ack_answering_another_syn_after_refusal_is_unacceptable() {
    let mut obs = refused();
    let o = send(&mut obs, S, seg(300, 51, SYN | ACK));
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert!(!o.notes.contains(Note::AfterClose), "{o:?}");
}

// Kills the same guard's `&&` → `||` (main ef51356 observer.rs:1090:43). The
// client, refused (its SYN 100), listens and answers a SYN of the server the
// capture missed: its SYN,ACK <SEQ=500><ACK=301> has another ISN than its refused
// SYN, so it is no SYN,ACK of that attempt crossing the RST: the observer infers
// the missed SYN 300 (server SYN_SENT, then ESTABLISHED on the SYN,ACK) and the
// client's passive SYN_RECEIVED (RFC 9293 §3.10.7.2).
#[test]
fn syn_ack_with_a_new_isn_after_refusal_infers_the_missed_syn() {
    let mut obs = refused();
    let o = send(&mut obs, C, seg(500, 301, SYN | ACK));
    assert!(o.notes.contains(Note::Inferred), "{o:?}");
    assert_states(&o, State::SynReceived, State::Established);
    assert_eq!(obs.isn(S), Some(SeqNum(300)));
}

// Kills on_segment's `after_end` (main ef51356 observer.rs:647) `||` → `&&` (647:45)
// and `me.numbers.segments > 0` → `< 0` (647:41). The capture starts mid-stream
// with the client's ACK (both ESTABLISHED, no ISN known); the client's RST at its
// SND.NXT, the server's RCV.NXT as far as seen, is exact (RFC 9293 §3.10.7.4): both
// CLOSED, the server having sent nothing. The client's first SYN after that ends
// the old connection: the observer starts over (`Reopened`, no longer mid-stream).
#[test]
fn first_syn_after_a_midstream_reset_by_the_opener_starts_over() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 300, ACK));
    let o = send(&mut obs, C, seg(100, 300, RST));
    assert!(o.notes.contains(Note::RstAccepted), "{o:?}");
    assert_eq!((obs.state(C), obs.state(S)), (State::Closed, State::Closed));
    let o = send(&mut obs, C, seg(5000, 0, SYN));
    assert!(o.notes.contains(Note::Reopened), "{o:?}");
    assert!(!obs.is_midstream());
    assert_states(&o, State::SynSent, State::SynReceived);
}

// Kills the same test's `peer.numbers.segments > 0` → `< 0` (main ef51356
// observer.rs:647:70). The capture starts with the server's bare RST (mid-stream,
// accepted: nothing is known against it): both CLOSED, the client having sent
// nothing. The client's first SYN after that starts the observer over.
#[test]
fn first_syn_after_a_midstream_reset_by_the_peer_starts_over() {
    let mut obs = Observer::new();
    let o = send(&mut obs, S, seg(300, 0, RST));
    assert!(o.notes.contains(Note::RstAccepted), "{o:?}");
    assert_eq!((obs.state(C), obs.state(S)), (State::Closed, State::Closed));
    let o = send(&mut obs, C, seg(5000, 0, SYN));
    assert!(o.notes.contains(Note::Reopened), "{o:?}");
    assert!(!obs.is_midstream());
}

// Pins the passive flag across a reopen (main ef51356 observer.rs:657, whose two
// `&&` → `||` mutants survived; the expression is now `peer.passive && old_to ==
// SynReceived`). The server answers the client's SYN 100 with a zero window; the
// client resets the attempt (RST at 101, exact: the server returns to LISTEN) and
// opens again (SYN 200): the server, which still shows a zero window, is in a
// passive SYN-RECEIVED. The client's SYN 5000 lies outside that window: it only
// draws an ACK (RFC 9293 §3.10.7.4, first check) and the server keeps IRS 200, in
// its passive SYN-RECEIVED. A RST then returns it to LISTEN (MUST-11), not CLOSED.
#[test]
fn passive_syn_received_stays_passive_against_an_out_of_window_syn() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(300, 101, SYN | ACK).with_window(0));
    let o = send(&mut obs, C, seg(101, 0, RST));
    assert!(o.notes.contains(Note::RstAccepted), "{o:?}");
    assert_eq!(obs.state(S), State::Listen);
    let o = send(&mut obs, C, seg(200, 0, SYN));
    assert!(o.notes.contains(Note::Reopened), "{o:?}");
    assert_eq!(obs.state(S), State::SynReceived);
    let o = send(&mut obs, C, seg(5000, 0, SYN));
    assert!(o.notes.contains(Note::Reopened), "{o:?}");
    assert_eq!(obs.state(S), State::SynReceived);
    let o = send(&mut obs, C, seg(201, 0, RST));
    assert!(o.notes.contains(Note::RstAccepted), "{o:?}");
    assert_eq!(obs.state(S), State::Listen);
}

// ---- H9e ----

// A SYN with another ISN exactly at the receiver's RCV.NXT, into ESTABLISHED (e.g.
// the client crashed and, unseen, opens again with ISN 101; RFC 9293 figure 11).
// After the handshake (client ISN 100, server ISN 300) the server answers the SYN
// <SEQ=101> with a challenge ACK and processes nothing (RFC 5961 §4, RFC 9293
// §3.10.7.4 fourth check): its RCV.NXT stays 101. A FIN <SEQ=102> of the client then
// lies after a gap (octet 101 never arrived): out of order, not processed, and the
// server stays ESTABLISHED. The observer had let the SYN move the client's
// contiguous estimate to 102, and took the FIN (CLOSE_WAIT).
#[test]
fn syn_at_rcv_nxt_into_established_moves_nothing() {
    let mut obs = handshake();
    let o = send(&mut obs, C, seg(101, 0, SYN));
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(obs.state(S), State::Established);
    let o = send(&mut obs, C, seg(102, 301, FIN | ACK));
    assert_eq!(obs.state(S), State::Established, "{o:?}");
}

// Kills `Observer::set`'s kept-IRS clearing `to != SynReceived` → `==` (the lead's
// surviving mutant 561:15; line 581 on main 246948d), which left the kept IRS in
// place after its side left SYN_RECEIVED (and cleared it on entering). Simultaneous open: client SYN 100,
// server SYN 300 cross; a stale SYN of the server with ISN 200 reaches the client,
// which keeps IRS 300 (RFC 9293 §3.10.7.4, RFC 5961 §4). The server's data <SEQ=301>
// <ACK=101> acknowledges the client's SYN: the client is ESTABLISHED on IRS 300, so
// the server's ISN in use is 300, not the 200 of the stale SYN seen last.
#[test]
fn leaving_syn_received_on_a_kept_irs_restores_the_peers_isn() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(300, 0, SYN));
    let o = send(&mut obs, S, seg(200, 0, SYN));
    assert_eq!(obs.state(C), State::SynReceived, "{o:?}");
    let o = send(&mut obs, S, seg(301, 101, ACK).with_len(10));
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::Established, State::Established),
        "{o:?}"
    );
    assert_eq!(obs.isn(S), Some(SeqNum(300)));
}

// Fuzz finds `crash-e174c6ef`, `00dfe563`: an old duplicate ACK of an earlier
// incarnation (here <SEQ=50><ACK=999>) reaches the server after the client's new SYN
// 100 made it SYN-RECEIVED. Its sequence number lies before the client's ISN + 1:
// sent before that SYN, it shows no SYN,ACK received by the client, and the server
// finds it outside its window (RFC 9293 §3.10.7.4, first check: an ACK, nothing
// processed). Both stay: the client in SYN_SENT, the server in SYN_RECEIVED. The
// observer had inferred a SYN,ACK from the ACK and made both ESTABLISHED.
#[test]
fn old_ack_from_syn_sent_infers_no_syn_ack() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, C, seg(50, 999, ACK));
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::SynSent, State::SynReceived)
    );
}

// Fuzz find `crash-7ca9ff2f`: segments of an earlier incarnation, still in flight,
// seen after a new handshake began. The client's SYN 1000 makes the server
// SYN-RECEIVED, its SYN,ACK <SEQ=300><ACK=1001> the client ESTABLISHED. An old FIN
// of the server <SEQ=250><ACK=996> lies before the server's ISN + 1: sent before
// that SYN,ACK, it shows no close of the server, moves none of its numbers, and
// the client finds it outside its window (RFC 9293 §3.10.7.4, first check). An old
// RST of the client at 996 then lies outside the server's window [1001, 2001): the
// server stays SYN-RECEIVED. The observer had taken the FIN (FIN_WAIT_1) and its
// ACK as the server's RCV.NXT, and so the RST as exact.
#[test]
fn segments_before_the_syn_move_nothing() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(1000, 0, SYN));
    send(&mut obs, S, seg(300, 1001, SYN | ACK));
    let o = send(&mut obs, S, seg(250, 996, FIN | ACK));
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::Established, State::SynReceived)
    );
    let o = send(&mut obs, C, seg(996, 0, RST));
    assert!(o.notes.contains(Note::RstIgnored), "{o:?}");
    assert_eq!(obs.state(S), State::SynReceived);
}

// Fuzz find of H9e's final run, `crash-3dad8d5e` (also H9f's 8a0bab36, bab73c0a):
// the client's SYN 100 makes the server SYN-RECEIVED; the server's SYN,ACK (ISN 300)
// is lost before the capture point, and it closes: its FIN <SEQ=301><ACK=101> reaches
// the client in SYN-SENT, which drops it (no SYN, RFC 9293 §3.10.7.3). The server's
// connection ends unseen (its timer), it listens again, and the client's
// retransmitted SYN gets a new SYN,ACK <SEQ=5000><ACK=101>: a SYN_SENT receiver
// takes any SYN,ACK acknowledging its SYN (§3.10.7.3): ESTABLISHED; the server's FIN
// <SEQ=5001> then makes it CLOSE_WAIT. The observer had found the SYN,ACK of a side
// it had in FIN_WAIT_1 unacceptable and left the client in SYN_SENT.
#[test]
fn new_syn_ack_after_an_unseen_close_is_taken_in_syn_sent() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(301, 101, FIN | ACK));
    assert_eq!(obs.state(C), State::SynSent);
    let o = send(&mut obs, S, seg(5000, 101, SYN | ACK));
    assert!(!o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::Established, State::SynReceived)
    );
    send(&mut obs, S, seg(5001, 101, FIN | ACK));
    assert_eq!(obs.state(C), State::CloseWait);
}

// Fuzz find of H9e's final run, `crash-c4a0975d` (also H9f's 9bd24d7f): the
// client's SYN 100, with a zero window, makes the server SYN-RECEIVED; its SYN,ACK
// (ISN 300) is lost, and its FIN <SEQ=301><ACK=101> (refused by the zero window:
// the observer keeps it waiting) reaches the client in SYN-SENT, which drops it. The server's connection ends unseen, and it opens anew: SYN 7000, a
// simultaneous open with the client (SYN-RECEIVED). That SYN fills no gap of the old
// sequence space: the old FIN is never processed, and the client stays
// SYN_RECEIVED. The observer had kept the FIN waiting for its gap and delivered it
// when the new SYN moved the server's contiguous estimate past it (CLOSE_WAIT).
#[test]
fn fresh_syn_delivers_no_fin_of_the_old_connection() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN).with_window(0));
    send(&mut obs, S, seg(301, 101, FIN | ACK));
    let o = send(&mut obs, S, seg(7000, 0, SYN));
    assert_eq!(obs.state(C), State::SynReceived, "{o:?}");
    assert_eq!(obs.state(S), State::SynSent, "{o:?}");
}

// ---- H9g ----

// Fuzz finds `crash-db3d373c` (also 3395ec4e, 4ac9f7f3, 5e8b01ab, 87a6ef05): an
// old ACK of the client <SEQ=9000><ACK=500000>, sent in TIME-WAIT of an earlier
// connection and still in flight, is seen after the server's new SYN 1000 made the
// client (passively) SYN-RECEIVED. A side in SYN-RECEIVED acknowledges exactly
// IRS + 1: an ACK beyond everything the server sent since its SYN names an older
// sequence space and is none of this incarnation's numbers. The server's RST at
// 500000 then lies far outside the client's window [1001, 2001) (RFC 9293
// §3.10.7.4): ignored, and the server's SYN,ACK makes the client ESTABLISHED. The
// observer had taken 500000 as the client's RCV.NXT and the RST as exact (client
// back to LISTEN, endpoint ESTABLISHED).
#[test]
fn ack_beyond_the_peers_new_syn_from_syn_received_is_old() {
    let mut obs = Observer::new();
    send(&mut obs, S, seg(1000, 0, SYN));
    let o = send(&mut obs, C, seg(9000, 500_000, ACK));
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    send(&mut obs, C, seg(3000, 0, SYN));
    send(&mut obs, C, seg(3000, 1001, SYN | ACK));
    assert_eq!(obs.state(S), State::Established);
    let o = send(&mut obs, S, seg(500_000, 0, RST));
    assert_eq!(obs.state(C), State::SynReceived, "{o:?}");
    send(&mut obs, S, seg(1000, 3001, SYN | ACK));
    assert_eq!(obs.state(C), State::Established);
}

// Fuzz find `crash-6303af75`: the server's SYN 1000 makes the client passively
// SYN-RECEIVED; its SYN,ACK <SEQ=5000><ACK=1001> reaches a server that meanwhile
// opened anew (its new SYN 4000 was reordered behind it before the capture point):
// the server resets it, <SEQ=1001><CTL=RST>, the client goes back to LISTEN, and the
// SYN 4000 makes it SYN-RECEIVED again (IRS 4000). A copy of the old SYN,ACK (same
// ISN 5000, ACK 1001) seen after that answers the older SYN: it names no RCV.NXT of
// the client now (4001). The server's next RST at 1001 lies outside the client's
// window [4001, 5001) (RFC 9293 §3.10.7.4): ignored. The observer had taken the
// copy's ACK as the client's RCV.NXT, and the RST as exact (LISTEN vs ESTABLISHED).
#[test]
fn copy_of_an_old_foreign_syn_ack_names_no_rcv_nxt() {
    let mut obs = Observer::new();
    send(&mut obs, S, seg(1000, 0, SYN));
    send(&mut obs, C, seg(5000, 1001, SYN | ACK));
    send(&mut obs, S, seg(1001, 0, RST));
    assert_eq!(obs.state(C), State::Listen);
    send(&mut obs, S, seg(4000, 0, SYN));
    assert_eq!(obs.state(C), State::SynReceived);
    send(&mut obs, C, seg(5000, 1001, SYN | ACK));
    let o = send(&mut obs, S, seg(1001, 0, RST));
    assert_eq!(obs.state(C), State::SynReceived, "{o:?}");
    send(&mut obs, C, seg(5000, 4001, SYN | ACK));
    send(&mut obs, S, seg(4001, 5001, ACK));
    assert_eq!(obs.state(C), State::Established);
}

// The same with the client sent back to LISTEN by the server's new SYN inside its
// window (RFC 9293 §3.10.7.4, fourth check, passive SYN-RECEIVED) rather than by a
// RST: its retransmission reopens, and the old SYN,ACK's copy names no RCV.NXT.
#[test]
fn copy_of_an_old_syn_ack_after_a_syn_sent_it_back_to_listen() {
    let mut obs = Observer::new();
    send(&mut obs, S, seg(1000, 0, SYN));
    send(&mut obs, C, seg(5000, 1001, SYN | ACK));
    send(&mut obs, S, seg(1500, 0, SYN));
    assert_eq!(obs.state(C), State::Listen);
    send(&mut obs, S, seg(1500, 0, SYN));
    assert_eq!(obs.state(C), State::SynReceived);
    send(&mut obs, C, seg(5000, 1001, SYN | ACK));
    let o = send(&mut obs, S, seg(1001, 0, RST));
    assert_eq!(obs.state(C), State::SynReceived, "{o:?}");
    send(&mut obs, C, seg(5000, 1501, SYN | ACK));
    send(&mut obs, S, seg(1501, 5001, ACK));
    assert_eq!(obs.state(C), State::Established);
}

// ---- The listen-guess revision (mutants surviving after H9e's revision of it) ----
//
// In each: the client's SYN 100 makes the server SYN_RECEIVED (passive); its
// SYN,ACK is not seen, so its window is unknown, and the client's next SYN, with
// another ISN, makes the observer guess the server went back to LISTEN (RFC 9293
// §3.10.7.4: a passive SYN-RECEIVED returns to LISTEN on a SYN in its window) —
// a guess the server's later segments may refute. Line numbers are those of
// `src/state/observer.rs` at commit c4c10a7.

/// Client SYN 100, then SYN 1100. The server's SYN,ACK `<SEQ=300><ACK=101>` with a
/// window of 1000 covers 101..=1100: the SYN 1100 lay inside it, so the server
/// (passive) went back to LISTEN when it arrived, and this SYN,ACK, sent before,
/// answers the old SYN: the guess stands, and the client, SYN-SENT with ISS 1100,
/// finds ACK 101 unacceptable. Kills line 746 (`irs + 1` → `irs - 1`: a window
/// starting at 99 would end before 1100 and the SYN,ACK would refute the guess).
#[test]
fn syn_ack_whose_window_holds_the_new_syn_keeps_the_listen_guess() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, C, seg(1100, 0, SYN));
    assert_eq!(o.receiver, State::Listen);
    let o = send(&mut obs, S, seg(300, 101, SYN | ACK));
    assert!(o.transitions.is_empty(), "{o:?}");
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::SynSent, State::Listen)
    );
}

/// Client SYN 100, then SYN 5000; the server, guessed back in LISTEN, sends a bare
/// SYN 300 (an active open, as the observer sees it), then `<SEQ=301><ACK=101>`:
/// an ACK of the first SYN from its own SYN's next number. So its SYN had been sent
/// before the client's first SYN arrived (they crossed): it was in an active
/// SYN-RECEIVED with IRS 100, which drops the SYN 5000 with exactly this ACK
/// (RFC 9293 §3.10.7.4). The server is SYN_RECEIVED, by revision. Kills line 751
/// (`isn + 1` → `isn - 1`: the ACK at 301 would not be recognised).
#[test]
fn ack_of_the_kept_irs_after_a_crossed_syn_revises_to_syn_received() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, C, seg(5000, 0, SYN));
    let o = send(&mut obs, S, seg(300, 0, SYN));
    assert_eq!(o.sender, State::SynSent);
    let o = send(&mut obs, S, seg(301, 101, ACK));
    assert_eq!(obs.state(S), State::SynReceived);
    assert!(
        o.transitions
            .iter()
            .any(|t| t.side == S && t.to == State::SynReceived && t.cause == Cause::Revised),
        "{o:?}"
    );
}

/// Client SYN 100, then SYN 5000; the server's bare ACK `<SEQ=301><ACK=101>` shows
/// it kept IRS 100 (the SYN 5000 was an old duplicate outside its window): its
/// RCV.NXT is 101. The client's ACK at 101 then completes the handshake and its FIN
/// at 101 is in order: the server goes to CLOSE_WAIT. Kills line 763 (`irs + 1` →
/// `irs - 1`: a RCV.NXT of 99 would leave a gap before the FIN, held back).
#[test]
fn kept_irs_puts_rcv_nxt_after_it() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, C, seg(5000, 0, SYN));
    send(&mut obs, S, seg(301, 101, ACK));
    assert_eq!(obs.state(S), State::SynReceived);
    send(&mut obs, C, seg(101, 301, ACK));
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::Established, State::Established)
    );
    let o = send(&mut obs, C, seg(101, 301, FIN | ACK));
    assert_states(&o, State::FinWait1, State::CloseWait);
}

/// Client SYN 100, then SYN 5000 (the server guessed back in LISTEN); a stray ACK
/// of the client `<SEQ=5001><ACK=301>` (an old duplicate) reaches the server, which,
/// if it kept IRS 100 in SYN-RECEIVED, finds it outside its window and answers
/// `<SEQ=301><ACK=101>` (RFC 9293 §3.10.7.4, first check) — the answer that shows
/// it kept that IRS: SYN_RECEIVED, by revision. Only the guessed side's own
/// segments end the guess. Kills line 767 (`&&` → `||`: any segment whose ACK is
/// not IRS + 1 would end it).
#[test]
fn peer_segment_does_not_end_the_listen_guess() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, C, seg(5000, 0, SYN));
    send(&mut obs, C, seg(5001, 301, ACK));
    let o = send(&mut obs, S, seg(301, 101, ACK));
    assert_eq!(obs.state(S), State::SynReceived, "{o:?}");
    assert!(
        o.transitions
            .iter()
            .any(|t| t.side == S && t.to == State::SynReceived && t.cause == Cause::Revised),
        "{o:?}"
    );
}

/// The server's SYN,ACK `<SEQ=300><ACK=101>` with window scaling offered (shift 7)
/// after the client's SYN 100 and its SYN `new_syn` (with another ISN) made the
/// observer guess the server back in LISTEN: does its window put `new_syn` outside?
/// A SYN,ACK's window is never scaled (RFC 7323 §2.2); the observer takes the
/// window in use to be a whole number of scale units, at least one, and a full
/// field (65 535) as no bound. Returns the server's state after the SYN,ACK:
/// SYN_RECEIVED (it kept IRS 100: the new SYN lay outside, RFC 9293 §3.10.7.4 first
/// check) or LISTEN (inside: the passive server went back to LISTEN on it).
fn server_after_scaled_syn_ack(new_syn: u32, window: u16) -> State {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, C, seg(new_syn, 0, SYN));
    assert_eq!(o.receiver, State::Listen, "{o:?}");
    let options = synack::segment::SynOptions {
        window_scale: Some(7),
        ..Default::default()
    };
    let syn_ack = seg(300, 101, SYN | ACK)
        .with_window(window)
        .with_options(options);
    send(&mut obs, S, syn_ack);
    obs.state(S)
}

// `syn_ack_window_excludes` (line 1737 and on, commit c4c10a7). Each case names
// the mutants it kills.
#[test]
fn scaled_syn_ack_window_bounds_the_listen_guess() {
    // Window 0: nothing is acceptable, not even the SYN at 150 (kills 1740 `w == 0`
    // guard → false, which would take one scale unit, 128, covering 101..229; and
    // the whole function → false).
    assert_eq!(server_after_scaled_syn_ack(150, 0), State::SynReceived);
    // Window 1000 (≥ one unit): 101..1101 leaves 5000 outside (kills 1741 guard →
    // true and `==` → `!=`, which give up on any scaled window).
    assert_eq!(server_after_scaled_syn_ack(5000, 1000), State::SynReceived);
    // Window 1, less than one unit: at least 128, so 150 lies inside (kills 1742
    // `1 << shift` → `1 >> shift`, a window of 1).
    assert_eq!(server_after_scaled_syn_ack(150, 1), State::Listen);
    // A full field bounds nothing: 70 101 is not shown outside (kills 1741 guard →
    // false, which would take 65 535 as the window).
    assert_eq!(server_after_scaled_syn_ack(70_101, u16::MAX), State::Listen);
}

/// Client SYN 100, then SYN 5000 twice (the server guessed back in LISTEN, then
/// taken to have accepted the retransmission: SYN_RECEIVED on 5000, the guess
/// kept). The server's SYN,ACK `<SEQ=300><ACK=101>` with a window of 65 000 (it
/// holds 5000) acknowledges the old SYN but shows nothing: sent before the SYN 5000
/// could arrive, it neither refutes nor confirms the guess, which stays. Its bare
/// ACK `<SEQ=301><ACK=101>` then shows it kept IRS 100 (the copies of SYN 5000
/// never reached it), so the client's ACK and FIN at 101 are in order: the server
/// ends in CLOSE_WAIT. Kills line 767 (`irs + 1` → `irs - 1`: the SYN,ACK would end
/// the guess).
#[test]
fn syn_ack_of_the_old_irs_inside_its_window_keeps_the_guess() {
    let o = guess_then_fin(65_000, true);
    assert_states(&o, State::FinWait1, State::CloseWait);
}

/// Client SYN 100, then SYN 5000 twice: the server guessed back in LISTEN, then
/// taken to have accepted the retransmission (SYN_RECEIVED on 5000, the guess
/// kept). Then the server's SYN,ACK `<SEQ=300><ACK=101>` with window `window`, its
/// bare ACK `<SEQ=301><ACK=101>` if `server_ack`, and the client's ACK and FIN at
/// 101. Returns the observation of the FIN.
fn guess_then_fin(window: u16, server_ack: bool) -> Observation {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, C, seg(5000, 0, SYN));
    send(&mut obs, C, seg(5000, 0, SYN));
    send(&mut obs, S, seg(300, 101, SYN | ACK).with_window(window));
    if server_ack {
        send(&mut obs, S, seg(301, 101, ACK));
    }
    send(&mut obs, C, seg(101, 301, ACK));
    send(&mut obs, C, seg(101, 301, FIN | ACK))
}

/// `crash-8b9e7604` reduced (as `state_hostile::observer_crossing_syn_ack_names_the_irs`),
/// then the other way: the server, in an active SYN-RECEIVED, answers with its
/// first SYN,ACK `<SEQ=5000><ACK=101>` — it took the client's SYN 100, not the 200
/// the observer gave it. The client's segments of the connection the server took,
/// at 101, are then in order: its ACK of 5001 makes the server ESTABLISHED, its
/// FIN CLOSE_WAIT. Kills line 1439 of c4c10a7 (`ack - 1` → `ack + 1`: an IRS of
/// 102 would put them before the server's SYN, an earlier incarnation's).
#[test]
fn crossing_syn_ack_keeps_the_irs_it_acknowledges() {
    let mut obs = Observer::new();
    let w = |s: Segment| s.with_window(65_535);
    send(&mut obs, C, w(seg(100, 0, SYN)));
    let o = send(&mut obs, S, w(seg(0, 101, RST | ACK)));
    assert!(o.notes.contains(Note::Refused), "{o:?}");
    send(&mut obs, C, w(seg(200, 0, SYN)));
    send(&mut obs, S, w(seg(5000, 0, SYN)));
    send(&mut obs, S, w(seg(5000, 101, SYN | ACK)));
    let o = send(&mut obs, C, w(seg(101, 5001, ACK)));
    assert_eq!(o.receiver, State::Established, "{o:?}");
    let o = send(&mut obs, C, w(seg(101, 5001, FIN | ACK)));
    assert_eq!(o.receiver, State::CloseWait, "{o:?}");
}

// ---- `cargo mutants` over H9h's and H9k's changes (lines of 9747505) ----

/// A RST's window field says nothing of a receive window (the side it resets has
/// none): `numbers().window` keeps the last window of the RST's sender. Kills
/// 1086:24 (`!before_syn && !rst` → `||`, which takes the RST's window).
#[test]
fn rst_window_is_not_taken() {
    let mut obs = handshake();
    send(&mut obs, C, seg(101, 301, ACK).with_window(4000));
    assert_eq!(obs.numbers(C).window, Some(4000));
    let o = send(&mut obs, C, seg(101, 301, RST | ACK).with_window(7));
    assert_eq!(o.sender, State::Closed, "{o:?}");
    assert_eq!(obs.numbers(C).window, Some(4000));
}

/// As `state_hostile::observer_syn_ack_to_a_kept_irs_into_syn_sent_waits_for_the_answer`:
/// client SYN 100, then SYN 100000, then the server's SYN,ACK acknowledging 101
/// (window 1000, so 100000 lies outside: the server kept IRS 100). The client's RST
/// at SEG.ACK (it opened again; RFC 9293 §3.10.7.3) sends the server back to LISTEN:
/// the client's ISN stays the 100000 it uses now, as only a side that synchronized
/// on a kept IRS shows that the peer still uses it. (`&&` → `||` at 665:38 in
/// `set` restores ISN 100 on the way to LISTEN: caught here and by the corpus
/// tests; pinned here with the number itself.)
#[test]
fn reset_out_of_a_kept_irs_keeps_the_peers_new_isn() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, C, seg(100_000, 0, SYN));
    let o = send(&mut obs, S, seg(300, 101, SYN | ACK));
    assert_states(&o, State::SynReceived, State::SynSent);
    let o = send(&mut obs, C, seg(101, 0, RST));
    assert_states(&o, State::SynSent, State::Listen);
    assert_eq!(obs.numbers(C).isn, Some(SeqNum(100_000)));
}

/// A FIN with data after a gap smaller than its data (client 101..105 unseen, then
/// `<SEQ=105><ACK=301><CTL=FIN,ACK>` with 10 bytes): the server cannot process it
/// yet. Its ACK of the FIN (116) shows that the gap was filled and the FIN
/// processed: CLOSE_WAIT, and the client FIN_WAIT_2. Kills 2094:51
/// (`s.seq + s.seg_len` → `-` in `on_other`, which takes the FIN as ending before
/// the server's `RCV.NXT`, to be dropped rather than processed later).
#[test]
fn fin_with_data_after_a_short_gap_closes_once_acknowledged() {
    let mut obs = handshake();
    let o = send(&mut obs, C, seg(105, 301, FIN | ACK).with_len(10));
    assert_eq!(o.receiver, State::Established, "{o:?}");
    let o = send(&mut obs, S, seg(301, 116, ACK));
    assert_states(&o, State::CloseWait, State::FinWait2);
}

/// `numbers().highest_ack` is the highest acknowledgment a side sent: an older
/// one seen later (reordered) leaves it, and so does an old ACK of a side that
/// has since reset its connection. Kills 1152:32 (the guard → `false`), 1152:32
/// and 1152:46 (either `!` deleted: each takes the last ACK, not the highest),
/// and 1039:17, 1039:36 and 1039:44 (`&&` → `||` in `syn_ack_names_rcv_nxt`,
/// which take any ACK of a side not synchronized as its `RCV.NXT`).
#[test]
fn highest_ack_is_the_highest() {
    let mut obs = handshake();
    send(&mut obs, C, seg(101, 301, ACK).with_len(1000));
    send(&mut obs, S, seg(301, 601, ACK));
    send(&mut obs, S, seg(301, 1101, ACK));
    send(&mut obs, S, seg(301, 601, ACK));
    assert_eq!(obs.numbers(S).highest_ack, Some(SeqNum(1101)));
    let o = send(&mut obs, S, seg(301, 1101, RST | ACK));
    assert_eq!(o.sender, State::Closed, "{o:?}");
    send(&mut obs, S, seg(301, 601, ACK));
    assert_eq!(obs.numbers(S).highest_ack, Some(SeqNum(1101)));
}

/// A side in LISTEN that opens actively with a new ISN has no `RCV.NXT` until it
/// takes a SYN (RFC 9293 §3.10.1). The passive server answered the client's SYN 100
/// (`<SEQ=300><ACK=101><WND=1000>`), the client's SYN 150 then lay inside that
/// window and sent it back to LISTEN (RFC 9293 §3.10.7.4), and it now sends its own
/// SYN 900: `numbers().highest_ack` forgets the 101 it acknowledged. Kills 1275:84
/// (`!=` → `==`, which forgets it only for a SYN with the old ISN).
#[test]
fn active_open_from_listen_forgets_the_old_highest_ack() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(300, 101, SYN | ACK));
    let o = send(&mut obs, C, seg(150, 0, SYN));
    assert_eq!(o.receiver, State::Listen, "{o:?}");
    assert_eq!(obs.numbers(S).highest_ack, Some(SeqNum(101)));
    let o = send(&mut obs, S, seg(900, 0, SYN));
    assert_eq!(o.sender, State::SynSent, "{o:?}");
    assert_eq!(obs.numbers(S).highest_ack, None);
}

/// A window field outside a SYN is scaled (RFC 7323 §2.2), so the window it shows
/// is exact: the passive server answered the client's SYN 100 with both sides
/// offering a shift of 7, then sent an ACK with a window field of 10, a window of
/// 1,280 (101 to 1,381). The client's SYN 5000, with another ISN, lies outside it:
/// the server drops it with an ACK and stays in SYN-RECEIVED (RFC 9293 §3.10.7.4,
/// first check), no guess of LISTEN. Kills 1903:24 (the guard → `false`, which
/// takes a window outside a SYN as unknown when a scale was offered).
#[test]
fn scaled_window_outside_a_syn_is_shown() {
    let scale = synack::segment::SynOptions {
        window_scale: Some(7),
        ..Default::default()
    };
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN).with_options(scale));
    send(&mut obs, S, seg(300, 101, SYN | ACK).with_options(scale));
    send(&mut obs, S, seg(301, 101, ACK).with_window(10));
    assert_eq!(obs.state(S), State::SynReceived);
    let o = send(&mut obs, C, seg(5000, 0, SYN));
    assert_eq!(o.receiver, State::SynReceived, "{o:?}");
}

// ---- Survivors of earlier rounds (line numbers of c4c10a7) ----

/// A keep-alive (`SEG.SEQ` = `SND.NXT` − 1, no data) reaching a side in
/// SYN-RECEIVED lies below its `RCV.NXT`: not acceptable (RFC 9293 §3.10.7.4, first
/// check; Linux's `tcp_check_req` drops it too), its ACK not processed, so the
/// server stays in SYN-RECEIVED until the client's real ACK. Kills 1948 (`==
/// State::SynReceived` → `!=` in the keep-alive test, which lets a SYN-RECEIVED
/// receiver take the ACK).
#[test]
fn keep_alive_into_syn_received_is_unacceptable() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(300, 101, SYN | ACK));
    let o = send(&mut obs, C, seg(100, 301, ACK));
    assert!(o.notes.contains(Note::KeepAlive), "{o:?}");
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(o.receiver, State::SynReceived, "{o:?}");
    let o = send(&mut obs, C, seg(101, 301, ACK));
    assert_eq!(o.receiver, State::Established, "{o:?}");
}

/// A segment without SYN of a side in SYN-SENT whose sequence number is its ISN (100)
/// lies before ISN + 1, where the side's first byte after its SYN goes: it was sent
/// before that SYN, by an earlier incarnation, and shows nothing of the side now —
/// no SYN,ACK inferred from its ACK (RFC 9293 §3.10.7.4: the receiver finds it
/// outside its window), and its window field is not the side's (`numbers().window`
/// stays the SYN's). Kills 1846 (`isn + 1` → `isn - 1` in `on_other`'s before-SYN
/// test) and 981 (the same in `on_segment`'s `before_syn`).
#[test]
fn segment_at_the_isn_was_sent_before_the_syn() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, C, seg(100, 301, ACK).with_window(777));
    assert_states(&o, State::SynSent, State::SynReceived);
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(obs.numbers(C).window, Some(1000));
}

// ---- `cargo mutants` over the fixes of 2026-12-03 ----

/// After a connection both of whose sides a RST closed (the client reset from
/// ESTABLISHED, not a refusal), the server's new SYN reopens it: the client listens
/// and takes it (passive SYN_RECEIVED). A copy of the client's old SYN,ACK, whose
/// ACK names the server's old ISN + 1 and whose window (1,000) excludes the new SYN,
/// is only a copy (`old_syn_ack`): the client does not hold that old IRS. Its real
/// SYN,ACK and the server's ACK then complete the handshake on the new ISN, which
/// stays the server's. Kills `refused && old_to == Closed` → `||` (the kept-IRS rule
/// of refusals applied to any reopening, which made the old ISN the server's).
#[test]
fn copy_of_an_old_syn_ack_after_a_reset_keeps_no_irs() {
    let mut obs = Observer::new();
    let w = |s: Segment| s.with_window(1000);
    send(&mut obs, S, w(seg(500, 0, SYN)));
    send(&mut obs, C, w(seg(100, 501, SYN | ACK)));
    send(&mut obs, S, w(seg(501, 101, ACK)));
    send(&mut obs, S, seg(501, 0, RST));
    assert_eq!((obs.state(C), obs.state(S)), (State::Closed, State::Closed));
    send(&mut obs, S, w(seg(900_000, 0, SYN)));
    assert_eq!(obs.state(C), State::SynReceived);
    send(&mut obs, C, w(seg(100, 501, SYN | ACK)));
    send(&mut obs, C, w(seg(7000, 900_001, SYN | ACK)));
    send(&mut obs, S, w(seg(900_001, 7001, ACK)));
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::Established, State::Established)
    );
    assert_eq!(obs.numbers(S).isn, Some(SeqNum(900_000)));
}

/// The client's SYN 100 meets a SYN,ACK of the server (ISN 500) that acknowledges
/// another SYN (9,999): the client stays in SYN_SENT. Its ACK `<SEQ=101><ACK=777>`
/// then starts at its ISN + 1: a side in SYN-SENT sends that only after a SYN,ACK,
/// here one the capture missed (the server opened again, ISN 776): the client is
/// ESTABLISHED. Kills `s.seq != isn + 1` → `isn - 1` (an earlier incarnation's
/// segment is one that neither starts at ISN + 1 nor acknowledges the peer's SYN).
#[test]
fn ack_from_syn_sent_at_its_isn_shows_an_unseen_syn_ack() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, S, seg(500, 9999, SYN | ACK));
    assert_eq!(o.receiver, State::SynSent, "{o:?}");
    let o = send(&mut obs, C, seg(101, 777, ACK));
    assert_eq!(o.sender, State::Established, "{o:?}");
}

/// A connection (client ISN 100,000, server 5,000) is reset; the server opens again
/// (SYN 3,000) and the client, listening, takes it and closes before its SYN,ACK is
/// seen. The server's FIN of the first connection, `<SEQ=5001><ACK=100001>`, still in
/// flight, is an earlier incarnation's (it neither starts at the server's ISN + 1 nor
/// acknowledges anything the client has sent since): its ACK names no `RCV.NXT` of
/// the server. The handshake then completes, and the client's RST at 100,001 lies far
/// outside the server's window: ignored. Kills `from_syn_sent_of_old_space ||
/// old_incarnation && …` → `&&` (the old ACK kept as the server's highest, the RST
/// at it taken as exact).
#[test]
fn old_fin_from_syn_sent_names_no_rcv_nxt() {
    let mut obs = Observer::new();
    let w = |s: Segment| s.with_window(1000);
    send(&mut obs, C, w(seg(100_000, 0, SYN)));
    send(&mut obs, S, w(seg(5000, 100_001, SYN | ACK)));
    send(&mut obs, C, w(seg(100_001, 5001, ACK)));
    send(&mut obs, S, seg(5001, 0, RST));
    send(&mut obs, S, w(seg(3000, 0, SYN)));
    send(&mut obs, C, w(seg(7001, 3001, FIN | ACK)));
    let o = send(&mut obs, S, w(seg(5001, 100_001, FIN | ACK)));
    assert_eq!(o.sender, State::SynSent, "{o:?}");
    send(&mut obs, C, w(seg(7000, 3001, SYN | ACK)));
    send(&mut obs, S, w(seg(3001, 7002, ACK)));
    let o = send(&mut obs, C, seg(100_001, 0, RST));
    assert!(o.notes.contains(Note::RstIgnored), "{o:?}");
}

/// The server's RST,ACK refusing the client's SYN 100 is seen after a retransmission
/// of that SYN (taken as refused); the client's next SYN 900,000 reopens the
/// connection (the server given it). The server's SYN,ACK `<SEQ=500><ACK=101>`, whose
/// window of 1,000 excludes 900,000, shows it took the retransmitted SYN 100 and
/// keeps that IRS; its FIN from ISN + 1 then synchronizes it on that IRS, which
/// becomes the client's ISN in use. Kills `ack - 1` → `ack + 1` in the kept IRS of
/// that rule.
#[test]
fn syn_ack_of_a_side_taken_as_refusing_keeps_the_irs_it_acknowledges() {
    let mut obs = Observer::new();
    let w = |s: Segment| s.with_window(1000);
    send(&mut obs, C, w(seg(100, 0, SYN)));
    send(&mut obs, C, w(seg(100, 0, SYN)));
    let o = send(&mut obs, S, seg(0, 101, RST | ACK));
    assert!(o.notes.contains(Note::Refused), "{o:?}");
    send(&mut obs, C, w(seg(900_000, 0, SYN)));
    send(&mut obs, S, w(seg(500, 101, SYN | ACK)));
    let o = send(&mut obs, S, w(seg(501, 101, FIN | ACK)));
    assert_eq!(o.sender, State::FinWait1, "{o:?}");
    assert_eq!(obs.numbers(C).isn, Some(SeqNum(100)));
}

/// After the handshake (client 100, server 300) the client opens again unseen and
/// sends a SYN 5,000, which the synchronized server challenges. A segment of the
/// client with ACK at 5,000 itself — not after its SYN — cannot be its SYN-SENT
/// TCB's (that sends from ISN + 1, after a SYN,ACK): it shows no unseen SYN,ACK, and
/// the client stays in SYN_SENT. Kills `s.seq.before(isn + 1)` → `isn - 1` in
/// `before_own_syn`.
#[test]
fn ack_at_the_isn_of_a_syn_sent_side_shows_no_syn_ack() {
    let mut obs = handshake();
    let o = send(&mut obs, C, seg(5000, 0, SYN));
    assert_eq!(o.sender, State::SynSent, "{o:?}");
    let o = send(&mut obs, C, seg(5000, 301, ACK));
    assert_eq!(o.sender, State::SynSent, "{o:?}");
}

/// A window field after the handshake, scaled by a known shift, is the window
/// exactly. The client's SYN 100 and the server's SYN,ACK both offer a shift of 2;
/// the server, still in SYN_RECEIVED, then sends a segment with a window field of 100:
/// 400 bytes. The client's new SYN 401 lies 300 into that window: inside, so the
/// server, a passive SYN-RECEIVED, goes back to LISTEN (RFC 9293 §3.10.7.4, fourth
/// check). Kills `n << shift` → `n >> shift` in `window_bounds` (a window of 25 would
/// put the SYN outside: the server would keep its IRS).
#[test]
fn scaled_window_after_the_handshake_bounds_a_new_syn_exactly() {
    let mut obs = Observer::new();
    let scale = synack::segment::SynOptions {
        window_scale: Some(2),
        ..Default::default()
    };
    send(&mut obs, C, seg(100, 0, SYN).with_options(scale));
    send(
        &mut obs,
        S,
        seg(500, 101, SYN | ACK)
            .with_window(100)
            .with_options(scale),
    );
    send(&mut obs, S, seg(501, 101, ACK).with_window(100));
    let o = send(&mut obs, C, seg(401, 0, SYN));
    assert_eq!(o.receiver, State::Listen, "{o:?}");
    // Certain, not a guess: a copy of the server's ACK of 101, sent before the SYN
    // arrived, does not take it back to SYN_RECEIVED. (Kills `n << shift` →
    // `n >> shift` in the smallest window: the SYN then only maybe inside, a guess
    // that this ACK would refute.)
    send(&mut obs, S, seg(501, 101, ACK).with_window(100));
    assert_eq!(obs.state(S), State::Listen);
}

/// Without the server's SYN,ACK the shift of its window is unknown: a field of 100
/// after the handshake is anything from 100 to 100 << 14 bytes. The client's new SYN
/// 401, 300 into it, may lie inside: the observer guesses the passive SYN-RECEIVED
/// server back in LISTEN. Kills `n << MAX_SHIFT` → `n >> MAX_SHIFT` (a largest window
/// of 0 would put every SYN outside).
#[test]
fn window_of_unknown_scale_bounds_a_new_syn_loosely() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(501, 101, ACK).with_window(100));
    let o = send(&mut obs, C, seg(401, 0, SYN));
    assert_eq!(o.receiver, State::Listen, "{o:?}");
}

/// As the fuzz find `crash-bb255466` (`observer_finds`), but the server's FIN
/// acknowledges the client's FIN (its ACK is the server's `RCV.NXT` past it): it was
/// sent from CLOSE_WAIT, not crossing, and the server is in LAST_ACK though the
/// client, opened again, forgot its FIN. Kills `rcv_nxt - 1` → `rcv_nxt + 1` in the
/// forgotten FIN's number.
#[test]
fn fin_acknowledging_a_forgotten_fin_is_last_ack() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(486_550_276, 0, SYN));
    send(&mut obs, S, seg(76_070_603, 486_550_277, SYN | ACK));
    send(&mut obs, C, seg(486_550_277, 76_070_604, FIN | ACK));
    send(&mut obs, C, seg(546_553_508, 0, SYN));
    let o = send(&mut obs, S, seg(76_070_604, 486_550_278, FIN | ACK));
    assert_eq!(o.sender, State::LastAck, "{o:?}");
}

/// The server refuses the client's SYN 100 (its RST,ACK seen after a retransmission
/// of that SYN) and the client's SYN 5,000 reopens the connection. The server's
/// SYN,ACK acknowledging 101 has a window of 65,535 (no scaling), which holds 5,000:
/// nothing shows the server kept IRS 100 rather than going back to LISTEN and taking
/// 5,000, which its next SYN,ACK acknowledges; the handshake completes on the
/// client's ISN 5,000. Kills `ack != isn + 1 && window excludes` → `||` in the
/// refusal rule (it would keep IRS 100 and make it the client's ISN).
#[test]
fn syn_ack_of_a_refused_side_whose_window_holds_the_new_syn_keeps_no_irs() {
    let mut obs = Observer::new();
    let w = |s: Segment| s.with_window(65_535);
    send(&mut obs, C, w(seg(100, 0, SYN)));
    send(&mut obs, C, w(seg(100, 0, SYN)));
    let o = send(&mut obs, S, seg(0, 101, RST | ACK));
    assert!(o.notes.contains(Note::Refused), "{o:?}");
    send(&mut obs, C, w(seg(5000, 0, SYN)));
    send(&mut obs, S, w(seg(700, 101, SYN | ACK)));
    send(&mut obs, S, w(seg(700, 5001, SYN | ACK)));
    send(&mut obs, C, w(seg(5001, 701, ACK)));
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::Established, State::Established)
    );
    assert_eq!(obs.numbers(C).isn, Some(SeqNum(5000)));
}

/// The server's SYN,ACK 300 is first inferred from the client's ACK `<SEQ=101>
/// <ACK=301>` (both ESTABLISHED) and then seen, late: it is the SYN,ACK inferred,
/// and nothing is revised. Kills `isn != s.seq && next_seq == isn + 1` → `||` in the
/// revision of a SYN,ACK from another ISN than the one inferred.
#[test]
fn late_syn_ack_with_the_inferred_isn_revises_nothing() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, C, seg(101, 301, ACK));
    assert!(o.notes.contains(Note::Inferred), "{o:?}");
    let o = send(&mut obs, S, seg(300, 101, SYN | ACK));
    assert_states(&o, State::Established, State::Established);
    assert!(o.transitions.is_empty(), "{o:?}");
}

/// As `syn_ack_of_the_old_irs_inside_its_window_keeps_the_guess`, the server taken
/// to be in SYN_RECEIVED on the client's SYN 5000 with the guess that it kept IRS
/// 100, but the server's SYN,ACK `<SEQ=300><ACK=101>` has a window of 1000: the SYN
/// 5000 lay outside it (101..1101), so the server dropped it and kept IRS 100 (RFC
/// 9293 §3.10.7.4, first check). The client's ACK and FIN at 101 are then in order:
/// CLOSE_WAIT. Kills `!syn || syn_ack_window_excludes(…)` → `&&` in the LISTEN-guess
/// revision's SYN_RECEIVED arm (the SYN,ACK would show nothing).
#[test]
fn syn_ack_of_the_old_irs_outside_its_window_confirms_the_guess() {
    let o = guess_then_fin(1000, false);
    assert_states(&o, State::FinWait1, State::CloseWait);
}

/// The same, the server's SYN,ACK with a window of 4901: from its `RCV.NXT` 101 it
/// reaches 5001, so the SYN 5000 lay inside and the SYN,ACK shows nothing; the guess
/// stays, and the client's FIN at 101 lies before the SYN 5000 the observer gives
/// the server: no CLOSE_WAIT. Kills `irs + 1` → `irs - 1` as the left edge of that
/// window (99 + 4901 would end at 5000, leaving the SYN outside).
#[test]
fn syn_ack_window_is_counted_from_the_old_irs_plus_one() {
    let o = guess_then_fin(4901, false);
    assert_ne!(o.receiver, State::CloseWait, "{o:?}");
}

/// The server takes the client's SYN 100 in a passive SYN-RECEIVED and shows a
/// window of 1000 in its SYN,ACK `<SEQ=300><ACK=101>`; the client's SYNs 5000 and
/// then 6000 (new ISNs) both lie outside that window, so each only draws an ACK and
/// the server keeps IRS 100 (RFC 9293 §3.10.7.4, first check). The client's ACK
/// `<SEQ=101><ACK=301>` of the SYN,ACK then makes it ESTABLISHED. Kills `peer.passive
/// && self.irs_of(to).is_none()` → `||` in `on_syn`'s outside-the-window arm (the
/// second SYN would make the server keep 5000, the ISN seen before it, instead).
#[test]
fn second_syn_outside_the_window_keeps_the_first_irs() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(300, 101, SYN | ACK));
    send(&mut obs, C, seg(5000, 0, SYN));
    send(&mut obs, C, seg(6000, 0, SYN));
    assert_eq!(obs.state(S), State::SynReceived);
    let o = send(&mut obs, C, seg(101, 301, ACK));
    assert_eq!(o.receiver, State::Established, "{o:?}");
}

/// The server took the client's SYN 100 and answered `<SEQ=300><ACK=101>` (passive
/// SYN-RECEIVED; the client, ESTABLISHED on it, has not been seen to acknowledge
/// it). A bare SYN of the server with a later ISN, 5000, follows: a passive
/// SYN-RECEIVED sends SYN,ACKs, never a bare SYN, so its connection ended unseen and
/// it opened a new one (SYN_SENT), whatever the client does with the SYN (a
/// challenge ACK, RFC 5961 §4). A SYN with an earlier-looking ISN, 200, is taken as
/// an old duplicate instead (`Note::OldDuplicate`), the server staying.
#[test]
fn bare_syn_from_a_passive_syn_received_side() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(300, 101, SYN | ACK));
    let o = send(&mut obs, S, seg(200, 0, SYN));
    assert!(o.notes.contains(Note::OldDuplicate), "{o:?}");
    assert_eq!(obs.state(S), State::SynReceived);
    let o = send(&mut obs, S, seg(5000, 0, SYN));
    assert!(!o.notes.contains(Note::OldDuplicate), "{o:?}");
    assert_eq!(obs.state(S), State::SynSent, "{o:?}");
    assert_eq!(obs.state(C), State::Established);
}

/// A retransmission that carries more than its receiver has taken (the client's
/// 10 bytes at 101, acknowledged, sent again with 10 more) ends beyond `RCV.NXT`:
/// it is acceptable by any rule, not `AcceptedAtEdge`; the same 10 bytes again end
/// exactly at `RCV.NXT` and are. Kills `end == rcv_nxt && Retransmission` → `||` in
/// `Observer::old_text`.
#[test]
fn only_a_retransmission_ending_at_rcv_nxt_is_accepted_at_the_edge() {
    let mut obs = handshake();
    send(&mut obs, C, seg(101, 301, ACK).with_len(10));
    send(&mut obs, S, seg(301, 111, ACK));
    let o = send(&mut obs, C, seg(101, 301, ACK).with_len(20));
    assert!(o.notes.contains(Note::Retransmission), "{o:?}");
    assert!(!o.notes.contains(Note::AcceptedAtEdge), "{o:?}");
    send(&mut obs, S, seg(301, 121, ACK));
    let o = send(&mut obs, C, seg(111, 301, ACK).with_len(10));
    assert!(o.notes.contains(Note::AcceptedAtEdge), "{o:?}");
}

/// After the handshake and the client's 10 bytes at 101, the server's SYN,ACK is
/// seen again, `<SEQ=300><ACK=101>`: a retransmission (its ISN is the one in use),
/// which the client answers with a challenge ACK (RFC 5961 §4) but whose ACK still
/// names the server's `RCV.NXT`, sent after the data passed: 101 (the data has not
/// arrived, or was lost). The client's RST at 101 is then exact. Kills `isn !=
/// s.seq` → `==` in `into_synchronized` (the retransmission would be taken as of
/// another sequence space, its ACK stale, and the RST judged below the window).
#[test]
fn retransmitted_syn_ack_names_its_senders_rcv_nxt() {
    let mut obs = handshake();
    send(&mut obs, C, seg(101, 301, ACK).with_len(10));
    send(&mut obs, S, seg(300, 101, SYN | ACK));
    let o = send(&mut obs, C, seg(101, 0, RST));
    assert!(o.notes.contains(Note::RstAccepted), "{o:?}");
    assert_eq!(obs.state(S), State::Closed);
}

// Kills 763:57 "replace == with != in Observer::set" and found a real defect: the
// guess that the server still holds the client's first IRS (after a second SYN sent it
// back to LISTEN) outlived the server's own SYN,ACK for the second SYN, so a stale ACK
// of the first SYN (`<ACK=101>`, acknowledging an ISN the server no longer holds)
// revived IRS 100 and the client's FIN at 5001 was later held back as beyond a gap.
// By RFC 9293 §3.10.7.3 the server's SYN,ACK `<ACK=5001>` shows it took SYN 5000:
// the stale ACK is unacceptable to the client (it acknowledges nothing the client
// sent since 5000), and the FIN at RCV.NXT = 5001 moves the server to CLOSE_WAIT.
#[test]
fn stale_ack_of_an_abandoned_syn_does_not_revive_it() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, C, seg(5000, 0, SYN));
    assert!(o.notes.contains(Note::Reopened));
    assert_eq!(obs.state(S), State::Listen);
    send(&mut obs, S, seg(300, 5001, SYN | ACK));
    assert_eq!(obs.state(C), State::Established);
    let o = send(&mut obs, S, seg(301, 101, ACK));
    assert!(o.notes.contains(Note::Unacceptable));
    assert!(o.transitions.is_empty());
    send(&mut obs, C, seg(5001, 301, ACK));
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::Established, State::Established)
    );
    let o = send(&mut obs, C, seg(5001, 301, FIN | ACK));
    assert_states(&o, State::FinWait1, State::CloseWait);
}

/// Server FIN first; the client acknowledges it and closes (LAST_ACK), and the
/// server's ACK of that FIN closes the client (RFC 793 figure 13, sides swapped):
/// the server in TIME_WAIT, the client CLOSED.
fn server_time_wait_client_closed() -> Observer {
    let mut obs = handshake();
    send(&mut obs, S, seg(301, 101, FIN | ACK));
    send(&mut obs, C, seg(101, 302, ACK));
    send(&mut obs, C, seg(101, 302, FIN | ACK));
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::LastAck, State::TimeWait)
    );
    send(&mut obs, S, seg(302, 102, ACK));
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::Closed, State::TimeWait)
    );
    obs
}

// Kills "replace && with ||" in the reopening's `time_wait_ran_out[to] && old_to ==
// CLOSED` (on_segment; 1047:56 of 51d48e4, 1040:48 of 4e35e7a). The client closes
// from LAST_ACK (the ACK of its FIN seen: RFC 9293 figure 5 has no TIME-WAIT on that
// path); the server's 2·MSL runs out and it opens again with a new ISN, which the
// observer takes as reopening the connection (the client back to LISTEN, then
// SYN_RECEIVED). A copy of the client's old ACK `<SEQ=102><ACK=302>`, still in
// flight, then passes: it names exactly what the client acknowledged last, but the
// client was never in TIME-WAIT, so it is no TIME-WAIT answer to the SYN, and the
// client is not revised into TIME_WAIT (a CLOSED side answers a SYN with a RST, a
// listening one with a SYN,ACK). Only the side whose own TIME-WAIT ran out keeps that
// mark across the reopening.
#[test]
fn old_ack_of_a_side_closed_from_last_ack_is_no_time_wait_answer() {
    let mut obs = server_time_wait_client_closed();
    let later = Duration::from_secs(3600);
    obs.on_time(later);
    assert_eq!(obs.state(S), State::Closed);
    let o = obs.on_segment(S, &seg(5000, 0, SYN), later);
    assert!(o.notes.contains(Note::Reopened), "{o:?}");
    assert_eq!(obs.state(C), State::SynReceived);
    let o = obs.on_segment(C, &seg(102, 302, ACK), later);
    assert!(
        !o.transitions.iter().any(|t| t.to == State::TimeWait),
        "{o:?}"
    );
    assert_ne!(obs.state(C), State::TimeWait);
}

/// `refused()`, then the client's SYN again with a new ISN `isn`, which the observer
/// takes as reopening: the server, listening again, in a passive SYN_RECEIVED on it.
fn refused_then_new_syn(isn: u32) -> Observer {
    let mut obs = refused();
    let o = send(&mut obs, C, seg(isn, 0, SYN));
    assert!(o.notes.contains(Note::Reopened), "{o:?}");
    assert_eq!(obs.state(S), State::SynReceived);
    obs
}

// Kills "delete !" in `if !isn.in_window(ack, smallest)` (the LISTEN guess after a
// refused SYN's SYN,ACK; on_syn_ack, 1868:20 of b81f13c). The server's SYN,ACK
// answers the refused SYN 100 (`<ACK=101>`), so it took a later copy of it; its
// window, 65,535 with no scale offered, is exact (RFC 7323 §2.2), and puts the
// client's new SYN 5000 inside: that SYN returned the passive SYN-RECEIVED to
// LISTEN, silently (RFC 9293 §3.10.7.4; MUST-11) — no guess about it. An ACK of
// IRS 100 seen afterwards comes from no TCB of the server's: it stays in LISTEN.
#[test]
fn syn_ack_of_the_refused_syn_with_the_new_syn_inside_its_window_is_certain() {
    let mut obs = refused_then_new_syn(5000);
    let o = send(
        &mut obs,
        S,
        Segment::new(SeqNum(700), SeqNum(101), SYN | ACK).with_window(65535),
    );
    assert_eq!(obs.state(S), State::Listen, "{o:?}");
    send(&mut obs, S, seg(701, 101, ACK));
    assert_eq!(obs.state(S), State::Listen);
}

// Kills "replace - with +" in `listen_guess = Some((from, ack - 1))` (1869:57 of
// b81f13c) and again the "delete !" above. The same SYN,ACK, now with a window field
// of 1,000 and a window scale of 7 offered: the window in use lies between 896 (the
// field rounded down to whole units of 128, as `Endpoint` does) and 1,000 (the field
// as Linux keeps it), and the client's new SYN at 1,051 lies 950 past `RCV.NXT` =
// 101: perhaps inside, perhaps outside. The observer guesses LISTEN; the server's
// ACK `<ACK=101>` that follows is what a SYN-RECEIVED holding IRS 100 sends when it
// drops a SYN outside its window (RFC 9293 §3.10.7.4, first check): the server is
// in SYN_RECEIVED.
#[test]
fn ack_of_the_refused_syn_revises_the_listen_guess() {
    let mut obs = refused_then_new_syn(1051);
    let syn_ack = Segment::new(SeqNum(700), SeqNum(101), SYN | ACK)
        .with_window(1000)
        .with_options(synack::segment::SynOptions {
            window_scale: Some(7),
            ..synack::segment::SynOptions::default()
        });
    send(&mut obs, S, syn_ack);
    assert_eq!(obs.state(S), State::Listen);
    let o = send(&mut obs, S, seg(701, 101, ACK));
    assert_eq!(obs.state(S), State::SynReceived, "{o:?}");
    assert!(
        o.transitions
            .iter()
            .any(|t| t.side == S && t.cause == Cause::Revised),
        "{o:?}"
    );
}

// Kills "replace && with ||" in `if fin && state_from == State::Closed` (on_other,
// 2367:16 of b81f13c). The server refuses the client's SYN (CLOSED); a stray ACK of
// it, `<SEQ=701><ACK=101>` (no FIN), passes; then its SYN,ACK from ISN 700, which
// answers the SYN again (it listened and took a copy). Nothing the server sent was a
// FIN: the SYN,ACK puts it in SYN_RECEIVED (RFC 9293 §3.10.7.2), not FIN_WAIT_1.
#[test]
fn segment_without_fin_from_a_closed_side_is_no_fin_of_its_next_tcb() {
    let mut obs = refused();
    send(&mut obs, S, seg(701, 101, ACK));
    let o = send(&mut obs, S, seg(700, 101, SYN | ACK));
    assert_eq!(obs.state(S), State::SynReceived, "{o:?}");
}

// Kills "replace && with ||" between `state_from == TimeWait` and `state_to ==
// SynSent` in the marking of a FIN seen again from TIME_WAIT (on_other, 2336:55 of
// b81f13c). The server closes first and ends in TIME_WAIT (its FIN at 301), the
// client closes from LAST_ACK and opens again with its old ISN 100 (the same tick of
// its ISN clock): TIME-WAIT answers with an ACK `<SEQ=302><ACK=102>` (RFC 9293
// §3.10.7.4, RFC 6191: not beyond `RCV.NXT`). The server then leaves TIME-WAIT and
// takes the SYN, with its old ISN too: SYN,ACK `<SEQ=300><ACK=101>`. Its FIN at 301
// was its old connection's, seen before the client's new SYN, and no FIN followed:
// the SYN,ACK puts it in SYN_RECEIVED and the client in ESTABLISHED (§3.10.7.3).
#[test]
fn ack_from_time_wait_is_no_fin_of_the_next_tcb() {
    let mut obs = server_time_wait_client_closed();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(302, 102, ACK));
    let o = send(&mut obs, S, seg(300, 101, SYN | ACK));
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::Established, State::SynReceived),
        "{o:?}"
    );
}

// The refusal's mark and a LISTEN the observer reached by a RST (on_syn_ack, the
// `guessed_listen` arm of 6627323+). The client's SYN 100 is refused; it opens again
// with ISN 5000, which the observer has the listening server take; the client's RST
// at 5001 then returns the server to LISTEN in the observer's eyes. The server's
// SYN,ACK `<ACK=101>` with a window of 1,000 (no scale: exact) answers the refused
// SYN: the server took a later copy of it, so the SYN 5000 lay outside its window
// (dropped with an ACK, RFC 9293 §3.10.7.4) and so did the RST at 5001 (ignored):
// it is in SYN_RECEIVED on IRS 100.
#[test]
fn syn_ack_of_the_refused_syn_after_a_rst_outside_its_window() {
    let mut obs = refused_then_new_syn(5000);
    let o = send(&mut obs, C, seg(5001, 0, RST));
    assert!(o.notes.contains(Note::RstAccepted), "{o:?}");
    assert_eq!(obs.state(S), State::Listen);
    let o = send(&mut obs, S, seg(700, 101, SYN | ACK));
    assert_eq!(obs.state(S), State::SynReceived, "{o:?}");
}

// Kills "replace - with +" and "replace - with /" in `s.seq + (s.len - 1)`, the last
// byte of a segment judged against the smallest window its receiver's SYN allows
// (on_other, 2604:61 of 69623d9). The client's SYN offers shift 8 with a window
// field of 1,368: with scaling in effect the window in use lies between 1,280 (whole
// units of 256) and 1,368 (RFC 7323 §2.2: a SYN's field is unscaled). The server's
// 1,280 bytes from the client's `RCV.NXT` (the client's SYN its last window field)
// fit in either: accepted whole, with no doubt; 1,281 bytes run past the smaller.
#[test]
fn text_ending_at_the_smallest_syn_window_is_known_accepted() {
    use synack::segment::SynOptions;
    let shift = |n: u8| SynOptions {
        window_scale: Some(n),
        ..SynOptions::default()
    };
    let opened = || {
        let mut obs = Observer::new();
        let syn = Segment::new(SeqNum(100), SeqNum(0), SYN)
            .with_window(1368)
            .with_options(shift(8));
        send(&mut obs, C, syn);
        let syn_ack = Segment::new(SeqNum(300), SeqNum(101), SYN | ACK)
            .with_window(1000)
            .with_options(shift(0));
        send(&mut obs, S, syn_ack);
        obs
    };
    let mut obs = opened();
    let o = send(&mut obs, S, seg(301, 101, ACK).with_len(1280));
    assert!(!o.notes.contains(Note::AcceptedInUnknownWindow), "{o:?}");
    let mut obs = opened();
    let o = send(&mut obs, S, seg(301, 101, ACK).with_len(1281));
    assert!(o.notes.contains(Note::AcceptedInUnknownWindow), "{o:?}");
}

// Kills 1056:41 of 4b63a0f, `&&` → `||` in carrying a FIN across a reopening only for a
// side that refused and has shown no ISN (`minimized-crash15`'s rule). The server,
// its SYN,ACK unseen, closes from SYN-RECEIVED (FIN `<SEQ=301>`, acknowledging the
// client's SYN) and then aborts (RST): it was never refused, and that TCB is gone.
// The client's SYN again (ISN 100: a retry) reopens the connection; the server's
// SYN,ACK from ISN 300 (the same clock tick) is its new TCB's, in SYN_RECEIVED — the
// old FIN at 301 was the aborted TCB's, not this one's — and the client's ACK makes it
// ESTABLISHED (RFC 9293 §3.10.7.4, fifth check).
#[test]
fn fin_of_an_aborted_tcb_is_not_carried_across_a_reopening() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, S, seg(301, 101, FIN | ACK));
    assert_eq!(o.sender, State::FinWait1, "{o:?}");
    let o = send(&mut obs, S, seg(302, 101, RST | ACK));
    assert!(!o.notes.contains(Note::Refused), "{o:?}");
    assert_eq!(obs.state(S), State::Closed, "{o:?}");
    let o = send(&mut obs, C, seg(100, 0, SYN));
    assert!(o.notes.contains(Note::Reopened), "{o:?}");
    let o = send(&mut obs, S, seg(300, 101, SYN | ACK));
    assert_eq!(o.sender, State::SynReceived, "{o:?}");
    let o = send(&mut obs, C, seg(101, 301, ACK));
    assert_states(&o, State::Established, State::Established);
}

// A RST from a side in SYN_RECEIVED at a sequence number other than its ISN + 1 is no
// abort of its TCB (which would carry its `SND.NXT`, ISN + 1: SYN-RECEIVED sends no
// text) but its answer to an unacceptable segment, `<SEQ=SEG.ACK><CTL=RST>` (RFC 9293
// §3.10.7.3 from SYN-SENT, §3.10.7.4 fifth check from SYN-RECEIVED): the side stays.
// (`state` fuzz find `4fcaffef`, found fuzzing the mutant 324:69.) After a connection
// the server opened and that leaves it in TIME-WAIT (`RCV.NXT` 112), the client opens
// again with the
// same ISN (the TIME-WAIT challenges it, RFC 6191: not beyond `RCV.NXT`), and the
// server's TIME-WAIT ACK `<SEQ=302><ACK=112>` reaches the client in SYN-SENT, which
// answers `<SEQ=112><CTL=RST>` and stays. The server, opened again unseen with its old
// ISN, sends its SYN, which the client takes (SYN_RECEIVED), and the client's RST is
// seen only then; the observer, which has the server in TIME_WAIT still (its SYN may
// be a copy of its first), takes it as exact there, but the client stays.
#[test]
fn rst_answering_an_unacceptable_ack_keeps_syn_received() {
    let mut obs = handshake_opened_by_the_server();
    send(&mut obs, C, seg(101, 301, ACK).with_len(10));
    send(&mut obs, S, seg(301, 111, ACK));
    send(&mut obs, S, seg(301, 111, FIN | ACK));
    send(&mut obs, C, seg(111, 302, ACK));
    send(&mut obs, C, seg(111, 302, FIN | ACK));
    let o = send(&mut obs, S, seg(302, 112, ACK));
    assert_states(&o, State::TimeWait, State::Closed);
    send(&mut obs, S, seg(302, 112, ACK));
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, S, seg(300, 0, SYN));
    assert_eq!(o.receiver, State::SynReceived, "{o:?}");
    let o = send(&mut obs, C, seg(112, 0, RST));
    assert!(o.notes.contains(Note::RstAccepted), "{o:?}");
    assert_eq!(o.sender, State::SynReceived, "{o:?}");
}

// Kills 2199:17 of 7463a65, "delete match arm (Some(c), Some(at))" in `in_window`: the
// receiver's last ACK names its `RCV.NXT` only while the sender has sent nothing in
// order since. The server acknowledges 101; the client's 10 bytes (101..111) pass the
// capture point after it and reach the server (`RCV.NXT` 111). A RST at 101 — the
// stale ACK, as a closed client answers that ACK arriving late with `<SEQ=SEG.ACK>` —
// lies below the server's window: dropped (RFC 9293 §3.10.7.4, first check), the
// server stays ESTABLISHED.
#[test]
fn rst_at_an_ack_the_sender_has_sent_past_is_outside_the_window() {
    let mut obs = handshake();
    send(&mut obs, S, seg(301, 101, ACK));
    send(&mut obs, C, seg(101, 301, ACK).with_len(10));
    let o = send(&mut obs, C, seg(101, 0, RST));
    assert!(o.notes.contains(Note::RstIgnored), "{o:?}");
    assert_eq!(obs.state(S), State::Established, "{o:?}");
}

// The guess that an accepted RST was only challenged (`reset_guess`) lasts until the
// RST's receiver speaks again, whatever its sender sends in between (`state` fuzz find
// `e1ebdcd5`, found fuzzing the mutant 1203:83, failing on the real code). After a
// connection the server opened and that leaves it in TIME-WAIT (`RCV.NXT` 102), both
// sides open again with their old ISNs (the server's SYN may be a copy of its first). The client, in SYN-SENT, answers the server's TIME-WAIT ACK with
// `<SEQ=102><CTL=RST>`, which the observer, still holding the server in TIME_WAIT, takes
// as exact there. The client's SYN,ACK follows (the server's SYN crossed its own), and
// the server answers it with an ACK at `<ACK=101>`: a TCP the RST had closed would
// answer with a RST, so the RST closed nothing, and the client, its SYN,ACK
// acknowledged, is ESTABLISHED (RFC 9293 §3.10.7.4, fifth check). The server's FIN
// that follows reaches it once it acknowledges past it: CLOSE_WAIT.
#[test]
fn ack_after_the_rst_senders_syn_ack_shows_the_rst_was_challenged() {
    let mut obs = handshake_opened_by_the_server();
    send(&mut obs, S, seg(301, 101, FIN | ACK));
    send(&mut obs, C, seg(101, 302, ACK));
    send(&mut obs, C, seg(101, 302, FIN | ACK));
    let o = send(&mut obs, S, seg(302, 102, ACK));
    assert_states(&o, State::TimeWait, State::Closed);
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(302, 102, ACK));
    send(&mut obs, S, seg(300, 0, SYN));
    let o = send(&mut obs, C, seg(102, 0, RST));
    assert!(o.notes.contains(Note::RstAccepted), "{o:?}");
    send(&mut obs, C, seg(100, 301, SYN | ACK));
    let o = send(&mut obs, S, seg(301, 101, ACK));
    assert!(o.notes.contains(Note::Challenged), "{o:?}");
    assert_eq!(o.receiver, State::Established, "{o:?}");
    send(&mut obs, S, seg(301, 101, FIN | ACK));
    let o = send(&mut obs, C, seg(101, 302, ACK));
    assert_eq!(obs.state(C), State::CloseWait, "{o:?}");
}

// A RST,ACK from a side in SYN_RECEIVED at `<SEQ=0>` is a closed TCP's answer to a
// segment without ACK, `<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>` (RFC 9293 §3.10.7.1):
// its sender has no TCB, unlike a SYN-RECEIVED side answering an unacceptable ACK,
// whose RST carries no ACK (`state` fuzz find `5cde756e`, found fuzzing the mutant
// 1919:71, failing on the code of 7463a65). The server's SYN 300 makes the observer
// take the client as listening (SYN_RECEIVED); a copy of an old SYN,ACK of the client,
// acknowledging another SYN, passes; then the client, closed, answers the SYN with
// that RST,ACK, which the server in SYN-SENT accepts (it acknowledges its SYN,
// §3.10.7.3): both CLOSED.
#[test]
fn rst_ack_at_zero_from_syn_received_closes_its_sender() {
    let mut obs = Observer::new();
    let o = send(&mut obs, S, seg(300, 0, SYN));
    assert_eq!(o.receiver, State::SynReceived, "{o:?}");
    send(&mut obs, C, seg(100, 9000, SYN | ACK));
    let o = send(&mut obs, C, seg(0, 301, RST | ACK));
    assert!(o.notes.contains(Note::RstAccepted), "{o:?}");
    assert_eq!(
        (obs.state(C), obs.state(S)),
        (State::Closed, State::Closed),
        "{o:?}"
    );
}

// Kills 2664:16 of 626a3c4, "delete !" in `on_other`'s SYN-SENT receiver: a segment
// without SYN or RST into SYN-SENT is dropped either way, and `Note::Unacceptable`
// marks exactly the one whose ACK does not acknowledge the receiver's SYN (RFC 9293
// §3.10.7.3: `SEG.ACK =< ISS or SEG.ACK > SND.NXT`, answered with a RST). The client's
// SYN 100 is in flight; the server (its SYN,ACK unseen) sends an ACK of 5000, then
// one of 101.
#[test]
fn ack_into_syn_sent_is_unacceptable_only_when_it_misses_the_syn() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, S, seg(300, 5000, ACK));
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(obs.state(C), State::SynSent, "{o:?}");
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, S, seg(301, 101, ACK));
    assert!(!o.notes.contains(Note::Unacceptable), "{o:?}");
}

// Kills 1203:83 of 626a3c4 (`!=` → `==` in `first_ack`: a SYN,ACK with the side's
// known ISN would start its highest ACK over). The server's SYN,ACK is duplicated in
// the network; the copy passes the capture point after the server acknowledged the
// client's 10 bytes (`RCV.NXT` 111). The copy says nothing of the server's `RCV.NXT`
// now, so a RST at 101 (the copy's ACK) lies below the window and is dropped (RFC
// 9293 §3.10.7.4, first check).
#[test]
fn old_copy_of_a_syn_ack_does_not_lower_the_receivers_rcv_nxt() {
    let mut obs = handshake();
    send(&mut obs, C, seg(101, 301, ACK).with_len(10));
    send(&mut obs, S, seg(301, 111, ACK));
    send(&mut obs, S, seg(300, 101, SYN | ACK));
    let o = send(&mut obs, C, seg(101, 0, RST));
    assert!(o.notes.contains(Note::RstIgnored), "{o:?}");
    assert_eq!(obs.state(S), State::Established, "{o:?}");
}

// Kills 1203:39 of 626a3c4 ("delete !" before `foreign_ack` in `first_ack`: a SYN,ACK
// from a new ISN that acknowledges the peer's SYN would not start the side's highest
// ACK over). After the client's 10 bytes and the server's ACK of 111, the server's
// SYN,ACK from a new ISN, 700, acknowledging the client's ISN + 1: a new TCB of the
// server (its old one ended unseen; an ESTABLISHED TCB sends no SYN,ACK) took a copy
// of the client's SYN, and its `RCV.NXT` is 101, whatever the old TCB acknowledged.
// The client, synchronized, challenges the SYN,ACK; its RST at 101 is exact for the
// server's TCB (RFC 9293 §3.10.7.4): accepted.
#[test]
fn syn_ack_of_a_new_tcb_starts_its_rcv_nxt_over() {
    let mut obs = handshake();
    send(&mut obs, C, seg(101, 301, ACK).with_len(10));
    send(&mut obs, S, seg(301, 111, ACK));
    send(&mut obs, S, seg(700, 101, SYN | ACK));
    let o = send(&mut obs, C, seg(101, 0, RST));
    assert!(o.notes.contains(Note::RstAccepted), "{o:?}");
}

// A side closed by a RST acknowledges the peer's SYN,ACK seen after that RST: the
// RST reached it first (same direction, RFC 9293's in-order delivery at the capture
// point), and a closed TCP answers a SYN,ACK with a RST (§3.10.7.1), so it had opened
// again with the same ISN (its SYN unseen) and is ESTABLISHED; its FIN then closes the
// peer (`state` fuzz find `5b9aadf2`, found fuzzing the mutant 2199:17, failing on the
// code of 626a3c4). The server refuses the client's SYN, then takes a retransmission
// of it (its SYN,ACK seen after the refusal).
#[test]
fn ack_of_a_syn_ack_seen_after_the_rst_shows_its_sender_open() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, S, seg(0, 101, RST | ACK));
    assert!(o.notes.contains(Note::Refused), "{o:?}");
    send(&mut obs, S, seg(300, 101, SYN | ACK));
    let o = send(&mut obs, C, seg(101, 301, ACK));
    assert_states(&o, State::Established, State::Established);
    let o = send(&mut obs, C, seg(101, 301, FIN | ACK));
    assert_states(&o, State::FinWait1, State::CloseWait);
    // The same with the server's FIN seen before the client's ACK (`crash24b`): the
    // client's ACK of 302 then acknowledges that FIN too.
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(0, 101, RST | ACK));
    send(&mut obs, S, seg(300, 101, SYN | ACK));
    let o = send(&mut obs, S, seg(301, 101, FIN | ACK));
    assert_eq!(o.sender, State::FinWait1, "{o:?}");
    let o = send(&mut obs, C, seg(101, 301, ACK));
    assert_eq!(o.sender, State::Established, "{o:?}");
    let o = send(&mut obs, C, seg(101, 302, ACK));
    assert_states(&o, State::CloseWait, State::FinWait2);
}

// A side in TIME_WAIT whose ISN the capture saw only in its SYN,ACK (it opened
// passively) never sent a bare SYN with it: a bare SYN with that ISN, into a peer in
// SYN_SENT, is a new TCB's (opened actively with the same ISN, its TIME-WAIT ended
// unseen, e.g. by an abort), crossing the peer's SYN — not a retransmission. Its FIN
// after the crossed open closes the peer (`state` fuzz find `63a33b41`, found fuzzing
// the mutant 2174:81, failing on the code of 9eff943).
#[test]
fn bare_syn_from_a_passive_time_wait_side_is_a_new_tcb() {
    let mut obs = handshake_opened_by_the_server();
    send(&mut obs, C, seg(101, 301, FIN | ACK));
    send(&mut obs, S, seg(301, 102, ACK));
    send(&mut obs, S, seg(301, 102, FIN | ACK));
    let o = send(&mut obs, C, seg(102, 302, ACK));
    assert_states(&o, State::TimeWait, State::Closed);
    send(&mut obs, S, seg(300, 0, SYN));
    let o = send(&mut obs, C, seg(100, 0, SYN));
    assert!(!o.notes.contains(Note::Retransmission), "{o:?}");
    assert_states(&o, State::SynSent, State::SynReceived);
    send(&mut obs, S, seg(300, 101, SYN | ACK));
    send(&mut obs, C, seg(101, 301, ACK));
    let o = send(&mut obs, C, seg(101, 301, FIN | ACK));
    assert_states(&o, State::FinWait1, State::CloseWait);
}

// A SYN,ACK into a side seen sending its FIN, acknowledging nothing past that FIN, is
// challenged (RFC 5961 §4, RFC 9293 §3.10.7.4 fourth check), even where the observer
// forgot the side's ISN when the peer's new SYN started it over: the side stays in
// FIN_WAIT_1 (`state` fuzz find `831378b0`, on the code of 00b1615). The open crosses;
// the server opens twice more (new ISNs; the second starts the observer over); the
// client closes from SYN-RECEIVED (its FIN at its ISN + 1); the server's new TCB's
// SYN,ACK acknowledges the client's SYN.
#[test]
fn syn_ack_into_a_side_that_sent_its_fin_is_challenged() {
    let mut obs = Observer::new();
    send(&mut obs, S, seg(300, 0, SYN));
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(400, 0, SYN));
    send(&mut obs, C, seg(100, 301, SYN | ACK));
    let o = send(&mut obs, S, seg(500, 0, SYN));
    assert!(o.notes.contains(Note::Reopened), "{o:?}");
    let o = send(&mut obs, C, seg(101, 301, FIN | ACK));
    assert_eq!(o.sender, State::FinWait1, "{o:?}");
    let o = send(&mut obs, S, seg(500, 101, SYN | ACK));
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(obs.state(C), State::FinWait1, "{o:?}");
}

// Kills 2168:55 of 00b1615 (`!=` → `==` in crash21's rule): a RST without ACK from a
// side in SYN_RECEIVED *at* its ISN + 1 is its abort (`<SEQ=SND.NXT><CTL=RST>`, RFC
// 9293 §3.9 ABORT): the side is CLOSED. The open crosses (both in SYN_RECEIVED); the
// client aborts with its RST at 101, the server's `RCV.NXT`: exact, both reset.
#[test]
fn rst_at_its_isn_plus_one_from_syn_received_is_an_abort() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, S, seg(300, 0, SYN));
    assert_states(&o, State::SynReceived, State::SynReceived);
    let o = send(&mut obs, C, seg(101, 0, RST));
    assert!(o.notes.contains(Note::RstAccepted), "{o:?}");
    assert_eq!(obs.state(C), State::Closed, "{o:?}");
}

// Kills 2111:11 of e3997fb (`&&` → `||` in crash26's `sent_fin`). A FIN the observer
// kept from a side it had closed (after that side refused one of two copies of the
// client's SYN) and carried across the client's reopening, at `<SEQ=1>`; then the
// client's SYN,ACK acknowledges 1: the server had sent a SYN from ISN 0 (unseen), took
// the other copy of the client's SYN (the open crossed) and closed from SYN-RECEIVED,
// its FIN at ISN + 1. It is in FIN_WAIT_1, and challenges the SYN,ACK (RFC 5961 §4) —
// crash8's rule seen from the other side. (With one copy only, the refused one, the
// server has no TCB that took the SYN: the FIN is not kept, see
// `observer_finds::fin_of_an_earlier_incarnation_is_not_kept_when_every_syn_copy_was_answered`.)
#[test]
fn syn_ack_acknowledging_a_kept_fin_puts_its_sender_in_fin_wait_1() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(1000, 0, SYN));
    send(&mut obs, C, seg(1000, 0, SYN));
    let o = send(&mut obs, S, seg(0, 1001, RST | ACK));
    assert!(o.notes.contains(Note::Refused), "{o:?}");
    send(&mut obs, S, seg(1, 1001, FIN | ACK));
    let o = send(&mut obs, C, seg(1000, 0, SYN));
    assert!(o.notes.contains(Note::Reopened), "{o:?}");
    let o = send(&mut obs, C, seg(1000, 1, SYN | ACK));
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(obs.state(S), State::FinWait1, "{o:?}");
    assert_eq!(obs.isn(S), Some(SeqNum(0)), "{o:?}");
}

// A FIN from a side the observer takes for closed, reaching its ESTABLISHED
// receiver's `RCV.NXT`, is taken by that receiver (RFC 9293 §3.10.7.4: it judges the
// segment by its own TCB, not by its sender's state), and a closed TCP sends no FIN
// (§3.10.7.1): the sender is open — revised to ESTABLISHED — and the FIN its own,
// even at the number of a FIN seen from it before (`state` fuzz find `63a33b41`,
// minimised to `crash27`). A clean connection with the client in TIME_WAIT; both open
// again with the same ISNs, crossing, so that every segment of the new open is bit
// for bit one of the first connection's (the client's SYN passes for a copy, and the
// observer keeps the client in TIME_WAIT); its TIME_WAIT runs out; the client closes.
/// Client ISN 100, server ISN 300: a clean connection (the client closes first) and
/// a second one with the same ISNs, crossing, whose segments are bit for bit the
/// first's: the observer keeps the client in TIME_WAIT until it runs out (at
/// `AFTER_TIME_WAIT`), the server ESTABLISHED.
fn reopened_with_the_same_isns() -> Observer {
    let mut obs = handshake();
    send(&mut obs, C, seg(101, 301, FIN | ACK));
    send(&mut obs, S, seg(301, 102, ACK));
    send(&mut obs, S, seg(301, 102, FIN | ACK));
    send(&mut obs, C, seg(102, 302, ACK));
    send(&mut obs, S, seg(300, 0, SYN));
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, C, seg(100, 301, SYN | ACK));
    let o = send(&mut obs, S, seg(300, 101, SYN | ACK));
    assert_eq!(o.receiver, State::TimeWait, "{o:?}");
    assert_eq!(obs.state(S), State::Established);
    obs.on_time(AFTER_TIME_WAIT);
    assert_eq!(obs.state(C), State::Closed);
    obs
}

const AFTER_TIME_WAIT: Duration = Duration::from_secs(240);

#[test]
fn fin_from_a_side_taken_for_closed_reaches_its_established_receiver() {
    let mut obs = reopened_with_the_same_isns();
    let o = obs.on_segment(C, &seg(101, 301, FIN | ACK), AFTER_TIME_WAIT);
    assert_states(&o, State::FinWait1, State::CloseWait);
    assert!(
        o.transitions
            .iter()
            .any(|t| t.side == C && t.from == State::Closed && t.cause == Cause::Revised),
        "{o:?}"
    );
    let o = obs.on_segment(S, &seg(301, 102, ACK), AFTER_TIME_WAIT);
    assert_eq!(o.receiver, State::FinWait2, "{o:?}");
    // Into FIN_WAIT_1: the FIN crosses the receiver's (CLOSING), or, acknowledging
    // it, comes from CLOSE_WAIT (LAST_ACK) and ends the receiver's wait (TIME_WAIT).
    for (ack, sender, receiver) in [
        (301, State::FinWait1, State::Closing),
        (302, State::LastAck, State::TimeWait),
    ] {
        let mut obs = reopened_with_the_same_isns();
        let o = obs.on_segment(S, &seg(301, 101, FIN | ACK), AFTER_TIME_WAIT);
        assert_eq!(o.sender, State::FinWait1, "{o:?}");
        let o = obs.on_segment(C, &seg(101, ack, FIN | ACK), AFTER_TIME_WAIT);
        assert_states(&o, sender, receiver);
    }
    // Not at the receiver's `RCV.NXT` (after a gap, or before it: an old copy) the
    // FIN shows nothing: the sender stays closed, the receiver ESTABLISHED.
    for seq in [102, 100] {
        let mut obs = reopened_with_the_same_isns();
        let o = obs.on_segment(C, &seg(seq, 301, FIN | ACK), AFTER_TIME_WAIT);
        assert_eq!(
            (o.sender, o.receiver),
            (State::Closed, State::Established),
            "{seq}: {o:?}"
        );
    }
}

// A side whose receiver synchronized on the IRS it kept has that ISN in use again
// (the rule of `Observer::set` for a kept IRS), even though a later SYN of the side,
// with an earlier ISN, left its next sequence number behind: a SYN,ACK acknowledging
// exactly that ISN + 1 acknowledges its SYN (RFC 9293 §3.10.7.3) and completes its
// open. The open crosses (client ISN 1000, server 300); the client's SYN with ISN 500
// reaches a server holding IRS 1000, which keeps it (RFC 9293 §3.10.7.4); the server
// closes from SYN-RECEIVED, acknowledging 1001, then sends its SYN,ACK again. Kills
// 324:69 of 00b1615 (`isn + 1` → `isn - 1` in `Half::acks_syn`'s upper bound, which
// then lies before the ISN + 1: nothing is acknowledged and the client stays in
// SYN_SENT).
#[test]
fn restored_isn_is_acknowledged_at_its_successor() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(1000, 0, SYN));
    let o = send(&mut obs, S, seg(300, 0, SYN));
    assert_states(&o, State::SynReceived, State::SynReceived);
    let o = send(&mut obs, C, seg(500, 0, SYN));
    assert_states(&o, State::SynSent, State::SynReceived);
    let o = send(&mut obs, S, seg(301, 1001, FIN | ACK));
    assert_states(&o, State::FinWait1, State::SynSent);
    assert!(!o.notes.contains(Note::Unacceptable), "{o:?}");
    let o = send(&mut obs, S, seg(300, 1001, SYN | ACK));
    assert_states(&o, State::FinWait1, State::Established);
    assert!(!o.notes.contains(Note::Unacceptable), "{o:?}");
}

// A passive side's first SYN,ACK seen after the RST that reset it to LISTEN answers
// the SYN it had taken — the RST at its `RCV.NXT`, IRS + 1, which its own bare ACK
// (seen first: it overtook the SYN,ACK before the capture point) names —: sent
// before the RST arrived, it reopens nothing (the side stays in LISTEN). Its receiver,
// whose RST left it in SYN_SENT (a RST without ACK from SYN-SENT answers an
// unacceptable segment, RFC 9293 §3.10.7.3), processes it as any SYN,ACK of its SYN:
// ESTABLISHED. Kills 2233:81 of 9b678aa (`isn + 1` → `isn - 1` in `on_rst`'s
// `took_syn`: the RST's sender then seems to have reset a side that had not taken
// its SYN, and the SYN,ACK opens a new passive TCB).
#[test]
fn syn_ack_crossing_the_rst_that_reset_a_listener_opens_its_receiver() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(301, 101, ACK));
    let o = send(&mut obs, C, seg(101, 0, RST));
    assert_states(&o, State::SynSent, State::Listen);
    let o = send(&mut obs, S, seg(300, 101, SYN | ACK));
    assert_states(&o, State::Listen, State::Established);
    assert!(o.notes.contains(Note::AfterClose), "{o:?}");
}

// After a SYN,ACK of a passive side seen before the RST that reset it, the same
// SYN,ACK again is a retransmission that reopens nothing; one from another ISN is a
// new TCB's (the side, in LISTEN, took a copy of the peer's SYN): SYN_RECEIVED.
#[test]
fn syn_ack_after_the_reset_with_another_isn_is_a_new_tcb() {
    for (isn, notes, state) in [
        (300, Note::Retransmission, State::Listen),
        (700, Note::Inferred, State::SynReceived),
    ] {
        let mut obs = Observer::new();
        send(&mut obs, C, seg(100, 0, SYN));
        send(&mut obs, S, seg(300, 101, SYN | ACK));
        let o = send(&mut obs, C, seg(101, 0, RST));
        assert_states(&o, State::Closed, State::Listen);
        let o = send(&mut obs, S, seg(isn, 101, SYN | ACK));
        assert_eq!(o.sender, state, "{isn}: {o:?}");
        assert!(o.notes.contains(notes), "{isn}: {o:?}");
    }
}

// An active SYN-RECEIVED side (its SYN crossed the peer's) whose first SYN,ACK, from
// its own ISN, acknowledges another SYN of the peer than the one seen (ACK 499: ISN
// 498, a SYN the capture did not show) took that one: it holds IRS 498 and its
// `RCV.NXT` is 499 (RFC 9293 §3.10.7.4 fourth check challenges any other SYN). A
// RST of the peer at 499 resets it; one at 500, inside its window but not at
// `RCV.NXT`, draws a challenge ACK (RFC 5961 §3.2). Kills 1937:71 of 4cdf57c (`isn + 1`
// → `isn - 1` in `on_syn_ack`'s test for such a SYN,ACK: an ACK of exactly the seen
// ISN − 1 then passes for one of the seen SYN, the IRS is not kept, and the RST at
// 500 falls outside a window starting at 501).
#[test]
fn active_syn_received_keeps_the_irs_its_syn_ack_names() {
    for (rst, closed, notes) in [
        (499, true, Note::RstAccepted),
        (500, false, Note::Challenged),
    ] {
        let mut obs = Observer::new();
        send(&mut obs, C, seg(1002, 0, SYN));
        let o = send(&mut obs, S, seg(500, 0, SYN));
        assert!(o.notes.contains(Note::Crossed), "{o:?}");
        let o = send(&mut obs, C, seg(1002, 499, SYN | ACK));
        assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
        let o = send(&mut obs, S, seg(rst, 0, RST));
        assert_eq!(o.receiver == State::Closed, closed, "{rst}: {o:?}");
        assert!(o.notes.contains(notes), "{rst}: {o:?}");
    }
}

// The guess that a passive side went back to LISTEN on the peer's new SYN (another
// ISN inside a window the capture has not shown exactly) ends when the side
// acknowledges that new SYN, even with a bare ACK from SYN-RECEIVED (its SYN,ACK not
// seen): it took the new SYN, so a later segment of it acknowledging the old IRS is a
// copy sent before, which revives nothing, and the peer's ISN in use stays the new
// one when the side synchronizes. Kills 908:39 of d45571e (`delete !` in `!rst` where
// the guess ends: it would end only on a RST, and the stale ACK of 101 would bring
// back IRS 100).
#[test]
fn listen_guess_ends_when_the_side_acknowledges_the_new_syn() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(100, 0, SYN));
    let o = send(&mut obs, C, seg(5000, 0, SYN));
    assert_eq!(o.receiver, State::Listen, "{o:?}");
    let o = send(&mut obs, C, seg(5000, 0, SYN));
    assert_eq!(o.receiver, State::SynReceived, "{o:?}");
    send(&mut obs, S, seg(301, 5001, ACK));
    let o = send(&mut obs, S, seg(301, 101, ACK));
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    let o = send(&mut obs, C, seg(5001, 301, ACK));
    assert_states(&o, State::Established, State::Established);
    assert_eq!(obs.isn(C), Some(SeqNum(5000)));
}

// A FIN a side was seen to send just past the ISN of the SYN,ACK with which it
// answers the peer's new SYN (after the observer had it closed: the observer starts
// over) is that TCB's, kept pending across the restart: the peer's ACK of the
// SYN,ACK and that FIN (1002) finds the side in FIN_WAIT_1 and the peer takes the FIN
// (CLOSE_WAIT). The server opens (SYN 300); its FIN at 1001 is seen next (it overtook
// the server's SYN,ACK of a later connection before the capture point); the client
// opens again (SYN 500) and resets the server's connection as the observer sees it;
// the server's SYN,ACK 1000 answers the client's SYN. Kills 1164:54 and 1164:63 of
// d45571e (`==` → `!=` and `+` → `-` in keeping that FIN: it would be dropped, the
// server left in SYN_RECEIVED and the client's ACK of 1002 taken as unacceptable).
#[test]
fn fin_just_past_the_isn_of_a_reopening_syn_ack_is_that_tcbs() {
    let mut obs = Observer::new();
    send(&mut obs, S, seg(300, 0, SYN));
    let o = send(&mut obs, S, seg(1001, 101, FIN | ACK));
    assert_eq!(o.sender, State::FinWait1, "{o:?}");
    send(&mut obs, C, seg(500, 0, SYN));
    let o = send(&mut obs, C, seg(101, 1002, RST | ACK));
    assert_eq!(o.receiver, State::Closed, "{o:?}");
    let o = send(&mut obs, S, seg(1000, 501, SYN | ACK));
    assert!(o.notes.contains(Note::Reopened), "{o:?}");
    assert_states(&o, State::FinWait1, State::Established);
    let o = send(&mut obs, C, seg(501, 1002, ACK));
    assert_states(&o, State::CloseWait, State::FinWait2);
}

// A RST without ACK from a side in SYN_RECEIVED at exactly ISN + 1 of the ISN its
// peer holds for it is the side's own abort (RFC 9293 §3.10.5 sends `<SEQ=SND.NXT>
// <CTL=RST>`, and SND.NXT is ISN + 1 in SYN-RECEIVED): the side is CLOSED and the
// peer, reset at its `RCV.NXT`, too. The client opens (SYN 500); the server's FIN
// without ACK is dropped; the server's SYN 300 crosses the client's (both in
// SYN_RECEIVED, the client holding IRS 300); the server's SYN,ACK from another ISN
// (1000), answering a client SYN never seen, is unacceptable and moves nothing; then
// the server's RST at 301. Kills 2211:55 of d45571e (`!=` → `==` in the test that
// the peer keeps another IRS of the side than its ISN now: the side would stay in
// SYN_RECEIVED, as if the RST answered an unacceptable segment).
#[test]
fn rst_at_the_held_isn_plus_one_from_syn_received_is_its_senders_abort() {
    let mut obs = Observer::new();
    send(&mut obs, C, seg(500, 0, SYN));
    let o = send(
        &mut obs,
        S,
        Segment::new(SeqNum(1001), SeqNum(0), FIN).with_window(1000),
    );
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    let o = send(&mut obs, S, seg(300, 0, SYN));
    assert_states(&o, State::SynReceived, State::SynReceived);
    let o = send(&mut obs, S, seg(1000, 101, SYN | ACK));
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    let o = send(&mut obs, S, seg(301, 0, RST));
    assert_states(&o, State::Closed, State::Closed);
    assert!(o.notes.contains(Note::RstAccepted), "{o:?}");
}

// A FIN seen again from a side in TIME_WAIT (a copy still in flight) into a peer in
// TIME_WAIT is what RFC 9293 §3.10.7.4 says TIME-WAIT expects: a retransmission of
// the remote FIN, acknowledged, restarting the 2·MSL timeout. A simultaneous close
// (both end in TIME_WAIT at 0 s); the server's FIN seen again at 100 s: the client's
// TIME_WAIT runs to 340 s, the server's ends at 240 s. Kills 2449:67 of d45571e (`==`
// → `!=` in `state_to == State::SynSent`, where such a FIN into a peer in SYN_SENT is
// marked pending: the FIN would not be delivered, nor the client's timer restarted).
#[test]
fn fin_again_into_time_wait_restarts_its_timer() {
    let mut obs = handshake();
    send(&mut obs, C, seg(101, 301, FIN | ACK));
    let o = send(&mut obs, S, seg(301, 101, FIN | ACK));
    assert!(o.notes.contains(Note::Crossed), "{o:?}");
    send(&mut obs, C, seg(102, 302, ACK));
    let o = send(&mut obs, S, seg(302, 102, ACK));
    assert_states(&o, State::TimeWait, State::TimeWait);
    let copy_at = Duration::from_secs(100);
    let o = obs.on_segment(S, &seg(301, 101, FIN | ACK), copy_at);
    assert!(o.notes.contains(Note::Retransmission), "{o:?}");
    obs.on_time(Duration::from_secs(241));
    assert_eq!(obs.state(S), State::Closed);
    assert_eq!(obs.state(C), State::TimeWait);
    obs.on_time(Duration::from_secs(341));
    assert_eq!(obs.state(C), State::Closed);
}

// A FIN seen again from a side in FIN_WAIT_1 after its peer's new SYN reaches the peer
// in SYN_SENT, which cannot take it; once the peer is synchronized, its ACK of that
// FIN shows the FIN (a retransmission) arrived: the peer is in CLOSE_WAIT. The
// server closes first (FIN 301); the client, its old TCB gone unseen, opens again
// (SYN 500); the server's FIN again; its SYN,ACK with the old ISN answers the new SYN
// (the same ISNs: the server's TCB takes the client's new SYN); the client
// acknowledges 302. Kills 2449:36 of d45571e (`state_from == State::TimeWait` →
// `!=`), and the code before it, which marked such a FIN pending only from TIME_WAIT,
// left the client ESTABLISHED while it acknowledged the server's FIN.
#[test]
fn fin_again_into_syn_sent_is_delivered_when_acknowledged() {
    let mut obs = handshake();
    let o = send(&mut obs, S, seg(301, 101, FIN | ACK));
    assert_states(&o, State::FinWait1, State::CloseWait);
    let o = send(&mut obs, C, seg(500, 0, SYN));
    assert_eq!(o.sender, State::SynSent, "{o:?}");
    let o = send(&mut obs, S, seg(301, 101, FIN | ACK));
    assert_eq!(o.receiver, State::SynSent, "{o:?}");
    let o = send(&mut obs, S, seg(300, 501, SYN | ACK));
    assert_states(&o, State::FinWait1, State::Established);
    let o = send(&mut obs, C, seg(501, 302, ACK));
    assert_states(&o, State::CloseWait, State::FinWait2);
}

// A receiver in SYN_RECEIVED processes the ACK of its SYN,ACK even from a sender the
// observer has closed (RFC 9293 §3.10.7.4: it judges the segment by its own TCB), but
// only one at its `RCV.NXT`, IRS + 1: another sequence number is outside its window
// (first check) and leaves it in SYN_RECEIVED. The server opens (SYN 1000); the
// client's RST,ACK acknowledging it closes the server in the observer's eyes; the
// client's SYN,ACK (500) answers the SYN all the same; then the server's ACK of it.
// Kills 2576:48 of d45571e (`s.seq == irs + 1` → `!=`). (2576:55, → `irs - 1`, is
// explained in the CHANGELOG: the revision paths take these schedules' ACK at IRS + 1
// before that branch.)
#[test]
fn ack_from_a_side_taken_for_closed_completes_syn_received_only_at_irs_plus_one() {
    for (seq, sender, receiver) in [
        (1001, State::Established, State::Established),
        (302, State::Closed, State::SynReceived),
    ] {
        let mut obs = Observer::new();
        send(&mut obs, S, seg(1000, 0, SYN));
        let o = send(&mut obs, C, seg(102, 1001, RST | ACK));
        assert_eq!(o.receiver, State::Closed, "{o:?}");
        let o = send(&mut obs, C, seg(500, 1001, SYN | ACK));
        assert_eq!(o.sender, State::SynReceived, "{o:?}");
        let o = send(&mut obs, S, seg(seq, 501, ACK));
        assert_eq!((o.sender, o.receiver), (sender, receiver), "{seq}: {o:?}");
    }
    // Refused (the server closed), the server then listened and took the SYN's
    // retransmission: the client, opened again unseen with the same ISN, completes
    // the handshake at 101.
    for (seq, receiver) in [(101, State::Established), (102, State::SynReceived)] {
        let mut obs = Observer::new();
        send(&mut obs, C, seg(100, 0, SYN));
        let o = send(&mut obs, S, seg(0, 101, RST | ACK));
        assert!(o.notes.contains(Note::Refused), "{o:?}");
        let o = send(&mut obs, S, seg(300, 101, SYN | ACK));
        assert_states(&o, State::SynReceived, State::Closed);
        let o = send(&mut obs, C, seg(seq, 301, ACK));
        assert_eq!(o.receiver, receiver, "{seq}: {o:?}");
    }
}

// Text at the number of a FIN still pending shows that FIN was not its sender's in
// this connection (a FIN takes the last number its connection uses, RFC 9293 §3.4):
// it is forgotten, and the text does not deliver it. A clean connection, the client
// in TIME_WAIT; both open again with the same ISNs, so that the client's FIN seen
// again after the server's new SYN (a copy of its old one) is pending; the client's
// first data of the new connection starts at that number (`state` fuzz find
// `52c8d3e3`, minimised to `crash28`: the server went to CLOSE_WAIT on data).
#[test]
fn text_at_a_pending_fins_number_forgets_that_fin() {
    let mut obs = handshake();
    send(&mut obs, C, seg(101, 301, FIN | ACK));
    send(&mut obs, S, seg(301, 102, ACK));
    send(&mut obs, S, seg(301, 102, FIN | ACK));
    send(&mut obs, C, seg(102, 302, ACK));
    send(&mut obs, S, seg(300, 0, SYN));
    let o = send(&mut obs, C, seg(101, 301, FIN | ACK));
    assert_eq!(o.receiver, State::SynSent, "{o:?}");
    send(&mut obs, C, seg(100, 0, SYN));
    send(&mut obs, S, seg(300, 101, SYN | ACK));
    let o = send(&mut obs, C, seg(101, 301, ACK));
    assert_eq!(o.receiver, State::Established, "{o:?}");
    let o = send(&mut obs, C, seg(101, 301, ACK).with_len(255));
    assert_eq!(o.receiver, State::Established, "{o:?}");
    assert_eq!(obs.numbers(C).fin_seq, None);
}
