//! Property tests for the wire layer: TCP header and option building and parsing,
//! truncation errors, the Internet checksum (full, incremental, against etherparse)
//! and option decoding against etherparse's.

use core::net::{Ipv4Addr, Ipv6Addr};

use proptest::prelude::*;
use synack::wire::{PseudoHeader, internet_checksum, ones_complement_sum, update_checksum};
use synack::wire::{
    SackBlocks, TcpHeader, TcpHeaderError, TcpHeaderSlice, TcpOption, TcpOptionsBuf,
    TcpOptionsIter, TcpSlice,
};
use synack::{flags::TcpFlags, seq::SeqNum};

/// Kinds [`TcpOptionsIter`] decodes itself (the rest come out as `Unknown`).
const KNOWN_KINDS: [u8; 12] = [0, 1, 2, 3, 4, 5, 8, 19, 29, 30, 34, 254];

/// An owned option, so that strategies can hold the data a `TcpOption` borrows.
#[derive(Clone, Debug)]
enum OwnedOption {
    Nop,
    Mss(u16),
    WindowScale(u8),
    SackPermitted,
    /// SACK blocks as the wire carries them (8 bytes per block).
    Sack(Vec<u8>),
    Timestamps(u32, u32),
    FastOpenCookie(Vec<u8>),
    ExperimentalFastOpenCookie(Vec<u8>),
    Md5Signature([u8; 16]),
    Authentication(u8, u8, Vec<u8>),
    Mptcp(Vec<u8>),
    Unknown(u8, Vec<u8>),
    EndOfOptionList,
}

impl OwnedOption {
    fn as_option(&self) -> TcpOption<'_> {
        match self {
            OwnedOption::Nop => TcpOption::Nop,
            OwnedOption::Mss(v) => TcpOption::Mss(*v),
            OwnedOption::WindowScale(v) => TcpOption::WindowScale(*v),
            OwnedOption::SackPermitted => TcpOption::SackPermitted,
            OwnedOption::Sack(b) => {
                TcpOption::Sack(SackBlocks::from_bytes(b).expect("1 to 4 blocks"))
            }
            OwnedOption::Timestamps(value, echo_reply) => TcpOption::Timestamps {
                value: *value,
                echo_reply: *echo_reply,
            },
            OwnedOption::FastOpenCookie(c) => TcpOption::FastOpenCookie(c),
            OwnedOption::ExperimentalFastOpenCookie(c) => TcpOption::ExperimentalFastOpenCookie(c),
            OwnedOption::Md5Signature(d) => TcpOption::Md5Signature(d),
            OwnedOption::Authentication(key_id, rnext_key_id, mac) => TcpOption::Authentication {
                key_id: *key_id,
                rnext_key_id: *rnext_key_id,
                mac,
            },
            OwnedOption::Mptcp(d) => TcpOption::Mptcp(d),
            OwnedOption::Unknown(kind, data) => TcpOption::Unknown { kind: *kind, data },
            OwnedOption::EndOfOptionList => TcpOption::EndOfOptionList,
        }
    }
}

fn seq_number() -> impl Strategy<Value = u32> {
    prop_oneof![
        any::<u32>(),
        (u32::MAX - 2000)..=u32::MAX,
        0u32..2000,
        Just(1u32 << 31),
    ]
}

prop_compose! {
    fn sack_blocks()(blocks in prop::collection::vec((seq_number(), seq_number()), 1..=4)) -> Vec<u8> {
        let blocks: Vec<(SeqNum, SeqNum)> =
            blocks.into_iter().map(|(l, r)| (SeqNum(l), SeqNum(r))).collect();
        let mut storage = [0u8; 32];
        SackBlocks::encode(&blocks, &mut storage).expect("1 to 4 blocks").as_bytes().to_vec()
    }
}

prop_compose! {
    fn unknown_option()(
        kind in any::<u8>().prop_filter("a kind synack decodes", |k| !KNOWN_KINDS.contains(k)),
        data in prop::collection::vec(any::<u8>(), 0..=8),
    ) -> OwnedOption {
        OwnedOption::Unknown(kind, data)
    }
}

