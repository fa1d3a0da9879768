//! Differential test over the capture corpus: every TCP segment `synack` decodes
//! is compared, field by field and option by option, with tshark's dissection
//! (the corpus's `NAME.tshark.tsv`) and with etherparse.
//!
//! Set `SYNACK_CORPUS` to the directory holding `captures/` and `captures-wild/`
//! (`.ci/run` does). Without it the corpus tests print a note and pass, unless
//! `CI` is set, in which case they fail.
//!
//! For each capture the test reads every record with [`CaptureReader`], decodes
//! it with `decode_all` (every packet of the frame: two for the 802.11 A-MSDU
//! frame) and pairs our TCP segments, in order, with the TCP headers of tshark's
//! row for the same frame. An ICMP error quoting a TCP header must decode as
//! `Decoded::IcmpQuotedTcp`, whose ports and sequence number are checked against
//! tshark's too. Then, for each segment:
//!
//! * **tshark**: ports, innermost addresses, raw seq/ack, all 12 flag bits,
//!   payload length (`tcp.len`), header length, raw window, checksum status,
//!   MSS, window-scale shift, SACK-permitted, SACK blocks (tshark prints them
//!   relative; the TSV helper converts them back), timestamps;
//! * **etherparse** (0.19): `TcpHeaderSlice::from_slice` on the header bytes we
//!   found (ports, seq, ack, data offset, every flag, window, checksum, urgent
//!   pointer, option bytes, each option); where etherparse itself can walk the
//!   frame's link and IP layers (`LaxSlicedPacket`), that it reaches the very same
//!   header bytes, addresses and payload; and the checksum computed by etherparse
//!   over our pseudo-header agrees with our checksum status.
//!
//! Every disagreement must be explained by an entry of [`ALLOWED`] (a known
//! error or limitation of the peer, with the reason written down) or the test
//! fails with a listing. Every segment tshark shows that we do not decode is
//! listed with our typed reason; at least 99% must be decoded. A frame that
//! tshark does not show as a TCP segment must not decode as one.
#![cfg(feature = "pcap")]

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::IpAddr;

use common::corpus::{self, Capture};
use common::tshark::{TsharkChecksum, TsharkSegment, TsharkTable};
use synack::capture::CaptureReader;
use synack::wire::decode_all;
use synack::wire::{ChecksumStatus, Decoded, DecodedSegment, LinkType, PseudoHeader, TcpOption};

// ---------------------------------------------------------------- allow-list

/// Whose output disagrees with ours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Peer {
    Tshark,
    Etherparse,
}

/// A known, explained disagreement: a peer's error or limitation.
struct Allowance {
    peer: Peer,
    /// The [`Diff::field`] it explains.
    field: &'static str,
    /// Only in this capture (file name), or anywhere.
    capture: Option<&'static str>,
    /// Why the peer is wrong (or cannot say), checked by hand.
    reason: &'static str,
}

/// The explicit allow-list. Each entry was checked against the bytes.
const ALLOWED: &[Allowance] = &[Allowance {
    peer: Peer::Etherparse,
    field: "option.unknown_to_peer",
    capture: None,
    reason: "etherparse 0.19 models only option kinds 0-5 and 8: any other kind ends \
             its TcpOptionsIterator with Err(UnknownId(kind)), so it cannot compare that \
             option or any after it (seen: kind 27 Quick-Start followed by 28 User Timeout \
             in tcp__option-27.pcap, kind 254 TFO cookie in tcp__tcp-fast-open.pcap; \
             tshark decodes both, and our kinds agree with the kind bytes)",
}];

/// The frames that decode as TCP although tshark shows no TCP segment there,
/// each with the reason it is right to (none known).
const INVENTED_ALLOWED: &[(&str, u64, &str)] = &[];

// ---------------------------------------------------------------- differences

/// One field on which a peer and we disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Diff {
    peer: Peer,
    field: &'static str,
    ours: String,
    theirs: String,
}

fn diff(
    out: &mut Vec<Diff>,
    peer: Peer,
    field: &'static str,
    ours: impl std::fmt::Debug,
    theirs: impl std::fmt::Debug,
) {
    out.push(Diff {
        peer,
        field,
        ours: format!("{ours:?}"),
        theirs: format!("{theirs:?}"),
    });
}

fn check<T: PartialEq + std::fmt::Debug>(
    out: &mut Vec<Diff>,
    peer: Peer,
    field: &'static str,
    ours: T,
    theirs: T,
) {
    if ours != theirs {
        diff(out, peer, field, ours, theirs);
    }
}

fn allowance(d: &Diff, capture: &str) -> Option<&'static Allowance> {
    ALLOWED
        .iter()
        .find(|a| a.peer == d.peer && a.field == d.field && a.capture.is_none_or(|c| c == capture))
}

// ---------------------------------------------------------------- our side, owned

/// Our options, as plain values for comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Opt {
    Eol,
    Nop,
    Mss(u16),
    WindowScale(u8),
    SackPermitted,
    Sack(Vec<(u32, u32)>),
    Timestamps(u32, u32),
    /// Any other kind, typed or not (kind number).
    Other(u8),
}

