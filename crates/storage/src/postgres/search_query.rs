//! Full-text search: turning a reader's words into a safe `tsquery` and ranking matches on
//! the `articles.search` column (title words weigh A, body words B).

use sqlx::{PgPool, Postgres, QueryBuilder};
use tidings_core::{ArticleCard, PageRequest, Paged, StorageResult};

use super::db_errors::db_error;
use super::lists::{CARD_COLUMNS, limit_offset, paged};
use super::rows::CardRow;

/// Words past this many are ignored, to bound the cost of one query.
const MAX_WORDS: usize = 16;

/// `ts_rank` weights for {D, C, B, A}: a title hit (A) weighs twice a body hit (B), as the
/// SQLite backend's BM25 weights do.
const RANK_WEIGHTS: &str = "'{0.1, 0.2, 0.5, 1.0}'";

/// The reader's words that can match: each whitespace-separated word with at least one letter
/// or digit, at most [`MAX_WORDS`]. Each becomes a phrase of its own (`phraseto_tsquery`, a
/// bound parameter), so operators and punctuation are searched as text, never parsed.
pub(crate) fn search_words(words: &str) -> Vec<&str> {
    words
        .split_whitespace()
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .take(MAX_WORDS)
        .collect()
}

/// Articles holding all the reader's words, best match first, newest first among equals.
pub(crate) async fn search_articles(
    pool: &PgPool,
    words: &str,
    page: PageRequest,
) -> StorageResult<Paged<ArticleCard>> {
    let words = search_words(words);
    if words.is_empty() {
        return Ok(Paged {
            items: Vec::new(),
            has_more: false,
        });
    }
    let (limit, offset) = limit_offset(page);
    let mut query = QueryBuilder::<Postgres>::new("WITH q AS (SELECT ");
    for (n, word) in words.iter().enumerate() {
        if n > 0 {
            query.push(" && ");
        }
        query.push("phraseto_tsquery('tidings_search', ");
        query.push_bind(*word);
        query.push(")");
    }
    query.push(format_args!(
        " AS query) SELECT {CARD_COLUMNS} FROM articles AS a, q
         WHERE a.search @@ q.query
         ORDER BY ts_rank({RANK_WEIGHTS}, a.search, q.query) DESC, a.shown_at DESC, a.id DESC
         LIMIT "
    ));
    query.push_bind(limit);
    query.push(" OFFSET ");
    query.push_bind(offset);
    let rows: Vec<CardRow> = query
        .build_query_as()
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    paged(pool, rows, page).await
}

#[cfg(test)]
mod tests {
    use super::search_words;

    #[test]
    fn punctuation_only_words_are_dropped() {
        assert_eq!(
            search_words(r#"nuclear AND "" talks* -- "#),
            ["nuclear", "AND", "talks*"]
        );
        assert!(search_words("  * \" ( ) - :  ").is_empty());
    }

    #[test]
    fn long_input_is_cut_to_the_word_limit() {
        assert_eq!(search_words(&"word ".repeat(100)).len(), super::MAX_WORDS);
    }
}
