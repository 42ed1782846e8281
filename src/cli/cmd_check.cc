// cmd_check.cc: checking an attribution and exporting occurrences: check,
// export.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "attribution_check.h"
#include "cli/commands.h"
#include "csv_export.h"
#include "timestamp.h"

namespace quotetrail::cli {
namespace {

std::string Trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

void PrintCheck(const CheckResult& r) {
  std::cout << "verdict: " << VerdictName(r.verdict) << "\n";
  std::cout << "speaker: " << r.query_speaker;
  if (r.resolution.speaker) {
    std::cout << " -> " << r.resolution.speaker->name << " (#" << r.resolution.speaker->id << ")";
  } else if (!r.resolution.candidates.empty()) {
    std::cout << " -> ambiguous:";
    for (const auto& c : r.resolution.candidates)
      std::cout << " " << c.name << " (#" << c.id << ")";
  } else {
    std::cout << " -> no stored speaker";
  }
  std::cout << "\n" << r.explanation << "\n";
  int n = 0;
  for (const CheckMatch& m : r.matches) {
    char sim[16];
    std::snprintf(sim, sizeof sim, "%.2f", m.similarity);
    std::cout << "\n"
              << ++n << ". «" << m.quote.text << "»  similarity " << sim
              << (m.evidence ? "" : "  (not counted: a weaker match)") << "\n";
    std::cout << "   attributed to: ";
    if (m.attributed_to.empty()) std::cout << "(no identified speaker)";
    for (size_t i = 0; i < m.attributed_to.size(); ++i) {
      std::cout << (i ? ", " : "") << m.attributed_to[i].name << " ("
                << m.attributed_to[i].occurrences << ")";
    }
    std::cout << "\n   " << m.quote.occurrences << " occurrence(s) in " << m.quote.documents
              << " document(s)\n";
    if (const auto& f = m.quote.first_appearance) {
      std::cout << "   first appearance: "
                << (f->published_us ? FormatTimestampIso(*f->published_us) : std::string("?"))
                << (f->published_estimated ? " (ingest time)" : "");
      if (!f->outlet.empty()) std::cout << "  " << f->outlet;
      if (!f->url.empty()) std::cout << "  " << f->url;
      std::cout << "\n";
    }
  }
}

int RunCheck(const ParsedArgs& args) {
  const std::string text = Trimmed(args.positional()[0]);
  const std::string speaker = Trimmed(args.GetOr("--speaker", ""));
  const std::string format = args.GetOr("--format", "text");
  std::string err;
  if (text.empty())
    err = "TEXT: empty; give the words to check";
  else if (speaker.empty())
    err = "--speaker: required: the name the words are attributed to";
  else if (format != "text" && format != "json")
    err = "--format: expected text or json, got '" + format + "'";
  if (!err.empty()) {
    std::cerr << "quotetrail check: " << err << "\n";
    return kExitUsage;
  }
  auto fail = [](const Status& s) {
    std::cerr << "quotetrail check: " << s.message() << "\n";
    return s.code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
  };
  auto db = ResolveMigratedDatabase(args);
  if (!db.ok()) return fail(db.status());
  auto conn = Connect(db->url);
  if (!conn.ok()) return fail(conn.status());
  auto r = CheckAttribution(**conn, text, speaker);
  if (!r.ok()) return fail(r.status());
  if (format == "json") {
    std::cout << ToJson(*r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    PrintCheck(*r);
  }
  return kExitOk;
}

// Where the CSV goes: standard output, or FILE.tmp renamed to FILE at the end.
class Output {
 public:
  explicit Output(std::string path) : path_(std::move(path)) {}
  ~Output() {
    if (file_ != nullptr && file_ != stdout) std::fclose(file_);
    if (!tmp_.empty() && !done_) std::remove(tmp_.c_str());
  }
  Status Open() {
    if (path_.empty()) {
      file_ = stdout;
      return Status::Ok();
    }
    tmp_ = path_ + ".tmp";
    file_ = std::fopen(tmp_.c_str(), "wb");
    if (file_ == nullptr) return Unavailable(tmp_ + ": cannot create: " + std::strerror(errno));
    return Status::Ok();
  }
  bool Write(std::string_view chunk) {
    if (std::fwrite(chunk.data(), 1, chunk.size(), file_) == chunk.size()) return true;
    error_ = std::strerror(errno);
    return false;
  }
  // Flushes, and for a file syncs it and renames it into place.
  Status Finish() {
    if (std::fflush(file_) != 0)
      return Unavailable(Where() + ": write failed: " + std::strerror(errno));
    if (file_ == stdout) return Status::Ok();
    if (::fsync(fileno(file_)) != 0)
      return Unavailable(tmp_ + ": fsync failed: " + std::strerror(errno));
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) return Unavailable(tmp_ + ": write failed: " + std::strerror(errno));
    if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
      return Unavailable(path_ + ": cannot rename " + tmp_ + " to it: " + std::strerror(errno));
    done_ = true;
    return Status::Ok();
  }
  std::string Where() const { return path_.empty() ? "standard output" : tmp_; }
  const std::string& error() const { return error_; }

 private:
  std::string path_, tmp_;
  FILE* file_ = nullptr;
  bool done_ = false;
  std::string error_;
};

int RunExport(const ParsedArgs& args) {
  auto filter =
      ParseQuoteFilter([&](std::string_view name) { return args.Get("--" + std::string(name)); });
  if (!filter.ok()) {
    std::cerr << "quotetrail export: --" << filter.status().message() << "\n";
    return kExitUsage;
  }
  CsvOptions options;
  options.raw = args.Flag("--raw");
  options.bom = args.Flag("--bom");
  auto fail = [](const Status& s) {
    std::cerr << "quotetrail export: " << s.message() << "\n";
    return kExitFailure;
  };
  auto db = ResolveMigratedDatabase(args);
  if (!db.ok()) return fail(db.status());
  auto conn = Connect(db->url);
  if (!conn.ok()) return fail(conn.status());
  Output out(args.GetOr("-o", ""));
  if (Status s = out.Open(); !s.ok()) return fail(s);
  auto r = ExportOccurrences(**conn, *filter, options,
                             [&](std::string_view chunk) { return out.Write(chunk); });
  if (!r.ok() && r.status().code() == ErrorCode::kInvalidArgument) {
    std::cerr << "quotetrail export: --" << r.status().message() << "\n";
    return kExitUsage;
  }
  if (!r.ok()) return fail(r.status());
  if (!r->complete) return fail(Unavailable(out.Where() + ": write failed: " + out.error()));
  if (Status s = out.Finish(); !s.ok()) return fail(s);
  std::cerr << "quotetrail export: " << r->rows << (r->rows == 1 ? " row" : " rows") << "\n";
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> CheckCommands() {
  CommandSpec check;
  check.name = "check";
  check.summary = "check whether the stored sources attribute some words to a speaker";
  check.args_usage = "TEXT";
  check.min_args = 1;
  check.max_args = 1;
  check.options = {
      {"--speaker", "NAME", "the speaker the words are attributed to (required)", "", ""},
      {"--format", "text|json", "output (json: the body of POST /api/v1/check)", "", "text"},
  };
  check.details =
      "Finds the stored quotes matching TEXT (as find does: case, accents and\n"
      "punctuation do not matter, part of a quote matches) and compares who the\n"
      "sources attribute them to with NAME (\"Kim Jong Un\" is \"Kim Jong-un\"; a\n"
      "surname alone when only one speaker bears it). Verdicts: confirmed (NAME\n"
      "only), attributed_to_other (never NAME; the others are named), disputed (NAME\n"
      "and someone else, or several others and none with a majority), not_found (no\n"
      "match, or no identified speaker). src/attribution_check.h has the rules.\n"
      "Exit code 0 whatever the verdict; 2 when TEXT or NAME is empty.";
  check.run = RunCheck;

  CommandSpec exp;
  exp.name = "export";
  exp.summary = "export stored occurrences as CSV, filtered, in time order";
  exp.options = {
      {"--csv", "", "CSV (RFC 4180, UTF-8, CRLF); the only format, and the default", "", ""},
      {"--q", "TEXT", "quotes whose words match TEXT (as find does)", "", ""},
      {"--speaker", "NAME", "occurrences whose speaker's name contains NAME", "", ""},
      {"--agency", "NAME|ID", "occurrences relayed by this agency (name, alias or id)", "", ""},
      {"--outlet", "NAME", "occurrences in documents whose outlet contains NAME", "", ""},
      {"--lang", "CODE", "document language: fr also matches fr-FR", "", ""},
      {"--kind", "full|partial|indirect", "occurrences of this kind", "", ""},
      {"--from", "TIME", "published at or after TIME (ISO 8601)", "", ""},
      {"--to", "TIME", "published before TIME; a date alone includes that day", "", ""},
      {"--raw", "", "no formula neutralisation (cells starting with = + - @ are left as they are)",
       "", ""},
      {"--bom", "", "start with a UTF-8 byte order mark (for Excel)", "", ""},
      {"-o", "FILE", "write to FILE (through FILE.tmp, renamed at the end) instead of stdout", "",
       ""},
  };
  exp.details =
      "Columns: quote,speaker,via,outlet,title,url,published_at,first_seen,kind,\n"
      "confidence,cluster_id; one row per occurrence. A cell starting with = + - @,\n"
      "TAB or CR gets a leading ' unless --raw (spreadsheet formula injection).\n"
      "Rows are streamed: memory stays small whatever their number. The row count\n"
      "goes to stderr. A failed export to -o FILE leaves no FILE and no FILE.tmp.";
  exp.run = RunExport;
  return {check, exp};
}

}  // namespace quotetrail::cli
