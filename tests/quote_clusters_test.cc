// Clustering thresholds and provenance rules of quote_clusters.h, without a
// database: each documented rule has cases that hold and cases that must not.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "quote_clusters.h"

using namespace quotetrail;

namespace {

const char* kKim =
    "prête à soutenir et encourager de manière inconditionnelle toutes les décisions prises par "
    "les dirigeants russes pour éliminer la cause profonde de la crise ukrainienne";

ClusterMember Member(int64_t occ, int64_t doc, int64_t published, int64_t speaker = 0) {
  ClusterMember m;
  m.occurrence_id = occ;
  m.document_id = doc;
  m.published_us = published;
  m.speaker_id = speaker;
  return m;
}

// Adds an occurrence the way the store does: match, else a new cluster.
size_t Add(QuoteClusters& qc, const std::string& text, ClusterMember m) {
  const std::string norm = NormalizeQuote(text);
  size_t c = qc.Match(norm, m.speaker_id);
  if (c == QuoteClusters::kNone) c = qc.Create(100 + qc.size(), text, norm, "fr");
  qc.AddMember(c, std::move(m), text, norm);
  return c;
}

}  // namespace

TEST_CASE("normalisation folds case, accents, punctuation and every kind of quotation mark",
          "[quote_clusters]") {
  CHECK(NormalizeQuote("« C’est à la RPDC… »") == "c est a la rpdc");
  CHECK(NormalizeQuote("\"C'est à la rpdc\"") == "c est a la rpdc");
  CHECK(NormalizeQuote("“Œuvre   COMMUNE” — dit-il !") == "oeuvre commune dit il");
  CHECK(NormalizeQuote("...") == "");
  CHECK(CountWords("c est a la rpdc") == 5);
  CHECK(CountWords("") == 0);
}

TEST_CASE("a truncated or trimmed quote is a variant of the full one", "[quote_clusters]") {
  const std::string full = NormalizeQuote(kKim);
  auto truncated = CompareVariants(NormalizeQuote("prête à soutenir et encourager de manière "
                                                  "inconditionnelle toutes les décisions"),
                                   full);
  CHECK(truncated.is_variant);
  CHECK(truncated.shingle_share == 1.0);
  auto trimmed = CompareVariants(full, NormalizeQuote("soutenir et encourager de manière "
                                                      "inconditionnelle toutes les décisions prises"));
  CHECK(trimmed.is_variant);
}

TEST_CASE("one edited word keeps a quote a variant, a rewrite does not", "[quote_clusters]") {
  const std::string a = NormalizeQuote("nous allons soutenir sans condition toutes les décisions de nos alliés russes");
  // one word changed in 12: 7 of 10 shingles, 11 of 12 words
  auto one = CompareVariants(a, NormalizeQuote("nous allons soutenir sans réserve toutes les décisions de nos alliés russes"));
  CHECK(one.is_variant);
  CHECK(one.shingle_share == Approx(0.7));
  // three words changed, spread out: too few shingles left
  auto three = CompareVariants(a, NormalizeQuote("nous voulons soutenir sans réserve toutes les mesures de nos alliés russes"));
  CHECK_FALSE(three.is_variant);
  CHECK(three.shingle_share < kMinShingleShare);
}

TEST_CASE("two quotes sharing a stock phrase are not variants", "[quote_clusters]") {
  auto s = CompareVariants(NormalizeQuote("il faut éliminer la cause profonde de la crise ukrainienne"),
                           NormalizeQuote("personne ne sait comment finira la crise ukrainienne cet hiver"));
  CHECK_FALSE(s.is_variant);
}

TEST_CASE("texts shorter than the variant minimum are never variants", "[quote_clusters]") {
  auto s = CompareVariants("certaine victoire", "la victoire de moscou est certaine victoire");
  CHECK(s.shorter_words < kMinVariantWords);
  CHECK_FALSE(s.is_variant);
}

TEST_CASE("the same long words with other punctuation join one cluster whoever the speaker",
          "[quote_clusters]") {
  QuoteClusters qc;
  size_t a = Add(qc, std::string("« ") + kKim + " »", Member(1, 10, 1000, 7));
  size_t b = Add(qc, "Prête à soutenir, et encourager de manière inconditionnelle toutes les "
                     "décisions prises par les dirigeants russes pour éliminer la cause profonde "
                     "de la crise ukrainienne !",
                 Member(2, 11, 2000, 8));
  CHECK(a == b);
  std::vector<std::pair<int64_t, int64_t>> changed;
  qc.Refresh(a, &changed);
  const QuoteCluster& c = qc.cluster(a);
  CHECK(c.conflict);
  REQUIRE(c.speakers.size() == 2);
  CHECK(c.members.size() == 2);
  CHECK(c.document_count == 2);
}

