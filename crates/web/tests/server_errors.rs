//! A failing backend yields a generic 500 page (or JSON), never the failure's details.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use async_trait::async_trait;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Utc};
use tidings_core::*;
use tidings_web::{AppState, SiteConfig, router};
use tower::ServiceExt;

/// A storage whose every call fails the way a broken database would.
struct BrokenStorage;

fn broken<T>() -> StorageResult<T> {
    Err(StorageError::Backend(
        "secret-table-name is corrupt".to_owned(),
    ))
}

#[async_trait]
impl StoryStore for BrokenStorage {
    async fn place_in_story(&self, _: StoryPlacement) -> StorageResult<StoryId> {
        broken()
    }
    async fn story(&self, _: StoryId) -> StorageResult<Option<Story>> {
        broken()
    }
    async fn latest_stories(&self, _: PageRequest) -> StorageResult<Paged<StorySummary>> {
        broken()
    }
    async fn tag_stories(&self, _: &str, _: PageRequest) -> StorageResult<Paged<StorySummary>> {
        broken()
    }
    async fn article_links(&self, _: ArticleId) -> StorageResult<Option<ArticleLinks>> {
        broken()
    }
    async fn story_related(&self, _: ArticleId, _: u32) -> StorageResult<Vec<ArticleCard>> {
        broken()
    }
    async fn story_tags(&self, _: StoryId, _: u32) -> StorageResult<Vec<Tag>> {
        broken()
    }
    async fn story_index_rows(
        &self,
        _: DateTime<Utc>,
        _: ArticleId,
        _: u32,
    ) -> StorageResult<Vec<StoryIndexRow>> {
        broken()
    }
    async fn unplaced_articles(&self, _: ArticleId, _: u32) -> StorageResult<Vec<ArticleId>> {
        broken()
    }
    async fn merge_stories(&self, _: StoryId, _: StoryId) -> StorageResult<()> {
        broken()
    }
    async fn split_story(&self, _: StoryId, _: &[ArticleId]) -> StorageResult<StoryId> {
        broken()
    }
    async fn story_redirect(&self, _: StoryId) -> StorageResult<Option<StoryId>> {
        broken()
    }
}

#[async_trait]
impl CoordinationStore for BrokenStorage {
    async fn enqueue_job(&self, _: NewJob) -> StorageResult<bool> {
        broken()
    }
    async fn lease_jobs(
        &self,
        _: &str,
        _: &[&str],
        _: std::time::Duration,
        _: u32,
    ) -> StorageResult<Vec<Job>> {
        broken()
    }
    async fn extend_job_lease(
        &self,
        _: JobId,
        _: &str,
        _: std::time::Duration,
    ) -> StorageResult<bool> {
        broken()
    }
    async fn finish_job(&self, _: JobId, _: &str) -> StorageResult<bool> {
        broken()
    }
    async fn fail_job(
        &self,
        _: JobId,
        _: &str,
        _: &str,
        _: Option<DateTime<Utc>>,
    ) -> StorageResult<bool> {
        broken()
    }
    async fn job_counts(&self) -> StorageResult<JobCounts> {
        broken()
    }
    async fn dead_jobs(&self, _: u32) -> StorageResult<Vec<tidings_core::DeadJob>> {
        broken()
    }
    async fn retry_dead_jobs(&self, _: Option<JobId>) -> StorageResult<u64> {
        broken()
    }
    async fn try_lead(
        &self,
        _: &str,
        _: &str,
        _: std::time::Duration,
    ) -> StorageResult<Option<Box<dyn LeaderGuard>>> {
        broken()
    }
    async fn try_take_host_slot(
        &self,
        _: &str,
        _: u32,
        _: &str,
        _: std::time::Duration,
    ) -> StorageResult<Option<String>> {
        broken()
    }
    async fn release_host_slot(&self, _: &str, _: &str) -> StorageResult<()> {
        broken()
    }
    async fn throttle_events(
        &self,
        _: &str,
        _: std::time::Duration,
    ) -> StorageResult<(u32, Option<DateTime<Utc>>)> {
        broken()
    }
    async fn record_throttle_event(&self, _: &str, _: std::time::Duration) -> StorageResult<()> {
        broken()
    }
    async fn clear_throttle(&self, _: &str) -> StorageResult<()> {
        broken()
    }
    async fn site_secret(&self, _: &str, _: &[u8]) -> StorageResult<Vec<u8>> {
        broken()
    }
    async fn cache_stamps(&self) -> StorageResult<CacheStamps> {
        broken()
    }
}

