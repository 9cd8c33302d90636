//! What is copied from SQLite to PostgreSQL: every data table in dependency order, its key
//! (for reading in key order, batch after batch) and its columns with how each value is
//! carried across (SQLite's text timestamps become `TIMESTAMPTZ`, 0/1 become booleans,
//! category lines become a text array).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use tidings_core::{StorageError, StorageResult};

/// How a column's value is read from SQLite and written to PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Int4,
    Real,
    Text,
    Bool,
    Time,
    Date,
    Bytes,
    /// Text lines in SQLite, a `TEXT[]` in PostgreSQL.
    Lines,
}

/// One column: its name in SQLite, its name in PostgreSQL, and its kind.
pub(crate) type Column = (&'static str, &'static str, Kind);

/// A table to copy. `key` orders the rows and resumes each batch after the last row read
/// (`rowid` for a table without a primary key); `identity` names an identity column whose
/// sequence must continue after the copied ids.
pub(crate) struct Table {
    pub(crate) name: &'static str,
    pub(crate) key: &'static [&'static str],
    pub(crate) columns: &'static [Column],
    pub(crate) identity: bool,
}

use Kind::*;

/// Every table with data, parents before children. `articles.copy_of` refers to articles that
/// may come later, so it is copied in a second pass (see `super::copy_article_links`).
pub(crate) const TABLES: &[Table] = &[
    Table {
        name: "feeds",
        key: &["id"],
        identity: true,
        columns: &[
            ("id", "id", Int),
            ("url", "url", Text),
            ("title", "title", Text),
            ("site_url", "site_url", Text),
            ("publisher", "publisher", Text),
            ("policy", "policy", Text),
            ("allow_private", "allow_private", Bool),
            ("interval_secs", "interval_secs", Int),
            ("etag", "etag", Text),
            ("last_modified", "last_modified", Text),
            ("last_fetch_at", "last_fetch_at", Time),
            ("last_status", "last_status", Text),
            ("last_error", "last_error", Text),
            ("consecutive_failures", "consecutive_failures", Int),
            ("next_fetch_at", "next_fetch_at", Time),
            ("created_at", "created_at", Time),
            ("paused", "paused", Bool),
        ],
    },
    Table {
        name: "stories",
        key: &["id"],
        identity: true,
        columns: &[
            ("id", "id", Int),
            ("created_at", "created_at", Time),
            ("last_at", "last_at", Time),
        ],
    },
    Table {
        name: "story_merges",
        key: &["from_id"],
        identity: false,
        columns: &[
            ("from_id", "from_id", Int),
            ("into_id", "into_id", Int),
            ("merged_at", "merged_at", Time),
        ],
    },
    Table {
        name: "articles",
        key: &["id"],
        identity: true,
        columns: &[
            ("id", "id", Int),
            ("feed_id", "feed_id", Int),
            ("publisher", "publisher", Text),
            ("publisher_slug", "publisher_slug", Text),
            ("guid", "guid", Text),
            ("url", "url", Text),
            ("canonical_url", "canonical_url", Text),
            ("title", "title", Text),
            ("byline", "byline", Text),
            ("published_at", "published_at", Time),
            ("fetched_at", "fetched_at", Time),
            ("shown_at", "shown_at", Time),
            ("image", "image", Text),
            ("language", "language", Text),
            ("site_name", "site_name", Text),
            ("text", "text", Text),
            ("html", "html", Text),
            ("excerpt", "excerpt", Text),
            ("body_source", "body_source", Text),
            ("policy", "policy", Text),
            ("story_id", "story_id", Int),
        ],
    },
    Table {
        name: "article_tags",
        key: &["article_id", "slug"],
        identity: false,
        columns: &[
            ("article_id", "article_id", Int),
            ("slug", "slug", Text),
            ("label", "label", Text),
            ("position", "position", Int),
            ("shown_at", "shown_at", Time),
        ],
    },
    Table {
        name: "article_terms",
        key: &["article_id", "term"],
        identity: false,
        columns: &[
            ("article_id", "article_id", Int),
            ("term", "term", Text),
            ("weight", "weight", Real),
        ],
    },
    Table {
        name: "article_neighbours",
        key: &["article_id", "neighbour_id"],
        identity: false,
        columns: &[
            ("article_id", "article_id", Int),
            ("neighbour_id", "neighbour_id", Int),
            ("similarity", "similarity", Real),
        ],
    },
    Table {
        name: "users",
        key: &["id"],
        identity: true,
        columns: &[
            ("id", "id", Int),
            ("name", "name", Text),
            ("name_key", "name_key", Text),
            ("name_skeleton", "name_skeleton", Text),
            ("password_hash", "password_hash", Text),
            ("role", "role", Text),
            ("banned", "banned", Bool),
            ("approved_comments", "approved_comments", Int),
            ("created_at", "created_at", Time),
        ],
    },
    Table {
        name: "sessions",
        key: &["id"],
        identity: true,
        columns: &[
            ("id", "id", Int),
            ("token_hash", "token_hash", Text),
            ("user_id", "user_id", Int),
            ("created_at", "created_at", Time),
            ("last_seen_at", "last_seen_at", Time),
            ("expires_at", "expires_at", Time),
            ("revoked", "revoked", Bool),
        ],
    },
    Table {
        name: "api_tokens",
        key: &["id"],
        identity: true,
        columns: &[
            ("id", "id", Int),
            ("token_hash", "token_hash", Text),
            ("user_id", "user_id", Int),
            ("label", "label", Text),
            ("kind", "kind", Text),
            ("scopes", "scopes", Text),
            ("created_at", "created_at", Time),
            ("expires_at", "expires_at", Time),
            ("last_used_at", "last_used_at", Time),
            ("revoked", "revoked", Bool),
        ],
    },
    Table {
        name: "password_resets",
        key: &["token_hash"],
        identity: false,
        columns: &[
            ("token_hash", "token_hash", Text),
            ("user_id", "user_id", Int),
            ("expires_at", "expires_at", Time),
            ("used_at", "used_at", Time),
        ],
    },
    Table {
        name: "comments",
        key: &["id"],
        identity: true,
        columns: &[
            ("id", "id", Int),
            ("article_id", "article_id", Int),
            ("parent_id", "parent_id", Int),
            ("user_id", "user_id", Int),
            ("body_markdown", "body_markdown", Text),
            ("body_html", "body_html", Text),
            ("created_at", "created_at", Time),
            ("edited_at", "edited_at", Time),
            ("deleted", "deleted", Bool),
            ("hidden", "hidden", Bool),
            ("held", "held", Bool),
        ],
    },
    Table {
        name: "comment_reports",
        key: &["id"],
        identity: true,
        columns: &[
            ("id", "id", Int),
            ("comment_id", "comment_id", Int),
            ("reporter_id", "reporter_id", Int),
            ("reason", "reason", Text),
            ("created_at", "created_at", Time),
            ("resolved", "resolved", Bool),
        ],
    },
    Table {
        name: "moderation_log",
        key: &["id"],
        identity: true,
        columns: &[
            ("id", "id", Int),
            ("at", "at", Time),
            ("moderator_id", "moderator_id", Int),
            ("action", "action", Text),
            ("comment_id", "comment_id", Int),
            ("target_user_id", "target_user_id", Int),
            ("note", "note", Text),
        ],
    },
    Table {
        name: "ai_results",
        key: &["subject_id", "feature", "model", "params"],
        identity: false,
        columns: &[
            ("subject_id", "subject_id", Int),
            ("feature", "feature", Text),
            ("model", "model", Text),
            ("params", "params", Text),
            ("value", "value", Text),
            ("created_at", "created_at", Time),
        ],
    },
    Table {
        name: "ai_token_usage",
        key: &["day"],
        identity: false,
        columns: &[("day", "day", Date), ("tokens", "tokens", Int)],
    },
    Table {
        name: "follows",
        key: &["user_id", "kind", "target"],
        identity: false,
        columns: &[
            ("user_id", "user_id", Int),
            ("kind", "kind", Text),
            ("target", "target", Text),
            ("label", "label", Text),
            ("created_at", "created_at", Time),
            ("seen_at", "seen_at", Time),
        ],
    },
    Table {
        name: "saved_articles",
        key: &["user_id", "article_id"],
        identity: false,
        columns: &[
            ("user_id", "user_id", Int),
            ("article_id", "article_id", Int),
            ("saved_at", "saved_at", Time),
        ],
    },
    Table {
        name: "read_marks",
        key: &["user_id", "article_id"],
        identity: false,
        columns: &[
            ("user_id", "user_id", Int),
            ("article_id", "article_id", Int),
            ("read_at", "read_at", Time),
        ],
    },
    Table {
        name: "raw_pages",
        key: &["article_id"],
        identity: false,
        columns: &[
            ("article_id", "article_id", Int),
            ("url", "url", Text),
            ("charset", "charset", Text),
            ("fetched_at", "fetched_at", Time),
            ("body_gzip", "body_gzip", Bytes),
            ("categories", "categories", Lines),
        ],
    },
    Table {
        name: "lead_image_fetches",
        key: &["article_id"],
        identity: false,
        columns: &[
            ("article_id", "article_id", Int),
            ("source_url", "source_url", Text),
            ("fetched_at", "fetched_at", Time),
            ("error", "error", Text),
        ],
    },
    Table {
        name: "article_images",
        key: &["article_id", "variant"],
        identity: false,
        columns: &[
            ("article_id", "article_id", Int),
            ("variant", "variant", Text),
            ("content_type", "content_type", Text),
            ("width", "width", Int),
            ("height", "height", Int),
            ("digest", "digest", Text),
            ("bytes", "bytes", Bytes),
        ],
    },
    Table {
        name: "site_block_pages",
        key: &["site", "page"],
        identity: false,
        columns: &[("site", "site", Text), ("page", "page", Text)],
    },
    Table {
        name: "site_blocks",
        key: &["site", "block"],
        identity: false,
        columns: &[
            ("site", "site", Text),
            ("block", "block", Text),
            ("pages", "pages", Int),
        ],
    },
    Table {
        name: "jobs",
        key: &["id"],
        identity: true,
        columns: &[
            ("id", "id", Int),
            ("kind", "kind", Text),
            ("key", "key", Text),
            ("payload", "payload", Text),
            ("state", "state", Text),
            ("run_at", "run_at", Time),
            ("attempts", "attempts", Int4),
            ("lease_token", "lease_token", Text),
            ("lease_until", "lease_until", Time),
            ("leased_by", "leased_by", Text),
            ("last_error", "last_error", Text),
            ("created_at", "created_at", Time),
        ],
    },
    Table {
        name: "host_slots",
        key: &["host", "slot"],
        identity: false,
        columns: &[
            ("host", "host", Text),
            ("slot", "slot_no", Int4),
            ("holder", "holder", Text),
            ("token", "token", Text),
            ("expires_at", "expires_at", Time),
        ],
    },
    Table {
        name: "throttle_events",
        key: &["rowid"],
        identity: false,
        columns: &[("key", "key", Text), ("at", "at", Time)],
    },
    Table {
        name: "operator_tasks",
        key: &["id"],
        identity: true,
        columns: &[
            ("id", "id", Int),
            ("kind", "kind", Text),
            ("label", "label", Text),
            ("total", "total", Int),
            ("done", "done", Int),
            ("failed", "failed", Int),
            ("note", "note", Text),
            ("finished", "finished", Bool),
            ("created_at", "created_at", Time),
            ("updated_at", "updated_at", Time),
        ],
    },
    Table {
        name: "site_secrets",
        key: &["name"],
        identity: false,
        columns: &[("name", "name", Text), ("value", "value", Bytes)],
    },
];

