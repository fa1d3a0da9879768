//! Both directions of many connections: [`Reassembler`], keyed by whatever
//! identifies a connection to the caller (a tracker's stream index or
//! connection id, a 4-tuple), with one memory cap over all of them.

use alloc::collections::BTreeMap;

use super::stream::{Budget, StreamConfig, StreamEvent, StreamReassembler, StreamSegment};
use crate::flags::TcpFlags;
use crate::state::Side;

/// Limits and policy of a [`Reassembler`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReassemblyConfig {
    /// Per direction: overlap policy and cap.
    pub stream: StreamConfig,
    /// The most out-of-order data held over all connections, counted like
    /// [`StreamReassembler::buffered_cost`].
    pub max_total: usize,
}

impl Default for ReassemblyConfig {
    /// First-wins, 4 MiB per direction, 256 MiB in total.
    fn default() -> Self {
        ReassemblyConfig {
            stream: StreamConfig::default(),
            max_total: 256 << 20,
        }
    }
}

/// Why a connection's streams ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum CloseReason {
    /// Both directions reached their FIN.
    Fin,
    /// A RST was seen (held data of both directions was flushed first).
    Rst,
    /// The caller closed it ([`Reassembler::close`], [`Reassembler::close_all`]).
    Closed,
}

/// What a [`Reassembler`] reports about one connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// An event of one direction (`side` is the sender of the bytes).
    Stream {
        /// The direction: who sent these bytes.
        side: Side,
        /// What happened in it.
        event: StreamEvent<'a>,
    },
    /// The connection's streams are over; reported once per connection.
    /// Segments that still arrive for it (data after a RST) are processed
    /// like the others.
    Closed {
        /// Why.
        reason: CloseReason,
    },
}

#[derive(Clone, Debug)]
struct Conn {
    dirs: [StreamReassembler; 2],
    closed: bool,
}

/// Reassembly of both directions of many connections, under one total cap.
///
/// ```
/// use synack::reassembly::{Event, Reassembler, ReassemblyConfig, StreamEvent, StreamSegment};
/// use synack::state::Side;
/// use synack::{flags::TcpFlags, seq::SeqNum};
///
/// let mut r = Reassembler::new(ReassemblyConfig::default());
/// let mut text = Vec::new();
/// let mut seg = |r: &mut Reassembler<u32>, seq, payload: &[u8]| {
///     let s = StreamSegment { seq: SeqNum(seq), flags: TcpFlags::ACK, ack: SeqNum(0), payload, cut: 0 };
///     r.segment(&0, Side::Client, s, &mut |_key: &u32, e: Event<'_>| {
///         if let Event::Stream { event: StreamEvent::Data { bytes, .. }, .. } = e {
///             text.extend_from_slice(bytes);
///         }
///     });
/// };
/// seg(&mut r, 100, b"GET ");
/// seg(&mut r, 108, b"HTTP/1.1\r\n"); // ahead of a hole: held
/// seg(&mut r, 104, b"/ ");           // still a hole of 2 bytes
/// seg(&mut r, 106, b"x ");           // fills it: everything flows
/// assert_eq!(text, b"GET / x HTTP/1.1\r\n");
/// ```
#[derive(Clone, Debug)]
pub struct Reassembler<K> {
    config: ReassemblyConfig,
    budget: Budget,
    conns: BTreeMap<K, Conn>,
}

