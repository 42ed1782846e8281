// store_fixture.cc: see store_fixture.h.
#include "support/store_fixture.h"

#include <catch2/catch.hpp>
#include <memory>
#include <utility>

#include "sha256.h"
#include "timestamp.h"

namespace quotetrail::testing {

const Gazetteer& TestGazetteer() {
  static std::unique_ptr<Gazetteer> g = [] {
    auto r = Gazetteer::Load(std::string(QUOTETRAIL_EXTRACTORS_DIR) + "/common/agencies.tsv");
    REQUIRE(r.ok());
    return std::move(r).value();
  }();
  return *g;
}

ExtractedQuote MakeQuote(const std::string& text, const std::string& speaker, const std::string& kind,
                         double confidence, std::vector<std::string> via) {
  ExtractedQuote q;
  q.text = text;
  q.start_cp = 0;
  q.end_cp = text.size();
  q.kind = kind;
  q.speaker = speaker;
  q.speaker_mention = speaker;
  q.speaker_kind = "person";
  q.cue = "a déclaré";
  q.via = std::move(via);
  q.confidence = confidence;
  q.pattern = "test";
  return q;
}

DocumentRecord MakeDoc(const std::string& name, const std::string& published, const std::string& outlet,
                       const std::string& lang, std::vector<ExtractedQuote> quotes) {
  DocumentRecord d;
  d.source = name + ".txt";
  d.external_id = name;
  d.url = "https://example.org/" + name;
  d.title = "Article " + name;
  d.outlet = outlet;
  d.language = lang;
  auto published_us = ParseTimestamp(published);
  REQUIRE(published_us.ok());
  d.published_us = *published_us;
  d.text = "Texte de l'article " + name + ".";
  size_t cp = 20;
  for (auto& q : quotes) {
    d.text += " « " + q.text + " »";
    q.end_cp = cp + (q.end_cp - q.start_cp);
    q.start_cp = cp;
    cp += 1000;
  }
  d.sha256 = Sha256Hex(d.text);
  d.quotes = std::move(quotes);
  return d;
}

WriteOutcome WriteDocs(Store& store, std::vector<DocumentRecord> docs) {
  auto w = store.Write(std::move(docs));
  if (!w.ok()) FAIL("Store::Write: " << w.status().ToString());
  return std::move(w).value();
}

WriteOutcome WriteDocs(const std::string& url, std::vector<DocumentRecord> docs) {
  auto store = Store::Open(url, TestGazetteer());
  if (!store.ok()) FAIL("Store::Open: " << store.status().ToString());
  return WriteDocs(**store, std::move(docs));
}

}  // namespace quotetrail::testing
