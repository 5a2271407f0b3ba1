#!/usr/bin/env bash
# Builds the agent's MSI from packaging/win/shouwei-agent.wxs with wixl (Debian's wixl and
# msitools), then adds what wixl refuses in the source:
#   SecureCustomProperties  the public properties, so that they reach the elevated (server-side)
#                           part of an installation started by a non-SYSTEM administrator;
#   MsiHiddenProperties     the enrollment secret and the custom action data carrying it, kept
#                           out of the installation log, and msidbCustomActionTypeHideTarget
#                           (0x2000) on the two custom actions that carry it.
#
# Usage: build-msi.sh --agent shouwei-agent.exe --version X.Y.Z --out shouwei-agent-X.Y.Z.msi
# (the CMake target shouwei-agent-msi of a mingw-w64 build runs it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
agent="" version="" out=""
while (($#)); do
  case "$1" in
    --agent) agent="$2"; shift ;;
    --version) version="$2"; shift ;;
    --out) out="$2"; shift ;;
    *) echo "usage: $0 --agent EXE --version X.Y.Z --out FILE.msi" >&2; exit 2 ;;
  esac
  shift
done
[[ -n "$agent" && -n "$version" && -n "$out" ]] || { echo "usage: $0 --agent EXE --version X.Y.Z --out FILE.msi" >&2; exit 2; }
[[ -f "$agent" ]] || { echo "build-msi: $agent: no such file" >&2; exit 1; }
command -v wixl >/dev/null && command -v msibuild >/dev/null ||
  { echo "build-msi: wixl and msibuild missing (apt-get install wixl msitools)" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# wixl resolves File/@Source and Binary/@SourceFile against the working directory.
cp "$here/shouwei-agent.wxs" "$here/config.js" "$stage/"
# The debug information (most of a RelWithDebInfo build's 200 MB) stays out of the package.
if [[ "$(head -c 2 "$agent")" == MZ ]] && command -v x86_64-w64-mingw32-strip >/dev/null; then
  x86_64-w64-mingw32-strip --strip-debug -o "$stage/shouwei-agent.exe" "$agent"
else
  cp "$agent" "$stage/shouwei-agent.exe"
fi
(cd "$stage" && wixl -a x64 -D Version="$version" -o agent.msi shouwei-agent.wxs)
# wixl has already listed MajorUpgrade's properties in SecureCustomProperties: extend it.
public="SERVER_URL;ENROLL_SECRET;ZONE;CA;POLICY_KEY;MEDIA_KEY"
secure=$(msiinfo export "$stage/agent.msi" Property | tr -d '\r' | sed -n 's/^SecureCustomProperties\t//p')
if [[ -n "$secure" ]]; then
  msibuild "$stage/agent.msi" -q "UPDATE \`Property\` SET \`Value\` = '$secure;$public' \
WHERE \`Property\` = 'SecureCustomProperties'"
else
  msibuild "$stage/agent.msi" -q "INSERT INTO \`Property\` (\`Property\`, \`Value\`) \
VALUES ('SecureCustomProperties', '$public')"
fi
msibuild "$stage/agent.msi" -q "INSERT INTO \`Property\` (\`Property\`, \`Value\`) \
VALUES ('MsiHiddenProperties', 'ENROLL_SECRET;WriteConfig')"
for action in SetWriteConfigData WriteConfig; do
  type=$(msiinfo export "$stage/agent.msi" CustomAction | tr -d '\r' | awk -F'\t' -v a="$action" '$1 == a { print $2 }')
  [[ -n "$type" ]] || { echo "build-msi: custom action $action missing" >&2; exit 1; }
  msibuild "$stage/agent.msi" -q "UPDATE \`CustomAction\` SET \`Type\` = $((type | 0x2000)) \
WHERE \`Action\` = '$action'"
done
mv -f "$stage/agent.msi" "$out"
