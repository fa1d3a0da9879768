//! `track::zeek` against Zeek's own `conn.log` for the 31 captures of
//! `$SYNACK_CORPUS/captures-wild/` that have a `*.zeek-conn.tsv` (written by Zeek
//! itself in its test suite, commit a13de64f; see that directory's README).
//!
//! Each capture is replayed through [`ZeekSessions`] with the settings the Zeek
//! test used (`-C` and script redefinitions are read from the TSV's comment
//! lines). Our connections are matched to Zeek's rows by the address and port
//! columns the row gives (in order, for rows of the same 4-tuple), and every
//! column the row gives is compared: `conn_state` must agree on every row,
//! `history` on at least 90 % of rows, packets, bytes, duration (to the
//! microsecond Zeek prints) and missed bytes wherever given. A disagreement
//! fails the test unless it is in [`KNOWN`] with the reason it was verified.
//! The test prints agreement per capture and per column.
#![cfg(feature = "pcap")]

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use synack::capture::CaptureReader;
use synack::track::zeek::{ZeekConfig, ZeekRecord, ZeekSegment, ZeekSessions};
use synack::wire::{DecodeError, Decoded, decode_all};

/// Disagreements checked by hand: (capture stem, row number (1-based, data rows),
/// column, reason).
/// Column `row` means the row found no connection of ours.
const KNOWN: &[(&str, usize, &str, &str)] = &[];

const COLUMNS: [&str; 12] = [
    "orig_h",
    "orig_p",
    "resp_h",
    "resp_p",
    "conn_state",
    "history",
    "orig_pkts",
    "resp_pkts",
    "orig_bytes",
    "resp_bytes",
    "duration",
    "missed_bytes",
];

struct Oracle {
    /// Zeek's `-f 'tcp port N'` capture filter, if the test used one.
    port_filter: Option<u16>,
    ignore_checksums: bool,
    bare: bool,
    excessive_off: bool,
    rows: Vec<Vec<String>>,
}

fn read_oracle(path: &Path) -> Oracle {
    let text = fs::read_to_string(path).expect("zeek-conn.tsv");
    let mut oracle = Oracle {
        port_filter: None,
        ignore_checksums: false,
        bare: false,
        excessive_off: false,
        rows: Vec::new(),
    };
    let mut header_seen = false;
    for line in text.lines() {
        if let Some(comment) = line.strip_prefix('#') {
            if comment.contains("-C (ignore checksums): yes") {
                oracle.ignore_checksums = true;
            }
            if let Some(rest) = comment.split("-f 'tcp port ").nth(1) {
                oracle.port_filter = rest.split('\'').next().and_then(|p| p.parse().ok());
            }
            if comment.contains("bare mode (-b): yes") {
                oracle.bare = true;
            }
            if comment.contains("tcp_excessive_data_without_further_acks=0") {
                oracle.excessive_off = true;
            }
            continue;
        }
        if !header_seen {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols, COLUMNS, "{}: header", path.display());
            header_seen = true;
            continue;
        }
        let cols: Vec<String> = line.split('\t').map(str::to_string).collect();
        assert_eq!(cols.len(), COLUMNS.len(), "{}: {line}", path.display());
        oracle.rows.push(cols);
    }
    oracle
}

fn replay(capture: &Path, config: ZeekConfig, port_filter: Option<u16>) -> Vec<ZeekRecord> {
    let mut reader = CaptureReader::open(capture).expect("capture opens");
    let mut sessions = ZeekSessions::new(config);
    let mut out = Vec::new();
    while let Some(record) = reader.next_record() {
        let record = record.expect("capture reads");
        let time = record.timestamp.to_duration().unwrap_or_default();
        let filtered = |source: std::net::SocketAddr, destination: std::net::SocketAddr| {
            port_filter.is_some_and(|p| source.port() != p && destination.port() != p)
        };
        for decoded in decode_all(record.link_type, record.data) {
            match decoded {
                Decoded::Tcp(packet) => {
                    if filtered(packet.source(), packet.destination()) {
                        continue;
                    }
                    let seg = ZeekSegment::from_packet(&packet, record.data);
                    sessions.on_segment(packet.source(), packet.destination(), &seg, time);
                }
                // A header cut by the snapshot length: Zeek opens the
                // connection and drops the packet.
                Decoded::Error(DecodeError::TcpCut(cut))
                    if !filtered(cut.source, cut.destination) =>
                {
                    sessions.on_cut_header(&cut, time);
                }
                _ => {}
            }
        }
        while let Some(r) = sessions.pop_finished() {
            out.push(r);
        }
    }
    sessions.finish();
    while let Some(r) = sessions.pop_finished() {
        out.push(r);
    }
    out
}

fn ours(r: &ZeekRecord) -> [String; 12] {
    let s = &r.summary;
    let opt = |v: u64| {
        if s.has_duration() {
            v.to_string()
        } else {
            "-".to_string()
        }
    };
    [
        r.orig.ip().to_string(),
        r.orig.port().to_string(),
        r.resp.ip().to_string(),
        r.resp.port().to_string(),
        s.conn_state.to_string(),
        if s.history.is_empty() {
            "-".to_string()
        } else {
            s.history.to_string()
        },
        s.orig_pkts.to_string(),
        s.resp_pkts.to_string(),
        opt(s.orig_bytes),
        opt(s.resp_bytes),
        if s.has_duration() {
            format!("{}.{:06}", s.duration.as_secs(), s.duration.subsec_micros())
        } else {
            "-".to_string()
        },
        s.missed_bytes.to_string(),
    ]
}

