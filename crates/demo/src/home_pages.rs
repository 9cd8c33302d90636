//! Outlet home pages (with feed discovery links), the publishers' index page, the shared
//! `robots.txt` and an OPML list of every outlet's feed.

use std::fmt::Write;

use super::boilerplate::{ad_slot, cookie_notice, newsletter_form, site_footer, site_header};
use super::markup::{escape, iso_date};
use super::site::{DemoSite, OutletEdition};

/// Path prefix that robots.txt disallows; nothing public lives under it.
pub const DISALLOWED_PREFIX: &str = "/private/";

/// The one robots.txt at the host root: everything but [`DISALLOWED_PREFIX`] may be crawled.
pub fn robots_txt(site: &DemoSite) -> String {
    let mut text = format!("User-agent: *\nDisallow: {DISALLOWED_PREFIX}\nAllow: /\n\n");
    for edition in &site.outlets {
        let _ = writeln!(text, "# {}: {}", edition.profile.name, edition.feed_url);
    }
    text
}

/// The page at `/`: a directory of the fictional outlets.
pub fn index_page(site: &DemoSite) -> String {
    let mut items = String::new();
    for edition in &site.outlets {
        let _ = write!(
            items,
            r#"<li><a href="{home}">{name}</a> — {tagline} ({count} stories, <a href="{feed}">{format:?} feed</a>)</li>"#,
            home = escape(edition.home_url.as_str()),
            name = escape(edition.profile.name),
            tagline = escape(edition.profile.tagline),
            count = edition.articles.len(),
            feed = escape(edition.feed_url.as_str()),
            format = edition.profile.format,
        );
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Tidings demo publishers</title></head><body><h1>Tidings demo publishers</h1><p>Made-up outlets serving real news texts from the ECB+ corpus (CC BY 3.0) for the Tidings demo. <a href=\"/outlets.opml\">OPML of all feeds</a>.</p><ul>{items}</ul></body></html>\n"
    )
}

/// An outlet's front page: latest stories, with `<link rel="alternate">` to its feed.
pub fn outlet_home(site: &DemoSite, edition: &OutletEdition) -> String {
    let profile = edition.profile;
    let mut stories = String::new();
    for &index in &edition.articles {
        let article = &site.articles[index];
        let _ = write!(
            stories,
            r#"<li class="story-card"><a class="story-link" href="{path}">{title}</a> <span class="card-byline">{byline}</span> <time datetime="{iso}">{human}</time></li>"#,
            path = escape(&article.path),
            title = escape(&article.record.title),
            byline = escape(&article.record.byline),
            iso = iso_date(article.published),
            human = article.published.format("%b %-d, %H:%M"),
        );
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{name} — {tagline}</title><meta property=\"og:site_name\" content=\"{name}\"><link rel=\"canonical\" href=\"{home}\"><link rel=\"alternate\" type=\"{feed_type}\" title=\"{name}\" href=\"{feed}\"></head><body>{cookie}{header}<main class=\"front\"><h2>Latest news</h2><ul class=\"latest\">{stories}</ul></main>{ad}{newsletter}{footer}</body></html>\n",
        name = escape(profile.name),
        tagline = escape(profile.tagline),
        home = escape(edition.home_url.as_str()),
        feed_type = profile.format.discovery_type(),
        feed = escape(edition.feed_url.as_str()),
        cookie = cookie_notice(profile),
        header = site_header(profile),
        ad = ad_slot("home-leaderboard"),
        newsletter = newsletter_form(profile),
        footer = site_footer(profile),
    )
}

/// An OPML 2.0 subscription list with every feed of every outlet.
pub fn opml(site: &DemoSite) -> String {
    let mut outlines = String::new();
    for edition in &site.outlets {
        for feed in &edition.feeds {
            let _ = write!(
                outlines,
                "\n    <outline type=\"rss\" text=\"{name}\" title=\"{name}\" xmlUrl=\"{feed}\" htmlUrl=\"{home}\"/>",
                name = escape(edition.profile.name),
                feed = escape(feed.url.as_str()),
                home = escape(edition.home_url.as_str()),
            );
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head><title>Tidings demo publishers</title></head>\n  <body>{outlines}\n  </body>\n</opml>\n"
    )
}
