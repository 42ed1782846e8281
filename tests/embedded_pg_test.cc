// Tests of the embedded PostgreSQL cluster and the migration runner, against
// real PostgreSQL 15 servers started in temporary directories.
#include <unistd.h>
#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "database.h"
#include "embedded_pg.h"
#include "migrations.h"
#include "support/pg_harness.h"

namespace fs = std::filesystem;
using namespace quotetrail;
using quotetrail::testing::TempDir;

namespace {

EmbeddedPostgresOptions OptionsFor(const std::string& data_dir) {
  EmbeddedPostgresOptions o;
  o.data_dir = data_dir;
  return o;
}

// Runs a SQL query returning one value as text.
std::string QueryOne(const std::string& url, const std::string& sql) {
  auto conn = Connect(url);
  REQUIRE(conn.ok());
  pqxx::nontransaction tx(**conn);
  auto row = tx.exec1(sql);
  return row[0].is_null() ? "<null>" : row[0].as<std::string>();
}

std::string CopyMigrations(const std::string& to) {
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(QUOTETRAIL_MIGRATIONS_DIR))
    fs::copy_file(e.path(), fs::path(to) / e.path().filename());
  return to;
}

}  // namespace

TEST_CASE("a first start creates the cluster, a restart reuses it without initdb",
          "[embedded_pg]") {
  TempDir tmp;
  EmbeddedPostgres pg(OptionsFor(tmp.path() + "/data"));

  auto first = pg.Start();
  REQUIRE(first.ok());
  CHECK(first->initialized_now);
  CHECK(first->started_now);
  {
    auto conn = Connect(pg.ConnectionString());
    REQUIRE(conn.ok());
    auto report = ApplyMigrations(**conn, QUOTETRAIL_MIGRATIONS_DIR);
    REQUIRE(report.ok());
    CHECK(report->applied >= 1);
    CHECK(report->already_applied == 0);
  }
  const std::string count_before =
      QueryOne(pg.ConnectionString(), "SELECT count(*) FROM schema_migrations");
  CHECK(std::stoi(count_before) >= 1);

  auto again = pg.Start();  // already running: just connect
  REQUIRE(again.ok());
  CHECK_FALSE(again->initialized_now);
  CHECK_FALSE(again->started_now);

  auto stopped = pg.Stop();
  REQUIRE(stopped.ok());
  CHECK(*stopped);
  auto state = pg.GetState();
  REQUIRE(state.ok());
  CHECK(state->initialized);
  CHECK_FALSE(state->running);
  auto stopped_twice = pg.Stop();
  REQUIRE(stopped_twice.ok());
  CHECK_FALSE(*stopped_twice);

  auto restart = pg.Start();
  REQUIRE(restart.ok());
  CHECK_FALSE(restart->initialized_now);
  CHECK(restart->started_now);
  CHECK(QueryOne(pg.ConnectionString(), "SELECT count(*) FROM schema_migrations") == count_before);
  {
    auto conn = Connect(pg.ConnectionString());
    REQUIRE(conn.ok());
    auto report = ApplyMigrations(**conn, QUOTETRAIL_MIGRATIONS_DIR);
    REQUIRE(report.ok());
    CHECK(report->applied == 0);
    CHECK(report->already_applied == std::stoi(count_before));
  }
  REQUIRE(pg.Stop().ok());
}

TEST_CASE("status of a data dir without a cluster says not initialized", "[embedded_pg]") {
  TempDir tmp;
  EmbeddedPostgres pg(OptionsFor(tmp.path() + "/nothing-here"));
  auto state = pg.GetState();
  REQUIRE(state.ok());
  CHECK_FALSE(state->initialized);
  CHECK_FALSE(state->running);
  CHECK_FALSE(fs::exists(tmp.path() + "/nothing-here"));
}

TEST_CASE("shared_buffers is sized from memory unless the options set it; pg_prewarm is loaded", "[embedded_pg]") {
  const int automatic = EmbeddedPostgres::AutoSharedBuffersMb();
  CHECK(automatic >= 128);
  CHECK(automatic <= 4096);
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
  const long long quarter_mb = static_cast<long long>(pages) * page_size / 4 / (1024 * 1024);
  if (quarter_mb >= 128 && quarter_mb <= 4096) CHECK(automatic <= quarter_mb);
  // The test cluster runs with the automatic size.
  CHECK(QueryOne(quotetrail::testing::RequireClusterUrl(), "SHOW shared_buffers") ==
        (automatic % 1024 == 0 ? std::to_string(automatic / 1024) + "GB" : std::to_string(automatic) + "MB"));

  TempDir tmp;
  auto options = OptionsFor(tmp.path() + "/data");
  options.shared_buffers_mb = 200;
  EmbeddedPostgres pg(options);
  REQUIRE(pg.Start().ok());
  CHECK(QueryOne(pg.ConnectionString(), "SHOW shared_buffers") == "200MB");
  // pg_prewarm is loaded where the server has it (Debian's postgresql-15 does).
  auto bin = EmbeddedPostgres::FindBinaries("");
  REQUIRE(bin.ok());
  const bool has_prewarm = fs::exists(*bin + "/../lib/pg_prewarm.so");
  CHECK(QueryOne(pg.ConnectionString(), "SHOW shared_preload_libraries") == (has_prewarm ? "pg_prewarm" : ""));
  REQUIRE(pg.Stop().ok());
}

