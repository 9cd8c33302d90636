//! Owns OPML subscription lists: reading the feeds out of an OPML document
//! (nested outlines become categories) and writing one.

use quick_xml::Reader;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::feed::charset;

/// One subscription in an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    /// The feed URL (`xmlUrl`).
    pub xml_url: String,
    /// `title`, or `text` when there is no title.
    pub title: Option<String>,
    /// The site URL (`htmlUrl`).
    pub html_url: Option<String>,
    /// The title of the enclosing outline, when feeds are grouped.
    pub category: Option<String>,
}

/// Why an OPML document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OpmlError {
    #[error("malformed OPML at byte {position}: {detail}")]
    Malformed { position: u64, detail: String },
    #[error("not an OPML document: the root element is <{0}>, expected <opml>")]
    WrongRoot(String),
    #[error("not an OPML document: no <opml> element found")]
    Empty,
}

/// Reads every outline with an `xmlUrl`, in document order.
pub fn parse_opml(bytes: &[u8]) -> Result<Vec<OpmlFeed>, OpmlError> {
    let text = charset::to_utf8(bytes, None);
    let mut reader = Reader::from_str(&text);
    reader.config_mut().check_end_names = false;
    let mut feeds = Vec::new();
    let mut seen_root = false;
    // One entry per open <outline>: the title it gives its children.
    let mut groups: Vec<Option<String>> = Vec::new();
    loop {
        let event = reader.read_event().map_err(|e| OpmlError::Malformed {
            position: reader.error_position(),
            detail: e.to_string(),
        })?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(event, Event::Empty(_));
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if !seen_root {
                    if !name.eq_ignore_ascii_case("opml") {
                        return Err(OpmlError::WrongRoot(name));
                    }
                    seen_root = true;
                    continue;
                }
                if !name.eq_ignore_ascii_case("outline") {
                    continue;
                }
                let outline = read_outline(e)?;
                let category = groups.iter().rev().flatten().next().cloned();
                let group_title = match outline.xml_url {
                    Some(xml_url) => {
                        feeds.push(OpmlFeed {
                            xml_url,
                            title: outline.title,
                            html_url: outline.html_url,
                            category,
                        });
                        None
                    }
                    None => outline.title,
                };
                if !is_empty {
                    groups.push(group_title);
                }
            }
            Event::End(ref e) if e.local_name().as_ref().eq_ignore_ascii_case(b"outline") => {
                groups.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root {
        return Err(OpmlError::Empty);
    }
    Ok(feeds)
}

struct Outline {
    xml_url: Option<String>,
    title: Option<String>,
    html_url: Option<String>,
}

fn read_outline(element: &BytesStart<'_>) -> Result<Outline, OpmlError> {
    let mut outline = Outline {
        xml_url: None,
        title: None,
        html_url: None,
    };
    let mut text = None;
    for attr in element.attributes().with_checks(false) {
        let attr = attr.map_err(|e| OpmlError::Malformed {
            position: 0,
            detail: e.to_string(),
        })?;
        let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).to_ascii_lowercase();
        let value = attr
            .unescape_value()
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(&attr.value).trim().to_owned());
        if value.is_empty() {
            continue;
        }
        match key.as_str() {
            "xmlurl" => outline.xml_url = Some(value),
            "htmlurl" => outline.html_url = Some(value),
            "title" => outline.title = Some(value),
            "text" => text = Some(value),
            _ => {}
        }
    }
    outline.title = outline.title.or(text);
    Ok(outline)
}

/// Writes an OPML 2.0 document; feeds with a category are grouped under an
/// outline with that title, in first-seen order.
pub fn write_opml(title: &str, feeds: &[OpmlFeed]) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail; errors are ignored for that reason.
    let _ = write_document(&mut writer, title, feeds);
    String::from_utf8(writer.into_inner()).unwrap_or_default()
}

