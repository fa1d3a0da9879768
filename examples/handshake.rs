//! `handshake` — tells the story of every TCP connection in a capture, segment by
//! segment, the way a textbook does: who sends SYN, SYN,ACK and ACK and why the ACK
//! is ISN + 1, how sequence and acknowledgment numbers advance with the payload,
//! the FIN/ACK exchange, TIME_WAIT — with both sides' RFC 9293 states after every
//! segment, as inferred by [`synack::state::Observer`] at the capture point.
//!
//! ```text
//! cargo run --example handshake [-- [--tsv] [CAPTURE]]
//! ```
//!
//! Without a path it reads the bundled `tests/data/http-image.pcap` (an HTTP GET of
//! an image over Linux TCP). `--tsv` prints instead one tab-separated row per TCP
//! segment under the header
//! `frame stream src dst flags seq ack len client_state server_state`: addresses as
//! `addr:port` (IPv6 in brackets), flags in tcpdump letters, seq/ack relative to each
//! side's ISN like Wireshark (`ack` empty without the ACK bit), states after the
//! segment has been seen. Streams are numbered like Wireshark's `tcp.stream`.
//!
//! Streams, sides and the observer come from [`synack::track::Tracker`]; [`analyze`]
//! collects its answers, and `tests/handshake_corpus.rs` includes this file to
//! compare the output with tshark.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use synack::capture::CaptureReader;
use synack::state::{Cause, Note, Observation, Observer, Side, State};
use synack::track::{Tracker, TrackerConfig};
use synack::wire::{DecodedSegment, LinkType, decode_all};
use synack::{flags::TcpFlags, segment::Segment};

/// One TCP segment of the capture and what the observer made of it.
#[derive(Clone, Debug)]
pub struct Row {
    /// Frame number: every record of the file counts, 1-based.
    pub frame: u64,
    /// Capture time since the Unix epoch.
    pub time: Duration,
    /// Wireshark-compatible stream index.
    pub stream: usize,
    /// Sender address.
    pub src: SocketAddr,
    /// Receiver address.
    pub dst: SocketAddr,
    /// The segment's numbers.
    pub segment: Segment,
    /// The side that sent it.
    pub from: Side,
    /// The observer's verdict.
    pub observation: Observation,
    /// The sender's highest acknowledgment before this segment (relative), if any.
    pub previous_ack: Option<u32>,
}

impl Row {
    /// The client's state after this segment.
    pub fn client_state(&self) -> State {
        self.observation.state(Side::Client)
    }

    /// The server's state after this segment.
    pub fn server_state(&self) -> State {
        self.observation.state(Side::Server)
    }

    /// The TSV line (without newline).
    pub fn tsv(&self) -> String {
        let ack = self
            .observation
            .relative_ack
            .map(|a| a.to_string())
            .unwrap_or_default();
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            self.frame,
            self.stream,
            self.src,
            self.dst,
            self.segment.flags.tcpdump(),
            self.observation.relative_seq,
            ack,
            self.segment.payload_len,
            self.client_state(),
            self.server_state()
        )
    }
}

/// One connection (one `tcp.stream`).
#[derive(Clone, Debug)]
pub struct Stream {
    /// Its index.
    pub index: usize,
    /// The client's address: sender of the first SYN, or of the first segment.
    pub client: SocketAddr,
    /// The server's address.
    pub server: SocketAddr,
    /// The observer after the stream's last segment.
    pub observer: Observer,
    /// Indices into [`Analysis::rows`] of its segments.
    pub rows: Vec<usize>,
    /// The earlier stream on the same 4-tuple, when this one reuses its ports.
    pub reuses: Option<usize>,
    /// The later stream that reused this one's ports.
    pub reused_by: Option<usize>,
}

/// Everything [`analyze`] found.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// One row per TCP segment, in file order.
    pub rows: Vec<Row>,
    /// The streams, by index.
    pub streams: Vec<Stream>,
    /// How many records the file held.
    pub records: u64,
}

/// The TSV header line.
pub const TSV_HEADER: &str =
    "frame\tstream\tsrc\tdst\tflags\tseq\tack\tlen\tclient_state\tserver_state";

/// A decoded TCP segment: who sent it to whom, and its numbers.
#[derive(Clone, Copy, Debug)]
pub struct Tcp {
    /// Sender.
    pub src: SocketAddr,
    /// Receiver.
    pub dst: SocketAddr,
    /// The numbers the observer needs.
    pub segment: Segment,
}

