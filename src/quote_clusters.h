// quote_clusters.h: which occurrences are the same quote, and which earlier
// occurrence each one most likely came from. Pure in-memory logic; the store
// (store.h) loads it from PostgreSQL and writes back what it decides.
//
// Normalisation (NormalizeQuote): Fold() from text.h (case, accents, œ/æ/ß,
// apostrophes), then every character that is not a letter or a digit
// (punctuation, quotation marks, dashes, apostrophes, ellipses) becomes a
// space and spaces collapse: "« C’est à la RPDC… »" -> "c est a la rpdc".
// quotes.norm_text holds this form; `quotetrail find` normalises its query
// the same way.
//
// Clustering, for a new occurrence with normalised text T of n words (the
// thresholds are the constants below; tests/quote_clusters_test.cc holds
// their cases):
//   1. Exact: T equals the normalised text of an occurrence already in a
//      cluster -> that cluster.
//   2. Variant: a truncated, trimmed or lightly edited quote. Compared with a
//      cluster's canonical text C, the shorter of T and C must have at least
//      kMinVariantWords words; at least kMinShingleShare of the shorter one's
//      word 3-shingles must occur in the longer one, and at least
//      kMinWordShare of its distinct words. The cluster with the highest
//      shingle share wins (ties: the older cluster). A one-word change in a
//      12-word quote keeps 7 of 10 shingles (0.7) and 11 of 12 words; two
//      quotes sharing a stock phrase ("la crise ukrainienne") share one or two
//      shingles and stay apart.
//   3. Short texts: when T (or, for a variant, the shorter side) has fewer
//      than kSpeakerFreeWords words, rules 1 and 2 apply only to clusters
//      that already hold the same identified speaker: two people may both
//      call something « certaine » or « dans les plus brefs délais ». A short
//      text without an identified speaker starts a cluster of its own.
//   Longer texts cluster whoever the speaker, which is how conflicting
//   attributions (the same words given to two speakers) are found: the
//   cluster then has several speakers and `conflict` is set; each occurrence
//   keeps its own speaker.
// Clusters never merge with each other (a long quote that contains two
// existing fragments joins the better-scoring one).
//
// Per cluster: the canonical text is the longest occurrence's (most words;
// ties keep the earlier); members are ordered by (published_us,
// document_id, start_cp) and the first one is the first appearance.
//
// Derivation (derived_from) of member m, among the members published
// strictly earlier (same-time members cannot be ordered and are skipped):
//   a. the earliest whose document's outlet is a relay m names,
//   b. else the earliest that itself came through a relay m names,
//   c. else the latest one (the nearest copy in time);
// 0 when there is no earlier member. "Relays m names" are the relays of m's
// own vias, or when it has none, the relays named by any via in m's article
// (ClusterMember::named_relays, filled by the caller).
//
// Thread-safety: a QuoteClusters is a plain object; use it from one thread at
// a time. The free functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace quotetrail {

inline constexpr size_t kShingleWords = 3;       // words per shingle
inline constexpr size_t kMinVariantWords = 5;    // rule 2: words of the shorter text
inline constexpr double kMinShingleShare = 0.5;  // rule 2: shared shingles of the shorter
inline constexpr double kMinWordShare = 0.8;     // rule 2: shared distinct words of the shorter
inline constexpr size_t kSpeakerFreeWords = 8;   // rule 3: below, the speaker must agree
// A shingle found in more clusters than this is not used to look for
// candidates (stock phrases); it still counts when a candidate is scored.
inline constexpr size_t kMaxShinglePostings = 2000;

// The normalised form described above.
std::string NormalizeQuote(std::string_view text);

// Number of words of a normalised text.
size_t CountWords(std::string_view norm);

struct VariantScore {
  double shingle_share = 0;  // of the shorter text's shingles found in the longer
  double word_share = 0;     // of the shorter text's distinct words found in the longer
  size_t shorter_words = 0;
  bool is_variant = false;   // rule 2 holds (speakers not considered)
};

