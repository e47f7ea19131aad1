#!/usr/bin/env bash
# The scripts' messages: bold on a terminal, plain in pipes and logs, and never bold with
# NO_COLOR set. A terminal is made with script(1).
set -uo pipefail
lib=$(cd "$(dirname "$0")/../../scripts" && pwd)/lib.sh
failures=0
esc=$'\033'
out=$(bash -c "source '$lib'; say hello" 2>&1 | cat)
[[ "$out" == "==> hello" ]] || { echo "FAIL: in a pipe: $(printf %q "$out")"; failures=$((failures + 1)); }
if command -v script > /dev/null; then
  out=$(script -qec "bash -c \"source '$lib'; say hello\"" /dev/null)
  [[ "$out" == *"$esc[1m==> hello"* ]] || { echo "FAIL: on a terminal: $(printf %q "$out")"; failures=$((failures + 1)); }
  out=$(NO_COLOR=1 script -qec "bash -c \"source '$lib'; say hello\"" /dev/null)
  [[ "$out" != *"$esc"* ]] || { echo "FAIL: NO_COLOR on a terminal: $(printf %q "$out")"; failures=$((failures + 1)); }
fi
[ "$failures" -eq 0 ] && echo "script colours as expected"
exit "$failures"
