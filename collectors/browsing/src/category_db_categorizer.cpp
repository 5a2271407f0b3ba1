#include "shouwei/collectors/browsing/category_db_categorizer.hpp"

namespace shouwei::collectors::browsing {

std::vector<std::string> CategoryDbCategorizer::categorize(std::string_view url_or_host) const {
  auto db = holder_.load();  // keeps this database mapped while its views are used
  if (!db) return {};
  auto sources = db->lookup(url_or_host);
  return map_.product_categories(sources);
}

}  // namespace shouwei::collectors::browsing
