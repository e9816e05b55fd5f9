#!/usr/bin/env bash
# CPU per message: rsmqtt against the original coreMQTT C code (v1.2.0,
# fetched from crates.io by scripts/coremqtt-reference.sh for the
# comparison only).
#
#   bash scripts/bench.sh
#
# Builds benches/c/serializer_bench.c twice: against librsmqtt.a (cargo's
# release profile) and against coreMQTT's C sources (core_mqtt.c,
# core_mqtt_state.c, core_mqtt_serializer.c), both with the same C compiler
# at -O2, coreMQTT with its asserts off (-DNDEBUG, its fastest build). Runs
# the two programs alternately for a few rounds in this one invocation and
# prints, per benchmark, the best CPU time per message of each and the ratio
# rsmqtt / coreMQTT (below 1: rsmqtt uses less CPU). With valgrind installed
# it also prints instructions per message (callgrind, from the difference of
# two runs of different length, so start-up is excluded): a noise-free second
# measure.
#
# Not part of scripts/test.sh: timings depend on the machine and its load,
# and nothing here asserts on them. The benchmark programs do check their
# results and the script fails if one is wrong.
#
# Environment: CC (default cc), RSMQTT_BENCH_ROUNDS (default 3),
# RSMQTT_BENCH_CALLGRIND=0 to skip the instruction counts.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
WORK="$TARGET_DIR/bench"
CC=${CC:-cc}
ROUNDS=${RSMQTT_BENCH_ROUNDS:-3}
CALLGRIND=${RSMQTT_BENCH_CALLGRIND:-1}
PROGRAM="$ROOT/benches/c/serializer_bench.c"
NATIVE_LIBS=(-lgcc_s -lutil -lrt -lpthread -lm -ldl)

if [ -d "$HOME/.cargo/bin" ]; then
    PATH="$HOME/.cargo/bin:$PATH"
fi

REFERENCE=$(bash scripts/coremqtt-reference.sh)
mkdir -p "$WORK"

cargo build --quiet --release -p rsmqtt-staticlib
"$CC" -std=c11 -O2 -Wall -Wextra -Werror -DMQTT_DO_NOT_USE_CUSTOM_CONFIG -I"$ROOT/include" \
    "$PROGRAM" "$TARGET_DIR/release/librsmqtt.a" "${NATIVE_LIBS[@]}" -o "$WORK/bench_rsmqtt"
"$CC" -std=c11 -O2 -DNDEBUG -DMQTT_DO_NOT_USE_CUSTOM_CONFIG -DRSMQTT_REFERENCE_COREMQTT \
    -I"$REFERENCE/include" -I"$REFERENCE/interface" \
    "$PROGRAM" "$REFERENCE/core_mqtt.c" "$REFERENCE/core_mqtt_state.c" \
    "$REFERENCE/core_mqtt_serializer.c" -o "$WORK/bench_coremqtt"

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || uname -m)"
echo "compiler: $("$CC" --version | head -n 1); $(rustc --version)"
echo

: >"$WORK/times.txt"
for round in $(seq 1 "$ROUNDS"); do
    for side in coremqtt rsmqtt; do
        "$WORK/bench_$side" | sed "s/^/$side /" >>"$WORK/times.txt"
    done
    echo "round $round/$ROUNDS done" >&2
done

echo "CPU time per message (best of $ROUNDS rounds, ns):"
awk '
    { key = $1 " " $2; if (!(key in best) || $3 < best[key]) best[key] = $3
      if (!($2 in seen)) { seen[$2] = 1; order[n++] = $2 } }
    END {
        printf "  %-20s %10s %10s %16s\n", "benchmark", "coreMQTT", "rsmqtt", "rsmqtt/coreMQTT"
        for (i = 0; i < n; i++) {
            b = order[i]; c = best["coremqtt " b]; r = best["rsmqtt " b]
            printf "  %-20s %10.1f %10.1f %16.2f\n", b, c, r, r / c
        }
    }' "$WORK/times.txt"

echo
echo "Transport receive calls per message (on a real socket each one is a system call):"
awk '$2 ~ /^process_loop/ { split($5, kv, "="); calls[$2 " " $1] = kv[2]; if (!($2 in seen)) { seen[$2] = 1; order[n++] = $2 } }
    END { for (i = 0; i < n; i++) printf "  %-20s coreMQTT %s, rsmqtt %s\n", order[i], calls[order[i] " coremqtt"], calls[order[i] " rsmqtt"] }' "$WORK/times.txt"

if [ "$CALLGRIND" != 1 ] || ! command -v valgrind >/dev/null 2>&1; then
    echo "(no valgrind: instruction counts skipped)"
    exit 0
fi

# Instructions of one run: callgrind's total.
instructions() {
    local out="$WORK/callgrind.out"
    valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1
    sed -n 's/^summary: *//p' "$out" | head -n 1
}

echo
echo "Instructions per message in user space (callgrind, (I(12000) - I(2000)) / 10000;"
echo "system calls not counted):"
printf "  %-20s %10s %10s %16s\n" benchmark coreMQTT rsmqtt rsmqtt/coreMQTT
for bench in serialize_publish deserialize_publish puback process_loop process_loop_socket; do
    per=()
    for side in coremqtt rsmqtt; do
        small=$(instructions "$WORK/bench_$side" "$bench" 2000)
        large=$(instructions "$WORK/bench_$side" "$bench" 12000)
        per+=("$(( (large - small) / 10000 ))")
    done
    awk -v b="$bench" -v c="${per[0]}" -v r="${per[1]}" \
        'BEGIN { printf "  %-20s %10d %10d %16.2f\n", b, c, r, r / c }'
done
