// Process-wide counters rendered in the Prometheus text exposition format (version 0.0.4).
// Thread-safe; counters only grow.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shouwei::server {

class Metrics {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;

  // Adds `by` to counter `name` (a Prometheus metric name ending in _total) with `labels`.
  // `help` is kept from the first call for the family.
  void add(std::string_view name, std::string_view help, const Labels& labels,
           std::uint64_t by = 1);

  // "# HELP", "# TYPE name counter" and one line per label set, families sorted by name.
  std::string render() const;

 private:
  struct Family {
    std::string help;
    std::map<std::string, std::uint64_t> series;  // rendered label set -> value
  };
  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace shouwei::server