/// Our options until the first error (`Err` holds its Debug rendering).
fn our_options(packet: &DecodedSegment<'_>) -> (Vec<Opt>, Option<String>) {
    let mut out = Vec::new();
    for item in packet.header.options() {
        match item {
            Ok(o) => out.push(match o {
                TcpOption::EndOfOptionList => Opt::Eol,
                TcpOption::Nop => Opt::Nop,
                TcpOption::Mss(v) => Opt::Mss(v),
                TcpOption::WindowScale(v) => Opt::WindowScale(v),
                TcpOption::SackPermitted => Opt::SackPermitted,
                TcpOption::Sack(blocks) => {
                    Opt::Sack(blocks.iter().map(|(l, r)| (l.0, r.0)).collect())
                }
                TcpOption::Timestamps { value, echo_reply } => Opt::Timestamps(value, echo_reply),
                other => Opt::Other(other.kind()),
            }),
            Err(e) => return (out, Some(format!("{e:?}"))),
        }
    }
    (out, None)
}

// ---------------------------------------------------------------- versus tshark

/// The values of one option kind, in header order.
fn pick<T>(opts: &[Opt], f: impl Fn(&Opt) -> Option<T>) -> Vec<T> {
    opts.iter().filter_map(f).collect()
}

fn compare_tshark(
    packet: &DecodedSegment<'_>,
    ts: &TsharkSegment,
    sack_raw: Option<Vec<(u32, u32)>>,
    out: &mut Vec<Diff>,
) {
    let p = Peer::Tshark;
    let h = &packet.header;
    check(out, p, "srcport", h.source_port(), ts.srcport);
    check(out, p, "dstport", h.destination_port(), ts.dstport);
    check(out, p, "src.port", packet.source().port(), ts.srcport);
    check(out, p, "dst.port", packet.destination().port(), ts.dstport);
    let (src, dst) = match packet.source().ip() {
        IpAddr::V4(_) => (ts.src_v4, ts.dst_v4),
        IpAddr::V6(_) => (ts.src_v6, ts.dst_v6),
    };
    check(out, p, "src.addr", Some(packet.source().ip()), src);
    check(out, p, "dst.addr", Some(packet.destination().ip()), dst);
    check(out, p, "flags", h.flags().bits(), ts.flags);
    check(out, p, "seq_raw", Some(h.sequence_number().0), ts.seq_raw);
    // tshark 4.0 prints the field as it is even when the ACK flag is clear.
    check(
        out,
        p,
        "ack_raw",
        Some(h.acknowledgment_number().0),
        ts.ack_raw,
    );
    check(out, p, "len", Some(packet.payload_len), ts.len);
    check(
        out,
        p,
        "hdr_len",
        u8::try_from(h.header_len()).ok(),
        ts.hdr_len,
    );
    check(out, p, "window", Some(h.window_size()), ts.window);
    let ours_ck = match packet.verify_checksum() {
        ChecksumStatus::Good => TsharkChecksum::Good,
        ChecksumStatus::Bad => TsharkChecksum::Bad,
        ChecksumStatus::Unverified(_) => TsharkChecksum::Unverified,
    };
    check(out, p, "checksum.status", Some(ours_ck), ts.checksum);

    let Some(topts) = &ts.options else {
        diff(
            out,
            p,
            "options.ambiguous",
            "",
            "option columns cannot be split between the headers of this frame",
        );
        return;
    };
    let (opts, _err) = our_options(packet);
    // tshark stops at End of Option List, like us.
    let opts: Vec<Opt> = opts.into_iter().take_while(|o| *o != Opt::Eol).collect();
    let mss = pick(&opts, |o| match o {
        Opt::Mss(v) => Some(*v),
        _ => None,
    });
    let ws = pick(&opts, |o| match o {
        Opt::WindowScale(v) => Some(*v),
        _ => None,
    });
    let perm = pick(&opts, |o| (*o == Opt::SackPermitted).then_some(())).len();
    let sack: Vec<(u32, u32)> = pick(&opts, |o| match o {
        Opt::Sack(blocks) => Some(blocks.clone()),
        _ => None,
    })
    .concat();
    let tsopt = pick(&opts, |o| match o {
        Opt::Timestamps(value, echo) => Some((*value, *echo)),
        _ => None,
    });
    check(out, p, "option.mss", mss, topts.mss.clone());
    check(
        out,
        p,
        "option.wscale.shift",
        ws,
        topts.wscale_shift.clone(),
    );
    check(out, p, "option.sack_perm", perm, topts.sack_perm);
    check(out, p, "option.sack", Some(sack), sack_raw);
    check(out, p, "option.timestamps", tsopt, topts.timestamps.clone());
}

// ---------------------------------------------------------------- versus etherparse

fn ether_opt(e: &etherparse::TcpOptionElement) -> Opt {
    use etherparse::TcpOptionElement as E;
    match e {
        E::Noop => Opt::Nop,
        E::MaximumSegmentSize(v) => Opt::Mss(*v),
        E::WindowScale(v) => Opt::WindowScale(*v),
        E::SelectiveAcknowledgementPermitted => Opt::SackPermitted,
        E::SelectiveAcknowledgement(first, rest) => Opt::Sack(
            std::iter::once(*first)
                .chain(rest.iter().flatten().copied())
                .collect(),
        ),
        E::Timestamp(a, b) => Opt::Timestamps(*a, *b),
    }
}

