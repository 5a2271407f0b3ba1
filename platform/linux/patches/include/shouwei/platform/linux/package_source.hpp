// The Linux PackageSource: dpkg (/var/lib/dpkg/status), apt (/var/lib/apt/lists), rpm
// (/var/lib/rpm/rpmdb.sqlite), logs (/var/log/dpkg.log*, /var/log/apt/history.log*), the
// reboot marker (/run/reboot-required[.pkgs]) and the running kernel
// (/proc/sys/kernel/osrelease), every path resolved under a RootFs.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

#include "shouwei/collectors/patches/byte_stream.hpp"
#include "shouwei/collectors/patches/package_source.hpp"
#include "shouwei/collectors/patches/patch_log.hpp"
#include "shouwei/common/root_fs.hpp"

namespace shouwei::platform {

// The root is copied; the source may outlive the caller's RootFs.
std::unique_ptr<collectors::patches::PackageSource> make_linux_package_source(const RootFs& root);

// A ByteStream over a file under `root`. With `tail_bytes`, only the last tail_bytes of the file
// are read (for logs whose newest lines are last). Fails naming the in-system path.
Result<std::unique_ptr<collectors::patches::ByteStream>> open_file_stream(
    const RootFs& root, std::string_view system_path,
    std::optional<std::size_t> tail_bytes = std::nullopt);

// Reads at most `max_bytes` from the start of a file (a shorter file yields fewer bytes).
Result<std::string> read_file_head(const RootFs& root, std::string_view system_path,
                                   std::size_t max_bytes);

// Local wall-clock time to UTC in this host's time zone (TZ / /etc/localtime, via mktime).
// With --root the host's zone is used: the root's zone database is not consulted.
std::optional<TimePoint> local_to_utc(const collectors::patches::CivilTime& local);

}  // namespace shouwei::platform