TEST_CASE("the server listens on a Unix socket only, never on TCP", "[embedded_pg]") {
  const std::string url = quotetrail::testing::RequireClusterUrl();
  CHECK(QueryOne(url, "SHOW listen_addresses") == "");
  CHECK(QueryOne(url, "SELECT inet_server_addr()") == "<null>");
  CHECK(url.find("host=/") == 0);
}

TEST_CASE("the connection string names the socket dir inside the data dir", "[embedded_pg]") {
  EmbeddedPostgres pg(OptionsFor("/srv/qt data"));
  CHECK(pg.ConnectionString() ==
        "host='/srv/qt data/run' port=5432 dbname=quotetrail user=quotetrail");
  CHECK(pg.ConnectionString("other") ==
        "host='/srv/qt data/run' port=5432 dbname=other user=quotetrail");
  CHECK(QuoteConnValue("it's") == "'it\\'s'");
}

TEST_CASE("missing server binaries give the install hint and create nothing", "[embedded_pg]") {
  TempDir tmp;
  EmbeddedPostgresOptions o = OptionsFor(tmp.path() + "/data");
  o.bin_dir = tmp.path() + "/no-such-bin";
  EmbeddedPostgres pg(o);
  auto started = pg.Start();
  REQUIRE_FALSE(started.ok());
  CHECK(started.status().code() == ErrorCode::kNotFound);
  CHECK_THAT(started.status().message(),
             Catch::Contains("PostgreSQL 15 server binaries not found: apt-get install postgresql-15"));
  CHECK_THAT(started.status().message(), Catch::Contains(o.bin_dir));
  CHECK_FALSE(fs::exists(tmp.path() + "/data"));
}

TEST_CASE("a data dir too long for a Unix socket path is refused with advice", "[embedded_pg]") {
  TempDir tmp;
  EmbeddedPostgres pg(OptionsFor(tmp.path() + "/" + std::string(100, 'd')));
  auto started = pg.Start();
  REQUIRE_FALSE(started.ok());
  CHECK(started.status().code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(started.status().message(), Catch::Contains("too long for a Unix socket"));
  CHECK_THAT(started.status().message(), Catch::Contains("shorter --data-dir"));
}

TEST_CASE("a data dir inside a private directory works and others gain no access to it",
          "[embedded_pg]") {
  TempDir tmp;  // mode 0700, like mktemp -d
  const std::string outer = tmp.path() + "/private";
  REQUIRE(mkdir(outer.c_str(), 0700) == 0);
  EmbeddedPostgres pg(OptionsFor(outer + "/data"));
  auto started = pg.Start();
  REQUIRE(started.ok());
  CHECK(QueryOne(pg.ConnectionString(), "SELECT 1") == "1");
  // Whatever was needed to let the server's user through (an ACL entry for
  // postgres when root), the permission bits of other users stay closed.
  struct stat st;
  REQUIRE(stat(outer.c_str(), &st) == 0);
  CHECK((st.st_mode & S_IRWXO) == 0);
  REQUIRE(stat(tmp.path().c_str(), &st) == 0);
  CHECK((st.st_mode & S_IRWXO) == 0);
  REQUIRE(pg.Stop().ok());
}

TEST_CASE("two threads starting one data dir both succeed and only one runs initdb",
          "[embedded_pg]") {
  TempDir tmp;
  const std::string dir = tmp.path() + "/data";
  Result<EmbeddedPostgres::StartInfo> a = Internal("not run"), b = Internal("not run");
  std::thread ta([&] { a = EmbeddedPostgres(OptionsFor(dir)).Start(); });
  std::thread tb([&] { b = EmbeddedPostgres(OptionsFor(dir)).Start(); });
  ta.join();
  tb.join();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(int(a->initialized_now) + int(b->initialized_now) == 1);
  CHECK(int(a->started_now) + int(b->started_now) == 1);
  EmbeddedPostgres pg(OptionsFor(dir));
  CHECK(QueryOne(pg.ConnectionString(), "SELECT 1") == "1");
  REQUIRE(pg.Stop().ok());
}

TEST_CASE("two quotetrail processes starting one data dir both succeed", "[embedded_pg]") {
  TempDir tmp;
  const std::string dir = tmp.path() + "/data";
  const std::string cmd = std::string("'") + QUOTETRAIL_BINARY + "' --data-dir '" + dir +
                          "' db start >/dev/null 2>&1";
  std::atomic<int> rc_a{-1}, rc_b{-1};
  std::thread ta([&] { rc_a = std::system(cmd.c_str()); });
  std::thread tb([&] { rc_b = std::system(cmd.c_str()); });
  ta.join();
  tb.join();
  CHECK(rc_a == 0);
  CHECK(rc_b == 0);
  EmbeddedPostgres pg(OptionsFor(dir));
  auto state = pg.GetState();
  REQUIRE(state.ok());
  CHECK(state->running);
  REQUIRE(pg.Stop().ok());
}

TEST_CASE("two connections migrating at once apply each migration once", "[migrations]") {
  const std::string url = quotetrail::testing::RequireFreshDatabase(/*migrate=*/false);
  Result<MigrationReport> a = Internal("not run"), b = Internal("not run");
  auto migrate = [&url](Result<MigrationReport>* out) {
    auto conn = Connect(url);
    if (!conn.ok()) {
      *out = conn.status();
      return;
    }
    *out = ApplyMigrations(**conn, QUOTETRAIL_MIGRATIONS_DIR);
  };
  std::thread ta(migrate, &a);
  std::thread tb(migrate, &b);
  ta.join();
  tb.join();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  auto files = LoadMigrations(QUOTETRAIL_MIGRATIONS_DIR);
  REQUIRE(files.ok());
  CHECK(a->applied + b->applied == int(files->size()));
  CHECK(std::stoi(QueryOne(url, "SELECT count(*) FROM schema_migrations")) == int(files->size()));
}

TEST_CASE("an applied migration whose file changed is an error naming the file", "[migrations]") {
  TempDir tmp;
  const std::string dir = CopyMigrations(tmp.path() + "/migrations");
  const std::string url = quotetrail::testing::RequireFreshDatabase(/*migrate=*/false);
  auto conn = Connect(url);
  REQUIRE(conn.ok());
  auto first = ApplyMigrations(**conn, dir);
  REQUIRE(first.ok());
  CHECK(first->applied >= 1);

  { std::ofstream(dir + "/0001_core.sql", std::ios::app) << "\n-- an afterthought\n"; }
  auto changed = ApplyMigrations(**conn, dir);
  REQUIRE_FALSE(changed.ok());
  CHECK(changed.status().code() == ErrorCode::kFailedPrecondition);
  CHECK_THAT(changed.status().message(), Catch::Contains("0001_core.sql"));
  CHECK_THAT(changed.status().message(), Catch::Contains("changed after it was applied"));

  fs::remove(dir + "/0001_core.sql");
  auto missing = ApplyMigrations(**conn, dir);
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.status().message(), Catch::Contains("0001_core.sql"));
  CHECK_THAT(missing.status().message(), Catch::Contains("missing"));
}

