#!/usr/bin/env bash
# compare-tshark.sh FILE
#
# Times tshark's single-pass TCP analysis against synack's `analyze --tsv` on the same
# capture, in the same run, and prints both wall times, packets/s, the throughput ratio
# and both peak RSS figures (from GNU time's "Maximum resident set size"). CPU time
# (user + system, from GNU time) is printed beside wall time: on a machine shared with
# other work it is the steadier of the two.
#
#   tshark -n -r FILE -o tcp.analyze_sequence_numbers:TRUE -T fields -e tcp.stream \
#       -e tcp.seq -e tcp.ack -e tcp.analysis.flags > /dev/null
#   target/release/examples/analyze --tsv FILE > /dev/null
#
# The example is built in release mode first (cargo build --release --example analyze).
# The file is read once beforehand so that both programs find it in the page cache.
# Environment: EXAMPLE (default analyze) runs another example with --tsv instead, e.g.
# EXAMPLE=handshake; SKIP_BUILD=1 skips the cargo build.
# Needs tshark, capinfos (both from Wireshark) and GNU time (/usr/bin/time).
set -euo pipefail

FILE=${1:?usage: compare-tshark.sh FILE}
EXAMPLE=${EXAMPLE:-analyze}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/target/release/examples/$EXAMPLE"
GNUTIME=/usr/bin/time

for tool in tshark capinfos "$GNUTIME"; do
    command -v "$tool" >/dev/null || { echo "compare-tshark: $tool not found" >&2; exit 1; }
done
[ -r "$FILE" ] || { echo "compare-tshark: cannot read $FILE" >&2; exit 1; }

if [ -z "${SKIP_BUILD:-}" ]; then
    (cd "$ROOT" && cargo build --quiet --release --example "$EXAMPLE")
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

PACKETS=$(capinfos -M -c -T -r "$FILE" | awk -F'\t' '{print $2}')
BYTES=$(stat -c %s "$FILE")
cat "$FILE" > /dev/null

# run NAME CMD... : wall time in seconds (nanosecond clock) and GNU time's peak RSS.
run() {
    local name=$1
    shift
    local t0 t1
    t0=$(date +%s%N)
    "$GNUTIME" -v -o "$WORK/$name.time" "$@" > /dev/null 2> "$WORK/$name.err" || {
        echo "compare-tshark: $name failed:" >&2
        cat "$WORK/$name.err" "$WORK/$name.time" >&2
        exit 1
    }
    t1=$(date +%s%N)
    echo $(( t1 - t0 )) > "$WORK/$name.ns"
    awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$name.time" > "$WORK/$name.rss"
    awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$WORK/$name.time" > "$WORK/$name.cpu"
}

run tshark tshark -n -r "$FILE" -o tcp.analyze_sequence_numbers:TRUE -T fields \
    -e tcp.stream -e tcp.seq -e tcp.ack -e tcp.analysis.flags
run synack "$BIN" --tsv "$FILE"

awk -v file="$FILE" -v packets="$PACKETS" -v bytes="$BYTES" -v example="$EXAMPLE" \
    -v tns="$(cat "$WORK/tshark.ns")" -v sns="$(cat "$WORK/synack.ns")" \
    -v trss="$(cat "$WORK/tshark.rss")" -v srss="$(cat "$WORK/synack.rss")" \
    -v tcpu="$(cat "$WORK/tshark.cpu")" -v scpu="$(cat "$WORK/synack.cpu")" 'BEGIN {
    ts = tns / 1e9; ss = sns / 1e9
    if (tcpu <= 0) tcpu = 0.01
    if (scpu <= 0) scpu = 0.01
    printf "file     %s: %d packets, %.1f MiB\n", file, packets, bytes / 1048576
    printf "%-9s %9s %14s %10s %9s %16s %14s\n", "program", "wall s", "packets/s", "MiB/s", "CPU s", "packets/CPU-s", "peak RSS MiB"
    printf "%-9s %9.3f %14.0f %10.1f %9.2f %16.0f %14.1f\n", "tshark", ts, packets / ts, bytes / 1048576 / ts, tcpu, packets / tcpu, trss / 1024
    printf "%-9s %9.3f %14.0f %10.1f %9.2f %16.0f %14.1f\n", example, ss, packets / ss, bytes / 1048576 / ss, scpu, packets / scpu, srss / 1024
    printf "ratio     %s: %.1fx tshark'\''s throughput (wall), %.1fx (CPU time); peak RSS %.1f%% of tshark'\''s\n", example, ts / ss, tcpu / scpu, 100 * srss / trss
}'
