//! `http_heads` — a protocol analyzer on top of stream reassembly: the HTTP/1.x
//! request and response heads of every TCP stream of a capture, parsed with
//! the `httparse` crate from each direction's reassembled bytes.
//!
//! ```text
//! cargo run --example http_heads [-- CAPTURE]
//! ```
//!
//! Without a path it reads the bundled `tests/data/http-image.pcap`. For each
//! message it prints the stream, the method and path (requests) or the status
//! (responses), the `Content-Length`, and whether the body arrived whole: all
//! its bytes delivered, no [`StreamEvent::Gap`] inside it.
//!
//! The analyzer consumes [`Event`]s only: data at a stream offset, gaps, FIN,
//! RST and the connection's close. It never sees a segment.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use synack::capture::CaptureReader;
use synack::reassembly::{Event, Reassembler, ReassemblyConfig, StreamEvent, StreamSegment};
use synack::state::Side;
use synack::track::{TrackEvent, Tracker, TrackerConfig};
use synack::wire::decode_all;

/// Appends a line to the output (`println!`'s arguments after the buffer).
macro_rules! say {
    ($out:expr, $($line:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($line)*);
    }};
}

/// Where a direction's parser is.
#[derive(Debug, Default)]
enum Phase {
    /// Collecting a head.
    #[default]
    Head,
    /// In a body of known length: bytes still to come, and whether a gap hit it.
    Body { left: u64, holed: bool },
    /// A body without a length (chunked, or until the connection closes), or
    /// lost sync after a gap in a head: nothing more is parsed.
    Opaque,
}

/// One direction of one stream.
#[derive(Debug, Default)]
struct Parser {
    buf: Vec<u8>,
    phase: Phase,
    /// The message whose body is being read, printed when it ends.
    pending: Option<String>,
}

const MAX_HEAD: usize = 64 * 1024;

impl Parser {
    fn data(&mut self, out: &mut String, stream: u64, side: Side, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            match &mut self.phase {
                Phase::Opaque => return,
                Phase::Body { left, .. } => {
                    let take = (*left).min(bytes.len() as u64);
                    *left -= take;
                    bytes = bytes.get(take as usize..).unwrap_or_default();
                    self.end_body(out, false);
                }
                Phase::Head => {
                    self.buf.extend_from_slice(bytes);
                    bytes = &[];
                    self.parse_heads(out, stream, side);
                }
            }
        }
    }

    fn parse_heads(&mut self, out: &mut String, stream: u64, side: Side) {
        loop {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let (status, line, length) = if side == Side::Client {
                let mut req = httparse::Request::new(&mut headers);
                match req.parse(&self.buf) {
                    Ok(httparse::Status::Complete(n)) => {
                        let line = format!(
                            "stream {stream} request  {} {}",
                            req.method.unwrap_or("?"),
                            req.path.unwrap_or("?")
                        );
                        (Some(n), line, body_length(req.headers, true))
                    }
                    Ok(httparse::Status::Partial) => (None, String::new(), None),
                    Err(e) => {
                        say!(out, "stream {stream} client: not HTTP ({e})");
                        self.phase = Phase::Opaque;
                        return;
                    }
                }
            } else {
                let mut resp = httparse::Response::new(&mut headers);
                match resp.parse(&self.buf) {
                    Ok(httparse::Status::Complete(n)) => {
                        let line = format!(
                            "stream {stream} response {} {}",
                            resp.code.unwrap_or(0),
                            resp.reason.unwrap_or("")
                        );
                        (Some(n), line, body_length(resp.headers, false))
                    }
                    Ok(httparse::Status::Partial) => (None, String::new(), None),
                    Err(e) => {
                        say!(out, "stream {stream} server: not HTTP ({e})");
                        self.phase = Phase::Opaque;
                        return;
                    }
                }
            };
            let Some(n) = status else {
                if self.buf.len() > MAX_HEAD {
                    self.phase = Phase::Opaque;
                }
                return;
            };
            let rest = self.buf.split_off(n.min(self.buf.len()));
            self.buf.clear();
            match length {
                Some(Length::Known(len)) => {
                    self.pending = Some(format!("{line}  content-length {len}"));
                    self.phase = Phase::Body {
                        left: len,
                        holed: false,
                    };
                    self.end_body(out, false);
                    if !rest.is_empty() {
                        self.data(out, stream, side, &rest);
                    }
                    return;
                }
                Some(Length::Unknown(why)) => {
                    say!(out, "{line}  {why}: body not delimited, not followed");
                    self.phase = Phase::Opaque;
                    return;
                }
                None => {
                    say!(out, "{line}  no body");
                    self.buf = rest;
                    if self.buf.is_empty() {
                        return;
                    }
                }
            }
        }
    }

    /// Prints the pending message once its body is complete (or `closing`).
    fn end_body(&mut self, out: &mut String, closing: bool) {
        if let Phase::Body { left, holed } = self.phase
            && (left == 0 || closing)
        {
            if let Some(line) = self.pending.take() {
                let whole = left == 0 && !holed;
                say!(
                    out,
                    "{line}  body {}",
                    if whole {
                        "whole".to_string()
                    } else if left > 0 {
                        format!("incomplete ({left} bytes never arrived)")
                    } else {
                        "with gaps".to_string()
                    }
                );
            }
            self.phase = Phase::Head;
        }
    }

    fn gap(&mut self, out: &mut String, len: u64) {
        match &mut self.phase {
            Phase::Body { left, holed } => {
                *holed = true;
                let skip = (*left).min(len);
                *left -= skip;
                if len > skip {
                    // The hole runs past this body: the next head is lost.
                    self.phase = Phase::Opaque;
                    if let Some(l) = self.pending.take() {
                        say!(out, "{l}  body with gaps");
                    }
                    return;
                }
                self.end_body(out, false);
            }
            _ => self.phase = Phase::Opaque,
        }
    }
}

