// shouweictl categories build | lookup, run as the administrator runs them.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <doctest/doctest.h>

#include "category_test_support.hpp"

namespace cat = shouwei::collectors::categories;

namespace {

struct Run {
  int status;
  std::string out;
};

// Runs a shell command line, capturing standard output; standard error is discarded.
Run run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command + " 2>/dev/null").c_str(), "r"),
                                             ::pclose);
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buffer;
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get()))
    out.append(buffer.data(), n);
  const int status = ::pclose(pipe.release());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

TEST_CASE("build then lookup from the command line") {
  cat::testing::TempDir tmp;
  cat::testing::write_text(tmp.path(), "a/gambling/domains", "bet365.com\nnot a line\n");
  cat::testing::write_text(tmp.path(), "a/games/domains", "bet365.com\n");
  cat::testing::write_text(tmp.path(), "b/warez.domains", "warez.example\n");
  cat::testing::write_text(tmp.path(), "b/adult/urls", "example.net/x\n");
  const std::string ctl = SHOUWEICTL_PATH;
  const std::string file = (tmp.path() / "out.swc").string();

  const auto build = run(ctl + " categories build --from " + (tmp.path() / "a").string() +
                         " --from " + (tmp.path() / "b").string() + " --out " + file);
  CHECK(build.status == 0);
  CHECK(build.out.find("lines rejected:    1") != std::string::npos);
  CHECK(build.out.find("distinct domains:  2") != std::string::npos);

  const auto lookup = run(ctl + " categories lookup " + file +
                          " www.bet365.com http://example.net/x/y nothing.example warez.example");
  CHECK(lookup.status == 0);
  CHECK(lookup.out ==
        "www.bet365.com\tgambling,games\n"
        "http://example.net/x/y\tadult\n"
        "nothing.example\t-\n"
        "warez.example\twarez\n");
  const auto product = run(ctl + " categories lookup --product " + file + " warez.example");
  CHECK(product.out == "warez.example\tp2p\n");
}

TEST_CASE("failures exit non-zero") {
  cat::testing::TempDir tmp;
  const std::string ctl = SHOUWEICTL_PATH;
  cat::testing::write_text(tmp.path(), "garbage.swc", "not a category file at all");
  CHECK(
      run(ctl + " categories lookup " + (tmp.path() / "garbage.swc").string() + " x.com").status ==
      5);
  CHECK(
      run(ctl + " categories lookup " + (tmp.path() / "missing.swc").string() + " x.com").status !=
      0);
  CHECK(run(ctl + " categories build --from " + (tmp.path() / "none").string() + " --out " +
            (tmp.path() / "o.swc").string())
            .status != 0);
  CHECK(run(ctl + " categories build --out x").status == 2);
}
