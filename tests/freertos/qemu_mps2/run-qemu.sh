#!/usr/bin/env bash
# Runs the mps2-an385 image in QEMU against the broker that
# scripts/with-broker.sh started (RSMQTT_BROKER_PORT on the host's
# 127.0.0.1, 10.0.2.2 for the guest) and checks what it printed:
#
#   scripts/with-broker.sh bash tests/freertos/qemu_mps2/run-qemu.sh IMAGE.elf [LOG]
#
# The firmware ends QEMU through semihosting with its verdict as the exit
# status; a hang is cut off after RSMQTT_QEMU_TIMEOUT seconds (default 60).
# The UART output is also written to LOG when given.
set -euo pipefail

elf=${1:?usage: run-qemu.sh IMAGE.elf [LOG]}
log=${2:-$(mktemp "${TMPDIR:-/tmp}/rsmqtt-qemu.XXXXXX")}
: "${RSMQTT_BROKER_PORT:?run under scripts/with-broker.sh}"

set +e
timeout "${RSMQTT_QEMU_TIMEOUT:-60}" qemu-system-arm \
    -machine mps2-an385 -cpu cortex-m3 -nographic -monitor null \
    -semihosting-config "enable=on,target=native,arg=mps2,arg=$RSMQTT_BROKER_PORT" \
    -serial stdio \
    -netdev user,id=n0 -net nic,model=lan9118,netdev=n0 \
    -kernel "$elf" </dev/null | tr -d '\r' | tee "$log"
status=${PIPESTATUS[0]}
set -e

fail() {
    echo "run-qemu.sh: FAILED: $*" >&2
    exit 1
}
[ "$status" -ne 124 ] || fail "QEMU still running after ${RSMQTT_QEMU_TIMEOUT:-60}s"
[ "$status" -eq 0 ] || fail "the firmware exited with status $status"
for line in \
    'CONNACK: connected as rsmqtt-mps2-an385' \
    'SUBACK: granted QoS 2' \
    'received QoS 0 on rsmqtt/mps2/qos0: "QoS 0 from a Cortex-M3"' \
    'received QoS 1 on rsmqtt/mps2/qos1: "QoS 1 from a Cortex-M3"' \
    'received QoS 2 on rsmqtt/mps2/qos2: "QoS 2 from a Cortex-M3"' \
    'PUBCOMP for packet id' \
    'UNSUBACK' \
    'disconnected' \
    'stack high-water mark: MQTT' \
    'RESULT: PASS'; do
    grep -qF "$line" "$log" || fail "no line '$line' in the output"
done
echo "run-qemu.sh: PASSED"
