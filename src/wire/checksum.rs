//! The Internet checksum (RFC 1071) as TCP uses it, over an IPv4 or IPv6
//! pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1), with incremental update (RFC 1624).
//!
//! The sum is computed over 64-bit words and folded at the end, which gives the
//! same ones'-complement result as summing 16-bit words (RFC 1071 §2(B): the sum
//! is independent of byte order and word size).
//!
//! ```
//! use core::net::Ipv4Addr;
//! use synack::wire::PseudoHeader;
//! let pseudo = PseudoHeader::V4 { source: Ipv4Addr::new(10, 0, 0, 1), destination: Ipv4Addr::new(10, 0, 0, 2) };
//! let mut segment = [0u8; 20];
//! segment[12] = 5 << 4;                               // data offset 5
//! let c = pseudo.tcp_checksum(&segment);
//! segment[16..18].copy_from_slice(&c.to_be_bytes());
//! assert!(pseudo.verify_tcp(&segment));
//! ```

use core::net::{Ipv4Addr, Ipv6Addr};

use crate::wire::tcp::field;

/// IP protocol number of TCP.
const PROTOCOL_TCP: u32 = 6;

/// The addresses of the IP pseudo-header a TCP checksum covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum PseudoHeader {
    /// IPv4: source, destination, zero, protocol, TCP length (RFC 9293 §3.1).
    V4 {
        /// Source address.
        source: Ipv4Addr,
        /// Destination address.
        destination: Ipv4Addr,
    },
    /// IPv6: source, destination (the final one with a routing header), upper-layer
    /// length, next header (RFC 8200 §8.1).
    V6 {
        /// Source address.
        source: Ipv6Addr,
        /// Final destination address.
        destination: Ipv6Addr,
    },
}

impl PseudoHeader {
    /// The unfolded ones'-complement sum of the pseudo-header for a TCP segment of
    /// `tcp_len` bytes (header + payload), protocol 6 included.
    pub fn sum(&self, tcp_len: u32) -> u32 {
        let addrs = match self {
            PseudoHeader::V4 {
                source,
                destination,
            } => sum_words(&source.octets()) + sum_words(&destination.octets()),
            PseudoHeader::V6 {
                source,
                destination,
            } => sum_words(&source.octets()) + sum_words(&destination.octets()),
        };
        addrs + (tcp_len >> 16) + (tcp_len & 0xffff) + PROTOCOL_TCP
    }

    /// The value to put in the checksum field of `segment` (the whole TCP segment,
    /// header and payload); the field's current bytes are treated as zero.
    pub fn tcp_checksum(&self, segment: &[u8]) -> u16 {
        let mut sum = self.sum(segment.len() as u32) as u64 + sum_bytes(segment);
        if let Some(&[high, low]) = segment.get(field::CHECKSUM) {
            // Remove the field's own contribution (ones'-complement subtraction).
            let old = u16::from_be_bytes([high, low]) as u64;
            sum += 0xffff - old;
        }
        !fold(sum)
    }

    /// Whether the checksum in `segment` (the whole TCP segment as received) is right:
    /// the pseudo-header and segment, checksum field included, sum to `0xffff`.
    pub fn verify_tcp(&self, segment: &[u8]) -> bool {
        let sum = self.sum(segment.len() as u32) as u64 + sum_bytes(segment);
        fold(sum) == 0xffff
    }
}

/// The Internet checksum of `data`: the ones' complement of its ones'-complement sum.
pub fn internet_checksum(data: &[u8]) -> u16 {
    !fold(sum_bytes(data))
}

/// RFC 1624 eqn. 3 incremental update: the new checksum after one 16-bit word of the
/// covered data changed from `old_word` to `new_word` (`HC' = ~(~HC + ~m + m')`).
/// Changing several words is several calls.
pub fn update(old_checksum: u16, old_word: u16, new_word: u16) -> u16 {
    let sum = (!old_checksum) as u32 + (!old_word) as u32 + new_word as u32;
    !fold(sum as u64)
}

/// The ones'-complement sum of `data` as big-endian 16-bit words (an odd last byte
/// is padded with zero), not folded to 16 bits; always below 2^32, so callers can
/// add several such sums in a `u64`.
pub fn sum_bytes(data: &[u8]) -> u64 {
    // Add big-endian 64-bit words with end-around carry: a ones'-complement sum
    // modulo 2^64 - 1, which 2^16 - 1 divides, so folding it later gives the
    // 16-bit sum (RFC 1071 §2(B)). Four independent accumulators let the adds overlap.
    #[inline(always)]
    fn add(acc: u64, w: u64) -> u64 {
        let (s, carry) = acc.overflowing_add(w);
        // After an overflow s <= 2^64 - 2, so adding the carry cannot overflow.
        s + carry as u64
    }
    let mut acc = [0u64; 4];
    let mut blocks = data.chunks_exact(32);
    for block in &mut blocks {
        for (a, w) in acc.iter_mut().zip(block.chunks_exact(8)) {
            let w = u64::from_be_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            *a = add(*a, w);
        }
    }
    let mut total = add(add(acc[0], acc[1]), add(acc[2], acc[3]));
    let mut words = blocks.remainder().chunks_exact(8);
    for w in &mut words {
        total = add(
            total,
            u64::from_be_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]),
        );
    }
    let mut pairs = words.remainder().chunks_exact(2);
    for p in &mut pairs {
        total = add(total, u16::from_be_bytes([p[0], p[1]]) as u64);
    }
    if let [last] = pairs.remainder() {
        total = add(total, (*last as u64) << 8);
    }
    fold32(total) as u64
}

/// Sums big-endian 16-bit words of a short, even-length array.
fn sum_words(data: &[u8]) -> u32 {
    data.chunks_exact(2)
        .map(|p| u16::from_be_bytes([p[0], p[1]]) as u32)
        .sum()
}

