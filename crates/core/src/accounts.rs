//! The storage interface for reader accounts, sessions, comments, reports and the moderation audit log.

use async_trait::async_trait;

/// Reader accounts, sessions, comments, reports and the moderation audit log.
#[async_trait]
pub trait AccountStore: Send + Sync {}
