// pg_harness.h: a throwaway PostgreSQL for tests.
//
// Each test executable gets one embedded cluster (embedded_pg.h), created
// lazily on first use in a fresh temporary directory, and stopped and removed
// when the executable exits. Like the product, it runs PostgreSQL as the
// `postgres` user when the tests run as root. When PostgreSQL cannot start the
// Require* functions FAIL the current Catch2 test with the reason: a test
// never skips silently.
//
// Thread-safety: the Require* functions may be called from any thread; the
// first call creates the cluster (a function-local static: acceptable in test
// support, never in the product).
#pragma once

#include <string>

#include "embedded_pg.h"
#include "result.h"

namespace quotetrail::testing {

// A directory made with mkdtemp under $TMPDIR (or /tmp), removed with all its
// contents by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "qt-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The shared cluster's data dir ("" when it could not start).
std::string SharedClusterDataDir();

// Connection string of the shared cluster's default database `quotetrail`,
// without migrations applied. FAILs the current test when PostgreSQL cannot run.
std::string RequireClusterUrl();

// Creates a new, empty database in the shared cluster and returns its
// connection string; with `migrate`, the migrations of
// QUOTETRAIL_MIGRATIONS_DIR are applied first. FAILs the current test on error.
std::string RequireFreshDatabase(bool migrate = true);

// Status of the shared cluster (starting it if this is the first call).
Status SharedClusterStatus();

// The first column of the one row `sql` returns on `url`, as text ("<null>"
// for NULL). FAILs the current test when the query fails or returns no row.
std::string QueryOne(const std::string& url, const std::string& sql);

}  // namespace quotetrail::testing
