-- Tidings' SQLite schema. Timestamps are RFC 3339 UTC text with exactly nine fractional digits
-- ("2025-01-02T03:04:05.000000000Z"), so text order is time order.

CREATE TABLE feeds (
    id                   INTEGER PRIMARY KEY,
    url                  TEXT    NOT NULL UNIQUE,
    title                TEXT,
    site_url             TEXT,
    publisher            TEXT    NOT NULL,
    policy               TEXT    NOT NULL,
    allow_private        INTEGER NOT NULL,
    interval_secs        INTEGER NOT NULL,
    etag                 TEXT,
    last_modified        TEXT,
    last_fetch_at        TEXT,
    last_status          TEXT,
    last_error           TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    next_fetch_at        TEXT    NOT NULL,
    created_at           TEXT    NOT NULL
);

CREATE INDEX feeds_next_fetch_at ON feeds (next_fetch_at);

CREATE TABLE articles (
    id             INTEGER PRIMARY KEY,
    feed_id        INTEGER REFERENCES feeds (id) ON DELETE SET NULL,
    publisher      TEXT NOT NULL,
    publisher_slug TEXT NOT NULL,
    guid           TEXT,
    url            TEXT NOT NULL,
    canonical_url  TEXT,
    title          TEXT NOT NULL,
    byline         TEXT,
    published_at   TEXT,
    fetched_at     TEXT NOT NULL,
    -- coalesce(published_at, fetched_at), kept for ordering.
    shown_at       TEXT NOT NULL,
    image          TEXT,
    language       TEXT,
    site_name      TEXT,
    text           TEXT NOT NULL,
    html           TEXT NOT NULL,
    excerpt        TEXT NOT NULL,
    body_source    TEXT NOT NULL,
    policy         TEXT NOT NULL
);

CREATE UNIQUE INDEX articles_feed_guid ON articles (feed_id, guid) WHERE guid IS NOT NULL;
CREATE UNIQUE INDEX articles_url ON articles (url);
CREATE UNIQUE INDEX articles_canonical_url ON articles (canonical_url) WHERE canonical_url IS NOT NULL;
CREATE INDEX articles_shown_at ON articles (shown_at);
CREATE INDEX articles_publisher_shown_at ON articles (publisher_slug, shown_at);
CREATE INDEX articles_feed_id ON articles (feed_id);

-- shown_at is copied from the article so tag pages and trending tags read one index.
CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    slug       TEXT    NOT NULL,
    label      TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    shown_at   TEXT    NOT NULL,
    PRIMARY KEY (article_id, slug)
) WITHOUT ROWID;

CREATE INDEX article_tags_slug ON article_tags (slug, shown_at, article_id);
CREATE INDEX article_tags_shown_at ON article_tags (shown_at, slug);

CREATE TABLE article_terms (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    term       TEXT    NOT NULL,
    weight     REAL    NOT NULL,
    PRIMARY KEY (article_id, term)
) WITHOUT ROWID;

-- Covers the related-articles join: term → (article, weight) without touching the table.
CREATE INDEX article_terms_term ON article_terms (term, article_id, weight);

CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title,
    text,
    content = 'articles',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_after_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
END;

CREATE TRIGGER articles_fts_after_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
