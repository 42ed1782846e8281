// api_queries.h: the read queries of the HTTP API v1 (api_contract.md), as
// JSON objects ready to send. Knows nothing of HTTP: src/http/ maps the
// Status codes to statuses (kInvalidArgument 400, kNotFound 404,
// kUnavailable 503, others 500).
//
// Objects (field by field in api/openapi.json):
//   QuoteSummary  a cluster: canonical text, language, speakers (most
//                 occurrences first), conflict, counts, first_appearance,
//                 via (distinct relays over the cluster), score (search only)
//   Occurrence    one place a cluster's words appear, with its speaker,
//                 vias, code-point offsets, the sentence holding it
//                 ("context"), derived_from, first, and its document
//
// SearchQuotes(filter, limit, cursor): the clusters the filter selects
// (quote_filter.h), in keyset pages (no OFFSET: a page starts at its cursor).
//   - With q: ranked by a relevance score in 0..1,
//       0.6 * closeness of q to the text
//     + 0.25 when the words of q occur in the text as a phrase (the
//       normalised words, whole and consecutive)
//     + 0.15 when the full-text query of the quote's language matches
//       (qt_ts_config: french, english, else simple),
//     rounded to 6 decimals, then by id. The closeness is pg_trgm's
//     word_similarity(normalised q, normalised text) (1 for a phrase),
//     except for a cluster that matches the full-text query without the
//     phrase: there the words of q are all in the text, apart or in other
//     forms, and how close together they stand is their cover density,
//     ts_rank_cd(stored vector, full-text query, 32) (rank / (rank + 1),
//     below 1), a tenth of the cost of word_similarity (1.5 against 15 us
//     a row) on the stage that reads the most rows. So a phrase scores 1
//     (0.85 when the full-text query misses it, e.g. written without its
//     accents), a full-text match without it less than 0.75 ("souffle
//     fort" in "souffle forte" is not the phrase), and a cluster found by
//     word similarity alone at most 0.6.
//     Candidates come from two indexed stages, at most kSearchCandidates
//     distinct clusters each (whichever the index gives first when there
//     are more):
//     the phrase (accent- and case-folded words, stored and indexed by 0006;
//     with two words or more, looked up by their pairs of consecutive words,
//     0010, then checked as a phrase: the same clusters, found without
//     reading every cluster that holds common words of q somewhere), and
//     the full-text query of each cluster's language (stored vector of
//     0006). The full-text stage runs only when it can change the page: when
//     the phrase stage has at most `limit` rows after the cursor, or had
//     more phrase clusters than it holds (a phrase cluster the full-text
//     stage then finds scores as a phrase); otherwise the page is
//     limit + 1 phrase rows (each at least 0.85) and nothing of the
//     full-text stage (each below 0.75) could be on it.
//     Only when both find nothing (a misspelt or reworded q) are the
//     candidates the clusters with word similarity >= kFindMinWordSimilarity
//     (trigram index of 0001), again at most kSearchCandidates: so a
//     misspelt quote still finds its cluster. Only the candidates
//     are scored: a page costs a bounded amount of work, and pages, scores
//     and cursors are those of scoring every candidate.
//   - Without q: newest first appearance first, then id (index of 0004;
//     clusters without a date last).
//   The other filters must hold for one and the same occurrence of the
//   cluster. The cursor is opaque: base64url of the last row's sort key and
//   a digest of the filter, so a cursor edited or used with another filter
//   is kInvalidArgument ("cursor: ..."). next_cursor is set only when
//   another page exists: walking the pages gives every cluster once.
//
// Cost: a page is one statement (two when the fuzzy stage runs), summaries
// included, whatever the page size, sent outside a transaction block (one
// round trip; the fuzzy stage runs in a read-only transaction); a chain is two statements (three for a
// conflict), capped at kMaxChain occurrences. Statements are prepared once
// per connection (named by a hash of their text).
//
// Thread-safety: functions use only their arguments; a connection is used by
// one call at a time. Database errors come back as kUnavailable (server
// unreachable, shutting down) or kInternal, whose messages may hold SQL
// detail: never show them to clients. kInvalidArgument and kNotFound are
// checked input, with messages meant for clients ("cursor: ...").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "quote_filter.h"
#include "result.h"

