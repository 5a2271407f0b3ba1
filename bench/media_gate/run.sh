#!/usr/bin/env bash
# Media gate decision latency in a QEMU guest running Debian's kernel (bench_media_gate.py):
# builds the agent and shouweictl, then hot-plugs ROUNDS x 5 sticks (default 4 rounds).
# Needs qemu-system-x86 and busybox-static (scripts/setup-deps.sh --tests).
# Usage: bench/media_gate/run.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build-bench}

if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j2 --target shouwei-agent shouweictl >/dev/null
python3 "$here/bench_media_gate.py" --agent "$build/agent/shouwei-agent" \
  --ctl "$build/tools/shouweictl/shouweictl" --rounds "${ROUNDS:-4}"
