//! The domain types of reader accounts and their discussion: users and roles, sessions and
//! API tokens (stored only as hashes), comments, reports and the moderation audit log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ArticleId;

/// A user's row id.
pub type UserId = i64;
/// A comment's row id.
pub type CommentId = i64;

/// What a user may do beyond reading and commenting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Reader,
    Moderator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "reader" => Some(Role::Reader),
            "moderator" => Some(Role::Moderator),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Moderators and admins may hide, restore and remove anyone's comments and ban users.
    pub fn can_moderate(self) -> bool {
        self >= Role::Moderator
    }
}

/// A reader account (never with its password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    /// The name as registered; unique regardless of case.
    pub name: String,
    pub role: Role,
    pub banned: bool,
    pub created_at: DateTime<Utc>,
    /// Comments of this user approved or published without review.
    pub approved_comments: i64,
}

/// An account to create; the password is hashed already.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub password_hash: String,
    pub role: Role,
}

/// A signed-in session found by its token.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionUser {
    pub session_id: i64,
    pub user: User,
    pub expires_at: DateTime<Utc>,
}

/// What a token stands for. Only API tokens exist today; app passwords for feed-reader
/// protocols will be another kind of the same row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    #[default]
    Api,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Api => "api",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "api" => Some(TokenKind::Api),
            _ => None,
        }
    }
}

/// One thing a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    /// Read the API as the account (its own held comments included).
    Read,
    /// Post, edit and delete the account's comments.
    Comment,
}

impl TokenScope {
    pub const ALL: [TokenScope; 2] = [TokenScope::Read, TokenScope::Comment];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Comment => "comment",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        TokenScope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s)
    }
}

/// The scopes a token was given: a small set, stored as space-separated names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenScopes {
    read: bool,
    comment: bool,
}

impl TokenScopes {
    pub fn new(scopes: &[TokenScope]) -> Self {
        TokenScopes {
            read: scopes.contains(&TokenScope::Read),
            comment: scopes.contains(&TokenScope::Comment),
        }
    }

    pub fn contains(self, scope: TokenScope) -> bool {
        match scope {
            TokenScope::Read => self.read,
            TokenScope::Comment => self.comment,
        }
    }

    pub fn iter(self) -> impl Iterator<Item = TokenScope> {
        TokenScope::ALL
            .into_iter()
            .filter(move |s| self.contains(*s))
    }

    /// "read comment": how the set is stored.
    pub fn to_text(self) -> String {
        self.iter()
            .map(TokenScope::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Reads [`TokenScopes::to_text`]; `None` naming no scope or an unknown one.
    pub fn parse(text: &str) -> Option<Self> {
        let scopes = text
            .split_whitespace()
            .map(TokenScope::parse)
            .collect::<Option<Vec<_>>>()?;
        Some(TokenScopes::new(&scopes))
    }
}

impl Serialize for TokenScopes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// A token to store (its hash only; the token itself is shown to its owner once).
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub user: UserId,
    pub token_hash: String,
    pub label: String,
    pub kind: TokenKind,
    pub scopes: TokenScopes,
    /// `None`: never expires.
    pub expires_at: Option<DateTime<Utc>>,
}

/// An API token's listing (the token itself is shown once, when created).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub label: String,
    pub kind: TokenKind,
    pub scopes: TokenScopes,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl ApiTokenInfo {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// A valid token found by its hash, with its account.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenUser {
    pub user: User,
    pub token: ApiTokenInfo,
}

/// A comment as stored, with its author's name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comment {
    pub id: CommentId,
    pub article_id: ArticleId,
    pub parent_id: Option<CommentId>,
    pub author_id: UserId,
    pub author_name: String,
    /// What the author wrote (empty once deleted).
    pub body_markdown: String,
    /// The rendered and sanitized body (empty once deleted).
    pub body_html: String,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    /// Hidden by a moderator.
    pub hidden: bool,
    /// Waiting for a moderator's approval before anyone else sees it.
    pub held: bool,
}

impl Comment {
    /// Whether readers other than its author and moderators see its body.
    pub fn is_public(&self) -> bool {
        !self.deleted && !self.hidden && !self.held
    }
}

/// A comment to store; `body_html` is rendered and sanitized already.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub article_id: ArticleId,
    pub parent_id: Option<CommentId>,
    pub author_id: UserId,
    pub body_markdown: String,
    pub body_html: String,
    pub held: bool,
}

