use std::path::PathBuf;
fn walk(d: &std::path::Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(d).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { walk(&p, out) } else if p.to_string_lossy().contains(".pcap") { out.push(p) }
    }
}
fn main() {
    let mut files = Vec::new();
    walk(std::path::Path::new("/work/shared/captures"), &mut files);
    walk(std::path::Path::new("/work/shared/captures-wild"), &mut files);
    let (mut segs, mut diff, mut frames, mut routed, mut v6) = (0u64, 0u64, 0u64, 0u64, 0u64);
    for f in &files {
        let Ok(mut r) = new::capture::CaptureReader::open(f) else { eprintln!("skip {f:?}"); continue };
        while let Some(rec) = r.next_record() {
            let Ok(rec) = rec else { break };
            frames += 1;
            let lt = old::wire::LinkType(rec.link_type.0);
            let a: Vec<_> = old::wire::decode_all(lt, rec.data).collect();
            let b: Vec<_> = new::wire::decode_all(rec.link_type, rec.data).collect();
            assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(&b) {
                match (x.tcp(), y.tcp()) {
                    (Some(x), Some(y)) => {
                        segs += 1;
                        if let old::wire::PseudoHeader::V6 { destination, .. } = x.pseudo_header { v6 += 1; if std::net::IpAddr::V6(destination) != x.destination.ip() { routed += 1; } }
                        let same = format!("{:?}", x.pseudo_header) == format!("{:?}", y.pseudo_header())
                            && x.verify_checksum().tshark_status() == y.verify_checksum().tshark_status()
                            && format!("{:?}", x.verify_checksum()) == format!("{:?}", y.verify_checksum())
                            && x.source == y.source && x.destination == y.destination
                            && x.payload == y.payload && x.payload_len == y.payload_len
                            && x.ip_len == y.ip_len && x.offset == y.offset
                            && x.encapsulation.to_string() == y.encapsulation.to_string();
                        if !same { diff += 1; eprintln!("DIFF {f:?} frame {}", rec.frame_number()); }
                    }
                    (None, None) => {}
                    _ => { diff += 1; eprintln!("KIND {f:?}"); }
                }
            }
        }
    }
    println!("files {} frames {frames} segments {segs} differing {diff} v6 {v6} routed {routed}", files.len());
}
