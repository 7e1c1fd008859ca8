#!/usr/bin/env bash
# Seed the fuzz corpora from the project's own vectors (idempotent):
#   mime_parse, verify: the generated fixture messages (and PKITS messages
#                       when .cache/pkits exists)
#   cms_parse:          the test PKI certificates and every fixture's CMS
#                       object in DER (openssl cms -cmsout)
#   cert_parse:         every test PKI / trust fixture / PKITS certificate (DER)
#   crl_parse:          the trust fixture CRLs (PEM -> DER) and PKITS CRLs
#   address_parse:      every value of tests/fixtures/address-cases.tsv behind
#                       each selector byte (see fuzz_targets/address_parse.rs)
#   path_validate:      header (flags byte, 8-byte big-endian time; see
#                       fuzz_targets/path_validate.rs) + anchor, path
#                       certificates up to an end entity, and the issuers'
#                       CRLs, from the test PKI and PKITS; and header + each
#                       trust fixture message for the verdict mode
#   ocsp:               the OCSP responses of tests/fixtures/ocsp (openssl ocsp)
#   path_mesh:          a few mesh descriptions (see fuzz_targets/path_mesh.rs):
#                       same-name meshes with and without an anchor of that
#                       name, a valid chain, and a chain with CRLs
set -euo pipefail
cd "$(dirname "$0")"
fix=../tests/fixtures
pkits=../.cache/pkits
mkdir -p corpus/mime_parse corpus/cms_parse corpus/verify corpus/cert_parse corpus/crl_parse corpus/path_validate \
  corpus/jmap_input corpus/server_api corpus/address_parse corpus/path_mesh corpus/ocsp
