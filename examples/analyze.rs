//! `analyze` — tshark's TCP analysis, one line per segment, from
//! [`synack::track::Tracker`].
//!
//! ```text
//! cargo run --release --example analyze [-- [--tsv | --json] [CAPTURE]]
//! ```
//!
//! Without a path it reads the bundled `tests/data/http-image.pcap`. By default
//! each TCP segment gets one readable line, tagged the way Wireshark's Info column
//! tags it (`[TCP Retransmission]`, `[TCP Dup ACK 12#1]`, ...). `--tsv` prints a
//! header line and one tab-separated row per segment with the columns
//!
//! `frame stream src srcport dst dstport flags seq ack len nxtseq seq_raw ack_raw
//! win win_scaled analysis dup_ack_num acks_frame ack_rtt bytes_in_flight`
//!
//! (`flags` in hex, `seq`/`ack`/`nxtseq` relative, `ack` empty without ACK,
//! `win_scaled` empty while the scale is unknown, `analysis` the comma-separated
//! Wireshark names, `ack_rtt` in seconds with 9 decimals, empty cells where tshark
//! prints nothing); `--json` prints the same fields as one JSON object per line
//! (`null` for empty cells, `analysis` as an array of names).
//!
//! Output streams: nothing is kept per segment, rows are formatted by hand into a
//! 64 KiB block that is written out whole, so memory stays flat
//! whatever the size of the capture. On a terminal, a capture that takes more
//! than a second gets a progress line on stderr.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::net::{IpAddr, SocketAddr};
#[cfg(unix)]
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use synack::capture::CaptureReader;
use synack::flags::TcpFlags;
use synack::track::{TrackedSegment, Tracker, TrackerConfig};
use synack::wire::{CutTcp, DecodeError, Decoded, DecodedSegment, Layer, decode, decode_all};

/// The TSV header line (without newline).
pub const TSV_HEADER: &str = "frame\tstream\tsrc\tsrcport\tdst\tdstport\tflags\tseq\tack\tlen\tnxtseq\tseq_raw\tack_raw\twin\twin_scaled\tanalysis\tdup_ack_num\tacks_frame\tack_rtt\tbytes_in_flight";

/// How the segments are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One readable line per segment, with tshark-like tags.
    Text,
    /// DESIGN.md's tab-separated columns.
    Tsv,
    /// The same fields as JSON lines.
    Json,
}

/// The command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The output format.
    pub format: Format,
    /// The capture to read.
    pub path: PathBuf,
}

/// What a run read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Records in the file.
    pub records: u64,
    /// TCP segments printed.
    pub segments: u64,
    /// Streams numbered.
    pub streams: u64,
}

/// The bundled capture.
pub fn default_capture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/http-image.pcap")
}

const USAGE: &str =
    "usage: analyze [--tsv | --json] [CAPTURE]   (default: the bundled http-image.pcap)";

/// Parses the arguments (without the program name). `Ok(None)` asks for the usage.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Option<Options>, String> {
    let mut format = Format::Text;
    let mut path = None;
    for arg in args {
        match arg.as_str() {
            "--tsv" => format = Format::Tsv,
            "--json" => format = Format::Json,
            "-h" | "--help" => return Ok(None),
            _ if path.is_none() && !arg.starts_with("--") => path = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg:?}; {USAGE}")),
        }
    }
    Ok(Some(Options {
        format,
        path: path.unwrap_or_else(default_capture),
    }))
}

/// Rows are formatted into a buffer of about this size before being written.
const OUT_BLOCK: usize = 1 << 16;

/// A reader that counts the bytes read, for the progress line.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Two decimal digits for every value below 100.
const DIGITS2: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// Appends the decimal digits of `n`, two at a time.
fn push_u64(buf: &mut Vec<u8>, mut n: u64) {
    if n < 10 {
        buf.push(b'0' + n as u8);
        return;
    }
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    while n >= 100 {
        let pair = DIGITS2[(n % 100) as usize];
        n /= 100;
        i -= 2;
        digits[i] = pair[0];
        digits[i + 1] = pair[1];
    }
    if n >= 10 {
        let pair = DIGITS2[n as usize];
        i -= 2;
        digits[i] = pair[0];
        digits[i + 1] = pair[1];
    } else {
        i -= 1;
        digits[i] = b'0' + n as u8;
    }
    buf.extend_from_slice(&digits[i..]);
}

