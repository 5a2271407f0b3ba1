// The SQLite layer: per-component migrations, refusal of newer schemas, and damaged files left
// exactly as they were.
#include <array>
#include <filesystem>
#include <string_view>

#include <doctest/doctest.h>

#include "shouwei/common/file_io.hpp"
#include "shouwei/common/sqlite.hpp"
#include "temp_dir.hpp"

using namespace shouwei;
namespace fs = std::filesystem;

namespace {
constexpr std::array<std::string_view, 2> kAgentSteps = {
    "CREATE TABLE state(key TEXT PRIMARY KEY, value TEXT)",
    "ALTER TABLE state ADD COLUMN updated_at INTEGER",
};
constexpr std::array<std::string_view, 1> kOutboxSteps = {
    "CREATE TABLE outbox(id INTEGER PRIMARY KEY, body BLOB NOT NULL)",
};
}  // namespace

TEST_CASE("migrations are applied per component and only once") {
  test::TempDir dir;
  const fs::path path = dir / "state.db";
  {
    auto db = sqlite::Database::open(path);
    REQUIRE(db.ok());
    REQUIRE(db->apply_migrations("agent", std::span(kAgentSteps).first(1)).ok());
    REQUIRE(db->apply_migrations("outbox", kOutboxSteps).ok());
    CHECK(*db->migration_version("agent") == 1);
    CHECK(*db->migration_version("outbox") == 1);
    CHECK(*db->migration_version("never") == 0);
  }
  auto db = sqlite::Database::open(path);
  REQUIRE(db.ok());
  REQUIRE(db->apply_migrations("agent", kAgentSteps).ok());
  REQUIRE(db->apply_migrations("agent", kAgentSteps).ok());  // idempotent
  CHECK(*db->migration_version("agent") == 2);
  auto ins = db->prepare("INSERT INTO state(key, value, updated_at) VALUES(?, ?, ?)");
  REQUIRE(ins.ok());
  ins->bind(1, "seq").bind(2, "41").bind(3, std::int64_t{1700000000});
  CHECK(ins->run().ok());
  auto sel = db->prepare("SELECT value, updated_at FROM state WHERE key = 'seq'");
  REQUIRE(sel.ok());
  REQUIRE(*sel->step());
  CHECK(sel->get_text(0) == "41");
  CHECK(sel->get_int64(1) == 1700000000);
}

TEST_CASE("a failing migration step rolls back and keeps the earlier steps") {
  test::TempDir dir;
  auto db = sqlite::Database::open(dir / "state.db");
  REQUIRE(db.ok());
  constexpr std::array<std::string_view, 2> steps = {"CREATE TABLE a(x)",
                                                     "CREATE TABLE b(y); SYNTAX ERROR HERE"};
  auto r = db->apply_migrations("c", steps);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find((dir / "state.db").string()) != std::string::npos);
  CHECK(*db->migration_version("c") == 1);
  auto b = db->prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'");
  REQUIRE(*b->step());
  CHECK(b->get_int64(0) == 0);
}

TEST_CASE("a database from a newer version is refused") {
  test::TempDir dir;
  const fs::path path = dir / "state.db";
  {
    auto db = sqlite::Database::open(path);
    REQUIRE(db->apply_migrations("agent", kAgentSteps).ok());
  }
  auto db = sqlite::Database::open(path);
  auto r = db->apply_migrations("agent", std::span(kAgentSteps).first(1));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::unsupported);
  CHECK(r.error().message.find(path.string()) != std::string::npos);
  CHECK(r.error().message.find("newer") != std::string::npos);
}

TEST_CASE("a file that is not a database fails as corrupt and stays byte-identical") {
  test::TempDir dir;
  const fs::path path = dir / "state.db";
  std::string garbage;
  for (int i = 0; i < 200; ++i) garbage += "this is not an SQLite database, just text. ";
  test::write_test_file(path, garbage);
  auto db = sqlite::Database::open(path);
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().code == Errc::corrupt);
  CHECK(db.error().message.rfind(path.string() + ": ", 0) == 0);
  CHECK(*read_file(path) == garbage);
  CHECK_FALSE(fs::exists(dir / "state.db-wal"));
}

TEST_CASE("a truncated database fails as corrupt and is left untouched") {
  test::TempDir dir;
  const fs::path path = dir / "state.db";
  {
    auto db = sqlite::Database::open(path, {.wal = false});
    REQUIRE(db->apply_migrations("agent", kAgentSteps).ok());
  }
  std::string bytes = *read_file(path);
  REQUIRE(bytes.size() > 4096);
  // Keep the header but damage the schema page.
  std::string damaged = bytes.substr(0, 100) + std::string(bytes.size() - 100, '\xa5');
  test::write_test_file(path, damaged);
  auto db = sqlite::Database::open(path);
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().code == Errc::corrupt);
  CHECK(*read_file(path) == damaged);
}

TEST_CASE("WAL is on by default and transactions roll back unless committed") {
  test::TempDir dir;
  auto db = sqlite::Database::open(dir / "state.db");
  REQUIRE(db.ok());
  {
    // Scoped: a statement left mid-read keeps SQLite's implicit transaction open.
    auto mode = db->prepare("PRAGMA journal_mode");
    REQUIRE(*mode->step());
    CHECK(mode->get_text(0) == "wal");
  }
  REQUIRE(db->exec("CREATE TABLE t(x INTEGER)").ok());
  {
    auto tx = sqlite::Transaction::begin(*db);
    REQUIRE(tx.ok());
    REQUIRE(db->exec("INSERT INTO t VALUES(1)").ok());
  }
  {
    auto tx = sqlite::Transaction::begin(*db);
    REQUIRE(db->exec("INSERT INTO t VALUES(2)").ok());
    REQUIRE(tx->commit().ok());
  }
  auto count = db->prepare("SELECT group_concat(x) FROM t");
  REQUIRE(*count->step());
  CHECK(count->get_text(0) == "2");
}

TEST_CASE("opening a missing database read-only fails naming the file") {
  test::TempDir dir;
  auto db = sqlite::Database::open(dir / "missing.db", {.create = false, .read_only = true});
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().message.find((dir / "missing.db").string()) != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "missing.db"));
}
