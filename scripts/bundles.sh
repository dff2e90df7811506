#!/usr/bin/env bash
# Route-level code splitting, after `cargo leptos build --release`.
#
# The pages are rendered on the server; only their islands (forms, the language switch,
# sign-out) run in the browser. cargo-leptos' own bundle (pkg/portal.<hash>.wasm) holds every
# island and can hydrate any page. This script builds one smaller bundle per group of pages,
# holding only that group's islands (app/Cargo.toml, features `bundle-*`):
#   public    sign-in, two-step code, registration, password, e-mail confirmation, selector
#   account   portal home, messages, "Gérer le compte utilisateur" (the accept page)
#   services  the online services (orders, invoices)
#   admin     the rights list and a right's pages
# and lists them in target/release/bundles.txt, beside the server binary (as cargo-leptos'
# hash.txt), where the server finds the bundle to name in each page
# (app/src/components/hydration.rs). A page of a group without a bundle loads the full one.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

PKG=target/site/pkg
MANIFEST=target/release/bundles.txt
if [ ! -d "$PKG" ] || [ ! -x target/release/server ]; then
  echo "bundles: run 'cargo leptos build --release' first" >&2
  exit 1
fi

list=$(mktemp)
# The full bundle these were built beside: the server ignores bundles.txt when the full
# bundle has changed since (a release rebuilt without this script), rather than name
# bundles made from older code.
full_wasm=$(awk '$1 == "wasm:" { print $2 }' target/release/hash.txt)
echo "full: portal.$full_wasm" >> "$list"
for bundle in public account services admin; do
  t0=$SECONDS
  # cargo-leptos' target directory and profile, so that only `app` and `frontend` compile again.
  cargo build --locked -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release \
    --no-default-features --features "app/bundle-$bundle" --target-dir target/front --quiet
  work=$(mktemp -d)
  wasm-bindgen --target web --out-dir "$work" --out-name bundle \
    target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm
  # The same optimisation as cargo-leptos gives its own bundle.
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$work/bundle_bg.wasm" -o "$work/bundle.wasm"
  hash=$(cat "$work/bundle.js" "$work/bundle.wasm" | sha256sum | cut -c1-16)
  name="portal-$bundle.$hash"
  rm -f "$PKG"/portal-"$bundle".*
  cp "$work/bundle.js" "$PKG/$name.js"
  cp "$work/bundle.wasm" "$PKG/$name.wasm"
  # Served precompressed, as cargo-leptos' --precompress does for its own files.
  for file in "$PKG/$name.js" "$PKG/$name.wasm"; do
    brotli -f -k -q 11 "$file"
    gzip -f -k -9 "$file"
  done
  rm -rf "$work"
  echo "$bundle: $name" >> "$list"
  printf '    bundle %-8s %s  wasm %6.1f KB (br)  (%d s)\n' "$bundle" "$name" \
    "$(echo "$(stat -c %s "$PKG/$name.wasm.br") / 1024" | bc -l)" $((SECONDS - t0))
done
mv "$list" "$MANIFEST"
echo "    bundles listed in $MANIFEST"
