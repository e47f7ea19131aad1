#!/usr/bin/env bash
# `ripen score` on a file of several input blocks (4 MB each), on one thread and on three: the
# outputs must be identical, and bad rows deep in the file must be reported with their own
# line numbers, also after a quoted field that spans two lines.
#   many_blocks.sh RIPEN MODEL WORKDIR
set -euo pipefail
ripen=$1 model=$2 work=$3
mkdir -p "$work"
leads="$work/many-blocks.csv"
"$ripen" sample --model "$model" --count 120000 --seed 3 |
  awk 'NR == 40001 { print $0 ",extra"; next }
       NR == 80001 { printf "replace,under_3_months,executive,planned,7,software,forecasting,social,,a@company1.example,IT,\"two\nlines\",web,4,,,,no\n"; next }
       NR == 100001 { sub(/^[^,]*,[^,]*,[^,]*,/, "replace,under_3_months,astronaut,"); print; next }
       { print }' > "$leads"
[ "$(stat -c %s "$leads")" -gt $((12 << 20)) ] || { echo "FAIL: the file should span at least three blocks" >&2; exit 1; }

status=0
"$ripen" score --threads 1 --model "$model" "$leads" > "$work/one.out" 2> "$work/one.err" || status=$?
[ "$status" -eq 1 ] || { echo "FAIL: exit $status, expected 1 (rows failed)" >&2; exit 1; }
status=0
"$ripen" score --threads 3 --model "$model" "$leads" > "$work/three.out" 2> "$work/three.err" || status=$?
[ "$status" -eq 1 ] || { echo "FAIL: exit $status on three threads, expected 1" >&2; exit 1; }

cmp "$work/one.out" "$work/three.out" || { echo "FAIL: one thread and three threads wrote different rows" >&2; exit 1; }
cmp "$work/one.err" "$work/three.err" || { echo "FAIL: one thread and three threads reported differently" >&2; exit 1; }
# The header is line 1, so lead k is on line k + 1; the two-line field shifts later rows by one.
grep -q "many-blocks.csv:40001:[0-9]*: expected 18 fields as in the header, got 19 \[csv.field_count\]" "$work/one.err" ||
  { echo "FAIL: the extra field on line 40001 is not reported there:" >&2; cat "$work/one.err" >&2; exit 1; }
grep -q "many-blocks.csv:100002:[0-9]*: \"astronaut\" is not an option of \"role\"" "$work/one.err" ||
  { echo "FAIL: the unknown role on line 100002 is not reported there:" >&2; cat "$work/one.err" >&2; exit 1; }
grep -q "2 of 120000 rows could not be scored" "$work/one.err" ||
  { echo "FAIL: the footer does not count 2 failed rows of 120000:" >&2; cat "$work/one.err" >&2; exit 1; }
rows=$(($(wc -l < "$work/one.out") - 1 - 1))  # less the header and the field's second line
[ "$rows" -eq 119998 ] || { echo "FAIL: $rows rows written, expected 119998" >&2; exit 1; }
echo "ok: 120000 rows in $(($(stat -c %s "$leads") >> 20)) MB, identical on 1 and 3 threads, errors on lines 40001 and 100002"
