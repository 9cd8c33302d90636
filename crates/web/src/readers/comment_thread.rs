//! The Comments section of the article page: one page of threads, nested to
//! [`MAX_DEPTH`] (deeper replies shown at that depth, naming whom they answer), with what
//! the viewer may see and do, and any draft that failed to post.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use tidings_core::{ArticleId, Comment, CommentId, CommentOrder, PageRequest};

use super::session::Viewer;
use crate::AppState;
use crate::error::WebResult;
use crate::views::{Pager, TimeView};

/// Replies nest this deep; deeper ones are shown at this depth.
pub const MAX_DEPTH: usize = 4;
/// Top-level threads per page.
pub const THREADS_PER_PAGE: u32 = 20;
/// How long after posting its author may edit a comment.
pub const EDIT_WINDOW_MINUTES: i64 = 15;

/// `?order=newest&comments_page=2` on the article page.
#[derive(Debug, Default, Deserialize)]
pub struct CommentsQuery {
    pub order: Option<String>,
    pub comments_page: Option<String>,
    /// The comment the reader has just reported (set by the report form's redirect).
    pub reported: Option<String>,
}

impl CommentsQuery {
    pub fn order(&self) -> CommentOrder {
        self.order
            .as_deref()
            .and_then(CommentOrder::parse)
            .unwrap_or_default()
    }

    pub fn page(&self) -> WebResult<u32> {
        crate::pages::parse_page(self.comments_page.as_deref())
    }
}

/// Which form a failed submission came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftTarget {
    New,
    Reply(CommentId),
    Edit(CommentId),
}

/// A submission that was refused: shown again in its form with the reason.
#[derive(Debug, Clone)]
pub struct CommentDraft {
    pub target: DraftTarget,
    pub body: String,
    pub error: String,
}

/// One comment as shown.
pub struct CommentView {
    pub id: CommentId,
    pub depth: usize,
    pub author: String,
    pub time: TimeView,
    /// The sanitized body; `None` for a placeholder ("deleted").
    pub body_html: Option<String>,
    pub placeholder: String,
    /// Who this answers, for replies shown flatter than their real depth.
    pub replying_to: Option<String>,
    pub edited: bool,
    pub held: bool,
    pub hidden: bool,
    /// Written by the viewer.
    pub own: bool,
    pub can_reply: bool,
    pub can_edit: bool,
    pub can_delete: bool,
    pub can_report: bool,
    pub can_moderate: bool,
    pub reply_body: String,
    pub reply_open: bool,
    pub edit_body: String,
    pub edit_open: bool,
    pub form_error: Option<String>,
    /// The viewer has just reported this comment: a confirmation is shown beside it.
    pub just_reported: bool,
}

/// Everything the section's template needs.
pub struct CommentsSection {
    pub article_id: ArticleId,
    /// Public comments on the article.
    pub count: i64,
    pub comments: Vec<CommentView>,
    pub newest_first: bool,
    pub pager: Pager,
    pub signed_in_as: Option<String>,
    pub csrf_token: String,
    pub new_body: String,
    pub new_error: Option<String>,
    /// The viewer's own comments on this page that await a moderator.
    pub own_held: usize,
}

impl CommentsSection {
    /// Loads the page of threads the query asks for, as `viewer` may see it.
    pub async fn load(
        state: &AppState,
        viewer: &Viewer,
        article: ArticleId,
        query: &CommentsQuery,
        draft: Option<CommentDraft>,
    ) -> WebResult<Self> {
        let order = query.order();
        let page = query.page()?;
        let storage = &state.storage;
        let one_article = [article];
        let (listed, counts) = tokio::try_join!(
            storage.article_comments(article, order, PageRequest::new(page, THREADS_PER_PAGE)),
            storage.comment_counts(&one_article),
        )?;
        let count = counts.first().map_or(0, |(_, n)| *n);
        let href = |page: u32| {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            if order == CommentOrder::Newest {
                query.append_pair("order", "newest");
            }
            if page > 1 {
                query.append_pair("comments_page", &page.to_string());
            }
            match query.finish() {
                q if q.is_empty() => format!("/article/{article}#comments"),
                q => format!("/article/{article}?{q}#comments"),
            }
        };
        let pager = Pager {
            page,
            newer_href: (page > 1).then(|| href(page - 1)),
            older_href: listed.has_more.then(|| href(page + 1)),
        };
        let mut comments = arrange(listed.items, viewer, draft.as_ref(), Utc::now());
        let reported = query
            .reported
            .as_deref()
            .and_then(|r| r.parse::<CommentId>().ok());
        for comment in &mut comments {
            comment.just_reported = reported == Some(comment.id);
        }
        let own_held = comments.iter().filter(|c| c.held && c.own).count();
        let (new_body, new_error) = match draft {
            Some(CommentDraft {
                target: DraftTarget::New,
                body,
                error,
            }) => (body, Some(error)),
            _ => (String::new(), None),
        };
        Ok(CommentsSection {
            article_id: article,
            count,
            comments,
            newest_first: order == CommentOrder::Newest,
            pager,
            signed_in_as: viewer.user.as_ref().map(|u| u.name.clone()),
            csrf_token: viewer.csrf_token.clone(),
            new_body,
            new_error,
            own_held,
        })
    }