cp "$fix"/ocsp/*.der corpus/ocsp/
cp "$fix"/messages/*.eml corpus/mime_parse/
cp "$fix"/messages/*.eml corpus/verify/
if [ -d "$pkits"/smime ]; then
  find "$pkits"/smime -name '*.eml' | sort | head -40 | xargs -I{} cp {} corpus/verify/
fi
cp "$fix"/pki/*.der corpus/cms_parse/
for f in "$fix"/messages/*.eml; do
  b=$(basename "$f" .eml)
  openssl cms -cmsout -in "$f" -outform DER -out "corpus/cms_parse/$b.der" 2>/dev/null || rm -f "corpus/cms_parse/$b.der"
done

# cert_parse / crl_parse.
cp "$fix"/pki/*.der corpus/cert_parse/
find "$fix"/trust/pki -name '*.der' | while read -r f; do
  cp "$f" "corpus/cert_parse/trust-$(basename "$f")"
done
for f in "$fix"/trust/*.crl "$fix"/trust/pki/*.crl.pem; do
  openssl crl -in "$f" -outform DER -out "corpus/crl_parse/trust-$(basename "$f" .pem).der"
done
if [ -d "$pkits"/certs ]; then
  cp "$pkits"/certs/*.crt corpus/cert_parse/
  cp "$pkits"/crls/*.crl corpus/crl_parse/
fi

# path_validate. hdr FLAGS TIME: the 9-byte header.
hdr() {
  printf '%b' "\\x$(printf '%02x' "$1")"
  printf '%b' "$(printf '%016x' "$2" | sed 's/../\\x&/g')"
}
T2026=1767225600 # 2026-01-01T00:00:00Z (test PKI: 2020..2049)
T2015=1420070400 # 2015-01-01T00:00:00Z (PKITS: 2010..2030)
# subject / issuer hashes of a DER certificate, and the issuer hash of a DER CRL.
shash() { openssl x509 -inform DER -in "$1" -noout -subject_hash; }
ihash() { openssl x509 -inform DER -in "$1" -noout -issuer_hash; }
crlhash() { openssl crl -inform DER -in "$1" -noout -hash; }
# chain POOLFILE ANCHOR EE: print the path from below the anchor down to EE
# (issuer first), following issuer names through POOLFILE ("hash path" lines;
# the first certificate with the name wins), at most 6 steps.
chain() {
  local pool=$1 anchor_h=$2 cur=$3 out=() i h next
  out=("$cur")
  for i in 1 2 3 4 5 6; do
    h=$(ihash "$cur")
    [ "$h" = "$anchor_h" ] && break
    next=$(awk -v h="$h" -v c="$cur" '$1 == h && $2 != c { print $2; exit }' "$pool")
    [ -n "$next" ] || break
    out=("$next" "${out[@]}")
    cur=$next
  done
  printf '%s\n' "${out[@]}"
}
# seed NAME FLAGS TIME ANCHOR CRLPOOL EE POOL: one path input.
seed_path() {
  local name=$1 flags=$2 t=$3 anchor=$4 crlpool=$5 ee=$6 pool=$7 c
  {
    hdr "$flags" "$t"
    cat "$anchor"
    chain "$pool" "$(shash "$anchor")" "$ee" | while read -r c; do cat "$c"; done
    # CRLs issued by the anchor or any certificate on the path.
    { shash "$anchor"; chain "$pool" "$(shash "$anchor")" "$ee" | while read -r c; do shash "$c"; done; } | sort -u |
      while read -r h; do awk -v h="$h" '$1 == h { print $2 }' "$crlpool"; done | while read -r c; do cat "$c"; done
  } > "corpus/path_validate/$name"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Test PKI: root anchor, fixture CRLs, every fixture certificate as the end entity.
find "$fix"/pki "$fix"/trust/pki -name '*.cert.der' | sort | while read -r f; do echo "$(shash "$f") $f"; done > "$tmp/pool"
for f in corpus/crl_parse/trust-*.der; do echo "$(crlhash "$f") $f"; done > "$tmp/crls"
n=0
while read -r _ ee; do
  b=$(basename "$ee" .cert.der)
  case $n in
    *[05]) flags=0 ;;  # revocation required
    *[27]) flags=4 ;;  # off
    *) flags=2 ;;      # preferred
  esac
  seed_path "test-$b" "$flags" "$T2026" "$fix/pki/root.cert.der" "$tmp/crls" "$ee" "$tmp/pool"
  n=$((n + 1))
done < <(grep -v ' .*mesh/' "$tmp/pool"; grep ' .*mesh/' "$tmp/pool" | head -6)
# Relative time (bit 4): one day after the end entity's notBefore.
seed_path "test-alice-relative" 18 86400 "$fix/pki/root.cert.der" "$tmp/crls" "$fix/pki/alice.cert.der" "$tmp/pool"
# PKITS: the Trust Anchor, and about 40 end entities spread over the suite.
if [ -d "$pkits"/certs ]; then
  for f in "$pkits"/certs/*.crt; do echo "$(shash "$f") $f"; done | grep -v 'EE\.crt$' > "$tmp/ppool"
  for f in "$pkits"/crls/*.crl; do echo "$(crlhash "$f") $f"; done > "$tmp/pcrls"
  ls "$pkits"/certs/*EE.crt | awk 'NR % 5 == 1' | head -45 | while read -r ee; do
    b=$(basename "$ee" .crt)
    # Legacy algorithms (bit 3): PKITS is SHA-1 and RSA-1024; revocation preferred.
    seed_path "pkits-$b" 10 "$T2015" "$pkits/certs/TrustAnchorRootCertificate.crt" "$tmp/pcrls" "$ee" "$tmp/ppool"
  done
fi
# Verdict mode (bit 0): every trust fixture message at 2026-01-01 with the
# fixture CRLs (bit 5), revocation preferred; a few more variants.
for f in "$fix"/trust/messages/*.eml; do
  b=$(basename "$f" .eml)
  { hdr 35 "$T2026"; cat "$f"; } > "corpus/path_validate/verdict-$b"
done
{ hdr 51 1735689600; cat "$fix"/trust/messages/expired-valid-at-delivery.eml; } > corpus/path_validate/verdict-expired-received
{ hdr 33 "$T2026"; cat "$fix"/trust/messages/baseline-alice.eml; } > corpus/path_validate/verdict-baseline-require
{ hdr 5 "$T2026"; cat "$fix"/trust/messages/baseline-alice.eml; } > corpus/path_validate/verdict-baseline-nocrl-off
echo "seed: $(ls corpus/mime_parse | wc -l) mime_parse, $(ls corpus/cms_parse | wc -l) cms_parse, $(ls corpus/verify | wc -l) verify," \
  "$(ls corpus/cert_parse | wc -l) cert_parse, $(ls corpus/crl_parse | wc -l) crl_parse, $(ls corpus/path_validate | wc -l) path_validate inputs"

# path_mesh: descriptions, not DER (byte layout in fuzz_targets/path_mesh.rs).
python3 - <<'PY'
def desc(cas, flags, anchors, ca_list, ee, crls=()):
    b = bytes([cas - 1, flags])
    for n, k in anchors:
        b += bytes([n, k, 0])
    for subject, key, issuer, signer in ca_list:
        b += bytes([subject, key, issuer, signer])
    b += bytes(ee)
    for issuer, signer, serial in crls:
        b += bytes([issuer, signer, serial])
    return b
seeds = {
    # 62 CAs named "Mesh CA 0" (names 0, 4, 6), distinct keys, junk signatures;
    # the anchor has that name: every CA is checked once under its key.
    "same-name-anchor": desc(62, 0, [(0, 1)], [((0, 4, 6)[i % 3], i % 7, (4, 6, 0)[i % 3], 8 + i % 8) for i in range(62)], (0, 9)),
    # The same mesh with an anchor of another name: nothing reaches it.
    "same-name-elsewhere": desc(62, 0, [(3, 1)], [((0, 4, 6)[i % 3], i % 7, (4, 6, 0)[i % 3], 8 + i % 8) for i in range(62)], (0, 9)),
    # A valid chain: anchor 0 (key 0) -> CA name 1 (key 1) -> CA name 2 (key 2) -> EE.
    "valid-chain": desc(2, 0, [(0, 0)], [(1, 1, 0, 0), (2, 2, 1, 1)], (2, 2)),
    # The valid chain under --revocation require, CRLs from both CAs, and a second time.
    "valid-chain-crls": desc(2, 0x80 | (3 << 4) | (2 << 2), [(0, 0)], [(1, 1, 0, 0), (2, 2, 1, 1)], (2, 2), [(0, 0, 9), (1, 1, 9), (2, 2, 200)]),
    # A valid chain hidden among same-name CAs sharing one key.
    "valid-in-mesh": desc(40, 1, [(0, 0), (1, 3)], [(4, 1, 0, 9) for _ in range(39)] + [(4, 1, 0, 0)], (4, 1)),
}
for name, b in seeds.items():
    open("corpus/path_mesh/" + name, "wb").write(b)
PY

# jmap_input: the recorded sessions and every recorded API response body.
# server_api: the API request bodies the client sends, and a few by hand.
cp ../tests/recordings/*-session.json corpus/jmap_input/
python3 - <<'PY'
import json, glob, hashlib
for f in glob.glob("../tests/recordings/page-*.json"):
    for x in json.load(open(f))["exchanges"]:
        j = x["response"].get("json")
        if j is not None:
            b = json.dumps(j).encode()
            open("corpus/jmap_input/" + hashlib.sha1(b).hexdigest()[:16], "wb").write(b)
reqs = [
    {"using": ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail", "urn:ietf:params:jmap:smimeverify"],
     "methodCalls": [["Email/query", {"accountId": "A1", "filter": {"operator": "AND", "conditions": [{"hasSmime": True}, {"inMailbox": "mb1"}]},
                      "sort": [{"property": "receivedAt", "isAscending": False}], "position": 0, "limit": 50, "calculateTotal": True}, "q"],
                     ["Email/get", {"accountId": "A1", "#ids": {"resultOf": "q", "name": "Email/query", "path": "/ids"},
                      "properties": ["id", "blobId", "bodyStructure", "smimeStatus", "smimeStatusAtDelivery", "smimeErrors", "smimeVerifiedAt"]}, "g"]]},
    {"using": ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail"],
     "methodCalls": [["Mailbox/get", {"accountId": "A1", "ids": None}, "m"], ["Email/changes", {"accountId": "A1", "sinceState": "s1", "maxChanges": 5}, "c"],
                     ["Thread/get", {"accountId": "A1", "#ids": {"resultOf": "c", "name": "Email/changes", "path": "/created"}}, "t"],
                     ["Email/get", {"accountId": "A1", "ids": None, "fetchTextBodyValues": True}, "g"], ["Core/echo", {"x": [1, 2]}, "e"]]},
]
for r in reqs:
    b = json.dumps(r).encode()
    open("corpus/server_api/" + hashlib.sha1(b).hexdigest()[:16], "wb").write(b)
PY

# address_parse: selector byte + each author-field value of the address table.
python3 - <<'PY'

def unescape(s):
    out, i = bytearray(), 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode(); i += 1; continue
        n = s[i + 1]
        if n in "rnt0\\":
            out += {"r": b"\r", "n": b"\n", "t": b"\t", "0": b"\0", "\\": b"\\"}[n]; i += 2
        elif n == "x":
            out.append(int(s[i + 2:i + 4], 16)); i += 4
        else:  # \u{...}
            j = s.index("}", i); out += chr(int(s[i + 3:j], 16)).encode(); i = j + 1
    return bytes(out)
rows = [l.split("\t") for l in open("../tests/fixtures/address-cases.tsv").read().splitlines()[1:] if l.strip()]
for r in rows:
    v = unescape(r[2])
    for sel in range(5):
        open("corpus/address_parse/%s-%d" % (r[0], sel), "wb").write(bytes([sel]) + v)
print("seed: %d address_parse inputs" % (5 * len(rows)))
PY