/// Etherparse parses the header bytes we found, field by field.
fn compare_etherparse_header(packet: &DecodedSegment<'_>, out: &mut Vec<Diff>) {
    let p = Peer::Etherparse;
    let h = &packet.header;
    let bytes = h.slice();
    let e = match etherparse::TcpHeaderSlice::from_slice(bytes) {
        Ok(e) => e,
        Err(err) => {
            diff(out, p, "header", "a header", format!("{err:?}"));
            return;
        }
    };
    check(out, p, "header_len", h.header_len(), e.slice().len());
    check(out, p, "srcport", h.source_port(), e.source_port());
    check(
        out,
        p,
        "dstport",
        h.destination_port(),
        e.destination_port(),
    );
    check(out, p, "seq", h.sequence_number().0, e.sequence_number());
    check(
        out,
        p,
        "ack",
        h.acknowledgment_number().0,
        e.acknowledgment_number(),
    );
    check(out, p, "data_offset", h.data_offset(), e.data_offset());
    check(out, p, "window", h.window_size(), e.window_size());
    check(out, p, "checksum", h.checksum(), e.checksum());
    check(
        out,
        p,
        "urgent_pointer",
        h.urgent_pointer(),
        e.urgent_pointer(),
    );
    check(out, p, "options_slice", h.options_slice(), e.options());
    let f = h.flags();
    use synack::flags::TcpFlags as F;
    for (name, flag, theirs) in [
        ("flag.fin", F::FIN, e.fin()),
        ("flag.syn", F::SYN, e.syn()),
        ("flag.rst", F::RST, e.rst()),
        ("flag.psh", F::PSH, e.psh()),
        ("flag.ack", F::ACK, e.ack()),
        ("flag.urg", F::URG, e.urg()),
        ("flag.ece", F::ECE, e.ece()),
        ("flag.cwr", F::CWR, e.cwr()),
        ("flag.ns", F::AE, e.ns()),
    ] {
        check(out, p, name, f.contains(flag), theirs);
    }
    // etherparse has no accessor for the three reserved bits: byte 12, bits 3..1.
    let reserved_bits = u16::from((bytes[12] >> 1) & 0b111);
    check(out, p, "flag.reserved", f.bits() >> 9, reserved_bits);

    // Options, one by one, until either side stops.
    let (ours, our_err) = our_options(packet);
    let ours: Vec<Opt> = ours.into_iter().take_while(|o| *o != Opt::Eol).collect();
    let mut theirs_iter = e.options_iterator();
    let mut i = 0;
    loop {
        let theirs = theirs_iter.next();
        let mine = ours.get(i);
        match (mine, theirs) {
            (None, None) => {
                // both ended: fine if both ended the same way
                break;
            }
            (Some(m), Some(Ok(t))) => {
                check(out, p, "option", m.clone(), ether_opt(&t));
            }
            (Some(Opt::Other(k)), Some(Err(etherparse::TcpOptionReadError::UnknownId(tk)))) => {
                check(out, p, "option.unknown_kind", *k, tk);
                diff(
                    out,
                    p,
                    "option.unknown_to_peer",
                    format!("kind {k} and {} option(s) after it", ours.len() - i - 1),
                    "UnknownId: iteration ends",
                );
                break;
            }
            (None, Some(Err(t))) => {
                // We stopped on an error too (or on End of Option List, which
                // etherparse reports as the end, not an error).
                if our_err.is_none() {
                    diff(out, p, "option.error", "no error", format!("{t:?}"));
                }
                break;
            }
            (m, t) => {
                diff(out, p, "option", (m.cloned(), &our_err), t);
                break;
            }
        }
        i += 1;
    }
}

/// Etherparse slices what follows a link header of `header_len` bytes whose
/// EtherType sits at `at`.
fn from_ether_type(
    frame: &[u8],
    at: usize,
    header_len: usize,
) -> Option<etherparse::LaxSlicedPacket<'_>> {
    let proto = frame.get(at..at + 2)?;
    let rest = frame.get(header_len..)?;
    Some(etherparse::LaxSlicedPacket::from_ether_type(
        etherparse::EtherType(u16::from_be_bytes([proto[0], proto[1]])),
        rest,
    ))
}

/// Etherparse walks the frame itself, where it can: the same TCP header bytes,
/// addresses and payload as ours. Returns whether it reached a TCP header.
fn compare_etherparse_frame(
    link: LinkType,
    frame: &[u8],
    packet: &DecodedSegment<'_>,
    out: &mut Vec<Diff>,
) -> bool {
    let p = Peer::Etherparse;
    let sliced = match link {
        LinkType::ETHERNET => etherparse::LaxSlicedPacket::from_ethernet(frame).ok(),
        LinkType::RAW
        | LinkType::RAW_LEGACY
        | LinkType::RAW_OPENBSD
        | LinkType::IPV4
        | LinkType::IPV6 => etherparse::LaxSlicedPacket::from_ip(frame).ok(),
        LinkType::NULL | LinkType::LOOP => frame
            .get(4..)
            .and_then(|ip| etherparse::LaxSlicedPacket::from_ip(ip).ok()),
        // Linux cooked captures: the protocol (an EtherType here) at bytes 14..16
        // of the 16-byte v1 header, at 0..2 of the 20-byte v2 header.
        LinkType::LINUX_SLL => from_ether_type(frame, 14, 16),
        LinkType::LINUX_SLL2 => from_ether_type(frame, 0, 20),
        _ => None,
    };
    let Some(sliced) = sliced else { return false };
    let Some(etherparse::TransportSlice::Tcp(tcp)) = &sliced.transport else {
        return false;
    };
    check(
        out,
        p,
        "frame.header_at",
        packet.header.slice().as_ptr(),
        tcp.header_slice().as_ptr(),
    );
    check(
        out,
        p,
        "frame.header_len",
        packet.header.header_len(),
        tcp.header_len(),
    );
    check(
        out,
        p,
        "frame.payload",
        (packet.payload.as_ptr(), packet.payload.len()),
        (tcp.payload().as_ptr(), tcp.payload().len()),
    );
    let (src, dst, declared) = match &sliced.net {
        Some(etherparse::LaxNetSlice::Ipv4(ip)) => {
            let h = ip.header();
            let declared = u32::from(h.total_len()).checked_sub(
                u32::from(h.ihl()) * 4 + ip.extensions().auth.map_or(0, |a| a.slice().len() as u32),
            );
            (
                IpAddr::from(h.source_addr()),
                IpAddr::from(h.destination_addr()),
                declared,
            )
        }
        Some(etherparse::LaxNetSlice::Ipv6(ip)) => {
            let h = ip.header();
            let declared =
                u32::from(h.payload_length()).checked_sub(ip.extensions().slice().len() as u32);
            (
                IpAddr::from(h.source_addr()),
                IpAddr::from(h.destination_addr()),
                declared,
            )
        }
        _ => return true,
    };
    check(out, p, "frame.src.addr", packet.source().ip(), src);
    check(out, p, "frame.dst.addr", packet.destination().ip(), dst);
    check(
        out,
        p,
        "frame.payload_len",
        Some(packet.payload_len),
        declared.and_then(|d| d.checked_sub(tcp.header_len() as u32)),
    );
    true
}

