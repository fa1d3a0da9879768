//! The whole library pipeline on a large capture, as an analyzer runs it: records
//! replayed by [`CaptureReader`], each decoded by [`wire::decode`], each TCP segment
//! handed to a [`Tracker`] with its capture time, and every field of the answer read
//! (stream, side, relative seq/ack/nxtseq, length, windows, both states, every
//! analysis value), with the events of connections leaving the table drained after
//! every segment and their summaries read too.
//!
//! The capture is the file `$SYNACK_BIG` names (made by `scripts/make-large-capture.sh`,
//! about 2 million packets) when it is set, else the largest capture of the corpus
//! (`$SYNACK_CORPUS/captures` and `captures-wild`, or `../shared` beside the
//! repository). It is read into memory once, outside the timed loops, so the figures
//! do not depend on the disk or the page cache.
//!
//! One group, `pipeline/<capture>`, three rows on the same bytes:
//! * `records only` — iterate the records and touch their length: the floor;
//! * `decode only` — records + `wire::decode`, reading ports, seq, ack, flags, window
//!   and payload length;
//! * `decode+track` — the whole pipeline, with `TrackerConfig::default()` (bounded
//!   table, as `analyze` runs).
//!
//! Throughput is reported per packet (records of the file) and per byte of the file.
//! Budget: `decode+track` at 5 M packets/s or more on one core.
//!
//! **Clock.** The rows are timed in CPU time of the benchmark thread (Linux
//! `/proc/thread-self/sched`, `se.sum_exec_runtime`, nanoseconds), not wall time, so
//! that "on one core" holds on a machine shared with other work: time the thread
//! spends waiting for a CPU is not counted. Where that file cannot be read the clock
//! falls back to wall time (and says so on stderr).
//!
//! `SYNACK_BIG=/work/big/large.pcap cargo bench --bench pipeline -- --warm-up-time 1 --measurement-time 3`
//!
//! For instruction counts, `SYNACK_PIPELINE_ONCE=track` (or `decode`, `records`)
//! runs one row once, without Criterion (see `main`), e.g. under
//! `valgrind --tool=callgrind`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput, criterion_group};
use synack::capture::CaptureReader;
use synack::state::{Side, State};
use synack::track::{TrackedSegment, Tracker, TrackerConfig};
use synack::wire::{Decoded, decode};

/// The capture to run: `$SYNACK_BIG`, else the largest corpus capture.
fn capture() -> Option<(String, Vec<u8>)> {
    if let Some(big) = std::env::var_os("SYNACK_BIG") {
        let path = PathBuf::from(big);
        match std::fs::read(&path) {
            Ok(bytes) => return Some((file_name(&path), bytes)),
            Err(e) => eprintln!("note: SYNACK_BIG={}: {e}", path.display()),
        }
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::var_os("SYNACK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../shared"));
    let mut largest: Option<(u64, PathBuf)> = None;
    for dir in ["captures", "captures-wild"] {
        let Ok(entries) = std::fs::read_dir(corpus.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let is_capture = path
                .extension()
                .is_some_and(|e| e == "pcap" || e == "pcapng");
            let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
            if is_capture && largest.as_ref().is_none_or(|(l, _)| len > *l) {
                largest = Some((len, path));
            }
        }
    }
    let path = match largest {
        Some((_, path)) => path,
        None => {
            eprintln!(
                "note: no corpus at {}; set SYNACK_CORPUS or SYNACK_BIG. Using the bundled capture",
                corpus.display()
            );
            manifest.join("tests/data/http-image.pcap")
        }
    };
    let bytes = std::fs::read(&path).ok()?;
    Some((file_name(&path), bytes))
}

fn file_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "capture".into())
}

/// Iterates the records without decoding them: the floor.
fn records_only(bytes: &[u8]) -> u64 {
    let Ok(mut reader) = CaptureReader::new(bytes) else {
        return 0;
    };
    let mut total = 0u64;
    while let Some(Ok(record)) = reader.next_record() {
        total = total
            .wrapping_add(record.data.len() as u64)
            .wrapping_add(u64::from(record.original_len));
    }
    total
}

/// Records + decode, reading what a user reads of a segment before tracking.
fn decode_only(bytes: &[u8]) -> u64 {
    let Ok(mut reader) = CaptureReader::new(bytes) else {
        return 0;
    };
    let mut total = 0u64;
    while let Some(Ok(record)) = reader.next_record() {
        if let Decoded::Tcp(p) = decode(record.link_type, record.data) {
            let h = &p.header;
            total = total
                .wrapping_add(u64::from(p.source().port()) ^ u64::from(p.destination().port()))
                .wrapping_add(u64::from(h.sequence_number().0))
                .wrapping_add(u64::from(h.acknowledgment_number().0))
                .wrapping_add(u64::from(h.flags().bits()))
                .wrapping_add(u64::from(h.window_size()))
                .wrapping_add(u64::from(p.payload_len));
        }
    }
    total
}

