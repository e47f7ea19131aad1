#!/usr/bin/env bash
# fit --split-out and report/tune --split-in: the fitted model's AUC on the holdout part, as
# report shows it, is the AUC fit printed for its holdout leads; a split file for other data is
# refused.   split_roundtrip.sh RIPEN WORKDIR
set -euo pipefail
ripen=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
model="$here/../../models/default.json"
data=(--data "$here/data/crm-export.csv")
mkdir -p "$work"
"$ripen" map --model "$model" "${data[@]}" > "$work/map.json" 2> /dev/null
data+=(--map "$work/map.json")
"$ripen" fit --model "$model" "${data[@]}" --min-support 5 --seed 3 --format json --out "$work/fitted.json" \
  --split-out "$work/split.csv" > "$work/fit.json" 2> /dev/null
promised=$(grep -o '"auc_holdout": [0-9.]*' "$work/fit.json" | grep -o '[0-9.]*$')
"$ripen" report --model "$work/fitted.json" "${data[@]}" --split-in "$work/split.csv" --format json > "$work/report.json" 2> "$work/report.err"
shown=$(grep -o '"auc": [0-9.]*' "$work/report.json" | grep -o '[0-9.]*$')
[ "$promised" = "$shown" ] || { echo "FAIL: fit's holdout AUC $promised, report on the holdout part $shown"; exit 1; }
grep -q 'using the holdout leads of' "$work/report.err" || { echo "FAIL: report does not say which part: $(cat "$work/report.err")"; exit 1; }
"$ripen" tune --model "$work/fitted.json" "${data[@]}" --split-in "$work/split.csv" --target-precision 30% > /dev/null 2> "$work/tune.err" || true
grep -q 'using the train leads of' "$work/tune.err" || { echo "FAIL: tune does not use the train part: $(cat "$work/tune.err")"; exit 1; }
head -n 5 "$work/split.csv" > "$work/short.csv"
status=0
"$ripen" report --model "$model" "${data[@]}" --split-in "$work/short.csv" > /dev/null 2> "$work/short.err" || status=$?
[ $status -eq 2 ] && grep -q 'it was written for other data or another mapping' "$work/short.err" ||
  { echo "FAIL: a split for other data: status $status, $(cat "$work/short.err")"; exit 1; }
echo "holdout AUC $promised from fit, $shown from report --split-in"
