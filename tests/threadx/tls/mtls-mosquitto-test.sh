#!/usr/bin/env bash
# CTest threadx/netx_secure_mqtt_mtls: generates a throwaway RSA PKI (NetX
# Secure's default cipher table offers RSA suites only), writes a Mosquitto
# configuration for a mutual-TLS listener on 192.168.1.1:8883 (the Linux end
# of the namespace's veth pair), and runs PROGRAM against it through
# scripts/netns-run.sh.
#
#   mtls-mosquitto-test.sh PROGRAM
set -euo pipefail

PROGRAM=${1:?usage: $0 PROGRAM}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
MOSQUITTO=${MOSQUITTO:-/usr/sbin/mosquitto}
[ -x "$MOSQUITTO" ] || MOSQUITTO=$(command -v mosquitto) || { echo "no mosquitto" >&2; exit 2; }

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
for who in server client; do
    quiet openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -sha256 \
        -extfile "$who.ext" -out "$who.pem"
done
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
