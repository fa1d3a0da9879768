//! The kernel's own state changes, from the `sock:inet_sock_set_state` tracepoint,
//! when tracefs is available: a private tracing instance
//! (`instances/synack-interop-<pid>`, so that nothing global is switched on or off)
//! on `/sys/kernel/tracing` if it is mounted, otherwise on a tracefs mounted for
//! this run under `/tmp` and unmounted at the end.
//!
//! Linux reports a socket's entry into TIME-WAIT as `FIN_WAIT2 -> CLOSE` (or
//! `CLOSING -> CLOSE`): the full socket closes and a time-wait mini-socket, which
//! has no tracepoint, takes over. `ss` still shows the TIME-WAIT.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `O_NONBLOCK` on Linux.
const O_NONBLOCK: i32 = 0o4000;

/// One state change of a kernel socket.
#[derive(Clone, Debug)]
pub struct Change {
    /// The peer's port.
    pub dport: u16,
    /// The peer's address.
    pub daddr: String,
    /// The state before, in this crate's names.
    pub old: String,
    /// The state after.
    pub new: String,
}

/// A private tracing instance with the tracepoint enabled.
pub struct Tracer {
    /// The tracefs mount point, and whether this run mounted it.
    mount: (PathBuf, bool),
    instance: PathBuf,
    pipe: Option<File>,
    partial: String,
}

/// Where a private tracefs is mounted for this run.
pub fn private_mount(pid: &str) -> String {
    format!("/tmp/synack-interop-tracefs-{pid}")
}

impl Tracer {
    /// Starts tracing; `Err` says why it cannot (the example then uses `ss` only).
    pub fn start(name: &str) -> Result<Tracer, String> {
        let system = Path::new("/sys/kernel/tracing");
        let mount = if system.join("instances").is_dir() {
            (system.to_path_buf(), false)
        } else {
            let dir = PathBuf::from(private_mount(&std::process::id().to_string()));
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let ok = Command::new("mount")
                .args(["-t", "tracefs", "nodev"])
                .arg(&dir)
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                let _ = std::fs::remove_dir(&dir);
                return Err("cannot mount tracefs".into());
            }
            (dir, true)
        };
        let instance = mount.0.join("instances").join(name);
        let mut tracer = Tracer {
            mount,
            instance,
            pipe: None,
            partial: String::new(),
        };
        std::fs::create_dir(&tracer.instance).map_err(|e| format!("tracing instance: {e}"))?;
        let enable = tracer
            .instance
            .join("events/sock/inet_sock_set_state/enable");
        std::fs::write(&enable, "1").map_err(|e| format!("{}: {e}", enable.display()))?;
        let pipe = OpenOptions::new()
            .read(true)
            .custom_flags(O_NONBLOCK)
            .open(tracer.instance.join("trace_pipe"))
            .map_err(|e| format!("trace_pipe: {e}"))?;
        tracer.pipe = Some(pipe);
        Ok(tracer)
    }

    /// The changes reported since the last call.
    pub fn poll(&mut self) -> Vec<Change> {
        let Some(pipe) = self.pipe.as_mut() else {
            return Vec::new();
        };
        let mut buf = [0u8; 16384];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => self.partial.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(_) => break, // WouldBlock: nothing more now
            }
        }
        let Some(end) = self.partial.rfind('\n') else {
            return Vec::new();
        };
        let complete: String = self.partial.drain(..=end).collect();
        complete.lines().filter_map(parse).collect()
    }
}

fn parse(line: &str) -> Option<Change> {
    let (_, fields) = line.split_once("inet_sock_set_state: ")?;
    let get = |key: &str| {
        fields
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
    };
    Some(Change {
        dport: get("dport")?.parse().ok()?,
        daddr: get("daddr")?.to_string(),
        old: state_name(get("oldstate")?),
        new: state_name(get("newstate")?),
    })
}

/// `TCP_FIN_WAIT1` → `FIN_WAIT_1`, ...
fn state_name(s: &str) -> String {
    match s {
        "TCP_CLOSE" => "CLOSED",
        "TCP_SYN_RECV" | "TCP_NEW_SYN_RECV" => "SYN_RECEIVED",
        "TCP_FIN_WAIT1" => "FIN_WAIT_1",
        "TCP_FIN_WAIT2" => "FIN_WAIT_2",
        other => other.strip_prefix("TCP_").unwrap_or(other),
    }
    .to_string()
}

impl Drop for Tracer {
    fn drop(&mut self) {
        remove(
            &self.instance,
            &self.mount.0,
            self.mount.1,
            self.pipe.take(),
        );
    }
}

/// Disables and removes the instance, and unmounts a private tracefs (also the
/// reaper's cleanup, after a killed run).
pub fn remove(instance: &Path, mount: &Path, private: bool, pipe: Option<File>) {
    let _ = std::fs::write(instance.join("events/sock/inet_sock_set_state/enable"), "0");
    drop(pipe);
    let _ = std::fs::remove_dir(instance);
    if private {
        let _ = Command::new("umount").arg(mount).status();
        let _ = std::fs::remove_dir(mount);
    }
}
