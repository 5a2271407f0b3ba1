// Routing, authentication and the console routes of the API.
#include "shouwei/server/api.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <exception>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "shouwei/common/logging.hpp"
#include "shouwei/server/admin.hpp"
#include "shouwei/server/compliance_csv.hpp"
#include "shouwei/server/credentials.hpp"
#include "shouwei/server/request_parsers.hpp"

namespace shouwei::server {

namespace json = boost::json;

namespace {

constexpr std::string_view kSnapshotsPostRoute = "snapshots_post";

ApiResponse json_response(int status, const json::value& value) {
  return ApiResponse{status, "application/json", json::serialize(value), {}};
}

json::value optional_time_json(const std::optional<TimePoint>& t) {
  return t ? json::value(format_rfc3339(*t)) : json::value(nullptr);
}

template <typename T>
json::value optional_json(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

// limit=N within [1, max], default when absent; nullopt when present but invalid.
std::optional<int> parse_limit(const std::map<std::string, std::string, std::less<>>& params,
                               int fallback, int max) {
  auto it = params.find("limit");
  if (it == params.end()) return fallback;
  auto v = parse_int(it->second);
  if (!v || *v < 1 || *v > max) return std::nullopt;
  return static_cast<int>(*v);
}

int status_for(const Error& e) {
  switch (e.code) {
    case Errc::not_found:
      return 404;
    case Errc::invalid_argument:
    case Errc::parse:
      return 400;
    case Errc::unavailable:
      return 503;
    default:
      return 500;
  }
}

}  // namespace

bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

ApiResponse error_response(int status, std::string_view message) {
  return json_response(status, json::object{{"error", message}});
}

Api::Api(Store& store, const Clock& clock, Metrics& metrics, ApiOptions options)
    : store_(store),
      clock_(clock),
      metrics_(metrics),
      options_(options),
      enroll_failures_(options.enroll_max_failures, options.enroll_failure_window) {}

std::size_t Api::body_limit(std::string_view method, std::string_view target,
                            std::string_view authorization) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (method != "POST" || path != "/api/v1/categories") return options_.max_body_bytes;
  ApiRequest headers_only;
  headers_only.authorization = std::string(authorization);
  Caller caller;
  if (authorize(headers_only, Role::admin, caller)) return options_.max_body_bytes;
  return std::max(options_.max_body_bytes, options_.max_category_bytes);
}

std::size_t Api::largest_body_limit() const {
  return std::max(options_.max_body_bytes, options_.max_category_bytes);
}

ApiResponse Api::handle(const ApiRequest& request) {
  std::string route_label = "other";
  ApiResponse response;
  try {
    response = route(request, route_label);
  } catch (const std::exception& e) {
    // Only resource exhaustion (bad_alloc) or a library bug gets here; the request fails alone.
    spdlog::error("{} {}: {}", request.method, route_label, e.what());
    response = error_response(500, "internal error");
  }
  count_request(route_label, response.status);
  return response;
}

void Api::count_request(std::string_view route_label, int status) {
  metrics_.add("shouwei_http_requests_total", "HTTP requests by route and status code.",
               {{"route", std::string(route_label)}, {"code", std::to_string(status)}});
}

void Api::handle_async(ApiRequest request, Done done) {
  // Only the exact upload target goes asynchronous; any variant of it is routed by handle(),
  // which answers it the same way.
  if (request.method != "POST" || request.target != "/api/v1/snapshots") {
    return done(handle(request));
  }
  auto answer = [this](const Done& reply, ApiResponse response) {
    count_request(kSnapshotsPostRoute, response.status);
    reply(std::move(response));
  };
  std::variant<ApiResponse, NewSnapshot> checked;
  try {
    std::string body = std::move(request.body);
    checked = verified_snapshot(request, std::move(body));
  } catch (const std::exception& e) {
    spdlog::error("POST {}: {}", kSnapshotsPostRoute, e.what());
    return answer(done, error_response(500, "internal error"));
  }
  if (auto* refusal = std::get_if<ApiResponse>(&checked)) return answer(done, std::move(*refusal));
  NewSnapshot& snap = std::get<NewSnapshot>(checked);
  std::string device_id = snap.device_id;
  const std::int64_t seq = snap.seq;
  auto on_stored = [this, answer, done = std::move(done), device_id = std::move(device_id),
                    seq](Result<IngestResult> stored) {
    ApiResponse response;
    try {
      response = stored_snapshot_response(device_id, seq, std::move(stored));
    } catch (const std::exception& e) {
      spdlog::error("POST {}: {}", kSnapshotsPostRoute, e.what());
      response = error_response(500, "internal error");
    }
    answer(done, std::move(response));
  };
  store_.store_snapshot_async(std::move(snap), std::move(on_stored));
}

std::optional<ApiResponse> Api::authorize(const ApiRequest& request, Role needed, Caller& caller) {
  constexpr std::string_view kScheme = "bearer ";
  std::string_view header = request.authorization;
  bool bearer = header.size() > kScheme.size();
  for (std::size_t i = 0; bearer && i < kScheme.size(); ++i) {
    bearer = std::tolower(static_cast<unsigned char>(header[i])) == kScheme[i];
  }
  ApiResponse unauthorized = error_response(401, "missing or unknown bearer token");
  unauthorized.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"shouwei\"");
  if (!bearer) return unauthorized;
  auto token = store_.find_token(credential_hash(header.substr(kScheme.size())));
  if (!token) return error_response(503, "token lookup failed: " + token.error().message);
  if (!token->has_value() || (*token)->revoked_at) return unauthorized;
  caller.token_id = (*token)->id;
  caller.role = (*token)->role;
  if (needed == Role::admin && caller.role != Role::admin) {
    return error_response(403, "this route needs an admin token");
  }
  return std::nullopt;
}

