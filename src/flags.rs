//! TCP control bits: all twelve bits of the flags field.
//!
//! The TCP header spends 12 bits after the data offset on flags (RFC 9293 §3.1,
//! RFC 3168, RFC 9768): three reserved bits, AE (Accurate ECN, formerly NS),
//! CWR, ECE, URG, ACK, PSH, RST, SYN and FIN. [`TcpFlags`] holds every one of
//! them, reserved bits included, so an analyzer sees exactly what was on the
//! wire: any combination is representable, including nonsense such as
//! SYN+FIN or SYN+RST that a scanner or fuzzer sends.
//!
//! Three renderings are offered, each with a parser that reads it back:
//!
//! * [`TcpFlags::wireshark`] — Wireshark's Info column, `[SYN, ACK]`;
//! * [`TcpFlags::tcpdump`] — tcpdump's letters, `S.` (`[none]` when empty);
//! * [`TcpFlags::tshark_str`] — tshark's `tcp.flags.str`, `·······A··S·`.
//!
//! ```
//! use synack::flags::TcpFlags;
//! let f = TcpFlags::SYN | TcpFlags::ACK;
//! assert_eq!(f.wireshark().to_string(), "[SYN, ACK]");
//! assert_eq!(f.tcpdump().to_string(), "S.");
//! assert_eq!(TcpFlags::parse_tcpdump("S.").unwrap(), f);
//! assert_eq!(TcpFlags::parse_wireshark("[SYN, ACK]").unwrap(), f);
//! ```

use core::fmt;

bitflags::bitflags! {
    /// The 12-bit TCP flags field (byte 12 low nibble and byte 13 of the header).
    ///
    /// Bit values are those of the field read as a big-endian `u16` masked with
    /// `0x0fff`, the same numbering as Wireshark's `tcp.flags` (`0x012` is SYN+ACK).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize))]
    pub struct TcpFlags: u16 {
        /// No more data from sender; consumes one sequence number.
        const FIN = 0x001;
        /// Synchronize sequence numbers; consumes one sequence number.
        const SYN = 0x002;
        /// Reset the connection.
        const RST = 0x004;
        /// Push function.
        const PSH = 0x008;
        /// The acknowledgment number field is significant.
        const ACK = 0x010;
        /// The urgent pointer field is significant.
        const URG = 0x020;
        /// ECN-Echo (RFC 3168).
        const ECE = 0x040;
        /// Congestion Window Reduced (RFC 3168).
        const CWR = 0x080;
        /// Accurate ECN (RFC 9768); the bit RFC 3540 called NS.
        const AE = 0x100;
        /// Reserved bit 9 (the lowest of the three still-reserved bits).
        const RESERVED_9 = 0x200;
        /// Reserved bit 10.
        const RESERVED_10 = 0x400;
        /// Reserved bit 11 (the most significant bit of the field).
        const RESERVED_11 = 0x800;
    }
}

/// The names Wireshark's Info column uses, lowest bit first.
const WIRESHARK_NAMES: [(TcpFlags, &str); 9] = [
    (TcpFlags::FIN, "FIN"),
    (TcpFlags::SYN, "SYN"),
    (TcpFlags::RST, "RST"),
    (TcpFlags::PSH, "PSH"),
    (TcpFlags::ACK, "ACK"),
    (TcpFlags::URG, "URG"),
    (TcpFlags::ECE, "ECE"),
    (TcpFlags::CWR, "CWR"),
    (TcpFlags::AE, "AE"),
];

/// tcpdump's letters in tcpdump's order. `e` for AE follows tcpdump ≥ 4.99.5.
const TCPDUMP_LETTERS: [(TcpFlags, char); 9] = [
    (TcpFlags::FIN, 'F'),
    (TcpFlags::SYN, 'S'),
    (TcpFlags::RST, 'R'),
    (TcpFlags::PSH, 'P'),
    (TcpFlags::ACK, '.'),
    (TcpFlags::URG, 'U'),
    (TcpFlags::ECE, 'E'),
    (TcpFlags::CWR, 'W'),
    (TcpFlags::AE, 'e'),
];

