#!/usr/bin/env bash
# Article extraction, Tidings against its peers: installs trafilatura (in a venv) and Mozilla
# Readability with jsdom (in a node_modules) under a temporary directory, builds `tidings` in
# release, runs every extractor whole-process on one core over the three extraction data sets
# and prints speed, peak memory and quality as a Markdown table. Not part of CI.
#
#   scripts/bench-extract-peers.sh [RUNS]
#
# BENCH_WORK sets the temporary directory (default /tmp/tidings-bench; reused when present).
# BENCH_RUST_PEER may name an extra extractor binary with the `tidings extract` contract
# (page paths as arguments, one JSON line per page), shown as BENCH_RUST_PEER_NAME
# (default "rust-peer"); BENCHMARKS.md used a 30-line dom_smoothie 0.19 wrapper
# (`Readability::new(html, None, Some(Config { text_mode: TextMode::Formatted, .. }))`).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/../shared/data/extraction"
work="${BENCH_WORK:-/tmp/tidings-bench}"
runs="${1:-3}"
mkdir -p "$work"

command -v taskset >/dev/null || { echo "taskset (util-linux) is needed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed: apt-get install time" >&2; exit 1; }

if [ ! -x "$work/venv/bin/python" ] || ! "$work/venv/bin/python" -c "import trafilatura" 2>/dev/null; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install --quiet trafilatura lxml_html_clean
fi
if [ ! -d "$work/node/node_modules/@mozilla/readability" ] || [ ! -d "$work/node/node_modules/jsdom" ]; then
    mkdir -p "$work/node"
    (cd "$work/node" && npm init -y >/dev/null && npm install --silent @mozilla/readability jsdom)
fi

(cd "$root" && cargo build --release --quiet -p tidings --bin tidings)

echo "trafilatura $("$work/venv/bin/python" -c 'import trafilatura; print(trafilatura.__version__)')," \
     "readability $(node -p "require('$work/node/node_modules/@mozilla/readability/package.json').version")," \
     "jsdom $(node -p "require('$work/node/node_modules/jsdom/package.json').version")," \
     "node $(node --version), $("$work/venv/bin/python" --version)" >&2

bench="$root/scripts/bench"
extractors=(
    --extractor "tidings=$root/target/release/tidings extract {files}"
    --extractor "trafilatura=$work/venv/bin/python $bench/trafilatura_driver.py {list}"
    --metadata-extractor "trafilatura=$work/venv/bin/python $bench/trafilatura_driver.py --metadata {list}"
    --extractor "readability.js=env NODE_PATH=$work/node/node_modules node $bench/readability_driver.js {list}"
)
if [ -n "${BENCH_RUST_PEER:-}" ]; then
    extractors+=(--extractor "${BENCH_RUST_PEER_NAME:-rust-peer}=$BENCH_RUST_PEER {files}")
fi

python3 "$bench/run_peers.py" --data "$data" --work "$work" --runs "$runs" "${extractors[@]}"
