// quote_filter.h: the filters shared by every way of listing quotes
// (GET /api/v1/quotes, GET /api/v1/export.csv, `quotetrail export`).
//
// A filter selects occurrences, and the clusters (quotes) that have one:
//   q        the cluster's words match: the normalised query (NormalizeQuote)
//            occurs in the cluster's normalised text, or pg_trgm
//            word_similarity >= kFindMinWordSimilarity, or the language's
//            full-text query matches (quote_search.h); partial, accent- and
//            case-insensitive. Empty: every cluster.
//   speaker  the occurrence's resolved speaker has a name or alias whose key
//            (SpeakerKey) contains SpeakerKey(speaker)
//   agency   the occurrence came through a relay whose name or alias, folded,
//            equals the folded value, or its agencies.id when all digits
//   outlet   the occurrence's document's outlet name, folded, contains it
//   lang     the document's language, "fr" also matching "fr-FR"
//   kind     full | partial | indirect
//   from/to  the document's published_at in [from, to); a date alone for
//            `to` means the end of that day (to=2025-07-12 includes the 12th)
// All filters given must hold for one and the same occurrence. Values are
// checked here, so callers can report a 400 that names the parameter.
//
// Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "result.h"

namespace quotetrail {

inline constexpr size_t kMaxQueryBytes = 500;        // q
inline constexpr size_t kMaxFilterValueBytes = 200;  // every other value

struct QuoteFilter {
  std::string q;
  std::string speaker;
  std::string agency;
  std::string outlet;
  std::string lang;  // lower case: "fr", "en-gb"
  std::string kind;  // "", "full", "partial" or "indirect"
  std::optional<int64_t> from_us;  // inclusive, microseconds (timestamp.h)
  std::optional<int64_t> to_us;    // exclusive

  bool empty() const {
    return q.empty() && speaker.empty() && agency.empty() && outlet.empty() && lang.empty() &&
           kind.empty() && !from_us && !to_us;
  }
};

// Reads the filter from named parameters: `param(name)` returns the value of
// q, speaker, agency, outlet, lang, kind, from or to, or nullopt when absent.
// Values are trimmed; empty values count as absent. kInvalidArgument names
// the parameter: "from: not a date/time: 'x' (...)", "kind: must be full,
// partial or indirect", "q: longer than 500 bytes", "speaker: not valid
// UTF-8", "to: before from".
Result<QuoteFilter> ParseQuoteFilter(
    const std::function<std::optional<std::string>(std::string_view name)>& param);

}  // namespace quotetrail
