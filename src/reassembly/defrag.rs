//! IP defragmentation: fragments of IPv4 (RFC 791, with RFC 815's hole
//! bookkeeping) and IPv6 (RFC 8200 §4.5) datagrams put back together into one
//! datagram that [`wire::decode`](crate::wire::decode) reads again
//! ([`decode_datagram`]).
//!
//! The [`Defragmenter`] is fed the facts the decoder reports for a fragment
//! ([`Fragment`]: addresses, identification, offset, more-fragments bit,
//! protocol) and the fragment's payload bytes, with the capture time; or,
//! simpler, it is given whole captured frames
//! ([`Defragmenter::push_frame`]), reads each fragment's payload where the
//! decoder says it lies ([`Fragment::payload`]) and returns the datagrams the
//! frame completes, nested fragments (a fragment inside a reassembled tunnel
//! datagram) included.
//!
//! * **Keys** as the RFCs say: IPv4 (source, destination, protocol,
//!   identification), RFC 791 §3.2; IPv6 (source, destination,
//!   identification), RFC 8200 §4.5.
//! * **Timeouts** in capture time, counted from a datagram's first fragment:
//!   30 s for IPv4 and 60 s for IPv6 by default (Linux's `ipfrag_time` and
//!   RFC 8200's 60 s, also Linux's `ip6frag_time`).
//! * **Overlaps** as Linux has handled them since 4.19 (CVE-2018-5391,
//!   `inet_frag_queue_insert`), for IPv4 and IPv6 alike: a fragment lying
//!   wholly inside data already held is a duplicate and ignored; any other
//!   overlap discards the whole datagram ([`DropReason::Overlap`]), as RFC 5722
//!   requires for IPv6. Wireshark instead keeps the first bytes and flags the
//!   overlap (`ip.fragment.overlap`); following the receiving kernel is what
//!   an analyzer of Linux hosts needs, and it leaves no ambiguity to evade.
//! * **Inconsistent ends** as Linux: a last fragment (M = 0) that ends before
//!   data already held, or a second last fragment with another end, or a
//!   fragment beyond a known end, is ignored ([`DefragEvent::Ignored`]). A
//!   non-last fragment whose length is not a multiple of 8 is cut to one
//!   (IPv4, as Linux) or ignored (IPv6, RFC 8200). Empty fragments are ignored.
//! * **Memory**: every held fragment costs its bytes plus
//!   [`CHUNK_OVERHEAD`], every datagram in progress [`DATAGRAM_OVERHEAD`];
//!   a fragment that does not fit drops its datagram ([`DropReason::MemoryCap`]).
//!
//! ```
//! use core::time::Duration;
//! use synack::reassembly::{DefragConfig, DefragEvent, Defragmenter};
//! use synack::wire::{Fragment, IpNumber};
//!
//! let mut d = Defragmenter::new(DefragConfig::default());
//! let frag = |offset, more| Fragment {
//!     source: "10.0.0.1".parse().unwrap(),
//!     destination: "10.0.0.2".parse().unwrap(),
//!     identification: 7,
//!     offset,
//!     more_fragments: more,
//!     protocol: IpNumber::UDP,
//!     payload_offset: 0,
//!     payload_len: 0,
//! };
//! let mut done = Vec::new();
//! d.push(&frag(8, false), b"world", Duration::ZERO, &mut |e| {
//!     if let DefragEvent::Complete { datagram, .. } = e { done.push(datagram) }
//! });
//! d.push(&frag(0, true), b"hello, w", Duration::ZERO, &mut |e| {
//!     if let DefragEvent::Complete { datagram, .. } = e { done.push(datagram) }
//! });
//! // A 20-byte IPv4 header, then the 13 reassembled bytes.
//! assert_eq!(&done[0][20..], b"hello, wworld");
//! ```

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use core::time::Duration;

use super::stream::{Budget, CHUNK_OVERHEAD};
use crate::wire::internet_checksum;
use crate::wire::{DecodeError, Decoded, LinkType, decode, decode_all};
use crate::wire::{Fragment, IpNumber};

/// What a datagram in progress costs against the cap besides its fragments.
pub const DATAGRAM_OVERHEAD: usize = 128;

/// The largest IPv4 datagram (total length field) and IPv6 payload (payload
/// length field, without a jumbo option).
const MAX_LEN: u32 = 65535;
const IPV4_HEADER: u32 = 20;

/// Limits of a [`Defragmenter`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DefragConfig {
    /// How long an IPv4 datagram may take to complete, from its first fragment.
    pub timeout_v4: Duration,
    /// The same for IPv6.
    pub timeout_v6: Duration,
    /// The most held, over all datagrams (bytes plus overheads).
    pub max_total: usize,
}

impl Default for DefragConfig {
    /// 30 s (IPv4), 60 s (IPv6), 4 MiB (Linux's `ipfrag_high_thresh`).
    fn default() -> Self {
        DefragConfig {
            timeout_v4: Duration::from_secs(30),
            timeout_v6: Duration::from_secs(60),
            max_total: 4 << 20,
        }
    }
}

