//! The one byte reader every layer parser uses: check that a header's bytes are
//! there ([`header`], [`span`]), then read its fields ([`byte`], [`be16`],
//! [`be24`], [`be32`], [`le16`], [`field`]) without indexing. A leaf of the
//! decoder.
//!
//! Field reads take a header already checked by [`header`] or [`span`] and a
//! constant range inside it; a range outside is a bug, caught by
//! `debug_assert!` in tests and read as zeros in release builds (never a panic).

use core::ops::Range;

use super::error::Fault;

/// The `N` bytes at `offset`, or the truncation of the layer's header.
#[inline]
pub(crate) fn header<const N: usize>(bytes: &[u8], offset: usize) -> Result<&[u8; N], Fault> {
    bytes
        .get(offset..)
        .and_then(|b| b.first_chunk::<N>())
        .ok_or_else(|| truncated(bytes, offset, N))
}

/// The `len` bytes at `offset`, or the truncation of the layer's header.
#[inline]
pub(crate) fn span(bytes: &[u8], offset: usize, len: usize) -> Result<&[u8], Fault> {
    offset
        .checked_add(len)
        .and_then(|end| bytes.get(offset..end))
        .ok_or_else(|| truncated(bytes, offset, len))
}

#[cold]
fn truncated(bytes: &[u8], offset: usize, required: usize) -> Fault {
    Fault::Truncated {
        offset,
        required,
        available: bytes.len().saturating_sub(offset),
    }
}

/// The bytes of a field of a checked header.
#[inline]
pub(crate) fn field(header: &[u8], field: Range<usize>) -> &[u8] {
    match header.get(field) {
        Some(b) => b,
        None => {
            debug_assert!(false, "field outside its checked header");
            &[]
        }
    }
}

/// The byte at `index` of a checked header.
#[inline]
pub(crate) fn byte(header: &[u8], index: usize) -> u8 {
    match header.get(index) {
        Some(&b) => b,
        None => {
            debug_assert!(false, "byte outside its checked header");
            0
        }
    }
}

/// A big-endian 16-bit field of a checked header.
#[inline]
pub(crate) fn be16(header: &[u8], field: Range<usize>) -> u16 {
    match header.get(field) {
        Some(&[a, b]) => u16::from_be_bytes([a, b]),
        _ => {
            debug_assert!(false, "16-bit field outside its checked header");
            0
        }
    }
}

/// A little-endian 16-bit field of a checked header.
#[inline]
pub(crate) fn le16(header: &[u8], field: Range<usize>) -> u16 {
    match header.get(field) {
        Some(&[a, b]) => u16::from_le_bytes([a, b]),
        _ => {
            debug_assert!(false, "16-bit field outside its checked header");
            0
        }
    }
}

/// A big-endian 24-bit field of a checked header.
#[inline]
pub(crate) fn be24(header: &[u8], field: Range<usize>) -> u32 {
    match header.get(field) {
        Some(&[a, b, c]) => u32::from_be_bytes([0, a, b, c]),
        _ => {
            debug_assert!(false, "24-bit field outside its checked header");
            0
        }
    }
}

/// A big-endian 32-bit field of a checked header.
#[inline]
pub(crate) fn be32(header: &[u8], field: Range<usize>) -> u32 {
    match header.get(field) {
        Some(&[a, b, c, d]) => u32::from_be_bytes([a, b, c, d]),
        _ => {
            debug_assert!(false, "32-bit field outside its checked header");
            0
        }
    }
}
