#include "store.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include "database.h"
#include "store_sql.h"
#include "text.h"
#include "timestamp.h"

namespace quotetrail {
namespace {

using OptText = std::optional<std::string>;
using OptId = std::optional<int64_t>;

OptText TextOrNull(const std::string& s) { return s.empty() ? OptText() : OptText(s); }
OptId IdOrNull(int64_t id) { return id == 0 ? OptId() : OptId(id); }

std::string ValidKind(const std::string& kind) {
  return kind == "full" || kind == "partial" || kind == "indirect" ? kind : "partial";
}

OptText ValidSpeakerKind(const std::string& kind) {
  if (kind == "person" || kind == "organisation" || kind == "place" || kind == "group") return kind;
  return std::nullopt;
}

// Ids for new rows of one table, reserved `block` at a time from its sequence.
class IdPool {
 public:
  IdPool(const char* sequence, long block) : sequence_(sequence), block_(block) {}
  int64_t Next(pqxx::transaction_base& tx) {
    if (next_ == ids_.size()) {
      ids_.clear();
      next_ = 0;
      for (const auto& row : tx.exec_params(sql::kNextIds, sequence_, block_))
        ids_.push_back(row[0].as<int64_t>());
    }
    return ids_[next_++];
  }

 private:
  const char* sequence_;
  long block_;
  std::vector<int64_t> ids_;
  size_t next_ = 0;
};

}  // namespace

struct Store::State {
  explicit State(const Gazetteer& g) : speakers(&g) {}
  struct Outlet {
    int64_t id = 0;
    int64_t relay = 0;
  };
  std::unordered_map<std::string, int64_t> relay_ids;  // relay name -> agencies.id
  std::unordered_map<std::string, int64_t> via_relays; // via as written -> agencies.id or 0
  std::unordered_map<std::string, Outlet> outlets;     // Fold(name) -> outlet
  SpeakerDirectory speakers;
  QuoteClusters clusters;
  IdPool document_ids{"documents_id_seq", 256};
  IdPool occurrence_ids{"occurrences_id_seq", 1024};
  IdPool quote_ids{"quotes_id_seq", 512};
  IdPool speaker_ids{"speakers_id_seq", 64};
};

Store::Store(const Gazetteer& gazetteer) : gazetteer_(gazetteer) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::string& url, const Gazetteer& gazetteer,
                                           const StoreOptions& options) {
  std::unique_ptr<Store> store(new Store(gazetteer));
  auto conn = Connect(url);
  if (!conn.ok()) return conn.status();
  store->conn_ = std::move(conn).value();
  auto read = Connect(url);
  if (!read.ok()) return read.status();
  store->read_conn_ = std::move(read).value();
  try {
    pqxx::nontransaction tx(*store->conn_);
    if (!tx.exec_params1(sql::kTryIngestLock, sql::kIngestLockKey)[0].as<bool>()) {
      if (!options.wait_for_lock) return Unavailable("another ingest is writing to this database");
      if (options.on_notice)
        options.on_notice("another ingest is writing to this database; waiting for it to finish");
      tx.exec_params(sql::kIngestLock, sql::kIngestLockKey);
    }
    tx.exec(sql::kCreateQuoteStage);
    tx.exec(sql::kAsyncCommit);
  } catch (const pqxx::undefined_table& e) {
    return FailedPrecondition(std::string("the database has no quotetrail schema (run quotetrail migrate): ") + e.what());
  } catch (const std::exception& e) {
    return PqxxError(e, "preparing the database for ingest");
  }
  try {
    std::vector<std::string> names, aliases, countries, ownerships, kinds;
    for (const Relay& r : gazetteer.relays()) {
      names.push_back(r.name);
      std::string joined;
      for (const auto& a : r.aliases) joined += (joined.empty() ? "" : "|") + a;
      aliases.push_back(joined);
      countries.push_back(r.country);
      ownerships.push_back(r.ownership);
      kinds.push_back(r.type);
    }
    pqxx::work tx(*store->conn_);
    tx.exec_params(sql::kUpsertRelays, SqlArray(names), SqlArray(aliases), SqlArray(countries),
                   SqlArray(ownerships), SqlArray(kinds));
    tx.commit();
  } catch (const pqxx::undefined_column& e) {
    return FailedPrecondition(std::string("the database schema is out of date (run quotetrail migrate): ") + e.what());
  } catch (const std::exception& e) {
    return PqxxError(e, "storing the relays of the gazetteer");
  }
  QT_RETURN_IF_ERROR(store->Load());
  return store;
}

