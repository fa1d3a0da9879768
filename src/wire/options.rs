//! TCP options: a lazy iterator of typed options. (Being written.)

/// Placeholder until the options iterator lands.
#[derive(Clone, Debug)]
pub struct TcpOptionsIter<'a> {
    rest: &'a [u8],
}

impl<'a> TcpOptionsIter<'a> {
    /// Iterates the options in `options` (the bytes after the fixed header).
    pub fn new(options: &'a [u8]) -> Self {
        Self { rest: options }
    }
}

/// Placeholder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpOption<'a> {
    /// Placeholder.
    Unknown(&'a [u8]),
}
/// Placeholder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SackBlocks;
/// Placeholder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpOptionError;
