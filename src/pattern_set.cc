#include "pattern_set.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "text.h"

namespace quotetrail {

namespace fs = std::filesystem;

namespace {

Result<std::vector<std::string>> ReadLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::string Strip(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// A lexicon form as a regex: quoted, spaces as \s+, apostrophes as any apostrophe.
std::string FormRegex(const std::string& form) {
  std::string out;
  std::string word;
  auto flush = [&] { if (!word.empty()) { out += RE2::QuoteMeta(word); word.clear(); } };
  for (size_t i = 0; i < form.size();) {
    if (form[i] == ' ') { flush(); out += "\\s+"; while (i < form.size() && form[i] == ' ') ++i; continue; }
    if (form[i] == '\'') { flush(); out += "['’]"; ++i; continue; }
    if (form.compare(i, 3, "’") == 0) { flush(); out += "['’]"; i += 3; continue; }
    word += form[i++];
  }
  flush();
  return out;
}

std::string Utf8(char32_t c) {
  std::string s;
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (c >> 18));
    s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
  return s;
}

// A lexicon as one regex shaped like a trie of its forms: forms that share a
// beginning share its states, so the program stays small (RE2's own
// factoring of an alternation stops at the first non-ASCII letter or \s+)
// and its NFA, which finds the groups, follows a handful of threads where a
// flat alternation of 800 forms starts 800. A form is a sequence of steps:
// a code point, a run of spaces (\s+) or an apostrophe (['’]). Steps are
// merged when the regex cannot tell them apart: code points by their case
// folding (`fold` maps each code point to its class), which is exact only
// for a case-insensitive regex; *case_merged says whether any two forms
// differed only in case somewhere (then the trie is for case-insensitive use
// only). The children of a node match disjoint characters, so the only
// choice at a node is to stop or to go on; going on is tried first: the
// longest form at a position is tried first, as the flat alternation, whose
// forms are ordered longest first, does.
class LexiconTrie {
 public:
  explicit LexiconTrie(const std::map<char32_t, char32_t>* fold) : fold_(fold) { nodes_.emplace_back(); }

  void Add(const std::string& form) {
    int node = 0;
    for (size_t i = 0; i < form.size();) {
      uint64_t key;
      char32_t cp = 0;
      if (form[i] == ' ') {
        while (i < form.size() && form[i] == ' ') ++i;
        key = kSpace;
      } else {
        cp = NextCodePoint(form, i);
        if (cp == '\'' || cp == 0x2019) {
          key = kApostrophe;
        } else {
          auto it = fold_->find(cp);
          key = it == fold_->end() ? cp : it->second;
        }
      }
      int child = -1;
      for (const auto& [k, c] : nodes_[node].children)
        if (k == key) { child = c; break; }
      if (child < 0) {
        child = static_cast<int>(nodes_.size());
        Node n;
        n.step = key == kSpace ? "\\s+" : key == kApostrophe ? "['’]" : RE2::QuoteMeta(Utf8(cp));
        n.cp = cp;
        nodes_.push_back(std::move(n));
        nodes_[node].children.emplace_back(key, child);
      } else if (key != kSpace && key != kApostrophe && nodes_[child].cp != cp) {
        case_merged_ = true;
      }
      node = child;
    }
    nodes_[node].terminal = true;
  }

  std::string Regex() const { return "(?:" + Emit(0) + ")"; }
  bool case_merged() const { return case_merged_; }

 private:
  static constexpr uint64_t kSpace = uint64_t{1} << 32;
  static constexpr uint64_t kApostrophe = (uint64_t{1} << 32) + 1;
  struct Node {
    std::string step;  // the regex of the step into this node
    char32_t cp = 0;   // the code point it was first spelled with
    bool terminal = false;
    std::vector<std::pair<uint64_t, int>> children;
  };

  // The regex of what may follow node n (recursion depth: the longest form).
  std::string Emit(int n) const {
    const Node& node = nodes_[n];
    if (node.children.empty()) return "";
    std::string alt;
    for (size_t i = 0; i < node.children.size(); ++i) {
      if (i) alt += '|';
      int c = node.children[i].second;
      alt += nodes_[c].step;
      alt += Emit(c);
    }
    if (node.terminal) return "(?:" + alt + ")?";  // greedy: going on is tried first
    if (node.children.size() == 1) return alt;
    return "(?:" + alt + ")";
  }

