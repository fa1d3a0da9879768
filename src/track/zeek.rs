//! Zeek's view of a connection: `conn_state` and `history` (stub).
//!
//! This file is a placeholder with the shape the tracker calls; helper Z replaces
//! it wholesale with Zeek's rules (REFERENCE.md §4).

use crate::flags::TcpFlags;
use crate::seq::SeqNum;

/// Zeek's per-connection bookkeeping, fed every segment by the tracker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZeekConn {
    packets: [u32; 2],
}

impl ZeekConn {
    /// A connection of which nothing has been seen.
    pub const fn new() -> Self {
        ZeekConn { packets: [0; 2] }
    }

    /// One segment, sent by the originator when `from_originator`.
    pub fn on_segment(
        &mut self,
        from_originator: bool,
        _flags: TcpFlags,
        _seq: SeqNum,
        _payload_len: u32,
        _window: u16,
        _ip_len: u32,
    ) {
        let i = usize::from(!from_originator);
        if let Some(n) = self.packets.get_mut(i) {
            *n = n.saturating_add(1);
        }
    }

    /// Zeek's `conn_state` so far (stub: `OTH`).
    pub fn conn_state(&self) -> &'static str {
        "OTH"
    }

    /// The summary to put in a connection summary.
    pub fn summary(&self) -> ZeekSummary {
        ZeekSummary {
            conn_state: self.conn_state(),
        }
    }
}

/// What Zeek's conn.log says about a connection (stub).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZeekSummary {
    /// Zeek's `conn_state` (`S0`, `SF`, `REJ`, ...).
    pub conn_state: &'static str,
}
