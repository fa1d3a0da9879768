//! The `analyze` example, run in-process: its TSV header and columns as
//! DESIGN.md specifies them, its rows against tshark 4.0.17's values for the
//! bundled capture (copied from the corpus' `http-image.tshark.tsv`), the JSON
//! lines, the readable tags, and, with `SYNACK_CORPUS`, every row of a lossy lab
//! capture against tshark's dump.
#![cfg(feature = "pcap")]

#[allow(dead_code)]
#[path = "../examples/analyze.rs"]
mod analyze;

use std::collections::HashMap;
use std::path::PathBuf;

use analyze::{Format, Options, default_capture, parse_args, run};

fn output(format: Format, path: PathBuf) -> String {
    let mut out = Vec::new();
    run(&Options { format, path }, &mut out, false).expect("the capture reads");
    String::from_utf8(out).expect("UTF-8 output")
}

#[test]
fn tsv_header_is_designs() {
    let text = output(Format::Tsv, default_capture());
    let header = text.lines().next().unwrap_or_default();
    assert_eq!(
        header.split('\t').collect::<Vec<_>>(),
        [
            "frame",
            "stream",
            "src",
            "srcport",
            "dst",
            "dstport",
            "flags",
            "seq",
            "ack",
            "len",
            "nxtseq",
            "seq_raw",
            "ack_raw",
            "win",
            "win_scaled",
            "analysis",
            "dup_ack_num",
            "acks_frame",
            "ack_rtt",
            "bytes_in_flight"
        ]
    );
}

#[test]
fn tsv_rows_match_tshark_on_the_bundled_capture() {
    let text = output(Format::Tsv, default_capture());
    let rows: Vec<&str> = text.lines().skip(1).collect();
    // 64 frames, all TCP (captures/README.md).
    assert_eq!(rows.len(), 64);
    // Frames 1-4 as tshark 4.0.17 prints them (http-image.tshark.tsv): SYN with ack
    // empty, the SYN,ACK acking frame 1 after 53 µs, the ACK whose window 63 is
    // scaled by 1024, the request with 688 bytes in flight.
    assert_eq!(
        rows[0],
        "1\t0\t10.77.0.1\t46882\t10.77.0.2\t80\t0x002\t0\t\t0\t1\t179603736\t0\t64240\t64240\t\t\t\t\t"
    );
    assert_eq!(
        rows[1],
        "2\t0\t10.77.0.2\t80\t10.77.0.1\t46882\t0x012\t0\t1\t0\t1\t2839942476\t179603737\t65160\t65160\t\t\t1\t0.000053000\t"
    );
    assert_eq!(
        rows[2],
        "3\t0\t10.77.0.1\t46882\t10.77.0.2\t80\t0x010\t1\t1\t0\t1\t179603737\t2839942477\t63\t64512\t\t\t2\t0.000017000\t"
    );
    assert_eq!(
        rows[3],
        "4\t0\t10.77.0.1\t46882\t10.77.0.2\t80\t0x018\t1\t1\t688\t689\t179603737\t2839942477\t63\t64512\t\t\t\t\t688"
    );
    for row in &rows {
        assert_eq!(row.split('\t').count(), 20, "{row}");
    }
}

#[test]
fn json_lines_carry_the_same_fields() {
    let text = output(Format::Json, default_capture());
    let keys = [
        "frame",
        "stream",
        "src",
        "srcport",
        "dst",
        "dstport",
        "flags",
        "seq",
        "ack",
        "len",
        "nxtseq",
        "seq_raw",
        "ack_raw",
        "win",
        "win_scaled",
        "analysis",
        "dup_ack_num",
        "acks_frame",
        "ack_rtt",
        "bytes_in_flight",
    ];
    let mut n = 0;
    for line in text.lines() {
        n += 1;
        assert!(
            line.starts_with("{\"frame\":") && line.ends_with('}'),
            "{line}"
        );
        let mut at = 0;
        for key in keys {
            let needle = format!("\"{key}\":");
            let pos = line[at..]
                .find(&needle)
                .unwrap_or_else(|| panic!("{key} in {line}"));
            at += pos + needle.len();
        }
    }
    assert_eq!(n, 64);
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.contains("\"ack\":null") && first.contains("\"analysis\":[]"),
        "{first}"
    );
    let second = text.lines().nth(1).unwrap_or_default();
    assert!(second.contains("\"ack_rtt\":0.000053000"), "{second}");
}

