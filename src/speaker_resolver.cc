#include "speaker_resolver.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "text.h"

namespace quotetrail {

namespace {

// `tok` without its possessive ending ("Mendez's" -> "Mendez"), setting
// *possessive when it had one.
std::string_view StripPossessive(std::string_view tok, bool* possessive) {
  for (std::string_view suf : {std::string_view("'s"), std::string_view("’s")}) {
    if (tok.size() > suf.size() && tok.ends_with(suf)) {
      *possessive = true;
      return tok.substr(0, tok.size() - suf.size());
    }
  }
  return tok;
}

// The length of a dateline opening `s` ("Geneva, March 3 (Reuters) - ",
// "LONDON — ", "PARIS, 12 juillet – "), its dash and spaces included; 0 when
// `s` opens otherwise. The brackets must hold a relay of the gazetteer (not
// « Le député Jean Dupont (Renaissance) — élu … — »); without one, the place
// must be written in capitals.
size_t DatelineLength(std::string_view s, const Gazetteer& relays) {
  constexpr size_t kMaxPlace = 60;
  for (std::string_view sep : {") - ", ") \u2014 ", ") \u2013 "})
    if (size_t d = s.find(sep); d != std::string_view::npos && d < kMaxPlace + 20) {
      const size_t open = s.rfind('(', d);
      if (open != std::string_view::npos && relays.Find(TrimSpaces(s.substr(open + 1, d - open - 1))))
        return d + sep.size();
    }
  for (std::string_view sep : {" - ", " \u2014 ", " \u2013 "}) {
    const size_t d = s.find(sep);
    if (d == std::string_view::npos || d > kMaxPlace) continue;
    const std::vector<Token> place = Tokenize(s.substr(0, d));
    if (place.empty() || place[0].text.size() < 3 || !AllCaps(place[0].text)) continue;
    return d + sep.size();
  }
  return 0;
}

}  // namespace

SpeakerResolver::SpeakerResolver(std::string_view text, const PatternSet& words,
                                 const Gazetteer& relays, const std::vector<QuoteSpan>& quotes,
                                 const std::vector<size_t>& sentence_starts)
    : SpeakerResolver(text, words, relays, quotes, sentence_starts, Tokenize(text)) {}

SpeakerResolver::SpeakerResolver(std::string_view text, const PatternSet& words,
                                 const Gazetteer& relays, const std::vector<QuoteSpan>& quotes,
                                 const std::vector<size_t>& sentence_starts, std::vector<Token> tokens)
    : text_(text), words_(words), relays_(relays), sentence_starts_(sentence_starts), quotes_(quotes) {
  FindNames(quotes, sentence_starts, std::move(tokens));
}

std::vector<std::string> SpeakerResolver::ContentWords(std::string_view s) const {
  std::vector<std::string> out;
  for (const auto& t : Tokenize(s)) {
    std::string f = Fold(t.text);
    if (f.size() < 3) continue;
    if (words_.HasWord(Lex::DETERMINER, f) || words_.HasWord(Lex::PREPOSITION, f) ||
        words_.HasWord(Lex::STOPWORD, f))
      continue;
    out.push_back(f);
  }
  return out;
}

namespace {

// Whether `line` is a byline: "By Anna Clarke, Political Correspondent",
// « Par Jeanne Martin », "(Reporting by X; Editing by Y)": short, opening with
// its marker and a capital, no sentence's stop at its end, no quotation mark.
bool IsByline(std::string_view line) {
  line = TrimSpaces(line);
  if (line.empty() || line.size() > 160) return false;
  std::string_view rest;
  for (std::string_view marker : {"By ", "Par ", "(Reporting by ", "Reporting by ", "Writing by ", "Editing by "})
    if (line.starts_with(marker)) { rest = line.substr(marker.size()); break; }
  size_t first = 0;
  if (rest.empty() || !IsUpper(NextCodePoint(rest, first))) return false;
  const char last = line.back();
  if (last == '.' && !line.starts_with("(")) return false;
  if (last == '!' || last == '?' || last == ':') return false;
  return line.find_first_of("\"") == std::string_view::npos && line.find("\u201C") == std::string_view::npos &&
         line.find("\u00AB") == std::string_view::npos;
}

// « celui-ci », « celle-ci », « ce dernier », « cette dernière », "the
// latter" (folded): a pronoun for the last one named.
bool Latter(std::string_view folded) {
  return folded.ends_with("-ci") || folded.ends_with(" dernier") || folded.ends_with(" derniere") ||
         folded == "the latter";
}

}  // namespace

std::string SpeakerResolver::KindOf(const Entity& e) const {
  std::string folded = Fold(e.name);
  // (« le Parisien », « au Figaro »: a relay whose name's article the text drops)
  if (relays_.Find(e.name) || relays_.FindBare(e.name, nullptr)) return "organisation";
  if (words_.HasWord(Lex::PLACE, folded)) return "place";
  for (const auto& t : e.tokens)
    if (words_.HasWord(Lex::ORG_WORD, t)) return "organisation";
  for (const auto& t : e.tokens)
    if (words_.HasWord(Lex::GEO_WORD, t)) return "place";
  if (e.tokens.size() == 1 && AllCaps(e.name)) return "organisation";
  // "Amnesty International", « Reporters sans frontières », "Doctors Without Borders"
  const std::string& last = e.tokens.back();
  if (e.tokens.size() >= 2 &&
      (last == "international" || last == "internationale" || last == "frontieres" || last == "borders"))
    return "organisation";
  if (e.tokens.size() == 1 && HyphenatedOrganisation(e.name)) return "organisation";
  return "person";
}

Speaker SpeakerResolver::PersonEndingWith(const std::vector<Token>& dt) const {
  Speaker s;
  if (dt.size() < 2 || !std::all_of(dt.begin(), dt.end(), [](const Token& t) { return t.upper; })) return s;
  std::vector<std::string> folded;
  for (const Token& t : dt) folded.push_back(Fold(t.text));
  int found = -1;
  for (size_t i = 0; i < entities_.size(); ++i) {
    const Entity& e = entities_[i];
    if (e.kind != "person" || e.tokens.size() <= folded.size() ||
        !std::equal(folded.begin(), folded.end(), e.tokens.end() - static_cast<long>(folded.size())))
      continue;
    if (found >= 0 && entities_[found].name != e.name) return s;  // two such persons
    found = static_cast<int>(i);
  }
  if (found < 0) return s;
  s.name = entities_[found].name;
  s.kind = "person";
  s.entity = found;
  s.confidence = 0.8;
  return s;
}

Speaker SpeakerResolver::PersonOfAge(const std::vector<Token>& dt, size_t pos) const {
  Speaker s;
  int lo_age = -1, hi_age = -1;
  for (const Token& t : dt) {
    const std::string f = Fold(t.text);
    if (const size_t y = f.find("-year-old"); y != std::string::npos && y > 0 && y <= 3 &&
        std::all_of(f.begin(), f.begin() + static_cast<long>(y), [](char c) { return c >= '0' && c <= '9'; }))
      lo_age = hi_age = std::stoi(f.substr(0, y));
    static const std::pair<const char*, int> kDecades[] = {
        {"trentenaire", 30}, {"quadragenaire", 40}, {"quinquagenaire", 50}, {"sexagenaire", 60},
        {"septuagenaire", 70}, {"octogenaire", 80}, {"nonagenaire", 90}};
    for (const auto& [word, decade] : kDecades)
      if (f == word) { lo_age = decade; hi_age = decade + 9; }
  }
  // « le coureur de 25 ans », « la femme, âgée de 40 ans »
  for (size_t i = 2; lo_age < 0 && i < dt.size(); ++i) {
    const std::string_view n = dt[i - 1].text;
    if (Fold(dt[i].text) != "ans" || Fold(dt[i - 2].text) != "de" || n.empty() || n.size() > 3 ||
        !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    lo_age = hi_age = std::stoi(std::string(n));
  }
  if (lo_age < 0) return s;
  for (auto it = FirstNameFrom(pos); it != names_.begin();) {
    --it;
    const int full = ExpandToFullest(it->entity, it->begin);
    const Entity& e = entities_[full];
    const int age = e.age >= 0 ? e.age : entities_[it->entity].age;
    if (e.kind != "person" || age < lo_age || age > hi_age) continue;
    s.name = e.name;
    s.kind = e.kind;
    s.entity = full;
    s.confidence = 0.75;
    return s;
  }
  // No one is given that age: "Menon said she was still in shock. "…," the
  // 41-year-old said" is the last person of the paragraph (or, when it names
  // none before, of the paragraph before) whose age the article does not
  // give, as a pronoun would be: a weaker guess.
  size_t para = text_.rfind('\n', pos == 0 ? 0 : pos - 1);
  const bool none_here = std::none_of(salient_.begin(), salient_.end(), [&](const Salient& c) {
    return c.pos < pos && (para == std::string_view::npos || c.pos > para) && c.kind == "person";
  });
  if (none_here && para != std::string_view::npos) {
    while (para > 0 && text_[para - 1] == '\n') --para;  // over blank lines
    para = para == 0 ? std::string_view::npos : text_.rfind('\n', para - 1);
  }
  for (size_t i = salient_.size(); i-- > 0;) {
    const Salient& c = salient_[i];
    if (c.pos >= pos) continue;
    if (para != std::string_view::npos && c.pos < para) break;
    if (c.kind != "person" || c.entity < 0 || c.unnamed) continue;
    if (entities_[c.entity].age >= 0) continue;
    s.name = c.name;
    s.kind = c.kind;
    s.entity = c.entity;
    s.confidence = 0.5;
    return s;
  }
  return s;
}

Speaker SpeakerResolver::NationalBefore(size_t pos, const std::string& demonym) const {
  Speaker s;
  auto lo = FirstNameFrom(pos > 2000 ? pos - 2000 : 0);
  auto hi = FirstNameFrom(pos);
  // one the article calls so ("l'Espagnol Rafael Nadal")
  for (auto n = hi; n != lo;) {
    --n;
    const int full = ExpandToFullest(n->entity, n->begin);
    const Entity& e = entities_[full];
    if (e.kind == "person" && std::find(e.desc.begin(), e.desc.end(), demonym) != e.desc.end()) {
      s.name = e.name;
      s.kind = e.kind;
      s.entity = full;
      s.confidence = 0.7;
      return s;
    }
  }
  // else the person last in subject position, when no other person (nor
  // another national: "the Italian … The Spaniard") was named since
  auto national = [&](int entity) {
    const Entity& e = entities_[entity];
    return e.tokens.size() == 1 && (Demonym(e.tokens[0]) || Gentile(e.name));
  };
  for (size_t i = salient_.size(); i-- > 0;) {
    const Salient& c = salient_[i];
    if (c.pos >= pos) continue;
    if (pos - c.pos > 2000) break;
    if (!c.subject || c.kind != "person" || c.entity < 0 || c.unnamed || national(c.entity)) continue;
    // (a person named since only as an object, "beating Carlos Alcaraz",
    // does not count: only those in subject position or speaking, as
    // noted in salient_)
    for (size_t j = i + 1; j < salient_.size() && salient_[j].pos < pos; ++j) {
      const Salient& o = salient_[j];
      if (o.entity < 0 || o.entity == c.entity || o.kind != "person") continue;
      if (!national(o.entity) || entities_[o.entity].tokens[0] != demonym) return s;
    }
    s.name = c.name;
    s.kind = c.kind;
    s.entity = c.entity;
    s.confidence = 0.5;
    break;
  }
  return s;
}

Speaker SpeakerResolver::NamedInRelative(size_t end) const {
  Speaker s;
  if (end >= text_.size()) return s;
  const std::string_view rest = text_.substr(end, std::min<size_t>(160, text_.size() - end));
  const auto rt = Tokenize(rest, end);
  // ", who …" / « , qui … » right after the description
  if (rt.empty() || TrimSpaces(text_.substr(end, rt[0].begin - end)) != "," ||
      !(words_.ClassesOfWord(rt[0].text) & (Bit(Lex::RELATIVE_PERSON) | Bit(Lex::RELATIVE))))
    return s;
  // a naming word in the clause ("gave only her first name", « n'a donné que
  // son prénom »), then a name right after it: ", Esther", " as Sanne"
  for (size_t k = 1; k < rt.size() && k <= 10; ++k) {
    const std::string_view gap = text_.substr(rt[k - 1].end, rt[k].begin - rt[k - 1].end);
    if (gap.find_first_of(".;:!?\n\"") != std::string_view::npos) return s;
    if (!(words_.ClassesOfWord(rt[k].text) & Bit(Lex::NAMING))) continue;
    for (auto n = FirstNameFrom(rt[k].end); n != names_.end() && n->begin < rt[k].end + 24; ++n) {
      const std::string_view between = TrimSpaces(text_.substr(rt[k].end, n->begin - rt[k].end));
      if (!between.empty() && between != "," && between != "as" && between != "only as" && between != ":") continue;
      const int full = ExpandToFullest(n->entity, n->begin);
      const Entity& e = entities_[full];
      if (e.kind != "person") return s;
      s.name = e.name;
      s.kind = e.kind;
      s.entity = full;
      s.confidence = 0.6;
      return s;
    }
    return s;
  }
  return s;
}

bool SpeakerResolver::DefiniteBefore(size_t pos) const {
  const size_t from = pos > 40 ? pos - 40 : 0;
  auto toks = Tokenize(text_.substr(from, pos - from), from);
  for (size_t skipped = 0; !toks.empty() && toks.back().end + 2 >= pos; toks.pop_back(), ++skipped) {
    const Token& t = toks.back();
    // (an elided article keeps its apostrophe: the text was cut right after it)
    const std::string_view gap = TrimSpaces(text_.substr(t.end, pos - t.end));
    if (!gap.empty() && gap != "'" && gap != "\xE2\x80\x99") return false;  // punctuation between
    const LexMask c = words_.ClassesOfWord(text_.substr(t.begin, t.end - t.begin + gap.size()));
    if (c & Bit(Lex::DETERMINER)) return !(c & Bit(Lex::INDEFINITE));
    if (skipped == 2 || t.upper || (c & (Bit(Lex::PREPOSITION) | Bit(Lex::STOPWORD) | kPronounClasses))) return false;
    pos = t.begin;
  }
  return false;
}

bool SpeakerResolver::Demonym(const std::string& folded) const {
  // (in English "Germans" is a plural and "the French", "the British", "the
  // Chinese" a people; « le Français » is one man)
  // ("Czech" is a noun too: "the Czech said")
  if (words_.lang() == "en" && (folded.ends_with('s') || (folded.ends_with("ch") && folded != "czech") ||
                                folded.ends_with("sh") || folded.ends_with("ese")))
    return false;
  if (folded.size() < 4 || folded.find(' ') != std::string::npos ||
      !words_.HasWord(Lex::COUNTRY, folded) || words_.HasWord(Lex::PLACE, folded))
    return false;
  for (const std::string& line : words_.Words(LexName(Lex::COUNTRY)))  // not a country's name
    if (line.compare(0, folded.size(), folded) == 0 && (line.size() == folded.size() || line[folded.size()] == '|'))
      return false;
  return true;
}

bool SpeakerResolver::Gentile(std::string_view name) const {
  const std::string folded = Fold(name);
  if (words_.lang() != "fr" || folded.size() < 6 || folded.find_first_of(" -") != std::string::npos) return false;
  bool shape = false;
  for (std::string_view end : {"ois", "oise", "ais", "aise", "ien", "ienne", "ain", "aine"})
    shape = shape || folded.ends_with(end);
  if (!shape || relays_.Find(name) || relays_.FindBare(name, nullptr)) return false;
  return !(words_.Classes(folded) & (Bit(Lex::FIRST_MALE) | Bit(Lex::FIRST_FEMALE) | Bit(Lex::COUNTRY) |
                                     Bit(Lex::ORG_WORD) | Bit(Lex::TITLE) | Bit(Lex::COMMON_CAP)));
}

int SpeakerResolver::AgeAfter(size_t pos) const {
  // ", 67," / ", 75 ans," / " (67)": one to three digits set off after the name
  std::string_view t = text_.substr(pos, std::min<size_t>(16, text_.size() - pos));
  if (t.empty() || (t[0] != ',' && t[0] != ' ')) return -1;
  const bool bracket = t.starts_with(" (");
  t.remove_prefix(bracket ? 2 : 1);
  while (!t.empty() && t[0] == ' ') t.remove_prefix(1);
  int age = 0;
  size_t digits = 0;
  while (digits < t.size() && digits < 4 && t[digits] >= '0' && t[digits] <= '9') age = age * 10 + (t[digits++] - '0');
  if (digits == 0 || digits > 3 || age == 0 || age > 120) return -1;
  t.remove_prefix(digits);
  if (t.starts_with(" ans")) t.remove_prefix(4);
  return !t.empty() && (bracket ? t[0] == ')' : t[0] == ',') ? age : -1;
}

bool SpeakerResolver::HyphenatedOrganisation(std::string_view word) const {
  const size_t dash = word.find('-');
  if (dash == std::string_view::npos || word.find('-', dash + 1) != std::string_view::npos) return false;
  const std::string_view a = word.substr(0, dash), b = word.substr(dash + 1);
  constexpr LexMask kGiven = Bit(Lex::FIRST_MALE) | Bit(Lex::FIRST_FEMALE);
  const LexMask ma = words_.ClassesOfWord(a), mb = words_.ClassesOfWord(b);
  return !((ma | mb) & kGiven) &&
         ((a.size() >= 2 && AllCaps(a)) || (b.size() >= 2 && AllCaps(b)) || ((ma | mb) & Bit(Lex::COUNTRY)));
}

bool SpeakerResolver::MaybeOrganisation(int i, size_t pos) const {
  if (i < 0) return false;
  const Entity& e = entities_[i];
  if (e.kind != "person" || e.tokens.size() != 1 || e.gender != Gender::kUnknown || !e.desc.empty()) return false;
  const std::string& t = e.tokens[0];
  if (t.size() < 3 || (words_.Classes(t) & (Bit(Lex::FIRST_MALE) | Bit(Lex::FIRST_FEMALE)))) return false;
  for (const char* suffix : {"ian", "ean", "ese", "ish", "an", "i", "ic"})
    if (t.ends_with(suffix)) return false;
  return ExpandToFullest(i, pos) == i;
}

int SpeakerResolver::AddEntity(const std::vector<std::string_view>& tokens, std::vector<std::string> folded,
                               size_t pos) {
  // the entity of the same folded words, if any (keyed by its words joined by \x1F)
  std::string key;
  for (const std::string& f : folded) {
    if (!key.empty()) key += '\x1F';
    key.append(f);
  }
  if (const int* known = entity_index_.Find(key)) return *known;
  std::string name;
  for (size_t i = 0; i < tokens.size(); ++i) {
    // Initials are written with their dot: "B. Obama".
    std::string_view t = tokens[i];
    bool initial = t.size() <= 2 && i + 1 < tokens.size() && !AllCaps(t) && IsUpper(t[0]);
    // no space after an elided connector: "Giscard d'Estaing"
    if (!name.empty() && !name.ends_with('\'') && !name.ends_with("’")) name += ' ';
    name.append(t);
    if (initial && t.size() == 1) name += '.';
  }
  Entity e;
  e.name = name;
  e.tokens = std::move(folded);
  e.first_pos = pos;
  e.kind = KindOf(e);
  // A given name that is almost always one sex's: "Margaret Leinen" ... "She".
  if (e.kind == "person" && e.tokens.size() >= 2) {
    if (words_.HasWord(Lex::FIRST_FEMALE, e.tokens[0])) e.gender = Gender::kFemale;
    else if (words_.HasWord(Lex::FIRST_MALE, e.tokens[0])) e.gender = Gender::kMale;
  }
  entities_.push_back(std::move(e));
  entity_index_[key] = static_cast<int>(entities_.size() - 1);
  return static_cast<int>(entities_.size() - 1);
}

void SpeakerResolver::FindNames(const std::vector<QuoteSpan>& quotes,
                                const std::vector<size_t>& sentence_starts, std::vector<Token> toks) {
  // Each token's folded form, computed on first use and kept: the loops below
  // ask for the same tokens again and again.
  // (a view of the token itself when it is folded already, else of folded[k])
  std::vector<std::string> folded(toks.size());
  std::vector<std::string_view> fold_views(toks.size());
  std::vector<char> is_folded(toks.size(), 0);
  auto fold_of = [&](size_t k) -> std::string_view {
    if (!is_folded[k]) { fold_views[k] = FoldView(toks[k].text, &folded[k]); is_folded[k] = 1; }
    return fold_views[k];
  };
  // Each token's word classes (PatternSet::Classes of its folded form), kept too.
  std::vector<LexMask> masks(toks.size());
  std::vector<char> is_masked(toks.size(), 0);
  auto mask_of = [&](size_t k) -> LexMask {
    if (!is_masked[k]) {
      masks[k] = PatternSet::OfAccentedA(toks[k].text, words_.Classes(fold_of(k)));
      is_masked[k] = 1;
    }
    return masks[k];
  };
  // Whether token k starts inside a quotation, once per token.
  std::vector<signed char> in_quote(toks.size(), -1);
  auto inside_quote = [&](size_t k) {
    if (in_quote[k] < 0) {
      size_t pos = toks[k].begin;
      in_quote[k] = InsideQuote(quotes, pos + 1) || InsideQuote(quotes, pos);
    }
    return in_quote[k] != 0;
  };
  auto sentence_initial = [&](size_t k) {
    if (k == 0) return true;
    size_t b = toks[k].begin;
    if (std::binary_search(sentence_starts.begin(), sentence_starts.end(), b)) return true;
    // any sentence start between the previous token and this one
    auto it = std::upper_bound(sentence_starts.begin(), sentence_starts.end(), toks[k - 1].end);
    if (it != sentence_starts.end() && *it <= b) return true;
    std::string_view gap = text_.substr(toks[k - 1].end, b - toks[k - 1].end);
    return gap.find('\n') != std::string_view::npos;
  };
  // Words seen capitalised in mid-sentence: sentence-initial words are names only if so.
  // (their folded forms, sorted: a few dozen per article)
  std::vector<std::string_view> mid_caps;
  for (size_t k = 0; k < toks.size(); ++k)
    if (toks[k].upper && !sentence_initial(k)) mid_caps.push_back(fold_of(k));
  std::sort(mid_caps.begin(), mid_caps.end());
  auto seen_mid_caps = [&](std::string_view f) { return std::binary_search(mid_caps.begin(), mid_caps.end(), f); };
  // Byline lines ("By Anna Clarke, Political Correspondent", « Par Jeanne
  // Martin », "(Reporting by … ; Editing by …)") name the article's writers,
  // no one in the story: their names are not looked for.
  std::vector<std::pair<size_t, size_t>> bylines;
  for (size_t b = 0; b < text_.size();) {
    size_t e = text_.find('\n', b);
    if (e == std::string_view::npos) e = text_.size();
    if (IsByline(text_.substr(b, e - b))) bylines.push_back({b, e});
    b = e + 1;
  }
  auto in_byline = [&](size_t k) {
    auto it = std::upper_bound(bylines.begin(), bylines.end(), std::make_pair(toks[k].begin, SIZE_MAX));
    return it != bylines.begin() && toks[k].begin < (it - 1)->second;
  };

  auto gap_ok = [&](size_t k) {  // tokens k-1 and k are adjacent inside a name
    std::string_view gap = text_.substr(toks[k - 1].end, toks[k].begin - toks[k - 1].end);
    if (gap == " " || gap == "\xC2\xA0") return true;
    if ((gap == ". " || gap == ".") && toks[k - 1].text.size() <= 2 && toks[k - 1].upper) return true;  // initial
    if (gap == "’" || gap == "'") return true;  // d’Estaing
    // an elided connector is a word of its own: "d'" + "Estaing" (not the
    // article of "L'ONG Human Rights Watch")
    std::string_view prev = toks[k - 1].text;
    if (gap.empty() && !toks[k - 1].upper && (prev.ends_with('\'') || prev.ends_with("’"))) return true;
    // a plural possessive inside an organisation's name: "the Catholic
    // Bishops' Conference", "the Workers' Party" (not "the Democrats' Nancy
    // Pelosi": an organisation word must follow within three capitalised words)
    if ((gap == "' " || gap == "’ ") && toks[k - 1].upper && prev.size() > 2 && prev.ends_with('s') && toks[k].upper) {
      for (size_t j = k; j < toks.size() && j < k + 3 && toks[j].upper; ++j)
        if (mask_of(j) & Bit(Lex::ORG_WORD)) return true;
    }
    return false;
  };
  // "Nadal, the Spaniard, said", « Roscosmos, l'agence spatiale russe, a
  // annoncé »: a sentence's first word set off by an appositive that opens
  // with an article and is followed by a verb of speech (or an auxiliary) is
  // the subject's name, even when the article never writes it mid-sentence
  // (not an adverb: "Still, the company, …").
  auto subject_with_appositive = [&](size_t k) {
    const LexMask mk = mask_of(k);
    const std::string_view f = fold_of(k);
    if ((mk & (Bit(Lex::ADVERB) | Bit(Lex::SEGMENT_SKIP) | Bit(Lex::CONJUNCTION) | Bit(Lex::CIRCUMSTANCE))) ||
        f.ends_with("ly") || f.ends_with("ment") || k + 2 >= toks.size() ||
        text_.substr(toks[k].end, toks[k + 1].begin - toks[k].end) != ", " || toks[k + 1].upper ||
        !(mask_of(k + 1) & Bit(Lex::DETERMINER)))
      return false;
    constexpr LexMask kVerb = Bit(Lex::AUX) | Bit(Lex::COPULA) | Bit(Lex::CUE_PAST) | Bit(Lex::CUE_PRES) |
                              Bit(Lex::CUE_FIN) | Bit(Lex::RELATIVE) | Bit(Lex::RELATIVE_PERSON);
    for (size_t j = k + 2; j < toks.size() && j <= k + 9; ++j) {
      const std::string_view gap = text_.substr(toks[j - 1].end, toks[j].begin - toks[j - 1].end);
      constexpr LexMask kSpeech = Bit(Lex::AUX) | Bit(Lex::CUE_PAST) | Bit(Lex::CUE_PRES) | Bit(Lex::CUE_FIN);
      if (gap == ", ") return !toks[j].upper && (mask_of(j) & kSpeech);
      if (TrimSpaces(gap).size() > 0 && gap != "'" && gap != "’" && gap != "-") return false;
      if (mask_of(j) & kVerb) return false;
    }
    return false;
  };
  constexpr LexMask kPronoun = kPronounClasses;
  // An acronym is no function word: "the WHO said", "US officials".
  constexpr LexMask kFunction = Bit(Lex::DETERMINER) | Bit(Lex::PREPOSITION) | Bit(Lex::STOPWORD) |
                                Bit(Lex::RELATIVE) | Bit(Lex::RELATIVE_PERSON) | kPronoun;
  // « Météo-France », "Air-India": an organisation's shape, both parts
  // capitalised (not "COVID-19")
  auto two_capitalised_parts = [&](std::string_view w) {
    const size_t dash = w.find('-');
    if (dash == std::string_view::npos || dash + 1 >= w.size() || !HyphenatedOrganisation(w)) return false;
    size_t i = dash + 1;
    return IsUpper(NextCodePoint(w, i));
  };
  auto is_upper_tok = [&](size_t k) {
    if (!toks[k].upper) return false;
    const std::string_view f = fold_of(k);
    const LexMask m = AllCaps(toks[k].text) ? mask_of(k) & ~kFunction : mask_of(k);
    // a currency's prefix is no name: "CDN$11,000", "US$2 million"
    if (toks[k].end < text_.size() && text_[toks[k].end] == '$') return false;
    if (m & (Bit(Lex::COMMON_CAP) | kPronoun)) return false;
    if (sentence_initial(k)) {
      if (m & (Bit(Lex::DETERMINER) | Bit(Lex::PREPOSITION) | Bit(Lex::STOPWORD) | kPronoun))
        return false;
      bool next_upper = k + 1 < toks.size() && toks[k + 1].upper && gap_ok(k + 1);
      // "Charles de Gaulle a dit", "Jean d'Ormesson a écrit": over a connector
      // ("of" after a title or an organisation word: "Secretary of State Antony Blinken")
      if (!next_upper && k + 2 < toks.size() && !toks[k + 1].upper && toks[k + 2].upper &&
          ((mask_of(k + 1) & Bit(Lex::NAME_CONNECTOR)) ||
           (fold_of(k + 1) == "of" && (m & (Bit(Lex::TITLE) | Bit(Lex::ORG_WORD))))) &&
          gap_ok(k + 1) && gap_ok(k + 2))
        next_upper = true;
      // a known seat of power is a name wherever it stands ("Moscou a dénoncé"),
      // and so is a word of two capitalised parts shaped like an organisation's
      // name (« Météo-France a maintenu », "Air-India said")
      if (!next_upper && !seen_mid_caps(f) && !AllCaps(toks[k].text) && !(m & Bit(Lex::PLACE)) &&
          !subject_with_appositive(k) && !two_capitalised_parts(toks[k].text)) {
        bool poss = false;
        const std::string_view stripped = StripPossessive(toks[k].text, &poss);
        if (!poss || !seen_mid_caps(Fold(stripped))) return false;
      }
    }
    return true;
  };

  // buffers of the loop below
  std::vector<std::string_view> run, name_tokens;
  std::string run_fold_buf;
  // the run [last_start, last_end] of tokens and whether it is a relay's name
  size_t last_start = std::string::npos, last_end = std::string::npos;
  bool last_found = false;
  size_t k = 0;
  while (k < toks.size()) {
    if (!toks[k].upper || inside_quote(k) || !is_upper_tok(k) || (!bylines.empty() && in_byline(k))) { ++k; continue; }
    size_t start = k, end = k + 1;
    while (end < toks.size() && !inside_quote(end)) {
      // A relay's name ends the run: "KCNA Kim Jong-un", "RIA Novosti Valentine Sapounov".
      // "du site de Jababeka David Quentin": a given name after a word that is
      // not one starts a new name.
      if (end - start >= 1 && end + 1 < toks.size() && toks[end + 1].upper && gap_ok(end + 1) &&
          !sentence_initial(end + 1)) {
        const std::string_view fp = fold_of(end - 1);
        constexpr LexMask kGiven = Bit(Lex::FIRST_MALE) | Bit(Lex::FIRST_FEMALE);
        bool given = (mask_of(end) & kGiven) != 0;
        bool prev_given = (mask_of(end - 1) & kGiven) != 0;
        // "la députée LFI Manon Aubry": a party's acronym before a given name too
        const bool acronym = AllCaps(toks[end - 1].text);
        // (a word alone opening the run is a given name the lexicon lacks,
        // "Luiz Ignacio Silva", unless the run is a complement: "de Jababeka")
        const bool governed = start > 0 && (mask_of(start - 1) & (Bit(Lex::PREPOSITION) | Bit(Lex::DETERMINER)));
        size_t proper = start;  // the run's first word after its titles
        while (proper < end && (mask_of(proper) & Bit(Lex::TITLE))) ++proper;
        // (a title right after an article is a complement's noun: « le
        // ministre de la Justice Éric Dupond-Moretti »)
        const bool title_noun = end - 1 == start && start > 0 && (mask_of(start - 1) & Bit(Lex::DETERMINER));
        if (given && !prev_given &&
            (acronym || (fp.size() >= 4 && (!(mask_of(end - 1) & Bit(Lex::TITLE)) || title_noun) &&
                         (governed || end - proper >= 2))))
          break;
        // "L'attaquant du PSG Kylian Mbappé": an acronym alone in a complement
        // before a name of two words is the complement
        if (acronym && governed && end - proper == 1 && toks[end - 1].text.size() >= 2 && !AllCaps(toks[end].text) &&
            !AllCaps(toks[end + 1].text))
          break;
      }
      bool relay_break = false;
      if (end - start <= 4) {
        std::string_view so_far = text_.substr(toks[start].begin, toks[end - 1].end - toks[start].begin);
        std::string_view longer = text_.substr(toks[start].begin, toks[end].end - toks[start].begin);
        std::string_view pair = text_.substr(toks[end - 1].begin, toks[end].end - toks[end - 1].begin);
        // so_far is the `longer` of the step before when the run grew by one
        // word: its answer is kept (Find depends on the words only)
        const bool longer_found = relays_.Find(longer) != nullptr;
        const bool so_far_known = last_start == start && last_end == end - 1;
        const bool so_far_found = last_found;
        last_start = start;
        last_end = end;
        last_found = longer_found;
        if (!longer_found && !relays_.Find(pair))
          relay_break = (so_far_known ? so_far_found : relays_.Find(so_far) != nullptr) ||
                        (AllCaps(toks[end - 1].text) && relays_.Find(toks[end - 1].text) && !AllCaps(toks[end].text));
      }
      if (!relay_break && is_upper_tok(end) && gap_ok(end) && !sentence_initial(end)) { ++end; continue; }
      // connectors: "de", "van", "bin" ... (and "of" after an organisation or title word)
      const std::string_view f = fold_of(end);
      bool connector = (mask_of(end) & Bit(Lex::NAME_CONNECTOR)) ||
                       (f == "of" && (mask_of(end - 1) & (Bit(Lex::ORG_WORD) | Bit(Lex::TITLE))));
      // "Assassinat de Antoine Sollacaro": a connector followed by a full name ends the run
      bool full_name_follows = end + 2 < toks.size() && toks[end + 2].upper && gap_ok(end + 2) &&
                               toks[end + 1].upper && end - start == 1 && f != "of";
      if (connector && !full_name_follows && gap_ok(end) && end + 1 < toks.size() && toks[end + 1].upper &&
          gap_ok(end + 1) && !inside_quote(end + 1)) {
        end += 2;
        continue;
      }
      // two connectors: "Ursula von der Leyen", "Ruud van der Meer"; an
      // article as the second ("Luis de la Fuente") only after a given name
      // alone and before a word in no lexicon, not an acronym: "B. Obama de
      // la Maison Blanche", "Sophie Binet de la CGT" are two names
      const bool article_second = end + 2 < toks.size() && (mask_of(end + 1) & Bit(Lex::DETERMINER));
      const bool after_given_name =
          end - start == 1 && (mask_of(start) & (Bit(Lex::FIRST_MALE) | Bit(Lex::FIRST_FEMALE))) &&
          end + 2 < toks.size() && mask_of(end + 2) == 0 && !AllCaps(toks[end + 2].text);
      if (connector && end + 2 < toks.size() && !toks[end + 1].upper && (mask_of(end + 1) & Bit(Lex::NAME_CONNECTOR)) &&
          toks[end + 2].upper && gap_ok(end) && gap_ok(end + 1) && gap_ok(end + 2) && !inside_quote(end + 2) &&
          f != "of" && (!article_second || after_given_name)) {
        end += 3;
        continue;
      }
      break;
    }
    // « le Conseil constitutionnel », « la Banque centrale européenne »: in
    // French an institution's name goes on with the lowercase adjectives (by
    // their endings) after its capitalised organisation word.
    if (words_.lang() == "fr" && end < toks.size() && toks[end - 1].upper && (mask_of(end - 1) & Bit(Lex::ORG_WORD))) {
      constexpr LexMask kNotAdjective =
          Bit(Lex::DETERMINER) | Bit(Lex::PREPOSITION) | Bit(Lex::STOPWORD) | Bit(Lex::AUX) | Bit(Lex::COPULA) |
          Bit(Lex::CUE_FIN) | Bit(Lex::CUE_FIN_AFTER) | Bit(Lex::CUE_PP) | Bit(Lex::CUE_PPR) | Bit(Lex::CLITIC) |
          Bit(Lex::RELATIVE) | Bit(Lex::ADVERB) | Bit(Lex::CONJUNCTION) | Bit(Lex::ORG_WORD);
      auto adjective = [&](size_t i) {
        std::string_view f = fold_of(i);
        if (f.size() < 5 || (mask_of(i) & kNotAdjective)) return false;
        if (f.ends_with('s')) f.remove_suffix(1);  // « chimiques », « juives »
        for (std::string_view suffix : {"el", "elle", "al", "ale", "aux", "ien", "ienne", "ais", "aise", "ain",
                                        "aine", "anne", "ique", "aire", "iste", "if", "ive", "ois", "oise", "een",
                                        "eenne", "eur", "eux", "euse"})
          if (f.ends_with(suffix)) return true;
        return false;
      };
      auto adjectives = [&](size_t i) {  // up to two lowercase adjectives from token i
        const size_t from = i;
        while (i < toks.size() && i - from < 2 && !toks[i].upper && gap_ok(i) && !inside_quote(i) && adjective(i))
          ++i;
        return i;
      };
      end = adjectives(end);
      // « le Syndicat national des journalistes », « la Ligue des droits de
      // l'homme », « l'Association des leaders religieux du Mali »: and its
      // complements: « de », « des », « du », « d' » (« de la », « de l' »)
      // then a noun in no lexicon (a name's word too) with its adjectives.
      for (int complements = 0; complements < 3 && end < toks.size(); ++complements) {
        size_t i = end;
        const std::string_view c = fold_of(i);
        const bool elided = c == "d'" || c == "d\u2019";
        if (toks[i].upper || !gap_ok(i) || inside_quote(i) || !(c == "de" || c == "des" || c == "du" || elided))
          break;
        ++i;
        if (c == "de" && i < toks.size() && !toks[i].upper && gap_ok(i)) {
          const std::string_view a = fold_of(i);
          if (a == "la" || a == "l'" || a == "l\u2019") ++i;
        }
        if (i >= toks.size() || !gap_ok(i) || inside_quote(i)) break;
        if (toks[i].upper) {  // « du Mali », « de la République démocratique du Congo »
          if (!is_upper_tok(i) || sentence_initial(i)) break;
          ++i;
          while (i < toks.size() && toks[i].upper && is_upper_tok(i) && gap_ok(i) && !inside_quote(i)) ++i;
        } else if (mask_of(i) != 0 || fold_of(i).size() < 3) {
          break;
        } else {
          ++i;
        }
        end = adjectives(i);
      }
    }
    // Possessive ends the run: "Mendez's wife".
    bool possessive = false;
    run.clear();
    for (size_t i = start; i < end; ++i) {
      bool poss = false;
      const std::string_view stripped = StripPossessive(toks[i].text, &poss);
      run.push_back(stripped);
      if (poss) {
        bool continues = i + 1 < end;  // "Sheriff's Office", "People's Vote"
        if (continues) { run.back() = toks[i].text; continue; }
        possessive = true;
        end = i + 1;
        break;
      }
    }
    // run[i] is token start + i, but for a possessive ending left off: its
    // folded form and word classes are the token's then, else worked out here
    auto fold_run = [&](size_t i) -> std::string_view {
      if (run[i].size() == toks[start + i].text.size()) return fold_of(start + i);
      run_fold_buf = Fold(run[i]);
      return run_fold_buf;
    };
    auto run_mask = [&](size_t i) -> LexMask {
      if (run[i].size() == toks[start + i].text.size()) return mask_of(start + i);
      return words_.ClassesOfWord(run[i]);
    };
    // "du Kremlin Dmitri Peskov": a seat of power before a name is a complement of its own.
    if (run.size() >= 3 && (run_mask(0) & Bit(Lex::PLACE))) {
      end = start + 1;
      run.resize(1);
    }
    // Titles and suffixes: "Deputy Minister Alexander Chupriyan QC" -> "Alexander Chupriyan".
    auto is_title = [&](size_t i) {
      if (run_mask(i) & Bit(Lex::TITLE)) return true;
      // "Farmer Oleksandr Kovalenko, 61, says": an occupation opening a
      // sentence before a full name
      if (i == 0 && run.size() >= 3 && (run_mask(0) & Bit(Lex::PERSON_NOUN)) && sentence_initial(start)) return true;
      const std::string_view f = fold_run(i);
      size_t dash = f.find('-');
      return dash != std::string::npos && words_.HasWord(Lex::TITLE, f.substr(0, dash));
    };
    // "Thailand's Thai Raksa Chart Party", "Russia's Gazprom": a country's
    // possessive qualifies the name after it
    bool country_owner = false;
    if (run.size() >= 2) {
      const std::string_view owner = StripPossessive(run[0], &country_owner);
      country_owner = country_owner && (words_.ClassesOfWord(owner) & Bit(Lex::COUNTRY));
    }
    size_t name_from = country_owner ? 1 : 0;
    for (size_t i = 0; i + 1 < run.size(); ++i) {
      if (is_title(i)) name_from = i + 1;
      if (i > 0 && fold_run(i) == "of" && is_title(i - 1)) {
        // "First Minister of Scotland Nicola Sturgeon": skip the place too
        name_from = run.size() - (i + 2) >= 2 ? i + 2 : i + 1;
      }
    }
    // "State Department", "Justice Ministry": a run that ends with an
    // organisation word is the organisation's name, titles and all.
    const bool org_name = run.size() >= 2 && (run_mask(run.size() - 1) & Bit(Lex::ORG_WORD));
    if (org_name) name_from = country_owner ? 1 : 0;
    // « Le Slovène Tadej Pogačar », "the Croatian Luka Modrić": a national
    // before a name of two words or more describes it (a known given name
    // after it splits the run already; "American Airlines" is one word after)
    // (nor "Australian Institute of Marine Science": no organisation word in the run)
    if (!org_name && name_from == 0 && run.size() >= 3 && Demonym(std::string(fold_run(0)))) {
      bool org_word = false;
      for (size_t i = 1; i < run.size(); ++i)
        org_word = org_word || (run_mask(i) & (Bit(Lex::ORG_WORD) | Bit(Lex::MEDIA_WORD)));
      if (!org_word) name_from = 1;
    }
    // A function word alone is no name: "SÉOUL (Yonhap) - Le ministre ...".
    if (run.size() == 1 && !AllCaps(toks[start].text) &&
        (mask_of(start) & (Bit(Lex::DETERMINER) | Bit(Lex::PREPOSITION) | Bit(Lex::STOPWORD)))) {
      k = end;
      continue;
    }
    // A run that ends with a title is a description ("The Senate Minority Leader").
    // (but not a surname that is a title word after a given name: "Bruno Le Maire")
    bool given_before = false;
    for (size_t i = 0; i + 1 < run.size(); ++i)
      if (mask_of(start + i) & (Bit(Lex::FIRST_MALE) | Bit(Lex::FIRST_FEMALE))) given_before = true;
    if ((is_title(run.size() - 1) && !given_before) || (run.size() == 1 && is_title(0))) { k = end; continue; }
    size_t name_to = run.size();
    while (name_to > name_from + 1 && (run_mask(name_to - 1) & Bit(Lex::NAME_SUFFIX))) --name_to;
    // A run made only of title words ("President") is not a name.
    bool only_titles = name_from >= run.size() ||
        (run.size() - name_from == 1 && is_title(name_from));
    if (only_titles) { k = end; continue; }
    // Leading connectors after a stripped title ("of State Mike") are dropped too.
    // ("Ben Affleck": a capitalised connector is a given name and stays)
    while (!org_name && name_from < name_to && (((run_mask(name_from) & Bit(Lex::NAME_CONNECTOR)) &&
                                                 !toks[start + name_from].upper) ||
                                                (run_mask(name_from) & Bit(Lex::TITLE)) ||
                                                fold_run(name_from) == "state"))
      ++name_from;
    if (name_from >= name_to) { k = end; continue; }
    name_tokens.assign(run.begin() + name_from, run.begin() + name_to);
    std::vector<std::string> name_folds;
    for (size_t i = name_from; i < name_to; ++i) name_folds.emplace_back(fold_run(i));
    size_t name_begin = toks[start + name_from].begin;
    // "de L'Oréal": a capitalised elided article inside a sentence belongs to the name
    if (name_from == 0 && start > 0 && !sentence_initial(start - 1) && toks[start - 1].end == toks[start].begin) {
      std::string_view art = toks[start - 1].text;
      if ((art == "L'" || art == "L\u2019") ) {
        name_begin = toks[start - 1].begin;
        name_tokens[0] = text_.substr(name_begin, toks[start].end - name_begin);
        name_folds[0] = Fold(name_tokens[0]);
      }
    }
    int ent = AddEntity(name_tokens, std::move(name_folds), name_begin);
    Entity& e = entities_[ent];

    // Descriptions: title words in the run, the lowercase words before it back to a
    // determiner ("Le leader nord-coréen Kim Jong-un"), an appositive after a comma.
    std::vector<std::string> desc;
    for (size_t i = 0; i < name_from; ++i) desc.emplace_back(fold_run(i));
    // an abbreviated title is also its words: "Dr. Anthony Fauci" ... "the doctor"
    // (TITLE_EXPANSION lines "abbreviation|word|word...")
    for (size_t i = 0, n = desc.size(); i < n; ++i) {
      if (desc[i].size() >= 3 && !words_.HasWord(Lex::TITLE, desc[i])) continue;
      for (const auto& forms : words_.Alternatives(Lex::TITLE_EXPANSION))
        if (forms[0] == desc[i]) desc.insert(desc.end(), forms.begin() + 1, forms.end());
    }
    Gender g = Gender::kUnknown;
    for (size_t i = 0; i < name_from; ++i) {
      const LexMask m = run_mask(i);
      if (m & Bit(Lex::FEMALE)) g = Gender::kFemale;
      if (m & Bit(Lex::MALE)) g = Gender::kMale;
    }
    size_t b = start;
    const size_t desc_run = desc.size();  // the words found below come after
    const Gender g_run = g;
    for (int back = 0; back < 6 && b > 0; ++back) {
      const Token& t = toks[b - 1];
      std::string_view gap = text_.substr(t.end, toks[b].begin - t.end);
      // (nor across a line break: a headline or a dateline above is no description)
      if ((TrimSpaces(gap).size() > 0 && gap != "-") || gap.find('\n') != std::string_view::npos) break;
      const LexMask m = mask_of(b - 1);
      // « le ministre de l'Intérieur Bruno Retailleau », « le porte-parole du
      // Kremlin Dmitri Peskov »: a capitalised complement of a title (a
      // preposition, maybe an article, one word) describes the name too
      // (or the run's own first word, a title then: « le ministre de la
      // Justice Éric Dupond-Moretti »)
      const bool run_complement = b == start && back == 0 && name_from > 0;
      if ((t.upper && b == start && back == 0) || run_complement) {
        size_t p = run_complement ? b : b - 1;  // the preposition's index, after an article
        if (p >= 1 && (mask_of(p - 1) & Bit(Lex::DETERMINER)) && !(mask_of(p - 1) & Bit(Lex::PREPOSITION))) --p;
        if (p >= 2 && (mask_of(p - 1) & Bit(Lex::PREPOSITION)) && !toks[p - 1].upper &&
            (mask_of(p - 2) & (Bit(Lex::TITLE) | Bit(Lex::PERSON_NOUN))) && !toks[p - 2].upper &&
            TrimSpaces(text_.substr(toks[p - 2].end, t.begin - toks[p - 2].end)).find_first_of(",;:.") ==
                std::string_view::npos) {
          if (!run_complement) desc.emplace_back(fold_of(b - 1));
          b = p - 1;  // on to the title
          continue;
        }
      }
      if (m & Bit(Lex::DETERMINER)) {
        // "la ministre" / "le ministre": an epicene title takes its article's
        // gender, and so does an organisation (« la SNCF ... Elle a précisé »)
        if (g == Gender::kUnknown && (desc.size() > 0 || e.kind == "organisation"))
          g = (m & Bit(Lex::FEMALE)) ? Gender::kFemale : (m & Bit(Lex::MALE)) ? Gender::kMale : g;
        break;
      }
      // "le préfet de police Laurent Nuñez": over a preposition to the noun it complements
      if ((m & Bit(Lex::PREPOSITION)) && !(m & Bit(Lex::STOPWORD)) && back > 0 && b >= 2 &&
          !toks[b - 2].upper && TrimSpaces(text_.substr(toks[b - 2].end, t.begin - toks[b - 2].end)).empty()) {
        const LexMask m2 = mask_of(b - 2);
        if (!(m2 & (Bit(Lex::DETERMINER) | Bit(Lex::PREPOSITION) | Bit(Lex::STOPWORD))) &&
            (m2 & (Bit(Lex::TITLE) | Bit(Lex::PERSON_NOUN)))) {
          --b;
          continue;
        }
      }
      // (and the capitalised word that qualifies a title right after it: "La
      // Première ministre Élisabeth Borne")
      const bool title_qualifier = t.upper && b < start && (mask_of(b) & Bit(Lex::TITLE));
      if (t.upper && !title_qualifier) {
        // "The Justice Department sued Boeing": lowercase words between two
        // names are no description unless they hold a title or a person's
        // noun ("the Kremlin spokesman Dmitri Peskov")
        constexpr LexMask kSomeone = Bit(Lex::TITLE) | Bit(Lex::PERSON_NOUN) | Bit(Lex::MALE) | Bit(Lex::FEMALE);
        bool someone = false;
        for (size_t i = b; i < start; ++i) someone = someone || (mask_of(i) & kSomeone);
        if (!someone) {
          desc.resize(desc_run);
          g = g_run;
        }
        // « l'Espagnol Rafael Nadal », "the American Coco Gauff": a national
        // right before the name describes it
        if (back == 0 && Demonym(std::string(fold_of(b - 1)))) desc.emplace_back(fold_of(b - 1));
        break;
      }
      if (m & (Bit(Lex::PREPOSITION) | Bit(Lex::STOPWORD))) break;
      desc.emplace_back(fold_of(b - 1));
      if (m & Bit(Lex::FEMALE)) g = Gender::kFemale;
      if (m & Bit(Lex::MALE)) g = Gender::kMale;
      --b;
    }
    size_t after = toks[end - 1].end;
    size_t kind_desc_end = std::string::npos;  // desc words past it complement an appositive's head
    if (after + 2 < text_.size() && text_[after] == ',' && !possessive) {
      // ", le porte-parole du parti," / ", a shipping researcher"
      size_t stop = text_.find_first_of(",.;:\n", after + 1);
      if (stop == std::string_view::npos) stop = text_.size();
      std::string_view app = text_.substr(after + 1, stop - after - 1);
      auto at = Tokenize(app);
      // an appositive holds no verb ("According to Reuters, the minister said" is a clause)
      bool clause = std::any_of(at.begin(), at.end(), [&](const Token& t) {
        std::string f = Fold(t.text);
        return words_.HasWord(Lex::AUX, f) || words_.HasWord(Lex::CUE_PAST, f) || words_.HasWord(Lex::CUE_PRES, f) ||
               words_.HasWord(Lex::CUE_FIN, f) || words_.HasWord(Lex::COPULA, f);
      });
      if (!at.empty() && !at[0].upper && at.size() <= 12 && !clause) {
        std::string f0 = Fold(at[0].text);
        if (words_.HasWord(Lex::DETERMINER, f0) || words_.HasWord(Lex::TITLE, f0)) {
          if (words_.HasWord(Lex::FEMALE, f0) && at.size() > 1) g = Gender::kFemale;
          // (the words before its first preposition are what it calls the
          // name: ", une retraitée rencontrée devant l'hôpital" is no hospital)
          size_t head_end = app.size();
          for (size_t i = 1; i < at.size(); ++i)
            if (words_.IsWord(Lex::PREPOSITION, at[i].text)) {
              head_end = at[i].begin;
              break;
            }
          kind_desc_end = desc.size() + ContentWords(app.substr(0, head_end)).size();
          for (auto& w : ContentWords(app)) desc.push_back(w);
        }
      }
    }
    // "Le groupe de cosmétique français, numéro un mondial, L'Oréal a ...": a
    // sentence that opens with a description set off by commas before the name
    {
      auto sit = std::upper_bound(sentence_starts.begin(), sentence_starts.end(), toks[start].begin);
      size_t sb = sit == sentence_starts.begin() ? 0 : *(sit - 1);
      std::string_view lead = text_.substr(sb, name_begin - sb);
      // Cutting at a separator keeps a suffix of `lead`, so it can end with a
      // comma only when `lead` does: most names stop here, before the searches.
      std::string_view whole = TrimSpaces(lead);
      if (!whole.empty() && whole.back() == ',') {
        for (std::string_view sep : {" - ", " \u2014 ", " \u2013 "})
          if (size_t c = lead.rfind(sep); c != std::string_view::npos) lead = lead.substr(c + sep.size());
        std::string_view trimmed = TrimSpaces(lead);
        size_t comma = trimmed.find(',');
        // (not a quotation that opens the sentence: « « Le monde … », a
        // prévenu la directrice, Inger Andersen » made her a man by « Le »)
        const bool quoted = trimmed.find_first_of("\"") != std::string_view::npos ||
                            trimmed.find("\xC2\xAB") != std::string_view::npos ||
                            trimmed.find("\xE2\x80\x9C") != std::string_view::npos;
        if (!trimmed.empty() && trimmed.back() == ',' && comma != std::string_view::npos && lead.size() < 200 &&
            !quoted) {
          auto ft = Tokenize(trimmed.substr(0, comma));
          if (!ft.empty() && words_.IsWord(Lex::DETERMINER, ft[0].text)) {
            for (auto& w : ContentWords(trimmed.substr(0, comma))) desc.push_back(w);
            // (a French article or possessive agrees with the noun, which
            // agrees with the person: « Son producteur, Dembo Camara, » is a
            // man; English "Her producer" says nothing of the producer)
            if (g == Gender::kUnknown && words_.lang() == "fr" && ft.size() >= 2) {
              const LexMask m0 = words_.ClassesOfWord(ft[0].text);
              if (m0 & Bit(Lex::FEMALE)) g = Gender::kFemale;
              else if (m0 & Bit(Lex::MALE)) g = Gender::kMale;
            }
          }
        }
      }
    }
    for (auto& d : desc) if (d.size() >= 3) e.desc.push_back(d);
    if (e.gender == Gender::kUnknown) e.gender = g;
    if (e.age < 0 && !possessive) e.age = AgeAfter(after);
    // « rue Erlanger », « avenue Foch », « boulevard Haussmann »: a name right
    // after a lower-case street or geographic word is a place
    if (e.kind == "person" && start > 0 && !toks[start - 1].upper && (mask_of(start - 1) & Bit(Lex::GEO_WORD)) &&
        text_.substr(toks[start - 1].end, toks[start].begin - toks[start - 1].end) == " ")
      e.kind = "place";
    // "le mouvement islamiste Hamas", "the company Tesla": a name its
    // description calls an organisation (and nothing calls a person) is one
    // (whose article gave it no sex: « le mouvement »)
    if (e.kind == "person" && !desc.empty() && e.tokens.size() == 1) {
      bool org = false, person = false;
      for (size_t i = 0; i < desc.size() && i < kind_desc_end; ++i) {
        const LexMask m = words_.Classes(desc[i]);
        if (m & (Bit(Lex::ORG_WORD) | Bit(Lex::MEDIA_WORD))) org = true;
        if (m & (Bit(Lex::TITLE) | Bit(Lex::PERSON_NOUN))) person = true;
      }
      if (org && !person) e.kind = "organisation";  // its gender is its article's
    }

    // Preceded by a preposition (ignoring determiners)?
    bool after_prep = false;
    if (start > 0) {
      // "du", "des" are both: a preposition first ("le ministre du Redressement")
      size_t p = start;
      while (p > 0) {
        std::string_view gap = text_.substr(toks[p - 1].end, toks[p].begin - toks[p - 1].end);
        // (nor across a line: a title "Décision de justice" above « Le Conseil … »)
        if (!TrimSpaces(gap).empty() || gap.find('\n') != std::string_view::npos) break;
        const LexMask m = mask_of(p - 1);
        if (m & Bit(Lex::PREPOSITION)) { after_prep = true; break; }
        // "du président José Ramón Bauzà": a title between counts as a determiner
        if (!(m & (Bit(Lex::DETERMINER) | Bit(Lex::TITLE)))) break;
        // ... but not a capitalised one after an article that completes a
        // title (« le ministre de la Justice Éric Dupond-Moretti »: the name
        // stands beside « le ministre », « la Justice » is the ministry)
        if (p == start && (m & Bit(Lex::TITLE)) && toks[p - 1].upper && p >= 4 &&
            (mask_of(p - 2) & Bit(Lex::DETERMINER)) && (mask_of(p - 3) & Bit(Lex::PREPOSITION)) &&
            (mask_of(p - 4) & Bit(Lex::TITLE)))
          break;
        --p;
      }
      if (p > 0 && !after_prep) {
        // "les analystes du groupe Crédit Mutuel": an organisation noun inside a complement
        // (over an article: « le directeur sportif de l'équipe UAE Emirates »)
        if (!after_prep && p > 1 && !toks[p - 1].upper && (mask_of(p - 1) & Bit(Lex::ORG_WORD)) &&
            ((mask_of(p - 2) & Bit(Lex::PREPOSITION)) ||
             (p > 2 && (mask_of(p - 2) & Bit(Lex::DETERMINER)) && !toks[p - 2].upper &&
              (mask_of(p - 3) & Bit(Lex::PREPOSITION)) && !toks[p - 3].upper)))
          after_prep = true;
      }
    }
    // "(Safran)", "(Reuters)", "(D-N.Y.)": a name in brackets annotates the
    // one before (a bracket open before it and closed after it, close by, on
    // its line)
    bool parens = false;
    {
      constexpr size_t kNear = 40;
      size_t lb = toks[start].begin, rb = toks[end - 1].end;
      for (size_t n = 0; lb > 0 && n < kNear; --lb, ++n) {
        const char c = text_[lb - 1];
        if (c == '(') { parens = true; break; }
        if (c == ')' || c == '\n') break;
      }
      if (parens) {
        parens = false;
        for (size_t n = 0; rb < text_.size() && n < kNear; ++rb, ++n) {
          const char c = text_[rb];
          if (c == ')') { parens = true; break; }
          if (c == '(' || c == '\n') break;
        }
      }
    }
    names_.push_back({toks[start].begin, toks[end - 1].end, name_begin, ent, after_prep, possessive, parens});
    k = end;
  }

  // "l'Institut pour l'étude de la guerre (ISW)", "the Syrian Observatory for
  // Human Rights (SOHR)": an acronym in brackets right after a phrase is that
  // phrase's, lower-case words and all (ExpandToFullest gives it for the
  // acronym). The phrase runs back from the bracket over at most 8 words to
  // its first capitalised word, stopping at punctuation, a verb, a conjunction
  // or relative, and a capitalised function word ("Selon", "Le").
  constexpr size_t kMaxPhrase = 8;
  constexpr LexMask kStop = Bit(Lex::CUE_FIN) | Bit(Lex::CUE_PP) | Bit(Lex::CUE_PAST) | Bit(Lex::CUE_PRES) |
                            Bit(Lex::AUX) | Bit(Lex::COPULA) | Bit(Lex::CONJUNCTION) | Bit(Lex::RELATIVE);
  constexpr LexMask kFunctionWord = Bit(Lex::DETERMINER) | Bit(Lex::PREPOSITION) | Bit(Lex::STOPWORD) | kPronoun;
  for (size_t a = 1; a < toks.size(); ++a) {
    const Token& acr = toks[a];
    if (text_[acr.begin - 1] != '(' || acr.end >= text_.size() || text_[acr.end] != ')' ||
        acr.text.size() > 8 || !AllCaps(acr.text))
      continue;
    const int* acr_found = entity_index_.Find(fold_of(a));
    if (!acr_found) continue;
    const int acr_entity = *acr_found;  // (AddEntity below may move the index's entries)
    // the words before the bracket: spaces only between the last one and it
    const size_t open = acr.begin - 1;
    if (toks[a - 1].end > open || !TrimSpaces(text_.substr(toks[a - 1].end, open - toks[a - 1].end)).empty())
      continue;
    size_t first = SIZE_MAX;
    bool joined = false;  // over a conjunction between two capitalised words
    for (size_t j = a; j-- > 0 && a - j <= kMaxPhrase;) {
      if (j + 1 < a) {
        const std::string_view gap = text_.substr(toks[j].end, toks[j + 1].begin - toks[j].end);
        // (a plural possessive inside the name: "the Catholic Bishops' Conference")
        const bool plural_possessive = (gap == "' " || gap == "\u2019 ") && toks[j].upper &&
                                       toks[j].text.size() > 2 && toks[j].text.ends_with('s') && toks[j + 1].upper;
        if (!TrimSpaces(gap).empty() && gap != "'" && gap != "\u2019" && !plural_possessive) break;
      }
      const LexMask m = mask_of(j);
      if (toks[j].upper && !AllCaps(toks[j].text) && (m & kFunctionWord)) break;
      // "the Centers for Disease Control and Prevention (CDC)"
      if (!toks[j].upper && (m & kStop) == Bit(Lex::CONJUNCTION) && j > 0 && j + 1 < a && toks[j - 1].upper &&
          toks[j + 1].upper) {
        joined = true;
        continue;
      }
      if (!toks[j].upper && (m & kStop)) break;
      if (toks[j].upper) first = j;
      if (sentence_initial(j)) break;
    }
    if (first == SIZE_MAX || a - first < 2) continue;
    // (then the acronym must start as the phrase does)
    if (joined && fold_of(first).substr(0, 1) != fold_of(a).substr(0, 1)) continue;
    std::vector<std::string_view> words;
    std::vector<std::string> folds;
    for (size_t j = first; j < a; ++j) {
      words.push_back(toks[j].text);
      folds.emplace_back(fold_of(j));
    }
    const int phrase = AddEntity(words, std::move(folds), toks[first].begin);
    if (phrase == acr_entity) continue;
    if (entities_[phrase].kind == "person") entities_[phrase].kind = "organisation";
    spelled_out_.push_back({acr_entity, phrase});
  }
  // "Sarah and Tom Whitaker", « Marie et Pierre Dupont »: a given name alone
  // joined to a given name and surname shares the surname (Sarah Whitaker)
  for (size_t i = 0; i + 1 < names_.size(); ++i) {
    const NameSpan& a = names_[i];
    const NameSpan& b = names_[i + 1];
    const Entity& ea = entities_[a.entity];
    const Entity& eb = entities_[b.entity];
    constexpr LexMask kGiven = Bit(Lex::FIRST_MALE) | Bit(Lex::FIRST_FEMALE);
    if (ea.tokens.size() != 1 || eb.tokens.size() != 2 || a.name_begin != a.begin || ea.kind != "person" ||
        eb.kind != "person" || !(words_.Classes(ea.tokens[0]) & kGiven) || !(words_.Classes(eb.tokens[0]) & kGiven))
      continue;
    const auto gt = Tokenize(text_.substr(a.end, b.name_begin - a.end));
    if (gt.size() != 1 || !words_.IsWord(Lex::CONJUNCTION, gt[0].text) ||
        text_.substr(a.end, b.name_begin - a.end).find_first_of(",;:.\n") != std::string_view::npos)
      continue;
    const std::string_view full_b = text_.substr(b.name_begin, b.end - b.name_begin);
    const size_t space = full_b.find_last_of(' ');
    if (space == std::string_view::npos) continue;
    const std::vector<std::string_view> words{text_.substr(a.begin, a.end - a.begin), full_b.substr(space + 1)};
    names_[i].entity = AddEntity(words, {ea.tokens[0], eb.tokens[1]}, a.begin);
  }
  // A name an acronym abbreviates by its initials elsewhere ("L'Olympique de
  // Marseille … l'OM") is an organisation's, unless it opens with a given
  // name ("Andrés Manuel López Obrador … AMLO").
  for (size_t i = 0; i < entities_.size(); ++i) {
    if (entities_[i].tokens.size() != 1 || entities_[i].name.size() < 2 || !AllCaps(entities_[i].name)) continue;
    for (int j : FullerForms(static_cast<int>(i))) {
      Entity& e = entities_[j];
      if (e.kind != "person" || e.tokens.size() < 2 || e.gender != Gender::kUnknown ||
          (words_.Classes(e.tokens[0]) & (Bit(Lex::FIRST_MALE) | Bit(Lex::FIRST_FEMALE))))
        continue;
      e.kind = "organisation";
    }
  }

  // Each sentence's subject: its first name not after a preposition (moved on
  // over modifiers: "Florida Department of Transportation official Troy
  // Roberts"); and the subject of any clause: a free name right before a verb
  // ("... while Interior Minister Joachim Brudziński wrote").
  auto note = [&](const NameSpan& n) {
    const Entity& e = entities_[n.entity];
    int full = ExpandToFullest(n.entity, n.begin);
    const Entity& f = entities_[full];
    salient_.push_back({n.begin, full, f.name, f.kind, f.gender != Gender::kUnknown ? f.gender : e.gender});
  };
  size_t ni = 0;
  for (size_t s = 0; s < sentence_starts.size(); ++s) {
    size_t sb = sentence_starts[s];
    size_t se = s + 1 < sentence_starts.size() ? sentence_starts[s + 1] : text_.size();
    while (ni < names_.size() && names_[ni].begin < sb) ++ni;
    const NameSpan* subject = nullptr;
    // a name after the sentence's verb is its object, not its subject: « Le
    // film « … » a remporté la Palme d'or », "The film has won the Palme"
    // (the sentence's first auxiliary or copula outside quotes, found once,
    // when a name asks)
    size_t first_verb = std::string::npos;
    bool verb_looked = false;
    // A sentence that opens with a subordinate or participial clause set off
    // by a comma ("Asked whether he would play, Djokovic smiled", "When the
    // vote ended, …", « Interrogé sur …, ») has its subject and its verb
    // after that comma: the clause's names and verbs are not the sentence's.
    const size_t main_from = [&]() -> size_t {
      auto t = std::lower_bound(toks.begin(), toks.end(), sb, [](const Token& x, size_t p) { return x.begin < p; });
      if (t == toks.end() || t->begin >= se || !t->upper) return sb;
      const size_t k0 = static_cast<size_t>(t - toks.begin());
      const std::string_view f0 = fold_of(k0);
      const bool opener = (mask_of(k0) & Bit(Lex::CLAIM_SUBORD)) ||
                          (words_.lang() == "en" ? f0.size() > 4 && f0.ends_with("ed")
                                                 : (mask_of(k0) & Bit(Lex::CUE_PP)) != 0);
      if (!opener) return sb;
      for (size_t k = k0 + 1; k < toks.size() && toks[k].begin < se; ++k) {
        if (inside_quote(k)) continue;
        const std::string_view gap = text_.substr(toks[k - 1].end, toks[k].begin - toks[k - 1].end);
        if (gap.find_first_of("\"\xAB\xBB") != std::string_view::npos || gap.find("\xE2\x80") != std::string_view::npos)
          return sb;  // a quotation mark: not a plain clause
        if (TrimSpaces(gap) == ",") return toks[k].begin;
      }
      return sb;
    }();
    auto after_verb = [&](size_t pos) {
      if (!verb_looked) {
        verb_looked = true;
        auto t = std::lower_bound(toks.begin(), toks.end(), main_from,
                                  [](const Token& x, size_t p) { return x.begin < p; });
        for (; t != toks.end() && t->begin < se; ++t) {
          const size_t k = static_cast<size_t>(t - toks.begin());
          if (!t->upper && (mask_of(k) & (Bit(Lex::AUX) | Bit(Lex::COPULA))) && !inside_quote(k)) {
            first_verb = t->begin;
            break;
          }
        }
      }
      return first_verb < pos;
    };
    // "A witness, who gave her name only as Sanne, described …": a sentence
    // whose subject is someone new and unnamed (an indefinite article, maybe
    // an adjective, a person's noun) makes "she" in the next one that person,
    // not the one named before
    {
      auto t = std::lower_bound(toks.begin(), toks.end(), main_from,
                                [](const Token& x, size_t p) { return x.begin < p; });
      const size_t k0 = static_cast<size_t>(t - toks.begin());
      if (k0 + 1 < toks.size() && toks[k0].begin < se && words_.IsWord(Lex::INDEFINITE, toks[k0].text) &&
          !inside_quote(k0)) {
        for (size_t k = k0 + 1; k < toks.size() && k <= k0 + 2 && toks[k].begin < se && !toks[k].upper; ++k) {
          if (!(mask_of(k) & Bit(Lex::PERSON_NOUN))) continue;
          Salient x{toks[k0].begin, -1, "", "person", GenderOfWords(toks[k].text)};
          x.unnamed = true;
          x.subject = true;
          // ... unless a relative clause names them ("A witness, who gave
          // her name only as Sanne, described …"): that person, of the sex an
          // English possessive there gives (a French one agrees with the noun)
          if (const Speaker n = NamedInRelative(toks[k].end); n.entity >= 0) {
            Entity& e = entities_[n.entity];
            if (e.gender == Gender::kUnknown && words_.lang() == "en")
              e.gender = GenderOfWords(text_.substr(toks[k].end, std::min<size_t>(60, text_.size() - toks[k].end)));
            x = Salient{toks[k0].begin, n.entity, n.name, n.kind, e.gender};
            x.subject = true;
          }
          salient_.push_back(x);
          break;
        }
      }
    }
    bool verb_seen = false;  // no subject then, but clauses may have theirs
    for (size_t j = ni; j < names_.size() && names_[j].begin < se; ++j) {
      const NameSpan& n = names_[j];
      if (n.after_preposition || n.possessive) continue;
      if (!subject && n.begin < main_from) {
        if (FollowedByVerb(n.end)) note(n);  // the opening clause's own subject
        continue;
      }
      if (!subject && !verb_seen && after_verb(n.begin)) verb_seen = true;
      if (!subject && !verb_seen) {
        subject = &n;
        // advance over modifier-only gaps to the head name
        for (;;) {
          const NameSpan* next = nullptr;
          for (size_t k2 = (subject - names_.data()) + 1; k2 < names_.size() && names_[k2].begin < se; ++k2)
            if (!names_[k2].after_preposition && !names_[k2].possessive && !names_[k2].parenthesised) {
              next = &names_[k2];
              break;
            }
          if (!next || !OnlyModifiersBetween(subject->end, next->begin)) break;
          subject = next;
        }
        note(*subject);
        salient_.back().subject = true;
        // "Olaf Scholz and Emmanuel Macron met": two names joined as the
        // subject are also the pair, whom a plural pronoun may designate.
        for (size_t k2 = (subject - names_.data()) + 1; k2 < names_.size() && names_[k2].begin < se; ++k2) {
          const NameSpan& other = names_[k2];
          if (other.after_preposition || other.possessive || other.parenthesised) continue;
          if (!JoinedNames(*subject, other)) break;
          const Entity& a = entities_[ExpandToFullest(subject->entity, subject->begin)];
          const Entity& b = entities_[ExpandToFullest(other.entity, other.begin)];
          if (a.name != b.name)
            salient_.push_back({subject->begin, -1, a.name + "; " + b.name, "group", Gender::kUnknown});
          break;
        }
        continue;
      }
      if (subject && &n <= subject) continue;
      if (FollowedByVerb(n.end)) note(n);
    }
  }
  // Gender learnt from pronouns right after a subject: "X ... Elle a dit" is too weak; skip.
}

std::vector<SpeakerResolver::NameSpan>::const_iterator SpeakerResolver::FirstNameFrom(size_t pos) const {
  return std::lower_bound(names_.cbegin(), names_.cend(), pos,
                          [](const NameSpan& n, size_t p) { return n.begin < p; });
}

bool SpeakerResolver::AllDeterminers(std::string_view s) const {
  bool all = true;
  ScanTokens(s, 0, [&](const Token& t) { return all = words_.IsWord(Lex::DETERMINER, t.text); });
  return all && s.find_first_of(",;:") == std::string_view::npos;
}

bool SpeakerResolver::OnlyModifiersBetween(size_t a, size_t b) const {
  std::string_view gap = text_.substr(a, b - a);
  if (gap.find_first_of(",;:\n") != std::string_view::npos) return false;
  auto between = Tokenize(gap, a);
  if (between.size() > 5) return false;
  auto from = FirstNameFrom(a);
  bool after_preposition = false;
  for (const auto& t : between) {
    bool inside_name = false;
    for (auto it = from; it != names_.end() && it->begin < b; ++it)
      if (t.begin >= it->begin && t.end <= it->end) inside_name = true;
    // (the raw word's classes: « a » is the verb, « à » the preposition)
    const LexMask m = words_.ClassesOfWord(t.text);
    // an article inside the gap that opens a noun phrase of its own ("Sinner
    // won his first Wimbledon title": a verb came before it), not after a
    // preposition or a conjunction (« le ministre de l'Intérieur »); one that
    // opens the gap is the caller's (JoinedNames: « X et | son homologue Y »)
    if (!inside_name && (m & Bit(Lex::DETERMINER)) && !(m & Bit(Lex::PREPOSITION)) && !after_preposition &&
        &t != &between.front())
      return false;
    after_preposition = !inside_name && (m & (Bit(Lex::PREPOSITION) | Bit(Lex::CONJUNCTION)));
    if (inside_name || (m & (Bit(Lex::PREPOSITION) | Bit(Lex::DETERMINER)))) continue;
    constexpr LexMask kVerbOrStop = Bit(Lex::STOPWORD) | Bit(Lex::AUX) | Bit(Lex::CUE_PAST) | Bit(Lex::CUE_PP) |
                                    Bit(Lex::CUE_FIN);
    if (t.upper || (m & kVerbOrStop)) return false;
    if (const std::string f = Fold(t.text); f.size() > 4 && f.ends_with("ed")) return false;
  }
  return true;
}

bool SpeakerResolver::JoinedNames(const NameSpan& a, const NameSpan& b) const {
  const std::string_view gap = text_.substr(a.end, b.begin - a.end);
  const auto gt = Tokenize(gap, a.end);
  return !gt.empty() && gap.find_first_of(",;:\n") == std::string_view::npos &&
         words_.IsWord(Lex::CONJUNCTION, gt[0].text) && OnlyModifiersBetween(gt[0].end, b.begin);
}

bool SpeakerResolver::FollowedByVerb(size_t pos) const {
  bool verb = false;
  ScanTokens(text_.substr(pos, std::min<size_t>(60, text_.size() - pos)), pos, [&](const Token& t) {
    if (TrimSpaces(text_.substr(pos, t.begin - pos)).size() > 0) return false;  // punctuation between
    const LexMask m = words_.ClassesOfWord(t.text);
    if (m & (Bit(Lex::ADVERB) | Bit(Lex::CLITIC))) { pos = t.end; return true; }
    verb = (m & (Bit(Lex::AUX) | Bit(Lex::CUE_PAST) | Bit(Lex::CUE_PRES) | Bit(Lex::CUE_FIN))) != 0;
    return false;
  });
  return verb;
}

const std::vector<int>& SpeakerResolver::FullerForms(int entity) const {
  if (fuller_.size() != entities_.size()) fuller_.assign(entities_.size(), std::nullopt);  // entities were added
  if (fuller_[entity]) return *fuller_[entity];
  std::vector<int>& out = fuller_[entity].emplace();
  const Entity& m = entities_[entity];
  bool acronym = m.tokens.size() == 1 && AllCaps(m.name);
  for (const auto& [acr, phrase] : spelled_out_)
    if (acr == entity) out.push_back(phrase);
  // "B. Obama" also expands to "Barack Obama", of the same length
  bool initials = std::any_of(m.tokens.begin(), m.tokens.end(), [](const std::string& t) { return t.size() == 1; });
  for (size_t i = 0; i < entities_.size(); ++i) {
    const Entity& e = entities_[i];
    if (static_cast<int>(i) == entity) continue;
    bool match = false;
    bool longer = e.tokens.size() > m.tokens.size() ||
                  (initials && e.tokens.size() == m.tokens.size() &&
                   std::none_of(e.tokens.begin(), e.tokens.end(), [](const std::string& t) { return t.size() == 1; }));
    if (longer && e.tokens.size() <= 6) {
      for (size_t s = 0; s + m.tokens.size() <= e.tokens.size() && !match; ++s) {
        bool ok = true;
        for (size_t j = 0; j < m.tokens.size() && ok; ++j) {
          const std::string& a = m.tokens[j];
          const std::string& b = e.tokens[s + j];
          ok = a == b || (a.size() == 1 && !b.empty() && b[0] == a[0]);
        }
        // only as first-name or surname part: at the start or reaching the
        // end; in a long name, one word anywhere ("Lula" of "Luiz Inácio
        // Lula da Silva")
        match = ok && (s == 0 || s + m.tokens.size() == e.tokens.size() ||
                       (m.tokens.size() == 1 && e.tokens.size() >= 4 && m.tokens[0].size() >= 3 &&
                        !words_.HasWord(Lex::NAME_CONNECTOR, m.tokens[0])));
        // "Mali" is not « l'Association des leaders religieux du Mali »,
        // "England" not "the Bank of England": a complement of an
        // organisation's name is a name of its own
        if (match && s > 0 && e.kind == "organisation" &&
            (e.tokens[s - 1] == "of" || words_.HasWord(Lex::NAME_CONNECTOR, e.tokens[s - 1])))
          match = false;
      }
    }
    if (!match && acronym && e.tokens.size() >= 2) {
      std::string letters;
      for (size_t j = 0; j < e.tokens.size(); ++j) {
        if (words_.HasWord(Lex::NAME_CONNECTOR, e.tokens[j]) || e.tokens[j] == "of") continue;
        letters += e.tokens[j][0];
      }
      match = letters == m.tokens[0];
    }
    if (match) out.push_back(static_cast<int>(i));
  }
  return out;
}

int SpeakerResolver::ExpandToFullest(int entity, size_t pos) const {
  int best = entity;
  size_t best_len = entities_[entity].tokens.size();
  size_t best_dist = SIZE_MAX;
  for (int i : FullerForms(entity)) {
    const Entity& e = entities_[i];
    size_t dist = e.first_pos <= pos ? pos - e.first_pos : (e.first_pos - pos) * 4;
    if (e.tokens.size() > best_len || (e.tokens.size() == best_len && dist < best_dist)) {
      best = i;
      best_len = e.tokens.size();
      best_dist = dist;
    }
  }
  return best;
}

Mention SpeakerResolver::PickMention(std::string_view phrase, size_t pos) const {
  // "Part of the judge's statement reads", « Une partie du communiqué dit »:
  // a part of something is said by whoever said the whole (a PARTITIVE word,
  // then "of" / « de »)
  if (const std::string_view head = phrase.substr(0, 48);
      head.find(" of ") != std::string_view::npos || head.find(" from ") != std::string_view::npos ||
      head.find(" d") != std::string_view::npos) {  // (« de », « du », « des », « d' »: a cheap first test)
    std::vector<Token> t;  // the phrase's first four words are enough
    ScanTokens(phrase, 0, [&](const Token& x) {
      t.push_back(x);
      return t.size() < 4;
    });
    size_t i = !t.empty() && words_.IsWord(Lex::DETERMINER, t[0].text) ? 1 : 0;
    if (i + 1 < t.size()) {
      const std::string w = Fold(t[i].text), of = Fold(t[i + 1].text);
      const bool part = words_.HasWord("PARTITIVE", w);
      const bool of_word = of == "of" || of == "from" || of == "de" || of == "du" || of == "des" || of == "d'";
      if (part && of_word && i + 2 < t.size()) {
        const size_t cut = of == "du" || of == "des" ? t[i + 1].begin : t[i + 2].begin;
        Mention inner = PickMention(phrase.substr(cut), pos + cut);
        if (inner.type != Mention::kNone) return inner;
      }
    }
  }
  Mention m = PickMentionIn(phrase, pos);
  if (m.type == Mention::kDescription) {
    // « selon nos informations », "according to our sources": the writer's
    // own sourcing, no speaker
    std::string_view first = TrimSpaces(m.text);
    first = first.substr(0, first.find(' '));
    const std::string f = Fold(first);
    if (f == "nos" || f == "notre" || f == "our") return Mention();
    const size_t after = m.pos + m.text.size(), end = pos + phrase.size();
    if (after < end)
      ScanTokens(text_.substr(after, end - after), after, [&](const Token& t) {
        m.anonymous = words_.IsWord(Lex::ANONYMITY, t.text);
        return !m.anonymous;
      });
  }
  return m;
}

Mention SpeakerResolver::PickMentionIn(std::string_view phrase, size_t pos) const {
  Mention m;
  size_t end = pos + phrase.size();
  // Comma-separated segments; leading adverbial ones ("Selon l'agence KCNA,",
  // "Interrogé sur ...,", "In a statement,") are skipped when more follow.
  // "Geneva, March 3 (Reuters) - President John Carter", "LONDON — Britain's
  // health secretary": a dateline is not the subject
  if (const size_t d = DatelineLength(text_.substr(pos, end - pos), relays_); d > 0 && pos + d < end) pos += d;
  // a label or a headline's topic before a colon is not the subject:
  // « Réforme des retraites : les syndicats dénoncent … », "Update: Police say"
  for (size_t i = end; i-- > pos;)
    if (text_[i] == ':' && i + 1 < end && (text_[i + 1] == ' ' || text_[i + 1] == '\n') &&
        !TrimSpaces(text_.substr(i + 1, end - i - 1)).empty()) {
      pos = i + 1;
      break;
    }
  std::vector<std::pair<size_t, size_t>> segs;
  size_t b = pos;
  for (size_t i = pos; i < end; ++i) {
    if (text_[i] == ',') { segs.push_back({b, i}); b = i + 1; continue; }
    // a dash between spaces sets off an aside as commas do: « Le député —
    // élu depuis 2017 — a déclaré », "The senator — who chairs … — said"
    for (std::string_view dash : {" \u2014 ", " \u2013 "})
      if (text_.compare(i, dash.size(), dash) == 0 && i + dash.size() <= end) {
        segs.push_back({b, i});
        b = i + dash.size();
        i = b - 1;
        break;
      }
  }
  segs.push_back({b, end});
  // "Émue, l'actrice a appelé", "Visibly moved, the actress urged": a
  // segment opening the sentence with no name in it, ending in a participle
  // or an adjective (by its ending, in no word list), is no subject
  auto opener = [&](size_t sb, size_t se, const std::vector<Token>& toks) {
    if (toks.size() > 3 || !toks[0].upper ||
        !std::binary_search(sentence_starts_.begin(), sentence_starts_.end(), sb + toks[0].begin))
      return false;
    auto n = FirstNameFrom(sb);
    if (n != names_.end() && n->begin < se) return false;
    const std::string last = Fold(toks.back().text);
    if (last.size() < 4 || words_.ClassesOfWord(toks.back().text)) return false;
    for (std::string_view ending : {"ed", "\u00e9", "\u00e9e", "\u00e9s", "\u00e9es", "ue", "ues", "eux", "euse"})
      if (last.ends_with(ending)) return true;
    return false;
  };
  size_t first = 0;
  while (first + 1 < segs.size()) {
    auto toks = Tokenize(text_.substr(segs[first].first, segs[first].second - segs[first].first));
    if (toks.empty()) { ++first; continue; }
    if (opener(segs[first].first, segs[first].second, toks)) { ++first; continue; }
    std::string f0 = Fold(toks[0].text);
    std::string f01 = toks.size() > 1 ? f0 + " " + Fold(toks[1].text) : f0;
    // an elided first word is one with the next: « S'exprimant devant la presse, »
    const bool elided = toks.size() > 1 && (f0.ends_with('\'') || f0.ends_with("\u2019"));
    if (!words_.HasWord(Lex::DETERMINER, f01) &&
        (words_.HasWord(Lex::PREPOSITION, f0) || words_.HasWord(Lex::SEGMENT_SKIP, f0) ||
         (elided && words_.HasWord(Lex::SEGMENT_SKIP, f0 + Fold(toks[1].text))))) {
      // "..., while Gary Black, managing partner at Future Fund, said": a
      // conjunction followed by a name alone opens the clause of that subject
      const bool opens_clause = !words_.HasWord(Lex::PREPOSITION, f0) && toks.size() >= 2 &&
                                (words_.HasWord(Lex::CONJUNCTION, f0) || words_.HasWord(Lex::CIRCUMSTANCE, f0));
      if (opens_clause) {
        const size_t rest = segs[first].first + toks[1].begin;
        const size_t seg_end = segs[first].first + toks.back().end;
        auto n = FirstNameFrom(rest);
        if (n != names_.end() && n->begin == rest && n->end == seg_end) break;
      }
      // "In Paris, London and Berlin, officials said": the names a
      // preposition governs go on, as a list, in the segments after it
      const bool governs_list = words_.HasWord(Lex::PREPOSITION, f0) && [&] {
        auto n = FirstNameFrom(segs[first].first);
        while (n != names_.end() && n->end < segs[first].first + toks.back().end) ++n;
        return n != names_.end() && n->end == segs[first].first + toks.back().end;
      }();
      ++first;
      // (a list closed by its conjunction: "London and Berlin", "and
      // Berlin"; "In Cornwall, Helen Morris, 54, described" is no list)
      for (size_t k = first; governs_list && k + 1 < segs.size(); ++k) {
        const std::string_view seg = TrimSpaces(text_.substr(segs[k].first, segs[k].second - segs[k].first));
        const size_t sb = static_cast<size_t>(seg.data() - text_.data()), se = sb + seg.size();
        const auto st = Tokenize(seg);
        const bool conj_first = !st.empty() && words_.IsWord(Lex::CONJUNCTION, st[0].text);
        const size_t nb = conj_first && st.size() > 1 ? sb + st[1].begin : sb;
        auto n = FirstNameFrom(nb);
        if (n == names_.end() || n->begin != nb) break;
        if (n->end == se) {
          if (conj_first) { first = k + 1; break; }  // "and Berlin": the list ends
          continue;                                    // "London": it goes on
        }
        auto m2 = std::next(n);
        const auto gap = Tokenize(text_.substr(n->end, m2 == names_.end() ? 0 : m2->begin - n->end));
        if (!conj_first && m2 != names_.end() && m2->end == se && gap.size() == 1 &&
            words_.IsWord(Lex::CONJUNCTION, gap[0].text))
          first = k + 1;  // "London and Berlin": the list ends
        break;
      }
      continue;
    }
    break;
  }
  auto names_in = [&](size_t sb, size_t se, bool governed_ok) {
    std::vector<const NameSpan*> out;
    auto from = FirstNameFrom(sb);
    for (auto it = from; it != names_.end() && it->begin < se; ++it) {
      const NameSpan& n = *it;  // a name may run past the phrase ("Akli | Gasmi, ...")
      // (a name whose preposition stands before the phrase is not governed
      // in it: "according to | the United Nations")
      const bool governed_here =
          n.possessive ||
          (n.after_preposition && (n.begin <= pos || !AllDeterminers(text_.substr(pos, n.begin - pos))));
      if (!governed_ok && governed_here) continue;
      out.push_back(&n);
    }
    return out;
  };
  auto as_name = [&](const NameSpan* n) {
    // "One MP", "a Reuters reporter": a name after an indefinite word is not the speaker's
    auto before = Tokenize(text_.substr(pos, n->begin > pos ? n->begin - pos : 0), pos);
    // ... or inside a phrase that opens with one: "A source within the central Interior Ministry"
    std::string_view lead_text = text_.substr(pos, n->begin > pos ? n->begin - pos : 0);
    if (before.size() >= 2 && words_.IsWord(Lex::INDEFINITE, before.front().text) &&
        lead_text.find(',') == std::string_view::npos) {
      m.type = Mention::kDescription;
      m.text = std::string(text_.substr(before.front().begin, n->end - before.front().begin));
      m.pos = before.front().begin;
      return m;
    }
    if (!before.empty() && words_.IsWord(Lex::INDEFINITE, before.back().text) &&
        TrimSpaces(text_.substr(before.back().end, n->begin - before.back().end)).empty()) {
      m.type = Mention::kDescription;
      m.text = std::string(text_.substr(before.back().begin, n->end - before.back().begin));
      m.pos = before.back().begin;
      return m;
    }
    m.type = Mention::kName;
    m.text = std::string(text_.substr(n->begin, n->end - n->begin));
    m.pos = n->begin;
    m.entity = n->entity;
    return m;
  };
  // The names after the first that speak with it (a pair, or a list's middle
  // names and its last): written "A; B; C" by Resolve.
  auto speak_together = [&](Mention* named, const std::vector<const NameSpan*>& others) {
    for (size_t i = 0; i + 1 < others.size(); ++i) named->between.push_back({others[i]->entity, others[i]->begin});
    named->pair = others.back()->entity;
    named->pair_pos = others.back()->begin;
    named->plural = true;
    named->text = std::string(text_.substr(named->pos, others.back()->end - named->pos));
  };
  // "Paris, Londres et Berlin ont dénoncé", "France, Germany, and Britain
  // said": a list of names set off by commas, its last joined by a
  // conjunction, speaks together ("Paris; Londres; Berlin")
  if (segs.size() - first >= 2 && segs.size() - first <= 5) {
    std::vector<const NameSpan*> list;
    bool ok = true;
    for (size_t k = first; k < segs.size() && ok; ++k) {
      const std::string_view seg = TrimSpaces(text_.substr(segs[k].first, segs[k].second - segs[k].first));
      const size_t seg_b = static_cast<size_t>(seg.data() - text_.data()), seg_e = seg_b + seg.size();
      const auto in = names_in(seg_b, seg_e, false);
      if (k + 1 < segs.size()) {  // a name alone
        ok = in.size() == 1 && in[0]->begin == seg_b && in[0]->end == seg_e;
        if (ok) list.push_back(in[0]);
      } else if (in.size() == 1 && in[0]->end == seg_e) {  // "and Berlin" (after a serial comma)
        const auto lead = Tokenize(text_.substr(seg_b, in[0]->begin - seg_b));
        ok = lead.size() == 1 && words_.IsWord(Lex::CONJUNCTION, lead[0].text);
        if (ok) list.push_back(in[0]);
      } else if (in.size() == 2 && in[0]->begin == seg_b && in[1]->end == seg_e && JoinedNames(*in[0], *in[1])) {
        list.push_back(in[0]);  // "London and Berlin"
        list.push_back(in[1]);
      } else {
        ok = false;
      }
    }
    std::vector<int> full;
    for (const NameSpan* n : list) full.push_back(ExpandToFullest(n->entity, n->begin));
    std::sort(full.begin(), full.end());
    if (ok && list.size() >= 3 && std::adjacent_find(full.begin(), full.end()) == full.end()) {
      m.type = Mention::kName;
      m.entity = list.front()->entity;
      m.pos = list.front()->begin;
      speak_together(&m, std::vector<const NameSpan*>(list.begin() + 1, list.end()));
      return m;
    }
  }
  // "Bernard Bonnet, le successeur de Claude Erignac, qui lui avait rétorqué":
  // a relative pronoun right before the verb hangs on the name before it,
  // over an appositive.
  {
    auto pt = Tokenize(text_.substr(pos, end - pos), pos);
    size_t last = pt.size();
    while (last > 0 && words_.IsWord(Lex::CLITIC, pt[last - 1].text)) --last;
    if (last > 1 && words_.IsWord(Lex::RELATIVE, pt[last - 1].text) && !AllCaps(pt[last - 1].text)) {
      size_t rel = pt[last - 1].begin;
      size_t si = segs.size();
      while (si > 0 && segs[si - 1].first > rel) --si;  // the segment holding the relative
      for (size_t k = si; k-- > 0;) {
        size_t se = k + 1 == si ? rel : segs[k].second;
        auto in = names_in(segs[k].first, se, true);
        auto st = Tokenize(text_.substr(segs[k].first, se - segs[k].first));
        if (st.empty()) continue;  // ", qui": the relative alone in its segment
        bool appositive = k + 1 != si && words_.IsWord(Lex::DETERMINER, st[0].text);
        if (appositive && k > 0) continue;
        if (!in.empty()) return as_name(in.back());
        // no name: the noun phrase the relative follows ("des représailles de
        // l'organisation islamique, qui affirme"); a relative that stands for a
        // person hangs on the phrase's head, not on its complement ("A senior
        // official at the agency, who spoke")
        const bool personal = words_.IsWord(Lex::RELATIVE_PERSON, pt[last - 1].text);
        auto nt = Tokenize(text_.substr(segs[k].first, se - segs[k].first), segs[k].first);
        for (size_t j = nt.size(); j-- > 0 && nt.size() - j <= 6;) {
          if (!words_.IsWord(Lex::DETERMINER, nt[j].text)) continue;
          if (j > 0 && words_.IsWord(Lex::PREPOSITION, nt[j - 1].text)) {
            if (nt.size() - j < 2) break;
            if (personal) continue;
          }
          m.type = Mention::kDescription;
          m.text = std::string(TrimSpaces(text_.substr(nt[j].begin, nt.back().end - nt[j].begin)));
          m.pos = nt[j].begin;
          return m;
        }
        break;
      }
    }
  }
  // "Très ému, il confie": a pronoun alone before the verb is the subject.
  if (segs.size() > 1) {
    auto lt = Tokenize(text_.substr(segs.back().first, segs.back().second - segs.back().first), segs.back().first);
    const Token* pron = nullptr;
    bool only = !lt.empty();
    for (const auto& t : lt) {
      std::string f = Fold(t.text);
      bool p = words_.HasWord(Lex::PRON_MASC, f) || words_.HasWord(Lex::PRON_FEM, f) ||
               words_.HasWord(Lex::PRON_PLUR, f) || words_.HasWord(Lex::PRON_NEUT, f);
      if (p) pron = &t;
      else if (!words_.HasWord(Lex::CLITIC, f) && !words_.HasWord(Lex::ADVERB, f)) only = false;
    }
    if (only && pron) {
      std::string f = Fold(pron->text);
      m.type = Mention::kPronoun;
      m.text = std::string(pron->text);
      m.pos = pron->begin;
      m.plural = words_.HasWord(Lex::PRON_PLUR, f);
      m.gender = words_.HasWord(Lex::PRON_MASC, f) ? Gender::kMale
               : words_.HasWord(Lex::PRON_FEM, f) ? Gender::kFemale : Gender::kUnknown;
      return m;
    }
  }
  // The first free name of the subject segment, moved on to a later one when
  // only modifier words separate them ("SpaceX founder Elon Musk") but not over
  // a verb ("Trump congratulated Pelosi").
  // An appositive that is exactly a person's name names the one the segment
  // before describes: "Daily Xtra's editorial director, Rachel Giese," /
  // "University of California, San Diego's chancellor, Pradeep Khosla".
  // (or two persons' names joined by a conjunction: "The couple, Sarah and
  // Tom Whitaker, said")
  const NameSpan* appositive = nullptr;
  const NameSpan* appositive_pair = nullptr;
  size_t appositive_seg = 0;
  for (size_t s = first + 1; s < segs.size() && !appositive; ++s) {
    std::string_view seg = TrimSpaces(text_.substr(segs[s].first, segs[s].second - segs[s].first));
    if (seg.empty()) continue;
    size_t sb = static_cast<size_t>(seg.data() - text_.data());
    const auto in = names_in(sb, sb + seg.size(), true);
    auto person = [&](const NameSpan* n) { return entities_[ExpandToFullest(n->entity, n->begin)].kind == "person"; };
    for (const NameSpan* n : in)
      if (n->begin == sb && n->end == sb + seg.size() && person(n)) {
        appositive = n;
        appositive_seg = s;
      }
    if (!appositive && in.size() == 2 && in[0]->begin == sb && in[1]->end == sb + seg.size() && person(in[0]) &&
        person(in[1]) && JoinedNames(*in[0], *in[1]) &&
        ExpandToFullest(in[0]->entity, in[0]->begin) != ExpandToFullest(in[1]->entity, in[1]->begin)) {
      appositive = in[0];
      appositive_pair = in[1];
      appositive_seg = s;
    }
  }
  auto as_appositive = [&]() {
    Mention a = as_name(appositive);
    if (appositive_pair && a.type == Mention::kName) speak_together(&a, {appositive_pair});
    return a;
  };
  // English puts a noun's modifiers before it: in "the top U.S. diplomat"
  // or "the Kremlin spokesman" the name qualifies the noun after it, and
  // the noun phrase is the subject: that description, or kNone.
  auto qualifier_of = [&](const NameSpan* n) -> Mention {
    if (words_.lang() != "en") return Mention();
    const size_t sb = segs[first].first, se = segs[first].second;
    auto lead = Tokenize(text_.substr(sb, n->begin - sb), sb);
    auto tail = Tokenize(text_.substr(n->end, se - n->end), n->end);
    constexpr LexMask kFunction =
        Bit(Lex::DETERMINER) | Bit(Lex::PREPOSITION) | Bit(Lex::STOPWORD) | Bit(Lex::ADVERB) | Bit(Lex::AUX) |
        Bit(Lex::COPULA) | Bit(Lex::CUE_PAST) | Bit(Lex::CUE_PRES) | Bit(Lex::RELATIVE) | Bit(Lex::INTENSIFIER) |
        Bit(Lex::PRON_MASC) | Bit(Lex::PRON_FEM) | Bit(Lex::PRON_PLUR) | Bit(Lex::PRON_NEUT);
    auto content = [&](const Token& t) { return !t.upper && !(words_.ClassesOfWord(t.text) & kFunction); };
    bool opens_with_article = !lead.empty() && words_.IsWord(Lex::DETERMINER, lead[0].text) &&
                              std::none_of(lead.begin() + 1, lead.end(), [](const Token& t) { return t.upper; });
    bool noun_follows = !tail.empty() && std::all_of(tail.begin(), tail.end(), content) &&
                        TrimSpaces(text_.substr(n->end, tail[0].begin - n->end)).find_first_not_of(".") ==
                            std::string_view::npos;
    // "Ukrainian officials", "Hamas fighters": with no article, when the
    // noun is a plural of persons; they are a group, no one named.
    bool persons = false;
    if (lead.empty() && noun_follows) {
      std::string head = Fold(tail.back().text);
      if (head.size() > 3 && head.back() == 's') {
        head.pop_back();
        persons = words_.HasWord(Lex::PERSON_NOUN, head) || words_.HasWord(Lex::TITLE, head);
      }
    }
    Mention d;
    if ((opens_with_article || persons) && noun_follows && !n->possessive) {
      const size_t from = persons ? n->begin : lead[0].begin;
      d.type = Mention::kDescription;
      d.text = std::string(text_.substr(from, tail.back().end - from));
      d.pos = from;
      d.plural = persons;
    }
    return d;
  };
  auto head = names_in(segs[first].first, segs[first].second, false);
  if (appositive) {
    auto ft = Tokenize(text_.substr(segs[first].first, segs[first].second - segs[first].first));
    bool described = !ft.empty() && !ft.back().upper && appositive_seg == first + 1;
    bool head_not_person = !head.empty() && entities_[ExpandToFullest(head.front()->entity, head.front()->begin)].kind != "person";
    if (described || head_not_person || head.empty()) return as_appositive();
  }
  if (!head.empty()) {
    const NameSpan* cur = head.front();
    // "Some of the protesters Wikinews interviewed said": a name between a
    // noun phrase and a verb of its own is the subject of a relative clause.
    {
      auto lead = Tokenize(text_.substr(segs[first].first, cur->begin - segs[first].first), segs[first].first);
      auto next = Tokenize(text_.substr(cur->end, segs[first].second - cur->end), cur->end);
      if (lead.size() >= 2 && !next.empty()) {
        std::string f0 = Fold(lead.front().text), fn = Fold(next.front().text);
        bool np = words_.HasWord(Lex::DETERMINER, f0) || words_.HasWord(Lex::INDEFINITE, f0);
        bool verb = fn.size() > 4 && fn.ends_with("ed") && !words_.HasWord(Lex::CUE_PAST, fn);
        if (np && verb && !lead.back().upper) {
          m.type = Mention::kDescription;
          m.text = std::string(TrimSpaces(text_.substr(lead.front().begin, lead.back().end - lead.front().begin)));
          m.pos = lead.front().begin;
          return m;
        }
      }
    }
    // "L'Association des leaders religieux du Mali a ...": an organisation
    // noun written as a name takes its complement up to the verb.
    const Entity& he = entities_[cur->entity];
    if (he.tokens.size() == 1 && words_.HasWord(Lex::ORG_WORD, he.tokens[0]) && cur->end < segs[first].second) {
      auto rest = Tokenize(text_.substr(cur->end, segs[first].second - cur->end), cur->end);
      size_t np_end = cur->end;
      bool complement = !rest.empty() && words_.IsWord(Lex::PREPOSITION, rest[0].text);
      for (const auto& t : rest) {
        std::string f = Fold(t.text);
        if (words_.HasWord(Lex::AUX, f) || words_.HasWord(Lex::CUE_FIN, f) || words_.HasWord(Lex::CUE_PAST, f) ||
            words_.HasWord(Lex::CUE_PRES, f) || words_.HasWord(Lex::CLITIC, f) || words_.HasWord(Lex::RELATIVE, f) ||
            words_.HasWord(Lex::ADVERB, f))
          break;
        np_end = t.end;
      }
      if (complement && np_end > cur->end && np_end - cur->begin <= 80) {
        size_t b0 = cur->begin;
        // with its article: "L'Association", "la Ligue"
        auto before = Tokenize(text_.substr(segs[first].first, b0 - segs[first].first), segs[first].first);
        if (!before.empty() && words_.IsWord(Lex::DETERMINER, before.back().text) &&
            TrimSpaces(text_.substr(before.back().end, b0 - before.back().end)).empty())
          b0 = before.back().begin;
        // "The Office for Budget Responsibility (OBR)": without the bracket
        std::string_view np = text_.substr(b0, np_end - b0);
        if (size_t open = np.rfind('('); open != std::string_view::npos && np.find(')', open) == std::string_view::npos)
          np = TrimSpaces(np.substr(0, open));
        m.type = Mention::kDescription;
        m.text = std::string(np);
        m.pos = b0;
        return m;
      }
    }
    for (size_t i = 1; i < head.size(); ++i) {
      if (head[i]->parenthesised) continue;  // "Marc Guillemot (Safran)"
      if (!OnlyModifiersBetween(cur->end, head[i]->begin)) break;
      cur = head[i];
    }
    if (Mention d = qualifier_of(cur); d.type != Mention::kNone) return d;
    Mention named = as_name(cur);
    // "Lula and French President Emmanuel Macron said": two names joined by a
    // conjunction, nothing but modifiers before the second, speak together
    if (named.type == Mention::kName) {
      const auto it = std::find(head.begin(), head.end(), cur);
      if (it != head.end() && it + 1 != head.end() && !(*(it + 1))->parenthesised) {
        const NameSpan* other = *(it + 1);
        if (JoinedNames(*cur, *other) &&
            ExpandToFullest(other->entity, other->begin) != ExpandToFullest(cur->entity, cur->begin))
          speak_together(&named, {other});
      }
    }
    return named;
  }
  auto toks = Tokenize(text_.substr(segs[first].first, segs[first].second - segs[first].first),
                       segs[first].first);
  // Pronoun subject: the last pronoun of the segment (not one governed by a
  // preposition: "one of them said" is not "they").
  for (size_t i = toks.size(); i-- > 0;) {
    if (i > 0 && words_.IsWord(Lex::PREPOSITION, toks[i - 1].text)) continue;
    std::string f = Fold(toks[i].text);
    // (nor one that is a determiner before a word: "Her main rival, …")
    if (i + 1 < toks.size() && words_.HasWord(Lex::DETERMINER, f)) continue;
    // (or two words: « ce dernier », "the latter")
    size_t from = i;
    if (i > 0) {
      std::string two = Fold(toks[i - 1].text) + " " + f;
      if (words_.Classes(two) & kPronounClasses) {
        from = i - 1;
        f = two;
      }
    }
    bool masc = words_.HasWord(Lex::PRON_MASC, f), fem = words_.HasWord(Lex::PRON_FEM, f),
         plur = words_.HasWord(Lex::PRON_PLUR, f), neut = words_.HasWord(Lex::PRON_NEUT, f);
    if (masc || fem || plur || neut) {
      m.type = Mention::kPronoun;
      m.text = std::string(text_.substr(toks[from].begin, toks[i].end - toks[from].begin));
      m.pos = toks[from].begin;
      m.plural = plur;
      m.gender = masc ? Gender::kMale : fem ? Gender::kFemale : Gender::kUnknown;
      return m;
    }
  }
  for (size_t s = first + 1; s < segs.size(); ++s) {
    // "The senator, who chairs the Finance Committee, said": a relative
    // clause's names are not the subject's
    auto st = Tokenize(text_.substr(segs[s].first, segs[s].second - segs[s].first));
    if (!st.empty() && words_.IsWord(Lex::RELATIVE, st[0].text)) continue;
    auto app = names_in(segs[s].first, segs[s].second, false);
    // ("Roscosmos, the Russian space agency, said": a national's word before
    // a lower-case noun is an adjective, no one's name)
    if (!app.empty() && entities_[app.front()->entity].tokens.size() == 1 &&
        Demonym(entities_[app.front()->entity].tokens[0])) {
      size_t p = app.front()->end + 1;
      if (p < text_.size() && text_[p - 1] == ' ') {
        const char32_t c = NextCodePoint(text_, p);
        if (IsLetter(c) && !IsUpper(c)) continue;
      }
    }
    if (!app.empty()) return as_name(app.front());
  }
  // A segment that starts with a name, even a governed one ("pour Montebourg"),
  // but not a possessive one: in "President Obama's spokesman" the
  // spokesman speaks, not Obama.
  auto lead = names_in(segs[first].first, segs[first].second, true);
  if (!lead.empty() && !toks.empty() && lead.front()->begin == toks.front().begin && !lead.front()->possessive) {
    if (Mention d = qualifier_of(lead.front()); d.type != Mention::kNone) return d;
    return as_name(lead.front());
  }
  // Description: the subject segment itself, when it is a short noun phrase.
  std::string_view seg = TrimSpaces(text_.substr(segs[first].first, segs[first].second - segs[first].first));
  // The noun phrase ends at its verb: "The palace | issued the following
  // statement", "The study itself | outlined".
  for (size_t i = 1; i < toks.size(); ++i) {
    std::string f = Fold(toks[i].text);
    bool verb_like = words_.HasWord(Lex::CUE_PAST, f) || words_.HasWord(Lex::CUE_PRES, f) ||
                     words_.HasWord(Lex::CUE_FIN, f) || words_.HasWord(Lex::REPORT_CUE, f) ||
                     words_.HasWord(Lex::CUE_PPR, f) || words_.HasWord(Lex::AUX, f) ||
                     (!toks[i].upper && f.size() > 4 && f.ends_with("ed") &&
                      !words_.IsWord(Lex::DETERMINER, toks[i - 1].text));
    if (toks[i].upper && toks[i - 1].upper) verb_like = false;  // a name's word: "the United States"
    if (words_.HasWord(Lex::INTENSIFIER, f)) verb_like = true;  // "The study itself"
    // "le chef de l'État ukrainien | lors d'une conférence de presse"
    if (words_.HasWord(Lex::CIRCUMSTANCE, f)) verb_like = true;
    // "Un rapport de la Ligue arabe | apporte la même conclusion", "The
    // report | gives the figures": inside a noun phrase no lower-case word is
    // followed by an article; a verb is.
    if (!verb_like && !toks[i].upper && f.size() > 2 && i + 1 < toks.size() &&
        toks[i].end < toks[i + 1].begin && TrimSpaces(text_.substr(toks[i].end, toks[i + 1].begin - toks[i].end)).empty()) {
      constexpr LexMask kNotArticle = Bit(Lex::PREPOSITION) | Bit(Lex::STOPWORD) | Bit(Lex::RELATIVE);
      constexpr LexMask kFunctionWord = kNotArticle | Bit(Lex::DETERMINER) | Bit(Lex::ADVERB) | Bit(Lex::CLITIC);
      const LexMask next = words_.ClassesOfWord(toks[i + 1].text);
      verb_like = (next & Bit(Lex::DETERMINER)) && !(next & kNotArticle) && !(words_.Classes(f) & kFunctionWord);
    }
    if (!verb_like) continue;
    size_t b = toks[0].begin;
    seg = text_.substr(b, toks[i - 1].end - b);
    toks.resize(i);
    break;
  }
  size_t content = 0;
  bool verb = false;  // "Ces actes sont des représailles de ...": a clause, not a noun phrase
  for (const auto& t : toks) {
    std::string f = Fold(t.text);
    if (f.size() >= 3 && !words_.HasWord(Lex::DETERMINER, f) && !words_.HasWord(Lex::PREPOSITION, f) &&
        !words_.HasWord(Lex::STOPWORD, f) && !words_.HasWord(Lex::ADVERB, f))
      ++content;
    if (words_.HasWord(Lex::AUX, f) || words_.HasWord(Lex::COPULA, f)) verb = true;
  }
  if (!toks.empty() && toks.size() <= 12 && content > 0 && !verb) {
    std::string f0 = Fold(toks[0].text);
    std::string f01 = toks.size() > 1 ? f0 + " " + Fold(toks[1].text) : f0;
    // a possessive name determines the noun too: "Governor Gavin Newsom's office"
    const bool possessor = !lead.empty() && lead.front()->begin == toks.front().begin && lead.front()->possessive;
    bool det = words_.HasWord(Lex::DETERMINER, f0) || words_.HasWord(Lex::DETERMINER, f01) || possessor;
    bool bare_noun = !det && !words_.HasWord(Lex::PREPOSITION, f0) && toks.size() <= 3 &&
                     !words_.HasWord(Lex::STOPWORD, f0) && !words_.HasWord(Lex::SEGMENT_SKIP, f0) &&
                     !words_.HasWord(Lex::ADVERB, f0);
    if (det || bare_noun) {
      m.type = Mention::kDescription;
      m.text = std::string(seg);
      m.pos = static_cast<size_t>(seg.data() - text_.data());
      return m;
    }
  }
  // Only a governed name: better than nothing ("pour Obama"); a possessive
  // one qualifies the noun after it, which is the speaker.
  for (const NameSpan* n : names_in(segs[first].first, end, true))
    if (!n->possessive) return as_name(n);
  return m;
}

Mention SpeakerResolver::PossessorOf(size_t begin, size_t end) const {
  Mention m;
  std::string_view words = TrimSpaces(text_.substr(begin, end - begin));
  bool poss = false;
  const std::string_view bare = StripPossessive(words, &poss);
  if (!poss || bare.empty()) return m;
  begin = static_cast<size_t>(words.data() - text_.data());
  end = begin + words.size();
  auto it = FirstNameFrom(begin);
  for (; it != names_.end() && it->begin < end; ++it) {
    if (it->end != end || !it->possessive) continue;
    m.type = Mention::kName;
    m.text = std::string(text_.substr(it->begin, it->end - it->begin - (words.size() - bare.size())));
    m.pos = it->begin;
    m.entity = it->entity;
    return m;
  }
  m.type = Mention::kDescription;
  m.text = bare;
  m.pos = begin;
  return m;
}

const Relay* SpeakerResolver::RelayOf(const Mention& m) const {
  if (m.type != Mention::kName || m.entity < 0) return nullptr;
  if (const Relay* r = relays_.Find(entities_[m.entity].name)) return r;
  return relays_.Find(m.text);
}

std::string SpeakerResolver::RelayBefore(size_t pos, std::string_view type) const {
  auto it = FirstNameFrom(pos);
  while (it != names_.begin()) {
    --it;
    // with the article before the name, when there is one ("Le Parisien")
    const size_t from = it->name_begin >= 4 ? it->name_begin - 4 : 0;
    std::string surface;
    if (const Relay* r = relays_.FindIn(text_.substr(from, it->end - from), &surface); r && r->type == type)
      return surface;
  }
  return "";
}

Speaker SpeakerResolver::Resolve(const Mention& m) const {
  Speaker s;
  switch (m.type) {
    case Mention::kNone:
      return s;
    case Mention::kName: {
      // "the German said", « l'Espagnol a ajouté »: a national, not a name
      // (also after an age or a lower-case adjective: "the 33-year-old Czech",
      // « le jeune Français »)
      if (m.pair < 0 && entities_[m.entity].tokens.size() == 1 &&
          (Demonym(entities_[m.entity].tokens[0]) || Gentile(entities_[m.entity].name)) &&
          DefiniteBefore(m.pos))
        if (Speaker n = NationalBefore(m.pos, entities_[m.entity].tokens[0]); !n.name.empty()) return n;
      int full = ExpandToFullest(m.entity, m.pos);
      const Entity& e = entities_[full];
      s.name = e.name;
      // « écrit le Parisien »: the relay's name with its article (« Le Parisien »)
      if (std::string alias; !relays_.Find(e.name) && relays_.FindBare(e.name, &alias)) s.name = alias;
      s.kind = e.kind;
      s.entity = full;
      s.confidence = full == m.entity && e.tokens.size() == 1 && e.kind == "person" ? 0.8 : 0.95;
      if (m.pair >= 0) {  // "A; B", as the annotation writes two speakers
        for (const auto& [entity, at] : m.between) s.name += "; " + entities_[ExpandToFullest(entity, at)].name;
        s.name += "; " + entities_[ExpandToFullest(m.pair, m.pair_pos)].name;
        s.kind = "group";
        s.entity = -1;
      }
      return s;
    }
    case Mention::kPronoun: {
      // « on » (ANONYMOUS) stands for no one in particular
      if (words_.IsWord(Lex::ANONYMOUS, m.text)) return s;
      // « celle-ci », « ce dernier », "the latter": the person (of that sex)
      // last named before, in whatever role, not the last subject ("…
      // accompagnée de la ministre Rachida Dati. Celle-ci a dénoncé …");
      // "the latter" may be an organisation too
      if (!m.plural && Latter(Fold(m.text))) {
        auto lo = FirstNameFrom(m.pos > 600 ? m.pos - 600 : 0);
        auto hi = FirstNameFrom(m.pos);
        for (auto n = hi; n != lo;) {
          --n;
          if (n->possessive) continue;
          const int full = ExpandToFullest(n->entity, n->begin);
          const Entity& e = entities_[full];
          if (m.gender == Gender::kUnknown ? e.kind == "place" : e.kind != "person") continue;
          if (m.gender != Gender::kUnknown && e.gender != m.gender &&
              (e.gender != Gender::kUnknown || e.tokens.size() < 2))
            continue;
          s.name = e.name;
          s.kind = e.kind;
          s.entity = full;
          s.confidence = 0.7;
          return s;
        }
      }
      size_t taken_at = 0;  // where the candidate taken was noted
      for (size_t i = salient_.size(); i-- > 0;) {
        const Salient& c = salient_[i];
        if (c.pos >= m.pos) continue;
        if (m.pos - c.pos > 3000) break;
        if (m.gender != Gender::kUnknown && c.gender != Gender::kUnknown && c.gender != m.gender) continue;
        if (m.plural != (c.kind == "group")) {
          if (m.plural && c.kind == "person") continue;
          if (!m.plural && c.kind == "group") continue;
        }
        // « une habitante », "the company": no "they"
        if (m.plural && c.entity < 0 && c.kind == "group" && SingularDescription(c.name)) continue;
        if (!m.plural && m.gender != Gender::kUnknown) {
          // an organisation by its grammatical gender (French: « la SNCF » ...
          // « Elle »; English articles give none, so "she" is never one)
          if (c.kind == "organisation" && c.gender == m.gender) {
            taken_at = c.pos;
            s.name = c.name;
            s.kind = c.kind;
            s.entity = c.entity;
            s.confidence = 0.6;
            // ... but a person of that sex named after it, as its object, is the
            // likelier one (« Le Parti populaire a exclu le député Antoni
            // Pastor. … il vota contre »)
            auto n = std::upper_bound(names_.begin(), names_.end(), c.pos,
                                      [](size_t p, const NameSpan& x) { return p < x.begin; });
            for (; n != names_.end() && n->begin < m.pos; ++n) {
              const int full = ExpandToFullest(n->entity, n->begin);
              const Entity& e = entities_[full];
              if (e.kind != "person" || e.gender != m.gender || n->possessive) continue;
              s.name = e.name;
              s.kind = e.kind;
              s.entity = full;
              s.confidence = 0.55;
            }
            break;
          }
          if (c.kind != "person") continue;
          // a one-word name of unknown gender is too weak a candidate (a
          // description of a person, "un porte-parole de la police", is fine)
          if (c.entity >= 0 && entities_[c.entity].tokens.size() < 2 &&
              entities_[c.entity].gender == Gender::kUnknown)
            continue;
          // ... and so is a surname found nowhere as a name ("Macron a
          // déclaré"), but in this sentence or the one before
          if (c.entity < 0 && c.gender == Gender::kUnknown && c.name.find(' ') == std::string::npos) {
            auto sit = std::upper_bound(sentence_starts_.begin(), sentence_starts_.end(), m.pos);
            const size_t here = static_cast<size_t>(sit - sentence_starts_.begin());
            const size_t from = here >= 2 ? sentence_starts_[here - 2] : 0;
            if (c.pos < from) continue;
          }
        }
        if (!m.plural && m.gender == Gender::kUnknown && c.kind == "person" &&
            !(c.subject && MaybeOrganisation(c.entity, c.pos)))
          continue;  // "it"
        if (c.unnamed) return Speaker();  // the one the article does not name
        taken_at = c.pos;
        s.name = c.name;
        s.kind = !m.plural && m.gender == Gender::kUnknown && c.kind == "person" ? "organisation" : c.kind;
        s.entity = c.entity;
        s.confidence = 0.7;
        break;
      }
      // No subject of this or the two sentences before fits "il"/"he": a person
      // named there in another role does ("Le parti a exclu Antoni Pastor. Il ...").
      if (!m.plural && m.gender != Gender::kUnknown) {
        auto it = std::upper_bound(sentence_starts_.begin(), sentence_starts_.end(), m.pos);
        size_t here = it - sentence_starts_.begin();
        size_t from = here >= 3 ? sentence_starts_[here - 3] : 0;
        from = std::min(from, m.pos > 600 ? m.pos - 600 : 0);
        bool recent = false;
        for (const Salient& c : salient_)
          if (c.pos >= from && c.pos < m.pos && c.name == s.name) recent = true;
        if (!recent) {
          auto lo = FirstNameFrom(from);
          for (auto n = lo; n != names_.end() && n->begin < m.pos; ++n) {
            // (after a preposition too: "For Maria Santos, 62, the sea has
            // always been home. "…," she says")
            if (n->possessive || n->parenthesised) continue;
            int full = ExpandToFullest(n->entity, n->begin);
            const Entity& e = entities_[full];
            if (e.kind != "person" || e.tokens.size() < 2) continue;
            if (e.gender != m.gender) continue;  // known to match: this is a weaker guess
            s.name = e.name;  // the latest one wins
            s.kind = e.kind;
            s.entity = full;
            s.confidence = 0.5;
          }
        }
      }
      // A description of a person opening this sentence or one of the two
      // before, of the pronoun's gender ("La Première ministre a défendu …
      // « … », a-t-elle déclaré"), when nobody was taken or nearer than the
      // one taken (« Me Julie Martin a dénoncé … La procureure a maintenu ses
      // réquisitions. Elle a rappelé … »): whom the description designates,
      // else the description itself.
      if (!m.plural && m.gender != Gender::kUnknown) {
        size_t at = 0;
        Speaker d = DescriptionSubject(m.pos, m.gender, false, &at);
        if (!d.name.empty() && (s.name.empty() || at > taken_at)) {
          Mention dm;
          dm.type = Mention::kDescription;
          dm.text = d.name;
          dm.pos = m.pos;  // (its name may come after it: « Le ministre de l'Intérieur, Gérald Darmanin, »)
          dm.gender = m.gender;
          Speaker r = Resolve(dm);
          s = r.entity >= 0 ? r : d;
          taken_at = at;
        }
      }
      // … or of an organisation ("The ministry issued a statement. "…," it
      // read", « Le ministère a publié un communiqué. « … », a-t-il indiqué »:
      // "it" any, « il » and « elle » by the article's gender)
      // (nearer than any candidate taken above)
      if (!m.plural) {
        size_t at = 0;
        Speaker d = DescriptionSubject(m.pos, m.gender, false, &at, true);
        if (!d.name.empty() && (s.name.empty() || at > taken_at)) s = d;
      }
      // "They": persons in the plural opening a sentence nearer than any group noted
      if (m.plural) {
        size_t at = 0;
        Speaker d = DescriptionSubject(m.pos, Gender::kUnknown, true, &at);
        if (!d.name.empty() && (s.name.empty() || at > taken_at)) s = d;
      }
      return s;  // empty when unresolved: no guess
    }
    case Mention::kDescription: {
      // "Les deux pays": the two countries the article is about
      // "the two leaders", « les deux hommes »: the pair last named as a subject
      // ("Emmanuel Macron and Olaf Scholz met …")
      if (words_.HasWord(Lex::PERSON_PAIR, Fold(TrimSpaces(m.text)))) {
        for (size_t i = salient_.size(); i-- > 0;) {
          const Salient& c = salient_[i];
          if (c.pos >= m.pos) continue;
          if (m.pos - c.pos > 3000) break;
          if (c.entity >= 0 || c.kind != "group" || c.name.find("; ") == std::string::npos) continue;
          s.name = c.name;
          s.kind = c.kind;
          s.confidence = 0.6;
          return s;
        }
      }
      if (words_.HasWord(Lex::COUNTRY_PAIR, Fold(TrimSpaces(m.text))))
        if (Speaker pair = CountryPair(m.pos); !pair.name.empty()) return pair;
      std::vector<std::string> words;
      // the content words of its complement: « le ministre de l'Intérieur »
      std::vector<std::string> complement;
      auto dt = Tokenize(m.text);
      bool head_upper = false;
      bool possessor = false;  // "the mayor's office": someone's, not any office
      size_t head_end = dt.size();  // where the complement starts
      for (size_t i = 0; i < dt.size(); ++i) {
        std::string f = Fold(dt[i].text);
        // (an article after the head opens its complement: « du Sénat »)
        const bool det = words_.HasWord(Lex::DETERMINER, f);
        if (det && words.empty()) continue;
        if (det || words_.HasWord(Lex::PREPOSITION, f) || words_.HasWord(Lex::STOPWORD, f)) {
          for (size_t j = i + 1; j < dt.size(); ++j) {
            const LexMask cm = words_.ClassesOfWord(dt[j].text);
            if (dt[j].text.size() >= 3 &&
                !(cm & (Bit(Lex::DETERMINER) | Bit(Lex::PREPOSITION) | Bit(Lex::STOPWORD))))
              complement.push_back(Fold(dt[j].text));
          }
          head_end = i;
          break;
        }
        // "the president's spokesman": the possessor qualifies the head noun,
        // whose words alone describe the speaker
        bool possessive = false;
        StripPossessive(dt[i].text, &possessive);
        if (possessive && i + 1 < dt.size()) {
          words.clear();
          possessor = true;
          continue;
        }
        if (words.empty())  // capitalised other than as the sentence's first word
          head_upper = dt[i].upper && (i > 0 || !std::binary_search(sentence_starts_.begin(), sentence_starts_.end(),
                                                                    m.pos + dt[i].begin));
        if (f.size() >= 3) words.push_back(f);
        // "le Président-candidat": the parts of a compound title match too
        if (size_t dash = f.find('-'); dash != std::string::npos && words_.HasWord(Lex::TITLE, f.substr(0, dash)))
          words.push_back(f.substr(0, dash));
        // « l'ex-ministre », "the ex-president": the title itself
        if (f.size() > 5 && f.starts_with("ex-")) words.push_back(f.substr(3));
      }
      int best = -1;
      size_t best_pos = 0;
      if (head_upper && dt.size() >= 4) words.clear();  // "L'Association des ...": a proper name
      if (m.plural) words.clear();  // "Ukrainian officials" are none of the persons named
      // "An Apple spokesperson": an indefinite description brings in someone
      // new, not one of the names before
      if (!dt.empty() && words_.IsWord(Lex::INDEFINITE, dt[0].text)) words.clear();
      // « Le Maire juge … » after « Bruno Le Maire »; "the 67-year-old"
      if (Speaker p = PersonEndingWith(dt); !p.name.empty()) return p;
      if (!m.plural)
        if (Speaker p = PersonOfAge(dt, m.pos); !p.name.empty()) return p;
      // "the German", « l'Espagnol » as a description: see NationalBefore
      if (!m.plural && dt.size() == 2 && dt[1].upper && words_.IsWord(Lex::DETERMINER, dt[0].text) &&
          !words_.IsWord(Lex::INDEFINITE, dt[0].text) && Demonym(Fold(dt[1].text)))
        if (Speaker n = NationalBefore(m.pos, Fold(dt[1].text)); !n.name.empty()) return n;
      // What is left: no one named before. An indefinite description is no
      // one at all; any other is the description itself.
      auto as_written = [&]() -> Speaker {
        // "one mother, who gave only her first name, Esther": the name its
        // relative clause gives
        if (Speaker n = NamedInRelative(m.pos + m.text.size()); !n.name.empty()) return n;
        // An indefinite description ("un porte-parole", "One of the victims",
        // "A source within the ministry") does not name anyone: unknown.
        size_t i0 = 0;
        while (i0 < dt.size() && TrimSpaces(dt[i0].text).empty()) ++i0;
        if (i0 < dt.size()) {
          std::string f0 = Fold(dt[i0].text);
          std::string f01 = i0 + 1 < dt.size() ? f0 + " " + Fold(dt[i0 + 1].text) : f0;
          bool anonymous = std::any_of(words.begin(), words.end(),
                                       [&](const std::string& w) { return words_.HasWord(Lex::ANONYMOUS, w); });
          if (words_.HasWord(Lex::INDEFINITE, f0) || words_.HasWord(Lex::INDEFINITE, f01) || anonymous) {
            s.kind = "group";
            s.confidence = 0.2;
            return s;
          }
        }
        // Unresolved: the description itself. A capitalised head is a proper
        // name written with its article ("L'Association des leaders ..."), and so
        // is an institution followed by its proper complement ("le ministère de
        // l'Intérieur"): the article is dropped from both.
        s.name = m.text;
        size_t i = 0;
        while (i < dt.size() && words_.IsWord(Lex::DETERMINER, dt[i].text)) ++i;
        bool institution = false;
        if (i < dt.size() && words_.IsWord(Lex::ORG_WORD, dt[i].text))
          for (size_t j = i + 1; j < dt.size(); ++j) institution |= dt[j].upper;
        if ((head_upper || institution) && i > 0 && i < dt.size()) s.name = m.text.substr(dt[i].begin);
        bool person_head = std::any_of(words.begin(), words.end(), [&](const std::string& w) {
          return words_.HasWord(Lex::TITLE, w) || words_.HasWord(Lex::PERSON_NOUN, w);
        });
        // "the Kremlin spokesman": a capitalised modifier, a person for a head
        bool person_last = !dt.empty() && (words_.IsWord(Lex::TITLE, dt.back().text) ||
                                           words_.IsWord(Lex::PERSON_NOUN, dt.back().text));
        s.kind = m.plural ? "group"
                 : institution || (head_upper && !person_last) ? "organisation" : person_head ? "person" : "group";
        // A capitalised word alone, in no word list and not a plural ("Macron a
        // déclaré", "Biden said" with no fuller name anywhere) is a surname: a
        // person, whom "il" / "he" may take up later.
        if (!m.plural && dt.size() == 1 && dt[0].upper && !AllCaps(dt[0].text) &&
            words_.ClassesOfWord(dt[0].text) == 0 && !Fold(dt[0].text).ends_with('s'))
          s.kind = HyphenatedOrganisation(dt[0].text) ? "organisation" : "person";
        s.confidence = 0.5;
        return s;
      };
      if (m.anonymous) return as_written();
      // "le chef de l'État" is the president: a description that is another
      // name for a title (DESC_SYNONYM lines "description|title|title...")
      // designates whom every word of one of those titles describes.
      std::vector<std::vector<std::string>> titles;
      if (!words.empty()) {
        size_t i0 = 0;
        while (i0 < dt.size() && words_.IsWord(Lex::DETERMINER, dt[i0].text)) ++i0;
        const std::string whole = i0 < dt.size() ? Fold(std::string_view(m.text).substr(dt[i0].begin)) : "";
        for (const auto& forms : words_.Alternatives(Lex::DESC_SYNONYM)) {
          const std::string& lhs = forms[0];
          if (whole != lhs && !(whole.size() > lhs.size() && whole.compare(0, lhs.size(), lhs) == 0 &&
                                whole[lhs.size()] == ' '))
            continue;
          for (size_t k = 1; k < forms.size(); ++k)
            if (auto title = ContentWords(forms[k]); !title.empty()) titles.push_back(std::move(title));
          break;
        }
      }
      // « le Premier ministre » is not « la ministre du Travail Catherine
      // Vautrin », "the deputy mayor" not the mayor, « l'avocat général » not
      // any lawyer: a word of the description that makes the title another
      // office (RANK_WORD) must describe the entity too (its description or name)
      auto another_office = [&](const Entity& e) {
        return std::any_of(words.begin(), words.end(), [&](const std::string& w) {
          return words_.HasWord(Lex::RANK_WORD, w) && std::find(e.desc.begin(), e.desc.end(), w) == e.desc.end() &&
                 std::find(e.tokens.begin(), e.tokens.end(), w) == e.tokens.end();
        });
      };
      auto subject_at = [&](size_t pos) {
        return std::any_of(salient_.begin(), salient_.end(), [&](const Salient& c) { return c.pos == pos && c.subject; });
      };
      int org_subject = -1;
      size_t org_subject_pos = 0;
      auto lo = FirstNameFrom(m.pos > 20000 ? m.pos - 20000 : 0);
      for (auto it = lo; it != names_.end(); ++it) {
        const NameSpan& n = *it;
        if (n.begin >= m.pos) break;
        const Entity& e = entities_[n.entity];
        auto describes = [&](const std::string& w) {
          return std::find(e.desc.begin(), e.desc.end(), w) != e.desc.end() ||
                 std::find(e.tokens.begin(), e.tokens.end(), w) != e.tokens.end();
        };
        bool hit = std::any_of(words.begin(), words.end(), describes);
        // « le ministre de l'Intérieur » is not « le Premier ministre Michel
        // Barnier »: with a complement, the words that describe someone else
        // (a qualifier the description lacks) rule them out, unless a word of
        // the complement describes them too
        if (hit && !complement.empty() && !std::any_of(complement.begin(), complement.end(), describes) &&
            !std::all_of(e.desc.begin(), e.desc.end(), [&](const std::string& d) {
              return std::find(words.begin(), words.end(), d) != words.end();
            }))
          hit = false;
        if (hit && another_office(e)) hit = false;
        for (const auto& title : titles)
          if (std::all_of(title.begin(), title.end(), describes)) hit = true;
        if (hit && n.begin >= best_pos) { best = n.entity; best_pos = n.begin; }
        if (hit && e.kind == "organisation" && subject_at(n.begin)) { org_subject = n.entity; org_subject_pos = n.begin; }
      }
      // "The European Central Bank kept rates … analysts at Deutsche Bank …
      // the bank said": of the organisations the description fits, the
      // latest in subject position before one named since in another role
      if (best >= 0 && org_subject >= 0 && org_subject != best && entities_[best].kind == "organisation" &&
          !subject_at(best_pos)) {
        best = org_subject;
        best_pos = org_subject_pos;
      }
      if (best >= 0) {
        int full = ExpandToFullest(best, best_pos);
        s.name = entities_[full].name;
        s.kind = entities_[full].kind;
        s.entity = full;
        s.confidence = 0.75;
        return s;
      }
      // "Le groupe", "la société": an organisation noun alone stands for the
      // organisation the text is about, the latest one in subject position.
      // a capitalised word other than a title ("le Président-candidat") makes it a proper name
      auto title_word = [&](std::string_view t) {
        std::string f = Fold(t);
        size_t dash = f.find('-');
        return words_.HasWord(Lex::TITLE, f) || (dash != std::string::npos && words_.HasWord(Lex::TITLE, f.substr(0, dash)));
      };
      // (in the head: « l'organisation militant pour les droits de l'Homme »
      // is no proper name)
      bool proper = std::any_of(dt.begin(), dt.begin() + static_cast<long>(head_end),
                                [&](const Token& t) { return t.upper && &t != &dt[0] && !title_word(t.text); });
      // « le gouvernement malien », "the Russian ministry": a country's
      // institution, not the organisation the text is about
      const bool of_country = std::any_of(words.begin() + (words.empty() ? 0 : 1), words.end(),
                                          [&](const std::string& w) { return words_.HasWord(Lex::COUNTRY, w); });
      if (!words.empty() && !proper && !possessor && !of_country && words_.HasWord(Lex::ORG_WORD, words[0])) {
        // "the ministry" after "the Health Ministry said": an organisation whose
        // name holds the noun comes first, before any later one
        for (size_t i = salient_.size(); i-- > 0;) {
          const Salient& c = salient_[i];
          if (c.pos >= m.pos) continue;
          if (m.pos - c.pos > 5000) break;
          if (c.entity < 0 || c.kind != "organisation") continue;
          const auto& et = entities_[c.entity].tokens;
          if (std::find(et.begin(), et.end(), words[0]) == et.end()) continue;
          s.name = c.name;
          s.kind = c.kind;
          s.entity = c.entity;
          s.confidence = 0.65;
          return s;
        }
        for (size_t i = salient_.size(); i-- > 0;) {
          const Salient& c = salient_[i];
          if (c.pos >= m.pos) continue;
          if (m.pos - c.pos > 5000) break;
          if (c.entity < 0) continue;
          // an organisation, or the subject of this very sentence when its name
          // is not a person's ("Europe Écologie Les Verts faisait part ... ; le
          // parti écologiste pense")
          auto sit = std::upper_bound(sentence_starts_.begin(), sentence_starts_.end(), m.pos);
          size_t sb = sit == sentence_starts_.begin() ? 0 : *(sit - 1);
          bool same = c.subject && c.pos >= sb && entities_[c.entity].gender == Gender::kUnknown &&
                      c.kind != "place";
          // "Boeing said ... the company said": a subject that may be one
          const bool maybe_org = c.subject && MaybeOrganisation(c.entity, c.pos);
          if (c.kind != "organisation" && !same && !maybe_org) continue;
          // a news agency or outlet is "le quotidien", "the agency", not "the company"
          if (relays_.Find(c.name) && !words_.HasWord(Lex::MEDIA_WORD, words[0])) continue;
          s.name = c.name;
          s.kind = maybe_org && !same ? "organisation" : c.kind;
          s.entity = c.entity;
          s.confidence = 0.6;
          return s;
        }
        // with no subject to take up, an organisation named in this sentence
        // or the one before of its paragraph, in another role but not after a
        // preposition (« Jean-Pierre Duval, délégué CGT à Cholet. Selon le
        // syndicat, … »)
        if (dt.size() <= 2) {
          auto sit = std::upper_bound(sentence_starts_.begin(), sentence_starts_.end(), m.pos);
          const size_t here = static_cast<size_t>(sit - sentence_starts_.begin());
          const size_t from = here >= 2 ? sentence_starts_[here - 2] : 0;
          auto hi = FirstNameFrom(m.pos);
          for (auto n = hi; n != names_.begin() && n[-1].begin >= from;) {
            --n;
            const int full = ExpandToFullest(n->entity, n->begin);
            const Entity& e = entities_[full];
            if (text_.substr(n->begin, m.pos - n->begin).find('\n') != std::string_view::npos) break;
            if (e.kind != "organisation" || relays_.Find(e.name) || n->possessive || n->after_preposition) continue;
            s.name = e.name;
            s.kind = e.kind;
            s.entity = full;
            s.confidence = 0.55;
            return s;
          }
        }
      }
      // "l'expert", "the judge", "le Président-candidat": a short definite
      // description of a person refers to the person last in subject position
      // (or speaking) nearby, of a compatible gender; so does one DESC_SYNONYM
      // makes another name for a title (« la comédienne », « le patron »).
      // (or longer, with lower-case modifiers only: « le technicien espagnol »,
      // "the former tennis champion"; no complement: "the minister for
      // health", "the charity's chief executive" may be anyone)
      const bool lower_complement =
          dt.size() > 2 && dt.size() <= 5 && std::none_of(dt.begin() + 1, dt.end(), [&](const Token& t) {
            bool poss = false;
            StripPossessive(t.text, &poss);
            return t.upper || poss || (words_.ClassesOfWord(t.text) & (Bit(Lex::PREPOSITION) | Bit(Lex::DETERMINER)));
          });
      // (a French indefinite article too, which INDEFINITE leaves out so that
      // « un ancien guide touristique » is kept as written: « un
      // manifestant » is someone new, not the person named before)
      const std::string d0 = dt.empty() ? "" : Fold(dt[0].text);
      if (!words.empty() && !proper && (dt.size() == 2 || lower_complement) &&
          words_.IsWord(Lex::DETERMINER, dt[0].text) && !words_.IsWord(Lex::INDEFINITE, dt[0].text) &&
          !(words_.lang() == "fr" && (d0 == "un" || d0 == "une")) &&
          (!titles.empty() || std::any_of(words.begin(), words.end(), [&](const std::string& w) {
            return words_.HasWord(Lex::TITLE, w) || words_.HasWord(Lex::PERSON_NOUN, w);
          }))) {
        Gender g = Gender::kUnknown;
        if (d0 == "la" || d0 == "une") g = Gender::kFemale;
        else if (d0 == "le" || d0 == "un") g = Gender::kMale;
        else g = GenderOfWords(dt[1].text);  // by the noun: « l'actrice », "the spokeswoman"
        // Whether the article gave a person another title or occupation
        // ("Health Secretary Wes Streeting" is not "the actor", « l'avocat Me
        // Jean Dupont » not « la ministre »), and whether it called them so.
        auto titled = [&](const Entity& e) {
          return std::any_of(e.desc.begin(), e.desc.end(), [&](const std::string& d) {
            return words_.HasWord(Lex::TITLE, d) || words_.HasWord(Lex::PERSON_NOUN, d);
          });
        };
        auto described = [&](const Entity& e) {
          return std::any_of(words.begin(), words.end(), [&](const std::string& w) {
            return std::find(e.desc.begin(), e.desc.end(), w) != e.desc.end();
          });
        };
        // "the spokesperson" speaks for someone: not the person last named
        // unless the article called them so
        const bool delegate = std::any_of(words.begin(), words.end(), [&](const std::string& w) {
          return words_.HasWord(Lex::DELEGATE, w);
        });
        for (size_t i = salient_.size(); i-- > 0;) {
          const Salient& c = salient_[i];
          if (c.pos >= m.pos) continue;
          if (m.pos - c.pos > 2000) break;
          if (c.kind != "person" || c.entity < 0) continue;
          if (g != Gender::kUnknown && c.gender != Gender::kUnknown && g != c.gender) continue;
          const Entity& e = entities_[c.entity];
          // (a one-word name of unknown sex is too weak for a gendered description)
          if (g != Gender::kUnknown && c.gender == Gender::kUnknown && e.tokens.size() < 2) continue;
          if ((titled(e) || delegate) && !described(e)) continue;
          if (another_office(e)) continue;
          s.name = c.name;
          s.kind = c.kind;
          s.entity = c.entity;
          s.confidence = 0.5;
          return s;
        }
        // no subject fits: a person of the description's sex named in this
        // sentence or the one before in another role, with no other title or
        // occupation (« le discours de Judith Godrèche … l'actrice a appelé »)
        if (g != Gender::kUnknown) {
          auto it = std::upper_bound(sentence_starts_.begin(), sentence_starts_.end(), m.pos);
          const size_t here = static_cast<size_t>(it - sentence_starts_.begin());
          const size_t from = here >= 2 ? sentence_starts_[here - 2] : 0;
          auto lo = FirstNameFrom(from);
          for (auto n = lo; n != names_.end() && n->begin < m.pos; ++n) {
            if (n->possessive || n->parenthesised) continue;
            const int full = ExpandToFullest(n->entity, n->begin);
            const Entity& e = entities_[full];
            if (e.kind != "person" || e.tokens.size() < 2 || e.gender != g) continue;
            if (titled(e) && !described(e)) continue;
            s.name = e.name;  // the latest one wins
            s.kind = e.kind;
            s.entity = full;
            s.confidence = 0.45;
          }
          if (!s.name.empty()) return s;
        }
      }
      // « Le ministre du Redressement productif a déclaré … « … ». Arnaud
      // Montebourg reconnaît … »: a definite description headed by a title,
      // which no one named before fits, is the person in subject position in
      // the next sentence of its paragraph, when the article gives them no
      // other title (a lead that names its speaker one sentence late).
      if (!m.plural && !words.empty() && !proper && !dt.empty() && words_.IsWord(Lex::DETERMINER, dt[0].text) &&
          !words_.IsWord(Lex::INDEFINITE, dt[0].text) && words_.HasWord(Lex::TITLE, words[0]) &&
          // (a spokesperson speaks for someone else: « La porte-parole … Marine Le Pen a répondu »)
          std::none_of(words.begin(), words.end(),
                       [&](const std::string& w) { return words_.HasWord(Lex::DELEGATE, w); })) {
        auto it = std::upper_bound(sentence_starts_.begin(), sentence_starts_.end(), m.pos);
        const size_t next = it == sentence_starts_.end() ? text_.size() : *it;
        const size_t after_next =
            it == sentence_starts_.end() || it + 1 == sentence_starts_.end() ? text_.size() : *(it + 1);
        const size_t para_end = std::min(text_.find('\n', m.pos), text_.size());
        for (const Salient& c : salient_) {
          if (c.pos < next || c.pos >= after_next || c.pos >= para_end) continue;
          if (!c.subject || c.kind != "person" || c.entity < 0 || c.unnamed) continue;
          const Entity& e = entities_[c.entity];
          const bool other_title = std::any_of(e.desc.begin(), e.desc.end(), [&](const std::string& d) {
            return (words_.HasWord(Lex::TITLE, d) || words_.HasWord(Lex::PERSON_NOUN, d)) &&
                   std::find(words.begin(), words.end(), d) == words.end();
          });
          if (other_title) break;
          s.name = c.name;
          s.kind = c.kind;
          s.entity = c.entity;
          s.confidence = 0.5;
          return s;
        }
      }
      // A headline's bare person noun ("Coach says team "wasn't good
      // enough"", « Ministre : « … » ») is the first person of the story
      // the article calls so, else its first person in subject position.
      if (const size_t line_end = text_.find('\n'); !m.plural && !words.empty() && !proper &&
          line_end != std::string_view::npos && m.pos < line_end && !dt.empty() &&
          !words_.IsWord(Lex::DETERMINER, dt[0].text) &&
          (words_.HasWord(Lex::TITLE, words[0]) || words_.HasWord(Lex::PERSON_NOUN, words[0]))) {
        for (auto n = FirstNameFrom(line_end); n != names_.end(); ++n) {
          const int full = ExpandToFullest(n->entity, n->begin);
          const Entity& e = entities_[full];
          if (e.kind != "person" || n->possessive) continue;
          if (std::find(e.desc.begin(), e.desc.end(), words[0]) == e.desc.end()) continue;
          s.name = e.name;
          s.kind = e.kind;
          s.entity = full;
          s.confidence = 0.5;
          return s;
        }
        for (const Salient& c : salient_) {
          if (c.pos < line_end || !c.subject || c.kind != "person" || c.entity < 0 || c.unnamed) continue;
          s.name = c.name;
          s.kind = c.kind;
          s.entity = c.entity;
          s.confidence = 0.4;
          return s;
        }
      }
      // A shorter form of a description that spoke before: "Le ministère"
      // after "le ministère de l'Intérieur" said something.
      if (!words.empty()) {
        for (size_t i = salient_.size(); i-- > 0;) {
          const Salient& c = salient_[i];
          if (c.pos >= m.pos || c.entity >= 0) continue;
          if (m.pos - c.pos > 20000) break;
          std::vector<std::string> cw = ContentWords(c.name);
          std::vector<std::string> mine = ContentWords(m.text);
          bool all = !mine.empty() && std::all_of(mine.begin(), mine.end(), [&](const std::string& w) {
            return std::find(cw.begin(), cw.end(), w) != cw.end();
          });
          // (« le ministre » is not « l'ancien Premier ministre »: RANK_WORD)
          const bool other_office = std::any_of(cw.begin(), cw.end(), [&](const std::string& w) {
            return words_.HasWord(Lex::RANK_WORD, w) && std::find(mine.begin(), mine.end(), w) == mine.end();
          });
          if (all && !other_office && cw.size() > mine.size()) {
            s.name = c.name;
            s.kind = c.kind;
            s.confidence = 0.6;
            return s;
          }
        }
      }
      return as_written();
    }
  }
  return s;
}

Speaker SpeakerResolver::CountryPair(size_t pos) const {
  Speaker s;
  // COUNTRY forms -> line, read once at load
  const PatternSet::CountryForms& cf = words_.Countries();
  const std::unordered_map<std::string, int>& form_of = cf.line_of;
  const std::vector<std::string>& names = cf.names;
  const size_t longest = cf.longest;
  if (names.size() < 2) return s;
  std::vector<int> count(names.size(), 0);
  std::vector<size_t> first(names.size(), std::string::npos);
  const std::vector<Token> toks = Tokenize(text_.substr(0, std::min(pos, text_.size())));
  std::vector<std::string> folded;
  folded.reserve(toks.size());
  for (const Token& t : toks) folded.push_back(Fold(t.text));
  for (size_t i = 0; i < toks.size();) {
    size_t step = 1;
    for (size_t n = std::min(longest, toks.size() - i); n >= 1; --n) {
      std::string key = folded[i];
      for (size_t j = 1; j < n; ++j) key.append(" ").append(folded[i + j]);
      auto it = form_of.find(key);
      if (it == form_of.end()) continue;
      ++count[it->second];
      first[it->second] = std::min(first[it->second], toks[i].begin);
      step = n;
      break;
    }
    i += step;
  }
  std::vector<int> order(names.size());
  for (size_t c = 0; c < order.size(); ++c) order[c] = static_cast<int>(c);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return count[a] != count[b] ? count[a] > count[b] : first[a] < first[b];
  });
  const int a = order[0], b = order[1];
  if (count[b] < 2 || (order.size() > 2 && count[order[2]] == count[b])) return s;
  const bool a_first = first[a] < first[b];
  s.name = names[a_first ? a : b] + "; " + names[a_first ? b : a];
  s.kind = "group";
  s.confidence = 0.6;
  return s;
}

