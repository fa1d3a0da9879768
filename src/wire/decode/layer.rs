//! The layers a frame is walked through ([`Layer`]) and the path of one
//! segment ([`Encapsulation`]). A leaf: it names no other module.

use core::fmt;

/// The most layers [`decode`](fn@crate::wire::decode) walks through (and an [`Encapsulation`] holds);
/// a frame nested deeper is [`DecodeError::TooManyLayers`](crate::wire::DecodeError::TooManyLayers).
pub const MAX_LAYERS: usize = 24;

/// A protocol layer on the way to TCP: the elements of an [`Encapsulation`] and
/// the layer a [`DecodeError`](crate::wire::DecodeError) reason refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Layer {
    /// BSD null / loopback header.
    Null,
    /// OpenBSD loop header.
    Loop,
    /// Ethernet II or IEEE 802.3 header.
    Ethernet,
    /// An 802.1Q / 802.1ad / QinQ tag.
    Vlan,
    /// Cisco VN-Tag.
    VnTag,
    /// 802.1ah backbone service instance tag.
    Pbb,
    /// 802.2 LLC (with SNAP).
    Llc,
    /// FDDI MAC header.
    Fddi,
    /// Linux cooked capture v1.
    LinuxSll,
    /// Linux cooked capture v2.
    LinuxSll2,
    /// Netfilter NFLOG.
    Nflog,
    /// Packet filter log.
    Pflog,
    /// Cisco HDLC.
    CiscoHdlc,
    /// Radiotap.
    Radiotap,
    /// IEEE 802.11 MAC header.
    Ieee80211,
    /// One A-MSDU subframe.
    AmsduSubframe,
    /// PPP.
    Ppp,
    /// PPPoE session.
    Pppoe,
    /// MPLS label stack.
    Mpls,
    /// IPv4.
    Ipv4,
    /// IPv6 and its extension headers.
    Ipv6,
    /// IPsec authentication header (in IPv4).
    Ah,
    /// IPsec encapsulating security payload.
    Esp,
    /// GRE.
    Gre,
    /// ERSPAN type II/III header.
    Erspan,
    /// EtherIP.
    EtherIp,
    /// UDP.
    Udp,
    /// VXLAN.
    Vxlan,
    /// Geneve.
    Geneve,
    /// GTP-U.
    GtpU,
    /// AYIYA.
    Ayiya,
    /// Teredo.
    Teredo,
    /// ICMP.
    Icmp,
    /// ICMPv6.
    Icmpv6,
    /// TCP.
    Tcp,
}

