//! The kernel's side: this same binary, started as `ip netns exec NS interop --peer`,
//! so that it runs inside the namespace and its `std::net` sockets are Linux's TCP
//! talking to the TUN device.
//!
//! It reads one command a line on stdin, `TAG VERB ARGS...`, runs each in its own
//! thread (a blocking `accept` or `write` must not stop the next command), and
//! answers `TAG ok TEXT` or `TAG err TEXT` on stdout. Verbs:
//!
//! | verb | arguments | does | answers |
//! |---|---|---|---|
//! | `listen` | PORT | binds a listener on the namespace's address | `ok` |
//! | `accept` | PORT NAME | accepts one connection, names it | `ok PEER` |
//! | `connect` | ADDR NAME | connects (3 s timeout), names the socket | `ok LOCAL` / `err KIND` |
//! | `write` | NAME LEN SEED | writes `LEN` bytes of [`pattern`]`(SEED)` | `ok LEN` / `err KIND` |
//! | `read` | NAME [LEN] | reads to end of stream (or `LEN` bytes) | `ok LEN HASH` / `err KIND LEN HASH` |
//! | `shutdown` | NAME | `shutdown(Write)`: sends a FIN, keeps the socket | `ok` |
//! | `close` | NAME | drops the socket: `close()` | `ok` |
//! | `sysctl` | KEY VALUE... | writes `/proc/sys/KEY` (the namespace's own) | `ok OLD` |

