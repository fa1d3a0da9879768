//! The scenarios. Each drives one or two connections between an endpoint and the
//! kernel through their whole life and checks them against RFC 9293's state
//! diagram (figure 5) and against the bytes each side's user handed over.
//!
//! Expected values come from the RFC, not from the endpoint: the state sequences
//! below are RFC 9293 §3.3.2 / figure 5 paths (and the kernel's the same paths, as
//! `ss` shows the stable ones); the bytes are the peers' own patterns.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use synack::state::{State, is_rfc_transition};

use super::conn::{Conn, Lab, config, with_sack_and_timestamps};
use super::netns::{self, Netns, kernel_counters};
use super::peer::{fnv1a, pattern};
use super::trace::Tracer;
use super::{KERNEL_IP, OUR_IP};

/// A scenario: fills an [`Outcome`] using the kernel port and our port.
pub type Scenario = fn(&mut Lab, &mut Outcome, u16, u16) -> Vec<Conn>;

/// Every scenario, in the order they run.
pub const ALL: [(&str, Scenario); 18] = [
    ("active_open", active_open),
    ("passive_open", passive_open),
    ("data_both_ways", data_both_ways),
    ("we_close_first", we_close_first),
    ("they_close_first", they_close_first),
    ("simultaneous_close", simultaneous_close),
    ("abort", abort),
    ("refused_we_connect", refused_we_connect),
    ("refused_kernel_connects", refused_kernel_connects),
    ("zero_window", zero_window),
    ("loss_kernel_segment", loss_kernel_segment),
    ("loss_our_segment", loss_our_segment),
    ("lost_syn_ack", lost_syn_ack),
    ("reconnect_into_time_wait", reconnect_into_time_wait),
    ("reconnect_into_our_time_wait", reconnect_into_our_time_wait),
    ("window_below_mss", window_below_mss),
    ("window_scaling", window_scaling),
    ("simultaneous_open", simultaneous_open),
];

const STEP: Duration = Duration::from_secs(3);
const DATA: Duration = Duration::from_secs(10);
/// How long our ACK of the kernel's FIN is held so that `ss` sees the kernel's
/// LAST_ACK or CLOSING. The sample is taken while the ACK is held (the event loop
/// releases it only after `ss` has answered), so this only needs to be short next
/// to the kernel's retransmission timeout (200 ms at least).
const HOLD: Duration = Duration::from_millis(20);

/// Creates the namespace, the TUN device (moved into it, addressed, up), the reader
/// thread and the peer.
pub fn setup() -> Result<Lab, String> {
    netns::remove_stale();
    let mut ns = Netns::create()?;
    let iface = tun_tap::Iface::without_packet_info(&ns.tun, tun_tap::Mode::Tun)
        .map_err(|e| format!("cannot open a TUN device: {e}"))?;
    netns::ip(&["link", "set", &ns.tun, "netns", &ns.name])?;
    let tun = ns.tun.clone();
    ns.ip(&["link", "set", "lo", "up"])?;
    ns.ip(&["addr", "add", &format!("{KERNEL_IP}/24"), "dev", &tun])?;
    ns.ip(&["link", "set", &tun, "up"])?;
    let iface = Arc::new(iface);
    let reader = iface.clone();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 65536];
        while let Ok(n) = reader.recv(&mut buf) {
            if tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let peer = ns.start_peer()?;
    let tracer = Tracer::start(&ns.name);
    let mut lab = Lab::new(ns, iface, rx, peer);
    lab.tracer = tracer;
    lab.wait_ready()?;
    Ok(lab)
}

/// A scenario's verdict and evidence.
pub struct Outcome {
    name: String,
    evidence: Vec<String>,
    failures: Vec<String>,
    /// RSTs the kernel is expected to send (a refused connection).
    expect_kernel_rsts: u64,
    /// What the crate's `Observer` inferred, and whether it agrees with the truth.
    observer: Vec<String>,
    observer_agrees: bool,
}

impl Outcome {
    fn check(&mut self, ok: bool, what: impl Into<String>) {
        if !ok {
            self.failures.push(what.into());
        }
    }

    fn note(&mut self, what: impl Into<String>) {
        self.evidence.push(what.into());
    }

    /// Whether every check held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// Whether the observer's inferences agree with both sides' real states.
    pub fn observer_agrees(&self) -> bool {
        self.observer_agrees
    }

    /// `scenario NAME: pass|FAIL`, then the evidence and the failed checks; then
    /// `observer NAME: agrees|DIFFERS` and what the observer inferred.
    pub fn print(&self) {
        let verdict = if self.passed() { "pass" } else { "FAIL" };
        println!("scenario {}: {verdict}", self.name);
        for e in &self.evidence {
            println!("    {e}");
        }
        for f in &self.failures {
            println!("    FAILED: {f}");
        }
        let verdict = if self.observer_agrees {
            "agrees"
        } else {
            "DIFFERS"
        };
        println!("observer {}: {verdict}", self.name);
        for o in &self.observer {
            println!("    {o}");
        }
    }
}

