#include "pg_test_cluster.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <libpq-fe.h>
#include <memory>
#include <system_error>
#include <unistd.h>
#include <vector>

#include "shouwei/common/encoding.hpp"
#include "shouwei/common/file_io.hpp"

namespace shouwei::server::testing {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSuperuser = "shouwei";
constexpr int kStartSeconds = 60;

// initdb of the newest PostgreSQL installed, or of $SHOUWEI_PG_BINDIR.
Result<fs::path> find_bindir() {
  if (const char* env = std::getenv("SHOUWEI_PG_BINDIR"); env != nullptr && *env != '\0') {
    if (fs::exists(fs::path(env) / "initdb")) return fs::path(env);
    return fail(Errc::not_found, std::string("SHOUWEI_PG_BINDIR=") + env + ": no initdb there");
  }
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (fs::exists(entry.path() / "bin" / "initdb")) found.push_back(entry.path() / "bin");
  }
  if (found.empty()) {
    return fail(Errc::not_found,
                "initdb not found under /usr/lib/postgresql/*/bin: install postgresql "
                "(scripts/setup-deps.sh --tests) or set SHOUWEI_PG_BINDIR");
  }
  std::sort(found.begin(), found.end());
  return found.back();
}

// Paths below are ours (temp dir + hex), so single quotes are enough for the shell.
std::string quoted(const fs::path& p) {
  return "'" + p.string() + "'";
}

class Cluster {
 public:
  static Result<Cluster*> shared() {
    static Cluster cluster;
    static const Result<void> started = cluster.start();
    if (!started) return fail(started.error());
    return &cluster;
  }

  ~Cluster() {
    if (running_) {
      (void)std::system((as_owner_ + quoted(bindir_ / "pg_ctl") + " -D " + quoted(dir_ / "data") +
                         " -m immediate -w -t 30 stop >/dev/null 2>&1")
                            .c_str());
    }
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  Result<std::string> new_database() {
    const std::string name = "test_" + std::to_string(++databases_);
    std::unique_ptr<PGconn, decltype(&PQfinish)> admin(PQconnectdb(conninfo("postgres").c_str()),
                                                       &PQfinish);
    if (PQstatus(admin.get()) != CONNECTION_OK) {
      return fail(Errc::unavailable,
                  std::string("test cluster: connect: ") + PQerrorMessage(admin.get()));
    }
    std::unique_ptr<PGresult, decltype(&PQclear)> r(
        PQexec(admin.get(), ("CREATE DATABASE " + name).c_str()), &PQclear);
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      return fail(Errc::io,
                  std::string("test cluster: CREATE DATABASE: ") + PQresultErrorMessage(r.get()));
    }
    return conninfo(name);
  }

 private:
  std::string conninfo(const std::string& database) const {
    return "host=" + dir_.string() + " port=5432 user=" + kSuperuser + " dbname=" + database +
           " connect_timeout=10";
  }

  // Runs a shell command line in dir_ as the cluster's owner; its output goes to `log`.
  Result<void> run(const std::string& what, const std::string& command, const fs::path& log) {
    const std::string line =
        "cd " + quoted(dir_) + " && " + as_owner_ + command + " >" + quoted(log) + " 2>&1";
    if (std::system(line.c_str()) == 0) return {};
    auto text = read_file(log, 64 * 1024);
    std::string tail = text ? text->substr(text->size() > 600 ? text->size() - 600 : 0) : "";
    for (char& c : tail) {
      if (c == '\n') c = ' ';
    }
    return fail(Errc::unavailable, "test cluster: " + what + " failed: " + tail);
  }

  Result<void> start() {
    SHOUWEI_TRY(bindir_, find_bindir());
    dir_ = fs::temp_directory_path() / ("shouwei-pg-" + hex_encode(random_bytes(6)));
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) return fail(Errc::io, dir_.string() + ": " + ec.message());
    if (::geteuid() == 0) {
      // PostgreSQL will not run as root; "nobody" owns the cluster and its socket directory.
      if (std::system(("chown nobody " + quoted(dir_)).c_str()) != 0)
        return fail(Errc::io, "test cluster: chown nobody " + dir_.string() + " failed");
      as_owner_ = "runuser -u nobody -- ";
    }
    SHOUWEI_TRY_VOID(run("initdb",
                         quoted(bindir_ / "initdb") + " -D " + quoted(dir_ / "data") + " -U " +
                             kSuperuser + " -A trust -E UTF8 --no-locale --no-sync",
                         dir_ / "initdb.log"));
    // Unix socket in dir_ only: listen_addresses='' opens no TCP port at all.
    SHOUWEI_TRY_VOID(run("pg_ctl start",
                         quoted(bindir_ / "pg_ctl") + " -D " + quoted(dir_ / "data") + " -l " +
                             quoted(dir_ / "server.log") + " -w -t " +
                             std::to_string(kStartSeconds) + " -o \"-k " + quoted(dir_) +
                             " -c listen_addresses='' -p 5432 -F\" start",
                         dir_ / "pg_ctl.log"));
    running_ = true;
    return {};
  }

  fs::path bindir_;
  fs::path dir_;
  std::string as_owner_;  // "" or "runuser -u nobody -- "
  bool running_ = false;
  std::atomic<int> databases_{0};
};

}  // namespace

Result<std::string> new_postgresql_database() {
  SHOUWEI_TRY(Cluster * cluster, Cluster::shared());
  return cluster->new_database();
}

}  // namespace shouwei::server::testing
