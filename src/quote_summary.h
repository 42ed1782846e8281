// quote_summary.h: the QuoteSummary object of the HTTP API contract
// (api_contract.md, "QuoteSummary"), loaded for a list of quote
// clusters in one round trip per part. Read-only.
//
// A summary holds the cluster's canonical (longest) text and language, its
// identified speakers with their occurrence counts (most first; ties: the
// lower id of their first occurrence), the conflict flag (several
// identified speakers for the same words), occurrence and document counts,
// the first appearance (the earliest published occurrence, with its
// document), and the distinct relays (agencies table: agencies, outlets,
// platforms) any occurrence came through, the most used first (ties: by
// name), as GET /api/v1/quotes lists them. Vias known only by their words (no relay row) are not listed: the
// contract gives each via an id.
//
// Errors: libpqxx exceptions propagate from LoadQuoteSummaries (callers
// already hold a transaction and turn them into a Status with PqxxError).
//
// Thread-safety: pure functions of their arguments; a transaction is used by
// one call at a time.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace quotetrail {

struct SummarySpeaker {
  int64_t id = 0;
  std::string name;
  int64_t occurrences = 0;
};

struct SummaryRelay {
  int64_t id = 0;
  std::string name;
  std::string kind;  // agency | outlet | platform
};

struct FirstAppearance {
  int64_t occurrence_id = 0;
  int64_t document_id = 0;
  std::optional<int64_t> published_us;  // microseconds (timestamp.h); nullopt: unknown
  bool published_estimated = false;
  std::string outlet, title, url;  // "" when unknown
};

struct QuoteSummary {
  int64_t id = 0;
  std::string text;      // canonical (longest) text
  std::string language;  // "" when unknown
  std::vector<SummarySpeaker> speakers;  // most occurrences first
  bool conflict = false;
  int64_t occurrences = 0;
  int64_t documents = 0;
  std::optional<FirstAppearance> first_appearance;  // nullopt: no occurrence left
  std::vector<SummaryRelay> via;
  std::optional<double> score;  // relevance 0..1, set by searches only
};

// The summaries of the clusters `ids`, in the order of `ids`; ids that name
// no cluster are left out.
std::vector<QuoteSummary> LoadQuoteSummaries(pqxx::transaction_base& tx,
                                             const std::vector<int64_t>& ids);

// The contract's JSON: {"id", "text", "language", "speakers": [{"id", "name",
// "occurrences"}], "conflict", "occurrences", "documents",
// "first_appearance": {"occurrence_id", "document_id", "published_at",
// "published_at_estimated", "outlet", "title", "url"} | null,
// "via": [{"id", "name", "kind"}]} plus "score" when set. Absent values are
// null; times RFC 3339 UTC.
nlohmann::json ToJson(const FirstAppearance& f);
nlohmann::json ToJson(const QuoteSummary& q);

}  // namespace quotetrail
