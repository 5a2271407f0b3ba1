#!/usr/bin/env bash
# End to end, Windows agent against the Linux server: shouwei-agent.exe under Wine signs a
# snapshot that `shouweictl verify` (Linux) accepts with the device key the agent prints, then
# `run --once` enrolls with a Linux shouwei-server on loopback and uploads, and the envelope the
# server stored verifies too. The server's certificate names `localhost` (Wine's TLS stack and
# the agent's libcurl match DNS names; the CA file is always given). The agent's configuration
# lives in a directory with a Chinese name, so the UTF-8 command line, the configuration path,
# the state directory (SQLite, keys) and a Chinese configuration value are exercised on mingw.
# The signed payload is validated against the snapshot and inventory schemas
# (check_snapshot.py), which also checks that each section says which sources answered.
#
# Usage: run_e2e.sh AGENT_EXE LINUX_BUILD_DIR WINE_RUN SOURCE_DIR
# Fails (never skips) when the Linux server or shouweictl or Wine is missing.
set -euo pipefail
agent_exe="$1"
linux_build="$2"
wine_run="$3"
source_dir="$4"
server_bin="$linux_build/server/shouwei-server"
ctl="$linux_build/tools/shouweictl/shouweictl"
for program in "$agent_exe" "$server_bin" "$ctl"; do
  [[ -x "$program" || -f "$program" ]] || { echo "e2e: $program missing (build the Linux server and shouweictl; SHOUWEI_LINUX_BUILD_DIR)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/shouwei-win-e2e.XXXXXX)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
# Wine reads the Unix command line and file names in the locale's encoding: UTF-8.
export LC_ALL=C.UTF-8
agent_dir="$work/代理 agent"
mkdir "$agent_dir"
agent() { "$wine_run" "$agent_exe" --config "$agent_dir/agent.toml" "$@"; }

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
  -days 2 -subj "/CN=Shouwei e2e CA" 2>/dev/null
printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr \
  -subj "/CN=localhost" 2>/dev/null
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
  -extfile server.ext 2>/dev/null
chmod 600 ca.key server.key

# A free loopback port: the server refuses to start on a taken one, so try a few.
port=""
for _ in 1 2 3 4 5; do
  candidate=$((20000 + RANDOM % 20000))
  cat >server.toml <<TOML
listen = "127.0.0.1:$candidate"
tls_cert = "$work/server.pem"
tls_key = "$work/server.key"
database = "$work/server.db"
TOML
  secret=$("$server_bin" --config server.toml secret create --group win-e2e 2>/dev/null)
  token=$("$server_bin" --config server.toml token create --role viewer 2>/dev/null)
  "$server_bin" --config server.toml serve >server.log 2>&1 &
  server_pid=$!
  for _ in $(seq 1 50); do
    if curl -sf --cacert ca.pem "https://localhost:$candidate/healthz" >/dev/null 2>&1; then port=$candidate; break; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n "$port" ]] && break
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
done
[[ -n "$port" ]] || { echo "e2e: shouwei-server did not start"; cat server.log; exit 1; }

# Relative paths are resolved against the configuration file's directory; under Wine the
# Unix directory is reached through drive Z:.
cp ca.pem "$agent_dir/"
cat >"$agent_dir/agent.toml" <<TOML
state_dir = "agent-state"
asset_tag = "WIN-E2E-0001"
location = "Wine 测试 / Wine test"

[server]
url = "https://localhost:$port"
ca_file = "ca.pem"
enroll_secret = "$secret"
TOML

echo "== snapshot under Wine, verified on Linux"
agent snapshot | tr -d '\r' >envelope.json
agent pubkey | tr -d '\r' >device.pub
"$ctl" verify --key device.pub envelope.json
grep -q '"payloadType"' envelope.json
python3 "$source_dir/tests/win/e2e/check_snapshot.py" envelope.json \
  "$source_dir/docs/schema/snapshot.schema.json" "$source_dir/collectors/inventory/inventory.schema.json" \
  WIN-E2E-0001 "Wine 测试 / Wine test"
[[ -f "$agent_dir/agent-state/device.key" ]] || { echo "e2e: no device key under $agent_dir/agent-state"; exit 1; }

echo "== run --once: enroll and upload to the Linux server"
agent run --once
device_id=$(curl -sf --cacert ca.pem -H "Authorization: Bearer $token" "https://localhost:$port/api/v1/endpoints" |
  grep -o '"device_id": *"[0-9a-f]\{64\}"' | head -1 | grep -o '[0-9a-f]\{64\}')
[[ -n "$device_id" ]] || { echo "e2e: the server lists no endpoint"; cat server.log; exit 1; }
snapshot_id=$(curl -sf --cacert ca.pem -H "Authorization: Bearer $token" \
  "https://localhost:$port/api/v1/endpoints/$device_id/snapshots" | grep -o '"snapshot_id": *[0-9]*' | head -1 | grep -o '[0-9]*$')
curl -sf --cacert ca.pem -H "Authorization: Bearer $token" \
  "https://localhost:$port/api/v1/snapshots/$snapshot_id" >stored-envelope.json
"$ctl" verify --key device.pub stored-envelope.json
python3 "$source_dir/tests/win/e2e/check_snapshot.py" stored-envelope.json \
  "$source_dir/docs/schema/snapshot.schema.json" "$source_dir/collectors/inventory/inventory.schema.json" \
  WIN-E2E-0001 "Wine 测试 / Wine test"
echo "e2e: the Windows agent's snapshot verified on Linux, before and after upload"
