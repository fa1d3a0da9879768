//! `follow` — Wireshark's Follow TCP Stream: the reassembled conversation of one
//! stream, each direction's bytes in order, with the holes the capture missed
//! shown where they are.
//!
//! ```text
//! cargo run --example follow -- [--stream N] [--hex | --ascii | --raw] [--out-dir DIR] [CAPTURE]
//! ```
//!
//! Without a path it reads the bundled `tests/data/http-image.pcap`. Streams are
//! numbered like Wireshark's `tcp.stream` (default 0). On a terminal the client's
//! bytes are red and the server's blue; piped, the output is plain.
//!
//! * `--ascii` (default): printable bytes and line breaks as they are, others `.`.
//! * `--hex`: a hex dump per chunk, offsets counted per direction.
//! * `--raw`: one line of hex per chunk, the server's indented by a tab, as
//!   `tshark -z follow,tcp,raw` prints them.
//! * `--out-dir DIR`: writes `client.bin` and `server.bin` (each direction's
//!   bytes, exactly, without anything for the gaps) and lists the gaps.
//!
//! A gap (bytes the receiver acknowledged but the capture never had) is shown
//! as `[N bytes missing in capture file]`, as Wireshark does, and is never
//! filled in. The pipeline is `capture` → `wire::decode_all` →
//! `track::Tracker` (stream index and direction) → `reassembly::Reassembler`;
//! the collecting part, [`collect`], is shared with
//! `tests/reassembly_corpus.rs`.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use synack::capture::CaptureReader;
use synack::reassembly::{
    DefragConfig, Defragmenter, Event, Reassembler, ReassemblyConfig, StreamEvent, StreamSegment,
    decode_datagram,
};
use synack::state::Side;
use synack::track::{TrackEvent, Tracker, TrackerConfig};
use synack::wire::{DecodedSegment, decode_all};

/// One piece of a conversation, in the order it became known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Bytes sent by `side`; `flushed` when they were only reported at the end
    /// (held out of order, never acknowledged).
    Data {
        side: Side,
        bytes: Vec<u8>,
        flushed: bool,
    },
    /// `len` bytes sent by `side` from stream offset `offset` were not captured;
    /// `flushed` when only found at the end (Wireshark shows neither such gaps
    /// nor the held data after them).
    Gap {
        side: Side,
        offset: u64,
        len: u64,
        flushed: bool,
    },
}

/// A stream's reassembled conversation.
#[derive(Clone, Debug, Default)]
pub struct Conversation {
    /// `tcp.stream`.
    pub stream: u64,
    /// The address of each side (client first), once seen.
    pub addr: [Option<SocketAddr>; 2],
    /// The sender of the first segment of the stream (Wireshark's node 0).
    pub first: Option<Side>,
    /// The pieces, consecutive data of one side merged.
    pub pieces: Vec<Piece>,
}

impl Conversation {
    /// Everything `side` sent, gaps left out.
    pub fn bytes(&self, side: Side) -> Vec<u8> {
        let mut out = Vec::new();
        for p in &self.pieces {
            if let Piece::Data { side: s, bytes, .. } = p
                && *s == side
            {
                out.extend_from_slice(bytes);
            }
        }
        out
    }

    /// The gaps of `side`: (offset, length).
    pub fn gaps(&self, side: Side) -> Vec<(u64, u64)> {
        self.pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Gap {
                    side: s,
                    offset,
                    len,
                    ..
                } if *s == side => Some((*offset, *len)),
                _ => None,
            })
            .collect()
    }

    fn push(&mut self, side: Side, event: StreamEvent<'_>, flushed: bool) {
        match event {
            StreamEvent::Data { bytes, .. } => match self.pieces.last_mut() {
                Some(Piece::Data {
                    side: s,
                    bytes: d,
                    flushed: f,
                }) if *s == side && *f == flushed => d.extend_from_slice(bytes),
                _ => self.pieces.push(Piece::Data {
                    side,
                    bytes: bytes.to_vec(),
                    flushed,
                }),
            },
            StreamEvent::Gap { offset, len } => self.pieces.push(Piece::Gap {
                side,
                offset,
                len,
                flushed,
            }),
            _ => {}
        }
    }
}

