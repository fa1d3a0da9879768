//! TCP options: a lazy, allocation-free iterator of typed options.
//!
//! The options sit between the fixed 20-byte header and the data offset. Each is
//! either a single kind byte (EOL = 0, NOP = 1) or kind, length, data — the length
//! counting the kind and length bytes (RFC 9293 §3.1). [`TcpOptionsIter`] walks
//! them one at a time and yields a [`TcpOption`] per option:
//!
//! * every kind this crate knows is decoded: MSS, window scale, SACK-permitted,
//!   SACK (1 to 4 blocks), timestamps, TCP Fast Open cookie (kind 34, and the
//!   experimental kind 254 with magic `0xF989` that early stacks sent), MD5
//!   signature, TCP-AO, MPTCP (raw bytes);
//! * an unknown kind is skipped by its length and yielded as
//!   [`TcpOption::Unknown`] with its bytes — iteration goes on after it, so
//!   options behind an unknown kind are never hidden;
//! * a malformed option yields a [`TcpOptionError`] with its offset and kind,
//!   and iteration ends there (the rest cannot be framed).
//!
//! After an End-of-Option-List the iterator yields [`TcpOption::EndOfOptionList`]
//! once and stops: the bytes that follow are padding (RFC 9293 says they must be
//! zero; whatever they hold is not interpreted; [`TcpOptionsIter::rest`] gives them).
//!
//! Offsets in errors count from the first option byte, i.e. header byte 20.
//!
//! The walk is framed with nom: one byte for the kind, one for the length, then
//! nom's `take` for the `length - 2` data bytes. A known kind's fields are then
//! read from its data as a fixed-size array, which is also how its length is
//! checked (an MSS is exactly `[u8; 2]`). The walk is built to inline into the
//! caller's loop, so that matching on each option costs what a hand-written
//! parser costs: no call per option, and an item of 24 bytes (slices borrow the
//! header; SACK blocks are a [`SackBlocks`] view, read as they are walked).
//! Nothing is allocated and nothing can panic, whatever the bytes; every step
//! consumes at least one byte, so a walk over `n` bytes ends after at most
//! `n + 1` items.
//!
//! ```
//! use synack::wire::{TcpOption, TcpOptionsIter};
//! // MSS 1460, SACK permitted, timestamps, NOP, window scale 7.
//! let bytes = [2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7];
//! let options: Vec<_> = TcpOptionsIter::new(&bytes).collect::<Result<_, _>>().unwrap();
//! assert_eq!(options[0], TcpOption::Mss(1460));
//! assert_eq!(options[2], TcpOption::Timestamps { value: 1, echo_reply: 0 });
//! assert_eq!(options[4], TcpOption::WindowScale(7));
//! ```

use core::fmt;

use nom::Parser;

use crate::seq::SeqNum;

/// Option kind numbers (IANA "TCP Option Kind Numbers").
pub mod kind {
    /// End of Option List (RFC 9293).
    pub const END_OF_OPTION_LIST: u8 = 0;
    /// No-Operation (RFC 9293).
    pub const NOP: u8 = 1;
    /// Maximum Segment Size (RFC 9293).
    pub const MSS: u8 = 2;
    /// Window Scale (RFC 7323).
    pub const WINDOW_SCALE: u8 = 3;
    /// SACK Permitted (RFC 2018).
    pub const SACK_PERMITTED: u8 = 4;
    /// SACK (RFC 2018).
    pub const SACK: u8 = 5;
    /// Timestamps (RFC 7323).
    pub const TIMESTAMPS: u8 = 8;
    /// MD5 Signature (RFC 2385).
    pub const MD5_SIGNATURE: u8 = 19;
    /// TCP Authentication Option (RFC 5925).
    pub const AUTHENTICATION: u8 = 29;
    /// Multipath TCP (RFC 8684).
    pub const MPTCP: u8 = 30;
    /// TCP Fast Open cookie (RFC 7413).
    pub const FAST_OPEN: u8 = 34;
    /// Experimental (RFC 6994); with magic `0xF989` the pre-RFC TCP Fast Open cookie.
    pub const EXPERIMENTAL_254: u8 = 254;
}

/// The RFC 6994 experiment identifier of the pre-standard TCP Fast Open cookie.
pub const FAST_OPEN_EXPERIMENT_MAGIC: u16 = 0xF989;

/// The largest number of SACK blocks an option can carry (40 option bytes).
pub const MAX_SACK_BLOCKS: usize = 4;

/// Bytes of SACK blocks an option can carry at most (4 blocks of 8).
pub const MAX_SACK_BYTES: usize = 8 * MAX_SACK_BLOCKS;

/// The blocks of a SACK option (RFC 2018 §3): 1 to 4 `(left edge, right edge)`
/// pairs, read in place from the option's bytes.
///
/// A view, not a copy: it borrows the 8 to 32 bytes after the option's kind and
/// length, so a [`TcpOption`] stays small. To make one for building a header,
/// [`SackBlocks::encode`] writes pairs into a caller's 32-byte array.
///
/// ```
/// use synack::seq::SeqNum;
/// use synack::wire::SackBlocks;
/// let mut storage = [0u8; 32];
/// let blocks = SackBlocks::encode(&[(SeqNum(10), SeqNum(20)), (SeqNum(30), SeqNum(40))], &mut storage).unwrap();
/// assert_eq!(blocks.len(), 2);
/// assert_eq!(blocks.iter().last(), Some((SeqNum(30), SeqNum(40))));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SackBlocks<'a> {
    /// 8 to 32 bytes, a multiple of 8.
    bytes: &'a [u8],
}