/// What identifies the fragments of one datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum DefragKey {
    /// RFC 791: source, destination, protocol, identification.
    V4 {
        /// Source address.
        source: Ipv4Addr,
        /// Destination address.
        destination: Ipv4Addr,
        /// Protocol.
        protocol: u8,
        /// Identification.
        identification: u16,
    },
    /// RFC 8200 §4.5: source, destination, identification.
    V6 {
        /// Source address.
        source: Ipv6Addr,
        /// Destination address.
        destination: Ipv6Addr,
        /// Identification.
        identification: u32,
    },
}

impl DefragKey {
    /// The key of a fragment; `None` when its two addresses are of different
    /// families (no IP header can say that).
    pub fn of(fragment: &Fragment) -> Option<Self> {
        match (fragment.source, fragment.destination) {
            (IpAddr::V4(source), IpAddr::V4(destination)) => Some(DefragKey::V4 {
                source,
                destination,
                protocol: fragment.protocol.0,
                // IPv4 identifications are 16 bits; the decoder widens them.
                identification: fragment.identification as u16,
            }),
            (IpAddr::V6(source), IpAddr::V6(destination)) => Some(DefragKey::V6 {
                source,
                destination,
                identification: fragment.identification,
            }),
            _ => None,
        }
    }
}

/// Why a whole datagram was discarded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum DropReason {
    /// Two fragments overlapped (and one was not a duplicate inside the other).
    Overlap,
    /// It did not complete within the timeout.
    Timeout,
    /// A fragment did not fit in the memory cap.
    MemoryCap,
    /// It would be longer than an IP datagram can be.
    TooLong,
}

/// Why a single fragment was not used (its datagram stays in progress).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum IgnoreReason {
    /// No payload.
    Empty,
    /// Wholly inside data already held.
    Duplicate,
    /// Its end contradicts the datagram's known end.
    Inconsistent,
    /// IPv6, more fragments follow, length not a multiple of 8 (RFC 8200).
    NotMultipleOf8,
    /// The source and destination are of different families.
    MixedFamilies,
}

/// What a [`Defragmenter`] reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefragEvent {
    /// A datagram is whole: an IP header (20-byte IPv4 without options, or
    /// 40-byte IPv6 with `next header` = the protocol) followed by the
    /// reassembled payload, ready for [`decode_datagram`].
    Complete {
        /// Its key.
        key: DefragKey,
        /// The rebuilt datagram.
        datagram: Vec<u8>,
        /// How many fragments made it.
        fragments: usize,
    },
    /// A datagram was discarded with everything held for it.
    Dropped {
        /// Its key.
        key: DefragKey,
        /// Why.
        reason: DropReason,
        /// Payload bytes that were held.
        bytes: usize,
        /// Fragments that were held.
        fragments: usize,
    },
    /// One fragment was not used.
    Ignored {
        /// Its key, when it has one.
        key: Option<DefragKey>,
        /// Why.
        reason: IgnoreReason,
    },
}

#[derive(Clone, Debug)]
struct Pending {
    deadline: Duration,
    expiry_slot: u64,
    protocol: IpNumber,
    /// The datagram's payload length, once the last fragment is in.
    total: Option<u32>,
    pieces: BTreeMap<u32, Vec<u8>>,
    bytes: usize,
    cost: usize,
}

/// Counters of a [`Defragmenter`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DefragStats {
    /// Datagrams completed.
    pub completed: u64,
    /// Datagrams dropped, per reason: overlap, timeout, memory cap, too long.
    pub dropped: [u64; 4],
    /// Fragments ignored.
    pub ignored: u64,
    /// The most held at once (bytes plus overheads).
    pub peak: usize,
}

