-- 0008_lz4_article_text.sql: article texts compressed with lz4, not pglz.
-- A news article (2-10 KB) is over PostgreSQL's TOAST threshold, so each one
-- stored is compressed; with the default pglz that was the largest single
-- cost of ingest inside the server (about a tenth of its CPU, measured with
-- perf on bench/ingest_bench), and reading a chain decompresses the articles
-- of its occurrences. lz4 compresses several times faster and decompresses
-- faster still, at a slightly lower ratio. Applies to texts stored from now
-- on; older rows stay readable as they are. Servers built without lz4 keep
-- pglz (the statement would fail there).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings
             WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    ALTER TABLE documents ALTER COLUMN body SET COMPRESSION lz4;
  END IF;
END
$$;
