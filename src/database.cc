#include "database.h"

#include <cstdlib>

#include "embedded_pg.h"

namespace quotetrail {

Result<std::string> DefaultDataDir() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg && xdg[0] == '/') return std::string(xdg) + "/quotetrail";
  const char* home = std::getenv("HOME");
  if (home && home[0] == '/') return std::string(home) + "/.local/share/quotetrail";
  return FailedPrecondition(
      "no data dir: HOME and XDG_DATA_HOME are unset; pass --data-dir DIR or set "
      "QUOTETRAIL_DATA_DIR");
}

Result<ResolvedDatabase> ResolveDatabase(const DatabaseOptions& options) {
  ResolvedDatabase out;
  if (!options.db_url.empty()) {
    out.url = options.db_url;
    return out;
  }
  std::string dir = options.data_dir;
  if (dir.empty()) {
    auto d = DefaultDataDir();
    if (!d.ok()) return d.status();
    dir = *d;
  }
  EmbeddedPostgresOptions pg;
  pg.data_dir = dir;
  pg.bin_dir = options.pg_bin_dir;
  pg.on_notice = options.on_notice;
  EmbeddedPostgres cluster(pg);
  auto started = cluster.Start();
  if (!started.ok()) return started.status();
  out.url = cluster.ConnectionString();
  out.embedded = true;
  out.data_dir = cluster.data_dir();
  out.started_now = started->started_now;
  return out;
}

Result<std::string> ResolveDatabaseUrl(const DatabaseOptions& options) {
  auto r = ResolveDatabase(options);
  if (!r.ok()) return r.status();
  return r->url;
}

Result<std::unique_ptr<pqxx::connection>> Connect(const std::string& url) {
  try {
    return std::make_unique<pqxx::connection>(url);
  } catch (const std::exception& e) {
    return PqxxError(e, "connecting to PostgreSQL");
  }
}

std::string SqlArray(const std::vector<int64_t>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "}";
}

std::string SqlArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

Status PqxxError(const std::exception& e, const std::string& what) {
  std::string msg = what + ": " + e.what();
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
      dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr)
    return Unavailable(msg);
  if (dynamic_cast<const pqxx::data_exception*>(&e) != nullptr ||
      dynamic_cast<const pqxx::integrity_constraint_violation*>(&e) != nullptr)
    return InvalidArgument(msg);
  return Internal(msg);
}

}  // namespace quotetrail
