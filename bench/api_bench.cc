// api_bench.cc: latency and throughput of the HTTP API under concurrent load.
//
// 1. Data: builds synthetic articles from the dev corpora and ingests them
//    (Ingest(), the code path of `quotetrail ingest`) into a throwaway
//    embedded PostgreSQL until the store holds at least --quotes clusters
//    (default 200,000). Each article has a lead paragraph from a corpus
//    article and four attributed quotes ("NAME a déclaré : « … »",
//    "“…,” NAME said", some "selon l'agence KCNA" / "according to
//    Reuters"). A quote's words are three 5-word runs taken from distant
//    places of the corpus text, so quotes are distinct clusters (they share
//    at most a third of their shingles, quote_clusters.h) and read like
//    news prose; speakers are drawn from 2,000+ synthetic full names.
//    With --data-dir DIR the data is kept there and reused by later runs.
// 2. Load: starts the real program (`quotetrail serve --port 0`) on that
//    database and runs, --runs times, three phases of --seconds each with
//    --connections keep-alive clients (default 32), each client sending its
//    next request as soon as the previous answer came:
//      baseline  GET /index.html (6 KB): a static file, the HTTP stack alone
//      search    GET /api/v1/quotes?q=W&limit=20, W = 3-5 consecutive words of
//                a random stored quote (a partial quote, as fact-checkers type)
//      chain     GET /api/v1/quotes/{id} for a random stored cluster
//    A response other than 200 counts as an error (and is reported).
// Prints requests/s, p50, p90 and p99 latency per phase, medians over the
// runs, and whether p99 <= 50 ms (the target) for search and chain.
//
// With --slowest N, lists after each phase its N slowest requests (latency,
// start in seconds into the phase, path): whether a tail is some requests
// (the same kind of path) or some moments (all kinds, close in time).
//
// Usage: api_bench [--quotes N] [--connections N] [--seconds S] [--runs N]
//                  [--server-threads N] [--data-dir DIR] [--binary PATH]
//                  [--slowest N]
// A program, not a test: it prints figures. Exit 1 on setup failure or when
// any request failed.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <httplib.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "article_reader.h"
#include "database.h"
#include "embedded_pg.h"
#include "extractor.h"
#include "ingest.h"
#include "migrations.h"
#include "store.h"
#include "timestamp.h"

namespace {

using namespace quotetrail;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr double kTargetP99Ms = 50;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "api_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Check(Result<T> r, const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.status().message());
  return std::move(r).value();
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line);
  }
  return out;
}

// Words of running text, quotation marks and brackets dropped.
std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  std::string w;
  auto flush = [&] {
    if (!w.empty()) out.push_back(std::move(w));
    w.clear();
  };
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\n' || c == '\t' || c == '"' || c == '(' || c == ')' || c == '[' ||
        c == ']') {
      flush();
      ++i;
      continue;
    }
    // « » “ ” „ ‘ ’ ‹ › and no-break spaces end a word.
    static const char* const kMarks[] = {"\u00ab", "\u00bb", "\u201c", "\u201d", "\u201e",
                                         "\u2018", "\u2019", "\u2039", "\u203a", "\u00a0",
                                         "\u202f"};
    bool mark = false;
    for (const char* m : kMarks) {
      size_t n = std::char_traits<char>::length(m);
      if (text.compare(i, n, m) == 0) {
        flush();
        i += n;
        mark = true;
        break;
      }
    }
    if (!mark) w += text[i++];
  }
  flush();
  return out;
}

struct Corpus {
  std::vector<Article> fr, en;                 // the source articles
  std::vector<std::string> fr_words, en_words;  // their running text
};

Corpus LoadCorpus(const std::vector<std::string>& dirs) {
  Corpus c;
  for (const auto& d : dirs) {
    auto files = Check(ExpandInputs({d}), "listing inputs");
    for (const auto& f : files) {
      ReadArticles(f, ReadOptions(), [&](Result<Article> a) {
        if (!a.ok()) return;
        const bool en = f.find("en_dev") != std::string::npos;
        auto words = Words(a->text);
        auto& pool = en ? c.en_words : c.fr_words;
        pool.insert(pool.end(), words.begin(), words.end());
        (en ? c.en : c.fr).push_back(std::move(a).value());
      });
    }
  }
  if (c.fr.empty() || c.en.empty() || c.fr_words.size() < 1000 || c.en_words.size() < 1000)
    Die("the corpora are too small (need French and English articles)");
  return c;
}

