#!/usr/bin/env bash
# CTest threadx/netx_secure_mqtt_mtls, and the broker side of the ThreadX
# demo's tests (tests/threadx/demo/run-demo.sh): generates a throwaway RSA
# PKI (NetX Secure's default cipher table offers RSA suites only), writes a
# Mosquitto configuration for a mutual-TLS listener on 192.168.1.1:8883 (the
# Linux end of the namespace's veth pair), and runs PROGRAM against it
# through scripts/netns-run.sh. Exits with PROGRAM's status.
#
#   mtls-mosquitto-test.sh [--foreign-client-ca] [--broker-log FILE] PROGRAM
#
# PROGRAM is run as: PROGRAM CA.der CLIENT.der CLIENT_KEY_PKCS1.der
#
# --foreign-client-ca  sign the client certificate with a second CA that the
#                      broker does not trust (PROGRAM still gets the real CA,
#                      so it can verify the broker): the handshake must fail
# --broker-log FILE    Mosquitto also logs to FILE (complete once this script
#                      returns: the broker is stopped before that)
set -euo pipefail

FOREIGN_CLIENT_CA=0
BROKER_LOG=
while [ $# -gt 0 ]; do
    case "$1" in
        --foreign-client-ca) FOREIGN_CLIENT_CA=1; shift ;;
        --broker-log) BROKER_LOG=${2:?--broker-log needs a file}; shift 2 ;;
        --) shift; break ;;
        -*) echo "$0: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
PROGRAM=${1:?usage: $0 [--foreign-client-ca] [--broker-log FILE] PROGRAM}
# The script works in a temporary directory: a relative path must not break.
case "$PROGRAM" in /*) ;; */*) PROGRAM=$PWD/$PROGRAM ;; esac
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
MOSQUITTO=${MOSQUITTO:-/usr/sbin/mosquitto}
[ -x "$MOSQUITTO" ] || MOSQUITTO=$(command -v mosquitto) || { echo "no mosquitto" >&2; exit 2; }
if [ -n "$BROKER_LOG" ]; then
    : >"$BROKER_LOG"
    BROKER_LOG=$(cd "$(dirname "$BROKER_LOG")" && pwd)/$(basename "$BROKER_LOG")
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/netx-mtls.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"

quiet() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@"; exit 1; }; }
quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -sha256 \
    -subj "/CN=rsmqtt NetX test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
for who in server client; do
    quiet openssl req -newkey rsa:2048 -nodes -keyout "$who.key" -out "$who.csr" -subj "/CN=rsmqtt-netx-$who"
done
printf 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:192.168.1.1\n' >server.ext
printf 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth\n' >client.ext
client_ca=ca
if [ "$FOREIGN_CLIENT_CA" -eq 1 ]; then
    # Same subject as the real CA, another key: only the signature tells them apart.
    quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout foreign-ca.key -out foreign-ca.pem -days 30 -sha256 \
        -subj "/CN=rsmqtt NetX test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    client_ca=foreign-ca
fi
quiet openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -sha256 \
    -extfile server.ext -out server.pem
quiet openssl x509 -req -in client.csr -CA "$client_ca.pem" -CAkey "$client_ca.key" -CAcreateserial -days 30 \
    -sha256 -extfile client.ext -out client.pem
# NetX Secure reads DER; the private key must be PKCS#1 ("traditional").
quiet openssl x509 -in ca.pem -outform DER -out ca.der
quiet openssl x509 -in client.pem -outform DER -out client.der
quiet openssl rsa -in client.key -traditional -outform DER -out client.key.der

{
    # Mosquitto 2 drops root privileges unless told otherwise; these files
    # are root's.
    [ "$(id -u)" -ne 0 ] || echo "user root"
    echo "persistence false"
    echo "log_dest stderr"
    [ -z "$BROKER_LOG" ] || echo "log_dest file $BROKER_LOG"
    echo "log_type error"
    echo "log_type warning"
    echo "log_type notice"
    echo "connection_messages true"
    echo "listener 8883 192.168.1.1"
    echo "cafile $dir/ca.pem"
    echo "certfile $dir/server.pem"
    echo "keyfile $dir/server.key"
    echo "require_certificate true"
    echo "use_identity_as_username true"
} >mosquitto.conf

bash "$ROOT/scripts/netns-run.sh" --server "$MOSQUITTO -c $dir/mosquitto.conf" --wait-tcp 8883 -- \
    "$PROGRAM" "$dir/ca.der" "$dir/client.der" "$dir/client.key.der"
