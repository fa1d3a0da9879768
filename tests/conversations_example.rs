//! The `conversations` example, run in-process.
//!
//! * Default table of the bundled `http-image.pcap`: one connection, its
//!   endpoints, packets and payload bytes each way as tshark counts them
//!   (`-z conv,tcp` and the capture's tshark.tsv: 29 frames / 688 bytes from the
//!   client, 35 frames / 44 142 bytes from the server), the RFC 9293 states of RFC
//!   793's figures 7 and 13, and Zeek's `SF` / `ShADadFf` worked out by hand from
//!   Zeek's rules (SYN, SYN-ACK, ACK, client data, server ACK, server data, client
//!   FIN first, then the server's).
//! * `--zeek`: the ASCII log header Zeek writes, and for `ftp__ipv4.pcap` (with
//!   `SYNACK_CORPUS`) the rows of Zeek's own baseline
//!   (`testing/btest/Baseline/scripts.base.protocols.ftp.ftp-ipv4/conn.log`,
//!   Zeek commit a13de64f), in Zeek's order, every column but the random `uid`,
//!   `service` (no protocol detection here) and `ts` (masked in the baseline).
//! * `--zeek` over every capture with a `*.zeek-conn.tsv`: the rows come in
//!   Zeek's order wherever the reference gives the 4-tuple, and agree on every
//!   column the reference gives (the known exception, a frame cut inside its TCP
//!   header, is explained in `tests/zeek_corpus.rs`).
#![cfg(feature = "pcap")]

mod common;

#[allow(dead_code)]
#[path = "../examples/conversations.rs"]
mod conversations;

fn run(args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    conversations::run(&args, &mut out).expect("conversations runs");
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn table_of_the_bundled_capture() {
    let out = run(&[]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], conversations::HEADER);
    assert_eq!(lines.len(), 2, "{out}");
    let cols: Vec<&str> = lines[1].split('\t').collect();
    assert_eq!(cols[0], "0");
    assert_eq!(cols[1], "10.77.0.1:46882");
    assert_eq!(cols[2], "10.77.0.2:80");
    assert_eq!(cols[3], "0.000000");
    // Last frame at 0.001802 s (tshark: frame.time_relative of frame 64).
    assert_eq!(cols[4], "0.001802");
    assert_eq!(&cols[5..9], ["29", "688", "35", "44142"]);
    assert_eq!(
        cols[9],
        "CLOSED,SYN_SENT,ESTABLISHED,FIN_WAIT_1,FIN_WAIT_2,TIME_WAIT"
    );
    assert_eq!(
        cols[10],
        "CLOSED,LISTEN,SYN_RECEIVED,ESTABLISHED,CLOSE_WAIT,LAST_ACK"
    );
    assert_eq!(cols[11], "SF");
    assert_eq!(cols[12], "ShADadFf");
}

