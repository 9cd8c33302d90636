-- Lead images as Tidings serves them: the last fetch of each article's lead image (its source
-- URL, and why it was refused when it was), and the encoded variants (card, article) made
-- from it. Storing a fetch changes what cards and article pages show, so it bumps the
-- `content` stamp like any other change pages show.
CREATE TABLE lead_image_fetches (
    article_id BIGINT      PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    source_url TEXT        NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    error      TEXT
);

CREATE TABLE article_images (
    article_id   BIGINT  NOT NULL REFERENCES lead_image_fetches (article_id) ON DELETE CASCADE,
    variant      TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    width        BIGINT  NOT NULL,
    height       BIGINT  NOT NULL,
    digest       TEXT    NOT NULL,
    bytes        BYTEA   NOT NULL,
    PRIMARY KEY (article_id, variant)
);

CREATE CONSTRAINT TRIGGER cache_lead_image_fetches
    AFTER INSERT OR UPDATE OR DELETE ON lead_image_fetches
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tidings_bump_cache_stamp('content');
