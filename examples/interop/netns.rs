//! The laboratory: a network namespace named `synack-interop-<pid>` holding a TUN
//! device whose other end is this process, and the kernel-side peer process inside
//! it. Three nets make sure both are removed by name:
//!
//! * [`Netns`] removes them when dropped: normal exit, every error path, a panic;
//! * a reaper — this binary again, `--reap NAME TUN`, in its own process group so
//!   that a Ctrl-C at the terminal does not reach it — waits for its stdin (a pipe
//!   from this process) to close, which happens however this process ends, Ctrl-C
//!   and SIGKILL included, and then removes them (a no-op if already done);
//! * [`remove_stale`], at start, removes what a run left if even the reaper died.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};

/// Prefix of every namespace this example creates.
pub const PREFIX: &str = "synack-interop-";

/// Runs `ip ARGS`, failing with its stderr.
pub fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Removes the namespaces of earlier runs whose process is gone.
pub fn remove_stale() {
    let Ok(out) = Command::new("ip").args(["netns", "list"]).output() else {
        return;
    };
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some(name) = line.split_whitespace().next() else {
            continue;
        };
        let Some(pid) = name.strip_prefix(PREFIX) else {
            continue;
        };
        let alive = pid
            .parse::<u32>()
            .is_ok_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            eprintln!("interop: removing stale namespace {name}");
            let _ = ip(&["-n", name, "link", "del", &tun_name(pid)]);
            let _ = ip(&["netns", "del", name]);
        }
    }
}

/// The TUN device's name for a run (at most 15 bytes, IFNAMSIZ).
pub fn tun_name(pid: &str) -> String {
    let mut name = format!("syni{pid}");
    name.truncate(15);
    name
}

/// The namespace and the kernel-side peer; removed by name on drop.
pub struct Netns {
    /// The namespace's name.
    pub name: String,
    /// The TUN device's name (inside the namespace once moved).
    pub tun: String,
    peer: Option<Child>,
    reaper: Option<Child>,
}

/// The reaper's main: `--reap NAME TUN`. Waits for stdin to close, then removes
/// the device and the namespace (only names this example creates).
pub fn reap(args: &[String]) -> std::process::ExitCode {
    let (Some(name), Some(tun)) = (args.first(), args.get(1)) else {
        return std::process::ExitCode::from(2);
    };
    if !name.starts_with(PREFIX) {
        return std::process::ExitCode::from(2);
    }
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    let _ = ip(&["-n", name, "link", "del", tun]);
    let _ = ip(&["netns", "del", name]);
    // The tracing instance (named like the namespace), and a private tracefs.
    let system = std::path::Path::new("/sys/kernel/tracing");
    super::trace::remove(&system.join("instances").join(name), system, false, None);
    if let Some(pid) = name.strip_prefix(PREFIX) {
        let private = std::path::PathBuf::from(super::trace::private_mount(pid));
        if private.is_dir() {
            super::trace::remove(&private.join("instances").join(name), &private, true, None);
        }
    }
    std::process::ExitCode::SUCCESS
}

impl Netns {
    /// Creates the namespace (empty; the TUN is moved in by the caller).
    pub fn create() -> Result<Netns, String> {
        let pid = std::process::id().to_string();
        let name = format!("{PREFIX}{pid}");
        let tun = tun_name(&pid);
        // The reaper first, so that nothing is ever left without one.
        let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
        let reaper = Command::new(exe)
            .args(["--reap", &name, &tun])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start the reaper: {e}"))?;
        let mut ns = Netns {
            name,
            tun,
            peer: None,
            reaper: Some(reaper),
        };
        ip(&["netns", "add", &ns.name]).inspect_err(|_| ns.name.clear())?;
        Ok(ns)
    }

    /// `ip -n NAME ARGS`.
    pub fn ip(&self, args: &[&str]) -> Result<(), String> {
        let mut all = vec!["-n", self.name.as_str()];
        all.extend_from_slice(args);
        ip(&all)
    }

