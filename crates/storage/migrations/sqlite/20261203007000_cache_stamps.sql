-- Version stamps for the web processes' page caches. Triggers bump a scope in the same
-- transaction as any change a page shows, whichever process or command makes it, so a web
-- process that reads a stamp different from the one a cached page was rendered under knows
-- the page is stale. `content`: articles, their tags, stories, neighbours and feeds (the
-- publishers); `comments`: comments and their authors' names.

CREATE TABLE cache_stamps (
    scope   TEXT    PRIMARY KEY,
    version INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO cache_stamps (scope, version) VALUES ('content', 1), ('comments', 1);

CREATE TRIGGER cache_articles_insert AFTER INSERT ON articles BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;
CREATE TRIGGER cache_articles_update AFTER UPDATE ON articles BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;
CREATE TRIGGER cache_articles_delete AFTER DELETE ON articles BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;

CREATE TRIGGER cache_article_tags_insert AFTER INSERT ON article_tags BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;
CREATE TRIGGER cache_article_tags_update AFTER UPDATE ON article_tags BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;
CREATE TRIGGER cache_article_tags_delete AFTER DELETE ON article_tags BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;

CREATE TRIGGER cache_stories_insert AFTER INSERT ON stories BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;
CREATE TRIGGER cache_stories_update AFTER UPDATE ON stories BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;
CREATE TRIGGER cache_stories_delete AFTER DELETE ON stories BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;

CREATE TRIGGER cache_neighbours_insert AFTER INSERT ON article_neighbours BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;
CREATE TRIGGER cache_neighbours_update AFTER UPDATE ON article_neighbours BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;
CREATE TRIGGER cache_neighbours_delete AFTER DELETE ON article_neighbours BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;

-- Polls rewrite a feed's fetch state every few minutes; only what pages show counts.
CREATE TRIGGER cache_feeds_insert AFTER INSERT ON feeds BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;
CREATE TRIGGER cache_feeds_update AFTER UPDATE OF url, title, site_url, publisher, policy ON feeds
WHEN OLD.url IS NOT NEW.url OR OLD.title IS NOT NEW.title OR OLD.site_url IS NOT NEW.site_url
    OR OLD.publisher IS NOT NEW.publisher OR OLD.policy IS NOT NEW.policy
BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;
CREATE TRIGGER cache_feeds_delete AFTER DELETE ON feeds BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'content';
END;

CREATE TRIGGER cache_comments_insert AFTER INSERT ON comments BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'comments';
END;
CREATE TRIGGER cache_comments_update AFTER UPDATE ON comments BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'comments';
END;
CREATE TRIGGER cache_comments_delete AFTER DELETE ON comments BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'comments';
END;
CREATE TRIGGER cache_users_update AFTER UPDATE OF name, banned ON users BEGIN
    UPDATE cache_stamps SET version = version + 1 WHERE scope = 'comments';
END;
