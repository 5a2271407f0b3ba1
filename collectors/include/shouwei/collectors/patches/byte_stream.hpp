// Sequential byte sources and a bounded line splitter. Package databases, apt indexes and logs
// can be large (a 2 GB log, a 50 MB Packages index) and are never read whole: readers pull
// fixed-size chunks through a ByteStream and see one line at a time.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "shouwei/common/result.hpp"

namespace shouwei::collectors::patches {

// A forward-only source of bytes. Not thread-safe.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads up to `capacity` bytes into `out`; 0 means end of stream. An error names the source.
  virtual Result<std::size_t> read(char* out, std::size_t capacity) = 0;
};

// A ByteStream over bytes held in memory (fakes, tests, fuzzers).
class StringStream final : public ByteStream {
 public:
  explicit StringStream(std::string bytes) : bytes_(std::move(bytes)) {}
  Result<std::size_t> read(char* out, std::size_t capacity) override;

 private:
  std::string bytes_;
  std::size_t offset_ = 0;
};

inline constexpr std::size_t kDefaultMaxLineBytes = 64 * 1024;

struct LineStats {
  std::size_t lines = 0;     // lines delivered to the visitor
  std::size_t overlong = 0;  // lines longer than the cap, dropped whole
};

// Calls `visit` for each line of `stream` (without its '\n'; a trailing '\r' is kept). A line
// longer than `max_line_bytes` is skipped and counted, so memory stays bounded by the cap
// whatever the input (a sparse file of zeros is one endless line). `visit` returns false to stop.
Result<LineStats> for_each_line(ByteStream& stream,
                                const std::function<bool(std::string_view)>& visit,
                                std::size_t max_line_bytes = kDefaultMaxLineBytes);

}  // namespace shouwei::collectors::patches
