//! The glue between one [`Endpoint`] and the TUN device — the only file that calls
//! the `Endpoint` and `Observer` APIs (so an API change is adapted here).
//!
//! [`Conn`] holds the endpoint, the bytes its user sends and receives (the
//! endpoint itself counts sequence numbers, it holds no bytes), the loss to inject,
//! and the evidence: every state change, and the kernel's segments decoded and
//! classified (retransmissions, RSTs, windows). [`Lab`] is the TUN device, the peer
//! process and the clock; [`Lab::drive`] runs the event loop.
//!
//! What the example adds to the state machine is what a TCP user and the lower
//! layers add: which bytes to send and when (up to the usable window and the peer's
//! MSS; a zero-window probe when the window is closed; a retransmission timer and
//! fast retransmit on three duplicate ACKs, both calling `Endpoint::retransmit`),
//! ports, payload, IP header and checksums ([`super::packet::ip_packet`]).

use std::collections::HashMap;
use std::io::Write;
use std::process::ChildStdin;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use synack::state::{
    Cause, Config, Disposition, Endpoint, Observer, Reply, Side, State, Transition, Transitions,
};
use synack::track::{AnalysisFlags, Tracker, TrackerConfig};
use synack::{flags::TcpFlags, segment::Segment, seq::SeqNum};

use super::netns::Netns;
use super::packet::{Flow, Received, decode, ip_packet, track};
use super::trace::Tracer;
use super::{KERNEL_IP, OUR_IP};

/// First retransmission timeout; doubles up to [`MAX_RTO`].
const RTO: Duration = Duration::from_millis(250);
const MAX_RTO: Duration = Duration::from_secs(2);
/// Delay before a zero-window probe.
const PERSIST: Duration = Duration::from_millis(200);

/// The endpoint's configuration in every scenario: the ISN offset, the receive
/// window and window-scale shift offered, MSS 1460, MSL 250 ms (so TIME-WAIT lasts
/// half a second), user timeout 10 s.
pub fn config(isn_offset: u32, window: u32, window_scale: Option<u8>) -> Config {
    Config {
        isn_offset,
        window,
        window_scale,
        msl: Duration::from_millis(250),
        user_timeout: Some(Duration::from_secs(10)),
        ..Config::default()
    }
}

/// The analysis flags that mark a kernel segment as a retransmission, and their
/// names in the evidence.
pub const RETRANSMISSION_FLAGS: [AnalysisFlags; 4] = [
    AnalysisFlags::RETRANSMISSION,
    AnalysisFlags::FAST_RETRANSMISSION,
    AnalysisFlags::SPURIOUS_RETRANSMISSION,
    AnalysisFlags::OUT_OF_ORDER,
];

/// The same configuration, offering SACK-permitted (RFC 2018) and timestamps (RFC
/// 7323) in its SYN.
pub fn with_sack_and_timestamps(config: Config) -> Config {
    Config {
        sack_permitted: true,
        timestamps: true,
        ..config
    }
}

/// The TUN device's MTU (Linux's default): no packet we write may be longer.
pub const MTU: usize = 1500;

/// Bytes of TCP options on every segment once timestamps are in use: the option's
/// 10 bytes and 2 of padding.
const TIMESTAMPS_LEN: u16 = 12;

/// The laboratory: TUN device, peer process, clock.
pub struct Lab {
    /// The namespace (removes everything by name when the lab is dropped).
    pub ns: Netns,
    tun: Arc<tun_tap::Iface>,
    packets: Receiver<Vec<u8>>,
    peer_in: ChildStdin,
    peer_lines: Receiver<String>,
    /// The peer's process id (its `/proc/PID/net` is the namespace's).
    pub peer_pid: u32,
    answers: HashMap<u32, Result<String, String>>,
    next_tag: u32,
    start: Instant,
    ip_id: u16,
    /// Kernel segments to ports no scenario is using, and how many were RSTs.
    pub strays: (u32, u32),
    /// Every packet on the TUN device, both ways, when `--pcap FILE` is given.
    pcap: Option<std::io::BufWriter<std::fs::File>>,
    /// The kernel's state changes from its tracepoint, or why they are not available.
    pub tracer: Result<Tracer, String>,
    /// The crate's connection tracker, fed every packet on the TUN device both ways
    /// (what Wireshark would see capturing there).
    tracker: Tracker,
    /// Packets on the TUN device so far (the tracker's frame numbers).
    frames: u64,
    /// The tracker's analysis of the latest packet.
    last_analysis: Option<AnalysisFlags>,
}

impl Drop for Lab {
    fn drop(&mut self) {
        if let Some(w) = self.pcap.as_mut() {
            let _ = w.flush();
        }
        // The tracer before the namespace: the namespace's drop ends the reaper,
        // which would find the tracing instance still open.
        self.tracer = Err("stopped".into());
    }
}

