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

// Whether byte `pos` lies strictly inside one of `spans` (after its opening
// mark, before the end of its closing mark). O(log n).
bool InsideQuote(const std::vector<QuoteSpan>& spans, size_t pos);

}  // namespace quotetrail
