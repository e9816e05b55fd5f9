#!/usr/bin/env bash
# Checks the ThreadX port's Rust archive (librsmqtt.a built with
# --no-default-features --features netx-threadx): it must define the codec's
# rsmqtt_nxd_* functions and no ThreadX, NetX Duo or NetX Secure symbol
# (tx_*, nx_*, nxd_*, nx_secure_* and their _tx/_nx/_nxd/_txe/_nxe/_nxde
# service and checking forms), so that it links next to the application's
# real ThreadX and NetX Duo.
#
#   bash scripts/check-port-symbols.sh path/to/librsmqtt.a
set -euo pipefail
archive=${1:?usage: check-port-symbols.sh librsmqtt.a}
[ -f "$archive" ] || { echo "FAIL: no archive $archive" >&2; exit 1; }
defined=$(nm -g --defined-only "$archive" 2>/dev/null | awk 'NF >= 3 { print $3 }' | sort -u)
codec=$(printf '%s\n' "$defined" | grep -c '^rsmqtt_nxd_' || true)
if [ "$codec" -lt 10 ]; then
    echo "FAIL: only $codec rsmqtt_nxd_* functions in $archive (built without netx-threadx?)" >&2
    exit 1
fi
clash=$(printf '%s\n' "$defined" | grep -E '^_*(tx|nx|nxd|txe|nxe|nxde)_' || true)
if [ -n "$clash" ]; then
    echo "FAIL: $archive defines ThreadX/NetX symbols:" >&2
    printf '%s\n' "$clash" | head -20 >&2
    exit 1
fi
echo "PASS: $codec rsmqtt_nxd_* functions, no tx_/nx_/nxd_/nx_secure_ symbol in $(basename "$archive")"
