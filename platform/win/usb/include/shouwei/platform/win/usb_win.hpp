// The Windows usb ports. Present devices come from SetupAPI / CfgMgr32 and the disk IOCTLs
// (assembled by the portable collectors/usb/windows_pnp), the history from the registry's Enum
// keys. Under Wine the SetupAPI lists are empty (tests feed records from fixtures instead) but
// the registry is real (tests seed USBSTOR and USB keys and read them back).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "shouwei/collectors/usb/usb_bus.hpp"
#include "shouwei/collectors/usb/usb_history.hpp"
#include "shouwei/collectors/usb/windows_pnp_bus.hpp"

namespace shouwei::platform::win_usb {

// Every present device node of the USB, USBSTOR and SCSI enumerators (SetupDiGetClassDevsW
// DIGCF_ALLCLASSES | DIGCF_PRESENT) with its properties, plus for each disk interface
// (GUID_DEVINTERFACE_DISK) its disk number, size, removable and read-only flags, partitions
// and the volumes on them. A node or disk that cannot be asked keeps null fields.
std::unique_ptr<collectors::usb::PnpRecordSource> make_setupapi_record_source();

// make_pnp_usb_bus over make_setupapi_record_source(): the UsbBus of PlatformPorts.
std::unique_ptr<collectors::usb::UsbBus> make_windows_usb_bus();

// A volume that lies on one partition of one disk (a single extent), as
// IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS reports it. Volumes spanning disks are left out.
struct VolumeOnDisk {
  std::wstring device_path;  // "\\?\Volume{guid}", without the trailing backslash
  std::uint32_t disk_number = 0;
  std::uint64_t start_bytes = 0;  // offset of the extent (the partition) on the disk
};

// Every single-extent volume of the system (FindFirstVolumeW / FindNextVolumeW). A volume that
// cannot be opened or asked is skipped: the list is what could be established.
std::vector<VolumeOnDisk> single_extent_volumes();

inline constexpr std::string_view kEnumKey = "SYSTEM\\CurrentControlSet\\Enum";

// HKLM\<enum_key>\USBSTOR\<hardware>\<instance> and HKLM\<enum_key>\USB\<hardware>\<instance>
// with FriendlyName, DeviceDesc, Mfg, Service, and the first install / last arrival / last
// removal FILETIMEs of the Properties\{83da6326-...} subkey (readable by SYSTEM only on real
// Windows: the agent runs as SYSTEM). Fails only when neither Enum\USB nor Enum\USBSTOR opens.
std::unique_ptr<collectors::usb::UsbHistorySource> make_registry_usb_history(
    std::string enum_key = std::string(kEnumKey));

}  // namespace shouwei::platform::win_usb
