// connection_pool.cc: see connection_pool.h.
#include "connection_pool.h"

#include "database.h"

namespace quotetrail {

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(std::move(conn_));
}

ConnectionPool::ConnectionPool(std::string url, size_t max_size, std::string session_sql)
    : url_(std::move(url)), session_sql_(std::move(session_sql)), max_size_(max_size < 1 ? 1 : max_size) {}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    while (waiters_.empty() && !idle_.empty()) {
      std::unique_ptr<pqxx::connection> c = std::move(idle_.back());
      idle_.pop_back();
      if (c->is_open()) return Lease(this, std::move(c));
      --open_;
    }
    if (open_ < max_size_) {
      ++open_;  // reserved while connecting, outside the lock
    } else {
      Waiter w;
      waiters_.push_back(&w);
      w.cv.wait(lock, [&] { return w.done; });
      if (w.conn) return Lease(this, std::move(w.conn));
      // else: the slot of a closed connection, ours to open (open_ kept)
    }
  }
  auto conn = Connect(url_);
  if (conn.ok() && !session_sql_.empty()) {
    try {
      pqxx::nontransaction tx(**conn);
      tx.exec(session_sql_);
    } catch (const std::exception& e) {
      conn = PqxxError(e, "setting up a pooled connection");
    }
  }
  if (!conn.ok()) {
    Release(nullptr);  // gives the slot to a waiter or frees it
    return conn.status();
  }
  return Lease(this, std::move(conn).value());
}

void ConnectionPool::Release(std::unique_ptr<pqxx::connection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn && !conn->is_open()) conn.reset();
  if (!waiters_.empty()) {
    // The oldest waiter gets the connection, or its slot to open a new one.
    Waiter* w = waiters_.front();
    waiters_.pop_front();
    w->conn = std::move(conn);
    w->done = true;
    w->cv.notify_one();
    return;
  }
  if (conn) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
}

void ConnectionPool::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  open_ -= idle_.size();
  idle_.clear();
  while (!waiters_.empty() && open_ < max_size_) {  // slots to open anew
    Waiter* w = waiters_.front();
    waiters_.pop_front();
    ++open_;
    w->done = true;
    w->cv.notify_one();
  }
}

}  // namespace quotetrail
