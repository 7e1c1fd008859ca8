#!/usr/bin/env bash
# Run every fuzz target for SECONDS (default 600) each, one after another, on
# stable Rust (RUSTC_BOOTSTRAP lets cargo-fuzz pass its -Z flags; no
# sanitizer, debug assertions on so overflow panics count as crashes).
# Corpora are seeded from the project's vectors by seed.sh. Logs: fuzz/logs/.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
mkdir -p logs
bash seed.sh
for t in mime_parse cms_parse verify cert_parse crl_parse path_validate jmap_input server_api address_parse path_mesh ocsp; do
  mkdir -p "corpus/$t"
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O -a -s none "$t" "corpus/$t" -- \
    -max_total_time="$secs" -max_len=262144 -rss_limit_mb=4096 -print_final_stats=1 \
    > "logs/$t.log" 2>&1
  grep -E "^Done|stat::number_of_executed_units" "logs/$t.log" | sed "s/^/$t: /"
done