// Writes `n` synthetic articles (4 quotes each) starting at number `first`
// as JSONL to `path`.
void WriteSyntheticArticles(const Corpus& c, size_t first, size_t n, const std::string& path) {
  const std::string lex = std::string(QUOTETRAIL_EXTRACTORS_DIR) + "/common/lexicon/";
  std::vector<std::string> given = ReadLines(lex + "FIRST_MALE.txt");
  for (auto& f : ReadLines(lex + "FIRST_FEMALE.txt")) given.push_back(f);
  for (auto& g : given)  // the lexicons are folded: "abdullah" -> "Abdullah"
    if (!g.empty() && g[0] >= 'a' && g[0] <= 'z') g[0] = static_cast<char>(g[0] - 'a' + 'A');
  static const char* const kSurnames[] = {
      "Martin",   "Bernard",  "Dubois",   "Moreau",   "Laurent",  "Girard",  "Lefebvre",
      "Fontaine", "Chevalier", "Robin",   "Gauthier", "Perrin",   "Morel",   "Rousseau",
      "Vincent",  "Mercier",  "Blanchard", "Garnier", "Faure",    "Andre",   "Marchand",
      "Clement",  "Barbier",  "Arnaud",   "Renard",   "Schmitt",  "Colin",   "Vidal",
      "Caron",    "Picard",   "Roger",    "Lacroix",  "Carpentier", "Hughes", "Whitaker",
      "Prescott", "Ashworth", "Caldwell", "Donovan",  "Fairbanks", "Gallagher", "Hargreaves",
      "Kimball",  "Langford", "Merriweather", "Northcott", "Pemberton", "Redmond", "Sinclair",
      "Thornton", "Underwood", "Vaughan", "Wexford",  "Yardley",  "Okafor",  "Nakamura",
      "Petrov",   "Kowalski", "Haddad",   "Lindqvist"};
  const size_t n_surnames = sizeof kSurnames / sizeof kSurnames[0];
  if (given.empty()) Die("no given names in " + lex);
  static const char* const kOutlets[] = {"Le Monde", "Le Figaro", "Libération", "Ouest-France",
                                         "BBC", "The Guardian", "CNN", "Courrier du Soir",
                                         "La Dépêche", "Daily Planet", "Metro Wire"};
  const int64_t t_base = Check(ParseTimestamp("2024-01-01T00:00:00Z"), "date");
  std::ofstream out(path);
  for (size_t i = first; i < first + n; ++i) {
    std::mt19937_64 rng(i * 0x9E3779B97F4A7C15ull + 17);
    const bool en = i % 2 == 1;
    const auto& base = en ? c.en : c.fr;
    // Quote `slot` of article `a` with its speaker: the same every time it
    // is asked for, so a later article can carry it again.
    auto quote = [&](size_t a, int slot, std::string* who) {
      std::mt19937_64 qr(a * 4 + static_cast<uint64_t>(slot) + 0x51ED27ull);
      const auto& words = a % 2 == 1 ? c.en_words : c.fr_words;
      std::string q;
      for (int part = 0; part < 3; ++part) {
        size_t at = qr() % (words.size() - 5);
        for (size_t k = at; k < at + 5; ++k) {
          if (!q.empty()) q += ' ';
          q += words[k];
        }
      }
      // No sentence-final punctuation inside: the templates add their own.
      while (!q.empty() && (q.back() == '.' || q.back() == ',' || q.back() == ':' ||
                            q.back() == ';'))
        q.pop_back();
      *who = given[qr() % given.size()] + " " + kSurnames[qr() % n_surnames];
      return q;
    };
    const Article& lead_src = base[rng() % base.size()];
    std::string lead = lead_src.text.substr(0, lead_src.text.find('\n'));
    if (lead.size() > 600) lead.resize(600);
    std::string text = (en ? "Dispatch no. " : "Dépêche n° ") + std::to_string(i + 1) + ".\n\n";
    for (const auto& w : Words(lead)) text += w + " ";
    text += "\n\n";
    for (int k = 0; k < 4; ++k) {
      // The last quote of every other article repeats the first quote of an
      // earlier article in the same language (wire copy picked up again), so
      // chains have several occurrences and derived-from links.
      std::string who;
      const size_t back = 2 * (1 + i % 19);
      const std::string q = k == 3 && (i / 2) % 2 == 0 && i >= back ? quote(i - back, 0, &who)
                                                              : quote(i, k, &who);
      const int form = static_cast<int>(rng() % 4);
      if (en) {
        if (form == 0) text += "\u201c" + q + ",\u201d " + who + " said.";
        else if (form == 1) text += who + " told Reuters: \u201c" + q + ".\u201d";
        else if (form == 2) text += "According to AFP, " + who + " said: \u201c" + q + ".\u201d";
        else text += who + " said: \u201c" + q + ".\u201d";
      } else {
        if (form == 0) text += "\u00ab\u00a0" + q + "\u00a0\u00bb, a d\u00e9clar\u00e9 " + who + ".";
        else if (form == 1) text += "Selon l'agence KCNA, " + who + " a affirm\u00e9 : \u00ab\u00a0" + q + ".\u00a0\u00bb";
        else if (form == 2) text += who + " a d\u00e9clar\u00e9 \u00e0 l'AFP : \u00ab\u00a0" + q + ".\u00a0\u00bb";
        else text += who + " a estim\u00e9 : \u00ab\u00a0" + q + ".\u00a0\u00bb";
      }
      text += "\n\n";
    }
    nlohmann::json j = {{"id", "api-bench-" + std::to_string(i + 1)},
                        {"outlet", kOutlets[i % (sizeof kOutlets / sizeof kOutlets[0])]},
                        {"language", en ? "en" : "fr"},
                        {"published_at", FormatTimestampIso(t_base + static_cast<int64_t>(i) * 60 * 1000000)},
                        {"text", text}};
    out << j.dump() << "\n";
  }
}

