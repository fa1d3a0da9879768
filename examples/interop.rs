//! `interop` — an [`Endpoint`](synack::state::Endpoint) holds real connections with the
//! Linux kernel's own TCP, over a TUN device in a network namespace the example
//! creates and removes. Linux only; needs root (CAP_NET_ADMIN) and `/dev/net/tun`.
//!
//! ```text
//! sudo cargo run --example interop                 # every scenario
//! sudo cargo run --example interop -- abort loss_our_segment   # only these
//! sudo cargo run --example interop -- --list       # scenario names
//! sudo cargo run --example interop -- --pcap run.pcap   # also write every packet
//! ```
//!
//! The namespace `synack-interop-<pid>` holds a TUN device `syni<pid>` with address
//! 10.99.0.1/24; the endpoint is 10.99.0.2, on the other side of the TUN device (this
//! process reads and writes its packets). Inside the namespace, this same binary runs
//! again as `--peer` (started with `ip netns exec`) and drives the kernel's TCP with
//! `std::net` sockets on command. Every segment written to the TUN device comes from
//! the state machine — replies to the kernel's segments, `send`, `close`, `abort`,
//! `retransmit` — and the example adds only ports, payload, IP header and checksums.
//!
//! For each scenario it prints `scenario NAME: pass` or `scenario NAME: FAIL`, then
//! the evidence, indented: the endpoint's states, the kernel's states (`ss -tan` in
//! the namespace, sampled where each is stable, and, where tracefs can be used,
//! every change the `sock:inet_sock_set_state` tracepoint reports, each checked to
//! be an RFC transition), the bytes each way (length and
//! FNV-1a hash on both sides), the options negotiated (five scenarios offer
//! SACK-permitted and timestamps), and the kernel's retransmissions and RSTs. A
//! retransmission is a kernel segment the crate's own analysis (`track::Tracker`,
//! Wireshark's rules, fed every packet on the TUN device both ways) flags as a
//! retransmission, fast or spurious retransmission, or out-of-order segment (nothing
//! is reordered on the TUN link) — all but the SYN,ACK that completes a simultaneous
//! open, which repeats the SYN; the example's own rule (sequence space not past the
//! highest seen) is printed beside it, and both are cross-checked with the kernel's
//! own counters (`/proc/PID/net/snmp` and `netstat` of the peer: `RetransSegs`,
//! `OutRsts`, `TCPLossProbes`, `TCPTimeouts`). A retransmission counts as provoked
//! only when it carries bytes the endpoint had dropped or discarded, or whose
//! acknowledgment it "lost" on purpose; the others must be covered by the kernel's
//! tail loss probes (with SACK it probes when our ACK is later than 2·SRTT, which a
//! loaded machine's event loop sometimes is). Any other retransmission, any RST not
//! expected, and any packet of ours above the link MTU (1500) fails the scenario.
//!
//! Then, for each scenario, `observer NAME: agrees|DIFFERS`: the crate's passive
//! `Observer`, fed every segment as a capture at the TUN device would see it (the
//! kernel's before we drop any, ours as written), against the truth — the
//! endpoint's own states, and the kernel's states from `ss`. This is information
//! about the `Observer` and does not change a scenario's verdict.
//!
//! Exit status: 0 when every scenario passes, 1 when one fails, 2 when the
//! laboratory cannot be set up, 77 when the machine cannot run it (no
//! `/dev/net/tun`, no CAP_NET_ADMIN, no `ip` or `ss`), with a message saying why.
//!
//! The namespace and the device are removed on exit, on every error path and on a
//! panic (a guard's `Drop`); when the process is killed (Ctrl-C, SIGKILL), by a
//! reaper process that waits for it to end; and whatever a run still left behind,
//! the next run removes (every `synack-interop-*` namespace whose process is gone).

#[cfg(target_os = "linux")]
#[path = "interop/conn.rs"]
mod conn;
#[cfg(target_os = "linux")]
#[path = "interop/netns.rs"]
mod netns;
#[cfg(target_os = "linux")]
#[path = "interop/packet.rs"]
mod packet;
#[cfg(target_os = "linux")]
#[path = "interop/peer.rs"]
mod peer;
#[cfg(target_os = "linux")]
#[path = "interop/scenarios.rs"]
mod scenarios;
#[cfg(target_os = "linux")]
#[path = "interop/trace.rs"]
mod trace;

use std::net::Ipv4Addr;
use std::process::ExitCode;

