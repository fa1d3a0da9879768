//! Runs `examples/dump.rs` in-process (its `run` function, with the arguments and
//! two in-memory streams) and checks its output against tshark's field dumps and
//! its error handling.
#![cfg(feature = "pcap")]

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use synack::flags::TcpFlags;

#[allow(dead_code)] // the example's `main`
#[path = "../examples/dump.rs"]
mod dump;

/// What a run of the program gave.
struct Output {
    code: u8,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn dump(args: &[&Path]) -> Output {
    let args: Vec<OsString> = args.iter().map(|p| p.as_os_str().to_owned()).collect();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = dump::run(&args, &mut stdout, &mut stderr);
    Output {
        code,
        stdout,
        stderr,
    }
}

fn stdout_lines(output: &Output) -> Vec<String> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn data_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A scratch file for this test process.
fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synack-dump-test-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    path
}

/// The fields of one dump line, split back out.
#[derive(Debug, Default, PartialEq)]
struct Line {
    time: String,
    family: String,
    source: String,
    source_port: String,
    destination: String,
    destination_port: String,
    flags: String,
    seq: Option<String>,
    ack: Option<String>,
    win: String,
    options: Option<String>,
    length: String,
}

fn split_endpoint(endpoint: &str) -> (String, String) {
    let (address, port) = endpoint.rsplit_once('.').unwrap();
    (address.to_string(), port.to_string())
}

fn parse_line(line: &str) -> Line {
    let (head, rest) = line.split_once(": Flags [").unwrap();
    let mut words = head.split(' ');
    let time = words.next().unwrap().to_string();
    let family = words.next().unwrap().to_string();
    let (source, source_port) = split_endpoint(words.next().unwrap());
    assert_eq!(words.next(), Some(">"));
    let (destination, destination_port) = split_endpoint(words.next().unwrap());
    let (flags, rest) = rest.split_once("], ").unwrap();
    let mut parsed = Line {
        time,
        family,
        source,
        source_port,
        destination,
        destination_port,
        flags: flags.to_string(),
        ..Line::default()
    };
    // Options come in brackets and hold commas; cut them out first.
    let rest = match rest.split_once("options [") {
        Some((before, after)) => {
            let (options, after) = after.split_once(']').unwrap();
            parsed.options = Some(options.to_string());
            format!("{before}{after}")
        }
        None => rest.to_string(),
    };
    for field in rest.split(", ").filter(|f| !f.is_empty()) {
        let (name, value) = field.split_once(' ').unwrap_or((field, ""));
        let value = value.to_string();
        match name {
            "seq" => parsed.seq = Some(value),
            "ack" => parsed.ack = Some(value),
            "win" => parsed.win = value,
            "length" => parsed.length = value,
            "urg" => {}
            other => panic!("unexpected field {other:?} in {line}"),
        }
    }
    parsed
}

#[test]
fn bundled_capture_first_line_matches_tshark_row_1() {
    let output = dump(&[]);
    assert_eq!(output.code, 0, "{}", stderr(&output));
    let lines = stdout_lines(&output);
    assert_eq!(lines.len(), 64);
    // http-image.tshark.tsv row 1: time_epoch 1795465490.743429000, 10.77.0.1:46882 ->
    // 10.77.0.2:80, flags 0x0002, seq_raw 179603736, window 64240, mss 1460,
    // sack_perm, tsval 4006145894, tsecr 0, wscale 10, len 0.
    let first = parse_line(&lines[0]);
    assert_eq!(
        first,
        Line {
            time: "1795465490.743429".into(),
            family: "IP".into(),
            source: "10.77.0.1".into(),
            source_port: "46882".into(),
            destination: "10.77.0.2".into(),
            destination_port: "80".into(),
            flags: "S".into(),
            seq: Some("179603736".into()),
            ack: None,
            win: "64240".into(),
            options: Some("mss 1460,sackOK,TS val 4006145894 ecr 0,nop,wscale 10".into()),
            length: "0".into(),
        }
    );
    assert_eq!(
        lines[0],
        "1795465490.743429 IP 10.77.0.1.46882 > 10.77.0.2.80: Flags [S], seq 179603736, win 64240, \
         options [mss 1460,sackOK,TS val 4006145894 ecr 0,nop,wscale 10], length 0"
    );
    // Row 2: SYN-ACK, seq_raw 2839942476, ack_raw 179603737.
    let second = parse_line(&lines[1]);
    assert_eq!(second.flags, "S.");
    assert_eq!(second.seq.as_deref(), Some("2839942476"));
    assert_eq!(second.ack.as_deref(), Some("179603737"));
    let summary = stderr(&output);
    assert!(
        summary.contains("64 records, 64 TCP segments, 0 not TCP, 0 not decoded"),
        "{summary}"
    );
}

