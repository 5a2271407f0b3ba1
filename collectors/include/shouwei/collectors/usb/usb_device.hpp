// The typed facts about one USB device, as a UsbBus port reports them. Plain data: the
// collector renders it into the snapshot, and the media gate ([media-gate]) decides on it.
//
// Every attribute the device or the kernel did not report is std::nullopt (rendered as JSON
// null), never a guess. Strings are exactly what sysfs holds minus its trailing newline.
//
// Serial numbers are NOT identities: many devices have none (no `serial` attribute: nullopt),
// some report an empty one ("" is kept as ""), and whole production batches share one serial.
// They are kept exactly as reported so that duplicates stay visible; nothing here dedupes or
// invents a serial.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shouwei::collectors::usb {

// USB interface class of mass storage (bInterfaceClass 0x08).
inline constexpr std::uint8_t kMassStorageClass = 0x08;

// What a device says about itself; also what an event carries, since on "remove" the sysfs
// directory is already gone and only a remembered identity is left.
struct UsbIdentity {
  std::optional<std::uint16_t> vendor_id;   // idVendor
  std::optional<std::uint16_t> product_id;  // idProduct
  std::optional<std::string> manufacturer;  // iManufacturer string
  std::optional<std::string> product;       // iProduct string
  std::optional<std::string> serial;        // iSerialNumber string; see the file comment
};

struct UsbInterface {
  std::string name;  // sysfs name, "<bus path>:<configuration>.<interface>", e.g. "1-1.2:1.0"
  std::optional<std::uint8_t> interface_class;     // bInterfaceClass
  std::optional<std::uint8_t> interface_subclass;  // bInterfaceSubClass
  std::optional<std::uint8_t> interface_protocol;  // bInterfaceProtocol
  std::optional<std::string> description;          // iInterface string ("MTP" on phones)
  std::optional<std::string> driver;               // bound kernel driver ("usb-storage")
};

// One file system found on a block device or partition (libblkid on Linux).
struct FileSystemInfo {
  std::optional<std::string> type;   // "vfat", "exfat", "ntfs", "iso9660"...
  std::optional<std::string> label;  // volume label
  std::optional<std::string> uuid;   // volume serial / UUID as blkid prints it
};

struct Partition {
  std::string name;                          // "sdb1"
  std::optional<std::uint64_t> start_bytes;  // offset on the disk
  std::optional<std::uint64_t> size_bytes;
  FileSystemInfo file_system;  // all null when the partition cannot be read
};

// A disk (Linux: /sys/block/<name>) that belongs to a USB mass-storage device.
struct BlockDevice {
  std::string name;        // kernel name, "sdb"; the raw device is /dev/<name>
  std::string sysfs_path;  // in-system path of the disk, "/sys/devices/.../block/sdb"
  std::optional<std::uint64_t> size_bytes;
  std::optional<bool> removable;  // the "removable media" bit the device reports
  std::optional<bool> read_only;  // the kernel's read-only flag for the whole disk
  // A file system on the whole disk ("superfloppy" sticks with no partition table).
  FileSystemInfo file_system;
  std::vector<Partition> partitions;  // in kernel order (sdb1, sdb2, ...)
};

struct UsbDevice {
  // Kernel name of the port chain, "1-1.2" (bus 1, root port 1, hub port 2); "usb1" for a
  // root hub. Stable for a physical port, not for a device.
  std::string bus_path;
  // In-system sysfs directory of the device, "/sys/devices/pci0000:00/.../usb1/1-1/1-1.2". Its
  // suffix after "/sys" is the DEVPATH uevents carry; `<sysfs_path>/authorized` is the file a
  // gate writes "0" to in order to disconnect the device from its drivers.
  std::string sysfs_path;
  UsbIdentity identity;
  std::optional<std::uint8_t> device_class;  // bDeviceClass (0: see the interfaces)
  std::optional<std::uint8_t> device_subclass;
  std::optional<std::uint8_t> device_protocol;
  std::optional<double> speed_mbps;  // 1.5, 12, 480, 5000, 10000, 20000
  std::optional<bool> authorized;    // false: the kernel keeps the device's drivers off
  std::optional<std::uint32_t> busnum;
  std::optional<std::uint32_t> devnum;
  std::vector<UsbInterface> interfaces;    // of the active configuration, sorted by name
  std::vector<BlockDevice> block_devices;  // only for mass storage; empty when no medium

  // True when any interface is of class 08 (mass storage), whatever the device class says.
  bool is_mass_storage() const;
};

// The kernel's devpath of a device ("/devices/..."), i.e. sysfs_path without the "/sys" prefix;
// the key by which uevents name it. Empty when sysfs_path is not under /sys. On Windows,
// where sysfs_path holds the PnP device instance id, "/" + that id (windows_pnp.hpp).
std::string devpath_of(const UsbDevice& device);

}  // namespace shouwei::collectors::usb
