// word_table.h: a string-keyed hash table for the lexicons, read per word.
//
// The extractor asks, for nearly every word of every article, which lexicon
// classes the word is in, whether it is a relay's alias, a language's marker
// word... std::unordered_map spent most of that time in its hash (a full
// Murmur pass), a modulo by a prime and a node chase. WordTable keeps the
// entries in one vector and an open-addressing index of power-of-two size,
// hashes 8 bytes at a time and compares a stored hash before the key.
//
// Built once (operator[] inserts), then read: Find is const and thread-safe
// while nothing inserts. Keys are copied in; string_views given to Find need
// not outlive the call. Iteration order (entries()) is insertion order.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quotetrail {

// 64-bit hash of short strings, without a call or a loop up to 16 bytes:
// overlapping 8-byte (or 4-byte) loads of the head and tail, mixed with the
// length (multiply-xorshift). Not for untrusted keys at scale: a lexicon's
// words and an article's tokens only.
inline uint64_t HashWord(std::string_view s) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  const char* p = s.data();
  const size_t n = s.size();
  auto load8 = [](const char* q) { uint64_t w; std::memcpy(&w, q, 8); return w; };
  auto load4 = [](const char* q) { uint32_t w; std::memcpy(&w, q, 4); return static_cast<uint64_t>(w); };
  uint64_t a, b;
  if (n >= 8) {
    a = load8(p);
    for (size_t i = 8; i + 8 < n; i += 8) a = (a ^ load8(p + i)) * kMul ^ (a >> 29);
    b = load8(p + n - 8);
  } else if (n >= 4) {
    a = load4(p);
    b = load4(p + n - 4);
  } else if (n > 0) {
    a = static_cast<unsigned char>(p[0]) | static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
        static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16;
    b = 0;
  } else {
    a = b = 0;
  }
  uint64_t h = (a ^ (n * kMul)) * kMul;
  h = (h ^ (h >> 29) ^ b) * kMul;
  return h ^ (h >> 32);
}

template <typename V>
class WordTable {
 public:
  // The value of `key`, inserted value-initialised when absent.
  V& operator[](std::string_view key) {
    const uint64_t h = HashWord(key);
    if (size_t e = Lookup(key, h); e != kNone) return entries_[e].second;
    if ((entries_.size() + 1) * 2 > slots_.size()) Grow();
    entries_.emplace_back(std::string(key), V{});
    Place(static_cast<uint32_t>(entries_.size() - 1), h);
    return entries_.back().second;
  }
  // Inserts key -> value unless key is there already (which keeps its value);
  // true when it inserted.
  bool Insert(std::string_view key, V value) {
    if (Find(key)) return false;
    (*this)[key] = std::move(value);
    return true;
  }
  // The value of `key`, or nullptr.
  const V* Find(std::string_view key) const {
    const size_t e = Lookup(key, HashWord(key));
    return e == kNone ? nullptr : &entries_[e].second;
  }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const std::vector<std::pair<std::string, V>>& entries() const { return entries_; }

 private:
  static constexpr size_t kNone = static_cast<size_t>(-1);
  struct Slot {
    uint32_t hash = 0;   // the high half of the key's hash
    uint32_t entry = 0;  // index in entries_ + 1; 0 when empty
  };

  size_t Lookup(std::string_view key, uint64_t h) const {
    if (slots_.empty()) return kNone;
    const size_t mask = slots_.size() - 1;
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.entry == 0) return kNone;
      if (s.hash == tag) {
        const std::string& k = entries_[s.entry - 1].first;
        if (k.size() == key.size() && std::memcmp(k.data(), key.data(), key.size()) == 0) return s.entry - 1;
      }
    }
  }
  void Place(uint32_t entry, uint64_t h) {
    const size_t mask = slots_.size() - 1;
    size_t i = h & mask;
    while (slots_[i].entry != 0) i = (i + 1) & mask;
    slots_[i] = {static_cast<uint32_t>(h >> 32), entry + 1};
  }
  void Grow() {
    slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, Slot{});
    for (uint32_t e = 0; e < entries_.size(); ++e) Place(e, HashWord(entries_[e].first));
  }

  std::vector<std::pair<std::string, V>> entries_;
  std::vector<Slot> slots_;  // size 0 or a power of two, at most half full
};

}  // namespace quotetrail
