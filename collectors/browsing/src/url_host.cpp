#include <boost/url/parse.hpp>

#include "shouwei/collectors/browsing/categorizer.hpp"

namespace shouwei::collectors::browsing {

std::optional<std::string> url_host(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || !parsed->has_authority()) return std::nullopt;
  std::string host = parsed->host_address();
  while (!host.empty() && host.back() == '.') host.pop_back();  // "example.com." is example.com
  if (host.empty()) return std::nullopt;
  for (char& c : host) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return host;
}

}  // namespace shouwei::collectors::browsing