/// Appends `n` left-padded with zeros to `width` digits.
fn push_padded(buf: &mut Vec<u8>, n: u64, width: usize) {
    let start = buf.len();
    push_u64(buf, n);
    let len = buf.len() - start;
    if len < width {
        buf.splice(start..start, std::iter::repeat_n(b'0', width - len));
    }
}

/// Appends seconds with 9 decimals.
fn push_secs(buf: &mut Vec<u8>, d: Duration) {
    push_u64(buf, d.as_secs());
    buf.push(b'.');
    push_padded(buf, u64::from(d.subsec_nanos()), 9);
}

/// Appends an address without port (IPv6 without brackets).
fn push_ip(buf: &mut Vec<u8>, ip: IpAddr) {
    match ip {
        IpAddr::V4(v4) => {
            for (i, o) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    buf.push(b'.');
                }
                push_u64(buf, u64::from(o));
            }
        }
        IpAddr::V6(v6) => {
            let _ = write!(buf, "{v6}");
        }
    }
}

/// Appends `addr:port`, IPv6 in brackets.
fn push_socket(buf: &mut Vec<u8>, addr: SocketAddr) {
    if addr.is_ipv6() {
        buf.push(b'[');
        push_ip(buf, addr.ip());
        buf.push(b']');
    } else {
        push_ip(buf, addr.ip());
    }
    buf.push(b':');
    push_u64(buf, u64::from(addr.port()));
}

/// Appends the flags as tshark's `0x012`.
fn push_flags_hex(buf: &mut Vec<u8>, flags: TcpFlags) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bits = flags.to_header_bits();
    buf.extend_from_slice(b"0x");
    for shift in [8u16, 4, 0] {
        buf.push(
            HEX.get(usize::from((bits >> shift) & 0xf))
                .copied()
                .unwrap_or(b'0'),
        );
    }
}

/// The text of every byte value, for dotted IPv4 addresses: length and digits.
const OCTETS: [(u8, [u8; 3]); 256] = {
    let mut t = [(0u8, [0u8; 3]); 256];
    let mut i = 0;
    while i < 256 {
        let (h, d, u) = ((i / 100) as u8, (i / 10 % 10) as u8, (i % 10) as u8);
        t[i] = if i >= 100 {
            (3, [b'0' + h, b'0' + d, b'0' + u])
        } else if i >= 10 {
            (2, [b'0' + d, b'0' + u, 0])
        } else {
            (1, [b'0' + u, 0, 0])
        };
        i += 1;
    }
    t
};

/// The longest row: 18 numbers of at most 20 digits, two IPv6 addresses, all 15
/// flag names, tabs (well under this).
const ROW_MAX: usize = 1024;

/// The eight decimal digits of `n` (below 10^8, zeros in front) as the bytes
/// of a little-endian `u64`, the most significant digit in the lowest byte,
/// each byte 0 to 9 (not yet ASCII). All eight are found at once (SWAR): `n` is
/// split into two halves of four digits, each half into two pairs, each pair
/// into two digits, every split done on all lanes of the word by one
/// multiplication by a reciprocal (exact for the ranges involved: x / 100 as
/// x · 10486 >> 20 for x < 10^4, x / 10 as x · 103 >> 10 for x < 100).
#[inline(always)]
fn digits8(n: u32) -> u64 {
    let merged = u64::from(n / 10_000) | u64::from(n % 10_000) << 32;
    let hundreds_hi = ((merged * 10_486) >> 20) & (0x7f << 32 | 0x7f);
    let pairs = (merged - 100 * hundreds_hi) << 16 | hundreds_hi;
    let tens = ((pairs * 103) >> 10) & (0xf << 48 | 0xf << 32 | 0xf << 16 | 0xf);
    tens | (pairs - 10 * tens) << 8
}

/// [`digits8`]'s bytes as ASCII.
const ASCII_ZEROS: u64 = 0x3030_3030_3030_3030;

/// The longest row prefix (`stream src srcport dst dstport`) remembered.
const PREFIX_MAX: usize = 88;

/// How many row prefixes are remembered (a power of two).
const PREFIXES: usize = 4096;

/// A remembered row prefix: stream + 1 (0 = none), length, text.
type Prefix = (u64, u8, [u8; PREFIX_MAX]);

