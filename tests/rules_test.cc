// rules_test.cc: every rule family in extractors/<lang>/ with the cases beside it.
//
// A *.cases file holds cases separated by blank lines: '>' lines are the
// article (one paragraph each), then expectations: `quote TEXT` (the quote
// checked; default the first found), `speaker NAME` ("-" for none), `via NAME`
// (one of the quote's vias; "-" for none), `not-via NAME` (not one of them),
// `rule ID` (the rule that attributed it), or `none` (no quote at all). Claims
// (kind "indirect", claims.rules) are extracted for every case but never taken
// for a quote: `claim TEXT` checks the claim with that reported clause instead
// of a quote (speaker, via, rule and `mention TEXT` then apply to it; a `quote`
// beside it must be found too), and `noclaim` says the case gives no claim.
// Every .rules file must have a .cases file, and every rule id must be
// exercised by at least one case.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

#include "extractor.h"
#include "pattern_set.h"

namespace fs = std::filesystem;
using namespace quotetrail;

namespace {

struct Case {
  std::string file;
  int line = 0;
  std::string text;
  std::map<std::string, std::string> expect;
};

std::vector<Case> LoadCases(const fs::path& path) {
  std::vector<Case> out;
  std::ifstream in(path);
  std::string line;
  int n = 0;
  Case cur;
  auto flush = [&] {
    if (!cur.text.empty()) out.push_back(cur);
    cur = Case();
  };
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) { flush(); continue; }
    if (line[0] == '#') continue;
    if (line[0] == '>') {
      if (!cur.expect.empty()) flush();
      if (cur.text.empty()) { cur.file = path.string(); cur.line = n; }
      else cur.text += "\n\n";
      cur.text += line.substr(line.size() > 1 && line[1] == ' ' ? 2 : 1);
      continue;
    }
    auto sp = line.find(' ');
    const std::string key = line.substr(0, sp);
    // (a misspelt key would check nothing)
    static const std::set<std::string> kKeys = {"quote", "speaker", "kind", "mention", "cue", "via", "not-via",
                                                "rule", "none", "claim", "noclaim"};
    INFO(path.string() << ":" << n << ": " << line);
    CHECK(kKeys.count(key) == 1);
    cur.expect[key] = sp == std::string::npos ? "" : line.substr(sp + 1);
  }
  flush();
  return out;
}

}  // namespace

TEST_CASE("every rule file has its cases and every case holds", "[rules]") {
  auto extractor = Extractor::Load(QUOTETRAIL_EXTRACTORS_DIR);
  REQUIRE(extractor.ok());
  size_t checked = 0;
  for (const std::string& lang : (*extractor)->languages()) {
    fs::path dir = fs::path(QUOTETRAIL_EXTRACTORS_DIR) / lang;
    auto ps = PatternSet::Load(QUOTETRAIL_EXTRACTORS_DIR, lang, (*extractor)->gazetteer().Lexicons());
    REQUIRE(ps.ok());
    std::set<std::string> exercised;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() != ".rules") continue;
      fs::path cases_path = entry.path();
      cases_path.replace_extension(".cases");
      INFO("rule file " << entry.path());
      REQUIRE(fs::exists(cases_path));
      auto cases = LoadCases(cases_path);
      REQUIRE(!cases.empty());
      for (const Case& c : cases) {
        INFO(c.file << ":" << c.line << ": " << c.text);
        Article a;
        a.id = "case";
        a.language = lang;
        a.text = c.text;
        ExtractOptions opts;
        opts.lang = lang;
        opts.claims = true;
        Extraction x = (*extractor)->Extract(a, opts);
        ++checked;
        std::vector<ExtractedQuote> quotes, claims;
        for (const auto& q : x.quotes) (q.kind == "indirect" ? claims : quotes).push_back(q);
        // sentence rules (vias) are exercised by the cases they match
        for (const Rule& r : (*ps)->rules())
          if (r.scope == RuleScope::kSentence && RE2::PartialMatch(c.text, *r.re)) exercised.insert(r.id);
        if (c.expect.count("noclaim")) CHECK(claims.empty());
        if (c.expect.count("none")) {
          CHECK(quotes.empty());
          continue;
        }
        if (c.expect.count("noclaim") && !c.expect.count("quote")) continue;
        const ExtractedQuote* q = nullptr;
        if (auto it = c.expect.find("quote"); it != c.expect.end()) {
          for (const auto& cand : quotes) if (cand.text == it->second) q = &cand;
          REQUIRE(q != nullptr);
        } else if (!c.expect.count("claim")) {
          REQUIRE(!quotes.empty());
          q = &quotes.front();
        }
        if (auto it = c.expect.find("claim"); it != c.expect.end()) {
          q = nullptr;
          for (const auto& cand : claims) if (cand.text == it->second) q = &cand;
          INFO("claims found: " << claims.size() << (claims.empty() ? "" : ", first: " + claims.front().text));
          REQUIRE(q != nullptr);
          if (auto m = c.expect.find("mention"); m != c.expect.end())
            CHECK(q->speaker_mention == (m->second == "-" ? "" : m->second));
        }
        if (auto it = c.expect.find("speaker"); it != c.expect.end())
          CHECK(q->speaker == (it->second == "-" ? "" : it->second));
        if (auto it = c.expect.find("cue"); it != c.expect.end()) CHECK(q->cue == it->second);
        if (auto it = c.expect.find("kind"); it != c.expect.end()) CHECK(q->speaker_kind == it->second);
        if (auto it = c.expect.find("via"); it != c.expect.end()) {
          if (it->second == "-") CHECK(q->via.empty());
          else CHECK(std::find(q->via.begin(), q->via.end(), it->second) != q->via.end());
        }
        if (auto it = c.expect.find("not-via"); it != c.expect.end())
          CHECK(std::find(q->via.begin(), q->via.end(), it->second) == q->via.end());
        if (auto it = c.expect.find("rule"); it != c.expect.end()) {
          CHECK(q->pattern == it->second);
          exercised.insert(it->second);
        }
      }
    }
    for (const auto* rules : {&(*ps)->rules(), &(*ps)->claim_rules()})
      for (const Rule& r : *rules) {
        INFO("rule " << r.id << " (" << r.file << ":" << r.line << ") has no case naming it");
        CHECK(exercised.count(r.id) == 1);
      }
  }
  CHECK(checked > 20);
}

