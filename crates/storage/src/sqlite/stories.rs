//! SQLite implementation of [`tidings_core::StoryStore`].

use async_trait::async_trait;
use tidings_core::StoryStore;

use super::SqliteStorage;

#[async_trait]
impl StoryStore for SqliteStorage {}
