//! `flowgraph` — Wireshark's Flow Graph of one TCP connection: a ladder of the
//! segments between the two endpoints, as text or as an SVG picture.
//!
//! ```text
//! cargo run --example flowgraph [-- [--stream N] [--svg FILE] [CAPTURE]]
//! ```
//!
//! Without a path it reads the bundled `tests/data/http-image.pcap`; the stream is
//! Wireshark's `tcp.stream` index (default 0), as [`synack::track::Tracker`]
//! numbers them. The text is what tshark prints for
//! `tshark -r CAPTURE -q -z flow,tcp,network,tcp.stream==N`: per segment a line
//! with the time since the first frame of the capture, the flags (and `Len`) over
//! the arrow and the relative `Seq`/`Ack` as comment, then the arrow between the
//! two addresses' columns with the ports at its ends. `--svg FILE` also draws the
//! same ladder as an SVG picture: two lifelines (client and server headers), one
//! arrow per segment with its flags, length and relative numbers.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use synack::capture::CaptureReader;
use synack::flags::TcpFlags;
use synack::state::Side;
use synack::track::{Tracker, TrackerConfig};
use synack::wire::{DecodeError, Decoded, decode_all};

/// One segment of the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// Frame number (1-based).
    pub frame: u64,
    /// Capture time since the capture's first frame, in nanoseconds (negative
    /// when the clock stepped back).
    pub time_ns: i128,
    /// Sender.
    pub src: SocketAddr,
    /// Receiver.
    pub dst: SocketAddr,
    /// Whether the time is printed to the nanosecond (the capture has
    /// sub-microsecond timestamps) rather than the microsecond.
    pub nanos: bool,
    /// Which side sent it.
    pub side: Side,
    /// Control bits.
    pub flags: TcpFlags,
    /// Payload length (`tcp.len`).
    pub len: u32,
    /// Relative sequence number.
    pub seq: u32,
    /// Relative acknowledgment number (without the ACK bit: none).
    pub ack: Option<u32>,
}

/// The segments of stream `stream` of the capture at `path`.
pub fn collect(path: &Path, stream: u64) -> Result<Vec<Item>, String> {
    let mut reader =
        CaptureReader::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut tracker = Tracker::new(TrackerConfig::unbounded());
    let mut first: Option<i128> = None;
    let mut items = Vec::new();
    // tshark prints times with the file's timestamp precision; a file is taken
    // to have nanosecond precision when some timestamp is not whole microseconds.
    let mut nanos = false;
    while let Some(record) = reader.next_record() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        let t = &record.timestamp;
        let ns = i128::from(t.secs) * 1_000_000_000 + i128::from(t.nanos);
        let origin = *first.get_or_insert(ns);
        nanos |= t.nanos % 1000 != 0;
        let time = record.timestamp.to_duration().unwrap_or_default();
        for decoded in decode_all(record.link_type, record.data) {
            let packet = match decoded {
                Decoded::Tcp(packet) => packet,
                // A header cut by the snapshot length takes its stream number
                // (so later streams are numbered as tshark numbers them) but
                // draws no arrow: Wireshark's TCP flows come from the `tcp`
                // tap, which a cut header never reaches.
                Decoded::Error(DecodeError::TcpCut(cut)) => {
                    tracker.track_cut(record.frame_number(), time, &cut);
                    continue;
                }
                _ => continue,
            };
            let tracked = tracker.track(record.frame_number(), time, &packet);
            if tracked.stream == stream {
                items.push(Item {
                    frame: record.frame_number(),
                    time_ns: ns - origin,
                    nanos: false,
                    src: packet.source(),
                    dst: packet.destination(),
                    side: tracked.side,
                    flags: packet.header.flags(),
                    len: tracked.len,
                    seq: tracked.seq,
                    ack: tracked.ack,
                });
            }
        }
    }
    for item in &mut items {
        item.nanos = nanos;
    }
    Ok(items)
}

/// Wireshark's flags text (`tcp_flags_to_str`): names lowest bit first,
/// `<None>` without any.
fn flag_names(flags: TcpFlags) -> String {
    let text = flags.wireshark().to_string();
    text.trim_start_matches('[')
        .trim_end_matches(']')
        .to_string()
}

/// The label over the arrow: flags, and ` - Len: N` with payload.
pub fn label(item: &Item) -> String {
    let flags = flag_names(item.flags);
    if item.len > 0 {
        format!("{flags} - Len: {}", item.len)
    } else {
        flags
    }
}

/// The comment right of the ladder: `Seq = S` or `Seq = S Ack = A`.
pub fn comment(item: &Item) -> String {
    match item.ack {
        Some(ack) => format!("Seq = {} Ack = {ack}", item.seq),
        None => format!("Seq = {}", item.seq),
    }
}

/// Seconds with nine decimals (`nanos`) or six, rounded to the microsecond.
pub fn seconds(ns: i128, nanos: bool) -> String {
    if nanos {
        let sign = if ns < 0 { "-" } else { "" };
        let n = ns.abs();
        return format!("{sign}{}.{:09}", n / 1_000_000_000, n % 1_000_000_000);
    }
    let micros = if ns >= 0 {
        (ns + 500) / 1000
    } else {
        (ns - 500) / 1000
    };
    let sign = if micros < 0 { "-" } else { "" };
    let m = micros.abs();
    format!("{sign}{}.{:06}", m / 1_000_000, m % 1_000_000)
}

