-- What signed-in readers keep: follows of tags, sources and stories, saved articles and read
-- marks. A follow's target is the tag or publisher slug, or the story id in decimal.

CREATE TABLE follows (
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT        NOT NULL CHECK (kind IN ('tag', 'source', 'story')),
    target     TEXT        NOT NULL,
    label      TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    -- The reader's last visit of a followed story (its "New coverage" mark is what came later).
    seen_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, kind, target)
);

-- Story merges move the follows of the merged story.
CREATE INDEX follows_kind_target ON follows (kind, target);

CREATE TABLE saved_articles (
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    article_id BIGINT      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    saved_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, article_id)
);

CREATE INDEX saved_articles_user_saved_at ON saved_articles (user_id, saved_at);
CREATE INDEX saved_articles_article ON saved_articles (article_id);

CREATE TABLE read_marks (
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    article_id BIGINT      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    read_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, article_id)
);

CREATE INDEX read_marks_article ON read_marks (article_id);

-- For you finds the stories of followed sources through their articles.
CREATE INDEX articles_publisher_story ON articles (publisher_slug, story_id);
