#!/usr/bin/env bash
# The main job: the demo. Builds what is missing (the npm package in pkg/, the
# reference server), seeds a mailbox from the fixtures (scripts/demo-mailbox.tsv),
# and runs the RFC 9219 JMAP server on 127.0.0.1 with the demo page, until Ctrl-C.
#
#   bash scripts/demo.sh              # http://127.0.0.1:8025/, user demo, password demo
#   PORT=9000 bash scripts/demo.sh
#   bash scripts/demo.sh --no-smime   # the server without RFC 9219: the client verifies alone
set -euo pipefail

cd "$(dirname "$0")/.."
JMAP_SMIME_NO_CYRUS=1 bash scripts/setup.sh

# The package: rebuilt only when a source is newer than the built module.
wasm=pkg/jmap_smime_bg.wasm
if [ ! -f "$wasm" ] || [ -n "$(find src js Cargo.toml Cargo.lock assets -newer "$wasm" -type f -print -quit)" ]; then
    bash scripts/build-wasm.sh
else
    echo "demo: pkg/ is up to date"
fi

echo "demo: cargo build --release --features server --bin jmap-smime-server"
cargo build --release --features server --bin jmap-smime-server
server="${CARGO_TARGET_DIR:-target}/release/jmap-smime-server"

state=.cache/demo
server_args=$(bash scripts/demo-seed.sh "$state")
port=${PORT:-8025}

echo
echo "demo: open http://127.0.0.1:$port/  (user: demo, password: demo)"
echo "demo: the server trusts the test root and the other root, holds a CRL the browser lacks, and"
echo "demo: accepts legacy algorithms (SHA-1) that the browser refuses, and checks revocation online"
echo "demo: (an OCSP responder and a CRL server on 127.0.0.1:47391-47392, stopped with the demo);"
echo "demo: the page trusts the test root and offers to import the other one. Ctrl-C stops it."
echo
# Issue 12 §4: the revocation servers the online-revocation messages name
# (127.0.0.1 only; they stop by themselves after 8 hours, or with the demo).
bash tests/fixtures/online/serve.sh start 28800 >&2
trap 'bash tests/fixtures/online/serve.sh stop >/dev/null' EXIT
# shellcheck disable=SC2086
"$server" --mail "$state/mail" --listen "127.0.0.1:$port" --user demo:demo \
    --static /demo/="$state/site" --static /pkg/=pkg --static /=www \
    $server_args "$@"
