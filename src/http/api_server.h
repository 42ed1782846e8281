// http/api_server.h: the HTTP API v1 of quotetrail (api_contract.md) over
// cpp-httplib, on top of the core library's queries (api_queries.h).
//
// Routes: one line each in ApiServer's constructor (method, pattern with
// {name} segments, handler, access). A path that matches a pattern but not
// the method gets 405 with an Allow header (OPTIONS gets 204 with Allow); a
// path that matches none gets 404. Literal segments win over {name}.
//
// Errors, every status >= 400: {"error": {"code", "message"}} with the codes
// of the contract. Messages name what was wrong ("limit: must be a whole
// number >= 1"); database and exception text never reaches a client: it goes
// to options.log, the client gets 503 unavailable (database unreachable) or
// 500 "internal error".
// Limits: request bodies over kMaxBodyBytes -> 413; a query string over
// kMaxQueryStringBytes -> 400 (q itself: 500 bytes, quote_filter.h);
// limit capped at kMaxPageSize.
//
// Access: reads are open unless options.require_token_for_reads (then the
// /api/v1 reads need a token; /, static files, /healthz, /metrics and
// /api/v1/openapi.json stay open); writes always need
// "Authorization: Bearer TOKEN" (api_tokens.h): 401 with
// WWW-Authenticate: Bearer otherwise.
//
// Writes (POST /api/v1/documents): the Store (store.h) is opened on the first
// write and kept while writes come, so its in-memory clustering state is
// loaded once; writes are serialised by a mutex. It holds the ingest lock
// (an advisory lock) while open, so a CLI `quotetrail ingest` meanwhile waits.
// The server closes the Store, releasing the lock, after
// options.store_idle_seconds without a write. When a CLI ingest holds the
// lock, a write gets 503 at once instead of waiting.
//
// Responses: the server sends bodies as they are (no compression: cpp-httplib
// 0.11 would compress with brotli at quality 11, ~90 ms of CPU for the 38 KB
// openapi.json; compress in a reverse proxy). Keep-alive connections serve
// up to kKeepAliveMaxRequests requests. Static files and openapi.json are
// cached in memory, checked with one lstat per request, with an ETag.
//
// Connections: a pool of at most DbConnections(options) connections
// (connection_pool.h), fewer than the server threads by default: a thread
// keeps its keep-alive client, but the database work of the requests goes
// through few connections (waiting for one when all are busy), since many
// more busy backends than cores only add switching (on 2 cores, 32 backends
// ran the search statement at 226/s, 4 at 357/s); plus the Store's two
// while it is open. A streamed export holds its connection until its body
// is sent.
//
// Thread-safety: Bind and Listen from one thread; Stop from any thread
// (e.g. a signal-waiting thread); handlers run on the pool's threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "connection_pool.h"
#include "http/metrics.h"
#include "result.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace quotetrail {
class Extractor;
class Store;
}  // namespace quotetrail

namespace quotetrail::http {

inline constexpr size_t kMaxBodyBytes = size_t{1} << 20;  // 1 MiB
inline constexpr size_t kMaxQueryStringBytes = 4096;
inline constexpr size_t kKeepAliveMaxRequests = 100000;

struct ApiServerOptions {
  std::string db_url;          // migrated database (database.h)
  std::string api_dir;         // static files and openapi.json (QUOTETRAIL_API_DIR)
  std::string extractors_dir;  // rules for POST /api/v1/documents
  int threads = 8;             // server threads (one per keep-alive client)
  // Pooled database connections; 0: DbConnections() chooses.
  int db_connections = 0;
  bool require_token_for_reads = false;
  int store_idle_seconds = 30;  // Store closed (ingest lock released) after this idle time
  bool log_requests = false;    // one line per request to `log`
  // Server-side messages (internal errors with their details, request
  // lines); may be null.
  std::function<void(const std::string&)> log;
};

// The pool size: db_connections when set, else 2 per hardware thread, at
// least 4; never more than `threads`.
int DbConnections(const ApiServerOptions& options);

class ApiServer {
 public:
  explicit ApiServer(ApiServerOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds `host`:`port` (0: any free port) and returns the port.
  // kUnavailable when it cannot.
  Result<int> Bind(const std::string& host, int port);
  // Serves until Stop(); false when listening failed.
  bool Listen();
  // Stops Listen(); safe before Listen() started (it then returns at once).
  void Stop();
  // Whether Listen() is accepting connections.
  bool IsRunning() const;

  const Metrics& metrics() const { return metrics_; }

  // What a handler answers, and what it is given.
  struct Reply {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    // Instead of `body`: a body shared with a cache (static files).
    std::shared_ptr<const std::string> shared_body;
    // Set for a streamed body (export.csv): `body` is ignored and this runs
    // once the status and headers are sent, with a writer that returns
    // false when the client went away. A failure midway can no longer
    // change the status: it is logged and the body ends short.
    std::function<void(const std::function<bool(std::string_view)>& write)> stream;
  };
  struct Context {
    const httplib::Request& req;
    std::map<std::string, std::string> path;  // the route's {name} segments
  };

 private:
  using Handler = std::function<Reply(ApiServer&, Context&)>;
  enum class Access { kOpen, kRead, kWrite };
  struct Route {
    std::string method;
    std::string pattern;
    Handler handler;
    Access access;
    std::vector<std::string> segments;
  };

  void AddRoute(const std::string& method, const std::string& pattern, Access access, Handler h);
  void Dispatch(const httplib::Request& req, httplib::Response& res);
  // The pattern of the route `path` matches (any method), or "other".
  std::string RouteLabel(const std::string& path) const;
  void Log(const std::string& line) const;

  // Handlers.
  Reply Healthz(Context& c);
  Reply MetricsText(Context& c);
  Reply OpenApi(Context& c);
  Reply StaticFile(Context& c);
  Reply ListQuotes(Context& c);
  Reply QuoteChain(Context& c);
  Reply QuoteProv(Context& c);
  Reply ListSpeakers(Context& c);
  Reply OneSpeaker(Context& c);
  Reply ListAgencies(Context& c);
  Reply OneAgency(Context& c);
  Reply OneDocument(Context& c);
  Reply PostDocument(Context& c);
  Reply Check(Context& c);
  Reply ExportCsv(Context& c);

  // A file of api/ from the in-memory cache, read again when its size,
  // modification time or inode changed (one lstat per request); 404 when
  // it is missing or not a regular file. Adds an ETag; 304 when the
  // request's If-None-Match has it.
  Reply CachedFile(const httplib::Request& req, const std::string& name, const std::string& content_type);

  // Helpers shared by handlers.
  Reply FromStatus(const Status& s, const char* what);
  Reply Authorize(const httplib::Request& req, Access access, bool* ok);
  void StoreCloser();

  ApiServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  ConnectionPool pool_;
  Metrics metrics_;
  std::vector<Route> routes_;

  struct FileEntry {
    uint64_t dev = 0, ino = 0, size = 0;
    int64_t mtime_ns = 0;
    std::string etag;
    std::shared_ptr<const std::string> body;
  };
  std::mutex files_mu_;  // guards files_
  std::map<std::string, FileEntry> files_;

  // Writes.
  std::mutex write_mu_;  // guards extractor_, store_, last_write_
  std::unique_ptr<Extractor> extractor_;
  std::unique_ptr<Store> store_;
  std::chrono::steady_clock::time_point last_write_;
  std::condition_variable closer_cv_;
  bool stopping_ = false;
  std::thread closer_;
};

}  // namespace quotetrail::http
