// The compiled category file on synthetic UT1-format trees: matching rules, tolerated and
// rejected list lines, determinism, the mapped open() and the swappable holder.
#include <thread>

#include <doctest/doctest.h>

#include "category_test_support.hpp"
#include "shouwei/collectors/categories/category_db_builder.hpp"
#include "shouwei/collectors/categories/list_import.hpp"
#include "shouwei/os/files.hpp"

namespace cat = shouwei::collectors::categories;
using cat::testing::joined;

namespace {

// A small UT1 tree written the way real lists are sometimes written: CRLF, comments, upper
// case, trailing dots, wildcard prefixes, IPv4 entries, garbage.
void write_tree(const std::filesystem::path& dir) {
  cat::testing::write_text(
      dir, "gambling/domains",
      "# gambling\r\nbet365.com\r\nCasino.Example.ORG.\r\n\r\n*.lotto.test\r\n");
  cat::testing::write_text(dir, "games/domains", "bet365.com\ngames.example.org\n203.0.113.7\n");
  cat::testing::write_text(dir, "games/urls", "example.net/games\nexample.net/games/chess\n");
  cat::testing::write_text(dir, "adult/urls",
                           "example.net/games/adult\nhttp://WWW.Video.test:80/X\n");
  cat::testing::write_text(dir, "adult/expressions", "(porn|xxx)\n");
  cat::testing::write_text(dir, "webmail/domains",
                           "mail.example.com\nlocalhost\n0.0.0.0 hosts.example.com\nbad_host!.com\n"
                           "   spaced.example.com   \n.dotted.example\n");
  cat::testing::write_text(dir, "social.domains", "social.test\n");
}

}  // namespace

TEST_CASE("a host matches itself or its nearest listed parent") {
  cat::testing::TempDir tmp;
  write_tree(tmp.path());
  const std::string bytes = cat::testing::compile_dir(tmp.path());
  const auto db = cat::testing::open_bytes(bytes);

  CHECK(joined(db, "bet365.com") == "gambling,games");  // listed in two categories: both kept
  CHECK(joined(db, "www.bet365.com") == "gambling,games");
  CHECK(joined(db, "a.b.c.bet365.com") == "gambling,games");
  CHECK(joined(db, "casino.example.org") == "gambling");
  CHECK(joined(db, "x.casino.example.org") == "gambling");
  CHECK(joined(db, "games.example.org") == "games");
  CHECK(joined(db, "example.org") == "");    // a child listed does not list the parent
  CHECK(joined(db, "notbet365.com") == "");  // label boundary, not string suffix
  CHECK(joined(db, "bet365.com.evil.test") == "");
  CHECK(joined(db, "lotto.test") == "gambling");
  CHECK(joined(db, "win.lotto.test") == "gambling");
  CHECK(joined(db, "social.test") == "social");  // flat "<category>.domains" list
  CHECK(joined(db, "dotted.example") == "webmail");
  CHECK(joined(db, "spaced.example.com") == "webmail");
}

TEST_CASE("nearest parent wins over a farther one") {
  cat::testing::TempDir tmp;
  cat::testing::write_text(tmp.path(), "search/domains", "example.com\n");
  cat::testing::write_text(tmp.path(), "phishing/domains", "evil.sites.example.com\n");
  const auto bytes = cat::testing::compile_dir(tmp.path());
  const auto db = cat::testing::open_bytes(bytes);
  CHECK(joined(db, "login.evil.sites.example.com") == "phishing");
  CHECK(joined(db, "sites.example.com") == "search");
  CHECK(joined(db, "example.com") == "search");
}

TEST_CASE("queries are normalised like list entries") {
  cat::testing::TempDir tmp;
  write_tree(tmp.path());
  const auto bytes = cat::testing::compile_dir(tmp.path());
  const auto db = cat::testing::open_bytes(bytes);
  CHECK(joined(db, "BET365.COM") == "gambling,games");
  CHECK(joined(db, "bet365.com.") == "gambling,games");
  CHECK(joined(db, "https://user:pw@Www.Bet365.com:8443/path?q#f") == "gambling,games");
  CHECK(joined(db, "") == "");
  CHECK(joined(db, "https://") == "");
  CHECK(joined(db, "not a host") == "");
  CHECK(joined(db, std::string(100000, 'a') + ".bet365.com") == "");  // too long: no host
}

