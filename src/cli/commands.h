// commands.h: the command table of the quotetrail program.
//
// Each file cli/cmd_*.cc contributes the commands of one area as data
// (CommandSpec with its handler); main.cc concatenates them. Handlers return
// an exit code (args.h) and print errors to stderr themselves.
#pragma once

#include <vector>

#include "cli/args.h"
#include "database.h"
#include "result.h"

namespace quotetrail::cli {

// Options every command accepts (--data-dir, --db, --extractors...).
std::vector<OptionSpec> GlobalOptions();

std::vector<CommandSpec> DbCommands();       // cmd_db.cc: db start|stop|status|url, migrate
std::vector<CommandSpec> ServeCommands();    // cmd_serve.cc: serve
std::vector<CommandSpec> TokenCommands();    // cmd_token.cc: token create|list|revoke
std::vector<CommandSpec> ExtractCommands();  // cmd_extract.cc: extract
std::vector<CommandSpec> StoreCommands();    // cmd_store.cc: ingest, find
std::vector<CommandSpec> CheckCommands();    // cmd_check.cc: check, export

// The database of --db, else the embedded cluster of --data-dir (started
// when needed), with the pending migrations of --migrations applied; notices
// go to stderr. For the commands that read or write the store.
Result<ResolvedDatabase> ResolveMigratedDatabase(const ParsedArgs& args);

}  // namespace quotetrail::cli