impl Lab {
    /// Assembles the laboratory.
    pub fn new(
        ns: Netns,
        tun: Arc<tun_tap::Iface>,
        packets: Receiver<Vec<u8>>,
        peer: (ChildStdin, Receiver<String>, u32),
    ) -> Lab {
        Lab {
            ns,
            tun,
            packets,
            peer_in: peer.0,
            peer_lines: peer.1,
            peer_pid: peer.2,
            answers: HashMap::new(),
            next_tag: 1,
            start: Instant::now(),
            ip_id: 1,
            strays: (0, 0),
            pcap: None,
            tracer: Err("not started".into()),
            tracker: Tracker::new(TrackerConfig::unbounded()),
            frames: 0,
            last_analysis: None,
        }
    }

    /// Writes every packet on the TUN device, both ways, to a pcap file (link type
    /// RAW, microsecond timestamps of the wall clock).
    pub fn record_pcap(&mut self, path: &str) -> Result<(), String> {
        let file = std::fs::File::create(path).map_err(|e| format!("{path}: {e}"))?;
        let mut w = std::io::BufWriter::new(file);
        let mut header = Vec::with_capacity(24);
        header.extend_from_slice(&0xa1b2_c3d4_u32.to_le_bytes());
        header.extend_from_slice(&2u16.to_le_bytes());
        header.extend_from_slice(&4u16.to_le_bytes());
        header.extend_from_slice(&[0; 8]); // thiszone, sigfigs
        header.extend_from_slice(&65535u32.to_le_bytes());
        header.extend_from_slice(&101u32.to_le_bytes()); // LINKTYPE_RAW
        w.write_all(&header).map_err(|e| format!("{path}: {e}"))?;
        self.pcap = Some(w);
        Ok(())
    }

    /// Every packet on the TUN device, both ways: to the tracker, and to the pcap file.
    fn capture(&mut self, packet: &[u8]) {
        self.frames += 1;
        let now = self.now();
        self.last_analysis = track(&mut self.tracker, self.frames, now, packet);
        let Some(w) = self.pcap.as_mut() else { return };
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let len = packet.len() as u32;
        let mut record = Vec::with_capacity(16 + packet.len());
        record.extend_from_slice(&(t.as_secs() as u32).to_le_bytes());
        record.extend_from_slice(&t.subsec_micros().to_le_bytes());
        record.extend_from_slice(&len.to_le_bytes());
        record.extend_from_slice(&len.to_le_bytes());
        record.extend_from_slice(packet);
        if w.write_all(&record).is_err() {
            eprintln!("interop: cannot write the pcap file; stopping it");
            self.pcap = None;
        }
    }

