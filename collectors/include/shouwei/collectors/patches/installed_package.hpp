// The typed facts a PackageSource returns about installed software.
#pragma once

#include <optional>
#include <string>

#include "shouwei/common/clock.hpp"

namespace shouwei::collectors::patches {

struct InstalledPackage {
  std::string name;
  std::string version;       // dpkg: [epoch:]upstream[-revision]; rpm: [epoch:]version-release
  std::string architecture;  // "amd64", "all", "x86_64", "noarch"...
  std::optional<TimePoint> install_time;  // rpm only (INSTALLTIME tag)
};

}  // namespace shouwei::collectors::patches
