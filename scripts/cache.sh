# Sourced by scripts/test.sh, scripts/release.sh (and so scripts/run-demo.sh) and
# scripts/measure.sh: the build cache that outlives a clone (docs/build.md).
#
# Every Cargo build of those scripts goes to one target directory outside the checkout,
# $PORTAL_BUILD_CACHE/target. Cargo decides that a workspace package (app, server, core,
# frontend, vendor/tachys) must be compiled again when one of its files is newer than the
# last build; a fresh clone gives every file the clone's time, which would rebuild everything.
# Before building, `cargo hold anchor` gives each tracked file whose content (BLAKE3) is the
# one it recorded at the previous run the time it had then, and every other file a time newer
# than any build: Cargo then compiles exactly what changed, whichever checkout built last.
#
# Only these scripts may build into the cache: a plain `cargo build` there would leave
# artifacts that the record does not describe.

PORTAL_BUILD_CACHE="${PORTAL_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/portal-build}"
# Past this size (GiB) the cache is emptied at the end of a run; the next run is then cold.
PORTAL_BUILD_CACHE_MAX_GB="${PORTAL_BUILD_CACHE_MAX_GB:-40}"
export PORTAL_BUILD_CACHE PORTAL_BUILD_CACHE_MAX_GB
export CARGO_TARGET_DIR="$PORTAL_BUILD_CACHE/target"
# A test run is not an edit loop: incremental artifacts only cost disk (they reached 16 GB),
# and a different setting would compile everything a second time.
export CARGO_INCREMENTAL=0

cache_size_gb() {
  du -s --block-size=1G "$PORTAL_BUILD_CACHE" 2>/dev/null | cut -f1 || echo 0
}

# Restores the file times of unchanged files, and records the checkout that is about to build.
cache_anchor() {
  mkdir -p "$CARGO_TARGET_DIR"
  local t0=$SECONDS
  cargo hold anchor --quiet --target-dir "$CARGO_TARGET_DIR"
  # The scripts this one starts build on these file times without restoring them again.
  export PORTAL_BUILD_CACHE_ANCHORED=1
  echo "==> build cache: $PORTAL_BUILD_CACHE ($(cache_size_gb) GiB of at most $PORTAL_BUILD_CACHE_MAX_GB; file times restored in $((SECONDS - t0)) s)"
}

cache_prune() {
  local size
  size=$(cache_size_gb)
  if [ "$size" -gt "$PORTAL_BUILD_CACHE_MAX_GB" ]; then
    echo "==> build cache: $size GiB > $PORTAL_BUILD_CACHE_MAX_GB GiB, emptied (the next run builds everything)"
    rm -rf "$PORTAL_BUILD_CACHE"
  else
    echo "==> build cache: $size GiB (at most $PORTAL_BUILD_CACHE_MAX_GB GiB)"
  fi
}
