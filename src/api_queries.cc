// api_queries.cc: see api_queries.h. Every statement is below, named; values
// always travel as $n parameters (lists as one array parameter).
#include "api_queries.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "database.h"
#include "filter_sql.h"
#include "quote_clusters.h"
#include "quote_search.h"
#include "sha256.h"
#include "speaker_directory.h"
#include "text.h"
#include "timestamp.h"

namespace quotetrail {
namespace {

using nlohmann::json;

// ------------------------------------------------------------------ SQL

constexpr const char* kSetWordSimilarity =
    "SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)";

// Microseconds since the epoch of a timestamptz column.
#define QT_MICROS(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

// QuoteSummary columns of the clusters of a CTE `page` (with a column id,
// read as `p`): the cluster, its first appearance, and its speakers (most
// occurrences first) and distinct relays (most used first) as JSON arrays of
// arrays, so that one statement fills a page (no query per cluster). The
// speakers and relays are aggregated for the whole page at once
// (QT_SUMMARY_CTES, appended to the WITH list after `page`): correlated
// subqueries started two small plans per cluster, about half of a search's
// summary cost.
#define QT_SUMMARY_CTES                                                                             \
  ", qt_sp AS (SELECT qs.quote_id, json_agg(json_build_array(s.id, s.name, qs.occurrence_count) "   \
  "            ORDER BY qs.occurrence_count DESC, qs.first_occurrence_id, s.id)::text AS j "          \
  "   FROM page p JOIN quote_speakers qs ON qs.quote_id = p.id JOIN speakers s ON s.id = qs.speaker_id " \
  "   GROUP BY qs.quote_id), "                                                                       \
  "qt_ag AS (SELECT x.quote_id, json_agg(json_build_array(a.id, a.name, a.kind) "                  \
  "            ORDER BY x.n DESC, a.name)::text AS j "                                              \
  "   FROM (SELECT o.quote_id, v.agency_id, count(*) AS n FROM page p "                              \
  "         JOIN occurrences o ON o.quote_id = p.id "                                                \
  "         JOIN occurrence_via v ON v.occurrence_id = o.id GROUP BY o.quote_id, v.agency_id) x "    \
  "   JOIN agencies a ON a.id = x.agency_id GROUP BY x.quote_id) "
#define QT_SUMMARY_COLUMNS                                                                        \
  "q.id, q.canonical_text, q.language, q.speaker_conflict, q.occurrence_count, "                  \
  "q.document_count, fo.id, d.id, " QT_MICROS("d.published_at") ", d.published_at_estimated, "    \
  "ot.name, d.title, d.url, sp.j, ag.j "
#define QT_SUMMARY_JOINS                                         \
  "JOIN quotes q ON q.id = p.id "                                \
  "LEFT JOIN occurrences fo ON fo.id = q.first_occurrence_id "   \
  "LEFT JOIN documents d ON d.id = fo.document_id "              \
  "LEFT JOIN outlets ot ON ot.id = d.outlet_id "                 \
  "LEFT JOIN qt_sp sp ON sp.quote_id = q.id "                    \
  "LEFT JOIN qt_ag ag ON ag.quote_id = q.id "

// QuoteSummary rows for $1::bigint[].
constexpr const char* kSummaries =
    "WITH page AS (SELECT DISTINCT unnest($1::bigint[]) AS id)" QT_SUMMARY_CTES
    "SELECT " QT_SUMMARY_COLUMNS "FROM page p " QT_SUMMARY_JOINS;

// Occurrences with their document and a window of text around them (400
// code points each side) for the sentence. %WHERE% and %ORDER% are replaced
// by one of the constant pairs below, never by input.
constexpr const char* kOccurrencesTemplate =
    "SELECT o.id, o.quote_id, o.text, o.kind, o.speaker_id, s.name, o.speaker_name, "
    "       o.speaker_mention, o.speaker_kind, o.cue, o.pattern, "
    "       round(o.confidence::numeric, 3)::float8, o.start_cp, o.end_cp, "
    "       o.derived_from_occurrence_id, d.id, d.title, ot.name, d.url, "
    "       " QT_MICROS("d.published_at") ", d.published_at_estimated, d.language, "
    "       greatest(0, o.start_cp - 400), "
    "       substr(d.body, greatest(0, o.start_cp - 400) + 1, "
    "              o.end_cp - greatest(0, o.start_cp - 400) + 400), "
    "       o.id = qq.first_occurrence_id, "
    "       (SELECT json_agg(json_build_array(a.id, coalesce(a.name, v.label, ''), a.kind) "
    "                        ORDER BY v.position) "
    "        FROM occurrence_via v LEFT JOIN agencies a ON a.id = v.agency_id "
    "        WHERE v.occurrence_id = o.id)::text "
    "FROM occurrences o "
    "LEFT JOIN quotes qq ON qq.id = o.quote_id "
    "JOIN documents d ON d.id = o.document_id "
    "LEFT JOIN outlets ot ON ot.id = d.outlet_id "
    "LEFT JOIN speakers s ON s.id = o.speaker_id "
    "WHERE %WHERE% ORDER BY %ORDER% LIMIT $2";
constexpr const char* kByQuoteWhere = "o.quote_id = $1";
constexpr const char* kByQuoteOrder = "d.published_at, d.id, o.start_cp, o.id";
constexpr const char* kByDocumentWhere = "o.document_id = $1";
constexpr const char* kByDocumentOrder = "o.start_cp, o.id";

constexpr const char* kConflicts = R"sql(
SELECT s.id, s.name, qs.occurrence_count, qs.first_occurrence_id
FROM quote_speakers qs JOIN speakers s ON s.id = qs.speaker_id
WHERE qs.quote_id = $1
ORDER BY qs.occurrence_count DESC, qs.first_occurrence_id, s.id
)sql";

constexpr const char* kDocument =
    "SELECT d.id, d.title, ot.name, d.url, " QT_MICROS("d.published_at") ", "
    "       d.published_at_estimated, d.language, d.body "
    "FROM documents d LEFT JOIN outlets ot ON ot.id = d.outlet_id WHERE d.id = $1";
constexpr const char* kDocumentIdBySha = "SELECT id FROM documents WHERE text_sha256 = $1";

constexpr const char* kSpeakersList = R"sql(
SELECT s.id, s.name, s.kind,
       (SELECT count(*) FROM quote_speakers qs WHERE qs.speaker_id = s.id) AS quotes,
       (SELECT coalesce(json_agg(a.alias_norm ORDER BY a.alias_norm), '[]')::text
        FROM speaker_aliases a WHERE a.speaker_id = s.id)
FROM speakers s
WHERE $1 = '' OR s.name_norm LIKE '%' || $1 || '%'
   OR s.id IN (SELECT a.speaker_id FROM speaker_aliases a WHERE a.alias_norm LIKE '%' || $1 || '%')
ORDER BY quotes DESC, s.id
LIMIT $2
)sql";
constexpr const char* kSpeakerOne = R"sql(
SELECT s.id, s.name, s.kind,
       (SELECT count(*) FROM quote_speakers qs WHERE qs.speaker_id = s.id),
       (SELECT coalesce(json_agg(a.alias_norm ORDER BY a.alias_norm), '[]')::text
        FROM speaker_aliases a WHERE a.speaker_id = s.id)