/// IPv4 and IPv6 fragment reassembly.
///
/// IP defragmentation: fragments of IPv4 (RFC 791, with RFC 815's hole
/// bookkeeping) and IPv6 (RFC 8200 §4.5) datagrams put back together into one
/// datagram that [`wire::decode`](crate::wire::decode) reads again
/// ([`decode_datagram`]).
///
/// The [`Defragmenter`] is fed the facts the decoder reports for a fragment
/// ([`Fragment`]: addresses, identification, offset, more-fragments bit,
/// protocol) and the fragment's payload bytes, with the capture time; or,
/// simpler, it is given whole captured frames
/// ([`Defragmenter::push_frame`]), reads each fragment's payload where the
/// decoder says it lies ([`Fragment::payload`]) and returns the datagrams the
/// frame completes, nested fragments (a fragment inside a reassembled tunnel
/// datagram) included.
///
/// * **Keys** as the RFCs say: IPv4 (source, destination, protocol,
///   identification), RFC 791 §3.2; IPv6 (source, destination,
///   identification), RFC 8200 §4.5.
/// * **Timeouts** in capture time, counted from a datagram's first fragment:
///   30 s for IPv4 and 60 s for IPv6 by default (Linux's `ipfrag_time` and
///   RFC 8200's 60 s, also Linux's `ip6frag_time`).
/// * **Overlaps** as Linux has handled them since 4.19 (CVE-2018-5391,
///   `inet_frag_queue_insert`), for IPv4 and IPv6 alike: a fragment lying
///   wholly inside data already held is a duplicate and ignored; any other
///   overlap discards the whole datagram ([`DropReason::Overlap`]), as RFC 5722
///   requires for IPv6. Wireshark instead keeps the first bytes and flags the
///   overlap (`ip.fragment.overlap`); following the receiving kernel is what
///   an analyzer of Linux hosts needs, and it leaves no ambiguity to evade.
/// * **Inconsistent ends** as Linux: a last fragment (M = 0) that ends before
///   data already held, or a second last fragment with another end, or a
///   fragment beyond a known end, is ignored ([`DefragEvent::Ignored`]). A
///   non-last fragment whose length is not a multiple of 8 is cut to one
///   (IPv4, as Linux) or ignored (IPv6, RFC 8200). Empty fragments are ignored.
/// * **Memory**: every held fragment costs its bytes plus
///   [`CHUNK_OVERHEAD`], every datagram in progress [`DATAGRAM_OVERHEAD`];
///   a fragment that does not fit drops its datagram ([`DropReason::MemoryCap`]).
///
/// ```
/// use core::time::Duration;
/// use synack::reassembly::{DefragConfig, DefragEvent, Defragmenter};
/// use synack::wire::{Fragment, IpNumber};
///
/// let mut d = Defragmenter::new(DefragConfig::default());
/// let frag = |offset, more| Fragment {
///     source: "10.0.0.1".parse().unwrap(),
///     destination: "10.0.0.2".parse().unwrap(),
///     identification: 7,
///     offset,
///     more_fragments: more,
///     protocol: IpNumber::UDP,
///     payload_offset: 0,
///     payload_len: 0,
/// };
/// let mut done = Vec::new();
/// d.push(&frag(8, false), b"world", Duration::ZERO, &mut |e| {
///     if let DefragEvent::Complete { datagram, .. } = e { done.push(datagram) }
/// });
/// d.push(&frag(0, true), b"hello, w", Duration::ZERO, &mut |e| {
///     if let DefragEvent::Complete { datagram, .. } = e { done.push(datagram) }
/// });
/// // A 20-byte IPv4 header, then the 13 reassembled bytes.
/// assert_eq!(&done[0][20..], b"hello, wworld");
/// ```
#[derive(Clone, Debug)]
pub struct Defragmenter {
    config: DefragConfig,
    budget: Budget,
    pending: BTreeMap<DefragKey, Pending>,
    expiry: BTreeMap<(Duration, u64), DefragKey>,
    slot: u64,
    stats: DefragStats,
}

impl Defragmenter {
    /// An empty defragmenter.
    pub fn new(config: DefragConfig) -> Self {
        Defragmenter {
            config,
            budget: Budget::new(config.max_total),
            pending: BTreeMap::new(),
            expiry: BTreeMap::new(),
            slot: 0,
            stats: DefragStats::default(),
        }
    }

    /// Datagrams in progress.
    pub fn in_progress(&self) -> usize {
        self.pending.len()
    }

    /// What is held now, as counted against [`DefragConfig::max_total`].
    pub fn held_cost(&self) -> usize {
        self.budget.used()
    }

    /// Counters.
    pub fn stats(&self) -> &DefragStats {
        &self.stats
    }

    /// Drops every datagram whose deadline is before `now`.
    pub fn expire<F: FnMut(DefragEvent)>(&mut self, now: Duration, emit: &mut F) {
        while let Some(entry) = self.expiry.first_entry() {
            if entry.key().0 >= now {
                break;
            }
            let key = entry.remove();
            self.drop_datagram(key, DropReason::Timeout, emit);
        }
    }