#[test]
fn zeek_conn_logs() {
    let Some(root) = common::corpus::root("zeek_corpus") else {
        return;
    };
    let dir = root.join("captures-wild");
    let mut oracles: Vec<_> = fs::read_dir(&dir)
        .expect("captures-wild")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            Some(name.strip_suffix(".zeek-conn.tsv")?.to_string())
        })
        .collect();
    oracles.sort();
    assert_eq!(oracles.len(), 31, "31 Zeek conn.log references");

    // column -> (agree, compared)
    let mut per_column: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut failures = Vec::new();
    let mut known_used = vec![false; KNOWN.len()];
    let (mut history_agree, mut history_rows) = (0usize, 0usize);

    for stem in &oracles {
        let oracle = read_oracle(&dir.join(format!("{stem}.zeek-conn.tsv")));
        let capture = ["pcap", "pcapng"]
            .iter()
            .map(|ext| dir.join(format!("{stem}.{ext}")))
            .find(|p| p.exists())
            .expect("capture beside its zeek-conn.tsv");
        let config = ZeekConfig {
            ignore_checksums: oracle.ignore_checksums,
            excessive_data_without_further_acks: if oracle.excessive_off {
                0
            } else {
                ZeekConfig::default().excessive_data_without_further_acks
            },
            // In bare mode (`-b`) only the scripts a test loads register their
            // ports in `likely_server_ports`; the bare tests here load the conn
            // script and no analyzer that matters for a connection seen without
            // its SYN (gre-aruba-amsdu: 443 is not flipped).
            likely_server_port: if oracle.bare {
                |_| false
            } else {
                ZeekConfig::default().likely_server_port
            },
            ..ZeekConfig::default()
        };
        let records = replay(&capture, config, oracle.port_filter);
        let mut taken = vec![false; records.len()];
        let (mut agree, mut compared) = (0, 0);
        for (n, row) in oracle.rows.iter().enumerate() {
            let row_no = n + 1;
            let found = records.iter().enumerate().position(|(k, r)| {
                !taken[k] && {
                    let mine = ours(r);
                    (0..4).all(|c| row[c].is_empty() || row[c] == mine[c])
                }
            });
            let Some(k) = found else {
                let known = KNOWN
                    .iter()
                    .position(|&(s, r, col, _)| s == stem && r == row_no && col == "row");
                match known {
                    Some(i) => {
                        known_used[i] = true;
                        println!("  known: {stem} row {row_no} unmatched ({})", KNOWN[i].3);
                    }
                    None => failures.push(format!(
                        "{stem} row {row_no}: no connection of ours matches {row:?}"
                    )),
                }
                continue;
            };
            taken[k] = true;
            let mine = ours(&records[k]);
            for c in 4..COLUMNS.len() {
                if row[c].is_empty() {
                    continue;
                }
                let column = COLUMNS[c];
                let entry = per_column.entry(column).or_default();
                entry.1 += 1;
                compared += 1;
                let ok = row[c] == mine[c];
                if column == "history" {
                    history_rows += 1;
                    history_agree += usize::from(ok);
                }
                if ok {
                    entry.0 += 1;
                    agree += 1;
                    continue;
                }
                let known = KNOWN
                    .iter()
                    .position(|&(s, r, col, _)| s == stem && r == row_no && col == column);
                match known {
                    Some(i) => {
                        known_used[i] = true;
                        println!(
                            "  known: {stem} row {row_no} {column}: zeek {} ours {} ({})",
                            row[c], mine[c], KNOWN[i].3
                        );
                    }
                    None => failures.push(format!(
                        "{stem} row {row_no} {column}: zeek {} ours {}  (row {:?}, ours {:?})",
                        row[c], mine[c], row, mine
                    )),
                }
            }
        }
        let extra = taken.iter().filter(|t| !**t).count();
        println!(
            "{stem}: {} rows, {agree}/{compared} fields agree, {extra} connection(s) of ours not in Zeek's rows",
            oracle.rows.len()
        );
    }

    let mut columns: Vec<_> = per_column.into_iter().collect();
    columns.sort_by_key(|(c, _)| COLUMNS.iter().position(|x| x == c));
    for (column, (agree, n)) in &columns {
        println!(
            "column {column}: {agree}/{n} ({:.1} %)",
            100.0 * *agree as f64 / (*n).max(1) as f64
        );
    }
    for (i, used) in known_used.iter().enumerate() {
        if !used {
            failures.push(format!(
                "allow-list entry not needed any more: {:?}",
                KNOWN[i]
            ));
        }
    }
    let share = history_agree as f64 / history_rows.max(1) as f64;
    assert!(
        share >= 0.90,
        "history agrees on {history_agree}/{history_rows} rows only"
    );
    assert!(
        failures.is_empty(),
        "disagreements:\n{}",
        failures.join("\n")
    );
}