Status Store::Load() {
  state_ = std::make_unique<State>(gazetteer_);
  State& st = *state_;
  try {
    pqxx::read_transaction tx(*conn_);
    for (const auto& row : tx.exec(sql::kLoadRelays))
      st.relay_ids[row[1].as<std::string>()] = row[0].as<int64_t>();
    for (const auto& row : tx.exec(sql::kLoadOutlets)) {
      st.outlets[Fold(row[1].as<std::string>())] = {row[0].as<int64_t>(),
                                                     row[2].is_null() ? 0 : row[2].as<int64_t>()};
    }
    for (int64_t after = 0;;) {
      auto page = tx.exec_params(sql::kLoadSpeakers, after, sql::kLoadPage);
      for (const auto& row : page) {
        after = row[0].as<int64_t>();
        st.speakers.AddStored(after, row[1].as<std::string>(), row[2].as<std::string>());
      }
      if (page.size() < static_cast<size_t>(sql::kLoadPage)) break;
    }
    std::string alias_after;
    for (int64_t id_after = 0;;) {
      auto page = tx.exec_params(sql::kLoadAliases, alias_after, id_after, sql::kLoadPage);
      for (const auto& row : page) {
        alias_after = row[0].as<std::string>();
        id_after = row[1].as<int64_t>();
        st.speakers.AddStoredAlias(alias_after, id_after);
      }
      if (page.size() < static_cast<size_t>(sql::kLoadPage)) break;
    }
    std::unordered_map<int64_t, size_t> cluster_of;  // quotes.id -> index
    for (int64_t after = 0;;) {
      auto page = tx.exec_params(sql::kLoadQuotes, after, sql::kLoadPage);
      for (const auto& row : page) {
        after = row[0].as<int64_t>();
        cluster_of[after] = st.clusters.Create(after, row[1].as<std::string>(),
                                               row[2].as<std::string>(), row[3].as<std::string>());
      }
      if (page.size() < static_cast<size_t>(sql::kLoadPage)) break;
    }
    std::unordered_map<int64_t, std::vector<int64_t>> occurrence_relays, document_relays;
    for (int64_t occ = 0, pos = -1, agency = 0;;) {
      auto page = tx.exec_params(sql::kLoadVias, occ, pos, agency, sql::kLoadPage);
      for (const auto& row : page) {
        occ = row[0].as<int64_t>();
        agency = row[2].as<int64_t>();
        pos = row[3].as<int64_t>();
        occurrence_relays[occ].push_back(agency);
        auto& doc = document_relays[row[1].as<int64_t>()];
        if (std::find(doc.begin(), doc.end(), agency) == doc.end()) doc.push_back(agency);
      }
      if (page.size() < static_cast<size_t>(sql::kLoadPage)) break;
    }
    for (int64_t after = 0;;) {
      auto page = tx.exec_params(sql::kLoadOccurrences, after, sql::kLoadPage);
      for (const auto& row : page) {
        after = row[0].as<int64_t>();
        auto cluster = cluster_of.find(row[1].as<int64_t>());
        if (cluster == cluster_of.end()) continue;
        ClusterMember m;
        m.occurrence_id = after;
        m.document_id = row[2].as<int64_t>();
        m.start_cp = row[3].as<int64_t>();
        m.speaker_id = row[5].as<int64_t>();
        m.derived_from = row[6].as<int64_t>();
        m.published_us = row[7].is_null() ? 0 : row[7].as<int64_t>();
        m.outlet_relay = row[8].as<int64_t>();
        if (auto v = occurrence_relays.find(after); v != occurrence_relays.end()) {
          m.via_relays = v->second;
          m.named_relays = v->second;
        } else if (auto d = document_relays.find(m.document_id); d != document_relays.end()) {
          m.named_relays = d->second;
        }
        const std::string text = row[4].as<std::string>();
        st.clusters.AddMember(cluster->second, std::move(m), text, NormalizeQuote(text));
      }
      if (page.size() < static_cast<size_t>(sql::kLoadPage)) break;
    }
    for (size_t i = 0; i < st.clusters.size(); ++i) st.clusters.Refresh(i, nullptr);
  } catch (const std::exception& e) {
    return PqxxError(e, "loading the stored clusters and speakers");
  }
  return Status::Ok();
}

