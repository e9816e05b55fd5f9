#!/usr/bin/env bash
# Runs the drop-in consumer's programs from its build directory ($1): the
# configuration check, then the unchanged plaintext demo against a real
# Mosquitto started for it.
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../../.." && pwd)
"$bin/config_check"
bash "$root/scripts/with-broker.sh" "$bin/coremqtt_plaintext_demo"
