// claims_test.cc: reported speech without quotation marks (kind "indirect")
// through the Extractor, end to end, on short French and English texts.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "extract_output.h"
#include "extractor.h"
#include "utf8.h"

using namespace quotetrail;

namespace {

// Loads the extractor rules once per test case.
class ClaimsFixture {
 protected:
  ClaimsFixture() {
    auto loaded = Extractor::Load(QUOTETRAIL_EXTRACTORS_DIR);
    REQUIRE(loaded.ok());
    ex_ = std::move(loaded).value();
  }
  Extraction Run(const std::string& text, const std::string& lang, bool claims = true) const {
    Article a;
    a.id = "t";
    a.text = text;
    ExtractOptions opts;
    opts.lang = lang;
    opts.claims = claims;
    return ex_->Extract(a, opts);
  }

 private:
  std::unique_ptr<Extractor> ex_;
};

std::vector<ExtractedQuote> OfKind(const Extraction& x, bool indirect) {
  std::vector<ExtractedQuote> out;
  for (const auto& q : x.quotes)
    if ((q.kind == "indirect") == indirect) out.push_back(q);
  return out;
}

// The code points [start, end) of `text`, as UTF-8.
std::string SliceCodePoints(const std::string& text, size_t start, size_t end) {
  std::string out;
  size_t pos = 0, cp = 0;
  while (pos < text.size() && cp < end) {
    char32_t c = DecodeUtf8(text, pos);
    if (cp >= start) AppendUtf8(out, c);
    ++cp;
  }
  return out;
}

}  // namespace

TEST_CASE_METHOD(ClaimsFixture, "claims: the seed's reported clause is an indirect claim by Kim Jong-un via KCNA", "[claims]") {
  const std::string text =
      "Le leader nord-coréen Kim Jong-un a affirmé samedi 12 juillet à Sergueï Lavrov son appui total "
      "à la Russie.\n\nSelon l’agence officielle KCNA, Kim a déclaré que la Corée du Nord était prête "
      "à soutenir la Russie.";
  auto claims = OfKind(Run(text, "fr"), true);
  REQUIRE(claims.size() == 1);
  const ExtractedQuote& c = claims[0];
  CHECK(c.kind == "indirect");
  CHECK(c.text == "la Corée du Nord était prête à soutenir la Russie");
  CHECK(c.speaker == "Kim Jong-un");
  CHECK(c.speaker_mention == "Kim");
  CHECK(c.cue == "a déclaré");
  CHECK(c.via == std::vector<std::string>{"KCNA"});
  CHECK(c.pattern == "fr.claim.que");
  CHECK(c.confidence > 0.5);
  // offsets: bytes and code points both locate the clause in the article
  CHECK(text.substr(c.begin, c.end - c.begin) == c.text);
  CHECK(SliceCodePoints(text, c.start_cp, c.end_cp) == c.text);
}

TEST_CASE_METHOD(ClaimsFixture, "claims: a partial quote inside the reported clause gives both the quote and the claim", "[claims]") {
  const std::string text =
      "Selon l’agence officielle KCNA, Kim Jong-un a déclaré que la Corée du Nord était « prête à "
      "soutenir toutes les décisions prises par les dirigeants russes ».";
  Extraction x = Run(text, "fr");
  auto quotes = OfKind(x, false);
  auto claims = OfKind(x, true);
  REQUIRE(quotes.size() == 1);
  REQUIRE(claims.size() == 1);
  CHECK(quotes[0].kind == "partial");
  CHECK(quotes[0].text == "prête à soutenir toutes les décisions prises par les dirigeants russes");
  CHECK(claims[0].text ==
        "la Corée du Nord était « prête à soutenir toutes les décisions prises par les dirigeants russes »");
  CHECK(claims[0].speaker == "Kim Jong-un");
  // the claim holds the quote, and comes first in reading order
  CHECK(claims[0].begin < quotes[0].begin);
  CHECK(claims[0].end > quotes[0].end);
  CHECK(x.quotes.front().kind == "indirect");

  Extraction en = Run("Judge Sarah Miller said the disappearance was an \"interesting and troubling\" case.", "en");
  REQUIRE(OfKind(en, false).size() == 1);
  REQUIRE(OfKind(en, true).size() == 1);
  CHECK(OfKind(en, true)[0].text == "the disappearance was an \"interesting and troubling\" case");
  CHECK(OfKind(en, true)[0].speaker == "Sarah Miller");
}

TEST_CASE_METHOD(ClaimsFixture, "claims: a pronoun subject resolves as it does for quotes", "[claims]") {
  Extraction en = Run(
      "Mayor Anne Hidalgo visited the damaged bridge on Monday. She said the bridge would reopen in May.", "en");
  auto claims = OfKind(en, true);
  REQUIRE(claims.size() == 1);
  CHECK(claims[0].text == "the bridge would reopen in May");
  CHECK(claims[0].speaker_mention == "She");
  CHECK(claims[0].speaker == "Anne Hidalgo");

  Extraction fr = Run("Michel Sapin a commenté les chiffres. Il a ajouté que la reprise serait lente.", "fr");
  claims = OfKind(fr, true);
  REQUIRE(claims.size() == 1);
  CHECK(claims[0].speaker_mention == "Il");
  CHECK(claims[0].speaker == "Michel Sapin");
}

