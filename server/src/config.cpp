#include "shouwei/server/config.hpp"

#include <charconv>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "shouwei/common/file_io.hpp"
#include "shouwei/server/store.hpp"

namespace shouwei::server {

namespace {

constexpr std::size_t kMaxConfigBytes = 1u << 20;

// Splits "host:port" or "[v6]:port".
Result<void> parse_listen(const std::string& origin, const std::string& text, ServerConfig& out) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return fail(Errc::parse, origin + ": listen: expected \"host:port\", got \"" + text + "\"");
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const char* first = text.data() + colon + 1;
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(first, last, port);
  if (ec != std::errc() || ptr != last || port == 0 || port > 65535) {
    return fail(Errc::parse, origin + ": listen: bad port in \"" + text + "\"");
  }
  out.listen_host = host;
  out.listen_port = static_cast<unsigned short>(port);
  return {};
}

class Reader {
 public:
  Reader(const toml::table& table, std::string origin, std::filesystem::path base)
      : table_(table), origin_(std::move(origin)), base_(std::move(base)) {}

  Result<void> string(const char* key, std::string& out) {
    seen_.insert(key);
    const toml::node* node = table_.get(key);
    if (node == nullptr) return {};
    auto v = node->value<std::string>();
    if (!v) return fail(Errc::parse, origin_ + ": " + key + ": expected a string");
    out = *v;
    return {};
  }
  Result<void> path(const char* key, std::filesystem::path& out, bool required) {
    std::string text;
    SHOUWEI_TRY_VOID(string(key, text));
    if (text.empty()) {
      if (required) return fail(Errc::parse, origin_ + ": " + key + ": required");
      return {};
    }
    std::filesystem::path p(text);
    out = p.is_absolute() ? p : base_ / p;
    return {};
  }
  template <typename Int>
  Result<void> integer(const char* key, Int& out, long long min, long long max) {
    seen_.insert(key);
    const toml::node* node = table_.get(key);
    if (node == nullptr) return {};
    auto v = node->value<long long>();
    if (!v || !node->is_integer())
      return fail(Errc::parse, origin_ + ": " + key + ": expected an integer");
    if (*v < min || *v > max) {
      return fail(Errc::parse, origin_ + ": " + key + ": " + std::to_string(*v) + " is outside [" +
                                   std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    out = static_cast<Int>(*v);
    return {};
  }
  Result<void> seconds(const char* key, std::chrono::seconds& out, long long min, long long max) {
    long long s = out.count();
    SHOUWEI_TRY_VOID(integer(key, s, min, max));
    out = std::chrono::seconds(s);
    return {};
  }
  Result<void> no_unknown_keys() const {
    for (const auto& [key, node] : table_) {
      (void)node;
      if (!seen_.contains(std::string(key.str()))) {
        return fail(Errc::parse, origin_ + ": unknown key \"" + std::string(key.str()) + "\"");
      }
    }
    return {};
  }

 private:
  const toml::table& table_;
  std::string origin_;
  std::filesystem::path base_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace

Result<ServerConfig> parse_config(std::string_view toml_text, const std::string& origin,
                                  const std::filesystem::path& base_dir) {
  toml::table table;
  try {
    table = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << origin << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
        << e.description();
    return fail(Errc::parse, msg.str());
  }
  ServerConfig c;
  Reader r(table, origin, base_dir);
  std::string listen;
  SHOUWEI_TRY_VOID(r.string("listen", listen));
  if (!listen.empty()) SHOUWEI_TRY_VOID(parse_listen(origin, listen, c));
  SHOUWEI_TRY_VOID(r.path("tls_cert", c.tls_cert, true));
  SHOUWEI_TRY_VOID(r.path("tls_key", c.tls_key, true));
  std::string database;
  SHOUWEI_TRY_VOID(r.string("database", database));
  if (is_postgresql_url(database)) {
    c.database_url = database;
  } else {
    SHOUWEI_TRY_VOID(r.path("database", c.database, true));
  }
  SHOUWEI_TRY_VOID(r.integer("max_body_bytes", c.max_body_bytes, 1024, 1ll << 30));
  SHOUWEI_TRY_VOID(r.integer("threads", c.threads, 0, 256));
  SHOUWEI_TRY_VOID(r.seconds("request_timeout_seconds", c.request_timeout, 1, 3600));
  SHOUWEI_TRY_VOID(r.seconds("silent_after_seconds", c.silent_after, 60, 365ll * 86400));
  SHOUWEI_TRY_VOID(r.seconds("max_clock_skew_seconds", c.max_clock_skew, 1, 365ll * 86400));
  SHOUWEI_TRY_VOID(r.integer("enroll_max_failures", c.enroll_max_failures, 1, 1000000));
  SHOUWEI_TRY_VOID(r.seconds("enroll_failure_window_seconds", c.enroll_failure_window, 1, 86400));
  SHOUWEI_TRY_VOID(r.string("log_level", c.log_level));
  SHOUWEI_TRY_VOID(r.path("policy_public_key", c.policy_public_key, false));
  SHOUWEI_TRY_VOID(r.path("categories_dir", c.categories_dir, false));
  if (c.categories_dir.empty())
    c.categories_dir = (c.database.empty() ? base_dir : c.database.parent_path()) / "categories";
  SHOUWEI_TRY_VOID(r.integer("max_category_bytes", c.max_category_bytes, 1024, 1ll << 30));
  SHOUWEI_TRY_VOID(r.no_unknown_keys());
  return c;
}

Result<ServerConfig> load_config(const std::filesystem::path& path) {
  SHOUWEI_TRY(std::string text, read_file(path, kMaxConfigBytes));
  return parse_config(text, path.string(), path.parent_path());
}

}  // namespace shouwei::server
