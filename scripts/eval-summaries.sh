#!/usr/bin/env bash
# Scores the offline summary against Lead-3 (and a simple TextRank) on the CNN/DailyMail
# dev set with ROUGE-1/2/L F1, stemmed, as the `rouge-score` package computes them.
# Usage: scripts/eval-summaries.sh [SPLIT] [DATA_DIR]
#   SPLIT: held-out (default: the odd rows, never used for tuning), tuning (the even rows) or all
#   DATA_DIR: default ../shared/data/summaries/cnndm-dev
# Python tools go into a venv under /tmp; nothing here is needed by the test suite.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
split="${1:-held-out}"
data="${2:-$root/../shared/data/summaries/cnndm-dev}"
venv="${TIDINGS_EVAL_VENV:-/tmp/tidings-rouge-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet rouge-score
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The data set has no headlines; the title is the slug of the article's URL.
"$venv/bin/python" "$root/scripts/eval_summaries.py" prepare "$data/docs.jsonl" "$split" > "$work/articles.jsonl"
cargo run --quiet --release -p tidings-ai --example summarize_eval -- "$work/articles.jsonl" > "$work/summaries.jsonl"
"$venv/bin/python" "$root/scripts/eval_summaries.py" score "$work/summaries.jsonl"