/// Reads a capture and reassembles every stream (or only `only`), in stream
/// order.
pub fn collect(path: &Path, only: Option<u64>) -> io::Result<Vec<Conversation>> {
    let mut reader = CaptureReader::open(path).map_err(io::Error::other)?;
    let mut tracker = Tracker::new(TrackerConfig::unbounded());
    let mut reassembler: Reassembler<u64> = Reassembler::new(ReassemblyConfig::default());
    let mut convs: HashMap<u64, Conversation> = HashMap::new();
    let emit = |convs: &mut HashMap<u64, Conversation>, stream: &u64, e: Event<'_>, end: bool| {
        if let (Some(c), Event::Stream { side, event }) = (convs.get_mut(stream), e) {
            c.push(side, event, end);
        }
    };
    let mut defrag = Defragmenter::new(DefragConfig::default());
    while let Some(record) = reader.next_record() {
        let record = record.map_err(io::Error::other)?;
        let frame = record.frame_number();
        let time = record.timestamp.to_duration().unwrap_or_default();
        // Datagrams this frame's IP fragments complete (tunnels and nested
        // fragments included); their TCP segments join the frame's own.
        let datagrams = defrag.push_frame(record.link_type, record.data, time, &mut |_| {});
        let mut packets: Vec<DecodedSegment<'_>> = decode_all(record.link_type, record.data)
            .filter_map(|d| d.into_tcp())
            .collect();
        packets.extend(
            datagrams
                .iter()
                .filter_map(|d| decode_datagram(d).into_tcp()),
        );
        for packet in &packets {
            let t = tracker.track(frame, time, packet);
            if only.is_some_and(|s| s != t.stream) {
                continue;
            }
            let conv = convs.entry(t.stream).or_insert_with(|| Conversation {
                stream: t.stream,
                first: Some(t.side),
                ..Conversation::default()
            });
            if let Some(a) = conv.addr.get_mut(t.side.index()) {
                a.get_or_insert(packet.source());
            }
            let segment = StreamSegment::from_packet(packet);
            reassembler.segment(&t.stream, t.side, segment, &mut |k, e| {
                emit(&mut convs, k, e, false)
            });
        }
        for event in tracker.drain_events() {
            if let TrackEvent::Replaced(s) | TrackEvent::Evicted(s) | TrackEvent::Expired(s) =
                &event
            {
                reassembler.close(&s.stream, &mut |k, e| emit(&mut convs, k, e, true));
            }
        }
    }
    reassembler.close_all(&mut |k, e| emit(&mut convs, k, e, true));
    let mut out: Vec<Conversation> = convs.into_values().collect();
    out.sort_by_key(|c| c.stream);
    Ok(out)
}

/// Wireshark's gap placeholder.
pub fn missing(len: u64) -> String {
    format!("[{len} bytes missing in capture file]")
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Ascii,
    Hex,
    Raw,
}

struct Options {
    stream: u64,
    mode: Mode,
    out_dir: Option<PathBuf>,
    path: PathBuf,
}

fn usage(err: &mut dyn Write) -> u8 {
    let _ = writeln!(
        err,
        "usage: follow [--stream N] [--hex | --ascii | --raw] [--out-dir DIR] [CAPTURE]"
    );
    2
}

fn parse_args(args: &[OsString]) -> Option<Options> {
    let mut o = Options {
        stream: 0,
        mode: Mode::Ascii,
        out_dir: None,
        path: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/http-image.pcap"),
    };
    let mut args = args.iter();
    while let Some(a) = args.next() {
        match a.to_str() {
            Some("--stream") => o.stream = args.next()?.to_str()?.parse().ok()?,
            Some("--hex") => o.mode = Mode::Hex,
            Some("--ascii") => o.mode = Mode::Ascii,
            Some("--raw") => o.mode = Mode::Raw,
            Some("--out-dir") => o.out_dir = Some(args.next()?.into()),
            Some(s) if s.starts_with('-') => return None,
            _ => o.path = a.into(),
        }
    }
    Some(o)
}

fn ascii(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            b'\n' | b'\r' | b'\t' | 0x20..=0x7e => b as char,
            _ => '.',
        })
        .collect()
}

