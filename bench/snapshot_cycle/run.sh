#!/usr/bin/env bash
# Measures CPU time (user + system) and peak resident memory of one full snapshot cycle on this
# machine with GNU time (/usr/bin/time -v, Debian package `time`):
#   1. `shouwei-agent snapshot` - the whole cycle: every collector, compliance, canonical JSON,
#      DSSE signature (the device key is made on the first run, so a warm-up run comes first);
#   2. shouwei_bench_collectors - patches + antivirus + compliance alone.
# Each is run RUNS times (default 5); the median and the maximum are printed.
# Usage: bench/snapshot_cycle/run.sh [BUILD_DIR]   (configured with -DSHOUWEI_BUILD_BENCH=ON)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build-bench}
runs=${RUNS:-5}

if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHOUWEI_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$build" -j2 --target shouwei-agent shouwei_bench_collectors >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/agent.toml" <<TOML
state_dir = "$tmp/state"
zone = "intranet"
TOML

# Prints "cpu_ms rss_kib" for one run of the command.
measure() {
  /usr/bin/time -v "$@" >/dev/null 2>"$tmp/time.txt" || { cat "$tmp/time.txt" >&2; return 1; }
  awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} /Maximum resident set size/ {m=$2}
              END {printf "%d %d\n", (u + s) * 1000, m}' "$tmp/time.txt"
}

report() {
  local name=$1
  shift
  local cpu=() rss=()
  for ((i = 0; i < runs; i++)); do
    read -r c m < <(measure "$@")
    cpu+=("$c")
    rss+=("$m")
  done
  local cpu_sorted rss_sorted
  cpu_sorted=$(printf '%s\n' "${cpu[@]}" | sort -n)
  rss_sorted=$(printf '%s\n' "${rss[@]}" | sort -n)
  printf '%-28s cpu_ms median %5s max %5s | peak_rss_MiB median %5.1f max %5.1f\n' "$name" \
    "$(sed -n "$(((runs + 1) / 2))p" <<<"$cpu_sorted")" "$(tail -1 <<<"$cpu_sorted")" \
    "$(awk -v k="$(sed -n "$(((runs + 1) / 2))p" <<<"$rss_sorted")" 'BEGIN {print k / 1024}')" \
    "$(awk -v k="$(tail -1 <<<"$rss_sorted")" 'BEGIN {print k / 1024}')"
}

agent="$build/agent/shouwei-agent"
"$agent" --config "$tmp/agent.toml" snapshot >/dev/null  # warm-up: device key, state database
report "shouwei-agent snapshot" "$agent" --config "$tmp/agent.toml" snapshot
report "patches+antivirus+compliance" "$build/bench/snapshot_cycle/shouwei_bench_collectors"
"$build/bench/snapshot_cycle/shouwei_bench_collectors"
