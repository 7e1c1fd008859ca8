#!/usr/bin/env bash
# Build the npm package into pkg/ (generated, not committed):
#   cargo (profile `wasm`) -> wasm-bindgen --target web -> wasm-opt -Oz -> pkg/package.json
# The result is one ES module that works in a page, in a module Web Worker and
# in Node >= 20 (there: `await init({ module_or_path: <bytes of the .wasm> })`).
# Prints the raw and gzip size of the shipped .wasm.
# Besides the one-module build it builds the smaller modules (issue 10,
# docs/wasm-size.md), each by Cargo features: jmap_smime_core (verify API,
# no JMAP client, no public-key crates), jmap_smime_client (the same with
# JmapSmimeClient) and jmap_smime_crypto (the crypto part, checkSignature
# alone), with js/loader.js connecting them; and prints what each kind of page
# loads before its first verdict as `first-load: <bytes> gzip (<files>)`.
# WASM_VARIANTS=full builds the one-module build alone (quicker); WASM_OPT_LEVEL
# (default -Oz) is the wasm-opt level, for size and speed experiments.
# The bundled trust anchors (assets/roots/email-roots.der, see
# scripts/gen-bundled-roots.sh; shipped as email-roots.bin) ship next to the module as their own file, so
# the core stays small and loads them only when asked (TrustStore.bundled(),
# through the JS snippet src/wasm/bundled.js, which wasm-bindgen copies under
# pkg/snippets/); their size is printed too.
#
#   bash scripts/build-wasm.sh
set -euo pipefail

cd "$(dirname "$0")/.."
name=jmap_smime
out=pkg
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
raw="$target_dir/wasm32-unknown-unknown/wasm/$name.wasm"

# Reference types off: wasm-bindgen then keeps JS values in a JS-side slab
# instead of an externref table. binaryen 108 (Debian 12's wasm-opt) rewrites a
# module with an externref table wrongly (its table export ends up naming the
# function table, binaryen issue #4711), and the module then fails to load.
# The slab form also loads in older engines and bundlers. With the profile's
# `strip = true` no target_features section is left to contradict this.
# Only this build needs it: the wasm tests run unoptimised, without wasm-opt.
# build <out-name> <cargo feature arguments...>: cargo, wasm-bindgen, wasm-opt.
build() {
    local out_name=$1
    shift
    echo "build-wasm: $out_name: cargo build --lib --target wasm32-unknown-unknown --profile wasm $* (no reference types)"
    cargo build --lib --target wasm32-unknown-unknown --profile wasm "$@" \
        --config 'target.wasm32-unknown-unknown.rustflags = ["-Ctarget-feature=-reference-types"]'
    echo "build-wasm: $out_name: wasm-bindgen --target web --out-dir $out"
    wasm-bindgen --target web --out-dir "$out" --out-name "$out_name" "$raw"
    # binaryen 108 needs the post-MVP features rustc uses spelled out.
    echo "build-wasm: $out_name: wasm-opt -Oz"
    wasm-opt ${WASM_OPT_LEVEL:--Oz} \
        --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals \
        -o "$out/${out_name}_bg.opt.wasm" "$out/${out_name}_bg.wasm"
    mv "$out/${out_name}_bg.opt.wasm" "$out/${out_name}_bg.wasm"
}

# Build into pkg.build/ and replace pkg/ only when every build succeeded.
final=$out
out="$final.build"
rm -rf "$out"
variants=${WASM_VARIANTS:-all}
if [ "$variants" = all ]; then
    build "${name}_core" --no-default-features --features verifier-api
    build "${name}_client" --no-default-features --features client
    build "${name}_crypto" --no-default-features --features rust-crypto
fi
# The one-module build last, so target/ holds the default build.
build "$name"
rm -rf "$final"
mv "$out" "$final"
out=$final

