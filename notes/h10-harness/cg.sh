#!/bin/sh
# usage: cg.sh mode capture reps -> Ir per item above `none`
m=$1; c=$2; r=$3
n=$(valgrind --tool=callgrind --callgrind-out-file=/tmp/h10h/cg.$m.$c.out ./target/release/h10h $m $r $c 2>&1 | sed -n 's/.*Collected : //p')
z=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null ./target/release/h10h none $r $c 2>&1 | sed -n 's/.*Collected : //p')
items=$(./target/release/h10h none 1 $c 2>&1 | sed -n 's/.*: \([0-9]*\) frames.*/\1/p')
python3 -c "print('$m $c', round(($n-$z)/($r*$items),1))"
