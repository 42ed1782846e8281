#include "quote_clusters.h"

#include <algorithm>
#include <cstddef>
#include <tuple>

#include "text.h"

namespace quotetrail {
namespace {

uint64_t HashWord(std::string_view w) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : w) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

// Word hashes of a normalised text, in order.
std::vector<uint64_t> WordHashes(std::string_view norm) {
  std::vector<uint64_t> out;
  size_t i = 0;
  while (i < norm.size()) {
    size_t j = norm.find(' ', i);
    if (j == std::string_view::npos) j = norm.size();
    if (j > i) out.push_back(HashWord(norm.substr(i, j - i)));
    i = j + 1;
  }
  return out;
}

std::vector<uint64_t> SortedUnique(std::vector<uint64_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Distinct word 3-shingles, sorted; a text shorter than a shingle gives one
// shingle of all its words.
std::vector<uint64_t> Shingles(const std::vector<uint64_t>& words) {
  std::vector<uint64_t> out;
  if (words.empty()) return out;
  if (words.size() < kShingleWords) {
    uint64_t h = 0;
    for (uint64_t w : words) h = Rotl(h, 17) ^ (w * 0x9E3779B97F4A7C15ULL);
    out.push_back(h);
    return out;
  }
  for (size_t i = 0; i + kShingleWords <= words.size(); ++i) {
    out.push_back((words[i] * 0x9E3779B97F4A7C15ULL) ^ Rotl(words[i + 1] * 0xC2B2AE3D27D4EB4FULL, 21) ^
                  Rotl(words[i + 2] * 0x165667B19E3779F9ULL, 42));
  }
  return SortedUnique(std::move(out));
}

size_t IntersectionSize(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  size_t n = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++n, ++i, ++j;
    }
  }
  return n;
}

bool Contains(const std::vector<int64_t>& v, int64_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool Intersects(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  for (int64_t x : a) {
    if (Contains(b, x)) return true;
  }
  return false;
}

std::string ShortKey(std::string_view norm, int64_t speaker_id) {
  std::string k(norm);
  k += '\x1f';
  k += std::to_string(speaker_id);
  return k;
}

// Scores rule 2 from precomputed sets.
VariantScore Score(const std::vector<uint64_t>& sh_a, const std::vector<uint64_t>& w_a, size_t n_a,
                   const std::vector<uint64_t>& sh_b, const std::vector<uint64_t>& w_b, size_t n_b) {
  VariantScore s;
  const bool a_shorter = n_a <= n_b;
  s.shorter_words = a_shorter ? n_a : n_b;
  const size_t shorter_shingles = a_shorter ? sh_a.size() : sh_b.size();
  const size_t shorter_distinct = a_shorter ? w_a.size() : w_b.size();
  if (shorter_shingles == 0 || shorter_distinct == 0) return s;
  s.shingle_share = static_cast<double>(IntersectionSize(sh_a, sh_b)) / shorter_shingles;
  s.word_share = static_cast<double>(IntersectionSize(w_a, w_b)) / shorter_distinct;
  s.is_variant = s.shorter_words >= kMinVariantWords && s.shingle_share >= kMinShingleShare &&
                 s.word_share >= kMinWordShare;
  return s;
}

auto OrderKey(const ClusterMember& m) {
  return std::make_tuple(m.published_us, m.document_id, m.start_cp, m.occurrence_id);
}

}  // namespace

