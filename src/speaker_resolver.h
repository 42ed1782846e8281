// speaker_resolver.h: who a mention next to a quote designates, inside one article.
//
// Built once per article: it finds the names the article gives (runs of
// capitalised words outside quotes, titles such as "le ministre" or "Judge"
// split off as descriptions), the descriptions attached to them ("Le leader
// nord-coréen Kim Jong-un", "Barroso, le président de la commission"), their
// likely gender (Mme, she, la ministre ...) and each sentence's subject.
// Then, for a subject phrase captured by a rule, PickMention chooses the words
// that designate the speaker and Resolve turns them into the fullest name the
// article gives: "Lavrov" -> "Sergueï Lavrov", "Il" -> the latest compatible
// subject, "le dirigeant nord-coréen" -> Kim Jong-un, "HRW" -> Human Rights
// Watch. Unresolved pronouns give no name (confidence 0), never a guess.
// Not thread-safe (NoteSpeaker mutates, and const lookups fill caches); one
// instance per article.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gazetteer.h"
#include "pattern_set.h"
#include "quote_finder.h"
#include "text.h"
#include "word_table.h"

namespace quotetrail {

enum class Gender { kUnknown, kMale, kFemale };

struct Mention {
  enum Type { kNone, kName, kPronoun, kDescription } type = kNone;
  std::string text;  // as written
  size_t pos = 0;    // byte offset in the article
  int entity = -1;   // for kName: index of the name entity
  int pair = -1;     // for kName: a second name joined by a conjunction ("A and B said"), or -1
  size_t pair_pos = 0;
  // for kName with a pair: the names between the first and the pair in a
  // list ("Paris, London and Berlin said": London), with their positions
  std::vector<std::pair<int, size_t>> between;
  bool plural = false;
  Gender gender = Gender::kUnknown;
  // for kDescription: the article keeps the one described unnamed ("The
  // official, who spoke on condition of anonymity, said"): no one named before
  bool anonymous = false;
};

struct Speaker {
  std::string name;  // empty when unresolved
  std::string kind;  // person | organisation | place | group
  double confidence = 0;
  int entity = -1;
};

class SpeakerResolver {
 public:
  SpeakerResolver(std::string_view text, const PatternSet& words, const Gazetteer& relays,
                  const std::vector<QuoteSpan>& quotes,
                  const std::vector<size_t>& sentence_starts);
  // The same, given the words of the text (Tokenize(text)) already read.
  SpeakerResolver(std::string_view text, const PatternSet& words, const Gazetteer& relays,
                  const std::vector<QuoteSpan>& quotes, const std::vector<size_t>& sentence_starts,
                  std::vector<Token> tokens);

  // The mention designating the speaker inside `phrase`, which starts at byte
  // `pos` of the article. kNone when the phrase holds nothing usable. A
  // description followed in the phrase by a word of ANONYMITY ("who spoke on
  // condition of anonymity", « qui a requis l'anonymat ») is `anonymous`; one
  // opening with « nos », « notre », "our" (the writer's own sourcing:
  // « selon nos informations ») is none.
  Mention PickMention(std::string_view phrase, size_t pos) const;
  Speaker Resolve(const Mention& m) const;
  // The named subject of the sentence starting at `sentence_begin`, when it
  // stands before `pos` (empty otherwise).
  Speaker SubjectBefore(size_t sentence_begin, size_t pos) const;
  // Records that `s` spoke at `pos` (pronouns after it may refer to it).
  void NoteSpeaker(const Speaker& s, size_t pos);
  // Records that someone the article does not name spoke at `pos`, designated
  // by the description `m` ("A spokesman for the ministry"): a pronoun that
  // takes them up ("… ," he said) stays unresolved rather than going to
  // someone named before.
  void NoteUnnamed(const Mention& m, size_t pos);
  // The one a possessive phrase at bytes [begin, end) designates, without
  // its 's: "Judge Miller's" -> the name Miller, "the judge's" -> the
  // description "the judge". kNone when the phrase is not possessive.
  Mention PossessorOf(size_t begin, size_t end) const;
  // The relay (agency/outlet) a name entity is, or nullptr.
  const Relay* RelayOf(const Mention& m) const;
  // The relay of type `type` (agency | outlet | platform) named last before
  // `pos`, as the article writes it ("l'agence TASS" … « cité par
  // l'agence » -> "TASS"), or "".
  std::string RelayBefore(size_t pos, std::string_view type) const;

