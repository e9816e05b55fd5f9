#!/usr/bin/env bash
# Flash and RAM on a Cortex-M4: rsmqtt against coreMQTT v3-CodeBase, the two
# linked into the same two firmware programs, built in this one run.
#
#   bash scripts/code-size-compare.sh
#
# Programs (benches/size/, one C source each, compiled unchanged for both):
#   (a) minimal_app.c  MQTT_Init, MQTT_Connect, MQTT_Subscribe, MQTT_Publish,
#                      MQTT_ProcessLoop, MQTT_Disconnect, as a sensor firmware
#   (b) full_api.c     every function of coreMQTT's MQTT 3.1.1 API referenced
#   no_mqtt.c          the same start-up code without MQTT: subtracted to show
#                      what the library adds (the application's own code in
#                      (a) stays in that figure, a few hundred bytes on both)
#
# rsmqtt: the no_std library for thumbv7em-none-eabihf, cargo profile
# `firmware` (opt-level z), `--no-default-features --features log/max_level_off`
# (logging compiled out), then split exactly as the CMake build does for a
# firmware with arm-none-eabi-gcc and newlib (cmake/rsmqttSplitArchive.cmake
# with MEM_FROM_C_LIBRARY, the default there): the librsmqtt.a a CMake user
# links, in which memcpy, memset, memcmp and __aeabi_mem* are left to the C
# library. The script lists which C library functions each rsmqtt image
# takes from newlib-nano.
# coreMQTT: core_mqtt.c, core_mqtt_state.c and core_mqtt_serializer.c from
# $RSMQTT_THIRD_PARTY/coremqtt (default ../shared/third_party/coremqtt),
# compiled here with -Os and asserts off (-DNDEBUG); its logging macros are
# empty by default. Never copied into the repository.
# Both: arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mthumb -mfloat-abi=hard
# -mfpu=fpv4-sp-d16 -ffunction-sections -fdata-sections, linked with
# newlib-nano (memcpy and friends), -nostartfiles and -Wl,--gc-sections, using
# tests/cmake/cortex_m4/cortex_m4.ld. The application part of each program is
# the same bytes in both images, so the difference is the library.
#
# Prints text/data/bss (arm-none-eabi-size, Berkeley format) of each image
# and the ratio rsmqtt / coreMQTT. Asserts nothing about the sizes.
#
# Needs: gcc-arm-none-eabi and libnewlib-arm-none-eabi (scripts/install-deps.sh
# test installs them), cmake, llvm-objcopy and llvm-nm (the split), the Rust
# target thumbv7em-none-eabihf (added with rustup when missing), coreMQTT's
# sources.
#
# Environment: CARGO_TARGET_DIR, RSMQTT_THIRD_PARTY.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
WORK="$TARGET_DIR/code-size-compare"
THIRD_PARTY=${RSMQTT_THIRD_PARTY:-$ROOT/../shared/third_party}
REFERENCE="$THIRD_PARTY/coremqtt/source"
RUST_TARGET=thumbv7em-none-eabihf
CC=arm-none-eabi-gcc
SIZE=arm-none-eabi-size

if [ -d "$HOME/.cargo/bin" ]; then
    PATH="$HOME/.cargo/bin:$PATH"
fi

for tool in "$CC" "$SIZE" arm-none-eabi-ar cmake llvm-objcopy llvm-nm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "code-size-compare: $tool not found; install gcc-arm-none-eabi, libnewlib-arm-none-eabi," >&2
        echo "cmake and llvm (bash scripts/install-deps.sh test does)" >&2
        exit 1
    fi
done
for file in core_mqtt.c core_mqtt_state.c core_mqtt_serializer.c include/core_mqtt.h; do
    if [ ! -f "$REFERENCE/$file" ]; then
        echo "code-size-compare: $REFERENCE/$file is missing." >&2
        echo "The comparison needs coreMQTT's C sources (branch v3-CodeBase) in" >&2
        echo "\$RSMQTT_THIRD_PARTY/coremqtt (default: ../shared/third_party/coremqtt beside the repository)." >&2
        exit 1
    fi
done
if ! rustup target list --installed 2>/dev/null | grep -qx "$RUST_TARGET"; then
    rustup target add "$RUST_TARGET"
fi

mkdir -p "$WORK"
cargo build --quiet --no-default-features --features log/max_level_off \
    --target "$RUST_TARGET" --profile firmware -p rsmqtt-staticlib
# The archive CMake's split step makes of cargo's (what rsmqtt::rsmqtt links
# in a firmware built with arm-none-eabi-gcc; see the header).
cmake -DAR="$(command -v arm-none-eabi-ar)" -DINPUT="$TARGET_DIR/$RUST_TARGET/firmware/librsmqtt.a" \
    -DOUTPUT_DIR="$WORK/lib" -DPREFIX=lib -DSUFFIX=.a -DNM="$(command -v llvm-nm)" \
    -DOBJCOPY="$(command -v llvm-objcopy)" -DMEM_FROM_C_LIBRARY=ON \
    -P "$ROOT/cmake/rsmqttSplitArchive.cmake"
LIBRARY="$WORK/lib/librsmqtt.a"

