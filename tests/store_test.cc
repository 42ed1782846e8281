// The provenance store (store.h) and quote search (quote_search.h) against a
// real PostgreSQL started by the test harness. Documents are built by hand,
// so these tests depend on the storage rules only, not on the extractor.
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "database.h"
#include "gazetteer.h"
#include "quote_search.h"
#include "store.h"
#include "support/pg_harness.h"
#include "support/store_fixture.h"

using namespace quotetrail;
using quotetrail::testing::QueryOne;

namespace {

const char* kFull =
    "prête à soutenir et encourager de manière inconditionnelle toutes les décisions prises par "
    "les dirigeants russes pour éliminer la cause profonde de la crise ukrainienne";
// Truncated, another apostrophe and punctuation, capitalised.
const char* kTruncated =
    "Prête à soutenir, et encourager de manière inconditionnelle, toutes les décisions prises";

ExtractedQuote Quote(const std::string& text, const std::string& speaker,
                     std::vector<std::string> via = {}) {
  return testing::MakeQuote(text, speaker, "partial", 0.8, std::move(via));
}

DocumentRecord Doc(const std::string& name, const std::string& published, const std::string& outlet,
                   std::vector<ExtractedQuote> quotes) {
  return testing::MakeDoc(name, published, outlet, "fr", std::move(quotes));
}

std::unique_ptr<Store> OpenStore(const std::string& url) {
  auto s = Store::Open(url, testing::TestGazetteer());
  if (!s.ok()) FAIL("Store::Open: " << s.status().ToString());
  return std::move(s).value();
}

WriteOutcome Write(Store& store, std::vector<DocumentRecord> docs) {
  return testing::WriteDocs(store, std::move(docs));
}

}  // namespace

TEST_CASE("a truncated copy published later, citing the agency, joins the earlier article's "
          "cluster, which is its first appearance",
          "[store]") {
  const std::string url = testing::RequireFreshDatabase();
  auto store = OpenStore(url);
  // The later, truncated copy is ingested first.
  auto w1 = Write(*store, {Doc("ouest", "2025-07-13T09:00:00Z", "Ouest Matin",
                               {Quote(kTruncated, "Kim Jong Un", {"Korean Central News Agency"})})});
  CHECK(w1.documents_added == 1);
  CHECK(w1.occurrences_added == 1);
  auto w2 = Write(*store, {Doc("kcna", "2025-07-12T06:00:00+09:00", "KCNA",
                               {Quote(kFull, "Kim Jong-un")})});
  CHECK(w2.documents_added == 1);

  CHECK(QueryOne(url, "SELECT count(*) FROM quotes") == "1");
  CHECK(QueryOne(url, "SELECT canonical_text FROM quotes") == kFull);
  CHECK(QueryOne(url, "SELECT occurrence_count || '/' || document_count FROM quotes") == "2/2");
  // The search vectors (migration 0007) follow the longer canonical text.
  CHECK(QueryOne(url, "SELECT norm_words @@ phraseto_tsquery('simple', 'crise ukrainienne') FROM quotes") == "t");
  CHECK(QueryOne(url, "SELECT fts @@ plainto_tsquery('french', 'crises ukrainiennes') FROM quotes") == "t");
  CHECK(QueryOne(url, "SELECT bool_and(norm_words = to_tsvector('simple', norm_text) AND "
                 "fts = to_tsvector(qt_ts_config(language), canonical_text)) FROM quotes") == "t");
  // So do the word pairs (migration 0010), and the pairs of a phrase find
  // the cluster exactly when the phrase does, common words and repeats too.
  CHECK(QueryOne(url, "SELECT norm_pairs = qt_word_pairs(norm_words) FROM quotes") == "t");
  CHECK(QueryOne(url, "SELECT norm_pairs @> ARRAY['crise ukrainienne', 'de la', 'la crise'] FROM quotes") == "t");
  for (const char* phrase : {"de la crise", "la cause profonde de la", "crise ukrainienne", "de la de",
                             "la la crise", "ukrainienne prete", "les dirigeants", "dirigeants les"}) {
    CAPTURE(phrase);
    const std::string p = std::string("'") + phrase + "'";
    CHECK(QueryOne(url, "SELECT (norm_pairs @> qt_word_pairs(to_tsvector('simple', " + p + ")) AND ts_match_vq("
                   "norm_words, phraseto_tsquery('simple', " + p + "))) = (norm_words @@ phraseto_tsquery('simple', " +
                   p + ")) FROM quotes") == "t");
  }
  CHECK(QueryOne(url, "SELECT qt_word_pairs(to_tsvector('simple', 'et et le chat'))::text") ==
        "{\"et et\",\"et le\",\"le chat\"}");
  CHECK(QueryOne(url, "SELECT qt_word_pairs(to_tsvector('simple', 'seul'))::text") == "{}");
  // Two lexemes at one position (only past tsvector's last one, 16383).
  CHECK(QueryOne(url, "SELECT qt_word_pairs('c:16382 a:16383 b:16383'::tsvector)::text") == "{\"c a\",\"c b\"}");
  // First appearance: the KCNA dispatch, published the day before.
  CHECK(QueryOne(url, "SELECT d.external_id FROM quotes q JOIN occurrences o ON o.id = q.first_occurrence_id "
                 "JOIN documents d ON d.id = o.document_id") == "kcna");
  CHECK(QueryOne(url, "SELECT to_char(first_published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM quotes") ==
        "2025-07-11 21:00");
  // The copy came through KCNA, and derives from KCNA's own dispatch.
  CHECK(QueryOne(url, "SELECT a.name FROM occurrence_via v JOIN agencies a ON a.id = v.agency_id") == "KCNA");
  CHECK(QueryOne(url, "SELECT v.label FROM occurrence_via v") == "Korean Central News Agency");
  CHECK(QueryOne(url, "SELECT d2.external_id FROM occurrences o JOIN documents d ON d.id = o.document_id "
                 "JOIN occurrences src ON src.id = o.derived_from_occurrence_id "
                 "JOIN documents d2 ON d2.id = src.document_id WHERE d.external_id = 'ouest'") == "kcna");
  CHECK(QueryOne(url, "SELECT count(*) FROM occurrences WHERE derived_from_occurrence_id IS NULL") == "1");
  // One speaker for both spellings, no conflict.
  CHECK(QueryOne(url, "SELECT count(DISTINCT speaker_id) FROM occurrences") == "1");
  CHECK(QueryOne(url, "SELECT speaker_conflict FROM quotes") == "f");
  // The outlet KCNA is the relay KCNA.
  CHECK(QueryOne(url, "SELECT a.name FROM outlets o JOIN agencies a ON a.id = o.agency_id") == "KCNA");
}

