// The OS file primitives: atomic and exclusive writes, owner-only checks, private directories.
// Tests run as root in CI, where permission bits do not stop writes, so the failure cases use
// paths whose parent is a regular file.
#include <filesystem>

#include <doctest/doctest.h>

#include "shouwei/common/file_io.hpp"
#include "shouwei/os/files.hpp"
#include "temp_dir.hpp"

using namespace shouwei;
namespace fs = std::filesystem;

namespace {
fs::perms mode_of(const fs::path& p) {
  return fs::status(p).permissions() & fs::perms::all;
}
std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}
constexpr fs::perms k0600 = fs::perms::owner_read | fs::perms::owner_write;
constexpr fs::perms k0644 = k0600 | fs::perms::group_read | fs::perms::others_read;
}  // namespace

TEST_CASE("write_file_atomic creates and replaces with the requested mode") {
  test::TempDir dir;
  const fs::path path = dir / "file";
  REQUIRE(os::write_file_atomic(path, "one", os::FileMode::owner_only).ok());
  CHECK(*read_file(path) == "one");
  CHECK(mode_of(path) == k0600);
  REQUIRE(os::write_file_atomic(path, "two", os::FileMode::public_read).ok());
  CHECK(*read_file(path) == "two");
  CHECK(mode_of(path) == k0644);
  CHECK(entries(dir.path()) == 1);  // no temporary file left behind
}

TEST_CASE("write_file_atomic fails naming the path when the directory cannot hold it") {
  test::TempDir dir;
  test::write_test_file(dir / "plain", "x");
  const fs::path path = dir / "plain" / "file";
  auto r = os::write_file_atomic(path, "data", os::FileMode::owner_only);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find(path.string()) != std::string::npos);
  CHECK(*read_file(dir / "plain") == "x");
}

TEST_CASE("write_file_new never replaces an existing file") {
  test::TempDir dir;
  const fs::path path = dir / "key";
  REQUIRE(os::write_file_new(path, "first", os::FileMode::owner_only).ok());
  CHECK(mode_of(path) == k0600);
  auto r = os::write_file_new(path, "second", os::FileMode::owner_only);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::conflict);
  CHECK(r.error().message.find(path.string()) != std::string::npos);
  CHECK(*read_file(path) == "first");
  CHECK(entries(dir.path()) == 1);
}

TEST_CASE("require_owner_only accepts 0600 and refuses group or other access") {
  test::TempDir dir;
  const fs::path path = dir / "key";
  test::write_test_file(path, "k", k0600);
  CHECK(os::require_owner_only(path).ok());
  test::write_test_file(path, "k", k0600 | fs::perms::group_read);
  auto r = os::require_owner_only(path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::permission_denied);
  CHECK(r.error().message.find(path.string() + ": ") == 0);
  CHECK(r.error().message.find("0640") != std::string::npos);
  test::write_test_file(path, "k", k0600 | fs::perms::others_write);
  CHECK(os::require_owner_only(path).error().code == Errc::permission_denied);
  auto missing = os::require_owner_only(dir / "missing");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::not_found);
}

TEST_CASE("ensure_private_dir creates owner-only directories and reports what it cannot use") {
  test::TempDir dir;
  const fs::path state = dir / "var" / "lib" / "shouwei";
  REQUIRE(os::ensure_private_dir(state).ok());
  CHECK(fs::is_directory(state));
  CHECK(mode_of(state) == fs::perms::owner_all);
  CHECK(os::ensure_private_dir(state).ok());  // existing is fine

  test::write_test_file(dir / "file", "x");
  auto not_dir = os::ensure_private_dir(dir / "file");
  REQUIRE_FALSE(not_dir.ok());
  CHECK(not_dir.error().message.find((dir / "file").string()) != std::string::npos);

  const fs::path under_file = dir / "file" / "state";
  auto r = os::ensure_private_dir(under_file);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find(under_file.string()) != std::string::npos);
}

TEST_CASE("read_file honours its cap exactly") {
  test::TempDir dir;
  test::write_test_file(dir / "f", std::string(100, 'x'));
  CHECK(read_file(dir / "f", 100).ok());
  auto r = read_file(dir / "f", 99);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::limit_exceeded);
  CHECK(read_file(dir.path()).error().code == Errc::invalid_argument);
  CHECK(read_file(dir / "missing").error().code == Errc::not_found);
}
