// store_sql.h: every SQL statement of the store (store.cc) and of quote
// search (quote_search.cc), named, in one place for review.
//
// Values are always $n parameters. Lists travel as one array parameter
// ($1::bigint[], $1::text[]) and are expanded with unnest(): one round trip
// for a whole batch. Bulk rows go through COPY (pqxx::stream_to) into the
// tables named by the k*Copy constants, with the column lists given there.
// Times are read as bigint microseconds since the epoch (timestamp.h).
#pragma once

namespace quotetrail::sql {

// ---------------------------------------------------------------- locking

// One ingest writes to a database at a time: the store's clustering and
// speaker state live in its memory. Session-level lock, released when the
// connection closes (a killed ingest releases it too). Key: "qtingest".
inline constexpr const char* kIngestLockKey = "8390661419416545652";
inline constexpr const char* kTryIngestLock = "SELECT pg_try_advisory_lock($1::bigint)";
inline constexpr const char* kIngestLock = "SELECT pg_advisory_lock($1::bigint)";

// ---------------------------------------------------------------- setup

// The relays of the gazetteer, upserted by name; aliases travel '|'-joined
// (the gazetteer's own separator, never inside an alias).
inline constexpr const char* kUpsertRelays = R"sql(
INSERT INTO agencies (name, aliases, country, ownership, kind)
SELECT u.name, string_to_array(u.aliases, '|'), nullif(u.country, ''), nullif(u.ownership, ''), u.kind
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
     AS u(name, aliases, country, ownership, kind)
ON CONFLICT (name) DO UPDATE
SET aliases = EXCLUDED.aliases, country = EXCLUDED.country,
    ownership = EXCLUDED.ownership, kind = EXCLUDED.kind
WHERE (agencies.aliases, agencies.country, agencies.ownership, agencies.kind)
      IS DISTINCT FROM (EXCLUDED.aliases, EXCLUDED.country, EXCLUDED.ownership, EXCLUDED.kind)
)sql";

// Commits of the writing session do not wait for the WAL to reach the disk.
// Each batch stays atomic (whole documents or none); only a crash of the
// server or the machine can lose the last batches committed (well under a
// second), and ingest is idempotent: running it again stores them. Saves a
// disk flush per batch.
inline constexpr const char* kAsyncCommit = "SET synchronous_commit = off";

// Staging table for the clusters a batch touches (new and changed alike),
// merged into quotes by kUpdateQuotes and kInsertQuotes. Emptied at each commit.
inline constexpr const char* kCreateQuoteStage = R"sql(
CREATE TEMP TABLE IF NOT EXISTS qt_quote_stage (LIKE quotes INCLUDING DEFAULTS)
ON COMMIT DELETE ROWS
)sql";

// ---------------------------------------------------------------- loading
// Keyset pages of kLoadPage rows: libpqxx 6.4 has no streaming of results.

inline constexpr long kLoadPage = 20000;
inline constexpr const char* kLoadRelays = "SELECT id, name FROM agencies";
inline constexpr const char* kLoadOutlets = "SELECT id, name, agency_id FROM outlets";
inline constexpr const char* kLoadSpeakers =
    "SELECT id, name, kind FROM speakers WHERE id > $1 ORDER BY id LIMIT $2";
inline constexpr const char* kLoadAliases = R"sql(
SELECT alias_norm, speaker_id FROM speaker_aliases
WHERE (alias_norm, speaker_id) > ($1, $2) ORDER BY alias_norm, speaker_id LIMIT $3
)sql";
inline constexpr const char* kLoadQuotes =
    "SELECT id, canonical_text, norm_text, coalesce(language, '') FROM quotes "
    "WHERE id > $1 ORDER BY id LIMIT $2";
// Relayed occurrences: (occurrence, document, relay, position), in via order.
inline constexpr const char* kLoadVias = R"sql(
SELECT v.occurrence_id, o.document_id, v.agency_id, v.position
FROM occurrence_via v JOIN occurrences o ON o.id = v.occurrence_id
WHERE v.agency_id IS NOT NULL AND (v.occurrence_id, v.position, v.agency_id) > ($1, $2, $3)
ORDER BY v.occurrence_id, v.position, v.agency_id LIMIT $4
)sql";
inline constexpr const char* kLoadOccurrences = R"sql(
SELECT o.id, o.quote_id, o.document_id, o.start_cp, o.text, coalesce(o.speaker_id, 0),
       coalesce(o.derived_from_occurrence_id, 0),
       (extract(epoch FROM d.published_at) * 1000000)::bigint, coalesce(ot.agency_id, 0)
