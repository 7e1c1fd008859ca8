#!/usr/bin/env bash
# Build the npm package into pkg/ (generated, not committed):
#   cargo (profile `wasm`) -> wasm-bindgen --target web -> wasm-opt -Oz -> pkg/package.json
# The result is one ES module that works in a page, in a module Web Worker and
# in Node >= 20 (there: `await init({ module_or_path: <bytes of the .wasm> })`).
# Prints the raw and gzip size of the shipped .wasm.
# The bundled trust anchors (assets/roots/email-roots.der, see
# scripts/gen-bundled-roots.sh) ship next to the module as their own file, so
# the core stays small and loads them only when asked (TrustStore.bundled(),
# through the JS snippet src/wasm/bundled.js, which wasm-bindgen copies under
# pkg/snippets/); their size is printed too.
#
#   bash scripts/build-wasm.sh
set -euo pipefail

cd "$(dirname "$0")/.."
name=jmap_smime
out=pkg
read -r target_dir version < <(cargo metadata --format-version 1 --no-deps | python3 -c '
import json, sys
m = json.load(sys.stdin)
print(m["target_directory"], next(p["version"] for p in m["packages"] if p["name"] == "jmap-smime"))')
raw="$target_dir/wasm32-unknown-unknown/wasm/$name.wasm"

# Reference types off: wasm-bindgen then keeps JS values in a JS-side slab
# instead of an externref table. binaryen 108 (Debian 12's wasm-opt) rewrites a
# module with an externref table wrongly (its table export ends up naming the
# function table, binaryen issue #4711), and the module then fails to load.
# The slab form also loads in older engines and bundlers. With the profile's
# `strip = true` no target_features section is left to contradict this.
# Only this build needs it: the wasm tests run unoptimised, without wasm-opt.
echo "build-wasm: cargo build --lib --target wasm32-unknown-unknown --profile wasm (no reference types)"
cargo build --lib --target wasm32-unknown-unknown --profile wasm \
    --config 'target.wasm32-unknown-unknown.rustflags = ["-Ctarget-feature=-reference-types"]'

echo "build-wasm: wasm-bindgen --target web --out-dir $out"
rm -rf "$out"
wasm-bindgen --target web --out-dir "$out" --out-name "$name" "$raw"

# binaryen 108 needs the post-MVP features rustc uses spelled out.
echo "build-wasm: wasm-opt -Oz"
wasm-opt -Oz \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals \
    -o "$out/${name}_bg.opt.wasm" "$out/${name}_bg.wasm"
mv "$out/${name}_bg.opt.wasm" "$out/${name}_bg.wasm"

cp assets/roots/email-roots.der "$out/email-roots.der"
# The Web Worker entry and its page-side client (same API as JmapSmimeClient).
cp js/worker.js js/worker-client.js js/worker-client.d.ts "$out/"

# The exported classes (TrustStore, Verifier) declare [Symbol.dispose]() for
# `using`; that symbol's type is in TypeScript's esnext.disposable lib (TS >=
# 5.2). Reference it from the types so consumers need no tsconfig change.
d_ts="$out/$name.d.ts"
if grep -q 'Symbol.dispose' "$d_ts"; then
    { echo '/// <reference lib="esnext.disposable" />'; cat "$d_ts"; } > "$d_ts.tmp"
    mv "$d_ts.tmp" "$d_ts"
fi

# package.json of the published package: the crate's version, ES module only.
cat > "$out/package.json" <<JSON
{
  "name": "jmap-smime",
  "version": "$version",
  "description": "Verify S/MIME signatures of JMAP mail in the browser (Rust compiled to WebAssembly)",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./$name.js",
  "module": "./$name.js",
  "types": "./$name.d.ts",
  "exports": {
    ".": {
      "types": "./$name.d.ts",
      "default": "./$name.js"
    },
    "./worker-client.js": {
      "types": "./worker-client.d.ts",
      "default": "./worker-client.js"
    },
    "./worker.js": "./worker.js",
    "./${name}_bg.wasm": "./${name}_bg.wasm",
    "./email-roots.der": "./email-roots.der",
    "./package.json": "./package.json"
  },
  "files": [
    "$name.js",
    "$name.d.ts",
    "${name}_bg.wasm",
    "${name}_bg.wasm.d.ts",
    "email-roots.der",
    "worker.js",
    "worker-client.js",
    "worker-client.d.ts",
    "snippets/"
  ],
  "sideEffects": false
}
JSON

wasm="$out/${name}_bg.wasm"
# Instantiate the optimised module once, so a broken wasm-opt rewrite fails here.
node --input-type=module -e "
import { readFileSync } from 'node:fs';
const api = await import('./$out/$name.js');
await api.default({ module_or_path: readFileSync('$wasm') });
const roots = await api.TrustStore.bundled();
console.log('build-wasm: loads in Node ' + process.version + ', version() = ' + api.version() + ', TrustStore.bundled(): ' + roots.size + ' anchors');
"
size=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
echo "build-wasm: $out/: $(cd "$out" && ls | tr '\n' ' ')"
echo "wasm: $size bytes, gzip $gz bytes"
roots="$out/email-roots.der"
echo "bundled roots: $(stat -c %s "$roots") bytes, gzip $(gzip -9 -c "$roots" | wc -c) bytes"
