//! Runs `examples/follow.rs` and `examples/http_heads.rs` in-process (their
//! `run`) on the bundled capture (an HTTP GET of an image: 688 request bytes,
//! 44,142 response bytes, 44,830 in all per the corpus README;
//! `Content-Length: 43907`) and checks what they print and write.
#![cfg(feature = "pcap")]

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;

#[allow(dead_code)] // the example's `main`
#[path = "../examples/follow.rs"]
mod follow;
#[allow(dead_code)] // the example's `main`
#[path = "../examples/http_heads.rs"]
mod http_heads;

type Run = fn(&[OsString], &mut dyn Write, &mut dyn Write) -> u8;

/// An example's standard output and whether it exited with 0.
fn run(example: &str, args: &[&str]) -> (String, bool) {
    let run: Run = match example {
        "follow" => follow::run,
        "http_heads" => http_heads::run,
        other => panic!("no example {other}"),
    };
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(&args, &mut out, &mut err);
    (String::from_utf8_lossy(&out).into_owned(), code == 0)
}

#[test]
fn follow_writes_each_direction_exactly() {
    let dir = std::env::temp_dir().join(format!("synack-follow-{}", std::process::id()));
    let (text, ok) = run("follow", &["--out-dir", dir.to_str().unwrap()]);
    assert!(ok);
    // Not a terminal: no colour.
    assert!(!text.contains('\x1b'));
    assert!(text.contains("GET /images/IMG_4391.jpg HTTP/1.1\r\n"));
    let client = std::fs::read(dir.join("client.bin")).unwrap();
    let server = std::fs::read(dir.join("server.bin")).unwrap();
    assert_eq!((client.len(), server.len()), (688, 44142));
    assert!(client.starts_with(b"GET /images/IMG_4391.jpg HTTP/1.1\r\n"));
    assert!(server.starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert!(text.contains("client.bin: 688 bytes, 0 gap(s)"));
    let _ = std::fs::remove_dir_all(&dir);
    // --raw: tshark's raw format, the server's lines indented.
    let (raw, ok) = run("follow", &["--raw"]);
    assert!(ok);
    let lines: Vec<&str> = raw.lines().collect();
    assert!(lines[1].starts_with("474554202f696d61676573")); // "GET /images"
    assert!(lines[2].starts_with("\t485454502f312e3120323030")); // "HTTP/1.1 200"
    // A stream that does not exist is an error.
    let (_, ok) = run("follow", &["--stream", "7"]);
    assert!(!ok);
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/http-image.pcap");
    assert!(corpus.exists());
}

#[test]
fn http_heads_of_the_bundled_capture() {
    let (text, ok) = run("http_heads", &[]);
    assert!(ok);
    assert_eq!(
        text,
        "stream 0 request  GET /images/IMG_4391.jpg  no body\n\
         stream 0 response 200 OK  content-length 43907  body whole\n"
    );
}
