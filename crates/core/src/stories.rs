//! The storage interface for stories: articles grouped by event, and syndicated copies.

use async_trait::async_trait;

/// Stories (articles about one event from many outlets) and syndicated copies.
#[async_trait]
pub trait StoryStore: Send + Sync {}
