#!/usr/bin/env bash
# Write the demo's seeded mail directory and site files:
#   OUT/mail/   the messages of scripts/demo-mailbox.tsv plus index.tsv (file, mailbox, receivedAt)
#   OUT/site/   config.json (credentials, the browser's initial roots, the root the trust
#               panel offers) and the PEM files, served under /demo/
# and print the server arguments that go with them (trust, CRLs, online revocation) on
# stdout's last line. The online checks need tests/fixtures/online/serve.sh running.
#
#   bash scripts/demo-seed.sh OUT
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: demo-seed.sh OUT}
rm -rf "$out/mail" "$out/site"
mkdir -p "$out/mail" "$out/site"
: > "$out/mail/index.tsv"
n=0
while IFS=$'\t' read -r file mailbox received _; do
    case "$file" in ''|'#'*|file) continue ;; esac
    n=$((n + 1))
    name=$(printf '%02d-%s' "$n" "$(basename "$file")")
    cp "tests/fixtures/$file" "$out/mail/$name"
    printf '%s\t%s\t%s\n' "$name" "$mailbox" "$received" >> "$out/mail/index.tsv"
done < scripts/demo-mailbox.tsv
cp tests/fixtures/pki/root.cert.pem "$out/site/test-root.pem"
cp tests/fixtures/trust/pki/other-root.cert.pem "$out/site/other-root.pem"
python3 - "$out/site" <<'PY'
import base64, json, sys
site = sys.argv[1]
read = lambda f: open(f"{site}/{f}").read()
json.dump({
    "username": "demo",
    "password": "demo",
    "trustPem": [read("test-root.pem")],
    "offer": [{"label": "Other Test Root (the server trusts it; this browser does not yet)", "pem": read("other-root.pem")}],
    # Issue 12 §2: what this browser remembers from earlier mail, a
    # CertificateMemory export (src/memory.rs): Alice's first certificate, seen
    # in October. The seeded mail from Alice with a new key then warns.
    "memory": json.dumps({"format": "jmap-smime-certificate-memory", "version": 1, "entries": [{
        "address": "alice@example.com",
        "certificate": base64.b64encode(open("tests/fixtures/pki/alice.cert.der", "rb").read()).decode(),
        "firstSeen": 1790000000, "lastSeen": 1791000000}]}),
}, open(f"{site}/config.json", "w"), indent=1)
PY
echo "demo-seed: $n messages in $out/mail, site files in $out/site" >&2
echo "--trust tests/fixtures/pki/root.cert.pem --trust tests/fixtures/trust/pki/other-root.cert.pem --crl tests/fixtures/trust/root.crl --crl tests/fixtures/trust/revoking.crl --revocation prefer --online-revocation --allow-legacy"
