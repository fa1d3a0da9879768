#!/bin/bash
# drive.sh WORKDIR LISTFILE OUT
cd $1
while IFS=$'\t' read -r diff name; do
  patch -s -p0 < "$diff" || { echo "PATCHFAIL	$name" >> $3; continue; }
  if cargo build --profile explore --example zeek_explore >/dev/null 2>&1; then
    timeout 120 ./target/explore/examples/zeek_explore > out.txt
    rc=$?
    first=$(diff <(cat /tmp/explore/base.txt) out.txt | head -1)
    line=$(cmp /tmp/explore/base.txt out.txt 2>/dev/null | awk '{print $NF}')
    echo "rc=$rc	first_diff_line=${line:-none}	$name" >> $3
  else
    echo "BUILDFAIL	$name" >> $3
  fi
  patch -s -R -p0 < "$diff"
done < $2
echo DONE >> $3
