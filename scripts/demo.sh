#!/usr/bin/env bash
# README command 1: the whole product on this one machine.
#   builds; creates a local CA and a server certificate; starts shouwei-server on 127.0.0.1
#   with its embedded SQLite; creates an enrollment secret and a viewer token; runs a local
#   agent that enrolls and uploads a signed snapshot; pulls the compliance report; re-verifies
#   the stored envelope with the device key; prints where the server is and how to stop it.
# Environment: SHOUWEI_DEMO_DIR (default /tmp/shouwei-demo), SHOUWEI_DEMO_PORT (default 8443).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
scripts/setup-deps.sh

export CCACHE_DIR="${CCACHE_DIR:-/var/cache/shouwei/ccache}" CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
mkdir -p "$CCACHE_DIR"
build=build-release
echo "== building (Release) into $build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSHOUWEI_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target shouwei-agent shouwei-server shouweictl -j "$(nproc)"
agent_bin="$repo/$build/agent/shouwei-agent"
server_bin="$repo/$build/server/shouwei-server"
ctl="$repo/$build/tools/shouweictl/shouweictl"

work=${SHOUWEI_DEMO_DIR:-/tmp/shouwei-demo}
port=${SHOUWEI_DEMO_PORT:-8443}
mkdir -p "$work"
cd "$work"
if [[ -f server.pid ]] && kill -0 "$(cat server.pid)" 2>/dev/null; then
  echo "== stopping the previous demo server (pid $(cat server.pid))"
  kill "$(cat server.pid)"; sleep 1
fi
rm -rf agent-state server.db* server.log

echo "== local CA and server certificate (localhost, 127.0.0.1) in $work"
if [[ ! -f ca.pem ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
    -days 3650 -subj "/CN=Shouwei demo CA" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr \
    -subj "/CN=localhost" 2>/dev/null
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
    -days 825 -extfile server.ext 2>/dev/null
  chmod 600 ca.key server.key
fi

cat >server.toml <<TOML
listen = "127.0.0.1:$port"
tls_cert = "$work/server.pem"
tls_key = "$work/server.key"
database = "$work/server.db"
max_body_bytes = 16777216
TOML
secret=$("$server_bin" --config server.toml secret create --group demo-office 2>/dev/null)
token=$("$server_bin" --config server.toml token create --role viewer 2>/dev/null)
printf '%s\n' "$token" >viewer.token
chmod 600 viewer.token

echo "== starting shouwei-server on https://localhost:$port"
nohup "$server_bin" --config server.toml serve >server.log 2>&1 &
echo $! >server.pid
for _ in $(seq 1 100); do
  curl -sf --cacert ca.pem "https://localhost:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

cat >agent.toml <<TOML
state_dir = "$work/agent-state"
zone = "intranet"
asset_tag = "DEMO-0001"
location = "演示办公室 / demo office"

[server]
url = "https://localhost:$port"
ca_file = "$work/ca.pem"
enroll_secret = "$secret"
TOML
echo "== agent: enroll, snapshot, upload"
"$agent_bin" --config agent.toml run --once
"$agent_bin" --config agent.toml pubkey >device.pub

echo "== compliance report (shouweictl report pull)"
"$ctl" report pull --server "https://localhost:$port" --token "$token" --ca ca.pem --format csv >compliance.csv
"$ctl" report pull --server "https://localhost:$port" --token "$token" --ca ca.pem --format json >report.json
sed 's/^\xEF\xBB\xBF//' compliance.csv | head -8

echo "== re-verifying the envelope stored on the server with the device key"
device_id=$(sed -n 's/.*"device_id": *"\([0-9a-f]\{64\}\)".*/\1/p' report.json | head -1)
[[ -n "$device_id" ]] || device_id=$(grep -o '[0-9a-f]\{64\}' report.json | head -1)
snapshot_id=$(curl -sf --cacert ca.pem -H "Authorization: Bearer $token" \
  "https://localhost:$port/api/v1/endpoints/$device_id/snapshots" | grep -o '"snapshot_id":[0-9]*' | head -1 | cut -d: -f2)
curl -sf --cacert ca.pem -H "Authorization: Bearer $token" \
  "https://localhost:$port/api/v1/snapshots/$snapshot_id" >stored-envelope.json
"$ctl" verify --key device.pub stored-envelope.json

cat <<DONE

Shouwei is running on this machine.
  server:          https://localhost:$port   (CA: $work/ca.pem, log: $work/server.log)
  viewer token:    $work/viewer.token
  the report:      $work/compliance.csv (Excel/WPS), $work/report.json
  console API:     curl --cacert $work/ca.pem -H "Authorization: Bearer \$(cat $work/viewer.token)" https://localhost:$port/api/v1/endpoints
  stored envelope: $work/stored-envelope.json (verified above with $work/device.pub)
  stop the server: kill \$(cat $work/server.pid)
DONE