FROM speakers s WHERE s.id = $1
)sql";
constexpr const char* kSpeakerQuotes = R"sql(
SELECT q.id FROM quote_speakers qs JOIN quotes q ON q.id = qs.quote_id
WHERE qs.speaker_id = $1
ORDER BY coalesce(q.first_published_at, '-infinity'::timestamptz) DESC, q.id
LIMIT $2
)sql";

constexpr const char* kAgenciesList = R"sql(
SELECT a.id, a.name, a.kind, a.country, a.ownership, to_json(a.aliases)::text, coalesce(c.n, 0) AS quotes
FROM agencies a
LEFT JOIN (SELECT v.agency_id, count(DISTINCT o.quote_id) AS n
           FROM occurrence_via v JOIN occurrences o ON o.id = v.occurrence_id
           WHERE v.agency_id IS NOT NULL GROUP BY v.agency_id) c ON c.agency_id = a.id
ORDER BY quotes DESC, a.name
)sql";
constexpr const char* kAgencyOne = R"sql(
SELECT a.id, a.name, a.kind, a.country, a.ownership, to_json(a.aliases)::text,
       (SELECT count(DISTINCT o.quote_id) FROM occurrence_via v
        JOIN occurrences o ON o.id = v.occurrence_id WHERE v.agency_id = a.id)
FROM agencies a WHERE a.id = $1
)sql";
constexpr const char* kAgencyQuotes = R"sql(
SELECT q.id FROM quotes q
WHERE q.id IN (SELECT o.quote_id FROM occurrence_via v JOIN occurrences o ON o.id = v.occurrence_id
               WHERE v.agency_id = $1)
ORDER BY coalesce(q.first_published_at, '-infinity'::timestamptz) DESC, q.id
LIMIT $2
)sql";

// ------------------------------------------------------------------ helpers

json Str(const pqxx::field& f) { return f.is_null() ? json() : json(f.as<std::string>()); }
json Int(const pqxx::field& f) { return f.is_null() ? json() : json(f.as<int64_t>()); }
json Time(const pqxx::field& f) {
  return f.is_null() ? json() : json(FormatTimestampIso(f.as<int64_t>()));
}

std::string LikeEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// --- base64url without padding
constexpr const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlEncode(std::string_view in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (in.size() - i == 1) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
  } else if (in.size() - i == 2) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
  }
  return out;
}

bool Base64UrlDecode(std::string_view in, std::string* out) {
  if (in.size() % 4 == 1) return false;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = c ? std::strchr(kB64, c) : nullptr;
    if (p == nullptr) return false;
    acc = (acc << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return (acc & ((1u << bits) - 1)) == 0;  // unused low bits must be zero
}

// Unreserved URI characters kept, every other byte as %XX: a name usable in
// a qualified name.
std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      static const char* kHex = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool AllDigits(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string FilterDigest(const QuoteFilter& f) {
  std::string s;
  for (const std::string* v : {&f.q, &f.speaker, &f.agency, &f.outlet, &f.lang, &f.kind}) {
    s += *v;
    s += '\x1f';
  }
  s += f.from_us ? std::to_string(*f.from_us) : "-";
  s += '\x1f';
  s += f.to_us ? std::to_string(*f.to_us) : "-";
  return Sha256Hex(s).substr(0, 12);
}

bool IsScoreKey(std::string_view s) {
  // "0", "0.5", "1.000000": digits, optionally a dot and up to 6 digits, in [0, 1].
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  if (whole != "0" && whole != "1") return false;
  if (dot == std::string_view::npos) return true;
  std::string_view frac = s.substr(dot + 1);
  if (frac.empty() || frac.size() > 6) return false;
  for (char c : frac)
    if (c < '0' || c > '9') return false;
  return whole == "0" || frac.find_first_not_of('0') == std::string_view::npos;
}

// ------------------------------------------------------------------ objects

// Statements are prepared once per connection and named by a hash of their
// text (libpqxx ignores a second prepare() of the same name and text), so a
// request pays neither parsing nor planning again.
std::string StatementName(const std::string& sql) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : sql) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "qt_%016llx", static_cast<unsigned long long>(h));
  return buf;
}