/// Runs one scenario and adds the evidence every scenario shares.
pub fn run(lab: &mut Lab, name: &str, scenario: Scenario, (kp, op): (u16, u16)) -> Outcome {
    let mut out = Outcome {
        name: name.to_string(),
        evidence: Vec::new(),
        failures: Vec::new(),
        expect_kernel_rsts: 0,
        observer: Vec::new(),
        observer_agrees: true,
    };
    let before = kernel_counters(lab.peer_pid);
    let strays_before = lab.strays;
    let conns = scenario(lab, &mut out, kp, op);
    // Let late segments arrive (a retransmission would show here).
    if let Some(last) = conns.last() {
        let mut idle = Conn::new(config(0, 65535, None), last.ours.sport, last.ours.dport);
        lab.idle(&mut idle, Duration::from_millis(100));
        out.check(
            idle.k.segments == 0,
            format!("{} late segments from the kernel", idle.k.segments),
        );
    }
    let after = kernel_counters(lab.peer_pid);
    let (mut retrans, mut unprovoked, mut rsts, mut segments) = (0u64, 0u64, 0u64, 0u64);
    for (i, c) in conns.iter().enumerate() {
        let label = if conns.len() > 1 {
            format!("connection {}: ", i + 1)
        } else {
            String::new()
        };
        let path = c.changes_text();
        if path.is_empty() {
            out.note(format!("{label}endpoint: CLOSED, no change"));
        } else {
            out.note(format!("{label}endpoint: CLOSED -> {}", path.join(" -> ")));
        }
        if !c.kernel_path.is_empty() {
            out.note(format!(
                "{label}kernel (ss -tan): {}",
                c.kernel_path.join(" -> ")
            ));
        }
        if let Some((first, _)) = c.kernel_trace.first() {
            let mut path = vec![first.as_str()];
            path.extend(c.kernel_trace.iter().map(|(_, new)| new.as_str()));
            out.note(format!("{label}kernel (tracepoint): {}", path.join(" -> ")));
            for (old, new) in &c.kernel_trace {
                let rfc = match (state_named(old), state_named(new)) {
                    (Some(a), Some(b)) => is_rfc_transition(a, b),
                    _ => false,
                };
                out.check(
                    rfc,
                    format!("{label}the kernel went {old} -> {new}, not an RFC 9293 transition"),
                );
            }
        }
        out.note(format!(
            "{label}kernel segments {}: retransmissions {} (unprovoked {}), RSTs {}, zero windows {}, \
             largest window field {}, largest payload {}, beyond our window {}, with SACK blocks {}; \
             we dropped {} of them",
            c.k.segments,
            c.k.retransmissions,
            c.k.unprovoked,
            c.k.rsts,
            c.k.zero_windows,
            c.k.max_window,
            c.k.max_payload,
            c.k.beyond_window,
            c.k.sack_segments,
            c.k.dropped
        ));
        if c.k.retransmissions + c.k.own_rule > 0 {
            let [r, f, sp, o] = c.k.analysis;
            out.note(format!(
                "{label}the crate's analysis (track::Tracker) of the kernel's segments: \
                 flags (a segment may carry several) {r} retransmission, {f} fast retransmission, \
                 {sp} spurious retransmission, \
                 {o} out-of-order; the example's own rule (not past the highest sequence \
                 number seen): {}",
                c.k.own_rule
            ));
        }
        let (sack, ts) = c.offered();
        if sack || ts {
            out.note(format!(
                "{label}our SYN offered SACK-permitted and timestamps; negotiated (SACK, \
                 timestamps) per incarnation: {:?}; kernel segments with timestamps {} of {}",
                c.negotiated, c.k.timestamped, c.k.segments
            ));
            out.check(
                !c.negotiated.is_empty() && c.negotiated.iter().all(|&n| n == (sack, ts)),
                format!("{label}options offered, negotiated {:?}", c.negotiated),
            );
            out.check(
                !ts || c.k.timestamped == c.k.segments,
                format!(
                    "{label}{} of the kernel's {} segments without timestamps",
                    c.k.segments - c.k.timestamped,
                    c.k.segments
                ),
            );
        }
        if c.k.simultaneous_syn_ack_flagged {
            out.note(format!(
                "{label}the crate's analysis flags the kernel's SYN,ACK that completes the \
                 simultaneous open as a retransmission (Wireshark's rule, tshark 4.0.17 \
                 agrees); it repeats the SYN (RFC 9293 figure 7) and is not counted"
            ));
        }
        out.check(
            c.k.untracked == 0,
            format!(
                "{label}{} kernel segments the tracker did not decode",
                c.k.untracked
            ),
        );
        out.check(
            c.k.beyond_window == 0,
            format!(
                "{label}{} kernel segments beyond the window we advertised",
                c.k.beyond_window
            ),
        );
        // The crate's Observer, capturing at the TUN device, against the truth: the
        // endpoint's own states, and the kernel's as sampled with ss.
        let (obs_ours, obs_kernel) = c.observed_paths();
        let ours = strip_listen_prefix(&c.path);
        let agrees_ours = strip_listen_prefix(obs_ours) == ours;
        let kernel_seen: Vec<&str> = obs_kernel.iter().map(|s| s.name()).collect();
        let agrees_kernel = is_subsequence(&c.kernel_path, &kernel_seen);
        out.observer.push(format!(
            "{label}observer at the TUN: endpoint side {} ({}); kernel side {} ({})",
            names(obs_ours),
            if agrees_ours {
                "= the endpoint's"
            } else {
                "DIFFERS from the endpoint's"
            },
            names(obs_kernel),
            if agrees_kernel {
                "consistent with ss"
            } else {
                "DIFFERS from ss"
            },
        ));
        if !(agrees_ours && agrees_kernel) {
            out.observer.push(format!(
                "{label}observer's transitions: {}",
                c.observer_log().join(", ")
            ));
        }
        out.observer_agrees &= agrees_ours && agrees_kernel;
        if !c.syn_answers.is_empty() {
            out.note(format!(
                "{label}the endpoint answered the kernel's SYNs with: {}",
                c.syn_answers.join(", ")
            ));
        }
        if c.our_retransmissions + c.our_probes + c.our_lost + c.our_rsts > 0 {
            out.note(format!(
                "{label}endpoint: lost on purpose {}, retransmissions {}, zero-window probes {}, RSTs {}",
                c.our_lost, c.our_retransmissions, c.our_probes, c.our_rsts
            ));
        }
        for e in &c.errors {
            out.failures.push(format!("{label}{e}"));
        }
        retrans += u64::from(c.k.retransmissions);
        unprovoked += u64::from(c.k.unprovoked);
        rsts += u64::from(c.k.rsts);
        segments += u64::from(c.k.segments);
    }
    let strays = (
        lab.strays.0 - strays_before.0,
        lab.strays.1 - strays_before.1,
    );
    let expect = out.expect_kernel_rsts;
    out.check(
        rsts == expect,
        format!("kernel RSTs: {rsts}, expected {expect}"),
    );
    out.check(
        strays.1 == 0,
        format!("{} RSTs from the kernel to other ports", strays.1),
    );
    match (before, after) {
        (Some(before), Some(after)) => {
            let d = after.since(before);
            let (dr, dor) = (d.retrans_segs, d.out_rsts);
            out.note(format!(
                "kernel counters: RetransSegs +{dr}, OutRsts +{dor}, TCPLossProbes +{}, \
                 TCPTimeouts +{} (decoded: {retrans} retransmissions, {rsts} RSTs, in {segments} segments)",
                d.loss_probes, d.timeouts
            ));
            out.check(
                dr == retrans,
                format!("the kernel counted {dr} retransmissions, we decoded {retrans}"),
            );
            out.check(
                dor == expect,
                format!("the kernel counted {dor} RSTs sent, expected {expect}"),
            );
            // With SACK the kernel sends a tail loss probe (RFC 8985) when no ACK
            // came for 2·SRTT, at least 10 ms: on this loaded machine our event
            // loop is sometimes that slow, and the probe repeats the last segment,
            // which we had acknowledged by the time we read it. Such probes, and
            // only as many as the kernel says it sent, are not failures.
            if unprovoked > 0 && unprovoked <= d.loss_probes {
                out.note(format!(
                    "the kernel's {unprovoked} unprovoked retransmissions are within its \
                     {} tail loss probes (our ACK later than its 2·SRTT probe timer)",
                    d.loss_probes
                ));
            }
            out.check(
                unprovoked <= d.loss_probes,
                format!(
                    "{unprovoked} unprovoked retransmissions by the kernel, {} of them \
                     tail loss probes at most",
                    d.loss_probes
                ),
            );
        }
        (_, _) => {
            out.check(
                unprovoked == 0,
                format!("{unprovoked} unprovoked retransmissions by the kernel"),
            );
            out.check(false, "cannot read the kernel's counters");
        }
    }
    out
}

