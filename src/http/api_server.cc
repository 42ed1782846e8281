// http/api_server.cc: see api_server.h.
#include "http/api_server.h"

#include <httplib.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "api_queries.h"
#include "api_tokens.h"
#include "attribution_check.h"
#include "article_reader.h"
#include "csv_export.h"
#include "database.h"
#include "extractor.h"
#include "ingest.h"
#include "quote_clusters.h"
#include "quote_filter.h"
#include "store.h"
#include "timestamp.h"
#include "utf8.h"

namespace quotetrail::http {

using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

// Start of the request being handled on this thread (set before routing),
// read by the logger that runs on the same thread after the response.
thread_local Clock::time_point t_request_start;
thread_local bool t_request_started = false;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

ApiServer::Reply JsonReply(int status, const json& body) {
  ApiServer::Reply r;
  r.status = status;
  r.body = Dump(body);
  return r;
}

ApiServer::Reply ErrorReply(int status, const std::string& message) {
  std::string code = Metrics::ErrorCodeForStatus(status);
  return JsonReply(status, {{"error", {{"code", code}, {"message", message}}}});
}

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool IsParam(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

// Matches `segs` against a route's segments; fills `params`; the number of
// literal segments matched, or -1.
int MatchSegments(const std::vector<std::string>& pattern, const std::vector<std::string>& segs,
                  std::map<std::string, std::string>* params) {
  if (pattern.size() != segs.size()) return -1;
  int literal = 0;
  for (size_t i = 0; i < segs.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (segs[i].empty()) return -1;
      if (params) (*params)[pattern[i].substr(1, pattern[i].size() - 2)] = segs[i];
    } else if (pattern[i] == segs[i]) {
      ++literal;
    } else {
      return -1;
    }
  }
  return literal;
}

// A positive id: all digits, at most 18 of them.
std::optional<int64_t> ParseId(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  int64_t v = std::stoll(s);
  if (v <= 0) return std::nullopt;
  return v;
}

// limit: default `dflt`, capped at kMaxPageSize; < 1 or not a number -> error.
Result<int> ParseLimit(const httplib::Request& req, int dflt) {
  if (!req.has_param("limit")) return dflt;
  const std::string v = req.get_param_value("limit");
  if (v.empty()) return dflt;
  for (char c : v)
    if (c < '0' || c > '9') return InvalidArgument("limit: must be a whole number >= 1, not '" + v.substr(0, 40) + "'");
  size_t nz = v.find_first_not_of('0');
  if (nz == std::string::npos) return InvalidArgument("limit: must be a whole number >= 1, not '0'");
  if (v.size() - nz > 6) return kMaxPageSize;
  return std::min(std::stoi(v.substr(nz)), kMaxPageSize);
}

std::string ContentTypeFor(const std::string& name) {
  auto ends = [&](const char* ext) {
    const size_t n = std::strlen(ext);
    return name.size() >= n && name.compare(name.size() - n, n, ext) == 0;
  };
  if (ends(".html") || ends(".htm")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".txt") || ends(".md")) return "text/plain; charset=utf-8";
  if (ends(".woff2")) return "font/woff2";
  return "application/octet-stream";
}

// A file name of api/ that may be served: letters, digits, '.', '-', '_',
// not starting with '.', no '/'.
bool IsServableName(const std::string& name) {
  if (name.empty() || name.size() > 100 || name[0] == '.') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '-' || c == '_'))
      return false;
  }
  return true;
}

// The content of a regular file (symbolic links refused), or nullopt.
std::optional<std::string> ReadRegularFile(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Line and column (1-based) of byte `offset` of `text`.
std::string Where(const std::string& text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col) + " (byte " +
         std::to_string(offset) + ")";
}

bool IsLanguageTagLike(const std::string& s) {
  if (s.empty() || s.size() > 35) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

}  // namespace

// ---------------------------------------------------------------- set-up

int DbConnections(const ApiServerOptions& options) {
  const int threads = std::max(1, options.threads);
  int n = options.db_connections;
  if (n <= 0) n = std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  return std::clamp(n, 1, threads);
}

