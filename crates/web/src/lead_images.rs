//! Articles' lead images as Tidings serves them: `GET /image/{article}/{variant}/{digest}.jpg`
//! answers the stored bytes the worker made (the web never fetches anything), and
//! [`PictureView`] is what cards and the article page need to show one without layout shift.
//!
//! The URL names the bytes' digest, so an answer never changes: it is cached for a year
//! (`immutable`) with the digest as its `ETag`. A URL whose digest is outdated (the image was
//! fetched again since the page was rendered) redirects to the current one, briefly cached;
//! the URL without a digest does the same.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tidings_core::{ArticleId, ImageRef, ImageVariant};

use crate::AppState;
use crate::error::{WebError, WebResult};

/// Content-addressed answers never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Redirects to the current digest may change when the image is fetched again.
const REDIRECT_CACHE: &str = "public, max-age=300";

/// The path of a stored variant.
pub fn picture_href(article: ArticleId, picture: &ImageRef) -> String {
    format!(
        "/image/{article}/{}/{}.jpg",
        picture.variant.as_str(),
        picture.digest
    )
}

/// A picture as a template shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureView {
    pub src: String,
    pub width: u32,
    pub height: u32,
}

impl PictureView {
    pub fn new(article: ArticleId, picture: &ImageRef) -> Self {
        PictureView {
            src: picture_href(article, picture),
            width: picture.width,
            height: picture.height,
        }
    }
}

/// The article id and variant from the path; anything else is an unknown image.
fn parse_target(raw_id: &str, raw_variant: &str) -> WebResult<(ArticleId, ImageVariant)> {
    let not_found = || WebError::NotFound(format!("Image {raw_variant:?} of article {raw_id:?}"));
    let id = raw_id
        .parse::<ArticleId>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(not_found)?;
    let variant = ImageVariant::parse(raw_variant).ok_or_else(not_found)?;
    Ok((id, variant))
}

/// `GET /image/{article}/{variant}/{file}`: the stored bytes, `{file}` being the digest and
/// an extension.
pub async fn picture(
    State(state): State<AppState>,
    Path((raw_id, raw_variant, file)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> WebResult<Response> {
    let (id, variant) = parse_target(&raw_id, &raw_variant)?;
    let digest = file.split_once('.').map_or(file.as_str(), |(stem, _)| stem);
    let Some(image) = state.storage.article_image(id, variant).await? else {
        return Err(WebError::NotFound(format!("Image of article {id}")));
    };
    if image.digest != digest {
        return Ok(redirect_to(&picture_href(id, &image.image_ref())));
    }
    let etag = format!("\"{}\"", image.digest);
    let common = [
        (header::CACHE_CONTROL, IMMUTABLE.to_owned()),
        (header::ETAG, etag.clone()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
    ];
    if if_none_match_allows(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    let content_type = HeaderValue::from_str(&image.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let mut response = (common, image.bytes).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type);
    Ok(response)
}

/// `GET /image/{article}/{variant}`: a redirect to the variant's current URL.
pub async fn current_picture(
    State(state): State<AppState>,
    Path((raw_id, raw_variant)): Path<(String, String)>,
) -> WebResult<Response> {
    let (id, variant) = parse_target(&raw_id, &raw_variant)?;
    let refs = state.storage.article_image_refs(id).await?;
    let current = refs
        .iter()
        .find(|r| r.variant == variant)
        .ok_or_else(|| WebError::NotFound(format!("Image of article {id}")))?;
    Ok(redirect_to(&picture_href(id, current)))
}

fn redirect_to(href: &str) -> Response {
    (
        StatusCode::TEMPORARY_REDIRECT,
        [
            (header::LOCATION, href.to_owned()),
            (header::CACHE_CONTROL, REDIRECT_CACHE.to_owned()),
        ],
    )
        .into_response()
}

/// Whether `If-None-Match` names `etag` (or `*`), weak or strong.
fn if_none_match_allows(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_checked() {
        assert_eq!(
            parse_target("12", "card").ok(),
            Some((12, ImageVariant::Card))
        );
        assert!(parse_target("0", "card").is_err());
        assert!(parse_target("12", "poster").is_err());
        assert!(parse_target("../x", "card").is_err());
    }

    #[test]
    fn if_none_match_lists_are_read() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"aaaa\", W/\"0123456789abcdef\""),
        );
        assert!(if_none_match_allows(&headers, "\"0123456789abcdef\""));
        assert!(!if_none_match_allows(&headers, "\"fedcba9876543210\""));
        assert!(!if_none_match_allows(&HeaderMap::new(), "\"aaaa\""));
    }
}
