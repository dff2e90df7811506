#!/usr/bin/env bash
# Line 2 of the README: set up, then run every test:
#   1. Rust unit and integration tests (SQLite always; Postgres where a server answers,
#      mandatory under REQUIRE_POSTGRES=1),
#   2. the release build and the Playwright tests (desktop and phone) against it,
#   3. the budgets (scripts/budget.py): first-load weight and Lighthouse fail the run when
#      broken; the rights-list and load figures are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# A test run is not an edit loop: incremental artifacts only cost disk (they reached 16 GB).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if [ "${REQUIRE_POSTGRES:-0}" = 1 ]; then
  echo "==> Postgres required at $TEST_POSTGRES_URL"
fi

disk() { df -h . | awk 'NR == 2 { print "    disk: " $3 " used, " $4 " free" }'; }
disk

t0=$SECONDS
echo "==> cargo test (portal-core, app, server)"
cargo test --locked -p portal-core -p app -p server
echo "==> cargo test: $((SECONDS - t0)) s"
disk

t0=$SECONDS
echo "==> cargo leptos build --release"
cargo leptos build --release --precompress
echo "==> the page groups' WebAssembly bundles (scripts/bundles.sh)"
bash scripts/bundles.sh
echo "==> release build: $((SECONDS - t0)) s"
disk

t0=$SECONDS
echo "==> budget: the rights list with 10,000 rights (SQLite, and Postgres when it answers)"
cargo run --release --locked -p portal-core --example rights_list_bench
echo "==> budget: $((SECONDS - t0)) s"

t0=$SECONDS
echo "==> Playwright (Debian Chromium, desktop and Pixel 7)"
(cd end2end && npx playwright test)
echo "==> Playwright: $((SECONDS - t0)) s"

t0=$SECONDS
echo "==> budgets: first-load weight, Lighthouse, load (scripts/budget.py)"
python3 scripts/budget.py
echo "==> budgets: $((SECONDS - t0)) s"
disk
