//! SQLite implementation of [`tidings_core::AccountStore`].

use async_trait::async_trait;
use tidings_core::AccountStore;

use super::SqliteStorage;

#[async_trait]
impl AccountStore for SqliteStorage {}
