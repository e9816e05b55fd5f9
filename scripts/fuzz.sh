#!/bin/sh
# Runs a cargo-fuzz target for a fixed time and prints how many inputs it
# executed.
#   scripts/fuzz.sh [seconds] [target]      defaults: 60 s, decode_roundtrip
# Needs the nightly toolchain and cargo-fuzz. New corpus entries go to
# fuzz/corpus/<target> (git-ignored); fuzz/seeds/<target> (committed) holds
# the starting inputs. Exits non-zero if the fuzzer found a crash; the
# reproducer is in fuzz/artifacts/<target>.
set -eu

seconds="${1:-60}"
target="${2:-decode_roundtrip}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"

mkdir -p "corpus/$target"
seeds=""
if [ -d "seeds/$target" ]; then
    seeds="seeds/$target"
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

status=0
# shellcheck disable=SC2086 # $seeds is empty or one path without spaces
cargo +nightly fuzz run "$target" "corpus/$target" $seeds -- \
    -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1 || status=$?

tail -n 25 "$log"
runs="$(sed -n 's/^Done \([0-9][0-9]*\) runs.*/\1/p' "$log" | tail -n 1)"
if [ -z "$runs" ]; then
    runs="$(sed -n 's/^stat::number_of_executed_units: *\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)"
fi
echo "fuzz target: $target"
echo "duration: ${seconds} s"
echo "executions: ${runs:-unknown}"
if [ "$status" -ne 0 ]; then
    echo "result: CRASH or error (exit $status); see fuzz/artifacts/$target"
    exit "$status"
fi
echo "result: no crash"