/// A value on its way from SQLite to PostgreSQL.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Int(Option<i64>),
    Int4(Option<i32>),
    Real(Option<f64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
    Bytes(Option<Vec<u8>>),
    Lines(Vec<String>),
}

/// A key column's value as SQLite holds it, to resume reading after it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum KeyValue {
    Int(i64),
    Text(String),
}

/// Reads the value of `column` (at `index` of `row`) from table `table`; an unreadable value is
/// a `Backend` error naming the table and column.
pub(crate) fn read_value(
    row: &SqliteRow,
    index: usize,
    table: &str,
    column: &Column,
) -> StorageResult<Value> {
    let (name, _, kind) = *column;
    let unreadable = |e: &dyn std::fmt::Display| {
        StorageError::Backend(format!("{table}.{name}: a stored value is unreadable: {e}"))
    };
    let text = |row: &SqliteRow| -> StorageResult<Option<String>> {
        row.try_get::<Option<String>, _>(index)
            .map_err(|e| unreadable(&e))
    };
    Ok(match kind {
        Int => Value::Int(row.try_get(index).map_err(|e| unreadable(&e))?),
        Int4 => {
            let wide: Option<i64> = row.try_get(index).map_err(|e| unreadable(&e))?;
            Value::Int4(
                wide.map(i32::try_from)
                    .transpose()
                    .map_err(|e| unreadable(&e))?,
            )
        }
        Real => Value::Real(row.try_get(index).map_err(|e| unreadable(&e))?),
        Bool => {
            let flag: Option<i64> = row.try_get(index).map_err(|e| unreadable(&e))?;
            Value::Bool(flag.map(|f| f != 0))
        }
        Text => Value::Text(text(row)?),
        Bytes => {
            // Text stored in a BLOB column (or the other way round) is carried as its bytes.
            let raw = row.try_get_raw(index).map_err(|e| unreadable(&e))?;
            let bytes = if sqlx::ValueRef::is_null(&raw) {
                None
            } else {
                match row.try_get::<Vec<u8>, _>(index) {
                    Ok(bytes) => Some(bytes),
                    Err(_) => Some(
                        row.try_get::<String, _>(index)
                            .map_err(|e| unreadable(&e))?
                            .into_bytes(),
                    ),
                }
            };
            Value::Bytes(bytes)
        }
        Time => Value::Time(
            text(row)?
                .map(|t| {
                    DateTime::parse_from_rfc3339(&t)
                        .map(|at| at.with_timezone(&Utc))
                        .map_err(|e| unreadable(&format!("{t:?}: {e}")))
                })
                .transpose()?,
        ),
        Date => Value::Date(
            text(row)?
                .map(|d| {
                    NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                        .map_err(|e| unreadable(&format!("{d:?}: {e}")))
                })
                .transpose()?,
        ),
        Lines => Value::Lines(
            text(row)?
                .unwrap_or_default()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect(),
        ),
    })
}

/// Reads key column `index` of `row`: an integer, else text.
pub(crate) fn read_key(row: &SqliteRow, index: usize, table: &str) -> StorageResult<KeyValue> {
    if let Ok(n) = row.try_get::<i64, _>(index) {
        return Ok(KeyValue::Int(n));
    }
    row.try_get::<String, _>(index)
        .map(KeyValue::Text)
        .map_err(|e| StorageError::Backend(format!("{table}: a key is unreadable: {e}")))
}