/// The TSV output block: rows are formatted straight into a fixed buffer that is
/// written out whole when it holds [`OUT_BLOCK`] bytes, so nothing is checked or
/// copied per row. The first five columns, the same for every segment of a
/// stream in one direction, are remembered per stream and side in a small
/// direct-mapped table (about 400 KiB, whatever the capture). Each row is
/// written into a fixed window of [`WINDOW`] bytes at the end of the block, at
/// positions taken modulo [`ROW_MAX`] (no bounds check per byte: a row longer
/// than that, which no row comes near, would come out garbled, never out of
/// bounds).
struct Row {
    buf: Vec<u8>,
    len: usize,
    prefixes: Vec<Prefix>,
}

impl Row {
    fn new() -> Self {
        Row {
            buf: vec![0; OUT_BLOCK + WINDOW],
            len: 0,
            prefixes: vec![(0, 0, [0; PREFIX_MAX]); PREFIXES * 2],
        }
    }

    fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

/// A row's window in the output block: [`ROW_MAX`] positions plus room for
/// the widest single store past the last one (a remembered row prefix).
const WINDOW: usize = ROW_MAX + 128;

/// Writes one row into its window: the window and the position as locals, so
/// that they stay in registers while the row is formatted.
struct Cursor<'a> {
    buf: &'a mut [u8; WINDOW],
    len: usize,
}

impl Cursor<'_> {
    /// Where the next byte goes: below [`ROW_MAX`], so that every store of up
    /// to 128 bytes there is inside the window without a check.
    #[inline(always)]
    fn at(&self) -> usize {
        self.len & (ROW_MAX - 1)
    }

    #[inline(always)]
    fn byte(&mut self, b: u8) {
        self.buf[self.at()] = b;
        self.len += 1;
    }

    #[inline(always)]
    fn bytes(&mut self, b: &[u8]) {
        let at = self.at();
        if let Some(dst) = self.buf.get_mut(at..at + b.len()) {
            dst.copy_from_slice(b);
            self.len += b.len();
        }
    }

    /// The decimal digits of `n`.
    #[inline(always)]
    fn num(&mut self, n: u64) {
        match u32::try_from(n) {
            Ok(n) => self.num32(n),
            Err(_) => self.num64(n),
        }
    }

    /// A number of more than 32 bits (out of line: the cursor stays in
    /// registers when nothing takes its address).
    #[inline(always)]
    fn num64(&mut self, n: u64) {
        self.len = num64_at(self.buf, self.len, n);
    }

    /// Eight bytes at the end of the row: the caller moves the end by as many
    /// as it means (the others are overwritten by what follows or never written
    /// out).
    #[inline(always)]
    fn eight(&mut self, word: u64) -> bool {
        let at = self.at();
        self.buf[at..at + 8].copy_from_slice(&word.to_le_bytes());
        true
    }

    /// The decimal digits of `n`: eight found at once ([`digits8`]), the zeros
    /// in front shifted out; above 10^8 the one or two leading digits first.
    #[inline(always)]
    fn num32(&mut self, n: u32) {
        // One digit (an empty segment's length, most counts): no word to build.
        if n < 10 {
            self.byte(b'0' + n as u8);
            return;
        }
        let low = if n >= 100_000_000 {
            let high = n / 100_000_000;
            let pair = DIGITS2[high as usize % 100];
            if high >= 10 {
                self.byte(pair[0]);
            }
            self.byte(pair[1]);
            self.padded8(n % 100_000_000);
            return;
        } else {
            n
        };
        let digits = digits8(low);
        // Leading zero digits are zero bytes at the low end (at most seven: 0
        // keeps its one digit).
        let zeros = (digits.trailing_zeros() / 8).min(7);
        if self.eight((digits | ASCII_ZEROS) >> (zeros * 8)) {
            self.len += 8 - zeros as usize;
        }
    }

    /// `n` (below 10^8) on eight digits, zeros in front.
    #[inline(always)]
    fn padded8(&mut self, n: u32) {
        if self.eight(digits8(n) | ASCII_ZEROS) {
            self.len += 8;
        }
    }

    /// `n` (below 10^9) on nine digits, zeros in front (nanoseconds after the point).
    fn padded9(&mut self, n: u32) {
        self.byte(b'0' + (n / 100_000_000 % 10) as u8);
        self.padded8(n % 100_000_000);
    }

    /// An address (out of line, on the slice: only a row prefix that is not
    /// remembered needs it).
    #[inline(always)]
    fn ip(&mut self, ip: IpAddr) {
        self.len = ip_at(self.buf, self.len, ip);
    }

    #[inline(always)]
    fn flags_hex(&mut self, flags: TcpFlags) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let bits = flags.to_header_bits();
        self.bytes(b"0x");
        for shift in [8u16, 4, 0] {
            self.byte(HEX[usize::from((bits >> shift) & 0xf)]);
        }
    }
}

