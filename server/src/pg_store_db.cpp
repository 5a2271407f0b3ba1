#include "pg_store_db.hpp"

#include <charconv>
#include <libpq-fe.h>
#include <utility>

namespace shouwei::server::pg {

namespace {

// SQLSTATE classes and codes (PostgreSQL appendix A) that callers handle apart.
constexpr std::string_view kUniqueViolation = "23505";
constexpr std::string_view kForeignKeyViolation = "23503";

// PostgreSQL's messages end in newlines and may span lines; a report is one line.
std::string one_line(const char* text) {
  std::string out = text != nullptr ? text : "";
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The statement as it appears in an error: its first words, enough to find it in the code.
std::string statement_name(std::string_view sql) {
  constexpr std::size_t kShown = 48;
  std::string head(sql.substr(0, kShown));
  for (char& c : head) {
    if (c == '\n') c = ' ';
  }
  return sql.size() > kShown ? head + "..." : head;
}

}  // namespace

Params& Params::text(std::string_view v) {
  values_.emplace_back(v);
  null_.push_back(false);
  binary_.push_back(0);
  return *this;
}

Params& Params::bytes(std::string_view v) {
  values_.emplace_back(v);
  null_.push_back(false);
  binary_.push_back(1);
  return *this;
}

Params& Params::integer(std::int64_t v) {
  return text(std::to_string(v));
}

Params& Params::optional_text(const std::optional<std::string>& v) {
  return v ? text(*v) : null();
}

Params& Params::optional_integer(const std::optional<std::int64_t>& v) {
  return v ? integer(*v) : null();
}

Params& Params::null() {
  values_.emplace_back();
  null_.push_back(true);
  binary_.push_back(0);
  return *this;
}

void ResultDeleter::operator()(pg_result* r) const noexcept {
  PQclear(r);
}

int Rows::size() const noexcept {
  return PQntuples(r_.get());
}

bool Rows::is_null(int row, int column) const noexcept {
  return PQgetisnull(r_.get(), row, column) != 0;
}

std::string Rows::text(int row, int column) const {
  return std::string(PQgetvalue(r_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(r_.get(), row, column)));
}

std::optional<std::string> Rows::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

std::int64_t Rows::integer(int row, int column) const {
  const char* v = PQgetvalue(r_.get(), row, column);
  const char* end = v + PQgetlength(r_.get(), row, column);
  std::int64_t out = 0;
  std::from_chars(v, end, out);
  return out;
}

std::optional<std::int64_t> Rows::optional_integer(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return integer(row, column);
}

std::string Rows::bytes(int row, int column) const {
  std::size_t len = 0;
  unsigned char* raw = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(r_.get(), row, column)), &len);
  if (raw == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(raw), len);
  PQfreemem(raw);
  return out;
}

std::int64_t Rows::affected() const noexcept {
  std::string_view n = PQcmdTuples(r_.get());
  std::int64_t out = 0;
  std::from_chars(n.data(), n.data() + n.size(), out);
  return out;
}

void Connection::ConnDeleter::operator()(pg_conn* c) const noexcept {
  PQfinish(c);
}

Result<Connection> Connection::open(const std::string& conninfo) {
  Connection db(PQconnectdb(conninfo.c_str()));
  if (!db.c_) return fail(Errc::unavailable, "postgresql: out of memory for a connection");
  if (PQstatus(db.c_.get()) != CONNECTION_OK) {
    return fail(Errc::unavailable,
                "postgresql: cannot connect: " + one_line(PQerrorMessage(db.c_.get())));
  }
  // Quiet NOTICEs (e.g. "relation already exists, skipping") instead of printing to stderr.
  PQsetNoticeProcessor(
      db.c_.get(), [](void*, const char*) {}, nullptr);
  return db;
}

Result<void> Connection::ensure_open() {
  if (PQstatus(c_.get()) == CONNECTION_OK) return {};
  PQreset(c_.get());
  if (PQstatus(c_.get()) != CONNECTION_OK) {
    return fail(Errc::unavailable,
                "postgresql: connection lost: " + one_line(PQerrorMessage(c_.get())));
  }
  return {};
}

Result<Rows> Connection::query(std::string_view sql, const Params& params) {
  const std::string text(sql);
  const int n = static_cast<int>(params.values_.size());
  std::vector<const char*> values(params.values_.size());
  std::vector<int> lengths(params.values_.size());
  for (std::size_t i = 0; i < params.values_.size(); ++i) {
    values[i] = params.null_[i] ? nullptr : params.values_[i].data();
    lengths[i] = static_cast<int>(params.values_[i].size());
  }
  Rows rows(PQexecParams(c_.get(), text.c_str(), n, nullptr, values.data(), lengths.data(),
                         params.binary_.data(), /*resultFormat=*/0));
  const ExecStatusType status = PQresultStatus(rows.r_.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return rows;
  const std::string message =
      "postgresql: " + statement_name(sql) + ": " +
      one_line(rows.r_ ? PQresultErrorMessage(rows.r_.get()) : PQerrorMessage(c_.get()));
  if (PQstatus(c_.get()) != CONNECTION_OK) return fail(Errc::unavailable, message);
  const char* state = rows.r_ ? PQresultErrorField(rows.r_.get(), PG_DIAG_SQLSTATE) : nullptr;
  if (state != nullptr && (state == kUniqueViolation || state == kForeignKeyViolation)) {
    return fail(Errc::conflict, message);
  }
  return fail(Errc::io, message);
}

Result<void> Connection::exec_script(std::string_view sql) {
  const std::string text(sql);
  std::unique_ptr<pg_result, ResultDeleter> r(PQexec(c_.get(), text.c_str()));
  const ExecStatusType status = PQresultStatus(r.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return {};
  return fail(Errc::io, "postgresql: " + statement_name(sql) + ": " +
                            one_line(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(c_.get())));
}

Result<Transaction> Transaction::begin(Connection& db) {
  SHOUWEI_TRY_VOID(db.ensure_open());
  SHOUWEI_TRY(auto rows, db.query("BEGIN"));
  (void)rows;
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->query("ROLLBACK");
}

Result<void> Transaction::commit() {
  Connection* db = std::exchange(db_, nullptr);
  SHOUWEI_TRY(auto rows, db->query("COMMIT"));
  (void)rows;
  return {};
}

}  // namespace shouwei::server::pg
