//! `decode` against tshark on the whole corpus (`SYNACK_CORPUS`, the directory
//! holding `captures/` and `captures-wild/`): one frame per link type and
//! encapsulation, the typed answers for frames that are not segments, and the
//! share of tshark's TCP segments decoded with the same ports, raw sequence
//! number, length and checksum status. Skipped without the corpus.
//!
//! The checksum status is compared after `DecodedSegment::verify_checksum`, the
//! verifying path (tshark is run with checksum validation on for the corpus).
#![cfg(feature = "pcap")]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use synack::flags::TcpFlags;
use synack::seq::SeqNum;

use common::tshark::{TsharkChecksum, TsharkTable};
use synack::capture::CaptureReader;
use synack::wire::*;

fn corpus() -> Option<PathBuf> {
    common::corpus::root("decode_corpus")
}

/// The TCP columns of one tshark row (several values when a frame holds
/// several TCP headers).
#[derive(Debug, Default)]
struct Row {
    source_ports: Vec<u16>,
    seqs_raw: Vec<u32>,
    /// `tcp.seq`: relative, except in ICMP quotes where it is the absolute one.
    seqs: Vec<u32>,
    lens: Vec<u32>,
    statuses: Vec<u8>,
}

impl Row {
    /// A quoted TCP header inside an ICMP error: TCP columns without `tcp.len`.
    fn is_icmp_quote(&self) -> bool {
        !self.source_ports.is_empty() && self.lens.is_empty()
    }
}

/// frame number -> row, from the shared tshark TSV reader.
fn tshark_rows(tsv: &Path) -> BTreeMap<u64, Row> {
    let table = TsharkTable::read(tsv).expect("tsv");
    table
        .rows
        .iter()
        .map(|r| {
            let s = &r.segments;
            let row = Row {
                source_ports: s.iter().map(|s| s.srcport).collect(),
                seqs_raw: s.iter().filter_map(|s| s.seq_raw).collect(),
                seqs: s.iter().filter_map(|s| s.seq).collect(),
                lens: s.iter().filter_map(|s| s.len).collect(),
                statuses: s
                    .iter()
                    .filter_map(|s| s.checksum)
                    .map(|c| match c {
                        TsharkChecksum::Bad => 0,
                        TsharkChecksum::Good => 1,
                        TsharkChecksum::Unverified => 2,
                    })
                    .collect(),
            };
            (r.frame, row)
        })
        .collect()
}

/// Every capture of the corpus with its TSV.
fn captures(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    common::corpus::captures(dir)
        .into_iter()
        .filter(|c| c.tsv.exists())
        .map(|c| (c.path, c.tsv))
        .collect()
}

/// Why a frame gave no TCP segment, for the report.
fn reason(d: &Decoded<'_>) -> String {
    match d {
        Decoded::Error(DecodeError::Fragment(_)) => "IP fragment (reassembly)".into(),
        Decoded::Error(DecodeError::Truncated(t)) => {
            format!("{} header cut by snaplen", t.layer)
        }
        Decoded::Error(DecodeError::TcpCut(_)) => "TCP header cut by snaplen".into(),
        other => format!("{other:?}"),
    }
}

#[derive(Default)]
struct Tally {
    tshark: usize,
    decoded: usize,
    mismatched: usize,
    extra: usize,
    checksum_mismatches: usize,
    quotes: usize,
    quotes_matched: usize,
    missing: BTreeMap<String, usize>,
    /// Encapsulation -> (segments, first capture and frame).
    paths: BTreeMap<String, (usize, String)>,
}

