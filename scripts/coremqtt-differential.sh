#!/usr/bin/env bash
# Differential test against the original coreMQTT C code: builds
# tests/reference/serializer_cases.c twice, once against rsmqtt (librsmqtt.a
# and include/) and once against coreMQTT v1.2.0's own serializer sources
# (fetched by scripts/coremqtt-reference.sh; never committed), runs both and
# compares their output line by line: same return codes, byte-identical
# packets, same out-parameters.
#
#   bash scripts/coremqtt-differential.sh
#
# Differences that are deliberate (rsmqtt refuses what coreMQTT asserts on,
# writes out of bounds for or silently accepts) are listed with a reason in
# tests/reference/allowed-differences.txt; those cases are left out of the
# comparison, and an entry whose outputs no longer differ fails the run (so
# the list cannot go stale). Cases where coreMQTT's behaviour is undefined
# (a NULL function pointer call) are compiled out of the coreMQTT build and
# checked against an expected status on rsmqtt only.
#
# Exit status: 0 when the outputs match; 1 on a difference or build failure;
# 2 when the coreMQTT sources could not be downloaded (crates.io unreachable).
#
# Environment: CC (default cc), CARGO_TARGET_DIR.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
WORK="$TARGET_DIR/coremqtt-differential"
CC=${CC:-cc}
ALLOW="$ROOT/tests/reference/allowed-differences.txt"
PROGRAM="$ROOT/tests/reference/serializer_cases.c"
# What librsmqtt.a needs from the system on Linux (the Rust standard library).
NATIVE_LIBS=(-lgcc_s -lutil -lrt -lpthread -lm -ldl)

if [ -d "$HOME/.cargo/bin" ]; then
    PATH="$HOME/.cargo/bin:$PATH"
fi

set +e
REFERENCE=$(bash scripts/coremqtt-reference.sh)
status=$?
set -e
if [ $status -ne 0 ]; then
    exit $status
fi
echo "coreMQTT reference sources: $REFERENCE"

mkdir -p "$WORK"
cargo build --quiet -p rsmqtt-staticlib
WARN=(-std=c11 -Wall -Wextra -Werror)

"$CC" "${WARN[@]}" -O1 -g -DMQTT_DO_NOT_USE_CUSTOM_CONFIG -I"$ROOT/include" \
    "$PROGRAM" "$TARGET_DIR/debug/librsmqtt.a" "${NATIVE_LIBS[@]}" \
    -o "$WORK/serializer_cases_rsmqtt"

# coreMQTT's own sources are compiled without -Werror (they are not ours) and
# with their asserts enabled, as in coreMQTT's unit tests: no compared case may
# trip one.
"$CC" -std=c11 -O1 -g -c -DMQTT_DO_NOT_USE_CUSTOM_CONFIG \
    -I"$REFERENCE/include" -I"$REFERENCE/interface" \
    "$REFERENCE/core_mqtt_serializer.c" -o "$WORK/core_mqtt_serializer.o"
"$CC" "${WARN[@]}" -O1 -g -DRSMQTT_REFERENCE_COREMQTT -DMQTT_DO_NOT_USE_CUSTOM_CONFIG \
    -I"$REFERENCE/include" -I"$REFERENCE/interface" \
    "$PROGRAM" "$WORK/core_mqtt_serializer.o" -o "$WORK/serializer_cases_coremqtt"

"$WORK/serializer_cases_rsmqtt" >"$WORK/rsmqtt.raw"
# The same program on the C original: no compared case may crash it or trip
# one of its asserts.
"$WORK/serializer_cases_coremqtt" >"$WORK/coremqtt.raw"

# rsmqtt-only lines were already checked by the program itself.
grep '^rsmqtt-only ' "$WORK/rsmqtt.raw" >"$WORK/rsmqtt-only.txt" || true
grep -v '^rsmqtt-only ' "$WORK/rsmqtt.raw" >"$WORK/rsmqtt.all" || true
cp "$WORK/coremqtt.raw" "$WORK/coremqtt.all"

# The allow-list: "<case name> | <reason>" per line, # comments.
sed -e 's/#.*//' -e 's/|.*//' -e 's/[[:space:]]*$//' -e 's/^[[:space:]]*//' "$ALLOW" |
    grep -v '^$' >"$WORK/allowed-names.txt" || true

# An allow-list entry covers the case of that name and the follow-up steps
# named below it ("publish/qos3" covers "publish/qos3/size", ".../serialize",
# ...): when the first step is refused, the later ones do not run.
covered() { awk -v entry="$2" '{ name = $0; sub(/: .*/, "", name) }
    name == entry || index(name, entry "/") == 1' "$1"; }
failed=0
stale=()
while IFS= read -r name; do
    ours=$(covered "$WORK/rsmqtt.all" "$name")
    theirs=$(covered "$WORK/coremqtt.all" "$name")
    if [ -z "$ours" ] && [ -z "$theirs" ]; then
        stale+=("$name (no such case)")
    elif [ "$ours" = "$theirs" ]; then
        stale+=("$name (outputs are identical now)")
    fi
done <"$WORK/allowed-names.txt"

# Drop allowed cases from both sides, then compare.
filter() {
    awk -v list="$WORK/allowed-names.txt" '
        BEGIN { while ((getline line < list) > 0) allowed[line] = 1 }
        {
            name = $0; sub(/: .*/, "", name)
            # The name itself or any of its parents ("a/b" for "a/b/c").
            for (prefix = name; ; ) {
                if (prefix in allowed) next
                if (sub(/\/[^\/]*$/, "", prefix) == 0) break
            }
            print
        }' "$1"
}
filter "$WORK/rsmqtt.all" >"$WORK/rsmqtt.txt"
filter "$WORK/coremqtt.all" >"$WORK/coremqtt.txt"

total=$(cat "$WORK/coremqtt.all" "$WORK/rsmqtt.all" | sed 's/: .*//' | sort -u | wc -l)
compared=$(sed 's/: .*//' "$WORK/coremqtt.txt" | sort -u | wc -l)
allowed=$(wc -l <"$WORK/allowed-names.txt")
only=$(wc -l <"$WORK/rsmqtt-only.txt")

if ! diff -u --label coreMQTT-v1.2.0 --label rsmqtt "$WORK/coremqtt.txt" "$WORK/rsmqtt.txt"; then
    echo "coremqtt-differential: rsmqtt's output differs from coreMQTT's (above: - coreMQTT, + rsmqtt)." >&2
    echo "Fix rsmqtt, or list a deliberate difference with its reason in $ALLOW." >&2
    failed=1
fi
if [ ${#stale[@]} -gt 0 ]; then
    printf 'coremqtt-differential: stale allow-list entry: %s\n' "${stale[@]}" >&2
    failed=1
fi

echo "coremqtt-differential: $total cases; $compared identical to coreMQTT v1.2.0 (same status," \
    "bytes and out-parameters), $allowed allowed differences (tests/reference/allowed-differences.txt)," \
    "$only rsmqtt-only checks"
exit $failed
