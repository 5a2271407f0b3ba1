#include "shouwei/collectors/patches/patches_collector.hpp"

#include <algorithm>
#include <map>

#include <boost/json.hpp>

#include "shouwei/collectors/patches/dpkg_status.hpp"
#include "shouwei/collectors/patches/dpkg_version.hpp"

namespace shouwei::collectors::patches {
namespace json = boost::json;
namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

json::value optional_string(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

json::value optional_time(const std::optional<TimePoint>& t) {
  return t ? json::value(format_rfc3339(*t)) : json::value(nullptr);
}

struct KernelPackage {
  std::string release;
  const InstalledPackage* package;
};

std::vector<KernelPackage> kernel_packages(const std::vector<InstalledPackage>& installed,
                                           bool rpm_family) {
  std::vector<KernelPackage> out;
  for (const auto& p : installed) {
    if (rpm_family) {
      if (p.name != "kernel" && p.name != "kernel-core") continue;
      // The uname release is "<version>-<release>.<arch>"; the epoch is not part of it.
      std::string_view v = p.version;
      if (auto colon = v.find(':'); colon != std::string_view::npos) v.remove_prefix(colon + 1);
      out.push_back({std::string(v) + "." + p.architecture, &p});
    } else {
      std::string_view name = p.name;
      if (!starts_with(name, "linux-image-")) continue;
      name.remove_prefix(12);
      if (starts_with(name, "unsigned-")) name.remove_prefix(9);
      // Meta packages ("linux-image-amd64") name no release; real ones start with a digit.
      if (name.empty() || name.front() < '0' || name.front() > '9') continue;
      out.push_back({std::string(name), &p});
    }
  }
  return out;
}

// true when `a` is a newer kernel package than `b`.
bool newer_kernel(const KernelPackage& a, const KernelPackage& b, bool rpm_family) {
  if (rpm_family) {
    return a.package->install_time.value_or(TimePoint{}) >
           b.package->install_time.value_or(TimePoint{});
  }
  return compare_dpkg_versions(a.package->version, b.package->version) > 0;
}

struct AptResult {
  std::optional<std::vector<PendingUpdate>> pending;  // nullopt: no index could be read
  json::array indexes;
};

AptResult compute_pending(PackageSource& source, const std::vector<InstalledPackage>& installed,
                          json::array& warnings) {
  AptResult result;
  std::string native_arch;
  for (const auto& p : installed) {
    if (p.name == "dpkg") native_arch = p.architecture;
  }
  CandidateIndex candidates(installed, native_arch);
  bool any_read = false;
  for (const auto& index : source.apt_indexes()) {
    bool security = index.release && is_security_release(*index.release);
    json::object entry{
        {"path", index.path},
        {"suite", index.release ? json::value(index.release->suite) : json::value(nullptr)},
        {"origin", index.release ? json::value(index.release->origin) : json::value(nullptr)},
        {"security", security}};
    auto stream = source.open_apt_index(index);
    Result<std::size_t> count = stream ? candidates.offer_index(**stream, security)
                                       : Result<std::size_t>(fail(stream.error()));
    if (count) {
      any_read = true;
      entry["packages"] = *count;
    } else {
      entry["packages"] = nullptr;
      entry["error"] = count.error().message;
      warnings.push_back(json::string(count.error().message));
    }
    result.indexes.push_back(std::move(entry));
  }
  if (any_read) {
    result.pending = candidates.pending();
  } else {
    warnings.push_back("no readable apt package index: pending updates unknown");
  }
  return result;
}

struct LogResult {
  std::optional<CivilTime> last_upgrade, last_change;
};

LogResult scan_logs(PackageSource& source, json::array& warnings) {
  PatchLogScanner dpkg(PatchLogKind::dpkg), history(PatchLogKind::apt_history);
  for (const auto& log : source.patch_logs()) {
    PatchLogScanner& scanner = log.kind == PatchLogKind::dpkg ? dpkg : history;
    scanner.next_file();
    auto stream = source.open_patch_log(log);
    if (!stream) {
      warnings.push_back(json::string(stream.error().message));
      continue;
    }
    auto stats = for_each_line(**stream, [&scanner](std::string_view line) {
      scanner.line(line);
      return true;
    });
    if (!stats) {
      warnings.push_back(json::string(stats.error().message));
    } else if (stats->overlong > 0) {
      warnings.push_back(json::string(log.path + ": " + std::to_string(stats->overlong) +
                                      " overlong lines skipped"));
    }
  }
  LogResult r;
  for (const auto* s : {&dpkg, &history}) {
    if (s->last_upgrade() && (!r.last_upgrade || *r.last_upgrade < *s->last_upgrade())) {
      r.last_upgrade = s->last_upgrade();
    }
    if (s->last_change() && (!r.last_change || *r.last_change < *s->last_change())) {
      r.last_change = s->last_change();
    }
  }
  return r;
}

struct Installed {
  std::string family;
  std::vector<InstalledPackage> packages;
};

Result<Installed> read_installed(PackageSource& source, json::array& warnings) {
  auto status = source.open_dpkg_status();
  if (status) {
    SHOUWEI_TRY(DpkgStatus parsed, read_dpkg_status(**status));
    if (parsed.incomplete > 0 || parsed.malformed_lines > 0 || parsed.overlong_lines > 0) {
      warnings.push_back(json::string(
          "dpkg status: " + std::to_string(parsed.incomplete) + " incomplete paragraphs, " +
          std::to_string(parsed.malformed_lines) + " malformed lines, " +
          std::to_string(parsed.overlong_lines) + " overlong lines skipped"));
    }
    return Installed{"dpkg", std::move(parsed.installed)};
  }
  if (status.error().code != Errc::not_found) return fail(status.error());
  auto rpm = source.rpm_packages();
  if (rpm) return Installed{"rpm", std::move(*rpm)};
  if (rpm.error().code != Errc::not_found) return fail(rpm.error());
  return fail(Errc::not_found,
              "no package database: " + status.error().message + "; " + rpm.error().message);
}

}  // namespace

std::optional<std::string> newest_kernel(const std::vector<InstalledPackage>& installed,
                                         bool rpm_family) {
  auto kernels = kernel_packages(installed, rpm_family);
  if (kernels.empty()) return std::nullopt;
  auto best = std::max_element(kernels.begin(), kernels.end(),
                               [rpm_family](const KernelPackage& a, const KernelPackage& b) {
                                 return newer_kernel(b, a, rpm_family);
                               });
  return best->release;
}

Result<boost::json::object> collect_patches(PackageSource& source) {
  json::array warnings;
  SHOUWEI_TRY(Installed installed, read_installed(source, warnings));
  const bool rpm = installed.family == "rpm";
  auto& packages = installed.packages;
  std::sort(packages.begin(), packages.end(), [](const auto& a, const auto& b) {
    return std::tie(a.name, a.architecture) < std::tie(b.name, b.architecture);
  });

  json::object out;
  out["family"] = installed.family;
  out["installed_count"] = packages.size();
  json::array list;
  list.reserve(packages.size());
  for (const auto& p : packages) {
    list.push_back(
        json::object{{"name", p.name}, {"version", p.version}, {"architecture", p.architecture}});
  }
  out["installed"] = std::move(list);

  // Pending updates: computed from apt's indexes; the rpm side has no repository metadata yet.
  std::optional<std::vector<PendingUpdate>> pending;
  json::array indexes;
  if (!rpm) {
    AptResult apt = compute_pending(source, packages, warnings);
    pending = std::move(apt.pending);
    indexes = std::move(apt.indexes);
  } else {
    warnings.push_back("rpm: pending updates are not computed (repository metadata not read)");
  }
  out["indexes"] = std::move(indexes);
  if (pending) {
    json::array items;
    std::size_t security = 0;
    for (const auto& u : *pending) {
      security += u.security ? 1 : 0;
      items.push_back(json::object{{"name", u.name},
                                   {"architecture", u.architecture},
                                   {"installed", u.installed},
                                   {"candidate", u.candidate},
                                   {"security", u.security}});
    }
    out["pending_count"] = pending->size();
    out["pending_security_count"] = security;
    out["pending"] = std::move(items);
  } else {
    out["pending_count"] = nullptr;
    out["pending_security_count"] = nullptr;
    out["pending"] = nullptr;
  }

  // Last patch: dpkg/apt logs; for rpm, the newest INSTALLTIME (upgrades install a new header).
  std::optional<TimePoint> last_patched, last_change;
  if (rpm) {
    for (const auto& p : packages) {
      if (p.install_time && (!last_patched || *last_patched < *p.install_time))
        last_patched = p.install_time;
    }
    last_change = last_patched;
  } else {
    LogResult logs = scan_logs(source, warnings);
    if (logs.last_upgrade) last_patched = source.local_to_utc(*logs.last_upgrade);
    if (logs.last_change) last_change = source.local_to_utc(*logs.last_change);
  }
  out["last_patched_at"] = optional_time(last_patched);
  out["last_package_change_at"] = optional_time(last_change);

  // Reboot: the marker file (Debian family convention), or a running kernel that is an
  // installed kernel package older than the newest installed one.
  auto running = source.running_kernel();
  auto kernels = kernel_packages(packages, rpm);
  auto newest = newest_kernel(packages, rpm);
  std::optional<bool> kernel_outdated;
  if (running && newest) {
    auto it = std::find_if(kernels.begin(), kernels.end(),
                           [&](const KernelPackage& k) { return k.release == *running; });
    if (it != kernels.end()) kernel_outdated = *newest != *running;
  }
  json::value reboot = nullptr;
  json::array reboot_packages;
  auto marker = source.reboot_marker();
  if (!marker) {
    warnings.push_back(json::string(marker.error().message));
  } else {
    for (const auto& p : marker->packages) reboot_packages.push_back(json::string(p));
    if (marker->required || kernel_outdated.value_or(false)) {
      reboot = true;
    } else if (!rpm || kernel_outdated) {
      // dpkg family: packages that need a reboot create the marker, so its absence is a fact.
      reboot = false;
    }
  }
  out["reboot_required"] = reboot;
  out["reboot_required_packages"] = std::move(reboot_packages);
  out["running_kernel"] = optional_string(running);
  out["newest_kernel"] = optional_string(newest);
  out["warnings"] = std::move(warnings);
  return out;
}

}  // namespace shouwei::collectors::patches

namespace shouwei::collectors {
namespace {

class PatchesCollector final : public Collector {
 public:
  explicit PatchesCollector(std::unique_ptr<patches::PackageSource> source)
      : source_(std::move(source)) {}
  std::string_view section() const override { return "patches"; }
  Result<boost::json::object> collect(const CollectContext&) override {
    return patches::collect_patches(*source_);
  }

 private:
  std::unique_ptr<patches::PackageSource> source_;
};

}  // namespace

std::unique_ptr<Collector> make_patches_collector(std::unique_ptr<patches::PackageSource> source) {
  return std::make_unique<PatchesCollector>(std::move(source));
}

}  // namespace shouwei::collectors