/// Reserved bits and their tcpdump-style spelling (`r9`, `r10`, `r11`): tcpdump
/// itself does not print them; this crate does so that nothing is lost.
const RESERVED: [(TcpFlags, &str); 3] = [
    (TcpFlags::RESERVED_9, "r9"),
    (TcpFlags::RESERVED_10, "r10"),
    (TcpFlags::RESERVED_11, "r11"),
];

/// tshark's `tcp.flags.str` letters, most significant bit first.
const TSHARK_LETTERS: [char; 12] = ['R', 'R', 'R', 'A', 'C', 'E', 'U', 'A', 'P', 'R', 'S', 'F'];

/// Why a flags string could not be read back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum FlagsParseError {
    /// A character or name that names no flag, at this byte offset of the input.
    #[error("unknown flag at byte {offset}")]
    UnknownFlag {
        /// Byte offset of the offending character or name.
        offset: usize,
    },
    /// The same flag appears twice, at this byte offset.
    #[error("flag repeated at byte {offset}")]
    Repeated {
        /// Byte offset of the repetition.
        offset: usize,
    },
    /// The Wireshark form must be wrapped in `[` and `]`; the tshark form must be 12 characters.
    #[error("malformed flags string")]
    Malformed,
}

impl TcpFlags {
    /// The flags from the two header bytes 12 and 13 (the data offset nibble is ignored).
    #[inline]
    pub const fn from_header_bytes(byte12: u8, byte13: u8) -> Self {
        Self::from_bits_retain((((byte12 & 0x0f) as u16) << 8) | byte13 as u16)
    }

    /// The flags as the low 12 bits of header bytes 12–13.
    #[inline]
    pub const fn to_header_bits(self) -> u16 {
        self.bits() & 0x0fff
    }

    /// Whether any of the three reserved bits is set.
    #[inline]
    pub const fn has_reserved(self) -> bool {
        self.intersects(
            Self::RESERVED_9
                .union(Self::RESERVED_10)
                .union(Self::RESERVED_11),
        )
    }

    /// How many sequence numbers the control bits consume: one for SYN, one for FIN.
    #[inline]
    pub const fn seq_len(self) -> u32 {
        self.contains(Self::SYN) as u32 + self.contains(Self::FIN) as u32
    }

    /// Wireshark's Info-column rendering, e.g. `[SYN, ACK]`; `[<None>]` when no bit is set.
    /// Reserved bits, which Wireshark shows only as "Reserved", are written with their
    /// mask, `Reserved(0xe00)`, so that the rendering reads back exactly.
    pub const fn wireshark(self) -> WiresharkFlags {
        WiresharkFlags(self)
    }

    /// tcpdump's rendering, e.g. `S.`, `P.`, `F.`; `[none]` when no bit is set.
    /// Reserved bits, which tcpdump omits, are appended as `r9`, `r10`, `r11`.
    pub const fn tcpdump(self) -> TcpdumpFlags {
        TcpdumpFlags(self)
    }

    /// tshark's `tcp.flags.str`: twelve characters, most significant bit first,
    /// a letter where the bit is set and `·` where it is not (`·······A··S·`).
    pub const fn tshark_str(self) -> TsharkFlags {
        TsharkFlags(self)
    }

    /// Reads back [`TcpFlags::wireshark`]'s form, e.g. `[SYN, ACK]`.
    /// `NS` is accepted for AE and `ECN` for ECE (older Wireshark spellings).
    pub fn parse_wireshark(s: &str) -> Result<Self, FlagsParseError> {
        let inner = s
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .ok_or(FlagsParseError::Malformed)?;
        if inner == "<None>" {
            return Ok(Self::empty());
        }
        let mut flags = Self::empty();
        let mut offset = 1;
        for name in inner.split(", ") {
            let bit = match name {
                "NS" => Some(Self::AE),
                "ECN" => Some(Self::ECE),
                _ => match name
                    .strip_prefix("Reserved(0x")
                    .and_then(|r| r.strip_suffix(')'))
                {
                    Some(hex) => u16::from_str_radix(hex, 16)
                        .ok()
                        .filter(|m| *m != 0 && *m & !0x0e00 == 0)
                        .map(Self::from_bits_retain),
                    None => WIRESHARK_NAMES
                        .iter()
                        .find(|(_, n)| *n == name)
                        .map(|(b, _)| *b),
                },
            }
            .ok_or(FlagsParseError::UnknownFlag { offset })?;
            if flags.intersects(bit) {
                return Err(FlagsParseError::Repeated { offset });
            }
            flags |= bit;
            offset += name.len() + 2;
        }
        Ok(flags)
    }

