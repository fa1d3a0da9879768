//! Reading tshark's field dumps (`NAME.tshark.tsv`) of the corpus into typed rows.
//!
//! The format is described in `captures/README.md` and `captures-wild/README.md` of
//! the corpus: one row per frame, tab-separated, the first line names the fields,
//! an absent field is an empty cell and several occurrences of a field in one frame
//! are joined with `,` (`-E occurrence=a -E aggregator=,`).
//!
//! A row becomes a [`TsharkRow`] holding zero, one or more [`TsharkSegment`]s:
//!
//! * a non-TCP frame (ARP, DNS, a fragment tshark has not reassembled yet) has
//!   every TCP column empty and no segment;
//! * an ordinary TCP frame has one value in each TCP column;
//! * the 802.11 A-MSDU frame of `tunnels__gre-aruba-amsdu.pcap` carries two TCP
//!   headers, so each TCP column holds two values, one per segment;
//! * an ICMP error that quotes a TCP header has TCP columns but no `tcp.len`
//!   (and `ip.src`/`ip.dst` hold the ICMP packet's and the quoted packet's
//!   addresses): [`TsharkRow::icmp_quoted`] is set, and it is not a segment.
//!
//! tshark prints SACK edges relative to the other direction's base sequence
//! number; [`TsharkTable::sack_raw`] turns them back into the numbers on the wire.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::net::IpAddr;
use std::path::Path;

/// The fields of a corpus TSV that these helpers read.
const FIELDS: [&str; 28] = [
    "frame.number",
    "tcp.stream",
    "ip.src",
    "ipv6.src",
    "tcp.srcport",
    "ip.dst",
    "ipv6.dst",
    "tcp.dstport",
    "tcp.flags",
    "tcp.seq",
    "tcp.seq_raw",
    "tcp.ack",
    "tcp.ack_raw",
    "tcp.len",
    "tcp.nxtseq",
    "tcp.hdr_len",
    "tcp.window_size_value",
    "tcp.window_size_scalefactor",
    "tcp.checksum.status",
    "tcp.options.mss_val",
    "tcp.options.wscale.shift",
    "tcp.options.sack_perm",
    "tcp.options.sack_le",
    "tcp.options.sack_re",
    "tcp.options.timestamp.tsval",
    "tcp.options.timestamp.tsecr",
    "frame.time_epoch",
    "tcp.flags.str",
];

/// tshark's `tcp.checksum.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TsharkChecksum {
    /// `0`: bad.
    Bad,
    /// `1`: good.
    Good,
    /// `2`: not verified (e.g. the segment was cut by the snapshot length).
    Unverified,
}

/// The option values tshark shows for one TCP header, each in header order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TsharkOptions {
    /// `tcp.options.mss_val`.
    pub mss: Vec<u16>,
    /// `tcp.options.wscale.shift` (as carried, not clamped to 14).
    pub wscale_shift: Vec<u8>,
    /// Number of `tcp.options.sack_perm` items (each printed as its raw bytes, `0402`).
    pub sack_perm: usize,
    /// `tcp.options.sack_le` / `tcp.options.sack_re` zipped, **relative** (as printed).
    pub sack_relative: Vec<(u32, u32)>,
    /// `tcp.options.timestamp.tsval` / `tsecr` zipped.
    pub timestamps: Vec<(u32, u32)>,
}

/// One TCP header as tshark dissected it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TsharkSegment {
    /// `tcp.stream`.
    pub stream: u32,
    /// Innermost `ip.src` of this header, if any IPv4 header was printed.
    pub src_v4: Option<IpAddr>,
    /// Innermost `ipv6.src`, if any IPv6 header was printed.
    pub src_v6: Option<IpAddr>,
    /// Innermost `ip.dst`.
    pub dst_v4: Option<IpAddr>,
    /// Innermost `ipv6.dst`.
    pub dst_v6: Option<IpAddr>,
    /// `tcp.srcport`.
    pub srcport: u16,
    /// `tcp.dstport`.
    pub dstport: u16,
    /// `tcp.flags` (12 bits).
    pub flags: u16,
    /// `tcp.seq` (relative; absolute in an ICMP-quoted header).
    pub seq: Option<u32>,
    /// `tcp.seq_raw`.
    pub seq_raw: Option<u32>,
    /// `tcp.ack` (relative when the ACK flag is set, else the raw field).
    pub ack: Option<u32>,
    /// `tcp.ack_raw`.
    pub ack_raw: Option<u32>,
    /// `tcp.len`: payload length per the IP header (absent in ICMP-quoted headers).
    pub len: Option<u32>,
    /// `tcp.nxtseq`.
    pub nxtseq: Option<u32>,
    /// `tcp.hdr_len`.
    pub hdr_len: Option<u8>,
    /// `tcp.window_size_value`: the raw window field.
    pub window: Option<u16>,
    /// `tcp.window_size_scalefactor`.
    pub scalefactor: Option<i64>,
    /// `tcp.checksum.status`.
    pub checksum: Option<TsharkChecksum>,
    /// The options; `None` when they cannot be told apart between the headers of a
    /// frame with several (a multi-value option column whose count is not one per header).
    pub options: Option<TsharkOptions>,
}