    /// Waits (up to 5 s) for the peer to say it runs inside the namespace.
    pub fn wait_ready(&mut self) -> Result<(), String> {
        let end = Instant::now() + Duration::from_secs(5);
        while Instant::now() < end {
            self.collect();
            if self.answers.contains_key(&0) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        Err("the peer did not start in the namespace".into())
    }

    /// Capture time for the endpoint: a monotonic duration since the lab started.
    pub fn now(&self) -> Duration {
        self.start.elapsed()
    }

    /// Sends a command to the kernel-side peer; returns its tag.
    pub fn cmd(&mut self, text: &str) -> u32 {
        let tag = self.next_tag;
        self.next_tag += 1;
        let _ = writeln!(self.peer_in, "{tag} {text}");
        let _ = self.peer_in.flush();
        tag
    }

    /// The peer's answer to command `tag`, once it came.
    pub fn answer(&self, tag: u32) -> Option<Result<String, String>> {
        self.answers.get(&tag).cloned()
    }

    fn collect(&mut self) {
        while let Ok(line) = self.peer_lines.try_recv() {
            let mut words = line.splitn(3, ' ');
            let (Some(tag), Some(status)) = (words.next(), words.next()) else {
                continue;
            };
            let text = words.next().unwrap_or("").to_string();
            if let Ok(tag) = tag.parse() {
                let r = if status == "ok" { Ok(text) } else { Err(text) };
                self.answers.insert(tag, r);
            }
        }
    }

    fn write(&mut self, packet: &[u8]) {
        self.capture(packet);
        if let Err(e) = self.tun.send(packet) {
            eprintln!("interop: TUN write failed: {e}");
        }
    }

    /// The kernel's state for `c`'s connection as `ss -tan` shows it, in this
    /// crate's names; `None` when the kernel has no such socket.
    pub fn kernel_state(&self, c: &Conn) -> Option<String> {
        let local = format!("{KERNEL_IP}:{}", c.ours.dport);
        let peer = format!("{OUR_IP}:{}", c.ours.sport);
        self.ns
            .sockets()
            .into_iter()
            .find(|(_, l, p)| *l == local && *p == peer)
            .map(|(state, _, _)| ss_state(&state))
    }

    /// Samples the kernel's state into `c.kernel_path` and returns it (`CLOSED` when
    /// there is no socket).
    pub fn sample(&self, c: &mut Conn) -> String {
        let s = self.kernel_state(c).unwrap_or_else(|| "CLOSED".to_string());
        if c.kernel_path.last() != Some(&s) {
            c.kernel_path.push(s.clone());
        }
        s
    }

    /// Runs the event loop for `c` until `done` holds (then `true`) or `budget`
    /// passes (then `false`).
    pub fn drive(
        &mut self,
        c: &mut Conn,
        budget: Duration,
        mut done: impl FnMut(&mut Lab, &mut Conn) -> bool,
    ) -> bool {
        let end = Instant::now() + budget;
        loop {
            self.collect();
            if let Ok(tracer) = self.tracer.as_mut() {
                for ch in tracer.poll() {
                    if ch.daddr == OUR_IP.to_string() && ch.dport == c.ours.sport {
                        c.kernel_trace.push((ch.old, ch.new));
                    }
                }
            }
            c.timers(self);
            c.output(self);
            if done(self, c) {
                return true;
            }
            if Instant::now() >= end {
                return false;
            }
            if let Ok(p) = self.packets.recv_timeout(Duration::from_millis(2)) {
                self.capture(&p);
                c.input(self, &p);
                while let Ok(p) = self.packets.try_recv() {
                    self.capture(&p);
                    c.input(self, &p);
                }
            }
        }
    }

    /// Drives `c` until the peer answers command `tag`; the answer, or `Err` on timeout.
    pub fn wait(&mut self, c: &mut Conn, tag: u32, budget: Duration) -> Result<String, String> {
        if self.drive(c, budget, |lab, _| lab.answer(tag).is_some()) {
            self.answer(tag).unwrap_or(Err("no answer".into()))
        } else {
            Err(format!("no answer from the peer within {budget:?}"))
        }
    }

    /// Drives `c` for `d`.
    pub fn idle(&mut self, c: &mut Conn, d: Duration) {
        self.drive(c, d, |_, _| false);
    }
}

/// `ss` state names to this crate's.
fn ss_state(s: &str) -> String {
    match s {
        "ESTAB" => "ESTABLISHED",
        "SYN-SENT" => "SYN_SENT",
        "SYN-RECV" => "SYN_RECEIVED",
        "FIN-WAIT-1" => "FIN_WAIT_1",
        "FIN-WAIT-2" => "FIN_WAIT_2",
        "TIME-WAIT" => "TIME_WAIT",
        "CLOSE-WAIT" => "CLOSE_WAIT",
        "LAST-ACK" => "LAST_ACK",
        "CLOSING" => "CLOSING",
        "LISTEN" => "LISTEN",
        other => other,
    }
    .to_string()
}

/// One connection: our endpoint, its user's bytes, injected loss, evidence.
pub struct Conn {
    /// The state machine.
    ep: Endpoint,
    /// Our direction: `OUR_IP:sport -> KERNEL_IP:dport` (`dport` 0 until a passive
    /// open learns it from the kernel's SYN).
    pub ours: Flow,
    /// Everything our user sends, and how much of it was handed to `send`.
    pub tx: Vec<u8>,
    tx_sent: usize,
    /// Sequence number of the first data byte (ISS + 1), once our SYN is chosen.
    data_start: Option<SeqNum>,
    /// The bytes received in order.
    pub rx: Vec<u8>,
    /// Close once everything in `tx` is sent.
    pub want_close: bool,
    /// Call CLOSE when the kernel's FIN arrives, before it is processed (FINs cross).
    pub close_on_kernel_fin: bool,
    /// Call CONNECT when the kernel's SYN arrives at our CLOSED endpoint, before it
    /// is processed (SYNs cross: simultaneous open).
    pub connect_on_kernel_syn: bool,
    /// Hold our answer to the kernel's FIN this long (to see the kernel's state).
    pub hold_fin_ack: Option<Duration>,
    held: Vec<(Duration, Vec<u8>, Segment)>,
    /// The crate's passive `Observer`, capturing at the TUN device: it sees every
    /// segment the kernel sends (before we drop any) and every segment we write.
    obs: Observer,
    /// Which side the endpoint is for the observer (the client sent the first SYN).
    our_side: Option<Side>,
    /// Every state the observer inferred for each side (indexed by `Side::index`).
    obs_paths: [Vec<State>; 2],
    /// The observer's transitions as reported, `side: FROM -> TO (cause)`.
    obs_log: Vec<String>,
    /// Drop the kernel's n-th data segment (1-based) before the endpoint sees it.
    pub drop_kernel_data: Option<u32>,
    kernel_data: u32,
    /// Do not write our next SYN,ACK: "lose" it.
    pub lose_syn_ack: bool,
    /// The first retransmission timeout (default 250 ms).
    pub first_rto: Duration,
    /// Do not write our n-th data segment (1-based): "lose" it.
    pub lose_our_data: Option<u32>,
    our_data: u32,
    /// Every state our endpoint went through.
    pub path: Vec<State>,
    /// Every state change.
    changes: Vec<Transition>,
    /// The kernel's states as sampled with `ss`.
    pub kernel_path: Vec<String>,
    /// The kernel's state changes as its tracepoint reported them.
    pub kernel_trace: Vec<(String, String)>,
    /// Evidence about the kernel's segments.
    pub k: KernelStats,
    /// What the endpoint answered to each of the kernel's SYNs.
    pub syn_answers: Vec<&'static str>,
    /// Our retransmissions (timer and fast retransmit) and zero-window probes.
    pub our_retransmissions: u32,
    /// Zero-window probes we sent.
    pub our_probes: u32,
    /// What each synchronized incarnation negotiated, when it reached ESTABLISHED:
    /// (SACK-permitted, timestamps), both as the endpoint's TCB says.
    pub negotiated: Vec<(bool, bool)>,
    /// Segments we "lost" on purpose.
    pub our_lost: u32,
    /// RSTs we sent.
    pub our_rsts: u32,
    /// `(SND.NXT, RCV.NXT)` when the endpoint last had a TCB.
    pub last_numbers: Option<(SeqNum, SeqNum)>,
    /// Problems of the glue itself (a segment we could not build, a refused call).
    pub errors: Vec<String>,
    rto: Duration,
    rto_since: Option<Duration>,
    persist_at: Option<Duration>,
    dupacks: u32,
    last_window: Option<u16>,
}

/// What the kernel's segments on this connection showed.
#[derive(Default, Debug)]
pub struct KernelStats {
    /// Segments.
    pub segments: u32,
    /// Retransmissions, as the crate's analysis flags them (see `observe_kernel`).
    pub retransmissions: u32,
    /// The analysis flags counted, in the order of [`RETRANSMISSION_FLAGS`].
    pub analysis: [u32; 4],
    /// Retransmissions by the example's own rule: sequence space at or before the
    /// highest already seen.
    pub own_rule: u32,
    /// Segments the tracker could not decode (should stay 0).
    pub untracked: u32,
    /// Segments carrying SACK blocks.
    pub sack_segments: u32,
    /// Segments carrying the timestamps option.
    pub timestamped: u32,
    /// Whether the analysis flagged the SYN,ACK that completes a simultaneous open.
    pub simultaneous_syn_ack_flagged: bool,
    /// Retransmissions of nothing we discarded (all of it already accepted).
    pub unprovoked: u32,
    /// RSTs.
    pub rsts: u32,
    /// ACKs advertising a zero window.
    pub zero_windows: u32,
    /// Largest window field seen after the SYN.
    pub max_window: u16,
    /// Largest payload in one segment.
    pub max_payload: u32,
    /// Segments carrying sequence space beyond the window we advertised.
    pub beyond_window: u32,
    /// The sequence number of the kernel's latest SYN.
    pub last_syn: Option<SeqNum>,
    /// Whether the kernel sent a SYN,ACK.
    syn_ack_seen: bool,
    /// Data segments we dropped, and the sequence ranges we discarded.
    pub dropped: u32,
    discarded: Vec<(SeqNum, SeqNum)>,
    /// Sequence ranges accepted, but whose acknowledgment we "lost".
    unacked_on_wire: Vec<(SeqNum, SeqNum)>,
    max_end: Option<SeqNum>,
}

impl Conn {
    /// A connection from `OUR_IP:sport` to `KERNEL_IP:dport` (0: learn it).
    pub fn new(config: Config, sport: u16, dport: u16) -> Conn {
        Conn {
            ep: Endpoint::new(config),
            ours: Flow {
                src: OUR_IP,
                sport,
                dst: KERNEL_IP,
                dport,
            },
            tx: Vec::new(),
            tx_sent: 0,
            data_start: None,
            rx: Vec::new(),
            want_close: false,
            close_on_kernel_fin: false,
            connect_on_kernel_syn: false,
            hold_fin_ack: None,
            held: Vec::new(),
            obs: Observer::new().with_msl(config.msl),
            our_side: None,
            obs_paths: [vec![State::Closed], vec![State::Listen]],
            obs_log: Vec::new(),
            drop_kernel_data: None,
            kernel_data: 0,
            lose_our_data: None,
            lose_syn_ack: false,
            first_rto: RTO,
            our_data: 0,
            path: vec![State::Closed],
            changes: Vec::new(),
            kernel_path: Vec::new(),
            kernel_trace: Vec::new(),
            k: KernelStats::default(),
            syn_answers: Vec::new(),
            our_retransmissions: 0,
            our_probes: 0,
            negotiated: Vec::new(),
            our_lost: 0,
            our_rsts: 0,
            last_numbers: None,
            errors: Vec::new(),
            rto: RTO,
            rto_since: None,
            persist_at: None,
            dupacks: 0,
            last_window: None,
        }
    }