ApiServer::ApiServer(ApiServerOptions options)
    : options_(std::move(options)),
      server_(std::make_unique<httplib::Server>()),
      pool_(options_.db_url, static_cast<size_t>(DbConnections(options_)), kApiSessionSql) {
  // The routes of the API: one line each.
  AddRoute("GET", "/healthz", Access::kOpen, &ApiServer::Healthz);
  AddRoute("GET", "/metrics", Access::kOpen, &ApiServer::MetricsText);
  AddRoute("GET", "/", Access::kOpen, &ApiServer::StaticFile);
  AddRoute("GET", "/{file}", Access::kOpen, &ApiServer::StaticFile);
  AddRoute("GET", "/api/v1/openapi.json", Access::kOpen, &ApiServer::OpenApi);
  AddRoute("GET", "/api/v1/quotes", Access::kRead, &ApiServer::ListQuotes);
  AddRoute("GET", "/api/v1/quotes/{id}", Access::kRead, &ApiServer::QuoteChain);
  AddRoute("GET", "/api/v1/quotes/{id}/prov", Access::kRead, &ApiServer::QuoteProv);
  AddRoute("GET", "/api/v1/speakers", Access::kRead, &ApiServer::ListSpeakers);
  AddRoute("GET", "/api/v1/speakers/{id}", Access::kRead, &ApiServer::OneSpeaker);
  AddRoute("GET", "/api/v1/agencies", Access::kRead, &ApiServer::ListAgencies);
  AddRoute("GET", "/api/v1/agencies/{id}", Access::kRead, &ApiServer::OneAgency);
  AddRoute("GET", "/api/v1/documents/{id}", Access::kRead, &ApiServer::OneDocument);
  AddRoute("POST", "/api/v1/documents", Access::kWrite, &ApiServer::PostDocument);
  AddRoute("POST", "/api/v1/check", Access::kRead, &ApiServer::Check);
  AddRoute("GET", "/api/v1/export.csv", Access::kRead, &ApiServer::ExportCsv);

  httplib::Server& s = *server_;
  const int threads = std::max(1, options_.threads);
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  s.set_payload_max_length(kMaxBodyBytes);
  s.set_read_timeout(10);
  s.set_write_timeout(10);
  s.set_keep_alive_timeout(5);
  // cpp-httplib writes the headers and the body of a response in two send()
  // calls; with Nagle's algorithm the body then waits for the client's
  // delayed ACK of the headers (40 ms on Linux) on every keep-alive request.
  s.set_tcp_nodelay(true);
  // cpp-httplib closes a keep-alive connection after 5 requests by default:
  // clients would reconnect (and take a new worker) every 5 requests.
  s.set_keep_alive_max_count(kKeepAliveMaxRequests);
  auto dispatch = [this](const httplib::Request& req, httplib::Response& res) { Dispatch(req, res); };
  for (auto reg : {&httplib::Server::Get, &httplib::Server::Post, &httplib::Server::Put,
                   &httplib::Server::Patch, &httplib::Server::Delete, &httplib::Server::Options}) {
    (s.*reg)(".*", dispatch);
  }
  s.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    t_request_start = Clock::now();
    t_request_started = true;
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Errors httplib answers itself (413, 414, 400 for a bad request line):
  // the JSON error body of the contract. Bodies already set are ours.
  s.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string message = "bad request";
    if (res.status == 413) message = "request body larger than " + std::to_string(kMaxBodyBytes) + " bytes";
    if (res.status == 414) message = "request target too long";
    if (res.status == 404) message = "no such path";
    if (res.status >= 500) message = "internal error";
    Reply r = ErrorReply(res.status, message);
    res.set_content(r.body, r.content_type);
    return httplib::Server::HandlerResponse::Handled;
  }));
  s.set_exception_handler([this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      Log(req.method + " " + req.path + ": " + e.what());
    } catch (...) {
      Log(req.method + " " + req.path + ": unknown exception");
    }
    Reply r = ErrorReply(500, "internal error");
    res.status = 500;
    res.set_content(r.body, r.content_type);
  });
  // cpp-httplib calls the post-routing handler with the final status (after
  // the error handler) before it writes the response, and the logger after
  // the last byte went out: the counters go in the first so that a reply is
  // counted before the client has it, the duration in the second.
  s.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    metrics_.RecordResponse(req.method, RouteLabel(req.path), res.status);
  });
  s.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    double seconds = 0;
    if (t_request_started) seconds = std::chrono::duration<double>(Clock::now() - t_request_start).count();
    t_request_started = false;
    const std::string route = RouteLabel(req.path);
    metrics_.RecordDuration(route, seconds);
    if (options_.log_requests) {
      char ms[32];
      std::snprintf(ms, sizeof ms, "%.1fms", seconds * 1000);
      Log(req.method + " " + req.path + " " + std::to_string(res.status) + " " + ms);
    }
  });
  last_write_ = Clock::now();
  closer_ = std::thread([this] { StoreCloser(); });
}

