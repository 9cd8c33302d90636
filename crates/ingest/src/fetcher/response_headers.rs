//! Owns reading the response headers the fetcher reports: content type and
//! charset, Cache-Control max-age, Retry-After, and validators.

use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderName};

pub fn text(headers: &HeaderMap, name: HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The media type (lower-cased, without parameters) and the `charset` parameter.
pub fn content_type(headers: &HeaderMap) -> (Option<String>, Option<String>) {
    let Some(raw) = text(headers, header::CONTENT_TYPE) else {
        return (None, None);
    };
    let mut parts = raw.split(';');
    let media = parts
        .next()
        .map(|m| m.trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty());
    let charset = parts.find_map(|p| {
        let (key, value) = p.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_ascii_lowercase())
            .filter(|v| !v.is_empty())
    });
    (media, charset)
}

/// `Cache-Control: max-age=N` (s-maxage and no-store are not interpreted).
pub fn max_age(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|directive| {
            let (key, value) = directive.split_once('=')?;
            if !key.trim().eq_ignore_ascii_case("max-age") {
                return None;
            }
            value
                .trim()
                .trim_matches('"')
                .parse::<u64>()
                .ok()
                .map(Duration::from_secs)
        })
}

/// `Retry-After` as delta-seconds or as an HTTP date (relative to now).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let raw = text(headers, header::RETRY_AFTER)?;
    if let Ok(secs) = raw.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(&raw).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(HeaderName, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn reads_content_type_and_charset() {
        let h = headers(&[(
            header::CONTENT_TYPE,
            "Application/RSS+XML; Charset=\"ISO-8859-1\"",
        )]);
        assert_eq!(
            content_type(&h),
            (
                Some("application/rss+xml".into()),
                Some("iso-8859-1".into())
            )
        );
    }

    #[test]
    fn reads_max_age_among_directives() {
        let h = headers(&[(
            header::CACHE_CONTROL,
            "public, max-age=600, must-revalidate",
        )]);
        assert_eq!(max_age(&h), Some(Duration::from_secs(600)));
    }

    #[test]
    fn reads_retry_after_seconds_and_past_date() {
        let h = headers(&[(header::RETRY_AFTER, "120")]);
        assert_eq!(retry_after(&h), Some(Duration::from_secs(120)));
        let h = headers(&[(header::RETRY_AFTER, "Wed, 21 Oct 2015 07:28:00 GMT")]);
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
    }
}
