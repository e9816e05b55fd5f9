#!/usr/bin/env bash
# The full connection-reset sweep (issues 11 and 13): a persistent publisher
# and a persistent subscriber talk to a real Mosquitto through a loopback
# proxy that resets or closes their connections after N bytes, for every N
# of the first 150 bytes in each direction and then random later positions,
# through the MQTT_* face (retransmit callbacks, and application resend with
# MQTT_PublishToResend) and the nxd_mqtt_client_* face, at QoS 1 and 2.
# Prints one SWEEP line per run with sent, received, duplicates, lost,
# faults (resets, closes), reconnect attempts and reconnects.
#
#   bash scripts/reset-sweep.sh [SEED]
#
# SEED repeats the random positions of an earlier run (each run prints its
# RSMQTT_SWEEP_SEED). `cargo test` runs the same tests in a shortened form.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d "$HOME/.cargo/bin" ]; then
    PATH="$HOME/.cargo/bin:$PATH"
fi
# Debian installs mosquitto in /usr/sbin.
PATH="$PATH:/usr/sbin:/sbin"
export PATH
bash scripts/install-deps.sh test
export RSMQTT_SWEEP=full
if [ $# -ge 1 ]; then
    export RSMQTT_SWEEP_SEED=$1
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# One test at a time: each run has the CPUs to itself.
set +e
cargo test --test coremqtt_reset_sweep --test netx_reset_sweep -- \
    --test-threads=1 --nocapture 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
echo
echo "==== reset sweep summary ===="
grep -E '^(SWEEP|coremqtt/|netx QoS)' "$log" || true
exit "$status"
