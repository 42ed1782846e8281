#include "quote_search.h"

#include <unordered_map>

#include "database.h"
#include "quote_clusters.h"
#include "speaker_directory.h"
#include "store_sql.h"
#include "timestamp.h"

namespace quotetrail {
namespace {

nlohmann::json OrNull(const std::string& s) {
  return s.empty() ? nlohmann::json() : nlohmann::json(s);
}

nlohmann::json ToJson(const FoundOccurrence& o) {
  return {{"id", o.id},
          {"published_at", FormatTimestampIso(o.published_us)},
          {"published_at_estimated", o.published_estimated},
          {"outlet", OrNull(o.outlet)},
          {"url", OrNull(o.url)},
          {"source", OrNull(o.source)},
          {"title", OrNull(o.title)},
          {"speaker", OrNull(o.speaker)},
          {"speaker_mention", OrNull(o.speaker_mention)},
          {"kind", o.kind},
          {"text", o.text},
          {"via", o.via},
          {"derived_from", o.derived_from == 0 ? nlohmann::json() : nlohmann::json(o.derived_from)}};
}

}  // namespace

Result<std::vector<FoundQuote>> FindQuotes(pqxx::connection& conn, const FindQuery& query) {
  const std::string norm = NormalizeQuote(query.text);
  if (norm.empty()) return InvalidArgument("nothing to look for: the text has no letter or digit");
  const std::string speaker = SpeakerKey(query.speaker);
  std::vector<FoundQuote> out;
  try {
    pqxx::read_transaction tx(conn);
    tx.exec_params(sql::kSetWordSimilarity, std::to_string(kFindMinWordSimilarity));
    std::vector<int64_t> ids;
    for (const auto& row : tx.exec_params(sql::kFindClusters, norm, speaker, query.limit)) {
      FoundQuote q;
      q.id = row[0].as<int64_t>();
      q.exact = row[1].as<bool>();
      q.score = row[2].as<double>();
      ids.push_back(q.id);
      out.push_back(std::move(q));
    }
    if (ids.empty()) return out;
    std::unordered_map<int64_t, FoundQuote*> by_id;
    for (auto& q : out) by_id[q.id] = &q;
    const std::string id_list = SqlArray(ids);
    for (const auto& row : tx.exec_params(sql::kClusterDetails, id_list)) {
      FoundQuote& q = *by_id.at(row[0].as<int64_t>());
      q.text = row[1].as<std::string>();
      q.occurrence_count = row[2].as<int64_t>();
      q.document_count = row[3].as<int64_t>();
      q.conflict = row[4].as<bool>();
    }
    for (const auto& row : tx.exec_params(sql::kClusterSpeakers, id_list)) {
      by_id.at(row[0].as<int64_t>())->speakers.push_back({row[1].as<std::string>(), row[2].as<int64_t>()});
    }
    std::unordered_map<int64_t, FoundOccurrence*> occurrence;
    for (const auto& row : tx.exec_params(sql::kClusterOccurrences, id_list)) {
      FoundOccurrence o;
      o.id = row[0].as<int64_t>();
      o.text = row[2].as<std::string>();
      o.kind = row[3].as<std::string>();
      o.speaker = row[4].as<std::string>();
      o.speaker_mention = row[5].as<std::string>();
      o.derived_from = row[6].as<int64_t>();
      o.document_id = row[7].as<int64_t>();
      o.published_us = row[8].is_null() ? 0 : row[8].as<int64_t>();
      o.published_estimated = row[9].as<bool>();
      o.outlet = row[10].as<std::string>();
      o.url = row[11].as<std::string>();
      o.source = row[12].as<std::string>();
      o.title = row[13].as<std::string>();
      by_id.at(row[1].as<int64_t>())->chain.push_back(std::move(o));
    }
    for (auto& q : out) {
      for (auto& o : q.chain) occurrence[o.id] = &o;
    }
    for (const auto& row : tx.exec_params(sql::kClusterVias, id_list)) {
      auto it = occurrence.find(row[0].as<int64_t>());
      if (it != occurrence.end()) it->second->via.push_back(row[1].as<std::string>());
    }
  } catch (const std::exception& e) {
    return PqxxError(e, "searching quotes");
  }
  return out;
}

nlohmann::json ToJson(const FoundQuote& q) {
  nlohmann::json speakers = nlohmann::json::array();
  for (const auto& s : q.speakers) speakers.push_back({{"name", s.name}, {"occurrences", s.occurrences}});
  nlohmann::json chain = nlohmann::json::array();
  for (const auto& o : q.chain) chain.push_back(ToJson(o));
  return {{"id", q.id},
          {"text", q.text},
          {"speakers", speakers},
          {"conflict", q.conflict},
          {"occurrences", q.occurrence_count},
          {"documents", q.document_count},
          {"exact", q.exact},
          {"score", q.score},
          {"first_appearance", q.chain.empty() ? nlohmann::json() : chain[0]},
          {"chain", chain}};
}

}  // namespace quotetrail