FROM occurrences o
JOIN documents d ON d.id = o.document_id
LEFT JOIN outlets ot ON ot.id = d.outlet_id
WHERE o.quote_id IS NOT NULL AND o.id > $1
ORDER BY o.id LIMIT $2
)sql";

// ---------------------------------------------------------------- writing

// Which of these text hashes are stored already.
inline constexpr const char* kKnownDocuments =
    "SELECT text_sha256 FROM documents WHERE text_sha256 = ANY($1::text[])";

// Ids for new rows: `$2` values of sequence `$1`.
inline constexpr const char* kNextIds = "SELECT nextval($1::regclass) FROM generate_series(1, $2)";

// An outlet by name, created when new; returns its id and relay.
inline constexpr const char* kUpsertOutlet = R"sql(
INSERT INTO outlets (name, agency_id) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET agency_id = coalesce(outlets.agency_id, EXCLUDED.agency_id)
RETURNING id, coalesce(agency_id, 0)
)sql";

// A single-word speaker that learned its full name.
inline constexpr const char* kRenameSpeaker =
    "UPDATE speakers SET name = $2, name_norm = $3 WHERE id = $1";

// COPY targets. stream_to splices the table name into the statement: these
// constants are the only table names it ever gets.
inline constexpr const char* kSpeakersTable = "speakers";
inline constexpr const char* kAliasesTable = "speaker_aliases";
inline constexpr const char* kDocumentsTable = "documents";
inline constexpr const char* kQuoteStageTable = "qt_quote_stage";
inline constexpr const char* kOccurrencesTable = "occurrences";
inline constexpr const char* kViasTable = "occurrence_via";
inline constexpr const char* kQuoteSpeakersTable = "quote_speakers";

// Touched clusters, from the staging table: known ones updated (created_at
// and language stay), then new ones inserted. Two statements rather than
// one INSERT ... ON CONFLICT, whose BEFORE INSERT trigger (0007: the search
// vectors) would run for every known cluster too.
inline constexpr const char* kUpdateQuotes = R"sql(
UPDATE quotes AS q
SET canonical_text = s.canonical_text, norm_text = s.norm_text,
    first_occurrence_id = s.first_occurrence_id, occurrence_count = s.occurrence_count,
    first_published_at = s.first_published_at, document_count = s.document_count,
    speaker_id = s.speaker_id, speaker_count = s.speaker_count,
    speaker_conflict = s.speaker_conflict
FROM qt_quote_stage s
WHERE q.id = s.id
)sql";
inline constexpr const char* kInsertQuotes = R"sql(
INSERT INTO quotes (id, canonical_text, norm_text, language, first_occurrence_id,
                    occurrence_count, first_published_at, document_count, speaker_id,
                    speaker_count, speaker_conflict)
SELECT s.id, s.canonical_text, s.norm_text, s.language, s.first_occurrence_id,
       s.occurrence_count, s.first_published_at, s.document_count, s.speaker_id,
       s.speaker_count, s.speaker_conflict
FROM qt_quote_stage s
WHERE NOT EXISTS (SELECT 1 FROM quotes q WHERE q.id = s.id)
)sql";

// Stored occurrences whose likely source changed (an earlier copy arrived).
inline constexpr const char* kUpdateDerivedFrom = R"sql(
UPDATE occurrences AS o SET derived_from_occurrence_id = nullif(u.derived, 0)
FROM unnest($1::bigint[], $2::bigint[]) AS u(id, derived)
WHERE o.id = u.id
)sql";

// The speakers of touched clusters are rewritten whole.
inline constexpr const char* kDeleteQuoteSpeakers =
    "DELETE FROM quote_speakers WHERE quote_id = ANY($1::bigint[])";

inline constexpr const char* kCounts = R"sql(
SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM occurrences),
       (SELECT count(*) FROM quotes), (SELECT count(*) FROM speakers),
       (SELECT count(*) FROM quotes WHERE speaker_conflict)
)sql";

// ---------------------------------------------------------------- settling

// The tables a store writes, for Store::Settle().
inline constexpr const char* kWrittenTables =
    "{documents,outlets,speakers,speaker_aliases,quotes,quote_speakers,occurrences,occurrence_via}";

