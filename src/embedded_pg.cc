#include "embedded_pg.h"

#include <fcntl.h>
#include <grp.h>
#include <locale.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <pqxx/pqxx>
#include <sstream>
#include <utility>
#include <vector>

extern char** environ;

namespace quotetrail {

namespace fs = std::filesystem;

// The OS identity initdb and pg_ctl run as: ourselves, or `postgres` when we
// are root.
struct internal::RunAs {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups of `name`
  std::string name;
  std::string home;
};

namespace {

using internal::RunAs;

constexpr size_t kMaxSocketPath = 107;  // sizeof(sockaddr_un::sun_path) - 1
constexpr const char* kInstallHint =
    "PostgreSQL 15 server binaries not found: apt-get install postgresql-15";

std::string Errno(int err) { return std::strerror(err); }

Result<RunAs> ResolveRunAs() {
  RunAs as;
  as.uid = geteuid();
  as.gid = getegid();
  if (as.uid != 0) return as;
  struct passwd pw;
  struct passwd* found = nullptr;
  std::vector<char> buf(16384);
  int rc = getpwnam_r("postgres", &pw, buf.data(), buf.size(), &found);
  if (rc != 0 || found == nullptr) {
    return FailedPrecondition(
        "running as root, but there is no 'postgres' system user to run PostgreSQL as "
        "(PostgreSQL refuses to run as root): apt-get install postgresql-15 creates it, "
        "or run quotetrail as a regular user");
  }
  as.switch_user = true;
  as.uid = pw.pw_uid;
  as.gid = pw.pw_gid;
  as.name = pw.pw_name;
  as.home = pw.pw_dir ? pw.pw_dir : "/";
  int n = 32;
  as.groups.resize(n);
  if (getgrouplist(as.name.c_str(), as.gid, as.groups.data(), &n) == -1) {
    as.groups.resize(n);
    if (getgrouplist(as.name.c_str(), as.gid, as.groups.data(), &n) == -1) n = 0;
  }
  as.groups.resize(n);
  return as;
}

struct ProcessResult {
  int exit_code = 0;
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv[0] (an absolute path) with stdin from /dev/null, capturing stdout
// and stderr, as `as`. Returns the exit code (128+signal when killed).
Result<ProcessResult> RunProcess(const std::vector<std::string>& argv, const RunAs& as) {
  // Everything the child needs is prepared before fork(): between fork and
  // exec only async-signal-safe calls are allowed (we may have threads).
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    if (kv.substr(0, 2) == "PG") continue;  // PGDATA, PGPORT... must not steer the server
    if (as.switch_user && (kv.substr(0, 5) == "HOME=" || kv.substr(0, 5) == "USER=" ||
                           kv.substr(0, 8) == "LOGNAME="))
      continue;
    env.emplace_back(kv);
  }
  if (as.switch_user) {
    env.push_back("HOME=" + as.home);
    env.push_back("USER=" + as.name);
    env.push_back("LOGNAME=" + as.name);
  }
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : env) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);
  sigset_t empty_mask;
  sigemptyset(&empty_mask);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Internal("pipe: " + Errno(errno));
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0) {
    close(fds[0]);
    close(fds[1]);
    return Internal("open /dev/null: " + Errno(errno));
  }
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(fds[0]);
    close(fds[1]);
    close(devnull);
    return Internal("fork: " + Errno(err));
  }
  if (pid == 0) {
    dup2(devnull, 0);
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    // No inherited descriptor (HTTP sockets, lock files) may reach a server.
    if (close_range(3, ~0U, 0) != 0) {
      for (int fd = 3; fd < 65536; ++fd) close(fd);
    }
    sigprocmask(SIG_SETMASK, &empty_mask, nullptr);
    if (as.switch_user) {
      if (setgroups(as.groups.size(), as.groups.data()) != 0 || setgid(as.gid) != 0 ||
          setuid(as.uid) != 0) {
        const char msg[] = "quotetrail: cannot switch to the postgres user\n";
        (void)!write(2, msg, sizeof msg - 1);
        _exit(126);
      }
    }
    if (chdir("/") != 0) _exit(126);
    execve(cargv[0], cargv.data(), cenv.data());
    const char msg[] = "quotetrail: exec failed\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(127);
  }
  close(fds[1]);
  close(devnull);
  ProcessResult result;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n > 0) {
      result.output.append(buf, n);
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Internal("waitpid: " + Errno(errno));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  while (!result.output.empty() &&
         (result.output.back() == '\n' || result.output.back() == ' '))
    result.output.pop_back();
  return result;
}

