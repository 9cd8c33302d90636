//! The storage interface for what a signed-in reader keeps: the tags, sources and stories
//! they follow, the articles they saved for later, and the articles they have read.
//!
//! "For you" is read from these: one card per story that a follow reaches (the story itself,
//! or an article of it in a followed tag or source), newest first, leaving out stories the
//! reader has read since their latest article arrived.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::account_types::UserId;
use crate::stories::{StoryId, StorySummary};
use crate::types::{ArticleCard, ArticleId, PageRequest, Paged};
use crate::{StorageError, StorageResult};

/// The most follows one reader keeps.
pub const MAX_FOLLOWS: usize = 500;
/// The most articles one reader keeps saved.
pub const MAX_SAVED_ARTICLES: i64 = 5_000;
/// The longest tag or source slug a follow names, in bytes.
pub const MAX_FOLLOW_KEY_BYTES: usize = 200;

/// What a follow is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FollowKind {
    Tag,
    Source,
    Story,
}

impl FollowKind {
    pub const ALL: [FollowKind; 3] = [FollowKind::Tag, FollowKind::Source, FollowKind::Story];

    pub fn as_str(self) -> &'static str {
        match self {
            FollowKind::Tag => "tag",
            FollowKind::Source => "source",
            FollowKind::Story => "story",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        FollowKind::ALL.into_iter().find(|kind| kind.as_str() == s)
    }
}

/// One thing to follow: a tag or source by its slug, a story by its id (written in decimal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowTarget {
    pub kind: FollowKind,
    pub key: String,
}

impl FollowTarget {
    /// The target, checked: a tag or source slug as [`crate::tag_slug`] and
    /// [`crate::publisher_slug`] write it (at most [`MAX_FOLLOW_KEY_BYTES`]), a story id a
    /// positive number. `Invalid` names what is wrong.
    pub fn new(kind: FollowKind, key: &str) -> StorageResult<Self> {
        let key = key.trim();
        let normal = match kind {
            FollowKind::Tag => crate::tag_slug(key),
            FollowKind::Source => crate::publisher_slug(key),
            FollowKind::Story => match key.parse::<StoryId>() {
                Ok(id) if id > 0 => id.to_string(),
                _ => {
                    return Err(StorageError::Invalid(format!(
                        "follow: a story is followed by its id, a positive number, not {key:?}"
                    )));
                }
            },
        };
        if normal.is_empty() || normal != key || key.len() > MAX_FOLLOW_KEY_BYTES {
            return Err(StorageError::Invalid(format!(
                "follow: {key:?} is not a {} slug",
                kind.as_str()
            )));
        }
        Ok(FollowTarget { kind, key: normal })
    }

    pub fn story(id: StoryId) -> Self {
        FollowTarget {
            kind: FollowKind::Story,
            key: id.to_string(),
        }
    }

    /// The story id of a story follow.
    pub fn story_id(&self) -> Option<StoryId> {
        match self.kind {
            FollowKind::Story => self.key.parse().ok(),
            _ => None,
        }
    }

    /// The site path of what is followed (`/tag/…`, `/source/…`, `/story/…`).
    pub fn path(&self) -> String {
        format!("/{}/{}", self.kind.as_str(), self.key)
    }
}

/// A follow as the reader's list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Follow {
    #[serde(flatten)]
    pub target: FollowTarget,
    /// The tag's label, the source's name or the story's headline when it was followed.
    pub label: String,
    pub created_at: DateTime<Utc>,
}

/// A saved article with when it was saved, and whether the reader has read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedArticle {
    pub card: ArticleCard,
    pub saved_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// What a reader has done with one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ArticleMarks {
    pub saved_at: Option<DateTime<Utc>>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A story on the reader's For you page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForYouStory {
    pub story: StorySummary,
    /// The reader follows the story and it has articles that arrived after their last visit.
    pub new_coverage: bool,
}

/// Follows, saved articles and read marks of signed-in readers.
#[async_trait]
pub trait FollowStore: Send + Sync {
    /// Follows `target` as `user`, remembering `label`; `false` when it was followed already.
    /// A story follow starts as visited `at`.
    async fn follow(
        &self,
        user: UserId,
        target: &FollowTarget,
        label: &str,
        at: DateTime<Utc>,
    ) -> StorageResult<bool>;
    /// `false` when it was not followed.
    async fn unfollow(&self, user: UserId, target: &FollowTarget) -> StorageResult<bool>;
    /// The user's follows, newest first.
    async fn follows(&self, user: UserId) -> StorageResult<Vec<Follow>>;
    /// Whether the user follows anything (what decides their home page).
    async fn follows_anything(&self, user: UserId) -> StorageResult<bool>;
    async fn is_following(&self, user: UserId, target: &FollowTarget) -> StorageResult<bool>;
    /// Whether the user follows the story and it has articles that arrived after their last
    /// visit of it.
    async fn story_has_new_coverage(&self, user: UserId, story: StoryId) -> StorageResult<bool>;
    /// Records a visit of a followed story at `at` (nothing when it is not followed).
    async fn visit_story(
        &self,
        user: UserId,
        story: StoryId,
        at: DateTime<Utc>,
    ) -> StorageResult<()>;
    /// The For you page: see the module documentation.
    async fn for_you(&self, user: UserId, page: PageRequest) -> StorageResult<Paged<ForYouStory>>;

    /// Saves an article (keeping the first time it was saved); `false` when it was saved
    /// already; `Invalid` when there is no such article or the user keeps
    /// [`MAX_SAVED_ARTICLES`] already.
    async fn save_article(
        &self,
        user: UserId,
        article: ArticleId,
        at: DateTime<Utc>,
    ) -> StorageResult<bool>;
    async fn unsave_article(&self, user: UserId, article: ArticleId) -> StorageResult<bool>;
    /// Saved articles, most recently saved first.
    async fn saved_articles(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> StorageResult<Paged<SavedArticle>>;
    /// Marks the article read at `at` (a later read moves the mark; nothing when there is no
    /// such article).
    async fn mark_read(
        &self,
        user: UserId,
        article: ArticleId,
        at: DateTime<Utc>,
    ) -> StorageResult<()>;
    /// Forgets that the user read the article; `false` when it was not marked.
    async fn mark_unread(&self, user: UserId, article: ArticleId) -> StorageResult<bool>;
    async fn article_marks(&self, user: UserId, article: ArticleId) -> StorageResult<ArticleMarks>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_checked_slugs_or_story_ids() {
        let tag = FollowTarget::new(FollowKind::Tag, "climate").expect("tag");
        assert_eq!(tag.path(), "/tag/climate");
        assert_eq!(
            FollowTarget::new(FollowKind::Story, "42")
                .expect("story")
                .story_id(),
            Some(42)
        );
        for (kind, bad) in [
            (FollowKind::Story, "0"),
            (FollowKind::Story, "x"),
            (FollowKind::Tag, "Not A Slug"),
            (FollowKind::Source, ""),
        ] {
            let error = FollowTarget::new(kind, bad).expect_err(bad);
            assert!(error.to_string().contains("follow"), "{error}");
        }
        let long = "a".repeat(MAX_FOLLOW_KEY_BYTES + 1);
        assert!(FollowTarget::new(FollowKind::Tag, &long).is_err());
        assert_eq!(FollowKind::parse("source"), Some(FollowKind::Source));
        assert_eq!(FollowKind::parse("feed"), None);
    }
}