TEST_CASE("a truncated quote joins the longer one, which stays or becomes canonical",
          "[quote_clusters]") {
  QuoteClusters qc;
  const std::string part = "prête à soutenir et encourager de manière inconditionnelle toutes les décisions";
  size_t a = Add(qc, part, Member(1, 10, 5000, 7));
  size_t b = Add(qc, kKim, Member(2, 11, 3000, 7));
  REQUIRE(a == b);
  qc.Refresh(a, nullptr);
  const QuoteCluster& c = qc.cluster(a);
  CHECK(c.canonical_text == kKim);
  CHECK(c.first_occurrence_id() == 2);  // published earlier, although added later
  CHECK(c.first_published_us() == 3000);
  CHECK_FALSE(c.conflict);
}

TEST_CASE("short texts cluster only with the same identified speaker", "[quote_clusters]") {
  QuoteClusters qc;
  size_t a = Add(qc, "certaine", Member(1, 10, 1000, 7));
  CHECK(Add(qc, "« Certaine »", Member(2, 11, 2000, 7)) == a);
  CHECK(Add(qc, "certaine", Member(3, 12, 3000, 8)) != a);  // another speaker
  size_t none1 = Add(qc, "certaine", Member(4, 13, 4000, 0));
  size_t none2 = Add(qc, "certaine", Member(5, 14, 5000, 0));
  CHECK(none1 != none2);  // nobody identified: each alone
  // a 5-word fragment of a long quote: a variant only for the same speaker
  size_t longq = Add(qc, kKim, Member(6, 15, 6000, 7));
  CHECK(Add(qc, "éliminer la cause profonde de la crise", Member(7, 16, 7000, 7)) == longq);
  CHECK(Add(qc, "éliminer la cause profonde de la crise", Member(8, 17, 8000, 9)) != longq);
}

TEST_CASE("an occurrence derives from the earlier one whose outlet or relay its article names",
          "[quote_clusters]") {
  QuoteClusters qc;
  constexpr int64_t kKcna = 501, kLeMonde = 502;
  ClusterMember kcna = Member(1, 10, 1000);
  kcna.outlet_relay = kKcna;  // KCNA's own dispatch
  ClusterMember monde = Member(2, 11, 2000);
  monde.outlet_relay = kLeMonde;
  monde.via_relays = {kKcna};
  monde.named_relays = {kKcna};
  ClusterMember other = Member(3, 12, 3000);  // names nobody
  ClusterMember cites_monde = Member(4, 13, 4000);
  cites_monde.named_relays = {kLeMonde};
  ClusterMember cites_kcna = Member(5, 14, 5000);
  cites_kcna.via_relays = {kKcna};
  cites_kcna.named_relays = {kKcna};
  size_t c = Add(qc, kKim, kcna);
  Add(qc, kKim, monde);
  Add(qc, kKim, other);
  Add(qc, kKim, cites_monde);
  Add(qc, kKim, cites_kcna);
  std::vector<std::pair<int64_t, int64_t>> changed;
  qc.Refresh(c, &changed);
  auto derived = [&](int64_t occ) {
    for (const auto& m : qc.cluster(c).members)
      if (m.occurrence_id == occ) return m.derived_from;
    return int64_t{-2};
  };
  CHECK(derived(1) == 0);  // the first appearance derives from nothing
  CHECK(derived(2) == 1);  // names KCNA, whose own dispatch is earlier
  CHECK(derived(3) == 2);  // names nobody: the nearest earlier copy
  CHECK(derived(4) == 2);  // names Le Monde: Le Monde's article
  CHECK(derived(5) == 1);  // names KCNA: KCNA's outlet wins over Le Monde's via
  CHECK(changed.size() == 5);
}

TEST_CASE("an earlier copy arriving later becomes the first appearance and re-links the chain",
          "[quote_clusters]") {
  QuoteClusters qc;
  size_t c = Add(qc, kKim, Member(1, 10, 5000));
  Add(qc, kKim, Member(2, 11, 6000));
  std::vector<std::pair<int64_t, int64_t>> changed;
  qc.Refresh(c, &changed);
  CHECK(qc.cluster(c).first_occurrence_id() == 1);
  // Occurrence 3 was published before both.
  ClusterMember early = Member(3, 12, 1000);
  qc.AddMember(c, early, kKim, NormalizeQuote(kKim));
  changed.clear();
  qc.Refresh(c, &changed);
  CHECK(qc.cluster(c).first_occurrence_id() == 3);
  // 3 is new (derives from nothing) and 1 now derives from 3; 2 still from 1.
  std::vector<std::pair<int64_t, int64_t>> expected = {{3, 0}, {1, 3}};
  CHECK(changed == expected);
}

TEST_CASE("occurrences published at the same time do not derive from each other",
          "[quote_clusters]") {
  QuoteClusters qc;
  size_t c = Add(qc, kKim, Member(1, 10, 1000));
  Add(qc, kKim, Member(2, 11, 1000));
  qc.Refresh(c, nullptr);
  for (const auto& m : qc.cluster(c).members) CHECK(m.derived_from == 0);
}
