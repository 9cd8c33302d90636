//! The storage interface of the operator's console: feeds listed with their state and article
//! counts (filtered, sorted, paged), pausing and rescheduling feeds, publishers' names and
//! policies, user roles and sessions, the dashboard's figures and the progress of long
//! operator tasks (an OPML import, refreshing every feed).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{Feed, FeedId, PageRequest, Paged, RepublishPolicy, Role, StorageResult, User, UserId};

/// Which feeds the console lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeedFilter {
    #[default]
    All,
    /// The last poll failed.
    Failing,
    /// The last poll succeeded (new content or not modified).
    Healthy,
    /// Never polled yet.
    New,
    /// Paused by an operator: not scheduled.
    Paused,
}

impl FeedFilter {
    pub const ALL: [FeedFilter; 5] = [
        FeedFilter::All,
        FeedFilter::Failing,
        FeedFilter::Healthy,
        FeedFilter::New,
        FeedFilter::Paused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FeedFilter::All => "all",
            FeedFilter::Failing => "failing",
            FeedFilter::Healthy => "healthy",
            FeedFilter::New => "new",
            FeedFilter::Paused => "paused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// The order of the console's feed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeedSort {
    /// Oldest first (by id).
    #[default]
    Added,
    /// Publisher name, A to Z.
    Publisher,
    /// Most failures in a row first.
    Failures,
    /// Most recently fetched first, never fetched last.
    LastFetch,
    /// Soonest next fetch first.
    NextFetch,
}

impl FeedSort {
    pub const ALL: [FeedSort; 5] = [
        FeedSort::Added,
        FeedSort::Publisher,
        FeedSort::Failures,
        FeedSort::LastFetch,
        FeedSort::NextFetch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FeedSort::Added => "added",
            FeedSort::Publisher => "publisher",
            FeedSort::Failures => "failures",
            FeedSort::LastFetch => "last_fetch",
            FeedSort::NextFetch => "next_fetch",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// A feed as the console shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminFeed {
    pub feed: Feed,
    pub paused: bool,
    /// Articles stored from this feed.
    pub article_count: i64,
}

/// The dashboard's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SiteOverview {
    pub feeds: i64,
    pub paused_feeds: i64,
    /// Feeds whose last poll failed.
    pub failing_feeds: i64,
    pub articles: i64,
    /// Articles fetched at or after the `since` asked for.
    pub articles_since: i64,
    /// Articles not yet placed in a story.
    pub unplaced_articles: i64,
    /// The database's size on disk, in bytes.
    pub database_bytes: i64,
    /// The most recent poll of any feed.
    pub last_poll_at: Option<DateTime<Utc>>,
}

/// A session as an operator sees it (never its token).
#[derive(Debug, Clone, PartialEq)]
pub struct SessionInfo {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A long operator task and how far it got.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatorTask {
    pub id: i64,
    /// What it does ("import_opml").
    pub kind: String,
    /// What the operator sees ("OPML import of feeds.opml").
    pub label: String,
    /// Items to do, when known.
    pub total: i64,
    pub done: i64,
    pub failed: i64,
    /// The last failure or the closing summary.
    pub note: String,
    pub finished: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The console's queries and actions.
#[async_trait]
pub trait AdminStore: Send + Sync {
    // ---- feeds ----
    /// A page of feeds matching `filter` in `sort` order, each with its article count.
    async fn admin_feeds(
        &self,
        filter: FeedFilter,
        sort: FeedSort,
        page: PageRequest,
    ) -> StorageResult<Paged<AdminFeed>>;
    async fn admin_feed(&self, id: FeedId) -> StorageResult<Option<AdminFeed>>;
    /// How many feeds match `filter`.
    async fn count_feeds(&self, filter: FeedFilter) -> StorageResult<i64>;
    /// Pauses (no longer due) or resumes a feed; `false` when there is no such feed.
    async fn set_feed_paused(&self, id: FeedId, paused: bool) -> StorageResult<bool>;
    /// Changes a feed's policy and polling interval; `Invalid` for an interval under a minute.
    async fn update_feed_settings(
        &self,
        id: FeedId,
        policy: RepublishPolicy,
        interval_secs: i64,
    ) -> StorageResult<bool>;
    /// Makes the feed `id` (or, with `None`, every feed that is not paused) due at `now`.
    /// Returns how many feeds were rescheduled.
    async fn schedule_feeds_now(
        &self,
        id: Option<FeedId>,
        now: DateTime<Utc>,
    ) -> StorageResult<u64>;
    /// Feeds not paused, and how many of them were polled at or after `since`.
    async fn polled_since(&self, since: DateTime<Utc>) -> StorageResult<(i64, i64)>;

    // ---- publishers ----
    /// Renames the publisher `slug` (its feeds and articles) and, when given, sets the policy
    /// of its feeds and articles. `Invalid` for an empty name. Returns the articles changed.
    async fn update_publisher(
        &self,
        slug: &str,
        name: &str,
        policy: Option<RepublishPolicy>,
    ) -> StorageResult<u64>;

    // ---- dashboard ----
    async fn site_overview(&self, since: DateTime<Utc>) -> StorageResult<SiteOverview>;

    // ---- users ----
    /// Users by name (case-insensitive), paged.
    async fn list_users(&self, page: PageRequest) -> StorageResult<Paged<User>>;
    /// `false` when there is no such user.
    async fn set_user_role(&self, id: UserId, role: Role) -> StorageResult<bool>;
    /// Deletes the account with its sessions, tokens and comments; `false` when absent.
    async fn delete_user(&self, id: UserId) -> StorageResult<bool>;
    /// The user's sessions that are neither revoked nor expired at `now`, newest first.
    async fn user_sessions(
        &self,
        id: UserId,
        now: DateTime<Utc>,
    ) -> StorageResult<Vec<SessionInfo>>;
    /// Revokes one session of the user; `false` when the user has no such open session.
    async fn revoke_user_session(&self, user: UserId, session: i64) -> StorageResult<bool>;

    // ---- operator tasks ----
    async fn create_operator_task(&self, kind: &str, label: &str, total: i64)
    -> StorageResult<i64>;
    /// Records progress: the counts so far, a note (kept as it was when `None`) and whether
    /// the task is over. `false` when there is no such task.
    async fn record_task_progress(
        &self,
        id: i64,
        done: i64,
        failed: i64,
        note: Option<&str>,
        finished: bool,
    ) -> StorageResult<bool>;
    async fn operator_task(&self, id: i64) -> StorageResult<Option<OperatorTask>>;
    /// The most recent tasks first.
    async fn operator_tasks(&self, limit: u32) -> StorageResult<Vec<OperatorTask>>;
}
