#!/usr/bin/env bash
# Runs Eclipse ThreadX NetX Duo's own MQTT client regression suite
# (netxduo/test/regression/mqtt_test, v6.4.2) with a pluggable MQTT client.
#
#   bash scripts/netxduo-regression.sh [options] [config ...]
#
#   --client original   the upstream addons/mqtt/nxd_mqtt_client.c, compiled
#                       on its own (validates this harness; the default)
#   --client rsmqtt     rsmqtt's ThreadX port of the NetX face: librsmqtt.a
#                       (feature netx-threadx) built by cargo for
#                       $RUST_TARGET (default i686-unknown-linux-gnu, as the
#                       suite is -m32) plus ports/threadx/ compiled with the
#                       suite's flags
#   --client-lib FILE   any prebuilt client library (.a or .so, -m32) ...
#   --client-include D  ... and the directory holding its nxd_mqtt_client.h
#   --client-source F   ... and C sources compiled with the suite's flags and
#                       headers into the client library (repeatable; e.g. a
#                       shim that touches NXD_MQTT_CLIENT fields)
#   --third-party DIR   where threadx/, netxduo/, filex/ are
#                       (default: $RSMQTT_THIRD_PARTY or <repo>/../shared/third_party)
#   --work DIR          scratch directory (default: a new mktemp -d, removed at
#                       the end unless --keep)
#   --keep              keep the scratch directory (logs, binaries)
#   --qos2              also build and run publish_qos2 and receive_qos2, which
#                       upstream leaves out of its CMake list (its original
#                       client has no QoS 2 publish). Three mistakes in those
#                       two test programs are corrected in the scratch copy:
#                       - publish_qos2: its broker expects the client's PUBREL
#                         as 0x60; MQTT 3.1.1 (Table 2.2) requires 0x62;
#                       - receive_qos2: the client thread releases
#                         `packet_ptr`, a variable it never sets;
#                       - receive_qos2: its broker puts a two-byte length in
#                         front of the PUBLISH payload (MQTT payloads have
#                         none), so the payload it checks is 2 bytes longer
#                         than the message it compares with.
#   --qos2-as-upstream  like --qos2 but runs the two programs unchanged
#
#   configs: upstream's CMake build types (test/cmake/mqtt/CMakeLists.txt):
#   default_build_coverage secure_build_coverage require_secure_build
#   queue_depth_build cloud_default_build_coverage cloud_secure_build_coverage
#   cloud_require_secure_build cloud_queue_depth_build websocket_secure_build
#   (default: the first three).
#
# How: the three source trees are copied into the scratch directory (the
# originals stay read-only), laid out the way upstream's run.sh expects, and
# two things change in the copy: addons/mqtt/nxd_mqtt_client.c is taken out of
# libnetxduo, and the regression CMakeLists links a separate library, the
# client under test, into every test program. Everything else (ThreadX Linux
# port, -m32, shared libthreadx/libfilex/libnetxduo, the in-process RAM
# driver, the test-side "broker" thread) is upstream's own build.
#
# Output: one line per test, "PASS|FAIL|N/A|NOBUILD <config>::<test>", then
# "SUMMARY: total=N pass=N fail=N n/a=N" per config. N/A is a test that ran but
# found its feature compiled out of that config (upstream's own verdict:
# zero tests passed, zero failed). Exit status 0 only if nothing failed or
# failed to build.
#
# Environment: JOBS (parallel compile jobs, default 2), TEST_TIMEOUT (seconds
# per test program, default 120).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
THIRD_PARTY=${RSMQTT_THIRD_PARTY:-$ROOT/../shared/third_party}
JOBS=${JOBS:-2}
RUST_TARGET=${RUST_TARGET:-i686-unknown-linux-gnu}
TEST_TIMEOUT=${TEST_TIMEOUT:-120}
CLIENT=original
CLIENT_LIB=
CLIENT_INC=
CLIENT_SRCS=()
WORK=
KEEP=no
QOS2=no
CONFIGS=()

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "netxduo-regression: error: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --client) CLIENT=${2:?--client needs original or rsmqtt}; shift 2 ;;
        --client-lib) CLIENT=library; CLIENT_LIB=${2:?}; shift 2 ;;
        --client-include) CLIENT_INC=${2:?}; shift 2 ;;
        --client-source) CLIENT_SRCS+=("$(cd "$(dirname "${2:?}")" && pwd)/$(basename "$2")"); shift 2 ;;
        --third-party) THIRD_PARTY=${2:?}; shift 2 ;;
        --work) WORK=${2:?}; shift 2 ;;
        --keep) KEEP=yes; shift ;;
        --qos2) QOS2=yes; shift ;;
        --qos2-as-upstream) QOS2=upstream; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) CONFIGS+=("$1"); shift ;;
    esac