ApiServer::~ApiServer() {
  Stop();
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    stopping_ = true;
  }
  closer_cv_.notify_all();
  closer_.join();
  std::lock_guard<std::mutex> lock(write_mu_);
  store_.reset();
}

void ApiServer::AddRoute(const std::string& method, const std::string& pattern, Access access, Handler h) {
  routes_.push_back({method, pattern, std::move(h), access, Split(pattern)});
}

Result<int> ApiServer::Bind(const std::string& host, int port) {
  // cpp-httplib 0.11 (the compiled Debian library) listens with a backlog
  // of 5 connections: when more clients connect at once than the accept
  // thread takes in (32 keep-alive clients starting together, on a busy
  // machine), the kernel drops their SYNs and they connect again only after
  // TCP's 1 s retransmission timeout (api_bench saw a 1.0-1.5 s p99 from
  // that alone). The socket is the last one the library set up before
  // binding; listen() again on it raises the backlog to the system's limit.
  int listen_fd = -1;
  server_->set_socket_options([&listen_fd](int sock) {
    httplib::default_socket_options(sock);
    listen_fd = sock;
  });
  int bound = -1;
  if (port == 0) {
    bound = server_->bind_to_any_port(host);
  } else if (server_->bind_to_port(host, port)) {
    bound = port;
  }
  server_->set_socket_options(httplib::default_socket_options);
  if (bound > 0) {
    if (listen_fd < 0) {
      Log("note: listen backlog left at cpp-httplib's 5 (socket not seen)");
    } else if (::listen(listen_fd, SOMAXCONN) != 0) {
      Log("note: listen backlog left at cpp-httplib's 5 (" + std::string(std::strerror(errno)) + ")");
    }
    return bound;
  }
  return Unavailable("cannot listen on " + host + ":" + std::to_string(port) +
                     " (in use or not a local address)");
}

bool ApiServer::Listen() { return server_->listen_after_bind(); }

void ApiServer::Stop() { server_->stop(); }

bool ApiServer::IsRunning() const { return server_->is_running(); }

void ApiServer::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

std::string ApiServer::RouteLabel(const std::string& path) const {
  const auto segs = Split(path);
  int best = -1;
  std::string label = "other";
  for (const Route& r : routes_) {
    int m = MatchSegments(r.segments, segs, nullptr);
    if (m > best) {
      best = m;
      label = r.pattern;
    }
  }
  return label;
}

// ---------------------------------------------------------------- dispatch

