# Sourced by the test scripts that drive a running demo site (tests/browser, tests/feeds).
# `demo_site_prepare` builds Tidings unless TIDINGS_BIN names a binary, picks two free loopback
# ports (site_port, publisher_port) and a temporary data directory ($data) removed on exit;
# `demo_site_start` serves the demo there (extra environment given as NAME=value arguments),
# with its log in $data/server.log.

demo_site_prepare() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  if [ -z "${TIDINGS_BIN:-}" ]; then
    (cd "$root" && cargo build --quiet -p tidings --bin tidings)
    TIDINGS_BIN="$root/target/debug/tidings"
  fi
  site_port="$(demo_site_free_port)"
  publisher_port="$(demo_site_free_port)"
  while [ "$publisher_port" = "$site_port" ]; do publisher_port="$(demo_site_free_port)"; done
  data="$(mktemp -d)"
  server_pid=""
  trap demo_site_cleanup EXIT
}

demo_site_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

demo_site_cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$data"
}

demo_site_start() {
  env TIDINGS_LOG=warn "$@" "$TIDINGS_BIN" --data "$data" demo \
    --listen "127.0.0.1:$site_port" --publishers "127.0.0.1:$publisher_port" \
    >"$data/server.log" 2>&1 &
  server_pid=$!
}

demo_site_log_tail() {
  echo "--- server log ---" >&2
  tail -n 40 "$data/server.log" >&2
}