TEST_CASE("the same words given to two speakers are one cluster flagged as a conflict", "[store]") {
  const std::string url = testing::RequireFreshDatabase();
  auto store = OpenStore(url);
  const std::string words = "nous ne céderons jamais devant ceux qui veulent nous diviser";
  Write(*store, {Doc("a", "2025-03-01", "Le Monde", {Quote(words, "Alice Martin")}),
                 Doc("b", "2025-03-02", "Le Figaro", {Quote("Nous ne céderons jamais devant ceux "
                                                            "qui veulent nous diviser !",
                                                            "Bruno Durand")})});
  CHECK(QueryOne(url, "SELECT count(*) FROM quotes") == "1");
  CHECK(QueryOne(url, "SELECT speaker_conflict FROM quotes") == "t");
  CHECK(QueryOne(url, "SELECT speaker_count FROM quotes") == "2");
  CHECK(QueryOne(url, "SELECT string_agg(s.name, ', ' ORDER BY s.name) FROM quote_speakers qs "
                 "JOIN speakers s ON s.id = qs.speaker_id") == "Alice Martin, Bruno Durand");
  // Each occurrence keeps its own attribution.
  CHECK(QueryOne(url, "SELECT string_agg(d.external_id || ':' || s.name, ' ' ORDER BY d.external_id) "
                 "FROM occurrences o JOIN documents d ON d.id = o.document_id "
                 "JOIN speakers s ON s.id = o.speaker_id") == "a:Alice Martin b:Bruno Durand");
  // The main speaker: ties go to the earliest.
  CHECK(QueryOne(url, "SELECT s.name FROM quotes q JOIN speakers s ON s.id = q.speaker_id") == "Alice Martin");
}