/// Checks the endpoint's path (every state, in order) against the RFC's.
fn expect_path(out: &mut Outcome, c: &Conn, want: &[State]) {
    out.check(
        c.path == want,
        format!(
            "endpoint path {}, RFC 9293 says {}",
            names(&c.path),
            names(want)
        ),
    );
}

/// Checks the kernel's sampled states.
fn expect_kernel(out: &mut Outcome, c: &Conn, want: &[&str]) {
    out.check(
        c.kernel_path == want,
        format!(
            "kernel states {}, expected {}",
            c.kernel_path.join(" "),
            want.join(" ")
        ),
    );
}

/// The state with this name (`FIN_WAIT_1`, ...).
fn state_named(name: &str) -> Option<State> {
    State::ALL.into_iter().find(|s| s.name() == name)
}

/// A path without the passive OPEN (the observer assumes LISTEN from the start).
fn strip_listen_prefix(p: &[State]) -> &[State] {
    match p {
        [Closed, Listen, rest @ ..] if !rest.is_empty() => &p[1..],
        _ => p,
    }
}

/// Whether `sub` appears in `full` in order (ss samples some of the states).
fn is_subsequence(sub: &[String], full: &[&str]) -> bool {
    let mut it = full.iter();
    sub.iter().all(|s| it.any(|f| f == s))
}

fn names(p: &[State]) -> String {
    p.iter().map(|s| s.name()).collect::<Vec<_>>().join(" ")
}

fn hash_text(bytes: &[u8]) -> String {
    format!("{} {:016x}", bytes.len(), fnv1a(bytes))
}

use State::*;

// ------------------------------------------------------------------ building blocks

/// We connect to a kernel listener on `kp`; both ESTABLISHED.
fn open_active(lab: &mut Lab, out: &mut Outcome, c: &mut Conn, kp: u16, name: &str) -> bool {
    let listen = lab.cmd(&format!("listen {kp}"));
    if let Err(e) = lab.wait(c, listen, STEP) {
        out.check(false, format!("kernel listen: {e}"));
        return false;
    }
    let accept = lab.cmd(&format!("accept {kp} {name}"));
    c.connect(lab);
    let ok = lab.drive(c, STEP, |lab, c| {
        c.state() == Established && lab.answer(accept).is_some()
    });
    let accepted = lab.answer(accept);
    let want = format!("{OUR_IP}:{}", c.ours.sport);
    out.check(
        ok && accepted == Some(Ok(want.clone())),
        format!(
            "handshake: endpoint {}, kernel accept {accepted:?} (expected {want})",
            c.state()
        ),
    );
    lab.sample(c);
    ok
}

/// The kernel connects to our listening endpoint on `c.ours.sport`.
fn open_passive(lab: &mut Lab, out: &mut Outcome, c: &mut Conn, name: &str) -> bool {
    c.listen();
    let connect = lab.cmd(&format!("connect {OUR_IP}:{} {name}", c.ours.sport));
    let ok = lab.drive(c, STEP, |lab, c| {
        c.state() == Established && lab.answer(connect).is_some()
    });
    let answer = lab.answer(connect);
    out.check(
        ok && matches!(answer, Some(Ok(_))),
        format!(
            "handshake: endpoint {}, kernel connect {answer:?}",
            c.state()
        ),
    );
    lab.sample(c);
    ok
}

