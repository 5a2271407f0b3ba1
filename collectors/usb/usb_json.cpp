// The JSON form of the usb section's objects; the field list is documented in usb_collector.hpp.
#include <cstdio>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "shouwei/collectors/json_text.hpp"
#include "shouwei/collectors/usb/usb_collector.hpp"
#include "shouwei/common/utf8.hpp"

namespace shouwei::collectors::usb {
namespace {

namespace json = boost::json;

// Ids and classes as lsusb and USBGuard print them ("0781", "08"), fixed width lowercase hex.
template <typename T>
json::value hex(const std::optional<T>& v, int width) {
  if (!v) return nullptr;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%0*x", width, static_cast<unsigned>(*v));
  return json::value(buf);
}

template <typename T>
json::value number(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

void put_identity(json::object& o, const UsbIdentity& id) {
  o["vendor_id"] = hex(id.vendor_id, 4);
  o["product_id"] = hex(id.product_id, 4);
  o["manufacturer"] = text_or_null(id.manufacturer);
  o["product"] = text_or_null(id.product);
  o["serial"] = text_or_null(id.serial);
}

void put_file_system(json::object& o, const FileSystemInfo& fs) {
  o["fs_type"] = text_or_null(fs.type);
  o["label"] = text_or_null(fs.label);
  o["uuid"] = text_or_null(fs.uuid);
}

json::object to_json(const UsbInterface& i) {
  json::object o;
  o["name"] = to_valid_utf8(i.name);
  o["class"] = hex(i.interface_class, 2);
  o["subclass"] = hex(i.interface_subclass, 2);
  o["protocol"] = hex(i.interface_protocol, 2);
  o["description"] = text_or_null(i.description);
  o["driver"] = text_or_null(i.driver);
  return o;
}

json::object to_json(const Partition& p) {
  json::object o;
  o["name"] = to_valid_utf8(p.name);
  o["start_bytes"] = number(p.start_bytes);
  o["size_bytes"] = number(p.size_bytes);
  put_file_system(o, p.file_system);
  return o;
}

json::object to_json(const BlockDevice& b) {
  json::object o;
  o["name"] = to_valid_utf8(b.name);
  o["size_bytes"] = number(b.size_bytes);
  o["removable"] = number(b.removable);
  o["read_only"] = number(b.read_only);
  put_file_system(o, b.file_system);
  json::array partitions;
  for (const auto& p : b.partitions) partitions.push_back(to_json(p));
  o["partitions"] = std::move(partitions);
  return o;
}

}  // namespace

json::object to_json(const UsbDevice& d) {
  json::object o;
  o["bus_path"] = to_valid_utf8(d.bus_path);
  o["sysfs_path"] = to_valid_utf8(d.sysfs_path);
  put_identity(o, d.identity);
  o["device_class"] = hex(d.device_class, 2);
  o["device_subclass"] = hex(d.device_subclass, 2);
  o["device_protocol"] = hex(d.device_protocol, 2);
  o["speed_mbps"] = number(d.speed_mbps);
  o["authorized"] = number(d.authorized);
  o["busnum"] = number(d.busnum);
  o["devnum"] = number(d.devnum);
  o["mass_storage"] = d.is_mass_storage();
  json::array interfaces;
  for (const auto& i : d.interfaces) interfaces.push_back(to_json(i));
  o["interfaces"] = std::move(interfaces);
  json::array blocks;
  for (const auto& b : d.block_devices) blocks.push_back(to_json(b));
  o["block_devices"] = std::move(blocks);
  return o;
}

json::object to_json(const UsbEvent& e) {
  json::object o;
  o["id"] = e.id;
  o["time"] = format_rfc3339(e.time);
  o["action"] = to_string(e.action);
  o["kind"] = to_string(e.kind);
  o["devpath"] = to_valid_utf8(e.devpath);
  o["bus_path"] =
      e.bus_path.empty() ? json::value(nullptr) : json::value(to_valid_utf8(e.bus_path));
  put_identity(o, e.identity);
  o["block_name"] = text_or_null(e.block_name);
  o["seqnum"] = number(e.seqnum);
  return o;
}

}  // namespace shouwei::collectors::usb
