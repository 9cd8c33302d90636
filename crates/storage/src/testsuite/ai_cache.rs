//! Checks of the AI cache and token budget every backend must pass.

use chrono::NaiveDate;
use tidings_core::{AiCacheKey, Storage};

fn key(feature: &str, params: &str) -> AiCacheKey {
    AiCacheKey {
        subject_id: 7,
        feature: feature.to_owned(),
        model: "llama3".to_owned(),
        params: params.to_owned(),
    }
}

/// A stored result reads back under its exact key only, and storing again replaces it.
pub async fn ai_results_are_cached_per_key(storage: &dyn Storage) {
    let summary = key("summary", "style=short");
    assert_eq!(
        storage.cached_ai_result(&summary).await.expect("read"),
        None
    );
    storage
        .store_ai_result(&summary, "first")
        .await
        .expect("store");
    assert_eq!(
        storage
            .cached_ai_result(&summary)
            .await
            .expect("read")
            .as_deref(),
        Some("first")
    );
    for other in [
        key("summary", "style=bullets"),
        key("answer", "style=short"),
        AiCacheKey {
            model: "other".into(),
            ..summary.clone()
        },
        AiCacheKey {
            subject_id: 8,
            ..summary.clone()
        },
    ] {
        assert_eq!(
            storage.cached_ai_result(&other).await.expect("read"),
            None,
            "{other:?}"
        );
    }
    storage
        .store_ai_result(&summary, "second")
        .await
        .expect("replace");
    assert_eq!(
        storage
            .cached_ai_result(&summary)
            .await
            .expect("read")
            .as_deref(),
        Some("second")
    );
}

/// Tokens add up per day, and each day starts at zero.
pub async fn ai_tokens_add_up_per_day(storage: &dyn Storage) {
    let day = NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
    let next = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
    assert_eq!(storage.ai_tokens_used(day).await.expect("read"), 0);
    assert_eq!(storage.add_ai_tokens(day, 120).await.expect("add"), 120);
    assert_eq!(storage.add_ai_tokens(day, 30).await.expect("add"), 150);
    assert_eq!(storage.ai_tokens_used(day).await.expect("read"), 150);
    assert_eq!(storage.ai_tokens_used(next).await.expect("read"), 0);
    assert_eq!(
        storage
            .add_ai_tokens(next, -5)
            .await
            .expect("negative is ignored"),
        0
    );
}
