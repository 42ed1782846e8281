// attribution_check.cc: see attribution_check.h.
#include "attribution_check.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "database.h"
#include "quote_clusters.h"
#include "quote_search.h"
#include "speaker_directory.h"
#include "store_sql.h"
#include "timestamp.h"
#include "utf8.h"

namespace quotetrail {
namespace {

// A speaker's name as a key, in SQL, is
//   btrim(regexp_replace(lower(qt_unaccent(name)), '[^[:alnum:]]+', ' ', 'g'))
// SpeakerKey() with the same rules (case, accents; every run of
// non-alphanumerics is one space).

// Step 1: the speakers an exact key names ($1 = SpeakerKey(name)).
constexpr const char* kSpeakersByKey = R"sql(
SELECT s.id, s.name FROM speakers s
WHERE s.id IN (SELECT speaker_id FROM speaker_aliases WHERE alias_norm = $1)
   OR btrim(regexp_replace(lower(qt_unaccent(s.name)), '[^[:alnum:]]+', ' ', 'g')) = $1
ORDER BY s.id
)sql";

// Step 2: persons of several words whose name ends with the word $1...
constexpr const char* kPersonsBySurname = R"sql(
SELECT s.id, s.name FROM speakers s
WHERE s.kind = 'person'
  AND btrim(regexp_replace(lower(qt_unaccent(s.name)), '[^[:alnum:]]+', ' ', 'g')) LIKE '% ' || $1
ORDER BY s.id
)sql";
// ... else those with it as another word (a family name written first).
constexpr const char* kPersonsByWord = R"sql(
SELECT s.id, s.name FROM speakers s
WHERE s.kind = 'person'
  AND regexp_replace(lower(qt_unaccent(' ' || s.name || ' ')), '[^[:alnum:]]+', ' ', 'g')
      LIKE '% ' || $1 || ' %'
ORDER BY s.id
)sql";

// Step 3: the persons rule 3 chooses from: last word $1, or that word alone.
constexpr const char* kPersonsByLastWord = R"sql(
SELECT s.id, s.name, s.kind FROM speakers s
WHERE s.kind = 'person'
  AND (btrim(regexp_replace(lower(qt_unaccent(s.name)), '[^[:alnum:]]+', ' ', 'g')) LIKE '% ' || $1
       OR btrim(regexp_replace(lower(qt_unaccent(s.name)), '[^[:alnum:]]+', ' ', 'g')) = $1)
ORDER BY s.id
)sql";

std::vector<ResolvedSpeaker> Speakers(const pqxx::result& rows) {
  std::vector<ResolvedSpeaker> out;
  for (const auto& row : rows) out.push_back({row[0].as<int64_t>(), row[1].as<std::string>()});
  return out;
}

SpeakerResolution FromCandidates(std::vector<ResolvedSpeaker> found) {
  SpeakerResolution r;
  if (found.size() == 1) {
    r.speaker = std::move(found[0]);
  } else {
    r.candidates = std::move(found);
  }
  return r;
}

std::string Day(const std::optional<int64_t>& us) {
  return us ? FormatTimestampIso(*us).substr(0, 10) : "an unknown date";
}

std::string Count(int64_t n) {
  return std::to_string(n) + (n == 1 ? " occurrence" : " occurrences");
}

std::string Listing(const std::vector<AttributedSpeaker>& speakers) {
  std::string out;
  for (size_t i = 0; i < speakers.size(); ++i) {
    if (i > 0) out += i + 1 == speakers.size() ? " and " : ", ";
    out += speakers[i].name + " (" + Count(speakers[i].occurrences) + ")";
  }
  return out;
}

std::string FirstSeen(const std::optional<FirstAppearance>& f) {
  if (!f) return "";
  std::string out = ", first seen on " + Day(f->published_us);
  if (!f->outlet.empty()) out += " in " + f->outlet;
  if (f->published_estimated) out += " (the date it was stored: its publication date is unknown)";
  return out;
}

