// The port through which the patches collector sees Windows servicing. The Windows
// implementation (platform/win/patches) asks the Windows Update Agent (COM), WMI
// (Win32_QuickFixEngineering) and the registry; tests use fakes fed with values in the formats
// those APIs document. Every answer is independently Result-typed: one source failing (Wine
// stubs WUA with E_NOTIMPL; a locked-down PC may refuse WMI) leaves the others usable, and the
// section says which sources answered.
//
// Texts are as Windows gives them (converted to UTF-8); interpreting them (KB numbers in
// titles, the several InstalledOn date formats, classifications) is the portable logic's job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::patches {

// ICategory of an update: CategoryID (a GUID, language independent), Name (localised: "安全更新"
// on a Chinese Windows) and Type ("UpdateClassification", "Product", ...).
struct UpdateCategory {
  std::string id;
  std::string name;
  std::string type;
};

// IUpdate from IUpdateSearcher::Search("IsInstalled=0 and Type='Software'").
struct WindowsPendingUpdate {
  std::string update_id;                    // Identity.UpdateID
  std::string title;                        // localised
  std::vector<std::string> kb_article_ids;  // KBArticleIDs as given ("5034441", no "KB")
  std::string msrc_severity;                // "" | "Critical" | "Important" | "Moderate" | "Low"
  std::vector<UpdateCategory> categories;
};

struct WindowsUpdateSearch {
  std::vector<WindowsPendingUpdate> updates;
  // IAutomaticUpdatesResults::LastSearchSuccessDate (UTC): how current the answer is.
  std::optional<TimePoint> last_search_success;
  bool online = false;  // false: answered from Windows Update's last scan, no network
};

// UpdateOperation and OperationResultCode (wuapi.h), as IUpdateHistoryEntry gives them.
enum class UpdateOperation : int { installation = 1, uninstallation = 2 };
enum class UpdateResultCode : int {
  not_started = 0,
  in_progress = 1,
  succeeded = 2,
  succeeded_with_errors = 3,
  failed = 4,
  aborted = 5,
};

// IUpdateHistoryEntry from IUpdateSearcher::QueryHistory.
struct UpdateHistoryEntry {
  std::string title;  // localised; carries "(KB5034441)" for most updates
  std::string update_id;
  int operation = 0;    // UpdateOperation, raw (unknown values are kept, and ignored)
  int result_code = 0;  // UpdateResultCode, raw
  std::int32_t hresult = 0;
  std::optional<TimePoint> date;           // DATE, which WUA keeps in UTC
  std::vector<UpdateCategory> categories;  // IUpdateHistoryEntry2 (Windows 7+); may be empty
};

// Win32_QuickFixEngineering: what CBS reports installed. InstalledOn is a string in one of
// several formats ("3/12/2024", "20240312", a FILETIME in hex) or empty.
struct HotFix {
  std::string hotfix_id;    // "KB5034441" (or "File 1" on very old systems)
  std::string description;  // "Security Update", "Update", "Hotfix"
  std::string installed_on;
  std::string installed_by;
};

// HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion. Missing values are nullopt.
struct WindowsBuild {
  std::optional<std::string> product_name;     // ProductName ("Windows 10 Pro")
  std::optional<std::string> display_version;  // DisplayVersion ("22H2"), else ReleaseId
  std::optional<std::string> current_build;    // CurrentBuildNumber ("19045")
  std::optional<std::uint32_t> ubr;            // UBR: the cumulative update level (3930)
  std::optional<std::uint32_t> major, minor;   // CurrentMajor/MinorVersionNumber (10, 0)
};

// The registry markers servicing leaves when a reboot is needed to finish installing.
struct WindowsRebootMarkers {
  bool windows_update = false;             // ...\WindowsUpdate\Auto Update\RebootRequired exists
  bool component_based_servicing = false;  // ...\Component Based Servicing\RebootPending
};

class WindowsUpdateSource {
 public:
  virtual ~WindowsUpdateSource() = default;
  virtual Result<WindowsUpdateSearch> pending_updates() = 0;
  // Most recent first or in any order; implementations cap the count.
  virtual Result<std::vector<UpdateHistoryEntry>> update_history() = 0;
  virtual Result<std::vector<HotFix>> hotfixes() = 0;
  virtual Result<WindowsBuild> build() = 0;
  virtual Result<WindowsRebootMarkers> reboot_markers() = 0;
};

}  // namespace shouwei::collectors::patches
