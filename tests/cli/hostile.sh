#!/usr/bin/env bash
# The CLI on hostile input, as an attacker or a careless user would give it: output that cannot
# be written, inputs that are huge, quadratic-looking, unbounded, not UTF-8, full of control
# bytes, or not files at all. Run for the native ripen and for the Node one:
#   hostile.sh WORKDIR ripen-binary
#   hostile.sh WORKDIR node path/to/bin/ripen.mjs
# Time limits are far from both sides: what used to take minutes must take seconds.
set -uo pipefail
work=$1
shift
ripen=("$@")
here=$(cd "$(dirname "$0")" && pwd)
model="$here/../../models/default.json"
mkdir -p "$work"
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
# run NAME EXPECTED_STATUS ARGS... : runs ripen with stdout/stderr in $work/NAME.{out,err}
run() {
  local name=$1 want=$2
  shift 2
  local status=0
  "${ripen[@]}" "$@" > "$work/$name.out" 2> "$work/$name.err" || status=$?
  [ "$status" -eq "$want" ] || fail "$name: exit status $status, expected $want: $(head -c 400 "$work/$name.err")"
}
expect_err() {
  local name=$1 text=$2
  grep -qF -- "$text" "$work/$name.err" || fail "$name: standard error lacks \"$text\": $(head -c 400 "$work/$name.err")"
}
seconds_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# ---- every write error ends the command with status 2 and names standard output ------------
for command in "validate $model" "sample --model $model --count 20000" "score --model $model $here/data/leads.csv" \
               "summary --model $model $here/data/leads.csv" "explain --model $model --answers {\"goal\":\"replace\"}" \
               "decide --model $model $here/data/requests.ndjson" \
               "report --model $model --data $here/data/history.csv --map $here/data/history-map.json" \
               "map --model $model --data $here/data/history.csv" "--help" "--version" "score --help"; do
  status=0
  # shellcheck disable=SC2086
  "${ripen[@]}" $command > /dev/full 2> "$work/full.err" || status=$?
  [ "$status" -eq 2 ] || fail "ripen $command > /dev/full: exit status $status, expected 2"
  grep -q "cannot write to standard output: No space left on device" "$work/full.err" ||
    fail "ripen $command > /dev/full: no message naming the output: $(cat "$work/full.err")"
done
# A pipe whose reader left, with SIGPIPE ignored (as under some supervisors): EPIPE, status 2.
status=$( (trap '' PIPE; "${ripen[@]}" sample --model "$model" --count 200000 2> "$work/pipe.err" | head -c 100 > /dev/null; echo "${PIPESTATUS[0]}") )
[ "$status" -eq 2 ] || fail "sample into a closed pipe: exit status $status, expected 2"
grep -q "cannot write to standard output: Broken pipe" "$work/pipe.err" || fail "closed pipe: $(cat "$work/pipe.err")"
# --out files too.
run fit-out 2 fit --model "$model" --data "$here/data/history.csv" --map "$here/data/history-map.json" --out /dev/full
expect_err fit-out 'cannot write "/dev/full": No space left on device'