void ApiServer::Dispatch(const httplib::Request& req, httplib::Response& res) {
  auto send = [&](const Reply& r) {
    res.status = r.status;
    for (const auto& [k, v] : r.headers) res.set_header(k, v);
    if (r.stream) {
      // Chunked: cpp-httplib compresses it with gzip when the client asks
      // (browsers over plain HTTP do), which suits a large CSV.
      res.set_chunked_content_provider(r.content_type, [stream = r.stream](size_t, httplib::DataSink& sink) {
        stream([&](std::string_view chunk) { return sink.write(chunk.data(), chunk.size()); });
        sink.done();
        return true;
      });
      return;
    }
    // A body given through a provider with its length is sent as is:
    // cpp-httplib compresses only `res.body` (with brotli at quality 11 when
    // the client accepts br: tens of milliseconds of CPU per response).
    // Errors keep `res.body`: the error handler looks at it.
    std::shared_ptr<const std::string> body = r.shared_body;
    if (!body && r.status < 400 && !r.body.empty()) body = std::make_shared<const std::string>(r.body);
    if (body && !body->empty() && r.status < 400) {
      res.set_content_provider(body->size(), r.content_type,
                               [body](size_t offset, size_t length, httplib::DataSink& sink) {
                                 return sink.write(body->data() + offset, length);
                               });
    } else {
      res.set_content(body ? *body : r.body, r.content_type);
    }
  };
  const size_t qmark = req.target.find('?');
  if (qmark != std::string::npos && req.target.size() - qmark - 1 > kMaxQueryStringBytes) {
    send(ErrorReply(400, "query string longer than " + std::to_string(kMaxQueryStringBytes) + " bytes"));
    return;
  }
  const auto segs = Split(req.path);
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  // Among the routes the path matches, those with the most literal segments
  // count ("/healthz" over "/{file}"); their methods make the Allow header.
  int best = -1;
  for (const Route& r : routes_) best = std::max(best, MatchSegments(r.segments, segs, nullptr));
  const Route* found = nullptr;
  std::map<std::string, std::string> params;
  std::vector<std::string> allow;
  for (const Route& r : routes_) {
    std::map<std::string, std::string> p;
    if (best < 0 || MatchSegments(r.segments, segs, &p) != best) continue;
    if (std::find(allow.begin(), allow.end(), r.method) == allow.end()) allow.push_back(r.method);
    if (r.method == method && found == nullptr) {
      found = &r;
      params = std::move(p);
    }
  }
  if (found == nullptr) {
    if (allow.empty()) {
      send(ErrorReply(404, "no such path: " + req.path.substr(0, 200)));
      return;
    }
    std::string allow_header;
    for (const auto& m : allow) {
      allow_header += (allow_header.empty() ? "" : ", ") + m;
      if (m == "GET") allow_header += ", HEAD";
    }
    allow_header += ", OPTIONS";
    if (req.method == "OPTIONS") {
      res.status = 204;
      res.set_header("Allow", allow_header);
      return;
    }
    Reply r = ErrorReply(405, req.method + " is not allowed on " + req.path.substr(0, 200) + "; allowed: " + allow_header);
    r.headers.push_back({"Allow", allow_header});
    send(r);
    return;
  }
  bool authorized = true;
  Reply denied = Authorize(req, found->access, &authorized);
  if (!authorized) {
    send(denied);
    return;
  }
  Context c{req, std::move(params)};
  send(found->handler(*this, c));
}

ApiServer::Reply ApiServer::FromStatus(const Status& s, const char* what) {
  switch (s.code()) {
    case ErrorCode::kInvalidArgument:
      return ErrorReply(400, s.message());
    case ErrorCode::kNotFound:
      return ErrorReply(404, s.message());
    case ErrorCode::kUnavailable:
      Log(std::string(what) + ": " + s.message());
      pool_.Clear();
      return ErrorReply(503, "database unavailable; try again later");
    default:
      Log(std::string(what) + ": " + s.message());
      return ErrorReply(500, "internal error");
  }
}

ApiServer::Reply ApiServer::Authorize(const httplib::Request& req, Access access, bool* ok) {
  *ok = true;
  if (access == Access::kOpen || (access == Access::kRead && !options_.require_token_for_reads)) return {};
  *ok = false;
  auto unauthorized = [](const std::string& message) {
    Reply r = ErrorReply(401, message);
    r.headers.push_back({"WWW-Authenticate", "Bearer realm=\"quotetrail\""});
    return r;
  };
  const std::string header = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (header.empty()) return unauthorized("this request needs Authorization: Bearer TOKEN (quotetrail token create)");
  if (header.size() <= prefix.size() || strncasecmp(header.c_str(), prefix.c_str(), prefix.size()) != 0)
    return unauthorized("Authorization: expected 'Bearer TOKEN'");
  std::string token = header.substr(prefix.size());
  while (!token.empty() && token.back() == ' ') token.pop_back();
  if (token.empty() || token.size() > 256) return unauthorized("invalid or revoked token");
  auto conn = pool_.Acquire();
  if (!conn.ok()) return FromStatus(conn.status(), "checking a token");
  auto id = CheckApiToken(**conn, token);
  if (!id.ok()) {
    if (id.status().code() == ErrorCode::kUnavailable) conn->Discard();
    Status s = id.status();
    return FromStatus(s.code() == ErrorCode::kUnavailable ? s : Internal(s.message()), "checking a token");
  }
  if (!id->has_value()) return unauthorized("invalid or revoked token");
  *ok = true;
  return {};
}

// ---------------------------------------------------------------- handlers

ApiServer::Reply ApiServer::Healthz(Context&) {
  auto conn = pool_.Acquire();
  if (conn.ok()) {
    try {
      pqxx::nontransaction tx(**conn);
      tx.exec1("SELECT 1");
      return JsonReply(200, {{"status", "ok"}});
    } catch (const std::exception& e) {
      conn->Discard();
      Log(std::string("/healthz: ") + e.what());
    }
  } else {
    Log("/healthz: " + conn.status().message());
  }
  pool_.Clear();
  return JsonReply(503, {{"status", "unavailable"},
                         {"error", {{"code", "unavailable"}, {"message", "database unavailable"}}}});
}

