//! The `handshake` example's analysis (stream grouping + one `Observer` per stream)
//! checked against captures whose story is known.
//!
//! * Always: the bundled `http-image`, `simultaneous-open` and `simultaneous-close`
//!   captures (tests/data), with the states the RFC figures prescribe.
//! * With `SYNACK_CORPUS` pointing at the corpus directory (with `captures/` and
//!   `captures-wild/`): every capture, against its `*.tshark.tsv` written by tshark
//!   4.0.17, used as independent evidence:
//!   - every TCP row (rows of TCP quoted inside ICMP errors excluded, see
//!     captures-wild/README.md): our `stream`, relative `seq`, relative `ack` (when
//!     the ACK bit is set; tshark prints the raw field otherwise) and `len` equal
//!     tshark's `tcp.stream`, `tcp.seq`, `tcp.ack` and `tcp.len`;
//!   - per stream, from tshark's flags and relative numbers alone: a completed
//!     handshake (SYN, SYN,ACK with ack 1, ACK with ack 1 as the first three
//!     segments) leaves both sides ESTABLISHED after the third; a SYN answered by a
//!     RST,ACK acknowledging it leaves both CLOSED; on a synchronized connection
//!     (mid-stream start, or both SYNs seen and acknowledged), a first RST whose
//!     sequence number is exactly the receiver's last acknowledgment (its RCV.NXT)
//!     leaves both CLOSED (the receiver may be in LISTEN if it was a passive opener
//!     still in SYN_RECEIVED);
//!     FINs both ways with the last one acknowledged leave the first closer in
//!     TIME_WAIT and the other side CLOSED, or both in TIME_WAIT when the FINs crossed
//!     (the second FIN does not acknowledge the first and nothing acknowledged it
//!     before).
#![cfg(feature = "pcap")]

#[allow(dead_code)]
#[path = "../examples/handshake.rs"]
mod handshake;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use handshake::{Analysis, Row, analyze};
use synack::flags::TcpFlags;
use synack::state::{Cause, Note, Side, State};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn states(row: &Row) -> (State, State) {
    (row.client_state(), row.server_state())
}

fn passed(a: &Analysis, side: Side, state: State) -> bool {
    a.rows.iter().any(|r| {
        r.observation
            .transitions
            .iter()
            .any(|t| t.side == side && t.to == state && t.cause != Cause::Revised)
    })
}

#[test]
fn http_image_story() {
    let a = analyze(&data("http-image.pcap")).expect("bundled capture");
    assert_eq!(a.records, 64);
    assert_eq!(a.rows.len(), 64);
    assert_eq!(a.streams.len(), 1);
    use State::*;
    // RFC 793 figure 7, then figure 13: values from the capture's tshark.tsv
    // (client 10.77.0.1:46882, request 688 bytes, response 44142 bytes, client closes first).
    let r = &a.rows;
    assert_eq!(states(&r[0]), (SynSent, SynReceived));
    assert_eq!(states(&r[1]), (Established, SynReceived));
    assert_eq!(states(&r[2]), (Established, Established));
    assert_eq!(
        (r[3].observation.relative_seq, r[3].segment.payload_len),
        (1, 688)
    );
    assert_eq!(r[4].observation.relative_ack, Some(689));
    assert_eq!(states(&r[61]), (FinWait1, CloseWait));
    assert_eq!(states(&r[62]), (TimeWait, LastAck));
    assert_eq!(states(&r[63]), (TimeWait, Closed));
    assert_eq!(
        (
            r[63].observation.relative_seq,
            r[63].observation.relative_ack
        ),
        (690, Some(44144))
    );
    assert_eq!(
        r[0].tsv(),
        "1\t0\t10.77.0.1:46882\t10.77.0.2:80\tS\t0\t\t0\tSYN_SENT\tSYN_RECEIVED"
    );
    assert!(
        a.rows.iter().all(|r| r.observation.notes.is_empty()),
        "a clean capture has nothing to note"
    );
}

#[test]
fn simultaneous_open_both_pass_syn_received() {
    let a = analyze(&data("simultaneous-open.pcap")).expect("bundled capture");
    assert_eq!(a.streams.len(), 1);
    assert!(passed(&a, Side::Client, State::SynReceived));
    assert!(passed(&a, Side::Server, State::SynReceived));
    assert!(passed(&a, Side::Client, State::SynSent));
    assert!(passed(&a, Side::Server, State::SynSent));
    // Frame 2, the server's SYN without ACK, is where the crossing shows.
    let r = &a.rows[1];
    assert!(r.observation.notes.contains(Note::Crossed));
    assert_eq!(states(r), (State::SynReceived, State::SynReceived));
    assert_eq!(states(&a.rows[3]), (State::Established, State::Established));
    // An orderly close follows: client FIN first (frame 11), acknowledged by the server's FIN.
    let last = a.rows.last().expect("rows");
    assert_eq!(states(last), (State::TimeWait, State::Closed));
}

