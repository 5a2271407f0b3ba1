// decide(): every rule of the design brief, on typed inputs (no I/O).
// GCC 12 at -O2 reports std::optional<std::string> members of a reassigned struct as "maybe
// uninitialized" (GCC bug 105562); the code below is well defined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <doctest/doctest.h>

#include "media_test_support.hpp"
#include "shouwei/collectors/media/decide.hpp"

namespace {

using namespace shouwei;
using namespace shouwei::collectors::media;

const StickIdentity kStick{0x0781, 0x5567, std::string("SN1"), 8000000000ull};

TagReading valid(Zone zone, bool read_only = false, std::string id = "m-1") {
  TagReading r;
  r.status = TagStatus::valid;
  r.tag =
      media_test::make_tag(id, zone, read_only, 0x0781, 0x5567, std::string("SN1"), 8000000000ull);
  return r;
}

TagReading with_status(TagStatus status, std::string detail = "why") {
  TagReading r;
  r.status = status;
  r.detail = std::move(detail);
  return r;
}

}  // namespace

TEST_CASE("own zone: allow, or read-only when the tag says so") {
  const auto d = decide(Zone::intranet, kStick, valid(Zone::intranet), MediaRules{});
  CHECK(d.action == MediaAction::allow);
  CHECK(d.reason == MediaReason::own_zone);
  CHECK(d.severity == Severity::info);
  const auto ro = decide(Zone::intranet, kStick, valid(Zone::intranet, true), MediaRules{});
  CHECK(ro.action == MediaAction::read_only);
  CHECK(ro.reason == MediaReason::own_zone_read_only);
}

TEST_CASE("another zone: blocked as mixed use, high severity; never read-write") {
  const auto d = decide(Zone::intranet, kStick, valid(Zone::internet), MediaRules{});
  CHECK(d.action == MediaAction::block);
  CHECK(d.reason == MediaReason::cross_zone);
  CHECK(d.severity == Severity::high);
  CHECK(d.detail == "stick of zone internet on a intranet PC");
  MediaRules lax;
  lax.cross_zone = MediaAction::allow;
  CHECK(decide(Zone::intranet, kStick, valid(Zone::internet), lax).action ==
        MediaAction::read_only);
}

TEST_CASE("a valid tag on another stick is a clone: every bound field counts") {
  auto check_clone = [](StickIdentity device, std::string_view what) {
    const auto d = decide(Zone::intranet, device, valid(Zone::intranet), MediaRules{});
    CHECK(d.action == MediaAction::block);
    CHECK(d.reason == MediaReason::tag_cloned);
    CHECK(d.severity == Severity::high);
    CHECK(d.detail.find(what) != std::string::npos);
  };
  StickIdentity s = kStick;
  s.serial = "SN2";
  check_clone(s, "serial");
  s = kStick;
  s.serial = std::nullopt;  // no serial is not the tag's serial
  check_clone(s, "serial");
  s = kStick;
  s.capacity_bytes = 16000000000ull;
  check_clone(s, "capacity");
  s = kStick;
  s.capacity_bytes = std::nullopt;  // unknown capacity cannot confirm the binding
  check_clone(s, "capacity");
  s = kStick;
  s.vendor_id = 0x090c;
  check_clone(s, "vendor id");
  s = kStick;
  s.product_id = 0x1000;
  check_clone(s, "product id");
}

TEST_CASE("tampered and unreadable tags fail closed") {
  const auto invalid =
      decide(Zone::intranet, kStick, with_status(TagStatus::invalid, "CRC mismatch"), MediaRules{});
  CHECK(invalid.action == MediaAction::block);
  CHECK(invalid.reason == MediaReason::tag_invalid);
  CHECK(invalid.detail == "CRC mismatch");
  MediaRules allow_unregistered;
  allow_unregistered.unregistered = MediaAction::allow;
  const auto unreadable =
      decide(Zone::intranet, kStick, with_status(TagStatus::unreadable), allow_unregistered);
  CHECK(unreadable.action == MediaAction::read_only);
  CHECK(unreadable.reason == MediaReason::tag_unreadable);
  MediaRules block_unregistered;
  block_unregistered.unregistered = MediaAction::block;
  CHECK(decide(Zone::intranet, kStick, with_status(TagStatus::unreadable), block_unregistered)
            .action == MediaAction::block);
}

TEST_CASE("untagged sticks follow the unregistered rule; the default is read-only") {
  const auto absent = with_status(TagStatus::absent, "");
  CHECK(MediaRules{}.unregistered == MediaAction::read_only);
  CHECK(MediaRules{}.mode == EnforcementMode::enforce);
  for (auto rule : {MediaAction::allow, MediaAction::read_only, MediaAction::block}) {
    MediaRules rules;
    rules.unregistered = rule;
    const auto d = decide(Zone::extranet, kStick, absent, rules);
    CHECK(d.action == rule);
    CHECK(d.reason == MediaReason::unregistered);
    CHECK(d.severity == (rule == MediaAction::allow ? Severity::info : Severity::warning));
  }
}

TEST_CASE("an unverifiable tag (no media key) is never trusted beyond read-only") {
  TagReading r = valid(Zone::intranet);
  r.status = TagStatus::unverified;
  MediaRules rules;
  rules.unregistered = MediaAction::allow;
  const auto d = decide(Zone::intranet, kStick, r, rules);
  CHECK(d.action == MediaAction::read_only);
  CHECK(d.reason == MediaReason::tag_unverified);
}

TEST_CASE("the allow list admits a listed media id in any zone, but never a clone") {
  MediaRules rules;
  rules.allow_list = {"transfer-01"};
  const auto d = decide(Zone::intranet, kStick, valid(Zone::internet, false, "transfer-01"), rules);
  CHECK(d.action == MediaAction::allow);
  CHECK(d.reason == MediaReason::allow_listed);
  CHECK(decide(Zone::intranet, kStick, valid(Zone::internet, true, "transfer-01"), rules).action ==
        MediaAction::read_only);
  StickIdentity other = kStick;
  other.serial = "SN9";
  CHECK(decide(Zone::intranet, other, valid(Zone::internet, false, "transfer-01"), rules).reason ==
        MediaReason::tag_cloned);
  CHECK(decide(Zone::intranet, kStick, valid(Zone::internet, false, "transfer-02"), rules).reason ==
        MediaReason::cross_zone);
}

TEST_CASE("stricter orders block over read-only over allow") {
  CHECK(stricter(MediaAction::allow, MediaAction::read_only) == MediaAction::read_only);
  CHECK(stricter(MediaAction::block, MediaAction::read_only) == MediaAction::block);
  CHECK(stricter(MediaAction::allow, MediaAction::allow) == MediaAction::allow);
}
