#!/usr/bin/env bash
# The main job, for now: build the native CLI and verify every generated
# fixture message with it, printing one report per message.
#
#   bash scripts/demo.sh              # human-readable reports
#   bash scripts/demo.sh --json       # JSON Lines (any `jmap-smime verify` option passes through)
set -euo pipefail

cd "$(dirname "$0")/.."
# The native build needs only the Rust toolchain; browser and npm set-up is
# left to scripts/test.sh.
bash scripts/setup.sh --native

echo "demo: cargo build --release --bin jmap-smime"
cargo build --release --bin jmap-smime
cli="${CARGO_TARGET_DIR:-target}/release/jmap-smime"

shopt -s nullglob
messages=(tests/fixtures/messages/*.eml)
if [ ${#messages[@]} -eq 0 ]; then
    echo "demo: no messages in tests/fixtures/messages/ (the generated S/MIME fixtures); nothing to verify" >&2
    exit 1
fi

# The fixtures' own test root is the trust anchor, checked at a fixed time;
# revocation off (the main fixtures carry no CRLs). Extra arguments pass through.
trust=(--trust tests/fixtures/pki/root.cert.pem --no-bundled-roots --at 2026-01-01T00:00:00Z --revocation off)
echo "demo: $cli verify ${trust[*]} $* tests/fixtures/messages/*.eml (${#messages[@]} messages)"
echo
status=0
"$cli" verify "${trust[@]}" "$@" "${messages[@]}" || status=$?
echo
case $status in
    0) echo "demo: ${#messages[@]} messages, every one signed/verified" ;;
    1) echo "demo: ${#messages[@]} messages checked; some are not signed/verified, as intended (the fixtures include tampered, broken, unsigned, weak and encrypted messages)" ;;
    *) echo "demo: jmap-smime failed (exit status $status)" >&2; exit "$status" ;;
esac
