-- 0011_gin_pending_lists.sql: a bound on the pending lists of the GIN
-- indexes that search reads.
--
-- A GIN index with fastupdate (the default) queues inserted rows in a
-- pending list, merged into the index when the list outgrows
-- gin_pending_list_limit (4 MB by default) or when (auto)vacuum runs; every
-- scan of the index reads the whole list. Measured on 200,000 clusters: 243
-- pending pages (4,945 rows) of quotes_norm_pairs_idx made its scan take
-- 6.2 ms instead of 0.07 ms, in a search that otherwise takes about 4 ms.
-- Ingest merges the lists when it ends (Store::Settle, src/store.h); this
-- bounds them meanwhile, and for the documents POSTed one by one to the
-- API: 512 kB is at most 64 pages, about 1.5 ms, while inserts are still
-- merged in batches.
ALTER INDEX quotes_norm_text_trgm_idx SET (gin_pending_list_limit = 512);
ALTER INDEX quotes_norm_words_vec_idx SET (gin_pending_list_limit = 512);
ALTER INDEX quotes_fts_vec_idx SET (gin_pending_list_limit = 512);
ALTER INDEX quotes_norm_pairs_idx SET (gin_pending_list_limit = 512);
ALTER INDEX speakers_key_trgm_idx SET (gin_pending_list_limit = 512);
ALTER INDEX speaker_aliases_alias_trgm_idx SET (gin_pending_list_limit = 512);