impl Layer {
    /// A short human name ("802.1Q", "GTP-U").
    pub const fn name(self) -> &'static str {
        match self {
            Layer::Null => "BSD loopback",
            Layer::Loop => "OpenBSD loop",
            Layer::Ethernet => "Ethernet",
            Layer::Vlan => "802.1Q",
            Layer::VnTag => "VN-Tag",
            Layer::Pbb => "802.1ah",
            Layer::Llc => "LLC",
            Layer::Fddi => "FDDI",
            Layer::LinuxSll => "Linux SLL",
            Layer::LinuxSll2 => "Linux SLL2",
            Layer::Nflog => "NFLOG",
            Layer::Pflog => "PFLOG",
            Layer::CiscoHdlc => "Cisco HDLC",
            Layer::Radiotap => "Radiotap",
            Layer::Ieee80211 => "802.11",
            Layer::AmsduSubframe => "A-MSDU",
            Layer::Ppp => "PPP",
            Layer::Pppoe => "PPPoE",
            Layer::Mpls => "MPLS",
            Layer::Ipv4 => "IPv4",
            Layer::Ipv6 => "IPv6",
            Layer::Ah => "AH",
            Layer::Esp => "ESP",
            Layer::Gre => "GRE",
            Layer::Erspan => "ERSPAN",
            Layer::EtherIp => "EtherIP",
            Layer::Udp => "UDP",
            Layer::Vxlan => "VXLAN",
            Layer::Geneve => "Geneve",
            Layer::GtpU => "GTP-U",
            Layer::Ayiya => "AYIYA",
            Layer::Teredo => "Teredo",
            Layer::Icmp => "ICMP",
            Layer::Icmpv6 => "ICMPv6",
            Layer::Tcp => "TCP",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every layer, in declaration order: `ALL_LAYERS[layer as usize] == layer`.
#[cfg(test)]
const ALL_LAYERS: [Layer; 35] = [
    Layer::Null,
    Layer::Loop,
    Layer::Ethernet,
    Layer::Vlan,
    Layer::VnTag,
    Layer::Pbb,
    Layer::Llc,
    Layer::Fddi,
    Layer::LinuxSll,
    Layer::LinuxSll2,
    Layer::Nflog,
    Layer::Pflog,
    Layer::CiscoHdlc,
    Layer::Radiotap,
    Layer::Ieee80211,
    Layer::AmsduSubframe,
    Layer::Ppp,
    Layer::Pppoe,
    Layer::Mpls,
    Layer::Ipv4,
    Layer::Ipv6,
    Layer::Ah,
    Layer::Esp,
    Layer::Gre,
    Layer::Erspan,
    Layer::EtherIp,
    Layer::Udp,
    Layer::Vxlan,
    Layer::Geneve,
    Layer::GtpU,
    Layer::Ayiya,
    Layer::Teredo,
    Layer::Icmp,
    Layer::Icmpv6,
    Layer::Tcp,
];

/// The path walked so far: the [`Encapsulation`] being built, one byte per
/// layer appended in place (a store and an increment), handed over whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Path(Encapsulation);

impl Path {
    pub(crate) const EMPTY: Path = Path(Encapsulation::new());

    /// Appends a layer; `false` when full.
    #[inline]
    pub(crate) fn push(&mut self, layer: Layer) -> bool {
        self.0.push(layer)
    }

    /// Whether no layer can be appended.
    #[inline]
    pub(crate) fn is_full(&self) -> bool {
        self.0.len() >= MAX_LAYERS
    }

    /// The path as an [`Encapsulation`].
    #[inline]
    pub(crate) fn to_encapsulation(self) -> Encapsulation {
        self.0
    }
}

/// The layers walked to reach a segment, outermost first: a fixed array, no
/// allocation. `Display` writes them like `Ethernet / 802.1Q / IPv4 / TCP`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Encapsulation {
    layers: [Layer; MAX_LAYERS],
    len: u8,
}

impl Encapsulation {
    pub(crate) const fn new() -> Self {
        Self {
            layers: [Layer::Ethernet; MAX_LAYERS],
            len: 0,
        }
    }

    /// This path with `layer` appended (at compile time: a full path fails
    /// the build).
    pub(crate) const fn with(mut self, layer: Layer) -> Self {
        self.layers[self.len as usize] = layer;
        self.len += 1;
        self
    }

    /// Appends a layer; `false` when full.
    #[inline]
    pub(crate) fn push(&mut self, layer: Layer) -> bool {
        match self.layers.get_mut(usize::from(self.len)) {
            Some(slot) => {
                *slot = layer;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// The layers, outermost first.
    pub fn as_slice(&self) -> &[Layer] {
        self.layers.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Number of layers.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether no layer was walked.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the path went through `layer`.
    pub fn contains(&self, layer: Layer) -> bool {
        self.as_slice().contains(&layer)
    }

    /// How many IP headers the path holds (2 or more: a tunnel).
    pub fn ip_headers(&self) -> usize {
        self.as_slice()
            .iter()
            .filter(|l| matches!(l, Layer::Ipv4 | Layer::Ipv6))
            .count()
    }
}

impl fmt::Debug for Encapsulation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl fmt::Display for Encapsulation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, layer) in self.as_slice().iter().enumerate() {
            if i > 0 {
                f.write_str(" / ")?;
            }
            f.write_str(layer.name())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn layer_codes_index_the_table() {
        for (i, layer) in ALL_LAYERS.iter().enumerate() {
            assert_eq!(*layer as usize, i);
        }
    }

    #[test]
    fn path_unpacks_in_order() {
        let mut path = Path::EMPTY;
        let mut expected = Encapsulation::new();
        for i in 0..MAX_LAYERS {
            let layer = ALL_LAYERS[(i * 7) % ALL_LAYERS.len()];
            assert!(path.push(layer));
            assert!(expected.push(layer));
            assert_eq!(path.to_encapsulation(), expected);
        }
        assert!(path.is_full());
        assert!(!path.push(Layer::Tcp));
        assert_eq!(path.to_encapsulation().len(), MAX_LAYERS);
    }
}
