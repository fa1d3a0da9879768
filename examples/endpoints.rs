//! Two [`Endpoint`]s hold a whole TCP conversation with each other: the three-way
//! handshake, data both ways, the close and TIME_WAIT's 2·MSL — the RFC 9293 state
//! machine driven as a protocol implementation would drive it, with no capture.
//!
//! ```text
//! cargo run --example endpoints                       # the client closes first
//! cargo run --example endpoints -- --server-closes    # the server closes first
//! cargo run --example endpoints -- --simultaneous     # both close at once (CLOSING)
//! cargo run --example endpoints -- --abort            # the client aborts (RST)
//! cargo run --example endpoints -- --client-isn 4294967290 --server-isn 1000
//! ```
//!
//! Each line is one event: a user call, a segment arriving (in RFC notation,
//! `<SEQ=..><ACK=..><CTL=..>`, with the numbers relative to each side's ISN in
//! brackets, as Wireshark shows them), or a timer; then the state changes it caused
//! and the receiver's `SND.UNA`, `SND.NXT` and `RCV.NXT`. The client's ISN defaults to
//! a few bytes below 2^32, so its sequence numbers wrap during the conversation.
//!
//! The example checks what it prints: it exits with status 1 if the endpoints do not
//! end where RFC 9293 says (the first closer through TIME_WAIT, the other through
//! LAST_ACK, both through CLOSING when the FINs cross, everybody CLOSED).

use std::ffi::OsString;
use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use synack::state::{CallOutcome, Config, PairError};
use synack::state::{Endpoint, Pair, Reply, Side, State, Transition};
use synack::{flags::TcpFlags, segment::Segment, seq::SeqNum};

/// How the conversation ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ending {
    ClientCloses,
    ServerCloses,
    Simultaneous,
    Abort,
}

/// The two endpoints and the wire between them (the crate's [`Pair`], delivered
/// first in, first out, lossless).
struct Conversation {
    pair: Pair,
    /// Each side's ISN, for the relative numbers (known once its SYN is chosen).
    isn: [Option<SeqNum>; 2],
    now: Duration,
    /// Every state each side has been in, in order.
    path: [Vec<State>; 2],
    /// What the example prints, one line per event.
    log: String,
}

/// Appends a line to a conversation's log (`println!`'s arguments).
macro_rules! say {
    ($c:expr, $($line:tt)*) => {{
        let line = format!($($line)*);
        $c.log.push_str(&line);
        $c.log.push('\n');
    }};
}

impl Conversation {
    fn new(client_isn: u32, server_isn: u32) -> Self {
        let config = |isn| Config {
            isn_offset: isn,
            ..Config::default()
        };
        Conversation {
            pair: Pair::new(config(client_isn), config(server_isn)),
            isn: [None, None],
            now: Duration::ZERO,
            path: [vec![State::Closed], vec![State::Closed]],
            log: String::new(),
        }
    }

    fn endpoint(&self, who: Side) -> &Endpoint {
        self.pair.endpoint(who)
    }

    /// `n` relative to `who`'s ISN, or `?` before it is known.
    fn relative(&self, who: Side, n: SeqNum) -> String {
        match self.isn[who.index()] {
            Some(isn) => n.0.wrapping_sub(isn.0).to_string(),
            None => "?".to_string(),
        }
    }

    /// `<SEQ=..><ACK=..><CTL=..>` with the relative numbers in brackets.
    fn describe(&self, from: Side, s: &Segment) -> String {
        let mut text = format!("<SEQ={} [{}]>", s.seq.0, self.relative(from, s.seq));
        if s.has(TcpFlags::ACK) {
            text += &format!("<ACK={} [{}]>", s.ack.0, self.relative(from.peer(), s.ack));
        }
        let ctl: Vec<&str> = [
            (TcpFlags::SYN, "SYN"),
            (TcpFlags::FIN, "FIN"),
            (TcpFlags::RST, "RST"),
            (TcpFlags::ACK, "ACK"),
        ]
        .iter()
        .filter(|(f, _)| s.flags.contains(*f))
        .map(|(_, n)| *n)
        .collect();
        text += &format!("<CTL={}>", ctl.join(","));
        if s.payload_len > 0 {
            text += &format!("<DATA={}>", s.payload_len);
        }
        text
    }

    /// The TCB variables of `who`, relative, or its state alone when it has none.
    fn numbers(&self, who: Side) -> String {
        let e = self.endpoint(who);
        let mut text = format!("{} {}", who.name(), e.state());
        if let (Some(una), Some(nxt)) = (e.snd_una(), e.snd_nxt()) {
            text += &format!(
                "  SND.UNA={} SND.NXT={}",
                self.relative(who, una),
                self.relative(who, nxt)
            );
        }
        if let Some(rcv) = e.rcv_nxt() {
            text += &format!(" RCV.NXT={}", self.relative(who.peer(), rcv));
        }
        text
    }