bool IsExecutable(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

bool HasServerBinaries(const std::string& dir) {
  for (const char* b : {"initdb", "pg_ctl", "postgres"})
    if (!IsExecutable(dir + "/" + b)) return false;
  return true;
}

// "postgres (PostgreSQL) 15.5 (Debian 15.5-0+deb12u1)" -> 15; 0 when unknown.
int MajorVersion(const std::string& version_output) {
  auto pos = version_output.find(") ");
  if (pos == std::string::npos) return 0;
  return std::atoi(version_output.c_str() + pos + 2);
}

std::string FindInPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    if (IsExecutable(dir + "/" + name)) return dir + "/" + name;
  }
  return "";
}

bool HaveLocale(const char* name) {
  locale_t loc = newlocale(LC_ALL_MASK, name, static_cast<locale_t>(0));
  if (loc == static_cast<locale_t>(0)) return false;
  freelocale(loc);
  return true;
}

// Value for a postgresql.conf string setting: 'text' with ' doubled.
std::string ConfString(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "''";
    else if (c == '\\') out += "\\\\";
    else out += c;
  }
  return out + "'";
}

// An flock(2) on a file, released by the destructor. The descriptor is
// close-on-exec, so servers we start never inherit the lock.
class FileLock {
 public:
  static Result<FileLock> Acquire(const std::string& path, bool exclusive) {
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Unavailable("cannot open lock file " + path + ": " + Errno(errno));
    while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      return Unavailable("cannot lock " + path + ": " + Errno(err));
    }
    return FileLock(fd);
  }
  FileLock(FileLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock() {
    if (fd_ >= 0) close(fd_);  // closing releases the flock
  }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

// POSIX access ACLs, read and written as the Linux xattr
// "system.posix_acl_access" (linux/posix_acl_xattr.h): a little-endian u32
// version 2, then {u16 tag, u16 perm, u32 id} entries sorted by tag and id.
struct AclEntry {
  uint16_t tag;
  uint16_t perm;  // 4 read, 2 write, 1 execute/search
  uint32_t id;
};
constexpr const char* kAclXattr = "system.posix_acl_access";
constexpr uint16_t kAclUserObj = 0x01, kAclUser = 0x02, kAclGroupObj = 0x04, kAclGroup = 0x08,
                   kAclMask = 0x10, kAclOther = 0x20;
constexpr uint32_t kAclNoId = 0xffffffffu;

enum class AclRead { kEntries, kNone, kUnsupported };

// Reads the access ACL of `path` into *entries (kEntries), or says it has none
// beyond the mode bits (kNone) or that its file system has no ACLs.
AclRead ReadAcl(const std::string& path, std::vector<AclEntry>* entries) {
  entries->clear();
  uint8_t buf[4 + 8 * 256];
  ssize_t n = getxattr(path.c_str(), kAclXattr, buf, sizeof buf);
  if (n < 0) return (errno == ENOTSUP || errno == EOPNOTSUPP) ? AclRead::kUnsupported : AclRead::kNone;
  if (n < 4 || (n - 4) % 8 != 0 || buf[0] != 2) return AclRead::kNone;
  for (ssize_t off = 4; off < n; off += 8) {
    AclEntry e;
    e.tag = uint16_t(buf[off] | buf[off + 1] << 8);
    e.perm = uint16_t(buf[off + 2] | buf[off + 3] << 8);
    e.id = uint32_t(buf[off + 4]) | uint32_t(buf[off + 5]) << 8 | uint32_t(buf[off + 6]) << 16 |
           uint32_t(buf[off + 7]) << 24;
    entries->push_back(e);
  }
  return AclRead::kEntries;
}

bool InGroup(gid_t gid, const RunAs& as) {
  if (gid == as.gid) return true;
  for (gid_t g : as.groups)
    if (g == gid) return true;
  return false;
}

// Whether `as` may search (traverse) the directory `path`, following the
// kernel's POSIX ACL check (mode bits when there is no ACL).
bool CanSearch(const std::string& path, const struct stat& st, const RunAs& as) {
  if (st.st_uid == as.uid) return st.st_mode & S_IXUSR;
  std::vector<AclEntry> acl;
  if (ReadAcl(path, &acl) != AclRead::kEntries) {
    if (InGroup(st.st_gid, as)) return st.st_mode & S_IXGRP;
    return st.st_mode & S_IXOTH;
  }
  uint16_t mask = 7, other = 0;
  for (const auto& e : acl) {
    if (e.tag == kAclMask) mask = e.perm;
    if (e.tag == kAclOther) other = e.perm;
  }
  for (const auto& e : acl)
    if (e.tag == kAclUser && e.id == as.uid) return e.perm & mask & 1;
  bool group_matched = false;
  for (const auto& e : acl) {
    bool member = (e.tag == kAclGroupObj && InGroup(st.st_gid, as)) ||
                  (e.tag == kAclGroup && InGroup(e.id, as));
    if (!member) continue;
    if (e.perm & mask & 1) return true;
    group_matched = true;
  }
  if (group_matched) return false;
  return other & 1;
}

// Lets `as` search the directory `path` with an ACL entry naming it alone
// (user:postgres:--x). Returns false with *err set when the file system has
// no ACLs or the change fails.
bool GrantSearchAcl(const std::string& path, const struct stat& st, const RunAs& as,
                    std::string* err) {
  std::vector<AclEntry> acl;
  AclRead r = ReadAcl(path, &acl);
  if (r == AclRead::kUnsupported) {
    *err = "no POSIX ACLs on this file system";
    return false;
  }
  if (r == AclRead::kNone) {
    acl = {{kAclUserObj, uint16_t((st.st_mode >> 6) & 7), kAclNoId},
           {kAclGroupObj, uint16_t((st.st_mode >> 3) & 7), kAclNoId},
           {kAclOther, uint16_t(st.st_mode & 7), kAclNoId}};
  }
  bool have_user = false, have_mask = false;
  uint16_t group_class = 1;  // the new entry's search bit
  for (auto& e : acl) {
    if (e.tag == kAclUser && e.id == as.uid) {
      e.perm |= 1;
      have_user = true;
    }
    if (e.tag == kAclUser || e.tag == kAclGroupObj || e.tag == kAclGroup) group_class |= e.perm;
  }
  if (!have_user) acl.push_back({kAclUser, 1, as.uid});
  for (auto& e : acl) {
    if (e.tag != kAclMask) continue;
    e.perm |= 1;  // widen an existing mask by the search bit only
    have_mask = true;
  }
  if (!have_mask) acl.push_back({kAclMask, group_class, kAclNoId});
  std::sort(acl.begin(), acl.end(), [](const AclEntry& a, const AclEntry& b) {
    return a.tag != b.tag ? a.tag < b.tag : a.id < b.id;
  });
  std::vector<uint8_t> buf = {2, 0, 0, 0};
  for (const auto& e : acl) {
    uint8_t raw[8] = {uint8_t(e.tag), uint8_t(e.tag >> 8), uint8_t(e.perm), uint8_t(e.perm >> 8),
                      uint8_t(e.id), uint8_t(e.id >> 8), uint8_t(e.id >> 16), uint8_t(e.id >> 24)};
    buf.insert(buf.end(), raw, raw + 8);
  }
  if (setxattr(path.c_str(), kAclXattr, buf.data(), buf.size(), 0) != 0) {
    *err = Errno(errno);
    return false;
  }
  return true;
}

}  // namespace

