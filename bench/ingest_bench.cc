// ingest_bench.cc: ingest throughput against a raw COPY of the same rows.
//
// Builds --articles N (default 20,000) synthetic articles from the dev
// corpora (each copy gets a unique dispatch line, so every text hash
// differs, an outlet from a fixed list and its own publication time; the
// quotes repeat across copies, as wire copy does, so clusters grow), starts
// a throwaway embedded PostgreSQL and measures, --runs times each (median
// reported), each run on a fresh database with the full schema and indexes:
//   end-to-end   Ingest() on a JSONL file of the articles: read, normalise,
//                hash, extract (--threads, default 2) and store, then
//                Store::Settle (index pending lists merged, tables analysed);
//   store path   the same articles extracted beforehand (untimed), written
//                through Store::Write in batches of --batch (default: ingest's):
//                the storage code path of ingest alone (clustering, speakers,
//                provenance, COPY); Settle is timed apart and printed;
//   raw COPY     every row the store path wrote (all tables), read back and
//                written with COPY in one transaction into another fresh
//                database: what PostgreSQL needs for the same rows, with no
//                logic at all.
// Before each timed phase, the databases of the run before are dropped and
// a CHECKPOINT writes out what earlier phases left, so no phase pays for
// another's WAL. Prints articles/s and quotes/s of each, and each of
// end-to-end and store path against raw COPY (the median of the runs' own
// shares). Targets: >= 2,000 articles/s and >= 50 % of the raw COPY rate;
// end-to-end is what `quotetrail ingest` does, so it is the one that counts.
//
// Usage: ingest_bench [--articles N] [--runs N] [--threads N] [--batch N]
//                     [--extractors DIR] [--keep] [--no-end-to-end] [DIR...]
// A program, not a test: it only prints figures. Exit 1 when the runs do not
// store the same number of rows, or nothing could be loaded.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/tablereader>
#include <pqxx/tablewriter>

#include "article_reader.h"
#include "database.h"
#include "embedded_pg.h"
#include "extractor.h"
#include "ingest.h"
#include "migrations.h"
#include "sha256.h"
#include "store.h"
#include "timestamp.h"

