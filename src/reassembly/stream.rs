//! One direction of a TCP connection turned back into the byte stream its
//! sender wrote: [`StreamReassembler`].
//!
//! The reassembler is fed each segment of one direction (sequence number,
//! control bits, payload) in capture order and answers with
//! [`StreamEvent`]s through a callback. In-order payload is handed out as a
//! slice of the segment itself, without a copy; only data that arrives ahead of
//! a hole is copied into a buffer, and it is handed out once the hole is filled
//! or declared a [`Gap`](StreamEvent::Gap).
//!
//! Positions are *stream offsets*: a `u64` count of bytes from the first byte
//! of the stream (the byte after the SYN, or the first byte of the first
//! segment seen when the SYN was not captured), so they never wrap, whatever
//! the 32-bit sequence numbers do.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::flags::TcpFlags;
use crate::seq::SeqNum;
use crate::wire::DecodedSegment;

/// What is kept when two segments carry different bytes for the same sequence
/// numbers (a retransmission that is not a copy, or an overlap attack).
///
/// TCP stacks disagree, which is why an analyzer has to choose
/// (Ptacek & Newsham, *Insertion, Evasion, and Denial of Service*, 1998;
/// Novak & Sturges, *Target-Based TCP Stream Reassembly*, 2007, whose
/// per-OS policies Snort's stream5 and Suricata's `stream.reassembly`
/// `host-os-policy` implement):
///
/// * BSD, Linux and Windows keep the bytes they already hold in most cases
///   ("favour the original"); they differ only on a new segment that starts
///   *before* a queued one (BSD, Linux take the new bytes there) or starts at
///   the same number and ends after it (Linux takes the new one).
/// * Old Solaris and HP-UX kept the last bytes received for some overlaps
///   ("favour new"), Suricata's `last`.
/// * Wireshark's Follow TCP Stream keeps the first bytes it saw
///   (`check_follow_fragments` trims the already seen prefix of a segment).
///
/// Bytes already delivered are never taken back, under either policy: a
/// segment that overlaps delivered data is trimmed to what is new. The policy
/// decides only between bytes still held in the buffer and a new segment.
/// Whenever overlapping bytes differ, a [`StreamEvent::Conflict`] says where.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum OverlapPolicy {
    /// Keep the bytes received first (Wireshark's Follow TCP Stream,
    /// Suricata's `first`, and what BSD, Linux and Windows do in most cases).
    #[default]
    First,
    /// Keep the bytes received last (Suricata's `last`).
    Last,
}

/// Limits and policy of one direction's reassembly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StreamConfig {
    /// Overlap resolution.
    pub overlap: OverlapPolicy,
    /// The most out-of-order data one direction holds, counted as
    /// [`StreamReassembler::buffered_cost`] (bytes plus
    /// [`CHUNK_OVERHEAD`] per held piece). Data that would go beyond is not
    /// kept: [`StreamEvent::Dropped`].
    pub max_buffered: usize,
}

impl Default for StreamConfig {
    /// First-wins, 4 MiB per direction.
    fn default() -> Self {
        StreamConfig {
            overlap: OverlapPolicy::First,
            max_buffered: 4 << 20,
        }
    }
}

/// What one held piece of out-of-order data costs against the caps besides
/// its bytes (the allocation's and the ordered map's bookkeeping, rounded up),
/// so that a flood of one-byte segments is bounded as surely as a few large
/// ones.
pub const CHUNK_OVERHEAD: usize = 64;

/// A memory budget shared by many streams (or defragmentation queues): the
/// total cap. Each holder charges it when it buffers and credits it when it
/// lets go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Budget {
    limit: usize,
    used: usize,
}

impl Budget {
    /// A budget of `limit` bytes (counted as the holders count them).
    pub const fn new(limit: usize) -> Self {
        Budget { limit, used: 0 }
    }

    /// An unlimited budget.
    pub const fn unlimited() -> Self {
        Budget::new(usize::MAX)
    }

    /// The cap.
    pub const fn limit(&self) -> usize {
        self.limit
    }

    /// What is held now.
    pub const fn used(&self) -> usize {
        self.used
    }

    /// Charges `cost` if it fits; false (and nothing charged) otherwise.
    pub fn try_charge(&mut self, cost: usize) -> bool {
        match self.used.checked_add(cost) {
            Some(total) if total <= self.limit => {
                self.used = total;
                true
            }
            _ => false,
        }
    }

    /// Gives `cost` back.
    pub fn release(&mut self, cost: usize) {
        self.used = self.used.saturating_sub(cost);
    }
}

/// What the reassembler needs of a segment: its sequence number, control bits
/// and payload. Built from a decoded packet, from a tracker's answer, or by
/// hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamSegment<'a> {
    /// SEG.SEQ.
    pub seq: SeqNum,
    /// The control bits (SYN moves the payload one number on, FIN ends the
    /// stream after the payload, RST ends it at once).
    pub flags: TcpFlags,
    /// SEG.ACK, meaningful when `flags` has ACK. A direction ignores it; the
    /// connection-level [`Reassembler`](super::Reassembler) hands it to the
    /// other direction ([`StreamReassembler::acknowledged`]).
    pub ack: SeqNum,
    /// The TCP payload (what was captured of it).
    pub payload: &'a [u8],
    /// Payload bytes that were on the wire after `payload` but not captured
    /// (snapshot length); 0 normally. When the captured part is delivered in
    /// order they are reported at once as a [`StreamEvent::Gap`], and a FIN
    /// counts after them.
    pub cut: u32,
}

