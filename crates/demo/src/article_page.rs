//! Article pages, in four layouts that differ the way real publishers' markup differs, each
//! with the metadata real sites declare (Open Graph, `article:published_time`, canonical link,
//! author meta or JSON-LD `NewsArticle`).

use std::fmt::Write;

use serde_json::json;

use super::boilerplate::{
    ad_slot, comment_link, comments_section, cookie_notice, newsletter_form, promo_line,
    related_box, share_bar, site_footer, site_header,
};
use super::markup::{escape, iso_date, json_for_script};
use super::outlets::PageLayout;
use super::site::{DemoSite, PublishedArticle};

/// Paragraph positions (0-based) after which a "[Read: …]" promo is placed; articles of one
/// or two paragraphs get theirs after the first.
const PROMO_AFTER: [usize; 2] = [1, 4];

/// Renders the page of `site.articles[index]`.
pub fn render(site: &DemoSite, index: usize) -> String {
    let article = &site.articles[index];
    let related = site.related_to(index, 6);
    let promos: Vec<&PublishedArticle> = related.iter().rev().take(2).copied().collect();
    let body = body_with_promos(article, &promos);
    let boxed: Vec<&PublishedArticle> = related.iter().take(4).copied().collect();
    let outlet = article.outlet;
    let head = head(article);
    let main = match outlet.layout {
        PageLayout::Classic => classic(article, &body),
        PageLayout::Blog => blog(article, &body),
        PageLayout::DivSoup => div_soup(article, &body),
        PageLayout::Sectioned => sectioned(article, &body),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head>{head}</head><body class=\"{layout:?}\">{cookie}{header}{main}{related}{newsletter}{ad}{comments}{footer}</body></html>\n",
        layout = outlet.layout,
        cookie = cookie_notice(outlet),
        header = site_header(outlet),
        related = related_box(&boxed),
        newsletter = newsletter_form(outlet),
        ad = ad_slot("footer-leaderboard"),
        comments = comments_section(),
        footer = site_footer(outlet),
    )
}

fn body_with_promos(article: &PublishedArticle, promos: &[&PublishedArticle]) -> String {
    let layout = article.outlet.layout;
    let paragraphs = &article.record.paragraphs;
    let mut html = String::new();
    let mut promos = promos.iter();
    for (i, paragraph) in paragraphs.iter().enumerate() {
        let _ = write!(html, "<p>{}</p>", escape(paragraph));
        let last = i + 1 == paragraphs.len();
        let promo_here = if paragraphs.len() <= 2 {
            i == 0
        } else {
            PROMO_AFTER.contains(&i) && !last
        };
        if promo_here && let Some(promo) = promos.next() {
            html.push_str(&promo_line(layout, promo));
        }
        if layout == PageLayout::DivSoup && i == 2 && !last {
            html.push_str(&ad_slot("in-article"));
        }
    }
    html
}

