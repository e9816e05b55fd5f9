#!/usr/bin/env bash
# Fetches the C sources of the original coreMQTT (v1.2.0) and prints the path
# of its `source/` directory, for the comparisons in
# scripts/coremqtt-differential.sh and scripts/bench.sh.
#
#   bash scripts/coremqtt-reference.sh [DIR]   # default DIR: target/coremqtt-reference
#
# Where the sources come from: the crates.io package `core-mqtt-sys` 0.1.1
# (license MIT; it bundles coreMQTT v1.2.0, itself MIT-licensed, see
# coreMQTT/LICENSE inside the package). crates.io is the one package source
# CI can reach. The sources are downloaded for comparison only: they are
# never committed to this repository, never linked into librsmqtt.a, and the
# package's build script (bindgen + CMake) is never run. cargo downloads the
# package into its registry cache and verifies its checksum; this script
# checks the same checksum again and unpacks the archive with tar.
#
# Repeated runs reuse DIR (nothing is downloaded once it is unpacked).
# Exit status: 0 with the path on stdout; 2 when the download failed (e.g.
# crates.io unreachable), so callers can tell "offline" from real failures;
# 1 for anything else.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
DIR=${1:-$TARGET_DIR/coremqtt-reference}

PACKAGE=core-mqtt-sys
VERSION=0.1.1
# crates.io's SHA-256 of core-mqtt-sys-0.1.1.crate (the checksum in Cargo.lock).
SHA256=d32b7d68bfebd2efd527ad080992a248b244bb57f46c3aa5d9257d66985bcbe3
SOURCE_DIR="$DIR/$PACKAGE-$VERSION/coreMQTT/source"

if [ -d "$HOME/.cargo/bin" ]; then
    PATH="$HOME/.cargo/bin:$PATH"
fi

if [ -f "$SOURCE_DIR/core_mqtt_serializer.c" ] && [ -f "$DIR/.complete" ]; then
    echo "$SOURCE_DIR"
    exit 0
fi

mkdir -p "$DIR/fetch/src"
# A throwaway package whose only dependency is the pinned reference. `cargo
# fetch` downloads it (and the build-dependencies it declares, which are never
# built); nothing is compiled.
cat >"$DIR/fetch/Cargo.toml" <<EOF
[package]
name = "coremqtt-reference-fetch"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
$PACKAGE = "=$VERSION"

# Not part of rsmqtt's workspace.
[workspace]
EOF
: >"$DIR/fetch/src/lib.rs"

HOST=$(rustc -vV | sed -n 's/^host: //p')
if ! (cd "$DIR/fetch" && cargo fetch --quiet --target "$HOST") >&2; then
    echo "coremqtt-reference: cargo fetch of $PACKAGE $VERSION failed (crates.io unreachable?)" >&2
    exit 2
fi

CARGO_HOME_DIR=${CARGO_HOME:-$HOME/.cargo}
CRATE=$(find "$CARGO_HOME_DIR/registry/cache" -name "$PACKAGE-$VERSION.crate" -print -quit 2>/dev/null || true)
if [ -z "$CRATE" ]; then
    echo "coremqtt-reference: $PACKAGE-$VERSION.crate not found under $CARGO_HOME_DIR/registry/cache" >&2
    exit 1
fi
ACTUAL=$(sha256sum "$CRATE" | cut -d' ' -f1)
if [ "$ACTUAL" != "$SHA256" ]; then
    echo "coremqtt-reference: checksum mismatch for $CRATE: $ACTUAL, expected $SHA256" >&2
    exit 1
fi

rm -rf "${DIR:?}/$PACKAGE-$VERSION"
tar -xzf "$CRATE" -C "$DIR"
for file in core_mqtt_serializer.c core_mqtt.c core_mqtt_state.c \
    include/core_mqtt.h include/core_mqtt_serializer.h include/core_mqtt_state.h \
    include/core_mqtt_config_defaults.h interface/transport_interface.h; do
    if [ ! -f "$SOURCE_DIR/$file" ]; then
        echo "coremqtt-reference: $SOURCE_DIR/$file missing from the package" >&2
        exit 1
    fi
done
if ! grep -q 'MQTT_LIBRARY_VERSION *"v1.2.0"' "$SOURCE_DIR/include/core_mqtt.h"; then
    echo "coremqtt-reference: the package does not hold coreMQTT v1.2.0" >&2
    exit 1
fi
touch "$DIR/.complete"
echo "$SOURCE_DIR"
