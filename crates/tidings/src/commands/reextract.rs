//! `tidings reextract`: runs extraction again on the kept raw pages (after an upgrade, or a
//! new site rule) and rewrites the articles' bodies, metadata, hashtags, key terms and
//! full-text entries, with a progress bar. Every page's blocks are counted for its site first,
//! so each rewrite drops the blocks its site repeats (see [`tidings_worker::site_boilerplate`]).

use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use tidings_core::{Article, ArticleId, RawPageFilter, Storage, publisher_slug};
use tidings_extract::ExtractedArticle;
use url::Url;

use tidings_worker::article_extraction::{decompress_page, extract_page, reextraction};
use tidings_worker::site_boilerplate;
use tidings_worker::site_rules::SiteRules;

/// Which kept pages to re-extract.
#[derive(Debug, Clone, Default)]
pub struct ReextractOptions {
    /// A publisher's slug (or name, which is turned into its slug).
    pub source: Option<String>,
    /// Only pages fetched at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Draw a progress bar on the terminal.
    pub progress: bool,
}

/// What a re-extraction run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReextractReport {
    /// Kept pages matching the options.
    pub pages: usize,
    /// Articles rewritten from their page.
    pub updated: usize,
    /// Pages whose new extraction was too short to replace the stored body.
    pub kept_as_is: usize,
    /// Pages that could not be read or extracted (each is logged).
    pub failed: usize,
}

/// Parses `--since`: an RFC 3339 time, or a date (midnight UTC).
pub fn parse_since(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .ok_or_else(|| format!("'{text}' is neither an RFC 3339 time nor a YYYY-MM-DD date"))
}

/// Re-extracts every kept page matching `options` and rewrites its article.
pub async fn reextract(
    storage: &Arc<dyn Storage>,
    rules: &Arc<SiteRules>,
    options: &ReextractOptions,
) -> anyhow::Result<ReextractReport> {
    let filter = RawPageFilter {
        publisher_slug: options.source.as_deref().map(publisher_slug),
        fetched_since: options.since,
    };
    let ids = storage
        .raw_page_ids(&filter)
        .await
        .context("cannot list the kept pages")?;
    let mut report = ReextractReport {
        pages: ids.len(),
        ..ReextractReport::default()
    };
    let bar = if options.progress {
        ProgressBar::new(ids.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} pages, {per_sec}, eta {eta} {msg}")
    {
        bar.set_style(style);
    }
    bar.set_length(2 * ids.len() as u64);
    for &id in &ids {
        if let Err(e) = count_one(storage, rules, id).await {
            bar.suspend(|| tracing::warn!(article = id, error = %e, "counting blocks failed"));
        }
        bar.inc(1);
    }
    for id in ids {
        match reextract_one(storage, rules, id).await {
            Ok(true) => report.updated += 1,
            Ok(false) => report.kept_as_is += 1,
            Err(e) => {
                report.failed += 1;
                bar.suspend(|| tracing::warn!(article = id, error = %e, "re-extraction failed"));
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(report)
}

/// A kept page extracted again, with the article it belongs to and its site key.
struct Reread {
    article: Article,
    site: String,
    url: Url,
    extracted: ExtractedArticle,
    categories: Vec<String>,
}

/// Extracts one kept page again; `None` when the page or its article is gone.
async fn reread(
    storage: &Arc<dyn Storage>,
    rules: &Arc<SiteRules>,
    id: ArticleId,
) -> anyhow::Result<Option<Reread>> {
    let (Some(page), Some(article)) = (storage.raw_page(id).await?, storage.article(id).await?)
    else {
        return Ok(None);
    };
    let url = Url::parse(&page.url).with_context(|| format!("kept URL {:?}", page.url))?;
    let rules = Arc::clone(rules);
    let page_url = url.clone();
    let extracted = tokio::task::spawn_blocking(move || {
        let bytes = decompress_page(&page.body_gzip).context("kept page is not valid gzip")?;
        let extracted = extract_page(&bytes, page.charset.as_deref(), &page_url, &rules)?;
        Ok::<_, anyhow::Error>((extracted, page.categories))
    })
    .await
    .context("the extractor crashed")?;
    let (extracted, categories) = extracted?;
    Ok(Some(Reread {
        site: site_boilerplate::site_key(&article.publisher),
        article,
        url,
        extracted,
        categories,
    }))
}

/// Counts one kept page's blocks for its site (a page counted before counts nothing).
async fn count_one(
    storage: &Arc<dyn Storage>,
    rules: &Arc<SiteRules>,
    id: ArticleId,
) -> anyhow::Result<()> {
    if let Some(page) = reread(storage, rules, id).await? {
        site_boilerplate::count_page(&**storage, &page.site, page.url.as_str(), &page.extracted)
            .await?;
    }
    Ok(())
}

/// Re-extracts one article's page; `false` when the new body would not replace the old.
async fn reextract_one(
    storage: &Arc<dyn Storage>,
    rules: &Arc<SiteRules>,
    id: ArticleId,
) -> anyhow::Result<bool> {
    let Some(Reread {
        article,
        site,
        mut extracted,
        categories,
        ..
    }) = reread(storage, rules, id).await?
    else {
        return Ok(false);
    };
    site_boilerplate::strip_recurring(&**storage, &site, &mut extracted).await?;
    let Some(update) = reextraction(&article, extracted, &categories) else {
        return Ok(false);
    };
    Ok(storage.update_article_extraction(id, update).await?)
}