impl<'a> StreamSegment<'a> {
    /// The numbers and captured payload of a decoded packet; a payload cut by
    /// the snapshot length gives its captured bytes and the length of the cut
    /// part (reported as a gap).
    pub fn from_packet(packet: &DecodedSegment<'a>) -> Self {
        let captured = u32::try_from(packet.payload.len()).unwrap_or(u32::MAX);
        StreamSegment {
            seq: packet.header.sequence_number(),
            flags: packet.header.flags(),
            ack: packet.header.acknowledgment_number(),
            payload: packet.payload,
            cut: packet.payload_len.saturating_sub(captured),
        }
    }
}

/// What a direction reports, in stream order for data, gaps and the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamEvent<'a> {
    /// The next bytes of the stream, starting at `offset`. Borrowed from the
    /// segment just pushed when it arrived in order, otherwise from the
    /// buffer.
    Data {
        /// Stream offset of `bytes[0]`.
        offset: u64,
        /// The bytes.
        bytes: &'a [u8],
    },
    /// `len` bytes from `offset` were never seen (not captured) and are
    /// skipped; the next `Data` starts at `offset + len`.
    Gap {
        /// First missing byte.
        offset: u64,
        /// How many.
        len: u64,
    },
    /// The sender's FIN: the stream ends at `offset` (all bytes before it
    /// have been reported as data or gaps).
    Fin {
        /// The FIN's stream offset.
        offset: u64,
    },
    /// The sender reset the connection; the stream stops at `offset` (the
    /// bytes reported so far).
    Rst {
        /// Stream offset reached when the RST arrived.
        offset: u64,
    },
    /// `len` out-of-order bytes from `offset` were not kept because the
    /// direction's or the total memory cap was reached. If they are never
    /// sent again they will later be reported as a gap.
    Dropped {
        /// First byte not kept.
        offset: u64,
        /// How many.
        len: u64,
    },
    /// Two segments carried different bytes for the `len` bytes from
    /// `offset`; the [`OverlapPolicy`] chose which to keep.
    Conflict {
        /// First differing position of the overlap.
        offset: u64,
        /// Length of the overlap.
        len: u64,
    },
}

/// Counters of one direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct StreamStats {
    /// Bytes reported as [`StreamEvent::Data`].
    pub delivered: u64,
    /// Gaps reported.
    pub gaps: u64,
    /// Bytes reported missing.
    pub gap_bytes: u64,
    /// Payload bytes that were already delivered or held, or lie before the
    /// stream's start (retransmissions). Once a direction is flushed, every
    /// payload byte pushed is counted once: delivered, duplicate or dropped.
    pub duplicate_bytes: u64,
    /// Overlapping bytes that differed.
    pub conflict_bytes: u64,
    /// Bytes not kept because of a memory cap.
    pub dropped_bytes: u64,
    /// The most [`StreamReassembler::buffered_cost`] reached.
    pub peak_buffered: usize,
}

/// One direction's reassembly state.
///
/// One direction of a TCP connection turned back into the byte stream its
/// sender wrote: [`StreamReassembler`].
///
/// The reassembler is fed each segment of one direction (sequence number,
/// control bits, payload) in capture order and answers with
/// [`StreamEvent`]s through a callback. In-order payload is handed out as a
/// slice of the segment itself, without a copy; only data that arrives ahead of
/// a hole is copied into a buffer, and it is handed out once the hole is filled
/// or declared a [`Gap`](StreamEvent::Gap).
///
/// Positions are *stream offsets*: a `u64` count of bytes from the first byte
/// of the stream (the byte after the SYN, or the first byte of the first
/// segment seen when the SYN was not captured), so they never wrap, whatever
/// the 32-bit sequence numbers do.
#[derive(Clone, Debug, Default)]
pub struct StreamReassembler {
    config: StreamConfig,
    /// Sequence number of the next expected byte, once anchored.
    next_seq: Option<SeqNum>,
    /// Stream offset of the next expected byte.
    next: u64,
    /// Out-of-order data: non-overlapping pieces, each starting after `next`.
    held: BTreeMap<u64, Vec<u8>>,
    cost: usize,
    fin: Option<u64>,
    fin_reported: bool,
    reset: bool,
    stats: StreamStats,
}

fn piece_cost(len: usize) -> usize {
    len.saturating_add(CHUNK_OVERHEAD)
}

fn len64(bytes: &[u8]) -> u64 {
    bytes.len() as u64
}

/// `bytes[from..to]` with offsets relative to `base`, empty when out of range.
fn sub(bytes: &[u8], base: u64, from: u64, to: u64) -> &[u8] {
    let a = usize::try_from(from.saturating_sub(base)).unwrap_or(usize::MAX);
    let b = usize::try_from(to.saturating_sub(base)).unwrap_or(usize::MAX);
    bytes.get(a..b.min(bytes.len())).unwrap_or(&[])
}

