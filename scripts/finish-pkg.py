#!/usr/bin/env python3
"""Finish the npm package that scripts/build-wasm.sh built into OUT:

- package.json: the crate's version, description and repository
  (Cargo.toml), the exports and files of the build (VARIANTS "all" or
  "full", the one-module build alone), `sideEffects` naming worker.js (a
  worker entry must survive a bundler's tree shaking) and ui.js (it defines
  the custom elements), engines, keywords;
- init() with no argument in Node (issue 11): wasm-bindgen's loader fetches
  `new URL('<name>_bg.wasm', import.meta.url)`, and Node's fetch() does not
  read file: URLs, so each generated module gets a loader that reads those
  from disk (the build fails if wasm-bindgen's code no longer has the line
  this replaces);
- the package README (js/README.md) and both licence texts.

Usage: python3 scripts/finish-pkg.py OUT VARIANTS
"""
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "jmap_smime"
SPLIT = ("loader", "_core", "_client", "_crypto")
ROOTS = "email-roots.bin"
LOADER_LINE = "        module_or_path = fetch(module_or_path);\n"
DEFAULT_LINE = "        module_or_path = new URL('{wasm}', import.meta.url);\n"
NODE_LOADER = """
// Added by scripts/finish-pkg.py: a file: URL (Node, the module loaded from
// disk, init() with no argument) is read from disk, as Node's fetch() does
// not read files. The specifier is a variable so that bundlers for the web
// leave the import alone; everything else is fetched as before.
async function __jmapSmimeFetch(source) {
    const url = source instanceof URL ? source
        : (typeof source === 'string' && source.startsWith('file:') ? new URL(source) : null);
    if (url && url.protocol === 'file:') {
        const fsModule = 'node:fs/promises';
        const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ fsModule);
        return new Uint8Array(await readFile(url));
    }
    return fetch(source);
}

// Added by scripts/finish-pkg.py: Vite 5 to 7's dev server pre-bundles
// dependencies into node_modules/.vite/deps/, away from their files, so the
// URL wasm-bindgen computes names a file that is not there (and the server
// answers with its HTML page). The package's own copy is two levels up.
// The path is a variable so that bundlers do not try to resolve it.
function __jmapSmimeUnbundled(url, file) {
    const own = '../../jmap-smime/' + file;
    return url.pathname.includes('/node_modules/.vite/deps/') ? new URL(own, url) : url;
}
"""


def cargo_package():
    out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=ROOT,
                         capture_output=True, check=True, text=True).stdout
    return next(p for p in json.loads(out)["packages"] if p["name"] == "jmap-smime")


def manifest(pkg, variants):
    modules = [NAME, f"{NAME}_core", f"{NAME}_client", f"{NAME}_crypto"]
    exports = {".": {"types": f"./{NAME}.d.ts", "default": f"./{NAME}.js"},
               "./worker-client.js": {"types": "./worker-client.d.ts", "default": "./worker-client.js"},
               "./worker.js": {"types": "./worker.d.ts", "default": "./worker.js"},
               "./loader.js": {"types": "./loader.d.ts", "default": "./loader.js"},
               "./ui": {"types": "./ui.d.ts", "default": "./ui.js"},
               "./ui.js": {"types": "./ui.d.ts", "default": "./ui.js"},
               "./i18n": {"types": "./i18n.d.ts", "default": "./i18n.js"},
               "./i18n.js": {"types": "./i18n.d.ts", "default": "./i18n.js"}}
    files = ["README.md", "LICENSE-MIT", "LICENSE-APACHE", ROOTS, "worker.js", "worker.d.ts", "worker-client.js",
             "worker-client.d.ts", "loader.js", "loader.d.ts", "ui.js", "ui.d.ts", "ui-badge.js", "ui-details.js", "ui-parts.js", "i18n.js", "i18n.d.ts", "i18n/",
             "snippets/"]
    for m in modules:
        if m != NAME:
            exports[f"./{m}.js"] = {"types": f"./{m}.d.ts", "default": f"./{m}.js"}
        exports[f"./{m}_bg.wasm"] = f"./{m}_bg.wasm"
        files += [f"{m}.js", f"{m}.d.ts", f"{m}_bg.wasm"]
    files.append(f"{NAME}_bg.wasm.d.ts")
    exports[f"./{ROOTS}"] = f"./{ROOTS}"
    exports["./package.json"] = "./package.json"
    if variants != "all":
        exports = {k: v for k, v in exports.items() if not any(s in k for s in SPLIT)}
        files = [f for f in files if not any(s in f for s in SPLIT)]
    repo = pkg["repository"]
    return {
        "name": "jmap-smime",
        "version": pkg["version"],
        "description": pkg["description"],
        "keywords": ["s/mime", "smime", "jmap", "rfc9219", "cms", "x509", "email", "signature", "webassembly"],
        "license": pkg["license"],
        "repository": {"type": "git", "url": f"git+{repo}.git"},
        "homepage": f"{repo}#readme",
        "bugs": {"url": f"{repo}/issues"},
        "engines": {"node": ">=20"},
        "type": "module",
        "main": f"./{NAME}.js",
        "module": f"./{NAME}.js",
        "types": f"./{NAME}.d.ts",
        "exports": exports,
        "files": files,
        "sideEffects": ["./worker.js", "./ui.js", "./ui-badge.js", "./ui-details.js"],
    }


def patch_loader(path):
    text = open(path, encoding="utf-8").read()
    if "async function __jmapSmimeFetch(" in text:
        return  # finished before
    wasm = os.path.basename(path).replace(".js", "_bg.wasm")
    default = DEFAULT_LINE.format(wasm=wasm)
    if text.count(LOADER_LINE) != 1 or text.count(default) != 1:
        sys.exit(f"finish-pkg: {path}: wasm-bindgen's loader lines not found once; update scripts/finish-pkg.py")
    text = text.replace(LOADER_LINE, LOADER_LINE.replace("fetch(", "__jmapSmimeFetch("))
    # The literal stays, for bundlers; the fallback only moves it in Vite's dev cache.
    text = text.replace(default, default + f"        module_or_path = __jmapSmimeUnbundled(module_or_path, '{wasm}');\n")
    open(path, "w", encoding="utf-8").write(text + NODE_LOADER)


def main():
    out, variants = sys.argv[1], sys.argv[2]
    pkg = cargo_package()
    m = manifest(pkg, variants)
    with open(os.path.join(out, "package.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(m, indent=2) + "\n")
    for f in m["files"]:
        if f.endswith(".js") and f.startswith(NAME):
            patch_loader(os.path.join(out, f))
    shutil.copy(os.path.join(ROOT, "js", "README.md"), os.path.join(out, "README.md"))
    for lic in ("LICENSE-MIT", "LICENSE-APACHE"):
        shutil.copy(os.path.join(ROOT, lic), os.path.join(out, lic))
    missing = [f for f in m["files"] if not os.path.exists(os.path.join(out, f.rstrip("/")))]
    if missing:
        sys.exit(f"finish-pkg: package.json lists files the build did not make: {missing}")
    print(f"finish-pkg: {out}/package.json ({len(m['files'])} files), init() reads file: URLs in Node, README and licences")


if __name__ == "__main__":
    main()