impl<K: Ord + Clone> Reassembler<K> {
    /// An empty reassembler.
    pub fn new(config: ReassemblyConfig) -> Self {
        Reassembler {
            config,
            budget: Budget::new(config.max_total),
            conns: BTreeMap::new(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ReassemblyConfig {
        &self.config
    }

    /// Out-of-order data held over all connections, as counted against
    /// [`ReassemblyConfig::max_total`].
    pub fn buffered_cost(&self) -> usize {
        self.budget.used()
    }

    /// Connections known.
    pub fn len(&self) -> usize {
        self.conns.len()
    }

    /// No connection known.
    pub fn is_empty(&self) -> bool {
        self.conns.is_empty()
    }

    /// One direction of a connection, if known.
    pub fn stream(&self, key: &K, side: Side) -> Option<&StreamReassembler> {
        self.conns.get(key).and_then(|c| c.dirs.get(side.index()))
    }

    /// Feeds a segment sent by `side` of connection `key`. Its ACK (when the
    /// ACK bit is set) tells the other direction what the receiver got, which
    /// turns holes the capture missed into gaps.
    pub fn segment<F>(&mut self, key: &K, side: Side, segment: StreamSegment<'_>, emit: &mut F)
    where
        F: FnMut(&K, Event<'_>),
    {
        let stream = self.config.stream;
        let conn = self.conns.entry(key.clone()).or_insert_with(|| Conn {
            dirs: [
                StreamReassembler::new(stream),
                StreamReassembler::new(stream),
            ],
            closed: false,
        });
        let budget = &mut self.budget;
        let [client, server] = &mut conn.dirs;
        let (own, peer) = match side {
            Side::Client => (client, server),
            Side::Server => (server, client),
        };
        let mut to = |event: StreamEvent<'_>, s: Side| emit(key, Event::Stream { side: s, event });
        own.push(segment, budget, &mut |e| to(e, side));
        if segment.flags.contains(TcpFlags::ACK) {
            peer.acknowledged(segment.ack, budget, &mut |e| to(e, side.peer()));
        }
        if conn.closed {
            return;
        }
        if segment.flags.contains(TcpFlags::RST) {
            for s in Side::BOTH {
                if let Some(d) = conn.dirs.get_mut(s.index()) {
                    d.flush(budget, &mut |e| to(e, s));
                }
            }
            conn.closed = true;
            emit(
                key,
                Event::Closed {
                    reason: CloseReason::Rst,
                },
            );
        } else if conn.dirs.iter().all(StreamReassembler::is_finished) {
            conn.closed = true;
            emit(
                key,
                Event::Closed {
                    reason: CloseReason::Fin,
                },
            );
        }
    }

    /// Ends connection `key` (closed, evicted or expired by the tracker, or the
    /// capture is over): held data of both directions is reported with its
    /// gaps, then [`Event::Closed`] if not reported yet; the connection is
    /// forgotten.
    pub fn close<F>(&mut self, key: &K, emit: &mut F)
    where
        F: FnMut(&K, Event<'_>),
    {
        if let Some(mut conn) = self.conns.remove(key) {
            Self::finish(key, &mut conn, &mut self.budget, emit);
        }
    }

    /// [`close`](Self::close) for every connection, in key order.
    pub fn close_all<F>(&mut self, emit: &mut F)
    where
        F: FnMut(&K, Event<'_>),
    {
        let conns = core::mem::take(&mut self.conns);
        for (key, mut conn) in conns {
            Self::finish(&key, &mut conn, &mut self.budget, emit);
        }
    }

    fn finish<F>(key: &K, conn: &mut Conn, budget: &mut Budget, emit: &mut F)
    where
        F: FnMut(&K, Event<'_>),
    {
        for s in Side::BOTH {
            if let Some(d) = conn.dirs.get_mut(s.index()) {
                d.flush(budget, &mut |event| {
                    emit(key, Event::Stream { side: s, event })
                });
            }
        }
        if !conn.closed {
            let reason = if conn.dirs.iter().all(StreamReassembler::is_finished) {
                CloseReason::Fin
            } else {
                CloseReason::Closed
            };
            emit(key, Event::Closed { reason });
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::String;
    use alloc::vec::Vec;
    use alloc::{format, vec};

    use super::*;
    use crate::seq::SeqNum;
    use crate::state::Side::{Client, Server};

    /// Everything a reassembler reported, one line per event, in order.
    type Log = Vec<String>;

    fn line(key: &u32, e: Event<'_>) -> String {
        match e {
            Event::Stream { side, event } => {
                let what = match event {
                    StreamEvent::Data { offset, bytes } => {
                        format!("data {offset} {}", String::from_utf8_lossy(bytes))
                    }
                    StreamEvent::Gap { offset, len } => format!("gap {offset} {len}"),
                    StreamEvent::Fin { offset } => format!("fin {offset}"),
                    StreamEvent::Rst { offset } => format!("rst {offset}"),
                    StreamEvent::Dropped { offset, len } => format!("dropped {offset} {len}"),
                    StreamEvent::Conflict { offset, len } => format!("conflict {offset} {len}"),
                };
                format!("{key} {side:?} {what}")
            }
            Event::Closed { reason } => format!("{key} closed {reason:?}"),
        }
    }

    /// Feeds a segment of connection `key` sent by `side`: `(seq, ack)`.
    fn seg(
        r: &mut Reassembler<u32>,
        log: &mut Log,
        (key, side): (u32, Side),
        (seq, ack): (u32, u32),
        flags: TcpFlags,
        payload: &[u8],
    ) {
        let s = StreamSegment {
            seq: SeqNum(seq),
            flags,
            ack: SeqNum(ack),
            payload,
            cut: 0,
        };
        r.segment(&key, side, s, &mut |k: &u32, e: Event<'_>| {
            log.push(line(k, e))
        });
    }

    #[test]
    fn config_is_the_one_given() {
        let config = ReassemblyConfig {
            stream: StreamConfig::default(),
            max_total: 1234,
        };
        let r = Reassembler::<u32>::new(config);
        assert_eq!(r.config(), &config);
        assert_eq!(r.config().max_total, 1234);
    }

    #[test]
    fn connections_are_counted_until_closed() {
        let mut r = Reassembler::<u32>::new(ReassemblyConfig::default());
        let mut log = Log::new();
        assert_eq!((r.len(), r.is_empty()), (0, true));
        seg(
            &mut r,
            &mut log,
            (7, Client),
            (100, 0),
            TcpFlags::ACK,
            b"ab",
        );
        assert_eq!((r.len(), r.is_empty()), (1, false));
        seg(
            &mut r,
            &mut log,
            (7, Server),
            (500, 102),
            TcpFlags::ACK,
            b"",
        );
        seg(
            &mut r,
            &mut log,
            (9, Client),
            (100, 0),
            TcpFlags::ACK,
            b"cd",
        );
        assert_eq!((r.len(), r.is_empty()), (2, false));
        r.close(&7, &mut |k: &u32, e: Event<'_>| log.push(line(k, e)));
        assert_eq!((r.len(), r.is_empty()), (1, false));
        assert!(r.stream(&7, Client).is_none());
        assert!(r.stream(&9, Client).is_some());
        r.close_all(&mut |k: &u32, e: Event<'_>| log.push(line(k, e)));
        assert_eq!((r.len(), r.is_empty()), (0, true));
        assert_eq!(
            log,
            vec![
                "7 Client data 0 ab",
                "9 Client data 0 cd",
                "7 closed Closed",
                "9 closed Closed"
            ]
        );
    }

    #[test]
    fn close_reports_held_data_with_its_gaps_then_closed_once() {
        let mut r = Reassembler::<u32>::new(ReassemblyConfig::default());
        let mut log = Log::new();
        seg(
            &mut r,
            &mut log,
            (1, Client),
            (100, 0),
            TcpFlags::ACK,
            b"abc",
        );
        // Two bytes missing (103, 104), then "fg" held.
        seg(
            &mut r,
            &mut log,
            (1, Client),
            (105, 0),
            TcpFlags::ACK,
            b"fg",
        );
        assert_eq!(log, vec!["1 Client data 0 abc"]);
        assert!(r.buffered_cost() > 0);
        let mut closing = Log::new();
        r.close(&1, &mut |k: &u32, e: Event<'_>| closing.push(line(k, e)));
        assert_eq!(
            closing,
            vec!["1 Client gap 3 2", "1 Client data 5 fg", "1 closed Closed"]
        );
        assert_eq!(r.buffered_cost(), 0);
        // Forgotten: closing again reports nothing.
        let mut again = Log::new();
        r.close(&1, &mut |k: &u32, e: Event<'_>| again.push(line(k, e)));
        assert!(again.is_empty());
    }

    #[test]
    fn a_connection_closed_by_its_segments_is_not_reported_closed_again() {
        let mut r = Reassembler::<u32>::new(ReassemblyConfig::default());
        let mut log = Log::new();
        seg(&mut r, &mut log, (1, Client), (100, 0), TcpFlags::ACK, b"x");
        seg(&mut r, &mut log, (1, Server), (500, 0), TcpFlags::RST, b"");
        seg(
            &mut r,
            &mut log,
            (2, Client),
            (100, 500),
            TcpFlags::FIN | TcpFlags::ACK,
            b"",
        );
        seg(
            &mut r,
            &mut log,
            (2, Server),
            (500, 101),
            TcpFlags::FIN | TcpFlags::ACK,
            b"",
        );
        assert_eq!(
            log,
            vec![
                "1 Client data 0 x",
                "1 Server rst 0",
                "1 closed Rst",
                "2 Client fin 0",
                "2 Server fin 0",
                "2 closed Fin"
            ]
        );
        let mut closing = Log::new();
        r.close(&1, &mut |k: &u32, e: Event<'_>| closing.push(line(k, e)));
        r.close_all(&mut |k: &u32, e: Event<'_>| closing.push(line(k, e)));
        assert!(closing.is_empty(), "{closing:?}");
    }

    #[test]
    fn close_names_fin_when_both_fins_were_only_reported_at_the_close() {
        let mut r = Reassembler::<u32>::new(ReassemblyConfig::default());
        let mut log = Log::new();
        // Each FIN lies past a hole: reported only when the close flushes it.
        seg(&mut r, &mut log, (1, Client), (100, 0), TcpFlags::ACK, b"a");
        seg(
            &mut r,
            &mut log,
            (1, Client),
            (105, 0),
            TcpFlags::FIN | TcpFlags::ACK,
            b"",
        );
        seg(&mut r, &mut log, (1, Server), (500, 0), TcpFlags::ACK, b"b");
        seg(
            &mut r,
            &mut log,
            (1, Server),
            (503, 0),
            TcpFlags::FIN | TcpFlags::ACK,
            b"",
        );
        assert_eq!(log, vec!["1 Client data 0 a", "1 Server data 0 b"]);
        let mut closing = Log::new();
        r.close(&1, &mut |k: &u32, e: Event<'_>| closing.push(line(k, e)));
        assert_eq!(
            closing,
            vec![
                "1 Client gap 1 4",
                "1 Client fin 5",
                "1 Server gap 1 2",
                "1 Server fin 3",
                "1 closed Fin"
            ]
        );
    }
}
