#!/usr/bin/env bash
# CPU per message: rsmqtt against the original coreMQTT C code (v3-CodeBase,
# compiled in this run from $RSMQTT_THIRD_PARTY/coremqtt, default
# ../shared/third_party/coremqtt; never copied into the repository).
#
#   bash scripts/bench.sh
#
# 1. Micro-benchmarks: benches/c/serializer_bench.c, built twice: against
#    librsmqtt.a (cargo's release profile) and against coreMQTT's C sources
#    (core_mqtt.c, core_mqtt_state.c, core_mqtt_serializer.c), both with the
#    same C compiler at -O2, coreMQTT with its asserts off (-DNDEBUG, its
#    fastest build). The two programs run alternately for a few rounds and
#    the script prints, per benchmark, the best CPU time per message of each
#    and the ratio rsmqtt / coreMQTT (below 1: rsmqtt uses less CPU). With
#    valgrind installed it also prints instructions per message (callgrind,
#    from the difference of two runs of different length, so start-up is
#    excluded): a noise-free second measure.
# 2. Against a broker (needs valgrind and mosquitto): benches/c/broker_bench.c,
#    built the same two ways, talks to a Mosquitto that this script starts on
#    free 127.0.0.1 ports (scripts/broker.sh) and stops at the end.
#    Instructions per message (callgrind, user space, system calls not
#    counted) for (i) QoS 0 publish and (ii) QoS 1 publish + PUBACK with 32
#    in flight, and the ratios rsmqtt / coreMQTT (issue 7's targets).
#
# Not part of scripts/test.sh: timings depend on the machine and its load,
# and nothing here asserts on them. The benchmark programs do check their
# results and the script fails if one is wrong.
#
# Environment: CC (default cc), RSMQTT_BENCH_ROUNDS (default 3),
# RSMQTT_BENCH_CALLGRIND=0 to skip the instruction counts (both parts'),
# RSMQTT_THIRD_PARTY, CARGO_TARGET_DIR.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
WORK="$TARGET_DIR/bench"
CC=${CC:-cc}
ROUNDS=${RSMQTT_BENCH_ROUNDS:-3}
CALLGRIND=${RSMQTT_BENCH_CALLGRIND:-1}
PROGRAM="$ROOT/benches/c/serializer_bench.c"
BROKER_PROGRAM="$ROOT/benches/c/broker_bench.c"
NATIVE_LIBS=(-lgcc_s -lutil -lrt -lpthread -lm -ldl)
THIRD_PARTY=${RSMQTT_THIRD_PARTY:-$ROOT/../shared/third_party}
REFERENCE="$THIRD_PARTY/coremqtt/source"

if [ -d "$HOME/.cargo/bin" ]; then
    PATH="$HOME/.cargo/bin:$PATH"
fi
# Debian installs mosquitto in /usr/sbin, which is not on every user's PATH.
PATH="$PATH:/usr/sbin:/sbin"

for file in core_mqtt.c core_mqtt_state.c core_mqtt_serializer.c include/core_mqtt.h interface/transport_interface.h; do
    if [ ! -f "$REFERENCE/$file" ]; then
        echo "bench: $REFERENCE/$file is missing." >&2
        echo "The baseline needs coreMQTT's C sources (branch v3-CodeBase) in" >&2
        echo "\$RSMQTT_THIRD_PARTY/coremqtt (default: ../shared/third_party/coremqtt beside the repository)." >&2
        exit 1
    fi
done
mkdir -p "$WORK"

cargo build --quiet --release -p rsmqtt-staticlib
for bench in serializer_bench broker_bench; do
    source="$ROOT/benches/c/$bench.c"
    "$CC" -std=c11 -O2 -Wall -Wextra -Werror -DMQTT_DO_NOT_USE_CUSTOM_CONFIG -I"$ROOT/include" \
        "$source" "$TARGET_DIR/release/librsmqtt.a" "${NATIVE_LIBS[@]}" -o "$WORK/${bench}_rsmqtt"
    "$CC" -std=c11 -O2 -DNDEBUG -DMQTT_DO_NOT_USE_CUSTOM_CONFIG -DRSMQTT_REFERENCE_COREMQTT \
        -I"$REFERENCE/include" -I"$REFERENCE/interface" \
        "$source" "$REFERENCE/core_mqtt.c" "$REFERENCE/core_mqtt_state.c" \
        "$REFERENCE/core_mqtt_serializer.c" -o "$WORK/${bench}_coremqtt"
