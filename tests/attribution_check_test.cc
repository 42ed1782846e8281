// attribution_check.h against a real PostgreSQL: every verdict reached by a
// real case, speaker names resolved through the stored aliases, the /check
// JSON shape, and `quotetrail check` end to end (ingesting articles with the
// real extractor).
#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "attribution_check.h"
#include "database.h"
#include "store.h"
#include "support/cli_run.h"
#include "support/pg_harness.h"
#include "support/store_fixture.h"
#include "timestamp.h"

using namespace quotetrail;

namespace {

const char* kKimWords =
    "prête à soutenir et encourager de manière inconditionnelle toutes les décisions prises par "
    "les dirigeants russes";
const char* kLavrovWords =
    "C'est à la RPDC de décider des modalités d'application de notre partenariat stratégique";
// Given to two speakers by two articles (and to one of them by a third).
const char* kSharedWords =
    "nous ne laisserons personne remettre en cause la sécurité de nos deux peuples";
// Said by someone the article only describes.
const char* kUnnamedWords =
    "les manœuvres militaires conjointes se poursuivront tout au long de l'été prochain";

ExtractedQuote Quote(const std::string& text, const std::string& speaker) {
  return testing::MakeQuote(text, speaker, "full", 0.9);
}

DocumentRecord Doc(const std::string& name, const std::string& published,
                   std::vector<ExtractedQuote> quotes) {
  return testing::MakeDoc(name, published, "Le Quotidien", "fr", std::move(quotes));
}

void Write(const std::string& url, std::vector<DocumentRecord> docs) {
  REQUIRE(testing::WriteDocs(url, std::move(docs)).failures.empty());
}

// A database holding the cases above.
std::string Fixture() {
  const std::string url = testing::RequireFreshDatabase();
  ExtractedQuote unnamed = Quote(kUnnamedWords, "le ministère de la défense");
  unnamed.speaker_kind = "organisation";
  Write(url, {Doc("kim", "2024-06-19T08:30:00Z", {Quote(kKimWords, "Kim Jong-un")}),
              Doc("lavrov", "2024-06-20T10:00:00Z", {Quote(kLavrovWords, "Sergueï Lavrov")}),
              Doc("macron", "2024-06-21T09:00:00Z", {Quote(kSharedWords, "Emmanuel Macron")}),
              Doc("scholz", "2024-06-22T09:00:00Z", {Quote(kSharedWords, "Olaf Scholz")}),
              Doc("anna", "2024-06-23T09:00:00Z", {Quote("Anna Martin parle ici longuement de tout", "Anna Martin")}),
              Doc("paul", "2024-06-24T09:00:00Z", {Quote("Paul Martin parle ici longuement de rien", "Paul Martin")}),
              Doc("unnamed", "2024-06-25T09:00:00Z", {unnamed})});
  return url;
}

CheckResult Check(const std::string& url, const std::string& text, const std::string& speaker) {
  auto conn = Connect(url);
  REQUIRE(conn.ok());
  auto r = CheckAttribution(**conn, text, speaker);
  if (!r.ok()) FAIL("CheckAttribution: " << r.status().ToString());
  return std::move(r).value();
}

}  // namespace

