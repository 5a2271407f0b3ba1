// Category databases: administrators upload the file `shouweictl categories build` wrote
// (POST /api/v1/categories); agents download it by its SHA-256, the one their signed policy
// names (GET /api/v1/categories/<sha256>). Content-addressed, so downloads need no
// authentication: the policy's hash is what makes a file trusted, not who served it.
#include <system_error>

#include <boost/json.hpp>

#include "shouwei/collectors/categories/category_db.hpp"
#include "shouwei/common/encoding.hpp"
#include "shouwei/common/logging.hpp"
#include "shouwei/os/files.hpp"
#include "shouwei/server/api.hpp"

namespace shouwei::server {

namespace json = boost::json;

ApiResponse Api::push_category_db(const ApiRequest& request, const Caller& caller) {
  if (options_.categories_dir.empty())
    return error_response(503, "category upload refused: no categories_dir configured");
  if (request.body.size() > options_.max_category_bytes) {
    return error_response(413, "category database larger than max_category_bytes (" +
                                   std::to_string(options_.max_category_bytes) + ")");
  }
  // Checked completely (header, every offset, the SHA-256 trailer) by the agents' own reader,
  // so a truncated or foreign file never reaches them.
  auto db = collectors::categories::CategoryDb::from_bytes(request.body, "category upload");
  if (!db) return error_response(422, db.error().message);
  const auto info = db->info();

  const std::string sha = sha256_hex(request.body);
  const std::filesystem::path file = options_.categories_dir / sha;
  if (auto r = os::ensure_private_dir(options_.categories_dir); !r) {
    spdlog::error("categories upload: {}", r.error().message);
    return error_response(503, "category database could not be stored; retry later");
  }
  // Written before it is recorded, so a recorded hash always has its file.
  if (auto r = os::write_file_atomic(file, request.body, os::FileMode::public_read); !r) {
    spdlog::error("categories upload: {}", r.error().message);
    return error_response(503, "category database could not be stored; retry later");
  }
  const TimePoint now = clock_.now();
  AuditEntry audit{0,
                   now,
                   caller.actor(),
                   "categories.upload",
                   "categories:" + sha,
                   json::serialize(json::object{{"bytes", request.body.size()},
                                                {"domains", info.domains},
                                                {"categories", info.categories}})};
  auto record =
      store_.record_category_db(sha, static_cast<std::int64_t>(request.body.size()), now, audit);
  if (!record) {
    spdlog::error("categories upload {}: {}", sha, record.error().message);
    return error_response(503, "category database could not be recorded; retry later");
  }
  return ApiResponse{200,
                     "application/json",
                     json::serialize(json::object{{"sha256", sha},
                                                  {"url", "/api/v1/categories/" + sha},
                                                  {"bytes", request.body.size()},
                                                  {"version", record->version},
                                                  {"domains", info.domains}}),
                     {}};
}

ApiResponse Api::get_category_db(const std::string& sha256, const ApiRequest& request) {
  if (!is_sha256_hex(sha256) || options_.categories_dir.empty())
    return error_response(404, "no such category database");
  const std::string etag = "\"" + sha256 + "\"";
  auto record = store_.find_category_db(sha256);
  if (!record) return error_response(503, "category lookup failed; retry later");
  if (!record->has_value()) return error_response(404, "no such category database");
  if (!request.if_none_match.empty() && etag_matches(request.if_none_match, etag)) {
    ApiResponse r{304, "application/octet-stream", {}, {}};
    r.headers.emplace_back("ETag", etag);
    return r;
  }
  const std::filesystem::path file = options_.categories_dir / sha256;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    spdlog::error("category database {} recorded but {} is missing", sha256, file.string());
    return error_response(404, "no such category database");
  }
  ApiResponse r{200, "application/octet-stream", {}, {}};
  r.headers.emplace_back("ETag", etag);
  r.file = file;
  return r;
}

}  // namespace shouwei::server
