//! What posting, editing, deleting and reporting a comment do, shared by the forms and the
//! JSON API: who may, which rules apply, what is stored and what is logged.

use chrono::Utc;
use tidings_core::{
    ArticleId, Comment, CommentId, ModerationAction, ModerationEntry, NewComment, User,
};

use super::comment_policy::{check_body, check_rate, hold_for_review};
use super::comment_render::render_comment_markdown;
use super::comment_thread::within_edit_window;
use super::session::Viewer;
use crate::AppState;
use crate::error::{WebError, WebResult};

/// Posts a comment (a reply when `parent` is given) as the viewer.
pub async fn post_comment(
    state: &AppState,
    viewer: &Viewer,
    article: ArticleId,
    parent: Option<CommentId>,
    body: &str,
) -> WebResult<Comment> {
    let author = viewer.require_user()?;
    if state.storage.article(article).await?.is_none() {
        return Err(WebError::NotFound(format!("Article {article}")));
    }
    if let Some(parent_id) = parent {
        let parent_comment = state.storage.comment(parent_id).await?;
        match parent_comment {
            Some(p) if p.article_id == article && !p.deleted && !p.hidden && !p.held => {}
            _ => {
                return Err(WebError::Unprocessable(
                    "the comment you are replying to is not available".into(),
                ));
            }
        }
    }
    let html = render_comment_markdown(body);
    check_body(&state.accounts, author, body, &html)?;
    check_rate(
        state.storage.as_ref(),
        &state.accounts,
        author,
        &viewer.client,
    )
    .await?;
    let held = hold_for_review(&state.accounts, author);
    let comment = state
        .storage
        .insert_comment(NewComment {
            article_id: article,
            parent_id: parent,
            author_id: author.id,
            body_markdown: body.to_owned(),
            body_html: html,
            held,
        })
        .await?;
    Ok(comment)
}

/// The comment, or `NotFound`.
pub async fn existing_comment(state: &AppState, id: CommentId) -> WebResult<Comment> {
    state
        .storage
        .comment(id)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("Comment {id}")))
}

/// Replaces the body of the viewer's own comment, within the edit window.
pub async fn edit_comment(
    state: &AppState,
    viewer: &Viewer,
    id: CommentId,
    body: &str,
) -> WebResult<Comment> {
    let author = viewer.require_user()?;
    let comment = existing_comment(state, id).await?;
    if comment.author_id != author.id {
        return Err(WebError::Forbidden(
            "only its author can edit a comment".into(),
        ));
    }
    if comment.deleted {
        return Err(WebError::Unprocessable("the comment was deleted".into()));
    }
    let now = Utc::now();
    if !within_edit_window(&comment, now) {
        return Err(WebError::Unprocessable(format!(
            "comments can be edited for {} minutes after posting",
            super::comment_thread::EDIT_WINDOW_MINUTES
        )));
    }
    let html = render_comment_markdown(body);
    check_body(&state.accounts, author, body, &html)?;
    state.storage.edit_comment(id, body, &html, now).await?;
    existing_comment(state, id).await
}

/// Deletes a comment: its author may, and so may moderators (logged).
pub async fn delete_comment(
    state: &AppState,
    viewer: &Viewer,
    id: CommentId,
) -> WebResult<Comment> {
    let user = viewer.require_user()?;
    let comment = existing_comment(state, id).await?;
    let own = comment.author_id == user.id;
    if !own && !user.role.can_moderate() {
        return Err(WebError::Forbidden(
            "only its author or a moderator can delete a comment".into(),
        ));
    }
    state.storage.delete_comment(id).await?;
    if !own {
        log_action(
            state,
            user,
            ModerationAction::DeleteComment,
            Some(&comment),
            "",
        )
        .await?;
    }
    existing_comment(state, id).await
}

/// Records a moderator's action on a comment (or its author) in the audit log.
pub async fn log_action(
    state: &AppState,
    moderator: &User,
    action: ModerationAction,
    comment: Option<&Comment>,
    note: &str,
) -> WebResult<()> {
    state
        .storage
        .record_moderation(ModerationEntry {
            moderator_id: Some(moderator.id),
            action,
            comment_id: comment.map(|c| c.id),
            target_user_id: comment.map(|c| c.author_id),
            note: note.to_owned(),
        })
        .await?;
    Ok(())
}
