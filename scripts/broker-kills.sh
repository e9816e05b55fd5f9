#!/usr/bin/env bash
# The full broker-kill run (issue 11, item 1): a persistent publisher and a
# persistent subscriber exchange 10,000 QoS 1 and 10,000 QoS 2 messages
# through a real Mosquitto that saves after every change, while the test
# kills it with SIGKILL every 2 s (at least five times) and restarts it on
# the same port and directory; through the MQTT_* face (application resend
# with MQTT_PublishToResend) and the nxd_mqtt_client_* face. Prints one
# KILLS line per run: sent, received, duplicates, lost (split into client
# and broker losses by what each side acknowledged), kills, reconnects.
#
#   bash scripts/broker-kills.sh
#
# `cargo test` runs the same tests in a shortened form (five kills).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d "$HOME/.cargo/bin" ]; then
    PATH="$HOME/.cargo/bin:$PATH"
fi
# Debian installs mosquitto in /usr/sbin.
PATH="$PATH:/usr/sbin:/sbin"
export PATH
bash scripts/install-deps.sh test
export RSMQTT_KILLS=full
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# One test at a time: each run has the CPUs to itself.
set +e
cargo test --no-fail-fast --test coremqtt_broker_kill --test netx_broker_kill -- \
    --test-threads=1 --nocapture 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
echo
echo "==== broker kill summary ===="
grep -E '^KILLS' "$log" || true
exit "$status"
