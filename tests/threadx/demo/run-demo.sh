#!/usr/bin/env bash
# CTests threadx/demo_mtls and threadx/demo_mtls_refused: runs the ThreadX
# build of the NetX Duo MQTT seed demo (netx_mqtt_demo_threadx) against a
# real Mosquitto with require_certificate, inside a network namespace made
# for the run, and checks both ends: what the demo printed and what the
# broker logged. The PKI, the broker's configuration and the namespace come
# from tests/threadx/tls/mtls-mosquitto-test.sh (and scripts/netns-run.sh).
#
#   run-demo.sh [--client original|rsmqtt] [--refused] PROGRAM
#
# Default: the round trip. The demo must exit 0 with its PASS line (QoS 0, 1
# and 2 published and received back once each; QoS 2 may be skipped only
# with --client original, whose nxd_mqtt_client_publish refuses it), and the
# broker must have accepted the MQTT session under the demo's client id and
# seen it end with a DISCONNECT.
#
# --refused: the client certificate is signed by a CA the broker does not
# trust. The demo must report the connect failure (exit 3, CONNECT REFUSED)
# with every pool packet back, and the broker must have seen the TCP
# connection and refused it in TLS, without any MQTT CONNECT.
#
# Prints "PASS: demo_mtls ..." or "PASS: demo_mtls_refused ..." last when
# every check holds; exits non-zero otherwise. Needs root.
set -euo pipefail

CLIENT=original
REFUSED=0
while [ $# -gt 0 ]; do
    case "$1" in
        --client) CLIENT=${2:?--client needs original or rsmqtt}; shift 2 ;;
        --refused) REFUSED=1; shift ;;
        -*) echo "$0: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
PROGRAM=${1:?usage: $0 [--client original|rsmqtt] [--refused] PROGRAM}
case "$CLIENT" in original | rsmqtt) ;; *) echo "$0: --client original|rsmqtt" >&2; exit 2 ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
CLIENT_ID=rsmqtt-threadx-demo

work=$(mktemp -d "${TMPDIR:-/tmp}/threadx-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

args=(--broker-log "$work/broker.log")
[ "$REFUSED" -eq 0 ] || args+=(--foreign-client-ca)

status=0
bash "$HERE/../tls/mtls-mosquitto-test.sh" "${args[@]}" "$PROGRAM" 2>&1 | tee "$work/demo.out" || status=${PIPESTATUS[0]}
echo "--- broker log"
cat "$work/broker.log"
echo "---"

failures=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then
        echo "ok: $what"
    else
        echo "NOT OK: $what"
        failures=$((failures + 1))
    fi
}
demo_said() { grep -Eq "$1" "$work/demo.out"; }
broker_said() { grep -Eq "$1" "$work/broker.log"; }
broker_silent() { ! grep -Eq "$1" "$work/broker.log"; }

if [ "$REFUSED" -eq 0 ]; then
    check "the demo exited 0 (it exited $status)" test "$status" -eq 0
    if [ "$CLIENT" = original ]; then
        check "the demo completed its round trip" demo_said "^PASS: ThreadX demo round trip over mutual TLS \(client original\)"
    else
        check "the demo completed its round trip with QoS 0, 1 and 2" \
            demo_said "^PASS: ThreadX demo round trip over mutual TLS \(client $CLIENT\): published and received back QoS 0, 1, 2;"
    fi
    check "the broker accepted the MQTT session of $CLIENT_ID (certificate verified, CONNECT received)" \
        broker_said "New client connected from 192\.168\.1\.2:[0-9]+ as $CLIENT_ID "
    check "the session ended with the demo's DISCONNECT" broker_said "Client $CLIENT_ID disconnected\.$"
    verdict="PASS: demo_mtls (client $CLIENT): publish/receive round trip over mutual TLS with Mosquitto"
else
    check "the demo exited 3, connect refused (it exited $status)" test "$status" -eq 3
    check "the demo reported the refused connect" demo_said "^CONNECT REFUSED: nxd_mqtt_client_secure_connect .* 0 pool packets missing"
    check "the demo never reached MQTT" broker_silent "New client connected"
    # Mosquitto logs this one of two ways, depending on timing: its accept
    # runs SSL_accept once, and when the handshake fails within that call the
    # log has only "Client connection from <ip> failed: ...certificate verify
    # failed" (seen on a loaded CI machine); otherwise "New connection from
    # <ip>:<port> on port 8883" and later an "OpenSSL Error" line. Both say
    # the TCP connection arrived and the certificate was refused in TLS.
    check "the TCP connection reached the broker" broker_said \
        "New connection from 192\.168\.1\.2:[0-9]+ on port 8883|Client connection from 192\.168\.1\.2 failed: "
    check "the broker refused the client certificate in TLS" broker_said \
        "OpenSSL Error.*certificate|Client connection from 192\.168\.1\.2 failed: .*certificate"
    verdict="PASS: demo_mtls_refused (client $CLIENT): a client certificate from a foreign CA is refused before MQTT"
fi

if [ "$failures" -ne 0 ]; then
    echo "FAIL: $failures check(s) failed"
    exit 1
fi
echo "$verdict"
