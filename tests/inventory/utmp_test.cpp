// utmp parsing checked against glibc's own struct utmp: records written by glibc's layout are
// read back field by field, and damaged files stay bounded.
#include "shouwei/platform/inventory/utmp.hpp"

#include <cstddef>
#include <cstring>
#include <utmp.h>

#include <doctest/doctest.h>

#include "shouwei/common/file_io.hpp"

using namespace shouwei;
using namespace shouwei::platform;

// The offsets the parser hard-codes are glibc's (this test runs on a glibc system).
static_assert(sizeof(utmp) == kUtmpRecordSize);
static_assert(offsetof(utmp, ut_line) == 8);
static_assert(offsetof(utmp, ut_user) == 44);
static_assert(offsetof(utmp, ut_host) == 76);
static_assert(offsetof(utmp, ut_tv) == 340);
static_assert(USER_PROCESS == kUtmpUserProcess);

namespace {

std::string record(short type, int pid, const char* line, const char* user, const char* host,
                   int sec) {
  utmp u;
  std::memset(&u, 0, sizeof u);
  u.ut_type = type;
  u.ut_pid = pid;
  std::strncpy(u.ut_line, line, sizeof u.ut_line);
  std::strncpy(u.ut_user, user, sizeof u.ut_user);
  std::strncpy(u.ut_host, host, sizeof u.ut_host);
  u.ut_tv.tv_sec = sec;
  return std::string(reinterpret_cast<const char*>(&u), sizeof u);
}

}  // namespace

TEST_CASE("records written with glibc's struct utmp are read back exactly") {
  const std::string full_user(32, 'u');  // fills ut_user: no terminating NUL
  const std::string bytes =
      record(BOOT_TIME, 0, "~", "reboot", "6.1.0", 1763683200) +
      record(USER_PROCESS, 4242, "pts/3", "zhangwei", "10.0.0.7", 1763690000) +
      record(USER_PROCESS, 4343, "tty1", full_user.c_str(), "", 0) +
      record(DEAD_PROCESS, 4444, "pts/4", "", "", 1763690100);
  const auto parsed = parse_utmp(bytes);
  CHECK(parsed.trailing_bytes == 0);
  REQUIRE(parsed.records.size() == 4);
  CHECK(parsed.records[0].type == BOOT_TIME);
  CHECK(parsed.records[1].pid == 4242);
  CHECK(parsed.records[1].line == "pts/3");
  CHECK(parsed.records[1].host == "10.0.0.7");
  CHECK(parsed.records[1].tv_sec == 1763690000u);
  CHECK(parsed.records[2].user == full_user);

  const auto sessions = login_sessions(parsed.records);
  REQUIRE(sessions.size() == 2);
  CHECK(sessions[0].user == "zhangwei");
  CHECK(sessions[0].tty == "pts/3");
  CHECK(sessions[0].host == "10.0.0.7");
  CHECK(sessions[0].login_time == from_unix_seconds(1763690000));
  CHECK(sessions[1].user == full_user);
  CHECK_FALSE(sessions[1].host.has_value());
  CHECK_FALSE(sessions[1].login_time.has_value());
}

TEST_CASE("a truncated file yields its whole records and counts the rest") {
  const std::string whole = record(USER_PROCESS, 1, "tty1", "root", "", 1763683300);
  const auto parsed = parse_utmp(whole + whole.substr(0, 100));
  CHECK(parsed.records.size() == 1);
  CHECK(parsed.trailing_bytes == 100);
  CHECK(parse_utmp(whole.substr(0, 383)).records.empty());
  CHECK(parse_utmp("").records.empty());
}

TEST_CASE("the record count is capped") {
  std::string many;
  for (int i = 0; i < 10; ++i) many += record(USER_PROCESS, i, "tty1", "root", "", 1);
  CHECK(parse_utmp(many, 3).records.size() == 3);
}

TEST_CASE("the committed fixture holds the sessions it was written with") {
  const auto bytes = read_file(std::string(SHOUWEI_FIXTURES) + "/inventory/kylin/run/utmp");
  REQUIRE(bytes.ok());
  const auto sessions = login_sessions(parse_utmp(bytes.value()).records);
  REQUIRE(sessions.size() == 3);
  CHECK(sessions[0].user == "zhangwei");
  CHECK(sessions[0].tty == ":0");
  CHECK(sessions[0].host == ":0");
  CHECK(sessions[1].user == "lina");
  CHECK(sessions[1].host == "10.12.3.44");
  CHECK(sessions[2].user == "abcdefghijklmnopqrstuvwxyz012345");
}
