#!/usr/bin/env bash
# The load command: builds the release server (through the build cache), then runs
# core/examples/load_bench.rs, which starts it on SQLite and on Postgres (TEST_POSTGRES_URL's
# server), each with the demo data, and prints requests per second and latency of the CSS
# file, two signed-in pages, place_order and raw durable commits, with their ratios side by
# side. `bash scripts/load.sh sqlite` measures one database.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
source scripts/cache.sh
[ "${PORTAL_BUILD_CACHE_ANCHORED:-0}" = 1 ] || cache_anchor
[ -d target/site/pkg ] || bash scripts/release.sh site
bash scripts/release.sh server
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
cargo run --quiet --release --locked -p portal-core --example load_bench -- "$@"
