#include <algorithm>
#include <string>

#include "shouwei/collectors/patches/decompress.hpp"
#include "shouwei/collectors/patches/rpm_header.hpp"
#include "shouwei/common/sqlite.hpp"
#include "shouwei/platform/linux/package_source.hpp"

namespace shouwei::platform {
namespace {

using namespace collectors::patches;

constexpr std::string_view kDpkgStatus = "/var/lib/dpkg/status";
constexpr std::string_view kAptLists = "/var/lib/apt/lists";
constexpr std::string_view kRebootMarker = "/run/reboot-required";
constexpr std::string_view kRebootPackages = "/run/reboot-required.pkgs";
constexpr std::string_view kOsRelease = "/proc/sys/kernel/osrelease";
// rpm >= 4.16 keeps the database here (openEuler, Fedora, RHEL 9); some move it to sysimage.
constexpr std::string_view kRpmDbPaths[] = {"/var/lib/rpm/rpmdb.sqlite",
                                            "/usr/lib/sysimage/rpm/rpmdb.sqlite"};
constexpr std::string_view kRpmBerkeleyDb = "/var/lib/rpm/Packages";

constexpr std::size_t kMaxStatusBytes = 512u << 20;  // real ones are a few MB
constexpr std::size_t kMaxIndexBytes = 1024u << 20;  // bookworm main is ~50 MB
constexpr std::size_t kMaxReleaseBytes = 16u << 20;
constexpr std::size_t kLogTailBytes = 64u << 20;  // the latest 64 MB of a plain log
constexpr std::size_t kMaxCompressedLogBytes = 512u << 20;
constexpr std::size_t kMaxRpmPackages = 200000;

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string join(std::string_view dir, std::string_view name) {
  return std::string(dir) + "/" + std::string(name);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

class LinuxPackageSource final : public PackageSource {
 public:
  explicit LinuxPackageSource(RootFs root) : root_(std::move(root)) {}

  Result<std::unique_ptr<ByteStream>> open_dpkg_status() override {
    SHOUWEI_TRY(auto raw, open_file_stream(root_, kDpkgStatus));
    return decompressing_stream(std::move(raw), Compression::none, std::string(kDpkgStatus),
                                kMaxStatusBytes);
  }

  Result<std::vector<InstalledPackage>> rpm_packages() override {
    for (std::string_view path : kRpmDbPaths) {
      if (root_.exists(path)) return read_rpmdb(path);
    }
    if (root_.exists(kRpmBerkeleyDb)) {
      return fail(Errc::unsupported,
                  std::string(kRpmBerkeleyDb) +
                      ": Berkeley DB rpm database is not supported (sqlite rpmdb only)");
    }
    return fail(Errc::not_found, std::string(kRpmDbPaths[0]) + ": not found");
  }

  std::vector<AptIndexFile> apt_indexes() override {
    auto names = root_.list(kAptLists);
    std::vector<std::string_view> releases;
    for (const auto& n : names) {
      if (ends_with(n, "_InRelease") || ends_with(n, "_Release")) releases.push_back(n);
    }
    std::vector<AptIndexFile> out;
    for (const auto& n : names) {
      std::size_t pos = n.rfind("_Packages");
      if (pos == std::string::npos) continue;
      // "_Packages" plain or compressed; not "_Packages.diff_Index" and the like.
      std::string_view rest = std::string_view(n).substr(pos + 9);
      if (!rest.empty() && compression_for(rest) == Compression::none) continue;
      AptIndexFile index{join(kAptLists, n), index_architecture(n), std::nullopt};
      if (auto release = release_for(n, releases)) index.release = std::move(*release);
      out.push_back(std::move(index));
    }
    return out;
  }

  Result<std::unique_ptr<ByteStream>> open_apt_index(const AptIndexFile& index) override {
    return open_compressed(index.path, std::nullopt, kMaxIndexBytes);
  }

  std::vector<PatchLogFile> patch_logs() override {
    std::vector<PatchLogFile> out;
    for (const auto& n : root_.list("/var/log")) {
      if (n == "dpkg.log" || starts_with(n, "dpkg.log."))
        out.push_back({join("/var/log", n), PatchLogKind::dpkg});
    }
    for (const auto& n : root_.list("/var/log/apt")) {
      if (n == "history.log" || starts_with(n, "history.log.")) {
        out.push_back({join("/var/log/apt", n), PatchLogKind::apt_history});
      }
    }
    return out;
  }

  Result<std::unique_ptr<ByteStream>> open_patch_log(const PatchLogFile& log) override {
    return open_compressed(log.path, kLogTailBytes, kMaxCompressedLogBytes);
  }

  std::optional<TimePoint> local_to_utc(const CivilTime& local) const override {
    return platform::local_to_utc(local);
  }

  Result<RebootMarker> reboot_marker() override {
    RebootMarker marker;
    marker.required = root_.exists(kRebootMarker);
    if (!root_.exists(kRebootPackages)) return marker;
    SHOUWEI_TRY(std::string text, root_.read(kRebootPackages, 1u << 20));
    std::string_view rest = text;
    while (!rest.empty()) {
      std::size_t nl = rest.find('\n');
      std::string_view line = trim(rest.substr(0, nl));
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
      if (!line.empty() && std::find(marker.packages.begin(), marker.packages.end(), line) ==
                               marker.packages.end()) {
        marker.packages.emplace_back(line);
      }
    }
    return marker;
  }

  std::optional<std::string> running_kernel() override {
    auto text = root_.read(kOsRelease, 4096);
    if (!text) return std::nullopt;
    std::string_view release = trim(*text);
    if (release.empty()) return std::nullopt;
    return std::string(release);
  }

 private:
  // Plain files may be tail-read; compressed ones are read from the start with an output cap.
  Result<std::unique_ptr<ByteStream>> open_compressed(const std::string& path,
                                                      std::optional<std::size_t> plain_tail,
                                                      std::size_t max_output) {
    Compression c = compression_for(path);
    if (c == Compression::unsupported) {
      return fail(Errc::unsupported, path + ": compression format not supported");
    }
    SHOUWEI_TRY(auto raw,
                open_file_stream(root_, path, c == Compression::none ? plain_tail : std::nullopt));
    return decompressing_stream(std::move(raw), c, path, max_output);
  }

  // The Release file of an index is the one whose name, less "InRelease"/"Release", is the
  // longest prefix of the index's name; InRelease is preferred (apt keeps one or the other).
  std::optional<ReleaseInfo> release_for(std::string_view index_name,
                                         const std::vector<std::string_view>& releases) {
    std::string_view best;
    std::size_t best_len = 0;
    for (std::string_view r : releases) {
      std::size_t suffix = ends_with(r, "_InRelease") ? 9 : 7;
      std::string_view prefix = r.substr(0, r.size() - suffix);
      if (starts_with(index_name, prefix) &&
          (prefix.size() > best_len || (prefix.size() == best_len && suffix == 9))) {
        best = r;
        best_len = prefix.size();
      }
    }
    if (best.empty()) return std::nullopt;
    auto text = root_.read(join(kAptLists, best), kMaxReleaseBytes);
    if (!text) return std::nullopt;
    return parse_release(*text);
  }

  Result<std::vector<InstalledPackage>> read_rpmdb(std::string_view path) {
    sqlite::OpenOptions options;
    options.create = false;
    options.read_only = true;
    options.wal = false;
    SHOUWEI_TRY(auto db, sqlite::Database::open(root_.resolve(path), options));
    SHOUWEI_TRY(auto stmt, db.prepare("SELECT blob FROM Packages"));
    std::vector<InstalledPackage> out;
    std::size_t bad = 0;
    std::string first_error;
    for (;;) {
      SHOUWEI_TRY(bool row, stmt.step());
      if (!row) break;
      if (out.size() >= kMaxRpmPackages) {
        return fail(Errc::limit_exceeded, std::string(path) + ": more than " +
                                              std::to_string(kMaxRpmPackages) + " packages");
      }
      auto p = parse_rpm_header(stmt.get_text(0));
      if (!p) {
        if (bad++ == 0) first_error = p.error().message;
        continue;
      }
      if (p->name == "gpg-pubkey") continue;  // imported signing keys, not software
      out.push_back(std::move(*p));
    }
    if (out.empty() && bad > 0) {
      return fail(Errc::corrupt,
                  std::string(path) + ": no readable package header (" + first_error + ")");
    }
    return out;
  }

  RootFs root_;
};

}  // namespace

std::unique_ptr<PackageSource> make_linux_package_source(const RootFs& root) {
  return std::make_unique<LinuxPackageSource>(root);
}

}  // namespace shouwei::platform