    /// Feeds the IP fragments of one captured frame and returns the datagrams
    /// they complete, each ready for [`decode_datagram`], which yields its TCP
    /// segment as [`decode`] does for a frame.
    ///
    /// Every [`DecodeError::Fragment`] that [`decode_all`] reports for the
    /// frame is pushed with its payload
    /// ([`Fragment::payload`](crate::wire::Fragment::payload)), at whatever
    /// depth of encapsulation it lies. A completed datagram whose own decode
    /// is again a fragment (a fragmented inner IP header inside a reassembled
    /// tunnel datagram) is fed in turn, and only datagrams whose decode is not
    /// a fragment are returned. [`DefragEvent::Dropped`] and
    /// [`DefragEvent::Ignored`] go to `emit`; completions are the return value
    /// (and counted in [`stats`](Self::stats)). A frame without fragments
    /// costs one decode walk and returns an empty vector without allocating.
    ///
    /// ```
    /// use core::time::Duration;
    /// use synack::reassembly::{DefragConfig, Defragmenter, decode_datagram};
    /// use synack::wire::{Decoded, LinkType};
    ///
    /// // A TCP segment 1025 -> 80 (20-byte header, 4 bytes of data) in two
    /// // IPv4 fragments of a raw IP capture: 16 bytes at offset 0, then 8.
    /// let mut tcp = [0u8; 24];
    /// tcp[..4].copy_from_slice(&[0x04, 0x01, 0x00, 0x50]);
    /// tcp[12] = 0x50;
    /// tcp[20..].copy_from_slice(b"data");
    /// let fragment = |offset_units: u8, more: bool, data: &[u8]| {
    ///     let mut f = vec![0x45, 0, 0, 20 + data.len() as u8, 0, 9];
    ///     f.extend_from_slice(&[if more { 0x20 } else { 0 }, offset_units, 64, 6, 0, 0]);
    ///     f.extend_from_slice(&[192, 0, 2, 1, 192, 0, 2, 2]);
    ///     f.extend_from_slice(data);
    ///     f
    /// };
    /// let mut defrag = Defragmenter::new(DefragConfig::default());
    /// let first = fragment(0, true, &tcp[..16]);
    /// let last = fragment(2, false, &tcp[16..]);
    /// let t = Duration::ZERO;
    /// assert!(defrag.push_frame(LinkType::RAW, &first, t, &mut |_| {}).is_empty());
    /// let done = defrag.push_frame(LinkType::RAW, &last, t, &mut |_| {});
    /// let Decoded::Tcp(segment) = decode_datagram(&done[0]) else { panic!() };
    /// assert_eq!(segment.destination().port(), 80);
    /// assert_eq!(segment.payload, b"data");
    /// ```
    pub fn push_frame<F: FnMut(DefragEvent)>(
        &mut self,
        link_type: LinkType,
        frame: &[u8],
        time: Duration,
        emit: &mut F,
    ) -> Vec<Vec<u8>> {
        let mut done = Vec::new();
        for decoded in decode_all(link_type, frame) {
            if let Decoded::Error(DecodeError::Fragment(f)) = decoded {
                self.push_completing(&f, frame, time, emit, &mut done);
            }
        }
        // Reassembled datagrams that are fragments themselves are fed in
        // turn; each completion removes held bytes, so this ends.
        let mut out = Vec::new();
        while let Some(datagram) = done.pop() {
            if let Decoded::Error(DecodeError::Fragment(f)) = decode_datagram(&datagram) {
                self.push_completing(&f, &datagram, time, emit, &mut done);
            } else {
                out.push(datagram);
            }
        }
        out.reverse();
        out
    }

    /// Pushes `fragment` (its payload read from `frame`), collecting a
    /// completed datagram into `done` and passing other events to `emit`.
    fn push_completing<F: FnMut(DefragEvent)>(
        &mut self,
        fragment: &Fragment,
        frame: &[u8],
        time: Duration,
        emit: &mut F,
        done: &mut Vec<Vec<u8>>,
    ) {
        let Some(payload) = fragment.payload(frame) else {
            return;
        };
        self.push(fragment, payload, time, &mut |e| match e {
            DefragEvent::Complete { datagram, .. } => done.push(datagram),
            other => emit(other),
        });
    }

