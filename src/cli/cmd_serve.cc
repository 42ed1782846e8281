// cmd_serve.cc: `quotetrail serve`: migrate, then serve the HTTP API
// (http/api_server.h) until SIGINT/SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "embedded_pg.h"
#include "http/api_server.h"

namespace quotetrail::cli {
namespace {

int RunServe(const ParsedArgs& args) {
  std::string error;
  long port = args.GetInt("--port", 8080, 0, 65535, &error);
  long threads = error.empty() ? args.GetInt("--threads", 8, 1, 256, &error) : 0;
  long db_connections = error.empty() ? args.GetInt("--db-connections", 0, 0, 256, &error) : 0;
  if (!error.empty()) {
    std::cerr << "quotetrail serve: " << error << "\n";
    return kExitUsage;
  }
  const std::string bind = args.GetOr("--bind", "127.0.0.1");
  auto fail = [](const Status& s) {
    std::cerr << "quotetrail serve: " << s.message() << "\n";
    return kExitFailure;
  };

  auto db = ResolveMigratedDatabase(args);
  if (!db.ok()) return fail(db.status());

  static std::mutex log_mu;
  http::ApiServerOptions o;
  o.db_url = db->url;
  o.api_dir = args.GetOr("--api-dir", QUOTETRAIL_API_DIR);
  o.extractors_dir = args.GetOr("--extractors", QUOTETRAIL_EXTRACTORS_DIR);
  o.threads = static_cast<int>(threads);
  o.db_connections = static_cast<int>(db_connections);
  o.require_token_for_reads = args.Flag("--require-token-for-reads");
  o.log_requests = !args.Flag("--quiet");
  o.log = [](const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mu);
    std::cerr << "quotetrail serve: " << line << "\n";
  };

  // SIGINT/SIGTERM are blocked in every thread and taken by one waiting
  // thread, which stops the server; no signal handler, no global state.
  // Blocked before the server exists: threads inherit the mask when created.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  http::ApiServer server(o);
  std::atomic<bool> listen_done{false};
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (!listen_done) std::cerr << "quotetrail: stopping (signal " << sig << ")\n";
    // stop() only works once listening began; retry until listen returned.
    while (!listen_done) {
      server.Stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  int exit_code = kExitOk;
  auto bound = server.Bind(bind, static_cast<int>(port));
  if (!bound.ok()) {
    std::cerr << "quotetrail serve: " << bound.status().message()
              << ": choose another --port or --bind\n";
    exit_code = kExitFailure;
  } else {
    std::string host = bind.find(':') != std::string::npos ? "[" + bind + "]" : bind;
    std::cout << "quotetrail serving on http://" << host << ":" << *bound << "/" << std::endl;
    if (!server.Listen()) exit_code = kExitFailure;
  }
  listen_done = true;
  pthread_kill(signal_thread.native_handle(), SIGTERM);  // wakes sigwait if no signal came
  signal_thread.join();

  if (db->embedded && db->started_now) {
    // This run started the cluster, so it stops it too.
    EmbeddedPostgresOptions po;
    po.data_dir = db->data_dir;
    po.on_notice = [](const std::string& line) { std::cerr << "quotetrail: " << line << "\n"; };
    auto stopped = EmbeddedPostgres(po).Stop();
    if (!stopped.ok()) return fail(stopped.status());
  }
  return exit_code;
}

}  // namespace

std::vector<CommandSpec> ServeCommands() {
  CommandSpec serve;
  serve.name = "serve";
  serve.summary = "migrate, then serve the HTTP API and page until SIGINT/SIGTERM";
  serve.options = {
      {"--port", "N", "TCP port (0: any free port)", "QUOTETRAIL_PORT", "8080"},
      {"--bind", "ADDR", "address to listen on", "QUOTETRAIL_BIND", "127.0.0.1"},
      {"--threads", "N", "server threads (one per keep-alive client)", "", "8"},
      {"--db-connections", "N", "database connections shared by the threads (0: 2 per core, at least 4)", "", "0"},
      {"--api-dir", "DIR", "the page's files and openapi.json", "QUOTETRAIL_API_DIR", QUOTETRAIL_API_DIR},
      {"--require-token-for-reads", "", "the /api/v1 reads need a token too (writes always do)", "", ""},
      {"--quiet", "", "no line per request on standard error", "", ""},
  };
  serve.details =
      "Endpoints: GET /healthz, GET /metrics, GET /api/v1/openapi.json, GET /api/v1/quotes,\n"
      "/quotes/{id}, /quotes/{id}/prov, /speakers, /speakers/{id}, /agencies,\n"
      "/agencies/{id}, /documents/{id}, /export.csv, POST /api/v1/check,\n"
      "POST /api/v1/documents (Authorization: Bearer TOKEN, see quotetrail token\n"
      "create), and the files of --api-dir at /.\n"
      "POST /api/v1/documents holds the ingest lock while writes come and releases it\n"
      "after 30 s without one; a CLI ingest meanwhile waits for it.\n"
      "When serve started the embedded PostgreSQL, it stops it on exit.";
  serve.run = RunServe;
  return {serve};
}

}  // namespace quotetrail::cli