/// Both users send at once: we `ours` bytes, the kernel `theirs`; each side reads
/// exactly what the other sent.
fn exchange(
    lab: &mut Lab,
    out: &mut Outcome,
    c: &mut Conn,
    name: &str,
    ours: usize,
    theirs: usize,
) {
    // Seeds differ per connection and per socket name, so that bytes of an earlier
    // connection on the same ports cannot pass for this one's.
    let salt = name
        .bytes()
        .fold(0u8, |a, b| a.wrapping_mul(31).wrapping_add(b));
    let our_seed = c.ours.sport as u8 ^ salt;
    let their_seed = c.ours.dport as u8 ^ 0x5a ^ salt.rotate_left(3);
    c.tx.extend_from_slice(&pattern(our_seed, ours));
    let write = lab.cmd(&format!("write {name} {theirs} {their_seed}"));
    let read = lab.cmd(&format!("read {name} {ours}"));
    let ok = lab.drive(c, DATA, |lab, c| {
        lab.answer(write).is_some()
            && lab.answer(read).is_some()
            && c.rx.len() >= theirs
            && c.all_acked()
    });
    let sent = hash_text(&c.tx);
    let read_answer = lab.answer(read);
    let expected_rx = pattern(their_seed, theirs);
    out.note(format!(
        "bytes to the kernel: sent {sent}, kernel read {}",
        match &read_answer {
            Some(Ok(t)) => t.clone(),
            other => format!("{other:?}"),
        }
    ));
    out.note(format!(
        "bytes from the kernel: wrote {}, endpoint received {}",
        hash_text(&expected_rx),
        hash_text(&c.rx)
    ));
    out.check(ok, "data exchange did not finish in time");
    out.check(
        read_answer == Some(Ok(sent)),
        "the kernel did not read exactly the bytes we sent",
    );
    out.check(
        c.rx == expected_rx,
        "the endpoint did not receive exactly the kernel's bytes",
    );
}

/// We close first: FIN_WAIT_1, FIN_WAIT_2 while the kernel is in CLOSE_WAIT, its
/// FIN (our ACK held so that `ss` sees LAST_ACK), TIME_WAIT, CLOSED after 2·MSL.
fn we_close(lab: &mut Lab, out: &mut Outcome, c: &mut Conn, name: &str) {
    c.want_close = true;
    let eof = lab.cmd(&format!("read {name}"));
    let ok = lab.drive(c, STEP, |lab, c| {
        lab.answer(eof).is_some() && c.state() == FinWait2
    });
    out.check(
        ok && lab.answer(eof) == Some(Ok(hash_text(&[]))),
        format!(
            "our FIN: kernel read {:?}, endpoint {}",
            lab.answer(eof),
            c.state()
        ),
    );
    lab.sample(c);
    c.hold_fin_ack = Some(HOLD);
    let close = lab.cmd(&format!("close {name}"));
    lab.drive(c, STEP, |_, c| c.holding());
    lab.sample(c);
    let ok = lab.drive(c, STEP, |lab, c| {
        c.state() == Closed && lab.answer(close).is_some()
    });
    out.check(ok, format!("closing: endpoint {}", c.state()));
    lab.sample(c);
}

/// The kernel closes first (after its user wrote everything it had); we get its
/// FIN (CLOSE_WAIT; the kernel in FIN_WAIT_2), close (LAST_ACK), CLOSED on the ACK;
/// the kernel in TIME_WAIT.
fn they_close(lab: &mut Lab, out: &mut Outcome, c: &mut Conn, name: &str) {
    let close = lab.cmd(&format!("close {name}"));
    let ok = lab.drive(c, STEP, |lab, c| {
        lab.answer(close).is_some() && c.state() == CloseWait
    });
    out.check(ok, format!("their FIN: endpoint {}", c.state()));
    lab.idle(c, Duration::from_millis(20));
    lab.sample(c);
    c.want_close = true;
    let ok = lab.drive(c, STEP, |_, c| c.state() == Closed);
    out.check(ok, format!("closing: endpoint {}", c.state()));
    lab.sample(c);
}

// --------------------------------------------------------------------- scenarios

/// Active open (RFC 9293 figure 6 with Linux as the server), a little data each
/// way, we close first.
fn active_open(lab: &mut Lab, out: &mut Outcome, kp: u16, op: u16) -> Vec<Conn> {
    let mut c = Conn::new(config(0x1000_0000, 65535, None), op, kp);
    if open_active(lab, out, &mut c, kp, "s") {
        exchange(lab, out, &mut c, "s", 3000, 5000);
        we_close(lab, out, &mut c, "s");
    }
    expect_path(
        out,
        &c,
        &[
            Closed,
            SynSent,
            Established,
            FinWait1,
            FinWait2,
            TimeWait,
            Closed,
        ],
    );
    expect_kernel(
        out,
        &c,
        &["ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"],
    );
    vec![c]
}

/// Passive open: the kernel connects to our LISTEN; a little data; it closes first.
fn passive_open(lab: &mut Lab, out: &mut Outcome, _kp: u16, op: u16) -> Vec<Conn> {
    let mut c = Conn::new(config(0x2000_0000, 65535, None), op, 0);
    if open_passive(lab, out, &mut c, "s") {
        exchange(lab, out, &mut c, "s", 4000, 2000);
        they_close(lab, out, &mut c, "s");
    }
    expect_path(
        out,
        &c,
        &[
            Closed,
            Listen,
            SynReceived,
            Established,
            CloseWait,
            LastAck,
            Closed,
        ],
    );
    expect_kernel(out, &c, &["ESTABLISHED", "FIN_WAIT_2", "TIME_WAIT"]);
    vec![c]
}

/// 512 KiB each way at once, our receive window 8 KiB (so the kernel's data is 64
/// windows), the kernel's window at most 64 KiB unscaled; our ISS a little below
/// 2^32 so our sequence numbers wrap.
fn data_both_ways(lab: &mut Lab, out: &mut Outcome, kp: u16, op: u16) -> Vec<Conn> {
    let ticks = (lab.now().as_micros() / 4) as u32;
    let isn = (u32::MAX - 100_000).wrapping_sub(ticks);
    let mut c = Conn::new(with_sack_and_timestamps(config(isn, 8192, None)), op, kp);
    const N: usize = 512 * 1024;
    if open_active(lab, out, &mut c, kp, "s") {
        exchange(lab, out, &mut c, "s", N, N);
        let window = u32::from(c.k.max_window);
        out.note(format!(
            "{N} bytes each way = {} of our 8192-byte windows, {:.1} of the kernel's largest ({window})",
            N / 8192,
            N as f64 / f64::from(window.max(1))
        ));
        out.check(
            N as u32 > 8 * 8192 && N as u32 > 4 * window,
            format!("data not larger than the windows (kernel's largest {window})"),
        );
        we_close(lab, out, &mut c, "s");
    }
    expect_path(
        out,
        &c,
        &[
            Closed,
            SynSent,
            Established,
            FinWait1,
            FinWait2,
            TimeWait,
            Closed,
        ],
    );
    expect_kernel(
        out,
        &c,
        &["ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"],
    );
    vec![c]
}

