#include "shouwei/collectors/usb/usb_history.hpp"

#include <algorithm>
#include <cstdio>

#include <boost/json/array.hpp>

#include "shouwei/collectors/json_text.hpp"

namespace shouwei::collectors::usb {
namespace {

namespace json = boost::json;

json::value hex4(const std::optional<std::uint16_t>& v) {
  if (!v) return nullptr;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", static_cast<unsigned>(*v));
  return json::value(buf);
}

json::value time_or_null(const std::optional<TimePoint>& t) {
  return t ? json::value(format_rfc3339(*t)) : json::value(nullptr);
}

class UsbHistoryCollector final : public Collector {
 public:
  explicit UsbHistoryCollector(UsbHistorySource& source) : source_(source) {}

  std::string_view section() const override { return "usb_history"; }

  Result<json::object> collect(const CollectContext&) override {
    SHOUWEI_TRY(auto entries, source_.entries());
    std::sort(entries.begin(), entries.end(),
              [](const UsbHistoryEntry& a, const UsbHistoryEntry& b) {
                return a.instance_id < b.instance_id;
              });
    const bool truncated = entries.size() > kMaxHistoryEntries;
    if (truncated) entries.resize(kMaxHistoryEntries);
    json::array devices;
    for (const auto& e : entries) devices.push_back(to_json(e));
    json::object section;
    section["devices"] = std::move(devices);
    section["truncated"] = truncated;
    return section;
  }

 private:
  UsbHistorySource& source_;
};

}  // namespace

std::unique_ptr<Collector> make_usb_history_collector(UsbHistorySource& source) {
  return std::make_unique<UsbHistoryCollector>(source);
}

json::object to_json(const UsbHistoryEntry& e) {
  json::object o;
  o["instance_id"] = to_valid_utf8(e.instance_id);
  o["source"] = e.source;
  o["vendor_id"] = hex4(e.identity.vendor_id);
  o["product_id"] = hex4(e.identity.product_id);
  o["manufacturer"] = text_or_null(e.identity.manufacturer);
  o["product"] = text_or_null(e.identity.product);
  o["serial"] = text_or_null(e.identity.serial);
  o["friendly_name"] = text_or_null(e.friendly_name);
  o["revision"] = text_or_null(e.revision);
  o["service"] = text_or_null(e.service);
  o["first_install"] = time_or_null(e.first_install);
  o["last_arrival"] = time_or_null(e.last_arrival);
  o["last_removal"] = time_or_null(e.last_removal);
  return o;
}

}  // namespace shouwei::collectors::usb
