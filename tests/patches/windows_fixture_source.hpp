// A WindowsUpdateSource fed from a fixture directory of API outputs (see
// tests/fixtures/patches/windows/README.md). A missing file is a source that did not answer,
// failing with the error the real call gives under Wine.
#pragma once

#include <filesystem>

#include <boost/json.hpp>

#include "shouwei/collectors/patches/windows_update_source.hpp"
#include "shouwei/common/file_io.hpp"

namespace shouwei::test {

class WindowsFixtureSource final : public collectors::patches::WindowsUpdateSource {
 public:
  explicit WindowsFixtureSource(std::filesystem::path dir) : dir_(std::move(dir)) {}

  Result<collectors::patches::WindowsUpdateSearch> pending_updates() override {
    SHOUWEI_TRY(auto doc, load("IUpdateSearcher.Search.json",
                               "IUpdateSearcher::Search: 0x80004001 (E_NOTIMPL)"));
    collectors::patches::WindowsUpdateSearch out;
    const auto& o = doc.as_object();
    if (const auto* last = o.if_contains("LastSearchSuccessDate"); last && last->is_string())
      out.last_search_success = parse_rfc3339(last->as_string());
    for (const auto& v : o.at("Updates").as_array()) {
      const auto& u = v.as_object();
      collectors::patches::WindowsPendingUpdate p;
      p.title = str(u, "Title");
      p.update_id = str(u.at("Identity").as_object(), "UpdateID");
      for (const auto& kb : u.at("KBArticleIDs").as_array())
        p.kb_article_ids.emplace_back(kb.as_string());
      p.msrc_severity = str(u, "MsrcSeverity");
      p.categories = categories(u);
      out.updates.push_back(std::move(p));
    }
    return out;
  }

  Result<std::vector<collectors::patches::UpdateHistoryEntry>> update_history() override {
    SHOUWEI_TRY(auto doc, load("IUpdateSearcher.QueryHistory.json",
                               "IUpdateSearcher::QueryHistory: 0x80004001 (E_NOTIMPL)"));
    std::vector<collectors::patches::UpdateHistoryEntry> out;
    for (const auto& v : doc.as_array()) {
      const auto& e = v.as_object();
      collectors::patches::UpdateHistoryEntry h;
      h.title = str(e, "Title");
      h.update_id = str(e.at("UpdateIdentity").as_object(), "UpdateID");
      h.operation = static_cast<int>(e.at("Operation").as_int64());
      h.result_code = static_cast<int>(e.at("ResultCode").as_int64());
      h.hresult = static_cast<std::int32_t>(e.at("HResult").as_int64());
      h.date = parse_rfc3339(e.at("Date").as_string());
      h.categories = categories(e);
      out.push_back(std::move(h));
    }
    return out;
  }

  Result<std::vector<collectors::patches::HotFix>> hotfixes() override {
    SHOUWEI_TRY(
        auto doc,
        load("Win32_QuickFixEngineering.json",
             "WMI ROOT\\CIMV2 Win32_QuickFixEngineering: 0x80041010 (WBEM_E_INVALID_CLASS)"));
    std::vector<collectors::patches::HotFix> out;
    for (const auto& v : doc.as_array()) {
      const auto& h = v.as_object();
      out.push_back({str(h, "HotFixID"), str(h, "Description"), str(h, "InstalledOn"),
                     str(h, "InstalledBy")});
    }
    return out;
  }

  Result<collectors::patches::WindowsBuild> build() override {
    SHOUWEI_TRY(
        auto doc,
        load("CurrentVersion.json",
             "RegOpenKeyExW HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion: not found"));
    const auto& o = doc.as_object();
    collectors::patches::WindowsBuild b;
    auto text = [&](const char* k) -> std::optional<std::string> {
      if (const auto* v = o.if_contains(k); v && v->is_string()) return std::string(v->as_string());
      return std::nullopt;
    };
    auto dword = [&](const char* k) -> std::optional<std::uint32_t> {
      if (const auto* v = o.if_contains(k); v && v->is_int64())
        return static_cast<std::uint32_t>(v->as_int64());
      return std::nullopt;
    };
    b.product_name = text("ProductName");
    b.display_version = text("DisplayVersion");
    if (!b.display_version) b.display_version = text("ReleaseId");
    b.current_build = text("CurrentBuildNumber");
    b.ubr = dword("UBR");
    b.major = dword("CurrentMajorVersionNumber");
    b.minor = dword("CurrentMinorVersionNumber");
    return b;
  }

  Result<collectors::patches::WindowsRebootMarkers> reboot_markers() override {
    SHOUWEI_TRY(auto doc, load("RebootMarkers.json", "registry: reboot markers unreadable"));
    const auto& o = doc.as_object();
    return collectors::patches::WindowsRebootMarkers{
        o.at("WindowsUpdateRebootRequired").as_bool(),
        o.at("ComponentBasedServicingRebootPending").as_bool()};
  }

 private:
  Result<boost::json::value> load(const char* name, const char* absent_error) {
    auto text = read_file(dir_ / name);
    if (!text) return fail(Errc::unavailable, absent_error);
    return boost::json::parse(*text);
  }
  static std::string str(const boost::json::object& o, const char* k) {
    const auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  }
  static std::vector<collectors::patches::UpdateCategory> categories(const boost::json::object& o) {
    std::vector<collectors::patches::UpdateCategory> out;
    if (const auto* cats = o.if_contains("Categories")) {
      for (const auto& c : cats->as_array()) {
        const auto& co = c.as_object();
        out.push_back({str(co, "CategoryID"), str(co, "Name"), str(co, "Type")});
      }
    }
    return out;
  }

  std::filesystem::path dir_;
};

}  // namespace shouwei::test