/// The kernel's address, on the TUN device inside the namespace.
pub const KERNEL_IP: Ipv4Addr = Ipv4Addr::new(10, 99, 0, 1);
/// The endpoint's address: the far side of the TUN device.
pub const OUR_IP: Ipv4Addr = Ipv4Addr::new(10, 99, 0, 2);

/// Exit status when the machine cannot run the example.
pub const SKIP: u8 = 77;

#[cfg(not(target_os = "linux"))]
fn main() -> ExitCode {
    println!("interop: SKIPPED: Linux only (TUN devices and network namespaces)");
    ExitCode::from(SKIP)
}

#[cfg(target_os = "linux")]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--peer") => return peer::main(),
        Some("--reap") => return netns::reap(&args[1..]),
        _ => {}
    }
    if args.iter().any(|a| a == "--list") {
        for (name, _) in scenarios::ALL {
            println!("{name}");
        }
        return ExitCode::SUCCESS;
    }
    let mut pcap = None;
    let mut names = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--pcap" => match it.next() {
                Some(path) => pcap = Some(path.clone()),
                None => {
                    eprintln!("interop: --pcap needs a file name");
                    return ExitCode::from(2);
                }
            },
            o if o.starts_with('-') => {
                eprintln!("interop: unknown option {o}");
                return ExitCode::from(2);
            }
            name if scenarios::ALL.iter().any(|(n, _)| *n == name) => names.push(a.clone()),
            name => {
                eprintln!("interop: no scenario {name} (see --list)");
                return ExitCode::from(2);
            }
        }
    }
    if let Err(why) = can_run() {
        println!("interop: SKIPPED: {why}");
        return ExitCode::from(SKIP);
    }
    let mut lab = match scenarios::setup() {
        Ok(lab) => lab,
        Err(e) => {
            eprintln!("interop: cannot set up the laboratory: {e}");
            return ExitCode::from(2);
        }
    };
    match &lab.tracer {
        Ok(_) => println!(
            "interop: the kernel's states from `ss -tan` and the sock:inet_sock_set_state tracepoint"
        ),
        Err(why) => println!(
            "interop: the kernel's states from `ss -tan` only (tracepoint not available: {why})"
        ),
    }
    if let Some(path) = pcap {
        if let Err(e) = lab.record_pcap(&path) {
            eprintln!("interop: {e}");
            return ExitCode::from(2);
        }
    }
    let mut failed = 0;
    let mut ran = 0;
    let mut observer_differs = Vec::new();
    for (i, (name, scenario)) in scenarios::ALL.iter().enumerate() {
        if !names.is_empty() && !names.iter().any(|a| a == name) {
            continue;
        }
        // Ports differ between runs (by process id), so that two runs at once on one
        // machine do not see each other's tracepoint events.
        let offset = (std::process::id() % 100) as u16 * 20 + i as u16;
        let ports = (7000 + offset, 41000 + offset);
        let outcome = scenarios::run(&mut lab, name, *scenario, ports);
        ran += 1;
        failed += usize::from(!outcome.passed());
        if !outcome.observer_agrees() {
            observer_differs.push(*name);
        }
        outcome.print();
    }
    drop(lab);
    println!(
        "interop: {ran} scenarios against Linux {}: {} pass, {failed} FAIL",
        kernel_release(),
        ran - failed
    );
    println!(
        "interop: the Observer (capturing at the TUN device) agrees with both sides in {} of {ran} scenarios{}",
        ran - observer_differs.len(),
        if observer_differs.is_empty() {
            String::new()
        } else {
            format!("; differs in {}", observer_differs.join(", "))
        }
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Why this machine cannot run the example, if it cannot.
#[cfg(target_os = "linux")]
pub fn can_run() -> Result<(), String> {
    if !std::path::Path::new("/dev/net/tun").exists() {
        return Err("no /dev/net/tun".into());
    }
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    let cap_eff = status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        .unwrap_or(0);
    const CAP_NET_ADMIN: u32 = 12;
    const CAP_SYS_ADMIN: u32 = 21;
    if cap_eff & (1 << CAP_NET_ADMIN) == 0 || cap_eff & (1 << CAP_SYS_ADMIN) == 0 {
        return Err("needs CAP_NET_ADMIN and CAP_SYS_ADMIN (run as root)".into());
    }
    for tool in ["ip", "ss"] {
        match std::process::Command::new(tool).arg("-V").output() {
            Ok(o) if o.status.success() => {}
            _ => return Err(format!("no `{tool}` command (iproute2)")),
        }
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn kernel_release() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "?".into())
}