/// The kernel connects, we close first.
fn we_close_first(lab: &mut Lab, out: &mut Outcome, _kp: u16, op: u16) -> Vec<Conn> {
    let mut c = Conn::new(config(0x3000_0000, 65535, None), op, 0);
    if open_passive(lab, out, &mut c, "s") {
        exchange(lab, out, &mut c, "s", 10_000, 10_000);
        we_close(lab, out, &mut c, "s");
    }
    expect_path(
        out,
        &c,
        &[
            Closed,
            Listen,
            SynReceived,
            Established,
            FinWait1,
            FinWait2,
            TimeWait,
            Closed,
        ],
    );
    expect_kernel(
        out,
        &c,
        &["ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"],
    );
    vec![c]
}

/// We connect, the kernel closes first.
fn they_close_first(lab: &mut Lab, out: &mut Outcome, kp: u16, op: u16) -> Vec<Conn> {
    let mut c = Conn::new(config(0x4000_0000, 65535, None), op, kp);
    if open_active(lab, out, &mut c, kp, "s") {
        exchange(lab, out, &mut c, "s", 10_000, 10_000);
        they_close(lab, out, &mut c, "s");
    }
    expect_path(
        out,
        &c,
        &[Closed, SynSent, Established, CloseWait, LastAck, Closed],
    );
    expect_kernel(out, &c, &["ESTABLISHED", "FIN_WAIT_2", "TIME_WAIT"]);
    vec![c]
}

/// Both FINs cross: when the kernel's FIN arrives we CLOSE before processing it, so
/// each FIN acknowledges only the other's data (RFC 9293 figure 13): both CLOSING,
/// then both TIME_WAIT.
fn simultaneous_close(lab: &mut Lab, out: &mut Outcome, kp: u16, op: u16) -> Vec<Conn> {
    let mut c = Conn::new(config(0x5000_0000, 65535, None), op, kp);
    if open_active(lab, out, &mut c, kp, "s") {
        exchange(lab, out, &mut c, "s", 2000, 2000);
        c.close_on_kernel_fin = true;
        c.hold_fin_ack = Some(HOLD);
        let close = lab.cmd("close s");
        lab.drive(&mut c, STEP, |_, c| c.holding());
        lab.sample(&mut c);
        let ok = lab.drive(&mut c, STEP, |lab, c| {
            c.state() == Closed && lab.answer(close).is_some()
        });
        out.check(ok, format!("closing: endpoint {}", c.state()));
        lab.sample(&mut c);
    }
    expect_path(
        out,
        &c,
        &[
            Closed,
            SynSent,
            Established,
            FinWait1,
            Closing,
            TimeWait,
            Closed,
        ],
    );
    expect_kernel(out, &c, &["ESTABLISHED", "CLOSING", "TIME_WAIT"]);
    vec![c]
}

/// We ABORT with data delivered: our RST; the kernel's pending read fails with
/// ECONNRESET after the bytes we sent; its socket is gone.
fn abort(lab: &mut Lab, out: &mut Outcome, kp: u16, op: u16) -> Vec<Conn> {
    let mut c = Conn::new(config(0x6000_0000, 65535, None), op, kp);
    if open_active(lab, out, &mut c, kp, "s") {
        let read = lab.cmd("read s");
        c.tx = pattern(7, 1000);
        lab.drive(&mut c, STEP, |_, c| c.all_acked());
        c.abort(lab);
        let ok = lab.drive(&mut c, STEP, |lab, _| lab.answer(read).is_some());
        let want = format!("ConnectionReset {}", hash_text(&c.tx));
        out.note(format!("kernel read after our RST: {:?}", lab.answer(read)));
        out.check(
            ok && lab.answer(read) == Some(Err(want.clone())),
            format!("the kernel's read should fail with {want}"),
        );
        lab.sample(&mut c);
        out.check(
            c.last_cause() == Some("abort"),
            "the last change is not the abort",
        );
        out.check(
            c.our_rsts == 1,
            format!("we sent {} RSTs, not 1", c.our_rsts),
        );
    }
    expect_path(out, &c, &[Closed, SynSent, Established, Closed]);
    expect_kernel(out, &c, &["ESTABLISHED", "CLOSED"]);
    vec![c]
}

/// We connect to a port where nothing listens: the kernel's `<RST,ACK>`, SYN_SENT →
/// CLOSED (RFC 9293 §3.10.7.3).
fn refused_we_connect(lab: &mut Lab, out: &mut Outcome, kp: u16, op: u16) -> Vec<Conn> {
    out.expect_kernel_rsts = 1;
    let mut c = Conn::new(config(0x7000_0000, 65535, None), op, kp);
    c.connect(lab);
    let ok = lab.drive(&mut c, STEP, |_, c| c.state() == Closed);
    out.check(ok, format!("endpoint {}", c.state()));
    out.check(
        c.last_cause() == Some("reset"),
        "SYN_SENT did not end by the kernel's reset",
    );
    expect_path(out, &c, &[Closed, SynSent, Closed]);
    vec![c]
}

