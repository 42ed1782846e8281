#include "timestamp.h"

#include <chrono>
#include <cstdio>

namespace quotetrail {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// A cursor over the input with the small readers both grammars need.
struct Cursor {
  std::string_view s;
  size_t i = 0;

  bool Done() const { return i >= s.size(); }
  char Peek() const { return Done() ? '\0' : s[i]; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++i;
    return true;
  }
  void SkipSpaces() {
    while (!Done() && (s[i] == ' ' || s[i] == '\t')) ++i;
  }
  // Exactly n digits.
  bool Digits(int n, int* out) {
    int v = 0;
    for (int k = 0; k < n; ++k) {
      if (Done() || s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i++] - '0');
    }
    *out = v;
    return true;
  }
  // One or two digits.
  bool ShortNumber(int* out) {
    if (!Digits(1, out)) return false;
    int more;
    if (!Done() && s[i] >= '0' && s[i] <= '9' && Digits(1, &more)) *out = *out * 10 + more;
    return true;
  }
  bool Word(std::string* out) {
    size_t b = i;
    while (!Done() && ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')) ++i;
    out->assign(s.substr(b, i - b));
    for (char& c : *out) c = static_cast<char>(c | 0x20);
    return i > b;
  }
};

struct Fields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
  int offset_minutes = 0;  // east of UTC
};

// Z, UTC, GMT, UT, +HH:MM, +HHMM, +HH (and -); nothing means UTC.
bool ParseZone(Cursor& c, Fields& f) {
  c.SkipSpaces();
  if (c.Done()) return true;
  if (c.Eat('Z') || c.Eat('z')) return true;
  if (c.Peek() == '+' || c.Peek() == '-') {
    const int sign = c.s[c.i++] == '-' ? -1 : 1;
    int hh = 0, mm = 0;
    if (!c.Digits(2, &hh)) return false;
    if (c.Eat(':')) {
      if (!c.Digits(2, &mm)) return false;
    } else if (!c.Done()) {
      if (!c.Digits(2, &mm)) return false;
    }
    if (hh > 23 || mm > 59) return false;
    f.offset_minutes = sign * (hh * 60 + mm);
    return true;
  }
  std::string w;
  if (!c.Word(&w)) return false;
  return w == "utc" || w == "gmt" || w == "ut";
}

// HH:MM[:SS[.fff]]
bool ParseClock(Cursor& c, Fields& f) {
  if (!c.Digits(2, &f.hour) || !c.Eat(':') || !c.Digits(2, &f.minute)) return false;
  if (c.Eat(':')) {
    if (!c.Digits(2, &f.second)) return false;
    if (c.Eat('.') || c.Eat(',')) {
      int64_t scale = 100000;
      bool any = false;
      while (!c.Done() && c.Peek() >= '0' && c.Peek() <= '9') {
        f.micros += (c.s[c.i++] - '0') * scale;
        scale /= 10;
        any = true;
      }
      if (!any) return false;
    }
  }
  return true;
}

bool ParseIso(std::string_view text, Fields& f) {
  Cursor c{text};
  if (!c.Digits(4, &f.year) || !c.Eat('-') || !c.Digits(2, &f.month) || !c.Eat('-') ||
      !c.Digits(2, &f.day)) {
    return false;
  }
  if (c.Done()) return true;
  if (!(c.Eat('T') || c.Eat('t') || c.Eat(' '))) return false;
  if (!ParseClock(c, f)) return false;
  if (!ParseZone(c, f)) return false;
  c.SkipSpaces();
  return c.Done();
}

int MonthFromName(const std::string& w) {
  static constexpr const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                            "jul", "aug", "sep", "oct", "nov", "dec"};
  if (w.size() < 3) return 0;
  for (int m = 0; m < 12; ++m) {
    if (w.compare(0, 3, kMonths[m]) == 0) return m + 1;
  }
  return 0;
}

bool ParseRfc2822(std::string_view text, Fields& f) {
  Cursor c{text};
  std::string w;
  c.SkipSpaces();
  const size_t start = c.i;
  if (c.Word(&w)) {  // optional weekday
    if (!c.Eat(',')) return false;
  } else {
    c.i = start;
  }
  c.SkipSpaces();
  if (!c.ShortNumber(&f.day)) return false;
  c.SkipSpaces();
  if (!c.Word(&w) || (f.month = MonthFromName(w)) == 0) return false;
  c.SkipSpaces();
  if (!c.Digits(4, &f.year)) return false;
  c.SkipSpaces();
  if (c.Done()) return true;
  if (!ParseClock(c, f)) return false;
  if (!ParseZone(c, f)) return false;
  c.SkipSpaces();
  return c.Done();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<int64_t> ParseTimestamp(std::string_view text) {
  const std::string_view t = Trim(text);
  Fields f;
  const bool parsed = !t.empty() && (t[0] >= '0' && t[0] <= '9' && t.size() >= 10 && t[4] == '-'
                                         ? ParseIso(t, f)
                                         : ParseRfc2822(t, f));
  auto bad = [&](const std::string& why) {
    return InvalidArgument("not a date/time: '" + std::string(t.substr(0, 80)) + "' (" + why + ")");
  };
  if (!parsed) return bad("expected ISO 8601 such as 2025-07-12T10:30:00Z");
  if (f.year < 1000 || f.month < 1 || f.month > 12 || f.day < 1 ||
      static_cast<unsigned>(f.day) > DaysInMonth(f.year, static_cast<unsigned>(f.month))) {
    return bad("no such date");
  }
  if (f.hour > 23 || f.minute > 59 || f.second > 60) return bad("no such time of day");
  if (f.second == 60) f.second = 59;
  const int64_t days = DaysFromCivil(f.year, static_cast<unsigned>(f.month), static_cast<unsigned>(f.day));
  const int64_t seconds = days * 86400 + f.hour * 3600 + f.minute * 60 + f.second -
                          static_cast<int64_t>(f.offset_minutes) * 60;
  return seconds * kMicrosPerSecond + f.micros;
}

namespace {

std::string Format(int64_t micros, const char* date_time_sep, const char* zone) {
  int64_t secs = micros / kMicrosPerSecond;
  int64_t frac = micros % kMicrosPerSecond;
  if (frac < 0) {
    frac += kMicrosPerSecond;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u%s%02d:%02d:%02d",
                        static_cast<long long>(y), m, d, date_time_sep, static_cast<int>(rem / 3600),
                        static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    out += buf;
  }
  return out + zone;
}

}  // namespace

std::string FormatTimestamp(int64_t micros) { return Format(micros, " ", "+00"); }

std::string FormatTimestampIso(int64_t micros) { return Format(micros, "T", "Z"); }

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace quotetrail