impl<'a> SackBlocks<'a> {
    /// Blocks from the wire bytes of a SACK option's data (8, 16, 24 or 32 bytes);
    /// `None` for any other length.
    #[inline]
    pub const fn from_bytes(bytes: &'a [u8]) -> Option<Self> {
        match bytes.len() {
            8 | 16 | 24 | 32 => Some(SackBlocks { bytes }),
            _ => None,
        }
    }

    /// Writes 1 to 4 `(left, right)` pairs into `storage` as the wire carries them
    /// and returns the blocks; `None` for no pair or more than four.
    pub fn encode(
        pairs: &[(SeqNum, SeqNum)],
        storage: &'a mut [u8; MAX_SACK_BYTES],
    ) -> Option<Self> {
        // No pair, or more than four: `from_bytes` refuses 0 bytes, and more than
        // four blocks do not fit the 32-byte storage (`get` gives `None`).
        for (chunk, (left, right)) in storage.chunks_exact_mut(8).zip(pairs) {
            let (l, r) = chunk.split_at_mut(4);
            l.copy_from_slice(&left.0.to_be_bytes());
            r.copy_from_slice(&right.0.to_be_bytes());
        }
        let storage: &'a [u8] = storage;
        Self::from_bytes(storage.get(..8 * pairs.len())?)
    }

    /// The blocks' wire bytes (8 per block).
    #[inline]
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Number of blocks (1..=4).
    #[inline]
    #[allow(clippy::len_without_is_empty)]
    pub const fn len(&self) -> usize {
        self.bytes.len() / 8
    }

    /// The `index`th block, in option order.
    #[inline]
    pub fn get(&self, index: usize) -> Option<(SeqNum, SeqNum)> {
        self.iter().nth(index)
    }

    /// Iterates the blocks, in option order.
    #[inline]
    pub const fn iter(&self) -> SackBlocksIter<'a> {
        SackBlocksIter { rest: self.bytes }
    }
}

impl fmt::Debug for SackBlocks<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// As a sequence of `(left, right)` pairs.
#[cfg(feature = "serde")]
impl serde::Serialize for SackBlocks<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'a> IntoIterator for SackBlocks<'a> {
    type Item = (SeqNum, SeqNum);
    type IntoIter = SackBlocksIter<'a>;
    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> IntoIterator for &SackBlocks<'a> {
    type Item = (SeqNum, SeqNum);
    type IntoIter = SackBlocksIter<'a>;
    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The `(left edge, right edge)` pairs of a [`SackBlocks`], read as they are walked.
#[derive(Clone, Debug)]
pub struct SackBlocksIter<'a> {
    rest: &'a [u8],
}

impl Iterator for SackBlocksIter<'_> {
    type Item = (SeqNum, SeqNum);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let (block, rest) = self.rest.split_first_chunk::<8>()?;
        self.rest = rest;
        let [a, b, c, d, e, f, g, h] = *block;
        Some((
            SeqNum(u32::from_be_bytes([a, b, c, d])),
            SeqNum(u32::from_be_bytes([e, f, g, h])),
        ))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.rest.len() / 8;
        (n, Some(n))
    }
}

impl ExactSizeIterator for SackBlocksIter<'_> {}
impl core::iter::FusedIterator for SackBlocksIter<'_> {}