/// Etherparse computes the checksum over our pseudo-header; it must agree with
/// our verdict whenever the whole segment was captured.
/// Compares `claimed`, our checksum status of `packet`, with etherparse's
/// computation over the same bytes.
fn compare_etherparse_checksum(
    packet: &DecodedSegment<'_>,
    claimed: ChecksumStatus,
    out: &mut Vec<Diff>,
) {
    let p = Peer::Etherparse;
    if packet.payload.len() as u64 != u64::from(packet.payload_len) {
        if !matches!(claimed, ChecksumStatus::Unverified(_)) {
            diff(
                out,
                p,
                "checksum.status",
                format!("{:?}", claimed),
                "cut segment: unverifiable",
            );
        }
        return;
    }
    let mut segment = packet.header.slice().to_vec();
    segment.extend_from_slice(packet.payload);
    let Ok(tcp) = etherparse::TcpSlice::from_slice(&segment) else {
        diff(
            out,
            p,
            "checksum.slice",
            "a segment",
            "etherparse cannot slice it",
        );
        return;
    };
    let computed = match packet.pseudo_header() {
        PseudoHeader::V4 {
            source,
            destination,
        } => tcp
            .calc_checksum_ipv4(source.octets(), destination.octets())
            .ok(),
        PseudoHeader::V6 {
            source,
            destination,
        } => tcp
            .calc_checksum_ipv6(source.octets(), destination.octets())
            .ok(),
    };
    let Some(computed) = computed else { return };
    let field = packet.header.checksum();
    // 0x0000 and 0xffff are the same number in ones' complement.
    let good = computed == field
        || (computed == 0xffff && field == 0)
        || (computed == 0 && field == 0xffff);
    let ours = match claimed {
        ChecksumStatus::Good => Some(true),
        ChecksumStatus::Bad => Some(false),
        ChecksumStatus::Unverified(_) => None,
    };
    check(out, p, "checksum.status", ours, Some(good));
}

// ---------------------------------------------------------------- the walk

#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    captures: usize,
    frames: usize,
    tshark_segments: usize,
    decoded: usize,
    agree_tshark: usize,
    allowed_tshark: usize,
    agree_etherparse: usize,
    allowed_etherparse: usize,
    etherparse_reached: usize,
    icmp_quoted: usize,
    icmp_quoted_agree: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.captures += o.captures;
        self.frames += o.frames;
        self.tshark_segments += o.tshark_segments;
        self.decoded += o.decoded;
        self.agree_tshark += o.agree_tshark;
        self.allowed_tshark += o.allowed_tshark;
        self.agree_etherparse += o.agree_etherparse;
        self.allowed_etherparse += o.allowed_etherparse;
        self.etherparse_reached += o.etherparse_reached;
        self.icmp_quoted += o.icmp_quoted;
        self.icmp_quoted_agree += o.icmp_quoted_agree;
    }
}

#[derive(Default)]
struct Findings {
    /// (capture, frame, our reason) for each tshark segment we do not decode.
    undecoded: Vec<(String, u64, String)>,
    /// Explained disagreements: reason -> occurrences (capture, frame, diff).
    allowed: BTreeMap<&'static str, Vec<(String, u64, Diff)>>,
    /// Unexplained disagreements.
    failures: Vec<(String, u64, Diff)>,
    /// Frames we decode as TCP that tshark does not show as a segment.
    invented: Vec<(String, u64, String)>,
}