#[async_trait]
impl AccountStore for BrokenStorage {
    async fn create_user(&self, _: NewUser) -> StorageResult<User> {
        broken()
    }
    async fn user(&self, _: UserId) -> StorageResult<Option<User>> {
        broken()
    }
    async fn user_credentials(&self, _: &str) -> StorageResult<Option<(User, String)>> {
        broken()
    }
    async fn set_password_hash(&self, _: UserId, _: &str) -> StorageResult<bool> {
        broken()
    }
    async fn set_banned(&self, _: UserId, _: bool) -> StorageResult<bool> {
        broken()
    }
    async fn create_session(&self, _: UserId, _: &str, _: DateTime<Utc>) -> StorageResult<()> {
        broken()
    }
    async fn session_user(&self, _: &str, _: DateTime<Utc>) -> StorageResult<Option<SessionUser>> {
        broken()
    }
    async fn revoke_session(&self, _: &str) -> StorageResult<()> {
        broken()
    }
    async fn revoke_user_sessions(&self, _: UserId) -> StorageResult<u64> {
        broken()
    }
    async fn create_api_token(&self, _: NewApiToken) -> StorageResult<ApiTokenInfo> {
        broken()
    }
    async fn api_token(&self, _: &str, _: DateTime<Utc>) -> StorageResult<Option<TokenUser>> {
        broken()
    }
    async fn revoke_user_api_tokens(&self, _: UserId) -> StorageResult<u64> {
        broken()
    }
    async fn api_tokens(&self, _: UserId) -> StorageResult<Vec<ApiTokenInfo>> {
        broken()
    }
    async fn revoke_api_token(&self, _: UserId, _: i64) -> StorageResult<bool> {
        broken()
    }
    async fn create_password_reset(
        &self,
        _: UserId,
        _: &str,
        _: DateTime<Utc>,
    ) -> StorageResult<()> {
        broken()
    }
    async fn consume_password_reset(
        &self,
        _: &str,
        _: DateTime<Utc>,
    ) -> StorageResult<Option<UserId>> {
        broken()
    }
    async fn insert_comment(&self, _: NewComment) -> StorageResult<Comment> {
        broken()
    }
    async fn comment(&self, _: CommentId) -> StorageResult<Option<Comment>> {
        broken()
    }
    async fn article_comments(
        &self,
        _: ArticleId,
        _: CommentOrder,
        _: PageRequest,
    ) -> StorageResult<Paged<Comment>> {
        broken()
    }
    async fn edit_comment(
        &self,
        _: CommentId,
        _: &str,
        _: &str,
        _: DateTime<Utc>,
    ) -> StorageResult<bool> {
        broken()
    }
    async fn delete_comment(&self, _: CommentId) -> StorageResult<bool> {
        broken()
    }
    async fn set_comment_hidden(&self, _: CommentId, _: bool) -> StorageResult<bool> {
        broken()
    }
    async fn approve_comment(&self, _: CommentId) -> StorageResult<bool> {
        broken()
    }
    async fn comment_counts(&self, _: &[ArticleId]) -> StorageResult<Vec<(ArticleId, i64)>> {
        broken()
    }
    async fn report_comment(&self, _: CommentId, _: UserId, _: &str) -> StorageResult<()> {
        broken()
    }
    async fn resolve_reports(&self, _: CommentId) -> StorageResult<u64> {
        broken()
    }
    async fn moderation_queue(&self, _: u32) -> StorageResult<Vec<QueuedComment>> {
        broken()
    }
    async fn record_moderation(&self, _: ModerationEntry) -> StorageResult<()> {
        broken()
    }
    async fn moderation_log(&self, _: PageRequest) -> StorageResult<Paged<ModerationRecord>> {
        broken()
    }
}

