// quote_filter.cc: see quote_filter.h.
#include "quote_filter.h"

#include <array>

#include "timestamp.h"
#include "utf8.h"

namespace quotetrail {
namespace {

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

std::string Trim(std::string s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

bool IsDateOnly(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

bool IsLanguageTag(std::string_view s) {
  // "fr", "eng", "en-GB", "zh-Hant": letters, then "-" and 2-8 letters/digits.
  size_t i = 0;
  while (i < s.size() && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) ++i;
  if (i < 2 || i > 3) return false;
  while (i < s.size()) {
    if (s[i] != '-') return false;
    size_t j = ++i;
    while (j < s.size() && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
                            (s[j] >= '0' && s[j] <= '9')))
      ++j;
    if (j - i < 1 || j - i > 8) return false;
    i = j;
  }
  return true;
}

}  // namespace

Result<QuoteFilter> ParseQuoteFilter(
    const std::function<std::optional<std::string>(std::string_view name)>& param) {
  QuoteFilter f;
  struct Field {
    const char* name;
    std::string* out;
  };
  std::string from, to;
  const std::array<Field, 8> fields = {{{"q", &f.q},
                                        {"speaker", &f.speaker},
                                        {"agency", &f.agency},
                                        {"outlet", &f.outlet},
                                        {"lang", &f.lang},
                                        {"kind", &f.kind},
                                        {"from", &from},
                                        {"to", &to}}};
  for (const Field& field : fields) {
    std::optional<std::string> v = param(field.name);
    if (!v) continue;
    std::string value = Trim(std::move(*v));
    const std::string name = field.name;
    if (!IsValidUtf8(value)) return InvalidArgument(name + ": not valid UTF-8");
    if (value.find('\0') != std::string::npos) return InvalidArgument(name + ": contains a NUL byte");
    size_t limit = name == "q" ? kMaxQueryBytes : kMaxFilterValueBytes;
    if (value.size() > limit)
      return InvalidArgument(name + ": longer than " + std::to_string(limit) + " bytes");
    *field.out = std::move(value);
  }
  if (!f.kind.empty() && f.kind != "full" && f.kind != "partial" && f.kind != "indirect")
    return InvalidArgument("kind: must be full, partial or indirect, not '" + f.kind + "'");
  if (!f.lang.empty()) {
    if (!IsLanguageTag(f.lang))
      return InvalidArgument("lang: not a language code such as fr or en-GB: '" + f.lang + "'");
    for (char& c : f.lang)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!from.empty()) {
    Result<int64_t> t = ParseTimestamp(from);
    if (!t.ok()) return InvalidArgument("from: " + t.status().message());
    f.from_us = *t;
  }
  if (!to.empty()) {
    Result<int64_t> t = ParseTimestamp(to);
    if (!t.ok()) return InvalidArgument("to: " + t.status().message());
    f.to_us = IsDateOnly(to) ? *t + kMicrosPerDay : *t;
  }
  if (f.from_us && f.to_us && *f.to_us <= *f.from_us) return InvalidArgument("to: not after from");
  return f;
}

}  // namespace quotetrail
