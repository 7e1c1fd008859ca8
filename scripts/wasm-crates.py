#!/usr/bin/env python3
"""Group a wasm module's code and data by crate, from `twiggy top --format csv`.

    twiggy top -n 1000000 --format csv module.wasm | python3 scripts/wasm-crates.py [N]

The module must keep its function names (a build with `strip = false`). Each
function is charged to the first crate its demangled name mentions
(`<p384::Scalar as core::ops::Mul>::mul` counts for p384); custom sections
(names, DWARF, wasm-bindgen's description) are listed apart, since the shipped
module does not carry them. Prints the top N crates (default 25) with KB and
share of the code and data that ship.
"""
import csv
import re
import sys
from collections import defaultdict

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?=::)")
HASH = re.compile(r"\[[0-9a-f]{16}\]")
STD = {"core", "alloc", "std", "__rustc"}
SKIP = {"impl", "dyn", "mut", "const", "as", "for", "_"}


def crate_of(item: str) -> str:
    item = HASH.sub("", item)
    if item.startswith("custom section") or "subsection" in item or "__wbindgen_describe" in item:
        return "(not shipped: names, DWARF, wasm-bindgen descriptors)"
    if item.startswith("data segment"):
        return "(data: .rodata and tables)"
    for m in IDENT.finditer(item):
        name = m.group(0)
        if name not in SKIP:
            return "std (core, alloc, fmt, panics)" if name in STD else name
    return "(no crate: wasm-bindgen glue, tables, types)"


def main() -> None:
    top = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    sizes = defaultdict(int)
    for row in csv.DictReader(sys.stdin):
        item = row.get("Name") or row.get("Item") or ""
        if item.startswith("... and") or item.startswith("Σ"):
            continue
        sizes[crate_of(item)] += int(row["ShallowSize"])
    custom = sizes.pop("(not shipped: names, DWARF, wasm-bindgen descriptors)", 0)
    total = sum(sizes.values())
    print(f"{'crate':40} {'KB':>8} {'share':>7}")
    for name, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:top]:
        print(f"{name:40} {size / 1024:8.1f} {100 * size / max(total, 1):6.1f}%")
    print(f"{'total code and data':40} {total / 1024:8.1f}")
    print(f"{'not shipped (names, DWARF, descriptors)':40} {custom / 1024:8.1f}")


main()
