// store.h: ingested documents into PostgreSQL, clustered and linked.
//
// A Store writes whole documents with everything found in them:
//   documents       one row per distinct normalised text (text_sha256 unique:
//                   the same article twice is one row; Write skips it)
//   outlets         the publisher (--outlet, og:site_name), linked to the
//                   relay of the gazetteer with that name when there is one
//   agencies        every relay of the gazetteer, upserted by Open()
//   speakers        + speaker_aliases, one speaker across articles
//                   (speaker_directory.h)
//   quotes          clusters of occurrences (quote_clusters.h) with their
//                   canonical text, first appearance, counts, main speaker
//                   and conflict flag; quote_speakers lists every speaker
//   occurrences     one extracted quote in one document, with its cluster,
//                   resolved speaker and likely source (derived_from)
//   occurrence_via  the relays and documents it came through, in order
// Write() takes a batch of documents and commits them in ONE transaction,
// so a crash or a kill leaves whole batches (hence whole documents) or
// nothing. Commits are asynchronous (synchronous_commit = off): a crash of
// the server or the machine, not of ingest, may lose the last batches
// committed, which ingesting again stores (see store_sql.h). Rows go in with COPY; ids come from the tables' sequences,
// reserved in blocks (a run leaves gaps of at most a block).
//
// State: clustering and speaker matching need every cluster and speaker in
// memory; Open() loads them (a few hundred bytes per occurrence). So only
// one Store writes to a database at a time: Open() takes a PostgreSQL
// advisory lock for the life of the Store, waiting (with a notice) while
// another ingest holds it. When a batch fails, the transaction rolls back,
// the state is reloaded from the database and the batch is retried one
// document at a time; a document that still fails is reported by its source
// ("a.jsonl:3: ...") and left out, the others are written.
//
// Thread-safety: Write() and Counts() from one thread at a time;
// KnownDocuments() has its own connection and may run alongside Write().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "extractor.h"
#include "gazetteer.h"
#include "quote_clusters.h"
#include "result.h"
#include "speaker_directory.h"

namespace quotetrail {

// One document ready to be stored: its metadata resolved, its text
// normalised (offsets of `quotes` refer to it) and hashed.
struct DocumentRecord {
  std::string source;       // "path" or "path:LINE", for messages and documents.source
  std::string external_id;  // the article's id in its input
  std::string url;          // canonical URL, or ""
  std::string title;
  std::string outlet;       // publisher name, or ""
  std::string language;     // "fr", "en-GB"... or ""
  int64_t published_us = 0;         // timestamp.h
  bool published_estimated = false; // true: the ingest time stands in for it
  std::string text;                 // the body
  std::string sha256;               // Sha256Hex(text)
  std::vector<ExtractedQuote> quotes;
};

struct WriteOutcome {
  size_t documents_added = 0;
  size_t documents_skipped = 0;  // already stored (or twice in the batch)
  size_t occurrences_added = 0;
  std::vector<std::string> failures;  // "SOURCE: what went wrong", one per document left out
};

struct StoreCounts {
  int64_t documents = 0, occurrences = 0, quotes = 0, speakers = 0, conflicts = 0;
};

struct StoreOptions {
  // Called with a line when Open() has to wait for another ingest; may be null.
  std::function<void(const std::string&)> on_notice;
  // false: Open() does not wait for another ingest but fails at once with
  // kUnavailable ("another ingest is writing to this database") (the HTTP
  // server, which must not hold a request open for a whole ingest).
  bool wait_for_lock = true;
};

class Store {
 public:
  // Connects (twice: writes, and KnownDocuments), takes the ingest lock,
  // upserts the gazetteer's relays and loads the state. `gazetteer` must
  // outlive the Store. Fails with kUnavailable when PostgreSQL cannot be
  // reached, kFailedPrecondition when the schema is missing (run migrate).
  static Result<std::unique_ptr<Store>> Open(const std::string& url, const Gazetteer& gazetteer,
                                             const StoreOptions& options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The hashes among `sha256s` that are stored already.
  Result<std::unordered_set<std::string>> KnownDocuments(const std::vector<std::string>& sha256s);

  // Writes `docs` as described above. A non-ok Result means the database
  // itself failed (connection lost): nothing of this batch was written.
  Result<WriteOutcome> Write(std::vector<DocumentRecord> docs);

  Result<StoreCounts> Counts();

  // Makes what was written ready for fast queries, at the end of a run:
  // merges the pending lists of the written tables' GIN indexes (rows
  // inserted wait there, and every search reads them in full) and ANALYZEs
  // the tables changed by more than autovacuum's threshold since their
  // last ANALYZE (so the planner does not meet 100,000 new clusters with
  // the statistics of 1,000). Work autovacuum would do later, done now.
  // Writes no row; a failure (e.g. a --db user that does not own the
  // tables) leaves the data as it is and is only worth a warning.
  Status Settle();

 private:
  struct State;
  Store(const Gazetteer& gazetteer);
  Status Load();
  Status WriteBatch(std::vector<DocumentRecord>& docs, WriteOutcome* out);

  const Gazetteer& gazetteer_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::connection> read_conn_;
  std::mutex read_mu_;
  std::unique_ptr<State> state_;
};

}  // namespace quotetrail
