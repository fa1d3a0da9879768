//! Finding the capture corpus: `$SYNACK_CORPUS/captures/` (lab captures) and
//! `$SYNACK_CORPUS/captures-wild/` (Zeek's test traces), each capture beside its
//! `NAME.tshark.tsv`.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The two corpus directories, in the order the tests walk them.
pub const CORPORA: [&str; 2] = ["captures", "captures-wild"];

/// The corpus root from `SYNACK_CORPUS`.
///
/// When it is unset: with `CI` set the test must not pass silently, so this
/// panics with the reason; otherwise it prints a note and returns `None` (the
/// caller returns early).
pub fn root(test: &str) -> Option<PathBuf> {
    match std::env::var_os("SYNACK_CORPUS") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            for sub in CORPORA {
                assert!(
                    dir.join(sub).is_dir(),
                    "{test}: SYNACK_CORPUS={} holds no {sub}/ directory",
                    dir.display()
                );
            }
            Some(dir)
        }
        _ if std::env::var_os("CI").is_some() => panic!(
            "{test}: SYNACK_CORPUS is not set but CI is: point SYNACK_CORPUS at the corpus \
             directory (the one holding captures/ and captures-wild/) so that the corpus is checked"
        ),
        _ => {
            eprintln!(
                "note: {test}: SYNACK_CORPUS is not set, so the corpus is not checked \
                 (set it to the directory holding captures/ and captures-wild/)"
            );
            None
        }
    }
}

/// One capture of the corpus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capture {
    /// `captures` or `captures-wild`.
    pub corpus: &'static str,
    /// File name, e.g. `http-image.pcapng`.
    pub name: String,
    /// The capture file.
    pub path: PathBuf,
    /// Its tshark dump: `STEM.tshark.tsv` (a pcapng copy shares the pcap's).
    pub tsv: PathBuf,
}

/// Every `.pcap` and `.pcapng` of both corpora, sorted by name within each.
pub fn captures(root: &Path) -> Vec<Capture> {
    let mut all = Vec::new();
    for corpus in CORPORA {
        let dir = root.join(corpus);
        let mut here: Vec<Capture> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|entry| {
                let path = entry.ok()?.path();
                let name = path.file_name()?.to_str()?.to_string();
                let stem = name
                    .strip_suffix(".pcapng")
                    .or_else(|| name.strip_suffix(".pcap"))?
                    .to_string();
                let tsv = dir.join(format!("{stem}.tshark.tsv"));
                Some(Capture {
                    corpus,
                    name,
                    path,
                    tsv,
                })
            })
            .collect();
        here.sort_by(|a, b| a.name.cmp(&b.name));
        all.extend(here);
    }
    all
}

/// The *TCP segments* column of the capture table in `captures-wild/README.md`,
/// by file name (the count per the README's conventions, to check our own
/// counting of the TSVs against).
pub fn wild_readme_segments(root: &Path) -> HashMap<String, usize> {
    let text = fs::read_to_string(root.join("captures-wild/README.md")).unwrap_or_default();
    let mut out = HashMap::new();
    let mut in_table = false;
    for line in text.lines() {
        if line.starts_with("| file | format | link type | frames | TCP segments") {
            in_table = true;
            continue;
        }
        if in_table {
            if !line.starts_with('|') {
                break;
            }
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            // ["", file, format, link, frames, segments, ...]
            if let (Some(file), Some(segs)) = (cells.get(1), cells.get(5)) {
                if let Ok(n) = segs.parse::<usize>() {
                    out.insert(file.trim_matches('`').to_string(), n);
                }
            }
        }
    }
    out
}
