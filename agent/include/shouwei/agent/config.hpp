// The agent's configuration file (TOML, /etc/shouwei/agent.toml by default). The core keys are
// typed here; each fact family parses its own table (e.g. [antivirus], [browsing], [compliance])
// from document(), so adding a family does not touch this loader.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include <toml++/toml.h>

#include "shouwei/common/keys.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/common/zone.hpp"

namespace shouwei::agent {

inline constexpr std::string_view kDefaultConfigPath = "/etc/shouwei/agent.toml";

struct ServerConfig {
  std::string url;            // https://server:8443 ; empty = no upload
  std::filesystem::path ca_file;  // the CA that signed the server certificate (pinned)
  std::string enroll_secret;  // SHOUWEI_ENROLL_SECRET in the environment overrides it
  // How often `run` asks the server for a newer policy (an unchanged one costs a 304).
  std::chrono::seconds policy_poll_interval{300};
};

struct AgentConfig {
  std::filesystem::path source;        // the file it was read from
  std::filesystem::path state_dir = "/var/lib/shouwei";
  Zone zone = Zone::intranet;
  KeyAlgorithm key_algorithm = KeyAlgorithm::ed25519;
  std::string asset_tag;
  std::string location;
  std::string log_level = "info";
  std::chrono::seconds snapshot_interval{15 * 60};
  std::uint64_t outbox_max_bytes = 256ull * 1024 * 1024;  // disk cap for unsent snapshots
  ServerConfig server;
  std::optional<std::filesystem::path> policy_public_key;  // pinned organisation policy key
  std::optional<std::filesystem::path> media_public_key;   // pinned organisation media key

  toml::table document;  // the whole file, for the families' own tables

  // The family's table ("antivirus", "browsing", ...) or nullptr when the file has none.
  const toml::table* section(std::string_view name) const { return document[name].as_table(); }
};

// Reads and validates path. Errors are one line naming the file, and the key or line at fault.
// Relative paths in the file are resolved against the file's directory.
Result<AgentConfig> load_config(const std::filesystem::path& path);

// Parses TOML text (source names it in errors).
Result<AgentConfig> parse_config(std::string_view text, const std::filesystem::path& source);

}  // namespace shouwei::agent
