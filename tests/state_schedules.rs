//! Fuzz inputs of the `state` target kept as tests, byte for byte: each plays its
//! schedule in the world of `tests/state_world` (two `Endpoint`s and an `Observer`
//! at a capture point between them) through the fuzz target's own decoding
//! (`state_world::fuzz_input`), and the world checks after every operation that the
//! observer agrees with the endpoints wherever a passive observer can know their
//! states. The endpoints are the oracle: an input fails when the observer differs
//! from them, so these are checks of the observer against an independent machine
//! (itself checked against Linux by `tests/linux_interop.rs`), not of a stored
//! output.
//!
//! Each input here was found by playing the fuzz corpus against a *mutant* of
//! `src/state/observer.rs` that `cargo mutants` reported as surviving every other
//! test: the schedule fails against that mutant and passes against the real code.
//! Each test's comment names the mutant (line numbers of commit c4c10a7 unless it
//! names another), what the schedule does, and why the real code is right.
//!
//! Most of the points checked lie where the world's rule does not compare the side
//! (with injected segments, reopenings or losses a passive observer cannot know its
//! state in general): there the observer happens to be right, and the test holds
//! it to that. A later change that breaks one must show that its new answer is as
//! defensible (and then find another witness for the mutant), not just drop it.

mod state_world;

use synack::state::{Side, State};

/// Plays the first `steps` operations of `data`, then requires the observer's state
/// of `side` to be the endpoint's (CLOSED and LISTEN counting as equal, as in the
/// world's rule), whether or not the rule would compare it there.
fn agrees_after(data: &[u8], steps: usize, side: Side) -> State {
    let w = state_world::fuzz_input::run_steps(data, steps);
    let (o, e) = (w.observer.state(side), w.pair.endpoint(side).state());
    let closed = |s: State| matches!(s, State::Closed | State::Listen);
    assert!(
        o == e || (closed(o) && closed(e)),
        "{side} after {steps} operations: observer {o} vs endpoint {e}"
    );
    e
}

