#!/usr/bin/env bash
# README command 2: installs what is missing (apt), builds everything and runs every test
# through ctest. Usage: scripts/test.sh [--sanitize] [--compiler gcc|clang] [--build-dir DIR] [--no-windows]
#   --sanitize    AddressSanitizer + UBSan build (clang), libFuzzer targets built and run briefly
#                 (the Linux code only: the Windows side is tested by the default run)
#   --no-windows  leave out the Windows side, which the default run does after the Linux tests
#                 (scripts/test-windows.sh: mingw-w64 cross build, every Windows test under Wine,
#                 the Windows agent end to end against this build's Linux server); also
#                 SHOUWEI_TEST_WINDOWS=0
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=0
compiler=gcc
build_dir=""
windows="${SHOUWEI_TEST_WINDOWS:-1}"
while (($#)); do
  case "$1" in
    --sanitize) sanitize=1; compiler=clang ;;
    --compiler) compiler="$2"; shift ;;
    --build-dir) build_dir="$2"; shift ;;
    --windows) windows=1 ;;
    --no-windows) windows=0 ;;
    *) echo "usage: $0 [--sanitize] [--compiler gcc|clang] [--build-dir DIR] [--no-windows]" >&2; exit 2 ;;
  esac
  shift
done

scripts/setup-deps.sh --tests

# ccache outside the clone, keyed on paths relative to the source tree so that a fresh clone
# in another directory still hits the cache.
export CCACHE_DIR="${CCACHE_DIR:-/var/cache/shouwei/ccache}"
export CCACHE_BASEDIR="$PWD"
export CCACHE_NOHASHDIR=true
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"
mkdir -p "$CCACHE_DIR"

cmake_args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHOUWEI_BUILD_TESTS=ON)
if [[ "$compiler" == clang ]]; then
  cmake_args+=(-DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14)
else
  cmake_args+=(-DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++)
fi
if ((sanitize)); then
  cmake_args+=(-DSHOUWEI_SANITIZE=ON -DSHOUWEI_FUZZ=ON)
  build_dir="${build_dir:-build-asan}"
else
  build_dir="${build_dir:-build-$compiler}"
fi

jobs=$(nproc)
cmake -S . -B "$build_dir" "${cmake_args[@]}"
cmake --build "$build_dir" -j "$jobs"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" || status=$?

if ((sanitize)) && ((status == 0)); then
  # Each libFuzzer target for a short, bounded run on top of its corpus.
  scripts/run-fuzzers.sh "$build_dir" "${SHOUWEI_FUZZ_SECONDS:-10}" || status=$?
fi
if ((!sanitize)) && ((windows == 1)); then
  # The Windows agent (cross-built, tested under Wine; its end-to-end test uses this build's
  # shouwei-server and shouweictl).
  scripts/test-windows.sh --linux-build-dir "$build_dir" --jobs "$jobs" || status=$?
fi
exit "$status"
