// gazetteer.h: news agencies, outlets and platforms that relay quotes.
//
// Loaded from extractors/common/agencies.tsv (one entry a line, tab-separated:
// name, aliases separated by '|', country, ownership state|public|private,
// type agency|outlet|platform). Lookup is by folded alias (case, accents and
// apostrophes ignored). Immutable after Load; thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "result.h"

namespace quotetrail {

struct Relay {
  std::string name;                  // canonical: "KCNA"
  std::vector<std::string> aliases;  // as written: "Korean Central News Agency", "조선중앙통신"
  std::string country;               // ISO 3166 alpha-2, "KP"
  std::string ownership;             // state | public | private
  std::string type;                  // agency | outlet | platform
};

class Gazetteer {
 public:
  static Result<std::unique_ptr<Gazetteer>> Load(const std::string& tsv_path);
  Gazetteer(const Gazetteer&) = delete;
  Gazetteer& operator=(const Gazetteer&) = delete;

  const std::vector<Relay>& relays() const { return relays_; }
  // The relay with this alias or name (folded comparison), or nullptr.
  const Relay* Find(std::string_view alias) const;
  // The relay whose alias or name occurs in `text` as whole words (the longest
  // when several), with the alias as written there in *surface; or nullptr.
  const Relay* FindIn(std::string_view text, std::string* surface) const;
  // Every alias and name, for the {RELAY} macro of the rules.
  std::vector<std::string> AllAliases() const;

 private:
  Gazetteer() = default;
  std::vector<Relay> relays_;
  std::map<std::string, size_t> by_alias_;  // folded alias -> index
};

}  // namespace quotetrail