/// Writes the digits of `n` into `buf` at `at`; returns the new end.
#[inline(never)]
fn num64_at(buf: &mut [u8; WINDOW], at: usize, n: u64) -> usize {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    while n > 0 && i > 0 {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let mut row = Cursor { buf, len: at };
    row.bytes(digits.get(i..).unwrap_or(&[]));
    row.len
}

/// Writes `ip` into `buf` at `at`; returns the new end.
#[inline(never)]
fn ip_at(buf: &mut [u8; WINDOW], at: usize, ip: IpAddr) -> usize {
    let mut row = Cursor { buf, len: at };
    match ip {
        IpAddr::V4(v4) => {
            for (i, o) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    row.byte(b'.');
                }
                // Three bytes copied, the octet's length kept.
                let (len, text) = OCTETS[usize::from(o)];
                let at = row.at();
                row.buf[at..at + 3].copy_from_slice(&text);
                row.len += usize::from(len);
            }
        }
        IpAddr::V6(v6) => {
            let mut text = Vec::with_capacity(39);
            let _ = write!(text, "{v6}");
            row.bytes(&text);
        }
    }
    row.len
}

/// What a row shows of a segment's own header: a whole one, or one the
/// snapshot length cut (tracked as tshark tracks it, from its first 16 bytes).
/// Read in place: the addresses are only built when a row needs them (the TSV
/// prefix of a connection is cached).
#[derive(Clone, Copy)]
enum Header<'a> {
    Whole(&'a DecodedSegment<'a>),
    /// A cut header holding the fields `Tracker::track_cut` needs.
    Cut(&'a CutTcp),
}

impl Header<'_> {
    #[inline(always)]
    fn source(self) -> SocketAddr {
        match self {
            Header::Whole(p) => p.source(),
            Header::Cut(c) => c.source,
        }
    }

    #[inline(always)]
    fn destination(self) -> SocketAddr {
        match self {
            Header::Whole(p) => p.destination(),
            Header::Cut(c) => c.destination,
        }
    }

    #[inline(always)]
    fn flags(self) -> TcpFlags {
        match self {
            Header::Whole(p) => p.header.flags(),
            Header::Cut(c) => c.flags.unwrap_or_default(),
        }
    }

    #[inline(always)]
    fn seq_raw(self) -> u32 {
        match self {
            Header::Whole(p) => p.header.sequence_number().0,
            Header::Cut(c) => c.seq.map_or(0, |s| s.0),
        }
    }

    #[inline(always)]
    fn ack_raw(self) -> u32 {
        match self {
            Header::Whole(p) => p.header.acknowledgment_number().0,
            Header::Cut(c) => c.ack.map_or(0, |a| a.0),
        }
    }

    /// The snapshot length cut the header.
    fn cut(self) -> bool {
        matches!(self, Header::Cut(_))
    }
}

/// A frame's TCP segment: whole, or with its header cut.
enum Item<'a> {
    Tcp(DecodedSegment<'a>),
    Cut(CutTcp),
}

/// One segment as the output needs it.
struct Line<'a> {
    frame: u64,
    time: Duration,
    packet: Header<'a>,
    tracked: &'a TrackedSegment,
}

