//! Turning sqlx errors from PostgreSQL into [`StorageError`]s callers can act on.

use sqlx::error::ErrorKind;
use tidings_core::StorageError;

/// Unique violations become `Conflict` (naming the constraint), foreign-key and check
/// violations `Invalid`, everything else `Backend` with sqlx's message.
pub(crate) fn db_error(err: sqlx::Error) -> StorageError {
    if let sqlx::Error::Database(db) = &err {
        let constraint = db.constraint().unwrap_or("a constraint");
        match db.kind() {
            ErrorKind::UniqueViolation => return StorageError::Conflict(constraint.to_string()),
            ErrorKind::ForeignKeyViolation => {
                return StorageError::Invalid(format!(
                    "reference to a row that does not exist ({})",
                    db.message()
                ));
            }
            ErrorKind::CheckViolation | ErrorKind::NotNullViolation => {
                return StorageError::Invalid(db.message().to_string());
            }
            _ => {}
        }
    }
    StorageError::Backend(err.to_string())
}

/// Whether `err` is a unique violation (another writer stored the same row first).
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.kind() == ErrorKind::UniqueViolation)
}
