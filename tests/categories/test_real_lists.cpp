// The categoriser on the real UT1 lists in ../shared/data/categories (read in place), checked
// against a plain reference implementation (a hash map of every listed name, walked parent by
// parent) over the Tranco top 10k and the China list, plus known entries.
#include <algorithm>
#include <filesystem>
#include <set>
#include <unordered_map>

#include <doctest/doctest.h>

#include "category_test_support.hpp"
#include "shouwei/collectors/categories/category_db_builder.hpp"
#include "shouwei/collectors/categories/category_map.hpp"
#include "shouwei/collectors/categories/list_import.hpp"
#include "shouwei/common/file_io.hpp"

namespace cat = shouwei::collectors::categories;
namespace fs = std::filesystem;

namespace {

const fs::path kData = fs::path(SHOUWEI_SHARED_DATA) / "categories";

std::vector<std::string> lines_of(const fs::path& file) {
  auto text = shouwei::read_file(file);
  REQUIRE_MESSAGE(text.ok(), file.string());
  std::vector<std::string> out;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const auto eol = std::min(rest.find('\n'), rest.size());
    if (eol > 0) out.emplace_back(rest.substr(0, eol));
    rest.remove_prefix(std::min(eol + 1, rest.size()));
  }
  return out;
}

// Compiled once for all cases: building the 1.1 M lines takes a few seconds.
struct Ut1 {
  std::string bytes;
  cat::ImportReport report;
  cat::BuildStats stats;
  Ut1() {
    cat::CategoryDbBuilder builder;
    auto r = cat::import_list_dir(kData / "ut1", builder, report);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    auto built = builder.build(&stats);
    REQUIRE(built.ok());
    bytes = std::move(built).value();
  }
};

const Ut1& ut1() {
  static const Ut1 instance;
  return instance;
}

// The reference: every UT1 domain entry -> its categories, looked up parent by parent.
class Reference {
 public:
  Reference() {
    for (const auto& dir : fs::directory_iterator(kData / "ut1")) {
      if (!dir.is_directory() || dir.is_symlink() || !fs::exists(dir.path() / "domains")) continue;
      for (const auto& line : lines_of(dir.path() / "domains")) {
        names_[line].insert(dir.path().filename().string());
      }
    }
  }
  std::string lookup(std::string host) const {
    for (;;) {
      if (auto it = names_.find(host); it != names_.end()) {
        std::string out;
        for (const auto& c : it->second) out += (out.empty() ? "" : ",") + c;
        return out;
      }
      const auto dot = host.find('.');
      if (dot == std::string::npos) return "";
      host = host.substr(dot + 1);
    }
  }
  std::size_t size() const { return names_.size(); }

 private:
  std::unordered_map<std::string, std::set<std::string>> names_;
};

}  // namespace

TEST_CASE("the UT1 lists import completely") {
  const auto& u = ut1();
  CHECK(u.report.categories == 69);
  CHECK(u.report.domain_lines == 1074764);  // ../shared/data/categories/README.md
  CHECK(u.report.url_lines == 43341);
  CHECK(u.report.rejected_lines == 0);
  CHECK(u.stats.domains == 558374);
  CHECK(u.stats.fingerprint_collisions == 0);
  // The size target: <= 12 bytes per listed domain, URL entries included.
  CHECK(static_cast<double>(u.bytes.size()) / static_cast<double>(u.stats.domains) <= 12.0);
}

TEST_CASE("known UT1 entries map to their categories") {
  const auto db = cat::testing::open_bytes(ut1().bytes);
  const auto bet365 = db.lookup("bet365.com");
  for (const char* c : {"gambling", "games"}) {
    CHECK(std::find(bet365.begin(), bet365.end(), c) != bet365.end());
  }
  CHECK(cat::testing::joined(db, "sports.bet365.com") == cat::testing::joined(db, "bet365.com"));
  // The first entry of a few lists, whatever it is today.
  for (const char* list : {"gambling", "webmail", "chat", "social_networks", "audio-video"}) {
    const auto first = lines_of(kData / "ut1" / list / "domains").front();
    CAPTURE(first);
    const auto found = db.lookup("https://deep.sub." + first + "/page");
    CHECK(std::find(found.begin(), found.end(), list) != found.end());
  }
  // IPv4 entries.
  CHECK(cat::testing::joined(db, "100.1.220.138").find("bitcoin") != std::string::npos);
  CHECK(cat::testing::joined(db, "100.1.220.139").find("bitcoin") == std::string::npos);
}

TEST_CASE("UT1 URL entries match by prefix") {
  const auto db = cat::testing::open_bytes(ut1().bytes);
  std::size_t checked = 0;
  for (const char* list : {"games", "adult", "malware", "audio-video"}) {
    const auto entries = lines_of(kData / "ut1" / list / "urls");
    for (std::size_t i = 0; i < entries.size(); i += 97) {
      const auto found = db.lookup("http://" + entries[i] + "/more?x=1");
      CAPTURE(entries[i]);
      CHECK(std::find(found.begin(), found.end(), list) != found.end());
      ++checked;
    }
  }
  CHECK(checked > 100);
  CHECK(cat::testing::joined(db, "178.128.25.172/watch") == "adult");
  CHECK(cat::testing::joined(db, "178.128.25.172/other") == "");
}

TEST_CASE("Tranco top 10k and the China list: identical to the reference, benign sites unflagged") {
  const auto db = cat::testing::open_bytes(ut1().bytes);
  const Reference reference;
  CHECK(reference.size() == 558374);
  std::size_t flagged = 0;
  std::size_t queries = 0;
  for (const char* file : {"tranco_top10k_2025-06.txt", "china_accelerated_domains.txt"}) {
    for (const auto& host : lines_of(kData / "top" / file)) {
      const std::string expected = reference.lookup(host);
      const std::string got = cat::testing::joined(db, host);
      if (got != expected) CHECK_MESSAGE(got == expected, host);
      flagged += !got.empty();
      ++queries;
    }
  }
  CHECK(queries == 120769);
  CHECK(flagged > 1000);  // README: 17% of Tranco hits some UT1 category
  for (const std::string benign :
       {"google.com", "baidu.com", "cloudflare.com", "www.gov.cn", "qq.com"}) {
    CAPTURE(benign);
    CHECK(reference.lookup(benign).empty());
    CHECK(db.lookup(benign).empty());
  }
}

TEST_CASE("the default map turns UT1 names into product categories") {
  const auto db = cat::testing::open_bytes(ut1().bytes);
  const auto map = cat::CategoryMap::defaults();
  const auto sources = db.lookup("bet365.com");
  const auto products = map.product_categories(sources);
  CHECK(std::find(products.begin(), products.end(), "gambling") != products.end());
  CHECK(std::find(products.begin(), products.end(), "games") != products.end());
  // Every UT1 category either maps into the product list or stands for itself.
  for (const auto name : db.category_names()) {
    const auto product = map.product_of(name);
    const bool known = std::find(cat::kProductCategories.begin(), cat::kProductCategories.end(),
                                 product) != cat::kProductCategories.end();
    CHECK((known || product == name));
  }
}
