//! The byte reader the fuzz targets (`state`, `tracker`, `reassembly`) decode their
//! input with, in one place: `tests/state_world` includes it for the `state`
//! target's decoding (kept as tests byte for byte), the other targets by `#[path]`.
//! Numbers are little-endian; once the input runs out every read yields zeros, so
//! any byte string is a valid input.

/// Reads a fuzz input a field at a time; zeros once it runs out.
pub struct FuzzBytes<'a>(pub &'a [u8]);

#[allow(dead_code)] // each includer uses its own subset
impl<'a> FuzzBytes<'a> {
    /// The next byte, or 0.
    pub fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    /// The next two bytes, little-endian (missing bytes read as 0).
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    /// The next four bytes, little-endian (missing bytes read as 0).
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    /// The next `n` bytes, or all that are left.
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }
    /// Whether the input is used up.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
