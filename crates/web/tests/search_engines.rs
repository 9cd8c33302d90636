//! Being found by search engines: robots.txt naming the sitemaps, the sitemap of every page,
//! its parts, the news sitemap of the last two days, and the `NewsArticle` JSON-LD on article
//! pages (escaped so no title can end its script element), beside the Open Graph tags.

#![allow(clippy::unwrap_used)]

mod common;
mod feeds_support;

use axum::http::StatusCode;
use chrono::Duration;
use common::article;
use feeds_support::{BASE, app, placement};
use tidings_core::StoryStore;

fn locs(urlset: &feeds_support::Element) -> Vec<String> {
    urlset
        .all("url")
        .iter()
        .map(|u| u.text_of("loc").to_owned())
        .collect()
}

#[tokio::test]
async fn robots_txt_names_the_sitemaps_and_keeps_crawlers_out_of_private_pages() {
    let app = app().await;
    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status, StatusCode::OK);
    assert_eq!(
        robots.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    let lines: Vec<&str> = robots.body.lines().collect();
    assert!(lines.contains(&"Sitemap: https://news.example/sitemap.xml"));
    assert!(lines.contains(&"Sitemap: https://news.example/sitemap-news.xml"));
    for private in ["/account", "/admin", "/moderation", "/api/"] {
        assert!(
            lines.contains(&format!("Disallow: {private}").as_str()),
            "{private}"
        );
    }
}

#[tokio::test]
async fn the_sitemap_lists_every_page_with_when_it_changed() {
    let app = app().await;
    let first = app
        .insert(article(
            "Daily Ledger",
            "Harbour reopens",
            Duration::hours(3),
            &["Harbour"],
        ))
        .await;
    let second = app
        .insert(article(
            "Evening Lantern",
            "Budget vote",
            Duration::days(5),
            &[],
        ))
        .await;
    let story = app
        .storage
        .place_in_story(placement(first, None))
        .await
        .unwrap();
    let response = app.get("/sitemap.xml").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.header("content-type"),
        Some("application/xml; charset=utf-8")
    );
    let urlset = feeds_support::parse(&response.body);
    assert_eq!(urlset.name, "urlset");
    assert_eq!(
        urlset.attr("xmlns"),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let want: Vec<String> = [
        String::new(),
        "briefing".to_owned(),
        "source/daily-ledger".to_owned(),
        "source/evening-lantern".to_owned(),
        "tag/harbour".to_owned(),
        format!("story/{story}"),
        format!("article/{first}"),
        format!("article/{second}"),
    ]
    .iter()
    .map(|p| format!("{BASE}{p}"))
    .collect();
    assert_eq!(locs(&urlset), want);
    for url in urlset.all("url") {
        if url.text_of("loc").contains("/article/") {
            chrono::DateTime::parse_from_rfc3339(url.text_of("lastmod")).unwrap();
        }
    }

    // The parts a large site's index would list answer too; parts past the end do not.
    let part = feeds_support::parse(&app.get("/sitemap/articles-1.xml").await.body);
    assert_eq!(
        locs(&part),
        vec![
            format!("{BASE}article/{first}"),
            format!("{BASE}article/{second}")
        ]
    );
    let pages = feeds_support::parse(&app.get("/sitemap/pages.xml").await.body);
    assert_eq!(locs(&pages)[0], BASE);
    for missing in [
        "/sitemap/articles-2.xml",
        "/sitemap/articles-0.xml",
        "/sitemap/users-1.xml",
        "/sitemap/articles.xml",
    ] {
        assert_eq!(
            app.get(missing).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

#[tokio::test]
async fn the_news_sitemap_lists_the_last_two_days() {
    let app = app().await;
    let recent = app
        .insert(article(
            "Daily Ledger",
            "Harbour & <docks>",
            Duration::hours(5),
            &[],
        ))
        .await;
    app.insert(article("Daily Ledger", "Old news", Duration::days(3), &[]))
        .await;
    let response = app.get("/sitemap-news.xml").await;
    assert_eq!(response.status, StatusCode::OK);
    let urlset = feeds_support::parse(&response.body);
    assert_eq!(
        urlset.attr("xmlns:news"),
        Some("http://www.google.com/schemas/sitemap-news/0.9")
    );
    assert_eq!(locs(&urlset), vec![format!("{BASE}article/{recent}")]);
    let news = urlset.one("url").one("news:news");
    assert_eq!(news.text_of("news:title"), "Harbour & <docks>");
    let publication = news.one("news:publication");
    assert_eq!(publication.text_of("news:name"), "Tidings");
    assert_eq!(publication.text_of("news:language"), "en");
    chrono::DateTime::parse_from_rfc3339(news.text_of("news:publication_date")).unwrap();
}

#[tokio::test]
async fn article_pages_carry_news_article_json_ld_that_cannot_end_its_script() {
    let app = app().await;
    let mut item = article(
        "Daily Ledger",
        "Harbour </script><script>alert(1)</script> & more",
        Duration::hours(2),
        &["Harbour"],
    );
    item.image = Some("https://daily-ledger.example/harbour.jpg".to_owned());
    let id = app.insert(item).await;
    let page = app.get(&format!("/article/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    // The title's end tag is inside the JSON as `\u003c/script\u003e`, never as markup.
    assert!(!page.body.contains("</script><script>alert(1)"));
    let blocks = page.texts("script[type='application/ld+json']");
    assert_eq!(blocks.len(), 1, "{}", page.body);
    let data: serde_json::Value = serde_json::from_str(&blocks[0]).unwrap();
    assert_eq!(data["@context"], "https://schema.org");
    assert_eq!(data["@type"], "NewsArticle");
    assert_eq!(
        data["headline"],
        "Harbour </script><script>alert(1)</script> & more"
    );
    assert_eq!(
        data["isBasedOn"],
        "https://daily-ledger.example/news/harbourscriptscriptalert1scriptmore"
    );
    let url = format!("{BASE}article/{id}");
    assert_eq!(data["mainEntityOfPage"]["@id"], url);
    assert_eq!(data["author"][0]["name"], "Ada Reporter");
    assert_eq!(data["publisher"]["name"], "Daily Ledger");
    // The publisher's picture is not fetched yet, so none is named: the page never points
    // at the publisher's copy.
    assert!(data.get("image").is_none(), "{data}");
    assert!(!page.body.contains("daily-ledger.example/harbour.jpg"));
    assert_eq!(data["keywords"], "Harbour");
    let published =
        chrono::DateTime::parse_from_rfc3339(data["datePublished"].as_str().unwrap()).unwrap();
    let modified =
        chrono::DateTime::parse_from_rfc3339(data["dateModified"].as_str().unwrap()).unwrap();
    assert!(modified >= published);
    // Open Graph stays.
    assert_eq!(page.attrs("meta[property='og:url']", "content"), vec![url]);
    assert_eq!(
        page.attrs("meta[property='og:type']", "content"),
        vec!["article"]
    );
    // The CSP still allows no inline script; the JSON-LD is data and needs none.
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
}
