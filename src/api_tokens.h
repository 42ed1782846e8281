// api_tokens.h: bearer tokens of the HTTP API (table api_tokens, migration
// 0003_api_tokens.sql).
//
// A token is 32 random bytes from /dev/urandom, written as 64 lowercase hex
// digits. It is shown once, by CreateApiToken; the database keeps only its
// SHA-256. CheckApiToken hashes the presented token and compares it with
// every stored, unrevoked hash in constant time (no early exit on the first
// differing byte, no index lookup keyed by the secret), then records
// last_used_at. Revoking keeps the row (for the listing) and refuses the
// token from then on.
//
// Errors: database failures as Status (database.h: PqxxError);
// RevokeApiToken: kNotFound for an unknown id. Thread-safety: the functions
// use only their arguments; a connection is used by one call at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace quotetrail {

struct NewApiToken {
  int64_t id = 0;
  std::string token;  // 64 hex digits; never stored
};

struct ApiTokenInfo {
  int64_t id = 0;
  std::string name;
  int64_t created_us = 0;
  std::optional<int64_t> last_used_us;
  std::optional<int64_t> revoked_us;
};

// 32 bytes of /dev/urandom as hex. kUnavailable when it cannot be read.
Result<std::string> RandomTokenHex();

Result<NewApiToken> CreateApiToken(pqxx::connection& conn, const std::string& name);
Result<std::vector<ApiTokenInfo>> ListApiTokens(pqxx::connection& conn);
// Sets revoked_at (kept when already revoked). kNotFound: no such id.
Status RevokeApiToken(pqxx::connection& conn, int64_t id);

// The id of the unrevoked token `token` is, or nullopt when none. Updates
// its last_used_at.
Result<std::optional<int64_t>> CheckApiToken(pqxx::connection& conn, std::string_view token);

// Whether a and b are equal, in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace quotetrail
