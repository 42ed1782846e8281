#include "extractor.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>

#include "claim_finder.h"
#include "quote_finder.h"
#include "speaker_resolver.h"
#include "text.h"

namespace quotetrail {

namespace fs = std::filesystem;

Result<std::unique_ptr<Extractor>> Extractor::Load(const std::string& dir) {
  std::unique_ptr<Extractor> x(new Extractor());
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return NotFound("extractors directory not found: " + dir + " (set --extractors DIR)");
  auto gaz = Gazetteer::Load(dir + "/common/agencies.tsv");
  if (!gaz.ok()) return gaz.status();
  x->gazetteer_ = std::move(gaz).value();
  auto extra = x->gazetteer_->Lexicons();
  std::vector<std::string> langs;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory() && e.path().filename() != "common") langs.push_back(e.path().filename());
  std::sort(langs.begin(), langs.end());
  for (const auto& lang : langs) {
    auto ps = PatternSet::Load(dir, lang, extra);
    if (!ps.ok()) return ps.status();
    x->patterns_[lang] = std::move(ps).value();
  }
  if (x->patterns_.empty()) return NotFound("no language directories in " + dir);
  if (x->patterns_.size() > 64) return InvalidArgument("more than 64 language directories in " + dir);
  size_t k = 0;
  for (const auto& [l, ps] : x->patterns_) {
    for (const auto& f : ps->Words(LexName(Lex::DETECT))) {
      x->detect_[f] |= uint64_t{1} << k;
      x->detect_max_ = std::max(x->detect_max_, f.size());
    }
    ++k;
  }
  return x;
}

std::vector<std::string> Extractor::languages() const {
  std::vector<std::string> out;
  for (const auto& [l, _] : patterns_) out.push_back(l);
  return out;
}

namespace {
// The language is read from the first kDetectBytes bytes of the text, or
// fewer: reading stops once a language has kDecisiveHits marker words and at
// least kDecisiveRatio times those of every other (a news article's first
// hundred words or so; mixed text reads on).
constexpr size_t kDetectBytes = 4000;
constexpr int kDecisiveHits = 24;
constexpr int kDecisiveRatio = 4;
}  // namespace

std::string Extractor::DetectLanguage(const Article& a) const {
  return DetectFromTokens(a, Tokenize(std::string_view(a.text).substr(0, kDetectBytes)));
}

std::string Extractor::DetectFromTokens(const Article& a, const std::vector<Token>& tokens) const {
  if (a.language.size() >= 2) {
    std::string l = Fold(a.language.substr(0, 2));
    if (patterns_.count(l)) return l;
  }
  // Hits per language, in the order of patterns_; the first language with
  // the most hits wins, "en" (or the first language) when nothing hits.
  std::vector<int> score(patterns_.size(), 0);
  std::string f;  // one buffer for every folded word
  // Counts `word`; true once the count is decisive.
  auto count = [&](std::string_view word) {
    std::string_view fv = word;
    if (!IsFolded(word)) {
      if (!FoldIntoAtMost(word, detect_max_, &f)) return false;  // longer than any DETECT word
      fv = f;
    }
    if (fv.size() > detect_max_) return false;
    const uint64_t* langs = detect_.Find(fv);
    if (!langs) return false;
    for (size_t k = 0; k < score.size(); ++k) score[k] += (*langs >> k) & 1;
    const int top = *std::max_element(score.begin(), score.end());
    if (top < kDecisiveHits) return false;
    int others = 0;
    for (int sc : score) others += sc == top ? 0 : 1;
    for (int sc : score)
      if (sc != top && sc * kDecisiveRatio > top) return false;
    return others + 1 == static_cast<int>(score.size());  // one leader
  };
  // The words of Tokenize(text.substr(0, kDetectBytes)): those of the whole
  // text that end 8 bytes or more before the cut are the same (what follows a
  // word decides its end through at most two code points: a joiner and the
  // letter after it, as in "l’a"), and the text from the next word on is
  // tokenized again as cut.
  std::string_view head = std::string_view(a.text).substr(0, kDetectBytes);
  for (const auto& t : tokens) {
    if (t.end + 8 <= head.size()) {
      if (count(t.text)) break;
      continue;
    }
    if (t.begin < head.size())
      for (const auto& c : Tokenize(head.substr(t.begin), t.begin))
        if (count(c.text)) break;
    break;
  }
  std::string best = patterns_.count("en") ? "en" : patterns_.begin()->first;
  int best_score = 0;
  size_t k = 0;
  for (const auto& [l, _] : patterns_) {
    if (score[k] > best_score) { best = l; best_score = score[k]; }
    ++k;
  }
  return best;
}

