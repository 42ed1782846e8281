-- 0002_provenance.sql: what `quotetrail ingest` writes and `find` (and the
-- HTTP API) read on top of 0001: relays with their kind, outlets linked to
-- the relay they are, where a document came from, speakers' keys, the
-- speaker of an occurrence as the article gives it, per-cluster figures and
-- speakers (conflicting attributions), full-text and trigram indexes.
--
-- Who writes what (src/store.h): ingest upserts every relay of
-- extractors/common/agencies.tsv into agencies at start; it then writes
-- documents with their occurrences, the clusters (quotes) they join and the
-- speakers they name, one transaction per batch of whole documents. The
-- clustering thresholds (exact match after normalisation, word 3-shingles
-- for variants) are in src/quote_clusters.h; speaker matching in
-- src/speaker_directory.h.

-- Language code ("fr", "en-GB") -> text search configuration: french,
-- english, else simple. IMMUTABLE (the configurations are named with their
-- schema), so it can appear in index expressions.
CREATE FUNCTION qt_ts_config(text) RETURNS regconfig
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE lower(split_part(coalesce($1, ''), '-', 1))
                 WHEN 'fr' THEN 'pg_catalog.french'::regconfig
                 WHEN 'en' THEN 'pg_catalog.english'::regconfig
                 ELSE 'pg_catalog.simple'::regconfig END $$;

-- Relays: agencies proper, but also outlets and platforms that pass words on
-- ("told the BBC", "sur X"), as the gazetteer lists them.
ALTER TABLE agencies
  ADD COLUMN kind text NOT NULL DEFAULT 'agency' CHECK (kind IN ('agency', 'outlet', 'platform'));

-- The relay an outlet is, when the gazetteer knows its name (og:site_name
-- "Le Monde" -> the relay Le Monde): links a document's publisher to the
-- relay other articles credit.
ALTER TABLE outlets ADD COLUMN agency_id bigint REFERENCES agencies (id) ON DELETE SET NULL;
CREATE INDEX outlets_agency_id_idx ON outlets (agency_id);

-- Where the text came from: the input file, with ":LINE" for JSONL, and the
-- article's id there. The URL column holds the canonical URL when known.
ALTER TABLE documents ADD COLUMN source text;
ALTER TABLE documents ADD COLUMN external_id text;
-- Full text of titles only: indexing every body with to_tsvector triples
-- the cost of writing a document (measured with bench/ingest_bench); quotes
-- have their own full-text index below.
CREATE INDEX documents_title_fts_idx ON documents
  USING gin (to_tsvector(qt_ts_config(language), coalesce(title, '')));

-- The alias key of the name (speaker_directory.h: SpeakerKey).
ALTER TABLE speakers ADD COLUMN name_norm text;
UPDATE speakers SET name_norm = lower(qt_unaccent(name));
ALTER TABLE speakers ALTER COLUMN name_norm SET NOT NULL;
CREATE INDEX speakers_name_norm_idx ON speakers (name_norm);
CREATE INDEX speaker_aliases_alias_trgm_idx ON speaker_aliases USING gin (alias_norm gin_trgm_ops);

-- The speaker as the article resolves it ("Sergueï Lavrov", "les deux pays"),
-- kept even when it names no stored speaker (descriptions get no speaker_id).
ALTER TABLE occurrences ADD COLUMN speaker_name text;
ALTER TABLE occurrences
  ADD COLUMN speaker_kind text CHECK (speaker_kind IN ('person', 'organisation', 'place', 'group'));
-- Vias in the article's order of relevance (the one the attribution names,
-- then nearest first), 0-based.
ALTER TABLE occurrence_via ADD COLUMN position smallint NOT NULL DEFAULT 0;

-- Cluster figures, kept by ingest: the first appearance's date, distinct
-- documents, the main speaker (most occurrences, ties: earliest) and whether
-- several identified speakers are given the same words.
ALTER TABLE quotes ADD COLUMN first_published_at timestamptz;
ALTER TABLE quotes ADD COLUMN document_count integer NOT NULL DEFAULT 0 CHECK (document_count >= 0);
ALTER TABLE quotes ADD COLUMN speaker_id bigint REFERENCES speakers (id) ON DELETE SET NULL;
ALTER TABLE quotes ADD COLUMN speaker_count integer NOT NULL DEFAULT 0 CHECK (speaker_count >= 0);
ALTER TABLE quotes ADD COLUMN speaker_conflict boolean NOT NULL DEFAULT false;
-- Ingest rewrites a cluster's figures whenever a batch adds to it: room on
-- each page lets PostgreSQL update in place (HOT) instead of adding entries to
-- every index, the trigram and full-text ones included.
ALTER TABLE quotes SET (fillfactor = 50);
-- A cluster and its occurrences are written in one transaction, quotes
-- first: the link to the first occurrence is checked at commit.
ALTER TABLE quotes ALTER CONSTRAINT quotes_first_occurrence_fk DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX quotes_first_published_at_idx ON quotes (first_published_at);
CREATE INDEX quotes_speaker_id_idx ON quotes (speaker_id);
CREATE INDEX quotes_conflict_idx ON quotes (id) WHERE speaker_conflict;
CREATE INDEX quotes_fts_idx ON quotes USING gin (to_tsvector(qt_ts_config(language), canonical_text));

-- Every identified speaker a cluster's words are given to: one row when the
-- attribution agrees, several for a conflict (each occurrence keeps its own).
CREATE TABLE quote_speakers (
  quote_id            bigint NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
  speaker_id          bigint NOT NULL REFERENCES speakers (id) ON DELETE CASCADE,
  occurrence_count    integer NOT NULL CHECK (occurrence_count > 0),
  first_occurrence_id bigint REFERENCES occurrences (id) ON DELETE SET NULL
                      DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (quote_id, speaker_id)
);
CREATE INDEX quote_speakers_speaker_id_idx ON quote_speakers (speaker_id);
CREATE INDEX quote_speakers_first_occurrence_id_idx ON quote_speakers (first_occurrence_id);