TEST_CASE("writing the same documents again adds nothing and counts them as skipped", "[store]") {
  const std::string url = testing::RequireFreshDatabase();
  auto store = OpenStore(url);
  std::vector<DocumentRecord> docs = {
      Doc("a", "2025-03-01", "Le Monde", {Quote(kFull, "Kim Jong-un"), Quote("certaine", "Kim Jong-un")}),
      Doc("b", "2025-03-02", "", {Quote(kTruncated, "Kim Jong-un", {"KCNA", "un communiqué"})})};
  auto first = Write(*store, docs);
  CHECK(first.documents_added == 2);
  CHECK(first.occurrences_added == 3);
  auto before = store->Counts();
  REQUIRE(before.ok());
  auto again = Write(*store, docs);
  CHECK(again.documents_added == 0);
  CHECK(again.documents_skipped == 2);
  CHECK(again.occurrences_added == 0);
  auto after = store->Counts();
  REQUIRE(after.ok());
  CHECK(after->documents == before->documents);
  CHECK(after->occurrences == before->occurrences);
  CHECK(after->quotes == before->quotes);
  // Twice in one batch is once.
  auto twice = Write(*store, {Doc("c", "2025-03-03", "", {}), Doc("c", "2025-03-03", "", {})});
  CHECK(twice.documents_added == 1);
  CHECK(twice.documents_skipped == 1);
  // A via that is no relay is kept by its words.
  CHECK(QueryOne(url, "SELECT count(*) FROM occurrence_via WHERE agency_id IS NULL AND label = 'un communiqué'") == "1");
}

TEST_CASE("a document the database refuses is reported and the rest of its batch is stored",
          "[store]") {
  const std::string url = testing::RequireFreshDatabase();
  auto store = OpenStore(url);
  DocumentRecord bad = Doc("bad", "2025-03-02", "", {Quote(kFull, "Kim Jong-un")});
  bad.title = "broken \xff title";  // not UTF-8: PostgreSQL refuses the row
  auto w = Write(*store, {Doc("a", "2025-03-01", "", {Quote(kFull, "Kim Jong-un")}), bad,
                          Doc("c", "2025-03-03", "", {Quote(kTruncated, "Kim Jong-un")})});
  CHECK(w.documents_added == 2);
  CHECK(w.occurrences_added == 2);
  REQUIRE(w.failures.size() == 1);
  CHECK_THAT(w.failures[0], Catch::StartsWith("bad.txt: not stored: "));
  CHECK(QueryOne(url, "SELECT string_agg(external_id, ',' ORDER BY external_id) FROM documents") == "a,c");
  // Nothing of the refused document is left behind, and the others cluster.
  CHECK(QueryOne(url, "SELECT count(*) FROM occurrences") == "2");
  CHECK(QueryOne(url, "SELECT occurrence_count FROM quotes") == "2");
}

TEST_CASE("a store opened later clusters new documents into the clusters and speakers stored",
          "[store]") {
  const std::string url = testing::RequireFreshDatabase();
  {
    auto store = OpenStore(url);
    Write(*store, {Doc("a", "2025-03-01", "Le Monde", {Quote(kFull, "Sergueï Lavrov")})});
  }
  auto store = OpenStore(url);
  Write(*store, {Doc("b", "2025-03-02", "BBC", {Quote(kTruncated, "Sergei Lavrov")}),
                 Doc("c", "2025-03-03", "", {Quote(kTruncated, "Lavrov")})});
  CHECK(QueryOne(url, "SELECT count(*) FROM quotes") == "1");
  CHECK(QueryOne(url, "SELECT count(*) FROM speakers") == "1");
  CHECK(QueryOne(url, "SELECT name FROM speakers") == "Sergueï Lavrov");
  CHECK(QueryOne(url, "SELECT string_agg(alias_norm, ',' ORDER BY alias_norm) FROM speaker_aliases") ==
        "lavrov,sergei lavrov,serguei lavrov");
  CHECK(QueryOne(url, "SELECT occurrence_count FROM quotes") == "3");
}

TEST_CASE("a second store on the same database waits for the first to close", "[store]") {
  const std::string url = testing::RequireFreshDatabase();
  auto first = OpenStore(url);
  std::atomic<bool> noticed{false};
  auto second = std::async(std::launch::async, [&] {
    StoreOptions o;
    o.on_notice = [&](const std::string&) { noticed = true; };
    return Store::Open(url, testing::TestGazetteer(), o);
  });
  CHECK(second.wait_for(std::chrono::milliseconds(500)) == std::future_status::timeout);
  first.reset();
  auto opened = second.get();
  CHECK(opened.ok());
  CHECK(noticed);
}

