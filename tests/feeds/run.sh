#!/usr/bin/env bash
# The feed test: builds Tidings, serves the demo site on a free loopback port with a temporary
# data directory, and reads every Atom feed it writes with Python's feedparser (installed
# from PyPI into tests/feeds/.venv when missing), asserting no bozo flag and Atom 1.0 structure,
# checks the JSON Feeds against JSON Feed 1.1 (feedparser 6.0 reads none)
# and 304 answers to conditional GETs. Set TIDINGS_BIN to test an existing binary.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

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

if [ -z "${TIDINGS_BIN:-}" ]; then
  (cd "$root" && cargo build --quiet -p tidings --bin tidings)
  TIDINGS_BIN="$root/target/debug/tidings"
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
site_port="$(free_port)"
publisher_port="$(free_port)"
while [ "$publisher_port" = "$site_port" ]; do publisher_port="$(free_port)"; done

data="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

TIDINGS_LOG=warn "$TIDINGS_BIN" --data "$data" demo \
  --listen "127.0.0.1:$site_port" --publishers "127.0.0.1:$publisher_port" \
  >"$data/server.log" 2>&1 &
server_pid=$!

if ! TIDINGS_URL="http://127.0.0.1:$site_port" "$python" "$here/check_feeds.py"; then
  echo "--- server log ---" >&2
  tail -n 40 "$data/server.log" >&2
  exit 1
fi
