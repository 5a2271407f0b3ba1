// The "usb_history" snapshot section: every USB device and USB disk the operating system
// remembers having seen, present or not, with the times it keeps. Windows keeps them under
// HKLM\SYSTEM\CurrentControlSet\Enum\USB and \USBSTOR (platform/win/usb); Linux keeps no such
// record, so the section exists only where a UsbHistorySource does.
//
//   usb_history.devices[]   sorted by instance_id:
//     instance_id            "USBSTOR\Disk&Ven_SanDisk&Prod_Cruzer_Blade&Rev_1.00\4C53...&0"
//     source                 "USBSTOR" | "USB" (the Enum key it came from)
//     vendor_id, product_id  "0781" | null (USB entries only)
//     manufacturer, product  USBSTOR: Ven_/Prod_ of the id ('_' read as ' '); USB: Mfg | null
//     serial                 as the id carries it; null when Windows generated the instance
//     friendly_name, revision, service    string | null
//     first_install, last_arrival, last_removal   RFC 3339 UTC | null (absent or not a date)
//   usb_history.truncated   true when more than kMaxHistoryEntries were found (rest left out)
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include <boost/json/object.hpp>

#include "shouwei/collectors/collector.hpp"
#include "shouwei/collectors/usb/windows_pnp.hpp"

namespace shouwei::collectors::usb {

inline constexpr std::size_t kMaxHistoryEntries = 5000;

class UsbHistorySource {
 public:
  virtual ~UsbHistorySource() = default;
  // Every remembered device, in any order. Fails only when the history store itself cannot be
  // opened (an unreadable entry is skipped or has null fields).
  virtual Result<std::vector<UsbHistoryEntry>> entries() = 0;
};

// REQUIRES: source outlives the collector.
std::unique_ptr<Collector> make_usb_history_collector(UsbHistorySource& source);

boost::json::object to_json(const UsbHistoryEntry& entry);

}  // namespace shouwei::collectors::usb
