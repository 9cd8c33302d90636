//! Writes an [`OutFeed`] as Atom 1.0 (RFC 4287) with quick-xml's writer, which escapes
//! every text and attribute. Characters XML 1.0 does not allow (most C0 controls, U+FFFE,
//! U+FFFF) are dropped first: a publisher's stray control character must not make the whole
//! feed unreadable.
//!
//! The feed has an author (the site), so every entry has one even when it names none; each
//! entry has its id, title, `updated`, an alternate link to its page here and, when it mirrors
//! an article, `rel="via"` to the original.

use std::io;

use chrono::{DateTime, SecondsFormat, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::{OutEntry, OutFeed};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// The feed as an Atom document.
pub fn write_feed(feed: &OutFeed) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 1);
    // Writing into memory cannot fail; should quick-xml report an error, it is logged.
    if let Err(error) = write_document(&mut writer, feed) {
        tracing::error!(%error, "writing an Atom feed failed");
    }
    String::from_utf8_lossy(&writer.into_inner()).into_owned()
}

/// Text as XML 1.0 allows it.
pub fn xml_text(text: &str) -> String {
    text.chars().filter(|&c| allowed_in_xml(c)).collect()
}

fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn write_document(w: &mut Writer<Vec<u8>>, feed: &OutFeed) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.create_element("feed")
        .with_attribute(("xmlns", ATOM_NS))
        .write_inner_content(|w| {
            text_element(w, "id", &feed.atom_url)?;
            text_element(w, "title", &feed.title)?;
            if let Some(description) = &feed.description {
                text_element(w, "subtitle", description)?;
            }
            text_element(w, "updated", &rfc3339(feed.updated))?;
            link(w, "self", "application/atom+xml", &feed.atom_url)?;
            link(w, "alternate", "text/html", &feed.home_page_url)?;
            if let Some(json) = &feed.json_url {
                link(w, "alternate", "application/feed+json", json)?;
            }
            w.create_element("author").write_inner_content(|w| {
                text_element(w, "name", &feed.site_title)?;
                text_element(w, "uri", &feed.site_url)?;
                Ok(())
            })?;
            w.create_element("generator")
                .with_attribute(("uri", feed.site_url.as_str()))
                .write_text_content(BytesText::new("Tidings"))?;
            for entry in &feed.entries {
                write_entry(w, entry)?;
            }
            Ok(())
        })?;
    Ok(())
}

fn write_entry(w: &mut Writer<Vec<u8>>, entry: &OutEntry) -> io::Result<()> {
    w.create_element("entry").write_inner_content(|w| {
        text_element(w, "id", &entry.url)?;
        text_element(w, "title", &entry.title)?;
        text_element(w, "updated", &rfc3339(entry.updated))?;
        if let Some(published) = entry.published {
            text_element(w, "published", &rfc3339(published))?;
        }
        if let Some(author) = &entry.author {
            w.create_element("author")
                .write_inner_content(|w| text_element(w, "name", author))?;
        }
        link(w, "alternate", "text/html", &entry.url)?;
        if let Some(original) = &entry.original {
            w.create_element("link")
                .with_attribute(("rel", "via"))
                .with_attribute(("type", "text/html"))
                .with_attribute(("href", xml_text(&original.url).as_str()))
                .with_attribute(("title", xml_text(&original.publisher).as_str()))
                .write_empty()?;
        }
        if let Some(image) = &entry.image {
            w.create_element("link")
                .with_attribute(("rel", "enclosure"))
                .with_attribute(("href", xml_text(image).as_str()))
                .write_empty()?;
        }
        for tag in &entry.tags {
            w.create_element("category")
                .with_attribute(("term", xml_text(&tag.label).as_str()))
                .with_attribute(("scheme", xml_text(&tag.url).as_str()))
                .write_empty()?;
        }
        if let Some(summary) = &entry.summary {
            text_element(w, "summary", summary)?;
        }
        w.create_element("content")
            .with_attribute(("type", "html"))
            .write_text_content(BytesText::new(&xml_text(&entry.content_html)))?;
        Ok(())
    })?;
    Ok(())
}

fn text_element(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_text(text)))?;
    Ok(())
}

fn link(w: &mut Writer<Vec<u8>>, rel: &str, media_type: &str, href: &str) -> io::Result<()> {
    w.create_element("link")
        .with_attribute(("rel", rel))
        .with_attribute(("type", media_type))
        .with_attribute(("href", xml_text(href).as_str()))
        .write_empty()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_xml_forbids_are_dropped() {
        assert_eq!(xml_text("a\u{0}b\u{1b}c\td\u{FFFF}é"), "abc\td\u{e9}");
    }
}
