// UsbBus over sysfs and libblkid; the contract is in usb_bus_linux.hpp.
#include <algorithm>
#include <system_error>

#include "blkid_probe.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/platform/linux/usb_bus_linux.hpp"
#include "sysfs_attributes.hpp"

namespace shouwei::platform::linux_usb {
namespace {

namespace fs = std::filesystem;
using collectors::usb::BlockDevice;
using collectors::usb::Partition;
using collectors::usb::UsbDevice;
using collectors::usb::UsbInterface;

constexpr std::string_view kUsbDevices = "/sys/bus/usb/devices";
constexpr std::uint64_t kSectorBytes = 512;  // sysfs counts size and start in 512-byte units

std::optional<std::uint64_t> sectors_to_bytes(std::optional<std::uint64_t> sectors) {
  if (!sectors || *sectors > UINT64_MAX / kSectorBytes) return std::nullopt;
  return *sectors * kSectorBytes;
}

std::string base_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// Kernel naming: devices are "usbN" or "B-P[.P...]"; interfaces have a ':' ("1-1:1.0").
// Only devices have idVendor; the check keeps hub ports and other children out.
bool is_usb_device_dir(const RootFs& root, std::string_view system_path) {
  const std::string name = base_name(system_path);
  if (name.empty() || name.find(':') != std::string::npos) return false;
  return root.exists(std::string(system_path) + "/idVendor");
}

UsbInterface read_interface(const RootFs& root, const std::string& system_path) {
  const SysfsDir dir(root, system_path);
  UsbInterface i;
  i.name = base_name(system_path);
  i.interface_class = dir.hex8("bInterfaceClass");
  i.interface_subclass = dir.hex8("bInterfaceSubClass");
  i.interface_protocol = dir.hex8("bInterfaceProtocol");
  i.description = dir.text("interface");
  i.driver = dir.link_name("driver");
  return i;
}

UsbDevice read_device(const RootFs& root, const std::string& system_path) {
  const SysfsDir dir(root, system_path);
  UsbDevice d;
  d.bus_path = base_name(system_path);
  d.sysfs_path = system_path;
  d.identity.vendor_id = dir.hex16("idVendor");
  d.identity.product_id = dir.hex16("idProduct");
  d.identity.manufacturer = dir.text("manufacturer");
  d.identity.product = dir.text("product");
  d.identity.serial = dir.text("serial");
  d.device_class = dir.hex8("bDeviceClass");
  d.device_subclass = dir.hex8("bDeviceSubClass");
  d.device_protocol = dir.hex8("bDeviceProtocol");
  d.speed_mbps = dir.real("speed");
  d.authorized = dir.flag("authorized");
  if (auto n = dir.decimal("busnum"); n && *n <= UINT32_MAX)
    d.busnum = static_cast<std::uint32_t>(*n);
  if (auto n = dir.decimal("devnum"); n && *n <= UINT32_MAX)
    d.devnum = static_cast<std::uint32_t>(*n);
  // A root hub "usb1" names its interfaces "1-0:1.0"; other devices "<bus path>:<c>.<i>".
  const std::string prefix =
      d.bus_path.starts_with("usb") ? d.bus_path.substr(3) + "-0:" : d.bus_path + ":";
  for (const auto& name : root.list(system_path)) {
    if (name.starts_with(prefix))
      d.interfaces.push_back(read_interface(root, system_path + "/" + name));
  }
  return d;
}

// The file system on disk `disk_name` or on its partition, read from <root>/dev.
collectors::usb::FileSystemInfo probe(const RootFs& root, const std::string& node,
                                      const std::string& disk_name,
                                      std::optional<std::uint64_t> start,
                                      std::optional<std::uint64_t> size) {
  if (root.exists("/dev/" + node)) return probe_file_system(root.resolve("/dev/" + node));
  // No node of its own (a fixture holding one disk image): look inside the disk's node.
  if (node != disk_name && start && size && root.exists("/dev/" + disk_name)) {
    return probe_file_system(root.resolve("/dev/" + disk_name), *start, *size);
  }
  return {};
}

BlockDevice read_block_device(const RootFs& root, const std::string& name) {
  const std::string system_path = system_path_of(root, "/sys/block/" + name);
  const SysfsDir dir(root, system_path);
  BlockDevice b;
  b.name = name;
  b.sysfs_path = system_path;
  b.size_bytes = sectors_to_bytes(dir.decimal("size"));
  b.removable = dir.flag("removable");
  b.read_only = dir.flag("ro");
  for (const auto& child : root.list(system_path)) {
    const SysfsDir part_dir(root, system_path + "/" + child);
    if (!part_dir.has("partition")) continue;
    Partition p;
    p.name = child;
    p.start_bytes = sectors_to_bytes(part_dir.decimal("start"));
    p.size_bytes = sectors_to_bytes(part_dir.decimal("size"));
    p.file_system = probe(root, child, name, p.start_bytes, p.size_bytes);
    b.partitions.push_back(std::move(p));
  }
  // A partitioned disk's first sector is its partition table, not a file system; only a
  // "superfloppy" (no table) carries one on the whole disk.
  if (b.partitions.empty()) b.file_system = probe(root, name, name, std::nullopt, std::nullopt);
  return b;
}

// Gives each mass-storage device the disks whose `device` link resolves below its directory.
void attach_block_devices(const RootFs& root, std::vector<UsbDevice>& devices) {
  for (const auto& name : root.list("/sys/block")) {
    const std::string link = "/sys/block/" + name + "/device";
    if (!root.exists(link)) continue;  // virtual disks (loop, zram) have no device
    const std::string parent = system_path_of(root, link) + "/";
    for (auto& d : devices) {
      if (d.is_mass_storage() && parent.starts_with(d.sysfs_path + "/")) {
        d.block_devices.push_back(read_block_device(root, name));
        break;
      }
    }
  }
}

class SysfsUsbBus final : public collectors::usb::UsbBus {
 public:
  explicit SysfsUsbBus(const RootFs& root) : root_(root) {}