TEST_CASE("find matches accent- and case-insensitively, partial quotes included, with the chain "
          "in time order",
          "[store][find]") {
  const std::string url = testing::RequireFreshDatabase();
  {
    auto store = OpenStore(url);
    Write(*store, {Doc("ouest", "2025-07-13T09:00:00Z", "Ouest Matin",
                       {Quote(kTruncated, "Kim Jong Un", {"KCNA"})}),
                   Doc("kcna", "2025-07-12T06:00:00Z", "KCNA", {Quote(kFull, "Kim Jong-un")}),
                   Doc("other", "2025-07-14", "", {Quote("C’est à la RPDC de décider des modalités "
                                                         "d’application de notre partenariat",
                                                         "Sergueï Lavrov")})});
  }
  auto conn = Connect(url);
  REQUIRE(conn.ok());
  for (const char* text : {"prête à soutenir", "PRET A SOUTENIR", "« encourager de maniere »",
                           "pret a soutenir et encouragé"}) {
    INFO(text);
    auto found = FindQuotes(**conn, {text, "", 10});
    REQUIRE(found.ok());
    REQUIRE(found->size() == 1);
    const FoundQuote& q = (*found)[0];
    CHECK(q.text == kFull);
    REQUIRE(q.speakers.size() == 1);
    CHECK(q.speakers[0].name == "Kim Jong Un");  // the spelling stored first
    REQUIRE(q.chain.size() == 2);
    CHECK(q.chain[0].outlet == "KCNA");  // first appearance
    CHECK(q.chain[0].url == "https://example.org/kcna");
    CHECK(q.chain[1].outlet == "Ouest Matin");
    CHECK(q.chain[1].via == std::vector<std::string>{"KCNA"});
    CHECK(q.chain[1].derived_from == q.chain[0].id);
  }
  auto lavrov = FindQuotes(**conn, {"C'est à la RPDC", "", 10});
  REQUIRE(lavrov.ok());
  REQUIRE(lavrov->size() == 1);
  CHECK((*lavrov)[0].speakers[0].name == "Sergueï Lavrov");
  auto by_speaker = FindQuotes(**conn, {"a", "lavrov", 10});
  REQUIRE(by_speaker.ok());
  REQUIRE(by_speaker->size() == 1);
  CHECK((*by_speaker)[0].speakers[0].name == "Sergueï Lavrov");
  auto wrong_speaker = FindQuotes(**conn, {"prête à soutenir", "Lavrov", 10});
  REQUIRE(wrong_speaker.ok());
  CHECK(wrong_speaker->empty());
  auto nothing = FindQuotes(**conn, {"rien de tel ici", "", 10});
  REQUIRE(nothing.ok());
  CHECK(nothing->empty());
  auto empty = FindQuotes(**conn, {"« ... »", "", 10});
  CHECK_FALSE(empty.ok());
  auto json = ToJson((*lavrov)[0]);
  CHECK(json["first_appearance"]["published_at"] == "2025-07-14T00:00:00Z");
  CHECK(json["speakers"][0]["name"] == "Sergueï Lavrov");
}

TEST_CASE("Settle merges the GIN pending lists and analyses the tables a run grew", "[store]") {
  const std::string url = testing::RequireFreshDatabase();
  auto store = OpenStore(url);
  // Every GIN index on the written tables; gin_clean_pending_list returns
  // the pending pages it merged (so asking twice gives 0 the second time).
  const std::string pending =
      "SELECT sum(gin_clean_pending_list(i.indexrelid)) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
      "JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'gin' AND i.indrelid::regclass::text IN "
      "('quotes', 'speakers', 'speaker_aliases', 'documents')";
  auto batch = [](const std::string& prefix) {
    std::vector<DocumentRecord> docs;
    for (int i = 0; i < 100; ++i) {
      const std::string n = prefix + std::to_string(i);
      // Words of their own: each quote is a cluster.
      std::string words;
      for (int w = 0; w < 12; ++w) words += (w ? " mot" : "mot") + n + "x" + std::to_string(w);
      docs.push_back(Doc(n, "2025-03-01", "Le Monde", {Quote(words, "Orateur " + n)}));
    }
    return docs;
  };
  CHECK(Write(*store, batch("a")).documents_added == 100);
  auto st = store->Settle();
  INFO(st.ToString());
  REQUIRE(st.ok());
  CHECK(QueryOne(url, pending) == "0");
  CHECK(QueryOne(url, "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'quotes'") == "t");
  CHECK(QueryOne(url, "SELECT reltuples FROM pg_class WHERE relname = 'quotes'") == "100");
  // Without Settle, the new rows wait in the pending lists.
  CHECK(Write(*store, batch("b")).documents_added == 100);
  CHECK(std::stoi(QueryOne(url, pending)) > 0);
}
