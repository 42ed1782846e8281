// Publication times as pages and feeds write them (timestamp.h).
#include <catch2/catch.hpp>
#include <string>

#include "timestamp.h"

using namespace quotetrail;

namespace {
std::string Iso(const std::string& text) {
  auto r = ParseTimestamp(text);
  return r.ok() ? FormatTimestampIso(*r) : "error: " + r.status().message();
}
}  // namespace

TEST_CASE("ISO 8601 forms with and without zones", "[timestamp]") {
  CHECK(Iso("2025-07-12T10:30:00+02:00") == "2025-07-12T08:30:00Z");
  CHECK(Iso("2025-07-12T10:30:00Z") == "2025-07-12T10:30:00Z");
  CHECK(Iso("2025-07-12 10:30") == "2025-07-12T10:30:00Z");
  CHECK(Iso("2025-07-12T10:30:00.25-0430") == "2025-07-12T15:00:00.250000Z");
  CHECK(Iso("2025-07-12T10:30:00+02") == "2025-07-12T08:30:00Z");
  CHECK(Iso("2025-07-12") == "2025-07-12T00:00:00Z");
  CHECK(Iso("  2024-02-29T23:59:60Z ") == "2024-02-29T23:59:59Z");
  CHECK(Iso("1969-12-31T23:59:59Z") == "1969-12-31T23:59:59Z");
}

TEST_CASE("RFC 2822 dates of feeds", "[timestamp]") {
  CHECK(Iso("Sat, 12 Jul 2025 10:30:00 +0200") == "2025-07-12T08:30:00Z");
  CHECK(Iso("12 Jul 2025 10:30 GMT") == "2025-07-12T10:30:00Z");
}

TEST_CASE("impossible or unreadable dates are errors naming the text", "[timestamp]") {
  for (const char* bad : {"2025-02-29", "2025-13-01", "2025-07-12T25:00", "yesterday", "",
                          "2025-07-12T10:30:00+25:00", "12/07/2025"}) {
    INFO(bad);
    auto r = ParseTimestamp(bad);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::StartsWith("not a date/time"));
  }
}

TEST_CASE("the PostgreSQL form carries microseconds only when there are some", "[timestamp]") {
  CHECK(FormatTimestamp(0) == "1970-01-01 00:00:00+00");
  CHECK(FormatTimestamp(1500001) == "1970-01-01 00:00:01.500001+00");
}
