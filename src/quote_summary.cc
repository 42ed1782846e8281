// quote_summary.cc: see quote_summary.h.
#include "quote_summary.h"

#include <unordered_map>

#include "database.h"
#include "timestamp.h"

namespace quotetrail {
namespace {

// The clusters with their first appearance. $1: bigint[] of cluster ids.
constexpr const char* kSummaryClusters = R"sql(
SELECT q.id, q.canonical_text, coalesce(q.language, ''), q.occurrence_count, q.document_count,
       q.speaker_conflict, coalesce(q.first_occurrence_id, 0), coalesce(o.document_id, 0),
       (extract(epoch FROM d.published_at) * 1000000)::bigint,
       coalesce(d.published_at_estimated, false), coalesce(ot.name, ''), coalesce(d.title, ''),
       coalesce(d.url, '')
FROM quotes q
LEFT JOIN occurrences o ON o.id = q.first_occurrence_id
LEFT JOIN documents d ON d.id = o.document_id
LEFT JOIN outlets ot ON ot.id = d.outlet_id
WHERE q.id = ANY($1::bigint[])
)sql";

// Identified speakers per cluster, most occurrences first.
constexpr const char* kSummarySpeakers = R"sql(
SELECT qs.quote_id, s.id, s.name, qs.occurrence_count
FROM quote_speakers qs JOIN speakers s ON s.id = qs.speaker_id
WHERE qs.quote_id = ANY($1::bigint[])
ORDER BY qs.quote_id, qs.occurrence_count DESC, qs.first_occurrence_id, s.id
)sql";

// Distinct relays per cluster, the most used first (as GET /api/v1/quotes).
constexpr const char* kSummaryRelays = R"sql(
SELECT o.quote_id, a.id, a.name, a.kind
FROM occurrences o
JOIN occurrence_via v ON v.occurrence_id = o.id
JOIN agencies a ON a.id = v.agency_id
WHERE o.quote_id = ANY($1::bigint[])
GROUP BY o.quote_id, a.id, a.name, a.kind
ORDER BY o.quote_id, count(*) DESC, a.name
)sql";

nlohmann::json OrNull(const std::string& s) {
  return s.empty() ? nlohmann::json() : nlohmann::json(s);
}

}  // namespace

std::vector<QuoteSummary> LoadQuoteSummaries(pqxx::transaction_base& tx,
                                             const std::vector<int64_t>& ids) {
  if (ids.empty()) return {};
  const std::string id_list = SqlArray(ids);
  std::unordered_map<int64_t, QuoteSummary> by_id;
  for (const auto& row : tx.exec_params(kSummaryClusters, id_list)) {
    QuoteSummary q;
    q.id = row[0].as<int64_t>();
    q.text = row[1].as<std::string>();
    q.language = row[2].as<std::string>();
    q.occurrences = row[3].as<int64_t>();
    q.documents = row[4].as<int64_t>();
    q.conflict = row[5].as<bool>();
    if (const int64_t first = row[6].as<int64_t>(); first != 0) {
      FirstAppearance f;
      f.occurrence_id = first;
      f.document_id = row[7].as<int64_t>();
      if (!row[8].is_null()) f.published_us = row[8].as<int64_t>();
      f.published_estimated = row[9].as<bool>();
      f.outlet = row[10].as<std::string>();
      f.title = row[11].as<std::string>();
      f.url = row[12].as<std::string>();
      q.first_appearance = std::move(f);
    }
    by_id.emplace(q.id, std::move(q));
  }
  for (const auto& row : tx.exec_params(kSummarySpeakers, id_list)) {
    auto it = by_id.find(row[0].as<int64_t>());
    if (it == by_id.end()) continue;
    it->second.speakers.push_back(
        {row[1].as<int64_t>(), row[2].as<std::string>(), row[3].as<int64_t>()});
  }
  for (const auto& row : tx.exec_params(kSummaryRelays, id_list)) {
    auto it = by_id.find(row[0].as<int64_t>());
    if (it == by_id.end()) continue;
    it->second.via.push_back(
        {row[1].as<int64_t>(), row[2].as<std::string>(), row[3].as<std::string>()});
  }
  std::vector<QuoteSummary> out;
  out.reserve(by_id.size());
  for (int64_t id : ids) {
    auto it = by_id.find(id);
    if (it == by_id.end()) continue;
    out.push_back(std::move(it->second));
    by_id.erase(it);  // an id listed twice gives one summary
  }
  return out;
}

nlohmann::json ToJson(const FirstAppearance& f) {
  return {{"occurrence_id", f.occurrence_id},
          {"document_id", f.document_id},
          {"published_at",
           f.published_us ? nlohmann::json(FormatTimestampIso(*f.published_us)) : nlohmann::json()},
          {"published_at_estimated", f.published_estimated},
          {"outlet", OrNull(f.outlet)},
          {"title", OrNull(f.title)},
          {"url", OrNull(f.url)}};
}

nlohmann::json ToJson(const QuoteSummary& q) {
  nlohmann::json speakers = nlohmann::json::array();
  for (const auto& s : q.speakers)
    speakers.push_back({{"id", s.id}, {"name", s.name}, {"occurrences", s.occurrences}});
  nlohmann::json via = nlohmann::json::array();
  for (const auto& r : q.via) via.push_back({{"id", r.id}, {"name", r.name}, {"kind", r.kind}});
  nlohmann::json out = {
      {"id", q.id},
      {"text", q.text},
      {"language", OrNull(q.language)},
      {"speakers", speakers},
      {"conflict", q.conflict},
      {"occurrences", q.occurrences},
      {"documents", q.documents},
      {"first_appearance", q.first_appearance ? ToJson(*q.first_appearance) : nlohmann::json()},
      {"via", via}};
  if (q.score) out["score"] = *q.score;
  return out;
}

}  // namespace quotetrail
