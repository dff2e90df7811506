#!/usr/bin/env bash
# Line 2 of the README: set up, then run every test:
#   0. the layout rustfmt.toml sets (cargo fmt --check);
#   1. clippy's lints as errors; the Rust unit and integration tests (SQLite always;
#      Postgres where a server answers, mandatory under REQUIRE_POSTGRES=1); meanwhile,
#      the release site and server build;
#   2. the rights-list budget (10,000 rights: a median over 150 ms fails);
#   3. the Playwright tests (desktop and phone) against the release build;
#   4. the budgets of scripts/budget.py: first-load weight and Lighthouse.
# Builds go through the build cache (scripts/cache.sh, docs/build.md). The load figures
# are a measurement, not a test: scripts/measure.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
summary=()
# The summary is printed however the run ends, a failed phase included.
print_summary() {
  echo "==> summary"
  for line in "${summary[@]}"; do echo "    $line"; done
  printf '    %-52s %5d s\n' "total" $((SECONDS - start))
}
trap print_summary EXIT
# Runs one phase and remembers its time for the summary.
phase() {
  local name=$1; shift
  local t0=$SECONDS
  echo "==> $name"
  "$@"
  local took=$((SECONDS - t0))
  echo "==> $name: $took s"
  summary+=("$(printf '%-52s %5d s' "$name" "$took")")
}

# Layout first: a second of checking instead of a build that would be reformatted anyway.
phase "layout: cargo fmt --check (rustfmt.toml)" cargo fmt --all -- --check
phase "setup" bash scripts/setup.sh
source scripts/cache.sh
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if [ "${REQUIRE_POSTGRES:-0}" = 1 ]; then
  echo "==> Postgres required at $TEST_POSTGRES_URL"
fi
disk() { df -h . | awk 'NR == 2 { print "    disk: " $3 " used, " $4 " free" }'; }
disk
phase "build cache: file times" cache_anchor

# The release site and the release server build in the background while the Rust tests
# build and run: the site's WebAssembly has a Cargo target directory of its own, the server
# the release profile's (Cargo locks each profile's directory on its own), and much of a
# build is one compiler on one core. Each one's output is printed when it is waited for.
declare -A lane_pid lane_log
lane() {
  local name=$1 log
  log=$(mktemp)
  # In a process group of its own, so that a failed run stops it and its compilers.
  setsid bash -c 'SECONDS=0; bash scripts/release.sh "$0" && echo "==> built in $SECONDS s"' "$name" > "$log" 2>&1 &
  lane_pid[$name]=$!
  lane_log[$name]=$log
}
wait_lane() {
  local name=$1 code=0 built
  echo "==> release $name (built beside the tests)"
  wait "${lane_pid[$name]}" || code=$?
  sed "s/^/    [$name] /" "${lane_log[$name]}"
  built=$(awk '/^==> built in/ { print $4 }' "${lane_log[$name]}")
  summary+=("$(printf '%-52s %5s s' "release $name (built beside the tests)" "${built:-failed}")")
  return $code
}
lane site
lane server
trap 'for pid in "${lane_pid[@]}"; do kill -- -"$pid" 2>/dev/null || true; done; print_summary' EXIT

# Lints as errors, with the workspace's short allow-list (Cargo.toml, [workspace.lints]).
phase "lint: cargo clippy -D warnings" cargo clippy --locked -p portal-core -p app -p server --all-targets -- -D warnings
phase "cargo test (portal-core, app, server)" cargo test --locked -p portal-core -p app -p server
wait_lane server
wait_lane site
disk

# Timed queries: run once the site's compilers are done, on a machine doing nothing else.
phase "budget: rights list of 10,000 rights" cargo run --release --locked -p portal-core --example rights_list_bench

phase "Playwright (Debian Chromium, desktop and Pixel 7)" bash -c 'cd end2end && npx playwright test'

phase "budgets: first-load weight, Lighthouse" python3 scripts/budget.py

cache_prune
disk
