//! Building TCP headers: [`TcpHeader`], an owned header that writes itself, options
//! included, into a caller's `&mut [u8]` without allocating.
//!
//! Options are kept as wire bytes in a [`TcpOptionsBuf`] (at most 40). Typed options
//! are encoded with [`TcpOptionsBuf::push`]; [`TcpOptionsBuf::from_raw`] keeps any
//! bytes as they are, so a parsed header — even one with unknown or malformed
//! options — writes back byte for byte. When written, the options are padded with
//! zero bytes (End-of-Option-List) to a multiple of four, as the data offset requires.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use synack::{flags::TcpFlags, seq::SeqNum};
//! use synack::wire::{PseudoHeader, TcpHeader, TcpHeaderSlice, TcpOption};
//!
//! let mut syn = TcpHeader::new(46882, 80, SeqNum(179603736), TcpFlags::SYN);
//! syn.window_size = 64240;
//! syn.options.push(&TcpOption::Mss(1460)).unwrap();
//! syn.options.push(&TcpOption::WindowScale(10)).unwrap();
//!
//! let pseudo = PseudoHeader::V4 { source: Ipv4Addr::new(10, 77, 0, 1), destination: Ipv4Addr::new(10, 77, 0, 2) };
//! let mut buf = [0u8; 60];
//! let n = syn.write_with_checksum(&mut buf, &pseudo, &[]).unwrap();
//! assert_eq!(n, 28);                                     // 20 + 4 + 3, padded to 8
//! let parsed = TcpHeaderSlice::from_slice(&buf[..n]).unwrap();
//! assert!(pseudo.verify_tcp(&buf[..n]));
//! assert_eq!(parsed.to_header().options, syn.options);
//! ```

use core::fmt;

use crate::flags::TcpFlags;
use crate::segment::Segment;
use crate::seq::SeqNum;
use crate::wire::PseudoHeader;
use crate::wire::tcp::{TCP_MIN_HEADER_LEN, field};
use crate::wire::{FAST_OPEN_EXPERIMENT_MAGIC, TcpOption, TcpOptionsIter};

/// The most option bytes a header can hold (data offset 15).
pub const MAX_OPTIONS_LEN: usize = 40;

/// Why a header or option could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum BuildError {
    /// The output buffer is too small.
    #[error("buffer of {available} bytes, {required} needed")]
    BufferTooSmall {
        /// Bytes the header (and payload) need.
        required: usize,
        /// Bytes the buffer has.
        available: usize,
    },
    /// The options would exceed 40 bytes.
    #[error("options need {required} bytes, at most 40 fit")]
    OptionsTooLong {
        /// Option bytes needed.
        required: usize,
    },
    /// The option's data cannot be encoded (its length does not fit the length byte).
    #[error("option kind {kind} cannot carry {len} data bytes")]
    OptionTooLong {
        /// The option kind.
        kind: u8,
        /// Its data length.
        len: usize,
    },
    /// A TCP segment longer than 65535 bytes cannot be checksummed with an IPv4 length
    /// (and none can be carried by IP without jumbograms).
    #[error("segment of {len} bytes is too long")]
    SegmentTooLong {
        /// The segment length.
        len: usize,
    },
    /// An IPv4 packet longer than 65535 bytes (its total length field is 16 bits).
    #[error("IP packet of {len} bytes is too long")]
    PacketTooLong {
        /// The packet length.
        len: usize,
    },
    /// The payload given is not the length the segment declares.
    #[error("segment declares {declared} payload bytes, {given} given")]
    PayloadLenMismatch {
        /// The segment's `payload_len`.
        declared: u32,
        /// Bytes of payload given.
        given: usize,
    },
    /// The source and destination are not of the same IP version.
    #[error("source and destination are not both IPv4 or both IPv6")]
    AddressFamilyMismatch,
}

/// Up to 40 bytes of TCP options, as they go on the wire.
///
/// Equality compares the options as written: two buffers are equal when they
/// produce the same bytes once padded to a multiple of four.
#[derive(Clone, Copy)]
pub struct TcpOptionsBuf {
    bytes: [u8; MAX_OPTIONS_LEN],
    len: u8,
}

