#!/usr/bin/env bash
# The feed test: builds Tidings, serves the demo site on a free loopback port with a temporary
# data directory, and reads every Atom feed it writes with Python's feedparser (installed
# from PyPI into tests/feeds/.venv when missing), asserting no bozo flag and Atom 1.0 structure,
# checks the JSON Feeds against JSON Feed 1.1 (feedparser 6.0 reads none)
# and 304 answers to conditional GETs. Set TIDINGS_BIN to test an existing binary.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"

python="python3"
if ! "$python" -c 'import feedparser' 2>/dev/null; then
  venv="$here/.venv"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
  fi
  python="$venv/bin/python"
  if ! "$python" -c 'import feedparser' 2>/dev/null; then
    "$python" -m pip install --quiet --disable-pip-version-check 'feedparser>=6,<7'
  fi
fi

# shellcheck source=../demo-site.sh
source "$here/../demo-site.sh"
demo_site_prepare
demo_site_start

if ! TIDINGS_URL="http://127.0.0.1:$site_port" "$python" "$here/check_feeds.py"; then
  demo_site_log_tail
  exit 1
fi
