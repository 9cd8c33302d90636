#!/usr/bin/env bash
# The real-browser tests (readers and comments, follows and For you, the operator's console,
# comfort: dark scheme, keyboard shortcuts, offline reading; accessibility with axe-core): builds Tidings, serves the demo site on a free loopback port with a
# temporary data directory, and drives Debian's Chromium through playwright-core against it.
# Chromium is installed with apt only when running as root and either CI=true or
# TIDINGS_INSTALL_CHROMIUM=1. Set TIDINGS_BIN to test an existing binary.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
chromium_bin="${CHROMIUM:-/usr/bin/chromium}"

if [ ! -x "$chromium_bin" ]; then
  if [ "$(id -u)" = 0 ] && { [ "${CI:-}" = true ] || [ "${TIDINGS_INSTALL_CHROMIUM:-}" = 1 ]; }; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "browser test: no Chromium at $chromium_bin (as root, TIDINGS_INSTALL_CHROMIUM=1 installs it)" >&2
    exit 1
  fi
fi

(cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)

# shellcheck source=../demo-site.sh
source "$here/../demo-site.sh"
demo_site_prepare

# The console test signs in as this admin and retries a job that gave up before the site
# started (seeded straight into the database, as a crashed run would leave it).
admin_name=operator
admin_password="a long operator password"
TIDINGS_PASSWORD="$admin_password" TIDINGS_LOG=warn \
  "$TIDINGS_BIN" --data "$data" user create --admin "$admin_name" >/dev/null
python3 - "$data/tidings.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute(
    "INSERT INTO jobs (kind, key, state, run_at, attempts, last_error, created_at) "
    "VALUES ('purge_raw_pages', 'all', 'dead', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 5, "
    "'database was locked', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))")
db.commit()
PY

# Publish first comments at once, so the test can reply to its own comment.
demo_site_start TIDINGS_COMMENTS__HOLD_FIRST_COMMENT=false

for test in comments follows admin comfort a11y; do
  if ! TIDINGS_URL="http://127.0.0.1:$site_port" CHROMIUM="$chromium_bin" \
    TIDINGS_ADMIN="$admin_name" TIDINGS_ADMIN_PASSWORD="$admin_password" \
    node "$here/$test.test.mjs"; then
    demo_site_log_tail
    exit 1
  fi
done
