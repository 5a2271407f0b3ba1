#include "sysfs_attributes.hpp"

#include <charconv>
#include <system_error>

namespace shouwei::platform::linux_usb {
namespace {

template <typename T>
std::optional<T> parse(const std::optional<std::string>& text, int base) {
  if (!text || text->empty()) return std::nullopt;
  T value{};
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value, base);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::string> SysfsDir::text(std::string_view name) const {
  auto content = root_.read(child(name), kMaxAttributeBytes);
  if (!content.ok()) return std::nullopt;
  std::string s = std::move(content).value();
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

std::optional<std::uint64_t> SysfsDir::decimal(std::string_view name) const {
  return parse<std::uint64_t>(text(name), 10);
}

std::optional<std::uint16_t> SysfsDir::hex16(std::string_view name) const {
  return parse<std::uint16_t>(text(name), 16);
}

std::optional<std::uint8_t> SysfsDir::hex8(std::string_view name) const {
  return parse<std::uint8_t>(text(name), 16);
}

std::optional<double> SysfsDir::real(std::string_view name) const {
  auto t = text(name);
  if (!t || t->empty()) return std::nullopt;
  double value = 0;
  const char* end = t->data() + t->size();
  auto [ptr, ec] = std::from_chars(t->data(), end, value, std::chars_format::fixed);
  if (ec != std::errc() || ptr != end || !(value >= 0)) return std::nullopt;
  return value;
}

std::optional<bool> SysfsDir::flag(std::string_view name) const {
  auto t = text(name);
  if (t == "1") return true;
  if (t == "0") return false;
  return std::nullopt;
}

std::optional<std::string> SysfsDir::link_name(std::string_view name) const {
  std::error_code ec;
  // Resolve the directory, not the link itself: its target's name is what we want.
  auto target = std::filesystem::read_symlink(root_.resolve(dir_) / std::string(name), ec);
  if (ec || target.filename().empty()) return std::nullopt;
  return target.filename().string();
}

std::string system_path_of(const RootFs& root, std::string_view system_path) {
  const auto relative = root.resolve(system_path).lexically_relative(root.root());
  if (relative.empty() || relative == ".") return "/";
  return "/" + relative.generic_string();
}

}  // namespace shouwei::platform::linux_usb
