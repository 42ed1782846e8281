// `quotetrail ingest` and `quotetrail find` as a user runs them, against a
// real PostgreSQL started by the test harness (--db) or the embedded one
// (--data-dir): metadata from pages, idempotence, bad input, a cluster across
// two articles through extraction, and an ingest killed midway.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "database.h"
#include "support/cli_run.h"
#include "support/pg_harness.h"

extern char** environ;

using namespace quotetrail;
using quotetrail::testing::QueryOne;
using quotetrail::testing::Quotetrail;
using quotetrail::testing::Run;
using quotetrail::testing::TempDir;

namespace {

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string Q(const std::string& s) { return "'" + s + "'"; }  // paths here hold no quote

// An article page as news sites publish it.
const char* kPage = R"(<!DOCTYPE html>
<html lang="fr"><head>
<meta charset="utf-8">
<title>Lavrov à Wonsan</title>
<link rel="canonical" href="https://courrier.example/monde/lavrov-wonsan">
<meta property="og:site_name" content="Le Courrier">
<meta property="article:published_time" content="2025-07-12T10:00:00+02:00">
</head><body><article>
<h1>Lavrov à Wonsan</h1>
<p>Le leader nord-coréen Kim Jong-un a affirmé samedi à Sergueï Lavrov son appui total à la Russie. Selon l’agence officielle KCNA, Kim a déclaré que la Corée du Nord était « prête à soutenir et encourager de manière inconditionnelle toutes les décisions prises par les dirigeants russes pour éliminer la cause profonde de la crise ukrainienne ».</p>
<p>Interrogé sur un possible déploiement plus large des troupes nord-coréennes, Lavrov a répondu : « C’est à la RPDC de décider des modalités d’application de notre partenariat stratégique. »</p>
</article></body></html>
)";

// The next day, elsewhere: the quote truncated, the agency cited.
const char* kCopy =
    "Le dirigeant nord-coréen Kim Jong-un a déclaré, selon l'agence KCNA, que son pays était "
    "\\u00ab pr\\u00eate \\u00e0 soutenir et encourager de mani\\u00e8re inconditionnelle toutes "
    "les d\\u00e9cisions prises par les dirigeants russes \\u00bb.";

std::string JsonLine(const std::string& id, const std::string& published, const std::string& outlet,
                     const std::string& text_json_escaped) {
  return "{\"id\": \"" + id + "\", \"published_at\": \"" + published + "\", \"outlet\": \"" +
         outlet + "\", \"language\": \"fr\", \"text\": \"" + text_json_escaped + "\"}\n";
}

// Writes the small corpus of the tests into `dir`: a page, a JSONL file with
// a copy of its quote, a bad JSON line and a line of invalid UTF-8, a text
// file, and a binary file. 4 articles can be stored; 3 inputs are bad.
void WriteCorpus(const std::string& dir) {
  WriteFile(dir + "/lavrov.html", kPage);
  WriteFile(dir + "/wire.jsonl",
            JsonLine("copy", "2025-07-13T08:00:00Z", "Ouest Matin", kCopy) +
                "{\"id\": \"broken\", \"text\": \"unterminated\n" +
                JsonLine("other", "2025-07-14", "Ouest Matin",
                         "Le maire a dit : \\u00ab Nous ouvrirons la piscine cet \\u00e9t\\u00e9. \\u00bb") +
                "{\"id\": \"latin\", \"text\": \"d\xe9j\xe0\"}\n");
  WriteFile(dir + "/note.txt",
            "La ministre a prévenu : « Aucune hausse d’impôt ne sera votée cette année. »\n");
  WriteFile(dir + "/junk.txt", std::string("abc\0def", 7));
}

int64_t Count(const std::string& url, const std::string& table) {
  return std::stoll(QueryOne(url, "SELECT count(*) FROM " + table));
}