fn walk_capture(cap: &Capture, findings: &mut Findings) -> Counts {
    let table =
        TsharkTable::read(&cap.tsv).unwrap_or_else(|e| panic!("{}: {e}", cap.tsv.display()));
    let mut reader =
        CaptureReader::open(&cap.path).unwrap_or_else(|e| panic!("{}: {e}", cap.path.display()));
    let mut counts = Counts {
        captures: 1,
        tshark_segments: table.tcp_segment_count(),
        ..Counts::default()
    };
    while let Some(record) = reader.next_record() {
        let record = record.unwrap_or_else(|e| panic!("{}: {e}", cap.name));
        counts.frames += 1;
        let frame = record.frame_number();
        let row = table
            .row(frame)
            .unwrap_or_else(|| panic!("{}: frame {frame} has no tshark row", cap.name));
        let theirs = row.tcp_segments();
        let all: Vec<Decoded<'_>> = decode_all(record.link_type, record.data).collect();
        let ours: Vec<&DecodedSegment<'_>> = all.iter().filter_map(Decoded::tcp).collect();
        let decoded = &all[0];
        if row.icmp_quoted {
            counts.icmp_quoted += 1;
            match decoded {
                Decoded::IcmpQuotedTcp(q) => {
                    // tshark prints the quoted header's absolute seq in tcp.seq.
                    let ts = &row.segments[0];
                    let mut diffs = Vec::new();
                    check(
                        &mut diffs,
                        Peer::Tshark,
                        "icmp.quoted.srcport",
                        q.source.port(),
                        ts.srcport,
                    );
                    check(
                        &mut diffs,
                        Peer::Tshark,
                        "icmp.quoted.dstport",
                        q.destination.port(),
                        ts.dstport,
                    );
                    check(
                        &mut diffs,
                        Peer::Tshark,
                        "icmp.quoted.seq",
                        Some(q.sequence_number.0),
                        ts.seq,
                    );
                    if diffs.is_empty() {
                        counts.icmp_quoted_agree += 1;
                    }
                    for d in diffs {
                        findings.failures.push((cap.name.clone(), frame, d));
                    }
                }
                other => findings.invented.push((
                    cap.name.clone(),
                    frame,
                    format!("tshark: TCP header quoted in an ICMP error; ours: {other:?}"),
                )),
            }
            continue;
        }
        if ours.is_empty() {
            for _ in theirs {
                findings
                    .undecoded
                    .push((cap.name.clone(), frame, reason(decoded)));
            }
            continue;
        }
        if theirs.is_empty() {
            if !INVENTED_ALLOWED
                .iter()
                .any(|(c, f, _)| *c == cap.name && *f == frame)
            {
                findings
                    .invented
                    .push((cap.name.clone(), frame, "tshark: no TCP".to_string()));
            }
            continue;
        }
        for (k, ts) in theirs.iter().enumerate() {
            let Some(packet) = ours.get(k) else {
                findings.undecoded.push((
                    cap.name.clone(),
                    frame,
                    format!("TCP header #{} of the frame not decoded", k + 1),
                ));
                continue;
            };
            counts.decoded += 1;
            let mut diffs = Vec::new();
            compare_tshark(packet, ts, table.sack_raw(frame, k), &mut diffs);
            compare_etherparse_header(packet, &mut diffs);
            if compare_etherparse_frame(record.link_type, record.data, packet, &mut diffs) {
                counts.etherparse_reached += 1;
            }
            compare_etherparse_checksum(packet, packet.verify_checksum(), &mut diffs);
            let mut unexplained = [0usize; 2];
            let mut explained = [0usize; 2];
            for d in diffs {
                let slot = d.peer as usize;
                match allowance(&d, &cap.name) {
                    Some(a) => {
                        explained[slot] += 1;
                        findings.allowed.entry(a.reason).or_default().push((
                            cap.name.clone(),
                            frame,
                            d,
                        ));
                    }
                    None => {
                        unexplained[slot] += 1;
                        findings.failures.push((cap.name.clone(), frame, d));
                    }
                }
            }
            for (peer, agree, allowed) in [
                (
                    Peer::Tshark,
                    &mut counts.agree_tshark,
                    &mut counts.allowed_tshark,
                ),
                (
                    Peer::Etherparse,
                    &mut counts.agree_etherparse,
                    &mut counts.allowed_etherparse,
                ),
            ] {
                let s = peer as usize;
                if unexplained[s] == 0 && explained[s] == 0 {
                    *agree += 1;
                } else if unexplained[s] == 0 {
                    *allowed += 1;
                }
            }
        }
        for k in theirs.len()..ours.len() {
            findings.invented.push((
                cap.name.clone(),
                frame,
                format!("TCP header #{} beyond tshark's", k + 1),
            ));
        }
    }
    assert_eq!(
        counts.frames,
        table.rows.len(),
        "{}: records vs tshark rows",
        cap.name
    );
    counts
}

/// Our typed reason for not decoding a frame, as the report prints it.
fn reason(decoded: &Decoded<'_>) -> String {
    match decoded {
        Decoded::Error(why) => format!("not decoded: {why}"),
        Decoded::NotTcp(what) => format!("not TCP: {what}"),
        Decoded::IcmpQuotedTcp(_) => "ICMP error quoting TCP".to_string(),
        Decoded::Tcp(_) => "TCP".to_string(),
    }
}

fn pct(n: usize, d: usize) -> f64 {
    if d == 0 {
        100.0
    } else {
        100.0 * n as f64 / d as f64
    }
}

