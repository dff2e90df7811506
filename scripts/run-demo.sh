#!/usr/bin/env bash
# Line 1 of the README: set up, build the release (through the build cache, scripts/cache.sh),
# create and migrate the SQLite database, load the demo data and serve the portal on
# 127.0.0.1:3000 (printing the demo logins).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
t0=$SECONDS
bash scripts/release.sh
echo "==> release build: $((SECONDS - t0)) s"
mkdir -p data
exec target/release/server --demo \
  --database-url "${DATABASE_URL:-sqlite://data/portal.db}" \
  --listen "${PORTAL_LISTEN:-127.0.0.1:3000}"
