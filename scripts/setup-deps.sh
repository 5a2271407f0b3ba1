#!/usr/bin/env bash
# Installs, with apt-get, every Debian 12 package the build and the tests need that is missing.
# Idempotent and quiet when nothing is missing.
# Usage: scripts/setup-deps.sh [--tests] [--windows]
#   --windows  the mingw-w64 cross compilers, Wine 8 and what scripts/build-win-deps.sh needs
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  clang-14 clang-format-14 lld-14 libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libcurl4-openssl-dev libsqlite3-dev sqlite3 zlib1g-dev liblz4-dev
  libspdlog-dev libfmt-dev libtomlplusplus-dev libcli11-dev doctest-dev
  libblkid-dev libsystemd-dev libbenchmark-dev libpq-dev libxxhash-dev
  openssl iproute2 procps
)
want_tests=0
want_windows=0
for arg in "$@"; do
  case "$arg" in
    --tests) want_tests=1 ;;
    --windows) want_windows=1 ;;
    *) echo "usage: $0 [--tests] [--windows]" >&2; exit 2 ;;
  esac
done
if ((want_tests)); then
  # Independent implementations and real formats the tests check against.
  packages+=(python3 python3-cryptography python3-jsonschema)
  # node: ECMAScript's own JSON.stringify, the reference for RFC 8785 canonical JSON (tests/common).
  packages+=(nodejs)
  # tests/usb makes FAT32 disk images with a real MBR (mkfs.vfat, sfdisk).
  packages+=(dosfstools fdisk)
  # tests/media registers MBR, GPT and superfloppy images: FAT32, exFAT, NTFS; mtools reads FAT.
  packages+=(gdisk exfatprogs ntfs-3g mtools)
  # tests/qemu boots Debian's kernel (fetched with apt-get download) under QEMU with a busybox
  # initramfs for the media gate's real-kernel test and bench/media_gate.
  packages+=(qemu-system-x86 busybox-static)
  # tests/server runs the store contract on a throwaway PostgreSQL 15 cluster (initdb, pg_ctl).
  packages+=(postgresql-15)
  # bench/categories/run.sh compares the categoriser with squidGuard 1.6.
  packages+=(squidguard)
  # tests/browsing drives real headless browsers (drive_browser.py speaks CDP / WebDriver BiDi).
  packages+=(chromium firefox-esr python3-websocket)
  # tests/antivirus cross-checks CVD headers with ClamAV's sigtool; tests/fixtures/patches and
  # antivirus regenerate with lz4 and python3.
  packages+=(clamav lz4)
  # tests/packaging: lintian, rpm (rpmbuild, rpm -qp), debconf-set-selections, systemd-analyze
  # verify, and wixl/msitools for the MSI.
  packages+=(lintian rpm debconf-utils systemd wixl msitools)
fi
if ((want_windows)); then
  # The Windows agent: mingw-w64 cross compilers (posix threads: std::mutex/std::thread), zlib
  # for mingw, Wine 8 to run its tests, and dpkg-dev + the autotools/perl/tcl that
  # scripts/build-win-deps.sh needs to build OpenSSL, libcurl and SQLite (its amalgamation is
  # generated with tclsh) from Debian's sources.
  packages+=(g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix libz-mingw-w64-dev wine64)
  packages+=(dpkg-dev perl make autoconf automake libtool tcl)
  # tests/win/e2e asks the Linux server over HTTPS (curl) and validates the Windows snapshot
  # against the JSON schemas (python3-jsonschema).
  packages+=(curl python3 python3-jsonschema)
  # The agent's MSI (packaging/win/build-msi.sh) and its test under Wine (tests/win/core).
  packages+=(wixl msitools)
fi
if [[ -n "${SHOUWEI_EXTRA_PACKAGES:-}" ]]; then
  read -r -a extra <<<"${SHOUWEI_EXTRA_PACKAGES}"
  packages+=("${extra[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "setup-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