    /// Prints a transition (`client ESTABLISHED -> FIN_WAIT_1 (close)`) and keeps it.
    fn record(&mut self, change: Transition) {
        say!(self, "      {change}");
        self.path[change.side.index()].push(change.to);
    }

    /// `who` put `s` on the wire (the pair holds it): its SYN names its ISN.
    fn emit(&mut self, who: Side, s: Segment) {
        if s.has(TcpFlags::SYN) {
            self.isn[who.index()] = Some(s.seq);
        }
    }

    /// A user call that succeeded.
    fn call(&mut self, who: Side, what: &str, outcome: Result<CallOutcome, PairError>) {
        let outcome = match outcome {
            Ok(o) => o,
            Err(v) => {
                say!(self, "{:>9}  {} {what}: {v}", self.clock(), who.name());
                return;
            }
        };
        say!(self, "{:>9}  {} calls {what}", self.clock(), who.name());
        self.record(outcome.transition);
        if let Some(s) = outcome.segment {
            self.emit(who, s);
        }
    }

    fn send(&mut self, who: Side, len: u32) {
        let now = self.now;
        match self.pair.send(who, len, now) {
            Ok(s) => {
                say!(
                    self,
                    "{:>9}  {} calls SEND of {len} bytes",
                    self.clock(),
                    who.name()
                );
                self.emit(who, s);
            }
            Err(v) => say!(
                self,
                "{:>9}  {} SEND of {len}: {v}",
                self.clock(),
                who.name()
            ),
        }
    }

    /// Delivers everything on the wire, in order, one millisecond apart.
    fn run(&mut self) {
        while let Some(&next) = self.pair.get(0) {
            self.now += Duration::from_millis(1);
            let (from, s) = (next.from, next.segment);
            let to = from.peer();
            say!(
                self,
                "{:>9}  {} -> {}  {}",
                self.clock(),
                from.name(),
                to.name(),
                self.describe(from, &s)
            );
            let Some(delivery) = self.pair.deliver(self.now) else {
                break;
            };
            let arrival = delivery.arrival;
            for change in arrival.transitions.iter() {
                self.record(*change);
            }
            if let Some(reply) = arrival.reply.segment() {
                let kind = match arrival.reply {
                    Reply::Ack(_) => "an ACK",
                    Reply::SynAck(_) => "its SYN,ACK",
                    Reply::ChallengeAck(_) => "a challenge ACK",
                    Reply::Reset(_) => "a RST",
                    Reply::None => "nothing",
                };
                say!(self, "      {} answers with {kind}", to.name());
                self.emit(to, *reply);
            }
            say!(self, "      {}", self.numbers(to));
        }
    }

    /// Lets time pass to `at`, firing the timers.
    fn wait_until(&mut self, at: Duration) {
        self.now = at;
        say!(self, "{:>9}  time passes", self.clock());
        for change in self.pair.on_time(self.now).iter() {
            self.record(*change);
        }
    }

    fn clock(&self) -> String {
        format!("{:.3}s", self.now.as_secs_f64())
    }

    fn passed(&self, who: Side, state: State) -> bool {
        self.path[who.index()].contains(&state)
    }
}

