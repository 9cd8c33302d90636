//! Tidings' storage backends: the only code that knows SQL. Each backend implements
//! [`tidings_core::Storage`] in its own module with its own migrations
//! (`migrations/<backend>/`): SQLite ([`SqliteStorage`], one machine) and PostgreSQL
//! ([`PostgresStorage`], many processes sharing one database). [`open`] picks one from a
//! database setting; [`migrate_data`] copies an SQLite installation into PostgreSQL;
//! [`backup`] and [`restore`] save a running installation and bring it back.
//!
//! With the `testsuite` feature, [`testsuite`] exposes the backend-independent checks every
//! backend must pass, as async functions over `&dyn Storage`.

mod admin_rules;
mod backup;
mod coordination;
mod data_migration;
mod follow_rules;
mod image_rows;
mod opening;
mod postgres;
mod sqlite;

#[cfg(any(test, feature = "testsuite"))]
pub mod testsuite;

pub use backup::{BackupReport, backup, restore};
pub use data_migration::{TableProgress, migrate_data};
pub use opening::{DatabaseLocation, open};
pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;