TEST_CASE("IPv4 entries match the same address only") {
  cat::testing::TempDir tmp;
  write_tree(tmp.path());
  const auto bytes = cat::testing::compile_dir(tmp.path());
  const auto db = cat::testing::open_bytes(bytes);
  CHECK(joined(db, "203.0.113.7") == "games");
  CHECK(joined(db, "http://203.0.113.7:8080/x") == "games");
  CHECK(joined(db, "203.000.113.007") == "games");
  CHECK(joined(db, "1.203.0.113.7") == "");
  CHECK(joined(db, "0.113.7") == "");
  CHECK(joined(db, "203.0.113.8") == "");
}

TEST_CASE("URL entries match by path prefix on the same host; the longest wins") {
  cat::testing::TempDir tmp;
  write_tree(tmp.path());
  const auto bytes = cat::testing::compile_dir(tmp.path());
  const auto db = cat::testing::open_bytes(bytes);
  CHECK(joined(db, "example.net") == "");
  CHECK(joined(db, "http://example.net/") == "");
  CHECK(joined(db, "http://example.net/games") == "games");
  CHECK(joined(db, "http://example.net/games/") == "games");
  CHECK(joined(db, "http://example.net/gamesx") == "games");  // a byte prefix, as squidGuard
  CHECK(joined(db, "http://example.net/games/chess/openings") == "games");
  CHECK(joined(db, "http://example.net/games/adult/1") == "adult");
  CHECK(joined(db, "http://example.net/games/adulx") == "games");
  CHECK(joined(db, "http://www.example.net/GAMES") == "games");  // www stripped, lower-cased
  CHECK(joined(db, "http://www3.example.net/games") == "games");
  CHECK(joined(db, "http://sub.example.net/games") == "");  // URL entries do not cover subdomains
  CHECK(joined(db, "http://example.net/game") == "");
  CHECK(joined(db, "video.test/x/y") == "adult");  // entry "http://WWW.Video.test:80/X"
  CHECK(joined(db, "https://www.video.test/x") == "adult");
  CHECK(joined(db, "video.test/y") == "");
}

TEST_CASE("malformed lines are rejected, counted, and do not stop the import") {
  cat::testing::TempDir tmp;
  write_tree(tmp.path());
  cat::CategoryDbBuilder builder;
  cat::ImportReport report;
  REQUIRE(cat::import_list_dir(tmp.path(), builder, report).ok());
  CHECK(report.categories == 5);
  CHECK(report.rejected_lines == 3);  // localhost, the hosts-file line, bad_host!.com
  CHECK(report.skipped_lines == 2);   // the comment and the blank line
  CHECK(report.domain_lines == 10);
  CHECK(report.url_lines == 4);
  REQUIRE(report.rejected_examples.size() == 3);
  CHECK(report.rejected_examples[0].line == 2);
  CHECK(report.rejected_examples[0].reason == "single-label host");
  CHECK(report.rejected_examples[1].reason == "more than one field");
  CHECK(report.rejected_examples[2].reason == "character not allowed in a host name");
  REQUIRE(report.skipped_paths.size() == 1);  // adult/expressions
  CHECK(report.skipped_paths[0].ends_with("expressions"));
}

TEST_CASE("binary and garbage list content is rejected line by line, never fatal") {
  cat::CategoryDbBuilder builder;
  cat::ImportReport report;
  std::string garbage(std::string_view("\x00\xff\xfe\n\x01\x02 \x03\nok.example.com\n", 24));
  garbage += std::string(5000, 'x') + "\n";
  cat::import_list_text(garbage, "junk", "domains", "junk/domains", builder, report);
  cat::import_list_text("example.com/" + std::string(2000, 'p') + "\n", "junk", "urls", "junk/urls",
                        builder, report);
  CHECK(report.domain_lines == 1);
  CHECK(report.rejected_lines == 4);
  auto bytes = builder.build();
  REQUIRE(bytes.ok());
  const auto db = cat::testing::open_bytes(*bytes);
  CHECK(joined(db, "ok.example.com") == "junk");
}

TEST_CASE("a source without any list fails naming the directory") {
  cat::testing::TempDir tmp;
  cat::testing::write_text(tmp.path(), "README", "nothing here\n");
  cat::CategoryDbBuilder builder;
  cat::ImportReport report;
  auto r = cat::import_list_dir(tmp.path(), builder, report);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find(tmp.path().string()) != std::string::npos);
  auto missing = cat::import_list_dir(tmp.path() / "missing", builder, report);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == shouwei::Errc::not_found);
}

