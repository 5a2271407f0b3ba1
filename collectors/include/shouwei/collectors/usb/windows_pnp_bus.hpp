// A UsbBus over Windows device nodes: the platform (platform/win/usb, SetupAPI + CfgMgr32 +
// disk IOCTLs) supplies PnpDeviceRecords, assemble_usb_devices (windows_pnp.hpp) turns them into
// UsbDevices. Tests supply the records from fixtures, since Wine's SetupAPI lists no USB devices.
#pragma once

#include <memory>
#include <vector>

#include "shouwei/collectors/usb/usb_bus.hpp"
#include "shouwei/collectors/usb/windows_pnp.hpp"

namespace shouwei::collectors::usb {

class PnpRecordSource {
 public:
  virtual ~PnpRecordSource() = default;
  // Every present device node the USB devices and their disks are made of. Fails only when
  // the device list itself cannot be had.
  virtual Result<std::vector<PnpDeviceRecord>> present() = 0;
};

// devices(): the assembled list. device_at(devpath): the device whose devpath_of is devpath
// ("/USB\VID_...\serial"), Errc::not_found otherwise.
std::unique_ptr<UsbBus> make_pnp_usb_bus(std::unique_ptr<PnpRecordSource> source);

}  // namespace shouwei::collectors::usb
