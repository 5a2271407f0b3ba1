#include "shouwei/agent/server_link.hpp"

#include <fstream>
#include <system_error>

#include <boost/json.hpp>

#include "shouwei/agent/version.hpp"
#include "shouwei/common/device_auth.hpp"
#include "shouwei/common/encoding.hpp"
#include "shouwei/common/policy.hpp"
#include "shouwei/os/utf8_path.hpp"

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

constexpr std::string_view kPolicyPath = "/api/v1/policy";

// An entity tag as sent ("\"abc\"" or W/"abc") without its quoting.
std::string unquote_etag(std::string_view tag) {
  if (tag.rfind("W/", 0) == 0) tag.remove_prefix(2);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"')
    tag = tag.substr(1, tag.size() - 2);
  return std::string(tag);
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
    return fail(
        Errc::invalid_argument,
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
    Errc code = response.status == 429 || response.status >= 500 ? Errc::unavailable
                                                                 : Errc::permission_denied;
    return fail(code, "enrollment refused by " + client_.options().base_url + ": " +
                          server_message(response));
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(response.body, ec);
  const boost::json::object* obj = ec ? nullptr : v.if_object();
  const boost::json::value* id = obj ? obj->if_contains("device_id") : nullptr;
  if (id == nullptr || !id->is_string()) {
    return fail(Errc::parse, "enrollment answer has no device_id: " + response.body.substr(0, 200));
  }
  Enrollment enrollment{std::string(id->get_string()), {}};
  if (const auto* g = obj->if_contains("group"); g && g->is_string())
    enrollment.group = g->get_string();
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
  if (status == 408 || status == 429 || status >= 500)
    return {UploadVerdict::retry, status, detail};
  return {UploadVerdict::rejected, status, detail};
}

}  // namespace shouwei::agent

namespace shouwei::agent {

PolicyFetch ServerLink::fetch_policy(const PrivateKey& device_key,
                                     const std::optional<std::string>& etag, TimePoint now) const {
  PolicyFetch out;
  auto auth = device_auth::sign_request(device_key, "GET", kPolicyPath, now);
  if (!auth) {
    out.detail = auth.error().message;
    return out;
  }
  HttpsRequest request;
  request.path = std::string(kPolicyPath);
  request.headers = {{std::string(device_auth::kDeviceHeader), auth->device_id},
                     {std::string(device_auth::kTimeHeader), auth->time},
                     {std::string(device_auth::kSignatureHeader), auth->signature}};
  if (etag && !etag->empty()) request.headers.emplace_back("If-None-Match", "\"" + *etag + "\"");
  std::string received;
  request.body_sink = [&received](std::string_view chunk) {
    if (received.size() + chunk.size() > policy::kMaxEnvelopeBytes) return false;
    received.append(chunk);
    return true;
  };
  auto response = client_.send(request);
  if (!response) {
    out.detail =
        response.error().code == Errc::io
            ? "policy answer larger than " + std::to_string(policy::kMaxEnvelopeBytes) + " bytes"
            : response.error().message;
    return out;
  }
  out.http_status = response->status;
  response->body = std::move(received);
  switch (response->status) {
    case 200:
      out.status = PolicyFetchStatus::fetched;
      out.etag = unquote_etag(response->header("etag"));
      out.envelope = std::move(response->body);
      return out;
    case 304:
      out.status = PolicyFetchStatus::unchanged;
      return out;
    case 404:
      out.status = PolicyFetchStatus::no_policy;
      return out;
    case 401:
    case 403:
      out.status = PolicyFetchStatus::reenroll;
      break;
    default:
      break;
  }
  out.detail = server_message(*response);
  return out;
}

Result<std::string> ServerLink::download(const std::string& url, const std::filesystem::path& dest,
                                         std::uint64_t max_bytes) const {
  std::ofstream file(dest, std::ios::binary | std::ios::trunc);
  if (!file) return fail(Errc::io, path_to_utf8(dest) + ": cannot create the download file");
  auto discard = [&dest] {
    std::error_code ec;
    std::filesystem::remove(dest, ec);
  };
  Sha256Stream digest;
  std::uint64_t written = 0;
  bool too_large = false;
  HttpsRequest request;
  request.path = url;
  request.body_sink = [&](std::string_view chunk) {
    if (written + chunk.size() > max_bytes) {
      too_large = true;
      return false;
    }
    file.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    digest.update(chunk);
    written += chunk.size();
    return static_cast<bool>(file);
  };
  auto response = client_.send(request);
  file.close();
  if (too_large) {
    discard();
    return fail(Errc::limit_exceeded,
                url + ": download larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (!response) {
    discard();
    if (response.error().code == Errc::io)
      return fail(Errc::io, path_to_utf8(dest) + ": write failed");
    return fail(std::move(response).error());
  }
  if (!file) {
    discard();
    return fail(Errc::io, path_to_utf8(dest) + ": write failed");
  }
  if (response->status != 200) {
    discard();
    Errc code = response->status == 404 ? Errc::not_found : Errc::unavailable;
    return fail(code, url + ": HTTP " + std::to_string(response->status));
  }
  return digest.finish_hex();
}

}  // namespace shouwei::agent
