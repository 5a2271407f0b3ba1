#!/usr/bin/env bash
# Ingest benchmark of the real shouwei-server program (see bench/README.md, server section).
# Usage: bench/server/run.sh [BUILD_DIR]   (built with -DSHOUWEI_BUILD_BENCH=ON; targets
#        shouwei-server and bench_server_ingest)
# Environment: DEVICES (1000), PER_DEVICE (20), CONNECTIONS (100), THREADS (0 = the server's
#        default), WORK_DIR (a fresh temporary directory), SYNCHRONOUS (unset: the server's
#        own setting).
#
# Steps: prepare everything the generator can prepare (PKI, enrolled devices, signed
# envelopes), start `shouwei-server serve` with the prepared config, run the load generator as
# a separate process, read the server's CPU time from /proc before and after, stop the server
# with SIGTERM, then measure the bound in the same run: `openssl speed -seconds 3 ed25519`
# verify/s x cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
bench="$build/bench/server/bench_server_ingest"
server="$build/server/shouwei-server"
for f in "$bench" "$server"; do
  [[ -x "$f" ]] || { echo "run.sh: $f missing (build with -DSHOUWEI_BUILD_BENCH=ON)" >&2; exit 2; }
done
devices="${DEVICES:-1000}"
per_device="${PER_DEVICE:-20}"
connections="${CONNECTIONS:-100}"
threads="${THREADS:-0}"
work="${WORK_DIR:-$(mktemp -d /tmp/shouwei-bench-server.XXXXXX)}"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill -TERM "$server_pid"; fi
  [[ -n "${WORK_DIR:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT

"$bench" prepare --dir "$work" --devices "$devices" --per-device "$per_device" --threads "$threads"

# CPU time (user + system, in seconds) of a process so far, from /proc/PID/stat.
cpu_of() {
  awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / tck }' "/proc/$1/stat"
}

"$server" --config "$work/server.toml" serve 2>"$work/server.log" &
server_pid=$!
port=$(sed -n 's/^listen = "127.0.0.1:\([0-9]*\)"/\1/p' "$work/server.toml")
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
server_threads=$(ls "/proc/$server_pid/task" | wc -l)
cpu_before=$(cpu_of "$server_pid")
load_line=$("$bench" load --dir "$work" --connections "$connections")
cpu_after=$(cpu_of "$server_pid")
kill -TERM "$server_pid"
wait "$server_pid"
server_pid=""
echo "$load_line"

cores=$(nproc)
verify=$(openssl speed -seconds 3 ed25519 2>/dev/null |
  awk '/EdDSA \(Ed25519\)/ { print $(NF) }')
openssl_version=$(openssl version | awk '{ print $2 }')
awk -v line="$load_line" -v c0="$cpu_before" -v c1="$cpu_after" -v verify="$verify" \
  -v cores="$cores" -v ossl="$openssl_version" -v threads="$server_threads" '
BEGIN {
  n = split(line, kv, " ");
  for (i = 1; i <= n; i++) { split(kv[i], p, "="); f[p[1]] = p[2]; }
  rate = f["stored"] / f["seconds"];
  server_cpu = c1 - c0;
  bound = verify * cores;
  printf("stored %d (failed %d) in %.2f s over %d connections; server threads %d\n",
         f["stored"], f["failed"], f["seconds"], f["connections"], threads);
  printf("ingest rate:   %.0f snapshots/s\n", rate);
  printf("bound:         %.0f verify/s per core (openssl %s speed ed25519) x %d cores = %.0f/s\n",
         verify, ossl, cores, bound);
  printf("ratio:         %.1f%% of the bound (goal >= 50%%)\n", 100 * rate / bound);
  printf("server CPU:    %.2f s = %.0f snapshots per server CPU-second (%.1f%% of one core verify rate)\n",
         server_cpu, f["stored"] / server_cpu, 100 * f["stored"] / server_cpu / verify);
  printf("generator CPU: %.2f s (separate process)\n", f["generator_cpu_seconds"]);
}'
