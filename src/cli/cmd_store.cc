// cmd_store.cc: the provenance store commands: ingest and find.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <thread>

#include "article_reader.h"
#include "cli/commands.h"
#include "extractor.h"
#include "ingest.h"
#include "quote_search.h"
#include "store.h"
#include "timestamp.h"

namespace quotetrail::cli {
namespace {

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string Clock(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

// Progress on standard error: a bar redrawn in place on a terminal, a plain
// line every few seconds otherwise. Errors and warnings are printed above it.
class ProgressDisplay {
 public:
  explicit ProgressDisplay(bool tty) : tty_(tty) {}

  void Update(const IngestProgress& p) {
    last_ = p;
    have_ = true;
    if (tty_) {
      Draw();
    } else if (p.seconds - last_line_ >= 5) {
      last_line_ = p.seconds;
      std::cerr << "quotetrail ingest: " << Figures(p) << "\n";
    }
  }
  void Message(const std::string& m) {
    if (tty_ && have_) std::cerr << "\r\033[K";
    std::cerr << "quotetrail ingest: " << m << "\n";
    if (tty_ && have_) Draw();
  }
  void Finish() {
    if (tty_ && have_) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  static std::string Figures(const IngestProgress& p) {
    const double rate = p.seconds > 0 ? p.documents_read / p.seconds : 0;
    return Plural(p.documents_read, "document", "documents") + " (" +
           std::to_string(p.documents_added) + " new, " + std::to_string(p.documents_skipped) +
           " skipped, " + std::to_string(p.documents_failed) + " failed), " +
           Plural(p.occurrences_added, "quote", "quotes") + ", " + Fixed(rate, 1) + " documents/s";
  }
  void Draw() {
    const IngestProgress& p = last_;
    std::string line;
    if (p.bytes_total > 0) {
      const double f = std::min(1.0, static_cast<double>(p.bytes_done) / p.bytes_total);
      const int width = 24, filled = static_cast<int>(f * width);
      line = "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] " +
             Fixed(100 * f, 0) + "% ";
      if (f > 0 && f < 1) line += "ETA " + Clock(p.seconds * (1 - f) / f) + " ";
    }
    line += Figures(p);
    std::cerr << "\r\033[K" << line << std::flush;
  }

  bool tty_;
  bool have_ = false;
  IngestProgress last_;
  double last_line_ = 0;
};

int RunIngest(const ParsedArgs& args) {
  std::string err;
  IngestOptions o;
  o.threads = static_cast<int>(args.GetInt("--threads", std::max(1u, std::thread::hardware_concurrency()), 1, 256, &err));
  if (err.empty()) o.batch_documents = static_cast<size_t>(args.GetInt("--batch", static_cast<long>(IngestOptions().batch_documents), 1, 100000, &err));
  o.outlet = args.GetOr("--outlet", "");
  o.extract.lang = args.GetOr("--lang", "auto");
  o.extract.claims = args.Flag("--claims");
  if (err.empty() && o.extract.lang != "auto" && o.extract.lang != "fr" && o.extract.lang != "en")
    err = "--lang: expected auto, fr or en, got '" + o.extract.lang + "'";
  if (auto t = args.Get("--published-at"); err.empty() && t) {
    Result<int64_t> us = ParseTimestamp(*t);
    if (!us.ok()) err = "--published-at: " + us.status().message();
    else o.published_us = *us;
  }
  if (!err.empty()) {
    std::cerr << "quotetrail ingest: " << err << "\n";
    return kExitUsage;
  }
  auto fail = [](const Status& s) {
    std::cerr << "quotetrail ingest: " << s.message() << "\n";
    return kExitFailure;
  };
  auto files = ExpandInputs(args.positional());
  if (!files.ok()) return fail(files.status());
  auto extractor = Extractor::Load(args.GetOr("--extractors", QUOTETRAIL_EXTRACTORS_DIR));
  if (!extractor.ok()) return fail(extractor.status());
  auto db = ResolveMigratedDatabase(args);
  if (!db.ok()) return fail(db.status());
  StoreOptions sopts;
  sopts.on_notice = [](const std::string& m) { std::cerr << "quotetrail ingest: " << m << "\n"; };
  auto store = Store::Open(db->url, (*extractor)->gazetteer(), sopts);
  if (!store.ok()) return fail(store.status());

  ProgressDisplay display(isatty(STDERR_FILENO) == 1);
  o.on_error = [&](const std::string& m) { display.Message(m); };
  o.on_warning = [&](const std::string& m) { display.Message("warning: " + m); };
  o.on_progress = [&](const IngestProgress& p) { display.Update(p); };
  Result<IngestProgress> r = Ingest(*files, **extractor, **store, o);
  display.Finish();
  if (!r.ok()) return fail(r.status());
  const IngestProgress& p = *r;
  const double secs = std::max(p.seconds, 1e-9);
  std::cout << "ingested " << Plural(p.documents_read, "document", "documents") << ": "
            << p.documents_added << " added, " << p.documents_skipped
            << " skipped (already stored), " << p.documents_failed << " failed; "
            << Plural(p.occurrences_added, "occurrence", "occurrences") << " added\n"
            << "in " << Fixed(p.seconds, 1) << " s: " << Fixed(p.documents_read / secs, 1)
            << " documents/s, " << Fixed(p.occurrences_added / secs, 1) << " quotes/s\n";
  auto counts = (*store)->Counts();
  if (counts.ok()) {
    std::cout << "the store holds " << counts->documents << " documents, " << counts->occurrences
              << " occurrences in " << counts->quotes << " quote clusters, " << counts->speakers
              << " speakers; " << counts->conflicts << " clusters with conflicting speakers\n";
  }
  return p.documents_failed > 0 ? kExitFailure : kExitOk;
}

std::string Date(const FoundOccurrence& o) {
  std::string iso = FormatTimestampIso(o.published_us);  // 2025-07-12T08:30:00Z
  std::string out = iso.substr(0, 10) + " " + iso.substr(11, 5);
  if (o.published_estimated) out += " (ingest time)";
  return out;
}

std::string Where(const FoundOccurrence& o) {
  std::string out = o.outlet.empty() ? "" : o.outlet + "  ";
  return out + (o.url.empty() ? o.source : o.url);
}

void PrintText(const std::vector<FoundQuote>& quotes) {
  int n = 0;
  for (const FoundQuote& q : quotes) {
    if (n++ > 0) std::cout << "\n";
    std::cout << n << ". «" << q.text << "»\n";
    std::cout << "   speaker" << (q.speakers.size() > 1 ? "s: " : ": ");
    if (q.speakers.empty()) std::cout << "(none identified)";
    for (size_t i = 0; i < q.speakers.size(); ++i) {
      std::cout << (i ? ", " : "") << q.speakers[i].name;
      if (q.speakers.size() > 1) std::cout << " (" << q.speakers[i].occurrences << ")";
    }
    if (q.conflict) std::cout << "  CONFLICT: the same words are attributed to different speakers";
    std::cout << "\n   " << Plural(q.occurrence_count, "occurrence", "occurrences") << " in "
              << Plural(q.document_count, "document", "documents") << "\n";
    if (q.chain.empty()) continue;
    const FoundOccurrence& first = q.chain[0];
    std::cout << "   first appearance: " << Date(first) << "  " << Where(first) << "\n";
    std::cout << "   chain:\n";
    for (const FoundOccurrence& o : q.chain) {
      std::cout << "     #" << o.id << "  " << Date(o) << "  " << Where(o) << "\n";
      std::cout << "        " << (o.speaker.empty() ? "(unknown speaker)" : o.speaker);
      if (!o.speaker_mention.empty() && o.speaker_mention != o.speaker)
        std::cout << " (\"" << o.speaker_mention << "\")";
      if (!o.via.empty()) {
        std::cout << "  via ";
        for (size_t i = 0; i < o.via.size(); ++i) std::cout << (i ? ", " : "") << o.via[i];
      }
      if (o.derived_from != 0) std::cout << "  <- from #" << o.derived_from;
      if (o.text != q.text) std::cout << "\n        «" << o.text << "»";
      std::cout << "\n";
    }
  }
}

int RunFind(const ParsedArgs& args) {
  std::string err;
  FindQuery query;
  query.text = args.positional()[0];
  query.speaker = args.GetOr("--speaker", "");
  query.limit = static_cast<int>(args.GetInt("--limit", 10, 1, 1000, &err));
  const std::string format = args.GetOr("--format", "text");
  if (err.empty() && format != "text" && format != "json")
    err = "--format: expected text or json, got '" + format + "'";
  if (!err.empty()) {
    std::cerr << "quotetrail find: " << err << "\n";
    return kExitUsage;
  }
  auto fail = [](const Status& s) {
    std::cerr << "quotetrail find: " << s.message() << "\n";
    return kExitFailure;
  };
  auto db = ResolveMigratedDatabase(args);
  if (!db.ok()) return fail(db.status());
  auto conn = Connect(db->url);
  if (!conn.ok()) return fail(conn.status());
  auto found = FindQuotes(**conn, query);
  if (!found.ok()) return fail(found.status());
  if (format == "json") {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& q : *found) all.push_back(ToJson(q));
    std::cout << all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    PrintText(*found);
  }
  if (found->empty()) {
    std::cerr << "quotetrail find: no quote matches\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> StoreCommands() {
  CommandSpec ingest;
  ingest.name = "ingest";
  ingest.summary = "extract quotes from articles and store them, clustered, with their provenance";
  ingest.args_usage = "PATH...";
  ingest.min_args = 1;
  ingest.max_args = SIZE_MAX;
  ingest.options = {
      {"--threads", "N", "extraction threads (default: the number of CPUs)"},
      {"--outlet", "NAME", "publisher of every article (overrides og:site_name and \"outlet\")"},
      {"--published-at", "TIME",
       "publication time of every article, ISO 8601 (overrides the page's own)"},
      {"--lang", "auto|fr|en", "language of the articles", "", "auto"},
      {"--claims", "", "also store claims: reported speech without quotation marks"},
      {"--batch", "N", "documents per transaction", "", "1000"},
  };
  ingest.details =
      "PATH: .txt, .html/.htm and .jsonl files, directories (recursively), or - for\n"
      "standard input. An article whose normalised text is stored already is skipped,\n"
      "so ingesting the same files again adds nothing. Each batch of documents is\n"
      "committed whole: an interrupted ingest leaves whole documents, and running it\n"
      "again completes it. Bad input (unreadable file, invalid JSON line, invalid\n"
      "UTF-8, no text) is reported with its file and line and skipped; the exit code\n"
      "is then 1. Uses --db, else the embedded cluster (started and migrated as needed).";
  ingest.run = RunIngest;

  CommandSpec find;
  find.name = "find";
  find.summary = "find stored quotes by their words: speakers, first appearance, chain";
  find.args_usage = "TEXT";
  find.min_args = 1;
  find.max_args = 1;
  find.options = {
      {"--speaker", "NAME", "only quotes attributed to this speaker (part of the name)"},
      {"--limit", "N", "at most N quote clusters", "", "10"},
      {"--format", "text|json", "output", "", "text"},
  };
  find.details =
      "Case, accents, punctuation and quotation marks do not matter, and part of a\n"
      "quote finds its cluster. Each cluster shows its longest text, its speakers\n"
      "(a conflict when several are given the same words), its first appearance and\n"
      "every occurrence in time order with the relays it came through.\n"
      "Exit code 1 when nothing matches.";
  find.run = RunFind;
  return {ingest, find};
}

}  // namespace quotetrail::cli