# Shipped as .bin: dev servers refuse certificate-looking names (Vite 8 denies *.der).
cp assets/roots/email-roots.der "$out/email-roots.bin"
# The Web Worker entry and its page-side client (same API as JmapSmimeClient).
cp js/worker.js js/worker.d.ts js/worker-client.js js/worker-client.d.ts js/ui.js js/ui.d.ts js/ui-badge.js js/ui-details.js js/ui-parts.js \
  js/i18n.js js/i18n.d.ts "$out/"
mkdir -p "$out/i18n" && cp js/i18n/*.js "$out/i18n/"
[ "$variants" = all ] && cp js/loader.js js/loader.d.ts "$out/"

# The exported classes (TrustStore, Verifier) declare [Symbol.dispose]() for
# `using`; that symbol's type is in TypeScript's esnext.disposable lib (TS >=
# 5.2). Reference it from the types so consumers need no tsconfig change.
for d_ts in "$out"/${name}*.d.ts; do
    case "$d_ts" in *_bg.wasm.d.ts) continue ;; esac
    if grep -q 'Symbol.dispose' "$d_ts"; then
        { echo '/// <reference lib="esnext.disposable" />'; cat "$d_ts"; } > "$d_ts.tmp"
        mv "$d_ts.tmp" "$d_ts"
    fi
done

# package.json, init() from disk in Node, the package README and licences.
python3 scripts/finish-pkg.py "$out" "$variants"

wasm="$out/${name}_bg.wasm"
# Instantiate the optimised module once, so a broken wasm-opt rewrite fails here.
node --input-type=module -e "
import { readFileSync } from 'node:fs';
const api = await import('./$out/$name.js');
await api.default({ module_or_path: readFileSync('$wasm') });
const roots = await api.TrustStore.bundled();
console.log('build-wasm: loads in Node ' + process.version + ', version() = ' + api.version() + ', TrustStore.bundled(): ' + roots.size + ' anchors');
"
if [ "$variants" = all ]; then
    # The split modules load and connect (a broken export list fails here).
    node --input-type=module -e "
import { readFileSync } from 'node:fs';
const { loadVerifier } = await import('./$out/loader.js');
const api = await loadVerifier({ wasm: readFileSync('$out/${name}_core_bg.wasm'), cryptoWasm: readFileSync('$out/${name}_crypto_bg.wasm') });
console.log('build-wasm: loader.loadVerifier() loads in Node, version() = ' + api.version());
"
fi
size=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
echo "build-wasm: $out/: $(cd "$out" && ls | tr '\n' ' ')"
echo "wasm: $size bytes, gzip $gz bytes"
roots="$out/email-roots.bin"
echo "bundled roots: $(stat -c %s "$roots") bytes, gzip $(gzip -9 -c "$roots" | wc -c) bytes"

# What a page loads before its first verdict (bench/first-load.mjs: the entry
# modules, their static imports and the .wasm, each gzip -9 on its own).
first_load() {
    node bench/first-load.mjs "$out" "$@"
}
first_load "one module: verify and JMAP pages today" "$name.js" "${name}_bg.wasm"
if [ "$variants" = all ]; then
    first_load "verify-only page, loader.loadVerifier()" loader.js "${name}_core.js" "${name}_core_bg.wasm" "${name}_crypto.js" "${name}_crypto_bg.wasm"
    first_load "JMAP page, loader.loadClient()" loader.js "${name}_client.js" "${name}_client_bg.wasm" "${name}_crypto.js" "${name}_crypto_bg.wasm"
    first_load "verify-only page, loader.loadVerifier({ crypto: 'on-demand' }): the crypto part only for a check WebCrypto cannot do" loader.js "${name}_core.js" "${name}_core_bg.wasm"
    first_load "JMAP page, loader.loadClient({ crypto: 'on-demand' })" loader.js "${name}_client.js" "${name}_client_bg.wasm"
    for v in core client crypto; do
        w="$out/${name}_${v}_bg.wasm"
        echo "wasm ${v}: $(stat -c %s "$w") bytes, gzip $(gzip -9 -c "$w" | wc -c) bytes"
    done
fi
