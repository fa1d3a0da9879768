//! Helpers shared by the integration tests: reading tshark's field dumps of the
//! corpus ([`tshark`]) and finding the corpus ([`corpus`]).
//!
//! Each test crate that says `mod common;` compiles all of it and uses a part,
//! hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod corpus;
pub mod tshark;
