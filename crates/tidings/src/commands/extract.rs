//! `tidings extract`: the article extractor on saved pages, one JSON object per line.

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
