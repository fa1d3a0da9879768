//! Runs `examples/endpoints.rs` in-process (its `run`) for each way a
//! conversation can end and checks each side's path through the states against
//! RFC 9293's state diagram, and the numbers on the wire against the sequence rules.

use std::ffi::OsString;

#[allow(dead_code)] // the example's `main`
#[path = "../examples/endpoints.rs"]
mod endpoints_example;

/// The example's exit code, standard output and standard error for `args`.
fn run(args: &[&str]) -> (u8, String, String) {
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = endpoints_example::run(&args, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).expect("UTF-8 output"),
        String::from_utf8(err).expect("UTF-8 errors"),
    )
}

/// The example's success and standard output for `args`.
fn endpoints(args: &[&str]) -> (bool, String) {
    let (code, out, _) = run(args);
    (code == 0, out)
}

/// The state changes the example printed for `side`, as `FROM->TO`.
fn path(out: &str, side: &str) -> Vec<String> {
    let prefix = format!("{side} ");
    out.lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix(&prefix))
        .filter_map(|l| {
            let (from, rest) = l.split_once(" -> ")?;
            let to = rest.split_whitespace().next()?;
            Some(format!("{from}->{to}"))
        })
        .collect()
}

const CLIENT_OPENS: [&str; 2] = ["CLOSED->SYN_SENT", "SYN_SENT->ESTABLISHED"];
const SERVER_OPENS: [&str; 3] = [
    "CLOSED->LISTEN",
    "LISTEN->SYN_RECEIVED",
    "SYN_RECEIVED->ESTABLISHED",
];
const FIRST_CLOSER: [&str; 4] = [
    "ESTABLISHED->FIN_WAIT_1",
    "FIN_WAIT_1->FIN_WAIT_2",
    "FIN_WAIT_2->TIME_WAIT",
    "TIME_WAIT->CLOSED",
];
const SECOND_CLOSER: [&str; 3] = [
    "ESTABLISHED->CLOSE_WAIT",
    "CLOSE_WAIT->LAST_ACK",
    "LAST_ACK->CLOSED",
];
const CROSSED_FINS: [&str; 4] = [
    "ESTABLISHED->FIN_WAIT_1",
    "FIN_WAIT_1->CLOSING",
    "CLOSING->TIME_WAIT",
    "TIME_WAIT->CLOSED",
];

fn joined(a: &[&str], b: &[&str]) -> Vec<String> {
    a.iter().chain(b).map(|s| s.to_string()).collect()
}

#[test]
fn client_closes_first() {
    let (ok, out) = endpoints(&[]);
    assert!(ok, "{out}");
    assert_eq!(path(&out, "client"), joined(&CLIENT_OPENS, &FIRST_CLOSER));
    assert_eq!(path(&out, "server"), joined(&SERVER_OPENS, &SECOND_CLOSER));
    // The client's ISN is 2^32 - 6: its SYN is relative 0, the server's SYN,ACK
    // acknowledges ISN + 1, and after its SYN and 100 bytes its numbers have wrapped
    // to (2^32 - 6 + 1 + 100) mod 2^32 = 95, relative 101.
    assert!(
        out.contains("client -> server  <SEQ=4294967290 [0]><CTL=SYN>"),
        "{out}"
    );
    assert!(out.contains("<ACK=4294967291 [1]><CTL=SYN,ACK>"), "{out}");
    assert!(out.contains("<SEQ=95 [101]><ACK="), "{out}");
    // The client's FIN takes one number: the server acknowledges 101 + 1.
    assert!(out.contains("<ACK=96 [102]><CTL=ACK>"), "{out}");
    assert!(
        out.contains("final: client CLOSED | server CLOSED"),
        "{out}"
    );
}

#[test]
fn server_closes_first() {
    let (ok, out) = endpoints(&["--server-closes"]);
    assert!(ok, "{out}");
    assert_eq!(path(&out, "client"), joined(&CLIENT_OPENS, &SECOND_CLOSER));
    assert_eq!(path(&out, "server"), joined(&SERVER_OPENS, &FIRST_CLOSER));
}

#[test]
fn simultaneous_close_passes_closing() {
    let (ok, out) = endpoints(&["--simultaneous"]);
    assert!(ok, "{out}");
    assert_eq!(path(&out, "client"), joined(&CLIENT_OPENS, &CROSSED_FINS));
    assert_eq!(path(&out, "server"), joined(&SERVER_OPENS, &CROSSED_FINS));
}

#[test]
fn abort_resets_both() {
    let (ok, out) = endpoints(&["--abort"]);
    assert!(ok, "{out}");
    assert_eq!(
        path(&out, "client"),
        joined(&CLIENT_OPENS, &["ESTABLISHED->CLOSED"])
    );
    assert_eq!(
        path(&out, "server"),
        joined(&SERVER_OPENS, &["ESTABLISHED->CLOSED"])
    );
    assert!(out.contains("<CTL=RST>"), "{out}");
}

#[test]
fn bad_arguments_exit_2() {
    let (code, out, err) = run(&["--client-isn", "x"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(
        err.starts_with("endpoints: --client-isn: \"x\" is not a number"),
        "{err}"
    );
    assert!(err.contains("usage: endpoints"), "{err}");
    let (code, _, err) = run(&["--frobnicate"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown argument \"--frobnicate\""), "{err}");
}