/// One TCP option, borrowing its bytes from the header.
///
/// `Display` writes tcpdump's form (print-tcp.c): `mss 1460`, `sackOK`,
/// `TS val 1 ecr 2`, `nop`, `wscale 7`, `sack 2 {1:2}{5:9}`, `eol`,
/// `tfo cookiereq`, `tfo cookie 0a0b`, `md5 <hex>`, `mptcp <hex>`,
/// `tcp-ao keyid 1 rnextkeyid 2 mac 0x<hex>`, and `opt-<kind>:<hex>` for a kind
/// it does not know.
///
/// ```
/// use synack::wire::TcpOption;
/// assert_eq!(TcpOption::Mss(1460).to_string(), "mss 1460");
/// assert_eq!(TcpOption::Timestamps { value: 1, echo_reply: 2 }.to_string(), "TS val 1 ecr 2");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum TcpOption<'a> {
    /// Kind 0: end of the option list; what follows is padding.
    EndOfOptionList,
    /// Kind 1: no-operation, used for alignment.
    Nop,
    /// Kind 2: the largest segment the sender can receive.
    Mss(u16),
    /// Kind 3: the sender's window scale shift, as sent. RFC 7323 §2.3 says a
    /// receiver uses at most 14 (and Wireshark clamps to 14); the raw value is kept here.
    WindowScale(u8),
    /// Kind 4: the sender can receive SACK options.
    SackPermitted,
    /// Kind 5: selective acknowledgment blocks.
    Sack(SackBlocks<'a>),
    /// Kind 8: timestamps.
    Timestamps {
        /// TSval: the sender's timestamp clock.
        value: u32,
        /// TSecr: the timestamp echoed back (meaningful with ACK).
        echo_reply: u32,
    },
    /// Kind 34: TCP Fast Open cookie (empty: a cookie request).
    FastOpenCookie(&'a [u8]),
    /// Kind 254 with magic `0xF989`: the pre-RFC TCP Fast Open cookie (the bytes after the magic).
    ExperimentalFastOpenCookie(&'a [u8]),
    /// Kind 19: the 16-byte MD5 digest of RFC 2385.
    Md5Signature(&'a [u8; 16]),
    /// Kind 29: TCP Authentication Option (RFC 5925).
    Authentication {
        /// KeyID.
        key_id: u8,
        /// RNextKeyID.
        rnext_key_id: u8,
        /// The message authentication code.
        mac: &'a [u8],
    },
    /// Kind 30: Multipath TCP; the bytes after kind and length (subtype first).
    Mptcp(&'a [u8]),
    /// Any other kind, with the bytes after kind and length.
    Unknown {
        /// The option kind.
        kind: u8,
        /// The option data (without kind and length).
        data: &'a [u8],
    },
}

impl TcpOption<'_> {
    /// The option's kind byte.
    pub fn kind(&self) -> u8 {
        match self {
            TcpOption::EndOfOptionList => kind::END_OF_OPTION_LIST,
            TcpOption::Nop => kind::NOP,
            TcpOption::Mss(_) => kind::MSS,
            TcpOption::WindowScale(_) => kind::WINDOW_SCALE,
            TcpOption::SackPermitted => kind::SACK_PERMITTED,
            TcpOption::Sack(_) => kind::SACK,
            TcpOption::Timestamps { .. } => kind::TIMESTAMPS,
            TcpOption::FastOpenCookie(_) => kind::FAST_OPEN,
            TcpOption::ExperimentalFastOpenCookie(_) => kind::EXPERIMENTAL_254,
            TcpOption::Md5Signature(_) => kind::MD5_SIGNATURE,
            TcpOption::Authentication { .. } => kind::AUTHENTICATION,
            TcpOption::Mptcp(_) => kind::MPTCP,
            TcpOption::Unknown { kind, .. } => *kind,
        }
    }

    /// The option's length on the wire (1 for EOL and NOP, else the length byte).
    pub fn wire_len(&self) -> usize {
        match self {
            TcpOption::EndOfOptionList | TcpOption::Nop => 1,
            TcpOption::Mss(_) => 4,
            TcpOption::WindowScale(_) => 3,
            TcpOption::SackPermitted => 2,
            TcpOption::Sack(b) => 2 + 8 * b.len(),
            TcpOption::Timestamps { .. } => 10,
            TcpOption::FastOpenCookie(c) => 2 + c.len(),
            TcpOption::ExperimentalFastOpenCookie(c) => 4 + c.len(),
            TcpOption::Md5Signature(_) => 18,
            TcpOption::Authentication { mac, .. } => 4 + mac.len(),
            TcpOption::Mptcp(d) | TcpOption::Unknown { data: d, .. } => 2 + d.len(),
        }
    }
}

/// Bytes as lowercase hex digits, tcpdump style.
struct Hex<'a>(&'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Display for TcpOption<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TcpOption::EndOfOptionList => f.write_str("eol"),
            TcpOption::Nop => f.write_str("nop"),
            TcpOption::Mss(mss) => write!(f, "mss {mss}"),
            TcpOption::WindowScale(shift) => write!(f, "wscale {shift}"),
            TcpOption::SackPermitted => f.write_str("sackOK"),
            TcpOption::Sack(blocks) => {
                write!(f, "sack {} ", blocks.len())?;
                blocks
                    .iter()
                    .try_for_each(|(left, right)| write!(f, "{{{left}:{right}}}"))
            }
            TcpOption::Timestamps { value, echo_reply } => {
                write!(f, "TS val {value} ecr {echo_reply}")
            }
            TcpOption::FastOpenCookie(cookie) | TcpOption::ExperimentalFastOpenCookie(cookie) => {
                if cookie.is_empty() {
                    f.write_str("tfo cookiereq")
                } else {
                    write!(f, "tfo cookie {}", Hex(cookie))
                }
            }
            TcpOption::Md5Signature(digest) => write!(f, "md5 {}", Hex(&digest[..])),
            TcpOption::Authentication {
                key_id,
                rnext_key_id,
                mac,
            } => write!(
                f,
                "tcp-ao keyid {key_id} rnextkeyid {rnext_key_id} mac 0x{}",
                Hex(mac)
            ),
            TcpOption::Mptcp(data) => write!(f, "mptcp {}", Hex(data)),
            TcpOption::Unknown { kind, data } => write!(f, "opt-{kind}:{}", Hex(data)),
        }
    }
}

