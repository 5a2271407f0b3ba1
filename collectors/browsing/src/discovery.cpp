#include "shouwei/collectors/browsing/discovery.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>

#include "shouwei/collectors/browsing/profiles_ini.hpp"
#include "shouwei/os/utf8_path.hpp"

namespace shouwei::collectors::browsing {
namespace fs = std::filesystem;
namespace {

// Profile directories per data directory, at most: bounds a home crafted with millions of
// subdirectories.
constexpr std::size_t kMaxEntriesPerDataDir = 4096;

std::string join(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

bool is_regular_file(const RootFs& root, const std::string& system_path) {
  std::error_code ec;
  return fs::is_regular_file(root.resolve(system_path), ec);
}

// Collects profiles for one user and one browser location, appending to `out`.
class LocationScan {
 public:
  LocationScan(const RootFs& root, const LocalUser& user, const BrowserLocation& location,
               std::vector<BrowserProfile>& out)
      : root_(root),
        user_(user),
        location_(location),
        out_(out),
        data_dir_(join(user.home, location.home_relative)) {}

  void run() {
    std::error_code ec;
    const fs::path host = root_.resolve(data_dir_);
    auto status = fs::status(host, ec);
    if (ec || !fs::exists(status)) return;  // this browser was never used by this user
    if (!fs::is_directory(status)) {
      add_error("*", data_dir_, "browser data path is not a directory");
      return;
    }
    if (location_.engine == BrowserEngine::chromium) {
      scan_subdirectories("History");
    } else {
      scan_firefox();
    }
  }

 private:
  void add(std::string profile_name, std::string directory) {
    out_.push_back(BrowserProfile{user_.name, std::string(location_.browser), location_.engine,
                                  std::move(profile_name), std::move(directory), std::nullopt});
  }
  void add_error(std::string profile_name, std::string directory, std::string why) {
    add(std::move(profile_name), directory);
    out_.back().error = directory + ": " + why;
  }

  // Every direct subdirectory holding `history_file` is a profile.
  void scan_subdirectories(std::string_view history_file) {
    std::error_code ec;
    fs::directory_iterator it(root_.resolve(data_dir_), ec);
    if (ec) {
      add_error("*", data_dir_, "cannot list: " + ec.message());
      return;
    }
    std::vector<std::string> names;
    for (fs::directory_iterator end; it != end && names.size() < kMaxEntriesPerDataDir;
         it.increment(ec)) {
      if (ec) {
        add_error("*", data_dir_, "cannot list: " + ec.message());
        break;
      }
      names.push_back(path_to_utf8(it->path().filename()));
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      const std::string dir = join(data_dir_, name);
      if (root_.exists(join(dir, history_file))) add(name, dir);
    }
  }

  void scan_firefox() {
    const std::string ini_path = join(data_dir_, "profiles.ini");
    if (!is_regular_file(root_, ini_path)) {
      scan_subdirectories("places.sqlite");
      return;
    }
    auto text = root_.read(ini_path, kMaxProfilesIniBytes);
    auto entries = text ? parse_profiles_ini(*text)
                        : Result<std::vector<FirefoxProfileEntry>>(fail(text.error()));
    if (!entries) {
      add_error("profiles.ini", ini_path, entries.error().message);
      scan_subdirectories("places.sqlite");  // the profiles are still there to read
      return;
    }
    for (const auto& entry : *entries) {
      const std::string dir = entry.is_relative ? join(data_dir_, entry.path) : entry.path;
      if (!entry.is_relative && (dir.empty() || dir.front() != '/')) {
        add_error(entry.path, ini_path,
                  "absolute profile path \"" + entry.path + "\" is not absolute");
        continue;
      }
      std::string name = path_to_utf8(path_from_utf8(dir).filename());
      if (root_.exists(join(dir, "places.sqlite"))) {
        add(name.empty() ? entry.path : name, dir);
      } else if (!root_.exists(dir)) {
        add_error(name, dir, "listed in profiles.ini but missing");
      }
      // A listed profile without places.sqlite has never been used: nothing to read.
    }
  }

  const RootFs& root_;
  const LocalUser& user_;
  const BrowserLocation& location_;
  std::vector<BrowserProfile>& out_;
  std::string data_dir_;
};

}  // namespace

std::vector<BrowserProfile> discover_profiles(const RootFs& root, std::span<const LocalUser> users,
                                              std::span<const BrowserLocation> locations) {
  std::vector<BrowserProfile> found;
  for (const auto& user : users) {
    for (const auto& location : locations) LocationScan(root, user, location, found).run();
  }
  // The same directory reached twice (a relative and an absolute Path=, or a data directory
  // symlinked under two names) is one profile: keep its first entry.
  std::set<std::string> seen;
  std::vector<BrowserProfile> unique;
  for (auto& p : found) {
    std::string key =
        p.error ? p.directory + "\n" + *p.error : path_to_utf8(root.resolve(p.directory));
    if (seen.insert(std::move(key)).second) unique.push_back(std::move(p));
  }
  return unique;
}

}  // namespace shouwei::collectors::browsing
