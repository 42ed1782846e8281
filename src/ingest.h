// ingest.h: articles from input files into the store, with extraction.
//
// Ingest() reads the files (article_reader.h) in order, in chunks of
// IngestOptions::batch_documents articles (or batch_bytes of text). For each
// chunk it
//   1. normalises each text (NormalizeDocumentText) and hashes it, on the
//      extraction threads; an article already stored (or met earlier in this
//      run) is counted as skipped and not extracted again;
//   2. resolves the metadata: the command line's outlet and publication time
//      win over the article's own (og:site_name, article:published_time,
//      JSON-LD datePublished, <time datetime>, JSONL fields); a publication
//      time that is missing or unreadable becomes the ingest time, flagged
//      published_estimated (an unreadable one is also a warning); the
//      language is the article's, else the detected one;
//      documents.source is the article's source with its file made absolute
//      ("/data/wire.jsonl:12", "<stdin>");
//   3. extracts the quotes on `threads` threads;
//   4. hands the chunk to a writer thread, which stores it in one
//      transaction (Store::Write) while the next chunk is read and
//      extracted;
//   5. when the run stored anything, Store::Settle(): the new rows made
//      ready for searching (a failure there is a warning: nothing is lost).
// Bad input never stops the run: an unreadable file, an invalid JSON line,
// invalid UTF-8 (ReadOptions::reject_invalid_utf8 is set) or an article
// with no text is reported through on_error with its source ("a.jsonl:3:
// not valid JSON ...") and counted in documents_failed; the rest goes on.
// A document the database refuses is reported the same way.
//
// Thread-safety: one Ingest() per Store at a time. on_error, on_warning and
// on_progress are called from the calling thread or the writer thread, never
// from two at once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "article_reader.h"
#include "extractor.h"
#include "result.h"
#include "store.h"

namespace quotetrail {

struct IngestProgress {
  size_t files_total = 0;
  uint64_t bytes_total = 0;    // sizes of the input files (standard input: 0)
  uint64_t bytes_done = 0;     // of the articles stored, skipped or failed so far
  size_t documents_read = 0;   // articles handed to the store, plus failures
  size_t documents_added = 0;
  size_t documents_skipped = 0;  // stored already
  size_t documents_failed = 0;   // bad input or refused by the database
  size_t occurrences_added = 0;
  double seconds = 0;            // since Ingest() started
};

struct IngestOptions {
  int threads = 1;                       // extraction threads (>= 1)
  // Documents per transaction (>= 1). A batch rewrites once each cluster its
  // quotes join, so larger batches write less when quotes repeat (wire copy);
  // 1000 took ingest_bench's store path from 4.3 s to 3.0 s against 200.
  size_t batch_documents = 1000;
  // A batch also ends once its texts reach this many bytes, which bounds the
  // memory of the batches in flight (at most four) whatever the articles' size.
  uint64_t batch_bytes = uint64_t{32} << 20;
  std::string outlet;                    // when not empty: every document's outlet
  std::optional<int64_t> published_us;   // when set: every document's publication time
  ExtractOptions extract;
  uint64_t max_file_bytes = kDefaultMaxFileBytes;
  std::function<void(const std::string&)> on_error;    // one bad input, with its source
  std::function<void(const std::string&)> on_warning;  // e.g. an unreadable date
  std::function<void(const IngestProgress&)> on_progress;  // after each stored chunk
};

// Ingests `files` (as listed by ExpandInputs) into `store`. Returns the final
// figures; a non-ok Result only when the database failed (connection lost),
// after which what was committed stays committed.
Result<IngestProgress> Ingest(const std::vector<std::string>& files, const Extractor& extractor,
                              Store& store, const IngestOptions& options);

// One article given in memory (POST /api/v1/documents), stored like one
// article of Ingest(): normalised, described (options.outlet and
// options.published_us win), extracted and written in one transaction, or
// found stored already (created false, nothing extracted).
struct IngestedArticle {
  std::string sha256;  // of the stored text: documents.text_sha256
  bool created = false;
  size_t occurrences_added = 0;
};
// kInvalidArgument "text: no text" when the normalised text is empty;
// kInternal with the store's message when the database refused the document;
// database failures as Status. Same thread rules as Ingest().
Result<IngestedArticle> IngestArticle(Article article, const Extractor& extractor, Store& store,
                                      const IngestOptions& options);

// The text as stored and hashed: spaces and tabs at line ends removed, runs
// of blank lines reduced to one, blank lines at both ends removed. Texts that
// differ only in these ways are the same document.
std::string NormalizeDocumentText(std::string_view text);

}  // namespace quotetrail
