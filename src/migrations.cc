#include "migrations.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "database.h"
#include "sha256.h"

namespace quotetrail {

namespace fs = std::filesystem;

namespace {

// Key of the session-level advisory lock serialising migrations ("qtmigr").
constexpr long long kMigrationLockKey = 0x7174'6d69'6772LL;

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY,"
    " name text NOT NULL,"
    " checksum text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";
constexpr const char* kSelectApplied =
    "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
constexpr const char* kInsertApplied =
    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)";

// "0001_core.sql" -> version 1, name "core"; false for other names.
bool ParseFileName(const std::string& file, int* version, std::string* name) {
  if (file.size() < 10 || file.substr(file.size() - 4) != ".sql" || file[4] != '_') return false;
  for (int i = 0; i < 4; ++i)
    if (!std::isdigit(static_cast<unsigned char>(file[i]))) return false;
  std::string n = file.substr(5, file.size() - 9);
  if (n.empty()) return false;
  for (char c : n)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  *version = std::stoi(file.substr(0, 4));
  *name = n;
  return true;
}

// Releases the advisory lock when the migration run ends, however it ends.
class AdvisoryUnlock {
 public:
  explicit AdvisoryUnlock(pqxx::connection& conn) : conn_(conn) {}
  AdvisoryUnlock(const AdvisoryUnlock&) = delete;
  AdvisoryUnlock& operator=(const AdvisoryUnlock&) = delete;
  ~AdvisoryUnlock() {
    try {
      pqxx::nontransaction tx(conn_);
      tx.exec_params("SELECT pg_advisory_unlock($1)", kMigrationLockKey);
    } catch (...) {
      // A broken connection releases session locks by itself.
    }
  }

 private:
  pqxx::connection& conn_;
};

}  // namespace

Result<std::vector<MigrationFile>> LoadMigrations(const std::string& dir) {
  std::vector<MigrationFile> files;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return NotFound("migrations dir " + dir + ": " + ec.message() + " (set --migrations)");
  for (const auto& entry : it) {
    std::string file = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;
    MigrationFile m;
    if (!ParseFileName(file, &m.version, &m.name)) {
      return InvalidArgument("migration file " + entry.path().string() +
                             ": name must look like NNNN_name.sql (four digits, lowercase name)");
    }
    m.file_name = file;
    m.path = entry.path().string();
    std::ifstream in(m.path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) return Unavailable("cannot read migration file " + m.path);
    m.sql = bytes.str();
    m.checksum = Sha256Hex(m.sql);
    files.push_back(std::move(m));
  }
  std::sort(files.begin(), files.end(),
            [](const MigrationFile& a, const MigrationFile& b) { return a.version < b.version; });
  for (size_t i = 1; i < files.size(); ++i) {
    if (files[i].version == files[i - 1].version)
      return InvalidArgument("migrations " + files[i - 1].file_name + " and " +
                             files[i].file_name + " in " + dir + " share version " +
                             files[i].file_name.substr(0, 4));
  }
  return files;
}

Result<MigrationReport> ApplyMigrations(pqxx::connection& conn, const std::string& dir) {
  auto loaded = LoadMigrations(dir);
  if (!loaded.ok()) return loaded.status();
  const std::vector<MigrationFile>& files = *loaded;
  MigrationReport report;
  try {
    {
      pqxx::nontransaction tx(conn);
      tx.exec_params("SELECT pg_advisory_lock($1)", kMigrationLockKey);
    }
    AdvisoryUnlock unlock(conn);
    std::map<int, std::pair<std::string, std::string>> applied;  // version -> name, checksum
    {
      pqxx::nontransaction tx(conn);
      tx.exec(kCreateTable);
      for (const auto& row : tx.exec(kSelectApplied))
        applied[row[0].as<int>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
    }
    for (const auto& [version, rec] : applied) {
      auto f = std::find_if(files.begin(), files.end(),
                            [v = version](const MigrationFile& m) { return m.version == v; });
      char num[16];
      std::snprintf(num, sizeof num, "%04d", version);
      std::string recorded_file = std::string(num) + "_" + rec.first + ".sql";
      if (f == files.end()) {
        return FailedPrecondition("migration " + recorded_file +
                                  " is recorded as applied but its file is missing from " + dir +
                                  ": restore it (applied migrations are never deleted)");
      }
      if (f->name != rec.first) {
        return FailedPrecondition("migration file " + f->path + " has version " + num +
                                  ", which was applied as " + recorded_file +
                                  ": restore the original name");
      }
      if (f->checksum != rec.second) {
        return FailedPrecondition("migration file " + f->path +
                                  " changed after it was applied (sha256 " + f->checksum +
                                  ", recorded " + rec.second +
                                  "): restore it and put the change in a new migration");
      }
    }
    report.already_applied = static_cast<int>(applied.size());
    for (const auto& m : files) {
      if (applied.count(m.version)) continue;
      try {
        pqxx::work tx(conn, "migration");
        tx.exec(m.sql);
        tx.exec_params(kInsertApplied, m.version, m.name, m.checksum);
        tx.commit();
      } catch (const std::exception& e) {
        Status s = PqxxError(e, "migration " + m.path + " failed (rolled back)");
        return Status(s.code() == ErrorCode::kUnavailable ? s.code() : ErrorCode::kFailedPrecondition,
                      s.message());
      }
      ++report.applied;
      report.applied_files.push_back(m.file_name);
    }
  } catch (const std::exception& e) {
    return PqxxError(e, "migrating " + dir);
  }
  return report;
}

}  // namespace quotetrail
