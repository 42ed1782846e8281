// timestamp.h: publication times as news pages write them.
//
// ParseTimestamp reads the forms found in article:published_time, JSON-LD
// datePublished, <time datetime>, JSONL "published_at" fields and feeds:
//   ISO 8601 / RFC 3339   2025-07-12, 2025-07-12T10:30, 2025-07-12T10:30:00,
//                         with fractional seconds (.5, .123456789: kept to the
//                         microsecond), 'T' or one space between date and
//                         time, and a zone Z, UTC, GMT, +02:00, +0200 or +02
//   RFC 2822              Sat, 12 Jul 2025 10:30:00 +0200 (weekday optional,
//                         seconds optional, zone +HHMM, GMT, UT or UTC)
// Without a zone the time is taken as UTC; a date alone is midnight UTC.
// Fields are range-checked (month 1-12, a day that exists in that month,
// 00:00:00-23:59:60, year 1000-9999); a leap second 60 counts as 59.
//
// Times are int64 microseconds since 1970-01-01T00:00:00Z (UTC).
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "result.h"

namespace quotetrail {

// Microseconds since the epoch (UTC), or kInvalidArgument naming the input:
// "not a date/time: 'yesterday' (expected ISO 8601 such as 2025-07-12T10:30:00Z)".
Result<int64_t> ParseTimestamp(std::string_view text);

// "2025-07-12 08:30:00+00", with ".123456" after the seconds when the
// microseconds are not zero: a form PostgreSQL reads as timestamptz.
std::string FormatTimestamp(int64_t micros);

// "2025-07-12T08:30:00Z" (RFC 3339, UTC, microseconds only when not zero).
std::string FormatTimestampIso(int64_t micros);

// The current time in microseconds since the epoch.
int64_t NowMicros();

}  // namespace quotetrail
