#!/usr/bin/env bash
# Installs what rsmqtt's scripts need and the machine lacks, and nothing else.
#
#   bash scripts/install-deps.sh demo   # building and running the C demos
#   bash scripts/install-deps.sh test   # everything scripts/test.sh runs
#
# System tools come from Debian's packages (apt-get, as root); Rust tools from
# crates.io. A tool already present is left alone, so a second run is quick.
set -euo pipefail

what=${1:-test}
case "$what" in
    demo|test) ;;
    *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

if [ -d "$HOME/.cargo/bin" ]; then
    PATH="$HOME/.cargo/bin:$PATH"
fi
# Debian installs mosquitto in /usr/sbin, which is not on every user's PATH.
PATH="$PATH:/usr/sbin:/sbin"

have() { command -v "$1" >/dev/null 2>&1; }

missing_packages=()
have cmake || missing_packages+=(cmake)
have make || missing_packages+=(make)
have mosquitto || missing_packages+=(mosquitto)
have openssl || missing_packages+=(openssl)
have python3 || missing_packages+=(python3)
if ! have cc && ! have gcc && ! have clang; then
    missing_packages+=(gcc)
fi
if [ "$what" = test ]; then
    # C++ compiles the headers a second time (extern "C" guards); binutils gives
    # `size`/`objdump` for the code-size report; clang cross-compiles the
    # bare-metal Cortex-M4 firmware test; Valgrind checks the C programs (and
    # counts instructions in scripts/bench.sh).
    have c++ || have g++ || have clang++ || missing_packages+=(g++)
    have objdump || missing_packages+=(binutils)
    have clang || missing_packages+=(clang)
    # llvm-nm and llvm-objcopy split the fat-LTO firmware archive by symbol
    # and leave memcpy and friends to newlib (cmake/rsmqttSplitArchive.cmake,
    # CTest cmake/cortex_m4_firmware_lto and _newlib,
    # scripts/code-size-compare.sh).
    { have llvm-objcopy && have llvm-nm; } || missing_packages+=(llvm)
    have valgrind || missing_packages+=(valgrind)
    # scripts/code-size-compare.sh builds both libraries into Cortex-M4
    # images with the Arm GNU toolchain and links newlib-nano; the freertos/
    # CTests need libslirp for FreeRTOS+TCP on the POSIX simulator, and the
    # same toolchain plus QEMU for the mps2-an385 (Cortex-M3) image.
    [ -f /usr/include/slirp/libslirp.h ] || missing_packages+=(libslirp-dev)
    have arm-none-eabi-gcc || missing_packages+=(gcc-arm-none-eabi)
    if ! have arm-none-eabi-gcc || [ "$(arm-none-eabi-gcc -print-file-name=nano.specs)" = nano.specs ]; then
        missing_packages+=(libnewlib-arm-none-eabi)
    fi
    have qemu-system-arm || missing_packages+=(qemu-system-arm)
    # tests/threadx builds ThreadX's Linux port and NetX Duo -m32 (as
    # upstream's own tests do) with Ninja, and runs NetX Duo on a veth pair in
    # a network namespace (ip from iproute2; ethtool turns off checksum
    # offload on the Linux end).
    have ninja || missing_packages+=(ninja-build)
    have ip || missing_packages+=(iproute2)
    have ethtool || missing_packages+=(ethtool)
    if ! echo 'int main(void) { return 0; }' | gcc -m32 -x c -o /dev/null - >/dev/null 2>&1; then
        missing_packages+=(gcc-multilib)
    fi
    # Node.js runs Aedes, the second broker of tests/other_brokers.rs (the
    # machine image ships Node 20 with npm; Debian's own is the fallback).
    have node || missing_packages+=(nodejs)
    have npm || missing_packages+=(npm)
    # amqtt, the third broker, runs in a Python venv (Debian splits venv
    # and ensurepip out of python3).
    python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' >/dev/null 2>&1 \
        || missing_packages+=(python3-venv)
fi

if [ ${#missing_packages[@]} -gt 0 ]; then
    echo "installing: ${missing_packages[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: not root; install these first: ${missing_packages[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing_packages[@]}"
else
    echo "all system tools present"
fi

if [ "$what" = test ]; then
    if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
        rustup component add rustfmt clippy
    fi
    # rsmqtt's no_std library for the Cortex-M3 in QEMU (freertos/ CTests).
    if ! rustup target list --installed 2>/dev/null | grep -qx thumbv7m-none-eabi; then
        rustup target add thumbv7m-none-eabi
    fi
    # The ThreadX port's codec for -m32 ThreadX/NetX Duo programs (tests/threadx,
    # scripts/netxduo-regression.sh --client rsmqtt); links with gcc-multilib.
    if ! rustup target list --installed 2>/dev/null | grep -qx i686-unknown-linux-gnu; then
        rustup target add i686-unknown-linux-gnu
    fi
    # The fuzz smoke run needs cargo-fuzz, which drives the nightly toolchain's
    # libFuzzer support; without a nightly toolchain there is nothing to install.
    if rustup toolchain list 2>/dev/null | grep -q '^nightly' && ! cargo +nightly fuzz --version >/dev/null 2>&1; then
        echo "installing cargo-fuzz 0.13.2 from crates.io"
        cargo install cargo-fuzz --version 0.13.2 --locked
    fi
fi
if [ "$what" = test ]; then
    # Aedes, at the version package-lock.json pins, from the npm registry.
    aedes_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/brokers/aedes"
    if [ ! -d "$aedes_dir/node_modules/aedes" ]; then
        echo "installing Aedes (npm ci) in $aedes_dir"
        npm ci --prefix "$aedes_dir" --no-audit --no-fund
    fi
    # amqtt, the third broker of tests/other_brokers.rs, from PyPI at the
    # versions tests/brokers/amqtt/requirements.txt pins, in a venv under the
    # cargo target directory (where the test looks for it).
    repo_dir="$(cd "$(dirname "$0")/.." && pwd)"
    amqtt_venv="${CARGO_TARGET_DIR:-$repo_dir/target}/amqtt-venv"
    amqtt_requirements="$repo_dir/tests/brokers/amqtt/requirements.txt"
    if ! "$amqtt_venv/bin/python" -c 'import amqtt' >/dev/null 2>&1 \
        || ! cmp -s "$amqtt_requirements" "$amqtt_venv/requirements.txt"; then
        echo "installing amqtt (pip) in $amqtt_venv"
        if ! python3 -m venv --help >/dev/null 2>&1; then
            echo "error: python3 has no venv module (Debian: apt-get install python3-venv)" >&2
            exit 1
        fi
        python3 -m venv "$amqtt_venv"
        "$amqtt_venv/bin/pip" install --quiet --disable-pip-version-check -r "$amqtt_requirements"
        cp "$amqtt_requirements" "$amqtt_venv/requirements.txt"
    fi
fi
# tools/headers links cbindgen as a library (pinned in its Cargo.toml), so the
# cbindgen command-line tool is not needed.
