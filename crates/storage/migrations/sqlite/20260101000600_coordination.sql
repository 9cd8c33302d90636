-- Coordination of processes sharing the database: the job queue, leadership leases, per-host
-- request slots, throttle events and site-wide secrets.

CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    payload     TEXT    NOT NULL DEFAULT '',
    state       TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'dead')),
    run_at      TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_token TEXT,
    lease_until TEXT,
    leased_by   TEXT,
    last_error  TEXT,
    created_at  TEXT    NOT NULL
);

-- At most one live (queued or running) job per kind and key.
CREATE UNIQUE INDEX jobs_live ON jobs (kind, key) WHERE state <> 'dead';
CREATE INDEX jobs_due ON jobs (state, run_at);

CREATE TABLE leaders (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    token      TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE host_slots (
    host       TEXT    NOT NULL,
    slot       INTEGER NOT NULL,
    holder     TEXT    NOT NULL,
    token      TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    PRIMARY KEY (host, slot)
) WITHOUT ROWID;

CREATE TABLE throttle_events (
    key TEXT NOT NULL,
    at  TEXT NOT NULL
);

CREATE INDEX throttle_events_key_at ON throttle_events (key, at);
CREATE INDEX throttle_events_at ON throttle_events (at);

CREATE TABLE site_secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

-- The story stage's work list: stored articles not yet placed in a story.
CREATE INDEX articles_unplaced ON articles (id) WHERE story_id IS NULL;
