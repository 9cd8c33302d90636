//! Every payload of a broad XSS list, posted as a comment and stored as an article's
//! feed-supplied title, byline, excerpt, publisher and tags, renders without executable
//! markup: no script-like elements, no `on*` attributes, no script URLs.

#![allow(clippy::unwrap_used)]

mod common;
mod reader_support;

use chrono::Duration;
use reader_support::{Browser, Site, open_rules};
use tidings_core::{Role, Storage, Tag};
use tidings_web::readers::{AccountSettings, CommentRules};

const PAYLOADS: &str = include_str!("fixtures/xss_payloads.txt");

fn payloads() -> Vec<&'static str> {
    PAYLOADS.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// Names what in `html` could run script; empty when nothing can.
fn executable_markup(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let all = scraper::Selector::parse("*").unwrap();
    let mut found = Vec::new();
    for element in document.select(&all) {
        let name = element.value().name();
        // The site's own external scripts (served from /static/, allowed by the CSP) are
        // not payloads.
        let own_script = name == "script"
            && element
                .value()
                .attr("src")
                .is_some_and(|src| src.starts_with("/static/"))
            && element.text().all(|t| t.trim().is_empty());
        // The article page's JSON-LD is a data block browsers never run (checked to hold
        // JSON and nothing else).
        let data_block = name == "script"
            && element.value().attr("type") == Some("application/ld+json")
            && element.value().attr("src").is_none()
            && serde_json::from_str::<serde_json::Value>(&element.text().collect::<String>())
                .is_ok();
        if [
            "script", "iframe", "frame", "object", "embed", "base", "applet",
        ]
        .contains(&name)
            && !own_script
            && !data_block
        {
            found.push(format!("<{name}> element"));
        }
        if name == "meta"
            && element
                .value()
                .attr("http-equiv")
                .is_some_and(|v| v.eq_ignore_ascii_case("refresh"))
        {
            found.push("meta refresh".into());
        }
        for (attr, value) in element.value().attrs() {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on") || attr == "srcdoc" {
                found.push(format!("{attr} attribute on <{name}>"));
            }
            let squashed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            let url_attr = [
                "href",
                "src",
                "action",
                "formaction",
                "data",
                "xlink:href",
                "poster",
            ]
            .contains(&attr.as_str());
            if url_attr
                && ["javascript:", "vbscript:", "data:text/html"]
                    .iter()
                    .any(|scheme| squashed.starts_with(scheme))
            {
                found.push(format!("{attr}={value:?} on <{name}>"));
            }
        }
    }
    found
}

#[test]
fn the_checker_catches_what_it_should() {
    for bad in [
        "<script>x</script>",
        "<img src=x onerror=y>",
        "<a href=' JavaScript:x'>a</a>",
        "<iframe srcdoc='x'></iframe>",
    ] {
        assert!(!executable_markup(bad).is_empty(), "{bad}");
    }
    assert!(executable_markup("<p>&lt;script&gt;</p><a href='https://x'>x</a>").is_empty());
}

/// Payloads the checker cannot judge as written: markdown (it becomes markup only through
/// the comment renderer), CSS and external style sheets (no script without a browser's CSS
/// engine), and markup whose script sits where a parsed tree does not show it (template
/// contents, foreign-content and noscript parsing tricks, a tag split by another).
fn judged_only_when_rendered(payload: &str) -> bool {
    let markdown = ["[", "!", "`", ">"].iter().any(|p| payload.starts_with(p));
    let elsewhere = [
        "<scr<",
        "<style",
        "<link",
        "<div style",
        "<template",
        "<noscript",
        "<math",
    ]
    .iter()
    .any(|p| payload.starts_with(p));
    markdown || elsewhere
}

#[test]
fn every_payload_written_as_markup_would_run_if_it_were_not_escaped() {
    // So a rendered page free of executable markup means the payload was neutralised, not
    // that it was harmless to begin with.
    let judged: Vec<&str> = payloads()
        .into_iter()
        .filter(|p| !judged_only_when_rendered(p))
        .collect();
    assert!(judged.len() >= 25, "{judged:?}");
    for payload in judged {
        let raw = format!("<!doctype html><html><body><div>{payload}</div></body></html>");
        assert!(
            !executable_markup(&raw).is_empty(),
            "the checker misses {payload:?}"
        );
    }
}

#[tokio::test]
async fn comment_payloads_never_become_markup() {
    let rules = CommentRules {
        account_posts_per_hour: 1000,
        ip_posts_per_hour: 1000,
        ..open_rules()
    };
    let site = Site::new(AccountSettings::new(rules)).await;
    let article = site.article("Payloads").await;
    let mut ann = site.signed_in("ann", Role::Reader).await;
    for payload in payloads() {
        let posted = ann.comment(article, None, payload).await;
        assert_eq!(posted.status, 303, "{payload}: {}", posted.body);
        let id = Browser::comment_id(&posted);
        // Replies and edits render through the same path; check the thread each time.
        let page = ann.get(&format!("/article/{article}?order=newest")).await;
        let problems = executable_markup(&page.body);
        assert!(problems.is_empty(), "{payload} gave {problems:?}");
        let body = page.texts(&format!("#comment-{id} .comment__body"));
        assert_eq!(body.len(), 1, "{payload} shown");
        // Newest first, so the comment just posted is on the first page.
        let api = ann
            .get(&format!("/api/v1/articles/{article}/comments?order=newest"))
            .await;
        let comments = api.json()["comments"].as_array().unwrap().clone();
        let mine: Vec<_> = comments
            .iter()
            .filter(|c| c["id"].as_i64() == Some(id))
            .collect();
        assert_eq!(
            mine.len(),
            1,
            "{payload}: comment {id} in the API: {comments:?}"
        );
        for comment in &comments {
            let html = comment["body_html"].as_str().unwrap();
            assert!(
                executable_markup(html).is_empty(),
                "{payload} in the API: {html}"
            );
        }
    }
}

#[tokio::test]
async fn feed_supplied_fields_are_escaped_everywhere() {
    let site = Site::open().await;
    let mut ids = Vec::new();
    for (n, payload) in payloads().into_iter().enumerate() {
        let mut article = common::article(
            &format!("Outlet {n} {payload}"),
            &format!("Story {n}"),
            Duration::minutes(n as i64),
            &[],
        );
        article.title = format!("{payload} title {n}");
        article.byline = Some(payload.to_owned());
        article.excerpt = payload.to_owned();
        article.site_name = Some(payload.to_owned());
        article.tags = Tag::from_label(payload).into_iter().collect();
        ids.push(match site.storage.insert_article(article).await.unwrap() {
            tidings_core::InsertOutcome::Inserted(id) => id,
            other => panic!("{other:?}"),
        });
    }
    let mut browser = site.browser();
    let mut pages = vec![
        "/".to_owned(),
        "/?page=2".to_owned(),
        "/search?q=title".to_owned(),
    ];
    pages.extend(ids.iter().map(|id| format!("/article/{id}")));
    for path in pages {
        let page = browser.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        let problems = executable_markup(&page.body);
        assert!(problems.is_empty(), "{path}: {problems:?}");
    }
}