fn compare(capture: &Path, rows: &BTreeMap<u64, Row>) -> Tally {
    let mut t = Tally::default();
    let mut reader = CaptureReader::open(capture).expect("open");
    while let Some(record) = reader.next_record() {
        let record = record.expect("record");
        let row = rows.get(&record.frame_number()).expect("row per frame");
        let all: Vec<Decoded<'_>> = decode_all(record.link_type, record.data).collect();
        let ours: Vec<&DecodedSegment<'_>> = all.iter().filter_map(Decoded::tcp).collect();
        if row.is_icmp_quote() {
            t.quotes += 1;
            let quoted = all.iter().any(|d| {
                matches!(d, Decoded::IcmpQuotedTcp(q)
                    if Some(&q.source.port()) == row.source_ports.last()
                    && Some(&q.sequence_number.0) == row.seqs.last())
            });
            t.quotes_matched += usize::from(quoted);
            assert!(
                ours.is_empty(),
                "{}: frame {} quoted",
                capture.display(),
                record.frame_number()
            );
            continue;
        }
        t.tshark += row.source_ports.len();
        if row.source_ports.is_empty() {
            t.extra += ours.len();
            for p in &ours {
                eprintln!(
                    "{}: frame {}: TCP tshark does not see: {:?}",
                    capture.display(),
                    record.frame_number(),
                    p
                );
            }
            continue;
        }
        if ours.len() < row.source_ports.len() {
            let why = all
                .iter()
                .find(|d| d.tcp().is_none())
                .map(reason)
                .unwrap_or_default();
            *t.missing.entry(why).or_default() += row.source_ports.len() - ours.len();
        }
        for (i, p) in ours.iter().enumerate() {
            // The payload is bounded by the IP length: all of it unless cut.
            let whole =
                p.verify_checksum() != ChecksumStatus::Unverified(UnverifiedReason::Truncated);
            assert_eq!(whole, p.payload.len() as u64 == u64::from(p.payload_len));
            let first = format!(
                "{} frame {}",
                capture.file_name().unwrap().to_string_lossy(),
                record.frame_number()
            );
            t.paths
                .entry(p.encapsulation.to_string())
                .or_insert((0, first))
                .0 += 1;
            let expected = (
                row.source_ports.get(i).copied(),
                row.seqs_raw.get(i).copied(),
                row.lens.get(i).copied(),
            );
            let got = (
                Some(p.source().port()),
                Some(p.header.sequence_number().0),
                Some(p.payload_len),
            );
            if expected == got {
                t.decoded += 1;
            } else {
                t.mismatched += 1;
                eprintln!(
                    "{}: frame {}: tshark {expected:?}, ours {got:?}",
                    capture.display(),
                    record.frame_number()
                );
            }
            if row.statuses.get(i).copied() != Some(p.verify_checksum().tshark_status()) {
                t.checksum_mismatches += 1;
                eprintln!(
                    "{}: frame {}: checksum status tshark {:?}, ours {:?}",
                    capture.display(),
                    record.frame_number(),
                    row.statuses.get(i),
                    p.verify_checksum()
                );
            }
        }
    }
    t
}

/// The frame `frame` (1-based) of a corpus capture.
fn frame_of(capture: &Path, frame: u64) -> (LinkType, Vec<u8>) {
    let mut reader = CaptureReader::open(capture).expect("open");
    while let Some(record) = reader.next_record() {
        let record = record.expect("record");
        if record.frame_number() == frame {
            return (record.link_type, record.data.to_vec());
        }
    }
    panic!("{}: no frame {frame}", capture.display());
}

