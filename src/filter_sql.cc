// filter_sql.cc: see filter_sql.h.
#include "filter_sql.h"

#include "quote_clusters.h"
#include "speaker_directory.h"
#include "timestamp.h"

namespace quotetrail {
namespace {

bool AllDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::string OccurrenceFilterCondition(const QuoteFilter& f, std::vector<std::string>& params) {
  std::vector<std::string> conds;
  auto param = [&](std::string value) {
    params.push_back(std::move(value));
    std::string placeholder = "$";
    placeholder += std::to_string(params.size());
    return placeholder;
  };
  if (!f.q.empty()) {
    const std::string norm = NormalizeQuote(f.q);
    const std::string raw = param(f.q);
    std::string fts;
    for (const char* config : {"pg_catalog.french", "pg_catalog.english", "pg_catalog.simple"}) {
      if (!fts.empty()) fts += " OR ";
      fts += std::string("(qt_ts_config(cq.language) = '") + config +
             "'::regconfig AND cq.fts @@ "
             "plainto_tsquery('" +
             config + "'::regconfig, " + raw + "))";
    }
    std::string words;
    if (!norm.empty()) {  // NormalizeQuote keeps letters, digits and spaces: no LIKE wildcard
      const std::string n = param(norm);
      words = "cq.norm_text LIKE '%' || " + n + " || '%' OR " + n + " <% cq.norm_text OR ";
    }
    conds.push_back("o.quote_id IN (SELECT cq.id FROM quotes cq WHERE " + words + fts + ")");
  }
  if (!f.speaker.empty()) {
    const std::string key = SpeakerKey(f.speaker);
    if (key.empty()) {
      conds.push_back("FALSE");  // a speaker filter without a letter names no one
    } else {
      const std::string k = param(key);
      conds.push_back(
          "o.speaker_id IN (SELECT fa.speaker_id FROM speaker_aliases fa WHERE fa.alias_norm LIKE "
          "'%' || " +
          k +
          " || '%' UNION SELECT fs.id FROM speakers fs WHERE "
          "regexp_replace(lower(qt_unaccent(fs.name)), '[^[:alnum:]]+', ' ', 'g') LIKE '%' || " +
          k + " || '%')");
    }
  }
  if (!f.agency.empty()) {
    std::string relay;
    if (AllDigits(f.agency)) {
      const size_t nz = f.agency.find_first_not_of('0');
      relay = "fr.id::text = " + param(nz == std::string::npos ? "0" : f.agency.substr(nz));
    } else {
      const std::string v = param(f.agency);
      relay = "lower(qt_unaccent(fr.name)) = lower(qt_unaccent(" + v +
              ")) OR EXISTS (SELECT 1 FROM unnest(fr.aliases) AS fal(alias) WHERE "
              "lower(qt_unaccent(fal.alias)) = lower(qt_unaccent(" +
              v + ")))";
    }
    conds.push_back(
        "EXISTS (SELECT 1 FROM occurrence_via fv WHERE fv.occurrence_id = o.id AND fv.agency_id IN "
        "(SELECT fr.id FROM agencies fr WHERE " +
        relay + "))");
  }
  if (!f.outlet.empty()) {
    conds.push_back("strpos(lower(qt_unaccent(coalesce(ot.name, ''))), lower(qt_unaccent(" +
                    param(f.outlet) + "))) > 0");
  }
  if (!f.lang.empty()) {
    const std::string l = param(f.lang);
    conds.push_back("(lower(d.language) = " + l + " OR lower(d.language) LIKE " + l + " || '-%')");
  }
  if (!f.kind.empty()) conds.push_back("o.kind = " + param(f.kind));
  if (f.from_us)
    conds.push_back("d.published_at >= " + param(FormatTimestamp(*f.from_us)) + "::timestamptz");
  if (f.to_us)
    conds.push_back("d.published_at < " + param(FormatTimestamp(*f.to_us)) + "::timestamptz");
  if (conds.empty()) return "TRUE";
  std::string out;
  for (const auto& c : conds) {
    out += out.empty() ? "(" : " AND (";
    out += c;
    out += ')';
  }
  return out;
}

}  // namespace quotetrail
