#!/usr/bin/env bash
# Regenerate the bundled trust anchors from the NSS builtins shipped in
# Debian's libnss3 (Mozilla's root store):
#
#   assets/roots/email-roots.der  one DER SEQUENCE OF TrustAnchorEntry
#   assets/roots/manifest.tsv     what went in (and what was left out), and why
#
#   TrustAnchorEntry ::= SEQUENCE {
#     label                UTF8String,            -- NSS nickname
#     subject              Name,                  -- copied from the certificate
#     subjectPublicKeyInfo SubjectPublicKeyInfo,  -- copied from the certificate
#     nameConstraints      [0] EXPLICIT OCTET STRING OPTIONAL }
#                                                 -- the extnValue, when present
#
# Entries are sorted by the SHA-256 fingerprint of the whole certificate.
# A root is kept when NSS marks it a trusted CA for e-mail (the middle
# `certutil` trust field contains `C`) and it has no "E-mail Distrust After"
# date: Mozilla sets that date on roots it is removing, and the anchor format
# has no field to carry it, so such roots are left out (fail closed) and listed
# as comment lines at the end of the manifest.
#
# Needs: libnss3, libnss3-tools (certutil, modutil), openssl, python3.
# Idempotent: when neither the anchors nor the manifest body change, the
# manifest keeps its old "generated" date and the files are left untouched.
#
#   bash scripts/gen-bundled-roots.sh
set -euo pipefail

cd "$(dirname "$0")/.."
out_dir=assets/roots

for tool in certutil modutil openssl python3 dpkg dpkg-query; do
    command -v "$tool" >/dev/null || { echo "gen-bundled-roots: $tool not found (apt-get install -y --no-install-recommends libnss3-tools openssl)" >&2; exit 1; }
done

ckbi=$(dpkg -L libnss3 | grep -E '/libnssckbi\.so$' | head -n 1 || true)
if [[ -z "$ckbi" || ! -f "$ckbi" ]]; then
    echo "gen-bundled-roots: libnssckbi.so not found in the libnss3 package" >&2
    exit 1
fi
nss_version=$(dpkg-query -W -f='${Version}' libnss3)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="sql:$tmp/db"
mkdir "$tmp/db"
certutil -N -d "$db" --empty-password
modutil -add builtins -libfile "$ckbi" -dbdir "$db" -force >/dev/null
echo "gen-bundled-roots: NSS $nss_version builtins from $ckbi"

mkdir -p "$out_dir"
python3 - "$db" "$nss_version" "$out_dir" <<'PY'
import datetime
import hashlib
import os
import re
import subprocess
import sys

db, nss_version, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
TOKEN = "Builtin Object Token:"
OID_NAME_CONSTRAINTS = bytes([0x55, 0x1D, 0x1E])
MAX_TRUST_ANCHORS = 1024  # src/limits.rs


def die(msg):
    sys.exit(f"gen-bundled-roots: {msg}")


def certutil(*args):
    return subprocess.run(["certutil", "-L", "-d", db, *args], check=True, capture_output=True).stdout