  Result<std::vector<UsbDevice>> devices() override {
    const fs::path host_dir = root_.resolve(kUsbDevices);
    std::error_code ec;
    if (!fs::exists(host_dir, ec)) {
      // sysfs without a USB core (no controller, a container) has no devices; no sysfs at all
      // means the root is not a live system and we cannot say anything.
      if (root_.exists("/sys/bus")) return std::vector<UsbDevice>{};
      return fail(Errc::not_found, host_dir.string() + ": no sysfs under the root");
    }
    std::vector<UsbDevice> devices;
    fs::directory_iterator it(host_dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const std::string entry = std::string(kUsbDevices) + "/" + it->path().filename().string();
      if (!is_usb_device_dir(root_, entry)) continue;
      devices.push_back(read_device(root_, system_path_of(root_, entry)));
    }
    if (ec) {
      return fail(errno_code_of(ec), host_dir.string() + ": cannot list: " + ec.message());
    }
    std::sort(devices.begin(), devices.end(),
              [](const UsbDevice& a, const UsbDevice& b) { return a.bus_path < b.bus_path; });
    attach_block_devices(root_, devices);
    return devices;
  }

  Result<UsbDevice> device_at(std::string_view devpath) override {
    if (!devpath.starts_with("/")) {
      return fail(Errc::invalid_argument,
                  "usb devpath \"" + std::string(devpath) + "\" is not absolute");
    }
    const std::string system_path = system_path_of(root_, "/sys" + std::string(devpath));
    if (!is_usb_device_dir(root_, system_path)) {
      return fail(Errc::not_found, system_path + ": not a USB device");
    }
    std::vector<UsbDevice> one{read_device(root_, system_path)};
    attach_block_devices(root_, one);
    return std::move(one.front());
  }

 private:
  static Errc errno_code_of(const std::error_code& ec) {
    return ec == std::errc::permission_denied ? Errc::permission_denied : Errc::io;
  }
  const RootFs& root_;
};

}  // namespace

std::unique_ptr<collectors::usb::UsbBus> make_linux_usb_bus(const RootFs& root) {
  return std::make_unique<SysfsUsbBus>(root);
}

}  // namespace shouwei::platform::linux_usb
