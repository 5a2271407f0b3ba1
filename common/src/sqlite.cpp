#include "shouwei/common/sqlite.hpp"

#include <sqlite3.h>

#include "shouwei/os/utf8_path.hpp"

namespace shouwei::sqlite {

namespace {
Errc map_code(int rc) {
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Errc::corrupt;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return Errc::permission_denied;
    case SQLITE_FULL:
    case SQLITE_IOERR:
      return Errc::io;
    case SQLITE_CONSTRAINT:
      return Errc::conflict;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Errc::unavailable;
    case SQLITE_TOOBIG:
      return Errc::limit_exceeded;
    default:
      return Errc::internal;
  }
}
}  // namespace

void Statement::Finalizer::operator()(sqlite3_stmt* s) const noexcept {
  sqlite3_finalize(s);
}
void Database::Closer::operator()(sqlite3* db) const noexcept {
  sqlite3_close_v2(db);
}

Statement::~Statement() = default;

Statement& Statement::bind(int index, std::int64_t value) {
  if (int rc = sqlite3_bind_int64(stmt_.get(), index, value); rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}
Statement& Statement::bind(int index, double value) {
  if (int rc = sqlite3_bind_double(stmt_.get(), index, value); rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}
Statement& Statement::bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  if (rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}
Statement& Statement::bind(int index, std::nullptr_t) {
  if (int rc = sqlite3_bind_null(stmt_.get(), index); rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}
Statement& Statement::bind_blob(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob64(stmt_.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}
Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind(index, nullptr);
}

Result<bool> Statement::step() {
  if (bind_error_ != 0) {
    int rc = bind_error_;
    bind_error_ = 0;
    return fail(map_code(rc), path_to_utf8(db_->path()) + ": cannot bind parameter: " +
                                  sqlite3_errstr(rc) + " in: " + sqlite3_sql(stmt_.get()));
  }
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = db_->make_error(std::string("statement failed: ") + sqlite3_sql(stmt_.get()));
  sqlite3_reset(stmt_.get());
  return fail(std::move(e));
}

Result<void> Statement::run() {
  for (;;) {
    auto r = step();
    if (!r) return fail(std::move(r).error());
    if (!*r) break;
  }
  reset();
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}
std::int64_t Statement::get_int64(int column) const {
  return sqlite3_column_int64(stmt_.get(), column);
}
double Statement::get_double(int column) const {
  return sqlite3_column_double(stmt_.get(), column);
}
std::string Statement::get_text(int column) const {
  const void* data = sqlite3_column_blob(stmt_.get(), column);
  int n = sqlite3_column_bytes(stmt_.get(), column);
  if (data == nullptr || n <= 0) return {};
  return std::string(static_cast<const char*>(data), static_cast<std::size_t>(n));
}
std::optional<std::string> Statement::get_optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return get_text(column);
}

Database::Database(std::filesystem::path path, sqlite3* db) : path_(std::move(path)), db_(db) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

Error Database::make_error(std::string_view what) const {
  int rc = db_ ? sqlite3_extended_errcode(db_.get()) : SQLITE_ERROR;
  std::string msg = path_to_utf8(path_);
  msg += ": ";
  msg += what;
  msg += ": ";
  msg += db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(rc);
  return Error{map_code(rc), std::move(msg)};
}

Result<Database> Database::open(const std::filesystem::path& path, OpenOptions options) {
  int flags = SQLITE_OPEN_FULLMUTEX;
  if (options.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE;
    if (options.create) flags |= SQLITE_OPEN_CREATE;
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path_to_utf8(path).c_str(), &raw, flags, nullptr);
  Database db(path, raw);
  if (rc != SQLITE_OK) {
    return fail(map_code(rc), path_to_utf8(path) + ": cannot open database: " +
                                  (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  // Reading the schema is the first real access: a non-database or damaged header fails here,
  // before anything could be written over it.
  if (auto r = db.exec("SELECT count(*) FROM sqlite_master"); !r) {
    return fail(r.error().code == Errc::internal ? Errc::corrupt : r.error().code,
                path_to_utf8(path) + ": not a usable SQLite database (" + r.error().message + ")");
  }
  if (!options.read_only && options.wal) {
    SHOUWEI_TRY_VOID(
        db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"));
  }
  return db;
}

Result<void> Database::exec(std::string_view sql) {
  std::string owned(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_.get(), owned.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = path_to_utf8(path_) + ": " + (err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    return fail(map_code(sqlite3_extended_errcode(db_.get())), std::move(msg));
  }
  return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return fail(make_error("cannot prepare: " + std::string(sql)));
  return Statement(this, stmt);
}

std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_.get());
}
int Database::changes() const {
  return sqlite3_changes(db_.get());
}

Result<int> Database::migration_version(std::string_view component) {
  SHOUWEI_TRY_VOID(
      exec("CREATE TABLE IF NOT EXISTS schema_migrations(component TEXT PRIMARY KEY, version "
           "INTEGER NOT NULL)"));
  SHOUWEI_TRY(auto stmt, prepare("SELECT version FROM schema_migrations WHERE component = ?"));
  stmt.bind(1, component);
  SHOUWEI_TRY(bool has_row, stmt.step());
  return has_row ? static_cast<int>(stmt.get_int64(0)) : 0;
}

Result<void> Database::apply_migrations(std::string_view component,
                                        std::span<const std::string_view> steps) {
  SHOUWEI_TRY(int current, migration_version(component));
  if (current > static_cast<int>(steps.size())) {
    return fail(Errc::unsupported, path_to_utf8(path_) + ": schema of '" + std::string(component) +
                                       "' is version " + std::to_string(current) +
                                       ", newer than this program knows (" +
                                       std::to_string(steps.size()) + ")");
  }
  for (std::size_t i = static_cast<std::size_t>(current); i < steps.size(); ++i) {
    SHOUWEI_TRY(auto tx, Transaction::begin(*this));
    // Re-read under the write lock: another process may have applied this step since we
    // looked, and running a CREATE TABLE twice would fail.
    SHOUWEI_TRY(int applied, migration_version(component));
    if (applied > static_cast<int>(i)) continue;  // the transaction rolls back, nothing changed
    SHOUWEI_TRY_VOID(exec(steps[i]));
    SHOUWEI_TRY(auto upsert,
                prepare("INSERT INTO schema_migrations(component, version) VALUES(?, ?) "
                        "ON CONFLICT(component) DO UPDATE SET version = excluded.version"));
    upsert.bind(1, component).bind(2, static_cast<std::int64_t>(i + 1));
    SHOUWEI_TRY_VOID(upsert.run());
    SHOUWEI_TRY_VOID(tx.commit());
  }
  return {};
}

Result<Transaction> Transaction::begin(Database& db) {
  SHOUWEI_TRY_VOID(db.exec("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->exec("ROLLBACK");
}

Result<void> Transaction::commit() {
  if (db_ == nullptr) return fail(Errc::internal, "transaction already finished");
  Database* db = db_;
  db_ = nullptr;
  if (auto r = db->exec("COMMIT"); !r) {
    (void)db->exec("ROLLBACK");
    return r;
  }
  return {};
}

}  // namespace shouwei::sqlite
