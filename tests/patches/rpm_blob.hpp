// Builds RPM header blobs in the rpmdb.sqlite layout (big-endian entry count and data length,
// 16-byte index entries, data store; the first entry is the HEADERIMMUTABLE region tag as rpm
// writes it), for tests and fuzz seeds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shouwei::test {

class RpmBlobBuilder {
 public:
  RpmBlobBuilder& string(std::uint32_t tag, const std::string& value) {
    entries_.push_back({tag, 6, static_cast<std::uint32_t>(data_.size()), 1});
    data_ += value;
    data_.push_back('\0');
    return *this;
  }
  RpmBlobBuilder& int32(std::uint32_t tag, std::uint32_t value) {
    while (data_.size() % 4 != 0) data_.push_back('\0');
    entries_.push_back({tag, 4, static_cast<std::uint32_t>(data_.size()), 1});
    append_be32(data_, value);
    return *this;
  }
  std::string build() const {
    // Region trailer: a copy of the region entry with a negative offset, 16 bytes at the end.
    std::string data = data_;
    std::uint32_t trailer_at = static_cast<std::uint32_t>(data.size());
    std::uint32_t il = static_cast<std::uint32_t>(entries_.size() + 1);
    append_be32(data, 63);
    append_be32(data, 7);
    append_be32(data, static_cast<std::uint32_t>(-static_cast<std::int32_t>(il * 16)));
    append_be32(data, 16);
    std::string out;
    append_be32(out, il);
    append_be32(out, static_cast<std::uint32_t>(data.size()));
    for (std::uint32_t v : {63u, 7u, trailer_at, 16u}) append_be32(out, v);
    for (const auto& e : entries_) {
      for (std::uint32_t v : {e.tag, e.type, e.offset, e.count}) append_be32(out, v);
    }
    return out + data;
  }

 private:
  struct Entry {
    std::uint32_t tag, type, offset, count;
  };
  static void append_be32(std::string& s, std::uint32_t v) {
    for (int shift : {24, 16, 8, 0}) s.push_back(static_cast<char>((v >> shift) & 0xff));
  }
  std::vector<Entry> entries_;
  std::string data_;
};

inline std::string rpm_package_blob(const std::string& name, const std::string& version,
                                    const std::string& release, const std::string& arch,
                                    std::uint32_t install_time) {
  return RpmBlobBuilder()
      .string(1000, name)
      .string(1001, version)
      .string(1002, release)
      .int32(1008, install_time)
      .string(1022, arch)
      .build();
}

}  // namespace shouwei::test
