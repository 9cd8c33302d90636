//! What both backends' console code shares: the checks on what an operator may set and
//! cutting a page fetched one row long into items and "more follow".

use tidings_core::{PageRequest, Paged, StorageError, StorageResult};

/// The shortest polling interval an operator may set, in seconds.
pub(crate) const MIN_INTERVAL_SECS: i64 = 60;
/// The longest publisher name stored, in characters.
const MAX_PUBLISHER_CHARS: usize = 120;

pub(crate) fn check_interval(interval_secs: i64) -> StorageResult<()> {
    if interval_secs < MIN_INTERVAL_SECS {
        return Err(StorageError::Invalid(format!(
            "feed interval_secs: {interval_secs} is under the minimum of {MIN_INTERVAL_SECS}"
        )));
    }
    Ok(())
}

/// The trimmed name; `Invalid` when empty or too long.
pub(crate) fn check_publisher_name(name: &str) -> StorageResult<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StorageError::Invalid("publisher name: it is empty".into()));
    }
    if name.chars().count() > MAX_PUBLISHER_CHARS {
        return Err(StorageError::Invalid(format!(
            "publisher name: longer than {MAX_PUBLISHER_CHARS} characters"
        )));
    }
    Ok(name)
}

/// A page from rows fetched with a limit of `per_page + 1`.
pub(crate) fn has_more<T>(mut items: Vec<T>, page: PageRequest) -> Paged<T> {
    let per_page = page.per_page as usize;
    let has_more = items.len() > per_page;
    items.truncate(per_page);
    Paged { items, has_more }
}
