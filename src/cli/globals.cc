#include "cli/commands.h"

namespace quotetrail::cli {

std::vector<OptionSpec> GlobalOptions() {
  return {
      {"--data-dir", "DIR",
       "embedded PostgreSQL cluster directory (default $XDG_DATA_HOME/quotetrail or "
       "~/.local/share/quotetrail)",
       "QUOTETRAIL_DATA_DIR", ""},
      {"--db", "URL", "use this PostgreSQL instead of the embedded one (libpq URL)",
       "QUOTETRAIL_DB", ""},
      {"--extractors", "DIR", "pattern, lexicon and gazetteer files", "QUOTETRAIL_EXTRACTORS",
       QUOTETRAIL_EXTRACTORS_DIR},
      {"--migrations", "DIR", "SQL migration files", "QUOTETRAIL_MIGRATIONS",
       QUOTETRAIL_MIGRATIONS_DIR},
  };
}

}  // namespace quotetrail::cli
