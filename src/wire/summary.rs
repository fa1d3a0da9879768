//! A decoded segment's one-line summary, in tcpdump's words.

use core::fmt;
use core::net::SocketAddr;

use crate::flags::TcpFlags;
use crate::wire::DecodedSegment;

/// A decoded segment's one-line summary, in tcpdump's words.
///
/// `Display` for [`DecodedSegment`] writes what `tcpdump -n -S` prints after the
/// timestamp (print-tcp.c's field order): `IP` or `IP6`, the endpoints as
/// `address.port`, the flags in tcpdump's letters, the absolute sequence number
/// (`seq first:end` when the segment carries data; with SYN, FIN or RST even
/// without), the acknowledgment number when ACK is set, the window field, the
/// urgent pointer when URG is set, the options (each as
/// [`TcpOption`](crate::wire::TcpOption)'s
/// `Display`, `bad opt` where the walk fails) and the payload length from the
/// IP header.
///
/// ```
/// # #[cfg(feature = "pcap")] {
/// use synack::capture::CaptureReader;
/// use synack::wire::decode;
///
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/http-image.pcap");
/// let mut reader = CaptureReader::open(path).unwrap();
/// let record = reader.next_record().unwrap().unwrap();
/// let packet = decode(record.link_type, record.data).into_tcp().unwrap();
/// // tcpdump -nr tests/data/http-image.pcap -S -c 1
/// assert_eq!(
///     packet.to_string(),
///     "IP 10.77.0.1.46882 > 10.77.0.2.80: Flags [S], seq 179603736, win 64240, \
///      options [mss 1460,sackOK,TS val 4006145894 ecr 0,nop,wscale 10], length 0"
/// );
/// # }
/// ```
impl fmt::Display for DecodedSegment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = &self.header;
        let flags = header.flags();
        let family = match self.source() {
            SocketAddr::V4(_) => "IP",
            SocketAddr::V6(_) => "IP6",
        };
        write!(
            f,
            "{family} {}.{} > {}.{}: Flags [{}]",
            self.source().ip(),
            self.source().port(),
            self.destination().ip(),
            self.destination().port(),
            flags.tcpdump()
        )?;
        let seq = header.sequence_number();
        let len = self.payload_len;
        if len > 0 || flags.intersects(TcpFlags::SYN | TcpFlags::FIN | TcpFlags::RST) {
            write!(f, ", seq {seq}")?;
            if len > 0 {
                write!(f, ":{}", seq.wrapping_add(len))?;
            }
        }
        if flags.contains(TcpFlags::ACK) {
            write!(f, ", ack {}", header.acknowledgment_number())?;
        }
        write!(f, ", win {}", header.window_size())?;
        if flags.contains(TcpFlags::URG) {
            write!(f, ", urg {}", header.urgent_pointer())?;
        }
        if !header.options_slice().is_empty() {
            f.write_str(", options [")?;
            for (i, option) in header.options().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                match option {
                    Ok(option) => fmt::Display::fmt(&option, f)?,
                    Err(_) => f.write_str("bad opt")?,
                }
            }
            f.write_str("]")?;
        }
        write!(f, ", length {len}")
    }
}

#[cfg(test)]
mod test {
    use crate::wire::{LinkType, decode};
    extern crate std;
    use std::string::ToString;

    /// A hand-made IPv6 segment: flags in tcpdump's order (F S R P . U E W),
    /// `seq first:end` for data, `urg` with URG, and `bad opt` where the walk fails.
    #[test]
    fn ipv6_data_urg_and_a_bad_option() {
        // IPv6, TCP with PSH|ACK|URG, 3 payload bytes, options NOP then a cut MSS.
        let mut frame = std::vec![0x60, 0, 0, 0, 0, 27, 6, 64];
        frame.extend([0x20, 0x01, 0x0d, 0xb8].iter().chain(&[0; 11]).chain(&[1]));
        frame.extend([0x20, 0x01, 0x0d, 0xb8].iter().chain(&[0; 11]).chain(&[2]));
        frame.extend([
            0x04, 0x01, 0x00, 0x50, 0, 0, 0, 10, 0, 0, 0, 20, 0x60, 0x38, 0x01, 0x00, 0, 0, 0, 7,
            1, 2, 9, 0,
        ]);
        frame.extend(b"abc");
        let packet = decode(LinkType::RAW, &frame).into_tcp().unwrap();
        assert_eq!(
            packet.to_string(),
            "IP6 2001:db8::1.1025 > 2001:db8::2.80: Flags [P.U], seq 10:13, ack 20, \
             win 256, urg 7, options [nop,bad opt], length 3"
        );
    }
}
