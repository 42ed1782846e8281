// main.cc: the quotetrail program. Parses the command line and runs the
// command's handler; all work lives in the core library.
#include <exception>
#include <iostream>

#include "cli/args.h"
#include "cli/commands.h"

int main(int argc, char** argv) {
  using namespace quotetrail::cli;
  std::vector<CommandSpec> commands;
  for (auto part : {DbCommands(), ServeCommands(), TokenCommands(), ExtractCommands(), StoreCommands(),
                    CheckCommands()})
    commands.insert(commands.end(), part.begin(), part.end());
  ParseOutcome parsed = ParseArgs(argc, argv, commands, GlobalOptions());
  if (parsed.kind == ParseOutcome::kHelpShown) return kExitOk;
  if (parsed.kind == ParseOutcome::kUsageError) return kExitUsage;
  try {
    return parsed.args.command().run(parsed.args);
  } catch (const std::exception& e) {
    std::cerr << "quotetrail: internal error: " << e.what() << "\n";
    return kExitFailure;
  }
}