    /// The endpoint's state.
    pub fn state(&self) -> State {
        self.ep.state()
    }

    /// Each state change as `STATE (cause)`.
    pub fn changes_text(&self) -> Vec<String> {
        self.changes
            .iter()
            .map(|ch| format!("{} ({})", ch.to, ch.cause.name()))
            .collect()
    }

    /// The name of the last change's cause (`abort`, `reset`, ...).
    pub fn last_cause(&self) -> Option<&'static str> {
        self.changes.last().map(|ch| ch.cause.name())
    }

    /// `(ISS, IRS)` while the endpoint has a TCB.
    pub fn initial_numbers(&self) -> Option<(SeqNum, SeqNum)> {
        self.ep.tcb().map(|t| (t.iss(), t.irs()))
    }

    /// Window scaling in use: `(our shift, the kernel's shift, the shift it offered)`.
    pub fn shifts(&self) -> Option<(u8, u8, Option<u8>)> {
        self.ep
            .tcb()
            .map(|t| (t.rcv_shift(), t.snd_shift(), t.peer_window_scale()))
    }

    /// Whether all of `tx` was sent and acknowledged.
    pub fn all_acked(&self) -> bool {
        self.tx_sent == self.tx.len()
            && self.data_start.is_some_and(|start| {
                self.ep
                    .snd_una()
                    .is_some_and(|una| una.0.wrapping_sub(start.0) as usize >= self.tx.len())
            })
    }

