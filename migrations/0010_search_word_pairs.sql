-- 0010_search_word_pairs.sql: the pairs of consecutive words of each
-- cluster, indexed, for the exact-phrase stage of GET /api/v1/quotes?q=
-- (src/api_queries.h).
--
-- The phrase query on norm_words (0006) reaches its rows through the GIN
-- index of single words, which cannot see positions: for a q of common
-- words ("a a la", "de la le", "in the study") the index gives every
-- cluster holding all the words anywhere (18,000 of 200,000 for "a a la"),
-- and each is read from the table to check the positions (about 12 us a
-- row: 230 ms for that one query, while a search usually takes 4 ms). The
-- pairs of consecutive words are far rarer than the words ("a a" and
-- "a la" together: 42 clusters), and a cluster holding q as a phrase holds
-- every pair of consecutive words of q: looking the pairs up first, then
-- checking the phrase on those rows only, finds the same clusters.
--
-- qt_word_pairs(v) is 'w1 w2' for each lexeme w1 at a position p and lexeme
-- w2 at p + 1 of the tsvector v (any order; may repeat). Taken from the
-- positions of norm_words itself, so that it agrees with the phrase query
-- whatever the parser makes of a word; a position holding several lexemes
-- (only past tsvector's last position, 16383) takes the slower exact
-- formulation.
CREATE OR REPLACE FUNCTION qt_word_pairs(v tsvector) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  words text[] := '{}';
  pairs text[] := '{}';
  r record;
  p integer;
BEGIN
  FOR r IN SELECT lexeme, positions FROM unnest(v) LOOP
    FOREACH p IN ARRAY coalesce(r.positions, '{}'::smallint[]) LOOP
      IF words[p] IS NOT NULL THEN
        RETURN (SELECT coalesce(array_agg(DISTINCT a.lexeme || ' ' || b.lexeme), '{}')
                FROM (SELECT u.lexeme, x FROM unnest(v) u, unnest(u.positions) x) a
                JOIN (SELECT u.lexeme, x FROM unnest(v) u, unnest(u.positions) x) b ON b.x = a.x + 1);
      END IF;
      words[p] := r.lexeme;
    END LOOP;
  END LOOP;
  IF cardinality(words) = 0 THEN
    RETURN pairs;
  END IF;
  FOR p IN array_lower(words, 1) .. array_upper(words, 1) - 1 LOOP
    IF words[p] IS NOT NULL AND words[p + 1] IS NOT NULL THEN
      pairs := pairs || (words[p] || ' ' || words[p + 1]);
    END IF;
  END LOOP;
  RETURN pairs;
END
$$;

-- Stored, like norm_words and fts, and computed by the same trigger (0007):
-- when a cluster is inserted or its text changes, not each time ingest
-- updates its counts (an expression index would compute it at every update
-- of the row).
ALTER TABLE quotes ADD COLUMN IF NOT EXISTS norm_pairs text[];

CREATE OR REPLACE FUNCTION qt_quotes_search_vectors() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.norm_words := to_tsvector('pg_catalog.simple', NEW.norm_text);
  NEW.fts := to_tsvector(qt_ts_config(NEW.language), NEW.canonical_text);
  NEW.norm_pairs := qt_word_pairs(NEW.norm_words);
  RETURN NEW;
END
$$;

-- Existing clusters (the UPDATE names no text column: the trigger stays out).
UPDATE quotes SET norm_pairs = qt_word_pairs(norm_words) WHERE norm_pairs IS NULL;

CREATE INDEX IF NOT EXISTS quotes_norm_pairs_idx ON quotes USING gin (norm_pairs);
