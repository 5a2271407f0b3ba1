// DeviceGate: the port through which the media gate acts on a USB stick. Linux implements it
// in platform/linux/media (sysfs `authorized`, BLKROSET, synthetic uevents); tests use a fake
// that records calls.
#pragma once

#include "shouwei/collectors/media/media_rules.hpp"
#include "shouwei/collectors/usb/usb_device.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::media {

class DeviceGate {
 public:
  virtual ~DeviceGate() = default;

  // Disconnects the device from its drivers so that no block device remains (Linux: "0" into
  // <sysfs_path>/authorized). The kernel keeps it that way until someone writes "1"; the agent
  // never does, so a restart does not re-authorize a blocked stick.
  virtual Result<void> deauthorize(const usb::UsbDevice& device) = 0;

  // Makes the disk and each of its partitions read-only at the block layer, so that no mount
  // (not even a forced read-write one) can write to it. REQUIRES: called before any mount.
  virtual Result<void> set_read_only(const usb::BlockDevice& disk) = 0;

  // Tells the desktop's automounter that the gate has decided on disk, so it may now mount it
  // (Linux: a synthetic "change" uevent on the disk and its partitions carrying
  // SHOUWEIGATE=allow|readonly|audit, which packaging/linux/udev/61-shouwei-media.rules turns
  // into "udisks, stop ignoring this disk"; docs/media-gate.md). Until then udisks ignores
  // every USB disk. action is what was applied (allow or read_only); audit mode releases with
  // EnforcementMode::audit whatever it decided. REQUIRES: action != block, and the action was
  // applied first (a read-only disk must be read-only before anything may mount it).
  virtual Result<void> release(const usb::BlockDevice& disk, MediaAction action,
                               EnforcementMode mode) = 0;
};

}  // namespace shouwei::collectors::media
