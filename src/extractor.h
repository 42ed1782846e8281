// extractor.h: quotes, speakers and relays of one article.
//
// An Extractor holds the compiled rules of every language found under the
// extractors directory and the relay gazetteer. Extract() finds the quotation
// spans of an article, drops titles, names and terms quoted as terms, attributes
// each quote with the rules (nearest first), resolves the speaker inside the
// article and links the agency/outlet/document it came through. With
// ExtractOptions::claims it also reports speech without quotation marks
// (kind "indirect", claim_finder.h). An Extractor is immutable after Load and
// Extract is thread-safe: share one across worker threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "article.h"
#include "gazetteer.h"
#include "pattern_set.h"
#include "result.h"
#include "word_table.h"
#include "text.h"

namespace quotetrail {

struct ExtractedQuote {
  std::string text;
  size_t begin = 0, end = 0;        // byte offsets of `text` in the article text
  size_t start_cp = 0, end_cp = 0;  // the same in code points
  std::string kind;                 // full | partial | indirect
  std::string speaker;              // resolved name, empty when unknown
  std::string speaker_mention;      // the words naming the speaker, empty when none
  std::string speaker_kind;         // person | organisation | place | group, or empty
  std::string cue;
  std::vector<std::string> via;     // relays and documents the words came through, as
                                    // written (a relay's alias, "a statement"): the one
                                    // the attribution names first, then nearest first
  double confidence = 0;
  std::string pattern;              // id of the rule that attributed it, or
                                    // "floating" / "continued" / "incise" / "subject" /
                                    // "said_before" / "subject_before" /
                                    // "participle_clause" / ""
};

struct Extraction {
  std::string doc;
  std::string lang;
  std::vector<ExtractedQuote> quotes;
};

struct ExtractOptions {
  std::string lang = "auto";  // auto | fr | en
  bool claims = false;        // also report claims (kind "indirect"); off by default
};

class Extractor {
 public:
  // Loads extractors/<lang>/ for every language directory there and the gazetteer
  // extractors/common/agencies.tsv. Errors name the broken file and line.
  static Result<std::unique_ptr<Extractor>> Load(const std::string& extractors_dir);
  Extractor(const Extractor&) = delete;
  Extractor& operator=(const Extractor&) = delete;

  Extraction Extract(const Article& article, const ExtractOptions& opts) const;
  // "fr" or "en" from function-word counts (the article's language field wins when set).
  std::string DetectLanguage(const Article& article) const;
  std::vector<std::string> languages() const;
  const Gazetteer& gazetteer() const { return *gazetteer_; }

 private:
  Extractor() = default;
  // Extracts the quotes of `text`, which starts at byte `base` (code point
  // `base_cp`) of the article, appending them to *quotes.
  // `tokens`, when not null, is Tokenize(text) (taken over by the speaker resolver).
  void ExtractRange(std::string_view text, size_t base, size_t base_cp, const PatternSet& ps,
                    const ExtractOptions& opts, std::vector<Token>* tokens,
                    std::vector<ExtractedQuote>* quotes) const;
  // DetectLanguage for an article without a usable language field, from the
  // words of Tokenize(a.text) (`tokens`).
  std::string DetectFromTokens(const Article& a, const std::vector<Token>& tokens) const;
  std::unique_ptr<Gazetteer> gazetteer_;
  std::map<std::string, std::unique_ptr<PatternSet>> patterns_;
  // DetectLanguage's words: each folded DETECT form -> bit k set when the k-th
  // language of patterns_ lists it; detect_max_ is the longest form in bytes.
  WordTable<uint64_t> detect_;
  size_t detect_max_ = 0;
};

}  // namespace quotetrail