std::string QuoteConnValue(const std::string& value) {
  bool plain = !value.empty();
  for (char c : value)
    if (c == ' ' || c == '\'' || c == '\\' || c == '=' || c == '\t' || c == '\n') plain = false;
  if (plain) return value;
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

EmbeddedPostgres::EmbeddedPostgres(EmbeddedPostgresOptions options)
    : options_(std::move(options)) {
  std::error_code ec;
  fs::path p = fs::absolute(options_.data_dir.empty() ? "." : options_.data_dir, ec);
  if (ec) p = options_.data_dir;
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  data_dir_ = s;
}

void EmbeddedPostgres::Notice(const std::string& line) const {
  if (options_.on_notice) options_.on_notice(line);
}

std::string EmbeddedPostgres::ConnectionString(const std::string& dbname) const {
  return "host=" + QuoteConnValue(socket_dir()) + " port=" + std::to_string(options_.port) +
         " dbname=" + QuoteConnValue(dbname.empty() ? options_.database : dbname) +
         " user=" + QuoteConnValue(options_.user);
}

Result<std::string> EmbeddedPostgres::FindBinaries(const std::string& bin_dir) {
  if (!bin_dir.empty()) {
    if (!HasServerBinaries(bin_dir))
      return NotFound(std::string(kInstallHint) + " (looked for initdb, pg_ctl and postgres in " +
                      bin_dir + ")");
    return bin_dir;
  }
  const std::string debian = "/usr/lib/postgresql/15/bin";
  if (HasServerBinaries(debian)) return debian;
  std::string pg_config = FindInPath("pg_config");
  if (!pg_config.empty()) {
    RunAs self;
    self.uid = geteuid();
    auto out = RunProcess({pg_config, "--bindir"}, self);
    if (out.ok() && out->exit_code == 0 && HasServerBinaries(out->output)) {
      auto ver = RunProcess({out->output + "/postgres", "--version"}, self);
      if (ver.ok() && ver->exit_code == 0 && MajorVersion(ver->output) == 15) return out->output;
    }
  }
  return NotFound(std::string(kInstallHint) + " (looked in " + debian +
                  " and `pg_config --bindir`)");
}

std::string EmbeddedPostgres::LogTail(size_t max_lines) const {
  std::ifstream in(log_file());
  if (!in) return "(no server log at " + log_file() + ")";
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
    if (lines.size() > max_lines) lines.pop_front();
  }
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  if (!out.empty()) out.pop_back();
  return out.empty() ? "(server log " + log_file() + " is empty)" : out;
}

