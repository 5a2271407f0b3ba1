#!/usr/bin/env bash
# Runs every libFuzzer target of a SHOUWEI_FUZZ=ON build for a bounded time, starting from its
# corpus in tests/fuzz/corpus/<name>/ (new inputs go to a scratch copy, never into the repo).
# Usage: scripts/run-fuzzers.sh BUILD_DIR SECONDS_EACH
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="$1"
seconds="${2:-15}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0
count=0
while IFS= read -r replay; do
  name=$(basename "$replay" _replay)
  fuzzer="$(dirname "$replay")/$name"
  [[ -x "$fuzzer" ]] || continue
  mkdir -p "$scratch/$name"
  [[ -d "tests/fuzz/corpus/$name" ]] && cp -r "tests/fuzz/corpus/$name/." "$scratch/$name/"
  echo "fuzz: $name for ${seconds}s"
  if ! "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
       -artifact_prefix="$scratch/$name-" "$scratch/$name" >"$scratch/$name.log" 2>&1; then
    echo "fuzz: $name FAILED"; tail -40 "$scratch/$name.log"; failed=1
  fi
  count=$((count + 1))
done < <(find "$build_dir" -type f -name '*_replay' -perm -u+x | sort)
echo "fuzz: $count target(s) run, $([[ $failed == 0 ]] && echo all clean || echo FAILURES)"
exit "$failed"
