// MediaGate: the media rules applied to one USB device. For each of its disks it reads the tag
// (RawDeviceOpener), decides (decide.hpp), then, in enforce mode and when asked to act, makes
// the device read-only or de-authorizes it (DeviceGate), and records the decision
// (MediaEventStore). The agent calls handle() for every mass-storage device present at start
// and for every one that appears (usb "add" uevent of a disk); `media scan` calls it with
// act = false unless --apply.
//
// Fails closed: a tag that cannot be read is decided as tag_unreadable (read-only or block), and
// a read-only that cannot be applied escalates to de-authorization. Only once the action is in
// place are the device's disks released to the desktop's automounter (DeviceGate::release);
// a blocked device is never released (it has no disk left anyway).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "shouwei/collectors/media/decide.hpp"
#include "shouwei/collectors/media/device_gate.hpp"
#include "shouwei/collectors/media/media_event.hpp"
#include "shouwei/collectors/media/media_event_store.hpp"
#include "shouwei/collectors/media/raw_device.hpp"
#include "shouwei/common/clock.hpp"
#include "shouwei/common/keys.hpp"

namespace shouwei::collectors::media {

struct GateSettings {
  Zone zone = Zone::intranet;
  const PublicKey* media_key = nullptr;  // pinned media key; null: tags are only "unverified"
  MediaRules rules;
};

struct DiskVerdict {
  std::string disk;  // "sdb"
  TagReading tag;
  MediaDecision decision;
};

struct GateOutcome {
  std::vector<DiskVerdict> disks;  // one per disk of the device, in the device's order
  std::size_t decisive = 0;        // index in disks of the strictest decision
  MediaEvent event;                // what was (or would be) recorded, `id` set when stored
};

class MediaGate {
 public:
  // REQUIRES: every reference (and settings.media_key) outlives the gate; store may be null
  // (nothing recorded, as in `media scan`).
  MediaGate(RawDeviceOpener& opener, DeviceGate& gate, const Clock& clock, GateSettings settings,
            MediaEventStore* store);

  // nullopt for a device the gate leaves alone: not mass storage, or without a disk (no
  // medium, or already de-authorized: a blocked stick stays blocked). act = false decides and
  // records without acting, as audit mode does. Fails only when the event cannot be stored;
  // the action has been taken by then.
  Result<std::optional<GateOutcome>> handle(const usb::UsbDevice& device, bool act = true,
                                            std::optional<std::string> user = std::nullopt);

  // The rules for the next handle() (a new policy). Devices already decided are not revisited.
  void set_rules(MediaRules rules) { settings_.rules = std::move(rules); }
  const MediaRules& rules() const { return settings_.rules; }

 private:
  void apply(const usb::UsbDevice& device, GateOutcome& outcome);
  void release(const usb::UsbDevice& device, GateOutcome& outcome);

  RawDeviceOpener& opener_;
  DeviceGate& gate_;
  const Clock& clock_;
  GateSettings settings_;
  MediaEventStore* store_;
};

}  // namespace shouwei::collectors::media