/// The overlap length when two views of the same bytes differ.
fn conflict(held: &[u8], new: &[u8]) -> Option<u64> {
    let len = len64(held).min(len64(new));
    (held != new && len > 0).then_some(len)
}

impl StreamReassembler {
    /// An empty direction; it anchors its offsets on the first segment pushed.
    pub fn new(config: StreamConfig) -> Self {
        StreamReassembler {
            config,
            ..StreamReassembler::default()
        }
    }

    /// The configuration.
    pub fn config(&self) -> &StreamConfig {
        &self.config
    }

    /// The stream offset of the next byte expected (= bytes reported as data
    /// or gaps so far).
    pub fn next_offset(&self) -> u64 {
        self.next
    }

    /// The sequence number of the next byte expected, once a segment has been
    /// seen.
    pub fn next_seq(&self) -> Option<SeqNum> {
        self.next_seq
    }

    /// Out-of-order bytes held now.
    pub fn buffered_bytes(&self) -> usize {
        self.held.values().map(Vec::len).sum()
    }

    /// What the held data counts against the caps: bytes plus
    /// [`CHUNK_OVERHEAD`] per piece.
    pub fn buffered_cost(&self) -> usize {
        self.cost
    }

    /// Counters.
    pub fn stats(&self) -> &StreamStats {
        &self.stats
    }

    /// True once a FIN has been reported or a RST seen.
    pub fn is_finished(&self) -> bool {
        self.fin_reported || self.reset
    }

    /// The stream offset of sequence number `seq`, negative when it lies
    /// before the stream's start; `None` before the first segment.
    pub fn offset_of(&self, seq: SeqNum) -> Option<i64> {
        let next_seq = self.next_seq?;
        let next = i64::try_from(self.next).unwrap_or(i64::MAX);
        Some(next.saturating_add(i64::from(next_seq.distance(seq))))
    }