/// The TCP segments in a frame (several only in an 802.11 A-MSDU), decoded with
/// [`synack::wire::decode_all`]. Frames without TCP, IP fragments and ICMP errors
/// quoting TCP give none. (Used by `benches/observer.rs`.)
pub fn decode_tcp(link_type: LinkType, frame: &[u8]) -> impl Iterator<Item = Tcp> + '_ {
    decode_all(link_type, frame).filter_map(|d| {
        d.into_tcp().map(|p| Tcp {
            src: p.source(),
            dst: p.destination(),
            segment: Segment::from_packet(&p),
        })
    })
}

/// Reads the capture at `path` and runs every TCP segment through a
/// [`synack::track::Tracker`], which numbers the streams like Wireshark's
/// `tcp.stream` (port reuse included; the rules are documented on `Tracker`),
/// decides the client and server of each, and drives one [`Observer`] per stream.
/// IP fragments and ICMP errors quoting TCP give no segment.
pub fn analyze(path: &Path) -> Result<Analysis, String> {
    let mut reader =
        CaptureReader::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut analysis = Analysis::default();
    let mut tracker = Tracker::new(TrackerConfig::unbounded());
    // The latest stream of each endpoint pair, to tell which stream reuses which.
    let mut current: HashMap<(SocketAddr, SocketAddr), usize> = HashMap::new();
    while let Some(record) = reader.next_record() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        analysis.records = record.index + 1;
        let time = record.timestamp.to_duration().unwrap_or_default();
        for packet in decode_all(record.link_type, record.data).filter_map(|d| d.into_tcp()) {
            analysis.add(record.index + 1, time, &packet, &mut tracker, &mut current);
        }
        // The tracker's events (connections replaced by port reuse) are not needed.
        while tracker.poll_event().is_some() {}
    }
    Ok(analysis)
}

impl Analysis {
    /// Tracks one segment and records it in its stream.
    fn add(
        &mut self,
        frame: u64,
        time: Duration,
        packet: &DecodedSegment<'_>,
        tracker: &mut Tracker,
        current: &mut HashMap<(SocketAddr, SocketAddr), usize>,
    ) {
        let tracked = tracker.track(frame, time, packet);
        let Ok(index) = usize::try_from(tracked.stream) else {
            return;
        };
        let Some(conn) = tracker.connection(tracked.conn) else {
            return;
        };
        if index == self.streams.len() {
            let (a, b) = (conn.client(), conn.server());
            let key = if a <= b { (a, b) } else { (b, a) };
            let reuses = current.insert(key, index);
            if let Some(old) = reuses.and_then(|i| self.streams.get_mut(i)) {
                old.reused_by = Some(index);
            }
            self.streams.push(Stream {
                index,
                client: conn.client(),
                server: conn.server(),
                observer: Observer::new(),
                rows: Vec::new(),
                reuses,
                reused_by: None,
            });
        }
        let Some(stream) = self.streams.get_mut(index) else {
            return;
        };
        let from = tracked.side;
        let previous_ack = stream
            .observer
            .numbers(from)
            .highest_ack
            .and_then(|a| stream.observer.relative(from.peer(), a));
        stream.observer = *conn.observer();
        stream.rows.push(self.rows.len());
        self.rows.push(Row {
            frame,
            time,
            stream: index,
            src: packet.source(),
            dst: packet.destination(),
            segment: Segment::from_packet(packet),
            from,
            observation: tracked.observation,
            previous_ack,
        });
    }
}

fn flags_words(flags: TcpFlags) -> String {
    flags.wireshark().to_string()
}

fn side_name(side: Side) -> &'static str {
    match side {
        Side::Client => "the client",
        Side::Server => "the server",
    }
}

fn capitalized(side: Side) -> &'static str {
    match side {
        Side::Client => "The client",
        Side::Server => "The server",
    }
}

