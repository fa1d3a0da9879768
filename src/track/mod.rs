//! Connection tracking (feature `alloc`).
//!
//! [`zeek`]: Zeek's connection summary (`conn_state`, `history`, sizes).

pub mod zeek;