ApiServer::Reply ApiServer::MetricsText(Context&) {
  Reply r;
  r.body = metrics_.Render();
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return r;
}

ApiServer::Reply ApiServer::CachedFile(const httplib::Request& req, const std::string& name,
                                       const std::string& content_type) {
  const std::string path = options_.api_dir + "/" + name;
  struct stat st;
  const bool regular = ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  std::shared_ptr<const std::string> body;
  std::string etag;
  {
    std::lock_guard<std::mutex> lock(files_mu_);
    if (!regular) {
      files_.erase(name);
      return ErrorReply(404, "no such file: " + name);
    }
    auto it = files_.find(name);
    const int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    if (it != files_.end() && it->second.dev == static_cast<uint64_t>(st.st_dev) &&
        it->second.ino == static_cast<uint64_t>(st.st_ino) && it->second.size == static_cast<uint64_t>(st.st_size) &&
        it->second.mtime_ns == mtime_ns) {
      body = it->second.body;
      etag = it->second.etag;
    } else {
      auto content = ReadRegularFile(path);
      if (!content) {
        files_.erase(name);
        return ErrorReply(404, "no such file: " + name);
      }
      uint64_t h = 1469598103934665603ull;  // FNV-1a of the content
      for (unsigned char ch : *content) {
        h ^= ch;
        h *= 1099511628211ull;
      }
      char tag[40];
      std::snprintf(tag, sizeof tag, "\"%016llx-%zx\"", static_cast<unsigned long long>(h), content->size());
      FileEntry e;
      e.dev = static_cast<uint64_t>(st.st_dev);
      e.ino = static_cast<uint64_t>(st.st_ino);
      e.size = static_cast<uint64_t>(st.st_size);
      e.mtime_ns = mtime_ns;
      e.etag = tag;
      e.body = std::make_shared<const std::string>(std::move(*content));
      body = e.body;
      etag = e.etag;
      files_[name] = std::move(e);
    }
  }
  Reply r;
  r.content_type = content_type;
  r.headers.push_back({"ETag", etag});
  r.headers.push_back({"Cache-Control", "no-cache"});  // revalidate: the ETag makes it cheap
  const std::string inm = req.get_header_value("If-None-Match");
  if (!inm.empty() && (inm == "*" || inm.find(etag) != std::string::npos)) {
    r.status = 304;
    return r;
  }
  r.shared_body = std::move(body);
  return r;
}

ApiServer::Reply ApiServer::OpenApi(Context& c) {
  Reply r = CachedFile(c.req, "openapi.json", "application/json");
  if (r.status == 404) return ErrorReply(404, "openapi.json is missing from the api directory");
  return r;
}

ApiServer::Reply ApiServer::StaticFile(Context& c) {
  auto it = c.path.find("file");
  const std::string name = it == c.path.end() ? "index.html" : it->second;
  if (!IsServableName(name)) return ErrorReply(404, "no such file");
  Reply r = CachedFile(c.req, name, ContentTypeFor(name));
  if (r.status == 404 && name == "index.html") return ErrorReply(404, "no page installed (api/index.html is missing)");
  if (r.status < 400) r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  return r;
}

// Runs `query` with a pooled connection, replying with its JSON or its error.
// The filters of /quotes and /export.csv from the query string.
static Result<QuoteFilter> FilterFromRequest(const httplib::Request& req) {
  return ParseQuoteFilter([&](std::string_view name) -> std::optional<std::string> {
    const std::string key(name);
    if (!req.has_param(key)) return std::nullopt;
    return req.get_param_value(key);
  });
}

// A JSON request body into `out`; the 400 to send when it is not valid
// UTF-8 or not JSON, naming where.
static std::optional<ApiServer::Reply> ParseJsonBody(const std::string& body, json* out) {
  size_t bad = 0;
  if (!IsValidUtf8(body, &bad)) return ErrorReply(400, "body: invalid UTF-8 at " + Where(body, bad));
  try {
    *out = json::parse(body);
  } catch (const json::parse_error& e) {
    const size_t at = e.byte > 0 ? e.byte - 1 : 0;
    return ErrorReply(400, "body: malformed JSON at " + Where(body, at));
  }
  return std::nullopt;
}