    /// Starts this binary as the kernel-side peer inside the namespace; returns its
    /// stdin and a channel of its answer lines.
    pub fn start_peer(&mut self) -> Result<(ChildStdin, Receiver<String>, u32), String> {
        let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
        let mut child = Command::new("ip")
            .args(["netns", "exec", &self.name])
            .arg(exe)
            .arg("--peer")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the peer: {e}"))?;
        let pid = child.id();
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        self.peer = Some(child);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok((stdin, rx, pid))
    }

    /// The kernel's TCP sockets as `ss -tan` shows them in the namespace:
    /// (state, local, peer).
    pub fn sockets(&self) -> Vec<(String, String, String)> {
        let Ok(out) = Command::new("ip")
            .args(["netns", "exec", &self.name, "ss", "-tanH"])
            .output()
        else {
            return Vec::new();
        };
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                Some((
                    w.first()?.to_string(),
                    w.get(3)?.to_string(),
                    w.get(4)?.to_string(),
                ))
            })
            .collect()
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        if let Some(mut child) = self.peer.take() {
            // Closing its stdin ends the peer; kill it (by its own id) in case a
            // thread is blocked.
            drop(child.stdin.take());
            let _ = child.kill();
            let _ = child.wait();
        }
        if !self.name.is_empty() {
            let _ = self.ip(&["link", "del", &self.tun]);
            let _ = ip(&["netns", "del", &self.name]);
        }
        if let Some(mut reaper) = self.reaper.take() {
            drop(reaper.stdin.take());
            let _ = reaper.wait();
        }
        let _ = std::io::stderr().flush();
    }
}

/// The kernel's own TCP counters in the peer's namespace (`/proc/PID/net/snmp`):
/// `(RetransSegs, OutRsts)`.
pub fn kernel_counters(peer_pid: u32) -> Option<Counters> {
    let read = |file: &str, prefix: &str, wanted: &[&str]| -> Option<Vec<u64>> {
        let text = std::fs::read_to_string(format!("/proc/{peer_pid}/net/{file}")).ok()?;
        let mut lines = text.lines().filter(|l| l.starts_with(prefix));
        let names: Vec<&str> = lines.next()?.split_whitespace().collect();
        let values: Vec<&str> = lines.next()?.split_whitespace().collect();
        wanted
            .iter()
            .map(|n| {
                let i = names.iter().position(|x| x == n)?;
                values.get(i)?.parse().ok()
            })
            .collect()
    };
    let tcp = read("snmp", "Tcp:", &["RetransSegs", "OutRsts"])?;
    let ext = read("netstat", "TcpExt:", &["TCPLossProbes", "TCPTimeouts"])?;
    Some(Counters {
        retrans_segs: *tcp.first()?,
        out_rsts: *tcp.get(1)?,
        loss_probes: *ext.first()?,
        timeouts: *ext.get(1)?,
    })
}

/// The kernel's own TCP counters in the namespace (`/proc/PID/net/snmp` and
/// `netstat`).
#[derive(Clone, Copy, Debug)]
pub struct Counters {
    /// `Tcp: RetransSegs`: segments retransmitted.
    pub retrans_segs: u64,
    /// `Tcp: OutRsts`: RSTs sent.
    pub out_rsts: u64,
    /// `TcpExt: TCPLossProbes`: tail loss probes sent (RFC 8985), each a new or a
    /// retransmitted segment.
    pub loss_probes: u64,
    /// `TcpExt: TCPTimeouts`: retransmission timeouts.
    pub timeouts: u64,
}

impl Counters {
    /// How much each counter grew since `before`.
    pub fn since(self, before: Counters) -> Counters {
        Counters {
            retrans_segs: self.retrans_segs.wrapping_sub(before.retrans_segs),
            out_rsts: self.out_rsts.wrapping_sub(before.out_rsts),
            loss_probes: self.loss_probes.wrapping_sub(before.loss_probes),
            timeouts: self.timeouts.wrapping_sub(before.timeouts),
        }
    }
}