done

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || uname -m)"
echo "compiler: $("$CC" --version | head -n 1); $(rustc --version)"
echo "baseline: coreMQTT v3-CodeBase ($(sed -n 's/^#define MQTT_LIBRARY_VERSION *//p' "$REFERENCE/include/core_mqtt.h")) from $REFERENCE"
echo

: >"$WORK/times.txt"
for round in $(seq 1 "$ROUNDS"); do
    for side in coremqtt rsmqtt; do
        "$WORK/serializer_bench_$side" | sed "s/^/$side /" >>"$WORK/times.txt"
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
    echo "(no valgrind or RSMQTT_BENCH_CALLGRIND=0: instruction counts skipped)"
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
        small=$(instructions "$WORK/serializer_bench_$side" "$bench" 2000)
        large=$(instructions "$WORK/serializer_bench_$side" "$bench" 12000)
        per+=("$(( (large - small) / 10000 ))")
    done
    awk -v b="$bench" -v c="${per[0]}" -v r="${per[1]}" \
        'BEGIN { printf "  %-20s %10d %10d %16.2f\n", b, c, r, r / c }'
done

# ---------------------------------------------------------------------------
# Against Mosquitto: instructions per message, QoS 0 and QoS 1 with 32 in flight.
if ! command -v mosquitto >/dev/null 2>&1; then
    echo "bench: mosquitto not found (bash scripts/install-deps.sh test installs it)" >&2
    exit 1
fi
BROKER_DIR="$WORK/broker"
bash scripts/broker.sh stop "$BROKER_DIR" >/dev/null 2>&1 || true
rm -rf "$BROKER_DIR"
eval "$(bash scripts/broker.sh start "$BROKER_DIR")"
trap 'bash scripts/broker.sh stop "$BROKER_DIR" >/dev/null 2>&1 || true' EXIT

# Instructions of one broker_bench run (which must succeed).
broker_instructions() {
    local out="$WORK/callgrind-broker.out"
    if ! valgrind --tool=callgrind --callgrind-out-file="$out" \
        "$@" >"$WORK/broker-run.log" 2>&1; then
        cat "$WORK/broker-run.log" >&2
        echo "bench: $* failed" >&2
        exit 1
    fi
    sed -n 's/^summary: *//p' "$out" | head -n 1
}

SMALL=${RSMQTT_BENCH_BROKER_SMALL:-1000}
LARGE=${RSMQTT_BENCH_BROKER_LARGE:-5000}
echo
echo "Against Mosquitto $(mosquitto -h 2>/dev/null | sed -n 's/^mosquitto version //p' | head -n 1) on $RSMQTT_BROKER_HOST:$RSMQTT_BROKER_PORT"
echo "(broker_bench.c; instructions per message in user space, callgrind,"
echo "(I($LARGE) - I($SMALL)) / $((LARGE - SMALL)); system calls not counted):"
printf "  %-42s %10s %10s %16s\n" benchmark coreMQTT rsmqtt rsmqtt/coreMQTT
for mode in qos0 qos1; do
    per=()
    for side in coremqtt rsmqtt; do
        small=$(broker_instructions "$WORK/broker_bench_$side" "$mode" "$RSMQTT_BROKER_HOST" "$RSMQTT_BROKER_PORT" "$SMALL")
        large=$(broker_instructions "$WORK/broker_bench_$side" "$mode" "$RSMQTT_BROKER_HOST" "$RSMQTT_BROKER_PORT" "$LARGE")
        per+=("$(( (large - small) / (LARGE - SMALL) ))")
    done
    case $mode in
        qos0) label="(i) QoS 0 publish" ;;
        qos1) label="(ii) QoS 1 publish + PUBACK, 32 in flight" ;;
    esac
    awk -v b="$label" -v c="${per[0]}" -v r="${per[1]}" \
        'BEGIN { printf "  %-42s %10d %10d %16.2f\n", b, c, r, r / c }'
done