// external_id -> "occurrences/vias" of each stored document.
std::map<std::string, std::string> PerDocument(const std::string& url) {
  auto conn = Connect(url);
  REQUIRE(conn.ok());
  pqxx::nontransaction tx(**conn);
  std::map<std::string, std::string> out;
  for (const auto& row : tx.exec(
           "SELECT d.external_id, count(DISTINCT o.id) || '/' || count(v.occurrence_id) "
           "FROM documents d LEFT JOIN occurrences o ON o.document_id = d.id "
           "LEFT JOIN occurrence_via v ON v.occurrence_id = o.id GROUP BY d.external_id"))
    out[row[0].as<std::string>()] = row[1].as<std::string>();
  return out;
}

}  // namespace

TEST_CASE("ingest stores pages with their metadata, reports bad input by file and line, and a "
          "second run adds nothing",
          "[ingest]") {
  TempDir tmp;
  WriteCorpus(tmp.path());
  const std::string url = testing::RequireFreshDatabase(/*migrate=*/false);
  const std::string db = "--db " + Q(url) + " ";

  Run first = Quotetrail(db + "ingest --threads 2 " + Q(tmp.path()));
  INFO(first.err);
  CHECK(first.exit_code == 1);  // some inputs were bad
  CHECK_THAT(first.err, Catch::Contains(tmp.path() + "/wire.jsonl:2: not valid JSON"));
  CHECK_THAT(first.err, Catch::Contains(tmp.path() + "/wire.jsonl:4: invalid UTF-8"));
  CHECK_THAT(first.err, Catch::Contains(tmp.path() + "/junk.txt: looks binary"));
  CHECK_THAT(first.out, Catch::Contains("4 added, 0 skipped (already stored), 3 failed"));
  CHECK(Count(url, "documents") == 4);
  const int64_t occurrences = Count(url, "occurrences");
  CHECK(occurrences >= 4);

  // Metadata of the page, as news sites publish it.
  const std::string page = "(SELECT * FROM documents WHERE source LIKE '%lavrov.html')";
  CHECK(QueryOne(url, "SELECT url FROM " + page + " d") == "https://courrier.example/monde/lavrov-wonsan");
  CHECK(QueryOne(url, "SELECT title FROM " + page + " d") == "Lavrov à Wonsan");
  CHECK(QueryOne(url, "SELECT o.name FROM " + page + " d JOIN outlets o ON o.id = d.outlet_id") == "Le Courrier");
  CHECK(QueryOne(url, "SELECT language FROM " + page + " d") == "fr");
  CHECK(QueryOne(url, "SELECT to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' ' || "
                 "published_at_estimated FROM " + page + " d") == "2025-07-12 08:00 false");
  // A text file has no date: the ingest time stands in, flagged.
  CHECK(QueryOne(url, "SELECT published_at_estimated FROM documents WHERE source LIKE '%note.txt'") == "t");

  // The copy of the next day joined the page's cluster; the page is the first appearance.
  const std::string cluster =
      "(SELECT q.* FROM quotes q WHERE q.norm_text LIKE 'prete a soutenir%')";
  CHECK(QueryOne(url, "SELECT occurrence_count FROM " + cluster + " q") == "2");
  CHECK(QueryOne(url, "SELECT d.source LIKE '%lavrov.html' FROM " + cluster +
                     " q JOIN occurrences o ON o.id = q.first_occurrence_id "
                     "JOIN documents d ON d.id = o.document_id") == "t");

  Run second = Quotetrail(db + "ingest " + Q(tmp.path()));
  CHECK(second.exit_code == 1);
  CHECK_THAT(second.out, Catch::Contains("0 added, 4 skipped (already stored), 3 failed; 0 occurrences added"));
  CHECK(Count(url, "documents") == 4);
  CHECK(Count(url, "occurrences") == occurrences);
}