bool SpeakerResolver::SingularDescription(std::string_view name) const {
  const std::vector<Token> toks = Tokenize(name);
  if (toks.size() < 2) return false;
  const std::string first = Fold(toks[0].text);
  // the article says it: « un », « une », « le », « la », "a", "an", "one"
  static constexpr std::string_view kSingular[] = {"un", "une", "le", "la", "l'", "a", "an", "one",
                                                   "this", "that", "his", "her", "its", "son", "sa",
                                                   "ce", "cet", "cette"};
  for (std::string_view a : kSingular)
    if (first == a) return true;
  // "the company", "the spokesman" (not "the officials"): the last word
  if (first == "the") {
    const std::string last = Fold(toks.back().text);
    return !last.ends_with('s');
  }
  return false;
}

Speaker SpeakerResolver::DescriptionSubject(size_t pos, Gender gender, bool plural, size_t* at,
                                            bool organisation) const {
  Speaker s;
  constexpr size_t kReach = 600;     // bytes back to the earliest sentence looked at
  constexpr size_t kPhrase = 120;    // bytes of a sentence's opening read
  constexpr size_t kComplement = 4;  // words of a complement after the head ("of the club")
  constexpr LexMask kVerb = Bit(Lex::AUX) | Bit(Lex::COPULA) | Bit(Lex::CUE_FIN) | Bit(Lex::CUE_FIN_AFTER) |
                            Bit(Lex::CUE_PAST) | Bit(Lex::CUE_PRES) | Bit(Lex::CUE_PP) | Bit(Lex::CLITIC) |
                            Bit(Lex::RELATIVE);
  // the head nouns looked for: of persons, or of organisations (and of
  // organisations in the plural too for a group: « Les syndicats … s'inquiètent.
  // « … », écrivent-ils »)
  const LexMask kPerson = organisation ? Bit(Lex::ORG_WORD)
                          : plural     ? Bit(Lex::TITLE) | Bit(Lex::PERSON_NOUN) | Bit(Lex::ORG_WORD)
                                       : Bit(Lex::TITLE) | Bit(Lex::PERSON_NOUN);
  auto it = std::upper_bound(sentence_starts_.begin(), sentence_starts_.end(), pos);
  int paragraphs = 0;  // paragraph breaks crossed
  for (int back = 0; back < 3 && it != sentence_starts_.begin(); ++back) {
    const size_t sb = *--it;
    if (sb + kReach < pos) break;
    const std::string_view sentence = text_.substr(sb, pos - sb);
    if (back > 0) {
      // a quotation before this one has its own speaker; no further than the paragraph before
      const std::string_view upto = sentence.substr(0, std::min(sentence.size(), static_cast<size_t>(*std::next(it) - sb)));
      for (std::string_view mark : {"\xC2\xAB", "\xE2\x80\x9C", "\""})
        if (upto.find(mark) != std::string_view::npos) return s;
      if (upto.find('\n') != std::string_view::npos && ++paragraphs > 1) return s;
    }
    std::string_view head = sentence.substr(0, kPhrase);
    // after a dateline: "PARIS (AFP) — La Première ministre …"
    head = head.substr(DatelineLength(head, relays_));
    std::vector<Token> toks = Tokenize(head);
    // after an opening adverbial of at most five words, none a person's or an
    // organisation's: « De son côté, la procureure … », "Meanwhile, the
    // prosecutor …", « À Kiev, le président … »
    if (!toks.empty()) {
      const size_t comma = head.find(',');
      size_t words_before = 0;
      bool plain = comma != std::string_view::npos && comma <= 40;
      for (const Token& t : toks) {
        if (!plain || t.begin >= comma) break;
        ++words_before;
        constexpr LexMask kSomeone = Bit(Lex::ORG_WORD) | Bit(Lex::TITLE) | Bit(Lex::PERSON_NOUN);
        const std::string f = Fold(t.text);
        const bool plural_form = f.size() > 3 && (f.ends_with('s') || f.ends_with('x'));
        if ((words_.Classes(f) & kSomeone) || (plural_form && (words_.Classes(f.substr(0, f.size() - 1)) & kSomeone)))
          plain = false;
      }
      for (std::string_view mark : {"\xC2\xAB", "\xE2\x80\x9C", "\""})
        if (plain && head.substr(0, comma).find(mark) != std::string_view::npos) plain = false;
      if (plain && words_before >= 1 && words_before <= 5) {
        head = head.substr(comma + 1);
        head = head.substr(static_cast<size_t>(TrimSpaces(head).data() - head.data()));
        toks = Tokenize(head);
      }
    }
    // (a sentence inside a quotation is the speaker's, not the writer's)
    const size_t head_at = static_cast<size_t>(head.data() - text_.data());
    if (!toks.empty() && InsideQuote(quotes_, head_at + toks[0].begin)) continue;
    // (persons in the plural may come with no article: "Republican senators")
    if (toks.size() < 2 || (!plural && !words_.IsWord(Lex::DETERMINER, toks[0].text))) continue;
    // a person noun or title, in the plural when a group is looked for
    // (« députés », "senators")
    auto person = [&](const Token& t, LexMask c) {
      if (!plural) return (c & kPerson) != 0;
      const std::string f = Fold(t.text);
      if (f.size() < 4 || (!f.ends_with('s') && !f.ends_with('x'))) return false;
      return (words_.Classes(f.substr(0, f.size() - 1)) & kPerson) != 0;
    };
    // the determiner, modifiers and a person noun or title, then at most a
    // complement brought in by a connector ("de l'Économie", "of the club")
    Gender g = Gender::kUnknown;
    size_t last_person = 0;
    bool named = false;
    size_t n = 0;
    for (; n < toks.size(); ++n) {
      if (n > 0 && !TrimSpaces(head.substr(toks[n - 1].end, toks[n].begin - toks[n - 1].end)).empty())
        break;  // punctuation ends the subject
      const LexMask c = words_.ClassesOfWord(toks[n].text);
      if (n > 0 && (c & kVerb)) break;
      if (g == Gender::kUnknown && (c & Bit(Lex::FEMALE))) g = Gender::kFemale;
      if (g == Gender::kUnknown && (c & Bit(Lex::MALE))) g = Gender::kMale;
      if (person(toks[n], c)) { last_person = n; continue; }
      if (plural && n >= 3 && last_person == 0) break;  // no article: the head comes at once
      if (last_person == 0) { named |= n > 0 && toks[n].upper && words_.IsWord(Lex::DETERMINER, toks[0].text); continue; }
      break;  // the word after the head
    }
    if (last_person == 0 && !(plural && n > 0 && person(toks[0], words_.ClassesOfWord(toks[0].text)))) continue;
    // a name right after the head ("le président Macron"), or the head opening
    // a name (« le Conseil constitutionnel »): the salient subjects had their chance
    const size_t head_pos = head_at + toks[last_person].begin;
    const auto name_at = FirstNameFrom(head_pos);
    if (named || (name_at != names_.end() && name_at->begin == head_pos) ||
        (last_person + 1 < toks.size() && toks[last_person + 1].upper &&
         !(words_.ClassesOfWord(toks[last_person + 1].text) & kPerson)))
      continue;
    // the nearest description is someone else, or may be: only a known,
    // agreeing gender (« la Première ministre » … « elle ») is taken
    if (!plural && g != gender) return s;
    size_t end = toks[last_person].end;
    if (last_person + 1 < toks.size() &&
        (words_.ClassesOfWord(toks[last_person + 1].text) & (Bit(Lex::NAME_CONNECTOR) | Bit(Lex::PREPOSITION)))) {
      for (size_t j = last_person + 1; j < toks.size() && j <= last_person + kComplement; ++j) {
        if (!TrimSpaces(head.substr(toks[j - 1].end, toks[j].begin - toks[j - 1].end)).empty()) break;
        const LexMask cj = words_.ClassesOfWord(toks[j].text);
        // (a clitic that is no article opens the verb: « s'inquiètent »)
        if ((cj & (kVerb & ~Bit(Lex::CLITIC))) || ((cj & Bit(Lex::CLITIC)) && !(cj & Bit(Lex::DETERMINER)))) break;
        end = toks[j].end;
      }
    }
    s.name = std::string(head.substr(0, end));
    if (at) *at = head_at;
    // an institution with its proper complement is a name: « le ministère des
    // Affaires étrangères » -> « ministère des Affaires étrangères »
    if (organisation && words_.IsWord(Lex::DETERMINER, toks[0].text) &&
        std::any_of(toks.begin() + static_cast<long>(last_person) + 1, toks.end(),
                    [&](const Token& t) { return t.upper && t.end <= end; }))
      s.name = std::string(head.substr(toks[1].begin, end - toks[1].begin));
    s.kind = organisation ? "organisation" : plural ? "group" : "person";
    s.confidence = 0.45;
    return s;
  }
  return s;
}

