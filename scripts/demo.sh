#!/usr/bin/env bash
# README command 1: builds, then shows this PC's signed snapshot and verifies it with the
# admin tool. (Extended by the server work: local CA, server, enrollment, upload, report.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh

export CCACHE_DIR="${CCACHE_DIR:-/var/cache/shouwei/ccache}" CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
mkdir -p "$CCACHE_DIR"
build=build-release
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSHOUWEI_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target shouwei-agent shouweictl -j "$(nproc)"

work=${SHOUWEI_DEMO_DIR:-/tmp/shouwei-demo}
mkdir -p "$work"
cat >"$work/agent.toml" <<TOML
state_dir = "$work/agent-state"
zone = "intranet"
asset_tag = "DEMO-0001"
location = "演示 / demo desk"
TOML
agent="$build/agent/shouwei-agent --config $work/agent.toml"
$agent pubkey >"$work/device.pub"
$agent snapshot >"$work/snapshot.dsse.json"
$agent snapshot --payload >"$work/snapshot.payload.json" 2>/dev/null
"$build/tools/shouweictl/shouweictl" verify --key "$work/device.pub" "$work/snapshot.dsse.json"
echo
echo "signed snapshot:  $work/snapshot.dsse.json"
echo "its payload:      $work/snapshot.payload.json"
echo "device key (pub): $work/device.pub"
