#!/usr/bin/env bash
# Fuzzes the article extractor on the stable toolchain (no sanitizer): cargo-fuzz with
# libFuzzer, target `extract` (fuzz/fuzz_targets/extract.rs).
#
#   scripts/fuzz.sh [SECONDS] [MAX_LEN]     # defaults: 600 s, inputs up to 16 KiB
#
# Installs cargo-fuzz from crates.io when missing. Crashes land in fuzz/artifacts/extract/;
# each one belongs in crates/extract/tests/fuzz_regressions.rs as a regression test.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-600}"
max_len="${2:-16384}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

cd "$root/fuzz"
mkdir -p corpus/extract
# Seed with a few real pages so the fuzzer starts from HTML rather than from nothing.
seeds="$root/../shared/data/extraction/readability-pages"
if [ -d "$seeds" ] && [ -z "$(ls -A corpus/extract)" ]; then
    for page in $(ls "$seeds" | head -n 40); do
        [ -f "$seeds/$page/source.html" ] && cp "$seeds/$page/source.html" "corpus/extract/$page.html"
    done
fi
cargo fuzz run --sanitizer none --release extract corpus/extract -- \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1
