// api_tokens.cc: see api_tokens.h.
#include "api_tokens.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "database.h"
#include "sha256.h"

namespace quotetrail {
namespace {

constexpr const char* kInsertToken =
    "INSERT INTO api_tokens (name, token_sha256) VALUES ($1, $2) RETURNING id";
constexpr const char* kListTokens = R"sql(
SELECT id, name, (extract(epoch FROM created_at) * 1000000)::bigint,
       (extract(epoch FROM last_used_at) * 1000000)::bigint,
       (extract(epoch FROM revoked_at) * 1000000)::bigint
FROM api_tokens ORDER BY id
)sql";
constexpr const char* kRevokeToken =
    "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id";
constexpr const char* kLiveTokens = "SELECT id, token_sha256 FROM api_tokens WHERE revoked_at IS NULL";
constexpr const char* kTouchToken = "UPDATE api_tokens SET last_used_at = now() WHERE id = $1";

std::optional<int64_t> OptMicros(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<int64_t>();
}

}  // namespace

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff = static_cast<unsigned char>(diff | (a[i] ^ b[i]));
  // Through a volatile read, so the compiler cannot stop the loop early.
  volatile unsigned char result = diff;
  return result == 0;
}

Result<std::string> RandomTokenHex() {
  unsigned char bytes[32];
  int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Unavailable(std::string("/dev/urandom: ") + std::strerror(errno));
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = ::read(fd, bytes + got, sizeof bytes - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      ::close(fd);
      return Unavailable(std::string("/dev/urandom: ") + (n == 0 ? "end of file" : std::strerror(e)));
    }
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

Result<NewApiToken> CreateApiToken(pqxx::connection& conn, const std::string& name) {
  auto token = RandomTokenHex();
  if (!token.ok()) return token.status();
  try {
    pqxx::work tx(conn);
    NewApiToken t;
    t.id = tx.exec_params1(kInsertToken, name, Sha256Hex(*token))[0].as<int64_t>();
    tx.commit();
    t.token = std::move(*token);
    return t;
  } catch (const std::exception& e) {
    return PqxxError(e, "creating an API token");
  }
}

Result<std::vector<ApiTokenInfo>> ListApiTokens(pqxx::connection& conn) {
  try {
    pqxx::read_transaction tx(conn);
    std::vector<ApiTokenInfo> out;
    for (const auto& row : tx.exec(kListTokens)) {
      ApiTokenInfo t;
      t.id = row[0].as<int64_t>();
      t.name = row[1].as<std::string>();
      t.created_us = row[2].as<int64_t>();
      t.last_used_us = OptMicros(row[3]);
      t.revoked_us = OptMicros(row[4]);
      out.push_back(std::move(t));
    }
    return out;
  } catch (const std::exception& e) {
    return PqxxError(e, "listing API tokens");
  }
}

Status RevokeApiToken(pqxx::connection& conn, int64_t id) {
  try {
    pqxx::work tx(conn);
    auto r = tx.exec_params(kRevokeToken, id);
    if (r.empty()) return NotFound("no API token with id " + std::to_string(id));
    tx.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return PqxxError(e, "revoking an API token");
  }
}

Result<std::optional<int64_t>> CheckApiToken(pqxx::connection& conn, std::string_view token) {
  const std::string hash = Sha256Hex(token);
  try {
    pqxx::work tx(conn);
    std::optional<int64_t> found;
    for (const auto& row : tx.exec(kLiveTokens)) {
      // Every live hash is compared, whatever matched before.
      if (ConstantTimeEquals(hash, row[1].as<std::string>())) found = row[0].as<int64_t>();
    }
    if (found) tx.exec_params(kTouchToken, *found);
    tx.commit();
    return found;
  } catch (const std::exception& e) {
    return PqxxError(e, "checking an API token");
  }
}

}  // namespace quotetrail