    /// Feeds one segment of this direction, charging out-of-order data to
    /// `budget` (the total cap shared with other streams). Events go to `emit`.
    pub fn push<'s, F>(&mut self, segment: StreamSegment<'s>, budget: &mut Budget, emit: &mut F)
    where
        F: FnMut(StreamEvent<'_>),
    {
        let syn = segment.flags.contains(TcpFlags::SYN);
        let data_seq = if syn {
            segment.seq.wrapping_add(1)
        } else {
            segment.seq
        };
        if self.next_seq.is_none() {
            self.next_seq = Some(data_seq);
        }
        let Some(start) = self.offset_of(data_seq) else {
            return;
        };
        let len = len64(segment.payload);
        let end = start.saturating_add(i64::try_from(len).unwrap_or(i64::MAX));
        let wire_end = end.saturating_add(i64::from(segment.cut));
        if segment.flags.contains(TcpFlags::FIN) && self.fin.is_none() && wire_end >= 0 {
            self.fin = Some(wire_end.unsigned_abs());
        }
        if len > 0 && end > 0 {
            // Trim what lies before the start of the stream.
            let skip = start.min(0).unsigned_abs();
            self.stats.duplicate_bytes += skip;
            let payload = sub(segment.payload, 0, skip, len);
            let start = start.max(0).unsigned_abs();
            self.data(start, payload, budget, emit);
        } else if len > 0 {
            self.stats.duplicate_bytes += len;
        }
        if segment.cut > 0 && end >= 0 && self.next == end.unsigned_abs() {
            // The captured part ends where the stream stands: the cut part is
            // the next hole.
            self.gap_to(wire_end.unsigned_abs(), emit);
            self.drain(budget, emit);
        }
        self.report_fin(emit);
        if segment.flags.contains(TcpFlags::RST) && !self.reset {
            self.reset = true;
            emit(StreamEvent::Rst { offset: self.next });
        }
    }

    /// The peer acknowledged up to `ack`: if out-of-order data is held below
    /// it, the bytes before that data were received by the peer but not
    /// captured, so they are reported as a [`StreamEvent::Gap`] and the held
    /// data delivered (Wireshark's ACK-driven gap rule, `check_follow_fragments`).
    pub fn acknowledged<F>(&mut self, ack: SeqNum, budget: &mut Budget, emit: &mut F)
    where
        F: FnMut(StreamEvent<'_>),
    {
        let Some(ack_off) = self.offset_of(ack) else {
            return;
        };
        while let Some((&first, _)) = self.held.first_key_value() {
            let below = i64::try_from(first).is_ok_and(|f| f < ack_off);
            if !below {
                break;
            }
            self.gap_to(first, emit);
            self.drain(budget, emit);
        }
        self.report_fin(emit);
    }

    /// Ends the direction (connection closed, evicted or capture over):
    /// everything held is reported, with gaps for the holes, then the FIN if
    /// one was seen (after a gap up to it when bytes before it are missing).
    pub fn flush<F>(&mut self, budget: &mut Budget, emit: &mut F)
    where
        F: FnMut(StreamEvent<'_>),
    {
        while let Some((&first, _)) = self.held.first_key_value() {
            self.gap_to(first, emit);
            self.drain(budget, emit);
        }
        if let Some(fin) = self.fin {
            self.gap_to(fin, emit);
        }
        self.report_fin(emit);
    }

    fn gap_to<F: FnMut(StreamEvent<'_>)>(&mut self, to: u64, emit: &mut F) {
        if to > self.next {
            let len = to - self.next;
            emit(StreamEvent::Gap {
                offset: self.next,
                len,
            });
            self.stats.gaps += 1;
            self.stats.gap_bytes += len;
            self.advance(to);
        }
    }

    fn advance(&mut self, to: u64) {
        if to > self.next {
            let by = to - self.next;
            if let Some(seq) = self.next_seq.as_mut() {
                // Sequence numbers are modulo 2^32: truncation is the point.
                *seq = seq.wrapping_add(by as u32);
            }
            self.next = to;
        }
    }

    fn report_fin<F: FnMut(StreamEvent<'_>)>(&mut self, emit: &mut F) {
        if let Some(fin) = self.fin
            && !self.fin_reported
            && self.next >= fin
        {
            self.fin_reported = true;
            emit(StreamEvent::Fin { offset: fin });
        }
    }

    fn emit_data<F: FnMut(StreamEvent<'_>)>(&mut self, offset: u64, bytes: &[u8], emit: &mut F) {
        if !bytes.is_empty() {
            self.stats.delivered += len64(bytes);
            emit(StreamEvent::Data { offset, bytes });
        }
    }

    /// Payload starting at `start` (>= 0), already trimmed of bytes before the
    /// stream start.
    fn data<F>(&mut self, start: u64, payload: &[u8], budget: &mut Budget, emit: &mut F)
    where
        F: FnMut(StreamEvent<'_>),
    {
        let end = start.saturating_add(len64(payload));
        if end <= self.next {
            self.stats.duplicate_bytes += len64(payload);
            return;
        }
        if start > self.next {
            self.hold(start, payload, budget, emit);
            return;
        }
        // In order (possibly with an already delivered prefix).
        self.stats.duplicate_bytes += self.next - start;
        let mut cursor = self.next;
        match self.config.overlap {
            OverlapPolicy::First => {
                // Held pieces inside [cursor, end) win over the new bytes.
                while let Some(entry) = self.held.first_entry() {
                    let s = *entry.key();
                    if s >= end {
                        break;
                    }
                    let piece = entry.remove();
                    self.release(piece.len(), budget);
                    let piece_end = s.saturating_add(len64(&piece));
                    if s > cursor {
                        self.emit_data(cursor, sub(payload, start, cursor, s), emit);
                        cursor = s;
                    }
                    let overlap_end = piece_end.min(end);
                    self.compare(
                        s.max(cursor),
                        sub(&piece, s, s.max(cursor), overlap_end),
                        sub(payload, start, s.max(cursor), overlap_end),
                        emit,
                    );
                    self.stats.duplicate_bytes += overlap_end.saturating_sub(s.max(cursor));
                    if piece_end > cursor {
                        self.emit_data(cursor, sub(&piece, s, cursor, piece_end), emit);
                        cursor = piece_end;
                    }
                }
                if end > cursor {
                    self.emit_data(cursor, sub(payload, start, cursor, end), emit);
                    cursor = end;
                }
                self.advance(cursor);
            }
            OverlapPolicy::Last => {
                self.emit_data(cursor, sub(payload, start, cursor, end), emit);
                cursor = end;
                self.advance(cursor);
                // Held pieces now (partly) behind `next` lose their prefix.
                while let Some(entry) = self.held.first_entry() {
                    let s = *entry.key();
                    if s >= end {
                        break;
                    }
                    let piece = entry.remove();
                    self.release(piece.len(), budget);
                    let piece_end = s.saturating_add(len64(&piece));
                    let overlap_end = piece_end.min(end);
                    self.compare(
                        s,
                        sub(&piece, s, s, overlap_end),
                        sub(payload, start, s, overlap_end),
                        emit,
                    );
                    self.stats.duplicate_bytes += overlap_end - s;
                    if piece_end > end {
                        self.emit_data(end, sub(&piece, s, end, piece_end), emit);
                        self.advance(piece_end);
                    }
                }
            }
        }
        self.drain(budget, emit);
    }

    /// Delivers held pieces that are now contiguous with `next`.
    fn drain<F>(&mut self, budget: &mut Budget, emit: &mut F)
    where
        F: FnMut(StreamEvent<'_>),
    {
        while let Some(entry) = self.held.first_entry() {
            let s = *entry.key();
            if s > self.next {
                break;
            }
            let piece = entry.remove();
            self.release(piece.len(), budget);
            let piece_end = s.saturating_add(len64(&piece));
            if piece_end > self.next {
                let from = self.next;
                self.stats.duplicate_bytes += from - s;
                self.emit_data(from, sub(&piece, s, from, piece_end), emit);
                self.advance(piece_end);
            } else {
                self.stats.duplicate_bytes += len64(&piece);
            }
        }
    }

    fn release(&mut self, len: usize, budget: &mut Budget) {
        let c = piece_cost(len);
        self.cost = self.cost.saturating_sub(c);
        budget.release(c);
    }

    fn compare<F: FnMut(StreamEvent<'_>)>(
        &mut self,
        at: u64,
        held: &[u8],
        new: &[u8],
        emit: &mut F,
    ) {
        if let Some(len) = conflict(held, new) {
            self.stats.conflict_bytes += len;
            emit(StreamEvent::Conflict { offset: at, len });
        }
    }

    /// Keeps one piece, within the caps.
    fn keep<F>(&mut self, at: u64, bytes: &[u8], budget: &mut Budget, emit: &mut F)
    where
        F: FnMut(StreamEvent<'_>),
    {
        if bytes.is_empty() {
            return;
        }
        let c = piece_cost(bytes.len());
        let fits = self
            .cost
            .checked_add(c)
            .is_some_and(|t| t <= self.config.max_buffered);
        if fits && budget.try_charge(c) {
            self.cost += c;
            self.stats.peak_buffered = self.stats.peak_buffered.max(self.cost);
            self.held.insert(at, bytes.to_vec());
        } else {
            self.stats.dropped_bytes += len64(bytes);
            emit(StreamEvent::Dropped {
                offset: at,
                len: len64(bytes),
            });
        }
    }

    /// Buffers out-of-order data (`start > next`) under the overlap policy.
    fn hold<F>(&mut self, start: u64, payload: &[u8], budget: &mut Budget, emit: &mut F)
    where
        F: FnMut(StreamEvent<'_>),
    {
        let end = start.saturating_add(len64(payload));
        // Held pieces that overlap [start, end): the one starting before
        // `start` (if it reaches in) and those starting inside.
        let mut overlapping: Vec<(u64, u64)> = Vec::new();
        if let Some((&s, v)) = self.held.range(..start).next_back() {
            let e = s.saturating_add(len64(v));
            if e > start {
                overlapping.push((s, e));
            }
        }
        for (&s, v) in self.held.range(start..end) {
            overlapping.push((s, s.saturating_add(len64(v))));
        }
        // Conflicts and duplicates, the same under both policies.
        for &(s, e) in &overlapping {
            let (a, b) = (s.max(start), e.min(end));
            let differ = self
                .held
                .get(&s)
                .and_then(|v| conflict(sub(v, s, a, b), sub(payload, start, a, b)));
            if let Some(len) = differ {
                self.stats.conflict_bytes += len;
                emit(StreamEvent::Conflict { offset: a, len });
            }
            self.stats.duplicate_bytes += b - a;
        }
        match self.config.overlap {
            OverlapPolicy::First => {
                let mut cursor = start;
                for &(s, e) in &overlapping {
                    if s > cursor {
                        self.keep(cursor, sub(payload, start, cursor, s), budget, emit);
                    }
                    cursor = cursor.max(e);
                }
                if end > cursor {
                    self.keep(cursor, sub(payload, start, cursor, end), budget, emit);
                }
            }
            OverlapPolicy::Last => {
                for &(s, e) in &overlapping {
                    let Some(v) = self.held.remove(&s) else {
                        continue;
                    };
                    self.release(v.len(), budget);
                    // Keep what sticks out on either side. Re-keeping a part
                    // of bytes already held cannot exceed the caps they
                    // were charged under unless other streams took the room
                    // in between; then the part is reported dropped.
                    if s < start {
                        self.keep(s, sub(&v, s, s, start), budget, emit);
                    }
                    if e > end {
                        self.keep(end, sub(&v, s, end, e), budget, emit);
                    }
                }
                self.keep(start, payload, budget, emit);
            }
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    #[test]
    fn budget_charges_up_to_its_limit() {
        let mut b = Budget::new(100);
        assert_eq!((b.limit(), b.used()), (100, 0));
        assert!(b.try_charge(60));
        assert!(!b.try_charge(41), "101 > 100: nothing charged");
        assert!(b.try_charge(40), "exactly the limit");
        assert_eq!(b.used(), 100);
        b.release(30);
        assert_eq!(b.used(), 70);
        b.release(1000);
        assert_eq!(b.used(), 0);
        let mut u = Budget::unlimited();
        assert_eq!(u.limit(), usize::MAX);
        assert!(u.try_charge(usize::MAX));
        assert!(!u.try_charge(1), "no overflow");
    }

    /// An owned copy of an event, for comparisons.
    #[derive(Debug, PartialEq, Eq)]
    enum Ev {
        Data(u64, Vec<u8>),
        Gap(u64, u64),
        Fin(u64),
        Rst(u64),
        Dropped(u64, u64),
        Conflict(u64, u64),
    }

    fn own(e: StreamEvent<'_>) -> Ev {
        match e {
            StreamEvent::Data { offset, bytes } => Ev::Data(offset, bytes.to_vec()),
            StreamEvent::Gap { offset, len } => Ev::Gap(offset, len),
            StreamEvent::Fin { offset } => Ev::Fin(offset),
            StreamEvent::Rst { offset } => Ev::Rst(offset),
            StreamEvent::Dropped { offset, len } => Ev::Dropped(offset, len),
            StreamEvent::Conflict { offset, len } => Ev::Conflict(offset, len),
        }
    }

    struct T {
        r: StreamReassembler,
        b: Budget,
        ev: Vec<Ev>,
    }

    impl T {
        fn new(policy: OverlapPolicy) -> Self {
            T {
                r: StreamReassembler::new(StreamConfig {
                    overlap: policy,
                    max_buffered: 1 << 20,
                }),
                b: Budget::unlimited(),
                ev: Vec::new(),
            }
        }
        fn seg(&mut self, seq: u32, flags: TcpFlags, payload: &[u8]) -> Vec<Ev> {
            self.cut(seq, flags, payload, 0)
        }
        /// A segment whose payload was cut by `cut` bytes.
        fn cut(&mut self, seq: u32, flags: TcpFlags, payload: &[u8], cut: u32) -> Vec<Ev> {
            let mut ev = Vec::new();
            self.r.push(
                StreamSegment {
                    seq: SeqNum(seq),
                    flags,
                    ack: SeqNum(0),
                    payload,
                    cut,
                },
                &mut self.b,
                &mut |e| ev.push(own(e)),
            );
            self.ev.extend(ev.iter().map(|e| match e {
                Ev::Data(o, d) => Ev::Data(*o, d.clone()),
                Ev::Gap(o, l) => Ev::Gap(*o, *l),
                Ev::Fin(o) => Ev::Fin(*o),
                Ev::Rst(o) => Ev::Rst(*o),
                Ev::Dropped(o, l) => Ev::Dropped(*o, *l),
                Ev::Conflict(o, l) => Ev::Conflict(*o, *l),
            }));
            ev
        }
        fn data(&mut self, seq: u32, payload: &[u8]) -> Vec<Ev> {
            self.seg(seq, TcpFlags::ACK, payload)
        }
        fn ack(&mut self, ack: u32) -> Vec<Ev> {
            let mut ev = Vec::new();
            self.r
                .acknowledged(SeqNum(ack), &mut self.b, &mut |e| ev.push(own(e)));
            ev
        }
        fn flush(&mut self) -> Vec<Ev> {
            let mut ev = Vec::new();
            self.r.flush(&mut self.b, &mut |e| ev.push(own(e)));
            ev
        }
    }

    #[test]
    fn config_is_the_one_given() {
        let config = StreamConfig {
            overlap: OverlapPolicy::Last,
            max_buffered: 77,
        };
        assert_eq!(StreamReassembler::new(config).config(), &config);
    }

    #[test]
    fn bytes_before_the_stream_start_are_duplicates() {
        let mut t = T::new(OverlapPolicy::First);
        assert_eq!(t.data(100, b"abcde"), vec![Ev::Data(0, b"abcde".to_vec())]);
        // Ends exactly at the start, then wholly before it.
        assert_eq!(t.data(90, b"0123456789"), vec![]);
        assert_eq!(t.data(80, b"01234"), vec![]);
        assert_eq!(t.r.stats().duplicate_bytes, 15);
        // Straddles it: 5 bytes before, 5 delivered already, 2 new.
        assert_eq!(
            t.data(95, b"vwxyzABCDEfg"),
            vec![Ev::Data(5, b"fg".to_vec())]
        );
        assert_eq!(t.r.stats().duplicate_bytes, 25);
        assert_eq!(t.data(95, b"vwxyz"), vec![]);
        assert_eq!(t.r.stats().duplicate_bytes, 30);
        assert_eq!(t.r.stats().delivered, 7);
        assert_eq!(t.r.next_offset(), 7);
    }

    #[test]
    fn a_cut_segment_before_the_start_reports_no_gap() {
        let mut t = T::new(OverlapPolicy::First);
        t.data(1000, b"abcde");
        // Captured 990..995, cut 995..1015: its captured part ends 5 bytes
        // before the stream's start, as far before as the stream has reached
        // after it; nothing of it is news.
        assert_eq!(t.cut(990, TcpFlags::ACK, b"01234", 20), vec![]);
        assert_eq!((t.r.stats().gaps, t.r.stats().duplicate_bytes), (0, 5));
        assert_eq!(t.r.next_offset(), 5);
    }

    #[test]
    fn held_data_inside_a_cut_part_is_passed_over_as_wireshark_does() {
        // The cut part of an in-order segment is a hole at once (the stream
        // moves past it, as Wireshark's follow moves its next sequence number
        // by the whole segment length); held data it covers is then dated:
        // `check_follow_fragments` drops a piece wholly behind and delivers
        // the part of one that reaches past.
        let mut t = T::new(OverlapPolicy::First);
        t.data(100, b"abcde");
        assert_eq!(t.data(110, b"KLMNO"), vec![]);
        assert_eq!(t.data(116, b"QRST"), vec![]);
        assert_eq!(
            t.cut(105, TcpFlags::ACK, b"fgh", 10),
            vec![
                Ev::Data(5, b"fgh".to_vec()),
                Ev::Gap(8, 10),
                Ev::Data(18, b"ST".to_vec())
            ]
        );
        let stats = *t.r.stats();
        // 17 payload bytes pushed: 10 delivered, 7 passed over.
        assert_eq!((stats.delivered, stats.duplicate_bytes), (10, 7));
        assert_eq!((stats.gaps, stats.gap_bytes), (1, 10));
        assert_eq!(t.r.buffered_cost(), 0);
    }

    #[test]
    fn an_ack_at_the_held_data_is_not_yet_past_the_hole() {
        // Wireshark's `check_follow_fragments`: the hole is given up when the
        // ACK lies beyond the lowest held byte (`GT_SEQ(acknowledged,
        // lowest_seq)`), not when it reaches it.
        let mut t = T::new(OverlapPolicy::First);
        t.data(100, b"ab");
        assert_eq!(t.data(105, b"fg"), vec![]);
        assert_eq!(t.ack(105), vec![]);
        assert_eq!(t.ack(106), vec![Ev::Gap(2, 3), Ev::Data(5, b"fg".to_vec())]);
        let stats = *t.r.stats();
        assert_eq!((stats.gaps, stats.gap_bytes, stats.delivered), (1, 3, 4));
        // A second hole counts as a second gap.
        t.data(110, b"k");
        t.ack(111);
        let stats = *t.r.stats();
        assert_eq!((stats.gaps, stats.gap_bytes, stats.delivered), (2, 6, 5));
    }

    #[test]
    fn a_segment_without_payload_leaves_held_data_whole() {
        // Under the last-wins policy a segment overlapping held data splits
        // it; one without payload overlaps nothing, even inside a piece.
        let mut t = T::new(OverlapPolicy::Last);
        t.data(100, b"ab");
        t.data(105, b"fghij");
        let cost = t.r.buffered_cost();
        assert_eq!(cost, 5 + CHUNK_OVERHEAD);
        assert_eq!(t.data(107, b""), vec![]);
        assert_eq!(t.r.buffered_cost(), cost);
        assert_eq!(
            t.flush(),
            vec![Ev::Gap(2, 3), Ev::Data(5, b"fghij".to_vec())]
        );
    }

    #[test]
    fn syn_moves_data_one_on_and_in_order_is_borrowed() {
        let mut t = T::new(OverlapPolicy::First);
        assert_eq!(t.seg(999, TcpFlags::SYN, b""), vec![]);
        // The in-order payload is the very slice pushed.
        let payload = *b"hello";
        let mut ptr = None;
        t.r.push(
            StreamSegment {
                seq: SeqNum(1000),
                flags: TcpFlags::ACK,
                ack: SeqNum(0),
                payload: &payload,
                cut: 0,
            },
            &mut t.b,
            &mut |e| {
                if let StreamEvent::Data { offset, bytes } = e {
                    assert_eq!(offset, 0);
                    ptr = Some(bytes.as_ptr());
                }
            },
        );
        assert_eq!(ptr, Some(payload.as_ptr()));
        assert_eq!(t.r.next_offset(), 5);
    }

    #[test]
    fn out_of_order_held_then_delivered() {
        let mut t = T::new(OverlapPolicy::First);
        t.data(100, b"ab");
        assert_eq!(t.data(104, b"ef"), vec![]);
        assert_eq!(t.r.buffered_bytes(), 2);
        assert_eq!(
            t.data(102, b"cd"),
            vec![Ev::Data(2, b"cd".to_vec()), Ev::Data(4, b"ef".to_vec())]
        );
        assert_eq!(t.r.buffered_cost(), 0);
    }

    #[test]
    fn retransmission_is_trimmed() {
        let mut t = T::new(OverlapPolicy::First);
        t.data(0, b"abcd");
        assert_eq!(t.data(2, b"cdef"), vec![Ev::Data(4, b"ef".to_vec())]);
        assert_eq!(t.data(0, b"abcdef"), vec![]);
        assert_eq!(t.r.stats().duplicate_bytes, 2 + 6);
    }

    #[test]
    fn overlap_first_keeps_held_bytes() {
        let mut t = T::new(OverlapPolicy::First);
        t.data(0, b"a");
        t.data(3, b"XY");
        // New segment 1..6 "bcdef" overlaps held 3..5 "XY" with different bytes.
        assert_eq!(
            t.data(1, b"bcdef"),
            vec![
                Ev::Data(1, b"bc".to_vec()),
                Ev::Conflict(3, 2),
                Ev::Data(3, b"XY".to_vec()),
                Ev::Data(5, b"f".to_vec()),
            ]
        );
    }

    #[test]
    fn overlap_last_keeps_new_bytes() {
        let mut t = T::new(OverlapPolicy::Last);
        t.data(0, b"a");
        t.data(3, b"XYZ");
        assert_eq!(
            t.data(1, b"bcde"),
            vec![
                Ev::Data(1, b"bcde".to_vec()),
                Ev::Conflict(3, 2),
                Ev::Data(5, b"Z".to_vec()),
            ]
        );
        // Held vs held.
        let mut t = T::new(OverlapPolicy::Last);
        t.data(0, b"a");
        t.data(4, b"WXYZ");
        assert_eq!(t.data(5, b"xy"), vec![Ev::Conflict(5, 2)]);
        assert_eq!(
            t.data(1, b"bcd"),
            vec![
                Ev::Data(1, b"bcd".to_vec()),
                Ev::Data(4, b"W".to_vec()),
                Ev::Data(5, b"xy".to_vec()),
                Ev::Data(7, b"Z".to_vec())
            ]
        );
        let mut t = T::new(OverlapPolicy::First);
        t.data(0, b"a");
        t.data(4, b"WXYZ");
        assert_eq!(t.data(5, b"xy"), vec![Ev::Conflict(5, 2)]);
        t.data(1, b"bcd");
        let got: Vec<u8> =
            t.ev.iter()
                .flat_map(|e| match e {
                    Ev::Data(_, d) => d.clone(),
                    _ => vec![],
                })
                .collect();
        assert_eq!(got, b"abcdWXYZ");
    }

    #[test]
    fn sequence_wrap_gives_growing_offsets() {
        let mut t = T::new(OverlapPolicy::First);
        t.seg(u32::MAX - 2, TcpFlags::SYN, b"");
        assert_eq!(
            t.data(u32::MAX - 1, b"ab"),
            vec![Ev::Data(0, b"ab".to_vec())]
        );
        // Out of order across the wrap.
        assert_eq!(t.data(2, b"ef"), vec![]);
        assert_eq!(
            t.data(0, b"cd"),
            vec![Ev::Data(2, b"cd".to_vec()), Ev::Data(4, b"ef".to_vec())]
        );
        assert_eq!(t.r.next_seq(), Some(SeqNum(4)));
    }

    #[test]
    fn ack_beyond_held_data_declares_the_gap() {
        let mut t = T::new(OverlapPolicy::First);
        t.data(0, b"ab");
        t.data(10, b"kl");
        assert_eq!(t.ack(5), vec![]);
        assert_eq!(t.ack(11), vec![Ev::Gap(2, 8), Ev::Data(10, b"kl".to_vec())]);
        assert_eq!(t.r.stats().gap_bytes, 8);
        // A late copy of the missing bytes is old now.
        assert_eq!(t.data(2, b"cdefghij"), vec![]);
    }

    #[test]
    fn fin_out_of_order_and_flush() {
        let mut t = T::new(OverlapPolicy::First);
        t.data(0, b"ab");
        assert_eq!(t.seg(4, TcpFlags::FIN | TcpFlags::ACK, b"ef"), vec![]);
        assert_eq!(
            t.data(2, b"cd"),
            vec![
                Ev::Data(2, b"cd".to_vec()),
                Ev::Data(4, b"ef".to_vec()),
                Ev::Fin(6)
            ]
        );
        assert!(t.r.is_finished());
        let mut t = T::new(OverlapPolicy::First);
        t.data(0, b"ab");
        t.seg(6, TcpFlags::FIN | TcpFlags::ACK, b"gh");
        t.data(4, b"ef");
        assert_eq!(
            t.flush(),
            vec![
                Ev::Gap(2, 2),
                Ev::Data(4, b"ef".to_vec()),
                Ev::Data(6, b"gh".to_vec()),
                Ev::Fin(8)
            ]
        );
    }

    #[test]
    fn a_cut_payload_is_a_gap_at_once_and_the_fin_counts_after_it() {
        let mut t = T::new(OverlapPolicy::First);
        let ev = t.cut(0, TcpFlags::ACK | TcpFlags::FIN, b"abc", 5);
        assert_eq!(
            ev,
            vec![Ev::Data(0, b"abc".to_vec()), Ev::Gap(3, 5), Ev::Fin(8)]
        );
    }

    #[test]
    fn rst_ends_the_stream() {
        let mut t = T::new(OverlapPolicy::First);
        t.data(0, b"ab");
        assert_eq!(t.seg(2, TcpFlags::RST, b""), vec![Ev::Rst(2)]);
        assert!(t.r.is_finished());
    }

    #[test]
    fn cap_drops_with_an_event() {
        let mut t = T::new(OverlapPolicy::First);
        t.r = StreamReassembler::new(StreamConfig {
            overlap: OverlapPolicy::First,
            max_buffered: 100 + CHUNK_OVERHEAD,
        });
        t.data(0, b"a");
        assert_eq!(t.data(10, &[1; 100]), vec![]);
        assert_eq!(t.data(200, b"z"), vec![Ev::Dropped(200, 1)]);
        assert_eq!(t.r.buffered_cost(), 100 + CHUNK_OVERHEAD);
        // The total budget too.
        let mut t = T::new(OverlapPolicy::First);
        t.b = Budget::new(10 + CHUNK_OVERHEAD);
        t.data(0, b"a");
        assert_eq!(t.data(10, &[1; 10]), vec![]);
        assert_eq!(t.data(30, &[1; 10]), vec![Ev::Dropped(30, 10)]);
        assert_eq!(t.b.used(), 10 + CHUNK_OVERHEAD);
        t.data(1, &[0; 9]);
        assert_eq!(t.b.used(), 0);
    }

    #[test]
    fn data_before_the_stream_start_is_ignored() {
        let mut t = T::new(OverlapPolicy::First);
        t.data(1000, b"xy");
        assert_eq!(t.data(990, b"0123456789"), vec![]);
        assert_eq!(t.data(998, b"abcdef"), vec![Ev::Data(2, b"ef".to_vec())]);
    }
}
