//! Integration tests of `synack::capture`: the bundled captures, rewritten and
//! synthetic pcap/pcapng files, every truncation point, constant memory, and (when
//! `SYNACK_CORPUS` names the corpus directory) every capture of the corpus against
//! tshark's frame counts and first timestamps.
#![cfg(feature = "pcap")]

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use synack::capture::{
    ByteOrder, CaptureError, CaptureFormat, CaptureReader, DEFAULT_BUFFER_CAPACITY,
    MalformedReason, Timestamp, TimestampPrecision,
};
use synack::wire::LinkType;

// ---------------------------------------------------------------- helpers

fn data_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The corpus directory from `SYNACK_CORPUS`, or `None` with a note.
fn corpus(test: &str) -> Option<PathBuf> {
    match std::env::var_os("SYNACK_CORPUS") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            eprintln!("{test}: SYNACK_CORPUS is not set, skipping the corpus checks");
            None
        }
    }
}

/// A record copied out of the reader.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Owned {
    index: u64,
    timestamp: Timestamp,
    link_type: LinkType,
    data: Vec<u8>,
    original_len: u32,
    interface: u32,
    offset: u64,
}

impl Owned {
    /// The part that does not depend on the file format.
    fn packet(&self) -> (Timestamp, LinkType, &[u8], u32) {
        (
            self.timestamp,
            self.link_type,
            &self.data,
            self.original_len,
        )
    }
}

/// Reads every record; returns them and the error that ended the file, if any.
fn read_all<R: Read>(reader: &mut CaptureReader<R>) -> (Vec<Owned>, Option<CaptureError>) {
    let mut records = Vec::new();
    let mut error = None;
    while let Some(result) = reader.next_record() {
        match result {
            Ok(r) => records.push(Owned {
                index: r.index,
                timestamp: r.timestamp,
                link_type: r.link_type,
                data: r.data.to_vec(),
                original_len: r.original_len,
                interface: r.interface,
                offset: r.offset,
            }),
            Err(e) => {
                assert!(error.is_none(), "second error {e:?} after {error:?}");
                error = Some(e);
            }
        }
    }
    // Finished for good.
    assert!(reader.next_record().is_none());
    (records, error)
}

fn read_bytes(bytes: &[u8]) -> Result<(Vec<Owned>, Option<CaptureError>), CaptureError> {
    let mut reader = CaptureReader::new(bytes)?;
    Ok(read_all(&mut reader))
}

fn read_file(path: &Path) -> (Vec<Owned>, Option<CaptureError>) {
    let mut reader =
        CaptureReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    read_all(&mut reader)
}

/// Hands out 1 to 7 bytes per `read` call, cycling.
struct Trickle<'a> {
    data: &'a [u8],
    turn: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.turn += 1;
        let n = (self.turn % 7 + 1).min(buf.len()).min(self.data.len());
        let (now, later) = self.data.split_at(n);
        buf[..n].copy_from_slice(now);
        self.data = later;
        Ok(n)
    }
}

/// The records of a classic pcap, walked by hand: (offset of the record header,
/// header fields as read in `order`).
fn pcap_records(file: &[u8], le: bool) -> Vec<(usize, [u32; 4])> {
    let word = |at: usize| {
        let b: [u8; 4] = file[at..at + 4].try_into().unwrap();
        if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        }
    };
    let mut at = 24;
    let mut out = Vec::new();
    while at < file.len() {
        let fields = [word(at), word(at + 4), word(at + 8), word(at + 12)];
        out.push((at, fields));
        at += 16 + fields[2] as usize;
    }
    assert_eq!(at, file.len());
    out
}