std::string Explain(const CheckResult& r) {
  const std::string who = r.resolution.speaker ? r.resolution.speaker->name : r.query_speaker;
  std::string unknown;
  if (!r.resolution.speaker) {
    unknown = r.resolution.candidates.empty()
                  ? " (no stored speaker is called " + r.query_speaker + ")"
                  : " (" + r.query_speaker + " may be several stored speakers)";
  }
  const std::string first = FirstSeen(r.earliest);
  switch (r.verdict) {
    case Verdict::kNotFound:
      if (r.matches.empty()) return "No stored quote matches these words.";
      return "Stored quotes match these words, but no source names an identified speaker for "
             "them" +
             first + ".";
    case Verdict::kConfirmed:
      return "The sources attribute these words to " + who + " only (" +
             Count(r.speaker_occurrences) + ")" + first + ".";
    case Verdict::kAttributedToOther:
      return "The sources never attribute these words to " + who + unknown +
             "; they attribute them to " + Listing(r.others) + first + ".";
    case Verdict::kDisputed:
      if (r.speaker_occurrences > 0) {
        return "The sources disagree: they attribute these words to " + who + " (" +
               Count(r.speaker_occurrences) + ") but also to " + Listing(r.others) + first + ".";
      }
      return "The sources never attribute these words to " + who + unknown +
             " and disagree on who said them: " + Listing(r.others) + first + ".";
  }
  return "";
}

}  // namespace

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kConfirmed: return "confirmed";
    case Verdict::kAttributedToOther: return "attributed_to_other";
    case Verdict::kDisputed: return "disputed";
    case Verdict::kNotFound: return "not_found";
  }
  return "not_found";
}

SpeakerResolution ResolveSpeakerName(pqxx::transaction_base& tx, const std::string& name) {
  const std::string key = SpeakerKey(name);
  if (key.empty()) return {};
  // 1. The exact key.
  std::vector<ResolvedSpeaker> exact = Speakers(tx.exec_params(kSpeakersByKey, key));
  if (!exact.empty()) return FromCandidates(std::move(exact));
  const size_t space = key.rfind(' ');
  if (space == std::string::npos) {
    // 2. A surname alone.
    std::vector<ResolvedSpeaker> found = Speakers(tx.exec_params(kPersonsBySurname, key));
    if (found.empty()) found = Speakers(tx.exec_params(kPersonsByWord, key));
    return FromCandidates(std::move(found));
  }
  // 3. Another spelling of a person's name, as ingest matches them.
  if (!IsName(name)) return {};
  SpeakerDirectory directory(nullptr);
  std::unordered_map<int64_t, std::string> names;
  for (const auto& row : tx.exec_params(kPersonsByLastWord, key.substr(space + 1))) {
    const int64_t id = row[0].as<int64_t>();
    names[id] = row[1].as<std::string>();
    directory.AddStored(id, row[1].as<std::string>(), row[2].as<std::string>());
  }
  if (names.empty()) return {};
  const int64_t id = directory.Resolve(name, "person", [] { return int64_t{-1}; });
  auto it = names.find(id);
  if (it == names.end()) return {};  // 0 or -1: no stored speaker fits
  SpeakerResolution r;
  r.speaker = ResolvedSpeaker{id, it->second};
  return r;
}