namespace {

// Whether `p` holds no letter and no digit.
bool Wordless(const re2::StringPiece& p) {
  const std::string_view v(p.data(), p.size());
  for (size_t i = 0; i < v.size();) {
    const char32_t c = NextCodePoint(v, i);
    if (IsLetter(c) || IsDigit(c)) return false;
  }
  return true;
}

// "The United States said", "Consumer Reports said": a capitalised word right
// after a capitalised word goes on with a name, even when it is also a speech
// verb ("states", "reports"); rules match it as the cue all the same (they
// ignore case). Then the cue is the speech verb after the name (adverbs,
// more of the name and an auxiliary's participle allowed): `cue` moves onto
// it, `speaker` (when it comes before the cue) runs to it and `whole` takes it
// in. False when there is no such verb: the rule did not find an attribution.
bool NameWordCue(const PatternSet& ps, std::string_view input, re2::StringPiece* whole, re2::StringPiece* speaker,
                 re2::StringPiece* cue) {
  if (!cue->data() || cue->empty() || !speaker->data()) return true;
  const size_t cb = static_cast<size_t>(cue->data() - input.data());
  size_t i = cb;
  if (!IsUpper(NextCodePoint(input, i)) || cb < 2 || input[cb - 1] != ' ') return true;
  size_t w = cb - 1;  // the word before: back to its start
  while (w > 0 && input[w - 1] != ' ' && input[w - 1] != '\n') --w;
  if (w == cb - 1) return true;
  size_t first = w, last = cb - 1;  // the word's first and last letters
  if (!IsUpper(NextCodePoint(input, first)) || !IsLetter(PrevCodePoint(input, last))) return true;
  const size_t sb = static_cast<size_t>(speaker->data() - input.data());
  if (sb + speaker->size() > cb) return true;  // the speaker comes after the cue
  constexpr LexMask kVerb = Bit(Lex::CUE_FIN) | Bit(Lex::CUE_FIN_AFTER) | Bit(Lex::CUE_PP) | Bit(Lex::CUE_PAST) |
                            Bit(Lex::CUE_PRES) | Bit(Lex::CUE_GER);
  const size_t ce = cb + cue->size();
  auto toks = Tokenize(input.substr(ce, std::min<size_t>(input.size() - ce, 120)), ce);
  for (size_t k = 0; k < toks.size() && k < 6; ++k) {
    const Token& t = toks[k];
    const LexMask m = ps.ClassesOfWord(t.text);
    size_t end = t.end;
    if (m & Bit(Lex::AUX)) {  // "has said": on to its participle
      size_t p = k + 1;
      while (p < toks.size() && p < k + 3 && !(ps.ClassesOfWord(toks[p].text) & kVerb)) ++p;
      if (p >= toks.size() || p >= k + 3) return false;
      end = toks[p].end;
    } else if (!(m & kVerb)) {
      if (t.upper || (m & Bit(Lex::ADVERB))) continue;  // "United States Trade Representative", "also"
      return false;
    }
    *cue = re2::StringPiece(input.data() + t.begin, end - t.begin);
    *speaker = re2::StringPiece(speaker->data(), TrimSpaces(input.substr(sb, t.begin - sb)).size());
    const size_t wb = static_cast<size_t>(whole->data() - input.data());
    if (wb + whole->size() < end) *whole = re2::StringPiece(whole->data(), end - wb);
    return true;
  }
  return false;
}

// Whether the word right before `cue` in `input` is an article (a
// determiner that is no clitic pronoun): "a proposed law", "the reported
// deal" hold a participle, no speech verb (« il le dit » keeps its cue).
bool ArticleBeforeCue(const PatternSet& ps, std::string_view input, const re2::StringPiece& cue) {
  if (!cue.data()) return false;
  size_t e = static_cast<size_t>(cue.data() - input.data());
  while (e > 0 && (input[e - 1] == ' ' || input[e - 1] == '\t')) --e;
  size_t b = e;
  while (b > 0 && input[b - 1] != ' ' && input[b - 1] != '\n' && input[b - 1] != '\t') --b;
  if (b == e) return false;
  const LexMask m = ps.ClassesOfWord(input.substr(b, e - b));
  return (m & Bit(Lex::DETERMINER)) && !(m & (Bit(Lex::CLITIC) | kPronounClasses));
}

// When the stop at `pos` is the last thing inside a closed quotation (only
// spaces between it and the closing mark): the offset past that mark; 0
// otherwise.
size_t EndsQuote(const std::vector<QuoteSpan>& qs, size_t pos) {
  auto it = std::upper_bound(qs.begin(), qs.end(), pos, [](size_t p, const QuoteSpan& q) { return p < q.open; });
  if (it == qs.begin()) return 0;
  --it;
  return it->closed && pos > it->open && pos + 1 == it->end ? it->after : 0;
}

// Sentence starts: paragraph starts, and after . ! ? followed by spaces and an
// upper-case letter, digit or opening mark, outside quotes (but for a stop
// that ends a quotation) and abbreviations.
std::vector<size_t> SentenceStarts(std::string_view text, const std::vector<QuoteSpan>& qs,
                                   const PatternSet& words) {
  std::vector<size_t> starts{0};
  // the bytes that can end a sentence or a paragraph: \n . ! ?
  static constexpr auto kStop = [] {
    std::array<bool, 256> t{};
    t['\n'] = t['.'] = t['!'] = t['?'] = true;
    return t;
  }();
  for (size_t i = 0; i < text.size(); ++i) {
    while (i < text.size() && !kStop[static_cast<unsigned char>(text[i])]) ++i;
    if (i >= text.size()) break;
    char c = text[i];
    if (c == '\n') {
      size_t j = i + 1;
      while (j < text.size() && (text[j] == '\n' || text[j] == ' ')) ++j;
      if (j < text.size() && starts.back() < j) starts.push_back(j);
      i = j - 1;
      continue;
    }
    if (c != '.' && c != '!' && c != '?') continue;
    // a stop inside a quotation counts only as the quotation's last word
    // before its closing mark: '... was "a precautionary measure." Republican
    // senators said ...', « ... appel. » Le ministre ...
    const size_t closing = InsideQuote(qs, i) ? EndsQuote(qs, i) : i + 1;
    if (closing == 0) continue;
    size_t j = closing;
    // closing marks right after the stop belong to this sentence
    while (j < text.size()) {
      size_t p = j;
      char32_t d = NextCodePoint(text, p);
      if (d == 0xBB || d == 0x201D || d == '"' || d == ')' || d == 0x2019) j = p; else break;
    }
    size_t k = j;
    bool space = false;
    while (k < text.size()) {
      size_t p = k;
      char32_t d = NextCodePoint(text, p);
      if (d == '\n') break;
      if (IsSpace(d)) { k = p; space = true; } else break;
    }
    if (!space || k >= text.size() || text[k] == '\n') continue;
    size_t p = k;
    char32_t next = NextCodePoint(text, p);
    if (!(IsUpper(next) || IsDigit(next) || next == 0xAB || next == 0x201C || next == '"' || next == 0x2018 ||
          next == 0x201E || next == 0x2039))
      continue;
    if (c == '.') {
      // abbreviation or initial before the dot?
      size_t w = i;
      while (w > 0) {
        size_t q = w;
        char32_t d = PrevCodePoint(text, q);
        if (!IsLetter(d)) break;
        w = q;
      }
      std::string_view word = text.substr(w, i - w);
      if (word.size() == 1 && IsUpper(static_cast<unsigned char>(word[0]))) continue;  // "B. Obama"
      if (!word.empty() && words.IsWord(Lex::ABBREVIATION, word)) continue;
    }
    starts.push_back(k);
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  return starts;
}

// The relay of a dispatch's dateline at the head of `text`: "PARIS (AFP) —",
// "MOSCOU, 12 juillet (Reuters) - ", "WASHINGTON (AP):" -> "AFP", "Reuters",
// "AP" as written; empty when the text opens otherwise. The dateline opens
// one of the first lines (a page's title and standfirst may come first),
// before any quotation mark: a short place and date, the relay in
// parentheses, then a dash or a colon.
std::string DatelineRelay(std::string_view text, const Gazetteer& relays);

// DatelineRelay for one line.
std::string DatelineOfLine(std::string_view line, const Gazetteer& relays) {
  constexpr size_t kMaxLead = 80;  // place and date before the parenthesis
  const size_t open = line.find('(');
  if (open == std::string_view::npos || open == 0 || open > kMaxLead) return "";
  const size_t close = line.find(')', open);
  if (close == std::string_view::npos || close - open > 40) return "";
  const std::string_view lead = line.substr(0, open);
  for (std::string_view mark : {"\"", "\xC2\xAB", "\xE2\x80\x9C", "\xE2\x80\x9E"})
    if (lead.find(mark) != std::string_view::npos) return "";
  std::string_view rest = TrimSpaces(line.substr(close + 1));
  if (!(rest.starts_with("-") || rest.starts_with(":") || rest.starts_with("\xE2\x80\x94") ||
        rest.starts_with("\xE2\x80\x93")))
    return "";
  const std::string_view inside = TrimSpaces(line.substr(open + 1, close - open - 1));
  std::string surface;
  if (const Relay* r = relays.Find(inside); r && relays.FindIn(inside, &surface)) return surface;
  return "";
}

std::string DatelineRelay(std::string_view text, const Gazetteer& relays) {
  constexpr int kLines = 4;         // non-empty lines looked at
  constexpr size_t kHead = 1500;    // bytes of the text looked at
  text = text.substr(0, kHead);
  int seen = 0;
  for (size_t b = 0; b < text.size() && seen < kLines;) {
    size_t e = text.find('\n', b);
    if (e == std::string_view::npos) e = text.size();
    const std::string_view line = TrimSpaces(text.substr(b, e - b));
    b = e + 1;
    if (line.empty()) continue;
    ++seen;
    if (std::string r = DatelineOfLine(line, relays); !r.empty()) return r;
  }
  return "";
}

struct Candidate {
  const Rule* rule = nullptr;
  Mention mention;
  Speaker speaker;
  std::string cue;
  std::vector<std::string> via;
  double score = 0;
};

}  // namespace

Extraction Extractor::Extract(const Article& article, const ExtractOptions& opts) const {
  Extraction out;
  out.doc = article.id;
  // Very long texts (a 50 MB dump is not an article) are cut at paragraph
  // breaks into pieces of at most kChunk bytes, each read on its own, so the
  // work stays linear; speakers are then resolved within a piece only.
  constexpr size_t kChunk = 1 << 20;
  // A text of one piece is split into words once, for the language and the speakers.
  bool one_piece = article.text.size() <= kChunk;
  std::vector<Token> tokens;
  if (one_piece) tokens = Tokenize(article.text);
  const bool detect = opts.lang == "auto" || opts.lang.empty();
  out.lang = !detect ? opts.lang : one_piece ? DetectFromTokens(article, tokens) : DetectLanguage(article);
  auto pit = patterns_.find(out.lang);
  if (pit == patterns_.end()) pit = patterns_.begin();
  const PatternSet& ps = *pit->second;
  std::string_view all = article.text;
  // 'We will fight,' he said: straight single quotes as the only quotation
  // marks, made ‘ ’ (code point offsets are the same)
  std::string marked;
  if (ps.lang() == "en") marked = SingleQuotesAsMarks(all);
  if (!marked.empty()) {
    all = marked;
    one_piece = all.size() <= kChunk;
    tokens = one_piece ? Tokenize(all) : std::vector<Token>();
  }
  size_t base = 0, base_cp = 0;
  while (base < all.size()) {
    size_t len = all.size() - base;
    if (len > kChunk) {
      size_t cut = all.rfind('\n', base + kChunk);
      if (cut == std::string_view::npos || cut <= base) {
        cut = base + kChunk;
        while (cut > base && (static_cast<unsigned char>(all[cut]) & 0xC0) == 0x80) --cut;
      }
      len = std::max<size_t>(cut - base, 1);
    }
    ExtractRange(all.substr(base, len), base, base_cp, ps, opts, one_piece ? &tokens : nullptr, &out.quotes);
    for (size_t i = base; i < base + len;) { NextCodePoint(all, i); ++base_cp; }
    base += len;
  }
  return out;
}

void Extractor::ExtractRange(std::string_view text, size_t base, size_t base_cp, const PatternSet& ps,
                             const ExtractOptions& opts, std::vector<Token>* tokens,
                             std::vector<ExtractedQuote>* quotes) const {

  std::vector<QuoteSpan> spans = FindQuoteSpans(text, ps.lang() == "en");
  // No quotation and no claims asked for: nothing to attribute.
  if (spans.empty() && !opts.claims) return;
  std::vector<size_t> starts = SentenceStarts(text, spans, ps);
  // Incises inside the marks: « Il faut, a-t-elle expliqué, une gouvernance
  // unique » (French typography). A stretch between two commas of a quote
  // that an `after` rule with a speaker takes whole is the writer's words:
  // the speaker resolver reads it as outside the quote (its names count),
  // and it attributes the quote when nothing outside does.
  struct Incise {
    const Rule* rule = nullptr;
    size_t begin = 0, end = 0;  // from its opening comma to before its closing one
  };
  std::vector<Incise> incises(spans.size());
  std::vector<QuoteSpan> resolver_spans;
  {
    std::vector<re2::StringPiece> ig;
    for (size_t qi = 0; qi < spans.size(); ++qi) {
      const QuoteSpan& q = spans[qi];
      const std::string_view inner = text.substr(q.begin, q.end - q.begin);
      // (a stretch runs from a comma to the next comma or stop: « Aucune
      // piste n'est écartée, a-t-elle déclaré. Nous attendons … »)
      size_t c = inner.find(',');
      for (int tries = 0; c != std::string_view::npos && tries < 4 && !incises[qi].rule; ++tries) {
        const size_t c2 = inner.find_first_of(",.!?", c + 1);
        if (c2 == std::string_view::npos) break;
        const std::string_view inc = inner.substr(c, c2 - c);
        c = inner[c2] == ',' ? c2 : inner.find(',', c2 + 1);
        if (CountTokens(inc) > 8) continue;
        // the after rules all need a speech verb or a source word: a stretch
        // with neither is not looked at
        bool cue = false;
        constexpr LexMask kCue = Bit(Lex::CUE_FIN) | Bit(Lex::CUE_FIN_AFTER) | Bit(Lex::CUE_PP) |
                                 Bit(Lex::CUE_PAST) | Bit(Lex::CUE_PRES);
        for (const auto& t : Tokenize(inc)) {
          std::string_view w = t.text;
          if (size_t dash = w.find('-'); dash != std::string_view::npos) w = w.substr(0, dash);  // "dit-il"
          if (ps.ClassesOfWord(w) & kCue) { cue = true; break; }
        }
        if (!cue) {
          const std::string folded = Fold(inc);
          for (const std::string& src : ps.Words(LexName(Lex::SOURCE_CUE)))
            if (folded.find(src) != std::string::npos) { cue = true; break; }
        }
        if (!cue) continue;
        for (const Rule& r : ps.rules()) {
          if (r.scope != RuleScope::kAfter || !r.speaker_group) continue;
          ig.assign(r.re->NumberOfCapturingGroups() + 1, re2::StringPiece());
          re2::StringPiece input(inc.data(), inc.size());
          if (!MatchRule(r, input, 0, inc.size(), RE2::ANCHOR_START, ig.data(), static_cast<int>(ig.size())) ||
              !ig[r.speaker_group].data())
            continue;
          if (!TrimSpaces(inc.substr(static_cast<size_t>(ig[0].data() - inc.data()) + ig[0].size())).empty()) continue;
          if (incises[qi].rule && incises[qi].rule->confidence >= r.confidence) continue;
          const size_t b = static_cast<size_t>(inc.data() - text.data());
          incises[qi] = {&r, b, b + inc.size()};
        }
      }
      if (!incises[qi].rule) {
        resolver_spans.push_back(q);
        continue;
      }
      QuoteSpan head = q, tail = q;
      head.after = incises[qi].begin;
      tail.open = incises[qi].end;  // the closing comma stands for an opening mark
      resolver_spans.push_back(head);
      resolver_spans.push_back(tail);
    }
  }
  SpeakerResolver resolver(text, ps, *gazetteer_, resolver_spans, starts,
                           tokens ? std::move(*tokens) : Tokenize(text));

  auto sentence_of = [&](size_t pos) -> std::pair<size_t, size_t> {
    auto it = std::upper_bound(starts.begin(), starts.end(), pos);
    size_t b = *(it - 1);
    size_t e = it == starts.end() ? text.size() : *it;
    return {b, e};
  };
  // A via as the article writes it: the relay's alias when one is named (with
  // its article when the text drops it: "au Figaro" -> "Le Figaro"), the phrase
  // itself when the rule is about documents or media ("un communiqué du
  // ministère", "local media"), an outlet recognised by its capitalised shape
  // for other via rules; nothing otherwise.
  auto normalize_via = [&](std::string_view v, const Rule& r) -> std::string {
    v = TrimSpaces(v);
    // the sentence's full stop is not the name's: "told the broadcaster NTV."
    // (an abbreviation keeps its own: "U.S.")
    if (v.size() > 1 && v.back() == '.') {
      const size_t space = v.find_last_of(' ');
      const std::string_view last = v.substr(space == std::string_view::npos ? 0 : space + 1);
      if (last.find('.') == last.size() - 1) v.remove_suffix(1);
    }
    if (v.empty()) return "";
    std::string surface;
    if (gazetteer_->FindIn(v, &surface)) return surface;
    if (gazetteer_->FindBare(v, &surface)) return surface;
    auto toks = Tokenize(v);
    if (toks.size() > 10) return "";
    if (r.id.find("document") != std::string::npos || r.id.find("media") != std::string::npos)
      return std::string(v);
    if (r.id.find("via") != std::string::npos) {
      // "told the Manchester Evening News": the outlet's name, not the article before it
      for (std::string_view article : {"the ", "le ", "la ", "les "})
        if (v.starts_with(article)) v = TrimSpaces(v.substr(article.size()));
      for (const auto& t : toks) {
        std::string f = Fold(t.text);
        // (a day or a month is no outlet: "told the agency Monday")
        if (t.upper && f != "the" && f != "le" && f != "la" && f != "les" && f != "l'" &&
            !ps.HasWord(Lex::COMMON_CAP, f))
          return std::string(v);
      }
    }
    return "";
  };
  struct ViaHit {
    std::string name;
    size_t begin = 0, end = 0;  // byte offsets of the words in `text`
    size_t match_begin = 0;     // where the rule's match starts ("au micro de …")
  };
  // Relays and documents that `sentence` rules find in text[b, e) of `in`
  // (the text with quotations blanked out).
  std::vector<int> matching;  // find_via's buffers
  std::vector<re2::StringPiece> groups;
  auto find_via = [&](std::string_view in, size_t b, size_t e, std::vector<ViaHit>* hits) {
    std::string_view piece = in.substr(b, e - b);
    re2::StringPiece input(piece.data(), piece.size());
    // the rules that match somewhere in the piece (one pass), when that is known
    const bool known = ps.SentenceRulesIn(input, &matching);
    for (size_t ri = 0; ri < ps.rules().size(); ++ri) {
      const Rule& r = ps.rules()[ri];
      if (r.scope != RuleScope::kSentence) continue;
      if (known && !std::binary_search(matching.begin(), matching.end(), static_cast<int>(ri))) continue;
      // No separate test without groups: RE2::Match runs its DFA first anyway
      // and fails there, so a test would only add a second DFA pass on a hit.
      groups.assign(r.re->NumberOfCapturingGroups() + 1, re2::StringPiece());
      size_t pos = 0;
      while (pos <= piece.size() &&
             MatchRule(r, input, pos, piece.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) {
        const re2::StringPiece& g = groups[r.via_group];
        if (g.data()) {
          size_t gb = b + (g.data() - piece.data());
          std::string name;
          // « cité par l'agence », "told the agency": the relay of the rule's
          // type (its id's suffix) named last before
          if (const size_t a = r.id.rfind(".anaphor_"); a != std::string::npos) {
            name = resolver.RelayBefore(gb, std::string_view(r.id).substr(a + 9));
          } else {
            name = normalize_via(std::string_view(g.data(), g.size()), r);
          }
          if (!name.empty())
            hits->push_back({name, gb, gb + g.size(), b + static_cast<size_t>(groups[0].data() - piece.data())});
        }
        size_t next = groups[0].data() - piece.data() + std::max<size_t>(groups[0].size(), 1);
        if (next <= pos) break;
        pos = next;
      }
    }
  };

  struct Work {
    QuoteSpan span;
    bool keep = true;
    Candidate best;
    bool attributed = false;
    size_t sent_b = 0, sent_e = 0;
  };
  // Attribution (before/after) rules by falling confidence, file order within
  // one confidence: a candidate scores at most its rule's confidence (every
  // speaker factor is at most 1), so a rule that cannot beat the best so far
  // is not matched at all. The winner is the same as trying them all.
  std::vector<size_t> by_confidence;
  for (size_t i = 0; i < ps.rules().size(); ++i)
    if (ps.rules()[i].scope != RuleScope::kSentence) by_confidence.push_back(i);
  std::stable_sort(by_confidence.begin(), by_confidence.end(), [&](size_t a, size_t b) {
    return ps.rules()[a].confidence > ps.rules()[b].confidence;
  });

  std::vector<Work> work;
  for (const auto& s : spans) work.push_back({s, true, {}, false, 0, 0});
  std::vector<int> left_rules, right_rules;  // buffers of the loop below
  std::vector<re2::StringPiece> g;
  // "selon des diplomates cités par Le Monde": when the channel is named
  // inside the speaker phrase, the words before it (its agent preposition or
  // reporting verb left off) still say who speaks, if they hold a noun.
  auto head_before = [&](size_t b, size_t e) -> Mention {
    const std::string_view before = text.substr(b, e - b);
    auto bt = Tokenize(before);
    constexpr LexMask kLink = Bit(Lex::PREPOSITION) | Bit(Lex::AGENT_PREP) | Bit(Lex::CUE_PP) |
                              Bit(Lex::CUE_PAST) | Bit(Lex::REPORT_CUE) | Bit(Lex::DETERMINER);
    while (!bt.empty() && (ps.ClassesOfWord(bt.back().text) & kLink)) bt.pop_back();
    if (bt.empty() || bt.size() > 6) return Mention();
    // « l'agence officielle » SANA, "the broadcaster" NOS: words that only say
    // what kind of relay it is are no one (« Selon l'agence Reuters, » is as
    // « Selon Reuters, »)
    {
      size_t i = 0;
      while (i < bt.size() && ps.IsWord(Lex::DETERMINER, bt[i].text)) ++i;
      if (i < bt.size() && ps.IsWord(Lex::MEDIA_WORD, bt[i].text)) return Mention();
    }
    if (!std::any_of(bt.begin(), bt.end(), [&](const Token& t) {
          return t.text.size() >= 3 &&
                 !(ps.ClassesOfWord(t.text) & (Bit(Lex::DETERMINER) | Bit(Lex::PREPOSITION) | Bit(Lex::STOPWORD)));
        }))
      return Mention();
    Mention m;
    m.type = Mention::kDescription;
    m.text = std::string(TrimSpaces(before.substr(0, bt.back().end)));
    m.pos = b + static_cast<size_t>(TrimSpaces(before).data() - before.data());
    return m;
  };

  for (size_t qi = 0; qi < work.size(); ++qi) {
    Work& w = work[qi];
    const QuoteSpan& q = w.span;
    auto [sb, se] = sentence_of(q.open);
    // the right context runs past sentence stops that sit right at the closing mark
    size_t re_end = se;
    if (re_end <= q.after + 2) re_end = sentence_of(std::min(q.after + 2, text.size() - 1)).second;
    if (re_end < q.after) re_end = q.after;
    re_end = std::min(re_end, q.para_end);
    w.sent_b = sb;
    w.sent_e = re_end;
    // Rules look at most kWindow bytes either side (cut at a UTF-8 boundary):
    // an attribution sits near its quote, and the window bounds the work.
    constexpr size_t kWindow = 400;
    size_t lb = q.open - sb > kWindow ? q.open - kWindow : sb;
    while (lb > sb && (static_cast<unsigned char>(text[lb]) & 0xC0) == 0x80) ++lb;
    size_t rb = re_end - q.after > kWindow ? q.after + kWindow : re_end;
    while (rb > q.after && rb < text.size() && (static_cast<unsigned char>(text[rb]) & 0xC0) == 0x80) --rb;
    std::string_view left = text.substr(lb, q.open - lb);
    std::string_view right = text.substr(q.after, rb - q.after);

    // The rules that match the windows at all (one pass per side), when known.
    const bool left_known = ps.RulesIn(RuleScope::kBefore, re2::StringPiece(left.data(), left.size()), &left_rules);
    const bool right_known = ps.RulesIn(RuleScope::kAfter, re2::StringPiece(right.data(), right.size()), &right_rules);
    // The quote's words, counted once when a rule asks.
    size_t n_words = std::string::npos;
    auto quote_words = [&] {
      if (n_words == std::string::npos) n_words = CountTokens(text.substr(q.begin, q.end - q.begin));
      return n_words;
    };
    // The best candidate is the highest score, the first rule in file order on a tie.
    Candidate best;
    size_t best_index = 0;
    bool have_best = false;
    for (size_t ri : by_confidence) {
      const Rule& r = ps.rules()[ri];
      if (have_best && (r.confidence < best.score || (r.confidence == best.score && ri > best_index))) continue;
      if (r.max_words && quote_words() > static_cast<size_t>(r.max_words)) continue;
      std::string_view ctx = r.scope == RuleScope::kAfter ? right : left;
      const bool known = r.scope == RuleScope::kAfter ? right_known : left_known;
      const std::vector<int>& matching_rules = r.scope == RuleScope::kAfter ? right_rules : left_rules;
      if (known && !std::binary_search(matching_rules.begin(), matching_rules.end(), static_cast<int>(ri))) continue;
      g.assign(r.re->NumberOfCapturingGroups() + 1, re2::StringPiece());
      re2::StringPiece input(ctx.data(), ctx.size());
      RE2::Anchor anchor = r.scope == RuleScope::kAfter ? RE2::ANCHOR_START : RE2::UNANCHORED;
      // One call: RE2::Match rules a window out on its DFA before it looks
      // for groups (a separate test would add a second DFA pass on a hit).
      if (!MatchRule(r, input, 0, ctx.size(), anchor, g.data(), static_cast<int>(g.size()))) continue;
      // A speaker phrase with no letter (« « … », explique … » before a later
      // quote: the lazy subject stops at the comma) is no match: the rule is
      // looked for again after the cue.
      bool found = true;
      for (int again = 0; again < 4 && r.scope == RuleScope::kBefore && r.speaker_group && r.cue_group &&
                          g[r.speaker_group].data() && g[r.cue_group].data() && Wordless(g[r.speaker_group]);
           ++again) {
        const size_t from = static_cast<size_t>(g[r.cue_group].data() - ctx.data()) + g[r.cue_group].size();
        found = MatchRule(r, input, from, ctx.size(), anchor, g.data(), static_cast<int>(g.size()));
        if (!found) break;
      }
      if (!found) continue;
      if (r.cue_group && r.speaker_group && !NameWordCue(ps, ctx, &g[0], &g[r.speaker_group], &g[r.cue_group]))
        continue;
      if (r.cue_group && ArticleBeforeCue(ps, ctx, g[r.cue_group])) continue;
      if (!r.unless.empty()) {
        bool veto = false;
        for (const auto& t : Tokenize(std::string_view(g[0].data(), g[0].size())))
          if (ps.HasWord(r.unless, Fold(t.text))) { veto = true; break; }
        if (veto) continue;
      }
      Candidate c;
      c.rule = &r;
      if (r.cue_group) c.cue = std::string(TrimSpaces(std::string_view(g[r.cue_group].data(), g[r.cue_group].size())));
      if (r.via_group && g[r.via_group].data()) {
        std::string v = normalize_via(std::string_view(g[r.via_group].data(), g[r.via_group].size()), r);
        if (!v.empty()) c.via.push_back(v);
      }
      if (r.speaker_group && g[r.speaker_group].data()) {
        std::string_view sp(g[r.speaker_group].data(), g[r.speaker_group].size());
        // "Photo: "Flooded street" by AFP", « Lire aussi : « … » »: a caption's
        // or a page's label is no speaker (CAPTION)
        if (ps.HasWord(Lex::CAPTION, Fold(TrimSpaces(sp)))) continue;
        // « ... » tandis que X a dit / "..." while X wrote: a new clause, not this quote's attribution
        if (r.scope == RuleScope::kAfter) {
          // "..., one resident told the BBC": a verb whose object follows it
          // (CUE_OBJECT: told, tells) has no subject after it
          if (r.cue_group && g[r.cue_group].data() && g[r.cue_group].data() < sp.data()) {
            auto ct = Tokenize(std::string_view(g[r.cue_group].data(), g[r.cue_group].size()));
            if (!ct.empty() && ps.IsWord(Lex::CUE_OBJECT, ct.back().text)) continue;
          }
          auto st = Tokenize(sp);
          // « a-t-il dit », « ont-elles ajouté »: an inverted pronoun is read by
          // the inversion rules, it is no subject before a verb
          if (st.size() == 1) {
            const std::string f = Fold(st[0].text);
            bool inverted = f.find("-t-") != std::string::npos;
            for (std::string_view pron : {"-il", "-elle", "-ils", "-elles", "-on"}) inverted |= f.ends_with(pron);
            if (inverted) continue;
          }
          // (an acronym is no function word: "WHO Director-General Tedros ... told")
          if (!st.empty() && !AllCaps(st[0].text)) {
            std::string f0 = Fold(st[0].text);
            std::string f01 = st.size() > 1 ? f0 + " " + Fold(st[1].text) : f0;
            if (ps.HasWord(Lex::CLAUSE_START, f0) || ps.HasWord(Lex::CLAUSE_START, f01)) continue;
          }
          // « ambitions hégémoniques » de puissances extérieures qu'ils accusent:
          // with no comma or closing punctuation between, a subject that comes
          // before its verb must start with a capital to begin a new clause.
          std::string_view lead = ctx.substr(0, static_cast<size_t>(sp.data() - ctx.data()));
          bool subject_first = r.cue_group && g[r.cue_group].data() && sp.data() < g[r.cue_group].data() &&
                               CountTokens(lead) == 0;
          std::string_view qtext = TrimSpaces(text.substr(q.begin, q.end - q.begin));
          bool punct = lead.find_first_of(",;:") != std::string_view::npos ||
                       (!qtext.empty() && std::string_view(",.!?;").find(qtext.back()) != std::string_view::npos);
          if (subject_first && !punct && !st.empty() && !st[0].upper) continue;
          // "...in our prayers." President Duda remarked, "Today ...": after a quote
          // that ends its sentence, a subject and verb that go on (to another
          // quote, or to reported speech) open the next sentence, not an incise.
          // (a verb before its subject is an incise whatever follows: ""…?"
          // asked Grace Wanjiru, a nurse at the city's main hospital")
          std::string_view inner = TrimSpaces(text.substr(q.begin, q.end - q.begin));
          const bool inverted = r.cue_group && g[r.cue_group].data() && g[r.cue_group].data() < sp.data();
          if (!inverted && !inner.empty() && (inner.back() == '.' || inner.back() == '!' || inner.back() == '?')) {
            size_t rest_b = static_cast<size_t>(g[0].data() - ctx.data()) + g[0].size();
            std::string_view rest = ctx.substr(std::min(rest_b, ctx.size()));
            rest = rest.substr(0, rest.find_first_of(".!?\n"));
            bool opens_quote = rest.find("\xC2\xAB") != std::string_view::npos ||
                               rest.find("\xE2\x80\x9C") != std::string_view::npos ||
                               rest.find('"') != std::string_view::npos;
            if (opens_quote || CountTokens(rest) > 4) continue;
          }
        }
        // « Une position que rejette fermement le Hamas, qui ... » : after an
        // object relative, the verb's subject follows it.
        if (r.scope == RuleScope::kBefore && r.cue_group && g[r.cue_group].data()) {
          auto st = Tokenize(sp);
          if (!st.empty() && ps.IsWord(Lex::OBJECT_RELATIVE, st.back().text)) {
            const char* ce = g[r.cue_group].data() + g[r.cue_group].size();
            std::string_view after(ce, static_cast<size_t>(ctx.data() + ctx.size() - ce));
            size_t cut = after.find_first_of(",.;:!?()\"");
            for (std::string_view mark : {"\xC2\xAB", "\xC2\xBB", "\xE2\x80\x9C", "\xE2\x80\x9D"})
              cut = std::min(cut, after.find(mark));
            after = TrimSpaces(after.substr(0, cut));
            sp = after;
          }
        }
        // « …, a écrit la chanteuse sur son compte Instagram », « …, a déclaré
        // le député au micro de franceinfo »: a relay named at the end of a
        // subject after its verb is the channel, the words before it the subject
        if (r.scope == RuleScope::kAfter && r.cue_group && g[r.cue_group].data() &&
            g[r.cue_group].data() < sp.data()) {
          const size_t b = static_cast<size_t>(sp.data() - text.data()), e = b + sp.size();
          std::vector<ViaHit> hits;
          find_via(text, b, e, &hits);
          for (const ViaHit& h : hits) {
            if (h.match_begin <= b || h.end > e) continue;
            const Mention head = head_before(b, h.match_begin);
            if (head.type == Mention::kNone) break;
            sp = std::string_view(text.data() + head.pos, head.text.size());
            c.via.push_back(h.name);
            break;
          }
        }
        c.mention = resolver.PickMention(sp, static_cast<size_t>(sp.data() - text.data()));
        // « X a jugé « A » et a demandé « B » », "X called it "A" and urged
        // "B"": a second verb joined by a conjunction shares the subject of
        // the quote before it in the sentence
        // (with no such quote, the subject that opens the sentence: "Minister
        // Ahmet Kaya hailed the vote as "a victory" and said the law would
        // help police "stay ahead"")
        if (c.mention.type == Mention::kNone && r.scope == RuleScope::kBefore) {
          const auto st = Tokenize(sp);
          const bool joined =
              !st.empty() && ps.IsWord(Lex::CONJUNCTION, st[0].text) &&
              std::all_of(st.begin() + 1, st.end(), [&](const Token& t) {
                return (ps.ClassesOfWord(t.text) & (Bit(Lex::ADVERB) | Bit(Lex::CLITIC) | Bit(Lex::CONJUNCTION))) != 0;
              });
          if (joined && qi > 0 && work[qi - 1].attributed && work[qi - 1].sent_b == w.sent_b &&
              work[qi - 1].best.mention.type != Mention::kNone) {
            c.mention = work[qi - 1].best.mention;
          } else if (joined) {
            const size_t at = static_cast<size_t>(sp.data() - text.data());
            if (const Speaker subj = resolver.SubjectBefore(w.sent_b, at); subj.entity >= 0) {
              c.mention.type = Mention::kName;
              c.mention.entity = subj.entity;
              c.mention.text = subj.name;
              c.mention.pos = w.sent_b;
            }
          }
        }
        // "Znak.com reported its source said "..."": reported speech inside
        // reported speech; the inner speaker said it, the outer one relayed it.
        if (r.scope == RuleScope::kBefore && r.cue_group && g[r.cue_group].data() &&
            ps.IsWord(Lex::REPORT_CUE, TrimSpaces(std::string_view(g[r.cue_group].data(), g[r.cue_group].size())))) {
          const char* ce = g[r.cue_group].data() + g[r.cue_group].size();
          std::string_view tail(ce, static_cast<size_t>(g[0].data() + g[0].size() - ce));
          auto tt = Tokenize(tail);
          size_t from = !tt.empty() && ps.IsWord(Lex::STOPWORD, tt[0].text) ? 1 : 0;  // "that"
          for (size_t k = from + 1; k < tt.size(); ++k) {
            if (tt[k].upper && tt[k - 1].upper) continue;  // a name's word: "the United States"
            std::string f = Fold(tt[k].text);
            bool aux_pp = ps.HasWord(Lex::AUX, f) && k + 1 < tt.size() && ps.IsWord(Lex::CUE_PP, tt[k + 1].text);
            if (!aux_pp && !ps.HasWord(Lex::CUE_PAST, f) && !ps.HasWord(Lex::CUE_PRES, f) && !ps.HasWord(Lex::CUE_FIN, f))
              continue;
            std::string_view inner = tail.substr(tt[from].begin, tt[k].begin - tt[from].begin);
            if (k - from > 8) break;
            Mention im = resolver.PickMention(inner, static_cast<size_t>(inner.data() - text.data()));
            if (im.type == Mention::kNone) break;
            std::string surface;
            if (resolver.RelayOf(c.mention) && gazetteer_->FindIn(c.mention.text, &surface) &&
                std::find(c.via.begin(), c.via.end(), surface) == c.via.end())
              c.via.push_back(surface);
            c.mention = im;
            break;
          }
        }
        // "The Coast Guard has announced an order by Admiral Elson Hermogino
        // directing units to "…"": a document by a named author, right after
        // the cue, holds the words; its author speaks, and the subject that
        // made it public is the channel.
        if (r.scope == RuleScope::kBefore && r.cue_group && g[r.cue_group].data() && c.mention.type != Mention::kNone) {
          const char* ce = g[r.cue_group].data() + g[r.cue_group].size();
          const std::string_view tail(ce, static_cast<size_t>(g[0].data() + g[0].size() - ce));
          const auto tt = Tokenize(tail);
          for (size_t k = 0; k < 4 && k + 2 < tt.size(); ++k) {
            if (!ps.IsWord(Lex::DOC_WORD, tt[k].text)) continue;
            // (a participle may come between: "signed by", « signée par »)
            size_t by = k + 1;
            if (!ps.IsWord(Lex::AGENT_PREP, tt[by].text) && !tt[by].upper && by + 1 < tt.size()) ++by;
            if (!ps.IsWord(Lex::AGENT_PREP, tt[by].text)) break;
            size_t j = by + 1;
            while (j < tt.size() && tt[j].upper) ++j;
            if (j == by + 1 || j - (by + 1) > 8) break;
            const std::string_view agent = tail.substr(tt[by + 1].begin, tt[j - 1].end - tt[by + 1].begin);
            const Mention im = resolver.PickMention(agent, static_cast<size_t>(agent.data() - text.data()));
            if (im.type != Mention::kName) break;
            const std::string_view outer = TrimSpaces(sp);
            c.via.push_back(CountTokens(outer) <= 6 ? std::string(outer) : c.mention.text);
            c.mention = im;
            break;
          }
        }
        // "The palace issued the following statement from the king:": the
        // document's author is the speaker.
        if (r.scope == RuleScope::kBefore) {
          auto st = Tokenize(sp);
          for (size_t k = 0; k + 2 < st.size(); ++k) {
            if (!ps.IsWord(Lex::DOC_WORD, st[k].text) || !ps.IsWord(Lex::AGENT_PREP, st[k + 1].text)) continue;
            std::string_view inner = sp.substr(st[k + 2].begin);
            Mention im = resolver.PickMention(inner, static_cast<size_t>(inner.data() - text.data()));
            if (im.type != Mention::kNone) c.mention = im;
            break;
          }
        }
        // "Le quotidien Le Parisien rapporte que le ministre a déclaré : « ... »":
        // the relaying verb sits inside the subject phrase.
        if (r.scope == RuleScope::kBefore) {
          auto st = Tokenize(sp);
          for (size_t k = st.size(); k-- > 1;) {
            if (!ps.IsWord(Lex::REPORT_CUE, st[k].text)) continue;
            size_t from = k + 1;
            if (from < st.size() && ps.IsWord(Lex::STOPWORD, st[from].text)) ++from;  // que / that
            if (from >= st.size()) break;
            std::string_view inner = sp.substr(st[from].begin);
            Mention im = resolver.PickMention(inner, static_cast<size_t>(inner.data() - text.data()));
            if (im.type == Mention::kNone) break;
            std::string_view outer = sp.substr(0, st[k].begin);
            std::string surface;
            if (gazetteer_->FindIn(outer, &surface) && std::find(c.via.begin(), c.via.end(), surface) == c.via.end())
              c.via.push_back(surface);
            c.mention = im;
            break;
          }
        }
        std::string surface;
        const Relay* rel = resolver.RelayOf(c.mention);
        if (!rel && c.mention.type == Mention::kDescription) rel = gazetteer_->FindIn(c.mention.text, &surface);
        // "selon l'AFP, « ... »": the agency is the channel, not the speaker;
        // but an outlet that itself says or writes the words ("Le quotidien
        // Le Figaro annonce que « ... »") is the speaker, and no channel.
        bool source = c.cue.empty() || ps.IsWord(Lex::SOURCE_CUE, c.cue);
        if (rel && (rel->type == "agency" || source)) {
          if (surface.empty()) surface = c.mention.text;
          if (std::find(c.via.begin(), c.via.end(), surface) == c.via.end()) c.via.push_back(surface);
          // the words before the relay's name, in the description or the phrase
          const size_t sp_pos = static_cast<size_t>(sp.data() - text.data());
          size_t from = sp_pos, to = c.mention.pos;
          if (c.mention.type == Mention::kDescription) {
            const size_t k = c.mention.text.find(surface);
            from = c.mention.pos;
            to = k == std::string::npos ? from : from + k;
          }
          c.mention = to > from ? head_before(from, to) : Mention();
        } else if (rel) {
          // the outlet speaks: keep the mention
        } else if (c.mention.type == Mention::kDescription) {
          // "selon le communiqué du ministère": a document is the channel, its author the speaker
          auto dt = Tokenize(c.mention.text);
          size_t i = 0;
          while (i < dt.size() && ps.IsWord(Lex::DETERMINER, dt[i].text)) ++i;
          // "the ministry's statement", "Trump's latest tweet": a document
          // whose possessor wrote it (one word may qualify the document)
          Mention author;
          if (const size_t doc = dt.size() - 1; dt.size() > i + 1 && ps.IsWord(Lex::DOC_WORD, dt[doc].text)) {
            for (size_t k = doc; k-- > i && doc - k <= 2;) {
              // with its article: "the ministry's" -> "the ministry"
              author = resolver.PossessorOf(c.mention.pos + dt[0].begin, c.mention.pos + dt[k].end);
              if (author.type != Mention::kNone) break;
            }
          }
          if (author.type != Mention::kNone) {
            c.via.push_back(c.mention.text);
            c.mention = author;
          } else if (i < dt.size() && ps.IsWord(Lex::DOC_WORD, dt[i].text)) {
            c.via.push_back(c.mention.text);
            size_t j = i + 1;
            // "a tweet on Monday by US Secretary of State Mike Pompeo": the agent
            bool agent = false;
            for (size_t k = i + 1; k + 1 < dt.size() && !agent; ++k)
              if (ps.IsWord(Lex::AGENT_PREP, dt[k].text)) { j = k + 1; agent = true; }
            while (j < dt.size() && (ps.IsWord(Lex::PREPOSITION, dt[j].text) || ps.IsWord(Lex::DETERMINER, dt[j].text))) ++j;
            if (j < dt.size() && j > i + 1) {
              std::string_view rest = std::string_view(c.mention.text).substr(dt[j].begin);
              size_t at = c.mention.pos + dt[j].begin;
              if (agent) {
                c.mention = resolver.PickMention(text.substr(at, rest.size()), at);
              } else {  // "le communiqué du ministère de l'Intérieur"
                Mention author;
                author.type = Mention::kDescription;
                author.text = std::string(rest);
                author.pos = at;
                c.mention = author;
              }
            } else {
              // "The report, published by Amnesty International, said …": the
              // agent of a participle set off by commas right after the
              // document wrote it
              Mention author;
              const size_t doc_end = c.mention.pos + c.mention.text.size();
              const size_t sp_end = static_cast<size_t>(sp.data() - text.data()) + sp.size();
              if (doc_end < sp_end) {
                const std::string_view rest = text.substr(doc_end, sp_end - doc_end);
                const size_t lead = rest.find_first_not_of(' ');
                if (lead != std::string_view::npos && rest[lead] == ',') {
                  std::string_view app = rest.substr(lead + 1);
                  app = app.substr(0, app.find(','));
                  const auto at = Tokenize(app);
                  for (size_t k = 1; k <= 2 && k + 1 < at.size(); ++k) {
                    if (!ps.IsWord(Lex::AGENT_PREP, at[k].text)) continue;
                    const std::string_view agent = TrimSpaces(app.substr(at[k + 1].begin));
                    author = resolver.PickMention(agent, static_cast<size_t>(agent.data() - text.data()));
                    break;
                  }
                }
              }
              // ""…," the message read" after "In a message to employees,
              // chief executive Kelly Ortberg said …": a definite document
              // is the one of the latest quote whose sentence names it, and
              // so is its author
              if (author.type == Mention::kNone && i > 0 && !ps.IsWord(Lex::INDEFINITE, dt[0].text)) {
                const std::string doc = Fold(dt[i].text);
                for (size_t k = qi; k-- > 0 && work[k].sent_b + 2000 > w.sent_b;) {
                  const Work& pw = work[k];
                  if (!pw.attributed || pw.best.mention.type == Mention::kNone || pw.sent_b >= q.open) continue;
                  bool names_doc = false;
                  const size_t upto = std::min(pw.sent_e, q.open);
                  for (const auto& t : Tokenize(text.substr(pw.sent_b, upto - pw.sent_b), pw.sent_b))
                    if (!InsideQuote(spans, t.begin) && Fold(t.text) == doc) { names_doc = true; break; }
                  if (names_doc) { author = pw.best.mention; break; }
                }
              }
              c.mention = author;
            }
          } else if (source && r.cue_group && g[r.cue_group].data()) {
            // "selon les médias locaux": media named by their kind are the channel too
            size_t b = g[r.cue_group].data() - text.data();
            size_t e = std::max(b, c.mention.pos + c.mention.text.size());
            std::vector<ViaHit> hits;
            find_via(text, b, std::min(e, text.size()), &hits);
            for (const auto& h : hits) {
              if (h.begin < c.mention.pos || h.end > e) continue;
              c.via.push_back(h.name);
              c.mention = head_before(c.mention.pos, h.begin);
              break;
            }
          }
        }
        // speaker_head: "La question reste entière : « ... »" names no speaker
        if ((r.speaker_head || !r.speaker_not.empty()) && c.mention.type == Mention::kDescription) {
          auto dt = Tokenize(c.mention.text);
          size_t i = 0;
          while (i < dt.size() && ps.IsWord(Lex::DETERMINER, dt[i].text)) ++i;
          if (r.speaker_head && i < dt.size() && !(ps.ClassesOfWord(dt[i].text) & r.speaker_head)) continue;
          if (!r.speaker_not.empty() && i < dt.size() && ps.HasWord(r.speaker_not, Fold(dt[i].text))) continue;
        }
        c.speaker = resolver.Resolve(c.mention);
      }
      // An attribution that names no one scores lowest; one whose mention is
      // known but unresolved ("il" with no antecedent, "one of the victims") is
      // still an attribution of this quote.
      c.score = r.confidence * (!c.speaker.name.empty() ? 0.7 + 0.3 * c.speaker.confidence
                                : c.mention.type != Mention::kNone ? 0.65 : 0.6);
      if (!have_best || c.score > best.score || (c.score == best.score && ri < best_index)) {
        best = std::move(c);
        best_index = ri;
        have_best = true;
      }
    }
    // « Il faut, a-t-elle expliqué, une gouvernance unique » : an incise
    // inside the marks attributes its quote (see `incises` above).
    if (!have_best && incises[qi].rule) {
      const Incise& in = incises[qi];
      const Rule& r = *in.rule;
      const std::string_view inc = text.substr(in.begin, in.end - in.begin);
      g.assign(r.re->NumberOfCapturingGroups() + 1, re2::StringPiece());
      re2::StringPiece input(inc.data(), inc.size());
      if (MatchRule(r, input, 0, inc.size(), RE2::ANCHOR_START, g.data(), static_cast<int>(g.size())) &&
          g[r.speaker_group].data()) {
        Candidate cand;
        cand.rule = &r;
        if (r.cue_group && g[r.cue_group].data())
          cand.cue = std::string(TrimSpaces(std::string_view(g[r.cue_group].data(), g[r.cue_group].size())));
        const std::string_view sp(g[r.speaker_group].data(), g[r.speaker_group].size());
        cand.mention = resolver.PickMention(sp, static_cast<size_t>(sp.data() - text.data()));
        if (cand.mention.type != Mention::kNone) {
          cand.speaker = resolver.Resolve(cand.mention);
          cand.score = r.confidence * 0.9 * (!cand.speaker.name.empty() ? 0.7 + 0.3 * cand.speaker.confidence : 0.65);
          best = std::move(cand);
          have_best = true;
        }
      }
    }
    if (have_best) {
      w.best = std::move(best);
      w.attributed = true;
      // later pronouns and short descriptions may refer to this speaker
      if (!w.best.speaker.name.empty()) resolver.NoteSpeaker(w.best.speaker, q.open);
      else if (w.best.mention.type == Mention::kDescription) resolver.NoteUnnamed(w.best.mention, q.open);
    }
  }

  // « X a déclaré …, avant d'ajouter : « … » », "…, adding: "…"": the words
  // between two quotes end with a clause of the same subject (an infinitive
  // after « avant de », or a CONTINUE gerund such as "adding", « ajoutant »)
  auto same_subject_goes_on = [&](std::string_view gap) {
    const auto gt = Tokenize(gap);
    for (size_t i = 0; i < gt.size(); ++i) {
      const std::string f = Fold(gt[i].text);
      if (f == "avant" && i + 1 < gt.size()) {
        const std::string n = Fold(gt[i + 1].text);
        if (n == "de" || n == "d'" || n == "d\u2019") return true;
      }
      if (f.size() > 5 && (f.ends_with("ing") || f.ends_with("ant")) && ps.HasWord(Lex::CONTINUE, f)) return true;
    }
    return false;
  };
  // Incises and quote pairs in one sentence share the speaker found for either.
  for (size_t qi = 0; qi < work.size(); ++qi) {
    Work& w = work[qi];
    if (w.attributed && !w.best.speaker.name.empty()) continue;
    // « … », explique X. Et d'ajouter : « … »: a sentence of « Et de » and an
    // infinitive alone goes on with the speaker of the quote before it
    bool et_de = false;
    {
      const auto lt = Tokenize(text.substr(w.sent_b, w.span.open - w.sent_b));
      if (lt.size() == 3) {
        const std::string f1 = Fold(lt[1].text);
        et_de = Fold(lt[0].text) == "et" && (f1 == "de" || f1 == "d'" || f1 == "d\u2019");
      }
    }
    for (size_t d : {qi - 1, qi + 1}) {
      if (d >= work.size()) continue;
      Work& o = work[d];
      const bool goes_on = et_de && d < qi && o.span.para_begin == w.span.para_begin;
      if (!o.attributed || o.best.speaker.name.empty() || (o.sent_b != w.sent_b && !goes_on)) continue;
      // only when little more than the other's attribution separates them
      size_t gb = d < qi ? o.span.after : w.span.after;
      size_t ge = d < qi ? w.span.open : o.span.open;
      if (ge < gb) continue;
      const std::string_view gap = text.substr(gb, ge - gb);
      const size_t gap_words = CountTokens(gap);
      if (gap_words > 8 && !(d < qi && gap_words <= 40 && (goes_on || same_subject_goes_on(gap)))) continue;
      Candidate c = o.best;
      c.score *= 0.9;
      static const Rule kIncise{"incise", "", 0, RuleScope::kBefore, 0.8, nullptr, 0, 0, 0};
      c.rule = &kIncise;
      w.best = c;
      w.attributed = true;
      break;
    }
  }

  // Keep quotes, drop names, titles and terms.
  std::vector<std::string> names_given;  // the folded words of quotes dropped as names or titles
  for (auto& w : work) {
    const QuoteSpan& q = w.span;
    std::string_view inner = text.substr(q.begin, q.end - q.begin);
    auto toks = Tokenize(inner);
    if (toks.empty()) { w.keep = false; continue; }
    std::string_view left = text.substr(w.sent_b, q.open - w.sent_b);
    auto ltoks = Tokenize(left);
    std::string prev = ltoks.empty() ? "" : Fold(ltoks.back().text);
    std::string prev2 = ltoks.size() < 2 ? "" : Fold(ltoks[ltoks.size() - 2].text);
    // (a caption's label opening the sentence: "Photo: "Flooded street"")
    const bool label = ltoks.size() <= 3 && !ltoks.empty() &&
                       (ps.HasWord(Lex::CAPTION, prev) || ps.HasWord(Lex::CAPTION, prev2 + " " + prev));
    // (a work's title starts with a capital: a lower-case phrase of words that
    // a speech verb attributes is what was said of the work, "X called the
    // mission "a triumph of engineering"", « a jugé le plan « irréaliste et dangereux » »)
    const bool said_of_work = !toks[0].upper && toks.size() >= 2 && w.attributed && w.best.rule &&
                              w.best.rule->re && !w.best.cue.empty();
    bool naming = label || ps.HasWord(Lex::NAMING, prev) || ps.HasWord(Lex::NAMING, prev2 + " " + prev) ||
                  (!said_of_work && (ps.HasWord(Lex::WORK_WORD, prev) ||
                                     (ps.HasWord(Lex::DETERMINER, prev) && ps.HasWord(Lex::WORK_WORD, prev2))));
    // « s'est dit « profondément alarmé » »: the naming word is the speech
    // verb the attribution found, with its auxiliary or clitic (« se dit »),
    // not a name being given (a bare participle names: "a process called "exfiltration"")
    if (naming && w.attributed && !w.best.cue.empty()) {
      auto ct = Tokenize(w.best.cue);
      if ((ct.size() >= 2 || ps.HasWord(Lex::CLITIC, prev2)) && Fold(ct.back().text) == prev) naming = false;
    }
    size_t n = toks.size();
    size_t caps = 0, long_words = 0;
    for (const auto& t : toks) {
      // (a fold is never longer than the word, and as long when it is ASCII)
      const bool ascii = std::all_of(t.text.begin(), t.text.end(), [](char c) { return (c & 0x80) == 0; });
      const bool long_word = t.upper || (t.text.size() >= 4 && (ascii || Fold(t.text).size() >= 4));
      if (long_word) { ++long_words; if (t.upper) ++caps; }
    }
    // (every long word capitalised, and more than one when the phrase has
    // more than one word: « On va où ? » is speech, its one long word opens it)
    bool title_case = long_words > 0 && caps == long_words && n <= 6 && (long_words >= 2 || n == 1);
    // between two capitalised words: a nickname ("Obama raille « Coach » Romney")
    std::string_view after = text.substr(q.after, std::min<size_t>(40, text.size() - q.after));
    auto atoks = Tokenize(after);
    // or capitalised itself right before a name ("Obama raille « Coach » Romney")
    // (on the same line, and not after a quote that ends its sentence: "Cullen
    // said: "Yes." (paragraph) He left." is no nickname)
    const std::string_view inner_end = TrimSpaces(inner);
    const bool ends_sentence_inside = !inner_end.empty() && std::string_view(".!?").find(inner_end.back()) != std::string_view::npos;
    const bool name_follows = !atoks.empty() && atoks.front().upper && !ends_sentence_inside &&
                              TrimSpaces(text.substr(q.after, atoks.front().begin)).empty() &&
                              text.substr(q.after, atoks.front().begin).find('\n') == std::string_view::npos;
    bool nickname = n <= 2 && name_follows && ((!ltoks.empty() && ltoks.back().upper) || title_case);
    bool attributed_close = w.attributed && w.best.rule && w.best.rule->confidence >= 0.85 &&
                            !w.best.speaker.name.empty();
    if (naming || nickname || (title_case && !attributed_close)) {
      w.keep = false;
      names_given.push_back(Fold(inner_end));
      continue;
    }
    // A short capitalised phrase right after an article names something,
    // whoever the sentence's speaker: « choisir un « Congrès national général » »,
    // "the "Great Recession"" (not a pronoun: « une « Nous » »; no stop inside)
    {
      const bool after_article = !ltoks.empty() && ps.HasWord(Lex::DETERMINER, prev) &&
                                 TrimSpaces(text.substr(ltoks.back().end + w.sent_b, q.open - ltoks.back().end - w.sent_b))
                                     .empty();
      const bool stop = inner_end.find_first_of(".!?,;:") != std::string_view::npos;
      if (after_article && toks[0].upper && n <= 4 && !stop && !(ps.ClassesOfWord(toks[0].text) & kPronounClasses)) {
        w.keep = false;
        names_given.push_back(Fold(inner_end));
        continue;
      }
    }
    if (n <= 1 && !w.attributed) { w.keep = false; continue; }
    // a code of letters and digits is no one's words: « de « A3 » à « Baa3 » », "a "B52""
    if (n == 1) {
      const std::string_view t = toks[0].text;
      const bool digit = std::any_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
      const bool letter = std::any_of(t.begin(), t.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      });
      if (digit && letter) { w.keep = false; continue; }
    }
  }

  // The words the article gives as a name or a title once are that name
  // wherever they stand in quotation marks: a headline's « Anatomie d'une
  // chute » after « le film « Anatomie d'une chute » ».
  if (!names_given.empty())
    for (auto& w : work)
      if (w.keep &&
          std::find(names_given.begin(), names_given.end(),
                    Fold(TrimSpaces(text.substr(w.span.begin, w.span.end - w.span.begin)))) != names_given.end())
        w.keep = false;

  // A quote running over paragraphs is attributed where it ends (« "...
  // (paragraph) "... ," the mayor said »): its earlier paragraphs take that
  // speaker, from the last part back.
  static const Rule kCont{"continued", "", 0, RuleScope::kBefore, 0.9, nullptr, 0, 0, 0};
  const Work* next = nullptr;
  for (size_t qi = work.size(); qi-- > 0;) {
    Work& w = work[qi];
    if (!w.keep) continue;
    if (!w.attributed && w.span.continued && next && next->span.open >= w.span.para_end && next->attributed &&
        !next->best.speaker.name.empty()) {
      w.best = next->best;
      w.best.score *= 0.95;
      w.best.rule = &kCont;
      w.best.mention = Mention();
      w.best.cue.clear();
      w.attributed = true;
    }
    next = &w;
  }

  // Floating quotes take the speaker of the quote before in the paragraph (or
  // the paragraph before); a quote running over paragraphs keeps its speaker.
  // A fallback attribution (no rule matched): `rule` names it, its
  // confidence scales the speaker's.
  auto fall_back = [](Work& w, const Rule& rule, const Mention& m, const Speaker& sp, std::string cue = "") {
    w.best = Candidate();
    w.best.rule = &rule;
    w.best.mention = m;
    w.best.speaker = sp;
    w.best.cue = std::move(cue);
    w.best.score = rule.confidence * (0.7 + 0.3 * sp.confidence);
    w.attributed = true;
  };
  const Work* last = nullptr;
  for (auto& w : work) {
    if (!w.keep) continue;
    // The named subject of the quote's sentence, when it stands before the
    // quote (looked up once: the floating test and the subject rule use it).
    const Speaker subj = w.attributed ? Speaker() : resolver.SubjectBefore(w.sent_b, w.span.open);
    // a quote inside a sentence whose named subject stands before it is that
    // subject's ("La climatologue X juge la situation « ... »"), not the
    // speaker of the paragraph before
    const bool own_subject = w.sent_b < w.span.open && !subj.name.empty();
    // « Estimant que « le catalan est notre propre langue », il vota contre »,
    // "Calling the plan "reckless", Warren voted against it": a quote in a
    // participle clause that opens its sentence is the words of the main
    // clause's subject, a pronoun or a name right after the clause's comma
    // (pattern `participle_clause`).
    if (!w.attributed) {
      const auto lt = Tokenize(text.substr(w.sent_b, w.span.open - w.sent_b));
      const std::string f0 = lt.empty() ? "" : Fold(lt[0].text);
      if (!lt.empty() && lt.size() <= 5 && (ps.Classes(f0) & (Bit(Lex::CUE_PPR) | Bit(Lex::CUE_GER)))) {
        const size_t se = sentence_of(w.span.open).second;
        const std::string_view right = text.substr(w.span.after, se > w.span.after ? se - w.span.after : 0);
        const size_t comma = right.find(',');
        // (the clause may go on after the quote, but opens no other one)
        const std::string_view rest = right.substr(0, comma);
        if (comma != std::string_view::npos && CountTokens(rest) <= 8 && rest.find("\xC2\xAB") == std::string_view::npos &&
            rest.find("\xE2\x80\x9C") == std::string_view::npos && rest.find('"') == std::string_view::npos) {
          const std::string_view main = right.substr(comma + 1);
          const auto mt = Tokenize(main);
          size_t n = 0;  // a pronoun of a person, or a name
          if (!mt.empty() && (ps.ClassesOfWord(mt[0].text) & kPronounClasses & ~Bit(Lex::PRON_NEUT))) n = 1;
          else
            while (n < mt.size() && n < 6 && mt[n].upper) ++n;
          if (n > 0 && n < mt.size()) {
            const std::string_view subject = main.substr(mt[0].begin, mt[n - 1].end - mt[0].begin);
            const Mention m = resolver.PickMention(subject, static_cast<size_t>(subject.data() - text.data()));
            const Speaker sp = m.type == Mention::kNone ? Speaker() : resolver.Resolve(m);
            if (!sp.name.empty()) {
              static const Rule kParticiple{"participle_clause", "", 0, RuleScope::kBefore, 0.7, nullptr, 0, 0, 0};
              fall_back(w, kParticiple, m, sp, std::string(lt[0].text));
            }
          }
        }
      }
    }
    // A quote that opens its sentence goes on from a sentence just before,
    // with no quotation of its own, that says who speaks: "She said it was
    // under control. "We have a plan."" (the subject of its speech verb, a
    // name, a pronoun or a description; pattern `said_before`), also after
    // another speaker's quote in the paragraph ("… "fantasy economics".
    // Torres dismissed the criticism. "He has had eight years."")
    if (!w.attributed && !own_subject && TrimSpaces(text.substr(w.sent_b, w.span.open - w.sent_b)).empty()) {
      auto it = std::lower_bound(starts.begin(), starts.end(), w.sent_b);
      if (it != starts.begin() && *(it - 1) >= w.span.para_begin) {
        const size_t pb = *(it - 1);
        const std::string_view prev_sentence = text.substr(pb, w.sent_b - pb);
        const auto pt = Tokenize(prev_sentence);
        constexpr LexMask kVerb = Bit(Lex::CUE_PAST) | Bit(Lex::CUE_PRES) | Bit(Lex::CUE_FIN);
        size_t cue = pt.size();
        for (size_t k = 1; k < pt.size() && k <= 7 && cue == pt.size(); ++k) {
          const LexMask m = ps.ClassesOfWord(pt[k].text);
          if (m & kVerb) cue = k;
          else if ((m & Bit(Lex::AUX)) && k + 1 < pt.size() && ps.IsWord(Lex::CUE_PP, pt[k + 1].text)) cue = k;
        }
        // (a sentence with a quotation of its own is no lead-in)
        const bool quoted = std::any_of(work.begin(), work.end(), [&](const Work& o) {
          return o.span.open >= pb && o.span.open < w.sent_b;
        });
        if (cue < pt.size() && !quoted) {
          const std::string_view subject = TrimSpaces(prev_sentence.substr(0, pt[cue].begin));
          const Mention m = resolver.PickMention(subject, static_cast<size_t>(subject.data() - text.data()));
          const Speaker sp = m.type == Mention::kNone ? Speaker() : resolver.Resolve(m);
          if (!sp.name.empty() && sp.kind != "place") {
            static const Rule kSaidBefore{"said_before", "", 0, RuleScope::kBefore, 0.6, nullptr, 0, 0, 0};
            fall_back(w, kSaidBefore, m, sp);
          }
        } else if (!quoted) {
          // with no speech verb, a person named as its subject: "Santos
          // shrugs. "We have heard that before."" (pattern `subject_before`)
          const Speaker sp = resolver.SubjectBefore(pb, w.sent_b);
          if (!sp.name.empty() && sp.kind == "person") {
            static const Rule kSubjectBefore{"subject_before", "", 0, RuleScope::kBefore, 0.5, nullptr, 0, 0, 0};
            fall_back(w, kSubjectBefore, Mention(), sp);
          }
        }
      }
    }
    if (!w.attributed && last && !own_subject) {
      bool continued = last->span.continued && last->span.para_end < w.span.open;
      bool near = last->span.para_begin == w.span.para_begin ||
                  text.substr(last->span.para_end, w.span.para_begin - last->span.para_end)
                          .find_first_not_of("\n ") == std::string_view::npos;
      if ((continued || near) && !last->best.speaker.name.empty()) {
        w.best = last->best;
        w.best.score *= continued ? 0.95 : 0.7;
        static const Rule kFloat{"floating", "", 0, RuleScope::kBefore, 0.5, nullptr, 0, 0, 0};
        w.best.rule = continued ? &kCont : &kFloat;
        w.best.mention = Mention();
        w.best.cue.clear();
        w.attributed = true;
      }
    }
    // A phrase quoted in a sentence with no speech verb ("Marc Guillemot a dû
    // faire demi-tour après avoir entendu deux « bangs successifs »") is the
    // words of the sentence's named subject, at low confidence.
    if (!w.attributed) {
      if (!subj.name.empty()) {
        static const Rule kSubject{"subject", "", 0, RuleScope::kBefore, 0.4, nullptr, 0, 0, 0};
        w.best = Candidate();
        w.best.rule = &kSubject;
        w.best.speaker = subj;
        w.best.score = 0.4 * subj.confidence;
        w.attributed = true;
      }
    }
    if (w.attributed && !w.best.speaker.name.empty() && w.best.rule && w.best.rule->re == nullptr)
      resolver.NoteSpeaker(w.best.speaker, w.span.open);  // floated or shared speakers
    last = &w;
  }

  // Vias. A quote's channel is looked for in its own clause, with the words
  // of quotations blanked out (they are not the article's), a quotation that
  // ends with a stop ending its sentence ("... unfold." Sophie Obadia told
  // ...) and a semicolon its clause; the relay named by the attribution comes
  // first, then the nearest. A quote with none takes the channel of the same
  // speaker's words just before in the paragraph when it continues them: a
  // floating quote, an incise, or a sentence that says so ("He added", "It
  // also urged", "a-t-il ajouté"). An outlet that is the speaker is no via.
  std::string masked(text);
  for (const auto& w : work)
    if (w.keep) std::fill(masked.begin() + w.span.begin, masked.begin() + w.span.end, ' ');
  auto ends_sentence = [&](const QuoteSpan& q) {
    if (!q.closed || q.end <= q.begin) return false;
    size_t i = q.end;
    char32_t last = 0;
    while (i > q.begin) {
      last = PrevCodePoint(text, i);
      if (last != ']' && last != ')' && !IsSpace(last)) break;
    }
    if (last != '.' && last != '!' && last != '?' && last != 0x2026) return false;
    size_t p = q.after;
    while (p < text.size()) {
      size_t k = p;
      char32_t c = NextCodePoint(text, k);
      if (c == '\n' || !IsSpace(c)) break;
      p = k;
    }
    if (p == q.after || p >= text.size() || text[p] == '\n') return false;
    size_t k = p;
    char32_t next = NextCodePoint(text, k);
    return IsUpper(next) || IsDigit(next) || next == 0xAB || next == 0x201C || next == '"';
  };
  std::vector<size_t> via_starts = starts;
  for (const auto& w : work)
    if (ends_sentence(w.span)) via_starts.push_back(w.span.after);
  std::sort(via_starts.begin(), via_starts.end());
  auto real_rule = [](const Work& w) { return w.attributed && w.best.rule && w.best.rule->re; };
  // The stretch of text whose vias are the quote's own.
  auto via_scope = [&](size_t qi) -> std::pair<size_t, size_t> {
    const QuoteSpan& q = work[qi].span;
    auto [lo, hi] = sentence_of(q.open);
    size_t sb = lo;
    hi = std::max(hi, q.after);
    for (size_t j = qi; j-- > 0;) {
      const QuoteSpan& p = work[j].span;
      if (p.after <= sb) break;
      if (p.after <= q.open && ends_sentence(p)) { lo = p.after; break; }
    }
    if (ends_sentence(q)) {
      // the words after it are its attribution only when a rule found it there
      bool after_rule = real_rule(work[qi]) && work[qi].best.rule->scope == RuleScope::kAfter;
      hi = q.after;
      if (after_rule) {
        hi = std::max(work[qi].sent_e, q.after);
        if (qi + 1 < work.size()) hi = std::min(hi, std::max(work[qi + 1].span.open, q.after));
      }
    } else {
      for (size_t j = qi + 1; j < work.size() && work[j].span.open < hi; ++j)
        if (ends_sentence(work[j].span)) { hi = std::min(hi, work[j].span.after); break; }
    }
    // a semicolon ends a clause, and what lies beyond it is said of something else
    std::string_view m(masked);
    if (size_t k = m.substr(lo, q.open - lo).rfind(';'); k != std::string_view::npos) lo += k + 1;
    if (size_t k = m.substr(q.after, hi - q.after).find(';'); k != std::string_view::npos) hi = q.after + k;
    return {lo, hi};
  };
  auto says_continued = [&](size_t b, size_t e) {
    auto toks = Tokenize(std::string_view(masked).substr(b, e - b));
    // each word folded once (for itself and for the pairs it is in)
    std::vector<std::string> bufs(toks.size());
    std::vector<std::string_view> f(toks.size());
    for (size_t i = 0; i < toks.size(); ++i) f[i] = FoldView(toks[i].text, &bufs[i]);
    std::string pair;
    for (size_t i = 0; i < toks.size(); ++i) {
      if (ps.HasWord(Lex::CONTINUE, f[i])) return true;
      if (i + 1 < toks.size()) {
        pair.assign(f[i]).append(" ").append(f[i + 1]);
        if (ps.HasWord(Lex::CONTINUE, pair)) return true;
      }
    }
    return false;
  };
  // Whether the speaker is named (by the last word of its name) in text[b, e).
  auto names_speaker = [&](const std::string& speaker, size_t b, size_t e) {
    auto st = Tokenize(speaker);
    if (st.empty()) return false;
    const std::string last = Fold(st.back().text);
    std::string buf;
    for (const auto& t : Tokenize(std::string_view(masked).substr(b, e - b)))
      if (FoldView(t.text, &buf) == last) return true;
    return false;
  };
  auto is_speaker = [&](const std::string& via, const std::string& speaker) {
    if (speaker.empty()) return false;
    if (Fold(via) == Fold(speaker)) return true;
    const Relay* a = gazetteer_->FindIn(via, nullptr);
    return a && (a == gazetteer_->Find(speaker) || a == gazetteer_->FindIn(speaker, nullptr));
  };
  auto add_hits = [&](std::vector<ViaHit> hits, const QuoteSpan& q, std::vector<std::string>* via) {
    auto dist = [&](const ViaHit& h) -> size_t {
      if (h.end <= q.open) return q.open - h.end;
      if (h.begin >= q.after) return h.begin - q.after;
      return 0;
    };
    std::stable_sort(hits.begin(), hits.end(),
                     [&](const ViaHit& a, const ViaHit& b) { return dist(a) < dist(b); });
    // A document phrase the attribution cut at its verb ("Un rapport de la
    // Ligue arabe") is not named again as a sentence rule ran it on ("... de
    // la Ligue arabe apporte la même conclusion").
    auto extends = [&](const std::string& v, const std::string& name) {
      return name.size() > v.size() + 1 && name.compare(0, v.size(), v) == 0 && name[v.size()] == ' ' &&
             !gazetteer_->FindIn(v, nullptr);
    };
    // "told state news agency Tass": the kind of medium right before a
    // relay's name is that relay, not a channel of its own
    auto starts_upper = [](std::string_view s) {
      size_t p = 0;
      return !s.empty() && IsUpper(NextCodePoint(s, p));
    };
    auto kind_before_relay = [&](const ViaHit& h) {
      if (gazetteer_->FindIn(h.name, nullptr)) return false;
      return std::any_of(hits.begin(), hits.end(), [&](const ViaHit& o) {
        // (a relay of the gazetteer, or a capitalised name the kind announces:
        // « la télévision publique Rossiya 1 »)
        if (&o == &h) return false;
        if (!gazetteer_->FindIn(o.name, nullptr) && !(o.begin >= h.end && starts_upper(o.name))) return false;
        if (o.begin <= h.begin && o.end > h.end) return true;  // read as one phrase by another rule
        return o.begin >= h.end && o.begin <= h.end + 2 &&
               TrimSpaces(std::string_view(masked).substr(h.end, o.begin - h.end)).empty();
      });
    };
    for (const auto& h : hits)
      if (!kind_before_relay(h) && std::none_of(via->begin(), via->end(), [&](const std::string& v) {
            return v == h.name || extends(v, h.name);
          }))
        via->push_back(h.name);
  };
  std::vector<std::vector<std::string>> vias(work.size());
  size_t prev = work.size();
  for (size_t qi = 0; qi < work.size(); ++qi) {
    Work& w = work[qi];
    if (!w.keep) continue;
    const QuoteSpan& q = w.span;
    const std::string& speaker = w.best.speaker.name;
    std::string how = w.attributed && w.best.rule ? w.best.rule->id : "";
    std::vector<std::string> via;
    if (real_rule(w) || how == "incise") via = w.best.via;
    auto [lo, hi] = via_scope(qi);
    std::vector<ViaHit> hits;
    if (ends_sentence(q) && hi > q.after) {
      // after a quote that ends its sentence, only when nothing before names a channel
      find_via(masked, lo, q.open, &hits);
      if (hits.empty()) find_via(masked, q.after, hi, &hits);
    } else {
      find_via(masked, lo, hi, &hits);
    }
    add_hits(std::move(hits), q, &via);
    via.erase(std::remove_if(via.begin(), via.end(), [&](const std::string& v) { return is_speaker(v, speaker); }),
              via.end());
    if (via.empty() && prev < work.size() && how == "continued") {
      via = vias[prev];
    } else if (via.empty() && !speaker.empty() &&
               (how == "floating" || how == "incise" || says_continued(lo, hi))) {
      const Work& p = work[prev < work.size() ? prev : qi];
      if (prev < work.size() && p.span.para_begin == q.para_begin && p.best.speaker.name == speaker &&
          !vias[prev].empty()) {
        via = vias[prev];
      } else {
        // the sentence before, in the same paragraph, when it names the speaker
        auto it = std::lower_bound(via_starts.begin(), via_starts.end(), lo);
        if (it != via_starts.begin() && *(it - 1) >= q.para_begin && names_speaker(speaker, *(it - 1), lo)) {
          std::vector<ViaHit> before;
          find_via(masked, *(it - 1), lo, &before);
          add_hits(std::move(before), q, &via);
          via.erase(std::remove_if(via.begin(), via.end(),
                                   [&](const std::string& v) { return is_speaker(v, speaker); }),
                    via.end());
        }
      }
    }
    vias[qi] = std::move(via);
    prev = qi;
  }
  // An unnamed speaker the article describes more fully at another quote
  // ("un porte-parole de la police" … "le porte-parole de la police
  // madrilène") goes by the fullest description: the same head noun and
  // every content word of the shorter one.
  {
    auto content = [&](std::string_view d) {
      std::vector<std::string> out;
      for (const Token& t : Tokenize(d)) {
        if (ps.ClassesOfWord(t.text) & (Bit(Lex::DETERMINER) | Bit(Lex::PREPOSITION) | Bit(Lex::STOPWORD))) continue;
        std::string f = Fold(t.text);
        if (f.size() >= 3) out.push_back(std::move(f));
      }
      return out;
    };
    std::vector<std::pair<size_t, std::vector<std::string>>> described;  // quote, its speaker's words
    for (size_t qi = 0; qi < work.size(); ++qi) {
      const Speaker& sp = work[qi].best.speaker;
      if (!work[qi].keep || sp.entity >= 0 || sp.name.empty() || sp.name.find(';') != std::string::npos) continue;
      if (auto cw = content(sp.name); !cw.empty()) described.emplace_back(qi, std::move(cw));
    }
    std::vector<std::string> fullest(described.size());
    for (size_t a = 0; a < described.size(); ++a) {
      const auto& aw = described[a].second;
      size_t most = aw.size();
      for (const auto& [qb, bw] : described) {
        if (bw.size() <= most || bw[0] != aw[0]) continue;
        if (!std::all_of(aw.begin(), aw.end(), [&](const std::string& w) {
              return std::find(bw.begin(), bw.end(), w) != bw.end();
            }))
          continue;
        most = bw.size();
        fullest[a] = work[qb].best.speaker.name;
      }
    }
    for (size_t a = 0; a < described.size(); ++a)
      if (!fullest[a].empty()) work[described[a].first].best.speaker.name = fullest[a];
  }
  // A headline's quote repeats words the story quotes ("Floods hit Valencia:
  // "We lost everything"" … ""We lost everything in ten minutes," said
  // Amparo Ruiz"): it is by whoever says them there, through the same channel.
  // (A headline: the first line, short, with no full stop at its end. Only a
  // quote no rule of confidence 0.7 or more attributed there.)
  const size_t line_end = text.find('\n');
  const bool headline = [&] {
    if (base != 0 || line_end == std::string_view::npos || line_end > 200) return false;
    std::string_view line = TrimSpaces(text.substr(0, line_end));
    while (!line.empty()) {  // past closing quotation marks
      size_t p = line.size();
      const char32_t c = PrevCodePoint(line, p);
      if (c != '"' && c != 0x201D && c != 0x00BB && c != 0x2019 && c != ' ' && c != 0x00A0 && c != 0x202F) break;
      line = line.substr(0, p);
    }
    return !line.empty() && line.back() != '.';
  }();
  if (headline) {
    static const Rule kRepeated{"repeated", "", 0, RuleScope::kBefore, 0.6, nullptr, 0, 0, 0};
    auto words_of = [](std::string_view s) {  // " w1 w2 … ": whole words match
      std::string out = " ";
      for (const Token& t : Tokenize(s)) out.append(Fold(t.text)).push_back(' ');
      return out;
    };
    for (size_t qi = 0; qi < work.size(); ++qi) {
      Work& h = work[qi];
      if (!h.keep || h.span.open >= line_end) continue;
      if (!h.best.speaker.name.empty() && h.best.rule && h.best.rule->confidence >= 0.7) continue;
      const std::string head = words_of(text.substr(h.span.begin, h.span.end - h.span.begin));
      if (head.size() < 7) continue;
      for (size_t bi = 0; bi < work.size(); ++bi) {
        const Work& b = work[bi];
        if (!b.keep || b.span.open < line_end || b.best.speaker.name.empty()) continue;
        if (words_of(text.substr(b.span.begin, b.span.end - b.span.begin)).find(head) == std::string::npos) continue;
        h.best = b.best;
        h.best.rule = &kRepeated;
        h.best.mention = Mention();
        h.best.cue.clear();
        h.best.score = b.best.score * 0.9;
        h.attributed = true;
        vias[qi] = vias[bi];
        break;
      }
    }
  }
  // A dispatch's dateline ("PARIS (AFP) —") is the channel of all its words,
  // after those each quote names.
  if (base == 0) {
    if (const std::string dateline = DatelineRelay(text, *gazetteer_); !dateline.empty())
      for (size_t qi = 0; qi < work.size(); ++qi) {
        std::vector<std::string>& via = vias[qi];
        if (!work[qi].keep || is_speaker(dateline, work[qi].best.speaker.name)) continue;
        if (std::find(via.begin(), via.end(), dateline) == via.end()) via.push_back(dateline);
      }
  }

  // Output, with code-point offsets.
  size_t cp = base_cp, cp_pos = 0;
  auto to_cp = [&](size_t byte) {
    while (cp_pos < byte) { NextCodePoint(text, cp_pos); ++cp; }
    return cp;
  };
  for (auto& w : work) {
    if (!w.keep) continue;
    const QuoteSpan& q = w.span;
    ExtractedQuote x;
    x.text = std::string(text.substr(q.begin, q.end - q.begin));
    x.begin = base + q.begin;
    x.end = base + q.end;
    x.start_cp = to_cp(q.begin);
    x.end_cp = to_cp(q.end);
    std::string_view left = TrimSpaces(text.substr(w.sent_b, q.open - w.sent_b));
    size_t first = 0;
    char32_t c0 = NextCodePoint(x.text, first);
    bool colon = !left.empty() && left.back() == ':';
    x.kind = ((IsUpper(c0) && CountTokens(x.text) >= 4) || colon || left.empty()) ? "full" : "partial";
    x.speaker = w.best.speaker.name;
    x.speaker_kind = w.best.speaker.kind;
    x.speaker_mention = w.best.mention.text;
    x.cue = w.best.cue;
    x.via = vias[&w - work.data()];
    x.pattern = w.attributed && w.best.rule ? w.best.rule->id : "";
    double conf = w.attributed ? w.best.score : 0.3;
    if (!q.closed && !q.continued) conf *= 0.7;
    x.confidence = std::round(std::clamp(conf, 0.0, 1.0) * 100) / 100;
    quotes->push_back(std::move(x));
  }

  // Reported speech without quotation marks, on request (claim_finder.h).
  if (opts.claims) {
    auto vias_in = [&](size_t b, size_t e) {
      std::vector<ViaHit> hits;
      find_via(masked, b, std::min(e, masked.size()), &hits);
      std::vector<std::string> names;
      for (ViaHit& h : hits) names.push_back(std::move(h.name));
      return names;
    };
    AddClaims(text, base, base_cp, ps, *gazetteer_, spans, starts, resolver, vias_in, quotes);
  }
}

}  // namespace quotetrail
