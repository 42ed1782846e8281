// store_fixture.h: documents built by hand for the tests of the store and of
// what reads it (check, export): stored through the real Store into a real
// PostgreSQL, with no extractor involved, so those tests depend on the
// storage rules only.
//
// MakeDoc(name, ...) gives the text "Texte de l'article NAME. « Q1 » « Q2 »...",
// source NAME.txt, url https://example.org/NAME, title "Article NAME", and
// places quote i at code points 20 + 1000 i (distinct positions: the order
// inside a document is defined). MakeQuote gives a quote as the extractor
// would: speaker named as written, kind "person", cue "a déclaré", pattern
// "test". WriteDocs FAILs the test when the store returns an error status;
// the per-document failures are the caller's to check.
#pragma once

#include <string>
#include <vector>

#include "extractor.h"
#include "gazetteer.h"
#include "store.h"

namespace quotetrail::testing {

// The gazetteer of extractors/common/agencies.tsv, loaded once.
const Gazetteer& TestGazetteer();

ExtractedQuote MakeQuote(const std::string& text, const std::string& speaker, const std::string& kind,
                         double confidence, std::vector<std::string> via = {});

DocumentRecord MakeDoc(const std::string& name, const std::string& published, const std::string& outlet,
                       const std::string& lang, std::vector<ExtractedQuote> quotes);

WriteOutcome WriteDocs(Store& store, std::vector<DocumentRecord> docs);
// Opens a Store on `url` for this write only.
WriteOutcome WriteDocs(const std::string& url, std::vector<DocumentRecord> docs);

}  // namespace quotetrail::testing
