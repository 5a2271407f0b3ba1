// Host and URL normalisation shared by the importer and the lookup.
#include <doctest/doctest.h>

#include "shouwei/collectors/categories/host_names.hpp"

namespace cat = shouwei::collectors::categories;

namespace {
std::string norm(std::string_view text) {
  auto h = cat::normalize_host(text);
  return h ? h->host : "<refused>";
}
}  // namespace

TEST_CASE("host names are lower-cased and lose one trailing dot") {
  CHECK(norm("Example.COM") == "example.com");
  CHECK(norm("example.com.") == "example.com");
  CHECK(norm("xn--fiqs8s.xn--55qx5d") == "xn--fiqs8s.xn--55qx5d");
  CHECK(norm("_dmarc.example.com") == "_dmarc.example.com");
  CHECK(cat::normalize_host("example.com")->kind == cat::HostKind::name);
}

TEST_CASE("unusable host names are refused with a reason") {
  std::string_view why;
  CHECK_FALSE(cat::normalize_host("localhost", &why));
  CHECK(why == "single-label host");
  CHECK(norm("") == "<refused>");
  CHECK(norm(".") == "<refused>");
  CHECK(norm("a..b") == "<refused>");
  CHECK(norm("exa mple.com") == "<refused>");
  CHECK(norm("example.com..") == "<refused>");
  CHECK(norm("bücher.de") == "<refused>");
  CHECK(norm("1.2.3") == "<refused>");
  CHECK(norm("999.1.1.1") == "<refused>");
  CHECK(norm(std::string(64, 'a') + ".com") == "<refused>");
  CHECK(norm(std::string(63, 'a') + ".com") == std::string(63, 'a') + ".com");
  std::string long_name;
  while (long_name.size() < 260) long_name += "abcdefgh.";
  CHECK(norm(long_name + "com") == "<refused>");
}

TEST_CASE("IPv4 addresses are canonical dotted quads") {
  CHECK(norm("10.0.0.1") == "10.0.0.1");
  CHECK(norm("010.000.000.001") == "10.0.0.1");
  CHECK(norm("255.255.255.255") == "255.255.255.255");
  CHECK(norm("256.1.1.1") == "<refused>");
  CHECK(norm("1.2.3.4.5") == "<refused>");
  CHECK(norm("1.2.3.0004") == "<refused>");
  CHECK(cat::normalize_host("1.2.3.4")->kind == cat::HostKind::ipv4);
}

TEST_CASE("squidGuard's www/web/ftp stripping keeps at least two labels") {
  CHECK(cat::strip_www("www.example.com") == "example.com");
  CHECK(cat::strip_www("www2.example.com") == "example.com");
  CHECK(cat::strip_www("web.example.com") == "example.com");
  CHECK(cat::strip_www("ftp01.example.com") == "example.com");
  CHECK(cat::strip_www("www.com") == "www.com");
  CHECK(cat::strip_www("wwwexample.com") == "wwwexample.com");
  CHECK(cat::strip_www("www-2.example.com") == "www-2.example.com");
}

TEST_CASE("URLs split into host and path") {
  auto p = cat::split_url("https://user:pw@WWW.Example.com:8443/a/b?c=d#frag");
  CHECK(p.host == "WWW.Example.com");
  CHECK(p.path == "/a/b?c=d");
  p = cat::split_url("example.com");
  CHECK(p.host == "example.com");
  CHECK(p.path.empty());
  p = cat::split_url("example.com?q=1");
  CHECK(p.host == "example.com");
  CHECK(p.path == "?q=1");
  p = cat::split_url("http://[2001:db8::1]:80/x");
  CHECK(p.host == "2001:db8::1");
  CHECK(p.path == "/x");
  p = cat::split_url("example.com/redirect?to=http://other.net/");
  CHECK(p.host == "example.com");
  CHECK(p.path == "/redirect?to=http://other.net/");
  p = cat::split_url("");
  CHECK(p.host.empty());
}
