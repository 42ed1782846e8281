// speaker_directory.h: one speaker across articles.
//
// The extractor resolves a speaker inside one article ("Lavrov" and "Il" ->
// "Sergueï Lavrov"). SpeakerDirectory decides which stored speaker (table
// speakers) such a name is, across all the articles ingested so far.
//
// Keys: SpeakerKey(name) folds case and accents and treats hyphens, dots and
// apostrophes as spaces: "Kim Jong-un" and "Kim Jong Un" -> "kim jong un",
// "Sergueï Lavrov" -> "serguei lavrov". speaker_aliases.alias_norm holds keys.
//
// Only names identify someone. IsName(): every word is capitalised (or a
// digit), connectors excepted (de, du, la, le, von, bin, of, the...), and
// some word has two letters or more. Descriptions ("le dirigeant
// nord-coréen", "The army", "Les deux pays") resolve to no speaker: the
// occurrence keeps the words as its speaker_name and speaker_id stays NULL,
// because "the army" of one article is not that of another.
//
// Rules for a name, in order:
//   1. A relay of the gazetteer goes by its canonical name ("TASS",
//      "agence Tass" -> "Tass"), a name or not.
//   2. A key of several words already recorded as the alias of exactly one
//      speaker -> that speaker (whatever its kind).
//   3. A person's name of several words: the person whose name has the same
//      number of words, the same last word, and each other word compatible
//      (equal; one the initial of the other, "B." ~ "Barack"; or both of 4
//      letters or more, with the same first letter, the same consonants
//      after it and at most 2 edits apart: "Serguei" ~ "Sergei" ~ "Sergey",
//      "Mohamed" ~ "Mohammed", but not "Marine" ~ "Martin"), when exactly
//      one person fits. When
//      none fits and no person of several words has that last word, a
//      single-word person with that word ("Lavrov", stored before the full
//      name was seen) is that person, and takes the full name. Several fit:
//      no merge (a new speaker).
//   4. A single word for a person ("Lavrov"): the one person of several
//      words whose name ends with it. None or several ("Kim" when there are
//      Kim Jong-un and Kim Yo-jong... and "kim" is not the last word of
//      either): the single-word speaker of that name, created if needed;
//      ambiguous short names are never merged into a full name.
//   5. Otherwise (and for every non-person without an exact alias) a new
//      speaker.
// The key a speaker was resolved from is recorded as its alias; one alias
// may name several speakers (the single word "Lavrov" when there are two).
// The result depends on the order names arrive in, which ingest keeps stable
// (input order).
//
// Thread-safety: a plain object; one thread at a time. Free functions are pure.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace quotetrail {

class Gazetteer;

// The alias key described above.
std::string SpeakerKey(std::string_view name);

// Whether `name` is a name rather than a description (see above).
bool IsName(std::string_view name);

struct StoredSpeaker {
  int64_t id = 0;
  std::string name;
  std::string kind;  // person | organisation | place | group
  std::string key;   // SpeakerKey(name)
  std::vector<std::string> words;  // of key
};

class SpeakerDirectory {
 public:
  // `gazetteer` (may be null) gives canonical names for rule 1; not owned,
  // must outlive the directory.
  explicit SpeakerDirectory(const Gazetteer* gazetteer) : gazetteer_(gazetteer) {}
  SpeakerDirectory(const SpeakerDirectory&) = delete;
  SpeakerDirectory& operator=(const SpeakerDirectory&) = delete;

  // Loading from the database: a speaker, then its aliases.
  void AddStored(int64_t id, std::string name, std::string kind);
  void AddStoredAlias(const std::string& key, int64_t speaker_id);

  // The speaker id for `name` as one article resolved it, `kind` as the
  // extractor says (empty: person). 0 when `name` is not a name. New speakers
  // get their id from `next_id`. Records what changed (Take* below).
  int64_t Resolve(std::string_view name, std::string_view kind,
                  const std::function<int64_t()>& next_id);

  const StoredSpeaker* Find(int64_t id) const;

  // What Resolve changed since the last call, for the store to write.
  struct Changes {
    std::vector<int64_t> created;  // new speakers
    std::vector<int64_t> renamed;  // single-word speakers given a full name
    std::vector<std::pair<std::string, int64_t>> aliases;  // new (key, speaker id)
  };
  Changes TakeChanges();

 private:
  size_t Create(std::string name, std::string kind, const std::function<int64_t()>& next_id);
  void AddAlias(const std::string& key, size_t index);
  int64_t ResolvePerson(const std::string& name, const std::string& key,
                        const std::vector<std::string>& words,
                        const std::function<int64_t()>& next_id);
  void IndexName(size_t index);

  const Gazetteer* gazetteer_;
  std::vector<StoredSpeaker> speakers_;
  std::unordered_map<int64_t, size_t> by_id_;
  std::unordered_map<std::string, std::vector<size_t>> by_alias_;
  // Persons of several words by last word; single-word persons by their word.
  std::unordered_map<std::string, std::vector<size_t>> by_last_word_;
  std::unordered_map<std::string, size_t> single_word_;
  Changes changes_;
};

}  // namespace quotetrail
