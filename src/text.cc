#include "text.h"

#include <algorithm>
#include <array>

#include "utf8.h"

namespace quotetrail {

char32_t PrevCodePoint(std::string_view s, size_t& pos) {
  size_t start = pos - 1;
  while (start > 0 && pos - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  size_t p = start;
  char32_t cp = NextCodePoint(s, p);
  if (p != pos) { pos = pos - 1; return 0xFFFD; }
  pos = start;
  return cp;
}

namespace text_internal {

bool IsUpperBeyondAscii(char32_t c) {
  if (c >= 0xC0 && c <= 0xDE) return c != 0xD7;
  if (c >= 0x100 && c <= 0x137) return c % 2 == 0;
  if (c >= 0x139 && c <= 0x148) return c % 2 == 1;
  if (c >= 0x14A && c <= 0x177) return c % 2 == 0;
  if (c == 0x178 || c == 0x179 || c == 0x17B || c == 0x17D) return true;
  if (c >= 0x218 && c <= 0x21B) return c % 2 == 0;
  if (c >= 0x391 && c <= 0x3AB) return true;
  if (c >= 0x400 && c <= 0x42F) return true;
  if (c >= 0x1E00 && c <= 0x1EFF) return c % 2 == 0;
  return false;
}

bool IsLetterBeyondAscii(char32_t c) {
  if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;
  if (c >= 0x370 && c <= 0x3FF) return true;   // Greek
  if (c >= 0x400 && c <= 0x52F) return true;   // Cyrillic
  if (c >= 0x1E00 && c <= 0x1EFF) return true; // Latin extended additional
  if (c >= 0x0590 && c <= 0x06FF) return true; // Hebrew, Arabic
  if (c >= 0x0900 && c <= 0x0DFF) return true; // Indic
  if (c >= 0x3040 && c <= 0x9FFF) return true; // Kana, CJK
  if (c >= 0xAC00 && c <= 0xD7AF) return true; // Hangul
  return false;
}

bool IsSpaceBeyondAscii(char32_t c) {
  return c == 0xA0 || c == 0x202F || c == 0x2009 || c == 0x2007 || c == 0x200A || c == 0x2002 ||
         c == 0x2003 || c == 0x3000;
}

}  // namespace text_internal

bool IsApostrophe(char32_t c) { return c == '\'' || c == 0x2019 || c == 0x2BC; }

namespace {

// Base letter of a Latin accented letter, lower-cased; 0 when not in the table.
char32_t FoldLatin(char32_t c) {
  static constexpr char kLatin1[] =  // U+00C0..U+00FF
      "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
      "aaaaaaaceeeeiiiidnooooo\0ouuuuyty";
  if (c >= 0xC0 && c <= 0xFF) {
    char b = kLatin1[c - 0xC0];
    return b ? static_cast<char32_t>(b) : c;
  }
  static constexpr char kExtA[] =  // U+0100..U+017F, two per letter pair
      "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiijjjjkkklllllllllln"
      "nnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
  if (c >= 0x100 && c <= 0x17F) return static_cast<char32_t>(kExtA[c - 0x100]);
  if (c >= 0x218 && c <= 0x21B) return c < 0x21A ? 's' : 't';
  if (c >= 0x1E00 && c <= 0x1EFF) return 0;  // rare: keep as is
  return 0;
}

char32_t ToLower(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if (c >= 0x391 && c <= 0x3AB) return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

}  // namespace

namespace {

// Fold(s) into out, stopping (false) as soon as out holds more than `max`
// bytes: the folded form only grows, so it would end longer than `max`.
bool FoldBounded(std::string_view s, size_t max, std::string& out) {
  // Most calls fold one word of printable ASCII: copied and lowered at once.
  if (s.size() <= max) {
    size_t i = 0;
    while (i < s.size() && static_cast<unsigned char>(s[i]) - 0x21u < 0x5Eu) ++i;  // '!' .. '~'
    if (i == s.size()) {
      out.assign(s.data(), s.size());
      for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      return true;
    }
  }
  out.clear();
  if (out.capacity() < s.size()) out.reserve(s.size());
  bool space = false;
  for (size_t i = 0; i < s.size();) {
    if (out.size() > max) return false;
    const unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {  // ASCII: what the general path below does, without decoding
      if (b == ' ' || b == '\t' || b == '\n' || b == '\r') { space = !out.empty(); ++i; continue; }
      if (space) { out += ' '; space = false; }
      // the run of ASCII non-spaces from here (at most what `max` still
      // allows, plus one), appended at once and lowered in place
      const size_t limit = max >= s.size() ? s.size() : std::min(s.size(), i + (max - out.size()) + 1);
      size_t j = i + 1;
      while (j < limit) {
        const unsigned char c = static_cast<unsigned char>(s[j]);
        if (c >= 0x80 || c == ' ' || c == '\t' || c == '\n' || c == '\r') break;
        ++j;
      }
      const size_t o = out.size();
      out.append(s.data() + i, j - i);
      for (size_t k = o; k < out.size(); ++k)
        if (out[k] >= 'A' && out[k] <= 'Z') out[k] = static_cast<char>(out[k] + 32);
      i = j;
      continue;
    }
    char32_t c = NextCodePoint(s, i);
    if (IsSpace(c)) { space = !out.empty(); continue; }
    if (space) { out += ' '; space = false; }
    if (IsApostrophe(c) || c == 0x2018) { out += '\''; continue; }
    if (c == 0x2010 || c == 0x2011) { out += '-'; continue; }
    if (c == 0xAD) continue;  // soft hyphen
    if (c == 0x153) { out += "oe"; continue; }
    if (c == 0x152) { out += "oe"; continue; }
    if (c == 0xE6 || c == 0xC6) { out += "ae"; continue; }
    if (c == 0xDF) { out += "ss"; continue; }
    if (char32_t b = FoldLatin(c)) { out += static_cast<char>(b); continue; }
    AppendUtf8(out, ToLower(c));
  }
  return out.size() <= max;
}

}  // namespace

std::string Fold(std::string_view s) {
  std::string out;
  FoldBounded(s, std::string::npos, out);
  return out;
}

void FoldInto(std::string_view s, std::string* out) { FoldBounded(s, std::string::npos, *out); }

bool FoldIntoAtMost(std::string_view s, size_t max, std::string* out) { return FoldBounded(s, max, *out); }

bool AllCaps(std::string_view tok) {
  int letters = 0;
  for (size_t i = 0; i < tok.size();) {
    char32_t c = NextCodePoint(tok, i);
    if (IsLetter(c)) {
      ++letters;
      if (!IsUpper(c)) return false;
    }
  }
  return letters >= 2;
}

std::string_view TrimSpaces(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e) {
    size_t p = b;
    if (!IsSpace(NextCodePoint(s, p))) break;
    b = p;
  }
  while (e > b) {
    size_t p = e;
    if (!IsSpace(PrevCodePoint(s, p))) break;
    e = p;
  }
  return s.substr(b, e - b);
}

namespace {

// Whether the word before an apostrophe is an elided French article or
// conjunction (l’ d’ qu’ n’ s’ j’ c’ m’ t’ jusqu’ lorsqu’ puisqu’ quoiqu’),
// as folded. ASCII words are lowered in place; others are folded.
bool IsElided(std::string_view w) {
  char low[8];
  std::string folded;
  std::string_view f;
  bool ascii = w.size() <= sizeof(low);
  for (size_t i = 0; ascii && i < w.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(w[i]);
    if (c >= 0x80) ascii = false;
    else low[i] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  if (ascii) {
    f = std::string_view(low, w.size());
  } else {
    folded = Fold(w);
    f = folded;
  }
  return f == "l" || f == "d" || f == "qu" || f == "n" || f == "s" || f == "j" || f == "c" || f == "m" ||
         f == "t" || f == "jusqu" || f == "lorsqu" || f == "puisqu" || f == "quoiqu";
}

// The words of `text` (Tokenize's), each given to emit(begin, end, upper) in
// offsets of `text`, in order, until emit returns false.
template <typename Emit>
void ForEachToken(std::string_view text, Emit&& emit) {
  // Bytes by table: 1 ASCII letter or digit, 2 ASCII joiner (- '), 3 beyond
  // ASCII (decoded), 0 other.
  static constexpr auto kByte = [] {
    std::array<unsigned char, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[c] = 1;
    for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 32] = 1;
    t['-'] = t['\''] = 2;
    for (int c = 0x80; c < 0x100; ++c) t[c] = 3;
    return t;
  }();
  const char* const bytes = text.data();
  const size_t n = text.size();
  auto kind = [bytes](size_t k) { return kByte[static_cast<unsigned char>(bytes[k])]; };
  // The runs of bytes are scanned with a copy of `i` (which NextCodePoint
  // takes by reference, so it would live in memory).
  auto skip = [&](size_t from, auto pred) {
    size_t k = from;
    while (k < n && pred(kind(k))) ++k;
    return k;
  };
  size_t i = 0;
  while (i < n) {
    i = skip(i, [](unsigned char c) { return (c & 1) == 0; });  // no word starts at ASCII but a letter or digit
    if (i >= n) break;
    const size_t start = i;
    bool upper;
    if (kind(i) == 1) {
      upper = text[i] >= 'A' && text[i] <= 'Z';
      ++i;
    } else {
      char32_t c = NextCodePoint(text, i);
      if (!IsLetter(c) && !IsDigit(c)) continue;
      upper = IsUpper(c);
    }
    // The word runs over letters and digits, and over a joiner when a letter
    // follows it (an apostrophe after an elided French word ends it).
    for (;;) {
      i = skip(i, [](unsigned char c) { return c == 1; });
      if (i >= n || kind(i) == 0) break;
      size_t p = i;
      char32_t d = NextCodePoint(text, p);
      if (IsLetter(d) || IsDigit(d) || d == 0xAD) { i = p; continue; }
      if (d == '-' || d == 0x2010 || d == 0x2011 || IsApostrophe(d)) {
        size_t q = p;
        if (q < n) {
          char32_t e2 = NextCodePoint(text, q);
          if (IsLetter(e2) || IsDigit(e2)) {
            // French elision: l’ d’ qu’ n’ s’ j’ c’ jusqu’ lorsqu’ ... split after the apostrophe
            if (IsApostrophe(d) && IsElided(text.substr(start, i - start))) {
              i = p;
              break;
            }
            i = q;
            continue;
          }
        }
      }
      break;
    }
    if (!emit(start, i, upper)) return;
  }
}

}  // namespace

std::vector<Token> Tokenize(std::string_view text, size_t base) {
  std::vector<Token> out;
  out.reserve(text.size() / 6 + 1);  // about one word in six bytes of news text
  ForEachToken(text, [&](size_t b, size_t e, bool upper) {
    out.push_back({base + b, base + e, upper, text.substr(b, e - b)});
    return true;
  });
  return out;
}

size_t CountTokens(std::string_view text) {
  size_t n = 0;
  ForEachToken(text, [&](size_t, size_t, bool) { ++n; return true; });
  return n;
}

void ScanTokens(std::string_view text, size_t base, const std::function<bool(const Token&)>& visit) {
  ForEachToken(text, [&](size_t b, size_t e, bool upper) {
    return visit(Token{base + b, base + e, upper, text.substr(b, e - b)});
  });
}

}  // namespace quotetrail
