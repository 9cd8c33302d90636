#!/usr/bin/env bash
# Fuzzes one target, or every target in turn, on the stable toolchain (no sanitizer):
# cargo-fuzz with libFuzzer. Targets are the files in fuzz/fuzz_targets/ (extract, feed, opml,
# robots, discover, dates, comment_markdown, import_line, api_json, config).
#
#   scripts/fuzz.sh TARGET|all [SECONDS] [MAX_LEN]     # defaults: 600 s, inputs up to 16 KiB
#
# Installs cargo-fuzz from crates.io when missing. Crashes land in fuzz/artifacts/TARGET/;
# each one belongs in a regression test of the crate it crashed (the extractor's in
# crates/extract/tests/fuzz_regressions.rs, the feed parser's in
# crates/ingest/tests/hostile_feeds.rs).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
target="${1:?usage: scripts/fuzz.sh TARGET|all [SECONDS] [MAX_LEN]}"
seconds="${2:-600}"
max_len="${3:-16384}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

cd "$root/fuzz"
if [ "$target" = all ]; then
    for file in fuzz_targets/*.rs; do
        name="$(basename "$file" .rs)"
        bash "$root/scripts/fuzz.sh" "$name" "$seconds" "$max_len"
    done
    exit 0
fi
[ -f "fuzz_targets/$target.rs" ] || { echo "no fuzz target '$target' in fuzz/fuzz_targets" >&2; exit 2; }

mkdir -p "corpus/$target"
# Seed the corpus so the fuzzer starts from real input rather than from nothing.
seed() { # DIR PATTERN COUNT
    if [ -d "$1" ] && [ -z "$(ls -A "corpus/$target")" ]; then
        # sed reads the whole list (head would stop find early, a SIGPIPE under pipefail).
        find "$1" -type f -name "$2" | sed -n "1,${3}p" | while read -r file; do
            cp "$file" "corpus/$target/$(echo "$file" | tr '/' '_')"
        done
    fi
}
data="$root/../shared/data"
case "$target" in
    extract) seed "$data/extraction/readability-pages" 'source.html' 40 ;;
    feed) seed "$data" '*.xml' 40; seed "$data" '*.rss' 40 ;;
    opml) seed "$data" '*.opml' 20 ;;
    discover) seed "$data/extraction/readability-pages" 'source.html' 20 ;;
esac
cargo fuzz run --sanitizer none --release "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1