#[async_trait]
impl AdminStore for BrokenStorage {
    async fn admin_feeds(
        &self,
        _: FeedFilter,
        _: FeedSort,
        _: PageRequest,
    ) -> StorageResult<Paged<AdminFeed>> {
        broken()
    }
    async fn admin_feed(&self, _: FeedId) -> StorageResult<Option<AdminFeed>> {
        broken()
    }
    async fn count_feeds(&self, _: FeedFilter) -> StorageResult<i64> {
        broken()
    }
    async fn set_feed_paused(&self, _: FeedId, _: bool) -> StorageResult<bool> {
        broken()
    }
    async fn update_feed_settings(
        &self,
        _: FeedId,
        _: RepublishPolicy,
        _: i64,
    ) -> StorageResult<bool> {
        broken()
    }
    async fn schedule_feeds_now(&self, _: Option<FeedId>, _: DateTime<Utc>) -> StorageResult<u64> {
        broken()
    }
    async fn polled_since(&self, _: DateTime<Utc>) -> StorageResult<(i64, i64)> {
        broken()
    }
    async fn update_publisher(
        &self,
        _: &str,
        _: &str,
        _: Option<RepublishPolicy>,
    ) -> StorageResult<u64> {
        broken()
    }
    async fn site_overview(&self, _: DateTime<Utc>) -> StorageResult<SiteOverview> {
        broken()
    }
    async fn list_users(&self, _: PageRequest) -> StorageResult<Paged<User>> {
        broken()
    }
    async fn set_user_role(&self, _: UserId, _: Role) -> StorageResult<bool> {
        broken()
    }
    async fn delete_user(&self, _: UserId) -> StorageResult<bool> {
        broken()
    }
    async fn user_sessions(&self, _: UserId, _: DateTime<Utc>) -> StorageResult<Vec<SessionInfo>> {
        broken()
    }
    async fn revoke_user_session(&self, _: UserId, _: i64) -> StorageResult<bool> {
        broken()
    }
    async fn create_operator_task(&self, _: &str, _: &str, _: i64) -> StorageResult<i64> {
        broken()
    }
    async fn record_task_progress(
        &self,
        _: i64,
        _: i64,
        _: i64,
        _: Option<&str>,
        _: bool,
    ) -> StorageResult<bool> {
        broken()
    }
    async fn operator_task(&self, _: i64) -> StorageResult<Option<OperatorTask>> {
        broken()
    }
    async fn operator_tasks(&self, _: u32) -> StorageResult<Vec<OperatorTask>> {
        broken()
    }
}

#[async_trait]
impl AiStore for BrokenStorage {
    async fn cached_ai_result(&self, _: &AiCacheKey) -> StorageResult<Option<String>> {
        broken()
    }
    async fn store_ai_result(&self, _: &AiCacheKey, _: &str) -> StorageResult<()> {
        broken()
    }
    async fn ai_tokens_used(&self, _: chrono::NaiveDate) -> StorageResult<i64> {
        broken()
    }
    async fn add_ai_tokens(&self, _: chrono::NaiveDate, _: i64) -> StorageResult<i64> {
        broken()
    }
}

