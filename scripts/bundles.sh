#!/usr/bin/env bash
# Route-level code splitting, after `cargo leptos build --release` (scripts/release.sh, with
# the build cache of scripts/cache.sh).
#
# The pages are rendered on the server; only their islands (forms, the language switch,
# sign-out) run in the browser. Each group of pages of app/page-groups.txt loads a bundle
# holding only that group's islands (features `bundle-<group>` of app/Cargo.toml). The group
# the table says cargo-leptos builds is built by scripts/release.sh; this script builds the
# others and lists them in target/release/bundles.txt, beside the server binary (as
# cargo-leptos' hash.txt), where the server finds the bundle to name in each page
# (app/src/layout/hydration.rs).
#
# wasm-bindgen and wasm-opt of a bundle run in the background while Cargo compiles the next
# one, and their output is kept in the build cache under the hash of the WebAssembly Cargo
# produced: an unchanged bundle is copied, not optimised again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
: "${CARGO_TARGET_DIR:?source scripts/cache.sh first}"

PKG=target/site/pkg
MANIFEST=target/release/bundles.txt
FRONT="$CARGO_TARGET_DIR/front"
OPTIMISED="$PORTAL_BUILD_CACHE/bundles"
if [ ! -d "$PKG" ] || [ ! -f target/release/hash.txt ]; then
  echo "bundles: run scripts/release.sh (cargo leptos build --release) first" >&2
  exit 1
fi
# The tools' versions are part of the key: another wasm-opt gives other bytes.
TOOLS="$(wasm-bindgen --version) $(wasm-opt --version)"

# wasm-bindgen, then the same optimisation as cargo-leptos gives its own bundle, into $2.
optimise() {
  local wasm=$1 out=$2 work
  work=$(mktemp -d)
  wasm-bindgen --target web --out-dir "$work" --out-name bundle "$wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$work/bundle_bg.wasm" -o "$work/bundle.wasm"
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  mv "$work/bundle.js" "$work/bundle.wasm" "$out.tmp/"
  rm -rf "$work" "$out" && mv "$out.tmp" "$out"
}

# Copies an optimised bundle into the site under its content hash, precompressed as
# cargo-leptos' --precompress does for its own files, and lists it.
publish() {
  local bundle=$1 dir=$2 hash name
  hash=$(cat "$dir/bundle.js" "$dir/bundle.wasm" | sha256sum | cut -c1-16)
  name="portal-$bundle.$hash"
  rm -f "$PKG"/portal-"$bundle".*
  cp "$dir/bundle.js" "$PKG/$name.js"
  cp "$dir/bundle.wasm" "$PKG/$name.wasm"
  for file in "$PKG/$name.js" "$PKG/$name.wasm"; do
    brotli -f -k -q 11 "$file"
    gzip -f -k -9 "$file"
  done
  echo "$bundle: $name" >> "$list"
  printf '    bundle %-8s %s  wasm %6.1f KB (br)\n' "$bundle" "$name" \
    "$(echo "$(stat -c %s "$PKG/$name.wasm.br") / 1024" | bc -l)"
}

list=$(mktemp)
# The bundle these were built beside: the server ignores bundles.txt when cargo-leptos' own
# has changed since (a release rebuilt without this script), rather than name bundles made
# from older code.
own_wasm=$(awk '$1 == "wasm:" { print $2 }' target/release/hash.txt)
echo "full: portal.$own_wasm" >> "$list"

mapfile -t BUNDLES < <(awk '!/^#/ && NF && $2 == "bundles.sh" { print $1 }' app/page-groups.txt)
declare -A dirs pids
for bundle in "${BUNDLES[@]}"; do
  t0=$SECONDS
  # cargo-leptos' target directory and profile, so that only `app` and `frontend` compile again.
  cargo build --locked -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release \
    --no-default-features --features "app/bundle-$bundle" --target-dir "$FRONT" --quiet
  raw="$FRONT/wasm32-unknown-unknown/wasm-release/frontend-$bundle.wasm"
  cp "$FRONT/wasm32-unknown-unknown/wasm-release/frontend.wasm" "$raw"
  key=$( (sha256sum < "$raw"; echo "$TOOLS") | sha256sum | cut -c1-32)
  dirs[$bundle]="$OPTIMISED/$key"
  if [ -f "${dirs[$bundle]}/bundle.wasm" ]; then
    echo "    bundle $bundle: compiled in $((SECONDS - t0)) s, optimised before (build cache)"
    touch "${dirs[$bundle]}"
  else
    echo "    bundle $bundle: compiled in $((SECONDS - t0)) s, optimising"
    optimise "$raw" "${dirs[$bundle]}" &
    pids[$bundle]=$!
  fi
done
for bundle in "${BUNDLES[@]}"; do
  if [ -n "${pids[$bundle]:-}" ]; then wait "${pids[$bundle]}"; fi
  publish "$bundle" "${dirs[$bundle]}"
done
mv "$list" "$MANIFEST"
# Optimised bundles no build has produced for a week are dropped.
find "$OPTIMISED" -mindepth 1 -maxdepth 1 -type d -mtime +7 -exec rm -rf {} + 2>/dev/null || true
echo "    bundles listed in $MANIFEST"
