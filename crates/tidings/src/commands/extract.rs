//! `tidings extract`: the article extractor on saved pages, one JSON object per line, each
//! naming the page it came from.

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use tidings_extract::{ExtractOptions, ExtractedArticle};
use url::Url;

/// Reads a saved page, gunzipping `.gz` files, and extracts its article.
pub fn extract_file(path: &Path, url: Option<&Url>) -> anyhow::Result<ExtractedArticle> {
    let raw = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bytes = if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice())
            .take(256 * 1024 * 1024)
            .read_to_end(&mut out)
            .with_context(|| format!("{} is not valid gzip", path.display()))?;
        out
    } else {
        raw
    };
    let options = ExtractOptions { url: url.cloned() };
    tidings_extract::extract(&bytes, None, &options).with_context(|| format!("{}", path.display()))
}

/// The JSON line for one input: the article's fields with `"input"`, or `"input"` and
/// `"error"` for a page that could not be read or extracted.
pub fn result_line(input: &Path, result: Result<&ExtractedArticle, &str>) -> String {
    #[derive(serde::Serialize)]
    struct Extracted<'a> {
        input: std::borrow::Cow<'a, str>,
        #[serde(flatten)]
        article: &'a ExtractedArticle,
    }
    #[derive(serde::Serialize)]
    struct Failed<'a> {
        input: std::borrow::Cow<'a, str>,
        error: &'a str,
    }
    let input = input.to_string_lossy();
    let line = match result {
        Ok(article) => serde_json::to_string(&Extracted { input, article }),
        Err(error) => serde_json::to_string(&Failed { input, error }),
    };
    // Serializing strings and an article of strings cannot fail; keep a line per input anyway.
    line.unwrap_or_else(|e| format!("{{\"error\":\"cannot write the result: {e}\"}}"))
}
