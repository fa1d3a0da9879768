//! Frames to TCP. (Being written.)
use super::LinkType;
/// Placeholder.
#[derive(Debug)]
pub enum Decoded<'a> {
    /// Placeholder.
    Tcp(TcpPacket<'a>),
}
/// Placeholder.
#[derive(Debug)]
pub struct TcpPacket<'a>(&'a [u8]);
/// Placeholder.
pub enum ChecksumStatus {}
/// Placeholder.
pub fn decode(_l: LinkType, f: &[u8]) -> Decoded<'_> { Decoded::Tcp(TcpPacket(f)) }
