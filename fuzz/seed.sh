#!/usr/bin/env bash
# Seed the fuzz corpora from the project's own vectors (idempotent):
#   mime_parse, verify: the generated fixture messages (and PKITS messages
#                       when .cache/pkits exists)
#   cms_parse:          the test PKI certificates and every fixture's CMS
#                       object in DER (openssl cms -cmsout)
set -euo pipefail
cd "$(dirname "$0")"
fix=../tests/fixtures
mkdir -p corpus/mime_parse corpus/cms_parse corpus/verify
cp "$fix"/messages/*.eml corpus/mime_parse/
cp "$fix"/messages/*.eml corpus/verify/
if [ -d ../.cache/pkits/smime ]; then
  find ../.cache/pkits/smime -name '*.eml' | sort | head -40 | xargs -I{} cp {} corpus/verify/
fi
cp "$fix"/pki/*.der corpus/cms_parse/
for f in "$fix"/messages/*.eml; do
  b=$(basename "$f" .eml)
  openssl cms -cmsout -in "$f" -outform DER -out "corpus/cms_parse/$b.der" 2>/dev/null || rm -f "corpus/cms_parse/$b.der"
done
echo "seed: $(ls corpus/mime_parse | wc -l) mime_parse, $(ls corpus/cms_parse | wc -l) cms_parse, $(ls corpus/verify | wc -l) verify inputs"
