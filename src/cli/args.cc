#include "cli/args.h"

#include <climits>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <sstream>

namespace quotetrail::cli {

std::optional<std::string> ParsedArgs::Get(const std::string& name) const {
  auto it = given_.find(name);
  if (it != given_.end()) {
    // the last occurrence wins for non-repeatable options
    auto range = given_.equal_range(name);
    std::string v;
    for (auto i = range.first; i != range.second; ++i) v = i->second;
    return v;
  }
  for (const auto& s : specs_) {
    if (s.name != name) continue;
    if (!s.env.empty()) {
      const char* e = std::getenv(s.env.c_str());
      if (e && *e) return std::string(e);
    }
    if (!s.fallback.empty()) return s.fallback;
  }
  return std::nullopt;
}

std::string ParsedArgs::GetOr(const std::string& name, const std::string& dflt) const {
  auto v = Get(name);
  return v ? *v : dflt;
}

std::vector<std::string> ParsedArgs::GetAll(const std::string& name) const {
  std::vector<std::string> out;
  auto range = given_.equal_range(name);
  for (auto i = range.first; i != range.second; ++i) out.push_back(i->second);
  return out;
}

bool ParsedArgs::Flag(const std::string& name) const {
  auto v = Get(name);
  return v && *v != "0" && *v != "false";
}

long ParsedArgs::GetInt(const std::string& name, long dflt, long lo, long hi,
                        std::string* error) const {
  auto v = Get(name);
  if (!v) return dflt;
  char* end = nullptr;
  long n = std::strtol(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || n < lo || n > hi) {
    *error = name + ": expected an integer from " + std::to_string(lo) + " to " +
             std::to_string(hi) + ", got '" + *v + "'";
    return dflt;
  }
  return n;
}

namespace {

void PrintOptions(std::ostream& os, const std::vector<OptionSpec>& opts) {
  for (const auto& o : opts) {
    std::string head = "  " + o.name + (o.metavar.empty() ? "" : " " + o.metavar);
    os << head;
    if (head.size() < 26) os << std::string(26 - head.size(), ' ');
    else os << "\n" << std::string(26, ' ');
    os << o.help;
    if (!o.env.empty()) os << " [env " << o.env << "]";
    if (!o.fallback.empty()) os << " (default " << o.fallback << ")";
    os << "\n";
  }
}

void PrintTopHelp(std::ostream& os, const std::vector<CommandSpec>& commands,
                  const std::vector<OptionSpec>& globals) {
  os << "quotetrail " << QUOTETRAIL_VERSION
     << ": finds quotes in news articles, attributes them to speakers\n"
        "and agencies, and tracks their provenance in PostgreSQL.\n\n"
        "Usage: quotetrail [OPTIONS] COMMAND [ARGS...]\n\nCommands:\n";
  for (const auto& c : commands) {
    std::string head = "  " + c.name;
    os << head << std::string(head.size() < 18 ? 18 - head.size() : 1, ' ') << c.summary << "\n";
  }
  os << "\nGlobal options:\n";
  PrintOptions(os, globals);
  os << "  --help                  show help (also after a command)\n"
        "  --version               print the version\n\n"
        "Run 'quotetrail COMMAND --help' for a command's options.\n"
        "Exit codes: 0 success, 1 failure, 2 usage error.\n";
}

void PrintCommandHelp(std::ostream& os, const CommandSpec& c,
                      const std::vector<OptionSpec>& globals) {
  os << "Usage: quotetrail " << c.name << " [OPTIONS]"
     << (c.args_usage.empty() ? "" : " " + c.args_usage) << "\n\n" << c.summary << "\n";
  if (!c.options.empty()) {
    os << "\nOptions:\n";
    PrintOptions(os, c.options);
  }
  os << "\nGlobal options:\n";
  PrintOptions(os, globals);
  if (!c.details.empty()) os << "\n" << c.details << "\n";
}

}  // namespace

struct Parser {
  static ParseOutcome Run(int argc, char** argv, const std::vector<CommandSpec>& commands,
                          const std::vector<OptionSpec>& globals) {
    ParseOutcome out;
    std::vector<std::string> words(argv + 1, argv + argc);
    auto usage_error = [&](const std::string& msg, const CommandSpec* c) {
      std::cerr << "quotetrail: " << msg << "\n";
      if (c) std::cerr << "Usage: quotetrail " << c->name << " [OPTIONS]"
                       << (c->args_usage.empty() ? "" : " " + c->args_usage)
                       << "\nRun 'quotetrail " << c->name << " --help' for details.\n";
      else std::cerr << "Run 'quotetrail --help' for the list of commands.\n";
      out.kind = ParseOutcome::kUsageError;
      return out;
    };

    // Pass 1: find the command (the longest "a b" or "a" matching the first
    // non-option words), skipping global options and their values.
    std::vector<std::string> rest;
    std::multimap<std::string, std::string> given;
    const CommandSpec* cmd = nullptr;
    bool help = false;
    auto find_opt = [](const std::vector<OptionSpec>& v, const std::string& n) -> const OptionSpec* {
      for (const auto& o : v) if (o.name == n) return &o;
      return nullptr;
    };
    std::vector<std::string> cmd_words;
    size_t i = 0;
    bool only_positional = false;
    for (; i < words.size(); ++i) {
      const std::string& w = words[i];
      if (!only_positional && w == "--") { only_positional = true; continue; }
      if (!only_positional && w.size() > 1 && w[0] == '-' ) {
        std::string name = w, value;
        bool has_value = false;
        if (auto eq = w.find('='); eq != std::string::npos) {
          name = w.substr(0, eq); value = w.substr(eq + 1); has_value = true;
        }
        if (name == "--help" || name == "-h") { help = true; continue; }
        if (name == "--version" && !cmd) {
          std::cout << "quotetrail " << QUOTETRAIL_VERSION << "\n";
          out.kind = ParseOutcome::kHelpShown;
          return out;
        }
        const OptionSpec* spec = find_opt(globals, name);
        if (!spec && cmd) spec = find_opt(cmd->options, name);
        if (!spec) {
          return usage_error("unknown option '" + name + "'" +
                             (cmd ? " for '" + cmd->name + "'" : ""), cmd);
        }
        if (spec->metavar.empty()) {
          if (has_value) return usage_error("option " + name + " takes no value", cmd);
          given.emplace(name, "1");
        } else {
          if (!has_value) {
            if (i + 1 >= words.size()) return usage_error("option " + name + " needs a value (" + spec->metavar + ")", cmd);
            value = words[++i];
          }
          given.emplace(name, value);
        }
        continue;
      }
      if (!cmd) {
        cmd_words.push_back(w);
        std::string joined;
        for (const auto& cw : cmd_words) joined += (joined.empty() ? "" : " ") + cw;
        const CommandSpec* exact = nullptr;
        bool is_prefix = false;
        for (const auto& c : commands) {
          if (c.name == joined) exact = &c;
          else if (c.name.rfind(joined + " ", 0) == 0) is_prefix = true;
        }
        if (exact) { cmd = exact; continue; }
        if (is_prefix) continue;  // e.g. "db" awaiting "start"
        return usage_error("unknown command '" + joined + "'", nullptr);
      }
      rest.push_back(w);
    }
    if (!cmd) {
      if (!cmd_words.empty()) {
        // a group name alone, e.g. "quotetrail db": list its subcommands
        std::string group = cmd_words[0];
        std::ostream& os = help ? std::cout : std::cerr;
        os << "Usage: quotetrail " << group << " SUBCOMMAND\n\nSubcommands:\n";
        for (const auto& c : commands)
          if (c.name.rfind(group + " ", 0) == 0) os << "  " << c.name << "  " << c.summary << "\n";
        out.kind = help ? ParseOutcome::kHelpShown : ParseOutcome::kUsageError;
        return out;
      }
      PrintTopHelp(help ? std::cout : std::cerr, commands, globals);
      out.kind = help ? ParseOutcome::kHelpShown : ParseOutcome::kUsageError;
      return out;
    }
    if (help) {
      PrintCommandHelp(std::cout, *cmd, globals);
      out.kind = ParseOutcome::kHelpShown;
      return out;
    }
    if (rest.size() < cmd->min_args)
      return usage_error("'" + cmd->name + "' needs " + (cmd->args_usage.empty() ? "arguments" : cmd->args_usage), cmd);
    if (rest.size() > cmd->max_args)
      return usage_error("unexpected argument '" + rest[cmd->max_args] + "'", cmd);
    out.args.command_ = cmd;
    out.args.specs_ = globals;
    out.args.specs_.insert(out.args.specs_.end(), cmd->options.begin(), cmd->options.end());
    out.args.given_ = std::move(given);
    out.args.positional_ = std::move(rest);
    out.kind = ParseOutcome::kRun;
    return out;
  }
};

ParseOutcome ParseArgs(int argc, char** argv, const std::vector<CommandSpec>& commands,
                       const std::vector<OptionSpec>& globals) {
  return Parser::Run(argc, argv, commands, globals);
}

}  // namespace quotetrail::cli
