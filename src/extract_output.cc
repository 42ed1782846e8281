#include "extract_output.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace quotetrail {

namespace {
nlohmann::json OrNull(const std::string& s) { return s.empty() ? nlohmann::json() : nlohmann::json(s); }
}  // namespace

std::string ToJsonLine(const Extraction& x) {
  nlohmann::json quotes = nlohmann::json::array();
  for (const auto& q : x.quotes) {
    // `via` is the nearest relay as a string (what score.py reads: it cannot
    // take a list); `vias` lists them all.
    nlohmann::json via = q.via.empty() ? nlohmann::json() : nlohmann::json(q.via[0]);
    quotes.push_back({{"text", q.text},
                      {"start", q.start_cp},
                      {"end", q.end_cp},
                      {"kind", q.kind},
                      {"speaker", OrNull(q.speaker)},
                      {"speaker_mention", OrNull(q.speaker_mention)},
                      {"speaker_kind", OrNull(q.speaker_kind)},
                      {"cue", OrNull(q.cue)},
                      {"via", via},
                      {"vias", q.via},
                      {"confidence", q.confidence},
                      {"pattern", OrNull(q.pattern)}});
  }
  nlohmann::json line = {{"doc", x.doc}, {"lang", x.lang}, {"quotes", quotes}};
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ToText(const Extraction& x) {
  size_t claims = std::count_if(x.quotes.begin(), x.quotes.end(),
                                [](const ExtractedQuote& q) { return q.kind == "indirect"; });
  size_t quotes = x.quotes.size() - claims;
  std::string out = "== " + x.doc + " (" + x.lang + "): " + std::to_string(quotes) +
                    (quotes == 1 ? " quote" : " quotes");
  if (claims) out += ", " + std::to_string(claims) + (claims == 1 ? " claim" : " claims");
  out += "\n";
  int n = 0;
  for (const auto& q : x.quotes) {
    char conf[16];
    std::snprintf(conf, sizeof conf, "%.2f", q.confidence);
    // a claim is the reported clause as written (it may hold quotation marks itself)
    if (q.kind == "indirect")
      out += "  " + std::to_string(++n) + ". [indirect] " + q.text + "\n";
    else
      out += "  " + std::to_string(++n) + ". [" + q.kind + "] «" + q.text + "»\n";
    out += "     speaker: " + (q.speaker.empty() ? std::string("(unknown)") : q.speaker);
    if (!q.speaker_kind.empty()) out += " (" + q.speaker_kind + ")";
    if (!q.speaker_mention.empty()) out += "  mention: \"" + q.speaker_mention + "\"";
    if (!q.cue.empty()) out += "  cue: \"" + q.cue + "\"";
    out += "\n";
    if (!q.via.empty()) {
      out += "     via: ";
      for (size_t i = 0; i < q.via.size(); ++i) out += (i ? ", " : "") + q.via[i];
      out += "\n";
    }
    out += "     confidence " + std::string(conf) + (q.pattern.empty() ? "" : "  rule " + q.pattern) +
           "  chars " + std::to_string(q.start_cp) + "-" + std::to_string(q.end_cp) + "\n";
  }
  return out;
}

}  // namespace quotetrail
