#!/usr/bin/env bash
# The Windows side of README command 2: cross-builds the agent and its tests with mingw-w64
# (cmake/toolchain-mingw64.cmake) and runs them with ctest under Wine 8 (cmake/wine-run.sh).
# Installs what is missing (scripts/setup-deps.sh --windows) and builds the static OpenSSL,
# libcurl, SQLite and lz4 once (scripts/build-win-deps.sh, cached in /var/cache/shouwei/mingw).
#
# Usage: scripts/test-windows.sh [--build-dir DIR] [--linux-build-dir DIR] [--jobs N]
#   --linux-build-dir  a Linux build with shouwei-server and shouweictl, for the end-to-end
#                      test (default build-gcc; its two targets are built if missing)
# Fails, never skips, when Wine or the cross compilers cannot be had.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build-win
linux_build_dir=build-gcc
jobs=$(nproc)
while (($#)); do
  case "$1" in
    --build-dir) build_dir="$2"; shift ;;
    --linux-build-dir) linux_build_dir="$2"; shift ;;
    --jobs) jobs="$2"; shift ;;
    *) echo "usage: $0 [--build-dir DIR] [--linux-build-dir DIR] [--jobs N]" >&2; exit 2 ;;
  esac
  shift
done

scripts/setup-deps.sh --windows
prefix=$(scripts/build-win-deps.sh --jobs "$jobs" | tail -n 1)

export CCACHE_DIR="${CCACHE_DIR:-/var/cache/shouwei/ccache}"
export CCACHE_BASEDIR="$PWD"
export CCACHE_NOHASHDIR=true
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"
mkdir -p "$CCACHE_DIR"

# The Linux server and shouweictl the end-to-end test talks to and verifies with.
if [[ ! -x "$linux_build_dir/server/shouwei-server" || ! -x "$linux_build_dir/tools/shouweictl/shouweictl" ]]; then
  if [[ ! -f "$linux_build_dir/CMakeCache.txt" ]]; then
    cmake -S . -B "$linux_build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  cmake --build "$linux_build_dir" -j "$jobs" --target shouwei-server shouweictl
fi

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-mingw64.cmake -DSHOUWEI_MINGW_PREFIX="$prefix" \
  -DSHOUWEI_LINUX_BUILD_DIR="$(cd "$linux_build_dir" && pwd)"
cmake --build "$build_dir" -j "$jobs"

# A fresh Wine prefix per run, so registry values seeded by a previous run cannot leak into
# this one (wine-run.sh initialises it once, 5-10 s).
export WINEPREFIX="$PWD/$build_dir/wineprefix"
rm -rf "$WINEPREFIX"
status=0
ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" || status=$?
wineserver_bin=$(command -v wineserver || echo /usr/lib/wine/wineserver)
"$wineserver_bin" -k 2>/dev/null || true
exit "$status"
