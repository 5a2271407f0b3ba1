// Bounded gzip decoding of request bodies: a small body that inflates to gigabytes (a "gzip
// bomb") is refused as soon as the output passes the cap, without allocating past it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "shouwei/common/result.hpp"

namespace shouwei::server {

// Decodes exactly one gzip member. Fails with Errc::limit_exceeded once the output would exceed
// max_output bytes, Errc::parse on corrupt, truncated or trailing data.
Result<std::string> gunzip_bounded(std::string_view compressed, std::size_t max_output);

}  // namespace shouwei::server