# ---- linear time in record length and column count ----------------------------------------
# 96 MB in one record: linear code takes about half a second here (two under the sanitizers),
# the quadratic search it replaced half a minute.
{ echo "goal,role"; printf 'replace,'; head -c $((96 << 20)) /dev/zero | tr '\0' 'x'; echo; } > "$work/long-line.csv"
start=$(date +%s%N)
run long-line 1 score --model "$model" "$work/long-line.csv"
ms=$(seconds_since "$start")
[ "$ms" -lt 6000 ] || fail "a 96 MB record took $ms ms to score (quadratic?)"
expect_err long-line "is not an option of \"role\""
start=$(date +%s%N)
run long-line-ndjson 1 score --format ndjson --model "$model" "$work/long-line.csv"
ms=$(seconds_since "$start")
[ "$ms" -lt 6000 ] || fail "a 96 MB NDJSON line took $ms ms (quadratic?)"
{ printf 'Goal,Won\n'; printf 'replace,'; head -c $((96 << 20)) /dev/zero | tr '\0' 'y'; printf '\n'; } > "$work/long-record-history.csv"
printf '{"format": 1, "columns": {"Goal": {"question": "goal"}, "Won": {"outcome": ["yes"]}}}' > "$work/long-record-map.json"
start=$(date +%s%N)
run long-import 0 report --model "$model" --data "$work/long-record-history.csv" --map "$work/long-record-map.json"
ms=$(seconds_since "$start")
[ "$ms" -lt 6000 ] || fail "importing a 96 MB record took $ms ms (quadratic?)"
rm -f "$work/long-line.csv" "$work/long-record-history.csv"
# An unclosed quote holds no more than the record limit in memory and stops there.
{ echo "goal,role"; printf '"'; head -c $((300 << 20)) /dev/zero | tr '\0' 'z'; } > "$work/unclosed.csv"
run unclosed 2 score --model "$model" "$work/unclosed.csv"
expect_err unclosed "a record is longer than 256 MB (an unclosed quote?); the input is not read further [csv.record_too_long]"
rm -f "$work/unclosed.csv"
# 200,000 columns: hashed, not compared pairwise.
columns=$(seq -f 'c%g' 1 200000 | paste -sd,)
{ echo "goal,$columns"; echo "replace$(printf ',%.0s' $(seq 1 200000))"; } > "$work/wide.csv"
start=$(date +%s%N)
run wide 0 score --model "$model" "$work/wide.csv"
ms=$(seconds_since "$start")
[ "$ms" -lt 6000 ] || fail "a header of 200,000 columns took $ms ms (quadratic?)"
{ echo "goal,goal,$columns"; } > "$work/wide-dup.csv"
run wide-dup 2 score --model "$model" "$work/wide-dup.csv"
expect_err wide-dup 'duplicate column "goal" [csv.duplicate_column]'
# And a mapping that names 100,000 of them (a CRM export's every custom field, ignored).
few=$(seq -f 'c%g' 1 100000 | paste -sd,)
{ echo "Goal,Won,$few"; echo "replace,yes$(printf ',%.0s' $(seq 1 100000))"; } > "$work/wide-history.csv"
{ printf '{"format": 1, "columns": {"Goal": {"question": "goal"}, "Won": {"outcome": ["yes"]}'
  seq -f ', "c%g": {"ignore": true}' 1 100000 | tr -d '\n'; printf '}}'; } > "$work/wide-map.json"
start=$(date +%s%N)
run wide-import 0 report --model "$model" --data "$work/wide-history.csv" --map "$work/wide-map.json"
ms=$(seconds_since "$start")
[ "$ms" -lt 6000 ] || fail "importing 100,000 mapped columns took $ms ms (quadratic?)"
rm -f "$work/wide.csv" "$work/wide-dup.csv" "$work/wide-history.csv" "$work/wide-map.json"

# ---- whole-file reads have limits; decide streams ------------------------------------------
run zero-model 2 validate /dev/zero
expect_err zero-model '"/dev/zero" is larger than 16 MB, the limit for a model file'
run zero-model-score 2 score --model /dev/zero "$here/data/leads.csv"
expect_err zero-model-score '"/dev/zero" is larger than 16 MB, the limit for a model file'
run zero-answers 2 explain --model "$model" --answers @/dev/zero
expect_err zero-answers '"/dev/zero" is larger than 1 MB, the limit for --answers'
run zero-map 2 report --model "$model" --data "$here/data/history.csv" --map /dev/zero
expect_err zero-map '"/dev/zero" is larger than 16 MB, the limit for a mapping file'
# 120 MB of requests, nearly all blank lines: decided in one pass with bounded memory.
request=$(head -n 1 "$here/data/requests.ndjson")
{ for i in 1 2 3; do echo "$request"; head -c $((40 << 20)) /dev/zero | tr '\0' '\n'; done; } > "$work/big-requests.ndjson"
if [ "${ripen[0]}" != node ] && [ -z "${RIPEN_SANITIZED:-}" ]; then
  /usr/bin/time -f '%M' -o "$work/decide.rss" "${ripen[@]}" decide --model "$model" "$work/big-requests.ndjson" > "$work/decide.out" 2> "$work/decide.err" ||
    fail "decide on 120 MB: $(cat "$work/decide.err")"
  rss=$(tail -1 "$work/decide.rss")
  [ "$rss" -lt 100000 ] || fail "decide on 120 MB of input used $rss KB (it should stream)"
else
  run decide-big 0 decide --model "$model" "$work/big-requests.ndjson"
  cp "$work/decide-big.out" "$work/decide.out"
fi
[ "$(wc -l < "$work/decide.out")" -eq 3 ] || fail "decide on 120 MB: expected 3 decisions"
rm -f "$work/big-requests.ndjson"
{ printf '{"answers": {"goal": "'; head -c $((17 << 20)) /dev/zero | tr '\0' 'q'; printf '"}}\n'; } > "$work/long-request.ndjson"
run long-request 2 decide --model "$model" "$work/long-request.ndjson"
expect_err long-request "long-request.ndjson:1: a request is longer than 16 MB; the input is not read further"
rm -f "$work/long-request.ndjson"