/// A test named `$name` that plays a kept fuzz input (its bytes) for `$steps`
/// operations and requires `agrees_after` of `$side`; the doc comment before it
/// says what the schedule does and which mutant it kills.
macro_rules! schedule {
    ($(#[$doc:meta])* $name:ident, $steps:expr, $side:ident, [$($byte:expr),* $(,)?]) => {
        $(#[$doc])*
        #[test]
        fn $name() {
            agrees_after(&[$($byte),*], $steps, Side::$side);
        }
    };
}

schedule!(
    /// The server took the client's SYN (SYN-RECEIVED) and advertised a window of 5 in
    /// its SYN,ACK, which the capture has not seen yet; the client's next SYN, with
    /// another ISN, makes the observer guess the server went back to LISTEN (the window
    /// it would be judged against is unknown). The server's SYN,ACK then shows its
    /// window: the new SYN lay outside it, so the server dropped it with an ACK and
    /// stayed in SYN-RECEIVED (RFC 9293 §3.10.7.4, first check), as its endpoint did.
    /// (Corpus input `ff4a9057`; kills the mutant at observer.rs line 744, `||`
    /// replaced by `&&` in the listen-guess revision.)
    listen_guess_revised_by_a_syn_ack_whose_window_excludes_the_new_syn, 15, Server, [
    93, 47, 228, 6, 17, 17, 0, 0, 64, 255, 48, 255, 55, 55, 244, 5, 0, 0, 0, 1, 0, 0, 0, 1,
    255, 0, 0, 5, 48, 7, 1, 127, 255, 59, 255, 55, 55, 55, 0, 0, 0, 17, 17, 16, 0, 0, 0, 0, 0,
    17, 17,
]);

schedule!(
    /// A passive server in SYN-RECEIVED, guessed back in LISTEN by the observer, shows
    /// it kept its IRS; it stays a passive SYN-RECEIVED, so the client's later SYNs
    /// with other ISNs, outside its window, only draw ACKs and leave it in
    /// SYN-RECEIVED, as its endpoint stays. (Corpus input `b587847a`; kills the mutant
    /// at observer.rs line 756, `==` replaced by `!=` (`crossed`), and the one at line
    /// 761, `!` deleted (`passive = !crossed`).)
    crossed_listen_guess_keeps_the_side_passive, 40, Server, [
    47, 13, 40, 35, 244, 1, 0, 47, 0, 64, 125, 9, 137, 251, 117, 207, 219, 191, 24, 0, 0, 0,
    96, 55, 55, 247, 255, 127, 127, 247, 255, 127, 91, 51, 56, 246, 127, 255, 127, 96, 55, 55,
    247, 255, 127, 127, 247, 55, 55, 55, 96, 56, 246, 127, 255, 127, 96, 55, 55, 247, 255, 127,
    127, 247, 55, 55, 55, 96, 48, 247, 127, 183, 55, 246, 127, 255, 48, 247, 127, 183, 55, 246,
    127, 255, 102, 96, 55, 55, 247, 255, 127, 127, 247, 55, 55, 55, 96, 48, 106, 151, 149,
]);
schedule!(
    /// A simultaneous close gone wrong: the client's and the server's FINs cross, the
    /// server opens again (SYN_SENT, a new ISN far beyond its old numbers), and in
    /// SYN-SENT it answers the client's old ACKs, unacceptable there, with RSTs
    /// `<SEQ=SEG.ACK>` (RFC 9293 §3.10.7.3) — at the client's RCV.NXT, so they reset
    /// the client to CLOSED, as its endpoint. A RST is never taken for a segment sent
    /// before its sender's SYN (with an earlier incarnation's numbers): that test is
    /// for text, FINs and ACKs. (Corpus input `099c21ce`; kills the mutant at
    /// observer.rs line 976, `!rst` replaced by `rst` in `before_syn`.)
    rst_of_a_side_in_syn_sent_is_not_a_segment_before_its_syn, 27, Client, [
    46, 255, 44, 148, 127, 255, 93, 255, 148, 255, 148, 1, 2, 0, 0, 0, 0, 17, 0, 0, 59, 236,
    13, 66, 59, 64, 127, 7, 255, 54, 24, 56, 247, 255, 127, 59, 253, 127, 96, 56, 201, 171,
    100, 100, 1, 11, 7, 224, 55, 255, 255, 255, 255, 255, 255, 255, 40, 0, 0, 0, 255, 139, 104,
    91, 127, 148, 1, 8, 100, 3, 0, 161,
]);
schedule!(
    /// After a simultaneous open and close that left the client in TIME-WAIT, both
    /// sides open again at once with new ISNs (their SYNs cross). The server's SYN,ACK
    /// from its new ISN is its first in the new connection: the SYN,ACK it sent in the
    /// old one, from another ISN, does not make this one a retransmission, so it shows
    /// the server in SYN-RECEIVED, as its endpoint. (Corpus input `760f1ba2`; kills the
    /// mutant at observer.rs line 1362, `!=` replaced by `==` (a new ISN clears
    /// `sent_syn_ack`).)
    new_isn_forgets_the_syn_ack_of_the_old_connection, 20, Server, [
    210, 43, 255, 255, 255, 255, 255, 255, 145, 255, 255, 255, 255, 4, 1, 63, 227, 37, 59, 6,
    255, 191, 7, 13, 255, 43, 0, 0, 33, 43, 255, 255, 81, 1, 255, 255, 0, 18, 0, 4, 0, 43, 0,
    227, 37, 59, 6, 255, 191, 7, 13, 255, 43, 0, 0, 0, 62, 255, 255, 255, 43, 255, 4, 1, 161,
]);
schedule!(
    /// Copies of a SYN,ACK and RSTs of an earlier incarnation arrive after the server
    /// reset and listened again; the segments a side sent before its SYN (an earlier
    /// incarnation's) move none of its numbers, so the RST that follows is judged
    /// against the right ones and the server is back in LISTEN, as its endpoint.
    /// (Corpus input `d4ad7b93`; kills the mutant at observer.rs line 1070, `!rst &&
    /// !before_syn` replaced by `!rst || !before_syn`.)
    segment_before_the_syn_moves_no_numbers, 19, Server, [
    47, 255, 44, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 17, 255, 5, 1, 48, 18, 0, 7,
    255, 55, 55, 55, 255, 255, 127, 59, 255, 127, 96, 55, 55, 215, 127, 96, 55, 55, 255, 47,
    118, 38, 0, 46, 0, 43, 255, 255, 17, 255, 1, 255, 255, 1, 67, 22, 161,
]);
schedule!(
    /// The server, in TIME-WAIT, takes the client's RST at its RCV.NXT and closes, as
    /// its endpoint (RFC 9293 §3.10.7.4). Only a RST at the number of the client's FIN
    /// itself (RCV.NXT − 1, which Linux takes in CLOSE-WAIT, CLOSING and LAST-ACK) lies
    /// below a TIME-WAIT's window. (Corpus input `024cebc7`; kills the mutant at
    /// observer.rs line 1672, `after_fin && me.numbers.fin_seq == Some(seq)` with `||`
    /// for `&&`.)
    time_wait_takes_a_rst_at_rcv_nxt, 24, Server, [
    47, 13, 0, 0, 0, 128, 0, 47, 238, 238, 238, 238, 238, 238, 238, 238, 238, 238, 238, 238,
    238, 255, 255, 0, 7, 255, 55, 55, 51, 255, 255, 127, 0, 1, 255, 255, 255, 255, 62, 255,
    255, 0, 7, 255, 53, 228, 175, 228, 228, 228, 228, 53, 52, 1, 216, 216, 238, 238, 238, 238,
    238, 238, 238, 246, 238, 238, 238, 238, 238, 244, 238, 238, 238, 238, 1, 64, 125, 9, 47,
    255,
]);

schedule!(
    /// The connection is opened again while one side was back in LISTEN; copies of a
    /// SYN,ACK sent before the reopening are then seen, and RSTs follow: the server
    /// ends CLOSED, as its endpoint. The copies answer an older SYN and name no RCV.NXT
    /// of the side now (`old_syn_ack`), so the RSTs are judged against the current
    /// numbers. (Corpus input `55ec3868`; kills the mutant at observer.rs line 839,
    /// `old_to == State::Listen` with `!=`, and the one deleting the assignment
    /// `self.old_syn_ack = old_syn_ack` at line 861.)
    old_syn_ack_copy_names_no_rcv_nxt, 26, Server, [
    47, 255, 255, 255, 17, 93, 255, 255, 255, 115, 255, 244, 10, 63, 249, 1, 0, 0, 0, 6, 255,
    239, 39, 13, 195, 49, 43, 156, 255, 58, 48, 255, 1, 184, 49, 184, 184, 184, 184, 255, 255,
    255, 255, 14, 184, 184, 184, 184, 184, 184, 184, 190, 184, 25, 0, 184, 184, 223, 255, 184,
    1, 184, 184, 184, 184, 184, 184, 184, 184, 91, 184, 184, 184, 122, 255, 0, 161,
]);

schedule!(
    /// The client's pure ACK of the server's FIN moves the server to FIN-WAIT-2, as its
    /// endpoint. The left-edge test (text or a FIN that ends before RCV.NXT is not
    /// acceptable) is for segments carrying text or a FIN; a zero-length segment goes
    /// by the RFC's zero-length rules. (Corpus input `ddfd5ec3`; kills the mutant at
    /// observer.rs line 1961, `s.seg_len > 0` with `>=`.)
    pure_ack_is_not_held_to_the_left_edge, 14, Server, [
    46, 255, 44, 255, 255, 255, 67, 0, 255, 148, 148, 1, 0, 0, 0, 0, 59, 0, 13, 66, 59, 64,
    127, 7, 255, 54, 24, 56, 2, 72, 2, 0, 39, 7, 255, 127, 51, 56, 224, 243, 54, 36, 55, 55,
    127, 66, 59, 64, 127, 42, 7, 255, 255, 255, 255, 255, 255, 55, 127, 66, 59, 64, 127, 211,
    65, 3, 0, 161,
]);
schedule!(
    /// A schedule with a reopening, forged segments and stale SYN,ACKs: after 21
    /// steps the client is ESTABLISHED, as its endpoint. Only an exact copy of a
    /// SYN,ACK its sender sent before the reopening (the same ISN and ACK) is set
    /// aside as naming no RCV.NXT of now (`old_foreign_copy`). (Corpus input
    /// `e7ef5952`; kills the mutants at observer.rs line 971, `&&` replaced by `||`,
    /// and line 972, `==` replaced by `!=`.)
    only_a_copy_of_the_old_syn_ack_is_set_aside, 21, Client, [
    255, 107, 255, 44, 255, 255, 83, 255, 244, 1, 0, 47, 44, 167, 93, 9, 0, 251, 117, 207, 219,
    255, 255, 96, 0, 1, 1, 7, 255, 127, 55, 55, 96, 55, 255, 187, 7, 115, 31, 189, 80, 65, 1,
    7, 255, 127, 55, 55, 96, 55, 255, 187, 7, 115, 61, 146, 140, 59, 10, 115, 59, 38, 255, 51,
    56, 56, 96, 122, 55, 2, 255, 212, 96, 255, 255, 255, 255, 17, 42, 255, 1, 255, 67, 255,
    255, 255, 255, 55, 1, 17, 42, 255, 1, 255, 67, 0, 161,
]);
schedule!(
    /// The server opens actively; a forged segment in the client's name (SYN, FIN and
    /// more, with data) answers it, the server acknowledges it, and the client's RST
    /// closes both sides: after 10 steps the client is CLOSED, as its endpoint. The
    /// ACKs of ordinary segments count; only the ACK of an exact copy of a SYN,ACK sent
    /// before a reopening is set aside. (Corpus input `5fc157a7`; kills the mutant at
    /// observer.rs line 1078, `!old_foreign_copy` with `old_foreign_copy`.)
    ack_of_a_segment_counts_unless_an_old_syn_ack_copy, 10, Client, [
    255, 47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 44, 1, 0,
    255, 55, 56, 56, 255, 255, 127, 0, 65, 127, 96, 0, 64, 0, 251, 7, 0, 219, 255, 255, 96, 59,
    0, 0, 0, 1, 0, 255, 185, 185, 208,
]);

schedule!(
    /// The client listens and the server opens actively; a forged FIN with data in the
    /// client's name, whose ACK lies beyond everything the server has sent, arrives
    /// after the client's SYN,ACK. The client's endpoint drops it (its ACK is not
    /// acceptable), so the client stays SYN-RECEIVED, as the endpoint: an ACK past
    /// `IRS + 1` and past everything the peer has sent since its SYN names an earlier
    /// incarnation. (Corpus input `19a0ff49`; kills the mutant at observer.rs line
    /// 1007, `!a.after(irs) || (…)` with `&&` (`old_incarnation`).)
    ack_beyond_what_the_peer_sent_is_an_earlier_incarnations, 9, Client, [
    47, 255, 44, 255, 255, 255, 255, 255, 255, 255, 17, 255, 142, 14, 0, 5, 1, 48, 49, 7, 0,
    255, 55, 55, 55, 251, 255, 127, 168, 255, 127, 96, 56, 86, 255, 255, 255, 255, 255, 255,
    255, 201, 100, 100, 17, 255, 1, 255, 93, 17, 106, 91, 1, 8, 90, 1, 0, 161,
]);

schedule!(
    /// A simultaneous open in which the client closes from SYN-RECEIVED: the server's
    /// ACKs of the client's SYN and FIN are processed, and the client goes on to
    /// FIN-WAIT-2, as its endpoint. An ACK names an earlier incarnation only when it
    /// lies beyond IRS + 1 and beyond everything the peer has sent since its SYN.
    /// (Corpus input `d39d21f0`; kills the mutant at observer.rs line 1007,
    /// `a.after(irs + 1) && peer_sent…` with `||` (`old_incarnation`).)
    ack_of_what_the_peer_sent_is_processed, 19, Client, [
    255, 47, 33, 255, 255, 255, 255, 255, 255, 1, 1, 255, 1, 0, 0, 0, 175, 0, 0, 0, 7, 255, 55,
    55, 43, 55, 255, 255, 127, 59, 255, 255, 255, 255, 255, 89, 0, 43, 255, 161, 255, 255, 127,
    96, 59, 55, 55, 227, 255, 255, 255, 127, 86, 55, 89, 0, 43, 255, 161,
]);

schedule!(
    /// The listening client takes the server's SYN (ISN S) and answers; both time out
    /// unseen; the server opens again with ISN S' and the client listens again. A
    /// delayed copy of SYN S reaches the client first: it answers from a new ISN C'
    /// with <ACK=S+1>, the server resets it back to LISTEN, and it takes S' and answers
    /// <SEQ=C'><ACK=S'+1>. The capture shows both SYN,ACKs from C', the one
    /// acknowledging S+1 first. The second, from a side not synchronized, names the
    /// client's RCV.NXT, S'+1, although S+1 is later in sequence space (S' lies more
    /// than 2^31 before it): keeping the highest ACK instead, the observer misjudges
    /// the server's ACK of C'+1 that follows and ends with the client in LISTEN and the
    /// server CLOSED, where both endpoints are ESTABLISHED. (Corpus input `742c3ebc`;
    /// kills the mutant 1039:39 (`!rst` → `rst` in `syn_ack_names_rcv_nxt`), 1039:47
    /// (`!` deleted before `is_synchronized`), 1152:32 (the guard → `true`) and 1152:43
    /// (`&&` → `||`), lines of 9747505.)
    syn_ack_of_a_side_not_synchronized_names_its_rcv_nxt, 23, Client, [
    255, 151, 47, 255, 44, 255, 255, 0, 255, 255, 253, 55, 255, 255, 255, 17, 255, 5, 1, 18,
    48, 0, 7, 255, 55, 55, 54, 255, 255, 127, 59, 255, 127, 96, 55, 54, 36, 127, 65, 55, 55,
    255, 47, 118, 38, 0, 46, 0, 43, 15, 255, 93, 56, 255, 255, 255, 255, 1, 255, 55, 17, 42, 1,
    67, 0, 161,
]);

schedule!(
    /// A simultaneous open seen from the server's SYN (offering window scaling): the
    /// client's SYN,ACK offers none, so its window field, 2,304, is its window in use,
    /// unscaled (RFC 7323 §2.2: scaling needs both SYNs' option), whatever the server
    /// offered. An injected SYN of the server with another ISN lies far outside that
    /// window, so the client drops it with an ACK (RFC 9293 §3.10.7.4, first check) and
    /// stays in SYN-RECEIVED, as its endpoint does; taking the window as unknown, the
    /// observer would guess it back in LISTEN. (Corpus input `6814ad45`; kills the
    /// mutant 1906:21 (`||` → `&&` in `window_shown`), lines of 9747505.)
    window_field_of_a_syn_ack_without_scaling_is_exact, 8, Client, [
    6, 172, 255, 1, 0, 9, 0, 0, 0, 0, 0, 0, 210, 0, 0, 5, 1, 202, 255, 255, 205, 1, 7, 121,
    255, 127, 55, 55, 224, 54, 255, 243, 244, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 254,
]);

schedule!(
    /// The server took the client's SYN (ISN I) and answered with a SYN,ACK whose
    /// window field, 65,535 with scaling offered on both sides, shows only a lower
    /// bound of its window (a SYN's window is never scaled, RFC 7323 §2.2). The
    /// client's next SYN, with another ISN (I + 60,000,000), makes the observer guess
    /// that it went back to LISTEN. The server's ACK of I + 1 then shows it kept I: it
    /// is in SYN-RECEIVED, as its endpoint. Without the guess, nothing would revise the
    /// server out of LISTEN. (Corpus input `03d4f47f`; kills the mutant 1447:63 (`!`
    /// deleted: the guess made only where the window is shown), lines of 9747505.)
    listen_guess_is_made_where_the_window_is_not_shown, 17, Server, [
    255, 47, 255, 44, 255, 247, 255, 255, 255, 133, 133, 133, 133, 133, 255, 255, 255, 255, 17,
    255, 5, 1, 48, 35, 0, 7, 255, 55, 55, 55, 255, 255, 127, 59, 255, 96, 55, 127, 42, 247, 58,
    96, 55, 1, 0, 0, 255, 2, 38, 0, 46, 0, 43, 255, 255, 17, 255, 1, 96, 42, 1, 67, 0, 161,
]);

schedule!(
    /// After several reopenings, the client is in an active SYN-RECEIVED (it sent its
    /// own SYN, and the observer inferred that it took the server's SYN 131071) when
    /// the server's SYN with another ISN, 120131071, arrives. An active SYN-RECEIVED
    /// handles it as the synchronized states do (RFC 9293 §3.10.7.4; here the endpoint
    /// drops it with an ACK), and the observer keeps no IRS for it: `kept_irs` is for a
    /// passive SYN-RECEIVED, which drops a SYN outside its window and keeps the IRS it
    /// took. The server's RST at 131072 that follows resets the client: CLOSED, as its
    /// endpoint. (Corpus input `d4f87e07`. It killed the mutant 1453:43 of 9747505, the
    /// guard of the passive arm → `true`, through the server's state, which it no
    /// longer checks: that RST, `<SEQ=SEG.ACK>` at the server's old ISN + 1, is what a
    /// SYN-RECEIVED side answers an unacceptable ACK with and stays, or what a closed
    /// one sends, and the observer now keeps the server in SYN_RECEIVED where its
    /// endpoint had closed — a side the rule does not compare here; see
    /// `rst_answering_an_unacceptable_ack_keeps_syn_received` in
    /// `tests/observer_mutants.rs`. The mutant is killed by
    /// `second_syn_outside_the_window_keeps_the_first_irs` and
    /// `regression_kept_tcb_keeps_its_window_for_the_next_syn`.)
    active_syn_received_keeps_no_irs_for_a_syn_with_another_isn, 20, Client, [
    47, 255, 44, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1, 0, 0, 0, 0, 0, 0, 0, 255,
    55, 55, 55, 255, 255, 127, 59, 255, 127, 96, 55, 55, 247, 127, 96, 55, 255, 255, 47, 17,
    118, 55, 1, 255, 255, 1, 67, 17, 255, 1, 255, 255, 1, 67, 0, 161,
]);

schedule!(
    /// A simultaneous open whose SYNs crossed, with zero windows, the server's FIN and
    /// injected SYNs of the client with other ISNs, then an ACK war. The observer keeps
    /// the IRS a synchronized receiver took (`kept_irs`, RFC 5961 §4: it challenges the
    /// new SYN) only for a SYN from a side it had synchronized, and only the first:
    /// keeping it also for a SYN of a side it has in SYN_SENT, or replacing one kept
    /// before, it would misjudge the ACK war and end with the client in SYN_RECEIVED,
    /// where the client's endpoint is in FIN_WAIT_1, as the observer's is. (The server
    /// it has in SYN_SENT, where the endpoint is in FIN_WAIT_1, at a point the rule does
    /// not compare.) (Corpus input `f3ed0364`; kills the mutant 1377:51, `&&` → `||`,
    /// lines of 9747505.)
    challenged_syn_from_a_side_not_synchronized_keeps_no_irs, 22, Client, [
    251, 47, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 16, 156, 255, 17, 46,
    127, 1, 255, 7, 13, 255, 93, 64, 101, 101, 101, 101, 101, 0, 255, 17, 104, 43, 255, 255, 0,
    18, 0, 64, 0, 255, 17, 104, 64, 1, 43, 255, 218, 232, 232, 232, 232, 232, 232, 232, 255,
    161,
]);
