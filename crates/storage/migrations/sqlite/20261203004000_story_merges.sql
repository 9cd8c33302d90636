-- Stories merged into another by the story stage's revisit step: the old story's page
-- answers with a permanent redirect to the one that took its articles.
CREATE TABLE story_merges (
    from_id   INTEGER PRIMARY KEY,
    into_id   INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    merged_at TEXT    NOT NULL
);

CREATE INDEX story_merges_into ON story_merges (into_id);
