-- API tokens get a kind (app passwords will be another), scopes and an expiry. Tokens made
-- before could do everything a token could (read and comment) and never expired: they keep
-- their scopes and now expire 90 days from this migration.
ALTER TABLE api_tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'api';
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read comment';
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
UPDATE api_tokens SET expires_at = now() + INTERVAL '90 days';