    /// Feeds one fragment and its payload (the bytes after the IPv4 header or
    /// after the IPv6 fragment header), captured at `time`. Expires what is
    /// overdue first.
    pub fn push<F: FnMut(DefragEvent)>(
        &mut self,
        fragment: &Fragment,
        payload: &[u8],
        time: Duration,
        emit: &mut F,
    ) {
        self.expire(time, emit);
        let Some(key) = DefragKey::of(fragment) else {
            self.ignore(None, IgnoreReason::MixedFamilies, emit);
            return;
        };
        let v4 = matches!(key, DefragKey::V4 { .. });
        let offset = u32::from(fragment.offset);
        let mut len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
        if fragment.more_fragments && len % 8 != 0 {
            if v4 {
                len &= !7;
            } else {
                self.ignore(Some(key), IgnoreReason::NotMultipleOf8, emit);
                return;
            }
        }
        if len == 0 {
            self.ignore(Some(key), IgnoreReason::Empty, emit);
            return;
        }
        let end = offset.saturating_add(len);
        let limit = if v4 { MAX_LEN - IPV4_HEADER } else { MAX_LEN };
        if end > limit {
            if self.pending.contains_key(&key) {
                self.drop_datagram(key, DropReason::TooLong, emit);
            } else {
                self.count_drop(DropReason::TooLong);
                emit(DefragEvent::Dropped {
                    key,
                    reason: DropReason::TooLong,
                    bytes: 0,
                    fragments: 0,
                });
            }
            return;
        }
        let bytes = payload.get(..len as usize).unwrap_or(payload);
        if !self.pending.contains_key(&key) {
            if !self.budget.try_charge(DATAGRAM_OVERHEAD) {
                self.count_drop(DropReason::MemoryCap);
                emit(DefragEvent::Dropped {
                    key,
                    reason: DropReason::MemoryCap,
                    bytes: 0,
                    fragments: 0,
                });
                return;
            }
            let timeout = if v4 {
                self.config.timeout_v4
            } else {
                self.config.timeout_v6
            };
            let deadline = time.saturating_add(timeout);
            self.slot += 1;
            self.expiry.insert((deadline, self.slot), key);
            self.pending.insert(
                key,
                Pending {
                    deadline,
                    expiry_slot: self.slot,
                    protocol: fragment.protocol,
                    total: None,
                    pieces: BTreeMap::new(),
                    bytes: 0,
                    cost: DATAGRAM_OVERHEAD,
                },
            );
        }
        let Some(p) = self.pending.get_mut(&key) else {
            return;
        };
        // Ends, as Linux's ip_frag_queue checks them.
        let held_end = p
            .pieces
            .last_key_value()
            .map_or(0, |(&s, v)| s.saturating_add(v.len() as u32));
        if !fragment.more_fragments {
            if end < held_end || p.total.is_some_and(|t| t != end) {
                self.ignore(Some(key), IgnoreReason::Inconsistent, emit);
                return;
            }
        } else if p.total.is_some_and(|t| end > t) {
            self.ignore(Some(key), IgnoreReason::Inconsistent, emit);
            return;
        }
        // Overlap: a duplicate wholly inside contiguous held data is ignored,
        // anything else discards the datagram.
        let mut overlaps = false;
        let mut covered_to = offset;
        let mut contiguous = true;
        let before = p.pieces.range(..offset).next_back();
        let inside = p.pieces.range(offset..end);
        for (&s, v) in before.into_iter().chain(inside) {
            let e = s.saturating_add(v.len() as u32);
            if e <= offset || s >= end {
                continue;
            }
            overlaps = true;
            if s > covered_to {
                contiguous = false;
            }
            covered_to = covered_to.max(e);
        }
        if overlaps {
            if contiguous && covered_to >= end {
                self.ignore(Some(key), IgnoreReason::Duplicate, emit);
            } else {
                self.drop_datagram(key, DropReason::Overlap, emit);
            }
            return;
        }
        let cost = bytes.len().saturating_add(CHUNK_OVERHEAD);
        if !self.budget.try_charge(cost) {
            self.drop_datagram(key, DropReason::MemoryCap, emit);
            return;
        }
        self.stats.peak = self.stats.peak.max(self.budget.used());
        if offset == 0 {
            p.protocol = fragment.protocol;
        }
        if !fragment.more_fragments {
            p.total = Some(end);
        }
        p.pieces.insert(offset, bytes.to_vec());
        p.bytes += bytes.len();
        p.cost += cost;
        // Complete?
        let Some(total) = p.total else {
            return;
        };
        let mut next = 0u32;
        for (&s, v) in &p.pieces {
            if s != next {
                return;
            }
            next = s.saturating_add(v.len() as u32);
        }
        if next != total {
            return;
        }
        let Some(p) = self.pending.remove(&key) else {
            return;
        };
        self.expiry.remove(&(p.deadline, p.expiry_slot));
        self.budget.release(p.cost);
        self.stats.completed += 1;
        let fragments = p.pieces.len();
        let mut datagram = header(&key, p.protocol, total);
        for v in p.pieces.into_values() {
            datagram.extend_from_slice(&v);
        }
        emit(DefragEvent::Complete {
            key,
            datagram,
            fragments,
        });
    }

    fn ignore<F: FnMut(DefragEvent)>(
        &mut self,
        key: Option<DefragKey>,
        reason: IgnoreReason,
        emit: &mut F,
    ) {
        self.stats.ignored += 1;
        emit(DefragEvent::Ignored { key, reason });
    }

    fn count_drop(&mut self, reason: DropReason) {
        let i = match reason {
            DropReason::Overlap => 0,
            DropReason::Timeout => 1,
            DropReason::MemoryCap => 2,
            DropReason::TooLong => 3,
        };
        if let Some(n) = self.stats.dropped.get_mut(i) {
            *n += 1;
        }
    }

    fn drop_datagram<F: FnMut(DefragEvent)>(
        &mut self,
        key: DefragKey,
        reason: DropReason,
        emit: &mut F,
    ) {
        if let Some(p) = self.pending.remove(&key) {
            self.expiry.remove(&(p.deadline, p.expiry_slot));
            self.budget.release(p.cost);
            self.count_drop(reason);
            emit(DefragEvent::Dropped {
                key,
                reason,
                bytes: p.bytes,
                fragments: p.pieces.len(),
            });
        }
    }
}

/// The IP header put in front of a reassembled payload of `len` bytes.
fn header(key: &DefragKey, protocol: IpNumber, len: u32) -> Vec<u8> {
    let mut h = Vec::with_capacity(40 + len as usize);
    match key {
        DefragKey::V4 {
            source,
            destination,
            identification,
            ..
        } => {
            // Fits: push() refuses payloads beyond 65535 - 20.
            let total = (len + IPV4_HEADER) as u16;
            h.extend_from_slice(&[0x45, 0]);
            h.extend_from_slice(&total.to_be_bytes());
            h.extend_from_slice(&identification.to_be_bytes());
            h.extend_from_slice(&[0, 0, 64, protocol.0, 0, 0]);
            h.extend_from_slice(&source.octets());
            h.extend_from_slice(&destination.octets());
            let sum = internet_checksum(&h);
            if let Some(c) = h.get_mut(10..12) {
                c.copy_from_slice(&sum.to_be_bytes());
            }
        }
        DefragKey::V6 {
            source,
            destination,
            ..
        } => {
            h.extend_from_slice(&[0x60, 0, 0, 0]);
            h.extend_from_slice(&(len as u16).to_be_bytes());
            h.extend_from_slice(&[protocol.0, 64]);
            h.extend_from_slice(&source.octets());
            h.extend_from_slice(&destination.octets());
        }
    }
    h
}