#[async_trait]
impl RawPageStore for BrokenStorage {
    async fn save_raw_page(&self, _: RawPage) -> StorageResult<()> {
        broken()
    }
    async fn raw_page(&self, _: ArticleId) -> StorageResult<Option<RawPage>> {
        broken()
    }
    async fn raw_page_ids(&self, _: &RawPageFilter) -> StorageResult<Vec<ArticleId>> {
        broken()
    }
    async fn purge_raw_pages(&self, _: DateTime<Utc>) -> StorageResult<u64> {
        broken()
    }
    async fn update_article_extraction(
        &self,
        _: ArticleId,
        _: ArticleExtraction,
    ) -> StorageResult<bool> {
        broken()
    }
    async fn count_site_blocks(&self, _: &str, _: &str, _: &[String]) -> StorageResult<bool> {
        broken()
    }
    async fn recurring_site_blocks(
        &self,
        _: &str,
        _: &[String],
        _: i64,
    ) -> StorageResult<Vec<String>> {
        broken()
    }
}

#[async_trait]
impl FollowStore for BrokenStorage {
    async fn follow(
        &self,
        _: i64,
        _: &FollowTarget,
        _: &str,
        _: DateTime<Utc>,
    ) -> StorageResult<bool> {
        broken()
    }
    async fn unfollow(&self, _: i64, _: &FollowTarget) -> StorageResult<bool> {
        broken()
    }
    async fn follows(&self, _: i64) -> StorageResult<Vec<Follow>> {
        broken()
    }
    async fn follows_anything(&self, _: i64) -> StorageResult<bool> {
        broken()
    }
    async fn is_following(&self, _: i64, _: &FollowTarget) -> StorageResult<bool> {
        broken()
    }
    async fn story_has_new_coverage(&self, _: i64, _: i64) -> StorageResult<bool> {
        broken()
    }
    async fn visit_story(&self, _: i64, _: i64, _: DateTime<Utc>) -> StorageResult<()> {
        broken()
    }
    async fn for_you(&self, _: i64, _: PageRequest) -> StorageResult<Paged<ForYouStory>> {
        broken()
    }
    async fn save_article(&self, _: i64, _: ArticleId, _: DateTime<Utc>) -> StorageResult<bool> {
        broken()
    }
    async fn unsave_article(&self, _: i64, _: ArticleId) -> StorageResult<bool> {
        broken()
    }
    async fn saved_articles(&self, _: i64, _: PageRequest) -> StorageResult<Paged<SavedArticle>> {
        broken()
    }
    async fn mark_read(&self, _: i64, _: ArticleId, _: DateTime<Utc>) -> StorageResult<()> {
        broken()
    }
    async fn mark_unread(&self, _: i64, _: ArticleId) -> StorageResult<bool> {
        broken()
    }
    async fn article_marks(&self, _: i64, _: ArticleId) -> StorageResult<ArticleMarks> {
        broken()
    }
}

#[async_trait]
impl ImageStore for BrokenStorage {
    async fn save_lead_image(
        &self,
        _: ArticleId,
        _: &str,
        _: DateTime<Utc>,
        _: LeadImageOutcome,
    ) -> StorageResult<()> {
        broken()
    }
    async fn lead_image_fetch(&self, _: ArticleId) -> StorageResult<Option<LeadImageFetch>> {
        broken()
    }
    async fn article_image(
        &self,
        _: ArticleId,
        _: ImageVariant,
    ) -> StorageResult<Option<StoredImage>> {
        broken()
    }
    async fn article_image_refs(&self, _: ArticleId) -> StorageResult<Vec<ImageRef>> {
        broken()
    }
    async fn articles_missing_lead_image(
        &self,
        _: DateTime<Utc>,
        _: u32,
    ) -> StorageResult<Vec<ArticleId>> {
        broken()
    }
}