namespace quotetrail {

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;
inline constexpr int kMaxChain = 1000;  // occurrences listed in one chain
inline constexpr int kSearchCandidates = 200;  // per search stage; > kMaxPageSize

// Session settings for the connections these functions use (run once per
// connection, e.g. ConnectionPool's session_sql):
//   plan_cache_mode = force_generic_plan: the prepared statements are
//     planned once per connection; otherwise PostgreSQL plans each search
//     again for its values (a custom plan, 2-3 ms, more than running it),
//     since the generic plan's estimates look dearer;
//   max_parallel_workers_per_gather = 0: a generic plan must not start
//     parallel workers for a few hundred rows (and the server's many
//     concurrent requests already use the cores);
//   jit = off: compiling is never worth it for these bounded statements.
inline constexpr const char* kApiSessionSql =
    "SET plan_cache_mode = force_generic_plan; SET max_parallel_workers_per_gather = 0; SET jit = off";

struct QuotePage {
  nlohmann::json quotes = nlohmann::json::array();  // QuoteSummary..., with "score" when q
  std::optional<std::string> next_cursor;
};

// `limit` must be in 1..kMaxPageSize (callers cap it); `cursor` "" for the
// first page.
Result<QuotePage> SearchQuotes(pqxx::connection& conn, const QuoteFilter& filter, int limit,
                               const std::string& cursor);

// {"quote": QuoteSummary, "chain": [Occurrence...] (time order, the first
// with first:true; at most kMaxChain, then "chain_truncated": true),
// "conflicts": [{"speaker": {"id","name"}, "occurrences", "first_occurrence_id"}]}
// (empty unless the cluster is a conflict). kNotFound for an unknown id.
Result<nlohmann::json> GetQuoteChain(pqxx::connection& conn, int64_t quote_id);

// The cluster's provenance as a W3C PROV-JSON document:
//   entities  qt:quote/ID (the cluster), qt:occurrence/ID, qt:document/ID
//   agents    qt:speaker/ID (prov:Person or prov:Organization), a speaker
//             the article names without a stored speaker as
//             qt:speaker-mention/OCCURRENCE_ID, qt:agency/ID (relays),
//             qt:outlet/ID (publishers)
//   wasAttributedTo  occurrence -> its speaker (qt:role "speaker") and each
//             relay (qt:role "relay"); document -> its outlet
//   wasDerivedFrom   occurrence -> the earlier occurrence it derives from
//             (prov:type prov:Quotation); the cluster -> its first
//             appearance (prov:type prov:PrimarySource)
//   specializationOf occurrence -> the cluster
//   Occurrences name their document in qt:document.
// kNotFound for an unknown id.
Result<nlohmann::json> ProvJson(pqxx::connection& conn, int64_t quote_id);

// {"speakers": [{"id","name","aliases":[...],"quotes":N}]}: most quotes
// first, then id; with q, only those whose name or an alias key contains
// SpeakerKey(q).
Result<nlohmann::json> ListSpeakers(pqxx::connection& conn, const std::string& q, int limit);
// {"speaker": {"id","name","kind","aliases","quotes"}, "quotes": [QuoteSummary...]}
// (newest first appearance first, at most `limit`). kNotFound.
Result<nlohmann::json> GetSpeaker(pqxx::connection& conn, int64_t id, int limit);

// {"agencies": [{"id","name","kind","country","ownership","aliases","quotes":N}]}:
// every relay of the gazetteer, most quotes (clusters relayed) first, then name.
Result<nlohmann::json> ListAgencies(pqxx::connection& conn);
// {"agency": {...}, "quotes": [QuoteSummary...]} (clusters with an occurrence
// relayed through it, newest first appearance first, at most `limit`). kNotFound.
Result<nlohmann::json> GetAgency(pqxx::connection& conn, int64_t id, int limit);

// {"document": {"id","title","outlet","url","published_at",
// "published_at_estimated","language","text"}, "quotes": [{"occurrence_id",
// "quote_id","start","end","text","kind","speaker","via"}]} in text order.
// kNotFound.
Result<nlohmann::json> GetDocument(pqxx::connection& conn, int64_t id);

// For POST /api/v1/documents: {"document": {... without "text"},
// "occurrences": [Occurrence without "document"]} of the document whose
// text_sha256 is `sha256`. kNotFound when not stored.
Result<nlohmann::json> GetStoredDocumentBySha(pqxx::connection& conn, const std::string& sha256);

// The sentence around [start, end) (code points relative to `window`, a
// piece of the document text): back to the previous end of sentence or
// line, on to the next end of sentence (with closing quotation marks) or
// line. Exposed for tests.
std::string SentenceAround(const std::string& window, int64_t start, int64_t end);

// Cursors (exposed for tests): EncodeCursor("t", "1720771200000000", 42,
// filter) and DecodeCursor reverse each other.
struct Cursor {
  std::string kind;  // "s": score key (with q), "t": first appearance micros or "n" (null)
  std::string key;
  int64_t id = 0;
};
std::string EncodeCursor(const Cursor& c, const QuoteFilter& filter);
Result<Cursor> DecodeCursor(const std::string& cursor, const QuoteFilter& filter);

}  // namespace quotetrail
