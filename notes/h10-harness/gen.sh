#!/bin/sh
# Builds src/main.rs from the two benches' functions.
B=/work/wt/h10/benches
{
cat <<'H'
#![allow(dead_code, unused_imports)]
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use synack::capture::CaptureReader;
use synack::wire::{Decoded, PseudoHeader, TcpHeader, TcpHeaderSlice, TcpOption, decode, LinkType};
use synack::{flags::TcpFlags, seq::SeqNum};
H
awk '/^\/\/\/ The TCP header bytes/{p=1} /^fn parse\(c: &mut Criterion\)/{p=0} p' $B/parse.rs
awk '/^\/\/\/ The captures to replay/{p=1} /^\/\/\/ synack: `decode` of every frame, then/{p=0} p' $B/replay.rs
awk '/^\/\/\/ etherparse: `SlicedPacket::from_ethernet`/{p=1} /^\/\/\/ Iterates the records/{p=0} p' $B/replay.rs
cat /tmp/h10h/main_tail.rs
} > /tmp/h10h/src/main.rs.tmp
python3 /tmp/h10h/strip.py; sed -i "s|env!(\"CARGO_MANIFEST_DIR\")|\"/work/wt/h10\"|" /tmp/h10h/src/main.rs
exit
{
} > /tmp/h10h/src/main.rs
