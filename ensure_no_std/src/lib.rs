//! Links the synack core into a `#![no_std]` static library with no allocator.
#![no_std]

use synack::seq::SeqNum;
use synack::wire::{LinkType, TcpHeaderSlice, decode};

/// Parses a TCP header and returns its sequence number plus the count of options,
/// or `u64::MAX` when the bytes are not a header.
#[unsafe(no_mangle)]
pub extern "C" fn synack_seq(ptr: &[u8; 60]) -> u64 {
    match TcpHeaderSlice::from_slice(ptr) {
        Ok(h) => (h.sequence_number() + 1).get() as u64 + h.options().count() as u64,
        Err(_) => u64::MAX,
    }
}

/// Decodes an Ethernet frame and says whether it holds TCP.
#[unsafe(no_mangle)]
pub extern "C" fn synack_is_tcp(frame: &[u8; 1514]) -> bool {
    matches!(decode(LinkType::ETHERNET, frame), synack::wire::Decoded::Tcp(_))
}

/// Serial comparison, exported so it is not optimised away.
#[unsafe(no_mangle)]
pub extern "C" fn synack_before(a: u32, b: u32) -> bool {
    SeqNum(a).before(SeqNum(b))
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