/// The differential test: see the module documentation.
#[test]
fn corpus_agrees_with_tshark_and_etherparse() {
    let Some(root) = corpus::root("corpus_agrees_with_tshark_and_etherparse") else {
        return;
    };
    let mut findings = Findings::default();
    let mut per_corpus: BTreeMap<&str, Counts> = BTreeMap::new();
    for cap in corpus::captures(&root) {
        let c = walk_capture(&cap, &mut findings);
        *per_corpus.entry(cap.corpus).or_default() += c;
    }
    let total = per_corpus.values().fold(Counts::default(), |mut t, c| {
        t += *c;
        t
    });
    let mut report = String::new();
    let _ = writeln!(
        report,
        "corpus          captures  frames  tshark segs  decoded  agree tshark (+allowed)  \
         agree etherparse (+allowed)  etherparse walked frame  ICMP-quoted (agree)"
    );
    for (name, c) in per_corpus
        .iter()
        .map(|(n, c)| (*n, c))
        .chain([("total", &total)])
    {
        let _ = writeln!(
            report,
            "{name:<15} {:>8} {:>7} {:>12} {:>8} {:>15} (+{}) {:>19} (+{}) {:>24} {:>11} ({})",
            c.captures,
            c.frames,
            c.tshark_segments,
            c.decoded,
            c.agree_tshark,
            c.allowed_tshark,
            c.agree_etherparse,
            c.allowed_etherparse,
            c.etherparse_reached,
            c.icmp_quoted,
            c.icmp_quoted_agree,
        );
    }
    let _ = writeln!(
        report,
        "\ndecoded {:.3}% of tshark's segments",
        pct(total.decoded, total.tshark_segments)
    );
    let _ = writeln!(
        report,
        "\nsegments tshark shows that we do not decode ({}):",
        findings.undecoded.len()
    );
    for (c, f, r) in &findings.undecoded {
        let _ = writeln!(report, "  {c} frame {f}: {r}");
    }
    let _ = writeln!(report, "\nexplained peer disagreements:");
    for (reason, items) in &findings.allowed {
        let _ = writeln!(report, "  {} x: {reason}", items.len());
        for (c, f, d) in items.iter().take(5) {
            let _ = writeln!(
                report,
                "      e.g. {c} frame {f}: {:?} {}: ours {} / theirs {}",
                d.peer, d.field, d.ours, d.theirs
            );
        }
    }
    eprintln!("{report}");

    let mut fail = String::new();
    if !findings.failures.is_empty() {
        let mut by_field: BTreeMap<(Peer, &str), usize> = BTreeMap::new();
        for (_, _, d) in &findings.failures {
            *by_field.entry((d.peer, d.field)).or_default() += 1;
        }
        let _ = writeln!(
            fail,
            "{} unexplained disagreements: {by_field:?}",
            findings.failures.len()
        );
        for (c, f, d) in findings.failures.iter().take(200) {
            let _ = writeln!(
                fail,
                "  {c} frame {f}: {:?} {}: ours {} / theirs {}",
                d.peer, d.field, d.ours, d.theirs
            );
        }
    }
    if !findings.invented.is_empty() {
        let _ = writeln!(
            fail,
            "{} frames decode as TCP where tshark shows no segment:",
            findings.invented.len()
        );
        for (c, f, r) in &findings.invented {
            let _ = writeln!(fail, "  {c} frame {f}: {r}");
        }
    }
    if pct(total.decoded, total.tshark_segments) < 99.0 {
        let _ = writeln!(
            fail,
            "decoded only {} of {} tshark segments (< 99%)",
            total.decoded, total.tshark_segments
        );
    }
    assert!(fail.is_empty(), "{fail}");
}

/// tshark 4.0 prints the window-scale shift as carried (255 in
/// `tcp__window-scale-range.pcap`), and clamps it to 14 only for its analysis
/// (scale factor 16384 on the client's later segments); we keep the raw 255 too,
/// so no allow-list entry is needed for it.
#[test]
fn window_scale_255_is_raw_in_tshark_and_ours() {
    let Some(root) = corpus::root("window_scale_255_is_raw_in_tshark_and_ours") else {
        return;
    };
    let dir = root.join("captures-wild");
    let table = TsharkTable::read(&dir.join("tcp__window-scale-range.tshark.tsv")).unwrap();
    let syn = &table.row(1).unwrap().segments[0];
    assert_eq!(syn.options.as_ref().unwrap().wscale_shift, [255]);
    assert_eq!(table.row(3).unwrap().segments[0].scalefactor, Some(16384));
    let mut reader = CaptureReader::open(dir.join("tcp__window-scale-range.pcap")).unwrap();
    let record = reader.next_record().unwrap().unwrap();
    let Decoded::Tcp(packet) = synack::wire::decode(record.link_type, record.data) else {
        panic!("frame 1 is TCP")
    };
    let (options, error) = our_options(&packet);
    assert_eq!(error, None);
    assert!(options.contains(&Opt::WindowScale(255)), "{options:?}");
}

// ---------------------------------------------------------------- self-tests (no corpus needed)

