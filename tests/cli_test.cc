// Tests of the quotetrail program as a user runs it: help, usage errors, and
// the database commands end to end against a real PostgreSQL.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_run.h"
#include "support/pg_harness.h"

extern char** environ;

using quotetrail::testing::Quotetrail;
using quotetrail::testing::ReadWholeFile;
using quotetrail::testing::Run;
using quotetrail::testing::TempDir;

namespace {

// A minimal HTTP/1.0 GET to 127.0.0.1:port; returns the raw response or "".
std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
      char buf[4096];
      ssize_t n;
      while ((n = read(fd, buf, sizeof buf)) > 0) response.append(buf, n);
    }
  }
  close(fd);
  return response;
}

}  // namespace

TEST_CASE("--help lists the commands and exits 0", "[cli]") {
  Run r = Quotetrail("--help");
  CHECK(r.exit_code == 0);
  for (const char* cmd : {"db start", "db stop", "db status", "db url", "migrate", "serve", "ingest", "find",
                          "check", "export"}) {
    INFO(cmd);
    CHECK_THAT(r.out, Catch::Contains(cmd));
  }
  CHECK_THAT(r.out, Catch::Contains("--data-dir"));
}

TEST_CASE("migrate --help shows its usage and the global options", "[cli]") {
  Run r = Quotetrail("migrate --help");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("Usage: quotetrail migrate"));
  CHECK_THAT(r.out, Catch::Contains("--migrations"));
  CHECK_THAT(r.out, Catch::Contains("--db"));
}

TEST_CASE("an unknown option exits 2 with the usage on stderr", "[cli]") {
  Run r = Quotetrail("migrate --no-such-option");
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("unknown option '--no-such-option'"));
  CHECK_THAT(r.err, Catch::Contains("Usage: quotetrail migrate"));
}

TEST_CASE("an unknown command exits 2", "[cli]") {
  Run r = Quotetrail("frobnicate");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown command 'frobnicate'"));
}

TEST_CASE("migrate, db url, db status and db stop work on a fresh data dir", "[cli]") {
  TempDir tmp;
  const std::string dd = "--data-dir '" + tmp.path() + "/data' ";

  Run status0 = Quotetrail(dd + "db status");
  CHECK(status0.exit_code == 1);
  CHECK_THAT(status0.out, Catch::Contains("not initialized"));

  Run migrate = Quotetrail(dd + "migrate");
  REQUIRE(migrate.exit_code == 0);
  CHECK_THAT(migrate.out, Catch::Matches("applied [1-9][0-9]* migrations? \\(0 already applied\\)\n"));

  Run again = Quotetrail(dd + "migrate");
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Matches("applied 0 migrations \\([1-9][0-9]* already applied\\)\n"));

  Run url = Quotetrail(dd + "db url");
  REQUIRE(url.exit_code == 0);
  CHECK(url.out == "host=" + tmp.path() + "/data/run port=5432 dbname=quotetrail user=quotetrail\n");

  Run running = Quotetrail(dd + "db status");
  CHECK(running.exit_code == 0);
  CHECK_THAT(running.out, Catch::StartsWith("running: "));

  Run stop = Quotetrail(dd + "db stop");
  CHECK(stop.exit_code == 0);
  CHECK_THAT(stop.out, Catch::StartsWith("stopped: "));

  Run stopped = Quotetrail(dd + "db status");
  CHECK(stopped.exit_code == 1);
  CHECK_THAT(stopped.out, Catch::StartsWith("stopped: "));
}

TEST_CASE("migrate with an unreachable --db fails with exit 1 and a message", "[cli]") {
  TempDir tmp;
  Run r = Quotetrail("--db 'host=" + tmp.path() + " port=1 dbname=none connect_timeout=2' migrate");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("connecting to PostgreSQL"));
}

TEST_CASE("serve answers /healthz, reports a lost database as 503 and stops on SIGTERM",
          "[cli]") {
  TempDir tmp;
  const std::string data = tmp.path() + "/data";
  const std::string out = tmp.path() + "/serve.out", err = tmp.path() + "/serve.err";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> args = {QUOTETRAIL_BINARY, "--data-dir", data, "serve", "--port", "0"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&fa);

  int port = 0;
  std::smatch m;
  const std::regex serving("quotetrail serving on http://127\\.0\\.0\\.1:([0-9]+)/");
  for (int i = 0; i < 600 && port == 0; ++i) {
    std::string text = ReadWholeFile(out);
    if (std::regex_search(text, m, serving)) port = std::stoi(m[1]);
    else std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO("serve stderr: " << ReadWholeFile(err));
  if (port == 0) kill(pid, SIGKILL);
  REQUIRE(port != 0);

  std::string ok = HttpGet(port, "/healthz");
  CHECK_THAT(ok, Catch::StartsWith("HTTP/1.1 200"));
  CHECK_THAT(ok, Catch::EndsWith("{\"status\":\"ok\"}"));

  Run stop = Quotetrail("--data-dir '" + data + "' db stop");
  CHECK(stop.exit_code == 0);
  std::string down = HttpGet(port, "/healthz");
  CHECK_THAT(down, Catch::StartsWith("HTTP/1.1 503"));
  CHECK_THAT(down, Catch::Contains("database unavailable"));
  CHECK_THAT(down, !Catch::Contains("run/.s.PGSQL"));  // no internals leak

  REQUIRE(kill(pid, SIGTERM) == 0);
  int status = -1;
  for (int i = 0; i < 300; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