/// One or two sentences on what the segment did, from the observer's transitions
/// and notes.
fn explain(row: &Row, stream: &Stream, msl: Duration) -> String {
    let o = &row.observation;
    let seg = &row.segment;
    let (me, peer) = (row.from, row.from.peer());
    let (me_s, peer_s) = (side_name(me), side_name(peer));
    let me_c = capitalized(me);
    let seq = o.relative_seq;
    let ack = o.relative_ack;
    let len = seg.payload_len;
    let got = |side: Side, from: State, to: State| {
        o.transitions
            .iter()
            .any(|t| t.side == side && t.from == from && t.to == to && t.cause != Cause::Revised)
    };
    let mut text = String::new();
    for t in o.transitions.iter().filter(|t| t.cause == Cause::Expired) {
        let _ = write!(
            text,
            "{}'s 2·MSL in TIME_WAIT have passed: it is CLOSED. ",
            capitalized(t.side)
        );
    }
    let flags = seg.flags;
    let syn = flags.contains(TcpFlags::SYN);
    let fin = flags.contains(TcpFlags::FIN);
    let n = &o.notes;

    if n.contains(Note::Reopened) {
        text.push_str("A new SYN with a new ISN on the same ports: the old connection is over and a new one starts. ");
    }
    if flags.contains(TcpFlags::RST) {
        if n.contains(Note::RstAccepted) {
            if o.transitions
                .iter()
                .any(|t| t.side == peer && t.from == State::SynSent)
            {
                let _ = write!(
                    text,
                    "{me_c} refuses the connection: nobody listens on port {}. The RST's ACK {} acknowledges {peer_s}'s SYN, so {peer_s} accepts the RST and gives up (\"connection refused\"). Both sides are CLOSED.",
                    row.src.port(),
                    ack.unwrap_or(1)
                );
            } else {
                let _ = write!(
                    text,
                    "{me_c} aborts the connection with a RST at seq {seq}, inside {peer_s}'s receive window, so {peer_s} accepts it: both sides drop the connection at once — no FIN exchange and no TIME_WAIT."
                );
            }
        } else if n.contains(Note::AfterClose) {
            text.push_str(
                "A RST for a connection that is already closed: nothing is left to reset.",
            );
        } else {
            let _ = write!(
                text,
                "A RST with seq {seq} that {peer_s} would not accept (outside its receive window, or in SYN_SENT without an ACK of its SYN): a real stack drops it (RFC 9293 §3.10.7, RFC 5961), and nothing changes."
            );
        }
        return text;
    }
    if n.contains(Note::Midstream) {
        text.push_str("The capture starts in the middle of this connection: no SYN was seen, so both sides are taken to be ESTABLISHED and relative numbers start at 1 (base = first seq − 1, as Wireshark does). ");
    }
    if syn && !flags.contains(TcpFlags::ACK) {
        if n.contains(Note::Retransmission) {
            let _ = write!(
                text,
                "{me_c} sends its SYN again, with the same ISN: the first one, or the answer to it, was lost. Nothing changes."
            );
        } else if n.contains(Note::Crossed) {
            let _ = write!(
                text,
                "{me_c} sends its own SYN before {peer_s}'s SYN reached it — it carries no ACK — so the two SYNs crossed in flight: a simultaneous open (RFC 793 figure 8). Each side gets the other's SYN while in SYN_SENT and moves to SYN_RECEIVED."
            );
        } else if n.contains(Note::Unacceptable) {
            let _ = write!(
                text,
                "A SYN on an open connection: {peer_s} only answers it with a challenge ACK (RFC 5961 §4). Nothing changes."
            );
        } else {
            let _ = write!(
                text,
                "{me_c} opens the connection (active open): its SYN carries its initial sequence number, ISN {} (relative 0). A SYN occupies one sequence number, so its first data byte will be number 1. {} moves to SYN_RECEIVED.",
                seg.seq,
                capitalized(peer)
            );
            if let Some(mss) = seg.options.mss {
                let _ = write!(text, " It offers MSS {mss}");
                match seg.options.window_scale {
                    Some(ws) => {
                        let _ = write!(text, " and window scale {ws}.");
                    }
                    None => text.push('.'),
                }
            }
        }
        return text;
    }
    if syn {
        let a = ack.unwrap_or(0);
        if n.contains(Note::Crossed) {
            let _ = write!(
                text,
                "{me_c}'s SYN,ACK was sent before {peer_s}'s SYN,ACK arrived — they crossed too. Each acknowledges the other's SYN (ack {a} = ISN + 1), so both sides are now ESTABLISHED."
            );
        } else if n.contains(Note::Retransmission) {
            let _ = write!(
                text,
                "{me_c} repeats its SYN,ACK (same ISN): it has not seen the ACK of its SYN. Nothing changes."
            );
        } else {
            if n.contains(Note::Inferred) {
                let _ = write!(
                    text,
                    "({peer_s}'s SYN is not in the capture; its ISN is this ACK − 1.) "
                );
            }
            let _ = write!(
                text,
                "{me_c} accepts: its SYN,ACK carries its own ISN {} (relative 0) and ACK {a} = {peer_s}'s ISN + 1, which acknowledges {peer_s}'s SYN.",
                seg.seq
            );
            if got(peer, State::SynSent, State::Established)
                || got(peer, State::SynReceived, State::Established)
            {
                let _ = write!(
                    text,
                    " {} is now ESTABLISHED; {me_s} waits in SYN_RECEIVED for the ACK of its own SYN.",
                    capitalized(peer)
                );
            } else if n.contains(Note::Unacceptable) {
                let _ = write!(
                    text,
                    " But that ACK does not acknowledge {peer_s}'s SYN, so {peer_s} would answer with a RST."
                );
            }
        }
        return text;
    }
    if n.contains(Note::AfterClose) {
        text.push_str("This segment comes after the connection ended for one of the sides: it changes nothing.");
        return text;
    }
    if n.contains(Note::Unacceptable) {
        text.push_str("A segment without the ACK bit, or one that does not acknowledge the SYN: the receiver drops it (RFC 9293 §3.10.7.4). Nothing changes.");
        return text;
    }
    if n.contains(Note::Inferred) && got(me, State::SynSent, State::Established) {
        let _ = write!(
            text,
            "({peer_s}'s SYN,ACK is not in the capture; {me_s} must have received it.) "
        );
    }
    if got(peer, State::SynReceived, State::Established) {
        let _ = write!(
            text,
            "{me_c} acknowledges {peer_s}'s SYN: ack {} = {peer_s}'s ISN + 1. The three-way handshake is complete: both sides are ESTABLISHED. ",
            ack.unwrap_or(1)
        );
    }
    if n.contains(Note::KeepAlive) {
        let _ = write!(
            text,
            "A keep-alive: seq {seq} is one less than the next new byte, so {peer_s} must answer with an ACK, proving it is still there."
        );
        return text;
    }
    if n.contains(Note::Retransmission) {
        if fin {
            let _ = write!(
                text,
                "{me_c} sends its FIN again: its first FIN, or the ACK of it, was lost. Nothing changes."
            );
        } else {
            let _ = write!(
                text,
                "A retransmission: {me_s} sends bytes {seq}..{} again, which it had sent before; the states do not change.",
                seq.wrapping_add(len)
            );
        }
        return text;
    }
    if len > 0 {
        let next = seq.wrapping_add(len);
        let _ = write!(
            text,
            "{me_c} sends {len} bytes of data, numbers {seq} to {}; its next byte will be {next}. ",
            next.wrapping_sub(1)
        );
    }
    if fin {
        let fin_rel = seq.wrapping_add(len);
        if n.contains(Note::Crossed) {
            let _ = write!(
                text,
                "{me_c} closes too, before {peer_s}'s FIN reached it: its ACK {} does not cover that FIN, so the two FINs crossed (simultaneous close, RFC 793 figure 14). Each side gets a FIN while in FIN_WAIT_1 and moves to CLOSING.",
                ack.unwrap_or(0)
            );
        } else if got(me, State::CloseWait, State::LastAck) {
            let _ = write!(
                text,
                "{me_c} closes its side as well: FIN at seq {fin_rel} (a FIN occupies one sequence number). It waits in LAST_ACK for the ACK of this FIN."
            );
            if got(peer, State::FinWait2, State::TimeWait)
                || got(peer, State::FinWait1, State::TimeWait)
            {
                let _ = write!(
                    text,
                    " {} has now received a FIN after its own FIN was acknowledged: it enters TIME_WAIT, where it must stay 2·MSL = {} s.",
                    capitalized(peer),
                    (2 * msl).as_secs()
                );
            }
        } else {
            let _ = write!(
                text,
                "{me_c} closes its sending direction: FIN at seq {fin_rel} (a FIN occupies one sequence number, so it will be acknowledged with {}). {} moves to CLOSE_WAIT and may go on sending.",
                fin_rel.wrapping_add(1),
                capitalized(peer)
            );
        }
        return text;
    }
    if let Some(a) = ack {
        if got(peer, State::FinWait1, State::FinWait2) {
            let _ = write!(
                text,
                "{me_c} acknowledges {peer_s}'s FIN (ack {a} = FIN + 1). {} waits in FIN_WAIT_2 for {me_s}'s FIN.",
                capitalized(peer)
            );
        } else if got(peer, State::Closing, State::TimeWait) {
            let _ = write!(
                text,
                "{me_c} acknowledges {peer_s}'s FIN (ack {a}): {peer_s} leaves CLOSING for TIME_WAIT."
            );
        } else if got(peer, State::LastAck, State::Closed) {
            let _ = write!(
                text,
                "{me_c} acknowledges {peer_s}'s FIN (ack {a} = FIN + 1): {peer_s} is CLOSED."
            );
            if o.state(me) == State::TimeWait {
                let _ = write!(
                    text,
                    " {me_c} stays in TIME_WAIT for 2·MSL ({} s), ready to repeat this ACK should it be lost, then closes.",
                    (2 * msl).as_secs()
                );
            }
        } else if len == 0 && !got(peer, State::SynReceived, State::Established) {
            match row.previous_ack {
                Some(p) if p != a => {
                    let _ = write!(
                        text,
                        "{me_c} acknowledges {peer_s}'s data up to byte {a} ({} more bytes).",
                        a.wrapping_sub(p)
                    );
                }
                Some(_) => {
                    let _ = write!(
                        text,
                        "{me_c} repeats ACK {a}: nothing new to acknowledge (a duplicate ACK or a window update)."
                    );
                }
                None => {
                    let _ = write!(text, "{me_c} acknowledges up to byte {a}.");
                }
            }
        } else if len > 0 && row.previous_ack != Some(a) {
            let _ = write!(text, "It also acknowledges {peer_s}'s bytes up to {a}.");
        }
    }
    let _ = stream;
    text.trim_end().to_string()
}

