#include "shouwei/agent/config.hpp"

#include <cstdlib>
#include <sstream>

#include "shouwei/common/file_io.hpp"
#include "shouwei/common/logging.hpp"
#include "shouwei/os/utf8_path.hpp"

namespace shouwei::agent {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxConfigBytes = 1024 * 1024;

// Reports a key of the wrong type or value as "file: key 'k': problem".
Failure bad_key(const fs::path& source, std::string_view key, std::string_view problem) {
  return fail(Errc::invalid_argument,
              path_to_utf8(source) + ": key '" + std::string(key) + "': " + std::string(problem));
}

Result<std::optional<std::string>> get_string(const toml::table& t, std::string_view key,
                                              const fs::path& source, std::string_view full_key) {
  const toml::node* node = t.get(key);
  if (node == nullptr) return std::optional<std::string>{};
  if (!node->is_string()) return bad_key(source, full_key, "expected a string");
  return std::optional<std::string>{node->as_string()->get()};
}

fs::path relative_to(const fs::path& source, const std::string& value) {
  fs::path p = path_from_utf8(value);
  if (p.is_absolute() || p.empty()) return p;
  return source.parent_path() / p;
}

}  // namespace

Result<AgentConfig> parse_config(std::string_view text, const fs::path& source) {
  AgentConfig cfg;
  cfg.source = source;
  try {
    cfg.document = toml::parse(text, path_to_utf8(source));
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << path_to_utf8(source) << ":" << e.source().begin.line << ":" << e.source().begin.column
        << ": invalid TOML: " << e.description();
    return fail(Errc::parse, msg.str());
  }
  const toml::table& doc = cfg.document;

  // Top-level scalars are ours; tables belong to the families. An unknown scalar is almost
  // always a typo of a security setting, so it is refused rather than ignored.
  static constexpr std::string_view kKnownScalars[] = {"state_dir",
                                                       "zone",
                                                       "key_algorithm",
                                                       "asset_tag",
                                                       "location",
                                                       "log_level",
                                                       "snapshot_interval_seconds",
                                                       "outbox_max_bytes",
                                                       "policy_public_key",
                                                       "media_public_key"};
  for (const auto& [key, node] : doc) {
    if (node.is_table()) continue;
    bool known = false;
    for (auto k : kKnownScalars) known = known || key.str() == k;
    if (!known) return bad_key(source, key.str(), "unknown setting");
  }

  SHOUWEI_TRY(auto state_dir, get_string(doc, "state_dir", source, "state_dir"));
  if (state_dir) {
    if (state_dir->empty()) return bad_key(source, "state_dir", "must not be empty");
    cfg.state_dir = relative_to(source, *state_dir);
  }
  SHOUWEI_TRY(auto zone, get_string(doc, "zone", source, "zone"));
  if (zone) {
    auto z = parse_zone(*zone);
    if (!z) return bad_key(source, "zone", "'" + *zone + "' is not intranet, extranet or internet");
    cfg.zone = *z;
  }
  SHOUWEI_TRY(auto alg, get_string(doc, "key_algorithm", source, "key_algorithm"));
  if (alg) {
    auto a = parse_key_algorithm(*alg);
    if (!a) return bad_key(source, "key_algorithm", "'" + *alg + "' is not ed25519, p256 or sm2");
    cfg.key_algorithm = *a;
  }
  SHOUWEI_TRY(auto asset_tag, get_string(doc, "asset_tag", source, "asset_tag"));
  cfg.asset_tag = asset_tag.value_or("");
  SHOUWEI_TRY(auto location, get_string(doc, "location", source, "location"));
  cfg.location = location.value_or("");
  SHOUWEI_TRY(auto level, get_string(doc, "log_level", source, "log_level"));
  if (level) {
    if (auto valid = parse_log_level(*level); !valid)
      return bad_key(source, "log_level", valid.error().message);
    cfg.log_level = *level;
  }

  if (const toml::node* n = doc.get("snapshot_interval_seconds")) {
    auto v = n->value<std::int64_t>();
    if (!n->is_integer() || !v || *v < 60 || *v > 7 * 24 * 3600) {
      return bad_key(source, "snapshot_interval_seconds", "expected an integer from 60 to 604800");
    }
    cfg.snapshot_interval = std::chrono::seconds(*v);
  }
  if (const toml::node* n = doc.get("outbox_max_bytes")) {
    auto v = n->value<std::int64_t>();
    if (!n->is_integer() || !v || *v < 1024 * 1024) {
      return bad_key(source, "outbox_max_bytes", "expected an integer of at least 1048576");
    }
    cfg.outbox_max_bytes = static_cast<std::uint64_t>(*v);
  }
  SHOUWEI_TRY(auto policy_key, get_string(doc, "policy_public_key", source, "policy_public_key"));
  if (policy_key && !policy_key->empty()) cfg.policy_public_key = relative_to(source, *policy_key);
  SHOUWEI_TRY(auto media_key, get_string(doc, "media_public_key", source, "media_public_key"));
  if (media_key && !media_key->empty()) cfg.media_public_key = relative_to(source, *media_key);

  if (const toml::node* server_node = doc.get("server")) {
    const toml::table* server = server_node->as_table();
    if (server == nullptr) return bad_key(source, "server", "expected a table");
    for (const auto& [key, node] : *server) {
      if (key.str() != "url" && key.str() != "ca_file" && key.str() != "enroll_secret" &&
          key.str() != "policy_poll_interval_seconds") {
        return bad_key(source, "server." + std::string(key.str()), "unknown setting");
      }
    }
    SHOUWEI_TRY(auto url, get_string(*server, "url", source, "server.url"));
    cfg.server.url = url.value_or("");
    if (!cfg.server.url.empty() && cfg.server.url.rfind("https://", 0) != 0) {
      return bad_key(source, "server.url", "must start with https:// (TLS is always on)");
    }
    SHOUWEI_TRY(auto ca, get_string(*server, "ca_file", source, "server.ca_file"));
    if (ca && !ca->empty()) cfg.server.ca_file = relative_to(source, *ca);
    SHOUWEI_TRY(auto secret, get_string(*server, "enroll_secret", source, "server.enroll_secret"));
    cfg.server.enroll_secret = secret.value_or("");
    if (const toml::node* n = server->get("policy_poll_interval_seconds")) {
      auto v = n->value<std::int64_t>();
      if (!n->is_integer() || !v || *v < 5 || *v > 24 * 3600) {
        return bad_key(source, "server.policy_poll_interval_seconds",
                       "expected an integer from 5 to 86400");
      }
      cfg.server.policy_poll_interval = std::chrono::seconds(*v);
    }
  }
  if (const char* env = std::getenv("SHOUWEI_ENROLL_SECRET"); env != nullptr && *env != '\0') {
    cfg.server.enroll_secret = env;
  }
  return cfg;
}

Result<AgentConfig> load_config(const fs::path& path) {
  auto text = read_file(path, kMaxConfigBytes);
  if (!text) {
    Error e = std::move(text).error();
    e.message = "cannot read configuration: " + e.message;
    return fail(std::move(e));
  }
  return parse_config(*text, path);
}

}  // namespace shouwei::agent