#[test]
fn text_lines_carry_tshark_tags() {
    let Some(root) = std::env::var_os("SYNACK_CORPUS") else {
        return;
    };
    let path = PathBuf::from(root).join("captures/bulk-loss.pcap");
    let text = output(Format::Text, path);
    // bulk-loss.tshark.tsv: frame 99 is "Previous segment not captured", frame 106
    // the first duplicate of frame 98's ACK, frame 107 out of order.
    let line = |f: u64| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(&f.to_string()))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line(99).contains("[TCP Previous segment not captured]"),
        "{}",
        line(99)
    );
    assert!(line(106).contains("[TCP Dup ACK "), "{}", line(106));
    assert!(line(106).contains("#1]"), "{}", line(106));
    assert!(line(107).contains("[TCP Out-Of-Order]"), "{}", line(107));
}

#[test]
fn arguments() {
    let o = parse_args(["--tsv".to_string(), "x.pcap".to_string()]).unwrap();
    assert_eq!(
        o.map(|o| (o.format, o.path)),
        Some((Format::Tsv, PathBuf::from("x.pcap")))
    );
    assert_eq!(parse_args(["--help".to_string()]), Ok(None));
    assert!(parse_args(["--bogus".to_string()]).is_err());
    let d = parse_args(Vec::<String>::new()).unwrap().unwrap();
    assert_eq!((d.format, d.path), (Format::Text, default_capture()));
}

#[test]
fn missing_file_is_an_error() {
    let mut out = Vec::new();
    let r = run(
        &Options {
            format: Format::Tsv,
            path: PathBuf::from("/nonexistent/capture.pcap"),
        },
        &mut out,
        false,
    );
    assert!(r.is_err());
}

/// Every row of bulk-loss (loss, retransmissions, dup ACKs, SACK) against
/// tshark's dump: the TSV cells are tshark's fields.
#[test]
fn tsv_matches_tshark_on_bulk_loss() {
    let Some(root) = std::env::var_os("SYNACK_CORPUS") else {
        return;
    };
    let root = PathBuf::from(root);
    let text = output(Format::Tsv, root.join("captures/bulk-loss.pcap"));
    let theirs = std::fs::read_to_string(root.join("captures/bulk-loss.tshark.tsv")).unwrap();
    let mut lines = theirs.lines();
    let head: HashMap<&str, usize> = lines
        .next()
        .unwrap_or_default()
        .split('\t')
        .enumerate()
        .map(|(i, n)| (n, i))
        .collect();
    let cell =
        |cells: &[&str], name: &str| cells.get(head[name]).copied().unwrap_or("").to_string();
    let mut ours = text.lines().skip(1);
    for line in lines {
        let t: Vec<&str> = line.split('\t').collect();
        let o: Vec<&str> = ours
            .next()
            .expect("a row per segment")
            .split('\t')
            .collect();
        let ack = if u16::from_str_radix(cell(&t, "tcp.flags").trim_start_matches("0x"), 16)
            .unwrap()
            & 0x10
            != 0
        {
            cell(&t, "tcp.ack")
        } else {
            String::new()
        };
        let expected = [
            cell(&t, "frame.number"),
            cell(&t, "tcp.stream"),
            cell(&t, "tcp.seq"),
            ack,
            cell(&t, "tcp.len"),
            cell(&t, "tcp.nxtseq"),
            cell(&t, "tcp.seq_raw"),
            cell(&t, "tcp.window_size_value"),
            cell(&t, "tcp.window_size"),
            cell(&t, "tcp.analysis.duplicate_ack_num"),
            cell(&t, "tcp.analysis.acks_frame"),
            cell(&t, "tcp.analysis.ack_rtt"),
            cell(&t, "tcp.analysis.bytes_in_flight"),
        ];
        let got = [
            o[0], o[1], o[7], o[8], o[9], o[10], o[11], o[13], o[14], o[16], o[17], o[18], o[19],
        ];
        assert_eq!(got.map(str::to_string), expected, "frame {}", o[0]);
    }
}