done
[ ${#CONFIGS[@]} -gt 0 ] || CONFIGS=(default_build_coverage secure_build_coverage require_secure_build)

CLIENT_NAME=$CLIENT
case "$CLIENT" in
    original) ;;
    rsmqtt)
        # rsmqtt's ThreadX port: the C glue ports/threadx/rsmqtt_nxd_mqtt_threadx.c
        # is compiled with the suite's flags (NX_SECURE_ENABLE, queue depth...
        # as each config sets them) next to our nxd_mqtt_client.h, and the
        # Rust codec is linked as librsmqtt.a built for i686 (the suite is -m32).
        command -v cargo >/dev/null 2>&1 || die "--client rsmqtt needs cargo (rustup target add $RUST_TARGET)"
        echo "building librsmqtt.a (netx-threadx, profile threadx, $RUST_TARGET)"
        (cd "$ROOT" && cargo build -q -p rsmqtt-staticlib --no-default-features --features netx-threadx \
            --profile threadx --target "$RUST_TARGET") || die "cargo build for $RUST_TARGET failed (rustup target add $RUST_TARGET; gcc-multilib)"
        CLIENT=library
        CLIENT_LIB=${CARGO_TARGET_DIR:-$ROOT/target}/$RUST_TARGET/threadx/librsmqtt.a
        CLIENT_INC=$ROOT/ports/threadx/include
        CLIENT_SRCS+=("$ROOT/ports/threadx/rsmqtt_nxd_mqtt_threadx.c")
        ;;
    library) ;;
    *) die "--client must be original or rsmqtt" ;;
esac
case "$CLIENT" in
    original) ;;
    library)
        [ -f "$CLIENT_LIB" ] || die "--client-lib $CLIENT_LIB: no such file"
        [ -f "$CLIENT_INC/nxd_mqtt_client.h" ] || die "--client-include must name the directory with the client's nxd_mqtt_client.h"
        CLIENT_LIB=$(cd "$(dirname "$CLIENT_LIB")" && pwd)/$(basename "$CLIENT_LIB")
        CLIENT_INC=$(cd "$CLIENT_INC" && pwd)
        ;;
    *) die "--client must be original or rsmqtt" ;;
esac

missing=()
for t in cmake ninja gcc; do command -v $t >/dev/null 2>&1 || missing+=("$t"); done
if command -v gcc >/dev/null 2>&1 && ! echo 'int main(void){return 0;}' | gcc -m32 -x c -o /dev/null - >/dev/null 2>&1; then
    missing+=(gcc-multilib)
