use super::*;

fn base() -> Url {
    Url::parse("https://news.example/feeds/main.xml").expect("base url")
}

#[test]
fn reads_rss2_items_and_resolves_links() {
    let xml = br#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Example News</title><link>/</link>
<item>
  <title>First &amp; foremost</title><link>/2024/first</link>
  <guid isPermaLink="false">urn:example:1</guid>
  <description>&lt;p&gt;Summary&lt;/p&gt;</description>
  <pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate>
  <dc:creator>Ann Writer</dc:creator>
  <category>World</category><category>Politics</category>
  <media:thumbnail url="/img/1.jpg"/>
</item>
<item><title>No guid here</title><link>https://news.example/second</link></item>
</channel></rss>"#;
    let feed = parse_feed(xml, Some("application/rss+xml"), &base()).expect("valid rss");
    assert_eq!(feed.format, FeedFormat::Rss);
    assert_eq!(feed.title.as_deref(), Some("Example News"));
    assert_eq!(feed.site_url.as_deref(), Some("https://news.example/"));
    let first = &feed.entries[0];
    assert_eq!(first.guid.as_deref(), Some("urn:example:1"));
    assert_eq!(
        first.url.as_deref(),
        Some("https://news.example/2024/first")
    );
    assert_eq!(first.title.as_deref(), Some("First & foremost"));
    assert_eq!(first.summary_html.as_deref(), Some("<p>Summary</p>"));
    assert_eq!(
        first.published.map(|d| d.to_rfc3339()),
        Some("2024-01-02T10:00:00+00:00".into())
    );
    assert_eq!(first.authors, vec!["Ann Writer"]);
    assert_eq!(first.categories, vec!["World", "Politics"]);
    assert_eq!(
        first.image.as_deref(),
        Some("https://news.example/img/1.jpg")
    );
    assert_eq!(feed.entries[1].guid, None, "feed-rs must not invent ids");
    assert_eq!(
        feed.entries[1].url.as_deref(),
        Some("https://news.example/second")
    );
}

#[test]
fn reads_atom_with_alternate_link_and_content() {
    let xml = br#"<feed xmlns="http://www.w3.org/2005/Atom">
<title type="text">Atom Site</title>
<link rel="self" href="https://news.example/atom.xml"/>
<link rel="alternate" href="https://news.example/"/>
<entry><id>tag:news.example,2024:1</id><title>Entry one</title>
  <link rel="replies" href="https://news.example/1#comments"/>
  <link rel="alternate" type="text/html" href="/posts/1"/>
  <updated>2024-03-04T05:06:07Z</updated>
  <author><name>Bo</name></author>
  <content type="html">&lt;b&gt;Body&lt;/b&gt;</content>
</entry></feed>"#;
    let feed = parse_feed(xml, None, &base()).expect("valid atom");
    assert_eq!(feed.format, FeedFormat::Atom);
    assert_eq!(feed.site_url.as_deref(), Some("https://news.example/"));
    let entry = &feed.entries[0];
    assert_eq!(entry.guid.as_deref(), Some("tag:news.example,2024:1"));
    assert_eq!(entry.url.as_deref(), Some("https://news.example/posts/1"));
    assert_eq!(entry.content_html.as_deref(), Some("<b>Body</b>"));
    assert_eq!(entry.authors, vec!["Bo"]);
    assert!(entry.updated.is_some());
}

#[test]
fn reads_json_feed() {
    let json = br#"{"version": "https://jsonfeed.org/version/1.1", "title": "JF",
      "home_page_url": "https://j.example/",
      "items": [{"id": "1", "url": "https://j.example/1", "title": "One",
                 "content_html": "<p>hi</p>", "date_published": "2024-05-06T07:08:09Z",
                 "authors": [{"name": "Cy"}], "tags": ["a", "b"], "image": "https://j.example/1.png"}]}"#;
    let feed = parse_feed(json, Some("application/feed+json"), &base()).expect("valid json feed");
    assert_eq!(feed.format, FeedFormat::JsonFeed);
    assert_eq!(feed.title.as_deref(), Some("JF"));
    let item = &feed.entries[0];
    assert_eq!(item.guid.as_deref(), Some("1"));
    assert_eq!(item.url.as_deref(), Some("https://j.example/1"));
    assert_eq!(item.content_html.as_deref(), Some("<p>hi</p>"));
    assert_eq!(item.categories, vec!["a", "b"]);
}

#[test]
fn windows_1252_feed_declared_utf8_or_undeclared_keeps_characters() {
    let body = b"<rss version=\"2.0\"><channel><title>Caf\xe9 \x93News\x94</title><item><title>Na\xefve \x96 r\xe9sum\xe9 \x80</title></item></channel></rss>";
    for prolog in [
        &b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"[..],
        &b"<?xml version=\"1.0\"?>"[..],
        &b""[..],
    ] {
        let doc = [prolog, &body[..]].concat();
        let feed = parse_feed(&doc, Some("text/xml"), &base()).expect("recovered encoding");
        assert_eq!(feed.title.as_deref(), Some("Café “News”"));
        assert_eq!(feed.entries[0].title.as_deref(), Some("Naïve – résumé €"));
    }
}

