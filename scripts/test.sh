#!/usr/bin/env bash
# The test command: set-up, formatting, lints, native tests, the wasm build,
# wasm tests in headless Chromium, and the npm package in Node and Chromium.
# Every step runs even when an earlier one failed (except set-up, and steps
# that need an output that failed to build); the exit status is non-zero when
# any step failed, and the last line sums up.
#
#   bash scripts/test.sh
set -euo pipefail

cd "$(dirname "$0")/.."
start=$SECONDS
passed=()
failed=()
skipped=()

# step NAME COMMAND...: run, time and record one step.
step() {
    local name=$1
    shift
    local t0=$SECONDS
    printf '\n==> %s: %s\n' "$name" "$*"
    if "$@"; then
        printf '<== %s: ok (%ss)\n' "$name" "$((SECONDS - t0))"
        passed+=("$name")
    else
        printf '<== %s: FAILED (%ss)\n' "$name" "$((SECONDS - t0))"
        failed+=("$name")
        return 1
    fi
}

skip() {
    printf '\n==> %s: skipped (%s)\n' "$1" "$2"
    skipped+=("$1")
}

step setup bash scripts/setup.sh || {
    echo "test.sh: FAIL: set-up failed, nothing else was run"
    exit 1
}

step fmt cargo fmt --all --check || true
# --features server: the reference JMAP server (src/server) and its tests too.
step clippy cargo clippy --all-targets --features server -- -D warnings || true
# src/wasm/ and the browser tests only exist for wasm32: lint them there too.
step clippy-wasm cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings || true
step cargo-test cargo test --features server || true
# The fuzz targets (a crate of their own, fuzz/) must keep compiling against
# the library: a plain check, no fuzzing and no cargo-fuzz needed.
step fuzz-check cargo check --quiet --manifest-path fuzz/Cargo.toml --bins || true

# Browser tests: wasm-bindgen-test-runner (.cargo/config.toml) drives headless
# Chromium through chromedriver with the flags in webdriver.json.
step wasm-test env CHROMEDRIVER=/usr/bin/chromedriver \
    cargo test --target wasm32-unknown-unknown || true

if step build-wasm bash scripts/build-wasm.sh; then
    step node-test node --test tests/js/ || true
    # End to end in headless Chromium: the demo page on the reference server
    # (target/debug/jmap-smime-server, built by cargo-test) and Cyrus interop.
    step e2e node --test --test-concurrency=1 tests/e2e/ || true
    # The example apps (examples/, issue 11): the packed tarball installed into
    # each with its bundler from npm, built (and the Vite dev server run), and
    # the result driven in headless Chromium, or run in Node.
    step examples node --test --test-concurrency=1 tests/examples/ || true
    # Every benchmark once in its smoke mode (a few inputs, one run), so a
    # benchmark that no longer runs or measures what it claims fails here.
    step bench-smoke bash scripts/bench-smoke.sh || true
else
    skip node-test "needs pkg/ from build-wasm"
    skip e2e "needs pkg/ from build-wasm"
    skip examples "needs pkg/ from build-wasm"
    skip bench-smoke "needs pkg/ from build-wasm"
fi

echo
echo "test.sh: passed: ${passed[*]:-none}"
[ ${#failed[@]} -eq 0 ] || echo "test.sh: FAILED: ${failed[*]}"
[ ${#skipped[@]} -eq 0 ] || echo "test.sh: skipped: ${skipped[*]}"
echo "test.sh: $((SECONDS - start))s"
# The closing line, in the plain form CI reads: steps passed and failed.
last="steps: ${#passed[@]} passed, ${#failed[@]} failed"
[ ${#skipped[@]} -eq 0 ] || last+=", ${#skipped[@]} skipped"
echo "$last"
if [ ${#failed[@]} -ne 0 ] || [ ${#skipped[@]} -ne 0 ]; then
    exit 1
fi
