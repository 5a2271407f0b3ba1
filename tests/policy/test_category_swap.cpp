// A category database swapped by the installer while lookups run on other threads: every
// answer comes from the old or the new database, never from a mix, an unmapped file or a
// crash (run under ASan in CI). Bounded by a fixed number of swaps, not by time.
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "policy/policy_agent_support.hpp"
#include "shouwei/agent/category_db_install.hpp"

using namespace shouwei;
namespace categories = collectors::categories;

TEST_CASE("category database swaps while lookups run: every answer old or new") {
  test::TempDir dir;
  auto state = test::open_test_state(dir / "state");
  categories::CategoryDbHolder holder;
  agent::CategoryDbInstaller installer(state, holder);
  test::FakePolicySource server;
  // Two databases giving different answers for the same host; A also lists a host B does not.
  collectors::categories::CategoryDbBuilder a_builder;
  std::string_view why;
  REQUIRE(a_builder.add_domain("gambling", "casino.example", &why));
  REQUIRE(a_builder.add_domain("adult", "only-in-a.example", &why));
  const std::string db_a = a_builder.build().value();
  const std::string db_b = test::make_category_db("games", "casino.example");
  server.put_file("/a", db_a);
  server.put_file("/b", db_b);
  const policy::CategoryDb want_a{"/a", sha256_hex(db_a), 1};
  const policy::CategoryDb want_b{"/b", sha256_hex(db_b), 2};
  REQUIRE_FALSE(installer.install(want_a, server).has_value());

  std::atomic<bool> done{false};
  std::atomic<long> lookups{0};
  std::vector<std::set<std::string>> seen(3);
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    readers.emplace_back([&, i] {
      while (!done.load()) {
        auto db = holder.load();  // kept while its answers are used
        auto answer = db->lookup("https://www.casino.example/x");
        auto other = db->lookup("only-in-a.example");
        std::string got = answer.size() == 1 ? std::string(answer[0]) : "<bad>";
        // From one database: A answers both, B neither of the A-only host.
        got += other.empty() ? "|b" : "|a:" + std::string(other[0]);
        seen[i].insert(got);
        lookups.fetch_add(1);
      }
    });
  }
  constexpr int kSwaps = 40;
  for (int n = 0; n < kSwaps; ++n) {
    // Wait for some lookups between swaps so that they really overlap (no timing involved).
    const long before = lookups.load();
    while (lookups.load() < before + 20) std::this_thread::yield();
    REQUIRE_FALSE(installer.install(n % 2 == 0 ? want_b : want_a, server).has_value());
  }
  done = true;
  for (auto& t : readers) t.join();
  const std::set<std::string> allowed{"gambling|a:adult", "games|b"};
  for (const auto& answers : seen) {
    for (const auto& a : answers) {
      CAPTURE(a);
      CHECK(allowed.count(a) == 1);
    }
  }
  CHECK(server.downloads == kSwaps + 1);
  CHECK(installer.in_use()->sha256 == want_a.sha256);
}