TEST_CASE_METHOD(ClaimsFixture, "claims: English reported speech with and without 'that', inverted and 'according to'", "[claims]") {
  struct Case { std::string text, claim, pattern; };
  const std::vector<Case> cases = {
      {"The ministry said that the plane had crashed in the mountains.", "the plane had crashed in the mountains",
       "en.claim.that"},
      {"The army said the plane was bringing meat from Bishkek.", "the plane was bringing meat from Bishkek",
       "en.claim.bare"},
      {"The entire crew were Iranians, the army said.", "The entire crew were Iranians", "en.claim.after_subject_verb"},
      {"According to police, the man was armed when he was arrested.", "the man was armed when he was arrested",
       "en.claim.according"},
      {"A judicial inquiry was ordered, according to police.", "A judicial inquiry was ordered",
       "en.claim.according_after"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto claims = OfKind(Run(c.text, "en"), true);
    REQUIRE(claims.size() == 1);
    CHECK(claims[0].text == c.claim);
    CHECK(claims[0].pattern == c.pattern);
  }
}

TEST_CASE_METHOD(ClaimsFixture, "claims: a clause that is one whole quotation is a quote, not a claim", "[claims]") {
  for (const auto& [text, lang] : std::vector<std::pair<std::string, std::string>>{
           {"Smith said: \"The plan will cost more than anyone expected.\"", "en"},
           {"Smith said that \"the plan will cost more than anyone expected.\"", "en"},
           {"Lavrov a répondu : « C’est à la RPDC de décider des modalités de notre partenariat. »", "fr"},
           {"Le ministre a estimé que « la situation est grave et appelle des mesures immédiates ».", "fr"}}) {
    INFO(text);
    Extraction x = Run(text, lang);
    CHECK(OfKind(x, false).size() == 1);
    CHECK(OfKind(x, true).empty());
  }
}

TEST_CASE_METHOD(ClaimsFixture, "claims: no claim overlaps a full quote", "[claims]") {
  Extraction x = Run("Smith said that \"The plan will fail badly, believe me.\" and then he left the room.", "en");
  auto quotes = OfKind(x, false);
  REQUIRE(quotes.size() == 1);
  REQUIRE(quotes[0].kind == "full");
  CHECK(OfKind(x, true).empty());
}

TEST_CASE_METHOD(ClaimsFixture, "claims: relative clauses, negations, conditions, questions and non-speech give no claim", "[claims]") {
  for (const auto& [text, lang] : std::vector<std::pair<std::string, std::string>>{
           {"The said company announced plans to close the factory.", "en"},
           {"The so-called peace plan was rejected by both parties on Monday.", "en"},
           {"The man who said that the bridge was unsafe has been arrested.", "en"},
           {"Smith did not say that the plan would fail.", "en"},
           {"If he said that the plan would fail, he was wrong.", "en"},
           {"Did Smith say that the plan would fail?", "en"},
           {"He said goodbye to his colleagues at the airport.", "en"},
           {"The Taliban claimed responsibility for the attack that killed twelve soldiers.", "en"},
           {"Le gouvernement a annoncé la mesure que les syndicats contestaient depuis des mois.", "fr"},
           {"La police, qui a indiqué que l’homme était armé, a ouvert une enquête.", "fr"},
           {"Le ministre n’a pas dit que la réforme serait abandonnée.", "fr"},
           {"Si le ministre a déclaré que la réforme serait abandonnée, les syndicats resteront mobilisés.", "fr"},
           {"Le ministre a-t-il vraiment déclaré que la réforme serait abandonnée ?", "fr"},
           {"Il est dit que la ville fut fondée par des marins grecs.", "fr"}}) {
    INFO(text);
    CHECK(OfKind(Run(text, lang), true).empty());
  }
}

TEST_CASE_METHOD(ClaimsFixture, "claims: off by default, and turning them on leaves the quotes as they were", "[claims]") {
  const std::string text =
      "Selon l’agence officielle KCNA, Kim Jong-un a déclaré que la Corée du Nord était « prête à soutenir "
      "toutes les décisions prises ».\n\nLe ministre a précisé que les contrôles seraient renforcés.\n\n"
      "Lavrov a répondu : « C’est à la RPDC de décider des modalités de notre partenariat. »";
  Extraction off = Run(text, "fr", false);
  Extraction on = Run(text, "fr", true);
  CHECK(OfKind(off, true).empty());
  CHECK(OfKind(on, true).size() == 2);
  auto q_on = OfKind(on, false);
  REQUIRE(q_on.size() == off.quotes.size());
  for (size_t i = 0; i < q_on.size(); ++i) {
    CHECK(q_on[i].text == off.quotes[i].text);
    CHECK(q_on[i].start_cp == off.quotes[i].start_cp);
    CHECK(q_on[i].speaker == off.quotes[i].speaker);
    CHECK(q_on[i].via == off.quotes[i].via);
    CHECK(q_on[i].confidence == off.quotes[i].confidence);
  }
  CHECK(ToJsonLine(off) == ToJsonLine(Run(text, "fr", false)));
}

TEST_CASE_METHOD(ClaimsFixture, "claims: the text listing counts claims apart and shows the clause without added marks", "[claims]") {
  Extraction x = Run(
      "Kim Jong-un a déclaré que la Corée du Nord était « prête à soutenir toutes les décisions prises ».", "fr");
  std::string listing = ToText(x);
  CHECK_THAT(listing, Catch::Contains("1 quote, 1 claim"));
  CHECK_THAT(listing, Catch::Contains("[indirect] la Corée du Nord était « prête"));
  CHECK_THAT(listing, Catch::Contains("[partial] «prête"));
  std::string json = ToJsonLine(x);
  CHECK_THAT(json, Catch::Contains("\"kind\":\"indirect\""));

  Extraction none = Run("Lavrov a répondu : « C’est à la RPDC de décider des modalités de notre partenariat. »", "fr");
  CHECK_THAT(ToText(none), Catch::Contains("1 quote\n"));
}
