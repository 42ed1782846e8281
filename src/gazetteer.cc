#include "gazetteer.h"

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
    for (const auto& a : r.aliases) g->by_alias_.emplace(Fold(a), idx);
    g->by_alias_.emplace(Fold(r.name), idx);
    g->relays_.push_back(std::move(r));
  }
  return g;
}

const Relay* Gazetteer::Find(std::string_view alias) const {
  std::string f = Fold(alias);
  auto it = by_alias_.find(f);
  if (it == by_alias_.end() && f.rfind("the ", 0) == 0) it = by_alias_.find(f.substr(4));
  return it == by_alias_.end() ? nullptr : &relays_[it->second];
}

const Relay* Gazetteer::FindIn(std::string_view text, std::string* surface) const {
  auto toks = Tokenize(text);
  const Relay* best = nullptr;
  size_t best_len = 0;
  for (size_t i = 0; i < toks.size(); ++i) {
    for (size_t j = i; j < toks.size() && j < i + 6; ++j) {
      std::string_view span = text.substr(toks[i].begin, toks[j].end - toks[i].begin);
      auto it = by_alias_.find(Fold(span));
      if (it != by_alias_.end() && span.size() > best_len) {
        best = &relays_[it->second];
        best_len = span.size();
        if (surface) *surface = std::string(span);
      }
    }
  }
  return best;
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
