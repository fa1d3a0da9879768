//! Fuzz finds of the `state` target (`fuzz/fuzz_targets/state.rs`), kept as what
//! the capture point saw: the segments that passed it, in order and with their
//! capture times, fed to an [`Observer`] alone. The expected states are the two
//! `Endpoint`s' at the end of the fuzz schedule (the world of `tests/state_world`
//! ran them; they are the oracle, checked against Linux by
//! `tests/linux_interop.rs`), for each side the world's rule says a passive
//! observer can know. Each test names its find and says why the endpoints are
//! right; each failed on the observer before the fix it names.

use core::time::Duration;

use synack::flags::TcpFlags;
use synack::segment::{Segment, SynOptions};
use synack::seq::SeqNum;
use synack::state::{Note, Observer, Side, State};

use Side::{Client as C, Server as S};

/// A segment as the trace printed it: numbers, flags, payload length, window and
/// the window-scale option.
fn seg(seq: u32, ack: u32, flags: TcpFlags, len: u32, window: u16, scale: Option<u8>) -> Segment {
    Segment::new(SeqNum(seq), SeqNum(ack), flags)
        .with_len(len)
        .with_window(window)
        .with_options(SynOptions {
            window_scale: scale,
            ..SynOptions::default()
        })
}

/// Feeds the segments (sender, capture time in nanoseconds, segment) and returns
/// the observer.
fn observe(seen: &[(Side, u64, Segment)]) -> Observer {
    let mut obs = Observer::new();
    for (from, nanos, s) in seen {
        obs.on_segment(*from, s, Duration::from_nanos(*nanos));
    }
    obs
}

/// Fuzz find `crash-704a7d01`. The client's SYN (C) finds the server closed: its
/// RST,ACK `<SEQ=0><ACK=C+1>` is still in flight when the server opens with ISN
/// 2^32 − 1, so that the RST's sequence number is exactly the server's ISN + 1. The
/// client, having aborted and listened again, drops the RST (RST in LISTEN is
/// ignored), takes the server's SYN and answers with a SYN,ACK from the same ISN
/// C (same clock tick); the server's ACK completes the handshake. The observer took
/// the RST as resetting both sides of a simultaneous open and ignored the rest;
/// the server's ACK shows it was never closed: a closed TCP sends only RSTs (RFC
/// 9293 §3.10.7.1), and one that opened again would have sent a SYN. The
/// observer now revises both to ESTABLISHED on that ACK.
#[test]
fn ack_of_a_syn_ack_seen_after_a_rst_shows_the_rst_closed_nothing() {
    let obs = observe(&[
        (C, 0, seg(4294967087, 0, TcpFlags::SYN, 0, 65535, Some(14))),
        (S, 0, seg(4294967295, 0, TcpFlags::SYN, 0, 65535, Some(14))),
        (
            S,
            0,
            seg(0, 4294967088, TcpFlags::RST | TcpFlags::ACK, 0, 0, None),
        ),
        (
            C,
            0,
            seg(
                4294967087,
                0,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                65535,
                Some(14),
            ),
        ),
        (S, 0, seg(0, 4294967088, TcpFlags::ACK, 0, 511, None)),
    ]);
    // The server's state is knowable (the world's rule); the client's is too here,
    // though the rule does not compare it (it aborted unseen before).
    assert_eq!(obs.state(S), State::Established);
    assert_eq!(obs.state(C), State::Established);
}

