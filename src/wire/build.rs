//! Building TCP headers. (Being written.)
/// Placeholder.
pub struct TcpHeader;
/// Placeholder.
pub struct TcpOptionsBuf;
/// Placeholder.
pub struct BuildError;