impl TcpOptionsBuf {
    /// No options.
    pub const fn new() -> Self {
        TcpOptionsBuf {
            bytes: [0; MAX_OPTIONS_LEN],
            len: 0,
        }
    }

    /// Options from raw wire bytes, kept exactly (at most 40).
    pub fn from_raw(bytes: &[u8]) -> Result<Self, BuildError> {
        let mut buf = Self::new();
        buf.push_raw(bytes)?;
        Ok(buf)
    }

    /// Appends raw bytes.
    pub fn push_raw(&mut self, bytes: &[u8]) -> Result<(), BuildError> {
        let start = self.len as usize;
        let end = start + bytes.len();
        let dest = self
            .bytes
            .get_mut(start..end)
            .ok_or(BuildError::OptionsTooLong { required: end })?;
        dest.copy_from_slice(bytes);
        self.len = end as u8;
        Ok(())
    }

    /// Appends one option, encoded as RFC 9293 §3.1 lays it out: EOL and NOP as a
    /// single kind byte, every other option as kind, length (counting those two
    /// bytes), data.
    ///
    /// The option is written exactly as given, so a caller can also build what a
    /// parser will reject or read differently: an `Unknown` option whose kind is
    /// one this crate decodes itself (say kind 2 with 3 data bytes), or options
    /// after an [`TcpOption::EndOfOptionList`] (a parser treats those as padding).
    /// Options built from the typed variants with their documented sizes always
    /// parse back to themselves.
    ///
    /// Errors: [`BuildError::OptionTooLong`] if the option alone cannot fit
    /// 40 bytes, [`BuildError::OptionsTooLong`] if it does not fit after the
    /// options already pushed (the buffer is then unchanged).
    pub fn push(&mut self, option: &TcpOption<'_>) -> Result<(), BuildError> {
        let kind = option.kind();
        let wire_len = option.wire_len();
        if wire_len > MAX_OPTIONS_LEN || (wire_len > 1 && wire_len > u8::MAX as usize) {
            return Err(BuildError::OptionTooLong {
                kind,
                len: wire_len.saturating_sub(2),
            });
        }
        let start = self.len as usize;
        let end = start + wire_len;
        if end > MAX_OPTIONS_LEN {
            return Err(BuildError::OptionsTooLong { required: end });
        }
        let out = &mut self.bytes[start..end];
        out[0] = kind;
        if wire_len > 1 {
            out[1] = wire_len as u8;
        }
        let data = &mut out[wire_len.min(2)..];
        match option {
            TcpOption::EndOfOptionList | TcpOption::Nop | TcpOption::SackPermitted => {}
            TcpOption::Mss(mss) => data.copy_from_slice(&mss.to_be_bytes()),
            TcpOption::WindowScale(shift) => data[0] = *shift,
            TcpOption::Sack(blocks) => data.copy_from_slice(blocks.as_bytes()),
            TcpOption::Timestamps { value, echo_reply } => {
                data[..4].copy_from_slice(&value.to_be_bytes());
                data[4..].copy_from_slice(&echo_reply.to_be_bytes());
            }
            TcpOption::ExperimentalFastOpenCookie(cookie) => {
                data[..2].copy_from_slice(&FAST_OPEN_EXPERIMENT_MAGIC.to_be_bytes());
                data[2..].copy_from_slice(cookie);
            }
            TcpOption::Md5Signature(digest) => data.copy_from_slice(&digest[..]),
            TcpOption::Authentication {
                key_id,
                rnext_key_id,
                mac,
            } => {
                data[0] = *key_id;
                data[1] = *rnext_key_id;
                data[2..].copy_from_slice(mac);
            }
            TcpOption::FastOpenCookie(d)
            | TcpOption::Mptcp(d)
            | TcpOption::Unknown { data: d, .. } => data.copy_from_slice(d),
        }
        self.len = end as u8;
        Ok(())
    }

    /// The option bytes pushed so far (unpadded).
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }

    /// Option bytes on the wire: the length rounded up to a multiple of four.
    #[inline]
    pub fn padded_len(&self) -> usize {
        (self.len as usize).div_ceil(4) * 4
    }

    /// Whether there are no options.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Iterates the options as a parser sees them.
    pub fn iter(&self) -> TcpOptionsIter<'_> {
        TcpOptionsIter::new(&self.bytes[..self.padded_len()])
    }
}

