fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args[1].as_str();
    let reps: usize = args[2].parse().unwrap();
    let which = args.get(3).map(String::as_str).unwrap_or("bulk-loss");
    let caps = captures();
    let (_, file) = caps.iter().find(|(n, _)| *n == which).expect("capture");
    let fr = frames(file);
    let hs: Vec<Vec<u8>> = fr.iter().filter_map(|f| match decode(LinkType::ETHERNET, f) { Decoded::Tcp(p) => Some(p.header.slice().to_vec()), _ => None }).collect();
    eprintln!("{which}: {} frames, {} headers", fr.len(), hs.len());
    let mut t = 0u64;
    let start = std::time::Instant::now();
    for _ in 0..reps {
        t = t.wrapping_add(match mode {
            "none" => 0,
            "decode" => synack_decode(black_box(&fr)),
            "dnoaddr" => { let mut t = 0u64; for f in &fr { if let Decoded::Tcp(p) = decode(LinkType::ETHERNET, black_box(f)) { t = t.wrapping_add(p.header.sequence_number().0 as u64 + p.payload.len() as u64); } } t }
            "dtag" => { let mut t = 0u64; for f in &fr { if let Decoded::Tcp(_) = decode(LinkType::ETHERNET, black_box(f)) { t += 1; } } t }
            "eslice" => etherparse_slice(black_box(&fr)),
            "parse" => synack_parse(black_box(&hs)),
            "eparse" => etherparse_parse(black_box(&hs)),
            "hand" => handwritten::parse(black_box(&hs)),
            _ => panic!(),
        });
    }
    let el = start.elapsed();
    let n = if mode.ends_with("slice") || mode.starts_with("d") { fr.len() } else { hs.len() };
    eprintln!("{mode}: {:.1} ns/item", el.as_nanos() as f64 / (reps * n.max(1)) as f64);
    println!("{t}");
}