/// The kernel connects to a CLOSED endpoint: our RST (RFC 9293 §3.10.7.1) makes its
/// connect fail with ECONNREFUSED.
fn refused_kernel_connects(lab: &mut Lab, out: &mut Outcome, _kp: u16, op: u16) -> Vec<Conn> {
    let mut c = Conn::new(config(0x8000_0000, 65535, None), op, 0);
    let connect = lab.cmd(&format!("connect {OUR_IP}:{op} s"));
    let ok = lab.drive(&mut c, STEP, |lab, _| lab.answer(connect).is_some());
    out.note(format!("kernel connect: {:?}", lab.answer(connect)));
    out.check(
        ok && lab.answer(connect) == Some(Err("ConnectionRefused".into())),
        "the kernel's connect did not fail with ConnectionRefused",
    );
    out.check(
        c.our_rsts == 1,
        format!("we sent {} RSTs, not 1", c.our_rsts),
    );
    expect_path(out, &c, &[Closed]);
    vec![c]
}

/// The kernel's user does not read: its window closes; we probe; after it reads
/// everything, the window opens and the rest flows. 1 MiB, bytes intact.
fn zero_window(lab: &mut Lab, out: &mut Outcome, kp: u16, op: u16) -> Vec<Conn> {
    let mut c = Conn::new(config(0x9000_0000, 65535, None), op, kp);
    const N: usize = 1024 * 1024;
    if open_active(lab, out, &mut c, kp, "s") {
        c.tx = pattern(9, N);
        let closed = lab.drive(&mut c, DATA, |_, c| {
            c.k.zero_windows > 0 && c.our_probes > 0
        });
        out.check(
            closed,
            format!(
                "no zero window and probe: {} zero windows, {} probes",
                c.k.zero_windows, c.our_probes
            ),
        );
        let read = lab.cmd(&format!("read s {N}"));
        let ok = lab.drive(&mut c, DATA, |lab, c| {
            lab.answer(read).is_some() && c.all_acked()
        });
        out.note(format!(
            "bytes to the kernel: sent {}, kernel read {:?}",
            hash_text(&c.tx),
            lab.answer(read)
        ));
        out.check(
            ok && lab.answer(read) == Some(Ok(hash_text(&c.tx))),
            "the kernel did not read exactly the bytes we sent",
        );
        we_close(lab, out, &mut c, "s");
    }
    expect_path(
        out,
        &c,
        &[
            Closed,
            SynSent,
            Established,
            FinWait1,
            FinWait2,
            TimeWait,
            Closed,
        ],
    );
    vec![c]
}

/// We drop the kernel's 4th data segment: the endpoint (which has no reassembly
/// queue) answers what follows with duplicate ACKs; the kernel retransmits; every
/// byte arrives in order.
fn loss_kernel_segment(lab: &mut Lab, out: &mut Outcome, kp: u16, op: u16) -> Vec<Conn> {
    let mut c = Conn::new(
        with_sack_and_timestamps(config(0xa000_0000, 65535, None)),
        op,
        kp,
    );
    c.drop_kernel_data = Some(4);
    if open_active(lab, out, &mut c, kp, "s") {
        exchange(lab, out, &mut c, "s", 0, 64 * 1024);
        out.check(c.k.dropped == 1, "no kernel segment dropped");
        out.check(
            c.k.retransmissions >= 1,
            "the kernel did not retransmit the dropped segment",
        );
        they_close(lab, out, &mut c, "s");
    }
    expect_path(
        out,
        &c,
        &[Closed, SynSent, Established, CloseWait, LastAck, Closed],
    );
    vec![c]
}

/// We "lose" our 4th data segment: the kernel's duplicate ACKs make us retransmit
/// (`Endpoint::retransmit`); the kernel reads every byte; it retransmits nothing.
fn loss_our_segment(lab: &mut Lab, out: &mut Outcome, kp: u16, op: u16) -> Vec<Conn> {
    let mut c = Conn::new(
        with_sack_and_timestamps(config(0xb000_0000, 65535, None)),
        op,
        kp,
    );
    c.lose_our_data = Some(4);
    if open_active(lab, out, &mut c, kp, "s") {
        exchange(lab, out, &mut c, "s", 64 * 1024, 0);
        out.check(c.our_lost == 1, "none of our segments lost");
        out.check(c.our_retransmissions >= 1, "we did not retransmit");
        we_close(lab, out, &mut c, "s");
    }
    expect_path(
        out,
        &c,
        &[
            Closed,
            SynSent,
            Established,
            FinWait1,
            FinWait2,
            TimeWait,
            Closed,
        ],
    );
    vec![c]
}

/// The kernel connects; our SYN,ACK is "lost"; the kernel retransmits its SYN
/// after its 1 s timer (RFC 6298 §2.1), and the endpoint, in SYN_RECEIVED,
/// answers that SYN (SEG.SEQ = IRS) with its SYN,ACK again, as Linux and the BSDs
/// do — before our own retransmission timer (2 s here) would. (The bare ACK of the
/// RFC text leaves Linux, in SYN_SENT, discarding it and waiting for a timer.)
fn lost_syn_ack(lab: &mut Lab, out: &mut Outcome, _kp: u16, op: u16) -> Vec<Conn> {
    let mut c = Conn::new(config(0x1800_0000, 65535, None), op, 0);
    c.lose_syn_ack = true;
    c.first_rto = Duration::from_secs(2);
    let start = lab.now();
    if open_passive(lab, out, &mut c, "s") {
        let took = lab.now() - start;
        out.note(format!(
            "established {took:.2?} after the kernel's first SYN (its SYN retransmission timer: 1 s)"
        ));
        out.check(
            c.our_retransmissions == 0 && took < Duration::from_millis(1800),
            format!(
                "the connection waited for a timer: {took:.2?}, our retransmissions {}",
                c.our_retransmissions
            ),
        );
        exchange(lab, out, &mut c, "s", 1000, 1000);
        we_close(lab, out, &mut c, "s");
    }
    out.check(c.our_lost == 1, "our SYN,ACK was not lost");
    out.check(
        c.k.retransmissions == 1,
        "the kernel did not retransmit its SYN once",
    );
    expect_path(
        out,
        &c,
        &[
            Closed,
            Listen,
            SynReceived,
            Established,
            FinWait1,
            FinWait2,
            TimeWait,
            Closed,
        ],
    );
    vec![c]
}

