// The categoriser adapter on a category database compiled from the real UT1 lists in
// ../shared/data/categories (read in place).
#include <doctest/doctest.h>

#include "shouwei/collectors/browsing/category_db_categorizer.hpp"
#include "shouwei/collectors/categories/list_import.hpp"

using namespace shouwei::collectors;
namespace fs = std::filesystem;

TEST_CASE("category adapter: UT1 source categories come out as product categories") {
  const fs::path ut1 = fs::path(SHOUWEI_SHARED_DATA) / "categories/ut1";
  categories::CategoryDbBuilder builder;
  categories::ImportReport report;
  for (const char* category : {"gambling", "games", "audio-video", "webmail"}) {
    auto imported = categories::import_list_dir(ut1 / category, builder, report);
    REQUIRE_MESSAGE(imported.ok(), (imported.ok() ? "" : imported.error().message));
  }
  auto bytes = builder.build();
  REQUIRE(bytes.ok());
  auto db = categories::CategoryDb::from_bytes(*bytes, "test");
  REQUIRE(db.ok());
  categories::CategoryDbHolder holder;
  browsing::CategoryDbCategorizer categorizer(holder, categories::CategoryMap::defaults());

  CHECK(categorizer.categorize("http://www.bet365.com/en/").empty());  // nothing loaded yet
  holder.store(std::make_shared<const categories::CategoryDb>(std::move(db).value()));

  // UT1 lists bet365.com under gambling and games: both are kept.
  CHECK(categorizer.categorize("http://www.bet365.com/en/") ==
        std::vector<std::string>{"gambling", "games"});
  CHECK(categorizer.categorize("https://www.youtube.com/watch?v=1") ==
        std::vector<std::string>{"video"});
  CHECK(categorizer.categorize("https://mail.163.com/") == std::vector<std::string>{"webmail"});
  CHECK(categorizer.categorize("http://www.gov.cn/").empty());
  CHECK(categorizer.categorize("not a url at all \xff").empty());
}
