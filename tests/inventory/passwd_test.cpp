// /etc/passwd and /etc/shells: accounts, and which of them can log in.
#include "shouwei/platform/inventory/passwd.hpp"

#include <doctest/doctest.h>

using namespace shouwei::platform;

TEST_CASE("login shells: listed in /etc/shells, never nologin or false") {
  const std::optional<std::vector<std::string>> shells =
      parse_shells("# c\n/bin/sh\n/bin/bash\n  /usr/bin/zsh \nbogus\n");
  REQUIRE(shells->size() == 3);
  CHECK(is_login_shell("/bin/bash", shells));
  CHECK(is_login_shell("", shells));  // empty means /bin/sh
  CHECK(is_login_shell("/usr/bin/zsh", shells));
  CHECK_FALSE(is_login_shell("/bin/sync", shells));
  CHECK_FALSE(is_login_shell("/usr/sbin/nologin", shells));
  const std::optional<std::vector<std::string>> no_shells_file;
  CHECK(is_login_shell("/bin/sync", no_shells_file));
  CHECK_FALSE(is_login_shell("/bin/false", no_shells_file));
  CHECK_FALSE(
      is_login_shell("/sbin/nologin", std::optional<std::vector<std::string>>({"/sbin/nologin"})));
}

TEST_CASE("passwd entries: fields, login flag, malformed lines counted, NIS lines skipped") {
  const auto shells = std::optional<std::vector<std::string>>({"/bin/bash", "/bin/sh"});
  const auto parsed = parse_passwd(
      "root:x:0:0:root:/root:/bin/bash\r\n"
      "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
      "zhangwei:x:1000:1000:张伟,,,:/home/zhangwei:/bin/bash\n"
      "nobody:x:4294967294:65534::/nonexistent:\n"
      "+\n-baduser\n+@netgroup::::::\n"
      "toolong:x:1:1:a:b:c:d\n"
      "short:x:1:1\n"
      "neg:x:-1:1::/:/bin/sh\n"
      "big:x:4294967296:1::/:/bin/sh\n"
      ":x:2:2::/:/bin/sh\n"
      "\n",
      shells);
  CHECK(parsed.malformed_lines == 5);
  REQUIRE(parsed.users.size() == 4);
  CHECK(parsed.users[0].name == "root");
  CHECK(parsed.users[0].uid == 0);
  CHECK(parsed.users[0].shell == "/bin/bash");  // the \r of a CRLF file is not part of it
  CHECK(parsed.users[0].login);
  CHECK_FALSE(parsed.users[1].login);
  CHECK(parsed.users[2].home == "/home/zhangwei");
  CHECK(parsed.users[3].uid == 4294967294u);
  CHECK(parsed.users[3].shell.empty());
  CHECK(parsed.users[3].login);  // empty shell is /bin/sh, which is listed
}