  const std::map<char32_t, char32_t>* fold_;
  std::vector<Node> nodes_;
  bool case_merged_ = false;
};

// The case-folding classes RE2 uses, for the code points of `lexicons`: each
// code point maps to the smallest code point it matches case-insensitively.
std::map<char32_t, char32_t> FoldClasses(const std::map<std::string, std::vector<std::string>>& lexicons) {
  std::set<char32_t> cps;
  for (const auto& [_, forms] : lexicons)
    for (const auto& f : forms)
      for (size_t i = 0; i < f.size();) cps.insert(NextCodePoint(f, i));
  // every code point once, each on its own line
  std::string all;
  std::map<size_t, char32_t> at;  // byte offset in `all` -> code point starting there
  for (char32_t c : cps) {
    at[all.size()] = c;
    all += Utf8(c);
    all += '\n';
  }
  std::map<char32_t, char32_t> out;
  RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  for (char32_t c : cps) {
    if (c == '\n') continue;
    RE2 re(RE2::QuoteMeta(Utf8(c)), o);
    char32_t least = c;
    re2::StringPiece m;
    size_t from = 0;
    while (re.ok() && re.Match(all, from, all.size(), RE2::UNANCHORED, &m, 1)) {
      size_t b = static_cast<size_t>(m.data() - all.data());
      if (auto it = at.find(b); it != at.end() && it->second < least) least = it->second;
      from = b + std::max<size_t>(m.size(), 1);
    }
    if (least != c) out[c] = least;
  }
  return out;
}

// What MatchRule's splits need to know of a regex's top level (outside
// every group): whether it has an alternative (|) or a flag setting for the
// rest of the regex ("(?i)"), either of which would make a part compiled
// alone mean something else; and where its last capture group (by opening
// position) ends when that group stands at the top level with no quantifier
// after it (npos otherwise).
struct RegexShape {
  bool top_alternation = false;
  bool top_flags = false;
  size_t after_last_group = std::string::npos;
};

RegexShape ShapeOf(const std::string& re) {
  RegexShape out;
  struct Open { bool capture; bool top; };
  std::vector<Open> stack;
  bool last_capture_top = false;   // the last capture group opened at the top level
  size_t last_capture_depth = 0;   // stack size when it opened
  bool last_capture_open = false;  // it is not closed yet
  size_t last_close = std::string::npos;
  for (size_t i = 0; i < re.size();) {
    char c = re[i];
    if (c == '\\') { i += 2; continue; }
    if (c == '[') {  // a class: skip to its end
      ++i;
      if (i < re.size() && re[i] == '^') ++i;
      if (i < re.size() && re[i] == ']') ++i;
      while (i < re.size() && re[i] != ']') {
        if (re[i] == '\\') { i += 2; continue; }
        if (re[i] == '[' && i + 1 < re.size() && re[i + 1] == ':') {
          size_t e = re.find(":]", i + 2);
          i = e == std::string::npos ? re.size() : e + 2;
          continue;
        }
        ++i;
      }
      ++i;
      continue;
    }
    if (c == '(') {
      bool capture = !(i + 1 < re.size() && re[i + 1] == '?') ||
                     re.compare(i, 4, "(?P<") == 0;
      if (!capture && stack.empty()) {
        // "(?flags)" at the top level sets them for the rest of the regex
        size_t j = i + 2;
        while (j < re.size() && (std::isalpha(static_cast<unsigned char>(re[j])) || re[j] == '-')) ++j;
        if (j < re.size() && re[j] == ')') out.top_flags = true;
      }
      if (capture) {
        last_capture_top = stack.empty();
        last_capture_depth = stack.size();
        last_capture_open = true;
        last_close = std::string::npos;
      }
      stack.push_back({capture, stack.empty()});
      ++i;
      continue;
    }
    if (c == ')') {
      if (stack.empty()) return RegexShape{true, true, std::string::npos};  // unbalanced: no split
      stack.pop_back();
      if (last_capture_open && stack.size() == last_capture_depth) {
        last_capture_open = false;
        last_close = i + 1;
      }
      ++i;
      continue;
    }
    if (c == '|' && stack.empty()) out.top_alternation = true;
    ++i;
  }
  if (last_capture_top && last_close != std::string::npos && last_close < re.size() &&
      std::string_view("?*+{").find(re[last_close]) == std::string_view::npos)
    out.after_last_group = last_close;
  return out;
}

// When `re` opens with a lazy group of one character class,
// "(?P<name>[...]+?)" (or "(?P<name>(?:[...]+?))", as a macro expands, or with
// "{N,M}?" / "{N,}?" for "+?", N >= 1), returns what follows it and sets
// *min_chars to N (1 for "+?"); "" otherwise.
std::string AfterLazyLead(const std::string& re, int* min_chars) {
  if (re.rfind("(?P<", 0) != 0) return "";
  size_t i = re.find('>');
  if (i == std::string::npos) return "";
  ++i;
  bool wrapped = re.compare(i, 3, "(?:") == 0;
  if (wrapped) i += 3;
  if (i >= re.size() || re[i] != '[') return "";
  ++i;
  if (i < re.size() && re[i] == '^') ++i;
  if (i < re.size() && re[i] == ']') ++i;  // a literal ] first
  for (;;) {
    if (i >= re.size()) return "";
    if (re[i] == '\\') { i += 2; continue; }
    if (re[i] == '[' && i + 1 < re.size() && re[i + 1] == ':') {  // [:alpha:]
      size_t c = re.find(":]", i + 2);
      if (c == std::string::npos) return "";
      i = c + 2;
      continue;
    }
    if (re[i] == ']') break;
    ++i;
  }
  ++i;
  *min_chars = 1;
  if (re.compare(i, 1, "{") == 0) {  // {N,M}? or {N,}?
    size_t j = i + 1;
    int lo = 0;
    while (j < re.size() && std::isdigit(static_cast<unsigned char>(re[j])) && lo < 10000) lo = lo * 10 + (re[j++] - '0');
    if (j == i + 1 || lo < 1 || j >= re.size() || re[j] != ',') return "";
    ++j;
    while (j < re.size() && std::isdigit(static_cast<unsigned char>(re[j]))) ++j;
    if (j >= re.size() || re[j] != '}') return "";
    *min_chars = lo;
    i = j + 1;
  } else if (re.compare(i, 1, "+") == 0) {
    ++i;
  } else {
    return "";
  }
  std::string close = wrapped ? "?))" : "?)";
  if (re.compare(i, close.size(), close) != 0) return "";
  RegexShape shape = ShapeOf(re);
  if (shape.top_alternation || shape.top_flags) return "";
  return re.substr(i + close.size());
}

}  // namespace

namespace {

// The groups of `head` + `tail` (Rule::head, Rule::tail) for its match that
// starts at `start` and ends at `end`: head's own match from `start` (its
// first choice), when the tail matches from there on and ends at `end`. The
// whole regex tries head's choices in order and takes the first the tail can
// follow, so head's first choice is its choice then. False when that does
// not hold (the caller falls back).
bool HeadTailGroups(const RE2& head, const RE2& tail, const re2::StringPiece& text, size_t start,
                    size_t end, size_t endpos, re2::StringPiece* groups, int n) {
  if (!head.Match(text, start, endpos, RE2::ANCHOR_START, groups, n)) return false;
  const size_t m = static_cast<size_t>(groups[0].data() - text.data()) + groups[0].size();
  re2::StringPiece t;
  if (m > end || !tail.Match(text, m, endpos, RE2::ANCHOR_START, &t, 1)) return false;
  return static_cast<size_t>(t.data() - text.data()) + t.size() == end;
}

}  // namespace

// Compiles r's RuleParts (once; thread-safe).
static const RuleParts& PartsOf(const Rule& r) {
  RuleParts& p = *r.parts;
  std::call_once(p.once, [&] {
    const RE2& re = *r.re;
    const std::string& expanded = re.pattern();
    const auto& groups = re.NamedCapturingGroups();
    int lead_min = 1;
    if (std::string rest = AfterLazyLead(expanded, &lead_min); !rest.empty()) {
      auto rre = std::make_unique<RE2>(rest, p.options);
      // REST's groups must be the rule's from 2 on, named alike
      bool same = rre->ok() && rre->NumberOfCapturingGroups() + 1 == re.NumberOfCapturingGroups();
      for (const auto& [g, idx] : rre->NamedCapturingGroups()) {
        auto it = groups.find(g);
        if (it == groups.end() || it->second != idx + 1) same = false;
      }
      if (same) {
        p.rest = std::move(rre);
        p.lead_min = lead_min;
      }
    }
    // The regex whose groups are looked for (REST, else the whole one) as
    // head + tail, the tail holding no group.
    const std::string& cap = p.rest ? p.rest->pattern() : expanded;
    if (RegexShape shape = ShapeOf(cap); !shape.top_alternation && !shape.top_flags &&
                                         shape.after_last_group != std::string::npos) {
      auto hre = std::make_unique<RE2>(cap.substr(0, shape.after_last_group), p.options);
      auto tre = std::make_unique<RE2>(cap.substr(shape.after_last_group), p.options);
      const RE2& whole = p.rest ? *p.rest : re;
      if (hre->ok() && tre->ok() && tre->NumberOfCapturingGroups() == 0 &&
          hre->NumberOfCapturingGroups() == whole.NumberOfCapturingGroups()) {
        p.head = std::move(hre);
        p.tail = std::move(tre);
      }
    }
  });
  return p;
}

// MatchRule without the max_speaker bound.
static bool MatchGroups(const Rule& r, const re2::StringPiece& text, size_t startpos, size_t endpos,
                        RE2::Anchor anchor, re2::StringPiece* groups, int n) {
  constexpr int kMaxGroups = 16;
  if (!r.parts || n < 2 || n > kMaxGroups) return r.re->Match(text, startpos, endpos, anchor, groups, n);
  if (!r.re->Match(text, startpos, endpos, anchor, groups, 1)) return false;
  const RuleParts& parts = PartsOf(r);
  if (!parts.rest && !parts.head) return r.re->Match(text, startpos, endpos, anchor, groups, n);
  const size_t s = static_cast<size_t>(groups[0].data() - text.data());
  const size_t e = s + groups[0].size();
  re2::StringPiece g[kMaxGroups];
  if (!parts.rest) {  // head + tail = the whole regex
    if (HeadTailGroups(*parts.head, *parts.tail, text, s, e, endpos, g, n)) {
      for (int i = 1; i < n; ++i) groups[i] = g[i];
      return true;
    }
  } else if (s < e) {
    // REST may start after the lead's fewest code points
    size_t k0 = s;
    for (int i = 0; i < parts.lead_min && k0 < e; ++i) NextCodePoint(std::string_view(text.data(), text.size()), k0);
    // without head + tail: REST's groups at once; with them: where REST
    // starts (its DFA only), then the groups from head + tail
    const int want = parts.head ? 1 : n - 1;
    if (k0 <= e && parts.rest->Match(text, k0, endpos, RE2::UNANCHORED, g, want)) {
      const size_t k = static_cast<size_t>(g[0].data() - text.data());
      if (k < e && k + g[0].size() == e && (static_cast<unsigned char>(text[k]) & 0xC0) != 0x80 &&
          (!parts.head || HeadTailGroups(*parts.head, *parts.tail, text, k, e, endpos, g, n - 1))) {
        groups[1] = re2::StringPiece(text.data() + s, k - s);
        for (int i = 1; i < n - 1; ++i) groups[i + 1] = g[i];
        return true;
      }
    }
  }
  return r.re->Match(text, startpos, endpos, anchor, groups, n);
}

bool MatchRule(const Rule& r, const re2::StringPiece& text, size_t startpos, size_t endpos,
               RE2::Anchor anchor, re2::StringPiece* groups, int n) {
  if (!MatchGroups(r, text, startpos, endpos, anchor, groups, n)) return false;
  if (r.max_speaker == 0 || r.speaker_group == 0 || r.speaker_group >= n || !groups[r.speaker_group].data())
    return true;
  const re2::StringPiece& sp = groups[r.speaker_group];
  return CountCodePoints(std::string_view(sp.data(), sp.size())) <= static_cast<size_t>(r.max_speaker);
}

bool PatternSet::RulesIn(RuleScope scope, const re2::StringPiece& text, std::vector<int>* out) const {
  out->clear();
  if (scope == RuleScope::kClaim) return false;
  const ScopeSet& ss = sets_[static_cast<int>(scope)];
  if (!ss.set) return false;
  RE2::Set::ErrorInfo err;
  std::vector<int> hits;
  if (!ss.set->Match(text, &hits, &err) && err.kind != RE2::Set::kNoError) return false;
  for (int h : hits) out->push_back(ss.index[static_cast<size_t>(h)]);
  std::sort(out->begin(), out->end());
  return true;
}

Status LoadLexiconDir(const std::string& dir, std::map<std::string, std::vector<std::string>>* out) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::Ok();
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".txt") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto lines = ReadLines(f.string());
    if (!lines.ok()) return lines.status();
    std::vector<std::string> forms;
    for (const auto& raw : *lines) {
      std::string l = raw;
      if (auto h = l.find('#'); h != std::string::npos) l = l.substr(0, h);
      l = Strip(l);
      if (!l.empty()) forms.push_back(l);
    }
    (*out)[f.stem().string()] = std::move(forms);
  }
  return Status::Ok();
}

