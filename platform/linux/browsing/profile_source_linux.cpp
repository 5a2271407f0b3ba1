// Linux ProfileSource: accounts from /etc/passwd under the root, profiles from the Linux
// browser table.
#include "shouwei/collectors/browsing/discovery.hpp"
#include "shouwei/collectors/browsing/passwd.hpp"
#include "shouwei/collectors/browsing/ports.hpp"
#include "shouwei/platform/browsing/browser_table_linux.hpp"
#include "shouwei/platform/inventory/passwd.hpp"

namespace shouwei::collectors::browsing {
namespace {

class LinuxProfileSource final : public ProfileSource {
 public:
  Result<std::vector<BrowserProfile>> find(const RootFs& root) override {
    SHOUWEI_TRY(std::string text, root.read("/etc/passwd", kMaxPasswdBytes));
    auto accounts = platform::parse_passwd(text, std::nullopt);  // shells do not matter here
    auto users = select_profile_owners(accounts.users);
    return discover_profiles(root, users, platform::browsing::linux_browser_locations());
  }
};

}  // namespace

std::unique_ptr<ProfileSource> make_platform_profile_source() {
  return std::make_unique<LinuxProfileSource>();
}

}  // namespace shouwei::collectors::browsing
