//! PostgreSQL side of the story stage's revisions: merging one story into another (with the
//! redirect its old address answers with) and splitting articles off into a new story.
//! Story ids come from an identity column and are never reused, so an old address never
//! leads to a newer story.

use sqlx::PgConnection;
use tidings_core::{ArticleId, StorageError, StorageResult, StoryId};

use super::db_errors::db_error;
use super::timestamps::now;

pub(super) async fn merge(
    conn: &mut PgConnection,
    from: StoryId,
    into: StoryId,
) -> StorageResult<()> {
    if from == into {
        return Err(StorageError::Invalid(format!(
            "story merge: story {from} into itself"
        )));
    }
    // Locks both rows (in id order, so two merges cannot deadlock) and checks they exist.
    let found: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM stories WHERE id = ANY($1) ORDER BY id FOR UPDATE")
            .bind(vec![from, into])
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?;
    for id in [from, into] {
        if !found.iter().any(|&(f,)| f == id) {
            return Err(StorageError::Invalid(format!(
                "story merge: story {id} does not exist"
            )));
        }
    }
    let statements = [
        "UPDATE articles SET story_id = $2 WHERE story_id = $1",
        "UPDATE stories SET last_at = GREATEST(last_at, (SELECT last_at FROM stories WHERE id = $1))
         WHERE id = $2",
        "UPDATE story_merges SET into_id = $2 WHERE into_id = $1",
        // Readers following the merged story follow the survivor (once).
        "UPDATE follows f SET target = $2::bigint::text
         WHERE f.kind = 'story' AND f.target = $1::bigint::text
           AND NOT EXISTS (SELECT 1 FROM follows g WHERE g.user_id = f.user_id
                           AND g.kind = 'story' AND g.target = $2::bigint::text)",
        "DELETE FROM follows WHERE kind = 'story' AND target = $1::bigint::text
           AND target <> $2::bigint::text",
    ];
    for sql in statements {
        sqlx::query(sql)
            .bind(from)
            .bind(into)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    sqlx::query(
        "INSERT INTO story_merges (from_id, into_id, merged_at) VALUES ($1, $2, $3)
         ON CONFLICT (from_id) DO UPDATE SET into_id = excluded.into_id",
    )
    .bind(from)
    .bind(into)
    .bind(now())
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    sqlx::query("DELETE FROM stories WHERE id = $1")
        .bind(from)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

pub(super) async fn split(
    conn: &mut PgConnection,
    story: StoryId,
    articles: &[ArticleId],
) -> StorageResult<StoryId> {
    if articles.is_empty() {
        return Err(StorageError::Invalid(
            "story split: no articles to move".to_string(),
        ));
    }
    let inside: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM articles WHERE id = ANY($1) AND story_id = $2 FOR UPDATE")
            .bind(articles)
            .bind(story)
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?;
    if let Some(&stray) = articles
        .iter()
        .find(|a| !inside.iter().any(|&(i,)| i == **a))
    {
        return Err(StorageError::Invalid(format!(
            "story split: article {stray} is not in story {story}"
        )));
    }
    let created = now();
    let (new,): (i64,) =
        sqlx::query_as("INSERT INTO stories (created_at, last_at) VALUES ($1, $1) RETURNING id")
            .bind(created)
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
    sqlx::query("UPDATE articles SET story_id = $1 WHERE id = ANY($2)")
        .bind(new)
        .bind(articles)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    sqlx::query(
        "UPDATE stories s SET last_at = COALESCE(
             (SELECT MAX(shown_at) FROM articles WHERE story_id = s.id), s.last_at)
         WHERE s.id = ANY($1)",
    )
    .bind(vec![story, new])
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(new)
}

pub(super) async fn redirect(
    conn: &mut PgConnection,
    id: StoryId,
) -> StorageResult<Option<StoryId>> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT into_id FROM story_merges WHERE from_id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(row.map(|(into,)| into))
}
