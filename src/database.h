// database.h: which PostgreSQL quotetrail talks to, and opening connections.
//
// ResolveDatabase picks the database: an explicit URL (--db / QUOTETRAIL_DB)
// when given, else the embedded cluster (embedded_pg.h) in the data dir,
// started when needed. Connect opens a libpqxx connection and turns every
// libpqxx exception into a Status, so no exception leaves this module.
//
// Thread-safety: all functions are safe to call from several threads; a
// returned connection belongs to the caller and must stay on one thread at a
// time (libpqxx connections are not thread-safe and not movable, hence the
// unique_ptr).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "result.h"

namespace quotetrail {

struct DatabaseOptions {
  // libpq URL or key/value string; empty: use the embedded cluster.
  std::string db_url;
  // Embedded cluster data dir; empty: DefaultDataDir().
  std::string data_dir;
  // PostgreSQL server binaries; empty: search (see embedded_pg.h).
  std::string pg_bin_dir;
  // Progress lines from the embedded cluster (created, started...); may be null.
  std::function<void(const std::string&)> on_notice;
};

struct ResolvedDatabase {
  std::string url;           // connection string for libpq/psql
  bool embedded = false;     // the embedded cluster in data_dir
  std::string data_dir;      // when embedded: its absolute data dir
  bool started_now = false;  // when embedded: this call started the server
};

// $XDG_DATA_HOME/quotetrail when XDG_DATA_HOME is set and absolute, else
// $HOME/.local/share/quotetrail. Fails when neither variable is usable.
Result<std::string> DefaultDataDir();

// The database to use (see above). Fails with the embedded cluster's error
// (binaries missing, start failure with the server log tail...).
Result<ResolvedDatabase> ResolveDatabase(const DatabaseOptions& options);

// ResolveDatabase(options).url.
Result<std::string> ResolveDatabaseUrl(const DatabaseOptions& options);

// Opens a connection. kUnavailable when the server cannot be reached, with
// libpq's message.
Result<std::unique_ptr<pqxx::connection>> Connect(const std::string& url);

// PostgreSQL array literals, so that a whole list travels as one parameter
// ($1::bigint[], $1::text[]) of a prepared or parameterised statement:
// {1,2,3} and {"a","b \"c\""} (every element quoted and escaped).
std::string SqlArray(const std::vector<int64_t>& values);
std::string SqlArray(const std::vector<std::string>& values);

// A Status for a libpqxx exception caught while doing `what` ("applying
// migration 0002_x.sql"): kUnavailable for broken connections, kInvalidArgument
// for data errors, kInternal otherwise.
Status PqxxError(const std::exception& e, const std::string& what);

}  // namespace quotetrail