fn print_story(analysis: &Analysis, out: &mut impl Write) -> io::Result<()> {
    let msl = Observer::new().msl();
    for stream in &analysis.streams {
        let reuse = stream
            .reuses
            .map(|i| format!(", reusing the ports of stream {i} with a new ISN"))
            .unwrap_or_default();
        writeln!(
            out,
            "Stream {}: client {} <-> server {} ({} segments{reuse})",
            stream.index,
            stream.client,
            stream.server,
            stream.rows.len()
        )?;
        for &i in &stream.rows {
            let Some(row) = analysis.rows.get(i) else {
                continue;
            };
            let o = &row.observation;
            let arrow = match row.from {
                Side::Client => "client -> server",
                Side::Server => "server -> client",
            };
            let ack = o
                .relative_ack
                .map(|a| format!(" ack={a}"))
                .unwrap_or_default();
            writeln!(
                out,
                "  frame {:<5} {arrow}  {:<12} seq={}{ack} len={}   client {} | server {}",
                row.frame,
                flags_words(row.segment.flags),
                o.relative_seq,
                row.segment.payload_len,
                row.client_state(),
                row.server_state()
            )?;
            writeln!(out, "      {}", explain(row, stream, msl))?;
        }
        let obs = &stream.observer;
        let mut end = format!(
            "  End of the capture: client {}, server {}.",
            obs.state(Side::Client),
            obs.state(Side::Server)
        );
        for side in Side::BOTH {
            if obs.state(side) != State::TimeWait {
                continue;
            }
            match stream.reused_by {
                Some(next) => {
                    let _ = write!(
                        end,
                        " The {side}'s TIME_WAIT is cut short: stream {next} reuses the same ports with a new ISN, which a TIME_WAIT socket may accept (RFC 9293 MAY-2, RFC 6191)."
                    );
                }
                None => {
                    let _ = write!(
                        end,
                        " The {side} stays in TIME_WAIT for 2·MSL ({} s) after it entered it, then becomes CLOSED.",
                        (2 * obs.msl()).as_secs()
                    );
                }
            }
        }
        writeln!(out, "{end}\n")?;
    }
    Ok(())
}