#[test]
fn zeek_header_lines() {
    let out = run(&["--zeek"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "#separator \\x09");
    assert_eq!(lines[1], "#set_separator\t,");
    assert_eq!(lines[2], "#empty_field\t(empty)");
    assert_eq!(lines[3], "#unset_field\t-");
    assert_eq!(lines[4], "#path\tconn");
    assert!(lines[5].starts_with("#open\t"));
    assert_eq!(
        lines[6],
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes"
    );
    assert_eq!(
        lines[7],
        "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount"
    );
    assert!(lines.last().unwrap().starts_with("#close\t"));
    // The bundled capture: 10.77.0.0/16 is private, hence local (T T); the IP
    // bytes are the IP total lengths (tshark: ip.len summed per direction).
    let row: Vec<&str> = lines[8].split('\t').collect();
    assert_eq!(row.len(), 20);
    assert_eq!(
        &row[2..8],
        ["10.77.0.1", "46882", "10.77.0.2", "80", "tcp", "-"]
    );
    assert_eq!(
        &row[11..],
        ["SF", "T", "T", "0", "ShADadFf", "29", "2204", "35", "45970"]
    );
    assert_eq!(lines.len(), 10);
}

#[test]
fn log_time_is_utc_calendar() {
    assert_eq!(
        conversations::log_time(std::time::Duration::from_secs(0)),
        "1970-01-01-00-00-00"
    );
    // 2012-02-21 16:52:41 UTC (date -u -d @1329843161).
    assert_eq!(
        conversations::log_time(std::time::Duration::from_secs(1_329_843_161)),
        "2012-02-21-16-52-41"
    );
    assert_eq!(
        conversations::log_time(std::time::Duration::from_secs(951_782_400)),
        "2000-02-29-00-00-00"
    );
}

/// Zeek's baseline rows for ftp/ipv4.pcap, columns 3.. without `uid`,
/// `service`, `tunnel_parents` and `ip_proto` (not in this log's fields).
const FTP_IPV4_BASELINE: [&str; 5] = [
    "141.142.220.235\t37604\t199.233.217.249\t56666\ttcp\t0.112432\t0\t342\tSF\tF\tF\t0\tShAdfFa\t4\t216\t4\t562",
    "141.142.220.235\t59378\t199.233.217.249\t56667\ttcp\t0.111218\t0\t77\tSF\tF\tF\t0\tShAdfFa\t4\t216\t4\t297",
    "199.233.217.249\t61920\t141.142.220.235\t33582\ttcp\t0.056211\t342\t0\tSF\tF\tF\t0\tShADaFf\t5\t614\t3\t164",
    "199.233.217.249\t61918\t141.142.220.235\t37835\ttcp\t0.056005\t77\t0\tSF\tF\tF\t0\tShADaFf\t5\t349\t3\t164",
    "141.142.220.235\t50003\t199.233.217.249\t21\ttcp\t38.055625\t180\t3146\tSF\tF\tF\t0\tShAdDfFa\t38\t2164\t25\t4458",
];

fn rows(out: &str) -> Vec<Vec<String>> {
    out.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn zeek_log_equals_zeek_baseline_for_ftp_ipv4() {
    let Some(root) = common::corpus::root("conversations_example") else {
        return;
    };
    let capture = root.join("captures-wild/ftp__ipv4.pcap");
    let out = run(&["--zeek", capture.to_str().unwrap()]);
    let ours: Vec<String> = rows(&out)
        .into_iter()
        .map(|r| {
            let mut kept: Vec<String> = r[2..7].to_vec();
            kept.extend_from_slice(&r[8..]);
            kept.join("\t")
        })
        .collect();
    assert_eq!(ours, FTP_IPV4_BASELINE);
}

#[test]
fn zeek_log_follows_every_zeek_reference() {
    let Some(root) = common::corpus::root("conversations_example") else {
        return;
    };
    let dir = root.join("captures-wild");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let n = e.ok()?.file_name().into_string().ok()?;
            Some(n.strip_suffix(".zeek-conn.tsv")?.to_string())
        })
        .collect();
    names.sort();
    let mut compared = 0;
    for stem in names {
        let text = std::fs::read_to_string(dir.join(format!("{stem}.zeek-conn.tsv"))).unwrap();
        // Tests run with a capture filter or script settings are covered by
        // tests/zeek_corpus.rs, which applies them.
        if text.contains("filter: zeek option -f")
            || text.contains("alter: redef")
            || text.contains("-C (ignore checksums): yes")
            || text.contains("bare mode (-b): yes")
            || stem == "vntag_vlan_sandwich_clean"
        {
            continue;
        }
        let reference: Vec<Vec<&str>> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .skip(1)
            .map(|l| l.split('\t').collect())
            .collect();
        let capture = ["pcap", "pcapng"]
            .iter()
            .map(|e| dir.join(format!("{stem}.{e}")))
            .find(|p| p.exists())
            .unwrap();
        let ours = rows(&run(&["--zeek", capture.to_str().unwrap()]));
        assert_eq!(ours.len(), reference.len(), "{stem}: rows");
        for (k, (z, o)) in reference.iter().zip(&ours).enumerate() {
            // reference: orig_h orig_p resp_h resp_p conn_state history orig_pkts
            // resp_pkts orig_bytes resp_bytes duration missed_bytes
            let mine = [
                o[2].as_str(),
                &o[3],
                &o[4],
                &o[5],
                &o[11],
                &o[15],
                &o[16],
                &o[18],
                &o[9],
                &o[10],
                &o[8],
                &o[14],
            ];
            for (c, (zv, ov)) in z.iter().zip(mine).enumerate() {
                if !zv.is_empty() {
                    assert_eq!(*zv, ov, "{stem} row {} column {c}", k + 1);
                    compared += 1;
                }
            }
        }
    }
    println!("{compared} fields of Zeek's conn.log agree, rows in Zeek's order");
    assert!(compared > 500);
}
