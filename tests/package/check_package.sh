#!/usr/bin/env bash
# Installs the Ripen of BUILD_DIR into a fresh prefix, builds tests/package/consumer against it
# with find_package(ripen), runs it on the default model, and compares its decision and scored
# rows with what the ripen CLI of the same build prints.
set -euo pipefail
build_dir=$1 work=$2 ripen=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
for header in ripen.hpp model.hpp decision.hpp batch.hpp issue.hpp; do
  test -f "$work/prefix/include/ripen/$header" || { echo "not installed: include/ripen/$header"; exit 1; }
done
if ls "$work/prefix/include/ripen" | grep -q internal; then echo "an internal header was installed"; exit 1; fi
cmake -S "$root/tests/package/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/configure.log"
cmake --build "$work/consumer" > "$work/build.log"
head -n 1 "$root/tests/golden/default-requests.ndjson" | tr -d '\n' > "$work/request.json"
"$work/consumer/consumer" "$root/models/default.json" "$work/request.json" "$root/tests/golden/default-leads.csv" > "$work/consumer.out"
{
  echo "ripen $("$ripen" --version | awk '{print $NF}')"
  "$ripen" decide --model "$root/models/default.json" < "$work/request.json"
  "$ripen" score --model "$root/models/default.json" "$root/tests/golden/default-leads.csv"
} > "$work/cli.out"
if ! cmp -s "$work/consumer.out" "$work/cli.out"; then
  echo "the consumer's output differs from the CLI's:"; diff "$work/cli.out" "$work/consumer.out" | head -20; exit 1
fi
echo "consumer built against $work/prefix: $(wc -l < "$work/consumer.out") lines, as the CLI"