template <typename... Args>
pqxx::result Prepared(pqxx::transaction_base& tx, const std::string& sql, Args&&... args) {
  const std::string name = StatementName(sql);
  tx.conn().prepare(name, sql);
  return tx.exec_prepared(name, std::forward<Args>(args)...);
}

// [[id, name, n], ...] (a JSON text from SQL, or NULL) -> objects.
json JsonRows(const pqxx::field& f) {
  if (f.is_null()) return json::array();
  return json::parse(f.c_str());
}

// The QuoteSummary of a row of QT_SUMMARY_COLUMNS starting at column `c`.
json SummaryJson(const pqxx::row& r, int c) {
  json first;
  if (!r[c + 6].is_null()) {
    first = {{"occurrence_id", r[c + 6].as<int64_t>()},
             {"document_id", Int(r[c + 7])},
             {"published_at", Time(r[c + 8])},
             {"published_at_estimated", r[c + 9].is_null() ? false : r[c + 9].as<bool>()},
             {"outlet", Str(r[c + 10])},
             {"title", Str(r[c + 11])},
             {"url", Str(r[c + 12])}};
  }
  json speakers = json::array(), via = json::array();
  for (const json& a : JsonRows(r[c + 13]))
    speakers.push_back({{"id", a[0]}, {"name", a[1]}, {"occurrences", a[2]}});
  for (const json& a : JsonRows(r[c + 14])) via.push_back({{"id", a[0]}, {"name", a[1]}, {"kind", a[2]}});
  return {{"id", r[c].as<int64_t>()},
          {"text", r[c + 1].as<std::string>()},
          {"language", Str(r[c + 2])},
          {"speakers", std::move(speakers)},
          {"conflict", r[c + 3].as<bool>()},
          {"occurrences", r[c + 4].as<int64_t>()},
          {"documents", r[c + 5].as<int64_t>()},
          {"first_appearance", std::move(first)},
          {"via", std::move(via)}};
}

// QuoteSummary objects for `ids`, by id: one statement.
std::unordered_map<int64_t, json> Summaries(pqxx::transaction_base& tx,
                                            const std::vector<int64_t>& ids) {
  std::unordered_map<int64_t, json> out;
  if (ids.empty()) return out;
  for (const auto& r : Prepared(tx, kSummaries, SqlArray(ids))) out[r[0].as<int64_t>()] = SummaryJson(r, 0);
  return out;
}

// Summaries of `ids` in the order of `ids`.
json SummaryList(pqxx::transaction_base& tx, const std::vector<int64_t>& ids) {
  auto by_id = Summaries(tx, ids);
  json list = json::array();
  for (int64_t id : ids) {
    auto it = by_id.find(id);
    if (it != by_id.end()) list.push_back(std::move(it->second));
  }
  return list;
}

json DocumentJson(const pqxx::row& r, int first_column) {
  const int c = first_column;
  return {{"id", r[c].as<int64_t>()},          {"title", Str(r[c + 1])},
          {"outlet", Str(r[c + 2])},           {"url", Str(r[c + 3])},
          {"published_at", Time(r[c + 4])},    {"published_at_estimated", r[c + 5].as<bool>()},
          {"language", Str(r[c + 6])}};
}

// Occurrence objects (with "document") selected by `where` = $1, in `order`.
std::vector<json> Occurrences(pqxx::transaction_base& tx, const char* where, const char* order,
                              int64_t key, int limit) {
  std::string sql = kOccurrencesTemplate;
  sql.replace(sql.find("%WHERE%"), 7, where);
  sql.replace(sql.find("%ORDER%"), 7, order);
  std::vector<json> out;
  for (const auto& r : Prepared(tx, sql, key, limit)) {
    json speaker;
    if (!r[4].is_null()) {
      speaker = {{"id", r[4].as<int64_t>()}, {"name", Str(r[5])}};
    } else if (!r[6].is_null() && !r[6].as<std::string>().empty()) {
      speaker = {{"id", nullptr}, {"name", r[6].as<std::string>()}};
    }
    const int64_t start = r[12].as<int64_t>(), end = r[13].as<int64_t>();
    const int64_t window_start = r[22].as<int64_t>();
    std::string context =
        r[23].is_null() ? "" : SentenceAround(r[23].as<std::string>(), start - window_start, end - window_start);
    json via = json::array();
    for (const json& a : JsonRows(r[25])) via.push_back({{"id", a[0]}, {"name", a[1]}, {"kind", a[2]}});
    const int64_t id = r[0].as<int64_t>();
    out.push_back({{"id", id},
                   {"quote_id", Int(r[1])},
                   {"text", r[2].as<std::string>()},
                   {"kind", r[3].as<std::string>()},
                   {"speaker", speaker},
                   {"speaker_mention", Str(r[7])},
                   {"speaker_kind", Str(r[8])},
                   {"cue", Str(r[9])},
                   {"pattern", Str(r[10])},
                   {"confidence", r[11].is_null() ? json() : json(r[11].as<double>())},
                   {"via", std::move(via)},
                   {"start", start},
                   {"end", end},
                   {"context", context},
                   {"derived_from", Int(r[14])},
                   {"first", !r[24].is_null() && r[24].as<bool>()},
                   {"document", DocumentJson(r, 15)}});
  }
  return out;
}