fn state_code(state: State) -> u64 {
    state as u64
}

/// Every field of the tracker's answer folded into one number.
fn read_answer(t: &TrackedSegment) -> u64 {
    let a = &t.analysis;
    let o = &t.observation;
    let mut x = t.stream;
    x = x
        .wrapping_mul(31)
        .wrapping_add(u64::from(t.side == Side::Client));
    x = x.wrapping_mul(31).wrapping_add(u64::from(t.seq));
    x = x
        .wrapping_mul(31)
        .wrapping_add(u64::from(t.ack.unwrap_or(0)));
    x = x.wrapping_mul(31).wrapping_add(u64::from(t.next_seq));
    x = x.wrapping_mul(31).wrapping_add(u64::from(t.len));
    x = x.wrapping_mul(31).wrapping_add(u64::from(t.window));
    x = x
        .wrapping_mul(31)
        .wrapping_add(u64::from(t.window_scaled.unwrap_or(0)));
    x = x.wrapping_mul(31).wrapping_add(state_code(o.sender));
    x = x.wrapping_mul(31).wrapping_add(state_code(o.receiver));
    x = x.wrapping_mul(31).wrapping_add(o.transitions.len() as u64);
    x = x.wrapping_mul(31).wrapping_add(u64::from(a.flags.bits()));
    if let Some(d) = a.duplicate_ack {
        x = x
            .wrapping_mul(31)
            .wrapping_add(u64::from(d.number))
            .wrapping_add(d.frame);
    }
    x = x.wrapping_mul(31).wrapping_add(a.acks_frame.unwrap_or(0));
    x = x
        .wrapping_mul(31)
        .wrapping_add(a.ack_rtt.map_or(0, |d| d.as_nanos() as u64));
    x = x
        .wrapping_mul(31)
        .wrapping_add(a.initial_rtt.map_or(0, |d| d.as_nanos() as u64));
    x.wrapping_mul(31)
        .wrapping_add(u64::from(a.bytes_in_flight.unwrap_or(0)))
}

/// The whole pipeline: replay, decode, track, read every answer and every event.
fn decode_track(bytes: &[u8]) -> u64 {
    let Ok(mut reader) = CaptureReader::new(bytes) else {
        return 0;
    };
    let mut tracker = Tracker::new(TrackerConfig::default());
    let mut total = 0u64;
    let mut summaries = 0u64;
    while let Some(Ok(record)) = reader.next_record() {
        let time = record.timestamp.to_duration().unwrap_or(Duration::ZERO);
        if let Decoded::Tcp(p) = decode(record.link_type, record.data) {
            let answer = tracker.track(record.frame_number(), time, &p);
            total = total.wrapping_add(read_answer(&answer));
        }
        while let Some(event) = tracker.poll_event() {
            let s = event.summary();
            summaries = summaries
                .wrapping_add(s.stream)
                .wrapping_add(s.packets[0] + s.packets[1])
                .wrapping_add(s.payload_bytes[0] ^ s.payload_bytes[1])
                .wrapping_add(s.duration().as_nanos() as u64);
        }
    }
    tracker.finish();
    while let Some(event) = tracker.poll_event() {
        summaries = summaries.wrapping_add(event.summary().packets[0]);
    }
    total ^ summaries
}

fn bench(c: &mut Criterion<ThreadCpuTime>) {
    let Some((name, bytes)) = capture() else {
        eprintln!("note: no capture to benchmark");
        return;
    };
    let packets = CaptureReader::new(bytes.as_slice())
        .map(|r| r.count_records())
        .unwrap_or(0);
    eprintln!(
        "pipeline: {name}, {packets} packets, {:.1} MiB",
        bytes.len() as f64 / 1048576.0
    );
    let mut group = c.benchmark_group(format!("pipeline/{name}"));
    group.sample_size(10);
    group.throughput(Throughput::ElementsAndBytes {
        elements: packets,
        bytes: bytes.len() as u64,
    });
    group.bench_function("records only", |b| {
        b.iter(|| records_only(black_box(&bytes)))
    });
    group.bench_function("decode only", |b| b.iter(|| decode_only(black_box(&bytes))));
    group.bench_function("decode+track", |b| {
        b.iter(|| decode_track(black_box(&bytes)))
    });
    group.finish();
}

/// Counting records, for the throughput figure.
trait CountRecords {
    fn count_records(self) -> u64;
}

