#!/usr/bin/env bash
# Footprint of rsmqtt inside the two FreeRTOS images of tests/freertos, next
# to the same images built with coreMQTT's C sources instead:
#
#   bash scripts/freertos-footprint.sh [OUT_DIR]
#
# Builds (in OUT_DIR, default build-footprint/):
#   mps2/rsmqtt        the Cortex-M3 image, rsmqtt no_std (firmware profile,
#                      opt-level z, logging compiled in)
#   mps2/rsmqtt-nolog  the same with logging compiled out
#                      (--features log/max_level_off)
#   mps2/coremqtt      the same image with coreMQTT v3-CodeBase's C sources
#                      (-Os, its logging macros empty as by default)
#   sim/rsmqtt         the POSIX simulator's mutual-TLS demo (release
#                      profile: MQTT engine plus rustls/ring for TLS)
# runs each against a throwaway Mosquitto (scripts/with-broker.sh) to read
# the stack high-water marks and heap figures the firmware prints, and
# reports for each: the image's flash and RAM, the share the MQTT library
# (and for the simulator the TLS stack) takes of them, read from the linker
# map by archive, and the run-time figures.
#
# There is no coreMQTT build of the simulator image: coreMQTT has no TLS
# (FreeRTOS pairs it with mbedTLS, which is not among the sources here), so
# its MQTT-only difference is what the mps2 rows show.
#
# Environment: FREERTOS_THIRD_PARTY (default ../shared/third_party),
# CARGO_TARGET_DIR (default target/).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${1:-build-footprint}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
THIRD_PARTY=${FREERTOS_THIRD_PARTY:-$ROOT/../shared/third_party}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
PATH="$PATH:/usr/sbin"
GEN=()
if command -v ninja >/dev/null 2>&1; then GEN=(-G Ninja); fi

log() { printf '== %s\n' "$*" >&2; }

# --- builds -----------------------------------------------------------------
build_mps2() {
    local name=$1
    shift
    log "building mps2/$name"
    cmake -S tests/freertos/qemu_mps2 -B "$OUT/mps2/$name" "${GEN[@]}" \
        -DCMAKE_TOOLCHAIN_FILE="$ROOT/tests/freertos/qemu_mps2/toolchain-arm-none-eabi-gcc.cmake" \
        -DRSMQTT_CARGO_TARGET_DIR="$TARGET_DIR" \
        -DFREERTOS_KERNEL_DIR="$THIRD_PARTY/freertos-kernel" \
        -DFREERTOS_PLUS_TCP_DIR="$THIRD_PARTY/freertos-plus-tcp" \
        -DFREERTOS_DEMO_MPS2_DIR="$THIRD_PARTY/freertos-demo-qemu-mps2" \
        -DCOREMQTT_DIR="$THIRD_PARTY/coremqtt" "$@" >/dev/null
    cmake --build "$OUT/mps2/$name" >/dev/null
}

build_mps2 rsmqtt -DRSMQTT_FREERTOS_MQTT=rsmqtt -DRSMQTT_CARGO_FLAGS=--no-default-features
build_mps2 rsmqtt-nolog -DRSMQTT_FREERTOS_MQTT=rsmqtt \
    "-DRSMQTT_CARGO_FLAGS=--no-default-features;--features;log/max_level_off"
build_mps2 coremqtt -DRSMQTT_FREERTOS_MQTT=coremqtt

log "building sim/rsmqtt (release profile)"
cmake -S . -B "$OUT/sim/rsmqtt" "${GEN[@]}" -DRSMQTT_CARGO_PROFILE=release \
    -DRSMQTT_CARGO_TARGET_DIR="$TARGET_DIR" -DRSMQTT_BUILD_EXAMPLES=OFF \
    -DFREERTOS_KERNEL_DIR="$THIRD_PARTY/freertos-kernel" \
    -DFREERTOS_PLUS_TCP_DIR="$THIRD_PARTY/freertos-plus-tcp" >/dev/null
cmake --build "$OUT/sim/rsmqtt" --target rsmqtt_freertos_sim >/dev/null

# --- runs -------------------------------------------------------------------
for name in rsmqtt rsmqtt-nolog coremqtt; do
    log "running mps2/$name in QEMU"
    bash scripts/with-broker.sh bash tests/freertos/qemu_mps2/run-qemu.sh \
        "$OUT/mps2/$name/mqtt_mps2.elf" "$OUT/mps2/$name/uart.log" >/dev/null
done
log "running sim/rsmqtt"
sim_bin="$OUT/sim/rsmqtt/tests/freertos/sim/rsmqtt_freertos_sim"
bash scripts/with-broker.sh "$sim_bin" >"$OUT/sim/rsmqtt/run.log"

# --- report -----------------------------------------------------------------
python3 - "$OUT" <<'EOF'
import re
import sys
from pathlib import Path

out = Path(sys.argv[1])

# Output sections that occupy flash or RAM in these images (the GNU ld map's
# names); .data is counted in both (initial values in flash, copy in RAM).
FLASH = {".isr_vector", ".text", ".rodata", ".ARM.exidx", ".ARM", ".ARM.extab",
         ".init", ".fini", ".plt", ".eh_frame", ".eh_frame_hdr", ".gcc_except_table",
         ".init_array", ".fini_array", ".data.rel.ro", ".got", ".data"}
