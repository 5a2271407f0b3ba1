#include "shouwei/collectors/json_text.hpp"
#include "shouwei/collectors/media/media_event_store.hpp"
#include "shouwei/common/media_tag.hpp"
#include "shouwei/common/utf8.hpp"

namespace shouwei::collectors::media {
namespace {

namespace bj = boost::json;

bj::value id_or_null(const std::optional<std::uint16_t>& id) {
  if (!id) return nullptr;
  return bj::value(shouwei::media::usb_id_hex(*id));
}

}  // namespace

bj::object to_json(const MediaEvent& e) {
  bj::object o;
  o["time"] = format_rfc3339(e.time);
  o["bus_path"] = to_valid_utf8(e.bus_path);
  o["sysfs_path"] = to_valid_utf8(e.sysfs_path);
  o["disk"] = text_or_null(e.disk);
  o["vendor_id"] = id_or_null(e.identity.vendor_id);
  o["product_id"] = id_or_null(e.identity.product_id);
  o["serial"] = text_or_null(e.identity.serial);
  if (e.identity.capacity_bytes) {
    o["capacity_bytes"] = *e.identity.capacity_bytes;
  } else {
    o["capacity_bytes"] = nullptr;
  }
  o["product"] = text_or_null(e.product);
  o["tag_found"] = e.tag_status != TagStatus::absent;
  o["tag_status"] = to_string(e.tag_status);
  if (e.tag_zone) {
    o["tag_zone"] = to_string(*e.tag_zone);
  } else {
    o["tag_zone"] = nullptr;
  }
  o["tag_media_id"] = text_or_null(e.tag_media_id);
  o["decision"] = to_string(e.decision.action);
  o["reason"] = to_string(e.decision.reason);
  o["severity"] = to_string(e.decision.severity);
  o["detail"] = to_valid_utf8(e.decision.detail);
  o["mode"] = to_string(e.mode);
  o["applied"] = e.applied;
  o["apply_error"] = text_or_null(e.apply_error);
  o["user"] = text_or_null(e.user);
  return o;
}

}  // namespace shouwei::collectors::media