    /// Reads back [`TcpFlags::tcpdump`]'s form, e.g. `S.` or `[none]`.
    pub fn parse_tcpdump(s: &str) -> Result<Self, FlagsParseError> {
        if s == "[none]" {
            return Ok(Self::empty());
        }
        let mut flags = Self::empty();
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let (bit, used) = if bytes[i] == b'r' {
                let rest = &s[i..];
                // Longest match first: r10/r11 before r1x ambiguity (there is no r1).
                RESERVED
                    .iter()
                    .rev()
                    .find(|(_, name)| rest.starts_with(name))
                    .map(|(b, name)| (*b, name.len()))
                    .ok_or(FlagsParseError::UnknownFlag { offset: i })?
            } else {
                let c = bytes[i] as char;
                TCPDUMP_LETTERS
                    .iter()
                    .find(|(_, l)| *l == c)
                    .map(|(b, _)| (*b, 1))
                    .ok_or(FlagsParseError::UnknownFlag { offset: i })?
            };
            if flags.contains(bit) {
                return Err(FlagsParseError::Repeated { offset: i });
            }
            flags |= bit;
            i += used;
        }
        if flags.is_empty() {
            return Err(FlagsParseError::Malformed);
        }
        Ok(flags)
    }

    /// Reads back tshark's `tcp.flags.str` (twelve characters, `·` or `.` for a clear bit).
    pub fn parse_tshark_str(s: &str) -> Result<Self, FlagsParseError> {
        let mut flags = Self::empty();
        let mut count = 0;
        for (i, (offset, c)) in s.char_indices().enumerate() {
            if i >= 12 {
                return Err(FlagsParseError::Malformed);
            }
            let bit = Self::from_bits_retain(1 << (11 - i));
            if c == TSHARK_LETTERS[i] {
                flags |= bit;
            } else if c != '·' && c != '.' {
                return Err(FlagsParseError::UnknownFlag { offset });
            }
            count += 1;
        }
        if count != 12 {
            return Err(FlagsParseError::Malformed);
        }
        Ok(flags)
    }
}

/// Display adapter for [`TcpFlags::wireshark`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WiresharkFlags(TcpFlags);

impl fmt::Display for WiresharkFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("[<None>]");
        }
        f.write_str("[")?;
        let mut first = true;
        for (bit, name) in WIRESHARK_NAMES {
            if self.0.contains(bit) {
                if !first {
                    f.write_str(", ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        let reserved = self.0.bits() & 0x0e00;
        if reserved != 0 {
            if !first {
                f.write_str(", ")?;
            }
            write!(f, "Reserved({reserved:#05x})")?;
        }
        f.write_str("]")
    }
}

/// Display adapter for [`TcpFlags::tcpdump`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpdumpFlags(TcpFlags);

impl fmt::Display for TcpdumpFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("[none]");
        }
        for (bit, letter) in TCPDUMP_LETTERS {
            if self.0.contains(bit) {
                fmt::Write::write_char(f, letter)?;
            }
        }
        for (bit, name) in RESERVED {
            if self.0.contains(bit) {
                f.write_str(name)?;
            }
        }
        Ok(())
    }
}

/// Display adapter for [`TcpFlags::tshark_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TsharkFlags(TcpFlags);

impl fmt::Display for TsharkFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, letter) in TSHARK_LETTERS.iter().enumerate() {
            let bit = TcpFlags::from_bits_retain(1 << (11 - i));
            fmt::Write::write_char(f, if self.0.contains(bit) { *letter } else { '·' })?;
        }
        Ok(())
    }
}

impl fmt::Display for TcpFlags {
    /// The tcpdump form (`S.`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.tcpdump(), f)
    }
}

#[cfg(test)]
mod test {
    use super::*;
    extern crate std;
    use proptest::prelude::*;
    use std::string::ToString;

