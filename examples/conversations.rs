//! `conversations` — one row per TCP connection of a capture, printed as each
//! connection ends; or, with `--zeek`, the capture's Zeek `conn.log`.
//!
//! ```text
//! cargo run --example conversations [-- [--zeek] [CAPTURE]]
//! ```
//!
//! Without a path it reads the bundled `tests/data/http-image.pcap`.
//!
//! By default the connections are [`synack::track::Tracker`]'s (tshark's
//! `tcp.stream` numbering), one tab-separated row each under the header
//! `stream client server start duration client_pkts client_bytes server_pkts
//! server_bytes client_states server_states conn_state history`: endpoints as
//! `addr:port` (IPv6 in brackets), `start` in seconds since the capture's first
//! frame, `duration` from the first to the last segment, packets and payload bytes
//! each way, the RFC 9293 states each side passed (in RFC order, from the
//! observer's transitions), and Zeek's `conn_state` and `history` for the
//! connection. Rows come out as the tracker lets connections go (closed, expired,
//! replaced by port reuse), the rest at the end of the capture.
//!
//! `--zeek` prints what Zeek writes to `conn.log` for the capture's TCP
//! connections, split and oriented as Zeek does it
//! ([`synack::track::zeek::ZeekSessions`]): the ASCII log header (`#separator`,
//! `#set_separator`, `#empty_field`, `#unset_field`, `#path`, `#open`, `#fields`,
//! `#types`), one row per connection as Zeek's timers end it, then `#close`.
//! Unset fields are `-` as in Zeek: `service` (no protocol detection here), and
//! `duration`, `orig_bytes`, `resp_bytes` when the duration is zero.
//! `local_orig`/`local_resp` follow Zeek's default `Site::local_nets`, the
//! private address space. `uid` is a deterministic stand-in for Zeek's random
//! one; `#open`/`#close` are the first and last capture times (UTC).

use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use synack::capture::CaptureReader;
use synack::track::zeek::{ZeekConfig, ZeekRecord, ZeekSegment, ZeekSessions};
use synack::track::{ConnectionSummary, StateSet, Tracker, TrackerConfig};
use synack::wire::{DecodeError, Decoded, decode_all};

/// The header of the default output.
pub const HEADER: &str = "stream\tclient\tserver\tstart\tduration\tclient_pkts\tclient_bytes\tserver_pkts\tserver_bytes\tclient_states\tserver_states\tconn_state\thistory";

/// Seconds with six decimals.
fn secs(d: Duration) -> String {
    format!("{}.{:06}", d.as_secs(), d.subsec_micros())
}

fn states(set: StateSet) -> String {
    let names: Vec<&str> = set.iter().map(|s| s.name()).collect();
    if names.is_empty() {
        "-".to_string()
    } else {
        names.join(",")
    }
}

/// One row of the default output.
pub fn row(summary: &ConnectionSummary, origin: Duration) -> String {
    // Without Zeek's bookkeeping (`TrackerConfig::zeek` off) both columns are unset.
    let (conn_state, history) = match &summary.zeek {
        Some(z) if !z.history.is_empty() => (z.conn_state.to_string(), z.history.as_str()),
        Some(z) => (z.conn_state.to_string(), "-"),
        None => ("-".to_string(), "-"),
    };
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        summary.stream,
        summary.client,
        summary.server,
        secs(summary.start.saturating_sub(origin)),
        secs(summary.duration()),
        summary.packets[0],
        summary.payload_bytes[0],
        summary.packets[1],
        summary.payload_bytes[1],
        states(summary.states[0]),
        states(summary.states[1]),
        conn_state,
        history,
    )
}

/// The `#fields` line's names, in order.
pub const ZEEK_FIELDS: [&str; 20] = [
    "ts",
    "uid",
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
    "proto",
    "service",
    "duration",
    "orig_bytes",
    "resp_bytes",
    "conn_state",
    "local_orig",
    "local_resp",
    "missed_bytes",
    "history",
    "orig_pkts",
    "orig_ip_bytes",
    "resp_pkts",
    "resp_ip_bytes",
];

/// The `#types` line's types, in the order of [`ZEEK_FIELDS`].
pub const ZEEK_TYPES: [&str; 20] = [
    "time", "string", "addr", "port", "addr", "port", "enum", "string", "interval", "count",
    "count", "string", "bool", "bool", "count", "string", "count", "count", "count", "count",
];

/// Zeek's default `Site::local_nets`: with `Site::private_address_space_is_local`
/// (true by default) the private, loopback, link-local and shared address space.
pub fn is_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            let o = a.octets();
            a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || o[0] == 0
        }
        IpAddr::V6(a) => {
            let s = a.segments();
            a.is_loopback() || (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfe80
        }
    }
}

/// A deterministic stand-in for Zeek's uid: `C` and 17 base-62 digits.
pub fn uid(index: u64) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    // splitmix64, twice, for 128 bits to draw the digits from.
    let mix = |mut z: u64| {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut n = (u128::from(mix(index)) << 64) | u128::from(mix(index ^ 0x5555_5555));
    let mut s = String::from("C");
    for _ in 0..17 {
        s.push(char::from(DIGITS[(n % 62) as usize]));
        n /= 62;
    }
    s
}

