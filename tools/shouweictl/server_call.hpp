// One way for shouweictl's commands to call shouwei-server's console API: the --server,
// --token and --ca options, the HTTPS client with the server's CA pinned (verification is
// always on), and the one-line error when the server refuses.
#pragma once

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "commands.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/common/https_client.hpp"

namespace shouwei::ctl {

struct ServerOptions {
  std::string server;  // https://host:port
  std::string token;   // console token
  std::string ca;      // CA certificate (PEM) that signed the server's certificate
};

// Registers --server, --token (also $SHOUWEI_TOKEN) and --ca on cmd.
inline void add_server_options(CLI::App* cmd, ServerOptions& o, std::string_view token_role) {
  cmd->add_option("--server", o.server, "https://host:port")->required();
  cmd->add_option("--token", o.token, "Console token (" + std::string(token_role) + ")")
      ->required()
      ->envname("SHOUWEI_TOKEN");
  cmd->add_option("--ca", o.ca, "CA certificate (PEM) that signed the server's certificate")
      ->check(CLI::ExistingFile);
}

// The server's {"error": "..."} message, or the start of the raw body when it is not one.
inline std::string server_error(const HttpsResponse& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (!ec && v.is_object()) {
    if (const auto* e = v.get_object().if_contains("error"); e != nullptr && e->is_string()) {
      return std::string(e->get_string());
    }
  }
  return r.body.substr(0, 200);
}

// A member of a JSON answer for display: a string without quotes, a number as written, "?"
// when absent.
inline std::string scalar_text(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return "?";
  if (v->is_string()) return std::string(v->get_string());
  return boost::json::serialize(*v);
}

// The answer of a successful call as a JSON object; ends the program when it is not one.
inline boost::json::object answer_object(std::string_view command, const HttpsResponse& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (ec || !v.is_object())
    exit_with(command, kExitFailure, "the server's answer is not a JSON object");
  return std::move(v.as_object());
}

// Sends request with the bearer token; any transport failure ends the program (exit 6).
// Returns the response whatever its status.
inline HttpsResponse call_server(std::string_view command, const ServerOptions& o,
                                 HttpsRequest request) {
  if (o.ca.empty())
    exit_with(command, kExitUsage, "--ca FILE: the server's CA certificate is required");
  HttpsClient::Options options;
  options.base_url = o.server;
  options.ca_file = o.ca;
  auto client = value_or_exit(command, HttpsClient::create(options));
  request.headers.emplace_back("Authorization", "Bearer " + o.token);
  auto response = client.send(request);
  if (!response) exit_with(command, kExitUnavailable, response.error().message);
  return std::move(response).value();
}

// Ends the program with "<url>: HTTP <status>: <server's message>" and `code`.
[[noreturn]] inline void exit_refused(std::string_view command, int code, const ServerOptions& o,
                                      std::string_view path, const HttpsResponse& r) {
  exit_with(
      command, code,
      o.server + std::string(path) + ": HTTP " + std::to_string(r.status) + ": " + server_error(r));
}

}  // namespace shouwei::ctl