Result<std::unordered_set<std::string>> Store::KnownDocuments(
    const std::vector<std::string>& sha256s) {
  std::unordered_set<std::string> out;
  if (sha256s.empty()) return out;
  std::lock_guard<std::mutex> lock(read_mu_);
  try {
    pqxx::nontransaction tx(*read_conn_);
    for (const auto& row : tx.exec_params(sql::kKnownDocuments, SqlArray(sha256s)))
      out.insert(row[0].as<std::string>());
  } catch (const std::exception& e) {
    return PqxxError(e, "looking up stored documents");
  }
  return out;
}

Result<StoreCounts> Store::Counts() {
  try {
    pqxx::nontransaction tx(*conn_);
    auto row = tx.exec1(sql::kCounts);
    return StoreCounts{row[0].as<int64_t>(), row[1].as<int64_t>(), row[2].as<int64_t>(),
                       row[3].as<int64_t>(), row[4].as<int64_t>()};
  } catch (const std::exception& e) {
    return PqxxError(e, "counting stored rows");
  }
}

Status Store::Settle() {
  try {
    pqxx::nontransaction tx(*conn_);
    // This session's row counts reach pg_stat_user_tables when it next goes
    // idle, at most once a second: the last batches would be missing.
    tx.exec(sql::kFlushStats);
    tx.exec_params(sql::kCleanGinPendingLists, sql::kWrittenTables);
    std::vector<std::string> tables;
    for (const auto& row : tx.exec_params(sql::kTablesToAnalyze, sql::kWrittenTables))
      tables.push_back(row[0].as<std::string>());
    // A table name cannot be a parameter: quote_name escapes it (and the
    // names come from kWrittenTables anyway).
    for (const auto& t : tables) tx.exec("ANALYZE " + conn_->quote_name(t));
  } catch (const std::exception& e) {
    return PqxxError(e, "merging index pending lists and analysing tables");
  }
  return Status::Ok();
}

Result<WriteOutcome> Store::Write(std::vector<DocumentRecord> docs) {
  WriteOutcome out;
  if (docs.empty()) return out;
  std::vector<std::string> hashes;
  for (const auto& d : docs) hashes.push_back(d.sha256);
  std::unordered_set<std::string> known;
  try {
    pqxx::nontransaction tx(*conn_);
    for (const auto& row : tx.exec_params(sql::kKnownDocuments, SqlArray(hashes)))
      known.insert(row[0].as<std::string>());
  } catch (const std::exception& e) {
    return PqxxError(e, "looking up stored documents");
  }
  std::vector<DocumentRecord> fresh;
  for (auto& d : docs) {
    if (!known.insert(d.sha256).second) {
      ++out.documents_skipped;
      continue;
    }
    fresh.push_back(std::move(d));
  }
  if (fresh.empty()) return out;

  Status s = WriteBatch(fresh, &out);
  if (s.ok()) return out;
  if (s.code() == ErrorCode::kUnavailable) return s;
  // Roll back the memory too, then find the culprit one document at a time.
  QT_RETURN_IF_ERROR(Load());
  if (fresh.size() == 1) {
    out.failures.push_back(fresh[0].source + ": not stored: " + s.message());
    return out;
  }
  for (auto& d : fresh) {
    std::vector<DocumentRecord> one;
    one.push_back(std::move(d));
    Status s1 = WriteBatch(one, &out);
    if (s1.ok()) continue;
    if (s1.code() == ErrorCode::kUnavailable) return s1;
    out.failures.push_back(one[0].source + ": not stored: " + s1.message());
    QT_RETURN_IF_ERROR(Load());
  }
  return out;
}

