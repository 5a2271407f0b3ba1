// WindowsUpdateSource over the Windows Update Agent, WMI and the registry (see
// windows_update_source.hpp).
// clang-format off
#include <windows.h>
#include <initguid.h>  // this file defines the WUA GUIDs: no import library carries them
#include <wuapi.h>
// clang-format on

#include <algorithm>

#include "shouwei/platform/win/com.hpp"
#include "shouwei/platform/win/registry.hpp"
#include "shouwei/platform/win/win32_error.hpp"
#include "shouwei/platform/win/windows_update_source.hpp"
#include "shouwei/platform/win/wmi.hpp"

namespace shouwei::platform::win {
namespace {

namespace pt = collectors::patches;
using shouwei::win::Bstr;
using shouwei::win::ComApartment;
using shouwei::win::ComPtr;
using shouwei::win::hresult_error;

constexpr LONG kMaxCollection = 512;  // categories or KB ids of one update

Failure com_failure(HRESULT hr, std::string_view what) {
  return fail(hresult_error(hr, what));
}

std::string text(HRESULT hr, const Bstr& b) {
  return SUCCEEDED(hr) ? b.utf8() : std::string();
}

Result<ComPtr<IUpdateSearcher>> make_searcher() {
  ComPtr<IUpdateSession> session;
  HRESULT hr = ::CoCreateInstance(CLSID_UpdateSession, nullptr, CLSCTX_INPROC_SERVER,
                                  IID_IUpdateSession, reinterpret_cast<void**>(session.put()));
  if (FAILED(hr)) return com_failure(hr, "Windows Update: CoCreateInstance(UpdateSession)");
  Bstr app(L"Shouwei");
  session->put_ClientApplicationID(app.get());  // only names us in WindowsUpdate.log
  ComPtr<IUpdateSearcher> searcher;
  hr = session->CreateUpdateSearcher(searcher.put());
  if (FAILED(hr)) return com_failure(hr, "Windows Update: CreateUpdateSearcher");
  return searcher;
}

std::vector<pt::UpdateCategory> categories_of(ICategoryCollection* list) {
  std::vector<pt::UpdateCategory> out;
  LONG n = 0;
  if (!list || FAILED(list->get_Count(&n))) return out;
  for (LONG i = 0; i < std::min(n, kMaxCollection); ++i) {
    ComPtr<ICategory> c;
    if (FAILED(list->get_Item(i, c.put())) || !c) continue;
    Bstr id, name, type;
    pt::UpdateCategory cat{text(c->get_CategoryID(id.put()), id),
                           text(c->get_Name(name.put()), name),
                           text(c->get_Type(type.put()), type)};
    out.push_back(std::move(cat));
  }
  return out;
}

Result<pt::WindowsPendingUpdate> pending_update(IUpdate* u) {
  pt::WindowsPendingUpdate out;
  Bstr title, severity;
  HRESULT hr = u->get_Title(title.put());
  if (FAILED(hr)) return com_failure(hr, "Windows Update: IUpdate.Title");
  out.title = title.utf8();
  out.msrc_severity = text(u->get_MsrcSeverity(severity.put()), severity);
  ComPtr<IUpdateIdentity> identity;
  if (SUCCEEDED(u->get_Identity(identity.put())) && identity) {
    Bstr id;
    out.update_id = text(identity->get_UpdateID(id.put()), id);
  }
  ComPtr<IStringCollection> kbs;
  LONG n = 0;
  if (SUCCEEDED(u->get_KBArticleIDs(kbs.put())) && kbs && SUCCEEDED(kbs->get_Count(&n))) {
    for (LONG i = 0; i < std::min(n, kMaxCollection); ++i) {
      Bstr kb;
      if (SUCCEEDED(kbs->get_Item(i, kb.put()))) out.kb_article_ids.push_back(kb.utf8());
    }
  }
  ComPtr<ICategoryCollection> categories;
  if (SUCCEEDED(u->get_Categories(categories.put())))
    out.categories = categories_of(categories.get());
  return out;
}

// IAutomaticUpdates2.Results.LastSearchSuccessDate, late bound (not in mingw-w64's wuapi.h).
std::optional<TimePoint> last_search_success() {
  ComPtr<IAutomaticUpdates> au;
  if (FAILED(::CoCreateInstance(CLSID_AutomaticUpdates, nullptr, CLSCTX_INPROC_SERVER,
                                IID_IAutomaticUpdates, reinterpret_cast<void**>(au.put())))) {
    return std::nullopt;
  }
  shouwei::win::Variant results;
  if (!shouwei::win::dispatch_property(au.get(), L"Results", results,
                                       "IAutomaticUpdates2.Results") ||
      results.value().vt != VT_DISPATCH || !results.value().pdispVal) {
    return std::nullopt;
  }
  shouwei::win::Variant date;
  if (!shouwei::win::dispatch_property(results.value().pdispVal, L"LastSearchSuccessDate", date,
                                       "IAutomaticUpdatesResults.LastSearchSuccessDate") ||
      date.value().vt != VT_DATE) {
    return std::nullopt;
  }
  return shouwei::win::from_ole_date(date.value().date);
}

// IUpdateHistoryEntry2.Categories, late bound; empty when the entry has none.
std::vector<pt::UpdateCategory> history_categories(IUpdateHistoryEntry* entry) {
  shouwei::win::Variant value;
  if (!shouwei::win::dispatch_property(entry, L"Categories", value,
                                       "IUpdateHistoryEntry2.Categories") ||
      value.value().vt != VT_DISPATCH || !value.value().pdispVal) {
    return {};
  }
  ComPtr<ICategoryCollection> list;
  if (FAILED(value.value().pdispVal->QueryInterface(IID_ICategoryCollection,
                                                    reinterpret_cast<void**>(list.put()))))
    return {};
  return categories_of(list.get());
}

Result<std::optional<std::string>> optional_text(const shouwei::win::RegistryKey& key,
                                                 std::string_view name) {
  return key.string_value(name);
}

class WuaUpdateSource final : public pt::WindowsUpdateSource {
 public:
  Result<pt::WindowsUpdateSearch> pending_updates() override {
    SHOUWEI_TRY(ComApartment apartment, ComApartment::enter());
    SHOUWEI_TRY(ComPtr<IUpdateSearcher> searcher, make_searcher());
    Bstr criteria(L"IsInstalled=0 and Type='Software'");
    ComPtr<ISearchResult> result;
    HRESULT hr = searcher->Search(criteria.get(), result.put());
    if (FAILED(hr)) return com_failure(hr, "Windows Update: IUpdateSearcher::Search");
    OperationResultCode code = orcNotStarted;
    if (SUCCEEDED(result->get_ResultCode(&code)) && code != orcSucceeded &&
        code != orcSucceededWithErrors)
      return fail(Errc::unavailable,
                  "Windows Update: IUpdateSearcher::Search: result code " + std::to_string(code));
    ComPtr<IUpdateCollection> updates;
    hr = result->get_Updates(updates.put());
    if (FAILED(hr)) return com_failure(hr, "Windows Update: ISearchResult.Updates");
    LONG n = 0;
    hr = updates->get_Count(&n);
    if (FAILED(hr)) return com_failure(hr, "Windows Update: IUpdateCollection.Count");
    if (n > kMaxPendingUpdates)
      return fail(
          Errc::limit_exceeded,
          "Windows Update: more than " + std::to_string(kMaxPendingUpdates) + " pending updates");
    pt::WindowsUpdateSearch out;
    out.online = true;
    for (LONG i = 0; i < n; ++i) {
      ComPtr<IUpdate> u;
      hr = updates->get_Item(i, u.put());
      if (FAILED(hr)) return com_failure(hr, "Windows Update: IUpdateCollection.Item");
      SHOUWEI_TRY(auto update, pending_update(u.get()));
      out.updates.push_back(std::move(update));
    }
    out.last_search_success = last_search_success();
    return out;
  }

