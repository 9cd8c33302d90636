-- Lead images as Tidings serves them: the last fetch of each article's lead image (its source
-- URL, and why it was refused when it was), and the encoded variants (card, article) made
-- from it. Storing a fetch changes what cards and article pages show, so it bumps the
-- `content` stamp like any other change pages show.
CREATE TABLE lead_image_fetches (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    source_url TEXT    NOT NULL,
    fetched_at TEXT    NOT NULL,
    error      TEXT
);

CREATE TABLE article_images (
    article_id   INTEGER NOT NULL REFERENCES lead_image_fetches (article_id) ON DELETE CASCADE,
    variant      TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    digest       TEXT    NOT NULL,
    bytes        BLOB    NOT NULL,
    PRIMARY KEY (article_id, variant)
) WITHOUT ROWID;

CREATE TRIGGER cache_lead_image_fetches_insert AFTER INSERT ON lead_image_fetches BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;
CREATE TRIGGER cache_lead_image_fetches_update AFTER UPDATE ON lead_image_fetches BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;
CREATE TRIGGER cache_lead_image_fetches_delete AFTER DELETE ON lead_image_fetches BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;