Result<CheckResult> CheckAttribution(pqxx::connection& conn, const std::string& text,
                                     const std::string& speaker) {
  if (!IsValidUtf8(text)) return InvalidArgument("text: not valid UTF-8");
  if (!IsValidUtf8(speaker)) return InvalidArgument("speaker: not valid UTF-8");
  if (text.size() > kMaxCheckTextBytes)
    return InvalidArgument("text: longer than " + std::to_string(kMaxCheckTextBytes) + " bytes");
  if (speaker.size() > kMaxFilterValueBytes)
    return InvalidArgument("speaker: longer than " + std::to_string(kMaxFilterValueBytes) + " bytes");
  const std::string norm = NormalizeQuote(text);
  if (norm.empty()) return InvalidArgument("text: nothing to check: it has no letter or digit");
  if (SpeakerKey(speaker).empty())
    return InvalidArgument("speaker: a name is needed (it has no letter or digit)");
  CheckResult r;
  r.query_text = text;
  r.query_speaker = speaker;
  try {
    pqxx::read_transaction tx(conn);
    tx.exec_params(sql::kSetWordSimilarity, std::to_string(kFindMinWordSimilarity));
    std::vector<int64_t> ids;
    std::unordered_map<int64_t, std::pair<bool, double>> rank;
    for (const auto& row : tx.exec_params(sql::kFindClusters, norm, "", kCheckMaxMatches)) {
      const int64_t id = row[0].as<int64_t>();
      ids.push_back(id);
      rank[id] = {row[1].as<bool>(), row[2].as<double>()};
    }
    for (QuoteSummary& q : LoadQuoteSummaries(tx, ids)) {
      CheckMatch m;
      m.contains = rank[q.id].first;
      m.similarity = m.contains ? 1.0 : std::clamp(rank[q.id].second, 0.0, 1.0);
      for (const auto& s : q.speakers) m.attributed_to.push_back({s.id, s.name, s.occurrences});
      m.quote = std::move(q);
      r.matches.push_back(std::move(m));
    }
    r.resolution = ResolveSpeakerName(tx, speaker);
  } catch (const std::exception& e) {
    return PqxxError(e, "checking an attribution");
  }

  if (!r.matches.empty()) {
    r.earliest = r.matches[0].quote.first_appearance;
    const CheckMatch& best = r.matches[0];
    std::map<int64_t, AttributedSpeaker> pooled;
    for (CheckMatch& m : r.matches) {
      m.evidence =
          best.contains ? m.contains : m.similarity >= best.similarity - kCheckSimilarityMargin;
      if (!m.evidence) continue;
      for (const auto& s : m.attributed_to) {
        AttributedSpeaker& p = pooled[s.id];
        p.id = s.id;
        p.name = s.name;
        p.occurrences += s.occurrences;
      }
    }
    const int64_t queried = r.resolution.speaker ? r.resolution.speaker->id : 0;
    for (auto& [id, s] : pooled) {
      if (id == queried) {
        r.speaker_occurrences = s.occurrences;
      } else {
        r.others.push_back(s);
      }
    }
    std::stable_sort(r.others.begin(), r.others.end(),
                     [](const auto& a, const auto& b) { return a.occurrences > b.occurrences; });
    int64_t others_total = 0;
    for (const auto& s : r.others) others_total += s.occurrences;
    if (r.others.empty()) {
      r.verdict = r.speaker_occurrences > 0 ? Verdict::kConfirmed : Verdict::kNotFound;
    } else if (r.speaker_occurrences > 0) {
      r.verdict = Verdict::kDisputed;
    } else {
      r.verdict = 2 * r.others[0].occurrences > others_total ? Verdict::kAttributedToOther
                                                             : Verdict::kDisputed;
    }
  }
  r.explanation = Explain(r);
  return r;
}

nlohmann::json ToJson(const CheckResult& r) {
  nlohmann::json matches = nlohmann::json::array();
  for (const CheckMatch& m : r.matches) {
    nlohmann::json by = nlohmann::json::array();
    for (const auto& s : m.attributed_to)
      by.push_back({{"id", s.id}, {"name", s.name}, {"occurrences", s.occurrences}});
    matches.push_back(
        {{"quote", ToJson(m.quote)}, {"similarity", m.similarity}, {"attributed_to", by}});
  }
  nlohmann::json resolved;
  if (r.resolution.speaker)
    resolved = {{"id", r.resolution.speaker->id}, {"name", r.resolution.speaker->name}};
  return {{"verdict", VerdictName(r.verdict)},
          {"speaker", {{"query", r.query_speaker}, {"resolved", resolved}}},
          {"matches", matches},
          {"earliest", r.earliest ? ToJson(*r.earliest) : nlohmann::json()},
          {"explanation", r.explanation}};
}

}  // namespace quotetrail
