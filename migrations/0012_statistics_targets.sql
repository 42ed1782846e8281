-- 0012_statistics_targets.sql: no planner statistics for the columns no
-- query filters, joins or groups on.
--
-- ANALYZE (run by autovacuum, and by ingest when it ends: Store::Settle,
-- src/store.h) samples every column and sorts each one's values. The words
-- of occurrences and the text of documents were most of that work and
-- served no plan: measured after ingesting 20,000 articles (60,648
-- occurrences), ANALYZE occurrences took 273 ms and documents 156 ms, with
-- these columns left out 100 and 81 ms. Columns compared only through an
-- expression (speaker_name, in `find --speaker`) get the planner's default
-- selectivity either way; sha256 lookups go through a unique index.
ALTER TABLE occurrences
  ALTER COLUMN text SET STATISTICS 0,
  ALTER COLUMN speaker_name SET STATISTICS 0,
  ALTER COLUMN speaker_mention SET STATISTICS 0,
  ALTER COLUMN cue SET STATISTICS 0,
  ALTER COLUMN pattern SET STATISTICS 0,
  ALTER COLUMN confidence SET STATISTICS 0,
  ALTER COLUMN start_cp SET STATISTICS 0,
  ALTER COLUMN end_cp SET STATISTICS 0;
ALTER TABLE documents
  ALTER COLUMN body SET STATISTICS 0,
  ALTER COLUMN text_sha256 SET STATISTICS 0,
  ALTER COLUMN source SET STATISTICS 0;
