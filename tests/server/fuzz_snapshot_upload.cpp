// libFuzzer target: what the server does with an upload body before it touches the database:
// bounded gzip decoding (when the first byte is 0x1f, as in real gzip), the DSSE envelope
// parser, and the snapshot payload validator, on the envelope's payload and on the raw bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "shouwei/common/dsse.hpp"
#include "shouwei/server/gzip.hpp"
#include "shouwei/server/request_parsers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kMax = 1u << 20;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string inflated;
  if (!input.empty() && static_cast<unsigned char>(input[0]) == 0x1f) {
    auto body = shouwei::server::gunzip_bounded(input, kMax);
    if (!body) return 0;
    inflated = std::move(*body);
    input = inflated;
  }
  auto envelope = shouwei::dsse::parse(input, kMax);
  if (envelope) (void)shouwei::server::parse_snapshot_payload(envelope->payload);
  (void)shouwei::server::parse_snapshot_payload(input);
  return 0;
}
