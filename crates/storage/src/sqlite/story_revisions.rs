//! SQLite side of the story stage's revisions: merging one story into another (with the
//! redirect its old address answers with) and splitting articles off into a new story.

use chrono::Utc;
use sqlx::SqliteConnection;
use tidings_core::{ArticleId, StorageError, StorageResult, StoryId};

use super::db_errors::db_error;
use super::timestamps::encode;

/// The id a new story takes: above every story and every merged story, so an old address
/// never leads to a newer story (SQLite would otherwise reuse the highest freed id).
pub(super) const NEW_STORY_ID: &str = "(SELECT MAX(COALESCE((SELECT MAX(id) FROM stories), 0), \
     COALESCE((SELECT MAX(from_id) FROM story_merges), 0)) + 1)";

async fn exists(conn: &mut SqliteConnection, id: StoryId) -> StorageResult<bool> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM stories WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(row.is_some())
}

pub(super) async fn merge(
    conn: &mut SqliteConnection,
    from: StoryId,
    into: StoryId,
) -> StorageResult<()> {
    if from == into {
        return Err(StorageError::Invalid(format!(
            "story merge: story {from} into itself"
        )));
    }
    for id in [from, into] {
        if !exists(conn, id).await? {
            return Err(StorageError::Invalid(format!(
                "story merge: story {id} does not exist"
            )));
        }
    }
    let statements: [(&str, [i64; 2]); 5] = [
        (
            "UPDATE articles SET story_id = ?2 WHERE story_id = ?1",
            [from, into],
        ),
        (
            "UPDATE stories SET last_at = MAX(last_at, (SELECT last_at FROM stories WHERE id = ?1))
             WHERE id = ?2",
            [from, into],
        ),
        (
            "UPDATE story_merges SET into_id = ?2 WHERE into_id = ?1",
            [from, into],
        ),
        // Readers following the merged story follow the survivor (once).
        (
            "UPDATE OR IGNORE follows SET target = CAST(?2 AS TEXT)
             WHERE kind = 'story' AND target = CAST(?1 AS TEXT)",
            [from, into],
        ),
        (
            "DELETE FROM follows WHERE kind = 'story' AND target = CAST(?1 AS TEXT)
               AND target <> CAST(?2 AS TEXT)",
            [from, into],
        ),
    ];
    for (sql, [a, b]) in statements {
        sqlx::query(sql)
            .bind(a)
            .bind(b)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    sqlx::query(
        "INSERT INTO story_merges (from_id, into_id, merged_at) VALUES (?, ?, ?)
         ON CONFLICT (from_id) DO UPDATE SET into_id = excluded.into_id",
    )
    .bind(from)
    .bind(into)
    .bind(encode("merged_at", Utc::now())?)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    sqlx::query("DELETE FROM stories WHERE id = ?")
        .bind(from)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

pub(super) async fn split(
    conn: &mut SqliteConnection,
    story: StoryId,
    articles: &[ArticleId],
) -> StorageResult<StoryId> {
    if articles.is_empty() {
        return Err(StorageError::Invalid(
            "story split: no articles to move".to_string(),
        ));
    }
    for &article in articles {
        let row: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT story_id FROM articles WHERE id = ?")
                .bind(article)
                .fetch_optional(&mut *conn)
                .await
                .map_err(db_error)?;
        if row.and_then(|(s,)| s) != Some(story) {
            return Err(StorageError::Invalid(format!(
                "story split: article {article} is not in story {story}"
            )));
        }
    }
    let now = encode("created_at", Utc::now())?;
    let (new,): (i64,) = sqlx::query_as(&format!(
        "INSERT INTO stories (id, created_at, last_at) VALUES ({NEW_STORY_ID}, ?, ?) RETURNING id"
    ))
    .bind(&now)
    .bind(&now)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    for &article in articles {
        sqlx::query("UPDATE articles SET story_id = ? WHERE id = ?")
            .bind(new)
            .bind(article)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    for id in [story, new] {
        sqlx::query(
            "UPDATE stories SET last_at = COALESCE(
                 (SELECT MAX(shown_at) FROM articles WHERE story_id = ?1), last_at)
             WHERE id = ?1",
        )
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(new)
}

pub(super) async fn redirect(
    conn: &mut SqliteConnection,
    id: StoryId,
) -> StorageResult<Option<StoryId>> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT into_id FROM story_merges WHERE from_id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(row.map(|(into,)| into))
}
