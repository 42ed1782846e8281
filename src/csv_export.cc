// csv_export.cc: see csv_export.h.
#include "csv_export.h"

#include <cstdio>

#include "database.h"
#include "filter_sql.h"
#include "quote_clusters.h"
#include "quote_search.h"
#include "store_sql.h"
#include "timestamp.h"

namespace quotetrail {
namespace {

// One row per occurrence, in time order; the WHERE condition comes from
// OccurrenceFilterCondition (filter_sql.h), its values as parameters.
constexpr const char* kExportSelect = R"sql(
SELECT o.text, coalesce(s.name, o.speaker_name, ''),
       coalesce((SELECT string_agg(coalesce(a.name, v.label, ''), '; '
                                   ORDER BY v.position, coalesce(a.name, v.label, ''))
                 FROM occurrence_via v LEFT JOIN agencies a ON a.id = v.agency_id
                 WHERE v.occurrence_id = o.id), ''),
       coalesce(ot.name, ''), coalesce(d.title, ''), coalesce(d.url, ''),
       (extract(epoch FROM d.published_at) * 1000000)::bigint,
       (extract(epoch FROM cl.first_published_at) * 1000000)::bigint,
       o.kind, o.confidence, o.quote_id
FROM occurrences o
JOIN documents d ON d.id = o.document_id
LEFT JOIN outlets ot ON ot.id = d.outlet_id
LEFT JOIN speakers s ON s.id = o.speaker_id
LEFT JOIN quotes cl ON cl.id = o.quote_id
WHERE )sql";
constexpr const char* kExportOrder = "\nORDER BY d.published_at, d.id, o.start_cp, o.id";
constexpr const char* kCursor = "qt_export";

std::string Confidence(const pqxx::field& f) {
  if (f.is_null()) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", f.as<double>());
  std::string s = buf;
  while (s.size() > 1 && s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string Time(const pqxx::field& f) {
  return f.is_null() ? "" : FormatTimestampIso(f.as<int64_t>());
}

}  // namespace

bool LooksLikeFormula(std::string_view field) {
  if (field.empty()) return false;
  switch (field[0]) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r': return true;
    default: return false;
  }
}

void AppendCsvField(std::string& out, std::string_view field, bool raw) {
  const bool neutralise = !raw && LooksLikeFormula(field);
  const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out += '"';
  if (neutralise) out += '\'';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quote) out += '"';
}

void AppendCsvRecord(std::string& out, const std::vector<std::string_view>& fields, bool raw) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    AppendCsvField(out, fields[i], raw);
  }
  out += "\r\n";
}

Result<ExportStats> ExportOccurrences(pqxx::connection& conn, const QuoteFilter& filter,
                                      const CsvOptions& options, const ExportSink& sink) {
  ExportStats stats;
  std::string chunk;
  chunk.reserve(kExportChunkBytes + 4096);
  // Hands the chunk to the sink; false when the sink asked to stop.
  auto flush = [&]() {
    if (chunk.empty()) return true;
    ++stats.chunks;
    stats.bytes += static_cast<int64_t>(chunk.size());
    const bool go_on = sink(chunk);
    chunk.clear();
    return go_on;
  };
  if (options.bom) chunk += kUtf8Bom;
  chunk += kExportHeader;
  chunk += "\r\n";

  if (!filter.q.empty() && NormalizeQuote(filter.q).empty())
    return InvalidArgument("q: has no letter or digit to look for");
  std::vector<std::string> params;
  const std::string where = OccurrenceFilterCondition(filter, params);
  try {
    pqxx::read_transaction tx(conn);
    if (!filter.q.empty())
      tx.exec_params(sql::kSetWordSimilarity, std::to_string(kFindMinWordSimilarity));
    tx.exec_params(std::string("DECLARE ") + kCursor + " NO SCROLL CURSOR FOR " + kExportSelect +
                       where + kExportOrder,
                   pqxx::prepare::make_dynamic_params(params));
    const std::string fetch = "FETCH " + std::to_string(kExportFetchRows) + " FROM " + kCursor;
    std::vector<std::string_view> fields(11);
    std::string published, first_seen, confidence, cluster;
    for (;;) {
      pqxx::result block = tx.exec(fetch);
      for (const auto& row : block) {
        published = Time(row[6]);
        first_seen = Time(row[7]);
        confidence = Confidence(row[9]);
        cluster = row[10].is_null() ? "" : row[10].c_str();
        for (int i : {0, 1, 2, 3, 4, 5, 8})
          fields[i] = std::string_view(row[i].c_str(), row[i].size());
        fields[6] = published;
        fields[7] = first_seen;
        fields[9] = confidence;
        fields[10] = cluster;
        AppendCsvRecord(chunk, fields, options.raw);
        ++stats.rows;
        if (chunk.size() >= kExportChunkBytes && !flush()) return stats;
      }
      if (block.size() < static_cast<size_t>(kExportFetchRows)) break;
    }
    tx.exec(std::string("CLOSE ") + kCursor);
  } catch (const std::exception& e) {
    return PqxxError(e, "exporting occurrences");
  }
  if (!flush()) return stats;
  stats.complete = true;
  return stats;
}

}  // namespace quotetrail
