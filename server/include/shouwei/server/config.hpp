// shouwei-server's configuration, read from a TOML file. Every key but the four paths has a
// default; unknown keys are refused so that a typo does not silently leave a default in force.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>

#include "shouwei/common/result.hpp"

namespace shouwei::server {

struct ServerConfig {
  std::string listen_host = "127.0.0.1";  // from `listen = "host:port"`
  unsigned short listen_port = 8443;
  std::filesystem::path tls_cert;  // PEM chain, server certificate first
  std::filesystem::path tls_key;   // PEM private key
  std::filesystem::path database;  // SQLite file
  // `database = "postgresql://..."`: PostgreSQL instead of SQLite (`database` stays empty).
  std::string database_url;
  std::size_t max_body_bytes = 4u * 1024u * 1024u;  // also caps the inflated size of gzip bodies
  // Request threads. 0: with SQLite one per core, at least 2 (uploads wait for the disk flush
  // without holding a thread; the store's writer commits them together); with PostgreSQL four
  // per core, at least 8 (a thread waits while the database writes).
  int threads = 0;
  // Deadline for the TLS handshake, and for each request: from the moment the server waits for
  // it (keep-alive included) until its last byte. A slow client is disconnected at the deadline.
  std::chrono::seconds request_timeout{30};
  std::chrono::seconds silent_after{24 * 3600};  // endpoint counts as non-compliant past this
  std::chrono::seconds max_clock_skew{300};      // |taken_at - received_at| beyond: reported
  int enroll_max_failures = 10;                  // failed enrollments per address per window
  std::chrono::seconds enroll_failure_window{600};
  std::string log_level = "info";
  // PEM public key of the organisation's policy key. Optional; without it policy pushes are
  // refused (the server could not tell a signed policy from garbage).
  std::filesystem::path policy_public_key;
  // Uploaded category databases; default: "categories" next to the database file.
  std::filesystem::path categories_dir;
  std::size_t max_category_bytes = 64u * 1024u * 1024u;
};

// Parses TOML text; `origin` names the file in error messages. Fails (Errc::parse) naming the
// key on a wrong type, a bad value, an unknown key or a missing required key (tls_cert, tls_key,
// database). Relative paths are resolved against `base_dir` (the config file's directory).
Result<ServerConfig> parse_config(std::string_view toml_text, const std::string& origin,
                                  const std::filesystem::path& base_dir);

// Reads and parses the file at path.
Result<ServerConfig> load_config(const std::filesystem::path& path);

}  // namespace shouwei::server
