// quote_finder.h: quotation-mark spans in article text.
//
// Finds outer quotations delimited by « » (with any inner spaces), “ ” „ “ ‹ ›,
// straight double quotes and, in English, ‘ ’ used as outer marks; inner
// quotes stay inside the outer span. A paragraph is a line of the text. A quote
// left open at the end of its paragraph ends there (never later): when the next
// paragraph reopens with the same mark it is the convention for a quote running
// over paragraphs (`continued`), otherwise the mark was stray (`closed` false).
// Pure function of its input; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace quotetrail {

struct QuoteSpan {
  size_t open = 0;     // byte offset of the opening mark
  size_t after = 0;    // byte offset just past the closing mark (or paragraph end)
  size_t begin = 0;    // inner text, spaces trimmed
  size_t end = 0;
  size_t para_begin = 0, para_end = 0;  // the paragraph holding the quote
  char32_t mark = 0;   // the opening mark
  bool closed = true;
  bool continued = false;  // runs on into the next paragraph
};

// english: whether ‘ ’ may delimit outer quotes. Spans come sorted by `open`
// and do not overlap.
std::vector<QuoteSpan> FindQuoteSpans(std::string_view text, bool english);

// English text that writes its quotations with straight single quotes
// ('We will fight,' he said) and has no double or typographic quotation mark
// at all: the text with the single quotes that open and close a quotation
// turned into ‘ and ’ (one code point each, so code point offsets hold), for
// FindQuoteSpans(…, true). An opening ' follows a space, a bracket or a dash,
// the paragraph's start, and comes before a letter (not 'em, 'til, 'cause,
// 'tis, 'twas, 'n', nor '90s); the next ' that is not between two letters
// (don't) nor of an opening's shape (waited 'em out) closes it, except a
// plural's possessive (workers' rights: after "s", before a space and a
// lower-case letter), the last of which is taken only when nothing else closes
// the quotation in its paragraph. An opening ' never closed in its paragraph
// stays as it is. Empty when the text has no such quotation.
std::string SingleQuotesAsMarks(std::string_view text);

// Whether byte `pos` lies strictly inside one of `spans` (after its opening
// mark, before the end of its closing mark). O(log n).
bool InsideQuote(const std::vector<QuoteSpan>& spans, size_t pos);

}  // namespace quotetrail
