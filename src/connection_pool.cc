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
    for (;;) {
      while (!idle_.empty()) {
        std::unique_ptr<pqxx::connection> c = std::move(idle_.back());
        idle_.pop_back();
        if (c->is_open()) return Lease(this, std::move(c));
        --open_;
      }
      if (open_ < max_size_) break;
      available_.wait(lock);
    }
    ++open_;  // reserved while connecting, outside the lock
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
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    available_.notify_one();
    return conn.status();
  }
  return Lease(this, std::move(conn).value());
}

void ConnectionPool::Release(std::unique_ptr<pqxx::connection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn && conn->is_open()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  available_.notify_one();
}

void ConnectionPool::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  open_ -= idle_.size();
  idle_.clear();
  available_.notify_all();
}

}  // namespace quotetrail