fn parse_args(args: &[OsString]) -> Result<(Ending, u32, u32), String> {
    let mut ending = Ending::ClientCloses;
    // A client ISN six below 2^32: its numbers wrap during the handshake's data.
    let (mut client_isn, mut server_isn) = (u32::MAX - 5, 1_000_000);
    let mut args = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = args.next() {
        match arg.as_ref() {
            "--client-closes" => ending = Ending::ClientCloses,
            "--server-closes" => ending = Ending::ServerCloses,
            "--simultaneous" => ending = Ending::Simultaneous,
            "--abort" => ending = Ending::Abort,
            "--client-isn" | "--server-isn" => {
                let value = args.next().ok_or(format!("{arg} needs a number"))?;
                let n: u32 = value
                    .parse()
                    .map_err(|_| format!("{arg}: {value:?} is not a number below 2^32"))?;
                if arg == "--client-isn" {
                    client_isn = n;
                } else {
                    server_isn = n;
                }
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok((ending, client_isn, server_isn))
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    ExitCode::from(run(&args, &mut io::stdout().lock(), &mut io::stderr()))
}

/// The whole program: holds the conversation `args` ask for, prints it to
/// `out` and any error to `err`, and returns the exit code: 0, 1 when the
/// endpoints did not end where RFC 9293 says, 2 for bad arguments.
pub fn run(args: &[OsString], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let (ending, client_isn, server_isn) = match parse_args(args) {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(err, "endpoints: {e}");
            let _ = writeln!(
                err,
                "usage: endpoints [--client-closes | --server-closes | --simultaneous | --abort] \
                 [--client-isn N] [--server-isn N]"
            );
            return 2;
        }
    };
    let mut c = Conversation::new(client_isn, server_isn);
    say!(
        c,
        "Two synack::state::Endpoints on a lossless wire; numbers in [brackets] are \
         relative to the sender's ISN (ISN generator offsets: client {client_isn}, server {server_isn})."
    );

    say!(
        c,
        "\n-- three-way handshake: SYN, SYN+ACK, ACK; each SYN takes one sequence number"
    );
    let r = c.pair.listen(Side::Server);
    c.call(Side::Server, "LISTEN (passive open)", r);
    let now = c.now;
    let r = c.pair.connect(Side::Client, now);
    c.call(Side::Client, "CONNECT (active open)", r);
    c.run();
    say!(
        c,
        "      ISNs: client {}, server {} (the generator's offset plus a 4 us clock, RFC 6528)",
        c.endpoint(Side::Client).iss().map_or(0, |n| n.0),
        c.endpoint(Side::Server).iss().map_or(0, |n| n.0)
    );

    say!(
        c,
        "\n-- data: seq advances by the payload length, the ACK names the next byte expected"
    );
    c.send(Side::Client, 100);
    c.run();
    c.send(Side::Server, 1460);
    c.send(Side::Server, 540);
    c.run();

    let first = match ending {
        Ending::ServerCloses => Side::Server,
        _ => Side::Client,
    };
    match ending {
        Ending::ClientCloses | Ending::ServerCloses => {
            say!(
                c,
                "\n-- close: the {} closes first; a FIN takes one sequence number",
                first.name()
            );
            let now = c.now;
            let r = c.pair.close(first, now);
            c.call(first, "CLOSE", r);
            c.run();
            say!(
                c,
                "\n-- the {} may still send, then closes too",
                first.peer().name()
            );
            c.send(first.peer(), 10);
            c.run();
            let now = c.now;
            let r = c.pair.close(first.peer(), now);
            c.call(first.peer(), "CLOSE", r);
            c.run();
        }
        Ending::Simultaneous => {
            say!(c, "\n-- simultaneous close: both FINs cross on the wire");
            let now = c.now;
            let r = c.pair.close(Side::Client, now);
            c.call(Side::Client, "CLOSE", r);
            let r = c.pair.close(Side::Server, now);
            c.call(Side::Server, "CLOSE", r);
            c.run();
        }
        Ending::Abort => {
            say!(c, "\n-- abort: the client resets the connection");
            let r = c.pair.abort(Side::Client);
            c.call(Side::Client, "ABORT", r);
            c.run();
        }
    }

    // TIME_WAIT's deadline: 2·MSL after the endpoint entered it.
    let deadline = Side::BOTH
        .map(|side| c.endpoint(side).next_deadline())
        .into_iter()
        .flatten()
        .max();
    if let Some(deadline) = deadline {
        let msl = Config::default().msl;
        say!(
            c,
            "\n-- TIME_WAIT lasts 2*MSL = {} s, in case the last ACK was lost and the FIN comes again",
            (msl * 2).as_secs()
        );
        c.wait_until(deadline - Duration::from_millis(1));
        c.wait_until(deadline);
    }

    say!(
        c,
        "\nfinal: {} | {}",
        c.numbers(Side::Client),
        c.numbers(Side::Server)
    );
    let ok = match ending {
        Ending::ClientCloses | Ending::ServerCloses => {
            c.passed(first, State::TimeWait) && c.passed(first.peer(), State::LastAck)
        }
        Ending::Simultaneous => {
            c.passed(Side::Client, State::Closing) && c.passed(Side::Server, State::Closing)
        }
        Ending::Abort => true,
    } && c.pair.states() == [State::Closed, State::Closed];
    if let Err(e) = out.write_all(c.log.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`| head`) is not the conversation's fault.
        if e.kind() != io::ErrorKind::BrokenPipe {
            let _ = writeln!(err, "endpoints: {e}");
            return 1;
        }
    }
    if ok {
        0
    } else {
        let _ = writeln!(
            err,
            "endpoints: the conversation did not end as RFC 9293 says"
        );
        1
    }
}
