// cmd_db.cc: the database commands: db start|stop|status|url, migrate, serve.
//
// `serve` is deliberately small for now (GET /healthz only); the HTTP API
// proper lives in api/ once it exists.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <httplib.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

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

void SetJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

int RunServe(const ParsedArgs& args) {
  std::string error;
  long port = args.GetInt("--port", 8080, 0, 65535, &error);
  if (!error.empty()) {
    std::cerr << "quotetrail: " << error << "\n";
    return kExitUsage;
  }
  const std::string bind = args.GetOr("--bind", "127.0.0.1");

  auto db = ResolveMigratedDatabase(args);
  if (!db.ok()) return Fail(db.status());

  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(8); };
  server.set_payload_max_length(1 << 20);
  server.set_read_timeout(10);
  server.set_write_timeout(10);
  server.set_keep_alive_timeout(5);
  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res,
                                  std::exception_ptr ep) {
    // Details go to the server's stderr only, never to the client.
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      std::cerr << "quotetrail: " << req.method << " " << req.path << ": " << e.what() << "\n";
    } catch (...) {
      std::cerr << "quotetrail: " << req.method << " " << req.path << ": unknown exception\n";
    }
    SetJson(res, 500, {{"error", "internal error"}});
  });
  const std::string url = db->url;
  server.Get("/healthz", [url](const httplib::Request&, httplib::Response& res) {
    auto conn = Connect(url);
    if (conn.ok()) {
      try {
        pqxx::nontransaction tx(**conn);
        tx.exec1("SELECT 1");
        SetJson(res, 200, {{"status", "ok"}});
        return;
      } catch (const std::exception& e) {
        std::cerr << "quotetrail: /healthz: " << e.what() << "\n";
      }
    } else {
      std::cerr << "quotetrail: /healthz: " << conn.status().message() << "\n";
    }
    SetJson(res, 503, {{"status", "error"}, {"error", "database unavailable"}});
  });

  // SIGINT/SIGTERM are blocked in every thread and taken by one waiting
  // thread, which stops the server; no signal handler, no global state.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::atomic<bool> listen_done{false};
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (!listen_done) std::cerr << "quotetrail: stopping (signal " << sig << ")\n";
    // stop() only works once listening began; retry until listen returned.
    while (!listen_done) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  int exit_code = kExitOk;
  bool bound = false;
  if (port == 0) {
    int p = server.bind_to_any_port(bind);
    bound = p > 0;
    port = p;
  } else {
    bound = server.bind_to_port(bind, static_cast<int>(port));
  }
  if (!bound) {
    std::cerr << "quotetrail: cannot listen on " << bind << ":" << port
              << " (in use or not a local address): choose another --port or --bind\n";
    exit_code = kExitFailure;
  } else {
    std::string host = bind.find(':') != std::string::npos ? "[" + bind + "]" : bind;
    std::cout << "quotetrail serving on http://" << host << ":" << port << "/" << std::endl;
    if (!server.listen_after_bind()) exit_code = kExitFailure;
  }
  listen_done = true;
  pthread_kill(signal_thread.native_handle(), SIGTERM);  // wakes sigwait if no signal came
  signal_thread.join();

  if (db->embedded && db->started_now) {
    // This run started the cluster, so it stops it too.
    EmbeddedPostgresOptions o;
    o.data_dir = db->data_dir;
    o.on_notice = PrintNotice;
    auto stopped = EmbeddedPostgres(o).Stop();
    if (!stopped.ok()) return Fail(stopped.status());
  }
  return exit_code;
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
  cmds.push_back({"serve", "migrate, then serve HTTP (GET /healthz) until SIGINT/SIGTERM", "", 0,
                  0,
                  {{"--port", "N", "TCP port (0: any free port)", "QUOTETRAIL_PORT", "8080"},
                   {"--bind", "ADDR", "address to listen on", "QUOTETRAIL_BIND", "127.0.0.1"}},
                  "When serve started the embedded PostgreSQL, it stops it on exit.",
                  RunServe});
  return cmds;
}

}  // namespace quotetrail::cli