    #[test]
    fn wireshark_rendering_of_common_combinations() {
        assert_eq!(TcpFlags::SYN.wireshark().to_string(), "[SYN]");
        assert_eq!(
            (TcpFlags::PSH | TcpFlags::ACK).wireshark().to_string(),
            "[PSH, ACK]"
        );
        assert_eq!(
            (TcpFlags::FIN | TcpFlags::ACK).wireshark().to_string(),
            "[FIN, ACK]"
        );
        assert_eq!(TcpFlags::empty().wireshark().to_string(), "[<None>]");
        assert_eq!(
            (TcpFlags::SYN | TcpFlags::ECE | TcpFlags::CWR)
                .wireshark()
                .to_string(),
            "[SYN, ECE, CWR]"
        );
    }

    #[test]
    fn tcpdump_rendering_of_common_combinations() {
        assert_eq!((TcpFlags::SYN | TcpFlags::ACK).tcpdump().to_string(), "S.");
        assert_eq!((TcpFlags::PSH | TcpFlags::ACK).tcpdump().to_string(), "P.");
        assert_eq!(
            (TcpFlags::FIN | TcpFlags::PSH | TcpFlags::ACK)
                .tcpdump()
                .to_string(),
            "FP."
        );
        assert_eq!((TcpFlags::RST | TcpFlags::ACK).tcpdump().to_string(), "R.");
        assert_eq!(TcpFlags::empty().tcpdump().to_string(), "[none]");
        assert_eq!((TcpFlags::SYN | TcpFlags::FIN).tcpdump().to_string(), "FS");
    }

    #[test]
    fn tshark_str_matches_the_corpus_spelling() {
        // Frame 2 of tcp__rst-inject-rae.pcap: flags 0x0f14.
        let f = TcpFlags::from_bits_retain(0x0f14);
        assert_eq!(f.tshark_str().to_string(), "RRRA···A·R··");
        assert_eq!(
            TcpFlags::parse_tshark_str("·······A··S·").unwrap(),
            TcpFlags::SYN | TcpFlags::ACK
        );
        assert_eq!(
            TcpFlags::parse_tshark_str("····CE····S·").unwrap().bits(),
            0x0c2
        );
    }

    #[test]
    fn header_bytes_keep_reserved_bits_and_drop_data_offset() {
        let f = TcpFlags::from_header_bytes(0x5f, 0x14);
        assert_eq!(f.bits(), 0x0f14);
        assert!(f.has_reserved());
        assert!(f.contains(TcpFlags::AE | TcpFlags::RST | TcpFlags::ACK));
        assert_eq!(f.to_header_bits(), 0x0f14);
    }

    #[test]
    fn seq_len_counts_syn_and_fin() {
        assert_eq!(TcpFlags::SYN.seq_len(), 1);
        assert_eq!(TcpFlags::FIN.seq_len(), 1);
        assert_eq!((TcpFlags::SYN | TcpFlags::FIN).seq_len(), 2);
        assert_eq!(TcpFlags::ACK.seq_len(), 0);
    }

    #[test]
    fn parse_errors_are_typed() {
        assert_eq!(
            TcpFlags::parse_tcpdump("SX"),
            Err(FlagsParseError::UnknownFlag { offset: 1 })
        );
        assert_eq!(
            TcpFlags::parse_tcpdump("SS"),
            Err(FlagsParseError::Repeated { offset: 1 })
        );
        assert_eq!(TcpFlags::parse_tcpdump(""), Err(FlagsParseError::Malformed));
        assert_eq!(
            TcpFlags::parse_wireshark("SYN"),
            Err(FlagsParseError::Malformed)
        );
        assert_eq!(
            TcpFlags::parse_wireshark("[SYN, BOGUS]"),
            Err(FlagsParseError::UnknownFlag { offset: 6 })
        );
        assert_eq!(
            TcpFlags::parse_tshark_str("··"),
            Err(FlagsParseError::Malformed)
        );
        assert_eq!(
            TcpFlags::parse_wireshark("[NS, ECN]").unwrap(),
            TcpFlags::AE | TcpFlags::ECE
        );
        let odd = TcpFlags::from_bits_retain(0x0f14);
        assert_eq!(
            odd.wireshark().to_string(),
            "[RST, ACK, AE, Reserved(0xe00)]"
        );
        assert_eq!(
            TcpFlags::parse_wireshark("[Reserved(0x100)]"),
            Err(FlagsParseError::UnknownFlag { offset: 1 })
        );
    }

