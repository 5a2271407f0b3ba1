// Fakes for the Windows side of the antivirus collector: an AvProducts with a registry and a
// process list (China Standard Time, UTC+8), and a WindowsSecuritySource fed from the WMI
// fixtures in tests/fixtures/antivirus/windows (a missing file: the namespace did not answer).
#pragma once

#include <filesystem>
#include <map>

#include <boost/json.hpp>

#include "shouwei/collectors/antivirus/av_products.hpp"
#include "shouwei/collectors/antivirus/windows_security.hpp"
#include "shouwei/common/file_io.hpp"

namespace shouwei::test {

class FakeWindowsHost final : public collectors::antivirus::AvProducts {
 public:
  std::map<std::pair<std::string, std::string>, collectors::antivirus::RegistryValue> registry;
  std::vector<std::string> processes;

  Result<std::string> read_text(std::string_view path, std::size_t) override {
    return fail(Errc::not_found, std::string(path) + ": not found");
  }
  Result<std::string> read_head(std::string_view path, std::size_t) override {
    return fail(Errc::not_found, std::string(path) + ": not found");
  }
  Result<std::vector<collectors::antivirus::FileInfo>> glob(std::string_view) override {
    return std::vector<collectors::antivirus::FileInfo>{};
  }
  Result<std::vector<std::string>> process_names() override { return processes; }
  std::optional<TimePoint> local_to_utc(int y, int mo, int d, int h, int mi, int s) const override {
    std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(mo)),
                                    std::chrono::day(unsigned(d))};
    return std::chrono::sys_days(ymd) + std::chrono::hours(h - 8) + std::chrono::minutes(mi) +
           std::chrono::seconds(s);
  }
  std::string_view platform() const override { return "windows"; }
  Result<collectors::antivirus::RegistryValue> read_registry_value(std::string_view key,
                                                                   std::string_view name) override {
    auto it = registry.find({std::string(key), std::string(name)});
    if (it == registry.end())
      return fail(Errc::not_found, "registry " + std::string(key) + ": not found");
    return it->second;
  }

  void set_text(const std::string& key, const std::string& name, std::string text) {
    registry[{key, name}] = {collectors::antivirus::RegistryValue::Kind::text, std::move(text), 0};
  }
  void set_number(const std::string& key, const std::string& name, std::uint64_t n) {
    registry[{key, name}] = {collectors::antivirus::RegistryValue::Kind::number, "", n};
  }
};

class WmiFixtureSecurity final : public collectors::antivirus::WindowsSecuritySource {
 public:
  explicit WmiFixtureSecurity(std::filesystem::path dir) : dir_(std::move(dir)) {}

  Result<std::vector<collectors::antivirus::SecurityCenterProduct>> security_center_products()
      override {
    SHOUWEI_TRY(auto doc, load("AntiVirusProduct.json", "ROOT\\SecurityCenter2"));
    std::vector<collectors::antivirus::SecurityCenterProduct> out;
    for (const auto& v : doc.as_array()) {
      const auto& o = v.as_object();
      collectors::antivirus::SecurityCenterProduct p;
      p.display_name = str(o, "displayName");
      p.instance_guid = str(o, "instanceGuid");
      if (const auto* s = o.if_contains("productState"); s && s->is_int64())
        p.product_state = static_cast<std::uint32_t>(s->as_int64());
      p.path_to_signed_product_exe = str(o, "pathToSignedProductExe");
      p.timestamp = str(o, "timestamp");
      out.push_back(std::move(p));
    }
    return out;
  }

  Result<collectors::antivirus::DefenderStatus> defender_status() override {
    SHOUWEI_TRY(auto doc, load("MSFT_MpComputerStatus.json", "ROOT\\Microsoft\\Windows\\Defender"));
    const auto& o = doc.as_object();
    auto text = [&](const char* k) -> std::optional<std::string> {
      if (const auto* v = o.if_contains(k); v && v->is_string()) return std::string(v->as_string());
      return std::nullopt;
    };
    auto flag = [&](const char* k) -> std::optional<bool> {
      if (const auto* v = o.if_contains(k); v && v->is_bool()) return v->as_bool();
      return std::nullopt;
    };
    collectors::antivirus::DefenderStatus d;
    d.signature_version = text("AntivirusSignatureVersion");
    d.signature_last_updated = text("AntivirusSignatureLastUpdated");
    if (const auto* v = o.if_contains("AntivirusSignatureAge"); v && v->is_int64())
      d.signature_age_days = static_cast<std::uint32_t>(v->as_int64());
    d.realtime_protection_enabled = flag("RealTimeProtectionEnabled");
    d.am_service_enabled = flag("AMServiceEnabled");
    d.antivirus_enabled = flag("AntivirusEnabled");
    d.am_product_version = text("AMProductVersion");
    d.am_running_mode = text("AMRunningMode");
    return d;
  }

 private:
  Result<boost::json::value> load(const char* name, const char* ns) {
    auto text = read_file(dir_ / name);
    if (!text) {
      return fail(Errc::unavailable, std::string("WMI ConnectServer ") + ns +
                                         ": 0x8004100E (WBEM_E_INVALID_NAMESPACE)");
    }
    return boost::json::parse(*text);
  }
  static std::string str(const boost::json::object& o, const char* k) {
    const auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  }

  std::filesystem::path dir_;
};

}  // namespace shouwei::test