    /// Whether an answer is being held.
    pub fn holding(&self) -> bool {
        !self.held.is_empty()
    }

    /// The user's passive OPEN.
    pub fn listen(&mut self) {
        match self.ep.listen() {
            Ok(o) => self.record(o.transition),
            Err(v) => self.errors.push(format!("listen: {v}")),
        }
    }

    /// The user's active OPEN.
    pub fn connect(&mut self, lab: &mut Lab) {
        match self.ep.connect(lab.now()) {
            Ok(o) => {
                self.record(o.transition);
                if let Some(s) = o.segment {
                    self.emit(lab, &s);
                }
            }
            Err(v) => self.errors.push(format!("connect: {v}")),
        }
    }

    /// The user's ABORT.
    pub fn abort(&mut self, lab: &mut Lab) {
        match self.ep.abort() {
            Ok(o) => {
                self.record(o.transition);
                if let Some(s) = o.segment {
                    self.emit(lab, &s);
                }
            }
            Err(v) => self.errors.push(format!("abort: {v}")),
        }
    }

    fn close_now(&mut self, lab: &mut Lab) {
        self.want_close = false;
        match self.ep.close(lab.now()) {
            Ok(o) => {
                self.record(o.transition);
                if let Some(s) = o.segment {
                    self.emit(lab, &s);
                }
            }
            Err(v) => self.errors.push(format!("close: {v}")),
        }
    }

    fn record(&mut self, change: Transition) {
        self.remember();
        self.changes.push(change);
        self.path.push(change.to);
        if change.to == State::Established {
            if let Some(tcb) = self.ep.tcb() {
                self.negotiated
                    .push((tcb.sack_permitted(), tcb.timestamps()));
            }
        }
    }

    /// Whether the endpoint's SYN offers (SACK-permitted, timestamps).
    pub fn offered(&self) -> (bool, bool) {
        let c = self.ep.config();
        (c.sack_permitted, c.timestamps)
    }

    fn remember(&mut self) {
        if let (Some(nxt), Some(rcv)) = (self.ep.snd_nxt(), self.ep.rcv_nxt()) {
            self.last_numbers = Some((nxt, rcv));
        }
    }

    fn in_flight(&self) -> u32 {
        match (self.ep.snd_una(), self.ep.snd_nxt()) {
            (Some(una), Some(nxt)) => nxt.0.wrapping_sub(una.0),
            _ => 0,
        }
    }

    /// Writes a segment from the state machine, adding ports, payload, IP header.
    fn emit(&mut self, lab: &mut Lab, seg: &Segment) {
        self.emit_held(lab, seg, None);
    }

    fn emit_held(&mut self, lab: &mut Lab, seg: &Segment, hold: Option<Duration>) {
        if seg.has(TcpFlags::SYN) && self.data_start != Some(seg.seq + 1) {
            if self.data_start.is_some() {
                // A new incarnation (TIME-WAIT reopened): new streams both ways.
                self.tx.clear();
                self.tx_sent = 0;
                self.rx.clear();
            }
            self.data_start = Some(seg.seq + 1);
        }
        if seg.has(TcpFlags::RST) {
            self.our_rsts += 1;
        }
        self.remember();
        if self.lose_syn_ack && seg.flags.contains(TcpFlags::SYN | TcpFlags::ACK) {
            // The kernel will not see that its SYN was acknowledged.
            self.lose_syn_ack = false;
            self.our_lost += 1;
            self.k.unacked_on_wire.push((seg.ack - 1, seg.ack));
            return;
        }
        let len = seg.payload_len as usize;
        let payload = if len == 0 {
            &[][..]
        } else {
            let off = self
                .data_start
                .map(|start| seg.seq.0.wrapping_sub(start.0) as usize);
            match off.and_then(|o| self.tx.get(o..o.saturating_add(len))) {
                Some(p) => p,
                None => {
                    self.errors
                        .push(format!("no bytes for a segment of {len} at {:?}", seg.seq));
                    return;
                }
            }
        };
        lab.ip_id = lab.ip_id.wrapping_add(1);
        match ip_packet(self.ours, seg, payload, lab.ip_id) {
            Ok(p) if p.len() > MTU => {
                // A real link drops it (the don't-fragment bit is set); say so, and
                // let the kernel see it anyway so the run goes on.
                self.errors.push(format!(
                    "we sent a packet of {} bytes ({} of payload at {:?}), above the link MTU {MTU}",
                    p.len(),
                    seg.payload_len,
                    seg.seq
                ));
                self.observe(Side::Client, seg, lab.now());
                lab.write(&p);
            }
            Ok(p) => match hold {
                Some(d) => self.held.push((lab.now() + d, p, *seg)),
                None => {
                    self.observe(Side::Client, seg, lab.now());
                    lab.write(&p);
                }
            },
            Err(e) => self.errors.push(format!("cannot build a packet: {e}")),
        }
    }

