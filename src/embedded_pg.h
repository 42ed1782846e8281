// embedded_pg.h: a private PostgreSQL 15 cluster living in a quotetrail data dir.
//
// Layout of a data dir DIR (every path absolute):
//   DIR/pgdata/          the cluster (initdb; PGDATA)
//   DIR/run/             the Unix socket directory (.s.PGSQL.<port>), mode 0700
//   DIR/postgres.log     the server log (pg_ctl -l)
//   DIR/quotetrail.lock  flock(2) lock held around initdb/start/stop
//
// Behaviour:
//   * Binaries: Options::bin_dir, else /usr/lib/postgresql/15/bin, else
//     `pg_config --bindir` when it reports PostgreSQL 15. Missing binaries give
//     "PostgreSQL 15 server binaries not found: apt-get install postgresql-15".
//   * First Start() runs initdb (-E UTF8, locale C.UTF-8 or C, superuser
//     Options::user, trust auth for the local socket, host connections
//     rejected) into DIR/pgdata.tmp, configures it, renames it to DIR/pgdata
//     (so a half-made cluster is never mistaken for a finished one), starts it
//     and creates the database Options::database.
//   * Socket only: listen_addresses = '' (no TCP port at all); the socket lives
//     in DIR/run with unix_socket_permissions = 0700, so only the cluster's OS
//     user (and root) can connect, which is what makes trust auth safe. The
//     port only names the socket file.
//   * Socket path limit: a Unix socket path holds at most 107 bytes. When
//     DIR/run/.s.PGSQL.<port> is longer, Start() fails with a message asking
//     for a shorter --data-dir (no symlinks in shared /tmp: they could be
//     pre-created by another user).
//   * Memory: shared_buffers is a quarter of the memory the process may use
//     (physical memory, or the cgroup's memory.max when lower), between
//     128 MB (PostgreSQL's default) and 4 GB, unless
//     Options::shared_buffers_mb sets it; PostgreSQL touches the buffers
//     only as it fills them. With 128 MB, searching 200,000 clusters read
//     most pages back from the kernel's cache at every request (api_bench:
//     674 against 864 requests/s with 2 GB). A value set with ALTER SYSTEM
//     (postgresql.auto.conf) wins over ours. When the server has pg_prewarm
//     (BIN/../lib/pg_prewarm.so; Debian's postgresql-15 does), it is loaded:
//     its autoprewarm worker saves the list of cached pages at shutdown (and
//     every 5 minutes) and reads them back after a start, so a restart does
//     not begin with an empty cache (api_bench's first run after a start:
//     search p99 98 ms, the next ones 40-50 ms).
//   * Reuse: a running cluster is left alone and just connected to; a stopped
//     one is started with `pg_ctl start -w`. Nothing is ever re-initialised.
//   * Root: PostgreSQL refuses to run as root, so when geteuid() == 0 every
//     initdb/pg_ctl runs as the system user `postgres` (fork, setgroups,
//     setgid, setuid, exec), DIR is chowned to postgres (only when DIR belongs
//     to root or postgres already; any other owner is an error), and every
//     ancestor directory of DIR that postgres cannot traverse (e.g. a
//     `mktemp -d` dir or /root, mode 0700) gets a POSIX ACL entry
//     user:postgres:--x: search only, for postgres only; no other user gains
//     anything and nobody gains listing. Only on a file system without ACLs
//     does it fall back to the search bit for others (chmod o+x). Each change
//     is reported through on_notice.
//   * Concurrency: init/start/stop hold an exclusive flock on
//     DIR/quotetrail.lock (GetState a shared one); PostgreSQL's postmaster.pid
//     guards the cluster itself. Two processes or threads starting the same
//     data dir both succeed; one starts it, the other finds it running.
//
// Thread-safety: an EmbeddedPostgres holds only its options; all state is on
// disk and guarded by the lock file, so its methods may be called from several
// threads and processes at once. on_notice may be called from any of them.
#pragma once

