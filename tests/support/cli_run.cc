#include "support/cli_run.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support/pg_harness.h"

namespace quotetrail::testing {

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Run Quotetrail(const std::string& args, const std::string& input, const std::string& cwd) {
  TempDir tmp("qt-cli");
  auto quoted = [](const std::string& s) { return "'" + s + "'"; };  // paths hold no quote
  std::string cmd = (cwd.empty() ? "" : "cd " + quoted(cwd) + " && ") + quoted(QUOTETRAIL_BINARY) +
                    " " + args + " >" + quoted(tmp.path() + "/out") + " 2>" +
                    quoted(tmp.path() + "/err") + " <" + quoted(input);
  int status = std::system(cmd.c_str());
  Run r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadWholeFile(tmp.path() + "/out");
  r.err = ReadWholeFile(tmp.path() + "/err");
  return r;
}

}  // namespace quotetrail::testing
