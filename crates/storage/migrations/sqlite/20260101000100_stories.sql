-- Stories: articles about one event from many outlets, and syndicated copies.

CREATE TABLE stories (
    id         INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    -- The newest shown_at of its articles, kept for ordering.
    last_at    TEXT NOT NULL
);

CREATE INDEX stories_last_at ON stories (last_at, id);

ALTER TABLE articles ADD COLUMN story_id INTEGER REFERENCES stories (id) ON DELETE SET NULL;
-- Set on a syndicated copy: the id of its original.
ALTER TABLE articles ADD COLUMN copy_of INTEGER REFERENCES articles (id) ON DELETE SET NULL;

CREATE INDEX articles_story_id ON articles (story_id, shown_at);
CREATE INDEX articles_copy_of ON articles (copy_of) WHERE copy_of IS NOT NULL;

-- The nearest articles of each article (both directions), for Related Articles.
CREATE TABLE article_neighbours (
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    neighbour_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    similarity  REAL    NOT NULL,
    PRIMARY KEY (article_id, neighbour_id)
) WITHOUT ROWID;
