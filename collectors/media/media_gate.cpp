#include "shouwei/collectors/media/media_gate.hpp"

namespace shouwei::collectors::media {
namespace {

TagReading read_disk_tag(RawDeviceOpener& opener, const std::string& disk, const PublicKey* key) {
  auto device = opener.open(disk);
  if (!device) {
    TagReading r;
    r.status = TagStatus::unreadable;
    r.detail = device.error().message;
    return r;
  }
  return read_tag(**device, key);
}

MediaEvent event_for(const usb::UsbDevice& device, const DiskVerdict& verdict,
                     const usb::BlockDevice& disk) {
  MediaEvent e;
  e.bus_path = device.bus_path;
  e.sysfs_path = device.sysfs_path;
  e.disk = verdict.disk;
  e.identity = identity_of(device, disk);
  e.product = device.identity.product;
  e.tag_status = verdict.tag.status;
  if (verdict.tag.tag) {
    e.tag_zone = verdict.tag.tag->zone;
    e.tag_media_id = verdict.tag.tag->media_id;
  }
  e.decision = verdict.decision;
  return e;
}

}  // namespace

MediaGate::MediaGate(RawDeviceOpener& opener, DeviceGate& gate, const Clock& clock,
                     GateSettings settings, MediaEventStore* store)
    : opener_(opener), gate_(gate), clock_(clock), settings_(std::move(settings)), store_(store) {}

Result<std::optional<GateOutcome>> MediaGate::handle(const usb::UsbDevice& device, bool act,
                                                     std::optional<std::string> user) {
  if (!device.is_mass_storage() || device.block_devices.empty()) {
    return std::optional<GateOutcome>{};
  }
  GateOutcome outcome;
  for (const auto& disk : device.block_devices) {
    DiskVerdict v{disk.name, read_disk_tag(opener_, disk.name, settings_.media_key), {}};
    v.decision = decide(settings_.zone, identity_of(device, disk), v.tag, settings_.rules);
    const auto& current = outcome.disks.empty() ? v : outcome.disks[outcome.decisive];
    if (outcome.disks.empty() ||
        stricter(v.decision.action, current.decision.action) != current.decision.action) {
      outcome.decisive = outcome.disks.size();
    }
    outcome.disks.push_back(std::move(v));
  }
  outcome.event =
      event_for(device, outcome.disks[outcome.decisive], device.block_devices[outcome.decisive]);
  outcome.event.time = clock_.now();
  outcome.event.mode = settings_.rules.mode;
  outcome.event.user = std::move(user);
  if (act && settings_.rules.mode == EnforcementMode::enforce) apply(device, outcome);
  if (act) release(device, outcome);
  if (store_ != nullptr) {
    SHOUWEI_TRY(outcome.event.id, store_->record(outcome.event));
  }
  return std::optional<GateOutcome>(std::move(outcome));
}

// Block wins over everything; read-only is applied disk by disk, and a disk that cannot be
// made read-only gets the whole device de-authorized instead (fail closed).
void MediaGate::apply(const usb::UsbDevice& device, GateOutcome& outcome) {
  MediaEvent& e = outcome.event;
  bool block = e.decision.action == MediaAction::block;
  if (!block) {
    for (std::size_t i = 0; i < outcome.disks.size(); ++i) {
      if (outcome.disks[i].decision.action != MediaAction::read_only) continue;
      if (auto r = gate_.set_read_only(device.block_devices[i]); !r) {
        e.apply_error = "read-only failed, blocking instead: " + r.error().message;
        e.decision.action = MediaAction::block;
        block = true;
        break;
      }
    }
  }
  if (block) {
    if (auto r = gate_.deauthorize(device); !r) {
      e.apply_error = e.apply_error ? *e.apply_error + "; " + r.error().message : r.error().message;
      e.applied = false;
      return;
    }
  }
  e.applied = true;
}

// A disk the automounter is not told about stays unmounted: a failure here is reported but does
// not undo the decision (fail closed).
void MediaGate::release(const usb::UsbDevice& device, GateOutcome& outcome) {
  MediaEvent& e = outcome.event;
  const EnforcementMode mode = settings_.rules.mode;
  if (mode == EnforcementMode::enforce && (!e.applied || e.decision.action == MediaAction::block)) {
    return;
  }
  for (std::size_t i = 0; i < outcome.disks.size(); ++i) {
    const MediaAction action = outcome.disks[i].decision.action;
    if (mode == EnforcementMode::enforce && action == MediaAction::block) continue;
    if (auto r = gate_.release(device.block_devices[i], action, mode); !r) {
      const std::string message =
          "automounter not told, the disk stays unmounted: " + r.error().message;
      e.apply_error = e.apply_error ? *e.apply_error + "; " + message : message;
    }
  }
}

}  // namespace shouwei::collectors::media
