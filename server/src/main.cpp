// shouwei-server: the central server. `serve` runs the HTTPS API; the other subcommands are
// the administrator's actions on the same database (safe while the server runs: SQLite WAL).
#include <cstdio>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "shouwei/common/exit_codes.hpp"
#include "shouwei/common/logging.hpp"
#include "shouwei/server/admin.hpp"
#include "shouwei/server/api.hpp"
#include "shouwei/server/config.hpp"
#include "shouwei/server/https_server.hpp"
#include "shouwei/server/store.hpp"

namespace {

using namespace shouwei;
using namespace shouwei::server;

int report(const Error& e, int code) {
  std::fprintf(stderr, "shouwei-server: %s\n", e.message.c_str());
  return code;
}

int serve(const ServerConfig& config, Store& store) {
  SystemClock clock;
  Metrics metrics;
  ApiOptions api_options;
  api_options.max_body_bytes = config.max_body_bytes;
  api_options.judge = JudgePolicy{config.silent_after, config.max_clock_skew};
  api_options.enroll_max_failures = config.enroll_max_failures;
  api_options.enroll_failure_window = config.enroll_failure_window;
  api_options.categories_dir = config.categories_dir;
  api_options.max_category_bytes = config.max_category_bytes;
  if (!config.policy_public_key.empty()) {
    auto key = PublicKey::load(config.policy_public_key);
    if (!key) return report(key.error(), kExitConfig);
    api_options.policy_public_key = std::move(*key);
  } else {
    spdlog::warn("no policy_public_key configured: policy pushes will be refused");
  }
  Api api(store, clock, metrics, api_options);

  HttpsOptions https;
  https.host = config.listen_host;
  https.port = config.listen_port;
  https.tls_cert = config.tls_cert;
  https.tls_key = config.tls_key;
  https.max_body_bytes = config.max_body_bytes;
  https.request_timeout = config.request_timeout;
  // By default one thread per core with SQLite: no upload blocks its thread for the disk
  // flush (the store's writer answers it), so more threads would only add context switches.
  // The PostgreSQL store writes on the request's thread: there, threads wait for the database.
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  https.threads = config.threads > 0            ? config.threads
                  : config.database_url.empty() ? static_cast<int>(std::max(2u, cores))
                                                : static_cast<int>(std::max(8u, 4 * cores));
  auto server = HttpsServer::create(api, https);
  if (!server) return report(server.error(), exit_code_for(server.error().code));
  (*server)->stop_on_signals();
  (*server)->start();
  spdlog::info("listening on https://{}:{} ({} threads, database {})", https.host,
               (*server)->port(), https.threads,
               config.database_url.empty() ? config.database.string() : "postgresql");
  (*server)->wait();
  spdlog::info("stopped");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "shouwei-server — Shouwei (守卫) central server: enrollment, snapshot ingest, console API"};
  app.require_subcommand(1);
  app.set_version_flag("--version", SHOUWEI_VERSION);
  std::string config_path;
  app.add_option("--config", config_path, "TOML configuration file")->required();

  auto* serve_cmd = app.add_subcommand("serve", "Run the HTTPS server until SIGTERM/SIGINT");

  auto* secret = app.add_subcommand("secret", "Enrollment secrets")->require_subcommand(1);
  auto* secret_create =
      secret->add_subcommand("create", "Print a new enrollment secret (shown once)");
  std::string group;
  bool one_time = false;
  secret_create->add_option("--group", group, "Group the enrolled devices join")->required();
  secret_create->add_flag("--one-time", one_time, "The secret enrolls a single device");
  auto* secret_revoke = secret->add_subcommand("revoke", "Revoke an enrollment secret");
  std::int64_t secret_id = 0;
  secret_revoke->add_option("id", secret_id, "Secret id (printed by secret create)")->required();

  auto* token = app.add_subcommand("token", "Console API tokens")->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "Print a new console token (shown once)");
  std::string role_name;
  token_create->add_option("--role", role_name, "viewer or admin")
      ->required()
      ->check(CLI::IsMember({"viewer", "admin"}));

  auto* device = app.add_subcommand("device", "Enrolled devices")->require_subcommand(1);
  auto* device_revoke =
      device->add_subcommand("revoke", "Refuse this device's uploads from now on");
  std::string device_id;
  device_revoke->add_option("device_id", device_id, "64 hex digits")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  auto config = load_config(config_path);
  if (!config) return report(config.error(), kExitConfig);
  auto level = parse_log_level(config->log_level);
  if (!level) return report(level.error(), kExitConfig);
  init_logging("shouwei-server", LogDestination::stderr_only, *level);
  auto store = config->database_url.empty() ? open_sqlite_store(config->database)
                                            : open_postgresql_store(config->database_url);
  if (!store) return report(store.error(), kExitIo);

  SystemClock clock;
  const std::string actor = "cli";
  if (serve_cmd->parsed()) return serve(*config, **store);
  if (secret_create->parsed()) {
    auto created = create_enroll_secret(**store, clock, group, one_time, actor);
    if (!created) return report(created.error(), exit_code_for(created.error().code));
    std::fprintf(stderr, "enrollment secret %lld for group \"%s\"%s\n",
                 static_cast<long long>(created->id), group.c_str(), one_time ? " (one-time)" : "");
    std::printf("%s\n", created->text.c_str());
    return kExitOk;
  }
  if (secret_revoke->parsed()) {
    if (auto r = revoke_enroll_secret(**store, clock, secret_id, actor); !r) {
      return report(r.error(), exit_code_for(r.error().code));
    }
    return kExitOk;
  }
  if (token_create->parsed()) {
    auto created = create_console_token(**store, clock,
                                        role_name == "admin" ? Role::admin : Role::viewer, actor);
    if (!created) return report(created.error(), exit_code_for(created.error().code));
    std::fprintf(stderr, "console token %lld, role %s\n", static_cast<long long>(created->id),
                 role_name.c_str());
    std::printf("%s\n", created->text.c_str());
    return kExitOk;
  }
  if (device_revoke->parsed()) {
    if (auto r = revoke_device(**store, clock, device_id, actor); !r) {
      return report(r.error(), exit_code_for(r.error().code));
    }
    return kExitOk;
  }
  return kExitUsage;
}
