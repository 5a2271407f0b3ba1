// The 512-byte header of ClamAV's signature databases (.cvd, and .cld after incremental
// updates): "ClamAV-VDB:<build time>:<version>:<signatures>:<functionality level>:<md5>:
// <dsig>:<builder>:<stime>" padded with spaces. The build time is "%d %b %Y %H-%M %z" (no
// colon, so the fields split on ':'); stime is the build time in Unix seconds.
// Untrusted bytes: fixed size, every number range-checked.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::antivirus {

inline constexpr std::size_t kCvdHeaderBytes = 512;

struct CvdHeader {
  std::string build_time_text;  // "07 Feb 2024 08-37 -0500" as written
  std::uint32_t version = 0;
  std::uint32_t signatures = 0;
  std::uint32_t functionality_level = 0;
  std::string builder;
  TimePoint build_time;  // from stime
};

// `head` is the start of the file (at least 512 bytes unless the file is shorter, which fails).
Result<CvdHeader> parse_cvd_header(std::string_view head);

}  // namespace shouwei::collectors::antivirus