impl CountRecords for CaptureReader<&[u8]> {
    fn count_records(mut self) -> u64 {
        let mut n = 0;
        while let Some(Ok(_)) = self.next_record() {
            n += 1;
        }
        n
    }
}

/// CPU time of the calling thread in nanoseconds, from `/proc/thread-self/sched`.
fn thread_cpu_nanos() -> Option<u64> {
    let sched = std::fs::read_to_string("/proc/thread-self/sched").ok()?;
    let line = sched
        .lines()
        .find(|l| l.trim_start().starts_with("se.sum_exec_runtime"))?;
    // "se.sum_exec_runtime   :   1234.567890" — milliseconds with six decimals.
    let value = line.split(':').nth(1)?.trim();
    let (ms, frac) = value.split_once('.').unwrap_or((value, "0"));
    let mut ns: u64 = ms.parse::<u64>().ok()?.checked_mul(1_000_000)?;
    let frac = format!("{frac:0<6}");
    ns = ns.checked_add(frac.get(..6)?.parse::<u64>().ok()?)?;
    Some(ns)
}

/// Criterion measurement: CPU time of the benchmark thread (wall time as fallback).
struct ThreadCpuTime {
    cpu: bool,
    epoch: std::time::Instant,
}

impl ThreadCpuTime {
    fn new() -> Self {
        let cpu = thread_cpu_nanos().is_some();
        if !cpu {
            eprintln!("note: /proc/thread-self/sched unreadable; timing in wall time");
        }
        ThreadCpuTime {
            cpu,
            epoch: std::time::Instant::now(),
        }
    }

    fn now(&self) -> u64 {
        if self.cpu {
            if let Some(ns) = thread_cpu_nanos() {
                return ns;
            }
        }
        self.epoch.elapsed().as_nanos() as u64
    }
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        self.now()
    }

    fn end(&self, start: u64) -> u64 {
        self.now().saturating_sub(start)
    }

    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &NanosFormatter
    }
}

/// Formats nanoseconds and rates per second, as criterion's wall-time formatter does.
struct NanosFormatter;

/// Scales `values` (amounts per `values[i]` nanoseconds) to a rate per second.
fn per_second(
    amount: f64,
    typical: f64,
    values: &mut [f64],
    units: [&'static str; 4],
    base: f64,
) -> &'static str {
    let rate = amount * 1e9 / typical;
    let (mut div, mut unit) = (1.0, units[0]);
    for (i, u) in units.iter().enumerate().skip(1) {
        if rate >= base.powi(i as i32) {
            div = base.powi(i as i32);
            unit = u;
        }
    }
    for v in values {
        *v = amount * 1e9 / *v / div;
    }
    unit
}

impl ValueFormatter for NanosFormatter {
    fn scale_values(&self, ns: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if ns < 1e3 {
            (1.0, "ns")
        } else if ns < 1e6 {
            (1e-3, "µs")
        } else if ns < 1e9 {
            (1e-6, "ms")
        } else {
            (1e-9, "s")
        };
        for v in values {
            *v *= factor;
        }
        unit
    }

    fn scale_throughputs(
        &self,
        typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        match *throughput {
            Throughput::Bytes(b) | Throughput::BytesDecimal(b) => per_second(
                b as f64,
                typical,
                values,
                ["B/s", "KiB/s", "MiB/s", "GiB/s"],
                1024.0,
            ),
            Throughput::Bits(b) => per_second(
                b as f64,
                typical,
                values,
                ["b/s", "Kb/s", "Mb/s", "Gb/s"],
                1000.0,
            ),
            Throughput::Elements(e) | Throughput::ElementsAndBytes { elements: e, .. } => {
                per_second(
                    e as f64,
                    typical,
                    values,
                    ["elem/s", "Kelem/s", "Melem/s", "Gelem/s"],
                    1000.0,
                )
            }
        }
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime::new());
    targets = bench
}

/// `SYNACK_PIPELINE_ONCE=MODE` (`records`, `decode` or `track`) runs that row
/// once over the capture and prints its checksum, without Criterion: what a
/// callgrind run of the pipeline measures (instructions per packet = the
/// difference of two modes' totals over the packet count).
fn main() {
    if let Ok(mode) = std::env::var("SYNACK_PIPELINE_ONCE") {
        let Some((name, bytes)) = capture() else {
            eprintln!("note: no capture");
            return;
        };
        let packets = CaptureReader::new(bytes.as_slice())
            .map(|r| r.count_records())
            .unwrap_or(0);
        let sum = match mode.as_str() {
            "records" => records_only(black_box(&bytes)),
            "decode" => decode_only(black_box(&bytes)),
            _ => decode_track(black_box(&bytes)),
        };
        println!("{name}: {packets} packets, {mode}: {sum}");
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