TEST_CASE("symlinked alias folders are not imported twice") {
  cat::testing::TempDir tmp;
  cat::testing::write_text(tmp.path(), "adult/domains", "adult.example\n");
  std::filesystem::create_directory_symlink("adult", tmp.path() / "porn");
  const auto bytes = cat::testing::compile_dir(tmp.path());
  const auto db = cat::testing::open_bytes(bytes);
  CHECK(joined(db, "adult.example") == "adult");
  CHECK(db.category_names() == std::vector<std::string_view>{"adult"});
}

TEST_CASE("a category folder given directly is its own category") {
  cat::testing::TempDir tmp;
  cat::testing::write_text(tmp.path(), "gambling/domains", "bet.example\n");
  const auto bytes = cat::testing::compile_dir(tmp.path() / "gambling");
  CHECK(joined(cat::testing::open_bytes(bytes), "bet.example") == "gambling");
}

TEST_CASE("output is deterministic whatever the entry order") {
  cat::CategoryDbBuilder a;
  cat::CategoryDbBuilder b;
  std::string_view why;
  CHECK(a.add_domain("x", "one.example", &why));
  CHECK(a.add_domain("y", "two.example", &why));
  CHECK(a.add_url("y", "two.example/p", &why));
  CHECK(b.add_url("y", "two.example/p", &why));
  CHECK(b.add_domain("y", "TWO.example.", &why));
  CHECK(b.add_domain("x", "one.example", &why));
  CHECK(b.add_domain("x", "one.example", &why));  // duplicates collapse
  CHECK(*a.build() == *b.build());
}

TEST_CASE("an empty database opens and matches nothing") {
  cat::CategoryDbBuilder builder;
  auto bytes = builder.build();
  REQUIRE(bytes.ok());
  const auto db = cat::testing::open_bytes(*bytes);
  CHECK(joined(db, "example.com") == "");
  CHECK(db.info().domains == 0);
}

TEST_CASE("open() maps a file written by write_file_atomic") {
  cat::testing::TempDir tmp;
  write_tree(tmp.path() / "lists");
  const auto bytes = cat::testing::compile_dir(tmp.path() / "lists");
  const auto file = tmp.path() / "categories.swc";
  REQUIRE(shouwei::os::write_file_atomic(file, bytes, shouwei::os::FileMode::public_read).ok());
  auto db = cat::CategoryDb::open(file);
  REQUIRE(db.ok());
  CHECK(joined(*db, "bet365.com") == "gambling,games");
  CHECK(db->info().file_bytes == bytes.size());
  CHECK(db->info().categories == 5);
  // Moving keeps the mapping valid.
  cat::CategoryDb moved = std::move(db).value();
  CHECK(joined(moved, "203.0.113.7") == "games");

  auto missing = cat::CategoryDb::open(tmp.path() / "missing.swc");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == shouwei::Errc::not_found);
  CHECK(missing.error().message.find("missing.swc") != std::string::npos);
  auto directory = cat::CategoryDb::open(tmp.path());
  REQUIRE_FALSE(directory.ok());
}

TEST_CASE("the holder swaps databases while other threads look up") {
  cat::testing::TempDir tmp;
  cat::testing::write_text(tmp.path(), "a/one/domains", "host.example\n");
  cat::testing::write_text(tmp.path(), "b/two/domains", "host.example\n");
  const auto bytes_a = cat::testing::compile_dir(tmp.path() / "a");
  const auto bytes_b = cat::testing::compile_dir(tmp.path() / "b");
  auto db_a = std::make_shared<const cat::CategoryDb>(cat::testing::open_bytes(bytes_a));
  auto db_b = std::make_shared<const cat::CategoryDb>(cat::testing::open_bytes(bytes_b));

  cat::CategoryDbHolder holder;
  CHECK(holder.load() == nullptr);
  holder.store(db_a);
  std::atomic<int> unexpected{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        const auto db = holder.load();
        const auto result = db->lookup("www.host.example");
        if (result.size() != 1 || (result[0] != "one" && result[0] != "two")) ++unexpected;
      }
    });
  }
  for (int i = 0; i < 2000; ++i) holder.store(i % 2 == 0 ? db_b : db_a);
  for (auto& r : readers) r.join();
  CHECK(unexpected.load() == 0);
  holder.store(db_b);
  CHECK(joined(*holder.load(), "host.example") == "two");
}
