#include "shouwei/collectors/patches/rpm_header.hpp"

#include <cstring>

namespace shouwei::collectors::patches {
namespace {

constexpr std::uint32_t kTagName = 1000, kTagVersion = 1001, kTagRelease = 1002, kTagEpoch = 1003,
                        kTagInstallTime = 1008, kTagArch = 1022;
constexpr std::uint32_t kTypeInt32 = 4, kTypeString = 6, kTypeI18nString = 9;
constexpr std::uint32_t kMaxEntries = 65536;  // rpm's own limit on header index entries

std::uint32_t be32(std::string_view b, std::size_t at) {
  auto u = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + i]));
  };
  return (u(0) << 24) | (u(1) << 16) | (u(2) << 8) | u(3);
}

struct Entry {
  std::uint32_t type, offset, count;
};

class Header {
 public:
  static Result<Header> parse(std::string_view blob) {
    if (blob.size() > kMaxRpmHeaderBytes) {
      return fail(Errc::limit_exceeded,
                  "rpm header: larger than " + std::to_string(kMaxRpmHeaderBytes) + " bytes");
    }
    if (blob.size() < 8) return fail(Errc::parse, "rpm header: shorter than 8 bytes");
    std::uint32_t il = be32(blob, 0), dl = be32(blob, 4);
    if (il == 0 || il > kMaxEntries) {
      return fail(Errc::parse,
                  "rpm header: index entry count " + std::to_string(il) + " out of range");
    }
    std::uint64_t need = 8 + std::uint64_t{il} * 16 + dl;
    if (need > blob.size()) {
      return fail(Errc::parse, "rpm header: entries and data (" + std::to_string(need) +
                                   " bytes) exceed the blob (" + std::to_string(blob.size()) + ")");
    }
    Header h;
    h.index_ = blob.substr(8, std::size_t{il} * 16);
    h.data_ = blob.substr(8 + std::size_t{il} * 16, dl);
    return h;
  }

  std::optional<Entry> find(std::uint32_t tag) const {
    for (std::size_t at = 0; at + 16 <= index_.size(); at += 16) {
      if (be32(index_, at) == tag) {
        return Entry{be32(index_, at + 4), be32(index_, at + 8), be32(index_, at + 12)};
      }
    }
    return std::nullopt;
  }

  // A STRING (or the first I18NSTRING) tag: NUL-terminated inside the data store.
  Result<std::optional<std::string>> string(std::uint32_t tag, const char* name) const {
    auto e = find(tag);
    if (!e) return std::optional<std::string>();
    if (e->type != kTypeString && e->type != kTypeI18nString) {
      return fail(Errc::parse, std::string("rpm header: tag ") + name + " has type " +
                                   std::to_string(e->type) + ", expected a string");
    }
    if (e->offset >= data_.size()) {
      return fail(Errc::parse, std::string("rpm header: tag ") + name + " points outside the data");
    }
    std::string_view rest = data_.substr(e->offset);
    std::size_t nul = rest.find('\0');
    if (nul == std::string_view::npos) {
      return fail(Errc::parse, std::string("rpm header: tag ") + name + " is not terminated");
    }
    return std::optional<std::string>(std::string(rest.substr(0, nul)));
  }

  Result<std::optional<std::uint32_t>> int32(std::uint32_t tag, const char* name) const {
    auto e = find(tag);
    if (!e) return std::optional<std::uint32_t>();
    if (e->type != kTypeInt32 || e->count < 1 || e->offset % 4 != 0 ||
        std::uint64_t{e->offset} + 4 > data_.size()) {
      return fail(Errc::parse, std::string("rpm header: tag ") + name + " is not a valid INT32");
    }
    return std::optional<std::uint32_t>(be32(data_, e->offset));
  }

 private:
  std::string_view index_, data_;
};

}  // namespace

Result<InstalledPackage> parse_rpm_header(std::string_view blob) {
  SHOUWEI_TRY(Header h, Header::parse(blob));
  SHOUWEI_TRY(auto name, h.string(kTagName, "NAME"));
  SHOUWEI_TRY(auto version, h.string(kTagVersion, "VERSION"));
  SHOUWEI_TRY(auto release, h.string(kTagRelease, "RELEASE"));
  SHOUWEI_TRY(auto arch, h.string(kTagArch, "ARCH"));
  SHOUWEI_TRY(auto epoch, h.int32(kTagEpoch, "EPOCH"));
  SHOUWEI_TRY(auto install_time, h.int32(kTagInstallTime, "INSTALLTIME"));
  if (!name || !version || !release) {
    return fail(Errc::parse, "rpm header: NAME, VERSION or RELEASE tag missing");
  }
  InstalledPackage p;
  p.name = *name;
  p.version = (epoch ? std::to_string(*epoch) + ":" : std::string()) + *version + "-" + *release;
  p.architecture = arch.value_or("");
  if (install_time) p.install_time = from_unix_seconds(static_cast<long long>(*install_time));
  return p;
}

}  // namespace shouwei::collectors::patches
