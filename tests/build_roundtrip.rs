//! From state to bytes and back: generated segments are built into IPv4 and IPv6
//! packets ([`IpTcpBuilder`]), written to a pcap file ([`PcapWriter`], micro- and
//! nanosecond), replayed ([`CaptureReader`]) and decoded; every segment comes back
//! with the same numbers, flags, window, SYN options, addresses, payload and
//! timestamp, and a good checksum.
#![cfg(feature = "pcap")]

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use proptest::prelude::*;
use synack::capture::{CaptureReader, PcapWriter, Timestamp, TimestampPrecision};
use synack::segment::SynOptions;
use synack::wire::{ChecksumStatus, Decoded, IpTcpBuilder, LinkType, decode};
use synack::{flags::TcpFlags, segment::Segment, seq::SeqNum};

/// One generated packet: its direction, segment, payload and capture time.
#[derive(Clone, Debug)]
struct Generated {
    builder: IpTcpBuilder,
    segment: Segment,
    payload: Vec<u8>,
    timestamp: Timestamp,
}

fn address(v6: bool) -> BoxedStrategy<IpAddr> {
    if v6 {
        any::<[u8; 16]>()
            .prop_map(|o| IpAddr::V6(Ipv6Addr::from(o)))
            .boxed()
    } else {
        any::<[u8; 4]>()
            .prop_map(|o| IpAddr::V4(Ipv4Addr::from(o)))
            .boxed()
    }
}

fn syn_options() -> impl Strategy<Value = SynOptions> {
    (
        proptest::option::of(any::<u16>()),
        proptest::option::of(any::<u8>()),
        any::<bool>(),
        proptest::option::of((any::<u32>(), any::<u32>())),
    )
        .prop_map(
            |(mss, window_scale, sack_permitted, timestamps)| SynOptions {
                mss,
                window_scale,
                sack_permitted,
                timestamps,
            },
        )
}

prop_compose! {
    fn generated()(v6 in any::<bool>())(
        source in address(v6),
        destination in address(v6),
        ports in (any::<u16>(), any::<u16>()),
        hop_limit in 1u8..=255,
        identification in any::<u16>(),
        seq in any::<u32>(),
        ack in any::<u32>(),
        // Every flag bit, the three reserved ones included.
        flags in 0u16..0x1000,
        window in any::<u16>(),
        options in syn_options(),
        payload in prop::collection::vec(any::<u8>(), 0..200),
        secs in 0i64..=u32::MAX as i64,
        nanos in 0u32..1_000_000_000,
    ) -> Generated {
        let mut builder = IpTcpBuilder::new(
            SocketAddr::new(source, ports.0),
            SocketAddr::new(destination, ports.1),
        );
        builder.hop_limit = hop_limit;
        builder.identification = identification;
        let segment = Segment::new(SeqNum(seq), SeqNum(ack), TcpFlags::from_bits_retain(flags))
            .with_len(payload.len() as u32)
            .with_window(window)
            .with_options(options);
        Generated { builder, segment, payload, timestamp: Timestamp::new(secs, nanos) }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn build_write_replay_decode_gives_the_same_segments(
        packets in prop::collection::vec(generated(), 1..8),
        nanosecond in any::<bool>(),
    ) {
        let precision = if nanosecond {
            TimestampPrecision::Nanosecond
        } else {
            TimestampPrecision::Microsecond
        };
        let mut writer = PcapWriter::with_precision(Vec::new(), LinkType::RAW, 65535, precision).unwrap();
        let mut buf = [0u8; 400];
        for p in &packets {
            let n = p.builder.write_ip_packet(&p.segment, &p.payload, &mut buf).unwrap();
            writer.write_packet(p.timestamp, &buf[..n]).unwrap();
        }
        let file = writer.into_inner();
        let mut reader = CaptureReader::new(&file[..]).unwrap();
        for p in &packets {
            let record = reader.next_record().unwrap().unwrap();
            let expected_nanos = match precision {
                TimestampPrecision::Microsecond => p.timestamp.nanos / 1000 * 1000,
                TimestampPrecision::Nanosecond => p.timestamp.nanos,
            };
            prop_assert_eq!(record.timestamp, Timestamp::new(p.timestamp.secs, expected_nanos));
            let Decoded::Tcp(packet) = decode(record.link_type, record.data) else {
                return Err(TestCaseError::fail(format!("not TCP: {:?}", decode(record.link_type, record.data))));
            };
            prop_assert_eq!(packet.source(), p.builder.source);
            prop_assert_eq!(packet.destination(), p.builder.destination);
            prop_assert_eq!(packet.verify_checksum(), ChecksumStatus::Good);
            prop_assert_eq!(packet.payload, &p.payload[..]);
            prop_assert_eq!(Segment::from_packet(&packet), p.segment);
        }
        prop_assert!(reader.next_record().is_none());
    }
}

/// A hand-checked instance: the SYN of tests/data/http-image.pcap, built from its
/// segment with tshark's ip.id (0x41f7), is the captured frame's IP packet byte for
/// byte (tshark: ip.checksum 0xe428, tcp.checksum 0x0f01).
#[test]
fn the_captured_syn_is_rebuilt_exactly() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/http-image.pcap");
    let mut reader = CaptureReader::open(path).unwrap();
    let record = reader.next_record().unwrap().unwrap();
    let packet = decode(record.link_type, record.data).into_tcp().unwrap();
    let mut builder = IpTcpBuilder::new(packet.source(), packet.destination());
    builder.identification = 0x41f7;
    let mut buf = [0u8; 100];
    let n = builder
        .write_ip_packet(&Segment::from_packet(&packet), packet.payload, &mut buf)
        .unwrap();
    // The frame: a 14-byte Ethernet header, then the IP packet.
    assert_eq!(&buf[..n], &record.data[14..]);
}
