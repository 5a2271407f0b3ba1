#include "shouwei/server/gzip.hpp"

#include <algorithm>
#include <memory>
#include <zlib.h>

namespace shouwei::server {

namespace {
struct InflateEnd {
  void operator()(z_stream* s) const noexcept { inflateEnd(s); }
};
}  // namespace

Result<std::string> gunzip_bounded(std::string_view compressed, std::size_t max_output) {
  z_stream stream{};
  // 16 + MAX_WBITS: gzip wrapper only (a raw or zlib stream is not what the header announced).
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
    return fail(Errc::internal, "gzip body: inflateInit2 failed");
  }
  std::unique_ptr<z_stream, InflateEnd> guard(&stream);
  std::string out;
  const std::size_t chunk = 64 * 1024;
  std::size_t consumed = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (stream.avail_in == 0) {
      std::size_t n = std::min<std::size_t>(compressed.size() - consumed, 1u << 30);
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data() + consumed));
      stream.avail_in = static_cast<uInt>(n);
      consumed += n;
    }
    // Grow by at most one chunk beyond the cap, so a bomb costs max_output + chunk bytes.
    std::size_t old_size = out.size();
    if (old_size > max_output) {
      return fail(Errc::limit_exceeded,
                  "gzip body: inflates to more than " + std::to_string(max_output) + " bytes");
    }
    out.resize(old_size + chunk);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + old_size);
    stream.avail_out = static_cast<uInt>(chunk);
    rc = inflate(&stream, Z_NO_FLUSH);
    out.resize(old_size + (chunk - stream.avail_out));
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && stream.avail_in == 0 && consumed == compressed.size()) {
      return fail(Errc::parse, "gzip body: truncated");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return fail(Errc::parse, std::string("gzip body: ") +
                                   (stream.msg != nullptr ? stream.msg : "corrupt data"));
    }
  }
  if (out.size() > max_output) {
    return fail(Errc::limit_exceeded,
                "gzip body: inflates to more than " + std::to_string(max_output) + " bytes");
  }
  if (stream.avail_in != 0 || consumed != compressed.size()) {
    return fail(Errc::parse, "gzip body: trailing data after the gzip member");
  }
  return out;
}

}  // namespace shouwei::server