/// One row (frame) of a TSV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TsharkRow {
    /// `frame.number` (1-based).
    pub frame: u64,
    /// `frame.time_epoch` as printed (`secs.nnnnnnnnn`).
    pub time_epoch: String,
    /// Every `ip.src` value, outermost first.
    pub ip_src: Vec<IpAddr>,
    /// Every `ip.dst` value, outermost first.
    pub ip_dst: Vec<IpAddr>,
    /// Every `ipv6.src` value, outermost first.
    pub ipv6_src: Vec<IpAddr>,
    /// Every `ipv6.dst` value, outermost first.
    pub ipv6_dst: Vec<IpAddr>,
    /// The TCP headers tshark decoded in this frame (empty for a non-TCP frame).
    pub segments: Vec<TsharkSegment>,
    /// The TCP header is one quoted inside an ICMP error: not a segment.
    pub icmp_quoted: bool,
}

impl TsharkRow {
    /// The TCP segments of this frame, per the corpus counting conventions: none
    /// for an ICMP-quoted header, one per TCP header otherwise.
    pub fn tcp_segments(&self) -> &[TsharkSegment] {
        if self.icmp_quoted {
            &[]
        } else {
            &self.segments
        }
    }
}

/// A whole TSV.
#[derive(Clone, Debug, Default)]
pub struct TsharkTable {
    /// The rows in file order (frame `n` is `rows[n - 1]`).
    pub rows: Vec<TsharkRow>,
    /// Per (frame, segment index): the base sequence number of the other
    /// direction that tshark subtracted from the SACK edges (0 when unset).
    sack_bases: HashMap<(u64, usize), u32>,
}

/// Why a TSV could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TsvError {
    /// 1-based line of the file (0 for the file as a whole).
    pub line: usize,
    /// What is wrong.
    pub what: String,
}

impl fmt::Display for TsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.what)
    }
}

impl std::error::Error for TsvError {}

fn err(line: usize, what: impl Into<String>) -> TsvError {
    TsvError {
        line,
        what: what.into(),
    }
}

/// The comma-separated values of a cell (none for an empty cell).
fn values(cell: &str) -> Vec<&str> {
    if cell.is_empty() {
        Vec::new()
    } else {
        cell.split(',').collect()
    }
}

fn parse_all<T: std::str::FromStr>(
    cell: &str,
    field: &str,
    line: usize,
) -> Result<Vec<T>, TsvError> {
    values(cell)
        .into_iter()
        .map(|v| {
            v.parse::<T>()
                .map_err(|_| err(line, format!("{field}: cannot read {v:?}")))
        })
        .collect()
}

fn parse_hex16(v: &str, field: &str, line: usize) -> Result<u16, TsvError> {
    let digits = v
        .strip_prefix("0x")
        .ok_or_else(|| err(line, format!("{field}: {v:?} is not 0x-hex")))?;
    u16::from_str_radix(digits, 16).map_err(|_| err(line, format!("{field}: cannot read {v:?}")))
}

fn parse_checksum(v: &str, line: usize) -> Result<TsharkChecksum, TsvError> {
    match v {
        "0" => Ok(TsharkChecksum::Bad),
        "1" => Ok(TsharkChecksum::Good),
        "2" => Ok(TsharkChecksum::Unverified),
        _ => Err(err(
            line,
            format!("tcp.checksum.status: unknown value {v:?}"),
        )),
    }
}