/// One `conn.log` row.
pub fn zeek_row(r: &ZeekRecord) -> String {
    let s = &r.summary;
    let unset = |v: u64| {
        if s.has_duration() {
            v.to_string()
        } else {
            "-".to_string()
        }
    };
    let bool_str = |b: bool| if b { "T" } else { "F" };
    let mut line = String::new();
    let _ = write!(
        line,
        "{}\t{}\t{}\t{}\t{}\t{}\ttcp\t-\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        secs(s.start),
        uid(r.index),
        r.orig.ip(),
        r.orig.port(),
        r.resp.ip(),
        r.resp.port(),
        if s.has_duration() {
            secs(s.duration)
        } else {
            "-".to_string()
        },
        unset(s.orig_bytes),
        unset(s.resp_bytes),
        s.conn_state,
        bool_str(is_local(r.orig.ip())),
        bool_str(is_local(r.resp.ip())),
        s.missed_bytes,
        if s.history.is_empty() {
            "-"
        } else {
            s.history.as_str()
        },
        s.orig_pkts,
        s.orig_ip_bytes,
        s.resp_pkts,
        s.resp_ip_bytes,
    );
    line
}

/// `YYYY-MM-DD-HH-MM-SS` in UTC, as Zeek's `#open`/`#close` lines write times.
pub fn log_time(t: Duration) -> String {
    let secs = t.as_secs();
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}-{:02}-{:02}-{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Options from the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The capture.
    pub path: PathBuf,
    /// Print Zeek's conn.log instead of the table.
    pub zeek: bool,
}

/// Reads `[--zeek] [CAPTURE]`.
pub fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        path: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/http-image.pcap"),
        zeek: false,
    };
    for arg in args {
        match arg.as_str() {
            "--zeek" => options.zeek = true,
            "-h" | "--help" => return Err("usage: conversations [--zeek] [CAPTURE]".into()),
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            other => options.path = PathBuf::from(other),
        }
    }
    Ok(options)
}

fn table(path: &Path, out: &mut dyn Write) -> Result<(), String> {
    let mut reader =
        CaptureReader::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    // The table's conn_state and history columns need Zeek's bookkeeping.
    let mut tracker = Tracker::new(TrackerConfig::default().with_zeek(true));
    let mut origin = None;
    let io = |e: io::Error| e.to_string();
    writeln!(out, "{HEADER}").map_err(io)?;
    while let Some(record) = reader.next_record() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        let time = record.timestamp.to_duration().unwrap_or_default();
        let origin = *origin.get_or_insert(time);
        for decoded in decode_all(record.link_type, record.data) {
            match decoded {
                Decoded::Tcp(packet) => {
                    tracker.track(record.frame_number(), time, &packet);
                }
                // A header cut by the snapshot length opens its connection
                // (as in Zeek's conn.log) but counts no packet (as neither
                // tshark's conversation table nor Zeek does).
                Decoded::Error(DecodeError::TcpCut(cut)) => {
                    tracker.track_cut(record.frame_number(), time, &cut);
                }
                _ => {}
            }
        }
        while let Some(event) = tracker.poll_event() {
            writeln!(out, "{}", row(event.summary(), origin)).map_err(io)?;
        }
    }
    tracker.finish();
    let origin = origin.unwrap_or_default();
    while let Some(event) = tracker.poll_event() {
        writeln!(out, "{}", row(event.summary(), origin)).map_err(io)?;
    }
    Ok(())
}

fn zeek_log(path: &Path, out: &mut dyn Write) -> Result<(), String> {
    let mut reader =
        CaptureReader::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut sessions = ZeekSessions::new(ZeekConfig::default());
    let io = |e: io::Error| e.to_string();
    let mut opened = false;
    let mut last = Duration::ZERO;
    while let Some(record) = reader.next_record() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        let time = record.timestamp.to_duration().unwrap_or_default();
        last = last.max(time);
        if !opened {
            zeek_header(time, out).map_err(io)?;
            opened = true;
        }
        for decoded in decode_all(record.link_type, record.data) {
            match decoded {
                Decoded::Tcp(packet) => {
                    let seg = ZeekSegment::from_packet(&packet, record.data);
                    sessions.on_segment(packet.source(), packet.destination(), &seg, time);
                }
                // Zeek opens the connection and drops the packet.
                Decoded::Error(DecodeError::TcpCut(cut)) => {
                    sessions.on_cut_header(&cut, time);
                }
                _ => {}
            }
        }
        while let Some(r) = sessions.pop_finished() {
            writeln!(out, "{}", zeek_row(&r)).map_err(io)?;
        }
    }
    if !opened {
        zeek_header(Duration::ZERO, out).map_err(io)?;
    }
    sessions.finish();
    while let Some(r) = sessions.pop_finished() {
        writeln!(out, "{}", zeek_row(&r)).map_err(io)?;
    }
    writeln!(out, "#close\t{}", log_time(last)).map_err(io)?;
    Ok(())
}

fn zeek_header(open: Duration, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "#separator \\x09")?;
    writeln!(out, "#set_separator\t,")?;
    writeln!(out, "#empty_field\t(empty)")?;
    writeln!(out, "#unset_field\t-")?;
    writeln!(out, "#path\tconn")?;
    writeln!(out, "#open\t{}", log_time(open))?;
    writeln!(out, "#fields\t{}", ZEEK_FIELDS.join("\t"))?;
    writeln!(out, "#types\t{}", ZEEK_TYPES.join("\t"))
}

/// The whole program, writing to `out`.
pub fn run(args: &[String], out: &mut dyn Write) -> Result<(), String> {
    let options = parse_args(args)?;
    if options.zeek {
        zeek_log(&options.path, out)
    } else {
        table(&options.path, out)
    }
}

#[allow(dead_code)]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = run(&args, &mut out);
    let flushed = out.flush();
    match (result, flushed) {
        (Ok(()), Ok(())) => ExitCode::SUCCESS,
        (Err(e), _) if e.contains("Broken pipe") => ExitCode::SUCCESS,
        (Err(e), _) => {
            eprintln!("conversations: {e}");
            ExitCode::FAILURE
        }
        (_, Err(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        (_, Err(e)) => {
            eprintln!("conversations: {e}");
            ExitCode::FAILURE
        }
    }
}
