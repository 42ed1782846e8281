// connection_pool.h: a small thread-safe pool of PostgreSQL connections.
//
// Acquire() hands out an idle connection, or opens a new one while fewer than
// `max_size` exist, or waits for one to be released. A Lease gives the
// connection back when destroyed; a caller that saw the connection break
// (database.h: kUnavailable) calls Lease::Discard() so that it is closed
// instead of reused. Idle connections found closed are dropped on Acquire.
// With the HTTP server, max_size may be smaller than the number of server
// threads (http/api_server.h: DbConnections): each request holds at most one
// connection at a time, and waits for one when all are leased. Waiters are
// served first come, first served: a released connection goes to the oldest
// waiter (a condition variable alone lets a thread wait indefinitely while
// others take the connections, seconds of tail latency under load).
// `session_sql` (constant SQL, no parameters; "" for none) runs once on each
// new connection, before it is handed out: session settings such as
// kApiSessionSql (api_queries.h).
//
// Errors: Acquire fails with kUnavailable (libpq's message) when no
// connection can be opened, or with PqxxError's status when `session_sql`
// fails (the connection is closed). Thread-safety: every member of ConnectionPool may
// be called from any thread; a Lease and its connection belong to one thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "result.h"

namespace quotetrail {

class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) {
      other.pool_ = nullptr;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    pqxx::connection& operator*() const { return *conn_; }
    pqxx::connection* operator->() const { return conn_.get(); }
    // Closes the connection instead of returning it to the pool.
    void Discard() { conn_.reset(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
  };

  ConnectionPool(std::string url, size_t max_size, std::string session_sql = "");
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  Result<Lease> Acquire();
  // Closes the idle connections (e.g. when the database went away).
  void Clear();
  const std::string& url() const { return url_; }

 private:
  void Release(std::unique_ptr<pqxx::connection> conn);

  const std::string url_;
  const std::string session_sql_;
  const size_t max_size_;
  std::mutex mu_;
  // A thread waiting in Acquire; Release fills `conn` (or leaves it null
  // with `may_open`: a slot to open a new connection) and sets `done`.
  struct Waiter {
    std::unique_ptr<pqxx::connection> conn;
    bool done = false;
    std::condition_variable cv;
  };
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::deque<Waiter*> waiters_;  // oldest first
  size_t open_ = 0;  // idle + leased + being opened
};

}  // namespace quotetrail
