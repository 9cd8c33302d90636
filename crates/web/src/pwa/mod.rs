//! The installable site: the web app manifest (`/manifest.webmanifest`, named after the
//! site), its icons (`/icons/…`, drawn by [`icons`]), the service worker (`/sw.js`, at the
//! root so its scope is the whole site) with the list of shell files it precaches, and the
//! offline page it shows for pages it does not keep.

pub mod icons;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::WebError;
use crate::views::Chrome;
use crate::{AppState, SiteConfig, assets};

/// The service worker's own text; [`service_worker_script`] puts the shell list above it.
const SERVICE_WORKER_JS: &str = include_str!("../../static/sw.js");

/// Where the offline page is served (and precached from).
pub const OFFLINE_PATH: &str = "/offline";

/// How many article pages the service worker keeps for offline reading.
pub const KEPT_ARTICLES: usize = 30;

/// The site's accent and page colours, as in the stylesheet (light scheme).
const THEME_COLOUR: &str = "#1f5fbf";
const BACKGROUND_COLOUR: &str = "#f7f7f5";

/// Names longer than this are shortened for launchers (`short_name`).
const SHORT_NAME_CHARS: usize = 12;

/// `/manifest.webmanifest`, `/sw.js`, `/icons/{file}` and `/offline`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/manifest.webmanifest", get(manifest))
        .route("/sw.js", get(service_worker))
        .route("/icons/{file}", get(icon))
        .route(OFFLINE_PATH, get(offline))
}

/// The launcher's name: the site's title when short, else its first word, cut to fit.
fn short_name(title: &str) -> String {
    let title = title.trim();
    if title.chars().count() <= SHORT_NAME_CHARS {
        return title.to_owned();
    }
    let first = title.split_whitespace().next().unwrap_or(title);
    first.chars().take(SHORT_NAME_CHARS).collect()
}

/// The web app manifest for this site.
pub fn manifest_json(site: &SiteConfig) -> serde_json::Value {
    let mut icon_list = vec![serde_json::json!({
        "src": assets::favicon_href(),
        "sizes": "any",
        "type": "image/svg+xml",
    })];
    icon_list.extend(icons::ICONS.iter().map(|icon| {
        serde_json::json!({
            "src": format!("/icons/{}", icon.file),
            "sizes": format!("{0}x{0}", icon.size),
            "type": "image/png",
            "purpose": match icon.shape {
                icons::Shape::Rounded => "any",
                icons::Shape::Maskable => "maskable",
            },
        })
    }));
    serde_json::json!({
        "id": "/",
        "name": site.title,
        "short_name": short_name(&site.title),
        "description": format!(
            "The latest news on {}, grouped by story, every article linked to its original.",
            site.title
        ),
        "lang": "en",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icon_list,
        "shortcuts": [
            { "name": "Search", "url": "/search" },
            { "name": "Briefing", "url": "/briefing" },
        ],
    })
}

async fn manifest(State(state): State<AppState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        manifest_json(&state.site).to_string(),
    )
        .into_response()
}

/// The files every page needs, fetched when the service worker installs.
fn shell_urls() -> Vec<String> {
    vec![
        OFFLINE_PATH.to_owned(),
        assets::css_href(),
        assets::site_js_href(),
        assets::ai_js_href(),
        assets::favicon_href(),
        "/icons/icon-192.png".to_owned(),
        "/manifest.webmanifest".to_owned(),
    ]
}

/// `/sw.js`: the shell list and a version that changes with it, with the site's title (the
/// offline page shows it) and with the worker's own text, so a deploy that changes any of
/// them installs a new worker and replaces the old shell.
pub fn service_worker_script(site: &SiteConfig) -> String {
    format!("const SHELL = {};\n{SERVICE_WORKER_JS}", shell(site))
}

/// What the worker is told: the shell's files and version, the offline page, how many
/// articles to keep.
fn shell(site: &SiteConfig) -> serde_json::Value {
    let urls = shell_urls();
    let fingerprint = format!("{}\n{}\n{}", site.title, urls.join("\n"), SERVICE_WORKER_JS);
    serde_json::json!({
        "version": format!("{:016x}", assets::fnv1a(fingerprint.as_bytes())),
        "urls": urls,
        "offline": OFFLINE_PATH,
        "keep": KEPT_ARTICLES,
    })
}

/// Browsers check the worker for updates on navigation; `no-cache` makes every check reach
/// the server (the script is small), so a deploy is picked up at once.
async fn service_worker(State(state): State<AppState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        service_worker_script(&state.site),
    )
        .into_response()
}

async fn icon(Path(file): Path<String>) -> Response {
    match icons::png(&file) {
        Some(png) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            png,
        )
            .into_response(),
        None => WebError::NotFound(format!("Icon {file:?}")).into_response(),
    }
}

#[derive(Template)]
#[template(path = "offline.html")]
struct OfflinePage {
    chrome: Chrome,
}

/// The page the service worker shows for a page it does not keep while the reader is
/// offline; the site script lists the articles it does keep.
async fn offline(State(state): State<AppState>) -> Result<Response, WebError> {
    let page = OfflinePage {
        chrome: Chrome::new(&state.site, "Offline", None),
    };
    let html = crate::pages::render(&page)?;
    Ok(([(header::CACHE_CONTROL, "no-cache")], html).into_response())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn site(title: &str) -> SiteConfig {
        SiteConfig {
            title: title.to_owned(),
            base_url: None,
        }
    }

    #[test]
    fn long_titles_get_a_short_launcher_name() {
        assert_eq!(short_name("Tidings"), "Tidings");
        assert_eq!(short_name("Valley Evening News"), "Valley");
        assert_eq!(short_name("Supercalifragilistic"), "Supercalifra");
        assert_eq!(short_name("Ünïcödé Nachrichten"), "Ünïcödé");
    }

    #[test]
    fn the_manifest_names_the_site_and_lists_every_icon() {
        let manifest = manifest_json(&site("Harbour \"Daily\" <News>"));
        assert_eq!(manifest["name"], "Harbour \"Daily\" <News>");
        assert_eq!(manifest["short_name"], "Harbour");
        assert_eq!(manifest["start_url"], "/");
        assert_eq!(manifest["display"], "standalone");
        let icons = manifest["icons"].as_array().unwrap();
        let sizes: Vec<&str> = icons.iter().map(|i| i["sizes"].as_str().unwrap()).collect();
        assert_eq!(sizes, ["any", "192x192", "512x512", "512x512"]);
        assert!(icons.iter().any(|i| i["purpose"] == "maskable"));
        for icon in &icons[1..] {
            let file = icon["src"].as_str().unwrap().trim_start_matches("/icons/");
            assert!(icons::png(file).is_some(), "{file} is served");
        }
    }

    #[test]
    fn the_worker_precaches_the_current_shell_and_changes_with_it() {
        let tidings = shell(&site("Tidings"));
        let urls = tidings["urls"].as_array().unwrap();
        for wanted in [
            assets::css_href(),
            assets::site_js_href(),
            OFFLINE_PATH.into(),
        ] {
            assert!(urls.iter().any(|u| *u == *wanted), "{wanted} in {urls:?}");
        }
        assert_eq!(tidings["keep"], KEPT_ARTICLES);
        let script = service_worker_script(&site("Tidings"));
        assert_eq!(
            script,
            format!("const SHELL = {tidings};\n{SERVICE_WORKER_JS}")
        );
        let renamed = shell(&site("Other News"));
        assert_ne!(
            renamed["version"], tidings["version"],
            "a new title is a new shell"
        );
        assert_eq!(renamed["urls"], tidings["urls"]);
    }
}
