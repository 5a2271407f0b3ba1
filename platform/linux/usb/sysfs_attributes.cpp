#include "sysfs_attributes.hpp"

#include <charconv>
#include <system_error>

#include "shouwei/common/file_io.hpp"

namespace shouwei::platform::linux_usb {
namespace {

namespace fs = std::filesystem;

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
  // The directory is already resolved; re-resolving every component for each of a device's
  // ~20 attributes made a scan cost tens of milliseconds. Only a symlinked attribute goes
  // through RootFs again, so that its target stays inside the root.
  const fs::path host = host_dir_ / std::string(name);
  std::error_code ec;
  const bool plain = !fs::is_symlink(fs::symlink_status(host, ec)) && !ec;
  auto content =
      plain ? read_file(host, kMaxAttributeBytes) : root_.read(child(name), kMaxAttributeBytes);
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
  auto target = fs::read_symlink(host_dir_ / std::string(name), ec);
  if (ec || target.filename().empty()) return std::nullopt;
  return target.filename().string();
}

std::string system_path_of(const RootFs& root, std::string_view system_path) {
  const auto relative = root.resolve(system_path).lexically_relative(root.root());
  if (relative.empty() || relative == ".") return "/";
  return "/" + relative.generic_string();
}

}  // namespace shouwei::platform::linux_usb