Status EmbeddedPostgres::GrantSearch(const std::string& dir, const struct stat& st,
                                     const RunAs& as) {
  std::string why;
  if (st.st_uid != as.uid && GrantSearchAcl(dir, st, as, &why)) {
    Notice("granted the postgres user search permission on " + dir +
           " (ACL user:postgres:--x) so it can reach the data dir");
    return Status::Ok();
  }
  // The owner class, or a file system without ACLs: fall back to the mode bit
  // of the class postgres falls in.
  mode_t bit = st.st_uid == as.uid ? S_IXUSR : InGroup(st.st_gid, as) ? S_IXGRP : S_IXOTH;
  const char* name = bit == S_IXUSR ? "u+x" : bit == S_IXGRP ? "g+x" : "o+x";
  if (chmod(dir.c_str(), (st.st_mode & 07777) | bit) != 0) {
    return Unavailable("user postgres cannot reach " + data_dir_ + ": chmod " + name + " " + dir +
                       " failed: " + Errno(errno) +
                       "; choose a --data-dir the postgres user can reach");
  }
  Notice(std::string("granted search permission (chmod ") + name + ") on " + dir +
         " so the postgres user can reach the data dir" + (why.empty() ? "" : " (" + why + ")"));
  return Status::Ok();
}

Status EmbeddedPostgres::PrepareDataDir(const RunAs& as) {
  std::error_code ec;
  if (!fs::exists(data_dir_, ec)) {
    fs::create_directories(data_dir_, ec);
    if (ec && !fs::is_directory(data_dir_))
      return Unavailable("cannot create data dir " + data_dir_ + ": " + ec.message());
    chmod(data_dir_.c_str(), 0700);
  }
  struct stat st;
  if (stat(data_dir_.c_str(), &st) != 0)
    return Unavailable("cannot access data dir " + data_dir_ + ": " + Errno(errno));
  if (!S_ISDIR(st.st_mode)) return InvalidArgument("data dir " + data_dir_ + " is not a directory");
  if (!as.switch_user) return Status::Ok();

  // Root: the data dir must belong to postgres, and postgres must be able to
  // walk down to it.
  if (st.st_uid != as.uid) {
    if (st.st_uid != 0) {
      return FailedPrecondition(
          "data dir " + data_dir_ + " belongs to uid " + std::to_string(st.st_uid) +
          "; as root quotetrail runs PostgreSQL as 'postgres' and needs a data dir owned by "
          "root or postgres: choose another --data-dir or chown it to postgres");
    }
    if (chown(data_dir_.c_str(), as.uid, as.gid) != 0 || chmod(data_dir_.c_str(), 0700) != 0)
      return Unavailable("cannot give data dir " + data_dir_ + " to user postgres: " +
                         Errno(errno));
    Notice("gave data dir " + data_dir_ + " to the postgres user (PostgreSQL refuses to run as root)");
  }
  std::vector<fs::path> chains = {fs::path(data_dir_)};
  fs::path real = fs::weakly_canonical(data_dir_, ec);
  if (!ec && real != chains[0]) chains.push_back(real);
  for (const auto& chain : chains) {
    for (fs::path p = chain.parent_path(); !p.empty(); p = p.parent_path()) {
      struct stat ast;
      if (stat(p.c_str(), &ast) == 0 && S_ISDIR(ast.st_mode) && !CanSearch(p, ast, as)) {
        QT_RETURN_IF_ERROR(GrantSearch(p, ast, as));
        if (stat(p.c_str(), &ast) != 0 || !CanSearch(p, ast, as))
          return Unavailable("user postgres still cannot search " + p.string() +
                             " after the permission change; choose a --data-dir it can reach");
      }
      if (p == p.root_path()) break;
    }
  }
  return Status::Ok();
}