/// Fuzz find `crash-269c9d90`. A first connection (server ISN 3761715064, client
/// ISN 4281138991) ends unseen by timers; the server's FIN,ACK of it, from ISN + 1
/// and acknowledging the client's old ISN + 1, is still in flight while both open
/// again (client SYN 3485019807, then a simultaneous open with server SYN
/// 2965595880). The observer had the server in SYN_SENT and took that FIN as
/// showing an unseen SYN,ACK (ESTABLISHED, then FIN_WAIT_1), and its ACK as the
/// server's `RCV.NXT`, against which the client's old RST at its old ISN + 1 then
/// looked exact and reset both sides. A segment with ACK from SYN_SENT that neither
/// starts at the side's ISN + 1 nor acknowledges the peer's current SYN is an
/// earlier incarnation's: the observer now processes nothing of it, and the
/// handshake of the new connection completes on both sides.
#[test]
fn fin_of_an_earlier_incarnation_from_syn_sent_shows_nothing() {
    const T: u64 = 65_535_000_000_000;
    let obs = observe(&[
        (S, 0, seg(3761715064, 0, TcpFlags::SYN, 0, 11263, None)),
        (
            C,
            T,
            seg(
                4281138991,
                3761715065,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (S, T, seg(3761715064, 0, TcpFlags::SYN, 0, 11263, None)),
        (
            S,
            T,
            seg(3761715065, 4281138992, TcpFlags::ACK, 0, 11263, None),
        ),
        (
            C,
            T,
            seg(0, 3761715065, TcpFlags::RST | TcpFlags::ACK, 0, 0, None),
        ),
        (C, T, seg(4281138992, 0, TcpFlags::RST, 0, 0, None)),
        (C, T, seg(3485019807, 0, TcpFlags::SYN, 0, 65535, Some(14))),
        (
            S,
            T,
            seg(
                3761715065,
                4281138992,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                11263,
                None,
            ),
        ),
        (C, T, seg(3485019807, 0, TcpFlags::SYN, 0, 65535, Some(14))),
        (S, T, seg(2965595880, 0, TcpFlags::SYN, 0, 11263, None)),
        (
            S,
            T,
            seg(
                3761715065,
                4281138992,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                11263,
                None,
            ),
        ),
        (
            S,
            T,
            seg(
                2965595880,
                3485019808,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                11263,
                None,
            ),
        ),
        (C, T, seg(4281138992, 0, TcpFlags::RST, 0, 0, None)),
        (
            S,
            T,
            seg(
                2965595880,
                3485019808,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                11263,
                None,
            ),
        ),
        (
            C,
            T,
            seg(
                3485019807,
                2965595881,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (
            C,
            T,
            seg(3485019808, 2965595881, TcpFlags::ACK, 0, 65535, None),
        ),
        (
            C,
            T,
            seg(3485019808, 2965595881, TcpFlags::ACK, 0, 65535, None),
        ),
    ]);
    assert_eq!(obs.state(S), State::Established);
    assert_eq!(obs.state(C), State::Established);
}

/// Fuzz find `crash-34033b27`. The server's SYN (S0) reaches the listening client,
/// whose SYN,ACK advertises a window of 0 (with scaling offered by both); the
/// server times out unseen and opens again (SYN S1). The client, in a passive
/// SYN-RECEIVED with a zero window, finds S1 outside its window, answers with an
/// ACK and keeps S0 (RFC 9293 §3.10.7.4, first check); the server's RST to the
/// client's stale SYN,ACK, at S0 + 1, then resets it to LISTEN, S1's retransmission
/// opens it, and the handshake completes. The observer did not take the zero field
/// of the SYN,ACK as the window (scaling can make a window larger than a SYN's
/// field), returned the client to LISTEN on S1, and then ignored the RST. A zero
/// field is exact (a non-zero window is at least one scale unit): the observer now
/// keeps the client's IRS.
#[test]
fn zero_window_of_a_syn_ack_is_exact_though_scaling_was_offered() {
    const T: u64 = 48_959_000_000_000;
    let obs = observe(&[
        (S, T, seg(4521744, 0, TcpFlags::SYN, 0, 0, Some(14))),
        (
            C,
            T,
            seg(
                3654283119,
                4521745,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                0,
                Some(14),
            ),
        ),
        (S, T, seg(3654337152, 0, TcpFlags::SYN, 0, 0, Some(14))),
        (S, T, seg(3654337152, 0, TcpFlags::SYN, 0, 0, Some(14))),
        (S, T, seg(4521745, 0, TcpFlags::RST, 0, 0, None)),
        (S, T, seg(3654337152, 0, TcpFlags::SYN, 0, 0, Some(14))),
        (C, T, seg(3654283120, 4521745, TcpFlags::ACK, 0, 0, None)),
        (C, T, seg(3654283120, 4521745, TcpFlags::ACK, 0, 0, None)),
        (
            C,
            T,
            seg(
                3654283119,
                3654337153,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                0,
                Some(14),
            ),
        ),
        (S, T, seg(4521745, 0, TcpFlags::RST, 0, 0, None)),
        (S, T, seg(4521745, 0, TcpFlags::RST, 0, 0, None)),
        (S, T, seg(3654337153, 3654283120, TcpFlags::ACK, 0, 0, None)),
    ]);
    assert_eq!(obs.state(C), State::Established);
    assert_eq!(obs.state(S), State::Established);
}

/// Fuzz find `crash-ce914da0`. As in `crash-34033b27`, the listening client takes
/// the server's SYN (S0) and the server opens again unseen (SYN S1); here the
/// client's SYN,ACK shows a full field (65 535) with scaling (shift 14) offered by
/// both, so its window lies between 49,152 and 65,535 << 14. The observer took a
/// full field as bounding nothing, guessed S1 inside the window and returned the
/// client to LISTEN (`listen_guess`); the server's RST at S0 + 1 then found it there
/// and was ignored, while the real client, which had kept S0, was reset by it, and
/// later took S1's retransmission and completed the handshake. S1 lies below S0 + 1
/// (more than 2^31 before it): outside any window, so the client keeps S0.
#[test]
fn rst_at_a_kept_irs_seen_before_the_proof_that_it_was_kept() {
    const T: u64 = 49_151_000_000_000;
    let obs = observe(&[
        (S, T, seg(4294925568, 0, TcpFlags::SYN, 0, 65535, Some(14))),
        (
            C,
            T,
            seg(
                3815265951,
                4294925569,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                65535,
                Some(14),
            ),
        ),
        (S, T, seg(3697773680, 0, TcpFlags::SYN, 0, 65535, Some(14))),
        (S, T, seg(4294925569, 0, TcpFlags::RST, 0, 0, None)),
        (
            C,
            T,
            seg(3815265952, 4294925569, TcpFlags::ACK, 0, 510, None),
        ),
        (S, T, seg(3697773680, 0, TcpFlags::SYN, 0, 65535, Some(14))),
        (S, T, seg(4294925569, 0, TcpFlags::RST, 0, 0, None)),
        (
            C,
            T,
            seg(
                3815265951,
                3697773681,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                65535,
                Some(14),
            ),
        ),
        (
            S,
            T,
            seg(3697773681, 3815265952, TcpFlags::ACK, 0, 509, None),
        ),
    ]);
    assert_eq!(obs.state(C), State::Established);
    assert_eq!(obs.state(S), State::Established);
}

/// Fuzz find `crash-36595dbf`. The server closes from SYN-RECEIVED (FIN_WAIT_1); the
/// client's ACK of the SYN,ACK (from its ISN + 1, acknowledging nothing of the FIN)
/// is seen, the client times out unseen and opens again (SYN with a new ISN), and a
/// copy of that old ACK is seen after the new SYN. The observer had the client in
/// SYN_SENT and took the ACK as showing a SYN,ACK the capture missed: client
/// ESTABLISHED, and the server revised through SYN_RECEIVED to ESTABLISHED. The
/// ACK lies before the client's new ISN + 1: it was sent before that SYN and shows
/// nothing of the client now, while the server, which kept the old IRS, takes it
/// in order and stays in FIN_WAIT_1.
#[test]
fn ack_before_the_senders_new_isn_shows_no_syn_ack() {
    const T: u64 = 480_000_000_000;
    let obs = observe(&[
        (C, 0, seg(1497367039, 0, TcpFlags::SYN, 0, 65535, None)),
        (
            S,
            0,
            seg(
                3758096381,
                1497367040,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (
            S,
            T,
            seg(
                3758096382,
                1497367040,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (
            C,
            T,
            seg(1497367040, 3758096382, TcpFlags::ACK, 0, 65535, None),
        ),
        (C, T, seg(1617367039, 0, TcpFlags::SYN, 0, 65535, None)),
        (
            C,
            T,
            seg(1497367040, 3758096382, TcpFlags::ACK, 0, 65535, None),
        ),
    ]);
    assert_eq!(obs.state(S), State::FinWait1);
    assert_eq!(obs.state(C), State::SynSent);
}

/// Fuzz find `crash-6c02151b`. After a simultaneous open and the server's close, the
/// client's FIN passes the capture point and is then held up for 240 s (2·MSL)
/// before it reaches the server; the observer put the server in TIME_WAIT at the
/// capture and closed it when its 2·MSL ran out, and took the server's ACK of the
/// FIN, seen 240 s later, as sent before that (either reading fits what was seen so
/// far). The client's next SYN (an ISN below the server's `RCV.NXT`) then
/// "reopened" the closed server, where the real one, in TIME-WAIT, answered it with
/// an ACK (RFC 6191 does not let it reopen), which the client in SYN-SENT refused
/// with a RST at `SEG.ACK`, exact for TIME-WAIT, which it closed. That ACK, naming
/// exactly the server's last acknowledgment of its old connection where a reopened
/// SYN-RECEIVED would send a SYN,ACK, now shows the server in TIME_WAIT.
#[test]
fn old_ack_answering_a_syn_shows_time_wait_that_ran_out_unseen() {
    const T1: u64 = 31_232_000_000_000;
    const T2: u64 = 31_472_004_344_000;
    let mut obs = observe(&[
        (C, 0, seg(3723952128, 0, TcpFlags::SYN, 0, 65535, Some(14))),
        (S, 0, seg(3707895808, 0, TcpFlags::SYN, 0, 221, None)),
        (
            S,
            0,
            seg(
                3707895808,
                3723952129,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                221,
                None,
            ),
        ),
        (
            S,
            0,
            seg(
                3707895809,
                3723952129,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                221,
                None,
            ),
        ),
        (
            C,
            0,
            seg(
                3723952128,
                3707895809,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (
            C,
            0,
            seg(3723952129, 3707895810, TcpFlags::ACK, 0, 65535, None),
        ),
        (
            S,
            0,
            seg(3707895810, 3723952129, TcpFlags::ACK, 0, 221, None),
        ),
        (
            C,
            T1,
            seg(
                3723952129,
                3707895810,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (
            S,
            T2,
            seg(3707895810, 3723952130, TcpFlags::ACK, 0, 221, None),
        ),
        (C, T2, seg(3002018622, 0, TcpFlags::SYN, 0, 65535, Some(14))),
    ]);
    let at = Duration::from_nanos(T2);
    obs.on_segment(
        S,
        &seg(3707895810, 3723952130, TcpFlags::ACK, 0, 221, None),
        at,
    );
    assert_eq!(obs.state(S), State::TimeWait);
    assert_eq!(obs.state(C), State::SynSent);
    for _ in 0..2 {
        obs.on_segment(C, &seg(3723952130, 0, TcpFlags::RST, 0, 0, None), at);
    }
    // The endpoints' states at the end of the schedule.
    assert_eq!(obs.state(S), State::Closed);
    assert_eq!(obs.state(C), State::SynSent);
}

/// Fuzz find `crash-ae2494f0`. The client's SYN (C0) finds the server closed; its
/// RST,ACK is still in flight when the server listens and takes the SYN's
/// retransmission (SYN-RECEIVED, IRS C0). The observer, seeing that RST after the
/// retransmission, took it as refusing the connection, and the client's next SYNs
/// (C1, then C2, each far outside the server's window) as reopening it; the
/// server's SYN,ACK acknowledging C0 + 1 and its ACKs then showed the server on IRS
/// C0, and the client's RST at C0 + 1 (its answer to that SYN,ACK from SYN-SENT)
/// reset it to LISTEN. The observer ignored the RST and kept the server in
/// SYN_RECEIVED. A side taken as refusing and then as reopened, whose SYN,ACK
/// answers an earlier SYN with a window that excludes the last one, now keeps that
/// IRS.
#[test]
fn syn_ack_of_a_side_taken_as_refusing_shows_it_took_a_later_copy() {
    const T0: u64 = 11_007_000_000_000;
    const T: u64 = 11_520_000_000_000;
    let obs = observe(&[
        (C, T0, seg(142084, 0, TcpFlags::SYN, 0, 0, None)),
        (C, T, seg(142084, 0, TcpFlags::SYN, 0, 0, None)),
        (
            S,
            T,
            seg(0, 142085, TcpFlags::RST | TcpFlags::ACK, 0, 0, None),
        ),
        (C, T, seg(2751892084, 0, TcpFlags::SYN, 0, 0, None)),
        (C, T, seg(2751892084, 0, TcpFlags::SYN, 0, 0, None)),
        (
            S,
            T,
            seg(
                148142936,
                142085,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (C, T, seg(2880142084, 0, TcpFlags::SYN, 0, 0, None)),
        (C, T, seg(2880142084, 0, TcpFlags::SYN, 0, 0, None)),
        (S, T, seg(148142937, 142085, TcpFlags::ACK, 0, 65535, None)),
        (S, T, seg(148142937, 142085, TcpFlags::ACK, 0, 65535, None)),
        (C, T, seg(142085, 0, TcpFlags::RST, 0, 0, None)),
    ]);
    assert_eq!(obs.state(S), State::Listen);
    assert_eq!(obs.state(C), State::SynSent);
}

/// Fuzz find `crash-49938eef` (analysed in `notes/h9k.md` (d)). The client's SYN
/// (C0) is refused by the closed server, whose RST,ACK is still in flight when the
/// server opens (SYN-SENT) and takes a retransmitted copy of C0 (SYN-RECEIVED, IRS
/// C0). The capture shows the copy, then the RST,ACK (taken as refusing), the
/// client's new SYN C1 (the observer gives it to the server), the server's SYN
/// crossing it, and the server's FIN from its ISN + 1 acknowledging C0 + 1, before
/// the SYN,ACK that also shows IRS C0. The observer found the FIN unacceptable (its
/// ACK is not of C1) and never took it as sent; the client's ACK of that FIN then
/// took the real server to FIN-WAIT-2. A side taken as refusing and then as
/// reopened that sends from its own ISN + 1 acknowledging an earlier SYN now holds
/// that IRS, and its FIN counts.
/// The segments of `crash-49938eef` with the client's new SYN at `c1` (754 921 475
/// in the find); returns the server's state at the end.
fn server_after_fin_from_refusing_side(c1: u32) -> State {
    const T: u64 = 36_489_016_000;
    let obs = observe(&[
        (C, 0, seg(754921471, 0, TcpFlags::SYN, 0, 65535, None)),
        (C, 16000, seg(754921471, 0, TcpFlags::SYN, 0, 65535, None)),
        (
            S,
            16000,
            seg(0, 754921472, TcpFlags::RST | TcpFlags::ACK, 0, 0, None),
        ),
        (C, 16000, seg(c1, 0, TcpFlags::SYN, 0, 65535, None)),
        (S, 16000, seg(301936996, 0, TcpFlags::SYN, 0, 2686, None)),
        (
            S,
            T,
            seg(
                301936997,
                754921472,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                2686,
                None,
            ),
        ),
        (
            S,
            T,
            seg(
                301936996,
                754921472,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                2686,
                None,
            ),
        ),
        (
            S,
            T,
            seg(
                301936996,
                754921472,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                2686,
                None,
            ),
        ),
        (
            S,
            T,
            seg(
                301936996,
                754921472,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                2686,
                None,
            ),
        ),
        (
            S,
            T,
            seg(301936998, 754921472, TcpFlags::ACK, 0, 2686, None),
        ),
        (
            C,
            T,
            seg(c1, 301936997, TcpFlags::SYN | TcpFlags::ACK, 0, 65535, None),
        ),
        (
            C,
            T,
            seg(
                c1 + 1,
                301936997,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (C, T, seg(c1 + 2, 301936998, TcpFlags::ACK, 0, 65535, None)),
    ]);
    obs.state(S)
}

#[test]
fn fin_from_the_isn_of_a_side_taken_as_refusing_names_its_irs() {
    assert_eq!(
        server_after_fin_from_refusing_side(754921475),
        State::FinWait2
    );
    // The new SYN one past C0: the FIN's ACK, C0 + 1, names exactly its ISN; C0 is
    // still the earlier SYN (kills `a - 1` → `a + 1` in the rule's "earlier SYN").
    assert_eq!(
        server_after_fin_from_refusing_side(754921472),
        State::FinWait2
    );
}

/// Fuzz find `crash-8000a15f`. The listening server takes the client's SYN (C0) and
/// the client opens again with C1, 60,000,000 later; the server's SYN,ACK shows a full
/// window field (65 535) with scaling (shift 3) offered by both. The observer took a
/// full field as bounding nothing and guessed C1 inside the window (server back to
/// LISTEN); the server's evidence to the contrary (its ACK of C0 + 1) was lost before
/// the capture point. A full field bounds the window by the field shifted (524,280
/// here, the largest the scale can announce): C1 lay outside, and the server stays in
/// SYN-RECEIVED on C0 (RFC 9293 §3.10.7.4, first check).
#[test]
fn full_syn_ack_window_is_bounded_by_its_scale() {
    const T: u64 = 480_041_000_000;
    let obs = observe(&[
        (C, T, seg(1592700682, 0, TcpFlags::SYN, 0, 23387, Some(0))),
        (C, T, seg(1652700682, 0, TcpFlags::SYN, 0, 23387, Some(0))),
        (
            S,
            T,
            seg(
                2865420717,
                1592700683,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                65535,
                Some(3),
            ),
        ),
    ]);
    assert_eq!(obs.state(S), State::SynReceived);
}

/// Fuzz find `crash-2f0e6587`. The client, listening, takes the server's SYN and
/// answers with a SYN,ACK whose field is 2 with scaling (shift 14) offered by both:
/// `Endpoint` rounds a window to whole scale units, at least one (16,384 here), Linux
/// keeps the field, so the window is between 2 and 16,384. The server's next SYN,
/// 60,000,000 later, lies outside either: the client drops it with an ACK and stays
/// in SYN-RECEIVED. The observer took any non-full field with scaling as showing no
/// window and guessed the client back in LISTEN.
#[test]
fn small_syn_ack_window_with_scaling_bounds_a_new_syn() {
    const T: u64 = 240_000_000_000;
    let obs = observe(&[
        (S, 0, seg(738197503, 0, TcpFlags::SYN, 0, 65535, Some(14))),
        (
            C,
            T,
            seg(0, 738197504, TcpFlags::RST | TcpFlags::ACK, 0, 0, None),
        ),
        (S, T, seg(738197503, 0, TcpFlags::SYN, 0, 65535, Some(14))),
        (
            C,
            T,
            seg(
                93030342,
                738197504,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                2,
                Some(14),
            ),
        ),
        (S, T, seg(798197503, 0, TcpFlags::SYN, 0, 65535, Some(14))),
    ]);
    assert_eq!(obs.state(C), State::SynReceived);
}

/// Fuzz find `crash-d2e87944`. After the handshake both sides send a FIN (crossing;
/// the server goes to CLOSING), and the client, its TCB gone unseen, opens again
/// (SYN). Its new TCB in SYN-SENT answers the server's FIN, whose ACK covers only
/// the client's SYN, with `<SEQ=SEG.ACK><CTL=RST>`: a RST at the client's old FIN's
/// sequence number, `RCV.NXT − 1` for the server, which takes it in CLOSING (Linux's
/// `tcp_reset_check`, as `Endpoint` does). The observer had forgotten the client's
/// FIN when the client opened again and judged the RST below the window. The
/// receiver's `RCV.NXT` past the FIN is still known: a RST just below it counts.
#[test]
fn rst_at_a_forgotten_fin_into_closing_resets() {
    const T: u64 = 480_000_000_000;
    let obs = observe(&[
        (C, 0, seg(4194607360, 0, TcpFlags::SYN, 0, 0, Some(14))),
        (
            S,
            0,
            seg(7, 4194607361, TcpFlags::SYN | TcpFlags::ACK, 0, 54485, None),
        ),
        (C, 0, seg(4194607361, 8, TcpFlags::ACK, 0, 0, None)),
        (
            S,
            T,
            seg(8, 4194607361, TcpFlags::FIN | TcpFlags::ACK, 0, 54485, None),
        ),
        (
            C,
            T,
            seg(4194607361, 8, TcpFlags::FIN | TcpFlags::ACK, 0, 0, None),
        ),
        (C, T, seg(19640064, 0, TcpFlags::SYN, 0, 0, Some(14))),
        (C, T, seg(4194607361, 0, TcpFlags::RST, 0, 0, None)),
    ]);
    assert_eq!(obs.state(S), State::Closed);
    assert_eq!(obs.state(C), State::SynSent);
}

/// Fuzz find `crash-5696b5db`. A simultaneous open is reset; hours later the server
/// opens again (SYN) and the client, listening, takes it and closes from
/// SYN-RECEIVED (its FIN seen before its SYN,ACK, so its new ISN is not known yet).
/// Then the server's FIN of the first connection, still in flight (from its old ISN +
/// 1, acknowledging the client's old ISN + 1), is seen. The observer, with the
/// server in SYN_SENT, took it as showing an unseen SYN,ACK (ESTABLISHED, then
/// LAST_ACK) and its ACK as acknowledging the client's FIN. Its ACK lies beyond all
/// the client has sent since (its FIN), and it does not start at the server's ISN +
/// 1: an earlier incarnation's, which shows nothing.
#[test]
fn fin_of_an_earlier_incarnation_beyond_the_peers_unseen_isn() {
    const T1: u64 = 11_115_011_048_000;
    const T2: u64 = 11_355_011_048_000;
    let obs = observe(&[
        (S, 0, seg(1703936, 0, TcpFlags::SYN, 0, 0, None)),
        (C, 0, seg(67778564, 0, TcpFlags::SYN, 0, 161, None)),
        (
            C,
            0,
            seg(
                67778564,
                1703937,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                161,
                None,
            ),
        ),
        (
            S,
            0,
            seg(1703936, 67778565, TcpFlags::SYN | TcpFlags::ACK, 0, 0, None),
        ),
        (C, 0, seg(67778565, 0, TcpFlags::RST, 0, 0, None)),
        (S, T1, seg(2780456698, 0, TcpFlags::SYN, 0, 0, None)),
        (
            C,
            T2,
            seg(
                2846531327,
                2780456699,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                161,
                None,
            ),
        ),
        (
            S,
            T2,
            seg(1703937, 67778565, TcpFlags::FIN | TcpFlags::ACK, 0, 0, None),
        ),
    ]);
    assert_eq!(obs.state(C), State::FinWait1);
    assert_eq!(obs.state(S), State::SynSent);
}

/// Fuzz find `crash-bccc3ef6`. A connection carries 1,024 bytes from the server, whose
/// FIN (at ISS + 1,025) the client, reopened unseen, answers with a RST that closes
/// the server; the client opens again with the same ISN (its clock has not ticked)
/// and the listening server takes it. A copy of the server's old FIN is then seen
/// before its new SYN,ACK, which comes from the same ISS: the observer took the FIN
/// as the server's close from SYN_RECEIVED, and kept FIN_WAIT_1. A side in
/// SYN-RECEIVED sends no data, so its FIN lies at ISS + 1; when its SYN,ACK then
/// shows an ISS the FIN does not follow, while the peer has not acknowledged that
/// SYN,ACK, the FIN was an earlier incarnation's and the side is in SYN_RECEIVED.
#[test]
fn fin_before_the_syn_ack_not_at_its_isn_is_an_earlier_incarnations() {
    let obs = observe(&[
        (S, 0, seg(3604403926, 0, TcpFlags::SYN, 0, 65535, Some(14))),
        (
            C,
            0,
            seg(0, 3604403927, TcpFlags::RST | TcpFlags::ACK, 0, 0, None),
        ),
        (
            C,
            0,
            seg(0, 3604403927, TcpFlags::RST | TcpFlags::ACK, 0, 0, None),
        ),
        (C, 0, seg(2396986751, 0, TcpFlags::SYN, 0, 3147, None)),
        (
            S,
            0,
            seg(0, 2396986752, TcpFlags::RST | TcpFlags::ACK, 0, 0, None),
        ),
        (C, 0, seg(2396986751, 0, TcpFlags::SYN, 0, 3147, None)),
        (
            S,
            0,
            seg(
                3604403926,
                2396986752,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (
            C,
            0,
            seg(2396986752, 3604403927, TcpFlags::ACK, 0, 3147, None),
        ),
        (
            S,
            0,
            seg(3604403927, 2396986752, TcpFlags::ACK, 1024, 65535, None),
        ),
        (
            C,
            0,
            seg(2396986752, 3604404951, TcpFlags::ACK, 0, 3147, None),
        ),
        (
            S,
            0,
            seg(
                3604404951,
                2396986752,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (C, 0, seg(2396986752, 0, TcpFlags::RST, 0, 0, None)),
        (C, 0, seg(2396986751, 0, TcpFlags::SYN, 0, 3147, None)),
        (
            S,
            0,
            seg(
                3604404951,
                2396986752,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (
            S,
            0,
            seg(
                3604403926,
                2396986752,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (
            C,
            0,
            seg(2396986752, 3604403927, TcpFlags::ACK, 0, 3147, None),
        ),
    ]);
    assert_eq!(obs.state(S), State::Established);
    assert_eq!(obs.state(C), State::Established);
    // The stale FIN closed nothing: no side has closed in this incarnation.
    assert_eq!(obs.first_closer(), None);
}

/// Fuzz find `crash-170ae45d`, which the fix for `crash-704a7d01` let through: in a
/// simultaneous open the client closes and then aborts (its RST resets the server
/// from CLOSE_WAIT), opens again unseen, and takes a late copy of the server's
/// SYN,ACK, whose ACK it acknowledges. The observer took that ACK as proving that
/// the RST had closed neither side (as in `crash-704a7d01`) and revised the server to
/// ESTABLISHED; the server, closed, had opened again (SYN-SENT) and dropped it. The
/// SYN,ACK was the server's from before it reached CLOSE_WAIT, a stale copy, not one
/// sent from SYN-RECEIVED as the RST arrived: only the latter (a side the RST reset
/// from SYN_RECEIVED) supports the revision.
#[test]
fn ack_of_a_stale_syn_ack_after_a_rst_revises_nothing() {
    let seen = [
        (S, 0, seg(4294967295, 0, TcpFlags::SYN, 0, 65535, None)),
        (C, 0, seg(1382514431, 0, TcpFlags::SYN, 0, 65535, None)),
        (
            C,
            0,
            seg(1382514431, 0, TcpFlags::SYN | TcpFlags::ACK, 0, 65535, None),
        ),
        (
            C,
            0,
            seg(1382514432, 0, TcpFlags::FIN | TcpFlags::ACK, 0, 65535, None),
        ),
        (C, 0, seg(1382514433, 0, TcpFlags::RST, 0, 0, None)),
        (
            S,
            0,
            seg(
                4294967295,
                1382514432,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (S, 0, seg(0, 1382514433, TcpFlags::ACK, 0, 65535, None)),
        (C, 0, seg(1382514433, 0, TcpFlags::RST, 0, 0, None)),
        (S, 0, seg(0, 1382514433, TcpFlags::ACK, 0, 65535, None)),
        (C, 0, seg(1382514432, 0, TcpFlags::ACK, 0, 65535, None)),
        (C, 0, seg(1382514432, 0, TcpFlags::ACK, 0, 65535, None)),
        (S, 0, seg(4294967295, 0, TcpFlags::SYN, 0, 65535, None)),
    ];
    let obs = observe(&seen[..10]);
    assert_eq!(obs.state(S), State::Closed);
    let obs = observe(&seen);
    assert_eq!(obs.state(S), State::SynSent);
}

/// Fuzz find `crash-bb6c0e4c`. Two connections with the same ISNs (the clocks did not
/// tick) end; the client opens a third time with the same ISN, and a copy of the
/// server's FIN of the second, bit for bit what the server would send now, is seen:
/// the observer takes the server as closing (FIN_WAIT_1), which nothing seen can
/// refute yet. The client, its SYN refused unseen, opens again with a later ISN; the
/// server's RST,ACK refusing the earlier SYN then arrives. The observer kept the
/// client's earlier ISN (a SYN into a synchronized receiver opened a new TCB only
/// from CLOSED, LISTEN or a synchronized state), took the RST as acknowledging its
/// SYN and closed both; the server, listening, took the new SYN and the handshake
/// completed. A side in SYN_SENT that sends a SYN with a later ISN has opened anew
/// (as a reopening does): the RST acknowledges nothing of it.
#[test]
fn later_syn_from_syn_sent_into_a_synchronized_receiver_opens_anew() {
    const T: u64 = 240_000_000_000;
    let obs = observe(&[
        (C, 0, seg(727187485, 0, TcpFlags::SYN, 0, 65535, None)),
        (
            S,
            0,
            seg(
                1627389952,
                727187486,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (
            C,
            0,
            seg(727187486, 1627389953, TcpFlags::ACK, 0, 65535, None),
        ),
        (S, 0, seg(1627389953, 0, TcpFlags::RST, 0, 0, None)),
        (C, 0, seg(727187485, 0, TcpFlags::SYN, 0, 65535, None)),
        (
            S,
            0,
            seg(
                1627389952,
                727187486,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (
            C,
            0,
            seg(727187486, 1627389953, TcpFlags::ACK, 0, 65535, None),
        ),
        (
            S,
            0,
            seg(
                1627389953,
                727187486,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (C, 0, seg(727187486, 0, TcpFlags::RST, 0, 0, None)),
        (C, T, seg(727187485, 0, TcpFlags::SYN, 0, 65535, None)),
        (
            S,
            T,
            seg(
                1627389953,
                727187486,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (C, T, seg(787187485, 0, TcpFlags::SYN, 0, 65535, None)),
        (
            S,
            T,
            seg(0, 727187486, TcpFlags::RST | TcpFlags::ACK, 0, 0, None),
        ),
        (C, T, seg(727187486, 0, TcpFlags::RST, 0, 0, None)),
        (
            S,
            T,
            seg(
                1687389952,
                787187486,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                65535,
                None,
            ),
        ),
        (
            C,
            T,
            seg(787187486, 1687389953, TcpFlags::ACK, 0, 65535, None),
        ),
    ]);
    assert_eq!(obs.state(C), State::Established);
    assert_eq!(obs.state(S), State::Established);
}

/// Fuzz find `crash-bb255466`. The server, in SYN-RECEIVED, closes (its FIN
/// acknowledging only the client's SYN) while the client's FIN is on its way; the
/// client then opens again (SYN with a new ISN) before the server's FIN is seen.
/// The FINs crossed, so the server went FIN_WAIT_1 → CLOSING (RFC 9293 figure 13);
/// the observer, which had forgotten the client's FIN when the client opened again,
/// took the server's FIN as sent from CLOSE_WAIT (LAST_ACK). The server's `RCV.NXT`
/// past the client's FIN is still known, and the server's FIN does not acknowledge
/// that FIN: they crossed.
#[test]
fn fin_crossing_a_forgotten_fin_is_closing() {
    const T1: u64 = 240_012_928_000;
    const T2: u64 = 480_025_856_000;
    let obs = observe(&[
        (C, 0, seg(486550276, 0, TcpFlags::SYN, 0, 0, None)),
        (
            S,
            T1,
            seg(
                76070603,
                486550277,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                38060,
                None,
            ),
        ),
        (
            C,
            T1,
            seg(
                486550277,
                76070604,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                0,
                None,
            ),
        ),
        (C, T1, seg(546553508, 0, TcpFlags::SYN, 0, 0, None)),
        (
            S,
            T2,
            seg(
                76070604,
                486550277,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                38060,
                None,
            ),
        ),
        (
            S,
            T2,
            seg(76070605, 486550278, TcpFlags::ACK, 0, 38060, None),
        ),
    ]);
    assert_eq!(obs.state(S), State::Closing);
}

/// Fuzz find `crash-d8a2088d`. A connection (the same ISNs as the next: the clocks did
/// not tick) ends with the server's FIN, the client's ACK of it `<ACK=ISS+2>` and its
/// RST; the client opens again with the same ISN and a copy of that old ACK is seen
/// after its new SYN. The observer took it as showing an unseen SYN,ACK (both
/// ESTABLISHED, the server's ISN inferred as ISS + 1); the server's real SYN,ACK then
/// came from ISS, which the ACK does not follow (it acknowledged more than the
/// server has sent now). The server's RST at that old ACK (its answer to it from
/// SYN-RECEIVED) was taken as exact for the client and closed both; the client
/// challenged it. A first SYN,ACK from another ISN than the one inferred, the side
/// having sent nothing since, now revises both sides back to the handshake.
#[test]
fn syn_ack_from_another_isn_than_inferred_revises_the_stale_ack() {
    let obs = observe(&[
        (S, 0, seg(1482162183, 0, TcpFlags::SYN, 0, 0, None)),
        (C, 0, seg(82181892, 0, TcpFlags::SYN, 0, 165, None)),
        (
            C,
            0,
            seg(
                82181892,
                1482162184,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                165,
                None,
            ),
        ),
        (
            S,
            0,
            seg(
                1482162183,
                82181893,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                0,
                None,
            ),
        ),
        (
            S,
            0,
            seg(
                1482162184,
                82181893,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                0,
                None,
            ),
        ),
        (
            S,
            0,
            seg(
                1482162184,
                82181893,
                TcpFlags::FIN | TcpFlags::ACK,
                0,
                0,
                None,
            ),
        ),
        (C, 0, seg(82181893, 1482162185, TcpFlags::ACK, 0, 165, None)),
        (C, 0, seg(82181893, 1482162185, TcpFlags::ACK, 0, 165, None)),
        (C, 0, seg(82181893, 1482162185, TcpFlags::ACK, 0, 165, None)),
        (C, 0, seg(82181893, 0, TcpFlags::RST, 0, 0, None)),
        (C, 0, seg(82181892, 0, TcpFlags::SYN, 0, 165, None)),
        (C, 0, seg(82181893, 1482162185, TcpFlags::ACK, 0, 165, None)),
        (
            S,
            0,
            seg(
                1482162183,
                82181893,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                0,
                None,
            ),
        ),
        (S, 0, seg(1482162185, 0, TcpFlags::RST, 0, 0, None)),
    ]);
    assert_eq!(obs.state(C), State::Established);
    assert_eq!(obs.state(S), State::SynReceived);
}

/// Fuzz find `crash-088fda3a`. Both sides open twice with the same ISNs (client C,
/// server S; the clocks did not tick), crossing SYNs each time. The first connection
/// ends with the server's FIN `<SEQ=S+1>` and RST; the client's ACK of that FIN,
/// `<SEQ=C+1><ACK=S+2>`, is seen once before the new SYNs and once after them, when
/// the client is in SYN-RECEIVED again (its SYN,ACK not seen yet). The observer took
/// that copy as this incarnation's, acknowledging another SYN of the server (with
/// ISN S+1) that the client had taken and kept, and moved the client's `RCV.NXT`
/// estimate to S+2; the server's RST `<SEQ=S+2>` (its answer to the unacceptable ACK from
/// SYN-RECEIVED) then looked exact and closed both, while the client's endpoint found
/// it in the window, not exact, and challenged it. A side in SYN-RECEIVED can have
/// taken only an earlier SYN of its peer than the last seen (a later one would have
/// passed the capture point): an ACK of a later ISN + 1 is an older incarnation's.
#[test]
fn ack_of_a_later_isn_than_the_peers_last_syn_keeps_no_irs() {
    const S0: u32 = 788267002;
    const C0: u32 = 69733124;
    let s_syn = seg(S0, 0, TcpFlags::SYN, 0, 65535, Some(14));
    let c_syn = seg(C0, 0, TcpFlags::SYN, 0, 767, Some(14));
    let c_syn_ack = seg(C0, S0 + 1, TcpFlags::SYN | TcpFlags::ACK, 0, 767, Some(14));
    let s_syn_ack = seg(
        S0,
        C0 + 1,
        TcpFlags::SYN | TcpFlags::ACK,
        0,
        65535,
        Some(14),
    );
    let s_rst = seg(S0 + 2, 0, TcpFlags::RST, 0, 0, None);
    // The client's ACK of the server's FIN, of the first connection.
    let c_old_ack = seg(C0 + 1, S0 + 2, TcpFlags::ACK, 0, 1, None);
    let c_ack = seg(C0 + 1, S0 + 1, TcpFlags::ACK, 0, 1, None);
    let obs = observe(&[
        // The first connection: crossed SYNs, the server's FIN and RST.
        (S, 0, s_syn),
        (C, 0, c_syn),
        (C, 0, c_syn_ack),
        (S, 0, s_syn_ack),
        (
            S,
            0,
            seg(S0 + 1, C0 + 1, TcpFlags::FIN | TcpFlags::ACK, 0, 505, None),
        ),
        (S, 0, s_rst),
        (C, 0, c_old_ack),
        // The second, with the same ISNs; a copy of the old ACK among it.
        (S, 0, s_syn),
        (C, 0, c_syn),
        (C, 0, c_old_ack),
        (S, 0, s_rst),
        (C, 0, c_syn_ack),
        (S, 0, s_syn_ack),
        (S, 0, s_rst),
        (C, 0, c_ack),
        (C, 0, c_ack),
    ]);
    assert_eq!(obs.state(C), State::Established);
    assert_eq!(obs.state(S), State::Established);
}

/// Fuzz find `crash-0b35600a`, reduced. A simultaneous close: both sides in
/// CLOSING, the server's ACK of the client's FIN seen, the client in TIME_WAIT by
/// the observer's clock, which runs out (the ACK reached the client only later, so
/// its TIME_WAIT lasts longer). Then copies of the client's segments sent before it
/// closed are seen, from a side the observer has CLOSED. They still meet the
/// server's acceptability test (RFC 9293 §3.10.7.4, first check): its old data,
/// ending before the server's `RCV.NXT`, is dropped with its ACK — the server stays
/// in CLOSING; a copy of its FIN ending exactly at `RCV.NXT` has its ACK taken, as
/// Linux does (`Note::AcceptedAtEdge`; the RFC's test would drop it too). The
/// observer had taken the ACK of both.
#[test]
fn segments_of_a_closed_side_meet_the_acceptability_test() {
    const MSL2: u64 = 2 * 120 * 1_000_000_000;
    let closing = [
        (C, 0, seg(100, 0, TcpFlags::SYN, 0, 1000, None)),
        (
            S,
            0,
            seg(300, 101, TcpFlags::SYN | TcpFlags::ACK, 0, 1000, None),
        ),
        (C, 0, seg(101, 301, TcpFlags::ACK, 10, 1000, None)),
        (
            C,
            0,
            seg(111, 301, TcpFlags::FIN | TcpFlags::ACK, 0, 1000, None),
        ),
        (
            S,
            0,
            seg(301, 111, TcpFlags::FIN | TcpFlags::ACK, 0, 1000, None),
        ),
        (S, 0, seg(302, 112, TcpFlags::ACK, 0, 1000, None)),
    ];
    let mut obs = observe(&closing);
    assert_eq!(obs.state(C), State::TimeWait);
    assert_eq!(obs.state(S), State::Closing);
    obs.on_time(Duration::from_nanos(MSL2 + 1));
    assert_eq!(obs.state(C), State::Closed);
    let later = Duration::from_nanos(MSL2 + 2);
    let data = seg(101, 302, TcpFlags::ACK, 10, 1000, None);
    let o = obs.on_segment(C, &data, later);
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
    assert_eq!(obs.state(S), State::Closing);
    let fin = seg(111, 302, TcpFlags::FIN | TcpFlags::ACK, 0, 1000, None);
    let o = obs.on_segment(C, &fin, later);
    assert!(o.notes.contains(Note::AcceptedAtEdge), "{o:?}");
    assert_eq!(obs.state(S), State::TimeWait);
}

/// Fuzz find `crash-c2401abb`, reduced: the receiver's window is known only from
/// its SYN,ACK, with scaling in effect (both SYNs offer shift 14), and that SYN,ACK
/// shows a full field, 65,535: the window in use can be anything from 49,152 (whole
/// units of 16,384) to 65,535 << 14. A segment 1,000 bytes ahead lies inside the
/// smallest; one 60 million bytes ahead lies beyond it (the fuzzed receiver had 6
/// million and dropped it): the observer accepts both, the second with
/// `Note::AcceptedInUnknownWindow`. Once the receiver shows a window outside a SYN,
/// its size is exact and no note is needed: beyond it, the segment is unacceptable.
#[test]
fn segment_beyond_the_smallest_syn_window_is_a_guess() {
    let seen = [
        (C, 0, seg(100, 0, TcpFlags::SYN, 0, 1000, Some(14))),
        (
            S,
            0,
            seg(
                500,
                101,
                TcpFlags::SYN | TcpFlags::ACK,
                0,
                u16::MAX,
                Some(14),
            ),
        ),
    ];
    let mut obs = observe(&seen);
    let t = Duration::ZERO;
    let near = seg(101, 501, TcpFlags::ACK, 1000, 1000, None);
    let o = obs.on_segment(C, &near, t);
    assert!(!o.notes.contains(Note::AcceptedInUnknownWindow), "{o:?}");
    assert_eq!(obs.state(S), State::Established);
    let far = seg(60_000_000, 501, TcpFlags::ACK, 10, 1000, None);
    let o = obs.on_segment(C, &far, t);
    assert!(o.notes.contains(Note::AcceptedInUnknownWindow), "{o:?}");
    assert!(!o.notes.contains(Note::Unacceptable), "{o:?}");
    // The server shows its window outside a SYN: 367 << 14 = 6,012,928.
    obs.on_segment(S, &seg(501, 1101, TcpFlags::ACK, 0, 367, None), t);
    let o = obs.on_segment(C, &far, t);
    assert!(!o.notes.contains(Note::AcceptedInUnknownWindow), "{o:?}");
    assert!(o.notes.contains(Note::Unacceptable), "{o:?}");
}

/// As `segment_beyond_the_smallest_syn_window_is_a_guess`, the far segment coming
/// first, into the server still in SYN_RECEIVED (its SYN,ACK not yet acknowledged):
/// the same guess. And a zero window in a SYN,ACK is exact even with scaling (zero
/// scaled is zero): a segment at the receiver's `RCV.NXT` is not a guess.
#[test]
fn syn_window_guesses_into_syn_received_and_not_for_a_zero_window() {
    let t = Duration::ZERO;
    let handshake = |window: u16| {
        observe(&[
            (C, 0, seg(100, 0, TcpFlags::SYN, 0, 1000, Some(14))),
            (
                S,
                0,
                seg(500, 101, TcpFlags::SYN | TcpFlags::ACK, 0, window, Some(14)),
            ),
        ])
    };
    let mut obs = handshake(u16::MAX);
    assert_eq!(obs.state(S), State::SynReceived);
    let far = seg(60_000_000, 501, TcpFlags::ACK, 10, 1000, None);
    let o = obs.on_segment(C, &far, t);
    assert!(o.notes.contains(Note::AcceptedInUnknownWindow), "{o:?}");
    let mut obs = handshake(0);
    let o = obs.on_segment(C, &seg(101, 501, TcpFlags::ACK, 0, 1000, None), t);
    assert!(!o.notes.contains(Note::AcceptedInUnknownWindow), "{o:?}");
    assert_eq!(obs.state(S), State::Established);
}

/// Fuzz find `a3e78454` (`tests/state_hostile.rs`,
/// `bare_syn_after_an_ack_that_revived_its_sender_opens_anew`, for the schedule): the
/// capture point sees the server's SYN S, the client's SYN C (crossing: a
/// simultaneous open), the client's RST,ACK `<SEQ=C+1><ACK=S+1>` (its refusal of the
/// server's SYN, sent while it was closed), the server's SYN,ACK `<SEQ=S><ACK=C+1>`,
/// the client's ACK of it, the server's bare SYN S again, and the client's
/// (challenge) ACK. The endpoints end with the client ESTABLISHED (it opened again
/// with C, its SYN lost, and took the SYN,ACK) and the server in SYN-SENT (the RST
/// closed it; it opened again with S, and the client's ACK, crossing its SYN, was
/// dropped). The observer had the server ESTABLISHED on the ACK and the SYN as a
/// copy; the SYN now revises it and opens it anew (`Reopened`: no segment tells a
/// new attempt from a copy of its first SYN held up before the capture point).
#[test]
fn bare_syn_after_an_ack_that_revived_its_sender_is_a_new_attempt() {
    let ack = seg(0, 838811783, TcpFlags::ACK, 0, 65535, None);
    let syn = seg(838811782, 0, TcpFlags::SYN, 0, 100, None);
    let seen = [
        (S, 0, syn),
        (C, 0, seg(4294967295, 0, TcpFlags::SYN, 0, 65535, None)),
        (
            C,
            0,
            seg(0, 838811783, TcpFlags::RST | TcpFlags::ACK, 0, 0, None),
        ),
        (
            S,
            0,
            seg(838811782, 0, TcpFlags::SYN | TcpFlags::ACK, 0, 100, None),
        ),
        (C, 0, ack),
    ];
    let t = Duration::ZERO;
    let both = |obs: &Observer| (obs.state(C), obs.state(S));
    let mut obs = observe(&seen);
    assert_eq!(both(&obs), (State::Established, State::Established));
    let o = obs.on_segment(S, &syn, t);
    assert!(o.notes.contains(Note::Reopened), "{o:?}");
    assert_eq!(both(&obs), (State::Established, State::SynSent));
    // The client's challenge ACK reaches a TCB in SYN-SENT: dropped, nothing moves.
    obs.on_segment(C, &ack, t);
    assert_eq!(both(&obs), (State::Established, State::SynSent));
    // A copy of the SYN after any other segment of the server is judged as before.
    let mut obs = observe(&seen);
    obs.on_segment(S, &seg(838811783, 0, TcpFlags::ACK, 0, 100, None), t);
    let o = obs.on_segment(S, &syn, t);
    assert!(!o.notes.contains(Note::Reopened), "{o:?}");
    assert_eq!(obs.state(S), State::Established);
}

/// Fuzz find `9d7a8f23` as the capture shows it (the world's schedule:
/// `regression_fin_of_an_earlier_tcb_is_not_kept_when_every_syn_copy_was_answered`):
/// a handshake (client ISN C, server ISN S), the client's RST at C + 1, its SYN C
/// again, the server's refusal `<SEQ=0><ACK=C+1><CTL=RST,ACK>`, the server's FIN
/// `<SEQ=S+1><ACK=C+1>`, the client's SYN C a third time, the server's SYN,ACK
/// `<SEQ=S><ACK=C+1>` and the client's ACK. Both copies of the SYN seen before the FIN
/// were answered (a SYN,ACK, a refusal), so the FIN is the first TCB's, sent before
/// the RST reached it: the server is ESTABLISHED, not FIN_WAIT_1 (a FIN from
/// SYN-RECEIVED that overtook its SYN,ACK). With a third copy seen before the
/// refusal, one SYN is unaccounted for and the FIN may be that TCB's: kept, as
/// before.
#[test]
fn fin_of_an_earlier_incarnation_is_not_kept_when_every_syn_copy_was_answered() {
    let (c, s) = (1425934582_u32, 4294923519_u32);
    let syn = (C, 0, seg(c, 0, TcpFlags::SYN, 0, 16320, None));
    let synack = (
        S,
        0,
        seg(s, c + 1, TcpFlags::SYN | TcpFlags::ACK, 0, 16320, None),
    );
    let ack = (C, 0, seg(c + 1, s + 1, TcpFlags::ACK, 0, 1, None));
    let rst = (C, 0, seg(c + 1, 0, TcpFlags::RST, 0, 0, None));
    let refusal = (
        S,
        0,
        seg(0, c + 1, TcpFlags::RST | TcpFlags::ACK, 0, 0, None),
    );
    let fin = (
        S,
        0,
        seg(s + 1, c + 1, TcpFlags::FIN | TcpFlags::ACK, 0, 63, None),
    );
    let both = |obs: &Observer| (obs.state(C), obs.state(S));
    let seen = [syn, synack, ack, rst, syn, refusal, fin, syn, synack, ack];
    let obs = observe(&seen);
    assert_eq!(both(&obs), (State::Established, State::Established));
    // One more copy of the SYN before the refusal: the FIN may come from a TCB that
    // took it, closing from SYN-RECEIVED, and the SYN,ACK is that TCB's.
    let seen = [
        syn, synack, ack, rst, syn, syn, refusal, fin, syn, synack, ack,
    ];
    let obs = observe(&seen);
    assert_eq!(both(&obs), (State::Established, State::FinWait1));
    // The same with the extra copy seen in the first handshake, before its SYN,ACK
    // (it may have been held up until the server listened again).
    let seen = [
        syn, syn, synack, ack, rst, syn, refusal, fin, syn, synack, ack,
    ];
    let obs = observe(&seen);
    assert_eq!(both(&obs), (State::Established, State::FinWait1));
}