int64_t CountQuotes(const std::string& url) {
  auto conn = Check(Connect(url), "connecting");
  pqxx::read_transaction tx(*conn);
  return tx.exec1("SELECT count(*) FROM quotes")[0].as<int64_t>();
}

// Ingests synthetic articles until the store holds `target` clusters.
void EnsureData(const std::string& url, const std::string& work, size_t target,
                const std::vector<std::string>& dirs) {
  int64_t have = CountQuotes(url);
  if (have >= static_cast<int64_t>(target)) {
    std::printf("data: %lld quotes already stored\n", static_cast<long long>(have));
    return;
  }
  Corpus corpus = LoadCorpus(dirs);
  auto extractor = Check(Extractor::Load(QUOTETRAIL_EXTRACTORS_DIR), "loading the extractors");
  auto store = Check(Store::Open(url, extractor->gazetteer()), "opening the store");
  size_t next = 0;
  {
    auto conn = Check(Connect(url), "connecting");
    pqxx::read_transaction tx(*conn);
    next = tx.exec1("SELECT count(*) FROM documents")[0].as<size_t>();
  }
  auto t0 = Clock::now();
  while (have < static_cast<int64_t>(target)) {
    const size_t chunk = std::max<size_t>(1000, (target - have) / 4 + 1000);
    const std::string jsonl = work + "/synthetic.jsonl";
    WriteSyntheticArticles(corpus, next, chunk, jsonl);
    IngestOptions o;
    o.threads = 2;
    o.on_error = [](const std::string& m) { std::fprintf(stderr, "api_bench: %s\n", m.c_str()); };
    IngestProgress p = Check(Ingest({jsonl}, *extractor, *store, o), "ingest");
    next += chunk;
    have = CountQuotes(url);
    std::printf("data: ingested %zu articles (%zu occurrences); %lld quotes stored, %.0f s\n",
                p.documents_added, p.occurrences_added, static_cast<long long>(have),
                std::chrono::duration<double>(Clock::now() - t0).count());
    std::fflush(stdout);
    if (p.documents_added == 0) Die("ingest added nothing");
  }
  std::error_code ec;
  fs::remove(work + "/synthetic.jsonl", ec);
}

