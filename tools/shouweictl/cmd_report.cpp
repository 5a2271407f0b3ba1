// shouweictl report pull: fetch the endpoint list (JSON) or the compliance report (CSV) from
// shouwei-server's console API, over HTTPS with the server's CA pinned (verification is
// always on; there is no switch to turn it off).
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "commands.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/common/https_client.hpp"
#include "shouwei/common/json_print.hpp"

namespace shouwei::ctl {

namespace {

struct PullOptions {
  std::string server;
  std::string token;
  std::string format = "json";
  std::string ca;
};

// The server's {"error": "..."} message, or the raw body when it is not one.
std::string server_error(const HttpsResponse& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (!ec && v.is_object()) {
    if (const auto* e = v.get_object().if_contains("error"); e != nullptr && e->is_string()) {
      return std::string(e->get_string());
    }
  }
  return r.body.substr(0, 200);
}

void run_pull(const PullOptions& opt) {
  if (opt.ca.empty()) exit_with("report pull", kExitUsage, "--ca FILE: the server's CA certificate is required");
  HttpsClient::Options o;
  o.base_url = opt.server;
  o.ca_file = opt.ca;
  auto client = HttpsClient::create(o);
  if (!client) exit_with("report pull", exit_code_for(client.error().code), client.error().message);
  HttpsRequest request;
  request.path = opt.format == "csv" ? "/api/v1/reports/compliance.csv" : "/api/v1/endpoints";
  request.headers.emplace_back("Authorization", "Bearer " + opt.token);
  auto response = client->send(request);
  if (!response) exit_with("report pull", kExitUnavailable, response.error().message);
  if (response->status != 200) {
    exit_with("report pull", kExitFailure, opt.server + request.path + ": HTTP " +
                                std::to_string(response->status) + ": " + server_error(*response));
  }
  if (opt.format == "csv") {
    std::fwrite(response->body.data(), 1, response->body.size(),
                stdout);  // bytes as served (BOM, CRLF)
    return;
  }
  boost::system::error_code ec;
  auto value = boost::json::parse(response->body, ec);
  if (ec) exit_with("report pull", kExitFailure, opt.server + request.path + ": response is not JSON");
  std::cout << json::pretty_print(value) << '\n';
}

}  // namespace

void add_report_commands(CLI::App& app) {
  auto* report = app.add_subcommand("report", "Reports from shouwei-server")->require_subcommand(1);
  auto opt = std::make_shared<PullOptions>();
  auto* pull =
      report->add_subcommand("pull", "Print the endpoints (json) or the compliance report (csv)");
  pull->add_option("--server", opt->server, "https://host:port")->required();
  pull->add_option("--token", opt->token, "Console token (viewer or admin)")
      ->required()
      ->envname("SHOUWEI_TOKEN");
  pull->add_option("--format", opt->format, "json or csv")->check(CLI::IsMember({"json", "csv"}));
  pull->add_option("--ca", opt->ca, "CA certificate (PEM) that signed the server's certificate")
      ->check(CLI::ExistingFile);
  pull->callback([opt] { run_pull(*opt); });
}

}  // namespace shouwei::ctl
