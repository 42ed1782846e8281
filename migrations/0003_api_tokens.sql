-- 0003_api_tokens.sql: bearer tokens for the HTTP API's writes
-- (POST /api/v1/documents) and, with `serve --require-token-for-reads`, its
-- reads. `quotetrail token create` prints a new token once; only its SHA-256
-- (lowercase hex) is stored, so a leaked table gives no usable token.
-- A revoked token stays listed (revoked_at set) and is refused.
CREATE TABLE api_tokens (
  id           bigserial PRIMARY KEY,
  name         text NOT NULL DEFAULT '',
  token_sha256 text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