/// The kernel closes first and keeps the connection in TIME_WAIT; a new endpoint
/// connects from the same port with a higher ISS, which Linux accepts in TIME_WAIT
/// (RFC 9293 MAY-2, RFC 6191); the new connection is ESTABLISHED on both sides.
fn reconnect_into_time_wait(lab: &mut Lab, out: &mut Outcome, kp: u16, op: u16) -> Vec<Conn> {
    let mut c1 = Conn::new(config(0xc000_0000, 65535, None), op, kp);
    if !open_active(lab, out, &mut c1, kp, "s") {
        return vec![c1];
    }
    exchange(lab, out, &mut c1, "s", 1000, 1000);
    they_close(lab, out, &mut c1, "s");
    expect_path(
        out,
        &c1,
        &[Closed, SynSent, Established, CloseWait, LastAck, Closed],
    );
    expect_kernel(out, &c1, &["ESTABLISHED", "FIN_WAIT_2", "TIME_WAIT"]);
    // A new ISS well after the old connection's last sequence number.
    let Some((old_snd, old_rcv)) = c1.last_numbers else {
        out.check(false, "the first connection left no sequence numbers");
        return vec![c1];
    };
    let ticks = (lab.now().as_micros() / 4) as u32;
    let isn = old_snd.0.wrapping_add(1_000_000).wrapping_sub(ticks);
    let mut c2 = Conn::new(config(isn, 65535, None), op, kp);
    // The listener is still there: only accept again.
    let accept = lab.cmd(&format!("accept {kp} s2"));
    c2.connect(lab);
    let ok = lab.drive(&mut c2, STEP, |lab, c| {
        c.state() == Established && lab.answer(accept).is_some()
    });
    out.check(
        ok && lab.answer(accept) == Some(Ok(format!("{OUR_IP}:{op}"))),
        format!(
            "reconnect: endpoint {}, kernel accept {:?}",
            c2.state(),
            lab.answer(accept)
        ),
    );
    // Linux answers a SYN that reopens TIME-WAIT with ISS = the old SND.NXT + 65537
    // (tcp_timewait_state_process): proof that the TIME-WAIT socket took it.
    let new_irs = c2.initial_numbers().map(|(_, irs)| irs);
    let linux_isn = old_rcv + 65537;
    out.note(format!(
        "old connection: our SND.NXT {old_snd}, the kernel's {old_rcv}; new SYN {}, the kernel's SYN,ACK {} (old + 65537 = {linux_isn})",
        c2.initial_numbers().map_or(0, |(iss, _)| iss.0),
        new_irs.map_or(0, |s| s.0),
    ));
    out.check(
        new_irs == Some(linux_isn),
        "the kernel did not reopen the TIME-WAIT connection (its ISS is not the old SND.NXT + 65537)",
    );
    lab.sample(&mut c2);
    exchange(lab, out, &mut c2, "s2", 1000, 1000);
    we_close(lab, out, &mut c2, "s2");
    expect_path(
        out,
        &c2,
        &[
            Closed,
            SynSent,
            Established,
            FinWait1,
            FinWait2,
            TimeWait,
            Closed,
        ],
    );
    expect_kernel(
        out,
        &c2,
        &["ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"],
    );
    vec![c1, c2]
}

/// The mirror image: our endpoint closes first and is in TIME_WAIT when the kernel
/// connects again from the same port (its ephemeral port range narrowed to one
/// port, in the namespace only). Linux's new ISS is higher (RFC 6528: same
/// 4-tuple, later clock), so RFC 9293 MAY-2 / RFC 6191 let the TIME_WAIT
/// connection reopen: TIME_WAIT → SYN_RECEIVED → ESTABLISHED, and the kernel's
/// connect succeeds. (A challenge ACK instead makes Linux answer with a RST that
/// kills the TIME_WAIT, RFC 1337, and its SYN retransmission is then refused.)
fn reconnect_into_our_time_wait(lab: &mut Lab, out: &mut Outcome, _kp: u16, op: u16) -> Vec<Conn> {
    const PORT: u16 = 45999;
    let range = lab.cmd(&format!(
        "sysctl net/ipv4/ip_local_port_range {PORT} {PORT}"
    ));
    let mut c = Conn::new(
        with_sack_and_timestamps(config(0xf000_0000, 65535, None)),
        op,
        0,
    );
    let old_range = lab.wait(&mut c, range, STEP);
    out.check(old_range.is_ok(), format!("sysctl: {old_range:?}"));
    if open_passive(lab, out, &mut c, "s") {
        out.check(
            c.ours.dport == PORT,
            format!("the kernel connected from {}", c.ours.dport),
        );
        exchange(lab, out, &mut c, "s", 1000, 1000);
        // We close first and stay in TIME_WAIT (2·MSL = 500 ms).
        c.want_close = true;
        let eof = lab.cmd("read s");
        lab.drive(&mut c, STEP, |lab, c| {
            lab.answer(eof).is_some() && c.state() == FinWait2
        });
        let close = lab.cmd("close s");
        let ok = lab.drive(&mut c, STEP, |lab, c| {
            lab.answer(close).is_some() && c.state() == TimeWait && lab.kernel_state(c).is_none()
        });
        out.check(ok, format!("first connection: endpoint {}", c.state()));
        lab.sample(&mut c);
        let (old_snd, old_rcv) = c.last_numbers.unwrap_or_default();
        let connect = lab.cmd(&format!("connect {OUR_IP}:{op} s2"));
        let ok = lab.drive(&mut c, STEP, |lab, _| lab.answer(connect).is_some());
        let answer = lab.answer(connect);
        let new_syn = c.k.last_syn.unwrap_or_default();
        out.note(format!(
            "old connection: our SND.NXT {old_snd}, RCV.NXT {old_rcv}; the kernel's new SYN {new_syn} \
             ({} RCV.NXT by {}); its connect: {answer:?}",
            if (new_syn - old_rcv) > 0 { "after" } else { "NOT after" },
            new_syn - old_rcv
        ));
        out.check(
            ok && answer == Some(Ok(format!("{KERNEL_IP}:{PORT}"))),
            format!(
                "the kernel's connect into our TIME_WAIT: {answer:?}, endpoint {}",
                c.state()
            ),
        );
        lab.sample(&mut c);
        if c.state() == Established {
            exchange(lab, out, &mut c, "s2", 1000, 1000);
            we_close(lab, out, &mut c, "s2");
        }
    }
    if let Ok(old) = old_range {
        let restore = lab.cmd(&format!("sysctl net/ipv4/ip_local_port_range {old}"));
        let _ = lab.wait(&mut c, restore, STEP);
    }
    expect_path(
        out,
        &c,
        &[
            Closed,
            Listen,
            SynReceived,
            Established,
            FinWait1,
            FinWait2,
            TimeWait,
            SynReceived,
            Established,
            FinWait1,
            FinWait2,
            TimeWait,
            Closed,
        ],
    );
    expect_kernel(
        out,
        &c,
        &[
            "ESTABLISHED",
            "CLOSED",
            "ESTABLISHED",
            "CLOSE_WAIT",
            "LAST_ACK",
            "CLOSED",
        ],
    );
    vec![c]
}

