#include "ingest.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "sha256.h"
#include "timestamp.h"

namespace quotetrail {
namespace {

// What the writer thread gets: documents to store and the figures of the
// articles of the same chunk that never reached the store.
struct Chunk {
  std::vector<DocumentRecord> docs;
  size_t skipped = 0;  // stored already, or met earlier in this run
  size_t failed = 0;   // bad input
  uint64_t bytes = 0;  // input bytes these articles account for
};

// A bounded hand-over from the reading thread to the writer thread.
class ChunkQueue {
 public:
  explicit ChunkQueue(size_t capacity) : capacity_(capacity) {}
  // Blocks while full. False when the writer has stopped.
  bool Push(Chunk c) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return q_.size() < capacity_ || stopped_; });
    if (stopped_) return false;
    q_.push_back(std::move(c));
    not_empty_.notify_one();
    return true;
  }
  // Blocks while empty; false once closed and drained.
  bool Pop(Chunk* c) {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return !q_.empty() || closed_; });
    if (q_.empty()) return false;
    *c = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return true;
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }
  // The writer gave up: Push() fails from now on.
  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    not_full_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Chunk> q_;
  size_t capacity_;
  bool closed_ = false, stopped_ = false;
};

// Article metadata -> record fields (see the header for the precedence).
DocumentRecord Describe(const Article& a, std::string text, const IngestOptions& o,
                        std::vector<std::string>* warnings) {
  DocumentRecord r;
  r.source = a.source;
  r.external_id = a.id;
  r.url = a.url;
  r.title = a.title;
  r.outlet = o.outlet.empty() ? a.outlet : o.outlet;
  r.language = a.language;
  bool dated = false;
  if (o.published_us) {
    r.published_us = *o.published_us;
    dated = true;
  } else if (!a.published_at.empty()) {
    Result<int64_t> t = ParseTimestamp(a.published_at);
    if (t.ok()) {
      r.published_us = *t;
      dated = true;
    } else {
      warnings->push_back(a.source + ": publication time " + t.status().message() +
                          "; using the ingest time");
    }
  }
  if (!dated) {
    r.published_us = NowMicros();
    r.published_estimated = true;
  }
  r.sha256 = Sha256Hex(text);
  r.text = std::move(text);
  return r;
}

uint64_t FileSize(const std::string& path) {
  if (path == "-") return 0;
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<uint64_t>(n);
}

}  // namespace

std::string NormalizeDocumentText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool blank_before = false;
  size_t i = 0;
  while (i <= text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = text.substr(i, j - i);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line.empty()) {
      blank_before = !out.empty();
    } else {
      if (!out.empty()) out += blank_before ? "\n\n" : "\n";
      out.append(line);
      blank_before = false;
    }
    i = j + 1;
  }
  return out;
}

Result<IngestedArticle> IngestArticle(Article article, const Extractor& extractor, Store& store,
                                      const IngestOptions& options) {
  std::string text = NormalizeDocumentText(article.text);
  if (text.empty()) return InvalidArgument("text: no text");
  std::vector<std::string> warnings;
  DocumentRecord r = Describe(article, std::move(text), options, &warnings);
  for (const auto& w : warnings)
    if (options.on_warning) options.on_warning(w);
  IngestedArticle out;
  out.sha256 = r.sha256;
  Result<std::unordered_set<std::string>> known = store.KnownDocuments({r.sha256});
  if (!known.ok()) return known.status();
  if (known->count(r.sha256)) return out;
  article.text = std::move(r.text);
  Extraction x = extractor.Extract(article, options.extract);
  r.text = std::move(article.text);
  r.quotes = std::move(x.quotes);
  if (r.language.empty()) r.language = x.lang;
  std::vector<DocumentRecord> docs;
  docs.push_back(std::move(r));
  Result<WriteOutcome> w = store.Write(std::move(docs));
  if (!w.ok()) return w.status();
  if (!w->failures.empty()) return Internal(w->failures.front());
  out.created = w->documents_added > 0;
  out.occurrences_added = w->occurrences_added;
  return out;
}