fn one_option() -> impl Strategy<Value = OwnedOption> {
    prop_oneof![
        Just(OwnedOption::Nop),
        any::<u16>().prop_map(OwnedOption::Mss),
        any::<u8>().prop_map(OwnedOption::WindowScale),
        Just(OwnedOption::SackPermitted),
        sack_blocks().prop_map(OwnedOption::Sack),
        (seq_number(), seq_number()).prop_map(|(v, e)| OwnedOption::Timestamps(v, e)),
        prop::collection::vec(any::<u8>(), 0..=16).prop_map(OwnedOption::FastOpenCookie),
        prop::collection::vec(any::<u8>(), 0..=16)
            .prop_map(OwnedOption::ExperimentalFastOpenCookie),
        any::<[u8; 16]>().prop_map(OwnedOption::Md5Signature),
        (
            any::<u8>(),
            any::<u8>(),
            prop::collection::vec(any::<u8>(), 0..=16)
        )
            .prop_map(|(k, r, m)| OwnedOption::Authentication(k, r, m)),
        prop::collection::vec(any::<u8>(), 0..=16).prop_map(OwnedOption::Mptcp),
        unknown_option(),
    ]
}

fn wire_len(options: &[OwnedOption]) -> usize {
    options.iter().map(|o| o.as_option().wire_len()).sum()
}

prop_compose! {
    /// A valid option list of at most 40 bytes, optionally ending in one EOL.
    fn option_list()(
        candidates in prop::collection::vec(one_option(), 0..12),
        trailing_eol in any::<bool>(),
    ) -> Vec<OwnedOption> {
        let mut list = Vec::new();
        let mut len = 0;
        for option in candidates {
            let n = option.as_option().wire_len();
            if len + n <= 40 {
                len += n;
                list.push(option);
            }
        }
        if trailing_eol && len < 40 {
            list.push(OwnedOption::EndOfOptionList);
        }
        list
    }
}

prop_compose! {
    fn header_fields()(
        source_port in prop_oneof![Just(0u16), any::<u16>(), Just(u16::MAX)],
        destination_port in prop_oneof![Just(0u16), any::<u16>(), Just(u16::MAX)],
        seq in seq_number(),
        ack in seq_number(),
        flag_bits in 0u16..0x1000,
        window_size in any::<u16>(),
        checksum in any::<u16>(),
        urgent_pointer in any::<u16>(),
    ) -> TcpHeader {
        TcpHeader {
            source_port,
            destination_port,
            sequence_number: SeqNum(seq),
            acknowledgment_number: SeqNum(ack),
            flags: TcpFlags::from_bits_retain(flag_bits),
            window_size,
            checksum,
            urgent_pointer,
            options: TcpOptionsBuf::new(),
        }
    }
}

prop_compose! {
    /// A header with a valid option list, and that list.
    fn header_with_options()(h in header_fields(), options in option_list()) -> (TcpHeader, Vec<OwnedOption>) {
        let mut h = h;
        for o in &options {
            h.options.push(&o.as_option()).expect("the list fits 40 bytes");
        }
        (h, options)
    }
}

fn pseudo_header() -> impl Strategy<Value = PseudoHeader> {
    prop_oneof![
        (any::<[u8; 4]>(), any::<[u8; 4]>()).prop_map(|(s, d)| PseudoHeader::V4 {
            source: Ipv4Addr::from(s),
            destination: Ipv4Addr::from(d),
        }),
        (any::<[u8; 16]>(), any::<[u8; 16]>()).prop_map(|(s, d)| PseudoHeader::V6 {
            source: Ipv6Addr::from(s),
            destination: Ipv6Addr::from(d),
        }),
    ]
}

/// Writes `h` into a fresh 60-byte buffer.
fn written(h: &TcpHeader) -> ([u8; 60], usize) {
    let mut buf = [0u8; 60];
    let n = h.write(&mut buf).expect("60 bytes always suffice");
    (buf, n)
}

/// Our options compared with etherparse's, for the kinds etherparse decodes
/// (NOP, MSS, window scale, SACK-permitted, SACK, timestamps); stops at the first
/// option of another kind (etherparse reports those as errors), at EOL, or at an error.
fn compare_with_etherparse(options: &[u8]) -> Result<(), TestCaseError> {
    use etherparse::TcpOptionElement as E;
    let mut theirs = etherparse::TcpOptionsIterator::from_slice(options);
    for ours in TcpOptionsIter::new(options) {
        let Ok(ours) = ours else { break };
        let expected = match ours {
            TcpOption::Nop => E::Noop,
            TcpOption::Mss(v) => E::MaximumSegmentSize(v),
            TcpOption::WindowScale(v) => E::WindowScale(v),
            TcpOption::SackPermitted => E::SelectiveAcknowledgementPermitted,
            TcpOption::Sack(blocks) => {
                let b: Vec<(u32, u32)> = blocks.iter().map(|(l, r)| (l.0, r.0)).collect();
                let mut rest = [None; 3];
                for (slot, block) in rest.iter_mut().zip(&b[1..]) {
                    *slot = Some(*block);
                }
                E::SelectiveAcknowledgement(b[0], rest)
            }
            TcpOption::Timestamps { value, echo_reply } => E::Timestamp(value, echo_reply),
            TcpOption::EndOfOptionList => {
                prop_assert!(theirs.next().is_none());
                break;
            }
            _ => break,
        };
        prop_assert_eq!(theirs.next(), Some(Ok(expected)));
    }
    Ok(())
}

