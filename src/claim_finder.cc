#include "claim_finder.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "text.h"

namespace quotetrail {

namespace {

constexpr size_t kMaxSentence = 4000;

std::string_view Group(const std::vector<re2::StringPiece>& g, int i) {
  if (i <= 0 || static_cast<size_t>(i) >= g.size() || g[i].data() == nullptr) return {};
  return std::string_view(g[i].data(), g[i].size());
}

bool IsClosingMark(char32_t c) {
  return c == 0xBB || c == 0x201D || c == '"' || c == 0x2019 || c == 0x203A || c == ')';
}

// The clause without the spaces around it and its final stop or comma.
std::string_view TrimClause(std::string_view s) {
  s = TrimSpaces(s);
  while (!s.empty()) {
    char c = s.back();
    if (c == '.' || c == '!' || c == ';' || c == ':' || c == ',') { s.remove_suffix(1); s = TrimSpaces(s); continue; }
    if (s.size() >= 3 && s.substr(s.size() - 3) == "\xE2\x80\xA6") { s.remove_suffix(3); s = TrimSpaces(s); continue; }  // …
    break;
  }
  return s;
}

// Whether the sentence is a question: its last character before closing marks is '?'.
bool IsQuestion(std::string_view s) {
  size_t p = s.size();
  while (p > 0) {
    size_t q = p;
    char32_t c = PrevCodePoint(s, q);
    if (IsSpace(c) || IsClosingMark(c)) { p = q; continue; }
    return c == '?';
  }
  return false;
}

// The sentences of the piece as [begin, end) byte ranges: those of the quote
// pipeline, cut at their paragraph end and also after a quotation that ends
// with its own stop when a capitalised word follows ("... "an artist first."
// He worked ..."), which the pipeline's sentence starts keep together.
std::vector<std::pair<size_t, size_t>> ClaimSentences(std::string_view text, const std::vector<QuoteSpan>& spans,
                                                      const std::vector<size_t>& starts) {
  std::vector<std::pair<size_t, size_t>> out;
  auto q = spans.begin();
  for (size_t si = 0; si < starts.size(); ++si) {
    size_t sb = starts[si];
    size_t se = si + 1 < starts.size() ? starts[si + 1] : text.size();
    if (sb >= text.size() || se <= sb) continue;
    se = std::min(se, text.find('\n', sb));
    while (q != spans.end() && q->open < sb) ++q;
    for (; q != spans.end() && q->after < se; ++q) {
      if (q->end <= q->begin) continue;
      char last = text[q->end - 1];
      if (last != '.' && last != '!' && last != '?') continue;
      size_t k = q->after;
      bool space = false;
      while (k < se) {
        size_t p = k;
        char32_t c = NextCodePoint(text, p);
        if (!IsSpace(c)) break;
        k = p;
        space = true;
      }
      if (!space || k >= se) continue;
      size_t p = k;
      char32_t next = NextCodePoint(text, p);
      if (!(IsUpper(next) || next == 0xAB || next == 0x201C || next == '"')) continue;
      out.push_back({sb, q->after});
      sb = k;
    }
    out.push_back({sb, se});
  }
  return out;
}

struct Claim {
  const Rule* rule = nullptr;
  size_t begin = 0, end = 0;  // the clause, bytes in the piece
  Mention mention;
  Speaker speaker;
  std::string cue;
  std::vector<std::string> via;
  double score = 0;
};

}  // namespace

void AddClaims(std::string_view text, size_t base, size_t base_cp, const PatternSet& ps,
               const Gazetteer& gazetteer, const std::vector<QuoteSpan>& spans,
               const std::vector<size_t>& sentence_starts, const SpeakerResolver& resolver,
               const std::function<std::vector<std::string>(size_t, size_t)>& vias_in,
               std::vector<ExtractedQuote>* quotes) {
  if (ps.claim_rules().empty()) return;
  size_t first_of_piece = quotes->size();
  while (first_of_piece > 0 && (*quotes)[first_of_piece - 1].begin >= base) --first_of_piece;
  std::vector<std::pair<size_t, size_t>> full;  // the piece's full quotes, bytes in the piece
  for (size_t i = first_of_piece; i < quotes->size(); ++i)
    if ((*quotes)[i].kind == "full") full.push_back({(*quotes)[i].begin - base, (*quotes)[i].end - base});

  auto word = [&](Lex lexicon, std::string_view tok) { return ps.IsWord(lexicon, tok); };
  // A via as the article writes it (as the quote pipeline does in extractor.cc):
  // a gazetteer alias, or a document phrase when the rule is about documents.
  auto normalize_via = [&](std::string_view v, const Rule& r) -> std::string {
    v = TrimSpaces(v);
    std::string surface;
    if (gazetteer.FindIn(v, &surface)) return surface;
    if (r.id.find("document") != std::string::npos || r.id.find("via") != std::string::npos)
      if (CountTokens(v) <= 10) return std::string(v);
    return "";
  };
  auto add_via = [](std::vector<std::string>* via, std::string v) {
    // "a statement" and "a statement from the Danish Transport Authority" are
    // one document: the longer form stays (a description only: lower case)
    auto extends = [](const std::string& shorter, const std::string& longer) {
      return !shorter.empty() && std::islower(static_cast<unsigned char>(shorter[0])) &&
             longer.size() > shorter.size() + 1 && longer.compare(0, shorter.size(), shorter) == 0 &&
             longer[shorter.size()] == ' ';
    };
    if (v.empty() || std::any_of(via->begin(), via->end(), [&](const std::string& o) { return extends(v, o); }))
      return;
    for (std::string& o : *via)
      if (extends(o, v)) { o = v; v.clear(); }
    if (v.empty()) {  // it replaced a shorter form (maybe more than one): no twice, in order
      std::vector<std::string> kept;
      for (std::string& o : *via)
        if (std::find(kept.begin(), kept.end(), o) == kept.end()) kept.push_back(std::move(o));
      *via = std::move(kept);
      return;
    }
    if (std::find(via->begin(), via->end(), v) == via->end()) via->push_back(std::move(v));
  };

  // One claim rule match, checked; false when it is no claim.
  auto evaluate = [&](const Rule& r, const std::vector<re2::StringPiece>& g, Claim* c) -> bool {
    std::string_view clause = TrimClause(Group(g, r.claim_group));
    std::string_view sp = TrimSpaces(Group(g, r.speaker_group));
    std::string_view cue = Group(g, r.cue_group);
    if (clause.empty() || sp.empty() || cue.empty()) return false;
    size_t cb = clause.data() - text.data(), ce = cb + clause.size();
    size_t sp_pos = sp.data() - text.data(), cue_pos = cue.data() - text.data();
    if (InsideQuote(spans, cue_pos) || InsideQuote(spans, sp_pos)) return false;
    // words of the clause outside quotation marks
    size_t free_words = 0;
    for (const Token& t : Tokenize(clause, cb))
      if (!InsideQuote(spans, t.begin)) ++free_words;
    if (CountTokens(clause) < 3 || free_words < 2) return false;
    for (const auto& [fb, fe] : full)
      if (fb < ce && cb < fe) return false;
    auto stoks = Tokenize(sp);
    if (stoks.empty()) return false;
    if (sp_pos > cue_pos) {
      // "..., said Smith, the mayor": a short noun phrase, no verb in it
      // ("One news site, Znak.com, claims FSB sources have ascribed ...")
      size_t comma = sp.find(',');
      if (CountTokens(sp.substr(0, comma)) > 8) return false;
      for (const Token& t : stoks)
        if (word(Lex::CLAIM_FINITE, t.text)) return false;
    } else {
      // "la police, qui a indiqué que", "he did not say that", "the said company"
      if (word(Lex::CLAIM_NOT_SUBJ, stoks.back().text)) return false;
      // "Si le ministre a déclaré que ...", "When he said that ..."
      size_t comma = sp.rfind(',');
      std::string_view last = comma == std::string_view::npos ? sp : sp.substr(comma + 1);
      auto seg = Tokenize(last);
      if (!seg.empty() && word(Lex::CLAIM_SUBORD, seg.front().text)) return false;
      // "The storm hit the coast, and police said that ...": the new clause's subject
      if (comma != std::string_view::npos && seg.size() > 1 && word(Lex::CLAIM_JOIN, seg.front().text)) {
        sp = TrimSpaces(last.substr(seg[1].begin));
        sp_pos = sp.data() - text.data();
      }
    }

    c->rule = &r;
    c->begin = cb;
    c->end = ce;
    c->cue = std::string(TrimSpaces(cue));
    if (std::string_view v = Group(g, r.via_group); !v.empty()) add_via(&c->via, normalize_via(v, r));
    // The speaker, resolved as for quotes; a relay or a document is the channel.
    c->mention = resolver.PickMention(sp, sp_pos);
    std::string surface;
    const Relay* rel = resolver.RelayOf(c->mention);
    if (!rel && c->mention.type == Mention::kDescription) rel = gazetteer.FindIn(c->mention.text, &surface);
    if (rel) {
      add_via(&c->via, surface.empty() ? c->mention.text : surface);
      c->mention = Mention();
    } else if (c->mention.type == Mention::kDescription) {
      auto dt = Tokenize(c->mention.text);
      size_t i = 0;
      while (i < dt.size() && word(Lex::DETERMINER, dt[i].text)) ++i;
      if (i < dt.size() && word(Lex::DOC_WORD, dt[i].text)) {
        add_via(&c->via, c->mention.text);
        size_t j = i + 1;
        while (j < dt.size() && (word(Lex::PREPOSITION, dt[j].text) || word(Lex::DETERMINER, dt[j].text))) ++j;
        if (j < dt.size() && j > i + 1) {
          Mention author;
          author.type = Mention::kDescription;
          author.text = c->mention.text.substr(dt[j].begin);
          author.pos = c->mention.pos + dt[j].begin;
          c->mention = author;
        } else {
          c->mention = Mention();
        }
      }
    }
    if (c->mention.type == Mention::kNone && c->via.empty()) return false;
    c->speaker = resolver.Resolve(c->mention);
    c->score = r.confidence * (c->speaker.name.empty() ? 0.6 : 0.7 + 0.3 * c->speaker.confidence);
    return true;
  };

  std::vector<ExtractedQuote> claims;
  size_t cp = base_cp, cp_pos = 0;
  auto to_cp = [&](size_t byte) {
    while (cp_pos < byte) { NextCodePoint(text, cp_pos); ++cp; }
    return cp;
  };
  std::vector<re2::StringPiece> g;  // a rule's groups, one buffer for all
  for (const auto& [sb, se] : ClaimSentences(text, spans, sentence_starts)) {
    std::string_view sentence = TrimSpaces(text.substr(sb, se - sb));
    if (sentence.empty() || sentence.size() > kMaxSentence || IsQuestion(sentence)) continue;
    re2::StringPiece input(sentence.data(), sentence.size());
    Claim best;
    bool found = false;
    for (const Rule& r : ps.claim_rules()) {
      // A match test without groups runs on RE2's DFA; groups only on a hit.
      if (!r.re->Match(input, 0, sentence.size(), RE2::UNANCHORED, nullptr, 0)) continue;
      g.assign(r.re->NumberOfCapturingGroups() + 1, re2::StringPiece());
      if (!MatchRule(r, input, 0, sentence.size(), RE2::UNANCHORED, g.data(), static_cast<int>(g.size()))) continue;
      Claim c;
      if (!evaluate(r, g, &c)) continue;
      if (!found || r.confidence > best.rule->confidence ||
          (r.confidence == best.rule->confidence && c.begin > best.begin)) {
        best = std::move(c);
        found = true;
      }
    }
    if (!found) continue;
    // relays named anywhere in the sentence, as the quote pipeline finds them
    const size_t b = static_cast<size_t>(sentence.data() - text.data());
    for (std::string& v : vias_in(b, b + sentence.size())) add_via(&best.via, std::move(v));
    best.via.erase(std::remove(best.via.begin(), best.via.end(), best.speaker.name), best.via.end());

    ExtractedQuote x;
    x.text = std::string(text.substr(best.begin, best.end - best.begin));
    x.begin = base + best.begin;
    x.end = base + best.end;
    x.start_cp = to_cp(best.begin);
    x.end_cp = to_cp(best.end);
    x.kind = "indirect";
    x.speaker = best.speaker.name;
    x.speaker_kind = best.speaker.kind;
    x.speaker_mention = best.mention.text;
    x.cue = best.cue;
    x.via = std::move(best.via);
    x.confidence = std::round(std::clamp(best.score, 0.0, 1.0) * 100) / 100;
    x.pattern = best.rule->id;
    claims.push_back(std::move(x));
  }
  if (claims.empty()) return;
  for (auto& c : claims) quotes->push_back(std::move(c));
  std::stable_sort(quotes->begin() + static_cast<std::ptrdiff_t>(first_of_piece), quotes->end(),
                   [](const ExtractedQuote& a, const ExtractedQuote& b) { return a.begin < b.begin; });
}

}  // namespace quotetrail
