// The shouwei-server program itself: its admin subcommands on a database, config errors with
// their exit code, and `serve` answering over HTTPS and exiting 0 on SIGTERM.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <doctest/doctest.h>

#include "server_test_support.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/common/https_client.hpp"

using namespace shouwei;
using namespace shouwei::server::testing;

namespace {

const std::string kServer = std::string(SHOUWEI_BINARY_DIR) + "/server/shouwei-server";

// Exit status of a shell command.
int run(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string first_line(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

TEST_CASE("shouwei-server: admin subcommands, config errors, serve until SIGTERM") {
  TempDir dir;
  TestPki pki = make_test_pki(dir.path());
  const auto d = dir.path();
  {
    std::ofstream cfg(d / "server.toml");
    cfg << "listen = \"127.0.0.1:18931\"\n";  // no tls_cert, tls_key, database: refused
  }
  CHECK(run(kServer + " --config " + (d / "server.toml").string() +
            " token create --role viewer 2>/dev/null") == kExitConfig);
  CHECK(run(kServer + " --config " + (d / "missing.toml").string() + " serve 2>/dev/null") ==
        kExitConfig);
  {
    std::ofstream cfg(d / "server.toml");
    cfg << "listen = \"127.0.0.1:18931\"\ntls_cert = \"server.pem\"\ntls_key = \"server.key\"\n"
           "database = \"server.db\"\nrequest_timeout_seconds = 5\n";
  }
  const std::string base = kServer + " --config " + (d / "server.toml").string();
  REQUIRE(run(base + " secret create --group g --one-time > " + (d / "secret.txt").string() +
              " 2>/dev/null") == 0);
  CHECK(first_line(d / "secret.txt").rfind("swe_", 0) == 0);
  REQUIRE(run(base + " token create --role viewer > " + (d / "token.txt").string() +
              " 2>/dev/null") == 0);
  const std::string token = first_line(d / "token.txt");
  CHECK(token.rfind("swt_", 0) == 0);
  CHECK(run(base + " token create --role root 2>/dev/null") == kExitUsage);
  CHECK(run(base + " secret revoke 1 2>/dev/null") == 0);
  CHECK(run(base + " secret revoke 99 2>/dev/null") != 0);
  CHECK(run(base + " device revoke " + std::string(64, 'a') + " 2>/dev/null") != 0);

  // serve in the background; its pid goes to a file so the test can signal exactly it.
  const auto pid_file = d / "server.pid";
  const auto rc_file = d / "server.rc";
  REQUIRE(run("(" + base + " serve 2>" + (d / "serve.log").string() + " & echo $! > " +
              pid_file.string() + "; wait $!; echo $? > " + rc_file.string() + ") &") == 0);
  HttpsClient::Options o;
  o.base_url = "https://localhost:18931";
  o.ca_file = pki.ca_cert;
  o.connect_timeout = std::chrono::seconds(2);
  o.total_timeout = std::chrono::seconds(5);
  auto client = HttpsClient::create(o).value();
  HttpsRequest req;
  req.path = "/api/v1/endpoints";
  req.headers.emplace_back("Authorization", "Bearer " + token);
  Result<HttpsResponse> resp = fail(Errc::unavailable, "not tried");
  for (int attempt = 0; attempt < 50 && !resp.ok(); ++attempt) {  // until the server listens
    resp = client.send(req);
    if (!resp.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(resp.ok());
  CHECK(resp->status == 200);
  CHECK(resp->body == "{\"endpoints\":[]}");

  REQUIRE(run("kill -TERM $(cat " + pid_file.string() + ")") == 0);
  for (int attempt = 0; attempt < 100 && first_line(rc_file).empty(); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(first_line(rc_file) == "0");
  auto log = read_file(d / "serve.log");
  REQUIRE(log.ok());
  CHECK(log->find("stopped") != std::string::npos);
}
