#include "shouwei/common/https_client.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <zlib.h>

#include <curl/curl.h>

#include "shouwei/os/utf8_path.hpp"

namespace shouwei {

namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

struct ReadState {
  HttpsResponse* response;
  std::size_t limit;
  const std::function<bool(std::string_view)>* sink;
  bool overflow = false;
  bool sink_refused = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* state = static_cast<ReadState*>(user);
  std::size_t n = size * count;
  if (*state->sink) {
    if ((*state->sink)(std::string_view(data, n))) return n;
    state->sink_refused = true;
    return 0;  // aborts the transfer
  }
  if (state->response->body.size() + n > state->limit) {
    state->overflow = true;
    return 0;  // aborts the transfer
  }
  state->response->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* response = static_cast<HttpsResponse*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  auto colon = line.find(':');
  if (colon != std::string_view::npos && response->headers.size() < 200) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    response->headers.emplace_back(std::move(name), std::string(value));
  }
  return n;
}

}  // namespace

std::string HttpsResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

Result<HttpsClient> HttpsClient::create(Options options) {
  if (options.base_url.rfind("https://", 0) != 0) {
    return fail(Errc::invalid_argument,
                "server URL '" + options.base_url + "' must start with https://");
  }
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  std::error_code ec;
  if (options.ca_file.empty() || !std::filesystem::is_regular_file(options.ca_file, ec)) {
    return fail(Errc::invalid_argument,
                (options.ca_file.empty() ? std::string("<none>") : path_to_utf8(options.ca_file)) +
                    ": server CA file is missing (TLS verification cannot be turned off)");
  }
  global_init_once();
  return HttpsClient(std::move(options));
}

Result<HttpsResponse> HttpsClient::send(const HttpsRequest& request) const {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return fail(Errc::internal, "curl_easy_init failed");
  CURL* c = curl.get();
  const bool absolute = request.path.rfind("https://", 0) == 0;
  const std::string url = absolute ? request.path : options_.base_url + request.path;
  // UTF-8: OpenSSL opens CA files by their UTF-8 name (as UTF-16 on Windows).
  const std::string ca = path_to_utf8(options_.ca_file);
  HttpsResponse response;
  ReadState state{&response, options_.max_response_bytes, &request.body_sink};
  std::string body = request.gzip_body ? gzip_compress(request.body) : request.body;

  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add_header = [&](const std::string& h) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  };
  if (!request.content_type.empty()) add_header("Content-Type: " + request.content_type);
  if (request.gzip_body) add_header("Content-Encoding: gzip");
  add_header("Expect:");
  for (const auto& [k, v] : request.headers) add_header(k + ": " + v);

  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_CAINFO, ca.c_str());
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method != "GET" && request.method != "HEAD") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &response);

  CURLcode rc = curl_easy_perform(c);
  if (state.overflow) {
    return fail(Errc::limit_exceeded, url + ": response larger than " +
                                          std::to_string(options_.max_response_bytes) + " bytes");
  }
  if (state.sink_refused) return fail(Errc::io, url + ": download stopped by its receiver");
  if (rc != CURLE_OK) {
    return fail(Errc::unavailable, url + ": " + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

std::string gzip_compress(std::string_view bytes) {
  z_stream zs{};
  // windowBits 15 + 16: gzip wrapper.
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(bytes.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace shouwei
