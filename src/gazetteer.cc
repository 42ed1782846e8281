#include "gazetteer.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "text.h"

namespace quotetrail {

namespace {
std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(std::string(TrimSpaces(cur)));
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

bool IsArticle(std::string_view token) {
  std::string f = Fold(token);
  return f == "the" || f == "le" || f == "la" || f == "les" || f == "l'";
}

// Whether a word has two letters or more, all of them capitals ("BBC", "TV5").
bool AllCaps(std::string_view word) {
  size_t letters = 0;
  for (size_t i = 0; i < word.size();) {
    char32_t c = NextCodePoint(word, i);
    if (!IsLetter(c)) continue;
    if (!IsUpper(c)) return false;
    ++letters;
  }
  return letters >= 2;
}

// Whether `written` has a capital wherever `alias` starts a word with one, and
// only capitals where the alias has only capitals (a leading article excepted:
// "the BBC" for "The BBC", but not "le monde" for "Le Monde" nor "Rai" for
// "RAI"). Both fold to the same words.
bool CapitalsAgree(std::string_view written, std::string_view alias) {
  auto w = Tokenize(written);
  auto a = Tokenize(alias);
  if (w.size() != a.size()) return true;
  for (size_t i = 0; i < a.size(); ++i) {
    if (i == 0 && IsArticle(a[i].text)) continue;
    if (a[i].upper && !w[i].upper) return false;
    if (AllCaps(a[i].text) && !AllCaps(w[i].text)) return false;
  }
  return true;
}
}  // namespace

Result<std::unique_ptr<Gazetteer>> Gazetteer::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open gazetteer " + path);
  std::unique_ptr<Gazetteer> g(new Gazetteer());
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto f = Split(line, '\t');
    std::string where = path + ":" + std::to_string(n);
    if (f.size() != 5) return InvalidArgument(where + ": expected 5 tab-separated fields (name, aliases, country, ownership, type), got " + std::to_string(f.size()));
    Relay r;
    r.name = f[0];
    if (r.name.empty()) return InvalidArgument(where + ": empty name");
    for (auto& a : Split(f[1], '|')) if (!a.empty()) r.aliases.push_back(a);
    r.country = f[2];
    r.ownership = f[3];
    r.type = f[4];
    if (r.ownership != "state" && r.ownership != "public" && r.ownership != "private")
      return InvalidArgument(where + ": ownership must be state, public or private, got '" + r.ownership + "'");
    if (r.type != "agency" && r.type != "outlet" && r.type != "platform")
      return InvalidArgument(where + ": type must be agency, outlet or platform, got '" + r.type + "'");
    size_t idx = g->relays_.size();
    std::vector<std::string> forms = r.aliases;
    forms.push_back(r.name);
    for (const auto& a : forms) {
      const std::string key = Fold(a);
      g->by_alias_.Insert(key, idx);
      g->AddKeyHead(key);
      g->max_alias_ = std::max(g->max_alias_, key.size());
      g->spelled_.emplace(key, Form{idx, a});
      auto toks = Tokenize(a);
      if (toks.size() >= 2 && IsArticle(toks[0].text)) {
        const std::string bare = Fold(std::string_view(a).substr(toks[1].begin));
        g->AddKeyHead(bare);  // FindBare's quick no too
        g->bare_.emplace(bare, Form{idx, a});
      }
    }
    g->relays_.push_back(std::move(r));
  }
  // "The BBC" is looked up as "bbc" too: every text that starts with "the" may be one
  g->AddKeyHead("the");
  return g;
}

// The head of a word run: its first ASCII letters and digits (at most four,
// lower-cased), up to the first other ASCII byte or the end. Fold maps ASCII
// letters to their lower case and keeps other ASCII bytes (but spaces, which
// it collapses: the head stops before them), so a text and its fold have the
// same head. Unknown (false) when a byte beyond ASCII, or a space at the very
// start (which Fold drops), comes first.
bool Gazetteer::KeyHead(std::string_view s, bool folded, uint32_t* head) {
  uint64_t h = 0;
  size_t n = 0;
  for (; n < s.size() && n < 4; ++n) {
    unsigned char c = static_cast<unsigned char>(s[n]);
    if (c >= 0x80) return false;
    if (!folded && c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + 32);
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum) {
      if (n == 0 && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) return false;
      break;
    }
    h = h << 8 | c;
  }
  h = (h ^ n) * 0x9E3779B97F4A7C15ull;
  *head = static_cast<uint32_t>(h >> 48) % kHeadBits;
  return true;
}