enum Length {
    Known(u64),
    Unknown(&'static str),
}

/// RFC 9112 §6.3, simplified: chunked or Content-Length; a request without
/// either has no body; a response without either runs to the close.
fn body_length(headers: &[httparse::Header<'_>], request: bool) -> Option<Length> {
    let value = |name: &str| {
        headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .and_then(|h| std::str::from_utf8(h.value).ok())
    };
    if value("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        return Some(Length::Unknown("chunked"));
    }
    match value("content-length").and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(0) => None,
        Some(n) => Some(Length::Known(n)),
        None if request => None,
        None => Some(Length::Unknown("no content-length")),
    }
}

/// The heads of every HTTP message in the capture at `path`, one line each,
/// appended to `out`.
fn heads(path: &Path, out: &mut String) -> Result<(), String> {
    let mut reader = CaptureReader::open(path).map_err(|e| e.to_string())?;
    let mut tracker = Tracker::new(TrackerConfig::default());
    let mut reassembler: Reassembler<u64> = Reassembler::new(ReassemblyConfig::default());
    let mut parsers: HashMap<(u64, Side), Parser> = HashMap::new();
    let on_event = |parsers: &mut HashMap<(u64, Side), Parser>,
                    out: &mut String,
                    stream: &u64,
                    e: Event<'_>| match e {
        Event::Stream { side, event } => {
            let p = parsers.entry((*stream, side)).or_default();
            match event {
                StreamEvent::Data { bytes, .. } => p.data(out, *stream, side, bytes),
                StreamEvent::Gap { len, .. } => p.gap(out, len),
                _ => {}
            }
        }
        Event::Closed { .. } => {
            for side in Side::BOTH {
                if let Some(p) = parsers.get_mut(&(*stream, side)) {
                    p.end_body(out, true);
                }
            }
        }
    };
    while let Some(record) = reader.next_record() {
        let record = record.map_err(|e| e.to_string())?;
        let time = record.timestamp.to_duration().unwrap_or_default();
        for decoded in decode_all(record.link_type, record.data) {
            let Some(packet) = decoded.tcp() else {
                continue;
            };
            let t = tracker.track(record.frame_number(), time, packet);
            let segment = StreamSegment::from_packet(packet);
            reassembler.segment(&t.stream, t.side, segment, &mut |k, e| {
                on_event(&mut parsers, out, k, e)
            });
        }
        for event in tracker.drain_events() {
            if let TrackEvent::Replaced(s) | TrackEvent::Evicted(s) | TrackEvent::Expired(s) =
                &event
            {
                reassembler.close(&s.stream, &mut |k, e| on_event(&mut parsers, out, k, e));
            }
        }
    }
    reassembler.close_all(&mut |k, e| on_event(&mut parsers, out, k, e));
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    ExitCode::from(run(&args, &mut io::stdout().lock(), &mut io::stderr()))
}

/// The whole program: prints the HTTP heads of the capture `args` names (the
/// bundled one without arguments) to `out`, any error to `err`, and returns
/// the exit code (0 or 1).
pub fn run(args: &[OsString], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let path = args.first().map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/http-image.pcap"),
        PathBuf::from,
    );
    let mut text = String::new();
    let result = heads(&path, &mut text);
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            let _ = writeln!(err, "http_heads: {e}");
            return 1;
        }
    }
    match result {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(err, "http_heads: {}: {e}", path.display());
            1
        }
    }
}