    /// A packet from the TUN device.
    fn input(&mut self, lab: &mut Lab, packet: &[u8]) {
        let Some(Received {
            flow,
            seg,
            payload,
            sack_blocks,
        }) = decode(packet)
        else {
            return;
        };
        let ours = flow.src == KERNEL_IP
            && flow.dst == OUR_IP
            && flow.dport == self.ours.sport
            && (self.ours.dport == 0 || flow.sport == self.ours.dport);
        if !ours {
            lab.strays.0 += 1;
            lab.strays.1 += u32::from(seg.has(TcpFlags::RST));
            return;
        }
        if self.ours.dport == 0 {
            self.ours.dport = flow.sport;
        }
        let now = lab.now();
        self.observe(Side::Server, &seg, now);
        self.remember();
        let rcv_before = self.ep.rcv_nxt();
        let window_end = self.ep.tcb().map(|t| t.rcv_nxt() + t.rcv_wnd());
        let analysis = lab.last_analysis;
        self.observe_kernel(&seg, rcv_before, analysis);
        if sack_blocks > 0 {
            self.k.sack_segments += 1;
        }
        if seg.options.timestamps.is_some() {
            self.k.timestamped += 1;
        }
        if let Some(end) = window_end {
            if seg.payload_len > 0 && (seg.seq + seg.payload_len - end) > 0 {
                self.k.beyond_window += 1;
            }
        }
        if seg.payload_len > 0 && !seg.has(TcpFlags::SYN) {
            let first_time =
                self.k.max_end.is_none_or(|m| (seg.next_seq() - m) > 0) || self.kernel_data == 0;
            if first_time {
                self.kernel_data += 1;
                if self.drop_kernel_data == Some(self.kernel_data) {
                    self.k.dropped += 1;
                    self.k.discarded.push((seg.seq, seg.next_seq()));
                    self.note_max_end(&seg);
                    return;
                }
            }
        }
        self.note_max_end(&seg);
        if self.connect_on_kernel_syn
            && seg.has(TcpFlags::SYN)
            && !seg.has(TcpFlags::ACK)
            && self.state() == State::Closed
        {
            self.connect_on_kernel_syn = false;
            self.connect(lab);
        }
        if self.close_on_kernel_fin && seg.has(TcpFlags::FIN) && self.state() == State::Established
        {
            self.close_on_kernel_fin = false;
            self.close_now(lab);
        }
        let una_before = self.ep.snd_una();
        let flight_before = self.in_flight();
        let arrival = self.ep.on_segment(&seg, now);
        for change in arrival.transitions.iter() {
            self.record(*change);
        }
        match arrival.disposition {
            Disposition::Accepted { delivered } if delivered > 0 => {
                let data_seq = seg.seq + u32::from(seg.has(TcpFlags::SYN));
                let skip = rcv_before.map_or(0, |r| r.0.wrapping_sub(data_seq.0) as usize);
                let skip = if skip >= payload.len() { 0 } else { skip };
                // The endpoint says where the delivered bytes belong in the stream;
                // they must follow what was delivered before.
                if arrival.data_offset != Some(self.rx.len() as u64) {
                    self.errors.push(format!(
                        "delivered data at stream offset {:?}, {} bytes received before",
                        arrival.data_offset,
                        self.rx.len()
                    ));
                }
                match payload.get(skip..skip + delivered as usize) {
                    Some(bytes) => self.rx.extend_from_slice(bytes),
                    None => self.errors.push(format!(
                        "delivered {delivered} bytes but the segment carries {}",
                        payload.len()
                    )),
                }
            }
            Disposition::Accepted { .. } => {}
            Disposition::OutOfOrder | Disposition::Dropped(_) => {
                if seg.payload_len > 0 {
                    self.k.discarded.push((seg.seq, seg.next_seq()));
                }
            }
        }
        // Our retransmission timer and fast retransmit (RFC 5681 §3.2).
        let una_after = self.ep.snd_una();
        if una_after != una_before {
            self.dupacks = 0;
            self.rto = self.first_rto;
            self.rto_since = (self.in_flight() > 0).then_some(now);
        } else if seg.has(TcpFlags::ACK)
            && seg.payload_len == 0
            && !seg
                .flags
                .intersects(TcpFlags::SYN | TcpFlags::FIN | TcpFlags::RST)
            && flight_before > 0
            && seg.window != 0
            && self.last_window == Some(seg.window)
        {
            self.dupacks += 1;
            if self.dupacks == 3 {
                self.retransmit(lab);
            }
        }
        if seg.has(TcpFlags::ACK) {
            self.last_window = Some(seg.window);
        }
        let hold = if seg.has(TcpFlags::FIN) {
            self.hold_fin_ack.take()
        } else {
            None
        };
        if seg.has(TcpFlags::SYN) {
            self.syn_answers.push(match arrival.reply {
                Reply::None => "nothing",
                Reply::Ack(_) => "ACK",
                Reply::ChallengeAck(_) => "challenge ACK",
                Reply::SynAck(_) => "SYN,ACK",
                Reply::Reset(_) => "RST",
            });
        }
        let reply = match arrival.reply {
            Reply::None => None,
            Reply::Ack(s) | Reply::ChallengeAck(s) | Reply::SynAck(s) | Reply::Reset(s) => Some(s),
        };
        if let Some(s) = reply {
            self.emit_held(lab, &s, hold);
        }
    }

