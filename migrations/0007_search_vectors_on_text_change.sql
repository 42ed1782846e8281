-- 0007_search_vectors_on_text_change.sql: the search vectors of 0006 are
-- computed when a cluster's text changes, not on every write of the row.
-- Ingest rewrites a cluster's row each time a batch adds an occurrence to it
-- (counts, first appearance, speakers), and PostgreSQL recomputes stored
-- generated columns on every UPDATE: two to_tsvector calls per touched
-- cluster per batch, and new GIN entries for vectors that did not change.
-- Plain columns filled by a trigger keep the same values and indexes:
--   INSERT                       computes norm_words and fts;
--   UPDATE of canonical_text, norm_text or language, when one of them
--   really changes               computes them again;
--   any other UPDATE             leaves them as they are.
-- The store (src/store_sql.h kUpdateQuotes / kInsertQuotes) updates known
-- clusters and inserts new ones separately, so the trigger runs once per
-- new cluster. Existing values are kept: DROP EXPRESSION turns a generated
-- column into a plain one holding what it held.
ALTER TABLE quotes ALTER COLUMN norm_words DROP EXPRESSION IF EXISTS;
ALTER TABLE quotes ALTER COLUMN fts DROP EXPRESSION IF EXISTS;

CREATE OR REPLACE FUNCTION qt_quotes_search_vectors() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.norm_words := to_tsvector('pg_catalog.simple', NEW.norm_text);
  NEW.fts := to_tsvector(qt_ts_config(NEW.language), NEW.canonical_text);
  RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS quotes_search_vectors_insert ON quotes;
CREATE TRIGGER quotes_search_vectors_insert
  BEFORE INSERT ON quotes
  FOR EACH ROW EXECUTE FUNCTION qt_quotes_search_vectors();

DROP TRIGGER IF EXISTS quotes_search_vectors_update ON quotes;
CREATE TRIGGER quotes_search_vectors_update
  BEFORE UPDATE OF canonical_text, norm_text, language ON quotes
  FOR EACH ROW
  WHEN (OLD.canonical_text IS DISTINCT FROM NEW.canonical_text
        OR OLD.norm_text IS DISTINCT FROM NEW.norm_text
        OR OLD.language IS DISTINCT FROM NEW.language)
  EXECUTE FUNCTION qt_quotes_search_vectors();