/// The two nodes (addresses) in order of first appearance.
fn nodes(items: &[Item]) -> Vec<IpAddr> {
    let mut nodes = Vec::new();
    for item in items {
        for addr in [item.src.ip(), item.dst.ip()] {
            if !nodes.contains(&addr) {
                nodes.push(addr);
            }
        }
    }
    nodes
}

const NODE_WIDTH: usize = 20;

/// tshark's `overwrite`: replaces characters from `from` with `text` cut to
/// `max` characters. Like GLib's `g_string_erase`, which it calls, nothing is
/// erased when the span would run past the end (the text is then inserted), and
/// a start past the end appends.
fn overwrite(line: &mut Vec<char>, text: &str, from: usize, max: usize) {
    let text: Vec<char> = text.chars().take(max).collect();
    let at = from.min(line.len());
    let end = if at + text.len() <= line.len() {
        at + text.len()
    } else {
        at
    };
    line.splice(at..end, text);
}

fn pad(s: &mut String, width: usize) {
    while s.chars().count() < width {
        s.push(' ');
    }
}

/// The text ladder, as `tshark -q -z flow,tcp,network` prints it for one stream.
pub fn ladder(items: &[Item], out: &mut dyn Write) -> io::Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let nodes = nodes(items);
    let mut empty_line = String::new();
    let mut head = String::from("|Time     ");
    for node in nodes.iter().step_by(2) {
        let mut label = format!("| {node}");
        pad(&mut label, NODE_WIDTH * 2);
        head.push_str(&label);
        let mut cell = String::from("| ");
        pad(&mut cell, NODE_WIDTH);
        empty_line.push_str(&cell);
    }
    writeln!(out, "{head}|")?;
    let mut second = String::from("|         ");
    let mut cell = String::from("| ");
    pad(&mut cell, NODE_WIDTH);
    second.push_str(&cell);
    for node in nodes.iter().skip(1).step_by(2) {
        let mut label = format!("| {node}");
        if label.chars().count() < NODE_WIDTH {
            pad(&mut label, NODE_WIDTH);
            label.push_str("| ");
        }
        pad(&mut label, NODE_WIDTH * 2);
        second.push_str(&label);
        let mut cell = String::from("| ");
        pad(&mut cell, NODE_WIDTH);
        empty_line.push_str(&cell);
    }
    writeln!(out, "{second}")?;
    empty_line.push('|');
    let empty: Vec<char> = empty_line.chars().collect();

    for item in items {
        let index = |a: IpAddr| nodes.iter().position(|n| *n == a).unwrap_or(0);
        let start = index(item.src.ip()) * NODE_WIDTH + NODE_WIDTH / 2;
        let mut end = index(item.dst.ip()) * NODE_WIDTH + NODE_WIDTH / 2;
        let width = if start == end {
            end = start + NODE_WIDTH;
            NODE_WIDTH
        } else {
            start.abs_diff(end)
        };
        let mut time = format!("|{}", seconds(item.time_ns, item.nanos));
        pad(&mut time, 10);
        let mut line = empty.clone();
        overwrite(&mut line, &label(item), start.min(end), width);
        let line: String = line.into_iter().collect();
        writeln!(out, "{time}{line}{}", comment(item))?;

        let mut line = empty.clone();
        let arrow = if start < end {
            format!("{}>", "-".repeat(width.saturating_sub(2)))
        } else {
            format!("<{}", "-".repeat(width.saturating_sub(2)))
        };
        overwrite(&mut line, &arrow, start.min(end), width);
        let src_port = format!("({})", item.src.port());
        let dst_port = format!("({})", item.dst.port());
        if start < end {
            overwrite(&mut line, &src_port, start.saturating_sub(9), 8);
            overwrite(&mut line, &dst_port, end + 1, 8);
        } else {
            overwrite(&mut line, &src_port, start + 1, 8);
            overwrite(&mut line, &dst_port, end.saturating_sub(9), 10);
        }
        let line: String = line.into_iter().collect();
        writeln!(out, "|         {line}")?;
    }
    Ok(())
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The ladder as an SVG picture: the first sender's lifeline on the left, the
/// other on the right, one `<line class="arrow">` per segment.
pub fn svg(items: &[Item]) -> String {
    const ROW: usize = 30;
    const TOP: usize = 110;
    const LEFT: usize = 330;
    const RIGHT: usize = 770;
    let width = 1180;
    let height = TOP + ROW * items.len() + 40;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="14">"##
    );
    let _ = writeln!(
        s,
        r##"<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>"##
    );
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="white"/>"##);
    let Some(first) = items.first() else {
        s.push_str("</svg>\n");
        return s;
    };
    let (left_end, right_end) = (first.src, first.dst);
    let role = |side: Side| match side {
        Side::Client => "client",
        Side::Server => "server",
    };
    let (left_role, right_role) = (role(first.side), role(first.side.peer()));
    for (x, addr, who) in [(LEFT, left_end, left_role), (RIGHT, right_end, right_role)] {
        let _ = writeln!(
            s,
            r##"<rect x="{}" y="16" width="240" height="54" rx="6" fill="#eef3fb" stroke="#3b5b8c"/>"##,
            x - 120
        );
        let _ = writeln!(
            s,
            r##"<text x="{x}" y="38" text-anchor="middle" font-weight="bold" fill="#1d2f4d">{who}</text>"##
        );
        let _ = writeln!(
            s,
            r##"<text x="{x}" y="59" text-anchor="middle" fill="#1d2f4d">{}</text>"##,
            xml_escape(&addr.to_string())
        );
        let _ = writeln!(
            s,
            r##"<line class="lifeline" x1="{x}" y1="70" x2="{x}" y2="{}" stroke="#8a9bb5" stroke-width="2" stroke-dasharray="6,4"/>"##,
            height - 20
        );
    }
    let _ = writeln!(
        s,
        r##"<text x="20" y="{}" font-weight="bold" fill="#444">time (s)</text>"##,
        TOP - 18
    );
    let _ = writeln!(
        s,
        r##"<text x="{}" y="{}" font-weight="bold" fill="#444">relative seq / ack</text>"##,
        RIGHT + 30,
        TOP - 18
    );
    for (k, item) in items.iter().enumerate() {
        let y = TOP + ROW * k + 14;
        let to_right = item.src.ip() == left_end.ip() && item.src.port() == left_end.port();
        let (x1, x2) = if to_right {
            (LEFT, RIGHT)
        } else {
            (RIGHT, LEFT)
        };
        let colour = if item.flags.contains(TcpFlags::RST) {
            "#c0392b"
        } else if item.flags.intersects(TcpFlags::SYN | TcpFlags::FIN) {
            "#7d3c98"
        } else if to_right {
            "#1f5fa8"
        } else {
            "#1e8449"
        };
        let _ = writeln!(
            s,
            r##"<text x="20" y="{}" fill="#333">{}</text>"##,
            y + 5,
            seconds(item.time_ns, item.nanos)
        );
        let _ = writeln!(
            s,
            r##"<line class="arrow" data-frame="{}" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{colour}" stroke-width="2" marker-end="url(#head)"/>"##,
            item.frame
        );
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" text-anchor="middle" fill="{colour}">{}</text>"##,
            (LEFT + RIGHT) / 2,
            y - 5,
            xml_escape(&label(item))
        );
        let (src_x, src_anchor, dst_x, dst_anchor) = if to_right {
            (LEFT - 8, "end", RIGHT + 8, "start")
        } else {
            (RIGHT + 8, "start", LEFT - 8, "end")
        };
        let _ = writeln!(
            s,
            r##"<text x="{src_x}" y="{}" text-anchor="{src_anchor}" font-size="12" fill="#666">{}</text>"##,
            y + 4,
            item.src.port()
        );
        let _ = writeln!(
            s,
            r##"<text x="{dst_x}" y="{}" text-anchor="{dst_anchor}" font-size="12" fill="#666">{}</text>"##,
            y + 4,
            item.dst.port()
        );
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" fill="#333">{}</text>"##,
            RIGHT + 70,
            y + 5,
            xml_escape(&comment(item))
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Options from the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The capture.
    pub path: PathBuf,
    /// Wireshark's `tcp.stream` index.
    pub stream: u64,
    /// Where to write the SVG picture, if anywhere.
    pub svg: Option<PathBuf>,
}

