// csv_export.h: stored occurrences as CSV, streamed. Backs
// `GET /api/v1/export.csv` and `quotetrail export --csv`.
//
// CSV (RFC 4180): records end with CRLF; a field holding a comma, a double
// quote, CR or LF is enclosed in double quotes, with its double quotes
// doubled; other fields are written as they are. Text is UTF-8 as stored.
// Formula neutralisation (OWASP "CSV injection"), on unless `raw`: a field
// that starts with = + - @ TAB or CR gets a leading apostrophe, so a
// spreadsheet shows it as text instead of running it ("=HYPERLINK(...)" ->
// "'=HYPERLINK(...)"; a negative number "-2" is shown as "'-2" too, the
// price of a rule that cannot know which cells are numbers). `bom` starts
// the output with the UTF-8 byte order mark (EF BB BF), which Excel needs
// to read UTF-8.
//
// ExportOccurrences writes the header
//   quote,speaker,via,outlet,title,url,published_at,first_seen,kind,confidence,cluster_id
// then one record per occurrence the filter selects (quote_filter.h: q
// selects by the occurrence's cluster, every other filter by the occurrence
// itself, all for the same occurrence), in time order: the document's
// published_at, then document id, then position in the document, then
// occurrence id. Columns:
//   quote         the occurrence's exact words
//   speaker       its resolved speaker's name, else the words the article
//                 uses ("les deux pays"), else empty
//   via           the relays it came through, in the article's order, by
//                 canonical name (else as written), joined with "; "
//   outlet, title, url   of its document (empty when unknown)
//   published_at  the document's publication time, RFC 3339 UTC
//                 ("2024-06-19T08:30:00Z"), empty when unknown
//   first_seen    the cluster's first appearance (its earliest published
//                 occurrence), same format
//   kind          full | partial | indirect
//   confidence    the extractor's confidence, 0..1 with at most 3 decimals
//   cluster_id    quotes.id (the id of GET /api/v1/quotes/{id})
//
// Streaming: rows come from a server-side cursor (DECLARE ... NO SCROLL
// CURSOR in a read-only transaction; one query, so the export is one
// snapshot), fetched kExportFetchRows at a time; output is buffered into
// chunks of about kExportChunkBytes (a chunk exceeds it by at most one
// record) handed to `sink`. Client memory is bounded by one block of rows
// and one chunk, whatever the number of rows. `sink` returns false to stop
// (the client went away, a write failed): the export then ends at once,
// with `complete` false, and is not an error.
//
// From an HTTP handler (cpp-httplib): run the whole export inside one
// chunked content provider call, with a sink that writes the chunk to the
// response and returns false once the client is gone; then call done().
//
// Errors: kInvalidArgument "q: has no letter or digit to look for", before
// anything is written (as GET /api/v1/quotes says it); database errors as
// Status (database.h: PqxxError). Nothing is retried; on a database error
// the sink may have received part of the output (callers writing a file
// write to a temporary one and rename it at the end).
//
// Thread-safety: functions of their arguments; a connection is used by one
// call at a time. `sink` is called on the caller's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "quote_filter.h"
#include "result.h"

namespace quotetrail {

inline constexpr long kExportFetchRows = 1000;
inline constexpr size_t kExportChunkBytes = 64 * 1024;
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
inline constexpr std::string_view kExportHeader =
    "quote,speaker,via,outlet,title,url,published_at,first_seen,kind,confidence,cluster_id";

struct CsvOptions {
  bool raw = false;  // true: no formula neutralisation
  bool bom = false;  // true: start with the UTF-8 BOM
};

// Whether a spreadsheet could take `field` for a formula (first byte = + -
// @ TAB or CR).
bool LooksLikeFormula(std::string_view field);

// Appends one field, neutralised unless `raw`, quoted when needed.
void AppendCsvField(std::string& out, std::string_view field, bool raw);

// Appends the fields separated by commas, then CRLF.
void AppendCsvRecord(std::string& out, const std::vector<std::string_view>& fields, bool raw);

struct ExportStats {
  int64_t rows = 0;       // records written after the header
  int64_t bytes = 0;      // handed to the sink
  int64_t chunks = 0;     // sink calls
  bool complete = false;  // false: the sink asked to stop
};

// Returns false to stop the export.
using ExportSink = std::function<bool(std::string_view chunk)>;

Result<ExportStats> ExportOccurrences(pqxx::connection& conn, const QuoteFilter& filter,
                                      const CsvOptions& options, const ExportSink& sink);

}  // namespace quotetrail