/// Value `k` of `n` per-header values: `Some` when the column holds exactly `n`
/// values, `None` when it is empty, an error otherwise.
fn per_header<T: Copy>(
    vals: &[T],
    n: usize,
    k: usize,
    field: &str,
    line: usize,
) -> Result<Option<T>, TsvError> {
    match vals.len() {
        0 => Ok(None),
        len if len == n => Ok(Some(vals[k])),
        len => Err(err(
            line,
            format!("{field}: {len} values for {n} TCP headers"),
        )),
    }
}

/// The values of an option column that belong to header `k` of `n`; `None` when
/// that cannot be known.
fn option_values<T: Copy>(vals: &[T], n: usize, k: usize) -> Option<Vec<T>> {
    if n == 1 {
        Some(vals.to_vec())
    } else if vals.is_empty() {
        Some(Vec::new())
    } else if vals.len() == n {
        Some(vec![vals[k]])
    } else {
        None
    }
}

/// The address of header `k` of `n` among one family's values: the headers of
/// one frame sit behind the same outer headers, so theirs are the last `n`.
fn inner_addr(vals: &[IpAddr], n: usize, k: usize) -> Option<IpAddr> {
    let first = vals.len().checked_sub(n)?;
    vals.get(first + k).copied()
}

fn need<T>(v: Option<T>, field: &str, line: usize) -> Result<T, TsvError> {
    v.ok_or_else(|| err(line, format!("{field} missing")))
}

impl TsharkTable {
    /// Reads a TSV file.
    pub fn read(path: &Path) -> Result<Self, TsvError> {
        let text =
            fs::read_to_string(path).map_err(|e| err(0, format!("{}: {e}", path.display())))?;
        Self::parse(&text)
    }

    /// Parses the text of a TSV.
    pub fn parse(text: &str) -> Result<Self, TsvError> {
        let mut lines = text.lines();
        let header = lines.next().ok_or_else(|| err(1, "empty file"))?;
        let names: Vec<&str> = header.split('\t').collect();
        let mut col = HashMap::new();
        for field in FIELDS {
            let i = names
                .iter()
                .position(|n| *n == field)
                .ok_or_else(|| err(1, format!("no column {field}")))?;
            col.insert(field, i);
        }
        let mut rows = Vec::new();
        for (i, line) in lines.enumerate() {
            let lineno = i + 2;
            if line.is_empty() {
                continue;
            }
            let cells: Vec<&str> = line.split('\t').collect();
            if cells.len() != names.len() {
                return Err(err(
                    lineno,
                    format!("{} cells, header has {}", cells.len(), names.len()),
                ));
            }
            rows.push(parse_row(&Cells { cells, col: &col }, lineno)?);
        }
        for (i, row) in rows.iter().enumerate() {
            if row.frame != i as u64 + 1 {
                return Err(err(
                    i + 2,
                    format!("frame.number {} out of order", row.frame),
                ));
            }
        }
        let mut table = TsharkTable {
            rows,
            sack_bases: HashMap::new(),
        };
        table.sack_bases = table.compute_sack_bases();
        Ok(table)
    }

    /// The row of a 1-based frame number.
    pub fn row(&self, frame: u64) -> Option<&TsharkRow> {
        usize::try_from(frame.checked_sub(1)?)
            .ok()
            .and_then(|i| self.rows.get(i))
    }

    /// Number of TCP segments per the corpus conventions (TCP rows, less the
    /// ICMP-quoted ones, a frame with two TCP headers counting twice).
    pub fn tcp_segment_count(&self) -> usize {
        self.rows.iter().map(|r| r.tcp_segments().len()).sum()
    }

    /// The SACK blocks of header `k` of `frame` as numbers on the wire: tshark's
    /// relative edges plus the base it subtracted.
    pub fn sack_raw(&self, frame: u64, k: usize) -> Option<Vec<(u32, u32)>> {
        let seg = self.row(frame)?.segments.get(k)?;
        let base = self.sack_bases.get(&(frame, k)).copied().unwrap_or(0);
        let opts = seg.options.as_ref()?;
        Some(
            opts.sack_relative
                .iter()
                .map(|&(le, re)| (le.wrapping_add(base), re.wrapping_add(base)))
                .collect(),
        )
    }

