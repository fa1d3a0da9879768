//! # synack — TCP bytes to understanding
//!
//! `synack` turns raw TCP bytes into the things a network engineer reads in
//! Wireshark: headers and options, sequence-number arithmetic that survives the
//! 2^32 wrap, and the RFC 9293 connection states.
//!
//! The crate is layered so that data flows one way:
//!
//! | layer | module | needs |
//! |---|---|---|
//! | control bits | [`flags`] | core |
//! | sequence space | [`seq`] | core |
//! | headers, options, checksums, link layers and tunnels | [`wire`] | core |
//! | the numbers the state machine reasons about | [`segment`] | core |
//! | the eleven RFC 793 states and a passive observer of both endpoints | [`state`] | core |
//! | streaming pcap / pcapng replay | `capture` | `std` + `pcap` |
//!
//! Each layer is a public module and every item has one path in it
//! (`synack::flags::TcpFlags`, `synack::seq::SeqNum`,
//! `synack::segment::Segment`, `synack::wire::TcpHeaderSlice`); the crate root
//! re-exports nothing.
//!
//! The core (everything but `capture`) is `#![no_std]` and allocates nothing:
//! `cargo build --no-default-features` builds it. The crate forbids `unsafe`,
//! and no parser in it panics or reads out of bounds, whatever the bytes.
//!
//! ```
//! use synack::wire::{decode, LinkType, Decoded};
//! # let frame: &[u8] = &[];
//! match decode(LinkType::ETHERNET, frame) {
//!     Decoded::Tcp(packet) => println!("{} -> {} {}", packet.source(), packet.destination(),
//!                                      packet.header.flags().tcpdump()),
//!     other => println!("not a TCP segment: {other:?}"),
//! }
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod flags;
pub mod segment;
pub mod seq;
pub mod state;
#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
pub mod track;
pub mod wire;

#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
pub mod reassembly;

#[cfg(test)]
mod testdata;

#[cfg(all(test, feature = "serde"))]
mod test_serde;

#[cfg(feature = "pcap")]
#[cfg_attr(docsrs, doc(cfg(feature = "pcap")))]
pub mod capture;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(all(doctest, feature = "pcap"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