impl Default for TcpOptionsBuf {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialEq for TcpOptionsBuf {
    fn eq(&self, other: &Self) -> bool {
        // Bytes past `len` are always zero, so the padded views compare the wire form.
        self.padded_len() == other.padded_len()
            && self.bytes[..self.padded_len()] == other.bytes[..other.padded_len()]
    }
}

impl Eq for TcpOptionsBuf {}

impl core::hash::Hash for TcpOptionsBuf {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.bytes[..self.padded_len()].hash(state);
    }
}

/// As the list of options a parser reads from the padded bytes (each an option
/// or the error that ends the walk).
#[cfg(feature = "serde")]
impl serde::Serialize for TcpOptionsBuf {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl fmt::Debug for TcpOptionsBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// An owned TCP header (RFC 9293 §3.1) that can be written to bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TcpHeader {
    /// Source port.
    pub source_port: u16,
    /// Destination port.
    pub destination_port: u16,
    /// Sequence number.
    pub sequence_number: SeqNum,
    /// Acknowledgment number.
    pub acknowledgment_number: SeqNum,
    /// All twelve flag bits.
    pub flags: TcpFlags,
    /// Window field (unscaled).
    pub window_size: u16,
    /// Checksum field as written by [`TcpHeader::write`] (see [`TcpHeader::write_with_checksum`]).
    pub checksum: u16,
    /// Urgent pointer.
    pub urgent_pointer: u16,
    /// Options.
    pub options: TcpOptionsBuf,
}

impl TcpHeader {
    /// A header with these ports, sequence number and flags; everything else zero.
    pub fn new(
        source_port: u16,
        destination_port: u16,
        sequence_number: SeqNum,
        flags: TcpFlags,
    ) -> Self {
        TcpHeader {
            source_port,
            destination_port,
            sequence_number,
            flags,
            ..Default::default()
        }
    }

