#include "utf8.h"

#include <bit>
#include <cstdint>
#include <cstring>

namespace quotetrail {
namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ULL;

inline uint64_t Load64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Index (0..7) of the first byte, in memory order, whose high bit is set in
// `mask` (a non-zero word of 0x80 bits).
inline unsigned FirstHighByte(uint64_t mask) {
  if constexpr (std::endian::native == std::endian::little) {
    return static_cast<unsigned>(std::countr_zero(mask)) / 8;
  } else {
    return static_cast<unsigned>(std::countl_zero(mask)) / 8;
  }
}

inline bool IsCont(unsigned char b) { return (b & 0xC0) == 0x80; }

// Looks at the sequence starting at p[0], a byte >= 0x80, with `avail` bytes
// available (>= 1). Returns its length (2..4) when it is a valid sequence, or
// minus the length of its maximal invalid subpart (-1..-3) when it is not.
inline int CheckSequence(const unsigned char* p, size_t avail) {
  const unsigned char b0 = p[0];
  int need;               // continuation bytes after the lead
  unsigned char lo = 0x80, hi = 0xBF;  // range allowed for the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    if (b0 == 0xE0) lo = 0xA0;        // no overlongs
    else if (b0 == 0xED) hi = 0x9F;   // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    if (b0 == 0xF0) lo = 0x90;        // no overlongs
    else if (b0 == 0xF4) hi = 0x8F;   // nothing above U+10FFFF
  } else {
    return -1;  // continuation byte, C0, C1, F5..FF
  }
  if (avail < 2 || p[1] < lo || p[1] > hi) return -1;
  for (int k = 2; k <= need; ++k) {
    if (static_cast<size_t>(k) >= avail || !IsCont(p[k])) return -k;
  }
  return need + 1;
}

// Offset of the first byte at or after `i` that is >= 0x80, or n.
inline size_t SkipAscii(const unsigned char* p, size_t i, size_t n) {
  while (i + 16 <= n) {
    const uint64_t a = Load64(p + i);
    const uint64_t b = Load64(p + i + 8);
    if (((a | b) & kHighBits) == 0) {
      i += 16;
      continue;
    }
    const uint64_t ma = a & kHighBits;
    return ma ? i + FirstHighByte(ma) : i + 8 + FirstHighByte(b & kHighBits);
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

constexpr char kReplacement[] = "\xEF\xBF\xBD";

void AppendCodePointsFromTable(std::string& out, std::string_view s,
                               const char32_t* high_table /* 0x80..0xFF */) {
  out.reserve(out.size() + s.size() + s.size() / 8);
  for (unsigned char c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      AppendUtf8(out, high_table[c - 0x80]);
    }
  }
}

}  // namespace

bool IsValidUtf8(std::string_view s, size_t* bad_byte_offset) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (true) {
    i = SkipAscii(p, i, n);
    // Non-ASCII text (Cyrillic, Hangul...) runs in a tight loop of its own.
    while (i < n && p[i] >= 0x80) {
      const int len = CheckSequence(p + i, n - i);
      if (len < 0) {
        if (bad_byte_offset) *bad_byte_offset = i;
        return false;
      }
      i += static_cast<size_t>(len);
    }
    if (i >= n) return true;
  }
}

std::string RepairUtf8(std::string_view s, size_t* replaced) {
  size_t bad = 0;
  if (IsValidUtf8(s, &bad)) {
    if (replaced) *replaced = 0;
    return std::string(s);
  }
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  std::string out;
  out.reserve(n + 16);
  out.append(s.data(), bad);
  size_t count = 0;
  size_t i = bad;
  size_t run_start = bad;  // start of the pending run of valid bytes
  while (i < n) {
    if (p[i] < 0x80) {
      i = SkipAscii(p, i, n);
      continue;
    }
    const int len = CheckSequence(p + i, n - i);
    if (len > 0) {
      i += static_cast<size_t>(len);
      continue;
    }
    out.append(s.data() + run_start, i - run_start);
    out.append(kReplacement, 3);
    ++count;
    i += static_cast<size_t>(-len);
    run_start = i;
  }
  out.append(s.data() + run_start, n - run_start);
  if (replaced) *replaced = count;
  return out;
}

size_t CountCodePoints(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t count = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint64_t w = Load64(p + i);
    // A continuation byte is 10xxxxxx: bit 7 set, bit 6 clear.
    const uint64_t cont = w & ~(w << 1) & kHighBits;
    count += 8 - static_cast<size_t>(std::popcount(cont));
  }
  for (; i < n; ++i) count += !IsCont(p[i]);
  return count;
}

char32_t DecodeUtf8(std::string_view s, size_t& pos) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + pos;
  const unsigned char b0 = p[0];
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  const int len = CheckSequence(p, s.size() - pos);
  if (len < 0) {
    pos += static_cast<size_t>(-len);
    return U'\uFFFD';
  }
  pos += static_cast<size_t>(len);
  switch (len) {
    case 2:
      return (char32_t{b0 & 0x1Fu} << 6) | (p[1] & 0x3Fu);
    case 3:
      return (char32_t{b0 & 0x0Fu} << 12) | (char32_t{p[1] & 0x3Fu} << 6) | (p[2] & 0x3Fu);
    default:
      return (char32_t{b0 & 0x07u} << 18) | (char32_t{p[1] & 0x3Fu} << 12) |
             (char32_t{p[2] & 0x3Fu} << 6) | (p[3] & 0x3Fu);
  }
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp >= 0xD800 && cp <= 0xDFFF) {
    out.append(kReplacement, 3);
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp <= 0x10FFFF) {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.append(kReplacement, 3);
  }
}

std::string Windows1252ToUtf8(std::string_view s) {
  // The WHATWG windows-1252 index: 0x80..0x9F differ from Latin-1, the rest
  // of the upper half is the code point of the same value.
  static constexpr char32_t k80[32] = {
      0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
      0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
  char32_t table[128];
  for (int i = 0; i < 128; ++i) table[i] = i < 32 ? k80[i] : static_cast<char32_t>(0x80 + i);
  std::string out;
  AppendCodePointsFromTable(out, s, table);
  return out;
}

std::string Latin9ToUtf8(std::string_view s) {
  char32_t table[128];
  for (int i = 0; i < 128; ++i) table[i] = static_cast<char32_t>(0x80 + i);
  table[0xA4 - 0x80] = 0x20AC;  // €
  table[0xA6 - 0x80] = 0x0160;  // Š
  table[0xA8 - 0x80] = 0x0161;  // š
  table[0xB4 - 0x80] = 0x017D;  // Ž
  table[0xB8 - 0x80] = 0x017E;  // ž
  table[0xBC - 0x80] = 0x0152;  // Œ
  table[0xBD - 0x80] = 0x0153;  // œ
  table[0xBE - 0x80] = 0x0178;  // Ÿ
  std::string out;
  AppendCodePointsFromTable(out, s, table);
  return out;
}

}  // namespace quotetrail
