//! Moderators' pages: the queue (held and reported comments) with hide, restore, approve,
//! dismiss and ban actions, and the audit log of every such action.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use chrono::Utc;
use serde::Deserialize;
use tidings_core::{ModerationAction, ModerationRecord, PageRequest, QueuedComment, User};

use super::comment_actions::{existing_comment, log_action};
use super::comment_forms::{ActionForm, parse_id};
use super::session::Viewer;
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::views::{Chrome, Pager, TimeView};

/// Queue entries shown at once.
const QUEUE_LIMIT: u32 = 100;
const LOG_PER_PAGE: u32 = 50;

#[derive(Template)]
#[template(path = "moderation.html")]
pub struct QueuePage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub items: Vec<QueueItemView>,
}

pub struct QueueItemView {
    pub id: i64,
    pub article_id: i64,
    pub author: String,
    pub author_id: i64,
    pub time: TimeView,
    pub body_html: String,
    pub held: bool,
    pub hidden: bool,
    pub deleted: bool,
    pub reports: i64,
    /// "1 report", "3 reports".
    pub reports_text: String,
    pub reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "moderation_log.html")]
pub struct LogPage {
    pub chrome: Chrome,
    pub entries: Vec<LogEntryView>,
    pub pager: Pager,
}

pub struct LogEntryView {
    pub time: TimeView,
    pub moderator: String,
    pub action: &'static str,
    pub comment_id: Option<i64>,
    pub target: String,
    pub note: String,
}

#[derive(Debug, Deserialize)]
pub struct LogQuery {
    pub page: Option<String>,
}

/// "1 report", "5 reports".
pub fn plural(count: i64, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// A logged action as a moderator would say it: "approved a comment".
pub fn action_in_words(action: ModerationAction) -> &'static str {
    match action {
        ModerationAction::HideComment => "hid a comment",
        ModerationAction::RestoreComment => "restored a comment",
        ModerationAction::ApproveComment => "approved a comment",
        ModerationAction::DismissReports => "dismissed the reports on a comment",
        ModerationAction::DeleteComment => "deleted a comment",
        ModerationAction::BanUser => "banned a user",
        ModerationAction::UnbanUser => "lifted a user's ban",
        ModerationAction::AdminFeedAdd => "added a feed",
        ModerationAction::AdminFeedRemove => "removed a feed",
        ModerationAction::AdminFeedPause => "paused a feed",
        ModerationAction::AdminFeedResume => "resumed a feed",
        ModerationAction::AdminFeedRefresh => "refreshed a feed",
        ModerationAction::AdminFeedEdit => "changed a feed's settings",
        ModerationAction::AdminRefreshAll => "refreshed every feed",
        ModerationAction::AdminOpmlImport => "imported feeds from OPML",
        ModerationAction::AdminPublisherEdit => "changed a publisher",
        ModerationAction::AdminRoleChange => "changed a user's role",
        ModerationAction::AdminResetLink => "made a password-reset link",
        ModerationAction::AdminSessionRevoke => "signed a session out",
        ModerationAction::AdminTokenRevoke => "revoked an API token",
        ModerationAction::AdminJobRetry => "retried a job",
        ModerationAction::AdminUserDelete => "deleted a user",
        ModerationAction::AdminAiTest => "tested the AI endpoint",
    }
}

fn require_moderator(viewer: &Viewer) -> WebResult<&User> {
    let user = viewer.require_user()?;
    if user.role.can_moderate() {
        Ok(user)
    } else {
        Err(WebError::Forbidden("only moderators may do this".into()))
    }
}