fn hex_dump(out: &mut String, mut offset: u64, bytes: &[u8], indent: &str) {
    use std::fmt::Write as _;
    for line in bytes.chunks(16) {
        let _ = write!(out, "{indent}{offset:08X}  ");
        for i in 0..16 {
            match line.get(i) {
                Some(b) => {
                    let _ = write!(out, "{b:02x} ");
                }
                None => out.push_str("   "),
            }
            if i == 7 {
                out.push(' ');
            }
        }
        let printable: String = line
            .iter()
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        let _ = writeln!(out, " {printable}");
        offset += line.len() as u64;
    }
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let color = io::stdout().is_terminal();
    ExitCode::from(follow(
        &args,
        &mut io::stdout().lock(),
        &mut io::stderr(),
        color,
    ))
}

/// The whole program, without colour (`out` is not a terminal): follows the
/// stream `args` name, prints it to `out` and any error to `err`, and returns
/// the exit code (0, 1 on an error, 2 for bad arguments).
pub fn run(args: &[OsString], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    follow(args, out, err, false)
}

/// [`run`], with the client's bytes in red and the server's in blue when `color`.
fn follow(args: &[OsString], out: &mut dyn Write, err: &mut dyn Write, color: bool) -> u8 {
    let Some(o) = parse_args(args) else {
        return usage(err);
    };
    let convs = match collect(&o.path, Some(o.stream)) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "follow: {}: {e}", o.path.display());
            return 1;
        }
    };
    let Some(conv) = convs.into_iter().next() else {
        let _ = writeln!(
            err,
            "follow: no TCP stream {} in {}",
            o.stream,
            o.path.display()
        );
        return 1;
    };
    let name = |s: Side| {
        conv.addr
            .get(s.index())
            .copied()
            .flatten()
            .map_or_else(|| "?".to_string(), |a| a.to_string())
    };
    let mut text = String::new();
    text.push_str(&format!(
        "Follow TCP stream {}: client {} (red), server {} (blue)\n",
        conv.stream,
        name(Side::Client),
        name(Side::Server)
    ));
    let mut offsets = [0u64; 2];
    for piece in &conv.pieces {
        let (side, body) = match piece {
            Piece::Data { side, bytes: d, .. } => {
                let off = offsets[side.index()];
                offsets[side.index()] += d.len() as u64;
                let indent = if *side == Side::Server { "\t" } else { "" };
                let body = match o.mode {
                    Mode::Ascii => ascii(d),
                    Mode::Raw => {
                        let h: String = d.iter().map(|b| format!("{b:02x}")).collect();
                        format!("{indent}{h}\n")
                    }
                    Mode::Hex => {
                        let mut s = String::new();
                        hex_dump(&mut s, off, d, indent);
                        s
                    }
                };
                (*side, body)
            }
            Piece::Gap { side, len, .. } => {
                offsets[side.index()] += len;
                (*side, format!("{}\n", missing(*len)))
            }
        };
        if color {
            let code = if side == Side::Client { 31 } else { 34 };
            text.push_str(&format!("\x1b[{code}m{body}\x1b[0m"));
        } else {
            text.push_str(&body);
        }
        if o.mode == Mode::Ascii && !text.ends_with('\n') {
            text.push('\n');
        }
    }
    if out.write_all(text.as_bytes()).is_err() {
        return 1;
    }
    if let Some(dir) = o.out_dir {
        if let Err(e) = std::fs::create_dir_all(&dir) {
            let _ = writeln!(err, "follow: {}: {e}", dir.display());
            return 1;
        }
        for side in Side::BOTH {
            let file = dir.join(format!("{}.bin", side.name()));
            let bytes = conv.bytes(side);
            if let Err(e) = std::fs::write(&file, &bytes) {
                let _ = writeln!(err, "follow: {}: {e}", file.display());
                return 1;
            }
            let gaps = conv.gaps(side);
            let _ = writeln!(
                out,
                "{}: {} bytes, {} gap(s){}",
                file.display(),
                bytes.len(),
                gaps.len(),
                gaps.iter()
                    .map(|(o, l)| format!(" [offset {o}, {l} bytes]"))
                    .collect::<String>()
            );
        }
    }
    let _ = out.flush();
    0
}
