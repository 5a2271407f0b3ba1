#include "shouwei/collectors/patches/byte_stream.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

namespace shouwei::collectors::patches {

Result<std::size_t> StringStream::read(char* out, std::size_t capacity) {
  std::size_t n = std::min(capacity, bytes_.size() - offset_);
  std::memcpy(out, bytes_.data() + offset_, n);
  offset_ += n;
  return n;
}

Result<LineStats> for_each_line(ByteStream& stream,
                                const std::function<bool(std::string_view)>& visit,
                                std::size_t max_line_bytes) {
  LineStats stats;
  std::vector<char> buffer(64 * 1024);
  std::string carry;        // the start of a line that crossed a chunk boundary
  bool discarding = false;  // inside an overlong line: drop bytes until its end
  for (;;) {
    SHOUWEI_TRY(std::size_t n, stream.read(buffer.data(), buffer.size()));
    if (n == 0) break;
    std::string_view chunk(buffer.data(), n);
    while (!chunk.empty()) {
      std::size_t nl = chunk.find('\n');
      std::string_view piece = chunk.substr(0, nl);
      bool complete = nl != std::string_view::npos;
      chunk.remove_prefix(complete ? nl + 1 : chunk.size());
      if (discarding) {
        if (complete) discarding = false;
        continue;
      }
      if (carry.size() + piece.size() > max_line_bytes) {
        ++stats.overlong;
        carry.clear();
        discarding = !complete;
        continue;
      }
      if (!complete) {
        carry.append(piece);
        continue;
      }
      ++stats.lines;
      bool go_on;
      if (carry.empty()) {
        go_on = visit(piece);
      } else {
        carry.append(piece);
        go_on = visit(carry);
        carry.clear();
      }
      if (!go_on) return stats;
    }
  }
  if (!carry.empty() && !discarding) {
    ++stats.lines;
    visit(carry);
  }
  return stats;
}

}  // namespace shouwei::collectors::patches