# ---- diagnostics never carry raw control bytes ---------------------------------------------
printf 'goal,role,\x1b]0;owned\x07\x1b[2J\n' > "$work/escape-header.csv"
printf 'replace,manager,x\nreplace,\x1b[31mred\x00nul,y\n' >> "$work/escape-header.csv"
run escape 1 score --model "$model" "$work/escape-header.csv"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$work/escape.err" || tr -d '\n' < "$work/escape.err" | LC_ALL=C grep -qP '\x00'; then
  fail "control bytes reached standard error: $(od -c "$work/escape.err" | head)"
fi
expect_err escape '\x1b[31mred\x00nul'
expect_err escape '[answer.unknown_option]'
printf '{"format": 1, "id": "x\\u001b]0;t\\u0007", "\\u001b[2Jkey": 1}' > "$work/escape-model.json"
run escape-model 1 validate "$work/escape-model.json"
LC_ALL=C grep -q $'\x1b' "$work/escape-model.out" && fail "an ESC decoded from \\u001b reached the terminal"
grep -qF 'unknown member "\x1b[2Jkey"' "$work/escape-model.out" || fail "escaped member name missing: $(cat "$work/escape-model.out")"
run escape-file 2 validate "$work/$(printf 'no\x1bsuch')"
LC_ALL=C grep -q $'\x1b' "$work/escape-file.err" && fail "an ESC in a file name reached the terminal"

# ---- text that is not UTF-8 -----------------------------------------------------------------
printf 'Goal,Job Role,Won\nreplace,caf\xf5 owner,yes\nexplore,manager,no\n' > "$work/latin1.csv"
run latin1-map 0 map --model "$model" --data "$work/latin1.csv"
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$work/latin1-map.out" 2> /dev/null ||
  fail "map wrote invalid JSON for a value that is not UTF-8"
LC_ALL=C grep -q $'\xf5' "$work/latin1-map.out" && fail "map wrote the raw byte 0xf5"
cp "$work/latin1-map.out" "$work/latin1-map.json"
run latin1-report 0 report --model "$model" --data "$work/latin1.csv" --map "$work/latin1-map.json" --format json
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$work/latin1-report.out" 2> /dev/null ||
  fail "report --format json printed invalid JSON"
# Read as Windows-1252, what spreadsheets on Windows save, and said so; the value keeps its letter.
expect_err latin1-report "1:1: warning: the file is not UTF-8: read as Windows-1252 (save it as CSV UTF-8 to be sure) [csv.windows1252]"
grep -qF 'cafõ_owner' "$work/latin1-map.out" || fail "map lost the letter õ: $(cat "$work/latin1-map.out")"
printf '\xef\xbb\xbf\xef\xbb\xbfgoal,role\nreplace,manager\n' > "$work/double-bom.csv"
run double-bom 2 score --model "$model" "$work/double-bom.csv"
expect_err double-bom "1:1: the file starts with two UTF-8 byte-order marks (converted to UTF-8 twice): remove one [csv.encoding]"
printf '\xff\xfeg\0o\0a\0l\0\n\0' > "$work/utf16.csv"
run utf16 2 score --model "$model" "$work/utf16.csv"
expect_err utf16 "1:1: the file is UTF-16 (little-endian), not UTF-8: save it as UTF-8 (in Excel: CSV UTF-8) [csv.encoding]"
printf 'g\0o\0a\0l\0\n\0' > "$work/utf16-nobom.csv"
run utf16-nobom 2 report --model "$model" --data "$work/utf16-nobom.csv" --map "$work/long-record-map.json"
expect_err utf16-nobom "the file is UTF-16 (little-endian), not UTF-8"
printf '\0\0\xfe\xff\0\0\0{' > "$work/utf32.json"
run utf32 1 validate "$work/utf32.json"
grep -qF "1:1: the text is UTF-32 (big-endian), not UTF-8: save it as UTF-8 [json.syntax]" "$work/utf32.out" || fail "utf32: $(cat "$work/utf32.out")"

# ---- a directory is named as one ------------------------------------------------------------
run dir-model 2 validate "$work"
expect_err dir-model "cannot read \"$work\": it is a directory"
run dir-input 2 score --model "$model" "$work"
expect_err dir-input "cannot read \"$work\": it is a directory"
run dir-data 2 report --model "$model" --data "$work"
expect_err dir-data "cannot read \"$work\": it is a directory"

[ "$failures" -eq 0 ] || { echo "$failures hostile-input checks failed" >&2; exit 1; }
echo "all hostile-input checks passed"