fi
[ ${#missing[@]} -eq 0 ] || die "missing: ${missing[*]} (apt-get install cmake ninja-build gcc-multilib, or bash scripts/install-deps.sh test)"
for d in threadx netxduo filex; do
    [ -f "$THIRD_PARTY/$d/CMakeLists.txt" ] || die "no $d/ in $THIRD_PARTY (set --third-party or RSMQTT_THIRD_PARTY)"
done
THIRD_PARTY=$(cd "$THIRD_PARTY" && pwd)

if [ -z "$WORK" ]; then
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/netxduo-regression.XXXXXX")
else
    mkdir -p "$WORK"
    WORK=$(cd "$WORK" && pwd)
fi
if [ "$KEEP" = no ]; then
    trap 'rm -rf "$WORK"' EXIT
else
    echo "scratch directory (kept): $WORK"
fi
LOGS=$WORK/logs
mkdir -p "$LOGS"
export CMAKE_BUILD_PARALLEL_LEVEL=$JOBS

# ---- the source copy, in upstream's layout -------------------------------
SRC=$WORK/src
if [ ! -d "$SRC/netxduo" ]; then
    mkdir -p "$SRC"
    cp -r "$THIRD_PARTY/threadx" "$THIRD_PARTY/netxduo" "$THIRD_PARTY/filex" "$SRC/"
    chmod -R u+w "$SRC"
    # The shared folder stores upstream's symbolic links as small text files;
    # run.sh and the libs project need them as real links.
    T=$SRC/netxduo/test/cmake
    ln -sfn "$SRC/threadx" "$T/threadx"
    ln -sfn "$SRC/filex" "$T/filex"
    rm -rf "$T/mqtt/libs" "$T/mqtt/.run.sh"
    ln -sfn ../libs "$T/mqtt/libs"
    ln -sfn ../threadx/scripts/cmake_bootstrap.sh "$T/mqtt/.run.sh"

    # 1. libnetxduo without the original client.
    addons=$SRC/netxduo/addons/CMakeLists.txt
    grep -q 'mqtt/nxd_mqtt_client\.c' "$addons" || die "addons/CMakeLists.txt does not list mqtt/nxd_mqtt_client.c: another NetX Duo version?"
    sed -i '/mqtt\/nxd_mqtt_client\.c/d' "$addons"

    # 2. The client under test as its own library, linked into every test.
    cat >>"$SRC/netxduo/test/cmake/mqtt/regression/CMakeLists.txt" <<'EOF'

# ---- added by rsmqtt's scripts/netxduo-regression.sh ----------------------
# libnetxduo no longer carries addons/mqtt/nxd_mqtt_client.c: the MQTT client
# under test is this library, compiled from MQTT_CLIENT_SOURCES with the
# suite's flags, plus MQTT_CLIENT_LIBRARY if given (headers in
# MQTT_CLIENT_INCLUDE, searched before NetX Duo's own addons/mqtt).
if(NOT MQTT_CLIENT_SOURCES)
  message(FATAL_ERROR "set MQTT_CLIENT_SOURCES (and optionally MQTT_CLIENT_LIBRARY)")
endif()
add_library(mqtt_client_under_test ${MQTT_CLIENT_SOURCES})
if(MQTT_CLIENT_INCLUDE)
  # Ahead of addons/mqtt, which libnetxduo's include path still carries.
  target_include_directories(mqtt_client_under_test BEFORE PUBLIC ${MQTT_CLIENT_INCLUDE})
  target_include_directories(test_utility BEFORE PUBLIC ${MQTT_CLIENT_INCLUDE})
endif()
if(MQTT_CLIENT_LIBRARY MATCHES "\\.a$")
  # All of a static client goes into this shared library, which is linked
  # against libnetxduo and libthreadx itself: linked after them into each
  # test, its ThreadX references would stay unresolved.
  target_link_libraries(mqtt_client_under_test PRIVATE
    -Wl,--whole-archive ${MQTT_CLIENT_LIBRARY} -Wl,--no-whole-archive)
elseif(MQTT_CLIENT_LIBRARY)
  target_link_libraries(mqtt_client_under_test PUBLIC ${MQTT_CLIENT_LIBRARY})
endif()
target_link_libraries(mqtt_client_under_test PUBLIC azrtos::netxduo)
target_link_libraries(test_utility PUBLIC mqtt_client_under_test)
EOF
fi

case "$CLIENT" in
    original)
        CLIENT_ARGS=(-DMQTT_CLIENT_SOURCES="$SRC/netxduo/addons/mqtt/nxd_mqtt_client.c")
        CLIENT_LINK=regression/libmqtt_client_under_test.so ;;
    library)
        # A shared library needs at least one source: an empty one will do.
        printf '/* the client under test comes from %s */\n' "$CLIENT_LIB" >"$WORK/client_under_test.c"
        sources="$WORK/client_under_test.c"
        for f in ${CLIENT_SRCS[@]+"${CLIENT_SRCS[@]}"}; do sources="$sources;$f"; done
        CLIENT_ARGS=(-DMQTT_CLIENT_SOURCES="$sources" -DMQTT_CLIENT_LIBRARY="$CLIENT_LIB" -DMQTT_CLIENT_INCLUDE="$CLIENT_INC")
        CLIENT_LINK=regression/libmqtt_client_under_test.so
        case "$CLIENT_LIB" in *.a) ;; *) CLIENT_LINK="$CLIENT_LINK $CLIENT_LIB" ;; esac ;;
