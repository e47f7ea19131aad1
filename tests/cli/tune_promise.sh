#!/usr/bin/env bash
# What tune promises is what report shows on the model tune wrote: the hand-offs and precision
# of the suggestion equal those of `report` on the written model, for the model's threshold
# (with a segment that has its own handoff_at) and for a segment's own, by precision and by
# capacity.   tune_promise.sh RIPEN WORKDIR
set -euo pipefail
ripen=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
model="$here/../../models/default.json"
data=("--data" "$here/data/history.csv" "--map" "$here/data/history-map.json")
mkdir -p "$work"
failures=0
# A member of the first object named KEY after the line matching ANCHOR, from pretty JSON.
member() { awk -v anchor="$2" -v key="\"$3\":" '$0 ~ anchor {found=1} found && $1 == key {gsub(/[,]/, "", $2); print $2; exit}' "$1"; }
check() {
  local name=$1; shift
  "$ripen" tune --model "$model" "${data[@]}" "$@" --format json --out "$work/$name.json" > "$work/$name.tune" 2> /dev/null
  "$ripen" report --model "$work/$name.json" "${data[@]}" --format json > "$work/$name.report" 2> /dev/null
  for key in handoff handoff_converted precision; do
    promised=$(member "$work/$name.tune" '"at": \{' "$key")
    delivered=$(member "$work/$name.report" '"overall": \{' "$key")
    if [ -z "$promised" ] || [ "$promised" != "$delivered" ]; then
      echo "FAIL: tune $* promised $key $promised, report on the written model shows $delivered"
      failures=$((failures + 1))
    fi
  done
  echo "tune $*: threshold $(member "$work/$name.tune" '"found"' threshold), precision promised $(member "$work/$name.tune" '"at": \{' precision), delivered $(member "$work/$name.report" '"overall": \{' precision)"
}
check precision --target-precision 0.6
check precision-55 --target-precision 55%
check capacity --capacity 12
check segment-web --target-precision 0.5 --segment web
check segment-strategic --capacity 2 --segment strategic
[ "$failures" -eq 0 ]
