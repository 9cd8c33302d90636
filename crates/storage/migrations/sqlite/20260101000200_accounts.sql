-- Reader accounts, sessions, API tokens, password resets, comments, reports and the
-- moderation audit log. Tokens are stored only as SHA-256 hex digests.

CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL,
    -- lower-cased name, so names are unique regardless of case
    name_key          TEXT    NOT NULL UNIQUE,
    password_hash     TEXT    NOT NULL,
    role              TEXT    NOT NULL,
    banned            INTEGER NOT NULL DEFAULT 0,
    approved_comments INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT    NOT NULL
);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    revoked      INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label        TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_used_at TEXT,
    revoked      INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE password_resets (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TEXT    NOT NULL,
    used_at    TEXT
);

CREATE TABLE comments (
    id            INTEGER PRIMARY KEY,
    article_id    INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    parent_id     INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body_markdown TEXT    NOT NULL,
    body_html     TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    edited_at     TEXT,
    deleted       INTEGER NOT NULL DEFAULT 0,
    hidden        INTEGER NOT NULL DEFAULT 0,
    held          INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX comments_article_top ON comments (article_id, parent_id, created_at);
CREATE INDEX comments_parent ON comments (parent_id);
CREATE INDEX comments_held ON comments (held) WHERE held = 1;

CREATE TABLE comment_reports (
    id          INTEGER PRIMARY KEY,
    comment_id  INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    reporter_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    resolved    INTEGER NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX comment_reports_once ON comment_reports (comment_id, reporter_id);
CREATE INDEX comment_reports_open ON comment_reports (resolved, comment_id);

CREATE TABLE moderation_log (
    id             INTEGER PRIMARY KEY,
    at             TEXT    NOT NULL,
    moderator_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action         TEXT    NOT NULL,
    comment_id     INTEGER,
    target_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    note           TEXT    NOT NULL
);
