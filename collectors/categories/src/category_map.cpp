#include "shouwei/collectors/categories/category_map.hpp"

#include <algorithm>

#include "shouwei/collectors/categories/category_db_builder.hpp"

namespace shouwei::collectors::categories {
namespace {

struct DefaultEntry {
  std::string_view source;
  std::string_view product;
};

// Why each line is here (and why some lists are deliberately absent) is written in
// docs/categories-format.md, "Default category map". Names: UT1 folders, then the extra lists
// (blocklistproject, sinfonietta, v2fly) of ../shared/data/categories.
constexpr DefaultEntry kDefaults[] = {
    {"adult", "adult"},
    {"porn", "adult"},
    {"mixed_adult", "adult"},
    {"ut1_adult_top1m", "adult"},
    {"pornography", "adult"},
    {"category-porn", "adult"},
    {"gambling", "gambling"},
    {"arjel", "gambling"},
    {"category-betting-ru", "gambling"},
    {"games", "games"},
    {"educational_games", "games"},
    {"category-games", "games"},
    {"category-games-cn", "games"},
    {"category-games-!cn", "games"},
    {"category-game-platforms-download", "games"},
    {"warez", "p2p"},
    {"torrent", "p2p"},
    {"piracy", "p2p"},
    {"category-public-tracker", "p2p"},
    {"category-pt", "p2p"},
    {"audio-video", "video"},
    {"youtube", "video"},
    {"tiktok", "video"},
    {"chat", "chat"},
    {"whatsapp", "chat"},
    {"category-communication", "chat"},
    {"financial", "stock"},
    {"category-securities-cn", "stock"},
    {"category-bourse-ir", "stock"},
    {"social_networks", "social"},
    {"social", "social"},
    {"facebook", "social"},
    {"twitter", "social"},
    {"category-social-media-cn", "social"},
    {"category-social-media-!cn", "social"},
    {"category-social-media-ir", "social"},
    {"webmail", "webmail"},
    {"malware", "malware"},
    {"phishing", "malware"},
    {"cryptojacking", "malware"},
    {"stalkerware", "malware"},
    {"ransomware", "malware"},
};

bool is_product_category(std::string_view name) {
  return std::find(kProductCategories.begin(), kProductCategories.end(), name) !=
         kProductCategories.end();
}

}  // namespace

CategoryMap CategoryMap::defaults() {
  CategoryMap map;
  for (const auto& [source, product] : kDefaults) map.set(source, product);
  return map;
}

void CategoryMap::set(std::string_view source, std::string_view product) {
  if (source == product) {
    if (auto it = table_.find(source); it != table_.end()) table_.erase(it);
    return;
  }
  table_.insert_or_assign(std::string(source), std::string(product));
}

std::string_view CategoryMap::product_of(std::string_view source) const {
  const auto it = table_.find(source);
  return it == table_.end() ? source : std::string_view(it->second);
}

std::vector<std::string> CategoryMap::product_categories(
    std::span<const std::string_view> sources) const {
  std::vector<std::string> out;
  out.reserve(sources.size());
  for (const auto source : sources) out.emplace_back(product_of(source));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<CategoryMap> parse_category_map(const toml::table* section) {
  if (section == nullptr) return CategoryMap::defaults();
  constexpr std::string_view kWhere = "browsing.category_map.";
  CategoryMap map = CategoryMap::defaults();
  if (const toml::node* use = section->get("use_defaults")) {
    const auto flag = use->value<bool>();
    if (!flag)
      return fail(Errc::parse, std::string(kWhere) + "use_defaults: expected true or false");
    if (!*flag) map = CategoryMap{};
  }
  for (const auto& [key, node] : *section) {
    const std::string_view source = key.str();
    if (source == "use_defaults") continue;
    const std::string where = std::string(kWhere) + std::string(source);
    if (!CategoryDbBuilder::valid_category_name(source)) {
      return fail(Errc::parse, where + ": invalid source category name");
    }
    const auto product = node.value<std::string>();
    if (!product || !node.is_string()) return fail(Errc::parse, where + ": expected a string");
    if (*product != source && !is_product_category(*product)) {
      return fail(Errc::parse, where + ": \"" + *product +
                                   "\" is not a product category (adult, gambling, games, p2p, "
                                   "video, chat, stock, social, webmail, malware) nor \"" +
                                   std::string(source) + "\" itself");
    }
    map.set(source, *product);
  }
  return map;
}

}  // namespace shouwei::collectors::categories
