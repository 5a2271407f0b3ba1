// The Linux InventorySource: files under the root, plus uname(2) and getifaddrs(3) when the
// root is the live host (where they are the authority and /proc may be hidden or partial).
#include <filesystem>
#include <string>
#include <sys/utsname.h>

#include "interfaces.hpp"
#include "shouwei/collectors/inventory/inventory_source.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/platform/inventory/kernel_files.hpp"
#include "shouwei/platform/inventory/os_release.hpp"
#include "shouwei/platform/inventory/passwd.hpp"
#include "shouwei/platform/inventory/utmp.hpp"
#include "source_files.hpp"

namespace shouwei::platform {
namespace {

using collectors::InventoryFacts;

constexpr std::size_t kSmallFileBytes = 64 * 1024;
constexpr std::size_t kProcStatBytes = 4 * 1024 * 1024;  // grows with CPUs and interrupts
constexpr std::size_t kPasswdBytes = 16 * 1024 * 1024;

std::string count_message(const std::string& path, std::size_t n, std::string_view what) {
  return path + ": " + std::to_string(n) + " " + std::string(what);
}

// A one-value file (hostname, kernel release), first existing of paths.
std::optional<std::string> read_value(const RootFs& root,
                                      std::initializer_list<std::string_view> paths,
                                      Warnings& warnings) {
  const auto file = read_first(root, paths, kSmallFileBytes, warnings);
  if (!file) return std::nullopt;
  auto value = first_value_line(file->content);
  if (!value) warnings.push_back(file->path + ": empty");
  return value;
}

collectors::OsInfo read_os(const RootFs& root, Warnings& warnings) {
  const auto release =
      read_first(root, {"/etc/os-release", "/usr/lib/os-release"}, kSmallFileBytes, warnings);
  KeyValues os_release, os_version;
  if (release) {
    os_release = parse_os_release(release->content);
    if (os_release.empty()) warnings.push_back(release->path + ": no KEY=value assignment");
  }
  if (const auto version = read_first(root, {"/etc/os-version"}, kSmallFileBytes, warnings)) {
    os_version = parse_os_version(version->content);
  }
  return os_info_from(os_release, os_version);
}

std::optional<TimePoint> read_boot_time(const RootFs& root, Warnings& warnings) {
  const auto file = read_first(root, {"/proc/stat"}, kProcStatBytes, warnings);
  if (!file) return std::nullopt;
  auto btime = parse_btime(file->content);
  if (!btime) warnings.push_back(file->path + ": no valid btime line");
  return btime;
}

std::optional<std::vector<collectors::LocalUser>> read_users(const RootFs& root,
                                                             Warnings& warnings) {
  const auto passwd = read_first(root, {"/etc/passwd"}, kPasswdBytes, warnings);
  if (!passwd) return std::nullopt;
  std::optional<std::vector<std::string>> shells;
  if (const auto f = read_first(root, {"/etc/shells"}, kSmallFileBytes, warnings))
    shells = parse_shells(f->content);
  auto parsed = parse_passwd(passwd->content, shells);
  if (parsed.malformed_lines > 0) {
    warnings.push_back(
        count_message(passwd->path, parsed.malformed_lines, "malformed lines skipped"));
  }
  return std::move(parsed.users);
}

std::optional<std::vector<collectors::LoginSession>> read_sessions(const RootFs& root,
                                                                   Warnings& warnings) {
  const auto file = read_first(root, {"/run/utmp", "/var/run/utmp"}, kUtmpMaxBytes, warnings);
  if (!file) return std::nullopt;
  const auto parsed = parse_utmp(file->content);
  if (parsed.trailing_bytes > 0) {
    warnings.push_back(count_message(file->path, parsed.trailing_bytes,
                                     "trailing bytes ignored (not a whole 384-byte utmp record)"));
  }
  return login_sessions(parsed.records);
}

class LinuxInventorySource final : public collectors::InventorySource {
 public:
  explicit LinuxInventorySource(RootFs root) : root_(std::move(root)) {}

  Result<InventoryFacts> read() override {
    std::error_code ec;
    if (!std::filesystem::is_directory(root_.root(), ec)) {
      return fail(Errc::not_found,
                  root_.root().string() + ": inventory root is not a readable directory");
    }
    InventoryFacts facts;
    auto& warnings = facts.warnings;
    if (root_.is_host_root()) {
      read_live_identity(facts);
    } else {
      facts.hostname = read_value(root_, {"/proc/sys/kernel/hostname", "/etc/hostname"}, warnings);
      facts.kernel = read_value(root_, {"/proc/sys/kernel/osrelease"}, warnings);
      facts.arch = read_value(root_, {"/proc/sys/kernel/arch"}, warnings);
    }
    facts.os = read_os(root_, warnings);
    facts.boot_time = read_boot_time(root_, warnings);
    facts.users = read_users(root_, warnings);
    facts.sessions = read_sessions(root_, warnings);
    if (root_.is_host_root()) {
      auto nics = read_host_interfaces();
      if (nics.ok())
        facts.interfaces = std::move(nics).value();
      else
        warnings.push_back(nics.error().message);
    } else {
      facts.interfaces = read_sysfs_interfaces(root_, warnings);
    }
    return facts;
  }

 private:
  // Hostname, kernel release and machine of the running kernel (its UTS namespace: the same
  // name `hostname` prints).
  static void read_live_identity(InventoryFacts& facts) {
    utsname u{};
    if (uname(&u) != 0) {
      facts.warnings.push_back(errno_message("uname", "failed"));
      return;
    }
    facts.hostname = std::string(u.nodename);
    facts.kernel = std::string(u.release);
    facts.arch = std::string(u.machine);
  }

  RootFs root_;
};

}  // namespace
}  // namespace shouwei::platform

namespace shouwei::collectors {

std::unique_ptr<InventorySource> make_inventory_source(const RootFs& root) {
  return std::make_unique<platform::LinuxInventorySource>(root);
}

}  // namespace shouwei::collectors
