//! Tidings' shared vocabulary: ids, the domain types that flow from feed to page, and the
//! [`Storage`] interface every backend implements. No I/O lives here.

mod storage;
mod tag;
mod types;

pub use storage::{Storage, StorageError, StorageResult};
pub use tag::{publisher_slug, tag_slug};
pub use types::*;
