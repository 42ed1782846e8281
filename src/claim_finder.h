// claim_finder.h: reported speech without quotation marks (kind "indirect").
//
// "Kim a déclaré que la Corée du Nord était prête ...", "Selon la police, ...",
// "X said the plan would fail", "The plan would fail, X said." The `scope claim`
// rules of extractors/<lang>/claims.rules each match one whole sentence with
// named groups `speaker`, `cue` and `claim` (the reported clause, which runs to
// the end of the sentence; optional `via`). AddClaims tries every claim rule on
// every sentence of a piece of article text (the quote pipeline's sentences,
// also cut after a quotation that ends with its own stop when a capitalised
// word follows) and keeps at most one claim a
// sentence: the passing match of the most confident rule (on a tie, the one
// whose clause starts last, i.e. the innermost report: in "Selon KCNA, Kim a
// déclaré que X" the claim is X by Kim, via KCNA).
//
// A match is dropped when: the sentence is a question; the cue or the speaker
// lies inside quotation marks; the words just before the cue make it no main
// speech verb (lexicon CLAIM_NOT_SUBJ: a relative pronoun, a negation, a
// modal, a passive auxiliary, a determiner as in "the said company"); the
// subject segment opens with a subordinator (lexicon CLAIM_SUBORD: "si",
// "if", "when": a conditional or subordinate clause); the clause has fewer
// than 3 words, or fewer than 2 outside quotation marks (`X said: "..."` is a
// quote, not a claim); the clause overlaps a quote of kind "full"; a speaker
// written after its cue ("..., said Smith") is longer than 8 words or holds a
// finite verb (lexicon CLAIM_FINITE); no speaker mention and no relay is found. A clause that holds a partial quote gives the
// claim and leaves the partial quote as it is, so both are reported.
//
// The speaker phrase goes through the article's SpeakerResolver exactly as for
// quotes ("Il" -> the latest compatible subject), cut to its last comma
// segment when that opens with a conjunction (lexicon CLAIM_JOIN: "The storm
// hit, and police said that ..." is said by the police); a relay named as the speaker
// ("selon l'AFP") becomes the via, a document ("according to the report")
// becomes the via with its author, if any, as the speaker. Sentences longer
// than 4000 bytes are skipped (no article sentence is that long; it bounds the
// work on junk input).
//
// Pure function of its inputs (the resolver is only read); thread-safe as long
// as `quotes` is not shared.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "extractor.h"
#include "gazetteer.h"
#include "pattern_set.h"
#include "quote_finder.h"
#include "speaker_resolver.h"

namespace quotetrail {

// Adds the claims of `text`, a piece of article that starts at byte `base`
// (code point `base_cp`) of the article, to *quotes as kind "indirect".
// `spans` and `sentence_starts` are the piece's quotation spans and sentence
// starts (byte offsets in `text`) and `resolver` the piece's resolver, all as
// the quote pipeline built them. The quotes already in *quotes with begin >=
// base are this piece's quotes: claims never overlap those of kind "full", and
// the piece's entries are left sorted by `begin` (reading order). `vias_in(b,
// e)` gives the relays and documents named in text[b, e) as the quote
// pipeline finds them (its `sentence` rules, quotations blanked out), for the
// claim of a sentence. Does nothing when `ps` has no claim rules.
void AddClaims(std::string_view text, size_t base, size_t base_cp, const PatternSet& ps,
               const Gazetteer& gazetteer, const std::vector<QuoteSpan>& spans,
               const std::vector<size_t>& sentence_starts, const SpeakerResolver& resolver,
               const std::function<std::vector<std::string>(size_t, size_t)>& vias_in,
               std::vector<ExtractedQuote>* quotes);

}  // namespace quotetrail