/// Decodes a datagram from [`DefragEvent::Complete`] down to its TCP segment,
/// as [`decode`] does a captured frame (raw IP link type), tunnels included:
/// a reassembled outer datagram of a tunnel yields the inner segment.
pub fn decode_datagram(datagram: &[u8]) -> Decoded<'_> {
    decode(LinkType::RAW, datagram)
}

#[cfg(test)]
mod test {
    use super::*;
    use alloc::vec;

    fn frag(offset: u16, more: bool, id: u32) -> Fragment {
        Fragment {
            source: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
            destination: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
            identification: id,
            offset,
            more_fragments: more,
            protocol: IpNumber::TCP,
            payload_offset: 0,
            payload_len: 0,
        }
    }

    fn run(d: &mut Defragmenter, f: &Fragment, p: &[u8], t: u64) -> Vec<DefragEvent> {
        let mut ev = Vec::new();
        d.push(f, p, Duration::from_secs(t), &mut |e| ev.push(e));
        ev
    }

    fn complete(ev: &[DefragEvent]) -> Option<&[u8]> {
        ev.iter().find_map(|e| match e {
            DefragEvent::Complete { datagram, .. } => datagram.get(20..),
            _ => None,
        })
    }

    #[test]
    fn any_order_completes_and_frees_everything() {
        let mut d = Defragmenter::new(DefragConfig::default());
        assert!(run(&mut d, &frag(16, false, 1), b"CC", 0).is_empty());
        assert!(run(&mut d, &frag(0, true, 1), b"AAAAAAAA", 0).is_empty());
        let ev = run(&mut d, &frag(8, true, 1), b"BBBBBBBB", 0);
        assert_eq!(complete(&ev), Some(&b"AAAAAAAABBBBBBBBCC"[..]));
        assert_eq!((d.in_progress(), d.held_cost()), (0, 0));
        // The header is valid: total length 38, checksum verifies.
        let DefragEvent::Complete { datagram, .. } = &ev[0] else {
            panic!()
        };
        assert_eq!(&datagram[2..4], &38u16.to_be_bytes());
        assert_eq!(internet_checksum(&datagram[..20]), 0);
    }

    #[test]
    fn overlap_drops_duplicate_is_ignored() {
        let mut d = Defragmenter::new(DefragConfig::default());
        run(&mut d, &frag(0, true, 1), b"AAAAAAAABBBBBBBB", 0);
        let ev = run(&mut d, &frag(8, true, 1), b"BBBBBBBB", 0);
        assert_eq!(
            ev,
            vec![DefragEvent::Ignored {
                key: DefragKey::of(&frag(0, true, 1)),
                reason: IgnoreReason::Duplicate
            }]
        );
        // Teardrop: starts inside, ends beyond.
        let ev = run(&mut d, &frag(8, true, 1), b"XXXXXXXXYYYYYYYY", 0);
        assert!(matches!(
            ev[..],
            [DefragEvent::Dropped {
                reason: DropReason::Overlap,
                bytes: 16,
                fragments: 1,
                ..
            }]
        ));
        assert_eq!((d.in_progress(), d.held_cost()), (0, 0));
    }

    #[test]
    fn timeout_in_capture_time() {
        let mut d = Defragmenter::new(DefragConfig::default());
        run(&mut d, &frag(0, true, 1), b"AAAAAAAA", 0);
        let ev = run(&mut d, &frag(8, false, 1), b"B", 31);
        assert!(matches!(
            ev[0],
            DefragEvent::Dropped {
                reason: DropReason::Timeout,
                ..
            }
        ));
        // The late fragment starts a new datagram.
        assert_eq!(d.in_progress(), 1);
    }

    #[test]
    fn memory_cap_drops_with_an_event() {
        let mut d = Defragmenter::new(DefragConfig {
            max_total: DATAGRAM_OVERHEAD + CHUNK_OVERHEAD + 8,
            ..DefragConfig::default()
        });
        assert!(run(&mut d, &frag(0, true, 1), b"AAAAAAAA", 0).is_empty());
        let ev = run(&mut d, &frag(8, true, 1), b"BBBBBBBB", 0);
        assert!(matches!(
            ev[0],
            DefragEvent::Dropped {
                reason: DropReason::MemoryCap,
                ..
            }
        ));
        assert_eq!(d.held_cost(), 0);
    }

