//! IEEE 802.2 LLC and its SNAP extension (RFC 1042), behind 802.3, FDDI,
//! 802.11 and Linux cooked captures.

use super::bytes::{be16, be24, byte, header};
use super::error::Fault;
use super::numbers::EtherType;
use super::outcome::NotTcp;
use super::step::{Next, Step};

/// IEEE 802.2 LLC and the SNAP extension (RFC 1042).
#[allow(dead_code)] // the whole header is laid out, not every field is read
mod field {
    use core::ops::Range;
    pub const DSAP: usize = 0;
    pub const SSAP: usize = 1;
    pub const CONTROL: usize = 2;
    pub const HEADER_LEN: usize = 3;
    pub const SNAP_OUI: Range<usize> = 3..6;
    pub const SNAP_PROTOCOL_ID: Range<usize> = 6..8;
    pub const SNAP_HEADER_LEN: usize = 8;
    /// The SNAP SAP.
    pub const SAP_SNAP: u8 = 0xAA;
    /// The IP SAP (RFC 948 era; rare).
    pub const SAP_IP: u8 = 0x06;
    /// Unnumbered information, the only control value that carries SNAP.
    pub const CONTROL_UI: u8 = 0x03;
    /// Low bits of an unnumbered-format (1-byte) control field.
    pub const U_FORMAT_MASK: u8 = 0x03;
    /// The C/R bit of the SSAP.
    pub const SSAP_COMMAND_RESPONSE: u8 = 0x01;
    /// OUIs whose protocol id is an EtherType (RFC 1042, 802.1H bridge tunnel).
    pub const OUI_ENCAPSULATED_ETHERNET: u32 = 0x00_0000;
    pub const OUI_BRIDGE_TUNNEL: u32 = 0x00_00F8;
    /// IEEE 802.1 bridged frames (RFC 2427 §5.1).
    pub const OUI_IEEE_8021: u32 = 0x00_80C2;
    pub const PID_BRIDGED_8023_FCS: u16 = 0x0001;
    pub const PID_BRIDGED_8023: u16 = 0x0007;
}

/// An 802.2 LLC header and, for SAP 0xAA, its SNAP extension.
pub(crate) fn llc(bytes: &[u8]) -> Result<Step, Fault> {
    let h = header::<{ field::HEADER_LEN }>(bytes, 0)?;
    let (dsap, ssap, control) = (
        byte(h, field::DSAP),
        byte(h, field::SSAP),
        byte(h, field::CONTROL),
    );
    let ssap_address = ssap & !field::SSAP_COMMAND_RESPONSE;
    let unnumbered_info = control == field::CONTROL_UI;
    let not_tcp = Next::NotTcp(NotTcp::Llc { dsap, ssap });
    if control & field::U_FORMAT_MASK != field::U_FORMAT_MASK || !unnumbered_info {
        // Information / supervisory / other unnumbered frames never carry IP.
        return Ok(Step::new(field::HEADER_LEN, not_tcp));
    }
    if dsap == field::SAP_IP && ssap_address == field::SAP_IP {
        return Ok(Step::new(field::HEADER_LEN, Next::Ipv4));
    }
    if dsap != field::SAP_SNAP || ssap_address != field::SAP_SNAP {
        return Ok(Step::new(field::HEADER_LEN, not_tcp));
    }
    let h = header::<{ field::SNAP_HEADER_LEN }>(bytes, 0)?;
    let oui = be24(h, field::SNAP_OUI);
    let protocol_id = be16(h, field::SNAP_PROTOCOL_ID);
    let next = match (oui, protocol_id) {
        (field::OUI_ENCAPSULATED_ETHERNET | field::OUI_BRIDGE_TUNNEL, _) => {
            Next::EtherType(EtherType(protocol_id))
        }
        (field::OUI_IEEE_8021, field::PID_BRIDGED_8023 | field::PID_BRIDGED_8023_FCS) => {
            Next::Ethernet
        }
        _ => Next::NotTcp(NotTcp::Snap { oui, protocol_id }),
    };
    Ok(Step::new(field::SNAP_HEADER_LEN, next))
}
