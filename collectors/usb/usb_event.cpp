#include "shouwei/collectors/usb/usb_event.hpp"

#include <array>
#include <utility>

namespace shouwei::collectors::usb {
namespace {

// One table per enum, so the text form used in SQLite and in JSON cannot drift apart.
constexpr std::array<std::pair<UsbAction, std::string_view>, 3> kActions{{
    {UsbAction::add, "add"},
    {UsbAction::remove, "remove"},
    {UsbAction::change, "change"},
}};
constexpr std::array<std::pair<UsbEventKind, std::string_view>, 3> kKinds{{
    {UsbEventKind::usb_device, "usb_device"},
    {UsbEventKind::disk, "disk"},
    {UsbEventKind::partition, "partition"},
}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum e) {
  for (const auto& [value, name] : table) {
    if (value == e) return name;
  }
  return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& table,
                             std::string_view text) {
  for (const auto& [value, name] : table) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(UsbAction action) {
  return name_of(kActions, action);
}
std::string_view to_string(UsbEventKind kind) {
  return name_of(kKinds, kind);
}
std::optional<UsbAction> parse_usb_action(std::string_view text) {
  return value_of(kActions, text);
}
std::optional<UsbEventKind> parse_usb_event_kind(std::string_view text) {
  return value_of(kKinds, text);
}

}  // namespace shouwei::collectors::usb
