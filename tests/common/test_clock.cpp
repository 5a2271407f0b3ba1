// RFC 3339 formatting and parsing: the only timestamp form the snapshot and policy carry.
#include <doctest/doctest.h>

#include "shouwei/common/clock.hpp"

using namespace shouwei;
using namespace std::chrono;

TEST_CASE("format_rfc3339 prints UTC with second precision") {
  CHECK(format_rfc3339(from_unix_seconds(0)) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339(from_unix_seconds(1795250000)) == "2026-11-21T08:33:20Z");
  CHECK(format_rfc3339(from_unix_seconds(951782400)) == "2000-02-29T00:00:00Z");
  // Sub-second parts are truncated toward the earlier second, also before 1970.
  CHECK(format_rfc3339(from_unix_seconds(10) + milliseconds(999)) == "1970-01-01T00:00:10Z");
  CHECK(format_rfc3339(from_unix_seconds(-1)) == "1969-12-31T23:59:59Z");
  CHECK(format_rfc3339(from_unix_seconds(-1) + milliseconds(500)) == "1969-12-31T23:59:59Z");
}

TEST_CASE("parse_rfc3339 accepts Z, offsets and fractions") {
  CHECK(parse_rfc3339("2026-11-21T08:33:20Z") == from_unix_seconds(1795250000));
  CHECK(parse_rfc3339("2026-11-21t08:33:20z") == from_unix_seconds(1795250000));
  CHECK(parse_rfc3339("2026-11-21T16:33:20+08:00") == from_unix_seconds(1795250000));
  CHECK(parse_rfc3339("2026-11-21T03:03:20-05:30") == from_unix_seconds(1795250000));
  CHECK(parse_rfc3339("1970-01-01T00:00:00.25Z") == TimePoint(milliseconds(250)));
  CHECK(parse_rfc3339("1970-01-01T00:00:00.123456789Z") == TimePoint(microseconds(123456)));
}

TEST_CASE("parse_rfc3339 accepts the edges of its year window") {
  CHECK(parse_rfc3339("2200-12-31T23:59:59Z").has_value());
  CHECK(parse_rfc3339("1700-01-01T00:00:00Z").has_value());
}

TEST_CASE("format and parse round-trip") {
  for (long long s : {0LL, 1LL, 86399LL, 1795250000LL, 4102444800LL}) {
    TimePoint t = from_unix_seconds(s);
    CHECK(parse_rfc3339(format_rfc3339(t)) == t);
  }
}

TEST_CASE("parse_rfc3339 rejects malformed or impossible timestamps") {
  for (const char* bad :
       {"", "2026-11-21", "2026-11-21T08:33:20", "2026-11-21 08:33:20Z", "2026-1-21T08:33:20Z",
        "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-21T24:00:00Z",
        "2026-11-21T08:60:00Z", "2026-11-21T08:33:20.Z", "2026-11-21T08:33:20+0800",
        "2026-11-21T08:33:20+24:00", "2026-11-21T08:33:20Zjunk", "+2026-11-21T08:33:20Z",
        "2026-11-21T08:33:20 Z",
        // Years whose nanosecond TimePoint would overflow (found by fuzz_policy_parse).
        "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2201-01-01T00:00:00Z"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_rfc3339(bad).has_value());
  }
}