namespace {

// Creates `path` (a directory when `dir`, else an empty file) with `mode` if
// missing, owned by the server's user.
Status MakeOwned(const std::string& path, bool dir, mode_t mode, const RunAs& as) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (dir) {
      if (mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
        return Unavailable("cannot create " + path + ": " + Errno(errno));
    } else {
      int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode);
      if (fd < 0) return Unavailable("cannot create " + path + ": " + Errno(errno));
      close(fd);
    }
    if (stat(path.c_str(), &st) != 0) return Unavailable("cannot stat " + path + ": " + Errno(errno));
  }
  if (as.switch_user && st.st_uid != as.uid && chown(path.c_str(), as.uid, as.gid) != 0)
    return Unavailable("cannot give " + path + " to user postgres: " + Errno(errno));
  return Status::Ok();
}

}  // namespace

Status EmbeddedPostgres::InitCluster(const std::string& bin, const RunAs& as) {
  const std::string tmp = data_dir_ + "/pgdata.tmp";
  std::error_code ec;
  if (fs::exists(tmp, ec)) {
    Notice("removing unfinished cluster " + tmp + " left by an interrupted initdb");
    fs::remove_all(tmp, ec);
    if (ec) return Unavailable("cannot remove unfinished cluster " + tmp + ": " + ec.message());
  }
  const char* locale = HaveLocale("C.UTF-8") ? "C.UTF-8" : "C";
  std::vector<std::string> argv = {bin + "/initdb", "-D", tmp, "-U", options_.user,
                                   "-E", "UTF8", std::string("--locale=") + locale,
                                   "--auth-local=trust", "--auth-host=reject",
                                   "--no-instructions"};
  auto run = RunProcess(argv, as);
  if (!run.ok()) return run.status();
  if (run->exit_code != 0) {
    return Unavailable("initdb failed (exit " + std::to_string(run->exit_code) + ") creating " +
                       tmp + ":\n" + run->output);
  }
  {
    std::ofstream conf(tmp + "/postgresql.conf", std::ios::app);
    conf << "\n# quotetrail: socket directory and no-TCP settings, rewritten at each start\n"
            "include_if_exists = 'quotetrail.conf'\n";
    if (!conf) return Unavailable("cannot append to " + tmp + "/postgresql.conf");
  }
  fs::rename(tmp, pgdata_dir(), ec);
  if (ec) return Unavailable("cannot rename " + tmp + " to " + pgdata_dir() + ": " + ec.message());
  Notice("created PostgreSQL 15 cluster in " + pgdata_dir());
  return Status::Ok();
}

