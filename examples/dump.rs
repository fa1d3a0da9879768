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
//! URG is set, the options, and the payload length from the IP header:
//!
//! ```text
//! 1795465490.743429 IP 10.77.0.1.46882 > 10.77.0.2.80: Flags [S], seq 179603736, win 64240, options [mss 1460,sackOK,TS val 4006145894 ecr 0,nop,wscale 10], length 0
//! ```
//!
//! Frames that hold no TCP segment are skipped and counted; a one-line summary goes
//! to stderr at the end. A file that cannot be opened or read ends with a message on
//! stderr and exit code 1; a capture cut short prints every complete record first.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use synack::capture::{CaptureReader, Timestamp};
use synack::flags::TcpFlags;
use synack::wire::{DecodeError, decode_all};
use synack::wire::{Decoded, DecodedSegment, TcpOption};

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
    let path = std::env::args_os().nth(1).map_or_else(
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
            eprintln!("dump: cannot open {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let mut reader = match CaptureReader::new(BufReader::new(file)) {
        Ok(reader) => reader,
        Err(e) => {
            eprintln!("dump: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };

    let mut out = BufWriter::new(io::stdout().lock());
    let mut counts = Counts::default();
    let mut line = String::new();
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
                    line.clear();
                    render(&mut line, record.timestamp, &packet);
                    if let Err(e) = writeln!(out, "{line}") {
                        return write_failed(&e);
                    }
                }
                Decoded::NotTcp(_) | Decoded::IcmpQuotedTcp(_) => counts.not_tcp += 1,
                Decoded::Error(why) => *counts.not_decoded.entry(reason(&why)).or_default() += 1,
            }
        }
    }
    if let Err(e) = out.flush() {
        return write_failed(&e);
    }
    drop(out);

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
    eprintln!("{summary}");
    if let Some(e) = failure {
        eprintln!("dump: {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// A closed pipe (`| head`) ends the program quietly; other write errors are reported.
fn write_failed(e: &io::Error) -> ExitCode {
    if e.kind() == io::ErrorKind::BrokenPipe {
        ExitCode::SUCCESS
    } else {
        eprintln!("dump: cannot write: {e}");
        ExitCode::FAILURE
    }
}

/// A short name for why a frame was not decoded, for the summary.
fn reason(why: &DecodeError) -> &'static str {
    match why {
        DecodeError::UnsupportedLinkType(_) => "unsupported link type",
        DecodeError::Truncated(_) => "truncated",
        DecodeError::Malformed(_) => "malformed",
        DecodeError::Fragment(_) => "IP fragment",
        DecodeError::Encrypted { .. } => "encrypted",
        DecodeError::Unsupported { .. } => "unsupported encapsulation",
        DecodeError::TooManyLayers { .. } => "too many layers",
        _ => "other",
    }
}

/// One tcpdump-style line (`tcpdump -n -tt -S`, print-tcp.c field order).
fn render(line: &mut String, time: Timestamp, packet: &DecodedSegment<'_>) {
    let header = &packet.header;
    let flags = header.flags();
    let family = match packet.source {
        SocketAddr::V4(_) => "IP",
        SocketAddr::V6(_) => "IP6",
    };
    let _ = write!(
        line,
        "{time:.6} {family} {}.{} > {}.{}: Flags [{}]",
        packet.source.ip(),
        packet.source.port(),
        packet.destination.ip(),
        packet.destination.port(),
        flags.tcpdump()
    );
    let seq = header.sequence_number().0;
    let len = packet.payload_len;
    if len > 0 || flags.intersects(TcpFlags::SYN | TcpFlags::FIN | TcpFlags::RST) {
        let _ = write!(line, ", seq {seq}");
        if len > 0 {
            let _ = write!(line, ":{}", seq.wrapping_add(len));
        }
    }
    if flags.contains(TcpFlags::ACK) {
        let _ = write!(line, ", ack {}", header.acknowledgment_number().0);
    }
    let _ = write!(line, ", win {}", header.window_size());
    if flags.contains(TcpFlags::URG) {
        let _ = write!(line, ", urg {}", header.urgent_pointer());
    }
    if !header.options_slice().is_empty() {
        line.push_str(", options [");
        for (i, option) in header.options().enumerate() {
            if i > 0 {
                line.push(',');
            }
            match option {
                Ok(option) => render_option(line, &option),
                Err(_) => line.push_str("bad opt"),
            }
        }
        line.push(']');
    }
    let _ = write!(line, ", length {len}");
}

/// tcpdump's spelling of each option (print-tcp.c).
fn render_option(line: &mut String, option: &TcpOption<'_>) {
    let _ = match option {
        TcpOption::EndOfOptionList => write!(line, "eol"),
        TcpOption::Nop => write!(line, "nop"),
        TcpOption::Mss(mss) => write!(line, "mss {mss}"),
        TcpOption::WindowScale(shift) => write!(line, "wscale {shift}"),
        TcpOption::SackPermitted => write!(line, "sackOK"),
        TcpOption::Sack(blocks) => {
            let _ = write!(line, "sack {} ", blocks.len());
            for (left, right) in blocks.iter() {
                let _ = write!(line, "{{{}:{}}}", left.0, right.0);
            }
            Ok(())
        }
        TcpOption::Timestamps { value, echo_reply } => {
            write!(line, "TS val {value} ecr {echo_reply}")
        }
        TcpOption::FastOpenCookie(cookie) | TcpOption::ExperimentalFastOpenCookie(cookie) => {
            if cookie.is_empty() {
                write!(line, "tfo cookiereq")
            } else {
                write!(line, "tfo cookie {}", hex(cookie))
            }
        }
        TcpOption::Md5Signature(digest) => write!(line, "md5 {}", hex(&digest[..])),
        TcpOption::Authentication {
            key_id,
            rnext_key_id,
            mac,
        } => write!(
            line,
            "tcp-ao keyid {key_id} rnextkeyid {rnext_key_id} mac 0x{}",
            hex(mac)
        ),
        TcpOption::Mptcp(data) => write!(line, "mptcp {}", hex(data)),
        TcpOption::Unknown { kind, data } => write!(line, "opt-{kind}:{}", hex(data)),
    };
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
