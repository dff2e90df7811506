#!/usr/bin/env bash
# The release build the demo, the Playwright tests and the budgets serve, through the build
# cache (scripts/cache.sh):
#   release.sh site     the site: cargo-leptos' WebAssembly, which is the bundle of the page
#                       group app/page-groups.txt says it builds, styles and files, then
#                       the other page groups' bundles (scripts/bundles.sh);
#   release.sh server   the server binary, copied into this checkout's target/release, and
#                       the end-to-end tests' server-e2e (feature test-clock);
#   release.sh          both.
# The two parts build in separate Cargo target directories (cargo-leptos' `front` for the
# WebAssembly), so scripts/test.sh builds the site while the Rust tests run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cache.sh
[ "${PORTAL_BUILD_CACHE_ANCHORED:-0}" = 1 ] || cache_anchor
part=${1:-all}
if [ "$part" = all ] || [ "$part" = site ]; then
  own=$(awk '!/^#/ && NF && $2 == "cargo-leptos" { print $1 }' app/page-groups.txt)
  cargo leptos build --release --precompress --frontend-only --lib-features "app/bundle-$own"
  mkdir -p target/release
  cp -f "$CARGO_TARGET_DIR/release/hash.txt" target/release/hash.txt
  echo "==> the other page groups' WebAssembly bundles (scripts/bundles.sh)"
  bash scripts/bundles.sh
fi
if [ "$part" = all ] || [ "$part" = server ]; then
  cargo leptos build --release --precompress --server-only
  mkdir -p target/release
  cp -f "$CARGO_TARGET_DIR/release/server" target/release/server
  # The end-to-end tests' server: the same with the test clock (only the server crate is
  # compiled again); never shipped.
  cargo leptos build --release --precompress --server-only --bin-features test-clock
  cp -f "$CARGO_TARGET_DIR/release/server" target/release/server-e2e
fi
