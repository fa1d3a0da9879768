#!/bin/sh
# usage: wall.sh BIN ROUNDS -> the least ns/frame of ROUNDS runs per mode and capture,
# synack and etherparse interleaved, each pinned to CPU 1 (robust to a loaded machine)
B=$1; R=$2
for c in http-image bulk-loss bulk-loss-heavy many-conns ipv6-http; do
 reps=200; [ $c = http-image ] && reps=5000; [ $c = ipv6-http ] && reps=5000
 for i in $(seq $R); do
  for m in decode eslice; do
   echo "$c $m $(SYNACK_CORPUS=/work/shared taskset -c 1 $B $m $reps $c 2>&1 | sed -n 's/.*: \([0-9.]*\) ns\/item/\1/p')"
  done
 done
done | python3 -c "
import sys,collections
d=collections.defaultdict(list)
for l in sys.stdin:
    c,m,v=l.split(); d[(c,m)].append(float(v))
for c in ['http-image','bulk-loss','bulk-loss-heavy','many-conns','ipv6-http']:
    a=min(d[(c,'decode')]); b=min(d[(c,'eslice')])
    print(f'{c}: synack {a:.2f} ns/frame, etherparse {b:.2f}, ratio {a/b:.2f} (min of {len(d[(c,\"decode\")])})')
"
