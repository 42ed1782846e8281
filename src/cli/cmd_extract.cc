#include "cli/commands.h"

namespace quotetrail::cli {

std::vector<CommandSpec> ExtractCommands() { return {}; }

}  // namespace quotetrail::cli