/// `captures/http-image.tshark.tsv`, header and frames 1-2, first 29 columns (tshark's output).
const HTTP_IMAGE_TSV: &str = concat!(
    "frame.number\tframe.time_epoch\ttcp.stream\tip.src\tipv6.src\ttcp.srcport\tip.dst\tipv6.dst\ttcp.dstport\ttcp.flags\ttcp.flags.str\ttcp.seq\ttcp.seq_raw\ttcp.ack\ttcp.ack_raw\ttcp.len\ttcp.nxtseq\ttcp.hdr_len\ttcp.window_size_value\ttcp.window_size\ttcp.window_size_scalefactor\ttcp.checksum.status\ttcp.options.mss_val\ttcp.options.wscale.shift\ttcp.options.sack_perm\ttcp.options.sack_le\ttcp.options.sack_re\ttcp.options.timestamp.tsval\ttcp.options.timestamp.tsecr\n",
    "1\t1795465490.743429000\t0\t10.77.0.1\t\t46882\t10.77.0.2\t\t80\t0x0002\t··········S·\t0\t179603736\t0\t0\t0\t1\t40\t64240\t64240\t\t1\t1460\t10\t0402\t\t\t4006145894\t0\n",
    "2\t1795465490.743482000\t0\t10.77.0.2\t\t80\t10.77.0.1\t\t46882\t0x0012\t·······A··S·\t0\t2839942476\t1\t179603737\t0\t1\t40\t65160\t65160\t\t1\t1460\t10\t0402\t\t\t3900289685\t4006145894\n"
);
/// `captures-wild/`: the A-MSDU frame with two TCP headers, then `smtp.tshark.tsv` frame 26 (an ICMP error quoting TCP), as a two-row table (tshark's output; frame numbers renumbered 1 and 2).
const WILD_ROWS_TSV: &str = concat!(
    "frame.number\tframe.time_epoch\ttcp.stream\tip.src\tipv6.src\ttcp.srcport\tip.dst\tipv6.dst\ttcp.dstport\ttcp.flags\ttcp.flags.str\ttcp.seq\ttcp.seq_raw\ttcp.ack\ttcp.ack_raw\ttcp.len\ttcp.nxtseq\ttcp.hdr_len\ttcp.window_size_value\ttcp.window_size\ttcp.window_size_scalefactor\ttcp.checksum.status\ttcp.options.mss_val\ttcp.options.wscale.shift\ttcp.options.sack_perm\ttcp.options.sack_le\ttcp.options.sack_re\ttcp.options.timestamp.tsval\ttcp.options.timestamp.tsecr\n",
    "1\t1660326460.212454000\t0,0\t10.226.22.9,157.240.18.16,157.240.18.16\t\t443,443\t10.102.16.187,149.159.130.184,149.159.130.184\t\t49392,49392\t0x0018,0x0010\t·······AP···,·······A····\t1,230\t2467456022,2467456251\t1,1\t2930625320,2930625320\t229,23\t230,253\t32,32\t712,712\t712,712\t-1,-1\t1,1\t\t\t\t\t\t3049137122,3049137123\t2302133267,2302133267\n",
    "2\t1254722770.695115000\t0\t192.168.1.1,10.10.1.4\t\t1470\t10.10.1.4,74.53.140.153\t\t25\t0x0010\t·······A····\t2126795847\t\t2934727550\t2934727550\t\t\t20\t65073\t65073\t-2\t0\t\t\t\t\t\t\t\n"
);

/// The frames of the bundled `tests/data/http-image.pcap` (the same packets as
/// the corpus's `captures/http-image.pcap`), copied out.
fn bundled_frames(n: usize) -> Vec<(LinkType, Vec<u8>)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/http-image.pcap");
    let mut reader = CaptureReader::open(path).expect("bundled capture");
    let mut out = Vec::new();
    while let Some(record) = reader.next_record() {
        let record = record.expect("record");
        out.push((record.link_type, record.data.to_vec()));
        if out.len() == n {
            break;
        }
    }
    out
}

/// The comparison finds nothing on frames that agree, and names exactly the
/// fields that were changed on the tshark side.
#[test]
fn comparison_names_each_changed_field() {
    let table = TsharkTable::parse(HTTP_IMAGE_TSV).unwrap();
    for (i, (link, frame)) in bundled_frames(2).iter().enumerate() {
        let number = i as u64 + 1;
        let Decoded::Tcp(packet) = synack::wire::decode(*link, frame) else {
            panic!("frame {number} is TCP");
        };
        let ts = &table.row(number).unwrap().segments[0];
        let mut diffs = Vec::new();
        compare_tshark(&packet, ts, table.sack_raw(number, 0), &mut diffs);
        compare_etherparse_header(&packet, &mut diffs);
        assert!(compare_etherparse_frame(*link, frame, &packet, &mut diffs));
        compare_etherparse_checksum(&packet, packet.verify_checksum(), &mut diffs);
        assert_eq!(diffs, [], "frame {number}");

        let mut wrong = ts.clone();
        wrong.seq_raw = wrong.seq_raw.map(|s| s.wrapping_add(1));
        wrong.flags ^= 0x100;
        wrong.len = Some(1);
        wrong.checksum = Some(TsharkChecksum::Bad);
        wrong.src_v4 = Some(IpAddr::from([10, 77, 0, 9]));
        let opts = wrong.options.as_mut().unwrap();
        opts.mss = vec![1440];
        opts.timestamps.clear();
        opts.sack_perm = 0;
        let mut diffs = Vec::new();
        compare_tshark(&packet, &wrong, Some(vec![(1, 2)]), &mut diffs);
        let fields: Vec<&str> = diffs.iter().map(|d| d.field).collect();
        assert_eq!(
            fields,
            [
                "src.addr",
                "flags",
                "seq_raw",
                "len",
                "checksum.status",
                "option.mss",
                "option.sack_perm",
                "option.sack",
                "option.timestamps"
            ],
            "frame {number}"
        );
    }
}