template <typename F>
static auto WithConnection(ConnectionPool& pool, F&& query) -> decltype(query(std::declval<pqxx::connection&>())) {
  auto conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  auto result = query(**conn);
  if (!result.ok() && result.status().code() == ErrorCode::kUnavailable) conn->Discard();
  return result;
}

ApiServer::Reply ApiServer::ListQuotes(Context& c) {
  auto filter = FilterFromRequest(c.req);
  if (!filter.ok()) return ErrorReply(400, filter.status().message());
  auto limit = ParseLimit(c.req, kDefaultPageSize);
  if (!limit.ok()) return ErrorReply(400, limit.status().message());
  const std::string cursor = c.req.get_param_value("cursor");
  auto page = WithConnection(pool_, [&](pqxx::connection& conn) { return SearchQuotes(conn, *filter, *limit, cursor); });
  if (!page.ok()) return FromStatus(page.status(), "GET /api/v1/quotes");
  return JsonReply(200, {{"quotes", page->quotes},
                         {"next_cursor", page->next_cursor ? json(*page->next_cursor) : json()}});
}

ApiServer::Reply ApiServer::QuoteChain(Context& c) {
  auto id = ParseId(c.path["id"]);
  if (!id) return ErrorReply(404, "no quote with id '" + c.path["id"].substr(0, 40) + "'");
  auto r = WithConnection(pool_, [&](pqxx::connection& conn) { return GetQuoteChain(conn, *id); });
  if (!r.ok()) return FromStatus(r.status(), "GET /api/v1/quotes/{id}");
  return JsonReply(200, *r);
}

ApiServer::Reply ApiServer::QuoteProv(Context& c) {
  auto id = ParseId(c.path["id"]);
  if (!id) return ErrorReply(404, "no quote with id '" + c.path["id"].substr(0, 40) + "'");
  auto r = WithConnection(pool_, [&](pqxx::connection& conn) { return ProvJson(conn, *id); });
  if (!r.ok()) return FromStatus(r.status(), "GET /api/v1/quotes/{id}/prov");
  return JsonReply(200, *r);
}

ApiServer::Reply ApiServer::ListSpeakers(Context& c) {
  auto limit = ParseLimit(c.req, kDefaultPageSize);
  if (!limit.ok()) return ErrorReply(400, limit.status().message());
  std::string q = c.req.get_param_value("q");
  if (!IsValidUtf8(q)) return ErrorReply(400, "q: not valid UTF-8");
  if (q.size() > kMaxFilterValueBytes)
    return ErrorReply(400, "q: longer than " + std::to_string(kMaxFilterValueBytes) + " bytes");
  auto r = WithConnection(pool_, [&](pqxx::connection& conn) { return quotetrail::ListSpeakers(conn, q, *limit); });
  if (!r.ok()) return FromStatus(r.status(), "GET /api/v1/speakers");
  return JsonReply(200, *r);
}

ApiServer::Reply ApiServer::OneSpeaker(Context& c) {
  auto id = ParseId(c.path["id"]);
  if (!id) return ErrorReply(404, "no speaker with id '" + c.path["id"].substr(0, 40) + "'");
  auto limit = ParseLimit(c.req, kDefaultPageSize);
  if (!limit.ok()) return ErrorReply(400, limit.status().message());
  auto r = WithConnection(pool_, [&](pqxx::connection& conn) { return GetSpeaker(conn, *id, *limit); });
  if (!r.ok()) return FromStatus(r.status(), "GET /api/v1/speakers/{id}");
  return JsonReply(200, *r);
}

ApiServer::Reply ApiServer::ListAgencies(Context&) {
  auto r = WithConnection(pool_, [&](pqxx::connection& conn) { return quotetrail::ListAgencies(conn); });
  if (!r.ok()) return FromStatus(r.status(), "GET /api/v1/agencies");
  return JsonReply(200, *r);
}

ApiServer::Reply ApiServer::OneAgency(Context& c) {
  auto id = ParseId(c.path["id"]);
  if (!id) return ErrorReply(404, "no agency with id '" + c.path["id"].substr(0, 40) + "'");
  auto limit = ParseLimit(c.req, kDefaultPageSize);
  if (!limit.ok()) return ErrorReply(400, limit.status().message());
  auto r = WithConnection(pool_, [&](pqxx::connection& conn) { return GetAgency(conn, *id, *limit); });
  if (!r.ok()) return FromStatus(r.status(), "GET /api/v1/agencies/{id}");
  return JsonReply(200, *r);
}