TEST_CASE("a failing migration is rolled back and later ones are not applied", "[migrations]") {
  TempDir tmp;
  const std::string dir = CopyMigrations(tmp.path() + "/migrations");
  { std::ofstream(dir + "/9998_broken.sql") << "CREATE TABLE qt_half_done (x int);\nSELECT nonsense_fn();\n"; }
  { std::ofstream(dir + "/9999_after.sql") << "CREATE TABLE qt_after (x int);\n"; }
  const std::string url = quotetrail::testing::RequireFreshDatabase(/*migrate=*/false);
  auto conn = Connect(url);
  REQUIRE(conn.ok());
  auto report = ApplyMigrations(**conn, dir);
  REQUIRE_FALSE(report.ok());
  CHECK_THAT(report.status().message(), Catch::Contains("9998_broken.sql"));
  CHECK_THAT(report.status().message(), Catch::Contains("nonsense_fn"));
  CHECK(QueryOne(url, "SELECT to_regclass('qt_half_done') IS NULL") == "t");
  CHECK(QueryOne(url, "SELECT to_regclass('qt_after') IS NULL") == "t");
  CHECK(QueryOne(url, "SELECT count(*) FROM schema_migrations WHERE version >= 9998") == "0");
  CHECK(QueryOne(url, "SELECT count(*) FROM schema_migrations WHERE version = 1") == "1");
}

TEST_CASE("a .sql file not named NNNN_name.sql is refused", "[migrations]") {
  TempDir tmp;
  { std::ofstream(tmp.path() + "/create_things.sql") << "SELECT 1;\n"; }
  auto files = LoadMigrations(tmp.path());
  REQUIRE_FALSE(files.ok());
  CHECK(files.status().code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(files.status().message(), Catch::Contains("create_things.sql"));
}

TEST_CASE("the core schema has the provenance tables and an immutable unaccent",
          "[migrations]") {
  const std::string url = quotetrail::testing::RequireFreshDatabase();
  for (const char* table : {"outlets", "agencies", "documents", "speakers", "speaker_aliases",
                            "quotes", "occurrences", "occurrence_via"}) {
    INFO(table);
    CHECK(QueryOne(url, std::string("SELECT to_regclass('") + table + "') IS NOT NULL") == "t");
  }
  CHECK(QueryOne(url, "SELECT qt_unaccent('Élysée café')") == "Elysee cafe");
  CHECK(QueryOne(url, "SELECT provolatile FROM pg_proc WHERE proname = 'qt_unaccent'") == "i");
  CHECK(QueryOne(url, "SELECT similarity('president macron', 'president macron said')::numeric(3,2) > 0.5") == "t");
}