    #[test]
    fn inconsistent_ends_are_ignored_and_v4_odd_lengths_cut() {
        let mut d = Defragmenter::new(DefragConfig::default());
        // Cut to 8 bytes (a non-last IPv4 fragment's length counts in 8-byte
        // units); held, with its cost charged.
        assert!(run(&mut d, &frag(0, true, 1), b"AAAAAAAAzz", 0).is_empty());
        assert_eq!(d.in_progress(), 1);
        assert_eq!(d.held_cost(), DATAGRAM_OVERHEAD + CHUNK_OVERHEAD + 8);
        let ev = run(&mut d, &frag(8, false, 1), b"BB", 0);
        assert_eq!(complete(&ev), Some(&b"AAAAAAAABB"[..]));
        assert_eq!((d.in_progress(), d.held_cost()), (0, 0));
        let ev = run(&mut d, &frag(8, false, 2), b"BB", 0);
        assert!(ev.is_empty());
        let ev = run(&mut d, &frag(16, false, 2), b"BB", 0);
        assert!(matches!(
            ev[0],
            DefragEvent::Ignored {
                reason: IgnoreReason::Inconsistent,
                ..
            }
        ));
        let ev = run(&mut d, &frag(0, true, 2), b"AAAAAAAA", 0);
        assert_eq!(complete(&ev), Some(&b"AAAAAAAABB"[..]));
    }

    fn ignored(ev: &[DefragEvent]) -> Option<IgnoreReason> {
        match ev {
            [DefragEvent::Ignored { reason, .. }] => Some(*reason),
            _ => None,
        }
    }

    #[test]
    fn ends_are_checked_as_linux_does() {
        let mut d = Defragmenter::new(DefragConfig::default());
        // A last fragment ending before data already held.
        run(&mut d, &frag(16, true, 1), b"CCCCCCCC", 0);
        let ev = run(&mut d, &frag(0, false, 1), b"AAAAAAAA", 0);
        assert_eq!(ignored(&ev), Some(IgnoreReason::Inconsistent));
        // A last fragment ending exactly where held data ends is no
        // inconsistency: a copy of the held piece is a duplicate.
        let ev = run(&mut d, &frag(16, false, 1), b"CCCCCCCC", 0);
        assert_eq!(ignored(&ev), Some(IgnoreReason::Duplicate));

        // Once the end is known, a fragment with more to come may end at it
        // (here a copy of the last piece: a duplicate) but not past it.
        run(&mut d, &frag(8, false, 2), b"BBBBBBBB", 0);
        let ev = run(&mut d, &frag(8, true, 2), b"BBBBBBBB", 0);
        assert_eq!(ignored(&ev), Some(IgnoreReason::Duplicate));
        let ev = run(&mut d, &frag(16, true, 2), b"CCCCCCCC", 0);
        assert_eq!(ignored(&ev), Some(IgnoreReason::Inconsistent));
        let ev = run(&mut d, &frag(0, true, 2), b"AAAAAAAA", 0);
        assert_eq!(complete(&ev), Some(&b"AAAAAAAABBBBBBBB"[..]));
    }

    #[test]
    fn the_protocol_is_the_first_fragments() {
        // IPv6's key has no protocol: each fragment header names the next
        // header, and RFC 8200 §4.5 takes the first fragment's.
        let frag6 = |offset, more, protocol| Fragment {
            source: IpAddr::V6(Ipv6Addr::LOCALHOST),
            destination: IpAddr::V6(Ipv6Addr::LOCALHOST),
            identification: 7,
            offset,
            more_fragments: more,
            protocol,
            payload_offset: 0,
            payload_len: 0,
        };
        let mut d = Defragmenter::new(DefragConfig::default());
        assert!(run(&mut d, &frag6(8, false, IpNumber::UDP), b"BBBB", 0).is_empty());
        let ev = run(&mut d, &frag6(0, true, IpNumber::TCP), b"AAAAAAAA", 0);
        let [DefragEvent::Complete { datagram, .. }] = &ev[..] else {
            panic!("{ev:?}")
        };
        // The IPv6 header's next header, then the 12 bytes of data.
        assert_eq!(datagram[6], IpNumber::TCP.0);
        assert_eq!(&datagram[40..], b"AAAAAAAABBBB");
    }

    #[test]
    fn counters_count_each_outcome() {
        let mut d = Defragmenter::new(DefragConfig {
            max_total: DATAGRAM_OVERHEAD + CHUNK_OVERHEAD + 8,
            ..DefragConfig::default()
        });
        // Completed: two one-fragment datagrams.
        run(&mut d, &frag(0, false, 1), b"A", 0);
        run(&mut d, &frag(0, false, 2), b"A", 0);
        // Ignored: three fragments empty once cut to 8-byte units.
        for id in 3..6 {
            run(&mut d, &frag(0, true, id), b"A", 0);
        }
        // Dropped: one overlap, two timeouts, three memory caps, two too long.
        run(&mut d, &frag(0, true, 10), b"AAAAAAAA", 0);
        run(&mut d, &frag(4, true, 10), b"BBBBBBBB", 0);
        run(&mut d, &frag(0, true, 11), b"AAAAAAAA", 0);
        run(&mut d, &frag(0, true, 12), b"AAAAAAAA", 100); // 11 expires
        for id in 13..16 {
            run(&mut d, &frag(0, true, id), b"AAAAAAAA", 100); // 12 holds the budget
        }
        run(&mut d, &frag(0, true, 16), b"AAAAAAAA", 200); // 12 expires
        run(&mut d, &frag(65528, false, 17), b"0123456789", 200);
        run(&mut d, &frag(65528, false, 18), b"0123456789", 200);
        let s = *d.stats();
        assert_eq!((s.completed, s.dropped, s.ignored), (2, [1, 2, 3, 2], 3));
        assert_eq!(s.peak, DATAGRAM_OVERHEAD + CHUNK_OVERHEAD + 8);
    }

