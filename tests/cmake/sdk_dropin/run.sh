#!/usr/bin/env bash
# Runs the SDK-style consumer's program from its build directory ($1) against
# a real Mosquitto started for it.
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../../.." && pwd)
bash "$root/scripts/with-broker.sh" "$bin/sdk_app"
