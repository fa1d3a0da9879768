#!/usr/bin/env bash
# make-large-capture.sh OUT.pcap [PACKETS]
#
# Makes a large capture of real Linux TCP traffic, the way the corpus captures were made
# (see $SYNACK_CORPUS/captures/README.md, "How the captures were made"):
#
#   * two network namespaces, synack-big-cli (10.78.0.1) and synack-big-srv (10.78.0.2),
#     joined by one veth pair (MTU 1500), static neighbour entries, IPv6 off (no ND/MLD);
#   * TSO, GSO, GRO and tx checksum offload off on both veth ends (ethtool), so every
#     captured segment is a wire-sized segment with a valid checksum;
#   * loss: an XDP program (scripts/xdp-drop.ll, built with llc) on each *receiving* veth
#     end drops LOSS_PPM per million (default 5000 = 0.5%) of the frames of 200 bytes or
#     more. On the client end this is before the capture tap (the capture shows gaps);
#     on the server end it is after it (the capture shows the segment, then its
#     retransmission). The sending TCP never learns of a drop except through TCP;
#   * tcpdump -s 0 -U -B 65536 -w OUT on the client's veth end, stopping by itself after
#     PACKETS packets (default 2200000) or MAX_SECONDS seconds (default 900);
#   * traffic: scripts/large-capture-traffic.py, SHORT (default 400) concurrent
#     HTTP/1.1-like request/response workers, BULK (default 6) download and UPLOAD
#     (default 2) upload workers, each looping over fresh connections.
#
# Needs root, iproute2, ethtool, tcpdump, python3 and, unless LOSS_PPM=0, llc (LLVM with
# the BPF target). Traffic stays inside the two namespaces, which are deleted by name on
# exit (also on error or Ctrl-C). Prints tcpdump's packet and drop counts at the end.
set -euo pipefail

OUT=${1:?usage: make-large-capture.sh OUT.pcap [PACKETS]}
PACKETS=${2:-2200000}
LOSS_PPM=${LOSS_PPM:-5000}
MAX_SECONDS=${MAX_SECONDS:-900}
SHORT=${SHORT:-400}
BULK=${BULK:-6}
UPLOAD=${UPLOAD:-2}
SEED=${SEED:-7}

HERE=$(cd "$(dirname "$0")" && pwd)
CLI=synack-big-cli
SRV=synack-big-srv
CADDR=10.78.0.1
SADDR=10.78.0.2
PY=$(command -v python3)
WORK=$(mktemp -d)
PIDS=()

TOOLS=(ip ethtool tcpdump "$PY")
[ "$LOSS_PPM" -gt 0 ] && TOOLS+=(llc)
for tool in "${TOOLS[@]}"; do
    command -v "$tool" >/dev/null || { echo "make-large-capture: $tool not found" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "make-large-capture: needs root (network namespaces)" >&2; exit 1; }

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    ip netns del "$CLI" 2>/dev/null || true
    ip netns del "$SRV" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A previous run killed hard may have left them behind: they are ours, by name.
ip netns del "$CLI" 2>/dev/null || true
ip netns del "$SRV" 2>/dev/null || true

ip netns add "$CLI"
ip netns add "$SRV"
C="ip netns exec $CLI"
S="ip netns exec $SRV"
for ns in "$CLI" "$SRV"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$ns" link set lo up
done
ip link add sbig-c netns "$CLI" mtu 1500 type veth peer name sbig-s netns "$SRV" mtu 1500
ip -n "$CLI" addr add "$CADDR/24" dev sbig-c
ip -n "$SRV" addr add "$SADDR/24" dev sbig-s
$C ethtool -K sbig-c tso off gso off gro off tx off >/dev/null
$S ethtool -K sbig-s tso off gso off gro off tx off >/dev/null
ip -n "$CLI" link set sbig-c up
ip -n "$SRV" link set sbig-s up
CMAC=$(ip -n "$CLI" -o link show sbig-c | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
SMAC=$(ip -n "$SRV" -o link show sbig-s | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
ip -n "$CLI" neigh replace "$SADDR" lladdr "$SMAC" dev sbig-c nud permanent
ip -n "$SRV" neigh replace "$CADDR" lladdr "$CMAC" dev sbig-s nud permanent
# Room for hundreds of connections in flight and quick reuse of client ports.
$C sysctl -qw net.ipv4.ip_local_port_range="10000 65000" net.ipv4.tcp_tw_reuse=1
$S sysctl -qw net.core.somaxconn=4096

if [ "$LOSS_PPM" -gt 0 ]; then
    THRESHOLD=$(( LOSS_PPM * 4294967296 / 1000000 ))
    sed -e "s/@THRESHOLD@/$THRESHOLD/g" -e "s/@MINLEN@/200/g" "$HERE/xdp-drop.ll" > "$WORK/xdp-drop.ll"
    llc -march=bpf -filetype=obj -O2 "$WORK/xdp-drop.ll" -o "$WORK/xdp-drop.o"
    ip -n "$CLI" link set dev sbig-c xdp obj "$WORK/xdp-drop.o" sec xdp
    ip -n "$SRV" link set dev sbig-s xdp obj "$WORK/xdp-drop.o" sec xdp
fi

mkdir -p "$(dirname "$OUT")"
$S "$PY" "$HERE/large-capture-traffic.py" server "$SADDR" &
PIDS+=($!)
sleep 1

# tcpdump stops by itself after PACKETS packets; timeout bounds the run in any case.
$C timeout -s INT "$MAX_SECONDS" tcpdump -i sbig-c -s 0 -U -B 65536 -c "$PACKETS" -w "$OUT" 2> "$WORK/tcpdump.err" &
TCPDUMP=$!
sleep 1
$C "$PY" "$HERE/large-capture-traffic.py" client "$SADDR" --short "$SHORT" --bulk "$BULK" \
    --upload "$UPLOAD" --seconds "$MAX_SECONDS" --seed "$SEED" &
PIDS+=($!)
START=$SECONDS
wait "$TCPDUMP" || true
echo "make-large-capture: tcpdump done after $(( SECONDS - START )) s" >&2
grep -E 'packets (captured|received|dropped)' "$WORK/tcpdump.err" >&2 || cat "$WORK/tcpdump.err" >&2
if [ "$LOSS_PPM" -gt 0 ]; then
    echo "make-large-capture: loss $LOSS_PPM ppm of frames >= 200 bytes, each direction (XDP)" >&2
fi
ls -l "$OUT" >&2