CFLAGS=(-std=c11 -Os -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
    -ffunction-sections -fdata-sections -DMQTT_DO_NOT_USE_CUSTOM_CONFIG -I"$ROOT/benches/size")
WARN=(-Wall -Wextra -Werror)
LDFLAGS=(-nostartfiles --specs=nano.specs -Wl,--gc-sections -Wl,-z,noexecstack
    -Wl,-T,"$ROOT/tests/cmake/cortex_m4/cortex_m4.ld")

# coreMQTT's sources are not ours: no -Werror for them.
reference_objects=()
for source in core_mqtt core_mqtt_state core_mqtt_serializer; do
    "$CC" "${CFLAGS[@]}" -DNDEBUG -I"$REFERENCE/include" -I"$REFERENCE/interface" \
        -c "$REFERENCE/$source.c" -o "$WORK/$source.o"
    reference_objects+=("$WORK/$source.o")
done

: >"$WORK/sizes.txt"
for program in no_mqtt minimal_app full_api; do
    "$CC" "${CFLAGS[@]}" "${WARN[@]}" -I"$ROOT/include" "$ROOT/benches/size/$program.c" \
        "${LDFLAGS[@]}" "$LIBRARY" -Wl,-Map="$WORK/$program-rsmqtt.map" -o "$WORK/$program-rsmqtt.elf"
    "$CC" "${CFLAGS[@]}" "${WARN[@]}" -I"$REFERENCE/include" -I"$REFERENCE/interface" \
        "$ROOT/benches/size/$program.c" "${reference_objects[@]}" \
        "${LDFLAGS[@]}" -Wl,-Map="$WORK/$program-coremqtt.map" -o "$WORK/$program-coremqtt.elf"
    for side in coremqtt rsmqtt; do
        "$SIZE" "$WORK/$program-$side.elf" |
            awk -v p="$program" -v s="$side" 'NR == 2 { print p, s, $1, $2, $3 }' >>"$WORK/sizes.txt"
    done
done

echo "Cortex-M4 images (bytes; arm-none-eabi-size; application code identical on both sides):"
echo "  rsmqtt: $(rustc --version),"
echo "          thumbv7em-none-eabihf, profile firmware, logging compiled out"
echo "  coreMQTT: v3-CodeBase ($(sed -n 's/^#define MQTT_LIBRARY_VERSION *//p' "$REFERENCE/include/core_mqtt.h")), $("$CC" --version | head -n 1), -Os -DNDEBUG"
awk '
    { text[$1 " " $2] = $3; data[$1 " " $2] = $4; bss[$1 " " $2] = $5 }
    END {
        printf "  %-28s %9s %6s %6s %9s %6s %6s %7s\n", "image", "coreMQTT", "data", "bss",
            "rsmqtt", "data", "bss", "rs/C"
        split("minimal_app full_api", order, " ")
        label["minimal_app"] = "(a) minimal application"
        label["full_api"] = "(b) whole MQTT_* API"
        for (i = 1; i <= 2; i++) {
            p = order[i]; c = p " coremqtt"; r = p " rsmqtt"
            printf "  %-28s %9d %6d %6d %9d %6d %6d %7.2f\n", label[p], text[c], data[c], bss[c],
                text[r], data[r], bss[r], text[r] / text[c]
        }
        printf "  %-28s %9d %6d %6d %9d %6d %6d\n", "no MQTT (start-up only)", text["no_mqtt coremqtt"],
            data["no_mqtt coremqtt"], bss["no_mqtt coremqtt"], text["no_mqtt rsmqtt"],
            data["no_mqtt rsmqtt"], bss["no_mqtt rsmqtt"]
        print ""
        print "What the library adds (image minus the no-MQTT image), text + data (flash):"
        for (i = 1; i <= 2; i++) {
            p = order[i]; c = p " coremqtt"; r = p " rsmqtt"
            fc = text[c] + data[c] - text["no_mqtt coremqtt"] - data["no_mqtt coremqtt"]
            fr = text[r] + data[r] - text["no_mqtt rsmqtt"] - data["no_mqtt rsmqtt"]
            printf "  %-28s coreMQTT %6d   rsmqtt %6d   rsmqtt/coreMQTT %5.2f\n", label[p], fc, fr, fr / fc
        }
    }' "$WORK/sizes.txt"

# Which C library functions each image takes from newlib-nano (the linker
# map's list of archive members pulled in: the member at the start of a
# line, then, indented, the file and symbol that pulled it).
echo ""
echo "C library functions each image takes from newlib-nano:"
for program in minimal_app full_api; do
    for side in coremqtt rsmqtt; do
        taken=$(awk '/^Archive member included/ { on = 1; next } /^(Discarded|Allocating|Memory Configuration)/ { on = 0 }
            on && /^[^ \t]/ { want = ($1 ~ /libc(_nano)?\.a\(/); if (NF == 1) next }
            on && want && /\(/ { sym = $NF; gsub(/[()]/, "", sym); print sym; want = 0 }' \
            "$WORK/$program-$side.map" | sort -u | tr '\n' ' ')
        printf '  %-24s %s\n' "$program-$side.elf" "${taken:-nothing}"
    done
done