/// In which order a discussion's threads are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentOrder {
    #[default]
    Oldest,
    Newest,
}

impl CommentOrder {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "oldest" => Some(CommentOrder::Oldest),
            "newest" => Some(CommentOrder::Newest),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CommentOrder::Oldest => "oldest",
            CommentOrder::Newest => "newest",
        }
    }
}

/// A comment waiting for a moderator: held for review, or reported and not yet resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedComment {
    pub comment: Comment,
    pub open_reports: i64,
    /// The reports' reasons, newest first.
    pub reasons: Vec<String>,
}

/// What a moderator did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModerationAction {
    HideComment,
    RestoreComment,
    ApproveComment,
    DismissReports,
    DeleteComment,
    BanUser,
    UnbanUser,
    AdminFeedAdd,
    AdminFeedRemove,
    AdminFeedPause,
    AdminFeedResume,
    AdminFeedRefresh,
    AdminFeedEdit,
    AdminRefreshAll,
    AdminOpmlImport,
    AdminPublisherEdit,
    AdminRoleChange,
    AdminResetLink,
    AdminSessionRevoke,
    AdminTokenRevoke,
    AdminJobRetry,
    AdminUserDelete,
    AdminAiTest,
}

impl ModerationAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ModerationAction::HideComment => "hide_comment",
            ModerationAction::RestoreComment => "restore_comment",
            ModerationAction::ApproveComment => "approve_comment",
            ModerationAction::DismissReports => "dismiss_reports",
            ModerationAction::DeleteComment => "delete_comment",
            ModerationAction::BanUser => "ban_user",
            ModerationAction::UnbanUser => "unban_user",
            ModerationAction::AdminFeedAdd => "admin_feed_add",
            ModerationAction::AdminFeedRemove => "admin_feed_remove",
            ModerationAction::AdminFeedPause => "admin_feed_pause",
            ModerationAction::AdminFeedResume => "admin_feed_resume",
            ModerationAction::AdminFeedRefresh => "admin_feed_refresh",
            ModerationAction::AdminFeedEdit => "admin_feed_edit",
            ModerationAction::AdminRefreshAll => "admin_refresh_all",
            ModerationAction::AdminOpmlImport => "admin_opml_import",
            ModerationAction::AdminPublisherEdit => "admin_publisher_edit",
            ModerationAction::AdminRoleChange => "admin_role_change",
            ModerationAction::AdminResetLink => "admin_reset_link",
            ModerationAction::AdminSessionRevoke => "admin_session_revoke",
            ModerationAction::AdminTokenRevoke => "admin_token_revoke",
            ModerationAction::AdminJobRetry => "admin_job_retry",
            ModerationAction::AdminUserDelete => "admin_user_delete",
            ModerationAction::AdminAiTest => "admin_ai_test",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            ModerationAction::HideComment,
            ModerationAction::RestoreComment,
            ModerationAction::ApproveComment,
            ModerationAction::DismissReports,
            ModerationAction::DeleteComment,
            ModerationAction::BanUser,
            ModerationAction::UnbanUser,
            ModerationAction::AdminFeedAdd,
            ModerationAction::AdminFeedRemove,
            ModerationAction::AdminFeedPause,
            ModerationAction::AdminFeedResume,
            ModerationAction::AdminFeedRefresh,
            ModerationAction::AdminFeedEdit,
            ModerationAction::AdminRefreshAll,
            ModerationAction::AdminOpmlImport,
            ModerationAction::AdminPublisherEdit,
            ModerationAction::AdminRoleChange,
            ModerationAction::AdminResetLink,
            ModerationAction::AdminSessionRevoke,
            ModerationAction::AdminTokenRevoke,
            ModerationAction::AdminJobRetry,
            ModerationAction::AdminUserDelete,
            ModerationAction::AdminAiTest,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// One line of the moderation audit log. `moderator_id` is `None` for the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct ModerationEntry {
    pub moderator_id: Option<UserId>,
    pub action: ModerationAction,
    pub comment_id: Option<CommentId>,
    pub target_user_id: Option<UserId>,
    pub note: String,
}

/// A stored audit log line, with names resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ModerationRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub moderator_name: Option<String>,
    pub action: ModerationAction,
    pub comment_id: Option<CommentId>,
    pub target_user_name: Option<String>,
    pub note: String,
}
