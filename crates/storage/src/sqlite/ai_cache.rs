//! SQLite implementation of [`tidings_core::AiStore`].

use async_trait::async_trait;
use tidings_core::AiStore;

use super::SqliteStorage;

#[async_trait]
impl AiStore for SqliteStorage {}
