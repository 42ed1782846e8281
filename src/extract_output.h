// extract_output.h: writing extraction results.
//
// JSONL: one line per article, the format `quotetrail extract --format jsonl`
// prints and ../shared/eval/score.py reads:
//   {"doc", "lang", "quotes": [{"text", "start", "end", "kind", "speaker",
//    "speaker_mention", "speaker_kind", "cue", "via", "vias", "confidence", "pattern"}]}
// `start`/`end` are code-point offsets; absent values are null; `via` is the
// nearest relay (a string: the scorer cannot read a list) and `vias` all of
// them in order. Claims (kind "indirect", only with ExtractOptions::claims)
// come in the same list, in reading order; `text` is then the reported clause.
// Text: a listing for people; claims are shown without added quotation marks
// and counted apart in the header.
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "extractor.h"

namespace quotetrail {

std::string ToJsonLine(const Extraction& x);
std::string ToText(const Extraction& x);

}  // namespace quotetrail
