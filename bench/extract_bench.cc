// extract_bench.cc: extraction throughput against a reading floor.
//
// Loads the .txt articles of the dev corpora (or of the directories given on
// the command line), repeats them in memory until at least --mb N megabytes
// (default 100), and measures, five runs each, reporting the median:
//   floor   copying every article's bytes into a fresh buffer + IsValidUtf8,
//   1 thread  Extractor::Extract over every article,
//   2 threads the article list split in two halves, one std::thread each,
//             sharing one Extractor.
// Prints MB/s, articles/s, the ratio to the floor and the quote counts (the
// same for 1 and 2 threads, or the run is reported as inconsistent).
//
// Usage: extract_bench [--mb N] [--runs N] [--extractors DIR] [DIR...]
// A program, not a test: it only prints figures. Exit 1 when nothing could be
// loaded or the quote counts differ between 1 and 2 threads.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "article.h"
#include "article_reader.h"
#include "extractor.h"
#include "utf8.h"

namespace {

using quotetrail::Article;
using quotetrail::ExtractOptions;
using quotetrail::Extractor;

constexpr double kTargetMbPerSecPerCore = 50.0;

struct Figures {
  double seconds = 0;
  size_t quotes = 0;
};

double MedianSeconds(std::vector<Figures> runs) {
  std::sort(runs.begin(), runs.end(),
            [](const Figures& a, const Figures& b) { return a.seconds < b.seconds; });
  return runs[runs.size() / 2].seconds;
}

// Loads every .txt file directly in `dir`, sorted by name.
size_t LoadDir(const std::string& dir, std::vector<Article>* out) {
  std::error_code ec;
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".txt") paths.push_back(e.path().string());
  }
  if (ec) std::fprintf(stderr, "extract_bench: %s: %s\n", dir.c_str(), ec.message().c_str());
  std::sort(paths.begin(), paths.end());
  size_t n = 0;
  for (const auto& p : paths) {
    quotetrail::ReadOptions ropts;
    quotetrail::ReadArticles(p, ropts, [&](quotetrail::Result<Article> a) {
      if (!a.ok()) {
        std::fprintf(stderr, "extract_bench: %s\n", a.status().message().c_str());
        return;
      }
      out->push_back(std::move(a).value());
      ++n;
    });
  }
  return n;
}

Figures RunFloor(const std::vector<Article>& articles) {
  auto t0 = std::chrono::steady_clock::now();
  size_t valid = 0;
  for (const auto& a : articles) {
    std::unique_ptr<char[]> buf(new char[a.text.size()]);
    std::memcpy(buf.get(), a.text.data(), a.text.size());
    valid += quotetrail::IsValidUtf8(std::string_view(buf.get(), a.text.size()));
  }
  auto t1 = std::chrono::steady_clock::now();
  return {std::chrono::duration<double>(t1 - t0).count(), valid};
}

size_t ExtractSpan(const Extractor& ex, const std::vector<Article>& articles, size_t begin,
                   size_t end, const ExtractOptions& opts) {
  size_t quotes = 0;
  for (size_t i = begin; i < end; ++i) quotes += ex.Extract(articles[i], opts).quotes.size();
  return quotes;
}

Figures RunExtract(const Extractor& ex, const std::vector<Article>& articles, int threads,
                   const ExtractOptions& opts) {
  auto t0 = std::chrono::steady_clock::now();
  size_t quotes = 0;
  if (threads <= 1) {
    quotes = ExtractSpan(ex, articles, 0, articles.size(), opts);
  } else {
    std::vector<size_t> counts(threads, 0);
    std::vector<std::thread> pool;
    size_t n = articles.size();
    for (int t = 0; t < threads; ++t) {
      size_t b = n * t / threads, e = n * (t + 1) / threads;
      pool.emplace_back([&, t, b, e] { counts[t] = ExtractSpan(ex, articles, b, e, opts); });
    }
    for (auto& th : pool) th.join();
    for (size_t c : counts) quotes += c;
  }
  auto t1 = std::chrono::steady_clock::now();
  return {std::chrono::duration<double>(t1 - t0).count(), quotes};
}

}  // namespace