/// Folds a 64-bit sum to 32 bits without losing carries.
#[inline]
fn fold32(mut sum: u64) -> u32 {
    while sum >> 32 != 0 {
        sum = (sum & 0xffff_ffff) + (sum >> 32);
    }
    sum as u32
}

/// Folds a wide sum to 16 bits with end-around carry.
#[inline]
fn fold(sum: u64) -> u16 {
    let mut s = fold32(sum) as u64;
    while s >> 16 != 0 {
        s = (s & 0xffff) + (s >> 16);
    }
    s as u16
}

#[cfg(test)]
mod test {
    use super::*;

    /// RFC 1071 §3's worked example: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2.
    #[test]
    fn rfc1071_example_sum() {
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(fold(sum_bytes(&data)), 0xddf2);
        assert_eq!(internet_checksum(&data), !0xddf2);
    }

    #[test]
    fn odd_length_pads_with_zero() {
        assert_eq!(fold(sum_bytes(&[0x12, 0x34, 0x56])), 0x1234 + 0x5600);
        assert_eq!(fold(sum_bytes(&[])), 0);
    }

    /// The SYN of tests/data/http-image.pcap (frame 1), whose checksum tshark reports good.
    #[test]
    fn real_syn_verifies() {
        let segment = crate::testdata::HTTP_IMAGE_SYN;
        let pseudo = PseudoHeader::V4 {
            source: Ipv4Addr::new(10, 77, 0, 1),
            destination: Ipv4Addr::new(10, 77, 0, 2),
        };
        assert!(pseudo.verify_tcp(&segment));
        assert_eq!(pseudo.tcp_checksum(&segment), 0x0f01);
        let mut seg = segment;
        seg[5] ^= 0x01;
        assert!(!pseudo.verify_tcp(&seg));
    }

    /// Frame 1 of the corpus capture ipv6-http.pcap: the SYN fd00:77::1 port 39072 →
    /// fd00:77::2 port 80, checksum 0xdcac, which tshark reports good.
    #[test]
    fn real_ipv6_syn_verifies() {
        let segment: [u8; 40] = [
            0x98, 0xa0, 0x00, 0x50, 0xfa, 0x45, 0xf8, 0xe7, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
            0xfd, 0x20, 0xdc, 0xac, 0x00, 0x00, 0x02, 0x04, 0x05, 0xa0, 0x04, 0x02, 0x08, 0x0a,
            0xbb, 0xd8, 0x2b, 0x5a, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
        ];
        let pseudo = PseudoHeader::V6 {
            source: Ipv6Addr::new(0xfd00, 0x77, 0, 0, 0, 0, 0, 1),
            destination: Ipv6Addr::new(0xfd00, 0x77, 0, 0, 0, 0, 0, 2),
        };
        assert!(pseudo.verify_tcp(&segment));
        assert_eq!(pseudo.tcp_checksum(&segment), 0xdcac);
        // The same bytes under the other family's pseudo-header do not verify.
        let v4 = PseudoHeader::V4 {
            source: Ipv4Addr::new(10, 77, 0, 1),
            destination: Ipv4Addr::new(10, 77, 0, 2),
        };
        assert!(!v4.verify_tcp(&segment));
    }

    /// Pseudo-header sums added up by hand, word by word.
    #[test]
    fn pseudo_header_sums() {
        // 0x0a4d + 0x0001 + 0x0a4d + 0x0002 + length 40 + protocol 6.
        let v4 = PseudoHeader::V4 {
            source: Ipv4Addr::new(10, 77, 0, 1),
            destination: Ipv4Addr::new(10, 77, 0, 2),
        };
        assert_eq!(v4.sum(40), 0x0a4d + 0x0001 + 0x0a4d + 0x0002 + 40 + 6);
        // ::1 → ::1: 1 + 1, a 32-bit length of 0x0001_0004 (high and low halves),
        // next header 6.
        let v6 = PseudoHeader::V6 {
            source: Ipv6Addr::LOCALHOST,
            destination: Ipv6Addr::LOCALHOST,
        };
        assert_eq!(v6.sum(20), 1 + 1 + 20 + 6);
        assert_eq!(v6.sum(0x0001_0004), 1 + 1 + 1 + 4 + 6);
    }

    /// RFC 1624 §4's example: a checksum of 0xdd2f over data with a word 0x5555
    /// that changes to 0x3285 becomes 0x0000 (eqn. 3), where eqn. 2 would give 0xffff.
    #[test]
    fn rfc1624_example() {
        assert_eq!(update(0xdd2f, 0x5555, 0x3285), 0x0000);
    }

    #[test]
    fn incremental_update_matches_recomputation() {
        let mut data = [0u8; 32];
        for (i, b) in data.iter_mut().enumerate() {
            *b = (i * 37 + 11) as u8;
        }
        let before = internet_checksum(&data);
        let old_word = u16::from_be_bytes([data[6], data[7]]);
        data[6..8].copy_from_slice(&0xbeefu16.to_be_bytes());
        assert_eq!(update(before, old_word, 0xbeef), internet_checksum(&data));
    }

    #[test]
    fn large_inputs_keep_every_carry() {
        extern crate std;
        let data = std::vec![0xffu8; 3 << 20];
        assert_eq!(fold(sum_bytes(&data)), 0xffff);
        let data = std::vec![0x80u8; (1 << 20) + 9];
        let reference: u64 = data
            .chunks(2)
            .map(|p| u16::from_be_bytes([p[0], *p.get(1).unwrap_or(&0)]) as u64)
            .sum();
        assert_eq!(fold(sum_bytes(&data)), fold(reference));
    }
}
