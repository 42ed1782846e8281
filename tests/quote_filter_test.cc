// quote_filter_test.cc: parsing and checking the shared list filters.
#include <catch2/catch.hpp>
#include <map>

#include "quote_filter.h"
#include "timestamp.h"

using namespace quotetrail;

namespace {
Result<QuoteFilter> Parse(const std::map<std::string, std::string>& params) {
  return ParseQuoteFilter([&](std::string_view name) -> std::optional<std::string> {
    auto it = params.find(std::string(name));
    if (it == params.end()) return std::nullopt;
    return it->second;
  });
}
}  // namespace

TEST_CASE("an empty filter selects everything") {
  auto f = Parse({});
  REQUIRE(f.ok());
  CHECK(f->empty());
  auto blank = Parse({{"q", "  "}, {"speaker", ""}});
  REQUIRE(blank.ok());
  CHECK(blank->empty());
}

TEST_CASE("values are trimmed and kept") {
  auto f = Parse({{"q", "  prête à soutenir "}, {"speaker", "Kim"}, {"agency", "KCNA"},
                  {"outlet", "Le Monde"}, {"lang", "FR-fr"}, {"kind", "partial"}});
  REQUIRE(f.ok());
  CHECK(f->q == "prête à soutenir");
  CHECK(f->speaker == "Kim");
  CHECK(f->agency == "KCNA");
  CHECK(f->outlet == "Le Monde");
  CHECK(f->lang == "fr-fr");
  CHECK(f->kind == "partial");
  CHECK_FALSE(f->empty());
}

TEST_CASE("dates: from inclusive, a date alone for to includes that day") {
  auto f = Parse({{"from", "2024-06-01"}, {"to", "2024-06-19"}});
  REQUIRE(f.ok());
  CHECK(*f->from_us == *ParseTimestamp("2024-06-01T00:00:00Z"));
  CHECK(*f->to_us == *ParseTimestamp("2024-06-20T00:00:00Z"));
  auto exact = Parse({{"to", "2024-06-19T12:00:00Z"}});
  REQUIRE(exact.ok());
  CHECK(*exact->to_us == *ParseTimestamp("2024-06-19T12:00:00Z"));
}

TEST_CASE("bad values name their parameter") {
  auto msg = [](const std::map<std::string, std::string>& p) {
    auto f = Parse(p);
    REQUIRE_FALSE(f.ok());
    CHECK(f.status().code() == ErrorCode::kInvalidArgument);
    return f.status().message();
  };
  CHECK(msg({{"kind", "quote"}}).rfind("kind:", 0) == 0);
  CHECK(msg({{"from", "yesterday"}}).rfind("from:", 0) == 0);
  CHECK(msg({{"to", "2024-13-01"}}).rfind("to:", 0) == 0);
  CHECK(msg({{"from", "2024-06-02"}, {"to", "2024-06-01"}}).rfind("to:", 0) == 0);
  CHECK(msg({{"lang", "français"}}).rfind("lang:", 0) == 0);
  CHECK(msg({{"q", std::string(501, 'a')}}).rfind("q:", 0) == 0);
  CHECK(msg({{"speaker", std::string(201, 'a')}}).rfind("speaker:", 0) == 0);
  CHECK(msg({{"outlet", "\xC3\x28"}}).rfind("outlet:", 0) == 0);
  CHECK(msg({{"agency", std::string("a\0b", 3)}}).rfind("agency:", 0) == 0);
  CHECK(Parse({{"q", std::string(500, 'a')}}).ok());
}