const std::vector<std::string>& PatternSet::Words(const std::string& name) const {
  static const std::vector<std::string> kEmpty;
  auto it = folded_.find(name);
  return it == folded_.end() ? kEmpty : it->second;
}

const char* LexName(Lex l) {
  static constexpr const char* kNames[] = {
#define QT_LEX_NAME(name) #name,
      QT_LEXICONS(QT_LEX_NAME)
#undef QT_LEX_NAME
  };
  return kNames[static_cast<int>(l)];
}

const std::vector<std::string>& PatternSet::Forms(const std::string& name) const {
  static const std::vector<std::string> kEmpty;
  auto it = lexicon_.find(name);
  return it == lexicon_.end() ? kEmpty : it->second;
}

bool PatternSet::HasWord(const std::string& name, const std::string& folded) const {
  const auto& w = Words(name);
  return std::binary_search(w.begin(), w.end(), folded);
}

std::string PatternSet::Expand(const std::string& text, std::string* error, bool flat) const {
  std::string out;
  // Whether case matters, per open group: (?-i:...) and (?i:...) set it for
  // their group, (?-i) and (?i) for the rest of the group they are in.
  std::vector<bool> sensitive{false};
  bool in_class = false;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\\' && i + 1 < text.size()) { out += text.substr(i, 2); i += 2; continue; }
    if (in_class) {
      if (text[i] == ']') in_class = false;
      out += text[i++];
      continue;
    }
    if (text[i] == '[') {
      in_class = true;
      out += text[i++];
      if (i < text.size() && text[i] == '^') out += text[i++];
      if (i < text.size() && text[i] == ']') out += text[i++];  // a literal ] first
      continue;
    }
    if (text[i] == ')') {
      if (sensitive.size() > 1) sensitive.pop_back();
      out += text[i++];
      continue;
    }
    if (text[i] == '(') {
      bool s = sensitive.back();
      size_t j = i + 1;
      if (j < text.size() && text[j] == '?' && j + 1 < text.size() && text[j + 1] != 'P' &&
          text[j + 1] != '<') {
        bool neg = false, set = false, value = s;
        for (++j; j < text.size() && text[j] != ':' && text[j] != ')'; ++j) {
          if (text[j] == '-') neg = true;
          else if (text[j] == 'i') { set = true; value = neg; }
        }
        if (set) s = value;
        if (j < text.size() && text[j] == ')') {  // (?flags): for the rest of this group
          sensitive.back() = s;
          out += text.substr(i, j + 1 - i);
          i = j + 1;
          continue;
        }
      }
      sensitive.push_back(s);
      out += text[i++];
      continue;
    }
    if (text[i] == '{') {
      size_t close = text.find('}', i);
      std::string name = close == std::string::npos ? "" : text.substr(i + 1, close - i - 1);
      bool is_macro = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9');
      }) && !(name[0] >= '0' && name[0] <= '9');
      if (is_macro) {
        auto it = macros_.find(name);
        if (it == macros_.end()) {
          if (error) *error = "unknown macro {" + name + "}";
          return "";
        }
        const Macro& m = it->second;
        out += flat || (sensitive.back() && m.insensitive_only) ? m.flat : m.regex;
        i = close + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

Result<std::unique_ptr<PatternSet>> PatternSet::Load(
    const std::string& extractors_dir, const std::string& lang,
    const std::map<std::string, std::vector<std::string>>& extra) {
  std::unique_ptr<PatternSet> ps(new PatternSet());
  ps->lang_ = lang;
  std::string lang_dir = extractors_dir + "/" + lang;
  std::error_code ec;
  if (!fs::is_directory(lang_dir, ec))
    return NotFound("no extractor rules for language '" + lang + "': " + lang_dir +
                    " is not a directory (set --extractors DIR)");
  QT_RETURN_IF_ERROR(LoadLexiconDir(extractors_dir + "/common/lexicon", &ps->lexicon_));
  QT_RETURN_IF_ERROR(LoadLexiconDir(lang_dir + "/lexicon", &ps->lexicon_));
  for (const auto& [name, forms] : extra) ps->lexicon_[name] = forms;
  const std::map<char32_t, char32_t> fold = FoldClasses(ps->lexicon_);
  for (const auto& [name, forms] : ps->lexicon_) {
    std::vector<std::string> sorted = forms;
    std::sort(sorted.begin(), sorted.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    std::string alt;
    for (const auto& f : sorted) {
      if (!alt.empty()) alt += '|';
      alt += FormRegex(f);
    }
    LexiconTrie trie(&fold);
    for (const auto& f : forms) trie.Add(f);
    Macro& m = ps->macros_[name];
    m.flat = "(?:" + alt + ")";
    m.regex = trie.Regex();
    m.insensitive_only = trie.case_merged();
    std::vector<std::string> folded;
    for (const auto& f : forms) folded.push_back(Fold(f));
    std::sort(folded.begin(), folded.end());
    folded.erase(std::unique(folded.begin(), folded.end()), folded.end());
    ps->folded_[name] = std::move(folded);
  }
  for (int l = 0; l < static_cast<int>(Lex::kCount); ++l)
    for (const auto& f : ps->Words(LexName(static_cast<Lex>(l)))) ps->classes_[f] |= Bit(static_cast<Lex>(l));
  for (const auto& line : ps->Words(LexName(Lex::COUNTRY)))
    for (size_t b = 0; b <= line.size();) {
      const size_t e = std::min(line.find('|', b), line.size());
      if (e > b) ps->classes_[line.substr(b, e - b)] |= Bit(Lex::COUNTRY);
      b = e + 1;
    }
  for (const std::string& line : ps->Forms(LexName(Lex::COUNTRY))) {
    CountryForms& cf = ps->countries_;
    const int c = static_cast<int>(cf.names.size());
    for (size_t b = 0; b <= line.size();) {
      const size_t e = std::min(line.find('|', b), line.size());
      std::string_view form = TrimSpaces(std::string_view(line).substr(b, e - b));
      b = e + 1;
      if (form.empty()) continue;
      if (cf.names.size() == static_cast<size_t>(c)) cf.names.emplace_back(form);
      std::string key;
      size_t n = 0;
      for (const Token& t : Tokenize(form)) {
        if (!key.empty()) key += ' ';
        key += Fold(t.text);
        ++n;
      }
      if (n == 0) continue;
      cf.line_of.emplace(std::move(key), c);
      cf.longest = std::max(cf.longest, n);
    }
  }
  for (Lex l : {Lex::DESC_SYNONYM, Lex::TITLE_EXPANSION}) {
    for (const auto& line : ps->Words(LexName(l))) {
      std::vector<std::string> forms;
      for (size_t b = 0; b <= line.size();) {
        const size_t e = std::min(line.find('|', b), line.size());
        if (e > b) forms.push_back(line.substr(b, e - b));
        b = e + 1;
      }
      if (forms.size() >= 2) ps->alternatives_[static_cast<int>(l)].push_back(std::move(forms));
    }
  }
  // Macros may be defined with regex text in *.macro files: NAME = REGEX, expanded in order.
  for (const std::string& dir : {extractors_dir + "/common", lang_dir}) {
    std::string path = dir + "/macros.def";
    if (!fs::exists(path, ec)) continue;
    auto lines = ReadLines(path);
    if (!lines.ok()) return lines.status();
    for (size_t n = 0; n < lines->size(); ++n) {
      std::string l = Strip((*lines)[n]);
      if (l.empty() || l[0] == '#') continue;
      auto eq = l.find('=');
      if (eq == std::string::npos)
        return InvalidArgument(path + ":" + std::to_string(n + 1) + ": expected NAME = REGEX");
      std::string name = Strip(l.substr(0, eq));
      std::string err;
      std::string text = Strip(l.substr(eq + 1));
      std::string body = ps->Expand(text, &err, false);
      if (!err.empty()) return InvalidArgument(path + ":" + std::to_string(n + 1) + ": " + err);
      Macro m;
      m.regex = "(?:" + body + ")";
      m.flat = "(?:" + ps->Expand(text, &err, true) + ")";
      m.insensitive_only = m.regex != m.flat;
      ps->macros_[name] = std::move(m);
    }
  }

  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(lang_dir, ec))
    if (e.path().extension() == ".rules") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(64 << 20);
  opts.set_case_sensitive(false);
  for (const auto& f : files) {
    auto lines = ReadLines(f.string());
    if (!lines.ok()) return lines.status();
    std::string file = f.string();
    struct Pending { Rule rule; std::string re; int re_line = 0; };
    std::vector<Pending> pending;
    std::set<std::string> ids;
    for (size_t n = 0; n < lines->size(); ++n) {
      std::string l = Strip((*lines)[n]);
      std::string where = file + ":" + std::to_string(n + 1);
      if (l.empty() || l[0] == '#') continue;
      auto sp = l.find(' ');
      std::string key = l.substr(0, sp);
      std::string val = sp == std::string::npos ? "" : Strip(l.substr(sp + 1));
      if (key == "rule") {
        if (val.empty()) return InvalidArgument(where + ": rule needs an id");
        for (const auto& r : ps->rules_) if (r.id == val) return InvalidArgument(where + ": duplicate rule id " + val);
        for (const auto& r : ps->claim_rules_) if (r.id == val) return InvalidArgument(where + ": duplicate rule id " + val);
        if (!ids.insert(val).second) return InvalidArgument(where + ": duplicate rule id " + val);
        Pending p;
        p.rule.id = val;
        p.rule.file = file;
        p.rule.line = static_cast<int>(n + 1);
        pending.push_back(std::move(p));
        continue;
      }
      if (pending.empty()) return InvalidArgument(where + ": '" + key + "' before any 'rule'");
      Pending& p = pending.back();
      if (key == "scope") {
        if (val == "before") p.rule.scope = RuleScope::kBefore;
        else if (val == "after") p.rule.scope = RuleScope::kAfter;
        else if (val == "sentence") p.rule.scope = RuleScope::kSentence;
        else if (val == "claim") p.rule.scope = RuleScope::kClaim;
        else return InvalidArgument(where + ": scope must be before, after, sentence or claim");
      } else if (key == "confidence") {
        char* end = nullptr;
        double c = std::strtod(val.c_str(), &end);
        if (val.empty() || *end || c < 0 || c > 1) return InvalidArgument(where + ": confidence must be a number in [0, 1]");
        p.rule.confidence = c;
      } else if (key == "max_words") {
        char* end = nullptr;
        long m = std::strtol(val.c_str(), &end, 10);
        if (val.empty() || *end || m < 1) return InvalidArgument(where + ": max_words must be a positive integer");
        p.rule.max_words = static_cast<int>(m);
      } else if (key == "max_speaker") {
        char* end = nullptr;
        long m = std::strtol(val.c_str(), &end, 10);
        if (val.empty() || *end || m < 1) return InvalidArgument(where + ": max_speaker must be a positive integer");
        p.rule.max_speaker = static_cast<int>(m);
      } else if (key == "unless") {
        if (val.empty() || !ps->lexicon_.count(val))
          return InvalidArgument(where + ": unless needs the name of a lexicon (lexicon/NAME.txt)");
        p.rule.unless = val;
      } else if (key == "speaker_not") {
        if (val.empty() || !ps->lexicon_.count(val))
          return InvalidArgument(where + ": speaker_not needs the name of a lexicon (lexicon/NAME.txt)");
        p.rule.speaker_not = val;
      } else if (key == "speaker_head") {
        // LEX|LEX...: a description found by the rule must have its head in one
        std::string_view rest = val;
        while (!rest.empty()) {
          const size_t bar = std::min(rest.find('|'), rest.size());
          const std::string name(Strip(std::string(rest.substr(0, bar))));
          bool known = false;
          for (int l = 0; l < static_cast<int>(Lex::kCount); ++l)
            if (name == LexName(static_cast<Lex>(l))) {
              p.rule.speaker_head |= Bit(static_cast<Lex>(l));
              known = true;
            }
          if (!known) return InvalidArgument(where + ": speaker_head: unknown lexicon '" + name + "'");
          rest = bar < rest.size() ? rest.substr(bar + 1) : std::string_view();
        }
        if (!p.rule.speaker_head) return InvalidArgument(where + ": speaker_head needs lexicon names");
      } else if (key == "re") {
        if (p.re.empty()) p.re_line = static_cast<int>(n + 1);
        p.re += val;
      } else {
        return InvalidArgument(where + ": unknown key '" + key + "' (rule, scope, confidence, max_words, max_speaker, unless, speaker_not, speaker_head, re)");
      }
    }
    for (auto& p : pending) {
      std::string where = file + ":" + std::to_string(p.re_line ? p.re_line : p.rule.line);
      if (p.re.empty()) return InvalidArgument(where + ": rule " + p.rule.id + " has no 're'");
      std::string err;
      std::string expanded = ps->Expand(p.re, &err);
      if (!err.empty()) return InvalidArgument(where + ": rule " + p.rule.id + ": " + err);
      auto re = std::make_unique<RE2>(expanded, opts);
      if (!re->ok()) return InvalidArgument(where + ": rule " + p.rule.id + ": " + re->error());
      const auto& groups = re->NamedCapturingGroups();
      auto group = [&](const char* g) { auto it = groups.find(g); return it == groups.end() ? 0 : it->second; };
      p.rule.speaker_group = group("speaker");
      p.rule.cue_group = group("cue");
      p.rule.via_group = group("via");
      p.rule.claim_group = group("claim");
      p.rule.parts = std::make_shared<RuleParts>();
      p.rule.parts->options = opts;
      for (const auto& [g, _] : groups)
        if (g != "speaker" && g != "cue" && g != "via" && g != "claim")
          return InvalidArgument(where + ": rule " + p.rule.id + ": unknown group '" + g + "' (speaker, cue, via, claim)");
      if (p.rule.max_speaker && !p.rule.speaker_group)
        return InvalidArgument(where + ": rule " + p.rule.id + ": max_speaker needs a (?P<speaker>...) group");
      if (p.rule.scope == RuleScope::kClaim) {
        if (!p.rule.speaker_group || !p.rule.cue_group || !p.rule.claim_group)
          return InvalidArgument(where + ": rule " + p.rule.id +
                                 ": a claim rule needs (?P<speaker>...), (?P<cue>...) and (?P<claim>...) groups");
        p.rule.re = std::move(re);
        ps->claim_rules_.push_back(std::move(p.rule));
        continue;
      }
      if (p.rule.claim_group)
        return InvalidArgument(where + ": rule " + p.rule.id + ": only a claim rule may have a (?P<claim>...) group");
      if (p.rule.scope == RuleScope::kSentence && !p.rule.via_group)
        return InvalidArgument(where + ": rule " + p.rule.id + ": a sentence rule needs a (?P<via>...) group");
      if (p.rule.scope != RuleScope::kSentence && !p.rule.speaker_group && !p.rule.cue_group)
        return InvalidArgument(where + ": rule " + p.rule.id + ": needs a (?P<speaker>...) or (?P<cue>...) group");
      p.rule.re = std::move(re);
      ps->rules_.push_back(std::move(p.rule));
    }
  }
  if (ps->rules_.empty()) return NotFound("no rules (*.rules) in " + lang_dir);
  // A set of the sentence (via) rules, to run only those that match a piece.
  // Sets of the before/after rules work the same way (RulesIn) but are not
  // built: they saved about 1.5 % of extraction instructions and cost about
  // 0.25 s of CPU at every load (every `quotetrail extract` run).
  for (RuleScope scope : {RuleScope::kSentence}) {
    ScopeSet& ss = ps->sets_[static_cast<int>(scope)];
    auto set = std::make_unique<RE2::Set>(opts, scope == RuleScope::kAfter ? RE2::ANCHOR_START : RE2::UNANCHORED);
    bool set_ok = true;
    for (size_t i = 0; i < ps->rules_.size() && set_ok; ++i) {
      if (ps->rules_[i].scope != scope) continue;
      set_ok = set->Add(ps->rules_[i].re->pattern(), nullptr) >= 0;
      ss.index.push_back(static_cast<int>(i));
    }
    if (set_ok && !ss.index.empty() && set->Compile()) ss.set = std::move(set);
  }
  return ps;
}

}  // namespace quotetrail