TEST_CASE("find shows the cluster, its speaker, first appearance and chain with the agency",
          "[ingest][find]") {
  TempDir tmp;
  WriteCorpus(tmp.path());
  const std::string db = "--db " + Q(testing::RequireFreshDatabase()) + " ";
  REQUIRE(Quotetrail(db + "ingest " + Q(tmp.path())).exit_code == 1);

  for (const char* query : {"prête à soutenir", "pret a soutenir"}) {
    INFO(query);
    Run r = Quotetrail(db + "find " + Q(query));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("1. «prête à soutenir et encourager de manière inconditionnelle"));
    CHECK_THAT(r.out, Catch::Contains("speaker: Kim Jong-un"));
    CHECK_THAT(r.out, Catch::Contains("2 occurrences in 2 documents"));
    CHECK_THAT(r.out, Catch::Contains("first appearance: 2025-07-12 08:00  Le Courrier  "
                                      "https://courrier.example/monde/lavrov-wonsan"));
    CHECK_THAT(r.out, Catch::Contains("via KCNA"));
    CHECK_THAT(r.out, Catch::Contains("2025-07-13 08:00  Ouest Matin"));
  }
  Run lavrov = Quotetrail(db + "find \"C'est à la RPDC\" --format json");
  REQUIRE(lavrov.exit_code == 0);
  auto j = nlohmann::json::parse(lavrov.out);
  REQUIRE(j.size() >= 1);
  CHECK(j[0]["speakers"][0]["name"] == "Sergueï Lavrov");
  CHECK(j[0]["first_appearance"]["outlet"] == "Le Courrier");
  CHECK(j[0]["first_appearance"]["published_at"] == "2025-07-12T08:00:00Z");

  Run none = Quotetrail(db + "find 'rien de semblable nulle part'");
  CHECK(none.exit_code == 1);
  CHECK_THAT(none.err, Catch::Contains("no quote matches"));
  Run usage = Quotetrail(db + "find x --format xml");
  CHECK(usage.exit_code == 2);
}

TEST_CASE("command-line outlet and date override the page's, and - reads standard input",
          "[ingest]") {
  TempDir tmp;
  WriteFile(tmp.path() + "/page.html", kPage);
  const std::string url = testing::RequireFreshDatabase();
  Run r = Quotetrail("--db " + Q(url) +
                         " ingest --outlet 'Gazette du Nord' --published-at 2025-01-02T03:04:05Z -",
                     tmp.path() + "/page.html");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(QueryOne(url, "SELECT o.name FROM documents d JOIN outlets o ON o.id = d.outlet_id") == "Gazette du Nord");
  CHECK(QueryOne(url, "SELECT to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM documents") ==
        "2025-01-02 03:04:05");
  CHECK(QueryOne(url, "SELECT source FROM documents") == "<stdin>");
  // A relative path is stored absolute.
  WriteFile(tmp.path() + "/note.txt", "Il a dit : « Nous verrons bien demain ce qu’il en est. »\n");
  Run rel = Quotetrail("--db " + Q(url) + " ingest note.txt", "/dev/null", tmp.path());
  REQUIRE(rel.exit_code == 0);
  CHECK(QueryOne(url, "SELECT source FROM documents WHERE source LIKE '%note.txt'") == tmp.path() + "/note.txt");
  Run bad = Quotetrail("--db " + Q(url) + " ingest --published-at yesterday -", tmp.path() + "/page.html");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--published-at: not a date/time"));
}

TEST_CASE("ingest with --data-dir starts the embedded PostgreSQL and migrates it", "[ingest]") {
  TempDir tmp;
  WriteFile(tmp.path() + "/note.txt", "Elle a dit : « Nous verrons bien demain ce qu’il en est. »\n");
  const std::string dd = "--data-dir " + Q(tmp.path() + "/data") + " ";
  Run r = Quotetrail(dd + "ingest " + Q(tmp.path() + "/note.txt"));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  // Every migration of the tree is applied on a new cluster.
  size_t migrations = 0;
  for (const auto& e : std::filesystem::directory_iterator(QUOTETRAIL_MIGRATIONS_DIR))
    migrations += e.path().extension() == ".sql";
  CHECK_THAT(r.err, Catch::Contains("applied " + std::to_string(migrations) + " migration(s)"));
  CHECK_THAT(r.out, Catch::Contains("1 added"));
  Run stop = Quotetrail(dd + "db stop");
  CHECK(stop.exit_code == 0);
}