/// Reads `[--stream N] [--svg FILE] [CAPTURE]`.
pub fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        path: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/http-image.pcap"),
        stream: 0,
        svg: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--stream" => {
                let n = it.next().ok_or("--stream needs a number")?;
                options.stream = n.parse().map_err(|_| format!("bad stream number {n:?}"))?;
            }
            "--svg" => {
                let f = it.next().ok_or("--svg needs a file name")?;
                options.svg = Some(PathBuf::from(f));
            }
            "-h" | "--help" => {
                return Err("usage: flowgraph [--stream N] [--svg FILE] [CAPTURE]".into());
            }
            other => options.path = PathBuf::from(other),
        }
    }
    Ok(options)
}

/// The whole program: the ladder to `out`, the picture to `--svg FILE`.
pub fn run(args: &[String], out: &mut dyn Write) -> Result<(), String> {
    let options = parse_args(args)?;
    let items = collect(&options.path, options.stream)?;
    if items.is_empty() {
        return Err(format!(
            "{}: no TCP stream {} (or only headers cut by the snapshot length)",
            options.path.display(),
            options.stream
        ));
    }
    ladder(&items, out).map_err(|e| e.to_string())?;
    if let Some(file) = &options.svg {
        std::fs::write(file, svg(&items)).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(())
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
        (Err(e), _) => {
            eprintln!("flowgraph: {e}");
            ExitCode::FAILURE
        }
        (_, Err(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        (_, Err(e)) => {
            eprintln!("flowgraph: {e}");
            ExitCode::FAILURE
        }
    }
}