/// Fixed fields of our view against etherparse's.
fn compare_fields_with_etherparse(bytes: &[u8]) -> Result<(), TestCaseError> {
    let ours = TcpHeaderSlice::from_slice(bytes);
    let theirs = etherparse::TcpHeaderSlice::from_slice(bytes);
    prop_assert_eq!(ours.is_ok(), theirs.is_ok());
    if let (Ok(o), Ok(t)) = (ours, theirs) {
        prop_assert_eq!(o.slice(), t.slice());
        prop_assert_eq!(o.source_port(), t.source_port());
        prop_assert_eq!(o.destination_port(), t.destination_port());
        prop_assert_eq!(o.sequence_number().0, t.sequence_number());
        prop_assert_eq!(o.acknowledgment_number().0, t.acknowledgment_number());
        prop_assert_eq!(o.data_offset(), t.data_offset());
        prop_assert_eq!(o.window_size(), t.window_size());
        prop_assert_eq!(o.checksum(), t.checksum());
        prop_assert_eq!(o.urgent_pointer(), t.urgent_pointer());
        let f = o.flags();
        prop_assert_eq!(f.contains(TcpFlags::FIN), t.fin());
        prop_assert_eq!(f.contains(TcpFlags::SYN), t.syn());
        prop_assert_eq!(f.contains(TcpFlags::RST), t.rst());
        prop_assert_eq!(f.contains(TcpFlags::PSH), t.psh());
        prop_assert_eq!(f.contains(TcpFlags::ACK), t.ack());
        prop_assert_eq!(f.contains(TcpFlags::URG), t.urg());
        prop_assert_eq!(f.contains(TcpFlags::ECE), t.ece());
        prop_assert_eq!(f.contains(TcpFlags::CWR), t.cwr());
        prop_assert_eq!(f.contains(TcpFlags::AE), t.ns());
        prop_assert_eq!(o.options_slice(), t.options());
        compare_with_etherparse(o.options_slice())?;
    }
    Ok(())
}

