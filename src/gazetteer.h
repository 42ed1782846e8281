// gazetteer.h: news agencies, outlets and platforms that relay quotes.
//
// Loaded from extractors/common/agencies.tsv (one entry a line, tab-separated:
// name, aliases separated by '|', country, ownership state|public|private,
// type agency|outlet|platform). Find() compares folded aliases (case, accents
// and apostrophes ignored); FindIn() and FindBare() also require the capitals
// of the alias in the text, so that "tout le monde" is not the outlet Le Monde.
// Immutable after Load; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"
#include "word_table.h"

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
  // when several) with the alias's capitals (a leading article excepted), with
  // the alias as written there in *surface (the canonical name when the text
  // writes it too: "KCNA" in "l'agence officielle nord-coréenne KCNA"); or
  // nullptr.
  const Relay* FindIn(std::string_view text, std::string* surface) const;
  // The relay with an alias that is `text` plus a leading article ("Figaro" in
  // "au Figaro" for "Le Figaro"), with that full alias in *alias; or nullptr.
  // Capitals must agree as for FindIn.
  const Relay* FindBare(std::string_view text, std::string* alias) const;
  // Every alias and name, for the {RELAY} macro of the rules.
  std::vector<std::string> AllAliases() const;
  // The aliases that start with an article, without it, for {RELAY_BARE}.
  std::vector<std::string> BareAliases() const;
  // The macros the rules take from the gazetteer: RELAY and RELAY_BARE.
  std::map<std::string, std::vector<std::string>> Lexicons() const;

 private:
  Gazetteer() = default;
  struct Form {
    size_t relay;       // index in relays_
    std::string alias;  // as listed
  };
  std::vector<Relay> relays_;
  // folded alias -> index (a hash table: Find runs for every word of every name)
  WordTable<size_t> by_alias_;
  size_t max_alias_ = 0;  // the longest key of by_alias_, in bytes
  // The heads (KeyHead) of by_alias_'s and bare_'s keys, as bits of a kHeadBits map:
  // Find's and FindBare's quick no, as most capitalised words of an article are no relay's.
  static constexpr uint32_t kHeadBits = 1 << 16;
  std::vector<uint64_t> key_heads_ = std::vector<uint64_t>(kHeadBits / 64, 0);
  static bool KeyHead(std::string_view s, bool folded, uint32_t* head);
  void AddKeyHead(std::string_view key);
  // Whether no key can be the fold of `text` or of a longer text it starts.
  bool NoKeyStarts(std::string_view text) const;
  std::multimap<std::string, Form> spelled_;  // folded alias -> its spellings
  std::multimap<std::string, Form> bare_;     // folded alias minus article -> full alias
};

}  // namespace quotetrail