    /// "1 comment", "12 comments"; "0 comments, 1 of yours awaiting review" while the
    /// viewer's own comments wait for a moderator.
    pub fn count_text(&self) -> String {
        match self.own_held {
            0 => comment_count_text(self.count),
            held => format!(
                "{}, {held} of yours awaiting review",
                comment_count_text(self.count)
            ),
        }
    }
}

/// "1 comment", "12 comments".
pub fn comment_count_text(count: i64) -> String {
    if count == 1 {
        "1 comment".to_owned()
    } else {
        format!("{count} comments")
    }
}

enum Shown {
    Body,
    Placeholder(&'static str),
    Omit,
}

fn shown(comment: &Comment, viewer: &Viewer) -> Shown {
    let own = viewer
        .user
        .as_ref()
        .is_some_and(|u| u.id == comment.author_id);
    let moderator = viewer.is_moderator();
    if comment.deleted {
        Shown::Placeholder("[deleted]")
    } else if comment.hidden && !moderator {
        Shown::Placeholder("[hidden by a moderator]")
    } else if comment.held && !moderator && !own {
        Shown::Omit
    } else {
        Shown::Body
    }
}

/// Orders the comments into threads (top-level comments keep their order, replies come
/// oldest first under their parent) and decides what the viewer sees of each.
fn arrange(
    comments: Vec<Comment>,
    viewer: &Viewer,
    draft: Option<&CommentDraft>,
    now: DateTime<Utc>,
) -> Vec<CommentView> {
    let mut children: HashMap<CommentId, Vec<&Comment>> = HashMap::new();
    let mut names: HashMap<CommentId, &str> = HashMap::new();
    for comment in &comments {
        names.insert(comment.id, &comment.author_name);
        if let Some(parent) = comment.parent_id {
            children.entry(parent).or_default().push(comment);
        }
    }
    let context = Arrangement {
        children: &children,
        names: &names,
        viewer,
        draft,
        now,
    };
    comments
        .iter()
        .filter(|c| c.parent_id.is_none())
        .flat_map(|c| context.thread(c, 0))
        .collect()
}

struct Arrangement<'a> {
    children: &'a HashMap<CommentId, Vec<&'a Comment>>,
    names: &'a HashMap<CommentId, &'a str>,
    viewer: &'a Viewer,
    draft: Option<&'a CommentDraft>,
    now: DateTime<Utc>,
}

impl Arrangement<'_> {
    fn thread(&self, comment: &Comment, depth: usize) -> Vec<CommentView> {
        let replies: Vec<CommentView> = self
            .children
            .get(&comment.id)
            .into_iter()
            .flatten()
            .flat_map(|reply| self.thread(reply, depth + 1))
            .collect();
        let placeholder = match shown(comment, self.viewer) {
            Shown::Omit => return Vec::new(),
            Shown::Placeholder(_) if replies.is_empty() => return Vec::new(),
            Shown::Placeholder(text) => Some(text),
            Shown::Body => None,
        };
        let mut views = Vec::with_capacity(replies.len() + 1);
        views.push(self.view(comment, depth, placeholder));
        views.extend(replies);
        views
    }

    fn view(&self, comment: &Comment, depth: usize, placeholder: Option<&str>) -> CommentView {
        let user = self.viewer.user.as_ref();
        let own = user.is_some_and(|u| u.id == comment.author_id);
        let moderator = self.viewer.is_moderator();
        let live = placeholder.is_none() && !comment.deleted;
        let draft_for = |target| self.draft.filter(|d| d.target == target);
        let reply_draft = draft_for(DraftTarget::Reply(comment.id));
        let edit_draft = draft_for(DraftTarget::Edit(comment.id));
        CommentView {
            id: comment.id,
            depth: depth.min(MAX_DEPTH),
            author: comment.author_name.clone(),
            time: TimeView::new(comment.created_at, self.now),
            body_html: live.then(|| comment.body_html.clone()),
            placeholder: placeholder.unwrap_or_default().to_owned(),
            replying_to: (depth > MAX_DEPTH)
                .then(|| comment.parent_id.and_then(|p| self.names.get(&p)))
                .flatten()
                .map(|name| (*name).to_owned()),
            edited: comment.edited_at.is_some() && live,
            held: comment.held,
            hidden: comment.hidden,
            own,
            can_reply: user.is_some() && live && !comment.held,
            can_edit: own && live && within_edit_window(comment, self.now),
            can_delete: (own || moderator) && !comment.deleted,
            can_report: user.is_some() && !own && live,
            can_moderate: moderator && !comment.deleted,
            reply_body: reply_draft.map(|d| d.body.clone()).unwrap_or_default(),
            reply_open: reply_draft.is_some(),
            edit_body: edit_draft.map_or_else(|| comment.body_markdown.clone(), |d| d.body.clone()),
            edit_open: edit_draft.is_some(),
            form_error: reply_draft.or(edit_draft).map(|d| d.error.clone()),
            just_reported: false,
        }
    }
}

/// Whether the author may still edit the comment at `now`.
pub fn within_edit_window(comment: &Comment, now: DateTime<Utc>) -> bool {
    now - comment.created_at <= Duration::minutes(EDIT_WINDOW_MINUTES)
}