Speaker SpeakerResolver::SubjectBefore(size_t sentence_begin, size_t pos) const {
  Speaker s;
  auto it = std::lower_bound(salient_.begin(), salient_.end(), sentence_begin,
                             [](const Salient& v, size_t p) { return v.pos < p; });
  for (; it != salient_.end() && it->pos < pos; ++it) {
    if (!it->subject || it->entity < 0) continue;
    // only a subject that opens its clause: "Dans l'après-midi, Marc Guillemot
    // a dû ..." but not "Some of the protesters Wikinews interviewed said"
    std::string_view lead = text_.substr(sentence_begin, it->pos - sentence_begin);
    for (std::string_view sep : {",", " - ", " \u2014 ", " \u2013 "})  // adverbials, datelines
      if (size_t c = lead.rfind(sep); c != std::string_view::npos) lead = lead.substr(c + sep.size());
    // (capitalised words, articles, titles; and the nouns and adjectives of a
    // description after an article: "La climatologue Valérie Masson-Delmotte")
    bool opens = true;
    auto lt = Tokenize(lead);
    const bool article = !lt.empty() && words_.IsWord(Lex::DETERMINER, lt[0].text);
    constexpr LexMask kNotModifier = Bit(Lex::PREPOSITION) | Bit(Lex::STOPWORD) | Bit(Lex::AUX) | Bit(Lex::COPULA) |
                                     Bit(Lex::CUE_FIN) | Bit(Lex::CUE_PP) | Bit(Lex::CUE_PAST) | Bit(Lex::CUE_PRES) |
                                     Bit(Lex::RELATIVE) | Bit(Lex::CLITIC) | Bit(Lex::ADVERB);
    for (const auto& t : lt) {
      std::string f = Fold(t.text);
      if (t.upper || words_.HasWord(Lex::DETERMINER, f) || words_.HasWord(Lex::TITLE, f)) continue;
      if (article && lt.size() <= 5 && !(words_.Classes(f) & kNotModifier)) continue;
      opens = false;
    }
    if (!opens) break;
    s.name = it->name;
    s.kind = it->kind;
    s.entity = it->entity;
    s.confidence = 0.5;
    break;
  }
  return s;
}

