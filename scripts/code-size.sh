#!/usr/bin/env bash
# Prints the code size of an rsmqtt static library built for a microcontroller:
#
#   bash scripts/code-size.sh target/thumbv7em-none-eabihf/release/librsmqtt.a
#
# 1. the archive file (includes debug info and all of libcore: not a useful
#    number on its own, shown for reference);
# 2. rsmqtt's own objects and its dependencies' (not core/compiler_builtins),
#    before the linker drops unused sections;
# 3. what a firmware image gains when it calls every exported C function: the
#    archive linked with rust-lld --gc-sections, keeping every global function
#    rsmqtt defines. This is the number to compare with coreMQTT's footprint.
# Steps 2 and 3 need a `size`/`nm` that reads the target's ELF (llvm-size and
# llvm-nm, arm-none-eabi-*, or a multi-target GNU binutils); without one they
# are skipped with a notice.
set -euo pipefail

lib=${1:?usage: code-size.sh <librsmqtt.a>}
[ -f "$lib" ] || { echo "code-size: $lib does not exist" >&2; exit 1; }

pick() {
    local tool
    for tool in "$@"; do
        if command -v "$tool" >/dev/null 2>&1 && "$tool" "$lib" >/dev/null 2>&1; then
            echo "$tool"
            return 0
        fi
    done
    return 1
}

bytes=$(wc -c <"$lib")
echo "archive: $lib, $bytes bytes (with debug info and libcore)"

size_tool=$(pick llvm-size arm-none-eabi-size size) || {
    echo "code-size: no size tool reads this archive; only the file size is known"
    exit 0
}

# Berkeley format: text data bss dec hex filename (ex archive)
"$size_tool" "$lib" | awk '
    NR > 1 && $6 !~ /^(core|compiler_builtins)-/ && $1 ~ /^[0-9]+$/ {
        text += $1; data += $2; bss += $3
    }
    END { printf "rsmqtt + dependencies, before section GC: text %d, data %d, bss %d bytes\n", text, data, bss }'

sysroot=$(rustc --print sysroot)
lld=$(find "$sysroot/lib/rustlib" -path '*/bin/rust-lld' -print -quit 2>/dev/null || true)
nm_tool=$(pick llvm-nm arm-none-eabi-nm nm) || nm_tool=""
if [ -z "$lld" ] || [ -z "$nm_tool" ]; then
    echo "code-size: rust-lld or an nm for this target is missing; linked size not measured"
    exit 0
fi

# Global functions defined by rsmqtt's own objects with unmangled names:
# the exported C API (Rust-mangled _ZN/_R symbols are internal). The objects
# of the crates rsmqtt (MQTT), rsmqtt_backoff and rsmqtt_transports_posix
# (hosted builds) are named <crate>-<hash>...; all of them count.
# nm -A prints "archive:member: value type name" (GNU omits the space).
mapfile -t exported < <("$nm_tool" -A --defined-only --extern-only "$lib" 2>/dev/null |
    awk '$(NF-1) == "T" && $1 ~ /:rsmqtt(_backoff|_transports_posix)?-/ && $NF !~ /^_(ZN|R)/ { print $NF }' | sort -u)
if [ ${#exported[@]} -eq 0 ]; then
    echo "code-size: no exported functions found"
    exit 0
fi
keep=()
for symbol in "${exported[@]}"; do
    keep+=("--undefined=$symbol")
done

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# No entry point and no memory map: only the sizes of the kept sections
# matter. Symbols the firmware provides (none expected) stay unresolved.
"$lld" -flavor gnu --gc-sections --strip-debug --unresolved-symbols=ignore-all \
    "${keep[@]}" -o "$scratch/api.elf" "$lib" 2>&1 | grep -v "cannot find entry symbol" || true
"$size_tool" "$scratch/api.elf" | awk -v count="${#exported[@]}" '
    NR == 2 { printf "linked with all %d exported functions kept (--gc-sections): text %d, data %d, bss %d bytes\n", count, $1, $2, $3 }'
