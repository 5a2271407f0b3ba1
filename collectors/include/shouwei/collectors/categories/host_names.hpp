// Normalisation of host names and URLs, shared by the list importer (what goes into a
// compiled category file) and the lookup (what a browser visit is compared with), so both
// sides always agree. Pure functions, no allocation beyond the returned strings.
//
// Rules (docs/categories-format.md, "Normalisation"):
//  - ASCII letters are lower-cased; one trailing dot is dropped ("example.com." is a FQDN).
//  - A host name is 2..127 labels of [a-z0-9_-], 1..63 bytes each, 253 bytes in all; single
//    labels ("localhost", "com") are refused so that a stray TLD line cannot flag a whole TLD.
//    The last label may not be all digits unless the whole host is an IPv4 address.
//  - IPv4 addresses are dotted quads of decimal octets, written back without leading zeros.
//  - Non-ASCII (an IDN not in xn-- form) is refused: browsers record punycode.
//  - For URL entries only, squidGuard's rule applies: a leading "www", "web" or "ftp" label,
//    optionally followed by digits ("www2."), is removed from the host.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace shouwei::collectors::categories {

inline constexpr std::size_t kMaxHostLength = 253;

enum class HostKind { name, ipv4 };

struct NormalizedHost {
  std::string host;  // lower-case, canonical
  HostKind kind;
};

// A host as written in a list or a URL, normalised; nullopt (with *why set when non-null)
// when it is not a usable host name or IPv4 address.
std::optional<NormalizedHost> normalize_host(std::string_view text,
                                             std::string_view* why = nullptr);

// The same without allocating, for the lookup path: the normalised host is written to out.
struct HostBuffer {
  std::array<char, kMaxHostLength> bytes;
  std::size_t size = 0;
  std::string_view view() const noexcept { return {bytes.data(), size}; }
};
std::optional<HostKind> normalize_host(std::string_view text, HostBuffer& out,
                                       std::string_view* why = nullptr);

// The host without squidGuard's leading "www[0-9]*." / "web[0-9]*." / "ftp[0-9]*." label.
// Leaves the host alone when removing it would leave fewer than two labels.
std::string_view strip_www(std::string_view host);

// A URL split into the parts the categoriser compares. Views into the argument.
struct UrlParts {
  std::string_view host;  // as written: not yet lower-cased, port, user info and brackets removed
  std::string_view
      path;  // from the first '/' or '?' after the host, fragment removed; may be empty
};

// Accepts "host", "host:port", "host/path", "scheme://user@host:port/path?query#fragment" and
// "[v6]:port". Never fails: garbage yields a garbage host that normalize_host() refuses.
UrlParts split_url(std::string_view url);

}  // namespace shouwei::collectors::categories
