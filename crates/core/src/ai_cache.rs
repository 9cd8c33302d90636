//! The storage interface for cached AI results (per article, feature, model and parameters) and the token budget.

use async_trait::async_trait;

/// Cached AI results (per article, feature, model and parameters) and the token budget.
#[async_trait]
pub trait AiStore: Send + Sync {}
