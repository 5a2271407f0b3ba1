// libFuzzer target: untrusted stick bytes through everything the agent parses before any mount.
// The input is a disk head; the tag location is computed from it and the frame decoded (from the
// head, or from the input's own start when the location lies beyond it), then its payload.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "shouwei/collectors/media/tag_location.hpp"
#include "shouwei/common/media_tag.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  using namespace shouwei;
  auto location = collectors::media::locate_tag(bytes, 1ull << 34);
  std::string_view frame = bytes;
  if (location && location->offset < bytes.size()) frame = bytes.substr(location->offset);
  auto reading = media::decode_frame(frame);
  if (reading.status == media::FrameReading::Status::present) {
    (void)media::parse_tag_payload(reading.envelope.payload);
  }
  (void)media::parse_tag_payload(bytes);
  return 0;
}
