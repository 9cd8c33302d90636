-- Raw pages: the fetched HTML of each article's page, gzip-compressed, kept for a retention
-- period so extraction can be re-run. Categories are the feed entry's, one per line.
CREATE TABLE raw_pages (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    url        TEXT    NOT NULL,
    charset    TEXT,
    fetched_at TEXT    NOT NULL,
    body_gzip  BLOB    NOT NULL,
    categories TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX raw_pages_fetched_at ON raw_pages (fetched_at);
