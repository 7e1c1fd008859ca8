#!/usr/bin/env bash
# The one set-up step. Idempotent: every item is checked first and installed
# only when missing, so a warm run takes seconds. Prints what it checked.
#
#   bash scripts/setup.sh            # everything the tests need
#   bash scripts/setup.sh --native   # only what the native build (CLI, demo) needs
#
# Installs: the wasm32 Rust target, rustfmt and clippy, wasm-bindgen-cli at the
# version Cargo.toml pins, Debian packages (Chromium + chromedriver, binaryen,
# NSS tools, openssl), the npm dev dependencies (npm ci), and the NIST PKITS
# data (scripts/fetch-pkits.sh). Nothing here downloads a browser or a binary
# outside the Debian, crates.io, npm and PyPI registries.
set -euo pipefail

cd "$(dirname "$0")/.."
mode=all
case "${1:-}" in
    "") ;;
    --native) mode=native ;;
    *) echo "usage: $0 [--native]" >&2; exit 2 ;;
esac

start=$SECONDS
say() { printf 'setup: %-22s %s\n' "$1" "$2"; }

# Root for apt; sudo when available otherwise.
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else echo "setup: need root (or sudo) to run: $*" >&2; exit 1
    fi
}

# --- Rust toolchain ------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: cargo not found; install Rust (https://rustup.rs) and re-run" >&2
    exit 1
fi
say rust "$(rustc --version)"

if command -v rustup >/dev/null 2>&1; then
    missing_components=()
    cargo fmt --version >/dev/null 2>&1 || missing_components+=(rustfmt)
    cargo clippy --version >/dev/null 2>&1 || missing_components+=(clippy)
    if [ ${#missing_components[@]} -gt 0 ]; then
        say components "installing ${missing_components[*]}"
        rustup component add "${missing_components[@]}"
    else
        say components "rustfmt, clippy present"
    fi
fi

if [ "$mode" = native ]; then
    say done "native set-up complete in $((SECONDS - start))s"
    exit 0
fi

if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say wasm32-target "present"
else
    say wasm32-target "installing"
    rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate.
want_wb=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
if [ -z "$want_wb" ]; then
    echo "setup: could not find the pinned wasm-bindgen version (wasm-bindgen = \"=X.Y.Z\") in Cargo.toml" >&2
    exit 1
fi
have_wb=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_wb" = "$want_wb" ] && command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
    say wasm-bindgen-cli "$have_wb (pinned)"
else
    say wasm-bindgen-cli "installing $want_wb (found: ${have_wb:-none})"
    cargo install wasm-bindgen-cli --version "$want_wb" --locked --force \
        || cargo install wasm-bindgen-cli --version "$want_wb" --force
fi

# --- Debian packages -----------------------------------------------------
debs=(chromium chromium-driver binaryen libnss3-tools openssl)
missing_debs=()
for p in "${debs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing_debs+=("$p")
    fi
done
# python3 with pip fetches PKITS; the base image may provide it outside Debian.
if ! python3 -m pip --version >/dev/null 2>&1; then
    missing_debs+=(python3 python3-pip)
fi
if [ ${#missing_debs[@]} -gt 0 ]; then
    say debian "installing ${missing_debs[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_debs[@]}"
else
    say debian "${debs[*]} present"
fi
say chromium "$(chromium --version 2>/dev/null || echo missing)"
say wasm-opt "$(wasm-opt --version 2>/dev/null || echo missing)"
say python "$(python3 -m pip --version | awk '{print "pip", $2}')"

# --- Node ----------------------------------------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "setup: node and npm (Node >= 20) are required" >&2
    exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
    echo "setup: Node >= 20 is required, found $(node --version)" >&2
    exit 1
fi
# npm ci only when package-lock.json changed since the last install.
lock_sum=$(sha256sum package-lock.json | awk '{print $1}')
if [ -f node_modules/.setup-lock-sha256 ] && [ "$(cat node_modules/.setup-lock-sha256)" = "$lock_sum" ]; then
    say npm "node $(node --version), node_modules up to date"
else
    say npm "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_sum" > node_modules/.setup-lock-sha256
fi

# --- Test data -----------------------------------------------------------
bash scripts/fetch-pkits.sh

# --- Cyrus IMAP (the third-party JMAP server of the interop test) ----------
# Only the test command needs it; the demo skips it (JMAP_SMIME_NO_CYRUS=1).
if [ "${JMAP_SMIME_NO_CYRUS:-}" != 1 ]; then
    as_root bash scripts/cyrus.sh install
fi

say done "set-up complete in $((SECONDS - start))s"