/// One frame per link type and encapsulation of the corpus: the path walked,
/// and ports, raw sequence number, length and checksum status as tshark has them.
#[test]
fn corpus_frame_per_encapsulation() {
    let Some(dir) = corpus() else {
        println!("SYNACK_CORPUS not set: skipped");
        return;
    };
    let cases: &[(&str, u64, &str)] = &[
        ("captures-wild/conn-size.pcap", 1, "Ethernet / IPv4 / TCP"),
        (
            "captures-wild/smb__dssetup_DsRoleGetPrimaryDomainInformation_standalone_workstation.pcap",
            1,
            "Ethernet / IPv4 / TCP",
        ),
        (
            "captures-wild/ftp__ipv6-violation.pcap",
            1,
            "Ethernet / IPv6 / TCP",
        ),
        // Destination options, atomic fragment, hop-by-hop, routing header.
        (
            "captures-wild/ipv6-http-atomic-frag.pcap",
            4,
            "Ethernet / IPv6 / TCP",
        ),
        (
            "captures-wild/ipv6-http-atomic-frag.pcap",
            13,
            "Ethernet / IPv6 / TCP",
        ),
        (
            "captures-wild/ipv6-http-atomic-frag.pcap",
            23,
            "Ethernet / IPv6 / TCP",
        ),
        (
            "captures-wild/ipv6-http-atomic-frag.pcap",
            33,
            "Ethernet / IPv6 / TCP",
        ),
        (
            "captures-wild/contentline__contentline-irc-5k-line.pcap",
            1,
            "BSD loopback / IPv4 / TCP",
        ),
        ("captures-wild/irc-353.pcap", 1, "BSD loopback / IPv6 / TCP"),
        (
            "captures-wild/redis__pipelining-example.pcap",
            1,
            "BSD loopback / IPv6 / TCP",
        ),
        (
            "captures-wild/dns-inverse-query.pcap",
            1,
            "FDDI / LLC / IPv4 / TCP",
        ),
        (
            "captures-wild/http__261__variant-04-te_cl_desync.pcap",
            1,
            "IPv4 / TCP",
        ),
        ("captures-wild/tcp__payload-syn.pcap", 1, "IPv4 / TCP"),
        ("captures-wild/tls__ml-dsa-44-cert.pcap", 1, "IPv4 / TCP"),
        (
            "captures-wild/ldap__issue-32.pcapng",
            1,
            "Linux SLL / IPv4 / TCP",
        ),
        (
            "captures-wild/tls__openjdk-25.0.2-zeek.org.pcap",
            1,
            "Linux SLL2 / IPv4 / TCP",
        ),
        ("captures/sll2-any.pcap", 1, "Linux SLL2 / IPv4 / TCP"),
        ("captures-wild/nflog-http.pcap", 1, "NFLOG / IPv4 / TCP"),
        ("captures/vlan.pcap", 1, "Ethernet / 802.1Q / IPv4 / TCP"),
        (
            "captures-wild/ldap__gap-data-missing.pcapng",
            1,
            "Ethernet / 802.1Q / IPv6 / TCP",
        ),
        (
            "captures-wild/vlan-pcp-dei.pcapng",
            1,
            "Ethernet / 802.1Q / 802.1Q / IPv4 / TCP",
        ),
        (
            "captures-wild/mixed-vlan-mpls.pcap",
            1,
            "Ethernet / MPLS / IPv4 / TCP",
        ),
        (
            "captures-wild/mixed-vlan-mpls.pcap",
            34,
            "Ethernet / 802.1Q / IPv4 / TCP",
        ),
        (
            "captures-wild/pppoe-over-qinq.pcap",
            1,
            "Ethernet / 802.1Q / 802.1Q / PPPoE / PPP / IPv4 / TCP",
        ),
        (
            "captures-wild/erspan.pcap",
            97,
            "Ethernet / IPv4 / GRE / Ethernet / IPv4 / TCP",
        ),
        (
            "captures-wild/tunnels__ayiya3.pcap",
            12,
            "Ethernet / IPv4 / UDP / AYIYA / IPv6 / TCP",
        ),
        (
            "captures-wild/tunnels__gre-over-udp-4754.pcap",
            5,
            "Ethernet / IPv4 / UDP / GRE / IPv4 / TCP",
        ),
        (
            "captures-wild/tunnels__gre-aruba-amsdu.pcap",
            1,
            "Ethernet / 802.1Q / IPv4 / GRE / 802.11 / A-MSDU / LLC / IPv4 / TCP",
        ),
    ];
    for &(file, frame, expected_path) in cases {
        let capture = dir.join(file);
        let stem = capture.file_stem().unwrap().to_string_lossy().to_string();
        let rows = tshark_rows(&capture.with_file_name(format!("{stem}.tshark.tsv")));
        let row = &rows[&frame];
        let (link_type, data) = frame_of(&capture, frame);
        let p = decode(link_type, &data)
            .into_tcp()
            .unwrap_or_else(|| panic!("{file} {frame}"));
        assert_eq!(p.encapsulation.to_string(), expected_path, "{file} {frame}");
        assert_eq!(
            (
                p.source().port(),
                p.header.sequence_number().0,
                p.payload_len,
                p.verify_checksum().tshark_status()
            ),
            (
                row.source_ports[0],
                row.seqs_raw[0],
                row.lens[0],
                row.statuses[0]
            ),
            "{file} {frame}"
        );
    }
}

