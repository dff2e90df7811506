#!/usr/bin/env bash
# The measurements that are not tests: builds the release (through the build cache), then
# prints the rights-list figures (10,000 rights; SQLite, and Postgres when TEST_POSTGRES_URL
# answers), the first-load weight, Lighthouse and the load figures (scripts/load.sh).
# Lighthouse runs three times per page here (BUDGET_LIGHTHOUSE_RUNS) for steadier figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/cache.sh
cache_anchor
bash scripts/release.sh
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
cargo run --release --locked -p portal-core --example rights_list_bench
BUDGET_LIGHTHOUSE_RUNS="${BUDGET_LIGHTHOUSE_RUNS:-3}" python3 scripts/budget.py
bash scripts/load.sh