namespace {

using namespace quotetrail;
using Clock = std::chrono::steady_clock;

constexpr double kTargetArticlesPerSec = 2000;
constexpr double kTargetShareOfCopy = 0.5;

// Tables in an order that satisfies their foreign keys (the first
// occurrence of a cluster is checked at commit).
const char* const kTables[] = {"agencies", "outlets",     "speakers",       "speaker_aliases",
                               "documents", "quotes",     "occurrences",    "occurrence_via",
                               "quote_speakers"};

const char* const kOutlets[] = {"Le Monde",  "Le Figaro", "Libération",   "Ouest-France",
                                "BBC",       "The Guardian", "CNN",       "Reuters",
                                "Courrier du Soir", "La Dépêche", "Daily Planet", "Metro Wire"};

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void Die(const std::string& what) {
  std::fprintf(stderr, "ingest_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Check(Result<T> r, const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.status().message());
  return std::move(r).value();
}

class Cluster {
 public:
  explicit Cluster(const std::string& dir) {
    EmbeddedPostgresOptions o;
    o.data_dir = dir;
    pg_ = std::make_unique<EmbeddedPostgres>(o);
    Check(pg_->Start(), "starting PostgreSQL");
  }
  ~Cluster() { (void)pg_->Stop(); }
  // A new database with the migrations applied.
  std::string FreshDatabase() {
    const std::string name = "bench_" + std::to_string(++n_);
    auto admin = Check(Connect(pg_->ConnectionString("postgres")), "connecting");
    try {
      pqxx::nontransaction tx(*admin);
      tx.exec("DROP DATABASE IF EXISTS " + admin->quote_name(name));
      tx.exec("CREATE DATABASE " + admin->quote_name(name));
    } catch (const std::exception& e) {
      Die(std::string("creating a database: ") + e.what());
    }
    const std::string url = pg_->ConnectionString(name);
    auto conn = Check(Connect(url), "connecting");
    Check(ApplyMigrations(*conn, QUOTETRAIL_MIGRATIONS_DIR), "migrating");
    names_.push_back(name);
    return url;
  }
  // Drops the databases made so far, so each run meets the same cluster.
  void DropAll() {
    auto admin = Check(Connect(pg_->ConnectionString("postgres")), "connecting");
    try {
      pqxx::nontransaction tx(*admin);
      for (const auto& name : names_) tx.exec("DROP DATABASE IF EXISTS " + admin->quote_name(name));
    } catch (const std::exception& e) {
      Die(std::string("dropping a database: ") + e.what());
    }
    names_.clear();
  }
  // Writes out what earlier phases left dirty, so a timed phase does not pay
  // for the WAL and buffers of the one before (a checkpoint due mid-phase).
  void Checkpoint() {
    auto admin = Check(Connect(pg_->ConnectionString("postgres")), "connecting");
    try {
      pqxx::nontransaction tx(*admin);
      tx.exec("CHECKPOINT");
    } catch (const std::exception& e) {
      Die(std::string("CHECKPOINT: ") + e.what());
    }
  }

 private:
  std::unique_ptr<EmbeddedPostgres> pg_;
  int n_ = 0;
  std::vector<std::string> names_;
};

// The rows of one table as COPY text lines (tab-separated, escaped).
struct Rows {
  std::string table;
  std::vector<std::string> lines;
};

// libpqxx 6.4 moves raw COPY lines only through tablereader/tablewriter,
// which it marks deprecated in favour of stream_from/stream_to (whose 6.4
// versions take only typed tuples). Raw lines are the point here: the
// baseline does no conversion at all.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

std::vector<Rows> ReadAllRows(const std::string& url) {
  auto conn = Check(Connect(url), "connecting");
  std::vector<Rows> out;
  pqxx::read_transaction tx(*conn);
  for (const char* t : kTables) {
    Rows r;
    r.table = t;
    pqxx::tablereader reader(tx, t);
    for (std::string line; reader.get_raw_line(line);) r.lines.push_back(line);
    reader.complete();
    out.push_back(std::move(r));
  }
  return out;
}

// The raw COPY baseline: one transaction, one COPY per table.
double CopyRows(const std::string& url, const std::vector<Rows>& all) {
  auto conn = Check(Connect(url), "connecting");
  auto t0 = Clock::now();
  try {
    pqxx::work tx(*conn);
    for (const Rows& r : all) {
      pqxx::tablewriter w(tx, r.table);
      for (const auto& line : r.lines) w.write_raw_line(line);
      w.complete();
    }
    tx.commit();
  } catch (const std::exception& e) {
    Die(std::string("raw COPY: ") + e.what());
  }
  return Seconds(t0, Clock::now());
}

#pragma GCC diagnostic pop

}  // namespace

int main(int argc, char** argv) {
  size_t n_articles = 20000;
  int runs = 3, threads = 2;
  size_t batch = IngestOptions().batch_documents;
  bool keep = false, end_to_end = true;
  std::string extractors_dir = QUOTETRAIL_EXTRACTORS_DIR;
  std::vector<std::string> dirs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value after " + a);
      return argv[++i];
    };
    if (a == "--articles") n_articles = std::stoul(next());
    else if (a == "--runs") runs = std::max(1, std::stoi(next()));
    else if (a == "--threads") threads = std::max(1, std::stoi(next()));
    else if (a == "--batch") batch = std::max<size_t>(1, std::stoul(next()));
    else if (a == "--extractors") extractors_dir = next();
    else if (a == "--keep") keep = true;
    else if (a == "--no-end-to-end") end_to_end = false;
    else if (a == "--help" || a == "-h") {
      std::printf("usage: ingest_bench [--articles N] [--runs N] [--threads N] [--batch N] "
                  "[--extractors DIR] [--keep] [--no-end-to-end] [DIR...]\n");
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      Die("unknown option " + a);
    } else {
      dirs.push_back(a);
    }
  }
  if (dirs.empty()) {
    dirs = {"/work/shared/corpus/seed/text", "/work/shared/corpus/fr_dev/text",
            "/work/shared/corpus/en_dev/text"};
  }

  // ---- the articles
  std::vector<Article> base;
  for (const auto& d : dirs) {
    auto files = Check(ExpandInputs({d}), "listing inputs");
    for (const auto& f : files) {
      ReadArticles(f, ReadOptions(), [&](Result<Article> a) {
        if (a.ok()) base.push_back(std::move(a).value());
      });
    }
  }
  if (base.empty()) Die("no articles loaded");
  const int64_t t_base = Check(ParseTimestamp("2025-01-01T00:00:00Z"), "date");
  std::vector<Article> articles;
  size_t bytes = 0;
  for (size_t i = 0; i < n_articles; ++i) {
    Article a = base[i % base.size()];
    const bool fr = a.text.find(" le ") != std::string::npos || a.text.find(" la ") != std::string::npos;
    a.text = (fr ? "Dépêche n° " : "Dispatch no. ") + std::to_string(i + 1) + ".\n\n" + a.text;
    a.id = "bench-" + std::to_string(i + 1);
    a.outlet = kOutlets[(i * 7) % (sizeof kOutlets / sizeof kOutlets[0])];
    a.published_at = FormatTimestampIso(t_base + static_cast<int64_t>(i) * 37 * 1000000);
    a.source = "bench:" + std::to_string(i + 1);
    bytes += a.text.size();
    articles.push_back(std::move(a));
  }
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/qt-ingest-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) Die("mkdtemp failed");
  const std::string tmp = tmpl;
  const std::string jsonl = tmp + "/articles.jsonl";
  {
    std::ofstream out(jsonl);
    for (const auto& a : articles) {
      nlohmann::json j = {{"id", a.id}, {"outlet", a.outlet}, {"published_at", a.published_at},
                          {"text", a.text}};
      out << j.dump() << "\n";
    }
  }
  auto extractor = Check(Extractor::Load(extractors_dir), "loading the extractors");
  std::printf("ingest_bench: %zu synthetic articles (%zu dev-corpus articles, each copy with its "
              "own dispatch line, outlet and date), %.1f MB of text\n",
              articles.size(), base.size(), bytes / 1e6);
  std::printf("threads: %d extraction + 1 writer; batches of %zu documents; %d runs, median "
              "reported; hardware threads: %u\n",
              threads, batch, runs, std::thread::hardware_concurrency());

  // Pre-extracted records for the store path (untimed), as Ingest makes them.
  std::vector<DocumentRecord> records(articles.size());
  {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (size_t i = t; i < articles.size(); i += threads) {
          Article a = articles[i];
          a.text = NormalizeDocumentText(a.text);
          DocumentRecord& r = records[i];
          r.source = a.source;
          r.external_id = a.id;
          r.outlet = a.outlet;
          r.published_us = ParseTimestamp(a.published_at).value();
          Extraction x = extractor->Extract(a, ExtractOptions());
          r.language = x.lang;
          r.quotes = std::move(x.quotes);
          r.sha256 = Sha256Hex(a.text);
          r.text = std::move(a.text);
        }
      });
    }
    for (auto& t : pool) t.join();
  }
  size_t quotes = 0;
  for (const auto& r : records) quotes += r.quotes.size();

  auto cluster_holder = std::make_unique<Cluster>(tmp + "/pg");
  Cluster& cluster = *cluster_holder;
  std::vector<double> e2e, store_path, settle, raw;
  std::vector<int64_t> stored_rows;
  for (int run = 0; run < runs; ++run) {
    cluster.DropAll();
    if (end_to_end) {
      const std::string url = cluster.FreshDatabase();
      cluster.Checkpoint();
      auto t0 = Clock::now();
      auto store = Check(Store::Open(url, extractor->gazetteer()), "opening the store");
      IngestOptions o;
      o.threads = threads;
      o.batch_documents = batch;
      o.on_error = [](const std::string& m) { std::fprintf(stderr, "ingest_bench: %s\n", m.c_str()); };
      IngestProgress p = Check(Ingest({jsonl}, *extractor, *store, o), "ingest");
      e2e.push_back(Seconds(t0, Clock::now()));
      if (p.documents_added != articles.size() || p.occurrences_added != quotes)
        Die("end-to-end ingest stored " + std::to_string(p.documents_added) + " documents, " +
            std::to_string(p.occurrences_added) + " occurrences; expected " +
            std::to_string(articles.size()) + ", " + std::to_string(quotes));
    }
    std::string store_url;
    {  // store path
      store_url = cluster.FreshDatabase();
      std::vector<std::vector<DocumentRecord>> batches;
      for (size_t i = 0; i < records.size(); i += batch)
        batches.emplace_back(records.begin() + i, records.begin() + std::min(records.size(), i + batch));
      cluster.Checkpoint();
      auto t0 = Clock::now();
      auto store = Check(Store::Open(store_url, extractor->gazetteer()), "opening the store");
      size_t added = 0;
      for (auto& b : batches) added += Check(store->Write(std::move(b)), "writing").documents_added;
      store_path.push_back(Seconds(t0, Clock::now()));
      // What Ingest() adds after its last batch (Store::Settle), timed
      // apart: the store path above is the writes alone.
      auto t1 = Clock::now();
      if (Status st = store->Settle(); !st.ok()) Die("settling: " + st.message());
      settle.push_back(Seconds(t1, Clock::now()));
      auto counts = Check(store->Counts(), "counting");
      if (added != records.size()) Die("store path stored " + std::to_string(added) + " documents");
      stored_rows.push_back(counts.documents + counts.occurrences + counts.quotes + counts.speakers);
    }
    {  // raw COPY of the rows the store path wrote
      std::vector<Rows> rows = ReadAllRows(store_url);
      const std::string url = cluster.FreshDatabase();
      cluster.Checkpoint();
      raw.push_back(CopyRows(url, rows));
    }
    std::printf("run %d: end-to-end %.2f s, store path %.2f s (then Settle %.2f s), raw COPY %.2f s", run + 1,
                end_to_end ? e2e.back() : 0.0, store_path.back(), settle.back(), raw.back());
    if (end_to_end) std::printf("; end-to-end / raw COPY %.0f %%", 100 * raw.back() / e2e.back());
    std::printf("; store path / raw COPY %.0f %%\n", 100 * raw.back() / store_path.back());
    std::fflush(stdout);
  }

  const double n = static_cast<double>(articles.size());
  const double q = static_cast<double>(quotes);
  auto line = [&](const char* name, double secs) {
    std::printf("%-58s %8.2f s  %9.0f articles/s  %9.0f quotes/s\n", name, secs, n / secs, q / secs);
  };
  std::printf("\n%zu articles, %zu quotes per run (median of %d runs)\n", articles.size(), quotes, runs);
  if (end_to_end) line("end-to-end ingest (read JSONL + extract + store)", Median(e2e));
  line("store path only (pre-extracted, Store::Write)", Median(store_path));
  std::printf("%-58s %8.2f s  (after the store path; inside end-to-end)\n",
              "Settle: GIN pending lists merged, grown tables analysed", Median(settle));
  line("raw COPY of the same rows, all tables (baseline)", Median(raw));
  // Each share is the median of the runs' own shares: a run's phases meet
  // the same machine, which drifts between runs.
  auto verdict = [&](const char* what, const std::vector<double>& secs) {
    std::vector<double> shares;
    for (size_t i = 0; i < secs.size(); ++i) shares.push_back(raw[i] / secs[i]);
    const double rate = n / Median(secs), share = Median(shares);
    std::printf("%s: %.0f articles/s -> %s (target >= %.0f); / raw COPY: %.0f %% (runs: %.0f-%.0f %%) -> %s "
                "(target >= %.0f %%)\n",
                what, rate, rate >= kTargetArticlesPerSec ? "MEETS target" : "BELOW target",
                kTargetArticlesPerSec, 100 * share, 100 * *std::min_element(shares.begin(), shares.end()),
                100 * *std::max_element(shares.begin(), shares.end()),
                share >= kTargetShareOfCopy ? "MEETS target" : "BELOW target", 100 * kTargetShareOfCopy);
  };
  std::printf("\n");
  if (end_to_end) {
    verdict("end-to-end", e2e);
    std::printf("  (what `quotetrail ingest --threads %d` does: extraction of %.1f MB of text included)\n",
                threads, bytes / 1e6);
  }
  verdict("store path", store_path);
  bool same = std::all_of(stored_rows.begin(), stored_rows.end(),
                          [&](int64_t r) { return r == stored_rows[0]; });
  if (!same) std::printf("INCONSISTENT: the runs stored different numbers of rows\n");
  cluster_holder.reset();  // stops PostgreSQL before its files go
  if (keep) {
    std::printf("kept %s\n", tmp.c_str());
  } else {
    std::error_code ec;
    fs::remove_all(tmp, ec);
  }
  return same ? 0 : 1;
}
