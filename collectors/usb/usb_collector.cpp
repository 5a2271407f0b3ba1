#include "shouwei/collectors/usb/usb_collector.hpp"

#include <boost/json/array.hpp>

namespace shouwei::collectors::usb {
namespace {

class UsbCollector final : public StoredRecordsCollector {
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
    reset_included();
    for (const auto& e : events) {
      event_array.push_back(to_json(e));
      note_included(e.id);
    }
    boost::json::object section;
    section["devices"] = std::move(device_array);
    section["events"] = std::move(event_array);
    section["events_dropped"] = dropped;
    return section;
  }


 protected:
  Result<void> acknowledge_through(std::int64_t id) override { return store_.acknowledge_through(id); }

 private:
  UsbBus& bus_;
  UsbEventStore& store_;
};

}  // namespace

std::unique_ptr<Collector> make_usb_collector(UsbBus& bus, UsbEventStore& store) {
  return std::make_unique<UsbCollector>(bus, store);
}

}  // namespace shouwei::collectors::usb