fn write_document(
    writer: &mut Writer<Vec<u8>>,
    title: &str,
    feeds: &[OpmlFeed],
) -> std::io::Result<()> {
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer.write_event(Event::Start(
        BytesStart::new("opml").with_attributes([("version", "2.0")]),
    ))?;
    writer.write_event(Event::Start(BytesStart::new("head")))?;
    writer.write_event(Event::Start(BytesStart::new("title")))?;
    writer.write_event(Event::Text(BytesText::new(title)))?;
    writer.write_event(Event::End(BytesEnd::new("title")))?;
    writer.write_event(Event::End(BytesEnd::new("head")))?;
    writer.write_event(Event::Start(BytesStart::new("body")))?;
    let mut categories: Vec<&str> = Vec::new();
    for feed in feeds {
        if let Some(c) = feed.category.as_deref()
            && !categories.contains(&c)
        {
            categories.push(c);
        }
    }
    for feed in feeds.iter().filter(|f| f.category.is_none()) {
        write_feed_outline(writer, feed)?;
    }
    for category in categories {
        writer.write_event(Event::Start(
            BytesStart::new("outline").with_attributes([("text", category), ("title", category)]),
        ))?;
        for feed in feeds
            .iter()
            .filter(|f| f.category.as_deref() == Some(category))
        {
            write_feed_outline(writer, feed)?;
        }
        writer.write_event(Event::End(BytesEnd::new("outline")))?;
    }
    writer.write_event(Event::End(BytesEnd::new("body")))?;
    writer.write_event(Event::End(BytesEnd::new("opml")))?;
    Ok(())
}

fn write_feed_outline(writer: &mut Writer<Vec<u8>>, feed: &OpmlFeed) -> std::io::Result<()> {
    let title = feed.title.as_deref().unwrap_or(&feed.xml_url);
    let mut outline = BytesStart::new("outline").with_attributes([
        ("type", "rss"),
        ("text", title),
        ("title", title),
        ("xmlUrl", feed.xml_url.as_str()),
    ]);
    if let Some(html_url) = feed.html_url.as_deref() {
        outline.push_attribute(("htmlUrl", html_url));
    }
    writer.write_event(Event::Empty(outline))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_outlines_with_categories() {
        let doc = br#"<?xml version="1.0"?>
<opml version="1.0"><head><title>subs</title></head><body>
  <outline text="Loose" xmlUrl="https://a.example/feed" />
  <outline text="Tech" title="Tech">
    <outline text="B text" title="B &amp; Co" type="rss" xmlUrl="https://b.example/rss" htmlUrl="https://b.example/"/>
    <outline text="Deeper"><outline xmlurl="https://c.example/atom"/></outline>
  </outline>
  <outline text="After" xmlUrl="https://d.example/feed"></outline>
</body></opml>"#;
        let feeds = parse_opml(doc).expect("valid opml");
        let summary: Vec<_> = feeds
            .iter()
            .map(|f| {
                (
                    f.xml_url.as_str(),
                    f.title.as_deref(),
                    f.html_url.as_deref(),
                    f.category.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("https://a.example/feed", Some("Loose"), None, None),
                (
                    "https://b.example/rss",
                    Some("B & Co"),
                    Some("https://b.example/"),
                    Some("Tech")
                ),
                ("https://c.example/atom", None, None, Some("Deeper")),
                ("https://d.example/feed", Some("After"), None, None),
            ]
        );
    }

    #[test]
    fn written_opml_escapes_and_round_trips() {
        let feeds = vec![
            OpmlFeed {
                xml_url: "https://x.example/feed?a=1&b=2".into(),
                title: Some("Tom & \"Jerry\" <news>".into()),
                html_url: Some("https://x.example/".into()),
                category: None,
            },
            OpmlFeed {
                xml_url: "https://y.example/rss".into(),
                title: None,
                html_url: None,
                category: Some("Science & Tech".into()),
            },
        ];
        let xml = write_opml("My <feeds>", &feeds);
        assert!(xml.contains("<title>My &lt;feeds&gt;</title>"), "{xml}");
        assert!(xml.contains("a=1&amp;b=2"), "{xml}");
        let back = parse_opml(xml.as_bytes()).expect("own output parses");
        let mut expected = feeds.clone();
        expected[1].title = Some("https://y.example/rss".into());
        assert_eq!(back, expected);
    }

    #[test]
    fn rejects_non_opml_and_broken_xml() {
        assert!(matches!(
            parse_opml(b"<rss version=\"2.0\"></rss>"),
            Err(OpmlError::WrongRoot(name)) if name == "rss"
        ));
        assert!(matches!(parse_opml(b""), Err(OpmlError::Empty)));
        let err = parse_opml(b"<opml><body><outline xmlUrl=\"a></body></opml>")
            .expect_err("unterminated attribute");
        assert!(err.to_string().starts_with("malformed OPML"), "{err}");
    }
}
