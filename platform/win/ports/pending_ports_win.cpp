// Placeholders for the Windows ports still to be written (see pending_ports.hpp). Every call
// fails with Errc::unsupported; nothing here touches the system.
#include "shouwei/platform/win/pending_ports.hpp"

namespace shouwei::platform::win {
namespace {

Failure pending(const char* port) {
  return fail(Errc::unsupported, std::string(port) + ": not yet implemented on Windows");
}

class PendingPackageSource final : public collectors::patches::PackageSource {
 public:
  Result<std::unique_ptr<collectors::patches::ByteStream>> open_dpkg_status() override {
    return pending("patches: dpkg status");
  }
  Result<std::vector<collectors::patches::InstalledPackage>> rpm_packages() override {
    return pending("patches: rpm database");
  }
  std::vector<collectors::patches::AptIndexFile> apt_indexes() override { return {}; }
  Result<std::unique_ptr<collectors::patches::ByteStream>> open_apt_index(
      const collectors::patches::AptIndexFile&) override {
    return pending("patches: apt index");
  }
  std::vector<collectors::patches::PatchLogFile> patch_logs() override { return {}; }
  Result<std::unique_ptr<collectors::patches::ByteStream>> open_patch_log(
      const collectors::patches::PatchLogFile&) override {
    return pending("patches: patch log");
  }
  std::optional<TimePoint> local_to_utc(const collectors::patches::CivilTime&) const override {
    return std::nullopt;
  }
  Result<collectors::patches::RebootMarker> reboot_marker() override {
    return pending("patches: reboot marker");
  }
  std::optional<std::string> running_kernel() override { return std::nullopt; }
};

class PendingAvProducts final : public collectors::antivirus::AvProducts {
 public:
  Result<std::string> read_text(std::string_view, std::size_t) override {
    return pending("antivirus");
  }
  Result<std::string> read_head(std::string_view, std::size_t) override {
    return pending("antivirus");
  }
  Result<std::vector<collectors::antivirus::FileInfo>> glob(std::string_view) override {
    return pending("antivirus");
  }
  Result<std::vector<std::string>> process_names() override { return pending("antivirus"); }
  std::optional<TimePoint> local_to_utc(int, int, int, int, int, int) const override {
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<collectors::patches::PackageSource> make_pending_package_source() {
  return std::make_unique<PendingPackageSource>();
}
std::unique_ptr<collectors::antivirus::AvProducts> make_pending_av_products() {
  return std::make_unique<PendingAvProducts>();
}

}  // namespace shouwei::platform::win
