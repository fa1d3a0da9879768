//! Why a frame's TCP segment cannot be read: [`DecodeError`] and the
//! per-family reasons a header is malformed. A leaf of the decoder: it names the
//! layers and identifiers, never a layer's parser.
//!
//! A layer parser reports a [`Fault`], relative to the first byte of its own
//! header; the driver alone turns it into a [`DecodeError`] with the layer and
//! the absolute offset in the frame ([`Fault::in_frame`]).

use core::fmt;
use core::net::{IpAddr, SocketAddr};

use super::layer::{Layer, MAX_LAYERS};
use super::numbers::{IpNumber, LinkType};
use crate::flags::TcpFlags;
use crate::seq::SeqNum;
use crate::wire::TcpHeaderError;

/// Why a frame's TCP segment cannot be read from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The link type is not one [`decode`](fn@crate::wire::decode) walks.
    #[error("unsupported {0}")]
    UnsupportedLinkType(LinkType),
    /// The frame ends (snapshot length, or an enclosing length field) before a
    /// header that is needed.
    #[error(transparent)]
    Truncated(#[from] Truncated),
    /// A header contradicts itself.
    #[error(transparent)]
    Malformed(#[from] Malformed),
    /// An IP fragment (not an atomic one): the datagram needs reassembly.
    #[error("{0}: IP reassembly needed")]
    Fragment(Fragment),
    /// A TCP header cut by the snapshot length (or an enclosing length) after
    /// its ports: what was captured of its fixed fields, so that the frame can
    /// still be tied to its connection. Fewer than 4 bytes captured is
    /// [`DecodeError::Truncated`].
    #[error(transparent)]
    TcpCut(#[from] CutTcp),
    /// Encrypted (IPsec ESP, protected 802.11 data).
    #[error("{layer} encrypted payload at byte {offset}")]
    Encrypted {
        /// The layer that encrypts.
        layer: Layer,
        /// Byte offset of the encrypted part.
        offset: usize,
    },
    /// Recognised but not walked: PPP Van Jacobson compression (value = PPP
    /// protocol), an ERSPAN III frame type other than Ethernet or IP (value =
    /// frame type), an 802.11 fragment (value = sequence control), a Teredo
    /// payload without IPv6.
    #[error("unsupported {layer} variant {value} at byte {offset}")]
    Unsupported {
        /// The layer.
        layer: Layer,
        /// Byte offset of the field that decides.
        offset: usize,
        /// The field's value.
        value: u32,
    },
    /// More than [`MAX_LAYERS`] nested layers.
    #[error("more than {} nested layers at byte {offset}", MAX_LAYERS)]
    TooManyLayers {
        /// Byte offset where the walk stopped.
        offset: usize,
    },
}

/// A header that the frame's bytes end before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{layer} header at byte {offset} truncated: {required} bytes needed, {available} there")]
pub struct Truncated {
    /// The layer whose header is cut.
    pub layer: Layer,
    /// Byte offset in the frame where the bytes needed start.
    pub offset: usize,
    /// Bytes needed from `offset`.
    pub required: usize,
    /// Bytes there from `offset` (within the enclosing length).
    pub available: usize,
}

/// A TCP header of which only a prefix was captured (the snapshot length cut
/// it, within the fixed 20 bytes or within the options): the fixed fields that
/// are there, as tshark shows them for a cut header.
///
/// The segment cannot be tracked as a [`DecodedSegment`](crate::wire::DecodedSegment)
/// (no complete header, no payload), but its addresses and ports name its
/// connection.
// Display and Error by hand: thiserror would take the field `source` for the
// error's cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CutTcp {
    /// Source address and port.
    pub source: SocketAddr,
    /// Destination address and port (the IP header's destination, as in
    /// [`DecodedSegment::destination`](crate::wire::DecodedSegment::destination)).
    pub destination: SocketAddr,
    /// Sequence number, when its 4 bytes were captured (8 bytes or more).
    pub seq: Option<SeqNum>,
    /// Acknowledgment number field (whether or not ACK is set), when its 4
    /// bytes were captured (12 bytes or more).
    pub ack: Option<SeqNum>,
    /// All twelve flag bits, when both bytes were captured (14 bytes or more).
    pub flags: Option<TcpFlags>,
    /// The header length the data offset gives, when its byte was captured
    /// (13 bytes or more).
    pub header_len: Option<usize>,
    /// The window field, when its 2 bytes were captured (16 bytes or more).
    pub window: Option<u16>,
    /// The TCP length the enclosing IP header declares (header and payload:
    /// Wireshark's reported length of the TCP layer), at least `captured`.
    pub declared_len: usize,
    /// Byte offset in the frame of the TCP header.
    pub offset: usize,
    /// TCP bytes captured (at least 4, fewer than the header's length).
    pub captured: usize,
}

impl fmt::Display for CutTcp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TCP header {} -> {} at byte {} cut by the snapshot length: {} bytes captured",
            self.source, self.destination, self.offset, self.captured
        )
    }
}

