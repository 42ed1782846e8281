// cmd_extract.cc: `quotetrail extract`.
#include <atomic>
#include <iostream>
#include <thread>

#include "article_reader.h"
#include "cli/commands.h"
#include "extract_output.h"
#include "extractor.h"

namespace quotetrail::cli {

namespace {

int RunExtract(const ParsedArgs& args) {
  std::string err;
  long threads = args.GetInt("--threads", 1, 1, 256, &err);
  std::string lang = args.GetOr("--lang", "auto");
  std::string format = args.GetOr("--format", "jsonl");
  if (err.empty() && lang != "auto" && lang != "fr" && lang != "en") err = "--lang: expected auto, fr or en, got '" + lang + "'";
  if (err.empty() && format != "jsonl" && format != "text") err = "--format: expected jsonl or text, got '" + format + "'";
  if (!err.empty()) {
    std::cerr << "quotetrail extract: " << err << "\n";
    return kExitUsage;
  }
  auto extractor = Extractor::Load(args.GetOr("--extractors", QUOTETRAIL_EXTRACTORS_DIR));
  if (!extractor.ok()) {
    std::cerr << "quotetrail extract: " << extractor.status().message() << "\n";
    return kExitFailure;
  }
  auto files = ExpandInputs(args.positional());
  if (!files.ok()) {
    std::cerr << "quotetrail extract: " << files.status().message() << "\n";
    return kExitFailure;
  }
  ExtractOptions eopts;
  eopts.lang = lang;
  eopts.claims = args.Flag("--claims");
  ReadOptions ropts;
  ropts.warning = [](const std::string& m) { std::cerr << "quotetrail extract: warning: " << m << "\n"; };

  size_t failed = 0, articles = 0;
  std::vector<Article> batch;
  auto flush = [&] {
    std::vector<std::string> lines(batch.size());
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i; (i = next++) < batch.size();) {
        Extraction x = (*extractor)->Extract(batch[i], eopts);
        lines[i] = format == "jsonl" ? ToJsonLine(x) + "\n" : ToText(x) + "\n";
      }
    };
    std::vector<std::thread> pool;
    for (long t = 1; t < threads && static_cast<size_t>(t) < batch.size(); ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    for (const auto& l : lines) std::cout << l;
    std::cout.flush();
    articles += batch.size();
    batch.clear();
  };
  for (const auto& f : *files) {
    ReadArticles(f, ropts, [&](Result<Article> a) {
      if (!a.ok()) {
        std::cerr << "quotetrail extract: " << a.status().message() << "\n";
        ++failed;
        return;
      }
      batch.push_back(std::move(a).value());
      if (batch.size() >= 256) flush();
    });
  }
  flush();
  if (failed) {
    std::cerr << "quotetrail extract: " << articles << " articles extracted, " << failed
              << " inputs failed (see above)\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> ExtractCommands() {
  CommandSpec extract;
  extract.name = "extract";
  extract.summary = "find quotes, speakers and relays in articles (no database needed)";
  extract.args_usage = "PATH...";
  extract.min_args = 1;
  extract.max_args = SIZE_MAX;
  extract.options = {
      {"--lang", "auto|fr|en", "language of the articles", "", "auto"},
      {"--format", "jsonl|text", "output: one JSON line per article, or a listing", "", "jsonl"},
      {"--threads", "N", "extraction threads", "", "1"},
      {"--claims", "", "also report claims: reported speech without quotation marks (kind \"indirect\")"},
  };
  extract.details =
      "PATH: .txt, .html/.htm and .jsonl files, directories (recursively), or - for\n"
      "standard input. Errors in one input are reported and the others go on; the\n"
      "exit code is 1 when any input failed.";
  extract.run = RunExtract;
  return {extract};
}

}  // namespace quotetrail::cli
