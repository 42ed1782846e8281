// attribution_check.h: did SPEAKER say TEXT, according to the stored sources?
// Backs `POST /api/v1/check` and `quotetrail check`. Read-only.
//
// 1. Matching (quote_search.h, the same SQL and threshold as `find`): the
//    text is normalised (NormalizeQuote) and every cluster whose normalised
//    text contains it, or whose words are like it (pg_trgm word_similarity
//    >= kFindMinWordSimilarity = 0.6), is a match; so a partial quote, or
//    one with other accents, case, punctuation or a misspelt word, matches.
//    At most kCheckMaxMatches, best first: containment first, then by
//    similarity, occurrences, id. A match's `similarity` is 1 when the
//    normalised text occurs in the cluster as is, else its word similarity.
// 2. Evidence: the best matches, pooled. When some match contains the text,
//    every match that contains it (the same words inside several quotes: all
//    of them are sources for these words); otherwise every match whose
//    similarity is at least the best one's minus kCheckSimilarityMargin.
//    Their attributions are counted per identified speaker (quote_speakers:
//    an occurrence whose speaker is a description such as "le dirigeant
//    nord-coréen" identifies no one and is not counted).
// 3. The queried speaker is resolved against speakers/speaker_aliases
//    (ResolveSpeakerName below): "Kim Jong Un" is "Kim Jong-un", "Sergei
//    Lavrov" is "Sergueï Lavrov", a surname alone is its one bearer.
// 4. Verdict, with Q = the evidence's occurrences attributed to the queried
//    speaker (0 when it resolved to no one) and O = those attributed to each
//    other identified speaker:
//      not_found            no match; or matches whose occurrences name no
//                           identified speaker (nobody to compare with; the
//                           matches are still listed)
//      confirmed            Q > 0 and no other speaker
//      attributed_to_other  Q = 0 and one other speaker holds a strict
//                           majority (more than half) of the others'
//                           occurrences (alone, or ahead of the rest); all
//                           are named, that one first
//      disputed             Q > 0 and some other speaker too; or Q = 0 and
//                           no other speaker holds a strict majority (two
//                           or more others with as many occurrences)
// `earliest` is the first appearance of the best match (matches[0]).
//
// Errors: kInvalidArgument naming the field ("text: ...", "speaker: ...")
// when the text has no letter or digit or is longer than kMaxCheckTextBytes,
// the speaker has no letter or digit or is longer than kMaxFilterValueBytes
// (quote_filter.h), or either is not valid UTF-8; database errors as Status
// (database.h: PqxxError).
//
// Thread-safety: functions of their arguments; a connection is used by one
// call at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "quote_filter.h"
#include "quote_summary.h"
#include "result.h"

namespace quotetrail {

inline constexpr int kCheckMaxMatches = 10;
inline constexpr size_t kMaxCheckTextBytes = 2000;
inline constexpr double kCheckSimilarityMargin = 0.05;

enum class Verdict { kConfirmed, kAttributedToOther, kDisputed, kNotFound };

// "confirmed", "attributed_to_other", "disputed", "not_found".
const char* VerdictName(Verdict v);

struct ResolvedSpeaker {
  int64_t id = 0;
  std::string name;
};

// How a queried name resolved. `speaker` is set when exactly one stored
// speaker fits; `candidates` lists them when several do (ambiguous).
struct SpeakerResolution {
  std::optional<ResolvedSpeaker> speaker;
  std::vector<ResolvedSpeaker> candidates;  // ambiguous: the speakers it may be
};

// Resolves `name` to a stored speaker, in order:
//   1. a speaker whose alias or own name has the key SpeakerKey(name)
//      (case, accents, hyphens and dots do not matter): when it is one
//      speaker, that one; when several, ambiguous;
//   2. one word ("Lavrov"): the persons of several words whose name ends
//      with it, or when there are none, those with it as another word (a
//      family name written first: "Kim" for Kim Jong-un); exactly one ->
//      that one, several -> ambiguous;
//   3. several words: a person with the same last word, the same number of
//      words and compatible other words (SpeakerDirectory's rule 3:
//      "Sergei" ~ "Serguei", "B." ~ "Barack"), when exactly one fits.
// No speaker when none fits. Exceptions from libpqxx propagate.
SpeakerResolution ResolveSpeakerName(pqxx::transaction_base& tx, const std::string& name);

struct AttributedSpeaker {
  int64_t id = 0;
  std::string name;
  int64_t occurrences = 0;
};

struct CheckMatch {
  QuoteSummary quote;
  double similarity = 0;  // 0..1, see above
  bool contains = false;  // the normalised text occurs in the cluster as is
  bool evidence = false;  // counted for the verdict (step 2)
  std::vector<AttributedSpeaker> attributed_to;  // most occurrences first
};

struct CheckResult {
  Verdict verdict = Verdict::kNotFound;
  std::string query_text;
  std::string query_speaker;
  SpeakerResolution resolution;
  std::vector<CheckMatch> matches;  // best first
  // Pooled over the evidence, most occurrences first: the queried speaker's
  // count (0 when absent) and every other identified speaker.
  int64_t speaker_occurrences = 0;
  std::vector<AttributedSpeaker> others;
  std::optional<FirstAppearance> earliest;
  std::string explanation;  // one sentence for people
};

Result<CheckResult> CheckAttribution(pqxx::connection& conn, const std::string& text,
                                     const std::string& speaker);

// The /check response: {"verdict", "speaker": {"query", "resolved": {"id",
// "name"} | null}, "matches": [{"quote": QuoteSummary, "similarity",
// "attributed_to": [{"id", "name", "occurrences"}]}], "earliest":
// first_appearance | null, "explanation"}.
nlohmann::json ToJson(const CheckResult& r);

}  // namespace quotetrail