ApiResponse Api::route(const ApiRequest& request, std::string& route_label) {
  auto parsed = boost::urls::parse_origin_form(request.target);
  if (!parsed) return error_response(400, "request target is not a valid origin-form URL");
  std::vector<std::string> seg;
  for (auto s : parsed->segments()) seg.push_back(s);
  Params params;
  for (auto p : parsed->params()) params.insert_or_assign(p.key, p.value);
  const std::string& m = request.method;
  auto method_not_allowed = [] { return error_response(405, "method not allowed on this route"); };
  auto labeled = [&route_label](const char* label, ApiResponse response) {
    route_label = label;
    return response;
  };

  if (seg.size() == 1 && (seg[0] == "healthz" || seg[0] == "metrics")) {
    route_label = seg[0];
    if (m != "GET") return method_not_allowed();
    if (seg[0] == "healthz") return healthz();
    return ApiResponse{200, "text/plain; version=0.0.4; charset=utf-8", metrics_.render(), {}};
  }
  if (seg.size() < 3 || seg[0] != "api" || seg[1] != "v1")
    return error_response(404, "no such route");
  const std::string& area = seg[2];
  const std::size_t n = seg.size();

  if (area == "enroll" && n == 3) {
    route_label = "enroll";
    return m == "POST" ? enroll(request) : method_not_allowed();
  }
  if (area == "snapshots" && n == 3) {
    route_label = kSnapshotsPostRoute;
    return m == "POST" ? ingest_snapshot(request) : method_not_allowed();
  }
  // Device-authenticated (its own headers), and public content-addressed downloads.
  if (area == "policy" && n == 3) {
    route_label = "policy";
    return m == "GET" ? get_policy(request) : method_not_allowed();
  }
  if (area == "categories" && n == 4) {
    route_label = "category_db";
    return m == "GET" ? get_category_db(seg[3], request) : method_not_allowed();
  }

  // Console routes: everything below needs a token.
  Caller caller;
  const bool admin_route = (m == "POST") || (area == "audit");
  if (auto denied = authorize(request, admin_route ? Role::admin : Role::viewer, caller)) {
    route_label = "console";
    return std::move(*denied);
  }
  if (area == "endpoints") {
    if (n == 3 && m == "GET") return labeled("endpoints", list_endpoints(params));
    if (n == 4 && m == "GET") return labeled("endpoint", get_endpoint(seg[3]));
    if (n == 5 && seg[4] == "snapshots" && m == "GET") {
      return labeled("endpoint_snapshots", list_snapshots(seg[3], params));
    }
    if (n == 5 && seg[4] == "revoke" && m == "POST")
      return labeled("endpoint_revoke", revoke_device(seg[3], caller));
  } else if (area == "snapshots" && n == 4 && m == "GET") {
    return labeled("snapshot", get_snapshot(seg[3]));
  } else if (area == "events" && n == 3 && m == "GET") {
    return labeled("events", list_events(params));
  } else if (area == "reports" && n == 4 && seg[3] == "compliance.csv" && m == "GET") {
    return labeled("compliance_csv", compliance_csv());
  } else if (area == "enroll-secrets") {
    if (n == 3 && m == "POST") return labeled("secret_create", create_secret(request, caller));
    if (n == 5 && seg[4] == "revoke" && m == "POST")
      return labeled("secret_revoke", revoke_secret(seg[3], caller));
  } else if (area == "audit" && n == 3 && m == "GET") {
    return labeled("audit", list_audit(params));
  } else if (area == "policies" && n == 3 && m == "POST") {
    return labeled("policy_push", push_policy(request, params, caller));
  } else if (area == "categories" && n == 3 && m == "POST") {
    return labeled("category_db_push", push_category_db(request, caller));
  }
  return error_response(404, "no such route");
}

