#include "shouwei/server/metrics.hpp"

namespace shouwei::server {

namespace {
// Label values escape backslash, double quote and newline (exposition format rules).
std::string render_labels(const Metrics::Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    out += labels[i].first;
    out += "=\"";
    for (char c : labels[i].second) {
      if (c == '\\' || c == '"') {
        out += '\\';
        out += c;
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += '"';
  }
  out += '}';
  return out;
}
}  // namespace

void Metrics::add(std::string_view name, std::string_view help, const Labels& labels,
                  std::uint64_t by) {
  std::string key = render_labels(labels);
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end())
    it = families_.emplace(std::string(name), Family{std::string(help), {}}).first;
  it->second.series[key] += by;
}

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + family.help + "\n";
    out += "# TYPE " + name + " counter\n";
    for (const auto& [labels, value] : family.series) {
      out += name + labels + " " + std::to_string(value) + "\n";
    }
  }
  return out;
}

}  // namespace shouwei::server
