// RootFs resolves in-system paths inside a fixture tree: symlinks (relative and absolute) and
// ".." stay inside the root, and loops fail instead of reaching the host.
#include <filesystem>

#include <doctest/doctest.h>

#include "shouwei/common/root_fs.hpp"
#include "temp_dir.hpp"

using namespace shouwei;
namespace fs = std::filesystem;

namespace {

// root/usr/lib/os-release (a file), root/etc/os-release -> /usr/lib/os-release (absolute),
// root/lib -> usr/lib (relative), root/etc/hostname.
struct Fixture {
  test::TempDir dir;
  fs::path root = dir / "root";
  Fixture() {
    fs::create_directories(root / "usr/lib");
    fs::create_directories(root / "etc");
    test::write_test_file(root / "usr/lib/os-release", "ID=debian\n");
    test::write_test_file(root / "etc/hostname", "pc-01\n");
    fs::create_symlink("/usr/lib/os-release", root / "etc/os-release");
    fs::create_symlink("usr/lib", root / "lib");
  }
};

}  // namespace

TEST_CASE("plain paths map under the root") {
  Fixture f;
  RootFs root(f.root);
  CHECK_FALSE(root.is_host_root());
  CHECK(root.resolve("/etc/hostname") == fs::canonical(f.root) / "etc/hostname");
  CHECK(*root.read("/etc/hostname") == "pc-01\n");
  CHECK(root.exists("/etc/hostname"));
  CHECK_FALSE(root.exists("/etc/missing"));
  CHECK(RootFs("/").is_host_root());
}

TEST_CASE("absolute symlinks are re-anchored at the root") {
  Fixture f;
  RootFs root(f.root);
  CHECK(root.resolve("/etc/os-release") == fs::canonical(f.root) / "usr/lib/os-release");
  CHECK(*root.read("/etc/os-release") == "ID=debian\n");
}

TEST_CASE("relative symlinks in the middle of a path are followed") {
  Fixture f;
  RootFs root(f.root);
  CHECK(*root.read("/lib/os-release") == "ID=debian\n");
  CHECK(root.list("/lib") == std::vector<std::string>{"os-release"});
}

TEST_CASE("'..' never climbs above the root, in paths or in link targets") {
  Fixture f;
  test::write_test_file(f.dir / "outside", "host secret");
  fs::create_symlink("../../../../../outside", f.root / "etc/escape");
  RootFs root(f.root);
  CHECK(root.resolve("/../../outside") == fs::canonical(f.root) / "outside");
  CHECK_FALSE(root.read("/../outside").ok());
  CHECK(root.resolve("/etc/escape") == fs::canonical(f.root) / "outside");
  CHECK_FALSE(root.read("/etc/escape").ok());
  CHECK(*root.read("/etc/../usr/lib/./os-release") == "ID=debian\n");
}

TEST_CASE("a symlink loop fails instead of letting the OS follow the link from the host root") {
  Fixture f;
  // In a disk image, /etc/passwd -> /etc/passwd loops; opened on the host, the link would be
  // followed to the host's own /etc/passwd.
  fs::create_symlink("/etc/passwd", f.root / "etc/passwd");
  fs::create_symlink("b", f.root / "a");
  fs::create_symlink("a", f.root / "b");
  RootFs root(f.root);
  CHECK(root.resolve("/etc/passwd").empty());
  auto r = root.read("/etc/passwd");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("symbolic links") != std::string::npos);
  CHECK_FALSE(root.exists("/a"));
  CHECK(root.list("/b").empty());
}

TEST_CASE("list returns sorted names, empty for a missing directory") {
  Fixture f;
  RootFs root(f.root);
  CHECK(root.list("/etc") == std::vector<std::string>{"hostname", "os-release"});
  CHECK(root.list("/nope").empty());
}

TEST_CASE("read failures name the host path") {
  Fixture f;
  RootFs root(f.root);
  auto r = root.read("/etc/shadow");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::not_found);
  CHECK(r.error().message.find((fs::canonical(f.root) / "etc/shadow").string()) !=
        std::string::npos);
  auto dir = root.read("/etc");
  CHECK_FALSE(dir.ok());
}