pub async fn queue(State(state): State<AppState>, viewer: Viewer) -> WebResult<Html<String>> {
    require_moderator(&viewer)?;
    let now = Utc::now();
    let queued = state.storage.moderation_queue(QUEUE_LIMIT).await?;
    let items = queued
        .into_iter()
        .map(
            |QueuedComment {
                 comment,
                 open_reports,
                 reasons,
             }| QueueItemView {
                id: comment.id,
                article_id: comment.article_id,
                author: comment.author_name,
                author_id: comment.author_id,
                time: TimeView::new(comment.created_at, now),
                body_html: comment.body_html,
                held: comment.held,
                hidden: comment.hidden,
                deleted: comment.deleted,
                reports: open_reports,
                reports_text: plural(open_reports, "report", "reports"),
                reasons,
            },
        )
        .collect();
    let page = QueuePage {
        chrome: Chrome::new(&state.site, "Moderation queue", None),
        csrf_token: viewer.csrf_token.clone(),
        items,
    };
    Ok(Html(page.render()?))
}

pub async fn log(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<LogQuery>,
) -> WebResult<Html<String>> {
    require_moderator(&viewer)?;
    let page = crate::pages::parse_page(query.page.as_deref())?;
    let now = Utc::now();
    let records = state
        .storage
        .moderation_log(PageRequest::new(page, LOG_PER_PAGE))
        .await?;
    let entries = records
        .items
        .into_iter()
        .map(|r: ModerationRecord| LogEntryView {
            time: TimeView::new(r.at, now),
            moderator: r.moderator_name.unwrap_or_else(|| "command line".into()),
            action: action_in_words(r.action),
            comment_id: r.comment_id,
            target: r.target_user_name.unwrap_or_default(),
            note: r.note,
        })
        .collect();
    let view = LogPage {
        chrome: Chrome::new(&state.site, "Moderation log", None),
        entries,
        pager: Pager::new("/moderation/log", &[], page, records.has_more),
    };
    Ok(Html(view.render()?))
}

pub async fn comment_action(
    State(state): State<AppState>,
    Path((raw_id, action)): Path<(String, String)>,
    viewer: Viewer,
    Form(form): Form<ActionForm>,
) -> WebResult<Redirect> {
    viewer.check_csrf(form.csrf_token.as_deref())?;
    let moderator = require_moderator(&viewer)?;
    let comment = existing_comment(&state, parse_id(&raw_id, "Comment")?).await?;
    let storage = &state.storage;
    let action = match action.as_str() {
        "hide" => {
            storage.set_comment_hidden(comment.id, true).await?;
            storage.resolve_reports(comment.id).await?;
            ModerationAction::HideComment
        }
        "restore" => {
            storage.set_comment_hidden(comment.id, false).await?;
            ModerationAction::RestoreComment
        }
        "approve" => {
            storage.approve_comment(comment.id).await?;
            ModerationAction::ApproveComment
        }
        "dismiss" => {
            storage.resolve_reports(comment.id).await?;
            ModerationAction::DismissReports
        }
        other => {
            return Err(WebError::NotFound(format!("Moderation action {other:?}")));
        }
    };
    let note = form.reason.unwrap_or_default();
    log_action(&state, moderator, action, Some(&comment), &note).await?;
    Ok(Redirect::to("/moderation"))
}

pub async fn user_action(
    State(state): State<AppState>,
    Path((raw_id, action)): Path<(String, String)>,
    viewer: Viewer,
    Form(form): Form<ActionForm>,
) -> WebResult<Redirect> {
    viewer.check_csrf(form.csrf_token.as_deref())?;
    let moderator = require_moderator(&viewer)?;
    let id = parse_id(&raw_id, "User")?;
    let target = state
        .storage
        .user(id)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("User {id}")))?;
    if target.role.can_moderate() && moderator.role != tidings_core::Role::Admin {
        return Err(WebError::Forbidden("only admins may ban moderators".into()));
    }
    let (banned, action) = match action.as_str() {
        "ban" => (true, ModerationAction::BanUser),
        "unban" => (false, ModerationAction::UnbanUser),
        other => return Err(WebError::NotFound(format!("Moderation action {other:?}"))),
    };
    state.storage.set_banned(id, banned).await?;
    state
        .storage
        .record_moderation(tidings_core::ModerationEntry {
            moderator_id: Some(moderator.id),
            action,
            comment_id: None,
            target_user_id: Some(id),
            note: form.reason.unwrap_or_default(),
        })
        .await?;
    Ok(Redirect::to("/moderation"))
}
