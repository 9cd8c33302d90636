-- Version stamps for the web processes' page caches. Triggers bump a scope in the same
-- transaction as any change a page shows, whichever process or command makes it, so a web
-- process that reads a stamp different from the one a cached page was rendered under knows
-- the page is stale. `content`: articles, their tags, stories, neighbours and feeds (the
-- publishers); `comments`: comments and their authors' names.
--
-- The triggers are deferred to commit, so the stamp's row lock is the last lock a
-- transaction takes (no deadlock with row locks taken after it), and each transaction
-- bumps a scope once however many rows it changes.

CREATE TABLE cache_stamps (
    scope     TEXT   PRIMARY KEY,
    version   BIGINT NOT NULL,
    bumped_by XID8
);

INSERT INTO cache_stamps (scope, version) VALUES ('content', 1), ('comments', 1);

CREATE FUNCTION tidings_bump_cache_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cache_stamps
       SET version = version + 1, bumped_by = pg_current_xact_id()
     WHERE scope = TG_ARGV[0]
       AND bumped_by IS DISTINCT FROM pg_current_xact_id();
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER cache_articles AFTER INSERT OR UPDATE OR DELETE ON articles
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tidings_bump_cache_stamp('content');
CREATE CONSTRAINT TRIGGER cache_article_tags AFTER INSERT OR UPDATE OR DELETE ON article_tags
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tidings_bump_cache_stamp('content');
CREATE CONSTRAINT TRIGGER cache_stories AFTER INSERT OR UPDATE OR DELETE ON stories
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tidings_bump_cache_stamp('content');
CREATE CONSTRAINT TRIGGER cache_neighbours AFTER INSERT OR UPDATE OR DELETE ON article_neighbours
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tidings_bump_cache_stamp('content');
-- Polls rewrite a feed's fetch state every few minutes; only what pages show counts.
CREATE CONSTRAINT TRIGGER cache_feeds_insert_delete AFTER INSERT OR DELETE ON feeds
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tidings_bump_cache_stamp('content');
CREATE CONSTRAINT TRIGGER cache_feeds_update AFTER UPDATE OF url, title, site_url, publisher, policy ON feeds
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.url IS DISTINCT FROM NEW.url OR OLD.title IS DISTINCT FROM NEW.title
          OR OLD.site_url IS DISTINCT FROM NEW.site_url OR OLD.publisher IS DISTINCT FROM NEW.publisher
          OR OLD.policy IS DISTINCT FROM NEW.policy)
    EXECUTE FUNCTION tidings_bump_cache_stamp('content');
CREATE CONSTRAINT TRIGGER cache_comments AFTER INSERT OR UPDATE OR DELETE ON comments
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tidings_bump_cache_stamp('comments');
CREATE CONSTRAINT TRIGGER cache_users AFTER UPDATE OF name, banned ON users
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tidings_bump_cache_stamp('comments');
