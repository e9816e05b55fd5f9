#!/bin/sh
# Runs cargo-fuzz targets for a fixed time each and prints how many inputs
# each one executed.
#   scripts/fuzz.sh [seconds] [target...]    defaults: 60 s, every target
# Targets (fuzz/fuzz_targets/):
#   decode_roundtrip      the wire codec: decode, re-encode, compare
#   coremqtt_receive      a coreMQTT context fed by a scripted broker and network
#   coremqtt_deserialize  coreMQTT's deserializer API, cross-checked with the codec
#   topic_match           MQTT_MatchTopic against the codec's topic matcher
#   engine_session        the session engine over an in-memory port (no C ABI)
# Needs the nightly toolchain and cargo-fuzz. New corpus entries go to
# fuzz/corpus/<target> (git-ignored); fuzz/seeds/<target> (committed) holds
# the starting inputs. Runs every target even after a failure, then exits
# non-zero if any found a crash; reproducers are in fuzz/artifacts/<target>.
set -eu

seconds="${1:-60}"
if [ "$#" -gt 0 ]; then
    shift
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"

if [ "$#" -gt 0 ]; then
    targets="$*"
else
    targets="$(cargo +nightly fuzz list)"
fi

log="$(mktemp)"
summary="$(mktemp)"
trap 'rm -f "$log" "$summary"' EXIT

# One build for all targets, so the timed runs do not include compiling.
cargo +nightly fuzz build >"$log" 2>&1 || {
    cat "$log"
    echo "fuzz build failed"
    exit 1
}

failed=0
for target in $targets; do
    mkdir -p "corpus/$target"
    seeds=""
    if [ -d "seeds/$target" ]; then
        seeds="seeds/$target"
    fi
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
        echo "$target: CRASH (exit $status) after ${runs:-unknown} executions" >>"$summary"
        failed=1
    else
        echo "result: no crash"
        echo "$target: ${runs:-unknown} executions in ${seconds} s, no crash" >>"$summary"
    fi
    echo
done

echo "==== fuzz summary ===="
cat "$summary"
exit "$failed"
