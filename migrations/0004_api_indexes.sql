-- 0004_api_indexes.sql: indexes for the HTTP API's listings (src/api_queries.h).
--
-- GET /api/v1/quotes without q lists clusters by first appearance, newest
-- first, then id, in keyset pages: this index gives that order directly and
-- lets a page start at its cursor instead of skipping the rows before it.
-- A cluster without a date sorts last ('-infinity').
CREATE INDEX quotes_first_appearance_keyset_idx
  ON quotes ((coalesce(first_published_at, '-infinity'::timestamptz)) DESC, id);