/// Why an option could not be read. Offsets count from the first option byte
/// (header byte 20) and name the option's kind byte.
///
/// The checks run in wire order: a length byte must be there (`Truncated`), be at
/// least 2 (`BadLength`), and fit in the bytes left (`PastHeaderEnd`); only then is
/// it checked against the kind's size (`BadLength`). So an MSS option claiming 9
/// bytes with 4 left is `PastHeaderEnd`, with 9 left `BadLength`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum TcpOptionError {
    /// A kind that needs a length byte is the last byte of the options.
    #[error("TCP option kind {kind} at option byte {offset} has no length byte")]
    Truncated {
        /// Offset of the kind byte.
        offset: usize,
        /// The option kind.
        kind: u8,
    },
    /// The length byte is impossible: below 2, or wrong for a fixed-size kind
    /// (MSS 4, window scale 3, SACK-permitted 2, SACK 2+8n with n in 1..=4,
    /// timestamps 10, MD5 18, TCP-AO at least 4, experimental 254 at least 4).
    #[error("TCP option kind {kind} at option byte {offset} has bad length {len}")]
    BadLength {
        /// Offset of the kind byte.
        offset: usize,
        /// The option kind.
        kind: u8,
        /// The length byte.
        len: u8,
    },
    /// The length runs past the end of the options (the data offset).
    #[error(
        "TCP option kind {kind} at option byte {offset} has length {len} but only {available} bytes remain"
    )]
    PastHeaderEnd {
        /// Offset of the kind byte.
        offset: usize,
        /// The option kind.
        kind: u8,
        /// The length byte.
        len: u8,
        /// Option bytes remaining from `offset` to the end of the header.
        available: usize,
    },
}

/// A lazy iterator over the options of a TCP header.
#[derive(Clone, Debug)]
pub struct TcpOptionsIter<'a> {
    /// Bytes still to walk; emptied when the walk stops early (EOL or error), so
    /// that `next` needs no separate "done" test. Kept as a slice iterator (a
    /// start and an end pointer), so stepping over a NOP moves one pointer.
    rest: core::slice::Iter<'a, u8>,
    /// The bytes left unread when the walk stopped early: the padding after an
    /// EOL, or the malformed option and everything after it.
    unread: &'a [u8],
    /// Length of the whole option area; an offset is `len - rest().len()`, so the
    /// walk carries no counter.
    len: usize,
}

impl<'a> TcpOptionsIter<'a> {
    /// Iterates the options in `options` (the header bytes after the fixed 20).
    #[inline]
    pub fn new(options: &'a [u8]) -> Self {
        TcpOptionsIter {
            rest: options.iter(),
            unread: &[],
            len: options.len(),
        }
    }

    /// The bytes not consumed yet: after an EOL, the padding; after an error, the
    /// malformed option and what follows it.
    #[inline]
    pub fn rest(&self) -> &'a [u8] {
        let rest = self.rest.as_slice();
        if rest.is_empty() { self.unread } else { rest }
    }

    /// Ends the walk, keeping `unread` for [`rest`](Self::rest).
    #[inline]
    fn stop(&mut self, unread: &'a [u8]) {
        self.unread = unread;
        self.rest = [].iter();
    }

    /// The offset of the next option, from the first option byte. Once the walk
    /// has stopped: the length after running to the end, the byte after an EOL,
    /// or the malformed option's kind byte after an error; always
    /// `offset() + rest().len()` is the length of the option bytes.
    #[inline]
    pub fn offset(&self) -> usize {
        self.len - self.rest().len()
    }

    #[inline]
    fn fail(&mut self, e: TcpOptionError) -> Option<Result<TcpOption<'a>, TcpOptionError>> {
        self.stop(self.rest.as_slice());
        Some(Err(e))
    }
}

/// nom's error type for option parsing: `()`, because every failure is turned into a
/// [`TcpOptionError`] that says where and why, so nom needs to record nothing.
pub(crate) type NomError = ();

/// One byte, as a nom parser: what nom's `be_u8` does, written with `split_first`.
///
/// nom's own byte-level parsers (`be_u8`, `take`) advance the input with
/// `Input::take_from`, which nom does not mark `#[inline]`: without LTO every kind
/// byte, length byte and data slice would be a function call in the caller's
/// crate (a third of the walk's instructions, measured with callgrind). These two
/// primitives do the same on `split_first` / `split_at_checked`, and nom's
/// tuple combinator and `Parser` trait compose them.
#[inline(always)]
pub(crate) fn byte(input: &[u8]) -> nom::IResult<&[u8], u8, NomError> {
    match input.split_first() {
        Some((&b, rest)) => Ok((rest, b)),
        None => Err(nom::Err::Error(())),
    }
}

/// `count` bytes, as a nom parser: nom's `take`, on `split_at_checked` (see [`byte`]).
#[inline(always)]
pub(crate) fn take(count: usize) -> impl Fn(&[u8]) -> nom::IResult<&[u8], &[u8], NomError> {
    move |input: &[u8]| match input.split_at_checked(count) {
        Some((taken, rest)) => Ok((rest, taken)),
        None => Err(nom::Err::Error(())),
    }
}

/// `data` as an array of exactly `N` bytes: how a fixed-size kind's length is checked.
#[inline(always)]
fn exactly<const N: usize>(data: &[u8]) -> Option<[u8; N]> {
    <[u8; N]>::try_from(data).ok()
}

