-- Raw pages: the fetched HTML of each article's page, gzip-compressed, kept for a retention
-- period so extraction can be re-run. Categories are the feed entry's.
CREATE TABLE raw_pages (
    article_id BIGINT      PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    url        TEXT        NOT NULL,
    charset    TEXT,
    fetched_at TIMESTAMPTZ NOT NULL,
    body_gzip  BYTEA       NOT NULL,
    categories TEXT[]      NOT NULL DEFAULT '{}'
);

CREATE INDEX raw_pages_fetched_at ON raw_pages (fetched_at);
