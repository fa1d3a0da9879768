//! [`Segment`]: the handful of numbers the state machine reasons about.
//!
//! A segment is what RFC 9293 §3.10 calls `SEG.*`: sequence number, acknowledgment
//! number, payload length, control bits, window, and the options that matter
//! when a connection is set up. It is `Copy`, owns no bytes, and can be made from
//! a decoded packet or by hand (tests, the RFC figures, an endpoint's replies).
//!
//! ```
//! use synack::{Segment, SeqNum, TcpFlags};
//! let syn = Segment::new(SeqNum(100), SeqNum(0), TcpFlags::SYN);
//! assert_eq!(syn.seg_len(), 1);                        // SYN consumes one number
//! let data = Segment::new(SeqNum(101), SeqNum(301), TcpFlags::ACK | TcpFlags::PSH).with_len(10);
//! assert_eq!(data.seg_len(), 10);
//! assert_eq!(data.next_seq(), SeqNum(111));
//! ```
//!
//! From a captured frame: [`Segment::from_packet`] takes the numbers and the SYN
//! options (MSS, window scale, SACK-permitted, timestamps) from a decoded
//! [`TcpPacket`].

use crate::flags::TcpFlags;
use crate::seq::SeqNum;
use crate::wire::options::TcpOption;
use crate::wire::packet::TcpPacket;
use crate::wire::tcp::TcpHeaderSlice;

/// The options a SYN negotiates (RFC 9293 §3.7.1, RFC 7323, RFC 2018).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SynOptions {
    /// Maximum segment size the sender can receive.
    pub mss: Option<u16>,
    /// Window scale shift the sender will apply to its windows (RFC 7323; clamped to 14 on use).
    pub window_scale: Option<u8>,
    /// Whether the sender permits SACK.
    pub sack_permitted: bool,
    /// Timestamps option (TSval, TSecr), on any segment.
    pub timestamps: Option<(u32, u32)>,
}

impl SynOptions {
    /// The options of interest in a header. Malformed options end the walk (what
    /// was read before them is kept); repeated options: the last one wins.
    pub fn from_header(header: &TcpHeaderSlice<'_>) -> Self {
        let mut o = SynOptions::default();
        for option in header.options().map_while(Result::ok) {
            match option {
                TcpOption::Mss(mss) => o.mss = Some(mss),
                TcpOption::WindowScale(shift) => o.window_scale = Some(shift),
                TcpOption::SackPermitted => o.sack_permitted = true,
                TcpOption::Timestamps { value, echo_reply } => {
                    o.timestamps = Some((value, echo_reply))
                }
                _ => {}
            }
        }
        o
    }
}

/// One TCP segment as the state machine sees it (RFC 9293's `SEG.*` variables).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Segment {
    /// `SEG.SEQ`: first sequence number of the segment.
    pub seq: SeqNum,
    /// `SEG.ACK`: acknowledgment number (meaningful only with ACK set).
    pub ack: SeqNum,
    /// Payload length in bytes (SYN and FIN not counted).
    pub payload_len: u32,
    /// All control bits.
    pub flags: TcpFlags,
    /// `SEG.WND`: the raw, unscaled window field.
    pub window: u16,
    /// `SEG.UP`: the urgent pointer field, an offset from `SEG.SEQ` to the octet
    /// following the urgent data (RFC 9293 MUST-31); meaningful only with URG set.
    pub urgent: u16,
    /// The options of interest.
    pub options: SynOptions,
}

impl Segment {
    /// A segment with no payload, window 0 and no options.
    pub const fn new(seq: SeqNum, ack: SeqNum, flags: TcpFlags) -> Self {
        Segment {
            seq,
            ack,
            payload_len: 0,
            flags,
            window: 0,
            urgent: 0,
            options: SynOptions {
                mss: None,
                window_scale: None,
                sack_permitted: false,
                timestamps: None,
            },
        }
    }

    /// The segment a header describes, carrying `payload_len` payload bytes.
    pub fn from_header(header: &TcpHeaderSlice<'_>, payload_len: u32) -> Self {
        Segment {
            seq: header.sequence_number(),
            ack: header.acknowledgment_number(),
            payload_len,
            flags: header.flags(),
            window: header.window_size(),
            urgent: header.urgent_pointer(),
            options: SynOptions::from_header(header),
        }
    }

    /// The segment a decoded packet carries. The payload length is the one the IP
    /// header gives, so a capture cut by the snap length still counts every byte.
    pub fn from_packet(packet: &TcpPacket<'_>) -> Self {
        Self::from_header(&packet.header, packet.payload_len)
    }

    /// The same segment carrying `len` payload bytes.
    pub const fn with_len(mut self, len: u32) -> Self {
        self.payload_len = len;
        self
    }

    /// The same segment advertising window `window`.
    pub const fn with_window(mut self, window: u16) -> Self {
        self.window = window;
        self
    }

    /// The same segment with urgent pointer `urgent` (`SEG.UP`; set URG in the flags too).
    pub const fn with_urgent(mut self, urgent: u16) -> Self {
        self.urgent = urgent;
        self
    }

    /// The same segment with these options.
    pub const fn with_options(mut self, options: SynOptions) -> Self {
        self.options = options;
        self
    }

    /// `SEG.LEN`: sequence numbers occupied: payload + 1 for SYN + 1 for FIN.
    #[inline]
    pub const fn seg_len(&self) -> u32 {
        self.payload_len.wrapping_add(self.flags.seq_len())
    }

    /// The sequence number after this segment (`SEG.SEQ + SEG.LEN`): what the
    /// peer acknowledges once it has everything up to and including this segment.
    #[inline]
    pub const fn next_seq(&self) -> SeqNum {
        self.seq.wrapping_add(self.seg_len())
    }

    /// Whether a control bit is set.
    #[inline]
    pub const fn has(&self, flag: TcpFlags) -> bool {
        self.flags.contains(flag)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn seg_len_counts_syn_and_fin_once_each() {
        let s =
            Segment::new(SeqNum(u32::MAX), SeqNum(0), TcpFlags::SYN | TcpFlags::FIN).with_len(3);
        assert_eq!(s.seg_len(), 5);
        assert_eq!(s.next_seq(), SeqNum(4));
        assert_eq!(
            Segment::new(SeqNum(7), SeqNum(0), TcpFlags::ACK).seg_len(),
            0
        );
    }

    /// Frame 1 of tests/data/http-image.pcap; tshark: seq 179603736, win 64240,
    /// MSS 1460, WS 10, SACK_PERM, TSval 4006145894, TSecr 0.
    #[test]
    fn from_header_reads_the_syn_options() {
        let syn = crate::testdata::HTTP_IMAGE_SYN;
        let header = TcpHeaderSlice::from_slice(&syn).unwrap();
        let seg = Segment::from_header(&header, 0);
        assert_eq!(seg.seq, SeqNum(179603736));
        assert_eq!(seg.flags, TcpFlags::SYN);
        assert_eq!(seg.window, 64240);
        assert_eq!(
            seg.options,
            SynOptions {
                mss: Some(1460),
                window_scale: Some(10),
                sack_permitted: true,
                timestamps: Some((4006145894, 0))
            }
        );
        assert_eq!(seg.seg_len(), 1);
    }
}