// A database failure while reading: kUnavailable when the server cannot be
// reached (broken connection, SQLSTATE classes 08 and 57: shutting down,
// starting up), else kInternal. Never kInvalidArgument, so that every
// kInvalidArgument of this module is a checked input with a message that may
// be shown to clients.
Status ReadError(const std::exception& e, const char* what) {
  Status s = PqxxError(e, what);
  if (s.code() == ErrorCode::kUnavailable) return s;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = sql->sqlstate();
    if (state.rfind("08", 0) == 0 || state.rfind("57", 0) == 0) return Unavailable(s.message());
  }
  return Internal(s.message());
}

// Runs `body` in a read-only transaction, mapping exceptions to a Status.
template <typename F>
auto ReadOnly(pqxx::connection& conn, const char* what, F&& body) -> decltype(body(
    std::declval<pqxx::read_transaction&>())) {
  try {
    pqxx::read_transaction tx(conn);
    return body(tx);
  } catch (const std::exception& e) {
    return ReadError(e, what);
  }
}

// The filters other than q, as " AND EXISTS (an occurrence of cluster q
// they all hold for)", appending their values to `params`; "" when there are
// none. The conditions are filter_sql.h's, the same as the CSV export's.
std::string OccurrenceConditions(const QuoteFilter& f, std::vector<std::string>* params) {
  QuoteFilter rest = f;
  rest.q.clear();  // q ranks the clusters here (SearchQuotes), it does not filter occurrences
  const std::string cond = OccurrenceFilterCondition(rest, *params);
  if (cond == "TRUE") return "";
  return " AND EXISTS (SELECT 1 FROM occurrences o JOIN documents d ON d.id = o.document_id "
         "LEFT JOIN outlets ot ON ot.id = d.outlet_id WHERE o.quote_id = q.id AND " + cond + ")";
}

constexpr const char* kFirstAppearanceKey = "coalesce(q.first_published_at, '-infinity'::timestamptz)";

}  // namespace

// ------------------------------------------------------------------ public

std::string SentenceAround(const std::string& window, int64_t start, int64_t end) {
  std::vector<char32_t> cps;
  for (size_t pos = 0; pos < window.size();) cps.push_back(NextCodePoint(window, pos));
  const int64_t n = static_cast<int64_t>(cps.size());
  start = std::clamp<int64_t>(start, 0, n);
  end = std::clamp<int64_t>(end, start, n);
  auto is_end = [](char32_t c) { return c == '.' || c == '!' || c == '?' || c == U'…'; };
  auto is_closing = [](char32_t c) {
    return c == U'»' || c == U'”' || c == '"' || c == U'’' || c == '\'' || c == ')' || c == U'›' ||
           c == 0xA0 || c == 0x202F;
  };
  int64_t b = start;
  while (b > 0) {
    char32_t c = cps[b - 1];
    if (c == '\n') break;
    if (b >= 2 && IsSpace(c) && is_end(cps[b - 2])) break;
    --b;
  }
  int64_t e = end;
  while (e < n && cps[e] != '\n') {
    if (is_end(cps[e])) {
      ++e;
      while (e < n && is_closing(cps[e])) ++e;
      break;
    }
    ++e;
  }
  while (b < e && IsSpace(cps[b])) ++b;
  while (e > b && IsSpace(cps[e - 1])) --e;
  std::string out;
  for (int64_t i = b; i < e; ++i) AppendUtf8(out, cps[i]);
  return out;
}

std::string EncodeCursor(const Cursor& c, const QuoteFilter& filter) {
  return Base64UrlEncode("v1|" + c.kind + "|" + c.key + "|" + std::to_string(c.id) + "|" +
                         FilterDigest(filter));
}

Result<Cursor> DecodeCursor(const std::string& cursor, const QuoteFilter& filter) {
  const Status bad = InvalidArgument("cursor: not a cursor of this listing (use next_cursor as given)");
  std::string raw;
  if (cursor.size() > 200 || !Base64UrlDecode(cursor, &raw)) return bad;
  std::vector<std::string> parts;
  size_t from = 0;
  for (;;) {
    size_t bar = raw.find('|', from);
    parts.push_back(raw.substr(from, bar == std::string::npos ? std::string::npos : bar - from));
    if (bar == std::string::npos) break;
    from = bar + 1;
  }
  if (parts.size() != 5 || parts[0] != "v1") return bad;
  Cursor c;
  c.kind = parts[1];
  c.key = parts[2];
  if (filter.q.empty() ? c.kind != "t" : (c.kind != "s" && c.kind != "f")) return bad;
  if (c.kind != "t" && !IsScoreKey(c.key)) return bad;
  if (c.kind == "t" && c.key != "n") {
    std::string_view digits = c.key;
    if (!digits.empty() && digits[0] == '-') digits.remove_prefix(1);
    if (!AllDigits(digits)) return bad;
  }
  if (!AllDigits(parts[3])) return bad;
  c.id = std::stoll(parts[3]);
  if (parts[4] != FilterDigest(filter)) {
    return InvalidArgument("cursor: made for other filters than these (start again without cursor)");
  }
  return c;
}