impl Line<'_> {
    fn flags(&self) -> TcpFlags {
        self.packet.flags()
    }

    fn ack(&self) -> Option<u32> {
        self.tracked.ack
    }

    #[inline(always)]
    fn tsv(&self, block: &mut Row) {
        let Row { buf, len, prefixes } = block;
        // (Always there: the block is flushed before `len` reaches `OUT_BLOCK`.)
        let Some(window) = buf
            .get_mut(*len..*len + WINDOW)
            .and_then(|w| <&mut [u8; WINDOW]>::try_from(w).ok())
        else {
            return;
        };
        let mut row = Cursor {
            buf: window,
            len: 0,
        };
        self.tsv_row(&mut row, prefixes);
        *len += row.len.min(ROW_MAX);
    }

    #[inline(always)]
    fn tsv_row(&self, row: &mut Cursor<'_>, prefixes: &mut [Prefix]) {
        let t = self.tracked;
        // The digits go straight to their place in the output block, without a
        // capacity check or a copy each.
        row.num(self.frame);
        row.byte(b'\t');
        // `stream src srcport dst dstport`: remembered, or written and remembered.
        let key = t.stream.wrapping_add(1);
        let slot = (t.stream as usize % PREFIXES) * 2 + t.side.index();
        match prefixes.get(slot) {
            Some((k, n, text)) if *k == key => {
                let at = row.at();
                row.buf[at..at + PREFIX_MAX].copy_from_slice(text);
                row.len += usize::from(*n);
            }
            _ => {
                let start = row.at();
                row.num(t.stream);
                row.byte(b'\t');
                row.ip(self.packet.source().ip());
                row.byte(b'\t');
                row.num(u64::from(self.packet.source().port()));
                row.byte(b'\t');
                row.ip(self.packet.destination().ip());
                row.byte(b'\t');
                row.num(u64::from(self.packet.destination().port()));
                row.byte(b'\t');
                let (Some(p), Some(written)) =
                    (prefixes.get_mut(slot), row.buf.get(start..row.at()))
                else {
                    return self.tsv_rest(row);
                };
                if let Some(dst) = p.2.get_mut(..written.len()) {
                    dst.copy_from_slice(written);
                    *p = (key, written.len() as u8, p.2);
                }
            }
        }
        self.tsv_rest(row);
    }

    /// The columns from `flags` on.
    #[inline(always)]
    fn tsv_rest(&self, row: &mut Cursor<'_>) {
        let t = self.tracked;
        let a = &t.analysis;
        let h = self.packet;
        row.flags_hex(self.flags());
        row.byte(b'\t');
        row.num(u64::from(t.seq));
        row.byte(b'\t');
        if let Some(ack) = self.ack() {
            row.num(u64::from(ack));
        }
        row.byte(b'\t');
        row.num(u64::from(t.len));
        row.byte(b'\t');
        row.num(u64::from(t.next_seq));
        row.byte(b'\t');
        row.num(u64::from(h.seq_raw()));
        row.byte(b'\t');
        row.num(u64::from(h.ack_raw()));
        row.byte(b'\t');
        row.num(u64::from(t.window));
        row.byte(b'\t');
        if let Some(w) = t.window_scaled {
            row.num(u64::from(w));
        }
        row.byte(b'\t');
        if !a.flags.is_empty() {
            for (i, name) in a.flags.names().enumerate() {
                if i > 0 {
                    row.byte(b',');
                }
                row.bytes(name.as_bytes());
            }
        }
        row.byte(b'\t');
        if let Some(d) = a.duplicate_ack {
            row.num(u64::from(d.number));
        }
        row.byte(b'\t');
        if let Some(f) = a.acks_frame {
            row.num(f);
        }
        row.byte(b'\t');
        if let Some(rtt) = a.ack_rtt {
            row.num(rtt.as_secs());
            row.byte(b'.');
            row.padded9(rtt.subsec_nanos());
        }
        row.byte(b'\t');
        if let Some(b) = a.bytes_in_flight {
            row.num(u64::from(b));
        }
        row.byte(b'\n');
    }

    fn json(&self, buf: &mut Vec<u8>) {
        let t = self.tracked;
        let a = &t.analysis;
        let h = self.packet;
        let num = |buf: &mut Vec<u8>, key: &str, v: Option<u64>| {
            buf.extend_from_slice(b",\"");
            buf.extend_from_slice(key.as_bytes());
            buf.extend_from_slice(b"\":");
            match v {
                Some(v) => push_u64(buf, v),
                None => buf.extend_from_slice(b"null"),
            }
        };
        buf.extend_from_slice(b"{\"frame\":");
        push_u64(buf, self.frame);
        num(buf, "stream", Some(t.stream));
        buf.extend_from_slice(b",\"src\":\"");
        push_ip(buf, self.packet.source().ip());
        buf.push(b'"');
        num(buf, "srcport", Some(u64::from(self.packet.source().port())));
        buf.extend_from_slice(b",\"dst\":\"");
        push_ip(buf, self.packet.destination().ip());
        buf.push(b'"');
        num(
            buf,
            "dstport",
            Some(u64::from(self.packet.destination().port())),
        );
        buf.extend_from_slice(b",\"flags\":\"");
        push_flags_hex(buf, self.flags());
        buf.push(b'"');
        num(buf, "seq", Some(u64::from(t.seq)));
        num(buf, "ack", self.ack().map(u64::from));
        num(buf, "len", Some(u64::from(t.len)));
        num(buf, "nxtseq", Some(u64::from(t.next_seq)));
        num(buf, "seq_raw", Some(u64::from(h.seq_raw())));
        num(buf, "ack_raw", Some(u64::from(h.ack_raw())));
        num(buf, "win", Some(u64::from(t.window)));
        num(buf, "win_scaled", t.window_scaled.map(u64::from));
        buf.extend_from_slice(b",\"analysis\":[");
        for (i, name) in a.flags.names().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            buf.push(b'"');
            buf.extend_from_slice(name.as_bytes());
            buf.push(b'"');
        }
        buf.push(b']');
        num(
            buf,
            "dup_ack_num",
            a.duplicate_ack.map(|d| u64::from(d.number)),
        );
        num(buf, "acks_frame", a.acks_frame);
        buf.extend_from_slice(b",\"ack_rtt\":");
        match a.ack_rtt {
            Some(rtt) => push_secs(buf, rtt),
            None => buf.extend_from_slice(b"null"),
        }
        num(buf, "bytes_in_flight", a.bytes_in_flight.map(u64::from));
        buf.extend_from_slice(b"}\n");
    }

    fn text(&self, buf: &mut Vec<u8>, first: Duration) {
        let t = self.tracked;
        let _ = write!(buf, "{:>6} ", self.frame);
        push_secs(buf, self.time.saturating_sub(first));
        buf.extend_from_slice(b" stream ");
        push_u64(buf, t.stream);
        buf.push(b' ');
        push_socket(buf, self.packet.source());
        buf.extend_from_slice(" → ".as_bytes());
        push_socket(buf, self.packet.destination());
        buf.push(b' ');
        if !t.analysis.flags.is_empty() {
            let _ = write!(buf, "{} ", t.analysis.tags());
        }
        let _ = write!(buf, "{} Seq=", self.flags().wireshark());
        push_u64(buf, u64::from(t.seq));
        if let Some(ack) = self.ack() {
            buf.extend_from_slice(b" Ack=");
            push_u64(buf, u64::from(ack));
        }
        buf.extend_from_slice(b" Win=");
        push_u64(
            buf,
            u64::from(t.window_scaled.unwrap_or(u32::from(t.window))),
        );
        buf.extend_from_slice(b" Len=");
        push_u64(buf, u64::from(t.len));
        if let Some(rtt) = t.analysis.ack_rtt {
            buf.extend_from_slice(b" RTT=");
            push_secs(buf, rtt);
        }
        if self.packet.cut() {
            // tshark's note on the frame.
            buf.extend_from_slice(b" [Packet size limited during capture]");
        }
        buf.push(b'\n');
    }
}

