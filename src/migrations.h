// migrations.h: the database schema as numbered SQL files, applied once each.
//
// A migrations dir holds files named NNNN_name.sql (four digits, then a
// lowercase name: 0001_core.sql). ApplyMigrations applies the ones not yet
// recorded in the table schema_migrations(version, name, checksum,
// applied_at), in version order, each in its own transaction together with its
// record. checksum is the SHA-256 hex of the file bytes. Under a PostgreSQL
// advisory lock, so two processes never migrate at once (the second waits,
// then finds nothing to do). Files must not use statements that cannot run in
// a transaction (CREATE INDEX CONCURRENTLY, VACUUM).
//
// Errors: an applied migration whose file changed, or whose file is gone, is
// kFailedPrecondition naming the file; a failing migration is rolled back and
// reported with PostgreSQL's message; nothing after it is applied.
//
// Thread-safety: the functions are safe to call concurrently on different
// connections; a connection is used by one call at a time.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "result.h"

namespace quotetrail {

struct MigrationFile {
  int version = 0;         // NNNN
  std::string name;        // "core" for 0001_core.sql
  std::string file_name;   // "0001_core.sql"
  std::string path;        // dir + "/" + file_name
  std::string sql;         // the file's bytes
  std::string checksum;    // Sha256Hex(sql)
};

struct MigrationReport {
  int applied = 0;          // applied by this call
  int already_applied = 0;  // recorded before this call
  std::vector<std::string> applied_files;  // file names, in order
};

// Reads every *.sql file of `dir`, sorted by version. kNotFound when `dir`
// cannot be read; kInvalidArgument for a .sql file with a bad name or a
// duplicate version. Other files (README...) are ignored.
Result<std::vector<MigrationFile>> LoadMigrations(const std::string& dir);

// Applies the pending migrations of `dir` to the database of `conn` (see above).
Result<MigrationReport> ApplyMigrations(pqxx::connection& conn, const std::string& dir);

}  // namespace quotetrail