Result<QuotePage> SearchQuotes(pqxx::connection& conn, const QuoteFilter& filter, int limit,
                               const std::string& cursor) {
  limit = std::clamp(limit, 1, kMaxPageSize);
  std::optional<Cursor> after;
  if (!cursor.empty()) {
    auto c = DecodeCursor(cursor, filter);
    if (!c.ok()) return c.status();
    after = *c;
  }
  std::string norm;
  if (!filter.q.empty()) {
    norm = NormalizeQuote(filter.q);
    if (norm.empty()) return InvalidArgument("q: has no letter or digit to look for");
  }
  std::vector<std::string> params;
  auto param = [&](std::string v) {
    params.push_back(std::move(v));
    return "$" + std::to_string(params.size());
  };
  // With q: `staged` (exact phrase and full-text stages) and `fuzzy` (word
  // similarity), see api_queries.h; both end with the page's summaries.
  std::string staged, fuzzy, sql;
  if (!norm.empty()) {
    const std::string n = param(norm) + "::text", raw = param(filter.q) + "::text",
                      lim = param(std::to_string(limit + 1)) + "::bigint";
    const std::string conds = OccurrenceConditions(filter, &params);
    // The rows after the cursor, for a score and an id column.
    std::string k, i;
    if (after) k = param(after->key) + "::numeric", i = param(std::to_string(after->id)) + "::bigint";
    auto after_cond = [&](const std::string& score, const std::string& id) -> std::string {
      if (!after) return "true";
      return "(" + score + " < " + k + " OR (" + score + " = " + k + " AND " + id + " > " + i + "))";
    };
    const std::string cap = std::to_string(kSearchCandidates);
    const std::string vec = "q.fts";  // stored (0006)
    // One indexed branch per configuration; the language test is a cheap
    // filter (inside one OR, every row would recompute to_tsvector). A row
    // of this stage matches the full-text query, hence its 0.15; it is
    // scored where it is read, not fetched again: 1 when it is a phrase
    // that `exact` left out, having reached its cap; else 0.6 times the
    // cover density of the full-text query (computed once, in `tq`:
    // `tq_column` names its column for `config`) + 0.15, below 0.75.
    // Clusters `exact` has are not candidates here (they score 1 there,
    // which this stage cannot exceed), so they do not use up its cap.
    // The stage runs only when `bound` lets it (see there).
    auto fts_for = [&](const char* config, const char* tq_column) {
      return std::string("SELECT q.id, CASE WHEN (SELECT b.n FROM bound b) = ") + cap +
             " AND ts_match_vq(q.norm_words, (SELECT t.ph FROM tq t)) THEN 1 ELSE 0.6 * ts_rank_cd(" + vec +
             ", (SELECT t." + tq_column + " FROM tq t), 32) + 0.15 END AS s "
             "FROM quotes q WHERE (SELECT b.run_fts FROM bound b) AND " + vec + " @@ plainto_tsquery('" + config + "', " + raw +
             ") AND qt_ts_config(q.language) = '" + config + "'::regconfig AND q.id NOT IN (SELECT e.id FROM exact e)" + conds;
    };
    // The exact stage's condition. With two words or more, the clusters
    // holding every pair of consecutive words of q come from the index of
    // 0010, and only those are checked for the phrase (ts_match_vq is @@
    // as a function: the planner must not add the word index of
    // norm_words, whose bitmap for common words is the whole cost). The
    // same clusters as the phrase alone, in the same (table) order.
    const std::string phrase =
        norm.find(' ') == std::string::npos
            ? "q.norm_words @@ phraseto_tsquery('pg_catalog.simple', " + n + ")"
            : "q.norm_pairs @> qt_word_pairs(to_tsvector('pg_catalog.simple', " + n + ")) AND ts_match_vq("
              "q.norm_words, t.ph)";
    const std::string tail =
        "page AS (SELECT c.id, c.score FROM scored c WHERE " + after_cond("c.score", "c.id") + " ORDER BY c.score DESC, c.id LIMIT " +
        lim + ")" QT_SUMMARY_CTES "SELECT p.score::text, " QT_SUMMARY_COLUMNS "FROM page p " QT_SUMMARY_JOINS
        "ORDER BY p.score DESC, p.id";
    staged =
        // The full-text queries once, not once per candidate row.
        "WITH tq AS MATERIALIZED (SELECT plainto_tsquery('pg_catalog.french', " + raw + ") AS fr, plainto_tsquery("
        "'pg_catalog.english', " + raw + ") AS en, plainto_tsquery('pg_catalog.simple', " + raw + ") AS si, "
        "phraseto_tsquery('pg_catalog.simple', " + n + ") AS ph), "
        // A row of the exact stage holds the words of q consecutively (phrase
        // match on the words of norm_text): every trigram of q is in that
        // extent, so word_similarity is 1, and it is a phrase: 0.6 + 0.25
        // without computing them (word_similarity is several us a row).
        "exact AS MATERIALIZED (SELECT q.id, 0.85 + CASE WHEN " + vec + " @@ CASE qt_ts_config(q.language) "
        "WHEN 'pg_catalog.french'::regconfig THEN t.fr WHEN 'pg_catalog.english'::regconfig THEN t.en ELSE t.si END "
        "THEN 0.15 ELSE 0 END AS s FROM quotes q CROSS JOIN tq t WHERE " + phrase + conds + " LIMIT " + cap + "), "
        // thr: the (limit + 1)-th best score of `exact` after the cursor,
        // NULL when it has fewer such rows: the page's last row scores at
        // least that much (>= 0.85; an exact score is final). n: the rows of
        // `exact`; n = cap when it may have left phrase clusters out.
        // run_fts: whether a full-text row can be on the page at all.
        "bound AS MATERIALIZED (SELECT y.thr, y.n, y.thr IS NULL OR y.n = " + cap + " AS run_fts FROM (SELECT CASE WHEN "
        "count(*) = " + lim + " THEN min(x.s) END AS thr, (SELECT count(*) FROM exact) AS n FROM (SELECT e.s "
        "FROM exact e WHERE " + after_cond("e.s", "e.id") + " ORDER BY e.s DESC LIMIT " + lim + ") x) y), "
        "fts AS MATERIALIZED (SELECT f.id, f.s FROM (" + fts_for("pg_catalog.french", "fr") + " UNION ALL " +
        fts_for("pg_catalog.english", "en") + " UNION ALL " + fts_for("pg_catalog.simple", "si") + ") f LIMIT " + cap + "), "
        // The stages hold distinct clusters (fts_for).
        "scored AS (SELECT u.id, round(u.s::numeric, 6) AS score FROM (SELECT id, s FROM exact UNION ALL "
        "SELECT id, s FROM fts) u), " + tail;
    // Run only when the stages above found nothing.
    fuzzy =
        "WITH cand AS MATERIALIZED (SELECT q.id FROM quotes q WHERE " + n + " <% q.norm_text" + conds + " LIMIT " + cap +
        "), scored AS (SELECT c.id, round((0.6 * word_similarity(" + n + ", q.norm_text) + CASE WHEN ts_match_vq("
        "q.norm_words, phraseto_tsquery('pg_catalog.simple', " + n + ")) THEN 0.25 ELSE 0 END + CASE WHEN " + vec +
        " @@ plainto_tsquery(qt_ts_config(q.language), " + raw +
        ") THEN 0.15 ELSE 0 END)::numeric, 6) AS score FROM cand c JOIN quotes q ON q.id = c.id), " + tail;
  } else {
    sql = std::string("WITH page AS (SELECT q.id, ") + kFirstAppearanceKey + " AS t FROM quotes q WHERE true" +
          OccurrenceConditions(filter, &params);
    if (after) {
      const std::string i = param(std::to_string(after->id));
      if (after->key == "n") {
        sql += std::string(" AND ") + kFirstAppearanceKey + " = '-infinity'::timestamptz AND q.id > " + i + "::bigint";
      } else {
        const std::string t = "('epoch'::timestamptz + " + param(after->key) + "::bigint * interval '1 microsecond')";
        sql += std::string(" AND ") + kFirstAppearanceKey + " <= " + t + " AND (" + kFirstAppearanceKey + " < " +
               t + " OR q.id > " + i + "::bigint)";
      }
    }
    sql += std::string(" ORDER BY ") + kFirstAppearanceKey + " DESC, q.id LIMIT " +
           param(std::to_string(limit + 1)) + "::bigint)" QT_SUMMARY_CTES "SELECT " QT_MICROS("q.first_published_at") ", " QT_SUMMARY_COLUMNS
           "FROM page p " QT_SUMMARY_JOINS "ORDER BY p.t DESC, p.id";
  }

  try {
    std::string kind = norm.empty() ? "t" : "s";
    auto run = [&](pqxx::transaction_base& tx, const std::string& statement) {
      return Prepared(tx, statement, pqxx::prepare::make_dynamic_params(params));
    };
    pqxx::result rows;
    if (norm.empty() || !after || after->kind == "s") {
      // One statement, its own snapshot: no BEGIN and COMMIT round trips
      // (each a wake-up of the backend while the pooled connection is held).
      pqxx::nontransaction tx(conn);
      rows = run(tx, norm.empty() ? sql : staged);
    }
    if (!norm.empty() && ((!after && rows.empty()) || (after && after->kind == "f"))) {
      // The threshold is local to this transaction.
      pqxx::read_transaction tx(conn);
      Prepared(tx, kSetWordSimilarity, std::to_string(kFindMinWordSimilarity));
      rows = run(tx, fuzzy);
      kind = "f";
    }
    QuotePage page;
    const size_t n_rows = std::min(rows.size(), static_cast<size_t>(limit));
    for (size_t i = 0; i < n_rows; ++i) {
      json s = SummaryJson(rows[i], 1);
      if (!norm.empty()) s["score"] = std::stod(rows[i][0].as<std::string>());
      page.quotes.push_back(std::move(s));
    }
    if (rows.size() > static_cast<size_t>(limit)) {
      const auto& last = rows[n_rows - 1];
      page.next_cursor =
          EncodeCursor({kind, last[0].is_null() ? "n" : last[0].as<std::string>(), last[1].as<int64_t>()}, filter);
    }
    return page;
  } catch (const std::exception& e) {
    return ReadError(e, "listing quotes");
  }
}