fn etherparse_checksum(pseudo: &PseudoHeader, segment: &[u8]) -> u16 {
    let header = etherparse::TcpHeaderSlice::from_slice(segment).expect("a valid header");
    let payload = &segment[header.slice().len()..];
    match pseudo {
        PseudoHeader::V4 {
            source,
            destination,
        } => header
            .calc_checksum_ipv4_raw(source.octets(), destination.octets(), payload)
            .expect("short segment"),
        PseudoHeader::V6 {
            source,
            destination,
        } => header
            .calc_checksum_ipv6_raw(source.octets(), destination.octets(), payload)
            .expect("short segment"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// (a) build → parse gives the same header, and the options as pushed.
    #[test]
    fn build_then_parse_round_trips((h, options) in header_with_options()) {
        let (buf, n) = written(&h);
        prop_assert_eq!(n, h.header_len());
        prop_assert_eq!(n % 4, 0);
        let parsed = TcpHeaderSlice::from_slice(&buf[..n]).unwrap();
        prop_assert_eq!(parsed.header_len(), n);
        prop_assert_eq!(parsed.data_offset() as usize * 4, n);
        prop_assert_eq!(parsed.to_header(), h);
        prop_assert_eq!(parsed.flags(), h.flags);

        let got: Vec<_> = parsed.options().collect();
        let mut expected: Vec<_> = options.iter().map(|o| Ok(o.as_option())).collect();
        let pushed_len = wire_len(&options);
        let ends_in_eol = matches!(options.last(), Some(OwnedOption::EndOfOptionList));
        if !ends_in_eol && pushed_len < n - 20 {
            // The zero padding reads as one End-of-Option-List.
            expected.push(Ok(TcpOption::EndOfOptionList));
        }
        prop_assert_eq!(got, expected);
        // The padding is zeros.
        prop_assert!(buf[20 + pushed_len..n].iter().all(|&b| b == 0));
        // The owned options iterate the same way.
        let from_buf: Vec<_> = h.options.iter().collect();
        let from_slice: Vec<_> = parsed.options().collect();
        prop_assert_eq!(from_buf, from_slice);
    }

    /// (b) `write_with_checksum` verifies; any single bit flip is detected.
    #[test]
    fn checksum_verifies_and_every_bit_flip_is_caught(
        (h, _options) in header_with_options(),
        pseudo in pseudo_header(),
        payload in prop::collection::vec(any::<u8>(), 0..200),
        bit in any::<prop::sample::Index>(),
    ) {
        let mut buf = [0u8; 60 + 200];
        let n = h.write_with_checksum(&mut buf, &pseudo, &payload).unwrap();
        prop_assert_eq!(n, h.header_len() + payload.len());
        let segment = &mut buf[..n];
        prop_assert!(pseudo.verify_tcp(segment));
        let parsed = TcpSlice::from_slice(segment).unwrap();
        prop_assert_eq!(parsed.payload(), &payload[..]);
        prop_assert_eq!(pseudo.tcp_checksum(segment), parsed.header().checksum());
        let bit = bit.index(n * 8);
        segment[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(!pseudo.verify_tcp(segment), "flip of bit {} not detected", bit);
    }

    /// (c) any bytes parse or fail cleanly; the option walk ends in bounded steps.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..80)) {
        match TcpHeaderSlice::from_slice(&bytes) {
            Ok(h) => {
                prop_assert!(h.header_len() >= 20 && h.header_len() <= bytes.len());
                prop_assert_eq!(h.header_len(), h.data_offset() as usize * 4);
                let options = h.options_slice();
                let steps = h.options().take(options.len() + 2).count();
                prop_assert!(steps <= options.len() + 1);
                let seg = TcpSlice::from_slice(&bytes).unwrap();
                prop_assert_eq!(seg.payload().len(), bytes.len() - h.header_len());
                let (buf, n) = written(&h.to_header());
                prop_assert_eq!(&buf[..n], h.slice());
            }
            Err(TcpHeaderError::Truncated { available }) => {
                prop_assert!(bytes.len() < 20);
                prop_assert_eq!(available, bytes.len());
            }
            Err(TcpHeaderError::DataOffsetTooSmall { data_offset }) => {
                prop_assert!(data_offset < 5);
                prop_assert_eq!(data_offset, bytes[12] >> 4);
            }
            Err(TcpHeaderError::DataOffsetPastEnd { header_len, available }) => {
                prop_assert_eq!(available, bytes.len());
                prop_assert!(header_len > available);
                prop_assert_eq!(header_len, (bytes[12] >> 4) as usize * 4);
            }
        }
        // The option iterator alone, over any bytes.
        let mut it = TcpOptionsIter::new(&bytes);
        let mut steps = 0;
        let mut last_offset = 0;
        while let Some(item) = it.next() {
            steps += 1;
            prop_assert!(steps <= bytes.len() + 1);
            if item.is_ok() {
                prop_assert!(it.offset() > last_offset, "no progress");
                prop_assert!(it.offset() <= bytes.len());
                prop_assert_eq!(it.offset() + it.rest().len(), bytes.len());
                last_offset = it.offset();
            }
        }
        prop_assert!(it.next().is_none());
    }

    /// (d) every truncation of a built header is the expected error.
    #[test]
    fn truncations_give_the_expected_error((h, _options) in header_with_options()) {
        let (buf, n) = written(&h);
        for k in 0..n {
            let expected = if k < 20 {
                TcpHeaderError::Truncated { available: k }
            } else {
                TcpHeaderError::DataOffsetPastEnd { header_len: n, available: k }
            };
            prop_assert_eq!(TcpHeaderSlice::from_slice(&buf[..k]), Err(expected));
            prop_assert_eq!(TcpSlice::from_slice(&buf[..k]).err(), Some(expected));
        }
        prop_assert!(TcpHeaderSlice::from_slice(&buf[..n]).is_ok());
    }

    /// (e) RFC 1624 incremental update equals recomputation.
    #[test]
    fn incremental_update_equals_recomputation(
        words in prop::collection::vec(any::<u16>(), 1..100),
        which in any::<prop::sample::Index>(),
        new_word in any::<u16>(),
    ) {
        let mut data: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes()).collect();
        let before = internet_checksum(&data);
        let i = which.index(words.len());
        let old_word = words[i];
        data[2 * i..2 * i + 2].copy_from_slice(&new_word.to_be_bytes());
        let updated = update_checksum(before, old_word, new_word);
        let recomputed = internet_checksum(&data);
        if data.iter().all(|&b| b == 0) {
            // RFC 1624 §3: the only case where eqn. 3 gives the other zero (0x0000
            // for all-zero data, where recomputation gives 0xffff).
            prop_assert!(updated == recomputed || (updated == 0 && recomputed == 0xffff));
        } else {
            prop_assert_eq!(updated, recomputed);
        }
    }

    /// The wide, multi-accumulator sum equals a plain 16-bit-word reference, at any
    /// length (odd included) and start offset.
    #[test]
    fn sum_bytes_matches_a_16_bit_reference(
        data in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            prop::collection::vec(prop_oneof![Just(0xffu8), Just(0u8), any::<u8>()], 0..300),
        ],
        start in 0usize..8,
    ) {
        let data = &data[start.min(data.len())..];
        let mut reference: u64 = data
            .chunks(2)
            .map(|p| u16::from_be_bytes([p[0], p.get(1).copied().unwrap_or(0)]) as u64)
            .sum();
        while reference > 0xffff {
            reference = (reference & 0xffff) + (reference >> 16);
        }
        let ours = ones_complement_sum(data);
        prop_assert!(ours < 1 << 32);
        prop_assert_eq!(internet_checksum(data), !(reference as u16));
    }

    /// (f) our checksum equals etherparse's.
    #[test]
    fn checksum_matches_etherparse(
        (h, _options) in header_with_options(),
        pseudo in pseudo_header(),
        payload in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut buf = vec![0u8; 60 + payload.len()];
        let n = h.write(&mut buf).unwrap();
        buf[n..n + payload.len()].copy_from_slice(&payload);
        let segment = &buf[..n + payload.len()];
        prop_assert_eq!(pseudo.tcp_checksum(segment), etherparse_checksum(&pseudo, segment));
    }

    /// (g) built headers: fields and options agree with etherparse.
    #[test]
    fn built_headers_agree_with_etherparse((h, _options) in header_with_options()) {
        let (buf, n) = written(&h);
        compare_fields_with_etherparse(&buf[..n])?;
    }

    /// (g) arbitrary bytes: fields and the known options agree with etherparse.
    #[test]
    fn arbitrary_bytes_agree_with_etherparse(
        fixed in any::<[u8; 20]>(),
        options in prop::collection::vec(
            prop_oneof![
                3 => any::<u8>(),
                1 => prop::sample::select(vec![0u8, 1, 2, 3, 4, 5, 8, 10, 18, 26, 34]),
            ],
            0..=40,
        ),
    ) {
        let mut bytes = fixed.to_vec();
        bytes.extend_from_slice(&options);
        compare_fields_with_etherparse(&bytes)?;
        compare_with_etherparse(&options)?;
    }
}