esac

MQTT=$SRC/netxduo/test/cmake/mqtt
cd "$MQTT" || die "no $MQTT"

echo "client under test: $CLIENT_NAME${CLIENT_LIB:+ ($CLIENT_LIB)}"
echo "sources: $THIRD_PARTY (copied to $SRC)"

# ---- ThreadX and FileX (upstream's libs project: -m32, shared) -------------
if [ ! -f build/libs/threadx/libthreadx.so ]; then
    if ! ./.run.sh build_libs >"$LOGS/libs.log" 2>&1; then
        tail -n 30 "$LOGS/libs.log" >&2
        die "building libthreadx/libfilex failed (log above)"
    fi
fi

# The corrections --qos2 applies (see the usage text), each checked to match
# exactly once so that another NetX Duo version fails loudly here.
qos2_fix() { # source destination test-name
    local from=$1 to=$2 t=$3
    cp "$from" "$to"
    case "$t" in
        netx_mqtt_publish_qos2_test)
            [ "$(grep -c 'byte\[0\] != 0x60' "$to")" = 1 ] || die "$t: PUBREL check not found"
            sed -i 's/byte\[0\] != 0x60/byte[0] != 0x62/' "$to" ;;
        netx_mqtt_receive_qos2_test)
            [ "$(grep -c '^    nx_packet_release(packet_ptr);$' "$to")" = 1 ] || die "$t: stray release not found"
            [ "$(grep -c 'strlen(MESSAGE_QOS2)) >> 8) & 0xFF;$' "$to")" = 1 ] || die "$t: payload length prefix not found"
            sed -i -e '/^    nx_packet_release(packet_ptr);$/d' \
                   -e '/byte\[index++\] = ((strlen(MESSAGE_QOS2)) >> 8) & 0xFF;/d' \
                   -e '/byte\[index++\] = (strlen(MESSAGE_QOS2)) & 0xFF;/d' "$to" ;;
    esac
}