/// Frames of the corpus that are not TCP segments get typed answers.
#[test]
fn corpus_typed_answers() {
    let Some(dir) = corpus() else {
        println!("SYNACK_CORPUS not set: skipped");
        return;
    };
    let get = |file: &str, frame: u64| frame_of(&dir.join("captures-wild").join(file), frame);
    let (l, d) = get("http__cooper-grill-dvwa.pcapng", 6);
    assert_eq!(
        decode(l, &d),
        Decoded::NotTcp(NotTcp::EtherType(EtherType::ARP))
    );
    let (l, d) = get("erspan.pcap", 96); // ARP inside GRE
    assert_eq!(
        decode(l, &d),
        Decoded::NotTcp(NotTcp::EtherType(EtherType::ARP))
    );
    let (l, d) = get("dce-rpc__mapi.pcap", 45);
    assert_eq!(
        decode(l, &d),
        Decoded::NotTcp(NotTcp::Udp {
            source_port: 0xE2E3,
            destination_port: 0xE2E1
        })
    );
    let (l, d) = get("dce-rpc__mapi.pcap", 154); // 802.3 + LLC, SAP 0xF8
    assert_eq!(
        decode(l, &d),
        Decoded::NotTcp(NotTcp::Llc {
            dsap: 0xF8,
            ssap: 0xF8
        })
    );
    let (l, d) = get("dce-rpc__mapi.pcap", 327); // spanning tree
    assert_eq!(
        decode(l, &d),
        Decoded::NotTcp(NotTcp::Llc {
            dsap: 0x42,
            ssap: 0x42
        })
    );
    let (l, d) = get("ipv6-http-atomic-frag.pcap", 1); // neighbour advertisement
    assert_eq!(
        decode(l, &d),
        Decoded::NotTcp(NotTcp::Icmp(IcmpMessage::V6 {
            icmp_type: 136,
            code: 0
        }))
    );
    let (l, d) = get("tunnels__ayiya3.pcap", 1); // echo request inside AYIYA
    assert_eq!(
        decode(l, &d),
        Decoded::NotTcp(NotTcp::Icmp(IcmpMessage::V6 {
            icmp_type: 128,
            code: 0
        }))
    );
    // GTP-U over a fragmented outer IPv4 datagram: first and last fragment.
    for frame in [1, 2] {
        let (l, d) = get("tunnels__gtp__gtp_ext_header.pcap", frame);
        assert!(matches!(
            decode(l, &d),
            Decoded::Error(DecodeError::Fragment(f)) if f.protocol == IpNumber::UDP
        ));
    }
    // The snapshot length cut the TCP header (data offset 10, 22 bytes captured).
    let (l, d) = get("vntag_vlan_sandwich_clean.pcap", 1);
    // tshark: 10.10.10.1:443 -> 10.10.10.2:56960, seq (raw) 652014209, ack
    // (raw) 2070381375, flags 0x012 (SYN, ACK).
    assert_eq!(
        decode(l, &d),
        Decoded::Error(DecodeError::TcpCut(CutTcp {
            source: "10.10.10.1:443".parse().unwrap(),
            destination: "10.10.10.2:56960".parse().unwrap(),
            seq: Some(SeqNum(652014209)),
            ack: Some(SeqNum(2070381375)),
            flags: Some(TcpFlags::SYN | TcpFlags::ACK),
            header_len: Some(40),
            window: Some(65535),
            declared_len: 40,
            offset: 48,
            captured: 22,
        }))
    );
    // ICMP fragmentation needed, quoting 10.10.1.4:1470 -> 74.53.140.153:25
    // (tshark: tcp.seq 2126795847).
    let (l, d) = get("smtp.pcap", 26);
    let Decoded::IcmpQuotedTcp(q) = decode(l, &d) else {
        panic!("quote")
    };
    assert_eq!(
        q.message,
        IcmpMessage::V4 {
            icmp_type: 3,
            code: 4
        }
    );
    assert_eq!(q.reporter.to_string(), "192.168.1.1");
    assert_eq!(q.source.to_string(), "10.10.1.4:1470");
    assert_eq!(q.destination.to_string(), "74.53.140.153:25");
    assert_eq!(q.sequence_number, SeqNum(2126795847));
}

/// Every TCP segment tshark shows in the corpus, decoded with the same
/// ports, raw sequence number, length and checksum status; prints the
/// shortfall per capture with its reasons.
#[test]
fn corpus_coverage_against_tshark() {
    let Some(dir) = corpus() else {
        println!("SYNACK_CORPUS not set: skipped");
        return;
    };
    let mut total = Tally::default();
    let mut missing_all: BTreeMap<String, usize> = BTreeMap::new();
    for (capture, tsv) in captures(&dir) {
        let t = compare(&capture, &tshark_rows(&tsv));
        let name = capture.file_name().unwrap().to_string_lossy().to_string();
        if t.decoded != t.tshark || t.extra > 0 || t.checksum_mismatches > 0 || t.quotes > 0 {
            println!(
                "{name}: decoded {}/{} tshark segments, mismatched {}, extra {}, checksum status differs {}, ICMP quotes {}/{}, missing {:?}",
                t.decoded,
                t.tshark,
                t.mismatched,
                t.extra,
                t.checksum_mismatches,
                t.quotes_matched,
                t.quotes,
                t.missing
            );
        }
        total.tshark += t.tshark;
        total.decoded += t.decoded;
        total.mismatched += t.mismatched;
        total.extra += t.extra;
        total.checksum_mismatches += t.checksum_mismatches;
        total.quotes += t.quotes;
        total.quotes_matched += t.quotes_matched;
        for (k, v) in t.missing {
            *missing_all.entry(k).or_default() += v;
        }
        for (k, (n, first)) in t.paths {
            total.paths.entry(k).or_insert((0, first)).0 += n;
        }
    }
    println!(
        "TOTAL: decoded {}/{} ({:.3}%), mismatched {}, extra {}, checksum status differs {}, ICMP quotes {}/{}, missing {:?}",
        total.decoded,
        total.tshark,
        100.0 * total.decoded as f64 / total.tshark as f64,
        total.mismatched,
        total.extra,
        total.checksum_mismatches,
        total.quotes_matched,
        total.quotes,
        missing_all
    );
    for (path, (n, first)) in &total.paths {
        println!("{n:>6}  {path}  (first: {first})");
    }
    assert!(total.decoded * 100 >= total.tshark * 99);
    assert_eq!((total.mismatched, total.extra), (0, 0));
    assert_eq!(total.quotes_matched, total.quotes);
}

