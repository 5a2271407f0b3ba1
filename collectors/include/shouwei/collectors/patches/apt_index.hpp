// Pending updates computed on the PC, without running apt: installed versions against the
// candidate versions in apt's Packages indexes, with each index's Release metadata telling
// whether it is a security suite.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "shouwei/collectors/patches/byte_stream.hpp"
#include "shouwei/collectors/patches/installed_package.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::patches {

// The top paragraph of a Release / InRelease file.
struct ReleaseInfo {
  std::string origin;    // "Debian", "Ubuntu"
  std::string label;     // "Debian-Security"
  std::string suite;     // "bookworm-security", "oldstable-security", "jammy-security"
  std::string codename;  // "bookworm-security"
};

// Parses the first paragraph of a Release or (clear-signed) InRelease text.
ReleaseInfo parse_release(std::string_view text);

// A security suite: Suite or Codename ending in "-security" (Debian >= 11, Ubuntu), or in
// "/updates" (Debian <= 10 security archive), or a Label containing "Security"
// (case-insensitive; "Debian-Security").
bool is_security_release(const ReleaseInfo& release);

// "..._dists_bookworm_main_binary-amd64_Packages.lz4" -> "amd64"; "" when not found.
std::string index_architecture(std::string_view index_file_name);

struct PendingUpdate {
  std::string name;
  std::string architecture;
  std::string installed;
  std::string candidate;  // the highest version offered by any index
  bool security = false;  // a security index offers a version newer than the installed one
};

// Collects candidates for a fixed set of installed packages. Matching honours architecture:
// a candidate matches an installed package of the same architecture; an "all" candidate also
// matches an installed package of the native architecture and vice versa (packages move
// between arch-specific and arch:all across versions, as apt allows).
class CandidateIndex {
 public:
  // `native_arch` is dpkg's architecture (the Architecture of the installed "dpkg" package).
  CandidateIndex(const std::vector<InstalledPackage>& installed, std::string native_arch);

  // Offers one Packages paragraph. Cheap when the name is not installed.
  void offer(std::string_view name, std::string_view version, std::string_view architecture,
             bool from_security);

  // Reads a whole Packages stream, offering each paragraph. Returns the paragraph count.
  Result<std::size_t> offer_index(ByteStream& packages, bool from_security);

  // Installed packages with a newer candidate, sorted by name then architecture.
  std::vector<PendingUpdate> pending() const;

 private:
  struct Slot {
    const InstalledPackage* installed;
    std::string best;  // highest version seen, newer than installed; "" when none
    bool security = false;
  };
  bool matches(const InstalledPackage& installed, std::string_view candidate_arch) const;

  std::string native_arch_;
  std::unordered_map<std::string, std::vector<Slot>> by_name_;
};

}  // namespace shouwei::collectors::patches
