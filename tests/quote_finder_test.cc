// Quotation spans (FindQuoteSpans) and straight single quotes as marks
// (SingleQuotesAsMarks).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "quote_finder.h"

using quotetrail::FindQuoteSpans;
using quotetrail::QuoteSpan;
using quotetrail::SingleQuotesAsMarks;

namespace {

// The inner texts of the spans FindQuoteSpans finds in `text`.
std::vector<std::string> Inner(const std::string& text, bool english) {
  std::vector<std::string> out;
  for (const QuoteSpan& q : FindQuoteSpans(text, english)) out.push_back(text.substr(q.begin, q.end - q.begin));
  return out;
}

// The quotations of English `text` once its single quotes are made marks.
std::vector<std::string> SingleQuoted(const std::string& text) {
  const std::string marked = SingleQuotesAsMarks(text);
  return Inner(marked.empty() ? text : marked, true);
}

}  // namespace

TEST_CASE("FindQuoteSpans: outer marks, nested quotes and a stray mark at the paragraph's end", "[quotes]") {
  CHECK(Inner("Il a dit : « Nous avons dit « non » hier ». Fin.", false) ==
        std::vector<std::string>{"Nous avons dit « non » hier"});
  CHECK(Inner("He said \"we will\" and \u201Cthey won\u2019t\u201D.", true) ==
        std::vector<std::string>{"we will", "they won\u2019t"});
  // a mark left open ends with its paragraph, never later
  const auto spans = FindQuoteSpans("He said \u201Copen and on\nNext paragraph.", true);
  REQUIRE(spans.size() == 1);
  CHECK_FALSE(spans[0].closed);
}

TEST_CASE("SingleQuotesAsMarks: straight single quotes delimit quotations in text with no other marks",
          "[quotes]") {
  CHECK(SingleQuoted("'We will not be bullied,' he said. 'It's over.'") ==
        std::vector<std::string>{"We will not be bullied,", "It's over."});
  // code points stay where they were: each mark becomes one code point
  const std::string text = "Lynch said: 'No deal.' Harper called it 'unnecessary'.";
  const std::string marked = SingleQuotesAsMarks(text);
  CHECK(marked == "Lynch said: \u2018No deal.\u2019 Harper called it \u2018unnecessary\u2019.");
}

TEST_CASE("SingleQuotesAsMarks: apostrophes, elisions and possessives are no marks", "[quotes]") {
  // contractions, '90s, rock 'n' roll, 'em: nothing to mark
  CHECK(SingleQuotesAsMarks("It's the band's first gig since the '90s, and rock 'n' roll fans love 'em.").empty());
  // a plural's possessive inside a quotation does not close it
  CHECK(SingleQuoted("He called it 'a disgrace to the members' interests' on Monday.") ==
        std::vector<std::string>{"a disgrace to the members' interests"});
  CHECK(SingleQuoted("'We've waited 'em out for years,' she said.") ==
        std::vector<std::string>{"We've waited 'em out for years,"});
  // ... but closes it when nothing else does
  CHECK(SingleQuoted("The union called it 'a betrayal of the workers' rights.") ==
        std::vector<std::string>{"a betrayal of the workers"});
  // an opening mark never closed in its paragraph stays as it is
  CHECK(SingleQuotesAsMarks("He said 'never\nAnd left.").empty());
}

TEST_CASE("SingleQuotesAsMarks: text with double or typographic marks is left alone", "[quotes]") {
  CHECK(SingleQuotesAsMarks("He said \"it's 'fine'\".").empty());
  CHECK(SingleQuotesAsMarks("\u2018Fine,\u2019 he said, 'really'.").empty());
  CHECK(SingleQuotesAsMarks("Il a dit \u00AB c'est 'fini' \u00BB.").empty());
  CHECK(SingleQuotesAsMarks("No quotation at all.").empty());
}