impl core::error::Error for CutTcp {}

/// A header whose fields contradict themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("malformed {layer} header at byte {offset}: {error}")]
pub struct Malformed {
    /// The layer.
    pub layer: Layer,
    /// Byte offset in the frame of the offending field (or header).
    pub offset: usize,
    /// What is wrong.
    #[source]
    pub error: LayerError,
}

/// What is wrong with a malformed header, by family of layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum LayerError {
    /// A link-layer header.
    #[error(transparent)]
    Link(#[from] LinkError),
    /// An IP, ICMP or UDP header.
    #[error(transparent)]
    Ip(#[from] IpError),
    /// A tunnel header.
    #[error(transparent)]
    Tunnel(#[from] TunnelError),
    /// The TCP header (offsets in it count from the TCP header; the data offset
    /// is checked against the length the IP header gives the segment).
    #[error(transparent)]
    Tcp(#[from] TcpHeaderError),
}

/// How a link-layer header contradicts itself. The byte offset is carried by
/// the enclosing [`Malformed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum LinkError {
    /// 802.11 protocol version other than 0.
    #[error("802.11 protocol version {version}, expected 0")]
    Ieee80211Version {
        /// The version bits of the frame control field.
        version: u8,
    },
    /// Radiotap version other than 0.
    #[error("radiotap version {version}, expected 0")]
    RadiotapVersion {
        /// The version byte.
        version: u8,
    },
    /// Radiotap length shorter than its own fixed header.
    #[error("radiotap length {length} is below 8")]
    RadiotapLength {
        /// The length field.
        length: u16,
    },
    /// PPPoE version/type byte other than 0x11 (RFC 2516 §4).
    #[error("PPPoE version/type 0x{version_type:02x}, expected 0x11")]
    PppoeVersionType {
        /// The version (high nibble) and type (low nibble).
        version_type: u8,
    },
    /// PPPoE session frame whose code is not 0.
    #[error("PPPoE session code 0x{code:02x}, expected 0")]
    PppoeCode {
        /// The code byte.
        code: u8,
    },
    /// NFLOG version other than 0.
    #[error("NFLOG version {version}, expected 0")]
    NflogVersion {
        /// The version byte.
        version: u8,
    },
    /// NFLOG TLV shorter than its own 4-byte header.
    #[error("NFLOG TLV length {length} is below 4")]
    NflogTlvLength {
        /// The TLV length field.
        length: u16,
    },
    /// PFLOG header length shorter than the fields read from it.
    #[error("PFLOG header length {length} is below 4")]
    PflogLength {
        /// The length byte.
        length: u8,
    },
}

/// How an IP, ICMP or UDP header contradicts itself. The byte offset is
/// carried by the enclosing [`Malformed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum IpError {
    /// The version nibble is neither 4 nor 6 where either could be.
    #[error("IP version {version} is neither 4 nor 6")]
    UnknownVersion {
        /// The version nibble.
        version: u8,
    },
    /// The version nibble differs from what the layer below announced.
    #[error("IP version {found}, expected {expected}")]
    VersionMismatch {
        /// The version the enclosing layer announced.
        expected: u8,
        /// The version nibble found.
        found: u8,
    },
    /// IPv4 internet header length below 5 words.
    #[error("IPv4 header length {ihl} words is below 5")]
    Ipv4HeaderLengthTooSmall {
        /// The IHL field, in 32-bit words.
        ihl: u8,
    },
    /// IPv4 total length shorter than the header itself (and not 0).
    #[error("IPv4 total length {total_length} is below the header length {header_len}")]
    Ipv4TotalLengthTooSmall {
        /// The total length field.
        total_length: u16,
        /// The header length in bytes.
        header_len: usize,
    },
    /// UDP length below its own 8-byte header (and not 0).
    #[error("UDP length {length} is below 8")]
    UdpLengthTooSmall {
        /// The length field.
        length: u16,
    },
}

/// How a tunnel header contradicts itself. The byte offset is carried by the
/// enclosing [`Malformed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum TunnelError {
    /// GRE version other than 0 (RFC 2784) or 1 (PPTP, RFC 2637).
    #[error("GRE version {version} is neither 0 nor 1")]
    GreVersion {
        /// The version bits.
        version: u8,
    },
    /// Enhanced GRE (version 1) without its key field.
    #[error("GRE version 1 without the key field")]
    GreVersion1WithoutKey,
    /// ERSPAN header version not the one its GRE protocol type announces.
    #[error("ERSPAN version {found}, expected {expected}")]
    ErspanVersion {
        /// The version the GRE protocol type announces (1 = type II, 2 = type III).
        expected: u8,
        /// The version bits found.
        found: u8,
    },
    /// A GTP-U extension header of length 0.
    #[error("GTP-U extension header of length 0")]
    GtpExtensionLength,
    /// EtherIP version other than 3 (RFC 3378).
    #[error("EtherIP version {version}, expected 3")]
    EtherIpVersion {
        /// The version nibble.
        version: u8,
    },
}