/// Our receive window (500 bytes) is smaller than an MSS: the kernel sends
/// 500-byte segments; 20 000 bytes intact.
fn window_below_mss(lab: &mut Lab, out: &mut Outcome, kp: u16, op: u16) -> Vec<Conn> {
    let mut c = Conn::new(config(0xd000_0000, 500, None), op, kp);
    if open_active(lab, out, &mut c, kp, "s") {
        exchange(lab, out, &mut c, "s", 20_000, 20_000);
        out.check(
            c.k.max_payload <= 500,
            format!("the kernel sent {} bytes in one segment", c.k.max_payload),
        );
        we_close(lab, out, &mut c, "s");
    }
    expect_path(
        out,
        &c,
        &[
            Closed,
            SynSent,
            Established,
            FinWait1,
            FinWait2,
            TimeWait,
            Closed,
        ],
    );
    vec![c]
}

/// Window scaling both ways (RFC 7323): we offer shift 7 and a 1 MiB window; Linux
/// offers its own; 2 MiB each way intact.
fn window_scaling(lab: &mut Lab, out: &mut Outcome, kp: u16, op: u16) -> Vec<Conn> {
    let mut c = Conn::new(
        with_sack_and_timestamps(config(0xe000_0000, 1 << 20, Some(7))),
        op,
        kp,
    );
    const N: usize = 2 << 20;
    if open_active(lab, out, &mut c, kp, "s") {
        exchange(lab, out, &mut c, "s", N, N);
        if let Some((ours, theirs, offered)) = c.shifts() {
            let largest = u32::from(c.k.max_window) << theirs;
            out.note(format!(
                "shifts: ours {ours}, the kernel's {theirs} (offered {offered:?}); the kernel's largest window {} << {theirs} = {largest} bytes",
                c.k.max_window,
            ));
            out.check(
                ours == 7 && theirs > 0 && largest > 65535,
                "window scaling not in use on both sides",
            );
        }
        we_close(lab, out, &mut c, "s");
    }
    expect_path(
        out,
        &c,
        &[
            Closed,
            SynSent,
            Established,
            FinWait1,
            FinWait2,
            TimeWait,
            Closed,
        ],
    );
    vec![c]
}

/// Both sides connect at once (RFC 9293 figure 7): the kernel connects from a port
/// fixed by narrowing its ephemeral range (in the namespace only) to our port; when
/// its SYN arrives we CONNECT to that port before processing it, so the SYNs cross.
/// Both SYNs offer window scaling (ours 7), so the SYN,ACKs' windows are unscaled
/// and every later window is (RFC 7323 §2.2); 1 MiB each way intact.
fn simultaneous_open(lab: &mut Lab, out: &mut Outcome, _kp: u16, op: u16) -> Vec<Conn> {
    const PORT: u16 = 45998;
    const N: usize = 1 << 20;
    let range = lab.cmd(&format!(
        "sysctl net/ipv4/ip_local_port_range {PORT} {PORT}"
    ));
    let mut c = Conn::new(config(0x2800_0000, 1 << 20, Some(7)), op, PORT);
    let old_range = lab.wait(&mut c, range, STEP);
    out.check(old_range.is_ok(), format!("sysctl: {old_range:?}"));
    c.connect_on_kernel_syn = true;
    let connect = lab.cmd(&format!("connect {OUR_IP}:{op} s"));
    let ok = lab.drive(&mut c, STEP, |lab, c| {
        c.state() == Established && lab.answer(connect).is_some()
    });
    let answer = lab.answer(connect);
    out.check(
        ok && answer == Some(Ok(format!("{KERNEL_IP}:{PORT}"))),
        format!(
            "simultaneous open: endpoint {}, kernel connect {answer:?}",
            c.state()
        ),
    );
    lab.sample(&mut c);
    if c.state() == Established {
        exchange(lab, out, &mut c, "s", N, N);
        if let Some((ours, theirs, offered)) = c.shifts() {
            let largest = u32::from(c.k.max_window) << theirs;
            out.note(format!(
                "shifts: ours {ours}, the kernel's {theirs} (offered {offered:?}); the kernel's largest window {} << {theirs} = {largest} bytes",
                c.k.max_window,
            ));
            out.check(
                ours == 7 && theirs > 0 && largest > 65535,
                "window scaling not in use on both sides",
            );
        }
        we_close(lab, out, &mut c, "s");
    }
    if let Ok(old) = old_range {
        let restore = lab.cmd(&format!("sysctl net/ipv4/ip_local_port_range {old}"));
        let _ = lab.wait(&mut c, restore, STEP);
    }
    expect_path(
        out,
        &c,
        &[
            Closed,
            SynSent,
            SynReceived,
            Established,
            FinWait1,
            FinWait2,
            TimeWait,
            Closed,
        ],
    );
    expect_kernel(
        out,
        &c,
        &["ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"],
    );
    vec![c]
}
