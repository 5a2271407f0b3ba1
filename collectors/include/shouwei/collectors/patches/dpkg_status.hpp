// Reading dpkg's status database (/var/lib/dpkg/status): the packages whose Status says they
// are installed.
#pragma once

#include <cstddef>
#include <vector>

#include "shouwei/collectors/patches/byte_stream.hpp"
#include "shouwei/collectors/patches/installed_package.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::patches {

struct DpkgStatus {
  std::vector<InstalledPackage> installed;  // Status "<want> <flag> installed"
  std::size_t paragraphs = 0;               // every paragraph seen, installed or not
  std::size_t incomplete = 0;  // paragraphs lacking Package, Version, Architecture or Status
  std::size_t malformed_lines = 0;
  std::size_t overlong_lines = 0;
};

// Fails only when the stream fails, or when it held bytes but not one well-formed paragraph
// (a garbled or foreign file must not read as "0 packages installed").
Result<DpkgStatus> read_dpkg_status(ByteStream& stream);

}  // namespace shouwei::collectors::patches