#[test]
fn missing_file_is_a_readable_error() {
    let path = Path::new("/nonexistent/synack/missing.pcap");
    let output = dump(&[path]);
    assert_eq!(output.code, 1);
    let message = stderr(&output);
    assert!(
        message.contains("/nonexistent/synack/missing.pcap"),
        "{message}"
    );
    assert!(!message.contains("panicked"), "{message}");
    assert!(output.stdout.is_empty());
}

#[test]
fn not_a_capture_is_a_readable_error() {
    let path = scratch("garbage.pcap", b"this is not a capture file at all");
    let output = dump(&[&path]);
    assert_eq!(output.code, 1);
    let message = stderr(&output);
    assert!(
        message.contains("not a pcap or pcapng capture"),
        "{message}"
    );
    assert!(message.contains("garbage.pcap"), "{message}");
}

#[test]
fn truncated_capture_prints_the_good_records_then_fails() {
    let file = fs::read(data_path("http-image.pcap")).unwrap();
    // Header, record 1 (16 + 74 bytes), then 30 bytes of record 2.
    let path = scratch("cut.pcap", &file[..24 + 16 + 74 + 30]);
    let output = dump(&[&path]);
    assert_eq!(output.code, 1);
    assert_eq!(stdout_lines(&output).len(), 1);
    let message = stderr(&output);
    assert!(message.contains("cut short"), "{message}");
    assert!(message.contains("cut.pcap"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn pcapng_copy_prints_the_same_lines() {
    let pcap = dump(&[&data_path("http-image.pcap")]);
    let pcapng = dump(&[&data_path("http-image.pcapng")]);
    assert_eq!(pcapng.code, 0);
    assert_eq!(pcap.stdout, pcapng.stdout);
}

/// Stands for a pipe whose reader goes away after `lines` lines: then every write
/// fails with `BrokenPipe`.
struct ClosingPipe {
    kept: Vec<u8>,
    lines: usize,
}

impl Write for ClosingPipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.kept.iter().filter(|&&b| b == b'\n').count() >= self.lines {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        self.kept.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn closed_pipe_ends_quietly() {
    let mut pipe = ClosingPipe {
        kept: Vec::new(),
        lines: 1,
    };
    let mut message = Vec::new();
    let code = dump::run(&[], &mut pipe, &mut message);
    let message = String::from_utf8(message).unwrap();
    assert_eq!(code, 0, "{message}");
    assert!(message.is_empty(), "{message}");
    assert!(
        String::from_utf8(pipe.kept)
            .unwrap()
            .starts_with("1795465490.743429 IP ")
    );
    // Any other write error is reported, with exit code 1.
    struct Full;
    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::StorageFull.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut message = Vec::new();
    assert_eq!(dump::run(&[], &mut Full, &mut message), 1);
    assert!(
        String::from_utf8(message)
            .unwrap()
            .starts_with("dump: cannot write: ")
    );
}

/// Every line of every lab capture (all frames there are TCP) against every row
/// of its tshark TSV.
#[test]
fn corpus_lines_match_tshark_fields() {
    let Some(dir) = std::env::var_os("SYNACK_CORPUS") else {
        eprintln!("corpus_lines_match_tshark_fields: SYNACK_CORPUS is not set, skipping");
        return;
    };
    let captures = Path::new(&dir).join("captures");
    let mut names: Vec<String> = fs::read_dir(&captures)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "pcap"))
        .map(|path| path.file_stem().unwrap().to_str().unwrap().to_string())
        .collect();
    names.sort();
    assert!(names.len() >= 15, "{names:?}");
    for name in &names {
        let tsv = fs::read_to_string(captures.join(format!("{name}.tshark.tsv"))).unwrap();
        let mut rows = tsv.lines();
        let header: Vec<&str> = rows.next().unwrap().split('\t').collect();
        let column = |row: &[&str], field: &str| -> String {
            let i = header.iter().position(|h| *h == field).unwrap();
            row.get(i).copied().unwrap_or("").to_string()
        };
        let output = dump(&[&captures.join(format!("{name}.pcap"))]);
        assert_eq!(output.code, 0, "{name}: {}", stderr(&output));
        let lines = stdout_lines(&output);
        let rows: Vec<Vec<&str>> = rows.map(|r| r.split('\t').collect()).collect();
        assert_eq!(lines.len(), rows.len(), "{name}");
        for (line, row) in lines.iter().zip(&rows) {
            let got = parse_line(line);
            let context = format!("{name} frame {}: {line}", column(row, "frame.number"));
            let epoch = column(row, "frame.time_epoch");
            assert_eq!(got.time, epoch[..epoch.len() - 3], "{context}");
            let v6 = column(row, "ip.src").is_empty();
            assert_eq!(got.family, if v6 { "IP6" } else { "IP" }, "{context}");
            let (src, dst) = if v6 {
                ("ipv6.src", "ipv6.dst")
            } else {
                ("ip.src", "ip.dst")
            };
            assert_eq!(got.source, column(row, src), "{context}");
            assert_eq!(got.destination, column(row, dst), "{context}");
            assert_eq!(got.source_port, column(row, "tcp.srcport"), "{context}");
            assert_eq!(
                got.destination_port,
                column(row, "tcp.dstport"),
                "{context}"
            );
            let flags_hex = column(row, "tcp.flags");
            let flags = TcpFlags::from_bits_retain(
                u16::from_str_radix(flags_hex.trim_start_matches("0x"), 16).unwrap(),
            );
            assert_eq!(TcpFlags::parse_tcpdump(&got.flags), Ok(flags), "{context}");
            let len = column(row, "tcp.len");
            assert_eq!(got.length, len, "{context}");
            let seq_raw: u32 = column(row, "tcp.seq_raw").parse().unwrap();
            let len: u32 = len.parse().unwrap();
            let expected_seq = if len > 0 {
                Some(format!("{seq_raw}:{}", seq_raw.wrapping_add(len)))
            } else if flags.intersects(TcpFlags::SYN | TcpFlags::FIN | TcpFlags::RST) {
                Some(seq_raw.to_string())
            } else {
                None
            };
            assert_eq!(got.seq, expected_seq, "{context}");
            let expected_ack = flags
                .contains(TcpFlags::ACK)
                .then(|| column(row, "tcp.ack_raw"));
            assert_eq!(got.ack, expected_ack, "{context}");
            assert_eq!(got.win, column(row, "tcp.window_size_value"), "{context}");
            let options = got.options.clone().unwrap_or_default();
            let mss = column(row, "tcp.options.mss_val");
            assert_eq!(
                options.contains(&format!("mss {mss}")),
                !mss.is_empty(),
                "{context}"
            );
            let shift = column(row, "tcp.options.wscale.shift");
            assert_eq!(
                options.contains(&format!("wscale {shift}")),
                !shift.is_empty(),
                "{context}"
            );
            let tsval = column(row, "tcp.options.timestamp.tsval");
            if !tsval.is_empty() {
                let tsecr = column(row, "tcp.options.timestamp.tsecr");
                assert!(
                    options.contains(&format!("TS val {tsval} ecr {tsecr}")),
                    "{context}"
                );
            }
            assert_eq!(
                options.contains("sackOK"),
                !column(row, "tcp.options.sack_perm").is_empty(),
                "{context}"
            );
            let sacks = column(row, "tcp.options.sack_le");
            let blocks = if sacks.is_empty() {
                0
            } else {
                sacks.split(',').count()
            };
            if blocks > 0 {
                assert!(options.contains(&format!("sack {blocks} {{")), "{context}");
            }
        }
    }
}
