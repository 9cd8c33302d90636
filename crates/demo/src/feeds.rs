//! The outlets' feeds in RSS 2.0, RSS 1.0 (RDF), Atom 1.0 and JSON Feed 1.1. Items are newest
//! first and carry id, link, title, date, author, categories and a short description (the whole
//! article for outlets with `full_content_in_feed`).

use std::fmt::Write;

use serde_json::json;

use super::markup::{escape, iso_date};
use super::outlets::FeedFormatKind;
use super::site::{DemoSite, FeedEdition, OutletEdition, PublishedArticle};

/// Renders one of an outlet's feeds in the outlet's format.
pub fn render_feed(site: &DemoSite, edition: &OutletEdition, feed: &FeedEdition) -> String {
    let items: Vec<&PublishedArticle> = feed.articles.iter().map(|&i| &site.articles[i]).collect();
    match edition.profile.format {
        FeedFormatKind::Rss2 => rss2(site, edition, feed, &items),
        FeedFormatKind::Rss1 => rss1(site, edition, feed, &items),
        FeedFormatKind::Atom => atom(site, edition, feed, &items),
        FeedFormatKind::JsonFeed => json_feed(edition, feed, &items),
    }
}

fn summary(article: &PublishedArticle) -> &str {
    article.record.paragraphs.first().map_or("", String::as_str)
}

fn content_html(article: &PublishedArticle) -> String {
    article
        .record
        .paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", escape(p)))
        .collect()
}

fn rss2(
    site: &DemoSite,
    edition: &OutletEdition,
    feed_edition: &FeedEdition,
    items: &[&PublishedArticle],
) -> String {
    let profile = edition.profile;
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n<title>{name}</title>\n<link>{home}</link>\n<atom:link href=\"{feed}\" rel=\"self\" type=\"application/rss+xml\"/>\n<description>{tagline}</description>\n<language>en-us</language>\n<lastBuildDate>{built}</lastBuildDate>\n<ttl>15</ttl>\n",
        name = escape(profile.name),
        home = escape(edition.home_url.as_str()),
        feed = escape(feed_edition.url.as_str()),
        tagline = escape(profile.tagline),
        built = site.feed_updated(feed_edition).to_rfc2822(),
    );
    for article in items {
        let _ = write!(
            xml,
            "<item>\n<title>{title}</title>\n<link>{link}</link>\n<guid isPermaLink=\"true\">{link}</guid>\n<pubDate>{date}</pubDate>\n<dc:creator>{author}</dc:creator>\n",
            title = escape(&article.record.title),
            link = escape(article.url.as_str()),
            date = article.published.to_rfc2822(),
            author = escape(&article.record.byline),
        );
        for category in &article.record.categories {
            let _ = writeln!(xml, "<category>{}</category>", escape(category));
        }
        let _ = writeln!(
            xml,
            "<description>{}</description>",
            escape(summary(article))
        );
        if profile.full_content_in_feed {
            let _ = writeln!(
                xml,
                "<content:encoded>{}</content:encoded>",
                escape(&content_html(article))
            );
        }
        xml.push_str("</item>\n");
    }
    xml.push_str("</channel>\n</rss>\n");
    xml
}

fn rss1(
    site: &DemoSite,
    edition: &OutletEdition,
    feed_edition: &FeedEdition,
    items: &[&PublishedArticle],
) -> String {
    let profile = edition.profile;
    let feed = escape(feed_edition.url.as_str());
    let mut seq = String::new();
    for article in items {
        let _ = writeln!(
            seq,
            "<rdf:li rdf:resource=\"{}\"/>",
            escape(article.url.as_str())
        );
    }
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel rdf:about=\"{feed}\">\n<title>{name}</title>\n<link>{home}</link>\n<description>{tagline}</description>\n<dc:date>{date}</dc:date>\n<items>\n<rdf:Seq>\n{seq}</rdf:Seq>\n</items>\n</channel>\n",
        name = escape(profile.name),
        home = escape(edition.home_url.as_str()),
        tagline = escape(profile.tagline),
        date = iso_date(site.feed_updated(feed_edition)),
    );
    for article in items {
        let link = escape(article.url.as_str());
        let _ = write!(
            xml,
            "<item rdf:about=\"{link}\">\n<title>{title}</title>\n<link>{link}</link>\n<description>{description}</description>\n<dc:creator>{author}</dc:creator>\n<dc:date>{date}</dc:date>\n",
            title = escape(&article.record.title),
            description = escape(summary(article)),
            author = escape(&article.record.byline),
            date = iso_date(article.published),
        );
        for category in &article.record.categories {
            let _ = writeln!(xml, "<dc:subject>{}</dc:subject>", escape(category));
        }
        xml.push_str("</item>\n");
    }
    xml.push_str("</rdf:RDF>\n");
    xml
}

fn atom(
    site: &DemoSite,
    edition: &OutletEdition,
    feed_edition: &FeedEdition,
    items: &[&PublishedArticle],
) -> String {
    let profile = edition.profile;
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n<title>{name}</title>\n<subtitle>{tagline}</subtitle>\n<id>{home}</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"{home}\"/>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{feed}\"/>\n<updated>{updated}</updated>\n<generator>Tidings demo publishers</generator>\n",
        name = escape(profile.name),
        tagline = escape(profile.tagline),
        home = escape(edition.home_url.as_str()),
        feed = escape(feed_edition.url.as_str()),
        updated = iso_date(site.feed_updated(feed_edition)),
    );
    for article in items {
        let date = iso_date(article.published);
        let _ = write!(
            xml,
            "<entry>\n<title type=\"text\">{title}</title>\n<id>tag:{slug}.example,{day}:{id}</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n<published>{date}</published>\n<updated>{date}</updated>\n<author><name>{author}</name></author>\n",
            title = escape(&article.record.title),
            slug = profile.slug,
            day = article.published.format("%Y-%m-%d"),
            id = escape(&article.record.id),
            link = escape(article.url.as_str()),
            author = escape(&article.record.byline),
        );
        for category in &article.record.categories {
            let _ = writeln!(xml, "<category term=\"{}\"/>", escape(category));
        }
        let _ = writeln!(
            xml,
            "<summary type=\"text\">{}</summary>",
            escape(summary(article))
        );
        if profile.full_content_in_feed {
            let _ = writeln!(
                xml,
                "<content type=\"html\">{}</content>",
                escape(&content_html(article))
            );
        }
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

fn json_feed(
    edition: &OutletEdition,
    feed_edition: &FeedEdition,
    items: &[&PublishedArticle],
) -> String {
    let profile = edition.profile;
    let items: Vec<serde_json::Value> = items
        .iter()
        .map(|article| {
            let content = if profile.full_content_in_feed {
                content_html(article)
            } else {
                format!("<p>{}</p>", escape(summary(article)))
            };
            json!({
                "id": article.url.as_str(),
                "url": article.url.as_str(),
                "title": article.record.title,
                "summary": summary(article),
                "content_html": content,
                "date_published": iso_date(article.published),
                "authors": [{"name": article.record.byline}],
                "tags": article.record.categories,
            })
        })
        .collect();
    let feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": profile.name,
        "description": profile.tagline,
        "home_page_url": edition.home_url.as_str(),
        "feed_url": feed_edition.url.as_str(),
        "language": "en-US",
        "items": items,
    });
    let mut text = feed.to_string();
    text.push('\n');
    text
}