Result<IngestProgress> Ingest(const std::vector<std::string>& files, const Extractor& extractor,
                              Store& store, const IngestOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const size_t batch = std::max<size_t>(1, options.batch_documents);
  const int threads = std::max(1, options.threads);

  std::mutex mu;  // guards progress, fatal and the callbacks
  IngestProgress progress;
  Status fatal;
  progress.files_total = files.size();
  std::vector<uint64_t> sizes;
  for (const auto& f : files) {
    sizes.push_back(FileSize(f));
    progress.bytes_total += sizes.back();
  }
  auto report = [&](const std::function<void(const std::string&)>& cb, const std::string& m) {
    std::lock_guard<std::mutex> lock(mu);
    if (cb) cb(m);
  };

  ChunkQueue queue(2);
  std::thread writer([&] {
    Chunk c;
    while (queue.Pop(&c)) {
      Result<WriteOutcome> w = store.Write(std::move(c.docs));
      std::lock_guard<std::mutex> lock(mu);
      if (!w.ok()) {
        fatal = w.status();
        queue.Stop();
        return;
      }
      for (const auto& f : w->failures) {
        if (options.on_error) options.on_error(f);
      }
      progress.documents_added += w->documents_added;
      progress.documents_skipped += w->documents_skipped + c.skipped;
      progress.documents_failed += w->failures.size() + c.failed;
      progress.occurrences_added += w->occurrences_added;
      progress.documents_read = progress.documents_added + progress.documents_skipped +
                                progress.documents_failed;
      progress.bytes_done += c.bytes;
      progress.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (options.on_progress) options.on_progress(progress);
    }
  });

  std::unordered_set<std::string> seen;  // hashes met in this run
  std::vector<Article> pending;
  uint64_t pending_bytes = 0;  // of the texts in `pending`
  Chunk chunk;
  bool stopped = false;

  // Runs fn(0) .. fn(n - 1) on `threads` threads (this one among them).
  auto parallel = [threads](size_t n, const std::function<void(size_t)>& fn) {
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t k; (k = next++) < n;) fn(k);
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads && static_cast<size_t>(t) < n; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
  };

  // Normalises, filters, extracts and hands over the pending articles. The
  // texts are normalised and hashed on the extraction threads; what depends
  // on the order (duplicates within the run, messages) is done after, in order.
  auto flush = [&] {
    if (stopped) return;
    std::vector<std::optional<DocumentRecord>> described(pending.size());
    std::vector<std::vector<std::string>> described_warnings(pending.size());
    parallel(pending.size(), [&](size_t i) {
      std::string text = NormalizeDocumentText(pending[i].text);
      if (text.empty()) return;
      described[i] = Describe(pending[i], std::move(text), options, &described_warnings[i]);
      pending[i].text.clear();
      pending[i].text.shrink_to_fit();
    });
    std::vector<Article> articles;
    std::vector<DocumentRecord> records;
    for (size_t i = 0; i < pending.size(); ++i) {
      Article& a = pending[i];
      for (const auto& w : described_warnings[i]) report(options.on_warning, w);
      if (!described[i]) {
        report(options.on_error, a.source + ": no text; skipped");
        ++chunk.failed;
        continue;
      }
      DocumentRecord& r = *described[i];
      if (!seen.insert(r.sha256).second) {
        ++chunk.skipped;
        continue;
      }
      articles.push_back(std::move(a));
      records.push_back(std::move(r));
    }
    pending.clear();
    pending_bytes = 0;

    std::vector<std::string> hashes;
    for (const auto& r : records) hashes.push_back(r.sha256);
    Result<std::unordered_set<std::string>> known = store.KnownDocuments(hashes);
    if (!known.ok()) {
      std::lock_guard<std::mutex> lock(mu);
      if (fatal.ok()) fatal = known.status();
      stopped = true;
      return;
    }
    std::vector<size_t> todo;
    for (size_t i = 0; i < records.size(); ++i) {
      if (known->count(records[i].sha256)) {
        ++chunk.skipped;
      } else {
        todo.push_back(i);
      }
    }
    parallel(todo.size(), [&](size_t k) {
      const size_t i = todo[k];
      Article& a = articles[i];
      DocumentRecord& r = records[i];
      a.text = std::move(r.text);
      Extraction x = extractor.Extract(a, options.extract);
      r.text = std::move(a.text);
      r.quotes = std::move(x.quotes);
      if (r.language.empty()) r.language = x.lang;
    });
    for (size_t i : todo) chunk.docs.push_back(std::move(records[i]));
    if (!queue.Push(std::move(chunk))) stopped = true;
    chunk = Chunk();
  };

  ReadOptions ropts;
  ropts.max_file_bytes = options.max_file_bytes;
  ropts.reject_invalid_utf8 = true;
  ropts.warning = [&](const std::string& m) { report(options.on_warning, m); };
  for (size_t f = 0; f < files.size() && !stopped; ++f) {
    uint64_t text_bytes = 0;
    // documents.source names the file absolutely: it outlives the working directory.
    std::error_code ec;
    const std::string absolute =
        files[f] == "-" ? "" : std::filesystem::absolute(files[f], ec).lexically_normal().string();
    ReadArticles(files[f], ropts, [&](Result<Article> a) {
      if (stopped) return;
      if (!a.ok()) {
        report(options.on_error, a.status().message());
        ++chunk.failed;
        return;
      }
      if (!absolute.empty() && a->source.compare(0, files[f].size(), files[f]) == 0)
        a->source = absolute + a->source.substr(files[f].size());
      text_bytes += a->text.size();
      chunk.bytes += a->text.size();
      pending_bytes += a->text.size();
      pending.push_back(std::move(a).value());
      if (pending.size() >= batch || pending_bytes >= options.batch_bytes) flush();
    });
    if (sizes[f] > text_bytes) chunk.bytes += sizes[f] - text_bytes;
  }
  if (!pending.empty() || chunk.failed > 0 || chunk.bytes > 0) flush();
  queue.Close();
  writer.join();

  std::lock_guard<std::mutex> lock(mu);
  if (!fatal.ok()) return fatal;
  if (progress.documents_added > 0) {
    Status settled = store.Settle();
    if (!settled.ok() && options.on_warning)
      options.on_warning("the documents are stored, but the indexes could not be tidied for searching: " +
                         settled.message());
  }
  progress.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return progress;
}

}  // namespace quotetrail