Result<json> GetQuoteChain(pqxx::connection& conn, int64_t quote_id) {
  return ReadOnly(conn, "reading a quote", [&](pqxx::read_transaction& tx) -> Result<json> {
    auto summaries = Summaries(tx, {quote_id});
    if (summaries.empty()) return NotFound("no quote with id " + std::to_string(quote_id));
    json quote = std::move(summaries.begin()->second);
    std::vector<json> chain = Occurrences(tx, kByQuoteWhere, kByQuoteOrder, quote_id, kMaxChain + 1);
    const bool truncated = chain.size() > static_cast<size_t>(kMaxChain);
    if (truncated) chain.resize(kMaxChain);
    // Time order decides: the first listed is the first appearance.
    for (size_t i = 0; i < chain.size(); ++i) chain[i]["first"] = i == 0;
    json conflicts = json::array();
    if (quote["conflict"].get<bool>()) {
      for (const auto& r : Prepared(tx, kConflicts, quote_id)) {
        conflicts.push_back({{"speaker", {{"id", r[0].as<int64_t>()}, {"name", r[1].as<std::string>()}}},
                             {"occurrences", r[2].as<int64_t>()},
                             {"first_occurrence_id", Int(r[3])}});
      }
    }
    json out = {{"quote", std::move(quote)}, {"chain", std::move(chain)}, {"conflicts", std::move(conflicts)}};
    if (truncated) out["chain_truncated"] = true;
    return out;
  });
}

