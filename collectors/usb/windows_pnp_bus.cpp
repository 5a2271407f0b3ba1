#include "shouwei/collectors/usb/windows_pnp_bus.hpp"

namespace shouwei::collectors::usb {
namespace {

class PnpUsbBus final : public UsbBus {
 public:
  explicit PnpUsbBus(std::unique_ptr<PnpRecordSource> source) : source_(std::move(source)) {}

  Result<std::vector<UsbDevice>> devices() override {
    SHOUWEI_TRY(const auto records, source_->present());
    return assemble_usb_devices(records);
  }

  Result<UsbDevice> device_at(std::string_view devpath) override {
    SHOUWEI_TRY(auto list, devices());
    for (auto& d : list) {
      if (devpath_of(d) == devpath) return std::move(d);
    }
    return fail(Errc::not_found, std::string(devpath) + ": no present USB device there");
  }

 private:
  std::unique_ptr<PnpRecordSource> source_;
};

}  // namespace

std::unique_ptr<UsbBus> make_pnp_usb_bus(std::unique_ptr<PnpRecordSource> source) {
  return std::make_unique<PnpUsbBus>(std::move(source));
}

}  // namespace shouwei::collectors::usb