ApiServer::Reply ApiServer::OneDocument(Context& c) {
  auto id = ParseId(c.path["id"]);
  if (!id) return ErrorReply(404, "no document with id '" + c.path["id"].substr(0, 40) + "'");
  auto r = WithConnection(pool_, [&](pqxx::connection& conn) { return GetDocument(conn, *id); });
  if (!r.ok()) return FromStatus(r.status(), "GET /api/v1/documents/{id}");
  return JsonReply(200, *r);
}

// ---------------------------------------------------------------- writes

ApiServer::Reply ApiServer::PostDocument(Context& c) {
  json doc;
  if (auto bad = ParseJsonBody(c.req.body, &doc)) return *bad;
  if (!doc.is_object()) return ErrorReply(422, "body: expected a JSON object with \"text\" or \"html\"");
  static const char* kFields[] = {"url", "outlet", "title", "published_at", "language", "text", "html"};
  json article = json::object();
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& key = it.key();
    if (std::find_if(std::begin(kFields), std::end(kFields), [&](const char* f) { return key == f; }) ==
        std::end(kFields))
      return ErrorReply(422, "unknown field '" + key.substr(0, 60) +
                                 "' (expected url, outlet, title, published_at, language, text or html)");
    if (it.value().is_null()) continue;
    if (!it.value().is_string()) return ErrorReply(422, key + ": expected a string");
    const std::string& v = it.value().get_ref<const std::string&>();
    if (v.find('\0') != std::string::npos) return ErrorReply(422, key + ": contains a NUL character");
    if (key != "text" && key != "html" && v.size() > 2048)
      return ErrorReply(422, key + ": longer than 2048 bytes");
    article[key] = v;
  }
  if (!article.contains("text") && !article.contains("html"))
    return ErrorReply(422, "text or html is required");
  if (article.contains("published_at")) {
    auto t = ParseTimestamp(article["published_at"].get<std::string>());
    if (!t.ok()) return ErrorReply(422, "published_at: " + t.status().message());
  }
  if (article.contains("language") && !IsLanguageTagLike(article["language"].get<std::string>()))
    return ErrorReply(422, "language: not a language code such as fr or en-GB");

  // The article as ingest reads a JSONL line: same metadata rules.
  std::optional<Article> parsed;
  std::string read_error;
  ReadOptions ropts;
  ropts.reject_invalid_utf8 = true;
  ReadArticlesFromContent(Dump(article), "api", InputFormat::kJsonl, ropts, [&](Result<Article> a) {
    if (a.ok()) {
      if (!parsed) parsed = std::move(a).value();
    } else if (read_error.empty()) {
      read_error = a.status().message();
    }
  });
  if (!parsed) return ErrorReply(422, read_error.empty() ? "no article in the body" : read_error);
  parsed->source = "POST /api/v1/documents";
  parsed->id.clear();

  Result<IngestedArticle> done = Internal("not run");
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    if (!extractor_) {
      auto x = Extractor::Load(options_.extractors_dir);
      if (!x.ok()) return FromStatus(Internal(x.status().message()), "loading the extractors");
      extractor_ = std::move(x).value();
    }
    if (!store_) {
      StoreOptions so;
      so.wait_for_lock = false;
      auto s = Store::Open(options_.db_url, extractor_->gazetteer(), so);
      if (!s.ok()) {
        if (s.status().code() == ErrorCode::kUnavailable && s.status().message() == "another ingest is writing to this database") {
          Reply r = ErrorReply(503, "another ingest is writing to this database; try again later");
          r.headers.push_back({"Retry-After", "30"});
          return r;
        }
        return FromStatus(s.status().code() == ErrorCode::kUnavailable ? s.status() : Internal(s.status().message()),
                          "opening the store");
      }
      store_ = std::move(s).value();
    }
    IngestOptions io;
    io.on_warning = [this](const std::string& m) { Log("POST /api/v1/documents: " + m); };
    done = IngestArticle(std::move(*parsed), *extractor_, *store_, io);
    last_write_ = Clock::now();
    if (!done.ok() && done.status().code() != ErrorCode::kInvalidArgument) store_.reset();  // reload next time
  }
  if (!done.ok()) {
    if (done.status().code() == ErrorCode::kInvalidArgument) return ErrorReply(422, done.status().message());
    return FromStatus(done.status().code() == ErrorCode::kUnavailable ? done.status() : Internal(done.status().message()),
                      "POST /api/v1/documents");
  }
  metrics_.RecordIngest(done->created, done->occurrences_added);
  auto stored = WithConnection(pool_, [&](pqxx::connection& conn) { return GetStoredDocumentBySha(conn, done->sha256); });
  if (!stored.ok()) {
    Status s = stored.status();
    return FromStatus(s.code() == ErrorCode::kNotFound ? Internal("stored document not found") : s,
                      "POST /api/v1/documents");
  }
  json out = std::move(*stored);
  out["created"] = done->created;
  return JsonReply(done->created ? 201 : 200, out);
}