fn write_tsv(analysis: &Analysis, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "{TSV_HEADER}")?;
    for row in &analysis.rows {
        writeln!(out, "{}", row.tsv())?;
    }
    Ok(())
}

fn default_capture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/http-image.pcap")
}

#[allow(dead_code)] // the corpus test includes this file as a module
fn main() -> ExitCode {
    let mut tsv = false;
    let mut path = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--tsv" => tsv = true,
            "-h" | "--help" => {
                println!(
                    "usage: handshake [--tsv] [CAPTURE]   (default: the bundled http-image.pcap)"
                );
                return ExitCode::SUCCESS;
            }
            _ if path.is_none() && !arg.starts_with("--") => path = Some(PathBuf::from(arg)),
            _ => {
                eprintln!(
                    "handshake: unexpected argument {arg:?}; usage: handshake [--tsv] [CAPTURE]"
                );
                return ExitCode::FAILURE;
            }
        }
    }
    let path = path.unwrap_or_else(default_capture);
    let analysis = match analyze(&path) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("handshake: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = if tsv {
        write_tsv(&analysis, &mut out)
    } else {
        print_story(&analysis, &mut out)
    }
    .and_then(|()| out.flush());
    match written {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not an error of ours.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("handshake: cannot write the output: {e}");
            ExitCode::FAILURE
        }
    }
}
