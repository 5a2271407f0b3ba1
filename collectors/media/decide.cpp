#include "shouwei/collectors/media/decide.hpp"

#include <algorithm>

namespace shouwei::collectors::media {
namespace {

using shouwei::media::MediaIdentity;

MediaDecision make(MediaAction action, MediaReason reason, Severity severity,
                   std::string detail = {}) {
  return MediaDecision{action, reason, severity, std::move(detail)};
}

MediaDecision decide_valid(Zone this_zone, const StickIdentity& device,
                           const shouwei::media::MediaTag& tag, const MediaRules& rules) {
  if (std::string diff = binding_mismatch(tag.identity, device); !diff.empty()) {
    return make(MediaAction::block, MediaReason::tag_cloned, Severity::high,
                "tag " + tag.media_id + ": " + diff);
  }
  const MediaAction own = tag.read_only ? MediaAction::read_only : MediaAction::allow;
  const auto& allowed = rules.allow_list;
  if (std::find(allowed.begin(), allowed.end(), tag.media_id) != allowed.end()) {
    return make(own, MediaReason::allow_listed, Severity::info);
  }
  if (tag.zone == this_zone) {
    return make(own, tag.read_only ? MediaReason::own_zone_read_only : MediaReason::own_zone,
                Severity::info);
  }
  return make(stricter(rules.cross_zone, MediaAction::read_only), MediaReason::cross_zone,
              Severity::high,
              "stick of zone " + std::string(to_string(tag.zone)) + " on a " +
                  std::string(to_string(this_zone)) + " PC");
}

}  // namespace

std::string_view to_string(MediaAction action) noexcept {
  switch (action) {
    case MediaAction::allow:
      return "allow";
    case MediaAction::read_only:
      return "read_only";
    case MediaAction::block:
      return "block";
  }
  return "block";
}

std::string_view to_string(EnforcementMode mode) noexcept {
  return mode == EnforcementMode::audit ? "audit" : "enforce";
}

std::string_view to_string(MediaReason reason) noexcept {
  switch (reason) {
    case MediaReason::own_zone:
      return "own_zone";
    case MediaReason::own_zone_read_only:
      return "own_zone_read_only";
    case MediaReason::cross_zone:
      return "cross_zone";
    case MediaReason::allow_listed:
      return "allow_listed";
    case MediaReason::unregistered:
      return "unregistered";
    case MediaReason::tag_unverified:
      return "tag_unverified";
    case MediaReason::tag_invalid:
      return "tag_invalid";
    case MediaReason::tag_cloned:
      return "tag_cloned";
    case MediaReason::tag_unreadable:
      return "tag_unreadable";
  }
  return "tag_invalid";
}

std::string_view to_string(Severity severity) noexcept {
  switch (severity) {
    case Severity::info:
      return "info";
    case Severity::warning:
      return "warning";
    case Severity::high:
      return "high";
  }
  return "high";
}

MediaAction stricter(MediaAction a, MediaAction b) noexcept {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

StickIdentity identity_of(const usb::UsbDevice& device, const usb::BlockDevice& disk) {
  return StickIdentity{device.identity.vendor_id, device.identity.product_id,
                       device.identity.serial, disk.size_bytes};
}

std::string binding_mismatch(const MediaIdentity& tag, const StickIdentity& device) {
  using shouwei::media::usb_id_hex;
  if (device.vendor_id != tag.vendor_id) {
    return "vendor id differs from the tag's " + usb_id_hex(tag.vendor_id);
  }
  if (device.product_id != tag.product_id) {
    return "product id differs from the tag's " + usb_id_hex(tag.product_id);
  }
  if (device.serial != tag.serial) return "serial differs from the tag's";
  if (device.capacity_bytes != tag.capacity_bytes) {
    return "capacity differs from the tag's " + std::to_string(tag.capacity_bytes) + " bytes";
  }
  return {};
}

MediaDecision decide(Zone this_zone, const StickIdentity& device, const TagReading& tag,
                     const MediaRules& rules) {
  switch (tag.status) {
    case TagStatus::valid:
      if (tag.tag) return decide_valid(this_zone, device, *tag.tag, rules);
      return make(MediaAction::block, MediaReason::tag_invalid, Severity::high,
                  "valid status without a tag");
    case TagStatus::invalid:
      return make(MediaAction::block, MediaReason::tag_invalid, Severity::high, tag.detail);
    case TagStatus::unreadable:
      return make(stricter(rules.unregistered, MediaAction::read_only), MediaReason::tag_unreadable,
                  Severity::warning, tag.detail);
    case TagStatus::unverified:
      return make(stricter(rules.unregistered, MediaAction::read_only), MediaReason::tag_unverified,
                  Severity::warning,
                  "no media key is configured: the tag's signature cannot be checked");
    case TagStatus::absent:
      break;
  }
  return make(rules.unregistered, MediaReason::unregistered,
              rules.unregistered == MediaAction::allow ? Severity::info : Severity::warning,
              tag.detail);
}

}  // namespace shouwei::collectors::media
