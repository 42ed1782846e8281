// cmd_db.cc: the database commands: db start|stop|status|url, migrate.
#include <iostream>

#include "cli/commands.h"
#include "database.h"
#include "embedded_pg.h"
#include "migrations.h"

namespace quotetrail::cli {
namespace {

void PrintNotice(const std::string& line) { std::cerr << "quotetrail: " << line << "\n"; }

int Fail(const Status& s) {
  std::cerr << "quotetrail: " << s.message() << "\n";
  return kExitFailure;
}

Result<std::string> DataDir(const ParsedArgs& args) {
  std::string dir = args.GetOr("--data-dir", "");
  if (!dir.empty()) return dir;
  return DefaultDataDir();
}

Result<EmbeddedPostgresOptions> ClusterOptions(const ParsedArgs& args) {
  auto dir = DataDir(args);
  if (!dir.ok()) return dir.status();
  EmbeddedPostgresOptions o;
  o.data_dir = *dir;
  o.on_notice = PrintNotice;
  return o;
}

DatabaseOptions DbOptions(const ParsedArgs& args) {
  DatabaseOptions o;
  o.db_url = args.GetOr("--db", "");
  o.data_dir = args.GetOr("--data-dir", "");
  o.on_notice = PrintNotice;
  return o;
}

int RunDbStart(const ParsedArgs& args) {
  auto opts = ClusterOptions(args);
  if (!opts.ok()) return Fail(opts.status());
  EmbeddedPostgres pg(*opts);
  auto info = pg.Start();
  if (!info.ok()) return Fail(info.status());
  std::cout << (info->started_now ? "started" : "already running") << ": " << pg.data_dir()
            << "\nurl: " << pg.ConnectionString() << "\n";
  return kExitOk;
}

int RunDbStop(const ParsedArgs& args) {
  auto opts = ClusterOptions(args);
  if (!opts.ok()) return Fail(opts.status());
  opts->on_notice = nullptr;  // the line below says it
  EmbeddedPostgres pg(*opts);
  auto was_running = pg.Stop();
  if (!was_running.ok()) return Fail(was_running.status());
  std::cout << (*was_running ? "stopped: " : "not running: ") << pg.data_dir() << "\n";
  return kExitOk;
}

int RunDbStatus(const ParsedArgs& args) {
  auto opts = ClusterOptions(args);
  if (!opts.ok()) return Fail(opts.status());
  EmbeddedPostgres pg(*opts);
  auto state = pg.GetState();
  if (!state.ok()) return Fail(state.status());
  if (state->running) {
    std::cout << "running: " << pg.data_dir() << "\nurl: " << pg.ConnectionString() << "\n";
    return kExitOk;
  }
  std::cout << (state->initialized ? "stopped: " : "not initialized: ") << pg.data_dir() << "\n";
  return kExitFailure;
}

int RunDbUrl(const ParsedArgs& args) {
  auto url = ResolveDatabaseUrl(DbOptions(args));
  if (!url.ok()) return Fail(url.status());
  std::cout << *url << "\n";
  return kExitOk;
}

// Connects to `url` and applies the migrations of --migrations.
Result<MigrationReport> Migrate(const ParsedArgs& args, const std::string& url) {
  auto conn = Connect(url);
  if (!conn.ok()) return conn.status();
  return ApplyMigrations(**conn, args.GetOr("--migrations", ""));
}

int RunMigrate(const ParsedArgs& args) {
  auto url = ResolveDatabaseUrl(DbOptions(args));
  if (!url.ok()) return Fail(url.status());
  auto report = Migrate(args, *url);
  if (!report.ok()) return Fail(report.status());
  for (const auto& f : report->applied_files) PrintNotice("applied " + f);
  std::cout << "applied " << report->applied << " migration" << (report->applied == 1 ? "" : "s")
            << " (" << report->already_applied << " already applied)\n";
  return kExitOk;
}

}  // namespace

Result<ResolvedDatabase> ResolveMigratedDatabase(const ParsedArgs& args) {
  auto db = ResolveDatabase(DbOptions(args));
  if (!db.ok()) return db.status();
  auto report = Migrate(args, db->url);
  if (!report.ok()) return report.status();
  if (report->applied > 0)
    PrintNotice("applied " + std::to_string(report->applied) + " migration(s)");
  return db;
}

std::vector<CommandSpec> DbCommands() {
  const std::string embedded_note =
      "The embedded cluster lives in --data-dir: PostgreSQL 15 listening on a Unix socket\n"
      "only (no TCP port). As root, PostgreSQL runs as the 'postgres' user.";
  std::vector<CommandSpec> cmds;
  cmds.push_back({"db start", "start the embedded PostgreSQL (created on first use)", "", 0, 0, {},
                  embedded_note, RunDbStart});
  cmds.push_back({"db stop", "stop the embedded PostgreSQL", "", 0, 0, {}, embedded_note,
                  RunDbStop});
  cmds.push_back({"db status", "say whether the embedded PostgreSQL runs (exit 0 yes, 1 no)", "",
                  0, 0, {}, embedded_note, RunDbStatus});
  cmds.push_back({"db url", "print the connection string (starts the embedded PostgreSQL)", "", 0,
                  0, {},
                  "Prints --db when given, else the embedded cluster's connection string,\n"
                  "usable as: psql \"$(quotetrail db url)\"",
                  RunDbUrl});
  cmds.push_back({"migrate", "apply pending SQL migrations", "", 0, 0, {},
                  "Applies migrations/NNNN_name.sql files not yet recorded in schema_migrations,\n"
                  "each in its own transaction. Uses --db, else the embedded cluster.",
                  RunMigrate});
  return cmds;
}

}  // namespace quotetrail::cli
