//! `dump` — one line per TCP segment, like `tcpdump -n -tt -S`.
//!
//! ```sh
//! cargo run --example dump                     # the bundled capture, tests/data/http-image.pcap
//! cargo run --example dump -- some.pcapng      # any pcap or pcapng file
//! cargo run --example dump -- big.pcap | head  # stops quietly when the pipe closes
//! ```
//!
//! Each line gives the capture time (seconds since the epoch, microseconds), `IP`
//! or `IP6`, the endpoints as `address.port`, the flags in tcpdump's letters, the
//! absolute sequence number (`seq first:end` when the segment carries data), the
//! acknowledgment number when ACK is set, the window field, the urgent pointer when
//! URG is set, the options, and the payload length from the IP header — the time,
//! then the library's one-line summary of the segment (`Display` for a decoded
//! segment; each option in tcpdump's form is `Display` for `TcpOption`):
//!
//! ```text
//! 1795465490.743429 IP 10.77.0.1.46882 > 10.77.0.2.80: Flags [S], seq 179603736, win 64240, options [mss 1460,sackOK,TS val 4006145894 ecr 0,nop,wscale 10], length 0
//! ```
//!
//! Frames that hold no TCP segment are skipped and counted; a one-line summary goes
//! to stderr at the end. A file that cannot be opened or read ends with a message on
//! stderr and exit code 1; a capture cut short prints every complete record first.
//!
//! The program is [`run`], which takes the arguments and the two output streams,
//! so that tests call it in-process.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use synack::capture::CaptureReader;
use synack::wire::Decoded;
use synack::wire::{DecodeError, decode_all};

/// What was seen, for the summary line.
#[derive(Default)]
struct Counts {
    records: u64,
    tcp: u64,
    /// Frames (or A-MSDU subframes) that hold no TCP segment, ICMP errors
    /// quoting one included.
    not_tcp: u64,
    /// Frames the decoder gave up on, by reason.
    not_decoded: BTreeMap<&'static str, u64>,
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let mut out = BufWriter::new(io::stdout().lock());
    ExitCode::from(run(&args, &mut out, &mut io::stderr()))
}

/// The whole program: dumps the capture `args` names (the bundled one without
/// arguments) to `out`, the summary and any error to `err`, and returns the exit
/// code (0 or 1). A closed pipe on `out` (`| head`) ends it quietly with 0.
pub fn run(args: &[OsString], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let path = args.first().map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/data/http-image.pcap"
            ))
        },
        PathBuf::from,
    );
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(e) => {
            let _ = writeln!(err, "dump: cannot open {}: {e}", path.display());
            return 1;
        }
    };
    let mut reader = match CaptureReader::new(BufReader::new(file)) {
        Ok(reader) => reader,
        Err(e) => {
            let _ = writeln!(err, "dump: {}: {e}", path.display());
            return 1;
        }
    };

    let mut counts = Counts::default();
    let mut failure = None;
    while let Some(record) = reader.next_record() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
        counts.records += 1;
        // One frame may hold several segments (an 802.11 A-MSDU): one line each.
        for decoded in decode_all(record.link_type, record.data) {
            match decoded {
                Decoded::Tcp(packet) => {
                    counts.tcp += 1;
                    // The library's one-line summary is tcpdump's line after the time.
                    if let Err(e) = writeln!(out, "{:.6} {packet}", record.timestamp) {
                        return write_failed(&e, err);
                    }
                }
                Decoded::NotTcp(_) | Decoded::IcmpQuotedTcp(_) => counts.not_tcp += 1,
                Decoded::Error(why) => *counts.not_decoded.entry(reason(&why)).or_default() += 1,
            }
        }
    }
    if let Err(e) = out.flush() {
        return write_failed(&e, err);
    }

    let mut summary = format!(
        "dump: {} records, {} TCP segments, {} not TCP, {} not decoded",
        counts.records,
        counts.tcp,
        counts.not_tcp,
        counts.not_decoded.values().sum::<u64>()
    );
    if !counts.not_decoded.is_empty() {
        let reasons: Vec<String> = counts
            .not_decoded
            .iter()
            .map(|(reason, n)| format!("{reason}: {n}"))
            .collect();
        let _ = write!(summary, " ({})", reasons.join(", "));
    }
    let _ = writeln!(err, "{summary}");
    if let Some(e) = failure {
        let _ = writeln!(err, "dump: {}: {e}", path.display());
        return 1;
    }
    0
}

/// A closed pipe (`| head`) ends the program quietly; other write errors are reported.
fn write_failed(e: &io::Error, err: &mut dyn Write) -> u8 {
    if e.kind() == io::ErrorKind::BrokenPipe {
        0
    } else {
        let _ = writeln!(err, "dump: cannot write: {e}");
        1
    }
}

/// A short name for why a frame was not decoded, for the summary.
fn reason(why: &DecodeError) -> &'static str {
    match why {
        DecodeError::UnsupportedLinkType(_) => "unsupported link type",
        DecodeError::Truncated(_) | DecodeError::TcpCut(_) => "truncated",
        DecodeError::Malformed(_) => "malformed",
        DecodeError::Fragment(_) => "IP fragment",
        DecodeError::Encrypted { .. } => "encrypted",
        DecodeError::Unsupported { .. } => "unsupported encapsulation",
        DecodeError::TooManyLayers { .. } => "too many layers",
        _ => "other",
    }
}
