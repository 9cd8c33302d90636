-- The operator's console: feeds an operator paused are not scheduled, and long operator
-- tasks (an OPML import, refreshing every feed) record their progress.

ALTER TABLE feeds ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;

CREATE TABLE operator_tasks (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL,
    label      TEXT    NOT NULL,
    total      INTEGER NOT NULL DEFAULT 0,
    done       INTEGER NOT NULL DEFAULT 0,
    failed     INTEGER NOT NULL DEFAULT 0,
    note       TEXT    NOT NULL DEFAULT '',
    finished   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);

-- The dashboard counts the articles fetched today.
CREATE INDEX articles_fetched_at ON articles (fetched_at);
