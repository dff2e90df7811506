#!/usr/bin/env bash
# How often a form sent before, while or after its page wakes up is lost: runs each test of
# end2end/tests/forms-asleep.spec.ts REPEAT times (default 10) on the phone profile against
# the release build in target/release (scripts/release.sh builds it), one Playwright run per
# test so that every run starts on a fresh database (the per-address limits start at zero),
# and prints lost/total per form and moment. A measurement, not a test: CI runs each once.
#   bash scripts/measure-forms.sh            # every test
#   bash scripts/measure-forms.sh "signs in" # the tests whose title contains this
set -euo pipefail
cd "$(dirname "$0")/../end2end"
repeat=${REPEAT:-10}
filter=${1:-}
report=$(mktemp)
trap 'rm -f "$report"' EXIT

# The titles of the spec's tests, as Playwright lists them for the phone.
mapfile -t titles < <(npx playwright test forms-asleep --project phone --list --reporter=json |
  node -e '
    let text = ""; process.stdin.on("data", (c) => (text += c)).on("end", () => {
      const walk = (suite) => [...(suite.specs ?? []).map((s) => s.title), ...(suite.suites ?? []).flatMap(walk)];
      for (const title of JSON.parse(text).suites.flatMap(walk)) console.log(title);
    });')

printf '%-72s %s\n' "form and moment" "lost/total"
for title in "${titles[@]}"; do
  [[ -z "$filter" || "$title" == *"$filter"* ]] || continue
  # An exact title: escape what a regular expression would read.
  pattern=$(printf '%s' "$title" | sed 's/[][\.*^$?+(){}|/]/\\&/g')
  npx playwright test forms-asleep --project phone --repeat-each "$repeat" -g "^.* $pattern\$" \
    --reporter=json > "$report" 2>/dev/null || true
  node -e '
    const report = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const results = [];
    const walk = (suite) => {
      for (const spec of suite.specs ?? []) for (const t of spec.tests) for (const r of t.results) results.push(r.status);
      for (const child of suite.suites ?? []) walk(child);
    };
    report.suites.forEach(walk);
    const lost = results.filter((s) => s !== "passed" && s !== "skipped").length;
    const total = results.filter((s) => s !== "skipped").length;
    console.log(`${process.argv[2].padEnd(72)} ${lost}/${total}`);
  ' "$report" "$title"
done