ApiResponse Api::healthz() {
  if (auto r = store_.ping(); !r) {
    return json_response(503,
                         json::object{{"status", "unavailable"}, {"error", r.error().message}});
  }
  return json_response(200, json::object{{"status", "ok"}});
}

namespace {
json::object endpoint_json(const EndpointRecord& e, const EndpointStatus& s) {
  return json::object{
      {"device_id", e.device.device_id},
      {"group", e.device.group},
      {"key_algorithm", e.device.key_algorithm},
      {"hostname", optional_json(e.hostname)},
      {"zone", optional_json(e.zone)},
      {"enrolled_at", format_rfc3339(e.device.enrolled_at)},
      {"revoked_at", optional_time_json(e.device.revoked_at)},
      {"last_seen", optional_time_json(e.last_seen)},
      {"last_seq", optional_json(e.last_seq)},
      {"last_taken_at", optional_time_json(e.last_taken_at)},
      {"clock_skew_seconds", optional_json(s.clock_skew_seconds)},
      {"reported_compliance", e.reported_compliance},
      {"policy_version", optional_json(e.policy_version)},
      {"silent", s.silent},
      {"compliance", s.effective_compliance},
  };
}

json::object check_json(const ComplianceCheck& c) {
  return json::object{{"id", c.id}, {"title", c.title}, {"result", c.result}, {"detail", c.detail}};
}
}  // namespace

ApiResponse Api::list_endpoints(const Params& params) {
  EndpointFilter filter;
  std::optional<std::string> compliance;
  for (const auto& [key, value] : params) {
    if (key == "zone") {
      filter.zone = value;
    } else if (key == "group") {
      filter.group = value;
    } else if (key == "policy_version") {
      auto v = parse_int(value);
      if (!v || *v < 0) return error_response(400, "policy_version: expected an integer >= 0");
      filter.policy_version = *v;
    } else if (key == "compliance") {
      if (value != "pass" && value != "fail" && value != "unknown") {
        return error_response(400, "compliance: expected pass, fail or unknown");
      }
      compliance = value;
    } else if (key == "seen_after" || key == "seen_before") {
      auto t = parse_rfc3339(value);
      if (!t) return error_response(400, key + ": not an RFC 3339 timestamp");
      (key == "seen_after" ? filter.seen_after : filter.seen_before) = *t;
    } else {
      return error_response(400, "unknown query parameter \"" + key + "\"");
    }
  }
  auto endpoints = store_.list_endpoints(filter);
  if (!endpoints) return error_response(status_for(endpoints.error()), endpoints.error().message);
  const TimePoint now = clock_.now();
  json::array out;
  for (const auto& e : *endpoints) {
    EndpointStatus s = judge_endpoint(e, now, options_.judge);
    if (compliance && s.effective_compliance != *compliance) continue;
    out.push_back(endpoint_json(e, s));
  }
  return json_response(200, json::object{{"endpoints", std::move(out)}});
}

ApiResponse Api::get_endpoint(const std::string& device_id) {
  auto e = store_.get_endpoint(device_id);
  if (!e) return error_response(status_for(e.error()), e.error().message);
  if (!e->has_value()) return error_response(404, "device " + device_id + ": not enrolled");
  const EndpointRecord& rec = **e;
  EndpointStatus s = judge_endpoint(rec, clock_.now(), options_.judge);
  json::object out = endpoint_json(rec, s);
  json::array checks;
  if (rec.last_snapshot_id) {
    auto c = store_.snapshot_checks(*rec.last_snapshot_id);
    if (!c) return error_response(status_for(c.error()), c.error().message);
    for (const auto& check : *c) checks.push_back(check_json(check));
  }
  for (const auto& check : server_checks(rec, s, options_.judge))
    checks.push_back(check_json(check));
  out["checks"] = std::move(checks);
  return json_response(200, out);
}

ApiResponse Api::list_snapshots(const std::string& device_id, const Params& params) {
  auto limit = parse_limit(params, 100, 1000);
  if (!limit) return error_response(400, "limit: expected an integer from 1 to 1000");
  auto e = store_.get_endpoint(device_id);
  if (!e) return error_response(status_for(e.error()), e.error().message);
  if (!e->has_value()) return error_response(404, "device " + device_id + ": not enrolled");
  auto list = store_.list_snapshots(device_id, *limit);
  if (!list) return error_response(status_for(list.error()), list.error().message);
  json::array out;
  for (const auto& s : *list) {
    out.push_back(json::object{
        {"snapshot_id", s.snapshot_id},
        {"seq", s.seq},
        {"taken_at", format_rfc3339(s.taken_at)},
        {"received_at", format_rfc3339(s.received_at)},
        {"clock_skew_seconds", to_unix_seconds(s.taken_at) - to_unix_seconds(s.received_at)},
        {"zone", s.zone},
        {"compliance", s.compliance}});
  }
  return json_response(200, json::object{{"snapshots", std::move(out)}});
}