Status Store::WriteBatch(std::vector<DocumentRecord>& docs, WriteOutcome* out) {
  State& st = *state_;
  struct DocRow {
    int64_t id = 0;
    int64_t outlet_id = 0;
  };
  struct OccRow {
    int64_t id = 0;
    int64_t document_id = 0;
    size_t cluster = QuoteClusters::kNone;
    const ExtractedQuote* quote = nullptr;
    int64_t speaker_id = 0;
  };
  struct ViaRow {
    int64_t occurrence_id = 0;
    int64_t agency_id = 0;
    std::string label;
    int position = 0;
  };
  try {
    pqxx::work tx(*conn_);
    auto next_speaker_id = [&] { return st.speaker_ids.Next(tx); };
    std::vector<DocRow> doc_rows;
    std::vector<OccRow> occ_rows;
    std::vector<ViaRow> via_rows;
    std::vector<size_t> touched;
    std::unordered_set<int64_t> new_occurrences;

    for (const DocumentRecord& d : docs) {
      DocRow dr;
      dr.id = st.document_ids.Next(tx);
      int64_t outlet_relay = 0;
      if (!d.outlet.empty()) {
        const std::string key = Fold(d.outlet);
        auto it = st.outlets.find(key);
        if (it == st.outlets.end()) {
          const Relay* relay = gazetteer_.Find(d.outlet);
          const int64_t relay_id = relay ? st.relay_ids[relay->name] : 0;
          auto row = tx.exec_params1(sql::kUpsertOutlet, d.outlet, IdOrNull(relay_id));
          it = st.outlets.emplace(key, State::Outlet{row[0].as<int64_t>(), row[1].as<int64_t>()}).first;
        }
        dr.outlet_id = it->second.id;
        outlet_relay = it->second.relay;
      }
      doc_rows.push_back(dr);

      // Relays of each via (0: not a relay), of each quote, and of the article.
      std::vector<std::vector<int64_t>> via_ids(d.quotes.size()), quote_relays(d.quotes.size());
      std::vector<int64_t> article_relays;
      for (size_t i = 0; i < d.quotes.size(); ++i) {
        for (const std::string& via : d.quotes[i].via) {
          auto memo = st.via_relays.find(via);
          if (memo == st.via_relays.end()) {
            const Relay* relay = gazetteer_.Find(via);
            auto id = relay ? st.relay_ids.find(relay->name) : st.relay_ids.end();
            memo = st.via_relays.emplace(via, id == st.relay_ids.end() ? 0 : id->second).first;
          }
          const int64_t id = memo->second;
          via_ids[i].push_back(id);
          if (id == 0) continue;
          if (std::find(quote_relays[i].begin(), quote_relays[i].end(), id) == quote_relays[i].end())
            quote_relays[i].push_back(id);
          if (std::find(article_relays.begin(), article_relays.end(), id) == article_relays.end())
            article_relays.push_back(id);
        }
      }

      for (size_t i = 0; i < d.quotes.size(); ++i) {
        const ExtractedQuote& q = d.quotes[i];
        OccRow o;
        o.id = st.occurrence_ids.Next(tx);
        o.document_id = dr.id;
        o.quote = &q;
        if (!q.speaker.empty()) o.speaker_id = st.speakers.Resolve(q.speaker, q.speaker_kind, next_speaker_id);
        std::string norm = NormalizeQuote(q.text);
        if (!norm.empty()) {
          o.cluster = st.clusters.Match(norm, o.speaker_id);
          if (o.cluster == QuoteClusters::kNone)
            o.cluster = st.clusters.Create(st.quote_ids.Next(tx), q.text, norm, d.language);
          ClusterMember m;
          m.occurrence_id = o.id;
          m.document_id = dr.id;
          m.published_us = d.published_us;
          m.start_cp = static_cast<int64_t>(q.start_cp);
          m.speaker_id = o.speaker_id;
          m.outlet_relay = outlet_relay;
          m.via_relays = quote_relays[i];
          m.named_relays = quote_relays[i].empty() ? article_relays : quote_relays[i];
          st.clusters.AddMember(o.cluster, std::move(m), q.text, std::move(norm));
          touched.push_back(o.cluster);
        }
        new_occurrences.insert(o.id);
        for (size_t v = 0; v < q.via.size(); ++v) {
          const int64_t agency = via_ids[i][v];
          bool dup = std::any_of(via_rows.begin(), via_rows.end(), [&](const ViaRow& r) {
            return r.occurrence_id == o.id && r.agency_id == agency && r.label == q.via[v];
          });
          if (!dup) via_rows.push_back({o.id, agency, q.via[v], static_cast<int>(v)});
        }
        occ_rows.push_back(o);
      }
    }

    // Derivations and figures of the clusters this batch touched.
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    std::vector<std::pair<int64_t, int64_t>> changed;
    for (size_t c : touched) st.clusters.Refresh(c, &changed);
    std::unordered_map<int64_t, int64_t> derived;
    std::vector<int64_t> update_ids, update_values;
    for (const auto& [occ, from] : changed) {
      if (new_occurrences.count(occ)) {
        derived[occ] = from;
      } else {
        update_ids.push_back(occ);
        update_values.push_back(from);
      }
    }

    // Speakers first (occurrences and clusters refer to them).
    SpeakerDirectory::Changes sc = st.speakers.TakeChanges();
    if (!sc.created.empty()) {
      pqxx::stream_to s(tx, sql::kSpeakersTable, std::vector<std::string>{"id", "name", "kind", "name_norm"});
      for (int64_t id : sc.created) {
        const StoredSpeaker* sp = st.speakers.Find(id);
        s << std::make_tuple(id, sp->name, sp->kind, sp->key);
      }
      s.complete();
    }
    for (int64_t id : sc.renamed) {
      const StoredSpeaker* sp = st.speakers.Find(id);
      tx.exec_params(sql::kRenameSpeaker, id, sp->name, sp->key);
    }
    if (!sc.aliases.empty()) {
      pqxx::stream_to s(tx, sql::kAliasesTable, std::vector<std::string>{"alias_norm", "speaker_id"});
      for (const auto& [key, id] : sc.aliases) s << std::make_tuple(key, id);
      s.complete();
    }
    {
      pqxx::stream_to s(tx, sql::kDocumentsTable,
                        std::vector<std::string>{"id", "url", "outlet_id", "title", "published_at",
                                                 "published_at_estimated", "language", "text_sha256",
                                                 "body", "source", "external_id"});
      for (size_t i = 0; i < docs.size(); ++i) {
        const DocumentRecord& d = docs[i];
        s << std::make_tuple(doc_rows[i].id, TextOrNull(d.url), IdOrNull(doc_rows[i].outlet_id),
                             TextOrNull(d.title), FormatTimestamp(d.published_us),
                             d.published_estimated, TextOrNull(d.language), d.sha256, d.text,
                             TextOrNull(d.source), TextOrNull(d.external_id));
      }
      s.complete();
    }
    if (!touched.empty()) {
      pqxx::stream_to s(tx, sql::kQuoteStageTable,
                        std::vector<std::string>{"id", "canonical_text", "norm_text", "language",
                                                 "first_occurrence_id", "occurrence_count",
                                                 "first_published_at", "document_count", "speaker_id",
                                                 "speaker_count", "speaker_conflict"});
      for (size_t c : touched) {
        const QuoteCluster& q = st.clusters.cluster(c);
        s << std::make_tuple(q.id, q.canonical_text, q.canonical_norm, TextOrNull(q.language),
                             IdOrNull(q.first_occurrence_id()), static_cast<int64_t>(q.members.size()),
                             FormatTimestamp(q.first_published_us()), q.document_count,
                             IdOrNull(q.main_speaker_id()), static_cast<int64_t>(q.speakers.size()),
                             q.conflict);
      }
      s.complete();
      tx.exec(sql::kUpdateQuotes);
      tx.exec(sql::kInsertQuotes);
    }
    if (!occ_rows.empty()) {
      pqxx::stream_to s(tx, sql::kOccurrencesTable,
                        std::vector<std::string>{"id", "quote_id", "document_id", "start_cp", "end_cp",
                                                 "text", "kind", "speaker_id", "speaker_mention", "cue",
                                                 "pattern", "confidence", "derived_from_occurrence_id",
                                                 "speaker_name", "speaker_kind"});
      for (const OccRow& o : occ_rows) {
        const ExtractedQuote& q = *o.quote;
        const int64_t quote_id = o.cluster == QuoteClusters::kNone ? 0 : st.clusters.cluster(o.cluster).id;
        auto d = derived.find(o.id);
        const double confidence = std::clamp(q.confidence, 0.0, 1.0);
        s << std::make_tuple(o.id, IdOrNull(quote_id), o.document_id, static_cast<int64_t>(q.start_cp),
                             static_cast<int64_t>(q.end_cp), q.text, ValidKind(q.kind),
                             IdOrNull(o.speaker_id), TextOrNull(q.speaker_mention), TextOrNull(q.cue),
                             TextOrNull(q.pattern), confidence, IdOrNull(d == derived.end() ? 0 : d->second),
                             TextOrNull(q.speaker), q.speaker.empty() ? OptText() : ValidSpeakerKind(q.speaker_kind));
      }
      s.complete();
    }
    if (!via_rows.empty()) {
      pqxx::stream_to s(tx, sql::kViasTable,
                        std::vector<std::string>{"occurrence_id", "agency_id", "label", "position"});
      for (const ViaRow& v : via_rows)
        s << std::make_tuple(v.occurrence_id, IdOrNull(v.agency_id), v.label, v.position);
      s.complete();
    }
    if (!update_ids.empty())
      tx.exec_params(sql::kUpdateDerivedFrom, SqlArray(update_ids), SqlArray(update_values));
    if (!touched.empty()) {
      std::vector<int64_t> ids;
      for (size_t c : touched) ids.push_back(st.clusters.cluster(c).id);
      tx.exec_params(sql::kDeleteQuoteSpeakers, SqlArray(ids));
      pqxx::stream_to s(tx, sql::kQuoteSpeakersTable,
                        std::vector<std::string>{"quote_id", "speaker_id", "occurrence_count",
                                                 "first_occurrence_id"});
      for (size_t c : touched) {
        const QuoteCluster& q = st.clusters.cluster(c);
        for (const SpeakerTally& t : q.speakers)
          s << std::make_tuple(q.id, t.speaker_id, t.occurrences, t.first_occurrence_id);
      }
      s.complete();
    }
    tx.commit();
    out->documents_added += docs.size();
    out->occurrences_added += occ_rows.size();
    return Status::Ok();
  } catch (const std::exception& e) {
    return PqxxError(e, "storing " + std::to_string(docs.size()) + " document(s)");
  }
}

}  // namespace quotetrail
