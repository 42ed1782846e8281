// Folding (Fold, FoldView, FoldIntoAtMost), words (Tokenize, CountTokens,
// ScanTokens) and the lexicons' WordTable.
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "text.h"
#include "word_table.h"

using quotetrail::Fold;
using quotetrail::FoldIntoAtMost;
using quotetrail::FoldView;
using quotetrail::IsFolded;
using quotetrail::Token;
using quotetrail::Tokenize;
using quotetrail::WordTable;

namespace {

// Tokenize's contract, written the plain way: the text decoded code point by
// code point, a word a run of letters and digits (soft hyphens inside), going
// on over a hyphen or an apostrophe with a letter or digit after it, but
// ending after the apostrophe of an elided French word.
std::vector<Token> ReferenceTokenize(std::string_view text, size_t base) {
  struct Cp { size_t pos; char32_t c; };
  std::vector<Cp> cps;
  for (size_t i = 0; i < text.size();) {
    const size_t at = i;
    cps.push_back({at, quotetrail::NextCodePoint(text, i)});
  }
  auto pos = [&](size_t k) { return k < cps.size() ? cps[k].pos : text.size(); };
  auto word = [](char32_t c) { return quotetrail::IsLetter(c) || quotetrail::IsDigit(c); };
  auto joiner = [](char32_t c) { return c == '-' || c == 0x2010 || c == 0x2011 || quotetrail::IsApostrophe(c); };
  auto elided = [](const std::string& f) {
    for (const char* e : {"l", "d", "qu", "n", "s", "j", "c", "m", "t", "jusqu", "lorsqu", "puisqu", "quoiqu"})
      if (f == e) return true;
    return false;
  };
  std::vector<Token> out;
  size_t k = 0;
  while (k < cps.size()) {
    if (!word(cps[k].c)) { ++k; continue; }
    const size_t start = k++;
    while (k < cps.size()) {
      const char32_t c = cps[k].c;
      if (word(c) || c == 0xAD) { ++k; continue; }
      if (joiner(c) && k + 1 < cps.size() && word(cps[k + 1].c)) {
        if (quotetrail::IsApostrophe(c) && elided(Fold(text.substr(pos(start), pos(k) - pos(start))))) {
          ++k;
          break;
        }
        k += 2;
        continue;
      }
      break;
    }
    const size_t b = pos(start), e = pos(k);
    out.push_back({base + b, base + e, quotetrail::IsUpper(cps[start].c), text.substr(b, e - b)});
  }
  return out;
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : Tokenize(text)) out.emplace_back(t.text);
  return out;
}

}  // namespace

TEST_CASE("Tokenize splits elided articles, keeps inner hyphens and apostrophes", "[text]") {
  using V = std::vector<std::string>;
  CHECK(Words("l’agence KCNA") == V{"l’", "agence", "KCNA"});
  CHECK(Words("jusqu'à l'aube") == V{"jusqu'", "à", "l'", "aube"});
  CHECK(Words("O'Donnell et Jean-Paul II") == V{"O'Donnell", "et", "Jean-Paul", "II"});
  CHECK(Words("anti- et -pro, 'quote'") == V{"anti", "et", "pro", "quote"});
  CHECK(Words("dé\u00ADclaré, a-t-il dit") == V{"dé\u00ADclaré", "a-t-il", "dit"});
  CHECK(Words("B. Obama, U.S. 2019") == V{"B", "Obama", "U", "S", "2019"});
  const auto t = Tokenize("Élysée dit", 100);
  REQUIRE(t.size() == 2);
  CHECK(t[0].begin == 100);
  CHECK(t[0].end == 100 + std::string("Élysée").size());
  CHECK(t[0].upper);
  CHECK_FALSE(t[1].upper);
}

