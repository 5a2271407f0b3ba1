#include "shouwei/collectors/patches/decompress.hpp"

#include <lz4frame.h>
#include <vector>
#include <zlib.h>

namespace shouwei::collectors::patches {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

constexpr std::size_t kInputChunk = 64 * 1024;

// Shared plumbing: input buffering and the output cap; subclasses run one codec step.
class Decompressor : public ByteStream {
 public:
  Decompressor(std::unique_ptr<ByteStream> raw, std::string label, std::size_t max_output)
      : raw_(std::move(raw)), label_(std::move(label)), max_output_(max_output), in_(kInputChunk) {}

  Result<std::size_t> read(char* out, std::size_t capacity) override {
    while (true) {
      if (in_pos_ == in_len_ && !raw_eof_) {
        SHOUWEI_TRY(std::size_t n, raw_->read(in_.data(), in_.size()));
        in_pos_ = 0;
        in_len_ = n;
        raw_eof_ = n == 0;
      }
      std::size_t consumed = 0;
      SHOUWEI_TRY(std::size_t produced,
                  step(in_.data() + in_pos_, in_len_ - in_pos_, consumed, out, capacity));
      in_pos_ += consumed;
      total_ += produced;
      if (total_ > max_output_) {
        return fail(Errc::limit_exceeded, label_ + ": decompressed size exceeds the limit of " +
                                              std::to_string(max_output_) + " bytes");
      }
      if (produced > 0) return produced;
      if (raw_eof_ && in_pos_ == in_len_) return finish();
      if (consumed == 0 && in_pos_ < in_len_) {
        return fail(Errc::parse, label_ + ": decompressor made no progress (corrupt data)");
      }
    }
  }

 protected:
  // Decompresses from [in, in+in_len) into out; sets consumed; returns bytes produced.
  virtual Result<std::size_t> step(const char* in, std::size_t in_len, std::size_t& consumed,
                                   char* out, std::size_t capacity) = 0;
  // End of input: 0 when the stream ended cleanly, an error when truncated.
  virtual Result<std::size_t> finish() = 0;

  const std::string& label() const { return label_; }

 private:
  std::unique_ptr<ByteStream> raw_;
  std::string label_;
  std::size_t max_output_;
  std::size_t total_ = 0;
  std::vector<char> in_;
  std::size_t in_pos_ = 0, in_len_ = 0;
  bool raw_eof_ = false;
};

class GzipStream final : public Decompressor {
 public:
  GzipStream(std::unique_ptr<ByteStream> raw, std::string label, std::size_t max_output)
      : Decompressor(std::move(raw), std::move(label), max_output) {
    ok_ = inflateInit2(&z_, 16 + MAX_WBITS) == Z_OK;  // 16: expect a gzip wrapper
  }
  ~GzipStream() override {
    if (ok_) inflateEnd(&z_);
  }

 protected:
  Result<std::size_t> step(const char* in, std::size_t in_len, std::size_t& consumed, char* out,
                           std::size_t capacity) override {
    if (!ok_) return fail(Errc::internal, label() + ": inflateInit2 failed");
    if (member_done_) {
      if (in_len == 0) return std::size_t{0};
      // Concatenated gzip members (as `cat a.gz b.gz` makes) form one stream.
      inflateReset(&z_);
      member_done_ = false;
    }
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in));
    z_.avail_in = static_cast<uInt>(in_len);
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(capacity);
    int rc = inflate(&z_, Z_NO_FLUSH);
    consumed = in_len - z_.avail_in;
    std::size_t produced = capacity - z_.avail_out;
    if (rc == Z_STREAM_END) {
      member_done_ = true;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return fail(Errc::parse, label() + ": gzip data is corrupt (" +
                                   (z_.msg ? std::string(z_.msg) : std::to_string(rc)) + ")");
    }
    started_ = true;
    return produced;
  }
  Result<std::size_t> finish() override {
    if (started_ && !member_done_) return fail(Errc::parse, label() + ": gzip stream is truncated");
    return std::size_t{0};
  }

 private:
  z_stream z_{};
  bool ok_ = false;
  bool member_done_ = false;
  bool started_ = false;
};

class Lz4Stream final : public Decompressor {
 public:
  Lz4Stream(std::unique_ptr<ByteStream> raw, std::string label, std::size_t max_output)
      : Decompressor(std::move(raw), std::move(label), max_output) {
    ok_ = !LZ4F_isError(LZ4F_createDecompressionContext(&ctx_, LZ4F_VERSION));
  }
  ~Lz4Stream() override {
    if (ok_) LZ4F_freeDecompressionContext(ctx_);
  }

 protected:
  Result<std::size_t> step(const char* in, std::size_t in_len, std::size_t& consumed, char* out,
                           std::size_t capacity) override {
    if (!ok_) return fail(Errc::internal, label() + ": LZ4F_createDecompressionContext failed");
    // Between frames with no input left there is nothing to flush; asking would open a frame.
    if (in_len == 0 && !frame_open_) return std::size_t{0};
    std::size_t out_len = capacity;
    std::size_t src_len = in_len;
    std::size_t hint = LZ4F_decompress(ctx_, out, &out_len, in, &src_len, nullptr);
    if (LZ4F_isError(hint)) {
      return fail(Errc::parse, label() + ": lz4 data is corrupt (" + LZ4F_getErrorName(hint) + ")");
    }
    consumed = src_len;
    frame_open_ = hint != 0;
    return out_len;
  }
  Result<std::size_t> finish() override {
    if (frame_open_) return fail(Errc::parse, label() + ": lz4 stream is truncated");
    return std::size_t{0};
  }

 private:
  LZ4F_dctx* ctx_ = nullptr;
  bool ok_ = false;
  bool frame_open_ = false;
};

// Plain data, with the same cap.
class CappedStream final : public ByteStream {
 public:
  CappedStream(std::unique_ptr<ByteStream> raw, std::string label, std::size_t max_output)
      : raw_(std::move(raw)), label_(std::move(label)), max_output_(max_output) {}
  Result<std::size_t> read(char* out, std::size_t capacity) override {
    SHOUWEI_TRY(std::size_t n, raw_->read(out, capacity));
    total_ += n;
    if (total_ > max_output_) {
      return fail(Errc::limit_exceeded,
                  label_ + ": larger than the limit of " + std::to_string(max_output_) + " bytes");
    }
    return n;
  }

 private:
  std::unique_ptr<ByteStream> raw_;
  std::string label_;
  std::size_t max_output_;
  std::size_t total_ = 0;
};

}  // namespace

Compression compression_for(std::string_view name) {
  if (ends_with(name, ".gz")) return Compression::gzip;
  if (ends_with(name, ".lz4")) return Compression::lz4;
  if (ends_with(name, ".xz") || ends_with(name, ".bz2") || ends_with(name, ".zst") ||
      ends_with(name, ".lzma")) {
    return Compression::unsupported;
  }
  return Compression::none;
}

std::unique_ptr<ByteStream> decompressing_stream(std::unique_ptr<ByteStream> raw,
                                                 Compression compression, std::string label,
                                                 std::size_t max_output_bytes) {
  switch (compression) {
    case Compression::gzip:
      return std::make_unique<GzipStream>(std::move(raw), std::move(label), max_output_bytes);
    case Compression::lz4:
      return std::make_unique<Lz4Stream>(std::move(raw), std::move(label), max_output_bytes);
    case Compression::none:
    case Compression::unsupported:
      break;
  }
  return std::make_unique<CappedStream>(std::move(raw), std::move(label), max_output_bytes);
}

}  // namespace shouwei::collectors::patches
