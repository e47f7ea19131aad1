#!/usr/bin/env bash
# Runs one fuzz target on its seed corpus: run.sh FUZZER KIND WORKDIR [libFuzzer options...]
# KIND (json, model, request, csv) picks the seeds, gathered from the repository into
# WORKDIR/seeds; inputs the fuzzer finds go to WORKDIR/corpus, crashes to WORKDIR/crashes.
# Prints the executions and the corpus size; fails on any crash, leak or sanitizer report.
set -euo pipefail
fuzzer=$1 kind=$2 work=$3
shift 3
root=$(cd "$(dirname "$0")/../.." && pwd)
seeds=$work/seeds
rm -rf "$seeds" && mkdir -p "$seeds" "$work/corpus" "$work/crashes"

n=0
seed() { n=$((n + 1)); cp "$1" "$seeds/$(printf '%04d' $n)-$(basename "$1")"; }
each_line() {  # each line of a file as its own seed
  local i=0
  while IFS= read -r line && [ $i -lt 200 ]; do
    i=$((i + 1)); n=$((n + 1)); printf '%s' "$line" > "$seeds/$(printf '%04d' $n)-line"
  done < "$1"
}
case $kind in
  json)
    for f in "$root"/models/*.json "$root"/examples/*/*.json "$root"/schema/*.json "$root"/tests/golden/*.json \
             "$root"/tests/golden/edge/*.json "$root"/tests/cli/data/*.json; do [ -f "$f" ] && seed "$f"; done
    each_line "$root/tests/golden/default-requests.ndjson" ;;
  model)
    for f in "$root"/models/*.json "$root"/examples/*/*.json "$root"/tests/golden/edge/*.json \
             "$root"/tests/cli/data/*.json; do [ -f "$f" ] && seed "$f"; done ;;
  request)
    each_line "$root/tests/golden/default-requests.ndjson"
    for f in "$root"/tests/cli/data/*answers*.json "$root"/tests/cli/data/*context*.json; do [ -f "$f" ] && seed "$f"; done ;;
  csv)
    # The first byte says how many chunk sizes follow (0: none, the text in one piece).
    for f in "$root"/tests/golden/*.csv "$root"/tests/golden/*.ndjson "$root"/tests/cli/data/*.csv; do
      [ -f "$f" ] || continue
      # The first byte: chunk sizes that follow (bits 0-2), NDJSON (bit 3).
      case $f in *.ndjson) format=8 ;; *) format=0 ;; esac
      n=$((n + 1)); { printf "\\$(printf '%03o' $format)"; head -c 4096 "$f"; } > "$seeds/$(printf '%04d' $n)-$(basename "$f")"
      n=$((n + 1)); { printf "\\$(printf '%03o' $((format + 3)))\001\007\040"; head -c 4096 "$f"; } > "$seeds/$(printf '%04d' $n)-chunked-$(basename "$f")"
    done ;;
  *) echo "unknown kind: $kind"; exit 2 ;;
esac

max_len=65536
[ "$kind" = csv ] && max_len=8192  # records split at every place matter more than long files
log=$work/fuzz.log
set +e
"$fuzzer" "$work/corpus" "$seeds" -dict="$root/tests/fuzz/json.dict" -artifact_prefix="$work/crashes/" \
  -max_len=$max_len -print_final_stats=1 "$@" > "$log" 2>&1
status=$?
set -e
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
echo "fuzz $kind: $runs executions, $(ls "$work/corpus" | wc -l) inputs in the corpus, $n seeds, exit $status"
if [ $status -ne 0 ]; then
  tail -n 60 "$log"
  exit 1
fi
