//! Tidings' shared vocabulary: ids, the domain types that flow from feed to page, and the
//! [`Storage`] interface every backend implements, and the English function words the stages
//! share. No I/O lives here.

mod account_types;
mod accounts;
mod admin;
mod ai_cache;
mod coordination;
mod english;
mod follows;
mod headline;
mod images;
mod names;
mod raw_pages;
mod sizes;
mod storage;
mod stories;
mod tag;
mod types;

pub use account_types::*;
pub use accounts::AccountStore;
pub use admin::{
    AdminFeed, AdminStore, FeedFilter, FeedSort, OperatorTask, SessionInfo, SiteOverview,
};
pub use ai_cache::{AiCacheKey, AiStore};
pub use coordination::{
    CacheStamps, CoordinationStore, DeadJob, Job, JobCounts, JobId, LeaderGuard, NewJob,
};
pub use english::{FUNCTION_WORDS, WEEKDAYS_AND_MONTHS, is_function_word, is_weekday_or_month};
pub use follows::{
    ArticleMarks, Follow, FollowKind, FollowStore, FollowTarget, ForYouStory, MAX_FOLLOW_KEY_BYTES,
    MAX_FOLLOWS, MAX_SAVED_ARTICLES, SavedArticle,
};
pub use headline::{clean_title, representative_articles, story_headline};
pub use images::{
    IMAGE_DIGEST_HEX, ImageRef, ImageStore, ImageVariant, LeadImageFetch, LeadImageOutcome,
    MAX_STORED_IMAGE_BYTES, StoredImage, check_lead_image,
};
pub use names::{name_key, name_skeleton, normalize_name};
pub use raw_pages::{
    ArticleExtraction, MAX_SITE_BLOCK_KEY_BYTES, MAX_SITE_BLOCKS_PER_PAGE, RawPage, RawPageFilter,
    RawPageStore, checked_site_blocks,
};
pub use sizes::human_bytes;
pub use storage::{Storage, StorageError, StorageResult};
pub use stories::{
    ArticleLinks, CopyRef, Story, StoryArticle, StoryId, StoryIndexRow, StoryPlacement, StoryStore,
    StorySummary,
};
pub use tag::{publisher_slug, tag_slug};
pub use types::*;
