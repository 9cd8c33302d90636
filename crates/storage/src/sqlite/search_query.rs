//! Full-text search: turning a reader's words into a safe FTS5 query and ranking matches.

use sqlx::SqlitePool;
use tidings_core::{ArticleCard, PageRequest, Paged, StorageResult};

use super::db_errors::db_error;
use super::lists::{CARD_COLUMNS, limit_offset, paged};
use super::rows::CardRow;

/// Words past this many are ignored, to bound the cost of one query.
const MAX_WORDS: usize = 16;

/// An FTS5 query matching articles holding all the reader's words: each whitespace-separated
/// word with at least one letter or digit becomes a quoted phrase (quotes doubled), so FTS5
/// operators and punctuation (`AND`, `*`, `"`, `NEAR(`, `:`) are searched as text, never
/// parsed. `None` when no word is left.
pub(crate) fn fts_query(words: &str) -> Option<String> {
    let phrases: Vec<String> = words
        .split_whitespace()
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .take(MAX_WORDS)
        .map(|word| format!("\"{}\"", word.replace('"', "\"\"")))
        .collect();
    (!phrases.is_empty()).then(|| phrases.join(" "))
}

/// Best match first (BM25, a title hit weighing twice a body hit), newest first among equals.
pub(crate) async fn search_articles(
    pool: &SqlitePool,
    words: &str,
    page: PageRequest,
) -> StorageResult<Paged<ArticleCard>> {
    let Some(query) = fts_query(words) else {
        return Ok(Paged {
            items: Vec::new(),
            has_more: false,
        });
    };
    let (limit, offset) = limit_offset(page);
    let rows: Vec<CardRow> = sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM articles_fts AS f JOIN articles AS a ON a.id = f.rowid
         WHERE articles_fts MATCH ?
         ORDER BY bm25(articles_fts, 2.0, 1.0), a.shown_at DESC, a.id DESC
         LIMIT ? OFFSET ?"
    ))
    .bind(query)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    paged(pool, rows, page).await
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn operators_and_punctuation_become_quoted_text() {
        assert_eq!(
            fts_query(r#"nuclear AND talks* "iran""#).as_deref(),
            Some(r#""nuclear" "AND" "talks*" """iran""""#)
        );
    }

    #[test]
    fn punctuation_only_input_is_no_query() {
        assert_eq!(fts_query(""), None);
        assert_eq!(fts_query("  * \" ( ) - :  "), None);
    }

    #[test]
    fn long_input_is_cut_to_the_word_limit() {
        let query = fts_query(&"word ".repeat(100)).expect("words left");
        assert_eq!(query.matches("\"word\"").count(), super::MAX_WORDS);
    }
}
