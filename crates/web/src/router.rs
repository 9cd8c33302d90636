//! Every route of the site and the API in one place, with the layers they share: the page
//! cache, error pages, security headers, compression, request tracing, the request header cap
//! and the request metrics.

use askama::Template;
use axum::Router;
use axum::extract::{Request, State};
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::ErrorPage;
use crate::views::{Chrome, ErrorView};
use crate::{AppState, api, article_page, assets, pages};

/// Pages load only their own stylesheet and scripts (the AI panel's `/static/ai.<hash>.js`, no
/// inline script) and only the site's own images: pictures are served from `/image/…`, so
/// readers' browsers never contact publishers.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// A request taking longer than this is answered with 503.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// The whole app: pages, API, static assets and health check.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/articles", get(api::list_articles))
        .route("/articles/{id}", get(api::get_article))
        .merge(crate::stories::api_routes())
        .fallback(api::api_not_found);
    Router::new()
        .route("/", get(pages::home))
        .route("/article/{id}", get(article_page::article))
        .route("/source/{slug}", get(pages::publisher))
        .route("/tag/{slug}", get(pages::tag))
        .route("/search", get(pages::search))
        .route("/healthz", get(pages::healthz))
        .route("/metrics", get(crate::metrics::scrape))
        .route("/static/{file}", get(assets::asset))
        .route(
            "/image/{id}/{variant}",
            get(crate::lead_images::current_picture),
        )
        .route(
            "/image/{id}/{variant}/{file}",
            get(crate::lead_images::picture),
        )
        .merge(crate::readers::routes())
        .merge(crate::admin::routes())
        .merge(crate::ai::routes())
        .merge(crate::stories::routes())
        .merge(crate::pwa::routes())
        .merge(crate::follows::routes())
        .merge(crate::feeds_out::routes())
        .merge(crate::sitemaps::routes())
        .nest("/api/v1", api)
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::page_cache::serve_cached,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            render_error_pages,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .layer(middleware::from_fn(crate::header_limit::limit_header_size))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::count_requests,
        ))
        .with_state(state)
}

/// `/metrics` alone, for a process that serves no site (`serve --role worker`).
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(crate::metrics::scrape))
        .with_state(state)
}

/// Turns an [`ErrorPage`] left on a response by a failed page handler into the HTML page.
async fn render_error_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    let Some(page) = response.extensions().get::<ErrorPage>().cloned() else {
        return response;
    };
    let title = page.status.canonical_reason().unwrap_or("Error").to_owned();
    let view = ErrorView {
        chrome: Chrome::new(&state.site, &title, None),
        status: page.status.as_u16(),
        message: page.message,
    };
    match view.render() {
        Ok(html) => (page.status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "rendering the error page failed");
            (page.status, title).into_response()
        }
    }
}