TEST_CASE("check: each verdict is reached by a real case", "[check]") {
  const std::string url = Fixture();

  SECTION("confirmed: a partial quote, the speaker under another spelling") {
    CheckResult r = Check(url, "Prête à soutenir, et encourager de manière inconditionnelle",
                          "Kim Jong Un");
    CHECK(r.verdict == Verdict::kConfirmed);
    REQUIRE(r.resolution.speaker);
    CHECK(r.resolution.speaker->name == "Kim Jong-un");
    REQUIRE_FALSE(r.matches.empty());
    CHECK(r.matches[0].contains);
    CHECK(r.matches[0].similarity == 1.0);
    CHECK(r.speaker_occurrences == 1);
    CHECK(r.others.empty());
    REQUIRE(r.earliest);
    CHECK(FormatTimestampIso(*r.earliest->published_us) == "2024-06-19T08:30:00Z");
    CHECK(r.explanation.find("Kim Jong-un") != std::string::npos);
  }

  SECTION("attributed_to_other: the sources name someone else, who is named") {
    CheckResult r = Check(url, "C’est à la RPDC de décider", "Kim Jong-un");
    CHECK(r.verdict == Verdict::kAttributedToOther);
    CHECK(r.speaker_occurrences == 0);
    REQUIRE(r.others.size() == 1);
    CHECK(r.others[0].name == "Sergueï Lavrov");
    CHECK(r.explanation.find("Sergueï Lavrov") != std::string::npos);
  }

  SECTION("disputed: two articles give the same words to two speakers") {
    CheckResult r = Check(url, kSharedWords, "Emmanuel Macron");
    CHECK(r.verdict == Verdict::kDisputed);
    CHECK(r.speaker_occurrences == 1);
    REQUIRE(r.others.size() == 1);
    CHECK(r.others[0].name == "Olaf Scholz");
    REQUIRE(r.matches.size() == 1);
    CHECK(r.matches[0].quote.conflict);
    CHECK(r.matches[0].attributed_to.size() == 2);
    // Asked about a third person: two others, one occurrence each, no majority.
    CheckResult third = Check(url, kSharedWords, "Kim Jong-un");
    CHECK(third.verdict == Verdict::kDisputed);
    CHECK(third.others.size() == 2);
  }

  SECTION("not_found: no stored quote matches") {
    CheckResult r = Check(url, "une phrase que personne n'a jamais prononcée nulle part", "Kim Jong-un");
    CHECK(r.verdict == Verdict::kNotFound);
    CHECK(r.matches.empty());
    CHECK_FALSE(r.earliest);
  }

  SECTION("not_found: the words are stored but nobody identified said them") {
    CheckResult r = Check(url, kUnnamedWords, "Kim Jong-un");
    CHECK(r.verdict == Verdict::kNotFound);
    REQUIRE(r.matches.size() == 1);
    CHECK(r.matches[0].attributed_to.empty());
    CHECK(r.explanation.find("no source names") != std::string::npos);
  }

  SECTION("a majority among the others is attributed_to_other, with the majority named first") {
    Write(url, {Doc("scholz2", "2024-06-26T09:00:00Z", {Quote(kSharedWords, "Olaf Scholz")})});
    CheckResult r = Check(url, kSharedWords, "Kim Jong-un");
    CHECK(r.verdict == Verdict::kAttributedToOther);
    REQUIRE(r.others.size() == 2);
    CHECK(r.others[0].name == "Olaf Scholz");
    CHECK(r.others[0].occurrences == 2);
    CHECK(r.others[1].name == "Emmanuel Macron");
  }
}

TEST_CASE("check: speaker names resolve through the stored speakers and aliases", "[check]") {
  const std::string url = Fixture();
  auto conn = Connect(url);
  REQUIRE(conn.ok());
  pqxx::read_transaction tx(**conn);
  auto name = [&](const std::string& query) -> std::string {
    SpeakerResolution r = ResolveSpeakerName(tx, query);
    return r.speaker ? r.speaker->name : "";
  };
  CHECK(name("Kim Jong-un") == "Kim Jong-un");
  CHECK(name("Kim Jong Un") == "Kim Jong-un");
  CHECK(name("kim jong un") == "Kim Jong-un");
  CHECK(name("KIM JONG-UN") == "Kim Jong-un");
  CHECK(name("Lavrov") == "Sergueï Lavrov");           // a surname alone, unambiguous
  CHECK(name("Sergei Lavrov") == "Sergueï Lavrov");    // another transliteration
  CHECK(name("Serguei Lavrov") == "Sergueï Lavrov");   // accents do not matter
  CHECK(name("Kim") == "Kim Jong-un");                 // a family name written first
  CHECK(name("Scholz") == "Olaf Scholz");
  CHECK(name("Vladimir Poutine") == "");               // nobody of that name
  CHECK(name("Otto Scholz") == "");                    // another first name is another person
  SpeakerResolution martin = ResolveSpeakerName(tx, "Martin");
  CHECK_FALSE(martin.speaker);  // two Martins: ambiguous
  CHECK(martin.candidates.size() == 2);
}

TEST_CASE("check: an ambiguous or unknown speaker is never confirmed", "[check]") {
  const std::string url = Fixture();
  CheckResult r = Check(url, "Paul Martin parle ici longuement de rien", "Martin");
  CHECK_FALSE(r.resolution.speaker);
  CHECK(r.resolution.candidates.size() == 2);
  CHECK(r.verdict == Verdict::kAttributedToOther);
  CHECK(r.explanation.find("may be several") != std::string::npos);
  CheckResult unknown = Check(url, kKimWords, "Vladimir Poutine");
  CHECK(unknown.verdict == Verdict::kAttributedToOther);
  CHECK(unknown.explanation.find("no stored speaker") != std::string::npos);
}

TEST_CASE("check: empty or oversized or invalid text and speaker are errors naming the field", "[check]") {
  const std::string url = Fixture();
  auto conn = Connect(url);
  REQUIRE(conn.ok());
  auto no_text = CheckAttribution(**conn, " « … » ", "Kim Jong-un");
  REQUIRE_FALSE(no_text.ok());
  CHECK(no_text.status().code() == ErrorCode::kInvalidArgument);
  CHECK(no_text.status().message().rfind("text:", 0) == 0);
  auto no_speaker = CheckAttribution(**conn, kKimWords, "  ");
  REQUIRE_FALSE(no_speaker.ok());
  CHECK(no_speaker.status().message().rfind("speaker:", 0) == 0);
  auto too_long = CheckAttribution(**conn, std::string(kMaxCheckTextBytes + 1, 'a'), "Kim");
  REQUIRE_FALSE(too_long.ok());
  CHECK(too_long.status().message().rfind("text: longer than", 0) == 0);
  auto bad_utf8 = CheckAttribution(**conn, "caf\xC3", "Kim");
  REQUIRE_FALSE(bad_utf8.ok());
  CHECK(bad_utf8.status().message() == "text: not valid UTF-8");
}