  Result<std::vector<pt::UpdateHistoryEntry>> update_history() override {
    SHOUWEI_TRY(ComApartment apartment, ComApartment::enter());
    SHOUWEI_TRY(ComPtr<IUpdateSearcher> searcher, make_searcher());
    LONG total = 0;
    HRESULT hr = searcher->GetTotalHistoryCount(&total);
    if (FAILED(hr)) return com_failure(hr, "Windows Update: GetTotalHistoryCount");
    std::vector<pt::UpdateHistoryEntry> out;
    if (total <= 0) return out;
    ComPtr<IUpdateHistoryEntryCollection> entries;
    hr = searcher->QueryHistory(0, std::min<LONG>(total, kMaxHistoryEntries),
                                entries.put());  // newest first
    if (FAILED(hr)) return com_failure(hr, "Windows Update: QueryHistory");
    LONG n = 0;
    hr = entries->get_Count(&n);
    if (FAILED(hr)) return com_failure(hr, "Windows Update: IUpdateHistoryEntryCollection.Count");
    for (LONG i = 0; i < std::min<LONG>(n, kMaxHistoryEntries); ++i) {
      ComPtr<IUpdateHistoryEntry> e;
      if (FAILED(entries->get_Item(i, e.put())) || !e) continue;
      pt::UpdateHistoryEntry entry;
      Bstr title;
      entry.title = text(e->get_Title(title.put()), title);
      UpdateOperation operation{};
      if (SUCCEEDED(e->get_Operation(&operation))) entry.operation = static_cast<int>(operation);
      OperationResultCode code{};
      if (SUCCEEDED(e->get_ResultCode(&code))) entry.result_code = static_cast<int>(code);
      LONG result = 0;
      if (SUCCEEDED(e->get_HResult(&result))) entry.hresult = static_cast<std::int32_t>(result);
      DATE date = 0;
      if (SUCCEEDED(e->get_Date(&date))) entry.date = shouwei::win::from_ole_date(date);
      ComPtr<IUpdateIdentity> identity;
      if (SUCCEEDED(e->get_UpdateIdentity(identity.put())) && identity) {
        Bstr id;
        entry.update_id = text(identity->get_UpdateID(id.put()), id);
      }
      entry.categories = history_categories(e.get());
      out.push_back(std::move(entry));
    }
    return out;
  }

