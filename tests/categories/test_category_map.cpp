// The source -> product category map and its [browsing.category_map] override.
#include <algorithm>

#include <doctest/doctest.h>

#include "shouwei/collectors/categories/category_map.hpp"

namespace cat = shouwei::collectors::categories;

namespace {
shouwei::Result<cat::CategoryMap> parse(std::string_view toml_text) {
  toml::table doc = toml::parse(toml_text);
  return cat::parse_category_map(doc["browsing"]["category_map"].as_table());
}
}  // namespace

TEST_CASE("the default map follows the documented table") {
  const auto map = cat::CategoryMap::defaults();
  CHECK(map.product_of("adult") == "adult");
  CHECK(map.product_of("mixed_adult") == "adult");
  CHECK(map.product_of("gambling") == "gambling");
  CHECK(map.product_of("arjel") == "gambling");
  CHECK(map.product_of("games") == "games");
  CHECK(map.product_of("warez") == "p2p");
  CHECK(map.product_of("torrent") == "p2p");
  CHECK(map.product_of("audio-video") == "video");
  CHECK(map.product_of("chat") == "chat");
  CHECK(map.product_of("financial") == "stock");
  CHECK(map.product_of("category-securities-cn") == "stock");
  CHECK(map.product_of("social_networks") == "social");
  CHECK(map.product_of("webmail") == "webmail");
  CHECK(map.product_of("malware") == "malware");
  CHECK(map.product_of("phishing") == "malware");
  // Deliberately unmapped: legitimate office use or not what the regulations name.
  CHECK(map.product_of("bank") == "bank");
  CHECK(map.product_of("filehosting") == "filehosting");
  CHECK(map.product_of("download") == "download");
  CHECK(map.product_of("bitcoin") == "bitcoin");
  CHECK(map.product_of("lingerie") == "lingerie");
  CHECK(map.product_of("unheard-of") == "unheard-of");
  for (const auto& entry : map.entries()) {
    CAPTURE(entry.first);
    CHECK(std::find(cat::kProductCategories.begin(), cat::kProductCategories.end(), entry.second) !=
          cat::kProductCategories.end());
  }
}

TEST_CASE("product_categories is sorted and unique") {
  const auto map = cat::CategoryMap::defaults();
  const std::vector<std::string_view> sources = {"phishing", "malware", "bank", "gambling"};
  CHECK(map.product_categories(sources) == std::vector<std::string>{"bank", "gambling", "malware"});
  CHECK(map.product_categories({}).empty());
}

TEST_CASE("[browsing.category_map] overrides the default") {
  auto map = parse(R"(
[browsing.category_map]
filehosting = "p2p"
financial = "financial"
bitcoin = "stock"
)");
  REQUIRE(map.ok());
  CHECK(map->product_of("filehosting") == "p2p");
  CHECK(map->product_of("financial") == "financial");
  CHECK(map->product_of("bitcoin") == "stock");
  CHECK(map->product_of("gambling") == "gambling");  // defaults kept

  auto fresh = parse("[browsing.category_map]\nuse_defaults = false\nmy-list = \"adult\"\n");
  REQUIRE(fresh.ok());
  CHECK(fresh->product_of("gambling") == "gambling");
  CHECK(fresh->product_of("warez") == "warez");
  CHECK(fresh->product_of("my-list") == "adult");

  auto absent = parse("[browsing]\nretention_days = 90\n");
  REQUIRE(absent.ok());
  CHECK(absent->product_of("warez") == "p2p");
}

TEST_CASE("bad overrides fail naming the key") {
  auto unknown = parse("[browsing.category_map]\nwarez = \"piracy\"\n");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == shouwei::Errc::parse);
  CHECK(unknown.error().message.find("browsing.category_map.warez") == 0);
  auto number = parse("[browsing.category_map]\nwarez = 3\n");
  REQUIRE_FALSE(number.ok());
  CHECK(number.error().message.find("browsing.category_map.warez: expected a string") == 0);
  auto flag = parse("[browsing.category_map]\nuse_defaults = \"no\"\n");
  REQUIRE_FALSE(flag.ok());
  CHECK(flag.error().message.find("use_defaults") != std::string::npos);
  auto name = parse("[browsing.category_map]\n\"bad name\" = \"adult\"\n");
  REQUIRE_FALSE(name.ok());
  CHECK(name.error().message.find("invalid source category name") != std::string::npos);
}