// Merges the pending lists of the GIN indexes on those tables into the
// indexes proper. Rows inserted with fastupdate (the default) wait in a
// pending list that every search through the index reads in full: up to
// gin_pending_list_limit (4 MB by default, 512 kB on quotes, 0011) until
// autovacuum or an overflowing insert merges them; 243 pending pages of
// quotes_norm_pairs_idx cost 6 ms per search.
inline constexpr const char* kCleanGinPendingLists = R"sql(
SELECT coalesce(sum(gin_clean_pending_list(i.indexrelid)), 0)::bigint
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
WHERE a.amname = 'gin' AND i.indrelid = ANY ($1::text[]::regclass[])
)sql";

// The session's pending statistics are flushed when it next goes idle
// (that is, before the next statement), not up to a second later.
inline constexpr const char* kFlushStats = "SELECT pg_stat_force_next_flush()";

// Those tables with more rows changed since their last ANALYZE than
// autovacuum waits for (its defaults: 50 rows + 10 %), largest first.
inline constexpr const char* kTablesToAnalyze = R"sql(
SELECT s.relname::text
FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
WHERE s.relid = ANY ($1::text[]::regclass[])
  AND s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
ORDER BY c.reltuples DESC
)sql";

// ---------------------------------------------------------------- search

// Clusters whose normalised text contains the normalised query ($1), or
// holds words like it (pg_trgm word similarity, threshold set by
// kSetWordSimilarity); with $2 not empty, only clusters with an occurrence
// whose speaker's alias or name contains the speaker key $2. Exact
// containment first, then similarity.
inline constexpr const char* kSetWordSimilarity =
    "SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)";
inline constexpr const char* kFindClusters = R"sql(
SELECT q.id, strpos(q.norm_text, $1) > 0 AS contains, word_similarity($1, q.norm_text) AS score
FROM quotes q
WHERE (q.norm_text LIKE '%' || $1 || '%' OR $1 <% q.norm_text)
  AND ($2 = '' OR EXISTS (
        SELECT 1 FROM occurrences o
        LEFT JOIN speaker_aliases a ON a.speaker_id = o.speaker_id
        WHERE o.quote_id = q.id
          AND (a.alias_norm LIKE '%' || $2 || '%'
               OR regexp_replace(lower(qt_unaccent(coalesce(o.speaker_name, ''))),
                                 '[^[:alnum:]]+', ' ', 'g') LIKE '%' || $2 || '%')))
ORDER BY contains DESC, score DESC, q.occurrence_count DESC, q.id
LIMIT $3
)sql";

inline constexpr const char* kClusterDetails = R"sql(
SELECT id, canonical_text, occurrence_count, document_count, speaker_conflict,
       coalesce(first_occurrence_id, 0)
FROM quotes WHERE id = ANY($1::bigint[])
)sql";

inline constexpr const char* kClusterSpeakers = R"sql(
SELECT qs.quote_id, s.name, qs.occurrence_count
FROM quote_speakers qs JOIN speakers s ON s.id = qs.speaker_id
WHERE qs.quote_id = ANY($1::bigint[])
ORDER BY qs.quote_id, qs.occurrence_count DESC, qs.first_occurrence_id
)sql";

// The occurrences of the clusters in time order.
inline constexpr const char* kClusterOccurrences = R"sql(
SELECT o.id, o.quote_id, o.text, o.kind, coalesce(s.name, o.speaker_name, ''),
       coalesce(o.speaker_mention, ''), coalesce(o.derived_from_occurrence_id, 0),
       d.id, (extract(epoch FROM d.published_at) * 1000000)::bigint,
       d.published_at_estimated, coalesce(ot.name, ''), coalesce(d.url, ''),
       coalesce(d.source, ''), coalesce(d.title, '')
FROM occurrences o
JOIN documents d ON d.id = o.document_id
LEFT JOIN outlets ot ON ot.id = d.outlet_id
LEFT JOIN speakers s ON s.id = o.speaker_id
WHERE o.quote_id = ANY($1::bigint[])
ORDER BY o.quote_id, d.published_at, d.id, o.start_cp
)sql";

// Their vias: the relay's canonical name when known, else the words.
inline constexpr const char* kClusterVias = R"sql(
SELECT v.occurrence_id, coalesce(a.name, v.label, '')
FROM occurrence_via v
JOIN occurrences o ON o.id = v.occurrence_id
LEFT JOIN agencies a ON a.id = v.agency_id
WHERE o.quote_id = ANY($1::bigint[])
ORDER BY v.occurrence_id, v.position
)sql";

}  // namespace quotetrail::sql