/// An IP fragment: the datagram must be reassembled before its TCP segment
/// can be read (the first fragment may hold the TCP header, but its payload is
/// incomplete and its checksum covers bytes not in this frame).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fragment {
    /// Source address of the fragmented datagram.
    pub source: IpAddr,
    /// Destination address of the fragmented datagram.
    pub destination: IpAddr,
    /// Identification (16 bits in IPv4, 32 in the IPv6 fragment header).
    pub identification: u32,
    /// Offset of this fragment's data in the datagram, in bytes.
    pub offset: u16,
    /// More fragments follow.
    pub more_fragments: bool,
    /// Protocol of the reassembled payload.
    pub protocol: IpNumber,
    /// Where this fragment's data starts in the frame given to
    /// [`decode`](fn@crate::wire::decode): just after the IPv4 header, or
    /// just after the IPv6 fragment header, at whatever depth of
    /// encapsulation the fragmented IP header lies.
    pub payload_offset: usize,
    /// How many bytes of this fragment's data the frame holds: the data the
    /// IP length fields declare, cut to the bytes captured (and to any
    /// enclosing length). Less than declared means the fragment was cut by
    /// the snapshot length.
    pub payload_len: usize,
}

impl Fragment {
    /// This fragment's data in `frame` (the frame given to
    /// [`decode`](fn@crate::wire::decode)), or `None` if the range does not
    /// lie in `frame` (another frame was given).
    #[must_use]
    pub fn payload<'a>(&self, frame: &'a [u8]) -> Option<&'a [u8]> {
        frame.get(self.payload_offset..self.payload_offset.checked_add(self.payload_len)?)
    }
}

impl fmt::Display for Fragment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} fragment {} -> {} id 0x{:x} offset {}{}",
            self.protocol,
            self.source,
            self.destination,
            self.identification,
            self.offset,
            if self.more_fragments {
                " (more follow)"
            } else {
                " (last)"
            }
        )
    }
}

/// A layer parser's error, with offsets relative to the first byte of the
/// layer's header (and `available` counted from `offset` within the bytes the
/// parser was given).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// The bytes end before `required` bytes from `offset`.
    Truncated {
        offset: usize,
        required: usize,
        available: usize,
    },
    /// A field contradicts the header.
    Malformed { offset: usize, error: LayerError },
    /// The payload from `offset` is encrypted.
    Encrypted { offset: usize },
    /// A variant recognised but not walked, decided by the field at `offset`.
    Unsupported { offset: usize, value: u32 },
    /// An IP fragment.
    Fragment(Fragment),
}

impl Fault {
    /// The frame-level error: `layer`'s header starts at byte `at` of the frame.
    /// This is the one place offsets become absolute.
    pub(crate) fn in_frame(self, layer: Layer, at: usize) -> DecodeError {
        match self {
            Fault::Truncated {
                offset,
                required,
                available,
            } => DecodeError::Truncated(Truncated {
                layer,
                offset: at.saturating_add(offset),
                required,
                available,
            }),
            Fault::Malformed { offset, error } => DecodeError::Malformed(Malformed {
                layer,
                offset: at.saturating_add(offset),
                error,
            }),
            Fault::Encrypted { offset } => DecodeError::Encrypted {
                layer,
                offset: at.saturating_add(offset),
            },
            Fault::Unsupported { offset, value } => DecodeError::Unsupported {
                layer,
                offset: at.saturating_add(offset),
                value,
            },
            Fault::Fragment(fragment) => DecodeError::Fragment(Fragment {
                payload_offset: at.saturating_add(fragment.payload_offset),
                ..fragment
            }),
        }
    }
}

impl LinkError {
    /// This error, found at `offset` of the layer's header.
    pub(crate) fn at(self, offset: usize) -> Fault {
        Fault::Malformed {
            offset,
            error: LayerError::Link(self),
        }
    }
}

impl IpError {
    /// This error, found at `offset` of the layer's header.
    pub(crate) fn at(self, offset: usize) -> Fault {
        Fault::Malformed {
            offset,
            error: LayerError::Ip(self),
        }
    }
}

impl TunnelError {
    /// This error, found at `offset` of the layer's header.
    pub(crate) fn at(self, offset: usize) -> Fault {
        Fault::Malformed {
            offset,
            error: LayerError::Tunnel(self),
        }
    }
}
