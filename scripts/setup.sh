#!/usr/bin/env bash
# Installs, only when missing, everything the build and the tests need on a fresh
# Debian 12 machine of this kind. Idempotent: a second run only checks.
# Why the detours: cargo-leptos and wasm-bindgen-cli do not install with --locked on rustc
# 1.95 (a dependency of each wants a newer rustc or a crate the registry lacks), and no tool
# may download a binary or a browser (the machine reaches only the package registries).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CARGO_LEPTOS_VERSION=0.3.11
CARGO_HOLD_VERSION=1.3.7
export PATH="$HOME/.cargo/bin:$PATH"
# The tools are built once per machine and run for seconds per build: light optimisation and
# no link-time optimisation (settings that override the tools' own release profiles) cut
# their compile time, which is most of a fresh machine's set-up.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=false

step() {
  local name=$1; shift
  local t0=$SECONDS
  echo "==> setup: $name"
  "$@"
  echo "    done: $name ($((SECONDS - t0)) s)"
}

# The version of a crate recorded in Cargo.lock (first match).
lock_version() {
  awk -v n="$1" '$0 == "name = \"" n "\"" { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# Unpacks a crate that `cargo install` already put in the registry cache.
unpack_crate() {
  local name=$1 version=$2 dest=$3
  local file
  file=$(ls "$HOME"/.cargo/registry/cache/*/"$name-$version.crate" 2>/dev/null | head -n1 || true)
  if [ -z "$file" ]; then
    echo "setup: $name-$version.crate is not in the cargo cache" >&2
    return 1
  fi
  rm -rf "$dest" && mkdir -p "$dest"
  tar -xzf "$file" -C "$dest"
}

# Installs a crate with --locked; when its lockfile asks for something this toolchain or
# registry cannot give, pins the named package to the version that works and retries.
install_with_pin() {
  local name=$1 version=$2 pin_pkg=$3 pin_version=$4; shift 4
  if cargo install "$name" --version "$version" --locked "$@"; then return 0; fi
  echo "    retry: $name with $pin_pkg pinned to $pin_version"
  local work
  work=$(mktemp -d)
  unpack_crate "$name" "$version" "$work"
  (cd "$work/$name-$version" &&
    cargo update -p "$pin_pkg" --precise "$pin_version" &&
    cargo install --path . --locked "$@")
  rm -rf "$work"
}

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v psql >/dev/null 2>&1 || need_apt+=(postgresql-client)
command -v brotli >/dev/null 2>&1 || need_apt+=(brotli)
if [ ${#need_apt[@]} -gt 0 ]; then
  step "apt-get install ${need_apt[*]}" bash -c \
    "export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq ${need_apt[*]} >/dev/null"
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown" rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  step "cargo-leptos $CARGO_LEPTOS_VERSION (no_downloads)" \
    install_with_pin cargo-leptos "$CARGO_LEPTOS_VERSION" cargo-util-schemas 0.14.1 --features no_downloads
fi

WB_VERSION=$(lock_version wasm-bindgen)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WB_VERSION\$"; then
  step "wasm-bindgen-cli $WB_VERSION (= Cargo.lock)" \
    install_with_pin wasm-bindgen-cli "$WB_VERSION" webpki-roots 1.0.10
fi

# The build cache's file times (scripts/cache.sh).
if ! cargo hold --version 2>/dev/null | grep -q " $CARGO_HOLD_VERSION\$"; then
  step "cargo-hold $CARGO_HOLD_VERSION" cargo install cargo-hold --version "$CARGO_HOLD_VERSION" --locked
fi

# tailwindcss, binaryen (wasm-opt), Playwright, axe: pinned in package-lock.json. `npm install`
# rather than `npm ci`: the registry here lists tailwind's optional per-platform packages
# without versions, which `npm ci` takes for a lockfile out of sync.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm install (locked versions, no browser download)" \
    env PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --no-save
fi

echo "==> setup: all tools present ($SECONDS s)"
