#include "support/pg_harness.h"

#include <stdlib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <system_error>

#include "database.h"
#include "migrations.h"

namespace quotetrail::testing {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = (tmp && tmp[0] == '/') ? tmp : "/tmp";
  std::string templ = base + "/" + prefix + "-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    std::cerr << "pg_harness: mkdtemp " << templ << " failed\n";
    std::abort();
  }
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

class SharedCluster {
 public:
  SharedCluster() : dir_("qt-pg") {
    EmbeddedPostgresOptions o;
    o.data_dir = dir_.path() + "/data";
    o.on_notice = [](const std::string& line) { std::cerr << "pg_harness: " << line << "\n"; };
    pg_ = std::make_unique<EmbeddedPostgres>(o);
    auto started = pg_->Start();
    if (!started.ok()) status_ = started.status();
  }
  ~SharedCluster() {
    auto stopped = pg_->Stop();
    if (!stopped.ok()) std::cerr << "pg_harness: " << stopped.status().ToString() << "\n";
  }

  const Status& status() const { return status_; }
  EmbeddedPostgres& pg() { return *pg_; }
  int NextId() { return ++next_id_; }

 private:
  TempDir dir_;  // destroyed last: after the server stopped
  std::unique_ptr<EmbeddedPostgres> pg_;
  Status status_;
  std::atomic<int> next_id_{0};
};

SharedCluster& Shared() {
  static SharedCluster cluster;  // thread-safe initialisation; destroyed at exit
  return cluster;
}

}  // namespace

Status SharedClusterStatus() { return Shared().status(); }

std::string SharedClusterDataDir() {
  return Shared().status().ok() ? Shared().pg().data_dir() : "";
}

std::string RequireClusterUrl() {
  const Status& s = Shared().status();
  if (!s.ok()) FAIL("test PostgreSQL cluster could not start: " << s.ToString());
  return Shared().pg().ConnectionString();
}

std::string RequireFreshDatabase(bool migrate) {
  RequireClusterUrl();
  const std::string name = "qt_test_" + std::to_string(Shared().NextId());
  {
    auto conn = Connect(Shared().pg().ConnectionString("postgres"));
    if (!conn.ok()) FAIL("test PostgreSQL: " << conn.status().ToString());
    try {
      pqxx::nontransaction tx(**conn);
      tx.exec("CREATE DATABASE " + (*conn)->quote_name(name));
    } catch (const std::exception& e) {
      FAIL("test PostgreSQL: creating database " << name << ": " << e.what());
    }
  }
  std::string url = Shared().pg().ConnectionString(name);
  if (migrate) {
    auto conn = Connect(url);
    if (!conn.ok()) FAIL("test PostgreSQL: " << conn.status().ToString());
    auto report = ApplyMigrations(**conn, QUOTETRAIL_MIGRATIONS_DIR);
    if (!report.ok()) FAIL("test PostgreSQL: migrations failed: " << report.status().ToString());
  }
  return url;
}

std::string QueryOne(const std::string& url, const std::string& sql) {
  auto conn = Connect(url);
  if (!conn.ok()) FAIL("test PostgreSQL: " << conn.status().ToString());
  try {
    pqxx::nontransaction tx(**conn);
    auto row = tx.exec1(sql);
    return row[0].is_null() ? "<null>" : row[0].as<std::string>();
  } catch (const std::exception& e) {
    FAIL("query failed: " << sql << ": " << e.what());
  }
  return "";
}

}  // namespace quotetrail::testing
