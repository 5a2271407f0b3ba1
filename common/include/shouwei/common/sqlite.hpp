// A thin RAII layer over SQLite shared by the agent's state and the server's embedded store.
// Every error names the database file and what SQLite said. Schema changes are migrations
// owned per component, so each part of the product evolves its own tables independently.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "shouwei/common/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace shouwei::sqlite {

class Database;

// A prepared statement. Bind indices start at 1 (SQLite's convention); columns start at 0.
// Not thread-safe; owned by one thread at a time together with its Database.
class Statement {
 public:
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::nullptr_t);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind(int index, const std::optional<std::string>& text);

  // true when a row is available, false when done; an error names the database and the SQL.
  Result<bool> step();
  // Runs a statement that returns no rows (or ignores them) to completion.
  Result<void> run();
  void reset();

  bool is_null(int column) const;
  std::int64_t get_int64(int column) const;
  double get_double(int column) const;
  std::string get_text(int column) const;  // also reads BLOB columns as bytes
  std::optional<std::string> get_optional_text(int column) const;

 private:
  friend class Database;
  Statement(Database* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const noexcept;
  };
  Database* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  int bind_error_ = 0;
};

struct OpenOptions {
  bool create = true;            // create the file if missing
  bool read_only = false;
  bool wal = true;               // journal_mode=WAL, synchronous=FULL for durability
  int busy_timeout_ms = 5000;
};

class Database {
 public:
  // Opens (or creates) the database and checks that it is one: a file that is not a SQLite
  // database, or a damaged one, fails with Errc::corrupt and is left untouched.
  static Result<Database> open(const std::filesystem::path& path, OpenOptions options = {});

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  // Runs one or more statements separated by ';'.
  Result<void> exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);

  // Applies, in one transaction per step, the steps of `component` not yet applied; the
  // applied count is kept in the table schema_migrations(component, version). A database
  // whose recorded version is newer than the steps we know fails with Errc::unsupported
  // (a downgrade would silently misread it).
  Result<void> apply_migrations(std::string_view component,
                                std::span<const std::string_view> steps);
  Result<int> migration_version(std::string_view component);

  std::int64_t last_insert_rowid() const;
  int changes() const;
  const std::filesystem::path& path() const noexcept { return path_; }
  sqlite3* handle() const noexcept { return db_.get(); }

  // "<path>: <what>: <sqlite message>", with the error code mapped to Errc.
  Error make_error(std::string_view what) const;

 private:
  Database(std::filesystem::path path, sqlite3* db);
  struct Closer {
    void operator()(sqlite3* db) const noexcept;
  };
  std::filesystem::path path_;
  std::unique_ptr<sqlite3, Closer> db_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<void> commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace shouwei::sqlite
