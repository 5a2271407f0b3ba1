// The patches section on Windows: the same section name and, where they mean the same thing,
// the same fields as the Linux section (so compliance reads either), built from the
// WindowsUpdateSource port.
//
// Fields: family ("windows"), windows {product_name, display_version, build, ubr, version
// ("10.0.19045.3930")}, pending[] {title, update_id, kb[], msrc_severity, classifications[],
// security}, pending_count, pending_security_count (null when the search did not answer:
// unknown, not zero), last_search_success_at, installed[] {kb, title, installed_at, sources[]
// ("update_history" | "hotfix")}, installed_count, failed[] (the latest attempt failed and no
// success came after) {kb, title, date, result, hresult}, last_patched_at (latest successful
// non-definition installation; a hotfix date counts as 00:00 UTC of that day),
// last_patched_source, reboot_required, reboot_reasons[], sources {update_search,
// update_history, hotfixes, build, reboot_markers: {answered, error}}, warnings[].
//
// Reconciliation: a KB counts as installed when Win32_QuickFixEngineering lists it or its
// latest successful history operation is an installation. Hotfixes alone miss Windows Update
// and MSI patches (they list only CBS packages); history alone misses what was installed
// offline (wusa, DISM) or before the history was cleared.
// Definition updates (Defender signatures, KB2267602 daily) never count as "patched": they
// would make an unpatched PC look fresh.
// Fails only when no source answered at all.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "shouwei/collectors/collector.hpp"
#include "shouwei/collectors/patches/windows_update_source.hpp"

namespace shouwei::collectors::patches {

struct CalendarDate {
  int year = 0, month = 0, day = 0;
  auto operator<=>(const CalendarDate&) const = default;
};

// Win32_QuickFixEngineering.InstalledOn: "M/D/YYYY" (what Windows writes; "D/M/YYYY" only when
// the first number cannot be a month), "YYYYMMDD", "YYYY-MM-DD", or 16 hex digits of a
// FILETIME (Vista-era CBS). nullopt for empty or anything else. Input over 64 bytes: nullopt.
std::optional<CalendarDate> parse_hotfix_date(std::string_view installed_on);

// "KB5034441" for "5034441", "kb5034441" or "KB5034441"; nullopt when not 3..10 digits.
std::optional<std::string> normalize_kb(std::string_view id);

// Every "KB<digits>" in a title ("2024-01 累积更新 (KB5034441)"), normalised, in order, unique.
std::vector<std::string> kb_ids_in_text(std::string_view text);

// Security: a Security Updates or Critical Updates classification (by CategoryID, so a
// localised name does not matter; by English name as a fallback), or any MSRC severity.
bool is_security_update(const WindowsPendingUpdate& update);

// Definition Updates classification, or a known signature KB (KB2267602, KB915597, KB2461484).
bool is_definition_update(const std::vector<UpdateCategory>& categories,
                          const std::vector<std::string>& kbs);

Result<boost::json::object> collect_windows_patches(WindowsUpdateSource& source);

}  // namespace shouwei::collectors::patches

namespace shouwei::collectors {

// The collector the agent registers on Windows; owns its source.
std::unique_ptr<Collector> make_windows_patches_collector(
    std::unique_ptr<patches::WindowsUpdateSource> source);

}  // namespace shouwei::collectors