    /// Feeds the observer a segment on the wire. `ours` is `Side::Client` for a
    /// segment we write and `Side::Server` for the kernel's — only a placeholder until
    /// the first SYN fixes who the client is.
    fn observe(&mut self, ours_or_kernel: Side, seg: &Segment, now: Duration) {
        let from_us = ours_or_kernel == Side::Client;
        if self.our_side.is_none() && seg.has(TcpFlags::SYN) {
            self.our_side = Some(if from_us { Side::Client } else { Side::Server });
        }
        let us = self.our_side.unwrap_or(Side::Client);
        let from = if from_us { us } else { us.peer() };
        let observation = self.obs.on_segment(from, seg, now);
        self.take_observed(&observation.transitions);
    }

    /// Follows the observer's reported transitions into both sides' paths, then
    /// polls its states.
    fn take_observed(&mut self, transitions: &Transitions) {
        for t in transitions.iter() {
            let who = if Some(t.side) == self.our_side {
                "endpoint"
            } else {
                "kernel"
            };
            self.obs_log
                .push(format!("{who} {}->{} ({})", t.from, t.to, t.cause.name()));
            let path = &mut self.obs_paths[t.side.index()];
            if t.cause == Cause::Revised {
                // The observer takes back `from`: it was `to` all along. When that
                // leaves only its initial assumption (LISTEN for the server), the
                // revision corrects the assumption itself.
                if path.len() > 1 && path.last() == Some(&t.from) {
                    path.pop();
                }
                if path.len() == 1 {
                    path[0] = t.to;
                }
            }
            if path.last() != Some(&t.to) {
                path.push(t.to);
            }
        }
        self.note_observed();
    }

    /// Polls both sides' states (a safety net: every change should have been reported).
    fn note_observed(&mut self) {
        for side in Side::BOTH {
            let state = self.obs.state(side);
            let path = &mut self.obs_paths[side.index()];
            if path.last() != Some(&state) {
                path.push(state);
            }
        }
    }

    /// The observer's transitions, as it reported them.
    pub fn observer_log(&self) -> &[String] {
        &self.obs_log
    }

    /// The observer's inferred paths: (the endpoint's side, the kernel's side).
    pub fn observed_paths(&self) -> (&[State], &[State]) {
        let us = self.our_side.unwrap_or(Side::Client);
        (
            &self.obs_paths[us.index()],
            &self.obs_paths[us.peer().index()],
        )
    }

    fn note_max_end(&mut self, seg: &Segment) {
        let end = seg.next_seq();
        if self.k.max_end.is_none_or(|m| (end - m) > 0) {
            self.k.max_end = Some(end);
        }
    }

    /// Counts the kernel's segment: RST, zero window, retransmission, and whether
    /// it retransmits anything we discarded. A retransmission is (except the SYN,ACK
    /// of a simultaneous open, RFC 9293 figure 7) what the crate's analysis (`track::Tracker`, Wireshark's rules, capturing at the TUN device)
    /// flags as a retransmission, fast retransmission, spurious retransmission or
    /// out-of-order segment: on a point-to-point TUN link nothing is reordered, so a
    /// segment Wireshark calls out-of-order (below the highest sequence number,
    /// within 3 ms of it) is a retransmission too. The example's own rule (the
    /// segment occupies sequence space and does not go past the highest sequence
    /// number seen) is counted beside it as a cross-check.
    fn observe_kernel(
        &mut self,
        seg: &Segment,
        rcv_before: Option<SeqNum>,
        analysis: Option<AnalysisFlags>,
    ) {
        let k = &mut self.k;
        k.segments += 1;
        k.max_payload = k.max_payload.max(seg.payload_len);
        if seg.has(TcpFlags::RST) {
            k.rsts += 1;
        }
        if seg.has(TcpFlags::ACK) && !seg.flags.intersects(TcpFlags::SYN | TcpFlags::RST) {
            if seg.window == 0 {
                k.zero_windows += 1;
            }
            k.max_window = k.max_window.max(seg.window);
        }
        let flags = analysis.unwrap_or(AnalysisFlags::empty());
        for (i, flag) in RETRANSMISSION_FLAGS.iter().enumerate() {
            if flags.contains(*flag) {
                k.analysis[i] += 1;
            }
        }
        let by_analysis = flags.intersects(
            RETRANSMISSION_FLAGS
                .iter()
                .fold(AnalysisFlags::empty(), |a, f| a | *f),
        );
        let (start, end) = (seg.seq, seg.next_seq());
        // The example's own rule. The SYN,ACK of a simultaneous open repeats the SYN
        // (RFC 9293 figure 7): not a retransmission.
        let second_half = seg.flags.contains(TcpFlags::SYN | TcpFlags::ACK)
            && k.last_syn == Some(seg.seq)
            && !k.syn_ack_seen;
        if seg.flags.contains(TcpFlags::SYN | TcpFlags::ACK) {
            k.syn_ack_seen = true;
        }
        let by_own_rule =
            seg.seg_len() > 0 && !second_half && k.max_end.is_some_and(|max| (end - max) <= 0);
        if seg.has(TcpFlags::SYN) {
            k.last_syn = Some(seg.seq);
        }
        k.own_rule += u32::from(by_own_rule);
        if analysis.is_none() {
            k.untracked += 1;
        }
        if by_analysis && second_half {
            // Wireshark (tshark 4.0.17 as well) calls it a suspected retransmission;
            // the kernel's own counter does not count it.
            k.simultaneous_syn_ack_flagged = true;
        } else if by_analysis {
            k.retransmissions += 1;
            let overlaps = |(a, b): &(SeqNum, SeqNum)| (end - *a) > 0 && (*b - start) > 0;
            let needed = rcv_before.is_none_or(|r| (end - r) > 0);
            let provoked = (needed && k.discarded.iter().any(overlaps))
                || k.unacked_on_wire.iter().any(overlaps);
            if !provoked {
                k.unprovoked += 1;
            }
        }
    }

