// RFC 8785 (JCS) against the examples published in the RFC, plus the strict parser every reader
// of untrusted JSON goes through.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "shouwei/common/canonical_json.hpp"

using namespace shouwei;
namespace bj = boost::json;

namespace {

std::string canon(const bj::value& v) {
  auto r = json::canonicalize(v);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return *r;
}

std::string canon_text(std::string_view text) {
  auto r = json::canonicalize_text(text);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return *r;
}

}  // namespace

TEST_CASE("numbers: RFC 8785 Appendix B") {
  struct Sample {
    std::uint64_t bits;
    const char* text;
  };
  const Sample samples[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},  // minus zero
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},  // round to even
  };
  for (const auto& s : samples) {
    CAPTURE(s.text);
    CHECK(canon(bj::value(std::bit_cast<double>(s.bits))) == s.text);
  }
}

TEST_CASE("numbers: NaN and infinity are not JSON") {
  for (std::uint64_t bits : {0x7fffffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull}) {
    auto r = json::canonicalize(bj::value(std::bit_cast<double>(bits)));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::invalid_argument);
  }
}

TEST_CASE("numbers: exponent boundaries of Number.prototype.toString") {
  CHECK(canon(bj::value(1e21)) == "1e+21");
  CHECK(canon(bj::value(1e20)) == "100000000000000000000");
  CHECK(canon(bj::value(1e-7)) == "1e-7");
  CHECK(canon(bj::value(1e-6)) == "0.000001");
  CHECK(canon(bj::value(1.5e-7)) == "1.5e-7");
  CHECK(canon(bj::value(123e-20)) == "1.23e-18");
  CHECK(canon(bj::value(-0.0)) == "0");
  CHECK(canon(bj::value(0.1)) == "0.1");
  CHECK(canon(bj::value(4.5)) == "4.5");
  CHECK(canon(bj::value(100.0)) == "100");
  CHECK(canon_text("[1E30, 1.0, -2.50, 1e1, 0.0000001]") == "[1e+30,1,-2.5,10,1e-7]");
}

TEST_CASE("numbers: integers print exactly up to 2^53 and are refused beyond") {
  CHECK(canon(bj::value(std::int64_t{0})) == "0");
  CHECK(canon(bj::value(std::int64_t{-42})) == "-42");
  CHECK(canon(bj::value(std::int64_t{9007199254740992})) == "9007199254740992");
  CHECK(canon(bj::value(std::int64_t{-9007199254740992})) == "-9007199254740992");
  CHECK(canon(bj::value(std::uint64_t{9007199254740992})) == "9007199254740992");
  for (const bj::value& v : {bj::value(std::int64_t{9007199254740993}),
                             bj::value(std::numeric_limits<std::int64_t>::min()),
                             bj::value(std::numeric_limits<std::uint64_t>::max())}) {
    auto r = json::canonicalize(v);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::invalid_argument);
    CHECK(r.error().message.find("2^53") != std::string::npos);
  }
}

TEST_CASE("numbers: integers in text beyond 2^53 are read as doubles, as JCS reads them") {
  CHECK(canon_text("[9007199254740993, 18446744073709551615, -9223372036854775808]") ==
        "[9007199254740992,18446744073709552000,-9223372036854776000]");
  // The canonical form of a large double is digits only; it must canonicalize to itself.
  const std::string once = canon_text("[88888888888888801.5000000000999]");
  CHECK(once == "[88888888888888800]");
  CHECK(canon_text(once) == once);
  CHECK(json::parse_strict("9007199254740992")->is_int64());
  CHECK(json::parse_strict("9007199254740993")->is_double());
}

TEST_CASE("RFC 8785 section 3.2.2: the sample input canonicalizes to the published bytes") {
  const std::string input = R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })";
  const std::string expected =
      "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
      "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
  CHECK(canon_text(input) == expected);
}

