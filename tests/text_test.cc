// Folding (Fold, FoldView, FoldIntoAtMost) and the lexicons' WordTable.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "text.h"
#include "word_table.h"

using quotetrail::Fold;
using quotetrail::FoldIntoAtMost;
using quotetrail::FoldView;
using quotetrail::IsFolded;
using quotetrail::WordTable;

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