# --- a minimal DER reader (definite lengths only; the input is NSS's DER) ---
def tlv(buf, pos):
    """(tag, content_start, end) of the element at pos."""
    if pos + 2 > len(buf):
        die("truncated DER")
    tag = buf[pos]
    if tag & 0x1F == 0x1F:
        die("high tag number in a certificate")
    n = buf[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4 or pos + k > len(buf):
            die("bad DER length")
        n = int.from_bytes(buf[pos:pos + k], "big")
        pos += k
    if pos + n > len(buf):
        die("truncated DER")
    return tag, pos, pos + n


def children(buf, start, end):
    out = []
    while start < end:
        tag, cs, e = tlv(buf, start)
        out.append((tag, cs, e, start))
        start = e
    return out


def der(tag, content):
    n = len(content)
    if n < 0x80:
        head = bytes([tag, n])
    else:
        nb = n.to_bytes((n.bit_length() + 7) // 8, "big")
        head = bytes([tag, 0x80 | len(nb)]) + nb
    return head + content


def parse_time(tag, raw):
    s = raw.decode("ascii")
    if tag == 0x17:  # UTCTime YYMMDDHHMMSSZ
        yy = int(s[:2])
        s = ("19" if yy >= 50 else "20") + s
    if not re.fullmatch(r"\d{14}Z", s):
        die(f"unexpected time {raw!r}")
    return f"{s[0:4]}-{s[4:6]}-{s[6:8]}T{s[8:10]}:{s[10:12]}:{s[12:14]}Z"


def parse_cert(d):
    _, cs, ce = tlv(d, 0)
    tbs_tag, ts, te, _ = children(d, cs, ce)[0]
    f = children(d, ts, te)
    if f and f[0][0] == 0xA0:
        f = f[1:]
    # serial, signature, issuer, validity, subject, spki, [1], [2], [3]
    if len(f) < 6:
        die("short tbsCertificate")
    validity = children(d, f[3][1], f[3][2])
    not_after = parse_time(validity[1][0], d[validity[1][1]:validity[1][2]])
    subject = d[f[4][3]:f[4][2]]
    spki = d[f[5][3]:f[5][2]]
    name_constraints = None
    for tag, s, e, _ in f[6:]:
        if tag != 0xA3:
            continue
        (_, xs, xe, _), = children(d, s, e)
        for _, es, ee, _ in children(d, xs, xe):
            parts = children(d, es, ee)
            oid = d[parts[0][1]:parts[0][2]]
            if oid == OID_NAME_CONSTRAINTS:
                name_constraints = d[parts[-1][1]:parts[-1][2]]
    return subject, spki, name_constraints, not_after


def subject_text(d):
    r = subprocess.run(
        ["openssl", "x509", "-inform", "DER", "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb"],
        input=d, check=True, capture_output=True)
    line = r.stdout.decode("utf-8").strip()
    return line.removeprefix("subject=")


def pem_to_der(text):
    import base64
    blocks = re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.S)
    return [base64.b64decode("".join(b.split())) for b in blocks]


# --- the builtins and their trust flags ---
listing = certutil("-h", "all").decode("utf-8")
flags_by_nick = {}
for line in listing.splitlines():
    if not line.startswith(TOKEN):
        continue
    parts = line.rstrip().rsplit(None, 1)
    if len(parts) != 2 or not re.fullmatch(r"[A-Za-z]*,[A-Za-z]*,[A-Za-z]*", parts[1]):
        die(f"cannot read trust flags in {line!r}")
    nick, flags = parts[0].rstrip(), parts[1]
    flags_by_nick.setdefault(nick, []).append(flags.split(",")[1])
if not flags_by_nick:
    die("no builtin certificates listed")

kept, excluded = [], []
for nick in sorted(flags_by_nick):
    email = flags_by_nick[nick]
    trusted = ["C" in f for f in email]
    if not any(trusted):
        continue
    if not all(trusted):
        die(f"{nick}: certificates under one nickname with different e-mail trust")
    ders = pem_to_der(certutil("-n", nick, "-a").decode("ascii"))
    if len(ders) != len(email):
        die(f"{nick}: {len(email)} listed, {len(ders)} exported")
    pretty = certutil("-n", nick).decode("utf-8", "replace")
    distrust = re.findall(r"E-mail Distrust After: (.+)", pretty)
    if distrust and len(ders) != 1:
        die(f"{nick}: a distrust date under a shared nickname")
    label = nick.removeprefix(TOKEN)
    for d in ders:
        subject, spki, nc, not_after = parse_cert(d)
        if re.search(r"[\t\n\r]", label):
            die(f"control character in {label!r}")
        row = {
            "label": label,
            "fp": hashlib.sha256(d).hexdigest(),
            "subject": subject_text(d),
            "not_after": not_after,
            "der": (subject, spki, nc),
        }
        if distrust:
            row["distrust"] = distrust[0].strip()
            excluded.append(row)
        else:
            kept.append(row)

# Two certificates may share a nickname (a root and its renewal): tell them
# apart by their expiry so labels stay unique.
count = {}
for r in kept:
    count[r["label"]] = count.get(r["label"], 0) + 1
for r in kept:
    if count[r["label"]] > 1:
        r["label"] += f" (until {r['not_after'][:10]})"
if len({r["label"] for r in kept}) != len(kept):
    die("labels are not unique")
if len(kept) > MAX_TRUST_ANCHORS:
    die(f"{len(kept)} roots exceed MAX_TRUST_ANCHORS")

kept.sort(key=lambda r: r["fp"])
excluded.sort(key=lambda r: r["fp"])

entries = b""
for r in kept:
    subject, spki, nc = r["der"]
    body = der(0x0C, r["label"].encode("utf-8")) + subject + spki
    if nc is not None:
        body += der(0xA0, der(0x04, nc))
    entries += der(0x30, body)
anchors = der(0x30, entries)

body = ["label\tsha256\tsubject\tnot_after"]
body += [f"{r['label']}\t{r['fp']}\t{r['subject']}\t{r['not_after']}" for r in kept]
for r in excluded:
    body.append(f"# excluded (e-mail distrust after {r['distrust']}): {r['label']}\t{r['fp']}\t{r['subject']}\t{r['not_after']}")
body_text = "\n".join(body) + "\n"

der_path = os.path.join(out_dir, "email-roots.der")
tsv_path = os.path.join(out_dir, "manifest.tsv")
head = f"# NSS {nss_version} generated "
old_der = open(der_path, "rb").read() if os.path.exists(der_path) else None
old_tsv = open(tsv_path, encoding="utf-8").read() if os.path.exists(tsv_path) else ""
old_first, _, old_body = old_tsv.partition("\n")
if old_der == anchors and old_body == body_text and old_first.startswith(head):
    print(f"gen-bundled-roots: unchanged ({len(kept)} roots)")
    sys.exit(0)

now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
with open(der_path, "wb") as f:
    f.write(anchors)
with open(tsv_path, "w", encoding="utf-8") as f:
    f.write(head + now + "\n" + body_text)
with_nc = sum(1 for r in kept if r["der"][2] is not None)
print(f"gen-bundled-roots: {len(kept)} roots ({with_nc} with name constraints), "
      f"{len(excluded)} excluded; {der_path}: {len(anchors)} bytes")
PY