Result<json> ProvJson(pqxx::connection& conn, int64_t quote_id) {
  return ReadOnly(conn, "reading a quote's provenance", [&](pqxx::read_transaction& tx) -> Result<json> {
    auto summaries = Summaries(tx, {quote_id});
    if (summaries.empty()) return NotFound("no quote with id " + std::to_string(quote_id));
    const json& quote = summaries.begin()->second;
    std::vector<json> chain = Occurrences(tx, kByQuoteWhere, kByQuoteOrder, quote_id, kMaxChain);
    const std::string qid = "qt:quote/" + std::to_string(quote_id);
    json entity = json::object(), agent = json::object(), attributed = json::object(),
         derived = json::object(), specialization = json::object();
    entity[qid] = {{"prov:type", "qt:Quote"},
                   {"prov:value", quote["text"]},
                   {"qt:occurrences", quote["occurrences"]},
                   {"qt:documents", quote["documents"]}};
    if (!quote["language"].is_null()) entity[qid]["qt:language"] = quote["language"];
    auto typed_time = [](const json& t) { return json{{"$", t}, {"type", "xsd:dateTime"}}; };
    int n_attr = 0, n_der = 0, n_spec = 0;
    for (const json& o : chain) {
      const std::string oid = "qt:occurrence/" + std::to_string(o["id"].get<int64_t>());
      const json& d = o["document"];
      const std::string did = "qt:document/" + std::to_string(d["id"].get<int64_t>());
      json e = {{"prov:type", "qt:Occurrence"}, {"prov:value", o["text"]}, {"qt:kind", o["kind"]},
                {"qt:document", did}, {"qt:start", o["start"]}, {"qt:end", o["end"]}};
      if (!o["confidence"].is_null()) e["qt:confidence"] = o["confidence"];
      if (!o["speaker_mention"].is_null()) e["qt:speakerMention"] = o["speaker_mention"];
      entity[oid] = std::move(e);
      if (!entity.contains(did)) {
        json de = {{"prov:type", "qt:Document"}};
        if (!d["title"].is_null()) de["prov:label"] = d["title"];
        if (!d["url"].is_null()) de["prov:location"] = d["url"];
        if (!d["published_at"].is_null()) de["qt:publishedAt"] = typed_time(d["published_at"]);
        de["qt:publishedAtEstimated"] = d["published_at_estimated"];
        if (!d["language"].is_null()) de["qt:language"] = d["language"];
        entity[did] = std::move(de);
      }
      specialization["_:spec" + std::to_string(++n_spec)] = {{"prov:specificEntity", oid},
                                                             {"prov:generalEntity", qid}};
      const json& s = o["speaker"];
      if (!s.is_null()) {
        const bool person = o["speaker_kind"].is_null() || o["speaker_kind"] == "person";
        const std::string aid = s["id"].is_null()
                                    ? "qt:speaker-mention/" + std::to_string(o["id"].get<int64_t>())
                                    : "qt:speaker/" + std::to_string(s["id"].get<int64_t>());
        agent[aid] = {{"prov:type", person ? "prov:Person" : "prov:Organization"}, {"prov:label", s["name"]}};
        attributed["_:attr" + std::to_string(++n_attr)] = {
            {"prov:entity", oid}, {"prov:agent", aid}, {"qt:role", "speaker"}};
      }
      for (const json& v : o["via"]) {
        if (v["id"].is_null()) continue;  // a phrase ("in a statement"), no agent
        const std::string aid = "qt:agency/" + std::to_string(v["id"].get<int64_t>());
        agent[aid] = {{"prov:type", "prov:Organization"}, {"prov:label", v["name"]}, {"qt:kind", v["kind"]}};
        attributed["_:attr" + std::to_string(++n_attr)] = {
            {"prov:entity", oid}, {"prov:agent", aid}, {"qt:role", "relay"}};
      }
      if (!d["outlet"].is_null()) {
        const std::string aid = "qt:outlet/" + PercentEncode(d["outlet"].get<std::string>());
        if (!agent.contains(aid)) agent[aid] = {{"prov:type", "prov:Organization"}, {"prov:label", d["outlet"]}, {"qt:kind", "outlet"}};
        attributed["_:attr" + std::to_string(++n_attr)] = {
            {"prov:entity", did}, {"prov:agent", aid}, {"qt:role", "publisher"}};
      }
      if (!o["derived_from"].is_null()) {
        derived["_:der" + std::to_string(++n_der)] = {
            {"prov:generatedEntity", oid},
            {"prov:usedEntity", "qt:occurrence/" + std::to_string(o["derived_from"].get<int64_t>())},
            {"prov:type", "prov:Quotation"}};
      }
    }
    if (!quote["first_appearance"].is_null()) {
      derived["_:der" + std::to_string(++n_der)] = {
          {"prov:generatedEntity", qid},
          {"prov:usedEntity",
           "qt:occurrence/" + std::to_string(quote["first_appearance"]["occurrence_id"].get<int64_t>())},
          {"prov:type", "prov:PrimarySource"}};
    }
    json doc = {{"prefix",
                 {{"prov", "http://www.w3.org/ns/prov#"},
                  {"xsd", "http://www.w3.org/2001/XMLSchema#"},
                  {"qt", "urn:quotetrail:"}}},
                {"entity", entity},
                {"agent", agent},
                {"wasAttributedTo", attributed},
                {"wasDerivedFrom", derived},
                {"specializationOf", specialization}};
    return doc;
  });
}

