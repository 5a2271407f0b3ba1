// A small RAII layer over libpq for the PostgreSQL store (pg_store.cpp): one connection,
// parameterised queries (never SQL built from values), results read by row and column, and a
// transaction guard that rolls back unless committed. Errors name the statement and carry
// PostgreSQL's own message on one line. Not thread-safe: the store serializes its use.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/common/result.hpp"

struct pg_conn;
struct pg_result;

namespace shouwei::server::pg {

// The parameters $1, $2... of one statement, in order. Text is sent as text (PostgreSQL casts
// it to the column's type); bytes go in binary format so that BYTEA keeps every byte.
class Params {
 public:
  Params& text(std::string_view v);
  Params& bytes(std::string_view v);
  Params& integer(std::int64_t v);
  Params& optional_text(const std::optional<std::string>& v);
  Params& optional_integer(const std::optional<std::int64_t>& v);
  Params& null();

 private:
  friend class Connection;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<int> binary_;
};

struct ResultDeleter {
  void operator()(pg_result* r) const noexcept;
};

// The rows of one statement (text format). Column accessors REQUIRE row < size().
class Rows {
 public:
  int size() const noexcept;
  bool is_null(int row, int column) const noexcept;
  std::string text(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const;
  std::int64_t integer(int row, int column) const;  // 0 when NULL or not a number
  std::optional<std::int64_t> optional_integer(int row, int column) const;
  std::string bytes(int row, int column) const;  // a BYTEA column, unescaped
  std::int64_t affected() const noexcept;        // rows changed by INSERT/UPDATE/DELETE

 private:
  friend class Connection;
  explicit Rows(pg_result* r) : r_(r) {}
  std::unique_ptr<pg_result, ResultDeleter> r_;
};

class Connection {
 public:
  // conninfo: a libpq URI (postgresql://...) or key=value string. Errors never echo it (it
  // may hold a password).
  static Result<Connection> open(const std::string& conninfo);

  // One statement with parameters. Errc::conflict for a unique or foreign-key violation,
  // Errc::unavailable when the connection is lost, Errc::io otherwise.
  Result<Rows> query(std::string_view sql, const Params& params = {});
  // Several statements without parameters (schema migrations).
  Result<void> exec_script(std::string_view sql);
  // Re-establishes a connection that was lost (server restart); no-op when it is fine.
  Result<void> ensure_open();

 private:
  struct ConnDeleter {
    void operator()(pg_conn* c) const noexcept;
  };
  explicit Connection(pg_conn* c) : c_(c) {}
  std::unique_ptr<pg_conn, ConnDeleter> c_;
};

// BEGIN on construction by begin(); ROLLBACK on destruction unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(Connection& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<void> commit();

 private:
  explicit Transaction(Connection* db) : db_(db) {}
  Connection* db_;  // null once committed or moved from
};

}  // namespace shouwei::server::pg