/// Reads the capture and writes every TCP segment to `out` in `options.format`;
/// `progress` shows a progress line on stderr after a second.
pub fn run(options: &Options, out: &mut impl Write, progress: bool) -> Result<Summary, String> {
    let path = &options.path;
    let file = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let read = Arc::new(AtomicU64::new(0));
    let source = Counting {
        inner: file,
        read: Arc::clone(&read),
    };
    let mut reader =
        CaptureReader::new(source).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut tracker = Tracker::new(TrackerConfig::default());
    let mut summary = Summary::default();
    let mut buf: Vec<u8> = Vec::with_capacity(OUT_BLOCK + 4096);
    let mut row = Row::new();
    let mut first: Option<Duration> = None;
    let started = Instant::now();
    let mut bar: Option<indicatif::ProgressBar> = None;
    let write_err = |e: io::Error| {
        if e.kind() == io::ErrorKind::BrokenPipe {
            String::new()
        } else {
            format!("cannot write the output: {e}")
        }
    };
    if options.format == Format::Tsv {
        out.write_all(TSV_HEADER.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .map_err(write_err)?;
    }
    while let Some(record) = reader.next_record() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        let frame = record.index + 1;
        summary.records = frame;
        let time = record.timestamp.to_duration().unwrap_or_default();
        let first = *first.get_or_insert(time);
        // One decode for the usual frame; every packet of the frame (an 802.11
        // A-MSDU's subframes, the only frames with more than one) otherwise.
        // `decode` gives `decode_all`'s first packet, so a TCP segment reached
        // without an A-MSDU subframe is the frame's only packet.
        let mut all = None;
        let mut single = match decode(record.link_type, record.data) {
            Decoded::Tcp(packet) if !packet.encapsulation.contains(Layer::AmsduSubframe) => {
                Some(packet)
            }
            _ => {
                all = Some(decode_all(record.link_type, record.data));
                None
            }
        };
        loop {
            let item = match single.take() {
                Some(packet) => Item::Tcp(packet),
                None => match all.as_mut().and_then(|a| {
                    a.find_map(|d| match d {
                        Decoded::Tcp(packet) => Some(Item::Tcp(packet)),
                        Decoded::Error(DecodeError::TcpCut(cut)) => Some(Item::Cut(cut)),
                        _ => None,
                    })
                }) {
                    Some(item) => item,
                    None => break,
                },
            };
            // A header cut by the snapshot length: a row when tshark gives it
            // a stream (its first 16 bytes captured), with no analysis.
            let (header, tracked) = match &item {
                Item::Tcp(packet) => (Header::Whole(packet), tracker.track(frame, time, packet)),
                Item::Cut(cut) => match tracker.track_cut(frame, time, cut) {
                    Some(tracked) => (Header::Cut(cut), tracked),
                    None => continue,
                },
            };
            summary.segments += 1;
            let line = Line {
                frame,
                time,
                packet: header,
                tracked: &tracked,
            };
            match options.format {
                Format::Text => line.text(&mut buf, first),
                Format::Tsv => {
                    line.tsv(&mut row);
                    if row.len >= OUT_BLOCK {
                        out.write_all(row.as_bytes()).map_err(write_err)?;
                        row.len = 0;
                    }
                }
                Format::Json => line.json(&mut buf),
            }
            // Rows accumulate in one buffer, written out in large blocks.
            if buf.len() >= OUT_BLOCK {
                out.write_all(&buf).map_err(write_err)?;
                buf.clear();
            }
        }
        // Connections leaving the table are not reported by this tool.
        while tracker.poll_event().is_some() {}
        if progress && frame % 65_536 == 0 {
            let done = read.load(Ordering::Relaxed);
            match &bar {
                Some(b) => b.set_position(done),
                None if started.elapsed() > Duration::from_secs(1) => {
                    let b = indicatif::ProgressBar::new(total);
                    b.set_style(
                        indicatif::ProgressStyle::with_template(
                            "{bytes}/{total_bytes} ({percent}%) {bytes_per_sec} eta {eta}",
                        )
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                    );
                    b.set_position(done);
                    bar = Some(b);
                }
                None => {}
            }
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    summary.streams = tracker.streams();
    out.write_all(&buf).map_err(write_err)?;
    out.write_all(row.as_bytes()).map_err(write_err)?;
    out.flush().map_err(write_err)?;
    Ok(summary)
}

#[allow(dead_code)] // the example's test includes this file as a module
fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(o)) => o,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("analyze: {e}");
            return ExitCode::FAILURE;
        }
    };
    let progress = io::stderr().is_terminal();
    // `run` writes whole blocks; on Unix they go straight to file descriptor 1,
    // past stdout's line buffering.
    #[cfg(unix)]
    let result = match io::stdout().as_fd().try_clone_to_owned() {
        Ok(fd) => run(&options, &mut File::from(fd), progress),
        Err(_) => run(&options, &mut io::stdout().lock(), progress),
    };
    #[cfg(not(unix))]
    let result = run(
        &options,
        &mut io::BufWriter::new(io::stdout().lock()),
        progress,
    );
    match result {
        Ok(_) => ExitCode::SUCCESS,
        // An empty message: the reader closed the pipe (`| head`), not an error.
        Err(e) if e.is_empty() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("analyze: {e}");
            ExitCode::FAILURE
        }
    }
}
