// The Windows patches section: each source asked independently, then reconciled.
#include <algorithm>
#include <cstdio>
#include <map>

#include <boost/json.hpp>

#include "shouwei/collectors/json_text.hpp"
#include "shouwei/collectors/patches/windows_patches.hpp"

namespace shouwei::collectors::patches {
namespace json = boost::json;
namespace {

template <typename T>
json::object source_status(const Result<T>& r) {
  return json::object{{"answered", r.ok()},
                      {"error", r.ok() ? json::value(nullptr) : json::value(r.error().message)}};
}

json::value optional_time(const std::optional<TimePoint>& t) {
  return t ? json::value(format_rfc3339(*t)) : json::value(nullptr);
}

std::string date_text(const CalendarDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

TimePoint utc_midnight(const CalendarDate& d) {
  std::chrono::year_month_day ymd{std::chrono::year(d.year), std::chrono::month(unsigned(d.month)),
                                  std::chrono::day(unsigned(d.day))};
  return std::chrono::sys_days(ymd);
}

std::string hresult_text(std::int32_t hr) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", static_cast<unsigned>(hr));
  return buf;
}

json::value build_object(const WindowsBuild& b) {
  std::optional<std::string> version;
  if (b.major && b.minor && b.current_build) {
    version = std::to_string(*b.major) + "." + std::to_string(*b.minor) + "." + *b.current_build;
    if (b.ubr) *version += "." + std::to_string(*b.ubr);
  }
  return json::object{{"product_name", text_or_null(b.product_name)},
                      {"display_version", text_or_null(b.display_version)},
                      {"build", text_or_null(b.current_build)},
                      {"ubr", b.ubr ? json::value(*b.ubr) : json::value(nullptr)},
                      {"version", text_or_null(version)}};
}

json::array kb_array(const std::vector<std::string>& kbs) {
  json::array a;
  for (const auto& kb : kbs) a.push_back(json::string(kb));
  return a;
}

struct PendingOut {
  json::array items;
  std::size_t security = 0;
};

PendingOut render_pending(std::vector<WindowsPendingUpdate> updates) {
  std::sort(updates.begin(), updates.end(), [](const auto& a, const auto& b) {
    return std::tie(a.title, a.update_id) < std::tie(b.title, b.update_id);
  });
  PendingOut out;
  for (const auto& u : updates) {
    std::vector<std::string> kbs;
    for (const auto& id : u.kb_article_ids) {
      if (auto kb = normalize_kb(id); kb && std::find(kbs.begin(), kbs.end(), *kb) == kbs.end())
        kbs.push_back(*kb);
    }
    if (kbs.empty()) kbs = kb_ids_in_text(u.title);
    json::array classifications;
    for (const auto& c : u.categories) {
      if (c.type == "UpdateClassification")
        classifications.push_back(json::string(to_valid_utf8(c.name)));
    }
    bool security = is_security_update(u);
    out.security += security ? 1 : 0;
    out.items.push_back(json::object{
        {"title", to_valid_utf8(u.title)},
        {"update_id", to_valid_utf8(u.update_id)},
        {"kb", kb_array(kbs)},
        {"msrc_severity", u.msrc_severity.empty() ? json::value(nullptr)
                                                  : json::value(to_valid_utf8(u.msrc_severity))},
        {"classifications", std::move(classifications)},
        {"security", security}});
  }
  return out;
}

// What the sources say about one KB.
struct KbState {
  std::string title;
  bool history_installed = false;
  std::optional<TimePoint> installed_at;  // latest successful installation in history
  bool hotfix = false;
  std::optional<CalendarDate> hotfix_date;
  // The latest history attempt, when it failed or was aborted.
  std::optional<UpdateHistoryEntry> failed_attempt;
};

struct Reconciled {
  std::map<std::string, KbState> kbs;
  std::optional<TimePoint> last_from_history;
  std::optional<CalendarDate> last_from_hotfix;
};

void apply_history(std::vector<UpdateHistoryEntry> history, Reconciled& r) {
  // Oldest first, so the latest operation on a KB decides its state.
  std::stable_sort(history.begin(), history.end(), [](const auto& a, const auto& b) {
    return a.date.value_or(TimePoint{}) < b.date.value_or(TimePoint{});
  });
  for (auto& e : history) {
    auto kbs = kb_ids_in_text(e.title);
    bool ok = e.result_code == int(UpdateResultCode::succeeded) ||
              e.result_code == int(UpdateResultCode::succeeded_with_errors);
    bool bad = e.result_code == int(UpdateResultCode::failed) ||
               e.result_code == int(UpdateResultCode::aborted);
    bool install = e.operation == int(UpdateOperation::installation);
    bool uninstall = e.operation == int(UpdateOperation::uninstallation);
    if (install && ok && e.date && !is_definition_update(e.categories, kbs)) {
      if (!r.last_from_history || *r.last_from_history < *e.date) r.last_from_history = e.date;
    }
    for (const auto& kb : kbs) {
      KbState& s = r.kbs[kb];
      if (install && ok) {
        s.history_installed = true;
        s.installed_at = e.date;
        s.failed_attempt.reset();
        s.title = e.title;
      } else if (uninstall && ok) {
        s.history_installed = false;
        s.installed_at.reset();
        s.failed_attempt.reset();
      } else if (install && bad) {
        s.failed_attempt = e;
        if (s.title.empty()) s.title = e.title;
      }
    }
  }
}

void apply_hotfixes(const std::vector<HotFix>& hotfixes, Reconciled& r, json::array& warnings) {
  std::size_t bad_dates = 0;
  for (const auto& h : hotfixes) {
    auto kb = normalize_kb(h.hotfix_id);
    if (!kb) continue;  // "File 1" placeholders name no package
    auto date = parse_hotfix_date(h.installed_on);
    if (!date && !h.installed_on.empty()) ++bad_dates;
    KbState& s = r.kbs[*kb];
    s.hotfix = true;
    s.hotfix_date = date;
    if (s.title.empty()) s.title = h.description;
    if (date && (!r.last_from_hotfix || *r.last_from_hotfix < *date)) r.last_from_hotfix = date;
  }
  if (bad_dates > 0) {
    warnings.push_back(json::string("Win32_QuickFixEngineering: " + std::to_string(bad_dates) +
                                    " InstalledOn values in no known date format"));
  }
}

void render_installed(const Reconciled& r, json::object& out) {
  json::array installed, failed;
  for (const auto& [kb, s] : r.kbs) {
    if (s.history_installed || s.hotfix) {
      json::array sources;
      if (s.history_installed) sources.push_back("update_history");
      if (s.hotfix) sources.push_back("hotfix");
      installed.push_back(
          json::object{{"kb", kb},
                       {"title", to_valid_utf8(s.title)},
                       {"installed_at", optional_time(s.installed_at)},
                       {"installed_on", s.hotfix_date ? json::value(date_text(*s.hotfix_date))
                                                      : json::value(nullptr)},
                       {"sources", std::move(sources)}});
    } else if (s.failed_attempt) {
      const auto& e = *s.failed_attempt;
      failed.push_back(json::object{
          {"kb", kb},
          {"title", to_valid_utf8(e.title)},
          {"date", optional_time(e.date)},
          {"result", e.result_code == int(UpdateResultCode::aborted) ? "aborted" : "failed"},
          {"hresult", hresult_text(e.hresult)}});
    }
  }
  out["installed_count"] = installed.size();
  out["installed"] = std::move(installed);
  out["failed"] = std::move(failed);
  std::optional<TimePoint> hotfix_time;
  if (r.last_from_hotfix) hotfix_time = utc_midnight(*r.last_from_hotfix);
  if (r.last_from_history && (!hotfix_time || *hotfix_time <= *r.last_from_history)) {
    out["last_patched_at"] = format_rfc3339(*r.last_from_history);
    out["last_patched_source"] = "update_history";
  } else if (hotfix_time) {
    out["last_patched_at"] = format_rfc3339(*hotfix_time);
    out["last_patched_source"] = "hotfix";
  } else {
    out["last_patched_at"] = nullptr;
    out["last_patched_source"] = nullptr;
  }
}

}  // namespace

Result<json::object> collect_windows_patches(WindowsUpdateSource& source) {
  auto build = source.build();
  auto search = source.pending_updates();
  auto history = source.update_history();
  auto hotfixes = source.hotfixes();
  auto reboot = source.reboot_markers();
  if (!build && !search && !history && !hotfixes && !reboot) {
    return fail(Errc::unavailable,
                "no Windows servicing source answered: " + search.error().message + "; " +
                    history.error().message + "; " + hotfixes.error().message + "; " +
                    build.error().message + "; " + reboot.error().message);
  }

  json::object out;
  json::array warnings;
  out["family"] = "windows";
  out["windows"] = build ? build_object(*build) : json::value(nullptr);

  if (search) {
    PendingOut pending = render_pending(std::move(search->updates));
    out["pending_count"] = pending.items.size();
    out["pending_security_count"] = pending.security;
    out["pending"] = std::move(pending.items);
    out["last_search_success_at"] = optional_time(search->last_search_success);
    out["search_online"] = search->online;
    if (!search->online && !search->last_search_success) {
      warnings.push_back(
          "Windows Update has no successful scan on record: pending updates may be incomplete");
    }
  } else {
    out["pending_count"] = nullptr;
    out["pending_security_count"] = nullptr;
    out["pending"] = nullptr;
    out["last_search_success_at"] = nullptr;
    out["search_online"] = nullptr;
    warnings.push_back(json::string("pending updates unknown: " + search.error().message));
  }

  Reconciled reconciled;
  if (history) apply_history(*history, reconciled);
  if (hotfixes) apply_hotfixes(*hotfixes, reconciled, warnings);
  render_installed(reconciled, out);

  if (reboot) {
    json::array reasons;
    if (reboot->windows_update) reasons.push_back("windows_update");
    if (reboot->component_based_servicing) reasons.push_back("component_based_servicing");
    out["reboot_required"] = !reasons.empty();
    out["reboot_reasons"] = std::move(reasons);
  } else {
    out["reboot_required"] = nullptr;
    out["reboot_reasons"] = nullptr;
  }

  out["sources"] = json::object{{"update_search", source_status(search)},
                                {"update_history", source_status(history)},
                                {"hotfixes", source_status(hotfixes)},
                                {"build", source_status(build)},
                                {"reboot_markers", source_status(reboot)}};
  out["warnings"] = std::move(warnings);
  return out;
}

}  // namespace shouwei::collectors::patches

namespace shouwei::collectors {
namespace {

class WindowsPatchesCollector final : public Collector {
 public:
  explicit WindowsPatchesCollector(std::unique_ptr<patches::WindowsUpdateSource> source)
      : source_(std::move(source)) {}
  std::string_view section() const override { return "patches"; }
  Result<boost::json::object> collect(const CollectContext&) override {
    return patches::collect_windows_patches(*source_);
  }

 private:
  std::unique_ptr<patches::WindowsUpdateSource> source_;
};

}  // namespace

std::unique_ptr<Collector> make_windows_patches_collector(
    std::unique_ptr<patches::WindowsUpdateSource> source) {
  return std::make_unique<WindowsPatchesCollector>(std::move(source));
}

}  // namespace shouwei::collectors
