// pattern_set.h: attribution and via rules loaded from extractors/<lang>/.
//
// Files:
//   extractors/<lang>/lexicon/NAME.txt  one form a line (# comments); the macro
//       {NAME} matches any of the forms, the longest first (a space in a form
//       matches any run of spaces, ' and ’ match either). It is written as a
//       trie of the forms (shared beginnings once), which keeps RE2's program
//       small and its group-finding NFA cheap; the flat alternation of the
//       forms, longest first, is what it means. A lexicon whose forms differ
//       only in case somewhere is merged case-insensitively in its trie, so in
//       a case-sensitive part of a regex ((?-i:...)) it expands to the flat
//       alternation instead.
//   extractors/common/lexicon/NAME.txt  macros shared by all languages; a
//       language's own file of the same name wins.
//   extractors/<lang>/*.rules  one family of rules a file:
//       rule ID            starts a rule
//       scope before|after|sentence|claim
//       confidence 0.0..1.0
//       max_words N        (optional) only for quotes of at most N words
//       max_speaker N      (optional) the speaker group holds at most N code
//                          points: a cheap bound ("(?P<speaker>[^,]+?)" with
//                          max_speaker 80 means "[^,]{1,80}?", whose copies of
//                          the body RE2 would run when it looks for groups)
//       unless LEXICON     (optional) not when the match holds a word of LEXICON
//       speaker_not LEXICON (optional) not when the description found as
//                          speaker has its head word in LEXICON
//       re REGEX           RE2 syntax with {MACRO}s; several `re` lines join
//                          with no separator (for long patterns)
//     `before` rules match the text left of the quote and must end at it ($);
//     `after` rules match the text right of the quote from its start (^);
//     `sentence` rules (via) match anywhere in the quote's sentence.
//     `claim` rules (reported speech without quotation marks, see
//     claim_finder.h) match one whole sentence and capture the reported clause.
//     Named groups: speaker, cue, via, claim. A before/after rule needs
//     `speaker` or `cue`; a sentence rule needs `via`; a claim rule needs
//     `speaker`, `cue` and `claim` (and only claim rules may have `claim`).
//     Claim rules are kept apart (claim_rules()), so quote attribution never
//     sees them.
//   extractors/<lang>/*.cases beside each .rules file (see tests/rules_test.cc).
//
// Loading compiles every rule once (log_errors off, bounded memory), with the
// parts MatchRule uses (Rule::rest/head/tail) and an RE2::Set of the
// sentence rules (RulesIn; the before/after scopes have none, so RulesIn
// answers false for them: every rule may match); a broken rule is an error
// naming file:line. A PatternSet is immutable after Load and
// safe to share across threads.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

#include "result.h"
#include "text.h"
#include "word_table.h"

