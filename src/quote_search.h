// quote_search.h: finding quote clusters by their words, with their chain
// of occurrences. Read-only; used by `quotetrail find` (and the HTTP API).
//
// FindQuotes normalises the query like stored quotes (NormalizeQuote:
// case, accents, punctuation and quotation marks do not matter) and returns
// the clusters whose normalised text contains it, then those whose words are
// like it (pg_trgm word_similarity >= kFindMinWordSimilarity, so a partial
// or slightly misspelt quote finds its cluster: "pret a soutenir" finds
// « prête à soutenir ... »). With a speaker, only clusters with an occurrence
// whose speaker's alias or name contains SpeakerKey(speaker).
// Each result has the cluster's canonical text, speakers, counts, and every
// occurrence in time order with its document (date, outlet, URL or source)
// and vias; the first one is the first appearance.
//
// Thread-safety: the functions use only their arguments; a connection is
// used by one call at a time.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "result.h"

namespace quotetrail {

inline constexpr double kFindMinWordSimilarity = 0.6;  // pg_trgm's own default

struct FindQuery {
  std::string text;     // the words looked for (required)
  std::string speaker;  // "" for any speaker
  int limit = 10;       // clusters at most
};

struct FoundOccurrence {
  int64_t id = 0;
  std::string text;
  std::string kind;
  std::string speaker;  // the stored speaker's name, else the article's words
  std::string speaker_mention;
  int64_t derived_from = 0;  // 0: none
  int64_t document_id = 0;
  int64_t published_us = 0;
  bool published_estimated = false;
  std::string outlet, url, source, title;
  std::vector<std::string> via;  // relays by canonical name, else as written
};

struct FoundSpeaker {
  std::string name;
  int64_t occurrences = 0;
};

struct FoundQuote {
  int64_t id = 0;
  std::string text;  // canonical (longest) text
  std::vector<FoundSpeaker> speakers;
  bool conflict = false;
  int64_t occurrence_count = 0;
  int64_t document_count = 0;
  bool exact = false;  // the normalised query occurs in the text as is
  double score = 0;    // word similarity, 0..1
  std::vector<FoundOccurrence> chain;  // time order; chain[0] is the first appearance
};

// The matching clusters, best first. kInvalidArgument when the query has no
// letter or digit; database errors as Status (database.h: PqxxError).
Result<std::vector<FoundQuote>> FindQuotes(pqxx::connection& conn, const FindQuery& query);

// {"id", "text", "speakers": [{"name", "occurrences"}], "conflict",
//  "occurrences", "documents", "exact", "score", "first_appearance": {...},
//  "chain": [{"id", "published_at", "published_at_estimated", "outlet",
//  "url", "source", "title", "speaker", "speaker_mention", "kind", "text",
//  "via", "derived_from"}]}; published_at in RFC 3339, absent values null.
nlohmann::json ToJson(const FoundQuote& q);

}  // namespace quotetrail
