// utf8.h: validating, repairing, decoding and encoding UTF-8.
//
// Every article that enters quotetrail passes through IsValidUtf8 (or
// RepairUtf8), so validation is written to be fast: pure-ASCII stretches are
// checked 16 bytes at a time, and only bytes >= 0x80 take the slow path.
//
// "Valid" is strict UTF-8 as defined by Unicode (Table 3-7) and RFC 3629:
// no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF,
// no truncated sequences. NUL bytes are valid UTF-8 (callers that mind them,
// like the article reader, check separately).
//
// Thread-safety: all functions are pure; they touch only their arguments and
// may be called from any number of threads at once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace quotetrail {

// Returns true when `s` is entirely valid UTF-8. On false, and when
// `bad_byte_offset` is not null, stores the offset of the first byte of the
// first invalid (or truncated) sequence; on true it is left untouched.
bool IsValidUtf8(std::string_view s, size_t* bad_byte_offset = nullptr);

// Returns a copy of `s` in which each invalid sequence is replaced by U+FFFD
// (EF BF BD), following the Unicode "maximal subpart" practice also used by
// browsers: a lead byte followed by valid continuation bytes that stop short
// is one replacement; a stray continuation byte or an impossible byte (C0, C1,
// F5..FF) is one replacement each. When `replaced` is not null it receives the
// number of replacements made (0 when `s` was valid, in which case the result
// equals `s`).
std::string RepairUtf8(std::string_view s, size_t* replaced = nullptr);

// Returns the number of code points in `s`, which should be valid UTF-8
// (for invalid input this counts the bytes that are not continuation bytes,
// which is an estimate, never a crash).
size_t CountCodePoints(std::string_view s);

// Decodes the code point starting at s[pos] and advances `pos` past it.
// Meant for valid UTF-8. On an invalid or truncated sequence it returns
// U+FFFD and advances past the maximal invalid subpart (at least one byte),
// so a loop `while (pos < s.size()) DecodeUtf8(s, pos);` always terminates.
// Precondition: pos < s.size().
char32_t DecodeUtf8(std::string_view s, size_t& pos);

// Appends the UTF-8 encoding of `cp` to `out`. Surrogates and values above
// U+10FFFF are not encodable; U+FFFD is appended in their place.
void AppendUtf8(std::string& out, char32_t cp);

// Returns `s`, read as Windows-1252 (the WHATWG decoder that browsers also
// use for pages labelled iso-8859-1 / latin1 / us-ascii), converted to UTF-8.
// The five bytes Windows-1252 leaves undefined (81 8D 8F 90 9D) map to the
// C1 controls of the same value, as in the WHATWG index. Never fails.
std::string Windows1252ToUtf8(std::string_view s);

// Same for ISO-8859-15 (latin9: Latin-1 with the euro sign and Œœ Šš Žž Ÿ).
std::string Latin9ToUtf8(std::string_view s);

}  // namespace quotetrail
