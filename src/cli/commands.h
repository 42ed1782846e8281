// commands.h: the command table of the quotetrail program.
//
// Each file cli/cmd_*.cc contributes the commands of one area as data
// (CommandSpec with its handler); main.cc concatenates them. Handlers return
// an exit code (args.h) and print errors to stderr themselves.
#pragma once

#include <vector>

#include "cli/args.h"

namespace quotetrail::cli {

// Options every command accepts (--data-dir, --db, --extractors...).
std::vector<OptionSpec> GlobalOptions();

std::vector<CommandSpec> DbCommands();       // cmd_db.cc: db start|stop|status|url, migrate, serve
std::vector<CommandSpec> ExtractCommands();  // cmd_extract.cc: extract

}  // namespace quotetrail::cli