 private:
  // PickMention without the anonymity flag.
  Mention PickMentionIn(std::string_view phrase, size_t pos) const;
  struct Entity {
    std::string name;           // fullest form, titles removed
    std::vector<std::string> tokens;  // folded
    std::vector<std::string> desc;    // folded content words of attached descriptions
    std::string kind;
    Gender gender = Gender::kUnknown;
    size_t first_pos = 0;
    int age = -1;  // given right after the name: "Tom Hanks, 67,", « Gérard Depardieu, 75 ans, »
  };
  struct NameSpan {
    size_t begin, end;         // the whole run incl. titles
    size_t name_begin;         // where the name proper starts
    int entity;
    bool after_preposition;
    bool possessive;
    bool parenthesised;
  };
  struct Salient {
    size_t pos;
    int entity;
    std::string name;
    std::string kind;
    Gender gender;
    bool subject = false;  // a sentence's subject (not a clause's, not a speaker noted later)
    bool unnamed = false;  // someone the article does not name (NoteUnnamed)
  };

  // The sex the first gendered word of `phrase` gives (its article or noun:
  // « la Première ministre », "the spokeswoman"), or kUnknown.
  Gender GenderOfWords(std::string_view phrase) const;
  void FindNames(const std::vector<QuoteSpan>& quotes, const std::vector<size_t>& sentence_starts,
                 std::vector<Token> toks);
  // The entity of a name's words as written and folded (the same one for the
  // same folded words), added when new.
  int AddEntity(const std::vector<std::string_view>& tokens, std::vector<std::string> folded_tokens, size_t pos);
  int ExpandToFullest(int entity, size_t pos) const;
  // The entities a name may be the short form of (ExpandToFullest's
  // candidates: longer names it starts or ends, spelled-out acronyms), in
  // index order; worked out once per entity.
  const std::vector<int>& FullerForms(int entity) const;
  // True when only modifier words (no verb, comma or capitalised word outside a
  // name) lie between bytes a and b: "SpaceX founder | Elon Musk".
  bool OnlyModifiersBetween(size_t a, size_t b) const;
  // The first of names_ (sorted by `begin`) that begins at or after byte `pos`.
  std::vector<NameSpan>::const_iterator FirstNameFrom(size_t pos) const;
  // « CGT-Cheminots », « Météo-France »: one hyphen joining an acronym or a
  // country to a word, neither a given name (« Marie-France » is a person).
  bool HyphenatedOrganisation(std::string_view word) const;
  // The age given right after a name that ends at byte `pos` (", 67,", « , 75
  // ans, », " (67)"); -1 when none.
  int AgeAfter(size_t pos) const;
  // Whether `folded` is a country's national ("german", « espagnol »): a form of a
  // COUNTRY line that is not its name nor a place (capital, seat of power).
  // A French town's or region's people as a word of its own, capitalised
  // (« le Brivadois », « la Lyonnaise », « le Toulousain »): the gentilé
  // shapes (-ois, -ais, -ien, -ain and their feminines), not a given name,
  // nor a relay's (« Le Parisien »), nor a country's national (Demonym).
  bool Gentile(std::string_view name) const;  // the word as written
  bool Demonym(const std::string& folded) const;
  // Whether a definite determiner stands right before `pos`, maybe with one
  // or two lower-case words between ("the 33-year-old", « le jeune »).
  bool DefiniteBefore(size_t pos) const;
  // The person a relative clause right after a description at `end` names
  // (", who gave only her first name, Esther", « , qui n'a donné que son
  // prénom, Esther »), or no one.
  Speaker NamedInRelative(size_t end) const;
  // « Le Maire » (the words `dt` of a description, all capitalised) with «
  // Bruno Le Maire » in the article: the one person whose name they end; no
  // one when none or two.
  Speaker PersonEndingWith(const std::vector<Token>& dt) const;
  // "the 67-year-old", « le septuagénaire » (words `dt`) at byte `pos`: the
  // person last named before with that age (Entity::age); no one otherwise.
  Speaker PersonOfAge(const std::vector<Token>& dt, size_t pos) const;
  // "the German", « l'Espagnol » at byte `pos` (`demonym` folded): within
  // 2,000 bytes before, the person the article calls so, else the person last
  // in subject position, whatever their title (a nationality is no office),
  // when no other person was named since; no one otherwise.
  Speaker NationalBefore(size_t pos, const std::string& demonym) const;
  // True when `s` holds only articles and spaces ("the", "", « l' »).
  bool AllDeterminers(std::string_view s) const;
  // Whether name `b` follows name `a` as its partner in one subject: a
  // conjunction, then only modifiers, no punctuation ("Olaf Scholz and
  // French President Emmanuel Macron").
  bool JoinedNames(const NameSpan& a, const NameSpan& b) const;
  // True when a verb (auxiliary or speech verb, adverbs skipped) follows `pos`.
  bool FollowedByVerb(size_t pos) const;
  std::string KindOf(const Entity& e) const;
  // "Les deux pays", "the two countries" (a COUNTRY_PAIR description) at
  // `pos`: the two countries the text before it names most, by any form the
  // COUNTRY lexicon gives (name, adjective, capital), as the group "A; B" in
  // order of first mention. Both must be named at least twice and a third
  // less often than the second; otherwise unresolved (empty name).
  Speaker CountryPair(size_t pos) const;
  // For a pronoun of `gender` at `pos` that no name fits: the description of
  // a person (« La Première ministre », "the spokeswoman") that opens the
  // sentence holding `pos` or one of the two before (no further back than a
  // quotation or the paragraph before), when it is the nearest such
  // description and its article or nouns give the same gender; unresolved
  // otherwise. With `plural` (ils, they): the description of persons in the
  // plural instead (« Les députés de l'opposition », "Republican senators"),
  // any gender, as a group.
  // *at (when given) is where the description starts.
  // With `organisation`: the description of an organisation instead (« Le
  // ministère des Affaires étrangères », "The ministry").
  Speaker DescriptionSubject(size_t pos, Gender gender, bool plural = false, size_t* at = nullptr,
                             bool organisation = false) const;
  // Whether a noted description speaker is one person or thing: « une
  // habitante », "the company" (not "the officials").
  bool SingularDescription(std::string_view name) const;
  // Whether entity `i`, taken for a person, may be an organisation named by
  // one word that nothing marks as a person's ("Boeing said ... the
  // company", "It"): no given name, title, description, sex or fuller form,
  // and no demonym's ending ("Iranian", "Chinese", "Iraqi").
  bool MaybeOrganisation(int i, size_t pos) const;
  std::vector<std::string> ContentWords(std::string_view s) const;

  std::string_view text_;
  const PatternSet& words_;
  const Gazetteer& relays_;
  std::vector<Entity> entities_;
  WordTable<int> entity_index_;  // an entity's folded words, joined by \x1F -> its index
  std::vector<std::pair<int, int>> spelled_out_;  // acronym entity -> the phrase it abbreviates
  mutable std::vector<std::optional<std::vector<int>>> fuller_;  // FullerForms, by entity, once known
  std::vector<NameSpan> names_;   // sorted by position
  std::vector<Salient> salient_;  // sentence subjects and speakers, by position
  std::vector<size_t> sentence_starts_;
  std::vector<QuoteSpan> quotes_;  // the article's quotations
};

}  // namespace quotetrail