overall=0
run_test() { # config binary
    local c=$1 bin=$2 name out rc
    name=$(basename "$bin")
    total=$((total + 1))
    if [ ! -x "$bin" ]; then
        echo "NOBUILD $c::$name (counted as a failure)"
        fail=$((fail + 1))
        return
    fi
    out=$(cd "$(dirname "$bin")" && timeout "$TEST_TIMEOUT" "./$name" 2>&1 | tr -d '\r'; exit "${PIPESTATUS[0]}")
    rc=$?
    printf '%s\n' "$out" >"$LOGS/$c.$name.log"
    # testcontrol prints "Tests Passed:  P   Tests Warning:  W   Tests Failed:  F";
    # a test whose feature is compiled out reports P=0 and F=0.
    local summary passed failed
    summary=$(printf '%s\n' "$out" | grep -E 'Tests Passed: +[0-9]+ +Tests Warning: +[0-9]+ +Tests Failed: +[0-9]+' | tail -n 1)
    passed=$(printf '%s' "$summary" | sed -nE 's/.*Tests Passed: +([0-9]+).*/\1/p')
    failed=$(printf '%s' "$summary" | sed -nE 's/.*Tests Failed: +([0-9]+).*/\1/p')
    if [ -z "$summary" ]; then
        echo "FAIL    $c::$name (exit $rc, no test summary: $(printf '%s\n' "$out" | grep -v '^\s*$' | tail -n 1 | cut -c1-120))"
        fail=$((fail + 1))
    elif [ "$failed" != 0 ]; then
        echo "FAIL    $c::$name (passed=$passed failed=$failed exit $rc)"
        fail=$((fail + 1))
    elif [ "$rc" != 0 ]; then
        echo "FAIL    $c::$name (passed=$passed failed=0 but exit $rc)"
        fail=$((fail + 1))
    elif [ "$passed" = 0 ]; then
        echo "N/A     $c::$name"
        na=$((na + 1))
    else
        echo "PASS    $c::$name"
        pass=$((pass + 1))
    fi
}

for c in "${CONFIGS[@]}"; do
    echo "=== $c"
    total=0 pass=0 fail=0 na=0
    B=build/$c
    if ! cmake -B "$B" -G Ninja -DBUILD_SHARED_LIBS=ON \
        -DCMAKE_TOOLCHAIN_FILE="$SRC/threadx/cmake/linux.cmake" \
        -DCMAKE_BUILD_TYPE="$c" "${CLIENT_ARGS[@]}" . >"$LOGS/configure.$c.log" 2>&1; then
        tail -n 20 "$LOGS/configure.$c.log" >&2
        echo "SUMMARY: total=0 pass=0 fail=1 n/a=0 ($c: configure failed, $LOGS/configure.$c.log)"
        overall=1
        continue
    fi
    ninja -C "$B" -j "$JOBS" -k 0 >"$LOGS/build.$c.log" 2>&1 ||
        echo "(some targets failed to build, see $LOGS/build.$c.log)"
    tests=$(sed -nE 's#.*\$\{SOURCE_DIR\}/mqtt_test/(netx_mqtt_[a-z0-9_]+_test)\.c.*#\1#p' regression/CMakeLists.txt)
    for t in $tests; do
        run_test "$c" "$B/regression/$t"
    done
    if [ "$QOS2" != no ]; then
        # Same flags and libraries as the listed tests: borrow them from the
        # command ninja used for one of them.
        flags=$(cd "$B" && ninja -t commands regression/netx_mqtt_connect_test |
            grep -E 'netx_mqtt_connect_test\.c\.o -c' | tr ' ' '\n' | grep -E '^-[IDmgf]' | tr '\n' ' ')
        for t in netx_mqtt_publish_qos2_test netx_mqtt_receive_qos2_test; do
            q2src=$SRC/netxduo/test/regression/mqtt_test/$t.c
            if [ "$QOS2" = yes ]; then
                q2src=$WORK/qos2/$t.c
                mkdir -p "$WORK/qos2"
                qos2_fix "$SRC/netxduo/test/regression/mqtt_test/$t.c" "$q2src" "$t"
            fi
            # shellcheck disable=SC2086
            (cd "$B" && gcc $flags -pthread -o "regression/$t" "$q2src" \
                regression/libtest_utility.so $CLIENT_LINK netxduo/libnetxduo.so \
                ../libs/threadx/libthreadx.so ../libs/filex/libfilex.so \
                "-Wl,-rpath,$PWD/regression:$PWD/netxduo:$PWD/../libs/threadx:$PWD/../libs/filex") \
                >"$LOGS/build.$c.$t.log" 2>&1
            run_test "$c" "$B/regression/$t"
        done
    fi
    echo "SUMMARY: total=$total pass=$pass fail=$fail n/a=$na ($c, client $CLIENT_NAME)"
    if [ "$fail" -ne 0 ]; then
        overall=1
    fi
done
exit $overall