use std::collections::HashMap;
use std::io::{BufRead, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::KERNEL_IP;

/// The bytes each side sends: a deterministic pattern that is not periodic in any
/// small period (so a shifted or repeated segment changes the hash).
pub fn pattern(seed: u8, len: usize) -> Vec<u8> {
    let mut x = 0x9e37_79b9_u32 ^ u32::from(seed).wrapping_mul(0x0100_0193);
    (0..len)
        .map(|_| {
            // xorshift32
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

/// FNV-1a, 64 bits: enough to tell whether two byte streams are the same.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[derive(Default)]
struct Sockets {
    listeners: HashMap<u16, TcpListener>,
    streams: HashMap<String, TcpStream>,
}

type Shared = Arc<Mutex<Sockets>>;

/// Runs the peer until stdin closes.
pub fn main() -> std::process::ExitCode {
    let shared: Shared = Arc::default();
    let out = Arc::new(Mutex::new(std::io::stdout()));
    if let Ok(mut out) = out.lock() {
        // Tag 0: the peer runs inside the namespace.
        let _ = writeln!(out, "0 ok ready");
        let _ = out.flush();
    }
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        let Some((tag, rest)) = words.split_first() else {
            continue;
        };
        let (tag, rest, shared, out) = (tag.clone(), rest.to_vec(), shared.clone(), out.clone());
        std::thread::spawn(move || {
            let answer = match run(&shared, &rest) {
                Ok(text) => format!("{tag} ok {text}"),
                Err(text) => format!("{tag} err {text}"),
            };
            if let Ok(mut out) = out.lock() {
                let _ = writeln!(out, "{answer}");
                let _ = out.flush();
            }
        });
    }
    std::process::ExitCode::SUCCESS
}

fn stream(shared: &Shared, name: &str) -> Result<TcpStream, String> {
    let sockets = shared.lock().map_err(|_| "poisoned".to_string())?;
    let s = sockets
        .streams
        .get(name)
        .ok_or(format!("no socket {name}"))?;
    s.try_clone().map_err(|e| format!("{:?}", e.kind()))
}

fn keep(shared: &Shared, name: &str, s: TcpStream) -> Result<(), String> {
    s.set_read_timeout(Some(Duration::from_secs(8)))
        .map_err(|e| format!("{:?}", e.kind()))?;
    let mut sockets = shared.lock().map_err(|_| "poisoned".to_string())?;
    sockets.streams.insert(name.to_string(), s);
    Ok(())
}

fn arg<T: std::str::FromStr>(args: &[String], i: usize) -> Result<T, String> {
    args.get(i)
        .and_then(|a| a.parse().ok())
        .ok_or(format!("bad argument {i} in {args:?}"))
}

fn run(shared: &Shared, args: &[String]) -> Result<String, String> {
    let verb = args.first().map(String::as_str).unwrap_or("");
    match verb {
        "listen" => {
            let port: u16 = arg(args, 1)?;
            let l = TcpListener::bind(SocketAddr::from((KERNEL_IP, port)))
                .map_err(|e| format!("{:?}", e.kind()))?;
            let mut sockets = shared.lock().map_err(|_| "poisoned".to_string())?;
            sockets.listeners.insert(port, l);
            Ok(String::new())
        }
        "accept" => {
            let port: u16 = arg(args, 1)?;
            let name: String = arg(args, 2)?;
            let l = {
                let sockets = shared.lock().map_err(|_| "poisoned".to_string())?;
                let l = sockets.listeners.get(&port).ok_or("no listener")?;
                l.try_clone().map_err(|e| format!("{:?}", e.kind()))?
            };
            let (s, peer) = l.accept().map_err(|e| format!("{:?}", e.kind()))?;
            keep(shared, &name, s)?;
            Ok(peer.to_string())
        }
        "connect" => {
            let addr: SocketAddr = arg(args, 1)?;
            let name: String = arg(args, 2)?;
            let s = TcpStream::connect_timeout(&addr, Duration::from_secs(3))
                .map_err(|e| format!("{:?}", e.kind()))?;
            let local = s.local_addr().map_err(|e| format!("{:?}", e.kind()))?;
            keep(shared, &name, s)?;
            Ok(local.to_string())
        }
        "write" => {
            let name: String = arg(args, 1)?;
            let len: usize = arg(args, 2)?;
            let seed: u8 = arg(args, 3)?;
            let mut s = stream(shared, &name)?;
            s.write_all(&pattern(seed, len))
                .map_err(|e| format!("{:?}", e.kind()))?;
            Ok(len.to_string())
        }
        "read" => {
            let name: String = arg(args, 1)?;
            let limit: Option<usize> = args.get(2).and_then(|a| a.parse().ok());
            let mut s = stream(shared, &name)?;
            let mut got = Vec::new();
            let mut buf = vec![0u8; 65536];
            loop {
                let want = limit.map_or(buf.len(), |l| (l - got.len()).min(buf.len()));
                if want == 0 {
                    break;
                }
                match s.read(&mut buf[..want]) {
                    Ok(0) => break,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        return Err(format!("{:?} {} {:016x}", e.kind(), got.len(), fnv1a(&got)));
                    }
                }
            }
            Ok(format!("{} {:016x}", got.len(), fnv1a(&got)))
        }
        "shutdown" => {
            let name: String = arg(args, 1)?;
            stream(shared, &name)?
                .shutdown(Shutdown::Write)
                .map_err(|e| format!("{:?}", e.kind()))?;
            Ok(String::new())
        }
        "close" => {
            let name: String = arg(args, 1)?;
            let mut sockets = shared.lock().map_err(|_| "poisoned".to_string())?;
            sockets.streams.remove(&name).ok_or("no socket")?;
            Ok(String::new())
        }
        "sysctl" => {
            let key: String = arg(args, 1)?;
            if !key.starts_with("net/") || key.contains("..") {
                return Err(format!("not a namespace sysctl: {key}"));
            }
            let path = format!("/proc/sys/{key}");
            let old = std::fs::read_to_string(&path).map_err(|e| format!("{:?}", e.kind()))?;
            let value = args.get(2..).unwrap_or_default().join(" ");
            std::fs::write(&path, value).map_err(|e| format!("{:?}", e.kind()))?;
            Ok(old.split_whitespace().collect::<Vec<_>>().join(" "))
        }
        other => Err(format!("unknown verb {other:?}")),
    }
}
