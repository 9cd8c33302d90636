//! The site furniture real news pages wrap around an article: navigation, cookie notice, share
//! bar, inline promos, related stories, newsletter form, ad slots and footer. Extraction must
//! learn to leave all of it out.

use std::fmt::Write;

use super::markup::escape;
use super::outlets::{OutletProfile, PageLayout};
use super::site::PublishedArticle;

const SECTIONS: [&str; 8] = [
    "World",
    "Crime",
    "Sports",
    "Entertainment",
    "Environment",
    "Politics",
    "Opinion",
    "Obituaries",
];

/// The masthead and section navigation.
pub fn site_header(outlet: &OutletProfile) -> String {
    let home = format!("/{}/", outlet.slug);
    let mut nav = String::new();
    for section in SECTIONS {
        let _ = write!(
            nav,
            r#"<li><a href="{home}section/{}/">{section}</a></li>"#,
            section.to_ascii_lowercase()
        );
    }
    match outlet.layout {
        PageLayout::Classic | PageLayout::Blog => format!(
            r#"<header class="site-header"><a class="logo" href="{home}">{name}</a><p class="tagline">{tagline}</p><nav class="main-nav" aria-label="Sections"><ul>{nav}</ul></nav><a class="subscribe-btn" href="{home}subscribe/">Subscribe</a> <a class="login" href="{home}account/">Sign in</a></header>"#,
            name = escape(outlet.name),
            tagline = escape(outlet.tagline),
        ),
        PageLayout::DivSoup | PageLayout::Sectioned => format!(
            r#"<div id="masthead" class="c-masthead"><div class="c-masthead__brand"><a href="{home}"><span class="c-logo">{name}</span></a></div><div class="c-masthead__nav"><ul class="menu">{nav}<li><a href="{home}search/">Search</a></li></ul></div><div class="c-masthead__date">Today's paper | <a href="{home}subscribe/">Subscribe for $1</a></div></div>"#,
            name = escape(outlet.name),
        ),
    }
}

/// The cookie consent banner most sites show at the top or bottom of every page.
pub fn cookie_notice(outlet: &OutletProfile) -> String {
    format!(
        r#"<div class="cookie-banner" role="dialog" aria-label="Cookie consent"><p>We use cookies to personalise content and ads, to provide social media features and to analyse our traffic. By continuing to use {name} you agree to our <a href="/{slug}/privacy/">cookie policy</a>.</p><button type="button" class="cookie-accept">Accept all</button> <button type="button" class="cookie-settings">Manage settings</button></div>"#,
        name = escape(outlet.name),
        slug = outlet.slug,
    )
}

/// Share links for X, Facebook and email.
pub fn share_bar(article: &PublishedArticle) -> String {
    let url = article.url.as_str();
    let title = &article.record.title;
    let text = url_component(title);
    let link = url_component(url);
    format!(
        r#"<div class="share-bar"><span class="share-label">Share this story</span><ul class="share-links"><li><a class="share-x" href="https://x.com/intent/post?text={text}&amp;url={link}">Share on X</a></li><li><a class="share-facebook" href="https://www.facebook.com/sharer/sharer.php?u={link}">Share on Facebook</a></li><li><a class="share-email" href="mailto:?subject={text}&amp;body={link}">Email</a></li></ul></div>"#
    )
}

/// The "[Read: …]" cross-promotion line placed between paragraphs.
pub fn promo_line(layout: PageLayout, promoted: &PublishedArticle) -> String {
    let title = escape(&promoted.record.title);
    let href = escape(&promoted.path);
    match layout {
        PageLayout::Classic => {
            format!(r#"<p class="inline-promo"><a href="{href}">[Read: {title}]</a></p>"#)
        }
        PageLayout::Blog => {
            format!(r#"<p><strong>[Read: <a href="{href}">{title}</a>]</strong></p>"#)
        }
        PageLayout::DivSoup => format!(
            r#"<div class="rel-inline"><span class="rel-kicker">[Read:</span> <a href="{href}">{title}</a><span>]</span></div>"#
        ),
        PageLayout::Sectioned => format!(
            r#"<aside class="c-inline-promo"><p><a href="{href}">[Read: {title}]</a></p></aside>"#
        ),
    }
}

/// A box of links to related stories.
pub fn related_box(related: &[&PublishedArticle]) -> String {
    let mut items = String::new();
    for story in related {
        let _ = write!(
            items,
            r#"<li><a href="{}">{}</a> <span class="related-date">{}</span></li>"#,
            escape(&story.path),
            escape(&story.record.title),
            story.published.format("%b %-d")
        );
    }
    format!(r#"<aside class="related-stories"><h2>Related stories</h2><ul>{items}</ul></aside>"#)
}

/// The newsletter sign-up form.
pub fn newsletter_form(outlet: &OutletProfile) -> String {
    format!(
        r#"<div class="newsletter-signup"><h3>Get the {name} newsletter</h3><p>The day's top stories in your inbox every morning. Sign up for our free newsletter.</p><form action="/{slug}/newsletter/" method="post"><label for="nl-email">Email address</label><input id="nl-email" type="email" name="email" placeholder="you@example.com"><button type="submit">Sign up</button></form><p class="fine-print">You can unsubscribe at any time.</p></div>"#,
        name = escape(outlet.name),
        slug = outlet.slug,
    )
}

/// An advertisement placeholder.
pub fn ad_slot(slot: &str) -> String {
    format!(
        r#"<div class="ad-slot" id="ad-{slot}" data-ad-unit="{slot}"><span class="ad-label">Advertisement</span><div class="ad-creative">Shop the season's best deals at Brightline Outfitters - up to 40% off</div></div>"#
    )
}

/// The link to the comments section, with its count.
pub fn comment_link(article: &PublishedArticle) -> String {
    format!(
        r##"<a class="comment-count" href="#comments">{} comments</a>"##,
        article.comment_count
    )
}

/// The comments placeholder the comment link points at.
pub fn comments_section() -> &'static str {
    r##"<div id="comments" class="comments"><h3>Comments</h3><p>Comments are loading. <a href="#">Sign in</a> to join the conversation.</p></div>"##
}

/// The footer with its link lists.
pub fn site_footer(outlet: &OutletProfile) -> String {
    let home = format!("/{}/", outlet.slug);
    let links = [
        ("About us", "about"),
        ("Contact", "contact"),
        ("Careers", "careers"),
        ("Advertise", "advertise"),
        ("Privacy policy", "privacy"),
        ("Terms of use", "terms"),
        ("Corrections", "corrections"),
    ];
    let mut items = String::new();
    for (label, page) in links {
        let _ = write!(items, r#"<li><a href="{home}{page}/">{label}</a></li>"#);
    }
    format!(
        r#"<footer class="site-footer"><ul class="footer-links">{items}</ul><p class="copyright">&copy; {name}. A fictional outlet of the Tidings demo. Texts from the ECB+ corpus (CC BY 3.0).</p></footer>"#,
        name = escape(outlet.name),
    )
}

/// Percent-encodes a string for use inside a URL query value.
fn url_component(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