    fn retransmit(&mut self, lab: &mut Lab) {
        match self.ep.retransmit() {
            Ok(seg) => {
                self.our_retransmissions += 1;
                self.emit(lab, &seg);
            }
            Err(v) => self.errors.push(format!("retransmit: {v}")),
        }
    }

    /// Timers: the endpoint's own (TIME-WAIT, user timeout), our retransmission
    /// timer, the zero-window probe, held answers.
    fn timers(&mut self, lab: &mut Lab) {
        let now = lab.now();
        for change in self.ep.on_time(now).iter() {
            self.record(*change);
        }
        if self.in_flight() == 0 {
            self.rto_since = None;
        } else {
            match self.rto_since {
                None => {
                    self.rto_since = Some(now);
                    if self.our_retransmissions == 0 {
                        self.rto = self.first_rto;
                    }
                }
                Some(since) if now - since >= self.rto => {
                    self.retransmit(lab);
                    self.rto = (self.rto * 2).min(MAX_RTO);
                    self.rto_since = Some(now);
                }
                Some(_) => {}
            }
        }
        let due: Vec<(Duration, Vec<u8>, Segment)> = {
            let (due, keep) = self.held.drain(..).partition(|(t, _, _)| *t <= now);
            self.held = keep;
            due
        };
        for (_, p, seg) in due {
            self.observe(Side::Client, &seg, now);
            lab.write(&p);
        }
        let expired = self.obs.on_time(now);
        self.take_observed(&expired);
    }

    /// What our user sends: data up to the usable window and the MSS, a zero-window
    /// probe, then the FIN once everything is sent.
    fn output(&mut self, lab: &mut Lab) {
        let now = lab.now();
        while matches!(self.state(), State::Established | State::CloseWait)
            && self.tx_sent < self.tx.len()
        {
            let Some(tcb) = self.ep.tcb() else { break };
            let in_flight = self.in_flight();
            let usable = tcb.snd_wnd().saturating_sub(in_flight);
            let remaining = u32::try_from(self.tx.len() - self.tx_sent).unwrap_or(u32::MAX);
            // The peer's MSS counts no TCP options: the option bytes every segment
            // carries come off it (RFC 9293 §3.7.1, RFC 6691).
            let options = if tcb.timestamps() { TIMESTAMPS_LEN } else { 0 };
            let mss = tcb.peer_mss().saturating_sub(options).max(1);
            let len = remaining.min(usable).min(u32::from(mss));
            if len == 0 {
                if tcb.snd_wnd() == 0 && in_flight == 0 {
                    match self.persist_at {
                        None => self.persist_at = Some(now + PERSIST),
                        Some(t) if now >= t => {
                            self.persist_at = None;
                            if let Ok(seg) = self.ep.send(1, now) {
                                self.tx_sent += 1;
                                self.our_probes += 1;
                                self.emit(lab, &seg);
                            }
                        }
                        Some(_) => {}
                    }
                }
                break;
            }
            self.persist_at = None;
            match self.ep.send(len, now) {
                Ok(seg) => {
                    self.tx_sent += len as usize;
                    self.our_data += 1;
                    if self.lose_our_data == Some(self.our_data) {
                        self.our_lost += 1;
                    } else {
                        self.emit(lab, &seg);
                    }
                }
                Err(v) => {
                    self.errors.push(format!("send({len}): {v}"));
                    break;
                }
            }
        }
        if self.want_close
            && self.tx_sent == self.tx.len()
            && matches!(self.state(), State::Established | State::CloseWait)
        {
            self.close_now(lab);
        }
    }
}