TEST_CASE("check: the JSON has the shape of the /check response", "[check]") {
  const std::string url = Fixture();
  nlohmann::json j = ToJson(Check(url, kLavrovWords, "Kim Jong Un"));
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"earliest", "explanation", "matches", "speaker", "verdict"});
  CHECK(j["verdict"] == "attributed_to_other");
  CHECK(j["speaker"]["query"] == "Kim Jong Un");
  CHECK(j["speaker"]["resolved"]["name"] == "Kim Jong-un");
  CHECK(j["speaker"]["resolved"]["id"].is_number_integer());
  REQUIRE(j["matches"].size() == 1);
  const nlohmann::json& m = j["matches"][0];
  CHECK(m["similarity"] == 1.0);
  CHECK(m["attributed_to"][0]["name"] == "Sergueï Lavrov");
  CHECK(m["attributed_to"][0]["occurrences"] == 1);
  const nlohmann::json& q = m["quote"];
  for (const char* key : {"id", "text", "language", "speakers", "conflict", "occurrences",
                          "documents", "first_appearance", "via"})
    CHECK(q.contains(key));
  CHECK_FALSE(q.contains("score"));  // only in search results
  CHECK(q["language"] == "fr");
  CHECK(q["speakers"][0]["name"] == "Sergueï Lavrov");
  CHECK(q["first_appearance"]["published_at"] == "2024-06-20T10:00:00Z");
  CHECK(q["first_appearance"]["outlet"] == "Le Quotidien");
  CHECK(q["first_appearance"]["url"] == "https://example.org/lavrov");
  CHECK(j["earliest"] == q["first_appearance"]);
  nlohmann::json none = ToJson(Check(url, "absolument rien de tel ici", "Kim Jong Un"));
  CHECK(none["verdict"] == "not_found");
  CHECK(none["earliest"].is_null());
  CHECK(none["matches"].empty());
}

TEST_CASE("quotetrail check: verdicts from ingested articles and exit 0 whatever the verdict",
          "[check][cli]") {
  const std::string url = testing::RequireFreshDatabase();
  testing::TempDir dir;
  const std::string words =
      "Nous sommes prêts à défendre la souveraineté de notre pays par tous les moyens nécessaires";
  std::ofstream(dir.path() + "/kim.txt") << "Pyongyang, le 12 juillet.\n\n« " << words
                                         << " », a déclaré Kim Jong-un lors d'une réunion du parti.\n";
  std::ofstream(dir.path() + "/lavrov.txt")
      << "Moscou, le 13 juillet.\n\n« C'est à la RPDC de décider des modalités d'application de notre "
         "partenariat stratégique », a affirmé Sergueï Lavrov devant la presse.\n";
  const std::string db = "--db '" + url + "' ";
  testing::Run ingest = testing::Quotetrail(db + "ingest --threads 1 " + dir.path());
  REQUIRE(ingest.exit_code == 0);

  testing::Run other =
      testing::Quotetrail(db + "check \"C'est à la RPDC de décider\" --speaker 'Kim Jong-un' --format json");
  CHECK(other.exit_code == 0);
  nlohmann::json j = nlohmann::json::parse(other.out);
  CHECK(j["verdict"] == "attributed_to_other");
  CHECK(j["matches"][0]["attributed_to"][0]["name"] == "Sergueï Lavrov");

  testing::Run confirmed =
      testing::Quotetrail(db + "check 'prêts à défendre la souveraineté' --speaker 'Kim Jong Un'");
  CHECK(confirmed.exit_code == 0);
  CHECK(confirmed.out.rfind("verdict: confirmed\n", 0) == 0);

  testing::Run none = testing::Quotetrail(db + "check 'rien de tout cela' --speaker Kim");
  CHECK(none.exit_code == 0);
  CHECK(none.out.rfind("verdict: not_found\n", 0) == 0);

  testing::Run empty = testing::Quotetrail(db + "check '' --speaker Kim");
  CHECK(empty.exit_code == 2);
  CHECK(empty.err.find("TEXT: empty") != std::string::npos);
  testing::Run no_speaker = testing::Quotetrail(db + "check 'des mots'");
  CHECK(no_speaker.exit_code == 2);
  CHECK(no_speaker.err.find("--speaker") != std::string::npos);
}
