//! Runs the `interop` example — an `Endpoint` holding real connections with the
//! Linux kernel's TCP over a TUN device in a network namespace — and fails unless
//! every scenario prints `scenario NAME: pass`.
//!
//! The example is built and run with `cargo run --example interop` (an example has
//! no `CARGO_BIN_EXE_*`), as a child process: it starts itself again inside the
//! namespace as the kernel-side peer. Where the machine cannot run it (not Linux, no
//! `/dev/net/tun`, no CAP_NET_ADMIN) the test says so loudly and passes.

use std::process::Command;

/// The example's exit status when the machine cannot run it.
const SKIP: i32 = 77;

fn skip(why: &str) {
    let bar = "!".repeat(78);
    eprintln!(
        "\n{bar}\n!! linux_interop SKIPPED: {why}\n!! The Endpoint was NOT tested against Linux's TCP on this machine.\n{bar}\n"
    );
}

/// Why this machine cannot run the example, if it cannot (the example checks again).
fn cannot_run() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return Some("not Linux".into());
    }
    if !std::path::Path::new("/dev/net/tun").exists() {
        return Some("no /dev/net/tun".into());
    }
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let cap_eff = status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        .unwrap_or(0);
    if cap_eff & (1 << 12) == 0 {
        return Some("no CAP_NET_ADMIN (run as root)".into());
    }
    for (tool, package) in [("ip", "iproute2"), ("ss", "iproute2")] {
        if Command::new(tool).arg("-V").output().is_err() {
            return Some(format!("no `{tool}` command (install {package})"));
        }
    }
    None
}

fn example(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", "interop", "--"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cannot run cargo")
}

#[test]
fn every_scenario_passes_against_linux() {
    if let Some(why) = cannot_run() {
        skip(&why);
        return;
    }
    let list = example(&["--list"]);
    assert!(list.status.success(), "interop --list failed: {list:?}");
    let names: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert!(names.len() >= 13, "too few scenarios: {names:?}");

    let started = std::time::Instant::now();
    let run = example(&[]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    if run.status.code() == Some(SKIP) {
        skip(stdout.trim());
        return;
    }
    let verdicts: Vec<(&str, &str)> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("scenario "))
        .filter_map(|l| l.split_once(": "))
        .collect();
    let not_passing: Vec<String> = names
        .iter()
        .filter_map(
            |name| match verdicts.iter().find(|(n, _)| n == name).map(|(_, v)| *v) {
                Some("pass") => None,
                Some(v) => Some(format!("{name} ({v})")),
                None => Some(format!("{name} (no verdict)")),
            },
        )
        .collect();
    assert!(
        not_passing.is_empty(),
        "scenarios that did not pass: {} (the evidence is in the output above)",
        not_passing.join(", ")
    );
    assert_eq!(
        verdicts.len(),
        names.len(),
        "unexpected scenario lines: {verdicts:?}"
    );
    assert!(run.status.success(), "interop exited with {:?}", run.status);
    let took = started.elapsed();
    assert!(took.as_secs() < 120, "interop took {took:?}");
}
