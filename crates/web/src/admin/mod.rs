//! The operator's console at `/admin`: dashboard, feeds, publishers, users, jobs and
//! settings, for admins only (moderators keep `/moderation`; anyone else signed in gets 403,
//! anonymous visitors are sent to sign in).
//!
//! Every form carries the CSRF token and is checked before the role; every action is written
//! to the audit log (the moderation log). Work that needs the fetcher, the OPML format or the
//! configuration is asked of a [`ConsoleBackend`] the binary provides; long work (an OPML
//! import, refreshing every feed) runs as jobs whose progress the jobs page shows.

mod access;
mod backend;
mod dashboard;
mod feed_actions;
mod feed_add;
mod feeds;
mod jobs;
mod publishers;
mod settings_page;
mod users;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::AppState;

pub use access::{AdminRejection, AdminResult};
pub use backend::{
    AddFeedRequest, AdminServices, ConsoleBackend, FoundFeed, IMPORT_OPML_JOB, SettingLine,
};

/// The largest OPML upload read, in bytes.
pub const MAX_OPML_BYTES: usize = 2 * 1024 * 1024;
/// The largest other admin form read, in bytes.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// The console's routes.
pub fn routes() -> Router<AppState> {
    let upload = Router::new()
        .route("/admin/feeds/import", post(feed_add::import_opml))
        .layer(DefaultBodyLimit::max(MAX_OPML_BYTES));
    Router::new()
        .route("/admin", get(dashboard::dashboard))
        .route("/admin/feeds", get(feeds::list))
        .route("/admin/feeds.opml", get(feed_add::export_opml))
        .route("/admin/feeds/discover", post(feed_add::discover))
        .route("/admin/feeds/add", post(feed_add::add))
        .route("/admin/feeds/refresh-all", post(feed_actions::refresh_all))
        .route(
            "/admin/feeds/{id}/{action}",
            post(feed_actions::feed_action),
        )
        .route("/admin/publishers", get(publishers::list))
        .route("/admin/publishers/{slug}", post(publishers::update))
        .route("/admin/users", get(users::list))
        .route("/admin/users/{id}", get(users::detail))
        .route("/admin/users/{id}/{action}", post(users::user_action))
        .route("/admin/jobs", get(jobs::list))
        .route("/admin/jobs/retry", post(jobs::retry))
        .route("/admin/tasks/{id}", get(jobs::task))
        .route("/admin/settings", get(settings_page::show))
        .route("/admin/settings/test-ai", post(settings_page::test_ai))
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
        .merge(upload)
}
