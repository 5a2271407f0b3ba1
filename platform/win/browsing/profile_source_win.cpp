// Windows ProfileSource: the accounts of the ProfileList registry key (the inventory's reading
// of it: SIDs, LookupAccountSid names, expanded ProfileImagePath), the people's accounts among
// them, and the profiles of the Windows browser table under each home.
#include "shouwei/collectors/browsing/discovery.hpp"
#include "shouwei/collectors/browsing/ports.hpp"
#include "shouwei/collectors/browsing/windows_profiles.hpp"
#include "shouwei/collectors/inventory/inventory_source.hpp"
#include "shouwei/platform/browsing/browser_table_win.hpp"

namespace shouwei::collectors::browsing {
namespace {

class WindowsProfileSource final : public ProfileSource {
 public:
  Result<std::vector<BrowserProfile>> find(const RootFs& root) override {
    auto inventory = make_inventory_source(root);
    SHOUWEI_TRY(const InventoryFacts facts, inventory->read());
    if (!facts.users) {
      std::string why =
          "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList: users unreadable";
      for (const auto& w : facts.warnings) why += "; " + w;
      return fail(Errc::unavailable, why);
    }
    const auto users = windows_profile_owners(*facts.users);
    return discover_profiles(root, users, platform::browsing::windows_browser_locations());
  }
};

}  // namespace

std::unique_ptr<ProfileSource> make_platform_profile_source() {
  return std::make_unique<WindowsProfileSource>();
}

}  // namespace shouwei::collectors::browsing