    /// Wireshark's per-direction bases (REFERENCE.md §3.5), recovered from the
    /// rows themselves: a direction's base is `seq_raw - seq` of any of its
    /// segments, or `ack_raw - ack` of an ACK-flagged segment of the other
    /// direction; once known it never changes within a stream. tshark subtracts
    /// the *other* direction's base from SACK edges, or nothing while it is unset.
    fn compute_sack_bases(&self) -> HashMap<(u64, usize), u32> {
        type Dir = (u32, Option<IpAddr>, Option<IpAddr>, u16);
        let mut base: HashMap<Dir, u32> = HashMap::new();
        let mut out = HashMap::new();
        for row in &self.rows {
            for (k, s) in row.tcp_segments().iter().enumerate() {
                let fwd: Dir = (s.stream, s.src_v4, s.src_v6, s.srcport);
                let rev: Dir = (s.stream, s.dst_v4, s.dst_v6, s.dstport);
                if let (Some(raw), Some(rel)) = (s.seq_raw, s.seq) {
                    base.entry(fwd).or_insert(raw.wrapping_sub(rel));
                }
                let ack_flag = s.flags & 0x010 != 0;
                if ack_flag {
                    if let (Some(raw), Some(rel)) = (s.ack_raw, s.ack) {
                        // Exactly the base tshark subtracted from this ACK.
                        let b = raw.wrapping_sub(rel);
                        base.entry(rev).or_insert(b);
                        out.insert((row.frame, k), b);
                        continue;
                    }
                }
                out.insert((row.frame, k), base.get(&rev).copied().unwrap_or(0));
            }
        }
        out
    }
}

/// One line's cells, looked up by field name.
struct Cells<'a, 'c> {
    cells: Vec<&'a str>,
    col: &'c HashMap<&'static str, usize>,
}

impl<'a> Cells<'a, '_> {
    fn get(&self, field: &str) -> &'a str {
        self.col
            .get(field)
            .and_then(|&i| self.cells.get(i))
            .copied()
            .unwrap_or("")
    }
}

