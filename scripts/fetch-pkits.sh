#!/usr/bin/env bash
# Fetch the NIST PKITS test data (certificates, CRLs, 224 signed S/MIME messages)
# from the PyPI package cryptography-vectors, and extract only its PKITS_data
# folder into .cache/pkits/. Idempotent: does nothing when already extracted.
#
#   bash scripts/fetch-pkits.sh          # -> .cache/pkits/{certs,crls,smime,...}
set -euo pipefail

VERSION=50.0.2            # cryptography-vectors release pinned for reproducible runs
cd "$(dirname "$0")/.."
dest=.cache/pkits
wheels=.cache/wheels
stamp="$dest/.complete-$VERSION"

if [ -f "$stamp" ]; then
    echo "pkits: present ($(ls "$dest"/smime/*.eml | wc -l) messages in $dest, cryptography-vectors $VERSION)"
    exit 0
fi

mkdir -p "$wheels"
wheel=$(ls "$wheels"/cryptography_vectors-"$VERSION"-*.whl 2>/dev/null | head -n1 || true)
if [ -z "$wheel" ]; then
    echo "pkits: downloading cryptography-vectors $VERSION from PyPI"
    python3 -m pip download --quiet --disable-pip-version-check --no-deps \
        --only-binary=:all: "cryptography-vectors==$VERSION" -d "$wheels"
    wheel=$(ls "$wheels"/cryptography_vectors-"$VERSION"-*.whl | head -n1)
fi

echo "pkits: extracting PKITS_data from $wheel"
rm -rf "$dest" "$dest.tmp"
python3 - "$wheel" "$dest.tmp" <<'PY'
import os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
prefix = "cryptography_vectors/x509/PKITS_data/"
count = 0
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        if not name.startswith(prefix) or name.endswith("/"):
            continue
        rel = name[len(prefix):]
        # Refuse anything that would escape the output folder.
        if rel.startswith("/") or ".." in rel.split("/"):
            sys.exit(f"unsafe path in wheel: {name}")
        target = os.path.join(out, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, "wb") as dst:
            dst.write(src.read())
        count += 1
if count == 0:
    sys.exit(f"no {prefix} in {wheel}")
print(f"pkits: extracted {count} files")
PY
mv "$dest.tmp" "$dest"
n=$(ls "$dest"/smime/*.eml | wc -l)
if [ "$n" -lt 224 ]; then
    echo "pkits: expected 224 messages in $dest/smime, found $n" >&2
    exit 1
fi
touch "$stamp"
echo "pkits: ready ($n messages in $dest)"
