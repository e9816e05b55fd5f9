#!/usr/bin/env bash
# Runs the ThreadX + NetX Duo mps2-an385 image in QEMU against the broker
# that scripts/with-broker.sh started (RSMQTT_BROKER_PORT on the host's
# 127.0.0.1, 10.0.2.2 for the guest) and checks what it printed:
#
#   scripts/with-broker.sh bash tests/threadx/qemu_mps2/run-qemu.sh IMAGE.elf [LOG [mtls]]
#
# mtls: the mutual-TLS image (threadx_mps2_mtls.elf), given the broker's TLS
# port and its PKI directory, whose DER files the firmware reads through
# semihosting.
#
# First the image's flash and RAM (arm-none-eabi-size). The firmware ends
# QEMU through semihosting with its verdict as the exit status; a hang is cut
# off after RSMQTT_QEMU_TIMEOUT seconds (default 60). The UART output is also
# written to LOG when given.
set -euo pipefail

elf=${1:?usage: run-qemu.sh IMAGE.elf [LOG [mtls]]}
log=${2:-$(mktemp "${TMPDIR:-/tmp}/rsmqtt-threadx-qemu.XXXXXX")}
mode=${3:-plain}
: "${RSMQTT_BROKER_PORT:?run under scripts/with-broker.sh}"
case "$mode" in
plain)
    semihosting_args="arg=mps2,arg=$RSMQTT_BROKER_PORT"
    connack="CONNACK: connected to 10.0.2.2:$RSMQTT_BROKER_PORT as rsmqtt-mps2-threadx"
    ;;
mtls)
    : "${RSMQTT_BROKER_TLS_PORT:?run under scripts/with-broker.sh}" "${RSMQTT_CA_DER:?}"
    pki=$(dirname "$RSMQTT_CA_DER")
    case "$pki" in *,* | *' '*) echo "run-qemu.sh: the PKI path $pki has a comma or space" >&2; exit 2 ;; esac
    semihosting_args="arg=mps2,arg=$RSMQTT_BROKER_TLS_PORT,arg=$pki"
    connack="CONNACK: connected over mutual TLS to 10.0.2.2:$RSMQTT_BROKER_TLS_PORT as rsmqtt-mps2-threadx"
    ;;
*)
    echo "run-qemu.sh: mode must be plain or mtls, not $mode" >&2
    exit 2
    ;;
esac

fail() {
    echo "run-qemu.sh: FAILED: $*" >&2
    exit 1
}

# text = code + read-only data + .data's load image (flash); data + bss = RAM.
sizes=$(arm-none-eabi-size "$elf" | awk 'NR == 2 { print $1, $2, $3 }')
read -r text data bss <<<"$sizes"
[ -n "$bss" ] || fail "arm-none-eabi-size gave nothing for $elf"
echo "image size: flash $((text + data)) bytes (text $text + data $data), RAM $((data + bss)) bytes (data $data + bss $bss)"
arm-none-eabi-size "$elf"

set +e
timeout "${RSMQTT_QEMU_TIMEOUT:-60}" qemu-system-arm \
    -machine mps2-an385 -cpu cortex-m3 -nographic -monitor null \
    -semihosting-config "enable=on,target=native,$semihosting_args" \
    -serial stdio \
    -netdev user,id=n0 -net nic,model=lan9118,netdev=n0 \
    -kernel "$elf" </dev/null | tr -d '\r' | tee "$log"
status=${PIPESTATUS[0]}
set -e

[ "$status" -ne 124 ] || fail "QEMU still running after ${RSMQTT_QEMU_TIMEOUT:-60}s"
[ "$status" -eq 0 ] || fail "the firmware exited with status $status"
for line in \
    'rsmqtt: ThreadX 6.' \
    'network up: IP address 10.0.2.15, gateway 10.0.2.2' \
    "$connack" \
    'SUBSCRIBE: rsmqtt/mps2-threadx/# at QoS 2' \
    'received QoS 0 on rsmqtt/mps2-threadx/qos0: "QoS 0 from ThreadX on a Cortex-M3"' \
    'received QoS 1 on rsmqtt/mps2-threadx/qos1: "QoS 1 from ThreadX on a Cortex-M3"' \
    'received QoS 2 on rsmqtt/mps2-threadx/qos2: "QoS 2 from ThreadX on a Cortex-M3"' \
    'PUBACK and PUBCOMP received: transmit queue empty' \
    'each message received exactly once' \
    'received QoS 1 on rsmqtt/mps2-threadx/large: 4000 bytes, as sent' \
    'received 10 QoS 1 messages published back to back, each once' \
    'UNSUBSCRIBE: nothing received after it' \
    'stack high-water mark: mqtt' \
    'disconnected' \
    'packet pools: ' \
    'lan9118: ' \
    'RESULT: PASS'; do
    grep -qF "$line" "$log" || fail "no line '$line' in the output"
done
# Exactly one copy of each message.
for qos in 0 1 2; do
    n=$(grep -c "^received QoS $qos on rsmqtt/mps2-threadx/qos$qos:" "$log" || true)
    [ "$n" -eq 1 ] || fail "QoS $qos message printed $n times"
done
echo "run-qemu.sh: PASSED"
