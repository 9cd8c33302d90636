//! `tidings import FILE.jsonl`: articles as JSON lines (`url`, `title`, `text` or `html`,
//! `publisher`, `published`, optional `id`, `canonical_url`, `byline`) stored through the same
//! enrichment and story stage as fetched articles. For migrations and evaluations.

use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;
use tidings_core::{BodySource, InsertOutcome, NewArticle, RepublishPolicy};
use url::Url;

use crate::app::App;
use tidings_worker::article_extraction::EXCERPT_CHARS;

/// One line of the import file.
#[derive(Debug, Deserialize)]
struct ImportLine {
    url: String,
    title: String,
    text: Option<String>,
    html: Option<String>,
    publisher: String,
    published: Option<DateTime<Utc>>,
    id: Option<String>,
    canonical_url: Option<String>,
    byline: Option<String>,
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub inserted: usize,
    pub duplicates: usize,
    /// `line N: why` for every line that could not be imported.
    pub rejected: Vec<String>,
}

/// The article a line describes, enriched, or why it cannot be imported.
fn article_from_line(line: &str) -> Result<NewArticle, String> {
    let row: ImportLine = serde_json::from_str(line).map_err(|e| format!("not valid: {e}"))?;
    let url = Url::parse(row.url.trim()).map_err(|e| format!("url {:?}: {e}", row.url))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("url {:?} is not http or https", row.url));
    }
    if row.title.trim().is_empty() {
        return Err("title is empty".into());
    }
    if row.publisher.trim().is_empty() {
        return Err("publisher is empty".into());
    }
    let (text, html) = match (row.html, row.text) {
        (Some(html), _) if !html.trim().is_empty() => {
            let html = tidings_extract::sanitize_fragment(&html, Some(&url));
            (tidings_extract::html_to_text(&html), html)
        }
        (_, Some(text)) if !text.trim().is_empty() => {
            let html = text
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| format!("<p>{}</p>", escape(p)))
                .collect();
            (text, html)
        }
        _ => return Err("neither text nor html has content".into()),
    };
    let enrichment = tidings_enrich::enrich(&row.title, &text, &[]);
    Ok(NewArticle {
        feed_id: None,
        publisher: row.publisher.trim().to_string(),
        guid: row.id,
        url: url.to_string(),
        canonical_url: row.canonical_url,
        title: row.title.trim().to_string(),
        byline: row.byline,
        published_at: row.published,
        image: None,
        language: None,
        site_name: None,
        excerpt: tidings_extract::excerpt(&text, EXCERPT_CHARS),
        text,
        html,
        body_source: BodySource::Page,
        policy: RepublishPolicy::Excerpt,
        tags: enrichment.tags,
        terms: enrichment.terms,
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Imports every line of `contents`; a bad line is reported and skipped.
pub async fn import_jsonl(
    app: &App,
    contents: &str,
    show_progress: bool,
) -> anyhow::Result<ImportReport> {
    let lines: Vec<(usize, &str)> = contents
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let bar = if show_progress {
        let bar = ProgressBar::new(lines.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} articles {per_sec} eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut report = ImportReport::default();
    for (number, line) in lines {
        bar.inc(1);
        let article = match article_from_line(line) {
            Ok(article) => article,
            Err(why) => {
                report.rejected.push(format!("line {}: {why}", number + 1));
                continue;
            }
        };
        let placed = article.clone();
        match app.storage.insert_article(article).await? {
            InsertOutcome::Inserted(id) => {
                report.inserted += 1;
                app.stories.place_if_leading(id, &placed).await?;
            }
            InsertOutcome::Duplicate(_) => report.duplicates += 1,
        }
    }
    bar.finish_and_clear();
    // What could not be placed as it came (the story role came free meanwhile) is placed
    // now; when a running server leads the story stage, it places them instead.
    app.stories.place_pending().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_need_a_url_title_publisher_and_body() {
        let ok = r#"{"url":"https://a.example/1","title":"Quake","text":"A quake hit Northfield.","publisher":"Ledger","published":"2026-01-02T03:04:05Z"}"#;
        let article = article_from_line(ok).expect("valid line");
        assert_eq!(article.publisher, "Ledger");
        assert!(article.published_at.is_some());
        assert!(article.html.contains("<p>A quake hit Northfield.</p>"));
        for (bad, why) in [
            (r#"{"title":"x"}"#, "not valid"),
            (
                r#"{"url":"ftp://a/1","title":"x","text":"y","publisher":"p"}"#,
                "not http",
            ),
            (
                r#"{"url":"https://a/1","title":" ","text":"y","publisher":"p"}"#,
                "title",
            ),
            (
                r#"{"url":"https://a/1","title":"x","publisher":"p"}"#,
                "neither",
            ),
        ] {
            let err = article_from_line(bad).expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn html_is_sanitized() {
        let line = r#"{"url":"https://a.example/1","title":"T","html":"<p>Hi</p><script>x()</script>","publisher":"P"}"#;
        let article = article_from_line(line).expect("valid");
        assert!(!article.html.contains("script"), "{}", article.html);
        assert_eq!(article.text.trim(), "Hi");
    }
}
