#!/usr/bin/env bash
# Runs a command inside a fresh network namespace that holds one veth pair,
# optionally with a server on the Linux end, and exits with the command's
# status. Everything is removed afterwards, whatever happens.
#
#   bash scripts/netns-run.sh [--server 'CMD ARGS'] [--wait-tcp PORT] [--] CMD [ARGS...]
#
# Inside the namespace (and only there):
#   veth0  192.168.1.1/24  the Linux side: servers listen here
#   veth1  no address      the NetX Duo side: tests/threadx/driver/
#                          nx_af_packet_driver.c binds it with an AF_PACKET
#                          socket; NetX uses 192.168.1.2/24 and its own MAC
#   lo     up
# No traffic leaves the namespace: the pair has no other link.
#
# --server CMD    started in the namespace before CMD (split on spaces: no
#                 quoting inside), stopped when CMD ends; its output goes to
#                 stderr prefixed with "server: ". If it exits non-zero
#                 before being stopped, this script fails even if CMD passed.
# --wait-tcp PORT wait (up to 10 s) until something listens on TCP PORT in
#                 the namespace before starting CMD.
#
# Needs root (ip netns, AF_PACKET), iproute2 and ethtool. Environment:
#   NETNS_NAME  namespace name (default rsmqtt-<pid>, unique per run)
set -euo pipefail

PATH="$PATH:/usr/sbin:/sbin"
NS=${NETNS_NAME:-rsmqtt-$$}
SERVER=
WAIT_PORT=

die() { echo "netns-run: error: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --server) SERVER=${2:?--server needs a command}; shift 2 ;;
        --wait-tcp) WAIT_PORT=${2:?--wait-tcp needs a port}; shift 2 ;;
        --) shift; break ;;
        -*) die "unknown option $1" ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || die "no command (usage: netns-run.sh [--server CMD] [--wait-tcp PORT] [--] CMD [ARGS...])"
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, AF_PACKET sockets)"
for tool in ip ethtool; do
    command -v "$tool" >/dev/null 2>&1 || die "needs $tool (apt-get install iproute2 ethtool)"
done

in_ns() { ip netns exec "$NS" "$@"; }

server_pid=
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    ip netns del "$NS" 2>/dev/null || true
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip netns add "$NS" || die "ip netns add $NS failed"
in_ns ip link set lo up
in_ns ip link add veth0 type veth peer name veth1
in_ns ip link set veth0 up
in_ns ip link set veth1 up
# Linux would otherwise leave the TCP/UDP checksums of what it sends over
# veth0 for hardware to fill in (CHECKSUM_PARTIAL): NetX, reading the raw
# frames, would see wrong checksums and drop every segment.
in_ns ethtool -K veth0 tx off >/dev/null
in_ns ip addr add 192.168.1.1/24 dev veth0
# veth1 belongs to NetX: keep the Linux stack from sending its own IPv6
# router/neighbour solicitations out of it.
in_ns sh -c 'echo 1 > /proc/sys/net/ipv6/conf/veth1/disable_ipv6' 2>/dev/null || true

if [ -n "$SERVER" ]; then
    # shellcheck disable=SC2086  # the server command is split on spaces on purpose
    ip netns exec "$NS" $SERVER > >(sed 's/^/server: /' >&2) 2>&1 &
    server_pid=$!
fi
if [ -n "$WAIT_PORT" ]; then
    for _ in $(seq 100); do
        if in_ns ss -Hltn "sport = :$WAIT_PORT" 2>/dev/null | grep -q .; then
            break
        fi
        if [ -n "$server_pid" ] && ! kill -0 "$server_pid" 2>/dev/null; then
            die "the server exited before listening on port $WAIT_PORT"
        fi
        sleep 0.1
    done
    in_ns ss -Hltn "sport = :$WAIT_PORT" | grep -q . || die "nothing listens on port $WAIT_PORT after 10 s"
fi

status=0
in_ns "$@" || status=$?

if [ -n "$server_pid" ]; then
    # A server that serves one client (the echo server) has exited by now;
    # one that runs until stopped (Mosquitto) is stopped here, after 1 s.
    for _ in $(seq 10); do
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    else
        server_status=0
        wait "$server_pid" || server_status=$?
        if [ "$server_status" -ne 0 ] && [ "$status" -eq 0 ]; then
            echo "netns-run: the server failed with status $server_status" >&2
            status=1
        fi
    fi
    server_pid=
fi
exit "$status"