// `quotetrail serve` as a child process.
class Server {
 public:
  Server(const std::string& binary, const std::string& url, int threads) {
    int out[2];
    if (pipe(out) != 0) Die("pipe failed");
    pid_ = fork();
    if (pid_ < 0) Die("fork failed");
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      int null = open("/dev/null", O_WRONLY);
      if (null >= 0) dup2(null, 2);  // one line per failure would distort timings
      const std::string t = std::to_string(threads);
      execl(binary.c_str(), binary.c_str(), "serve", "--db", url.c_str(), "--port", "0",
            "--threads", t.c_str(), "--quiet", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char ch;
    while (read(out[0], &ch, 1) == 1 && ch != '\n') line += ch;
    close(out[0]);
    size_t colon = line.rfind(':');
    if (line.find("serving on http://") == std::string::npos || colon == std::string::npos)
      Die("the server did not start (first line: '" + line + "')");
    port_ = std::atoi(line.c_str() + colon + 1);
  }
  ~Server() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// A request of a phase: its latency, when it started (seconds into the
// measured time) and its path.
struct Request {
  double ms = 0, at_s = 0;
  std::string path;
};

struct Phase {
  double rps = 0, p50 = 0, p90 = 0, p99 = 0;
  size_t requests = 0, errors = 0;
  std::vector<Request> slowest;  // the `keep_slowest` slowest, slowest first
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// `connections` clients, each with one keep-alive connection, for `seconds`
// after a one-second warm-up; next_path(rng) gives each request's path.
Phase RunPhase(int port, int connections, double seconds,
               const std::function<std::string(std::mt19937_64&)>& next_path, size_t keep_slowest) {
  std::atomic<bool> measuring{false}, stop{false};
  Clock::time_point measure_start;  // written before `measuring` is set
  std::vector<std::vector<double>> lat(static_cast<size_t>(connections));
  std::vector<std::vector<Request>> slow(static_cast<size_t>(connections));
  std::vector<size_t> errors(static_cast<size_t>(connections), 0);
  std::vector<std::thread> clients;
  for (int c = 0; c < connections; ++c) {
    clients.emplace_back([&, c] {
      std::mt19937_64 rng(static_cast<uint64_t>(c) * 7919 + 1);
      httplib::Client cli("127.0.0.1", port);
      cli.set_keep_alive(true);
      cli.set_read_timeout(30, 0);
      while (!stop) {
        const std::string path = next_path(rng);
        auto t0 = Clock::now();
        auto res = cli.Get(path.c_str());
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (!measuring) continue;
        if (!res || res->status != 200) {
          ++errors[static_cast<size_t>(c)];
          if (errors[static_cast<size_t>(c)] == 1)
            std::fprintf(stderr, "api_bench: %s -> %s\n", path.c_str(),
                         res ? std::to_string(res->status).c_str() : httplib::to_string(res.error()).c_str());
        }
        lat[static_cast<size_t>(c)].push_back(ms);
        if (keep_slowest > 0) {
          auto& mine = slow[static_cast<size_t>(c)];
          mine.push_back({ms, std::chrono::duration<double>(t0 - measure_start).count(), path});
          if (mine.size() >= 4 * keep_slowest + 64) {  // keep the slowest few, bounded memory
            std::nth_element(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(keep_slowest), mine.end(),
                             [](const Request& a, const Request& b) { return a.ms > b.ms; });
            mine.resize(keep_slowest);
          }
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  measure_start = Clock::now();
  measuring = true;
  auto t0 = measure_start;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  measuring = false;
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  stop = true;
  for (auto& t : clients) t.join();
  std::vector<double> all;
  Phase p;
  for (size_t c = 0; c < lat.size(); ++c) {
    all.insert(all.end(), lat[c].begin(), lat[c].end());
    p.errors += errors[c];
  }
  p.requests = all.size();
  p.rps = static_cast<double>(all.size()) / elapsed;
  p.p50 = Percentile(all, 0.50);
  p.p90 = Percentile(all, 0.90);
  p.p99 = Percentile(all, 0.99);
  for (auto& mine : slow) p.slowest.insert(p.slowest.end(), mine.begin(), mine.end());
  std::sort(p.slowest.begin(), p.slowest.end(), [](const Request& a, const Request& b) { return a.ms > b.ms; });
  if (p.slowest.size() > keep_slowest) p.slowest.resize(keep_slowest);
  return p;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string UrlEncode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  size_t target_quotes = 200000;
  int connections = 32, runs = 3, server_threads = 0;
  size_t slowest = 0;
  double seconds = 10;
  std::string data_dir, binary = QUOTETRAIL_BINARY_PATH;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value after " + a);
      return argv[++i];
    };
    try {
      if (a == "--quotes") target_quotes = std::stoul(next());
      else if (a == "--connections") connections = std::max(1, std::stoi(next()));
      else if (a == "--seconds") seconds = std::max(1.0, std::stod(next()));
      else if (a == "--runs") runs = std::max(1, std::stoi(next()));
      else if (a == "--server-threads") server_threads = std::max(1, std::stoi(next()));
      else if (a == "--slowest") slowest = std::stoul(next());
      else if (a == "--data-dir") data_dir = next();
      else if (a == "--binary") binary = next();
      else if (a == "--help" || a == "-h") {
        std::printf("usage: api_bench [--quotes N] [--connections N] [--seconds S] [--runs N] "
                    "[--server-threads N] [--data-dir DIR] [--binary PATH] [--slowest N]\n");
        return 0;
      } else {
        Die("unknown argument " + a);
      }
    } catch (const std::exception&) {
      Die("not a number after " + a);
    }
  }
  // cpp-httplib gives each keep-alive connection a worker thread while it is
  // open: fewer workers than clients would measure queueing, not the API.
  if (server_threads == 0) server_threads = connections + 2;

  bool temporary = data_dir.empty();
  if (temporary) {
    char tmpl[] = "/tmp/qt-api-bench-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) Die("mkdtemp failed");
    data_dir = tmpl;
  }
  fs::create_directories(data_dir);
  int rc = 0;
  {
    EmbeddedPostgresOptions o;
    o.data_dir = data_dir;
    EmbeddedPostgres pg(o);
    Check(pg.Start(), "starting PostgreSQL");
    const std::string url = pg.ConnectionString();
    {
      auto conn = Check(Connect(url), "connecting");
      Check(ApplyMigrations(*conn, QUOTETRAIL_MIGRATIONS_DIR), "migrating");
    }
    EnsureData(url, data_dir, target_quotes,
               {"/work/shared/corpus/seed/text", "/work/shared/corpus/fr_dev/text",
                "/work/shared/corpus/en_dev/text"});

    // Request material: stored clusters and words from them.
    std::vector<int64_t> ids;
    std::vector<std::string> queries;
    {
      auto conn = Check(Connect(url), "connecting");
      pqxx::read_transaction tx(*conn);
      auto rows = tx.exec("SELECT id, canonical_text FROM quotes ORDER BY random() LIMIT 20000");
      std::mt19937_64 rng(42);
      for (const auto& r : rows) {
        ids.push_back(r[0].as<int64_t>());
        auto words = Words(r[1].as<std::string>());
        if (words.size() < 6) continue;
        size_t n = 3 + rng() % 3;  // 3-5 words
        size_t at = rng() % (words.size() - n + 1);
        std::string q;
        for (size_t k = at; k < at + n; ++k) q += (q.empty() ? "" : " ") + words[k];
        queries.push_back(UrlEncode(q));
      }
    }
    const int64_t n_quotes = CountQuotes(url);
    if (ids.empty() || queries.empty()) Die("no quotes stored");

    Server server(binary, url, server_threads);
    std::printf("api_bench: %lld quotes; %d connections, %d server threads, %.0f s per phase, "
                "%d runs (medians); hardware threads: %u\n",
                static_cast<long long>(n_quotes), connections, server_threads, seconds, runs,
                std::thread::hardware_concurrency());
    struct Kind {
      const char* name;
      std::function<std::string(std::mt19937_64&)> path;
      std::vector<Phase> phases;
    };
    std::vector<Kind> kinds = {
        {"baseline (GET /index.html)",
         [](std::mt19937_64&) { return std::string("/index.html"); }, {}},
        {"search (GET /api/v1/quotes?q=...)",
         [&](std::mt19937_64& rng) {
           return "/api/v1/quotes?limit=20&q=" + queries[rng() % queries.size()];
         }, {}},
        {"chain (GET /api/v1/quotes/{id})",
         [&](std::mt19937_64& rng) {
           return "/api/v1/quotes/" + std::to_string(ids[rng() % ids.size()]);
         }, {}}};
    for (int run = 0; run < runs; ++run) {
      for (auto& k : kinds) {
        Phase p = RunPhase(server.port(), connections, seconds, k.path, slowest);
        k.phases.push_back(p);
        std::printf("run %d %-38s %8.0f req/s  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  errors %zu\n",
                    run + 1, k.name, p.rps, p.p50, p.p90, p.p99, p.errors);
        for (const Request& r : p.slowest)
          std::printf("  slow %8.2f ms  at %6.3f s  %s\n", r.ms, r.at_s, r.path.c_str());
        std::fflush(stdout);
        if (p.errors > 0) rc = 1;
      }
    }
    std::printf("\nmedians of %d runs, %d connections, %lld quotes:\n", runs, connections,
                static_cast<long long>(n_quotes));
    for (auto& k : kinds) {
      std::vector<double> rps, p50, p90, p99;
      for (auto& p : k.phases) {
        rps.push_back(p.rps);
        p50.push_back(p.p50);
        p90.push_back(p.p90);
        p99.push_back(p.p99);
      }
      const bool target = k.name[0] != 'b';
      std::printf("%-38s %8.0f req/s  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms%s\n", k.name,
                  Median(rps), Median(p50), Median(p90), Median(p99),
                  !target ? "" : (Median(p99) <= kTargetP99Ms ? "  MEETS p99 target" : "  BELOW p99 target"));
    }
    if (n_quotes < static_cast<int64_t>(target_quotes))
      std::printf("note: fewer quotes than --quotes %zu\n", target_quotes);
    (void)pg.Stop();
  }
  if (temporary) {
    std::error_code ec;
    fs::remove_all(data_dir, ec);
  }
  return rc;
}
