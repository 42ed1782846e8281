// The page in a real browser: a real PostgreSQL holding the seed corpus, the
// real `quotetrail serve`, and Debian's chromium driven by playwright-core
// (tests/browser/page_test.mjs: search, provenance chain, source article
// with the quote highlighted, attribution check, CSV export, an API error,
// an empty result, a shared link on a narrow screen), and against a server
// that needs a token to read (tests/browser/token_test.mjs).
//
// Needs /usr/bin/chromium, node and tests/browser/node_modules, all installed
// by scripts/install-deps; when one is missing the test FAILS saying so (it
// never skips). Screenshots go to QUOTETRAIL_SCREENSHOT_DIR (build/screenshots)
// and their paths are printed.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <regex>
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

std::string Q(const std::string& s) { return "'" + s + "'"; }  // our paths hold no quote

// `quotetrail ARGS serve --port 0 SERVE_ARGS` in the background, stopped (SIGTERM, then
// SIGKILL) by the destructor so a failed REQUIRE leaves no server behind.
class Server {
 public:
  Server(const std::vector<std::string>& global_args, const std::string& dir,
         const std::vector<std::string>& serve_args = {}) {
    out_ = dir + "/serve.out";
    err_ = dir + "/serve.err";
    std::vector<std::string> args = {QUOTETRAIL_BINARY};
    args.insert(args.end(), global_args.begin(), global_args.end());
    for (const char* a : {"serve", "--port", "0"}) args.push_back(a);
    args.insert(args.end(), serve_args.begin(), serve_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid_ = 0;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Server() { Stop(); }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The URL from the first stdout line "quotetrail serving on URL", waiting
  // up to 60 s; "" when the server exited or never said it.
  std::string WaitForUrl() {
    const std::regex serving(R"(^quotetrail serving on (http://127\.0\.0\.1:[0-9]+/)\n)");
    for (int i = 0; i < 600 && pid_ != 0; ++i) {
      std::smatch m;
      const std::string text = ReadWholeFile(out_);
      if (std::regex_search(text, m, serving)) return m[1];
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = 0;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return "";
  }

  std::string Output() const { return ReadWholeFile(out_) + ReadWholeFile(err_); }

  // SIGTERM, then SIGKILL after 10 s; returns the exit status (-1 if killed).
  int Stop() {
    if (pid_ == 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = 0;
    return -1;
  }

 private:
  pid_t pid_ = 0;
  std::string out_, err_;
};

// Runs a shell command; returns its exit code (-1 if it did not exit) and
// its merged stdout and stderr.
int Shell(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output->append(buf, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool Executable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

// A missing tool is a failure that says how to fix it, never a skip.
void RequireBrowserTools() {
  const std::string browser_dir = std::string(QUOTETRAIL_SOURCE_DIR) + "/tests/browser";
  std::string node_version;
  if (!Executable("/usr/bin/chromium")) FAIL("/usr/bin/chromium not found: run scripts/install-deps");
  if (Shell("node --version", &node_version) != 0)
    FAIL("node not found (" << node_version << "): run scripts/install-deps");
  if (access((browser_dir + "/node_modules/playwright-core/package.json").c_str(), R_OK) != 0)
    FAIL("playwright-core is not in tests/browser/node_modules: run scripts/install-deps");
}

// The seed article ingested into the database at `url`.
void IngestSeed(const std::string& url, const std::string& data_dir) {
  Run ingest = Quotetrail("--db " + Q(url) + " --data-dir " + Q(data_dir) +
                          " ingest --published-at 2025-07-12T18:00:00Z " +
                          Q(std::string(QUOTETRAIL_TEST_DATA) + "/seed/lavrov-wonsan.txt"));
  INFO("ingest: " << ingest.out << ingest.err);
  REQUIRE(ingest.exit_code == 0);
}

// `node tests/browser/SCRIPT ARGS...`: its exit code, its output in *output
// (also printed: the screenshot paths).
int RunPageScript(const std::string& script, const std::vector<std::string>& args, std::string* output) {
  std::string command = "node " + Q(std::string(QUOTETRAIL_SOURCE_DIR) + "/tests/browser/" + script);
  for (const auto& a : args) {
    command += ' ';
    command += Q(a);
  }
  const int code = Shell(command, output);
  std::cout << *output << std::flush;
  return code;
}

}  // namespace

TEST_CASE("in chromium the page finds a quote and shows its chain and source article then checks an attribution and exports CSV",
          "[browser]") {
  RequireBrowserTools();

  const std::string url = quotetrail::testing::RequireFreshDatabase();
  TempDir tmp("qt-browser");
  const std::string data_dir = tmp.path() + "/data";
  IngestSeed(url, data_dir);

  Server server({"--db", url, "--data-dir", data_dir}, tmp.path());
  const std::string base = server.WaitForUrl();
  INFO("serve output: " << server.Output());
  REQUIRE(!base.empty());

  const std::string shots = QUOTETRAIL_SCREENSHOT_DIR;
  std::string output;
  const int code = RunPageScript("page_test.mjs", {base, shots}, &output);
  INFO("page_test.mjs output:\n" << output);
  CHECK(code == 0);
  CHECK_THAT(output, Catch::Contains("page_test: all steps passed"));
  CHECK_THAT(output, Catch::Contains("screenshot: " + shots + "/03-article.png"));
  CHECK(server.Stop() == 0);
}

TEST_CASE("in chromium the page asks for an API token when reads need one, then searches and exports with it",
          "[browser]") {
  RequireBrowserTools();

  const std::string url = quotetrail::testing::RequireFreshDatabase();
  TempDir tmp("qt-browser-token");
  const std::string data_dir = tmp.path() + "/data";
  IngestSeed(url, data_dir);
  Run token = Quotetrail("--db " + Q(url) + " --data-dir " + Q(data_dir) + " token create --name browser");
  INFO("token create: " << token.out << token.err);
  REQUIRE(token.exit_code == 0);
  const std::string secret = token.out.substr(0, token.out.find('\n'));
  REQUIRE(secret.size() >= 20);

  Server server({"--db", url, "--data-dir", data_dir}, tmp.path(), {"--require-token-for-reads"});
  const std::string base = server.WaitForUrl();
  INFO("serve output: " << server.Output());
  REQUIRE(!base.empty());

  const std::string shots = QUOTETRAIL_SCREENSHOT_DIR;
  std::string output;
  const int code = RunPageScript("token_test.mjs", {base, secret, shots}, &output);
  INFO("token_test.mjs output:\n" << output);
  CHECK(code == 0);
  CHECK_THAT(output, Catch::Contains("token_test: all steps passed"));
  CHECK(server.Stop() == 0);
}
