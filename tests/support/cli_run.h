// cli_run.h: running the quotetrail program from tests, as a user would.
//
// Thread-safety: the functions may be called from any thread; each run uses
// its own temporary files.
#pragma once

#include <string>

namespace quotetrail::testing {

struct Run {
  int exit_code = -1;  // -1 when the program did not exit normally
  std::string out, err;
};

// The whole content of a file ("" when it cannot be read).
std::string ReadWholeFile(const std::string& path);

// Runs QUOTETRAIL_BINARY with `args` (shell words, already quoted where
// needed), standard input from `input`, in directory `cwd` when not empty.
Run Quotetrail(const std::string& args, const std::string& input = "/dev/null",
               const std::string& cwd = "");

}  // namespace quotetrail::testing
