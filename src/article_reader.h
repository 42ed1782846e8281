// article_reader.h: turning input files into articles.
//
// Inputs are named on the command line: files, directories (searched
// recursively) and "-" for standard input. ExpandInputs resolves the names
// into a list of files; ReadArticles reads one of them and hands each article
// (or each problem) to a sink, so one bad line or file never stops a run.
//
// Formats, chosen by extension (case-insensitive):
//   .txt         one article: id = file name without extension, text = content
//   .html .htm   one article from ParseHtmlPage (html_text.h): visible text,
//                title, canonical URL, site name, publication time, language
//   .jsonl       one article per line: a JSON object with "text" or "html" and
//                optionally "id", "url", "title", "published_at", "outlet",
//                "language" (strings; "id" may be an integer; null = absent).
//                With "html", the page is parsed and its metadata fill the
//                fields the line leaves out (explicit fields win); with both,
//                "text" is the text. Without "id" the id is "FILESTEM:LINE".
//                Blank lines are skipped; unknown fields are ignored and
//                named in one warning per file.
//   "-" and any other name (e.g. /dev/fd/63): sniffed from the content:
//                "{" first -> JSONL, "<!doctype html" or "<html" first ->
//                HTML, else plain text (id "stdin" for "-", else the file name
//                without extension).
//
// What happens to the bytes, in order (any format):
//   - larger than ReadOptions::max_file_bytes: error, the file is skipped;
//   - a UTF-8 byte-order mark is dropped;
//   - a NUL byte: error "looks binary", the file is skipped (a UTF-16 file is
//     recognised by its byte-order mark and named as such);
//   - invalid UTF-8: an HTML page that declares a Latin-1 family charset
//     (iso-8859-1, latin1, windows-1252, us-ascii, iso-8859-15) is decoded
//     from it; anything else is repaired (each invalid sequence becomes
//     U+FFFD) with a warning "path: invalid UTF-8 at byte N (M sequences
//     replaced with U+FFFD)", unless ReadOptions::reject_invalid_utf8;
//   - line ends become "\n" (CRLF and lone CR).
// Article::source is the path ("<stdin>" for "-"), with ":LINE" for JSONL.
// Error messages start with that source: "a.jsonl:3: not valid JSON ...".
//
// Thread-safety: all functions are reentrant; distinct files may be read
// from distinct threads at once. The callbacks are invoked on the calling
// thread, in input order.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "article.h"
#include "result.h"

namespace quotetrail {

inline constexpr uint64_t kDefaultMaxFileBytes = uint64_t{64} << 20;  // 64 MiB

struct ReadOptions {
  // Files (and standard input) larger than this are refused with an error.
  // Default: 64 MiB.
  uint64_t max_file_bytes = kDefaultMaxFileBytes;

  // Receives warnings (repaired UTF-8, ignored JSONL fields, pages without
  // text), one message per call, already prefixed with the path. Default:
  // empty, warnings are dropped.
  std::function<void(const std::string&)> warning;

  // Invalid UTF-8 is an error instead of being repaired: the file is skipped
  // ("path: invalid UTF-8 at byte N; skipped"), or for JSONL only the lines
  // holding it ("path:LINE: invalid UTF-8 at byte N of the line; skipped").
  // A page that declares a Latin-1 family charset is still decoded. Used by
  // ingest, which stores nothing it had to guess. Default: false (repair).
  bool reject_invalid_utf8 = false;
};

// Resolves command-line inputs into the files to read, in order: a file is
// kept as given (whatever its extension), "-" is kept as "-" (standard
// input), a directory is replaced by the .txt, .html, .htm and .jsonl files
// below it, recursively, sorted by path, skipping hidden files and
// directories (names starting with '.') and not following symbolic links to
// directories. Fails with kNotFound ("x: no such file or directory") for a
// missing path and kUnavailable when a directory cannot be listed; the first
// failure ends the expansion.
Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& paths);

// Reads the whole of `path` ("-" = standard input) into memory. Fails with
// kNotFound when it does not exist, kUnavailable on other system errors
// (the errno text is in the message), and kInvalidArgument when it is a
// directory or holds more than `max_bytes` bytes (the message gives the size
// and the limit).
Result<std::string> ReadFile(const std::string& path, uint64_t max_bytes = kDefaultMaxFileBytes);

enum class InputFormat { kText, kHtml, kJsonl };

// The format for `path`: by its extension (.txt, .html, .htm, .jsonl), else
// (standard input, other names) sniffed from `content` as described above.
InputFormat DetectFormat(const std::string& path, std::string_view content);

// Reads the articles of one file (as named by ExpandInputs) and passes each
// to `sink`, in file order: an Article, or a non-ok Status for an article that
// could not be read (a JSONL line: "path:LINE: what"; reading continues with
// the next line) or for the whole file (unreadable, too large, binary: one
// error, nothing else). Warnings go to `opts.warning`.
void ReadArticles(const std::string& path, const ReadOptions& opts,
                  const std::function<void(Result<Article>)>& sink);

// The same for content already in memory (an upload, a test): `content` is
// the raw bytes, `path` names it in ids and messages ("-" means standard
// input), `format` is how to read it. Applies every step above except the
// size limit.
void ReadArticlesFromContent(std::string content, const std::string& path, InputFormat format,
                             const ReadOptions& opts,
                             const std::function<void(Result<Article>)>& sink);

}  // namespace quotetrail