#include <sys/stat.h>

#include <functional>
#include <string>

#include "result.h"

namespace quotetrail {

namespace internal {
struct RunAs;  // the OS identity servers run under (embedded_pg.cc)
}

struct EmbeddedPostgresOptions {
  // The quotetrail data dir (created when missing). Required. Relative paths
  // are made absolute against the current directory.
  std::string data_dir;
  // Directory holding initdb, pg_ctl and postgres; "" searches (see above).
  std::string bin_dir;
  // Names the socket file .s.PGSQL.<port>; no TCP port is ever opened.
  int port = 5432;
  // Superuser created by initdb and used in connection strings.
  std::string user = "quotetrail";
  // Database created after initdb and named by ConnectionString().
  std::string database = "quotetrail";
  // shared_buffers in megabytes; 0 sizes it from memory (see above).
  int shared_buffers_mb = 0;
  // Seconds pg_ctl waits for the server to start or stop.
  int timeout_seconds = 60;
  // Called with one line for each noteworthy action (cluster created, server
  // started, permission changed). nullptr: silent.
  std::function<void(const std::string&)> on_notice;
};

class EmbeddedPostgres {
 public:
  struct StartInfo {
    bool initialized_now = false;  // initdb ran during this call
    bool started_now = false;      // the server was not running before this call
  };
  struct State {
    bool initialized = false;  // DIR/pgdata exists
    bool running = false;      // a postmaster serves DIR/pgdata
  };

  explicit EmbeddedPostgres(EmbeddedPostgresOptions options);
  EmbeddedPostgres(const EmbeddedPostgres&) = delete;
  EmbeddedPostgres& operator=(const EmbeddedPostgres&) = delete;

  // Makes sure the cluster exists, runs and has Options::database. On failure
  // the Status says what to do; a failed server start includes the tail of
  // DIR/postgres.log.
  Result<StartInfo> Start();

  // Stops the server (pg_ctl stop -m fast). Returns true when it was running,
  // false when it was not (or the cluster does not exist).
  Result<bool> Stop();

  // Whether the cluster exists and runs. Creates nothing.
  Result<State> GetState();

  // A libpq key/value connection string psql accepts, e.g.
  // "host=/abs/DIR/run port=5432 dbname=quotetrail user=quotetrail".
  // `dbname` "" means Options::database.
  std::string ConnectionString(const std::string& dbname = "") const;

  const std::string& data_dir() const { return data_dir_; }
  std::string pgdata_dir() const { return data_dir_ + "/pgdata"; }
  std::string socket_dir() const { return data_dir_ + "/run"; }
  std::string log_file() const { return data_dir_ + "/postgres.log"; }

  // shared_buffers in megabytes for the memory at hand: a quarter of
  // physical memory (or of the cgroup limit, when lower), within 128..4096.
  static int AutoSharedBuffersMb();

  // Finds initdb/pg_ctl/postgres in `bin_dir` ("" searches as described
  // above). Returns the directory, or kNotFound with the install hint.
  static Result<std::string> FindBinaries(const std::string& bin_dir);

 private:
  using RunAs = internal::RunAs;

  void Notice(const std::string& line) const;
  Status PrepareDataDir(const RunAs& as);
  Status GrantSearch(const std::string& dir, const struct stat& st, const RunAs& as);
  Status InitCluster(const std::string& bin, const RunAs& as);
  Status WriteServerConfig(const std::string& pgdata, const std::string& bin, const RunAs& as);
  Result<bool> IsRunning(const std::string& bin, const RunAs& as);
  Status StartServer(const std::string& bin, const RunAs& as);
  Status EnsureDatabase();
  std::string LogTail(size_t max_lines) const;

  EmbeddedPostgresOptions options_;
  std::string data_dir_;  // absolute, normalised
};

// Quotes a value for a libpq key/value connection string when needed
// ("a b" -> "'a b'", backslashes and quotes escaped).
std::string QuoteConnValue(const std::string& value);

}  // namespace quotetrail