TEST_CASE("Tokenize, CountTokens and ScanTokens agree with the plain reading on fuzzed text", "[text]") {
  // pieces that meet at every boundary the tokenizer decides on
  const char* pieces[] = {"a", "Z", "é", "É", "’", "'", "-", " ", "l’", "qu'", "\u00AD", "\u2011", "\u2010",
                          "1", "\xFF", "\xC3", "\x80", "ß", "Ł", "д", "Ж", ".", "«", "»", "Ç'", "jusqu’", "\n", "ʼ"};
  std::mt19937 rng(20261204);
  int mismatches = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    const int len = static_cast<int>(rng() % 12);
    for (int j = 0; j < len; ++j) s += pieces[rng() % (sizeof(pieces) / sizeof(*pieces))];
    const auto got = Tokenize(s, 3);
    const auto want = ReferenceTokenize(s, 3);
    bool same = got.size() == want.size() && quotetrail::CountTokens(s) == want.size();
    for (size_t i = 0; same && i < got.size(); ++i)
      same = got[i].begin == want[i].begin && got[i].end == want[i].end && got[i].upper == want[i].upper &&
             got[i].text == want[i].text;
    // ScanTokens visits the same words in order, and stops when told
    size_t seen = 0;
    quotetrail::ScanTokens(s, 3, [&](const Token& t) {
      if (seen < want.size() && (t.begin != want[seen].begin || t.end != want[seen].end)) same = false;
      return ++seen < 2;
    });
    if (seen != std::min<size_t>(want.size(), 2)) same = false;
    if (!same && mismatches++ < 3) FAIL_CHECK("differs on [" << s << "]");
  }
  CHECK(mismatches == 0);
}

TEST_CASE("Fold lowers, strips accents, folds apostrophes and collapses spaces", "[text]") {
  CHECK(Fold("Sergueï  LAVROV") == "serguei lavrov");
  CHECK(Fold("l\u2019agence") == "l'agence");
  CHECK(Fold("  \u0152uvre\u00A0d\u2019art ") == "oeuvre d'art");
  CHECK(Fold("KCNA") == "kcna");
  CHECK(Fold("nord-cor\u00E9en") == "nord-coreen");
  CHECK(Fold("") == "");
}

TEST_CASE("FoldView returns the word itself only when it is folded already", "[text]") {
  std::string buf = "untouched";
  for (std::string_view w : {"soutenir", "l'agence", "2024", "a-t-il"}) {
    INFO(w);
    CHECK(IsFolded(w));
    std::string_view v = FoldView(w, &buf);
    CHECK(v.data() == w.data());  // no copy
    CHECK(v == Fold(w));
  }
  CHECK(buf == "untouched");
  for (std::string_view w : {"Kim", "pr\u00EAte", "deux mots", "l\u2019a", "TASS", "tab\there", ""}) {
    INFO(w);
    if (w.empty()) { CHECK(IsFolded(w)); continue; }
    CHECK_FALSE(IsFolded(w));
    CHECK(FoldView(w, &buf) == Fold(w));
  }
}

TEST_CASE("FoldIntoAtMost gives up past the bound and agrees with Fold within it", "[text]") {
  std::string out;
  CHECK(FoldIntoAtMost("Lavrov", 6, &out));
  CHECK(out == "lavrov");
  CHECK_FALSE(FoldIntoAtMost("Lavrov", 5, &out));
  CHECK(FoldIntoAtMost("Sergue\u00EF", 7, &out));  // 8 bytes written, 7 folded
  CHECK(out == "serguei");
  CHECK_FALSE(FoldIntoAtMost("deux  mots", 8, &out));
  CHECK(FoldIntoAtMost("deux  mots", 9, &out));
  CHECK(out == "deux mots");
}

TEST_CASE("WordTable finds every key it holds and nothing else, across growth", "[text]") {
  WordTable<int> t;
  std::map<std::string, int> want;
  // keys of every length from 0 to 40 bytes, many sharing prefixes and suffixes
  for (int i = 0; i < 3000; ++i) {
    std::string k(static_cast<size_t>(i % 41), 'a');
    for (size_t j = 0; j < k.size(); ++j) k[j] = static_cast<char>('a' + (i * 7 + j * 13) % 26);
    if (i % 5 == 0) k += std::to_string(i);
    t[k] += 1;
    want[k] += 1;
  }
  REQUIRE(t.size() == want.size());
  for (const auto& [k, v] : want) {
    const int* got = t.Find(k);
    REQUIRE(got);
    CHECK(*got == v);
  }
  CHECK(t.Find("not a key") == nullptr);
  CHECK(t.Find(std::string(41, 'z')) == nullptr);
  // a key's prefix or a key plus a NUL byte is another key
  CHECK(t.Find(std::string("aaaa\0", 5)) == nullptr);
}

TEST_CASE("WordTable::Insert keeps the first value", "[text]") {
  WordTable<size_t> t;
  CHECK(t.Insert("tass", 1));
  CHECK_FALSE(t.Insert("tass", 2));
  REQUIRE(t.Find("tass"));
  CHECK(*t.Find("tass") == 1);
  CHECK(t.entries().size() == 1);
  CHECK(t.Find("") == nullptr);
  t[""] = 7;  // the empty key is a key like another
  REQUIRE(t.Find(""));
  CHECK(*t.Find("") == 7);
}