int EmbeddedPostgres::AutoSharedBuffersMb() {
  constexpr int64_t kMb = 1024 * 1024;
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
  int64_t bytes = pages > 0 && page_size > 0 ? static_cast<int64_t>(pages) * page_size : 0;
  // cgroup v2 ("max" when unlimited), then v1 (a huge number when unlimited).
  for (const char* path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(path);
    int64_t limit = 0;
    if (in >> limit && limit > 0 && (bytes == 0 || limit < bytes)) bytes = limit;
  }
  return static_cast<int>(std::clamp<int64_t>(bytes / 4 / kMb, 128, 4096));
}

Status EmbeddedPostgres::WriteServerConfig(const std::string& pgdata, const std::string& bin, const RunAs& as) {
  const std::string path = pgdata + "/quotetrail.conf";
  std::error_code ec;
  const bool prewarm = fs::exists(bin + "/../lib/pg_prewarm.so", ec);
  {
    std::ofstream conf(path, std::ios::trunc);
    conf << "# Written by quotetrail at each server start; edits are overwritten.\n"
            "listen_addresses = ''\n"
            "port = "
         << options_.port << "\n"
         << "unix_socket_directories = " << ConfString(socket_dir()) << "\n"
         << "unix_socket_permissions = 0700\n"
         << "shared_buffers = "
         << (options_.shared_buffers_mb > 0 ? options_.shared_buffers_mb : AutoSharedBuffersMb()) << "MB\n";
    if (prewarm) conf << "shared_preload_libraries = 'pg_prewarm'\n";
    if (!conf) return Unavailable("cannot write " + path);
  }
  if (as.switch_user && chown(path.c_str(), as.uid, as.gid) != 0)
    return Unavailable("cannot give " + path + " to user postgres: " + Errno(errno));
  return Status::Ok();
}

Result<bool> EmbeddedPostgres::IsRunning(const std::string& bin, const RunAs& as) {
  auto run = RunProcess({bin + "/pg_ctl", "status", "-D", pgdata_dir()}, as);
  if (!run.ok()) return run.status();
  if (run->exit_code == 0) return true;
  if (run->exit_code == 3) return false;
  return Unavailable("pg_ctl status -D " + pgdata_dir() + " failed (exit " +
                     std::to_string(run->exit_code) + "): " + run->output);
}

Status EmbeddedPostgres::StartServer(const std::string& bin, const RunAs& as) {
  QT_RETURN_IF_ERROR(MakeOwned(socket_dir(), true, 0700, as));
  QT_RETURN_IF_ERROR(MakeOwned(log_file(), false, 0600, as));
  QT_RETURN_IF_ERROR(WriteServerConfig(pgdata_dir(), bin, as));
  std::vector<std::string> argv = {bin + "/pg_ctl", "start", "-D", pgdata_dir(), "-l", log_file(),
                                   "-w", "-t", std::to_string(options_.timeout_seconds), "-s"};
  auto run = RunProcess(argv, as);
  if (!run.ok()) return run.status();
  if (run->exit_code != 0) {
    return Unavailable("PostgreSQL did not start (pg_ctl exit " + std::to_string(run->exit_code) +
                       (run->output.empty() ? "" : ": " + run->output) + "). Last lines of " +
                       log_file() + ":\n" + LogTail(20));
  }
  Notice("started PostgreSQL 15 for " + data_dir_ + " (socket in " + socket_dir() +
         ", no TCP port)");
  return Status::Ok();
}

Status EmbeddedPostgres::EnsureDatabase() {
  try {
    pqxx::connection conn(ConnectionString("postgres"));
    pqxx::nontransaction tx(conn);
    auto rows = tx.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", options_.database);
    if (rows.empty()) {
      // An identifier cannot be a parameter; quote_name escapes it.
      tx.exec("CREATE DATABASE " + conn.quote_name(options_.database));
      Notice("created database " + options_.database);
    }
    return Status::Ok();
  } catch (const std::exception& e) {
    return Unavailable("PostgreSQL started but creating database '" + options_.database +
                       "' failed: " + e.what());
  }
}

