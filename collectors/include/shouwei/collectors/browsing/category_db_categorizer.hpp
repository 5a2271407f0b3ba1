// HostCategorizer over the compiled category database (collectors/categories): a URL's source
// categories, mapped to the product's categories by the CategoryMap.
#pragma once

#include "shouwei/collectors/browsing/categorizer.hpp"
#include "shouwei/collectors/categories/category_db.hpp"
#include "shouwei/collectors/categories/category_map.hpp"

namespace shouwei::collectors::browsing {

class CategoryDbCategorizer final : public HostCategorizer {
 public:
  // Looks up in whatever database `holder` holds at each call, so a policy can swap the file
  // while the collector runs; an empty holder categorises nothing.
  // REQUIRES: holder outlives this object.
  CategoryDbCategorizer(const categories::CategoryDbHolder& holder, categories::CategoryMap map)
      : holder_(holder), map_(std::move(map)) {}

  std::vector<std::string> categorize(std::string_view url_or_host) const override;

 private:
  const categories::CategoryDbHolder& holder_;
  categories::CategoryMap map_;
};

}  // namespace shouwei::collectors::browsing
