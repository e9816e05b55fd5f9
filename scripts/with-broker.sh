#!/usr/bin/env bash
# Runs a command with a throwaway Mosquitto broker (see scripts/broker.sh):
#
#   scripts/with-broker.sh CMD ARGS...
#
# The broker's RSMQTT_* variables are exported to CMD; the broker is stopped
# when this script exits, whatever CMD did. Exits with CMD's exit code.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 CMD ARGS..." >&2; exit 2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/rsmqtt-broker.XXXXXX")

cleanup() {
    "$here/broker.sh" stop "$dir" || true
    if [ -n "${RSMQTT_KEEP_BROKER_DIR:-}" ]; then
        echo "with-broker.sh: broker files kept in $dir" >&2
    else
        rm -rf "$dir"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

env_lines=$("$here/broker.sh" start "$dir")
while IFS='=' read -r key value; do
    case "$key" in
    RSMQTT_*) export "$key=$value" ;;
    esac
done <<<"$env_lines"

set +e
"$@"
status=$?
set -e
exit "$status"
