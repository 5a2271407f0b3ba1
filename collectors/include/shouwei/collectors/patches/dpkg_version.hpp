// Debian package version order, exactly as dpkg defines it (deb-version(7)):
// [epoch:]upstream_version[-debian_revision], compared epoch first (numerically), then upstream,
// then revision, each with dpkg's alternating non-digit / digit comparison in which '~' sorts
// before everything, even the end of the string ("1.0~rc1" < "1.0").
#pragma once

#include <optional>
#include <string_view>

namespace shouwei::collectors::patches {

struct DpkgVersion {
  unsigned long epoch = 0;
  std::string_view upstream;
  std::string_view revision;  // empty when absent; compares equal to "0" as in dpkg
};

// Splits a version string; nullopt when it is empty or its epoch is not a number that fits.
// The views point into `text`.
std::optional<DpkgVersion> parse_dpkg_version(std::string_view text);

// <0, 0, >0 like strcmp. Unparsable strings (invalid epoch) compare as epoch 0 with the whole
// string as upstream, so the order stays total and never throws.
int compare_dpkg_versions(std::string_view a, std::string_view b);
int compare_dpkg_versions(const DpkgVersion& a, const DpkgVersion& b);

}  // namespace shouwei::collectors::patches