fn head(article: &PublishedArticle) -> String {
    let outlet = article.outlet;
    let title = escape(&article.record.title);
    let site_name = escape(outlet.name);
    let url = escape(article.url.as_str());
    let published = iso_date(article.published);
    let description = escape(&first_words(&article.record.paragraphs, 30));
    let mut head = format!(
        r#"<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} | {site_name}</title><meta name="description" content="{description}"><link rel="canonical" href="{url}"><meta property="og:type" content="article"><meta property="og:title" content="{title}"><meta property="og:site_name" content="{site_name}"><meta property="og:url" content="{url}"><meta property="og:description" content="{description}"><meta property="article:published_time" content="{published}">"#
    );
    if let Some(picture) = article.picture.as_deref()
        && let Ok(picture) = article.url.join(picture)
    {
        let _ = write!(
            head,
            r#"<meta property="og:image" content="{}">"#,
            escape(picture.as_str())
        );
    }
    for category in &article.record.categories {
        let _ = write!(
            head,
            r#"<meta property="article:section" content="{}">"#,
            escape(category)
        );
    }
    let author = escape(&article.record.byline);
    match outlet.layout {
        PageLayout::Classic | PageLayout::DivSoup => {
            if outlet.layout == PageLayout::Classic {
                let _ = write!(head, r#"<meta name="author" content="{author}">"#);
            }
            let _ = write!(
                head,
                r#"<script type="application/ld+json">{}</script>"#,
                json_for_script(&news_article_json_ld(article))
            );
        }
        PageLayout::Blog => {
            let _ = write!(head, r#"<meta name="author" content="{author}">"#);
        }
        PageLayout::Sectioned => {
            let _ = write!(
                head,
                r#"<meta property="article:author" content="{author}"><meta name="byl" content="By {author}">"#
            );
        }
    }
    head.push_str(r#"<link rel="stylesheet" href="/static/site.css">"#);
    head
}

fn news_article_json_ld(article: &PublishedArticle) -> serde_json::Value {
    json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.record.title,
        "datePublished": iso_date(article.published),
        "dateModified": iso_date(article.published),
        "author": [{"@type": "Person", "name": article.record.byline}],
        "publisher": {"@type": "NewsMediaOrganization", "name": article.outlet.name},
        "mainEntityOfPage": article.url.as_str(),
        "articleSection": article.record.categories,
    })
}

fn dateline(article: &PublishedArticle) -> (String, String) {
    (
        iso_date(article.published),
        article
            .published
            .format("%B %-d, %Y at %-I:%M %p UTC")
            .to_string(),
    )
}

fn classic(article: &PublishedArticle, body: &str) -> String {
    let (iso, human) = dateline(article);
    format!(
        r#"<article class="story"><header class="story-header"><p class="kicker">{section}</p><h1 class="headline">{title}</h1><div class="story-meta"><span class="byline">By <a href="/{slug}/staff/">{author}</a></span> <time datetime="{iso}">{human}</time> {comments}</div></header>{share}<div class="article-body">{body}</div>{share}</article>"#,
        section = escape(
            article
                .record
                .categories
                .first()
                .map_or("News", String::as_str)
        ),
        title = escape(&article.record.title),
        slug = article.outlet.slug,
        author = escape(&article.record.byline),
        comments = comment_link(article),
        share = share_bar(article),
    )
}

fn blog(article: &PublishedArticle, body: &str) -> String {
    let (iso, human) = dateline(article);
    format!(
        r#"<main id="main" class="site-main"><div class="post hentry" itemscope itemtype="https://schema.org/NewsArticle"><h1 class="entry-title" itemprop="headline">{title}</h1><p class="entry-meta">Posted <time class="published" itemprop="datePublished" datetime="{iso}">{human}</time> by <span class="author vcard" itemprop="author"><span class="fn">{author}</span></span> &middot; {comments}</p>{share}<div class="entry-content" itemprop="articleBody">{body}</div><p class="tags">Filed under: {tags}</p></div></main>"#,
        title = escape(&article.record.title),
        author = escape(&article.record.byline),
        comments = comment_link(article),
        share = share_bar(article),
        tags = article
            .record
            .categories
            .iter()
            .map(|c| format!(
                r#"<a rel="tag" href="/{}/tag/{}/">{}</a>"#,
                article.outlet.slug,
                escape(&c.to_ascii_lowercase()),
                escape(c)
            ))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

fn div_soup(article: &PublishedArticle, body: &str) -> String {
    let (_, human) = dateline(article);
    format!(
        r#"<div class="page-wrap"><div class="col-main"><div class="story-container"><div class="headline-block"><h1>{title}</h1><div class="meta-line"><div class="by">{author}, {name}</div><div class="ts">Updated {human}</div>{comments}</div></div>{ad}{share}<div id="storytext" class="storytext">{body}</div><div class="tag-row">More on: {section}</div></div></div><div class="col-rail">{rail_ad}<div class="most-read"><h4>Most read</h4><p>Updated every hour</p></div></div></div>"#,
        title = escape(&article.record.title),
        author = escape(&article.record.byline),
        name = escape(article.outlet.name),
        comments = comment_link(article),
        ad = ad_slot("top"),
        share = share_bar(article),
        section = escape(&article.record.categories.join(", ")),
        rail_ad = ad_slot("rail"),
    )
}

fn sectioned(article: &PublishedArticle, body: &str) -> String {
    let (iso, human) = dateline(article);
    format!(
        r#"<article class="c-article"><section class="c-article__header"><span class="c-article__label">{section}</span><h1 class="c-article__title">{title}</h1><address class="c-article__byline">By <a rel="author" href="/{slug}/people/">{author}</a></address><p class="c-article__date"><time datetime="{iso}">{human}</time></p>{comments}</section><section class="c-article__share">{share}</section><section class="c-article__body"><div class="c-article__text">{body}</div></section><section class="c-article__footer"><p>Have a news tip? Contact {name} at tips@{slug}.example.</p></section></article>"#,
        section = escape(
            article
                .record
                .categories
                .first()
                .map_or("News", String::as_str)
        ),
        title = escape(&article.record.title),
        slug = article.outlet.slug,
        author = escape(&article.record.byline),
        comments = comment_link(article),
        share = share_bar(article),
        name = escape(article.outlet.name),
    )
}

/// The first `count` words of the article, with an ellipsis when cut.
pub fn first_words(paragraphs: &[String], count: usize) -> String {
    let text = paragraphs.join(" ");
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= count {
        words.join(" ")
    } else {
        format!("{}…", words[..count].join(" "))
    }
}
