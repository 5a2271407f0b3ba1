// Transparent decompression of the compressed files package tools leave behind: rotated logs
// (dpkg.log.2.gz) and apt indexes kept compressed (Acquire::GzipIndexes, "..._Packages.lz4").
// Streaming with fixed buffers; the output is capped so a compression bomb costs a bounded
// amount of CPU and no memory.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "shouwei/collectors/patches/byte_stream.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::patches {

enum class Compression { none, gzip, lz4, unsupported };

// From the file name: ".gz" -> gzip, ".lz4" -> lz4, ".xz"/".bz2"/".zst"/".lzma" -> unsupported,
// anything else -> none.
Compression compression_for(std::string_view file_name);

// Wraps `raw` so that reads return decompressed bytes. `label` names the source in errors.
// Reading past `max_output_bytes` of output fails with Errc::limit_exceeded.
// REQUIRES: compression != unsupported.
std::unique_ptr<ByteStream> decompressing_stream(std::unique_ptr<ByteStream> raw,
                                                 Compression compression, std::string label,
                                                 std::size_t max_output_bytes);

}  // namespace shouwei::collectors::patches
