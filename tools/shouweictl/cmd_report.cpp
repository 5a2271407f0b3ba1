// shouweictl report pull: fetch the endpoint list (JSON) or the compliance report (CSV) from
// shouwei-server's console API, over HTTPS with the server's CA pinned (verification is
// always on; there is no switch to turn it off).
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "commands.hpp"
#include "server_call.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/common/https_client.hpp"
#include "shouwei/common/json_print.hpp"

namespace shouwei::ctl {

namespace {

struct PullOptions {
  ServerOptions server;
  std::string format = "json";
};

void run_pull(const PullOptions& opt) {
  constexpr std::string_view kCommand = "report pull";
  HttpsRequest request;
  request.path = opt.format == "csv" ? "/api/v1/reports/compliance.csv" : "/api/v1/endpoints";
  const std::string path = request.path;
  HttpsResponse response = call_server(kCommand, opt.server, std::move(request));
  if (response.status != 200) exit_refused(kCommand, kExitFailure, opt.server, path, response);
  if (opt.format == "csv") {
    std::fwrite(response.body.data(), 1, response.body.size(),
                stdout);  // bytes as served (BOM, CRLF)
    return;
  }
  boost::system::error_code ec;
  auto value = boost::json::parse(response.body, ec);
  if (ec) exit_with(kCommand, kExitFailure, opt.server.server + path + ": response is not JSON");
  std::cout << json::pretty_print(value) << '\n';
}

}  // namespace

void add_report_commands(CLI::App& app) {
  auto* report = app.add_subcommand("report", "Reports from shouwei-server")->require_subcommand(1);
  auto opt = std::make_shared<PullOptions>();
  auto* pull =
      report->add_subcommand("pull", "Print the endpoints (json) or the compliance report (csv)");
  add_server_options(pull, opt->server, "viewer or admin");
  pull->add_option("--format", opt->format, "json or csv")->check(CLI::IsMember({"json", "csv"}));
  pull->callback([opt] { run_pull(*opt); });
}

}  // namespace shouwei::ctl
