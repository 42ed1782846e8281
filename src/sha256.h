// sha256.h: SHA-256 (FIPS 180-4) of byte strings.
//
// Used for migration checksums and for document text hashes. Sha256 is an
// incremental hasher: Update() any number of times, then Finish() once. An
// instance is not thread-safe; separate instances are independent. The free
// functions are pure and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace quotetrail {

class Sha256 {
 public:
  using Digest = std::array<uint8_t, 32>;

  Sha256();
  // Appends bytes to the message. Must not be called after Finish().
  void Update(std::string_view bytes);
  // Pads the message and returns its digest. Call once; the hasher is spent.
  Digest Finish();

 private:
  void Block(const uint8_t* p);

  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buf_{};
  size_t buf_len_ = 0;
  uint64_t total_len_ = 0;  // in bytes
};

// Lowercase hex of a digest (64 characters).
std::string ToHex(const Sha256::Digest& digest);

// Lowercase hex SHA-256 of `bytes`, e.g. Sha256Hex("abc") ==
// "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".
std::string Sha256Hex(std::string_view bytes);

}  // namespace quotetrail