#[async_trait]
impl Storage for BrokenStorage {
    async fn add_feed(&self, _: NewFeed) -> StorageResult<Feed> {
        broken()
    }
    async fn feed(&self, _: FeedId) -> StorageResult<Option<Feed>> {
        broken()
    }
    async fn feed_by_url(&self, _: &str) -> StorageResult<Option<Feed>> {
        broken()
    }
    async fn list_feeds(&self) -> StorageResult<Vec<Feed>> {
        broken()
    }
    async fn remove_feed(&self, _: FeedId) -> StorageResult<bool> {
        broken()
    }
    async fn due_feeds(&self, _: DateTime<Utc>, _: u32) -> StorageResult<Vec<Feed>> {
        broken()
    }
    async fn record_feed_fetch(&self, _: FeedId, _: FeedFetchRecord) -> StorageResult<()> {
        broken()
    }
    async fn find_duplicate(
        &self,
        _: Option<FeedId>,
        _: Option<&str>,
        _: &[&str],
    ) -> StorageResult<Option<ArticleId>> {
        broken()
    }
    async fn insert_article(&self, _: NewArticle) -> StorageResult<InsertOutcome> {
        broken()
    }
    async fn article(&self, _: ArticleId) -> StorageResult<Option<Article>> {
        broken()
    }
    async fn count_articles(&self) -> StorageResult<i64> {
        broken()
    }
    async fn sitemap_count(&self, _: tidings_core::SitemapSection) -> StorageResult<i64> {
        broken()
    }
    async fn sitemap_entries(
        &self,
        _: tidings_core::SitemapSection,
        _: i64,
        _: u32,
    ) -> StorageResult<Vec<tidings_core::SitemapEntry>> {
        broken()
    }
    async fn latest_articles(&self, _: PageRequest) -> StorageResult<Paged<ArticleCard>> {
        broken()
    }
    async fn publisher(&self, _: &str) -> StorageResult<Option<Publisher>> {
        broken()
    }
    async fn publishers(&self) -> StorageResult<Vec<Publisher>> {
        broken()
    }
    async fn publisher_articles(
        &self,
        _: &str,
        _: PageRequest,
    ) -> StorageResult<Paged<ArticleCard>> {
        broken()
    }
    async fn tag(&self, _: &str) -> StorageResult<Option<TagCount>> {
        broken()
    }
    async fn tag_articles(&self, _: &str, _: PageRequest) -> StorageResult<Paged<ArticleCard>> {
        broken()
    }
    async fn trending_tags(&self, _: DateTime<Utc>, _: u32) -> StorageResult<Vec<TagCount>> {
        broken()
    }
    async fn search_articles(&self, _: &str, _: PageRequest) -> StorageResult<Paged<ArticleCard>> {
        broken()
    }
    async fn related_articles(&self, _: ArticleId, _: u32) -> StorageResult<Vec<ArticleCard>> {
        broken()
    }
}

async fn get(path: &str) -> (StatusCode, String, String) {
    let app = router(AppState {
        storage: Arc::new(BrokenStorage),
        site: SiteConfig::default(),
        accounts: Default::default(),
        ai: Default::default(),
        cache: Default::default(),
        admin: Default::default(),
        metrics: Default::default(),
    });
    let response = app
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        content_type,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

#[tokio::test]
async fn pages_show_a_generic_500_without_details() {
    for path in [
        "/",
        "/article/1",
        "/tag/x",
        "/source/x",
        "/search?q=x",
        "/image/1/card/0123456789abcdef.jpg",
    ] {
        let (status, content_type, body) = get(path).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert!(content_type.starts_with("text/html"), "{path}");
        assert!(body.contains("Something went wrong"), "{path}");
        assert!(!body.contains("secret-table-name"), "{path}");
    }
}

#[tokio::test]
async fn the_api_answers_500_as_json_without_details() {
    let (status, content_type, body) = get("/api/v1/articles").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(content_type.starts_with("application/problem+json"));
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["status"], 500);
    assert_eq!(json["title"], "Internal Server Error");
    assert_eq!(
        json["detail"],
        "Something went wrong on our side. Please try again later."
    );
    assert!(!body.contains("secret-table-name"));
}

#[tokio::test]
async fn healthz_does_not_touch_storage() {
    let (status, _, body) = get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "ok");
}
