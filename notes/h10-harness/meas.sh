#!/bin/sh
# usage: meas.sh BIN label
B=$1; L=$2
for c in http-image bulk-loss bulk-loss-heavy many-conns ipv6-http; do
 for m in decode eslice; do
  r=20; [ $c = http-image ] && r=400; [ $c = ipv6-http ] && r=400
  n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null $B $m $r $c 2>&1 | sed -n 's/.*Collected : //p')
  z=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null $B none $r $c 2>&1 | sed -n 's/.*Collected : //p')
  items=$($B none 1 $c 2>&1 | sed -n 's/.*: \([0-9]*\) frames.*/\1/p')
  python3 -c "print('$L $m $c', round(($n-$z)/($r*$items),1))"
 done
done
