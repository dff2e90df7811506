#!/usr/bin/env bash
# The budgets (README, "Budgets"): first-load weight, Lighthouse and load figures of the
# release build, printed. Fails when a weight or Lighthouse budget is broken.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x target/release/server ] || [ ! -d target/site/pkg ]; then
  bash scripts/setup.sh
  cargo leptos build --release --precompress
  bash scripts/bundles.sh
fi
exec python3 scripts/budget.py
