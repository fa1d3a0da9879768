//! The Internet checksum. (Being written.)
/// Placeholder.
pub enum PseudoHeader {}