void Gazetteer::AddKeyHead(std::string_view key) {
  uint32_t head;
  if (KeyHead(key, /*folded=*/true, &head)) key_heads_[head / 64] |= uint64_t{1} << (head % 64);
}

bool Gazetteer::NoKeyStarts(std::string_view text) const {
  uint32_t head;
  return KeyHead(text, /*folded=*/false, &head) && !(key_heads_[head / 64] >> (head % 64) & 1);
}

const Relay* Gazetteer::Find(std::string_view alias) const {
  // one buffer per thread; a form longer than every alias (and "the ") is none
  thread_local std::string buf;
  if (NoKeyStarts(alias)) return nullptr;
  std::string_view f = alias;
  if (!IsFolded(alias)) {
    if (!FoldIntoAtMost(alias, max_alias_ + 4, &buf)) return nullptr;
    f = buf;
  }
  if (f.size() > max_alias_ + 4) return nullptr;
  const size_t* idx = by_alias_.Find(f);
  if (!idx && f.rfind("the ", 0) == 0) idx = by_alias_.Find(f.substr(4));
  return idx ? &relays_[*idx] : nullptr;
}

const Relay* Gazetteer::FindIn(std::string_view text, std::string* surface) const {
  auto toks = Tokenize(text);
  const Relay* best = nullptr;
  size_t best_len = 0;
  for (size_t i = 0; i < toks.size(); ++i) {
    // (the spans from token i all have token i's head: no key has it, no span is one)
    if (NoKeyStarts(toks[i].text)) continue;
    for (size_t j = i; j < toks.size() && j < i + 6; ++j) {
      std::string_view span = text.substr(toks[i].begin, toks[j].end - toks[i].begin);
      if (span.size() <= best_len) continue;
      auto [b, e] = spelled_.equal_range(Fold(span));
      for (auto it = b; it != e; ++it) {
        if (!CapitalsAgree(span, it->second.alias)) continue;
        best = &relays_[it->second.relay];
        best_len = span.size();
        if (surface) *surface = std::string(span);
        break;
      }
    }
  }
  // "l'agence officielle nord-coréenne KCNA": the relay as it is known
  // rather than its longest description, when the text writes that too
  // (the last such span, spelled with its capitals)
  if (best && surface) {
    const std::string name = Fold(best->name);
    uint32_t name_head = 0;
    const bool name_head_known = KeyHead(name, /*folded=*/true, &name_head);
    for (size_t i = 0; i < toks.size(); ++i) {
      if (uint32_t head; name_head_known && KeyHead(toks[i].text, false, &head) && head != name_head) continue;
      for (size_t j = i; j < toks.size() && j < i + 6; ++j) {
        std::string_view span = text.substr(toks[i].begin, toks[j].end - toks[i].begin);
        if (Fold(span) != name) continue;
        auto [b, e] = spelled_.equal_range(name);
        for (auto it = b; it != e; ++it)
          if (&relays_[it->second.relay] == best && CapitalsAgree(span, it->second.alias)) {
            *surface = std::string(span);
            break;
          }
      }
    }
  }
  return best;
}

const Relay* Gazetteer::FindBare(std::string_view text, std::string* alias) const {
  text = TrimSpaces(text);
  if (NoKeyStarts(text)) return nullptr;
  auto [b, e] = bare_.equal_range(Fold(text));
  for (auto it = b; it != e; ++it) {
    std::string_view full = it->second.alias;
    auto toks = Tokenize(full);
    if (!CapitalsAgree(text, full.substr(toks[1].begin))) continue;
    if (alias) *alias = it->second.alias;
    return &relays_[it->second.relay];
  }
  return nullptr;
}

std::vector<std::string> Gazetteer::BareAliases() const {
  std::vector<std::string> out;
  for (const auto& [_, form] : bare_) {
    auto toks = Tokenize(form.alias);
    out.push_back(form.alias.substr(toks[1].begin));
  }
  return out;
}

std::map<std::string, std::vector<std::string>> Gazetteer::Lexicons() const {
  return {{"RELAY", AllAliases()}, {"RELAY_BARE", BareAliases()}};
}

std::vector<std::string> Gazetteer::AllAliases() const {
  std::vector<std::string> out;
  for (const auto& r : relays_) {
    out.push_back(r.name);
    out.insert(out.end(), r.aliases.begin(), r.aliases.end());
  }
  return out;
}

}  // namespace quotetrail
