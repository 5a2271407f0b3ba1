// The Linux HistoryCopier on live databases: Firefox's WAL, Chromium's exclusive lock, and
// files a user could plant to fool or hang the agent.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "copy_check.hpp"
#include "shouwei/collectors/browsing/ports.hpp"
#include "support.hpp"

using namespace shouwei::collectors::browsing;
using browsing_test::TempDir;
namespace fs = std::filesystem;

using browsing_test::profile_at;
using browsing_test::visits_in;

TEST_CASE("copier: Firefox's newest visits, only in the WAL, are in the copy") {
  TempDir root, temp;
  const fs::path dir = root.path() / "ff";
  // The browser's connection: WAL mode, no checkpoint, still open while the agent copies.
  auto live = browsing_test::live_firefox_places(dir / "places.sqlite");

  auto copier = make_platform_history_copier(temp.path());
  auto copy = copier->copy(shouwei::RootFs(root.path()), profile_at("/ff", BrowserEngine::firefox));
  REQUIRE_MESSAGE(copy.ok(), (copy.ok() ? "" : copy.error().message));
  CHECK(visits_in(copy->database(), BrowserEngine::firefox) == 2);

  // The main file alone, as an immutable read of the live file would see it, misses the visit.
  TempDir alone;
  fs::copy_file(dir / "places.sqlite", alone.path() / "places.sqlite");
  CHECK(visits_in(alone.path() / "places.sqlite", BrowserEngine::firefox) == 1);
}

TEST_CASE(
    "copier: Chromium's exclusively locked History is copied; the copy is private and removed") {
  TempDir root, temp;
  const fs::path dir = root.path() / "home/alice/.config/chromium/Default";
  auto live = browsing_test::live_chromium_history(dir / "History");
  // Opening the live file fails while the browser holds it.
  auto direct = shouwei::sqlite::Database::open(
      dir / "History", {.create = false, .read_only = true, .wal = false, .busy_timeout_ms = 0});
  CHECK_FALSE(direct.ok());

  fs::path copy_dir;
  {
    auto copier = make_platform_history_copier(temp.path());
    auto copy =
        copier->copy(shouwei::RootFs(root.path()),
                     profile_at("/home/alice/.config/chromium/Default", BrowserEngine::chromium));
    REQUIRE_MESSAGE(copy.ok(), (copy.ok() ? "" : copy.error().message));
    copy_dir = copy->database().parent_path();
    CHECK(copy_dir.parent_path() == temp.path());
    CHECK((fs::status(copy_dir).permissions() & fs::perms::all) == fs::perms::owner_all);
    CHECK(fs::exists(copy_dir / "History-journal"));
    // A read-only connection cannot roll the hot journal back...
    CHECK_FALSE(shouwei::sqlite::Database::open(copy->database(),
                                                {.create = false, .read_only = true, .wal = false})
                    .ok());
    // ...open_history_copy does, on the private copy: only the committed visit is there.
    CHECK(visits_in(copy->database(), BrowserEngine::chromium) == 1);
  }
  CHECK_FALSE(fs::exists(copy_dir));
}

TEST_CASE("copier: the temp base is made private, and copies a crash left behind are removed") {
  TempDir root, temp;
  browsing_test::add_visits(root.path() / "p/History", "chromium",
                            {{1, 13344473600000000, "http://a.example/"}});
  browsing_test::write_text(temp.path() / "shouwei-browsing-Ab12Cd/History", "left by a crash");
  browsing_test::write_text(temp.path() / "unrelated/file", "kept");
  auto copier = make_platform_history_copier(temp.path() / "tmp");
  auto first =
      copier->copy(shouwei::RootFs(root.path()), profile_at("/p", BrowserEngine::chromium));
  REQUIRE(first.ok());
  CHECK((fs::status(temp.path() / "tmp").permissions() & fs::perms::all) == fs::perms::owner_all);

  auto sweeping = make_platform_history_copier(temp.path());
  auto second =
      sweeping->copy(shouwei::RootFs(root.path()), profile_at("/p", BrowserEngine::chromium));
  REQUIRE(second.ok());
  CHECK_FALSE(fs::exists(temp.path() / "shouwei-browsing-Ab12Cd"));
  CHECK(fs::exists(temp.path() / "unrelated/file"));
  CHECK(fs::exists(second->database()));
}

TEST_CASE("copier: planted files are refused, never followed or blocked on") {
  TempDir root, temp;
  auto copier = make_platform_history_copier(temp.path());
  const shouwei::RootFs fs_root(root.path());
  auto refused = [&](const std::string& dir, std::string_view expected) {
    auto copy = copier->copy(fs_root, profile_at(dir, BrowserEngine::chromium));
    REQUIRE_FALSE(copy.ok());
    CHECK_MESSAGE(copy.error().message.find(expected) != std::string::npos, copy.error().message);
    CHECK(fs::is_empty(temp.path()));  // no copy directory left behind
  };

  browsing_test::write_text(root.path() / "secret/History", "another user's history");
  fs::create_directories(root.path() / "link");
  fs::create_symlink(root.path() / "secret/History", root.path() / "link/History");
  refused("/link", "symbolic link");

  fs::create_directories(root.path() / "fifo");
  REQUIRE(::mkfifo((root.path() / "fifo/History").c_str(), 0600) == 0);
  refused("/fifo", "not a regular file");

  fs::create_directories(root.path() / "dir/History");
  refused("/dir", "not a regular file");

  fs::create_directories(root.path() / "empty");
  refused("/empty", "History");

  refused("/no/such/profile", "cannot open profile directory");
}

TEST_CASE("copier: a profile directory the agent's user cannot read fails with permission_denied") {
  TempDir root, temp;
  browsing_test::add_visits(root.path() / "locked/History", "chromium",
                            {{1, 13344473600000000, "http://a.example/"}});
  fs::permissions(root.path() / "locked", fs::perms::none);
  fs::permissions(temp.path(), fs::perms::all);  // the unprivileged child may make its copy here
  fs::permissions(root.path(), fs::perms::all);
  if (::geteuid() != 0) {
    auto copy =
        make_platform_history_copier(temp.path())
            ->copy(shouwei::RootFs(root.path()), profile_at("/locked", BrowserEngine::chromium));
    REQUIRE_FALSE(copy.ok());
    CHECK(copy.error().code == shouwei::Errc::permission_denied);
    fs::permissions(root.path() / "locked", fs::perms::owner_all);
    return;
  }
  // As root the mode is no obstacle: run the copier in a child that drops to nobody.
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    auto copy =
        make_platform_history_copier(temp.path())
            ->copy(shouwei::RootFs(root.path()), profile_at("/locked", BrowserEngine::chromium));
    ::_exit(!copy.ok() && copy.error().code == shouwei::Errc::permission_denied ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  fs::permissions(root.path() / "locked", fs::perms::owner_all);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