#[test]
fn http_charset_is_used_for_non_utf8_bytes() {
    let doc = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\xef\xf0\xe8\xe2\xe5\xf2</title></channel></rss>";
    let feed = parse_feed(
        doc,
        Some("application/rss+xml; charset=windows-1251"),
        &base(),
    )
    .expect("cyrillic feed");
    assert_eq!(feed.title.as_deref(), Some("привет"));
}

#[test]
fn repairs_bare_ampersands_html_entities_and_control_chars() {
    let doc = "<rss version=\"2.0\"><channel><title>Tom & Jerry&nbsp;\u{1}&mdash;ok</title>\
        <item><title>R&D</title></item></channel></rss>";
    let feed = parse_feed(doc.as_bytes(), None, &base()).expect("repaired feed");
    assert_eq!(feed.title.as_deref(), Some("Tom & Jerry\u{a0}—ok"));
    assert_eq!(feed.entries[0].title.as_deref(), Some("R&D"));
}

#[test]
fn accepts_rss_without_a_known_version() {
    let doc = b"<rss version=\"0.94\"><channel><title>Old</title><item><title>x</title></item></channel></rss>";
    let feed = parse_feed(doc, None, &base()).expect("rss 0.94");
    assert_eq!(feed.title.as_deref(), Some("Old"));
    assert_eq!(feed.entries.len(), 1);
}

#[test]
fn broken_or_foreign_documents_give_clear_errors() {
    let err = parse_feed(
        b"<rss version=\"2.0\"><channel><title>x</titl></channel>",
        None,
        &base(),
    )
    .expect_err("mismatched tags");
    assert!(err.to_string().starts_with("malformed XML feed"), "{err}");
    let err = parse_feed(b"<html><body>hi</body></html>", None, &base()).expect_err("html");
    assert!(matches!(err, FeedError::NotAFeed), "{err}");
    let err = parse_feed(b"   ", None, &base()).expect_err("empty");
    assert!(matches!(err, FeedError::Empty));
    let err = parse_feed(b"{\"version\": ", None, &base()).expect_err("truncated json");
    assert!(err.to_string().starts_with("malformed JSON feed"), "{err}");
}

#[test]
fn xhtml_wrapper_div_is_removed() {
    let xml = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">A <b>bold</b> title</div></title>
<entry><id>x</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><div>inner</div><p>para</p></div></content></entry></feed>"#;
    let feed = parse_feed(xml, None, &base()).expect("xhtml atom");
    assert_eq!(feed.title.as_deref(), Some("A <b>bold</b> title"));
    assert_eq!(
        feed.entries[0].content_html.as_deref(),
        Some("<div>inner</div><p>para</p>")
    );
}

#[test]
fn json_feed_with_bare_version_number_is_read() {
    let json = br#"{"version": "1.1", "title": "Bare", "items": [{"id": "a", "title": "A"}]}"#;
    let feed = parse_feed(json, None, &base()).expect("json feed 1.1");
    assert_eq!(feed.title.as_deref(), Some("Bare"));
    assert_eq!(feed.entries[0].title.as_deref(), Some("A"));
    let err =
        parse_feed(br#"{"version": "9", "title": "x"}"#, None, &base()).expect_err("not a feed");
    assert!(
        matches!(
            err,
            FeedError::UnsupportedJsonVersion(_) | FeedError::MalformedJson(_)
        ),
        "{err}"
    );
}

#[test]
fn rss_author_email_forms_become_names() {
    let xml = br#"<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>
<item><title>a</title><author>ed@example.com (Example Editor)</author></item>
<item><title>b</title><dc:creator>Jo Writer (jo@example.com)</dc:creator></item>
<item><title>c</title><author>plain@example.com</author></item>
</channel></rss>"#;
    let feed = parse_feed(xml, None, &base()).expect("rss");
    let authors: Vec<_> = feed.entries.iter().map(|e| e.authors.clone()).collect();
    assert_eq!(
        authors,
        vec![
            vec!["Example Editor".to_owned()],
            vec!["Jo Writer".to_owned()],
            vec!["plain@example.com".to_owned()]
        ]
    );
}

#[test]
fn c1_controls_are_read_as_windows_1252() {
    let xml =
        "<rss version=\"2.0\"><channel><title>don\u{92}t &#146;quote&#148;</title></channel></rss>";
    let feed = parse_feed(xml.as_bytes(), None, &base()).expect("rss");
    assert_eq!(feed.title.as_deref(), Some("don’t ’quote”"));
}
