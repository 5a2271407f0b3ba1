// Source categories (the names of the imported lists: UT1's "gambling", "audio-video", ...)
// mapped to the product's categories, the names policy and reports use:
//   adult, gambling, games, p2p, video, chat, stock, social, webmail, malware.
// A source category without a mapping stands for itself ("bank" stays "bank"), so nothing a
// list says is lost. The shipped default is documented, entry by entry, in
// docs/categories-format.md ("Default category map"); [browsing.category_map] in the agent
// configuration changes it.
#pragma once

#include <array>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "shouwei/common/result.hpp"

namespace shouwei::collectors::categories {

inline constexpr std::array<std::string_view, 10> kProductCategories = {
    "adult", "gambling", "games", "p2p", "video", "chat", "stock", "social", "webmail", "malware"};

class CategoryMap {
 public:
  // An empty map: every source category stands for itself.
  CategoryMap() = default;

  // The shipped default (UT1 names and the extra lists in ../shared/data/categories).
  static CategoryMap defaults();

  // Maps source to product, replacing an earlier mapping. product == source removes it.
  void set(std::string_view source, std::string_view product);

  // The product category of one source category (itself when unmapped).
  std::string_view product_of(std::string_view source) const;

  // The product categories of a lookup's source categories, sorted and unique.
  std::vector<std::string> product_categories(std::span<const std::string_view> sources) const;

  const std::map<std::string, std::string, std::less<>>& entries() const { return table_; }

 private:
  std::map<std::string, std::string, std::less<>> table_;
};

// Reads [browsing.category_map] (section may be null: the default map). Keys are source
// category names, values product categories; a value equal to its key unmaps the source.
// The optional key `use_defaults = false` starts from an empty map instead of the default.
// Example:
//   [browsing.category_map]
//   filehosting = "p2p"        # count file hosting as P2P
//   financial = "financial"    # no longer "stock"
// Fails (Errc::parse) naming browsing.category_map.<key> on a value that is not a string, is
// not a product category (nor the key itself), or on an invalid source category name.
Result<CategoryMap> parse_category_map(const toml::table* section);

}  // namespace shouwei::collectors::categories
