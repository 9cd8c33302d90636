//! Turning sqlx errors into [`StorageError`]s callers can act on.

use sqlx::error::ErrorKind;
use tidings_core::StorageError;

/// Unique violations become `Conflict` (naming the constraint), foreign-key violations
/// `Invalid`, everything else `Backend` with sqlx's message.
pub(crate) fn db_error(err: sqlx::Error) -> StorageError {
    if let sqlx::Error::Database(db) = &err {
        match db.kind() {
            ErrorKind::UniqueViolation => {
                let message = db.message();
                let what = message
                    .strip_prefix("UNIQUE constraint failed: ")
                    .unwrap_or(message);
                return StorageError::Conflict(what.to_string());
            }
            ErrorKind::ForeignKeyViolation => {
                return StorageError::Invalid(format!(
                    "reference to a row that does not exist ({})",
                    db.message()
                ));
            }
            _ => {}
        }
    }
    StorageError::Backend(err.to_string())
}