TEST_CASE("a broken rule file is an error naming the file and line", "[rules]") {
  fs::path tmp = fs::temp_directory_path() / ("qt_rules_" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp / "xx");
  fs::create_directories(tmp / "common");
  {
    std::ofstream(tmp / "xx" / "bad.rules") << "# a family\nrule xx.one\nscope before\nre (?P<speaker>[a-z+\n";
  }
  auto ps = PatternSet::Load(tmp.string(), "xx");
  REQUIRE_FALSE(ps.ok());
  CHECK_THAT(ps.status().message(), Catch::Contains("bad.rules:4"));
  CHECK_THAT(ps.status().message(), Catch::Contains("xx.one"));

  std::ofstream(tmp / "xx" / "bad.rules") << "rule xx.one\nscope before\nre (?P<who>a)\n";
  ps = PatternSet::Load(tmp.string(), "xx");
  REQUIRE_FALSE(ps.ok());
  CHECK_THAT(ps.status().message(), Catch::Contains("unknown group 'who'"));

  std::ofstream(tmp / "xx" / "bad.rules") << "rule xx.one\nscope sideways\n";
  ps = PatternSet::Load(tmp.string(), "xx");
  REQUIRE_FALSE(ps.ok());
  CHECK_THAT(ps.status().message(), Catch::Contains("bad.rules:2"));

  std::ofstream(tmp / "xx" / "bad.rules") << "rule xx.one\nscope claim\nre (?P<speaker>a) (?P<cue>b)\n";
  ps = PatternSet::Load(tmp.string(), "xx");
  REQUIRE_FALSE(ps.ok());
  CHECK_THAT(ps.status().message(), Catch::Contains("a claim rule needs"));

  std::ofstream(tmp / "xx" / "bad.rules") << "rule xx.one\nscope before\nre (?P<speaker>a) (?P<claim>b)\n";
  ps = PatternSet::Load(tmp.string(), "xx");
  REQUIRE_FALSE(ps.ok());
  CHECK_THAT(ps.status().message(), Catch::Contains("only a claim rule"));

  std::ofstream(tmp / "xx" / "bad.rules") << "rule xx.one\nspeaker_head TITLE|NO_SUCH_LEXICON\nre (?P<speaker>a) (?P<cue>b)\n";
  ps = PatternSet::Load(tmp.string(), "xx");
  REQUIRE_FALSE(ps.ok());
  CHECK_THAT(ps.status().message(), Catch::Contains("bad.rules:2"));
  CHECK_THAT(ps.status().message(), Catch::Contains("unknown lexicon 'NO_SUCH_LEXICON'"));

  // a lexicon named by unless or speaker_not must exist: a typo would make the
  // rule's veto silently never apply
  for (const char* key : {"unless", "speaker_not"}) {
    std::ofstream(tmp / "xx" / "bad.rules") << "rule xx.one\n" << key << " NO_SUCH_LEXICON\nre (?P<speaker>a) (?P<cue>b)\n";
    ps = PatternSet::Load(tmp.string(), "xx");
    REQUIRE_FALSE(ps.ok());
    CHECK_THAT(ps.status().message(), Catch::Contains("bad.rules:2"));
    CHECK_THAT(ps.status().message(), Catch::Contains(std::string(key) + " needs the name of a lexicon"));
  }

  std::ofstream(tmp / "xx" / "bad.rules") << "rule xx.one\nmax_speaker 0\nre (?P<speaker>a) (?P<cue>b)\n";
  ps = PatternSet::Load(tmp.string(), "xx");
  REQUIRE_FALSE(ps.ok());
  CHECK_THAT(ps.status().message(), Catch::Contains("bad.rules:2"));
  CHECK_THAT(ps.status().message(), Catch::Contains("max_speaker must be a positive integer"));

  std::ofstream(tmp / "xx" / "bad.rules") << "rule xx.one\nmax_speaker 5\nre a (?P<cue>b)\n";
  ps = PatternSet::Load(tmp.string(), "xx");
  REQUIRE_FALSE(ps.ok());
  CHECK_THAT(ps.status().message(), Catch::Contains("max_speaker needs a (?P<speaker>...) group"));

  std::ofstream(tmp / "xx" / "bad.rules") << "rule xx.one\nre {NO_SUCH_MACRO}(?P<cue>x)\n";
  ps = PatternSet::Load(tmp.string(), "xx");
  REQUIRE_FALSE(ps.ok());
  CHECK_THAT(ps.status().message(), Catch::Contains("unknown macro {NO_SUCH_MACRO}"));
  fs::remove_all(tmp);
}

