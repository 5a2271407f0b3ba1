#include "shouwei/agent/server_link.hpp"

#include <boost/json.hpp>

#include "shouwei/agent/version.hpp"

namespace shouwei::agent {

namespace {
// The server answers errors as {"error": "..."}; fall back to the raw body, shortened.
std::string server_message(const HttpsResponse& response) {
  boost::system::error_code ec;
  auto v = boost::json::parse(response.body, ec);
  if (!ec && v.is_object()) {
    if (const auto* e = v.get_object().if_contains("error"); e && e->is_string()) {
      return std::string(e->get_string());
    }
  }
  return "HTTP " + std::to_string(response.status) + ": " + response.body.substr(0, 200);
}
}  // namespace

Result<ServerLink> ServerLink::create(const ServerConfig& server) {
  HttpsClient::Options options;
  options.base_url = server.url;
  options.ca_file = server.ca_file;
  options.user_agent = "shouwei-agent/" + std::string(agent_version());
  SHOUWEI_TRY(auto client, HttpsClient::create(std::move(options)));
  return ServerLink(std::move(client));
}

Result<Enrollment> ServerLink::enroll(const std::string& secret, const PublicKey& key,
                                      const boost::json::object& inventory) const {
  if (secret.empty()) {
    return fail(Errc::invalid_argument,
                "not enrolled and no enrollment secret ([server] enroll_secret or SHOUWEI_ENROLL_SECRET)");
  }
  boost::json::object body;
  body["enroll_secret"] = secret;
  body["public_key"] = key.to_pem();
  body["key_algorithm"] = to_string(key.algorithm());
  body["inventory"] = inventory;
  HttpsRequest request;
  request.method = "POST";
  request.path = "/api/v1/enroll";
  request.content_type = "application/json";
  request.body = boost::json::serialize(body);
  SHOUWEI_TRY(auto response, client_.send(request));
  if (response.status != 200) {
    Errc code = response.status == 429 || response.status >= 500 ? Errc::unavailable : Errc::permission_denied;
    return fail(code, "enrollment refused by " + client_.options().base_url + ": " + server_message(response));
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(response.body, ec);
  const boost::json::object* obj = ec ? nullptr : v.if_object();
  const boost::json::value* id = obj ? obj->if_contains("device_id") : nullptr;
  if (id == nullptr || !id->is_string()) {
    return fail(Errc::parse, "enrollment answer has no device_id: " + response.body.substr(0, 200));
  }
  Enrollment enrollment{std::string(id->get_string()), {}};
  if (const auto* g = obj->if_contains("group"); g && g->is_string()) enrollment.group = g->get_string();
  if (enrollment.device_id != key.keyid()) {
    return fail(Errc::conflict, "server assigned device id " + enrollment.device_id +
                                    ", expected the device keyid " + key.keyid());
  }
  return enrollment;
}

UploadOutcome ServerLink::upload(const std::string& envelope_json) const {
  HttpsRequest request;
  request.method = "POST";
  request.path = "/api/v1/snapshots";
  request.content_type = "application/json";
  request.body = envelope_json;
  request.gzip_body = envelope_json.size() > 4096;
  auto response = client_.send(request);
  if (!response) return {UploadVerdict::retry, 0, response.error().message};
  long status = response->status;
  if (status == 200 || status == 201) return {UploadVerdict::acknowledged, status, {}};
  std::string detail = server_message(*response);
  if (status == 401 || status == 403) return {UploadVerdict::reenroll, status, detail};
  if (status == 408 || status == 429 || status >= 500) return {UploadVerdict::retry, status, detail};
  return {UploadVerdict::rejected, status, detail};
}

}  // namespace shouwei::agent