#[test]
fn simultaneous_close_both_pass_closing() {
    let a = analyze(&data("simultaneous-close.pcap")).expect("bundled capture");
    assert_eq!(a.streams.len(), 1);
    assert!(passed(&a, Side::Client, State::Closing));
    assert!(passed(&a, Side::Server, State::Closing));
    // Frame 11: the server's FIN with ack 326 does not cover the client's FIN at 326.
    let r = &a.rows[10];
    assert_eq!((r.frame, r.observation.relative_ack), (11, Some(326)));
    assert!(r.observation.notes.contains(Note::Crossed));
    assert_eq!(states(r), (State::Closing, State::Closing));
    assert_eq!(states(&a.rows[11]), (State::Closing, State::TimeWait));
    assert_eq!(states(&a.rows[12]), (State::TimeWait, State::TimeWait));
}

#[test]
fn missing_file_is_an_error() {
    let e = analyze(Path::new("/nonexistent/capture.pcap")).unwrap_err();
    assert!(e.contains("/nonexistent/capture.pcap"), "{e}");
}

#[test]
fn malformed_file_is_an_error() {
    let dir = std::env::temp_dir().join(format!("synack-handshake-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("garbage.pcap");
    fs::write(&path, b"this is not a capture file at all").expect("write");
    assert!(analyze(&path).is_err());
    // A valid pcap header with a record cut in the middle.
    let mut bytes = fs::read(data("http-image.pcap")).expect("bundled capture");
    bytes.truncate(24 + 16 + 30);
    fs::write(&path, &bytes).expect("write");
    assert!(analyze(&path).is_err());
    let _ = fs::remove_dir_all(&dir);
}

// ------------------------------------------------------------------ corpus

/// One TCP row of a tshark TSV.
#[derive(Clone, Debug)]
struct TsharkRow {
    frame: u64,
    stream: usize,
    src: String,
    flags: TcpFlags,
    seq: u32,
    ack: u32,
    len: u32,
}

impl TsharkRow {
    fn has(&self, f: TcpFlags) -> bool {
        self.flags.contains(f)
    }
    fn nxtseq(&self) -> u32 {
        self.seq
            .wrapping_add(self.len)
            .wrapping_add(self.flags.seq_len())
    }
}

/// The TCP rows of a tshark TSV, without rows of TCP quoted inside ICMP errors
/// (no `tcp.len`). A frame with two TCP headers keeps the first.
fn read_tshark(path: &Path) -> Vec<TsharkRow> {
    let text = fs::read_to_string(path).expect("tshark tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (c_frame, c_stream, c_ip, c_ip6, c_port, c_flags, c_seq, c_ack, c_len) = (
        col("frame.number"),
        col("tcp.stream"),
        col("ip.src"),
        col("ipv6.src"),
        col("tcp.srcport"),
        col("tcp.flags"),
        col("tcp.seq"),
        col("tcp.ack"),
        col("tcp.len"),
    );
    let first = |s: &str| s.split(',').next().unwrap_or("").to_string();
    let last = |s: &str| s.split(',').next_back().unwrap_or("").to_string();
    let mut rows = Vec::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        let get = |i: usize| f.get(i).copied().unwrap_or("");
        if get(c_port).is_empty() || get(c_len).is_empty() {
            continue;
        }
        let ip = if get(c_ip6).is_empty() {
            last(get(c_ip))
        } else {
            last(get(c_ip6))
        };
        let ip: std::net::IpAddr = ip.parse().expect("address");
        let port: u16 = first(get(c_port)).parse().expect("port");
        let flags =
            u16::from_str_radix(first(get(c_flags)).trim_start_matches("0x"), 16).expect("flags");
        rows.push(TsharkRow {
            frame: get(c_frame).parse().expect("frame"),
            stream: first(get(c_stream)).parse().expect("stream"),
            src: std::net::SocketAddr::new(ip, port).to_string(),
            flags: TcpFlags::from_bits_retain(flags),
            seq: first(get(c_seq)).parse().expect("seq"),
            ack: first(get(c_ack)).parse().expect("ack"),
            len: first(get(c_len)).parse().expect("len"),
        });
    }
    rows
}

#[derive(Default, Debug)]
struct Tally {
    captures: usize,
    rows_compared: usize,
    rows_agree: usize,
    rows_only_tshark: usize,
    rows_only_ours: usize,
    streams: usize,
    handshakes: (usize, usize),
    refused: (usize, usize),
    resets: (usize, usize),
    closes: (usize, usize),
    /// Differences with a documented cause (IP reassembly, a TCP header cut by the
    /// snapshot length): counted and printed, not failures.
    explained: Vec<String>,
    disagreements: Vec<String>,
}

fn check(t: &mut (usize, usize), ok: bool, what: String, out: &mut Vec<String>) {
    t.0 += 1;
    if ok {
        t.1 += 1;
    } else {
        out.push(what);
    }
}

/// Our state of the sender (`x`'s side) and of the other side after a frame.
fn side_states(ours: &Row, sender_addr: &str) -> (State, State) {
    let o = &ours.observation;
    let sender_is_src = ours.src.to_string() == sender_addr;
    let sender = if sender_is_src {
        ours.from
    } else {
        ours.from.peer()
    };
    (o.state(sender), o.state(sender.peer()))
}

/// For each frame number, why `decode` found no TCP segment in it: `Some(reason)`
/// when the reason is IP reassembly or truncation, `None` otherwise.
fn skip_reasons(pcap: &Path, frames: &[u64]) -> HashMap<u64, Option<String>> {
    use synack::capture::CaptureReader;
    use synack::wire::{DecodeError, Decoded, decode_all};
    let mut out = HashMap::new();
    if frames.is_empty() {
        return out;
    }
    let Ok(mut reader) = CaptureReader::open(pcap) else {
        return out;
    };
    while let Some(Ok(record)) = reader.next_record() {
        let frame = record.index + 1;
        if !frames.contains(&frame) {
            continue;
        }
        let reason = decode_all(record.link_type, record.data).find_map(|d| match d {
            Decoded::Error(DecodeError::Fragment(f)) => {
                Some(format!("IP fragment, tshark reassembles: {f}"))
            }
            Decoded::Error(DecodeError::Truncated(t)) => {
                Some(format!("cut by the snapshot length: {t}"))
            }
            Decoded::Error(DecodeError::TcpCut(c)) => Some(format!("{c}")),
            _ => None,
        });
        out.insert(frame, reason);
    }
    out
}

fn check_capture(name: &str, pcap: &Path, tsv: &Path, tally: &mut Tally) {
    let analysis = match analyze(pcap) {
        Ok(a) => a,
        Err(e) => {
            tally.disagreements.push(format!("{name}: {e}"));
            return;
        }
    };
    tally.captures += 1;
    let theirs = read_tshark(tsv);
    // A frame with two TCP segments (802.11 A-MSDU) is compared by its first one.
    let mut ours: HashMap<u64, &Row> = HashMap::new();
    for r in &analysis.rows {
        ours.entry(r.frame).or_insert(r);
    }
    let their_frames: HashMap<u64, &TsharkRow> = theirs.iter().map(|r| (r.frame, r)).collect();
    // Why we have no segment where tshark has one: tshark reassembles IPv4 fragments
    // (the TCP columns sit on the frame completing the datagram) and reads what is
    // left of a TCP header cut by the snapshot length; synack's decode does neither.
    let missing: Vec<u64> = theirs
        .iter()
        .filter(|t| !ours.contains_key(&t.frame))
        .map(|t| t.frame)
        .collect();
    let reasons = skip_reasons(pcap, &missing);
    let mut streams_with_skips = std::collections::HashSet::new();
    for t in &theirs {
        let Some(o) = ours.get(&t.frame) else {
            tally.rows_only_tshark += 1;
            match reasons.get(&t.frame) {
                Some(Some(reason)) => {
                    streams_with_skips.insert(t.stream);
                    tally.explained.push(format!(
                        "{name} frame {}: no segment decoded ({reason})",
                        t.frame
                    ));
                }
                _ => tally.disagreements.push(format!(
                    "{name} frame {}: tshark has TCP, we decoded none",
                    t.frame
                )),
            }
            continue;
        };
        tally.rows_compared += 1;
        let ack_ok = !t.has(TcpFlags::ACK) || o.observation.relative_ack == Some(t.ack);
        let ok = o.stream == t.stream
            && o.observation.relative_seq == t.seq
            && ack_ok
            && o.segment.payload_len == t.len;
        if ok {
            tally.rows_agree += 1;
        } else {
            let out = if streams_with_skips.contains(&t.stream) {
                // An earlier frame of this stream was skipped: Wireshark took its
                // base sequence number from it.
                &mut tally.explained
            } else {
                &mut tally.disagreements
            };
            out.push(format!(
                "{name} frame {}: ours stream {} seq {} ack {:?} len {}, tshark stream {} seq {} ack {} len {}",
                t.frame,
                o.stream,
                o.observation.relative_seq,
                o.observation.relative_ack,
                o.segment.payload_len,
                t.stream,
                t.seq,
                t.ack,
                t.len
            ));
        }
    }
    for r in &analysis.rows {
        if !their_frames.contains_key(&r.frame) {
            tally.rows_only_ours += 1;
            tally.disagreements.push(format!(
                "{name} frame {}: we decoded TCP, tshark has none",
                r.frame
            ));
        }
    }

    // Per-stream evidence, from tshark's rows alone.
    let mut streams: BTreeMap<usize, Vec<&TsharkRow>> = BTreeMap::new();
    for t in &theirs {
        streams.entry(t.stream).or_default().push(t);
    }
    for (stream, rows) in &streams {
        tally.streams += 1;
        let at = |frame: u64| ours.get(&frame).copied();
        let label =
            |what: &str, frame: u64| format!("{name} stream {stream} {what} (frame {frame})");
        // Completed handshake in the first three segments.
        if let [s, sa, a, ..] = rows.as_slice() {
            let syn = s.has(TcpFlags::SYN) && !s.has(TcpFlags::ACK);
            let synack = sa.has(TcpFlags::SYN | TcpFlags::ACK) && sa.src != s.src && sa.ack == 1;
            let ack = a.src == s.src
                && a.has(TcpFlags::ACK)
                && !a
                    .flags
                    .intersects(TcpFlags::SYN | TcpFlags::RST | TcpFlags::FIN)
                && a.ack == 1
                && a.seq == 1;
            if syn && synack && ack {
                let ok = at(a.frame)
                    .is_some_and(|r| states(r) == (State::Established, State::Established));
                check(
                    &mut tally.handshakes,
                    ok,
                    label("handshake", a.frame),
                    &mut tally.disagreements,
                );
            }
        }
        // SYN answered by RST,ACK acknowledging it.
        if let [s, r, ..] = rows.as_slice() {
            if s.has(TcpFlags::SYN)
                && !s.has(TcpFlags::ACK)
                && r.src != s.src
                && r.has(TcpFlags::RST | TcpFlags::ACK)
                && r.ack == s.nxtseq()
            {
                let ok = at(r.frame).is_some_and(|o| states(o) == (State::Closed, State::Closed));
                check(
                    &mut tally.refused,
                    ok,
                    label("refused", r.frame),
                    &mut tally.disagreements,
                );
            }
        }
        // A RST exactly at the receiver's RCV.NXT (its last acknowledgment), once synchronized.
        // Synchronized: the stream starts mid-connection, or both SYNs were seen and a
        // segment without SYN acknowledged the other side's SYN.
        let mut last_ack: HashMap<&str, u32> = HashMap::new();
        let mut syn_end: HashMap<&str, u32> = HashMap::new();
        let mut synchronized = !rows[0].has(TcpFlags::SYN);
        for (i, t) in rows.iter().enumerate() {
            if t.has(TcpFlags::SYN) {
                syn_end.insert(t.src.as_str(), t.nxtseq());
            } else if t.has(TcpFlags::ACK) && syn_end.len() == 2 {
                let other = syn_end
                    .iter()
                    .find(|(k, _)| **k != t.src.as_str())
                    .map(|(_, v)| *v);
                if other.is_some_and(|end| (t.ack.wrapping_sub(end) as i32) >= 0) {
                    synchronized = true;
                }
            }
            if t.has(TcpFlags::RST) {
                let receiver_ack = last_ack
                    .iter()
                    .find(|(k, _)| **k != t.src.as_str())
                    .map(|(_, v)| *v);
                if synchronized && i >= 1 && receiver_ack == Some(t.seq) {
                    let ok = at(t.frame).is_some_and(|o| {
                        let (snd, rcv) = side_states(o, &t.src);
                        snd == State::Closed && matches!(rcv, State::Closed | State::Listen)
                    });
                    check(
                        &mut tally.resets,
                        ok,
                        label("reset", t.frame),
                        &mut tally.disagreements,
                    );
                }
                break;
            }
            if t.has(TcpFlags::ACK) {
                let e = last_ack.entry(t.src.as_str()).or_insert(t.ack);
                if t.ack.wrapping_sub(*e) as i32 > 0 {
                    *e = t.ack;
                }
            }
        }
        // FINs both ways, the second acknowledged; no RST and no new SYN in the stream.
        if rows.iter().any(|t| t.has(TcpFlags::RST)) {
            continue;
        }
        let Some(first_fin) = rows.iter().position(|t| t.has(TcpFlags::FIN)) else {
            continue;
        };
        let x = rows[first_fin];
        if rows[first_fin..].iter().any(|t| t.has(TcpFlags::SYN)) {
            continue;
        }
        let Some(second) = rows[first_fin..]
            .iter()
            .position(|t| t.has(TcpFlags::FIN) && t.src != x.src)
        else {
            continue;
        };
        let second = first_fin + second;
        let y = rows[second];
        let fx = x.nxtseq();
        let fy = y.nxtseq();
        let covers =
            |t: &TsharkRow, n: u32| t.has(TcpFlags::ACK) && (t.ack.wrapping_sub(n) as i32) >= 0;
        let crossed = !covers(y, fx);
        let Some(final_ack) = rows[second..]
            .iter()
            .position(|t| t.src == x.src && covers(t, fy))
        else {
            continue;
        };
        let final_ack = rows[second + final_ack];
        let last = *rows.last().expect("rows");
        let Some(o) = at(last.frame) else { continue };
        let (sx, sy) = side_states(o, &x.src);
        if crossed
            && !rows[second..]
                .iter()
                .any(|t| t.src == y.src && covers(t, fx))
        {
            continue; // the first closer's FIN is never acknowledged: no verdict
        }
        let expected = if crossed {
            (State::TimeWait, State::TimeWait)
        } else {
            (State::TimeWait, State::Closed)
        };
        let ok = (sx, sy) == expected;
        let what = if crossed {
            "simultaneous close"
        } else {
            "close"
        };
        check(
            &mut tally.closes,
            ok,
            label(what, final_ack.frame),
            &mut tally.disagreements,
        );
    }
}

fn corpus_captures(dir: &Path) -> Vec<(String, PathBuf, PathBuf)> {
    let mut out = Vec::new();
    for sub in ["captures", "captures-wild"] {
        let Ok(entries) = fs::read_dir(dir.join(sub)) else {
            continue;
        };
        let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        names.sort();
        for p in names {
            let file = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            let stem = match file
                .strip_suffix(".pcap")
                .or_else(|| file.strip_suffix(".pcapng"))
            {
                Some(s) => s.to_string(),
                None => continue,
            };
            let tsv = dir.join(sub).join(format!("{stem}.tshark.tsv"));
            if tsv.exists() {
                // The pcapng copies in captures/ share the pcap's TSV; check them too.
                out.push((format!("{sub}/{file}"), p.clone(), tsv));
            }
        }
    }
    out
}

#[test]
fn corpus_against_tshark() {
    let Some(dir) = std::env::var_os("SYNACK_CORPUS").map(PathBuf::from) else {
        eprintln!("corpus_against_tshark: SYNACK_CORPUS is not set, skipping the corpus checks");
        return;
    };
    let mut tally = Tally::default();
    for (name, pcap, tsv) in corpus_captures(&dir) {
        check_capture(&name, &pcap, &tsv, &mut tally);
    }
    eprintln!(
        "handshake corpus: {} captures, {} TCP rows compared, {} agree (stream/seq/ack/len), {} only in tshark, {} only ours",
        tally.captures,
        tally.rows_compared,
        tally.rows_agree,
        tally.rows_only_tshark,
        tally.rows_only_ours
    );
    eprintln!(
        "  {} streams; handshakes {}/{}, refused {}/{}, resets {}/{}, closes {}/{} agree",
        tally.streams,
        tally.handshakes.1,
        tally.handshakes.0,
        tally.refused.1,
        tally.refused.0,
        tally.resets.1,
        tally.resets.0,
        tally.closes.1,
        tally.closes.0
    );
    eprintln!("  {} explained differences:", tally.explained.len());
    for d in &tally.explained {
        eprintln!("  EXPLAINED {d}");
    }
    for d in &tally.disagreements {
        eprintln!("  DISAGREE {d}");
    }
    assert!(
        tally.captures > 0,
        "no capture found under {}",
        dir.display()
    );
    assert!(
        tally.disagreements.is_empty(),
        "{} disagreements",
        tally.disagreements.len()
    );
}
