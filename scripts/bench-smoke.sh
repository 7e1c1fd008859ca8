#!/usr/bin/env bash
# Every benchmark once, in its smoke mode (a few inputs, one run), so that a
# benchmark that no longer runs fails the test command instead of rotting
# until someone wants a figure. The full runs stay manual (each file says how).
#
#   bash scripts/bench-smoke.sh
#
# Needs: pkg/ (bash scripts/build-wasm.sh), .cache/pkits
# (scripts/fetch-pkits.sh), node_modules (npm ci), /usr/bin/chromium. The
# cargo benches (harness = false, BENCH_SMOKE=1) run in the test profile
# (`cargo test --bench '*'`), which shares its build with `cargo test
# --features server`; the node benchmarks that need a server use the debug
# target/debug/jmap-smime-server (built here when missing or stale: a no-op
# after cargo test). Every benchmark runs even when an earlier one failed; the
# exit status is non-zero when any failed. It takes no build lock itself
# (callers that share a machine wrap the whole script).
set -uo pipefail

cd "$(dirname "$0")/.."
start=$SECONDS
target_dir=${CARGO_TARGET_DIR:-target}
server="$target_dir/debug/jmap-smime-server"
passed=()
failed=()
export BENCH_SMOKE=1

# bench NAME COMMAND...: run one, time it, record it.
bench() {
    local name=$1
    shift
    local t0=$SECONDS
    printf '\n--> bench-smoke %s: %s\n' "$name" "$*"
    if "$@"; then
        printf '<-- bench-smoke %s: ok (%ss)\n' "$name" "$((SECONDS - t0))"
        passed+=("$name")
    else
        printf '<-- bench-smoke %s: FAILED (%ss)\n' "$name" "$((SECONDS - t0))"
        failed+=("$name")
    fi
}

# optional NAME FILE COMMAND...: the same, or a note when FILE is not in the tree.
optional() {
    local name=$1 file=$2
    shift 2
    if [ -e "$file" ]; then
        bench "$name" "$@"
    else
        printf '\n--> bench-smoke %s: skipped (%s is not in this tree)\n' "$name" "$file"
    fi
}

for f in pkg/jmap_smime_bg.wasm .cache/pkits/smime node_modules/playwright-core; do
    if [ ! -e "$f" ]; then
        echo "bench-smoke: FAILED: $f missing (run bash scripts/setup.sh and bash scripts/build-wasm.sh first)"
        exit 1
    fi
done

# The cargo benches: benches/*.rs with harness = false read BENCH_SMOKE=1.
# `--bench '*'` runs every bench target of Cargo.toml and nothing else.
for f in benches/hostile.rs benches/mime.rs; do
    [ -e "$f" ] || echo "bench-smoke: note: $f is not in this tree (it runs here once it is, as a [[bench]] of Cargo.toml)"
done
bench cargo-benches cargo test --features server --bench '*'

if bench server-build cargo build --features server --bin jmap-smime-server; then
    bench server-page node bench/server-page.mjs --smoke --server "$server"
    bench server-page-no-blob node bench/server-page.mjs --smoke --blob off --server "$server"
    optional server-abuse bench/server-abuse.mjs node bench/server-abuse.mjs --smoke --server "$server"
else
    failed+=(server-page)
    [ ! -e bench/server-abuse.mjs ] || failed+=(server-abuse)
    echo "bench-smoke: server-page and server-abuse not run: no server binary"
fi
bench pkits-browser node bench/pkits-browser.mjs --smoke
bench page-browser node bench/page-browser.mjs --smoke
bench pkits-vs-pkijs node bench/pkits-vs-pkijs.mjs --smoke

echo
echo "bench-smoke: passed: ${passed[*]:-none}"
[ ${#failed[@]} -eq 0 ] || echo "bench-smoke: FAILED: ${failed[*]}"
echo "bench-smoke: $((SECONDS - start))s"
[ ${#failed[@]} -eq 0 ]
