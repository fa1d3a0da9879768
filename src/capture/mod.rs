//! Streaming pcap/pcapng replay. (Being written.)
