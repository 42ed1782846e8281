-- 0006_search_vectors.sql: the text-search vectors of quotes, stored.
-- GET /api/v1/quotes?q= (src/api_queries.h) and the q filter of export
-- (src/filter_sql.cc) matched expression indexes of 0002 and 0005, so each
-- candidate row was recomputed with to_tsvector: a phrase query always
-- rechecks its rows, and scoring tested the full-text query on every
-- candidate (about 40 us a row, most of a search's time). Stored columns
-- are computed once, when the row is written, and indexed themselves.
--   norm_words  the words of norm_text with positions (`simple`): phrase
--               queries of the normalised q
--   fts         the full-text vector of canonical_text in the quote's
--               language (qt_ts_config)
ALTER TABLE quotes
  ADD COLUMN IF NOT EXISTS norm_words tsvector
    GENERATED ALWAYS AS (to_tsvector('pg_catalog.simple', norm_text)) STORED,
  ADD COLUMN IF NOT EXISTS fts tsvector
    GENERATED ALWAYS AS (to_tsvector(qt_ts_config(language), canonical_text)) STORED;
CREATE INDEX IF NOT EXISTS quotes_norm_words_vec_idx ON quotes USING gin (norm_words);
CREATE INDEX IF NOT EXISTS quotes_fts_vec_idx ON quotes USING gin (fts);
DROP INDEX IF EXISTS quotes_norm_words_idx;
DROP INDEX IF EXISTS quotes_fts_idx;