/// Decodes an option's data once its kind and total length are known to fit
/// (`data` is the `len - 2` bytes after kind and length).
/// `None` means the length is wrong for the kind.
#[inline(always)]
fn decode_option(kind: u8, data: &[u8]) -> Option<TcpOption<'_>> {
    Some(match kind {
        kind::TIMESTAMPS => {
            let [a, b, c, d, e, f, g, h] = exactly(data)?;
            TcpOption::Timestamps {
                value: u32::from_be_bytes([a, b, c, d]),
                echo_reply: u32::from_be_bytes([e, f, g, h]),
            }
        }
        kind::MSS => TcpOption::Mss(u16::from_be_bytes(exactly(data)?)),
        kind::WINDOW_SCALE => {
            let [shift] = exactly(data)?;
            TcpOption::WindowScale(shift)
        }
        kind::SACK_PERMITTED => {
            let [] = exactly(data)?;
            TcpOption::SackPermitted
        }
        kind::SACK => TcpOption::Sack(SackBlocks::from_bytes(data)?),
        kind::MD5_SIGNATURE => TcpOption::Md5Signature(data.try_into().ok()?),
        kind::AUTHENTICATION => {
            let (&[key_id, rnext_key_id], mac) = data.split_first_chunk::<2>()?;
            TcpOption::Authentication {
                key_id,
                rnext_key_id,
                mac,
            }
        }
        kind::MPTCP => TcpOption::Mptcp(data),
        kind::FAST_OPEN => TcpOption::FastOpenCookie(data),
        kind::EXPERIMENTAL_254 => {
            // RFC 6994: a 16-bit experiment identifier comes first.
            let (magic, cookie) = data.split_first_chunk::<2>()?;
            if u16::from_be_bytes(*magic) == FAST_OPEN_EXPERIMENT_MAGIC {
                TcpOption::ExperimentalFastOpenCookie(cookie)
            } else {
                TcpOption::Unknown { kind, data }
            }
        }
        _ => TcpOption::Unknown { kind, data },
    })
}

impl<'a> Iterator for TcpOptionsIter<'a> {
    type Item = Result<TcpOption<'a>, TcpOptionError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        // nom frames each option: kind, then (except EOL and NOP) length, then
        // `length - 2` bytes of data.
        let rest = self.rest.as_slice();
        let (after_kind, kind) = byte.parse_complete(rest).ok()?;
        if kind == kind::NOP {
            self.rest = after_kind.iter();
            return Some(Ok(TcpOption::Nop));
        }
        // Linux's fast path (`tcp_parse_aligned_timestamp`), one level down: the
        // commonest option, timestamps, checked in one comparison of two bytes.
        // (Kind and length are compared as one 16-bit word.)
        if let Some((&[k, l, a, b, c, d, e, f, g, h], tail)) = rest.split_first_chunk::<10>() {
            if u16::from_ne_bytes([k, l]) == u16::from_ne_bytes([kind::TIMESTAMPS, 10]) {
                self.rest = tail.iter();
                return Some(Ok(TcpOption::Timestamps {
                    value: u32::from_be_bytes([a, b, c, d]),
                    echo_reply: u32::from_be_bytes([e, f, g, h]),
                }));
            }
        }
        if kind == kind::END_OF_OPTION_LIST {
            self.stop(after_kind);
            return Some(Ok(TcpOption::EndOfOptionList));
        }
        let offset = self.len - rest.len();
        let Ok((after_len, len)) = byte.parse_complete(after_kind) else {
            return self.fail(TcpOptionError::Truncated { offset, kind });
        };
        let Some(data_len) = (len as usize).checked_sub(2) else {
            return self.fail(TcpOptionError::BadLength { offset, kind, len });
        };
        let Ok((tail, data)) = take(data_len).parse_complete(after_len) else {
            let available = rest.len();
            return self.fail(TcpOptionError::PastHeaderEnd {
                offset,
                kind,
                len,
                available,
            });
        };
        match decode_option(kind, data) {
            Some(option) => {
                self.rest = tail.iter();
                Some(Ok(option))
            }
            None => self.fail(TcpOptionError::BadLength { offset, kind, len }),
        }
    }
}

impl core::iter::FusedIterator for TcpOptionsIter<'_> {}

#[cfg(test)]
mod test {
    use super::*;
    extern crate std;
    use std::vec::Vec;