namespace {

json SpeakerJson(const pqxx::row& r) {
  json aliases = json::parse(r[4].as<std::string>());
  return {{"id", r[0].as<int64_t>()}, {"name", r[1].as<std::string>()}, {"kind", Str(r[2])},
          {"aliases", aliases}, {"quotes", r[3].as<int64_t>()}};
}

json AgencyJson(const pqxx::row& r) {
  json aliases = r[5].is_null() ? json::array() : json::parse(r[5].as<std::string>());
  return {{"id", r[0].as<int64_t>()}, {"name", r[1].as<std::string>()}, {"kind", Str(r[2])},
          {"country", Str(r[3])},     {"ownership", Str(r[4])},         {"aliases", aliases},
          {"quotes", r[6].as<int64_t>()}};
}

}  // namespace

Result<json> ListSpeakers(pqxx::connection& conn, const std::string& q, int limit) {
  const std::string key = q.empty() ? "" : LikeEscape(SpeakerKey(q));
  if (!q.empty() && key.empty()) return InvalidArgument("q: has no letter or digit to look for");
  return ReadOnly(conn, "listing speakers", [&](pqxx::read_transaction& tx) -> Result<json> {
    json list = json::array();
    for (const auto& r : tx.exec_params(kSpeakersList, key, std::clamp(limit, 1, kMaxPageSize)))
      list.push_back(SpeakerJson(r));
    return json{{"speakers", list}};
  });
}

Result<json> GetSpeaker(pqxx::connection& conn, int64_t id, int limit) {
  return ReadOnly(conn, "reading a speaker", [&](pqxx::read_transaction& tx) -> Result<json> {
    auto r = tx.exec_params(kSpeakerOne, id);
    if (r.empty()) return NotFound("no speaker with id " + std::to_string(id));
    std::vector<int64_t> ids;
    for (const auto& row : tx.exec_params(kSpeakerQuotes, id, std::clamp(limit, 1, kMaxPageSize)))
      ids.push_back(row[0].as<int64_t>());
    return json{{"speaker", SpeakerJson(r[0])}, {"quotes", SummaryList(tx, ids)}};
  });
}

Result<json> ListAgencies(pqxx::connection& conn) {
  return ReadOnly(conn, "listing agencies", [&](pqxx::read_transaction& tx) -> Result<json> {
    json list = json::array();
    for (const auto& r : tx.exec(kAgenciesList)) list.push_back(AgencyJson(r));
    return json{{"agencies", list}};
  });
}

Result<json> GetAgency(pqxx::connection& conn, int64_t id, int limit) {
  return ReadOnly(conn, "reading an agency", [&](pqxx::read_transaction& tx) -> Result<json> {
    auto r = tx.exec_params(kAgencyOne, id);
    if (r.empty()) return NotFound("no agency with id " + std::to_string(id));
    std::vector<int64_t> ids;
    for (const auto& row : tx.exec_params(kAgencyQuotes, id, std::clamp(limit, 1, kMaxPageSize)))
      ids.push_back(row[0].as<int64_t>());
    return json{{"agency", AgencyJson(r[0])}, {"quotes", SummaryList(tx, ids)}};
  });
}

Result<json> GetDocument(pqxx::connection& conn, int64_t id) {
  return ReadOnly(conn, "reading a document", [&](pqxx::read_transaction& tx) -> Result<json> {
    auto r = tx.exec_params(kDocument, id);
    if (r.empty()) return NotFound("no document with id " + std::to_string(id));
    json doc = DocumentJson(r[0], 0);
    doc["text"] = r[0][7].as<std::string>();
    json quotes = json::array();
    for (json& o : Occurrences(tx, kByDocumentWhere, kByDocumentOrder, id, 100000)) {
      quotes.push_back({{"occurrence_id", o["id"]}, {"quote_id", o["quote_id"]}, {"start", o["start"]},
                        {"end", o["end"]}, {"text", o["text"]}, {"kind", o["kind"]},
                        {"speaker", o["speaker"]}, {"via", o["via"]}});
    }
    return json{{"document", doc}, {"quotes", quotes}};
  });
}

Result<json> GetStoredDocumentBySha(pqxx::connection& conn, const std::string& sha256) {
  return ReadOnly(conn, "reading a stored document", [&](pqxx::read_transaction& tx) -> Result<json> {
    auto idr = tx.exec_params(kDocumentIdBySha, sha256);
    if (idr.empty()) return NotFound("no document with this text");
    const int64_t id = idr[0][0].as<int64_t>();
    auto r = tx.exec_params(kDocument, id);
    if (r.empty()) return NotFound("no document with this text");
    json occurrences = json::array();
    for (json& o : Occurrences(tx, kByDocumentWhere, kByDocumentOrder, id, 100000)) {
      o.erase("document");
      occurrences.push_back(std::move(o));
    }
    return json{{"document", DocumentJson(r[0], 0)}, {"occurrences", occurrences}};
  });
}

}  // namespace quotetrail