    /// The header of `segment` between these ports: its sequence and
    /// acknowledgment numbers, flags and window, checksum and urgent pointer 0,
    /// and its options laid out as Linux's `tcp_options_write` does — MSS;
    /// SACK-permitted and timestamps together, or `NOP, NOP` before whichever
    /// is alone; `NOP` and window scale — so that every option is aligned and
    /// the whole takes at most 20 bytes.
    ///
    /// Every option present in `segment.options` is written, on any segment;
    /// RFC 9293 and RFC 7323 allow MSS and window scale on SYNs only, which is
    /// the caller's (or the [`Endpoint`](crate::state::Endpoint)'s) business.
    pub fn from_segment(segment: &Segment, source_port: u16, destination_port: u16) -> Self {
        let o = &segment.options;
        let mut options = TcpOptionsBuf::new();
        let mut put = |option: TcpOption<'_>| {
            // At most 4 + 12 + 4 bytes: always fits.
            let _ = options.push(&option);
        };
        if let Some(mss) = o.mss {
            put(TcpOption::Mss(mss));
        }
        match (o.sack_permitted, o.timestamps) {
            (true, Some((value, echo_reply))) => {
                put(TcpOption::SackPermitted);
                put(TcpOption::Timestamps { value, echo_reply });
            }
            (false, Some((value, echo_reply))) => {
                put(TcpOption::Nop);
                put(TcpOption::Nop);
                put(TcpOption::Timestamps { value, echo_reply });
            }
            (true, None) => {
                put(TcpOption::Nop);
                put(TcpOption::Nop);
                put(TcpOption::SackPermitted);
            }
            (false, None) => {}
        }
        if let Some(shift) = o.window_scale {
            put(TcpOption::Nop);
            put(TcpOption::WindowScale(shift));
        }
        TcpHeader {
            source_port,
            destination_port,
            sequence_number: segment.seq,
            acknowledgment_number: segment.ack,
            flags: segment.flags,
            window_size: segment.window,
            checksum: 0,
            urgent_pointer: 0,
            options,
        }
    }

    /// Header length in bytes: 20 plus the padded options.
    #[inline]
    pub fn header_len(&self) -> usize {
        TCP_MIN_HEADER_LEN + self.options.padded_len()
    }

    /// Writes the header into the start of `buf` and returns its length.
    /// The checksum field is written as it is in `self.checksum`.
    pub fn write(&self, buf: &mut [u8]) -> Result<usize, BuildError> {
        let len = self.header_len();
        let available = buf.len();
        let out = buf.get_mut(..len).ok_or(BuildError::BufferTooSmall {
            required: len,
            available,
        })?;
        out[field::SRC_PORT].copy_from_slice(&self.source_port.to_be_bytes());
        out[field::DST_PORT].copy_from_slice(&self.destination_port.to_be_bytes());
        out[field::SEQ_NUM].copy_from_slice(&self.sequence_number.0.to_be_bytes());
        out[field::ACK_NUM].copy_from_slice(&self.acknowledgment_number.0.to_be_bytes());
        let bits = self.flags.to_header_bits();
        let offset_flags = ((len / 4) as u16) << 12 | bits;
        out[field::DATA_OFFSET_FLAGS].copy_from_slice(&offset_flags.to_be_bytes());
        out[field::WINDOW].copy_from_slice(&self.window_size.to_be_bytes());
        out[field::CHECKSUM].copy_from_slice(&self.checksum.to_be_bytes());
        out[field::URGENT].copy_from_slice(&self.urgent_pointer.to_be_bytes());
        let options = &mut out[TCP_MIN_HEADER_LEN..];
        let raw = self.options.as_slice();
        options[..raw.len()].copy_from_slice(raw);
        options[raw.len()..].fill(0);
        Ok(len)
    }

    /// Writes the header followed by `payload` into `buf`, computes the checksum
    /// over `pseudo` and the whole segment, writes it into the checksum field in
    /// `buf` (`self.checksum` is ignored and left unchanged), and returns the
    /// segment length.
    pub fn write_with_checksum(
        &self,
        buf: &mut [u8],
        pseudo: &PseudoHeader,
        payload: &[u8],
    ) -> Result<usize, BuildError> {
        let header_len = self.header_len();
        let total = header_len + payload.len();
        if total > u16::MAX as usize {
            return Err(BuildError::SegmentTooLong { len: total });
        }
        if buf.len() < total {
            return Err(BuildError::BufferTooSmall {
                required: total,
                available: buf.len(),
            });
        }
        self.write(buf)?;
        buf[header_len..total].copy_from_slice(payload);
        let checksum = pseudo.tcp_checksum(&buf[..total]);
        buf[field::CHECKSUM].copy_from_slice(&checksum.to_be_bytes());
        Ok(total)
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::wire::SackBlocks;
    use crate::wire::TcpHeaderSlice;

    /// `TcpOptionsBuf` serializes as the sequence of options a parser reads:
    /// MSS (4 bytes), NOP (1) and window scale (3) fill 8 bytes, a multiple of 4,
    /// so no end-of-list padding follows: three elements.
    #[cfg(feature = "serde")]
    #[test]
    fn options_serialize_as_the_parsed_sequence() {
        use serde::Serialize;
        let mut options = TcpOptionsBuf::new();
        options.push(&TcpOption::Mss(1460)).expect("fits");
        options.push(&TcpOption::Nop).expect("fits");
        options.push(&TcpOption::WindowScale(7)).expect("fits");
        let parsed = options.iter().count();
        assert_eq!(parsed, 3, "MSS, NOP, WS, no padding");
        assert_eq!(
            options.serialize(crate::test_serde::Count).ok(),
            Some(parsed)
        );
        assert_eq!(
            TcpOptionsBuf::new()
                .serialize(crate::test_serde::Count)
                .ok(),
            Some(0)
        );
    }

    #[test]
    fn writes_the_real_syn_byte_for_byte() {
        // Frame 1 of tests/data/http-image.pcap.
        let expected = crate::testdata::HTTP_IMAGE_SYN;
        let mut h = TcpHeader::new(46882, 80, SeqNum(179603736), TcpFlags::SYN);
        h.window_size = 64240;
        h.checksum = 0x0f01;
        for o in [
            TcpOption::Mss(1460),
            TcpOption::SackPermitted,
            TcpOption::Timestamps {
                value: 4006145894,
                echo_reply: 0,
            },
            TcpOption::Nop,
            TcpOption::WindowScale(10),
        ] {
            h.options.push(&o).unwrap();
        }
        let mut buf = [0u8; 60];
        assert_eq!(h.write(&mut buf), Ok(40));
        assert_eq!(buf[..40], expected);
        assert_eq!(
            TcpHeaderSlice::from_slice(&expected).unwrap().to_header(),
            h
        );
    }

    /// Linux's layouts (tcp_options_write): timestamps alone behind two NOPs (the
    /// data segments of every capture in the corpus), SACK-permitted alone behind
    /// two NOPs, window scale behind one; fields straight from the segment.
    #[test]
    fn from_segment_lays_options_out_as_linux_does() {
        use crate::segment::SynOptions;
        let base = Segment::new(SeqNum(7), SeqNum(9), TcpFlags::ACK | TcpFlags::PSH)
            .with_window(501)
            .with_len(100);
        let h = TcpHeader::from_segment(&base, 1, 2);
        assert_eq!(
            (
                h.source_port,
                h.destination_port,
                h.sequence_number,
                h.acknowledgment_number
            ),
            (1, 2, SeqNum(7), SeqNum(9))
        );
        assert_eq!(
            (h.flags, h.window_size, h.checksum, h.urgent_pointer),
            (base.flags, 501, 0, 0)
        );
        assert!(h.options.is_empty());
        let with = |o: SynOptions| TcpHeader::from_segment(&base.with_options(o), 1, 2).options;
        let ts = with(SynOptions {
            timestamps: Some((0x0102_0304, 5)),
            ..SynOptions::default()
        });
        assert_eq!(ts.as_slice(), [1, 1, 8, 10, 1, 2, 3, 4, 0, 0, 0, 5]);
        let sack = with(SynOptions {
            sack_permitted: true,
            ..SynOptions::default()
        });
        assert_eq!(sack.as_slice(), [1, 1, 4, 2]);
        let ws = with(SynOptions {
            window_scale: Some(14),
            ..SynOptions::default()
        });
        assert_eq!(ws.as_slice(), [1, 3, 3, 14]);
        let mss = with(SynOptions {
            mss: Some(536),
            ..SynOptions::default()
        });
        assert_eq!(mss.as_slice(), [2, 4, 2, 24]);
    }

    /// Exactly 40 option bytes fit, one option of 40 bytes too; `is_empty`,
    /// `Hash` and `Debug` follow the wire form.
    #[test]
    fn forty_bytes_fit_exactly() {
        extern crate std;
        use core::hash::{BuildHasher, Hash, Hasher};
        let mut one = TcpOptionsBuf::new();
        assert!(one.is_empty());
        one.push(&TcpOption::Unknown {
            kind: 99,
            data: &[7; 38],
        })
        .unwrap();
        assert!(!one.is_empty());
        assert_eq!(one.padded_len(), 40);
        let mut full = TcpOptionsBuf::from_raw(&[1; 38]).unwrap();
        full.push(&TcpOption::Nop).unwrap();
        full.push(&TcpOption::Nop).unwrap();
        assert_eq!(full.as_slice().len(), 40);
        let state = std::hash::RandomState::new();
        let (mut a, mut b) = (state.build_hasher(), state.build_hasher());
        TcpOptionsBuf::from_raw(&[3, 3, 7]).unwrap().hash(&mut a);
        TcpOptionsBuf::from_raw(&[3, 3, 7, 0]).unwrap().hash(&mut b);
        assert_eq!(a.finish(), b.finish());
        let (mut c, mut d) = (state.build_hasher(), state.build_hasher());
        TcpOptionsBuf::from_raw(&[3, 3, 7]).unwrap().hash(&mut c);
        TcpOptionsBuf::from_raw(&[3, 3, 8]).unwrap().hash(&mut d);
        assert_ne!(c.finish(), d.finish());
        assert_eq!(
            std::format!("{:?}", TcpOptionsBuf::from_raw(&[2, 4, 5, 0xb4]).unwrap()),
            "[Ok(Mss(1460))]"
        );
    }

    #[test]
    fn too_small_buffers_and_too_many_options_are_errors() {
        let h = TcpHeader::default();
        assert_eq!(
            h.write(&mut [0u8; 19]),
            Err(BuildError::BufferTooSmall {
                required: 20,
                available: 19
            })
        );
        let mut o = TcpOptionsBuf::new();
        let mut storage = [0u8; 32];
        let blocks = SackBlocks::encode(&[(SeqNum(1), SeqNum(2)); 4], &mut storage).unwrap();
        o.push(&TcpOption::Sack(blocks)).unwrap();
        o.push(&TcpOption::Mss(1)).unwrap();
        assert_eq!(
            o.push(&TcpOption::Mss(1)),
            Err(BuildError::OptionsTooLong { required: 42 })
        );
        assert_eq!(o.as_slice().len(), 38);
        assert_eq!(
            TcpOptionsBuf::new().push(&TcpOption::Unknown {
                kind: 99,
                data: &[0; 39]
            }),
            Err(BuildError::OptionTooLong { kind: 99, len: 39 })
        );
    }

    #[test]
    fn write_with_checksum_checks_sizes_and_fills_the_field() {
        let pseudo = PseudoHeader::V4 {
            source: core::net::Ipv4Addr::new(10, 77, 0, 1),
            destination: core::net::Ipv4Addr::new(10, 77, 0, 2),
        };
        // The real SYN again, with a wrong checksum in `self`: the written one is right.
        let mut h = TcpHeaderSlice::from_slice(&crate::testdata::HTTP_IMAGE_SYN)
            .unwrap()
            .to_header();
        h.checksum = 0x1234;
        let mut buf = [0u8; 40];
        assert_eq!(h.write_with_checksum(&mut buf, &pseudo, &[]), Ok(40));
        assert_eq!(buf, crate::testdata::HTTP_IMAGE_SYN);
        assert_eq!(h.checksum, 0x1234);
        assert_eq!(
            h.write_with_checksum(&mut buf, &pseudo, &[1]),
            Err(BuildError::BufferTooSmall {
                required: 41,
                available: 40
            })
        );
        extern crate std;
        let payload = std::vec![0u8; 65535 - 39];
        let mut big = std::vec![0u8; 70000];
        assert_eq!(
            h.write_with_checksum(&mut big, &pseudo, &payload),
            Err(BuildError::SegmentTooLong { len: 65536 })
        );
    }

    #[test]
    fn typed_options_encode_as_the_rfcs_lay_them_out() {
        let mut o = TcpOptionsBuf::new();
        o.push(&TcpOption::Nop).unwrap();
        o.push(&TcpOption::EndOfOptionList).unwrap();
        o.push(&TcpOption::SackPermitted).unwrap();
        o.push(&TcpOption::FastOpenCookie(&[0xaa; 4])).unwrap();
        o.push(&TcpOption::ExperimentalFastOpenCookie(&[0xbb]))
            .unwrap();
        o.push(&TcpOption::Authentication {
            key_id: 1,
            rnext_key_id: 2,
            mac: &[0xcc],
        })
        .unwrap();
        o.push(&TcpOption::Mptcp(&[0x00, 0x81])).unwrap();
        assert_eq!(
            o.as_slice(),
            [
                1, 0, 4, 2, 34, 6, 0xaa, 0xaa, 0xaa, 0xaa, 254, 5, 0xf9, 0x89, 0xbb, 29, 5, 1, 2,
                0xcc, 30, 4, 0x00, 0x81
            ]
        );
        // A failed push leaves the buffer as it was.
        let before = o;
        assert_eq!(
            o.push(&TcpOption::Md5Signature(&[0; 16])),
            Err(BuildError::OptionsTooLong { required: 42 })
        );
        assert_eq!(o.as_slice(), before.as_slice());
    }

    #[test]
    fn padding_is_zero_and_equality_is_on_the_wire_form() {
        let mut a = TcpOptionsBuf::new();
        a.push(&TcpOption::WindowScale(7)).unwrap();
        assert_eq!(a.padded_len(), 4);
        let b = TcpOptionsBuf::from_raw(&[3, 3, 7, 0]).unwrap();
        assert_eq!(a, b);
        let c = TcpOptionsBuf::from_raw(&[3, 3, 7, 1]).unwrap();
        assert_ne!(a, c);
    }
}
