//! Tidings' shared vocabulary: ids, the domain types that flow from feed to page, and the
//! [`Storage`] interface every backend implements. No I/O lives here.

mod accounts;
mod ai_cache;
mod storage;
mod stories;
mod tag;
mod types;

pub use accounts::AccountStore;
pub use ai_cache::AiStore;
pub use storage::{Storage, StorageError, StorageResult};
pub use stories::StoryStore;
pub use tag::{publisher_slug, tag_slug};
pub use types::*;
