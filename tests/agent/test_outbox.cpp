#include <doctest/doctest.h>

#include "shouwei/agent/outbox.hpp"
#include "shouwei/agent/service.hpp"
#include "../common/temp_dir.hpp"

using namespace shouwei;

TEST_CASE("the outbox hands out snapshots oldest first and survives reopening") {
  test::TempDir tmp;
  {
    auto db = sqlite::Database::open(tmp / "state.db");
    REQUIRE(db.ok());
    auto outbox = agent::Outbox::open(*db, 1024 * 1024);
    REQUIRE(outbox.ok());
    for (int seq = 1; seq <= 3; ++seq) {
      REQUIRE(outbox->enqueue(seq, "envelope-" + std::to_string(seq), "{}", SystemClock().now()).ok());
    }
  }
  auto db = sqlite::Database::open(tmp / "state.db");
  REQUIRE(db.ok());
  auto outbox = agent::Outbox::open(*db, 1024 * 1024);
  REQUIRE(outbox.ok());
  for (int seq = 1; seq <= 3; ++seq) {
    auto next = outbox->oldest();
    REQUIRE(next.ok());
    REQUIRE(next->has_value());
    CHECK((*next)->seq == seq);
    CHECK((*next)->envelope_json == "envelope-" + std::to_string(seq));
    REQUIRE(outbox->remove((*next)->id).ok());
  }
  CHECK_FALSE(outbox->oldest()->has_value());
}

TEST_CASE("at the disk cap the oldest snapshots are dropped and counted") {
  test::TempDir tmp;
  auto db = sqlite::Database::open(tmp / "state.db");
  REQUIRE(db.ok());
  auto outbox = agent::Outbox::open(*db, 1000);
  REQUIRE(outbox.ok());
  const std::string body(300, 'e');
  for (int seq = 1; seq <= 5; ++seq) REQUIRE(outbox->enqueue(seq, body, "{}", SystemClock().now()).ok());
  auto stats = outbox->stats();
  REQUIRE(stats.ok());
  CHECK(stats->queued == 3);
  CHECK(stats->queued_bytes == 900);
  CHECK(stats->dropped_total == 2);
  CHECK((*outbox->oldest())->seq == 3);
  REQUIRE(outbox->record_failure((*outbox->oldest())->id, "connection refused").ok());
  CHECK((*outbox->oldest())->attempts == 1);
}

TEST_CASE("upload backoff doubles from 5 s, is capped at 15 min and jittered") {
  using namespace std::chrono;
  for (int i = 0; i < 50; ++i) {
    auto first = agent::AgentService::backoff(1);
    CHECK(first >= 2500ms);
    CHECK(first <= 5000ms);
    auto fourth = agent::AgentService::backoff(4);
    CHECK(fourth >= 20s);
    CHECK(fourth <= 40s);
    auto late = agent::AgentService::backoff(100);
    CHECK(late >= 450s);
    CHECK(late <= 900s);
  }
}