/// Rewrites a little-endian microsecond pcap with a new magic, byte order and
/// fraction unit (`scale` multiplies the fraction field).
fn rewrite_pcap(file: &[u8], big_endian: bool, nano: bool) -> Vec<u8> {
    let put = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let put16 = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let magic: u32 = if nano { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
    let mut out = Vec::new();
    out.extend(put(magic));
    out.extend(put16(u16::from_le_bytes([file[4], file[5]])));
    out.extend(put16(u16::from_le_bytes([file[6], file[7]])));
    for at in [8, 12, 16, 20] {
        out.extend(put(u32::from_le_bytes(
            file[at..at + 4].try_into().unwrap(),
        )));
    }
    for (at, [sec, frac, caplen, origlen]) in pcap_records(file, true) {
        out.extend(put(sec));
        out.extend(put(if nano { frac * 1000 } else { frac }));
        out.extend(put(caplen));
        out.extend(put(origlen));
        out.extend(&file[at + 16..at + 16 + caplen as usize]);
    }
    out
}

/// Builds pcapng blocks in either byte order.
struct Ng {
    big_endian: bool,
    out: Vec<u8>,
}

impl Ng {
    fn new(big_endian: bool) -> Self {
        Ng {
            big_endian,
            out: Vec::new(),
        }
    }
    fn u16(&self, v: u16) -> [u8; 2] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn u32(&self, v: u32) -> [u8; 4] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn block(&mut self, block_type: u32, body: &[u8]) -> &mut Self {
        let mut body = body.to_vec();
        while body.len() % 4 != 0 {
            body.push(0);
        }
        let len = 12 + body.len() as u32;
        let (t, l) = (self.u32(block_type), self.u32(len));
        self.out.extend(t);
        self.out.extend(l);
        self.out.extend(body);
        self.out.extend(l);
        self
    }
    fn options(&self, options: &[(u16, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (code, value) in options {
            out.extend(self.u16(*code));
            out.extend(self.u16(value.len() as u16));
            out.extend(*value);
            while out.len() % 4 != 0 {
                out.push(0);
            }
        }
        if !options.is_empty() {
            out.extend([0; 4]); // opt_endofopt
        }
        out
    }
    fn shb(&mut self, major: u16) -> &mut Self {
        let mut body = self.u32(0x1a2b_3c4d).to_vec();
        body.extend(self.u16(major));
        body.extend(self.u16(0));
        body.extend([0xff; 8]); // section length unknown
        self.block(0x0a0d_0d0a, &body)
    }
    fn idb(&mut self, link_type: u16, snaplen: u32, options: &[(u16, &[u8])]) -> &mut Self {
        let mut body = self.u16(link_type).to_vec();
        body.extend([0, 0]);
        body.extend(self.u32(snaplen));
        body.extend(self.options(options));
        self.block(1, &body)
    }
    fn epb(&mut self, interface: u32, ticks: u64, data: &[u8], original_len: u32) -> &mut Self {
        let mut body = self.u32(interface).to_vec();
        body.extend(self.u32((ticks >> 32) as u32));
        body.extend(self.u32(ticks as u32));
        body.extend(self.u32(data.len() as u32));
        body.extend(self.u32(original_len));
        body.extend(data);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        body.extend(self.options(&[(2, &[1, 0, 0, 0])])); // epb_flags: inbound
        self.block(6, &body)
    }
    fn spb(&mut self, original_len: u32, data: &[u8]) -> &mut Self {
        let mut body = self.u32(original_len).to_vec();
        body.extend(data);
        self.block(3, &body)
    }
    fn opb(&mut self, interface: u16, ticks: u64, data: &[u8], original_len: u32) -> &mut Self {
        let mut body = self.u16(interface).to_vec();
        body.extend(self.u16(0)); // drops
        body.extend(self.u32((ticks >> 32) as u32));
        body.extend(self.u32(ticks as u32));
        body.extend(self.u32(data.len() as u32));
        body.extend(self.u32(original_len));
        body.extend(data);
        self.block(2, &body)
    }
    fn bytes(&self) -> Vec<u8> {
        self.out.clone()
    }
}

fn ts(secs: i64, nanos: u32) -> Timestamp {
    Timestamp::new(secs, nanos)
}

// ---------------------------------------------------------------- bundled captures

#[test]
fn bundled_pcap_matches_tshark() {
    let path = data_path("http-image.pcap");
    let mut reader = CaptureReader::open(&path).unwrap();
    assert_eq!(
        reader.format(),
        CaptureFormat::Pcap {
            byte_order: ByteOrder::LittleEndian,
            precision: TimestampPrecision::Microsecond,
            modified: false,
        }
    );
    let (records, error) = read_all(&mut reader);
    assert_eq!(error, None);
    assert_eq!(records.len(), 64);
    // frame.time_epoch of frames 1 and 2 in http-image.tshark.tsv.
    assert_eq!(records[0].timestamp.to_string(), "1795465490.743429000");
    assert_eq!(records[1].timestamp.to_string(), "1795465490.743482000");
    // Hand-read from the file: header 24 bytes, record 1 caplen = origlen = 0x4a.
    assert_eq!(records[0].offset, 24);
    assert_eq!((records[0].data.len(), records[0].original_len), (74, 74));
    assert_eq!(records[1].offset, 24 + 16 + 74);
    assert_eq!(&records[0].data[12..14], &[0x08, 0x00]); // Ethernet type IPv4
    let file = fs::read(&path).unwrap();
    for (record, (at, [sec, usec, caplen, origlen])) in
        records.iter().zip(pcap_records(&file, true))
    {
        assert_eq!(record.offset, at as u64);
        assert_eq!(record.timestamp, ts(sec.into(), usec * 1000));
        assert_eq!(record.data, &file[at + 16..at + 16 + caplen as usize]);
        assert_eq!(record.original_len, origlen);
        assert_eq!(
            (record.link_type, record.interface),
            (LinkType::ETHERNET, 0)
        );
    }
    assert!(records.iter().enumerate().all(|(i, r)| r.index == i as u64));
    assert_eq!(reader.records_read(), 64);
}

#[test]
fn pcapng_copy_gives_the_same_packets() {
    let (pcap, e1) = read_file(&data_path("http-image.pcap"));
    let mut reader = CaptureReader::open(data_path("http-image.pcapng")).unwrap();
    assert_eq!(
        reader.format(),
        CaptureFormat::PcapNg {
            byte_order: ByteOrder::LittleEndian
        }
    );
    let (ng, e2) = read_all(&mut reader);
    assert_eq!((e1, e2), (None, None));
    assert_eq!(pcap.len(), ng.len());
    for (a, b) in pcap.iter().zip(&ng) {
        assert_eq!(a.packet(), b.packet());
        assert_eq!(a.index, b.index);
    }
    // The SHB (0x6c bytes) and IDB (0x14 bytes) come first; hand-read from the file.
    assert_eq!(ng[0].offset, 0x6c + 0x14);
}

#[test]
fn short_reads_give_the_same_records() {
    for name in ["http-image.pcap", "http-image.pcapng"] {
        let file = fs::read(data_path(name)).unwrap();
        let (whole, _) = read_bytes(&file).unwrap();
        let mut reader = CaptureReader::new(Trickle {
            data: &file,
            turn: 0,
        })
        .unwrap();
        let (trickled, error) = read_all(&mut reader);
        assert_eq!(error, None);
        assert_eq!(whole, trickled, "{name}");
        // A buffer far smaller than the file, growing for the largest records only.
        let mut small = CaptureReader::with_limits(&file[..], 64, 4096).unwrap();
        assert_eq!(read_all(&mut small), (whole, None));
        assert!(small.buffer_capacity() <= 4096);
    }
}

#[test]
fn nanosecond_and_big_endian_rewrites_read_the_same() {
    let file = fs::read(data_path("http-image.pcap")).unwrap();
    let (reference, _) = read_bytes(&file).unwrap();
    for (big_endian, nano) in [(false, true), (true, false), (true, true)] {
        let rewritten = rewrite_pcap(&file, big_endian, nano);
        let mut reader = CaptureReader::new(&rewritten[..]).unwrap();
        assert_eq!(
            reader.format(),
            CaptureFormat::Pcap {
                byte_order: if big_endian {
                    ByteOrder::BigEndian
                } else {
                    ByteOrder::LittleEndian
                },
                precision: if nano {
                    TimestampPrecision::Nanosecond
                } else {
                    TimestampPrecision::Microsecond
                },
                modified: false,
            }
        );
        let (records, error) = read_all(&mut reader);
        assert_eq!(error, None);
        assert_eq!(records, reference, "big_endian={big_endian} nano={nano}");
    }
}

/// A classic little-endian pcap (`nano`: the nanosecond magic), Raw IP, one
/// one-byte record per `(seconds, fraction)`.
fn pcap_with_fractions(nano: bool, fractions: &[(u32, u32)]) -> Vec<u8> {
    let magic: u32 = if nano { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
    let mut file = magic.to_le_bytes().to_vec();
    file.extend([2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    file.extend(65535u32.to_le_bytes());
    file.extend(101u32.to_le_bytes());
    for &(sec, frac) in fractions {
        file.extend(sec.to_le_bytes());
        file.extend(frac.to_le_bytes());
        file.extend(1u32.to_le_bytes());
        file.extend(40u32.to_le_bytes());
        file.push(0x45);
    }
    file
}

#[test]
fn fractions_at_and_past_one_second_carry() {
    // Microseconds: below one second as is; one second or more (invalid, but
    // seen) carried into the seconds.
    let file = pcap_with_fractions(
        false,
        &[(2, 999_999), (2, 1_000_000), (2, 2_500_001), (2, u32::MAX)],
    );
    let (records, error) = read_bytes(&file).unwrap();
    assert_eq!(error, None);
    let got: Vec<Timestamp> = records.iter().map(|r| r.timestamp).collect();
    // u32::MAX µs = 4294 s + 967,295 µs.
    assert_eq!(
        got,
        [
            ts(2, 999_999_000),
            ts(3, 0),
            ts(4, 500_001_000),
            ts(4296, 967_295_000)
        ]
    );
    // Nanoseconds.
    let file = pcap_with_fractions(true, &[(2, 999_999_999), (2, 1_000_000_000), (2, u32::MAX)]);
    let (records, error) = read_bytes(&file).unwrap();
    assert_eq!(error, None);
    let got: Vec<Timestamp> = records.iter().map(|r| r.timestamp).collect();
    // u32::MAX ns = 4 s + 294,967,295 ns.
    assert_eq!(got, [ts(2, 999_999_999), ts(3, 0), ts(6, 294_967_295)]);
}

#[test]
fn nanosecond_fractions_are_kept() {
    // LE nanosecond pcap, Raw IP, one record at 1.000000001 and one whose fraction
    // field is 1.5 s (out of range, carried into the seconds).
    let mut file = vec![0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    file.extend(65535u32.to_le_bytes());
    file.extend(101u32.to_le_bytes());
    for (sec, frac) in [(1u32, 1u32), (2, 1_500_000_000)] {
        file.extend(sec.to_le_bytes());
        file.extend(frac.to_le_bytes());
        file.extend(1u32.to_le_bytes());
        file.extend(40u32.to_le_bytes());
        file.push(0x45);
    }
    let (records, error) = read_bytes(&file).unwrap();
    assert_eq!(error, None);
    assert_eq!(records[0].timestamp.to_string(), "1.000000001");
    assert_eq!(records[1].timestamp, ts(3, 500_000_000));
    assert_eq!(records[0].link_type, LinkType::RAW);
    assert_eq!(
        (records[0].data.as_slice(), records[0].original_len),
        (&[0x45][..], 40)
    );
}

#[test]
fn pcap_link_type_fcs_bits_are_masked() {
    // Upper bits of the link type field carry the FCS length (libpcap LT_FCS_DATAMASK).
    let mut file = fs::read(data_path("http-image.pcap")).unwrap();
    file[23] |= 0x24; // FCS length 2, 'F' bit set
    let (records, _) = read_bytes(&file).unwrap();
    assert_eq!(records[0].link_type, LinkType::ETHERNET);
}

// ---------------------------------------------------------------- synthetic pcapng

#[test]
fn pcapng_interfaces_resolutions_offsets_and_sections() {
    let mut ng = Ng::new(false);
    ng.shb(1)
        // 0: Ethernet, nanoseconds (if_tsresol = 9)
        .idb(1, 0, &[(2, b"eth0"), (9, &[9])])
        // 1: raw IP, 2^-10 s units, if_tsoffset = 1_000_000_000 s
        .idb(
            101,
            0,
            &[(9, &[0x80 | 10]), (14, &1_000_000_000i64.to_le_bytes())],
        )
        // 2: Linux SLL, default microseconds, snaplen 4, negative offset
        .idb(113, 4, &[(14, &(-10i64).to_le_bytes())])
        // 3: NULL, picoseconds (10^-12)
        .idb(0, 0, &[(9, &[12])])
        .epb(0, 1_795_465_490_743_429_123, b"\x01\x02\x03", 60)
        .block(4, &[1, 0, 4, 0, 10, 0, 0, 1, 0, 0, 0, 0]) // a Name Resolution Block, skipped
        .epb(1, 3 * 1024 + 512, b"\x45\x00", 2)
        .epb(2, 5_000_001, b"\xaa\xbb\xcc\xdd\xee", 5)
        .epb(3, 1_234_567_891_999, b"", 0)
        .spb(6, b"\x10\x20\x30\x40\x50\x60\x70") // interface 0 (no snaplen): 6 of 7 bytes
        .opb(1, 2048, b"\x60", 1)
        .block(0x8000_0001, b"custom/unknown") // skipped
        .block(5, &[0; 20]); // an Interface Statistics Block, skipped
    let first_section = ng.bytes();
    // A second, big-endian section: interfaces start again.
    let mut be = Ng::new(true);
    be.shb(1)
        .idb(229, 0, &[])
        .epb(0, 7_000_001, b"\x60\x00", 40);
    let mut file = first_section.clone();
    file.extend(be.bytes());

    let mut reader = CaptureReader::new(&file[..]).unwrap();
    assert_eq!(
        reader.format(),
        CaptureFormat::PcapNg {
            byte_order: ByteOrder::LittleEndian
        }
    );
    let mut seen = Vec::new();
    while let Some(record) = reader.next_record() {
        let r = record.unwrap();
        seen.push((
            r.index,
            r.interface,
            r.link_type,
            r.timestamp,
            r.data.to_vec(),
            r.original_len,
        ));
        if r.index == 6 {
            assert_eq!(
                reader.format(),
                CaptureFormat::PcapNg {
                    byte_order: ByteOrder::BigEndian
                }
            );
        }
    }
    let expected = vec![
        (
            0,
            0,
            LinkType::ETHERNET,
            ts(1_795_465_490, 743_429_123),
            vec![1, 2, 3],
            60,
        ),
        // 3584 / 1024 s = 3.5 s, plus the offset.
        (
            1,
            1,
            LinkType::RAW,
            ts(1_000_000_003, 500_000_000),
            vec![0x45, 0],
            2,
        ),
        (
            2,
            2,
            LinkType::LINUX_SLL,
            ts(5 - 10, 1_000),
            vec![0xaa, 0xbb, 0xcc, 0xdd, 0xee],
            5,
        ),
        // 1_234_567_891_999 ps = 1.234567891999 s, cut to nanoseconds.
        (3, 3, LinkType::NULL, ts(1, 234_567_891), vec![], 0),
        (
            4,
            0,
            LinkType::ETHERNET,
            Timestamp::EPOCH,
            vec![0x10, 0x20, 0x30, 0x40, 0x50, 0x60],
            6,
        ),
        (5, 1, LinkType::RAW, ts(1_000_000_002, 0), vec![0x60], 1),
        (6, 0, LinkType::IPV6, ts(7, 1_000), vec![0x60, 0], 40),
    ];
    assert_eq!(seen, expected);
    assert_eq!(reader.records_read(), 7);
}

#[test]
fn pcapng_snaplen_cuts_simple_packets() {
    let mut ng = Ng::new(true);
    ng.shb(1).idb(1, 4, &[]).spb(100, &[9; 8]);
    let (records, error) = read_bytes(&ng.bytes()).unwrap();
    assert_eq!(error, None);
    assert_eq!(
        (records[0].data.as_slice(), records[0].original_len),
        (&[9, 9, 9, 9][..], 100)
    );
    // With no snaplen the block cuts it: eight bytes of the hundred.
    let mut ng = Ng::new(false);
    ng.shb(1).idb(1, 0, &[]).spb(100, &[9; 8]);
    let (records, error) = read_bytes(&ng.bytes()).unwrap();
    assert_eq!(error, None);
    assert_eq!(
        (records[0].data.as_slice(), records[0].original_len),
        (&[9; 8][..], 100)
    );
}

#[test]
fn each_block_type_has_its_minimum_length() {
    // Aligned, four bytes short of the block's fixed fields, whole otherwise.
    let mut start = Ng::new(false);
    start.shb(1).idb(1, 0, &[]);
    let offset = start.bytes().len() as u64;
    let bom = 0x1a2b_3c4d_u32.to_le_bytes();
    let cases: [(u32, Vec<u8>, u32); 5] = [
        (
            0x0a0d_0d0a,
            [&bom[..], &[1, 0, 0, 0, 0, 0, 0, 0]].concat(),
            28,
        ),
        (1, vec![1, 0, 0, 0], 20),
        (3, vec![], 16),
        (2, vec![0; 16], 32),
        (6, vec![0; 16], 32),
    ];
    for (block_type, body, minimum) in cases {
        let mut ng = Ng::new(false);
        ng.shb(1).idb(1, 0, &[]).block(block_type, &body);
        let (records, error) = read_bytes(&ng.bytes()).unwrap();
        assert!(records.is_empty());
        assert_eq!(
            error,
            Some(CaptureError::Malformed {
                index: 0,
                offset,
                reason: MalformedReason::BlockTooShort {
                    block_type,
                    length: minimum - 4,
                    minimum
                },
            }),
            "block type {block_type}"
        );
    }
}

#[test]
fn modified_pcap_has_24_byte_record_headers() {
    // Kuznetzov's format: little-endian, microseconds, and after the usual
    // 16 bytes an interface index, a protocol, a packet type and a pad byte.
    let mut file = vec![0x34, 0xcd, 0xb2, 0xa1, 2, 0, 4, 0];
    file.extend([0; 8]);
    file.extend(65_535u32.to_le_bytes());
    file.extend(101u32.to_le_bytes()); // LINKTYPE_RAW
    for (secs, micros, data) in [(7u32, 250_000u32, &b"abcd"[..]), (8, 5, b"xyz")] {
        for field in [secs, micros, data.len() as u32, 40] {
            file.extend(field.to_le_bytes());
        }
        file.extend([2, 0, 0, 0, 0x08, 0x00, 4, 0]);
        file.extend(data);
    }
    let mut reader = CaptureReader::new(&file[..]).unwrap();
    assert_eq!(
        reader.format(),
        CaptureFormat::Pcap {
            byte_order: ByteOrder::LittleEndian,
            precision: TimestampPrecision::Microsecond,
            modified: true,
        }
    );
    let (records, error) = read_all(&mut reader);
    assert_eq!(error, None);
    let packets: Vec<_> = records.iter().map(Owned::packet).collect();
    assert_eq!(
        packets,
        [
            (ts(7, 250_000_000), LinkType::RAW, &b"abcd"[..], 40),
            (ts(8, 5_000), LinkType::RAW, &b"xyz"[..], 40)
        ]
    );
    assert_eq!(records[1].offset, 24 + 24 + 4);
}

#[test]
fn pcapng_errors_are_typed_and_final() {
    let header = {
        let mut ng = Ng::new(false);
        ng.shb(1).idb(1, 0, &[]).epb(0, 1, b"ok", 2);
        ng.bytes()
    };
    let offset = header.len() as u64;
    let with = |tail: &[u8]| {
        let mut file = header.clone();
        file.extend(tail);
        let (records, error) = read_bytes(&file).unwrap();
        assert_eq!(records.len(), 1);
        error.expect("an error")
    };
    let blocks = |f: &dyn Fn(&mut Ng)| {
        let mut ng = Ng::new(false);
        f(&mut ng);
        ng.bytes()
    };

    // An EPB on an interface the section never described.
    assert_eq!(
        with(&blocks(&|ng| {
            ng.epb(3, 1, b"x", 1);
        })),
        CaptureError::UnknownInterface {
            index: 1,
            offset,
            interface: 3,
            interfaces: 1
        }
    );
    // A simple packet before any interface (new section).
    assert_eq!(
        with(&blocks(&|ng| {
            ng.shb(1).spb(1, b"x");
        })),
        CaptureError::UnknownInterface {
            index: 1,
            offset: offset + 28,
            interface: 0,
            interfaces: 0
        }
    );
    // Lengths: too short, not a multiple of 4, different at the end.
    let mut short = blocks(&|ng| {
        ng.block(0x99, &[]);
    });
    short[4] = 8;
    short[8] = 8;
    assert_eq!(
        with(&short[..12]),
        CaptureError::Malformed {
            index: 1,
            offset,
            reason: MalformedReason::BlockTooShort {
                block_type: 0x99,
                length: 8,
                minimum: 12
            },
        }
    );
    let mut unaligned = blocks(&|ng| {
        ng.block(0x99, &[0; 4]);
    });
    unaligned[4] = 15;
    assert_eq!(
        with(&unaligned),
        CaptureError::Malformed {
            index: 1,
            offset,
            reason: MalformedReason::BlockLengthUnaligned { length: 15 },
        }
    );
    let mut mismatch = blocks(&|ng| {
        ng.block(0x99, &[0; 4]);
    });
    mismatch[12] = 20;
    assert_eq!(
        with(&mismatch),
        CaptureError::Malformed {
            index: 1,
            offset,
            reason: MalformedReason::BlockLengthMismatch {
                leading: 16,
                trailing: 20
            },
        }
    );
    // An EPB claiming more captured bytes than it holds.
    let mut overlong = blocks(&|ng| {
        ng.epb(0, 1, b"abcd", 4);
    });
    overlong[20] = 200;
    assert_eq!(
        with(&overlong),
        CaptureError::Malformed {
            index: 1,
            offset,
            reason: MalformedReason::CapturedLengthExceedsBlock {
                captured_len: 200,
                block_len: overlong.len() as u32,
            },
        }
    );
    // if_tsresol 10^-20 does not fit.
    assert_eq!(
        with(&blocks(&|ng| {
            ng.idb(1, 0, &[(9, &[20])]);
        })),
        CaptureError::Malformed {
            index: 1,
            offset,
            reason: MalformedReason::TimestampResolution { if_tsresol: 20 },
        }
    );
    // A later section header with a bad byte-order magic, and one of version 2.
    let mut bad_bom = blocks(&|ng| {
        ng.shb(1);
    });
    bad_bom[8] = 0;
    assert!(matches!(
        with(&bad_bom),
        CaptureError::Malformed {
            index: 1,
            reason: MalformedReason::ByteOrderMagic { .. },
            ..
        }
    ));
    assert_eq!(
        with(&blocks(&|ng| {
            ng.shb(2);
        })),
        CaptureError::UnsupportedVersion {
            format: synack::capture::FileFormat::PcapNg,
            major: 2,
            minor: 0,
            offset,
        }
    );
}

#[test]
fn headers_are_checked() {
    // Version 3 pcap and version 2 pcapng.
    let mut pcap = fs::read(data_path("http-image.pcap")).unwrap();
    pcap[4] = 3;
    assert!(matches!(
        CaptureReader::new(&pcap[..]),
        Err(CaptureError::UnsupportedVersion {
            major: 3,
            minor: 4,
            offset: 0,
            ..
        })
    ));
    let mut ng = Ng::new(false);
    ng.shb(2);
    assert!(matches!(
        CaptureReader::new(&ng.bytes()[..]),
        Err(CaptureError::UnsupportedVersion { major: 2, .. })
    ));
    // A pcapng magic without a byte-order magic is not a capture.
    let mut bad = ng.bytes();
    bad[8..12].copy_from_slice(b"xxxx");
    assert!(matches!(
        CaptureReader::new(&bad[..]),
        Err(CaptureError::NotACapture { .. })
    ));
    // A pcapng file must start with a section header, whose body must be there.
    assert_eq!(
        CaptureReader::new(&bad[..10]).err(),
        Some(CaptureError::Truncated {
            index: 0,
            offset: 0,
            needed: 12,
            available: 10
        })
    );
}

#[test]
fn garbage_is_not_a_capture() {
    for garbage in [
        &b""[..],
        b"\xd4\xc3",
        b"GIF89a and more",
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
        &[0u8; 100][..],
    ] {
        let error = CaptureReader::new(garbage).err().expect("an error");
        let mut magic = [0; 4];
        for (m, g) in magic.iter_mut().zip(garbage) {
            *m = *g;
        }
        assert_eq!(error, CaptureError::NotACapture { magic });
        assert!(
            error
                .to_string()
                .starts_with("not a pcap or pcapng capture")
        );
    }
    let missing = CaptureReader::open("/nonexistent/x.pcap").err().unwrap();
    assert_eq!(
        missing,
        CaptureError::Io {
            index: 0,
            offset: 0,
            kind: io::ErrorKind::NotFound
        }
    );
}

// ---------------------------------------------------------------- truncation

/// Cuts `file` at every length and checks: all complete records, then exactly one
/// `Truncated` naming the cut record or block (nothing at a block boundary).
/// `new_len` is what `CaptureReader::new` reads (the pcap header or the first
/// SHB); `blocks` lists where each later block ends and whether it is a packet.
fn check_every_cut(file: &[u8], new_len: usize, blocks: &[(usize, bool)]) {
    let (all, _) = read_bytes(file).unwrap();
    for cut in 0..=file.len() {
        let slice = &file[..cut];
        for trickle in [false, true] {
            let result = if trickle {
                CaptureReader::new(Trickle {
                    data: slice,
                    turn: cut,
                })
                .map(|mut r| read_all(&mut r))
            } else {
                read_bytes(slice)
            };
            if cut < 4 {
                assert!(
                    matches!(result, Err(CaptureError::NotACapture { .. })),
                    "cut {cut}"
                );
                continue;
            }
            if cut < new_len {
                assert!(
                    matches!(
                        result,
                        Err(CaptureError::Truncated {
                            index: 0,
                            offset: 0,
                            ..
                        })
                    ),
                    "cut {cut}: {result:?}"
                );
                continue;
            }
            let (records, error) = result.unwrap();
            let complete = blocks
                .iter()
                .filter(|&&(end, packet)| packet && end <= cut)
                .count();
            assert_eq!(records.len(), complete, "cut {cut}");
            assert_eq!(records[..], all[..complete]);
            let last_end = blocks
                .iter()
                .map(|&(end, _)| end)
                .rfind(|&end| end <= cut)
                .unwrap_or(new_len);
            if cut == last_end {
                assert_eq!(error, None, "cut {cut}");
            } else {
                match error {
                    Some(CaptureError::Truncated {
                        index,
                        offset,
                        available,
                        ..
                    }) => {
                        assert_eq!(index, complete as u64, "cut {cut}");
                        assert_eq!(offset, last_end as u64, "cut {cut}");
                        assert_eq!(available, (cut - last_end) as u64, "cut {cut}");
                    }
                    other => panic!("cut {cut}: {other:?}"),
                }
            }
        }
    }
}

#[test]
fn every_truncation_of_a_pcap() {
    let file = fs::read(data_path("http-image.pcap")).unwrap();
    let records = pcap_records(&file, true);
    let end = records[6].0; // header + six records
    let blocks: Vec<(usize, bool)> = records[1..=6].iter().map(|(at, _)| (*at, true)).collect();
    check_every_cut(&file[..end], 24, &blocks);
}

#[test]
fn every_truncation_of_a_pcapng() {
    let mut ng = Ng::new(false);
    ng.shb(1).idb(1, 0, &[(9, &[9])]);
    let mut blocks = vec![(ng.bytes().len(), false)];
    let mut boundaries = Vec::new();
    for i in 0..4u8 {
        ng.epb(0, u64::from(i), &vec![i; usize::from(i) * 3], 100);
        boundaries.push(ng.bytes().len());
        blocks.push((ng.bytes().len(), true));
    }
    // A trailing statistics block: cutting into it is a truncation too, at no packet.
    ng.block(5, &[0; 8]);
    let file = ng.bytes();
    check_every_cut(&file[..boundaries[3]], 28, &blocks);
    let (records, error) = read_bytes(&file[..file.len() - 1]).unwrap();
    assert_eq!(records.len(), 4);
    assert_eq!(
        error,
        Some(CaptureError::Truncated {
            index: 4,
            offset: boundaries[3] as u64,
            needed: 20,
            available: 19,
        })
    );
    // The SHB cut: the whole first block must be there for `new`.
    assert!(matches!(
        CaptureReader::new(&file[..20]),
        Err(CaptureError::Truncated {
            index: 0,
            offset: 0,
            needed: 28,
            available: 20
        })
    ));
}

#[test]
fn io_errors_keep_their_kind_and_place() {
    struct FailAfter<'a>(&'a [u8]);
    impl Read for FailAfter<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::ErrorKind::ConnectionReset.into());
            }
            let n = buf.len().min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let file = fs::read(data_path("http-image.pcap")).unwrap();
    let records = pcap_records(&file, true);
    let cut = records[2].0 + 5;
    let mut reader = CaptureReader::new(FailAfter(&file[..cut])).unwrap();
    let (got, error) = read_all(&mut reader);
    assert_eq!(got.len(), 2);
    assert_eq!(
        error,
        Some(CaptureError::Io {
            index: 2,
            offset: records[2].0 as u64,
            kind: io::ErrorKind::ConnectionReset,
        })
    );
}

// ---------------------------------------------------------------- memory

/// A pcap of `count` records of `size` bytes each, made up while it is read.
struct Synthetic {
    header: Vec<u8>,
    pos: usize,
    count: u64,
    size: u32,
    made: u64,
    record: Vec<u8>,
    /// An extra record length to put first (for the oversize checks).
    first_size: Option<u32>,
}

impl Synthetic {
    fn new(count: u64, size: u32, first_size: Option<u32>) -> Self {
        let mut header = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        header.extend(0x0100_0000u32.to_le_bytes());
        header.extend(1u32.to_le_bytes());
        Synthetic {
            header,
            pos: 0,
            count,
            size,
            made: 0,
            record: Vec::new(),
            first_size,
        }
    }
}

impl Read for Synthetic {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.header.len() {
            if self.made == self.count {
                return Ok(0);
            }
            let size = match (self.made, self.first_size) {
                (0, Some(first)) => first,
                _ => self.size,
            };
            self.header.clear();
            self.header.extend((self.made as u32).to_le_bytes()); // seconds = index
            self.header.extend(0u32.to_le_bytes());
            self.header.extend(size.to_le_bytes());
            self.header.extend(size.to_le_bytes());
            self.record.clear();
            self.record.resize(size as usize, self.made as u8);
            self.header.extend(&self.record);
            self.pos = 0;
            self.made += 1;
        }
        let n = buf.len().min(self.header.len() - self.pos);
        buf[..n].copy_from_slice(&self.header[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[test]
fn fifty_megabytes_in_a_constant_buffer() {
    let count = 50 * 1024 * 1024 / 1516;
    let mut reader = CaptureReader::new(Synthetic::new(count, 1500, None)).unwrap();
    let mut n = 0u64;
    while let Some(record) = reader.next_record() {
        let record = record.unwrap();
        assert_eq!(record.index, n);
        assert_eq!(record.timestamp, ts(n as i64, 0));
        assert_eq!(record.data.len(), 1500);
        assert_eq!(record.data[1499], n as u8);
        assert_eq!(record.offset, 24 + n * 1516);
        n += 1;
    }
    assert_eq!(n, count);
    assert_eq!(reader.buffer_capacity(), DEFAULT_BUFFER_CAPACITY);
}

#[test]
fn one_oversized_record_grows_the_buffer_up_to_the_limit_only() {
    // A 300 KiB record grows a 64 KiB buffer to 512 KiB, within a 1 MiB limit.
    let mut reader = CaptureReader::with_limits(
        Synthetic::new(20, 100, Some(300 * 1024)),
        64 * 1024,
        1 << 20,
    )
    .unwrap();
    let (records, error) = read_all(&mut reader);
    assert_eq!((records.len(), error), (20, None));
    assert_eq!(records[0].data.len(), 300 * 1024);
    assert_eq!(reader.buffer_capacity(), 512 * 1024);
    // A 2 MiB record is over the limit: a typed error, without reading or allocating it.
    let mut reader =
        CaptureReader::with_limits(Synthetic::new(3, 100, Some(2 << 20)), 64 * 1024, 1 << 20)
            .unwrap();
    assert_eq!(
        reader.next_record().unwrap().unwrap_err(),
        CaptureError::RecordTooLarge {
            index: 0,
            offset: 24,
            length: 16 + (2 << 20),
            limit: 1 << 20
        }
    );
    assert_eq!(reader.buffer_capacity(), 64 * 1024);
    assert!(reader.next_record().is_none());
    // A corrupt pcapng block length of almost 4 GiB, with the default limit.
    let mut ng = Ng::new(false);
    ng.shb(1).block(0x99, &[]);
    let mut file = ng.bytes();
    let at = file.len() - 8;
    file[at..at + 4].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
    let (_, error) = read_bytes(&file).unwrap();
    assert!(matches!(
        error,
        Some(CaptureError::RecordTooLarge {
            length: 0xffff_fff0,
            ..
        })
    ));
}

#[test]
fn default_limit_holds_a_record_of_sixteen_mebibytes() {
    // DEFAULT_MAX_RECORD_LEN is the record with its 16-byte header: 16 MiB of it fit.
    let whole = (16 << 20) - 16;
    let mut reader = CaptureReader::new(Synthetic::new(2, 100, Some(whole))).unwrap();
    let (records, error) = read_all(&mut reader);
    assert_eq!((records.len(), error), (2, None));
    assert_eq!(records[0].data.len(), whole as usize);
    assert_eq!(reader.buffer_capacity(), 16 << 20);
    // One byte more is over it.
    let mut reader = CaptureReader::new(Synthetic::new(2, 100, Some(whole + 1))).unwrap();
    assert_eq!(
        reader.next_record().unwrap().unwrap_err(),
        CaptureError::RecordTooLarge {
            index: 0,
            offset: 24,
            length: (16 << 20) + 1,
            limit: 16 << 20
        }
    );
}

// ---------------------------------------------------------------- corpus

/// Data rows of a tshark TSV and the `frame.time_epoch` of the first one.
fn tshark_rows(tsv: &Path) -> (usize, Option<String>) {
    let text = fs::read_to_string(tsv).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("frame.number\tframe.time_epoch")
    );
    let rows: Vec<&str> = lines.collect();
    let first = rows
        .first()
        .map(|row| row.split('\t').nth(1).unwrap().to_string());
    (rows.len(), first)
}

#[test]
fn corpus_captures_read_to_the_end_like_tshark() {
    let Some(dir) = corpus("corpus_captures_read_to_the_end_like_tshark") else {
        return;
    };
    let mut checked = 0;
    for sub in ["captures", "captures-wild"] {
        let mut paths: Vec<PathBuf> = fs::read_dir(dir.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("pcap" | "pcapng")
                )
            })
            .collect();
        paths.sort();
        for path in paths {
            let stem = path.file_stem().unwrap().to_str().unwrap();
            let (rows, first_time) =
                tshark_rows(&path.with_file_name(format!("{stem}.tshark.tsv")));
            let (records, error) = read_file(&path);
            assert_eq!(error, None, "{}", path.display());
            assert_eq!(records.len(), rows, "{}", path.display());
            assert_eq!(
                records.first().map(|r| r.timestamp.to_string()),
                first_time,
                "{}",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 100, "only {checked} captures found");
}

#[test]
fn corpus_big_endian_pcap() {
    let Some(dir) = corpus("corpus_big_endian_pcap") else {
        return;
    };
    let name = "smb__dssetup_DsRoleGetPrimaryDomainInformation_standalone_workstation";
    let path = dir.join("captures-wild").join(format!("{name}.pcap"));
    let mut reader = CaptureReader::open(&path).unwrap();
    assert_eq!(reader.format().byte_order(), ByteOrder::BigEndian);
    let (records, error) = read_all(&mut reader);
    assert_eq!(error, None);
    // tshark: 9 frames, frame 1 at 1073392738.144777000.
    assert_eq!(records.len(), 9);
    assert_eq!(records[0].timestamp.to_string(), "1073392738.144777000");
    assert_eq!(records[0].link_type, LinkType::ETHERNET);
    // Hand-read: the first record's caplen is 0x6f.
    assert_eq!(records[0].data.len(), 0x6f);
}

#[test]
fn corpus_pcapng_with_many_interfaces() {
    let Some(dir) = corpus("corpus_pcapng_with_many_interfaces") else {
        return;
    };
    let path = dir.join("captures-wild/ldap__gap-data-missing.pcapng");
    let (records, error) = read_file(&path);
    assert_eq!(error, None);
    // tshark: 18 frames, frame 1 at 1725966494.956327000; all on interface 48 of 126.
    assert_eq!(records.len(), 18);
    assert_eq!(records[0].timestamp.to_string(), "1725966494.956327000");
    assert!(records.iter().all(|r| r.interface == 48));
}
