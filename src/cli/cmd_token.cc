// cmd_token.cc: API tokens: token create|list|revoke (api_tokens.h).
#include <iostream>

#include "api_tokens.h"
#include "cli/commands.h"
#include "timestamp.h"

namespace quotetrail::cli {
namespace {

int Fail(const Status& s) {
  std::cerr << "quotetrail token: " << s.message() << "\n";
  return kExitFailure;
}

Result<std::unique_ptr<pqxx::connection>> Open(const ParsedArgs& args) {
  auto db = ResolveMigratedDatabase(args);
  if (!db.ok()) return db.status();
  return Connect(db->url);
}

int RunCreate(const ParsedArgs& args) {
  const std::string name = args.GetOr("--name", "");
  if (name.size() > 200) {
    std::cerr << "quotetrail token create: --name: longer than 200 bytes\n";
    return kExitUsage;
  }
  auto conn = Open(args);
  if (!conn.ok()) return Fail(conn.status());
  auto t = CreateApiToken(**conn, name);
  if (!t.ok()) return Fail(t.status());
  std::cerr << "token " << t->id << (name.empty() ? "" : " (" + name + ")")
            << " created; it is shown only this once:\n";
  std::cout << t->token << "\n";
  return kExitOk;
}

int RunList(const ParsedArgs& args) {
  auto conn = Open(args);
  if (!conn.ok()) return Fail(conn.status());
  auto list = ListApiTokens(**conn);
  if (!list.ok()) return Fail(list.status());
  std::cout << "id\tname\tcreated\tlast used\trevoked\n";
  for (const auto& t : *list) {
    std::cout << t.id << "\t" << (t.name.empty() ? "-" : t.name) << "\t" << FormatTimestampIso(t.created_us)
              << "\t" << (t.last_used_us ? FormatTimestampIso(*t.last_used_us) : "-") << "\t"
              << (t.revoked_us ? FormatTimestampIso(*t.revoked_us) : "-") << "\n";
  }
  return kExitOk;
}

int RunRevoke(const ParsedArgs& args) {
  const std::string& arg = args.positional()[0];
  if (arg.empty() || arg.size() > 18 || arg.find_first_not_of("0123456789") != std::string::npos) {
    std::cerr << "quotetrail token revoke: ID: expected a token id as listed by token list, got '" << arg << "'\n";
    return kExitUsage;
  }
  auto conn = Open(args);
  if (!conn.ok()) return Fail(conn.status());
  Status s = RevokeApiToken(**conn, std::stoll(arg));
  if (!s.ok()) return Fail(s);
  std::cout << "revoked token " << arg << "\n";
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> TokenCommands() {
  const std::string note =
      "Tokens authorise POST /api/v1/documents (and every /api/v1 read with\n"
      "serve --require-token-for-reads): Authorization: Bearer TOKEN. Only their\n"
      "SHA-256 is stored.";
  std::vector<CommandSpec> cmds;
  cmds.push_back({"token create", "create an API token and print it (once)", "", 0, 0,
                  {{"--name", "NAME", "what the token is for, shown by token list", "", ""}}, note, RunCreate});
  cmds.push_back({"token list", "list API tokens (never the tokens themselves)", "", 0, 0, {}, note, RunList});
  cmds.push_back({"token revoke", "revoke an API token by id", "ID", 1, 1, {}, note, RunRevoke});
  return cmds;
}

}  // namespace quotetrail::cli