  Result<std::vector<pt::HotFix>> hotfixes() override {
    SHOUWEI_TRY(auto rows, shouwei::win::wmi_query(
                               {"ROOT\\CIMV2",
                                "SELECT HotFixID, Description, InstalledOn, InstalledBy FROM "
                                "Win32_QuickFixEngineering",
                                {"HotFixID", "Description", "InstalledOn", "InstalledBy"},
                                10000}));
    std::vector<pt::HotFix> out;
    for (const auto& row : rows) {
      pt::HotFix h;
      SHOUWEI_TRY(auto id,
                  shouwei::win::row_text(row, "HotFixID", "Win32_QuickFixEngineering.HotFixID"));
      SHOUWEI_TRY(
          auto description,
          shouwei::win::row_text(row, "Description", "Win32_QuickFixEngineering.Description"));
      SHOUWEI_TRY(auto on, shouwei::win::row_text(row, "InstalledOn",
                                                  "Win32_QuickFixEngineering.InstalledOn"));
      SHOUWEI_TRY(auto by, shouwei::win::row_text(row, "InstalledBy",
                                                  "Win32_QuickFixEngineering.InstalledBy"));
      h.hotfix_id = id.value_or("");
      h.description = description.value_or("");
      h.installed_on = on.value_or("");
      h.installed_by = by.value_or("");
      out.push_back(std::move(h));
    }
    return out;
  }

  Result<pt::WindowsBuild> build() override {
    SHOUWEI_TRY(auto key,
                shouwei::win::RegistryKey::open(HKEY_LOCAL_MACHINE,
                                                "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"));
    pt::WindowsBuild b;
    SHOUWEI_TRY(b.product_name, optional_text(key, "ProductName"));
    SHOUWEI_TRY(b.display_version, optional_text(key, "DisplayVersion"));
    if (!b.display_version) {
      SHOUWEI_TRY(b.display_version, optional_text(key, "ReleaseId"));
    }
    SHOUWEI_TRY(b.current_build, optional_text(key, "CurrentBuildNumber"));
    if (!b.current_build) {
      SHOUWEI_TRY(b.current_build, optional_text(key, "CurrentBuild"));
    }
    auto small = [&](std::string_view name) -> Result<std::optional<std::uint32_t>> {
      SHOUWEI_TRY(auto v, key.number_value(name));
      if (!v || *v > 0xFFFFFFFFULL) return std::optional<std::uint32_t>();
      return std::optional<std::uint32_t>(static_cast<std::uint32_t>(*v));
    };
    SHOUWEI_TRY(b.ubr, small("UBR"));
    SHOUWEI_TRY(b.major, small("CurrentMajorVersionNumber"));
    SHOUWEI_TRY(b.minor, small("CurrentMinorVersionNumber"));
    return b;
  }

  Result<pt::WindowsRebootMarkers> reboot_markers() override {
    auto exists = [](std::string_view subkey) -> Result<bool> {
      auto key = shouwei::win::RegistryKey::open(HKEY_LOCAL_MACHINE, subkey);
      if (key) return true;
      if (key.error().code == Errc::not_found) return false;
      return fail(std::move(key).error());
    };
    pt::WindowsRebootMarkers m;
    SHOUWEI_TRY(m.windows_update, exists("SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpda"
                                         "te\\Auto Update\\RebootRequired"));
    SHOUWEI_TRY(m.component_based_servicing, exists("SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"
                                                    "Component Based Servicing\\RebootPending"));
    return m;
  }
};

}  // namespace

std::unique_ptr<collectors::patches::WindowsUpdateSource> make_windows_update_source() {
  return std::make_unique<WuaUpdateSource>();
}

}  // namespace shouwei::platform::win