/// A hand-checked instance of (a): SACK with four blocks near the wrap, then a NOP
/// and an MSS, padded with one zero byte.
#[test]
fn sack_near_wrap_round_trips() {
    let mut storage = [0u8; 32];
    let blocks = SackBlocks::encode(&[(SeqNum(u32::MAX - 1), SeqNum(3)); 4], &mut storage).unwrap();
    let mut h = TcpHeader::new(0, 0, SeqNum(u32::MAX), TcpFlags::ACK);
    h.options.push(&TcpOption::Sack(blocks)).unwrap();
    h.options.push(&TcpOption::Nop).unwrap();
    h.options.push(&TcpOption::Mss(1)).unwrap();
    let (buf, n) = written(&h);
    assert_eq!(n, 60);
    assert_eq!(buf[12], 0xf0);
    assert_eq!(&buf[20..24], &[5, 34, 0xff, 0xff]);
    assert_eq!(&buf[50..60], &[0, 0, 0, 3, 1, 2, 4, 0, 1, 0]);
    let got: Vec<_> = TcpHeaderSlice::from_slice(&buf[..n])
        .unwrap()
        .options()
        .collect();
    assert_eq!(
        got,
        [
            Ok(TcpOption::Sack(blocks)),
            Ok(TcpOption::Nop),
            Ok(TcpOption::Mss(1)),
            Ok(TcpOption::EndOfOptionList),
        ]
    );
}