fn parse_row(cells: &Cells<'_, '_>, line: usize) -> Result<TsharkRow, TsvError> {
    let cell = |f: &str| cells.get(f);
    let frame: u64 = cell("frame.number")
        .parse()
        .map_err(|_| err(line, "frame.number"))?;
    let ip_src = parse_all::<IpAddr>(cell("ip.src"), "ip.src", line)?;
    let ip_dst = parse_all::<IpAddr>(cell("ip.dst"), "ip.dst", line)?;
    let ipv6_src = parse_all::<IpAddr>(cell("ipv6.src"), "ipv6.src", line)?;
    let ipv6_dst = parse_all::<IpAddr>(cell("ipv6.dst"), "ipv6.dst", line)?;

    let srcport = parse_all::<u16>(cell("tcp.srcport"), "tcp.srcport", line)?;
    let n = srcport.len();
    let mut segments = Vec::with_capacity(n);
    let mut icmp_quoted = false;
    if n > 0 {
        let stream = parse_all::<u32>(cell("tcp.stream"), "tcp.stream", line)?;
        let dstport = parse_all::<u16>(cell("tcp.dstport"), "tcp.dstport", line)?;
        let flags = values(cell("tcp.flags"))
            .into_iter()
            .map(|v| parse_hex16(v, "tcp.flags", line))
            .collect::<Result<Vec<_>, _>>()?;
        let seq = parse_all::<u32>(cell("tcp.seq"), "tcp.seq", line)?;
        let seq_raw = parse_all::<u32>(cell("tcp.seq_raw"), "tcp.seq_raw", line)?;
        let ack = parse_all::<u32>(cell("tcp.ack"), "tcp.ack", line)?;
        let ack_raw = parse_all::<u32>(cell("tcp.ack_raw"), "tcp.ack_raw", line)?;
        let len = parse_all::<u32>(cell("tcp.len"), "tcp.len", line)?;
        let nxtseq = parse_all::<u32>(cell("tcp.nxtseq"), "tcp.nxtseq", line)?;
        let hdr_len = parse_all::<u8>(cell("tcp.hdr_len"), "tcp.hdr_len", line)?;
        let window =
            parse_all::<u16>(cell("tcp.window_size_value"), "tcp.window_size_value", line)?;
        let scalefactor = parse_all::<i64>(
            cell("tcp.window_size_scalefactor"),
            "tcp.window_size_scalefactor",
            line,
        )?;
        let checksum = values(cell("tcp.checksum.status"))
            .into_iter()
            .map(|v| parse_checksum(v, line))
            .collect::<Result<Vec<_>, _>>()?;
        let mss = parse_all::<u16>(cell("tcp.options.mss_val"), "tcp.options.mss_val", line)?;
        let wscale = parse_all::<u8>(
            cell("tcp.options.wscale.shift"),
            "tcp.options.wscale.shift",
            line,
        )?;
        let sack_perm = values(cell("tcp.options.sack_perm"));
        let sack_le = parse_all::<u32>(cell("tcp.options.sack_le"), "tcp.options.sack_le", line)?;
        let sack_re = parse_all::<u32>(cell("tcp.options.sack_re"), "tcp.options.sack_re", line)?;
        let tsval = parse_all::<u32>(
            cell("tcp.options.timestamp.tsval"),
            "tcp.options.timestamp.tsval",
            line,
        )?;
        let tsecr = parse_all::<u32>(
            cell("tcp.options.timestamp.tsecr"),
            "tcp.options.timestamp.tsecr",
            line,
        )?;
        if sack_le.len() != sack_re.len() {
            return Err(err(line, "tcp.options.sack_le and sack_re differ in count"));
        }
        if tsval.len() != tsecr.len() {
            return Err(err(line, "tsval and tsecr differ in count"));
        }
        for v in &sack_perm {
            if *v != "0402" {
                return Err(err(line, format!("tcp.options.sack_perm: {v:?}")));
            }
        }
        let sacks: Vec<(u32, u32)> = sack_le.into_iter().zip(sack_re).collect();
        let timestamps: Vec<(u32, u32)> = tsval.into_iter().zip(tsecr).collect();
        let perm_marks = vec![(); sack_perm.len()];

        // An ICMP error quoting a TCP header: tshark prints ports, flags and an
        // absolute seq, but no tcp.len (captures-wild/README.md).
        icmp_quoted = len.is_empty();

        for (k, &port) in srcport.iter().enumerate() {
            let options = (|| {
                Some(TsharkOptions {
                    mss: option_values(&mss, n, k)?,
                    wscale_shift: option_values(&wscale, n, k)?,
                    sack_perm: option_values(&perm_marks, n, k)?.len(),
                    sack_relative: option_values(&sacks, n, k)?,
                    timestamps: option_values(&timestamps, n, k)?,
                })
            })();
            // In an ICMP error the quoted header's addresses are the last ones too.
            segments.push(TsharkSegment {
                stream: need(
                    per_header(&stream, n, k, "tcp.stream", line)?,
                    "tcp.stream",
                    line,
                )?,
                src_v4: inner_addr(&ip_src, n, k),
                src_v6: inner_addr(&ipv6_src, n, k),
                dst_v4: inner_addr(&ip_dst, n, k),
                dst_v6: inner_addr(&ipv6_dst, n, k),
                srcport: port,
                dstport: need(
                    per_header(&dstport, n, k, "tcp.dstport", line)?,
                    "tcp.dstport",
                    line,
                )?,
                flags: need(
                    per_header(&flags, n, k, "tcp.flags", line)?,
                    "tcp.flags",
                    line,
                )?,
                seq: per_header(&seq, n, k, "tcp.seq", line)?,
                seq_raw: per_header(&seq_raw, n, k, "tcp.seq_raw", line)?,
                ack: per_header(&ack, n, k, "tcp.ack", line)?,
                ack_raw: per_header(&ack_raw, n, k, "tcp.ack_raw", line)?,
                len: per_header(&len, n, k, "tcp.len", line)?,
                nxtseq: per_header(&nxtseq, n, k, "tcp.nxtseq", line)?,
                hdr_len: per_header(&hdr_len, n, k, "tcp.hdr_len", line)?,
                window: per_header(&window, n, k, "tcp.window_size_value", line)?,
                scalefactor: per_header(&scalefactor, n, k, "tcp.window_size_scalefactor", line)?,
                checksum: per_header(&checksum, n, k, "tcp.checksum.status", line)?,
                options,
            });
        }
    }
    Ok(TsharkRow {
        frame,
        time_epoch: cell("frame.time_epoch").to_string(),
        ip_src,
        ip_dst,
        ipv6_src,
        ipv6_dst,
        segments,
        icmp_quoted,
    })
}
