-- 0005_search_words.sql: the exact-words stage of GET /api/v1/quotes?q=
-- (src/api_queries.h). norm_text is accent- and case-folded words separated
-- by single spaces (quote_clusters.h: NormalizeQuote), so the `simple`
-- configuration turns it into those words with their positions: a phrase
-- query of the normalised q finds the clusters whose text holds q as is,
-- through this index, in a fraction of a millisecond even when q is made of
-- common words (where a trigram LIKE reads long posting lists).
CREATE INDEX IF NOT EXISTS quotes_norm_words_idx
  ON quotes USING gin (to_tsvector('pg_catalog.simple', norm_text));
