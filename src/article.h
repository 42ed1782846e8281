// article.h: one news article as it enters quotetrail.
//
// The article reader (article_reader.h) fills it from .txt, .html and .jsonl
// files; everything downstream (quote finding, attribution, storage) reads it.
// All strings are valid UTF-8 with "\n" line ends; `text` is the visible text
// with paragraphs separated by a blank line. Fields the input did not provide
// are empty strings.
//
// Thread-safety: a plain value type; distinct objects may be used from
// distinct threads, a shared one only for reading.
#pragma once

#include <string>

namespace quotetrail {

struct Article {
  std::string id;            // from the input ("id" field) or the file name without extension
  std::string url;           // canonical URL when known
  std::string title;
  std::string published_at;  // as given by the source, usually ISO 8601; not parsed here
  std::string outlet;        // publication name (og:site_name, "outlet" field)
  std::string language;      // BCP 47 tag as given ("fr", "en-GB"); empty when unknown
  std::string text;          // visible text
  std::string source;        // where it came from, for messages: "path" or "path:line"
};

}  // namespace quotetrail