TEST_CASE("RFC 8785 section 3.2.3: properties sort by UTF-16 code units") {
  const std::string input = R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })";
  const std::string expected =
      "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
      "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
      "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With "
      "Dagesh\"}";
  CHECK(canon_text(input) == expected);
}

TEST_CASE("strings: only quote, backslash and controls are escaped") {
  CHECK(canon(bj::value("\x01\x1f\b\t\n\f\r")) == "\"\\u0001\\u001f\\b\\t\\n\\f\\r\"");
  CHECK(canon(bj::value("/\x7f\xe2\x80\xa8")) ==
        "\"/\x7f\xe2\x80\xa8\"");  // '/', DEL, U+2028 literal
  CHECK(canon(bj::value("\"\\")) == "\"\\\"\\\\\"");
}

TEST_CASE("strings and keys that are not UTF-8 are refused") {
  CHECK(json::canonicalize(bj::value("\xff")).error().code == Errc::invalid_argument);
  CHECK(json::canonicalize(bj::value("\xc0\xaf")).error().code ==
        Errc::invalid_argument);  // overlong '/'
  CHECK(json::canonicalize(bj::value("\xed\xa0\x80")).error().code ==
        Errc::invalid_argument);  // surrogate
  CHECK(json::canonicalize(bj::value("\xe2\x82")).error().code ==
        Errc::invalid_argument);  // truncated
  bj::object obj;
  obj["\xfe"] = 1;
  CHECK(json::canonicalize(obj).error().code == Errc::invalid_argument);
}

TEST_CASE("nested structures sort at every level, arrays keep their order") {
  CHECK(canon_text(R"({"b":[3,{"z":1,"a":2}],"a":{"d":null,"c":true}})") ==
        R"({"a":{"c":true,"d":null},"b":[3,{"a":2,"z":1}]})");
  CHECK(canon_text("  [ ]  ") == "[]");
  CHECK(canon_text("{}") == "{}");
}

TEST_CASE("parse_strict refuses what RFC 8259 does not allow, naming the position") {
  for (std::string_view bad :
       {"{\"a\":1,}", "[1,]", "// c\n{}", "{} /* c */", "{\"a\":1} x", "{} {}", "", "{'a':1}",
        "[01]", "[NaN]", "\"\xff\"", "\"\xed\xa0\x80\"", "[1e999]"}) {
    CAPTURE(bad);
    auto r = json::parse_strict(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::parse);
    CHECK(r.error().message.find("at byte") != std::string::npos);
  }
}

TEST_CASE("parse_strict rejects duplicate keys at any depth, but not across objects") {
  auto top = json::parse_strict(R"({"a":1,"b":2,"a":3})");
  REQUIRE_FALSE(top.ok());
  CHECK(top.error().message.find("duplicate object key \"a\"") != std::string::npos);
  CHECK(json::parse_strict(R"({"x":[{"k":1,"k":1}]})").error().code == Errc::parse);
  // Escapes are decoded before comparison: "\u0061" is "a".
  CHECK(json::parse_strict(R"({"a":1,"\u0061":2})").error().code == Errc::parse);
  CHECK(json::parse_strict(R"({"a":{"a":1},"b":{"a":2}})").ok());
}

TEST_CASE("parse_strict enforces size and depth limits") {
  auto big = json::parse_strict("[1, 2, 3]", 4);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == Errc::limit_exceeded);
  std::string deep = std::string(65, '[') + std::string(65, ']');
  CHECK_FALSE(json::parse_strict(deep).ok());
  std::string ok = std::string(64, '[') + std::string(64, ']');
  CHECK(json::parse_strict(ok).ok());
}

TEST_CASE("canonical output is a fixed point") {
  const char* docs[] = {
      R"({"numbers":[1e30,0.1,-0.0,5e-324],"s":"\u00e9\t","k":{"\ud83d\ude00":1,"\uffff":2}})",
      R"([true,false,null,"",[],{}])"};
  for (const char* doc : docs) {
    std::string once = canon_text(doc);
    CHECK(canon_text(once) == once);
  }
}
