// URL categorisation as the browsing collector needs it: a tiny interface, so the collector does
// not depend on how the category database is stored.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shouwei::collectors::browsing {

class HostCategorizer {
 public:
  virtual ~HostCategorizer() = default;
  // The product categories ("adult", "gambling", ... or a source name) of a URL or host; empty
  // when it is in none. Must be safe to call with any bytes.
  virtual std::vector<std::string> categorize(std::string_view url_or_host) const = 0;
};

// A categoriser that knows nothing: every visit counts as uncategorised. Used when no category
// file is configured.
class NullCategorizer final : public HostCategorizer {
 public:
  std::vector<std::string> categorize(std::string_view) const override { return {}; }
};

// The lower-case host of an absolute URL with an authority ("http://WWW.Example.com:8080/x" ->
// "www.example.com", IPv6 without brackets); nullopt for URLs without a host (about:,
// data:, file:///) and for unparsable text.
std::optional<std::string> url_host(std::string_view url);

}  // namespace shouwei::collectors::browsing