namespace quotetrail {

// Word classes. The lexicons the code consults by name are the enum Lex (the
// X-macro below lists them; adding a name there is all it takes). Every folded
// form of those lexicons maps to the set of classes holding it (LexMask), so
// the classes of a word are one hash lookup and a class test is a bit test. A
// Lex whose file a language lacks is an empty class. A lexicon of lines
// "form|form..." (COUNTRY) gives its class to each form.
#define QT_LEXICONS(X) X(ABBREVIATION) X(ADVERB) X(AGENT_PREP) X(ANONYMITY) X(ANONYMOUS) X(AUX) X(CAPTION) X(CIRCUMSTANCE) \
  X(CLAIM_FINITE) X(CLAIM_JOIN) X(CLAIM_NOT_SUBJ) X(CLAIM_SUBORD) X(CLAUSE_START) X(CLITIC) \
  X(COMMON_CAP) X(CONJUNCTION) X(CONTINUE) X(COPULA) X(COUNTRY) X(COUNTRY_PAIR) X(CUE_FIN) X(CUE_FIN_AFTER) X(CUE_GER) X(CUE_OBJECT) X(CUE_PAST) X(CUE_PP) X(CUE_PPR) X(CUE_PRES) \
  X(DELEGATE) X(DESC_SYNONYM) X(DETECT) X(DETERMINER) X(DOC_WORD) X(FEMALE) X(FIRST_FEMALE) X(FIRST_MALE) X(GEO_WORD) \
  X(INDEFINITE) X(INTENSIFIER) X(MALE) X(MEDIA_WORD) X(NAME_CONNECTOR) X(NAME_SUFFIX) X(NAMING) X(OBJECT_RELATIVE) \
  X(ORG_WORD) X(PERSON_NOUN) X(PERSON_PAIR) X(PLACE) X(PREPOSITION) X(PRON_FEM) X(PRON_MASC) X(PRON_NEUT) \
  X(PRON_PLUR) X(RANK_WORD) X(RELATIVE) X(RELATIVE_PERSON) X(REPORT_CUE) X(SEGMENT_SKIP) X(SOURCE_CUE) X(STOPWORD) X(TITLE) X(TITLE_EXPANSION) \
  X(WORK_WORD)

enum class Lex : uint8_t {
#define QT_LEX_ENUM(name) name,
  QT_LEXICONS(QT_LEX_ENUM)
#undef QT_LEX_ENUM
  kCount
};
using LexMask = uint64_t;
// (all 64 bits are in use: one more class needs a wider LexMask)
static_assert(static_cast<int>(Lex::kCount) <= 64, "LexMask holds one bit per Lex");
constexpr LexMask Bit(Lex l) { return LexMask{1} << static_cast<int>(l); }
// The personal pronoun classes (il, she, they, it ...).
constexpr LexMask kPronounClasses = Bit(Lex::PRON_MASC) | Bit(Lex::PRON_FEM) | Bit(Lex::PRON_PLUR) | Bit(Lex::PRON_NEUT);
// The lexicon (file stem) of a Lex: "DETERMINER".
const char* LexName(Lex l);

enum class RuleScope { kBefore, kAfter, kSentence, kClaim };

struct RuleParts;

struct Rule {
  std::string id;
  std::string file;
  int line = 0;
  RuleScope scope = RuleScope::kBefore;
  double confidence = 0.8;
  std::unique_ptr<RE2> re;
  int speaker_group = 0;  // capture index, 0 when absent
  int cue_group = 0;
  int via_group = 0;
  int claim_group = 0;    // claim rules only
  int max_words = 0;      // applies only to quotes of at most this many words; 0: any
  int max_speaker = 0;    // the speaker group's most code points (MatchRule); 0: any
  std::string unless;     // lexicon: the rule does not apply when its match holds one of its words
  // lexicon: the rule does not apply when the description it finds as
  // speaker has its head word (the first after its articles) in it
  // (« Selon des propos rapportés par Le Figaro, X a dit »: words, no one)
  std::string speaker_not;
  // Lexicons (bits of Lex, 0: any): a description the rule finds as speaker
  // must have its head word in one ("Le ministre :", not "La question reste
  // entière :"); names and pronouns always do.
  uint64_t speaker_head = 0;
  // The parts MatchRule uses, compiled on the rule's first match (so a run
  // compiles only those of the rules that match); see RuleParts.
  std::shared_ptr<RuleParts> parts;
};

struct RuleParts {
  RE2::Options options;  // the rule's
  std::once_flag once;
  // When the expanded regex opens with a lazy character-class group,
  // "(?P<speaker>[^...]+?)REST", `rest` is REST compiled alone (its groups are
  // the rule's groups from 2 on). nullptr otherwise.
  std::unique_ptr<RE2> rest;
  int lead_min = 1;  // the fewest code points of that group ("{2,160}?": 2)
  // The regex whose groups are looked for (REST, else the whole one) cut
  // after its last group, "HEAD(?P<cue>...)TAIL", when the group stands at its
  // top level and TAIL holds no group; nullptr otherwise.
  std::unique_ptr<RE2> head, tail;
};

// r.re->Match(text, startpos, endpos, anchor, groups, n), with the same result
// and groups, found so that RE2's NFA (what finds groups, some 300 cycles a
// byte on these programs) runs over as few bytes as possible; RE2's DFA finds
// the whole match [s, e) first, without groups. For a rule with a `rest`,
// REST is then looked for from the lead's fewest code points after s on: its
// leftmost start k is where the lazy group stops (the shortest lead that lets
// the rest match, as the whole regex decides), so the group is [s, k) and the
// others are REST's. With `head` and `tail`, the groups of the regex they cut
// (REST from k, or the whole one from s) are head's own first match there,
// when the tail matches from its end to e: the regex tries head's choices in
// order and takes the first the tail can follow. Whenever a step does not
// hold up (REST starts inside a code point, an end differs) it falls back to
// the one-call match. A match whose speaker group is longer than
// r.max_speaker code points is no match (false). Thread-safe (RE2 is).
bool MatchRule(const Rule& r, const re2::StringPiece& text, size_t startpos, size_t endpos,
               RE2::Anchor anchor, re2::StringPiece* groups, int n);

class PatternSet {
 public:
  // Loads extractors/<lang>/ (and shared macros from extractors/common/).
  // `extra` adds lexicons built elsewhere (e.g. "RELAY" from the gazetteer).
  static Result<std::unique_ptr<PatternSet>> Load(
      const std::string& extractors_dir, const std::string& lang,
      const std::map<std::string, std::vector<std::string>>& extra = {});
  PatternSet(const PatternSet&) = delete;
  PatternSet& operator=(const PatternSet&) = delete;