    fn all(bytes: &[u8]) -> Vec<Result<TcpOption<'_>, TcpOptionError>> {
        TcpOptionsIter::new(bytes).collect()
    }

    /// The options of the SYN in tests/data/http-image.pcap (frame 1): tshark shows
    /// MSS 1460, SACK_PERM, TSval 4006145894, TSecr 0, NOP, WS 10.
    #[test]
    fn real_syn_options() {
        let bytes = [
            2, 4, 5, 0xb4, 4, 2, 8, 10, 0xee, 0xc8, 0xef, 0x66, 0, 0, 0, 0, 1, 3, 3, 10,
        ];
        let got: Vec<_> = all(&bytes).into_iter().map(Result::unwrap).collect();
        assert_eq!(
            got,
            [
                TcpOption::Mss(1460),
                TcpOption::SackPermitted,
                TcpOption::Timestamps {
                    value: 4006145894,
                    echo_reply: 0
                },
                TcpOption::Nop,
                TcpOption::WindowScale(10),
            ]
        );
    }

    /// Frames 1 and 2 of the corpus capture tcp__tcp-fast-open.pcap: a SYN asking for
    /// a Fast Open cookie with the experimental option (kind 254, magic 0xF989, no
    /// cookie) and the SYN-ACK carrying an 8-byte cookie. tshark: MSS 1460, WS 7 and 6,
    /// TSval 14248099 and 4294965494.
    #[test]
    fn real_fast_open_cookie_request_and_reply() {
        let syn = [
            2, 4, 5, 0xb4, 4, 2, 8, 10, 0x00, 0xd9, 0x68, 0xa3, 0, 0, 0, 0, 1, 3, 3, 7, 0xfe, 4,
            0xf9, 0x89,
        ];
        let got: Vec<_> = all(&syn).into_iter().map(Result::unwrap).collect();
        assert_eq!(
            got,
            [
                TcpOption::Mss(1460),
                TcpOption::SackPermitted,
                TcpOption::Timestamps {
                    value: 14248099,
                    echo_reply: 0
                },
                TcpOption::Nop,
                TcpOption::WindowScale(7),
                TcpOption::ExperimentalFastOpenCookie(&[]),
            ]
        );
        let syn_ack = [
            2, 4, 5, 0xb4, 4, 2, 8, 10, 0xff, 0xff, 0xf8, 0xf6, 0x00, 0xd9, 0x68, 0xa3, 1, 3, 3, 6,
            0xfe, 12, 0xf9, 0x89, 0x26, 0x1f, 0xb0, 0x60, 0xce, 0xca, 0xb6, 0x90,
        ];
        let got: Vec<_> = all(&syn_ack).into_iter().map(Result::unwrap).collect();
        assert_eq!(
            got[2],
            TcpOption::Timestamps {
                value: 4294965494,
                echo_reply: 14248099
            }
        );
        assert_eq!(
            got[5],
            TcpOption::ExperimentalFastOpenCookie(&[
                0x26, 0x1f, 0xb0, 0x60, 0xce, 0xca, 0xb6, 0x90
            ])
        );
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn offset_and_rest_after_each_kind_of_stop() {
        // Walks to the end: nothing left.
        let mut it = TcpOptionsIter::new(&[1, 1, 3, 3, 7]);
        assert_eq!(it.by_ref().count(), 3);
        assert_eq!((it.offset(), it.rest()), (5, &[][..]));
        // EOL at byte 1: offset just past it, the padding left over.
        let mut it = TcpOptionsIter::new(&[1, 0, 0, 0]);
        assert_eq!(it.by_ref().count(), 2);
        assert_eq!((it.offset(), it.rest()), (2, &[0, 0][..]));
        // An error at byte 4: the walk stays there, and the bad option is left unread.
        let mut it = TcpOptionsIter::new(&[3, 3, 7, 1, 2, 9, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(it.next(), Some(Ok(TcpOption::WindowScale(7))));
        assert_eq!(it.next(), Some(Ok(TcpOption::Nop)));
        assert_eq!(
            it.next(),
            Some(Err(TcpOptionError::BadLength {
                offset: 4,
                kind: 2,
                len: 9
            }))
        );
        assert_eq!(it.next(), None);
        assert_eq!(
            (it.offset(), it.rest()),
            (4, &[2, 9, 0, 0, 0, 0, 0, 0, 0][..])
        );
        // The same MSS cut short: running past the end is reported first.
        assert_eq!(
            all(&[2, 9, 0, 0]),
            [Err(TcpOptionError::PastHeaderEnd {
                offset: 0,
                kind: 2,
                len: 9,
                available: 4
            })]
        );
        // An unknown kind running past the end.
        assert_eq!(
            all(&[77, 40, 0]),
            [Err(TcpOptionError::PastHeaderEnd {
                offset: 0,
                kind: 77,
                len: 40,
                available: 3
            })]
        );
        // Kind 254 too short for an experiment identifier.
        assert_eq!(
            all(&[254, 3, 0xf9]),
            [Err(TcpOptionError::BadLength {
                offset: 0,
                kind: 254,
                len: 3
            })]
        );
        // MD5 with 15 bytes of digest.
        let mut md5 = std::vec![19, 17];
        md5.extend([0u8; 15]);
        assert_eq!(
            all(&md5),
            [Err(TcpOptionError::BadLength {
                offset: 0,
                kind: 19,
                len: 17
            })]
        );
        // Five SACK blocks cannot be right (nor fit a header).
        let mut sack = std::vec![5, 42];
        sack.extend([0u8; 40]);
        assert_eq!(
            all(&sack),
            [Err(TcpOptionError::BadLength {
                offset: 0,
                kind: 5,
                len: 42
            })]
        );
    }

    #[test]
    fn sack_with_one_to_four_blocks() {
        for n in 1..=4usize {
            let mut bytes = std::vec![5, (2 + 8 * n) as u8];
            for i in 0..n as u32 {
                bytes.extend_from_slice(&(1000 * i + 1).to_be_bytes());
                bytes.extend_from_slice(&(1000 * i + 500).to_be_bytes());
            }
            let opts = all(&bytes);
            assert_eq!(opts.len(), 1);
            let Ok(TcpOption::Sack(blocks)) = opts[0] else {
                panic!("{opts:?}")
            };
            assert_eq!(blocks.len(), n);
            assert_eq!(
                blocks.get(n - 1).unwrap(),
                (
                    SeqNum(1000 * (n as u32 - 1) + 1),
                    SeqNum(1000 * (n as u32 - 1) + 500)
                )
            );
        }
    }

    #[test]
    fn unknown_kinds_are_skipped_by_length_and_iteration_continues() {
        // Kind 27 (Quick-Start response, 8 bytes), kind 28 (user timeout, 4 bytes), then MSS.
        let bytes = [27, 8, 1, 2, 3, 4, 5, 6, 28, 4, 0x80, 0x10, 2, 4, 0x05, 0xb4];
        let got: Vec<_> = all(&bytes).into_iter().map(Result::unwrap).collect();
        assert_eq!(
            got,
            [
                TcpOption::Unknown {
                    kind: 27,
                    data: &[1, 2, 3, 4, 5, 6]
                },
                TcpOption::Unknown {
                    kind: 28,
                    data: &[0x80, 0x10]
                },
                TcpOption::Mss(1460),
            ]
        );
    }

    #[test]
    fn fast_open_md5_ao_and_mptcp() {
        let bytes = [
            34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 254, 6, 0xf9, 0x89, 9, 9, 34, 2,
        ];
        let got: Vec<_> = all(&bytes).into_iter().map(Result::unwrap).collect();
        assert_eq!(
            got,
            [
                TcpOption::FastOpenCookie(&[1, 2, 3, 4, 5, 6, 7, 8]),
                TcpOption::ExperimentalFastOpenCookie(&[9, 9]),
                TcpOption::FastOpenCookie(&[]),
            ]
        );
        let mut md5 = std::vec![19, 18];
        md5.extend(0..16u8);
        let got = all(&md5);
        assert_eq!(
            got,
            [Ok(TcpOption::Md5Signature(&[
                0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
            ]))]
        );
        let ao = [29, 6, 7, 8, 0xaa, 0xbb];
        assert_eq!(
            all(&ao),
            [Ok(TcpOption::Authentication {
                key_id: 7,
                rnext_key_id: 8,
                mac: &[0xaa, 0xbb]
            })]
        );
        let mp = [30, 4, 0x00, 0x81];
        assert_eq!(all(&mp), [Ok(TcpOption::Mptcp(&[0x00, 0x81]))]);
        let exp = [254, 4, 0x12, 0x34];
        assert_eq!(
            all(&exp),
            [Ok(TcpOption::Unknown {
                kind: 254,
                data: &[0x12, 0x34]
            })]
        );
    }

    #[test]
    fn eol_ends_the_list_and_the_rest_is_padding() {
        let bytes = [1, 0, 2, 4, 5, 0xb4];
        let mut it = TcpOptionsIter::new(&bytes);
        assert_eq!(it.next(), Some(Ok(TcpOption::Nop)));
        assert_eq!(it.next(), Some(Ok(TcpOption::EndOfOptionList)));
        assert_eq!(it.next(), None);
        assert_eq!(it.rest(), &[2, 4, 5, 0xb4]);
    }

    #[test]
    fn each_malformation_has_its_error() {
        assert_eq!(
            all(&[1, 2]),
            [
                Ok(TcpOption::Nop),
                Err(TcpOptionError::Truncated { offset: 1, kind: 2 })
            ]
        );
        assert_eq!(
            all(&[99, 1, 0]),
            [Err(TcpOptionError::BadLength {
                offset: 0,
                kind: 99,
                len: 1
            })]
        );
        assert_eq!(
            all(&[2, 3, 5]),
            [Err(TcpOptionError::BadLength {
                offset: 0,
                kind: 2,
                len: 3
            })]
        );
        assert_eq!(
            all(&[3, 4, 5, 0]),
            [Err(TcpOptionError::BadLength {
                offset: 0,
                kind: 3,
                len: 4
            })]
        );
        assert_eq!(
            all(&[4, 3, 0]),
            [Err(TcpOptionError::BadLength {
                offset: 0,
                kind: 4,
                len: 3
            })]
        );
        assert_eq!(
            all(&[8, 8, 0, 0, 0, 0, 0, 0]),
            [Err(TcpOptionError::BadLength {
                offset: 0,
                kind: 8,
                len: 8
            })]
        );
        let mut sack = std::vec![5, 11];
        sack.extend([0u8; 9]);
        assert_eq!(
            all(&sack),
            [Err(TcpOptionError::BadLength {
                offset: 0,
                kind: 5,
                len: 11
            })]
        );
        assert_eq!(
            all(&[5, 2]),
            [Err(TcpOptionError::BadLength {
                offset: 0,
                kind: 5,
                len: 2
            })]
        );
        assert_eq!(
            all(&[1, 8, 10, 0, 0]),
            [
                Ok(TcpOption::Nop),
                Err(TcpOptionError::PastHeaderEnd {
                    offset: 1,
                    kind: 8,
                    len: 10,
                    available: 4
                })
            ]
        );
        assert_eq!(
            all(&[29, 3, 0]),
            [Err(TcpOptionError::BadLength {
                offset: 0,
                kind: 29,
                len: 3
            })]
        );
    }

    #[test]
    fn window_scale_beyond_14_is_reported_raw() {
        // tcp__window-scale-range.pcap sends shift 255.
        assert_eq!(all(&[3, 3, 255]), [Ok(TcpOption::WindowScale(255))]);
    }

    /// tcpdump 4.99 on tests/data/http-image.pcap frame 1 (`tcpdump -nr FILE -S -c 1`):
    /// `options [mss 1460,sackOK,TS val 4006145894 ecr 0,nop,wscale 10]`; on
    /// captures/bulk-loss.pcap: `sack 1 {12636509:12637957}`.
    #[test]
    fn display_is_tcpdumps() {
        use std::string::ToString;
        let bytes = [
            2, 4, 5, 0xb4, 4, 2, 8, 10, 0xee, 0xc8, 0xef, 0x66, 0, 0, 0, 0, 1, 3, 3, 10,
        ];
        let shown: Vec<_> = all(&bytes)
            .into_iter()
            .map(|o| o.unwrap().to_string())
            .collect();
        assert_eq!(
            shown.join(","),
            "mss 1460,sackOK,TS val 4006145894 ecr 0,nop,wscale 10"
        );
        let mut storage = [0u8; 32];
        let one =
            SackBlocks::encode(&[(SeqNum(12636509), SeqNum(12637957))], &mut storage).unwrap();
        assert_eq!(
            TcpOption::Sack(one).to_string(),
            "sack 1 {12636509:12637957}"
        );
        let two =
            SackBlocks::from_bytes(&[0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 9]).unwrap();
        assert_eq!(TcpOption::Sack(two).to_string(), "sack 2 {1:2}{5:9}");
        assert_eq!(TcpOption::EndOfOptionList.to_string(), "eol");
        assert_eq!(TcpOption::FastOpenCookie(&[]).to_string(), "tfo cookiereq");
        assert_eq!(
            TcpOption::ExperimentalFastOpenCookie(&[0x26, 0x1f]).to_string(),
            "tfo cookie 261f"
        );
        assert_eq!(
            TcpOption::Md5Signature(&[0xab; 16]).to_string(),
            "md5 abababababababababababababababab"
        );
        assert_eq!(
            TcpOption::Authentication {
                key_id: 1,
                rnext_key_id: 2,
                mac: &[0, 0xff]
            }
            .to_string(),
            "tcp-ao keyid 1 rnextkeyid 2 mac 0x00ff"
        );
        assert_eq!(TcpOption::Mptcp(&[0x00, 0x81]).to_string(), "mptcp 0081");
        assert_eq!(
            TcpOption::Unknown {
                kind: 27,
                data: &[1, 2]
            }
            .to_string(),
            "opt-27:0102"
        );
    }

    #[test]
    fn sack_blocks_view_accepts_one_to_four_blocks_only() {
        for len in [0usize, 1, 7, 9, 33, 40] {
            assert_eq!(SackBlocks::from_bytes(&[0; 40][..len]), None, "{len}");
        }
        let mut storage = [0u8; 32];
        assert_eq!(SackBlocks::encode(&[], &mut storage), None);
        assert_eq!(
            SackBlocks::encode(&[(SeqNum(1), SeqNum(2)); 5], &mut storage),
            None
        );
        let pairs = [
            (SeqNum(1), SeqNum(2)),
            (SeqNum(u32::MAX), SeqNum(0)),
            (SeqNum(0x0102_0304), SeqNum(0x0506_0708)),
        ];
        let blocks = SackBlocks::encode(&pairs, &mut storage).unwrap();
        assert_eq!(blocks.len(), 3);
        assert_eq!(&blocks.as_bytes()[16..], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(blocks.get(1), Some(pairs[1]));
        assert_eq!(blocks.get(3), None);
        let mut it = blocks.iter();
        assert_eq!(it.len(), 3);
        assert_eq!(it.size_hint(), (3, Some(3)));
        it.next();
        assert_eq!(it.len(), 2);
        assert_eq!((&blocks).into_iter().collect::<Vec<_>>(), pairs);
        assert_eq!(blocks.into_iter().last(), Some(pairs[2]));
        assert_eq!(
            std::format!("{blocks:?}"),
            "[(SeqNum(1), SeqNum(2)), (SeqNum(4294967295), SeqNum(0)), (SeqNum(16909060), SeqNum(84281096))]"
        );
    }

    /// The timestamps fast path and the general walk agree, after a NOP and at
    /// the start, and a timestamps option of the wrong length still fails.
    #[test]
    fn timestamps_fast_path_is_the_same_walk() {
        let ts = [
            1, 1, 8, 10, 0, 0, 0, 7, 0xff, 0xff, 0xff, 0xfe, 8, 10, 0, 0, 0, 1,
        ];
        let got = all(&ts);
        assert_eq!(got.len(), 3 + 1);
        assert_eq!(
            got[2],
            Ok(TcpOption::Timestamps {
                value: 7,
                echo_reply: 0xffff_fffe
            })
        );
        // The last one is cut (8 of 10 bytes): the general walk reports it.
        assert_eq!(
            got[3],
            Err(TcpOptionError::PastHeaderEnd {
                offset: 12,
                kind: 8,
                len: 10,
                available: 6
            })
        );
        let mut it = TcpOptionsIter::new(&ts[2..12]);
        assert!(matches!(it.next(), Some(Ok(TcpOption::Timestamps { .. }))));
        assert_eq!((it.offset(), it.rest()), (10, &[][..]));
    }

    /// The item `next` returns stays small (it was 40 bytes with SACK blocks copied
    /// into an array): three words, as the module docs say.
    #[test]
    fn an_option_is_three_words() {
        assert_eq!(core::mem::size_of::<TcpOption<'_>>(), 24);
        assert!(core::mem::size_of::<Option<Result<TcpOption<'_>, TcpOptionError>>>() <= 32);
    }

    #[test]
    fn wire_len_matches_the_bytes_consumed() {
        let bytes = [
            2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7, 34, 3, 1, 99, 2, 7,
        ];
        let mut it = TcpOptionsIter::new(&bytes);
        let mut before = it.offset();
        while let Some(Ok(o)) = it.next() {
            assert_eq!(it.offset() - before, o.wire_len());
            before = it.offset();
        }
    }
}
