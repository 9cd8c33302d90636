//! Tidings' storage backends: the only code that knows SQL. Each backend implements
//! [`tidings_core::Storage`] in its own module with its own migrations
//! (`migrations/<backend>/`); today that is SQLite ([`SqliteStorage`]).
//!
//! With the `testsuite` feature, [`testsuite`] exposes the backend-independent checks every
//! backend must pass, as async functions over `&dyn Storage`.

mod sqlite;

#[cfg(any(test, feature = "testsuite"))]
pub mod testsuite;

pub use sqlite::SqliteStorage;
