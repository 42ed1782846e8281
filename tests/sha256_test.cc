// SHA-256 against the FIPS 180-4 / NIST example vectors.
#include <catch2/catch.hpp>
#include <string>

#include "sha256.h"

using quotetrail::Sha256;
using quotetrail::Sha256Hex;
using quotetrail::ToHex;

TEST_CASE("sha256 of the empty string, abc and the two-block message match NIST", "[sha256]") {
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("sha256 of a million 'a' matches NIST", "[sha256]") {
  CHECK(Sha256Hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 fed in uneven pieces equals sha256 of the whole", "[sha256]") {
  std::string msg;
  for (int i = 0; i < 1000; ++i) msg += static_cast<char>(i * 7 + 3);
  for (size_t piece : {1u, 3u, 55u, 56u, 63u, 64u, 65u, 127u}) {
    INFO("piece " << piece);
    Sha256 h;
    for (size_t at = 0; at < msg.size(); at += piece) h.Update(std::string_view(msg).substr(at, piece));
    CHECK(ToHex(h.Finish()) == Sha256Hex(msg));
  }
}
