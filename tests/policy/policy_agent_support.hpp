// Support for the agent-side policy tests: a PolicySource fake that serves whatever the test
// sets (envelopes with ETags, files by URL, truncated or failing downloads), category database
// bytes built with the real builder, and an agent state in a temporary directory.
#pragma once

#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "common/temp_dir.hpp"
#include "shouwei/agent/policy_source.hpp"
#include "shouwei/agent/state.hpp"
#include "shouwei/collectors/categories/category_db_builder.hpp"
#include "shouwei/common/encoding.hpp"

namespace shouwei::test {

class FakePolicySource final : public agent::PolicySource {
 public:
  // What the server holds; the ETag is the SHA-256 of the envelope, as the server computes it.
  void serve(std::string envelope) { envelope_ = std::move(envelope); }
  void serve_nothing() { envelope_.reset(); }
  void put_file(const std::string& url, std::string bytes) { files_[url] = std::move(bytes); }
  // The next downloads deliver only this many bytes of the file, then report success (a server
  // or proxy that cut the body without telling).
  void truncate_downloads(std::size_t bytes) { truncate_to_ = bytes; }
  // The next downloads fail as a transport error would.
  void fail_downloads(bool fail) { fail_downloads_ = fail; }

  agent::PolicyFetch fetch_policy(const std::optional<std::string>& etag, TimePoint) override {
    asked_etags.push_back(etag.value_or(""));
    agent::PolicyFetch fetch;
    if (!envelope_) {
      fetch.status = agent::PolicyFetchStatus::no_policy;
      fetch.http_status = 404;
      return fetch;
    }
    const std::string tag = sha256_hex(*envelope_);
    if (etag && *etag == tag) {
      fetch.status = agent::PolicyFetchStatus::unchanged;
      fetch.http_status = 304;
      return fetch;
    }
    fetch.status = agent::PolicyFetchStatus::fetched;
    fetch.http_status = 200;
    fetch.envelope = *envelope_;
    fetch.etag = tag;
    return fetch;
  }

  Result<std::string> download(const std::string& url, const std::filesystem::path& dest,
                               std::uint64_t max_bytes) override {
    ++downloads;
    if (fail_downloads_) return fail(Errc::unavailable, url + ": Transferred a partial file");
    auto it = files_.find(url);
    if (it == files_.end()) return fail(Errc::not_found, url + ": HTTP 404");
    std::string bytes = it->second.substr(0, truncate_to_.value_or(it->second.size()));
    if (bytes.size() > max_bytes) return fail(Errc::limit_exceeded, url + ": too large");
    std::ofstream(dest, std::ios::binary) << bytes;
    return sha256_hex(bytes);
  }

  std::vector<std::string> asked_etags;
  int downloads = 0;

 private:
  std::optional<std::string> envelope_;
  std::map<std::string, std::string> files_;
  std::optional<std::size_t> truncate_to_;
  bool fail_downloads_ = false;
};

// A small category database listing `host` in `category`.
inline std::string make_category_db(const std::string& category, const std::string& host) {
  collectors::categories::CategoryDbBuilder builder;
  std::string_view why;
  REQUIRE(builder.add_domain(category, host, &why));
  auto bytes = builder.build();
  REQUIRE(bytes.ok());
  return std::move(bytes).value();
}

inline agent::AgentState open_test_state(const std::filesystem::path& dir) {
  auto state = agent::AgentState::open(dir);
  REQUIRE(state.ok());
  return std::move(state).value();
}

}  // namespace shouwei::test
