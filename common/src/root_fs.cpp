#include "shouwei/common/root_fs.hpp"

#include <algorithm>
#include <system_error>

#include "shouwei/os/utf8_path.hpp"

namespace shouwei {
namespace fs = std::filesystem;

namespace {
constexpr int kMaxSymlinkHops = 40;  // the kernel's limit (MAXSYMLINKS)
}  // namespace

RootFs::RootFs(fs::path root) : root_(std::move(root)) {
  std::error_code ec;
  auto canonical = fs::weakly_canonical(root_, ec);
  if (!ec) root_ = canonical;
  host_root_ = root_ == root_.root_path();
}

fs::path RootFs::resolve(std::string_view system_path) const {
  // Walk the components of the in-system path, keeping the resolved in-system prefix, so that
  // ".." and symlinks are interpreted relative to the root, never the host.
  std::vector<std::string> pending;
  for (const auto& part : path_from_utf8(system_path).relative_path()) {
    pending.push_back(path_to_utf8(part));
  }
  std::reverse(pending.begin(), pending.end());

  std::vector<std::string> resolved;
  int hops = 0;
  while (!pending.empty()) {
    std::string part = std::move(pending.back());
    pending.pop_back();
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!resolved.empty()) resolved.pop_back();
      continue;
    }
    fs::path host = root_;
    for (const auto& r : resolved) host /= path_from_utf8(r);
    host /= path_from_utf8(part);
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(host, ec))) {
      // A link we cannot expand must not reach the OS either: opening it would let the kernel
      // follow it from the host's "/" (an image's /etc/passwd -> /etc/passwd loop would read
      // the host's file). Resolution fails instead, like the kernel's ELOOP.
      if (++hops > kMaxSymlinkHops) return {};
      auto target = fs::read_symlink(host, ec);
      if (ec) return {};
      std::vector<std::string> parts;
      for (const auto& t : target.relative_path()) parts.push_back(path_to_utf8(t));
      if (target.is_absolute()) resolved.clear();
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) pending.push_back(*it);
      continue;
    }
    resolved.push_back(std::move(part));
  }
  fs::path host = root_;
  for (const auto& r : resolved) host /= path_from_utf8(r);
  return host;
}

Result<std::string> RootFs::read(std::string_view system_path, std::size_t max_bytes) const {
  fs::path host = resolve(system_path);
  if (host.empty()) {
    return fail(Errc::not_found, path_to_utf8(root_ / path_from_utf8(system_path).relative_path()) +
                                     ": cannot resolve: too many levels of symbolic links");
  }
  return read_file(host, max_bytes);
}

bool RootFs::exists(std::string_view system_path) const {
  std::error_code ec;
  fs::path host = resolve(system_path);
  return !host.empty() && fs::exists(host, ec);
}

std::vector<std::string> RootFs::list(std::string_view system_path) const {
  std::vector<std::string> names;
  std::error_code ec;
  fs::path host = resolve(system_path);
  if (host.empty()) return names;
  for (fs::directory_iterator it(host, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(path_to_utf8(it->path().filename()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace shouwei
