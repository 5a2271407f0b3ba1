#include "shouwei/collectors/browsing/config.hpp"

#include <spdlog/spdlog.h>

namespace shouwei::collectors::browsing {
namespace {

// Longer than any law requires; a larger value is a typo (days given in seconds, say).
constexpr std::int64_t kMaxRetentionDays = 3660;

bool valid_category_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> default_prohibited_categories() {
  return {"adult", "gambling", "games", "p2p", "video", "chat", "stock"};
}

Result<BrowsingConfig> parse_browsing_config(const toml::table* section) {
  BrowsingConfig config;
  if (section == nullptr) return config;

  for (const auto& [key, value] : *section) {
    const std::string_view name = key.str();
    const std::string field = "browsing." + std::string(name);
    if (name == "categories") {
      const auto* path = value.as_string();
      if (path == nullptr || path->get().empty()) {
        return fail(Errc::invalid_argument,
                    field + ": expected the path of the compiled category file");
      }
      config.categories_file = path->get();
    } else if (name == "prohibited") {
      const auto* list = value.as_array();
      if (list == nullptr)
        return fail(Errc::invalid_argument, field + ": expected an array of category names");
      config.prohibited.clear();
      for (const auto& item : *list) {
        const auto* category = item.as_string();
        if (category == nullptr || !valid_category_name(category->get())) {
          return fail(Errc::invalid_argument,
                      field + ": each entry must be a category name of a-z, 0-9, '_' or '-'");
        }
        config.prohibited.push_back(category->get());
      }
    } else if (name == "retention_days") {
      const auto* days = value.as_integer();
      if (days == nullptr || days->get() <= 0 || days->get() > kMaxRetentionDays) {
        return fail(Errc::invalid_argument, field + ": expected a number of days from 1 to " +
                                                std::to_string(kMaxRetentionDays));
      }
      config.retention_days = static_cast<int>(days->get());
      if (config.retention_days < kMinRetentionDays) {
        config.warnings.push_back(field + ": " + std::to_string(config.retention_days) +
                                  " days is below the regulations' minimum; using " +
                                  std::to_string(kMinRetentionDays));
        spdlog::warn("{}", config.warnings.back());
        config.retention_days = kMinRetentionDays;
      }
    } else if (name != "category_map") {
      return fail(Errc::invalid_argument, field + ": unknown key");
    }
  }
  return config;
}

}  // namespace shouwei::collectors::browsing
