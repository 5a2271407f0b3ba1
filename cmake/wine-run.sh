#!/usr/bin/env bash
# CMAKE_CROSSCOMPILING_EMULATOR of the Windows build: runs a Windows program under Wine 8 and
# exits with its exit code (Wine cuts it to 8 bits, as a POSIX exit status is).
#
# WINEPREFIX: the caller's, else /tmp/shouwei-wine-<uid>. A new prefix is initialised once
# (wineboot --init, 5-10 s) under a lock, so parallel tests never race to create it.
# WINEDEBUG=-all unless the caller set it. Fails (exit 127) when Wine is not installed: the
# Windows tests must fail, never pass vacuously, when they cannot run.
set -euo pipefail

wine=""
for candidate in wine64 /usr/lib/wine/wine64 wine; do
  if command -v "$candidate" >/dev/null 2>&1; then wine=$(command -v "$candidate"); break; fi
done
if [[ -z "$wine" ]]; then
  echo "wine-run: Wine is not installed (scripts/setup-deps.sh --windows installs wine64)" >&2
  exit 127
fi
wineserver="$(dirname "$wine")/wineserver"
[[ -x "$wineserver" ]] || wineserver=wineserver

export WINEPREFIX="${WINEPREFIX:-/tmp/shouwei-wine-$(id -u)}"
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"  # no Mono/Gecko install prompts
unset DISPLAY WAYLAND_DISPLAY

if [[ ! -f "$WINEPREFIX/.shouwei-ready" ]]; then
  mkdir -p "$(dirname "$WINEPREFIX")"
  exec 9>"$WINEPREFIX.lock"
  flock 9
  if [[ ! -f "$WINEPREFIX/.shouwei-ready" ]]; then
    "$wine" wineboot --init >/dev/null 2>&1 || true
    "$wineserver" -w
    [[ -f "$WINEPREFIX/system.reg" ]] || { echo "wine-run: wineboot failed for $WINEPREFIX" >&2; exit 127; }
    touch "$WINEPREFIX/.shouwei-ready"
  fi
  exec 9>&-
fi

exec "$wine" "$@"
