#include "speaker_directory.h"

#include <algorithm>

#include "gazetteer.h"
#include "quote_clusters.h"
#include "text.h"

namespace quotetrail {
namespace {

// Lower-case words that may sit inside a name (folded, without a trailing
// apostrophe): particles of persons' names and the small words of
// organisations' names.
bool IsConnector(const std::string& folded) {
  static constexpr const char* kConnectors[] = {
      "a",  "al",  "and", "au",  "aux", "bin", "d",    "da",  "das", "de", "del", "della",
      "den", "der", "des", "di",  "do",  "dos", "du",   "e",   "el",  "en", "et",  "for",
      "ibn", "in",  "l",   "la",  "le",  "les", "of",   "on",  "st",  "ter", "the", "van",
      "von", "y",   "zu"};
  return std::find_if(std::begin(kConnectors), std::end(kConnectors),
                      [&](const char* c) { return folded == c; }) != std::end(kConnectors);
}

std::vector<std::string> SplitWords(const std::string& key) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < key.size()) {
    size_t j = key.find(' ', i);
    if (j == std::string::npos) j = key.size();
    if (j > i) out.push_back(key.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// The consonants after the first letter, doubles collapsed: the part of a
// name transliterations agree on ("serguei", "sergei", "sergey" -> "srg").
std::string Skeleton(const std::string& w) {
  std::string out;
  for (size_t i = 0; i < w.size(); ++i) {
    const char c = w[i];
    const bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
    if (i > 0 && vowel) continue;
    if (!out.empty() && out.back() == c) continue;
    out += c;
  }
  return out;
}

// Two words of persons' names that may be the same (rule 3).
bool Compatible(const std::string& a, const std::string& b) {
  if (a == b) return true;
  if (a.empty() || b.empty() || a[0] != b[0]) return false;
  if (a.size() == 1 || b.size() == 1) return true;  // an initial
  return a.size() >= 4 && b.size() >= 4 && Skeleton(a) == Skeleton(b) && EditDistance(a, b) <= 2;
}

std::string ValidKind(std::string_view kind) {
  if (kind == "organisation" || kind == "place" || kind == "group") return std::string(kind);
  return "person";
}

}  // namespace

std::string SpeakerKey(std::string_view name) { return NormalizeQuote(name); }

bool IsName(std::string_view name) {
  bool any = false, substantial = false;
  for (const Token& t : Tokenize(name)) {
    std::string f = Fold(t.text);
    while (!f.empty() && f.back() == '\'') f.pop_back();
    if (IsConnector(f)) continue;  // "de", "of", and "Le", "The" opening a name
    size_t pos = 0;
    if (!t.upper && !IsDigit(NextCodePoint(t.text, pos))) return false;
    any = true;
    if (f.size() >= 2) substantial = true;
  }
  return any && substantial;
}

void SpeakerDirectory::IndexName(size_t index) {
  const StoredSpeaker& s = speakers_[index];
  if (s.kind != "person" || s.words.empty()) return;
  if (s.words.size() >= 2) {
    by_last_word_[s.words.back()].push_back(index);
  } else {
    single_word_.emplace(s.words[0], index);
  }
}

void SpeakerDirectory::AddStored(int64_t id, std::string name, std::string kind) {
  StoredSpeaker s;
  s.id = id;
  s.key = SpeakerKey(name);
  s.words = SplitWords(s.key);
  s.name = std::move(name);
  s.kind = ValidKind(kind);
  speakers_.push_back(std::move(s));
  by_id_[id] = speakers_.size() - 1;
  IndexName(speakers_.size() - 1);
}

void SpeakerDirectory::AddStoredAlias(const std::string& key, int64_t speaker_id) {
  auto it = by_id_.find(speaker_id);
  if (it == by_id_.end()) return;
  std::vector<size_t>& v = by_alias_[key];
  if (std::find(v.begin(), v.end(), it->second) == v.end()) v.push_back(it->second);
}

void SpeakerDirectory::AddAlias(const std::string& key, size_t index) {
  std::vector<size_t>& v = by_alias_[key];
  if (std::find(v.begin(), v.end(), index) != v.end()) return;
  v.push_back(index);
  changes_.aliases.emplace_back(key, speakers_[index].id);
}

size_t SpeakerDirectory::Create(std::string name, std::string kind,
                                const std::function<int64_t()>& next_id) {
  AddStored(next_id(), std::move(name), std::move(kind));
  const size_t index = speakers_.size() - 1;
  changes_.created.push_back(speakers_[index].id);
  AddAlias(speakers_[index].key, index);
  return index;
}

const StoredSpeaker* SpeakerDirectory::Find(int64_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &speakers_[it->second];
}

int64_t SpeakerDirectory::ResolvePerson(const std::string& name, const std::string& key,
                                        const std::vector<std::string>& words,
                                        const std::function<int64_t()>& next_id) {
  auto by_last = by_last_word_.find(words.back());
  const std::vector<size_t> none;
  const std::vector<size_t>& same_last = by_last == by_last_word_.end() ? none : by_last->second;

  if (words.size() == 1) {  // rule 4
    size_t index;
    if (same_last.size() == 1) {
      index = same_last[0];
    } else if (auto single = single_word_.find(words[0]); single != single_word_.end()) {
      index = single->second;
    } else if (auto alias = by_alias_.find(key); same_last.empty() && alias != by_alias_.end()) {
      index = alias->second[0];  // a non-person of that name
    } else {
      return speakers_[Create(name, "person", next_id)].id;
    }
    AddAlias(key, index);
    return speakers_[index].id;
  }

  // rule 3
  std::vector<size_t> fits;
  for (size_t index : same_last) {
    const StoredSpeaker& s = speakers_[index];
    if (s.words.size() != words.size()) continue;
    bool ok = true;
    for (size_t w = 0; w + 1 < words.size() && ok; ++w) ok = Compatible(s.words[w], words[w]);
    if (ok) fits.push_back(index);
  }
  if (fits.size() == 1) {
    AddAlias(key, fits[0]);
    return speakers_[fits[0]].id;
  }
  if (fits.empty() && same_last.empty()) {
    auto single = single_word_.find(words.back());
    if (single != single_word_.end()) {
      const size_t index = single->second;
      single_word_.erase(single);
      StoredSpeaker& s = speakers_[index];
      s.name = name;
      s.key = key;
      s.words = words;
      IndexName(index);
      changes_.renamed.push_back(s.id);
      AddAlias(key, index);
      return s.id;
    }
  }
  return speakers_[Create(name, "person", next_id)].id;
}

int64_t SpeakerDirectory::Resolve(std::string_view raw_name, std::string_view raw_kind,
                                  const std::function<int64_t()>& next_id) {
  std::string name(TrimSpaces(raw_name));
  std::string kind = ValidKind(raw_kind);
  const Relay* relay = gazetteer_ != nullptr ? gazetteer_->Find(name) : nullptr;
  if (relay != nullptr) {  // rule 1
    name = relay->name;
    if (kind == "person") kind = "organisation";
  } else if (!IsName(name)) {
    return 0;
  }
  const std::string key = SpeakerKey(name);
  const std::vector<std::string> words = SplitWords(key);
  if (words.empty()) return 0;
  auto alias = by_alias_.find(key);
  if (words.size() >= 2 && alias != by_alias_.end() && alias->second.size() == 1) {  // rule 2
    return speakers_[alias->second[0]].id;
  }
  if (kind == "person") return ResolvePerson(name, key, words, next_id);
  if (alias != by_alias_.end()) return speakers_[alias->second[0]].id;
  return speakers_[Create(name, kind, next_id)].id;
}

SpeakerDirectory::Changes SpeakerDirectory::TakeChanges() {
  Changes out = std::move(changes_);
  changes_ = Changes();
  return out;
}

}  // namespace quotetrail