TEST_CASE("an ingest killed midway and run again ends with the counts of an uninterrupted run",
          "[ingest][kill]") {
  TempDir tmp;
  // 1,500 distinct articles (a unique line each), dated, in one JSONL file.
  const std::string corpus = tmp.path() + "/many.jsonl";
  {
    std::ofstream out(corpus);
    for (int i = 0; i < 1500; ++i) {
      char date[32];
      std::snprintf(date, sizeof date, "2025-%02d-%02dT%02d:00:00Z", 1 + i % 9, 10 + i % 10, 10 + i % 12);
      const char* body = i % 3 == 0 ? kCopy
                         : i % 3 == 1 ? "Le maire a dit : \\u00ab Nous ouvrirons la piscine cet \\u00e9t\\u00e9. \\u00bb"
                                      : "Selon l'AFP, Jean Dupont a affirm\\u00e9 : \\u00ab Le chantier sera termin\\u00e9 avant l'hiver, quoi qu'il arrive. \\u00bb";
      std::string text = "D\\u00e9p\\u00eache ";
      text.append(std::to_string(i)).append(".\\n\\n").append(body);
      std::string id = "n";
      id += std::to_string(i);
      out << JsonLine(id, date, i % 2 ? "Ouest Matin" : "Le Courrier", text);
    }
  }
  const std::string reference = testing::RequireFreshDatabase();
  Run clean = Quotetrail("--db " + Q(reference) + " ingest --batch 10 " + Q(corpus));
  INFO(clean.err);
  REQUIRE(clean.exit_code == 0);
  REQUIRE(Count(reference, "documents") == 1500);

  const std::string url = testing::RequireFreshDatabase();
  std::vector<std::string> args = {QUOTETRAIL_BINARY, "--db", url, "ingest", "--batch", "10",
                                   "--threads", "2", corpus};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&fa);
  // Kill it as soon as some documents are committed.
  int64_t seen = 0;
  for (int i = 0; i < 3000 && seen == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    seen = Count(url, "documents");
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  const int64_t after_kill = Count(url, "documents");
  INFO("documents after the kill: " << after_kill);
  CHECK(after_kill > 0);
  CHECK(after_kill < 1500);
  // Whole documents only: each stored document has all its occurrences and
  // vias, as many as in the uninterrupted run.
  const auto killed = PerDocument(url), full = PerDocument(reference);
  CHECK(killed.size() == static_cast<size_t>(after_kill));
  for (const auto& [id, figures] : killed) {
    INFO(id);
    CHECK(figures == full.at(id));
  }

  Run resumed = Quotetrail("--db " + Q(url) + " ingest --batch 10 " + Q(corpus));
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.out, Catch::Contains(std::to_string(1500 - after_kill) + " added, " +
                                          std::to_string(after_kill) + " skipped"));
  for (const char* table : {"documents", "occurrences", "quotes", "speakers", "speaker_aliases",
                            "occurrence_via", "quote_speakers", "outlets"}) {
    INFO(table);
    CHECK(Count(url, table) == Count(reference, table));
  }
  for (const char* sql :
       {"SELECT sum(occurrence_count) || '/' || sum(document_count) FROM quotes",
        "SELECT count(*) FROM occurrences WHERE derived_from_occurrence_id IS NULL",
        "SELECT string_agg(occurrence_count::text, ',' ORDER BY occurrence_count) FROM quotes"}) {
    INFO(sql);
    CHECK(QueryOne(url, sql) == QueryOne(reference, sql));
  }
}