Gender SpeakerResolver::GenderOfWords(std::string_view phrase) const {
  for (const Token& t : Tokenize(phrase)) {
    const LexMask c = words_.ClassesOfWord(t.text);
    if (c & Bit(Lex::FEMALE)) return Gender::kFemale;
    if (c & Bit(Lex::MALE)) return Gender::kMale;
  }
  return Gender::kUnknown;
}

void SpeakerResolver::NoteSpeaker(const Speaker& s, size_t pos) {
  if (s.name.empty()) return;
  Gender g = Gender::kUnknown;
  if (s.entity >= 0) g = entities_[s.entity].gender;
  else if (s.kind == "person") g = GenderOfWords(s.name);
  Salient x{pos, s.entity, s.name, s.kind, g};
  auto it = std::upper_bound(salient_.begin(), salient_.end(), pos,
                             [](size_t p, const Salient& v) { return p < v.pos; });
  salient_.insert(it, x);
}

void SpeakerResolver::NoteUnnamed(const Mention& m, size_t pos) {
  if (m.type != Mention::kDescription) return;
  Salient x{pos, -1, "", m.plural ? "group" : "person", GenderOfWords(m.text)};
  x.unnamed = true;
  auto it = std::upper_bound(salient_.begin(), salient_.end(), pos,
                             [](size_t p, const Salient& v) { return p < v.pos; });
  salient_.insert(it, x);
}

}  // namespace quotetrail
