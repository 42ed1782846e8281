-- 0001_core.sql: extensions, the accent-folding helper, and the core
-- provenance tables: where a text came from (outlets, agencies, documents),
-- who spoke (speakers, speaker_aliases), and what was said (quotes clustering
-- occurrences, each occurrence located in a document by code-point offsets).
-- Applied once, in one transaction, by quotetrail migrate; never edit it after
-- it has shipped: add 0002_... instead.

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

-- unaccent() is only STABLE (it reads a dictionary chosen by search_path), so
-- it cannot appear in an index. Naming the dictionary and the function by
-- schema makes the result depend on the argument alone, so this wrapper may be
-- declared IMMUTABLE and used in index expressions.
CREATE FUNCTION qt_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- A publication (newspaper, broadcaster, site).
CREATE TABLE outlets (
  id   bigserial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  url  text
);

-- A news agency a text credits (AFP, Reuters, AP, TASS...).
CREATE TABLE agencies (
  id        bigserial PRIMARY KEY,
  name      text NOT NULL UNIQUE,
  aliases   text[] NOT NULL DEFAULT '{}',
  country   text,
  ownership text CHECK (ownership IN ('state', 'public', 'private'))
);

-- One ingested text. text_sha256 (lowercase hex of the body's UTF-8 bytes)
-- makes ingestion idempotent.
CREATE TABLE documents (
  id                     bigserial PRIMARY KEY,
  url                    text,
  outlet_id              bigint REFERENCES outlets (id),
  title                  text,
  published_at           timestamptz,
  published_at_estimated boolean NOT NULL DEFAULT false,
  language               text,
  text_sha256            text NOT NULL UNIQUE CHECK (text_sha256 ~ '^[0-9a-f]{64}$'),
  body                   text NOT NULL,
  ingested_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE speakers (
  id   bigserial PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('person', 'organisation', 'place', 'group'))
);

-- Normalised spellings that resolve to a speaker; one alias may be ambiguous.
CREATE TABLE speaker_aliases (
  alias_norm text NOT NULL,
  speaker_id bigint NOT NULL REFERENCES speakers (id) ON DELETE CASCADE,
  PRIMARY KEY (alias_norm, speaker_id)
);

-- A cluster of occurrences of the same statement. first_occurrence_id gets its
-- foreign key below, once occurrences exists.
CREATE TABLE quotes (
  id                  bigserial PRIMARY KEY,
  canonical_text      text NOT NULL,
  norm_text           text NOT NULL,
  language            text,
  first_occurrence_id bigint,
  occurrence_count    integer NOT NULL DEFAULT 0 CHECK (occurrence_count >= 0),
  created_at          timestamptz NOT NULL DEFAULT now()
);

-- One place a statement appears: [start_cp, end_cp) in code points of the
-- document body. quote_id is NULL until the occurrence is clustered.
CREATE TABLE occurrences (
  id                         bigserial PRIMARY KEY,
  quote_id                   bigint REFERENCES quotes (id) ON DELETE SET NULL,
  document_id                bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  start_cp                   integer NOT NULL CHECK (start_cp >= 0),
  end_cp                     integer NOT NULL,
  text                       text NOT NULL,
  kind                       text NOT NULL CHECK (kind IN ('full', 'partial', 'indirect')),
  speaker_id                 bigint REFERENCES speakers (id) ON DELETE SET NULL,
  speaker_mention            text,
  cue                        text,
  pattern                    text,
  confidence                 real CHECK (confidence >= 0 AND confidence <= 1),
  derived_from_occurrence_id bigint REFERENCES occurrences (id) ON DELETE SET NULL,
  CHECK (end_cp >= start_cp)
);

ALTER TABLE quotes
  ADD CONSTRAINT quotes_first_occurrence_fk
  FOREIGN KEY (first_occurrence_id) REFERENCES occurrences (id) ON DELETE SET NULL;

-- Who an occurrence was relayed through ("AFP reported", "told the BBC").
CREATE TABLE occurrence_via (
  occurrence_id bigint NOT NULL REFERENCES occurrences (id) ON DELETE CASCADE,
  agency_id     bigint REFERENCES agencies (id) ON DELETE CASCADE,
  outlet_id     bigint REFERENCES outlets (id) ON DELETE CASCADE,
  label         text,
  CHECK (agency_id IS NOT NULL OR outlet_id IS NOT NULL OR label IS NOT NULL),
  UNIQUE NULLS NOT DISTINCT (occurrence_id, agency_id, outlet_id, label)
);

CREATE INDEX documents_published_at_idx ON documents (published_at);
CREATE INDEX documents_outlet_id_idx ON documents (outlet_id);
CREATE INDEX documents_url_idx ON documents (url);
CREATE INDEX speakers_name_idx ON speakers (name);
CREATE INDEX speakers_name_trgm_idx ON speakers USING gin (qt_unaccent(lower(name)) gin_trgm_ops);
CREATE INDEX speaker_aliases_speaker_id_idx ON speaker_aliases (speaker_id);
CREATE INDEX agencies_aliases_idx ON agencies USING gin (aliases);
CREATE INDEX quotes_norm_text_trgm_idx ON quotes USING gin (norm_text gin_trgm_ops);
CREATE INDEX quotes_first_occurrence_id_idx ON quotes (first_occurrence_id);
CREATE INDEX occurrences_quote_id_idx ON occurrences (quote_id);
CREATE INDEX occurrences_document_id_idx ON occurrences (document_id, start_cp);
CREATE INDEX occurrences_speaker_id_idx ON occurrences (speaker_id);
CREATE INDEX occurrences_derived_from_idx ON occurrences (derived_from_occurrence_id);
-- occurrence_via (occurrence_id, ...) is covered by its unique constraint.
CREATE INDEX occurrence_via_agency_id_idx ON occurrence_via (agency_id);
CREATE INDEX occurrence_via_outlet_id_idx ON occurrence_via (outlet_id);