/// The innermost IP datagram's declared length (`ip_len`, for Zeek's
/// `ip_bytes`) against tshark 4 (`-T fields -e ip.len -e ipv6.plen`, the
/// innermost header's value; IPv6 is 40 + `ipv6.plen`), one frame per
/// encapsulation.
#[test]
fn corpus_ip_len_against_tshark() {
    let Some(dir) = corpus() else {
        println!("SYNACK_CORPUS not set: skipped");
        return;
    };
    let cases: &[(&str, u64, u32)] = &[
        ("captures-wild/conn-size.pcap", 1, 60), // ip.len 60
        (
            "captures-wild/smb__dssetup_DsRoleGetPrimaryDomainInformation_standalone_workstation.pcap",
            1,
            97,
        ), // ip.len 97
        ("captures-wild/ftp__ipv6-violation.pcap", 1, 80), // 40 + ipv6.plen 40
        ("captures-wild/ipv6-http-atomic-frag.pcap", 4, 68), // 40 + ipv6.plen 28
        ("captures-wild/ipv6-http-atomic-frag.pcap", 13, 68), // 40 + ipv6.plen 28
        ("captures-wild/ipv6-http-atomic-frag.pcap", 23, 68), // 40 + ipv6.plen 28
        ("captures-wild/ipv6-http-atomic-frag.pcap", 33, 68), // 40 + ipv6.plen 28
        (
            "captures-wild/contentline__contentline-irc-5k-line.pcap",
            1,
            40,
        ), // ip.len 40
        ("captures-wild/irc-353.pcap", 1, 84),   // 40 + ipv6.plen 44
        ("captures-wild/redis__pipelining-example.pcap", 1, 84), // 40 + ipv6.plen 44
        ("captures-wild/dns-inverse-query.pcap", 1, 44), // ip.len 44
        (
            "captures-wild/http__261__variant-04-te_cl_desync.pcap",
            1,
            40,
        ), // ip.len 40
        ("captures-wild/tcp__payload-syn.pcap", 1, 140), // ip.len 140
        ("captures-wild/tls__ml-dsa-44-cert.pcap", 1, 40), // ip.len 40
        ("captures-wild/ldap__issue-32.pcapng", 1, 240), // ip.len 240
        ("captures-wild/tls__openjdk-25.0.2-zeek.org.pcap", 1, 60), // ip.len 60
        ("captures/sll2-any.pcap", 1, 60),       // ip.len 60
        ("captures-wild/nflog-http.pcap", 1, 60), // ip.len 60
        ("captures/vlan.pcap", 1, 60),           // ip.len 60
        ("captures-wild/ldap__gap-data-missing.pcapng", 1, 72), // 40 + ipv6.plen 32
        ("captures-wild/vlan-pcp-dei.pcapng", 1, 40), // ip.len 40
        ("captures-wild/mixed-vlan-mpls.pcap", 1, 44), // ip.len 44
        ("captures-wild/mixed-vlan-mpls.pcap", 34, 60), // ip.len 60
        ("captures-wild/pppoe-over-qinq.pcap", 1, 64), // ip.len 64
        ("captures-wild/erspan.pcap", 97, 52),   // ip.len 52
        ("captures-wild/tunnels__ayiya3.pcap", 12, 84), // 40 + ipv6.plen 44
        ("captures-wild/tunnels__gre-over-udp-4754.pcap", 5, 60), // ip.len 60
        ("captures-wild/tunnels__gre-aruba-amsdu.pcap", 1, 281), // ip.len 281
    ];
    for &(file, frame, ip_len) in cases {
        let (link_type, data) = frame_of(&dir.join(file), frame);
        let p = decode(link_type, &data)
            .into_tcp()
            .unwrap_or_else(|| panic!("{file} {frame}"));
        assert_eq!(p.ip_len, ip_len, "{file} {frame}");
    }
}