/// A corrupted checksum field is caught by etherparse's computation, and a
/// header byte changed after decoding is caught by etherparse's reading.
#[test]
fn etherparse_checks_catch_changes() {
    let (link, frame) = bundled_frames(1).remove(0);
    let mut bad = frame.clone();
    // Ethernet 14 + IPv4 20: the TCP checksum is at 34 + 16.
    bad[50] ^= 0xff;
    let Decoded::Tcp(packet) = synack::wire::decode(link, &bad) else {
        panic!("TCP")
    };
    assert_eq!(packet.verify_checksum(), ChecksumStatus::Bad);
    let mut diffs = Vec::new();
    compare_etherparse_checksum(&packet, packet.verify_checksum(), &mut diffs);
    assert_eq!(diffs, []);
    // Claiming it good must be flagged.
    compare_etherparse_checksum(&packet, ChecksumStatus::Good, &mut diffs);
    assert_eq!(diffs.len(), 1);
    assert_eq!(diffs[0].field, "checksum.status");
}

/// The A-MSDU row holds two TCP headers; the ICMP-quoted row is not a segment.
#[test]
fn tsv_parser_splits_multi_value_rows() {
    let table = TsharkTable::parse(WILD_ROWS_TSV).unwrap();
    let amsdu = table.row(1).unwrap();
    assert!(!amsdu.icmp_quoted);
    let [a, b] = amsdu.tcp_segments() else {
        panic!("two headers")
    };
    assert_eq!(
        (a.srcport, a.flags, a.seq_raw, a.len),
        (443, 0x18, Some(2467456022), Some(229))
    );
    assert_eq!(
        (b.srcport, b.flags, b.seq_raw, b.len),
        (443, 0x10, Some(2467456251), Some(23))
    );
    assert_eq!(a.src_v4, Some(IpAddr::from([157, 240, 18, 16])));
    assert_eq!(b.dst_v4, Some(IpAddr::from([149, 159, 130, 184])));
    assert_eq!(
        a.options.as_ref().unwrap().timestamps,
        [(3049137122, 2302133267)]
    );
    assert_eq!(
        b.options.as_ref().unwrap().timestamps,
        [(3049137123, 2302133267)]
    );

    let icmp = table.row(2).unwrap();
    assert!(icmp.icmp_quoted);
    assert_eq!(icmp.tcp_segments().len(), 0);
    // The quoted header's addresses are the last of each column; seq is absolute.
    let q = &icmp.segments[0];
    assert_eq!(q.src_v4, Some(IpAddr::from([10, 10, 1, 4])));
    assert_eq!((q.seq, q.seq_raw, q.len), (Some(2126795847), None, None));
    assert_eq!(table.tcp_segment_count(), 2);
}

// ---------------------------------------------------------------- the TSV helper

/// Every TSV of the corpus parses, and our count of TCP segments matches the
/// *TCP segments* column of `captures-wild/README.md`.
#[test]
fn tsv_parser_reads_every_tsv_and_counts_like_the_readme() {
    let Some(root) = corpus::root("tsv_parser_reads_every_tsv_and_counts_like_the_readme") else {
        return;
    };
    let readme = corpus::wild_readme_segments(&root);
    assert!(
        readme.len() >= 100,
        "README table not found: {}",
        readme.len()
    );
    let mut total_wild = 0;
    for cap in corpus::captures(&root) {
        let table =
            TsharkTable::read(&cap.tsv).unwrap_or_else(|e| panic!("{}: {e}", cap.tsv.display()));
        let segs = table.tcp_segment_count();
        if cap.corpus == "captures-wild" {
            total_wild += segs;
            assert_eq!(Some(&segs), readme.get(&cap.name), "{}", cap.name);
        } else {
            assert_eq!(
                segs,
                table.rows.len(),
                "{}: every lab frame is TCP",
                cap.name
            );
        }
    }
    assert_eq!(total_wild, 12812, "README: 12812 TCP segments in all");
}

/// tshark prints SACK edges relative to the other direction's base; converted
/// back, every edge of `bulk-loss` is a segment boundary of the data direction.
#[test]
fn tsv_parser_sack_edges_to_raw() {
    let Some(root) = corpus::root("tsv_parser_sack_edges_to_raw") else {
        return;
    };
    for name in ["bulk-loss", "bulk-loss-heavy", "simultaneous-open"] {
        let table = TsharkTable::read(&root.join(format!("captures/{name}.tshark.tsv"))).unwrap();
        let mut starts = std::collections::HashSet::new();
        let mut ends = std::collections::HashSet::new();
        for row in &table.rows {
            for s in row.tcp_segments() {
                let seq = s.seq_raw.unwrap();
                starts.insert((s.srcport, seq));
                let syn_fin = u32::from(s.flags & 0x003 != 0);
                ends.insert((s.srcport, seq.wrapping_add(s.len.unwrap() + syn_fin)));
            }
        }
        let mut blocks = 0;
        for row in &table.rows {
            for (k, s) in row.tcp_segments().iter().enumerate() {
                for (le, re) in table.sack_raw(row.frame, k).unwrap() {
                    blocks += 1;
                    // A D-SACK of a SYN (simultaneous-open) covers the SYN itself.
                    assert!(
                        starts.contains(&(s.dstport, le)),
                        "{name} frame {}: left edge {le}",
                        row.frame
                    );
                    assert!(
                        ends.contains(&(s.dstport, re)),
                        "{name} frame {}: right edge {re}",
                        row.frame
                    );
                }
            }
        }
        assert!(blocks > 0, "{name}: no SACK blocks");
    }
}
