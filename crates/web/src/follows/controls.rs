//! The reader's controls on the cached pages: which pages have them, and the Follow, Save
//! and read-mark forms rendered for one signed-in reader (the shared page holds a sign-in
//! prompt in their place, between the `<!--reader-->` marks). Opening an article marks it
//! read; opening a followed story records the visit, after its "New coverage" mark is shown.

use askama::Template;
use chrono::Utc;
use tidings_core::{ArticleId, FollowKind, FollowTarget, StoryId, UserId};

use crate::AppState;
use crate::error::WebResult;

/// A page with the reader's controls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReaderPage {
    Article(ArticleId),
    Follows(FollowTarget),
}

impl ReaderPage {
    /// `/article/{id}`, `/tag/{slug}`, `/source/{slug}` or `/story/{id}`, nothing below them.
    pub(crate) fn from_path(path: &str) -> Option<Self> {
        let rest = path.strip_prefix('/')?;
        let (section, key) = rest.split_once('/')?;
        if key.is_empty() || key.contains('/') {
            return None;
        }
        let kind = match section {
            "article" => return key.parse().ok().map(ReaderPage::Article),
            "tag" => FollowKind::Tag,
            "source" => FollowKind::Source,
            "story" => FollowKind::Story,
            _ => return None,
        };
        // A slug that is not in its normal form is redirected by the page; nothing to show.
        FollowTarget::new(kind, key).ok().map(ReaderPage::Follows)
    }
}

struct FollowView {
    kind: &'static str,
    key: String,
    following: bool,
    new_coverage: bool,
}

struct MarksView {
    id: ArticleId,
    saved: bool,
    read: bool,
}

#[derive(Template)]
#[template(path = "reader_controls.html")]
struct ReaderControls {
    csrf_token: String,
    /// Where the forms return to.
    back: String,
    follow: Option<FollowView>,
    article: Option<MarksView>,
}

/// The controls of `page` for `user`, with the visit recorded (see the module docs); `back`
/// is the page's path and query.
pub(crate) async fn reader_controls(
    state: &AppState,
    user: UserId,
    csrf_token: &str,
    page: &ReaderPage,
    back: &str,
) -> WebResult<String> {
    let storage = &state.storage;
    let now = Utc::now();
    let (follow, article) = match page {
        ReaderPage::Article(id) => {
            storage.mark_read(user, *id, now).await?;
            let marks = storage.article_marks(user, *id).await?;
            let view = MarksView {
                id: *id,
                saved: marks.saved_at.is_some(),
                read: marks.read_at.is_some(),
            };
            (None, Some(view))
        }
        ReaderPage::Follows(target) => {
            let following = storage.is_following(user, target).await?;
            let story: Option<StoryId> = target.story_id();
            let new_coverage = match story {
                Some(id) if following => storage.story_has_new_coverage(user, id).await?,
                _ => false,
            };
            if let Some(id) = story.filter(|_| following) {
                storage.visit_story(user, id, now).await?;
            }
            let view = FollowView {
                kind: target.kind.as_str(),
                key: target.key.clone(),
                following,
                new_coverage,
            };
            (Some(view), None)
        }
    };
    Ok(ReaderControls {
        csrf_token: csrf_token.to_owned(),
        back: back.to_owned(),
        follow,
        article,
    }
    .render()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_with_controls_are_known_by_their_path() {
        assert_eq!(
            ReaderPage::from_path("/article/12"),
            Some(ReaderPage::Article(12))
        );
        assert_eq!(
            ReaderPage::from_path("/story/3"),
            Some(ReaderPage::Follows(FollowTarget::story(3)))
        );
        assert!(matches!(
            ReaderPage::from_path("/tag/climate"),
            Some(ReaderPage::Follows(FollowTarget {
                kind: FollowKind::Tag,
                ..
            }))
        ));
        for other in [
            "/",
            "/tag/",
            "/tag/Not%20Normal",
            "/story/3/feed.atom",
            "/article/x",
            "/saved",
            "/search",
        ] {
            assert_eq!(ReaderPage::from_path(other), None, "{other}");
        }
    }
}
