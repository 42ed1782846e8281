#include "quote_finder.h"

#include <algorithm>
#include <cctype>

#include "text.h"

namespace quotetrail {

namespace {

struct Open {
  char32_t mark;
  size_t pos;     // offset of the mark
  size_t inner;   // offset after the mark
};

bool IsOpeningContext(char32_t prev) {
  return prev == 0 || IsSpace(prev) || prev == '(' || prev == '[' || prev == 0xAB ||
         prev == 0x2014 || prev == 0x2013 || prev == ':' || prev == '/' || prev == '{';
}

}  // namespace

std::vector<QuoteSpan> FindQuoteSpans(std::string_view text, bool english) {
  std::vector<QuoteSpan> out;
  size_t para_begin = 0;
  // The opening mark of a quote the paragraph before left open (0: none),
  // and the index of that quote in `out`.
  char32_t carried = 0;
  size_t carried_index = 0;
  while (para_begin <= text.size()) {
    size_t para_end = text.find('\n', para_begin);
    if (para_end == std::string_view::npos) para_end = text.size();
    std::vector<Open> stack;
    const size_t first_out = out.size();
    auto emit = [&](const Open& o, size_t close_pos, size_t after, bool closed) {
      QuoteSpan q;
      q.open = o.pos;
      q.after = after;
      std::string_view inner = TrimSpaces(text.substr(o.inner, close_pos - o.inner));
      q.begin = inner.empty() ? o.inner : static_cast<size_t>(inner.data() - text.data());
      q.end = q.begin + inner.size();
      q.para_begin = para_begin;
      q.para_end = para_end;
      q.mark = o.mark;
      q.closed = closed;
      if (q.end > q.begin) out.push_back(q);
    };
    size_t i = para_begin;
    while (i < para_end) {
      // Every mark is '"' or starts with byte 0xC2 (« ») or 0xE2 (the others),
      // which never continue a character: other bytes are stepped over.
      {
        // (in locals the compiler keeps in registers: `i` and `para_end` are
        // taken by address below)
        const char* d = text.data();
        size_t j = i;
        const size_t pe = para_end;
        while (j < pe) {
          const unsigned char lead = static_cast<unsigned char>(d[j]);
          if (lead == '"' || lead == 0xC2 || lead == 0xE2) break;
          ++j;
        }
        i = j;
        if (i >= pe) break;
      }
      size_t pos = i;
      char32_t c = NextCodePoint(text, i);
      if (c != '"' && c != 0xAB && c != 0xBB && c != 0x2039 && c != 0x203A && c != 0x201E && c != 0x201C &&
          c != 0x201D && c != 0x2018 && c != 0x2019)
        continue;
      // the characters either side of the mark (0 at the paragraph's ends)
      char32_t prev = 0;
      if (pos > para_begin) { size_t p = pos; prev = PrevCodePoint(text, p); }
      char32_t next = 0;
      if (i < para_end) { size_t p = i; next = NextCodePoint(text, p); }
      auto push = [&](char32_t m) { stack.push_back({m, pos, i}); };
      auto pop_to = [&](auto pred) -> bool {
        for (size_t k = stack.size(); k-- > 0;) {
          if (pred(stack[k].mark)) {
            Open o = stack[k];
            stack.resize(k);
            if (k == 0) emit(o, pos, i, true);
            return true;
          }
        }
        // A quote the paragraph before left open, going on here without
        // being reopened: « … (paragraph) … », a-t-il dit. Its first mark
        // closes it.
        if (stack.empty() && carried && out.size() == first_out && pred(carried)) {
          out[carried_index].continued = true;
          emit(Open{carried, para_begin, para_begin}, pos, i, true);
          carried = 0;
          return true;
        }
        return false;
      };
      switch (c) {
        case 0xAB: push(c); break;                                      // «
        case 0xBB: pop_to([](char32_t m) { return m == 0xAB; }); break; // »
        case 0x2039: push(c); break;                                    // ‹
        case 0x203A: pop_to([](char32_t m) { return m == 0x2039; }); break;
        case 0x201E: push(c); break;                                    // „
        case 0x201C:                                                    // “
          if (!stack.empty() && stack.back().mark == 0x201E) pop_to([](char32_t m) { return m == 0x201E; });
          else push(c);
          break;
        case 0x201D:                                                    // ”
          if (!pop_to([](char32_t m) { return m == 0x201C || m == 0x201E; }) && stack.empty() &&
              IsOpeningContext(prev) && next && !IsSpace(next))
            push(0x201C);  // ” used as an opening mark
          break;
        case '"':
          if (!stack.empty() && stack.back().mark == '"') {
            if (IsOpeningContext(prev) && next && !IsSpace(next) && stack.size() > 1) push(c);
            else pop_to([](char32_t m) { return m == '"'; });
          } else if (IsOpeningContext(prev) || (next && !IsSpace(next) && !IsLetter(prev) && !IsDigit(prev) && prev != '.' && prev != ',')) {
            push(c);
          } else {
            // a closing mark with nothing open: stray, ignored
            bool had = pop_to([](char32_t m) { return m == '"'; });
            (void)had;
          }
          break;
        case 0x2018:  // ‘
          if (english && IsOpeningContext(prev) && next && !IsSpace(next) && stack.empty()) push(c);
          break;
        case 0x2019:  // ’ closes ‘ unless it is an apostrophe inside a word
          if (!stack.empty() && stack.back().mark == 0x2018 && !(IsLetter(next) && IsLetter(prev)))
            pop_to([](char32_t m) { return m == 0x2018; });
          break;
        default: break;
      }
    }
    // (a blank line between the two paragraphs keeps the carried quote)
    if (!TrimSpaces(text.substr(para_begin, para_end - para_begin)).empty()) carried = 0;
    if (!stack.empty()) {
      // Left open at the paragraph's end: the quote ends here.
      Open o = stack.front();
      size_t e = para_end;
      emit(o, e, e, false);
      if (!out.empty() && out.back().open == o.pos && (o.mark == 0xAB || o.mark == 0x201C || o.mark == '"')) {
        carried = o.mark;
        carried_index = out.size() - 1;
      }
      // Does the next paragraph reopen with the same mark?
      size_t np = para_end + 1;
      while (np < text.size() && text[np] == '\n') ++np;
      if (np < text.size() && !out.empty() && out.back().open == o.pos) {
        size_t p = np;
        while (p < text.size()) {
          size_t q = p;
          char32_t c = NextCodePoint(text, q);
          if (!IsSpace(c)) { out.back().continued = (c == o.mark); break; }
          p = q;
        }
      }
    }
    if (para_end >= text.size()) break;
    para_begin = para_end + 1;
  }
  return out;
}

std::string SingleQuotesAsMarks(std::string_view text) {
  if (text.find('\'') == std::string_view::npos || text.find('"') != std::string_view::npos) return "";
  for (std::string_view mark : {"\u201C", "\u201D", "\u2018", "\u00AB", "\u201E"})
    if (text.find(mark) != std::string_view::npos) return "";
  std::vector<std::pair<size_t, size_t>> pairs;  // byte offsets of an opening and its closing '
  size_t para_begin = 0;
  while (para_begin < text.size()) {
    size_t para_end = text.find('\n', para_begin);
    if (para_end == std::string_view::npos) para_end = text.size();
    size_t open = std::string_view::npos, possessive = std::string_view::npos;
    for (size_t q = text.find('\'', para_begin); q < para_end; q = text.find('\'', q + 1)) {
      char32_t prev = 0, next = 0, after_next = 0;
      if (q > para_begin) { size_t p = q; prev = PrevCodePoint(text, p); }
      size_t p = q + 1;
      if (p < para_end) next = NextCodePoint(text, p);
      if (p < para_end) after_next = NextCodePoint(text, p);
      if (open == std::string_view::npos) {
        if (!IsOpeningContext(prev) || !IsLetter(next)) continue;
        // a word that drops its first letters: 'em, 'til, 'cause, 'tis, 'twas, 'n'
        size_t w = q + 1;
        while (w < para_end && std::isalpha(static_cast<unsigned char>(text[w]))) ++w;
        const std::string word = Fold(text.substr(q + 1, w - q - 1));
        if (word == "em" || word == "til" || word == "cause" || word == "tis" || word == "twas" || word == "n")
          continue;
        open = q;
        possessive = std::string_view::npos;
        continue;
      }
      if (IsLetter(prev) && IsLetter(next)) continue;  // don't, it's
      if (IsOpeningContext(prev) && IsLetter(next)) continue;  // an opening shape: 'em, a nested quotation
      if ((prev == 's' || prev == 'S') && next == ' ' && IsLetter(after_next) && !IsUpper(after_next)) {
        possessive = q;  // workers' rights (the last one: the quotation runs as far as it may)
        continue;
      }
      pairs.push_back({open, q});
      open = std::string_view::npos;
    }
    if (open != std::string_view::npos && possessive != std::string_view::npos) pairs.push_back({open, possessive});
    para_begin = para_end + 1;
  }
  if (pairs.empty()) return "";
  std::string out;
  out.reserve(text.size() + 4 * pairs.size());
  size_t from = 0;
  for (const auto& [o, c] : pairs) {
    out.append(text.substr(from, o - from)).append("\u2018");
    out.append(text.substr(o + 1, c - o - 1)).append("\u2019");
    from = c + 1;
  }
  out.append(text.substr(from));
  return out;
}

bool InsideQuote(const std::vector<QuoteSpan>& spans, size_t pos) {
  auto it = std::upper_bound(spans.begin(), spans.end(), pos,
                             [](size_t p, const QuoteSpan& q) { return p < q.open; });
  if (it == spans.begin()) return false;
  --it;
  return pos > it->open && pos < it->after;
}

}  // namespace quotetrail
