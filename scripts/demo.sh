#!/usr/bin/env bash
# The demo command: from a fresh machine to the C demos talking to a real
# Mosquitto over mutual TLS.
#
#   bash scripts/demo.sh
#
# Installs what is missing (apt-get, crates.io), builds librsmqtt.a and the C
# examples with CMake, then for each demo makes a throwaway CA with server and
# client certificates, starts Mosquitto on free 127.0.0.1 ports with a TLS
# listener that requires a client certificate, runs the demo and stops the
# broker (scripts/with-broker.sh). Exits non-zero if any demo failed.
#
# Environment:
#   RSMQTT_DEMO_BUILD_DIR   CMake build directory (default: build-demo)
#   RSMQTT_CARGO_PROFILE    cargo profile of the library (default: release)
set -euo pipefail

cd "$(dirname "$0")/.."
if [ -d "$HOME/.cargo/bin" ]; then
    PATH="$HOME/.cargo/bin:$PATH"
fi
PATH="$PATH:/usr/sbin:/sbin"
export PATH

BUILD_DIR=${RSMQTT_DEMO_BUILD_DIR:-build-demo}
PROFILE=${RSMQTT_CARGO_PROFILE:-release}

bash scripts/install-deps.sh demo

cmake -S . -B "$BUILD_DIR" -DRSMQTT_CARGO_PROFILE="$PROFILE" -DRSMQTT_BUILD_EXAMPLES=ON -DRSMQTT_BUILD_TESTS=OFF
cmake --build "$BUILD_DIR" --parallel "$(nproc 2>/dev/null || echo 2)"

demos=(coremqtt_mutual_auth)
if [ -f c_examples/netx_mqtt_demo.c ]; then
    demos+=(netx_mqtt_demo)
fi

failed=()
for demo in "${demos[@]}"; do
    printf '\n==== demo: %s (Mosquitto with mutual TLS) ====\n' "$demo"
    if bash scripts/with-broker.sh "$BUILD_DIR/c_examples/$demo"; then
        printf '==== %s: PASSED ====\n' "$demo"
    else
        printf '==== %s: FAILED ====\n' "$demo"
        failed+=("$demo")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "demo.sh: failed: ${failed[*]}" >&2
    exit 1
fi
echo "demo.sh: all demos passed (${demos[*]})"