RAM = {".data", ".bss", ".uninitialized", ".tbss", ".tdata", ".got"}


def category(path):
    if "librsmqtt.a(" in path or "core_mqtt_config_shim" in path:
        return "rsmqtt"
    if "libcoremqtt.a(" in path:
        return "coremqtt"
    if "_kernel.a(" in path:
        return "FreeRTOS kernel"
    if "_tcp.a(" in path:
        return "FreeRTOS+TCP"
    if "/usr/lib" in path or path.startswith("/lib"):
        return "C library and runtime"
    return "application"


def member_crate(path):
    """The crate an object of librsmqtt.a belongs to (its file name's prefix)."""
    m = re.search(r"librsmqtt\.a\(([A-Za-z0-9_]+)-", path)
    if m is None:
        return None
    # ring's C and assembly objects are named <hash>-<file>.o.
    if re.fullmatch(r"[0-9a-f]{16}", m.group(1)):
        return "ring (C, asm)"
    return m.group(1)


def parse_map(path, by_member=False):
    """Bytes per (category, output section) from a GNU ld map file; with
    by_member, per crate of librsmqtt.a instead (other archives ignored)."""
    sizes = {}
    text = path.read_text(errors="replace")
    start = text.find("Linker script and memory map")
    lines = text[start:].splitlines()
    section = None
    pending = None
    out_re = re.compile(r"^(\.[\w.$]+)(?:\s+0x[0-9a-f]+\s+0x[0-9a-f]+)?")
    in_re = re.compile(r"^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
    cont_re = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
    for line in lines:
        m = out_re.match(line)
        if m and not line.startswith(" "):
            section = m.group(1)
            pending = None
            continue
        m = in_re.match(line)
        if m:
            name, addr, size, where = m.groups()
            pending = None
        else:
            m = cont_re.match(line)
            if m and pending is not None:
                addr, size, where = m.groups()
                name = pending
                pending = None
            else:
                stripped = line.strip()
                pending = stripped if line.startswith(" .") or line.startswith(" COMMON") else None
                continue
        if name.startswith("*") or int(size, 16) == 0 or int(addr, 16) == 0:
            continue
        if by_member:
            crate = member_crate(where.split()[0])
            if crate is None:
                continue
            key = (crate, section)
        else:
            key = (category(where.split()[0]), section)
        sizes[key] = sizes.get(key, 0) + int(size, 16)
    return sizes


def totals(sizes, cat=None):
    flash = sum(v for (c, s), v in sizes.items() if (cat is None or c == cat) and s in FLASH)
    ram = sum(v for (c, s), v in sizes.items() if (cat is None or c == cat) and s in RAM)
    return flash, ram


def grab(log, pattern):
    m = re.search(pattern, log)
    return m.group(1) if m else "?"


rows = []
for name, lib in (("rsmqtt", "rsmqtt"), ("rsmqtt-nolog", "rsmqtt"), ("coremqtt", "coremqtt")):
    d = out / "mps2" / name
    sizes = parse_map(d / "mqtt_mps2.map")
    image_flash, image_ram = totals(sizes)
    lib_flash, lib_ram = totals(sizes, lib)
    log = (d / "uart.log").read_text(errors="replace")
    rows.append((f"mps2-an385 (Cortex-M3), {name}", lib_flash, lib_ram, image_flash, image_ram,
                 grab(log, r"stack size: MQTT task (\d+) bytes"),
                 grab(log, r"high-water mark: MQTT\s+(\d+) bytes"),
                 grab(log, r"minimum ever free (\d+)")))

d = out / "sim" / "rsmqtt"
maps = list(d.rglob("rsmqtt_freertos_sim.map"))
sizes = parse_map(maps[0]) if maps else {}
image_flash, image_ram = totals(sizes)
lib_flash, lib_ram = totals(sizes, "rsmqtt")
log = (d / "run.log").read_text(errors="replace")
rows.append(("POSIX simulator (x86-64), rsmqtt + RsmqttTls", lib_flash, lib_ram, image_flash, image_ram,
             "n/a", "n/a (pthread stacks)", grab(log, r"minimum ever free (\d+)")))

# What the simulator's rsmqtt share is made of, by crate (archive member).
crates = {}
for (c, sec), v in parse_map(maps[0], by_member=True).items() if maps else []:
    if sec in FLASH:
        crates[c] = crates.get(c, 0) + v
sim_breakdown = sorted(crates.items(), key=lambda kv: -kv[1])

print("| image | MQTT library flash | MQTT library RAM | image flash | image static RAM | "
      "MQTT task stack | of it unused (high-water mark) | FreeRTOS heap min. free |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print("| " + " | ".join(str(x) for x in r) + " |")
print()
print("Flash: code, read-only data and .data initial values; static RAM: .data + .bss")
print("(the FreeRTOS heap, 160 KiB on mps2 and 1 MiB in the simulator, is part of the")
print("kernel's .bss and of 'image static RAM'). Library columns: the input sections")
print("the linker kept from that archive (rsmqtt: Rust core/compiler_builtins included).")
print("In the simulator rsmqtt's row includes rustls and ring, and its heap (one TLS")
print("session, ~29 KB live) comes from the host's malloc, not the FreeRTOS heap.")
print()
print("Simulator: rsmqtt's flash share by crate (x86-64, release):")
for crate, size in sim_breakdown[:10]:
    print(f"  {crate:20} {size:9}")
EOF