ApiResponse Api::get_snapshot(const std::string& id) {
  auto sid = parse_int(id);
  if (!sid) return error_response(400, "snapshot id: expected an integer");
  auto env = store_.get_envelope(*sid);
  if (!env) return error_response(status_for(env.error()), env.error().message);
  if (!env->has_value()) return error_response(404, "snapshot " + id + ": no such snapshot");
  return ApiResponse{200, "application/json", std::move(**env), {}};
}

ApiResponse Api::list_events(const Params& params) {
  auto limit = parse_limit(params, 1000, 10000);
  if (!limit) return error_response(400, "limit: expected an integer from 1 to 10000");
  TimePoint since = from_unix_seconds(0);
  if (auto it = params.find("since"); it != params.end()) {
    auto t = parse_rfc3339(it->second);
    if (!t) return error_response(400, "since: not an RFC 3339 timestamp");
    since = *t;
  }
  auto events = store_.list_events(since, *limit);
  if (!events) return error_response(status_for(events.error()), events.error().message);
  json::array out;
  for (const auto& e : *events) {
    boost::system::error_code ec;
    json::value detail = json::parse(e.event.detail_json, ec);
    if (ec) detail = e.event.detail_json;  // stored by us as JSON; keep the text if it ever is not
    out.push_back(json::object{{"id", e.id},
                               {"device_id", e.device_id},
                               {"snapshot_id", optional_json(e.snapshot_id)},
                               {"received_at", format_rfc3339(e.received_at)},
                               {"source", e.event.source},
                               {"type", optional_json(e.event.type)},
                               {"detail", std::move(detail)}});
  }
  return json_response(200, json::object{{"events", std::move(out)}});
}

ApiResponse Api::compliance_csv() {
  auto rows = build_compliance_rows(store_, clock_.now(), options_.judge);
  if (!rows) return error_response(status_for(rows.error()), rows.error().message);
  ApiResponse r{200, "text/csv; charset=utf-8", render_compliance_csv(*rows), {}};
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"compliance.csv\"");
  return r;
}

ApiResponse Api::create_secret(const ApiRequest& request, const Caller& caller) {
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  if (ec || !body.is_object())
    return error_response(400, "body: expected a JSON object {\"group\": ...}");
  const json::object& obj = body.get_object();
  const json::value* group = obj.if_contains("group");
  if (group == nullptr || !group->is_string())
    return error_response(400, "group: expected a string");
  bool one_time = false;
  if (const json::value* ot = obj.if_contains("one_time"); ot != nullptr) {
    if (!ot->is_bool()) return error_response(400, "one_time: expected a boolean");
    one_time = ot->get_bool();
  }
  auto created = create_enroll_secret(store_, clock_, std::string(group->get_string()), one_time,
                                      caller.actor());
  if (!created) return error_response(status_for(created.error()), created.error().message);
  return json_response(200, json::object{{"secret_id", created->id},
                                         {"secret", created->text},
                                         {"group", group->get_string()},
                                         {"one_time", one_time}});
}

ApiResponse Api::revoke_secret(const std::string& id, const Caller& caller) {
  auto sid = parse_int(id);
  if (!sid) return error_response(400, "secret id: expected an integer");
  if (auto r = revoke_enroll_secret(store_, clock_, *sid, caller.actor()); !r) {
    return error_response(status_for(r.error()), r.error().message);
  }
  return json_response(200, json::object{{"secret_id", *sid}, {"revoked", true}});
}

ApiResponse Api::revoke_device(const std::string& device_id, const Caller& caller) {
  if (!is_sha256_hex(device_id))
    return error_response(404, "device " + device_id + ": not enrolled");
  if (auto r = server::revoke_device(store_, clock_, device_id, caller.actor()); !r) {
    return error_response(status_for(r.error()), r.error().message);
  }
  return json_response(200, json::object{{"device_id", device_id}, {"revoked", true}});
}

ApiResponse Api::list_audit(const Params& params) {
  auto limit = parse_limit(params, 1000, 10000);
  if (!limit) return error_response(400, "limit: expected an integer from 1 to 10000");
  auto entries = store_.list_audit(*limit);
  if (!entries) return error_response(status_for(entries.error()), entries.error().message);
  json::array out;
  for (const auto& e : *entries) {
    out.push_back(json::object{{"id", e.id},
                               {"at", format_rfc3339(e.at)},
                               {"actor", e.actor},
                               {"action", e.action},
                               {"target", e.target},
                               {"detail", e.detail}});
  }
  return json_response(200, json::object{{"entries", std::move(out)}});
}

}  // namespace shouwei::server
