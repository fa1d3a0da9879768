# synack issue 10 point 4 renames (helper W1). Apply with:
#   git ls-files '*.rs' '*.md' | grep -v '^notes/' | xargs sed -i -f notes/w1-renames.sed
# Order matters: Decoded::NotDecoded before NotDecoded.
# smoltcp::wire::TcpPacket (benches/parse.rs) is not ours: skip lines naming smoltcp
/smoltcp\|new_checked/!s/\bTcpPacket\b/DecodedSegment/g
s/\bDecoded::NotDecoded\b/Decoded::Error/g
s/\bNotDecoded\b/DecodeError/g
s/\bHeaderError\b/LayerError/g
s/\.is_cut()/.is_truncated()/g
s/\bsynack::{Segment, SeqNum, TcpFlags};/synack::{flags::TcpFlags, segment::Segment, seq::SeqNum};/g
s/\bsynack::{SeqNum, TcpFlags};/synack::{flags::TcpFlags, seq::SeqNum};/g
s/\bsynack::{Segment, TcpFlags};/synack::{flags::TcpFlags, segment::Segment};/g
s/\bsynack::{Segment, SeqNum};/synack::{segment::Segment, seq::SeqNum};/g
s/\bsynack::TcpFlags\b/synack::flags::TcpFlags/g
s/\bsynack::SeqNum\b/synack::seq::SeqNum/g
s/\bsynack::Segment\b/synack::segment::Segment/g
s/\bcrate::TcpFlags\b/crate::flags::TcpFlags/g
s/\bcrate::SeqNum\b/crate::seq::SeqNum/g
s/\bcrate::Segment\b/crate::segment::Segment/g
s/\bwire::checksum::{self, PseudoHeader}/wire::{PseudoHeader, internet_checksum, ones_complement_sum, update_checksum}/g
s/\bwire::checksum::internet_checksum\b/wire::internet_checksum/g
s/\bwire::checksum::update\b/wire::update_checksum/g
s/\bwire::checksum::sum_bytes\b/wire::ones_complement_sum/g
s/\bwire::options::kind\b/wire::option_kind/g
s/\bwire::\(tcp\|options\|build\|checksum\|ip\|link\|packet\)::/wire::/g
# test/fuzz code that imported the checksum module itself
s/\bchecksum::internet_checksum\b/internet_checksum/g
s/\bchecksum::update(/update_checksum(/g
s/\bchecksum::sum_bytes\b/ones_complement_sum/g
# nested paths inside a grouped import: synack::wire::{decode, ip::IpNumber, packet::NotTcp}
/synack::wire::{/s/\([{ ]\)\(tcp\|options\|build\|checksum\|ip\|link\|packet\)::\([A-Za-z_]\)/\1\3/g