  const std::string& lang() const { return lang_; }
  const std::vector<Rule>& rules() const { return rules_; }
  // The `scope claim` rules, in file order (empty when there are none).
  const std::vector<Rule>& claim_rules() const { return claim_rules_; }
  // Which `sentence` rules (indices into rules()) match somewhere in `text`
  // (their regexes on `text` alone, as RE2::Match sees it), all in one RE2::Set
  // pass, into *out (sorted). False when that could not be told (the set's DFA
  // ran out of memory): then every sentence rule may match.
  bool SentenceRulesIn(const re2::StringPiece& text, std::vector<int>* out) const {
    return RulesIn(RuleScope::kSentence, text, out);
  }
  // The same for the rules of `scope` (before: unanchored, after: anchored at
  // the start of `text`, as the extractor matches them).
  bool RulesIn(RuleScope scope, const re2::StringPiece& text, std::vector<int>* out) const;
  // Lexicon forms by macro name (folded), e.g. "TITLE" -> {"president", ...}.
  const std::vector<std::string>& Words(const std::string& name) const;
  // The same as written in the file, in file order (empty when none).
  const std::vector<std::string>& Forms(const std::string& name) const;
  // A lexicon of lines "form|form|form..." (DESC_SYNONYM, TITLE_EXPANSION),
  // each line split at its bars once at load: folded, empty forms dropped.
  const std::vector<std::vector<std::string>>& Alternatives(Lex l) const {
    return alternatives_[static_cast<int>(l)];
  }
  // The COUNTRY lexicon ("Name|form|form..." lines) read once at load: each
  // form's words (Tokenize's), folded and joined by single spaces -> its
  // line's index; each line's name (its first form, as written); the most
  // words a form has.
  struct CountryForms {
    std::unordered_map<std::string, int> line_of;
    std::vector<std::string> names;
    size_t longest = 1;
  };
  const CountryForms& Countries() const { return countries_; }
  bool HasWord(const std::string& name, const std::string& folded) const;
  // The classes (Lex bits) of a folded word; 0 when it is in none. O(1).
  LexMask Classes(std::string_view folded) const {
    const LexMask* m = classes_.Find(folded);
    return m ? *m : 0;
  }
  bool HasWord(Lex l, std::string_view folded) const { return (Classes(folded) & Bit(l)) != 0; }
  // The same for a word as written (folded here first): Classes(Fold(word)).
  LexMask ClassesOfWord(std::string_view word) const {
    thread_local std::string buf;
    return OfAccentedA(word, Classes(FoldView(word, &buf)));
  }
  // « à » and « a » fold alike; the accent tells the preposition from the
  // verb: `m` (the classes of word's folded form) without the other's class.
  static LexMask OfAccentedA(std::string_view word, LexMask m) {
    if (word.size() > 2) return m;
    if (word == "\xC3\xA0" || word == "\xC3\x80") return m & ~Bit(Lex::AUX);
    if (word == "a" || word == "A") return m & ~Bit(Lex::PREPOSITION);
    return m;
  }
  bool IsWord(Lex l, std::string_view word) const { return (ClassesOfWord(word) & Bit(l)) != 0; }
  // `text` with its {MACRO}s expanded, as a rule's regex (case-insensitive
  // outside (?-i:...)). Sets *error on an unknown macro.
  std::string Expand(const std::string& text, std::string* error) const {
    return Expand(text, error, false);
  }

 private:
  PatternSet() = default;
  std::string lang_;
  std::vector<Rule> rules_;
  std::vector<Rule> claim_rules_;
  struct ScopeSet {
    std::unique_ptr<RE2::Set> set;  // the regexes of one scope's rules
    std::vector<int> index;         // set pattern -> index in rules_
  };
  ScopeSet sets_[3];                // by RuleScope: before, after, sentence
  std::vector<std::vector<std::string>> alternatives_[static_cast<int>(Lex::kCount)];
  CountryForms countries_;
  std::map<std::string, std::vector<std::string>> lexicon_;   // raw forms
  std::map<std::string, std::vector<std::string>> folded_;    // folded forms
  // flat: use every macro's flat form (what the regex means, for macros.def
  // bodies read in a case-sensitive context).
  std::string Expand(const std::string& text, std::string* error, bool flat) const;
  struct Macro {
    std::string regex;  // as used in case-insensitive context
    std::string flat;   // the same meaning, valid in any context
    bool insensitive_only = false;  // `regex` holds only where case is ignored
  };
  std::map<std::string, Macro> macros_;
  WordTable<LexMask> classes_;  // folded form -> Lex bits
};

// Reads lexicon files of a directory into `out` (macro name -> forms).
Status LoadLexiconDir(const std::string& dir, std::map<std::string, std::vector<std::string>>* out);

}  // namespace quotetrail
