#include "shouwei/collectors/usb/usb_collector.hpp"

#include <algorithm>
#include <charconv>

#include <boost/json/array.hpp>

namespace shouwei::collectors::usb {
namespace {

class UsbCollector final : public Collector {
 public:
  UsbCollector(UsbBus& bus, UsbEventStore& store) : bus_(bus), store_(store) {}

  std::string_view section() const override { return "usb"; }

  Result<boost::json::object> collect(const CollectContext&) override {
    SHOUWEI_TRY(const auto devices, bus_.devices());
    SHOUWEI_TRY(const auto events, store_.pending(kMaxEventsPerSnapshot));
    SHOUWEI_TRY(const std::int64_t dropped, store_.dropped_count());
    boost::json::array device_array;
    for (const auto& d : devices) device_array.push_back(to_json(d));
    boost::json::array event_array;
    last_included_ = 0;
    for (const auto& e : events) {
      event_array.push_back(to_json(e));
      last_included_ = std::max(last_included_, e.id);
    }
    boost::json::object section;
    section["devices"] = std::move(device_array);
    section["events"] = std::move(event_array);
    section["events_dropped"] = dropped;
    return section;
  }

  // Events stay stored until the server acknowledged the snapshot that carried them.
  std::optional<std::string> ack_marker() const override {
    if (last_included_ == 0) return std::nullopt;
    return std::to_string(last_included_);
  }

  Result<void> acknowledge(std::string_view marker) override {
    std::int64_t through = 0;
    auto [end, ec] = std::from_chars(marker.data(), marker.data() + marker.size(), through);
    if (ec != std::errc() || end != marker.data() + marker.size() || through <= 0) {
      return fail(Errc::parse, "usb acknowledgement marker '" + std::string(marker) + "' is not an event id");
    }
    return store_.acknowledge_through(through);
  }

 private:
  std::int64_t last_included_ = 0;
  UsbBus& bus_;
  UsbEventStore& store_;
};

}  // namespace

std::unique_ptr<Collector> make_usb_collector(UsbBus& bus, UsbEventStore& store) {
  return std::make_unique<UsbCollector>(bus, store);
}

}  // namespace shouwei::collectors::usb
