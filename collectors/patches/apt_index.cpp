#include "shouwei/collectors/patches/apt_index.hpp"

#include <algorithm>
#include <tuple>

#include "shouwei/collectors/patches/deb822.hpp"
#include "shouwei/collectors/patches/dpkg_version.hpp"

namespace shouwei::collectors::patches {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool icontains(std::string_view haystack, std::string_view needle) {
  auto it = std::search(
      haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; };
        return lower(a) == lower(b);
      });
  return it != haystack.end();
}

}  // namespace

ReleaseInfo parse_release(std::string_view text) {
  ReleaseInfo info;
  Deb822Parser parser({"Origin", "Label", "Suite", "Codename"}, [&info](const Deb822Fields& f) {
    info.origin = f[0].value_or("");
    info.label = f[1].value_or("");
    info.suite = f[2].value_or("");
    info.codename = f[3].value_or("");
    return false;  // only the first paragraph describes the release
  });
  std::string_view body = strip_clearsign(text);
  while (!body.empty()) {
    std::size_t nl = body.find('\n');
    if (!parser.feed_line(body.substr(0, nl))) break;
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
  }
  parser.finish();
  return info;
}

bool is_security_release(const ReleaseInfo& r) {
  for (std::string_view s : {std::string_view(r.suite), std::string_view(r.codename)}) {
    if (ends_with(s, "-security") || ends_with(s, "/updates")) return true;
  }
  return icontains(r.label, "security");
}

std::string index_architecture(std::string_view name) {
  constexpr std::string_view kMarker = "binary-";
  std::size_t pos = name.rfind(kMarker);
  if (pos == std::string_view::npos) return {};
  std::string_view rest = name.substr(pos + kMarker.size());
  return std::string(rest.substr(0, rest.find('_')));
}

CandidateIndex::CandidateIndex(const std::vector<InstalledPackage>& installed,
                               std::string native_arch)
    : native_arch_(std::move(native_arch)) {
  for (const auto& p : installed) by_name_[p.name].push_back(Slot{&p, {}, false});
}

bool CandidateIndex::matches(const InstalledPackage& installed, std::string_view arch) const {
  if (installed.architecture == arch) return true;
  if (arch == "all") return installed.architecture == native_arch_;
  if (installed.architecture == "all") return arch == native_arch_;
  return false;
}

void CandidateIndex::offer(std::string_view name, std::string_view version,
                           std::string_view architecture, bool from_security) {
  auto it = by_name_.find(std::string(name));
  if (it == by_name_.end()) return;
  for (auto& slot : it->second) {
    if (!matches(*slot.installed, architecture)) continue;
    if (compare_dpkg_versions(version, slot.installed->version) <= 0) continue;
    if (from_security) slot.security = true;
    if (slot.best.empty() || compare_dpkg_versions(version, slot.best) > 0) {
      slot.best = std::string(version);
    }
  }
}

Result<std::size_t> CandidateIndex::offer_index(ByteStream& packages, bool from_security) {
  Deb822Parser parser({"Package", "Version", "Architecture"},
                      [this, from_security](const Deb822Fields& f) {
                        if (f[0] && f[1] && f[2]) offer(*f[0], *f[1], *f[2], from_security);
                        return true;
                      });
  SHOUWEI_TRY(Deb822Stats stats, parser.parse(packages));
  return stats.paragraphs;
}

std::vector<PendingUpdate> CandidateIndex::pending() const {
  std::vector<PendingUpdate> out;
  for (const auto& [name, slots] : by_name_) {
    for (const auto& slot : slots) {
      if (slot.best.empty()) continue;
      out.push_back(
          {name, slot.installed->architecture, slot.installed->version, slot.best, slot.security});
    }
  }
  std::sort(out.begin(), out.end(), [](const PendingUpdate& a, const PendingUpdate& b) {
    return std::tie(a.name, a.architecture) < std::tie(b.name, b.architecture);
  });
  return out;
}

}  // namespace shouwei::collectors::patches