    #[test]
    fn a_datagram_ending_at_the_longest_length_is_held() {
        // IPv4: 65,535 bytes with its 20-byte header, so data may end at 65,515.
        let mut d = Defragmenter::new(DefragConfig::default());
        assert!(run(&mut d, &frag(65512, false, 1), b"xyz", 0).is_empty());
        assert_eq!(d.in_progress(), 1);
        // One byte more is too long.
        let ev = run(&mut d, &frag(65512, false, 2), b"wxyz", 0);
        assert!(matches!(
            ev[..],
            [DefragEvent::Dropped {
                reason: DropReason::TooLong,
                ..
            }]
        ));
        assert_eq!(d.in_progress(), 1);
    }

    #[test]
    fn too_long_is_dropped() {
        let mut d = Defragmenter::new(DefragConfig::default());
        let ev = run(&mut d, &frag(65528, false, 1), b"0123456789", 0);
        assert!(matches!(
            ev[0],
            DefragEvent::Dropped {
                reason: DropReason::TooLong,
                ..
            }
        ));
    }

    /// An IPv4 header 192.0.2.1 -> 192.0.2.2 (no options) and `payload`.
    fn ipv4(protocol: u8, id: u16, more: bool, offset_units: u16, payload: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&[0x45, 0]);
        v.extend_from_slice(&((20 + payload.len()) as u16).to_be_bytes());
        v.extend_from_slice(&id.to_be_bytes());
        v.extend_from_slice(&(offset_units | if more { 0x2000 } else { 0 }).to_be_bytes());
        v.extend_from_slice(&[64, protocol, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2]);
        v.extend_from_slice(payload);
        v
    }

    fn ethernet(ip: &[u8]) -> Vec<u8> {
        let mut v = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
        v.extend_from_slice(ip);
        v
    }

    #[test]
    fn push_frame_reassembles_nested_fragments() {
        // TCP 1025 -> 80, 20-byte header and "data", cut into two inner
        // fragments (16 bytes at 0, 8 at 16) carried in GRE over IPv4.
        let mut tcp = [0u8; 24];
        tcp[..4].copy_from_slice(&[0x04, 0x01, 0x00, 0x50]);
        tcp[12] = 0x50;
        tcp[20..].copy_from_slice(b"data");
        let gre = [0, 0, 0x08, 0x00];
        let inner_first = ipv4(6, 5, true, 0, &tcp[..16]);
        let inner_last = ipv4(6, 5, false, 2, &tcp[16..]);
        // Frame 1: the first inner fragment in an outer datagram that is
        // whole (Ethernet 14 + IPv4 20 + GRE 4 + IPv4 20: data at 58).
        let outer1 = ipv4(47, 1, false, 0, &[&gre[..], &inner_first].concat());
        let frame1 = ethernet(&outer1);
        // Frames 2 and 3: the outer datagram carrying the last inner
        // fragment (GRE 4 + IPv4 20 + 8 = 32 bytes) is itself fragmented in
        // two halves of 16 bytes.
        let outer_payload = [&gre[..], &inner_last].concat();
        let frame2 = ethernet(&ipv4(47, 2, true, 0, &outer_payload[..16]));
        let frame3 = ethernet(&ipv4(47, 2, false, 2, &outer_payload[16..]));

        let mut d = Defragmenter::new(DefragConfig::default());
        let mut events = Vec::new();
        let t = Duration::from_secs(1);
        let mut emit = |e| events.push(e);
        assert!(
            d.push_frame(LinkType::ETHERNET, &frame1, t, &mut emit)
                .is_empty()
        );
        assert!(
            d.push_frame(LinkType::ETHERNET, &frame2, t, &mut emit)
                .is_empty()
        );
        assert_eq!(d.in_progress(), 2);
        let done = d.push_frame(LinkType::ETHERNET, &frame3, t, &mut emit);
        assert_eq!(done.len(), 1);
        let Decoded::Tcp(segment) = decode_datagram(&done[0]) else {
            panic!("TCP")
        };
        assert_eq!(
            (segment.source().port(), segment.destination().port()),
            (1025, 80)
        );
        assert_eq!(segment.payload, b"data");
        assert_eq!((d.in_progress(), d.stats().completed), (0, 2));
        assert!(events.is_empty());
        // A frame without fragments: nothing.
        assert!(
            d.push_frame(
                LinkType::ETHERNET,
                &ethernet(&ipv4(6, 9, false, 0, &tcp)),
                t,
                &mut |_| {}
            )
            .is_empty()
        );
    }
}