std::string NormalizeQuote(std::string_view text) {
  const std::string folded = Fold(text);
  std::string out;
  out.reserve(folded.size());
  bool space = false;
  for (size_t i = 0; i < folded.size();) {
    const size_t start = i;
    const char32_t c = NextCodePoint(folded, i);
    if (!IsLetter(c) && !IsDigit(c)) {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out.append(folded, start, i - start);
  }
  return out;
}

size_t CountWords(std::string_view norm) {
  if (norm.empty()) return 0;
  return static_cast<size_t>(std::count(norm.begin(), norm.end(), ' ')) + 1;
}

VariantScore CompareVariants(std::string_view norm_a, std::string_view norm_b) {
  const std::vector<uint64_t> wa = WordHashes(norm_a), wb = WordHashes(norm_b);
  return Score(Shingles(wa), SortedUnique(wa), wa.size(), Shingles(wb), SortedUnique(wb),
               wb.size());
}

bool QuoteClusters::HasSpeaker(const QuoteCluster& c, int64_t speaker_id) const {
  if (speaker_id == 0) return false;
  return std::any_of(c.members.begin(), c.members.end(),
                     [&](const ClusterMember& m) { return m.speaker_id == speaker_id; });
}

size_t QuoteClusters::Match(std::string_view norm, int64_t speaker_id) const {
  const std::vector<uint64_t> words = WordHashes(norm);
  const size_t n = words.size();
  if (n == 0) return kNone;
  if (n >= kSpeakerFreeWords) {
    auto it = exact_.find(std::string(norm));
    if (it != exact_.end()) return it->second;
  } else if (speaker_id != 0) {
    auto it = exact_.find(ShortKey(norm, speaker_id));
    if (it != exact_.end()) return it->second;
  }
  if (n < kMinVariantWords) return kNone;

  const std::vector<uint64_t> shingles = Shingles(words);
  const std::vector<uint64_t> distinct = SortedUnique(words);
  std::unordered_map<uint32_t, uint32_t> hits;
  for (uint64_t s : shingles) {
    auto it = postings_.find(s);
    if (it == postings_.end() || it->second.size() > kMaxShinglePostings) continue;
    for (uint32_t c : it->second) ++hits[c];
  }
  size_t best = kNone;
  double best_share = 0;
  for (const auto& [index, count] : hits) {
    const QuoteCluster& c = clusters_[index];
    const size_t shorter_shingles = std::min(shingles.size(), c.shingles_.size());
    if (count < kMinShingleShare * static_cast<double>(shorter_shingles)) continue;
    const VariantScore s = Score(shingles, distinct, n, c.shingles_, c.words_, c.canonical_words);
    if (!s.is_variant) continue;
    if (s.shorter_words < kSpeakerFreeWords && !HasSpeaker(c, speaker_id)) continue;
    if (s.shingle_share > best_share || (s.shingle_share == best_share && index < best)) {
      best = index;
      best_share = s.shingle_share;
    }
  }
  return best;
}

size_t QuoteClusters::Create(int64_t id, std::string text, std::string norm, std::string language) {
  QuoteCluster c;
  c.id = id;
  c.canonical_text = std::move(text);
  c.canonical_norm = std::move(norm);
  c.canonical_words = CountWords(c.canonical_norm);
  c.language = std::move(language);
  clusters_.push_back(std::move(c));
  IndexCanonical(clusters_.size() - 1);
  return clusters_.size() - 1;
}

void QuoteClusters::IndexCanonical(size_t index) {
  QuoteCluster& c = clusters_[index];
  const std::vector<uint64_t> words = WordHashes(c.canonical_norm);
  std::vector<uint64_t> shingles = Shingles(words);
  for (uint64_t s : shingles) {
    if (std::binary_search(c.shingles_.begin(), c.shingles_.end(), s)) continue;
    postings_[s].push_back(static_cast<uint32_t>(index));
  }
  // Postings of an earlier, shorter canonical text stay: its shingles are
  // (nearly all) in the new one, and Match scores candidates exactly.
  c.shingles_ = std::move(shingles);
  c.words_ = SortedUnique(words);
}

void QuoteClusters::AddMember(size_t index, ClusterMember member, std::string_view text,
                              std::string norm) {
  QuoteCluster& c = clusters_[index];
  const size_t words = CountWords(norm);
  if (words >= kSpeakerFreeWords) {
    exact_.emplace(norm, index);
  } else if (member.speaker_id != 0) {
    exact_.emplace(ShortKey(norm, member.speaker_id), index);
  }
  if (words > c.canonical_words) {
    c.canonical_text = std::string(text);
    c.canonical_norm = std::move(norm);
    c.canonical_words = words;
    IndexCanonical(index);
  }
  auto pos = std::upper_bound(c.members.begin(), c.members.end(), member,
                              [](const ClusterMember& a, const ClusterMember& b) {
                                return OrderKey(a) < OrderKey(b);
                              });
  const size_t at = static_cast<size_t>(pos - c.members.begin());
  const bool is_new = member.derived_from < 0;
  c.members.insert(pos, std::move(member));
  if (is_new) {
    c.dirty_from_ = std::min(c.dirty_from_, at);
  } else if (c.dirty_from_ != SIZE_MAX && at <= c.dirty_from_) {
    ++c.dirty_from_;
  }
}

namespace {

// Derivation rule (a, b, c in the header) for member i of c.
int64_t Source(const QuoteCluster& c, size_t i) {
  const ClusterMember& m = c.members[i];
  auto first_same_time = std::lower_bound(
      c.members.begin(), c.members.begin() + static_cast<std::ptrdiff_t>(i), m.published_us,
      [](const ClusterMember& a, int64_t t) { return a.published_us < t; });
  const size_t k = static_cast<size_t>(first_same_time - c.members.begin());
  if (k == 0) return 0;
  if (!m.named_relays.empty()) {
    for (size_t j = 0; j < k; ++j) {
      if (c.members[j].outlet_relay != 0 && Contains(m.named_relays, c.members[j].outlet_relay))
        return c.members[j].occurrence_id;
    }
    for (size_t j = 0; j < k; ++j) {
      if (Intersects(c.members[j].via_relays, m.named_relays)) return c.members[j].occurrence_id;
    }
  }
  return c.members[k - 1].occurrence_id;
}

}  // namespace

void QuoteClusters::Refresh(size_t index, std::vector<std::pair<int64_t, int64_t>>* changed) {
  QuoteCluster& c = clusters_[index];
  for (size_t i = c.dirty_from_; i < c.members.size(); ++i) {
    const int64_t d = Source(c, i);
    if (d != c.members[i].derived_from) {
      c.members[i].derived_from = d;
      if (changed != nullptr) changed->emplace_back(c.members[i].occurrence_id, d);
    }
  }
  c.dirty_from_ = SIZE_MAX;

  std::vector<int64_t> docs;
  docs.reserve(c.members.size());
  c.speakers.clear();
  for (const ClusterMember& m : c.members) {
    docs.push_back(m.document_id);
    if (m.speaker_id == 0) continue;
    auto t = std::find_if(c.speakers.begin(), c.speakers.end(),
                          [&](const SpeakerTally& s) { return s.speaker_id == m.speaker_id; });
    if (t == c.speakers.end()) {
      c.speakers.push_back({m.speaker_id, 1, m.occurrence_id});
    } else {
      ++t->occurrences;
    }
  }
  std::sort(docs.begin(), docs.end());
  c.document_count = std::unique(docs.begin(), docs.end()) - docs.begin();
  std::stable_sort(c.speakers.begin(), c.speakers.end(),
                   [](const SpeakerTally& a, const SpeakerTally& b) {
                     return a.occurrences > b.occurrences;
                   });
  c.conflict = c.speakers.size() > 1;
}

}  // namespace quotetrail