TEST_CASE("max_speaker bounds the speaker group in code points, as a bounded repetition would", "[rules]") {
  fs::path tmp = fs::temp_directory_path() / ("qt_rules_max_" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp / "xx");
  fs::create_directories(tmp / "common");
  std::ofstream(tmp / "xx" / "a.rules")
      << "rule xx.bounded\nscope after\nmax_speaker 6\nre ^(?P<speaker>[^,]+?) (?P<cue>said)\n"
      << "rule xx.counted\nscope after\nre ^(?P<speaker>[^,]{1,6}?) (?P<cue>said)\n";
  auto ps = PatternSet::Load(tmp.string(), "xx");
  REQUIRE(ps.ok());
  const Rule& bounded = (*ps)->rules()[0];
  const Rule& counted = (*ps)->rules()[1];
  REQUIRE(bounded.max_speaker == 6);
  // the same answer as the counted repetition, on either side of the bound
  for (std::string text : {"Smith said", "Émile said", "Éloïse said", "Ferdinand said", "the man said it, he said"}) {
    INFO(text);
    re2::StringPiece in(text), g1[3], g2[3];
    const bool m1 = MatchRule(bounded, in, 0, text.size(), RE2::ANCHOR_START, g1, 3);
    const bool m2 = MatchRule(counted, in, 0, text.size(), RE2::ANCHOR_START, g2, 3);
    CHECK(m1 == m2);
    if (m1 && m2) CHECK(g1[1] == g2[1]);
  }
  re2::StringPiece in("Éloïse said"), g[3];
  CHECK(MatchRule(bounded, in, 0, in.size(), RE2::ANCHOR_START, g, 3));  // 6 code points, 8 bytes
  in = "Ferdinand said";
  CHECK_FALSE(MatchRule(bounded, in, 0, in.size(), RE2::ANCHOR_START, g, 3));
  fs::remove_all(tmp);
}

TEST_CASE("language: a short text is read in its language, a long one from its first words", "[rules]") {
  auto extractor = Extractor::Load(QUOTETRAIL_EXTRACTORS_DIR);
  REQUIRE(extractor.ok());
  auto detect = [&](const std::string& text) {
    Article a;
    a.id = "t";
    a.text = text;
    return (*extractor)->DetectLanguage(a);
  };
  // no function word of the older lists: pronouns, auxiliaries, speech verbs decide
  CHECK(detect("« Nous avons gagné », a dit Camille Dupont.") == "fr");
  CHECK(detect("L'ONG Greenpeace a dénoncé « un écran de fumée ».") == "fr");
  CHECK(detect("\"We were robbed,\" they told reporters.") == "en");
  // the first decisive words win, whatever follows (reading stops there)
  std::string fr, en;
  for (int i = 0; i < 40; ++i) fr += "Le ministre a dit que la réforme est une priorité pour le pays. ";
  for (int i = 0; i < 400; ++i) en += "The minister said that the reform was a priority for the country. ";
  CHECK(detect(fr + en) == "fr");
  CHECK(detect(en + fr) == "en");
  // the article's own language field wins
  Article a;
  a.text = fr;
  a.language = "en-GB";
  CHECK((*extractor)->DetectLanguage(a) == "en");
}