    /// Offsets and edge cases of the three parsers, computed by hand from the
    /// formats: byte offsets count `·` as its two UTF-8 bytes.
    #[test]
    fn parse_offsets_and_edges() {
        // Wireshark: the third name starts at byte 1 + "SYN, ".len() + "ACK, ".len().
        assert_eq!(
            TcpFlags::parse_wireshark("[SYN, ACK, SYN]"),
            Err(FlagsParseError::Repeated { offset: 11 })
        );
        assert_eq!(
            TcpFlags::parse_wireshark("[FIN, PSH, X]"),
            Err(FlagsParseError::UnknownFlag { offset: 11 })
        );
        assert_eq!(TcpFlags::parse_wireshark("[<None>]"), Ok(TcpFlags::empty()));
        assert_eq!(
            TcpFlags::parse_wireshark("[Reserved(0x0)]"),
            Err(FlagsParseError::UnknownFlag { offset: 1 })
        );
        assert_eq!(
            TcpFlags::parse_wireshark("[Reserved(0x1e00)]"),
            Err(FlagsParseError::UnknownFlag { offset: 1 })
        );
        assert_eq!(
            TcpFlags::parse_wireshark("[SYN, Reserved(0x600)]").map(|f| f.bits()),
            Ok(0x602)
        );
        // tcpdump: reserved bits by name, longest first; `r1` alone names nothing.
        assert_eq!(
            TcpFlags::parse_tcpdump("S.r9r10r11").map(|f| f.bits()),
            Ok(0xe12)
        );
        assert_eq!(
            TcpFlags::parse_tcpdump("Sr1"),
            Err(FlagsParseError::UnknownFlag { offset: 1 })
        );
        assert_eq!(
            TcpFlags::parse_tcpdump("P.P"),
            Err(FlagsParseError::Repeated { offset: 2 })
        );
        assert_eq!(TcpFlags::parse_tcpdump("[none]"), Ok(TcpFlags::empty()));
        // tshark: exactly twelve characters.
        assert_eq!(
            TcpFlags::parse_tshark_str("·······A··S··"),
            Err(FlagsParseError::Malformed)
        );
        assert_eq!(
            TcpFlags::parse_tshark_str("·······A··S"),
            Err(FlagsParseError::Malformed)
        );
        assert_eq!(
            TcpFlags::parse_tshark_str("·······A··SX"),
            Err(FlagsParseError::UnknownFlag { offset: 20 })
        );
        assert_eq!(
            TcpFlags::parse_tshark_str("..........S.").map(|f| f.bits()),
            Ok(0x002)
        );
        // The flag words: SYN and FIN consume one number each, the rest none.
        assert_eq!((TcpFlags::SYN | TcpFlags::FIN).seq_len(), 2);
        assert_eq!(TcpFlags::ACK.seq_len(), 0);
        assert!(TcpFlags::RESERVED_10.has_reserved());
        assert!(!TcpFlags::from_bits_retain(0x01ff).has_reserved());
        assert_eq!(TcpFlags::from_bits_retain(0x0fff).to_header_bits(), 0x0fff);
        assert_eq!(TcpFlags::SYN.to_string(), "S");
    }

    proptest! {
        #[test]
        fn every_rendering_round_trips(bits in 0u16..0x1000) {
            let f = TcpFlags::from_bits_retain(bits);
            prop_assert_eq!(TcpFlags::parse_wireshark(&f.wireshark().to_string()).unwrap(), f);
            prop_assert_eq!(TcpFlags::parse_tcpdump(&f.tcpdump().to_string()).unwrap(), f);
            prop_assert_eq!(TcpFlags::parse_tshark_str(&f.tshark_str().to_string()).unwrap(), f);
        }

        #[test]
        fn parsers_never_panic(s in ".{0,24}") {
            let _ = TcpFlags::parse_wireshark(&s);
            let _ = TcpFlags::parse_tcpdump(&s);
            let _ = TcpFlags::parse_tshark_str(&s);
        }
    }
}