void ApiServer::StoreCloser() {
  std::unique_lock<std::mutex> lock(write_mu_);
  while (!stopping_) {
    closer_cv_.wait_for(lock, std::chrono::seconds(1));
    if (store_ && Clock::now() - last_write_ > std::chrono::seconds(options_.store_idle_seconds)) {
      store_.reset();  // releases the ingest lock
    }
  }
}


ApiServer::Reply ApiServer::Check(Context& c) {
  json doc;
  if (auto bad = ParseJsonBody(c.req.body, &doc)) return *bad;
  if (!doc.is_object()) return ErrorReply(422, "body: expected a JSON object with \"text\" and \"speaker\"");
  std::string text, speaker;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& key = it.key();
    if (key != "text" && key != "speaker")
      return ErrorReply(422, "unknown field '" + key.substr(0, 60) + "' (expected text and speaker)");
    if (!it.value().is_string()) return ErrorReply(422, key + ": expected a string");
    (key == "text" ? text : speaker) = it.value().get<std::string>();
  }
  if (text.empty()) return ErrorReply(422, "text is required: the words to check");
  if (speaker.empty()) return ErrorReply(422, "speaker is required: who is said to have said them");
  auto r = WithConnection(pool_, [&](pqxx::connection& conn) { return CheckAttribution(conn, text, speaker); });
  if (!r.ok()) return FromStatus(r.status(), "POST /api/v1/check");
  return JsonReply(200, ToJson(*r));
}

ApiServer::Reply ApiServer::ExportCsv(Context& c) {
  auto filter = FilterFromRequest(c.req);
  if (!filter.ok()) return ErrorReply(400, filter.status().message());
  // Checked here, before the 200 goes out (ExportOccurrences says the same).
  if (!filter->q.empty() && NormalizeQuote(filter->q).empty())
    return ErrorReply(400, "q: has no letter or digit to look for");
  CsvOptions options;
  auto flag = [&](const char* name, bool* out) -> bool {
    if (!c.req.has_param(name)) return true;
    const std::string v = c.req.get_param_value(name);
    if (v == "1" || v == "true") *out = true;
    else if (v == "0" || v == "false" || v.empty()) *out = false;
    else return false;
    return true;
  };
  if (!flag("raw", &options.raw)) return ErrorReply(400, "raw: must be 1 or 0");
  if (!flag("bom", &options.bom)) return ErrorReply(400, "bom: must be 1 or 0");
  // The database is reached before answering, so an outage is a 503, not a
  // 200 with an empty body.
  {
    auto probe = WithConnection(pool_, [](pqxx::connection& conn) -> Result<bool> {
      try {
        pqxx::nontransaction tx(conn);
        tx.exec("SELECT 1");
        return true;
      } catch (const std::exception& e) {
        return PqxxError(e, "reaching the database");
      }
    });
    if (!probe.ok()) return FromStatus(probe.status(), "GET /api/v1/export.csv");
  }
  Reply r;
  r.content_type = "text/csv; charset=utf-8";
  r.headers.push_back({"Content-Disposition", "attachment; filename=\"quotetrail-export.csv\""});
  r.headers.push_back({"Cache-Control", "no-store"});
  r.stream = [this, f = *filter, options](const std::function<bool(std::string_view)>& write) {
    auto stats = WithConnection(pool_, [&](pqxx::connection& conn) {
      return ExportOccurrences(conn, f, options, [&](std::string_view chunk) { return write(chunk); });
    });
    if (!stats.ok()) Log("GET /api/v1/export.csv: stopped midway: " + stats.status().message());
  };
  return r;
}

}  // namespace quotetrail::http