// Rule 2 for two normalised texts, for tests and diagnostics.
VariantScore CompareVariants(std::string_view norm_a, std::string_view norm_b);

// What clustering and derivation need to know of one occurrence.
struct ClusterMember {
  int64_t occurrence_id = 0;
  int64_t document_id = 0;
  int64_t published_us = 0;  // the document's publication time (timestamp.h)
  int64_t start_cp = 0;      // orders the members of one document
  int64_t speaker_id = 0;    // 0: no identified speaker
  int64_t outlet_relay = 0;  // the relay (agencies.id) the document's outlet is, or 0
  std::vector<int64_t> via_relays;    // relays this occurrence came through
  std::vector<int64_t> named_relays;  // relays it names (see derivation above)
  int64_t derived_from = -1;          // 0: none; -1: not computed yet
};

struct SpeakerTally {
  int64_t speaker_id = 0;
  int64_t occurrences = 0;
  int64_t first_occurrence_id = 0;
};

struct QuoteCluster {
  int64_t id = 0;  // quotes.id
  std::string canonical_text;
  std::string canonical_norm;
  size_t canonical_words = 0;
  std::string language;
  std::vector<ClusterMember> members;  // ordered as described above

  // Figures, valid after Refresh():
  int64_t document_count = 0;
  std::vector<SpeakerTally> speakers;  // most occurrences first (ties: earliest)
  bool conflict = false;               // more than one identified speaker
  int64_t first_occurrence_id() const { return members.empty() ? 0 : members[0].occurrence_id; }
  int64_t first_published_us() const { return members.empty() ? 0 : members[0].published_us; }
  int64_t main_speaker_id() const { return speakers.empty() ? 0 : speakers[0].speaker_id; }

 private:
  friend class QuoteClusters;
  std::vector<uint64_t> shingles_;  // of canonical_norm, sorted
  std::vector<uint64_t> words_;     // distinct words of canonical_norm, sorted
  size_t dirty_from_ = SIZE_MAX;    // first member whose derivation needs recomputing
};

class QuoteClusters {
 public:
  static constexpr size_t kNone = SIZE_MAX;

  QuoteClusters() = default;
  QuoteClusters(const QuoteClusters&) = delete;
  QuoteClusters& operator=(const QuoteClusters&) = delete;

  // The cluster a new occurrence with normalised text `norm` and speaker
  // `speaker_id` (0: none) joins by the rules above, or kNone.
  size_t Match(std::string_view norm, int64_t speaker_id) const;

  // A new cluster with this canonical text (its first member comes with
  // AddMember). Returns its index.
  size_t Create(int64_t id, std::string text, std::string norm, std::string language);

  // Adds an occurrence to cluster `index`: it becomes the canonical text when
  // it has more words. Members of the database are added the same way when
  // loading (with their derived_from); new ones have derived_from -1.
  void AddMember(size_t index, ClusterMember member, std::string_view text, std::string norm);

  // Recomputes the figures and the derivations of the members added since the
  // last Refresh (and of every member after them in time order). Appends
  // (occurrence_id, derived_from) for each member whose derivation changed,
  // new members included.
  void Refresh(size_t index, std::vector<std::pair<int64_t, int64_t>>* changed);

  const QuoteCluster& cluster(size_t index) const { return clusters_[index]; }
  size_t size() const { return clusters_.size(); }

 private:
  void IndexCanonical(size_t index);
  bool HasSpeaker(const QuoteCluster& c, int64_t speaker_id) const;

  std::vector<QuoteCluster> clusters_;
  // Normalised texts of members: long texts -> cluster; short texts are
  // keyed with their speaker ("norm\x1f<speaker id>").
  std::unordered_map<std::string, size_t> exact_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> postings_;  // shingle -> clusters
};

}  // namespace quotetrail