int main(int argc, char** argv) {
  double target_mb = 100;
  int runs = 5;
  std::string extractors_dir = QUOTETRAIL_EXTRACTORS_DIR;
  std::vector<std::string> dirs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--mb" && i + 1 < argc) {
      target_mb = std::atof(argv[++i]);
    } else if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--extractors" && i + 1 < argc) {
      extractors_dir = argv[++i];
    } else if (a == "--help" || a == "-h") {
      std::printf("usage: extract_bench [--mb N] [--runs N] [--extractors DIR] [DIR...]\n");
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "extract_bench: unknown option %s\n", a.c_str());
      return 2;
    } else {
      dirs.push_back(a);
    }
  }
  if (dirs.empty()) {
    dirs = {"/work/shared/corpus/fr_dev/text", "/work/shared/corpus/en_dev/text",
            "/work/shared/corpus/seed/text"};
  }

  std::vector<Article> base;
  for (const auto& d : dirs) {
    size_t n = LoadDir(d, &base);
    std::printf("loaded %zu articles from %s\n", n, d.c_str());
  }
  size_t base_bytes = 0;
  for (const auto& a : base) base_bytes += a.text.size();
  if (base.empty() || base_bytes == 0) {
    std::fprintf(stderr, "extract_bench: no articles loaded\n");
    return 1;
  }

  auto extractor = Extractor::Load(extractors_dir);
  if (!extractor.ok()) {
    std::fprintf(stderr, "extract_bench: %s\n", extractor.status().message().c_str());
    return 1;
  }
  const Extractor& ex = **extractor;
  ExtractOptions opts;

  const size_t target_bytes = static_cast<size_t>(target_mb * 1e6);
  std::vector<Article> articles;
  size_t total_bytes = 0, copies = 0;
  while (total_bytes < target_bytes) {
    for (const auto& a : base) {
      articles.push_back(a);
      articles.back().id.append("#").append(std::to_string(copies));
      total_bytes += a.text.size();
    }
    ++copies;
  }
  const double mb = total_bytes / 1e6;
  std::printf("corpus: %zu distinct articles (%.2f MB) x %zu = %zu articles, %.1f MB\n",
              base.size(), base_bytes / 1e6, copies, articles.size(), mb);
  std::printf("runs per measurement: %d (median reported); hardware threads: %u\n", runs,
              std::thread::hardware_concurrency());

  auto measure = [&](auto fn) {
    std::vector<Figures> all;
    for (int r = 0; r < runs; ++r) all.push_back(fn());
    Figures f = all.front();
    f.seconds = MedianSeconds(all);
    for (const auto& x : all) {
      if (x.quotes != f.quotes) f.quotes = SIZE_MAX;  // inconsistent between runs
    }
    return f;
  };

  Figures floor = measure([&] { return RunFloor(articles); });
  Figures one = measure([&] { return RunExtract(ex, articles, 1, opts); });
  Figures two = measure([&] { return RunExtract(ex, articles, 2, opts); });

  auto report = [&](const char* name, const Figures& f, int cores, bool is_floor) {
    double mbps = mb / f.seconds;
    std::printf("%-22s %9.3f s  %10.1f MB/s  %12.0f articles/s  %8.1f MB/s/core", name,
                f.seconds, mbps, articles.size() / f.seconds, mbps / cores);
    if (is_floor) {
      std::printf("  (valid: %zu/%zu)\n", f.quotes, articles.size());
    } else {
      std::printf("  floor/this %7.1fx  quotes %zu\n", f.seconds / floor.seconds, f.quotes);
    }
  };
  std::printf("\n%-22s %11s  %15s  %23s  %17s\n", "measurement", "median", "throughput", "rate",
              "per core");
  report("floor (memcpy+utf8)", floor, 1, true);
  report("extract, 1 thread", one, 1, false);
  report("extract, 2 threads", two, 2, false);

  double per_core_1 = mb / one.seconds;
  double per_core_2 = mb / two.seconds / 2;
  std::printf("\ntarget: >= %.0f MB/s per core\n", kTargetMbPerSecPerCore);
  std::printf("1 thread:  %.2f MB/s per core -> %s\n", per_core_1,
              per_core_1 >= kTargetMbPerSecPerCore ? "MEETS target" : "BELOW target");
  std::printf("2 threads: %.2f MB/s per core -> %s (speed-up %.2fx over 1 thread)\n", per_core_2,
              per_core_2 >= kTargetMbPerSecPerCore ? "MEETS target" : "BELOW target",
              one.seconds / two.seconds);
  bool same = one.quotes == two.quotes && one.quotes != SIZE_MAX;
  std::printf("quotes: 1 thread %zu, 2 threads %zu -> %s\n", one.quotes, two.quotes,
              same ? "consistent" : "INCONSISTENT");
  return same ? 0 : 1;
}
