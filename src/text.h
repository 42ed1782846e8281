// text.h: character classes, case folding and tokens for news text.
//
// Everything works on UTF-8 bytes with byte offsets; the quote finder converts
// to code-point offsets only when it reports. The tables cover Latin (incl.
// Latin-1 and Extended-A/B accents), Greek and Cyrillic, which is what French
// and English news text holds; other scripts are treated as letters without
// case. Pure functions, thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "utf8.h"

namespace quotetrail {

// Decodes the code point at s[pos] and advances pos (by 1 on an invalid byte,
// which yields U+FFFD). pos must be < s.size(). Inline: ASCII bytes, most of
// news text, take no call.
inline char32_t NextCodePoint(std::string_view s, size_t& pos) {
  const unsigned char b = static_cast<unsigned char>(s[pos]);
  if (b < 0x80) { ++pos; return b; }
  return DecodeUtf8(s, pos);
}
// Decodes the code point that ends just before s[pos] and moves pos back to its
// first byte. pos must be > 0.
char32_t PrevCodePoint(std::string_view s, size_t& pos);

namespace text_internal {
// The classes above U+007F (text.cc); the inline functions below answer ASCII.
bool IsLetterBeyondAscii(char32_t c);
bool IsUpperBeyondAscii(char32_t c);
bool IsSpaceBeyondAscii(char32_t c);
}  // namespace text_internal

inline bool IsLetter(char32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  return text_internal::IsLetterBeyondAscii(c);
}
inline bool IsUpper(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  return text_internal::IsUpperBeyondAscii(c);
}
inline bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }
// Space, tab, newline, no-break space U+00A0, narrow no-break space U+202F, thin spaces.
inline bool IsSpace(char32_t c) {
  if (c < 0x80) return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  return text_internal::IsSpaceBeyondAscii(c);
}
// Apostrophes: ' ’ ʼ
bool IsApostrophe(char32_t c);

// Lower case, accents removed, apostrophes folded to ', spaces collapsed:
// "Sergueï  LAVROV" -> "serguei lavrov". For comparing names and words.
std::string Fold(std::string_view s);
// The same into *out (cleared first), reusing its buffer in hot loops.
void FoldInto(std::string_view s, std::string* out);
// FoldInto, but gives up and returns false as soon as the folded form is
// longer than `max` bytes (*out then holds a prefix); true when it is not.
bool FoldIntoAtMost(std::string_view s, size_t max, std::string* out);
// Whether Fold(s) == s: printable ASCII without capitals or spaces.
// Fold(s) as a view: `s` itself when it is folded already (printable ASCII
// without capitals or spaces: most words of news text, no copy), else the
// fold written into *buf. The view lives as long as `s` and *buf do.
inline bool IsFolded(std::string_view s) {
  for (char c : s) {
    const unsigned char b = static_cast<unsigned char>(c);
    if (b - 0x21u >= 0x5Eu || (b >= 'A' && b <= 'Z')) return false;
  }
  return true;
}
inline std::string_view FoldView(std::string_view s, std::string* buf) {
  if (IsFolded(s)) return s;
  FoldInto(s, buf);
  return *buf;
}

// Trims spaces (IsSpace) at both ends.
std::string_view TrimSpaces(std::string_view s);

// Whether `tok` has two letters or more, all upper case: an acronym ("WHO", "KCNA").
bool AllCaps(std::string_view tok);

struct Token {
  size_t begin = 0;  // byte offsets in the text
  size_t end = 0;
  bool upper = false;  // first letter is upper case
  std::string_view text;
};

// Words: runs of letters and digits with inner hyphens, dots of initials are
// not included; an apostrophe splits an elided article ("l’agence" -> "l’",
// "agence") and is kept inside names ("O'Donnell").
std::vector<Token> Tokenize(std::string_view text, size_t base = 0);
// Tokenize(text).size(), without building the list.
size_t CountTokens(std::string_view text);
// Tokenize(text, base)'s words given to visit in order, until it returns
// false: for loops that stop at the first word that decides.
void ScanTokens(std::string_view text, size_t base, const std::function<bool(const Token&)>& visit);

}  // namespace quotetrail
