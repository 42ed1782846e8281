// args.h: the command-line grammar of quotetrail.
//
//   quotetrail [GLOBAL OPTIONS] COMMAND [SUBCOMMAND] [OPTIONS] [ARGS...]
//
// Each command declares its options as data (CommandSpec); ParseArgs checks the
// command line against them and renders --help from the same data, so the help
// text and the accepted options cannot drift apart. Global options (--data-dir,
// --db, ...) are accepted before or after the command. Not thread-safe; used once
// from main().
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace quotetrail::cli {

// Exit codes of the program.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct OptionSpec {
  std::string name;      // long form with dashes, e.g. "--threads"
  std::string metavar;   // "N", "DIR"...; empty for a flag that takes no value
  std::string help;
  std::string env;       // environment variable consulted when absent, or ""
  std::string fallback;  // value when neither given nor in the environment, or ""
  bool repeatable = false;
};

class ParsedArgs;
using Handler = std::function<int(const ParsedArgs&)>;

struct CommandSpec {
  std::string name;        // "extract", or "db start" for a subcommand
  std::string summary;     // one line for the command list
  std::string args_usage;  // e.g. "PATH..." (empty: no positional arguments)
  size_t min_args = 0;
  size_t max_args = 0;     // SIZE_MAX for unbounded
  std::vector<OptionSpec> options;
  std::string details;     // extra help text printed after the options
  Handler run;
};

class ParsedArgs {
 public:
  // The option's value: given on the command line, else its environment
  // variable, else its fallback; nullopt when none of these is set.
  std::optional<std::string> Get(const std::string& name) const;
  std::string GetOr(const std::string& name, const std::string& dflt) const;
  // All values of a repeatable option, in command-line order.
  std::vector<std::string> GetAll(const std::string& name) const;
  bool Flag(const std::string& name) const;
  // Integer value; sets `error` and returns dflt when it is not an integer in [lo, hi].
  long GetInt(const std::string& name, long dflt, long lo, long hi, std::string* error) const;
  const std::vector<std::string>& positional() const { return positional_; }
  const CommandSpec& command() const { return *command_; }

 private:
  friend struct Parser;
  const CommandSpec* command_ = nullptr;
  std::vector<OptionSpec> specs_;
  std::multimap<std::string, std::string> given_;
  std::vector<std::string> positional_;
};

struct ParseOutcome {
  enum Kind { kRun, kHelpShown, kUsageError } kind = kUsageError;
  ParsedArgs args;
};

// Parses argv against `commands` and `globals`. Prints help to stdout (kHelpShown)
// or an error with usage to stderr (kUsageError); on kRun, args is filled.
ParseOutcome ParseArgs(int argc, char** argv, const std::vector<CommandSpec>& commands,
                       const std::vector<OptionSpec>& globals);

}  // namespace quotetrail::cli
