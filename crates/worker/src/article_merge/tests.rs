use chrono::{FixedOffset, TimeZone};
use tidings_core::RepublishPolicy;

use super::*;

const PAGE_TEXT: &str = "The harbour board voted on Tuesday to rebuild the old north pier before the winter storms arrive in the bay. Engineers told the board that the timber piles had rotted far faster than the survey of last spring predicted.";

fn feed() -> Feed {
    let at = Utc
        .with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .expect("time");
    Feed {
        id: 7,
        url: "https://harbor.example/feed.xml".into(),
        title: Some("Harbor Times".into()),
        site_url: None,
        publisher: "Harbor Times".into(),
        policy: RepublishPolicy::Full,
        allow_private: false,
        interval_secs: 900,
        etag: None,
        last_modified: None,
        last_fetch_at: None,
        last_status: None,
        last_error: None,
        consecutive_failures: 0,
        next_fetch_at: at,
        created_at: at,
    }
}

fn entry() -> FeedEntry {
    FeedEntry {
        guid: Some("pier-1".into()),
        url: Some("https://harbor.example/pier".into()),
        title: Some("Pier to be rebuilt".into()),
        summary_html: Some("<p>The board votes on the pier.</p>".into()),
        content_html: None,
        published: Some(
            Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0)
                .single()
                .expect("time"),
        ),
        updated: None,
        authors: vec!["Desk".into()],
        categories: vec!["Harbour".into()],
        image: Some("https://harbor.example/feed-image.jpg".into()),
    }
}

fn page(text: &str) -> ExtractedArticle {
    ExtractedArticle {
        title: Some("Pier to be rebuilt | Harbor Times".into()),
        byline: Some("Ann Reporter".into()),
        published: FixedOffset::east_opt(3600)
            .and_then(|zone| zone.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).single()),
        image: Some("https://harbor.example/page-image.jpg".into()),
        language: Some("en".into()),
        canonical_url: Some("https://harbor.example/news/pier".into()),
        site_name: Some("The Harbor Times".into()),
        text: text.into(),
        html: format!("<p>{text}</p>"),
    }
}

fn link() -> Url {
    Url::parse("https://harbor.example/pier").expect("url")
}

fn final_url() -> Url {
    Url::parse("https://harbor.example/news/pier?from=feed").expect("url")
}

#[test]
fn a_usable_page_gives_the_body_and_what_only_it_knows() {
    let article = build_article(
        &feed(),
        &entry(),
        &link(),
        Ok((final_url(), page(PAGE_TEXT))),
    );
    assert_eq!(article.body_source, BodySource::Page);
    assert_eq!(article.text, PAGE_TEXT);
    assert_eq!(article.url, final_url().as_str());
    assert_eq!(
        article.canonical_url.as_deref(),
        Some("https://harbor.example/news/pier")
    );
    // The feed's title and date win; the page's byline and image win.
    assert_eq!(article.title, "Pier to be rebuilt");
    assert_eq!(article.published_at, entry().published);
    assert_eq!(article.byline.as_deref(), Some("Ann Reporter"));
    assert_eq!(
        article.image.as_deref(),
        Some("https://harbor.example/page-image.jpg")
    );
    assert_eq!(article.language.as_deref(), Some("en"));
    assert_eq!(article.site_name.as_deref(), Some("The Harbor Times"));
    assert_eq!(
        (article.feed_id, article.guid.as_deref()),
        (Some(7), Some("pier-1"))
    );
}

#[test]
fn the_page_fills_what_the_entry_lacks() {
    let mut bare = entry();
    bare.title = Some("  ".into());
    bare.published = None;
    bare.updated = Some(
        Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0)
            .single()
            .expect("time"),
    );
    bare.authors.clear();
    let article = build_article(&feed(), &bare, &link(), Ok((final_url(), page(PAGE_TEXT))));
    assert_eq!(article.title, "Pier to be rebuilt | Harbor Times");
    let page_date = Utc.with_ymd_and_hms(2026, 11, 23, 7, 0, 0).single();
    assert_eq!(
        article.published_at, page_date,
        "the page's date before the entry's update"
    );
}

#[test]
fn a_thin_page_keeps_its_url_but_the_feed_gives_the_rest() {
    let article = build_article(
        &feed(),
        &entry(),
        &link(),
        Ok((final_url(), page("Subscribe."))),
    );
    assert_eq!(article.body_source, BodySource::FeedContent);
    assert_eq!(article.text, "The board votes on the pier.");
    assert_eq!(article.url, final_url().as_str());
    assert_eq!(article.canonical_url, None);
    assert_eq!(article.byline.as_deref(), Some("Desk"));
    assert_eq!(
        article.image.as_deref(),
        Some("https://harbor.example/feed-image.jpg")
    );
    assert_eq!(article.language, None);
}

#[test]
fn without_a_page_the_entry_stands_alone() {
    let mut untitled = entry();
    untitled.title = None;
    let article = build_article(&feed(), &untitled, &link(), Err("404".into()));
    assert_eq!(article.url, link().as_str());
    assert_eq!(article.title, "Untitled");
    assert_eq!(article.body_source, BodySource::FeedContent);
    assert!(
        article.html.contains("The board votes on the pier."),
        "{}",
        article.html
    );
    assert!(
        article.tags.iter().any(|t| t.slug == "harbour"),
        "{:?}",
        article.tags
    );
}

#[test]
fn the_link_falls_back_to_an_http_guid() {
    let mut entry = entry();
    entry.url = Some("mailto:desk@harbor.example".into());
    entry.guid = Some("https://harbor.example/p/1".into());
    assert_eq!(
        entry_link(&entry).map(String::from),
        Some("https://harbor.example/p/1".into())
    );
    entry.guid = Some("urn:uuid:1".into());
    assert_eq!(entry_link(&entry), None);
}