Result<EmbeddedPostgres::StartInfo> EmbeddedPostgres::Start() {
  auto bin = FindBinaries(options_.bin_dir);
  if (!bin.ok()) return bin.status();
  auto as = ResolveRunAs();
  if (!as.ok()) return as.status();
  const std::string socket_path = socket_dir() + "/.s.PGSQL." + std::to_string(options_.port);
  if (socket_path.size() > kMaxSocketPath) {
    return InvalidArgument("data dir path too long for a Unix socket: " + socket_path + " is " +
                           std::to_string(socket_path.size()) + " bytes, the limit is " +
                           std::to_string(kMaxSocketPath) +
                           "; choose a shorter --data-dir (QUOTETRAIL_DATA_DIR)");
  }
  QT_RETURN_IF_ERROR(PrepareDataDir(*as));
  auto lock = FileLock::Acquire(data_dir_ + "/quotetrail.lock", /*exclusive=*/true);
  if (!lock.ok()) return lock.status();

  StartInfo info;
  std::error_code ec;
  if (!fs::exists(pgdata_dir() + "/PG_VERSION", ec)) {
    if (fs::exists(pgdata_dir(), ec))
      return FailedPrecondition(pgdata_dir() + " exists but holds no PostgreSQL cluster "
                                "(no PG_VERSION); move it away and retry");
    QT_RETURN_IF_ERROR(InitCluster(*bin, *as));
    info.initialized_now = true;
  } else {
    std::ifstream vf(pgdata_dir() + "/PG_VERSION");
    std::string version;
    std::getline(vf, version);
    if (version != "15")
      return FailedPrecondition("cluster " + pgdata_dir() + " was made by PostgreSQL " + version +
                                "; this quotetrail runs PostgreSQL 15: use another --data-dir "
                                "or upgrade the cluster with pg_upgrade");
  }
  auto running = IsRunning(*bin, *as);
  if (!running.ok()) return running.status();
  if (!*running) {
    QT_RETURN_IF_ERROR(StartServer(*bin, *as));
    info.started_now = true;
  }
  QT_RETURN_IF_ERROR(EnsureDatabase());
  return info;
}

Result<bool> EmbeddedPostgres::Stop() {
  std::error_code ec;
  if (!fs::exists(pgdata_dir() + "/PG_VERSION", ec)) return false;
  auto bin = FindBinaries(options_.bin_dir);
  if (!bin.ok()) return bin.status();
  auto as = ResolveRunAs();
  if (!as.ok()) return as.status();
  auto lock = FileLock::Acquire(data_dir_ + "/quotetrail.lock", /*exclusive=*/true);
  if (!lock.ok()) return lock.status();
  auto running = IsRunning(*bin, *as);
  if (!running.ok()) return running.status();
  if (!*running) return false;
  auto run = RunProcess({*bin + "/pg_ctl", "stop", "-D", pgdata_dir(), "-m", "fast", "-w", "-t",
                         std::to_string(options_.timeout_seconds), "-s"},
                        *as);
  if (!run.ok()) return run.status();
  if (run->exit_code != 0) {
    return Unavailable("PostgreSQL did not stop (pg_ctl exit " + std::to_string(run->exit_code) +
                       (run->output.empty() ? "" : ": " + run->output) + "). Last lines of " +
                       log_file() + ":\n" + LogTail(20));
  }
  Notice("stopped PostgreSQL for " + data_dir_);
  return true;
}

Result<EmbeddedPostgres::State> EmbeddedPostgres::GetState() {
  State state;
  std::error_code ec;
  if (!fs::exists(pgdata_dir() + "/PG_VERSION", ec)) return state;
  state.initialized = true;
  auto bin = FindBinaries(options_.bin_dir);
  if (!bin.ok()) return bin.status();
  auto as = ResolveRunAs();
  if (!as.ok()) return as.status();
  auto lock = FileLock::Acquire(data_dir_ + "/quotetrail.lock", /*exclusive=*/false);
  if (!lock.ok()) return lock.status();
  auto running = IsRunning(*bin, *as);
  if (!running.ok()) return running.status();
  state.running = *running;
  return state;
}

}  // namespace quotetrail
